//! The reports section (issue 7; regulation §16):
//! - `/reports?school=`: the index, four cards (quality, attendance, journal-keeping control,
//!   user activity; the last two are `pages::control` and `pages::activity`);
//! - `/reports/quality?school=&year=&term=&basis=&class_id=&subject=`: performance and quality of
//!   a term — the banner of a preliminary report, the chart by class, the tables of
//!   `quality_tables` with exports; a class row opens the class (its students and the
//!   distribution of a subject's marks);
//! - `/reports/attendance?school=&from=&to=&class_id=&threshold=`: missed lessons — the chart by
//!   week, the tables of `attendance_tables` with exports, the students above the threshold
//!   marked.
//!
//! The admin and the principal see the whole school, a teacher their own courses and class (the
//! server filters); the pure logic is in [`crate::reports`].

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use otmetka_domain::ErrorCode;
use otmetka_domain::finals::Term;
use otmetka_domain::reports::{
    AttendanceReport, QualityReport, ReportBasis, ReportTable, attendance_tables, quality_tables,
};
use otmetka_domain::structure::{Class, PeriodKind};
use uuid::Uuid;

use crate::access::{Area, SchoolOption};
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::charts::BarChart;
use crate::closing::{class_key, term_choices};
use crate::diary_api;
use crate::i18n::*;
use crate::load::Res;
use crate::pages::{Gate, LoadError, NoAccess, PageSchool, Text, dynv, loading, ltext, tr};
use crate::report_card::term_label;
use crate::report_view::{ExportButtons, ReportTableView};
use crate::reports::{
    AttendanceView, Banner, QualityView, attendance_href, attendance_query, banner, class_label,
    class_of_row, class_subjects, distribution_chart, flagged_students, mark_distribution,
    quality_by_class, quality_href, quality_query, section_href, threshold_text, weeks_chart,
};
use crate::reports_api;
use crate::table::escape;

#[component]
pub fn ReportsPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Reports
            render=|school, _| school.map(|school| view! { <ReportsIndex school=school /> })
        />
    }
}

#[component]
pub fn QualityPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Reports
            render=|school, _| school.map(|school| view! { <Quality school=school /> })
        />
    }
}

#[component]
pub fn AttendanceReportPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Reports
            render=|school, _| school.map(|school| view! { <Attendance school=school /> })
        />
    }
}

/// A load that failed: "no access" for a 403, else the error with a retry button.
fn failed(err: ApiError, retry: impl Fn() + Copy + Send + Sync + 'static) -> AnyView {
    if err.code() == Some(ErrorCode::Forbidden) {
        view! { <NoAccess /> }.into_any()
    } else {
        view! { <LoadError error=err testid="reports-load-error" retry_testid="load-retry" on_retry=retry /> }
            .into_any()
    }
}

#[component]
fn ReportsIndex(school: SchoolOption) -> impl IntoView {
    let id = school.id;
    // The activity report is the admin's and the principal's only.
    let auth = crate::auth::use_auth();
    let activity = move || {
        auth.me.with(|me| {
            me.as_ref().is_some_and(|me| {
                crate::access::access(me, Some(id), Area::Activity) != crate::access::Access::None
            })
        })
    };
    let card = move |path: &'static str, testid: &'static str, title: Text, text: Text| {
        view! {
            <li>
                <a class="reports-card" href=section_href(path, id) data-testid=testid>
                    <span class="reports-card-title">{tr(title)}</span>
                    <span class="reports-card-text">{tr(text)}</span>
                </a>
            </li>
        }
    };
    view! {
        <section class="page page-wide reports-page" data-testid="reports-page">
            <h1>{tr!(reports.title)}</h1>
            <PageSchool school=Some(school) />
            <p class="hint">{tr!(reports.intro)}</p>
            <ul class="reports-cards">
                {card(
                    "/reports/quality",
                    "reports-card-quality",
                    |l| td_string!(l, reports.quality_card),
                    |l| td_string!(l, reports.quality_card_text),
                )}
                {card(
                    "/reports/attendance",
                    "reports-card-attendance",
                    |l| td_string!(l, reports.attendance_card),
                    |l| td_string!(l, reports.attendance_card_text),
                )}
                {card(
                    "/reports/control",
                    "reports-card-control",
                    |l| td_string!(l, reports.control_card),
                    |l| td_string!(l, reports.control_card_text),
                )}
                {move || {
                    activity()
                        .then(|| {
                            card(
                                "/reports/activity",
                                "reports-card-activity",
                                |l| td_string!(l, reports.activity_card),
                                |l| td_string!(l, reports.activity_card_text),
                            )
                        })
                }}
            </ul>
        </section>
    }
}

