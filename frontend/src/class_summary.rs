//! The class summary (`/classes/{id}/summary`): the server's [`ClassSummary`] laid out as a table
//! of students × courses (average and absences per cell), with the absence totals and a footer.
//! Plain functions, tested on the host.

use otmetka_domain::grading::round2;
use otmetka_domain::journal::{ClassSummary, SummaryCell};
use otmetka_domain::structure::Period;
use uuid::Uuid;

/// A column: one course of the class.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub course_id: Uuid,
    pub subject: String,
    /// The subgroup of a course taught in parts.
    pub group: Option<i32>,
    pub teachers: String,
}

/// A cell: the student's average and absences in one course; `None` in a row where the student
/// does not attend the course (the other subgroup).
pub type CellView = Option<SummaryCell>;

/// A row: one student.
#[derive(Debug, Clone, PartialEq)]
pub struct RowView {
    pub student_id: Uuid,
    pub name: String,
    /// One per column, in column order.
    pub cells: Vec<CellView>,
    /// Every lesson missed in the period (the server's total).
    pub absences: u32,
}

/// The footer: per column, the mean of the students' averages (students without an average
/// left out) and the absences of the class; and the class's absence total.
#[derive(Debug, Clone, PartialEq)]
pub struct Footer {
    pub averages: Vec<Option<f64>>,
    pub absences: Vec<u32>,
    pub total_absences: u32,
}

/// The table of a summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<RowView>,
    pub footer: Footer,
}

/// Lays out a summary: columns in the server's order, rows in the server's order (by name), each
/// row's cells under their columns.
pub fn build(summary: &ClassSummary) -> Table {
    let columns: Vec<Column> = summary
        .courses
        .iter()
        .map(|c| Column {
            course_id: c.course_id,
            subject: c.subject_name.clone(),
            group: c.group_number,
            teachers: c.teacher_names.join(", "),
        })
        .collect();
    let rows: Vec<RowView> = summary
        .students
        .iter()
        .map(|s| RowView {
            student_id: s.student_id,
            name: s.full_name.clone(),
            cells: columns
                .iter()
                .map(|col| {
                    s.cells
                        .iter()
                        .find(|c| c.course_id == col.course_id)
                        .cloned()
                })
                .collect(),
            absences: s.absences,
        })
        .collect();
    let averages = (0..columns.len())
        .map(|i| {
            let values: Vec<f64> = rows
                .iter()
                .filter_map(|r| r.cells[i].as_ref().and_then(|c| c.average))
                .collect();
            (!values.is_empty()).then(|| round2(values.iter().sum::<f64>() / values.len() as f64))
        })
        .collect();
    let absences = (0..columns.len())
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.cells[i].as_ref().map(|c| c.absences))
                .sum()
        })
        .collect();
    let total_absences = rows.iter().map(|r| r.absences).sum();
    Table {
        columns,
        rows,
        footer: Footer {
            averages,
            absences,
            total_absences,
        },
    }
}

/// An average with two decimals: `4.50`, or `4,50` with a decimal comma (Russian).
pub fn average_text(average: f64, comma: bool) -> String {
    let s = format!("{:.2}", round2(average));
    if comma { s.replace('.', ",") } else { s }
}

/// The colour class of an average, like the mark it rounds to: `avg-5` from 4.5, `avg-4` from
/// 3.5, `avg-3` from 2.5, `avg-2` below; `avg-none` without an average.
pub fn average_class(average: Option<f64>) -> &'static str {
    match average {
        None => "avg-none",
        Some(a) if a >= 4.5 => "avg-5",
        Some(a) if a >= 3.5 => "avg-4",
        Some(a) if a >= 2.5 => "avg-3",
        Some(_) => "avg-2",
    }
}

/// Periods for the select: by first day (quarters and half-years of the year mixed in their
/// order), the year last.
pub fn sort_periods(periods: &mut [Period]) {
    periods.sort_by_key(|p| {
        (
            p.kind == otmetka_domain::structure::PeriodKind::Year,
            p.starts_on,
            p.kind,
            p.number,
        )
    });
}

/// `?period=` of the URL (a UUID; anything else counts as absent = the current period).
pub fn period_from_query(value: Option<&str>) -> Option<Uuid> {
    value.and_then(|v| Uuid::parse_str(v.trim()).ok())
}

/// The summary page's address.
pub fn summary_href(school_id: Uuid, class_id: Uuid, period: Option<Uuid>) -> String {
    match period {
        Some(p) => format!("/classes/{class_id}/summary?school={school_id}&period={p}"),
        None => format!("/classes/{class_id}/summary?school={school_id}"),
    }
}

/// A student's diary from the summary: `/diary?school=&student=` (the current week).
pub fn student_diary_href(school_id: Uuid, student_id: Uuid) -> String {
    crate::diary::diary_href(school_id, Some(student_id), None)
}

