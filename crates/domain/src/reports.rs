//! Report metrics (issue 7 groundwork; regulation §16: performance and quality reports every
//! quarter and at year end): the Russian school convention of DESIGN §2 as pure functions, so
//! that the server's reports, their CSV/XLSX exports and the SPA compute the same numbers.
//!
//! A student's *standing* comes from their final marks of a term (one per subject):
//! - **exempt** (освобождён): every mark is `осв` — not attested, left out of N;
//! - **not attested** (н/а): at least one `н/а`;
//! - **failing** (неуспевающий): at least one mark that does not pass (2, 1, незачёт);
//! - **excellent** (отличник): every numeric mark is 5;
//! - **good** (хорошист): only 4 and 5, at least one 4;
//! - **one three** (с одной «3»): exactly one 3, the rest 4 and 5;
//! - **satisfactory** (троечник): passing, with two or more 3;
//! - **passed** (аттестован без отметок в баллах): passing with no numeric mark (only зачёт) —
//!   counts for the pass rate, not for quality.
//!
//! Metrics over the N attested students (everyone but the exempt and those without marks):
//! - успеваемость (pass rate) = students with no failing and no н/а mark ÷ N;
//! - качество знаний (quality) = students with only 4 and 5 (excellent + good) ÷ N;
//! - СОУ (степень обученности) = (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·n_na) ÷ (n5 + n4 + n3 + n2 +
//!   n_na), in %, over the marks (1 counts with 2), after В. П. Симонов's method as DESIGN §2 gives
//!   it;
//! - average mark = the mean of the numeric marks.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::grading::ScaleValue;

/// Where a student stands by their final marks of a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Excellent,
    Good,
    OneThree,
    Satisfactory,
    /// Passing with no numeric mark (only зачёт).
    Passed,
    Failing,
    NotAttested,
    Exempt,
    /// No final mark at all: left out of N, like the exempt.
    NoMarks,
}

/// The value codes of the special marks (DESIGN §2).
const NOT_ATTESTED: &str = "н/а";
const EXEMPT: &str = "осв";

/// A student's standing from their marks (the scale values of their final marks).
pub fn standing<'a>(marks: impl IntoIterator<Item = &'a ScaleValue>) -> Standing {
    let marks: Vec<&ScaleValue> = marks.into_iter().collect();
    if marks.is_empty() {
        return Standing::NoMarks;
    }
    if marks.iter().all(|m| m.value == EXEMPT) {
        return Standing::Exempt;
    }
    if marks.iter().any(|m| m.value == NOT_ATTESTED) {
        return Standing::NotAttested;
    }
    if marks.iter().any(|m| !m.passing) {
        return Standing::Failing;
    }
    let nums: Vec<f64> = marks
        .iter()
        .filter(|m| m.counts)
        .filter_map(|m| m.numeric)
        .collect();
    let threes = nums.iter().filter(|n| **n < 3.5).count();
    if nums.is_empty() {
        Standing::Passed
    } else if nums.iter().all(|n| *n >= 4.5) {
        Standing::Excellent
    } else if threes == 0 {
        Standing::Good
    } else if threes == 1 {
        Standing::OneThree
    } else {
        Standing::Satisfactory
    }
}

/// The counts and metrics of a group of students (a class, a grade level, a subject, a teacher's
/// courses, the school) for a term.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityStats {
    /// Every student counted, attested or not.
    pub students: u32,
    /// N: the attested students (all but the exempt and those without marks).
    pub attested: u32,
    pub excellent: u32,
    pub good: u32,
    pub one_three: u32,
    pub satisfactory: u32,
    pub passed: u32,
    pub failing: u32,
    pub not_attested: u32,
    pub exempt: u32,
    pub no_marks: u32,
    /// Marks by value: 5, 4, 3, 2 (1 counts here), н/а.
    pub n5: u32,
    pub n4: u32,
    pub n3: u32,
    pub n2: u32,
    pub n_na: u32,
    /// Успеваемость, % with one decimal; `None` when N = 0.
    pub pass_rate: Option<f64>,
    /// Качество знаний, %.
    pub quality: Option<f64>,
    /// СОУ, %.
    pub sou: Option<f64>,
    /// The mean of the numeric marks, two decimals.
    pub average: Option<f64>,
}

