//! Bell schedules, the weekly timetable, the school calendar, dated lessons, substitutions and
//! schedule views (regulation §2: the responsible administrator publishes the timetable; §7: a
//! substitute fills the journal for the lessons they hold).
//!
//! Dates are days ([`NaiveDate`], the same everywhere); "today" and week bounds are computed in the
//! school's time zone by the server. Slot times are local wall-clock `HH:MM` strings.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One numbered lesson slot of a bell schedule (звонок): lesson `number` runs from `starts_at` to
/// `ends_at`, local time `HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LessonSlot {
    /// 0–12 (some schools have a "zero" lesson).
    pub number: i32,
    /// `HH:MM`, 24-hour local time.
    pub starts_at: String,
    /// `HH:MM`, later than `starts_at`.
    pub ends_at: String,
}

/// A bell schedule (расписание звонков). A school has one default schedule; a second shift gets
/// its own schedule and lists its classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BellSchedule {
    pub id: Uuid,
    pub name: String,
    /// Classes without a schedule of their own use the default one. Exactly one per school once
    /// any exists.
    pub is_default: bool,
    /// Ordered by number.
    pub slots: Vec<LessonSlot>,
    /// Classes on this schedule (empty for the default one unless assigned explicitly).
    pub class_ids: Vec<Uuid>,
}

/// Create or replace a bell schedule.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct BellScheduleInput {
    /// 1–100 characters, unique in the school (`1 смена`).
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 100)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    /// Make this the default schedule (the previous default stops being it).
    #[serde(default)]
    pub is_default: bool,
    /// 1–16 slots; numbers unique, times `HH:MM`, each slot ends after it starts and before the
    /// next one starts ([`check_slots`]).
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 16)))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 16))]
    pub slots: Vec<LessonSlot>,
    /// The classes (of the school) that follow this schedule; they leave any other schedule.
    #[serde(default)]
    pub class_ids: Vec<Uuid>,
}

/// Parses `HH:MM` (or `H:MM`) into minutes after midnight; `None` when malformed.
pub fn parse_hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: u16 = h.parse().ok()?;
    let m: u16 = m.parse().ok()?;
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Formats minutes after midnight as `HH:MM`.
pub fn format_hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Checks a bell schedule's slots: numbers 0–12 and unique, times `HH:MM`, every slot ends after
/// it starts, slots in number order do not overlap. On failure: the index of the first bad slot
/// and the reason (English, for `detail`).
pub fn check_slots(slots: &[LessonSlot]) -> Result<(), (usize, &'static str)> {
    let mut parsed = Vec::with_capacity(slots.len());
    for (i, s) in slots.iter().enumerate() {
        if !(0..=12).contains(&s.number) {
            return Err((i, "number must be 0–12"));
        }
        let (Some(a), Some(b)) = (parse_hhmm(&s.starts_at), parse_hhmm(&s.ends_at)) else {
            return Err((i, "times must be HH:MM"));
        };
        if b <= a {
            return Err((i, "a lesson must end after it starts"));
        }
        if parsed.iter().any(|&(n, _, _, _)| n == s.number) {
            return Err((i, "lesson numbers must be unique"));
        }
        parsed.push((s.number, a, b, i));
    }
    parsed.sort_by_key(|p| p.0);
    for w in parsed.windows(2) {
        if w[1].1 < w[0].2 {
            return Err((w[1].3, "a lesson must start after the previous one ends"));
        }
    }
    Ok(())
}

/// What a calendar entry is: a public holiday (праздник) or a vacation (каникулы).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    Holiday,
    Vacation,
}

impl HolidayKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            HolidayKind::Holiday => "holiday",
            HolidayKind::Vacation => "vacation",
        }
    }
    /// Parses the stored name (also Russian `праздник`, `каникулы`).
    pub fn parse(s: &str) -> Option<HolidayKind> {
        match s.trim().to_lowercase().as_str() {
            "holiday" | "праздник" | "выходной" => Some(HolidayKind::Holiday),
            "vacation" | "каникулы" => Some(HolidayKind::Vacation),
            _ => None,
        }
    }
}

/// A day or range of days without lessons. Days outside every period of the school's final-mark
/// kind (quarters by default) are not school days either, without an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Holiday {
    pub id: Uuid,
    pub name: String,
    pub kind: HolidayKind,
    /// First day off.
    pub starts_on: NaiveDate,
    /// Last day off (equal to `starts_on` for a single day).
    pub ends_on: NaiveDate,
}

