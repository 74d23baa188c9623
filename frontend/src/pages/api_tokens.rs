//! `/api-tokens`: the account's personal API tokens for scripts and integrations — list, create
//! (the secret is shown once), revoke.

use chrono::{DateTime, Utc};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use otmetka_domain::ApiScope;
use otmetka_domain::auth::{ApiTokenCreated, ApiTokenInfo};
use uuid::Uuid;

use crate::access::Area;
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::format::format_instant;
use crate::forms::{
    AdminForm, Field, FieldErrors, TOKEN_DAYS, TOKEN_DAYS_DEFAULT, admin_field_problems,
    check_token_form,
};
use crate::i18n::*;
use crate::load::Res;
use crate::pages::{
    CopyButton, ErrorAlert, FieldMessage, Gate, LoadError, ValidityPreview, invalid_attr, reveal,
};
use crate::pages::{counted, dynv, ltext};
use crate::text::{Counted, scope_hint, scope_text};

/// Whether a token no longer works because its time is up.
pub fn is_expired(token: &ApiTokenInfo, now: DateTime<Utc>) -> bool {
    token.expires_at <= now
}

/// The test id of a scope's checkbox.
fn scope_testid(scope: ApiScope) -> &'static str {
    match scope {
        ApiScope::Read => "token-scope-read",
        ApiScope::Write => "token-scope-write",
        ApiScope::Import => "token-scope-import",
    }
}

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    view! { <Gate area=Area::ApiTokens render=|_, _| view! { <ApiTokens /> } /> }
}

#[component]
fn ApiTokens() -> impl IntoView {
    let auth = use_auth();
    let tokens = Res::new(move || api::api_tokens(auth));
    let created = RwSignal::new(None::<ApiTokenCreated>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let revoke = move |id: Uuid| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::revoke_api_token(auth, id).await;
            busy.set(false);
            if let Err(err) = result {
                error.set(Some(err));
            }
            // Reload either way: a 404 means it was revoked elsewhere.
            tokens.refetch();
        });
    };

    let list_view = move |list: Vec<ApiTokenInfo>| {
        let count = list.len() as u64;
        if list.is_empty() {
            return view! { <p class="muted" data-testid="no-tokens">{tr!(tokens.none)}</p> }
                .into_any();
        }
        let now = Utc::now();
        let rows = list
            .into_iter()
            .map(|t| {
                let expired = is_expired(&t, now);
                view! { <TokenRow token=t expired=expired busy=busy on_revoke=revoke /> }
            })
            .collect_view();
        view! {
            <p class="count" data-testid="tokens-count" data-count=count>
                {counted(Counted::Tokens, count)}
            </p>
            <ul class="list" data-testid="tokens-list">{rows}</ul>
        }
        .into_any()
    };

    view! {
        <section class="page" data-testid="api-tokens-page">
            <h1>{tr!(tokens.title)}</h1>
            <p class="muted">{tr!(tokens.intro)}</p>
            {dynv(move || (match created.get() {
                Some(token) => view! { <CreatedToken token=token on_done=move || created.set(None) /> }.into_any(),
                None => view! {
                    <NewTokenForm on_created=move |token| {
                        created.set(Some(token));
                        tokens.refetch();
                    } />
                }
                .into_any(),
            }).into_any())}
            <h2>{tr!(tokens.list_title)}</h2>
            <ErrorAlert error=error testid="tokens-error" />
            {dynv(move || (match tokens.get() {
                None => view! { <p class="loading">{tr!(loading)}</p> }.into_any(),
                Some(Ok(list)) => list_view(list),
                Some(Err(err)) => view! {
                    <LoadError
                        error=err
                        testid="tokens-load-error"
                        retry_testid="tokens-retry"
                        on_retry=move || tokens.refetch()
                    />
                }
                .into_any(),
            }).into_any())}
        </section>
    }
}

