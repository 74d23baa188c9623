//! `/diary?school=&student=&week=`: a student's week — lessons with topics, homework, marks
//! and absences, today highlighted, the homework due today; `/marks?school=&student=&period=`:
//! a period's marks by subject with averages, the final mark beside the suggested one, the
//! what-if calculator («Что если?», [`crate::what_if`]) per subject, and the feed of recent
//! marks.
//!
//! A student sees their own, a parent their children's (a switcher when there are several);
//! staff (admin, principal, teachers) open a student's from the class summary
//! (`?student=`, the student's name as a heading, no switcher; without a student a hint).
//! The server checks every request again (403 otherwise). The HTML comes from
//! [`crate::diary`].

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use otmetka_domain::ErrorCode;
use otmetka_domain::grading::{MarkScale, WorkType};
use otmetka_domain::journal::{Diary, MarkFeedItem, StudentMarks};
use uuid::Uuid;

use crate::access::{Area, SchoolOption};
use crate::api::ApiError;
use crate::auth::use_auth;
use crate::diary::{
    Tone, Whose, diary_href, diary_html, feed_html, marks_href, parse_id, parse_week,
    period_choices, period_select_html, pick_student, subject_body_html,
};
use crate::diary_api;
use crate::i18n::*;
use crate::load::Res;
use crate::pages::schedule::current_viewer;
use crate::pages::{Gate, LoadError, NoAccess, PageSchool, dynv, loading, ltext};
use crate::report_card::report_card_href;
use crate::schedule::children_html;
use crate::what_if::{
    self, State, available, chip_text, result_text, scale_of, value_choices, work_type_choices,
    work_type_text,
};

/// How many marks the feed shows.
const FEED_LIMIT: u32 = 20;

#[component]
pub fn DiaryPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Diary
            render=|school, _| school.map(|school| view! { <DiaryWeek school=school /> })
        />
    }
}

#[component]
pub fn MarksPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Diary
            render=|school, _| school.map(|school| view! { <Marks school=school /> })
        />
    }
}

/// A load that failed: "no access" for a 403, else the error with a retry button.
fn failed(
    err: ApiError,
    testid: &'static str,
    retry: impl Fn() + Copy + Send + Sync + 'static,
) -> AnyView {
    if err.code() == Some(ErrorCode::Forbidden) {
        view! { <NoAccess /> }.into_any()
    } else {
        view! { <LoadError error=err testid=testid retry_testid="load-retry" on_retry=retry /> }
            .into_any()
    }
}

/// Nothing to show: a hint for staff (open a student from the class summary), else the
/// account has no student.
fn no_student(whose: Whose, school_id: Uuid, marks: bool) -> AnyView {
    if whose == Whose::StaffHint {
        let classes = crate::access::NavItem::Classes.href(Some(school_id));
        let text = if marks {
            tr!(marks_page.staff_hint).into_any()
        } else {
            tr!(diary.staff_hint).into_any()
        };
        view! {
            <p class="note" data-testid="diary-staff-hint">
                {text}
                " "
                <a href=classes data-testid="diary-to-classes">{tr!(diary.to_classes)}</a>
            </p>
        }
        .into_any()
    } else {
        view! { <p class="note" data-testid="diary-no-student">{tr!(diary.no_student)}</p> }
            .into_any()
    }
}

/// The heading of a student a staff account opened: their name from the response.
fn student_heading(whose: Whose, testid: &'static str, id: Uuid, name: String) -> AnyView {
    if whose.is_staff() {
        view! {
            <h2 class="diary-student" data-testid=testid data-person-id=id.to_string()>{name}</h2>
        }
        .into_any()
    } else {
        ().into_any()
    }
}

