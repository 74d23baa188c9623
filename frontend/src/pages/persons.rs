//! `/persons?school=&kind=&q=&page=`: the school's people; `/persons/{id}?school=`: a person's
//! card with guardians and (for a student) the enrollment history. The admin edits the record,
//! links and unlinks parents and corrects enrollment dates; the principal reads.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use otmetka_domain::invite::CreateInviteRequest;
use otmetka_domain::person::{Person, PersonKind, Sex, StaffPosition};
use otmetka_domain::roster::{Enrollment, GuardianLink};
use otmetka_domain::{ErrorCode, Role};
use uuid::Uuid;

use crate::access::{Access, Area, SchoolOption};
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::forms::{Field, FieldErrors};
use crate::i18n::*;
use crate::load::{Res, Shared};
use crate::pages::classes::{class_href, person_href};
use crate::pages::{
    DataTable, ErrorAlert, FieldMessage, FormButtons, Gate, PageSchool, Pager, ProblemAlert,
    ReadOnlyNote, SelectInput, SlipCard, TextInput, build_table, counted, dynv, lbl, loaded, ltext,
};
use crate::paging::{Paging, offset_of, page_from_query, page_param, query_string};
use crate::roster::{
    PERSONS_PER_PAGE, PICK_LIMIT, PersonForm, check_correction, check_link, check_person_form,
    format_day,
};
use crate::slip::Slip;
use crate::table::{Cell, Part, Row, Table};
use crate::text::{
    Counted, end_reason_text, person_filter_text, person_kind_text, position_text, role_text,
    sex_text, start_reason_text,
};

/// The kinds the people filter offers after "everyone".
const KINDS: [PersonKind; 3] = [PersonKind::Student, PersonKind::Staff, PersonKind::Parent];

/// The URL of the people list.
pub fn persons_href(school_id: Uuid, kind: Option<PersonKind>, q: &str, page: u64) -> String {
    let q = q.trim();
    format!(
        "/persons{}",
        query_string(&[
            ("school", Some(school_id.to_string())),
            ("kind", kind.map(|k| k.as_str().to_string())),
            ("q", (!q.is_empty()).then(|| q.to_string())),
            ("page", page_param(page)),
        ])
    )
}

#[component]
pub fn PersonsPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Persons
            render=|school, access| school.map(|school| view! { <People school=school access=access /> })
        />
    }
}

