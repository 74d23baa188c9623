//! The period closing view (`/closing?school=&term=&class=&by=&all=`, закрытие периода): for a
//! term (a period of the school's final kind, or the year), every course with how many of its
//! students are due a final mark, how many have one and how many still lack it, grouped by
//! teacher or by class; the totals; and the students whose final mark fails (2, 1, незачёт,
//! н/а). The principal and the admin read it; each course links to its journal.
//!
//! The server's [`PeriodClosing`] is filtered, grouped and rendered to HTML text here; plain
//! functions, tested on the host.

use otmetka_domain::finals::{ClosingCourse, FailingFinalMark, PeriodClosing, Term};
use otmetka_domain::structure::{Period, PeriodKind};
use uuid::Uuid;

use crate::i18n::{Locale, td_string};
use crate::paging::query_string;
use crate::report_card::term_label;
use crate::schedule::{push_attr, short_name};
use crate::table::{Cell, Part, Row, Table, escape, render};

/// How the courses are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupBy {
    /// By the course's teachers (the default: who still has marks to set).
    #[default]
    Teacher,
    /// By class.
    Class,
}

impl GroupBy {
    /// `?by=`: absent for the default.
    pub fn param(self) -> Option<&'static str> {
        match self {
            GroupBy::Teacher => None,
            GroupBy::Class => Some("class"),
        }
    }

    /// The select's value.
    pub fn value(self) -> &'static str {
        match self {
            GroupBy::Teacher => "teacher",
            GroupBy::Class => "class",
        }
    }

    pub fn from_param(value: Option<&str>) -> GroupBy {
        match value.map(str::trim) {
            Some("class") => GroupBy::Class,
            _ => GroupBy::Teacher,
        }
    }
}

/// What the page shows, as kept in its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct View {
    /// The term asked for; `None`: the server's choice (the period that ended last).
    pub term: Option<Term>,
    pub class_id: Option<Uuid>,
    pub by: GroupBy,
    /// Every course, not only those still lacking marks (`?all=1`).
    pub all: bool,
}

impl View {
    /// Reads `?term=&class=&by=&all=`; anything invalid counts as absent.
    pub fn parse(
        term: Option<&str>,
        class: Option<&str>,
        by: Option<&str>,
        all: Option<&str>,
    ) -> View {
        View {
            term: term.and_then(|t| t.trim().parse().ok()),
            class_id: class.and_then(|c| Uuid::parse_str(c.trim()).ok()),
            by: GroupBy::from_param(by),
            all: matches!(all.map(str::trim), Some("1" | "true")),
        }
    }

    /// Whether only courses still lacking marks are shown (the default).
    pub fn only_missing(self) -> bool {
        !self.all
    }
}

/// `/closing?school=&term=&class=&by=&all=`.
pub fn closing_href(school_id: Uuid, view: View) -> String {
    format!(
        "/closing{}",
        query_string(&[
            ("school", Some(school_id.to_string())),
            ("term", view.term.map(|t| t.code())),
            ("class", view.class_id.map(|c| c.to_string())),
            ("by", view.by.param().map(str::to_string)),
            ("all", view.all.then(|| "1".to_string())),
        ])
    )
}

/// `?term=&class_id=` of `GET …/final-marks/closing`.
pub fn api_query(term: Option<Term>, class_id: Option<Uuid>) -> String {
    query_string(&[
        ("term", term.map(|t| t.code())),
        ("class_id", class_id.map(|c| c.to_string())),
    ])
}

/// The terms the picker offers: the periods of the school's final kind in the current year by
/// number, then the year, the exam and the final (итоговая) mark (grades 9 and 11); the shown
/// term too when it is not among them.
pub fn term_choices(periods: &[Period], kind: PeriodKind, shown: Option<Term>) -> Vec<Term> {
    let mut numbers: Vec<i32> = periods
        .iter()
        .filter(|p| p.kind == kind && kind != PeriodKind::Year)
        .map(|p| p.number)
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    let mut out: Vec<Term> = numbers
        .into_iter()
        .map(|number| Term::Period { kind, number })
        .collect();
    out.extend([Term::Year, Term::Exam, Term::Final]);
    if let Some(t) = shown
        && !out.contains(&t)
    {
        out.push(t);
        out.sort_by_key(Term::sort_key);
    }
    out
}

