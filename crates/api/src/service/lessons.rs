//! Dated lessons: single changes (cancel, move, extra lesson), substitutes and teachers'
//! absences (regulation §7: the substitute fills the journal of the lessons they hold), a lesson's
//! topic and homework, and the schedule views (a teacher's, a class's, a student's, a room's day
//! or week, computed in the school's time zone).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use otmetka_domain::timetable::{
    CancelLessonInput, ExtraLessonInput, FreeTeacher, Lesson, LessonContentInput, LessonOrigin,
    LessonStatus, MoveLessonInput, Schedule, ScheduleDay, SubstituteInput, TeacherAbsence,
    TeacherAbsenceInput, TimetableConflict, iso_week_bounds, week_monday,
};
use otmetka_domain::{ErrorCode, Role};
use sea_orm::DatabaseConnection;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;
use validator::Validate;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::entity::{
    attendance, enrollment, guardian_link, lesson, person, role_assignment, teacher_absence,
};
use crate::error::{AppError, AppResult};
use crate::service::audit::Audit;
use crate::service::structure::{begin_locked, school_row, school_today_at};
use crate::service::timetable::{
    Calendar, Catalog, Occupant, REVIEW_RESOLVED, collisions, has_work_or_attendance,
    lesson_has_content, lessons_with_data, refuse_conflicts,
};

