//! The performance and quality report (`/reports/quality`) and the attendance report
//! (`/reports/attendance`): what the pages keep in their URLs, the API queries, the banner of a
//! preliminary report and the charts' data — plain functions, tested on the host. The tables come
//! from the domain's `quality_tables` / `attendance_tables` (see [`crate::report_view`]).

use chrono::NaiveDate;
use otmetka_domain::finals::Term;
use otmetka_domain::reports::{AttendanceReport, BasisChoice, QualityReport, ReportBasis};
use uuid::Uuid;

use crate::charts::{ChartData, Series};
use crate::paging::query_string;

/// `/reports`, `/reports/quality` … with the school: `/reports/quality?school=<id>`.
pub fn section_href(path: &str, school_id: Uuid) -> String {
    format!(
        "{path}{}",
        query_string(&[("school", Some(school_id.to_string()))])
    )
}

fn id(value: Option<&str>) -> Option<Uuid> {
    value.and_then(|v| Uuid::parse_str(v.trim()).ok())
}

/// The `basis` parameter: absent for the default (`auto`).
pub fn basis_param(b: BasisChoice) -> Option<&'static str> {
    match b {
        BasisChoice::Auto => None,
        BasisChoice::Final => Some("final"),
        BasisChoice::Suggested => Some("suggested"),
    }
}

/// The basis select's value.
pub fn basis_value(b: BasisChoice) -> &'static str {
    basis_param(b).unwrap_or("auto")
}

pub fn parse_basis(value: Option<&str>) -> BasisChoice {
    match value.map(str::trim) {
        Some("final") => BasisChoice::Final,
        Some("suggested") => BasisChoice::Suggested,
        _ => BasisChoice::Auto,
    }
}

/// What the quality page shows, as kept in its URL
/// (`?school=&year=&term=&basis=&class_id=&subject=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QualityView {
    /// `None`: the current academic year.
    pub year: Option<Uuid>,
    /// `None`: the server's choice (the final-kind period that ended last).
    pub term: Option<Term>,
    pub basis: BasisChoice,
    /// The class drill-down.
    pub class_id: Option<Uuid>,
    /// The subject of the drill-down's mark distribution.
    pub subject: Option<Uuid>,
}

impl QualityView {
    /// Reads the URL's parameters; anything invalid counts as absent.
    pub fn parse(
        year: Option<&str>,
        term: Option<&str>,
        basis: Option<&str>,
        class_id: Option<&str>,
        subject: Option<&str>,
    ) -> QualityView {
        QualityView {
            year: id(year),
            term: term.and_then(|t| t.trim().parse().ok()),
            basis: parse_basis(basis),
            class_id: id(class_id),
            subject: id(subject),
        }
    }
}

/// `/reports/quality?school=&year=&term=&basis=&class_id=&subject=`.
pub fn quality_href(school_id: Uuid, v: QualityView) -> String {
    format!(
        "/reports/quality{}",
        query_string(&[
            ("school", Some(school_id.to_string())),
            ("year", v.year.map(|y| y.to_string())),
            ("term", v.term.map(|t| t.code())),
            ("basis", basis_param(v.basis).map(str::to_string)),
            ("class_id", v.class_id.map(|c| c.to_string())),
            ("subject", v.subject.map(|s| s.to_string())),
        ])
    )
}

/// `?academic_year_id=&term=&class_id=&basis=` of `GET …/reports/quality` (and its exports).
pub fn quality_query(v: QualityView) -> String {
    query_string(&[
        ("academic_year_id", v.year.map(|y| y.to_string())),
        ("term", v.term.map(|t| t.code())),
        ("class_id", v.class_id.map(|c| c.to_string())),
        ("basis", basis_param(v.basis).map(str::to_string)),
    ])
}

