//! Mark settings and the one grading function (DESIGN §2, regulation §6).
//!
//! Mark scales, work types and attendance codes are data kept per school. The weighted average
//! is computed by [`weighted_average`] and nowhere else: the journal, the diary, the marks page,
//! reports and exports all call it, so they never disagree.

use serde::{Deserialize, Serialize};
use uuid::Uuid;
#[cfg(feature = "validate")]
use validator::Validate;

/// One value of a mark scale: what a teacher can put in a cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct ScaleValue {
    /// What is stored and sent in marks: `5`, `4`, `зч`, `нз`, `н/а`, `осв`. 1–8 characters,
    /// unique within the scale, compared case-insensitively on input.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 8)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 8))]
    pub value: String,
    /// What the journal shows (`5`, `зач`, `н/а`, `осв.`); 1–16 characters.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 16)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 16))]
    pub label: String,
    /// The number the value stands for in averages (`5` → 5.0, `4-` → 3.75). `None` for values
    /// that are not numbers (зачёт, н/а, осв.).
    #[serde(default)]
    pub numeric: Option<f64>,
    /// Whether the value enters the weighted average (requires `numeric`).
    pub counts: bool,
    /// Whether the value is a pass (3, 4, 5, зачёт, осв.) — used by pass-rate reports.
    pub passing: bool,
}

/// A mark scale (шкала отметок): the five-point scale, pass/fail, or a school's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkScale {
    pub id: Uuid,
    /// Stable code: `five_point`, `pass_fail`, or the school's own.
    pub code: String,
    pub name: String,
    /// The values in the order the journal offers them.
    pub values: Vec<ScaleValue>,
    /// The scale of subjects that name none. Exactly one scale of a school is the default.
    pub is_default: bool,
}

/// Create or change a mark scale (admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct MarkScaleInput {
    /// 1–32 characters of `a-z`, `0-9`, `_`; unique in the school.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 32)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub code: String,
    /// 1–100 characters.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 100)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    /// 1–30 values; a value used by a mark cannot be removed (409 `in_use`).
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 30), nested))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 30))]
    pub values: Vec<ScaleValue>,
    /// Makes this the school's default scale (the previous default stops being one).
    #[serde(default)]
    pub is_default: bool,
}

impl MarkScale {
    /// The scale value for an input, matched case-insensitively after trimming (`Н/А` → `н/а`).
    /// A value matches before a label, so a label can never shadow another value.
    pub fn find(&self, input: &str) -> Option<&ScaleValue> {
        let want = input.trim().to_lowercase();
        self.values
            .iter()
            .find(|v| v.value.to_lowercase() == want)
            .or_else(|| self.values.iter().find(|v| v.label.to_lowercase() == want))
    }

    /// The numeric value of a stored mark if it counts in averages.
    pub fn counting(&self, value: &str) -> Option<f64> {
        self.values
            .iter()
            .find(|v| v.value == value)
            .filter(|v| v.counts)
            .and_then(|v| v.numeric)
    }

    /// The five-point scale every school starts with: 5, 4, 3, 2, 1 count; н/а (not attested)
    /// and осв. (exempt) do not. 3 and above and осв. pass.
    pub fn five_point_values() -> Vec<ScaleValue> {
        let mut v: Vec<ScaleValue> = (1..=5)
            .rev()
            .map(|n| ScaleValue {
                value: n.to_string(),
                label: n.to_string(),
                numeric: Some(n as f64),
                counts: true,
                passing: n >= 3,
            })
            .collect();
        v.extend(special_values());
        v
    }

    /// The pass/fail scale: зачёт (`зч`) and незачёт (`нз`), plus н/а and осв.; nothing counts
    /// in averages.
    pub fn pass_fail_values() -> Vec<ScaleValue> {
        let mut v = vec![
            ScaleValue {
                value: "зч".into(),
                label: "зач".into(),
                numeric: None,
                counts: false,
                passing: true,
            },
            ScaleValue {
                value: "нз".into(),
                label: "незач".into(),
                numeric: None,
                counts: false,
                passing: false,
            },
        ];
        v.extend(special_values());
        v
    }
}

fn special_values() -> [ScaleValue; 2] {
    [
        ScaleValue {
            value: "н/а".into(),
            label: "н/а".into(),
            numeric: None,
            counts: false,
            passing: false,
        },
        ScaleValue {
            value: "осв".into(),
            label: "осв.".into(),
            numeric: None,
            counts: false,
            passing: true,
        },
    ]
}

/// A work type (вид работы) with its default weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkType {
    pub id: Uuid,
    /// Stable code: `oral`, `homework`, `independent`, `test`, `control`, or the school's own.
    pub code: String,
    /// `Ответ на уроке`.
    pub name: String,
    /// Short label for the grid header (`Отв`, `ДЗ`, `КР`).
    pub short_name: String,
    /// The weight a new work of this type gets: 0.1–10.
    pub weight: f64,
    /// Order in lists; the first type is the one a mark typed into an empty lesson column gets.
    pub position: i32,
}