/// «← Все отчёты».
fn back_to_index(school_id: Uuid) -> impl IntoView {
    view! {
        <p class="report-back no-print">
            <a href=section_href("/reports", school_id) data-testid="reports-back">
                "← " {tr!(reports.to_index)}
            </a>
        </p>
    }
}

/// `<option>`s of the classes (sorted by grade), «Все классы» first.
fn class_options(list: &mut [Class], chosen: Option<Uuid>, all: &str) -> String {
    list.sort_by_key(|c| class_key(&c.name));
    let mut options = String::from("<option value=\"\">");
    escape(all, &mut options);
    options.push_str("</option>");
    for c in list.iter() {
        options.push_str("<option value=\"");
        options.push_str(&c.id.to_string());
        options.push('"');
        if chosen == Some(c.id) {
            options.push_str(" selected");
        }
        options.push('>');
        escape(&c.name, &mut options);
        options.push_str("</option>");
    }
    options
}

/// Tabs over the report's tables, the export buttons for the chosen one and the table itself.
#[component]
fn ReportTables(
    tables: Arc<Vec<ReportTable>>,
    /// `quality` or `attendance`: the tabs' test ids are `<prefix>-tab-<key>`.
    prefix: &'static str,
    tab: RwSignal<String>,
    school_id: Uuid,
    path: &'static str,
    #[prop(into)] query: Signal<String>,
    /// Makes a table's rows clickable: `(table key, row)`.
    #[prop(optional)]
    on_row: Option<Callback<(String, usize)>>,
    /// Rows to mark per table key.
    #[prop(optional)]
    highlight: Vec<(&'static str, Vec<usize>)>,
    /// Tables whose last row is a total.
    #[prop(optional)]
    totals: Vec<&'static str>,
    /// Tables whose rows open something.
    #[prop(optional)]
    clickable: Vec<&'static str>,
) -> impl IntoView {
    let chosen = {
        let tables = tables.clone();
        Memo::new(move |_| {
            let key = tab.get();
            if tables.iter().any(|t| t.key == key) {
                key
            } else {
                tables.first().map(|t| t.key.clone()).unwrap_or_default()
            }
        })
    };
    let buttons = tables
        .iter()
        .map(|t| {
            let key = t.key.clone();
            let k2 = key.clone();
            let k3 = key.clone();
            view! {
                <button
                    type="button"
                    role="tab"
                    class="report-tab"
                    data-testid=format!("{prefix}-tab-{key}")
                    aria-selected=move || (chosen.get() == k2).to_string()
                    on:click=move |_| tab.set(k3.clone())
                >
                    {t.title.clone()}
                </button>
            }
        })
        .collect_view();
    // Printed above the table (the tabs do not print): the domain's title, as in the exports.
    let title = {
        let tables = tables.clone();
        move || {
            let key = chosen.get();
            tables
                .iter()
                .find(|t| t.key == key)
                .map(|t| t.title.clone())
                .unwrap_or_default()
        }
    };
    let table = move || {
        let key = chosen.get();
        let Some(t) = tables.iter().find(|t| t.key == key).cloned() else {
            return view! { <p class="note">{tr!(reports.no_data)}</p> }.into_any();
        };
        let marked = highlight
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, rows)| rows.clone())
            .unwrap_or_default();
        let row_cb = on_row
            .filter(|_| clickable.contains(&key.as_str()))
            .map(|cb| {
                let key = key.clone();
                Callback::new(move |i: usize| cb.run((key.clone(), i)))
            });
        let pin = totals.contains(&key.as_str());
        if t.rows.is_empty() {
            return view! { <p class="note" data-testid=format!("report-table-{key}")>{tr!(reports.no_data)}</p> }
                .into_any();
        }
        match row_cb {
            Some(cb) => {
                view! { <ReportTableView table=t on_row=cb pin_last=pin highlight=marked /> }
                    .into_any()
            }
            None => view! { <ReportTableView table=t pin_last=pin highlight=marked /> }.into_any(),
        }
    };
    view! {
        <div class="report-tabs no-print" role="tablist">{buttons}</div>
        <h2 class="report-table-title print-only">{title}</h2>
        <ExportButtons
            school_id=school_id
            path=path
            query=query
            table=Signal::derive(move || Some(chosen.get()))
        />
        {dynv(table)}
    }
}

