//! The selected school, shared by the header (switcher, navigation) and the school pages.
//!
//! The choice lives in the URL (`?school=<id>` on school pages, so a link or a reload keeps it)
//! and in memory (so that moving between pages keeps it too); [`crate::access::pick_school`]
//! decides between them. A superadmin chooses among all schools (`GET /schools`), loaded once
//! per sign-in and again after creating a school.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use otmetka_domain::school::School;
use uuid::Uuid;

use crate::access::{SchoolOption, SchoolPick, pick_school, school_from_query, school_options};
use crate::api;
use crate::auth::Auth;

#[derive(Debug, Clone, Copy)]
pub struct SchoolCtx {
    /// The school chosen last (switcher or URL).
    pub remembered: RwSignal<Option<Uuid>>,
    /// Superadmin only: every school; `None` until loaded.
    pub all: RwSignal<Option<Vec<School>>>,
    loading: RwSignal<bool>,
}

impl SchoolCtx {
    /// Loads (again) the superadmin's list of schools. A failure leaves the list empty: the
    /// superadmin then chooses among their memberships only.
    pub fn reload(self, auth: Auth) {
        if self.loading.get_untracked() {
            return;
        }
        self.loading.set(true);
        spawn_local(async move {
            let list = api::schools(auth).await.unwrap_or_default();
            self.loading.set(false);
            self.all.set(Some(list));
        });
    }

    /// The schools the switcher offers to the signed-in account (tracks the account and the list).
    pub fn options(self, auth: Auth) -> Vec<SchoolOption> {
        auth.me.with(|me| match me {
            Some(me) => self.all.with(|all| school_options(me, all.as_deref())),
            None => Vec::new(),
        })
    }

    /// Whether [`Self::options`] is final (a superadmin's list may still be loading).
    pub fn complete(self, auth: Auth) -> bool {
        let superadmin = auth
            .me
            .with(|me| me.as_ref().is_some_and(|me| me.is_superadmin));
        !superadmin || self.all.with(Option::is_some)
    }

    /// The school for a `?school=` value.
    pub fn pick(self, auth: Auth, from_url: Option<Uuid>) -> SchoolPick {
        pick_school(
            &self.options(auth),
            from_url,
            self.remembered.get(),
            self.complete(auth),
        )
    }
}

/// Provides [`SchoolCtx`]: loads the superadmin's schools after sign-in and forgets everything at
/// sign-out.
pub fn provide_school_ctx(auth: Auth) -> SchoolCtx {
    let ctx = SchoolCtx {
        remembered: RwSignal::new(None),
        all: RwSignal::new(None),
        loading: RwSignal::new(false),
    };
    provide_context(ctx);
    Effect::new(move |_| {
        let superadmin = auth.me.with(|me| me.as_ref().map(|me| me.is_superadmin));
        match superadmin {
            Some(true) if ctx.all.get_untracked().is_none() => ctx.reload(auth),
            Some(_) => {}
            None => {
                ctx.all.set(None);
                ctx.remembered.set(None);
            }
        }
    });
    ctx
}

pub fn use_school_ctx() -> SchoolCtx {
    expect_context::<SchoolCtx>()
}

/// The school for the current URL (needs the router).
pub fn use_school_pick(auth: Auth) -> Memo<SchoolPick> {
    let ctx = use_school_ctx();
    let query = use_query_map();
    Memo::new(move |_| {
        let from_url = query.with(|q| school_from_query(q.get("school").as_deref()));
        ctx.pick(auth, from_url)
    })
}
