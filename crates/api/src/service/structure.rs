//! School structure: academic years, periods, subjects, classes, subgroups, courses, settings.
//! Reads: any member of the school. Writes: the school admin (policy `ManageStructure`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_domain::ErrorCode;
use otmetka_domain::person::full_name;
use otmetka_domain::structure::{
    AcademicYear, AcademicYearInput, Class, ClassInput, Course, CourseInput, Group, GroupInput,
    Period, PeriodInput, PeriodKind, SchoolSettings, Subject, SubjectInput,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;
use validator::Validate;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::entity::{
    academic_year, class, course, course_teacher, enrollment, group, group_member, period, person,
    school, subject,
};
use crate::error::{AppError, AppResult};
use crate::service::audit::Audit;

/// Audits a create (`{object}_created`) or change (`{object}_changed`) with the input as the new value.
pub async fn audit_saved(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    object: &str,
    id: Uuid,
    created: bool,
    input: &impl serde::Serialize,
) -> AppResult<()> {
    Audit::new(&format!(
        "{object}_{}",
        if created { "created" } else { "changed" }
    ))
    .school(school_id)
    .by(actor)
    .object(object, id)
    .new_value(serde_json::to_value(input).unwrap_or_default())
    .write(db)
    .await
}

/// After a delete of `rows` rows: 404 when nothing was deleted, else audits `{object}_deleted`.
async fn audit_deleted(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    object: &str,
    id: Uuid,
    rows: u64,
) -> AppResult<()> {
    if rows == 0 {
        return Err(AppError::not_found(object));
    }
    Audit::new(&format!("{object}_deleted"))
        .school(school_id)
        .by(actor)
        .object(object, id)
        .write(db)
        .await
}

/// Begins a transaction that holds the school's write lock: concurrent writers of the same
/// school wait for each other (PostgreSQL locks the school row; SQLite takes its write lock at
/// once instead of failing with "database is locked" when a reading transaction starts to
/// write), so check-then-write rules (timetable conflicts, overlapping absences) hold under
/// concurrency. Roll back by dropping it.
pub async fn begin_locked<D: ConnectionTrait + TransactionTrait>(
    db: &D,
    school_id: Uuid,
) -> AppResult<D::Transaction> {
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    lock_school(&txn, school_id).await?;
    Ok(txn)
}

/// [`begin_locked`] that also returns `schools.generation` as the lock reads it (the same one
/// statement, `RETURNING`): a writer that decided anything from the school's snapshot before
/// the lock compares it with the snapshot's, to see a roster, assignment or reopening change
/// committed in between. Errors: 404 `not_found` (school), database errors.
pub async fn begin_locked_generation<D: ConnectionTrait + TransactionTrait>(
    db: &D,
    school_id: Uuid,
) -> AppResult<(D::Transaction, i64)> {
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let generation = school::Entity::update_many()
        .col_expr(school::Column::Name, Expr::col(school::Column::Name))
        .filter(school::Column::Id.eq(school_id))
        .exec_with_returning(&txn)
        .await?
        .first()
        .map(|s| s.generation)
        .ok_or_else(|| AppError::not_found("school"))?;
    Ok((txn, generation))
}

/// Takes the school's write lock inside a transaction (see [`begin_locked`]); make it the
/// transaction's first statement.
pub async fn lock_school(txn: &impl ConnectionTrait, school_id: Uuid) -> AppResult<()> {
    school::Entity::update_many()
        .col_expr(school::Column::Name, Expr::col(school::Column::Name))
        .filter(school::Column::Id.eq(school_id))
        .exec(txn)
        .await?;
    Ok(())
}

fn conflict(msg: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::Conflict).detail(msg)
}

/// The day it is at instant `now` in the school's time zone (an unknown zone counts as
/// Europe/Moscow). At 2026-11-29T15:00Z it is already 2026-11-30 in Asia/Vladivostok (UTC+10).
pub fn school_today_at(time_zone: &str, now: chrono::DateTime<Utc>) -> NaiveDate {
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::Europe::Moscow);
    now.with_timezone(&tz).date_naive()
}

/// The school row, or 404.
pub async fn school_row(db: &impl ConnectionTrait, school_id: Uuid) -> AppResult<school::Model> {
    school::Entity::find_by_id(school_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("school"))
}

// ---------- settings ----------

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct StoredSettings {
    #[serde(default)]
    final_period_kind: Option<PeriodKind>,
    #[serde(default)]
    edit_window_days: Option<i32>,
    #[serde(default)]
    rounding_threshold: Option<f64>,
    #[serde(default)]
    final_marks_open_days: Option<i32>,
    #[serde(default)]
    final_marks_close_days: Option<i32>,
    #[serde(default)]
    control_min_marks: Option<i32>,
    #[serde(default)]
    control_late_days: Option<i32>,
}

/// The school's settings. Any member.
pub async fn get_settings(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
) -> AppResult<SchoolSettings> {
    policy::authorize(actor, school_id, Action::ReadStructure)?;
    get_settings_row(db, school_id).await
}