/// The lesson row of the school, or 404.
pub async fn lesson_row(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<lesson::Model> {
    lesson::Entity::find_by_id(id)
        .filter(lesson::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("lesson"))
}

async fn dto(db: &impl ConnectionTrait, cat: &Catalog, l: &lesson::Model) -> AppResult<Lesson> {
    let data = lessons_with_data(db, std::slice::from_ref(l)).await?;
    Ok(cat.lesson_dto(l, data.contains(&l.id)))
}

async fn dtos(
    db: &impl ConnectionTrait,
    cat: &Catalog,
    rows: &[lesson::Model],
) -> AppResult<Vec<Lesson>> {
    let data = lessons_with_data(db, rows).await?;
    Ok(rows
        .iter()
        .map(|l| cat.lesson_dto(l, data.contains(&l.id)))
        .collect())
}

/// Collisions of `new` with the other scheduled lessons of its day.
async fn lesson_conflicts(
    db: &impl ConnectionTrait,
    cat: &Catalog,
    school_id: Uuid,
    new: &Occupant<'_>,
) -> AppResult<Vec<TimetableConflict>> {
    let others = lesson::Entity::find()
        .filter(lesson::Column::SchoolId.eq(school_id))
        .filter(lesson::Column::Date.eq(new.from))
        .filter(lesson::Column::Status.eq(LessonStatus::Scheduled.as_str()))
        .all(db)
        .await?;
    Ok(others
        .iter()
        .filter(|o| Some(o.id) != new.lesson_id)
        .filter_map(|o| Occupant::lesson(cat, o))
        .flat_map(|o| collisions(cat, new, &o))
        .collect())
}

fn clean_room(r: &Option<String>) -> Option<String> {
    r.as_deref()
        .map(crate::service::structure::clean)
        .filter(|s| !s.is_empty())
}

/// One lesson. Staff of the school (admin, principal, teacher).
pub async fn get_lesson(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<Lesson> {
    policy::authorize(actor, school_id, Action::ReadStaffSchedules)?;
    let l = lesson_row(db, school_id, id).await?;
    let cat = Catalog::load(db, school_id).await?;
    dto(db, &cat, &l).await
}

/// Filters for listing lessons.
#[derive(Debug, Default, Clone, Copy)]
pub struct LessonFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub course_id: Option<Uuid>,
    pub teacher_id: Option<Uuid>,
    pub needs_review: Option<bool>,
}

/// Lessons by date and number, a page at a time, with the total. Admin, principal.
pub async fn list_lessons(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    filter: LessonFilter,
    limit: u64,
    offset: u64,
) -> AppResult<(Vec<Lesson>, u64)> {
    policy::authorize(actor, school_id, Action::ReadLessons)?;
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let cat = &snap.catalog;
    let mut q = lesson::Entity::find().filter(lesson::Column::SchoolId.eq(school_id));
    if let Some(f) = filter.from {
        q = q.filter(lesson::Column::Date.gte(f));
    }
    if let Some(t) = filter.to {
        q = q.filter(lesson::Column::Date.lte(t));
    }
    if let Some(c) = filter.course_id {
        q = q.filter(lesson::Column::CourseId.eq(c));
    }
    if let Some(t) = filter.teacher_id {
        let courses: Vec<Uuid> = cat
            .courses
            .values()
            .filter(|c| c.teacher_ids.contains(&t))
            .map(|c| c.id)
            .collect();
        q = q.filter(
            Condition::any()
                .add(lesson::Column::CourseId.is_in(courses))
                .add(lesson::Column::SubstituteId.eq(t)),
        );
    }
    if let Some(r) = filter.needs_review {
        q = q.filter(lesson::Column::NeedsReview.eq(r));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(lesson::Column::Date)
        .order_by_asc(lesson::Column::LessonNumber)
        .order_by_asc(lesson::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    Ok((dtos(db, cat, &rows).await?, total))
}

async fn audit_lesson(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    action: &str,
    old: Option<&Lesson>,
    new: &Lesson,
) -> AppResult<()> {
    let mut a = Audit::new(action)
        .school(school_id)
        .by(actor)
        .object("lesson", new.id)
        .new_value(serde_json::to_value(new).unwrap_or_default());
    if let Some(o) = old {
        a = a.old(serde_json::to_value(o).unwrap_or_default());
    }
    a.write(db).await
}

/// Adds an extra lesson outside the timetable. Admin. Audited. Errors: 422 (course, not a school
/// day), 409 `timetable_conflict`.
pub async fn create_extra(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    input: ExtraLessonInput,
) -> AppResult<Lesson> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    input.validate()?;
    let outer = begin_locked(db, school_id).await?;
    let db = &outer;
    school_row(db, school_id).await?;
    let cat = Catalog::load(db, school_id).await?;
    let course = cat.courses.get(&input.course_id).ok_or_else(|| {
        AppError::field(
            "course_id",
            "unknown",
            "no course of this school has this id",
        )
    })?;
    cat.require_slot(course.class_id, input.lesson_number)?;
    Calendar::load(db, school_id)
        .await?
        .require_school_day(input.date)?;
    let now = Utc::now();
    let row = lesson::Model {
        id: Uuid::now_v7(),
        school_id,
        course_id: course.id,
        date: input.date,
        lesson_number: input.lesson_number,
        room: clean_room(&input.room),
        status: LessonStatus::Scheduled.as_str().into(),
        cancel_reason: None,
        origin: LessonOrigin::Extra.as_str().into(),
        timetable_entry_id: None,
        slot_date: None,
        slot_number: None,
        substitute_id: None,
        needs_review: false,
        review_reason: None,
        topic: None,
        homework: None,
        homework_due_on: None,
        version: 1,
        created_at: now,
        updated_at: now,
        attendance_taken_at: None,
    };
    let occ = Occupant::lesson(&cat, &row).ok_or_else(|| AppError::not_found("course"))?;
    refuse_conflicts(lesson_conflicts(db, &cat, school_id, &occ).await?)?;
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let am: lesson::ActiveModel = row.into();
    let row = am.insert(&txn).await?;
    let new = cat.lesson_dto(&row, false);
    audit_lesson(&txn, actor, school_id, "lesson_added", None, &new).await?;
    txn.commit().await?;
    outer.commit().await?;
    Ok(new)
}

/// Applies `change` to a lesson inside `txn` (the caller's locked transaction, which this
/// commits) with an audit record of old and new value.
async fn change_lesson<T: ConnectionTrait + TransactionSession>(
    txn: T,
    actor: &Actor,
    school_id: Uuid,
    cat: &Catalog,
    old: lesson::Model,
    action: &str,
    change: impl FnOnce(&mut lesson::ActiveModel),
) -> AppResult<Lesson> {
    let before = dto(&txn, cat, &old).await?;
    let mut am: lesson::ActiveModel = old.into();
    change(&mut am);
    am.updated_at = Set(Utc::now());
    let row = am.update(&txn).await?;
    let after = cat.lesson_dto(&row, before.has_data);
    audit_lesson(&txn, actor, school_id, action, Some(&before), &after).await?;
    txn.commit().await?;
    Ok(after)
}

/// Cancels a lesson with a reason; it stays in the journal, marked cancelled, and no marks or
/// attendance can be written for it. Admin. Audited. Errors: 404, 422, 409 `lesson_has_data`
/// (it has marks or attendance: it was held; clear them first).
pub async fn cancel(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
    input: CancelLessonInput,
) -> AppResult<Lesson> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    let outer = begin_locked(db, school_id).await?;
    let db = &outer;
    input.validate()?;
    let reason = crate::service::structure::clean(&input.reason);
    if reason.is_empty() {
        return Err(AppError::field("reason", "length", "give a reason"));
    }
    let old = lesson_row(db, school_id, id).await?;
    // A lesson with marks or attendance was held: cancelling it would freeze marks that still
    // count. Clear them first (the journal's writers or the admin).
    let marked = crate::entity::mark::Entity::find()
        .filter(crate::entity::mark::Column::LessonId.eq(id))
        .filter(crate::entity::mark::Column::Value.is_not_null())
        .count(db)
        .await?
        + crate::entity::attendance::Entity::find()
            .filter(crate::entity::attendance::Column::LessonId.eq(id))
            .filter(crate::entity::attendance::Column::Code.is_not_null())
            .count(db)
            .await?;
    if marked > 0 {
        return Err(AppError::new(ErrorCode::LessonHasData).detail(format!(
            "the lesson has {marked} mark(s) or attendance mark(s); clear them before cancelling"
        )));
    }
    let cat = Catalog::load(db, school_id).await?;
    change_lesson(
        outer,
        actor,
        school_id,
        &cat,
        old,
        "lesson_cancelled",
        |am| {
            am.status = Set(LessonStatus::Cancelled.as_str().into());
            am.cancel_reason = Set(Some(reason));
            resolve_review(am);
        },
    )
    .await
}

/// Undoes a cancellation. Admin. Audited. Errors: 404, 409 `timetable_conflict` (the slot was
/// taken meanwhile).
pub async fn restore(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<Lesson> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    let outer = begin_locked(db, school_id).await?;
    let db = &outer;
    let old = lesson_row(db, school_id, id).await?;
    let cat = Catalog::load(db, school_id).await?;
    let occ = Occupant::lesson(&cat, &old).ok_or_else(|| AppError::not_found("course"))?;
    refuse_conflicts(lesson_conflicts(db, &cat, school_id, &occ).await?)?;
    change_lesson(
        outer,
        actor,
        school_id,
        &cat,
        old,
        "lesson_restored",
        |am| {
            am.status = Set(LessonStatus::Scheduled.as_str().into());
            am.cancel_reason = Set(None);
        },
    )
    .await
}

/// Moves a lesson to another school day and slot, with its journal data; a timetable lesson
/// keeps its original slot, so regeneration does not create it again. Admin. Audited. Errors:
/// 404, 422 `not_a_school_day`, 409 `timetable_conflict`.
pub async fn move_lesson(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
    input: MoveLessonInput,
) -> AppResult<Lesson> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    input.validate()?;
    let outer = begin_locked(db, school_id).await?;
    let db = &outer;
    let old = lesson_row(db, school_id, id).await?;
    Calendar::load(db, school_id)
        .await?
        .require_school_day(input.date)?;
    let cat = Catalog::load(db, school_id).await?;
    cat.require_slot(cat.course(old.course_id)?.class_id, input.lesson_number)?;
    let mut moved = old.clone();
    moved.date = input.date;
    moved.lesson_number = input.lesson_number;
    if input.room.is_some() {
        moved.room = clean_room(&input.room);
    }
    let occ = Occupant::lesson(&cat, &moved).ok_or_else(|| AppError::not_found("course"))?;
    if moved.status == LessonStatus::Scheduled.as_str() {
        refuse_conflicts(lesson_conflicts(db, &cat, school_id, &occ).await?)?;
    }
    change_lesson(outer, actor, school_id, &cat, old, "lesson_moved", |am| {
        am.date = Set(moved.date);
        am.lesson_number = Set(moved.lesson_number);
        am.room = Set(moved.room.clone());
        resolve_review(am);
    })
    .await
}