fn percent(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0)
}

/// The stats of students, each given by the scale values of their final marks.
pub fn quality_stats<'a, S>(students: impl IntoIterator<Item = S>) -> QualityStats
where
    S: IntoIterator<Item = &'a ScaleValue>,
{
    let mut q = QualityStats::default();
    let (mut sum, mut count) = (0.0, 0u32);
    for marks in students {
        let marks: Vec<&ScaleValue> = marks.into_iter().collect();
        q.students += 1;
        match standing(marks.iter().copied()) {
            Standing::Excellent => q.excellent += 1,
            Standing::Good => q.good += 1,
            Standing::OneThree => q.one_three += 1,
            Standing::Satisfactory => q.satisfactory += 1,
            Standing::Passed => q.passed += 1,
            Standing::Failing => q.failing += 1,
            Standing::NotAttested => q.not_attested += 1,
            Standing::Exempt => {
                q.exempt += 1;
                continue;
            }
            Standing::NoMarks => {
                q.no_marks += 1;
                continue;
            }
        }
        for m in &marks {
            if m.value == NOT_ATTESTED {
                q.n_na += 1;
                continue;
            }
            let Some(n) = m.numeric.filter(|_| m.counts) else {
                continue;
            };
            sum += n;
            count += 1;
            match n {
                n if n >= 4.5 => q.n5 += 1,
                n if n >= 3.5 => q.n4 += 1,
                n if n >= 2.5 => q.n3 += 1,
                _ => q.n2 += 1,
            }
        }
    }
    q.attested = q.students - q.exempt - q.no_marks;
    q.pass_rate = percent(
        q.excellent + q.good + q.one_three + q.satisfactory + q.passed,
        q.attested,
    );
    q.quality = percent(q.excellent + q.good, q.attested);
    let marks = q.n5 + q.n4 + q.n3 + q.n2 + q.n_na;
    q.sou = (marks > 0).then(|| {
        let weighted = 100 * q.n5 + 64 * q.n4 + 36 * q.n3 + 16 * q.n2 + 7 * q.n_na;
        (f64::from(weighted) * 10.0 / f64::from(marks)).round() / 10.0
    });
    q.average = (count > 0).then(|| crate::grading::round2(sum / f64::from(count)));
    q
}

// ====================================================================================
// The report DTOs (issue 7). Every report has a JSON shape, and `*_tables` turn it into the
// tables the SPA shows and the CSV/XLSX exports write, so that screen and files carry the
// same numbers.
// ====================================================================================

/// Where a report's marks come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportBasis {
    /// Every mark counted is a final mark.
    Final,
    /// No final mark is set yet: every mark is the suggestion from the current average
    /// (preliminary, «предварительно»).
    Suggested,
    /// Final marks where set, suggestions for the rest.
    Mixed,
    /// No mark at all.
    Empty,
}

/// Which marks a quality report counts (`basis` query parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BasisChoice {
    /// Final marks where set, else the suggestion from the current average (default).
    #[default]
    Auto,
    /// Final marks only.
    Final,
    /// Suggestions only (what the marks would be now).
    Suggested,
}

/// One row of a performance and quality report: a group of students and its metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityRow {
    /// `school`, `grade:5`, `class:<id>`, `subject:<id>`, `teacher:<id>`, `course:<id>`.
    pub key: String,
    /// `Школа`, `5 классы`, `5А`, `Математика`, `Иванова Мария Петровна`, `5А · Математика`.
    pub label: String,
    pub grade: Option<i32>,
    pub class_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    pub teacher_id: Option<Uuid>,
    pub course_id: Option<Uuid>,
    /// Class, grade and school rows: a student stands by all their subjects' marks. Subject,
    /// teacher and course rows: each student × subject pair counts as one «student» standing
    /// by that one mark (the usual subject teacher's report).
    pub stats: QualityStats,
    /// How many of the row's marks are final marks …
    pub final_marks: u32,
    /// … and how many are suggestions from the current average (no final mark set yet).
    pub suggested_marks: u32,
}