/// The school's settings (no permission check). Errors: 404.
pub async fn get_settings_row(
    db: &impl ConnectionTrait,
    school_id: Uuid,
) -> AppResult<SchoolSettings> {
    let s = school_row(db, school_id).await?;
    let stored: StoredSettings = serde_json::from_str(&s.settings).unwrap_or_default();
    Ok(SchoolSettings {
        name: s.name,
        time_zone: s.time_zone,
        final_period_kind: stored.final_period_kind.unwrap_or(PeriodKind::Quarter),
        edit_window_days: stored.edit_window_days,
        rounding_threshold: stored
            .rounding_threshold
            .unwrap_or_else(otmetka_domain::structure::default_rounding_threshold),
        final_marks_open_days: stored
            .final_marks_open_days
            .unwrap_or_else(otmetka_domain::structure::default_final_marks_open_days),
        final_marks_close_days: stored
            .final_marks_close_days
            .unwrap_or_else(otmetka_domain::structure::default_final_marks_close_days),
        control_min_marks: stored
            .control_min_marks
            .unwrap_or_else(otmetka_domain::structure::default_control_min_marks),
        control_late_days: stored
            .control_late_days
            .unwrap_or_else(otmetka_domain::structure::default_control_late_days),
    })
}

/// Changes the settings. Admin. A new `final_period_kind` changes which days are school days,
/// so the current year's lessons are regenerated. Errors: 422 (time zone, name,
/// `final_period_kind` = `year`).
pub async fn put_settings(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    input: SchoolSettings,
) -> AppResult<SchoolSettings> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    input.validate()?;
    crate::service::schools::check_time_zone(&input.time_zone)?;
    if input.final_period_kind == PeriodKind::Year {
        return Err(AppError::field(
            "final_period_kind",
            "one_of",
            "quarter, trimester or half_year (year marks are always given)",
        ));
    }
    let old = get_settings(db, actor, school_id).await?;
    let outer = begin_locked(db, school_id).await?;
    let db = &outer;
    let stored = serde_json::to_string(&StoredSettings {
        final_period_kind: Some(input.final_period_kind),
        edit_window_days: input.edit_window_days,
        rounding_threshold: Some(input.rounding_threshold),
        final_marks_open_days: Some(input.final_marks_open_days),
        final_marks_close_days: Some(input.final_marks_close_days),
        control_min_marks: Some(input.control_min_marks),
        control_late_days: Some(input.control_late_days),
    })
    .map_err(AppError::internal)?;
    school::Entity::update_many()
        .col_expr(school::Column::Name, Expr::value(input.name.trim()))
        .col_expr(
            school::Column::TimeZone,
            Expr::value(input.time_zone.clone()),
        )
        .col_expr(school::Column::Settings, Expr::value(stored))
        .filter(school::Column::Id.eq(school_id))
        .exec(db)
        .await?;
    Audit::new("settings_changed")
        .school(school_id)
        .by(actor)
        .object("school", school_id)
        .old(serde_json::to_value(&old).unwrap_or_default())
        .new_value(serde_json::to_value(&input).unwrap_or_default())
        .write(db)
        .await?;
    if old.final_period_kind != input.final_period_kind
        && let Some(y) = current_year(db, school_id).await?
    {
        crate::service::timetable::regenerate(db, school_id, y.starts_on, y.ends_on, None).await?;
    }
    let out = get_settings(db, actor, school_id).await?;
    outer.commit().await?;
    Ok(out)
}

// ---------- academic years ----------

fn year_dto(y: academic_year::Model) -> AcademicYear {
    AcademicYear {
        id: y.id,
        name: y.name,
        starts_on: y.starts_on,
        ends_on: y.ends_on,
        is_current: y.is_current,
    }
}

/// The school's current academic year, if any.
pub async fn current_year(
    db: &impl ConnectionTrait,
    school_id: Uuid,
) -> AppResult<Option<academic_year::Model>> {
    Ok(academic_year::Entity::find()
        .filter(academic_year::Column::SchoolId.eq(school_id))
        .filter(academic_year::Column::IsCurrent.eq(true))
        .one(db)
        .await?)
}

/// The school's years, newest first. Any member.
pub async fn list_years(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
) -> AppResult<Vec<AcademicYear>> {
    policy::authorize(actor, school_id, Action::ReadStructure)?;
    Ok(academic_year::Entity::find()
        .filter(academic_year::Column::SchoolId.eq(school_id))
        .order_by_desc(academic_year::Column::StartsOn)
        .all(db)
        .await?
        .into_iter()
        .map(year_dto)
        .collect())
}

/// 422 `range` on `starts_on` or `ends_on` outside the years
/// [`FIRST_YEAR`](otmetka_domain::structure::FIRST_YEAR)–[`LAST_YEAR`](otmetka_domain::structure::LAST_YEAR)
/// (the years and periods of the API and of imports).
pub fn check_calendar_dates(starts_on: NaiveDate, ends_on: NaiveDate) -> AppResult<()> {
    use otmetka_domain::structure::{FIRST_YEAR, LAST_YEAR, in_calendar_range};
    let errors: Vec<_> = [("starts_on", starts_on), ("ends_on", ends_on)]
        .into_iter()
        .filter(|(_, d)| !in_calendar_range(*d))
        .map(|(field, d)| otmetka_domain::FieldError {
            field: field.into(),
            code: "range".into(),
            message: format!("{d} is not in the years {FIRST_YEAR}–{LAST_YEAR}"),
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::fields(errors))
    }
}

