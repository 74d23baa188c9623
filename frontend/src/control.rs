//! The weekly journal-keeping control (`/reports/control?school=&week=&teacher=&course=&issue=`,
//! контроль ведения журнала, regulation §10, §17): for an ISO week (Monday to Sunday), each
//! teacher's and each course's lessons without a topic, without homework, without attendance,
//! the marks, the students with too few marks, late marks and missing final marks, and a score.
//! A course row opens its drill-down: the lessons (or students) behind its numbers.
//!
//! The page shows the tables of [`otmetka_domain::reports::control_tables`] (what the CSV/XLSX
//! exports hold); this module keeps the URL, the week arithmetic, which column means which
//! issue, the chart's bars and the drill-down's HTML. Plain functions, tested on the host.

use chrono::{Datelike, Duration, NaiveDate};
use otmetka_domain::reports::{
    ControlCounts, ControlDetail, ControlIssue, ControlLesson, ControlRow, JournalControl,
};
use uuid::Uuid;

use crate::i18n::{Locale, td_string};
use crate::paging::query_string;
use crate::schedule::push_attr;
use crate::table::{Cell, Part, Row, Table, escape, render};

// ---------- ISO weeks ----------

/// The Monday of `day`'s ISO week.
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The Monday `weeks` weeks after (or before, when negative) `day`'s week.
pub fn shift_week(day: NaiveDate, weeks: i64) -> NaiveDate {
    monday_of(day) + Duration::weeks(weeks)
}

/// `2026-W48`: the ISO year and week number of `day`'s week.
pub fn iso_week_code(day: NaiveDate) -> String {
    let w = day.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// Reads a week as the URL or an input gives it: any day (`2026-11-25`, `25.11.2026`) or an ISO
/// week (`2026-W48`); the answer is the week's Monday. Anything else: `None`.
pub fn parse_week(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    if let Some((year, week)) = value.split_once("-W").or_else(|| value.split_once("-w")) {
        let (year, week) = (year.parse().ok()?, week.parse().ok()?);
        return NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon);
    }
    crate::roster::parse_day(value).map(monday_of)
}

/// The week as a heading: `23.11–29.11.2026, неделя 48` (the range crosses a year as
/// `28.12.2026–03.01.2027`).
pub fn week_label(monday: NaiveDate, locale: Locale) -> String {
    let sunday = monday + Duration::days(6);
    let range = if monday.year() == sunday.year() {
        format!("{}–{}", monday.format("%d.%m"), sunday.format("%d.%m.%Y"))
    } else {
        format!(
            "{}–{}",
            monday.format("%d.%m.%Y"),
            sunday.format("%d.%m.%Y")
        )
    };
    td_string!(
        locale,
        control.week_label,
        range = range,
        number = monday.iso_week().week()
    )
}

// ---------- the URL ----------

/// What the page shows, as kept in its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct View {
    /// The week's Monday; `None`: the current week (the server's choice).
    pub week: Option<NaiveDate>,
    /// The teacher whose courses are listed (a click on a teacher row); `None`: everyone's.
    pub teacher: Option<Uuid>,
    /// The course whose drill-down is open …
    pub course: Option<Uuid>,
    /// … and the teacher of its row (a course with two teachers has a row for each).
    pub course_teacher: Option<Uuid>,
    /// The drill-down's issue; `None`: every lesson and student of the course.
    pub issue: Option<ControlIssue>,
}

impl View {
    /// Reads `?week=&teacher=&course=&course_teacher=&issue=` (in this order); anything
    /// invalid counts as absent.
    pub fn parse(params: [Option<&str>; 5]) -> View {
        let [week, teacher, course, course_teacher, issue] = params;
        let id = |v: Option<&str>| v.and_then(|v| Uuid::parse_str(v.trim()).ok());
        let course = id(course);
        View {
            week: week.and_then(parse_week),
            teacher: id(teacher),
            course,
            // A drill-down's teacher or issue without a course means nothing.
            course_teacher: course.and(id(course_teacher)),
            issue: course.and(issue.and_then(parse_issue)),
        }
    }