/// Create or change a work type (admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct WorkTypeInput {
    /// 1–32 characters, unique in the school.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 32)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub code: String,
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 100)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 8)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 8))]
    pub short_name: String,
    /// 0.1–10.
    #[cfg_attr(feature = "validate", validate(range(min = 0.1, max = 10.0)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.1, maximum = 10.0))]
    pub weight: f64,
    /// Order in lists, 0–1000; omitted = 0 (first).
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(range(min = 0, max = 1000)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000))]
    pub position: i32,
}

/// Change a work type (admin, `PUT …/work-types/{id}`): the whole work type, as
/// [`WorkTypeInput`], with `position` required. A PUT replaces every field, and an omitted
/// position would silently move the type to the front (where it becomes the type of marks typed
/// into an empty lesson column): omitted or `null` is 422 `validation_failed` with
/// `position: required`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct WorkTypeUpdate {
    /// 1–32 characters, unique in the school.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 32)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub code: String,
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 100)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 8)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 8))]
    pub short_name: String,
    /// 0.1–10.
    #[cfg_attr(feature = "validate", validate(range(min = 0.1, max = 10.0)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.1, maximum = 10.0))]
    pub weight: f64,
    /// Order in lists, 0–1000. Required (send the current one to keep it).
    #[serde(default)]
    #[cfg_attr(
        feature = "validate",
        validate(
            required(message = "required: send the current position to keep it"),
            range(min = 0, max = 1000)
        )
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = i32, required = true, minimum = 0, maximum = 1000)
    )]
    pub position: Option<i32>,
}

impl From<WorkTypeUpdate> for WorkTypeInput {
    /// After validation (`position` is then present).
    fn from(u: WorkTypeUpdate) -> Self {
        WorkTypeInput {
            code: u.code,
            name: u.name,
            short_name: u.short_name,
            weight: u.weight,
            position: u.position.unwrap_or_default(),
        }
    }
}

/// An attendance code (отметка посещаемости).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceCode {
    pub id: Uuid,
    /// What is stored and typed, lower case: `н`, `б`, `уп`, `оп`. Fixed once created.
    pub code: String,
    /// What the journal shows: `Н`, `Б`, `УП`, `ОП`.
    pub label: String,
    /// `Отсутствовал`, `Болел`, `Уважительная причина`, `Опоздал`.
    pub name: String,
    /// Whether the code counts as a missed lesson (ОП, late, does not).
    pub counts_as_absence: bool,
    /// Whether the absence is excused (Б, УП).
    pub excused: bool,
    pub position: i32,
}

/// Create or change an attendance code (admin). The `code` of an existing one cannot change.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct AttendanceCodeInput {
    /// 1–4 characters; stored lower case; unique in the school.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 4)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 4))]
    pub code: String,
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 8)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 8))]
    pub label: String,
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 100)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    pub counts_as_absence: bool,
    #[serde(default)]
    pub excused: bool,
    #[serde(default)]
    #[cfg_attr(feature = "validate", validate(range(min = 0, max = 1000)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000))]
    pub position: i32,
}

/// A school's whole mark settings, as the journal and the settings page need them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkSettings {
    pub scales: Vec<MarkScale>,
    pub work_types: Vec<WorkType>,
    pub attendance_codes: Vec<AttendanceCode>,
    /// Days after a lesson during which its teacher may still change its marks and attendance;
    /// `None` = no limit. After that only the admin writes (school setting `edit_window_days`).
    pub edit_window_days: Option<i32>,
}

/// The default work types of a new school: code, name, short name, weight.
pub const DEFAULT_WORK_TYPES: [(&str, &str, &str, f64); 6] = [
    ("oral", "Ответ на уроке", "Отв", 1.0),
    ("homework", "Домашняя работа", "ДЗ", 1.0),
    ("independent", "Самостоятельная работа", "СР", 2.0),
    ("test", "Проверочная работа", "ПР", 2.0),
    ("dictation", "Диктант / сочинение", "Дикт", 2.0),
    ("control", "Контрольная работа", "КР", 3.0),
];

/// The default attendance codes: code, label, name, counts as absence, excused.
pub const DEFAULT_ATTENDANCE_CODES: [(&str, &str, &str, bool, bool); 4] = [
    ("н", "Н", "Отсутствовал", true, false),
    ("б", "Б", "Болел", true, true),
    ("уп", "УП", "Уважительная причина", true, true),
    ("оп", "ОП", "Опоздал", false, false),
];

