//! `/diary?school=&student=&week=`: a student's week — lessons with topics, homework, marks
//! and absences, today highlighted, the homework due today; `/marks?school=&student=&period=`:
//! a period's marks by subject with averages, and the feed of recent marks.
//!
//! A student sees their own, a parent their children's (a switcher when there are several);
//! the server checks every request again (403 otherwise). The HTML comes from
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
    diary_href, diary_html, feed_html, marks_href, marks_html, parse_id, parse_week,
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

fn no_student() -> AnyView {
    view! { <p class="note" data-testid="diary-no-student">{tr!(diary.no_student)}</p> }.into_any()
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
        let (student, week) = shown.get();
        async move {
            match student {
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
            let (student, week) = shown.get();
            let locale = i18n.get_locale();
            let mut out = String::new();
            children_html(
                &mut out,
                &viewer,
                student,
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
        Some(Ok(None)) => no_student(),
        Some(Ok(Some(diary))) => {
            let diary = Arc::new(diary);
            let student = diary.student_id;
            view! {
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
    let to_marks = move || marks_href(school_id, shown.get().0, None);
    view! {
        <section class="page page-wide" data-testid="diary-page">
            <h1>{tr!(diary.title)}</h1>
            <PageSchool school=Some(school) />
            <div class="toolbar schedule-chooser" inner_html=chooser></div>
            {dynv(body)}
            <p class="schedule-more">
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
    let student = Memo::new(move |_| shown.get().0);
    let marks = Res::new(move || {
        let (student, period) = shown.get();
        async move {
            match student {
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
    let controls = {
        let viewer = viewer.clone();
        move || {
            let (student, period) = shown.get();
            let locale = i18n.get_locale();
            let mut out = String::new();
            children_html(
                &mut out,
                &viewer,
                student,
                &|id| marks_href(school_id, Some(id), period),
                td_string!(locale, marks_page.mine),
                locale,
            );
            let loaded = marks.get().and_then(Result::ok).flatten();
            let shown_period = loaded.as_ref().map(|m| &m.period);
            let list = periods.get().and_then(Result::ok).unwrap_or_default();
            let choices = period_choices(&list, shown_period);
            if student.is_some() && !choices.is_empty() {
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
        Some(Ok(None)) => no_student(),
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
    let to_diary = move || diary_href(school_id, student.get(), None);
    view! {
        <section class="page page-wide" data-testid="marks-page">
            <h1>{tr!(marks_page.title)}</h1>
            <PageSchool school=Some(school) />
            <div class="toolbar schedule-chooser marks-controls" on:change=on_change inner_html=controls></div>
            <div class="marks-layout">
                <aside class="marks-feed" data-testid="marks-feed">
                    <h2>{tr!(marks_page.feed_title)}</h2>
                    {dynv(feed_body)}
                </aside>
                <div class="marks-main">
                    <h2 class="visually-hidden">{tr!(marks_page.subjects_title)}</h2>
                    {dynv(body)}
                </div>
            </div>
            <p class="schedule-more">
                <a href=to_diary data-testid="marks-to-diary">{tr!(marks_page.to_diary)}</a>
            </p>
        </section>
    }
}
