//! Who is signed in: the access token (memory only), the account (`GET /me`) and the phase of
//! the SPA's session, provided as a context to every component.

use leptos::prelude::*;
use otmetka_domain::auth::{LoginRequest, Me, TokenResponse};

use crate::api::{self, ApiError};

/// Where the SPA is with its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// At start: trying the refresh cookie.
    Checking,
    /// No usable session: the login and registration pages only.
    SignedOut,
    /// Token and account loaded.
    SignedIn,
}

/// The session state, `Copy` so that closures can capture it freely.
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    /// The access JWT; kept only here, so a reload starts with a refresh.
    pub token: RwSignal<Option<String>>,
    /// The signed-in account.
    pub me: RwSignal<Option<Me>>,
    pub phase: RwSignal<Phase>,
    /// Why the SPA was signed out without the user asking (session revoked, refresh failed),
    /// shown once on the login page.
    pub ended_because: RwSignal<Option<ApiError>>,
}

impl Auth {
    fn new() -> Auth {
        Auth {
            token: RwSignal::new(None),
            me: RwSignal::new(None),
            phase: RwSignal::new(Phase::Checking),
            ended_because: RwSignal::new(None),
        }
    }

    /// Forgets the session locally. `reason` is shown on the login page; `None` for a logout the
    /// user asked for.
    pub fn signed_out(self, reason: Option<ApiError>) {
        self.token.set(None);
        self.me.set(None);
        self.ended_because.set(reason);
        self.phase.set(Phase::SignedOut);
    }

    /// Stores a fresh token, loads the account and enters [`Phase::SignedIn`].
    pub async fn start_session(self, token: TokenResponse) -> Result<(), ApiError> {
        self.token.set(Some(token.access_token));
        match api::me(self).await {
            Ok(me) => {
                self.me.set(Some(me));
                self.ended_because.set(None);
                self.phase.set(Phase::SignedIn);
                Ok(())
            }
            Err(err) => {
                self.signed_out(None);
                Err(err)
            }
        }
    }

    /// Signs in with a login and password.
    pub async fn login(self, login: String, password: String) -> Result<(), ApiError> {
        let token = api::login(&LoginRequest { login, password }).await?;
        self.start_session(token).await
    }

    /// Ends the session on the server (best effort) and locally.
    pub async fn logout(self) {
        // Whatever the server says, this tab forgets the session; the cookie is HttpOnly and
        // the server clears it on success.
        let _ = api::logout(self).await;
        self.signed_out(None);
    }
}

/// Provides [`Auth`] and starts the session check with the refresh cookie.
pub fn provide_auth() -> Auth {
    let auth = Auth::new();
    provide_context(auth);
    leptos::task::spawn_local(async move {
        match api::refresh_shared().await {
            Ok(token) => {
                // A failure here leaves the SPA signed out, on the login page.
                let _ = auth.start_session(token).await;
            }
            Err(_) => auth.signed_out(None),
        }
    });
    auth
}

/// The [`Auth`] provided by the app root.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
