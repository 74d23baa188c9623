//! Plain logic of the import page: the kinds in the order a new school imports them, the columns
//! each expects, the file's media type, how many rows it has (for the progress line), and the
//! report of a rejected file.

use otmetka_domain::import::{ImportReport, RowOutcome, RowResult};
use uuid::Uuid;

use crate::api::ApiError;

/// What can be imported, in the order a new school does it (each kind refers to the ones before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Periods,
    Subjects,
    Staff,
    Classes,
    Students,
    Parents,
    Courses,
    BellSchedule,
    Holidays,
    Timetable,
}

impl ImportKind {
    pub const ALL: [ImportKind; 10] = [
        ImportKind::Periods,
        ImportKind::Subjects,
        ImportKind::Staff,
        ImportKind::Classes,
        ImportKind::Students,
        ImportKind::Parents,
        ImportKind::Courses,
        ImportKind::BellSchedule,
        ImportKind::Holidays,
        ImportKind::Timetable,
    ];

    /// The path segment (`/import/{kind}`).
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Periods => "periods",
            ImportKind::Subjects => "subjects",
            ImportKind::Staff => "staff",
            ImportKind::Classes => "classes",
            ImportKind::Students => "students",
            ImportKind::Parents => "parents",
            ImportKind::Courses => "courses",
            ImportKind::BellSchedule => "bell_schedule",
            ImportKind::Holidays => "holidays",
            ImportKind::Timetable => "timetable",
        }
    }

    pub fn parse(value: &str) -> Option<ImportKind> {
        ImportKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// The columns of the CSV header (the server's canonical names; `*` marks the optional ones).
    pub fn columns(self) -> &'static str {
        match self {
            ImportKind::Periods => "academic_year, kind, number, starts_on, ends_on",
            ImportKind::Subjects => "name, short_name",
            ImportKind::Staff => {
                "external_id, last_name, first_name, middle_name*, role, subject*, email*"
            }
            ImportKind::Classes => "name, grade, letter, class_teacher_external_id*",
            ImportKind::Students => {
                "external_id, last_name, first_name, middle_name*, birth_date*, sex*, class, group*"
            }
            ImportKind::Parents => {
                "external_id, last_name, first_name, middle_name*, student_external_id, relation*, phone*"
            }
            ImportKind::Courses => "class, subject, teacher_external_id, hours_per_week, group*",
            ImportKind::BellSchedule => "number, starts_at, ends_at, name*",
            ImportKind::Holidays => "name, kind*, starts_on, ends_on*",
            ImportKind::Timetable => {
                "class, weekday, lesson_number, subject, teacher_external_id*, group*, room*, valid_from*, valid_to*"
            }
        }
    }

    /// The kinds that must be imported first.
    pub fn needs(self) -> &'static [ImportKind] {
        use ImportKind::*;
        match self {
            Periods | Subjects | Staff => &[],
            Classes => &[Staff],
            Students => &[Classes],
            Parents => &[Students],
            Courses => &[Classes, Subjects, Staff],
            BellSchedule => &[],
            Holidays => &[Periods],
            Timetable => &[Courses, BellSchedule],
        }
    }
}

/// The media type to send a file as: JSON by its name, else CSV (the server detects the encoding
/// and the separator).
pub fn content_type_for(file_name: &str) -> &'static str {
    if file_name.to_ascii_lowercase().ends_with(".json") {
        "application/json"
    } else {
        "text/csv"
    }
}

/// How many records a file holds, for the progress line: the items of a JSON array, or the CSV
/// lines after the header that are not blank (a line break inside quotes does not start a row).
pub fn count_rows(data: &[u8], json: bool) -> usize {
    if json {
        return count_json_items(data);
    }
    let mut rows = 0usize;
    let mut quoted = false;
    let mut blank = true;
    for &b in data {
        match b {
            b'"' => {
                quoted = !quoted;
                blank = false;
            }
            b'\n' if !quoted => {
                if !blank {
                    rows += 1;
                }
                blank = true;
            }
            b'\r' | b' ' | b'\t' | b',' | b';' => {}
            // A UTF-8 BOM is not content.
            0xEF | 0xBB | 0xBF if blank && rows == 0 => {}
            _ => blank = false,
        }
    }
    if !blank {
        rows += 1;
    }
    rows.saturating_sub(1)
}

/// The items of a top-level JSON array, counted without parsing them (0 for anything else).
fn count_json_items(data: &[u8]) -> usize {
    let mut bytes = data.iter().copied().filter(|b| !b.is_ascii_whitespace());
    if bytes.next() != Some(b'[') {
        return 0;
    }
    let (mut depth, mut items) = (1usize, 0usize);
    let (mut in_string, mut escaped, mut started) = (false, false, false);
    for b in data.iter().copied().skip_while(|b| *b != b'[').skip(1) {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if b.is_ascii_whitespace() {
            continue;
        }
        if depth == 1 && !started && b != b']' && b != b',' {
            started = true;
            items += 1;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => started = false,
            _ => {}
        }
        if depth == 0 {
            break;
        }
    }
    items
}

/// The key that makes a repeated commit of the same file return the first answer: one per chosen
/// file, so that a double click or a retry after a lost answer never imports twice.
pub fn idempotency_key(kind: ImportKind) -> String {
    format!("spa-{}-{}", kind.as_str(), Uuid::now_v7())
}

/// The report inside a `422 import_rejected` answer (every row, with the errors).
pub fn rejected_report(err: &ApiError) -> Option<ImportReport> {
    let ApiError::Problem { problem, .. } = err else {
        return None;
    };
    // Through the text form: the report's deserializer for text is compiled already (the
    // answer of a successful import), one for `serde_json::Value` would double it.
    serde_json::from_str(&problem.report.as_ref()?.to_string()).ok()
}

