//! `/timetable/calendar?school=&year=`: the school calendar of an academic year — holidays
//! (праздники) and vacations (каникулы), listed and edited by the admin, with the year's periods
//! and a month-by-month calendar that shows which days are school days. A change regenerates the
//! lessons of the days it touches (lessons with journal data stay and are flagged for review).

use std::sync::Arc;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use otmetka_domain::structure::{AcademicYear, Period, PeriodKind};
use otmetka_domain::timetable::{Holiday, HolidayKind};
use uuid::Uuid;

use crate::access::{Access, Area, SchoolOption};
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::forms::{Field, FieldErrors};
use crate::i18n::*;
use crate::load::{Res, Shared};
use crate::pages::{
    DataTable, FormButtons, Gate, PageSchool, ProblemAlert, ReadOnlyNote, SelectInput, TextInput,
    build_table, dynv, loaded, ltext,
};
use crate::roster::{format_day, format_range, pick_year};
use crate::table::{Cell, Part, Row, Table};
use crate::text::{Counted, count_text, period_kind_text};
use crate::tt_admin::{
    DayKind, check_holiday_form, day_kind_text, days_in, holiday_kind_text, months_html,
    school_days,
};
use crate::tt_admin_api as tt;

use super::{HtmlActions, Tab, TtTabs, today};

#[component]
pub fn CalendarPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Timetable
            render=|school, access| school.map(|school| view! { <Calendar school=school access=access /> })
        />
    }
}

#[component]
fn Calendar(school: SchoolOption, access: Access) -> impl IntoView {
    let auth = use_auth();
    let school_id = school.id;
    let manage = access == Access::Manage;
    let years = Res::new(move || api::years(auth, school_id));
    let settings = Res::new(move || api::settings(auth, school_id));
    let final_kind = Memo::new(move |_| match settings.get() {
        Some(Ok(s)) => s.final_period_kind,
        _ => PeriodKind::Quarter,
    });
    view! {
        <section class="page" data-testid="tt-calendar-page" data-access=if manage { "manage" } else { "read" }>
            <TtTabs current=Tab::Calendar school_id=school_id />
            <h1>{tr!(tt_admin.calendar_title)}</h1>
            <PageSchool school=Some(school) />
            {(!manage).then(|| view! { <ReadOnlyNote /> })}
            {loaded(years, "tt-calendar-load-error", move |list| view! {
                <YearCalendar school_id=school_id years=list manage=manage final_kind=final_kind />
            })}
        </section>
    }
}

/// What the editor is doing.
#[derive(Debug, Clone, PartialEq)]
enum Editing {
    Closed,
    New,
    Edit(Holiday),
}

#[component]
fn YearCalendar(
    school_id: Uuid,
    years: Vec<AcademicYear>,
    manage: bool,
    final_kind: Memo<PeriodKind>,
) -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let from_url =
        Memo::new(move |_| query.with(|q| q.get("year").and_then(|v| Uuid::parse_str(&v).ok())));
    let years = Arc::new(years);
    let all = years.clone();
    let year = Memo::new(move |_| years.with_value(|ys| pick_year(ys, from_url.get()).cloned()));
    let on_year = move |ev: leptos::ev::Event| {
        navigate(
            &format!(
                "/timetable/calendar?school={school_id}&year={}",
                event_target_value(&ev)
            ),
            NavigateOptions::default(),
        );
    };
    let picker = (all.len() > 1).then(|| {
        let options = move || {
            let chosen = year.get().map(|y| y.id);
            all.iter()
                .map(|y| {
                    view! { <option value=y.id.to_string() selected=Some(y.id) == chosen>{y.name.clone()}</option> }
                })
                .collect_view()
        };
        view! {
            <div class="toolbar">
                <label class="inline-field" for="tt-calendar-year">
                    <span>{tr!(tt_admin.year)}</span>
                    <select id="tt-calendar-year" data-testid="tt-calendar-year" on:change=on_year>{dynv(move || options().into_any())}</select>
                </label>
            </div>
        }
    });
    view! {
        {picker}
        {dynv(move || match year.get() {
            None => view! { <p class="muted" data-testid="tt-no-year">{tr!(tt_admin.no_year)}</p> }.into_any(),
            Some(y) => view! { <YearBody school_id=school_id year=y manage=manage final_kind=final_kind /> }.into_any(),
        })}
    }
}

