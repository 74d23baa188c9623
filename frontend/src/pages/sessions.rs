//! `/sessions`: the account's login sessions, with "end this one" and "end all others".

use leptos::prelude::*;
use leptos::task::spawn_local;
use otmetka_domain::auth::SessionInfo;
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::format::{describe_user_agent, format_instant};
use crate::i18n::*;
use crate::load::Res;
use crate::pages::ErrorAlert;
use crate::pages::{dynv, ltext};
use crate::text::sessions_count_text;

/// The current session first, then the most recently used.
pub fn order_sessions(mut sessions: Vec<SessionInfo>) -> Vec<SessionInfo> {
    sessions.sort_by(|a, b| {
        b.current
            .cmp(&a.current)
            .then(b.last_used_at.cmp(&a.last_used_at))
    });
    sessions
}

#[component]
pub fn SessionsPage() -> impl IntoView {
    let auth = use_auth();
    let sessions = Res::new(move || api::sessions(auth));
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);

    // Runs a revoking call, then reloads the list.
    let run = move |call: std::pin::Pin<Box<dyn Future<Output = Result<(), ApiError>>>>| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = call.await;
            busy.set(false);
            match result {
                Ok(()) => sessions.refetch(),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let revoke = move |id: Uuid| run(Box::pin(api::revoke_session(auth, id)));
    let revoke_others = move |_| run(Box::pin(api::revoke_other_sessions(auth)));

    let list_view = move |list: Vec<SessionInfo>| {
        let count = list.len();
        let has_others = list.iter().any(|s| !s.current);
        let rows = order_sessions(list)
            .into_iter()
            .map(|s| view! { <SessionRow session=s busy=busy on_revoke=revoke /> })
            .collect_view();
        view! {
            <p class="count" data-testid="sessions-count" data-count=count>
                {ltext(move |l| sessions_count_text(l, count).to_string())}
            </p>
            <ul class="list" data-testid="sessions-list">{rows}</ul>
            {if has_others {
                view! {
                    <button
                        type="button"
                        class="button button-danger"
                        data-testid="revoke-others"
                        disabled=move || busy.get()
                        on:click=revoke_others
                    >
                        {tr!(revoke_others)}
                    </button>
                }
                .into_any()
            } else {
                view! { <p class="muted" data-testid="no-other-sessions">{tr!(no_other_sessions)}</p> }
                    .into_any()
            }}
        }
    };

    view! {
        <section class="page" data-testid="sessions-page">
            <h1>{tr!(sessions_title)}</h1>
            <p class="muted">{tr!(sessions_intro)}</p>
            <ErrorAlert error=error testid="sessions-error" />
            {dynv(move || (match sessions.get() {
                None => view! { <p class="loading">{tr!(loading)}</p> }.into_any(),
                Some(Ok(list)) => list_view(list).into_any(),
                Some(Err(err)) => {
                    let load_error = RwSignal::new(Some(err));
                    view! {
                        <ErrorAlert error=load_error testid="sessions-load-error" />
                        <button
                            type="button"
                            class="button"
                            data-testid="sessions-retry"
                            on:click=move |_| sessions.refetch()
                        >
                            {tr!(retry)}
                        </button>
                    }
                    .into_any()
                }
            }).into_any())}
        </section>
    }
}

#[component]
fn SessionRow(
    session: SessionInfo,
    busy: RwSignal<bool>,
    on_revoke: impl Fn(Uuid) + Copy + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let SessionInfo {
        id,
        created_at,
        last_used_at,
        ip,
        user_agent,
        current,
    } = session;
    let device = user_agent.as_deref().and_then(describe_user_agent);
    let created = created_at.with_timezone(&chrono::Local);
    let last_used = last_used_at.with_timezone(&chrono::Local);
    view! {
        <li
            class="list-row session"
            class:session-current=current
            data-testid="session-row"
            data-session-id=id.to_string()
            data-current=current.to_string()
        >
            <div class="session-head">
                <strong class="device" title=user_agent.clone().unwrap_or_default()>
                    {match device {
                        Some(device) => device.into_any(),
                        None => tr!(session_device_unknown).into_any(),
                    }}
                </strong>
                {current
                    .then(|| {
                        view! {
                            <span class="badge" data-testid="session-current">
                                {tr!(session_current)}
                            </span>
                        }
                    })}
            </div>
            <dl class="facts">
                <dt>{tr!(session_last_used_at)}</dt>
                <dd>
                    <time datetime=last_used_at.to_rfc3339()>
                        {dynv(move || (format_instant(&last_used, i18n.get_locale())).into_any())}
                    </time>
                </dd>
                <dt>{tr!(session_created_at)}</dt>
                <dd>
                    <time datetime=created_at.to_rfc3339()>
                        {dynv(move || (format_instant(&created, i18n.get_locale())).into_any())}
                    </time>
                </dd>
                {ip
                    .map(|ip| {
                        view! {
                            <dt>{tr!(session_ip)}</dt>
                            <dd class="mono">{ip}</dd>
                        }
                    })}
            </dl>
            {(!current)
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="button button-quiet"
                            data-testid="revoke-session"
                            disabled=move || busy.get()
                            on:click=move |_| on_revoke(id)
                        >
                            {tr!(revoke_session)}
                        </button>
                    }
                })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn session(n: u128, current: bool, last_used_hour: u32) -> SessionInfo {
        let at = Utc
            .with_ymd_and_hms(2026, 9, 1, last_used_hour, 0, 0)
            .unwrap();
        SessionInfo {
            id: Uuid::from_u128(n),
            created_at: at,
            last_used_at: at,
            ip: None,
            user_agent: None,
            current,
        }
    }

    #[test]
    fn current_session_comes_first_then_most_recent() {
        let ordered = order_sessions(vec![
            session(1, false, 8),
            session(2, true, 7),
            session(3, false, 9),
        ]);
        let ids: Vec<u128> = ordered.iter().map(|s| s.id.as_u128()).collect();
        assert_eq!(ids, [2, 3, 1]);
    }
}
