//! School structure: academic years, periods, subjects, classes, subgroups, courses, settings.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The first calendar year a school's academic years, periods and ISO weeks may use.
pub const FIRST_YEAR: i32 = 2000;
/// The last calendar year a school's academic years, periods and ISO weeks may use.
pub const LAST_YEAR: i32 = 2100;

/// Whether a day lies in the years [`FIRST_YEAR`]–[`LAST_YEAR`] (a date like `+10000-08-31`
/// is a typo, never a school year).
pub fn in_calendar_range(day: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&day.year())
}

/// The kind of a period (учебный период). A school gives final marks per quarter, trimester or
/// half-year (its setting), and per year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// Четверть (4 per year).
    Quarter,
    /// Триместр (3 per year).
    Trimester,
    /// Полугодие (2 per year).
    HalfYear,
    /// Учебный год (1).
    Year,
}

impl PeriodKind {
    /// Every kind.
    pub const ALL: [PeriodKind; 4] = [
        PeriodKind::Quarter,
        PeriodKind::Trimester,
        PeriodKind::HalfYear,
        PeriodKind::Year,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Quarter => "quarter",
            PeriodKind::Trimester => "trimester",
            PeriodKind::HalfYear => "half_year",
            PeriodKind::Year => "year",
        }
    }

    /// Parses the stored name (also accepts Russian `четверть`, `триместр`, `полугодие`, `год`).
    pub fn parse(s: &str) -> Option<PeriodKind> {
        let l = s.trim().to_lowercase();
        match l.as_str() {
            "четверть" => Some(PeriodKind::Quarter),
            "триместр" => Some(PeriodKind::Trimester),
            "полугодие" | "half-year" | "halfyear" => Some(PeriodKind::HalfYear),
            "год" | "учебный год" => Some(PeriodKind::Year),
            _ => PeriodKind::ALL.into_iter().find(|k| k.as_str() == l),
        }
    }

    /// How many periods of this kind a year has (4, 3, 2, 1).
    pub fn per_year(self) -> i32 {
        match self {
            PeriodKind::Quarter => 4,
            PeriodKind::Trimester => 3,
            PeriodKind::HalfYear => 2,
            PeriodKind::Year => 1,
        }
    }
}

/// An academic year (учебный год), e.g. `2026/2027`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcademicYear {
    pub id: Uuid,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Exactly one year of a school is current (the one new classes and imports go to).
    pub is_current: bool,
}

/// Create or replace an academic year. Dates must not overlap another year of the school.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct AcademicYearInput {
    /// `2026/2027`, 1–32 characters, unique in the school.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 32)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub name: String,
    /// In the years 2000–2100, like `ends_on` (422 `range` otherwise).
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Make this the current year (the previous current one stops being current).
    #[serde(default)]
    pub is_current: bool,
}

/// A period of an academic year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    pub id: Uuid,
    pub academic_year_id: Uuid,
    pub kind: PeriodKind,
    /// 1-based number within the kind (quarter 1–4).
    pub number: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// Create or replace a period. It must lie inside its year and not overlap another period of
/// the same kind.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct PeriodInput {
    pub academic_year_id: Uuid,
    pub kind: PeriodKind,
    /// 1 to the kind's count per year (quarter 1–4, trimester 1–3, half-year 1–2, year 1).
    #[cfg_attr(feature = "validate", validate(range(min = 1, max = 4)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 4))]
    pub number: i32,
    /// Inside the academic year (so in the years 2000–2100), like `ends_on`.
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// A subject (предмет).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subject {
    pub id: Uuid,
    /// Full name, unique in the school (`Русский язык`).
    pub name: String,
    /// Short name for the journal grid (`Рус`).
    pub short_name: String,
    /// The subject's mark scale; `None` = the school's default scale (five-point).
    pub mark_scale_id: Option<Uuid>,
    /// Whether lessons of the subject get homework (физкультура usually does not); the
    /// journal-keeping control counts lessons without homework only where it does. Default true.
    #[serde(default = "yes")]
    pub homework_expected: bool,
}

fn yes() -> bool {
    true
}

/// Create or rename a subject.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct SubjectInput {
    /// 1–200 characters.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 200)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    /// 1–32 characters.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 32)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub short_name: String,
    /// A mark scale of the school (pass/fail for ОРКСЭ …); omitted = the default scale.
    #[serde(default)]
    pub mark_scale_id: Option<Uuid>,
    /// Whether lessons of the subject get homework; omitted = true.
    #[serde(default = "yes")]
    pub homework_expected: bool,
}

/// A class (класс) of an academic year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Class {
    pub id: Uuid,
    pub academic_year_id: Uuid,
    /// 1–11.
    pub grade: i32,
    /// `А`, `Б`, …
    pub letter: String,
    /// Grade and letter: `5А`.
    pub name: String,
    /// Классный руководитель (a staff person).
    pub class_teacher_id: Option<Uuid>,
    pub class_teacher_name: Option<String>,
    /// Students enrolled today.
    pub student_count: u32,
}

