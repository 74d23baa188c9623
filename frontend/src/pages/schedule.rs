//! `/today?school=`: a teacher's lessons today (or, on a day without lessons, the next day's);
//! `/schedule?school=&by=&id=&room=&week=`: a week of a teacher, a class, a room or a student.
//!
//! Staff (admin, principal, teacher) see the teacher, class and room views (only the admin and
//! the principal choose another teacher); a student sees their own week, a parent their
//! children's. The server checks every view again (403 otherwise).

use std::sync::Arc;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use otmetka_domain::ErrorCode;
use otmetka_domain::person::{Person, PersonKind};
use otmetka_domain::structure::Class;
use otmetka_domain::timetable::Schedule;

use crate::access::{Area, SchoolOption};
use crate::api;
use crate::auth::use_auth;
use crate::i18n::*;
use crate::load::Res;
use crate::pages::{Gate, LoadError, NoAccess, PageSchool, dynv, loaded, loading};
use crate::schedule::{
    Choice, Controls, Mode, PageLink, Target, Viewer, When, controls_html, day_with_weekday,
    held_count, lessons_html, long_day, page_state, week_html, week_nav_html,
};
use crate::schedule_api::{self, TodayData, no_lessons};
use crate::table::escape;

#[component]
pub fn TodayPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Today
            render=|school, _| school.map(|school| view! { <Today school=school /> })
        />
    }
}

/// The viewer in a school, from the signed-in account.
pub(crate) fn current_viewer(school_id: uuid::Uuid) -> Viewer {
    let auth = use_auth();
    auth.me
        .with_untracked(|m| m.as_ref().map(|m| crate::schedule::viewer(m, school_id)))
        .unwrap_or_default()
}

#[component]
fn Today(school: SchoolOption) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let school_id = school.id;
    let teacher = current_viewer(school_id).teacher;
    let week_href = PageLink {
        school_id,
        mode: Mode::Teacher,
        id: None,
        room: None,
    }
    .href(None);
    let body = match teacher {
        None => view! {
            <p class="note" data-testid="schedule-no-person">{tr!(schedule_view.no_person)}</p>
        }
        .into_any(),
        Some(person) => {
            let data =
                Res::new(move || schedule_api::today(auth, school_id, Target::Teacher(person)));
            loaded(data, "today-load-error", move |d: TodayData| {
                let d = Arc::new(d);
                view! {
                    <div class="today" inner_html=move || today_html(&d, Some(person), i18n.get_locale())></div>
                }
            })
            .into_any()
        }
    };
    view! {
        <section class="page" data-testid="today-page">
            <h1>{tr!(schedule_view.today_title)}</h1>
            <PageSchool school=Some(school) />
            {body}
            <p class="schedule-more">
                <a href=week_href data-testid="today-week-link">{tr!(schedule_view.to_week)}</a>
            </p>
        </section>
    }
}

/// The "Today" page's body: the date, today's lessons, or why there are none and the next day's.
pub fn today_html(d: &TodayData, teacher: Option<uuid::Uuid>, locale: Locale) -> String {
    let today = &d.today;
    let mut out = String::with_capacity(4096);
    out.push_str("<p class=\"today-date\" data-testid=\"today-date\" data-date=\"");
    out.push_str(&today.today.to_string());
    out.push_str("\">");
    escape(&long_day(today.today, locale), &mut out);
    out.push_str("</p>");
    let lessons: Vec<_> = today
        .days
        .iter()
        .flat_map(|day| day.lessons.iter().cloned())
        .collect();
    if !lessons.is_empty() {
        count_html(&mut out, "today-count", held_count(&lessons), locale);
        out.push_str(&lessons_html(
            &lessons,
            Mode::Teacher,
            teacher,
            locale,
            "today-lessons",
        ));
        return out;
    }
    let why = today.days.first().and_then(|day| {
        day.holiday.clone().or_else(|| {
            if !day.is_school_day {
                Some(td_string!(locale, schedule_view.day_off).to_string())
            } else if day.weekday >= 6 {
                Some(td_string!(locale, schedule_view.weekend).to_string())
            } else {
                None
            }
        })
    });
    out.push_str("<p class=\"note\" data-testid=\"today-none\">");
    match why {
        Some(why) => escape(
            &td_string!(locale, schedule_view.today_none_because, why = why),
            &mut out,
        ),
        None => escape(td_string!(locale, schedule_view.today_none), &mut out),
    }
    out.push_str("</p>");
    match &d.next {
        Some(next) if !no_lessons(next) => {
            let lessons: Vec<_> = next
                .days
                .iter()
                .flat_map(|day| day.lessons.iter().cloned())
                .collect();
            out.push_str(
                "<h2 class=\"next-day-title\" data-testid=\"next-day-title\" data-date=\"",
            );
            out.push_str(&next.from.to_string());
            out.push_str("\">");
            escape(
                &td_string!(
                    locale,
                    schedule_view.next_day,
                    day = day_with_weekday(next.from, locale)
                ),
                &mut out,
            );
            out.push_str("</h2>");
            count_html(&mut out, "next-count", held_count(&lessons), locale);
            out.push_str(&lessons_html(
                &lessons,
                Mode::Teacher,
                teacher,
                locale,
                "next-lessons",
            ));
        }
        _ => {
            out.push_str("<p class=\"muted\" data-testid=\"no-next\">");
            escape(td_string!(locale, schedule_view.no_next), &mut out);
            out.push_str("</p>");
        }
    }
    out
}

