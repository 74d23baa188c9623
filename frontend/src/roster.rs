//! Plain logic of the structure and roster pages (settings, years and periods, classes, persons):
//! dates as typed, form checks into the domain's request DTOs, ordering and filtering of lists,
//! and how a server problem is shown. Everything here has host unit tests.

use chrono::NaiveDate;
use otmetka_domain::person::{Person, PersonInput, PersonKind, Sex, StaffPosition};
use otmetka_domain::roster::{
    ArriveRequest, Enrollment, EnrollmentCorrection, GuardianLinkInput, TransferRequest,
    WithdrawRequest,
};
use otmetka_domain::structure::{
    AcademicYear, AcademicYearInput, Class, PeriodInput, PeriodKind, SchoolSettings,
};
use uuid::Uuid;

use crate::api::ApiError;
use crate::forms::{
    Field, FieldErrors, FieldProblem, PERSON_NAME_MAX, SCHOOL_NAME_MAX, clean_text,
    looks_like_email, required_text,
};
use crate::i18n::Locale;

/// Longest academic-year name (`AcademicYearInput::name`).
pub const YEAR_NAME_MAX: u32 = 32;
/// Longest withdrawal reason (`WithdrawRequest::reason`).
pub const REASON_MAX: u32 = 300;
/// Longest guardian relation (`GuardianLinkInput::relation`).
pub const RELATION_MAX: u32 = 32;
/// Longest external id and phone (`PersonInput`).
pub const EXTERNAL_ID_MAX: u32 = 64;
pub const PHONE_MAX: u32 = 32;
/// Rows per page of the people list.
pub const PERSONS_PER_PAGE: u64 = 50;
/// How many persons a search in a dialog offers.
pub const PICK_LIMIT: u64 = 8;

/// A day as an `<input type="date">` gives it (`2026-11-09`), or as typed in Russian
/// (`09.11.2026`).
pub fn parse_day(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%d.%m.%Y"))
        .ok()
}

/// A day for display: `09.11.2026` / `9 Nov 2026`.
pub fn format_day(day: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::ru => day.format("%d.%m.%Y").to_string(),
        Locale::en => day.format("%-d %b %Y").to_string(),
    }
}

/// `01.09.2026 – 31.05.2027`, or `с 01.09.2026` for an open range.
pub fn format_range(from: NaiveDate, to: Option<NaiveDate>, locale: Locale) -> String {
    match to {
        Some(to) => format!("{} – {}", format_day(from, locale), format_day(to, locale)),
        None => format!("{} – …", format_day(from, locale)),
    }
}

/// A required day of a form.
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

/// A required choice (an id from a select or a search).
fn chosen(errors: &mut FieldErrors, field: Field, value: Option<Uuid>) -> Option<Uuid> {
    if value.is_none() {
        errors.push((field, FieldProblem::NotChosen));
    }
    value
}

/// An optional one-line text of at most `max` characters, cleaned; `None` when empty.
fn optional_text(errors: &mut FieldErrors, field: Field, value: &str, max: u32) -> Option<String> {
    let value = clean_text(value);
    if value.chars().count() > max as usize {
        errors.push((field, FieldProblem::TooLong(max)));
        return None;
    }
    (!value.is_empty()).then_some(value)
}

/// An optional day; an unreadable one is a problem.
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