/// Name, scopes and validity → `POST /me/api-tokens`.
#[component]
fn NewTokenForm(
    on_created: impl Fn(ApiTokenCreated) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let name = RwSignal::new(String::new());
    let days = RwSignal::new(TOKEN_DAYS_DEFAULT.to_string());
    let scopes: Vec<(ApiScope, RwSignal<bool>)> = ApiScope::ALL
        .into_iter()
        .map(|s| (s, RwSignal::new(s == ApiScope::Read)))
        .collect();
    let scopes = StoredValue::new(scopes);
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let chosen: Vec<ApiScope> = scopes.with_value(|all| {
            all.iter()
                .filter(|(_, on)| on.get_untracked())
                .map(|(s, _)| *s)
                .collect()
        });
        error.set(None);
        let request = match check_token_form(&name.get_untracked(), &chosen, &days.get_untracked())
        {
            Ok(request) => {
                fields.set(Vec::new());
                request
            }
            Err(problems) => {
                fields.set(problems);
                return;
            }
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::create_api_token(auth, &request).await;
            busy.set(false);
            match result {
                Ok(token) => on_created(token),
                Err(err) => match admin_field_problems(AdminForm::ApiToken, &err) {
                    Some(problems) => fields.set(problems),
                    None => error.set(Some(err)),
                },
            }
        });
    };

    let scope_boxes = move || {
        scopes.with_value(|all| {
            all.iter()
                .map(|(scope, on)| {
                    let (scope, on) = (*scope, *on);
                    view! {
                        <label class="check check-block">
                            <input type="checkbox" data-testid=scope_testid(scope) bind:checked=on />
                            <span>
                                <strong>{ltext(move |l| scope_text(l, scope).to_string())}</strong>
                                <span class="hint">{dynv(move || (scope_hint(i18n.get_locale(), scope)).into_any())}</span>
                            </span>
                        </label>
                    }
                })
                .collect_view()
        })
    };

    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="token-form">
            <h2 class="form-title">{tr!(tokens.create_title)}</h2>
            <div class="field">
                <label for="token-name">{tr!(tokens.name)}</label>
                <input
                    id="token-name"
                    data-testid="token-name"
                    type="text"
                    autocomplete="off"
                    maxlength="100"
                    aria-invalid=invalid_attr(fields, Field::TokenName)
                    aria-describedby="token-name-hint token-name-error"
                    bind:value=name
                />
                <p class="hint" id="token-name-hint">{tr!(tokens.name_hint)}</p>
                <FieldMessage errors=fields field=Field::TokenName input_id="token-name" />
            </div>
            <fieldset class="fieldset" aria-describedby="token-scopes-error">
                <legend>{tr!(tokens.scopes)}</legend>
                {scope_boxes}
                <FieldMessage errors=fields field=Field::TokenScopes input_id="token-scopes" />
            </fieldset>
            <div class="field">
                <label for="token-days">{tr!(tokens.days)}</label>
                <input
                    id="token-days"
                    data-testid="token-days"
                    class="input-short"
                    type="number"
                    inputmode="numeric"
                    min=*TOKEN_DAYS.start()
                    max=*TOKEN_DAYS.end()
                    aria-invalid=invalid_attr(fields, Field::ExpiresDays)
                    aria-describedby="token-days-hint token-days-preview token-days-error"
                    bind:value=days
                />
                <p class="hint" id="token-days-hint">{tr!(tokens.days_hint)}</p>
                <ValidityPreview days=days range=TOKEN_DAYS testid="token-days-preview" />
                <FieldMessage errors=fields field=Field::ExpiresDays input_id="token-days" />
            </div>
            <ErrorAlert error=error testid="token-create-error" />
            <button
                type="submit"
                class="button button-primary"
                data-testid="token-create"
                disabled=move || busy.get()
            >
                {ltext(move |l| if busy.get() { td_string!(l, tokens.creating) } else { td_string!(l, tokens.create) }.to_string())}
            </button>
        </form>
    }
}

/// The new token's secret, shown once, with a copy button.
#[component]
fn CreatedToken(
    token: ApiTokenCreated,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let secret = StoredValue::new(token.token.clone());
    let card = NodeRef::<leptos::html::Div>::new();
    reveal(card);
    view! {
        <div
            class="card card-highlight"
            data-testid="token-created"
            data-token-id=token.info.id.to_string()
            node_ref=card
            tabindex="-1"
        >
            <h2>{tr!(tokens.created_title)} " «" {token.info.name.clone()} "»"</h2>
            <p class="warning" role="status" data-testid="token-warning">{tr!(tokens.secret_warning)}</p>
            <label class="field-label" for="token-secret">{tr!(tokens.secret)}</label>
            <textarea
                id="token-secret"
                data-testid="token-secret"
                class="secret"
                rows="2"
                readonly=true
                spellcheck="false"
                prop:value=token.token.clone()
                on:focus=|ev| {
                    use leptos::wasm_bindgen::JsCast as _;
                    if let Some(area) = ev
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
                    {
                        area.select();
                    }
                }
            ></textarea>
            <p class="hint">{tr!(tokens.use_hint)}</p>
            <div class="actions">
                <CopyButton text=move || secret.get_value() testid="token-copy" />
                <button type="button" class="button button-quiet" data-testid="token-done" on:click=move |_| on_done()>
                    {tr!(tokens.done)}
                </button>
            </div>
        </div>
    }
}