/// Whether a checked file may be committed: a dry run without errors and with rows.
pub fn can_commit(report: &ImportReport) -> bool {
    report.dry_run && report.counts.errors == 0 && !report.rows.is_empty()
}

/// The rows a table shows: every row, or only the ones with errors.
pub fn shown_rows(report: &ImportReport, errors_only: bool) -> Vec<&RowResult> {
    report
        .rows
        .iter()
        .filter(|r| !errors_only || r.outcome == RowOutcome::Error)
        .collect()
}

/// Rows per page of the report table.
pub const ROWS_PER_PAGE: u64 = 50;

/// The wire name of an outcome (`created`, …), for `data-outcome`.
pub fn outcome_code(outcome: RowOutcome) -> &'static str {
    match outcome {
        RowOutcome::Created => "created",
        RowOutcome::Updated => "updated",
        RowOutcome::Unchanged => "unchanged",
        RowOutcome::Error => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use otmetka_domain::ErrorCode;
    use otmetka_domain::import::{ImportCounts, RowProblem};

    fn report(dry_run: bool, errors: usize) -> ImportReport {
        ImportReport {
            kind: "students".into(),
            dry_run,
            committed: false,
            counts: ImportCounts {
                created: 2,
                updated: 0,
                unchanged: 0,
                errors,
            },
            rows: vec![
                RowResult {
                    line: 2,
                    key: "S1".into(),
                    outcome: RowOutcome::Created,
                    problems: Vec::new(),
                },
                RowResult {
                    line: 3,
                    key: "S2".into(),
                    outcome: if errors > 0 {
                        RowOutcome::Error
                    } else {
                        RowOutcome::Created
                    },
                    problems: Vec::new(),
                },
            ],
        }
    }

    #[test]
    fn kinds_come_in_import_order_and_name_their_prerequisites() {
        let names: Vec<&str> = ImportKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "periods",
                "subjects",
                "staff",
                "classes",
                "students",
                "parents",
                "courses",
                "bell_schedule",
                "holidays",
                "timetable"
            ]
        );
        for (i, kind) in ImportKind::ALL.into_iter().enumerate() {
            assert_eq!(ImportKind::parse(kind.as_str()), Some(kind));
            for need in kind.needs() {
                let j = ImportKind::ALL.iter().position(|k| k == need).unwrap();
                assert!(j < i, "{kind:?} needs {need:?}, which comes later");
            }
        }
        assert!(
            ImportKind::Students
                .columns()
                .starts_with("external_id, last_name")
        );
        assert_eq!(ImportKind::parse("marks"), None);
    }

    #[test]
    fn json_files_go_as_json_everything_else_as_csv() {
        assert_eq!(content_type_for("students.JSON"), "application/json");
        assert_eq!(content_type_for("students_excel_cp1251.csv"), "text/csv");
        assert_eq!(content_type_for("ученики.txt"), "text/csv");
    }

    #[test]
    fn rows_are_counted_without_the_header_blank_lines_or_quoted_breaks() {
        assert_eq!(count_rows(b"a,b\r\n1,2\r\n3,4\r\n", false), 2);
        assert_eq!(count_rows(b"a;b\n1;2\n\n;\n3;\"x\ny\"", false), 2);
        assert_eq!(count_rows(b"\xEF\xBB\xBFa,b\n", false), 0, "header only");
        assert_eq!(count_rows(b"", false), 0);
        assert_eq!(count_rows(b"[{\"a\":1},{\"a\":2},{}]", true), 3);
        assert_eq!(count_rows(b"{not json", true), 0);
        assert_eq!(count_rows(b" [ ] ", true), 0);
        assert_eq!(
            count_rows(br#"[{"name":"a,]\"["},{"x":[1,2,{"y":"}"}]}, 3]"#, true),
            3
        );
        // Windows-1251 bytes are content like any other.
        assert_eq!(count_rows(b"\xd4\xe0\xec\n\xc8\xe2\n", false), 1);
    }

    #[test]
    fn each_file_gets_its_own_idempotency_key() {
        let a = idempotency_key(ImportKind::Students);
        let b = idempotency_key(ImportKind::Students);
        assert!(a.starts_with("spa-students-"));
        assert_ne!(a, b);
        assert!(a.len() <= 128, "the server takes at most 128 characters");
    }

    #[test]
    fn a_rejected_import_carries_its_report() {
        let mut err = ApiError::from_code(ErrorCode::ImportRejected, 422);
        let mut rejected = report(true, 1);
        rejected.rows[1].problems.push(RowProblem {
            column: Some("birth_date".into()),
            message: "31.02.2015 is not a date".into(),
        });
        if let ApiError::Problem { problem, .. } = &mut err {
            problem.report = Some(serde_json::to_value(&rejected).unwrap());
        }
        let got = rejected_report(&err).unwrap();
        assert_eq!(got, rejected);
        assert!(!can_commit(&got));
        assert_eq!(shown_rows(&got, true).len(), 1);
        assert_eq!(shown_rows(&got, false).len(), 2);
        assert_eq!(rejected_report(&ApiError::Network), None);
        assert_eq!(
            rejected_report(&ApiError::from_code(ErrorCode::Forbidden, 403)),
            None
        );
    }

    #[test]
    fn only_a_clean_dry_run_may_be_committed() {
        assert!(can_commit(&report(true, 0)));
        assert!(!can_commit(&report(false, 0)), "already committed");
        let mut empty = report(true, 0);
        empty.rows.clear();
        assert!(!can_commit(&empty));
        assert_eq!(outcome_code(RowOutcome::Unchanged), "unchanged");
    }
}