/// The notice above a report that is not built on final marks only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Banner {
    None,
    /// Final marks where set, suggestions for the rest: how many marks are suggestions.
    Mixed(u32),
    /// No final mark yet: everything is preliminary.
    Suggested,
    /// No mark at all.
    Empty,
}

/// How many of the report's marks are suggestions: the school's row, else (a teacher's report)
/// the sum over the courses, each mark belonging to one course.
pub fn suggested_total(r: &QualityReport) -> u32 {
    match &r.school {
        Some(s) => s.suggested_marks,
        None => r.courses.iter().map(|c| c.suggested_marks).sum(),
    }
}

pub fn banner(r: &QualityReport) -> Banner {
    match r.basis {
        ReportBasis::Final => Banner::None,
        ReportBasis::Mixed => Banner::Mixed(suggested_total(r)),
        ReportBasis::Suggested => Banner::Suggested,
        ReportBasis::Empty => Banner::Empty,
    }
}

/// «Качество и успеваемость по классам»: a category per class (the school's row is not one), the
/// quality and the pass rate, 0–100 %.
pub fn quality_by_class(
    r: &QualityReport,
    title: &str,
    quality: &str,
    pass_rate: &str,
    empty: &str,
) -> ChartData {
    ChartData {
        title: title.into(),
        categories: r.classes.iter().map(|c| c.label.clone()).collect(),
        series: vec![
            Series {
                name: quality.into(),
                values: r.classes.iter().map(|c| c.stats.quality).collect(),
            },
            Series {
                name: pass_rate.into(),
                values: r.classes.iter().map(|c| c.stats.pass_rate).collect(),
            },
        ],
        max: Some(100.0),
        decimals: 1,
        unit: "%",
        empty_text: empty.into(),
    }
}

/// The subjects of a class with marks in the report, by name: from the class's course rows
/// (a subject taught in groups has several), named as in `subjects_of_class` when there.
pub fn class_subjects(r: &QualityReport, class_id: Uuid) -> Vec<(Uuid, String)> {
    let mut out: Vec<(Uuid, String)> = Vec::new();
    for c in r.courses.iter().filter(|c| c.class_id == Some(class_id)) {
        let Some(subject) = c.subject_id else {
            continue;
        };
        if out.iter().any(|(s, _)| *s == subject) {
            continue;
        }
        let name = r
            .subjects_of_class
            .iter()
            .find(|s| s.subject_id == subject)
            .map(|s| s.name.clone())
            .or_else(|| {
                r.subjects
                    .iter()
                    .find(|s| s.subject_id == Some(subject))
                    .map(|s| s.label.clone())
            })
            .unwrap_or_else(|| {
                // `5А · Математика (гр. 1)` → `Математика`.
                let name = c
                    .label
                    .split_once(" · ")
                    .map_or(c.label.as_str(), |(_, s)| s);
                name.split(" (гр.")
                    .next()
                    .unwrap_or(name)
                    .trim()
                    .to_string()
            });
        out.push((subject, name));
    }
    out.sort_by(|a, b| crate::report_view::compare_text(&a.1, &b.1));
    out
}

/// The marks 5, 4, 3, 2 of a subject in a class (its course rows together).
pub fn mark_distribution(r: &QualityReport, class_id: Uuid, subject_id: Uuid) -> [u32; 4] {
    r.courses
        .iter()
        .filter(|c| c.class_id == Some(class_id) && c.subject_id == Some(subject_id))
        .fold([0; 4], |acc, c| {
            [
                acc[0] + c.stats.n5,
                acc[1] + c.stats.n4,
                acc[2] + c.stats.n3,
                acc[3] + c.stats.n2,
            ]
        })
}

/// «Распределение отметок»: the counts of 5, 4, 3 and 2.
pub fn distribution_chart(counts: [u32; 4], title: &str, series: &str, empty: &str) -> ChartData {
    let any = counts.iter().any(|n| *n > 0);
    ChartData {
        title: title.into(),
        categories: ["5", "4", "3", "2"].map(String::from).to_vec(),
        series: vec![Series {
            name: series.into(),
            values: if any {
                counts.iter().map(|n| Some(f64::from(*n))).collect()
            } else {
                vec![None; 4]
            },
        }],
        max: None,
        decimals: 0,
        unit: "",
        empty_text: empty.into(),
    }
}