    /// The URL's parameter names, in the order [`View::parse`] takes them.
    pub const PARAMS: [&'static str; 5] = ["week", "teacher", "course", "course_teacher", "issue"];

    /// The same view in another week: the drill-down closes (its numbers were that week's).
    pub fn in_week(self, week: Option<NaiveDate>) -> View {
        View {
            week: week.map(monday_of),
            course: None,
            course_teacher: None,
            issue: None,
            ..self
        }
    }
}

/// `/reports/control?school=&week=&teacher=&course=&course_teacher=&issue=`.
pub fn control_href(school_id: Uuid, view: View) -> String {
    format!(
        "/reports/control{}",
        query_string(&[
            ("school", Some(school_id.to_string())),
            ("week", view.week.map(|w| w.to_string())),
            ("teacher", view.teacher.map(|t| t.to_string())),
            ("course", view.course.map(|c| c.to_string())),
            ("course_teacher", view.course_teacher.map(|t| t.to_string())),
            ("issue", view.issue.map(|i| issue_param(i).to_string())),
        ])
    )
}

/// `?week=&teacher_id=&table=` of `GET …/reports/journal-control` and its exports.
pub fn control_query(
    week: Option<NaiveDate>,
    teacher_id: Option<Uuid>,
    table: Option<&str>,
) -> String {
    query_string(&[
        ("week", week.map(|w| w.to_string())),
        ("teacher_id", teacher_id.map(|t| t.to_string())),
        ("table", table.map(str::to_string)),
    ])
}

/// `?week=&teacher_id=&issue=` of `GET …/reports/journal-control/courses/{id}`.
pub fn detail_query(
    week: Option<NaiveDate>,
    teacher_id: Option<Uuid>,
    issue: Option<ControlIssue>,
) -> String {
    query_string(&[
        ("week", week.map(|w| w.to_string())),
        ("teacher_id", teacher_id.map(|t| t.to_string())),
        ("issue", issue.map(|i| issue_param(i).to_string())),
    ])
}

// ---------- issues ----------

/// Every issue, in the order of the table's columns.
pub const ISSUES: [ControlIssue; 6] = [
    ControlIssue::WithoutTopic,
    ControlIssue::WithoutHomework,
    ControlIssue::WithoutAttendance,
    ControlIssue::BelowMinMarks,
    ControlIssue::WithoutMarks,
    ControlIssue::LateMarks,
];

/// The API's name of an issue (`without_topic`).
pub fn issue_param(issue: ControlIssue) -> &'static str {
    match issue {
        ControlIssue::WithoutTopic => "without_topic",
        ControlIssue::WithoutHomework => "without_homework",
        ControlIssue::WithoutAttendance => "without_attendance",
        ControlIssue::LateMarks => "late_marks",
        ControlIssue::BelowMinMarks => "below_min_marks",
        ControlIssue::WithoutMarks => "without_marks",
    }
}

pub fn parse_issue(value: &str) -> Option<ControlIssue> {
    let value = value.trim();
    ISSUES.into_iter().find(|i| issue_param(*i) == value)
}

/// Whether the issue lists students (else lessons).
pub fn lists_students(issue: ControlIssue) -> bool {
    matches!(
        issue,
        ControlIssue::BelowMinMarks | ControlIssue::WithoutMarks
    )
}

/// How many of a row's lessons or students have the issue.
pub fn issue_count(counts: &ControlCounts, issue: ControlIssue) -> u32 {
    match issue {
        ControlIssue::WithoutTopic => counts.without_topic,
        ControlIssue::WithoutHomework => counts.without_homework,
        ControlIssue::WithoutAttendance => counts.without_attendance,
        ControlIssue::LateMarks => counts.late_marks,
        ControlIssue::BelowMinMarks => counts.students_below_min,
        ControlIssue::WithoutMarks => counts.students_without_marks,
    }
}

/// The issue a row opens with when no column says which: the first one it has (lessons without
/// a topic first), else none (every lesson).
pub fn first_issue(counts: &ControlCounts) -> Option<ControlIssue> {
    ISSUES.into_iter().find(|i| issue_count(counts, *i) > 0)
}

/// The columns of a control table before the counts (`Учитель`; `Учитель`, `Класс`, `Предмет`).
fn leading_columns(table_key: &str) -> usize {
    if table_key == "courses" { 3 } else { 1 }
}

/// Which drill-down a cell of a control table opens, by its column: `Some(Some(issue))` for an
/// issue's column («Без темы» → lessons without a topic), `Some(None)` for the other count
/// columns (every lesson and student), `None` for the name columns (the row's own choice,
/// [`first_issue`]). The columns are those of `control_tables` (see the tests).
pub fn column_issue(table_key: &str, col: usize) -> Option<Option<ControlIssue>> {
    let count_col = col.checked_sub(leading_columns(table_key))?;
    Some(match count_col {
        1 => Some(ControlIssue::WithoutTopic),
        2 => Some(ControlIssue::WithoutHomework),
        3 => Some(ControlIssue::WithoutAttendance),
        7 => Some(ControlIssue::BelowMinMarks),
        8 => Some(ControlIssue::WithoutMarks),
        9 => Some(ControlIssue::LateMarks),
        _ => None,
    })
}

