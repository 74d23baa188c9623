//! Final marks (итоговые отметки), period closing and the report card (табель успеваемости).
//!
//! A final mark belongs to a student, a subject and a *term* of an academic year: a period of the
//! school's final-mark kind (quarter, trimester or half-year), the year, and for graduating
//! grades (9 and 11) the exam and the final (итоговая) mark. Teachers set them from K days before
//! a period's end until N days after it (school settings, regulation §6), counted in the school's
//! time zone; later only the principal or the admin does, with a reason.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "validate")]
use validator::Validate;

use crate::grading::{
    Average, MarkScale, suggest_period_mark, suggest_year_mark, weighted_average,
};
use crate::journal::JournalStudent;
use crate::structure::{Course, PeriodKind};

/// Which final mark of a year: `quarter_1`…`quarter_4`, `trimester_1`…`trimester_3`,
/// `half_year_1`, `half_year_2`, `year`, `exam`, `final`. Sent and stored as that string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Term {
    /// A period of the school's final-mark kind (четвертная, триместровая, полугодовая).
    Period { kind: PeriodKind, number: i32 },
    /// The year mark (годовая).
    Year,
    /// The exam mark (экзаменационная), graduating grades only.
    Exam,
    /// The final mark for the certificate (итоговая), graduating grades only.
    Final,
}

/// The grades whose classes get exam and final (итоговая) marks: 9 (ОГЭ) and 11 (ЕГЭ).
pub const GRADUATING_GRADES: [i32; 2] = [9, 11];

impl Term {
    /// The stored and sent string (`quarter_2`, `year`).
    pub fn code(&self) -> String {
        self.to_string()
    }

    /// Whether the term is a period (quarter, trimester, half-year).
    pub fn is_period(&self) -> bool {
        matches!(self, Term::Period { .. })
    }

    /// The order of terms on a report card: periods by number, then year, exam, final.
    pub fn sort_key(&self) -> (i32, i32) {
        match self {
            Term::Period { number, .. } => (0, *number),
            Term::Year => (1, 0),
            Term::Exam => (2, 0),
            Term::Final => (3, 0),
        }
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Period { kind, number } => write!(f, "{}_{number}", kind.as_str()),
            Term::Year => f.write_str("year"),
            Term::Exam => f.write_str("exam"),
            Term::Final => f.write_str("final"),
        }
    }
}

/// Why a term string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermParseError(pub String);

impl fmt::Display for TermParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a term (quarter_1…4, trimester_1…3, half_year_1…2, year, exam, final)",
            self.0
        )
    }
}

impl std::error::Error for TermParseError {}

impl FromStr for Term {
    type Err = TermParseError;

    fn from_str(s: &str) -> Result<Term, TermParseError> {
        let err = || TermParseError(s.to_string());
        match s {
            "year" => return Ok(Term::Year),
            "exam" => return Ok(Term::Exam),
            "final" => return Ok(Term::Final),
            _ => {}
        }
        let (kind, number) = s.rsplit_once('_').ok_or_else(err)?;
        let kind = PeriodKind::ALL
            .into_iter()
            .find(|k| k.as_str() == kind && *k != PeriodKind::Year)
            .ok_or_else(err)?;
        if number.len() != 1 {
            return Err(err());
        }
        let number: i32 = number.parse().map_err(|_| err())?;
        if !(1..=kind.per_year()).contains(&number) {
            return Err(err());
        }
        Ok(Term::Period { kind, number })
    }
}

impl TryFrom<String> for Term {
    type Error = TermParseError;
    fn try_from(s: String) -> Result<Term, TermParseError> {
        s.parse()
    }
}