/// `10Б` after `9А`: the grade as a number, then the rest.
pub fn class_key(name: &str) -> (u32, String) {
    let name = name.trim();
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    (
        digits.parse().unwrap_or(u32::MAX),
        name[digits.len()..].to_lowercase(),
    )
}

/// The teachers of a course as one heading: "Иванова И. И., Петров П. П." (empty without any).
pub fn teachers_text(course: &ClosingCourse) -> String {
    course
        .teacher_names
        .iter()
        .map(|n| short_name(n))
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A group of courses under one heading (a teacher or a class).
#[derive(Debug, Clone, PartialEq)]
pub struct Group<'a> {
    /// The teachers or the class; empty for courses without a teacher.
    pub heading: String,
    pub courses: Vec<&'a ClosingCourse>,
    /// Marks still missing in the group's courses.
    pub missing: u32,
}

/// The courses shown, grouped and sorted: by teacher (courses without a teacher last), classes
/// in grade order, subjects by name; or by class (grade order), subjects by name. With
/// `only_missing`, only courses still lacking marks.
pub fn groups(closing: &PeriodClosing, by: GroupBy, only_missing: bool) -> Vec<Group<'_>> {
    let mut shown: Vec<&ClosingCourse> = closing
        .courses
        .iter()
        .filter(|c| !only_missing || c.missing > 0)
        .collect();
    let subject_key = |c: &ClosingCourse| (c.subject_name.to_lowercase(), c.group_number);
    match by {
        GroupBy::Teacher => shown.sort_by(|a, b| {
            let (ta, tb) = (teachers_text(a), teachers_text(b));
            (ta.is_empty(), ta.to_lowercase(), class_key(&a.class_name))
                .cmp(&(tb.is_empty(), tb.to_lowercase(), class_key(&b.class_name)))
                .then_with(|| subject_key(a).cmp(&subject_key(b)))
        }),
        GroupBy::Class => shown.sort_by(|a, b| {
            (class_key(&a.class_name), a.class_id)
                .cmp(&(class_key(&b.class_name), b.class_id))
                .then_with(|| subject_key(a).cmp(&subject_key(b)))
        }),
    }
    let mut out: Vec<Group<'_>> = Vec::new();
    for course in shown {
        let heading = match by {
            GroupBy::Teacher => teachers_text(course),
            GroupBy::Class => course.class_name.trim().to_string(),
        };
        match out.last_mut() {
            Some(g) if g.heading == heading => {
                g.missing += course.missing;
                g.courses.push(course);
            }
            _ => out.push(Group {
                heading,
                missing: course.missing,
                courses: vec![course],
            }),
        }
    }
    out
}

/// The totals of a closing view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub courses: u32,
    /// Courses with every due mark set.
    pub complete: u32,
    /// Marks due over all courses, set and missing.
    pub due: u32,
    pub set: u32,
    pub missing: u32,
}

/// Counts the courses (the server's `complete_courses` and `missing_marks` come out of the same
/// rule: a course is complete when none of its due marks is missing).
pub fn totals(closing: &PeriodClosing) -> Totals {
    closing
        .courses
        .iter()
        .fold(Totals::default(), |t, c| Totals {
            courses: t.courses + 1,
            complete: t.complete + u32::from(c.missing == 0),
            due: t.due + c.students,
            set: t.set + c.set,
            missing: t.missing + c.missing,
        })
}

/// Whether every final mark of the term is set (and there is something to set).
pub fn all_set(closing: &PeriodClosing) -> bool {
    !closing.courses.is_empty() && closing.missing_marks == 0 && totals(closing).missing == 0
}

