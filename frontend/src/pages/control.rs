//! `/reports/control?school=&week=&teacher=&course=&course_teacher=&issue=`: the weekly
//! journal-keeping control (контроль ведения журнала) of the principal and the admin; a teacher
//! sees their own rows (the server filters). An ISO week with previous / next / this week, the
//! teachers' scores as a bar chart, the teachers' and the courses' tables (those of the CSV/XLSX
//! exports) and, for a course row, the drill-down: the lessons or students behind a number
//! (a click on «Без темы» lists the lessons without a topic). The logic is in [`crate::control`].

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use otmetka_domain::ErrorCode;
use otmetka_domain::reports::{ControlDetail, JournalControl, control_tables};
use uuid::Uuid;

use crate::access::{Area, SchoolOption};
use crate::auth::use_auth;
use crate::charts::BarChart;
use crate::control::{
    ISSUES, View, clicked_issue, control_href, control_query, course_row, detail_html, filtered,
    iso_week_code, issue_count, issue_param, issue_text, monday_of, parse_issue, parse_week,
    score_chart_data, shift_week, week_label,
};
use crate::control_api;
use crate::i18n::*;
use crate::load::Res;
use crate::pages::{Gate, LoadError, NoAccess, PageSchool, dynv, loading, ltext};
use crate::report_view::{ExportButtons, ReportTableView};

#[component]
pub fn ControlPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Reports
            render=|school, _| school.map(|school| view! { <Control school=school /> })
        />
    }
}

/// The browser's today (the week shown before the server answers).
fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

#[component]
fn Control(school: SchoolOption) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let school_id = school.id;
    let shown = Memo::new(move |_| {
        query.with(|q| {
            let p = View::PARAMS.map(|name| q.get(name));
            View::parse(p.each_ref().map(|v| v.as_deref()))
        })
    });
    let week = Memo::new(move |_| shown.get().week);
    let data = Res::new(move || control_api::control(auth, school_id, week.get(), None));
    let detail_key = Memo::new(move |_| {
        let v = shown.get();
        v.course.map(|c| (c, v.week, v.course_teacher, v.issue))
    });
    let detail = Res::new(move || {
        let key = detail_key.get();
        async move {
            match key {
                Some((course, week, teacher, issue)) => {
                    control_api::control_detail(auth, school_id, course, week, teacher, issue)
                        .await
                        .map(Some)
                }
                None => Ok(None::<ControlDetail>),
            }
        }
    });
    let report = Memo::new(move |_| data.get().and_then(Result::ok));
    // The Monday shown: the one asked for, else the server's week, else this week.
    let monday = Memo::new(move |_| {
        shown
            .get()
            .week
            .or_else(|| report.with(|r| r.as_ref().map(|r| r.from)))
            .unwrap_or_else(|| monday_of(today()))
    });

    let go = Callback::new(move |v: View| {
        navigate(&control_href(school_id, v), NavigateOptions::default())
    });
    let go_week = move |w: Option<chrono::NaiveDate>| go.run(shown.get_untracked().in_week(w));
    let on_pick = move |ev: leptos::ev::Event| {
        if let Some(w) = parse_week(&event_target_value(&ev)) {
            go_week(Some(w));
        }
    };

    let settings_line = move || {
        report.with(|r| {
            r.as_ref().map(|r| {
                let (m, d) = (r.min_marks, r.late_days);
                view! {
                    <p class="hint" data-testid="control-settings" data-min-marks=m data-late-days=d>
                        {ltext(move |l| td_string!(l, control.settings_line, m = m, d = d))}
                    </p>
                }
            })
        })
    };

    let body = move || {
        match data.get() {
        None => loading(),
        Some(Err(err)) if err.code() == Some(ErrorCode::Forbidden) => {
            view! { <NoAccess /> }.into_any()
        }
        Some(Err(err)) => view! {
            <LoadError error=err testid="control-load-error" retry_testid="load-retry" on_retry=move || data.refetch() />
        }
        .into_any(),
        // A week asked for whose report has not come yet: not the previous week's numbers.
        Some(Ok(c)) if shown.get().week.is_some_and(|w| monday_of(w) != c.from) => loading(),
        Some(Ok(c)) => view! {
            <ControlBody school_id=school_id control=Arc::new(c) shown=shown go=go detail=detail />
        }
        .into_any(),
    }
    };

    view! {
        <section class="page page-wide report-page control-page" data-testid="control-page">
            <p class="no-print">
                <a href=format!("/reports?school={school_id}") data-testid="reports-back">"← " {tr!(reports.to_index)}</a>
            </p>
            <h1>{tr!(control.title)}</h1>
            <PageSchool school=Some(school) />
            <p class="hint">{tr!(control.intro)}</p>
            <div class="toolbar control-week-nav no-print">
                <button
                    type="button"
                    class="button"
                    data-testid="control-prev-week"
                    on:click=move |_| go_week(Some(shift_week(monday.get_untracked(), -1)))
                >
                    {tr!(control.prev_week)}
                </button>
                <label class="inline-field" for="control-week">
                    <span>{tr!(control.week_pick)}</span>
                    <input
                        type="date"
                        id="control-week"
                        data-testid="control-week"
                        data-week=move || monday.get().to_string()
                        data-iso-week=move || iso_week_code(monday.get())
                        prop:value=move || monday.get().to_string()
                        on:change=on_pick
                    />
                </label>
                <button
                    type="button"
                    class="button"
                    data-testid="control-next-week"
                    on:click=move |_| go_week(Some(shift_week(monday.get_untracked(), 1)))
                >
                    {tr!(control.next_week)}
                </button>
                <button
                    type="button"
                    class="button button-quiet"
                    data-testid="control-this-week"
                    disabled=move || shown.get().week.is_none_or(|w| w == monday_of(today()))
                    on:click=move |_| go_week(None)
                >
                    {tr!(control.this_week)}
                </button>
            </div>
            <h2
                class="control-week-label"
                data-testid="control-week-label"
                data-week=move || monday.get().to_string()
            >
                {move || week_label(monday.get(), i18n.get_locale())}
            </h2>
            {settings_line}
            {dynv(body)}
        </section>
    }
}

