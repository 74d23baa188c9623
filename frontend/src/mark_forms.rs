//! The mark settings forms (`/marks-settings`): mark scales, work types and attendance codes as
//! typed, checked and turned into the API's input DTOs before sending; and the edit window of
//! the school settings. Plain functions, tested on the host.
//!
//! The checks mirror the server's (`otmetka_domain::grading` input DTOs): lengths, ranges, a
//! scale's value unique within it (case-insensitively), `counts` only for a value with a number.

use otmetka_domain::grading::{
    AttendanceCode, AttendanceCodeInput, MarkScale, MarkScaleInput, ScaleValue, WorkType,
    WorkTypeInput,
};

use crate::forms::{FieldProblem, check_days, clean_text};

/// A scale code: 1–32 of `a-z`, `0-9`, `_`.
pub const SCALE_CODE_MAX: u32 = 32;
pub const SCALE_NAME_MAX: u32 = 100;
/// Values per scale.
pub const SCALE_VALUES_MAX: usize = 30;
pub const VALUE_MAX: u32 = 8;
pub const VALUE_LABEL_MAX: u32 = 16;
pub const WORK_CODE_MAX: u32 = 32;
pub const WORK_NAME_MAX: u32 = 100;
pub const WORK_SHORT_MAX: u32 = 8;
pub const WEIGHT_MIN: f64 = 0.1;
pub const WEIGHT_MAX: f64 = 10.0;
pub const POSITION_MAX: u32 = 1000;
pub const ATT_CODE_MAX: u32 = 4;
pub const ATT_LABEL_MAX: u32 = 8;
pub const ATT_NAME_MAX: u32 = 100;
/// The edit window in days (`SchoolSettings::edit_window_days`).
pub const EDIT_WINDOW_DAYS: std::ops::RangeInclusive<u32> = 1..=365;

/// What is wrong with an input of the mark settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// A problem the other forms have too (required, too long, a whole number out of range).
    Field(FieldProblem),
    /// A scale code with other characters than `a-z`, `0-9`, `_`.
    CodeChars,
    /// Not a number (`3,75` and `3.75` are).
    NotANumber,
    /// A weight outside 0.1–10.
    WeightRange,
    /// The same value twice in a scale.
    Duplicate,
    /// "Counts in averages" on a value without a number.
    CountsWithoutNumber,
    /// A scale without values.
    NoValues,
    /// More than [`SCALE_VALUES_MAX`] values.
    TooManyValues,
}

/// A column of a scale's value row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Value,
    Label,
    Numeric,
    Counts,
}

/// Where a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Code,
    Name,
    ShortName,
    Label,
    Weight,
    Position,
    /// A scale's values as a whole (none, too many).
    Values,
    /// A value row of a scale (0-based) and its column.
    Row(usize, Col),
}

/// Problems of one form, at most one per place.
pub type Problems = Vec<(Place, Problem)>;

/// The problem at `place`, if any.
pub fn problem_at(problems: &[(Place, Problem)], place: Place) -> Option<Problem> {
    problems.iter().find(|(p, _)| *p == place).map(|(_, x)| *x)
}

/// A row's problem in any column.
#[cfg(test)]
pub fn row_problem(problems: &[(Place, Problem)], row: usize) -> Option<(Col, Problem)> {
    problems.iter().find_map(|(p, x)| match p {
        Place::Row(r, c) if *r == row => Some((*c, *x)),
        _ => None,
    })
}