/// A subject column of the students' table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportSubject {
    pub subject_id: Uuid,
    pub name: String,
    pub short_name: String,
}

/// One student's mark in the students' table of a class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StandingMark {
    /// The scale value (`5`, `н/а`, `зч`); `null` = none.
    pub value: Option<String>,
    /// The mark is a suggestion from the current average, not a final mark.
    pub suggested: bool,
}

/// A student of a class with their standing (class drill-down of the quality report).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudentStanding {
    pub student_id: Uuid,
    /// `Фамилия Имя Отчество`.
    pub name: String,
    pub standing: Standing,
    /// Aligned with [`QualityReport::subjects`].
    pub marks: Vec<StandingMark>,
    /// The mean of the numeric marks, two decimals.
    pub average: Option<f64>,
}

/// The performance and quality report of a term (`GET …/reports/quality`; regulation §16).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityReport {
    pub academic_year_id: Uuid,
    pub term: crate::finals::Term,
    /// `1 четверть`, `Год`.
    pub term_title: String,
    pub basis: ReportBasis,
    /// The whole school (principal and admin; `null` for a teacher).
    pub school: Option<QualityRow>,
    /// Grade levels (параллели), ascending (principal and admin).
    pub grades: Vec<QualityRow>,
    /// Classes by grade and letter: every class for the principal and admin, the class
    /// teacher's own class for a teacher.
    pub classes: Vec<QualityRow>,
    /// Subjects by name (principal and admin).
    pub subjects: Vec<QualityRow>,
    /// Teachers by name (principal and admin; a teacher gets their own row).
    pub teachers: Vec<QualityRow>,
    /// Courses (class × subject) by class and subject: every course for the principal and
    /// admin, a teacher's own courses and those of their class.
    pub courses: Vec<QualityRow>,
    /// The class asked for (`class_id`), whose students the report lists.
    #[serde(default)]
    pub class_id: Option<Uuid>,
    /// With `class_id`: the subjects of the class's students (columns of `students`).
    pub subjects_of_class: Vec<ReportSubject>,
    /// With `class_id`: the class's students with their standing, by name.
    pub students: Vec<StudentStanding>,
}

/// One attendance code's count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeCount {
    /// `н`, `б`, `уп`, `оп`.
    pub code: String,
    /// `Н`, `Б`, `УП`, `ОП`.
    pub label: String,
    pub count: u32,
}

/// Attendance of a student or a group of students over a date range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceRow {
    /// `school`, `class:<id>`, `student:<id>`, `week:2026-11-23`.
    pub key: String,
    /// `5А`, `Иванов Иван Иванович`, `23.11–29.11`.
    pub label: String,
    pub class_id: Option<Uuid>,
    pub student_id: Option<Uuid>,
    /// Students counted (1 for a student row).
    pub students: u32,
    /// Student-lessons held (not cancelled) while the students were enrolled, in their class
    /// and their subgroups.
    pub lessons: u32,
    /// Every code's count, in the school's code order (ОП included).
    pub by_code: Vec<CodeCount>,
    /// Lessons missed: the codes that count as absence (Н, Б, УП).
    pub missed: u32,
    /// Of those, excused (Б, УП).
    pub missed_excused: u32,
    /// `missed ÷ lessons`, %, one decimal; `null` without lessons.
    pub missed_percent: Option<f64>,
    /// Whole school days missed: days on which a student missed every lesson they had.
    pub days_missed: u32,
    /// Students whose `missed_percent` is above the threshold (0 or 1 for a student row).
    pub above_threshold: u32,
}

/// The attendance report (`GET …/reports/attendance`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Students missing more than this share of their lessons are flagged, % (default 30).
    pub threshold_percent: f64,
    /// The school's codes, in order (the columns of `by_code`).
    pub codes: Vec<CodeCount>,
    /// Every class together.
    pub total: AttendanceRow,
    /// One row per class, by grade and letter.
    pub classes: Vec<AttendanceRow>,
    /// One row per student, by class and name.
    pub students: Vec<AttendanceRow>,
    /// The total per ISO week (Monday to Sunday, clipped to the range), for the chart.
    pub weeks: Vec<AttendanceRow>,
}

