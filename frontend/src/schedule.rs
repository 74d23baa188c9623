//! Schedule views (`GET …/schedule`): whose schedule a page shows, week navigation, the week
//! grid, the marks a lesson gets (cancelled, substitution, moved) and their HTML.
//!
//! Like [`crate::table`], lessons and weeks are rendered to HTML text by plain functions: a week
//! has up to ~60 lessons, and one string renderer costs far less wasm than a Leptos view per
//! piece (DESIGN §6). Every text is escaped. Links are ordinary `<a href>`, which the router
//! takes over. Everything here is pure and unit-tested on the host.

use chrono::{Datelike, Duration, NaiveDate};
use otmetka_domain::Role;
use otmetka_domain::auth::{Child, Me};
use otmetka_domain::timetable::{
    Lesson, LessonOrigin, LessonStatus, Schedule, ScheduleDay, iso_week_bounds, iso_week_of,
    week_monday,
};
use uuid::Uuid;

use crate::i18n::{Locale, td_string};
use crate::paging::query_string;
use crate::table::escape;

/// What a week page shows: one teacher's, class's, room's or student's lessons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Teacher,
    Class,
    Room,
    Student,
}

impl Mode {
    /// The `by=` value of the page URL.
    pub fn param(self) -> &'static str {
        match self {
            Mode::Teacher => "teacher",
            Mode::Class => "class",
            Mode::Room => "room",
            Mode::Student => "student",
        }
    }

    pub fn parse(value: &str) -> Option<Mode> {
        match value.trim() {
            "teacher" => Some(Mode::Teacher),
            "class" => Some(Mode::Class),
            "room" => Some(Mode::Room),
            "student" => Some(Mode::Student),
            _ => None,
        }
    }

    /// `data-testid` of the mode's tab.
    pub fn testid(self) -> &'static str {
        match self {
            Mode::Teacher => "schedule-mode-teacher",
            Mode::Class => "schedule-mode-class",
            Mode::Room => "schedule-mode-room",
            Mode::Student => "schedule-mode-student",
        }
    }
}

/// Whose lessons to ask the API for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Teacher(Uuid),
    Class(Uuid),
    Room(String),
    Student(Uuid),
}

impl Target {
    /// The chosen teacher, class or student (a room has no id).
    pub fn id(&self) -> Option<Uuid> {
        match self {
            Target::Teacher(id) | Target::Class(id) | Target::Student(id) => Some(*id),
            Target::Room(_) => None,
        }
    }

    /// The teacher whose own lessons these are (for the substitution marks).
    pub fn teacher(&self) -> Option<Uuid> {
        match self {
            Target::Teacher(id) => Some(*id),
            _ => None,
        }
    }
}

/// Which days to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// The current week in the school's time zone.
    CurrentWeek,
    /// An ISO week, `2026-W49`.
    Week(String),
    /// One day.
    Date(NaiveDate),
    /// Today in the school's time zone (one day; `next_lesson_date` is set).
    Today,
}

/// The query of `GET …/schedule`: `?teacher_id=…&week=2026-W49`.
pub fn api_query(target: &Target, when: &When) -> String {
    let (key, value) = match target {
        Target::Teacher(id) => ("teacher_id", id.to_string()),
        Target::Class(id) => ("class_id", id.to_string()),
        Target::Room(room) => ("room", room.trim().to_string()),
        Target::Student(id) => ("student_id", id.to_string()),
    };
    let (when_key, when_value) = match when {
        When::CurrentWeek => ("week", None),
        When::Week(week) => ("week", Some(week.clone())),
        When::Date(day) => ("date", Some(day.to_string())),
        When::Today => ("today", Some("true".to_string())),
    };
    query_string(&[(key, Some(value)), (when_key, when_value)])
}

/// The week page's state as its URL gives it: `/schedule?school=&by=&id=&room=&week=`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageState {
    pub mode: Option<Mode>,
    pub id: Option<Uuid>,
    pub room: Option<String>,
    /// A valid ISO week, normalised (`2026-W49`); `None` is the current week.
    pub week: Option<String>,
}

/// Reads the page's query values; malformed ones count as absent.
pub fn page_state(
    by: Option<&str>,
    id: Option<&str>,
    room: Option<&str>,
    week: Option<&str>,
) -> PageState {
    PageState {
        mode: by.and_then(Mode::parse),
        id: id.and_then(|v| Uuid::parse_str(v.trim()).ok()),
        room: room
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string),
        week: week.and_then(normal_week),
    }
}

/// `2026-W49` for a valid ISO week (also `2026-W9`), else `None`.
pub fn normal_week(week: &str) -> Option<String> {
    iso_week_bounds(week).map(|(monday, _)| iso_week_of(monday))
}

/// The ISO week `by` weeks after `week` (before, when negative).
pub fn shift_week(week: &str, by: i64) -> Option<String> {
    let (monday, _) = iso_week_bounds(week)?;
    Some(iso_week_of(monday + Duration::weeks(by)))
}

/// The link to the week page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLink {
    pub school_id: Uuid,
    pub mode: Mode,
    pub id: Option<Uuid>,
    pub room: Option<String>,
}

impl PageLink {
    /// The page for `week` (`None`: the current week).
    pub fn href(&self, week: Option<&str>) -> String {
        format!(
            "/schedule{}",
            query_string(&[
                ("school", Some(self.school_id.to_string())),
                ("by", Some(self.mode.param().to_string())),
                ("id", self.id.map(|id| id.to_string())),
                ("room", self.room.clone()),
                ("week", week.map(str::to_string)),
            ])
        )
    }
}

/// Who is looking, in the selected school: which views they may open and their own ids.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Viewer {
    /// Admin, principal, teacher (or a superadmin): teacher, class and room views.
    pub staff: bool,
    /// Admin, principal or superadmin: may look at any teacher's week.
    pub any_teacher: bool,
    /// The account's own staff record, when it has the teacher role.
    pub teacher: Option<Uuid>,
    /// The account's own student record.
    pub student: Option<Uuid>,
    /// A parent's children, each once.
    pub children: Vec<Child>,
}

/// The [`Viewer`] for `me` in a school.
pub fn viewer(me: &Me, school_id: Uuid) -> Viewer {
    let roles = crate::access::roles_in(me, school_id);
    let person = crate::access::my_person(me, school_id);
    let has = |r: Role| roles.contains(&r);
    let any_teacher = me.is_superadmin || has(Role::Admin) || has(Role::Principal);
    let children: Vec<Child> = me
        .memberships
        .iter()
        .filter(|m| m.school_id == school_id && m.roles.contains(&Role::Parent))
        .flat_map(|m| m.children.iter().cloned())
        .collect();
    Viewer {
        staff: any_teacher || has(Role::Teacher),
        any_teacher,
        teacher: person.filter(|_| has(Role::Teacher)),
        student: person.filter(|_| has(Role::Student)),
        children: crate::pages::home::children_once(&children),
    }
}

/// Whether the account lands on "Today" after signing in: it teaches in the school it starts
/// in (its first membership) and has a staff record there.
pub fn lands_on_today(me: &Me) -> bool {
    me.memberships
        .first()
        .is_some_and(|m| viewer(me, m.school_id).teacher.is_some())
}

/// Where the SPA goes after signing in without a `next` page: teachers to "Today", everyone
/// else to the home page.
pub fn landing_path(me: &Me) -> &'static str {
    if lands_on_today(me) { "/today" } else { "/" }
}

impl Viewer {
    /// The views this account may open, in tab order.
    pub fn modes(&self) -> Vec<Mode> {
        let mut modes = Vec::new();
        if self.staff {
            modes.extend([Mode::Teacher, Mode::Class, Mode::Room]);
        }
        if self.student.is_some() || !self.children.is_empty() {
            modes.push(Mode::Student);
        }
        modes
    }

    /// The students whose week this account may see: itself, then its children.
    pub fn students(&self) -> Vec<Uuid> {
        let mut out: Vec<Uuid> = self.student.into_iter().collect();
        out.extend(self.children.iter().map(|c| c.person_id));
        out
    }

