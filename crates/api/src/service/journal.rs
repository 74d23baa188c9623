//! The class journal (regulation §4, §6; DESIGN §2, §3): works in lessons, marks and attendance
//! cells with versions, the journal grid of a course for a period, batch writes (all or nothing),
//! and averages through the one grading function of `otmetka-domain`.
//!
//! Who writes: the course's teachers and the lesson's substitute (audited on behalf of the
//! course's teacher), inside the school's edit window; the admin writes any lesson. Nobody
//! writes a cancelled lesson or a student not enrolled in the class on the lesson's day.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use otmetka_domain::grading::{Average, MarkScale, weighted_average};
use otmetka_domain::journal::{
    AttendanceCell, AttendanceCellInput, AttendanceWrite, DateSpan, Journal, JournalBatch,
    JournalBatchResult, JournalConflict, JournalLesson, JournalStudent, MarkCell, MarkCellInput,
    MarkWrite, StudentAverage, Work, WorkInput, WorkUpdate,
};
use otmetka_domain::structure::{PeriodKind, SchoolSettings};
use otmetka_domain::timetable::LessonStatus;
use otmetka_domain::{ErrorCode, FieldError, Role};
use sea_orm::DatabaseConnection;
use sea_orm::sea_query::{Expr, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;
use validator::Validate;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::entity::{attendance, enrollment, group_member, lesson, mark, period, person, work};
use crate::error::{AppError, AppResult};
use crate::service::audit::Audit;
use crate::service::marks::{MarkConfig, weighed_marks};
use crate::service::structure::{
    begin_locked, begin_locked_generation, get_settings_row, period_dto, school_row,
    school_today_at,
};
use crate::service::timetable::{Catalog, CourseInfo, lesson_has_content};

// ---------- who may write ----------

fn is_admin(actor: &Actor, school_id: Uuid) -> bool {
    actor.is_superadmin || actor.roles_in(school_id).any(|r| r == Role::Admin)
}

/// The actor as a journal writer: the admin writes every lesson; a teacher their courses'
/// lessons and the lessons they substitute, inside the edit window.
pub struct Writer {
    admin: bool,
    me: Option<Uuid>,
    window: Option<i32>,
    today: NaiveDate,
    /// Periods whose final marks are closed (teachers only; `None` for the admin).
    closed: Option<crate::service::finals::ClosedPeriods>,
}

impl Writer {
    /// The actor's staff person from the catalog; for a teacher, the closed periods (two
    /// queries). Call after `policy::authorize`.
    pub async fn load(
        db: &impl ConnectionTrait,
        cat: &Catalog,
        actor: &Actor,
        school_id: Uuid,
        settings: &SchoolSettings,
        today: NaiveDate,
    ) -> AppResult<Writer> {
        let admin = is_admin(actor, school_id);
        let closed = if admin {
            None
        } else {
            Some(crate::service::finals::ClosedPeriods::load(db, school_id, settings, today).await?)
        };
        Ok(Writer::new(
            cat, actor, school_id, settings, today, admin, closed,
        ))
    }

    /// [`Writer::load`] from the school's snapshot (no statement).
    pub fn of_snapshot(
        snap: &crate::service::snapshot::Snapshot,
        actor: &Actor,
        school_id: Uuid,
        today: NaiveDate,
    ) -> Writer {
        let admin = is_admin(actor, school_id);
        let closed =
            (!admin).then(|| crate::service::finals::ClosedPeriods::of_snapshot(snap, today));
        Writer::new(
            &snap.catalog,
            actor,
            school_id,
            &snap.settings,
            today,
            admin,
            closed,
        )
    }

    fn new(
        cat: &Catalog,
        actor: &Actor,
        school_id: Uuid,
        settings: &SchoolSettings,
        today: NaiveDate,
        admin: bool,
        closed: Option<crate::service::finals::ClosedPeriods>,
    ) -> Writer {
        Writer {
            admin,
            me: cat.teacher_person_of(actor, school_id),
            window: settings.edit_window_days,
            today,
            closed,
        }
    }

    /// Whether the actor may write the lesson's marks and attendance now; `Ok(on_behalf_of)`
    /// (the course's teacher when a substitute writes). Errors: 403 `forbidden` (not their
    /// course or substitution), 409 `lesson_cancelled`, 403 `edit_window_closed`, 403
    /// `period_closed` (the lesson's period's final marks are closed and the admin has not
    /// reopened it for the course).
    pub fn check(&self, course: &CourseInfo, l: &lesson::Model) -> AppResult<Option<Uuid>> {
        let on_behalf = if self.admin {
            None
        } else {
            match self.me {
                Some(me) if course.teacher_ids.contains(&me) => None,
                Some(me) if l.substitute_id == Some(me) => course.teacher_ids.first().copied(),
                _ => {
                    return Err(AppError::forbidden().detail(
                        "only the course's teachers and the lesson's substitute write its journal",
                    ));
                }
            }
        };
        if l.status == LessonStatus::Cancelled.as_str() {
            return Err(AppError::new(ErrorCode::LessonCancelled)
                .detail(format!("the lesson of {} is cancelled", l.date)));
        }
        if !self.admin
            && let Some(n) = self.window
            && l.date < self.today - Duration::days(n as i64)
        {
            return Err(AppError::new(ErrorCode::EditWindowClosed).detail(format!(
                "the lesson of {} is older than {n} days; ask the school administrator",
                l.date
            )));
        }
        if let Some((term, closes)) = self
            .closed
            .as_ref()
            .and_then(|c| c.closes(course.id, l.date))
        {
            return Err(AppError::new(ErrorCode::PeriodClosed).detail(format!(
                "{term} was closed after {closes}; its journal is read-only for teachers until \
                 the admin reopens it for the course"
            )));
        }
        Ok(on_behalf)
    }
}

/// Who reads a course's journal: admin and principal; a teacher who teaches the course, is the
/// class's class teacher or substitutes one of its lessons. Errors: 403, 404.
pub async fn authorize_journal_read(
    db: &impl ConnectionTrait,
    cat: &Catalog,
    actor: &Actor,
    school_id: Uuid,
    course: &CourseInfo,
) -> AppResult<()> {
    policy::authorize(actor, school_id, Action::ReadJournal)?;
    if actor.is_superadmin
        || actor
            .roles_in(school_id)
            .any(|r| r == Role::Admin || r == Role::Principal)
    {
        return Ok(());
    }
    if let Some(me) = cat.teacher_person_of(actor, school_id) {
        if course.teacher_ids.contains(&me) || course.class_teacher_id == Some(me) {
            return Ok(());
        }
        let subs = lesson::Entity::find()
            .filter(lesson::Column::CourseId.eq(course.id))
            .filter(lesson::Column::SubstituteId.eq(me))
            .count(db)
            .await?;
        if subs > 0 {
            return Ok(());
        }
    }
    tracing::warn!(actor = %actor.account_id, course = %course.id, "journal read denied");
    Err(AppError::forbidden().detail(
        "a teacher reads the journals of their courses, their class and their substitutions",
    ))
}

// ---------- periods ----------

/// The period asked for, or — without one — the school's final-mark period (quarter by default)
/// that contains `today`, else the last one begun, else the first. Errors: 404.
pub async fn resolve_period(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    period_id: Option<Uuid>,
    kind: PeriodKind,
    today: NaiveDate,
) -> AppResult<period::Model> {
    let all = period::Entity::find()
        .filter(period::Column::SchoolId.eq(school_id))
        .order_by_asc(period::Column::StartsOn)
        .all(db)
        .await?;
    pick_period(&all, period_id, kind, today)
}

/// [`resolve_period`] among the school's periods `all` (by first day), e.g. a snapshot's.
pub fn pick_period(
    all: &[period::Model],
    period_id: Option<Uuid>,
    kind: PeriodKind,
    today: NaiveDate,
) -> AppResult<period::Model> {
    if let Some(id) = period_id {
        return all
            .iter()
            .find(|p| p.id == id)
            .cloned()
            .ok_or_else(|| AppError::not_found("period"));
    }
    let of_kind: Vec<&period::Model> = all.iter().filter(|p| p.kind == kind.as_str()).collect();
    let pick = |ps: &[&period::Model]| -> Option<period::Model> {
        ps.iter()
            .find(|p| p.starts_on <= today && today <= p.ends_on)
            .or_else(|| ps.iter().rev().find(|p| p.starts_on <= today))
            .or_else(|| ps.first())
            .map(|p| (*p).clone())
    };
    pick(&of_kind)
        .or_else(|| pick(&all.iter().collect::<Vec<_>>()))
        .ok_or_else(|| AppError::not_found("period"))
}

// ---------- reading ----------

/// The ids of the course's lessons in `[from, to]`, as a subquery.
fn lesson_ids(course_id: Uuid, from: NaiveDate, to: NaiveDate) -> SelectStatement {
    lesson::Entity::find()
        .select_only()
        .column(lesson::Column::Id)
        .filter(lesson::Column::CourseId.eq(course_id))
        .filter(lesson::Column::Date.gte(from))
        .filter(lesson::Column::Date.lte(to))
        .into_query()
}

/// The students of a course between two days with the spans they are in its class (and, for a
/// subgroup course, in the group), sorted by name. One query: the enrollments joined to the
/// students (and filtered by the group's members).
pub async fn course_students(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    course: &CourseInfo,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<JournalStudent>> {
    let mut q = enrollment::Entity::find()
        .filter(enrollment::Column::SchoolId.eq(school_id))
        .filter(enrollment::Column::ClassId.eq(course.class_id))
        .filter(crate::service::structure::overlapping(from, to));
    if let Some(g) = course.group_id {
        q = q.filter(
            enrollment::Column::StudentId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(group_member::Column::StudentId)
                    .from(group_member::Entity)
                    .and_where(group_member::Column::GroupId.eq(g))
                    .to_owned(),
            ),
        );
    }
    let rows = q
        .join(
            sea_orm::JoinType::InnerJoin,
            enrollment::Entity::belongs_to(person::Entity)
                .from(enrollment::Column::StudentId)
                .to(person::Column::Id)
                .into(),
        )
        .order_by_asc(enrollment::Column::StartsOn)
        .select_also(person::Entity)
        .all(db)
        .await?;
    Ok(journal_students(rows.iter().filter_map(|(e, p)| {
        let p = p.as_ref()?;
        Some((e, (&p.last_name, &p.first_name, &p.middle_name)))
    })))
}

/// [`course_students`] from the school's snapshot (no statement): the pages' reader.
pub fn course_students_in(
    roster: &crate::service::snapshot::Roster,
    course: &CourseInfo,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<JournalStudent> {
    journal_students(
        roster
            .class_enrollments(course.class_id, course.group_id, from, to)
            .into_iter()
            .map(|(e, (l, f, m))| (e, (l, f, m))),
    )
}

/// The students of enrollments (by first day) with their names: one entry per student with
/// their spans, sorted by name.
fn journal_students<'a>(
    rows: impl Iterator<
        Item = (
            &'a enrollment::Model,
            (&'a String, &'a String, &'a Option<String>),
        ),
    >,
) -> Vec<JournalStudent> {
    let mut by_id: HashMap<Uuid, JournalStudent> = HashMap::new();
    for (e, (last, first, middle)) in rows {
        by_id
            .entry(e.student_id)
            .or_insert_with(|| JournalStudent {
                id: e.student_id,
                last_name: last.clone(),
                first_name: first.clone(),
                middle_name: middle.clone(),
                enrolled: Vec::new(),
            })
            .enrolled
            .push(DateSpan {
                from: e.starts_on,
                to: e.ends_on,
            });
    }
    let mut out: Vec<JournalStudent> = by_id.into_values().collect();
    out.sort_by(|a, b| {
        (&a.last_name, &a.first_name, &a.middle_name, a.id).cmp(&(
            &b.last_name,
            &b.first_name,
            &b.middle_name,
            b.id,
        ))
    });
    out
}

/// A work as the API shows it.
pub fn work_dto(cfg: &MarkConfig, w: &work::Model) -> Work {
    let t = cfg.work_type(w.work_type_id);
    Work {
        id: w.id,
        lesson_id: w.lesson_id,
        work_type_id: w.work_type_id,
        work_type_code: t.map(|t| t.code.clone()).unwrap_or_default(),
        work_type_short_name: t.map(|t| t.short_name.clone()).unwrap_or_default(),
        weight: w.weight,
        title: w.title.clone(),
        position: w.position,
        version: w.version,
    }
}

fn mark_cell(m: &mark::Model) -> MarkCell {
    MarkCell {
        work_id: m.work_id,
        lesson_id: m.lesson_id,
        student_id: m.student_id,
        value: m.value.clone(),
        comment: m.comment.clone(),
        version: m.version,
        set_at: m.set_at,
    }
}

fn attendance_cell(a: &attendance::Model) -> AttendanceCell {
    AttendanceCell {
        lesson_id: a.lesson_id,
        student_id: a.student_id,
        code: a.code.clone(),
        version: a.version,
        set_at: a.set_at,
    }
}

/// A student's average over `marks` (their stored marks; cleared ones are skipped) with the
/// works' weights: the one grading function.
pub fn student_average<'a>(
    scale: &MarkScale,
    weights: &HashMap<Uuid, f64>,
    marks: impl IntoIterator<Item = &'a mark::Model>,
) -> Average {
    weighted_average(marks.into_iter().filter_map(|m| {
        let v = m.value.as_deref()?;
        Some((
            scale.counting(v),
            weights.get(&m.work_id).copied().unwrap_or(1.0),
        ))
    }))
}

/// The absences per student among attendance cells `att` (the codes that count as absence).
fn count_absences(cfg: &MarkConfig, att: &[attendance::Model]) -> HashMap<Uuid, u32> {
    let mut absences: HashMap<Uuid, u32> = HashMap::new();
    for a in att {
        if a.code.as_deref().is_some_and(|c| cfg.counts_as_absence(c)) {
            *absences.entry(a.student_id).or_default() += 1;
        }
    }
    absences
}

/// The absences of `students` at the course's lessons from `from` to `to` (inclusive), counted
/// by the database (one statement; the codes that count as absence).
async fn absences_between(
    db: &impl ConnectionTrait,
    cfg: &MarkConfig,
    course_id: Uuid,
    students: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<HashMap<Uuid, u32>> {
    #[derive(sea_orm::FromQueryResult)]
    struct Absences {
        student_id: Uuid,
        absences: i64,
    }
    let codes: Vec<String> = cfg
        .codes
        .iter()
        .filter(|c| c.counts_as_absence)
        .map(|c| c.code.clone())
        .collect();
    if codes.is_empty() || students.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(attendance::Entity::find()
        .select_only()
        .column(attendance::Column::StudentId)
        .column_as(attendance::Column::Id.count(), "absences")
        .filter(attendance::Column::LessonId.in_subquery(lesson_ids(course_id, from, to)))
        .filter(attendance::Column::StudentId.is_in(students.to_vec()))
        .filter(attendance::Column::Code.is_in(codes))
        .group_by(attendance::Column::StudentId)
        .into_model::<Absences>()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.student_id, u32::try_from(a.absences).unwrap_or(u32::MAX)))
        .collect())
}

