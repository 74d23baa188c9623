//! `/report-card?school=&student=&year=`: a student's report card (табель успеваемости) —
//! subjects × terms of final marks — with «Печать» (a clean A4 table) and a CSV download. A
//! student sees their own, a parent their children's (a switcher when there are several); staff
//! open a student's from the class summary, the class page or the marks page (`?student=`; the
//! server checks: the class teacher, the admin, the principal).
//!
//! `/classes/{id}/report-cards?school=&year=`: every student's card of a class, each printed on
//! its own page, and the class's CSV (the class teacher, the admin, the principal).

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_params_map, use_query_map};
use otmetka_domain::ErrorCode;
use otmetka_domain::finals::ReportCard;
use uuid::Uuid;

use crate::access::{Area, SchoolOption};
use crate::api::{self, ApiError, FileAnswer};
use crate::auth::use_auth;
use crate::diary::{Whose, marks_href, parse_id, pick_student};
use crate::i18n::*;
use crate::load::Res;
use crate::pages::classes::class_href;
use crate::pages::schedule::current_viewer;
use crate::pages::{ErrorAlert, Gate, LoadError, NoAccess, PageSchool, dynv, lbl, loading, ltext};
use crate::report_api;
use crate::report_card::{cards_html, fallback_name, file_name, report_card_href, single_html};
use crate::schedule::children_html;

#[component]
pub fn ReportCardPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Diary
            render=|school, _| school.map(|school| view! { <StudentCard school=school /> })
        />
    }
}

#[component]
pub fn ClassReportCardsPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Classes
            render=|school, _| school.map(|school| view! { <ClassCards school=school /> })
        />
    }
}

/// A load that failed: "no access" for a 403, else the error with a retry button.
fn failed(err: ApiError, retry: impl Fn() + Copy + Send + Sync + 'static) -> AnyView {
    if err.code() == Some(ErrorCode::Forbidden) {
        view! { <NoAccess /> }.into_any()
    } else {
        view! { <LoadError error=err testid="report-card-load-error" retry_testid="load-retry" on_retry=retry /> }
            .into_any()
    }
}

/// Prints the page (the print stylesheet leaves the cards alone on paper).
fn print_page() {
    let _ = window().print();
}

/// A CSV download: fetches the file with the access token and saves it.
fn download(
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    fetch: impl std::future::Future<Output = Result<FileAnswer, ApiError>> + 'static,
    fallback: String,
) {
    if busy.get_untracked() {
        return;
    }
    busy.set(true);
    error.set(None);
    spawn_local(async move {
        match fetch.await {
            Ok(file) => {
                let name = file_name(file.disposition.as_deref(), &fallback);
                if !report_api::save_file(&file, &name) {
                    error.set(Some(ApiError::Unexpected { status: 200 }));
                }
            }
            Err(err) => error.set(Some(err)),
        }
        busy.set(false);
    });
}

/// «Печать» and «CSV» buttons with the download's error.
#[component]
fn CardActions(
    on_csv: impl Fn() + Copy + Send + Sync + 'static,
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    /// The CSV button's text.
    csv_label: crate::pages::Text,
    #[prop(optional)] hint: Option<crate::pages::Text>,
) -> impl IntoView {
    view! {
        <div class="toolbar no-print rc-actions">
            <button type="button" class="button button-primary" data-testid="report-card-print" on:click=move |_| print_page()>
                {tr!(report_card.print)}
            </button>
            <button
                type="button"
                class="button"
                data-testid="report-card-csv"
                title=lbl(|l| td_string!(l, report_card.csv_title))
                disabled=move || busy.get()
                aria-busy=move || busy.get().to_string()
                on:click=move |_| on_csv()
            >
                {dynv(move || {
                    if busy.get() {
                        tr!(report_card.downloading).into_any()
                    } else {
                        crate::pages::tr(csv_label).into_any()
                    }
                })}
            </button>
            {hint.map(|h| view! { <p class="hint rc-print-hint">{crate::pages::tr(h)}</p> })}
        </div>
        <div class="no-print">
            <ErrorAlert error=error testid="report-card-csv-error" />
        </div>
    }
}

