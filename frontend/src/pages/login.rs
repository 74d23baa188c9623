//! `/login`: login and password → `POST /auth/login`.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::ApiError;
use crate::auth::{Phase, use_auth};
use crate::format::safe_next;
use crate::forms::{Field, FieldErrors, check_login_form};
use crate::i18n::*;
use crate::pages::ltext;
use crate::pages::{ErrorAlert, FieldMessage, invalid_attr};
use crate::schedule::landing_path;

#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let query = use_query_map();

    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let show_password = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    // Why the previous session ended (revoked elsewhere, refresh failed), shown until the next
    // attempt.
    let ended = auth.ended_because;

    // Signed in, just now or already on arrival: go where the user was heading; without a
    // `next` page, teachers land on "Today" and everyone else on the home page.
    Effect::new(move |_| {
        if auth.phase.get() == Phase::SignedIn {
            let next = query.with_untracked(|q| q.get("next"));
            let target = match next {
                Some(next) => safe_next(Some(&next)),
                None => auth
                    .me
                    .with_untracked(|me| me.as_ref().map(landing_path))
                    .unwrap_or("/")
                    .to_string(),
            };
            navigate(
                &target,
                NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                },
            );
        }
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (l, p) = (login.get_untracked(), password.get_untracked());
        let problems = check_login_form(&l, &p);
        let ok = problems.is_empty();
        fields.set(problems);
        error.set(None);
        ended.set(None);
        if !ok {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = auth.login(l.trim().to_string(), p).await;
            busy.set(false);
            if let Err(err) = result {
                error.set(Some(err));
            }
        });
    };

    view! {
        <section class="page page-narrow" data-testid="login-page">
            <h1>{tr!(login_title)}</h1>
            <p class="muted">{tr!(tagline)}</p>
            <ErrorAlert error=ended testid="session-ended" />
            <form class="form" on:submit=on_submit novalidate=true>
                <div class="field">
                    <label for="login-input">{tr!(login)}</label>
                    <input
                        id="login-input"
                        data-testid="login-input"
                        name="username"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required=true
                        aria-invalid=invalid_attr(fields, Field::Login)
                        aria-describedby="login-input-error"
                        bind:value=login
                    />
                    <FieldMessage errors=fields field=Field::Login input_id="login-input" />
                </div>
                <div class="field">
                    <label for="password-input">{tr!(password)}</label>
                    <input
                        id="password-input"
                        data-testid="password-input"
                        name="password"
                        type=move || if show_password.get() { "text" } else { "password" }
                        autocomplete="current-password"
                        autocapitalize="none"
                        spellcheck="false"
                        required=true
                        aria-invalid=invalid_attr(fields, Field::Password)
                        aria-describedby="password-input-error"
                        bind:value=password
                    />
                    <FieldMessage errors=fields field=Field::Password input_id="password-input" />
                    <label class="check">
                        <input type="checkbox" data-testid="password-toggle" bind:checked=show_password />
                        {tr!(show_password)}
                    </label>
                </div>
                <ErrorAlert error=error testid="login-error" />
                <button
                    type="submit"
                    class="button button-primary"
                    data-testid="login-submit"
                    disabled=move || busy.get()
                >
                    {ltext(move |l| if busy.get() { td_string!(l, login_busy) } else { td_string!(l, login_submit) }.to_string())}
                </button>
            </form>
            <p class="aside">
                {tr!(no_account)} " "
                <A href="/register" attr:data-testid="register-link">{tr!(register_link)}</A>
            </p>
        </section>
    }
}