/// Inserts or updates a year after checking its rules (no permission check; callers do it).
/// Errors: 422 dates; 409 name taken or dates overlapping another year.
pub async fn save_year(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    id: Option<Uuid>,
    input: &AcademicYearInput,
) -> AppResult<academic_year::Model> {
    input.validate()?;
    check_calendar_dates(input.starts_on, input.ends_on)?;
    let name = input.name.trim().to_string();
    if input.starts_on >= input.ends_on {
        return Err(AppError::field(
            "ends_on",
            "range",
            "the year must end after it starts",
        ));
    }
    let others = academic_year::Entity::find()
        .filter(academic_year::Column::SchoolId.eq(school_id))
        .all(db)
        .await?;
    for o in others.iter().filter(|o| Some(o.id) != id) {
        if o.name == name {
            return Err(conflict(format!("academic year {name} exists")));
        }
        if o.starts_on <= input.ends_on && input.starts_on <= o.ends_on {
            return Err(conflict(format!(
                "the dates overlap academic year {}",
                o.name
            )));
        }
    }
    let make_current = input.is_current || others.iter().all(|o| Some(o.id) == id || !o.is_current);
    if make_current {
        academic_year::Entity::update_many()
            .col_expr(academic_year::Column::IsCurrent, Expr::value(false))
            .filter(academic_year::Column::SchoolId.eq(school_id))
            .exec(db)
            .await?;
    }
    let model = match id {
        Some(id) => {
            let existing = others
                .into_iter()
                .find(|o| o.id == id)
                .ok_or_else(|| AppError::not_found("academic year"))?;
            let mut am: academic_year::ActiveModel = existing.into();
            am.name = Set(name);
            am.starts_on = Set(input.starts_on);
            am.ends_on = Set(input.ends_on);
            if make_current {
                am.is_current = Set(true);
            }
            am.update(db).await?
        }
        None => {
            academic_year::ActiveModel {
                id: Set(Uuid::now_v7()),
                school_id: Set(school_id),
                name: Set(name),
                starts_on: Set(input.starts_on),
                ends_on: Set(input.ends_on),
                is_current: Set(make_current),
                created_at: Set(Utc::now()),
            }
            .insert(db)
            .await?
        }
    };
    Ok(model)
}

/// Creates (`id` None) or changes a year. Admin.
pub async fn write_year(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Option<Uuid>,
    input: AcademicYearInput,
) -> AppResult<AcademicYear> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let y = save_year(&txn, school_id, id, &input).await?;
    audit_saved(
        &txn,
        actor,
        school_id,
        "academic_year",
        y.id,
        id.is_none(),
        &input,
    )
    .await?;
    txn.commit().await?;
    Ok(year_dto(y))
}

// ---------- periods ----------

/// The period as the API shows it.
pub fn period_dto(p: period::Model) -> Period {
    Period {
        id: p.id,
        academic_year_id: p.academic_year_id,
        kind: PeriodKind::parse(&p.kind).unwrap_or(PeriodKind::Quarter),
        number: p.number,
        starts_on: p.starts_on,
        ends_on: p.ends_on,
    }
}

/// Periods of a year (default: the current one), by kind and number. Any member.
pub async fn list_periods(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    year_id: Option<Uuid>,
) -> AppResult<Vec<Period>> {
    policy::authorize(actor, school_id, Action::ReadStructure)?;
    let year_id = match year_id {
        Some(y) => Some(y),
        None => current_year(db, school_id).await?.map(|y| y.id),
    };
    let Some(year_id) = year_id else {
        return Ok(Vec::new());
    };
    let mut rows: Vec<Period> = period::Entity::find()
        .filter(period::Column::SchoolId.eq(school_id))
        .filter(period::Column::AcademicYearId.eq(year_id))
        .all(db)
        .await?
        .into_iter()
        .map(period_dto)
        .collect();
    rows.sort_by_key(|p| (p.kind, p.number));
    Ok(rows)
}

/// Inserts or updates a period after checking its rules (no permission check).
/// Errors: 404 year; 422 number or dates; 409 overlap or duplicate number.
pub async fn save_period(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    id: Option<Uuid>,
    input: &PeriodInput,
) -> AppResult<period::Model> {
    input.validate()?;
    check_calendar_dates(input.starts_on, input.ends_on)?;
    let year = academic_year::Entity::find_by_id(input.academic_year_id)
        .filter(academic_year::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("academic year"))?;
    if input.number > input.kind.per_year() {
        return Err(AppError::field(
            "number",
            "range",
            format!(
                "a year has {} periods of kind {}",
                input.kind.per_year(),
                input.kind.as_str()
            ),
        ));
    }
    if input.starts_on > input.ends_on {
        return Err(AppError::field(
            "ends_on",
            "range",
            "the period must not end before it starts",
        ));
    }
    if input.starts_on < year.starts_on || input.ends_on > year.ends_on {
        return Err(AppError::field(
            "starts_on",
            "range",
            format!(
                "the period must lie inside {} ({} – {})",
                year.name, year.starts_on, year.ends_on
            ),
        ));
    }
    let same_kind = period::Entity::find()
        .filter(period::Column::AcademicYearId.eq(year.id))
        .filter(period::Column::Kind.eq(input.kind.as_str()))
        .all(db)
        .await?;
    for o in same_kind.iter().filter(|o| Some(o.id) != id) {
        if o.number == input.number {
            return Err(conflict(format!(
                "{} {} exists in {}",
                input.kind.as_str(),
                input.number,
                year.name
            )));
        }
        if o.starts_on <= input.ends_on && input.starts_on <= o.ends_on {
            return Err(conflict(format!(
                "the dates overlap {} {}",
                o.kind, o.number
            )));
        }
    }
    Ok(match id {
        Some(id) => {
            let existing = period::Entity::find_by_id(id)
                .filter(period::Column::SchoolId.eq(school_id))
                .one(db)
                .await?
                .ok_or_else(|| AppError::not_found("period"))?;
            let mut am: period::ActiveModel = existing.into();
            am.academic_year_id = Set(year.id);
            am.kind = Set(input.kind.as_str().into());
            am.number = Set(input.number);
            am.starts_on = Set(input.starts_on);
            am.ends_on = Set(input.ends_on);
            am.update(db).await?
        }
        None => {
            period::ActiveModel {
                id: Set(Uuid::now_v7()),
                school_id: Set(school_id),
                academic_year_id: Set(year.id),
                kind: Set(input.kind.as_str().into()),
                number: Set(input.number),
                starts_on: Set(input.starts_on),
                ends_on: Set(input.ends_on),
            }
            .insert(db)
            .await?
        }
    })
}