/// The counts of the weekly journal-keeping control (regulation §6, §10) for a course or a
/// teacher.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ControlCounts {
    /// Lessons held in the week (not cancelled, on or before today).
    pub lessons_held: u32,
    /// … without a topic.
    pub without_topic: u32,
    /// … without homework, where the subject expects homework (`homework_expected`).
    pub without_homework: u32,
    /// … where attendance was never taken (no code written and «все присутствуют» not pressed).
    pub without_attendance: u32,
    /// Marks set for the week's lessons.
    pub marks: u32,
    /// `marks ÷ (students × lessons_held)`, two decimals.
    pub marks_per_student_lesson: Option<f64>,
    /// Students of the course(s).
    pub students: u32,
    /// Students with fewer than M marks in the current period so far (M = `control_min_marks`,
    /// default 3), those without any included.
    pub students_below_min: u32,
    /// Students without any mark in the current period so far.
    pub students_without_marks: u32,
    /// Marks of the week's lessons set more than D days after the lesson (D =
    /// `control_late_days`, default 7).
    pub late_marks: u32,
    /// Final marks of the last period whose deadline passed that are still missing.
    pub missing_finals: u32,
    /// The journal-keeping score, 0–100 with one decimal: the mean of the shares that are in
    /// order — lessons with a topic, with homework (where expected), with attendance taken,
    /// students with at least M marks, marks set in time, final marks set — over the shares that
    /// have a denominator. `null` when none has.
    pub score: Option<f64>,
}

/// A row of the control table: a course (with its teacher) or a teacher's courses together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ControlRow {
    /// `teacher:<id>` or `course:<id>:<teacher id>`.
    pub key: String,
    pub teacher_id: Uuid,
    /// `Фамилия Имя Отчество`.
    pub teacher_name: String,
    /// Course rows only.
    pub course_id: Option<Uuid>,
    /// `5А` or `5А (гр. 1)`; course rows only.
    pub class_name: Option<String>,
    pub subject_name: Option<String>,
    pub counts: ControlCounts,
}

/// The weekly journal-keeping control (`GET …/reports/journal-control`; regulation §10, §17).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JournalControl {
    /// Monday and Sunday of the week.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// M and D of the school settings.
    pub min_marks: i32,
    pub late_days: i32,
    /// The period the marks-per-student counts run in (from its start to `to`).
    pub period_term: Option<crate::finals::Term>,
    pub period_starts_on: Option<NaiveDate>,
    /// The last period whose final-mark deadline passed (the `missing_finals` column).
    pub finals_term: Option<crate::finals::Term>,
    /// One row per teacher, by name (a teacher sees only their own).
    pub teachers: Vec<ControlRow>,
    /// One row per course and teacher, by teacher, class and subject.
    pub courses: Vec<ControlRow>,
}

/// What a control drill-down lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ControlIssue {
    WithoutTopic,
    WithoutHomework,
    WithoutAttendance,
    LateMarks,
    BelowMinMarks,
    WithoutMarks,
}

/// A lesson behind the control numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ControlLesson {
    pub lesson_id: Uuid,
    pub course_id: Uuid,
    pub date: NaiveDate,
    pub lesson_number: i32,
    pub topic: Option<String>,
    pub homework: Option<String>,
    pub homework_expected: bool,
    pub attendance_taken: bool,
    /// Marks set for the lesson, and those set more than D days after it.
    pub marks: u32,
    pub late_marks: u32,
    /// The substitute who held the lesson, if any.
    pub substitute_name: Option<String>,
}

/// A student behind the control numbers: their marks of the course in the period so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ControlStudent {
    pub student_id: Uuid,
    pub name: String,
    pub marks: u32,
}

/// The drill-down of one course's control row (`GET …/reports/journal-control/courses/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ControlDetail {
    pub course_id: Uuid,
    /// `5А · Математика`.
    pub label: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub issue: Option<ControlIssue>,
    /// The week's held lessons, by date and number (only those with the issue, when given).
    pub lessons: Vec<ControlLesson>,
    /// The students with their marks in the period so far, by name (only those below M or
    /// without marks, when that issue is given).
    pub students: Vec<ControlStudent>,
}

