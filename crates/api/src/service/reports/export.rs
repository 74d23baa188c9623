//! Report exports: a [`ReportTable`] (the same table the SPA renders) as CSV or XLSX, cell for
//! cell, so that the files carry exactly the numbers on screen.
//!
//! - CSV: UTF-8 with a BOM, `;` between cells, a decimal comma (`77,8`), the way a Russian
//!   spreadsheet opens it; one table per file.
//! - XLSX (rust_xlsxwriter): one sheet per table, bold header row, numbers as numbers with the
//!   table's decimals (`0.0`, `0.00`), text as text.
//!
//! A text cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or
//! a carriage return) is written with a leading apostrophe in CSV and as a string in XLSX.

use otmetka_domain::reports::{ReportCell, ReportTable};
use rust_xlsxwriter::{Format, Workbook};

use crate::error::{AppError, AppResult};

/// `s`, with a leading `'` when a spreadsheet would take it for a formula.
pub fn csv_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// One table as CSV bytes (BOM, `;`, decimal comma). Errors: 500 only if writing to memory fails.
pub fn csv(table: &ReportTable) -> AppResult<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(table.headers.iter().map(|h| csv_text(h)))
        .map_err(AppError::internal)?;
    for row in &table.rows {
        w.write_record(row.iter().map(|c| match c {
            ReportCell::Text(s) => csv_text(s),
            other => other.display(),
        }))
        .map_err(AppError::internal)?;
    }
    w.into_inner().map_err(AppError::internal)
}

/// The table with `key`, or the first one; 422 `table: unknown` for a key the report lacks.
pub fn pick<'a>(tables: &'a [ReportTable], key: Option<&str>) -> AppResult<&'a ReportTable> {
    match key {
        None => tables
            .first()
            .ok_or_else(|| AppError::not_found("report table")),
        Some(k) => tables.iter().find(|t| t.key == k).ok_or_else(|| {
            let keys: Vec<&str> = tables.iter().map(|t| t.key.as_str()).collect();
            AppError::field("table", "unknown", format!("one of: {}", keys.join(", ")))
        }),
    }
}

/// The tables as an XLSX workbook, one sheet per table named by its title.
pub fn xlsx(tables: &[ReportTable]) -> AppResult<Vec<u8>> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let formats = [
        Format::new().set_num_format("0"),
        Format::new().set_num_format("0.0"),
        Format::new().set_num_format("0.00"),
    ];
    for t in tables {
        let sheet = book.add_worksheet();
        let name: String = t
            .title
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        sheet.set_name(name).map_err(AppError::internal)?;
        for (c, h) in t.headers.iter().enumerate() {
            let c = c as u16;
            sheet
                .write_string_with_format(0, c, h, &bold)
                .map_err(AppError::internal)?;
            sheet
                .set_column_width(c, if c == 0 { 28 } else { 14 })
                .map_err(AppError::internal)?;
        }
        sheet.set_freeze_panes(1, 1).map_err(AppError::internal)?;
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    ReportCell::Empty => {}
                    ReportCell::Text(s) => {
                        sheet.write_string(r, c, s).map_err(AppError::internal)?;
                    }
                    ReportCell::Int(n) => {
                        sheet
                            .write_number_with_format(r, c, *n as f64, &formats[0])
                            .map_err(AppError::internal)?;
                    }
                    ReportCell::Num { value, decimals } => {
                        let f = &formats[usize::from(*decimals).min(2)];
                        sheet
                            .write_number_with_format(r, c, *value, f)
                            .map_err(AppError::internal)?;
                    }
                };
            }
        }
    }
    book.save_to_buffer().map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> ReportTable {
        ReportTable {
            key: "classes".into(),
            title: "По классам".into(),
            headers: vec!["Класс".into(), "Качество, %".into(), "Учеников".into()],
            rows: vec![vec![
                ReportCell::Text("=5А".into()),
                ReportCell::Num {
                    value: 77.8,
                    decimals: 1,
                },
                ReportCell::Int(10),
            ]],
        }
    }

    #[test]
    fn csv_has_bom_semicolons_decimal_comma_and_no_formulas() {
        let bytes = csv(&table()).unwrap();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(text, "Класс;Качество, %;Учеников\n'=5А;77,8;10\n");
    }

    #[test]
    fn xlsx_is_a_zip_and_unknown_tables_are_refused() {
        let bytes = xlsx(&[table()]).unwrap();
        assert_eq!(&bytes[..2], b"PK");
        let tables = [table()];
        assert!(pick(&tables, Some("nope")).is_err());
        assert_eq!(pick(&tables, None).unwrap().key, "classes");
    }
}
