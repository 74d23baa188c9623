//! `/invites?school=&state=&page=`: a school's invite codes. The admin issues a code for a new
//! person (shown once, as a printable slip) and revokes unused ones; the principal only reads.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use otmetka_domain::Role;
use otmetka_domain::invite::{Invite, InviteState};
use uuid::Uuid;

use crate::access::{Access, Area, SchoolOption};
use crate::api::{self, ApiError, invite_state_from_param, invite_state_param};
use crate::auth::use_auth;
use crate::format::{format_date, format_instant};
use crate::forms::{
    AdminForm, Field, FieldErrors, INVITE_DAYS, INVITE_DAYS_DEFAULT, admin_field_problems,
    check_invite_form,
};
use crate::i18n::*;
use crate::load::Res;
use crate::pages::{
    ErrorAlert, FieldMessage, Gate, LoadError, PageSchool, Pager, PersonInputs, PersonSignals,
    ReadOnlyNote, SlipCard, ValidityPreview, invalid_attr,
};
use crate::pages::{counted, dynv, ltext};
use crate::paging::{
    INVITES_PER_PAGE, Paging, offset_of, page_from_query, page_param, query_string,
};
use crate::slip::Slip;
use crate::text::{
    Counted, invite_filter_text, invite_revoke_error_text, invite_state_text, role_text,
};

/// The states the filter offers, after "all".
pub const FILTER_STATES: [InviteState; 4] = [
    InviteState::Active,
    InviteState::Used,
    InviteState::Expired,
    InviteState::Revoked,
];

/// The URL of the invite list for a school, state filter and page.
pub fn invites_href(school_id: Uuid, state: Option<InviteState>, page: u64) -> String {
    format!(
        "/invites{}",
        query_string(&[
            ("school", Some(school_id.to_string())),
            ("state", state.and_then(invite_state_param)),
            ("page", page_param(page)),
        ])
    )
}

/// Only an invite that can still be used can be revoked (revoking a used one is a 409; an
/// expired or revoked one gains nothing).
pub fn can_revoke(invite: &Invite) -> bool {
    invite.state == InviteState::Active
}

#[component]
pub fn InvitesPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Invites
            render=|school, access| school.map(|school| view! { <Invites school=school access=access /> })
        />
    }
}