/// The failing marks by class (grade order), student and subject.
pub fn failing_sorted(closing: &PeriodClosing) -> Vec<&FailingFinalMark> {
    let mut out: Vec<&FailingFinalMark> = closing.failing.iter().collect();
    out.sort_by(|a, b| {
        (
            class_key(&a.class_name),
            a.student_name.to_lowercase(),
            a.subject_name.to_lowercase(),
        )
            .cmp(&(
                class_key(&b.class_name),
                b.student_name.to_lowercase(),
                b.subject_name.to_lowercase(),
            ))
    });
    out
}

/// A course's journal: `/journal/{course_id}?school=`.
pub fn journal_href(school_id: Uuid, course_id: Uuid) -> String {
    format!("/journal/{course_id}?school={school_id}")
}

/// "5А" or "5А, гр. 2".
fn class_text(course: &ClosingCourse, locale: Locale) -> String {
    match course.group_number {
        Some(g) => format!(
            "{}, {}",
            course.class_name,
            td_string!(locale, class_summary.group, number = g)
        ),
        None => course.class_name.clone(),
    }
}

/// The course rows of one group.
fn courses_table(group: &Group<'_>, school_id: Uuid, locale: Locale) -> Table {
    let l = |key: fn(Locale) -> &'static str| key(locale).to_string();
    let head = vec![
        l(|l| td_string!(l, closing.col_class)),
        l(|l| td_string!(l, closing.col_subject)),
        l(|l| td_string!(l, closing.col_teachers)),
        l(|l| td_string!(l, closing.col_students)),
        l(|l| td_string!(l, closing.col_set)),
        l(|l| td_string!(l, closing.col_missing)),
        String::new(),
    ];
    let rows = group
        .courses
        .iter()
        .map(|c| {
            let teachers = teachers_text(c);
            let missing = if c.missing > 0 {
                Part::Badge {
                    class: "badge badge-danger",
                    text: c.missing.to_string(),
                }
            } else {
                Part::Badge {
                    class: "badge",
                    text: td_string!(locale, closing.complete).to_string(),
                }
            };
            Row::new("closing-course")
                .class(if c.missing > 0 {
                    "closing-missing"
                } else {
                    "closing-done"
                })
                .attr("data-course-id", c.course_id.to_string())
                .attr("data-class-id", c.class_id.to_string())
                .attr("data-students", c.students.to_string())
                .attr("data-set", c.set.to_string())
                .attr("data-missing", c.missing.to_string())
                .cell(
                    Cell::new(l(|l| td_string!(l, closing.col_class))).text(class_text(c, locale)),
                )
                .cell(Cell::new(l(|l| td_string!(l, closing.col_subject))).text(&c.subject_name))
                .cell(if teachers.is_empty() {
                    Cell::new(l(|l| td_string!(l, closing.col_teachers)))
                        .muted(td_string!(locale, closing.no_teacher))
                } else {
                    Cell::new(l(|l| td_string!(l, closing.col_teachers))).text(teachers)
                })
                .cell(
                    Cell::new(l(|l| td_string!(l, closing.col_students)))
                        .text(c.students.to_string()),
                )
                .cell(Cell::new(l(|l| td_string!(l, closing.col_set))).text(c.set.to_string()))
                .cell(Cell::new(l(|l| td_string!(l, closing.col_missing))).part(missing))
                .cell(Cell::new("").part(Part::Link {
                    href: journal_href(school_id, c.course_id),
                    testid: "closing-journal",
                    text: td_string!(locale, closing.open_journal).to_string(),
                }))
        })
        .collect();
    Table {
        testid: "closing-courses",
        head,
        rows,
    }
}