/// Create or change a calendar entry. Lessons on its days are removed (lessons with journal data
/// stay and are flagged for the admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct HolidayInput {
    /// 1–200 characters (`День защитника Отечества`).
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 200)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    pub kind: HolidayKind,
    pub starts_on: NaiveDate,
    /// Default: `starts_on`. At most 366 days after it.
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
}

/// One weekly timetable entry (расписание уроков): a course meets on `weekday` in slot
/// `lesson_number`, from `valid_from` to `valid_to` inclusive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimetableEntry {
    pub id: Uuid,
    pub course_id: Uuid,
    pub class_id: Uuid,
    pub class_name: String,
    pub group_id: Option<Uuid>,
    pub group_number: Option<i32>,
    pub subject_id: Uuid,
    pub subject_name: String,
    pub teacher_ids: Vec<Uuid>,
    pub teacher_names: Vec<String>,
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: i32,
    pub lesson_number: i32,
    /// From the class's bell schedule; `None` when the schedule has no such slot.
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub room: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
}

/// Create or change a timetable entry.
///
/// On a change (`PUT`), `valid_from` is the day the change takes effect (default: today in the
/// school's time zone, or the entry's own start if later). A change from a day after the entry's
/// start ends the old entry the day before and creates a new one, so lessons already held keep
/// their entry; lessons are regenerated from that day on.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct TimetableEntryInput {
    pub course_id: Uuid,
    /// 1 = Monday … 7 = Sunday.
    #[cfg_attr(feature = "validate", validate(range(min = 1, max = 7)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 7))]
    pub weekday: i32,
    /// 0–12.
    #[cfg_attr(feature = "validate", validate(range(min = 0, max = 12)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 12))]
    pub lesson_number: i32,
    /// Room (кабинет), up to 50 characters; empty means none.
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(length(max = 50)))]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub room: Option<String>,
    /// Default: today in the school's time zone (or the first day of the course's academic year
    /// when that is later); for a change, the day the change takes effect.
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    /// Default: the end of the course's academic year.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
}

/// A candidate entry to check for conflicts without saving (`POST …/timetable/check`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct TimetableCheckInput {
    /// The entry being changed (it does not collide with itself).
    #[serde(default)]
    pub entry_id: Option<Uuid>,
    pub course_id: Uuid,
    #[cfg_attr(feature = "validate", validate(range(min = 1, max = 7)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 7))]
    pub weekday: i32,
    #[cfg_attr(feature = "validate", validate(range(min = 0, max = 12)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 12))]
    pub lesson_number: i32,
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(length(max = 50)))]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub room: Option<String>,
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
}

/// What two timetable entries or lessons share at the same time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// A teacher would be in two places at once.
    Teacher,
    /// The whole class would have two lessons at once (two different subgroups may).
    Class,
    /// The same subgroup would have two lessons at once.
    Group,
    /// The same room would hold two lessons at once.
    Room,
}

/// One collision, as listed in a `timetable_conflict` problem (409) or a check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimetableConflict {
    pub kind: ConflictKind,
    /// The existing entry collided with (timetable writes).
    pub entry_id: Option<Uuid>,
    /// The existing lesson collided with (lesson moves, extra lessons, substitutions).
    pub lesson_id: Option<Uuid>,
    /// For imports: the file line of the other row.
    pub line: Option<usize>,
    pub course_id: Uuid,
    pub class_name: String,
    pub subject_name: String,
    pub weekday: i32,
    pub lesson_number: i32,
    /// The shared teacher's name, the room, or the class/group name.
    pub shared: String,
}

/// The answer of a conflict check: empty when the candidate fits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimetableCheck {
    pub conflicts: Vec<TimetableConflict>,
}

/// Whether a lesson takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LessonStatus {
    Scheduled,
    Cancelled,
}

impl LessonStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            LessonStatus::Scheduled => "scheduled",
            LessonStatus::Cancelled => "cancelled",
        }
    }
    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<LessonStatus> {
        match s {
            "scheduled" => Some(LessonStatus::Scheduled),
            "cancelled" => Some(LessonStatus::Cancelled),
            _ => None,
        }
    }
}

/// Where a lesson came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LessonOrigin {
    /// Generated from the weekly timetable (possibly moved since).
    Timetable,
    /// Added by the admin outside the timetable.
    Extra,
}

impl LessonOrigin {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            LessonOrigin::Timetable => "timetable",
            LessonOrigin::Extra => "extra",
        }
    }
}

