//! `/timetable/substitutions?school=&view=absences|review|day`: substitutions and lesson changes.
//!
//! - `absences` (`&absence=` opens one): teacher absences with how many of their lessons have a
//!   substitute; an absence's lessons, each with a substitute to assign or remove (a busy
//!   substitute is refused with `409 timetable_conflict`, whose collisions are listed).
//! - `review`: lessons the timetable or calendar changed under while they had journal data; the
//!   admin keeps (acknowledges), cancels or moves each.
//! - `day` (`&date=`): the school's lessons of a day, to cancel or restore, move, give a substitute,
//!   or add an extra lesson.
//!
//! The admin changes; the principal reads.

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use otmetka_domain::structure::{Class, Course};
use otmetka_domain::timetable::{FreeTeacher, Lesson, LessonOrigin, LessonStatus, TeacherAbsence};
use uuid::Uuid;

use crate::access::{Access, Area, SchoolOption};
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::forms::{Field, FieldErrors};
use crate::i18n::*;
use crate::load::{Res, Shared};
use crate::pages::{
    DataTable, FormButtons, Gate, Modal, PageSchool, ProblemAlert, ReadOnlyNote, SelectInput,
    TextInput, build_table, dynv, lbl, loaded, ltext, stext,
};
use crate::roster::{format_day, format_range, parse_day, sort_classes};
use crate::table::{Cell, Part, Row, Table};
use crate::text::{Counted, count_text};
use crate::tt_admin::{
    GridMode, LESSONS_LIMIT, check_absence, check_cancel, check_extra, check_move, course_label,
    coverage_text, day_text, days_in, lesson_notes, lesson_number_text, lesson_slot_text,
    lesson_teachers, lesson_title, lessons_count_text, review_reason_text, sort_courses,
    sort_lessons, substitute_choices, teacher_options,
};
use crate::tt_admin_api::{self as tt, LessonQuery};

use super::{ChoiceSelect, SaveError, Tab, TtTabs, chosen_id, today};

#[component]
pub fn SubstitutionsPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Timetable
            render=|school, access| school.map(|school| view! { <Subs school=school access=access /> })
        />
    }
}

/// The part of the page shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Absences,
    Review,
    Day,
}

impl View {
    fn param(self) -> &'static str {
        match self {
            View::Absences => "absences",
            View::Review => "review",
            View::Day => "day",
        }
    }

    fn parse(value: Option<&str>) -> View {
        match value {
            Some("review") => View::Review,
            Some("day") => View::Day,
            _ => View::Absences,
        }
    }
}

/// The page's address.
fn subs_href(school_id: Uuid, view: View, extra: &str) -> String {
    format!(
        "/timetable/substitutions?school={school_id}&view={}{extra}",
        view.param()
    )
}

type Teachers = Memo<Vec<(Uuid, String)>>;

#[component]
fn Subs(school: SchoolOption, access: Access) -> impl IntoView {
    let auth = use_auth();
    let school_id = school.id;
    let manage = access == Access::Manage;
    let query = use_query_map();
    let view = Memo::new(move |_| query.with(|q| View::parse(q.get("view").as_deref())));
    let staff = Res::new(move || tt::staff(auth, school_id));
    let teachers: Teachers = Memo::new(move |_| match staff.get() {
        Some(Ok(list)) => teacher_options(&list),
        _ => Vec::new(),
    });
    let review = Res::new(move || {
        tt::lessons(
            auth,
            school_id,
            LessonQuery {
                needs_review: true,
                limit: LESSONS_LIMIT,
                ..LessonQuery::default()
            },
        )
    });
    let review_count = Memo::new(move |_| match review.get() {
        Some(Ok(page)) => Some(page.total),
        _ => None,
    });
    let segment = move |v: View, testid: &'static str| {
        let current = move || (view.get() == v).then_some("page");
        view! {
            <a href=subs_href(school_id, v, "") data-testid=testid aria-current=current>
                {ltext(move |l| match v {
                    View::Absences => td_string!(l, tt_admin.view_absences).to_string(),
                    View::Review => match review_count.get() {
                        Some(n) if n > 0 => format!("{} ({n})", td_string!(l, tt_admin.view_review)),
                        _ => td_string!(l, tt_admin.view_review).to_string(),
                    },
                    View::Day => td_string!(l, tt_admin.view_day).to_string(),
                })}
            </a>
        }
    };
    view! {
        <section class="page" data-testid="tt-subs-page" data-access=if manage { "manage" } else { "read" }>
            <TtTabs current=Tab::Substitutions school_id=school_id />
            <h1>{tr!(tt_admin.subs_title)}</h1>
            <PageSchool school=Some(school) />
            {(!manage).then(|| view! { <ReadOnlyNote /> })}
            <nav class="tt-segments" data-testid="tt-subs-views" aria-label=lbl(|l| td_string!(l, tt_admin.subs_title))>
                {segment(View::Absences, "tt-view-absences")}
                {segment(View::Review, "tt-view-review")}
                {segment(View::Day, "tt-view-day")}
            </nav>
            {dynv(move || match view.get() {
                View::Absences => view! { <Absences school_id=school_id manage=manage teachers=teachers /> }.into_any(),
                View::Review => view! {
                    <h2>{tr!(tt_admin.review_title)}</h2>
                    <p class="hint">{tr!(tt_admin.review_hint)}</p>
                    {loaded(review, "tt-review-load-error", move |page| view! {
                        <LessonTable
                            school_id=school_id
                            list=page.items
                            manage=manage
                            acts=Acts::REVIEW
                            teachers=teachers
                            testid="tt-review-table"
                            empty_testid="tt-no-review"
                            on_changed=Callback::new(move |_| review.refetch())
                        />
                    })}
                }
                .into_any(),
                View::Day => view! { <DayLessons school_id=school_id manage=manage teachers=teachers on_changed=Callback::new(move |_| review.refetch()) /> }.into_any(),
            })}
        </section>
    }
}

