//! `/years?school=&year=`: academic years and the periods of the chosen one. The admin creates
//! and edits years, and creates, edits and deletes periods; the principal reads. A refused save
//! (409 overlap or name taken, 422 dates) shows the server's explanation.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use otmetka_domain::structure::{AcademicYear, Period, PeriodKind};
use uuid::Uuid;

use crate::access::{Access, Area, SchoolOption};
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::forms::{Field, FieldErrors};
use crate::i18n::*;
use crate::load::{Res, Shared};
use crate::pages::{
    DataTable, FormButtons, Gate, PageSchool, ProblemAlert, ReadOnlyNote, SelectInput, TextInput,
    build_table, counted, dynv, loaded, ltext,
};
use crate::roster::{
    check_period, check_year, format_day, format_range, next_year_draft, pick_year,
};
use crate::table::{Cell, Part, Row, Table};
use crate::text::{Counted, period_kind_text};

#[component]
pub fn YearsPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Years
            render=|school, access| school.map(|school| view! { <Years school=school access=access /> })
        />
    }
}

/// What the year or period editor is doing.
#[derive(Debug, Clone, PartialEq)]
enum Editing<T> {
    Closed,
    New,
    Edit(T),
}

#[component]
fn Years(school: SchoolOption, access: Access) -> impl IntoView {
    let auth = use_auth();
    let school_id = school.id;
    let manage = access == Access::Manage;
    let years = Res::new(move || api::years(auth, school_id));
    view! {
        <section class="page" data-testid="years-page" data-access=if manage { "manage" } else { "read" }>
            <h1>{tr!(years.title)}</h1>
            <PageSchool school=Some(school) />
            {(!manage).then(|| view! { <ReadOnlyNote /> })}
            {loaded(years, "years-load-error", move |list| view! {
                <YearList school_id=school_id list=list manage=manage on_change=move || years.refetch() />
            })}
        </section>
    }
}