// ---------- quality ----------

#[component]
fn Quality(school: SchoolOption) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let school_id = school.id;
    let shown = Memo::new(move |_| {
        query.with(|q| {
            QualityView::parse(
                q.get("year").as_deref(),
                q.get("term").as_deref(),
                q.get("basis").as_deref(),
                q.get("class_id").as_deref(),
                q.get("subject").as_deref(),
            )
        })
    });
    // The subject of the distribution is chosen locally.
    let asked = Memo::new(move |_| QualityView {
        subject: None,
        ..shown.get()
    });
    let data = Res::new(move || reports_api::quality(auth, school_id, asked.get()));
    let periods = Res::new(move || diary_api::current_periods(auth, school_id));
    let settings = Res::new(move || api::settings(auth, school_id));
    let years = Res::new(move || api::years(auth, school_id));
    let tab = RwSignal::new("classes".to_string());

    let term = Memo::new(move |_| {
        shown.get().term.or_else(|| match data.get() {
            Some(Ok(r)) => Some(r.term),
            _ => None,
        })
    });
    let kind = Memo::new(move |_| match settings.get() {
        Some(Ok(s)) => s.final_period_kind,
        _ => match term.get() {
            Some(Term::Period { kind, .. }) => kind,
            _ => PeriodKind::Quarter,
        },
    });

    let go = StoredValue::new(move |v: QualityView, replace: bool| {
        navigate(
            &quality_href(school_id, v),
            NavigateOptions {
                replace,
                ..NavigateOptions::default()
            },
        )
    });
    let change = move |f: &dyn Fn(&mut QualityView)| {
        let mut v = shown.get_untracked();
        f(&mut v);
        go.with_value(|go| go(v, true));
    };
    let on_year = move |ev: leptos::ev::Event| {
        let y = Uuid::parse_str(&event_target_value(&ev)).ok();
        change(&|v| v.year = y);
    };
    let on_term = move |ev: leptos::ev::Event| {
        let t: Option<Term> = event_target_value(&ev).parse().ok();
        change(&|v| v.term = t);
    };
    let on_basis = move |ev: leptos::ev::Event| {
        let b = crate::reports::parse_basis(Some(&event_target_value(&ev)));
        change(&|v| v.basis = b);
    };
    let open_class = Callback::new(move |class: Option<Uuid>| {
        let v = QualityView {
            class_id: class,
            subject: None,
            ..shown.get_untracked()
        };
        go.with_value(|go| go(v, false));
    });
    let on_subject = Callback::new(move |s: Option<Uuid>| change(&|v| v.subject = s));

    let term_options = move || {
        let locale = i18n.get_locale();
        let list = periods.get().and_then(Result::ok).unwrap_or_default();
        let chosen = term.get();
        let mut options = String::new();
        if chosen.is_none() {
            options.push_str("<option value=\"\" selected>");
            escape(td_string!(locale, quality.term_default), &mut options);
            options.push_str("</option>");
        }
        for t in term_choices(&list, kind.get(), chosen) {
            options.push_str("<option value=\"");
            options.push_str(&t.code());
            options.push('"');
            if chosen == Some(t) {
                options.push_str(" selected");
            }
            options.push('>');
            escape(&term_label(locale, t), &mut options);
            options.push_str("</option>");
        }
        options
    };
    let year_options = move || {
        let locale = i18n.get_locale();
        let chosen = shown.get().year;
        let list = years.get().and_then(Result::ok).unwrap_or_default();
        let mut options = String::from("<option value=\"\">");
        escape(td_string!(locale, quality.year_current), &mut options);
        options.push_str("</option>");
        for y in list {
            options.push_str("<option value=\"");
            options.push_str(&y.id.to_string());
            options.push('"');
            if chosen == Some(y.id) {
                options.push_str(" selected");
            }
            options.push('>');
            escape(&y.name, &mut options);
            options.push_str("</option>");
        }
        options
    };

    let body = move || match data.get() {
        None => loading(),
        Some(Err(err)) => failed(err, move || data.refetch()),
        // A term asked for whose report has not come yet: not the previous term's numbers.
        Some(Ok(r)) if asked.get().term.is_some_and(|t| t != r.term) => loading(),
        Some(Ok(r)) => {
            let class_id = asked.get_untracked().class_id;
            view! {
                <QualityBody
                    report=r
                    class_id=class_id
                    school_id=school_id
                    shown=shown
                    tab=tab
                    open_class=open_class
                    on_subject=on_subject
                />
            }
            .into_any()
        }
    };

    view! {
        <section class="page page-wide report-page quality-page" data-testid="quality-page">
            {back_to_index(school_id)}
            <h1>{tr!(quality.title)}</h1>
            <PageSchool school=Some(school) />
            <p class="hint no-print">{tr!(quality.intro)}</p>
            <div class="toolbar report-controls no-print">
                <label class="inline-field" for="quality-year">
                    <span>{tr!(quality.year)}</span>
                    <select id="quality-year" data-testid="quality-year" on:change=on_year inner_html=year_options></select>
                </label>
                <label class="inline-field" for="quality-term">
                    <span>{tr!(quality.term)}</span>
                    <select id="quality-term" data-testid="quality-term" on:change=on_term inner_html=term_options></select>
                </label>
                <label class="inline-field" for="quality-basis">
                    <span>{tr!(quality.basis)}</span>
                    <select
                        id="quality-basis"
                        data-testid="quality-basis"
                        on:change=on_basis
                        prop:value=move || crate::reports::basis_value(shown.get().basis)
                    >
                        <option value="auto">{tr!(quality.basis_auto)}</option>
                        <option value="final">{tr!(quality.basis_final)}</option>
                        <option value="suggested">{tr!(quality.basis_suggested)}</option>
                    </select>
                </label>
            </div>
            {dynv(body)}
        </section>
    }
}

