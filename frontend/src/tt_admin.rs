//! Plain logic of the timetable administration pages (bell schedules, the weekly timetable grid,
//! the school calendar, lessons and substitutions): form checks into the domain's request DTOs,
//! the grid built from timetable entries, calendar days, conflict messages. Everything here has
//! host unit tests; the pages live in `pages::tt_admin`.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use otmetka_domain::ErrorCode;
use otmetka_domain::person::Person;
use otmetka_domain::structure::{Course, Period, PeriodKind};
use otmetka_domain::timetable::{
    BellSchedule, BellScheduleInput, CancelLessonInput, ConflictKind, ExtraLessonInput,
    FreeTeacher, Holiday, HolidayInput, HolidayKind, Lesson, LessonSlot, LessonStatus,
    MoveLessonInput, TeacherAbsenceInput, TimetableCheckInput, TimetableConflict, TimetableEntry,
    TimetableEntryInput, check_slots, format_hhmm, parse_hhmm,
};
use uuid::Uuid;

use crate::api::ApiError;
use crate::forms::{Field, FieldErrors, FieldProblem, clean_text, required_text};
use crate::i18n::{Locale, td_string};
use crate::roster::{format_day, parse_day};
use crate::table::escape;

/// Longest bell schedule name (`BellScheduleInput::name`).
pub const BELL_NAME_MAX: u32 = 100;
/// Longest calendar entry name (`HolidayInput::name`).
pub const HOLIDAY_NAME_MAX: u32 = 200;
/// Longest room (`TimetableEntryInput::room`).
pub const ROOM_MAX: u32 = 50;
/// Longest cancel or absence reason.
pub const REASON_MAX: u32 = 500;
/// At most this many slots in a bell schedule.
pub const SLOTS_MAX: usize = 16;
/// A calendar entry or an absence spans at most this many days after its first one.
pub const RANGE_DAYS_MAX: i64 = 366;
/// Lesson numbers a slot or an entry may have.
pub const LESSON_NUMBERS: std::ops::RangeInclusive<i32> = 0..=12;
/// Lessons of a day or a review list fetched at once (the API's maximum page).
pub const LESSONS_LIMIT: u64 = 500;

// ---- names ------------------------------------------------------------------------------------

/// A weekday (1 = Monday … 7 = Sunday), short: `пн` / `Mon`.
pub fn weekday_short(locale: Locale, weekday: i32) -> &'static str {
    const RU: [&str; 7] = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let i = (weekday.clamp(1, 7) - 1) as usize;
    match locale {
        Locale::ru => RU[i],
        Locale::en => EN[i],
    }
}

/// A weekday in full: `Понедельник` / `Monday`.
pub fn weekday_long(locale: Locale, weekday: i32) -> &'static str {
    const RU: [&str; 7] = [
        "Понедельник",
        "Вторник",
        "Среда",
        "Четверг",
        "Пятница",
        "Суббота",
        "Воскресенье",
    ];
    const EN: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let i = (weekday.clamp(1, 7) - 1) as usize;
    match locale {
        Locale::ru => RU[i],
        Locale::en => EN[i],
    }
}

/// A month and year: `Сентябрь 2026` / `September 2026`.
pub fn month_title(locale: Locale, day: NaiveDate) -> String {
    const RU: [&str; 12] = [
        "Январь",
        "Февраль",
        "Март",
        "Апрель",
        "Май",
        "Июнь",
        "Июль",
        "Август",
        "Сентябрь",
        "Октябрь",
        "Ноябрь",
        "Декабрь",
    ];
    match locale {
        Locale::ru => format!("{} {}", RU[day.month0() as usize], day.year()),
        Locale::en => day.format("%B %Y").to_string(),
    }
}

/// `3-й урок` / `lesson 3`.
pub fn lesson_number_text(locale: Locale, number: i32) -> String {
    td_string!(locale, tt_admin.lesson_n, n = number)
}

/// `пн, 3-й урок`.
pub fn slot_text(locale: Locale, weekday: i32, number: i32) -> String {
    format!(
        "{}, {}",
        weekday_short(locale, weekday),
        lesson_number_text(locale, number)
    )
}

/// `Фамилия И. О.` from `Фамилия Имя Отчество` (names of one word stay as they are).
pub fn short_name(full: &str) -> String {
    let mut parts = full.split_whitespace();
    let Some(last) = parts.next() else {
        return String::new();
    };
    let initials: Vec<String> = parts
        .filter_map(|p| p.chars().next())
        .map(|c| format!("{c}."))
        .collect();
    if initials.is_empty() {
        last.to_string()
    } else {
        format!("{last} {}", initials.join(" "))
    }
}

/// `гр. 1` / `gr. 1` for a subgroup course, empty for the whole class.
pub fn group_text(locale: Locale, group_number: Option<i32>) -> String {
    group_number.map_or_else(String::new, |n| td_string!(locale, tt_admin.group_n, n = n))
}

/// `каб. 12` / `room 12`.
pub fn room_text(locale: Locale, room: Option<&str>) -> String {
    match room.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => td_string!(locale, tt_admin.room_n, room = r),
        None => String::new(),
    }
}

/// Whom a course choice shows: in a class's timetable the subject, subgroup and teachers; in a
/// teacher's the class, subject and subgroup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GridMode {
    Class,
    Teacher,
}

/// A course as an option of the entry form: `Математика · гр. 1 · Иванова И. И.` (class) or
/// `5А · Математика · гр. 1` (teacher).
pub fn course_label(locale: Locale, course: &Course, mode: GridMode) -> String {
    let group = group_text(locale, course.group_number);
    let teachers = course
        .teacher_names
        .iter()
        .map(|n| short_name(n))
        .collect::<Vec<_>>()
        .join(", ");
    let parts: Vec<&str> = match mode {
        GridMode::Class => vec![&course.subject_name, &group, &teachers],
        GridMode::Teacher => vec![&course.class_name, &course.subject_name, &group],
    };
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Courses in the order the entry form offers them: by class (grade, then name), subject,
/// subgroup.
pub fn sort_courses(courses: &mut [Course]) {
    courses.sort_by(|a, b| {
        class_key(&a.class_name)
            .cmp(&class_key(&b.class_name))
            .then_with(|| a.subject_name.cmp(&b.subject_name))
            .then_with(|| a.group_number.cmp(&b.group_number))
    });
}

/// `10Б` sorts after `9А`: the grade as a number, then the rest.
fn class_key(name: &str) -> (u32, String) {
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    (
        digits.parse().unwrap_or(u32::MAX),
        name[digits.len()..].to_string(),
    )
}

/// Staff persons as choices of a teacher: `(id, Фамилия Имя Отчество)` by name.
pub fn teacher_options(staff: &[Person]) -> Vec<(Uuid, String)> {
    let mut out: Vec<(Uuid, String)> = staff.iter().map(|p| (p.id, p.full_name())).collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

// ---- bell schedules ---------------------------------------------------------------------------

/// One slot row of the bell schedule form, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SlotDraft {
    pub number: String,
    pub starts_at: String,
    pub ends_at: String,
}

impl SlotDraft {
    pub fn of(slot: &LessonSlot) -> SlotDraft {
        SlotDraft {
            number: slot.number.to_string(),
            starts_at: slot.starts_at.clone(),
            ends_at: slot.ends_at.clone(),
        }
    }
}

/// What is wrong with a slot row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotProblem {
    /// Not a whole number 0–12.
    Number,
    /// A time that is not `HH:MM`.
    TimeFormat,
    /// Ends at or before it starts.
    EndBeforeStart,
    /// Two rows with the same number.
    DuplicateNumber,
    /// Starts before the previous lesson ends.
    Overlap,
}

/// The message for a slot row's problem.
pub fn slot_problem_text(locale: Locale, problem: SlotProblem) -> &'static str {
    match problem {
        SlotProblem::Number => td_string!(locale, tt_admin.slot_number),
        SlotProblem::TimeFormat => td_string!(locale, tt_admin.slot_time),
        SlotProblem::EndBeforeStart => td_string!(locale, tt_admin.slot_order),
        SlotProblem::DuplicateNumber => td_string!(locale, tt_admin.slot_duplicate),
        SlotProblem::Overlap => td_string!(locale, tt_admin.slot_overlap),
    }
}

/// The problems of the bell schedule form: per input, and the first bad slot row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BellErrors {
    pub fields: FieldErrors,
    pub slot: Option<(usize, SlotProblem)>,
}

