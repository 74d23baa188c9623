//! The class journal (классный журнал) and the diary (дневник): works, marks, attendance, the
//! journal grid, batch writes, the student's diary, marks page and feed, the class summary
//! (regulation §4, §6; DESIGN §2, §6).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
#[cfg(feature = "validate")]
use validator::Validate;

use crate::grading::{AttendanceCode, MarkScale, WorkType};
use crate::structure::{Course, Period};
use crate::timetable::{Lesson, LessonStatus};

/// A work (работа) in a lesson: something marked, with a work type and a weight. A lesson has
/// any number of works; each is one sub-column of the journal grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Work {
    pub id: Uuid,
    pub lesson_id: Uuid,
    pub work_type_id: Uuid,
    /// The work type's code (`oral`, `control` …) and short name (`Отв`, `КР`).
    pub work_type_code: String,
    pub work_type_short_name: String,
    /// 0.1–10; the work type's default unless the teacher changed it.
    pub weight: f64,
    /// `Контрольная работа №2`.
    pub title: Option<String>,
    /// Order within the lesson.
    pub position: i32,
    /// Increases on every change; send it back to change the work.
    pub version: i32,
}

/// Add a work to a lesson (the course's teacher or the lesson's substitute).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct WorkInput {
    pub work_type_id: Uuid,
    /// 0.1–10; default: the work type's weight.
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(range(min = 0.1, max = 10.0)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.1, maximum = 10.0))]
    pub weight: Option<f64>,
    /// Up to 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(length(max = 200)))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub title: Option<String>,
}

/// Change a work's type, weight or title. Averages follow at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct WorkUpdate {
    pub work_type_id: Uuid,
    /// 0.1–10.
    #[cfg_attr(feature = "validate", validate(range(min = 0.1, max = 10.0)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.1, maximum = 10.0))]
    pub weight: f64,
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(length(max = 200)))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub title: Option<String>,
    /// The version read (a work starts at 1); a stale one → 412 with the current work.
    #[cfg_attr(feature = "validate", validate(range(min = 1)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: i32,
}

/// One mark cell: a student × a work. A cell that was never written has no row and version 0;
/// a cleared cell keeps its row with `value: null` and its version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkCell {
    pub work_id: Uuid,
    pub lesson_id: Uuid,
    pub student_id: Uuid,
    /// A value of the subject's scale (`5`, `н/а`, `зч`); `null` when cleared.
    pub value: Option<String>,
    /// Up to 500 characters.
    pub comment: Option<String>,
    /// Increases on every change; send it back with the next write.
    pub version: i32,
    /// When the value was last changed (UTC).
    pub set_at: DateTime<Utc>,
}

/// One attendance cell: a student × a lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceCell {
    pub lesson_id: Uuid,
    pub student_id: Uuid,
    /// An attendance code of the school (`н`, `б`, `уп`, `оп`); `null` = present / cleared.
    pub code: Option<String>,
    pub version: i32,
    pub set_at: DateTime<Utc>,
}

/// A span of days a student belongs to the journal's class (from an enrollment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DateSpan {
    pub from: NaiveDate,
    /// Inclusive; `None` = still enrolled.
    pub to: Option<NaiveDate>,
}

impl DateSpan {
    /// Whether `day` lies in the span.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|t| t >= day)
    }
}

/// A row of the journal grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JournalStudent {
    pub id: Uuid,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    /// The days the student is in the course's class during the period (a transfer in the middle
    /// of the period ends or starts a span). Cells of lessons outside every span are not written.
    pub enrolled: Vec<DateSpan>,
}

/// A column group of the journal grid: a lesson and its works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JournalLesson {
    pub lesson: Lesson,
    pub works: Vec<Work>,
    /// Whether the caller may write this lesson's marks and attendance now (their course or
    /// substitution, not cancelled, inside the edit window — or the admin).
    pub writable: bool,
    /// Whether attendance was taken for the lesson (a code written, or «все присутствуют»:
    /// `POST …/lessons/{id}/attendance-taken`).
    #[serde(default)]
    pub attendance_taken: bool,
}

/// A student's weighted average and absences in the journal's period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudentAverage {
    pub student_id: Uuid,
    /// From `otmetka_domain::grading::weighted_average`; `null` without counting marks.
    pub average: Option<f64>,
    pub mark_count: u32,
    /// Lessons missed (attendance codes that count as absence).
    pub absences: u32,
}