/// Create or change a class.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct ClassInput {
    /// Default: the current academic year.
    #[serde(default)]
    pub academic_year_id: Option<Uuid>,
    /// 1–11.
    #[cfg_attr(feature = "validate", validate(range(min = 1, max = 11)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 11))]
    pub grade: i32,
    /// 1–8 characters (`А`).
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 8)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 8))]
    pub letter: String,
    #[serde(default)]
    pub class_teacher_id: Option<Uuid>,
}

/// A subgroup (подгруппа) of a class: numbered within it; split subjects (languages, labour,
/// informatics) are taught per subgroup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Group {
    pub id: Uuid,
    pub class_id: Uuid,
    pub number: i32,
    pub name: String,
    /// Student person ids in the group.
    pub student_ids: Vec<Uuid>,
}

/// Create a subgroup, or set its members.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct GroupInput {
    /// 1–9.
    #[cfg_attr(feature = "validate", validate(range(min = 1, max = 9)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 9))]
    pub number: i32,
    /// Default: `Группа N`.
    #[serde(default)]
    pub name: Option<String>,
    /// The complete list of members (students of the class).
    #[serde(default)]
    pub student_ids: Vec<Uuid>,
}

/// A course (учебная нагрузка): a class or one of its subgroups × a subject × teachers, with
/// hours per week. The unit of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Course {
    pub id: Uuid,
    pub academic_year_id: Uuid,
    pub class_id: Uuid,
    pub class_name: String,
    pub group_id: Option<Uuid>,
    pub group_number: Option<i32>,
    pub subject_id: Uuid,
    pub subject_name: String,
    pub teacher_ids: Vec<Uuid>,
    pub teacher_names: Vec<String>,
    pub hours_per_week: i32,
}

/// Create or change a course.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct CourseInput {
    pub class_id: Uuid,
    /// A subgroup of the class, for split subjects.
    #[serde(default)]
    pub group_id: Option<Uuid>,
    pub subject_id: Uuid,
    /// One to five teachers (staff persons).
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 5)))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 5))]
    pub teacher_ids: Vec<Uuid>,
    /// 0–40.
    #[cfg_attr(feature = "validate", validate(range(min = 0, max = 40)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 40))]
    pub hours_per_week: i32,
}

/// School settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct SchoolSettings {
    /// Full name of the school.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 300)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub name: String,
    /// IANA time zone (`Europe/Moscow`); "today", week bounds and deadlines use it.
    pub time_zone: String,
    /// The period kind final marks are given for besides the year: quarter (default),
    /// trimester or half_year.
    pub final_period_kind: PeriodKind,
    /// Days after a lesson during which its teachers may change its marks and attendance
    /// (1–365); later only the admin does. Omitted / `null` = no limit.
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(range(min = 1, max = 365)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    pub edit_window_days: Option<i32>,
    /// Final-mark suggestions round an average up when its fractional part is at least this
    /// (0.01–1.0; DESIGN §2). Default 0.5 (3.5 → 4); 0.6 makes 3.55 → 3 and 3.6 → 4.
    #[serde(default = "default_rounding_threshold")]
    #[cfg_attr(feature = "validate", validate(range(min = 0.01, max = 1.0)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.01, maximum = 1.0))]
    pub rounding_threshold: f64,
    /// K: teachers may set a period's final marks from this many days before its last day
    /// (0–60, default 7).
    #[serde(default = "default_final_marks_open_days")]
    #[cfg_attr(feature = "validate", validate(range(min = 0, max = 60)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 60))]
    pub final_marks_open_days: i32,
    /// N: … until the end of this many days after its last day, in the school's time zone
    /// (0–60, default 3 — regulation §6: "не позднее 3-х дней после окончания учебного
    /// периода"). Later only the principal or the admin sets them, with a reason.
    #[serde(default = "default_final_marks_close_days")]
    #[cfg_attr(feature = "validate", validate(range(min = 0, max = 60)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 60))]
    pub final_marks_close_days: i32,
    /// M of the weekly journal-keeping control: a student with fewer marks in the current
    /// period so far is flagged (1–20, default 3; regulation §6 "систематическое заполнение").
    #[serde(default = "default_control_min_marks")]
    #[cfg_attr(feature = "validate", validate(range(min = 1, max = 20)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 20))]
    pub control_min_marks: i32,
    /// D of the control: a mark set more than this many days after its lesson is late (1–60,
    /// default 7; regulation §6: marks are entered at least weekly).
    #[serde(default = "default_control_late_days")]
    #[cfg_attr(feature = "validate", validate(range(min = 1, max = 60)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 60))]
    pub control_late_days: i32,
}

/// Default of [`SchoolSettings::rounding_threshold`].
pub fn default_rounding_threshold() -> f64 {
    crate::grading::DEFAULT_ROUNDING_THRESHOLD
}

/// Default K of [`SchoolSettings::final_marks_open_days`]: 7 days.
pub fn default_final_marks_open_days() -> i32 {
    7
}

/// Default M of [`SchoolSettings::control_min_marks`]: 3 marks.
pub fn default_control_min_marks() -> i32 {
    3
}

/// Default D of [`SchoolSettings::control_late_days`]: 7 days.
pub fn default_control_late_days() -> i32 {
    7
}

/// Default N of [`SchoolSettings::final_marks_close_days`]: 3 days (regulation §6).
pub fn default_final_marks_close_days() -> i32 {
    3
}