    /// The view when the URL names none: a teacher's own week, a student's or the first
    /// child's week, else the class view.
    pub fn default_mode(&self) -> Option<Mode> {
        if self.teacher.is_some() {
            Some(Mode::Teacher)
        } else if !self.students().is_empty() {
            Some(Mode::Student)
        } else if self.staff {
            Some(Mode::Class)
        } else {
            None
        }
    }

    /// The view and whose lessons it shows, for the page's URL; the target is `None` while
    /// something is still to be chosen (a class, a room, another teacher). An id the account
    /// may not use is replaced by its own choice, never sent to the API.
    pub fn resolve(&self, state: &PageState) -> Option<(Mode, Option<Target>)> {
        let modes = self.modes();
        let mode = state
            .mode
            .filter(|m| modes.contains(m))
            .or_else(|| self.default_mode())?;
        let target = match mode {
            Mode::Teacher => {
                let picked = state.id.filter(|_| self.any_teacher);
                picked.or(self.teacher).map(Target::Teacher)
            }
            Mode::Class => state.id.map(Target::Class),
            Mode::Room => state.room.clone().map(Target::Room),
            Mode::Student => {
                let allowed = self.students();
                state
                    .id
                    .filter(|id| allowed.contains(id))
                    .or_else(|| allowed.first().copied())
                    .map(Target::Student)
            }
        };
        Some((mode, target))
    }
}

/// A mode's tab text.
pub fn mode_label(locale: Locale, mode: Mode, viewer: &Viewer) -> &'static str {
    match mode {
        Mode::Teacher if !viewer.any_teacher => td_string!(locale, schedule_view.mode_my_lessons),
        Mode::Teacher => td_string!(locale, schedule_view.mode_teacher),
        Mode::Class => td_string!(locale, schedule_view.mode_class),
        Mode::Room => td_string!(locale, schedule_view.mode_room),
        Mode::Student if viewer.student.is_some() && viewer.children.is_empty() => {
            td_string!(locale, schedule_view.mode_mine)
        }
        Mode::Student if viewer.student.is_some() => td_string!(locale, schedule_view.mode_student),
        Mode::Student => td_string!(locale, schedule_view.mode_child),
    }
}

/// An option of a picker (a teacher, a class).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub id: Uuid,
    pub name: String,
}

/// Where the week page is, for its tabs and pickers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Controls {
    pub school_id: Uuid,
    pub mode: Mode,
    /// The teacher, class or student shown.
    pub chosen: Option<Uuid>,
    pub week: Option<String>,
}

impl Controls {
    fn href(&self, mode: Mode, id: Option<Uuid>) -> String {
        PageLink {
            school_id: self.school_id,
            mode,
            id,
            room: None,
        }
        .href(self.week.as_deref())
    }
}

fn select_html(
    out: &mut String,
    mode: Mode,
    label: &str,
    chosen: Option<Uuid>,
    choices: &[Choice],
    locale: Locale,
) {
    let id = match mode {
        Mode::Teacher => "schedule-teacher",
        _ => "schedule-class",
    };
    out.push_str("<label class=\"inline-field\"");
    push_attr(out, "for", id);
    out.push_str("><span>");
    escape(label, out);
    out.push_str("</span><select");
    push_attr(out, "id", id);
    push_attr(out, "data-testid", id);
    push_attr(out, "data-mode", mode.param());
    out.push_str("><option value=\"\"");
    if chosen.is_none() {
        out.push_str(" selected");
    }
    out.push('>');
    escape(td_string!(locale, schedule_view.choose), out);
    out.push_str("</option>");
    for c in choices {
        out.push_str("<option");
        push_attr(out, "value", &c.id.to_string());
        if chosen == Some(c.id) {
            out.push_str(" selected");
        }
        out.push('>');
        escape(&c.name, out);
        out.push_str("</option>");
    }
    out.push_str("</select></label>");
}

/// The week page's tabs (one per view the account may open, when it has several) and the
/// chooser of the current view: a teacher or class select (`data-mode` says which), a parent's
/// children as links, or a parent's only child's name. The room view's form is not here.
pub fn controls_html(
    viewer: &Viewer,
    page: &Controls,
    teachers: &[Choice],
    classes: &[Choice],
    locale: Locale,
) -> String {
    let mut out = String::with_capacity(1024 + 64 * (teachers.len() + classes.len()));
    let modes = viewer.modes();
    if modes.len() > 1 {
        out.push_str("<nav class=\"tabs\" data-testid=\"schedule-modes\"");
        push_attr(
            &mut out,
            "aria-label",
            td_string!(locale, schedule_view.views),
        );
        out.push('>');
        for m in modes {
            out.push_str("<a class=\"tab\"");
            push_attr(&mut out, "href", &page.href(m, None));
            push_attr(&mut out, "data-testid", m.testid());
            if m == page.mode {
                out.push_str(" aria-current=\"page\"");
            }
            out.push('>');
            escape(mode_label(locale, m, viewer), &mut out);
            out.push_str("</a>");
        }
        out.push_str("</nav>");
    }
    let mut chooser = String::new();
    match page.mode {
        Mode::Teacher if viewer.any_teacher => select_html(
            &mut chooser,
            Mode::Teacher,
            td_string!(locale, schedule_view.teacher),
            page.chosen,
            teachers,
            locale,
        ),
        Mode::Class => select_html(
            &mut chooser,
            Mode::Class,
            td_string!(locale, schedule_view.class),
            page.chosen,
            classes,
            locale,
        ),
        Mode::Student => children_html(
            &mut chooser,
            viewer,
            page.chosen,
            &|id| page.href(Mode::Student, Some(id)),
            td_string!(locale, schedule_view.mode_mine),
            locale,
        ),
        Mode::Teacher | Mode::Room => {}
    }
    if !chooser.is_empty() {
        out.push_str("<div class=\"toolbar schedule-chooser\">");
        out.push_str(&chooser);
        out.push_str("</div>");
    }
    out
}

/// Whose pages a student or parent chooses between: links to each (`schedule-children`,
/// `schedule-child`, the current one with `aria-current`) when there are two or more — the
/// account's own (`mine` is its text) first, then the children — or a parent's only child's
/// name (`schedule-child-name`). Shared by the schedule, the diary and the marks page; `href`
/// is the page of a student.
pub fn children_html(
    out: &mut String,
    viewer: &Viewer,
    chosen: Option<Uuid>,
    href: &dyn Fn(Uuid) -> String,
    mine: &str,
    locale: Locale,
) {
    let mut people: Vec<(Uuid, String)> = Vec::new();
    if let Some(me) = viewer.student {
        people.push((me, mine.to_string()));
    }
    for c in &viewer.children {
        let name = match &c.class_name {
            Some(class) => format!("{}, {class}", c.name),
            None => c.name.clone(),
        };
        people.push((c.person_id, name));
    }
    if people.len() > 1 {
        out.push_str("<ul class=\"chips\" data-testid=\"schedule-children\"");
        push_attr(
            out,
            "aria-label",
            td_string!(locale, schedule_view.children),
        );
        out.push('>');
        for (id, name) in people {
            out.push_str("<li><a class=\"chip\"");
            push_attr(out, "href", &href(id));
            push_attr(out, "data-testid", "schedule-child");
            push_attr(out, "data-person-id", &id.to_string());
            if chosen == Some(id) {
                out.push_str(" aria-current=\"page\"");
            }
            out.push('>');
            escape(&name, out);
            out.push_str("</a></li>");
        }
        out.push_str("</ul>");
    } else if viewer.student.is_none()
        && let Some(child) = viewer.children.first()
    {
        out.push_str("<p class=\"schedule-who\" data-testid=\"schedule-child-name\"");
        push_attr(out, "data-person-id", &child.person_id.to_string());
        out.push('>');
        escape(&people[0].1, out);
        out.push_str("</p>");
    }
}