/// The teachers' scores as horizontal bars, lowest first (`chart-control-scores`).
fn score_chart(control: Arc<JournalControl>) -> impl IntoView {
    let i18n = use_i18n();
    let data = Signal::derive(move || score_chart_data(&control, i18n.get_locale()));
    view! { <BarChart name="control-scores" data=data horizontal=true /> }
}

#[component]
fn ControlBody(
    school_id: Uuid,
    control: Arc<JournalControl>,
    shown: Memo<View>,
    go: Callback<View>,
    detail: Res<Option<ControlDetail>>,
) -> impl IntoView {
    let export_query = Signal::derive(move || control_query(shown.get().week, None, None));
    // What each part depends on, so that choosing an issue does not redraw the tables.
    let teacher_sel = Memo::new(move |_| shown.get().teacher);
    let course_sel = Memo::new(move |_| {
        let v = shown.get();
        (v.teacher, v.course, v.course_teacher)
    });
    let detail_sel = Memo::new(move |_| {
        let v = shown.get();
        (v.course, v.course_teacher)
    });

    if control.teachers.is_empty() && control.courses.is_empty() {
        return view! { <p class="muted" data-testid="control-no-rows">{tr!(control.no_rows)}</p> }
            .into_any();
    }

    // The teachers' table: a row keeps only that teacher's courses (again: everyone's).
    let teachers_view = {
        let control = control.clone();
        move || {
            let Some(table) = control_tables(&control)
                .into_iter()
                .find(|t| t.key == "teachers")
            else {
                return ().into_any();
            };
            let chosen = teacher_sel.get();
            let highlight: Vec<usize> = control
                .teachers
                .iter()
                .position(|t| Some(t.teacher_id) == chosen)
                .into_iter()
                .collect();
            let ids: Vec<Uuid> = control.teachers.iter().map(|t| t.teacher_id).collect();
            let on_row = Callback::new(move |i: usize| {
                let Some(t) = ids.get(i).copied() else { return };
                let mut v = shown.get_untracked();
                v.teacher = (v.teacher != Some(t)).then_some(t);
                go.run(v);
            });
            view! {
                <section class="report-section" data-testid="control-teachers">
                    <h2>{table.title.clone()}</h2>
                    <p class="hint no-print">{tr!(control.teachers_hint)}</p>
                    <ExportButtons
                        school_id=school_id
                        path="reports/journal-control"
                        query=export_query
                        table=Some("teachers".to_string())
                    />
                    <ReportTableView table=table on_row=on_row highlight=highlight />
                </section>
            }
            .into_any()
        }
    };

    // The courses' table (only the chosen teacher's, when one is): a click on a row opens its
    // drill-down, on an issue's number («Без темы») that issue's.
    let courses_view = {
        let control = control.clone();
        move || {
            let (teacher, course, course_teacher) = course_sel.get();
            let shown_control = filtered(&control, teacher);
            let Some(table) = control_tables(&shown_control)
                .into_iter()
                .find(|t| t.key == "courses")
            else {
                return ().into_any();
            };
            let teacher_line = teacher.and_then(|t| {
                control
                    .teachers
                    .iter()
                    .find(|r| r.teacher_id == t)
                    .map(|r| r.teacher_name.clone())
            });
            let highlight: Vec<usize> = shown_control
                .courses
                .iter()
                .position(|c| {
                    c.course_id.is_some()
                        && c.course_id == course
                        && course_teacher.is_none_or(|t| t == c.teacher_id)
                })
                .into_iter()
                .collect();
            let rows = Arc::new(shown_control.courses);
            let headers = Arc::new(table.headers.clone());
            // The table reports the row first (its own handler), the wrapper then the column.
            let pending = StoredValue::new(None::<usize>);
            let on_row = Callback::new(move |i: usize| pending.set_value(Some(i)));
            let open_row = move |heading: Option<String>| {
                let Some(i) = pending.get_value() else { return };
                pending.set_value(None);
                let Some(row) = rows.get(i) else { return };
                let Some(course) = row.course_id else { return };
                let issue = clicked_issue("courses", &headers, heading.as_deref(), &row.counts);
                go.run(View {
                    course: Some(course),
                    course_teacher: Some(row.teacher_id),
                    issue,
                    ..shown.get_untracked()
                });
            };
            let on_click = {
                let open_row = open_row.clone();
                move |ev: leptos::ev::MouseEvent| {
                    use leptos::wasm_bindgen::JsCast as _;
                    let heading = ev
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .and_then(|t| t.closest("td[data-label], th[data-label]").ok().flatten())
                        .and_then(|c| c.get_attribute("data-label"));
                    open_row(heading);
                }
            };
            let on_key = move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Enter" {
                    open_row(None);
                }
            };
            let clear = move |_| {
                go.run(View {
                    teacher: None,
                    ..shown.get_untracked()
                })
            };
            view! {
                <section class="report-section" data-testid="control-courses">
                    <h2>{table.title.clone()}</h2>
                    {teacher_line.map(|name| view! {
                        <p class="control-teacher-filter" data-testid="control-teacher-filter">
                            {ltext(move |l| td_string!(l, control.only_teacher, name = name.clone()))}
                            " "
                            <button type="button" class="button button-quiet no-print" data-testid="control-all-teachers" on:click=clear>
                                {tr!(control.all_teachers)}
                            </button>
                        </p>
                    })}
                    <p class="hint no-print">{tr!(control.courses_hint)}</p>
                    <ExportButtons
                        school_id=school_id
                        path="reports/journal-control"
                        query=export_query
                        table=Some("courses".to_string())
                    />
                    <div class="control-courses-table" on:click=on_click on:keydown=on_key>
                        <ReportTableView table=table on_row=on_row highlight=highlight />
                    </div>
                </section>
            }
            .into_any()
        }
    };

    let detail_view = {
        let control = control.clone();
        move || {
            let (course, course_teacher) = detail_sel.get();
            course.map(|course| {
                let row = course_row(&control, course, course_teacher).cloned();
                view! { <Detail school_id=school_id control=control.clone() row=row shown=shown go=go detail=detail /> }
            })
        }
    };

    view! {
        <section class="report-section control-chart">
            <p class="hint">{tr!(control.chart_hint)}</p>
            {score_chart(control.clone())}
        </section>
        {dynv(teachers_view)}
        {dynv(courses_view)}
        {detail_view}
    }
    .into_any()
}

