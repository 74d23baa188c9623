//! `/import?school=`: the admin imports the school's data from a file: chooses the kind and the
//! file, checks it (`dry_run=true`: every row's outcome, nothing written), and commits the same
//! bytes with an `Idempotency-Key` made for that file, so a double click imports once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::JsCast as _;
use otmetka_domain::import::{ImportReport, RowOutcome, RowResult};

use crate::access::{Area, SchoolOption};
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::i18n::*;
use crate::import::{
    ImportKind, ROWS_PER_PAGE, can_commit, content_type_for, count_rows, idempotency_key,
    outcome_code, rejected_report, shown_rows,
};
use crate::load::Shared;
use crate::pages::{
    Busy, DataTable, Gate, PageSchool, Pager, ProblemAlert, build_table, counted, dynv, stext,
};
use crate::paging::Paging;
use crate::table::{Cell, Part, Row, Table};
use crate::text::{Counted, count_text, import_kind_text, outcome_text};

#[component]
pub fn ImportPage() -> impl IntoView {
    view! {
        <Gate
            area=Area::Import
            render=|school, _| school.map(|school| view! { <Import school=school /> })
        />
    }
}

/// The chosen file, read into memory.
#[derive(Debug, Clone, PartialEq)]
struct Chosen {
    name: String,
    size: usize,
    rows: usize,
    content_type: &'static str,
    /// Made when the file is chosen: every commit of these bytes carries it.
    key: String,
}

/// Where the import is.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Idle,
    Reading,
    Checking,
    /// A dry run's report (with or without errors).
    Checked(ImportReport),
    Committing,
    /// The committed import's report.
    Done(ImportReport),
}

/// Reads a file's bytes.
async fn read_file(file: web_sys::File) -> Option<Vec<u8>> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