/// Clears a lesson's review flag: the admin keeps it as it is. Admin. Audited. Errors: 404.
pub async fn acknowledge(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<Lesson> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    let outer = begin_locked(db, school_id).await?;
    let db = &outer;
    let old = lesson_row(db, school_id, id).await?;
    let cat = Catalog::load(db, school_id).await?;
    change_lesson(
        outer,
        actor,
        school_id,
        &cat,
        old,
        "lesson_acknowledged",
        resolve_review,
    )
    .await
}

/// Clears a review flag for good: the admin decided, so regeneration does not flag it again.
fn resolve_review(am: &mut lesson::ActiveModel) {
    if am.needs_review.as_ref() == &true {
        am.needs_review = Set(false);
        am.review_reason = Set(Some(REVIEW_RESOLVED.into()));
    }
}

/// Deletes an extra lesson without journal data. Admin. Audited. Errors: 404; 409
/// `lesson_has_data`; 409 `conflict` for a timetable lesson (cancel it or change the timetable).
pub async fn delete_lesson(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<()> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    let outer = begin_locked(db, school_id).await?;
    let db = &outer;
    let old = lesson_row(db, school_id, id).await?;
    if lessons_with_data(db, std::slice::from_ref(&old))
        .await?
        .contains(&id)
    {
        return Err(AppError::new(ErrorCode::LessonHasData)
            .detail("the lesson has journal data; cancel or move it instead"));
    }
    if old.origin != LessonOrigin::Extra.as_str() {
        return Err(AppError::new(ErrorCode::Conflict)
            .detail("a timetable lesson cannot be deleted: cancel it, or change the timetable"));
    }
    let cat = Catalog::load(db, school_id).await?;
    let before = cat.lesson_dto(&old, false);
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    lesson::Entity::delete_by_id(id).exec(&txn).await?;
    Audit::new("lesson_deleted")
        .school(school_id)
        .by(actor)
        .object("lesson", id)
        .old(serde_json::to_value(before).unwrap_or_default())
        .write(&txn)
        .await?;
    txn.commit().await?;
    outer.commit().await?;
    Ok(())
}

/// Whether the staff person holds the teacher role in the school (through their account).
async fn is_teacher(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    p: &person::Model,
) -> AppResult<bool> {
    let Some(acc) = p.account_id else {
        // No account yet: a teacher-to-be still counts (the role comes with the invite).
        return Ok(p.position.as_deref().is_none_or(|x| x == "teacher"));
    };
    Ok(role_assignment::Entity::find()
        .filter(role_assignment::Column::SchoolId.eq(school_id))
        .filter(role_assignment::Column::AccountId.eq(acc))
        .filter(role_assignment::Column::Role.eq(Role::Teacher.as_str()))
        .count(db)
        .await?
        > 0)
}

/// Assigns a substitute teacher to a lesson (замена): they see it on their "Today" and may write
/// its journal. Admin. Audited. Errors: 404; 422 (not a teacher of the school, one of the
/// course's own teachers, cancelled lesson); 409 `timetable_conflict` (busy at that time).
pub async fn set_substitute(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
    input: SubstituteInput,
) -> AppResult<Lesson> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    let outer = begin_locked(db, school_id).await?;
    let db = &outer;
    let old = lesson_row(db, school_id, id).await?;
    let teacher =
        crate::service::structure::staff_person(db, school_id, input.teacher_id, "teacher_id")
            .await?;
    if !is_teacher(db, school_id, &teacher).await? {
        return Err(AppError::field(
            "teacher_id",
            "role",
            "the substitute must be a teacher of the school",
        ));
    }
    if old.status == LessonStatus::Cancelled.as_str() {
        return Err(AppError::new(ErrorCode::LessonCancelled)
            .detail("the lesson is cancelled; restore it first"));
    }
    let absent = teacher_absence::Entity::find()
        .filter(teacher_absence::Column::SchoolId.eq(school_id))
        .filter(teacher_absence::Column::TeacherId.eq(teacher.id))
        .filter(teacher_absence::Column::StartsOn.lte(old.date))
        .filter(teacher_absence::Column::EndsOn.gte(old.date))
        .one(db)
        .await?;
    if let Some(a) = absent {
        return Err(AppError::new(ErrorCode::Conflict).detail(format!(
            "the teacher is recorded absent from {} to {}",
            a.starts_on, a.ends_on
        )));
    }
    let cat = Catalog::load(db, school_id).await?;
    let course = cat.course(old.course_id)?;
    if course.teacher_ids.contains(&teacher.id) {
        return Err(AppError::field(
            "teacher_id",
            "own_course",
            "this teacher already teaches the course",
        ));
    }
    let mut with = old.clone();
    with.substitute_id = Some(teacher.id);
    let occ = Occupant::lesson(&cat, &with).ok_or_else(|| AppError::not_found("course"))?;
    // Only the substitute's own clashes matter here (the class and room are unchanged).
    let clashes: Vec<TimetableConflict> = lesson_conflicts(db, &cat, school_id, &occ)
        .await?
        .into_iter()
        .filter(|c| c.kind == otmetka_domain::timetable::ConflictKind::Teacher)
        .collect();
    refuse_conflicts(clashes)?;
    change_lesson(
        outer,
        actor,
        school_id,
        &cat,
        old,
        "substitute_assigned",
        |am| {
            am.substitute_id = Set(Some(teacher.id));
        },
    )
    .await
}