/// The settings form → the request.
pub fn check_settings(
    name: &str,
    time_zone: &str,
    kind: Option<PeriodKind>,
    edit_window: &str,
    finals: &FinalsSettingsForm,
) -> Result<SchoolSettings, FieldErrors> {
    let mut errors = FieldErrors::new();
    let edit_window_days = crate::mark_forms::check_edit_window(edit_window)
        .map_err(|p| errors.push((Field::EditWindowDays, p)))
        .unwrap_or(None);
    let rounding_threshold = parse_threshold(&finals.threshold)
        .map_err(|p| errors.push((Field::RoundingThreshold, p)))
        .ok();
    let open_days = crate::forms::check_days(&finals.open_days, &FINAL_MARKS_DAYS)
        .map_err(|p| errors.push((Field::FinalMarksOpenDays, p)))
        .ok();
    let close_days = crate::forms::check_days(&finals.close_days, &FINAL_MARKS_DAYS)
        .map_err(|p| errors.push((Field::FinalMarksCloseDays, p)))
        .ok();
    let min_marks = crate::forms::check_days(&finals.min_marks, &CONTROL_MIN_MARKS)
        .map_err(|p| errors.push((Field::ControlMinMarks, p)))
        .ok();
    let late_days = crate::forms::check_days(&finals.late_days, &CONTROL_LATE_DAYS)
        .map_err(|p| errors.push((Field::ControlLateDays, p)))
        .ok();
    let name = required_text(&mut errors, Field::SchoolName, name, SCHOOL_NAME_MAX);
    if time_zone.trim().is_empty() {
        errors.push((Field::TimeZone, FieldProblem::Required));
    }
    // Year marks are always given; the setting is the kind besides the year.
    let kind = kind.filter(|k| *k != PeriodKind::Year);
    if kind.is_none() {
        errors.push((Field::PeriodKind, FieldProblem::NotChosen));
    }
    match (
        name,
        kind,
        rounding_threshold,
        (open_days, close_days),
        (min_marks, late_days),
    ) {
        (
            Some(name),
            Some(final_period_kind),
            Some(rounding_threshold),
            (Some(open), Some(close)),
            (Some(min_marks), Some(late_days)),
        ) if errors.is_empty() => Ok(SchoolSettings {
            name,
            time_zone: time_zone.trim().to_string(),
            final_period_kind,
            edit_window_days,
            rounding_threshold,
            final_marks_open_days: open as i32,
            final_marks_close_days: close as i32,
            control_min_marks: min_marks as i32,
            control_late_days: late_days as i32,
        }),
        _ => Err(errors),
    }
}

/// The final-mark and journal-control inputs of the settings form, as typed.
#[derive(Debug, Clone)]
pub struct FinalsSettingsForm {
    /// The rounding threshold (`0,5`).
    pub threshold: String,
    /// K, days before a period's end.
    pub open_days: String,
    /// N, days after it.
    pub close_days: String,
    /// M of the journal-keeping control: the fewest marks a student should have in the period.
    pub min_marks: String,
    /// D of the control: a mark set more than this many days after its lesson is late.
    pub late_days: String,
}

impl Default for FinalsSettingsForm {
    fn default() -> FinalsSettingsForm {
        FinalsSettingsForm {
            threshold: String::new(),
            open_days: String::new(),
            close_days: String::new(),
            min_marks: otmetka_domain::structure::default_control_min_marks().to_string(),
            late_days: otmetka_domain::structure::default_control_late_days().to_string(),
        }
    }
}

impl FinalsSettingsForm {
    /// The inputs showing stored settings.
    pub fn from_settings(s: &SchoolSettings) -> FinalsSettingsForm {
        FinalsSettingsForm {
            threshold: threshold_text(s.rounding_threshold),
            open_days: s.final_marks_open_days.to_string(),
            close_days: s.final_marks_close_days.to_string(),
            min_marks: s.control_min_marks.to_string(),
            late_days: s.control_late_days.to_string(),
        }
    }
}

/// The days K and N of the final-marks window may be (`SchoolSettings`).
pub const FINAL_MARKS_DAYS: std::ops::RangeInclusive<u32> = 0..=60;

/// M of the journal-keeping control (`SchoolSettings::control_min_marks`).
pub const CONTROL_MIN_MARKS: std::ops::RangeInclusive<u32> = 1..=20;

/// D of the journal-keeping control (`SchoolSettings::control_late_days`).
pub const CONTROL_LATE_DAYS: std::ops::RangeInclusive<u32> = 1..=60;

/// A rounding threshold as typed: 0.01–1, with a comma or a dot (`0,6`).
pub fn parse_threshold(text: &str) -> Result<f64, FieldProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldProblem::Required);
    }
    match text.replace(',', ".").parse::<f64>() {
        Ok(t) if t.is_finite() && (0.01 - 1e-9..=1.0 + 1e-9).contains(&t) => Ok(t.clamp(0.01, 1.0)),
        _ => Err(FieldProblem::ThresholdRange),
    }
}