/// A weighted average and how many marks entered it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Average {
    /// Σ(value × weight) / Σ weight over the counting marks, rounded to two decimals; `None`
    /// when no mark counts (never 0).
    pub average: Option<f64>,
    /// The number of marks that entered the average.
    pub mark_count: u32,
}

/// The one grading function (DESIGN §2): weighted average = Σ(value × weight) / Σ(weight) over the
/// marks that count on their scale. Each item is (the mark's numeric value if it counts, its
/// work's weight): pass `None` for values that do not count (н/а, осв., зачёт) — they leave both
/// numerator and denominator. Blanks are simply not passed (they are not zeros). Weights ≤ 0 are
/// ignored. The result is rounded half away from zero to two decimals.
///
/// `5 (w1), 4 (w1), 3 (w2)` → 3.75; `5 (w1), 2 (w3)` → 2.75; only осв. → `None`.
pub fn weighted_average(marks: impl IntoIterator<Item = (Option<f64>, f64)>) -> Average {
    let mut num = 0.0;
    let mut den = 0.0;
    let mut count = 0;
    for (value, weight) in marks {
        if let Some(v) = value
            && weight > 0.0
            && v.is_finite()
            && weight.is_finite()
        {
            num += v * weight;
            den += weight;
            count += 1;
        }
    }
    average_from_sums(num, den, count)
}

/// [`weighted_average`] from sums a database computed: `num` = Σ(value × weight) and `den` =
/// Σ weight over `count` counting marks with positive weights. Rounded the same way (two
/// decimals, half away from zero); `None` when nothing counts.
pub fn average_from_sums(num: f64, den: f64, count: u32) -> Average {
    Average {
        average: (count > 0 && den > 0.0 && num.is_finite()).then(|| round2(num / den)),
        mark_count: count,
    }
}

/// [`weighted_average`] over stored marks: `(value, weight)` pairs looked up on `scale`.
pub fn scale_average<'a>(
    scale: &MarkScale,
    marks: impl IntoIterator<Item = (&'a str, f64)>,
) -> Average {
    weighted_average(marks.into_iter().map(|(v, w)| (scale.counting(v), w)))
}

/// Rounds to two decimals, half away from zero (3.745 → 3.75).
pub fn round2(x: f64) -> f64 {
    (x * 100.0 + if x >= 0.0 { 1e-9 } else { -1e-9 }).round() / 100.0
}

/// The school's default rounding threshold for final-mark suggestions (regulation §6 leaves it
/// to the school): a fractional part of 0.5 or more rounds up — 3.5 → 4.
pub const DEFAULT_ROUNDING_THRESHOLD: f64 = 0.5;

/// Rounds an average to a whole mark with a school's threshold (DESIGN §2): the fractional part
/// at or above `threshold` rounds up, below it rounds down. `threshold` is in (0, 1]; 0.5 gives
/// 3.5 → 4, 0.6 gives 3.55 → 3 and 4.6 → 5. `None` stays `None` (no average, no suggestion).
/// Guards against binary fractions (4.6 − 4 is 0.5999…): a difference below 1e-9 counts as equal.
pub fn round_with_threshold(average: Option<f64>, threshold: f64) -> Option<i32> {
    let a = average.filter(|a| a.is_finite())?;
    let whole = a.floor();
    let up = a - whole + 1e-9 >= threshold;
    Some(whole as i32 + i32::from(up))
}

/// The final mark a period's average suggests on `scale`: the rounded average when that whole
/// number is a value of the scale (`"4"`), else `None` (no counting marks, or a scale without
/// numbers such as pass/fail).
pub fn suggest_period_mark(
    scale: &MarkScale,
    average: Option<f64>,
    threshold: f64,
) -> Option<String> {
    let n = round_with_threshold(average, threshold)?;
    scale
        .values
        .iter()
        .find(|v| v.counts && v.numeric == Some(n as f64))
        .map(|v| v.value.clone())
}