/// Activity counts of a group of people over a month (regulation §15).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityCounts {
    /// People of the group (for a role: people holding it or to be invited for it).
    pub persons: u32,
    /// Of them, with an account.
    pub registered: u32,
    /// Invite codes not used, not revoked and not expired at the end of the month.
    pub invites_outstanding: u32,
    /// Accounts that signed in during the month.
    pub active_users: u32,
    /// Sign-ins during the month.
    pub sign_ins: u32,
    /// Accounts that opened a diary or marks page during the month (students, parents).
    pub diary_openers: u32,
    /// Diary and marks page openings, every one counted (stored per account, student and day
    /// with a count).
    pub diary_views: u32,
    /// Journal writes (marks, attendance, works, topics and homework, final marks).
    pub journal_edits: u32,
}

/// A row of the activity report: a role or a class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityRow {
    /// `role:teacher`, `class:<id>:student`, `class:<id>:parent`.
    pub key: String,
    /// `Учителя`, `5А — обучающиеся`, `5А — родители`.
    pub label: String,
    pub role: crate::role::Role,
    pub class_id: Option<Uuid>,
    pub counts: ActivityCounts,
}

/// The monthly activity report (`GET …/reports/activity`; regulation §15).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityReport {
    /// `2026-11`.
    pub month: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// admin, principal, teacher, student, parent.
    pub roles: Vec<ActivityRow>,
    /// Per class: its students, then its students' parents.
    pub classes: Vec<ActivityRow>,
}

/// One person's activity in a month (drill-down, `GET …/reports/activity/users`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserActivity {
    pub person_id: Uuid,
    pub name: String,
    pub role: crate::role::Role,
    /// The student's class, or the children's classes of a parent (`5А, 7Б`).
    pub class_name: Option<String>,
    pub login: Option<String>,
    pub invite_outstanding: bool,
    pub sign_ins: u32,
    pub last_sign_in_at: Option<chrono::DateTime<chrono::Utc>>,
    pub diary_views: u32,
    pub journal_edits: u32,
}

// ---------- tables: what the SPA shows and the exports write ----------

/// A cell of a report table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum ReportCell {
    Empty,
    Text(String),
    Int(i64),
    /// A number shown with `decimals` decimals (a percentage, an average).
    Num {
        value: f64,
        decimals: u8,
    },
}

impl ReportCell {
    /// The cell as text, with a decimal comma (`77,8`) as Russian spreadsheets read it.
    pub fn display(&self) -> String {
        match self {
            ReportCell::Empty => String::new(),
            ReportCell::Text(s) => s.clone(),
            ReportCell::Int(n) => n.to_string(),
            ReportCell::Num { value, decimals } => {
                format!("{value:.prec$}", prec = usize::from(*decimals)).replace('.', ",")
            }
        }
    }
    /// For sorting: the number, if the cell is one.
    pub fn number(&self) -> Option<f64> {
        match self {
            ReportCell::Int(n) => Some(*n as f64),
            ReportCell::Num { value, .. } => Some(*value),
            _ => None,
        }
    }
}

/// A table of a report: Russian headers and rows of cells. The SPA renders it and the CSV and
/// XLSX exports write it, cell for cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportTable {
    /// Stable key (`classes`, `students` …), the `table` parameter of the CSV export.
    pub key: String,
    /// Sheet and section title (`По классам`); ≤ 31 characters (an XLSX sheet name).
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<ReportCell>>,
}

fn opt_num(v: Option<f64>, decimals: u8) -> ReportCell {
    v.map_or(ReportCell::Empty, |value| ReportCell::Num {
        value,
        decimals,
    })
}

fn int(n: u32) -> ReportCell {
    ReportCell::Int(i64::from(n))
}

fn text(s: impl Into<String>) -> ReportCell {
    ReportCell::Text(s.into())
}

/// The Russian name of a standing.
pub fn standing_title(s: Standing) -> &'static str {
    match s {
        Standing::Excellent => "отличник",
        Standing::Good => "хорошист",
        Standing::OneThree => "с одной «3»",
        Standing::Satisfactory => "троечник",
        Standing::Passed => "аттестован (зачёт)",
        Standing::Failing => "неуспевающий",
        Standing::NotAttested => "не аттестован",
        Standing::Exempt => "освобождён",
        Standing::NoMarks => "нет отметок",
    }
}