/// The issue a click opens: the clicked column's ([`column_issue`], found by its heading), else
/// the row's first issue.
pub fn clicked_issue(
    table_key: &str,
    headers: &[String],
    heading: Option<&str>,
    counts: &ControlCounts,
) -> Option<ControlIssue> {
    let col = heading.and_then(|h| headers.iter().position(|x| x == h));
    match col.and_then(|c| column_issue(table_key, c)) {
        Some(issue) => issue,
        None => first_issue(counts),
    }
}

/// An issue's name in the picker and the drill-down's heading.
pub fn issue_text(locale: Locale, issue: ControlIssue) -> &'static str {
    match issue {
        ControlIssue::WithoutTopic => td_string!(locale, control.issue_without_topic),
        ControlIssue::WithoutHomework => td_string!(locale, control.issue_without_homework),
        ControlIssue::WithoutAttendance => td_string!(locale, control.issue_without_attendance),
        ControlIssue::LateMarks => td_string!(locale, control.issue_late_marks),
        ControlIssue::BelowMinMarks => td_string!(locale, control.issue_below_min_marks),
        ControlIssue::WithoutMarks => td_string!(locale, control.issue_without_marks),
    }
}

// ---------- rows, tables and the chart ----------

/// The control with only `teacher`'s course rows (every row without a teacher chosen); the
/// teachers' table stays whole.
pub fn filtered(control: &JournalControl, teacher: Option<Uuid>) -> JournalControl {
    let mut out = control.clone();
    if let Some(t) = teacher {
        out.courses.retain(|c| c.teacher_id == t);
    }
    out
}

/// The course row of the open drill-down.
pub fn course_row(
    control: &JournalControl,
    course: Uuid,
    teacher: Option<Uuid>,
) -> Option<&ControlRow> {
    control
        .courses
        .iter()
        .filter(|c| c.course_id == Some(course))
        .find(|c| teacher.is_none_or(|t| c.teacher_id == t))
}

/// A bar of the scores chart: the teacher's short name and score.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreBar {
    pub teacher_id: Uuid,
    pub label: String,
    pub score: f64,
}

/// The teachers' scores, lowest first (who needs attention on top); teachers without a score
/// (nothing to count this week) are left out.
pub fn score_bars(control: &JournalControl) -> Vec<ScoreBar> {
    let mut bars: Vec<ScoreBar> = control
        .teachers
        .iter()
        .filter_map(|t| {
            t.counts.score.map(|score| ScoreBar {
                teacher_id: t.teacher_id,
                label: crate::schedule::short_name(&t.teacher_name),
                score,
            })
        })
        .collect();
    bars.sort_by(|a, b| {
        a.score
            .partial_cmp(&b.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.label.cmp(&b.label))
    });
    bars
}

/// The chart «Баллы ведения журнала»: one bar per teacher with a score, lowest first, on a
/// 0–100 scale.
pub fn score_chart_data(control: &JournalControl, locale: Locale) -> crate::charts::ChartData {
    let bars = score_bars(control);
    crate::charts::ChartData {
        title: td_string!(locale, control.chart_title).to_string(),
        categories: bars.iter().map(|b| b.label.clone()).collect(),
        series: vec![crate::charts::Series {
            name: td_string!(locale, control.chart_series).to_string(),
            values: bars.iter().map(|b| Some(b.score)).collect(),
        }],
        max: Some(100.0),
        decimals: 1,
        unit: "",
        empty_text: td_string!(locale, reports.chart_empty).to_string(),
    }
}

// ---------- the drill-down ----------

/// «Найдено 3 урока» / «2 ученика» with the Russian plural forms.
pub fn lessons_count_text(locale: Locale, count: usize) -> String {
    td_string!(locale, control.lessons_count, count = count)
}

pub fn students_count_text(locale: Locale, count: usize) -> String {
    td_string!(locale, control.students_count, count = count)
}

fn day_text(day: NaiveDate, locale: Locale) -> String {
    crate::roster::format_day(day, locale)
}