/// Maps [`check_slots`]'s reason to a translated problem.
fn slot_reason(reason: &str) -> SlotProblem {
    match reason {
        "number must be 0–12" => SlotProblem::Number,
        "a lesson must end after it starts" => SlotProblem::EndBeforeStart,
        "lesson numbers must be unique" => SlotProblem::DuplicateNumber,
        "a lesson must start after the previous one ends" => SlotProblem::Overlap,
        _ => SlotProblem::TimeFormat,
    }
}

/// A time as typed (`8:30`, ` 08:30 `) in the API's form `08:30`.
pub fn normalize_time(value: &str) -> Option<String> {
    parse_hhmm(value).map(format_hhmm)
}

/// The bell schedule form → the request (slots in number order), checked with the domain's
/// [`check_slots`], the same rules the server applies.
pub fn check_bell_form(
    name: &str,
    is_default: bool,
    slots: &[SlotDraft],
    class_ids: Vec<Uuid>,
) -> Result<BellScheduleInput, BellErrors> {
    let mut errors = BellErrors::default();
    let name = required_text(&mut errors.fields, Field::TtName, name, BELL_NAME_MAX);
    if slots.is_empty() {
        errors.fields.push((Field::TtSlots, FieldProblem::Required));
    } else if slots.len() > SLOTS_MAX {
        errors.fields.push((
            Field::TtSlots,
            FieldProblem::NumberRange(1, SLOTS_MAX as u32),
        ));
    }
    let mut parsed = Vec::with_capacity(slots.len());
    for (i, s) in slots.iter().enumerate() {
        let Ok(number) = s.number.trim().parse::<i32>() else {
            errors.slot = Some((i, SlotProblem::Number));
            break;
        };
        let (Some(starts_at), Some(ends_at)) =
            (normalize_time(&s.starts_at), normalize_time(&s.ends_at))
        else {
            errors.slot = Some((i, SlotProblem::TimeFormat));
            break;
        };
        parsed.push(LessonSlot {
            number,
            starts_at,
            ends_at,
        });
    }
    if errors.slot.is_none()
        && let Err((i, reason)) = check_slots(&parsed)
    {
        errors.slot = Some((i, slot_reason(reason)));
    }
    match name {
        Some(name) if errors.fields.is_empty() && errors.slot.is_none() => {
            parsed.sort_by_key(|s| s.number);
            Ok(BellScheduleInput {
                name,
                is_default,
                slots: parsed,
                class_ids,
            })
        }
        _ => Err(errors),
    }
}

/// A new school's usual bells: seven 45-minute lessons from 08:30 with 10- and 20-minute breaks.
pub fn default_slots() -> Vec<SlotDraft> {
    [
        ("08:30", "09:15"),
        ("09:25", "10:10"),
        ("10:30", "11:15"),
        ("11:35", "12:20"),
        ("12:30", "13:15"),
        ("13:25", "14:10"),
        ("14:20", "15:05"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (a, b))| SlotDraft {
        number: (i + 1).to_string(),
        starts_at: (*a).to_string(),
        ends_at: (*b).to_string(),
    })
    .collect()
}

/// The row "add a lesson" appends: the next number, 10 minutes after the last lesson ends, 45
/// minutes long (times left empty when the last row's are not readable yet).
pub fn next_slot(slots: &[SlotDraft]) -> SlotDraft {
    let number = slots
        .iter()
        .filter_map(|s| s.number.trim().parse::<i32>().ok())
        .max()
        .map_or(1, |n| n + 1);
    let start = slots
        .last()
        .and_then(|s| parse_hhmm(&s.ends_at))
        .map(|end| end + 10)
        .filter(|start| start + 45 < 24 * 60);
    SlotDraft {
        number: number.to_string(),
        starts_at: start.map(format_hhmm).unwrap_or_default(),
        ends_at: start.map(|s| format_hhmm(s + 45)).unwrap_or_default(),
    }
}

/// `08:30–15:05` for a schedule's slots (empty when it has none).
pub fn slots_span(slots: &[LessonSlot]) -> String {
    match (
        slots.iter().min_by_key(|s| s.number),
        slots.iter().max_by_key(|s| s.number),
    ) {
        (Some(a), Some(b)) => format!("{}–{}", a.starts_at, b.ends_at),
        _ => String::new(),
    }
}

/// The schedule a class follows: the one that lists it, else the default one.
pub fn schedule_for_class(schedules: &[BellSchedule], class_id: Uuid) -> Option<&BellSchedule> {
    schedules
        .iter()
        .find(|s| s.class_ids.contains(&class_id))
        .or_else(|| schedules.iter().find(|s| s.is_default))
}

// ---- the weekly grid --------------------------------------------------------------------------

/// One row of the grid: a lesson number, its bell times, and per weekday column the indexes of
/// the entries in that cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridRow {
    pub number: i32,
    pub time: Option<(String, String)>,
    pub cells: Vec<Vec<usize>>,
}

/// Weekday columns × lesson-number rows of a class's or a teacher's timetable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub weekdays: Vec<i32>,
    pub rows: Vec<GridRow>,
}

/// Builds the grid: Monday–Saturday (and Sunday when an entry is on it); rows for every slot of
/// the bell schedule and every number an entry uses (lessons 1–7 when there is neither). Entries
/// of a cell are ordered by subgroup, then subject, then class.
pub fn build_grid(entries: &[TimetableEntry], slots: &[LessonSlot]) -> Grid {
    let mut weekdays: Vec<i32> = (1..=6).collect();
    if entries.iter().any(|e| e.weekday == 7) {
        weekdays.push(7);
    }
    let mut numbers: Vec<i32> = slots
        .iter()
        .map(|s| s.number)
        .chain(entries.iter().map(|e| e.lesson_number))
        .collect();
    if numbers.is_empty() {
        numbers = (1..=7).collect();
    }
    numbers.sort_unstable();
    numbers.dedup();
    let mut cells: BTreeMap<(i32, i32), Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        cells
            .entry((e.lesson_number, e.weekday))
            .or_default()
            .push(i);
    }
    for list in cells.values_mut() {
        list.sort_by(|&a, &b| {
            let (a, b) = (&entries[a], &entries[b]);
            a.group_number
                .cmp(&b.group_number)
                .then_with(|| a.subject_name.cmp(&b.subject_name))
                .then_with(|| a.class_name.cmp(&b.class_name))
        });
    }
    let rows = numbers
        .into_iter()
        .map(|number| {
            let time = slots
                .iter()
                .find(|s| s.number == number)
                .map(|s| (s.starts_at.clone(), s.ends_at.clone()))
                .or_else(|| {
                    entries
                        .iter()
                        .filter(|e| e.lesson_number == number)
                        .find_map(|e| Some((e.starts_at.clone()?, e.ends_at.clone()?)))
                });
            let cells = weekdays
                .iter()
                .map(|wd| cells.get(&(number, *wd)).cloned().unwrap_or_default())
                .collect();
            GridRow {
                number,
                time,
                cells,
            }
        })
        .collect();
    Grid { weekdays, rows }
}

/// The `data-index` of a cell's "add" button: `weekday * 100 + number`.
pub fn cell_index(weekday: i32, number: i32) -> usize {
    (weekday * 100 + number) as usize
}

/// The weekday and number of a cell from its `data-index`.
pub fn cell_of_index(index: usize) -> (i32, i32) {
    ((index / 100) as i32, (index % 100) as i32)
}

fn attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape(value, out);
    out.push('"');
}

fn span(out: &mut String, class: &str, text: &str) {
    if text.is_empty() {
        return;
    }
    out.push_str("<span");
    attr(out, "class", class);
    out.push('>');
    escape(text, out);
    out.push_str("</span>");
}