const QUALITY_HEADERS: [&str; 14] = [
    "Учеников",
    "Аттестовано",
    "Отличники",
    "Хорошисты",
    "С одной «3»",
    "Троечники",
    "Неуспевающие",
    "Н/а",
    "Освобождены",
    "Успеваемость, %",
    "Качество, %",
    "СОУ, %",
    "Средний балл",
    "Предварительных отметок",
];

fn quality_cells(r: &QualityRow) -> Vec<ReportCell> {
    let q = &r.stats;
    vec![
        text(r.label.clone()),
        int(q.students),
        int(q.attested),
        int(q.excellent),
        int(q.good),
        int(q.one_three),
        int(q.satisfactory),
        int(q.failing),
        int(q.not_attested),
        int(q.exempt),
        opt_num(q.pass_rate, 1),
        opt_num(q.quality, 1),
        opt_num(q.sou, 1),
        opt_num(q.average, 2),
        int(r.suggested_marks),
    ]
}

fn quality_table(key: &str, title: &str, first: &str, rows: &[QualityRow]) -> ReportTable {
    let mut headers = vec![first.to_string()];
    headers.extend(QUALITY_HEADERS.iter().map(|h| h.to_string()));
    ReportTable {
        key: key.into(),
        title: title.into(),
        headers,
        rows: rows.iter().map(quality_cells).collect(),
    }
}

/// The quality report's tables: `classes` (the school's row last), `grades`, `subjects`,
/// `teachers`, `courses` — always, with their header row even when a reader sees no rows of
/// a kind (a teacher gets no `grades`) — and, for a report of one class, `students`.
pub fn quality_tables(r: &QualityReport) -> Vec<ReportTable> {
    let mut out = Vec::new();
    let mut classes = r.classes.clone();
    classes.extend(r.school.clone());
    for (key, title, first, rows) in [
        ("classes", "По классам", "Класс", &classes),
        ("grades", "По параллелям", "Параллель", &r.grades),
        ("subjects", "По предметам", "Предмет", &r.subjects),
        ("teachers", "По учителям", "Учитель", &r.teachers),
        (
            "courses",
            "По классам и предметам",
            "Класс и предмет",
            &r.courses,
        ),
    ] {
        out.push(quality_table(key, title, first, rows));
    }
    if r.class_id.is_some() {
        let mut headers = vec!["Ученик".to_string(), "Итог".to_string()];
        headers.extend(r.subjects_of_class.iter().map(|s| s.short_name.clone()));
        headers.push("Средний балл".into());
        out.push(ReportTable {
            key: "students".into(),
            title: "Ученики".into(),
            headers,
            rows: r
                .students
                .iter()
                .map(|s| {
                    let mut row = vec![text(s.name.clone()), text(standing_title(s.standing))];
                    row.extend(s.marks.iter().map(|m| match &m.value {
                        None => ReportCell::Empty,
                        Some(v) if m.suggested => text(format!("{v}*")),
                        Some(v) => text(v.clone()),
                    }));
                    row.push(opt_num(s.average, 2));
                    row
                })
                .collect(),
        });
    }
    out
}

fn attendance_cells(r: &AttendanceRow, with_students: bool) -> Vec<ReportCell> {
    let mut row = vec![text(r.label.clone())];
    if with_students {
        row.push(int(r.students));
    }
    row.push(int(r.lessons));
    row.extend(r.by_code.iter().map(|c| int(c.count)));
    row.extend([
        int(r.missed),
        int(r.missed_excused),
        opt_num(r.missed_percent, 1),
        int(r.days_missed),
    ]);
    if with_students {
        row.push(int(r.above_threshold));
    }
    row
}