#[component]
fn YearList(
    school_id: Uuid,
    list: Vec<AcademicYear>,
    manage: bool,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let navigate = use_navigate();
    let query = use_query_map();
    let from_url =
        Memo::new(move |_| query.with(|q| q.get("year").and_then(|v| Uuid::parse_str(&v).ok())));
    let years = StoredValue::new(list);
    let selected =
        Memo::new(move |_| years.with_value(|ys| pick_year(ys, from_url.get()).cloned()));
    let editing = RwSignal::new(Editing::<AcademicYear>::Closed);
    let choose = move |id: Uuid| {
        navigate(
            &format!("/years?school={school_id}&year={id}"),
            NavigateOptions::default(),
        );
    };
    let choose = StoredValue::new(choose);

    let build = build_table(move |l| {
        let chosen = selected.with(|s| s.as_ref().map(|s| s.id));
        let mut head: Vec<String> = vec![
            td_string!(l, years.name).into(),
            td_string!(l, years.dates).into(),
        ];
        if manage {
            head.push(String::new());
        }
        let rows = years.with_value(|ys| {
            ys.iter()
                .enumerate()
                .map(|(i, y)| {
                    let mut name = Cell::new(td_string!(l, years.name)).part(Part::Link {
                        href: format!("/years?school={school_id}&year={}", y.id),
                        testid: "year-select",
                        text: y.name.clone(),
                    });
                    if y.is_current {
                        name = name.text(" ").part(Part::Badge {
                            class: "badge",
                            text: td_string!(l, years.current).into(),
                        });
                    }
                    let mut row = Row::new("year-row")
                        .attr("data-year-id", y.id.to_string())
                        .attr("data-current", y.is_current.to_string())
                        .cell(name)
                        .cell(Cell::new(td_string!(l, years.dates)).text(format_range(
                            y.starts_on,
                            Some(y.ends_on),
                            l,
                        )));
                    if chosen == Some(y.id) {
                        row = row.class("row-selected").attr("aria-current", "true");
                    }
                    if manage {
                        row = row.cell(Cell::new("").part(Part::Button {
                            action: "edit",
                            index: i,
                            testid: "year-edit",
                            text: td_string!(l, edit).into(),
                            danger: false,
                        }));
                    }
                    row
                })
                .collect()
        });
        Table {
            testid: "years-table",
            head,
            rows,
        }
    });
    let on_action = Callback::new(move |(_, i): (String, usize)| {
        if let Some(y) = years.with_value(|ys| ys.get(i).cloned()) {
            editing.set(Editing::Edit(y));
        }
    });

    let today = chrono::Local::now().date_naive();
    let editor = move || {
        let (year, draft) = match editing.get() {
            Editing::Closed => return None,
            Editing::New => (None, years.with_value(|ys| next_year_draft(ys, today))),
            Editing::Edit(y) => {
                let draft = (
                    y.name.clone(),
                    y.starts_on.to_string(),
                    y.ends_on.to_string(),
                );
                (Some(y), draft)
            }
        };
        Some(view! {
            <YearForm
                school_id=school_id
                year=year
                draft=draft
                on_done=move |saved| {
                    editing.set(Editing::Closed);
                    if let Some(y) = saved {
                        choose.with_value(|c| c(y.id));
                        on_change();
                    }
                }
            />
        })
    };

    let empty = years.with_value(Vec::is_empty);
    view! {
        <h2>{tr!(years.list_title)}</h2>
        {if empty {
            view! { <p class="muted" data-testid="no-years">{tr!(years.none)}</p> }.into_any()
        } else {
            view! { <DataTable table=build on_action=on_action /> }
            .into_any()
        }}
        {dynv(move || ((manage && editing.with(|e| *e == Editing::Closed)).then(|| view! {
            <button type="button" class="button" data-testid="year-new" on:click=move |_| editing.set(Editing::New)>
                {tr!(years.new_year)}
            </button>
        })).into_any())}
        {editor}
        {dynv(move || (selected.get().map(|y| view! { <Periods school_id=school_id year=y manage=manage /> })).into_any())}
    }
}

