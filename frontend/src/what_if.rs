//! The what-if calculator of the marks page («Что если?»): a student (or a parent) adds
//! hypothetical marks to a subject — a value of the subject's scale and a work type, whose weight
//! counts — and sees the new average and the final mark it would suggest at once. Computed in the
//! browser by [`otmetka_domain::finals::what_if`] with the school's rounding threshold, the same
//! function the server uses; nothing is sent anywhere.
//!
//! The state and the numbers are plain data and functions, tested on the host.

use otmetka_domain::finals::{HypotheticalMark, WhatIf, what_if};
use otmetka_domain::grading::{MarkScale, ScaleValue, WorkType};
use otmetka_domain::journal::{StudentMarks, SubjectMarks};
use uuid::Uuid;

use crate::diary::{average_text, weight_text};
use crate::i18n::{Locale, td_string};

/// At most this many hypothetical marks per subject.
pub const MAX_ADDED: usize = 30;

/// The subject's scale among the page's scales.
pub fn scale_of<'a>(marks: &'a StudentMarks, subject: &SubjectMarks) -> Option<&'a MarkScale> {
    marks.scales.iter().find(|s| s.id == subject.scale_id)
}

/// The values a hypothetical mark may take: those of the scale that count in averages (a зачёт
/// or н/а would change nothing), in the scale's order.
pub fn value_choices(scale: &MarkScale) -> Vec<&ScaleValue> {
    scale
        .values
        .iter()
        .filter(|v| v.counts && v.numeric.is_some())
        .collect()
}

/// Whether the calculator makes sense for a scale (pass/fail has no average).
pub fn available(scale: &MarkScale) -> bool {
    !value_choices(scale).is_empty()
}

/// The work types in the school's order.
pub fn work_type_choices(work_types: &[WorkType]) -> Vec<&WorkType> {
    let mut out: Vec<&WorkType> = work_types.iter().filter(|w| w.weight > 0.0).collect();
    out.sort_by(|a, b| (a.position, &a.name).cmp(&(b.position, &b.name)));
    out
}

/// "Контрольная работа (вес 3)".
pub fn work_type_text(work_type: &WorkType, locale: Locale) -> String {
    td_string!(
        locale,
        what_if.work_type_option,
        name = work_type.name.trim(),
        weight = weight_text(work_type.weight, locale)
    )
}

/// One hypothetical mark, with what its chip shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Added {
    pub value: String,
    pub label: String,
    pub work_type_id: Uuid,
    pub work_type_short: String,
    pub work_type_name: String,
    pub weight: f64,
}

/// The hypothetical marks of one subject, in the order they were added.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    pub added: Vec<Added>,
}

impl State {
    /// Adds a mark of `value` (a counting value of the scale) and the work type `work_type_id`;
    /// false (nothing added) for an unknown value or work type, or when the list is full.
    pub fn add(
        &mut self,
        scale: &MarkScale,
        work_types: &[WorkType],
        value: &str,
        work_type_id: Uuid,
    ) -> bool {
        if self.added.len() >= MAX_ADDED {
            return false;
        }
        let Some(v) = value_choices(scale).into_iter().find(|v| v.value == value) else {
            return false;
        };
        let Some(w) = work_type_choices(work_types)
            .into_iter()
            .find(|w| w.id == work_type_id)
        else {
            return false;
        };
        self.added.push(Added {
            value: v.value.clone(),
            label: v.label.clone(),
            work_type_id: w.id,
            work_type_short: w.short_name.clone(),
            work_type_name: w.name.clone(),
            weight: w.weight,
        });
        true
    }

    /// Removes the mark at `index` (nothing when there is none).
    pub fn remove(&mut self, index: usize) {
        if index < self.added.len() {
            self.added.remove(index);
        }
    }

    /// Removes every hypothetical mark.
    pub fn reset(&mut self) {
        self.added.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
    }

    /// The marks as the domain function takes them.
    pub fn hypothetical(&self) -> Vec<HypotheticalMark> {
        self.added
            .iter()
            .map(|a| HypotheticalMark {
                value: a.value.clone(),
                weight: a.weight,
            })
            .collect()
    }
}

/// The calculator's numbers: now (the real marks) and with the hypothetical ones.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub now: WhatIf,
    pub then: WhatIf,
}

/// Computes both through [`what_if`], the server's function.
pub fn outcome(
    subject: &SubjectMarks,
    scale: &MarkScale,
    state: &State,
    threshold: f64,
) -> Outcome {
    let real = || subject.marks.iter().map(|m| (m.value.as_str(), m.weight));
    Outcome {
        now: what_if(scale, real(), &[], threshold),
        then: what_if(scale, real(), &state.hypothetical(), threshold),
    }
}

/// A suggested mark as the scale shows it (`4`), or a dash.
pub fn suggested_text(scale: &MarkScale, suggested: Option<i32>) -> String {
    suggested
        .and_then(|n| {
            scale
                .values
                .iter()
                .find(|v| v.counts && v.numeric == Some(f64::from(n)))
                .map(|v| v.label.clone())
        })
        .unwrap_or_else(|| "—".to_string())
}