/// The failing marks as a table.
fn failing_table(list: &[&FailingFinalMark], locale: Locale) -> Table {
    let l = |key: fn(Locale) -> &'static str| key(locale).to_string();
    Table {
        testid: "closing-failing",
        head: vec![
            l(|l| td_string!(l, closing.col_class)),
            l(|l| td_string!(l, closing.col_student)),
            l(|l| td_string!(l, closing.col_subject)),
            l(|l| td_string!(l, closing.col_mark)),
        ],
        rows: list
            .iter()
            .map(|f| {
                Row::new("closing-failing-row")
                    .attr("data-student-id", f.student_id.to_string())
                    .attr("data-subject-id", f.subject_id.to_string())
                    .attr("data-value", &f.value)
                    .cell(Cell::new(l(|l| td_string!(l, closing.col_class))).text(&f.class_name))
                    .cell(
                        Cell::new(l(|l| td_string!(l, closing.col_student))).text(&f.student_name),
                    )
                    .cell(
                        Cell::new(l(|l| td_string!(l, closing.col_subject))).text(&f.subject_name),
                    )
                    .cell(
                        Cell::new(l(|l| td_string!(l, closing.col_mark))).part(Part::Badge {
                            class: "badge badge-danger",
                            text: f.label.clone(),
                        }),
                    )
            })
            .collect(),
    }
}