#[component]
fn Invites(school: SchoolOption, access: Access) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let query = use_query_map();
    let school_id = school.id;
    let school_name = StoredValue::new(school.name.clone());
    let manage = access == Access::Manage;

    let state = Memo::new(move |_| {
        query.with(|q| q.get("state").and_then(|s| invite_state_from_param(&s)))
    });
    let page = Memo::new(move |_| query.with(|q| page_from_query(q.get("page").as_deref())));
    let go = {
        let navigate = navigate.clone();
        move |state: Option<InviteState>, page: u64, replace: bool| {
            navigate(
                &invites_href(school_id, state, page),
                NavigateOptions {
                    replace,
                    ..NavigateOptions::default()
                },
            );
        }
    };
    let go = StoredValue::new(go);

    let invites = Res::new(move || {
        let (state, page) = (state.get(), page.get());
        api::invites(
            auth,
            school_id,
            state,
            INVITES_PER_PAGE,
            offset_of(page, INVITES_PER_PAGE),
        )
    });
    // A page past the end (the last row revoked, a stale link): go to the last page.
    Effect::new(move |_| {
        if let Some(Ok(list)) = invites.get() {
            let paging = Paging {
                page: page.get_untracked(),
                per_page: INVITES_PER_PAGE,
                total: list.total,
            };
            if let Some(last) = paging.correction() {
                go.with_value(|go| go(state.get_untracked(), last, true));
            }
        }
    });

    let slip = RwSignal::new(None::<Slip>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let revoke = move |id: Uuid| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::revoke_invite(auth, school_id, id).await;
            busy.set(false);
            if let Err(err) = result {
                error.set(Some(err));
            }
            // Reload either way: a 409 means it was used meanwhile.
            invites.refetch();
        });
    };

    let filter = move || {
        let locale = i18n.get_locale();
        let current = state.get();
        let option = move |value: Option<InviteState>| {
            view! {
                <option
                    value=value.and_then(invite_state_param).unwrap_or_default()
                    selected=current == value
                >
                    {invite_filter_text(locale, value)}
                </option>
            }
        };
        let mut options = vec![option(None)];
        options.extend(FILTER_STATES.into_iter().map(|s| option(Some(s))));
        options.collect_view()
    };

    let list_view = move |list: api::ListPage<Invite>| {
        let paging = Paging {
            page: page.get_untracked(),
            per_page: INVITES_PER_PAGE,
            total: list.total,
        };
        let total = list.total;
        let body = if list.items.is_empty() {
            let filtered = state.get_untracked().is_some();
            view! {
                <p class="muted" data-testid="no-invites">
                    {ltext(move |l| if filtered { td_string!(l, invites.none_filtered) } else { td_string!(l, invites.none) }.to_string())}
                </p>
            }
            .into_any()
        } else {
            let rows = list
                .items
                .into_iter()
                .map(|invite| view! { <InviteRow invite=invite manage=manage busy=busy on_revoke=revoke /> })
                .collect_view();
            view! { <ul class="list" data-testid="invites-list">{rows}</ul> }.into_any()
        };
        view! {
            <p class="count" data-testid="invites-count" data-count=total>
                {counted(Counted::Invites, total)}
            </p>
            {body}
            <Pager paging=paging on_page=move |p| go.with_value(|go| go(state.get_untracked(), p, false)) />
        }
        .into_any()
    };

    view! {
        <section class="page" data-testid="invites-page" data-access=if manage { "manage" } else { "read" }>
            <h1>{tr!(invites.title)}</h1>
            <PageSchool school=Some(school) />
            <p class="muted">{tr!(invites.intro)}</p>
            {(!manage).then(|| view! { <ReadOnlyNote /> })}
            {dynv(move || (manage.then(|| match slip.get() {
                Some(s) => view! { <SlipCard slip=s on_done=move || slip.set(None) /> }.into_any(),
                None => view! {
                    <NewInviteForm
                        school_id=school_id
                        on_created=move |created| {
                            slip.set(Some(Slip::new(school_name.get_value(), &created)));
                            invites.refetch();
                        }
                    />
                }
                .into_any(),
            })).into_any())}
            <h2>{tr!(invites.list_title)}</h2>
            <div class="toolbar">
                <label class="inline-field" for="invite-state-filter">
                    <span>{tr!(invites.filter)}</span>
                    <select
                        id="invite-state-filter"
                        data-testid="invite-state-filter"
                        on:change=move |ev| {
                            let value = invite_state_from_param(&event_target_value(&ev));
                            go.with_value(|go| go(value, 1, false));
                        }
                    >
                        {filter}
                    </select>
                </label>
            </div>
            <ErrorAlert error=error testid="invites-error" describe=invite_revoke_error_text />
            {dynv(move || (match invites.get() {
                None => view! { <p class="loading">{tr!(loading)}</p> }.into_any(),
                Some(Ok(list)) => list_view(list),
                Some(Err(err)) => view! {
                    <LoadError
                        error=err
                        testid="invites-load-error"
                        retry_testid="invites-retry"
                        on_retry=move || invites.refetch()
                    />
                }
                .into_any(),
            }).into_any())}
        </section>
    }
}