/// A number as typed: `3.75`, `3,75`, ` 4 `; `None` for anything else (and for NaN, infinity).
pub fn parse_number(value: &str) -> Option<f64> {
    let value = value.trim().replace(',', ".");
    if value.is_empty() {
        return None;
    }
    value.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A number for an input or a cell: `5`, `3.75`, `0.5`; with a decimal comma (`3,75`) for
/// Russian. At most two decimals, no trailing zeros.
pub fn number_text(x: f64, comma: bool) -> String {
    let mut s = format!("{:.2}", otmetka_domain::grading::round2(x));
    while s.contains('.') && (s.ends_with('0') || s.ends_with('.')) {
        s.pop();
    }
    if s == "-0" {
        s = "0".into();
    }
    if comma { s.replace('.', ",") } else { s }
}

/// A required text of at most `max` characters (spaces collapsed), or its problem.
fn text(problems: &mut Problems, place: Place, value: &str, max: u32) -> Option<String> {
    let value = clean_text(value);
    if value.is_empty() {
        problems.push((place, Problem::Field(FieldProblem::Required)));
        None
    } else if value.chars().count() > max as usize {
        problems.push((place, Problem::Field(FieldProblem::TooLong(max))));
        None
    } else {
        Some(value)
    }
}

/// An order number 0–1000; empty = 0.
fn position(problems: &mut Problems, value: &str) -> Option<i32> {
    let value = value.trim();
    if value.is_empty() {
        return Some(0);
    }
    match value.parse::<u32>() {
        Ok(n) if n <= POSITION_MAX => Some(n as i32),
        _ => {
            problems.push((
                Place::Position,
                Problem::Field(FieldProblem::NumberRange(0, POSITION_MAX)),
            ));
            None
        }
    }
}

/// One value row of a scale as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValueDraft {
    pub value: String,
    pub label: String,
    /// The number as typed; empty = not a number (зачёт, н/а, осв.).
    pub numeric: String,
    pub counts: bool,
    pub passing: bool,
}

impl ValueDraft {
    pub fn of(v: &ScaleValue, comma: bool) -> ValueDraft {
        ValueDraft {
            value: v.value.clone(),
            label: v.label.clone(),
            numeric: v.numeric.map(|x| number_text(x, comma)).unwrap_or_default(),
            counts: v.counts,
            passing: v.passing,
        }
    }

    /// Nothing typed: such a row is left out when saving.
    pub fn is_blank(&self) -> bool {
        self.value.trim().is_empty()
            && self.label.trim().is_empty()
            && self.numeric.trim().is_empty()
    }
}

/// A scale as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScaleDraft {
    pub code: String,
    pub name: String,
    pub is_default: bool,
    pub values: Vec<ValueDraft>,
}

impl ScaleDraft {
    pub fn of(s: &MarkScale, comma: bool) -> ScaleDraft {
        ScaleDraft {
            code: s.code.clone(),
            name: s.name.clone(),
            is_default: s.is_default,
            values: s.values.iter().map(|v| ValueDraft::of(v, comma)).collect(),
        }
    }

    /// A new scale starts from the five-point values (5 … 1, н/а, осв.), to be changed.
    pub fn new_scale(comma: bool) -> ScaleDraft {
        ScaleDraft {
            code: String::new(),
            name: String::new(),
            is_default: false,
            values: MarkScale::five_point_values()
                .iter()
                .map(|v| ValueDraft::of(v, comma))
                .collect(),
        }
    }
}

/// A scale code: lower-cased; 1–32 of `a-z`, `0-9`, `_`.
fn scale_code(problems: &mut Problems, value: &str) -> Option<String> {
    let code = value.trim().to_lowercase();
    if code.is_empty() {
        problems.push((Place::Code, Problem::Field(FieldProblem::Required)));
        None
    } else if code.chars().count() > SCALE_CODE_MAX as usize {
        problems.push((
            Place::Code,
            Problem::Field(FieldProblem::TooLong(SCALE_CODE_MAX)),
        ));
        None
    } else if !code
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        problems.push((Place::Code, Problem::CodeChars));
        None
    } else {
        Some(code)
    }
}