/// Creates or changes a period. Admin.
pub async fn write_period(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Option<Uuid>,
    input: PeriodInput,
) -> AppResult<Period> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    let old = match id {
        Some(id) => {
            period::Entity::find_by_id(id)
                .filter(period::Column::SchoolId.eq(school_id))
                .one(db)
                .await?
        }
        None => None,
    };
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let p = save_period(&txn, school_id, id, &input).await?;
    // School days follow the periods: lessons of the days gained or lost are regenerated.
    let (from, to) = match &old {
        Some(o) => (o.starts_on.min(p.starts_on), o.ends_on.max(p.ends_on)),
        None => (p.starts_on, p.ends_on),
    };
    crate::service::timetable::regenerate(&txn, school_id, from, to, None).await?;
    audit_saved(&txn, actor, school_id, "period", p.id, id.is_none(), &input).await?;
    txn.commit().await?;
    Ok(period_dto(p))
}

/// Deletes a period; lessons of its days are regenerated (those with journal data stay, flagged
/// for review). Admin. Errors: 404.
pub async fn delete_period(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<()> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    let old = period::Entity::find_by_id(id)
        .filter(period::Column::SchoolId.eq(school_id))
        .one(db)
        .await?;
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let n = period::Entity::delete_many()
        .filter(period::Column::Id.eq(id))
        .filter(period::Column::SchoolId.eq(school_id))
        .exec(&txn)
        .await?
        .rows_affected;
    if let Some(o) = old {
        crate::service::timetable::regenerate(&txn, school_id, o.starts_on, o.ends_on, None)
            .await?;
    }
    audit_deleted(&txn, actor, school_id, "period", id, n).await?;
    txn.commit().await?;
    Ok(())
}

// ---------- subjects ----------

fn subject_dto(s: subject::Model) -> Subject {
    Subject {
        id: s.id,
        name: s.name,
        short_name: s.short_name,
        mark_scale_id: s.mark_scale_id,
        homework_expected: s.homework_expected,
    }
}

/// The school's subjects by name. Any member.
pub async fn list_subjects(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
) -> AppResult<Vec<Subject>> {
    policy::authorize(actor, school_id, Action::ReadStructure)?;
    Ok(subject::Entity::find()
        .filter(subject::Column::SchoolId.eq(school_id))
        .order_by_asc(subject::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(subject_dto)
        .collect())
}

/// Inserts or renames a subject (no permission check). Errors: 422; 409 name taken.
pub async fn save_subject(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    id: Option<Uuid>,
    input: &SubjectInput,
) -> AppResult<subject::Model> {
    input.validate()?;
    let name = clean(&input.name);
    let short = clean(&input.short_name);
    if name.is_empty() || short.is_empty() {
        return Err(AppError::field(
            "name",
            "required",
            "name and short name must not be blank",
        ));
    }
    if let Some(scale) = input.mark_scale_id {
        crate::service::marks::scale_row(db, school_id, scale)
            .await
            .map_err(|_| AppError::field("mark_scale_id", "unknown", "no such mark scale"))?;
    }
    if let Some(o) = subject::Entity::find()
        .filter(subject::Column::SchoolId.eq(school_id))
        .filter(subject::Column::Name.eq(&name))
        .one(db)
        .await?
        && Some(o.id) != id
    {
        return Err(conflict(format!("subject {name} exists")));
    }
    Ok(match id {
        Some(id) => {
            let existing = subject::Entity::find_by_id(id)
                .filter(subject::Column::SchoolId.eq(school_id))
                .one(db)
                .await?
                .ok_or_else(|| AppError::not_found("subject"))?;
            if existing.mark_scale_id != input.mark_scale_id {
                crate::service::marks::check_subject_scale(db, school_id, id, input.mark_scale_id)
                    .await?;
            }
            let mut am: subject::ActiveModel = existing.into();
            am.name = Set(name);
            am.short_name = Set(short);
            am.mark_scale_id = Set(input.mark_scale_id);
            am.homework_expected = Set(input.homework_expected);
            am.update(db).await?
        }
        None => {
            subject::ActiveModel {
                id: Set(Uuid::now_v7()),
                school_id: Set(school_id),
                name: Set(name),
                short_name: Set(short),
                mark_scale_id: Set(input.mark_scale_id),
                homework_expected: Set(input.homework_expected),
                created_at: Set(Utc::now()),
            }
            .insert(db)
            .await?
        }
    })
}

/// Creates or renames a subject. Admin.
pub async fn write_subject(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    id: Option<Uuid>,
    input: SubjectInput,
) -> AppResult<Subject> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    let s = save_subject(db, school_id, id, &input).await?;
    audit_saved(db, actor, school_id, "subject", s.id, id.is_none(), &input).await?;
    Ok(subject_dto(s))
}