/// The teachers who could substitute a lesson, by name: staff with the teacher role (or a
/// teacher's position, before they register), not teaching the course, not recorded absent that
/// day, and not holding another lesson at that time. Admin, principal. Errors: 404.
pub async fn free_teachers(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<Vec<FreeTeacher>> {
    policy::authorize(actor, school_id, Action::ReadLessons)?;
    let l = lesson_row(db, school_id, id).await?;
    let cat = Catalog::load(db, school_id).await?;
    let course = cat.course(l.course_id)?;
    let busy: HashSet<Uuid> = lesson::Entity::find()
        .filter(lesson::Column::SchoolId.eq(school_id))
        .filter(lesson::Column::Date.eq(l.date))
        .filter(lesson::Column::Status.eq(LessonStatus::Scheduled.as_str()))
        .all(db)
        .await?
        .iter()
        .filter(|o| o.id != l.id)
        .filter_map(|o| Occupant::lesson(&cat, o))
        .filter(|o| {
            cat.same_time(
                (course.class_id, l.lesson_number),
                (o.course.class_id, o.lesson_number),
            )
        })
        .flat_map(|o| o.teachers)
        .collect();
    let absent: HashSet<Uuid> = teacher_absence::Entity::find()
        .filter(teacher_absence::Column::SchoolId.eq(school_id))
        .filter(teacher_absence::Column::StartsOn.lte(l.date))
        .filter(teacher_absence::Column::EndsOn.gte(l.date))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.teacher_id)
        .collect();
    let teacher_accounts: HashSet<Uuid> = role_assignment::Entity::find()
        .filter(role_assignment::Column::SchoolId.eq(school_id))
        .filter(role_assignment::Column::Role.eq(Role::Teacher.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.account_id)
        .collect();
    let mut out: Vec<FreeTeacher> = person::Entity::find()
        .filter(person::Column::SchoolId.eq(school_id))
        .filter(person::Column::Kind.eq("staff"))
        .all(db)
        .await?
        .into_iter()
        .filter(|p| match p.account_id {
            Some(a) => teacher_accounts.contains(&a),
            None => p.position.as_deref().is_none_or(|x| x == "teacher"),
        })
        .filter(|p| !course.teacher_ids.contains(&p.id))
        .filter(|p| !busy.contains(&p.id) && !absent.contains(&p.id))
        .map(|p| FreeTeacher {
            id: p.id,
            name: otmetka_domain::person::full_name(
                &p.last_name,
                &p.first_name,
                p.middle_name.as_deref(),
            ),
        })
        .collect();
    // Russian alphabetical order: «ё» sorts with «е».
    out.sort_by_cached_key(|t| t.name.to_lowercase().replace('ё', "е"));
    Ok(out)
}

/// Removes the substitute of a lesson. Admin. Audited. Errors: 404.
pub async fn clear_substitute(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<Lesson> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    let outer = begin_locked(db, school_id).await?;
    let db = &outer;
    let old = lesson_row(db, school_id, id).await?;
    let cat = Catalog::load(db, school_id).await?;
    change_lesson(
        outer,
        actor,
        school_id,
        &cat,
        old,
        "substitute_removed",
        |am| {
            am.substitute_id = Set(None);
        },
    )
    .await
}

/// The actor's staff person in the school.
pub async fn actor_staff_person(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
) -> AppResult<Option<person::Model>> {
    Ok(person::Entity::find()
        .filter(person::Column::SchoolId.eq(school_id))
        .filter(person::Column::AccountId.eq(actor.account_id))
        .filter(person::Column::Kind.eq("staff"))
        .one(db)
        .await?)
}

/// Who writes a lesson's journal (DESIGN §3): the course's teachers, the lesson's substitute, or
/// the school's admin.
/// Returns the teacher on whose behalf the actor writes (`Some` for a substitute). Errors: 403
/// for anyone else; 404 for strangers; 409 `lesson_cancelled`.
pub async fn authorize_journal_write(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    cat: &Catalog,
    l: &lesson::Model,
) -> AppResult<Option<Uuid>> {
    policy::authorize(actor, school_id, Action::WriteJournal)?;
    let course = cat.course(l.course_id)?;
    if actor.is_superadmin || actor.roles_in(school_id).any(|r| r == Role::Admin) {
        if l.status == LessonStatus::Cancelled.as_str() {
            return Err(AppError::new(ErrorCode::LessonCancelled).detail("the lesson is cancelled"));
        }
        return Ok(None);
    }
    let me = actor_staff_person(db, actor, school_id).await?;
    let Some(me) = me else {
        return Err(AppError::forbidden());
    };
    let on_behalf = if course.teacher_ids.contains(&me.id) {
        None
    } else if l.substitute_id == Some(me.id) {
        course.teacher_ids.first().copied()
    } else {
        tracing::warn!(actor = %actor.account_id, lesson = %l.id, "journal write denied: not the course's teacher or the lesson's substitute");
        return Err(AppError::forbidden()
            .detail("only the course's teachers and the lesson's substitute write its journal"));
    };
    if l.status == LessonStatus::Cancelled.as_str() {
        return Err(AppError::new(ErrorCode::LessonCancelled).detail("the lesson is cancelled"));
    }
    Ok(on_behalf)
}

fn clean_text(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Sets a lesson's topic and homework. The course's teachers or the lesson's substitute (audited
/// "on behalf of" the course's teacher), the admin. Errors: 403, 403 `period_closed` (a teacher,
/// for a lesson of a period whose final marks are closed), 404, 409 `lesson_cancelled`, 412
/// `version_mismatch` with the current lesson in `current`, 422.
pub async fn set_content(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
    input: LessonContentInput,
    now: DateTime<Utc>,
) -> AppResult<Lesson> {
    policy::authorize(actor, school_id, Action::WriteJournal)?;
    input.validate()?;
    let old = lesson_row(db, school_id, id).await?;
    let cat = Catalog::load(db, school_id).await?;
    let on_behalf = authorize_journal_write(db, actor, school_id, &cat, &old).await?;
    // A closed period's journal is read-only for teachers, its topics and homework too.
    if !(actor.is_superadmin || actor.roles_in(school_id).any(|r| r == Role::Admin)) {
        let settings = crate::service::structure::get_settings_row(db, school_id).await?;
        let today = school_today_at(&settings.time_zone, now);
        let closed =
            crate::service::finals::ClosedPeriods::load(db, school_id, &settings, today).await?;
        if let Some((term, closes)) = closed.closes(old.course_id, old.date) {
            return Err(AppError::new(ErrorCode::PeriodClosed).detail(format!(
                "{term} was closed after {closes}; its journal is read-only for teachers until \
                 the admin reopens it for the course"
            )));
        }
    }
    let homework = clean_text(&input.homework);
    if input.homework_due_on.is_some_and(|d| d < old.date) {
        return Err(AppError::field(
            "homework_due_on",
            "range",
            "homework cannot be due before the lesson",
        ));
    }
    let before = dto(db, &cat, &old).await?;
    if input.version != old.version {
        let mut e = AppError::new(ErrorCode::VersionMismatch)
            .detail("the lesson was changed meanwhile; see `current`");
        e.current = Some(serde_json::to_value(&before).unwrap_or_default());
        return Err(e);
    }
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let res = lesson::Entity::update_many()
        .col_expr(lesson::Column::Topic, Expr::value(clean_text(&input.topic)))
        .col_expr(lesson::Column::Homework, Expr::value(homework.clone()))
        .col_expr(
            lesson::Column::HomeworkDueOn,
            Expr::value(if homework.is_some() {
                input.homework_due_on
            } else {
                None
            }),
        )
        .col_expr(lesson::Column::Version, Expr::value(old.version + 1))
        .col_expr(lesson::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(lesson::Column::Id.eq(id))
        .filter(lesson::Column::Version.eq(old.version))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        txn.rollback().await?;
        let now = lesson_row(db, school_id, id).await?;
        let mut e = AppError::new(ErrorCode::VersionMismatch)
            .detail("the lesson was changed meanwhile; see `current`");
        e.current = Some(serde_json::to_value(dto(db, &cat, &now).await?).unwrap_or_default());
        return Err(e);
    }
    let row = lesson_row(&txn, school_id, id).await?;
    let after = cat.lesson_dto(&row, lesson_has_content(&row) || before.has_data);
    Audit::new("lesson_content_changed")
        .school(school_id)
        .by(actor)
        .on_behalf_of(on_behalf)
        .object("lesson", id)
        .old(serde_json::json!({"topic": before.topic, "homework": before.homework, "homework_due_on": before.homework_due_on}))
        .new_value(serde_json::json!({"topic": after.topic, "homework": after.homework, "homework_due_on": after.homework_due_on}))
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(after)
}

// ---------- teachers' absences ----------

async fn absence_dtos(
    db: &impl ConnectionTrait,
    cat: &Catalog,
    school_id: Uuid,
    rows: Vec<teacher_absence::Model>,
) -> AppResult<Vec<TeacherAbsence>> {
    let Some(from) = rows.iter().map(|a| a.starts_on).min() else {
        return Ok(Vec::new());
    };
    let to = rows.iter().map(|a| a.ends_on).max().unwrap_or(from);
    let lessons = lesson::Entity::find()
        .filter(lesson::Column::SchoolId.eq(school_id))
        .filter(lesson::Column::Date.gte(from))
        .filter(lesson::Column::Date.lte(to))
        .filter(lesson::Column::Status.eq(LessonStatus::Scheduled.as_str()))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|a| {
            let mine: Vec<&lesson::Model> = lessons
                .iter()
                .filter(|l| l.date >= a.starts_on && l.date <= a.ends_on)
                .filter(|l| {
                    l.substitute_id == Some(a.teacher_id)
                        || cat
                            .courses
                            .get(&l.course_id)
                            .is_some_and(|c| c.teacher_ids.contains(&a.teacher_id))
                })
                .collect();
            TeacherAbsence {
                id: a.id,
                teacher_id: a.teacher_id,
                teacher_name: cat
                    .staff_names
                    .get(&a.teacher_id)
                    .cloned()
                    .unwrap_or_default(),
                starts_on: a.starts_on,
                ends_on: a.ends_on,
                reason: a.reason,
                lessons_total: mine.len() as u32,
                lessons_covered: mine
                    .iter()
                    .filter(|l| l.substitute_id.is_some_and(|s| s != a.teacher_id))
                    .count() as u32,
            }
        })
        .collect())
}