fn lesson_row(l: &ControlLesson, locale: Locale) -> Row {
    let label = |key: fn(Locale) -> &'static str| key(locale).to_string();
    let col_date = label(|l| td_string!(l, control.col_date));
    let col_number = label(|l| td_string!(l, control.col_number));
    let col_topic = label(|l| td_string!(l, control.col_topic));
    let col_homework = label(|l| td_string!(l, control.col_homework));
    let col_attendance = label(|l| td_string!(l, control.col_attendance));
    let col_marks = label(|l| td_string!(l, control.col_marks));
    let col_late = label(|l| td_string!(l, control.col_late));
    let danger = |text: &str| Part::Badge {
        class: "badge badge-danger",
        text: text.to_string(),
    };
    let mut date = Cell::new(col_date).text(day_text(l.date, locale));
    if let Some(s) = &l.substitute_name {
        date = date.part(Part::Break).muted(td_string!(
            locale,
            control.substitute,
            name = crate::schedule::short_name(s)
        ));
    }
    let topic = match l.topic.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Cell::new(col_topic).text(t),
        None => Cell::new(col_topic).part(danger(td_string!(locale, control.no_topic))),
    };
    let homework = match l
        .homework
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(h) => Cell::new(col_homework).text(h),
        None if l.homework_expected => {
            Cell::new(col_homework).part(danger(td_string!(locale, control.no_homework)))
        }
        None => Cell::new(col_homework).muted(td_string!(locale, control.homework_not_expected)),
    };
    let attendance = if l.attendance_taken {
        Cell::new(col_attendance).text(td_string!(locale, control.attendance_taken))
    } else {
        Cell::new(col_attendance).part(danger(td_string!(locale, control.attendance_missing)))
    };
    let late = if l.late_marks > 0 {
        Cell::new(col_late).part(danger(&l.late_marks.to_string()))
    } else {
        Cell::new(col_late).text("0")
    };
    Row::new("control-lesson")
        .attr("data-lesson-id", l.lesson_id.to_string())
        .attr("data-date", l.date.to_string())
        .attr("data-lesson-number", l.lesson_number.to_string())
        .attr(
            "data-has-topic",
            l.topic
                .as_deref()
                .is_some_and(|t| !t.trim().is_empty())
                .to_string(),
        )
        .attr(
            "data-has-homework",
            l.homework
                .as_deref()
                .is_some_and(|t| !t.trim().is_empty())
                .to_string(),
        )
        .attr("data-attendance-taken", l.attendance_taken.to_string())
        .attr("data-marks", l.marks.to_string())
        .attr("data-late-marks", l.late_marks.to_string())
        .cell(date)
        .cell(Cell::new(col_number).text(l.lesson_number.to_string()))
        .cell(topic)
        .cell(homework)
        .cell(attendance)
        .cell(Cell::new(col_marks).text(l.marks.to_string()))
        .cell(late)
}

fn lessons_table(d: &ControlDetail, locale: Locale) -> Table {
    let l = |key: fn(Locale) -> &'static str| key(locale).to_string();
    Table {
        testid: "control-lessons",
        head: vec![
            l(|l| td_string!(l, control.col_date)),
            l(|l| td_string!(l, control.col_number)),
            l(|l| td_string!(l, control.col_topic)),
            l(|l| td_string!(l, control.col_homework)),
            l(|l| td_string!(l, control.col_attendance)),
            l(|l| td_string!(l, control.col_marks)),
            l(|l| td_string!(l, control.col_late)),
        ],
        rows: d.lessons.iter().map(|x| lesson_row(x, locale)).collect(),
    }
}

fn students_table(d: &ControlDetail, min_marks: i32, locale: Locale) -> Table {
    let l = |key: fn(Locale) -> &'static str| key(locale).to_string();
    let (col_student, col_marks) = (
        l(|l| td_string!(l, control.col_student)),
        l(|l| td_string!(l, control.col_period_marks)),
    );
    Table {
        testid: "control-students",
        head: vec![col_student.clone(), col_marks.clone()],
        rows: d
            .students
            .iter()
            .map(|s| {
                let below = i64::from(s.marks) < i64::from(min_marks);
                let marks = if below {
                    Cell::new(col_marks.clone()).part(Part::Badge {
                        class: "badge badge-danger",
                        text: s.marks.to_string(),
                    })
                } else {
                    Cell::new(col_marks.clone()).text(s.marks.to_string())
                };
                Row::new("control-student")
                    .attr("data-student-id", s.student_id.to_string())
                    .attr("data-marks", s.marks.to_string())
                    .attr("data-below-min", below.to_string())
                    .cell(Cell::new(col_student.clone()).text(&s.name))
                    .cell(marks)
            })
            .collect(),
    }
}