/// A threshold for its input: `0.5`, `0.65`, `1`.
pub fn threshold_text(t: f64) -> String {
    let s = format!("{t:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The kinds the settings offer for final marks (all but the year).
pub const FINAL_KINDS: [PeriodKind; 3] = [
    PeriodKind::Quarter,
    PeriodKind::Trimester,
    PeriodKind::HalfYear,
];

/// The academic-year form → the request.
pub fn check_year(
    name: &str,
    starts_on: &str,
    ends_on: &str,
    is_current: bool,
) -> Result<AcademicYearInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = required_text(&mut errors, Field::YearName, name, YEAR_NAME_MAX);
    let starts = day_field(&mut errors, Field::StartsOn, starts_on);
    let ends = day_field(&mut errors, Field::EndsOn, ends_on);
    if let (Some(s), Some(e)) = (starts, ends)
        && e <= s
    {
        errors.push((Field::EndsOn, FieldProblem::DateOrder));
    }
    match (name, starts, ends) {
        (Some(name), Some(starts_on), Some(ends_on)) if errors.is_empty() => {
            Ok(AcademicYearInput {
                name,
                starts_on,
                ends_on,
                is_current,
            })
        }
        _ => Err(errors),
    }
}

/// The name a new year is offered: the year after the newest one (`2027/2028` after
/// `2026/2027`), with its dates 1 Sep – 31 Aug; the current school year when there is none.
pub fn next_year_draft(years: &[AcademicYear], today: NaiveDate) -> (String, String, String) {
    use chrono::Datelike as _;
    let start = years
        .iter()
        .map(|y| y.starts_on.year() + 1)
        .max()
        .unwrap_or(if today.month() >= 9 {
            today.year()
        } else {
            today.year() - 1
        });
    (
        format!("{start}/{}", start + 1),
        format!("{start}-09-01"),
        format!("{}-08-31", start + 1),
    )
}

/// The period form → the request; the dates must lie inside the year.
pub fn check_period(
    year: &AcademicYear,
    kind: Option<PeriodKind>,
    number: &str,
    starts_on: &str,
    ends_on: &str,
) -> Result<PeriodInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    if kind.is_none() {
        errors.push((Field::PeriodKind, FieldProblem::NotChosen));
    }
    let max = kind.map_or(4, |k| k.per_year()) as u32;
    let number = match crate::forms::check_days(number, &(1..=max)) {
        Ok(n) => Some(n as i32),
        Err(p) => {
            errors.push((Field::PeriodNumber, p));
            None
        }
    };
    let starts = day_field(&mut errors, Field::StartsOn, starts_on);
    let ends = day_field(&mut errors, Field::EndsOn, ends_on);
    if let (Some(s), Some(e)) = (starts, ends) {
        if e < s {
            errors.push((Field::EndsOn, FieldProblem::DateOrder));
        } else if s < year.starts_on || s > year.ends_on {
            errors.push((Field::StartsOn, FieldProblem::OutsideYear));
        } else if e > year.ends_on {
            errors.push((Field::EndsOn, FieldProblem::OutsideYear));
        }
    }
    match (kind, number, starts, ends) {
        (Some(kind), Some(number), Some(starts_on), Some(ends_on)) if errors.is_empty() => {
            Ok(PeriodInput {
                academic_year_id: year.id,
                kind,
                number,
                starts_on,
                ends_on,
            })
        }
        _ => Err(errors),
    }
}

/// The year a page shows: the one in the URL when it exists, else the current one, else the
/// newest.
pub fn pick_year(years: &[AcademicYear], from_url: Option<Uuid>) -> Option<&AcademicYear> {
    from_url
        .and_then(|id| years.iter().find(|y| y.id == id))
        .or_else(|| years.iter().find(|y| y.is_current))
        .or_else(|| years.first())
}

/// Classes by grade, then letter (`2Б` before `10А`).
pub fn sort_classes(classes: &mut [Class]) {
    classes.sort_by(|a, b| (a.grade, &a.letter).cmp(&(b.grade, &b.letter)));
}

/// The classes a page lists: all of them for the admin and the principal (`all`), only their own
/// for a class teacher (`me` is their person in the school).
pub fn visible_classes(mut classes: Vec<Class>, all: bool, me: Option<Uuid>) -> Vec<Class> {
    if !all {
        classes.retain(|c| me.is_some() && c.class_teacher_id == me);
    }
    sort_classes(&mut classes);
    classes
}

/// The open enrollment of a student (on a class list from some day on), if any.
pub fn open_enrollment(history: &[Enrollment]) -> Option<&Enrollment> {
    history.iter().find(|e| e.ends_on.is_none())
}

/// The arrival dialog → the request.
pub fn check_arrive(class_id: Option<Uuid>, date: &str) -> Result<ArriveRequest, FieldErrors> {
    let mut errors = FieldErrors::new();
    let class_id = chosen(&mut errors, Field::Class, class_id);
    let date = day_field(&mut errors, Field::Date, date);
    match (class_id, date) {
        (Some(class_id), Some(date)) if errors.is_empty() => Ok(ArriveRequest { class_id, date }),
        _ => Err(errors),
    }
}