/// A new year (draft values) or an existing one → `POST` / `PUT`.
#[component]
fn YearForm(
    school_id: Uuid,
    year: Option<AcademicYear>,
    draft: (String, String, String),
    on_done: impl Fn(Option<AcademicYear>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let id = year.as_ref().map(|y| y.id);
    let name = RwSignal::new(draft.0);
    let starts = RwSignal::new(draft.1);
    let ends = RwSignal::new(draft.2);
    let current = RwSignal::new(year.as_ref().is_some_and(|y| y.is_current));
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let request = match check_year(
            &name.get_untracked(),
            &starts.get_untracked(),
            &ends.get_untracked(),
            current.get_untracked(),
        ) {
            Ok(r) => {
                fields.set(Vec::new());
                r
            }
            Err(p) => return fields.set(p),
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::save_year(auth, school_id, id, &request).await;
            busy.set(false);
            match result {
                Ok(y) => on_done(Some(y)),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="year-form">
            <h3 class="form-title">
                {if id.is_some() { tr!(years.edit_title).into_any() } else { tr!(years.new_year).into_any() }}
            </h3>
            <TextInput id="year-name" label=|l| td_string!(l, years.name) value=name errors=fields field=Field::YearName hint=|l| td_string!(l, years.name_hint) />
            <div class="field-row">
                <TextInput id="year-starts" label=|l| td_string!(l, starts_on) value=starts errors=fields field=Field::StartsOn kind="date" />
                <TextInput id="year-ends" label=|l| td_string!(l, ends_on) value=ends errors=fields field=Field::EndsOn kind="date" />
            </div>
            <label class="check">
                <input type="checkbox" data-testid="year-current-check" bind:checked=current />
                {tr!(years.make_current)}
            </label>
            <ProblemAlert error=error testid="year-error" />
            <FormButtons testid="year-save" label=|l| td_string!(l, save) busy=busy on_cancel=Callback::new(move |_| on_done(None)) />
        </form>
    }
}

/// The periods of a year, and their editor.
#[component]
fn Periods(school_id: Uuid, year: AcademicYear, manage: bool) -> impl IntoView {
    let auth = use_auth();
    let year_id = year.id;
    let periods = Res::new(move || api::periods(auth, school_id, year_id));
    let editing = RwSignal::new(Editing::<Period>::Closed);
    let deleting = RwSignal::new(None::<Period>);
    let error = RwSignal::new(None::<ApiError>);
    let year = StoredValue::new(year);
    let delete = move |id: Uuid| {
        error.set(None);
        spawn_local(async move {
            if let Err(err) = api::delete_period(auth, school_id, id).await {
                error.set(Some(err));
            }
            periods.refetch();
        });
    };
    let table = move |mut list: Vec<Period>| {
        list.sort_by_key(|p| (p.kind, p.number));
        let count = list.len() as u64;
        if list.is_empty() {
            return view! { <p class="muted" data-testid="no-periods">{tr!(years.no_periods)}</p> }
                .into_any();
        }
        let list = std::sync::Arc::new(list);
        let picked = list.clone();
        let build = build_table(move |l| {
            let mut head: Vec<String> = vec![
                td_string!(l, years.kind).into(),
                td_string!(l, years.number).into(),
                td_string!(l, starts_on).into(),
                td_string!(l, ends_on).into(),
            ];
            if manage {
                head.push(String::new());
            }
            let rows = list.with_value(|list| {
                list.iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let mut row = Row::new("period-row")
                            .attr("data-period-id", p.id.to_string())
                            .attr("data-kind", p.kind.as_str())
                            .attr("data-number", p.number.to_string())
                            .cell(
                                Cell::new(td_string!(l, years.kind))
                                    .text(period_kind_text(l, p.kind)),
                            )
                            .cell(Cell::new(td_string!(l, years.number)).text(p.number.to_string()))
                            .cell(
                                Cell::new(td_string!(l, starts_on))
                                    .text(format_day(p.starts_on, l)),
                            )
                            .cell(Cell::new(td_string!(l, ends_on)).text(format_day(p.ends_on, l)));
                        if manage {
                            row = row.cell(
                                Cell::new("")
                                    .part(Part::Button {
                                        action: "edit",
                                        index: i,
                                        testid: "period-edit",
                                        text: td_string!(l, edit).into(),
                                        danger: false,
                                    })
                                    .part(Part::Button {
                                        action: "delete",
                                        index: i,
                                        testid: "period-delete",
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
                testid: "periods-table",
                head,
                rows,
            }
        });
        let on_action = Callback::new(move |(action, i): (String, usize)| {
            let Some(p) = picked.with_value(|list| list.get(i).cloned()) else {
                return;
            };
            if action == "edit" {
                deleting.set(None);
                editing.set(Editing::Edit(p));
            } else {
                deleting.set(Some(p));
            }
        });
        view! {
            <p class="count" data-testid="periods-count" data-count=count>
                {counted(Counted::Periods, count)}
            </p>
            {dynv(move || match deleting.get() {
                Some(p) => view! {
                    <div class="confirm note" role="group" data-testid="period-delete-ask">
                        <p>{ltext(move |l| td_string!(l, years.delete_confirm, period = format!("{} {}", period_kind_text(l, p.kind), p.number)))}</p>
                        <div class="actions">
                            <button type="button" class="button button-danger" data-testid="period-delete-confirm" on:click=move |_| { deleting.set(None); delete(p.id); }>
                                {tr!(delete_yes)}
                            </button>
                            <button type="button" class="button button-quiet" data-testid="period-delete-cancel" on:click=move |_| deleting.set(None)>
                                {tr!(cancel)}
                            </button>
                        </div>
                    </div>
                }
                .into_any(),
                None => ().into_any(),
            })}
            <DataTable table=build on_action=on_action />
        }
        .into_any()
    };
    let editor = move || {
        let period = match editing.get() {
            Editing::Closed => return None,
            Editing::New => None,
            Editing::Edit(p) => Some(p),
        };
        Some(view! {
            <PeriodForm
                school_id=school_id
                year=year.get_value()
                period=period
                on_done=move |saved| {
                    editing.set(Editing::Closed);
                    if saved {
                        periods.refetch();
                    }
                }
            />
        })
    };
    view! {
        <h2 data-testid="periods-title">
            {ltext(move |l| td_string!(l, years.periods_of, name = year.with_value(|y| y.name.clone())))}
        </h2>
        <ProblemAlert error=error testid="period-delete-error" />
        {loaded(periods, "periods-load-error", table)}
        {dynv(move || ((manage && editing.with(|e| *e == Editing::Closed)).then(|| view! {
            <button type="button" class="button" data-testid="period-new" on:click=move |_| editing.set(Editing::New)>
                {tr!(years.new_period)}
            </button>
        })).into_any())}
        {editor}
    }
}

/// A new period of the year, or an existing one → `POST` / `PUT`.
#[component]
fn PeriodForm(
    school_id: Uuid,
    year: AcademicYear,
    period: Option<Period>,
    on_done: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let id = period.as_ref().map(|p| p.id);
    let kind = RwSignal::new(
        period
            .as_ref()
            .map_or(PeriodKind::Quarter, |p| p.kind)
            .as_str()
            .to_string(),
    );
    let number = RwSignal::new(period.as_ref().map_or("1".into(), |p| p.number.to_string()));
    let starts = RwSignal::new(
        period
            .as_ref()
            .map_or(String::new(), |p| p.starts_on.to_string()),
    );
    let ends = RwSignal::new(
        period
            .as_ref()
            .map_or(String::new(), |p| p.ends_on.to_string()),
    );
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let year = StoredValue::new(year);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let request = match year.with_value(|y| {
            check_period(
                y,
                PeriodKind::parse(&kind.get_untracked()),
                &number.get_untracked(),
                &starts.get_untracked(),
                &ends.get_untracked(),
            )
        }) {
            Ok(r) => {
                fields.set(Vec::new());
                r
            }
            Err(p) => return fields.set(p),
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::save_period(auth, school_id, id, &request).await;
            busy.set(false);
            match result {
                Ok(_) => on_done(true),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="period-form">
            <h3 class="form-title">
                {if id.is_some() { tr!(years.edit_period).into_any() } else { tr!(years.new_period).into_any() }}
            </h3>
            <div class="field-row">
                <SelectInput id="period-kind" label=|l| td_string!(l, years.kind) value=kind errors=fields field=Field::PeriodKind>
                    {dynv(move || (PeriodKind::ALL.into_iter().map(|k| {
                        view! { <option value=k.as_str() selected=move || kind.get() == k.as_str()>{ltext(move |l| period_kind_text(l, k).to_string())}</option> }
                    }).collect_view()).into_any())}
                </SelectInput>
                <TextInput id="period-number" label=|l| td_string!(l, years.number) value=number errors=fields field=Field::PeriodNumber kind="number" />
            </div>
            <div class="field-row">
                <TextInput id="period-starts" label=|l| td_string!(l, starts_on) value=starts errors=fields field=Field::StartsOn kind="date" />
                <TextInput id="period-ends" label=|l| td_string!(l, ends_on) value=ends errors=fields field=Field::EndsOn kind="date" />
            </div>
            <p class="hint">
                {ltext(move |l| td_string!(l, years.inside, range = year.with_value(|y| format_range(y.starts_on, Some(y.ends_on), l))))}
            </p>
            <ProblemAlert error=error testid="period-error" />
            <FormButtons testid="period-save" label=|l| td_string!(l, save) busy=busy on_cancel=Callback::new(move |_| on_done(false)) />
        </form>
    }
}
