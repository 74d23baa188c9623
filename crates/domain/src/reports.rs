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

use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::MarkScale;

    /// The crafted class of 10, three subjects each.
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