/// The transfer dialog → the request; the class must be another one.
pub fn check_transfer(
    from: Uuid,
    class_id: Option<Uuid>,
    date: &str,
) -> Result<TransferRequest, FieldErrors> {
    let mut errors = FieldErrors::new();
    let class_id = chosen(&mut errors, Field::Class, class_id.filter(|c| *c != from));
    let date = day_field(&mut errors, Field::Date, date);
    match (class_id, date) {
        (Some(class_id), Some(date)) if errors.is_empty() => Ok(TransferRequest { class_id, date }),
        _ => Err(errors),
    }
}

/// The withdrawal dialog → the request; the reason is required.
pub fn check_withdraw(date: &str, reason: &str) -> Result<WithdrawRequest, FieldErrors> {
    let mut errors = FieldErrors::new();
    let date = day_field(&mut errors, Field::Date, date);
    let reason = required_text(&mut errors, Field::Reason, reason, REASON_MAX);
    match (date, reason) {
        (Some(date), Some(reason)) if errors.is_empty() => Ok(WithdrawRequest { date, reason }),
        _ => Err(errors),
    }
}

/// The date correction of an enrollment → the request with only the dates that changed
/// (`None` when nothing changed). The last day is only for an enrollment that has ended.
pub fn check_correction(
    e: &Enrollment,
    starts_on: &str,
    ends_on: &str,
) -> Result<Option<EnrollmentCorrection>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let starts = day_field(&mut errors, Field::StartsOn, starts_on);
    let ends = if e.ends_on.is_some() {
        day_field(&mut errors, Field::EndsOn, ends_on)
    } else {
        None
    };
    if let (Some(s), Some(end)) = (starts, ends)
        && end < s
    {
        errors.push((Field::EndsOn, FieldProblem::DateOrder));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let correction = EnrollmentCorrection {
        starts_on: starts.filter(|s| *s != e.starts_on),
        ends_on: ends.filter(|end| Some(*end) != e.ends_on),
    };
    Ok((correction.starts_on.is_some() || correction.ends_on.is_some()).then_some(correction))
}

/// The guardian link form → the request.
pub fn check_link(parent: Option<Uuid>, relation: &str) -> Result<GuardianLinkInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let parent_id = chosen(&mut errors, Field::Person, parent);
    let relation = optional_text(&mut errors, Field::Relation, relation, RELATION_MAX);
    match parent_id {
        Some(parent_id) if errors.is_empty() => Ok(GuardianLinkInput {
            parent_id,
            relation,
        }),
        _ => Err(errors),
    }
}

/// A person's card form as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonForm {
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    pub external_id: String,
    pub birth_date: String,
    /// `M`, `F` or empty.
    pub sex: String,
    pub email: String,
    pub phone: String,
    /// `admin`, `principal`, `teacher` or empty (staff only).
    pub position: String,
}

impl PersonForm {
    /// The form filled from a person.
    pub fn of(p: &Person) -> PersonForm {
        PersonForm {
            last_name: p.last_name.clone(),
            first_name: p.first_name.clone(),
            middle_name: p.middle_name.clone().unwrap_or_default(),
            external_id: p.external_id.clone().unwrap_or_default(),
            birth_date: p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            sex: p.sex.map(|s| s.as_str().to_string()).unwrap_or_default(),
            email: p.email.clone().unwrap_or_default(),
            phone: p.phone.clone().unwrap_or_default(),
            position: p
                .position
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        }
    }
}

/// The person card form → the whole record to `PUT` (the kind stays).
pub fn check_person_form(kind: PersonKind, f: &PersonForm) -> Result<PersonInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let last = required_text(&mut errors, Field::LastName, &f.last_name, PERSON_NAME_MAX);
    let first = required_text(
        &mut errors,
        Field::FirstName,
        &f.first_name,
        PERSON_NAME_MAX,
    );
    let middle = optional_text(
        &mut errors,
        Field::MiddleName,
        &f.middle_name,
        PERSON_NAME_MAX,
    );
    let external_id = optional_text(
        &mut errors,
        Field::ExternalId,
        &f.external_id,
        EXTERNAL_ID_MAX,
    );
    let birth_date = optional_day(&mut errors, Field::BirthDate, &f.birth_date);
    let email = optional_text(&mut errors, Field::Email, &f.email, 254);
    if email.as_deref().is_some_and(|e| !looks_like_email(e)) {
        errors.push((Field::Email, FieldProblem::EmailFormat));
    }
    let phone = optional_text(&mut errors, Field::Phone, &f.phone, PHONE_MAX);
    match (last, first) {
        (Some(last_name), Some(first_name)) if errors.is_empty() => Ok(PersonInput {
            last_name,
            first_name,
            middle_name: middle,
            external_id,
            kind: Some(kind),
            birth_date,
            sex: Sex::parse(f.sex.trim()),
            email,
            phone,
            position: (kind == PersonKind::Staff)
                .then(|| StaffPosition::parse(&f.position))
                .flatten(),
        }),
        _ => Err(errors),
    }
}