#[component]
fn People(school: SchoolOption, access: Access) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let query = use_query_map();
    let school_id = school.id;
    let kind =
        Memo::new(move |_| query.with(|q| q.get("kind").and_then(|k| PersonKind::parse(&k))));
    let q = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let page = Memo::new(move |_| query.with(|q| page_from_query(q.get("page").as_deref())));
    let typed = RwSignal::new(q.get_untracked());
    let go = StoredValue::new(move |kind: Option<PersonKind>, q: String, page: u64| {
        navigate(
            &persons_href(school_id, kind, &q, page),
            NavigateOptions::default(),
        );
    });
    let persons = Res::new(move || {
        let (kind, q, page) = (kind.get(), q.get(), page.get());
        let q = (!q.trim().is_empty()).then_some(q);
        api::persons(
            auth,
            school_id,
            kind,
            q,
            PERSONS_PER_PAGE,
            offset_of(page, PERSONS_PER_PAGE),
        )
    });
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        go.with_value(|go| go(kind.get_untracked(), typed.get_untracked(), 1));
    };
    let table = move |list: api::ListPage<Person>| {
        let paging = Paging {
            page: page.get_untracked(),
            per_page: PERSONS_PER_PAGE,
            total: list.total,
        };
        let total = list.total;
        let body = if list.items.is_empty() {
            view! { <p class="muted" data-testid="no-persons">{tr!(persons.none)}</p> }.into_any()
        } else {
            let items = std::sync::Arc::new(list.items);
            let build =
                build_table(move |l| Table {
                    testid: "persons-table",
                    head: vec![
                        td_string!(l, classes.name).into(),
                        td_string!(l, persons.kind).into(),
                        td_string!(l, persons.external_id).into(),
                        td_string!(l, classes.account).into(),
                    ],
                    rows: items.with_value(|items| {
                        items
                            .iter()
                            .map(|p| {
                                let account = p.account_id.is_some();
                                Row::new("person-row")
                                    .attr("data-person-id", p.id.to_string())
                                    .attr("data-kind", p.kind.as_str())
                                    .cell(Cell::new(td_string!(l, classes.name)).part(Part::Link {
                                        href: person_href(school_id, p.id),
                                        testid: "person-link",
                                        text: p.full_name(),
                                    }))
                                    .cell(
                                        Cell::new(td_string!(l, persons.kind))
                                            .text(person_kind_text(l, p.kind)),
                                    )
                                    .cell(Cell::new(td_string!(l, persons.external_id)).part(
                                        Part::Mono(p.external_id.clone().unwrap_or_default()),
                                    ))
                                    .cell(
                                        Cell::new(td_string!(l, classes.account))
                                            .attr("data-has-account", account.to_string())
                                            .text(if account {
                                                td_string!(l, classes.has_account)
                                            } else {
                                                td_string!(l, classes.no_account)
                                            }),
                                    )
                            })
                            .collect()
                    }),
                });
            view! { <DataTable table=build /> }.into_any()
        };
        view! {
            <p class="count" data-testid="persons-count" data-count=total>
                {counted(Counted::Persons, total)}
            </p>
            {body}
            <Pager paging=paging on_page=move |p| go.with_value(|go| go(kind.get_untracked(), q.get_untracked(), p)) />
        }
    };
    view! {
        <section class="page" data-testid="persons-page" data-access=if access == Access::Manage { "manage" } else { "read" }>
            <h1>{tr!(persons.title)}</h1>
            <PageSchool school=Some(school) />
            <form class="toolbar" on:submit=on_search role="search">
                <label class="inline-field" for="persons-kind">
                    <span>{tr!(persons.kind)}</span>
                    <select
                        id="persons-kind"
                        data-testid="persons-kind"
                        on:change=move |ev| {
                            let k = PersonKind::parse(&event_target_value(&ev));
                            go.with_value(|go| go(k, q.get_untracked(), 1));
                        }
                    >
                        {dynv(move || ({
                            let locale = i18n.get_locale();
                            let current = kind.get();
                            std::iter::once(None).chain(KINDS.into_iter().map(Some)).map(|k| view! {
                                <option value=k.map(|k| k.as_str()).unwrap_or_default() selected=current == k>
                                    {person_filter_text(locale, k)}
                                </option>
                            }).collect_view()
                        }).into_any())}
                    </select>
                </label>
                <label class="inline-field inline-field-grow" for="persons-search">
                    <span>{tr!(accounts.search)}</span>
                    <input id="persons-search" data-testid="persons-search" type="search" placeholder=lbl(|l| td_string!(l, persons.search_placeholder)) bind:value=typed />
                </label>
                <button type="submit" class="button" data-testid="persons-search-submit">{tr!(persons.find)}</button>
            </form>
            {loaded(persons, "persons-load-error", table)}
        </section>
    }
}

#[component]
pub fn PersonPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Persons
            render=|school, access| school.map(|school| view! { <Card school=school access=access /> })
        />
    }
}

#[component]
fn Card(school: SchoolOption, access: Access) -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let school_id = school.id;
    let manage = access == Access::Manage;
    let id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| Uuid::parse_str(&v).ok())));
    let person = Res::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::person(auth, school_id, id).await,
                None => Err(ApiError::from_code(ErrorCode::NotFound, 404)),
            }
        }
    });
    view! {
        <section class="page" data-testid="person-page" data-access=if manage { "manage" } else { "read" }>
            {loaded(person, "person-load-error", move |p| view! {
                <PersonCard school=school.clone() person=p manage=manage on_saved=move || person.refetch() />
            })}
        </section>
    }
}