fn count_html(out: &mut String, testid: &str, n: u64, locale: Locale) {
    out.push_str("<p class=\"count\" data-testid=\"");
    out.push_str(testid);
    out.push_str("\" data-count=\"");
    out.push_str(&n.to_string());
    out.push_str("\">");
    escape(&crate::schedule::lessons_text(locale, n), out);
    out.push_str("</p>");
}

#[component]
pub fn SchedulePage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Schedule
            render=|school, _| school.map(|school| view! { <Week school=school /> })
        />
    }
}

#[component]
fn Week(school: SchoolOption) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let school_id = school.id;
    let viewer = Arc::new(current_viewer(school_id));
    let state = move || {
        query.with(|q| {
            page_state(
                q.get("by").as_deref(),
                q.get("id").as_deref(),
                q.get("room").as_deref(),
                q.get("week").as_deref(),
            )
        })
    };
    // The view and the week, as one memo read directly from the URL: a resource that read two
    // memos, one derived from the other, would miss a change of the week alone (the derived
    // memo brings its source up to date first, and the resource then sees no change).
    let shown = {
        let viewer = viewer.clone();
        Memo::new(move |_| {
            let s = state();
            (viewer.resolve(&s), s.week)
        })
    };
    let resolved = move || shown.with(|s| s.0.clone());
    let week_of = move || shown.with(|s| s.1.clone());
    // The week with the view it was loaded for, so that a page still showing the previous
    // view's week while the next one loads never mixes the two.
    let data = Res::new(move || {
        let (resolved, week) = shown.get();
        let when = week.map(When::Week).unwrap_or(When::CurrentWeek);
        async move {
            match resolved {
                Some((mode, Some(target))) => {
                    schedule_api::schedule(auth, school_id, target.clone(), when)
                        .await
                        .map(|s| Some((mode, target, s)))
                }
                _ => Ok(None),
            }
        }
    });
    let staff = viewer.staff;
    let any_teacher = viewer.any_teacher;
    let classes = Res::new(move || async move {
        if staff {
            let mut list = api::classes(auth, school_id).await?;
            crate::roster::sort_classes(&mut list);
            Ok(list)
        } else {
            Ok(Vec::<Class>::new())
        }
    });
    let teachers = Res::new(move || async move {
        if any_teacher {
            api::persons(auth, school_id, Some(PersonKind::Staff), None, 500, 0)
                .await
                .map(|page| page.items)
        } else {
            Ok(Vec::<Person>::new())
        }
    });
    let go = StoredValue::new(move |href: String| navigate(&href, NavigateOptions::default()));
    let link = move |mode: Mode, id: Option<uuid::Uuid>, room: Option<String>| PageLink {
        school_id,
        mode,
        id,
        room,
    };

    // Tabs and the chooser of the current view (a teacher, a class, a child) as HTML; a change
    // of one of its selects opens the chosen week.
    let room_typed = RwSignal::new(untrack(state).room.unwrap_or_default());
    let controls = {
        let viewer = viewer.clone();
        move || {
            let Some((mode, target)) = resolved() else {
                return String::new();
            };
            let choices = |list: Option<Vec<Choice>>| list.unwrap_or_default();
            let teachers = choices(match mode {
                Mode::Teacher if any_teacher => teachers.get().and_then(Result::ok).map(|list| {
                    list.into_iter()
                        .map(|p| Choice {
                            id: p.id,
                            name: p.full_name(),
                        })
                        .collect()
                }),
                _ => None,
            });
            let classes = choices(match mode {
                Mode::Class => classes.get().and_then(Result::ok).map(|list| {
                    list.into_iter()
                        .map(|c| Choice {
                            id: c.id,
                            name: c.name,
                        })
                        .collect()
                }),
                _ => None,
            });
            let page = Controls {
                school_id,
                mode,
                chosen: target.as_ref().and_then(Target::id),
                week: week_of(),
            };
            controls_html(&viewer, &page, &teachers, &classes, i18n.get_locale())
        }
    };
    let on_pick = move |ev: leptos::ev::Event| {
        use leptos::wasm_bindgen::JsCast as _;
        let Some(select) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let Some(mode) = select
            .get_attribute("data-mode")
            .and_then(|m| Mode::parse(&m))
        else {
            return;
        };
        let id = uuid::Uuid::parse_str(&event_target_value(&ev)).ok();
        let href = link(mode, id, None).href(week_of().as_deref());
        go.with_value(|go| go(href));
    };
    let room_form = move || {
        (resolved().map(|(m, _)| m) == Some(Mode::Room)).then(|| {
            let on_submit = move |ev: SubmitEvent| {
                ev.prevent_default();
                let room = room_typed.get_untracked().trim().to_string();
                let href = link(Mode::Room, None, (!room.is_empty()).then_some(room))
                    .href(week_of().as_deref());
                go.with_value(|go| go(href));
            };
            view! {
                <form class="toolbar schedule-room" on:submit=on_submit>
                    <label class="inline-field inline-field-grow" for="schedule-room">
                        <span>{tr!(schedule_view.room)}</span>
                        <input
                            id="schedule-room"
                            data-testid="schedule-room"
                            type="text"
                            autocomplete="off"
                            maxlength="50"
                            bind:value=room_typed
                        />
                    </label>
                    <button type="submit" class="button" data-testid="schedule-room-show">
                        {tr!(schedule_view.show)}
                    </button>
                </form>
            }
        })
    };

    // The week itself, or what is still to be chosen.
    let body = move || {
        match data.get() {
        None => loading(),
        Some(Err(err)) if err.code() == Some(ErrorCode::Forbidden) => {
            view! { <NoAccess /> }.into_any()
        }
        Some(Err(err)) => view! {
            <LoadError error=err testid="schedule-load-error" retry_testid="schedule-retry" on_retry=move || data.refetch() />
        }
        .into_any(),
        Some(Ok(None)) => {
            let mode = resolved().map(|(m, _)| m);
            let text = move |l: Locale| match mode {
                Some(Mode::Teacher) if any_teacher => td_string!(l, schedule_view.pick_teacher),
                Some(Mode::Teacher) => td_string!(l, schedule_view.no_person),
                Some(Mode::Class) => td_string!(l, schedule_view.pick_class),
                Some(Mode::Room) => td_string!(l, schedule_view.pick_room),
                _ => td_string!(l, schedule_view.nothing),
            };
            view! {
                <p class="note" data-testid="schedule-pick">
                    {dynv(move || text(i18n.get_locale()).into_any())}
                </p>
            }
            .into_any()
        }
        Some(Ok(Some((mode, target, schedule)))) => {
            let teacher = target.teacher();
            let page = match &target {
                Target::Room(room) => link(mode, None, Some(room.clone())),
                Target::Teacher(id) if any_teacher => link(mode, Some(*id), None),
                Target::Teacher(_) => link(mode, None, None),
                Target::Class(id) | Target::Student(id) => link(mode, Some(*id), None),
            };
            let schedule = Arc::new(schedule);
            view! {
                <div
                    class="schedule"
                    inner_html=move || week_body_html(&schedule, &page, mode, teacher, i18n.get_locale())
                ></div>
            }
            .into_any()
        }
    }
    };

    view! {
        <section class="page page-wide" data-testid="schedule-page">
            <h1>{tr!(schedule_view.title)}</h1>
            <PageSchool school=Some(school) />
            <div class="schedule-controls" on:change=on_pick inner_html=controls></div>
            {room_form}
            {dynv(body)}
        </section>
    }
}