fn basis_code(b: ReportBasis) -> &'static str {
    match b {
        ReportBasis::Final => "final",
        ReportBasis::Suggested => "suggested",
        ReportBasis::Mixed => "mixed",
        ReportBasis::Empty => "empty",
    }
}

#[component]
fn QualityBody(
    report: QualityReport,
    class_id: Option<Uuid>,
    school_id: Uuid,
    shown: Memo<QualityView>,
    tab: RwSignal<String>,
    open_class: Callback<Option<Uuid>>,
    on_subject: Callback<Option<Uuid>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let r = Arc::new(report);
    // The exports carry every table; the screen skips those the reader has no rows in.
    let tables = Arc::new(
        quality_tables(&r)
            .into_iter()
            .filter(|t| !t.rows.is_empty())
            .collect::<Vec<_>>(),
    );
    let basis = basis_code(r.basis);
    let notice = match banner(&r) {
        Banner::None => None,
        Banner::Mixed(n) => Some(
            ltext(move |l| td_string!(l, quality.banner, count = n).to_string()).into_any(),
        ),
        Banner::Suggested => Some(tr!(quality.banner_suggested).into_any()),
        Banner::Empty => Some(tr!(quality.banner_empty).into_any()),
    }
    .map(|text| {
        view! {
            <p class="note report-banner" role="status" data-testid="quality-banner" data-basis=basis>
                {text}
            </p>
        }
    });
    let preliminary = (r.basis != ReportBasis::Final).then(|| {
        view! { <span class="badge report-preliminary" data-testid="quality-preliminary">{tr!(quality.preliminary)}</span> }
    });
    let head = view! {
        <p class="report-term" data-testid="quality-term-title">
            <strong>{r.term_title.clone()}</strong>
            " "
            {preliminary}
        </p>
        {notice}
    };
    let query = Signal::derive(move || {
        quality_query(QualityView {
            subject: None,
            ..shown.get()
        })
    });

    let content = match class_id {
        Some(class) => {
            let name = class_label(&r, class).unwrap_or_default();
            let subjects = Arc::new(class_subjects(&r, class));
            let students = tables.iter().find(|t| t.key == "students").cloned();
            let back = quality_href(
                school_id,
                QualityView {
                    class_id: None,
                    subject: None,
                    ..shown.get_untracked()
                },
            );
            let subject = {
                let subjects = subjects.clone();
                Memo::new(move |_| {
                    let asked = shown.get().subject;
                    asked
                        .filter(|s| subjects.iter().any(|(id, _)| id == s))
                        .or_else(|| subjects.first().map(|(id, _)| *id))
                })
            };
            let subject_options = {
                let subjects = subjects.clone();
                move || {
                    let chosen = subject.get();
                    let mut out = String::new();
                    for (id, name) in subjects.iter() {
                        out.push_str("<option value=\"");
                        out.push_str(&id.to_string());
                        out.push('"');
                        if chosen == Some(*id) {
                            out.push_str(" selected");
                        }
                        out.push('>');
                        escape(name, &mut out);
                        out.push_str("</option>");
                    }
                    out
                }
            };
            let chart = {
                let r = r.clone();
                let subjects = subjects.clone();
                Signal::derive(move || {
                    let l = i18n.get_locale();
                    let chosen = subject.get();
                    let counts = chosen.map_or([0; 4], |s| mark_distribution(&r, class, s));
                    let subject_name = chosen
                        .and_then(|s| subjects.iter().find(|(id, _)| *id == s))
                        .map(|(_, n)| n.clone());
                    let title = match subject_name {
                        Some(n) => format!("{} — {n}", td_string!(l, quality.chart_distribution)),
                        None => td_string!(l, quality.chart_distribution).to_string(),
                    };
                    distribution_chart(
                        counts,
                        &title,
                        td_string!(l, quality.series_marks),
                        td_string!(l, reports.chart_empty),
                    )
                })
            };
            let has_subjects = !subjects.is_empty();
            let students_view = match students {
                Some(t) => view! {
                    <ExportButtons
                        school_id=school_id
                        path="reports/quality"
                        query=query
                        table=Signal::derive(|| Some("students".to_string()))
                    />
                    <ReportTableView table=t caption=true />
                    <p class="hint">{tr!(quality.suggested_note)}</p>
                }
                .into_any(),
                None => view! { <p class="note" data-testid="report-table-students">{tr!(reports.no_data)}</p> }
                    .into_any(),
            };
            view! {
                <div class="report-drill" data-testid="quality-class" data-class-id=class.to_string()>
                    <p class="no-print">
                        <a href=back data-testid="quality-back">"← " {tr!(quality.back)}</a>
                    </p>
                    <h2 data-testid="quality-drill-title">
                        {ltext(move |l| td_string!(l, quality.class_title, name = name.clone()).to_string())}
                    </h2>
                    {students_view}
                    <div class="toolbar report-controls no-print">
                        <label class="inline-field" for="quality-subject">
                            <span>{tr!(quality.subject)}</span>
                            <select
                                id="quality-subject"
                                data-testid="quality-subject"
                                disabled=!has_subjects
                                on:change=move |ev| on_subject.run(Uuid::parse_str(&event_target_value(&ev)).ok())
                                inner_html=subject_options
                            ></select>
                        </label>
                    </div>
                    {(!has_subjects).then(|| view! { <p class="note">{tr!(quality.no_subjects)}</p> })}
                    <BarChart name="mark-distribution" data=chart />
                </div>
            }
            .into_any()
        }
        None => {
            let chart = {
                let r = r.clone();
                Signal::derive(move || {
                    let l = i18n.get_locale();
                    quality_by_class(
                        &r,
                        td_string!(l, quality.chart_by_class),
                        td_string!(l, quality.series_quality),
                        td_string!(l, quality.series_pass_rate),
                        td_string!(l, reports.chart_empty),
                    )
                })
            };
            let overview: Arc<Vec<ReportTable>> = Arc::new(
                tables
                    .iter()
                    .filter(|t| t.key != "students")
                    .cloned()
                    .collect(),
            );
            let has_classes = !r.classes.is_empty();
            let totals = if r.school.is_some() {
                vec!["classes"]
            } else {
                Vec::new()
            };
            let rr = r.clone();
            let on_row = Callback::new(move |(key, i): (String, usize)| {
                if key == "classes"
                    && let Some(c) = class_of_row(&rr, i)
                {
                    open_class.run(Some(c));
                }
            });
            view! {
                <BarChart name="quality-by-class" data=chart />
                {has_classes.then(|| view! { <p class="hint no-print">{tr!(quality.drill_hint)}</p> })}
                <ReportTables
                    tables=overview
                    prefix="quality"
                    tab=tab
                    school_id=school_id
                    path="reports/quality"
                    query=query
                    on_row=on_row
                    totals=totals
                    clickable=vec!["classes"]
                />
            }
            .into_any()
        }
    };
    view! {
        {head}
        {content}
    }
}

