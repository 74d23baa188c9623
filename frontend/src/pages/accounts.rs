//! `/accounts?school=`: a school's accounts and their roles. The admin changes roles and
//! disables or enables sign-in (either ends the account's sessions); the principal only reads.

use leptos::prelude::*;
use leptos::task::spawn_local;
use otmetka_domain::Role;
use otmetka_domain::account::{SchoolAccount, UpdateSchoolAccountRequest};
use uuid::Uuid;

use crate::access::{Access, Area, SchoolOption};
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::format::format_instant;
use crate::i18n::*;
use crate::load::Res;
use crate::pages::{Gate, LoadError, PageSchool, Pager, ReadOnlyNote};
use crate::pages::{counted, dynv, lbl, ltext};
use crate::paging::{ACCOUNTS_PER_PAGE, Paging};
use crate::text::{Counted, account_update_error_text, role_text};

/// The request for an edit: only what changed (`None` when nothing did). Roles are sent in
/// display order, compared as a set.
pub fn account_update(
    current: &SchoolAccount,
    roles: &[Role],
    is_active: bool,
) -> Option<UpdateSchoolAccountRequest> {
    let ordered = |list: &[Role]| -> Vec<Role> {
        Role::ALL.into_iter().filter(|r| list.contains(r)).collect()
    };
    let new_roles = ordered(roles);
    let roles = (new_roles != ordered(&current.roles)).then_some(new_roles);
    let is_active = (is_active != current.is_active).then_some(is_active);
    (roles.is_some() || is_active.is_some())
        .then_some(UpdateSchoolAccountRequest { roles, is_active })
}

/// The accounts whose login or person name contains every word of `query` (any case).
pub fn filter_accounts(accounts: &[SchoolAccount], query: &str) -> Vec<SchoolAccount> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    accounts
        .iter()
        .filter(|a| {
            let haystack = format!(
                "{} {}",
                a.login.to_lowercase(),
                a.person_name.as_deref().unwrap_or_default().to_lowercase()
            );
            words.iter().all(|w| haystack.contains(w.as_str()))
        })
        .cloned()
        .collect()
}

/// The test id of a role's checkbox in the editor.
fn role_testid(role: Role) -> &'static str {
    match role {
        Role::Admin => "account-role-admin",
        Role::Principal => "account-role-principal",
        Role::Teacher => "account-role-teacher",
        Role::Student => "account-role-student",
        Role::Parent => "account-role-parent",
    }
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Accounts
            render=|school, access| school.map(|school| view! { <Accounts school=school access=access /> })
        />
    }
}

#[component]
fn Accounts(school: SchoolOption, access: Access) -> impl IntoView {
    let auth = use_auth();
    let school_id = school.id;
    let manage = access == Access::Manage;
    let accounts = Res::new(move || api::accounts(auth, school_id));

    view! {
        <section class="page" data-testid="accounts-page" data-access=if manage { "manage" } else { "read" }>
            <h1>{tr!(accounts.title)}</h1>
            <PageSchool school=Some(school) />
            <p class="muted">{tr!(accounts.intro)}</p>
            {(!manage).then(|| view! { <ReadOnlyNote /> })}
            {dynv(move || (match accounts.get() {
                None => view! { <p class="loading">{tr!(loading)}</p> }.into_any(),
                Some(Ok(list)) => view! { <AccountList list=list school_id=school_id manage=manage /> }.into_any(),
                Some(Err(err)) => view! {
                    <LoadError
                        error=err
                        testid="accounts-load-error"
                        retry_testid="accounts-retry"
                        on_retry=move || accounts.refetch()
                    />
                }
                .into_any(),
            }).into_any())}
        </section>
    }
}

/// The search box, the count, one page of rows and the pager (all in the browser: the API
/// returns the whole list).
#[component]
fn AccountList(list: Vec<SchoolAccount>, school_id: Uuid, manage: bool) -> impl IntoView {
    let all = StoredValue::new(list);
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(1u64);
    let shown = Memo::new(move |_| search.with(|q| all.with_value(|all| filter_accounts(all, q))));
    let total_all = all.with_value(Vec::len) as u64;

    let rows = move || {
        let list = shown.get();
        let paging = Paging {
            page: page.get(),
            per_page: ACCOUNTS_PER_PAGE,
            total: list.len() as u64,
        };
        let total = paging.total;
        let rows = paging
            .slice(&list)
            .iter()
            .cloned()
            .map(|a| view! { <AccountRow account=a school_id=school_id manage=manage /> })
            .collect_view();
        let searching = !search.with(|q| q.trim().is_empty());
        view! {
            <p class="count" data-testid="accounts-count" data-count=total>
                {counted(Counted::Accounts, total)}
            </p>
            {if total == 0 {
                view! {
                    <p class="muted" data-testid="no-accounts">
                        {ltext(move |l| if searching { td_string!(l, accounts.none_found) } else { td_string!(l, accounts.none) }.to_string())}
                    </p>
                }
                .into_any()
            } else {
                view! { <ul class="list" data-testid="accounts-list">{rows}</ul> }.into_any()
            }}
            <Pager paging=paging on_page=move |p| page.set(p) />
        }
    };

    view! {
        {(total_all > 0).then(|| view! {
            <div class="toolbar">
                <label class="inline-field inline-field-grow" for="accounts-search">
                    <span>{tr!(accounts.search)}</span>
                    <input
                        id="accounts-search"
                        data-testid="accounts-search"
                        type="search"
                        autocomplete="off"
                        placeholder=lbl(|l| td_string!(l, accounts.search_placeholder))
                        on:input=move |ev| {
                            search.set(event_target_value(&ev));
                            page.set(1);
                        }
                        prop:value=move || search.get()
                    />
                </label>
            </div>
        })}
        {rows}
    }
}