/// Absences overlapping `from..=to` (both optional), by first day. Admin, principal.
pub async fn list_absences(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AppResult<Vec<TeacherAbsence>> {
    policy::authorize(actor, school_id, Action::ReadLessons)?;
    school_row(db, school_id).await?;
    let mut q =
        teacher_absence::Entity::find().filter(teacher_absence::Column::SchoolId.eq(school_id));
    if let Some(f) = from {
        q = q.filter(teacher_absence::Column::EndsOn.gte(f));
    }
    if let Some(t) = to {
        q = q.filter(teacher_absence::Column::StartsOn.lte(t));
    }
    let rows = q
        .order_by_asc(teacher_absence::Column::StartsOn)
        .all(db)
        .await?;
    let cat = Catalog::load(db, school_id).await?;
    absence_dtos(db, &cat, school_id, rows).await
}

/// Records a teacher's absence; its lessons are then listed to cover. Admin. Audited. Errors:
/// 422 (not a staff person, range); 409 `conflict` when it overlaps an absence of the same teacher.
pub async fn create_absence(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    input: TeacherAbsenceInput,
) -> AppResult<TeacherAbsence> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    input.validate()?;
    let outer = begin_locked(db, school_id).await?;
    let db = &outer;
    crate::service::structure::staff_person(db, school_id, input.teacher_id, "teacher_id").await?;
    let ends_on = input.ends_on.unwrap_or(input.starts_on);
    if ends_on < input.starts_on || ends_on - input.starts_on > Duration::days(366) {
        return Err(AppError::field(
            "ends_on",
            "range",
            "the absence must end on or after its first day, within 366 days",
        ));
    }
    let overlapping = teacher_absence::Entity::find()
        .filter(teacher_absence::Column::SchoolId.eq(school_id))
        .filter(teacher_absence::Column::TeacherId.eq(input.teacher_id))
        .filter(teacher_absence::Column::StartsOn.lte(ends_on))
        .filter(teacher_absence::Column::EndsOn.gte(input.starts_on))
        .one(db)
        .await?;
    if let Some(o) = overlapping {
        return Err(AppError::new(ErrorCode::Conflict).detail(format!(
            "the teacher is already recorded absent from {} to {}",
            o.starts_on, o.ends_on
        )));
    }
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let row = teacher_absence::ActiveModel {
        id: Set(Uuid::now_v7()),
        school_id: Set(school_id),
        teacher_id: Set(input.teacher_id),
        starts_on: Set(input.starts_on),
        ends_on: Set(ends_on),
        reason: Set(clean_text(&input.reason)),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    Audit::new("teacher_absence_created")
        .school(school_id)
        .by(actor)
        .object("teacher_absence", row.id)
        .new_value(serde_json::to_value(&input).unwrap_or_default())
        .write(&txn)
        .await?;
    txn.commit().await?;
    let cat = Catalog::load(db, school_id).await?;
    let out = absence_dtos(db, &cat, school_id, vec![row])
        .await?
        .remove(0);
    outer.commit().await?;
    Ok(out)
}

async fn absence_row(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<teacher_absence::Model> {
    teacher_absence::Entity::find_by_id(id)
        .filter(teacher_absence::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("teacher absence"))
}

/// Deletes an absence record (substitutes already assigned stay). Admin. Audited. Errors: 404.
pub async fn delete_absence(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<()> {
    policy::authorize(actor, school_id, Action::ManageTimetable)?;
    absence_row(db, school_id, id).await?;
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    teacher_absence::Entity::delete_by_id(id).exec(&txn).await?;
    Audit::new("teacher_absence_deleted")
        .school(school_id)
        .by(actor)
        .object("teacher_absence", id)
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// The absent teacher's scheduled lessons in the absence's range, by date and number, with
/// their substitutes: the list to cover. Admin, principal. Errors: 404.
pub async fn absence_lessons(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<Vec<Lesson>> {
    policy::authorize(actor, school_id, Action::ReadLessons)?;
    let a = absence_row(db, school_id, id).await?;
    let cat = Catalog::load(db, school_id).await?;
    let courses: Vec<Uuid> = cat
        .courses
        .values()
        .filter(|c| c.teacher_ids.contains(&a.teacher_id))
        .map(|c| c.id)
        .collect();
    let rows = lesson::Entity::find()
        .filter(lesson::Column::SchoolId.eq(school_id))
        .filter(
            Condition::any()
                .add(lesson::Column::CourseId.is_in(courses))
                .add(lesson::Column::SubstituteId.eq(a.teacher_id)),
        )
        .filter(lesson::Column::Date.gte(a.starts_on))
        .filter(lesson::Column::Date.lte(a.ends_on))
        .filter(lesson::Column::Status.eq(LessonStatus::Scheduled.as_str()))
        .order_by_asc(lesson::Column::Date)
        .order_by_asc(lesson::Column::LessonNumber)
        .all(db)
        .await?;
    dtos(db, &cat, &rows).await
}

// ---------- schedule views ----------

/// A student's schedule (it tells their subgroups): admin and principal, the student, their
/// linked parents, and the class teacher of a class the student is in today. Returns the
/// student's full name. With the school's snapshot `snap`, readers of the roster, the class
/// teacher, the student and a linked parent take no statement (the snapshot is as current as
/// the caller's session read, `schools.generation`); without it one; only the others (a class
/// teacher of a class the student joined since, a refusal) take the longer way. Errors: 403;
/// 404 for strangers and for ids that are not students of the school.
pub async fn authorize_student_schedule(
    db: &impl ConnectionTrait,
    snap: Option<&crate::service::snapshot::Snapshot>,
    actor: &Actor,
    school_id: Uuid,
    student_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let name_of = |p: person::Model| {
        otmetka_domain::person::full_name(&p.last_name, &p.first_name, p.middle_name.as_deref())
    };
    let student = || {
        person::Entity::find_by_id(student_id)
            .filter(person::Column::SchoolId.eq(school_id))
            .filter(person::Column::Kind.eq("student"))
    };
    // The class teacher of the student's class today, told by the snapshot (the catalog's
    // courses name their class's teacher); anyone else it does not vouch for takes the ways
    // below.
    let class_teacher = snap.is_some_and(|snap| {
        let Some(me) = snap.catalog.teacher_person_of(actor, school_id) else {
            return false;
        };
        let today = school_today_at(&snap.school.time_zone, now);
        let classes: HashSet<Uuid> = snap
            .roster
            .enrollments_between(student_id, today, today)
            .into_iter()
            .map(|e| e.class_id)
            .collect();
        snap.catalog
            .courses
            .values()
            .any(|c| classes.contains(&c.class_id) && c.class_teacher_id == Some(me))
    });
    let reads_roster = class_teacher || policy::allows(actor, school_id, Action::ReadRoster)?;
    if let Some(snap) = snap {
        let name = snap.roster.names.get(&student_id);
        if reads_roster {
            return name
                .map(|(l, f, m)| otmetka_domain::person::full_name(l, f, m.as_deref()))
                .ok_or_else(|| AppError::not_found("student"));
        }
        if let Some((l, f, m)) = name
            && snap.roster.is_self_or_child(actor.account_id, student_id)
        {
            return Ok(otmetka_domain::person::full_name(l, f, m.as_deref()));
        }
    } else if reads_roster {
        return student()
            .one(db)
            .await?
            .map(name_of)
            .ok_or_else(|| AppError::not_found("student"));
    }
    // The student themself, or a parent linked to them through a person of this account.
    let own_persons = Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(person::Column::SchoolId.eq(school_id))
        .and_where(person::Column::AccountId.eq(actor.account_id))
        .to_owned();
    let children = Query::select()
        .column(guardian_link::Column::StudentId)
        .from(guardian_link::Entity)
        .and_where(guardian_link::Column::ParentId.in_subquery(own_persons))
        .to_owned();
    if snap.is_none()
        && let Some(s) = student()
            .filter(
                Condition::any()
                    .add(person::Column::AccountId.eq(actor.account_id))
                    .add(person::Column::Id.in_subquery(children)),
            )
            .one(db)
            .await?
    {
        return Ok(name_of(s));
    }
    let roster =
        crate::service::roster::authorize_person_read(db, actor, school_id, student_id).await;
    let student = student().one(db).await?;
    match roster {
        Ok(()) => student
            .map(name_of)
            .ok_or_else(|| AppError::not_found("student")),
        Err(e) if e.code != ErrorCode::Forbidden => Err(e),
        Err(e) => {
            let Some(student) = student else {
                return Err(e);
            };
            let school = school_row(db, school_id).await?;
            let today = school_today_at(&school.time_zone, now);
            let current = enrollment::Entity::find()
                .filter(enrollment::Column::StudentId.eq(student.id))
                .filter(crate::service::structure::on_date(today))
                .all(db)
                .await?;
            for en in current {
                let c = crate::service::structure::class_row(db, school_id, en.class_id).await?;
                if crate::service::roster::is_class_teacher(db, actor, &c).await? {
                    return Ok(name_of(student));
                }
            }
            Err(e)
        }
    }
}

/// Whose schedule: exactly one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Teacher(Uuid),
    Class(Uuid),
    Student(Uuid),
    Room(String),
}

/// Which days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// `YYYY-Www`.
    Week(String),
    Day(NaiveDate),
    Today,
    /// The week of today.
    CurrentWeek,
}

/// A day or week of lessons for a teacher (own courses and substitutions), a class, a student
/// (their class, and of its subgroups only theirs, following enrollments day by day) or a room.
/// "Today" and the current week are taken in the school's time zone at `now`.
///
/// Access: teacher, class and room views for admin, principal and teachers; a student's view for
/// admin, principal, the student, their linked parents and their class teacher. Errors: 400 `invalid_query_parameter` (week), 403,
/// 404 (strangers, unknown ids).
pub async fn schedule(
    db: &DatabaseConnection,
    actor: &Actor,
    school_id: Uuid,
    subject: Subject,
    span: Span,
    now: DateTime<Utc>,
) -> AppResult<Schedule> {
    match &subject {
        Subject::Student(p) => {
            authorize_student_schedule(db, None, actor, school_id, *p, now).await?;
        }
        _ => policy::authorize(actor, school_id, Action::ReadStaffSchedules)?,
    }
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    Ok(schedule_of(db, &snap, school_id, subject, span, now)
        .await?
        .0)
}

/// [`schedule`] once the reader is authorized, with the school's snapshot already at hand (the
/// diary), and for a student's schedule the student's attendance codes by lesson (empty for
/// the other subjects). The lessons, their "has data" flags and the codes are one statement.
/// Errors: 400 `invalid_query_parameter` (week), 404.
pub async fn schedule_of(
    db: &DatabaseConnection,
    snap: &crate::service::snapshot::Snapshot,
    school_id: Uuid,
    subject: Subject,
    span: Span,
    now: DateTime<Utc>,
) -> AppResult<(Schedule, HashMap<Uuid, String>)> {
    let school = snap.school.clone();
    let today = school_today_at(&school.time_zone, now);
    let (from, to) = match &span {
        Span::Week(w) => iso_week_bounds(w).ok_or_else(|| {
            AppError::new(ErrorCode::InvalidQueryParameter)
                .detail("week must be an ISO week like 2026-W48")
        })?,
        Span::Day(d) => (*d, *d),
        Span::Today => (today, today),
        Span::CurrentWeek => {
            let m = week_monday(today);
            (m, m + Duration::days(6))
        }
    };
    let cat = &snap.catalog;
    let single = from == to;
    // Course filter (and for students, the class per day).
    let (courses, class_on): (Vec<Uuid>, Vec<enrollment::Model>) = match &subject {
        Subject::Teacher(t) => {
            if !cat.staff_names.contains_key(t) {
                return Err(AppError::not_found("teacher"));
            }
            (
                cat.courses
                    .values()
                    .filter(|c| c.teacher_ids.contains(t))
                    .map(|c| c.id)
                    .collect(),
                Vec::new(),
            )
        }
        Subject::Class(k) => {
            let courses: Vec<Uuid> = cat
                .courses
                .values()
                .filter(|c| c.class_id == *k)
                .map(|c| c.id)
                .collect();
            crate::service::structure::class_row(db, school_id, *k).await?;
            (courses, Vec::new())
        }
        Subject::Student(p) => {
            let horizon = if single { to + Duration::days(28) } else { to };
            let enr = snap.roster.enrollments_between(*p, from, horizon);
            let groups = snap.roster.groups_of(*p);
            let classes: HashSet<Uuid> = enr.iter().map(|e| e.class_id).collect();
            let courses = cat
                .courses
                .values()
                .filter(|c| classes.contains(&c.class_id))
                .filter(|c| c.group_id.is_none_or(|g| groups.contains(&g)))
                .map(|c| c.id)
                .collect();
            (courses, enr)
        }
        Subject::Room(_) => (Vec::new(), Vec::new()),
    };
    let filter = |q: sea_orm::Select<lesson::Entity>| match &subject {
        Subject::Teacher(t) => q.filter(
            Condition::any()
                .add(lesson::Column::CourseId.is_in(courses.clone()))
                .add(lesson::Column::SubstituteId.eq(*t)),
        ),
        Subject::Room(r) => q.filter(lesson::Column::Room.eq(r.trim())),
        _ => q.filter(lesson::Column::CourseId.is_in(courses.clone())),
    };
    // A student sees a class's lesson only on days they are enrolled in that class.
    let enrolled = |l: &lesson::Model| match &subject {
        Subject::Student(_) => {
            let class = cat.courses.get(&l.course_id).map(|c| c.class_id);
            class_on.iter().any(|e| {
                Some(e.class_id) == class
                    && e.starts_on <= l.date
                    && e.ends_on.is_none_or(|x| x >= l.date)
            })
        }
        _ => true,
    };
    // One statement: the lessons with their "has data" flag and, for a student, their
    // attendance code.
    let attendance_code = match &subject {
        Subject::Student(p) => Expr::SubQuery(
            None,
            Box::new(
                Query::select()
                    .column(attendance::Column::Code)
                    .from(attendance::Entity)
                    .and_where(sea_orm::sea_query::ExprTrait::equals(
                        Expr::col((attendance::Entity, attendance::Column::LessonId)),
                        (lesson::Entity, lesson::Column::Id),
                    ))
                    .and_where(attendance::Column::StudentId.eq(*p))
                    .and_where(attendance::Column::Code.is_not_null())
                    .limit(1)
                    .to_owned()
                    .into(),
            ),
        ),
        _ => Expr::val(Option::<String>::None),
    };
    let rows: Vec<ScheduleRow> = filter(lesson::Entity::find())
        .filter(lesson::Column::SchoolId.eq(school_id))
        .filter(lesson::Column::Date.gte(from))
        .filter(lesson::Column::Date.lte(to))
        .column_as(has_work_or_attendance(), "has_work_or_attendance")
        .column_as(attendance_code, "attendance_code")
        .order_by_asc(lesson::Column::Date)
        .order_by_asc(lesson::Column::LessonNumber)
        .into_model::<ScheduleRow>()
        .all(db)
        .await?
        .into_iter()
        .filter(|r| enrolled(&r.lesson))
        .collect();
    let cal = &snap.calendar;
    let attendance: HashMap<Uuid, String> = rows
        .iter()
        .filter_map(|r| Some((r.lesson.id, r.attendance_code.clone()?)))
        .collect();
    let lessons: Vec<Lesson> = rows
        .iter()
        .map(|r| {
            let data = r.has_work_or_attendance || lesson_has_content(&r.lesson);
            cat.lesson_dto(&r.lesson, data)
        })
        .collect();
    let mut by_day: HashMap<NaiveDate, Vec<Lesson>> = HashMap::new();
    for l in lessons {
        by_day.entry(l.date).or_default().push(l);
    }
    let mut days = Vec::new();
    let mut d = from;
    while d <= to {
        let mut lessons = by_day.remove(&d).unwrap_or_default();
        lessons.sort_by(|a, b| {
            (a.lesson_number, &a.class_name, a.group_number).cmp(&(
                b.lesson_number,
                &b.class_name,
                b.group_number,
            ))
        });
        days.push(ScheduleDay {
            date: d,
            weekday: d.weekday().number_from_monday() as i32,
            is_school_day: cal.is_school_day(d),
            holiday: cal.holiday(d).map(str::to_owned),
            lessons,
        });
        d += Duration::days(1);
    }
    let next_lesson_date = if single {
        filter(lesson::Entity::find())
            .filter(lesson::Column::SchoolId.eq(school_id))
            .filter(lesson::Column::Date.gt(to))
            .filter(lesson::Column::Date.lte(to + Duration::days(28)))
            .filter(lesson::Column::Status.eq(LessonStatus::Scheduled.as_str()))
            .order_by_asc(lesson::Column::Date)
            .limit(50)
            .all(db)
            .await?
            .into_iter()
            .find(|l| enrolled(l))
            .map(|l| l.date)
    } else {
        None
    };
    Ok((
        Schedule {
            today,
            time_zone: school.time_zone,
            from,
            to,
            days,
            next_lesson_date,
        },
        attendance,
    ))
}

/// A lesson of [`schedule_of`]'s one statement.
#[derive(Debug, sea_orm::FromQueryResult)]
struct ScheduleRow {
    #[sea_orm(nested)]
    lesson: lesson::Model,
    /// [`has_work_or_attendance`].
    has_work_or_attendance: bool,
    /// The student's attendance code (a student's schedule; else NULL).
    attendance_code: Option<String>,
}
