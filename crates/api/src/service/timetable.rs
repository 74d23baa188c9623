//! Bell schedules, the school calendar, the weekly timetable with its conflict rules, and the
//! generation of dated lessons from it (regulation §2: the responsible administrator publishes
//! the timetable). Reads: any member. Writes: the school admin (policy `ManageTimetable`).
//!
//! Lessons are generated per timetable slot: a lesson remembers the slot the timetable gave it
//! (`slot_date`, `slot_number`), unique per course, so regenerating is idempotent and a moved or
//! cancelled lesson is never created again. A regeneration never deletes or moves a lesson with
//! journal data (topic, homework, marks, attendance): it keeps it and flags it for the admin.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate, Utc};
use otmetka_domain::person::full_name;
use otmetka_domain::structure::PeriodKind;
use otmetka_domain::timetable::{
    BellSchedule, BellScheduleInput, ConflictKind, GenerateLessonsInput, GenerateReport, Holiday,
    HolidayInput, HolidayKind, Lesson, LessonOrigin, LessonSlot, LessonStatus, TimetableCheck,
    TimetableCheckInput, TimetableConflict, TimetableEntry, TimetableEntryInput, check_slots,
    format_hhmm, parse_hhmm,
};
use otmetka_domain::{ErrorCode, Role};
use sea_orm::sea_query::{Expr, IntoColumnRef, IntoTableRef, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;
use validator::Validate;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::entity::{
    academic_year, attendance, bell_schedule, class, course, course_teacher, group, holiday,
    lesson, period, person, subject, timetable_entry, work,
};
use crate::error::{AppError, AppResult};
use crate::service::audit::Audit;
use crate::service::structure::{
    audit_saved, begin_locked, get_settings_row, school_row, school_today_at,
};

// ---------- catalog: what a lesson or entry refers to ----------

/// A course with the names a timetable or lesson shows.
#[derive(Debug, Clone)]
pub struct CourseInfo {
    pub id: Uuid,
    pub academic_year_id: Uuid,
    pub class_id: Uuid,
    pub class_name: String,
    pub grade: i32,
    pub letter: String,
    pub group_id: Option<Uuid>,
    pub group_number: Option<i32>,
    pub subject_id: Uuid,
    pub subject_name: String,
    /// Sorted by name.
    pub teacher_ids: Vec<Uuid>,
    pub teacher_names: Vec<String>,
    pub hours_per_week: i32,
    /// The subject's mark scale (`None` = the school's default).
    pub subject_scale_id: Option<Uuid>,
    /// The class's class teacher (классный руководитель).
    pub class_teacher_id: Option<Uuid>,
}

impl CourseInfo {
    /// The course as the API shows it.
    pub fn dto(&self) -> otmetka_domain::structure::Course {
        otmetka_domain::structure::Course {
            id: self.id,
            academic_year_id: self.academic_year_id,
            class_id: self.class_id,
            class_name: self.class_name.clone(),
            group_id: self.group_id,
            group_number: self.group_number,
            subject_id: self.subject_id,
            subject_name: self.subject_name.clone(),
            teacher_ids: self.teacher_ids.clone(),
            teacher_names: self.teacher_names.clone(),
            hours_per_week: self.hours_per_week,
        }
    }
}

/// The school's courses, classes' bell schedules and staff names, loaded once per request
/// (a fixed number of queries, whatever the number of lessons).
#[derive(Debug, Default)]
pub struct Catalog {
    pub courses: HashMap<Uuid, CourseInfo>,
    /// Class → its bell schedule's slots as minutes (start, end) by number.
    class_slots: HashMap<Uuid, HashMap<i32, (u16, u16)>>,
    default_slots: HashMap<i32, (u16, u16)>,
    /// Staff person → full name.
    pub staff_names: HashMap<Uuid, String>,
    /// Account → its staff person in the school (who the signed-in teacher is).
    pub staff_by_account: HashMap<Uuid, Uuid>,
    /// Every class of the school (all years) by id.
    pub classes: HashMap<Uuid, class::Model>,
    /// Every subject of the school by id.
    pub subjects: HashMap<Uuid, subject::Model>,
}

fn slot_map(slots: &[LessonSlot]) -> HashMap<i32, (u16, u16)> {
    slots
        .iter()
        .filter_map(|s| {
            Some((
                s.number,
                (parse_hhmm(&s.starts_at)?, parse_hhmm(&s.ends_at)?),
            ))
        })
        .collect()
}

fn parse_slots(json: &str) -> Vec<LessonSlot> {
    serde_json::from_str(json).unwrap_or_default()
}

impl Catalog {
    /// Loads the school's courses (all years), classes, subjects, groups, teachers and bell
    /// schedules: 7 queries.
    pub async fn load(db: &impl ConnectionTrait, school_id: Uuid) -> AppResult<Catalog> {
        let courses = course::Entity::find()
            .filter(course::Column::SchoolId.eq(school_id))
            .all(db)
            .await?;
        let links = course_teacher::Entity::find()
            .filter(course_teacher::Column::SchoolId.eq(school_id))
            .all(db)
            .await?;
        let staff: HashMap<Uuid, person::Model> = person::Entity::find()
            .filter(person::Column::SchoolId.eq(school_id))
            .filter(person::Column::Kind.eq("staff"))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let classes: HashMap<Uuid, class::Model> = class::Entity::find()
            .filter(class::Column::SchoolId.eq(school_id))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let subject_rows: HashMap<Uuid, subject::Model> = subject::Entity::find()
            .filter(subject::Column::SchoolId.eq(school_id))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let subjects: HashMap<Uuid, (String, Option<Uuid>)> = subject_rows
            .values()
            .map(|s| (s.id, (s.name.clone(), s.mark_scale_id)))
            .collect();
        let groups: HashMap<Uuid, i32> = group::Entity::find()
            .filter(group::Column::SchoolId.eq(school_id))
            .all(db)
            .await?
            .into_iter()
            .map(|g| (g.id, g.number))
            .collect();
        let schedules = bell_schedule::Entity::find()
            .filter(bell_schedule::Column::SchoolId.eq(school_id))
            .all(db)
            .await?;
        let by_id: HashMap<Uuid, HashMap<i32, (u16, u16)>> = schedules
            .iter()
            .map(|s| (s.id, slot_map(&parse_slots(&s.slots))))
            .collect();
        let default_slots = schedules
            .iter()
            .find(|s| s.is_default)
            .and_then(|s| by_id.get(&s.id).cloned())
            .unwrap_or_default();
        let class_slots = classes
            .values()
            .filter_map(|c| Some((c.id, by_id.get(&c.bell_schedule_id?)?.clone())))
            .collect();
        let name =
            |p: &person::Model| full_name(&p.last_name, &p.first_name, p.middle_name.as_deref());
        let mut teachers: HashMap<Uuid, Vec<&person::Model>> = HashMap::new();
        for l in &links {
            if let Some(p) = staff.get(&l.teacher_id) {
                teachers.entry(l.course_id).or_default().push(p);
            }
        }
        let courses = courses
            .into_iter()
            .map(|c| {
                let mut ts = teachers.remove(&c.id).unwrap_or_default();
                ts.sort_by(|a, b| {
                    (&a.last_name, &a.first_name).cmp(&(&b.last_name, &b.first_name))
                });
                let cl = classes.get(&c.class_id);
                let info = CourseInfo {
                    id: c.id,
                    academic_year_id: c.academic_year_id,
                    class_id: c.class_id,
                    class_name: cl.map(|x| x.name.clone()).unwrap_or_default(),
                    grade: cl.map(|x| x.grade).unwrap_or(0),
                    letter: cl.map(|x| x.letter.clone()).unwrap_or_default(),
                    group_id: c.group_id,
                    group_number: c.group_id.and_then(|g| groups.get(&g).copied()),
                    subject_id: c.subject_id,
                    subject_name: subjects
                        .get(&c.subject_id)
                        .map(|s| s.0.clone())
                        .unwrap_or_default(),
                    teacher_ids: ts.iter().map(|p| p.id).collect(),
                    teacher_names: ts.iter().map(|p| name(p)).collect(),
                    hours_per_week: c.hours_per_week,
                    subject_scale_id: subjects.get(&c.subject_id).and_then(|s| s.1),
                    class_teacher_id: cl.and_then(|x| x.class_teacher_id),
                };
                (c.id, info)
            })
            .collect();
        Ok(Catalog {
            courses,
            class_slots,
            default_slots,
            staff_names: staff.values().map(|p| (p.id, name(p))).collect(),
            staff_by_account: staff
                .values()
                .filter_map(|p| Some((p.account_id?, p.id)))
                .collect(),
            classes,
            subjects: subject_rows,
        })
    }

    /// The staff person of the actor's account in the school `school_id` (this catalog's), when
    /// the account holds the teacher role there: who the signed-in teacher is for "teaches the
    /// course", "class teacher of" and "substitute of". An account whose teacher role was taken
    /// away keeps its person (a course may still name it) but none of those rights. No
    /// statement; the snapshot is reloaded when a person is linked to an account.
    pub fn teacher_person_of(&self, actor: &Actor, school_id: Uuid) -> Option<Uuid> {
        if !actor.has_role(school_id, Role::Teacher) {
            return None;
        }
        self.staff_by_account.get(&actor.account_id).copied()
    }

    /// The course, or 404.
    pub fn course(&self, id: Uuid) -> AppResult<&CourseInfo> {
        self.courses
            .get(&id)
            .ok_or_else(|| AppError::not_found("course"))
    }

    /// Start and end (minutes after midnight) of slot `number` in the class's bell schedule.
    pub fn slot_time(&self, class_id: Uuid, number: i32) -> Option<(u16, u16)> {
        self.class_slots
            .get(&class_id)
            .unwrap_or(&self.default_slots)
            .get(&number)
            .copied()
    }

    /// Whether the class's bell schedule has slot `number` (always true while the school has
    /// no bell schedule at all).
    pub fn has_slot(&self, class_id: Uuid, number: i32) -> bool {
        let slots = self
            .class_slots
            .get(&class_id)
            .unwrap_or(&self.default_slots);
        slots.is_empty() || slots.contains_key(&number)
    }

    /// 422 on `lesson_number` unless the class's bell schedule has that slot.
    pub fn require_slot(&self, class_id: Uuid, number: i32) -> AppResult<()> {
        if self.has_slot(class_id, number) {
            return Ok(());
        }
        Err(AppError::field(
            "lesson_number",
            "no_slot",
            format!("the class's bell schedule has no lesson {number}"),
        ))
    }

    fn times(&self, class_id: Uuid, number: i32) -> (Option<String>, Option<String>) {
        match self.slot_time(class_id, number) {
            Some((a, b)) => (Some(format_hhmm(a)), Some(format_hhmm(b))),
            None => (None, None),
        }
    }

    /// Whether two slots of two classes overlap in time: by the bell schedules when both slots
    /// are in them (two shifts may reuse numbers), else by number.
    pub fn same_time(&self, a: (Uuid, i32), b: (Uuid, i32)) -> bool {
        match (self.slot_time(a.0, a.1), self.slot_time(b.0, b.1)) {
            (Some(x), Some(y)) => x.0 < y.1 && y.0 < x.1,
            _ => a.1 == b.1,
        }
    }

    /// The timetable entry as its DTO.
    pub fn entry_dto(&self, e: &timetable_entry::Model) -> TimetableEntry {
        let c = self.courses.get(&e.course_id);
        let class_id = c.map(|c| c.class_id).unwrap_or_default();
        let (starts_at, ends_at) = self.times(class_id, e.lesson_number);
        TimetableEntry {
            id: e.id,
            course_id: e.course_id,
            class_id,
            class_name: c.map(|c| c.class_name.clone()).unwrap_or_default(),
            group_id: c.and_then(|c| c.group_id),
            group_number: c.and_then(|c| c.group_number),
            subject_id: c.map(|c| c.subject_id).unwrap_or_default(),
            subject_name: c.map(|c| c.subject_name.clone()).unwrap_or_default(),
            teacher_ids: c.map(|c| c.teacher_ids.clone()).unwrap_or_default(),
            teacher_names: c.map(|c| c.teacher_names.clone()).unwrap_or_default(),
            weekday: e.weekday,
            lesson_number: e.lesson_number,
            starts_at,
            ends_at,
            room: e.room.clone(),
            valid_from: e.valid_from,
            valid_to: e.valid_to,
        }
    }

    /// The lesson as its DTO; `has_data` from [`lesson_has_data`].
    pub fn lesson_dto(&self, l: &lesson::Model, has_data: bool) -> Lesson {
        let c = self.courses.get(&l.course_id);
        let class_id = c.map(|c| c.class_id).unwrap_or_default();
        let (starts_at, ends_at) = self.times(class_id, l.lesson_number);
        let moved = l.origin == "timetable"
            && (l.slot_date != Some(l.date) || l.slot_number != Some(l.lesson_number));
        Lesson {
            id: l.id,
            course_id: l.course_id,
            class_id,
            class_name: c.map(|c| c.class_name.clone()).unwrap_or_default(),
            group_id: c.and_then(|c| c.group_id),
            group_number: c.and_then(|c| c.group_number),
            subject_id: c.map(|c| c.subject_id).unwrap_or_default(),
            subject_name: c.map(|c| c.subject_name.clone()).unwrap_or_default(),
            date: l.date,
            lesson_number: l.lesson_number,
            starts_at,
            ends_at,
            room: l.room.clone(),
            status: LessonStatus::parse(&l.status).unwrap_or(LessonStatus::Scheduled),
            cancel_reason: l.cancel_reason.clone(),
            origin: if l.origin == "extra" {
                LessonOrigin::Extra
            } else {
                LessonOrigin::Timetable
            },
            moved_from_date: if moved { l.slot_date } else { None },
            moved_from_number: if moved { l.slot_number } else { None },
            teacher_ids: c.map(|c| c.teacher_ids.clone()).unwrap_or_default(),
            teacher_names: c.map(|c| c.teacher_names.clone()).unwrap_or_default(),
            substitute_id: l.substitute_id,
            substitute_name: l
                .substitute_id
                .and_then(|s| self.staff_names.get(&s).cloned()),
            needs_review: l.needs_review,
            review_reason: l.review_reason.clone().filter(|_| l.needs_review),
            topic: l.topic.clone(),
            homework: l.homework.clone(),
            homework_due_on: l.homework_due_on,
            has_data,
            version: l.version,
        }
    }
}

/// Whether a lesson has journal data of its own row (topic, homework). Marks and attendance live
/// in the journal tables; [`lessons_with_data`] adds them.
pub fn lesson_has_content(l: &lesson::Model) -> bool {
    l.topic.as_deref().is_some_and(|s| !s.is_empty())
        || l.homework.as_deref().is_some_and(|s| !s.is_empty())
}

/// `EXISTS` a work or an attendance cell (even cleared) of the `lessons` row in scope: the part
/// of "has journal data" ([`lessons_with_data`]) that is not on the lesson row itself. A
/// condition, or a boolean column of a lessons query (the schedule's one statement).
pub fn has_work_or_attendance() -> sea_orm::sea_query::SimpleExpr {
    let has = |table: sea_orm::sea_query::TableRef, column: sea_orm::sea_query::ColumnRef| {
        Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(table)
                .and_where(sea_orm::sea_query::ExprTrait::equals(
                    Expr::col(column),
                    (lesson::Entity, lesson::Column::Id),
                ))
                .to_owned(),
        )
    };
    sea_orm::sea_query::ExprTrait::or(
        has(
            work::Entity.into_table_ref(),
            (work::Entity, work::Column::LessonId).into_column_ref(),
        ),
        has(
            attendance::Entity.into_table_ref(),
            (attendance::Entity, attendance::Column::LessonId).into_column_ref(),
        ),
    )
}