/// A remark on a lesson, shown as a badge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// Отменён, with the reason.
    Cancelled(Option<String>),
    /// The viewed teacher holds this lesson for its own teachers (names).
    Covering(String),
    /// The viewed teacher's own lesson is held by a substitute (name).
    CoveredBy(String),
    /// Another view of a lesson with a substitute (name).
    Substitute(String),
    /// Moved here from another day or slot.
    Moved(NaiveDate, i32),
    /// An extra lesson outside the timetable.
    Extra,
}

impl Mark {
    /// `data-kind` of the badge.
    pub fn kind(&self) -> &'static str {
        match self {
            Mark::Cancelled(_) => "cancelled",
            Mark::Covering(_) => "covering",
            Mark::CoveredBy(_) => "covered",
            Mark::Substitute(_) => "substitute",
            Mark::Moved(..) => "moved",
            Mark::Extra => "extra",
        }
    }

    fn class(&self) -> &'static str {
        match self {
            Mark::Cancelled(_) => "badge badge-danger",
            Mark::Covering(_) | Mark::CoveredBy(_) | Mark::Substitute(_) => "badge badge-warn",
            Mark::Moved(..) | Mark::Extra => "badge badge-info",
        }
    }

    /// The badge's text.
    pub fn text(&self, locale: Locale) -> String {
        match self {
            Mark::Cancelled(None) => td_string!(locale, schedule_view.cancelled).to_string(),
            Mark::Cancelled(Some(reason)) => {
                td_string!(locale, schedule_view.cancelled_because, reason = reason)
            }
            Mark::Covering(names) if names.is_empty() => {
                td_string!(locale, schedule_view.covering).to_string()
            }
            Mark::Covering(names) => {
                td_string!(locale, schedule_view.covering_for, names = names)
            }
            Mark::CoveredBy(name) => td_string!(locale, schedule_view.covered_by, name = name),
            Mark::Substitute(name) => td_string!(locale, schedule_view.substitute, name = name),
            Mark::Moved(day, number) => td_string!(
                locale,
                schedule_view.moved_from,
                date = short_day(*day, locale),
                number = *number
            ),
            Mark::Extra => td_string!(locale, schedule_view.extra).to_string(),
        }
    }
}

/// The marks of a lesson; `teacher` is the teacher whose own week or day is shown (`None` for
/// class, room and student views).
pub fn lesson_marks(lesson: &Lesson, teacher: Option<Uuid>) -> Vec<Mark> {
    let mut marks = Vec::new();
    if lesson.status == LessonStatus::Cancelled {
        let reason = lesson
            .cancel_reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        marks.push(Mark::Cancelled(reason));
    }
    if let Some(sub) = lesson.substitute_id {
        let sub_name = short_name(lesson.substitute_name.as_deref().unwrap_or(""));
        if teacher == Some(sub) {
            marks.push(Mark::Covering(names(&lesson.teacher_names)));
        } else if teacher.is_some_and(|t| lesson.teacher_ids.contains(&t)) {
            marks.push(Mark::CoveredBy(sub_name));
        } else {
            marks.push(Mark::Substitute(sub_name));
        }
    }
    if let Some(from) = lesson.moved_from_date {
        let number = lesson.moved_from_number.unwrap_or(lesson.lesson_number);
        if from != lesson.date || number != lesson.lesson_number {
            marks.push(Mark::Moved(from, number));
        }
    }
    if lesson.origin == LessonOrigin::Extra {
        marks.push(Mark::Extra);
    }
    marks
}

/// `Фамилия И. О.` from `Фамилия Имя Отчество`, with no-break spaces (the initials never
/// wrap away from the surname).
pub fn short_name(full: &str) -> String {
    let mut words = full.split_whitespace();
    let Some(last) = words.next() else {
        return String::new();
    };
    let mut out = last.to_string();
    for w in words {
        if let Some(c) = w.chars().next() {
            out.push('\u{a0}');
            out.push(c);
            out.push('.');
        }
    }
    out
}

/// Short names joined with commas.
fn names(full: &[String]) -> String {
    full.iter()
        .map(|n| short_name(n))
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One column of the week grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridDay<'a> {
    pub day: &'a ScheduleDay,
    pub is_today: bool,
    /// The lessons of each row of [`WeekGrid::numbers`].
    pub cells: Vec<Vec<&'a Lesson>>,
}

/// A week as a grid: lesson numbers as rows, days as columns.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekGrid<'a> {
    /// Every lesson number from the first to the last lesson of the week (a gap is a free
    /// period, so rows line up across days); empty when the week has no lessons.
    pub numbers: Vec<i32>,
    /// Monday to Friday, and Saturday and Sunday when they have lessons.
    pub days: Vec<GridDay<'a>>,
}

/// Groups a week's lessons into a grid.
pub fn week_grid(schedule: &Schedule) -> WeekGrid<'_> {
    let shown: Vec<&ScheduleDay> = schedule
        .days
        .iter()
        .filter(|d| d.weekday <= 5 || !d.lessons.is_empty())
        .collect();
    let all = shown.iter().flat_map(|d| d.lessons.iter());
    let numbers: Vec<i32> = match (
        all.clone().map(|l| l.lesson_number).min(),
        all.map(|l| l.lesson_number).max(),
    ) {
        (Some(first), Some(last)) => (first..=last).collect(),
        _ => Vec::new(),
    };
    let days = shown
        .into_iter()
        .map(|day| GridDay {
            day,
            is_today: day.date == schedule.today,
            cells: numbers
                .iter()
                .map(|n| {
                    day.lessons
                        .iter()
                        .filter(|l| l.lesson_number == *n)
                        .collect()
                })
                .collect(),
        })
        .collect();
    WeekGrid { numbers, days }
}

/// Lessons that take place (not cancelled).
pub fn held_count(lessons: &[Lesson]) -> u64 {
    lessons
        .iter()
        .filter(|l| l.status != LessonStatus::Cancelled)
        .count() as u64
}

/// "5 уроков".
pub fn lessons_text(locale: Locale, count: u64) -> String {
    td_string!(locale, schedule_view.lessons, count = count)
}

/// A weekday's short name: `Пн` / `Mon`.
pub fn weekday_short(locale: Locale, weekday: u32) -> &'static str {
    match weekday {
        1 => td_string!(locale, schedule_view.wd_1),
        2 => td_string!(locale, schedule_view.wd_2),
        3 => td_string!(locale, schedule_view.wd_3),
        4 => td_string!(locale, schedule_view.wd_4),
        5 => td_string!(locale, schedule_view.wd_5),
        6 => td_string!(locale, schedule_view.wd_6),
        _ => td_string!(locale, schedule_view.wd_7),
    }
}

/// A weekday's name: `понедельник` / `Monday`.
pub fn weekday_long(locale: Locale, weekday: u32) -> &'static str {
    match weekday {
        1 => td_string!(locale, schedule_view.wday_1),
        2 => td_string!(locale, schedule_view.wday_2),
        3 => td_string!(locale, schedule_view.wday_3),
        4 => td_string!(locale, schedule_view.wday_4),
        5 => td_string!(locale, schedule_view.wday_5),
        6 => td_string!(locale, schedule_view.wday_6),
        _ => td_string!(locale, schedule_view.wday_7),
    }
}

/// `30.11` / `30 Nov`.
pub fn short_day(day: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::ru => day.format("%d.%m").to_string(),
        Locale::en => day.format("%-d %b").to_string(),
    }
}

/// A column heading: `Пн, 30.11` / `Mon, 30 Nov`.
pub fn day_head(day: NaiveDate, locale: Locale) -> String {
    format!(
        "{}, {}",
        weekday_short(locale, day.weekday().number_from_monday()),
        short_day(day, locale)
    )
}

/// `понедельник, 30.11.2026` / `Monday, 30 Nov 2026`, for inside a sentence.
pub fn day_with_weekday(day: NaiveDate, locale: Locale) -> String {
    format!(
        "{}, {}",
        weekday_long(locale, day.weekday().number_from_monday()),
        crate::roster::format_day(day, locale)
    )
}