/// A dated lesson (урок): one column of the class journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lesson {
    pub id: Uuid,
    pub course_id: Uuid,
    pub class_id: Uuid,
    pub class_name: String,
    pub group_id: Option<Uuid>,
    pub group_number: Option<i32>,
    pub subject_id: Uuid,
    pub subject_name: String,
    pub date: NaiveDate,
    pub lesson_number: i32,
    /// From the class's bell schedule.
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub room: Option<String>,
    pub status: LessonStatus,
    pub cancel_reason: Option<String>,
    pub origin: LessonOrigin,
    /// Set when the lesson was moved: the day and slot the timetable gave it.
    pub moved_from_date: Option<NaiveDate>,
    pub moved_from_number: Option<i32>,
    /// The course's teachers.
    pub teacher_ids: Vec<Uuid>,
    pub teacher_names: Vec<String>,
    /// The substitute teacher holding this lesson (замена), who may fill its journal.
    pub substitute_id: Option<Uuid>,
    pub substitute_name: Option<String>,
    /// Set when the timetable or calendar changed under a lesson that has journal data, or when
    /// an extra or moved lesson's day stopped being a term day (a period shrunk, a holiday): the
    /// lesson was kept and the admin should move, cancel or acknowledge it.
    pub needs_review: bool,
    /// Why, as a stable code: `left_timetable` (the timetable or calendar no longer has this
    /// slot, but the lesson has journal data; or the lesson, extra or moved, is on a day that is
    /// no longer a term day).
    pub review_reason: Option<String>,
    /// Тема урока.
    pub topic: Option<String>,
    /// Домашнее задание.
    pub homework: Option<String>,
    /// The day the homework is due.
    pub homework_due_on: Option<NaiveDate>,
    /// True when the lesson has a topic, homework, marks or attendance (it is never deleted or
    /// moved by a timetable change).
    pub has_data: bool,
    /// Increases on every change of topic and homework; send it back to change them.
    pub version: i32,
}

/// An extra lesson outside the timetable (admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct ExtraLessonInput {
    pub course_id: Uuid,
    /// A school day (inside a period, not a holiday).
    pub date: NaiveDate,
    #[cfg_attr(feature = "validate", validate(range(min = 0, max = 12)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 12))]
    pub lesson_number: i32,
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(length(max = 50)))]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub room: Option<String>,
}

/// Cancel a lesson (admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct CancelLessonInput {
    /// 1–500 characters (`карантин`, `болезнь учителя, замены нет`).
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 500)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub reason: String,
}

/// Move a lesson to another day and slot (admin). The journal data moves with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct MoveLessonInput {
    /// A school day.
    pub date: NaiveDate,
    #[cfg_attr(feature = "validate", validate(range(min = 0, max = 12)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 12))]
    pub lesson_number: i32,
    /// Default: the lesson's room.
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(length(max = 50)))]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub room: Option<String>,
}

/// Assign a substitute teacher to a lesson (admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct SubstituteInput {
    /// A staff person of the school with the teacher role, free at that time.
    pub teacher_id: Uuid,
}

/// A teacher free to substitute a lesson (`GET …/lessons/{id}/free-teachers`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreeTeacher {
    /// The staff person id, for `SubstituteInput.teacher_id`.
    pub id: Uuid,
    pub name: String,
}

/// Set a lesson's topic and homework (the course's teachers or the lesson's substitute).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct LessonContentInput {
    /// Up to 500 characters; empty clears it.
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(length(max = 500)))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub topic: Option<String>,
    /// Up to 4 000 characters; empty clears it.
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(length(max = 4000)))]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub homework: Option<String>,
    #[serde(default)]
    pub homework_due_on: Option<NaiveDate>,
    /// The `version` the client read (a lesson starts at 1); a different current version → 412
    /// with the current lesson.
    #[cfg_attr(feature = "validate", validate(range(min = 1)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: i32,
}

/// Regenerate lessons from the timetable over a range (admin).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GenerateLessonsInput {
    /// Default: the first day of the current academic year.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Default: the last day of the current academic year.
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// What a regeneration did. Running it twice in a row gives all `unchanged` the second time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GenerateReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub created: u32,
    /// Room or entry changed.
    pub updated: u32,
    /// No longer in the timetable and without journal data.
    pub deleted: u32,
    /// No longer in the timetable but with journal data, or an extra or moved lesson on a day
    /// that is no longer a term day: kept and flagged for the admin.
    pub flagged: u32,
    pub unchanged: u32,
}

