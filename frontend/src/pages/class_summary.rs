//! `/classes/{id}/summary?school=&period=`: the class teacher's summary of a class for a period —
//! every student's average and absences in every course of the class, the absence totals, and a
//! footer for the class. Read by the class teacher, the admin and the principal (the server
//! answers 403 to another teacher). Prints on paper as the table alone. Each student's name opens
//! their diary, the small «Оценки» beside it their marks in the shown period.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use otmetka_domain::ErrorCode;
use otmetka_domain::journal::ClassSummary;
use otmetka_domain::structure::Period;
use uuid::Uuid;

use crate::access::{Area, SchoolOption};
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::class_summary::{
    Table, average_class, average_text, build, period_from_query, sort_periods, student_diary_href,
    student_marks_href, summary_href,
};
use crate::i18n::*;
use crate::load::Res;
use crate::mark_settings_api as marks;
use crate::pages::classes::class_href;
use crate::pages::{Gate, LoadError, NoAccess, PageSchool, dynv, lbl, ltext};
use crate::roster::format_day;
use crate::text::period_kind_text;

#[component]
pub fn ClassSummaryPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Classes
            render=|school, _access| school.map(|school| view! { <Summary school=school /> })
        />
    }
}

/// "Четверть 1 (01.09.2026 – 26.10.2026)".
fn period_text(locale: Locale, p: &Period) -> String {
    format!(
        "{} {} ({} – {})",
        period_kind_text(locale, p.kind),
        p.number,
        format_day(p.starts_on, locale),
        format_day(p.ends_on, locale)
    )
}

#[component]
fn Summary(school: SchoolOption) -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let query = use_query_map();
    let navigate = use_navigate();
    let school_id = school.id;
    let class_id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| Uuid::parse_str(&v).ok())));
    let period = Memo::new(move |_| query.with(|q| period_from_query(q.get("period").as_deref())));
    let class = Res::new(move || {
        let id = class_id.get();
        async move {
            match id {
                Some(id) => api::class(auth, school_id, id).await,
                None => Err(ApiError::from_code(ErrorCode::NotFound, 404)),
            }
        }
    });
    let periods = Res::new(move || {
        let year = match class.get() {
            Some(Ok(c)) => Some(c.academic_year_id),
            _ => None,
        };
        async move {
            match year {
                Some(year) => api::periods(auth, school_id, year).await.map(|mut list| {
                    sort_periods(&mut list);
                    list
                }),
                None => Ok(Vec::new()),
            }
        }
    });
    let summary = Res::new(move || {
        let (id, period) = (class_id.get(), period.get());
        async move {
            match id {
                Some(id) => marks::class_summary(auth, school_id, id, period).await,
                None => Err(ApiError::from_code(ErrorCode::NotFound, 404)),
            }
        }
    });
    // The period shown: the one asked for, else the one the server chose (the current one).
    let shown_period = Memo::new(move |_| {
        period.get().or_else(|| match summary.get() {
            Some(Ok(s)) => Some(s.period.id),
            _ => None,
        })
    });
    let class_name = move || match class.get() {
        Some(Ok(c)) => c.name,
        _ => String::new(),
    };
    let on_period = move |ev: leptos::ev::Event| {
        let Some(class_id) = class_id.get_untracked() else {
            return;
        };
        let chosen = Uuid::parse_str(&event_target_value(&ev)).ok();
        navigate(
            &summary_href(school_id, class_id, chosen),
            NavigateOptions {
                replace: true,
                ..NavigateOptions::default()
            },
        );
    };
    let period_options = move || {
        let list: Vec<Period> = match periods.get() {
            Some(Ok(list)) => list,
            _ => Vec::new(),
        };
        let chosen = shown_period.get();
        list.into_iter()
            .map(|p| {
                let selected = chosen == Some(p.id);
                let id = p.id.to_string();
                view! { <option value=id selected=selected>{ltext(move |l| period_text(l, &p))}</option> }
            })
            .collect_view()
    };
    let body = move || {
        match summary.get() {
        None => view! { <p class="loading">{tr!(loading)}</p> }.into_any(),
        Some(Err(err)) if err.code() == Some(ErrorCode::Forbidden) => {
            view! { <NoAccess /> }.into_any()
        }
        Some(Err(err)) if err.code() == Some(ErrorCode::NotFound) && period.get().is_none() => {
            // No period today (holidays between years): the select still offers every period.
            view! { <p class="note" data-testid="summary-no-period">{tr!(class_summary.no_current_period)}</p> }
                .into_any()
        }
        Some(Err(err)) => view! {
            <LoadError error=err testid="summary-load-error" retry_testid="summary-retry" on_retry=move || summary.refetch() />
        }
        .into_any(),
        Some(Ok(s)) => view! { <SummaryTable summary=s school_id=school_id /> }.into_any(),
    }
    };
    let on_print = move |_| {
        let _ = window().print();
    };
    view! {
        <section class="page summary-page" data-testid="summary-page">
            <h1 data-testid="summary-title">
                {ltext(move |l| td_string!(l, class_summary.title, name = class_name()))}
            </h1>
            <PageSchool school=Some(school) />
            <p class="no-print">
                {dynv(move || (class_id.get().map(|id| view! {
                    <a href=class_href(school_id, id) data-testid="summary-back">{tr!(class_summary.back)}</a>
                    " "
                    <a href=crate::report_card::class_cards_href(school_id, id, None) data-testid="summary-report-cards">
                        {tr!(report_card.class_link)}
                    </a>
                })).into_any())}
            </p>
            <div class="toolbar no-print">
                <label class="inline-field" for="summary-period">
                    <span>{tr!(class_summary.period)}</span>
                    <select
                        id="summary-period"
                        data-testid="summary-period"
                        on:change=on_period
                        prop:value=move || shown_period.get().map(|p| p.to_string()).unwrap_or_default()
                    >
                        {dynv(move || ((shown_period.get().is_none()).then(|| view! {
                            <option value="" selected=true>{tr!(class_summary.current_period)}</option>
                        })).into_any())}
                        {dynv(move || period_options().into_any())}
                    </select>
                </label>
                <button type="button" class="button" data-testid="summary-print" on:click=on_print>
                    {tr!(print)}
                </button>
            </div>
            {dynv(body)}
        </section>
    }
}