#[component]
fn Import(school: SchoolOption) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let school_id = school.id;
    let kind = RwSignal::new(ImportKind::Periods);
    let chosen = RwSignal::new(None::<Chosen>);
    let bytes = StoredValue::new(Vec::<u8>::new());
    let stage = RwSignal::new(Stage::Idle);
    let error = RwSignal::new(None::<ApiError>);
    let input = NodeRef::<leptos::html::Input>::new();

    let reset = move || {
        stage.set(Stage::Idle);
        error.set(None);
    };
    let on_kind = move |ev: leptos::ev::Event| {
        if let Some(k) = ImportKind::parse(&event_target_value(&ev)) {
            kind.set(k);
            // A new kind is a new request: the file is checked again, with a new key.
            if let Some(c) = chosen.get_untracked() {
                chosen.set(Some(Chosen {
                    key: idempotency_key(k),
                    ..c
                }));
            }
            reset();
        }
    };
    let on_file = move |ev: leptos::ev::Event| {
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|f| f.get(0));
        reset();
        chosen.set(None);
        let Some(file) = file else { return };
        stage.set(Stage::Reading);
        spawn_local(async move {
            let name = file.name();
            let Some(data) = read_file(file).await else {
                stage.set(Stage::Idle);
                error.set(Some(ApiError::Network));
                return;
            };
            let content_type = content_type_for(&name);
            let rows = count_rows(&data, content_type == "application/json");
            let size = data.len();
            bytes.set_value(data);
            chosen.set(Some(Chosen {
                name,
                size,
                rows,
                content_type,
                key: idempotency_key(kind.get_untracked()),
            }));
            stage.set(Stage::Idle);
        });
    };
    // Sends the file: a dry run, or the commit with the file's key.
    let send = move |dry_run: bool| {
        let Some(c) = chosen.get_untracked() else {
            return;
        };
        if matches!(
            stage.get_untracked(),
            Stage::Checking | Stage::Committing | Stage::Reading
        ) {
            return;
        }
        error.set(None);
        stage.set(if dry_run {
            Stage::Checking
        } else {
            Stage::Committing
        });
        let data = bytes.get_value();
        let k = kind.get_untracked();
        let key = (!dry_run).then_some(c.key);
        spawn_local(async move {
            let result = api::import(
                auth,
                school_id,
                k.as_str(),
                data,
                c.content_type,
                dry_run,
                key,
            )
            .await;
            match result {
                Ok(report) if report.committed => stage.set(Stage::Done(report)),
                Ok(report) => stage.set(Stage::Checked(report)),
                Err(err) => match rejected_report(&err) {
                    Some(report) => stage.set(Stage::Checked(report)),
                    None => {
                        stage.set(Stage::Idle);
                        error.set(Some(err));
                    }
                },
            }
        });
    };

    let kinds = move || {
        let locale = i18n.get_locale();
        let current = kind.get();
        ImportKind::ALL
            .into_iter()
            .enumerate()
            .map(|(i, k)| {
                view! {
                    <option value=k.as_str() selected=current == k>
                        {format!("{}. {}", i + 1, import_kind_text(locale, k))}
                    </option>
                }
            })
            .collect_view()
    };
    let needs = move || {
        let locale = i18n.get_locale();
        let needs = kind.get().needs();
        (!needs.is_empty()).then(|| {
            let list = needs
                .iter()
                .map(|k| import_kind_text(locale, *k))
                .collect::<Vec<_>>()
                .join(", ");
            view! { <p class="hint" data-testid="import-needs">{td_string!(locale, import.needs, list = list)}</p> }
        })
    };
    let file_line = move || {
        chosen.get().map(|c| {
            let rows = c.rows as u64;
            view! {
                <p class="muted" data-testid="import-file-info" data-rows=rows data-size=c.size>
                    <strong>{c.name}</strong> " · " {counted(Counted::Rows, rows)}
                </p>
            }
        })
    };
    let rows_text = move |key: fn(Locale) -> &'static str| {
        Signal::derive(move || {
            let locale = i18n.get_locale();
            let rows = chosen.with(|c| c.as_ref().map_or(0, |c| c.rows)) as u64;
            format!(
                "{} {}",
                key(locale),
                count_text(locale, Counted::Rows, rows)
            )
        })
    };
    let busy = move || {
        matches!(
            stage.get(),
            Stage::Reading | Stage::Checking | Stage::Committing
        )
    };
    let progress = move || {
        match stage.get() {
        Stage::Reading => Some(view! { <Busy text=stext(|l| td_string!(l, import.reading)) testid="import-progress" /> }.into_any()),
        Stage::Checking => Some(view! {
            <Busy text=rows_text(|l| td_string!(l, import.checking)) testid="import-progress" />
            <div class="progress" aria-hidden="true"><div class="progress-bar"></div></div>
        }.into_any()),
        Stage::Committing => Some(view! {
            <Busy text=rows_text(|l| td_string!(l, import.committing)) testid="import-progress" />
            <div class="progress" aria-hidden="true"><div class="progress-bar"></div></div>
        }.into_any()),
        _ => None,
    }
    };
    let result = move || match stage.get() {
        Stage::Checked(report) => {
            let ok = can_commit(&report);
            Some(view! {
                {if ok {
                    view! { <p class="success" role="status" data-testid="import-checked">{tr!(import.checked_ok)}</p> }.into_any()
                } else {
                    view! { <p class="alert" role="alert" data-testid="import-rejected" data-code="import_rejected">{tr!(import.rejected)}</p> }.into_any()
                }}
                <Report report=report />
                {ok.then(|| view! {
                    <div class="actions">
                        <button type="button" class="button button-primary" data-testid="import-commit" disabled=busy on:click=move |_| send(false)>
                            {tr!(import.commit)}
                        </button>
                    </div>
                })}
            }.into_any())
        }
        Stage::Done(report) => Some(
            view! {
                <p class="success" role="status" data-testid="import-done">{tr!(import.done)}</p>
                <Report report=report />
            }
            .into_any(),
        ),
        _ => None,
    };

    view! {
        <section class="page" data-testid="import-page">
            <h1>{tr!(import.title)}</h1>
            <PageSchool school=Some(school) />
            <p class="muted">{tr!(import.intro)}</p>
            <div class="form">
                <div class="field">
                    <label for="import-kind">{tr!(import.kind)}</label>
                    <select id="import-kind" data-testid="import-kind" on:change=on_kind>{kinds}</select>
                    <p class="hint">{tr!(import.order)}</p>
                    {needs}
                </div>
                <div class="field">
                    <span class="field-label">{tr!(import.columns)}</span>
                    <code class="columns" data-testid="import-columns">{dynv(move || (kind.get().columns()).into_any())}</code>
                    <p class="hint">{tr!(import.columns_hint)}</p>
                </div>
                <div class="field">
                    <label for="import-file">{tr!(import.file)}</label>
                    <input
                        id="import-file"
                        data-testid="import-file"
                        type="file"
                        accept=".csv,.json,.txt,text/csv,application/json"
                        node_ref=input
                        on:change=on_file
                    />
                    <p class="hint">{tr!(import.file_hint)}</p>
                </div>
                {file_line}
                <div class="actions">
                    <button
                        type="button"
                        class="button button-primary"
                        data-testid="import-check"
                        disabled=move || busy() || chosen.with(Option::is_none)
                        on:click=move |_| send(true)
                    >
                        {tr!(import.check)}
                    </button>
                </div>
            </div>
            {progress}
            <ProblemAlert error=error testid="import-error" />
            {result}
        </section>
    }
}