/// The ids among `lessons` that have journal data: a topic, homework, a work (even without
/// marks yet), a mark or an attendance cell (even cleared: its history is audited). One
/// statement per 500 lessons without a topic or homework.
pub async fn lessons_with_data(
    db: &impl ConnectionTrait,
    lessons: &[lesson::Model],
) -> AppResult<HashSet<Uuid>> {
    let mut out: HashSet<Uuid> = lessons
        .iter()
        .filter(|l| lesson_has_content(l))
        .map(|l| l.id)
        .collect();
    let rest: Vec<Uuid> = lessons
        .iter()
        .map(|l| l.id)
        .filter(|id| !out.contains(id))
        .collect();
    // One statement per 500 lessons: those with a work or an attendance mark.
    for chunk in rest.chunks(500) {
        let with_data: Vec<Uuid> = lesson::Entity::find()
            .select_only()
            .column(lesson::Column::Id)
            .filter(lesson::Column::Id.is_in(chunk.to_vec()))
            .filter(has_work_or_attendance())
            .into_tuple()
            .all(db)
            .await?;
        out.extend(with_data);
    }
    Ok(out)
}

// ---------- calendar: which days are school days ----------

/// The school's periods and holidays: a day is a term day when it lies inside a period of the
/// school's final-mark kind (quarters by default; falling back to any period, then to the
/// academic years) and in no holiday or vacation; a school day when it is also a weekday the
/// timetable uses (a five- or six-day week).
#[derive(Debug, Default, Clone)]
pub struct Calendar {
    terms: Vec<(NaiveDate, NaiveDate)>,
    holidays: Vec<(NaiveDate, NaiveDate, String)>,
    /// ISO weekdays the timetable uses (Monday–Friday when it is empty).
    week_days: HashSet<u32>,
}