/// The drill-down's body under its heading and issue picker: the course's week, the journal
/// link, the lessons (every one, or those with the issue) and the students (for the student
/// issues, or every one without an issue).
pub fn detail_html(d: &ControlDetail, school_id: Uuid, min_marks: i32, locale: Locale) -> String {
    let mut out = String::with_capacity(1024 + 400 * (d.lessons.len() + d.students.len()));
    out.push_str("<p class=\"control-detail-head\">");
    escape(
        &td_string!(
            locale,
            control.detail_line,
            course = d.label.clone(),
            from = day_text(d.from, locale),
            to = day_text(d.to, locale)
        ),
        &mut out,
    );
    out.push_str(" <a");
    push_attr(
        &mut out,
        "href",
        &crate::closing::journal_href(school_id, d.course_id),
    );
    out.push_str(" data-testid=\"control-journal\">");
    escape(td_string!(locale, control.open_journal), &mut out);
    out.push_str("</a></p>");

    let show_lessons = d.issue.is_none_or(|i| !lists_students(i));
    let show_students = d.issue.is_none_or(lists_students);
    if show_lessons {
        out.push_str("<h3>");
        escape(td_string!(locale, control.lessons_title), &mut out);
        out.push_str(" <span class=\"muted\" data-testid=\"control-lessons-count\"");
        push_attr(&mut out, "data-count", &d.lessons.len().to_string());
        out.push('>');
        escape(&lessons_count_text(locale, d.lessons.len()), &mut out);
        out.push_str("</span></h3>");
        if d.lessons.is_empty() {
            out.push_str("<p class=\"muted\" data-testid=\"control-no-lessons\">");
            escape(td_string!(locale, control.no_lessons), &mut out);
            out.push_str("</p>");
        } else {
            out.push_str("<div class=\"table-wrap\">");
            out.push_str(&render(&lessons_table(d, locale)));
            out.push_str("</div>");
        }
    }
    if show_students {
        out.push_str("<h3>");
        escape(td_string!(locale, control.students_title), &mut out);
        out.push_str(" <span class=\"muted\" data-testid=\"control-students-count\"");
        push_attr(&mut out, "data-count", &d.students.len().to_string());
        out.push('>');
        escape(&students_count_text(locale, d.students.len()), &mut out);
        out.push_str("</span></h3>");
        if d.students.is_empty() {
            out.push_str("<p class=\"muted\" data-testid=\"control-no-students\">");
            escape(td_string!(locale, control.no_students), &mut out);
            out.push_str("</p>");
        } else {
            out.push_str("<div class=\"table-wrap\">");
            out.push_str(&render(&students_table(d, min_marks, locale)));
            out.push_str("</div>");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use otmetka_domain::reports::{ControlStudent, control_tables};

    const SCHOOL: Uuid = Uuid::from_u128(0x5C);
    const IVANOVA: Uuid = Uuid::from_u128(0x71);
    const PETROV: Uuid = Uuid::from_u128(0x72);
    const C1: Uuid = Uuid::from_u128(0xC1);
    const C2: Uuid = Uuid::from_u128(0xC2);
    const C3: Uuid = Uuid::from_u128(0xC3);

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn counts(topic: u32, homework: u32, late: u32, score: Option<f64>) -> ControlCounts {
        ControlCounts {
            lessons_held: 5,
            without_topic: topic,
            without_homework: homework,
            late_marks: late,
            students: 25,
            score,
            ..ControlCounts::default()
        }
    }

    fn row(
        teacher: (Uuid, &str),
        course: Option<(Uuid, &str, &str)>,
        c: ControlCounts,
    ) -> ControlRow {
        ControlRow {
            key: match course {
                Some((id, ..)) => format!("course:{id}:{}", teacher.0),
                None => format!("teacher:{}", teacher.0),
            },
            teacher_id: teacher.0,
            teacher_name: teacher.1.into(),
            course_id: course.map(|c| c.0),
            class_name: course.map(|c| c.1.to_string()),
            subject_name: course.map(|c| c.2.to_string()),
            counts: c,
        }
    }

    fn control() -> JournalControl {
        let iv = (IVANOVA, "Иванова Мария Петровна");
        let pe = (PETROV, "Петров Пётр Петрович");
        JournalControl {
            from: day(2026, 11, 23),
            to: day(2026, 11, 29),
            min_marks: 3,
            late_days: 7,
            period_term: None,
            period_starts_on: None,
            finals_term: None,
            teachers: vec![
                row(iv, None, counts(3, 0, 0, Some(72.5))),
                row(pe, None, counts(0, 1, 2, Some(91.0))),
            ],
            courses: vec![
                row(
                    iv,
                    Some((C1, "5А", "Математика")),
                    counts(3, 0, 0, Some(60.0)),
                ),
                row(
                    iv,
                    Some((C2, "6Б", "Алгебра")),
                    counts(0, 0, 0, Some(100.0)),
                ),
                row(pe, Some((C3, "9А", "Физика")), counts(0, 1, 2, Some(91.0))),
            ],
        }
    }

    #[test]
    fn weeks_run_monday_to_sunday_across_months_and_years() {
        // 2026-11-25 is a Wednesday.
        assert_eq!(monday_of(day(2026, 11, 25)), day(2026, 11, 23));
        assert_eq!(monday_of(day(2026, 11, 23)), day(2026, 11, 23));
        assert_eq!(monday_of(day(2026, 11, 29)), day(2026, 11, 23), "Sunday");
        assert_eq!(monday_of(day(2026, 12, 1)), day(2026, 11, 30));
        assert_eq!(shift_week(day(2026, 11, 25), -1), day(2026, 11, 16));
        assert_eq!(shift_week(day(2026, 11, 25), 1), day(2026, 11, 30));
        // 2026 has 53 ISO weeks (1 January 2026 is a Thursday).
        assert_eq!(monday_of(day(2027, 1, 1)), day(2026, 12, 28));
        assert_eq!(iso_week_code(day(2027, 1, 1)), "2026-W53");
        assert_eq!(iso_week_code(day(2026, 12, 28)), "2026-W53");
        assert_eq!(shift_week(day(2026, 12, 30), 1), day(2027, 1, 4));
        assert_eq!(iso_week_code(day(2027, 1, 4)), "2027-W01");
        assert_eq!(iso_week_code(day(2026, 11, 25)), "2026-W48");
        assert_eq!(shift_week(day(2027, 1, 4), -1), day(2026, 12, 28));
    }

    #[test]
    fn a_week_is_read_from_a_day_or_an_iso_week() {
        assert_eq!(parse_week("2026-11-25"), Some(day(2026, 11, 23)));
        assert_eq!(parse_week(" 25.11.2026 "), Some(day(2026, 11, 23)));
        assert_eq!(parse_week("2026-W48"), Some(day(2026, 11, 23)));
        assert_eq!(parse_week("2026-W53"), Some(day(2026, 12, 28)));
        assert_eq!(parse_week("2027-W01"), Some(day(2027, 1, 4)));
        assert_eq!(parse_week("2027-W53"), None, "2027 has 52 weeks");
        assert_eq!(parse_week("на прошлой неделе"), None);
        assert_eq!(parse_week(""), None);
    }

    #[test]
    fn the_week_label_names_the_range_and_the_number() {
        assert_eq!(
            week_label(day(2026, 11, 23), Locale::ru),
            "23.11–29.11.2026, неделя 48"
        );
        assert_eq!(
            week_label(day(2026, 12, 28), Locale::ru),
            "28.12.2026–03.01.2027, неделя 53"
        );
        assert_eq!(
            week_label(day(2026, 11, 23), Locale::en),
            "23.11–29.11.2026, week 48"
        );
    }

    #[test]
    fn the_url_keeps_the_week_the_teacher_and_the_drill_down() {
        let (iv, c1) = (IVANOVA.to_string(), C1.to_string());
        let v = View::parse([
            Some("2026-11-25"),
            Some(&iv),
            Some(&c1),
            Some(&iv),
            Some("without_topic"),
        ]);
        assert_eq!(
            v,
            View {
                week: Some(day(2026, 11, 23)),
                teacher: Some(IVANOVA),
                course: Some(C1),
                course_teacher: Some(IVANOVA),
                issue: Some(ControlIssue::WithoutTopic),
            }
        );
        assert_eq!(
            control_href(SCHOOL, v),
            format!(
                "/reports/control?school={SCHOOL}&week=2026-11-23&teacher={IVANOVA}&course={C1}&course_teacher={IVANOVA}&issue=without_topic"
            )
        );
        // Another week closes the drill-down but keeps the teacher.
        let prev = v.in_week(Some(shift_week(day(2026, 11, 23), -1)));
        assert_eq!(
            control_href(SCHOOL, prev),
            format!("/reports/control?school={SCHOOL}&week=2026-11-16&teacher={IVANOVA}")
        );
        let d = View::parse([Some("x"), Some("y"), None, Some(&iv), Some("without_topic")]);
        assert_eq!(d, View::default(), "nonsense and an issue without a course");
        assert_eq!(
            control_href(SCHOOL, d),
            format!("/reports/control?school={SCHOOL}")
        );
        assert_eq!(control_query(None, None, None), "");
        assert_eq!(
            control_query(Some(day(2026, 11, 23)), None, Some("teachers")),
            "?week=2026-11-23&table=teachers"
        );
        assert_eq!(
            detail_query(
                Some(day(2026, 11, 23)),
                Some(PETROV),
                Some(ControlIssue::LateMarks)
            ),
            format!("?week=2026-11-23&teacher_id={PETROV}&issue=late_marks")
        );
    }

    #[test]
    fn issues_travel_by_their_api_names() {
        for i in ISSUES {
            assert_eq!(parse_issue(issue_param(i)), Some(i));
            assert_eq!(
                serde_json::to_value(i).unwrap(),
                serde_json::Value::String(issue_param(i).into()),
                "the server's name"
            );
        }
        assert_eq!(parse_issue("nothing"), None);
        assert!(lists_students(ControlIssue::WithoutMarks));
        assert!(!lists_students(ControlIssue::LateMarks));
    }

    #[test]
    fn each_issue_column_of_the_exported_tables_opens_its_issue() {
        let c = control();
        let tables = control_tables(&c);
        let courses = tables.iter().find(|t| t.key == "courses").unwrap();
        let teachers = tables.iter().find(|t| t.key == "teachers").unwrap();
        let col = |t: &otmetka_domain::reports::ReportTable, h: &str| {
            t.headers.iter().position(|x| x == h).unwrap()
        };
        // The headings as the server writes them (M = 3 in «Меньше 3 отметок»).
        for (heading, issue) in [
            ("Без темы", Some(ControlIssue::WithoutTopic)),
            ("Без д/з", Some(ControlIssue::WithoutHomework)),
            ("Без посещаемости", Some(ControlIssue::WithoutAttendance)),
            ("Меньше 3 отметок", Some(ControlIssue::BelowMinMarks)),
            ("Без отметок", Some(ControlIssue::WithoutMarks)),
            ("Отметки с опозданием", Some(ControlIssue::LateMarks)),
            ("Уроков проведено", None),
            ("Балл", None),
        ] {
            assert_eq!(
                column_issue("courses", col(courses, heading)),
                Some(issue),
                "{heading}"
            );
            assert_eq!(
                column_issue("teachers", col(teachers, heading)),
                Some(issue),
                "{heading}"
            );
        }
        assert_eq!(column_issue("courses", col(courses, "Класс")), None);
        assert_eq!(column_issue("teachers", 0), None);

        // A click on «Без темы» of Petrov's course opens that issue even at zero; a click on the
        // class opens the row's first issue.
        let petrov = &c.courses[2].counts;
        assert_eq!(
            clicked_issue("courses", &courses.headers, Some("Без темы"), petrov),
            Some(ControlIssue::WithoutTopic)
        );
        assert_eq!(
            clicked_issue("courses", &courses.headers, Some("Класс"), petrov),
            Some(ControlIssue::WithoutHomework)
        );
        assert_eq!(
            clicked_issue("courses", &courses.headers, None, &c.courses[0].counts),
            Some(ControlIssue::WithoutTopic)
        );
        assert_eq!(
            clicked_issue("courses", &courses.headers, Some("Балл"), petrov),
            None,
            "the score opens every lesson"
        );
        assert_eq!(first_issue(&c.courses[1].counts), None, "nothing wrong");
    }

    #[test]
    fn a_teacher_filter_keeps_their_courses_and_every_teacher() {
        let c = control();
        let f = filtered(&c, Some(IVANOVA));
        assert_eq!(f.teachers.len(), 2);
        assert_eq!(
            f.courses
                .iter()
                .map(|r| r.course_id.unwrap())
                .collect::<Vec<_>>(),
            [C1, C2]
        );
        assert_eq!(filtered(&c, None).courses.len(), 3);
        let tables = control_tables(&f);
        assert_eq!(tables[1].rows.len(), 2, "the table shown has only hers");
        assert_eq!(course_row(&c, C3, None).map(|r| r.teacher_id), Some(PETROV));
        assert!(course_row(&c, C3, Some(IVANOVA)).is_none());
    }

    #[test]
    fn the_chart_puts_the_lowest_score_first() {
        let mut c = control();
        c.teachers.push(row(
            (Uuid::from_u128(0x73), "Сидорова Анна"),
            None,
            counts(0, 0, 0, None),
        ));
        let bars = score_bars(&c);
        assert_eq!(
            bars.iter()
                .map(|b| (b.label.as_str(), b.score))
                .collect::<Vec<_>>(),
            [
                ("Иванова\u{a0}М.\u{a0}П.", 72.5),
                ("Петров\u{a0}П.\u{a0}П.", 91.0)
            ]
        );
        assert_eq!(bars[0].teacher_id, IVANOVA);
        let data = score_chart_data(&c, Locale::ru);
        assert_eq!(data.title, "Баллы ведения журнала");
        assert_eq!(data.categories.len(), 2);
        assert_eq!(data.series.len(), 1);
        assert_eq!(data.series[0].name, "Балл");
        assert_eq!(data.series[0].values, [Some(72.5), Some(91.0)]);
        assert_eq!(data.max, Some(100.0), "scores are out of 100");
        let none = JournalControl {
            teachers: vec![],
            ..c
        };
        assert!(score_chart_data(&none, Locale::ru).categories.is_empty());
    }

    fn lesson(
        n: i32,
        topic: Option<&str>,
        homework: Option<&str>,
        taken: bool,
        late: u32,
    ) -> ControlLesson {
        ControlLesson {
            lesson_id: Uuid::from_u128(0x1000 + n as u128),
            course_id: C1,
            date: day(2026, 11, 22 + n as u32),
            lesson_number: n,
            topic: topic.map(str::to_string),
            homework: homework.map(str::to_string),
            homework_expected: true,
            attendance_taken: taken,
            marks: 4,
            late_marks: late,
            substitute_name: (n == 3).then(|| "Петров Пётр Петрович".to_string()),
        }
    }

    #[test]
    fn the_drill_down_lists_the_lessons_without_a_topic() {
        let d = ControlDetail {
            course_id: C1,
            label: "5А · Математика".into(),
            from: day(2026, 11, 23),
            to: day(2026, 11, 29),
            issue: Some(ControlIssue::WithoutTopic),
            lessons: vec![
                lesson(1, None, Some("№ 5"), true, 0),
                lesson(2, Some("  "), None, false, 2),
                lesson(3, None, None, true, 0),
            ],
            students: vec![],
        };
        let html = detail_html(&d, SCHOOL, 3, Locale::ru);
        assert!(
            html.contains("5А · Математика, 23.11.2026 – 29.11.2026"),
            "{html}"
        );
        assert!(
            html.contains(&format!(
                "href=\"/journal/{C1}?school={SCHOOL}\" data-testid=\"control-journal\""
            )),
            "{html}"
        );
        assert_eq!(html.matches("data-testid=\"control-lesson\"").count(), 3);
        assert_eq!(
            html.matches("data-has-topic=\"false\"").count(),
            3,
            "blank is none"
        );
        assert!(html.contains("3 урока"), "{html}");
        assert!(html.contains("нет темы"), "{html}");
        assert!(html.contains("нет д/з"), "{html}");
        assert!(html.contains("не отмечена"), "{html}");
        assert!(html.contains("замена: Петров\u{a0}П.\u{a0}П."), "{html}");
        assert!(html.contains("data-late-marks=\"2\""), "{html}");
        assert!(
            !html.contains("control-students"),
            "no students for a lesson issue"
        );

        let students = ControlDetail {
            issue: Some(ControlIssue::BelowMinMarks),
            lessons: vec![],
            students: vec![
                ControlStudent {
                    student_id: Uuid::from_u128(1),
                    name: "Алексеев Антон".into(),
                    marks: 1,
                },
                ControlStudent {
                    student_id: Uuid::from_u128(2),
                    name: "Борисова Вера".into(),
                    marks: 0,
                },
            ],
            ..d.clone()
        };
        let html = detail_html(&students, SCHOOL, 3, Locale::ru);
        assert_eq!(html.matches("data-testid=\"control-student\"").count(), 2);
        assert_eq!(html.matches("data-below-min=\"true\"").count(), 2);
        assert!(html.contains("2 ученика"), "{html}");
        assert!(!html.contains("control-lessons"), "{html}");

        let all = ControlDetail {
            issue: None,
            lessons: vec![],
            students: vec![],
            ..d
        };
        let html = detail_html(&all, SCHOOL, 3, Locale::en);
        assert!(html.contains("control-no-lessons"), "{html}");
        assert!(html.contains("control-no-students"), "{html}");
    }

    #[test]
    fn counts_use_russian_plural_forms() {
        let forms: Vec<String> = [0, 1, 2, 5, 11, 21, 22, 25]
            .into_iter()
            .map(|n| lessons_count_text(Locale::ru, n))
            .collect();
        assert_eq!(
            forms,
            [
                "0 уроков",
                "1 урок",
                "2 урока",
                "5 уроков",
                "11 уроков",
                "21 урок",
                "22 урока",
                "25 уроков"
            ]
        );
        assert_eq!(students_count_text(Locale::ru, 1), "1 ученик");
        assert_eq!(students_count_text(Locale::ru, 3), "3 ученика");
        assert_eq!(students_count_text(Locale::ru, 14), "14 учеников");
        assert_eq!(lessons_count_text(Locale::en, 1), "1 lesson");
        assert_eq!(students_count_text(Locale::en, 2), "2 students");
    }
}
