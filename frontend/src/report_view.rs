//! Shared pieces of the report pages (issue 7): a report table and the export buttons.
//!
//! [`ReportTableView`] renders an [`otmetka_domain::reports::ReportTable`] — the very table the
//! server writes to CSV and XLSX (`quality_tables`, `attendance_tables`, `control_tables`,
//! `activity_tables`), so that the screen shows what the files contain. A click on a column
//! heading sorts by it (numbers by value, text by a Russian-friendly comparison: case and `ё`
//! ignored, digits compared as numbers so that `10А` comes after `9Б`); a second click reverses.
//! Like [`crate::table`], the table is rendered to HTML text by one function (cheap in the wasm,
//! DESIGN §6) and clicks are caught once on its wrapper.
//!
//! [`ExportButtons`] download `<path>.csv?…&table=<key>` and `<path>.xlsx?…` with the access
//! token ([`crate::api::get_file`]) and print the page.

use std::cmp::Ordering;

use otmetka_domain::reports::{ReportCell, ReportTable};

use crate::table::escape;

/// The column a table is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub col: usize,
    pub desc: bool,
}

/// The sort after a click on column `col`: the same column reverses, another one sorts
/// ascending.
pub fn next_sort(current: Option<Sort>, col: usize) -> Sort {
    match current {
        Some(s) if s.col == col => Sort { col, desc: !s.desc },
        _ => Sort { col, desc: false },
    }
}

/// A text's sort key: lower case, `ё` as `е`.
fn fold(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

/// Compares texts the way a Russian reader expects: case and `ё` ignored, runs of digits by
/// their value (`9Б` < `10А`, `гр. 2` < `гр. 10`).
pub fn compare_text(a: &str, b: &str) -> Ordering {
    let (a, b) = (fold(a), fold(b));
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(&b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let mut n = String::new();
                while let Some(c) = x.next_if(char::is_ascii_digit) {
                    n.push(c);
                }
                let mut m = String::new();
                while let Some(d) = y.next_if(char::is_ascii_digit) {
                    m.push(d);
                }
                let (n, m) = (n.trim_start_matches('0'), m.trim_start_matches('0'));
                let by_value = n.len().cmp(&m.len()).then_with(|| n.cmp(m));
                if by_value != Ordering::Equal {
                    return by_value;
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

/// Compares two cells ascending: numbers by value before texts, texts by [`compare_text`].
/// Empty cells are not compared here (see [`sort_order`]: they always go last).
pub fn compare_cells(a: &ReportCell, b: &ReportCell) -> Ordering {
    match (a.number(), b.number()) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => compare_text(&a.display(), &b.display()),
    }
}

fn is_empty(cell: Option<&ReportCell>) -> bool {
    match cell {
        None | Some(ReportCell::Empty) => true,
        Some(ReportCell::Text(s)) => s.trim().is_empty(),
        _ => false,
    }
}

/// The order in which the rows are shown (indices into `rows`). Unsorted: as given. Sorted: by
/// the column, stable (equal rows keep their order), empty cells last in either direction. With
/// `pin_last`, the last row (a total: «Школа», «Всего») stays last.
pub fn sort_order(rows: &[Vec<ReportCell>], sort: Option<Sort>, pin_last: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let Some(sort) = sort else {
        return order;
    };
    let pinned = if pin_last && rows.len() > 1 {
        order.pop()
    } else {
        None
    };
    order.sort_by(|&i, &j| {
        let (a, b) = (rows[i].get(sort.col), rows[j].get(sort.col));
        match (is_empty(a), is_empty(b)) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => {
                let (Some(a), Some(b)) = (a, b) else {
                    return Ordering::Equal;
                };
                let o = compare_cells(a, b);
                if sort.desc { o.reverse() } else { o }
            }
        }
    });
    order.extend(pinned);
    order
}

/// Whether a column holds numbers (right-aligned): every non-empty cell is a number and at
/// least one is there.
pub fn numeric_column(rows: &[Vec<ReportCell>], col: usize) -> bool {
    let mut any = false;
    for row in rows {
        match row.get(col) {
            cell if is_empty(cell) => {}
            Some(c) if c.number().is_some() => any = true,
            _ => return false,
        }
    }
    any
}

/// How a report table is drawn.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableLook {
    pub sort: Option<Sort>,
    /// The last row is a total and stays last.
    pub pin_last: bool,
    /// Rows (original indices) that are marked (`row-flag`: above a threshold).
    pub highlight: Vec<usize>,
    /// Rows open a drill-down on click (`row-link`, focusable).
    pub clickable: bool,
    /// The table's title as its `<caption>`.
    pub caption: bool,
}

/// The value of `aria-sort` for a column.
pub fn aria_sort(sort: Option<Sort>, col: usize) -> &'static str {
    match sort {
        Some(Sort {
            col: c,
            desc: false,
        }) if c == col => "ascending",
        Some(Sort { col: c, desc: true }) if c == col => "descending",
        _ => "none",
    }
}