#[component]
fn InviteRow(
    invite: Invite,
    manage: bool,
    busy: RwSignal<bool>,
    on_revoke: impl Fn(Uuid) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let confirming = RwSignal::new(false);
    let revocable = manage && can_revoke(&invite);
    let Invite {
        id,
        person_name,
        role,
        state,
        code_hint,
        created_at,
        expires_at,
        used_at,
        revoked_at,
        ..
    } = invite;
    let local = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&chrono::Local);
    let created = local(created_at);
    let expires = local(expires_at);
    // The last thing that happened to the code, when it is no longer active.
    let closed = match (used_at, revoked_at) {
        (_, Some(at)) => Some((true, local(at))),
        (Some(at), None) => Some((false, local(at))),
        _ => None,
    };
    let person = StoredValue::new(person_name);
    let hint = StoredValue::new(code_hint);
    let badge_class = match state {
        InviteState::Active => "badge",
        InviteState::Used => "badge badge-info",
        InviteState::Expired | InviteState::Revoked => "badge badge-muted",
    };
    view! {
        <li
            class="list-row"
            data-testid="invite-row"
            data-invite-id=id.to_string()
            data-state=invite_state_param(state).unwrap_or_default()
        >
            <div class="row-head">
                <strong data-testid="invite-person-name">{person.get_value()}</strong>
                <span class=badge_class data-testid="invite-state">
                    {ltext(move |l| invite_state_text(l, state).to_string())}
                </span>
            </div>
            <dl class="facts">
                <dt>{tr!(invites.role)}</dt>
                <dd data-testid="invite-row-role" data-role=role.as_str()>{ltext(move |l| role_text(l, role).to_string())}</dd>
                <dt>{tr!(invites.code)}</dt>
                <dd class="mono" data-testid="invite-code-hint">"…" {hint.get_value()}</dd>
                <dt>{tr!(invites.created_at)}</dt>
                <dd><time datetime=created_at.to_rfc3339()>{dynv(move || (format_instant(&created, i18n.get_locale())).into_any())}</time></dd>
                <dt>{tr!(invites.expires_at)}</dt>
                <dd><time datetime=expires_at.to_rfc3339()>{dynv(move || (format_date(&expires, i18n.get_locale())).into_any())}</time></dd>
                {closed.map(|(revoked, at)| view! {
                    <dt>{ltext(move |l| if revoked { td_string!(l, invites.revoked_at) } else { td_string!(l, invites.used_at) }.to_string())}</dt>
                    <dd>{dynv(move || (format_instant(&at, i18n.get_locale())).into_any())}</dd>
                })}
            </dl>
            {revocable.then_some(move || if confirming.get() {
                view! {
                    <div class="confirm" role="group">
                        <p>{dynv(move || (td_string!(i18n.get_locale(), invites.revoke_confirm, hint = hint.get_value())).into_any())}</p>
                        <div class="actions">
                            <button
                                type="button"
                                class="button button-danger"
                                data-testid="invite-revoke-confirm"
                                disabled=move || busy.get()
                                on:click=move |_| on_revoke(id)
                            >
                                {tr!(revoke_yes)}
                            </button>
                            <button
                                type="button"
                                class="button button-quiet"
                                data-testid="invite-revoke-cancel"
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
                        data-testid="invite-revoke"
                        on:click=move |_| confirming.set(true)
                    >
                        {tr!(revoke)}
                    </button>
                }
                .into_any()
            })}
        </li>
    }
}

/// The role select's test id and the value of "not chosen yet".
const NO_ROLE: &str = "";

