//! The student's diary (`/diary`: a week of lessons with topics, homework, marks and absences)
//! and marks page (`/marks`: a period's marks by subject with averages, and the feed of recent
//! marks), for the student and their parents, and for staff who open a student's from the
//! class summary (see [`pick_student`]).
//!
//! Like [`crate::schedule`], whose week navigation and child switcher these pages share, the
//! pages are rendered to HTML text by plain functions (one string renderer costs far less wasm
//! than a Leptos view per piece). Every text is escaped. Everything here is pure and
//! unit-tested on the host.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use otmetka_domain::grading::MarkScale;
use otmetka_domain::journal::{
    Diary, DiaryDay, DiaryLesson, MarkFeedItem, StudentMark, SubjectMarks,
};
use otmetka_domain::structure::{Period, PeriodKind};
use otmetka_domain::timetable::LessonStatus;
use uuid::Uuid;

use crate::i18n::{Locale, td_string};
use crate::paging::query_string;
use crate::roster::format_day;
use crate::schedule::{
    Viewer, WeekNavIds, day_head, normal_week, push_attr, short_day, short_name, week_nav_for,
};
use crate::table::escape;

/// A `?student=` / `?period=` value: a UUID, anything else counts as absent.
pub fn parse_id(value: Option<&str>) -> Option<Uuid> {
    value.and_then(|v| Uuid::parse_str(v.trim()).ok())
}

/// A `?week=` value: a valid ISO week, normalised (`2026-W9` → `2026-W09`).
pub fn parse_week(value: Option<&str>) -> Option<String> {
    value.and_then(normal_week)
}

/// Whose diary or marks the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    /// The account's own record or one of its children (the child switcher shows).
    Own(Uuid),
    /// A student of the school that a staff account (admin, principal, teacher) opened from the
    /// class summary: no switcher, the student's name from the response as a heading. The
    /// server decides whether the account may read them (403 otherwise).
    Staff(Uuid),
    /// A staff account without a student in the URL: a hint to open one from the class summary.
    StaffHint,
    /// The account has no student to show.
    Nobody,
}

impl Whose {
    /// The student the API is asked about.
    pub fn id(self) -> Option<Uuid> {
        match self {
            Whose::Own(id) | Whose::Staff(id) => Some(id),
            Whose::StaffHint | Whose::Nobody => None,
        }
    }

    /// Whether the page shows another person's student to a staff account.
    pub fn is_staff(self) -> bool {
        matches!(self, Whose::Staff(_))
    }
}

/// The student whose diary or marks to show: the one the URL names when the account may see
/// them (itself or one of its children); for a staff account any student the URL names (the
/// server checks); else the account's own record, else the first child. A student or parent
/// never sends an id that is not theirs.
pub fn pick_student(viewer: &Viewer, asked: Option<Uuid>) -> Whose {
    let allowed = viewer.students();
    if let Some(id) = asked.filter(|id| allowed.contains(id)) {
        return Whose::Own(id);
    }
    if viewer.staff
        && let Some(id) = asked
    {
        return Whose::Staff(id);
    }
    match allowed.first() {
        Some(id) => Whose::Own(*id),
        None if viewer.staff => Whose::StaffHint,
        None => Whose::Nobody,
    }
}

/// `/diary?school=&student=&week=`.
pub fn diary_href(school_id: Uuid, student: Option<Uuid>, week: Option<&str>) -> String {
    format!(
        "/diary{}",
        query_string(&[
            ("school", Some(school_id.to_string())),
            ("student", student.map(|s| s.to_string())),
            ("week", week.map(str::to_string)),
        ])
    )
}

/// `/marks?school=&student=&period=`.
pub fn marks_href(school_id: Uuid, student: Option<Uuid>, period: Option<Uuid>) -> String {
    format!(
        "/marks{}",
        query_string(&[
            ("school", Some(school_id.to_string())),
            ("student", student.map(|s| s.to_string())),
            ("period", period.map(|p| p.to_string())),
        ])
    )
}

/// The colour of a mark or an average: 5 green, 4 blue, 3 amber, 2 and 1 red, anything that is
/// not a number (зачёт, н/а, осв.) grey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Five,
    Four,
    Three,
    Two,
    Other,
}

impl Tone {
    /// The tone of a number on the five-point scale (`4-` = 3.75 is a four, an average of 4.5 a
    /// five).
    pub fn of_number(value: f64) -> Tone {
        if !value.is_finite() {
            Tone::Other
        } else if value >= 4.5 {
            Tone::Five
        } else if value >= 3.5 {
            Tone::Four
        } else if value >= 2.5 {
            Tone::Three
        } else {
            Tone::Two
        }
    }

    /// The tone of a stored value (`5`, `4+`, `3-`, `зч`): its digit, without the sign.
    pub fn of_value(value: &str) -> Tone {
        let digits = value.trim().trim_end_matches(['+', '-', '−']);
        match digits.parse::<u8>() {
            Ok(5) => Tone::Five,
            Ok(4) => Tone::Four,
            Ok(3) => Tone::Three,
            Ok(1 | 2) => Tone::Two,
            _ => Tone::Other,
        }
    }

    /// The tone of a diary mark: by its number when it counts in averages, else grey.
    pub fn of_mark(mark: &StudentMark) -> Tone {
        mark.numeric.map_or(Tone::Other, Tone::of_number)
    }

    /// The CSS class (diary.css).
    pub fn class(self) -> &'static str {
        match self {
            Tone::Five => "mk-5",
            Tone::Four => "mk-4",
            Tone::Three => "mk-3",
            Tone::Two => "mk-2",
            Tone::Other => "mk-x",
        }
    }
}

/// A decimal number with `places` decimals and the language's separator: `4,25` / `4.25`.
pub fn decimal(value: f64, places: usize, locale: Locale) -> String {
    let text = format!("{value:.places$}");
    match locale {
        Locale::ru => text.replace('.', ","),
        Locale::en => text,
    }
}

/// An average with two decimals (`4,25`), or a dash without one.
pub fn average_text(average: Option<f64>, locale: Locale) -> String {
    average.map_or_else(|| "—".to_string(), |a| decimal(a, 2, locale))
}

/// A weight without needless decimals: `1`, `1,5`, `0,25`.
pub fn weight_text(weight: f64, locale: Locale) -> String {
    let text = decimal(weight, 2, locale);
    let sep = if locale == Locale::ru { ',' } else { '.' };
    text.trim_end_matches('0').trim_end_matches(sep).to_string()
}