#[component]
fn DiaryWeek(school: SchoolOption) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let query = use_query_map();
    let school_id = school.id;
    let viewer = Arc::new(current_viewer(school_id));
    // The student and the week as one memo read from the URL (see the schedule page).
    let shown = {
        let viewer = viewer.clone();
        Memo::new(move |_| {
            query.with(|q| {
                (
                    pick_student(&viewer, parse_id(q.get("student").as_deref())),
                    parse_week(q.get("week").as_deref()),
                )
            })
        })
    };
    let data = Res::new(move || {
        let (whose, week) = shown.get();
        async move {
            match whose.id() {
                Some(student) => diary_api::diary(auth, school_id, student, week)
                    .await
                    .map(Some),
                None => Ok(None::<Diary>),
            }
        }
    });
    let chooser = {
        let viewer = viewer.clone();
        move || {
            let (whose, week) = shown.get();
            let locale = i18n.get_locale();
            let mut out = String::new();
            if whose.is_staff() {
                return out;
            }
            children_html(
                &mut out,
                &viewer,
                whose.id(),
                &|id| diary_href(school_id, Some(id), week.as_deref()),
                td_string!(locale, diary.mine),
                locale,
            );
            out
        }
    };
    let body = move || match data.get() {
        None => loading(),
        Some(Err(err)) => failed(err, "diary-load-error", move || data.refetch()),
        Some(Ok(None)) => no_student(shown.get_untracked().0, school_id, false),
        Some(Ok(Some(diary))) => {
            let diary = Arc::new(diary);
            let student = diary.student_id;
            let heading = student_heading(
                shown.get_untracked().0,
                "diary-student",
                student,
                diary.student_name.clone(),
            );
            view! {
                {heading}
                <div
                    class="diary"
                    inner_html=move || {
                        diary_html(
                            &diary,
                            &|week| diary_href(school_id, Some(student), week),
                            i18n.get_locale(),
                        )
                    }
                ></div>
            }
            .into_any()
        }
    };
    let to_marks = move || marks_href(school_id, shown.get().0.id(), None);
    view! {
        <section class="page page-wide" data-testid="diary-page">
            <h1>{tr!(diary.title)}</h1>
            <PageSchool school=Some(school) />
            <div class="toolbar schedule-chooser" inner_html=chooser></div>
            {dynv(body)}
            <p class="schedule-more" hidden=move || shown.get().0 == Whose::StaffHint>
                <a href=to_marks data-testid="diary-to-marks">{tr!(diary.to_marks)}</a>
            </p>
        </section>
    }
}

#[component]
fn Marks(school: SchoolOption) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let school_id = school.id;
    let viewer = Arc::new(current_viewer(school_id));
    let shown = {
        let viewer = viewer.clone();
        Memo::new(move |_| {
            query.with(|q| {
                (
                    pick_student(&viewer, parse_id(q.get("student").as_deref())),
                    parse_id(q.get("period").as_deref()),
                )
            })
        })
    };
    let student = Memo::new(move |_| shown.get().0.id());
    let marks = Res::new(move || {
        let (whose, period) = shown.get();
        async move {
            match whose.id() {
                Some(student) => diary_api::marks(auth, school_id, student, period)
                    .await
                    .map(Some),
                None => Ok(None::<StudentMarks>),
            }
        }
    });
    let feed = Res::new(move || {
        let student = student.get();
        async move {
            match student {
                Some(student) => diary_api::recent_marks(auth, school_id, student, FEED_LIMIT)
                    .await
                    .map(Some),
                None => Ok(None::<Vec<MarkFeedItem>>),
            }
        }
    });
    let periods = Res::new(move || diary_api::current_periods(auth, school_id));

    // The child switcher and the period select, as HTML; a change of the select opens the
    // chosen period.
    // A 403: the subjects say "no access"; no period select, no feed.
    let forbidden = Memo::new(
        move |_| matches!(marks.get(), Some(Err(err)) if err.code() == Some(ErrorCode::Forbidden)),
    );
    let controls = {
        let viewer = viewer.clone();
        move || {
            let (whose, period) = shown.get();
            let student = whose.id();
            let locale = i18n.get_locale();
            let mut out = String::new();
            if !whose.is_staff() {
                children_html(
                    &mut out,
                    &viewer,
                    student,
                    &|id| marks_href(school_id, Some(id), period),
                    td_string!(locale, marks_page.mine),
                    locale,
                );
            }
            let loaded = marks.get().and_then(Result::ok).flatten();
            let shown_period = loaded.as_ref().map(|m| &m.period);
            let list = periods.get().and_then(Result::ok).unwrap_or_default();
            let choices = period_choices(&list, shown_period);
            if student.is_some() && !choices.is_empty() && !forbidden.get() {
                let chosen = shown_period.map(|p| p.id).or(period);
                out.push_str(&period_select_html(&choices, chosen, locale));
            }
            out
        }
    };
    let go = StoredValue::new(move |href: String| navigate(&href, NavigateOptions::default()));
    let on_change = move |ev: leptos::ev::Event| {
        use leptos::wasm_bindgen::JsCast as _;
        let is_period = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| el.id() == "marks-period");
        if !is_period {
            return;
        }
        let Ok(period) = Uuid::parse_str(&event_target_value(&ev)) else {
            return;
        };
        let href = marks_href(school_id, student.get_untracked(), Some(period));
        go.with_value(|go| go(href));
    };

    let body = move || match marks.get() {
        None => loading(),
        Some(Err(err)) => failed(err, "marks-load-error", move || marks.refetch()),
        Some(Ok(None)) => no_student(shown.get_untracked().0, school_id, true),
        Some(Ok(Some(m))) => view! {
            <div class="marks"><MarksSubjects marks=Arc::new(m) /></div>
        }
        .into_any(),
    };
    let feed_body = move || match feed.get() {
        None => loading(),
        // The subjects already say "no access".
        Some(Err(err)) if err.code() == Some(ErrorCode::Forbidden) => ().into_any(),
        Some(Err(err)) => failed(err, "feed-load-error", move || feed.refetch()),
        Some(Ok(None)) => ().into_any(),
        Some(Ok(Some(items))) => {
            let items = Arc::new(items);
            view! {
                <div
                    inner_html=move || {
                        let today = chrono::Local::now().date_naive();
                        feed_html(&items, &chrono::Local, today, i18n.get_locale())
                    }
                ></div>
            }
            .into_any()
        }
    };
    // A staff account's student: the name from the response, above the subjects and the feed.
    let heading = move || match marks.get() {
        Some(Ok(Some(m))) => student_heading(
            shown.get_untracked().0,
            "marks-student",
            m.student_id,
            m.student_name,
        ),
        _ => ().into_any(),
    };
    let to_diary = move || diary_href(school_id, student.get(), None);
    let to_card = move || report_card_href(school_id, student.get(), None);
    view! {
        <section class="page page-wide" data-testid="marks-page">
            <h1>{tr!(marks_page.title)}</h1>
            <PageSchool school=Some(school) />
            {dynv(heading)}
            <div class="toolbar schedule-chooser marks-controls" on:change=on_change inner_html=controls></div>
            <div class="marks-layout">
                <aside class="marks-feed" data-testid="marks-feed" hidden=move || forbidden.get()>
                    <h2>{tr!(marks_page.feed_title)}</h2>
                    {dynv(feed_body)}
                </aside>
                <div class="marks-main">
                    <h2 class="visually-hidden">{tr!(marks_page.subjects_title)}</h2>
                    {dynv(body)}
                </div>
            </div>
            <p class="schedule-more" hidden=move || shown.get().0 == Whose::StaffHint>
                <a href=to_diary data-testid="marks-to-diary">{tr!(marks_page.to_diary)}</a>
                " · "
                <a href=to_card data-testid="marks-to-report-card">{tr!(report_card.open)}</a>
            </p>
        </section>
    }
}