impl From<Term> for String {
    fn from(t: Term) -> String {
        t.to_string()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Term {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(
                "^(quarter_[1-4]|trimester_[1-3]|half_year_[12]|year|exam|final)$",
            ))
            .description(Some(
                "A final-mark term: a period of the school's final kind (`quarter_1`), `year`, \
                 or for grades 9 and 11 `exam` and `final` (итоговая).",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Term {}

/// Where a term stands for teachers today (the school's time zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TermState {
    /// Before `opens_on`: teachers cannot set the marks yet.
    NotOpen,
    /// From `opens_on` to `closes_on` inclusive: teachers set the marks.
    Open,
    /// After `closes_on`: only the principal or the admin, with a reason.
    Closed,
    /// Closed, but the admin reopened it for the course until `reopened_until`.
    Reopened,
}

/// The teachers' window of a term: from `K` days before `ends_on` to `N` days after it, both
/// whole days of the school's time zone (regulation §6). `today` is the school's today.
pub fn term_state(
    ends_on: NaiveDate,
    open_days: i32,
    close_days: i32,
    reopened_until: Option<NaiveDate>,
    today: NaiveDate,
) -> TermState {
    let (opens, closes) = term_window(ends_on, open_days, close_days);
    if today < opens {
        TermState::NotOpen
    } else if today <= closes {
        TermState::Open
    } else if reopened_until.is_some_and(|u| today <= u) {
        TermState::Reopened
    } else {
        TermState::Closed
    }
}

/// The first and the last day (inclusive) teachers set a term's marks: `ends_on − K` and
/// `ends_on + N`.
pub fn term_window(ends_on: NaiveDate, open_days: i32, close_days: i32) -> (NaiveDate, NaiveDate) {
    (
        ends_on - chrono::Duration::days(open_days.into()),
        ends_on + chrono::Duration::days(close_days.into()),
    )
}

/// A term of a course's final-mark sheet, with its dates and what the reader may do now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinalTerm {
    pub term: Term,
    /// The period of a period term; `null` for year, exam and final.
    pub period_id: Option<Uuid>,
    /// The days the term's marks are about: the period's bounds; for year, exam and final the
    /// year's first and last teaching day (the first period's start, the last period's end).
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The teachers' window, inclusive, in the school's time zone: `ends_on − K` …
    /// `ends_on + N` (exam and final: until the academic year's last day).
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// Set when the admin reopened the term for this course: the last day it is open.
    pub reopened_until: Option<NaiveDate>,
    pub state: TermState,
    /// Whether the reader may write the term's marks now.
    pub writable: bool,
    /// Whether a write needs a `reason` (the principal or the admin outside the teachers'
    /// window).
    pub reason_required: bool,
}

/// One final-mark cell: the stored mark (if any) beside the suggestion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinalMarkCell {
    pub student_id: Uuid,
    pub subject_id: Uuid,
    pub term: Term,
    /// The mark; `null` when not set (or cleared).
    pub value: Option<String>,
    pub comment: Option<String>,
    /// 0 for a cell never written; send it back with the next write (412 when stale).
    pub version: i32,
    pub set_at: Option<DateTime<Utc>>,
    /// Who set it (person name) — the teacher, or the principal/admin on an override.
    pub set_by_name: Option<String>,
    /// The basis of the suggestion: a period's weighted average of the subject's marks (the one
    /// grading function); for the year, the mean of the counting period marks; `null` for exam
    /// and final, or without marks.
    pub average: Option<f64>,
    /// What the marks suggest with the school's rounding threshold (`null` when nothing does).
    pub suggested: Option<String>,
    /// Whether a mark is expected from this course: the student is in it on the term's last day.
    pub due: bool,
}

/// A course's final-mark sheet for its academic year
/// (`GET …/courses/{course_id}/final-marks`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseFinalMarks {
    pub course: Course,
    pub scale: MarkScale,
    /// The school's rounding threshold (0.5 by default).
    pub rounding_threshold: f64,
    /// In order: the periods, year, then exam and final for grades 9 and 11.
    pub terms: Vec<FinalTerm>,
    /// Everyone in the course at some time of the year, by name, with their spans.
    pub students: Vec<JournalStudent>,
    /// One cell per student × term.
    pub cells: Vec<FinalMarkCell>,
    /// The school's today.
    pub today: NaiveDate,
}

/// Write one final mark.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct FinalMarkWrite {
    pub student_id: Uuid,
    pub term: Term,
    /// A value of the subject's scale (н/а, осв., зч/нз included); `null` clears. Required.
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub value: Option<String>,
    /// Up to 500 characters. Omitted or `null`: the comment stays; `""` removes it. Required
    /// when the value differs from the suggestion by more than one point (422
    /// `comment_required`).
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(length(max = 500)))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub comment: Option<String>,
    /// The version read (0 for a cell never written); a stale one → 412 with the current cells,
    /// a negative one → 422.
    #[cfg_attr(feature = "validate", validate(range(min = 0)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub version: i32,
}