/// A mark's tooltip: "Контрольная работа «КР №2», вес 3 · 27.11 · comment".
pub fn mark_title(mark: &StudentMark, locale: Locale) -> String {
    let mut out = mark.work_type_name.trim().to_string();
    if let Some(title) = mark
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        out.push_str(" «");
        out.push_str(title);
        out.push('»');
    }
    out.push_str(", ");
    out.push_str(&td_string!(
        locale,
        diary.weight,
        weight = weight_text(mark.weight, locale)
    ));
    out.push_str(" · ");
    out.push_str(&short_day(mark.date, locale));
    if let Some(comment) = mark
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        out.push_str(" · ");
        out.push_str(comment);
    }
    out
}

/// What happened to a mark, for the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<'a> {
    /// A new mark.
    New(&'a str),
    /// Changed from one value to another (old → new).
    Changed(&'a str, &'a str),
    /// Removed; the value it had, when known.
    Removed(Option<&'a str>),
}

impl<'a> Change<'a> {
    pub fn of(item: &'a MarkFeedItem) -> Change<'a> {
        match (item.previous_value.as_deref(), item.value.as_deref()) {
            (_, None) => Change::Removed(item.previous_value.as_deref()),
            (Some(old), Some(new)) if old != new => Change::Changed(old, new),
            (_, Some(new)) => Change::New(new),
        }
    }

    /// `5`, `4 → 5`, `4 → —`.
    pub fn text(&self) -> String {
        match self {
            Change::New(v) => v.to_string(),
            Change::Changed(old, new) => format!("{old} → {new}"),
            Change::Removed(Some(old)) => format!("{old} → —"),
            Change::Removed(None) => "—".to_string(),
        }
    }

    /// `data-change` of the feed item.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::New(_) => "new",
            Change::Changed(..) => "changed",
            Change::Removed(_) => "removed",
        }
    }

    /// The tone of the value now (a removed mark is grey).
    pub fn tone(&self) -> Tone {
        match self {
            Change::New(v) | Change::Changed(_, v) => Tone::of_value(v),
            Change::Removed(_) => Tone::Other,
        }
    }
}

/// When a mark was set, in the reader's time zone: "сегодня, 14:05", "вчера, 09:10",
/// "27.11, 14:05" (this year), "27.11.2025, 14:05".
pub fn set_at_text<Tz: TimeZone>(
    at: DateTime<Utc>,
    tz: &Tz,
    today: NaiveDate,
    locale: Locale,
) -> String {
    let local = at.with_timezone(tz).naive_local();
    let time = local.format("%H:%M").to_string();
    let day = local.date();
    if day == today {
        td_string!(locale, marks_page.set_today, time = time)
    } else if today.pred_opt() == Some(day) {
        td_string!(locale, marks_page.set_yesterday, time = time)
    } else if day.year() == today.year() {
        format!("{}, {time}", short_day(day, locale))
    } else {
        format!("{}, {time}", format_day(day, locale))
    }
}

/// A period's name: "Четверть 2", "Учебный год".
pub fn period_name(period: &Period, locale: Locale) -> String {
    let kind = crate::text::period_kind_text(locale, period.kind);
    match period.kind {
        PeriodKind::Year => kind.to_string(),
        _ => format!("{kind} {}", period.number),
    }
}

/// A period with its dates, short enough for a phone: "Четверть 2 (09.11–27.12)".
pub fn period_label(period: &Period, locale: Locale) -> String {
    format!(
        "{} ({}–{})",
        period_name(period, locale),
        short_day(period.starts_on, locale),
        short_day(period.ends_on, locale)
    )
}

/// The periods the select offers: the school's periods in the order the server lists them
/// (by kind and number), plus the shown one when it is not among them (another year's).
pub fn period_choices(periods: &[Period], shown: Option<&Period>) -> Vec<Period> {
    let mut out = periods.to_vec();
    if let Some(p) = shown
        && !out.iter().any(|o| o.id == p.id)
    {
        out.push(p.clone());
    }
    out
}

/// The diary's week navigation: `diary-prev`, `diary-week`, `diary-next` and `diary-today`
/// (always there; `aria-current` on the current week).
pub const DIARY_WEEK_NAV: WeekNavIds = WeekNavIds {
    nav: "diary-nav",
    prev: "diary-prev",
    next: "diary-next",
    label: "diary-week",
    current: "diary-today",
    current_text: |l| td_string!(l, diary.today_button),
    current_always: true,
};

/// The days a diary week shows: Monday to Saturday, and Sunday when something happens on it.
pub fn shown_days(diary: &Diary) -> Vec<&DiaryDay> {
    diary
        .days
        .iter()
        .filter(|d| d.weekday <= 6 || !d.lessons.is_empty() || !d.homework_due.is_empty())
        .collect()
}

/// Today's day when the week has it.
pub fn today_of(diary: &Diary) -> Option<&DiaryDay> {
    diary
        .days
        .iter()
        .find(|d| d.is_today || d.date == diary.today)
}

/// The CSS class of an attendance code: absent (red), excused (amber), late (blue), other.
pub fn attendance_class(code: &str) -> &'static str {
    match code.trim().to_lowercase().as_str() {
        "н" => "att att-absent",
        "б" | "уп" => "att att-excused",
        "оп" => "att att-late",
        _ => "att att-other",
    }
}

/// `08:30–09:15`, or what is known of it.
fn lesson_time(lesson: &DiaryLesson) -> Option<String> {
    match (lesson.starts_at.as_deref(), lesson.ends_at.as_deref()) {
        (Some(a), Some(b)) => Some(format!("{a}–{b}")),
        (Some(a), None) => Some(a.to_string()),
        _ => None,
    }
}