/// The page's body under its controls: the term's dates, the totals (or "all set"), the
/// groups of courses and the failing marks.
pub fn closing_html(
    closing: &PeriodClosing,
    view: View,
    school_id: Uuid,
    locale: Locale,
) -> String {
    let t = totals(closing);
    let mut out = String::with_capacity(2048 + 600 * closing.courses.len());
    out.push_str("<p class=\"closing-term\" data-testid=\"closing-term\"");
    push_attr(&mut out, "data-term", &closing.term.code());
    push_attr(
        &mut out,
        "data-year-id",
        &closing.academic_year_id.to_string(),
    );
    out.push('>');
    escape(
        &td_string!(
            locale,
            closing.term_line,
            term = term_label(locale, closing.term),
            ends = crate::roster::format_day(closing.ends_on, locale),
            closes = crate::roster::format_day(closing.closes_on, locale)
        ),
        &mut out,
    );
    out.push_str("</p>");

    if closing.courses.is_empty() {
        out.push_str("<p class=\"note\" data-testid=\"closing-no-courses\">");
        escape(td_string!(locale, closing.no_courses), &mut out);
        out.push_str("</p>");
    } else {
        out.push_str("<p class=\"closing-totals\" data-testid=\"closing-totals\"");
        push_attr(&mut out, "data-courses", &t.courses.to_string());
        push_attr(
            &mut out,
            "data-complete",
            &closing.complete_courses.to_string(),
        );
        push_attr(&mut out, "data-missing", &closing.missing_marks.to_string());
        out.push('>');
        escape(
            &td_string!(
                locale,
                closing.totals,
                complete = closing.complete_courses,
                total = t.courses,
                missing = closing.missing_marks
            ),
            &mut out,
        );
        out.push_str("</p>");
        if all_set(closing) {
            out.push_str(
                "<p class=\"success closing-all-set\" role=\"status\" data-testid=\"closing-all-set\">",
            );
            escape(td_string!(locale, closing.all_set), &mut out);
            out.push_str("</p>");
        }
        let groups = groups(closing, view.by, view.only_missing());
        let shown: usize = groups.iter().map(|g| g.courses.len()).sum();
        out.push_str("<div class=\"closing-groups\" data-testid=\"closing-groups\"");
        push_attr(&mut out, "data-by", view.by.value());
        push_attr(&mut out, "data-shown", &shown.to_string());
        out.push('>');
        if groups.is_empty() && !all_set(closing) {
            out.push_str("<p class=\"muted\" data-testid=\"closing-none-shown\">");
            escape(td_string!(locale, closing.none_shown), &mut out);
            out.push_str("</p>");
        }
        for g in &groups {
            out.push_str("<section class=\"closing-group\" data-testid=\"closing-group\"");
            push_attr(&mut out, "data-missing", &g.missing.to_string());
            out.push_str("><h3 class=\"closing-group-head\">");
            if g.heading.is_empty() {
                escape(td_string!(locale, closing.no_teacher), &mut out);
            } else {
                escape(&g.heading, &mut out);
            }
            if g.missing > 0 {
                out.push_str(" <span class=\"badge badge-danger\">");
                escape(
                    &td_string!(locale, closing.group_missing, count = g.missing),
                    &mut out,
                );
                out.push_str("</span>");
            }
            out.push_str("</h3><div class=\"table-wrap\">");
            out.push_str(&render(&courses_table(g, school_id, locale)));
            out.push_str("</div></section>");
        }
        out.push_str("</div>");
    }

    out.push_str("<h2 class=\"closing-failing-title\">");
    escape(td_string!(locale, closing.failing_title), &mut out);
    out.push_str("</h2>");
    let failing = failing_sorted(closing);
    if failing.is_empty() {
        out.push_str("<p class=\"muted\" data-testid=\"closing-failing-none\">");
        escape(td_string!(locale, closing.failing_none), &mut out);
        out.push_str("</p>");
    } else {
        out.push_str("<div class=\"table-wrap\">");
        out.push_str(&render(&failing_table(&failing, locale)));
        out.push_str("</div>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    const SCHOOL: Uuid = Uuid::from_u128(0x5C);
    const YEAR: Uuid = Uuid::from_u128(0x2026);
    const C5A: Uuid = Uuid::from_u128(0x5A);
    const C10B: Uuid = Uuid::from_u128(0x10B);
    const C9A: Uuid = Uuid::from_u128(0x9A);

    fn q(number: i32) -> Term {
        Term::Period {
            kind: PeriodKind::Quarter,
            number,
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn course(
        id: u128,
        class: (Uuid, &str),
        subject: &str,
        teachers: &[&str],
        students: u32,
        set: u32,
    ) -> ClosingCourse {
        ClosingCourse {
            course_id: Uuid::from_u128(id),
            class_id: class.0,
            class_name: class.1.into(),
            group_number: None,
            subject_id: Uuid::from_u128(id + 0x1000),
            subject_name: subject.into(),
            teacher_ids: teachers
                .iter()
                .enumerate()
                .map(|(i, _)| Uuid::from_u128(0x7000 + i as u128))
                .collect(),
            teacher_names: teachers.iter().map(|t| t.to_string()).collect(),
            students,
            set,
            missing: students - set,
        }
    }

    fn failing(student: &str, class: (Uuid, &str), subject: &str, value: &str) -> FailingFinalMark {
        FailingFinalMark {
            student_id: Uuid::from_u128(student.len() as u128),
            student_name: student.into(),
            class_id: class.0,
            class_name: class.1.into(),
            subject_id: Uuid::from_u128(subject.len() as u128),
            subject_name: subject.into(),
            value: value.into(),
            label: value.into(),
        }
    }

    fn closing() -> PeriodClosing {
        let courses = vec![
            course(
                1,
                (C10B, "10Б"),
                "Физика",
                &["Петров Пётр Петрович"],
                25,
                25,
            ),
            course(
                2,
                (C5A, "5А"),
                "Математика",
                &["Петров Пётр Петрович"],
                28,
                20,
            ),
            course(
                3,
                (C9A, "9А"),
                "Алгебра",
                &["Иванова Ирина Ивановна"],
                24,
                0,
            ),
            course(4, (C5A, "5А"), "Музыка", &[], 28, 27),
            course(
                5,
                (C9A, "9А"),
                "Английский язык",
                &["Иванова Ирина Ивановна"],
                12,
                12,
            ),
        ];
        PeriodClosing {
            academic_year_id: YEAR,
            term: q(1),
            ends_on: day(2026, 10, 24),
            closes_on: day(2026, 10, 27),
            complete_courses: 2,
            missing_marks: 8 + 24 + 1,
            courses,
            failing: vec![
                failing("Яковлев Ян", (C9A, "9А"), "Алгебра", "2"),
                failing("Алексеев Антон", (C10B, "10Б"), "Физика", "н/а"),
                failing("Борисова Вера", (C9A, "9А"), "Алгебра", "н/а"),
            ],
        }
    }

    fn ids(g: &Group<'_>) -> Vec<u128> {
        g.courses.iter().map(|c| c.course_id.as_u128()).collect()
    }

    #[test]
    fn the_url_keeps_the_term_the_class_the_grouping_and_the_filter() {
        let v = View::parse(
            Some("quarter_2"),
            Some(&C5A.to_string()),
            Some("class"),
            Some("1"),
        );
        assert_eq!(v.term, Some(q(2)));
        assert_eq!(v.class_id, Some(C5A));
        assert_eq!(v.by, GroupBy::Class);
        assert!(v.all && !v.only_missing());
        assert_eq!(
            closing_href(SCHOOL, v),
            format!("/closing?school={SCHOOL}&term=quarter_2&class={C5A}&by=class&all=1")
        );
        let d = View::parse(Some("quarter_9"), Some("x"), Some("nope"), Some("0"));
        assert_eq!(d, View::default(), "nonsense counts as absent");
        assert!(
            d.only_missing(),
            "only courses with missing marks by default"
        );
        assert_eq!(closing_href(SCHOOL, d), format!("/closing?school={SCHOOL}"));
        assert_eq!(api_query(None, None), "");
        assert_eq!(
            api_query(Some(Term::Year), Some(C9A)),
            format!("?term=year&class_id={C9A}")
        );
    }

    #[test]
    fn the_term_picker_offers_the_final_kinds_periods_and_the_year() {
        let p = |kind, number: i32| Period {
            id: Uuid::from_u128(number as u128 + 100 * kind as u128),
            academic_year_id: YEAR,
            kind,
            number,
            starts_on: day(2026, 9, 1),
            ends_on: day(2026, 10, 24),
        };
        let periods = [
            p(PeriodKind::Quarter, 2),
            p(PeriodKind::Quarter, 1),
            p(PeriodKind::HalfYear, 1),
            p(PeriodKind::Year, 1),
            p(PeriodKind::Quarter, 4),
            p(PeriodKind::Quarter, 3),
        ];
        assert_eq!(
            term_choices(&periods, PeriodKind::Quarter, Some(q(1))),
            [q(1), q(2), q(3), q(4), Term::Year, Term::Exam, Term::Final]
        );
        assert_eq!(
            term_choices(&periods, PeriodKind::Trimester, None),
            [Term::Year, Term::Exam, Term::Final]
        );
        assert_eq!(
            term_choices(&periods[..1], PeriodKind::Quarter, Some(q(4))),
            [q(2), q(4), Term::Year, Term::Exam, Term::Final],
            "the shown term is offered even when the year's periods lack it"
        );
    }

    #[test]
    fn courses_group_by_teacher_with_the_teacherless_last() {
        let c = closing();
        let g = groups(&c, GroupBy::Teacher, false);
        let heads: Vec<&str> = g.iter().map(|g| g.heading.as_str()).collect();
        assert_eq!(
            heads,
            ["Иванова\u{a0}И.\u{a0}И.", "Петров\u{a0}П.\u{a0}П.", ""]
        );
        assert_eq!(ids(&g[0]), [3, 5], "same class: subjects by name");
        assert_eq!(ids(&g[1]), [2, 1], "5А before 10Б");
        assert_eq!(g[0].missing, 24);
        assert_eq!(g[1].missing, 8);
        assert_eq!(g[2].missing, 1);

        // Only the courses still lacking marks (the default).
        let g = groups(&c, GroupBy::Teacher, true);
        assert_eq!(
            g.iter().flat_map(ids).collect::<Vec<_>>(),
            [3, 2, 4],
            "complete courses are left out"
        );
    }

    #[test]
    fn courses_group_by_class_in_grade_order() {
        let c = closing();
        let g = groups(&c, GroupBy::Class, false);
        let heads: Vec<&str> = g.iter().map(|g| g.heading.as_str()).collect();
        assert_eq!(heads, ["5А", "9А", "10Б"]);
        assert_eq!(ids(&g[0]), [2, 4]);
        assert_eq!(ids(&g[1]), [3, 5]);
        assert_eq!(g[0].missing, 9);
        let g = groups(&c, GroupBy::Class, true);
        assert_eq!(
            g.iter().map(|g| g.heading.as_str()).collect::<Vec<_>>(),
            ["5А", "9А"]
        );
        assert_eq!(class_key("11А"), (11, "а".into()));
        assert!(class_key("9Б") < class_key("10А"));
        assert!(class_key("Подготовительный") > class_key("11А"));
    }

    #[test]
    fn totals_count_complete_courses_and_missing_marks() {
        let c = closing();
        let t = totals(&c);
        assert_eq!(
            t,
            Totals {
                courses: 5,
                complete: 2,
                due: 117,
                set: 84,
                missing: 33
            }
        );
        assert_eq!(t.complete, c.complete_courses, "the server's rule");
        assert_eq!(t.missing, c.missing_marks);
        assert!(!all_set(&c));

        let mut done = c.clone();
        for course in &mut done.courses {
            course.set = course.students;
            course.missing = 0;
        }
        done.missing_marks = 0;
        done.complete_courses = 5;
        assert!(all_set(&done));
        assert!(groups(&done, GroupBy::Teacher, true).is_empty());
        let mut none = done.clone();
        none.courses.clear();
        assert!(!all_set(&none), "nothing to set is not «all set»");
    }

    #[test]
    fn failing_marks_are_listed_by_class_student_and_subject() {
        let c = closing();
        let names: Vec<&str> = failing_sorted(&c)
            .iter()
            .map(|f| f.student_name.as_str())
            .collect();
        assert_eq!(names, ["Борисова Вера", "Яковлев Ян", "Алексеев Антон"]);
    }

    #[test]
    fn the_body_shows_totals_groups_links_and_failing_marks() {
        let c = closing();
        let html = closing_html(&c, View::default(), SCHOOL, Locale::ru);
        assert!(
            html.contains("data-testid=\"closing-term\" data-term=\"quarter_1\""),
            "{html}"
        );
        assert!(
            html.contains("1 четверть: окончание 24.10.2026, учителя выставляют итоговые отметки до 27.10.2026"),
            "{html}"
        );
        assert!(
            html.contains("data-courses=\"5\" data-complete=\"2\" data-missing=\"33\""),
            "{html}"
        );
        assert!(!html.contains("closing-all-set"), "{html}");
        assert!(
            html.contains("data-by=\"teacher\" data-shown=\"3\""),
            "{html}"
        );
        assert_eq!(html.matches("data-testid=\"closing-course\"").count(), 3);
        let journal = format!("href=\"/journal/{}?school={SCHOOL}\"", Uuid::from_u128(3));
        assert!(html.contains(&journal), "{html}");
        assert!(html.contains("data-testid=\"closing-journal\""), "{html}");
        assert!(html.contains("Учитель не назначен"), "{html}");
        assert!(html.contains("не выставлено: 24"), "{html}");
        assert_eq!(
            html.matches("data-testid=\"closing-failing-row\"").count(),
            3
        );
        assert!(
            html.contains("<span class=\"badge badge-danger\">н/а</span>"),
            "{html}"
        );

        let all = View {
            all: true,
            by: GroupBy::Class,
            ..View::default()
        };
        let html = closing_html(&c, all, SCHOOL, Locale::en);
        assert_eq!(html.matches("data-testid=\"closing-course\"").count(), 5);
        assert!(html.contains("class=\"closing-done\""), "{html}");
        assert!(html.contains("data-by=\"class\""), "{html}");
    }

    #[test]
    fn everything_set_says_so_plainly() {
        let mut c = closing();
        for course in &mut c.courses {
            course.set = course.students;
            course.missing = 0;
        }
        c.missing_marks = 0;
        c.complete_courses = 5;
        c.failing.clear();
        let html = closing_html(&c, View::default(), SCHOOL, Locale::ru);
        assert!(html.contains("data-testid=\"closing-all-set\""), "{html}");
        assert!(html.contains("Все итоговые отметки выставлены"), "{html}");
        assert!(!html.contains("closing-none-shown"), "{html}");
        assert!(!html.contains("data-testid=\"closing-course\""), "{html}");
        assert!(html.contains("closing-failing-none"), "{html}");

        c.courses.clear();
        let html = closing_html(&c, View::default(), SCHOOL, Locale::ru);
        assert!(html.contains("closing-no-courses"), "{html}");
        assert!(!html.contains("closing-all-set"), "{html}");
    }
}