#[component]
fn AccountRow(account: SchoolAccount, school_id: Uuid, manage: bool) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let account = RwSignal::new(account);
    let account_id = account.with_untracked(|a| a.account_id);
    let is_self = auth
        .me
        .with_untracked(|me| me.as_ref().is_some_and(|me| me.account_id == account_id));
    let editing = RwSignal::new(false);
    let saved = RwSignal::new(false);

    let roles_text = move || {
        let locale = i18n.get_locale();
        account.with(|a| {
            if a.roles.is_empty() {
                td_string!(locale, accounts.no_roles).to_string()
            } else {
                a.roles
                    .iter()
                    .map(|r| role_text(locale, *r))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        })
    };
    let role_codes = move || {
        account.with(|a| {
            a.roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    let active = move || account.with(|a| a.is_active);
    let last_login = move || {
        let locale = i18n.get_locale();
        account.with(|a| match a.last_login_at {
            Some(at) => format_instant(&at.with_timezone(&chrono::Local), locale),
            None => td_string!(locale, accounts.never_signed_in).to_string(),
        })
    };

    view! {
        <li
            class="list-row"
            class:row-disabled=move || !active()
            data-testid="account-row"
            data-account-id=account_id.to_string()
            data-active=move || active().to_string()
        >
            <div class="row-head">
                <strong class="mono" data-testid="account-login">{dynv(move || (account.with(|a| a.login.clone())).into_any())}</strong>
                {dynv(move || (if active() {
                    view! { <span class="badge" data-testid="account-status" data-active="true">{tr!(accounts.active)}</span> }.into_any()
                } else {
                    view! { <span class="badge badge-danger" data-testid="account-status" data-active="false">{tr!(accounts.disabled)}</span> }.into_any()
                }).into_any())}
                {is_self.then(|| view! { <span class="badge badge-info" data-testid="account-self">{tr!(accounts.you)}</span> })}
            </div>
            {dynv(move || (account.with(|a| a.person_name.clone()).map(|name| view! {
                <span class="muted" data-testid="account-person">{name}</span>
            })).into_any())}
            <dl class="facts">
                <dt>{tr!(accounts.roles)}</dt>
                <dd data-testid="account-roles" data-roles=role_codes>{roles_text}</dd>
                <dt>{tr!(accounts.last_login)}</dt>
                <dd>{last_login}</dd>
            </dl>
            {dynv(move || (saved.get().then(|| view! {
                <p class="success" role="status" data-testid="account-saved">{tr!(accounts.saved)}</p>
            })).into_any())}
            {dynv(move || (match (manage, editing.get()) {
                (false, _) => ().into_any(),
                (true, false) => view! {
                    <button
                        type="button"
                        class="button button-quiet row-action"
                        data-testid="account-edit"
                        on:click=move |_| {
                            saved.set(false);
                            editing.set(true);
                        }
                    >
                        {tr!(accounts.edit)}
                    </button>
                }
                .into_any(),
                (true, true) => view! {
                    <AccountEditor
                        account=account
                        school_id=school_id
                        is_self=is_self
                        on_close=move |done| {
                            editing.set(false);
                            saved.set(done);
                        }
                    />
                }
                .into_any(),
            }).into_any())}
        </li>
    }
}

/// Role checkboxes and "sign-in allowed" → `PATCH /schools/{id}/accounts/{account_id}`.
#[component]
fn AccountEditor(
    account: RwSignal<SchoolAccount>,
    school_id: Uuid,
    is_self: bool,
    /// Called with `true` after a save, `false` on cancel.
    on_close: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let current = account.get_untracked();
    let role_boxes: Vec<(Role, RwSignal<bool>)> = Role::ALL
        .into_iter()
        .map(|r| (r, RwSignal::new(current.roles.contains(&r))))
        .collect();
    let role_boxes = StoredValue::new(role_boxes);
    let is_active = RwSignal::new(current.is_active);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    // Whether the refused request tried to disable the account (the 403 then has its own text).
    let disabling = RwSignal::new(false);
    let account_id = current.account_id;

    let on_save = move |_| {
        if busy.get_untracked() {
            return;
        }
        let roles: Vec<Role> = role_boxes.with_value(|boxes| {
            boxes
                .iter()
                .filter(|(_, on)| on.get_untracked())
                .map(|(r, _)| *r)
                .collect()
        });
        let Some(request) =
            account.with_untracked(|a| account_update(a, &roles, is_active.get_untracked()))
        else {
            on_close(false);
            return;
        };
        disabling.set(request.is_active == Some(false));
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = api::update_account(auth, school_id, account_id, &request).await;
            busy.set(false);
            match result {
                Ok(updated) => {
                    account.set(updated);
                    on_close(true);
                    if is_self {
                        // The server ended this account's sessions, this one included: reloading
                        // the account signs the SPA out with the reason, or (should the session
                        // survive) updates the menu to the new roles.
                        if let Ok(me) = api::me(auth).await {
                            auth.me.set(Some(me));
                        }
                    }
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };

    let describe = move |locale: Locale, err: &ApiError| {
        account_update_error_text(locale, err, disabling.get_untracked())
    };
    let error_text = move || {
        error.get().map(|err| {
            let code = err.code().map(|c| c.as_str());
            view! {
                <p class="alert" role="alert" data-testid="account-error" data-code=code>
                    {dynv(move || (describe(i18n.get_locale(), &err)).into_any())}
                </p>
            }
        })
    };

    let boxes = move || {
        role_boxes.with_value(|boxes| {
            boxes
                .iter()
                .map(|(role, on)| {
                    let (role, on) = (*role, *on);
                    view! {
                        <label class="check">
                            <input type="checkbox" data-testid=role_testid(role) bind:checked=on />
                            {ltext(move |l| role_text(l, role).to_string())}
                        </label>
                    }
                })
                .collect_view()
        })
    };

    view! {
        <div class="editor" data-testid="account-editor">
            <fieldset class="fieldset">
                <legend>{tr!(accounts.roles)}</legend>
                <div class="checks">{boxes}</div>
            </fieldset>
            <label class="check">
                <input type="checkbox" data-testid="account-active" bind:checked=is_active />
                {tr!(accounts.sign_in_allowed)}
            </label>
            <p class="hint">{tr!(accounts.sessions_note)}</p>
            {is_self.then(|| view! {
                <p class="warning" data-testid="account-self-warning">{tr!(accounts.self_warning)}</p>
            })}
            {error_text}
            <div class="actions">
                <button
                    type="button"
                    class="button button-primary"
                    data-testid="account-save"
                    disabled=move || busy.get()
                    on:click=on_save
                >
                    {ltext(move |l| if busy.get() { td_string!(l, accounts.saving) } else { td_string!(l, save) }.to_string())}
                </button>
                <button
                    type="button"
                    class="button button-quiet"
                    data-testid="account-cancel"
                    on:click=move |_| on_close(false)
                >
                    {tr!(cancel)}
                </button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn account(login: &str, name: Option<&str>, roles: &[Role], active: bool) -> SchoolAccount {
        SchoolAccount {
            account_id: Uuid::nil(),
            login: login.into(),
            is_active: active,
            roles: roles.to_vec(),
            person_id: None,
            person_name: name.map(str::to_string),
            created_at: Utc::now(),
            last_login_at: None,
        }
    }

    #[test]
    fn an_edit_sends_only_what_changed() {
        let teacher = account("alieva", None, &[Role::Teacher], true);
        assert!(account_update(&teacher, &[Role::Teacher], true).is_none());
        let req = account_update(&teacher, &[Role::Teacher, Role::Admin], true).unwrap();
        assert_eq!(
            req.roles,
            Some(vec![Role::Admin, Role::Teacher]),
            "display order"
        );
        assert_eq!(req.is_active, None);
        let req = account_update(&teacher, &[Role::Teacher], false).unwrap();
        assert_eq!((req.roles, req.is_active), (None, Some(false)));
        let req = account_update(&teacher, &[], true).unwrap();
        assert_eq!(req.roles, Some(vec![]), "all roles may be removed");
    }

    #[test]
    fn role_order_alone_is_not_a_change() {
        let both = account("x", None, &[Role::Parent, Role::Teacher], true);
        assert!(account_update(&both, &[Role::Teacher, Role::Parent], true).is_none());
    }

    #[test]
    fn search_matches_login_and_name_words_in_any_case() {
        let list = vec![
            account(
                "petrova",
                Some("Петрова Мадина Магомедовна"),
                &[Role::Admin],
                true,
            ),
            account(
                "teacher",
                Some("Алиева Патимат Андреевна"),
                &[Role::Teacher],
                true,
            ),
        ];
        let logins = |q: &str| -> Vec<String> {
            filter_accounts(&list, q)
                .into_iter()
                .map(|a| a.login)
                .collect()
        };
        assert_eq!(logins(""), ["petrova", "teacher"]);
        assert_eq!(logins("ПЕТРОВА"), ["petrova"]);
        assert_eq!(logins("патимат алиева"), ["teacher"]);
        assert_eq!(logins("TEACH"), ["teacher"]);
        assert!(logins("иванов").is_empty());
    }
}