#[component]
fn SummaryTable(summary: ClassSummary, school_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let table = build(&summary);
    let period = summary.period.clone();
    let period_uuid = period.id;
    let period_id = period.id.to_string();
    let empty = table.rows.is_empty();
    let no_courses = table.columns.is_empty();
    let table = std::sync::Arc::new(table);
    let render = move || {
        let locale = i18n.get_locale();
        render_table(locale, &table, school_id, period_uuid)
    };
    view! {
        <p class="summary-period-line" data-testid="summary-period-line" data-period-id=period_id>
            {ltext(move |l| period_text(l, &period))}
        </p>
        <p class="hint no-print">{tr!(class_summary.legend)}</p>
        {if empty {
            view! { <p class="muted" data-testid="summary-empty">{tr!(class_summary.no_students)}</p> }.into_any()
        } else if no_courses {
            view! { <p class="muted" data-testid="summary-empty">{tr!(class_summary.no_courses)}</p> }.into_any()
        } else {
            view! { <div class="summary-wrap" tabindex="0" aria-label=lbl(|l| td_string!(l, class_summary.table_label))>{render}</div> }.into_any()
        }}
    }
}

/// The table for a language (the decimal separator and the headers follow it).
fn render_table(locale: Locale, t: &Table, school_id: Uuid, period: Uuid) -> AnyView {
    let comma = locale == Locale::ru;
    let head = t
        .columns
        .iter()
        .map(|c| {
            let group = c
                .group
                .map(|g| td_string!(locale, class_summary.group, number = g));
            view! {
                <th scope="col" class="sum-course" title=c.teachers.clone() data-course-id=c.course_id.to_string()>
                    <span class="sum-subject">{c.subject.clone()}</span>
                    {group.map(|g| view! { <span class="sum-group">{g}</span> })}
                </th>
            }
        })
        .collect_view();
    let rows = t
        .rows
        .iter()
        .map(|r| {
            let sid = r.student_id;
            let cells = r
                .cells
                .iter()
                .zip(&t.columns)
                .map(|(cell, col)| {
                    let testid = format!("summary-cell-{sid}-{}", col.course_id);
                    match cell {
                        None => view! {
                            <td class="sum-cell sum-off" data-testid=testid data-attends="false">"—"</td>
                        }
                        .into_any(),
                        Some(c) => {
                            let avg = c.average.map(|a| average_text(a, comma));
                            let title = td_string!(
                                locale,
                                class_summary.cell_title,
                                marks = c.mark_count,
                                absences = c.absences
                            );
                            view! {
                                <td
                                    class="sum-cell"
                                    data-testid=testid
                                    data-average=c.average.map(|a| format!("{a:.2}")).unwrap_or_default()
                                    data-absences=c.absences
                                    data-marks=c.mark_count
                                    title=title
                                >
                                    <span class=format!("sum-avg {}", average_class(c.average))>
                                        {avg.unwrap_or_default()}
                                    </span>
                                    {(c.absences > 0).then(|| view! {
                                        <span class="sum-abs">{c.absences}</span>
                                    })}
                                </td>
                            }
                            .into_any()
                        }
                    }
                })
                .collect_view();
            view! {
                <tr data-testid="summary-row" data-student-id=sid.to_string()>
                    <th scope="row" class="sum-name">
                        <a
                            class="sum-student"
                            href=student_diary_href(school_id, sid)
                            data-testid=format!("summary-student-{sid}")
                            title=td_string!(locale, class_summary.diary_title, name = r.name.clone())
                        >
                            {r.name.clone()}
                        </a>
                        <a
                            class="sum-marks no-print"
                            href=student_marks_href(school_id, sid, Some(period))
                            data-testid=format!("summary-marks-{sid}")
                            aria-label=td_string!(locale, class_summary.marks_title, name = r.name.clone())
                        >
                            {td_string!(locale, class_summary.marks)}
                        </a>
                        <a
                            class="sum-marks no-print"
                            href=crate::report_card::report_card_href(school_id, Some(sid), None)
                            data-testid=format!("summary-report-card-{sid}")
                            aria-label=format!("{}: {}", td_string!(locale, report_card.title), r.name)
                        >
                            {td_string!(locale, report_card.short)}
                        </a>
                    </th>
                    {cells}
                    <td class="sum-total" data-testid=format!("summary-total-{sid}") data-absences=r.absences>
                        {r.absences}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let foot_cells = t
        .footer
        .averages
        .iter()
        .zip(&t.footer.absences)
        .map(|(avg, abs)| {
            let text = avg.map(|a| average_text(a, comma)).unwrap_or_default();
            view! {
                <td class="sum-cell">
                    <span class=format!("sum-avg {}", average_class(*avg))>{text}</span>
                    {(*abs > 0).then(|| view! { <span class="sum-abs">{*abs}</span> })}
                </td>
            }
        })
        .collect_view();
    let total = t.footer.total_absences;
    view! {
        <table class="summary-table" data-testid="summary-table">
            <thead>
                <tr>
                    <th scope="col" class="sum-name">{td_string!(locale, class_summary.student)}</th>
                    {head}
                    <th scope="col" class="sum-total">{td_string!(locale, class_summary.absences_total)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
            <tfoot data-testid="summary-footer">
                <tr>
                    <th scope="row" class="sum-name">{td_string!(locale, class_summary.class_row)}</th>
                    {foot_cells}
                    <td class="sum-total" data-testid="summary-total-class" data-absences=total>{total}</td>
                </tr>
            </tfoot>
        </table>
    }
    .into_any()
}
