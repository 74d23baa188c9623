//! `/register`: step 1 checks the invite code (`GET /auth/invites/{code}`) and shows what it
//! gives; step 2 chooses the login and password (`POST /auth/register`), then signs in with them.
//! `?code=XXXX-XXXX-XXXX` prefills step 1.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use otmetka_domain::auth::RegisterRequest;
use otmetka_domain::invite::InvitePreview;

use crate::api::{self, ApiError};
use crate::auth::{Phase, use_auth};
use crate::format::format_date;
use crate::forms::{
    Field, FieldErrors, RegisterErrorPlace, RegisterInput, check_invite_code, check_register,
    invite_code_from_query, normalize_email, register_error_place,
};
use crate::i18n::*;
use crate::pages::{ErrorAlert, FieldMessage, invalid_attr};
use crate::pages::{dynv, ltext};
use crate::text::role_text;

/// A checked invite: the normalized code and what it gives.
#[derive(Debug, Clone, PartialEq)]
struct CheckedInvite {
    code: String,
    preview: InvitePreview,
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let query = use_query_map();

    let prefill = query.with_untracked(|q| invite_code_from_query(q.get("code").as_deref()));
    let code_input = RwSignal::new(prefill.unwrap_or_default());
    let invite = RwSignal::new(None::<CheckedInvite>);
    let code_fields = RwSignal::new(FieldErrors::new());
    let code_error = RwSignal::new(None::<ApiError>);
    let checking = RwSignal::new(false);

    // Registered and signed in: home.
    Effect::new(move |_| {
        if auth.phase.get() == Phase::SignedIn {
            navigate(
                "/",
                NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                },
            );
        }
    });

    let on_check = move |ev: SubmitEvent| {
        ev.prevent_default();
        if checking.get_untracked() {
            return;
        }
        code_error.set(None);
        let code = match check_invite_code(&code_input.get_untracked()) {
            Ok(code) => {
                code_fields.set(Vec::new());
                code
            }
            Err(problem) => {
                code_fields.set(vec![(Field::InviteCode, problem)]);
                return;
            }
        };
        checking.set(true);
        spawn_local(async move {
            let result = api::invite_preview(&code).await;
            checking.set(false);
            match result {
                Ok(preview) => invite.set(Some(CheckedInvite { code, preview })),
                Err(err) => code_error.set(Some(err)),
            }
        });
    };

    // A refused invite at step 2 goes back to step 1 with the reason.
    let back_to_code = move |err: Option<ApiError>| {
        invite.set(None);
        code_error.set(err);
    };

    view! {
        <section class="page page-narrow" data-testid="register-page">
            <h1>{tr!(register_title)}</h1>
            {dynv(move || (match invite.get() {
                None => view! {
                    <p class="muted">{tr!(register_intro)}</p>
                    <form class="form" on:submit=on_check novalidate=true>
                        <div class="field">
                            <label for="invite-code-input">{tr!(invite_code)}</label>
                            <input
                                id="invite-code-input"
                                data-testid="invite-code-input"
                                class="code-input"
                                name="invite_code"
                                type="text"
                                autocomplete="one-time-code"
                                autocapitalize="characters"
                                spellcheck="false"
                                placeholder="XXXX-XXXX-XXXX"
                                aria-invalid=invalid_attr(code_fields, Field::InviteCode)
                                aria-describedby="invite-code-input-hint invite-code-input-error"
                                bind:value=code_input
                            />
                            <p class="hint" id="invite-code-input-hint">{tr!(invite_code_hint)}</p>
                            <FieldMessage errors=code_fields field=Field::InviteCode input_id="invite-code-input" />
                        </div>
                        <ErrorAlert error=code_error testid="invite-error" />
                        <button
                            type="submit"
                            class="button button-primary"
                            data-testid="invite-check"
                            disabled=move || checking.get()
                        >
                            {ltext(move |l| if checking.get() { td_string!(l, invite_checking) } else { td_string!(l, invite_check) }.to_string())}
                        </button>
                    </form>
                }
                .into_any(),
                Some(checked) => view! {
                    <InviteCard preview=checked.preview.clone() on_other=move || back_to_code(None) />
                    <AccountForm code=checked.code on_invite_refused=move |err| back_to_code(Some(err)) />
                }
                .into_any(),
            }).into_any())}
            <p class="aside">
                {tr!(have_account)} " "
                <A href="/login" attr:data-testid="login-link">{tr!(login_link)}</A>
            </p>
        </section>
    }
}

