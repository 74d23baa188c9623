//! `/diary?school=&student=&week=`: a student's week — lessons with topics, homework, marks
//! and absences, today highlighted, the homework due today; `/marks?school=&student=&period=`:
//! a period's marks by subject with averages, and the feed of recent marks.
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
use otmetka_domain::journal::{Diary, MarkFeedItem, StudentMarks};
use uuid::Uuid;

use crate::access::{Area, SchoolOption};
use crate::api::ApiError;
use crate::auth::use_auth;
use crate::diary::{
    Whose, diary_href, diary_html, feed_html, marks_href, marks_html, parse_id, parse_week,
    period_choices, period_select_html, pick_student,
};
use crate::diary_api;
use crate::i18n::*;
use crate::load::Res;
use crate::pages::schedule::current_viewer;
use crate::pages::{Gate, LoadError, NoAccess, PageSchool, dynv, loading};
use crate::schedule::children_html;

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
        Some(Ok(Some(m))) => {
            let m = Arc::new(m);
            view! {
                <div class="marks" inner_html=move || marks_html(&m, i18n.get_locale())></div>
            }
            .into_any()
        }
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
            </p>
        </section>
    }
}