/// The grid as HTML text (one renderer for any timetable, escaped, like [`crate::table`]). Entries
/// are buttons (`data-action="edit"`, `data-index` = the entry's index) when `manage`, and every
/// cell then has an "add" button (`data-action="add"`, `data-index` = [`cell_index`]). On phones
/// the table turns into one card per lesson number, each cell labelled with its weekday.
pub fn grid_html(
    grid: &Grid,
    entries: &[TimetableEntry],
    mode: GridMode,
    manage: bool,
    locale: Locale,
) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("<table class=\"table table-cards tt-grid\" data-testid=\"tt-grid\"");
    attr(
        &mut out,
        "data-mode",
        match mode {
            GridMode::Class => "class",
            GridMode::Teacher => "teacher",
        },
    );
    out.push_str("><thead><tr><th scope=\"col\">");
    escape(td_string!(locale, tt_admin.lesson), &mut out);
    out.push_str("</th>");
    for wd in &grid.weekdays {
        out.push_str("<th scope=\"col\"");
        attr(&mut out, "abbr", weekday_long(locale, *wd));
        out.push('>');
        escape(weekday_short(locale, *wd), &mut out);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for row in &grid.rows {
        out.push_str("<tr data-testid=\"tt-row\"");
        attr(&mut out, "data-number", &row.number.to_string());
        out.push_str("><th scope=\"row\" class=\"tt-num\"");
        attr(&mut out, "data-label", td_string!(locale, tt_admin.lesson));
        out.push('>');
        span(&mut out, "tt-num-n", &row.number.to_string());
        if let Some((a, b)) = &row.time {
            span(&mut out, "tt-num-time", &format!("{a}–{b}"));
        }
        out.push_str("</th>");
        for (col, wd) in grid.weekdays.iter().enumerate() {
            let list = &row.cells[col];
            out.push_str("<td data-testid=\"tt-cell\"");
            attr(&mut out, "data-label", weekday_long(locale, *wd));
            attr(&mut out, "data-weekday", &wd.to_string());
            attr(&mut out, "data-number", &row.number.to_string());
            if list.is_empty() {
                attr(&mut out, "class", "tt-empty");
            }
            out.push_str("><div class=\"tt-cell\">");
            if !list.is_empty() {
                out.push_str("<div class=\"tt-entries\">");
            }
            for &i in list {
                let e = &entries[i];
                let tag = if manage { "button" } else { "div" };
                out.push('<');
                out.push_str(tag);
                if manage {
                    out.push_str(" type=\"button\" data-action=\"edit\"");
                    attr(&mut out, "data-index", &i.to_string());
                }
                attr(&mut out, "class", "tt-entry");
                attr(&mut out, "data-testid", "tt-entry");
                attr(&mut out, "data-entry-id", &e.id.to_string());
                attr(&mut out, "data-course-id", &e.course_id.to_string());
                out.push('>');
                span(&mut out, "tt-subject", &e.subject_name);
                span(&mut out, "tt-group", &group_text(locale, e.group_number));
                let who = match mode {
                    GridMode::Class => e
                        .teacher_names
                        .iter()
                        .map(|n| short_name(n))
                        .collect::<Vec<_>>()
                        .join(", "),
                    GridMode::Teacher => e.class_name.clone(),
                };
                span(&mut out, "tt-who", &who);
                span(&mut out, "tt-room", &room_text(locale, e.room.as_deref()));
                out.push_str("</");
                out.push_str(tag);
                out.push('>');
            }
            if !list.is_empty() {
                out.push_str("</div>");
            }
            if manage {
                out.push_str("<button type=\"button\" class=\"tt-add\" data-action=\"add\"");
                attr(
                    &mut out,
                    "data-index",
                    &cell_index(*wd, row.number).to_string(),
                );
                attr(&mut out, "data-testid", "tt-add");
                let label = td_string!(
                    locale,
                    tt_admin.add_at,
                    when = slot_text(locale, *wd, row.number)
                );
                attr(&mut out, "aria-label", &label);
                attr(&mut out, "title", &label);
                out.push_str(">+</button>");
            }
            if list.is_empty() && !manage {
                out.push_str("<span class=\"tt-none\">—</span>");
            }
            out.push_str("</div></td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

// ---- timetable entries and conflicts ----------------------------------------------------------

/// A whole number in `range` as typed.
fn number_field(
    errors: &mut FieldErrors,
    field: Field,
    value: &str,
    range: std::ops::RangeInclusive<i32>,
) -> Option<i32> {
    let value = value.trim();
    if value.is_empty() {
        errors.push((field, FieldProblem::Required));
        return None;
    }
    match value.parse::<i32>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            errors.push((
                field,
                FieldProblem::NumberRange(*range.start() as u32, *range.end() as u32),
            ));
            None
        }
    }
}

/// A required day.
fn day_field(errors: &mut FieldErrors, field: Field, value: &str) -> Option<NaiveDate> {
    if value.trim().is_empty() {
        errors.push((field, FieldProblem::Required));
        return None;
    }
    let day = parse_day(value);
    if day.is_none() {
        errors.push((field, FieldProblem::DateFormat));
    }
    day
}

/// An optional day; unreadable is a problem.
fn optional_day(errors: &mut FieldErrors, field: Field, value: &str) -> Option<NaiveDate> {
    if value.trim().is_empty() {
        return None;
    }
    let day = parse_day(value);
    if day.is_none() {
        errors.push((field, FieldProblem::DateFormat));
    }
    day
}

/// A room as typed: cleaned, `None` when empty.
fn room_field(errors: &mut FieldErrors, value: &str) -> Option<String> {
    let room = clean_text(value);
    if room.chars().count() > ROOM_MAX as usize {
        errors.push((Field::TtRoom, FieldProblem::TooLong(ROOM_MAX)));
        return None;
    }
    (!room.is_empty()).then_some(room)
}

/// An optional reason, cleaned.
fn reason_field(errors: &mut FieldErrors, value: &str) -> Option<String> {
    let reason = clean_text(value);
    if reason.chars().count() > REASON_MAX as usize {
        errors.push((Field::Reason, FieldProblem::TooLong(REASON_MAX)));
        return None;
    }
    (!reason.is_empty()).then_some(reason)
}

/// The timetable entry form → the request. `valid_from` is optional (the server's default: the
/// year's start for a new entry, today for a change).
pub fn check_entry_form(
    course: Option<Uuid>,
    weekday: &str,
    number: &str,
    room: &str,
    valid_from: &str,
) -> Result<TimetableEntryInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    if course.is_none() {
        errors.push((Field::TtCourse, FieldProblem::NotChosen));
    }
    let weekday = number_field(&mut errors, Field::TtWeekday, weekday, 1..=7);
    let number = number_field(&mut errors, Field::TtLessonNumber, number, LESSON_NUMBERS);
    let room = room_field(&mut errors, room);
    let valid_from = optional_day(&mut errors, Field::TtValidFrom, valid_from);
    match (course, weekday, number) {
        (Some(course_id), Some(weekday), Some(lesson_number)) if errors.is_empty() => {
            Ok(TimetableEntryInput {
                course_id,
                weekday,
                lesson_number,
                room,
                valid_from,
                valid_to: None,
            })
        }
        _ => Err(errors),
    }
}

/// The conflict check of a candidate entry (the entry being changed does not collide with
/// itself).
pub fn check_request(input: &TimetableEntryInput, entry_id: Option<Uuid>) -> TimetableCheckInput {
    TimetableCheckInput {
        entry_id,
        course_id: input.course_id,
        weekday: input.weekday,
        lesson_number: input.lesson_number,
        room: input.room.clone(),
        valid_from: input.valid_from,
        valid_to: input.valid_to,
    }
}

/// The collisions of a `409 timetable_conflict` answer (`Problem.conflicts`); `None` for any
/// other error or an unreadable list.
pub fn problem_conflicts(err: &ApiError) -> Option<Vec<TimetableConflict>> {
    let ApiError::Problem { problem, .. } = err else {
        return None;
    };
    if problem.code != ErrorCode::TimetableConflict {
        return None;
    }
    serde_json::from_value(problem.conflicts.clone()?).ok()
}

/// What kind of collision: `Учитель`, `Класс`, `Группа`, `Кабинет`.
pub fn conflict_kind_text(locale: Locale, kind: ConflictKind) -> &'static str {
    match kind {
        ConflictKind::Teacher => td_string!(locale, tt_admin.kind_teacher),
        ConflictKind::Class => td_string!(locale, tt_admin.kind_class),
        ConflictKind::Group => td_string!(locale, tt_admin.kind_group),
        ConflictKind::Room => td_string!(locale, tt_admin.kind_room),
    }
}

/// One collision in words: who or what is shared, with which class and subject, when.
pub fn conflict_text(locale: Locale, c: &TimetableConflict) -> String {
    let when = slot_text(locale, c.weekday, c.lesson_number);
    let class = c.class_name.as_str();
    let subject = c.subject_name.as_str();
    let shared = c.shared.as_str();
    match c.kind {
        ConflictKind::Teacher => td_string!(
            locale,
            tt_admin.conflict_teacher,
            shared = shared,
            class = class,
            subject = subject,
            when = when
        ),
        ConflictKind::Class => td_string!(
            locale,
            tt_admin.conflict_class,
            class = class,
            subject = subject,
            when = when
        ),
        ConflictKind::Group => td_string!(
            locale,
            tt_admin.conflict_group,
            shared = shared,
            class = class,
            subject = subject,
            when = when
        ),
        ConflictKind::Room => td_string!(
            locale,
            tt_admin.conflict_room,
            shared = shared,
            class = class,
            subject = subject,
            when = when
        ),
    }
}