/// The drill-down of a course row: the issue picker and the lessons or students.
#[component]
fn Detail(
    school_id: Uuid,
    control: Arc<JournalControl>,
    row: Option<otmetka_domain::reports::ControlRow>,
    shown: Memo<View>,
    go: Callback<View>,
    detail: Res<Option<ControlDetail>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let node = NodeRef::<leptos::html::Section>::new();
    // Brought into view when it opens (the course row may be far down the table).
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            el.scroll_into_view();
        }
    });
    let min_marks = control.min_marks;
    let heading = row.as_ref().map(|r| {
        format!(
            "{} — {} · {}",
            r.teacher_name,
            r.class_name.clone().unwrap_or_default(),
            r.subject_name.clone().unwrap_or_default()
        )
    });
    let counts = row.map(|r| r.counts);
    let issue_options = move || {
        let locale = i18n.get_locale();
        let chosen = shown.get().issue;
        let mut html = String::from("<option value=\"\"");
        if chosen.is_none() {
            html.push_str(" selected");
        }
        html.push('>');
        crate::table::escape(td_string!(locale, control.issue_all), &mut html);
        html.push_str("</option>");
        for issue in ISSUES {
            html.push_str("<option value=\"");
            html.push_str(issue_param(issue));
            html.push('"');
            if chosen == Some(issue) {
                html.push_str(" selected");
            }
            html.push('>');
            let text = match &counts {
                Some(c) => td_string!(
                    locale,
                    control.issue_option,
                    issue = issue_text(locale, issue),
                    count = issue_count(c, issue)
                ),
                None => issue_text(locale, issue).to_string(),
            };
            crate::table::escape(&text, &mut html);
            html.push_str("</option>");
        }
        html
    };
    let on_issue = move |ev: leptos::ev::Event| {
        let issue = parse_issue(&event_target_value(&ev));
        go.run(View {
            issue,
            ..shown.get_untracked()
        });
    };
    let close = move |_| {
        go.run(View {
            course: None,
            course_teacher: None,
            issue: None,
            ..shown.get_untracked()
        })
    };
    let body = move || {
        match detail.get() {
        None | Some(Ok(None)) => loading(),
        Some(Err(err)) if err.code() == Some(ErrorCode::Forbidden) => {
            view! { <NoAccess /> }.into_any()
        }
        Some(Err(err)) => view! {
            <LoadError error=err testid="control-detail-error" retry_testid="control-detail-retry" on_retry=move || detail.refetch() />
        }
        .into_any(),
        Some(Ok(Some(d))) => {
            let d = Arc::new(d);
            view! {
                <div
                    class="control-detail-body"
                    data-testid="control-detail-body"
                    data-issue=d.issue.map(issue_param)
                    data-lessons=d.lessons.len()
                    data-students=d.students.len()
                    inner_html=move || detail_html(&d, school_id, min_marks, i18n.get_locale())
                ></div>
            }
            .into_any()
        }
    }
    };
    view! {
        <section
            class="report-section control-detail"
            data-testid="control-detail"
            data-course-id=move || shown.get().course.map(|c| c.to_string())
            data-issue=move || shown.get().issue.map(issue_param)
            node_ref=node
        >
            <h2>
                {tr!(control.detail_title)}
                {heading.map(|h| format!(": {h}"))}
            </h2>
            <div class="toolbar no-print">
                <label class="inline-field" for="control-issue">
                    <span>{tr!(control.issue)}</span>
                    <select
                        id="control-issue"
                        data-testid="control-issue"
                        on:change=on_issue
                        inner_html=issue_options
                    ></select>
                </label>
                <button type="button" class="button button-quiet" data-testid="control-detail-close" on:click=close>
                    {tr!(control.close)}
                </button>
            </div>
            {dynv(body)}
        </section>
    }
}