/// The year mark the period marks suggest (regulation §6: the year mark follows the period marks):
/// the plain mean of the period marks that count on `scale`, rounded with `threshold`. Marks
/// that do not count leave the mean: with no counting mark the suggestion is `н/а` when any
/// period is not attested, else `осв` when any is exempt (if the scale has those values), else
/// `None`. Quarters 4, 4, 5, 5 give 4.5 → 5 with threshold 0.5 and → 4 with 0.6.
pub fn suggest_year_mark<'a>(
    scale: &MarkScale,
    period_marks: impl IntoIterator<Item = &'a str>,
    threshold: f64,
) -> Option<String> {
    let marks: Vec<&str> = period_marks.into_iter().collect();
    let (sum, n) = marks
        .iter()
        .filter_map(|m| scale.counting(m))
        .fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    if n > 0 {
        return suggest_period_mark(scale, Some(sum / f64::from(n)), threshold);
    }
    let has = |code: &str| marks.contains(&code) && scale.values.iter().any(|v| v.value == code);
    if has("н/а") {
        Some("н/а".into())
    } else if has("осв") {
        Some("осв".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn issue_cases() {
        let s = five();
        // 5 (w1), 4 (w1), 3 (w2) → (5 + 4 + 6) / 4 = 3.75
        assert_eq!(
            scale_average(&s, [("5", 1.0), ("4", 1.0), ("3", 2.0)]).average,
            Some(3.75)
        );
        // 5, blank, 4 → 4.5 (the blank is not passed at all)
        let a = scale_average(&s, [("5", 1.0), ("4", 1.0)]);
        assert_eq!(a.average, Some(4.5));
        assert_eq!(a.mark_count, 2);
        // only осв. → no average, not 0
        let a = scale_average(&s, [("осв", 1.0)]);
        assert_eq!(a.average, None);
        assert_eq!(a.mark_count, 0);
        // 5 (w1) + 2 (w3) → (5 + 6) / 4 = 2.75
        assert_eq!(
            scale_average(&s, [("5", 1.0), ("2", 3.0)]).average,
            Some(2.75)
        );
    }

    #[test]
    fn special_values_leave_numerator_and_denominator() {
        let s = five();
        let a = scale_average(&s, [("5", 1.0), ("н/а", 3.0), ("осв", 2.0), ("4", 1.0)]);
        assert_eq!(a.average, Some(4.5));
        assert_eq!(a.mark_count, 2);
        assert_eq!(weighted_average([]).average, None);
    }

    #[test]
    fn pass_fail_never_counts() {
        let s = MarkScale {
            values: MarkScale::pass_fail_values(),
            ..five()
        };
        assert_eq!(scale_average(&s, [("зч", 1.0), ("нз", 1.0)]).average, None);
        assert!(s.find("ЗЧ").is_some_and(|v| v.passing));
        assert!(s.find("незач").is_some_and(|v| !v.passing));
    }

    #[test]
    fn find_is_case_insensitive_and_rejects_off_scale() {
        let s = five();
        assert_eq!(s.find(" Н/А ").map(|v| v.value.as_str()), Some("н/а"));
        assert_eq!(s.find("осв.").map(|v| v.value.as_str()), Some("осв"));
        assert!(s.find("6").is_none());
        assert!(s.find("0").is_none());
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round2(3.745), 3.75);
        assert_eq!(round2(4.666_666), 4.67);
        assert_eq!(
            weighted_average([(Some(5.0), 1.0), (Some(4.0), 1.0), (Some(4.0), 1.0)]).average,
            Some(4.33)
        );
    }
    #[test]
    fn rounding_thresholds_of_issue_6() {
        assert_eq!(round_with_threshold(Some(3.5), 0.5), Some(4));
        assert_eq!(round_with_threshold(Some(3.55), 0.6), Some(3));
        assert_eq!(round_with_threshold(Some(3.6), 0.6), Some(4));
        assert_eq!(round_with_threshold(Some(4.6), 0.6), Some(5));
        assert_eq!(round_with_threshold(Some(2.5), 0.5), Some(3));
        assert_eq!(round_with_threshold(Some(4.49), 0.5), Some(4));
        assert_eq!(round_with_threshold(Some(5.0), 0.5), Some(5));
        assert_eq!(round_with_threshold(None, 0.5), None);
        let s = five();
        assert_eq!(
            suggest_period_mark(&s, Some(3.75), 0.5).as_deref(),
            Some("4")
        );
        assert_eq!(suggest_period_mark(&s, None, 0.5), None);
    }

    #[test]
    fn year_suggestion_from_period_marks() {
        let s = five();
        assert_eq!(
            suggest_year_mark(&s, ["4", "4", "5", "5"], 0.5).as_deref(),
            Some("5")
        );
        assert_eq!(
            suggest_year_mark(&s, ["4", "4", "5", "5"], 0.6).as_deref(),
            Some("4")
        );
        // н/а and осв. leave the mean.
        assert_eq!(
            suggest_year_mark(&s, ["5", "н/а", "4", "5"], 0.5).as_deref(),
            Some("5")
        );
        assert_eq!(
            suggest_year_mark(&s, ["осв", "3", "4"], 0.6).as_deref(),
            Some("3")
        );
        // Nothing counts: not attested wins over exempt.
        assert_eq!(
            suggest_year_mark(&s, ["осв", "н/а"], 0.5).as_deref(),
            Some("н/а")
        );
        assert_eq!(
            suggest_year_mark(&s, ["осв", "осв"], 0.5).as_deref(),
            Some("осв")
        );
        assert_eq!(suggest_year_mark(&s, [], 0.5), None);
        let pf = MarkScale {
            values: MarkScale::pass_fail_values(),
            ..five()
        };
        assert_eq!(suggest_year_mark(&pf, ["зч", "зч"], 0.5), None);
    }
}