// ---- the calendar -----------------------------------------------------------------------------

/// The calendar entry form → the request (one day when the end is left empty).
pub fn check_holiday_form(
    name: &str,
    kind: Option<HolidayKind>,
    starts_on: &str,
    ends_on: &str,
) -> Result<HolidayInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = required_text(&mut errors, Field::TtName, name, HOLIDAY_NAME_MAX);
    if kind.is_none() {
        errors.push((Field::TtHolidayKind, FieldProblem::NotChosen));
    }
    let starts = day_field(&mut errors, Field::StartsOn, starts_on);
    let ends = optional_day(&mut errors, Field::EndsOn, ends_on);
    range_order(&mut errors, starts, ends);
    match (name, kind, starts) {
        (Some(name), Some(kind), Some(starts_on)) if errors.is_empty() => Ok(HolidayInput {
            name,
            kind,
            starts_on,
            ends_on: ends,
        }),
        _ => Err(errors),
    }
}

/// The end of a range is not before its start and at most [`RANGE_DAYS_MAX`] days after it.
fn range_order(errors: &mut FieldErrors, starts: Option<NaiveDate>, ends: Option<NaiveDate>) {
    if let (Some(s), Some(e)) = (starts, ends) {
        if e < s {
            errors.push((Field::EndsOn, FieldProblem::DateOrder));
        } else if (e - s).num_days() > RANGE_DAYS_MAX {
            errors.push((
                Field::EndsOn,
                FieldProblem::NumberRange(0, RANGE_DAYS_MAX as u32),
            ));
        }
    }
}

/// A holiday or a vacation in words.
pub fn holiday_kind_text(locale: Locale, kind: HolidayKind) -> &'static str {
    match kind {
        HolidayKind::Holiday => td_string!(locale, tt_admin.kind_holiday),
        HolidayKind::Vacation => td_string!(locale, tt_admin.kind_vacation),
    }
}

/// The number of days of a calendar entry or an absence (both ends included).
pub fn days_in(starts: NaiveDate, ends: NaiveDate) -> u64 {
    ((ends - starts).num_days() + 1).max(0) as u64
}

/// What a day of the calendar is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// Inside a period of the final-mark kind, not a holiday, not a Sunday.
    School,
    /// A Sunday inside a period (no lessons unless the timetable has Sunday lessons).
    Sunday,
    Holiday,
    Vacation,
    /// Outside every period of the final-mark kind (summer, the days between periods).
    OffPeriod,
}

impl DayKind {
    /// The CSS class and `data-kind` of a day.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::School => "school",
            DayKind::Sunday => "sunday",
            DayKind::Holiday => "holiday",
            DayKind::Vacation => "vacation",
            DayKind::OffPeriod => "off",
        }
    }
}

/// What a day is, as the server decides school days: inside a period of the school's final-mark
/// kind and not in a calendar entry (a holiday wins over a vacation on the same day).
pub fn day_kind<'a>(
    day: NaiveDate,
    periods: &[Period],
    final_kind: PeriodKind,
    holidays: &'a [Holiday],
) -> (DayKind, Option<&'a str>) {
    let entries = holidays
        .iter()
        .filter(|h| h.starts_on <= day && day <= h.ends_on);
    let mut found: Option<&Holiday> = None;
    for h in entries {
        if found.is_none_or(|f| f.kind == HolidayKind::Vacation && h.kind == HolidayKind::Holiday) {
            found = Some(h);
        }
    }
    if let Some(h) = found {
        let kind = match h.kind {
            HolidayKind::Holiday => DayKind::Holiday,
            HolidayKind::Vacation => DayKind::Vacation,
        };
        return (kind, Some(h.name.as_str()));
    }
    let in_period = periods
        .iter()
        .any(|p| p.kind == final_kind && p.starts_on <= day && day <= p.ends_on);
    if !in_period {
        return (DayKind::OffPeriod, None);
    }
    if day.weekday() == chrono::Weekday::Sun {
        return (DayKind::Sunday, None);
    }
    (DayKind::School, None)
}

/// What a kind of day is called in the legend and in a day's tooltip.
pub fn day_kind_text(locale: Locale, kind: DayKind) -> &'static str {
    match kind {
        DayKind::School => td_string!(locale, tt_admin.day_school),
        DayKind::Sunday => td_string!(locale, tt_admin.day_sunday),
        DayKind::Holiday => td_string!(locale, tt_admin.kind_holiday),
        DayKind::Vacation => td_string!(locale, tt_admin.kind_vacation),
        DayKind::OffPeriod => td_string!(locale, tt_admin.day_off_period),
    }
}

/// Monday–Saturday school days of a range (Sundays, holidays, vacations and days outside the
/// periods do not count).
pub fn school_days(
    from: NaiveDate,
    to: NaiveDate,
    periods: &[Period],
    final_kind: PeriodKind,
    holidays: &[Holiday],
) -> u64 {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| day_kind(*d, periods, final_kind, holidays).0 == DayKind::School)
        .count() as u64
}

/// The months from `from` to `to` as small calendars (HTML text, escaped), every day coloured by
/// its [`DayKind`] and titled with the holiday's name. `today` is outlined.
pub fn months_html(
    from: NaiveDate,
    to: NaiveDate,
    periods: &[Period],
    final_kind: PeriodKind,
    holidays: &[Holiday],
    today: NaiveDate,
    locale: Locale,
) -> String {
    let mut out = String::with_capacity(32 * 1024);
    out.push_str("<div class=\"tt-months\" data-testid=\"tt-months\">");
    let Some(mut month) = from.with_day(1) else {
        return out;
    };
    while month <= to {
        out.push_str("<div class=\"tt-month\" data-testid=\"tt-month\"");
        attr(&mut out, "data-month", &month.format("%Y-%m").to_string());
        out.push_str("><p class=\"tt-month-title\">");
        escape(&month_title(locale, month), &mut out);
        out.push_str("</p><table class=\"tt-cal\"><thead><tr>");
        for wd in 1..=7 {
            out.push_str("<th scope=\"col\"");
            attr(&mut out, "abbr", weekday_long(locale, wd));
            out.push('>');
            escape(weekday_short(locale, wd), &mut out);
            out.push_str("</th>");
        }
        out.push_str("</tr></thead><tbody><tr>");
        let lead = month.weekday().num_days_from_monday();
        for _ in 0..lead {
            out.push_str("<td></td>");
        }
        let mut day = month;
        let mut col = lead;
        while day.month() == month.month() {
            if col == 7 {
                out.push_str("</tr><tr>");
                col = 0;
            }
            let (kind, name) = day_kind(day, periods, final_kind, holidays);
            let mut class = format!("tt-day tt-day-{}", kind.as_str());
            if day == today {
                class.push_str(" tt-today");
            }
            if day < from || day > to {
                class.push_str(" tt-outside");
            }
            out.push_str("<td");
            attr(&mut out, "class", &class);
            attr(&mut out, "data-date", &day.to_string());
            attr(&mut out, "data-kind", kind.as_str());
            let title = match name {
                Some(n) => format!("{} — {n}", format_day(day, locale)),
                None => format!(
                    "{} — {}",
                    format_day(day, locale),
                    day_kind_text(locale, kind)
                ),
            };
            attr(&mut out, "title", &title);
            out.push('>');
            out.push_str(&day.day().to_string());
            out.push_str("</td>");
            col += 1;
            day += Duration::days(1);
        }
        for _ in col..7 {
            out.push_str("<td></td>");
        }
        out.push_str("</tr></tbody></table></div>");
        month = day;
    }
    out.push_str("</div>");
    out
}

// ---- lessons and substitutions ----------------------------------------------------------------

/// `пн 30.11.2026` / `Mon 30 Nov 2026`.
pub fn day_text(locale: Locale, day: NaiveDate) -> String {
    format!(
        "{} {}",
        weekday_short(locale, day.weekday().number_from_monday() as i32),
        format_day(day, locale)
    )
}

/// `3-й урок, 10:30–11:15` / `Lesson 3, 10:30–11:15` (it starts a table cell).
pub fn lesson_slot_text(locale: Locale, l: &Lesson) -> String {
    let n = capitalize(&lesson_number_text(locale, l.lesson_number));
    match (&l.starts_at, &l.ends_at) {
        (Some(a), Some(b)) => format!("{n}, {a}–{b}"),
        _ => n,
    }
}