fn push_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape(value, out);
    out.push('"');
}

/// The table as HTML: a sortable heading (`<button data-col>` in each `<th>` with `aria-sort`),
/// rows with `data-row` (the index in the report's table), numeric cells with class `num`.
/// `sort_hint` is the buttons' title («Сортировать»).
pub fn table_html(table: &ReportTable, look: &TableLook, sort_hint: &str) -> String {
    let mut out = String::with_capacity(512 + table.rows.len() * 200);
    let numeric: Vec<bool> = (0..table.headers.len())
        .map(|c| numeric_column(&table.rows, c))
        .collect();
    out.push_str("<table class=\"table report-table\"");
    push_attr(
        &mut out,
        "data-testid",
        &format!("report-table-{}", table.key),
    );
    push_attr(&mut out, "data-rows", &table.rows.len().to_string());
    out.push('>');
    if look.caption {
        out.push_str("<caption>");
        escape(&table.title, &mut out);
        out.push_str("</caption>");
    }
    out.push_str("<thead><tr>");
    for (c, h) in table.headers.iter().enumerate() {
        out.push_str("<th scope=\"col\"");
        push_attr(&mut out, "aria-sort", aria_sort(look.sort, c));
        if numeric[c] {
            out.push_str(" class=\"num\"");
        }
        out.push_str("><button type=\"button\" class=\"sort-button\"");
        push_attr(&mut out, "data-col", &c.to_string());
        push_attr(&mut out, "title", sort_hint);
        out.push('>');
        escape(h, &mut out);
        out.push_str("<span class=\"sort-mark\" aria-hidden=\"true\">");
        out.push_str(match aria_sort(look.sort, c) {
            "ascending" => "▲",
            "descending" => "▼",
            _ => "",
        });
        out.push_str("</span></button></th>");
    }
    out.push_str("</tr></thead><tbody>");
    for i in sort_order(&table.rows, look.sort, look.pin_last) {
        let row = &table.rows[i];
        out.push_str("<tr");
        push_attr(&mut out, "data-row", &i.to_string());
        let mut classes = Vec::new();
        if look.clickable {
            classes.push("row-link");
        }
        if look.highlight.contains(&i) {
            classes.push("row-flag");
        }
        if look.pin_last && i + 1 == table.rows.len() && table.rows.len() > 1 {
            classes.push("row-total");
        }
        if !classes.is_empty() {
            push_attr(&mut out, "class", &classes.join(" "));
        }
        if look.clickable {
            out.push_str(" tabindex=\"0\"");
        }
        out.push('>');
        for (c, cell) in row.iter().enumerate() {
            if c == 0 {
                out.push_str("<th scope=\"row\"");
            } else {
                out.push_str("<td");
            }
            if let Some(h) = table.headers.get(c) {
                push_attr(&mut out, "data-label", h);
            }
            if numeric.get(c).copied().unwrap_or(false) {
                out.push_str(" class=\"num\"");
            }
            out.push('>');
            escape(&cell.display(), &mut out);
            out.push_str(if c == 0 { "</th>" } else { "</td>" });
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// `/<path>.<ext>?<query>&table=<key>` for [`crate::api::get_file`]; `query` may start with `?`
/// or not, and may be empty.
pub fn export_path(path: &str, ext: &str, query: &str, table: Option<&str>) -> String {
    let path = path.trim_matches('/');
    let mut params: Vec<String> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("table="))
        .map(str::to_string)
        .collect();
    if let Some(key) = table.filter(|k| !k.is_empty()) {
        params.push(format!("table={}", crate::format::percent_encode(key)));
    }
    if params.is_empty() {
        format!("/{path}.{ext}")
    } else {
        format!("/{path}.{ext}?{}", params.join("&"))
    }
}

/// The file name when the server sends none: `quality-classes.csv`.
pub fn export_fallback_name(path: &str, ext: &str, table: Option<&str>) -> String {
    let stem = path
        .trim_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("report");
    match table.filter(|k| !k.is_empty()) {
        Some(key) if ext == "csv" => format!("{stem}-{key}.{ext}"),
        _ => format!("{stem}.{ext}"),
    }
}

pub use view::{ExportButtons, ReportTableView};

mod view {
    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use otmetka_domain::reports::ReportTable;
    use uuid::Uuid;

    use super::{Sort, TableLook, export_fallback_name, export_path, next_sort, table_html};
    use crate::api::{self, ApiError};
    use crate::auth::use_auth;
    use crate::i18n::*;
    use crate::pages::{ErrorAlert, lbl};
    use crate::report_api;
    use crate::report_card::file_name;

    /// A report table (see the module docs): `data-testid="report-table-<key>"`, rows with
    /// `data-row=<index>`; `on_row` makes rows open a drill-down (click or Enter).
    #[component]
    pub fn ReportTableView(
        table: ReportTable,
        /// Called with the row's index in `table.rows`.
        #[prop(optional)]
        on_row: Option<Callback<usize>>,
        /// The last row is a total that stays last when sorting.
        #[prop(optional)]
        pin_last: bool,
        /// Rows to mark (indices in `table.rows`).
        #[prop(optional)]
        highlight: Vec<usize>,
        /// Show the table's title as its caption.
        #[prop(optional)]
        caption: bool,
    ) -> impl IntoView {
        use leptos::wasm_bindgen::JsCast as _;
        let i18n = use_i18n();
        let sort = RwSignal::new(None::<Sort>);
        let key = table.key.clone();
        let table = std::sync::Arc::new(table);
        let html = move || {
            let look = TableLook {
                sort: sort.get(),
                pin_last,
                highlight: highlight.clone(),
                clickable: on_row.is_some(),
                caption,
            };
            table_html(
                &table,
                &look,
                td_string!(i18n.get_locale(), reports.sort_hint),
            )
        };
        let closest = |ev: &leptos::ev::Event, selector: &str| {
            ev.target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|t| t.closest(selector).ok().flatten())
        };
        let on_click = move |ev: leptos::ev::MouseEvent| {
            if let Some(b) = closest(&ev, "[data-col]") {
                if let Some(col) = b.get_attribute("data-col").and_then(|c| c.parse().ok()) {
                    sort.update(|s| *s = Some(next_sort(*s, col)));
                }
                return;
            }
            if let (Some(cb), Some(tr)) = (on_row, closest(&ev, "tr[data-row]"))
                && let Some(i) = tr.get_attribute("data-row").and_then(|r| r.parse().ok())
            {
                cb.run(i);
            }
        };
        let on_key = move |ev: leptos::ev::KeyboardEvent| {
            if ev.key() != "Enter" {
                return;
            }
            if let (Some(cb), Some(tr)) = (on_row, closest(&ev, "tr[data-row]"))
                && let Some(i) = tr.get_attribute("data-row").and_then(|r| r.parse().ok())
            {
                cb.run(i);
            }
        };
        view! {
            <div
                class="report-table-wrap"
                data-testid=format!("report-table-wrap-{key}")
                inner_html=html
                on:click=on_click
                on:keydown=on_key
            ></div>
        }
    }

    /// «CSV», «XLSX» and «Печать». `path` is the report's path under the school
    /// (`reports/quality`), `query` its query string (with or without `?`), `table` the key of
    /// the table the CSV holds (the XLSX holds every table).
    #[component]
    pub fn ExportButtons(
        school_id: Uuid,
        path: &'static str,
        #[prop(into)] query: Signal<String>,
        #[prop(into, optional)] table: Signal<Option<String>>,
    ) -> impl IntoView {
        let auth = use_auth();
        let busy = RwSignal::new(None::<&'static str>);
        let error = RwSignal::new(None::<ApiError>);
        let download = move |ext: &'static str| {
            if busy.get_untracked().is_some() {
                return;
            }
            let key = table.get_untracked();
            let rest = export_path(path, ext, &query.get_untracked(), key.as_deref());
            let fallback = export_fallback_name(path, ext, key.as_deref());
            let accept = if ext == "csv" {
                "text/csv"
            } else {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            };
            busy.set(Some(ext));
            error.set(None);
            spawn_local(async move {
                match api::get_file(auth, school_id, &rest, accept).await {
                    Ok(file) => {
                        let name = file_name(file.disposition.as_deref(), &fallback);
                        if !report_api::save_file(&file, &name) {
                            error.set(Some(ApiError::Unexpected { status: 200 }));
                        }
                    }
                    Err(err) => error.set(Some(err)),
                }
                busy.set(None);
            });
        };
        let label = move |ext: &'static str| {
            let l = if ext == "csv" {
                lbl(|l| td_string!(l, reports.csv))
            } else {
                lbl(|l| td_string!(l, reports.xlsx))
            };
            let wait = lbl(|l| td_string!(l, reports.downloading));
            move || {
                if busy.get() == Some(ext) { wait() } else { l() }
            }
        };
        view! {
            <div class="toolbar report-export no-print">
                <button
                    type="button"
                    class="button"
                    data-testid="export-csv"
                    title=lbl(|l| td_string!(l, reports.csv_title))
                    disabled=move || busy.get().is_some()
                    aria-busy=move || (busy.get() == Some("csv")).to_string()
                    on:click=move |_| download("csv")
                >
                    {label("csv")}
                </button>
                <button
                    type="button"
                    class="button"
                    data-testid="export-xlsx"
                    title=lbl(|l| td_string!(l, reports.xlsx_title))
                    disabled=move || busy.get().is_some()
                    aria-busy=move || (busy.get() == Some("xlsx")).to_string()
                    on:click=move |_| download("xlsx")
                >
                    {label("xlsx")}
                </button>
                <button
                    type="button"
                    class="button"
                    data-testid="print"
                    on:click=move |_| {
                        let _ = window().print();
                    }
                >
                    {crate::pages::tr(|l| td_string!(l, reports.print))}
                </button>
            </div>
            <div class="no-print">
                <ErrorAlert error=error testid="export-error" />
            </div>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> ReportCell {
        ReportCell::Text(s.into())
    }
    fn n(v: f64) -> ReportCell {
        ReportCell::Num {
            value: v,
            decimals: 1,
        }
    }

    #[test]
    fn a_second_click_reverses_another_column_starts_ascending() {
        let s = next_sort(None, 2);
        assert_eq!(
            s,
            Sort {
                col: 2,
                desc: false
            }
        );
        let s = next_sort(Some(s), 2);
        assert_eq!(s, Sort { col: 2, desc: true });
        assert_eq!(
            next_sort(Some(s), 2),
            Sort {
                col: 2,
                desc: false
            }
        );
        assert_eq!(
            next_sort(Some(s), 0),
            Sort {
                col: 0,
                desc: false
            }
        );
        assert_eq!(aria_sort(Some(s), 2), "descending");
        assert_eq!(aria_sort(Some(s), 1), "none");
        assert_eq!(aria_sort(None, 0), "none");
    }

    #[test]
    fn text_sorts_like_a_russian_reader_expects() {
        assert_eq!(compare_text("9Б", "10А"), Ordering::Less);
        assert_eq!(compare_text("10А", "10Б"), Ordering::Less);
        assert_eq!(compare_text("ёжиков", "Ершов"), Ordering::Less);
        assert_eq!(compare_text("ежов", "Ёжиков"), Ordering::Greater);
        assert_eq!(compare_text("Абрамов", "абрамов"), Ordering::Equal);
        assert_eq!(compare_text("5А (гр. 2)", "5А (гр. 10)"), Ordering::Less);
        assert_eq!(compare_text("Яковлев", "Абрамов"), Ordering::Greater);
        assert_eq!(compare_text("5", "05"), Ordering::Greater);
    }

    #[test]
    fn rows_sort_by_number_and_text_with_empty_cells_last_and_the_total_pinned() {
        let rows = vec![
            vec![t("10А"), n(55.6)],
            vec![t("9Б"), ReportCell::Empty],
            vec![t("5А"), n(100.0)],
            vec![t("5Б"), ReportCell::Int(7)],
            vec![t("Школа"), n(60.0)],
        ];
        assert_eq!(sort_order(&rows, None, true), vec![0, 1, 2, 3, 4]);
        let asc = Some(Sort {
            col: 1,
            desc: false,
        });
        let desc = Some(Sort { col: 1, desc: true });
        assert_eq!(sort_order(&rows, asc, false), vec![3, 0, 4, 2, 1]);
        assert_eq!(sort_order(&rows, desc, false), vec![2, 4, 0, 3, 1]);
        assert_eq!(sort_order(&rows, desc, true), vec![2, 0, 3, 1, 4]);
        let by_name = Some(Sort {
            col: 0,
            desc: false,
        });
        assert_eq!(sort_order(&rows, by_name, true), vec![2, 3, 1, 0, 4]);
        let by_name_desc = Some(Sort { col: 0, desc: true });
        assert_eq!(sort_order(&rows, by_name_desc, true), vec![0, 1, 3, 2, 4]);
    }

    #[test]
    fn equal_cells_keep_their_order() {
        let rows = vec![
            vec![t("б"), ReportCell::Int(1)],
            vec![t("а"), ReportCell::Int(1)],
            vec![t("в"), ReportCell::Int(0)],
        ];
        let s = Some(Sort { col: 1, desc: true });
        assert_eq!(sort_order(&rows, s, false), vec![0, 1, 2]);
    }

    #[test]
    fn numeric_columns_are_detected() {
        let rows = vec![
            vec![t("5А"), n(1.0), t("4*")],
            vec![t("5Б"), ReportCell::Empty, t("5")],
        ];
        assert!(!numeric_column(&rows, 0));
        assert!(numeric_column(&rows, 1));
        assert!(!numeric_column(&rows, 2));
        assert!(!numeric_column(&rows, 7));
    }

    #[test]
    fn the_table_renders_sorted_with_hooks_and_escaped_text() {
        let table = ReportTable {
            key: "classes".into(),
            title: "По классам".into(),
            headers: vec!["Класс".into(), "Качество, %".into()],
            rows: vec![
                vec![t("<5А>"), n(40.0)],
                vec![t("5Б"), n(77.8)],
                vec![t("Школа"), n(50.0)],
            ],
        };
        let look = TableLook {
            sort: Some(Sort { col: 1, desc: true }),
            pin_last: true,
            highlight: vec![0],
            clickable: true,
            caption: true,
        };
        let html = table_html(&table, &look, "Сортировать");
        assert!(html.starts_with(
            "<table class=\"table report-table\" data-testid=\"report-table-classes\" data-rows=\"3\"><caption>По классам</caption>"
        ));
        assert!(html.contains("<th scope=\"col\" aria-sort=\"descending\" class=\"num\"><button type=\"button\" class=\"sort-button\" data-col=\"1\" title=\"Сортировать\">Качество, %<span class=\"sort-mark\" aria-hidden=\"true\">▼</span></button></th>"), "{html}");
        let b = html.find("data-row=\"1\"").unwrap();
        let a = html.find("data-row=\"0\"").unwrap();
        let s = html.find("data-row=\"2\"").unwrap();
        assert!(b < a && a < s, "{html}");
        assert!(html.contains("<tr data-row=\"0\" class=\"row-link row-flag\" tabindex=\"0\"><th scope=\"row\" data-label=\"Класс\">&lt;5А&gt;</th><td data-label=\"Качество, %\" class=\"num\">40,0</td></tr>"), "{html}");
        assert!(html.contains("class=\"row-link row-total\""), "{html}");
    }

    #[test]
    fn export_paths_carry_the_query_and_the_table() {
        assert_eq!(
            export_path(
                "reports/quality",
                "csv",
                "?term=quarter_1&class_id=x",
                Some("classes")
            ),
            "/reports/quality.csv?term=quarter_1&class_id=x&table=classes"
        );
        assert_eq!(
            export_path("/reports/quality", "xlsx", "term=year&table=old", None),
            "/reports/quality.xlsx?term=year"
        );
        assert_eq!(
            export_path("reports/activity", "csv", "", Some("roles")),
            "/reports/activity.csv?table=roles"
        );
        assert_eq!(
            export_path("reports/activity", "xlsx", "?", None),
            "/reports/activity.xlsx"
        );
        assert_eq!(
            export_fallback_name("reports/journal-control", "csv", Some("teachers")),
            "journal-control-teachers.csv"
        );
        assert_eq!(
            export_fallback_name("reports/quality", "xlsx", Some("classes")),
            "quality.xlsx"
        );
    }
}