/// Averages and absences per student. `marks`: (student, stored value, its work's weight) of
/// each mark with a value.
fn averages<'a>(
    scale: &MarkScale,
    students: impl IntoIterator<Item = Uuid>,
    marks: impl IntoIterator<Item = (Uuid, &'a str, f64)>,
    absences: &HashMap<Uuid, u32>,
) -> Vec<StudentAverage> {
    let mut by_student: HashMap<Uuid, Vec<(Option<f64>, f64)>> = HashMap::new();
    for (student, value, weight) in marks {
        by_student
            .entry(student)
            .or_default()
            .push((scale.counting(value), weight));
    }
    students
        .into_iter()
        .map(|s| {
            let avg = weighted_average(by_student.remove(&s).unwrap_or_default());
            StudentAverage {
                student_id: s,
                average: avg.average,
                mark_count: avg.mark_count,
                absences: absences.get(&s).copied().unwrap_or(0),
            }
        })
        .collect()
}

/// The journal grid of a course for a period (default: the current final-mark period): students
/// (from enrollments over the period; a subgroup course lists its group), lessons with works,
/// every mark and attendance cell, each student's average and absences. A fixed number of
/// queries, whatever the number of students and lessons. Access: see `authorize_journal_read`.
/// Errors: 403, 404 (course, period).
pub async fn journal(
    db: &DatabaseConnection,
    actor: &Actor,
    school_id: Uuid,
    course_id: Uuid,
    period_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<Journal> {
    policy::authorize(actor, school_id, Action::ReadJournal)?;
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let cat = &snap.catalog;
    let course = cat.course(course_id)?;
    authorize_journal_read(db, cat, actor, school_id, course).await?;
    let settings = snap.settings.clone();
    let today = school_today_at(&settings.time_zone, now);
    let cfg = &snap.marks;
    let scale = cfg.scale(course.subject_scale_id).clone();
    let period = pick_period(&snap.periods, period_id, settings.final_period_kind, today)?;
    let (from, to) = (period.starts_on, period.ends_on);
    let lessons = lesson::Entity::find()
        .filter(lesson::Column::SchoolId.eq(school_id))
        .filter(lesson::Column::CourseId.eq(course_id))
        .filter(lesson::Column::Date.gte(from))
        .filter(lesson::Column::Date.lte(to))
        .order_by_asc(lesson::Column::Date)
        .order_by_asc(lesson::Column::LessonNumber)
        .all(db)
        .await?;
    let works = work::Entity::find()
        .filter(work::Column::LessonId.in_subquery(lesson_ids(course_id, from, to)))
        .order_by_asc(work::Column::Position)
        .order_by_asc(work::Column::CreatedAt)
        .all(db)
        .await?;
    // In the order they were first written (ids are UUIDv7), whatever plan the database picks.
    let marks = mark::Entity::find()
        .filter(mark::Column::LessonId.in_subquery(lesson_ids(course_id, from, to)))
        .order_by_asc(mark::Column::Id)
        .all(db)
        .await?;
    let att = attendance::Entity::find()
        .filter(attendance::Column::LessonId.in_subquery(lesson_ids(course_id, from, to)))
        .order_by_asc(attendance::Column::Id)
        .all(db)
        .await?;
    let students = course_students_in(&snap.roster, course, from, to);
    let writer = Writer::of_snapshot(&snap, actor, school_id, today);
    let weights: HashMap<Uuid, f64> = works.iter().map(|w| (w.id, w.weight)).collect();
    let mut works_of: HashMap<Uuid, Vec<Work>> = HashMap::new();
    for w in &works {
        works_of
            .entry(w.lesson_id)
            .or_default()
            .push(work_dto(cfg, w));
    }
    let att_lessons: HashSet<Uuid> = att.iter().map(|a| a.lesson_id).collect();
    let journal_lessons = lessons
        .iter()
        .map(|l| {
            let ws = works_of.remove(&l.id).unwrap_or_default();
            let has_data = lesson_has_content(l) || !ws.is_empty() || att_lessons.contains(&l.id);
            JournalLesson {
                lesson: cat.lesson_dto(l, has_data),
                works: ws,
                // Marks and attendance wait for the lesson's day.
                writable: l.date <= today && writer.check(course, l).is_ok(),
                attendance_taken: l.attendance_taken_at.is_some(),
            }
        })
        .collect();
    let mut ids: Vec<Uuid> = students.iter().map(|s| s.id).collect();
    // Marks of a student no longer listed (an enrollment corrected afterwards) still count.
    for m in &marks {
        if !ids.contains(&m.student_id) {
            ids.push(m.student_id);
        }
    }
    let valued = marks.iter().filter_map(|m| {
        let weight = weights.get(&m.work_id).copied().unwrap_or(1.0);
        Some((m.student_id, m.value.as_deref()?, weight))
    });
    let averages = averages(&scale, ids, valued, &count_absences(cfg, &att));
    Ok(Journal {
        course: course.dto(),
        period: period_dto(period),
        scale,
        work_types: cfg.work_types.clone(),
        attendance_codes: cfg.codes.clone(),
        students,
        lessons: journal_lessons,
        marks: marks.iter().map(mark_cell).collect(),
        attendance: att.iter().map(attendance_cell).collect(),
        averages,
        today,
        edit_window_days: settings.edit_window_days,
    })
}

// ---------- writing ----------

fn clean_comment(c: &Option<String>) -> Option<String> {
    c.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn field(errors: &mut Vec<FieldError>, field: String, code: &str, message: impl Into<String>) {
    errors.push(FieldError {
        field,
        code: code.into(),
        message: message.into(),
    });
}

/// A mark write after validation.
struct MarkPlan {
    lesson_id: Uuid,
    work_id: Option<Uuid>,
    student_id: Uuid,
    value: Option<String>,
    /// `None`: keep the cell's comment; `Some(None)`: remove it; `Some(Some(_))`: set it.
    comment: Option<Option<String>>,
    version: i32,
}

/// Writes marks and attendance of one course in one transaction, all or nothing (the batch of
/// `POST …/courses/{course_id}/journal`; the per-cell endpoints call it with one cell).
///
/// Each cell carries the version read (0 for a cell never written). Errors: 403 (`forbidden`,
/// `edit_window_closed`), 404 (course), 409 `lesson_cancelled`, 412 `version_mismatch` with a
/// [`JournalConflict`] of the stale cells in `current` (nothing written), 422 with per-cell
/// field errors (`marks[3].value`: `not_on_scale`; `not_enrolled`; `unknown` lesson or work;
/// `duplicate`). Every change is audited with old and new value and on whose behalf. The
/// answer's averages of the students touched are read after the commit (empty if that read
/// fails: the batch is written either way).
pub async fn write_batch(
    db: &DatabaseConnection,
    actor: &Actor,
    school_id: Uuid,
    course_id: Uuid,
    period_id: Option<Uuid>,
    batch: JournalBatch,
    now: DateTime<Utc>,
) -> AppResult<JournalBatchResult> {
    policy::authorize(actor, school_id, Action::WriteJournal)?;
    batch.validate()?;
    let mut snap = crate::service::snapshot::get(db, actor, school_id).await?;
    // Everything below reads and writes inside the school's lock, so a work deleted or a lesson
    // cancelled meanwhile is seen. What the snapshot decides (who teaches the course, the
    // reopened periods, the scale) must still hold under the lock: a change committed in between
    // moved `schools.generation`, and the write starts from the new snapshot (409 `conflict`
    // when the school keeps changing through three tries).
    let mut tries = 0;
    let txn = loop {
        let (txn, generation) = begin_locked_generation(db, school_id).await?;
        if generation == snap.generation {
            break txn;
        }
        txn.rollback().await?;
        tries += 1;
        if tries == 3 {
            return Err(AppError::new(ErrorCode::Conflict)
                .detail("the school's courses or roster changed during the write; send it again"));
        }
        snap = crate::service::snapshot::get_current(db, school_id).await?;
    };
    let cat = &snap.catalog;
    let course = cat.course(course_id)?;
    let settings = snap.settings.clone();
    let today = school_today_at(&settings.time_zone, now);
    let cfg = &snap.marks;
    let scale = cfg.scale(course.subject_scale_id).clone();
    let writer = Writer::of_snapshot(&snap, actor, school_id, today);
    // Lessons and works the batch names.
    let lesson_ids_sent: HashSet<Uuid> = batch
        .marks
        .iter()
        .map(|m| m.lesson_id)
        .chain(batch.attendance.iter().map(|a| a.lesson_id))
        .collect();
    let lessons: HashMap<Uuid, lesson::Model> = if lesson_ids_sent.is_empty() {
        HashMap::new()
    } else {
        lesson::Entity::find()
            .filter(lesson::Column::SchoolId.eq(school_id))
            .filter(lesson::Column::CourseId.eq(course_id))
            .filter(lesson::Column::Id.is_in(lesson_ids_sent.iter().copied().collect::<Vec<_>>()))
            .all(&txn)
            .await?
            .into_iter()
            .map(|l| (l.id, l))
            .collect()
    };
    let work_ids_sent: Vec<Uuid> = batch.marks.iter().filter_map(|m| m.work_id).collect();
    let works_sent: HashMap<Uuid, work::Model> = if work_ids_sent.is_empty() {
        HashMap::new()
    } else {
        work::Entity::find()
            .filter(work::Column::CourseId.eq(course_id))
            .filter(work::Column::Id.is_in(work_ids_sent))
            .all(&txn)
            .await?
            .into_iter()
            .map(|w| (w.id, w))
            .collect()
    };

    // Enrollment of the students named, in the course's class (and group), from the snapshot:
    // the lock above saw it current (`schools.generation`).
    let students: HashSet<Uuid> = batch
        .marks
        .iter()
        .map(|m| m.student_id)
        .chain(batch.attendance.iter().map(|a| a.student_id))
        .collect();
    let roster = &snap.roster;
    let mut spans: HashMap<Uuid, Vec<DateSpan>> = HashMap::new();
    for s in &students {
        if course
            .group_id
            .is_some_and(|g| !roster.groups.get(s).is_some_and(|gs| gs.contains(&g)))
        {
            continue;
        }
        for e in roster.enrollments.get(s).into_iter().flatten() {
            if e.class_id == course.class_id {
                spans.entry(*s).or_default().push(DateSpan {
                    from: e.starts_on,
                    to: e.ends_on,
                });
            }
        }
    }
    let enrolled = |student: Uuid, day: NaiveDate| {
        spans
            .get(&student)
            .is_some_and(|v| v.iter().any(|s| s.contains(day)))
    };

    // A cell that sets something needs the student in the class that day and the lesson held;
    // clearing is always allowed (a back-dated transfer must not freeze a wrong mark).
    let check_cell =
        |errors: &mut Vec<FieldError>, at: &str, l: &lesson::Model, student: Uuid, sets: bool| {
            if sets && !enrolled(student, l.date) {
                field(
                    errors,
                    format!("{at}.student_id"),
                    "not_enrolled",
                    format!("the student is not in {} on {}", course.class_name, l.date),
                );
            }
            if sets && l.date > today {
                field(
                    errors,
                    format!("{at}.lesson_id"),
                    "future_lesson",
                    format!("the lesson of {} has not taken place yet", l.date),
                );
            }
        };
    // Validate every cell; collect all errors.
    let mut errors = Vec::new();
    let mut plans: Vec<MarkPlan> = Vec::new();
    let mut seen_marks = HashSet::new();
    for (i, m) in batch.marks.iter().enumerate() {
        let MarkWrite {
            lesson_id,
            work_id,
            student_id,
            value,
            comment,
            version,
        } = m;
        let Some(l) = lessons.get(lesson_id) else {
            field(
                &mut errors,
                format!("marks[{i}].lesson_id"),
                "unknown",
                "no such lesson in this course",
            );
            continue;
        };
        if let Some(w) = work_id
            && works_sent.get(w).is_none_or(|w| w.lesson_id != *lesson_id)
        {
            field(
                &mut errors,
                format!("marks[{i}].work_id"),
                "unknown",
                "no such work in this lesson",
            );
            continue;
        }
        if !seen_marks.insert((*lesson_id, *work_id, *student_id)) {
            field(
                &mut errors,
                format!("marks[{i}]"),
                "duplicate",
                "the same cell is written twice in the batch",
            );
        }
        let comment = comment.as_ref().map(|c| clean_comment(&Some(c.clone())));
        let sets = value.as_deref().is_some_and(|v| !v.trim().is_empty())
            || comment.as_ref().is_some_and(Option::is_some);
        check_cell(&mut errors, &format!("marks[{i}]"), l, *student_id, sets);
        let value = match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => match scale.find(v) {
                Some(sv) => Some(sv.value.clone()),
                None => {
                    field(
                        &mut errors,
                        format!("marks[{i}].value"),
                        "not_on_scale",
                        format!(
                            "«{v}» is not on the scale «{}» ({})",
                            scale.name,
                            scale
                                .values
                                .iter()
                                .map(|v| v.label.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                    None
                }
            },
        };
        plans.push(MarkPlan {
            lesson_id: *lesson_id,
            work_id: *work_id,
            student_id: *student_id,
            value,
            comment,
            version: *version,
        });
    }
    let mut att_plans: Vec<(Uuid, Uuid, Option<String>, i32)> = Vec::new();
    let mut seen_att = HashSet::new();
    for (i, a) in batch.attendance.iter().enumerate() {
        let AttendanceWrite {
            lesson_id,
            student_id,
            code,
            version,
        } = a;
        let Some(l) = lessons.get(lesson_id) else {
            field(
                &mut errors,
                format!("attendance[{i}].lesson_id"),
                "unknown",
                "no such lesson in this course",
            );
            continue;
        };
        if !seen_att.insert((*lesson_id, *student_id)) {
            field(
                &mut errors,
                format!("attendance[{i}]"),
                "duplicate",
                "the same cell is written twice in the batch",
            );
        }
        let sets = code.as_deref().is_some_and(|c| !c.trim().is_empty());
        check_cell(
            &mut errors,
            &format!("attendance[{i}]"),
            l,
            *student_id,
            sets,
        );
        let code = match code.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => None,
            Some(c) => match cfg.code(c) {
                Some(ac) => Some(ac.code.clone()),
                None => {
                    field(
                        &mut errors,
                        format!("attendance[{i}].code"),
                        "unknown_code",
                        format!(
                            "«{c}» is not an attendance code ({})",
                            cfg.codes
                                .iter()
                                .map(|c| c.label.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                    None
                }
            },
        };
        att_plans.push((*lesson_id, *student_id, code, *version));
    }
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    // Permission per lesson (first refusal wins).
    let mut on_behalf: HashMap<Uuid, Option<Uuid>> = HashMap::new();
    let mut sorted: Vec<&lesson::Model> = lessons.values().collect();
    sorted.sort_by_key(|l| (l.date, l.lesson_number, l.id));
    for l in sorted {
        on_behalf.insert(l.id, writer.check(course, l)?);
    }

    // Marks sent without a work go to the lesson's first work, created when there is none.
    let mut created_works = Vec::new();
    let need_default: HashSet<Uuid> = plans
        .iter()
        .filter(|p| p.work_id.is_none())
        .map(|p| p.lesson_id)
        .collect();
    let mut default_work: HashMap<Uuid, Uuid> = HashMap::new();
    if !need_default.is_empty() {
        for w in work::Entity::find()
            .filter(work::Column::LessonId.is_in(need_default.iter().copied().collect::<Vec<_>>()))
            .order_by_desc(work::Column::Position)
            .order_by_desc(work::Column::CreatedAt)
            .all(&txn)
            .await?
        {
            // Descending order: the last insert is the first work.
            default_work.insert(w.lesson_id, w.id);
        }
        let first_type = cfg.work_types.first().ok_or_else(|| {
            AppError::new(ErrorCode::Conflict).detail("the school has no work types")
        })?;
        let mut new_works = Vec::new();
        for lesson_id in &need_default {
            if default_work.contains_key(lesson_id) {
                continue;
            }
            let w = work::Model {
                id: Uuid::now_v7(),
                school_id,
                course_id,
                lesson_id: *lesson_id,
                work_type_id: first_type.id,
                weight: first_type.weight,
                title: None,
                position: 0,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            default_work.insert(*lesson_id, w.id);
            new_works.push(w);
        }
        if !new_works.is_empty() {
            work::Entity::insert_many(
                new_works
                    .iter()
                    .cloned()
                    .map(work::ActiveModel::from)
                    .collect::<Vec<_>>(),
            )
            .exec(&txn)
            .await?;
            created_works = new_works;
        }
    }
    for p in &mut plans {
        if p.work_id.is_none() {
            p.work_id = default_work.get(&p.lesson_id).copied();
        }
    }
    // Two cells may now be the same (one with work_id, one without).
    let mut seen = HashSet::new();
    for (i, p) in plans.iter().enumerate() {
        if !seen.insert((p.work_id, p.student_id)) {
            txn.rollback().await?;
            return Err(AppError::field(
                &format!("marks[{i}]"),
                "duplicate",
                "the same cell is written twice in the batch",
            ));
        }
    }

    // Current cells, inside the lock.
    let work_set: Vec<Uuid> = plans.iter().filter_map(|p| p.work_id).collect();
    let mark_students: Vec<Uuid> = plans.iter().map(|p| p.student_id).collect();
    let existing: HashMap<(Uuid, Uuid), mark::Model> = if plans.is_empty() {
        HashMap::new()
    } else {
        mark::Entity::find()
            .filter(mark::Column::WorkId.is_in(work_set))
            .filter(mark::Column::StudentId.is_in(mark_students))
            .all(&txn)
            .await?
            .into_iter()
            .map(|m| ((m.work_id, m.student_id), m))
            .collect()
    };
    let att_existing: HashMap<(Uuid, Uuid), attendance::Model> = if att_plans.is_empty() {
        HashMap::new()
    } else {
        attendance::Entity::find()
            .filter(
                attendance::Column::LessonId
                    .is_in(att_plans.iter().map(|a| a.0).collect::<Vec<_>>()),
            )
            .filter(
                attendance::Column::StudentId
                    .is_in(att_plans.iter().map(|a| a.1).collect::<Vec<_>>()),
            )
            .all(&txn)
            .await?
            .into_iter()
            .map(|a| ((a.lesson_id, a.student_id), a))
            .collect()
    };
    let mut stale = JournalConflict::default();
    for p in &plans {
        let cur = p.work_id.and_then(|w| existing.get(&(w, p.student_id)));
        if cur.map(|c| c.version).unwrap_or(0) != p.version {
            if let Some(c) = cur {
                stale.marks.push(mark_cell(c));
            } else if created_works.iter().any(|w| Some(w.id) == p.work_id) {
                // The work would have been created by this batch: no such cell exists.
            } else {
                // The cell does not exist (yet or any more): report it empty at version 0.
                stale.marks.push(MarkCell {
                    work_id: p.work_id.unwrap_or_default(),
                    lesson_id: p.lesson_id,
                    student_id: p.student_id,
                    value: None,
                    comment: None,
                    version: 0,
                    set_at: now,
                });
            }
        }
    }
    for (lesson_id, student_id, _, version) in &att_plans {
        let cur = att_existing.get(&(*lesson_id, *student_id));
        if cur.map(|c| c.version).unwrap_or(0) != *version {
            stale.attendance.push(match cur {
                Some(c) => attendance_cell(c),
                None => AttendanceCell {
                    lesson_id: *lesson_id,
                    student_id: *student_id,
                    code: None,
                    version: 0,
                    set_at: now,
                },
            });
        }
    }
    if !stale.marks.is_empty() || !stale.attendance.is_empty() {
        txn.rollback().await?;
        let mut e = AppError::new(ErrorCode::VersionMismatch).detail(format!(
            "{} cell(s) were changed meanwhile; nothing was written; see `current`",
            stale.marks.len() + stale.attendance.len()
        ));
        e.current = Some(serde_json::to_value(&stale).unwrap_or_default());
        return Err(e);
    }

    // Apply.
    let mut out_marks = Vec::new();
    let mut inserts = Vec::new();
    let mut audits = Vec::new();
    for p in plans {
        let work_id = p.work_id.unwrap_or_default();
        let behalf = on_behalf.get(&p.lesson_id).copied().flatten();
        let comment = match &p.comment {
            Some(c) => c.clone(),
            None => existing
                .get(&(work_id, p.student_id))
                .and_then(|c| c.comment.clone()),
        };
        let p = MarkPlan {
            comment: Some(comment.clone()),
            ..p
        };
        match existing.get(&(work_id, p.student_id)) {
            Some(cur) if cur.value == p.value && cur.comment == comment => {
                out_marks.push(mark_cell(cur));
            }
            Some(cur) => {
                let value_changed = cur.value != p.value;
                let mut am: mark::ActiveModel = cur.clone().into();
                if value_changed {
                    am.previous_value = Set(cur.value.clone());
                    am.set_at = Set(now);
                }
                am.value = Set(p.value.clone());
                am.comment = Set(comment.clone());
                am.version = Set(cur.version + 1);
                am.set_by = Set(Some(actor.account_id));
                let row = am.update(&txn).await?;
                audits.push(
                    Audit::new(if p.value.is_none() {
                        "mark_cleared"
                    } else {
                        "mark_changed"
                    })
                    .school(school_id)
                    .by(actor)
                    .on_behalf_of(behalf)
                    .object("mark", row.id)
                    .old(serde_json::json!({"value": cur.value, "comment": cur.comment}))
                    .new_value(serde_json::json!({
                        "value": row.value, "comment": row.comment, "student_id": row.student_id,
                        "lesson_id": row.lesson_id, "work_id": row.work_id,
                    })),
                );
                out_marks.push(mark_cell(&row));
            }
            None if p.value.is_none() && comment.is_none() => {
                // Clearing a cell that was never written: nothing to store.
                out_marks.push(MarkCell {
                    work_id,
                    lesson_id: p.lesson_id,
                    student_id: p.student_id,
                    value: None,
                    comment: None,
                    version: 0,
                    set_at: now,
                });
            }
            None => {
                let row = mark::Model {
                    id: Uuid::now_v7(),
                    school_id,
                    course_id,
                    lesson_id: p.lesson_id,
                    work_id,
                    student_id: p.student_id,
                    value: p.value.clone(),
                    previous_value: None,
                    comment: comment.clone(),
                    version: 1,
                    set_by: Some(actor.account_id),
                    set_at: now,
                    created_at: now,
                };
                audits.push(
                    Audit::new("mark_set")
                        .school(school_id)
                        .by(actor)
                        .on_behalf_of(behalf)
                        .object("mark", row.id)
                        .new_value(serde_json::json!({
                            "value": row.value, "comment": row.comment,
                            "student_id": row.student_id, "lesson_id": row.lesson_id,
                            "work_id": row.work_id,
                        })),
                );
                out_marks.push(mark_cell(&row));
                inserts.push(mark::ActiveModel::from(row));
            }
        }
    }
    if !inserts.is_empty() {
        mark::Entity::insert_many(inserts).exec(&txn).await?;
    }
    let mut out_att = Vec::new();
    let mut att_inserts = Vec::new();
    // Changed cells by their new code: one UPDATE per code (the versions were checked above,
    // under the lock, so `version + 1` is each cell's next).
    let mut att_updates: HashMap<Option<String>, Vec<Uuid>> = HashMap::new();
    for (lesson_id, student_id, code, _) in att_plans {
        let behalf = on_behalf.get(&lesson_id).copied().flatten();
        match att_existing.get(&(lesson_id, student_id)) {
            Some(cur) if cur.code == code => out_att.push(attendance_cell(cur)),
            Some(cur) => {
                let row = attendance::Model {
                    code: code.clone(),
                    version: cur.version + 1,
                    set_by: Some(actor.account_id),
                    set_at: now,
                    ..cur.clone()
                };
                att_updates.entry(code.clone()).or_default().push(row.id);
                audits.push(
                    Audit::new("attendance_changed")
                        .school(school_id)
                        .by(actor)
                        .on_behalf_of(behalf)
                        .object("attendance", row.id)
                        .old(serde_json::json!({"code": cur.code}))
                        .new_value(serde_json::json!({
                            "code": row.code, "student_id": student_id, "lesson_id": lesson_id,
                        })),
                );
                out_att.push(attendance_cell(&row));
            }
            None if code.is_none() => out_att.push(AttendanceCell {
                lesson_id,
                student_id,
                code: None,
                version: 0,
                set_at: now,
            }),
            None => {
                let row = attendance::Model {
                    id: Uuid::now_v7(),
                    school_id,
                    course_id,
                    lesson_id,
                    student_id,
                    code,
                    version: 1,
                    set_by: Some(actor.account_id),
                    set_at: now,
                };
                audits.push(
                    Audit::new("attendance_set")
                        .school(school_id)
                        .by(actor)
                        .on_behalf_of(behalf)
                        .object("attendance", row.id)
                        .new_value(serde_json::json!({
                            "code": row.code, "student_id": student_id, "lesson_id": lesson_id,
                        })),
                );
                out_att.push(attendance_cell(&row));
                att_inserts.push(attendance::ActiveModel::from(row));
            }
        }
    }
    for (code, ids) in att_updates {
        attendance::Entity::update_many()
            .col_expr(attendance::Column::Code, Expr::value(code))
            .col_expr(
                attendance::Column::Version,
                sea_orm::sea_query::ExprTrait::add(Expr::col(attendance::Column::Version), 1),
            )
            .col_expr(attendance::Column::SetBy, Expr::value(actor.account_id))
            .col_expr(attendance::Column::SetAt, Expr::value(now))
            .filter(attendance::Column::Id.is_in(ids))
            .exec(&txn)
            .await?;
    }
    if !att_inserts.is_empty() {
        attendance::Entity::insert_many(att_inserts)
            .exec(&txn)
            .await?;
    }
    Audit::write_all(audits, &txn).await?;
    // Attendance was taken for every lesson a cell was written for (the control report).
    let taken: Vec<Uuid> = out_att
        .iter()
        .map(|a| a.lesson_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    attendance_taken(&txn, taken, now).await?;

    // The students touched, and the period of their new averages: the one asked for or the one
    // of the first lesson written (a bad `period_id` fails the batch, before the commit).
    let touched: Vec<Uuid> = {
        let mut v: Vec<Uuid> = out_marks
            .iter()
            .map(|m| m.student_id)
            .chain(out_att.iter().map(|a| a.student_id))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let span = match lessons.values().map(|l| l.date).min() {
        Some(day) if !touched.is_empty() => {
            let period = pick_period(&snap.periods, period_id, settings.final_period_kind, day)?;
            Some((period.starts_on, period.ends_on))
        }
        _ => None,
    };
    txn.commit().await?;

    // The new averages are read after the commit, so the school's lock is not held for them,
    // by two statements at once on two pooled connections (the marks with their works'
    // weights, the absences counted): a day's attendance of 28 students on PostgreSQL spent
    // 1.1 + 0.6 ms in them one after the other (BENCHMARKS.md, fifth round). The batch is
    // written by then: if these reads fail, the answer has the cells and no averages.
    let averages = match span {
        Some((from, to)) => match futures_util::future::try_join(
            weighed_marks(db, school_id, &[course_id], &touched, from, to),
            absences_between(db, cfg, course_id, &touched, from, to),
        )
        .await
        {
            Ok((rows, absences)) => {
                let valued = rows
                    .iter()
                    .map(|r| (r.student_id, r.value.as_str(), r.work_weight));
                averages(&scale, touched, valued, &absences)
            }
            Err(e) => {
                tracing::error!(error = %e, %course_id, "averages after a written journal batch");
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    Ok(JournalBatchResult {
        marks: out_marks,
        attendance: out_att,
        works: created_works.iter().map(|w| work_dto(cfg, w)).collect(),
        averages,
    })
}

/// Turns a batch's 412 into a single cell's: `current` becomes the cell itself.
fn single_conflict(mut e: AppError, mark: bool) -> AppError {
    if e.code == ErrorCode::VersionMismatch
        && let Some(cur) = e.current.take()
        && let Ok(c) = serde_json::from_value::<JournalConflict>(cur)
    {
        e.current = if mark {
            c.marks.first().and_then(|m| serde_json::to_value(m).ok())
        } else {
            c.attendance
                .first()
                .and_then(|a| serde_json::to_value(a).ok())
        };
    }
    e
}

/// Writes one mark cell (`PUT …/works/{work_id}/marks/{student_id}`); the rules of
/// [`write_batch`]. A 412 carries the cell as it is now in `current`. Errors: 404 work.
pub async fn write_mark(
    db: &DatabaseConnection,
    actor: &Actor,
    school_id: Uuid,
    work_id: Uuid,
    student_id: Uuid,
    input: MarkCellInput,
    now: DateTime<Utc>,
) -> AppResult<MarkCell> {
    policy::authorize(actor, school_id, Action::WriteJournal)?;
    input.validate()?;
    let w = work_row(db, school_id, work_id).await?;
    let batch = JournalBatch {
        marks: vec![MarkWrite {
            lesson_id: w.lesson_id,
            work_id: Some(work_id),
            student_id,
            value: input.value,
            comment: input.comment,
            version: input.version,
        }],
        attendance: Vec::new(),
    };
    let out = write_batch(db, actor, school_id, w.course_id, None, batch, now)
        .await
        .map_err(|e| single_conflict(e, true))?;
    out.marks
        .into_iter()
        .next()
        .ok_or_else(|| AppError::internal("a one-cell batch wrote no cell"))
}

/// Writes one attendance cell (`PUT …/lessons/{lesson_id}/attendance/{student_id}`); the rules
/// of [`write_batch`]. Errors: 404 lesson.
pub async fn write_attendance(
    db: &DatabaseConnection,
    actor: &Actor,
    school_id: Uuid,
    lesson_id: Uuid,
    student_id: Uuid,
    input: AttendanceCellInput,
    now: DateTime<Utc>,
) -> AppResult<AttendanceCell> {
    policy::authorize(actor, school_id, Action::WriteJournal)?;
    input.validate()?;
    let l = crate::service::lessons::lesson_row(db, school_id, lesson_id).await?;
    let batch = JournalBatch {
        marks: Vec::new(),
        attendance: vec![AttendanceWrite {
            lesson_id,
            student_id,
            code: input.code,
            version: input.version,
        }],
    };
    let out = write_batch(db, actor, school_id, l.course_id, None, batch, now)
        .await
        .map_err(|e| single_conflict(e, false))?;
    out.attendance
        .into_iter()
        .next()
        .ok_or_else(|| AppError::internal("a one-cell batch wrote no cell"))
}

/// Records `now` as when attendance was taken for the lessons that had none yet (the first
/// instant stays).
async fn attendance_taken(
    db: &impl ConnectionTrait,
    lessons: Vec<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if !lessons.is_empty() {
        lesson::Entity::update_many()
            .col_expr(lesson::Column::AttendanceTakenAt, Expr::value(now))
            .filter(lesson::Column::Id.is_in(lessons))
            .filter(lesson::Column::AttendanceTakenAt.is_null())
            .exec(db)
            .await?;
    }
    Ok(())
}

/// «Все присутствуют»: records that attendance was taken for the lesson (the first time; a
/// later call keeps the first instant), so the journal-keeping control does not count it as a
/// lesson without attendance. Who may write the lesson's journal ([`Writer::check`]). Audited
/// `attendance_taken`. Returns the instant recorded. Errors: 403, 404, 409 `lesson_cancelled`,
/// 422 `lesson_id: future_lesson` (the lesson's day has not come).
pub async fn mark_attendance_taken(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    lesson_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<DateTime<Utc>> {
    policy::authorize(actor, school_id, Action::WriteJournal)?;
    let l = crate::service::lessons::lesson_row(db, school_id, lesson_id).await?;
    let cat = Catalog::load(db, school_id).await?;
    let course = cat.course(l.course_id)?;
    let settings = get_settings_row(db, school_id).await?;
    let today = school_today_at(&settings.time_zone, now);
    let writer = Writer::load(db, &cat, actor, school_id, &settings, today).await?;
    let behalf = writer.check(course, &l)?;
    if l.date > today {
        return Err(AppError::field(
            "lesson_id",
            "future_lesson",
            format!("the lesson of {} has not taken place yet", l.date),
        ));
    }
    if let Some(at) = l.attendance_taken_at {
        return Ok(at);
    }
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    attendance_taken(&txn, vec![lesson_id], now).await?;
    Audit::new("attendance_taken")
        .school(school_id)
        .by(actor)
        .on_behalf_of(behalf)
        .object("lesson", lesson_id)
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(now)
}

// ---------- works ----------

/// The work of the school, or 404.
pub async fn work_row(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<work::Model> {
    work::Entity::find_by_id(id)
        .filter(work::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("work"))
}

/// Loads what a work write needs and checks the actor may write the lesson.
async fn work_context(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    lesson_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(lesson::Model, MarkConfig, Option<Uuid>)> {
    policy::authorize(actor, school_id, Action::WriteJournal)?;
    let l = crate::service::lessons::lesson_row(db, school_id, lesson_id).await?;
    let cat = Catalog::load(db, school_id).await?;
    let course = cat.course(l.course_id)?;
    let settings = get_settings_row(db, school_id).await?;
    let today = school_today_at(&settings.time_zone, now);
    let writer = Writer::load(db, &cat, actor, school_id, &settings, today).await?;
    let behalf = writer.check(course, &l)?;
    Ok((l, MarkConfig::load(db, school_id).await?, behalf))
}

/// Adds a work (a graded sub-column) to a lesson. The writers of the lesson's journal. Errors:
/// 403, 404, 409 `lesson_cancelled`, 422 (unknown work type, weight 0.1–10).
pub async fn create_work(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    lesson_id: Uuid,
    input: WorkInput,
    now: DateTime<Utc>,
) -> AppResult<Work> {
    policy::authorize(actor, school_id, Action::WriteJournal)?;
    input.validate()?;
    let txn = begin_locked(db, school_id).await?;
    let (l, cfg, behalf) = work_context(&txn, actor, school_id, lesson_id, now).await?;
    let Some(t) = cfg.work_type(input.work_type_id) else {
        return Err(AppError::field(
            "work_type_id",
            "unknown",
            "no such work type",
        ));
    };
    let last = work::Entity::find()
        .filter(work::Column::LessonId.eq(lesson_id))
        .order_by_desc(work::Column::Position)
        .one(&txn)
        .await?;
    let row = work::ActiveModel {
        id: Set(Uuid::now_v7()),
        school_id: Set(school_id),
        course_id: Set(l.course_id),
        lesson_id: Set(lesson_id),
        work_type_id: Set(t.id),
        weight: Set(input.weight.unwrap_or(t.weight)),
        title: Set(clean_comment(&input.title)),
        position: Set(last.map(|w| w.position + 1).unwrap_or(0)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let out = work_dto(&cfg, &row);
    Audit::new("work_created")
        .school(school_id)
        .by(actor)
        .on_behalf_of(behalf)
        .object("work", row.id)
        .new_value(serde_json::to_value(&out).unwrap_or_default())
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(out)
}

/// Changes a work's type, weight or title (averages follow). Errors: 403, 404, 409
/// `lesson_cancelled`, 412 with the current work, 422.
pub async fn update_work(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
    input: WorkUpdate,
    now: DateTime<Utc>,
) -> AppResult<Work> {
    policy::authorize(actor, school_id, Action::WriteJournal)?;
    input.validate()?;
    let txn = begin_locked(db, school_id).await?;
    let cur = work_row(&txn, school_id, id).await?;
    let (_, cfg, behalf) = work_context(&txn, actor, school_id, cur.lesson_id, now).await?;
    if cfg.work_type(input.work_type_id).is_none() {
        return Err(AppError::field(
            "work_type_id",
            "unknown",
            "no such work type",
        ));
    }
    if cur.version != input.version {
        let mut e = AppError::new(ErrorCode::VersionMismatch)
            .detail("the work was changed meanwhile; see `current`");
        e.current = Some(serde_json::to_value(work_dto(&cfg, &cur)).unwrap_or_default());
        return Err(e);
    }
    let mut am: work::ActiveModel = cur.clone().into();
    am.work_type_id = Set(input.work_type_id);
    am.weight = Set(input.weight);
    am.title = Set(clean_comment(&input.title));
    am.version = Set(cur.version + 1);
    am.updated_at = Set(now);
    let row = am.update(&txn).await?;
    let out = work_dto(&cfg, &row);
    Audit::new("work_changed")
        .school(school_id)
        .by(actor)
        .on_behalf_of(behalf)
        .object("work", id)
        .old(serde_json::to_value(work_dto(&cfg, &cur)).unwrap_or_default())
        .new_value(serde_json::to_value(&out).unwrap_or_default())
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(out)
}

/// Removes a work that has no marks (a cleared cell does not count). Errors: 403, 404, 409
/// `in_use` (it has marks: clear them first), 409 `lesson_cancelled`.
pub async fn delete_work(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    policy::authorize(actor, school_id, Action::WriteJournal)?;
    let txn = begin_locked(db, school_id).await?;
    let old = work_row(&txn, school_id, id).await?;
    let (_, cfg, behalf) = work_context(&txn, actor, school_id, old.lesson_id, now).await?;
    let marks = mark::Entity::find()
        .filter(mark::Column::WorkId.eq(id))
        .filter(
            Condition::any()
                .add(mark::Column::Value.is_not_null())
                .add(mark::Column::Comment.is_not_null()),
        )
        .count(&txn)
        .await?;
    if marks > 0 {
        return Err(AppError::new(ErrorCode::InUse).detail(format!(
            "the work has {marks} mark(s) or comment(s); clear them first"
        )));
    }
    let res = work::Entity::delete_many()
        .filter(work::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(AppError::not_found("work"));
    }
    Audit::new("work_deleted")
        .school(school_id)
        .by(actor)
        .on_behalf_of(behalf)
        .object("work", id)
        .old(serde_json::to_value(work_dto(&cfg, &old)).unwrap_or_default())
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// The school's today in its time zone (one query).
pub async fn today_of(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<NaiveDate> {
    let s = school_row(db, school_id).await?;
    Ok(school_today_at(&s.time_zone, now))
}