/// A batch of final marks of one course, written all or nothing
/// (`POST …/courses/{course_id}/final-marks`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct FinalMarksBatch {
    /// 1–2000 cells.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 2000), nested))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 2000))]
    pub marks: Vec<FinalMarkWrite>,
    /// Why the principal or the admin sets marks outside the teachers' window (3–500
    /// characters; required then, 422 `required`). Recorded in the audit.
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(length(min = 3, max = 500)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 500))]
    pub reason: Option<String>,
}

/// The written cells, as stored now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinalMarksResult {
    pub cells: Vec<FinalMarkCell>,
}

/// The admin reopened a closed term for one course: its teachers set final marks and write the
/// period's journal again until `until`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TermReopening {
    pub id: Uuid,
    pub course_id: Uuid,
    pub term: Term,
    /// The last day (school time zone, inclusive) it is open.
    pub until: NaiveDate,
    pub reason: String,
    pub reopened_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Reopen a term for a course (admin). A later reopening of the same term replaces the earlier.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct TermReopeningInput {
    pub term: Term,
    /// The last day it is open: today … today + 60 days.
    pub until: NaiveDate,
    /// 3–500 characters, kept in the audit.
    #[cfg_attr(feature = "validate", validate(length(min = 3, max = 500)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 500))]
    pub reason: String,
}

/// A course on the principal's closing view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClosingCourse {
    pub course_id: Uuid,
    pub class_id: Uuid,
    pub class_name: String,
    pub group_number: Option<i32>,
    pub subject_id: Uuid,
    pub subject_name: String,
    pub teacher_ids: Vec<Uuid>,
    pub teacher_names: Vec<String>,
    /// Students due a mark from the course (in it on the term's last day).
    pub students: u32,
    /// … of them with a mark set.
    pub set: u32,
    /// … without one (`students − set`).
    pub missing: u32,
}

/// A student whose final mark does not pass (2, 1, нз or н/а).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FailingFinalMark {
    pub student_id: Uuid,
    pub student_name: String,
    pub class_id: Uuid,
    pub class_name: String,
    pub subject_id: Uuid,
    pub subject_name: String,
    pub value: String,
    pub label: String,
}

/// The principal's closing view of a term (`GET …/final-marks/closing`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodClosing {
    pub academic_year_id: Uuid,
    pub term: Term,
    pub ends_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// Every course of the year (of the class asked for), by teacher name, class and subject;
    /// those with `missing > 0` still lack marks.
    pub courses: Vec<ClosingCourse>,
    /// Courses with every due mark set.
    pub complete_courses: u32,
    /// Students' marks still missing over all courses.
    pub missing_marks: u32,
    /// Not passing final marks, by class, student and subject.
    pub failing: Vec<FailingFinalMark>,
}

/// One subject's row of a report card: the marks aligned with `ReportCard::terms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportCardSubject {
    pub subject_id: Uuid,
    pub subject_name: String,
    /// The label of each term's mark (`5`, `н/а`, `зач`), `null` where none is set.
    pub marks: Vec<Option<String>>,
}

/// A student's report card (табель успеваемости) for an academic year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportCard {
    pub student_id: Uuid,
    pub student_name: String,
    /// The class the student is in at the year's end (or last was in).
    pub class_id: Option<Uuid>,
    pub class_name: Option<String>,
    pub academic_year_id: Uuid,
    pub academic_year_name: String,
    pub school_name: String,
    /// The columns: the school's periods, year, and for grades 9 and 11 exam and final.
    pub terms: Vec<Term>,
    /// By subject name: the subjects of the student's courses and any with a final mark.
    pub subjects: Vec<ReportCardSubject>,
}

/// A hypothetical mark of the what-if calculator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HypotheticalMark {
    pub value: String,
    pub weight: f64,
}

/// What the calculator shows: the average and the suggestion with the marks added.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WhatIf {
    pub average: Average,
    /// The suggested final mark, `None` when no mark counts.
    pub suggested: Option<i32>,
}