/// The text with its first letter in upper case.
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `5А · Математика · гр. 1`.
pub fn lesson_title(locale: Locale, l: &Lesson) -> String {
    let group = group_text(locale, l.group_number);
    [
        l.class_name.as_str(),
        l.subject_name.as_str(),
        group.as_str(),
    ]
    .into_iter()
    .filter(|p| !p.is_empty())
    .collect::<Vec<_>>()
    .join(" · ")
}

/// The course's teachers, shortened: `Иванова И. И., Петров П. П.`.
pub fn lesson_teachers(l: &Lesson) -> String {
    l.teacher_names
        .iter()
        .map(|n| short_name(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Lessons in the order of a day's list: date, number, class, subgroup.
pub fn sort_lessons(lessons: &mut [Lesson]) {
    lessons.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then(a.lesson_number.cmp(&b.lesson_number))
            .then_with(|| class_key(&a.class_name).cmp(&class_key(&b.class_name)))
            .then(a.group_number.cmp(&b.group_number))
    });
}

/// A lesson's state in words: `Отменён: карантин`, `Перенесён с пн 30.11.2026, 3-й урок`,
/// `Дополнительный`; empty for an ordinary lesson.
pub fn lesson_notes(locale: Locale, l: &Lesson) -> Vec<String> {
    let mut out = Vec::new();
    if l.status == LessonStatus::Cancelled {
        out.push(match &l.cancel_reason {
            Some(r) => td_string!(locale, tt_admin.cancelled_because, reason = r.as_str()),
            None => td_string!(locale, tt_admin.cancelled).to_string(),
        });
    }
    if let (Some(d), Some(n)) = (l.moved_from_date, l.moved_from_number) {
        let from = format!("{}, {}", day_text(locale, d), lesson_number_text(locale, n));
        out.push(td_string!(locale, tt_admin.moved_from, from = from));
    }
    if l.origin == otmetka_domain::timetable::LessonOrigin::Extra {
        out.push(td_string!(locale, tt_admin.extra).to_string());
    }
    out
}

/// Why a lesson needs review, in words: the server's known reason translated, any other shown as
/// it is.
pub fn review_reason_text(locale: Locale, reason: &str) -> String {
    match reason {
        "left_timetable" => td_string!(locale, tt_admin.reason_left).to_string(),
        other => other.to_string(),
    }
}

/// The cancel form → the request.
pub fn check_cancel(reason: &str) -> Result<CancelLessonInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let reason = required_text(&mut errors, Field::Reason, reason, REASON_MAX);
    match reason {
        Some(reason) if errors.is_empty() => Ok(CancelLessonInput { reason }),
        _ => Err(errors),
    }
}

/// The move form → the request (an empty room keeps the lesson's room).
pub fn check_move(date: &str, number: &str, room: &str) -> Result<MoveLessonInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let date = day_field(&mut errors, Field::Date, date);
    let number = number_field(&mut errors, Field::TtLessonNumber, number, LESSON_NUMBERS);
    let room = room_field(&mut errors, room);
    match (date, number) {
        (Some(date), Some(lesson_number)) if errors.is_empty() => Ok(MoveLessonInput {
            date,
            lesson_number,
            room,
        }),
        _ => Err(errors),
    }
}

/// The extra-lesson form → the request.
pub fn check_extra(
    course: Option<Uuid>,
    date: &str,
    number: &str,
    room: &str,
) -> Result<ExtraLessonInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    if course.is_none() {
        errors.push((Field::TtCourse, FieldProblem::NotChosen));
    }
    let date = day_field(&mut errors, Field::Date, date);
    let number = number_field(&mut errors, Field::TtLessonNumber, number, LESSON_NUMBERS);
    let room = room_field(&mut errors, room);
    match (course, date, number) {
        (Some(course_id), Some(date), Some(lesson_number)) if errors.is_empty() => {
            Ok(ExtraLessonInput {
                course_id,
                date,
                lesson_number,
                room,
            })
        }
        _ => Err(errors),
    }
}

/// The absence form → the request (one day when the end is left empty).
pub fn check_absence(
    teacher: Option<Uuid>,
    starts_on: &str,
    ends_on: &str,
    reason: &str,
) -> Result<TeacherAbsenceInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    if teacher.is_none() {
        errors.push((Field::TtTeacher, FieldProblem::NotChosen));
    }
    let starts = day_field(&mut errors, Field::StartsOn, starts_on);
    let ends = optional_day(&mut errors, Field::EndsOn, ends_on);
    range_order(&mut errors, starts, ends);
    let reason = reason_field(&mut errors, reason);
    match (teacher, starts) {
        (Some(teacher_id), Some(starts_on)) if errors.is_empty() => Ok(TeacherAbsenceInput {
            teacher_id,
            starts_on,
            ends_on: ends,
            reason,
        }),
        _ => Err(errors),
    }
}