/// The scale form → the request. Blank rows are left out; an empty label is the value itself.
pub fn check_scale(draft: &ScaleDraft) -> Result<MarkScaleInput, Problems> {
    let mut problems = Problems::new();
    let code = scale_code(&mut problems, &draft.code);
    let name = text(&mut problems, Place::Name, &draft.name, SCALE_NAME_MAX);
    let mut values: Vec<ScaleValue> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut rows = 0;
    for (i, row) in draft.values.iter().enumerate() {
        if row.is_blank() {
            continue;
        }
        rows += 1;
        let before = problems.len();
        let value = row.value.trim().to_string();
        if value.is_empty() {
            problems.push((
                Place::Row(i, Col::Value),
                Problem::Field(FieldProblem::Required),
            ));
        } else if value.chars().count() > VALUE_MAX as usize {
            problems.push((
                Place::Row(i, Col::Value),
                Problem::Field(FieldProblem::TooLong(VALUE_MAX)),
            ));
        } else if seen.contains(&value.to_lowercase()) {
            problems.push((Place::Row(i, Col::Value), Problem::Duplicate));
        }
        seen.push(value.to_lowercase());
        let label = match row.label.trim() {
            "" => value.clone(),
            l => l.to_string(),
        };
        if label.chars().count() > VALUE_LABEL_MAX as usize {
            problems.push((
                Place::Row(i, Col::Label),
                Problem::Field(FieldProblem::TooLong(VALUE_LABEL_MAX)),
            ));
        }
        let numeric = if row.numeric.trim().is_empty() {
            None
        } else {
            let n = parse_number(&row.numeric);
            if n.is_none() {
                problems.push((Place::Row(i, Col::Numeric), Problem::NotANumber));
            }
            n
        };
        if row.counts && row.numeric.trim().is_empty() {
            problems.push((Place::Row(i, Col::Counts), Problem::CountsWithoutNumber));
        }
        if problems.len() == before {
            values.push(ScaleValue {
                value,
                label,
                numeric,
                counts: row.counts,
                passing: row.passing,
            });
        }
    }
    if rows == 0 {
        problems.push((Place::Values, Problem::NoValues));
    } else if rows > SCALE_VALUES_MAX {
        problems.push((Place::Values, Problem::TooManyValues));
    }
    match (code, name) {
        (Some(code), Some(name)) if problems.is_empty() => Ok(MarkScaleInput {
            code,
            name,
            values,
            is_default: draft.is_default,
        }),
        _ => Err(problems),
    }
}

/// A work type as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WorkTypeDraft {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub weight: String,
    pub position: String,
}

impl WorkTypeDraft {
    pub fn of(w: &WorkType, comma: bool) -> WorkTypeDraft {
        WorkTypeDraft {
            code: w.code.clone(),
            name: w.name.clone(),
            short_name: w.short_name.clone(),
            weight: number_text(w.weight, comma),
            position: w.position.to_string(),
        }
    }

    /// A new work type: weight 1, after the last one.
    pub fn new_after(list: &[WorkType]) -> WorkTypeDraft {
        WorkTypeDraft {
            weight: "1".into(),
            position: next_position(list.iter().map(|w| w.position)).to_string(),
            ..WorkTypeDraft::default()
        }
    }
}

/// The order number after the last: the largest + 1 (0 for an empty list), at most 1000.
pub fn next_position(positions: impl IntoIterator<Item = i32>) -> i32 {
    positions
        .into_iter()
        .max()
        .map_or(0, |p| (p + 1).clamp(0, POSITION_MAX as i32))
}

/// The work-type form → the request.
pub fn check_work_type(draft: &WorkTypeDraft) -> Result<WorkTypeInput, Problems> {
    let mut problems = Problems::new();
    let code = text(&mut problems, Place::Code, &draft.code, WORK_CODE_MAX);
    let name = text(&mut problems, Place::Name, &draft.name, WORK_NAME_MAX);
    let short_name = text(
        &mut problems,
        Place::ShortName,
        &draft.short_name,
        WORK_SHORT_MAX,
    );
    let weight = if draft.weight.trim().is_empty() {
        problems.push((Place::Weight, Problem::Field(FieldProblem::Required)));
        None
    } else {
        match parse_number(&draft.weight) {
            Some(w) if (WEIGHT_MIN..=WEIGHT_MAX).contains(&w) => Some(w),
            Some(_) => {
                problems.push((Place::Weight, Problem::WeightRange));
                None
            }
            None => {
                problems.push((Place::Weight, Problem::NotANumber));
                None
            }
        }
    };
    let position = position(&mut problems, &draft.position);
    match (code, name, short_name, weight, position) {
        (Some(code), Some(name), Some(short_name), Some(weight), Some(position))
            if problems.is_empty() =>
        {
            Ok(WorkTypeInput {
                code,
                name,
                short_name,
                weight,
                position,
            })
        }
        _ => Err(problems),
    }
}

/// An attendance code as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AttendanceDraft {
    pub code: String,
    pub label: String,
    pub name: String,
    pub counts_as_absence: bool,
    pub excused: bool,
    pub position: String,
}