/// The subjects of the marks page: each a card with its marks, average and final mark (HTML from
/// [`subject_body_html`]) and, where the scale has numbers, the what-if panel.
#[component]
fn MarksSubjects(marks: Arc<StudentMarks>) -> impl IntoView {
    let i18n = use_i18n();
    let count = marks.subjects.len();
    let cards = (0..count)
        .map(|index| {
            let subject = &marks.subjects[index];
            let course = subject.course_id.to_string();
            let calculator = scale_of(&marks, subject)
                .filter(|scale| {
                    available(scale) && !work_type_choices(&marks.work_types).is_empty()
                })
                .cloned();
            let body = {
                let marks = marks.clone();
                move || {
                    let subject = &marks.subjects[index];
                    subject_body_html(subject, scale_of(&marks, subject), i18n.get_locale())
                }
            };
            let panel = calculator.map(|scale| {
                let calc = Arc::new(Calc {
                    marks: marks.clone(),
                    index,
                    types: work_type_choices(&marks.work_types)
                        .into_iter()
                        .cloned()
                        .collect(),
                    scale,
                });
                view! { <WhatIfPanel calc=calc /> }
            });
            view! {
                <section
                    class="ms"
                    data-testid=format!("marks-subject-{course}")
                    data-course-id=course
                    data-count=subject.mark_count
                    data-absences=subject.absences
                >
                    <div class="ms-body" inner_html=body></div>
                    {panel}
                </section>
            }
        })
        .collect_view();
    view! {
        <div
            class="marks-subjects"
            data-testid="marks-subjects"
            data-period-id=marks.period.id.to_string()
            data-count=count
        >
            {(count == 0).then(|| view! {
                <p class="note" data-testid="marks-none">{tr!(marks_page.no_subjects)}</p>
            })}
            {cards}
        </div>
    }
}

/// What one subject's what-if panel computes with.
struct Calc {
    marks: Arc<StudentMarks>,
    index: usize,
    scale: MarkScale,
    /// The work types in the school's order.
    types: Vec<WorkType>,
}

impl Calc {
    fn outcome(&self, state: &State) -> what_if::Outcome {
        what_if::outcome(
            &self.marks.subjects[self.index],
            &self.scale,
            state,
            self.marks.rounding_threshold,
        )
    }
}