/// The what-if calculator (issue 6): the real marks (value, weight) plus hypothetical ones,
/// through the one grading function and the school's rounding — exactly what the server would
/// suggest if those marks were set. Nothing is stored.
pub fn what_if<'a>(
    scale: &MarkScale,
    real: impl IntoIterator<Item = (&'a str, f64)>,
    hypothetical: &[HypotheticalMark],
    threshold: f64,
) -> WhatIf {
    let all = real.into_iter().map(|(v, w)| (scale.counting(v), w)).chain(
        hypothetical
            .iter()
            .map(|h| (scale.counting(&h.value), h.weight)),
    );
    let average = weighted_average(all);
    WhatIf {
        average,
        suggested: suggest_period_mark(scale, average.average, threshold)
            .and_then(|v| scale.counting(&v).map(|n| n as i32)),
    }
}

/// The suggestion for a term: a period's from its average, the year's from the period marks,
/// the final (итоговая) from the year and exam marks; the exam has none.
pub fn suggest_for_term(
    scale: &MarkScale,
    term: Term,
    period_average: Option<f64>,
    period_marks: &[&str],
    year_and_exam: &[&str],
    threshold: f64,
) -> Option<String> {
    match term {
        Term::Period { .. } => suggest_period_mark(scale, period_average, threshold),
        Term::Year => suggest_year_mark(scale, period_marks.iter().copied(), threshold),
        Term::Exam => None,
        Term::Final => suggest_year_mark(scale, year_and_exam.iter().copied(), threshold),
    }
}

/// The basis of a year or final (итоговая) suggestion: the plain mean of the marks that count on
/// `scale`, rounded to two decimals (`None` when none counts). Quarters 4, 4, 5 → 4.33.
pub fn mean_of_marks<'a>(
    scale: &MarkScale,
    marks: impl IntoIterator<Item = &'a str>,
) -> Option<f64> {
    let nums: Vec<f64> = marks
        .into_iter()
        .filter_map(|v| scale.counting(v))
        .collect();
    (!nums.is_empty()).then(|| crate::grading::round2(nums.iter().sum::<f64>() / nums.len() as f64))
}

/// Whether a set value needs a comment: both it and the suggestion are numbers on the scale and
/// they differ by more than one point (issue 6: "justified by the current marks").
pub fn needs_comment(scale: &MarkScale, value: &str, suggested: Option<&str>) -> bool {
    let Some(s) = suggested else { return false };
    match (
        scale.find(value).and_then(|v| v.numeric),
        scale.find(s).and_then(|v| v.numeric),
    ) {
        (Some(a), Some(b)) => (a - b).abs() > 1.0 + 1e-9,
        _ => false,
    }
}

/// The first grade that gets marks: grade 1 is taught without marks (безотметочное обучение), so
/// its classes have no final-mark terms.
pub const FIRST_GRADED_GRADE: i32 = 2;