/// The row index of a class in the `classes` table (its rows are `r.classes`, then the school).
pub fn class_of_row(r: &QualityReport, row: usize) -> Option<Uuid> {
    r.classes.get(row).and_then(|c| c.class_id)
}

/// The class's name in the report.
pub fn class_label(r: &QualityReport, class_id: Uuid) -> Option<String> {
    r.classes
        .iter()
        .find(|c| c.class_id == Some(class_id))
        .map(|c| c.label.clone())
}

// ---------- attendance ----------

/// The threshold the server takes without one, %.
pub const DEFAULT_THRESHOLD: f64 = 30.0;

/// What the attendance page shows, as kept in its URL (`?school=&from=&to=&class_id=&threshold=`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AttendanceView {
    /// `None`: the start of the current period (the server's default).
    pub from: Option<NaiveDate>,
    /// `None`: today.
    pub to: Option<NaiveDate>,
    pub class_id: Option<Uuid>,
    /// `None`: 30 %.
    pub threshold: Option<f64>,
}

/// A threshold between 0 and 100 (`30`, `12,5`).
pub fn parse_threshold(value: &str) -> Option<f64> {
    let v: f64 = value.trim().replace(',', ".").parse().ok()?;
    (v.is_finite() && (0.0..=100.0).contains(&v)).then_some(v)
}

/// A threshold as the URL and the input write it: `30`, `12.5`.
pub fn threshold_text(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

impl AttendanceView {
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        class_id: Option<&str>,
        threshold: Option<&str>,
    ) -> AttendanceView {
        let date =
            |v: Option<&str>| v.and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok());
        AttendanceView {
            from: date(from),
            to: date(to),
            class_id: id(class_id),
            threshold: threshold.and_then(parse_threshold),
        }
    }

    /// Whether the dates are in order (or not both given).
    pub fn dates_ok(self) -> bool {
        match (self.from, self.to) {
            (Some(f), Some(t)) => f <= t,
            _ => true,
        }
    }

    fn params(self) -> Vec<(&'static str, Option<String>)> {
        vec![
            ("from", self.from.map(|d| d.to_string())),
            ("to", self.to.map(|d| d.to_string())),
            ("class_id", self.class_id.map(|c| c.to_string())),
            ("threshold", self.threshold.map(threshold_text)),
        ]
    }
}

/// `/reports/attendance?school=&from=&to=&class_id=&threshold=`.
pub fn attendance_href(school_id: Uuid, v: AttendanceView) -> String {
    let mut params = vec![("school", Some(school_id.to_string()))];
    params.extend(v.params());
    format!("/reports/attendance{}", query_string(&params))
}

/// `?from=&to=&class_id=&threshold=` of `GET …/reports/attendance` (and its exports).
pub fn attendance_query(v: AttendanceView) -> String {
    query_string(&v.params())
}

/// «Пропуски по неделям»: the missed share of each week, %.
pub fn weeks_chart(r: &AttendanceReport, title: &str, series: &str, empty: &str) -> ChartData {
    ChartData {
        title: title.into(),
        categories: r.weeks.iter().map(|w| w.label.clone()).collect(),
        series: vec![Series {
            name: series.into(),
            values: r.weeks.iter().map(|w| w.missed_percent).collect(),
        }],
        max: None,
        decimals: 1,
        unit: "%",
        empty_text: empty.into(),
    }
}