impl Calendar {
    /// Loads the calendar: 5 queries.
    pub async fn load(db: &impl ConnectionTrait, school_id: Uuid) -> AppResult<Calendar> {
        let kind = get_settings_row(db, school_id).await?.final_period_kind;
        let periods = period::Entity::find()
            .filter(period::Column::SchoolId.eq(school_id))
            .all(db)
            .await?;
        let pick = |k: Option<PeriodKind>| -> Vec<(NaiveDate, NaiveDate)> {
            periods
                .iter()
                .filter(|p| match k {
                    Some(k) => p.kind == k.as_str(),
                    None => p.kind != PeriodKind::Year.as_str(),
                })
                .map(|p| (p.starts_on, p.ends_on))
                .collect()
        };
        let mut terms = pick(Some(kind));
        if terms.is_empty() {
            terms = pick(None);
        }
        if terms.is_empty() {
            terms = periods.iter().map(|p| (p.starts_on, p.ends_on)).collect();
        }
        if terms.is_empty() {
            terms = academic_year::Entity::find()
                .filter(academic_year::Column::SchoolId.eq(school_id))
                .all(db)
                .await?
                .into_iter()
                .map(|y| (y.starts_on, y.ends_on))
                .collect();
        }
        let holidays = holiday::Entity::find()
            .filter(holiday::Column::SchoolId.eq(school_id))
            .all(db)
            .await?
            .into_iter()
            .map(|h| (h.starts_on, h.ends_on, h.name))
            .collect();
        let week_days = timetable_entry::Entity::find()
            .select_only()
            .column(timetable_entry::Column::Weekday)
            .distinct()
            .filter(timetable_entry::Column::SchoolId.eq(school_id))
            .into_tuple::<i32>()
            .all(db)
            .await?
            .into_iter()
            .map(|w| w as u32)
            .collect::<HashSet<u32>>();
        let week_days = if week_days.is_empty() {
            (1..=5).collect()
        } else {
            week_days
        };
        Ok(Calendar {
            terms,
            holidays,
            week_days,
        })
    }

    /// The holiday or vacation the day falls in.
    pub fn holiday(&self, d: NaiveDate) -> Option<&str> {
        self.holidays
            .iter()
            .find(|h| h.0 <= d && d <= h.1)
            .map(|h| h.2.as_str())
    }

    /// Inside a term and not a holiday: lessons may be held (a Saturday make-up lesson too).
    pub fn is_term_day(&self, d: NaiveDate) -> bool {
        self.terms.iter().any(|t| t.0 <= d && d <= t.1) && self.holiday(d).is_none()
    }

    /// A term day on a weekday of the school's week.
    pub fn is_school_day(&self, d: NaiveDate) -> bool {
        self.is_term_day(d) && self.week_days.contains(&d.weekday().number_from_monday())
    }

    /// 422 `not_a_school_day` unless it is a term day.
    pub fn require_school_day(&self, d: NaiveDate) -> AppResult<()> {
        if self.is_term_day(d) {
            return Ok(());
        }
        let why = match self.holiday(d) {
            Some(h) => format!("{d} is a holiday: {h}"),
            None => format!("{d} is outside the school's periods"),
        };
        Err(AppError::new(ErrorCode::NotASchoolDay).detail(why))
    }
}

// ---------- conflicts ----------

/// Something that occupies teachers, a class (or subgroup) and a room at a time: a timetable
/// entry (weekday + validity) or a lesson (date).
#[derive(Debug, Clone)]
pub struct Occupant<'a> {
    pub course: &'a CourseInfo,
    pub weekday: i32,
    pub lesson_number: i32,
    /// Validity (entries) or the single date (lessons).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub room: Option<String>,
    /// Who teaches: the substitute, else the course's teachers.
    pub teachers: Vec<Uuid>,
    pub entry_id: Option<Uuid>,
    pub lesson_id: Option<Uuid>,
    pub line: Option<usize>,
}