#[component]
fn TokenRow(
    token: ApiTokenInfo,
    expired: bool,
    busy: RwSignal<bool>,
    on_revoke: impl Fn(Uuid) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let confirming = RwSignal::new(false);
    let ApiTokenInfo {
        id,
        name,
        scopes,
        prefix,
        created_at,
        expires_at,
        last_used_at,
    } = token;
    let scope_codes = scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let scope_list = move || {
        let locale = i18n.get_locale();
        scopes
            .iter()
            .map(|s| scope_text(locale, *s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let created = created_at.with_timezone(&chrono::Local);
    let expires = expires_at.with_timezone(&chrono::Local);
    let last_used = last_used_at.map(|at| at.with_timezone(&chrono::Local));
    let name = StoredValue::new(name);
    view! {
        <li class="list-row" data-testid="token-row" data-token-id=id.to_string() data-expired=expired.to_string()>
            <div class="row-head">
                <strong>{name.get_value()}</strong>
                <code class="mono muted" data-testid="token-prefix">{prefix} "…"</code>
                {expired.then(|| view! {
                    <span class="badge badge-muted" data-testid="token-expired">{tr!(tokens.expired)}</span>
                })}
            </div>
            <dl class="facts">
                <dt>{tr!(tokens.scopes)}</dt>
                <dd data-testid="token-scopes" data-scopes=scope_codes>{scope_list}</dd>
                <dt>{tr!(tokens.created_at)}</dt>
                <dd><time datetime=created_at.to_rfc3339()>{dynv(move || (format_instant(&created, i18n.get_locale())).into_any())}</time></dd>
                <dt>{tr!(tokens.expires_at)}</dt>
                <dd><time datetime=expires_at.to_rfc3339()>{dynv(move || (format_instant(&expires, i18n.get_locale())).into_any())}</time></dd>
                <dt>{tr!(tokens.last_used)}</dt>
                <dd>
                    {dynv(move || (match &last_used {
                        Some(at) => format_instant(at, i18n.get_locale()),
                        None => t_string!(i18n, tokens.never_used).to_string(),
                    }).into_any())}
                </dd>
            </dl>
            {dynv(move || (if confirming.get() {
                view! {
                    <div class="confirm" role="group">
                        <p>{move || td_string!(i18n.get_locale(), tokens.revoke_confirm, name = name.get_value())}</p>
                        <div class="actions">
                            <button
                                type="button"
                                class="button button-danger"
                                data-testid="token-revoke-confirm"
                                disabled=move || busy.get()
                                on:click=move |_| on_revoke(id)
                            >
                                {tr!(revoke_yes)}
                            </button>
                            <button
                                type="button"
                                class="button button-quiet"
                                data-testid="token-revoke-cancel"
                                on:click=move |_| confirming.set(false)
                            >
                                {tr!(cancel)}
                            </button>
                        </div>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <button
                        type="button"
                        class="button button-quiet row-action"
                        data-testid="token-revoke"
                        on:click=move |_| confirming.set(true)
                    >
                        {tr!(revoke)}
                    </button>
                }
                .into_any()
            }).into_any())}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn a_token_is_expired_from_its_expiry_instant_on() {
        let now = Utc.with_ymd_and_hms(2026, 9, 1, 12, 0, 0).unwrap();
        let token = |expires_at| ApiTokenInfo {
            id: Uuid::nil(),
            name: "import".into(),
            scopes: vec![ApiScope::Import],
            prefix: "otm_AbCd".into(),
            created_at: now - Duration::days(90),
            expires_at,
            last_used_at: None,
        };
        assert!(is_expired(&token(now), now));
        assert!(is_expired(&token(now - Duration::seconds(1)), now));
        assert!(!is_expired(&token(now + Duration::days(1)), now));
    }
}