// ---- teacher absences ---------------------------------------------------------------------------

#[component]
fn Absences(school_id: Uuid, manage: bool, teachers: Teachers) -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let navigate = use_navigate();
    let opened = Memo::new(move |_| query.with(|q| q.get("absence").and_then(|v| chosen_id(&v))));
    let since = today() - Duration::days(7);
    let absences = Res::new(move || tt::absences(auth, school_id, Some(since), None));
    let adding = RwSignal::new(false);
    let deleting = RwSignal::new(None::<TeacherAbsence>);
    let error = RwSignal::new(None::<ApiError>);
    let open = {
        let navigate = navigate.clone();
        Arc::new(move |id: Option<Uuid>| {
            let extra = id.map_or(String::new(), |id| format!("&absence={id}"));
            navigate(
                &subs_href(school_id, View::Absences, &extra),
                NavigateOptions::default(),
            );
        })
    };
    let open_new = open.clone();
    let open_row = open.clone();
    let close = open.clone();
    let delete = move |id: Uuid| {
        error.set(None);
        let close = close.clone();
        spawn_local(async move {
            match tt::delete_absence(auth, school_id, id).await {
                Ok(()) => {
                    if opened.get_untracked() == Some(id) {
                        close(None);
                    }
                    absences.refetch();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let delete = StoredValue::new(delete);

    let table = move |list: Vec<TeacherAbsence>| {
        let count = list.len() as u64;
        if list.is_empty() {
            return view! { <p class="muted" data-testid="tt-no-absences">{tr!(tt_admin.no_absences)}</p> }
                .into_any();
        }
        let list = Arc::new(list);
        let picked = list.clone();
        let chosen = opened.get_untracked();
        let build = build_table(move |l| {
            let mut head: Vec<String> = vec![
                td_string!(l, tt_admin.teacher).into(),
                td_string!(l, tt_admin.dates).into(),
                td_string!(l, tt_admin.reason).into(),
                td_string!(l, tt_admin.coverage).into(),
                String::new(),
            ];
            if !manage {
                head.truncate(5);
            }
            let rows = list.with_value(|list| {
                list.iter()
                    .enumerate()
                    .map(|(i, a)| {
                        let all = a.lessons_covered >= a.lessons_total;
                        let mut row = Row::new("tt-absence-row")
                            .attr("data-absence-id", a.id.to_string())
                            .attr("data-total", a.lessons_total.to_string())
                            .attr("data-covered", a.lessons_covered.to_string())
                            .cell(
                                Cell::new(td_string!(l, tt_admin.teacher))
                                    .testid("tt-absence-row-teacher")
                                    .text(a.teacher_name.clone()),
                            )
                            .cell(
                                Cell::new(td_string!(l, tt_admin.dates))
                                    .text(format_range(a.starts_on, Some(a.ends_on), l))
                                    .part(Part::Break)
                                    .muted(count_text(
                                        l,
                                        Counted::Days,
                                        days_in(a.starts_on, a.ends_on),
                                    )),
                            )
                            .cell(
                                Cell::new(td_string!(l, tt_admin.reason))
                                    .text(a.reason.clone().unwrap_or_else(|| "—".into())),
                            )
                            .cell(
                                Cell::new(td_string!(l, tt_admin.coverage))
                                    .testid("tt-absence-coverage")
                                    .part(Part::Badge {
                                        class: if all { "badge" } else { "badge badge-danger" },
                                        text: coverage_text(l, a.lessons_covered, a.lessons_total),
                                    }),
                            );
                        if chosen == Some(a.id) {
                            row = row.class("row-selected").attr("aria-current", "true");
                        }
                        let mut actions = Cell::new("").part(Part::Button {
                            action: "open",
                            index: i,
                            testid: "tt-absence-open",
                            text: td_string!(l, tt_admin.absence_open).into(),
                            danger: false,
                        });
                        if manage {
                            actions = actions.part(Part::Button {
                                action: "delete",
                                index: i,
                                testid: "tt-absence-delete",
                                text: td_string!(l, delete).into(),
                                danger: false,
                            });
                        }
                        row.cell(actions)
                    })
                    .collect()
            });
            Table {
                testid: "tt-absences-table",
                head,
                rows,
            }
        });
        let open_row = open_row.clone();
        let on_action = Callback::new(move |(action, i): (String, usize)| {
            let Some(a) = picked.with_value(|list| list.get(i).cloned()) else {
                return;
            };
            if action == "open" {
                open_row(Some(a.id));
            } else {
                deleting.set(Some(a));
            }
        });
        view! {
            <p class="count" data-testid="tt-absences-count" data-count=count>
                {ltext(move |l| td_string!(l, tt_admin.absences_count, count = count))}
            </p>
            <DataTable table=build on_action=on_action />
        }
        .into_any()
    };

    let opened_view = move || {
        let id = opened.get()?;
        let absence = match absences.get() {
            Some(Ok(list)) => list.into_iter().find(|a| a.id == id),
            _ => None,
        };
        Some(view! {
            <AbsenceLessons school_id=school_id absence_id=id absence=absence manage=manage teachers=teachers on_changed=Callback::new(move |_| absences.refetch()) />
        })
    };

    view! {
        <h2>{tr!(tt_admin.absences_title)}</h2>
        <p class="hint">{ltext(move |l| td_string!(l, tt_admin.absences_since, day = format_day(since, l)))}</p>
        {dynv(move || match deleting.get() {
            Some(a) => view! {
                <div class="confirm note" role="group" data-testid="tt-absence-delete-ask">
                    <p>{ltext(move |l| td_string!(l, tt_admin.absence_delete_confirm, name = a.teacher_name.clone(), dates = format_range(a.starts_on, Some(a.ends_on), l)))}</p>
                    <div class="actions">
                        <button type="button" class="button button-danger" data-testid="tt-absence-delete-confirm" on:click=move |_| { deleting.set(None); delete.with_value(|d| d(a.id)); }>
                            {tr!(delete_yes)}
                        </button>
                        <button type="button" class="button button-quiet" data-testid="tt-absence-delete-cancel" on:click=move |_| deleting.set(None)>
                            {tr!(cancel)}
                        </button>
                    </div>
                </div>
            }
            .into_any(),
            None => ().into_any(),
        })}
        <ProblemAlert error=error testid="tt-absence-delete-error" />
        {loaded(absences, "tt-absences-load-error", table)}
        {dynv(move || ((manage && !adding.get()).then(|| view! {
            <button type="button" class="button" data-testid="tt-absence-new" on:click=move |_| adding.set(true)>
                {tr!(tt_admin.absence_new)}
            </button>
        })).into_any())}
        {dynv(move || adding.get().then(|| {
            let open_new = open_new.clone();
            let done = move |created: Option<Uuid>| {
                adding.set(false);
                if let Some(id) = created {
                    absences.refetch();
                    open_new(Some(id));
                }
            };
            view! { <AbsenceForm school_id=school_id teachers=teachers on_done=done /> }
        }).into_any())}
        {dynv(move || opened_view().into_any())}
    }
}

#[component]
fn AbsenceForm(
    school_id: Uuid,
    teachers: Teachers,
    on_done: impl Fn(Option<Uuid>) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let teacher = RwSignal::new(String::new());
    let starts = RwSignal::new(today().to_string());
    let ends = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let done = on_done.clone();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let request = match check_absence(
            chosen_id(&teacher.get_untracked()),
            &starts.get_untracked(),
            &ends.get_untracked(),
            &reason.get_untracked(),
        ) {
            Ok(r) => {
                fields.set(Vec::new());
                r
            }
            Err(p) => return fields.set(p),
        };
        busy.set(true);
        let done = done.clone();
        spawn_local(async move {
            let result = tt::create_absence(auth, school_id, &request).await;
            busy.set(false);
            match result {
                Ok(a) => done(Some(a.id)),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let choices = Signal::derive(move || teachers.get());
    let cancel = Callback::new(move |_| on_done(None));
    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="tt-absence-form">
            <h3 class="form-title">{tr!(tt_admin.absence_new)}</h3>
            <ChoiceSelect id="tt-absence-teacher" label=|l| td_string!(l, tt_admin.teacher) value=teacher choices=choices errors=fields field=Field::TtTeacher />
            <div class="field-row">
                <TextInput id="tt-absence-starts" label=|l| td_string!(l, starts_on) value=starts errors=fields field=Field::StartsOn kind="date" />
                <TextInput id="tt-absence-ends" label=|l| td_string!(l, ends_on) value=ends errors=fields field=Field::EndsOn kind="date" />
            </div>
            <p class="hint">{tr!(tt_admin.one_day_hint)}</p>
            <TextInput id="tt-absence-reason" label=|l| td_string!(l, tt_admin.reason) value=reason errors=fields field=Field::Reason hint=|l| td_string!(l, tt_admin.absence_reason_hint) />
            <ProblemAlert error=error testid="tt-absence-error" />
            <FormButtons testid="tt-absence-save" label=|l| td_string!(l, save) busy=busy on_cancel=cancel />
        </form>
    }
}

/// An absence's lessons, each with its substitute.
#[component]
fn AbsenceLessons(
    school_id: Uuid,
    absence_id: Uuid,
    absence: Option<TeacherAbsence>,
    manage: bool,
    teachers: Teachers,
    on_changed: Callback<()>,
) -> impl IntoView {
    let auth = use_auth();
    let lessons = Res::new(move || tt::absence_lessons(auth, school_id, absence_id));
    let title = absence.map(|a| {
        view! {
            <h2 data-testid="tt-absence-title">
                {ltext(move |l| td_string!(l, tt_admin.absence_lessons_title, name = a.teacher_name.clone(), dates = format_range(a.starts_on, Some(a.ends_on), l)))}
            </h2>
        }
    });
    view! {
        <div class="tt-absence-panel" data-testid="tt-absence-lessons" data-absence-id=absence_id.to_string()>
            {title}
            {manage.then(|| view! { <p class="hint">{tr!(tt_admin.absence_lessons_hint)}</p> })}
            {loaded(lessons, "tt-absence-lessons-load-error", move |list| view! {
                <LessonTable
                    school_id=school_id
                    list=list
                    manage=manage
                    acts=Acts::ABSENCE
                    teachers=teachers
                    testid="tt-absence-lessons-table"
                    empty_testid="tt-absence-no-lessons"
                    on_changed=Callback::new(move |_| { lessons.refetch(); on_changed.run(()); })
                />
            })}
        </div>
    }
}

// ---- lessons of a day ---------------------------------------------------------------------------

#[component]
fn DayLessons(
    school_id: Uuid,
    manage: bool,
    teachers: Teachers,
    on_changed: Callback<()>,
) -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let navigate = use_navigate();
    let day = Memo::new(move |_| {
        query
            .with(|q| q.get("date").and_then(|v| parse_day(&v)))
            .unwrap_or_else(today)
    });
    let lessons = Res::new(move || {
        let d = day.get();
        tt::lessons(
            auth,
            school_id,
            LessonQuery {
                from: Some(d),
                to: Some(d),
                limit: LESSONS_LIMIT,
                ..LessonQuery::default()
            },
        )
    });
    let adding = RwSignal::new(false);
    let go = Arc::new(move |d: NaiveDate| {
        navigate(
            &subs_href(school_id, View::Day, &format!("&date={d}")),
            NavigateOptions::default(),
        );
    });
    let (go_prev, go_next, go_today, go_pick) = (go.clone(), go.clone(), go.clone(), go);
    let changed = Callback::new(move |_| {
        lessons.refetch();
        on_changed.run(());
    });
    view! {
        <h2>{ltext(move |l| td_string!(l, tt_admin.day_title, day = day_text(l, day.get())))}</h2>
        <div class="toolbar tt-day-toolbar">
            <button type="button" class="button button-quiet" data-testid="tt-day-prev" aria-label=lbl(|l| td_string!(l, tt_admin.prev_day)) title=lbl(|l| td_string!(l, tt_admin.prev_day)) on:click=move |_| go_prev(day.get_untracked() - Duration::days(1))>
                "←"
            </button>
            <label class="inline-field" for="tt-day">
                <span class="visually-hidden">{tr!(tt_admin.on_date)}</span>
                <input
                    id="tt-day"
                    data-testid="tt-day"
                    type="date"
                    prop:value=move || day.get().to_string()
                    on:change=move |ev| {
                        if let Some(d) = parse_day(&event_target_value(&ev)) {
                            go_pick(d);
                        }
                    }
                />
            </label>
            <button type="button" class="button button-quiet" data-testid="tt-day-next" aria-label=lbl(|l| td_string!(l, tt_admin.next_day)) title=lbl(|l| td_string!(l, tt_admin.next_day)) on:click=move |_| go_next(day.get_untracked() + Duration::days(1))>
                "→"
            </button>
            {dynv(move || (day.get() != today()).then(|| {
                let go_today = go_today.clone();
                view! {
                    <button type="button" class="button button-quiet" data-testid="tt-day-today" on:click=move |_| go_today(today())>
                        {tr!(tt_admin.today)}
                    </button>
                }
            }).into_any())}
        </div>
        {loaded(lessons, "tt-day-load-error", move |page| {
            let n = page.total;
            view! {
                <p class="count" data-testid="tt-day-count" data-count=n>{ltext(move |l| lessons_count_text(l, n))}</p>
                <LessonTable
                    school_id=school_id
                    list=page.items
                    manage=manage
                    acts=Acts::DAY
                    teachers=teachers
                    testid="tt-day-table"
                    empty_testid="tt-day-none"
                    on_changed=changed
                />
            }
        })}
        {dynv(move || ((manage && !adding.get()).then(|| view! {
            <button type="button" class="button" data-testid="tt-extra-new" on:click=move |_| adding.set(true)>
                {tr!(tt_admin.extra_new)}
            </button>
        })).into_any())}
        {dynv(move || adding.get().then(|| view! {
            <ExtraForm
                school_id=school_id
                day=day.get_untracked()
                on_done=move |ok| {
                    adding.set(false);
                    if ok {
                        changed.run(());
                    }
                }
            />
        }).into_any())}
    }
}

/// An extra lesson outside the timetable: a class, one of its courses, the day and slot, a room.
#[component]
fn ExtraForm(
    school_id: Uuid,
    day: NaiveDate,
    on_done: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let classes = Res::new(move || async move {
        let mut list = api::classes(auth, school_id).await?;
        sort_classes(&mut list);
        Ok::<Vec<Class>, ApiError>(list)
    });
    let class = RwSignal::new(String::new());
    let courses = Res::new(move || {
        let c = chosen_id(&class.get());
        async move {
            let mut list = match c {
                Some(c) => api::class_courses(auth, school_id, c).await?,
                None => Vec::new(),
            };
            sort_courses(&mut list);
            Ok::<Vec<Course>, ApiError>(list)
        }
    });
    let course = RwSignal::new(String::new());
    let date = RwSignal::new(day.to_string());
    let number = RwSignal::new("1".to_string());
    let room = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let mut problems = FieldErrors::new();
        if chosen_id(&class.get_untracked()).is_none() {
            problems.push((Field::Class, crate::forms::FieldProblem::NotChosen));
        }
        let request = match check_extra(
            chosen_id(&course.get_untracked()),
            &date.get_untracked(),
            &number.get_untracked(),
            &room.get_untracked(),
        ) {
            Ok(r) if problems.is_empty() => r,
            Ok(_) => return fields.set(problems),
            Err(mut p) => {
                problems.append(&mut p);
                return fields.set(problems);
            }
        };
        fields.set(Vec::new());
        busy.set(true);
        spawn_local(async move {
            let result = tt::extra_lesson(auth, school_id, &request).await;
            busy.set(false);
            match result {
                Ok(_) => on_done(true),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let class_choices = Signal::derive(move || match classes.get() {
        Some(Ok(list)) => list.into_iter().map(|c| (c.id, c.name)).collect(),
        _ => Vec::new(),
    });
    let course_choices = Signal::derive(move || {
        let l = i18n.get_locale();
        match courses.get() {
            Some(Ok(list)) => list
                .iter()
                .map(|c| (c.id, course_label(l, c, GridMode::Class)))
                .collect(),
            _ => Vec::new(),
        }
    });
    // A course of another class is no choice.
    Effect::new(move |_| {
        let _ = class.get();
        course.set(String::new());
    });
    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="tt-extra-form">
            <h3 class="form-title">{tr!(tt_admin.extra_new)}</h3>
            <p class="hint">{tr!(tt_admin.extra_hint)}</p>
            <div class="field-row">
                <ChoiceSelect id="tt-extra-class" label=|l| td_string!(l, tt_admin.class) value=class choices=class_choices errors=fields field=Field::Class />
                <ChoiceSelect id="tt-extra-course" label=|l| td_string!(l, tt_admin.course) value=course choices=course_choices errors=fields field=Field::TtCourse />
            </div>
            <div class="field-row">
                <TextInput id="tt-extra-date" label=|l| td_string!(l, tt_admin.date) value=date errors=fields field=Field::Date kind="date" />
                <NumberSelect id="tt-extra-number" value=number errors=fields />
                <TextInput id="tt-extra-room" label=|l| td_string!(l, tt_admin.room) value=room errors=fields field=Field::TtRoom />
            </div>
            <SaveError error=error testid="tt-extra-error" />
            <FormButtons testid="tt-extra-save" label=|l| td_string!(l, save) busy=busy on_cancel=Callback::new(move |_| on_done(false)) />
        </form>
    }
}

/// A lesson-number select 0–12.
#[component]
fn NumberSelect(
    id: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    view! {
        <SelectInput id=id label=|l| td_string!(l, tt_admin.lesson) value=value errors=errors field=Field::TtLessonNumber>
            {dynv(move || ((0..=12).map(|n| {
                view! { <option value=n.to_string() selected=move || value.get() == n.to_string()>{ltext(move |l| lesson_number_text(l, n))}</option> }
            }).collect_view()).into_any())}
        </SelectInput>
    }
}

// ---- a table of lessons with their actions ------------------------------------------------------

/// Which actions a lesson table offers (to the admin).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Acts {
    substitute: bool,
    cancel: bool,
    move_: bool,
    acknowledge: bool,
    delete: bool,
    /// The lessons span several days.
    dates: bool,
}

impl Acts {
    const ABSENCE: Acts = Acts {
        substitute: true,
        cancel: true,
        move_: false,
        acknowledge: false,
        delete: false,
        dates: true,
    };
    const REVIEW: Acts = Acts {
        substitute: false,
        cancel: true,
        move_: true,
        acknowledge: true,
        delete: false,
        dates: true,
    };
    const DAY: Acts = Acts {
        substitute: true,
        cancel: true,
        move_: true,
        acknowledge: false,
        delete: true,
        dates: false,
    };
}

/// A dialog for one lesson.
#[derive(Debug, Clone, PartialEq)]
enum Dialog {
    Substitute(Lesson),
    Cancel(Lesson),
    Move(Lesson),
}

#[component]
fn LessonTable(
    school_id: Uuid,
    mut list: Vec<Lesson>,
    manage: bool,
    acts: Acts,
    teachers: Teachers,
    testid: &'static str,
    empty_testid: &'static str,
    on_changed: Callback<()>,
) -> impl IntoView {
    let auth = use_auth();
    let dialog = RwSignal::new(None::<Dialog>);
    let deleting = RwSignal::new(None::<Lesson>);
    let error = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(false);
    if list.is_empty() {
        return view! { <p class="muted" data-testid=empty_testid>{tr!(tt_admin.no_lessons)}</p> }
            .into_any();
    }
    sort_lessons(&mut list);
    let list = Arc::new(list);
    let picked = list.clone();
    let build = build_table(move |l| {
        let mut head: Vec<String> = vec![
            td_string!(l, tt_admin.when).into(),
            td_string!(l, tt_admin.lesson).into(),
            td_string!(l, tt_admin.room).into(),
            td_string!(l, tt_admin.substitute).into(),
        ];
        if manage {
            head.push(String::new());
        }
        let rows = list.with_value(|list| {
            list.iter()
                .enumerate()
                .map(|(i, x)| lesson_row(l, i, x, acts, manage))
                .collect()
        });
        Table { testid, head, rows }
    });
    let act = move |action: String, x: Lesson| {
        error.set(None);
        done.set(false);
        let id = x.id;
        let direct = match action.as_str() {
            "sub" => return dialog.set(Some(Dialog::Substitute(x))),
            "cancel" => return dialog.set(Some(Dialog::Cancel(x))),
            "move" => return dialog.set(Some(Dialog::Move(x))),
            "delete" => return deleting.set(Some(x)),
            other => other.to_string(),
        };
        spawn_local(async move {
            let result = match direct.as_str() {
                "unsub" => tt::remove_substitute(auth, school_id, id).await.map(|_| ()),
                "restore" => tt::restore_lesson(auth, school_id, id).await.map(|_| ()),
                "ack" => tt::acknowledge_lesson(auth, school_id, id)
                    .await
                    .map(|_| ()),
                _ => return,
            };
            match result {
                Ok(()) => {
                    done.set(true);
                    on_changed.run(());
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let on_action = Callback::new(move |(action, i): (String, usize)| {
        if let Some(x) = picked.get(i).cloned() {
            act(action, x);
        }
    });
    let delete = move |id: Uuid| {
        spawn_local(async move {
            match tt::delete_lesson(auth, school_id, id).await {
                Ok(()) => {
                    done.set(true);
                    on_changed.run(());
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let dialog_view = move || {
        dialog.get().map(|d| {
            view! {
                <LessonDialog
                    school_id=school_id
                    dialog=d
                    teachers=teachers
                    on_done=move |ok| {
                        dialog.set(None);
                        if ok {
                            done.set(true);
                            on_changed.run(());
                        }
                    }
                />
            }
        })
    };
    view! {
        {dynv(move || (done.get().then(|| view! { <p class="success" role="status" data-testid="tt-lesson-done">{tr!(tt_admin.saved)}</p> })).into_any())}
        <SaveError error=error testid="tt-lesson-error" />
        {dynv(move || match deleting.get() {
            Some(x) => {
                let id = x.id;
                view! {
                <div class="confirm note" role="group" data-testid="tt-lesson-delete-ask">
                    <p>{ltext(move |l| td_string!(l, tt_admin.lesson_delete_confirm, lesson = format!("{}, {}", lesson_title(l, &x), day_text(l, x.date))))}</p>
                    <div class="actions">
                        <button type="button" class="button button-danger" data-testid="tt-lesson-delete-confirm" on:click=move |_| { deleting.set(None); delete(id); }>
                            {tr!(delete_yes)}
                        </button>
                        <button type="button" class="button button-quiet" data-testid="tt-lesson-delete-cancel" on:click=move |_| deleting.set(None)>
                            {tr!(cancel)}
                        </button>
                    </div>
                </div>
                }
                .into_any()
            }
            None => ().into_any(),
        })}
        <DataTable table=build on_action=on_action />
        {dynv(move || dialog_view().into_any())}
    }
    .into_any()
}

/// One lesson as a table row, with the buttons its state allows.
fn lesson_row(l: Locale, i: usize, x: &Lesson, acts: Acts, manage: bool) -> Row {
    let cancelled = x.status == LessonStatus::Cancelled;
    let when = if acts.dates {
        Cell::new(td_string!(l, tt_admin.when))
            .text(day_text(l, x.date))
            .part(Part::Break)
            .muted(lesson_slot_text(l, x))
    } else {
        Cell::new(td_string!(l, tt_admin.when)).text(lesson_slot_text(l, x))
    };
    let mut what = Cell::new(td_string!(l, tt_admin.lesson))
        .testid("tt-lesson-title")
        .text(lesson_title(l, x));
    let teachers = lesson_teachers(x);
    if !teachers.is_empty() {
        what = what.part(Part::Break).muted(teachers);
    }
    let mut notes = lesson_notes(l, x);
    if x.needs_review
        && let Some(r) = &x.review_reason
    {
        notes.push(td_string!(
            l,
            tt_admin.review_reason,
            reason = review_reason_text(l, r)
        ));
    }
    if !notes.is_empty() {
        what = what.part(Part::List {
            testid: "tt-lesson-notes",
            items: notes,
        });
    }
    if x.has_data {
        what = what.part(Part::Badge {
            class: "badge badge-info",
            text: td_string!(l, tt_admin.has_data).into(),
        });
    }
    let sub = match &x.substitute_name {
        Some(name) => Cell::new(td_string!(l, tt_admin.substitute))
            .testid("tt-lesson-substitute")
            .part(Part::Badge {
                class: "badge",
                text: name.clone(),
            }),
        None => Cell::new(td_string!(l, tt_admin.substitute))
            .testid("tt-lesson-substitute")
            .muted("—"),
    };
    let mut row = Row::new("tt-lesson-row")
        .attr("data-lesson-id", x.id.to_string())
        .attr("data-status", x.status.as_str())
        .attr("data-number", x.lesson_number.to_string())
        .attr("data-has-substitute", x.substitute_id.is_some().to_string())
        .cell(when)
        .cell(what)
        .cell(
            Cell::new(td_string!(l, tt_admin.room))
                .text(x.room.clone().unwrap_or_else(|| "—".into())),
        )
        .cell(sub);
    if cancelled {
        row = row.class("row-disabled");
    }
    if !manage {
        return row;
    }
    let button =
        |action: &'static str, testid: &'static str, text: &str, danger: bool| Part::Button {
            action,
            index: i,
            testid,
            text: text.to_string(),
            danger,
        };
    let mut cell = Cell::new("");
    if acts.substitute && !cancelled {
        cell = cell.part(button(
            "sub",
            "tt-lesson-sub",
            if x.substitute_id.is_some() {
                td_string!(l, tt_admin.sub_change)
            } else {
                td_string!(l, tt_admin.sub_assign)
            },
            false,
        ));
        if x.substitute_id.is_some() {
            cell = cell.part(button(
                "unsub",
                "tt-lesson-unsub",
                td_string!(l, tt_admin.sub_remove),
                false,
            ));
        }
    }
    if acts.acknowledge && x.needs_review {
        cell = cell.part(button(
            "ack",
            "tt-lesson-ack",
            td_string!(l, tt_admin.acknowledge),
            false,
        ));
    }
    if acts.move_ && !cancelled {
        cell = cell.part(button(
            "move",
            "tt-lesson-move",
            td_string!(l, tt_admin.move_lesson),
            false,
        ));
    }
    if acts.cancel {
        cell = if cancelled {
            cell.part(button(
                "restore",
                "tt-lesson-restore",
                td_string!(l, tt_admin.restore),
                false,
            ))
        } else {
            cell.part(button(
                "cancel",
                "tt-lesson-cancel",
                td_string!(l, tt_admin.cancel_lesson),
                false,
            ))
        };
    }
    if acts.delete && x.origin == LessonOrigin::Extra {
        cell = cell.part(button(
            "delete",
            "tt-lesson-delete",
            td_string!(l, delete),
            false,
        ));
    }
    row.cell(cell)
}

/// Assign a substitute, cancel with a reason, or move a lesson.
#[component]
fn LessonDialog(
    school_id: Uuid,
    dialog: Dialog,
    teachers: Teachers,
    on_done: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let (title, lesson) = match &dialog {
        Dialog::Substitute(x) => (stext(|l| td_string!(l, tt_admin.sub_title)), x.clone()),
        Dialog::Cancel(x) => (stext(|l| td_string!(l, tt_admin.cancel_title)), x.clone()),
        Dialog::Move(x) => (stext(|l| td_string!(l, tt_admin.move_title)), x.clone()),
    };
    let id = lesson.id;
    let own: Vec<Uuid> = lesson.teacher_ids.clone();
    let teacher = RwSignal::new(
        lesson
            .substitute_id
            .map_or(String::new(), |t| t.to_string()),
    );
    let reason = RwSignal::new(String::new());
    let date = RwSignal::new(lesson.date.to_string());
    let number = RwSignal::new(lesson.lesson_number.to_string());
    let room = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let kind = match dialog {
        Dialog::Substitute(_) => 0,
        Dialog::Cancel(_) => 1,
        Dialog::Move(_) => 2,
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        enum Req {
            Sub(Uuid),
            Cancel(otmetka_domain::timetable::CancelLessonInput),
            Move(otmetka_domain::timetable::MoveLessonInput),
        }
        let request = match kind {
            0 => match chosen_id(&teacher.get_untracked()) {
                Some(t) => Ok(Req::Sub(t)),
                None => Err(vec![(
                    Field::TtTeacher,
                    crate::forms::FieldProblem::NotChosen,
                )]),
            },
            1 => check_cancel(&reason.get_untracked()).map(Req::Cancel),
            _ => check_move(
                &date.get_untracked(),
                &number.get_untracked(),
                &room.get_untracked(),
            )
            .map(Req::Move),
        };
        let request = match request {
            Ok(r) => {
                fields.set(Vec::new());
                r
            }
            Err(p) => return fields.set(p),
        };
        busy.set(true);
        spawn_local(async move {
            let result = match request {
                Req::Sub(t) => tt::set_substitute(auth, school_id, id, t).await,
                Req::Cancel(body) => tt::cancel_lesson(auth, school_id, id, &body).await,
                Req::Move(body) => tt::move_lesson(auth, school_id, id, &body).await,
            };
            busy.set(false);
            match result {
                Ok(_) => on_done(true),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    // The substitute picker offers the teachers the server finds free then; when that list
    // cannot be had, every staff member but the course's own, and the server refuses a busy one
    // (409 with the collision, shown in the dialog).
    let free = (kind == 0).then(|| Res::new(move || tt::free_teachers(auth, school_id, id)));
    let free_answer = move || free.and_then(|f| f.get());
    let for_choices = lesson.clone();
    let choices = Signal::derive(move || {
        let staff = teachers.get();
        match free_answer() {
            Some(Ok(list)) => substitute_choices(&for_choices, Some(&list), &staff),
            Some(Err(_)) => substitute_choices(&for_choices, None, &staff),
            // Loading: only the current substitute, so the select shows who it is.
            None => substitute_choices(&for_choices, Some(&[]), &staff),
        }
    });
    let own_count =
        move |list: &[FreeTeacher]| list.iter().filter(|t| !own.contains(&t.id)).count() as u64;
    let free_status = move || {
        match free_answer() {
        None => view! { <p class="hint" role="status" data-testid="tt-sub-free-loading">{tr!(loading)}</p> }
            .into_any(),
        Some(Ok(list)) => match own_count(&list) {
            0 => view! { <p class="note" role="status" data-testid="tt-sub-none-free" data-count="0">{tr!(tt_admin.sub_none_free)}</p> }
                .into_any(),
            n => view! {
                <p class="hint" role="status" data-testid="tt-sub-free" data-count=n>
                    {ltext(move |l| td_string!(l, tt_admin.sub_free, count = n))}
                    " "
                    {tr!(tt_admin.sub_hint)}
                </p>
            }
            .into_any(),
        },
        Some(Err(err)) => view! {
            <p class="note" role="status" data-testid="tt-sub-free-error" data-code=err.code().map(|c| c.as_str())>{tr!(tt_admin.sub_free_error)}</p>
        }
        .into_any(),
    }
    };
    let about = {
        let x = lesson.clone();
        view! {
            <p class="tt-entry-about" data-testid="tt-lesson-about">
                {ltext(move |l| format!("{} — {}, {}", lesson_title(l, &x), day_text(l, x.date), lesson_slot_text(l, &x)))}
            </p>
        }
    };
    let room_now = lesson.room.clone();
    let inputs = match kind {
        0 => view! {
            <ChoiceSelect id="tt-sub-teacher" label=|l| td_string!(l, tt_admin.substitute) value=teacher choices=choices errors=fields field=Field::TtTeacher />
            {dynv(free_status)}
        }
        .into_any(),
        1 => view! {
            <TextInput id="tt-cancel-reason" label=|l| td_string!(l, tt_admin.reason) value=reason errors=fields field=Field::Reason hint=|l| td_string!(l, tt_admin.cancel_hint) />
        }
        .into_any(),
        _ => view! {
            <div class="field-row">
                <TextInput id="tt-move-date" label=|l| td_string!(l, tt_admin.date) value=date errors=fields field=Field::Date kind="date" />
                <NumberSelect id="tt-move-number" value=number errors=fields />
            </div>
            <TextInput id="tt-move-room" label=|l| td_string!(l, tt_admin.room) value=room errors=fields field=Field::TtRoom />
            <p class="hint">
                {ltext(move |l| match &room_now {
                    Some(r) => td_string!(l, tt_admin.move_room_hint, room = r.as_str()),
                    None => td_string!(l, tt_admin.move_no_room_hint).to_string(),
                })}
            </p>
        }
        .into_any(),
    };
    let (save_id, save_label): (&'static str, crate::pages::Text) = match kind {
        0 => ("tt-sub-save", |l| td_string!(l, tt_admin.sub_assign)),
        1 => ("tt-cancel-save", |l| td_string!(l, tt_admin.cancel_lesson)),
        _ => ("tt-move-save", |l| td_string!(l, tt_admin.move_lesson)),
    };
    view! {
        <Modal testid="tt-lesson-dialog" title=title on_close=move || on_done(false)>
            <form class="dialog-form" on:submit=on_submit novalidate=true data-testid="tt-lesson-form">
                {about}
                {inputs}
                <SaveError error=error testid="tt-lesson-dialog-error" />
                <FormButtons testid=save_id label=save_label busy=busy on_cancel=Callback::new(move |_| on_done(false)) />
            </form>
        </Modal>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_travel_in_the_url() {
        for v in [View::Absences, View::Review, View::Day] {
            assert_eq!(View::parse(Some(v.param())), v);
        }
        assert_eq!(View::parse(None), View::Absences);
        assert_eq!(View::parse(Some("junk")), View::Absences);
        let school = Uuid::from_u128(1);
        assert_eq!(
            subs_href(school, View::Day, "&date=2026-11-30"),
            format!("/timetable/substitutions?school={school}&view=day&date=2026-11-30")
        );
    }
}