/// The week page's body: navigation, the number of lessons, the grid.
pub fn week_body_html(
    schedule: &Schedule,
    page: &PageLink,
    mode: Mode,
    teacher: Option<uuid::Uuid>,
    locale: Locale,
) -> String {
    let mut out = week_nav_html(schedule, page, locale);
    let held: u64 = schedule.days.iter().map(|d| held_count(&d.lessons)).sum();
    out.push_str("<p class=\"count\" data-testid=\"schedule-count\" data-count=\"");
    out.push_str(&held.to_string());
    out.push_str("\">");
    let any = schedule.days.iter().any(|d| !d.lessons.is_empty());
    if any {
        escape(
            &td_string!(locale, schedule_view.lessons_week, count = held),
            &mut out,
        );
    } else {
        escape(td_string!(locale, schedule_view.no_lessons_week), &mut out);
    }
    out.push_str("</p>");
    out.push_str(&week_html(schedule, mode, teacher, locale));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::tests::{T1, T2, day, lesson};
    use otmetka_domain::timetable::ScheduleDay;

    fn one_day(
        date: chrono::NaiveDate,
        weekday: i32,
        lessons: Vec<otmetka_domain::timetable::Lesson>,
    ) -> Schedule {
        Schedule {
            today: date,
            time_zone: "Europe/Moscow".into(),
            from: date,
            to: date,
            days: vec![ScheduleDay {
                date,
                weekday,
                is_school_day: true,
                holiday: None,
                lessons,
            }],
            next_lesson_date: None,
        }
    }

    #[test]
    fn sunday_points_to_mondays_lessons() {
        let sunday = day(2026, 11, 29);
        let monday = day(2026, 11, 30);
        let mut today = one_day(sunday, 7, Vec::new());
        today.next_lesson_date = Some(monday);
        let mut next = one_day(monday, 1, vec![lesson(monday, 1, "Английский язык")]);
        next.today = sunday;
        let mut covered = lesson(monday, 2, "Английский язык");
        covered.substitute_id = Some(T2);
        covered.substitute_name = Some("Петрова Мария Михайловна".into());
        next.days[0].lessons.push(covered);
        let html = today_html(
            &TodayData {
                today,
                next: Some(next),
            },
            Some(T1),
            Locale::ru,
        );
        assert!(html.contains("Воскресенье, 29.11.2026"), "{html}");
        assert!(html.contains("Сегодня уроков нет: выходной."), "{html}");
        assert!(
            html.contains("Ближайшие уроки — понедельник, 30.11.2026"),
            "{html}"
        );
        assert!(html.contains("data-testid=\"next-lessons\""), "{html}");
        assert!(html.contains(">2 урока</p>"), "{html}");
        assert!(html.contains("Заменяет: Петрова\u{a0}М.\u{a0}М."), "{html}");
        assert!(!html.contains("no-next"), "{html}");
    }

    #[test]
    fn a_holiday_says_its_name_and_a_school_day_lists_lessons() {
        let d = day(2026, 11, 4);
        let mut today = one_day(d, 3, Vec::new());
        today.days[0].holiday = Some("День народного единства".into());
        today.days[0].is_school_day = false;
        let html = today_html(&TodayData { today, next: None }, Some(T1), Locale::en);
        assert!(
            html.contains("No lessons today: День народного единства."),
            "{html}"
        );
        assert!(html.contains("data-testid=\"no-next\""), "{html}");

        let d = day(2026, 12, 1);
        let today = one_day(
            d,
            2,
            vec![lesson(d, 1, "Математика"), lesson(d, 2, "Физика")],
        );
        let html = today_html(&TodayData { today, next: None }, Some(T1), Locale::ru);
        assert!(html.contains("data-testid=\"today-lessons\""), "{html}");
        assert!(html.contains(">2 урока</p>"), "{html}");
        assert!(!html.contains("today-none"), "{html}");
    }

    #[test]
    fn the_week_body_counts_held_lessons() {
        let d = day(2026, 12, 1);
        let mut s = one_day(
            d,
            2,
            vec![lesson(d, 1, "Математика"), lesson(d, 2, "Физика")],
        );
        s.days[0].lessons[1].status = otmetka_domain::timetable::LessonStatus::Cancelled;
        let page = PageLink {
            school_id: T1,
            mode: Mode::Class,
            id: Some(T2),
            room: None,
        };
        let html = week_body_html(&s, &page, Mode::Class, None, Locale::ru);
        assert!(html.contains(">1 урок на неделе</p>"), "{html}");
        assert!(html.contains("data-testid=\"week-nav\""), "{html}");
        s.days[0].lessons.clear();
        let html = week_body_html(&s, &page, Mode::Class, None, Locale::ru);
        assert!(html.contains(">На этой неделе уроков нет</p>"), "{html}");
    }
}