/// What the invite gives: school, role, masked name, expiry.
#[component]
fn InviteCard(preview: InvitePreview, on_other: impl Fn() + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let InvitePreview {
        school_name,
        role,
        person_name_masked,
        expires_at,
    } = preview;
    let expires_local = expires_at.with_timezone(&chrono::Local);
    view! {
        <div class="card" data-testid="invite-preview">
            <h2>{tr!(invite.title)}</h2>
            <dl class="facts">
                <dt>{tr!(invite.school)}</dt>
                <dd data-testid="invite-school">{school_name}</dd>
                <dt>{tr!(invite.role)}</dt>
                <dd data-testid="invite-role" data-role=role.as_str()>
                    {ltext(move |l| role_text(l, role).to_string())}
                </dd>
                <dt>{tr!(invite.person)}</dt>
                <dd data-testid="invite-person">{person_name_masked}</dd>
                <dt>{tr!(invite.expires_at)}</dt>
                <dd data-testid="invite-expires">
                    {dynv(move || (format_date(&expires_local, i18n.get_locale())).into_any())}
                </dd>
            </dl>
            <button
                type="button"
                class="button button-quiet"
                data-testid="invite-other"
                on:click=move |_| on_other()
            >
                {tr!(invite_other)}
            </button>
        </div>
    }
}

/// Step 2: login, password twice, optional e-mail.
#[component]
fn AccountForm(
    code: String,
    on_invite_refused: impl Fn(ApiError) + Copy + 'static,
) -> impl IntoView {
    let auth = use_auth();

    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let password2 = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let show_password = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let code = StoredValue::new(code);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let input = RegisterInput {
            login: login.get_untracked(),
            password: password.get_untracked(),
            password2: password2.get_untracked(),
            email: email.get_untracked(),
        };
        let problems = check_register(&input);
        let ok = problems.is_empty();
        fields.set(problems);
        error.set(None);
        if !ok {
            return;
        }
        let request = RegisterRequest {
            invite_code: code.get_value(),
            login: input.login.trim().to_string(),
            password: input.password,
            email: normalize_email(&input.email),
        };
        busy.set(true);
        spawn_local(async move {
            match api::register(&request).await {
                Ok(_) => {
                    // The account exists; sign in with what was just typed. A failure here
                    // (e.g. rate limit) leaves the user on this page with the message and the
                    // link to the login page.
                    if let Err(err) = auth.login(request.login, request.password).await {
                        error.set(Some(err));
                    }
                }
                Err(err) => match register_error_place(&err) {
                    RegisterErrorPlace::Fields(problems) => fields.set(problems),
                    RegisterErrorPlace::Invite => on_invite_refused(err),
                    RegisterErrorPlace::Form => error.set(Some(err)),
                },
            }
            busy.set(false);
        });
    };

    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="register-form">
            <div class="field">
                <label for="register-login">{tr!(login)}</label>
                <input
                    id="register-login"
                    data-testid="register-login"
                    name="username"
                    type="text"
                    autocomplete="username"
                    autocapitalize="none"
                    spellcheck="false"
                    aria-invalid=invalid_attr(fields, Field::Login)
                    aria-describedby="register-login-hint register-login-error"
                    bind:value=login
                />
                <p class="hint" id="register-login-hint">{tr!(login_rules)}</p>
                <FieldMessage errors=fields field=Field::Login input_id="register-login" />
            </div>
            <div class="field">
                <label for="register-password">{tr!(password)}</label>
                <input
                    id="register-password"
                    data-testid="register-password"
                    name="new-password"
                    type=move || if show_password.get() { "text" } else { "password" }
                    autocomplete="new-password"
                    autocapitalize="none"
                    spellcheck="false"
                    aria-invalid=invalid_attr(fields, Field::Password)
                    aria-describedby="register-password-hint register-password-error"
                    bind:value=password
                />
                <p class="hint" id="register-password-hint">{tr!(password_rules)}</p>
                <FieldMessage errors=fields field=Field::Password input_id="register-password" />
            </div>
            <div class="field">
                <label for="register-password2">{tr!(password_repeat)}</label>
                <input
                    id="register-password2"
                    data-testid="register-password2"
                    name="new-password-repeat"
                    type=move || if show_password.get() { "text" } else { "password" }
                    autocomplete="new-password"
                    autocapitalize="none"
                    spellcheck="false"
                    aria-invalid=invalid_attr(fields, Field::Password2)
                    aria-describedby="register-password2-error"
                    bind:value=password2
                />
                <FieldMessage errors=fields field=Field::Password2 input_id="register-password2" />
                <label class="check">
                    <input type="checkbox" data-testid="register-password-toggle" bind:checked=show_password />
                    {tr!(show_password)}
                </label>
            </div>
            <div class="field">
                <label for="register-email">
                    {tr!(email)} " " <span class="muted">"(" {tr!(optional)} ")"</span>
                </label>
                <input
                    id="register-email"
                    data-testid="register-email"
                    name="email"
                    type="email"
                    autocomplete="email"
                    aria-invalid=invalid_attr(fields, Field::Email)
                    aria-describedby="register-email-error"
                    bind:value=email
                />
                <FieldMessage errors=fields field=Field::Email input_id="register-email" />
            </div>
            <ErrorAlert error=error testid="register-error" />
            <button
                type="submit"
                class="button button-primary"
                data-testid="register-submit"
                disabled=move || busy.get()
            >
                {ltext(move |l| if busy.get() { td_string!(l, register_busy) } else { td_string!(l, register_submit) }.to_string())}
            </button>
        </form>
    }
}