// ---------- attendance ----------

fn date_text(d: chrono::NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

#[component]
fn Attendance(school: SchoolOption) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let school_id = school.id;
    let shown = Memo::new(move |_| {
        query.with(|q| {
            AttendanceView::parse(
                q.get("from").as_deref(),
                q.get("to").as_deref(),
                q.get("class_id").as_deref(),
                q.get("threshold").as_deref(),
            )
        })
    });
    let data = Res::new(move || reports_api::attendance(auth, school_id, shown.get()));
    let classes = Res::new(move || api::classes(auth, school_id));
    let tab = RwSignal::new("classes".to_string());
    let loaded = move || match data.get() {
        Some(Ok(r)) => Some(r),
        _ => None,
    };

    let go = StoredValue::new(move |v: AttendanceView| {
        navigate(
            &attendance_href(school_id, v),
            NavigateOptions {
                replace: true,
                ..NavigateOptions::default()
            },
        )
    });
    let change = move |f: &dyn Fn(&mut AttendanceView)| {
        let mut v = shown.get_untracked();
        f(&mut v);
        go.with_value(|go| go(v));
    };
    let parse_date = |s: String| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let on_from = move |ev: leptos::ev::Event| {
        let d = parse_date(event_target_value(&ev));
        change(&|v| v.from = d);
    };
    let on_to = move |ev: leptos::ev::Event| {
        let d = parse_date(event_target_value(&ev));
        change(&|v| v.to = d);
    };
    let on_class = move |ev: leptos::ev::Event| {
        let c = Uuid::parse_str(&event_target_value(&ev)).ok();
        change(&|v| v.class_id = c);
    };
    let on_threshold = move |ev: leptos::ev::Event| {
        let t = crate::reports::parse_threshold(&event_target_value(&ev));
        change(&|v| v.threshold = t);
    };
    let open_class = Callback::new(move |c: Uuid| {
        change(&|v| v.class_id = Some(c));
    });

    let class_select = move || {
        let locale = i18n.get_locale();
        let mut list: Vec<Class> = classes.get().and_then(Result::ok).unwrap_or_default();
        class_options(
            &mut list,
            shown.get().class_id,
            td_string!(locale, attendance_report.all_classes),
        )
    };
    // The dates shown: those asked for, else the server's defaults once loaded.
    let from_value = move || {
        shown
            .get()
            .from
            .or_else(|| loaded().map(|r| r.from))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let to_value = move || {
        shown
            .get()
            .to
            .or_else(|| loaded().map(|r| r.to))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let threshold_value = move || {
        threshold_text(
            shown
                .get()
                .threshold
                .or_else(|| loaded().map(|r| r.threshold_percent))
                .unwrap_or(crate::reports::DEFAULT_THRESHOLD),
        )
    };

    let body = move || {
        if !shown.get().dates_ok() {
            return view! {
                <p class="alert" role="alert" data-testid="attendance-dates-error">
                    {tr!(attendance_report.err_dates)}
                </p>
            }
            .into_any();
        }
        match data.get() {
            None => loading(),
            Some(Err(err)) => failed(err, move || data.refetch()),
            Some(Ok(r)) => view! {
                <AttendanceBody report=r school_id=school_id shown=shown tab=tab open_class=open_class />
            }
            .into_any(),
        }
    };

    view! {
        <section class="page page-wide report-page attendance-report-page" data-testid="attendance-report-page">
            {back_to_index(school_id)}
            <h1>{tr!(attendance_report.title)}</h1>
            <PageSchool school=Some(school) />
            <p class="hint no-print">{tr!(attendance_report.intro)}</p>
            <div class="toolbar report-controls no-print">
                <label class="inline-field" for="attendance-from">
                    <span>{tr!(attendance_report.from)}</span>
                    <input type="date" id="attendance-from" data-testid="attendance-from" prop:value=from_value on:change=on_from />
                </label>
                <label class="inline-field" for="attendance-to">
                    <span>{tr!(attendance_report.to)}</span>
                    <input type="date" id="attendance-to" data-testid="attendance-to" prop:value=to_value on:change=on_to />
                </label>
                <label class="inline-field" for="attendance-class">
                    <span>{tr!(attendance_report.class)}</span>
                    <select id="attendance-class" data-testid="attendance-class" on:change=on_class inner_html=class_select></select>
                </label>
                <label class="inline-field" for="attendance-threshold">
                    <span>{tr!(attendance_report.threshold)}</span>
                    <input
                        type="number"
                        id="attendance-threshold"
                        data-testid="attendance-threshold"
                        class="input-narrow"
                        min="0"
                        max="100"
                        step="any"
                        prop:value=threshold_value
                        on:change=on_threshold
                    />
                </label>
            </div>
            {dynv(body)}
        </section>
    }
}

#[component]
fn AttendanceBody(
    report: AttendanceReport,
    school_id: Uuid,
    shown: Memo<AttendanceView>,
    tab: RwSignal<String>,
    open_class: Callback<Uuid>,
) -> impl IntoView {
    let i18n = use_i18n();
    let r = Arc::new(report);
    let tables = Arc::new(attendance_tables(&r));
    let flagged = flagged_students(&r);
    let above = flagged.len() as u64;
    let threshold = threshold_text(r.threshold_percent);
    let range = format!("{} — {}", date_text(r.from), date_text(r.to));
    let note_class = if above > 0 {
        "note report-flag-note"
    } else {
        "hint"
    };
    let chart = {
        let r = r.clone();
        Signal::derive(move || {
            let l = i18n.get_locale();
            weeks_chart(
                &r,
                td_string!(l, attendance_report.chart_weeks),
                td_string!(l, attendance_report.series_missed),
                td_string!(l, reports.chart_empty),
            )
        })
    };
    let query = Signal::derive(move || attendance_query(shown.get()));
    let rr = r.clone();
    let on_row = Callback::new(move |(key, i): (String, usize)| {
        if key == "classes"
            && let Some(c) = rr.classes.get(i).and_then(|c| c.class_id)
        {
            open_class.run(c);
        }
    });
    view! {
        <p class="report-term" data-testid="attendance-range"><strong>{range}</strong></p>
        <p
            class=note_class
            data-testid="attendance-above"
            data-count=above.to_string()
        >
            {ltext(move |l| {
                td_string!(l, attendance_report.above, count = above, threshold = threshold.clone())
                    .to_string()
            })}
        </p>
        <BarChart name="attendance-weeks" data=chart />
        <ReportTables
            tables=tables
            prefix="attendance"
            tab=tab
            school_id=school_id
            path="reports/attendance"
            query=query
            on_row=on_row
            highlight=vec![("students", flagged)]
            totals=vec!["classes"]
            clickable=vec!["classes"]
        />
    }
}