#[component]
fn PersonCard(
    school: SchoolOption,
    person: Person,
    manage: bool,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let school_id = school.id;
    let school_for_invite = school.clone();
    let editing = RwSignal::new(false);
    let p = StoredValue::new(person.clone());
    let kind = person.kind;
    let facts = move || {
        let none = || "—".to_string();
        let Person {
            external_id,
            birth_date,
            sex,
            email,
            phone,
            position,
            account_id,
            ..
        } = p.get_value();
        view! {
            <dl class="facts" data-testid="person-facts">
                <dt>{tr!(persons.external_id)}</dt>
                <dd class="mono" data-testid="person-external-id">{external_id.unwrap_or_else(none)}</dd>
                <dt>{tr!(persons.birth_date)}</dt>
                <dd data-testid="person-birth-date">{ltext(move |l| birth_date.map(|d| format_day(d, l)).unwrap_or_else(none))}</dd>
                <dt>{tr!(persons.sex)}</dt>
                <dd data-testid="person-sex">{ltext(move |l| sex.map(|s| sex_text(l, s)).unwrap_or("—").to_string())}</dd>
                <dt>{tr!(email)}</dt>
                <dd data-testid="person-email">{email.unwrap_or_else(none)}</dd>
                <dt>{tr!(persons.phone)}</dt>
                <dd data-testid="person-phone">{phone.unwrap_or_else(none)}</dd>
                {(kind == PersonKind::Staff).then(|| view! {
                    <dt>{tr!(persons.position)}</dt>
                    <dd data-testid="person-position">{ltext(move |l| position.map(|s| position_text(l, s)).unwrap_or("—").to_string())}</dd>
                })}
                <dt>{tr!(classes.account)}</dt>
                <dd data-testid="person-account" data-has-account=account_id.is_some().to_string()>
                    {ltext(move |l| if account_id.is_some() { td_string!(l, classes.has_account) } else { td_string!(l, classes.no_account) }.to_string())}
                </dd>
            </dl>
        }
    };
    view! {
        <h1 data-testid="person-name">{person.full_name()}</h1>
        <PageSchool school=Some(school) />
        <p>
            <span class="badge badge-info" data-testid="person-kind" data-kind=kind.as_str()>{ltext(move |l| person_kind_text(l, kind).to_string())}</span>
            " "
            <a href=format!("/persons?school={school_id}") data-testid="back-to-persons">{tr!(persons.back)}</a>
        </p>
        {(!manage).then(|| view! { <ReadOnlyNote /> })}
        {dynv(move || (if editing.get() {
            view! {
                <PersonEditor
                    school_id=school_id
                    person=p.get_value()
                    on_done=move |saved| {
                        editing.set(false);
                        if saved {
                            on_saved();
                        }
                    }
                />
            }
            .into_any()
        } else {
            view! {
                <div class="card">
                    {facts()}
                    {manage.then(|| view! {
                        <button type="button" class="button" data-testid="person-edit" on:click=move |_| editing.set(true)>{tr!(edit)}</button>
                    })}
                </div>
            }
            .into_any()
        }).into_any())}
        {(manage && person.account_id.is_none()).then(|| view! { <PersonInvite school=school_for_invite.clone() person=person.clone() /> })}
        {(kind != PersonKind::Staff).then(|| view! { <Guardians school_id=school_id person_id=person.id kind=kind manage=manage /> })}
        {(kind == PersonKind::Student).then(|| view! { <History school_id=school_id person_id=person.id manage=manage /> })}
    }
}

/// The role of an invite issued from a person's card: a student's, a parent's, or a staff
/// member's position (teacher when none is recorded).
pub fn invite_role(kind: PersonKind, position: Option<StaffPosition>) -> Role {
    match kind {
        PersonKind::Student => Role::Student,
        PersonKind::Parent => Role::Parent,
        PersonKind::Staff => match position {
            Some(StaffPosition::Admin) => Role::Admin,
            Some(StaffPosition::Principal) => Role::Principal,
            Some(StaffPosition::Teacher) | None => Role::Teacher,
        },
    }
}