impl AttendanceDraft {
    pub fn of(a: &AttendanceCode) -> AttendanceDraft {
        AttendanceDraft {
            code: a.code.clone(),
            label: a.label.clone(),
            name: a.name.clone(),
            counts_as_absence: a.counts_as_absence,
            excused: a.excused,
            position: a.position.to_string(),
        }
    }

    /// A new code: an absence, after the last one.
    pub fn new_after(list: &[AttendanceCode]) -> AttendanceDraft {
        AttendanceDraft {
            counts_as_absence: true,
            position: next_position(list.iter().map(|a| a.position)).to_string(),
            ..AttendanceDraft::default()
        }
    }
}

/// The attendance-code form → the request. The code is stored lower case; an empty label is the
/// code in capitals (`уп` → `УП`).
pub fn check_attendance(draft: &AttendanceDraft) -> Result<AttendanceCodeInput, Problems> {
    let mut problems = Problems::new();
    let code = draft.code.trim().to_lowercase();
    let code = if code.is_empty() {
        problems.push((Place::Code, Problem::Field(FieldProblem::Required)));
        None
    } else if code.chars().count() > ATT_CODE_MAX as usize {
        problems.push((
            Place::Code,
            Problem::Field(FieldProblem::TooLong(ATT_CODE_MAX)),
        ));
        None
    } else if code.chars().any(char::is_whitespace) {
        problems.push((Place::Code, Problem::Field(FieldProblem::Invalid)));
        None
    } else {
        Some(code)
    };
    let label_typed = match (draft.label.trim(), &code) {
        ("", Some(code)) => code.to_uppercase(),
        (l, _) => l.to_string(),
    };
    let label = text(&mut problems, Place::Label, &label_typed, ATT_LABEL_MAX);
    let name = text(&mut problems, Place::Name, &draft.name, ATT_NAME_MAX);
    let position = position(&mut problems, &draft.position);
    match (code, label, name, position) {
        (Some(code), Some(label), Some(name), Some(position)) if problems.is_empty() => {
            Ok(AttendanceCodeInput {
                code,
                label,
                name,
                counts_as_absence: draft.counts_as_absence,
                excused: draft.excused,
                position,
            })
        }
        _ => Err(problems),
    }
}

/// The edit-window input of the settings: empty = no limit, else 1–365 days.
pub fn check_edit_window(value: &str) -> Result<Option<i32>, FieldProblem> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    check_days(value, &EDIT_WINDOW_DAYS).map(|d| Some(d as i32))
}

/// The school's default scale (the one subjects without a scale of their own use).
pub fn default_scale(scales: &[MarkScale]) -> Option<&MarkScale> {
    scales.iter().find(|s| s.is_default)
}