/// The students above the threshold: their rows in the `students` table.
pub fn flagged_students(r: &AttendanceReport) -> Vec<usize> {
    r.students
        .iter()
        .enumerate()
        .filter(|(_, s)| s.above_threshold > 0)
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use otmetka_domain::reports::{
        AttendanceRow, CodeCount, QualityRow, QualityStats, ReportSubject, quality_tables,
    };
    use otmetka_domain::structure::PeriodKind;

    const SCHOOL: Uuid = Uuid::from_u128(1);
    const C5A: Uuid = Uuid::from_u128(0x5a);
    const C5B: Uuid = Uuid::from_u128(0x5b);
    const MATH: Uuid = Uuid::from_u128(0x100);
    const RUS: Uuid = Uuid::from_u128(0x101);

    fn row(key: &str, label: &str, class: Option<Uuid>, subject: Option<Uuid>) -> QualityRow {
        QualityRow {
            key: key.into(),
            label: label.into(),
            grade: Some(5),
            class_id: class,
            subject_id: subject,
            teacher_id: None,
            course_id: None,
            stats: QualityStats::default(),
            final_marks: 0,
            suggested_marks: 0,
        }
    }

    fn report() -> QualityReport {
        let mut a = row("class:a", "5А", Some(C5A), None);
        a.stats.quality = Some(55.6);
        a.stats.pass_rate = Some(77.8);
        let mut b = row("class:b", "5Б", Some(C5B), None);
        b.stats.pass_rate = Some(100.0);
        let mut school = row("school", "Школа", None, None);
        school.suggested_marks = 12;
        let mut m1 = row("course:1", "5А · Математика (гр. 1)", Some(C5A), Some(MATH));
        (m1.stats.n5, m1.stats.n4, m1.stats.n3, m1.stats.n2) = (3, 4, 2, 1);
        m1.suggested_marks = 5;
        let mut m2 = row("course:2", "5А · Математика (гр. 2)", Some(C5A), Some(MATH));
        (m2.stats.n5, m2.stats.n4, m2.stats.n3, m2.stats.n2) = (1, 1, 0, 0);
        m2.suggested_marks = 2;
        let r1 = row("course:3", "5А · Русский язык", Some(C5A), Some(RUS));
        let b1 = row("course:4", "5Б · Математика", Some(C5B), Some(MATH));
        QualityReport {
            academic_year_id: Uuid::from_u128(9),
            term: Term::Period {
                kind: PeriodKind::Quarter,
                number: 1,
            },
            term_title: "1 четверть".into(),
            basis: ReportBasis::Mixed,
            school: Some(school),
            grades: Vec::new(),
            classes: vec![a, b],
            subjects: Vec::new(),
            teachers: Vec::new(),
            courses: vec![m1, m2, r1, b1],
            class_id: None,
            subjects_of_class: vec![ReportSubject {
                subject_id: RUS,
                name: "Русский язык".into(),
                short_name: "Рус. яз.".into(),
            }],
            students: Vec::new(),
        }
    }

    #[test]
    fn the_quality_url_round_trips() {
        let v = QualityView {
            year: Some(Uuid::from_u128(9)),
            term: Some(Term::Year),
            basis: BasisChoice::Final,
            class_id: Some(C5A),
            subject: Some(MATH),
        };
        let href = quality_href(SCHOOL, v);
        assert_eq!(
            href,
            format!(
                "/reports/quality?school={SCHOOL}&year={}&term=year&basis=final&class_id={C5A}&subject={MATH}",
                Uuid::from_u128(9)
            )
        );
        let back = QualityView::parse(
            Some(&Uuid::from_u128(9).to_string()),
            Some("year"),
            Some("final"),
            Some(&C5A.to_string()),
            Some(&MATH.to_string()),
        );
        assert_eq!(back, v);
        assert_eq!(
            quality_query(v),
            format!(
                "?academic_year_id={}&term=year&class_id={C5A}&basis=final",
                Uuid::from_u128(9)
            )
        );
        assert_eq!(
            quality_href(SCHOOL, QualityView::default()),
            format!("/reports/quality?school={SCHOOL}")
        );
        assert_eq!(quality_query(QualityView::default()), "");
        let junk = QualityView::parse(Some("x"), Some("week"), Some("all"), Some(""), None);
        assert_eq!(junk, QualityView::default());
        assert_eq!(
            QualityView::parse(None, Some("quarter_2"), None, None, None).term,
            Some(Term::Period {
                kind: PeriodKind::Quarter,
                number: 2
            })
        );
        assert_eq!(basis_value(parse_basis(Some("suggested"))), "suggested");
        assert_eq!(basis_value(BasisChoice::Auto), "auto");
    }

    #[test]
    fn the_banner_counts_the_preliminary_marks() {
        let mut r = report();
        assert_eq!(banner(&r), Banner::Mixed(12));
        r.school = None;
        assert_eq!(
            suggested_total(&r),
            7,
            "a teacher's report: the courses' sum"
        );
        r.basis = ReportBasis::Final;
        assert_eq!(banner(&r), Banner::None);
        r.basis = ReportBasis::Suggested;
        assert_eq!(banner(&r), Banner::Suggested);
        r.basis = ReportBasis::Empty;
        assert_eq!(banner(&r), Banner::Empty);
    }

    #[test]
    fn the_class_chart_has_a_pair_of_bars_per_class() {
        let r = report();
        let c = quality_by_class(&r, "Качество", "К", "У", "—");
        assert_eq!(c.categories, ["5А", "5Б"]);
        assert_eq!(c.series[0].values, [Some(55.6), None]);
        assert_eq!(c.series[1].values, [Some(77.8), Some(100.0)]);
        assert_eq!(c.max, Some(100.0));
        // The table's rows: the classes, then the school — a click on row 1 opens 5Б, on the
        // school's row nothing.
        let tables = quality_tables(&r);
        assert_eq!(tables[0].key, "classes");
        assert_eq!(tables[0].rows.len(), 3);
        assert_eq!(class_of_row(&r, 1), Some(C5B));
        assert_eq!(class_of_row(&r, 2), None);
        assert_eq!(class_label(&r, C5A).as_deref(), Some("5А"));
    }

    #[test]
    fn the_distribution_adds_up_a_subjects_groups() {
        let r = report();
        assert_eq!(
            class_subjects(&r, C5A),
            vec![
                (MATH, "Математика".to_string()),
                (RUS, "Русский язык".to_string())
            ]
        );
        assert_eq!(mark_distribution(&r, C5A, MATH), [4, 5, 2, 1]);
        assert_eq!(mark_distribution(&r, C5A, RUS), [0, 0, 0, 0]);
        assert_eq!(mark_distribution(&r, C5B, RUS), [0, 0, 0, 0]);
        let chart = distribution_chart([4, 5, 2, 1], "Р", "Отметок", "—");
        assert_eq!(chart.categories, ["5", "4", "3", "2"]);
        assert_eq!(
            chart.series[0].values,
            [Some(4.0), Some(5.0), Some(2.0), Some(1.0)]
        );
        assert!(!crate::charts::has_values(&distribution_chart(
            [0; 4], "Р", "О", "—"
        )));
    }

    fn att_row(key: &str, label: &str, missed: Option<f64>, above: u32) -> AttendanceRow {
        AttendanceRow {
            key: key.into(),
            label: label.into(),
            class_id: None,
            student_id: None,
            students: 1,
            lessons: 10,
            by_code: vec![CodeCount {
                code: "н".into(),
                label: "Н".into(),
                count: 1,
            }],
            missed: 1,
            missed_excused: 0,
            missed_percent: missed,
            days_missed: 0,
            above_threshold: above,
        }
    }

    #[test]
    fn the_attendance_url_round_trips_and_checks_the_dates() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let v = AttendanceView {
            from: Some(d("2026-09-01")),
            to: Some(d("2026-10-31")),
            class_id: Some(C5A),
            threshold: Some(12.5),
        };
        assert_eq!(
            attendance_href(SCHOOL, v),
            format!(
                "/reports/attendance?school={SCHOOL}&from=2026-09-01&to=2026-10-31&class_id={C5A}&threshold=12.5"
            )
        );
        assert_eq!(
            AttendanceView::parse(
                Some("2026-09-01"),
                Some("2026-10-31"),
                Some(&C5A.to_string()),
                Some("12,5")
            ),
            v
        );
        assert!(v.dates_ok());
        let wrong = AttendanceView {
            from: Some(d("2026-11-01")),
            ..v
        };
        assert!(!wrong.dates_ok());
        assert_eq!(
            attendance_query(AttendanceView {
                threshold: Some(30.0),
                ..AttendanceView::default()
            }),
            "?threshold=30"
        );
        assert_eq!(parse_threshold("101"), None);
        assert_eq!(parse_threshold("-1"), None);
        assert_eq!(parse_threshold(" 0 "), Some(0.0));
        assert_eq!(
            AttendanceView::parse(Some("01.09.2026"), None, None, Some("x")),
            AttendanceView::default()
        );
    }

    #[test]
    fn weeks_chart_and_flagged_students() {
        let r = AttendanceReport {
            from: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
            threshold_percent: 30.0,
            codes: Vec::new(),
            total: att_row("school", "Всего", Some(10.0), 1),
            classes: Vec::new(),
            students: vec![
                att_row("student:1", "Иванов", Some(40.0), 1),
                att_row("student:2", "Петров", Some(0.0), 0),
                att_row("student:3", "Сидоров", Some(35.0), 1),
            ],
            weeks: vec![
                att_row("week:2026-11-23", "23.11–29.11", Some(8.3), 0),
                att_row("week:2026-11-30", "30.11–06.12", None, 0),
            ],
        };
        assert_eq!(flagged_students(&r), vec![0, 2]);
        let c = weeks_chart(&r, "Пропуски", "%", "—");
        assert_eq!(c.categories, ["23.11–29.11", "30.11–06.12"]);
        assert_eq!(c.series[0].values, [Some(8.3), None]);
        let layout = crate::charts::layout(&c, false);
        // 8.3 % on a 0–10 % scale.
        assert_eq!(layout.scale.max, 10.0);
        assert_eq!(layout.bars.len(), 1);
    }

    #[test]
    fn counts_take_the_russian_plural() {
        use crate::i18n::{Locale, td_string};
        let banner = |n: u32| td_string!(Locale::ru, quality.banner, count = n).to_string();
        assert!(
            banner(1).contains("1 отметка — предварительная"),
            "{}",
            banner(1)
        );
        assert!(
            banner(3).contains("3 отметки — предварительные"),
            "{}",
            banner(3)
        );
        assert!(
            banner(5).contains("5 отметок — предварительные"),
            "{}",
            banner(5)
        );
        assert!(banner(21).contains("21 отметка"), "{}", banner(21));
        let above = |n: u64| {
            td_string!(
                Locale::ru,
                attendance_report.above,
                count = n,
                threshold = "30"
            )
            .to_string()
        };
        assert_eq!(above(1), "Пропустили больше 30 % уроков: 1 ученик.");
        assert_eq!(above(2), "Пропустили больше 30 % уроков: 2 ученика.");
        assert_eq!(above(11), "Пропустили больше 30 % уроков: 11 учеников.");
        assert_eq!(
            td_string!(
                Locale::en,
                attendance_report.above,
                count = 1u64,
                threshold = "30"
            )
            .to_string(),
            "Missed more than 30 % of lessons: 1 student."
        );
    }

    #[test]
    fn section_links_carry_the_school() {
        assert_eq!(
            section_href("/reports/control", SCHOOL),
            format!("/reports/control?school={SCHOOL}")
        );
    }
}
