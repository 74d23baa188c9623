//! `/audit?school=&action=&page=`: a school's audit log (admin, principal), newest first, with
//! times in the browser's zone, actions in words and accounts by login where the school knows
//! them.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use otmetka_domain::audit::AuditRecord;
use uuid::Uuid;

use crate::access::{Access, Area, SchoolOption};
use crate::api;
use crate::auth::use_auth;
use crate::format::{compact_json, format_instant_seconds, short_id};
use crate::i18n::*;
use crate::load::Res;
use crate::pages::{Gate, LoadError, PageSchool, Pager};
use crate::pages::{counted, dynv};
use crate::paging::{AUDIT_PER_PAGE, Paging, offset_of, page_from_query, page_param, query_string};
use crate::text::{
    Counted, SCHOOL_AUDIT_ACTIONS, audit_action_label, audit_action_text, audit_object_text,
};

/// Logins of the school's accounts by id, to name actors.
pub type Logins = HashMap<Uuid, String>;

/// The URL of the audit log for a school, action filter and page.
pub fn audit_href(school_id: Uuid, action: Option<&str>, page: u64) -> String {
    format!(
        "/audit{}",
        query_string(&[
            ("school", Some(school_id.to_string())),
            ("action", action.map(str::to_string)),
            ("page", page_param(page)),
        ])
    )
}