/// The class journal of a course for a period (`GET …/courses/{course_id}/journal`), in one
/// response: who, which lessons with which works, every mark and attendance cell, and each
/// student's average. Students are sorted by last, first, middle name; lessons by date and number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Journal {
    pub course: Course,
    pub period: Period,
    /// The subject's mark scale.
    pub scale: MarkScale,
    pub work_types: Vec<WorkType>,
    pub attendance_codes: Vec<AttendanceCode>,
    pub students: Vec<JournalStudent>,
    pub lessons: Vec<JournalLesson>,
    pub marks: Vec<MarkCell>,
    pub attendance: Vec<AttendanceCell>,
    pub averages: Vec<StudentAverage>,
    /// The school's today (its time zone).
    pub today: NaiveDate,
    pub edit_window_days: Option<i32>,
}

/// Write one mark cell. Without `work_id` the mark goes to the lesson's first work, which is
/// created with the first work type when the lesson has none.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct MarkWrite {
    pub lesson_id: Uuid,
    #[serde(default)]
    pub work_id: Option<Uuid>,
    pub student_id: Uuid,
    /// A value of the subject's scale; `null` clears the cell. Required (send `null` to clear).
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub value: Option<String>,
    /// Up to 500 characters. Omitted or `null`: the cell's comment stays; `""` removes it.
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(length(max = 500)))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub comment: Option<String>,
    /// The version read (0 for a cell never written); a stale one → 412, a negative one → 422.
    #[cfg_attr(feature = "validate", validate(range(min = 0)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub version: i32,
}

/// Write one attendance cell.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct AttendanceWrite {
    pub lesson_id: Uuid,
    pub student_id: Uuid,
    /// An attendance code (`н`, `б`, `уп`, `оп`, case-insensitive); `null` clears the cell.
    /// Required.
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub code: Option<String>,
    /// The version read (0 for a cell never written); a stale one → 412, a negative one → 422.
    #[cfg_attr(feature = "validate", validate(range(min = 0)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub version: i32,
}

/// A batch of journal writes of one course (`POST …/courses/{course_id}/journal`): all or
/// nothing, one transaction. Up to 2 000 marks and 2 000 attendance cells.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct JournalBatch {
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(length(max = 2000), nested))]
    #[cfg_attr(feature = "openapi", schema(max_items = 2000))]
    pub marks: Vec<MarkWrite>,
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(length(max = 2000), nested))]
    #[cfg_attr(feature = "openapi", schema(max_items = 2000))]
    pub attendance: Vec<AttendanceWrite>,
}

/// What a batch wrote: the new cells (with their versions), works created for marks sent
/// without `work_id`, and the new averages of the students touched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JournalBatchResult {
    pub marks: Vec<MarkCell>,
    pub attendance: Vec<AttendanceCell>,
    pub works: Vec<Work>,
    pub averages: Vec<StudentAverage>,
}

/// The current state of the cells a stale batch tried to write: sent as `current` of the 412.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JournalConflict {
    /// Stale mark cells as they are now (a cell never written has version 0; cells of a work the
    /// batch would have created are left out).
    pub marks: Vec<MarkCell>,
    pub attendance: Vec<AttendanceCell>,
}

/// Write one mark cell (`PUT …/works/{work_id}/marks/{student_id}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct MarkCellInput {
    /// A value of the subject's scale; `null` clears the cell. Required.
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub value: Option<String>,
    /// Omitted or `null`: the comment stays; `""` removes it.
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(length(max = 500)))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub comment: Option<String>,
    /// The version read (0 for a cell never written); a stale one → 412, a negative one → 422.
    #[cfg_attr(feature = "validate", validate(range(min = 0)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub version: i32,
}

/// Write one attendance cell (`PUT …/lessons/{lesson_id}/attendance/{student_id}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct AttendanceCellInput {
    /// `null` clears the cell. Required.
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub code: Option<String>,
    /// The version read (0 for a cell never written); a stale one → 412, a negative one → 422.
    #[cfg_attr(feature = "validate", validate(range(min = 0)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub version: i32,
}

/// A mark as the diary and the marks page show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudentMark {
    pub lesson_id: Uuid,
    pub work_id: Uuid,
    pub date: NaiveDate,
    pub value: String,
    /// The scale's label of the value (`5`, `зач`, `осв.`).
    pub label: String,
    /// The numeric value if it counts in averages (for colouring); `null` otherwise.
    pub numeric: Option<f64>,
    pub work_type_name: String,
    pub work_type_short_name: String,
    pub weight: f64,
    pub title: Option<String>,
    pub comment: Option<String>,
    pub set_at: DateTime<Utc>,
}