/// `Понедельник, 30.11.2026` / `Monday, 30 Nov 2026`, to start a line.
pub fn long_day(day: NaiveDate, locale: Locale) -> String {
    let text = day_with_weekday(day, locale);
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `30.11 – 06.12.2026`, `28.12.2026 – 03.01.2027` / `30 Nov – 6 Dec 2026`.
pub fn week_label(from: NaiveDate, to: NaiveDate, locale: Locale) -> String {
    let last = crate::roster::format_day(to, locale);
    let first = if from.year() == to.year() {
        short_day(from, locale)
    } else {
        crate::roster::format_day(from, locale)
    };
    format!("{first} – {last}")
}

/// `08:30–09:15`, or what is known of it.
pub fn lesson_time(lesson: &Lesson) -> Option<String> {
    match (lesson.starts_at.as_deref(), lesson.ends_at.as_deref()) {
        (Some(a), Some(b)) => Some(format!("{a}–{b}")),
        (Some(a), None) => Some(a.to_string()),
        _ => None,
    }
}

/// `1А`, `1А, гр. 2`; only `гр. 2` when the class goes without saying (class view).
pub fn class_text(lesson: &Lesson, with_class: bool, locale: Locale) -> Option<String> {
    let group = lesson
        .group_number
        .map(|n| td_string!(locale, schedule_view.group, n = n));
    match (with_class, group) {
        (true, Some(g)) => Some(format!("{}, {g}", lesson.class_name)),
        (true, None) => Some(lesson.class_name.clone()),
        (false, g) => g,
    }
}

pub(crate) fn push_tag(out: &mut String, tag: &str, class: &str, testid: &str, text: &str) {
    out.push('<');
    out.push_str(tag);
    out.push_str(" class=\"");
    out.push_str(class);
    out.push_str("\" data-testid=\"");
    out.push_str(testid);
    out.push_str("\">");
    escape(text, out);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

pub(crate) fn push_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape(value, out);
    out.push('"');
}

/// One lesson as a card (`<article data-testid="lesson">`). `mode` says what goes without
/// saying (the class in a class view, the teacher in a teacher view); `teacher` is the teacher
/// whose own lessons are shown (for the substitution marks).
pub fn lesson_html(
    out: &mut String,
    lesson: &Lesson,
    mode: Mode,
    teacher: Option<Uuid>,
    locale: Locale,
) {
    let marks = lesson_marks(lesson, teacher);
    let cancelled = lesson.status == LessonStatus::Cancelled;
    out.push_str("<article class=\"lesson");
    if cancelled {
        out.push_str(" lesson-cancelled");
    }
    if marks.iter().any(|m| {
        matches!(
            m,
            Mark::Covering(_) | Mark::CoveredBy(_) | Mark::Substitute(_)
        )
    }) {
        out.push_str(" lesson-sub");
    }
    out.push('"');
    push_attr(out, "data-testid", "lesson");
    push_attr(out, "data-lesson-id", &lesson.id.to_string());
    push_attr(out, "data-date", &lesson.date.to_string());
    push_attr(out, "data-number", &lesson.lesson_number.to_string());
    push_attr(out, "data-status", lesson.status.as_str());
    let kinds: Vec<&str> = marks.iter().map(Mark::kind).collect();
    push_attr(out, "data-marks", &kinds.join(" "));
    out.push('>');

    out.push_str("<p class=\"lesson-when\">");
    let number = td_string!(locale, schedule_view.number, n = lesson.lesson_number);
    push_tag(out, "span", "lesson-number", "lesson-number", &number);
    if let Some(time) = lesson_time(lesson) {
        out.push(' ');
        push_tag(out, "span", "lesson-time", "lesson-time", &time);
    }
    out.push_str("</p>");

    push_tag(
        out,
        "p",
        "lesson-subject",
        "lesson-subject",
        &lesson.subject_name,
    );

    let mut meta: Vec<(&str, String)> = Vec::new();
    if let Some(class) = class_text(lesson, mode != Mode::Class, locale)
        && mode != Mode::Student
    {
        meta.push(("lesson-class", class));
    }
    if mode != Mode::Teacher {
        let teachers = names(&lesson.teacher_names);
        if !teachers.is_empty() {
            meta.push(("lesson-teacher", teachers));
        }
    }
    if mode != Mode::Room
        && let Some(room) = lesson.room.as_deref().map(str::trim)
        && !room.is_empty()
    {
        meta.push((
            "lesson-room",
            td_string!(locale, schedule_view.room_short, room = room),
        ));
    }
    if !meta.is_empty() {
        out.push_str("<p class=\"lesson-meta\">");
        for (i, (testid, text)) in meta.iter().enumerate() {
            if i > 0 {
                out.push_str("<span class=\"sep\" aria-hidden=\"true\"> · </span>");
            }
            push_tag(out, "span", "lesson-fact", testid, text);
        }
        out.push_str("</p>");
    }

    if !marks.is_empty() {
        out.push_str("<p class=\"lesson-marks\">");
        for m in &marks {
            out.push_str("<span");
            push_attr(out, "class", m.class());
            push_attr(out, "data-testid", "lesson-badge");
            push_attr(out, "data-kind", m.kind());
            out.push('>');
            escape(&m.text(locale), out);
            out.push_str("</span>");
        }
        out.push_str("</p>");
    }

    if let Some(topic) = lesson.topic.as_deref().map(str::trim)
        && !topic.is_empty()
    {
        out.push_str(
            "<p class=\"lesson-topic\" data-testid=\"lesson-topic\"><span class=\"muted\">",
        );
        escape(td_string!(locale, schedule_view.topic), out);
        out.push_str("</span> ");
        escape(topic, out);
        out.push_str("</p>");
    }
    if let Some(homework) = lesson.homework.as_deref().map(str::trim)
        && !homework.is_empty()
    {
        out.push_str(
            "<p class=\"lesson-homework\" data-testid=\"lesson-homework\"><span class=\"muted\">",
        );
        escape(td_string!(locale, schedule_view.homework), out);
        out.push_str("</span> ");
        escape(homework, out);
        if let Some(due) = lesson.homework_due_on {
            out.push_str(" <span class=\"muted\" data-testid=\"lesson-homework-due\">");
            escape(
                &td_string!(locale, schedule_view.due, date = short_day(due, locale)),
                out,
            );
            out.push_str("</span>");
        }
        out.push_str("</p>");
    }
    // A teacher's own or substituted lesson links to its course's journal.
    if mode == Mode::Teacher
        && let Some(me) = teacher
        && (lesson.teacher_ids.contains(&me) || lesson.substitute_id == Some(me))
    {
        out.push_str("<p class=\"lesson-journal\"><a");
        push_attr(out, "href", &format!("/journal/{}", lesson.course_id));
        push_attr(out, "data-testid", "lesson-journal");
        out.push('>');
        escape(td_string!(locale, journal.open), out);
        out.push_str("</a></p>");
    }
    out.push_str("</article>");
}

/// A day's lessons as a list of cards (the "Today" page).
pub fn lessons_html(
    lessons: &[Lesson],
    mode: Mode,
    teacher: Option<Uuid>,
    locale: Locale,
    testid: &str,
) -> String {
    let mut out = String::with_capacity(512 * lessons.len() + 64);
    out.push_str("<div class=\"lesson-list\"");
    push_attr(&mut out, "data-testid", testid);
    out.push('>');
    for l in lessons {
        lesson_html(&mut out, l, mode, teacher, locale);
    }
    out.push_str("</div>");
    out
}

/// Why a day without lessons has none: the holiday's name, "not a school day" or nothing.
pub fn day_off_text(day: &ScheduleDay, locale: Locale) -> Option<String> {
    match (&day.holiday, day.is_school_day) {
        (Some(name), _) => Some(name.clone()),
        (None, false) => Some(td_string!(locale, schedule_view.not_school_day).to_string()),
        (None, true) => None,
    }
}

/// The test ids and the "current week" text of a week navigation.
#[derive(Debug, Clone, Copy)]
pub struct WeekNavIds {
    pub nav: &'static str,
    pub prev: &'static str,
    pub next: &'static str,
    /// The week's dates (`data-week`).
    pub label: &'static str,
    pub current: &'static str,
    pub current_text: fn(Locale) -> &'static str,
    /// Whether the link back to the current week is there on the current week too (with
    /// `aria-current="page"`) rather than only on another week.
    pub current_always: bool,
}

/// The schedule pages' week navigation.
pub const SCHEDULE_WEEK_NAV: WeekNavIds = WeekNavIds {
    nav: "week-nav",
    prev: "week-prev",
    next: "week-next",
    label: "week-label",
    current: "week-current",
    current_text: |l| td_string!(l, schedule_view.this_week),
    current_always: false,
};

/// The week navigation: previous, the week's dates, next, and back to the current week.
pub fn week_nav_html(schedule: &Schedule, link: &PageLink, locale: Locale) -> String {
    week_nav_for(
        (schedule.from, schedule.to, schedule.today),
        &|week| link.href(week),
        &SCHEDULE_WEEK_NAV,
        locale,
    )
}

/// A week navigation for the week `from`–`to` seen on `today`; `href` is the page of a week
/// (`None`: the current week).
pub fn week_nav_for(
    (from, to, today): (NaiveDate, NaiveDate, NaiveDate),
    href: &dyn Fn(Option<&str>) -> String,
    ids: &WeekNavIds,
    locale: Locale,
) -> String {
    let week = iso_week_of(from);
    let current = iso_week_of(week_monday(today));
    let mut out = String::with_capacity(768);
    out.push_str("<nav class=\"week-nav\"");
    push_attr(&mut out, "data-testid", ids.nav);
    push_attr(
        &mut out,
        "aria-label",
        td_string!(locale, schedule_view.week_nav),
    );
    out.push('>');
    // On phones the arrows of "← Предыдущая" / "Следующая →" stand alone (the words are hidden,
    // the link keeps them as its name).
    let link_to =
        |out: &mut String, target: Option<String>, testid: &str, text: &str, here: bool| {
            out.push_str("<a class=\"button button-quiet\"");
            push_attr(out, "href", &href(target.as_deref()));
            push_attr(out, "data-testid", testid);
            if here {
                out.push_str(" aria-current=\"page\"");
            }
            let words = text.trim_matches(|c: char| c == '←' || c == '→' || c == ' ');
            if words.is_empty() || words == text {
                out.push('>');
                escape(text, out);
            } else {
                push_attr(out, "aria-label", words);
                out.push('>');
                let (before, after) = text.split_once(words).unwrap_or((text, ""));
                escape(before, out);
                out.push_str("<span class=\"week-nav-word\">");
                escape(words, out);
                out.push_str("</span>");
                escape(after, out);
            }
            out.push_str("</a>");
        };
    link_to(
        &mut out,
        shift_week(&week, -1),
        ids.prev,
        td_string!(locale, schedule_view.prev_week),
        false,
    );
    out.push_str("<span class=\"week-label\"");
    push_attr(&mut out, "data-testid", ids.label);
    push_attr(&mut out, "data-week", &week);
    out.push('>');
    escape(&week_label(from, to, locale), &mut out);
    out.push_str("</span>");
    link_to(
        &mut out,
        shift_week(&week, 1),
        ids.next,
        td_string!(locale, schedule_view.next_week),
        false,
    );
    if week != current || ids.current_always {
        link_to(
            &mut out,
            None,
            ids.current,
            (ids.current_text)(locale),
            week == current,
        );
    }
    out.push_str("</nav>");
    out
}

/// The week: days as columns on wide screens (rows line up by lesson number), stacked on phones
/// (see `.week` in schedule.css). Holidays show their names; days off are greyed.
pub fn week_html(schedule: &Schedule, mode: Mode, teacher: Option<Uuid>, locale: Locale) -> String {
    let grid = week_grid(schedule);
    let rows = grid.numbers.len().max(1);
    let mut out = String::with_capacity(1024 + 600 * rows * grid.days.len());
    out.push_str("<div class=\"week\" data-testid=\"schedule-week\"");
    push_attr(
        &mut out,
        "style",
        &format!("--days:{};--rows:{rows}", grid.days.len()),
    );
    out.push('>');
    out.push_str("<span class=\"wk-corner\" aria-hidden=\"true\"></span>");
    for (i, n) in grid.numbers.iter().enumerate() {
        out.push_str("<span class=\"wk-num\" aria-hidden=\"true\"");
        push_attr(&mut out, "style", &format!("grid-row:{}", i + 2));
        out.push('>');
        out.push_str(&n.to_string());
        out.push_str("</span>");
    }
    for (col, d) in grid.days.iter().enumerate() {
        let day = d.day;
        let col = col + 2;
        let off = !day.is_school_day || day.holiday.is_some();
        out.push_str("<section class=\"wk-day");
        if off {
            out.push_str(" wk-off");
        }
        if d.is_today {
            out.push_str(" wk-today");
        }
        out.push('"');
        push_attr(&mut out, "data-testid", "schedule-day");
        push_attr(&mut out, "data-date", &day.date.to_string());
        push_attr(&mut out, "data-weekday", &day.weekday.to_string());
        push_attr(&mut out, "data-school-day", &day.is_school_day.to_string());
        push_attr(&mut out, "data-today", &d.is_today.to_string());
        push_attr(
            &mut out,
            "data-count",
            &held_count(&day.lessons).to_string(),
        );
        out.push('>');

        out.push_str("<h3 class=\"wk-head\"");
        push_attr(&mut out, "style", &format!("grid-column:{col};grid-row:1"));
        out.push('>');
        escape(&day_head(day.date, locale), &mut out);
        if d.is_today {
            out.push_str(" <span class=\"badge badge-info wk-today-badge\">");
            escape(td_string!(locale, schedule_view.today_badge), &mut out);
            out.push_str("</span>");
        }
        out.push_str("</h3>");

        let span = format!("grid-column:{col};grid-row:2 / span {rows}");
        if let Some(name) = &day.holiday {
            out.push_str("<p class=\"wk-note wk-holiday\" data-testid=\"day-holiday\"");
            push_attr(&mut out, "style", &span);
            out.push('>');
            escape(name, &mut out);
            out.push_str("</p>");
        } else if day.lessons.is_empty() {
            let text = day_off_text(day, locale)
                .unwrap_or_else(|| td_string!(locale, schedule_view.no_lessons_day).to_string());
            out.push_str("<p class=\"wk-note\" data-testid=\"day-empty\"");
            push_attr(&mut out, "style", &span);
            out.push('>');
            escape(&text, &mut out);
            out.push_str("</p>");
        }
        let lessons_shown = day.holiday.is_none() && !day.lessons.is_empty();
        if lessons_shown {
            for (row, cell) in d.cells.iter().enumerate() {
                out.push_str("<div class=\"wk-cell");
                if cell.is_empty() {
                    out.push_str(" wk-cell-empty");
                }
                out.push('"');
                push_attr(
                    &mut out,
                    "style",
                    &format!("grid-column:{col};grid-row:{}", row + 2),
                );
                out.push('>');
                for lesson in cell {
                    lesson_html(&mut out, lesson, mode, teacher, locale);
                }
                out.push_str("</div>");
            }
        }
        out.push_str("</section>");
    }
    out.push_str("</div>");
    out
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use otmetka_domain::auth::Membership;

    pub const T1: Uuid = Uuid::from_u128(0x71);
    pub const T2: Uuid = Uuid::from_u128(0x72);
    const SCHOOL: Uuid = Uuid::from_u128(0x5C);

    pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    pub fn lesson(date: NaiveDate, number: i32, subject: &str) -> Lesson {
        Lesson {
            id: Uuid::from_u128(0x1000 + number as u128),
            course_id: Uuid::from_u128(0xC0),
            class_id: Uuid::from_u128(0xC1),
            class_name: "5А".into(),
            group_id: None,
            group_number: None,
            subject_id: Uuid::from_u128(0x5B),
            subject_name: subject.into(),
            date,
            lesson_number: number,
            starts_at: Some("08:30".into()),
            ends_at: Some("09:15".into()),
            room: Some("204".into()),
            status: LessonStatus::Scheduled,
            cancel_reason: None,
            origin: LessonOrigin::Timetable,
            moved_from_date: None,
            moved_from_number: None,
            teacher_ids: vec![T1],
            teacher_names: vec!["Абдуллаева Севиль Шамилевна".into()],
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

    fn schedule_day(date: NaiveDate, lessons: Vec<Lesson>) -> ScheduleDay {
        ScheduleDay {
            date,
            weekday: date.weekday().number_from_monday() as i32,
            is_school_day: true,
            holiday: None,
            lessons,
        }
    }

    /// 2026-W49: Monday 30 Nov … Sunday 6 Dec, today Tuesday 1 Dec.
    fn week(lessons: &[(u32, i32)]) -> Schedule {
        let monday = day(2026, 11, 30);
        let days = (0..7)
            .map(|i| {
                let date = monday + Duration::days(i);
                let ls = lessons
                    .iter()
                    .filter(|(d, _)| *d == date.weekday().number_from_monday())
                    .map(|(_, n)| lesson(date, *n, "Математика"))
                    .collect();
                schedule_day(date, ls)
            })
            .collect();
        Schedule {
            today: day(2026, 12, 1),
            time_zone: "Europe/Moscow".into(),
            from: monday,
            to: day(2026, 12, 6),
            days,
            next_lesson_date: None,
        }
    }

    fn me(roles: &[Role], person: Option<Uuid>, children: &[(u128, &str)]) -> Me {
        Me {
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
                        person_id: Uuid::from_u128(*id),
                        name: (*name).into(),
                        class_name: Some("1А".into()),
                    })
                    .collect(),
            }],
            session_id: None,
        }
    }

    #[test]
    fn weeks_move_across_years() {
        assert_eq!(shift_week("2026-W49", 1).as_deref(), Some("2026-W50"));
        assert_eq!(shift_week("2026-W49", -1).as_deref(), Some("2026-W48"));
        assert_eq!(shift_week("2026-W53", 1).as_deref(), Some("2027-W01"));
        assert_eq!(shift_week("2027-W01", -1).as_deref(), Some("2026-W53"));
        assert_eq!(shift_week("2025-W52", 1).as_deref(), Some("2026-W01"));
        assert_eq!(shift_week("junk", 1), None);
        assert_eq!(normal_week("2026-W9").as_deref(), Some("2026-W09"));
        assert_eq!(normal_week("2026-W54"), None);
    }

    #[test]
    fn the_url_state_is_read_leniently() {
        let id = T1.to_string();
        assert_eq!(
            page_state(Some("class"), Some(&id), None, Some("2026-W49")),
            PageState {
                mode: Some(Mode::Class),
                id: Some(T1),
                room: None,
                week: Some("2026-W49".into()),
            }
        );
        assert_eq!(
            page_state(Some("x"), Some("y"), Some("  "), Some("2026-W60")),
            PageState::default()
        );
        assert_eq!(
            page_state(Some("room"), None, Some(" 204 "), None)
                .room
                .as_deref(),
            Some("204")
        );
    }

    #[test]
    fn page_links_keep_the_view_and_change_the_week() {
        let link = PageLink {
            school_id: SCHOOL,
            mode: Mode::Room,
            id: None,
            room: Some("Спортзал 2".into()),
        };
        assert_eq!(
            link.href(Some("2026-W50")),
            format!(
                "/schedule?school={SCHOOL}&by=room&room=%D0%A1%D0%BF%D0%BE%D1%80%D1%82%D0%B7%D0%B0%D0%BB%202&week=2026-W50"
            )
        );
        let link = PageLink {
            school_id: SCHOOL,
            mode: Mode::Class,
            id: Some(T2),
            room: None,
        };
        assert_eq!(
            link.href(None),
            format!("/schedule?school={SCHOOL}&by=class&id={T2}")
        );
    }

    #[test]
    fn api_queries_name_one_target_and_the_days() {
        assert_eq!(
            api_query(&Target::Teacher(T1), &When::Today),
            format!("?teacher_id={T1}&today=true")
        );
        assert_eq!(
            api_query(&Target::Class(T2), &When::Week("2026-W49".into())),
            format!("?class_id={T2}&week=2026-W49")
        );
        assert_eq!(
            api_query(&Target::Room("2 эт.".into()), &When::CurrentWeek),
            "?room=2%20%D1%8D%D1%82."
        );
        assert_eq!(
            api_query(&Target::Student(T1), &When::Date(day(2026, 11, 30))),
            format!("?student_id={T1}&date=2026-11-30")
        );
    }

    #[test]
    fn each_role_gets_its_views_and_default() {
        let teacher = viewer(&me(&[Role::Teacher], Some(T1), &[]), SCHOOL);
        assert_eq!(teacher.modes(), [Mode::Teacher, Mode::Class, Mode::Room]);
        assert_eq!(
            teacher.resolve(&PageState::default()),
            Some((Mode::Teacher, Some(Target::Teacher(T1))))
        );
        // A teacher cannot open another teacher's week by editing the URL.
        let other = PageState {
            mode: Some(Mode::Teacher),
            id: Some(T2),
            ..PageState::default()
        };
        assert_eq!(
            teacher.resolve(&other),
            Some((Mode::Teacher, Some(Target::Teacher(T1))))
        );

        let principal = viewer(&me(&[Role::Principal], Some(T2), &[]), SCHOOL);
        assert_eq!(principal.teacher, None);
        assert_eq!(
            principal.resolve(&PageState::default()),
            Some((Mode::Class, None)),
            "the principal first chooses a class"
        );
        assert_eq!(
            principal.resolve(&other),
            Some((Mode::Teacher, Some(Target::Teacher(T2))))
        );
        let teacher_mode = PageState {
            mode: Some(Mode::Teacher),
            ..PageState::default()
        };
        assert_eq!(
            principal.resolve(&teacher_mode),
            Some((Mode::Teacher, None))
        );

        let student = viewer(&me(&[Role::Student], Some(T1), &[]), SCHOOL);
        assert_eq!(student.modes(), [Mode::Student]);
        assert_eq!(
            student.resolve(&other),
            Some((Mode::Student, Some(Target::Student(T1)))),
            "a student sees only their own week"
        );

        let parent = viewer(
            &me(
                &[Role::Parent],
                Some(T1),
                &[(0xA, "Кирилл"), (0xB, "Алексей")],
            ),
            SCHOOL,
        );
        assert_eq!(parent.student, None);
        assert_eq!(
            parent.resolve(&PageState::default()),
            Some((Mode::Student, Some(Target::Student(Uuid::from_u128(0xA)))))
        );
        let second = PageState {
            mode: Some(Mode::Student),
            id: Some(Uuid::from_u128(0xB)),
            ..PageState::default()
        };
        assert_eq!(
            parent.resolve(&second),
            Some((Mode::Student, Some(Target::Student(Uuid::from_u128(0xB)))))
        );
        let stranger = PageState {
            mode: Some(Mode::Student),
            id: Some(Uuid::from_u128(0xC)),
            ..PageState::default()
        };
        assert_eq!(
            parent.resolve(&stranger),
            Some((Mode::Student, Some(Target::Student(Uuid::from_u128(0xA))))),
            "another family's child is never asked for"
        );
        assert_eq!(
            parent.resolve(&PageState {
                mode: Some(Mode::Class),
                id: Some(T2),
                ..PageState::default()
            }),
            Some((Mode::Student, Some(Target::Student(Uuid::from_u128(0xA))))),
            "parents have no class view"
        );

        assert_eq!(
            viewer(&me(&[], None, &[]), SCHOOL).resolve(&PageState::default()),
            None
        );
    }

    #[test]
    fn today_is_for_teachers_and_the_week_for_every_member() {
        use crate::access::{Access, Area, access};
        let cases = [
            (vec![Role::Teacher], Access::Read, Access::Read),
            (vec![Role::Principal], Access::None, Access::Read),
            (vec![Role::Admin], Access::None, Access::Read),
            (vec![Role::Student], Access::None, Access::Read),
            (vec![Role::Parent], Access::None, Access::Read),
            (vec![], Access::None, Access::None),
        ];
        for (roles, today, week) in cases {
            let me = me(&roles, Some(T1), &[]);
            assert_eq!(access(&me, Some(SCHOOL), Area::Today), today, "{roles:?}");
            assert_eq!(access(&me, Some(SCHOOL), Area::Schedule), week, "{roles:?}");
        }
    }

    #[test]
    fn the_controls_offer_the_views_and_choices_of_the_account() {
        let choices = [
            Choice {
                id: T1,
                name: "Абдуллаева София Шамилевна".into(),
            },
            Choice {
                id: T2,
                name: "Алиева <Патимат>".into(),
            },
        ];
        let page = Controls {
            school_id: SCHOOL,
            mode: Mode::Teacher,
            chosen: Some(T2),
            week: Some("2026-W49".into()),
        };
        let principal = viewer(&me(&[Role::Principal], None, &[]), SCHOOL);
        let html = controls_html(&principal, &page, &choices, &[], Locale::ru);
        assert!(html.contains("data-testid=\"schedule-modes\""), "{html}");
        assert!(
            html.contains(&format!(
                "href=\"/schedule?school={SCHOOL}&amp;by=class&amp;week=2026-W49\" data-testid=\"schedule-mode-class\">Класс</a>"
            )),
            "tabs keep the week: {html}"
        );
        assert!(
            html.contains(
                "data-testid=\"schedule-mode-teacher\" aria-current=\"page\">Учитель</a>"
            ),
            "{html}"
        );
        assert!(
            html.contains("data-mode=\"teacher\"><option value=\"\">— выберите —</option>"),
            "{html}"
        );
        assert!(
            html.contains(&format!(
                "<option value=\"{T2}\" selected>Алиева &lt;Патимат&gt;</option>"
            )),
            "{html}"
        );

        // A teacher: their own lessons, no teacher picker.
        let teacher = viewer(&me(&[Role::Teacher], Some(T1), &[]), SCHOOL);
        let html = controls_html(&teacher, &page, &choices, &[], Locale::ru);
        assert!(html.contains(">Мои уроки</a>"), "{html}");
        assert!(!html.contains("<select"), "{html}");

        // A student: one view, no tabs, nothing to choose.
        let student = viewer(&me(&[Role::Student], Some(T1), &[]), SCHOOL);
        let mine = Controls {
            mode: Mode::Student,
            chosen: Some(T1),
            ..page.clone()
        };
        assert_eq!(controls_html(&student, &mine, &[], &[], Locale::ru), "");

        // A parent of two: links to each child's week.
        let parent = viewer(
            &me(
                &[Role::Parent],
                None,
                &[(0xA, "Михайлов Кирилл"), (0xB, "Михайлов Алексей")],
            ),
            SCHOOL,
        );
        let kids = Controls {
            mode: Mode::Student,
            chosen: Some(Uuid::from_u128(0xB)),
            ..page.clone()
        };
        let html = controls_html(&parent, &kids, &[], &[], Locale::ru);
        assert!(!html.contains("schedule-modes"), "{html}");
        assert_eq!(html.matches("data-testid=\"schedule-child\"").count(), 2);
        assert!(
            html.contains(&format!(
                "data-person-id=\"{}\" aria-current=\"page\">Михайлов Алексей, 1А</a>",
                Uuid::from_u128(0xB)
            )),
            "{html}"
        );
        // A parent of one: the child's name.
        let parent = viewer(
            &me(&[Role::Parent], None, &[(0xA, "Михайлов Кирилл")]),
            SCHOOL,
        );
        let html = controls_html(&parent, &kids, &[], &[], Locale::en);
        assert!(html.contains(">Михайлов Кирилл, 1А</p>"), "{html}");
    }

    #[test]
    fn teachers_land_on_today() {
        assert_eq!(landing_path(&me(&[Role::Teacher], Some(T1), &[])), "/today");
        assert_eq!(
            landing_path(&me(&[Role::Teacher], None, &[])),
            "/",
            "no staff record, no lessons of their own"
        );
        assert_eq!(landing_path(&me(&[Role::Principal], Some(T1), &[])), "/");
        assert_eq!(landing_path(&me(&[Role::Admin], Some(T1), &[])), "/");
        assert_eq!(landing_path(&me(&[Role::Student], Some(T1), &[])), "/");
        assert_eq!(
            landing_path(&me(&[Role::Parent], Some(T1), &[(1, "Ю")])),
            "/"
        );
        assert_eq!(
            landing_path(&me(&[Role::Principal, Role::Teacher], Some(T1), &[])),
            "/today",
            "a principal who teaches"
        );
    }

    #[test]
    fn badges_tell_who_holds_the_lesson() {
        let d = day(2026, 11, 30);
        let plain = lesson(d, 1, "Английский язык");
        assert!(lesson_marks(&plain, Some(T1)).is_empty());

        let mut sub = plain.clone();
        sub.substitute_id = Some(T2);
        sub.substitute_name = Some("Петрова Мария Михайловна".into());
        // The substitute's own view: they cover for the course's teacher.
        assert_eq!(
            lesson_marks(&sub, Some(T2)),
            [Mark::Covering("Абдуллаева\u{a0}С.\u{a0}Ш.".into())]
        );
        // The course teacher's view: who substitutes them.
        assert_eq!(
            lesson_marks(&sub, Some(T1)),
            [Mark::CoveredBy("Петрова\u{a0}М.\u{a0}М.".into())]
        );
        // A class or student view.
        assert_eq!(
            lesson_marks(&sub, None),
            [Mark::Substitute("Петрова\u{a0}М.\u{a0}М.".into())]
        );

        let mut cancelled = plain.clone();
        cancelled.status = LessonStatus::Cancelled;
        cancelled.cancel_reason = Some(" карантин ".into());
        assert_eq!(
            lesson_marks(&cancelled, Some(T1)),
            [Mark::Cancelled(Some("карантин".into()))]
        );
        cancelled.cancel_reason = Some(String::new());
        assert_eq!(lesson_marks(&cancelled, None), [Mark::Cancelled(None)]);

        let mut moved = plain.clone();
        moved.moved_from_date = Some(day(2026, 11, 27));
        moved.moved_from_number = Some(3);
        moved.origin = LessonOrigin::Extra;
        assert_eq!(
            lesson_marks(&moved, None),
            [Mark::Moved(day(2026, 11, 27), 3), Mark::Extra]
        );
        moved.moved_from_date = Some(d);
        moved.moved_from_number = Some(1);
        moved.origin = LessonOrigin::Timetable;
        assert!(
            lesson_marks(&moved, None).is_empty(),
            "moved back to where it was"
        );

        assert_eq!(
            Mark::Cancelled(Some("карантин".into())).text(Locale::ru),
            "Отменён: карантин"
        );
        assert_eq!(
            Mark::Covering("Абдуллаева\u{a0}С.\u{a0}Ш.".into()).text(Locale::ru),
            "Замена за учителя: Абдуллаева\u{a0}С.\u{a0}Ш."
        );
        assert_eq!(
            Mark::CoveredBy("Петрова\u{a0}М.\u{a0}М.".into()).text(Locale::en),
            "Substitute: Петрова\u{a0}М.\u{a0}М."
        );
        assert_eq!(
            Mark::Moved(day(2026, 11, 27), 3).text(Locale::ru),
            "Перенесён с 27.11, 3-й урок"
        );
    }

    #[test]
    fn names_are_shortened_to_initials() {
        assert_eq!(
            short_name("Абдуллаева Севиль Шамилевна"),
            "Абдуллаева\u{a0}С.\u{a0}Ш."
        );
        assert_eq!(short_name("Smith  John"), "Smith\u{a0}J.");
        assert_eq!(short_name("Иванов"), "Иванов");
        assert_eq!(short_name("  "), "");
    }

    #[test]
    fn a_week_lines_up_by_lesson_number() {
        // Monday 2nd and 4th lessons, Wednesday 3rd, Saturday 1st; nothing on Sunday.
        let s = week(&[(1, 2), (1, 4), (3, 3), (6, 1)]);
        let grid = week_grid(&s);
        assert_eq!(grid.numbers, [1, 2, 3, 4], "gaps are rows too");
        let weekdays: Vec<i32> = grid.days.iter().map(|d| d.day.weekday).collect();
        assert_eq!(
            weekdays,
            [1, 2, 3, 4, 5, 6],
            "Saturday has a lesson, Sunday none"
        );
        let monday: Vec<usize> = grid.days[0].cells.iter().map(Vec::len).collect();
        assert_eq!(monday, [0, 1, 0, 1]);
        assert!(grid.days[1].is_today);
        assert!(!grid.days[0].is_today);

        let empty = week(&[]);
        let grid = week_grid(&empty);
        assert!(grid.numbers.is_empty());
        assert_eq!(grid.days.len(), 5);
    }

    #[test]
    fn two_subgroups_share_a_cell() {
        let mut s = week(&[]);
        let d = s.days[0].date;
        let mut a = lesson(d, 2, "Английский язык");
        a.group_number = Some(1);
        let mut b = lesson(d, 2, "Английский язык");
        b.group_number = Some(2);
        s.days[0].lessons = vec![a, b];
        let grid = week_grid(&s);
        assert_eq!(grid.numbers, [2]);
        assert_eq!(grid.days[0].cells[0].len(), 2);
        assert_eq!(
            class_text(grid.days[0].cells[0][1], true, Locale::ru).as_deref(),
            Some("5А, гр. 2")
        );
        assert_eq!(
            class_text(grid.days[0].cells[0][1], false, Locale::en).as_deref(),
            Some("group 2")
        );
        assert_eq!(class_text(&lesson(d, 1, "x"), false, Locale::ru), None);
    }

    #[test]
    fn the_week_html_marks_holidays_days_off_and_today() {
        let mut s = week(&[(1, 1), (2, 1), (2, 2)]);
        s.days[3].holiday = Some("День <народного> единства".into());
        s.days[3].is_school_day = false;
        s.days[4].is_school_day = false;
        let html = week_html(&s, Mode::Teacher, Some(T1), Locale::ru);
        assert!(html.contains("data-testid=\"schedule-week\""), "{html}");
        assert!(html.contains("--days:5;--rows:2"), "{html}");
        assert!(
            html.contains(">День &lt;народного&gt; единства</p>"),
            "holiday names are escaped: {html}"
        );
        assert!(html.contains("Не учебный день"), "{html}");
        assert!(html.contains("Уроков нет"), "{html}");
        assert_eq!(html.matches("data-testid=\"lesson\"").count(), 3);
        assert_eq!(html.matches("class=\"wk-day wk-off\"").count(), 2);
        assert!(html.contains("class=\"wk-day wk-today\""), "{html}");
        assert!(html.contains("Вт, 01.12"), "{html}");
        assert!(html.contains("data-count=\"2\""), "{html}");
        // Monday has no second lesson: an empty cell keeps the row.
        assert!(html.contains("wk-cell wk-cell-empty"), "{html}");
    }

    #[test]
    fn a_lesson_card_shows_what_the_view_does_not_say() {
        let d = day(2026, 11, 30);
        let mut l = lesson(d, 2, "Английский язык");
        l.group_number = Some(1);
        l.topic = Some("Present Simple".into());
        l.homework = Some("Упр. 5 <стр. 12>".into());
        l.homework_due_on = Some(day(2026, 12, 2));
        l.substitute_id = Some(T2);
        l.substitute_name = Some("Петрова Мария Михайловна".into());
        let mut out = String::new();
        lesson_html(&mut out, &l, Mode::Teacher, Some(T2), Locale::ru);
        assert!(out.contains("data-marks=\"covering\""), "{out}");
        assert!(out.contains(">2-й урок</span>"), "{out}");
        assert!(out.contains(">08:30–09:15</span>"), "{out}");
        assert!(
            out.contains("data-testid=\"lesson-class\">5А, гр. 1</span>"),
            "{out}"
        );
        assert!(out.contains(">каб. 204</span>"), "{out}");
        assert!(
            !out.contains("lesson-teacher"),
            "the teacher view omits the teacher"
        );
        assert!(out.contains("Упр. 5 &lt;стр. 12&gt;"), "{out}");
        assert!(out.contains("к 02.12"), "{out}");
        assert!(out.contains("lesson lesson-sub"), "{out}");

        let mut out = String::new();
        lesson_html(&mut out, &l, Mode::Student, None, Locale::en);
        assert!(!out.contains("lesson-class"), "{out}");
        assert!(
            out.contains("data-testid=\"lesson-teacher\">Абдуллаева\u{a0}С.\u{a0}Ш.</span>"),
            "{out}"
        );
        assert!(out.contains("Substitute: Петрова\u{a0}М.\u{a0}М."), "{out}");
        assert!(out.contains("room 204"), "{out}");
    }

    #[test]
    fn dates_read_naturally() {
        let d = day(2026, 11, 30);
        assert_eq!(long_day(d, Locale::ru), "Понедельник, 30.11.2026");
        assert_eq!(long_day(d, Locale::en), "Monday, 30 Nov 2026");
        assert_eq!(day_with_weekday(d, Locale::ru), "понедельник, 30.11.2026");
        assert_eq!(day_head(d, Locale::en), "Mon, 30 Nov");
        assert_eq!(
            week_label(d, day(2026, 12, 6), Locale::ru),
            "30.11 – 06.12.2026"
        );
        assert_eq!(
            week_label(day(2026, 12, 28), day(2027, 1, 3), Locale::ru),
            "28.12.2026 – 03.01.2027"
        );
        assert_eq!(
            week_label(d, day(2026, 12, 6), Locale::en),
            "30 Nov – 6 Dec 2026"
        );
        assert_eq!(lessons_text(Locale::ru, 1), "1 урок");
        assert_eq!(lessons_text(Locale::ru, 3), "3 урока");
        assert_eq!(lessons_text(Locale::ru, 5), "5 уроков");
        assert_eq!(lessons_text(Locale::ru, 21), "21 урок");
        assert_eq!(lessons_text(Locale::en, 1), "1 lesson");
        assert_eq!(lessons_text(Locale::en, 5), "5 lessons");
    }

    #[test]
    fn the_week_nav_links_neighbours_and_the_current_week() {
        let s = week(&[]);
        let link = PageLink {
            school_id: SCHOOL,
            mode: Mode::Teacher,
            id: None,
            room: None,
        };
        let html = week_nav_html(&s, &link, Locale::ru);
        assert!(
            html.contains("week=2026-W48\" data-testid=\"week-prev\""),
            "{html}"
        );
        assert!(
            html.contains("week=2026-W50\" data-testid=\"week-next\""),
            "{html}"
        );
        assert!(html.contains("data-week=\"2026-W49\""), "{html}");
        assert!(!html.contains("week-current"), "this is the current week");
        assert!(
            html.contains(
                "aria-label=\"Предыдущая\">← <span class=\"week-nav-word\">Предыдущая</span></a>"
            ),
            "{html}"
        );
        let mut later = s.clone();
        later.from = day(2026, 12, 7);
        later.to = day(2026, 12, 13);
        let html = week_nav_html(&later, &link, Locale::ru);
        assert!(
            html.contains("data-testid=\"week-current\">Текущая неделя</a>"),
            "{html}"
        );
        assert!(
            html.contains("&amp;by=teacher\" data-testid=\"week-current\""),
            "{html}"
        );
    }
}