/// A stored value as the scale shows it (`зч` → `зач`); the value itself when unknown.
pub fn label_of(scale: Option<&MarkScale>, value: &str) -> String {
    scale
        .and_then(|s| s.values.iter().find(|v| v.value == value))
        .map_or_else(|| value.to_string(), |v| v.label.clone())
}

/// A chip's text: "5 КР ×3".
pub fn chip_text(added: &Added, locale: Locale) -> String {
    let mut out = added.label.clone();
    let short = added.work_type_short.trim();
    if !short.is_empty() {
        out.push(' ');
        out.push_str(short);
    }
    if (added.weight - 1.0).abs() > f64::EPSILON {
        out.push_str(" ×");
        out.push_str(&weight_text(added.weight, locale));
    }
    out
}

/// The result line: "Средний балл: 4,40 (сейчас 3,50) · итоговая по расчёту: 4 (сейчас 4)".
pub fn result_text(outcome: &Outcome, scale: &MarkScale, locale: Locale) -> String {
    td_string!(
        locale,
        what_if.result,
        average = average_text(outcome.then.average.average, locale),
        average_now = average_text(outcome.now.average.average, locale),
        suggested = suggested_text(scale, outcome.then.suggested),
        suggested_now = suggested_text(scale, outcome.now.suggested)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Utc};
    use otmetka_domain::journal::StudentMark;
    use otmetka_domain::structure::{Period, PeriodKind};

    const FIVE: Uuid = Uuid::from_u128(0x5);
    const PASS: Uuid = Uuid::from_u128(0x2);
    const ORAL: Uuid = Uuid::from_u128(0x01);
    const TEST: Uuid = Uuid::from_u128(0x03);
    const CONTROL: Uuid = Uuid::from_u128(0x04);

    fn five() -> MarkScale {
        MarkScale {
            id: FIVE,
            code: "five_point".into(),
            name: "Пятибалльная".into(),
            values: MarkScale::five_point_values(),
            is_default: true,
        }
    }

    fn pass_fail() -> MarkScale {
        MarkScale {
            id: PASS,
            code: "pass_fail".into(),
            name: "Зачёт".into(),
            values: MarkScale::pass_fail_values(),
            is_default: false,
        }
    }

    fn work_type(id: Uuid, name: &str, short: &str, weight: f64, position: i32) -> WorkType {
        WorkType {
            id,
            code: short.to_lowercase(),
            name: name.into(),
            short_name: short.into(),
            weight,
            position,
        }
    }

    fn work_types() -> Vec<WorkType> {
        vec![
            work_type(CONTROL, "Контрольная работа", "КР", 3.0, 5),
            work_type(ORAL, "Ответ на уроке", "Отв", 1.0, 1),
            work_type(TEST, "Тест", "Т", 1.5, 3),
        ]
    }

    fn mark(value: &str, weight: f64) -> StudentMark {
        StudentMark {
            lesson_id: Uuid::from_u128(0x100),
            work_id: Uuid::from_u128(0x200),
            date: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
            value: value.into(),
            label: value.into(),
            numeric: value.parse().ok(),
            work_type_name: "Ответ на уроке".into(),
            work_type_short_name: "Отв".into(),
            weight,
            title: None,
            comment: None,
            set_at: Utc::now(),
        }
    }

    fn subject(marks: Vec<StudentMark>, scale_id: Uuid) -> SubjectMarks {
        SubjectMarks {
            course_id: Uuid::from_u128(0xC0),
            subject_id: Uuid::from_u128(0x5B),
            subject_name: "Математика".into(),
            teacher_names: Vec::new(),
            mark_count: marks.len() as u32,
            marks,
            average: Some(3.5),
            absences: 0,
            scale_id,
            final_mark: None,
            suggested_final: Some("4".into()),
        }
    }

    #[test]
    fn only_counting_values_and_weighted_work_types_are_offered() {
        let (scale, types) = (five(), work_types());
        let values: Vec<&str> = value_choices(&scale)
            .iter()
            .map(|v| v.value.as_str())
            .collect();
        assert_eq!(values, ["5", "4", "3", "2", "1"]);
        assert!(available(&five()));
        assert!(!available(&pass_fail()), "no average on a pass/fail scale");
        let types: Vec<&str> = work_type_choices(&types)
            .iter()
            .map(|w| w.short_name.as_str())
            .collect();
        assert_eq!(types, ["Отв", "Т", "КР"], "the school's order");
        assert_eq!(
            work_type_text(&work_types()[0], Locale::ru),
            "Контрольная работа (вес 3)"
        );
        assert_eq!(
            work_type_text(&work_types()[2], Locale::en),
            "Тест (weight 1.5)"
        );
    }

    #[test]
    fn marks_are_added_removed_and_reset() {
        let (scale, types) = (five(), work_types());
        let mut s = State::default();
        assert!(s.add(&scale, &types, "5", CONTROL));
        assert!(s.add(&scale, &types, "4", TEST));
        assert!(!s.add(&scale, &types, "н/а", ORAL), "does not count");
        assert!(!s.add(&scale, &types, "6", ORAL), "not on the scale");
        assert!(
            !s.add(&scale, &types, "5", Uuid::nil()),
            "unknown work type"
        );
        assert_eq!(s.added.len(), 2);
        assert_eq!(s.added[0].weight, 3.0);
        assert_eq!(chip_text(&s.added[0], Locale::ru), "5 КР ×3");
        assert_eq!(chip_text(&s.added[1], Locale::ru), "4 Т ×1,5");
        s.remove(5);
        assert_eq!(s.added.len(), 2, "a stale index changes nothing");
        s.remove(0);
        assert_eq!(s.added.len(), 1);
        assert_eq!(s.added[0].value, "4");
        s.reset();
        assert!(s.is_empty());
        for _ in 0..MAX_ADDED {
            assert!(s.add(&scale, &types, "5", ORAL));
        }
        assert!(!s.add(&scale, &types, "5", ORAL), "the list is full");
    }

    #[test]
    fn the_outcome_is_the_servers_what_if() {
        let scale = five();
        let types = work_types();
        // Real 3 (w1) and 4 (w1): 3.5 → 4 at threshold 0.5.
        let subj = subject(vec![mark("3", 1.0), mark("4", 1.0)], FIVE);
        let mut s = State::default();
        let o = outcome(&subj, &scale, &s, 0.5);
        assert_eq!(o.now.average.average, Some(3.5));
        assert_eq!(o.now.suggested, Some(4));
        assert_eq!(o.then, o.now, "nothing added: nothing changes");

        // A control work 5 (weight 3): (3 + 4 + 15) / 5 = 4.4 → 4.
        assert!(s.add(&scale, &types, "5", CONTROL));
        let o = outcome(&subj, &scale, &s, 0.5);
        let expected = what_if(
            &scale,
            [("3", 1.0), ("4", 1.0)],
            &[HypotheticalMark {
                value: "5".into(),
                weight: 3.0,
            }],
            0.5,
        );
        assert_eq!(o.then, expected);
        assert_eq!(o.then.average.average, Some(4.4));
        assert_eq!(o.then.average.mark_count, 3);
        assert_eq!(o.then.suggested, Some(4));
        // With the school's threshold 0.4 the same marks suggest 5.
        assert_eq!(outcome(&subj, &scale, &s, 0.4).then.suggested, Some(5));
        assert_eq!(
            result_text(&o, &scale, Locale::ru),
            "Средний балл: 4,40 (сейчас 3,50) · итоговая по расчёту: 4 (сейчас 4)"
        );

        // No real marks yet: the hypothetical ones alone.
        let empty = subject(Vec::new(), FIVE);
        let o = outcome(&empty, &scale, &State::default(), 0.5);
        assert_eq!(o.now.average.average, None);
        assert_eq!(
            result_text(&o, &scale, Locale::en),
            "Average: — (now —) · suggested final mark: — (now —)"
        );
        let mut s = State::default();
        s.add(&scale, &types, "2", ORAL);
        s.add(&scale, &types, "3", TEST);
        // (2 + 4.5) / 2.5 = 2.6 → 3.
        let o = outcome(&empty, &scale, &s, 0.5);
        assert_eq!(o.then.average.average, Some(2.6));
        assert_eq!(suggested_text(&scale, o.then.suggested), "3");
    }

    #[test]
    fn the_subjects_scale_and_labels_come_from_the_page() {
        let marks = StudentMarks {
            student_id: Uuid::from_u128(0x41),
            student_name: "Михайлов Кирилл".into(),
            period: Period {
                id: Uuid::from_u128(0xE2),
                academic_year_id: Uuid::from_u128(0xE0),
                kind: PeriodKind::Quarter,
                number: 2,
                starts_on: NaiveDate::from_ymd_opt(2026, 11, 9).unwrap(),
                ends_on: NaiveDate::from_ymd_opt(2026, 12, 27).unwrap(),
            },
            subjects: Vec::new(),
            scales: vec![five(), pass_fail()],
            work_types: work_types(),
            rounding_threshold: 0.5,
        };
        assert_eq!(
            scale_of(&marks, &subject(Vec::new(), PASS)).map(|s| s.id),
            Some(PASS)
        );
        assert_eq!(scale_of(&marks, &subject(Vec::new(), Uuid::nil())), None);
        assert_eq!(label_of(Some(&pass_fail()), "зч"), "зач");
        assert_eq!(label_of(Some(&five()), "осв"), "осв.");
        assert_eq!(label_of(None, "зч"), "зч");
        assert_eq!(suggested_text(&five(), Some(6)), "—");
    }
}