/// A lesson in the diary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiaryLesson {
    pub lesson_id: Uuid,
    pub course_id: Uuid,
    pub subject_id: Uuid,
    pub subject_name: String,
    pub lesson_number: i32,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub room: Option<String>,
    pub status: LessonStatus,
    pub cancel_reason: Option<String>,
    pub teacher_names: Vec<String>,
    pub substitute_name: Option<String>,
    pub topic: Option<String>,
    /// Homework given at this lesson, and the day it is due.
    pub homework: Option<String>,
    pub homework_due_on: Option<NaiveDate>,
    pub marks: Vec<StudentMark>,
    /// The attendance code (`н`, `б` …) and its label (`Н`), if any.
    pub attendance: Option<String>,
    pub attendance_label: Option<String>,
}

/// Homework due on a day of the diary (given at an earlier lesson).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HomeworkDue {
    pub lesson_id: Uuid,
    pub subject_name: String,
    /// The day the homework was given.
    pub given_on: NaiveDate,
    pub homework: String,
}

/// A day of the diary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiaryDay {
    pub date: NaiveDate,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i32,
    pub is_today: bool,
    pub is_school_day: bool,
    /// The holiday's name when the day is one.
    pub holiday: Option<String>,
    /// In lesson-number order.
    pub lessons: Vec<DiaryLesson>,
    pub homework_due: Vec<HomeworkDue>,
}

/// A student's diary week (`GET …/students/{student_id}/diary?week=2026-W48`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Diary {
    pub student_id: Uuid,
    pub student_name: String,
    /// `2026-W48`.
    pub week: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The school's today.
    pub today: NaiveDate,
    /// Monday to Sunday.
    pub days: Vec<DiaryDay>,
}

/// One subject on the student's marks page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectMarks {
    pub course_id: Uuid,
    pub subject_id: Uuid,
    pub subject_name: String,
    pub teacher_names: Vec<String>,
    /// By lesson date.
    pub marks: Vec<StudentMark>,
    /// The weighted average of the period (the one grading function) and the count of marks in it.
    pub average: Option<f64>,
    pub mark_count: u32,
    /// Lessons missed in the period (codes counting as absence).
    pub absences: u32,
    /// The subject's mark scale (one of `StudentMarks::scales`).
    pub scale_id: Uuid,
    /// The period's final mark once it is set; `null` before.
    pub final_mark: Option<String>,
    /// The final mark the average suggests with the school's rounding threshold.
    pub suggested_final: Option<String>,
}

/// A student's marks of a period by subject (`GET …/students/{student_id}/marks?period_id=`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudentMarks {
    pub student_id: Uuid,
    pub student_name: String,
    pub period: Period,
    /// By subject name.
    pub subjects: Vec<SubjectMarks>,
    /// The scales the subjects use, and the school's work types and rounding threshold: what the
    /// what-if calculator needs to compute as the server does.
    pub scales: Vec<MarkScale>,
    pub work_types: Vec<WorkType>,
    pub rounding_threshold: f64,
}

/// A recent-marks feed item: a mark as it was set, newest first by `set_at` (a mark put today
/// for last week's lesson is news today).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkFeedItem {
    pub student_id: Uuid,
    pub lesson_id: Uuid,
    pub work_id: Uuid,
    pub subject_name: String,
    pub date: NaiveDate,
    /// The new value; `null` when the mark was removed.
    pub value: Option<String>,
    /// The value before the last change, when the mark was changed (old → new).
    pub previous_value: Option<String>,
    pub work_type_name: String,
    pub weight: f64,
    pub comment: Option<String>,
    pub set_at: DateTime<Utc>,
}

/// A column of the class summary: one course of the class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SummaryCourse {
    pub course_id: Uuid,
    pub subject_name: String,
    pub group_number: Option<i32>,
    pub teacher_names: Vec<String>,
}

/// A student's average and absences in one course of the class summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SummaryCell {
    pub course_id: Uuid,
    pub average: Option<f64>,
    pub mark_count: u32,
    pub absences: u32,
}

/// A row of the class summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SummaryStudent {
    pub student_id: Uuid,
    pub full_name: String,
    /// One per course the student attends (subgroup courses only for their group).
    pub cells: Vec<SummaryCell>,
    /// All lessons missed in the period.
    pub absences: u32,
}

/// The class teacher's summary of a class for a period (`GET …/classes/{class_id}/summary`):
/// every subject's averages and absences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassSummary {
    pub class_id: Uuid,
    pub class_name: String,
    pub period: Period,
    pub courses: Vec<SummaryCourse>,
    pub students: Vec<SummaryStudent>,
}