/// «Что если?»: hypothetical marks of a subject (value and work type), removable chips, and the
/// average and suggested final mark they would give — computed here, nothing is sent.
#[component]
fn WhatIfPanel(calc: Arc<Calc>) -> impl IntoView {
    let i18n = use_i18n();
    let course = calc.marks.subjects[calc.index].course_id;
    let state = RwSignal::new(State::default());
    let values: Vec<(String, String)> = value_choices(&calc.scale)
        .into_iter()
        .map(|v| (v.value.clone(), v.label.clone()))
        .collect();
    let value = RwSignal::new(values.first().map(|v| v.0.clone()).unwrap_or_default());
    let work_type = RwSignal::new(calc.types.first().map(|w| w.id).unwrap_or_default());
    let outcome = {
        let calc = calc.clone();
        Memo::new(move |_| state.with(|s| calc.outcome(s)))
    };
    let on_add = {
        let calc = calc.clone();
        move |_| {
            let (v, w) = (value.get_untracked(), work_type.get_untracked());
            state.update(|s| {
                s.add(&calc.scale, &calc.types, &v, w);
            });
        }
    };
    let value_options = values
        .into_iter()
        .map(|(v, label)| view! { <option value=v>{label}</option> })
        .collect_view();
    let type_options = calc
        .types
        .iter()
        .map(|w| {
            let id = w.id.to_string();
            let w = w.clone();
            view! { <option value=id>{ltext(move |l| work_type_text(&w, l))}</option> }
        })
        .collect_view();
    let chips = move || {
        let locale = i18n.get_locale();
        state.with(|s| {
            if s.is_empty() {
                return view! {
                    <p class="muted wi-empty" data-testid=format!("what-if-empty-{course}")>
                        {td_string!(locale, what_if.empty)}
                    </p>
                }
                .into_any();
            }
            let items = s
                .added
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let text = chip_text(a, locale);
                    let remove = td_string!(locale, what_if.remove, mark = text.clone());
                    view! {
                        <li class="wi-chip" data-testid=format!("what-if-chip-{course}") data-value=a.value.clone() data-weight=a.weight.to_string()>
                            <span class=format!("mk {}", Tone::of_value(&a.value).class()) title=a.work_type_name.clone()>
                                {text}
                            </span>
                            <button
                                type="button"
                                class="wi-remove"
                                data-testid=format!("what-if-remove-{course}-{i}")
                                aria-label=remove.clone()
                                title=remove
                                on:click=move |_| state.update(|s| s.remove(i))
                            >
                                "×"
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <ul class="wi-chips" aria-label=td_string!(locale, what_if.added)>{items}</ul>
            }
            .into_any()
        })
    };
    let result = {
        let calc = calc.clone();
        move || result_text(&outcome.get(), &calc.scale, i18n.get_locale())
    };
    let value_id = format!("what-if-value-{course}");
    let type_id = format!("what-if-type-{course}");
    let (value_for, type_for) = (value_id.clone(), type_id.clone());
    view! {
        <details class="wi" data-testid=format!("what-if-{course}")>
            <summary class="wi-summary" data-testid=format!("what-if-open-{course}")>
                {tr!(what_if.title)}
            </summary>
            <div class="wi-body">
                <p class="hint">{tr!(what_if.hint)}</p>
                <div class="wi-form">
                    <label class="inline-field" for=value_for>
                        <span>{tr!(what_if.value)}</span>
                        <select
                            id=value_id.clone()
                            data-testid=value_id
                            on:change=move |ev| value.set(event_target_value(&ev))
                        >
                            {value_options}
                        </select>
                    </label>
                    <label class="inline-field" for=type_for>
                        <span>{tr!(what_if.work_type)}</span>
                        <select
                            id=type_id.clone()
                            data-testid=type_id
                            on:change=move |ev| {
                                if let Ok(id) = Uuid::parse_str(&event_target_value(&ev)) {
                                    work_type.set(id);
                                }
                            }
                        >
                            {type_options}
                        </select>
                    </label>
                    <button type="button" class="button" data-testid=format!("what-if-add-{course}") on:click=on_add>
                        {tr!(what_if.add)}
                    </button>
                </div>
                {dynv(chips)}
                <p
                    class="wi-result"
                    role="status"
                    aria-live="polite"
                    data-testid=format!("what-if-result-{course}")
                    data-average=move || {
                        outcome.get().then.average.average.map(|a| format!("{a:.2}")).unwrap_or_default()
                    }
                    data-suggested=move || {
                        outcome.get().then.suggested.map(|n| n.to_string()).unwrap_or_default()
                    }
                >
                    {result}
                </p>
                <button
                    type="button"
                    class="button button-quiet"
                    data-testid=format!("what-if-reset-{course}")
                    disabled=move || state.with(State::is_empty)
                    on:click=move |_| state.update(State::reset)
                >
                    {tr!(what_if.reset)}
                </button>
            </div>
        </details>
    }
}