impl<'a> Occupant<'a> {
    /// A timetable entry.
    pub fn entry(cat: &'a Catalog, e: &timetable_entry::Model) -> Option<Occupant<'a>> {
        let course = cat.courses.get(&e.course_id)?;
        Some(Occupant {
            course,
            weekday: e.weekday,
            lesson_number: e.lesson_number,
            from: e.valid_from,
            to: e.valid_to,
            room: e.room.clone(),
            teachers: course.teacher_ids.clone(),
            entry_id: Some(e.id),
            lesson_id: None,
            line: None,
        })
    }

    /// A dated lesson.
    pub fn lesson(cat: &'a Catalog, l: &lesson::Model) -> Option<Occupant<'a>> {
        let course = cat.courses.get(&l.course_id)?;
        Some(Occupant {
            course,
            weekday: l.date.weekday().number_from_monday() as i32,
            lesson_number: l.lesson_number,
            from: l.date,
            to: l.date,
            room: l.room.clone(),
            teachers: match l.substitute_id {
                Some(s) => vec![s],
                None => course.teacher_ids.clone(),
            },
            entry_id: None,
            lesson_id: Some(l.id),
            line: None,
        })
    }
}

fn room_key(r: &Option<String>) -> Option<String> {
    r.as_deref()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
}

/// What `new` shares with `other` at the same time: shared teachers, the whole class (unless both
/// are different subgroups), the same subgroup, the same room. Each is listed against `other`.
/// Different subgroups of one class in the same subject never collide (a joint lesson: one
/// teacher may hold both groups at once, as the sample school's informatics does).
pub fn collisions(cat: &Catalog, new: &Occupant, other: &Occupant) -> Vec<TimetableConflict> {
    if new.weekday != other.weekday || new.to < other.from || other.to < new.from {
        return Vec::new();
    }
    if !cat.same_time(
        (new.course.class_id, new.lesson_number),
        (other.course.class_id, other.lesson_number),
    ) {
        return Vec::new();
    }
    let o = other.course;
    let mk = |kind, shared: String| TimetableConflict {
        kind,
        entry_id: other.entry_id,
        lesson_id: other.lesson_id,
        line: other.line,
        course_id: o.id,
        class_name: o.class_name.clone(),
        subject_name: o.subject_name.clone(),
        weekday: other.weekday,
        lesson_number: other.lesson_number,
        shared,
    };
    let mut out = Vec::new();
    // Two subgroups of one class in the same subject at once are one joint lesson (one teacher
    // may hold it for both groups, in one room): only a shared subgroup collides.
    let joint = new.course.class_id == o.class_id
        && new.course.subject_id == o.subject_id
        && new.course.group_id.is_some()
        && o.group_id.is_some()
        && new.course.group_id != o.group_id;
    if joint {
        return out;
    }
    for t in &new.teachers {
        if other.teachers.contains(t) {
            out.push(mk(
                ConflictKind::Teacher,
                cat.staff_names.get(t).cloned().unwrap_or_default(),
            ));
        }
    }
    if new.course.class_id == o.class_id {
        match (new.course.group_id, o.group_id) {
            (Some(a), Some(b)) if a != b => {}
            (Some(a), Some(b)) if a == b => out.push(mk(
                ConflictKind::Group,
                format!("{} / {}", o.class_name, o.group_number.unwrap_or(0)),
            )),
            _ => out.push(mk(ConflictKind::Class, o.class_name.clone())),
        }
    }
    if let (Some(a), Some(b)) = (room_key(&new.room), room_key(&other.room))
        && a == b
    {
        out.push(mk(
            ConflictKind::Room,
            other.room.clone().unwrap_or_default(),
        ));
    }
    out
}

/// 409 `timetable_conflict` listing the collisions, or `Ok` when there are none.
pub fn refuse_conflicts(conflicts: Vec<TimetableConflict>) -> AppResult<()> {
    if conflicts.is_empty() {
        return Ok(());
    }
    let detail = conflicts
        .iter()
        .map(|c| {
            format!(
                "{} {} with {} {} (weekday {}, lesson {})",
                format!("{:?}", c.kind).to_lowercase(),
                c.shared,
                c.class_name,
                c.subject_name,
                c.weekday,
                c.lesson_number
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut e = AppError::new(ErrorCode::TimetableConflict).detail(detail);
    e.conflicts = Some(serde_json::to_value(&conflicts).unwrap_or_default());
    Err(e)
}

// ---------- bell schedules ----------

fn schedule_dto(s: bell_schedule::Model, classes: &[class::Model]) -> BellSchedule {
    let mut slots = parse_slots(&s.slots);
    slots.sort_by_key(|x| x.number);
    BellSchedule {
        class_ids: classes
            .iter()
            .filter(|c| c.bell_schedule_id == Some(s.id))
            .map(|c| c.id)
            .collect(),
        id: s.id,
        name: s.name,
        is_default: s.is_default,
        slots,
    }
}

/// The school's bell schedules, the default first. Any member.
pub async fn list_bell_schedules(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
) -> AppResult<Vec<BellSchedule>> {
    policy::authorize(actor, school_id, Action::ReadStructure)?;
    school_row(db, school_id).await?;
    let classes = class::Entity::find()
        .filter(class::Column::SchoolId.eq(school_id))
        .all(db)
        .await?;
    let mut rows = bell_schedule::Entity::find()
        .filter(bell_schedule::Column::SchoolId.eq(school_id))
        .order_by_asc(bell_schedule::Column::Name)
        .all(db)
        .await?;
    rows.sort_by_key(|r| !r.is_default);
    Ok(rows
        .into_iter()
        .map(|r| schedule_dto(r, &classes))
        .collect())
}

/// Inserts or replaces a bell schedule (no permission check, no audit). Errors: 422 (slots,
/// classes of another school); 409 name taken; 409 `conflict` when a slot the timetable uses
/// disappears; 409 `timetable_conflict` when the new times make entries collide (second shift).
pub async fn save_bell_schedule(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    id: Option<Uuid>,
    input: &BellScheduleInput,
) -> AppResult<bell_schedule::Model> {
    input.validate()?;
    if let Err((i, msg)) = check_slots(&input.slots) {
        return Err(AppError::field(&format!("slots[{i}]"), "invalid", msg));
    }
    let name = crate::service::structure::clean(&input.name);
    let existing = bell_schedule::Entity::find()
        .filter(bell_schedule::Column::SchoolId.eq(school_id))
        .all(db)
        .await?;
    if existing
        .iter()
        .any(|s| Some(s.id) != id && s.name.to_lowercase() == name.to_lowercase())
    {
        return Err(AppError::new(ErrorCode::Conflict).detail("a bell schedule has this name"));
    }
    let old = match id {
        Some(id) => Some(
            existing
                .iter()
                .find(|s| s.id == id)
                .cloned()
                .ok_or_else(|| AppError::not_found("bell schedule"))?,
        ),
        None => None,
    };
    // The first schedule is the default; the default stays default unless another takes over.
    let is_default = input.is_default
        || existing.iter().all(|s| Some(s.id) == id)
        || old.as_ref().is_some_and(|o| o.is_default);
    if !input.class_ids.is_empty() {
        let found = class::Entity::find()
            .filter(class::Column::SchoolId.eq(school_id))
            .filter(class::Column::Id.is_in(input.class_ids.clone()))
            .all(db)
            .await?;
        if found.len() != input.class_ids.iter().collect::<HashSet<_>>().len() {
            return Err(AppError::field(
                "class_ids",
                "unknown",
                "a class id is not a class of this school",
            ));
        }
    }
    let mut slots = input.slots.clone();
    slots.sort_by_key(|s| s.number);
    for s in &mut slots {
        s.starts_at = format_hhmm(parse_hhmm(&s.starts_at).unwrap_or(0));
        s.ends_at = format_hhmm(parse_hhmm(&s.ends_at).unwrap_or(0));
    }
    let slots = serde_json::to_string(&slots).map_err(AppError::internal)?;
    if is_default {
        bell_schedule::Entity::update_many()
            .col_expr(bell_schedule::Column::IsDefault, Expr::value(false))
            .filter(bell_schedule::Column::SchoolId.eq(school_id))
            .exec(db)
            .await?;
    }
    let row = match old {
        Some(o) => {
            let mut am: bell_schedule::ActiveModel = o.into();
            am.name = Set(name);
            am.is_default = Set(is_default);
            am.slots = Set(slots);
            am.update(db).await?
        }
        None => {
            bell_schedule::ActiveModel {
                id: Set(Uuid::now_v7()),
                school_id: Set(school_id),
                name: Set(name),
                is_default: Set(is_default),
                slots: Set(slots),
                created_at: Set(Utc::now()),
            }
            .insert(db)
            .await?
        }
    };
    class::Entity::update_many()
        .col_expr(
            class::Column::BellScheduleId,
            Expr::value(Option::<Uuid>::None),
        )
        .filter(class::Column::SchoolId.eq(school_id))
        .filter(class::Column::BellScheduleId.eq(row.id))
        .exec(db)
        .await?;
    if !input.class_ids.is_empty() {
        class::Entity::update_many()
            .col_expr(class::Column::BellScheduleId, Expr::value(row.id))
            .filter(class::Column::SchoolId.eq(school_id))
            .filter(class::Column::Id.is_in(input.class_ids.clone()))
            .exec(db)
            .await?;
    }
    // Other times or slots must not break the timetable (the caller's transaction rolls back).
    check_timetable(db, school_id, None).await?;
    Ok(row)
}

/// Creates or replaces a bell schedule. Admin. Audited.
pub async fn write_bell_schedule(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Option<Uuid>,
    input: BellScheduleInput,
) -> AppResult<BellSchedule> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    school_row(db, school_id).await?;
    let txn = begin_locked(db, school_id).await?;
    let row = save_bell_schedule(&txn, school_id, id, &input).await?;
    audit_saved(
        &txn,
        actor,
        school_id,
        "bell_schedule",
        row.id,
        id.is_none(),
        &input,
    )
    .await?;
    txn.commit().await?;
    let classes = class::Entity::find()
        .filter(class::Column::SchoolId.eq(school_id))
        .all(db)
        .await?;
    Ok(schedule_dto(row, &classes))
}

/// Deletes a bell schedule; its classes go back to the default. Admin. Errors: 404; 409 when it
/// is the default and other schedules exist (make another the default first).
pub async fn delete_bell_schedule(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<()> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    let all = bell_schedule::Entity::find()
        .filter(bell_schedule::Column::SchoolId.eq(school_id))
        .all(db)
        .await?;
    let row = all
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| AppError::not_found("bell schedule"))?;
    if row.is_default && all.len() > 1 {
        return Err(AppError::new(ErrorCode::Conflict)
            .detail("this is the default bell schedule; make another one the default first"));
    }
    let txn = begin_locked(db, school_id).await?;
    class::Entity::update_many()
        .col_expr(
            class::Column::BellScheduleId,
            Expr::value(Option::<Uuid>::None),
        )
        .filter(class::Column::SchoolId.eq(school_id))
        .filter(class::Column::BellScheduleId.eq(id))
        .exec(&txn)
        .await?;
    bell_schedule::Entity::delete_by_id(id).exec(&txn).await?;
    Audit::new("bell_schedule_deleted")
        .school(school_id)
        .by(actor)
        .object("bell_schedule", id)
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

// ---------- holidays ----------

fn holiday_dto(h: holiday::Model) -> Holiday {
    Holiday {
        id: h.id,
        kind: HolidayKind::parse(&h.kind).unwrap_or(HolidayKind::Holiday),
        name: h.name,
        starts_on: h.starts_on,
        ends_on: h.ends_on,
    }
}

/// The school's holidays and vacations by first day, optionally those touching an academic year.
/// Any member.
pub async fn list_holidays(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    academic_year_id: Option<Uuid>,
) -> AppResult<Vec<Holiday>> {
    policy::authorize(actor, school_id, Action::ReadStructure)?;
    school_row(db, school_id).await?;
    let mut q = holiday::Entity::find().filter(holiday::Column::SchoolId.eq(school_id));
    if let Some(y) = academic_year_id {
        let y = academic_year::Entity::find_by_id(y)
            .filter(academic_year::Column::SchoolId.eq(school_id))
            .one(db)
            .await?
            .ok_or_else(|| AppError::not_found("academic year"))?;
        q = q
            .filter(holiday::Column::EndsOn.gte(y.starts_on))
            .filter(holiday::Column::StartsOn.lte(y.ends_on));
    }
    Ok(q.order_by_asc(holiday::Column::StartsOn)
        .all(db)
        .await?
        .into_iter()
        .map(holiday_dto)
        .collect())
}

/// Inserts or changes a holiday (no permission check, no audit, no regeneration). Errors: 422
/// (ends before it starts, longer than 366 days); 409 `conflict` (the same name already starts
/// that day).
pub async fn save_holiday(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    id: Option<Uuid>,
    input: &HolidayInput,
) -> AppResult<(Option<holiday::Model>, holiday::Model)> {
    input.validate()?;
    let ends_on = input.ends_on.unwrap_or(input.starts_on);
    if ends_on < input.starts_on {
        return Err(AppError::field(
            "ends_on",
            "range",
            "the last day is before the first",
        ));
    }
    if ends_on - input.starts_on > Duration::days(366) {
        return Err(AppError::field(
            "ends_on",
            "range",
            "a holiday lasts at most 366 days",
        ));
    }
    let name = crate::service::structure::clean(&input.name);
    let twin = holiday::Entity::find()
        .filter(holiday::Column::SchoolId.eq(school_id))
        .filter(holiday::Column::StartsOn.eq(input.starts_on))
        .all(db)
        .await?
        .into_iter()
        .any(|h| Some(h.id) != id && h.name.to_lowercase() == name.to_lowercase());
    if twin {
        return Err(AppError::new(ErrorCode::Conflict)
            .detail("a holiday with this name already starts on this day"));
    }
    Ok(match id {
        Some(id) => {
            let old = holiday::Entity::find_by_id(id)
                .filter(holiday::Column::SchoolId.eq(school_id))
                .one(db)
                .await?
                .ok_or_else(|| AppError::not_found("holiday"))?;
            let mut am: holiday::ActiveModel = old.clone().into();
            am.name = Set(name);
            am.kind = Set(input.kind.as_str().into());
            am.starts_on = Set(input.starts_on);
            am.ends_on = Set(ends_on);
            (Some(old), am.update(db).await?)
        }
        None => (
            None,
            holiday::ActiveModel {
                id: Set(Uuid::now_v7()),
                school_id: Set(school_id),
                name: Set(name),
                kind: Set(input.kind.as_str().into()),
                starts_on: Set(input.starts_on),
                ends_on: Set(ends_on),
                created_at: Set(Utc::now()),
            }
            .insert(db)
            .await?,
        ),
    })
}

/// Creates or changes a holiday and regenerates the lessons of the days it covered and covers
/// (lessons with journal data stay and are flagged). Admin. Audited.
pub async fn write_holiday(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Option<Uuid>,
    input: HolidayInput,
) -> AppResult<Holiday> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    school_row(db, school_id).await?;
    let txn = begin_locked(db, school_id).await?;
    let (old, row) = save_holiday(&txn, school_id, id, &input).await?;
    let (mut from, mut to) = (row.starts_on, row.ends_on);
    if let Some(o) = &old {
        from = from.min(o.starts_on);
        to = to.max(o.ends_on);
    }
    regenerate(&txn, school_id, from, to, None).await?;
    audit_saved(
        &txn,
        actor,
        school_id,
        "holiday",
        row.id,
        id.is_none(),
        &input,
    )
    .await?;
    txn.commit().await?;
    Ok(holiday_dto(row))
}

/// Deletes a holiday and generates the lessons of its days. Admin. Audited. Errors: 404.
pub async fn delete_holiday(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<()> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    let row = holiday::Entity::find_by_id(id)
        .filter(holiday::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("holiday"))?;
    let txn = begin_locked(db, school_id).await?;
    holiday::Entity::delete_by_id(id).exec(&txn).await?;
    regenerate(&txn, school_id, row.starts_on, row.ends_on, None).await?;
    Audit::new("holiday_deleted")
        .school(school_id)
        .by(actor)
        .object("holiday", id)
        .old(serde_json::to_value(holiday_dto(row)).unwrap_or_default())
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

// ---------- timetable entries ----------

/// Filters for listing timetable entries.
#[derive(Debug, Default, Clone)]
pub struct EntryFilter {
    pub class_id: Option<Uuid>,
    pub teacher_id: Option<Uuid>,
    pub room: Option<String>,
    /// Only entries valid on this day.
    pub on: Option<NaiveDate>,
}

/// Timetable entries by weekday, lesson number and class. Any member.
pub async fn list_entries(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    filter: EntryFilter,
) -> AppResult<Vec<TimetableEntry>> {
    policy::authorize(actor, school_id, Action::ReadStructure)?;
    school_row(db, school_id).await?;
    let cat = Catalog::load(db, school_id).await?;
    let mut q =
        timetable_entry::Entity::find().filter(timetable_entry::Column::SchoolId.eq(school_id));
    if let Some(d) = filter.on {
        q = q
            .filter(timetable_entry::Column::ValidFrom.lte(d))
            .filter(timetable_entry::Column::ValidTo.gte(d));
    }
    if let Some(r) = filter
        .room
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        q = q.filter(timetable_entry::Column::Room.eq(r));
    }
    let rows = q.all(db).await?;
    let mut out: Vec<TimetableEntry> = rows
        .iter()
        .filter(|e| {
            let Some(c) = cat.courses.get(&e.course_id) else {
                return false;
            };
            filter.class_id.is_none_or(|x| c.class_id == x)
                && filter.teacher_id.is_none_or(|t| c.teacher_ids.contains(&t))
        })
        .map(|e| cat.entry_dto(e))
        .collect();
    out.sort_by(|a, b| {
        (
            a.weekday,
            a.lesson_number,
            &a.class_name,
            a.group_number,
            a.valid_from,
        )
            .cmp(&(
                b.weekday,
                b.lesson_number,
                &b.class_name,
                b.group_number,
                b.valid_from,
            ))
    });
    Ok(out)
}

/// A checked candidate entry: the course and the validity clipped to its academic year.
struct Candidate {
    course_id: Uuid,
    weekday: i32,
    lesson_number: i32,
    room: Option<String>,
    valid_from: NaiveDate,
    valid_to: NaiveDate,
}

fn clean_room(r: &Option<String>) -> Option<String> {
    r.as_deref()
        .map(crate::service::structure::clean)
        .filter(|s| !s.is_empty())
}

async fn year_of_course(
    db: &impl ConnectionTrait,
    c: &CourseInfo,
) -> AppResult<academic_year::Model> {
    academic_year::Entity::find_by_id(c.academic_year_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("academic year"))
}

#[allow(clippy::too_many_arguments)]
async fn candidate(
    db: &impl ConnectionTrait,
    cat: &Catalog,
    course_id: Uuid,
    weekday: i32,
    lesson_number: i32,
    room: &Option<String>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    today: NaiveDate,
) -> AppResult<Candidate> {
    let c = cat.courses.get(&course_id).ok_or_else(|| {
        AppError::field(
            "course_id",
            "unknown",
            "no course of this school has this id",
        )
    })?;
    cat.require_slot(c.class_id, lesson_number)?;
    let y = year_of_course(db, c).await?;
    // A new entry starts today (or when its year starts), so no lessons appear in the past.
    let default_from = if today > y.ends_on {
        y.starts_on
    } else {
        today.max(y.starts_on)
    };
    let valid_from = valid_from.unwrap_or(default_from);
    let valid_to = valid_to.unwrap_or(y.ends_on);
    if valid_to < valid_from {
        return Err(AppError::field(
            "valid_to",
            "range",
            "the entry ends before it starts",
        ));
    }
    if valid_from < y.starts_on || valid_to > y.ends_on {
        return Err(AppError::field(
            "valid_from",
            "range",
            format!(
                "the entry must lie inside the course's academic year {} ({} – {})",
                y.name, y.starts_on, y.ends_on
            ),
        ));
    }
    Ok(Candidate {
        course_id,
        weekday,
        lesson_number,
        room: clean_room(room),
        valid_from,
        valid_to,
    })
}

/// Collisions of a candidate with the school's entries on the same weekday, except `skip`.
async fn entry_conflicts(
    db: &impl ConnectionTrait,
    cat: &Catalog,
    school_id: Uuid,
    cand: &Candidate,
    skip: Option<Uuid>,
) -> AppResult<Vec<TimetableConflict>> {
    let course = cat.course(cand.course_id)?;
    let new = Occupant {
        course,
        weekday: cand.weekday,
        lesson_number: cand.lesson_number,
        from: cand.valid_from,
        to: cand.valid_to,
        room: cand.room.clone(),
        teachers: course.teacher_ids.clone(),
        entry_id: None,
        lesson_id: None,
        line: None,
    };
    let others = timetable_entry::Entity::find()
        .filter(timetable_entry::Column::SchoolId.eq(school_id))
        .filter(timetable_entry::Column::Weekday.eq(cand.weekday))
        .filter(timetable_entry::Column::ValidFrom.lte(cand.valid_to))
        .filter(timetable_entry::Column::ValidTo.gte(cand.valid_from))
        .all(db)
        .await?;
    Ok(others
        .iter()
        .filter(|e| Some(e.id) != skip)
        .filter_map(|e| Occupant::entry(cat, e))
        .flat_map(|o| collisions(cat, &new, &o))
        .collect())
}

/// Checks the school's timetable as it is now (inside a write, after the change): every entry
/// of `course` (or every entry) must have its slot in its class's bell schedule (else 409
/// `conflict`) and collide with no other entry (else 409 `timetable_conflict`). Used after
/// course and bell schedule changes, which move teachers, classes and times under entries.
pub async fn check_timetable(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    course: Option<Uuid>,
) -> AppResult<()> {
    let cat = Catalog::load(db, school_id).await?;
    let entries = timetable_entry::Entity::find()
        .filter(timetable_entry::Column::SchoolId.eq(school_id))
        .all(db)
        .await?;
    let occupants: Vec<Occupant> = entries
        .iter()
        .filter_map(|e| Occupant::entry(&cat, e))
        .collect();
    for (i, me) in occupants.iter().enumerate() {
        if course.is_some_and(|c| c != me.course.id) {
            continue;
        }
        if !cat.has_slot(me.course.class_id, me.lesson_number) {
            return Err(AppError::new(ErrorCode::Conflict).detail(format!(
                "lesson {} of {} {} is in the timetable but not in the class's bell schedule",
                me.lesson_number, me.course.class_name, me.course.subject_name
            )));
        }
        let clashes: Vec<TimetableConflict> = occupants
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .flat_map(|(_, o)| collisions(&cat, me, o))
            .collect();
        refuse_conflicts(clashes)?;
    }
    Ok(())
}

/// Checks a candidate entry without saving it. Admin.
pub async fn check_entry(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    input: TimetableCheckInput,
    now: chrono::DateTime<Utc>,
) -> AppResult<TimetableCheck> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    input.validate()?;
    let school = school_row(db, school_id).await?;
    let today = school_today_at(&school.time_zone, now);
    let cat = Catalog::load(db, school_id).await?;
    let cand = candidate(
        db,
        &cat,
        input.course_id,
        input.weekday,
        input.lesson_number,
        &input.room,
        input.valid_from,
        input.valid_to,
        today,
    )
    .await?;
    Ok(TimetableCheck {
        conflicts: entry_conflicts(db, &cat, school_id, &cand, input.entry_id).await?,
    })
}

async fn insert_entry(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    c: &Candidate,
) -> AppResult<timetable_entry::Model> {
    Ok(timetable_entry::ActiveModel {
        id: Set(Uuid::now_v7()),
        school_id: Set(school_id),
        course_id: Set(c.course_id),
        weekday: Set(c.weekday),
        lesson_number: Set(c.lesson_number),
        room: Set(c.room.clone()),
        valid_from: Set(c.valid_from),
        valid_to: Set(c.valid_to),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

/// Inserts a timetable entry after the conflict check (no permission check, no audit, no
/// regeneration). Errors: 422 (course, range), 409 `timetable_conflict`.
pub async fn save_new_entry(
    db: &impl ConnectionTrait,
    cat: &Catalog,
    school_id: Uuid,
    input: &TimetableEntryInput,
    today: NaiveDate,
) -> AppResult<timetable_entry::Model> {
    input.validate()?;
    let cand = candidate(
        db,
        cat,
        input.course_id,
        input.weekday,
        input.lesson_number,
        &input.room,
        input.valid_from,
        input.valid_to,
        today,
    )
    .await?;
    refuse_conflicts(entry_conflicts(db, cat, school_id, &cand, None).await?)?;
    insert_entry(db, school_id, &cand).await
}

/// Creates a timetable entry and generates its lessons. Admin. Audited. Errors: 422, 409
/// `timetable_conflict` with `conflicts`.
pub async fn create_entry(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    input: TimetableEntryInput,
    now: chrono::DateTime<Utc>,
) -> AppResult<TimetableEntry> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    let school = school_row(db, school_id).await?;
    let today = school_today_at(&school.time_zone, now);
    let cat = Catalog::load(db, school_id).await?;
    let txn = begin_locked(db, school_id).await?;
    let row = save_new_entry(&txn, &cat, school_id, &input, today).await?;
    regenerate(
        &txn,
        school_id,
        row.valid_from,
        row.valid_to,
        Some(&HashSet::from([row.course_id])),
    )
    .await?;
    audit_saved(
        &txn,
        actor,
        school_id,
        "timetable_entry",
        row.id,
        true,
        &input,
    )
    .await?;
    txn.commit().await?;
    Ok(cat.entry_dto(&row))
}

async fn entry_row(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<timetable_entry::Model> {
    timetable_entry::Entity::find_by_id(id)
        .filter(timetable_entry::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("timetable entry"))
}

/// Changes a timetable entry from `valid_from` on (default: today in the school's time zone, or
/// the entry's start if later). From a day after the entry's start, the old entry ends the day
/// before and a new entry takes over; from its start (or earlier) the entry is changed in place.
/// Lessons of both courses are regenerated from that day. Admin. Audited. Errors: 404; 422 (the
/// day is after the entry's end, course, range); 409 `timetable_conflict`.
pub async fn update_entry(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
    input: TimetableEntryInput,
    now: chrono::DateTime<Utc>,
) -> AppResult<TimetableEntry> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    input.validate()?;
    let outer = begin_locked(db, school_id).await?;
    let db = &outer;
    let school = school_row(db, school_id).await?;
    let old = entry_row(db, school_id, id).await?;
    let today = school_today_at(&school.time_zone, now);
    let effective = input.valid_from.unwrap_or(today.max(old.valid_from));
    if effective > old.valid_to {
        return Err(AppError::field(
            "valid_from",
            "range",
            format!(
                "the entry ends on {}; create a new entry instead",
                old.valid_to
            ),
        ));
    }
    let cat = Catalog::load(db, school_id).await?;
    let split = effective > old.valid_from;
    let cand = candidate(
        db,
        &cat,
        input.course_id,
        input.weekday,
        input.lesson_number,
        &input.room,
        Some(effective),
        Some(input.valid_to.unwrap_or(old.valid_to)),
        today,
    )
    .await?;
    refuse_conflicts(entry_conflicts(db, &cat, school_id, &cand, Some(id)).await?)?;
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let row = if split {
        let mut am: timetable_entry::ActiveModel = old.clone().into();
        am.valid_to = Set(effective - Duration::days(1));
        am.update(&txn).await?;
        insert_entry(&txn, school_id, &cand).await?
    } else {
        let mut am: timetable_entry::ActiveModel = old.clone().into();
        am.course_id = Set(cand.course_id);
        am.weekday = Set(cand.weekday);
        am.lesson_number = Set(cand.lesson_number);
        am.room = Set(cand.room.clone());
        am.valid_from = Set(cand.valid_from);
        am.valid_to = Set(cand.valid_to);
        am.update(&txn).await?
    };
    regenerate(
        &txn,
        school_id,
        effective,
        old.valid_to.max(row.valid_to),
        Some(&HashSet::from([old.course_id, row.course_id])),
    )
    .await?;
    Audit::new("timetable_entry_changed")
        .school(school_id)
        .by(actor)
        .object("timetable_entry", row.id)
        .old(serde_json::to_value(cat.entry_dto(&old)).unwrap_or_default())
        .new_value(serde_json::to_value(cat.entry_dto(&row)).unwrap_or_default())
        .write(&txn)
        .await?;
    txn.commit().await?;
    outer.commit().await?;
    Ok(cat.entry_dto(&row))
}

/// Ends a timetable entry before `from` (default today in the school's time zone): on or before
/// its first day the entry is deleted. Its lessons from that day are regenerated (lessons with
/// journal data stay, flagged). Admin. Audited. Errors: 404.
pub async fn delete_entry(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
    from: Option<NaiveDate>,
    now: chrono::DateTime<Utc>,
) -> AppResult<()> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    let school = school_row(db, school_id).await?;
    let old = entry_row(db, school_id, id).await?;
    let from = from.unwrap_or_else(|| school_today_at(&school.time_zone, now));
    let txn = begin_locked(db, school_id).await?;
    if from <= old.valid_from {
        timetable_entry::Entity::delete_by_id(id).exec(&txn).await?;
    } else if from <= old.valid_to {
        let mut am: timetable_entry::ActiveModel = old.clone().into();
        am.valid_to = Set(from - Duration::days(1));
        am.update(&txn).await?;
    }
    let cat = Catalog::load(&txn, school_id).await?;
    if from <= old.valid_to {
        regenerate(
            &txn,
            school_id,
            from.max(old.valid_from),
            old.valid_to,
            Some(&HashSet::from([old.course_id])),
        )
        .await?;
    }
    Audit::new("timetable_entry_ended")
        .school(school_id)
        .by(actor)
        .object("timetable_entry", id)
        .old(serde_json::to_value(cat.entry_dto(&old)).unwrap_or_default())
        .new_value(serde_json::json!({ "ends_before": from }))
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

// ---------- lesson generation ----------

/// Regenerates the timetable lessons of `from..=to` (all courses, or only `courses`): creates the
/// missing ones, updates room and entry, deletes those no longer in the timetable, and keeps and
/// flags those with journal data. Extra lessons are left alone. Idempotent. No permission check.
pub async fn regenerate(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    courses: Option<&HashSet<Uuid>>,
) -> AppResult<GenerateReport> {
    let mut report = GenerateReport {
        from,
        to,
        created: 0,
        updated: 0,
        deleted: 0,
        flagged: 0,
        unchanged: 0,
    };
    if to < from {
        return Ok(report);
    }
    let cal = Calendar::load(db, school_id).await?;
    let mut q = timetable_entry::Entity::find()
        .filter(timetable_entry::Column::SchoolId.eq(school_id))
        .filter(timetable_entry::Column::ValidFrom.lte(to))
        .filter(timetable_entry::Column::ValidTo.gte(from));
    if let Some(c) = courses {
        q = q
            .filter(timetable_entry::Column::CourseId.is_in(c.iter().copied().collect::<Vec<_>>()));
    }
    let mut entries = q.all(db).await?;
    // Oldest entry first, so a duplicate slot keeps the older entry.
    entries.sort_by_key(|e| e.id);
    let mut by_weekday: HashMap<i32, Vec<&timetable_entry::Model>> = HashMap::new();
    for e in &entries {
        by_weekday.entry(e.weekday).or_default().push(e);
    }
    // (course, date, number) → (entry, room)
    let mut desired: HashMap<(Uuid, NaiveDate, i32), (Uuid, Option<String>)> = HashMap::new();
    let mut day = from;
    while day <= to {
        if cal.is_term_day(day) {
            let wd = day.weekday().number_from_monday() as i32;
            for e in by_weekday.get(&wd).into_iter().flatten() {
                if e.valid_from <= day && day <= e.valid_to {
                    desired
                        .entry((e.course_id, day, e.lesson_number))
                        .or_insert((e.id, e.room.clone()));
                }
            }
        }
        day += Duration::days(1);
    }
    let mut q = lesson::Entity::find()
        .filter(lesson::Column::SchoolId.eq(school_id))
        .filter(lesson::Column::Origin.eq(LessonOrigin::Timetable.as_str()))
        .filter(lesson::Column::SlotDate.gte(from))
        .filter(lesson::Column::SlotDate.lte(to));
    if let Some(c) = courses {
        q = q.filter(lesson::Column::CourseId.is_in(c.iter().copied().collect::<Vec<_>>()));
    }
    let existing = q.all(db).await?;
    let with_data = lessons_with_data(db, &existing).await?;
    // A lesson's room follows its entry unless it was changed for that lesson alone.
    let mut entry_rooms: HashMap<Uuid, Option<String>> =
        entries.iter().map(|e| (e.id, e.room.clone())).collect();
    let missing: Vec<Uuid> = existing
        .iter()
        .filter_map(|l| l.timetable_entry_id)
        .filter(|i| !entry_rooms.contains_key(i))
        .collect::<HashSet<Uuid>>()
        .into_iter()
        .collect();
    for chunk in missing.chunks(500) {
        for e in timetable_entry::Entity::find()
            .filter(timetable_entry::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            entry_rooms.insert(e.id, e.room);
        }
    }
    let mut to_delete = Vec::new();
    let now = Utc::now();
    for l in existing {
        let (Some(sd), Some(sn)) = (l.slot_date, l.slot_number) else {
            continue;
        };
        match desired.remove(&(l.course_id, sd, sn)) {
            Some((entry, room)) => {
                let moved = l.date != sd || l.lesson_number != sn;
                let follows_entry = l
                    .timetable_entry_id
                    .and_then(|e| entry_rooms.get(&e))
                    .is_none_or(|r| *r == l.room);
                let room_changed = !moved && follows_entry && l.room != room;
                let review = (l.needs_review && l.review_reason.as_deref() == Some(LEFT_TIMETABLE))
                    || l.review_reason.as_deref() == Some(REVIEW_RESOLVED);
                if l.timetable_entry_id != Some(entry) || room_changed || review {
                    let mut am: lesson::ActiveModel = l.into();
                    am.timetable_entry_id = Set(Some(entry));
                    if room_changed {
                        am.room = Set(room);
                    }
                    if review {
                        am.needs_review = Set(false);
                        am.review_reason = Set(None);
                    }
                    am.updated_at = Set(now);
                    am.update(db).await?;
                    report.updated += 1;
                } else {
                    report.unchanged += 1;
                }
            }
            // A lesson the admin moved stays where they put it.
            None if l.date != sd || l.lesson_number != sn => report.unchanged += 1,
            None if with_data.contains(&l.id) => {
                if l.needs_review || l.review_reason.as_deref() == Some(REVIEW_RESOLVED) {
                    report.unchanged += 1;
                } else {
                    set_review(db, l, Some(LEFT_TIMETABLE), now).await?;
                    report.flagged += 1;
                }
            }
            None => to_delete.push(l.id),
        }
    }
    flag_lessons_off_the_calendar(db, &cal, school_id, from, to, courses, &mut report).await?;
    report.deleted = to_delete.len() as u32;
    for chunk in to_delete.chunks(500) {
        lesson::Entity::delete_many()
            .filter(lesson::Column::Id.is_in(chunk.to_vec()))
            .exec(db)
            .await?;
    }
    let mut new: Vec<lesson::ActiveModel> = desired
        .into_iter()
        .map(
            |((course_id, date, number), (entry, room))| lesson::ActiveModel {
                id: Set(Uuid::now_v7()),
                school_id: Set(school_id),
                course_id: Set(course_id),
                date: Set(date),
                lesson_number: Set(number),
                room: Set(room),
                status: Set(LessonStatus::Scheduled.as_str().into()),
                cancel_reason: Set(None),
                origin: Set(LessonOrigin::Timetable.as_str().into()),
                timetable_entry_id: Set(Some(entry)),
                slot_date: Set(Some(date)),
                slot_number: Set(Some(number)),
                substitute_id: Set(None),
                needs_review: Set(false),
                review_reason: Set(None),
                topic: Set(None),
                homework: Set(None),
                homework_due_on: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                attendance_taken_at: Set(None),
            },
        )
        .collect();
    report.created = new.len() as u32;
    while !new.is_empty() {
        let rest = new.split_off(new.len().min(400));
        lesson::Entity::insert_many(std::mem::replace(&mut new, rest))
            .exec(db)
            .await?;
    }
    Ok(report)
}

/// The lessons the timetable does not place on their days (extra lessons, lessons the admin
/// moved, cancelled ones aside) dated from `from` to `to`: they stay where they are, but one on a
/// day that is no longer a term day (a period shrunk or deleted, a holiday added, another
/// final-period kind) is flagged [`LEFT_TIMETABLE`] like a timetable lesson with journal data, and
/// unflagged when its day is a term day again. An acknowledged lesson ([`REVIEW_RESOLVED`]) stays
/// acknowledged.
async fn flag_lessons_off_the_calendar(
    db: &impl ConnectionTrait,
    cal: &Calendar,
    school_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    courses: Option<&HashSet<Uuid>>,
    report: &mut GenerateReport,
) -> AppResult<()> {
    use sea_orm::sea_query::ExprTrait;
    let mut q = lesson::Entity::find()
        .filter(lesson::Column::SchoolId.eq(school_id))
        .filter(lesson::Column::Date.gte(from))
        .filter(lesson::Column::Date.lte(to))
        .filter(lesson::Column::Status.ne(LessonStatus::Cancelled.as_str()))
        .filter(
            sea_orm::Condition::any()
                .add(lesson::Column::Origin.ne(LessonOrigin::Timetable.as_str()))
                .add(lesson::Column::SlotDate.is_null())
                .add(lesson::Column::SlotNumber.is_null())
                .add(Expr::col(lesson::Column::Date).ne(Expr::col(lesson::Column::SlotDate)))
                .add(
                    Expr::col(lesson::Column::LessonNumber)
                        .ne(Expr::col(lesson::Column::SlotNumber)),
                ),
        );
    if let Some(c) = courses {
        q = q.filter(lesson::Column::CourseId.is_in(c.iter().copied().collect::<Vec<_>>()));
    }
    let now = Utc::now();
    for l in q.all(db).await? {
        let off = !cal.is_term_day(l.date);
        let flagged = l.needs_review && l.review_reason.as_deref() == Some(LEFT_TIMETABLE);
        let resolved = l.review_reason.as_deref() == Some(REVIEW_RESOLVED);
        if off && !l.needs_review && !resolved {
            set_review(db, l, Some(LEFT_TIMETABLE), now).await?;
            report.flagged += 1;
        } else if !off && flagged {
            set_review(db, l, None, now).await?;
            report.updated += 1;
        }
    }
    Ok(())
}

/// Flags a lesson for the admin's review with `reason`, or (`None`) clears the flag.
async fn set_review(
    db: &impl ConnectionTrait,
    l: lesson::Model,
    reason: Option<&str>,
    now: chrono::DateTime<Utc>,
) -> AppResult<()> {
    let mut am: lesson::ActiveModel = l.into();
    am.needs_review = Set(reason.is_some());
    am.review_reason = Set(reason.map(str::to_owned));
    am.updated_at = Set(now);
    am.update(db).await?;
    Ok(())
}

/// The review reason (a stable code) of a lesson that left the timetable but has journal data,
/// or of an extra or moved lesson whose day is no longer a term day.
pub const LEFT_TIMETABLE: &str = "left_timetable";

/// Kept in `review_reason` (with `needs_review` false) once the admin acknowledged, moved or
/// cancelled a flagged lesson, so that regeneration does not flag it again; not shown in the DTO.
pub const REVIEW_RESOLVED: &str = "resolved";

/// Regenerates lessons over a range (default: the current academic year). Admin. Audited.
/// Errors: 422 (no current year, `to` before `from`, more than 400 days).
pub async fn generate(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    input: GenerateLessonsInput,
) -> AppResult<GenerateReport> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    school_row(db, school_id).await?;
    let year = crate::service::structure::current_year(db, school_id).await?;
    let from = input.from.or(year.as_ref().map(|y| y.starts_on));
    let to = input.to.or(year.as_ref().map(|y| y.ends_on));
    let (Some(from), Some(to)) = (from, to) else {
        return Err(AppError::field(
            "from",
            "required",
            "the school has no current academic year; give from and to",
        ));
    };
    if to < from {
        return Err(AppError::field("to", "range", "`to` is before `from`"));
    }
    if to - from > Duration::days(400) {
        return Err(AppError::field(
            "to",
            "range",
            "regenerate at most 400 days at once",
        ));
    }
    let txn = begin_locked(db, school_id).await?;
    let report = regenerate(&txn, school_id, from, to, None).await?;
    Audit::new("lessons_generated")
        .school(school_id)
        .by(actor)
        .new_value(serde_json::to_value(report).unwrap_or_default())
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(report)
}