/// The counts and the row table of a report, paged; rows with errors are highlighted and can be
/// shown alone.
#[component]
fn Report(report: ImportReport) -> impl IntoView {
    let i18n = use_i18n();
    let c = report.counts;
    let has_errors = c.errors > 0;
    let errors_only = RwSignal::new(has_errors);
    let page = RwSignal::new(1u64);
    let report = std::sync::Arc::new(report);
    let counts = move || {
        let locale = i18n.get_locale();
        [
            (RowOutcome::Created, c.created),
            (RowOutcome::Updated, c.updated),
            (RowOutcome::Unchanged, c.unchanged),
            (RowOutcome::Error, c.errors),
        ]
        .into_iter()
        .map(|(o, n)| {
            let bad = o == RowOutcome::Error && n > 0;
            view! {
                <li class="count-chip" class:count-chip-error=bad data-testid="import-count" data-outcome=outcome_code(o) data-count=n>
                    {outcome_text(locale, o)} ": " <strong>{n}</strong>
                </li>
            }
        })
        .collect_view()
    };
    // The rows shown (all or the errors) and the page of them.
    let for_count = report.clone();
    let for_total = report.clone();
    let shown = Memo::new(move |_| {
        let only = errors_only.get();
        for_count.with_value(|r| shown_rows(r, only).len()) as u64
    });
    let build = build_table(move |l| {
        let only = errors_only.get();
        let paging = Paging {
            page: page.get(),
            per_page: ROWS_PER_PAGE,
            total: shown.get(),
        };
        let rows = report.with_value(|r| {
            paging
                .slice(&shown_rows(r, only))
                .iter()
                .map(|row| report_row(l, row))
                .collect()
        });
        Table {
            testid: "import-table",
            head: vec![
                td_string!(l, import.line).into(),
                td_string!(l, import.key).into(),
                td_string!(l, import.outcome).into(),
                td_string!(l, import.problems).into(),
            ],
            rows,
        }
    });
    let pager = move || {
        let paging = Paging {
            page: page.get(),
            per_page: ROWS_PER_PAGE,
            total: shown.get(),
        };
        view! { <Pager paging=paging on_page=move |p| page.set(p) /> }.into_any()
    };
    let table = move || view! { <DataTable table=build.clone() /> {dynv(pager)} };
    let total = for_total.rows.len() as u64;
    view! {
        <div class="report-head">
            <p class="count" data-testid="import-total" data-count=total data-dry-run=for_total.dry_run.to_string() data-committed=for_total.committed.to_string()>
                {counted(Counted::Rows, total)}
            </p>
            <ul class="count-chips" data-testid="import-counts">{counts}</ul>
        </div>
        {has_errors.then(|| view! {
            <label class="check">
                <input type="checkbox" data-testid="import-errors-only" bind:checked=errors_only on:change=move |_| page.set(1) />
                {tr!(import.errors_only)}
            </label>
        })}
        {table}
    }
}

/// One row of the report table; a row with errors is highlighted and lists them.
fn report_row(l: Locale, row: &RowResult) -> Row {
    let badge = match row.outcome {
        RowOutcome::Error => "badge badge-danger",
        RowOutcome::Unchanged => "badge badge-muted",
        RowOutcome::Updated => "badge badge-info",
        RowOutcome::Created => "badge",
    };
    let problems = row
        .problems
        .iter()
        .map(|p| match &p.column {
            Some(col) => format!("{col}: {}", p.message),
            None => p.message.clone(),
        })
        .collect();
    let mut r = Row::new("import-row")
        .attr("data-outcome", outcome_code(row.outcome))
        .attr("data-line", row.line.to_string())
        .cell(Cell::new(td_string!(l, import.line)).text(row.line.to_string()))
        .cell(Cell::new(td_string!(l, import.key)).part(Part::Mono(row.key.clone())))
        .cell(Cell::new(td_string!(l, import.outcome)).part(Part::Badge {
            class: badge,
            text: outcome_text(l, row.outcome).into(),
        }))
        .cell(Cell::new(td_string!(l, import.problems)).part(Part::List {
            testid: "import-row-problems",
            items: problems,
        }));
    if row.outcome == RowOutcome::Error {
        r = r.class("row-error");
    }
    r
}