/// The attendance report's tables: `classes` (the total last), `students`, `weeks`.
pub fn attendance_tables(r: &AttendanceReport) -> Vec<ReportTable> {
    let headers = |first: &str, with_students: bool| {
        let mut h = vec![first.to_string()];
        if with_students {
            h.push("Учеников".into());
        }
        h.push("Уроков".into());
        h.extend(r.codes.iter().map(|c| c.label.clone()));
        h.extend([
            "Пропущено уроков".to_string(),
            "Из них по уважительной".into(),
            "Пропущено, %".into(),
            "Пропущено дней".into(),
        ]);
        if with_students {
            h.push(format!("Выше {} %", r.threshold_percent).replace('.', ","));
        }
        h
    };
    let mut classes: Vec<Vec<ReportCell>> = r
        .classes
        .iter()
        .map(|c| attendance_cells(c, true))
        .collect();
    classes.push(attendance_cells(&r.total, true));
    let mut students_headers = headers("Ученик", false);
    students_headers.insert(1, "Класс".into());
    vec![
        ReportTable {
            key: "classes".into(),
            title: "По классам".into(),
            headers: headers("Класс", true),
            rows: classes,
        },
        ReportTable {
            key: "students".into(),
            title: "По ученикам".into(),
            headers: students_headers,
            rows: r
                .students
                .iter()
                .map(|s| {
                    let mut row = attendance_cells(s, false);
                    let class = r
                        .classes
                        .iter()
                        .find(|c| c.class_id.is_some() && c.class_id == s.class_id)
                        .map_or(String::new(), |c| c.label.clone());
                    row.insert(1, text(class));
                    row
                })
                .collect(),
        },
        ReportTable {
            key: "weeks".into(),
            title: "По неделям".into(),
            headers: headers("Неделя", true),
            rows: r.weeks.iter().map(|w| attendance_cells(w, true)).collect(),
        },
    ]
}

const CONTROL_HEADERS: [&str; 12] = [
    "Уроков проведено",
    "Без темы",
    "Без д/з",
    "Без посещаемости",
    "Отметок",
    "Отметок на ученика за урок",
    "Учеников",
    "Меньше M отметок",
    "Без отметок",
    "Отметки с опозданием",
    "Нет итоговых",
    "Балл",
];

fn control_cells(r: &ControlRow) -> Vec<ReportCell> {
    let c = &r.counts;
    vec![
        int(c.lessons_held),
        int(c.without_topic),
        int(c.without_homework),
        int(c.without_attendance),
        int(c.marks),
        opt_num(c.marks_per_student_lesson, 2),
        int(c.students),
        int(c.students_below_min),
        int(c.students_without_marks),
        int(c.late_marks),
        int(c.missing_finals),
        opt_num(c.score, 1),
    ]
}

/// The control's tables: `teachers` and `courses`.
pub fn control_tables(r: &JournalControl) -> Vec<ReportTable> {
    let headers = |first: &[&str]| {
        first
            .iter()
            .map(|s| s.to_string())
            .chain(
                CONTROL_HEADERS
                    .iter()
                    .map(|h| h.replace("M", &r.min_marks.to_string())),
            )
            .collect::<Vec<String>>()
    };
    vec![
        ReportTable {
            key: "teachers".into(),
            title: "По учителям".into(),
            headers: headers(&["Учитель"]),
            rows: r
                .teachers
                .iter()
                .map(|t| {
                    let mut row = vec![text(t.teacher_name.clone())];
                    row.extend(control_cells(t));
                    row
                })
                .collect(),
        },
        ReportTable {
            key: "courses".into(),
            title: "По классам и предметам".into(),
            headers: headers(&["Учитель", "Класс", "Предмет"]),
            rows: r
                .courses
                .iter()
                .map(|t| {
                    let mut row = vec![
                        text(t.teacher_name.clone()),
                        text(t.class_name.clone().unwrap_or_default()),
                        text(t.subject_name.clone().unwrap_or_default()),
                    ];
                    row.extend(control_cells(t));
                    row
                })
                .collect(),
        },
    ]
}

const ACTIVITY_HEADERS: [&str; 8] = [
    "Людей",
    "Зарегистрировано",
    "Кодов не использовано",
    "Входили в месяце",
    "Входов",
    "Открывали дневник",
    "Просмотров дневника",
    "Правок журнала",
];

fn activity_cells(r: &ActivityRow) -> Vec<ReportCell> {
    let c = &r.counts;
    vec![
        text(r.label.clone()),
        int(c.persons),
        int(c.registered),
        int(c.invites_outstanding),
        int(c.active_users),
        int(c.sign_ins),
        int(c.diary_openers),
        int(c.diary_views),
        int(c.journal_edits),
    ]
}