#[component]
fn YearBody(
    school_id: Uuid,
    year: AcademicYear,
    manage: bool,
    final_kind: Memo<PeriodKind>,
) -> impl IntoView {
    let auth = use_auth();
    let year_id = year.id;
    let periods = Res::new(move || api::periods(auth, school_id, year_id));
    let holidays = Res::new(move || tt::holidays(auth, school_id, year_id));
    let editing = RwSignal::new(Editing::Closed);
    let deleting = RwSignal::new(None::<Holiday>);
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let (from, to) = (year.starts_on, year.ends_on);
    let delete = move |id: Uuid| {
        error.set(None);
        saved.set(false);
        spawn_local(async move {
            match tt::delete_holiday(auth, school_id, id).await {
                Ok(()) => {
                    saved.set(true);
                    holidays.refetch();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };

    let table = move |list: Vec<Holiday>| {
        let count = list.len() as u64;
        if list.is_empty() {
            return view! { <p class="muted" data-testid="tt-no-holidays">{tr!(tt_admin.no_holidays)}</p> }
                .into_any();
        }
        let list = Arc::new(list);
        let picked = list.clone();
        let build = build_table(move |l| {
            let mut head: Vec<String> = vec![
                td_string!(l, tt_admin.name).into(),
                td_string!(l, tt_admin.holiday_kind).into(),
                td_string!(l, tt_admin.dates).into(),
            ];
            if manage {
                head.push(String::new());
            }
            let rows = list.with_value(|list| {
                list.iter()
                    .enumerate()
                    .map(|(i, h)| {
                        let days = days_in(h.starts_on, h.ends_on);
                        let dates = if h.starts_on == h.ends_on {
                            format_day(h.starts_on, l)
                        } else {
                            format_range(h.starts_on, Some(h.ends_on), l)
                        };
                        let badge = match h.kind {
                            HolidayKind::Holiday => "badge badge-danger",
                            HolidayKind::Vacation => "badge badge-info",
                        };
                        let mut row = Row::new("tt-holiday-row")
                            .attr("data-holiday-id", h.id.to_string())
                            .attr("data-kind", h.kind.as_str())
                            .cell(
                                Cell::new(td_string!(l, tt_admin.name))
                                    .testid("tt-holiday-row-name")
                                    .text(h.name.clone()),
                            )
                            .cell(Cell::new(td_string!(l, tt_admin.holiday_kind)).part(
                                Part::Badge {
                                    class: badge,
                                    text: holiday_kind_text(l, h.kind).into(),
                                },
                            ))
                            .cell(
                                Cell::new(td_string!(l, tt_admin.dates))
                                    .testid("tt-holiday-dates")
                                    .text(dates)
                                    .part(Part::Break)
                                    .muted(count_text(l, Counted::Days, days)),
                            );
                        if manage {
                            row = row.cell(
                                Cell::new("")
                                    .part(Part::Button {
                                        action: "edit",
                                        index: i,
                                        testid: "tt-holiday-edit",
                                        text: td_string!(l, edit).into(),
                                        danger: false,
                                    })
                                    .part(Part::Button {
                                        action: "delete",
                                        index: i,
                                        testid: "tt-holiday-delete",
                                        text: td_string!(l, delete).into(),
                                        danger: false,
                                    }),
                            );
                        }
                        row
                    })
                    .collect()
            });
            Table {
                testid: "tt-holidays-table",
                head,
                rows,
            }
        });
        let on_action = Callback::new(move |(action, i): (String, usize)| {
            let Some(h) = picked.with_value(|list| list.get(i).cloned()) else {
                return;
            };
            saved.set(false);
            if action == "edit" {
                deleting.set(None);
                editing.set(Editing::Edit(h));
            } else {
                editing.set(Editing::Closed);
                deleting.set(Some(h));
            }
        });
        view! {
            <p class="count" data-testid="tt-holidays-count" data-count=count>
                {ltext(move |l| td_string!(l, tt_admin.entries_count, count = count))}
            </p>
            <DataTable table=build on_action=on_action />
        }
        .into_any()
    };

    let editor = move || {
        let holiday = match editing.get() {
            Editing::Closed => return None,
            Editing::New => None,
            Editing::Edit(h) => Some(h),
        };
        Some(view! {
            <HolidayForm
                school_id=school_id
                holiday=holiday
                on_done=move |ok| {
                    editing.set(Editing::Closed);
                    if ok {
                        saved.set(true);
                        holidays.refetch();
                    }
                }
            />
        })
    };

    let period_list = move |list: Vec<Period>| {
        let kind = final_kind.get();
        let mut list: Vec<Period> = list.into_iter().filter(|p| p.kind == kind).collect();
        list.sort_by_key(|p| p.starts_on);
        if list.is_empty() {
            return view! { <p class="warning" data-testid="tt-no-periods">{tr!(tt_admin.no_periods)}</p> }
                .into_any();
        }
        let hols = match holidays.get() {
            Some(Ok(h)) => h,
            _ => Vec::new(),
        };
        let all = list.clone();
        view! {
            <ul class="tt-periods" data-testid="tt-periods">
                {list
                    .into_iter()
                    .map(|p| {
                        let n = school_days(p.starts_on, p.ends_on, &all, kind, &hols);
                        view! {
                            <li data-testid="tt-period" data-period-id=p.id.to_string() data-school-days=n>
                                <strong>{ltext(move |l| format!("{} {}", period_kind_text(l, p.kind), p.number))}</strong>
                                ": "
                                {ltext(move |l| format_range(p.starts_on, Some(p.ends_on), l))}
                                " · "
                                <span class="muted">{ltext(move |l| td_string!(l, tt_admin.school_days, count = n))}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };

    let months = move || {
        let kind = final_kind.get();
        let (Some(Ok(ps)), Some(Ok(hs))) = (periods.get(), holidays.get()) else {
            return crate::pages::loading();
        };
        let html = Arc::new(move |l: Locale| months_html(from, to, &ps, kind, &hs, today(), l));
        view! { <HtmlActions html=html class="tt-months-wrap" /> }.into_any()
    };
    let legend = [
        DayKind::School,
        DayKind::Sunday,
        DayKind::Holiday,
        DayKind::Vacation,
        DayKind::OffPeriod,
    ]
    .into_iter()
    .map(|k| {
        view! {
            <li>
                <span class=format!("tt-swatch tt-day-{}", k.as_str()) aria-hidden="true"></span>
                {ltext(move |l| day_kind_text(l, k).to_string())}
            </li>
        }
    })
    .collect_view();

    view! {
        <p class="muted" data-testid="tt-calendar-year-dates">
            {ltext(move |l| format_range(from, Some(to), l))}
        </p>
        <h2>{tr!(tt_admin.holidays_title)}</h2>
        {manage.then(|| view! { <p class="hint">{tr!(tt_admin.holidays_hint)}</p> })}
        {dynv(move || (saved.get().then(|| view! { <p class="success" role="status" data-testid="tt-holiday-saved">{tr!(tt_admin.saved)}</p> })).into_any())}
        {dynv(move || match deleting.get() {
            Some(h) => view! {
                <div class="confirm note" role="group" data-testid="tt-holiday-delete-ask">
                    <p>{ltext(move |l| td_string!(l, tt_admin.holiday_delete_confirm, name = h.name.clone()))}</p>
                    <div class="actions">
                        <button type="button" class="button button-danger" data-testid="tt-holiday-delete-confirm" on:click=move |_| { deleting.set(None); delete(h.id); }>
                            {tr!(delete_yes)}
                        </button>
                        <button type="button" class="button button-quiet" data-testid="tt-holiday-delete-cancel" on:click=move |_| deleting.set(None)>
                            {tr!(cancel)}
                        </button>
                    </div>
                </div>
            }
            .into_any(),
            None => ().into_any(),
        })}
        <ProblemAlert error=error testid="tt-holiday-delete-error" />
        {loaded(holidays, "tt-holidays-load-error", table)}
        {dynv(move || ((manage && editing.with(|e| *e == Editing::Closed)).then(|| view! {
            <button type="button" class="button" data-testid="tt-holiday-new" on:click=move |_| { deleting.set(None); saved.set(false); editing.set(Editing::New) }>
                {tr!(tt_admin.holiday_new)}
            </button>
        })).into_any())}
        {dynv(move || editor().into_any())}
        <h2>{tr!(tt_admin.periods_title)}</h2>
        {loaded(periods, "tt-periods-load-error", period_list)}
        <h2>{tr!(tt_admin.months_title)}</h2>
        <ul class="tt-legend" data-testid="tt-legend">{legend}</ul>
        {dynv(months)}
    }
}

/// A new calendar entry, or an existing one.
#[component]
fn HolidayForm(
    school_id: Uuid,
    holiday: Option<Holiday>,
    on_done: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let id = holiday.as_ref().map(|h| h.id);
    let name = RwSignal::new(holiday.as_ref().map_or(String::new(), |h| h.name.clone()));
    let kind = RwSignal::new(
        holiday
            .as_ref()
            .map_or(HolidayKind::Vacation, |h| h.kind)
            .as_str()
            .to_string(),
    );
    let starts = RwSignal::new(
        holiday
            .as_ref()
            .map_or(String::new(), |h| h.starts_on.to_string()),
    );
    let ends = RwSignal::new(
        holiday
            .as_ref()
            .map_or(String::new(), |h| h.ends_on.to_string()),
    );
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let request = match check_holiday_form(
            &name.get_untracked(),
            HolidayKind::parse(&kind.get_untracked()),
            &starts.get_untracked(),
            &ends.get_untracked(),
        ) {
            Ok(r) => {
                fields.set(Vec::new());
                r
            }
            Err(p) => return fields.set(p),
        };
        busy.set(true);
        spawn_local(async move {
            let result = tt::save_holiday(auth, school_id, id, &request).await;
            busy.set(false);
            match result {
                Ok(_) => on_done(true),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="tt-holiday-form">
            <h3 class="form-title">
                {if id.is_some() { tr!(tt_admin.holiday_edit).into_any() } else { tr!(tt_admin.holiday_new).into_any() }}
            </h3>
            <TextInput id="tt-holiday-name" label=|l| td_string!(l, tt_admin.name) value=name errors=fields field=Field::TtName hint=|l| td_string!(l, tt_admin.holiday_name_hint) />
            <SelectInput id="tt-holiday-kind" label=|l| td_string!(l, tt_admin.holiday_kind) value=kind errors=fields field=Field::TtHolidayKind>
                {dynv(move || ([HolidayKind::Vacation, HolidayKind::Holiday].into_iter().map(|k| {
                    view! { <option value=k.as_str() selected=move || kind.get() == k.as_str()>{ltext(move |l| holiday_kind_text(l, k).to_string())}</option> }
                }).collect_view()).into_any())}
            </SelectInput>
            <div class="field-row">
                <TextInput id="tt-holiday-starts" label=|l| td_string!(l, starts_on) value=starts errors=fields field=Field::StartsOn kind="date" />
                <TextInput id="tt-holiday-ends" label=|l| td_string!(l, ends_on) value=ends errors=fields field=Field::EndsOn kind="date" />
            </div>
            <p class="hint">{tr!(tt_admin.one_day_hint)}</p>
            <ProblemAlert error=error testid="tt-holiday-error" />
            <FormButtons testid="tt-holiday-save" label=|l| td_string!(l, save) busy=busy on_cancel=Callback::new(move |_| on_done(false)) />
        </form>
    }
}