/// What a server problem says beyond its code: the `detail` and each field error as
/// `field: message`. Shown under the translated message for 409 and 422 answers, where the
/// server explains which date or name collides.
pub fn problem_details(err: &ApiError) -> Vec<String> {
    let ApiError::Problem { problem, .. } = err else {
        return Vec::new();
    };
    let mut out: Vec<String> = problem.detail.iter().cloned().collect();
    for e in &problem.errors {
        let line = if e.field.is_empty() {
            e.message.clone()
        } else {
            format!("{}: {}", e.field, e.message)
        };
        if !out.contains(&line) {
            out.push(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use otmetka_domain::roster::StartReason;
    use otmetka_domain::{ErrorCode, FieldError};

    fn day(s: &str) -> NaiveDate {
        parse_day(s).unwrap()
    }

    fn year(current: bool, start: &str, end: &str) -> AcademicYear {
        AcademicYear {
            id: Uuid::now_v7(),
            name: "2026/2027".into(),
            starts_on: day(start),
            ends_on: day(end),
            is_current: current,
        }
    }

    fn class(grade: i32, letter: &str, teacher: Option<Uuid>) -> Class {
        Class {
            id: Uuid::now_v7(),
            academic_year_id: Uuid::nil(),
            grade,
            letter: letter.into(),
            name: format!("{grade}{letter}"),
            class_teacher_id: teacher,
            class_teacher_name: None,
            student_count: 0,
        }
    }

    fn enrollment(start: &str, end: Option<&str>) -> Enrollment {
        Enrollment {
            id: Uuid::now_v7(),
            student_id: Uuid::nil(),
            class_id: Uuid::nil(),
            class_name: "5А".into(),
            starts_on: day(start),
            ends_on: end.map(day),
            start_reason: StartReason::Arrival,
            end_reason: None,
            end_note: None,
        }
    }

    #[test]
    fn days_are_read_from_date_inputs_and_russian_typing() {
        assert_eq!(
            parse_day("2026-11-09"),
            NaiveDate::from_ymd_opt(2026, 11, 9)
        );
        assert_eq!(
            parse_day(" 09.11.2026 "),
            NaiveDate::from_ymd_opt(2026, 11, 9)
        );
        assert_eq!(parse_day("31.02.2015"), None, "an impossible date");
        assert_eq!(parse_day(""), None);
        assert_eq!(format_day(day("2026-11-09"), Locale::ru), "09.11.2026");
        assert_eq!(format_day(day("2026-11-09"), Locale::en), "9 Nov 2026");
        assert_eq!(
            format_range(day("2026-09-01"), None, Locale::ru),
            "01.09.2026 – …"
        );
    }

    #[test]
    fn settings_need_a_name_a_zone_and_a_kind_other_than_the_year() {
        let finals = FinalsSettingsForm {
            threshold: "0,5".into(),
            open_days: "7".into(),
            close_days: " 3 ".into(),
            ..FinalsSettingsForm::default()
        };
        let ok = check_settings(
            "  Школа  № 1 ",
            "Europe/Moscow",
            Some(PeriodKind::Trimester),
            "",
            &finals,
        )
        .unwrap();
        assert_eq!(ok.name, "Школа № 1");
        assert_eq!(ok.final_period_kind, PeriodKind::Trimester);
        assert_eq!(ok.edit_window_days, None, "empty = no limit");
        assert_eq!(ok.rounding_threshold, 0.5);
        assert_eq!(ok.final_marks_open_days, 7);
        assert_eq!(ok.final_marks_close_days, 3);
        let ok = check_settings(
            "Школа",
            "Europe/Moscow",
            Some(PeriodKind::Quarter),
            " 7 ",
            &finals,
        );
        assert_eq!(ok.unwrap().edit_window_days, Some(7));
        assert_eq!(
            check_settings("", "Europe/Moscow", Some(PeriodKind::Year), "0", &finals).unwrap_err(),
            vec![
                (Field::EditWindowDays, FieldProblem::NumberRange(1, 365)),
                (Field::SchoolName, FieldProblem::Required),
                (Field::PeriodKind, FieldProblem::NotChosen)
            ]
        );
    }

    #[test]
    fn the_final_marks_settings_are_a_threshold_and_two_day_counts() {
        assert_eq!(parse_threshold("0,6"), Ok(0.6));
        assert_eq!(parse_threshold(" 1 "), Ok(1.0));
        assert_eq!(parse_threshold("0.01"), Ok(0.01));
        assert_eq!(parse_threshold(""), Err(FieldProblem::Required));
        assert_eq!(parse_threshold("0"), Err(FieldProblem::ThresholdRange));
        assert_eq!(parse_threshold("1,5"), Err(FieldProblem::ThresholdRange));
        assert_eq!(
            parse_threshold("половина"),
            Err(FieldProblem::ThresholdRange)
        );
        assert_eq!(threshold_text(0.5), "0.5");
        assert_eq!(threshold_text(0.65), "0.65");
        assert_eq!(threshold_text(1.0), "1");
        let bad = FinalsSettingsForm {
            threshold: "2".into(),
            open_days: "61".into(),
            close_days: "".into(),
            ..FinalsSettingsForm::default()
        };
        assert_eq!(
            check_settings(
                "Школа",
                "Europe/Moscow",
                Some(PeriodKind::Quarter),
                "",
                &bad
            )
            .unwrap_err(),
            vec![
                (Field::RoundingThreshold, FieldProblem::ThresholdRange),
                (Field::FinalMarksOpenDays, FieldProblem::NumberRange(0, 60)),
                (Field::FinalMarksCloseDays, FieldProblem::Required),
            ]
        );
        let zero = FinalsSettingsForm {
            threshold: "0,5".into(),
            open_days: "0".into(),
            close_days: "0".into(),
            ..FinalsSettingsForm::default()
        };
        let ok = check_settings(
            "Школа",
            "Europe/Moscow",
            Some(PeriodKind::Quarter),
            "",
            &zero,
        )
        .unwrap();
        assert_eq!(
            (ok.final_marks_open_days, ok.final_marks_close_days),
            (0, 0)
        );
        assert_eq!(
            (ok.control_min_marks, ok.control_late_days),
            (3, 7),
            "the control's defaults M = 3, D = 7"
        );
    }

    #[test]
    fn the_control_settings_are_m_marks_and_d_days() {
        let form = |m: &str, d: &str| FinalsSettingsForm {
            threshold: "0,5".into(),
            open_days: "7".into(),
            close_days: "3".into(),
            min_marks: m.into(),
            late_days: d.into(),
        };
        let check = |f: &FinalsSettingsForm| {
            check_settings("Школа", "Europe/Moscow", Some(PeriodKind::Quarter), "", f)
        };
        let ok = check(&form(" 5 ", "14")).unwrap();
        assert_eq!((ok.control_min_marks, ok.control_late_days), (5, 14));
        let edges = check(&form("20", "1")).unwrap();
        assert_eq!((edges.control_min_marks, edges.control_late_days), (20, 1));
        assert_eq!(
            check(&form("0", "61")).unwrap_err(),
            vec![
                (Field::ControlMinMarks, FieldProblem::NumberRange(1, 20)),
                (Field::ControlLateDays, FieldProblem::NumberRange(1, 60)),
            ]
        );
        assert_eq!(
            check(&form("", "три")).unwrap_err(),
            vec![
                (Field::ControlMinMarks, FieldProblem::Required),
                (Field::ControlLateDays, FieldProblem::NumberRange(1, 60)),
            ]
        );
        let stored = SchoolSettings {
            control_min_marks: 4,
            control_late_days: 10,
            ..ok
        };
        let back = FinalsSettingsForm::from_settings(&stored);
        assert_eq!(
            (back.min_marks.as_str(), back.late_days.as_str()),
            ("4", "10")
        );
    }

    #[test]
    fn a_year_ends_after_it_starts() {
        let ok = check_year("2026/2027", "2026-09-01", "31.08.2027", true).unwrap();
        assert_eq!(ok.ends_on, day("2027-08-31"));
        assert!(ok.is_current);
        assert_eq!(
            check_year("2026/2027", "2026-09-01", "2026-09-01", false).unwrap_err(),
            vec![(Field::EndsOn, FieldProblem::DateOrder)]
        );
        assert_eq!(
            check_year("", "x", "", false).unwrap_err(),
            vec![
                (Field::YearName, FieldProblem::Required),
                (Field::StartsOn, FieldProblem::DateFormat),
                (Field::EndsOn, FieldProblem::Required)
            ]
        );
    }

    #[test]
    fn the_next_year_follows_the_newest() {
        let years = [year(true, "2026-09-01", "2027-08-31")];
        assert_eq!(
            next_year_draft(&years, day("2026-11-29")),
            (
                "2027/2028".to_string(),
                "2027-09-01".to_string(),
                "2028-08-31".to_string()
            )
        );
        assert_eq!(next_year_draft(&[], day("2027-03-01")).0, "2026/2027");
        assert_eq!(next_year_draft(&[], day("2026-09-01")).0, "2026/2027");
    }

    #[test]
    fn a_period_has_a_number_of_its_kind_and_lies_inside_its_year() {
        let y = year(true, "2026-09-01", "2027-08-31");
        let ok = check_period(
            &y,
            Some(PeriodKind::Quarter),
            "2",
            "2026-11-05",
            "2026-12-28",
        )
        .unwrap();
        assert_eq!((ok.number, ok.academic_year_id), (2, y.id));
        assert_eq!(
            check_period(
                &y,
                Some(PeriodKind::HalfYear),
                "3",
                "2026-09-01",
                "2026-12-28"
            )
            .unwrap_err(),
            vec![(Field::PeriodNumber, FieldProblem::NumberRange(1, 2))]
        );
        assert_eq!(
            check_period(&y, Some(PeriodKind::Year), "1", "2026-08-01", "2027-05-31").unwrap_err(),
            vec![(Field::StartsOn, FieldProblem::OutsideYear)]
        );
        assert_eq!(
            check_period(&y, Some(PeriodKind::Year), "1", "2026-09-01", "2027-09-01").unwrap_err(),
            vec![(Field::EndsOn, FieldProblem::OutsideYear)]
        );
        assert_eq!(
            check_period(&y, None, "1", "2026-12-01", "2026-11-01").unwrap_err(),
            vec![
                (Field::PeriodKind, FieldProblem::NotChosen),
                (Field::EndsOn, FieldProblem::DateOrder)
            ]
        );
    }

    #[test]
    fn the_year_shown_is_the_linked_one_else_the_current_one() {
        let old = year(false, "2025-09-01", "2026-08-31");
        let cur = year(true, "2026-09-01", "2027-08-31");
        let years = vec![cur.clone(), old.clone()];
        assert_eq!(pick_year(&years, Some(old.id)).unwrap().id, old.id);
        assert_eq!(pick_year(&years, None).unwrap().id, cur.id);
        assert_eq!(pick_year(&years, Some(Uuid::nil())).unwrap().id, cur.id);
        assert!(pick_year(&[], None).is_none());
    }

    #[test]
    fn classes_go_by_grade_and_a_class_teacher_sees_only_their_own() {
        let me = Uuid::now_v7();
        let classes = vec![
            class(10, "А", None),
            class(2, "Б", Some(me)),
            class(2, "А", None),
        ];
        let names: Vec<String> = visible_classes(classes.clone(), true, None)
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["2А", "2Б", "10А"]);
        let mine = visible_classes(classes.clone(), false, Some(me));
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].name, "2Б");
        assert!(visible_classes(classes, false, None).is_empty());
    }

    #[test]
    fn roster_dialogs_check_class_date_and_reason() {
        let a = Uuid::now_v7();
        assert_eq!(
            check_arrive(Some(a), "2026-11-10").unwrap().date,
            day("2026-11-10")
        );
        assert_eq!(
            check_arrive(None, "").unwrap_err(),
            vec![
                (Field::Class, FieldProblem::NotChosen),
                (Field::Date, FieldProblem::Required)
            ]
        );
        assert_eq!(
            check_transfer(a, Some(a), "2026-11-10").unwrap_err(),
            vec![(Field::Class, FieldProblem::NotChosen)],
            "a transfer goes to another class"
        );
        let w = check_withdraw("10.11.2026", "  переезд   в другой город ").unwrap();
        assert_eq!(w.reason, "переезд в другой город");
        assert_eq!(
            check_withdraw("2026-11-10", " ").unwrap_err(),
            vec![(Field::Reason, FieldProblem::Required)]
        );
    }

    #[test]
    fn a_correction_sends_only_what_changed() {
        let open = enrollment("2026-09-01", None);
        assert_eq!(
            check_correction(&open, "2026-09-01", "")
                .unwrap()
                .map(|_| ()),
            None
        );
        let c = check_correction(&open, "2026-08-25", "2026-12-01")
            .unwrap()
            .unwrap();
        assert_eq!(c.starts_on, Some(day("2026-08-25")));
        assert_eq!(
            c.ends_on, None,
            "an open enrollment is ended by a withdrawal"
        );
        let ended = enrollment("2026-09-01", Some("2026-11-09"));
        let c = check_correction(&ended, "2026-09-01", "2026-11-12")
            .unwrap()
            .unwrap();
        assert_eq!((c.starts_on, c.ends_on), (None, Some(day("2026-11-12"))));
        assert_eq!(
            check_correction(&ended, "2026-09-01", "2026-08-01").unwrap_err(),
            vec![(Field::EndsOn, FieldProblem::DateOrder)]
        );
        assert_eq!(open_enrollment(&[ended.clone(), open.clone()]), Some(&open));
        assert_eq!(open_enrollment(&[ended]), None);
    }

    #[test]
    fn a_guardian_link_needs_a_parent() {
        let p = Uuid::now_v7();
        let l = check_link(Some(p), " мать ").unwrap();
        assert_eq!((l.parent_id, l.relation.as_deref()), (p, Some("мать")));
        assert_eq!(check_link(Some(p), "").unwrap().relation, None);
        assert_eq!(
            check_link(None, &"ж".repeat(33)).unwrap_err(),
            vec![
                (Field::Person, FieldProblem::NotChosen),
                (Field::Relation, FieldProblem::TooLong(32))
            ]
        );
    }

    #[test]
    fn the_person_form_sends_the_whole_record() {
        let f = PersonForm {
            last_name: " Михайлов ".into(),
            first_name: "Кирилл".into(),
            birth_date: "16.03.2019".into(),
            sex: "M".into(),
            position: "teacher".into(),
            ..PersonForm::default()
        };
        let input = check_person_form(PersonKind::Student, &f).unwrap();
        assert_eq!(input.last_name, "Михайлов");
        assert_eq!(input.middle_name, None);
        assert_eq!(input.birth_date, Some(day("2019-03-16")));
        assert_eq!(input.sex, Some(Sex::M));
        assert_eq!(input.kind, Some(PersonKind::Student));
        assert_eq!(input.position, None, "only staff have a position");
        let staff = check_person_form(PersonKind::Staff, &f).unwrap();
        assert_eq!(staff.position, Some(StaffPosition::Teacher));
        let bad = PersonForm {
            email: "x@".into(),
            birth_date: "31.02.2015".into(),
            ..PersonForm::default()
        };
        assert_eq!(
            check_person_form(PersonKind::Parent, &bad).unwrap_err(),
            vec![
                (Field::LastName, FieldProblem::Required),
                (Field::FirstName, FieldProblem::Required),
                (Field::BirthDate, FieldProblem::DateFormat),
                (Field::Email, FieldProblem::EmailFormat)
            ]
        );
    }

    #[test]
    fn the_form_of_a_person_round_trips() {
        let p = Person {
            id: Uuid::nil(),
            school_id: Uuid::nil(),
            last_name: "Алиева".into(),
            first_name: "Патимат".into(),
            middle_name: Some("Андреевна".into()),
            external_id: Some("T0004".into()),
            account_id: None,
            kind: PersonKind::Staff,
            birth_date: None,
            sex: Some(Sex::F),
            email: Some("t0004@school.example".into()),
            phone: None,
            position: Some(StaffPosition::Teacher),
            created_at: chrono::Utc::now(),
        };
        let input = check_person_form(p.kind, &PersonForm::of(&p)).unwrap();
        assert_eq!(input.middle_name.as_deref(), Some("Андреевна"));
        assert_eq!(input.external_id.as_deref(), Some("T0004"));
        assert_eq!(input.sex, Some(Sex::F));
        assert_eq!(input.position, Some(StaffPosition::Teacher));
        assert_eq!(input.email, p.email);
    }

    #[test]
    fn problem_details_give_the_servers_explanation() {
        let mut err = ApiError::from_code(ErrorCode::Conflict, 409);
        if let ApiError::Problem { problem, .. } = &mut err {
            problem.detail = Some("dates overlap 2025/2026".into());
            problem.errors = vec![FieldError {
                field: "ends_on".into(),
                code: "range".into(),
                message: "the year must end after it starts".into(),
            }];
        }
        assert_eq!(
            problem_details(&err),
            [
                "dates overlap 2025/2026",
                "ends_on: the year must end after it starts"
            ]
        );
        assert!(problem_details(&ApiError::Network).is_empty());
    }
}