/// The activity report's tables: `roles` and `classes`.
pub fn activity_tables(r: &ActivityReport) -> Vec<ReportTable> {
    let headers = |first: &str| {
        std::iter::once(first.to_string())
            .chain(ACTIVITY_HEADERS.iter().map(|h| h.to_string()))
            .collect::<Vec<String>>()
    };
    vec![
        ReportTable {
            key: "roles".into(),
            title: "По ролям".into(),
            headers: headers("Роль"),
            rows: r.roles.iter().map(activity_cells).collect(),
        },
        ReportTable {
            key: "classes".into(),
            title: "По классам".into(),
            headers: headers("Класс"),
            rows: r.classes.iter().map(activity_cells).collect(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::MarkScale;

    /// The issue's crafted class of 10, three subjects each.
    #[test]
    fn the_crafted_class_of_ten() {
        let values = MarkScale::five_point_values();
        let v = |s: &str| values.iter().find(|x| x.value == s).unwrap();
        let class: Vec<Vec<&ScaleValue>> = [
            ["5", "5", "5"],       // отличник
            ["5", "5", "5"],       // отличник
            ["4", "5", "5"],       // хорошист
            ["4", "4", "5"],       // хорошист
            ["4", "4", "4"],       // хорошист
            ["3", "4", "5"],       // с одной «3»
            ["3", "5", "5"],       // с одной «3»
            ["2", "4", "5"],       // неуспевающий
            ["н/а", "4", "4"],     // не аттестован
            ["осв", "осв", "осв"], // освобождён: out of N
        ]
        .iter()
        .map(|row| row.iter().map(|s| v(s)).collect())
        .collect();
        let q = quality_stats(class);
        assert_eq!(q.students, 10);
        assert_eq!(q.attested, 9);
        assert_eq!(
            (
                q.excellent,
                q.good,
                q.one_three,
                q.failing,
                q.not_attested,
                q.exempt
            ),
            (2, 3, 2, 1, 1, 1)
        );
        // 7 / 9 = 77.8 %, 5 / 9 = 55.6 %.
        assert_eq!(q.pass_rate, Some(77.8));
        assert_eq!(q.quality, Some(55.6));
        // Marks of the nine: thirteen 5, ten 4, two 3, one 2, one н/а → 27 marks.
        assert_eq!((q.n5, q.n4, q.n3, q.n2, q.n_na), (13, 10, 2, 1, 1));
        // СОУ = (100·13 + 64·10 + 36·2 + 16·1 + 7·1) / 27 = 2035 / 27 = 75.37… → 75.4 %.
        assert_eq!(q.sou, Some(75.4));
        // Average = (5·13 + 4·10 + 3·2 + 2·1) / 26 = 113 / 26 = 4.346… → 4.35.
        assert_eq!(q.average, Some(4.35));
    }

    #[test]
    fn standings_at_the_edges() {
        let values = MarkScale::five_point_values();
        let v = |s: &str| values.iter().find(|x| x.value == s).unwrap();
        assert_eq!(standing([]), Standing::NoMarks);
        assert_eq!(standing([v("осв"), v("5")]), Standing::Excellent);
        assert_eq!(standing([v("3"), v("3")]), Standing::Satisfactory);
        assert_eq!(standing([v("н/а"), v("2")]), Standing::NotAttested);
        assert_eq!(standing([v("1")]), Standing::Failing);
        let pf = MarkScale::pass_fail_values();
        let nz = pf.iter().find(|x| x.value == "нз").unwrap();
        let zch = pf.iter().find(|x| x.value == "зч").unwrap();
        assert_eq!(standing([v("5"), nz]), Standing::Failing);
        assert_eq!(standing([v("5"), zch]), Standing::Excellent);
        assert_eq!(standing([zch]), Standing::Passed);
        let empty: Vec<Vec<&ScaleValue>> = Vec::new();
        let q = quality_stats(empty);
        assert_eq!(
            (q.pass_rate, q.quality, q.sou, q.average),
            (None, None, None, None)
        );
    }
}