/// The admin's invite for a person without an account (an imported teacher, say):
/// `POST /schools/{id}/invites` with the person's id, then the printable slip.
#[component]
fn PersonInvite(school: SchoolOption, person: Person) -> impl IntoView {
    let auth = use_auth();
    let school_id = school.id;
    let school_name = StoredValue::new(school.name);
    let person_id = person.id;
    let role = invite_role(person.kind, person.position);
    let slip = RwSignal::new(None::<Slip>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let issue = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let body = CreateInviteRequest {
                person_id: Some(person_id),
                person: None,
                role,
                expires_in_days: None,
            };
            let result = api::create_invite(auth, school_id, &body).await;
            busy.set(false);
            match result {
                Ok(created) => slip.set(Some(Slip::new(school_name.get_value(), &created))),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    // The slip replaces the block as a direct child of the page, so that printing puts only the
    // slip on paper (style.css: `.page > :not(.slip-wrap)` is hidden).
    view! {
        {dynv(move || (match slip.get() {
            Some(s) => view! { <SlipCard slip=s on_done=move || slip.set(None) /> }.into_any(),
            None => view! {
                <div class="card" data-testid="person-invite">
                    <p class="hint">
                        {tr!(persons.invite_hint)}
                        " "
                        <strong data-testid="person-invite-role" data-role=role.as_str()>
                            {ltext(move |l| role_text(l, role).to_string())}
                        </strong>
                    </p>
                    <ErrorAlert error=error testid="person-invite-error" />
                    <button
                        type="button"
                        class="button"
                        data-testid="person-invite-issue"
                        disabled=move || busy.get()
                        on:click=issue
                    >
                        {tr!(persons.invite)}
                    </button>
                </div>
            }
            .into_any(),
        }).into_any())}
    }
}

#[component]
fn PersonEditor(
    school_id: Uuid,
    person: Person,
    on_done: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let f = PersonForm::of(&person);
    let kind = person.kind;
    let id = person.id;
    let last = RwSignal::new(f.last_name);
    let first = RwSignal::new(f.first_name);
    let middle = RwSignal::new(f.middle_name);
    let external = RwSignal::new(f.external_id);
    let birth = RwSignal::new(f.birth_date);
    let sex = RwSignal::new(f.sex);
    let email = RwSignal::new(f.email);
    let phone = RwSignal::new(f.phone);
    let position = RwSignal::new(f.position);
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let form = PersonForm {
            last_name: last.get_untracked(),
            first_name: first.get_untracked(),
            middle_name: middle.get_untracked(),
            external_id: external.get_untracked(),
            birth_date: birth.get_untracked(),
            sex: sex.get_untracked(),
            email: email.get_untracked(),
            phone: phone.get_untracked(),
            position: position.get_untracked(),
        };
        let request = match check_person_form(kind, &form) {
            Ok(r) => {
                fields.set(Vec::new());
                r
            }
            Err(p) => return fields.set(p),
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::save_person(auth, school_id, id, &request).await;
            busy.set(false);
            match result {
                Ok(_) => on_done(true),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="person-form">
            <TextInput id="person-last-name" label=|l| td_string!(l, person.last_name) value=last errors=fields field=Field::LastName />
            <TextInput id="person-first-name" label=|l| td_string!(l, person.first_name) value=first errors=fields field=Field::FirstName />
            <TextInput id="person-middle-name" label=|l| td_string!(l, person.middle_name) value=middle errors=fields field=Field::MiddleName />
            <TextInput id="person-external-id-input" label=|l| td_string!(l, persons.external_id) value=external errors=fields field=Field::ExternalId hint=|l| td_string!(l, persons.external_id_hint) />
            <div class="field-row">
                <TextInput id="person-birth-date-input" label=|l| td_string!(l, persons.birth_date) value=birth errors=fields field=Field::BirthDate kind="date" />
                <SelectInput id="person-sex-input" label=|l| td_string!(l, persons.sex) value=sex errors=fields field=Field::Sex>
                    {dynv(move || ({
                        let locale = i18n.get_locale();
                        let current = sex.get_untracked();
                        [None, Some(Sex::M), Some(Sex::F)].into_iter().map(|s| {
                            let value = s.map(|s| s.as_str()).unwrap_or_default();
                            view! { <option value=value selected=current == value>{s.map(|s| sex_text(locale, s)).unwrap_or("—")}</option> }
                        }).collect_view()
                    }).into_any())}
                </SelectInput>
            </div>
            <TextInput id="person-email-input" label=|l| td_string!(l, email) value=email errors=fields field=Field::Email kind="email" />
            <TextInput id="person-phone-input" label=|l| td_string!(l, persons.phone) value=phone errors=fields field=Field::Phone kind="tel" />
            {(kind == PersonKind::Staff).then(|| view! {
                <SelectInput id="person-position-input" label=|l| td_string!(l, persons.position) value=position errors=fields field=Field::Position>
                    {dynv(move || ({
                        let locale = i18n.get_locale();
                        let current = position.get_untracked();
                        [None, Some(StaffPosition::Admin), Some(StaffPosition::Principal), Some(StaffPosition::Teacher)].into_iter().map(|s| {
                            let value = s.map(|s| s.as_str()).unwrap_or_default();
                            view! { <option value=value selected=current == value>{s.map(|s| position_text(locale, s)).unwrap_or("—")}</option> }
                        }).collect_view()
                    }).into_any())}
                </SelectInput>
            })}
            <ProblemAlert error=error testid="person-error" />
            <FormButtons testid="person-save" label=|l| td_string!(l, save) busy=busy on_cancel=Callback::new(move |_| on_done(false)) />
        </form>
    }
}

/// A student's parents or a parent's children; the admin links a parent to a student and unlinks.
#[component]
fn Guardians(school_id: Uuid, person_id: Uuid, kind: PersonKind, manage: bool) -> impl IntoView {
    let auth = use_auth();
    let student = kind == PersonKind::Student;
    let links = Res::new(move || api::guardians(auth, school_id, person_id));
    let error = RwSignal::new(None::<ApiError>);
    let unlink = move |l: GuardianLink| {
        error.set(None);
        spawn_local(async move {
            if let Err(err) = api::unlink_guardian(auth, school_id, l.student_id, l.parent_id).await
            {
                error.set(Some(err));
            }
            links.refetch();
        });
    };
    let list = move |list: Vec<GuardianLink>| {
        if list.is_empty() {
            return view! { <p class="muted" data-testid="no-guardians">{tr!(persons.no_links)}</p> }.into_any();
        }
        view! {
            <ul class="list" data-testid="guardians-list">
                {list.into_iter().map(|l| {
                    // The other side of the link.
                    let (other, name) = if student { (l.parent_id, l.parent_name.clone()) } else { (l.student_id, l.student_name.clone()) };
                    let link = StoredValue::new(l.clone());
                    view! {
                        <li class="list-row row-inline" data-testid="guardian-row" data-person-id=other.to_string()>
                            <span>
                                <a href=person_href(school_id, other) data-testid="guardian-link">{name}</a>
                                {l.relation.map(|r| view! { " " <span class="muted" data-testid="guardian-relation">"(" {r} ")"</span> })}
                            </span>
                            {manage.then(|| view! {
                                <button type="button" class="button button-quiet" data-testid="guardian-unlink" on:click=move |_| unlink(link.get_value())>
                                    {tr!(persons.unlink)}
                                </button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <h2>{if student { tr!(persons.parents).into_any() } else { tr!(persons.children).into_any() }}</h2>
        <ProblemAlert error=error testid="guardian-error" />
        {loaded(links, "guardians-load-error", list)}
        {(manage && student).then(|| view! { <LinkParent school_id=school_id student_id=person_id on_linked=move || links.refetch() /> })}
    }
}

/// Finds a parent record and links it to the student.
#[component]
fn LinkParent(
    school_id: Uuid,
    student_id: Uuid,
    on_linked: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let open = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<(Uuid, String)>);
    let relation = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let found = Res::new(move || {
        let q = search.get();
        async move {
            let q = q.trim().to_string();
            if q.chars().count() < 2 {
                return Ok(Vec::new());
            }
            api::persons(
                auth,
                school_id,
                Some(PersonKind::Parent),
                Some(q),
                PICK_LIMIT,
                0,
            )
            .await
            .map(|page| page.items)
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let request = match check_link(
            chosen.get_untracked().map(|c| c.0),
            &relation.get_untracked(),
        ) {
            Ok(r) => {
                fields.set(Vec::new());
                r
            }
            Err(p) => return fields.set(p),
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::link_guardian(auth, school_id, student_id, &request).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    open.set(false);
                    chosen.set(None);
                    search.set(String::new());
                    relation.set(String::new());
                    on_linked();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let results = move || {
        match found.get() {
        Some(Ok(list)) if !list.is_empty() => view! {
            <ul class="pick-list" data-testid="parent-results">
                {list.into_iter().map(|p| {
                    let id = p.id;
                    let name = p.full_name();
                    let label = name.clone();
                    view! {
                        <li>
                            <button
                                type="button"
                                class="pick"
                                data-testid="parent-pick"
                                data-person-id=id.to_string()
                                aria-pressed=move || (chosen.with(|c| c.as_ref().map(|c| c.0)) == Some(id)).to_string()
                                on:click=move |_| chosen.set(Some((id, label.clone())))
                            >
                                {name}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any(),
        Some(Ok(_)) if search.with(|q| q.trim().chars().count() >= 2) => {
            view! { <p class="muted" data-testid="parent-none">{tr!(classes.none_found)}</p> }.into_any()
        }
        _ => ().into_any(),
    }
    };
    view! {
        {dynv(move || (if open.get() {
            view! {
                <form class="form" on:submit=on_submit novalidate=true data-testid="link-form">
                    <h3 class="form-title">{tr!(persons.link_title)}</h3>
                    <div class="field">
                        <label for="parent-search">{tr!(persons.find_parent)}</label>
                        <input id="parent-search" data-testid="parent-search" type="search" autocomplete="off" bind:value=search />
                    </div>
                    {results}
                    <p class="chosen" data-testid="parent-chosen">
                        {tr!(classes.chosen)} ": " <strong>{ltext(move |_| chosen.get().map(|c| c.1).unwrap_or_else(|| "—".into()))}</strong>
                    </p>
                    <FieldMessage errors=fields field=Field::Person input_id="parent-search" />
                    <TextInput id="link-relation" label=|l| td_string!(l, persons.relation) value=relation errors=fields field=Field::Relation hint=|l| td_string!(l, persons.relation_hint) />
                    <ProblemAlert error=error testid="link-error" />
                    <FormButtons testid="link-submit" label=|l| td_string!(l, persons.link) busy=busy on_cancel=Callback::new(move |_| open.set(false)) />
                </form>
            }
            .into_any()
        } else {
            view! {
                <button type="button" class="button" data-testid="link-open" on:click=move |_| open.set(true)>{tr!(persons.link_title)}</button>
            }
            .into_any()
        }).into_any())}
    }
}

/// A student's enrollments, oldest first, with the admin's date correction.
#[component]
fn History(school_id: Uuid, person_id: Uuid, manage: bool) -> impl IntoView {
    let auth = use_auth();
    let history = Res::new(move || api::enrollments(auth, school_id, person_id));
    let editing = RwSignal::new(None::<Enrollment>);
    let table = move |list: Vec<Enrollment>| {
        if list.is_empty() {
            return view! { <p class="muted" data-testid="no-enrollments">{tr!(persons.no_enrollments)}</p> }.into_any();
        }
        let list = std::sync::Arc::new(list);
        let picked = list.clone();
        let build = build_table(move |l| {
            let mut head: Vec<String> = vec![
                td_string!(l, classes.class).into(),
                td_string!(l, persons.from).into(),
                td_string!(l, persons.to).into(),
            ];
            if manage {
                head.push(String::new());
            }
            let rows = list.with_value(|list| {
                list.iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let mut to = Cell::new(td_string!(l, persons.to)).text(
                            e.ends_on
                                .map(|d| format_day(d, l))
                                .unwrap_or_else(|| td_string!(l, persons.now).to_string()),
                        );
                        if let Some(r) = e.end_reason {
                            to = to.muted(format!(" · {}", end_reason_text(l, r)));
                        }
                        if let Some(note) = &e.end_note {
                            to = to.part(Part::Break).muted(note.clone());
                        }
                        let mut row = Row::new("enrollment-row")
                            .attr("data-enrollment-id", e.id.to_string())
                            .attr("data-open", e.ends_on.is_none().to_string())
                            .cell(Cell::new(td_string!(l, classes.class)).part(Part::Link {
                                href: class_href(school_id, e.class_id),
                                testid: "enrollment-class",
                                text: e.class_name.clone(),
                            }))
                            .cell(
                                Cell::new(td_string!(l, persons.from))
                                    .text(format_day(e.starts_on, l))
                                    .muted(format!(" · {}", start_reason_text(l, e.start_reason))),
                            )
                            .cell(to);
                        if manage {
                            row = row.cell(Cell::new("").part(Part::Button {
                                action: "correct",
                                index: i,
                                testid: "enrollment-correct",
                                text: td_string!(l, persons.correct).into(),
                                danger: false,
                            }));
                        }
                        row
                    })
                    .collect()
            });
            Table {
                testid: "enrollments-table",
                head,
                rows,
            }
        });
        let on_action = Callback::new(move |(_, i): (String, usize)| {
            editing.set(picked.with_value(|list| list.get(i).cloned()));
        });
        view! {
            <DataTable table=build on_action=on_action />
            {dynv(move || match editing.get() {
                Some(e) => view! {
                    <Correction
                        school_id=school_id
                        enrollment=e
                        on_done=move |saved| {
                            editing.set(None);
                            if saved {
                                history.refetch();
                            }
                        }
                    />
                }
                .into_any(),
                None => ().into_any(),
            })}
        }
        .into_any()
    };
    view! {
        <h2>{tr!(persons.history)}</h2>
        <p class="hint">{tr!(persons.history_hint)}</p>
        {loaded(history, "enrollments-load-error", table)}
    }
}

#[component]
fn Correction(
    school_id: Uuid,
    enrollment: Enrollment,
    on_done: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let ended = enrollment.ends_on.is_some();
    let starts = RwSignal::new(enrollment.starts_on.to_string());
    let ends = RwSignal::new(
        enrollment
            .ends_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let e = StoredValue::new(enrollment);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let request = match e
            .with_value(|e| check_correction(e, &starts.get_untracked(), &ends.get_untracked()))
        {
            Ok(Some(r)) => r,
            Ok(None) => return on_done(false),
            Err(p) => return fields.set(p),
        };
        fields.set(Vec::new());
        let id = e.with_value(|e| e.id);
        busy.set(true);
        spawn_local(async move {
            let result = api::correct_enrollment(auth, school_id, id, &request).await;
            busy.set(false);
            match result {
                Ok(_) => on_done(true),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <form class="editor" on:submit=on_submit novalidate=true data-testid="correction-form">
            <div class="field-row">
                <TextInput id="correction-starts" label=|l| td_string!(l, persons.from) value=starts errors=fields field=Field::StartsOn kind="date" />
                {ended.then(|| view! {
                    <TextInput id="correction-ends" label=|l| td_string!(l, persons.last_day) value=ends errors=fields field=Field::EndsOn kind="date" />
                })}
            </div>
            <p class="hint">{tr!(persons.correct_hint)}</p>
            <ProblemAlert error=error testid="correction-error" />
            <FormButtons testid="correction-save" label=|l| td_string!(l, save) busy=busy on_cancel=Callback::new(move |_| on_done(false)) />
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invite_from_the_card_gives_the_persons_own_role() {
        assert_eq!(invite_role(PersonKind::Student, None), Role::Student);
        assert_eq!(invite_role(PersonKind::Parent, None), Role::Parent);
        assert_eq!(
            invite_role(PersonKind::Staff, Some(StaffPosition::Teacher)),
            Role::Teacher
        );
        assert_eq!(
            invite_role(PersonKind::Staff, Some(StaffPosition::Principal)),
            Role::Principal
        );
        assert_eq!(
            invite_role(PersonKind::Staff, Some(StaffPosition::Admin)),
            Role::Admin
        );
        assert_eq!(invite_role(PersonKind::Staff, None), Role::Teacher);
    }
}