/// Collapses runs of white space and trims.
pub fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------- classes ----------

/// Students enrolled per class on a day.
pub async fn enrolled_counts(
    db: &impl ConnectionTrait,
    class_ids: &[Uuid],
    on: NaiveDate,
) -> AppResult<HashMap<Uuid, u32>> {
    let rows = enrollment::Entity::find()
        .filter(enrollment::Column::ClassId.is_in(class_ids.to_vec()))
        .filter(on_date(on))
        .all(db)
        .await?;
    let mut out = HashMap::new();
    for r in rows {
        *out.entry(r.class_id).or_insert(0) += 1;
    }
    Ok(out)
}

/// The condition "the enrollment covers `day`": started on or before it, not ended before it.
pub fn on_date(day: NaiveDate) -> Condition {
    overlapping(day, day)
}

/// The condition "the enrollment covers a day of `[from, to]`".
pub fn overlapping(from: NaiveDate, to: NaiveDate) -> Condition {
    Condition::all()
        .add(enrollment::Column::StartsOn.lte(to))
        .add(
            Condition::any()
                .add(enrollment::Column::EndsOn.is_null())
                .add(enrollment::Column::EndsOn.gte(from)),
        )
}

async fn classes_dto(
    db: &impl ConnectionTrait,
    classes: Vec<class::Model>,
    today: NaiveDate,
) -> AppResult<Vec<Class>> {
    let teacher_ids: Vec<Uuid> = classes.iter().filter_map(|c| c.class_teacher_id).collect();
    let teachers: HashMap<Uuid, person::Model> = person::Entity::find()
        .filter(person::Column::Id.is_in(teacher_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let ids: Vec<Uuid> = classes.iter().map(|c| c.id).collect();
    let counts = enrolled_counts(db, &ids, today).await?;
    Ok(classes
        .into_iter()
        .map(|c| Class {
            class_teacher_name: c
                .class_teacher_id
                .and_then(|t| teachers.get(&t))
                .map(|p| full_name(&p.last_name, &p.first_name, p.middle_name.as_deref())),
            student_count: counts.get(&c.id).copied().unwrap_or(0),
            id: c.id,
            academic_year_id: c.academic_year_id,
            grade: c.grade,
            letter: c.letter,
            name: c.name,
            class_teacher_id: c.class_teacher_id,
        })
        .collect())
}

/// Classes of a year (default: current), by grade and letter, with today's student counts. Any member.
/// The classes, their teachers' names and the counts come from the school's snapshot (one
/// statement for the current year).
pub async fn list_classes(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    year_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<Vec<Class>> {
    policy::authorize(actor, school_id, Action::ReadStructure)?;
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let year_id = match year_id {
        Some(y) => Some(y),
        None => snap.current_year().map(|y| y.id),
    };
    let Some(year_id) = year_id else {
        return Ok(Vec::new());
    };
    let today = school_today_at(&snap.school.time_zone, now);
    let mut students: HashMap<Uuid, std::collections::HashSet<Uuid>> = HashMap::new();
    for e in snap.roster.enrollments.values().flatten() {
        if e.starts_on <= today && e.ends_on.is_none_or(|x| x >= today) {
            students.entry(e.class_id).or_default().insert(e.student_id);
        }
    }
    let mut classes: Vec<&class::Model> = snap
        .catalog
        .classes
        .values()
        .filter(|c| c.academic_year_id == year_id)
        .collect();
    classes.sort_by(|a, b| (a.grade, &a.letter, a.id).cmp(&(b.grade, &b.letter, b.id)));
    Ok(classes
        .into_iter()
        .map(|c| Class {
            class_teacher_name: c
                .class_teacher_id
                .and_then(|t| snap.catalog.staff_names.get(&t).cloned()),
            student_count: students.get(&c.id).map_or(0, |s| s.len() as u32),
            id: c.id,
            academic_year_id: c.academic_year_id,
            grade: c.grade,
            letter: c.letter.clone(),
            name: c.name.clone(),
            class_teacher_id: c.class_teacher_id,
        })
        .collect())
}

/// One class of the school, or 404.
pub async fn class_row(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<class::Model> {
    class::Entity::find_by_id(id)
        .filter(class::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("class"))
}

/// One class. Any member.
pub async fn get_class(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Class> {
    policy::authorize(actor, school_id, Action::ReadStructure)?;
    let s = school_row(db, school_id).await?;
    let c = class_row(db, school_id, id).await?;
    Ok(classes_dto(db, vec![c], school_today_at(&s.time_zone, now))
        .await?
        .remove(0))
}

/// A staff person of the school, or 422 on `field`.
pub async fn staff_person(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    id: Uuid,
    field: &str,
) -> AppResult<person::Model> {
    person::Entity::find_by_id(id)
        .filter(person::Column::SchoolId.eq(school_id))
        .filter(person::Column::Kind.eq("staff"))
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::field(
                field,
                "unknown",
                "no staff person of this school has this id",
            )
        })
}

/// Class name from grade and letter: `5` + `а` → `5А`.
pub fn class_name(grade: i32, letter: &str) -> String {
    format!("{grade}{}", letter.trim().to_uppercase())
}

/// Inserts or changes a class (no permission check). Errors: 422 (grade, letter, teacher, no
/// current year); 409 name taken in the year.
pub async fn save_class(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    id: Option<Uuid>,
    input: &ClassInput,
) -> AppResult<class::Model> {
    input.validate()?;
    let letter = input.letter.trim().to_uppercase();
    if letter.is_empty() || letter.chars().any(|c| !c.is_alphabetic()) {
        return Err(AppError::field(
            "letter",
            "format",
            "the letter must be letters only (А, Б, …)",
        ));
    }
    let year_id = match input.academic_year_id {
        Some(y) => {
            academic_year::Entity::find_by_id(y)
                .filter(academic_year::Column::SchoolId.eq(school_id))
                .one(db)
                .await?
                .ok_or_else(|| {
                    AppError::field("academic_year_id", "unknown", "no such academic year")
                })?
                .id
        }
        None => {
            current_year(db, school_id)
                .await?
                .ok_or_else(|| {
                    AppError::field(
                        "academic_year_id",
                        "required",
                        "the school has no current academic year",
                    )
                })?
                .id
        }
    };
    if let Some(t) = input.class_teacher_id {
        staff_person(db, school_id, t, "class_teacher_id").await?;
    }
    let name = class_name(input.grade, &letter);
    if let Some(o) = class::Entity::find()
        .filter(class::Column::AcademicYearId.eq(year_id))
        .filter(class::Column::Name.eq(&name))
        .one(db)
        .await?
        && Some(o.id) != id
    {
        return Err(conflict(format!("class {name} exists in this year")));
    }
    Ok(match id {
        Some(id) => {
            let mut am: class::ActiveModel = class_row(db, school_id, id).await?.into();
            am.academic_year_id = Set(year_id);
            am.grade = Set(input.grade);
            am.letter = Set(letter);
            am.name = Set(name);
            am.class_teacher_id = Set(input.class_teacher_id);
            am.update(db).await?
        }
        None => {
            class::ActiveModel {
                id: Set(Uuid::now_v7()),
                school_id: Set(school_id),
                academic_year_id: Set(year_id),
                grade: Set(input.grade),
                letter: Set(letter),
                name: Set(name),
                class_teacher_id: Set(input.class_teacher_id),
                created_at: Set(Utc::now()),
                bell_schedule_id: Set(None),
            }
            .insert(db)
            .await?
        }
    })
}

/// Creates or changes a class. Admin.
pub async fn write_class(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    id: Option<Uuid>,
    input: ClassInput,
    now: DateTime<Utc>,
) -> AppResult<Class> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    let c = save_class(db, school_id, id, &input).await?;
    audit_saved(db, actor, school_id, "class", c.id, id.is_none(), &input).await?;
    get_class(db, actor, school_id, c.id, now).await
}

// ---------- groups ----------

/// The subgroups of a class with their members. Any member of the school.
pub async fn list_groups(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    class_id: Uuid,
) -> AppResult<Vec<Group>> {
    policy::authorize(actor, school_id, Action::ReadStructure)?;
    class_row(db, school_id, class_id).await?;
    let groups = group::Entity::find()
        .filter(group::Column::ClassId.eq(class_id))
        .order_by_asc(group::Column::Number)
        .all(db)
        .await?;
    let members = group_member::Entity::find()
        .filter(
            group_member::Column::GroupId.is_in(groups.iter().map(|g| g.id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?;
    Ok(groups
        .into_iter()
        .map(|g| Group {
            student_ids: members
                .iter()
                .filter(|m| m.group_id == g.id)
                .map(|m| m.student_id)
                .collect(),
            id: g.id,
            class_id: g.class_id,
            number: g.number,
            name: g.name,
        })
        .collect())
}

/// The class's subgroup with a number, created when missing (no permission check).
pub async fn ensure_group(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    class_id: Uuid,
    number: i32,
) -> AppResult<group::Model> {
    if let Some(g) = group::Entity::find()
        .filter(group::Column::ClassId.eq(class_id))
        .filter(group::Column::Number.eq(number))
        .one(db)
        .await?
    {
        return Ok(g);
    }
    Ok(group::ActiveModel {
        id: Set(Uuid::now_v7()),
        school_id: Set(school_id),
        class_id: Set(class_id),
        number: Set(number),
        name: Set(format!("Группа {number}")),
    }
    .insert(db)
    .await?)
}

/// Creates a subgroup (or, for an existing number, renames it) and sets its members: students
/// enrolled in the class at any time. Admin. Errors: 422 unknown students.
pub async fn write_group(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    class_id: Uuid,
    input: GroupInput,
) -> AppResult<Group> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    input.validate()?;
    class_row(db, school_id, class_id).await?;
    let enrolled: Vec<Uuid> = enrollment::Entity::find()
        .filter(enrollment::Column::ClassId.eq(class_id))
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.student_id)
        .collect();
    if let Some(bad) = input.student_ids.iter().find(|s| !enrolled.contains(s)) {
        return Err(AppError::field(
            "student_ids",
            "unknown",
            format!("{bad} is not a student of this class"),
        ));
    }
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let g = ensure_group(&txn, school_id, class_id, input.number).await?;
    if let Some(name) = input.name.as_deref().map(clean).filter(|n| !n.is_empty()) {
        let mut am: group::ActiveModel = g.clone().into();
        am.name = Set(name);
        am.update(&txn).await?;
    }
    group_member::Entity::delete_many()
        .filter(group_member::Column::GroupId.eq(g.id))
        .exec(&txn)
        .await?;
    let mut ids = input.student_ids.clone();
    ids.sort();
    ids.dedup();
    for s in &ids {
        group_member::ActiveModel {
            id: Set(Uuid::now_v7()),
            school_id: Set(school_id),
            group_id: Set(g.id),
            student_id: Set(*s),
        }
        .insert(&txn)
        .await?;
    }
    Audit::new("group_changed")
        .school(school_id)
        .by(actor)
        .object("group", g.id)
        .new_value(serde_json::json!({ "number": input.number, "student_ids": ids }))
        .write(&txn)
        .await?;
    txn.commit().await?;
    list_groups(db, actor, school_id, class_id)
        .await?
        .into_iter()
        .find(|x| x.id == g.id)
        .ok_or_else(|| AppError::not_found("group"))
}

// ---------- courses ----------

/// Filters for listing courses.
#[derive(Debug, Default, Clone, Copy)]
pub struct CourseFilter {
    pub class_id: Option<Uuid>,
    pub teacher_id: Option<Uuid>,
    pub academic_year_id: Option<Uuid>,
}

/// Courses of a year (default: current), optionally of a class or a teacher, by class and
/// subject. Any member.
pub async fn list_courses(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    filter: CourseFilter,
) -> AppResult<Vec<Course>> {
    policy::authorize(actor, school_id, Action::ReadStructure)?;
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let year_id = match filter.academic_year_id {
        Some(y) => Some(y),
        None => snap.current_year().map(|y| y.id),
    };
    let Some(year_id) = year_id else {
        return Ok(Vec::new());
    };
    let mut courses: Vec<&crate::service::timetable::CourseInfo> = snap
        .catalog
        .courses
        .values()
        .filter(|c| c.academic_year_id == year_id)
        .filter(|c| filter.class_id.is_none_or(|k| k == c.class_id))
        .filter(|c| filter.teacher_id.is_none_or(|t| c.teacher_ids.contains(&t)))
        .collect();
    courses.sort_by(|a, b| {
        (a.grade, &a.letter, &a.subject_name, a.group_number, a.id).cmp(&(
            b.grade,
            &b.letter,
            &b.subject_name,
            b.group_number,
            b.id,
        ))
    });
    Ok(courses.into_iter().map(|c| c.dto()).collect())
}

async fn courses_dto(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    courses: Vec<course::Model>,
) -> AppResult<Vec<Course>> {
    let ids: Vec<Uuid> = courses.iter().map(|c| c.id).collect();
    let teachers = course_teacher::Entity::find()
        .filter(course_teacher::Column::CourseId.is_in(ids))
        .all(db)
        .await?;
    let persons: HashMap<Uuid, person::Model> = person::Entity::find()
        .filter(person::Column::Id.is_in(teachers.iter().map(|t| t.teacher_id).collect::<Vec<_>>()))
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
    let subjects: HashMap<Uuid, subject::Model> = subject::Entity::find()
        .filter(subject::Column::SchoolId.eq(school_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let groups: HashMap<Uuid, group::Model> = group::Entity::find()
        .filter(group::Column::SchoolId.eq(school_id))
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    let mut out: Vec<Course> = courses
        .into_iter()
        .map(|c| {
            let mut tids: Vec<&person::Model> = teachers
                .iter()
                .filter(|t| t.course_id == c.id)
                .filter_map(|t| persons.get(&t.teacher_id))
                .collect();
            tids.sort_by(|a, b| (&a.last_name, &a.first_name).cmp(&(&b.last_name, &b.first_name)));
            let cl = classes.get(&c.class_id);
            Course {
                id: c.id,
                academic_year_id: c.academic_year_id,
                class_id: c.class_id,
                class_name: cl.map(|x| x.name.clone()).unwrap_or_default(),
                group_id: c.group_id,
                group_number: c.group_id.and_then(|g| groups.get(&g)).map(|g| g.number),
                subject_id: c.subject_id,
                subject_name: subjects
                    .get(&c.subject_id)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                teacher_ids: tids.iter().map(|p| p.id).collect(),
                teacher_names: tids
                    .iter()
                    .map(|p| full_name(&p.last_name, &p.first_name, p.middle_name.as_deref()))
                    .collect(),
                hours_per_week: c.hours_per_week,
            }
        })
        .collect();
    let order = |c: &Course| {
        let cl = classes.get(&c.class_id);
        (
            cl.map(|x| x.grade).unwrap_or(0),
            cl.map(|x| x.letter.clone()).unwrap_or_default(),
            c.subject_name.clone(),
            c.group_number,
        )
    };
    out.sort_by_key(order);
    Ok(out)
}

/// Inserts or changes a course with its teachers (no permission check). Errors: 422 unknown
/// class, group (not of the class), subject or teachers; 409 the same class/group/subject exists.
pub async fn save_course(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    id: Option<Uuid>,
    input: &CourseInput,
) -> AppResult<course::Model> {
    input.validate()?;
    let cl = class::Entity::find_by_id(input.class_id)
        .filter(class::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::field("class_id", "unknown", "no such class in this school"))?;
    if let Some(g) = input.group_id
        && group::Entity::find_by_id(g)
            .filter(group::Column::ClassId.eq(cl.id))
            .one(db)
            .await?
            .is_none()
    {
        return Err(AppError::field(
            "group_id",
            "unknown",
            "no such subgroup in this class",
        ));
    }
    subject::Entity::find_by_id(input.subject_id)
        .filter(subject::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::field("subject_id", "unknown", "no such subject in this school")
        })?;
    let mut teacher_ids = input.teacher_ids.clone();
    teacher_ids.sort();
    teacher_ids.dedup();
    for t in &teacher_ids {
        staff_person(db, school_id, *t, "teacher_ids").await?;
    }
    let mut dup = course::Entity::find()
        .filter(course::Column::ClassId.eq(cl.id))
        .filter(course::Column::SubjectId.eq(input.subject_id));
    dup = match input.group_id {
        Some(g) => dup.filter(course::Column::GroupId.eq(g)),
        None => dup.filter(course::Column::GroupId.is_null()),
    };
    if let Some(o) = dup.one(db).await?
        && Some(o.id) != id
    {
        return Err(conflict(
            "this class (or subgroup) already has a course of this subject",
        ));
    }
    let model = match id {
        Some(id) => {
            let existing = course::Entity::find_by_id(id)
                .filter(course::Column::SchoolId.eq(school_id))
                .one(db)
                .await?
                .ok_or_else(|| AppError::not_found("course"))?;
            let mut am: course::ActiveModel = existing.into();
            am.class_id = Set(cl.id);
            am.academic_year_id = Set(cl.academic_year_id);
            am.group_id = Set(input.group_id);
            am.subject_id = Set(input.subject_id);
            am.hours_per_week = Set(input.hours_per_week);
            am.update(db).await?
        }
        None => {
            course::ActiveModel {
                id: Set(Uuid::now_v7()),
                school_id: Set(school_id),
                academic_year_id: Set(cl.academic_year_id),
                class_id: Set(cl.id),
                group_id: Set(input.group_id),
                subject_id: Set(input.subject_id),
                hours_per_week: Set(input.hours_per_week),
                created_at: Set(Utc::now()),
            }
            .insert(db)
            .await?
        }
    };
    set_course_teachers(db, school_id, model.id, &teacher_ids).await?;
    Ok(model)
}

/// Replaces a course's teachers.
pub async fn set_course_teachers(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    course_id: Uuid,
    teacher_ids: &[Uuid],
) -> AppResult<()> {
    course_teacher::Entity::delete_many()
        .filter(course_teacher::Column::CourseId.eq(course_id))
        .exec(db)
        .await?;
    for t in teacher_ids {
        course_teacher::ActiveModel {
            id: Set(Uuid::now_v7()),
            school_id: Set(school_id),
            course_id: Set(course_id),
            teacher_id: Set(*t),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Creates or changes a course. Admin. Errors as [`save_course`]; on a change also 409
/// `timetable_conflict` (a new teacher or class collides with the course's timetable) and 409
/// `lesson_has_data` (another class or subgroup for a course whose journal has data).
pub async fn write_course(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Option<Uuid>,
    input: CourseInput,
) -> AppResult<Course> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    let txn = begin_locked(db, school_id).await?;
    if let Some(id) = id
        && let Some(old) = course::Entity::find_by_id(id)
            .filter(course::Column::SchoolId.eq(school_id))
            .one(&txn)
            .await?
        && (old.class_id != input.class_id || old.group_id != input.group_id)
    {
        let lessons = crate::entity::lesson::Entity::find()
            .filter(crate::entity::lesson::Column::CourseId.eq(id))
            .all(&txn)
            .await?;
        if !crate::service::timetable::lessons_with_data(&txn, &lessons)
            .await?
            .is_empty()
        {
            return Err(AppError::new(ErrorCode::LessonHasData)
                .detail("the course's journal has data; its class or subgroup cannot change"));
        }
    }
    let c = save_course(&txn, school_id, id, &input).await?;
    if id.is_some() {
        // New teachers or another class must not collide with the timetable.
        crate::service::timetable::check_timetable(&txn, school_id, Some(c.id)).await?;
    }
    audit_saved(&txn, actor, school_id, "course", c.id, id.is_none(), &input).await?;
    txn.commit().await?;
    Ok(courses_dto(db, school_id, vec![c]).await?.remove(0))
}

/// Deletes a course with its timetable entries and lessons. Admin. Errors: 404; 409
/// `lesson_has_data` when any of its lessons has journal data.
pub async fn delete_course(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<()> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    let lessons = crate::entity::lesson::Entity::find()
        .filter(crate::entity::lesson::Column::CourseId.eq(id))
        .filter(crate::entity::lesson::Column::SchoolId.eq(school_id))
        .all(db)
        .await?;
    if !crate::service::timetable::lessons_with_data(db, &lessons)
        .await?
        .is_empty()
    {
        return Err(AppError::new(ErrorCode::LessonHasData)
            .detail("the course's journal has data; it cannot be deleted"));
    }
    let n = course::Entity::delete_many()
        .filter(course::Column::Id.eq(id))
        .filter(course::Column::SchoolId.eq(school_id))
        .exec(db)
        .await?
        .rows_affected;
    audit_deleted(db, actor, school_id, "course", id, n).await
}

/// How many rows a table holds for a school (tests and reports).
pub async fn count_classes(db: &impl ConnectionTrait, school_id: Uuid) -> AppResult<u64> {
    Ok(class::Entity::find()
        .filter(class::Column::SchoolId.eq(school_id))
        .count(db)
        .await?)
}
