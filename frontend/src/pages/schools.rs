//! `/schools` (superadmin): every school of the deployment, and a new school with its first
//! administrator, whose invite code is shown once as a printable slip.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use otmetka_domain::school::{School, SchoolCreated};

use crate::access::{Area, NavItem};
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::forms::{AdminForm, Field, FieldErrors, admin_field_problems, check_school_form};
use crate::i18n::*;
use crate::load::Res;
use crate::pages::{
    ErrorAlert, FieldMessage, Gate, LoadError, PersonInputs, PersonSignals, SlipCard, invalid_attr,
};
use crate::pages::{counted, dynv, ltext};
use crate::school_ctx::use_school_ctx;
use crate::slip::Slip;
use crate::text::{Counted, SCHOOL_TIME_ZONES, time_zone_text};

/// The time zone a new school gets unless another is chosen (the API's default too).
const DEFAULT_TIME_ZONE: &str = "Europe/Moscow";

#[component]
pub fn SchoolsPage() -> impl IntoView {
    view! { <Gate area=Area::Schools render=|_, _| view! { <Schools /> } /> }
}

#[component]
fn Schools() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let ctx = use_school_ctx();
    let schools = Res::new(move || api::schools(auth));
    let created = RwSignal::new(None::<SchoolCreated>);

    let list_view = move |mut list: Vec<School>| {
        list.sort_by(|a, b| a.name.cmp(&b.name));
        let count = list.len() as u64;
        if list.is_empty() {
            return view! { <p class="muted" data-testid="no-schools">{tr!(schools.none)}</p> }
                .into_any();
        }
        let rows = list
            .into_iter()
            .map(|s| view! { <SchoolRow school=s /> })
            .collect_view();
        view! {
            <p class="count" data-testid="schools-count" data-count=count>
                {counted(Counted::Schools, count)}
            </p>
            <ul class="list" data-testid="schools-list">{rows}</ul>
        }
        .into_any()
    };

    view! {
        <section class="page" data-testid="schools-page">
            <h1>{tr!(schools.title)}</h1>
            <p class="muted">{tr!(schools.intro)}</p>
            {dynv(move || (match created.get() {
                Some(done) => {
                    let slip = Slip::new(done.school.name.clone(), &done.admin_invite);
                    view! {
                        <p class="success" role="status" data-testid="school-created" data-school-id=done.school.id.to_string()>
                            {move || td_string!(i18n.get_locale(), schools.created, name = done.school.name.clone())}
                        </p>
                        <SlipCard slip=slip on_done=move || created.set(None) />
                    }
                    .into_any()
                }
                None => view! {
                    <NewSchoolForm on_created=move |done| {
                        created.set(Some(done));
                        schools.refetch();
                        // The switcher offers the new school at once.
                        ctx.reload(auth);
                    } />
                }
                .into_any(),
            }).into_any())}
            <h2>{tr!(schools.list_title)}</h2>
            {dynv(move || (match schools.get() {
                None => view! { <p class="loading">{tr!(loading)}</p> }.into_any(),
                Some(Ok(list)) => list_view(list),
                Some(Err(err)) => view! {
                    <LoadError
                        error=err
                        testid="schools-load-error"
                        retry_testid="schools-retry"
                        on_retry=move || schools.refetch()
                    />
                }
                .into_any(),
            }).into_any())}
        </section>
    }
}

#[component]
fn SchoolRow(school: School) -> impl IntoView {
    let i18n = use_i18n();
    let created = school.created_at.with_timezone(&chrono::Local);
    let zone = school.time_zone.clone();
    let zone_label = move || {
        time_zone_text(i18n.get_locale(), &zone)
            .map(str::to_string)
            .unwrap_or_else(|| zone.clone())
    };
    let id = school.id;
    view! {
        <li class="list-row" data-testid="school-row" data-school-id=id.to_string()>
            <strong class="school-name">{school.name}</strong>
            <dl class="facts">
                <dt>{tr!(schools.time_zone)}</dt>
                <dd data-testid="school-time-zone" data-time-zone=school.time_zone.clone()>{zone_label}</dd>
                <dt>{tr!(schools.created_at)}</dt>
                <dd>{dynv(move || (crate::format::format_date(&created, i18n.get_locale())).into_any())}</dd>
            </dl>
            <div class="actions">
                <a class="button button-quiet" data-testid="school-invites" href=NavItem::Invites.href(Some(id))>
                    {tr!(nav.invites)}
                </a>
                <a class="button button-quiet" data-testid="school-accounts" href=NavItem::Accounts.href(Some(id))>
                    {tr!(nav.accounts)}
                </a>
            </div>
        </li>
    }
}

/// Name, time zone and the first admin's name → `POST /schools`.
#[component]
fn NewSchoolForm(
    on_created: impl Fn(SchoolCreated) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let name = RwSignal::new(String::new());
    let time_zone = RwSignal::new(DEFAULT_TIME_ZONE.to_string());
    let person = PersonSignals::new();
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let request = match check_school_form(
            &name.get_untracked(),
            &time_zone.get_untracked(),
            &person.read(),
        ) {
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
            let result = api::create_school(auth, &request).await;
            busy.set(false);
            match result {
                Ok(done) => {
                    name.set(String::new());
                    person.clear();
                    on_created(done);
                }
                Err(err) => match admin_field_problems(AdminForm::School, &err) {
                    Some(problems) => fields.set(problems),
                    None => error.set(Some(err)),
                },
            }
        });
    };

    let zone_options = move || {
        let locale = i18n.get_locale();
        SCHOOL_TIME_ZONES
            .into_iter()
            .map(|zone| {
                view! {
                    <option value=zone selected=move || time_zone.get() == zone>
                        {time_zone_text(locale, zone).unwrap_or(zone)}
                    </option>
                }
            })
            .collect_view()
    };

    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="school-form">
            <h2 class="form-title">{tr!(schools.create_title)}</h2>
            <div class="field">
                <label for="school-name">{tr!(schools.name)}</label>
                <input
                    id="school-name"
                    data-testid="school-name"
                    type="text"
                    autocomplete="organization"
                    aria-invalid=invalid_attr(fields, Field::SchoolName)
                    aria-describedby="school-name-hint school-name-error"
                    bind:value=name
                />
                <p class="hint" id="school-name-hint">{tr!(schools.name_hint)}</p>
                <FieldMessage errors=fields field=Field::SchoolName input_id="school-name" />
            </div>
            <div class="field">
                <label for="school-tz">{tr!(schools.time_zone)}</label>
                <select
                    id="school-tz"
                    data-testid="school-tz"
                    aria-invalid=invalid_attr(fields, Field::TimeZone)
                    aria-describedby="school-tz-error"
                    on:change=move |ev| time_zone.set(event_target_value(&ev))
                >
                    {zone_options}
                </select>
                <FieldMessage errors=fields field=Field::TimeZone input_id="school-tz" />
            </div>
            <fieldset class="fieldset">
                <legend>{tr!(schools.first_admin)}</legend>
                <p class="hint">{tr!(schools.first_admin_hint)}</p>
                <PersonInputs
                    person=person
                    errors=fields
                    ids=["admin-last-name", "admin-first-name", "admin-middle-name"]
                />
            </fieldset>
            <ErrorAlert error=error testid="school-create-error" />
            <button
                type="submit"
                class="button button-primary"
                data-testid="school-create"
                disabled=move || busy.get()
            >
                {ltext(move |l| if busy.get() { td_string!(l, schools.creating) } else { td_string!(l, schools.create) }.to_string())}
            </button>
        </form>
    }
}