#[component]
fn StudentCard(school: SchoolOption) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let query = use_query_map();
    let school_id = school.id;
    let viewer = Arc::new(current_viewer(school_id));
    let shown = {
        let viewer = viewer.clone();
        Memo::new(move |_| {
            query.with(|q| {
                (
                    pick_student(&viewer, parse_id(q.get("student").as_deref())),
                    parse_id(q.get("year").as_deref()),
                )
            })
        })
    };
    let card = Res::new(move || {
        let (whose, year) = shown.get();
        async move {
            match whose.id() {
                Some(student) => report_api::report_card(auth, school_id, student, year)
                    .await
                    .map(Some),
                None => Ok(None::<ReportCard>),
            }
        }
    });
    // The academic year: the current one unless `?year=` names another (the archive).
    let years = Res::new(move || api::years(auth, school_id));
    let navigate = leptos_router::hooks::use_navigate();
    let on_year = move |ev: leptos::ev::Event| {
        let year = Uuid::parse_str(&event_target_value(&ev)).ok();
        let whose = shown.get_untracked().0;
        navigate(
            &report_card_href(school_id, whose.id(), year),
            leptos_router::NavigateOptions::default(),
        );
    };
    let year_select = move || {
        let chosen = shown.get().1;
        let list = years.get().and_then(Result::ok).unwrap_or_default();
        let locale = i18n.get_locale();
        let current = view! {
            <option value="" selected=chosen.is_none()>{td_string!(locale, report_card.year_current)}</option>
        };
        let list = list
            .into_iter()
            .map(|y| {
                view! { <option value=y.id.to_string() selected=chosen == Some(y.id)>{y.name}</option> }
            })
            .collect_view();
        view! { {current} {list} }
    };
    let chooser = {
        let viewer = viewer.clone();
        move || {
            let (whose, year) = shown.get();
            let locale = i18n.get_locale();
            let mut out = String::new();
            if !whose.is_staff() {
                children_html(
                    &mut out,
                    &viewer,
                    whose.id(),
                    &|id| report_card_href(school_id, Some(id), year),
                    td_string!(locale, report_card.mine),
                    locale,
                );
            }
            out
        }
    };
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let on_csv = move || {
        let (whose, year) = shown.get_untracked();
        let Some(student) = whose.id() else { return };
        let name = match untrack(|| card.get()) {
            Some(Ok(Some(c))) => c.student_name,
            _ => student.to_string(),
        };
        let fallback = fallback_name(i18n.get_locale_untracked(), &name);
        download(
            busy,
            error,
            report_api::report_card_csv(auth, school_id, student, year),
            fallback,
        );
    };
    let loaded = Memo::new(move |_| matches!(card.get(), Some(Ok(Some(_)))));
    let body = move || match card.get() {
        None => loading(),
        Some(Err(err)) => failed(err, move || card.refetch()),
        Some(Ok(None)) => {
            if shown.get_untracked().0 == Whose::StaffHint {
                let classes = crate::access::NavItem::Classes.href(Some(school_id));
                view! {
                    <p class="note" data-testid="report-card-staff-hint">
                        {tr!(report_card.staff_hint)} " "
                        <a href=classes data-testid="report-card-to-classes">{tr!(diary.to_classes)}</a>
                    </p>
                }
                .into_any()
            } else {
                view! { <p class="note" data-testid="report-card-no-student">{tr!(diary.no_student)}</p> }
                    .into_any()
            }
        }
        Some(Ok(Some(c))) => {
            let c = Arc::new(c);
            view! {
                <div class="rc-cards rc-single" inner_html=move || single_html(&c, i18n.get_locale())></div>
            }
            .into_any()
        }
    };
    let to_marks = move || marks_href(school_id, shown.get().0.id(), None);
    view! {
        <section class="page page-wide rc-page" data-testid="report-card-page">
            <h1 class="no-print">{tr!(report_card.title)}</h1>
            <div class="no-print"><PageSchool school=Some(school) /></div>
            <div class="toolbar schedule-chooser no-print" inner_html=chooser></div>
            <div class="toolbar no-print">
                <label class="inline-field" for="report-card-year-picker">
                    <span>{tr!(report_card.year)}</span>
                    <select id="report-card-year-picker" data-testid="report-card-year-picker" on:change=on_year>
                        {year_select}
                    </select>
                </label>
            </div>
            <Show when=move || loaded.get()>
                <CardActions
                    on_csv=on_csv
                    busy=busy
                    error=error
                    csv_label=|l| td_string!(l, report_card.csv)
                />
            </Show>
            {dynv(body)}
            <p class="schedule-more no-print" hidden=move || shown.get().0.id().is_none()>
                <a href=to_marks data-testid="report-card-to-marks">{tr!(report_card.to_marks)}</a>
            </p>
        </section>
    }
}