/// The substitute picker's choices for a lesson, by name.
///
/// `free` is the answer of `GET …/lessons/{id}/free-teachers` (teachers not teaching the course,
/// not absent that day, not busy then); the lesson's current substitute stays a choice even when
/// the server no longer lists them, so the select shows who it is. Without that answer (it failed)
/// the choices fall back to the staff (`staff`, as from [`teacher_options`]) except the course's
/// own teachers, and a busy one is refused by the server with `409 timetable_conflict`.
pub fn substitute_choices(
    lesson: &Lesson,
    free: Option<&[FreeTeacher]>,
    staff: &[(Uuid, String)],
) -> Vec<(Uuid, String)> {
    let mut out: Vec<(Uuid, String)> = match free {
        Some(free) => free
            .iter()
            .filter(|t| !lesson.teacher_ids.contains(&t.id))
            .map(|t| (t.id, t.name.clone()))
            .collect(),
        None => staff
            .iter()
            .filter(|(id, _)| !lesson.teacher_ids.contains(id))
            .cloned()
            .collect(),
    };
    if let Some(current) = lesson.substitute_id
        && !out.iter().any(|(id, _)| *id == current)
    {
        let name = lesson
            .substitute_name
            .clone()
            .or_else(|| {
                staff
                    .iter()
                    .find(|(id, _)| *id == current)
                    .map(|(_, n)| n.clone())
            })
            .unwrap_or_else(|| current.to_string());
        out.push((current, name));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// `3 из 5 уроков` with the plural form of the total.
pub fn coverage_text(locale: Locale, covered: u32, total: u32) -> String {
    td_string!(
        locale,
        tt_admin.covered,
        covered = covered,
        count = u64::from(total)
    )
}

/// `5 уроков`.
pub fn lessons_count_text(locale: Locale, count: u64) -> String {
    td_string!(locale, tt_admin.lessons_count, count = count)
}

/// `2 расписания звонков`.
pub fn schedules_count_text(locale: Locale, count: u64) -> String {
    td_string!(locale, tt_admin.schedules_count, count = count)
}

/// `7 уроков · 08:30–15:05`.
pub fn schedule_summary(locale: Locale, s: &BellSchedule) -> String {
    let n = lessons_count_text(locale, s.slots.len() as u64);
    let span = slots_span(&s.slots);
    if span.is_empty() {
        n
    } else {
        format!("{n} · {span}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use otmetka_domain::timetable::LessonOrigin;

    fn day(s: &str) -> NaiveDate {
        parse_day(s).unwrap()
    }

    fn draft(n: &str, a: &str, b: &str) -> SlotDraft {
        SlotDraft {
            number: n.into(),
            starts_at: a.into(),
            ends_at: b.into(),
        }
    }

    fn slot(n: i32, a: &str, b: &str) -> LessonSlot {
        LessonSlot {
            number: n,
            starts_at: a.into(),
            ends_at: b.into(),
        }
    }

    fn entry(wd: i32, n: i32, subject: &str, group: Option<i32>) -> TimetableEntry {
        TimetableEntry {
            id: Uuid::now_v7(),
            course_id: Uuid::from_u128(7),
            class_id: Uuid::from_u128(1),
            class_name: "5А".into(),
            group_id: None,
            group_number: group,
            subject_id: Uuid::from_u128(2),
            subject_name: subject.into(),
            teacher_ids: vec![Uuid::from_u128(3)],
            teacher_names: vec!["Иванова Мария Петровна".into()],
            weekday: wd,
            lesson_number: n,
            starts_at: Some("08:30".into()),
            ends_at: Some("09:15".into()),
            room: Some("12".into()),
            valid_from: day("2026-09-01"),
            valid_to: day("2027-05-31"),
        }
    }

    fn lesson() -> Lesson {
        Lesson {
            id: Uuid::now_v7(),
            course_id: Uuid::from_u128(7),
            class_id: Uuid::from_u128(1),
            class_name: "5А".into(),
            group_id: None,
            group_number: Some(2),
            subject_id: Uuid::from_u128(2),
            subject_name: "Английский язык".into(),
            date: day("2026-11-30"),
            lesson_number: 3,
            starts_at: Some("10:30".into()),
            ends_at: Some("11:15".into()),
            room: None,
            status: LessonStatus::Scheduled,
            cancel_reason: None,
            origin: LessonOrigin::Timetable,
            moved_from_date: None,
            moved_from_number: None,
            teacher_ids: vec![],
            teacher_names: vec!["Абдуллаева Севара Шухратовна".into()],
            substitute_id: None,
            substitute_name: None,
            needs_review: false,
            review_reason: None,
            topic: None,
            homework: None,
            homework_due_on: None,
            has_data: false,
            version: 1,
        }
    }

    #[test]
    fn substitute_choices_are_the_free_teachers_and_the_current_substitute() {
        let own = Uuid::from_u128(3);
        let (a, b, c) = (
            Uuid::from_u128(10),
            Uuid::from_u128(11),
            Uuid::from_u128(12),
        );
        let mut x = lesson();
        x.teacher_ids = vec![own];
        let staff = vec![
            (own, "Абдуллаева Севара Шухратовна".to_string()),
            (a, "Алиева Патимат Андреевна".to_string()),
            (b, "Борисов Олег Ильич".to_string()),
            (c, "Васильева Анна Петровна".to_string()),
        ];
        let free = |id: Uuid, name: &str| FreeTeacher {
            id,
            name: name.to_string(),
        };
        // The server's list, by name; the course's own teacher never, even if listed.
        let answer = vec![
            free(b, "Борисов Олег Ильич"),
            free(a, "Алиева Патимат Андреевна"),
            free(own, "Абдуллаева Севара Шухратовна"),
        ];
        assert_eq!(
            substitute_choices(&x, Some(&answer), &staff),
            vec![staff[1].clone(), staff[2].clone()]
        );
        // Nobody free: no choices.
        assert!(substitute_choices(&x, Some(&[]), &staff).is_empty());
        // The current substitute is kept (the server leaves out whoever is busy, absent…).
        x.substitute_id = Some(c);
        x.substitute_name = Some("Васильева Анна Петровна".into());
        assert_eq!(
            substitute_choices(&x, Some(&answer[..1]), &staff),
            vec![staff[2].clone(), staff[3].clone()]
        );
        // Listed by the server too: once.
        let with_c = vec![free(c, "Васильева Анна Петровна")];
        assert_eq!(
            substitute_choices(&x, Some(&with_c), &staff),
            vec![staff[3].clone()]
        );
        // No answer from the server: every staff member except the course's teachers.
        x.substitute_id = None;
        x.substitute_name = None;
        assert_eq!(substitute_choices(&x, None, &staff), staff[1..].to_vec());
    }

    fn period(kind: PeriodKind, a: &str, b: &str) -> Period {
        Period {
            id: Uuid::now_v7(),
            academic_year_id: Uuid::nil(),
            kind,
            number: 1,
            starts_on: day(a),
            ends_on: day(b),
        }
    }

    fn holiday(kind: HolidayKind, name: &str, a: &str, b: &str) -> Holiday {
        Holiday {
            id: Uuid::now_v7(),
            name: name.into(),
            kind,
            starts_on: day(a),
            ends_on: day(b),
        }
    }

    #[test]
    fn bell_form_accepts_loose_times_and_sorts_slots() {
        let req = check_bell_form(
            "  1   смена ",
            true,
            &[draft("2", "9:25", "10:10"), draft(" 1 ", "8:30", "09:15")],
            vec![],
        )
        .unwrap();
        assert_eq!(req.name, "1 смена");
        assert!(req.is_default);
        assert_eq!(
            req.slots,
            [slot(1, "08:30", "09:15"), slot(2, "09:25", "10:10")]
        );
    }

    #[test]
    fn bell_form_names_the_bad_slot_row_with_the_domain_rules() {
        let bad = |slots: &[SlotDraft]| check_bell_form("Основное", false, slots, vec![]);
        assert_eq!(
            bad(&[draft("1", "08:30", "09:15"), draft("2", "09:10", "10:00")])
                .unwrap_err()
                .slot,
            Some((1, SlotProblem::Overlap))
        );
        assert_eq!(
            bad(&[draft("1", "08:30", "08:30")]).unwrap_err().slot,
            Some((0, SlotProblem::EndBeforeStart))
        );
        assert_eq!(
            bad(&[draft("1", "08:30", "09:00"), draft("1", "10:00", "10:45")])
                .unwrap_err()
                .slot,
            Some((1, SlotProblem::DuplicateNumber))
        );
        assert_eq!(
            bad(&[draft("13", "08:30", "09:00")]).unwrap_err().slot,
            Some((0, SlotProblem::Number))
        );
        assert_eq!(
            bad(&[draft("x", "08:30", "09:00")]).unwrap_err().slot,
            Some((0, SlotProblem::Number))
        );
        assert_eq!(
            bad(&[draft("1", "8.30", "09:00")]).unwrap_err().slot,
            Some((0, SlotProblem::TimeFormat))
        );
        let err = check_bell_form(" ", false, &[], vec![]).unwrap_err();
        assert_eq!(
            err.fields,
            vec![
                (Field::TtName, FieldProblem::Required),
                (Field::TtSlots, FieldProblem::Required)
            ]
        );
        let many: Vec<SlotDraft> = (0..17).map(|_| draft("1", "08:00", "08:10")).collect();
        assert!(
            bad(&many)
                .unwrap_err()
                .fields
                .contains(&(Field::TtSlots, FieldProblem::NumberRange(1, 16)))
        );
        for p in [
            SlotProblem::Number,
            SlotProblem::TimeFormat,
            SlotProblem::EndBeforeStart,
            SlotProblem::DuplicateNumber,
            SlotProblem::Overlap,
        ] {
            assert!(!slot_problem_text(Locale::ru, p).is_empty());
            assert!(!slot_problem_text(Locale::en, p).is_empty());
        }
    }

    #[test]
    fn default_bells_are_valid_and_a_new_row_follows_the_last() {
        let slots = default_slots();
        assert!(check_bell_form("1 смена", true, &slots, vec![]).is_ok());
        assert_eq!(next_slot(&slots), draft("8", "15:15", "16:00"));
        assert_eq!(next_slot(&[]), draft("1", "", ""));
        assert_eq!(next_slot(&[draft("3", "08:00", "??")]), draft("4", "", ""));
        assert_eq!(
            slots_span(&[slot(2, "09:25", "10:10"), slot(1, "08:30", "09:15")]),
            "08:30–10:10"
        );
        assert_eq!(slots_span(&[]), "");
    }

    #[test]
    fn a_class_follows_its_own_schedule_or_the_default() {
        let class = Uuid::from_u128(5);
        let default = BellSchedule {
            id: Uuid::from_u128(10),
            name: "1 смена".into(),
            is_default: true,
            slots: vec![],
            class_ids: vec![],
        };
        let second = BellSchedule {
            id: Uuid::from_u128(11),
            name: "2 смена".into(),
            is_default: false,
            slots: vec![],
            class_ids: vec![class],
        };
        let all = [default.clone(), second.clone()];
        assert_eq!(
            schedule_for_class(&all, class).map(|s| s.id),
            Some(second.id)
        );
        assert_eq!(
            schedule_for_class(&all, Uuid::from_u128(6)).map(|s| s.id),
            Some(default.id)
        );
        assert_eq!(schedule_for_class(&[], class), None);
    }

    #[test]
    fn grid_has_weekday_columns_and_a_row_per_slot_and_entry() {
        let entries = vec![
            entry(1, 1, "Математика", None),
            entry(3, 2, "Английский язык", Some(2)),
            entry(3, 2, "Английский язык", Some(1)),
            entry(2, 9, "Физкультура", None),
        ];
        let slots = [slot(1, "08:30", "09:15"), slot(2, "09:25", "10:10")];
        let grid = build_grid(&entries, &slots);
        assert_eq!(grid.weekdays, [1, 2, 3, 4, 5, 6]);
        let numbers: Vec<i32> = grid.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 2, 9], "slot numbers and entries' numbers");
        assert_eq!(
            grid.rows[1].time,
            Some(("09:25".into(), "10:10".into())),
            "times from the bell schedule"
        );
        assert_eq!(
            grid.rows[2].time,
            Some(("08:30".into(), "09:15".into())),
            "else from the entry"
        );
        assert_eq!(grid.rows[0].cells[0], [0]);
        assert_eq!(
            grid.rows[1].cells[2],
            [2, 1],
            "two subgroups in one cell, by group number"
        );
        assert!(grid.rows[1].cells[0].is_empty());

        let empty = build_grid(&[], &[]);
        assert_eq!(empty.rows.len(), 7, "lessons 1–7 to fill in");
        let sunday = build_grid(&[entry(7, 1, "Хор", None)], &[]);
        assert_eq!(sunday.weekdays.last(), Some(&7));
    }

    #[test]
    fn cell_indexes_round_trip() {
        assert_eq!(cell_of_index(cell_index(3, 0)), (3, 0));
        assert_eq!(cell_of_index(cell_index(6, 12)), (6, 12));
    }

    #[test]
    fn grid_html_is_escaped_and_has_the_hooks() {
        let mut e = entry(1, 1, "<Алгебра & геометрия>", Some(1));
        e.room = Some("\"12\"".into());
        let entries = vec![e];
        let grid = build_grid(&entries, &[slot(1, "08:30", "09:15")]);
        let html = grid_html(&grid, &entries, GridMode::Class, true, Locale::ru);
        assert!(html.contains("&lt;Алгебра &amp; геометрия&gt;"), "{html}");
        assert!(!html.contains("<Алгебра"));
        assert!(html.contains("каб. &quot;12&quot;"), "{html}");
        assert!(html.contains("Иванова М. П."), "{html}");
        assert!(html.contains("гр. 1"), "{html}");
        assert!(
            html.contains("data-action=\"edit\" data-index=\"0\""),
            "{html}"
        );
        assert!(
            html.contains("data-action=\"add\" data-index=\"101\""),
            "{html}"
        );
        assert!(html.contains("data-label=\"Понедельник\""), "{html}");
        assert!(html.contains("08:30–09:15"), "{html}");
        assert!(html.contains("aria-label=\"Добавить урок: пн, 1-й урок\""));
        let read = grid_html(&grid, &entries, GridMode::Teacher, false, Locale::en);
        assert!(!read.contains("data-action"), "read-only: no buttons");
        assert!(
            read.contains(">5А<"),
            "a teacher's grid names the class: {read}"
        );
        assert!(read.contains("room &quot;12&quot;"), "{read}");
        assert!(read.contains(">Mon<"));
    }

    #[test]
    fn entry_form_checks_and_makes_the_check_request() {
        let course = Uuid::from_u128(7);
        let input = check_entry_form(Some(course), "3", " 2 ", "  каб 12 ", "").unwrap();
        assert_eq!((input.weekday, input.lesson_number), (3, 2));
        assert_eq!(input.room.as_deref(), Some("каб 12"));
        assert_eq!(input.valid_from, None);
        let entry_id = Uuid::from_u128(99);
        let check = check_request(&input, Some(entry_id));
        assert_eq!(check.entry_id, Some(entry_id));
        assert_eq!(check.course_id, course);
        assert_eq!(check.room.as_deref(), Some("каб 12"));
        assert_eq!(
            check_entry_form(Some(course), "1", "1", "", "2026-12-01")
                .unwrap()
                .valid_from,
            Some(day("2026-12-01"))
        );
        assert_eq!(
            check_entry_form(None, "8", "13", &"к".repeat(51), "32.13.2026").unwrap_err(),
            vec![
                (Field::TtCourse, FieldProblem::NotChosen),
                (Field::TtWeekday, FieldProblem::NumberRange(1, 7)),
                (Field::TtLessonNumber, FieldProblem::NumberRange(0, 12)),
                (Field::TtRoom, FieldProblem::TooLong(50)),
                (Field::TtValidFrom, FieldProblem::DateFormat),
            ]
        );
    }

    fn conflict(kind: ConflictKind, shared: &str) -> TimetableConflict {
        TimetableConflict {
            kind,
            entry_id: Some(Uuid::from_u128(1)),
            lesson_id: None,
            line: None,
            course_id: Uuid::from_u128(2),
            class_name: "6Б".into(),
            subject_name: "Математика".into(),
            weekday: 2,
            lesson_number: 3,
            shared: shared.into(),
        }
    }

    #[test]
    fn conflicts_are_read_from_a_409_and_told_in_words() {
        let list = vec![
            conflict(ConflictKind::Teacher, "Иванова М. П."),
            conflict(ConflictKind::Room, "12"),
        ];
        let mut err = ApiError::from_code(ErrorCode::TimetableConflict, 409);
        if let ApiError::Problem { problem, .. } = &mut err {
            problem.conflicts = Some(serde_json::to_value(&list).unwrap());
        }
        assert_eq!(problem_conflicts(&err), Some(list));
        assert_eq!(
            problem_conflicts(&ApiError::from_code(ErrorCode::Conflict, 409)),
            None
        );
        assert_eq!(problem_conflicts(&ApiError::Network), None);

        assert_eq!(
            conflict_text(
                Locale::ru,
                &conflict(ConflictKind::Teacher, "Иванова М. П.")
            ),
            "Иванова М. П. в это время ведёт урок: 6Б, Математика (вт, 3-й урок)."
        );
        assert_eq!(
            conflict_text(Locale::ru, &conflict(ConflictKind::Room, "12")),
            "12 в это время занят: 6Б, Математика (вт, 3-й урок)."
        );
        assert_eq!(
            conflict_text(Locale::ru, &conflict(ConflictKind::Class, "6Б")),
            "У 6Б в это время уже есть урок: Математика (вт, 3-й урок)."
        );
        assert_eq!(
            conflict_text(Locale::en, &conflict(ConflictKind::Group, "6Б, гр. 1")),
            "6Б, гр. 1 already has a lesson then: 6Б, Математика (Tue, lesson 3)."
        );
        for k in [
            ConflictKind::Teacher,
            ConflictKind::Class,
            ConflictKind::Group,
            ConflictKind::Room,
        ] {
            assert!(!conflict_kind_text(Locale::en, k).is_empty());
        }
    }

    #[test]
    fn names_are_shortened_to_initials() {
        assert_eq!(
            short_name("Абдуллаева Севара Шухратовна"),
            "Абдуллаева С. Ш."
        );
        assert_eq!(short_name("Иванов Иван"), "Иванов И.");
        assert_eq!(short_name("Платон"), "Платон");
        assert_eq!(short_name("  "), "");
    }

    #[test]
    fn courses_are_labelled_for_the_grid_mode_and_sorted_by_class() {
        let c = |class: &str, subject: &str, group: Option<i32>| Course {
            id: Uuid::now_v7(),
            academic_year_id: Uuid::nil(),
            class_id: Uuid::nil(),
            class_name: class.into(),
            group_id: None,
            group_number: group,
            subject_id: Uuid::nil(),
            subject_name: subject.into(),
            teacher_ids: vec![],
            teacher_names: vec!["Иванова Мария Петровна".into()],
            hours_per_week: 2,
        };
        assert_eq!(
            course_label(Locale::ru, &c("5А", "Математика", Some(1)), GridMode::Class),
            "Математика · гр. 1 · Иванова М. П."
        );
        assert_eq!(
            course_label(Locale::ru, &c("5А", "Математика", None), GridMode::Teacher),
            "5А · Математика"
        );
        let mut list = vec![
            c("10Б", "Химия", None),
            c("9А", "Химия", None),
            c("9А", "Алгебра", None),
        ];
        sort_courses(&mut list);
        let names: Vec<String> = list
            .iter()
            .map(|c| format!("{} {}", c.class_name, c.subject_name))
            .collect();
        assert_eq!(names, ["9А Алгебра", "9А Химия", "10Б Химия"]);
    }

    #[test]
    fn holiday_form_allows_one_day_and_refuses_long_or_reversed_ranges() {
        let one = check_holiday_form(
            "День народного единства",
            Some(HolidayKind::Holiday),
            "2026-11-04",
            "",
        )
        .unwrap();
        assert_eq!(one.ends_on, None);
        assert_eq!(
            check_holiday_form(
                "Каникулы",
                Some(HolidayKind::Vacation),
                "02.11.2026",
                "01.11.2026"
            )
            .unwrap_err(),
            vec![(Field::EndsOn, FieldProblem::DateOrder)]
        );
        assert_eq!(
            check_holiday_form("x", Some(HolidayKind::Vacation), "2026-01-01", "2027-01-03")
                .unwrap_err(),
            vec![(Field::EndsOn, FieldProblem::NumberRange(0, 366))]
        );
        assert_eq!(
            check_holiday_form("", None, "", "").unwrap_err(),
            vec![
                (Field::TtName, FieldProblem::Required),
                (Field::TtHolidayKind, FieldProblem::NotChosen),
                (Field::StartsOn, FieldProblem::Required),
            ]
        );
        assert_eq!(days_in(day("2026-12-29"), day("2027-01-11")), 14);
    }

    #[test]
    fn calendar_days_follow_periods_holidays_and_sundays() {
        let periods = [
            period(PeriodKind::Quarter, "2026-09-01", "2026-10-24"),
            period(PeriodKind::Quarter, "2026-11-05", "2026-12-28"),
            period(PeriodKind::HalfYear, "2026-09-01", "2026-12-28"),
        ];
        let holidays = [
            holiday(
                HolidayKind::Holiday,
                "День народного единства",
                "2026-11-04",
                "2026-11-04",
            ),
            holiday(
                HolidayKind::Vacation,
                "Осенние каникулы",
                "2026-10-26",
                "2026-11-04",
            ),
            holiday(HolidayKind::Holiday, "Выходной", "2026-11-16", "2026-11-16"),
        ];
        let kind = |d: &str| day_kind(day(d), &periods, PeriodKind::Quarter, &holidays);
        assert_eq!(kind("2026-09-01"), (DayKind::School, None));
        assert_eq!(kind("2026-09-06"), (DayKind::Sunday, None));
        assert_eq!(
            kind("2026-10-25"),
            (DayKind::OffPeriod, None),
            "between quarters, without an entry"
        );
        assert_eq!(
            kind("2026-11-04"),
            (DayKind::Holiday, Some("День народного единства")),
            "a holiday wins over the vacation around it"
        );
        assert_eq!(
            kind("2026-10-27"),
            (DayKind::Vacation, Some("Осенние каникулы"))
        );
        assert_eq!(kind("2026-11-16").0, DayKind::Holiday);
        assert_eq!(
            day_kind(day("2026-10-25"), &periods, PeriodKind::HalfYear, &holidays).0,
            DayKind::Sunday,
            "only periods of the final-mark kind count"
        );
        // 2–7 Nov: Mon 2 … Sat 7; 2–4 vacation/holiday; 5, 6, 7 school days.
        assert_eq!(
            school_days(
                day("2026-11-02"),
                day("2026-11-08"),
                &periods,
                PeriodKind::Quarter,
                &holidays
            ),
            3
        );
    }

    #[test]
    fn month_calendars_start_on_monday_and_mark_days() {
        let periods = [period(PeriodKind::Quarter, "2026-09-01", "2026-10-24")];
        let holidays = [holiday(
            HolidayKind::Holiday,
            "<Праздник>",
            "2026-09-07",
            "2026-09-07",
        )];
        let html = months_html(
            day("2026-09-01"),
            day("2026-10-31"),
            &periods,
            PeriodKind::Quarter,
            &holidays,
            day("2026-09-02"),
            Locale::ru,
        );
        assert_eq!(html.matches("data-testid=\"tt-month\"").count(), 2);
        assert!(html.contains("Сентябрь 2026"));
        // 1 Sep 2026 is a Tuesday: one empty cell before it.
        assert!(
            html.contains(
                "<tbody><tr><td></td><td class=\"tt-day tt-day-school\" data-date=\"2026-09-01\""
            ),
            "{html}"
        );
        assert!(html.contains("tt-day tt-day-school tt-today"), "{html}");
        assert!(
            html.contains("title=\"07.09.2026 — &lt;Праздник&gt;\""),
            "{html}"
        );
        assert!(
            html.contains("data-date=\"2026-10-31\" data-kind=\"off\""),
            "{html}"
        );
        assert_eq!(month_title(Locale::en, day("2026-10-05")), "October 2026");
    }

    #[test]
    fn lessons_are_described_and_sorted() {
        let mut l = lesson();
        assert_eq!(lesson_title(Locale::ru, &l), "5А · Английский язык · гр. 2");
        assert_eq!(lesson_slot_text(Locale::ru, &l), "3-й урок, 10:30–11:15");
        assert_eq!(lesson_teachers(&l), "Абдуллаева С. Ш.");
        assert_eq!(day_text(Locale::ru, l.date), "пн 30.11.2026");
        assert!(lesson_notes(Locale::ru, &l).is_empty());
        l.status = LessonStatus::Cancelled;
        l.cancel_reason = Some("карантин".into());
        l.moved_from_date = Some(day("2026-11-27"));
        l.moved_from_number = Some(5);
        l.origin = LessonOrigin::Extra;
        assert_eq!(
            lesson_notes(Locale::ru, &l),
            [
                "Отменён: карантин",
                "Перенесён с пт 27.11.2026, 5-й урок",
                "Дополнительный урок"
            ]
        );
        let mut a = lesson();
        a.class_name = "10А".into();
        let mut b = lesson();
        b.class_name = "9Б".into();
        let mut c = lesson();
        c.lesson_number = 1;
        let mut list = vec![a, b, c];
        sort_lessons(&mut list);
        let order: Vec<(i32, &str)> = list
            .iter()
            .map(|l| (l.lesson_number, l.class_name.as_str()))
            .collect();
        assert_eq!(order, [(1, "5А"), (3, "9Б"), (3, "10А")]);
    }

    #[test]
    fn review_reasons_are_translated_when_known() {
        assert_eq!(
            review_reason_text(Locale::ru, "left_timetable"),
            "урока больше нет в расписании"
        );
        assert_eq!(
            review_reason_text(Locale::ru, "moved by hand"),
            "moved by hand"
        );
    }

    #[test]
    fn lesson_action_forms_make_their_requests() {
        assert_eq!(check_cancel("  карантин ").unwrap().reason, "карантин");
        assert_eq!(
            check_cancel(" ").unwrap_err(),
            vec![(Field::Reason, FieldProblem::Required)]
        );
        let m = check_move("2026-12-01", "4", "").unwrap();
        assert_eq!(
            (m.date, m.lesson_number, m.room),
            (day("2026-12-01"), 4, None)
        );
        assert_eq!(
            check_move("", "x", "").unwrap_err(),
            vec![
                (Field::Date, FieldProblem::Required),
                (Field::TtLessonNumber, FieldProblem::NumberRange(0, 12))
            ]
        );
        let course = Uuid::from_u128(3);
        let x = check_extra(Some(course), "01.12.2026", "0", "спортзал").unwrap();
        assert_eq!(x.lesson_number, 0, "a zero lesson is allowed");
        assert_eq!(x.room.as_deref(), Some("спортзал"));
        assert!(check_extra(None, "2026-12-01", "1", "").is_err());
        let teacher = Uuid::from_u128(4);
        let a = check_absence(Some(teacher), "2026-11-30", "2026-12-04", " больничный ").unwrap();
        assert_eq!(a.ends_on, Some(day("2026-12-04")));
        assert_eq!(a.reason.as_deref(), Some("больничный"));
        let a = check_absence(Some(teacher), "2026-11-30", "", "").unwrap();
        assert_eq!((a.ends_on, a.reason), (None, None));
        assert_eq!(
            check_absence(None, "2026-11-30", "2026-11-29", "").unwrap_err(),
            vec![
                (Field::TtTeacher, FieldProblem::NotChosen),
                (Field::EndsOn, FieldProblem::DateOrder)
            ]
        );
    }

    #[test]
    fn counts_use_russian_plural_forms() {
        let forms: Vec<String> = [1, 2, 5, 11, 21, 22]
            .into_iter()
            .map(|n| lessons_count_text(Locale::ru, n))
            .collect();
        assert_eq!(
            forms,
            [
                "1 урок",
                "2 урока",
                "5 уроков",
                "11 уроков",
                "21 урок",
                "22 урока"
            ]
        );
        assert_eq!(coverage_text(Locale::ru, 3, 5), "заменено 3 из 5 уроков");
        assert_eq!(coverage_text(Locale::ru, 0, 1), "заменено 0 из 1 урока");
        assert_eq!(coverage_text(Locale::ru, 2, 2), "заменено 2 из 2 уроков");
        assert_eq!(coverage_text(Locale::en, 1, 1), "1 of 1 lesson covered");
        assert_eq!(schedules_count_text(Locale::ru, 2), "2 расписания звонков");
        assert_eq!(schedules_count_text(Locale::ru, 5), "5 расписаний звонков");
        assert_eq!(lessons_count_text(Locale::en, 1), "1 lesson");
        assert_eq!(lesson_number_text(Locale::en, 3), "lesson 3");
        assert_eq!(
            lesson_slot_text(Locale::en, &lesson()),
            "Lesson 3, 10:30–11:15"
        );
    }
}