/// The terms of a year for a grade: the periods of `kind` (numbers 1…), year, and exam and final
/// for graduating grades; none below [`FIRST_GRADED_GRADE`].
pub fn terms_for(kind: PeriodKind, period_numbers: &[i32], grade: i32) -> Vec<Term> {
    if grade < FIRST_GRADED_GRADE {
        return Vec::new();
    }
    let mut t: Vec<Term> = period_numbers
        .iter()
        .map(|&number| Term::Period { kind, number })
        .collect();
    t.push(Term::Year);
    if GRADUATING_GRADES.contains(&grade) {
        t.push(Term::Exam);
        t.push(Term::Final);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::MarkScale;

    fn five() -> MarkScale {
        MarkScale {
            id: Uuid::nil(),
            code: "five_point".into(),
            name: "5".into(),
            values: MarkScale::five_point_values(),
            is_default: true,
        }
    }

    #[test]
    fn terms_round_trip_and_refuse_nonsense() {
        for s in [
            "quarter_1",
            "quarter_4",
            "trimester_3",
            "half_year_2",
            "year",
            "exam",
            "final",
        ] {
            let t: Term = s.parse().unwrap();
            assert_eq!(t.to_string(), s);
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{s}\""));
        }
        for bad in [
            "quarter_5",
            "quarter_0",
            "quarter_01",
            "trimester_4",
            "half_year_3",
            "year_1",
            "Year",
            "",
            "quarter",
            "quarter_x",
        ] {
            assert!(bad.parse::<Term>().is_err(), "{bad}");
            assert!(serde_json::from_str::<Term>(&format!("\"{bad}\"")).is_err());
        }
    }

    #[test]
    fn the_window_is_k_days_before_to_n_days_after_inclusive() {
        let end = NaiveDate::from_ymd_opt(2026, 10, 24).unwrap();
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(term_window(end, 7, 3), (d(10, 17), d(10, 27)));
        assert_eq!(term_state(end, 7, 3, None, d(10, 16)), TermState::NotOpen);
        assert_eq!(term_state(end, 7, 3, None, d(10, 17)), TermState::Open);
        assert_eq!(term_state(end, 7, 3, None, d(10, 27)), TermState::Open);
        assert_eq!(term_state(end, 7, 3, None, d(10, 28)), TermState::Closed);
        assert_eq!(
            term_state(end, 7, 3, Some(d(11, 2)), d(11, 2)),
            TermState::Reopened
        );
        assert_eq!(
            term_state(end, 7, 3, Some(d(11, 2)), d(11, 3)),
            TermState::Closed
        );
    }

    #[test]
    fn what_if_adds_hypothetical_marks_to_the_one_average() {
        let s = five();
        // real 3 (w1), 4 (w1) → 3.5; a control work 5 (w3) → (3 + 4 + 15) / 5 = 4.4 → 4
        let w = what_if(
            &s,
            [("3", 1.0), ("4", 1.0)],
            &[HypotheticalMark {
                value: "5".into(),
                weight: 3.0,
            }],
            0.5,
        );
        assert_eq!(w.average.average, Some(4.4));
        assert_eq!(w.average.mark_count, 3);
        assert_eq!(w.suggested, Some(4));
        // the same with threshold 0.4 suggests 5
        let w = what_if(
            &s,
            [("3", 1.0), ("4", 1.0)],
            &[HypotheticalMark {
                value: "5".into(),
                weight: 3.0,
            }],
            0.4,
        );
        assert_eq!(w.suggested, Some(5));
        // nothing counts → no suggestion
        let w = what_if(&s, [("н/а", 1.0)], &[], 0.5);
        assert_eq!(w.average.average, None);
        assert_eq!(w.suggested, None);
    }

    #[test]
    fn suggestions_per_term_and_the_comment_rule() {
        let s = five();
        let p = Term::Period {
            kind: PeriodKind::Quarter,
            number: 1,
        };
        assert_eq!(
            suggest_for_term(&s, p, Some(3.5), &[], &[], 0.5).as_deref(),
            Some("4")
        );
        assert_eq!(
            suggest_for_term(&s, Term::Year, None, &["4", "4", "5", "5"], &[], 0.6).as_deref(),
            Some("4")
        );
        assert_eq!(
            suggest_for_term(&s, Term::Year, None, &["4", "н/а", "5", "5"], &[], 0.5).as_deref(),
            Some("5")
        );
        assert_eq!(
            suggest_for_term(&s, Term::Final, None, &[], &["4", "5"], 0.5).as_deref(),
            Some("5")
        );
        assert_eq!(
            suggest_for_term(&s, Term::Exam, Some(4.0), &[], &[], 0.5),
            None
        );
        assert!(!needs_comment(&s, "5", Some("4")));
        assert!(needs_comment(&s, "5", Some("3")));
        assert!(needs_comment(&s, "2", Some("4")));
        assert!(!needs_comment(&s, "н/а", Some("4")));
        assert!(!needs_comment(&s, "3", None));
    }

    #[test]
    fn graduating_grades_get_exam_and_final() {
        assert_eq!(
            terms_for(PeriodKind::Quarter, &[1, 2, 3, 4], 9)
                .iter()
                .map(Term::to_string)
                .collect::<Vec<_>>(),
            [
                "quarter_1",
                "quarter_2",
                "quarter_3",
                "quarter_4",
                "year",
                "exam",
                "final"
            ]
        );
        assert_eq!(
            terms_for(PeriodKind::HalfYear, &[1, 2], 5)
                .iter()
                .map(Term::to_string)
                .collect::<Vec<_>>(),
            ["half_year_1", "half_year_2", "year"]
        );
        assert!(terms_for(PeriodKind::Quarter, &[1, 2, 3, 4], 1).is_empty());
    }
}