/// A new person, a role and the validity → `POST /schools/{id}/invites`.
#[component]
fn NewInviteForm(
    school_id: Uuid,
    on_created: impl Fn(otmetka_domain::invite::InviteCreated) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let person = PersonSignals::new();
    let role = RwSignal::new(NO_ROLE.to_string());
    let days = RwSignal::new(INVITE_DAYS_DEFAULT.to_string());
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let chosen = Role::parse(&role.get_untracked());
        let request = match check_invite_form(&person.read(), chosen, &days.get_untracked()) {
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
            let result = api::create_invite(auth, school_id, &request).await;
            busy.set(false);
            match result {
                Ok(created) => {
                    person.clear();
                    role.set(NO_ROLE.to_string());
                    on_created(created);
                }
                Err(err) => match admin_field_problems(AdminForm::Invite, &err) {
                    Some(problems) => fields.set(problems),
                    None => error.set(Some(err)),
                },
            }
        });
    };

    let role_options = move || {
        let locale = i18n.get_locale();
        let current = role.get();
        let mut options = vec![
            view! {
                <option value=NO_ROLE selected=current.is_empty() disabled=true>
                    {td_string!(locale, invites.choose_role)}
                </option>
            }
            .into_any(),
        ];
        options.extend(Role::ALL.into_iter().map(|r| {
            view! {
                <option value=r.as_str() selected=current == r.as_str()>{role_text(locale, r)}</option>
            }
            .into_any()
        }));
        options.collect_view()
    };

    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="invite-form">
            <h2 class="form-title">{tr!(invites.create_title)}</h2>
            <PersonInputs
                person=person
                errors=fields
                ids=["new-invite-last-name", "new-invite-first-name", "new-invite-middle-name"]
            />
            <div class="field">
                <label for="new-invite-role">{tr!(invites.role)}</label>
                <select
                    id="new-invite-role"
                    data-testid="new-invite-role"
                    aria-invalid=invalid_attr(fields, Field::InviteRole)
                    aria-describedby="new-invite-role-error"
                    on:change=move |ev| role.set(event_target_value(&ev))
                >
                    {role_options}
                </select>
                <FieldMessage errors=fields field=Field::InviteRole input_id="new-invite-role" />
            </div>
            <div class="field">
                <label for="new-invite-days">{tr!(invites.days)}</label>
                <input
                    id="new-invite-days"
                    data-testid="new-invite-days"
                    class="input-short"
                    type="number"
                    inputmode="numeric"
                    min=*INVITE_DAYS.start()
                    max=*INVITE_DAYS.end()
                    aria-invalid=invalid_attr(fields, Field::ExpiresDays)
                    aria-describedby="new-invite-days-hint new-invite-days-preview new-invite-days-error"
                    bind:value=days
                />
                <p class="hint" id="new-invite-days-hint">{tr!(invites.days_hint)}</p>
                <ValidityPreview days=days range=INVITE_DAYS testid="new-invite-days-preview" />
                <FieldMessage errors=fields field=Field::ExpiresDays input_id="new-invite-days" />
            </div>
            <ErrorAlert error=error testid="invite-create-error" />
            <button
                type="submit"
                class="button button-primary"
                data-testid="invite-create"
                disabled=move || busy.get()
            >
                {ltext(move |l| if busy.get() { td_string!(l, invites.creating) } else { td_string!(l, invites.create) }.to_string())}
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn list_url_keeps_school_filter_and_page_but_not_defaults() {
        let school = Uuid::from_u128(7);
        assert_eq!(
            invites_href(school, None, 1),
            format!("/invites?school={school}")
        );
        assert_eq!(
            invites_href(school, Some(InviteState::Used), 3),
            format!("/invites?school={school}&state=used&page=3")
        );
    }

    #[test]
    fn only_active_invites_can_be_revoked() {
        let at = Utc.with_ymd_and_hms(2026, 9, 1, 8, 0, 0).unwrap();
        let invite = |state| Invite {
            id: Uuid::nil(),
            person_id: Uuid::nil(),
            person_name: "Иванова Мария".into(),
            role: Role::Student,
            state,
            code_hint: "HN".into(),
            created_at: at,
            expires_at: at,
            used_at: None,
            revoked_at: None,
        };
        assert!(can_revoke(&invite(InviteState::Active)));
        for state in [
            InviteState::Used,
            InviteState::Expired,
            InviteState::Revoked,
        ] {
            assert!(!can_revoke(&invite(state)), "{state:?}");
        }
    }
}