/// Reads `?action=`: an action code (letters, digits, `_`), else no filter.
pub fn action_from_query(value: Option<&str>) -> Option<String> {
    let value = value?.trim();
    (!value.is_empty()
        && value.len() <= 64
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then(|| value.to_string())
}

/// An account as shown in the log: its login when known, else its shortened id.
pub fn account_label(id: Uuid, logins: &Logins) -> String {
    logins
        .get(&id)
        .cloned()
        .unwrap_or_else(|| short_id(&id.to_string()))
}

/// The object's id as shown: the login for an account the school knows, else shortened.
pub fn object_id_label(object_type: Option<&str>, object_id: &str, logins: &Logins) -> String {
    if object_type == Some("account")
        && let Ok(id) = Uuid::parse_str(object_id)
        && let Some(login) = logins.get(&id)
    {
        return login.clone();
    }
    short_id(object_id)
}

/// "old → new" for a change, "→ new" for a value set, "old →" for one removed.
pub fn change_text(record: &AuditRecord) -> Option<String> {
    match (&record.old_value, &record.new_value) {
        (None, None) => None,
        (Some(old), Some(new)) => Some(format!("{} → {}", compact_json(old), compact_json(new))),
        (None, Some(new)) => Some(format!("→ {}", compact_json(new))),
        (Some(old), None) => Some(format!("{} →", compact_json(old))),
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Audit
            render=|school, _access: Access| school.map(|school| view! { <Audit school=school /> })
        />
    }
}

#[component]
fn Audit(school: SchoolOption) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let query = use_query_map();
    let school_id = school.id;

    let action = Memo::new(move |_| query.with(|q| action_from_query(q.get("action").as_deref())));
    let page = Memo::new(move |_| query.with(|q| page_from_query(q.get("page").as_deref())));
    let go = StoredValue::new(move |action: Option<String>, page: u64, replace: bool| {
        navigate(
            &audit_href(school_id, action.as_deref(), page),
            NavigateOptions {
                replace,
                ..NavigateOptions::default()
            },
        );
    });

    let records = Res::new(move || {
        let (action, page) = (action.get(), page.get());
        api::audit(
            auth,
            school_id,
            action,
            AUDIT_PER_PAGE,
            offset_of(page, AUDIT_PER_PAGE),
        )
    });
    // Logins to name the actors; the log still shows ids if this fails.
    let logins = Res::new(move || async move {
        api::accounts(auth, school_id)
            .await
            .map(|list| {
                list.into_iter()
                    .map(|a| (a.account_id, a.login))
                    .collect::<Logins>()
            })
            .or_else(|_| Ok(Logins::default()))
    });
    Effect::new(move |_| {
        if let Some(Ok(list)) = records.get() {
            let paging = Paging {
                page: page.get_untracked(),
                per_page: AUDIT_PER_PAGE,
                total: list.total,
            };
            if let Some(last) = paging.correction() {
                go.with_value(|go| go(action.get_untracked(), last, true));
            }
        }
    });

    let filter = move || {
        let locale = i18n.get_locale();
        let current = action.get();
        let mut actions: Vec<String> = SCHOOL_AUDIT_ACTIONS.iter().map(|a| a.to_string()).collect();
        // An action from a link that the list does not offer still shows as chosen.
        if let Some(current) = &current
            && !actions.contains(current)
        {
            actions.push(current.clone());
        }
        let mut options = vec![view! {
            <option value="" selected=current.is_none()>{td_string!(locale, audit.filter_all)}</option>
        }
        .into_any()];
        options.extend(actions.into_iter().map(|a| {
            let selected = current.as_deref() == Some(a.as_str());
            let label = audit_action_label(locale, &a);
            view! { <option value=a selected=selected>{label}</option> }.into_any()
        }));
        options.collect_view()
    };

    let table = move |list: api::ListPage<AuditRecord>, logins: Logins| {
        let paging = Paging {
            page: page.get_untracked(),
            per_page: AUDIT_PER_PAGE,
            total: list.total,
        };
        let total = list.total;
        let logins = StoredValue::new(logins);
        let body = if list.items.is_empty() {
            view! { <p class="muted" data-testid="no-audit">{tr!(audit.none)}</p> }.into_any()
        } else {
            let rows = list
                .items
                .into_iter()
                .map(|r| view! { <AuditRow record=r logins=logins /> })
                .collect_view();
            view! {
                <table class="table table-cards" data-testid="audit-table">
                    <thead>
                        <tr>
                            <th scope="col">{tr!(audit.col_time)}</th>
                            <th scope="col">{tr!(audit.col_action)}</th>
                            <th scope="col">{tr!(audit.col_actor)}</th>
                            <th scope="col">{tr!(audit.col_object)}</th>
                            <th scope="col">{tr!(audit.col_ip)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        };
        view! {
            <p class="count" data-testid="audit-count" data-count=total>
                {counted(Counted::AuditRecords, total)}
            </p>
            {body}
            <Pager paging=paging on_page=move |p| go.with_value(|go| go(action.get_untracked(), p, false)) />
        }
        .into_any()
    };

    view! {
        <section class="page page-wide" data-testid="audit-page">
            <h1>{tr!(audit.title)}</h1>
            <PageSchool school=Some(school) />
            <p class="muted">{tr!(audit.intro)}</p>
            <div class="toolbar">
                <label class="inline-field" for="audit-action-filter">
                    <span>{tr!(audit.filter)}</span>
                    <select
                        id="audit-action-filter"
                        data-testid="audit-action-filter"
                        on:change=move |ev| {
                            let value = action_from_query(Some(&event_target_value(&ev)));
                            go.with_value(|go| go(value, 1, false));
                        }
                    >
                        {filter}
                    </select>
                </label>
            </div>
            {dynv(move || (match (records.get(), logins.get()) {
                (Some(Ok(list)), Some(logins)) => table(list, logins.unwrap_or_default()),
                (Some(Err(err)), _) => view! {
                    <LoadError
                        error=err
                        testid="audit-load-error"
                        retry_testid="audit-retry"
                        on_retry=move || records.refetch()
                    />
                }
                .into_any(),
                _ => view! { <p class="loading">{tr!(loading)}</p> }.into_any(),
            }).into_any())}
        </section>
    }
}

#[component]
fn AuditRow(record: AuditRecord, logins: StoredValue<Logins>) -> impl IntoView {
    let i18n = use_i18n();
    let at = record.at.with_timezone(&chrono::Local);
    let changes = change_text(&record);
    let AuditRecord {
        id,
        at: at_utc,
        actor_account_id,
        action,
        object_type,
        object_id,
        ip,
        ..
    } = record;
    let actor =
        actor_account_id.map(|a| (a.to_string(), logins.with_value(|l| account_label(a, l))));
    let object = object_id.map(|oid| {
        let label = logins.with_value(|l| object_id_label(object_type.as_deref(), &oid, l));
        (oid, label)
    });
    let label = move |key: fn(Locale) -> &'static str| move || key(i18n.get_locale());
    let action_code = action.clone();
    let action_view = move || match audit_action_text(i18n.get_locale(), &action_code) {
        Some(text) => text.into_any(),
        None => view! { <code class="mono">{action_code.clone()}</code> }.into_any(),
    };
    let object_kind = move || {
        object_type.as_deref().map(|t| {
            audit_object_text(i18n.get_locale(), t)
                .unwrap_or(t)
                .to_string()
        })
    };
    view! {
        <tr data-testid="audit-row" data-record-id=id.to_string() data-action=action.clone()>
            <td data-label=label(|l| td_string!(l, audit.col_time))>
                <time datetime=at_utc.to_rfc3339() data-testid="audit-time">
                    {dynv(move || (format_instant_seconds(&at, i18n.get_locale())).into_any())}
                </time>
            </td>
            <td data-label=label(|l| td_string!(l, audit.col_action)) data-testid="audit-action">
                {action_view}
            </td>
            <td data-label=label(|l| td_string!(l, audit.col_actor)) data-testid="audit-actor">
                {match actor {
                    Some((full, shown)) => view! { <span class="mono" title=full>{shown}</span> }.into_any(),
                    None => view! { <span class="muted">{tr!(audit.no_actor)}</span> }.into_any(),
                }}
            </td>
            <td data-label=label(|l| td_string!(l, audit.col_object)) data-testid="audit-object">
                // One child, so that the phone layout (label | value grid) keeps it together.
                <div>
                    {object_kind} " "
                    {object.map(|(full, shown)| view! { <span class="mono" title=full>{shown}</span> })}
                    {changes.map(|c| view! {
                        <details class="change">
                            <summary>{tr!(audit.details)}</summary>
                            <div class="mono" data-testid="audit-change">{c}</div>
                        </details>
                    })}
                </div>
            </td>
            <td data-label=label(|l| td_string!(l, audit.col_ip)) class="mono" data-testid="audit-ip">
                {ip.unwrap_or_else(|| "—".to_string())}
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use serde_json::json;

    fn record(old: Option<serde_json::Value>, new: Option<serde_json::Value>) -> AuditRecord {
        AuditRecord {
            id: Uuid::nil(),
            at: Utc::now(),
            school_id: None,
            actor_account_id: None,
            on_behalf_of: None,
            action: "roles_changed".into(),
            object_type: Some("account".into()),
            object_id: Some(Uuid::nil().to_string()),
            old_value: old,
            new_value: new,
            ip: None,
        }
    }

    #[test]
    fn audit_url_keeps_school_action_and_page() {
        let school = Uuid::from_u128(5);
        assert_eq!(
            audit_href(school, None, 1),
            format!("/audit?school={school}")
        );
        assert_eq!(
            audit_href(school, Some("invite_used"), 2),
            format!("/audit?school={school}&action=invite_used&page=2")
        );
    }

    #[test]
    fn action_filter_takes_only_action_codes() {
        assert_eq!(
            action_from_query(Some("invite_used")).as_deref(),
            Some("invite_used")
        );
        assert_eq!(action_from_query(Some("")), None);
        assert_eq!(action_from_query(Some("a b")), None);
        assert_eq!(action_from_query(Some("<x>")), None);
        assert_eq!(action_from_query(None), None);
    }

    #[test]
    fn accounts_are_named_by_login_when_the_school_knows_them() {
        let known = Uuid::parse_str("0190a3f2-7c1e-7d2a-9b3c-4d5e6f708192").unwrap();
        let stranger = Uuid::parse_str("0190a3f2-7c1e-7d2a-9b3c-aaaaaaaaaaaa").unwrap();
        let logins: Logins = [(known, "admin".to_string())].into_iter().collect();
        assert_eq!(account_label(known, &logins), "admin");
        assert_eq!(account_label(stranger, &logins), "…aaaaaaaa");
        assert_eq!(
            object_id_label(Some("account"), &known.to_string(), &logins),
            "admin"
        );
        assert_eq!(
            object_id_label(Some("invite"), &known.to_string(), &logins),
            "…6f708192"
        );
    }

    #[test]
    fn changes_read_old_to_new() {
        assert_eq!(
            change_text(&record(
                Some(json!(["teacher"])),
                Some(json!(["admin", "teacher"]))
            ))
            .as_deref(),
            Some(r#"["teacher"] → ["admin","teacher"]"#)
        );
        assert_eq!(
            change_text(&record(None, Some(json!({"role": "student"})))).as_deref(),
            Some(r#"→ {"role":"student"}"#)
        );
        assert_eq!(change_text(&record(None, None)), None);
    }
}