#[component]
fn ClassCards(school: SchoolOption) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let school_id = school.id;
    let class_id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| Uuid::parse_str(&v).ok())));
    let year = Memo::new(move |_| query.with(|q| parse_id(q.get("year").as_deref())));
    let class = Res::new(move || {
        let id = class_id.get();
        async move {
            match id {
                Some(id) => api::class(auth, school_id, id).await,
                None => Err(ApiError::from_code(ErrorCode::NotFound, 404)),
            }
        }
    });
    let cards = Res::new(move || {
        let (id, year) = (class_id.get(), year.get());
        async move {
            match id {
                Some(id) => report_api::class_report_cards(auth, school_id, id, year).await,
                None => Err(ApiError::from_code(ErrorCode::NotFound, 404)),
            }
        }
    });
    let class_name = move || match class.get() {
        Some(Ok(c)) => c.name,
        _ => String::new(),
    };
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let on_csv = move || {
        let Some(id) = class_id.get_untracked() else {
            return;
        };
        let name = match untrack(|| class.get()) {
            Some(Ok(c)) => c.name,
            _ => id.to_string(),
        };
        let fallback = fallback_name(i18n.get_locale_untracked(), &name);
        download(
            busy,
            error,
            report_api::class_report_cards_csv(auth, school_id, id, year.get_untracked()),
            fallback,
        );
    };
    let loaded = Memo::new(move |_| matches!(cards.get(), Some(Ok(_))));
    let body = move || match cards.get() {
        None => loading(),
        Some(Err(err)) => failed(err, move || cards.refetch()),
        Some(Ok(list)) => {
            let list = Arc::new(list);
            view! { <div inner_html=move || cards_html(&list, i18n.get_locale())></div> }.into_any()
        }
    };
    let links = move || {
        class_id.get().map(|id| {
            view! {
                <a href=class_href(school_id, id) data-testid="report-cards-back">{tr!(report_card.to_class)}</a>
                " "
                <a href=crate::class_summary::summary_href(school_id, id, None) data-testid="report-cards-summary">
                    {tr!(report_card.to_summary)}
                </a>
            }
        })
    };
    view! {
        <section class="page page-wide rc-page" data-testid="report-cards-page">
            <h1 class="no-print" data-testid="report-cards-title">
                {ltext(move |l| td_string!(l, report_card.class_title, name = class_name()))}
            </h1>
            <div class="no-print"><PageSchool school=Some(school) /></div>
            <p class="class-links no-print">{dynv(move || links().into_any())}</p>
            <Show when=move || loaded.get()>
                <CardActions
                    on_csv=on_csv
                    busy=busy
                    error=error
                    csv_label=|l| td_string!(l, report_card.class_csv)
                    hint=|l| td_string!(l, report_card.print_hint)
                />
            </Show>
            {dynv(body)}
        </section>
    }
}