/// A student's marks from the summary: `/marks?school=&student=&period=`, in the period the
/// summary shows.
pub fn student_marks_href(school_id: Uuid, student_id: Uuid, period: Option<Uuid>) -> String {
    crate::diary::marks_href(school_id, Some(student_id), period)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use otmetka_domain::journal::{SummaryCourse, SummaryStudent};
    use otmetka_domain::structure::PeriodKind;

    const MATH: Uuid = Uuid::from_u128(0x10);
    const ENG1: Uuid = Uuid::from_u128(0x11);
    const ENG2: Uuid = Uuid::from_u128(0x12);
    const ANNA: Uuid = Uuid::from_u128(0x20);
    const BORIS: Uuid = Uuid::from_u128(0x21);

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn period(kind: PeriodKind, number: i32, from: NaiveDate, to: NaiveDate) -> Period {
        Period {
            id: Uuid::from_u128(number as u128 + kind as u128 * 100),
            academic_year_id: Uuid::nil(),
            kind,
            number,
            starts_on: from,
            ends_on: to,
        }
    }

    fn cell(course_id: Uuid, average: Option<f64>, absences: u32) -> SummaryCell {
        SummaryCell {
            course_id,
            average,
            mark_count: u32::from(average.is_some()),
            absences,
        }
    }

    fn course(id: Uuid, subject: &str, group: Option<i32>) -> SummaryCourse {
        SummaryCourse {
            course_id: id,
            subject_name: subject.into(),
            group_number: group,
            teacher_names: vec!["Иванова М. П.".into(), "Петров И. И.".into()],
        }
    }

    fn summary() -> ClassSummary {
        ClassSummary {
            class_id: Uuid::from_u128(1),
            class_name: "5А".into(),
            period: period(PeriodKind::Quarter, 1, day(9, 1), day(10, 26)),
            courses: vec![
                course(MATH, "Математика", None),
                course(ENG1, "Английский язык", Some(1)),
                course(ENG2, "Английский язык", Some(2)),
            ],
            students: vec![
                SummaryStudent {
                    student_id: ANNA,
                    full_name: "Алексеева Анна".into(),
                    // Cells in another order than the columns.
                    cells: vec![cell(ENG1, Some(5.0), 0), cell(MATH, Some(4.67), 2)],
                    absences: 2,
                },
                SummaryStudent {
                    student_id: BORIS,
                    full_name: "Борисов Борис".into(),
                    cells: vec![cell(MATH, Some(3.5), 1), cell(ENG2, None, 3)],
                    absences: 4,
                },
            ],
        }
    }

    #[test]
    fn cells_go_under_their_columns_and_other_subgroups_stay_empty() {
        let t = build(&summary());
        assert_eq!(t.columns.len(), 3);
        assert_eq!(t.columns[1].group, Some(1));
        assert_eq!(t.columns[0].teachers, "Иванова М. П., Петров И. И.");
        let anna = &t.rows[0];
        assert_eq!(anna.cells[0].as_ref().unwrap().average, Some(4.67));
        assert_eq!(anna.cells[1].as_ref().unwrap().average, Some(5.0));
        assert!(anna.cells[2].is_none(), "Anna is not in subgroup 2");
        let boris = &t.rows[1];
        assert!(boris.cells[1].is_none());
        assert_eq!(boris.cells[2].as_ref().unwrap().average, None);
        assert_eq!(boris.cells[2].as_ref().unwrap().absences, 3);
        assert_eq!(boris.absences, 4);
    }

    #[test]
    fn footer_means_averages_and_sums_absences() {
        let t = build(&summary());
        // (4.67 + 3.5) / 2 = 4.085 → 4.09
        assert_eq!(t.footer.averages, vec![Some(4.09), Some(5.0), None]);
        assert_eq!(t.footer.absences, vec![3, 0, 3]);
        assert_eq!(t.footer.total_absences, 6);

        let empty = ClassSummary {
            courses: Vec::new(),
            students: Vec::new(),
            ..summary()
        };
        let t = build(&empty);
        assert!(t.columns.is_empty() && t.rows.is_empty());
        assert_eq!(t.footer.total_absences, 0);
    }

    #[test]
    fn averages_have_two_decimals_and_a_colour() {
        assert_eq!(average_text(4.5, true), "4,50");
        assert_eq!(average_text(4.666, false), "4.67");
        assert_eq!(average_text(3.0, false), "3.00");
        assert_eq!(average_class(Some(4.5)), "avg-5");
        assert_eq!(average_class(Some(4.49)), "avg-4");
        assert_eq!(average_class(Some(3.5)), "avg-4");
        assert_eq!(average_class(Some(2.5)), "avg-3");
        assert_eq!(average_class(Some(2.49)), "avg-2");
        assert_eq!(average_class(None), "avg-none");
    }

    #[test]
    fn periods_by_first_day_with_the_year_last() {
        let mut list = vec![
            period(PeriodKind::Year, 1, day(9, 1), day(12, 31)),
            period(PeriodKind::Quarter, 2, day(11, 5), day(12, 28)),
            period(PeriodKind::Quarter, 1, day(9, 1), day(10, 26)),
            period(PeriodKind::HalfYear, 1, day(9, 1), day(12, 28)),
        ];
        sort_periods(&mut list);
        let order: Vec<(PeriodKind, i32)> = list.iter().map(|p| (p.kind, p.number)).collect();
        assert_eq!(
            order,
            [
                (PeriodKind::Quarter, 1),
                (PeriodKind::HalfYear, 1),
                (PeriodKind::Quarter, 2),
                (PeriodKind::Year, 1)
            ]
        );
    }

    #[test]
    fn links_and_query() {
        let s = Uuid::from_u128(5);
        let c = Uuid::from_u128(6);
        assert_eq!(
            summary_href(s, c, None),
            format!("/classes/{c}/summary?school={s}")
        );
        assert_eq!(
            summary_href(s, c, Some(ANNA)),
            format!("/classes/{c}/summary?school={s}&period={ANNA}")
        );
        assert_eq!(
            student_diary_href(s, BORIS),
            format!("/diary?school={s}&student={BORIS}")
        );
        assert_eq!(
            student_marks_href(s, BORIS, Some(ANNA)),
            format!("/marks?school={s}&student={BORIS}&period={ANNA}")
        );
        assert_eq!(
            student_marks_href(s, BORIS, None),
            format!("/marks?school={s}&student={BORIS}")
        );
        assert_eq!(period_from_query(Some(&ANNA.to_string())), Some(ANNA));
        assert_eq!(period_from_query(Some("current")), None);
        assert_eq!(period_from_query(None), None);
    }
}