/// A teacher's absence (болезнь, курсы) for a range of days; their lessons need substitutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeacherAbsence {
    pub id: Uuid,
    pub teacher_id: Uuid,
    pub teacher_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: Option<String>,
    /// The teacher's scheduled (not cancelled) lessons in the range: their courses' and those
    /// they were to substitute.
    pub lessons_total: u32,
    /// Of those, the ones with a substitute other than the absent teacher.
    pub lessons_covered: u32,
}

/// Record a teacher's absence (admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct TeacherAbsenceInput {
    pub teacher_id: Uuid,
    pub starts_on: NaiveDate,
    /// Default: `starts_on`; at most 366 days after it.
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    /// Up to 500 characters (`больничный`).
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(length(max = 500)))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub reason: Option<String>,
}

/// One day of a schedule view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleDay {
    pub date: NaiveDate,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i32,
    /// Inside a period and not a holiday.
    pub is_school_day: bool,
    /// The holiday or vacation name, when the day is one.
    pub holiday: Option<String>,
    /// Ordered by lesson number, then class.
    pub lessons: Vec<Lesson>,
}

/// A schedule view: a teacher's, a class's, a student's or a room's day or week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Schedule {
    /// Today in the school's time zone.
    pub today: NaiveDate,
    pub time_zone: String,
    /// First and last day shown (a week runs Monday–Sunday).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: Vec<ScheduleDay>,
    /// For a single-day view: the next day after it that has lessons in this view (within
    /// 4 weeks), so "Today" on a Sunday can point to Monday.
    pub next_lesson_date: Option<NaiveDate>,
}

/// The Monday and Sunday of an ISO week `YYYY-Www` (`2026-W48` → 2026-11-23 … 2026-11-29);
/// years 2000–2100 only.
pub fn iso_week_bounds(week: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (y, w) = week.trim().split_once("-W")?;
    let y: i32 = y.parse().ok()?;
    if !(crate::structure::FIRST_YEAR..=crate::structure::LAST_YEAR).contains(&y) {
        return None;
    }
    let w: u32 = w.parse().ok()?;
    let monday = NaiveDate::from_isoywd_opt(y, w, Weekday::Mon)?;
    Some((monday, monday + Duration::days(6)))
}

/// The ISO week of a day, as `YYYY-Www`.
pub fn iso_week_of(day: NaiveDate) -> String {
    let w = day.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The Monday of the week of `day`.
pub fn week_monday(day: NaiveDate) -> NaiveDate {
    day - Duration::days(day.weekday().num_days_from_monday() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(n: i32, a: &str, b: &str) -> LessonSlot {
        LessonSlot {
            number: n,
            starts_at: a.into(),
            ends_at: b.into(),
        }
    }

    #[test]
    fn hhmm_parses_and_refuses_garbage() {
        assert_eq!(parse_hhmm("08:30"), Some(510));
        assert_eq!(parse_hhmm("8:05"), Some(485));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm("08:60"), None);
        assert_eq!(parse_hhmm("0830"), None);
        assert_eq!(parse_hhmm("08:3"), None);
        assert_eq!(format_hhmm(510), "08:30");
    }

    #[test]
    fn slots_must_be_ordered_and_disjoint() {
        assert!(check_slots(&[slot(1, "08:30", "09:15"), slot(2, "09:25", "10:10")]).is_ok());
        assert_eq!(
            check_slots(&[slot(1, "08:30", "09:15"), slot(2, "09:10", "10:10")]),
            Err((1, "a lesson must start after the previous one ends"))
        );
        assert_eq!(
            check_slots(&[slot(1, "08:30", "08:30")]),
            Err((0, "a lesson must end after it starts"))
        );
        assert_eq!(
            check_slots(&[slot(1, "08:30", "09:00"), slot(1, "10:00", "10:45")]),
            Err((1, "lesson numbers must be unique"))
        );
        assert_eq!(check_slots(&[slot(13, "08:30", "09:00")]).unwrap_err().0, 0);
    }

    #[test]
    fn iso_weeks() {
        let (a, b) = iso_week_bounds("2026-W48").unwrap();
        assert_eq!(a, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(b, NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
        assert_eq!(
            iso_week_of(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()),
            "2026-W53"
        );
        assert_eq!(iso_week_bounds("2026-W54"), None);
        assert_eq!(iso_week_bounds("junk"), None);
        assert_eq!(
            week_monday(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
    }
}