/// Test ids may hold any code: letters and digits are kept (Cyrillic too), anything else
/// becomes `_` (`н/а` → `н_а`).
pub fn testid_part(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn five() -> MarkScale {
        MarkScale {
            id: Uuid::nil(),
            code: "five_point".into(),
            name: "Пятибалльная".into(),
            values: MarkScale::five_point_values(),
            is_default: true,
        }
    }

    #[test]
    fn numbers_take_a_comma_or_a_point() {
        assert_eq!(parse_number("3,75"), Some(3.75));
        assert_eq!(parse_number(" 4 "), Some(4.0));
        assert_eq!(parse_number("4.5"), Some(4.5));
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("пять"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(number_text(5.0, true), "5");
        assert_eq!(number_text(3.75, true), "3,75");
        assert_eq!(number_text(3.75, false), "3.75");
        assert_eq!(number_text(0.5, false), "0.5");
        assert_eq!(number_text(2.0, false), "2");
        assert_eq!(number_text(10.0, false), "10");
    }

    #[test]
    fn a_stored_scale_comes_back_unchanged() {
        let s = five();
        let draft = ScaleDraft::of(&s, true);
        assert_eq!(draft.values[0].numeric, "5");
        assert_eq!(draft.values[5].numeric, "", "н/а is not a number");
        let input = check_scale(&draft).expect("valid");
        assert_eq!(input.code, "five_point");
        assert_eq!(input.values, s.values);
        assert!(input.is_default);
    }

    #[test]
    fn scale_rows_are_checked_and_blank_rows_dropped() {
        let mut draft = ScaleDraft::of(&five(), false);
        // A fractional value with a comma, a label left empty, and a blank row.
        draft.values.push(ValueDraft {
            value: "4-".into(),
            label: String::new(),
            numeric: "3,75".into(),
            counts: true,
            passing: true,
        });
        draft.values.push(ValueDraft::default());
        let input = check_scale(&draft).expect("valid");
        assert_eq!(input.values.len(), 8);
        let last = input.values.last().unwrap();
        assert_eq!(last.label, "4-");
        assert_eq!(last.numeric, Some(3.75));

        // The same value twice (case-insensitively), counts without a number, not a number.
        let mut bad = ScaleDraft::of(&five(), false);
        bad.values[1].value = "5".into();
        bad.values[5].counts = true; // н/а has no number
        bad.values[2].numeric = "три".into();
        let problems = check_scale(&bad).unwrap_err();
        assert_eq!(
            problem_at(&problems, Place::Row(1, Col::Value)),
            Some(Problem::Duplicate)
        );
        assert_eq!(
            row_problem(&problems, 5),
            Some((Col::Counts, Problem::CountsWithoutNumber))
        );
        assert_eq!(
            row_problem(&problems, 2),
            Some((Col::Numeric, Problem::NotANumber))
        );
        assert_eq!(row_problem(&problems, 0), None);

        let mut upper = ScaleDraft::of(&five(), false);
        upper.values[5].value = "Н/А".into();
        upper.values[6].value = "н/а".into();
        assert_eq!(
            row_problem(&check_scale(&upper).unwrap_err(), 6),
            Some((Col::Value, Problem::Duplicate))
        );
    }

    #[test]
    fn scale_code_name_and_value_count() {
        let mut draft = ScaleDraft::new_scale(true);
        let problems = check_scale(&draft).unwrap_err();
        assert_eq!(
            problem_at(&problems, Place::Code),
            Some(Problem::Field(FieldProblem::Required))
        );
        assert_eq!(
            problem_at(&problems, Place::Name),
            Some(Problem::Field(FieldProblem::Required))
        );
        draft.code = "Десять".into();
        draft.name = "  Десятибалльная  шкала ".into();
        assert_eq!(
            problem_at(&check_scale(&draft).unwrap_err(), Place::Code),
            Some(Problem::CodeChars)
        );
        draft.code = " Ten_Point ".into();
        let input = check_scale(&draft).expect("valid");
        assert_eq!(input.code, "ten_point");
        assert_eq!(input.name, "Десятибалльная шкала");
        assert!(!input.is_default);
        assert_eq!(input.values.len(), 7);

        draft.values = vec![ValueDraft::default()];
        assert_eq!(
            problem_at(&check_scale(&draft).unwrap_err(), Place::Values),
            Some(Problem::NoValues)
        );
        draft.values = (0..31)
            .map(|i| ValueDraft {
                value: i.to_string(),
                ..ValueDraft::default()
            })
            .collect();
        assert_eq!(
            problem_at(&check_scale(&draft).unwrap_err(), Place::Values),
            Some(Problem::TooManyValues)
        );
        draft.values.truncate(1);
        draft.values[0].value = "123456789".into();
        assert_eq!(
            problem_at(&check_scale(&draft).unwrap_err(), Place::Row(0, Col::Value)),
            Some(Problem::Field(FieldProblem::TooLong(8)))
        );
    }

    #[test]
    fn work_types_have_a_weight_from_a_tenth_to_ten() {
        let control = WorkType {
            id: Uuid::nil(),
            code: "control".into(),
            name: "Контрольная работа".into(),
            short_name: "КР".into(),
            weight: 3.0,
            position: 5,
        };
        let draft = WorkTypeDraft::of(&control, true);
        assert_eq!(draft.weight, "3");
        let input = check_work_type(&draft).expect("valid");
        assert_eq!(input.weight, 3.0);
        assert_eq!(input.position, 5);

        let mut d = draft.clone();
        d.weight = "1,5".into();
        assert_eq!(check_work_type(&d).unwrap().weight, 1.5);
        d.weight = "0".into();
        assert_eq!(
            problem_at(&check_work_type(&d).unwrap_err(), Place::Weight),
            Some(Problem::WeightRange)
        );
        d.weight = "11".into();
        assert!(check_work_type(&d).is_err());
        d.weight = "x".into();
        assert_eq!(
            problem_at(&check_work_type(&d).unwrap_err(), Place::Weight),
            Some(Problem::NotANumber)
        );
        d.weight = "0.1".into();
        d.position = String::new();
        assert_eq!(check_work_type(&d).unwrap().position, 0);
        d.position = "1001".into();
        assert_eq!(
            problem_at(&check_work_type(&d).unwrap_err(), Place::Position),
            Some(Problem::Field(FieldProblem::NumberRange(0, 1000)))
        );
        d.position = "-1".into();
        assert!(check_work_type(&d).is_err());

        let fresh = WorkTypeDraft::new_after(std::slice::from_ref(&control));
        assert_eq!(fresh.position, "6");
        assert_eq!(fresh.weight, "1");
        let problems = check_work_type(&fresh).unwrap_err();
        for place in [Place::Code, Place::Name, Place::ShortName] {
            assert_eq!(
                problem_at(&problems, place),
                Some(Problem::Field(FieldProblem::Required)),
                "{place:?}"
            );
        }
        let mut long = fresh;
        long.code = "x".into();
        long.name = "Творческая работа".into();
        long.short_name = "Творческая".into();
        assert_eq!(
            problem_at(&check_work_type(&long).unwrap_err(), Place::ShortName),
            Some(Problem::Field(FieldProblem::TooLong(8)))
        );
    }

    #[test]
    fn attendance_codes_are_lower_case_with_a_label() {
        let draft = AttendanceDraft {
            code: " УП ".into(),
            label: String::new(),
            name: "Уважительная причина".into(),
            counts_as_absence: true,
            excused: true,
            position: "2".into(),
        };
        let input = check_attendance(&draft).expect("valid");
        assert_eq!(input.code, "уп");
        assert_eq!(input.label, "УП");
        assert!(input.counts_as_absence && input.excused);
        assert_eq!(input.position, 2);

        let mut bad = draft.clone();
        bad.code = "абвгд".into();
        bad.name = " ".into();
        let problems = check_attendance(&bad).unwrap_err();
        assert_eq!(
            problem_at(&problems, Place::Code),
            Some(Problem::Field(FieldProblem::TooLong(4)))
        );
        assert_eq!(
            problem_at(&problems, Place::Name),
            Some(Problem::Field(FieldProblem::Required))
        );
        bad.code = "у п".into();
        assert_eq!(
            problem_at(&check_attendance(&bad).unwrap_err(), Place::Code),
            Some(Problem::Field(FieldProblem::Invalid))
        );

        let codes = [AttendanceCode {
            id: Uuid::nil(),
            code: "н".into(),
            label: "Н".into(),
            name: "Отсутствовал".into(),
            counts_as_absence: true,
            excused: false,
            position: 3,
        }];
        let fresh = AttendanceDraft::new_after(&codes);
        assert_eq!(fresh.position, "4");
        assert!(fresh.counts_as_absence);
        assert_eq!(AttendanceDraft::of(&codes[0]).label, "Н");
        assert_eq!(next_position([]), 0);
        assert_eq!(next_position([1000]), 1000);
    }

    #[test]
    fn edit_window_is_empty_or_a_day_count() {
        assert_eq!(check_edit_window(""), Ok(None));
        assert_eq!(check_edit_window("  "), Ok(None));
        assert_eq!(check_edit_window("7"), Ok(Some(7)));
        assert_eq!(check_edit_window("365"), Ok(Some(365)));
        assert_eq!(
            check_edit_window("0"),
            Err(FieldProblem::NumberRange(1, 365))
        );
        assert_eq!(
            check_edit_window("366"),
            Err(FieldProblem::NumberRange(1, 365))
        );
        assert_eq!(
            check_edit_window("неделя"),
            Err(FieldProblem::NumberRange(1, 365))
        );
    }

    #[test]
    fn test_id_parts_keep_letters() {
        assert_eq!(testid_part("five_point"), "five_point");
        assert_eq!(testid_part("н/а"), "н_а");
        assert_eq!(testid_part("уп"), "уп");
        assert!(default_scale(&[five()]).is_some());
        assert!(default_scale(&[]).is_none());
    }
}