fn trimmed(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// A mark as a coloured badge: the value with the work type's short name; the work type,
/// weight, date and comment in its title.
pub fn mark_badge_html(out: &mut String, mark: &StudentMark, testid: &str, locale: Locale) {
    let tone = Tone::of_mark(mark);
    out.push_str("<span");
    push_attr(out, "class", &format!("mk {}", tone.class()));
    push_attr(out, "data-testid", testid);
    push_attr(out, "data-value", &mark.value);
    push_attr(out, "data-weight", &mark.weight.to_string());
    push_attr(out, "data-work-type", &mark.work_type_short_name);
    let title = mark_title(mark, locale);
    push_attr(out, "title", &title);
    push_attr(out, "aria-label", &format!("{} — {title}", mark.label));
    out.push_str("><span class=\"mk-value\">");
    escape(&mark.label, out);
    out.push_str("</span>");
    let short = mark.work_type_short_name.trim();
    if !short.is_empty() {
        out.push_str("<span class=\"mk-type\" aria-hidden=\"true\">");
        escape(short, out);
        if (mark.weight - 1.0).abs() > f64::EPSILON {
            out.push_str(" ×");
            escape(&weight_text(mark.weight, locale), out);
        }
        out.push_str("</span>");
    }
    out.push_str("</span>");
}

/// One lesson of the diary as a row: number and time, subject (struck through when
/// cancelled), topic, homework, marks and the attendance badge.
pub fn lesson_html(out: &mut String, lesson: &DiaryLesson, locale: Locale) {
    let id = lesson.lesson_id.to_string();
    let cancelled = lesson.status == LessonStatus::Cancelled;
    out.push_str("<li class=\"dl");
    if cancelled {
        out.push_str(" dl-cancelled");
    }
    out.push('"');
    push_attr(out, "data-testid", &format!("diary-lesson-{id}"));
    push_attr(out, "data-lesson-id", &id);
    push_attr(out, "data-course-id", &lesson.course_id.to_string());
    push_attr(out, "data-number", &lesson.lesson_number.to_string());
    push_attr(out, "data-status", lesson.status.as_str());
    push_attr(out, "data-marks", &lesson.marks.len().to_string());
    out.push('>');

    out.push_str("<div class=\"dl-when\"><span class=\"dl-num\">");
    out.push_str(&lesson.lesson_number.to_string());
    out.push_str("</span>");
    if let Some(time) = lesson_time(lesson) {
        out.push_str("<span class=\"dl-time\">");
        escape(&time, out);
        out.push_str("</span>");
    }
    out.push_str("</div>");

    out.push_str("<div class=\"dl-main\"><p class=\"dl-subject\">");
    escape(&lesson.subject_name, out);
    out.push_str("</p>");
    if cancelled {
        let text = match trimmed(lesson.cancel_reason.as_deref()) {
            Some(reason) => td_string!(locale, schedule_view.cancelled_because, reason = reason),
            None => td_string!(locale, schedule_view.cancelled).to_string(),
        };
        out.push_str("<p class=\"dl-note\"><span class=\"badge badge-danger\">");
        escape(&text, out);
        out.push_str("</span></p>");
    } else if let Some(sub) = trimmed(lesson.substitute_name.as_deref()) {
        out.push_str("<p class=\"dl-note\"><span class=\"badge badge-warn\">");
        escape(
            &td_string!(locale, schedule_view.substitute, name = short_name(sub)),
            out,
        );
        out.push_str("</span></p>");
    }
    if let Some(topic) = trimmed(lesson.topic.as_deref()) {
        out.push_str("<p class=\"dl-topic\"");
        push_attr(out, "data-testid", &format!("diary-topic-{id}"));
        out.push_str("><span class=\"muted\">");
        escape(td_string!(locale, schedule_view.topic), out);
        out.push_str("</span> ");
        escape(topic, out);
        out.push_str("</p>");
    }
    if let Some(homework) = trimmed(lesson.homework.as_deref()) {
        out.push_str("<p class=\"dl-homework\"");
        push_attr(out, "data-testid", &format!("diary-homework-{id}"));
        if let Some(due) = lesson.homework_due_on {
            push_attr(out, "data-due", &due.to_string());
        }
        out.push_str("><span class=\"muted\">");
        escape(td_string!(locale, schedule_view.homework), out);
        out.push_str("</span> ");
        escape(homework, out);
        if let Some(due) = lesson.homework_due_on {
            out.push_str(" <span class=\"muted dl-due\">");
            escape(
                &td_string!(locale, schedule_view.due, date = short_day(due, locale)),
                out,
            );
            out.push_str("</span>");
        }
        out.push_str("</p>");
    }
    out.push_str("</div>");

    if !lesson.marks.is_empty() || lesson.attendance.is_some() {
        out.push_str("<div class=\"dl-marks\">");
        if let Some(code) = lesson.attendance.as_deref() {
            let label = lesson.attendance_label.as_deref().unwrap_or(code);
            out.push_str("<span");
            push_attr(out, "class", attendance_class(code));
            push_attr(out, "data-testid", &format!("diary-att-{id}"));
            push_attr(out, "data-code", code);
            push_attr(
                out,
                "title",
                &td_string!(locale, diary.attendance_title, label = label),
            );
            out.push('>');
            escape(label, out);
            out.push_str("</span>");
        }
        for mark in &lesson.marks {
            mark_badge_html(out, mark, &format!("diary-mark-{}", mark.work_id), locale);
        }
        out.push_str("</div>");
    }
    out.push_str("</li>");
}

/// The homework due on a day (given at earlier lessons).
fn due_html(out: &mut String, day: &DiaryDay, testid: &str, title: &str, locale: Locale) {
    if day.homework_due.is_empty() {
        return;
    }
    out.push_str("<div class=\"dd-due\"");
    push_attr(out, "data-testid", testid);
    push_attr(out, "data-date", &day.date.to_string());
    push_attr(out, "data-count", &day.homework_due.len().to_string());
    out.push_str("><p class=\"dd-due-title\">");
    escape(title, out);
    out.push_str("</p><ul>");
    for hw in &day.homework_due {
        out.push_str("<li data-testid=\"diary-due-item\"");
        push_attr(out, "data-lesson-id", &hw.lesson_id.to_string());
        out.push_str("><strong>");
        escape(&hw.subject_name, out);
        out.push_str("</strong> ");
        escape(hw.homework.trim(), out);
        out.push_str(" <span class=\"muted\">");
        escape(
            &td_string!(
                locale,
                diary.given_on,
                date = short_day(hw.given_on, locale)
            ),
            out,
        );
        out.push_str("</span></li>");
    }
    out.push_str("</ul></div>");
}

/// One day of the diary: its heading (with "сегодня"), the holiday or "no lessons", the
/// homework due that day and the lessons.
pub fn day_html(out: &mut String, day: &DiaryDay, locale: Locale) {
    let today = day.is_today;
    let off = !day.is_school_day || day.holiday.is_some();
    out.push_str("<section class=\"dd");
    if today {
        out.push_str(" dd-today");
    }
    if off {
        out.push_str(" dd-off");
    }
    out.push('"');
    push_attr(out, "data-testid", &format!("diary-day-{}", day.date));
    push_attr(out, "data-date", &day.date.to_string());
    push_attr(out, "data-weekday", &day.weekday.to_string());
    push_attr(out, "data-today", &today.to_string());
    push_attr(out, "data-count", &day.lessons.len().to_string());
    if today {
        out.push_str(" aria-current=\"date\"");
    }
    out.push_str("><h3 class=\"dd-head\">");
    escape(&day_head(day.date, locale), out);
    if today {
        out.push_str(" <span class=\"badge badge-info\">");
        escape(td_string!(locale, schedule_view.today_badge), out);
        out.push_str("</span>");
    }
    out.push_str("</h3>");
    if let Some(name) = &day.holiday {
        out.push_str("<p class=\"dd-note dd-holiday\">");
        escape(name, out);
        out.push_str("</p>");
    } else if day.lessons.is_empty() {
        out.push_str("<p class=\"dd-note\">");
        escape(
            if day.is_school_day {
                td_string!(locale, schedule_view.no_lessons_day)
            } else {
                td_string!(locale, schedule_view.not_school_day)
            },
            out,
        );
        out.push_str("</p>");
    }
    due_html(
        out,
        day,
        &format!("diary-due-{}", day.date),
        td_string!(locale, diary.due_on_day),
        locale,
    );
    if !day.lessons.is_empty() {
        out.push_str("<ol class=\"dd-lessons\">");
        for lesson in &day.lessons {
            lesson_html(out, lesson, locale);
        }
        out.push_str("</ol>");
    }
    out.push_str("</section>");
}

/// The diary page's body: the week navigation, the homework due today (when the week has
/// today) and the days, stacked (two or three to a row on wide screens).
pub fn diary_html(diary: &Diary, href: &dyn Fn(Option<&str>) -> String, locale: Locale) -> String {
    let mut out = week_nav_for(
        (diary.from, diary.to, diary.today),
        href,
        &DIARY_WEEK_NAV,
        locale,
    );
    let lessons: usize = diary.days.iter().map(|d| d.lessons.len()).sum();
    if let Some(today) = today_of(diary) {
        due_html(
            &mut out,
            today,
            "diary-due-today",
            td_string!(locale, diary.due_today),
            locale,
        );
    }
    out.push_str("<div class=\"diary-days\" data-testid=\"diary-days\"");
    push_attr(&mut out, "data-week", &diary.week);
    push_attr(&mut out, "data-count", &lessons.to_string());
    out.push('>');
    for day in shown_days(diary) {
        day_html(&mut out, day, locale);
    }
    out.push_str("</div>");
    out
}

/// "8 отметок · 2 пропуска".
pub fn subject_counts(subject: &SubjectMarks, locale: Locale) -> String {
    let marks = td_string!(locale, marks_page.marks, count = subject.mark_count as u64);
    if subject.absences == 0 {
        marks
    } else {
        let absences = td_string!(locale, marks_page.absences, count = subject.absences as u64);
        format!("{marks} · {absences}")
    }
}

/// One subject of the marks page, inside its card (`<section class="ms">`, which the page
/// renders with the what-if panel): the subject and its teachers, its marks by date as badges,
/// the average and the counts, and the final mark beside the one the average suggests.
pub fn subject_body_html(
    subject: &SubjectMarks,
    scale: Option<&MarkScale>,
    locale: Locale,
) -> String {
    let mut s = String::with_capacity(1024 + 300 * subject.marks.len());
    let out = &mut s;
    let course = subject.course_id.to_string();
    out.push_str("<div class=\"ms-head\"><h3 class=\"ms-name\">");
    escape(&subject.subject_name, out);
    out.push_str("</h3>");
    let teachers: Vec<String> = subject
        .teacher_names
        .iter()
        .map(|n| short_name(n))
        .filter(|n| !n.is_empty())
        .collect();
    if !teachers.is_empty() {
        out.push_str("<span class=\"ms-teacher muted\">");
        escape(&teachers.join(", "), out);
        out.push_str("</span>");
    }
    out.push_str("</div>");

    if !subject.marks.is_empty() {
        out.push_str("<div class=\"ms-marks\">");
        for mark in &subject.marks {
            mark_badge_html(out, mark, &format!("marks-mark-{}", mark.work_id), locale);
        }
        out.push_str("</div>");
    }

    out.push_str("<p class=\"ms-stats\"><span class=\"ms-avg-label\">");
    escape(td_string!(locale, marks_page.average), out);
    out.push_str("</span> <strong");
    let tone = subject.average.map_or(Tone::Other, Tone::of_number);
    push_attr(out, "class", &format!("ms-avg {}", tone.class()));
    push_attr(out, "data-testid", &format!("marks-avg-{course}"));
    if let Some(avg) = subject.average {
        push_attr(out, "data-value", &format!("{avg:.2}"));
    }
    out.push('>');
    escape(&average_text(subject.average, locale), out);
    out.push_str("</strong> <span class=\"ms-counts muted\"");
    push_attr(out, "data-testid", &format!("marks-counts-{course}"));
    out.push('>');
    escape(&subject_counts(subject, locale), out);
    out.push_str("</span></p>");
    finals_html(out, subject, scale, locale);
    s
}

/// The final mark of the period (or "not set yet") beside the one the average suggests with the
/// school's rounding; nothing when neither is there.
fn finals_html(
    out: &mut String,
    subject: &SubjectMarks,
    scale: Option<&MarkScale>,
    locale: Locale,
) {
    let final_mark = trimmed(subject.final_mark.as_deref());
    let suggested = trimmed(subject.suggested_final.as_deref());
    if final_mark.is_none() && suggested.is_none() {
        return;
    }
    let course = subject.course_id.to_string();
    out.push_str("<p class=\"ms-finals\"");
    push_attr(out, "data-testid", &format!("marks-finals-{course}"));
    out.push('>');
    match final_mark {
        Some(value) => {
            let label = crate::what_if::label_of(scale, value);
            out.push_str("<span");
            push_attr(
                out,
                "class",
                &format!("ms-final mk {}", Tone::of_value(&label).class()),
            );
            push_attr(out, "data-testid", &format!("marks-final-{course}"));
            push_attr(out, "data-value", value);
            out.push('>');
            escape(
                &td_string!(locale, marks_page.final_mark, mark = label),
                out,
            );
            out.push_str("</span>");
        }
        None => {
            out.push_str("<span class=\"ms-final-none muted\"");
            push_attr(out, "data-testid", &format!("marks-final-{course}"));
            out.push_str(" data-value=\"\">");
            escape(td_string!(locale, what_if.final_not_set), out);
            out.push_str("</span>");
        }
    }
    if let Some(value) = suggested {
        let label = crate::what_if::label_of(scale, value);
        out.push_str(" <span class=\"ms-suggested\"");
        push_attr(out, "data-testid", &format!("marks-suggested-{course}"));
        push_attr(out, "data-value", value);
        push_attr(out, "title", td_string!(locale, what_if.suggested_title));
        out.push('>');
        escape(
            &td_string!(locale, what_if.suggested_final, mark = label),
            out,
        );
        out.push_str("</span>");
    }
    out.push_str("</p>");
}

/// The feed of recent marks, newest set first as the server sends them: subject, value (old →
/// new when changed), work type, the lesson's date and when the mark was set.
pub fn feed_html<Tz: TimeZone>(
    items: &[MarkFeedItem],
    tz: &Tz,
    today: NaiveDate,
    locale: Locale,
) -> String {
    let mut out = String::with_capacity(256 + 400 * items.len());
    if items.is_empty() {
        out.push_str("<p class=\"muted\" data-testid=\"feed-empty\">");
        escape(td_string!(locale, marks_page.feed_empty), &mut out);
        out.push_str("</p>");
        return out;
    }
    out.push_str("<ol class=\"feed-list\" data-testid=\"feed-list\">");
    for item in items {
        let change = Change::of(item);
        out.push_str("<li class=\"feed-item\"");
        push_attr(
            &mut out,
            "data-testid",
            &format!("feed-item-{}", item.work_id),
        );
        push_attr(&mut out, "data-change", change.kind());
        push_attr(&mut out, "data-value", item.value.as_deref().unwrap_or(""));
        if let Some(prev) = &item.previous_value {
            push_attr(&mut out, "data-previous", prev);
        }
        push_attr(&mut out, "data-set-at", &item.set_at.to_rfc3339());
        out.push_str("><span");
        push_attr(
            &mut out,
            "class",
            &format!("mk {} feed-value", change.tone().class()),
        );
        push_attr(&mut out, "data-testid", "feed-value");
        let title = format!(
            "{}, {}",
            item.work_type_name.trim(),
            td_string!(
                locale,
                diary.weight,
                weight = weight_text(item.weight, locale)
            )
        );
        push_attr(&mut out, "title", &title);
        out.push('>');
        escape(&change.text(), &mut out);
        out.push_str("</span><span class=\"feed-body\"><span class=\"feed-subject\">");
        escape(&item.subject_name, &mut out);
        out.push_str("</span> <span class=\"feed-meta muted\">");
        let mut meta = vec![
            item.work_type_name.trim().to_string(),
            td_string!(
                locale,
                marks_page.for_lesson,
                date = short_day(item.date, locale)
            ),
        ];
        match change {
            Change::Changed(..) => meta.push(td_string!(locale, marks_page.changed).to_string()),
            Change::Removed(_) => meta.push(td_string!(locale, marks_page.removed).to_string()),
            Change::New(_) => {}
        }
        escape(&meta.join(" · "), &mut out);
        out.push_str("</span>");
        if let Some(comment) = trimmed(item.comment.as_deref()) {
            out.push_str(" <span class=\"feed-comment\">«");
            escape(comment, &mut out);
            out.push_str("»</span>");
        }
        out.push_str("</span><time class=\"feed-when muted\"");
        push_attr(&mut out, "datetime", &item.set_at.to_rfc3339());
        out.push('>');
        escape(&set_at_text(item.set_at, tz, today, locale), &mut out);
        out.push_str("</time></li>");
    }
    out.push_str("</ol>");
    out
}

/// The period select of the marks page (`marks-period`, option values are period ids).
pub fn period_select_html(choices: &[Period], chosen: Option<Uuid>, locale: Locale) -> String {
    let mut out = String::with_capacity(256 + 96 * choices.len());
    out.push_str("<label class=\"inline-field\" for=\"marks-period\"><span>");
    escape(td_string!(locale, marks_page.period), &mut out);
    out.push_str("</span><select id=\"marks-period\" data-testid=\"marks-period\">");
    for p in choices {
        out.push_str("<option");
        push_attr(&mut out, "value", &p.id.to_string());
        if chosen == Some(p.id) {
            out.push_str(" selected");
        }
        out.push('>');
        escape(&period_label(p, locale), &mut out);
        out.push_str("</option>");
    }
    out.push_str("</select></label>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, FixedOffset};
    use otmetka_domain::Role;
    use otmetka_domain::auth::{Child, Me, Membership};
    use otmetka_domain::journal::HomeworkDue;

    const SCHOOL: Uuid = Uuid::from_u128(0x5C);
    const ME: Uuid = Uuid::from_u128(0x51);
    const KID1: Uuid = Uuid::from_u128(0xA);
    const KID2: Uuid = Uuid::from_u128(0xB);
    const WORK: Uuid = Uuid::from_u128(0x3001);
    const COURSE: Uuid = Uuid::from_u128(0xC0);

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn viewer(roles: &[Role], person: Option<Uuid>, children: &[(Uuid, &str)]) -> Viewer {
        let me = Me {
            account_id: Uuid::from_u128(1),
            login: "user".into(),
            email: None,
            is_superadmin: false,
            memberships: vec![Membership {
                school_id: SCHOOL,
                school_name: "Школа".into(),
                roles: roles.to_vec(),
                person_id: person,
                person_name: None,
                children: children
                    .iter()
                    .map(|(id, name)| Child {
                        person_id: *id,
                        name: (*name).into(),
                        class_name: Some("5А".into()),
                    })
                    .collect(),
            }],
            session_id: None,
        };
        crate::schedule::viewer(&me, SCHOOL)
    }

    fn mark(value: &str, numeric: Option<f64>, weight: f64) -> StudentMark {
        StudentMark {
            lesson_id: Uuid::from_u128(0x1001),
            work_id: WORK,
            date: day(2026, 11, 27),
            value: value.into(),
            label: value.into(),
            numeric,
            work_type_name: "Контрольная работа".into(),
            work_type_short_name: "КР".into(),
            weight,
            title: None,
            comment: None,
            set_at: utc("2026-12-01T09:05:00Z"),
        }
    }

    fn lesson(number: i32, subject: &str) -> DiaryLesson {
        DiaryLesson {
            lesson_id: Uuid::from_u128(0x1000 + number as u128),
            course_id: COURSE,
            subject_id: Uuid::from_u128(0x5B),
            subject_name: subject.into(),
            lesson_number: number,
            starts_at: Some("08:30".into()),
            ends_at: Some("09:15".into()),
            room: Some("204".into()),
            status: LessonStatus::Scheduled,
            cancel_reason: None,
            teacher_names: vec!["Абдуллаева Севиль Шамилевна".into()],
            substitute_name: None,
            topic: None,
            homework: None,
            homework_due_on: None,
            marks: Vec::new(),
            attendance: None,
            attendance_label: None,
        }
    }

    /// 2026-W49: Monday 30 Nov … Sunday 6 Dec, today Tuesday 1 Dec.
    fn week() -> Diary {
        let monday = day(2026, 11, 30);
        let today = day(2026, 12, 1);
        Diary {
            student_id: KID1,
            student_name: "Михайлов Кирилл".into(),
            week: "2026-W49".into(),
            from: monday,
            to: day(2026, 12, 6),
            today,
            days: (0..7)
                .map(|i| {
                    let date = monday + Duration::days(i);
                    DiaryDay {
                        date,
                        weekday: i as i32 + 1,
                        is_today: date == today,
                        is_school_day: i < 6,
                        holiday: None,
                        lessons: Vec::new(),
                        homework_due: Vec::new(),
                    }
                })
                .collect(),
        }
    }

    fn feed_item(value: Option<&str>, previous: Option<&str>, set_at: &str) -> MarkFeedItem {
        MarkFeedItem {
            student_id: KID1,
            lesson_id: Uuid::from_u128(0x1001),
            work_id: WORK,
            subject_name: "Математика".into(),
            date: day(2026, 11, 24),
            value: value.map(str::to_string),
            previous_value: previous.map(str::to_string),
            work_type_name: "Ответ на уроке".into(),
            weight: 1.0,
            comment: None,
            set_at: utc(set_at),
        }
    }

    #[test]
    fn the_student_is_one_the_account_may_see() {
        let student = viewer(&[Role::Student], Some(ME), &[]);
        assert_eq!(pick_student(&student, None), Whose::Own(ME));
        assert_eq!(
            pick_student(&student, Some(KID1)),
            Whose::Own(ME),
            "another student's id is replaced, never sent"
        );
        let parent = viewer(
            &[Role::Parent],
            None,
            &[(KID1, "Кирилл"), (KID2, "Алексей")],
        );
        assert_eq!(
            pick_student(&parent, None),
            Whose::Own(KID1),
            "the first child"
        );
        assert_eq!(pick_student(&parent, Some(KID2)), Whose::Own(KID2));
        assert_eq!(pick_student(&parent, Some(ME)), Whose::Own(KID1));
        assert_eq!(pick_student(&parent, Some(ME)).id(), Some(KID1));
        let nobody = viewer(&[Role::Parent], None, &[]);
        assert_eq!(pick_student(&nobody, Some(KID1)), Whose::Nobody);
        assert_eq!(pick_student(&nobody, None).id(), None);
    }

    #[test]
    fn staff_may_ask_for_any_student_and_the_server_decides() {
        for role in [Role::Teacher, Role::Admin, Role::Principal] {
            let staff = viewer(&[role], Some(ME), &[]);
            assert_eq!(
                pick_student(&staff, Some(KID1)),
                Whose::Staff(KID1),
                "{role}"
            );
            assert!(pick_student(&staff, Some(KID1)).is_staff());
            assert_eq!(pick_student(&staff, Some(KID1)).id(), Some(KID1));
            assert_eq!(
                pick_student(&staff, None),
                Whose::StaffHint,
                "{role}: without a student, a hint"
            );
            assert_eq!(pick_student(&staff, None).id(), None);
        }
        // A teacher who is also a parent: their own children stay theirs (with the switcher),
        // another student is a staff view, and without `?student=` the first child.
        let both = viewer(
            &[Role::Teacher, Role::Parent],
            Some(ME),
            &[(KID1, "Кирилл")],
        );
        assert_eq!(pick_student(&both, Some(KID1)), Whose::Own(KID1));
        assert_eq!(pick_student(&both, Some(KID2)), Whose::Staff(KID2));
        assert_eq!(pick_student(&both, None), Whose::Own(KID1));
        assert!(!pick_student(&both, None).is_staff());
        // A student or a parent never gets the staff view.
        let student = viewer(&[Role::Student], Some(ME), &[]);
        assert!(!pick_student(&student, Some(KID2)).is_staff());
    }

    #[test]
    fn links_carry_the_student_week_and_period() {
        assert_eq!(
            diary_href(SCHOOL, Some(KID1), Some("2026-W48")),
            format!("/diary?school={SCHOOL}&student={KID1}&week=2026-W48")
        );
        assert_eq!(
            diary_href(SCHOOL, None, None),
            format!("/diary?school={SCHOOL}")
        );
        assert_eq!(
            marks_href(SCHOOL, Some(KID2), Some(WORK)),
            format!("/marks?school={SCHOOL}&student={KID2}&period={WORK}")
        );
        assert_eq!(parse_week(Some("2026-W9")).as_deref(), Some("2026-W09"));
        assert_eq!(parse_week(Some("2026-W60")), None);
        assert_eq!(parse_week(Some("x")), None);
        assert_eq!(parse_id(Some(&format!(" {KID1} "))), Some(KID1));
        assert_eq!(parse_id(Some("nope")), None);
    }

    #[test]
    fn marks_are_coloured_by_value() {
        assert_eq!(Tone::of_value("5"), Tone::Five);
        assert_eq!(Tone::of_value("4+"), Tone::Four);
        assert_eq!(Tone::of_value("4-"), Tone::Four);
        assert_eq!(Tone::of_value("3"), Tone::Three);
        assert_eq!(Tone::of_value("2"), Tone::Two);
        assert_eq!(Tone::of_value("1"), Tone::Two);
        assert_eq!(Tone::of_value("н/а"), Tone::Other);
        assert_eq!(Tone::of_value("зч"), Tone::Other);
        assert_eq!(Tone::of_value("осв"), Tone::Other);
        assert_eq!(Tone::of_value("6"), Tone::Other);
        assert_eq!(Tone::of_number(4.5), Tone::Five);
        assert_eq!(Tone::of_number(4.49), Tone::Four);
        assert_eq!(Tone::of_number(3.75), Tone::Four);
        assert_eq!(Tone::of_number(2.5), Tone::Three);
        assert_eq!(Tone::of_number(2.49), Tone::Two);
        assert_eq!(Tone::of_number(f64::NAN), Tone::Other);
        assert_eq!(Tone::of_mark(&mark("5", Some(5.0), 1.0)).class(), "mk-5");
        assert_eq!(
            Tone::of_mark(&mark("зч", None, 1.0)).class(),
            "mk-x",
            "values that do not count are grey"
        );
    }

    #[test]
    fn averages_have_two_decimals_and_the_languages_separator() {
        assert_eq!(average_text(Some(4.25), Locale::ru), "4,25");
        assert_eq!(average_text(Some(4.25), Locale::en), "4.25");
        assert_eq!(average_text(Some(5.0), Locale::ru), "5,00");
        assert_eq!(average_text(Some(3.666), Locale::ru), "3,67");
        assert_eq!(average_text(None, Locale::ru), "—");
        assert_eq!(weight_text(1.0, Locale::ru), "1");
        assert_eq!(weight_text(1.5, Locale::ru), "1,5");
        assert_eq!(weight_text(0.25, Locale::en), "0.25");
        assert_eq!(weight_text(10.0, Locale::en), "10");
    }

    #[test]
    fn a_marks_title_says_type_weight_date_and_comment() {
        let mut m = mark("5", Some(5.0), 3.0);
        m.title = Some("КР №2".into());
        m.comment = Some(" молодец ".into());
        assert_eq!(
            mark_title(&m, Locale::ru),
            "Контрольная работа «КР №2», вес 3 · 27.11 · молодец"
        );
        let m = mark("4", Some(4.0), 1.5);
        assert_eq!(
            mark_title(&m, Locale::en),
            "Контрольная работа, weight 1.5 · 27 Nov"
        );
        let mut out = String::new();
        mark_badge_html(
            &mut out,
            &mark("2", Some(2.0), 3.0),
            "diary-mark-x",
            Locale::ru,
        );
        assert!(
            out.starts_with("<span class=\"mk mk-2\" data-testid=\"diary-mark-x\""),
            "{out}"
        );
        assert!(out.contains("<span class=\"mk-value\">2</span>"), "{out}");
        assert!(out.contains(">КР ×3</span>"), "{out}");
    }

    #[test]
    fn the_feed_shows_changes_old_to_new() {
        let new = feed_item(Some("5"), None, "2026-12-01T09:05:00Z");
        assert_eq!(Change::of(&new), Change::New("5"));
        assert_eq!(Change::of(&new).text(), "5");
        let changed = feed_item(Some("5"), Some("4"), "2026-12-01T09:05:00Z");
        assert_eq!(Change::of(&changed).text(), "4 → 5");
        assert_eq!(Change::of(&changed).tone(), Tone::Five);
        let removed = feed_item(None, Some("3"), "2026-12-01T09:05:00Z");
        assert_eq!(Change::of(&removed), Change::Removed(Some("3")));
        assert_eq!(Change::of(&removed).text(), "3 → —");
        assert_eq!(Change::of(&removed).tone(), Tone::Other);
        let same = feed_item(Some("4"), Some("4"), "2026-12-01T09:05:00Z");
        assert_eq!(Change::of(&same), Change::New("4"));
    }

    #[test]
    fn the_feed_says_when_a_mark_was_set() {
        let msk = FixedOffset::east_opt(3 * 3600).unwrap();
        let today = day(2026, 12, 1);
        // 21:30 UTC on 30 Nov is 00:30 on 1 Dec in Moscow: today.
        assert_eq!(
            set_at_text(utc("2026-11-30T21:30:00Z"), &msk, today, Locale::ru),
            "сегодня, 00:30"
        );
        assert_eq!(
            set_at_text(utc("2026-11-30T08:00:00Z"), &msk, today, Locale::ru),
            "вчера, 11:00"
        );
        assert_eq!(
            set_at_text(utc("2026-11-20T08:00:00Z"), &msk, today, Locale::en),
            "20 Nov, 11:00"
        );
        assert_eq!(
            set_at_text(utc("2025-12-20T08:00:00Z"), &msk, today, Locale::ru),
            "20.12.2025, 11:00"
        );
        let items = [
            feed_item(Some("5"), Some("4"), "2026-12-01T09:05:00Z"),
            feed_item(None, Some("3"), "2026-11-30T09:05:00Z"),
        ];
        let html = feed_html(&items, &msk, today, Locale::ru);
        assert!(
            html.contains(&format!(
                "data-testid=\"feed-item-{WORK}\" data-change=\"changed\""
            )),
            "{html}"
        );
        assert!(html.contains(">4 → 5</span>"), "{html}");
        assert!(
            html.contains("Ответ на уроке · за урок 24.11 · исправлена"),
            "{html}"
        );
        assert!(html.contains("за урок 24.11 · удалена"), "{html}");
        assert!(html.contains(">сегодня, 12:05</time>"), "{html}");
        assert!(
            html.find("4 → 5").unwrap() < html.find("3 → —").unwrap(),
            "the server's order (newest set first) is kept"
        );
        assert!(feed_html(&[], &msk, today, Locale::en).contains("feed-empty"));
    }

    #[test]
    fn a_diary_week_shows_lessons_marks_homework_and_today() {
        let mut d = week();
        let mut first = lesson(1, "Математика");
        first.topic = Some("Дроби".into());
        first.homework = Some("№ 12 <стр. 40>".into());
        first.homework_due_on = Some(day(2026, 12, 2));
        first.marks = vec![mark("5", Some(5.0), 1.0)];
        first.attendance = Some("оп".into());
        first.attendance_label = Some("ОП".into());
        let mut second = lesson(2, "Физика");
        second.status = LessonStatus::Cancelled;
        second.cancel_reason = Some("карантин".into());
        second.attendance = Some("н".into());
        second.attendance_label = Some("Н".into());
        d.days[1].lessons = vec![first.clone(), second.clone()];
        d.days[1].homework_due = vec![HomeworkDue {
            lesson_id: Uuid::from_u128(0x900),
            subject_name: "Русский язык".into(),
            given_on: day(2026, 11, 27),
            homework: "Упр. 5".into(),
        }];
        d.days[3].holiday = Some("День <народного> единства".into());
        let href = |week: Option<&str>| diary_href(SCHOOL, Some(KID1), week);
        let html = diary_html(&d, &href, Locale::ru);

        assert!(html.contains("data-testid=\"diary-prev\""), "{html}");
        assert!(html.contains("week=2026-W48"), "{html}");
        assert!(
            html.contains("week=2026-W50\" data-testid=\"diary-next\""),
            "{html}"
        );
        assert!(
            html.contains("data-testid=\"diary-week\" data-week=\"2026-W49\""),
            "{html}"
        );
        assert!(
            html.contains(&format!(
                "href=\"/diary?school={SCHOOL}&amp;student={KID1}\" data-testid=\"diary-today\" aria-current=\"page\">Сегодня</a>"
            )),
            "{html}"
        );
        // Monday–Saturday; an empty Sunday is left out.
        assert_eq!(html.matches("data-testid=\"diary-day-").count(), 6);
        assert!(!html.contains("diary-day-2026-12-06"), "{html}");
        assert!(
            html.contains("class=\"dd dd-today\" data-testid=\"diary-day-2026-12-01\""),
            "{html}"
        );
        assert!(html.contains("data-today=\"true\""), "{html}");
        assert!(html.contains("aria-current=\"date\""), "{html}");
        assert!(html.contains("Вт, 01.12 <span class=\"badge badge-info\">сегодня</span>"));
        // Homework due today, at the top and in its day.
        assert!(html.contains("data-testid=\"diary-due-today\""), "{html}");
        assert!(
            html.contains("data-testid=\"diary-due-2026-12-01\""),
            "{html}"
        );
        assert!(
            html.contains(
                "<strong>Русский язык</strong> Упр. 5 <span class=\"muted\">задано 27.11</span>"
            ),
            "{html}"
        );
        // The lessons.
        let l1 = first.lesson_id;
        let l2 = second.lesson_id;
        assert!(
            html.contains(&format!("data-testid=\"diary-lesson-{l1}\"")),
            "{html}"
        );
        assert!(
            html.contains(&format!(
                "data-testid=\"diary-homework-{l1}\" data-due=\"2026-12-02\""
            )),
            "{html}"
        );
        assert!(
            html.contains("№ 12 &lt;стр. 40&gt; <span class=\"muted dl-due\">к 02.12</span>"),
            "{html}"
        );
        assert!(
            html.contains(&format!("data-testid=\"diary-topic-{l1}\"")),
            "{html}"
        );
        assert!(
            html.contains(&format!("data-testid=\"diary-mark-{WORK}\"")),
            "{html}"
        );
        assert!(
            html.contains(&format!(
                "class=\"att att-late\" data-testid=\"diary-att-{l1}\" data-code=\"оп\""
            )),
            "{html}"
        );
        assert!(
            html.contains(&format!(
                "class=\"att att-absent\" data-testid=\"diary-att-{l2}\""
            )),
            "{html}"
        );
        assert!(html.contains("class=\"dl dl-cancelled\""), "{html}");
        assert!(html.contains("Отменён: карантин"), "{html}");
        assert!(html.contains(">08:30–09:15</span>"), "{html}");
        // Holidays and days off.
        assert!(
            html.contains(">День &lt;народного&gt; единства</p>"),
            "{html}"
        );
        assert!(html.contains("Уроков нет"), "{html}");
    }

    #[test]
    fn another_week_links_back_to_today_and_sunday_shows_when_busy() {
        let mut d = week();
        d.today = day(2026, 12, 9);
        for day in &mut d.days {
            day.is_today = false;
        }
        d.days[6].lessons = vec![lesson(1, "Олимпиада")];
        let href = |week: Option<&str>| diary_href(SCHOOL, None, week);
        let html = diary_html(&d, &href, Locale::en);
        assert!(
            html.contains("data-testid=\"diary-today\">Today</a>"),
            "{html}"
        );
        assert!(!html.contains("aria-current=\"page\""), "{html}");
        assert!(!html.contains("diary-due-today"), "{html}");
        assert!(html.contains("diary-day-2026-12-06"), "{html}");
    }

    #[test]
    fn the_marks_page_lists_subjects_with_averages_and_counts() {
        let period = Period {
            id: Uuid::from_u128(0xE2),
            academic_year_id: Uuid::from_u128(0xE0),
            kind: PeriodKind::Quarter,
            number: 2,
            starts_on: day(2026, 11, 9),
            ends_on: day(2026, 12, 27),
        };
        let subject = SubjectMarks {
            course_id: COURSE,
            subject_id: Uuid::from_u128(0x5B),
            subject_name: "Математика".into(),
            teacher_names: vec!["Абдуллаева Севиль Шамилевна".into()],
            marks: vec![mark("5", Some(5.0), 1.0), mark("3", Some(3.0), 3.0)],
            average: Some(3.5),
            mark_count: 2,
            absences: 3,
            scale_id: Uuid::from_u128(0x5CA1E),
            final_mark: None,
            suggested_final: Some("4".into()),
        };
        let empty = SubjectMarks {
            course_id: Uuid::from_u128(0xC1),
            subject_name: "Музыка".into(),
            marks: Vec::new(),
            average: None,
            mark_count: 0,
            absences: 0,
            final_mark: Some("зч".into()),
            suggested_final: None,
            ..subject.clone()
        };
        let html = subject_body_html(&subject, None, Locale::ru);
        assert!(
            html.contains(&format!(
                "class=\"ms-avg mk-4\" data-testid=\"marks-avg-{COURSE}\" data-value=\"3.50\">3,50</strong>"
            )),
            "{html}"
        );
        assert!(html.contains(">2 отметки · 3 пропуска</span>"), "{html}");
        assert!(html.contains("Абдуллаева\u{a0}С.\u{a0}Ш."), "{html}");
        assert_eq!(html.matches("data-testid=\"marks-mark-").count(), 2);
        // No final mark yet, and the one the average suggests beside it.
        assert!(
            html.contains(&format!(
                "data-testid=\"marks-final-{COURSE}\" data-value=\"\">Итоговая не выставлена</span>"
            )),
            "{html}"
        );
        assert!(
            html.contains(&format!(
                "data-testid=\"marks-suggested-{COURSE}\" data-value=\"4\""
            )),
            "{html}"
        );
        assert!(html.contains(">По расчёту: 4</span>"), "{html}");

        let html = subject_body_html(&empty, None, Locale::ru);
        assert!(html.contains(">0 отметок</span>"), "{html}");
        assert!(html.contains(">Итоговая: зч</span>"), "{html}");
        assert!(!html.contains("marks-suggested-"), "{html}");
        // With the scale the label shows: зч → зач.
        let pass_fail = MarkScale {
            id: Uuid::from_u128(0x5CA1E),
            code: "pass_fail".into(),
            name: "Зачёт".into(),
            values: MarkScale::pass_fail_values(),
            is_default: false,
        };
        let html = subject_body_html(&empty, Some(&pass_fail), Locale::ru);
        assert!(html.contains(">Итоговая: зач</span>"), "{html}");
        assert!(html.contains("data-value=\"зч\""), "{html}");
        let bare = SubjectMarks {
            final_mark: None,
            ..empty.clone()
        };
        assert!(
            !subject_body_html(&bare, None, Locale::ru).contains("ms-finals"),
            "neither a final mark nor a suggestion: no line"
        );

        assert_eq!(subject_counts(&subject, Locale::en), "2 marks · 3 absences");
        let one = SubjectMarks {
            mark_count: 1,
            absences: 1,
            ..subject.clone()
        };
        assert_eq!(subject_counts(&one, Locale::ru), "1 отметка · 1 пропуск");
        let many = SubjectMarks {
            mark_count: 21,
            absences: 5,
            ..subject
        };
        assert_eq!(
            subject_counts(&many, Locale::ru),
            "21 отметка · 5 пропусков"
        );

        assert_eq!(period_name(&period, Locale::ru), "Четверть 2");
        assert_eq!(
            period_label(&period, Locale::ru),
            "Четверть 2 (09.11–27.12)"
        );
        let year = Period {
            kind: PeriodKind::Year,
            number: 1,
            id: Uuid::from_u128(0xE9),
            ..period.clone()
        };
        assert_eq!(period_name(&year, Locale::ru), "Учебный год");
        let choices = period_choices(std::slice::from_ref(&year), Some(&period));
        assert_eq!(
            choices.len(),
            2,
            "the shown period is offered even from another year"
        );
        let select = period_select_html(&choices, Some(period.id), Locale::ru);
        assert!(select.contains("data-testid=\"marks-period\""), "{select}");
        assert!(
            select.contains(&format!("value=\"{}\" selected>Четверть 2", period.id)),
            "{select}"
        );
    }

    #[test]
    fn attendance_codes_have_colours() {
        assert_eq!(attendance_class("н"), "att att-absent");
        assert_eq!(attendance_class("Б"), "att att-excused");
        assert_eq!(attendance_class("уп"), "att att-excused");
        assert_eq!(attendance_class("оп"), "att att-late");
        assert_eq!(attendance_class("x"), "att att-other");
    }
}
