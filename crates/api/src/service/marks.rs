//! Mark settings of a school (regulation §6; DESIGN §2): mark scales as data, work types with
//! default weights, attendance codes. Every school starts with the five-point scale (default),
//! the pass/fail scale, six work types and the four attendance codes Н, Б, УП, ОП.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use otmetka_domain::ErrorCode;
use otmetka_domain::grading::{
    AttendanceCode, AttendanceCodeInput, DEFAULT_ATTENDANCE_CODES, DEFAULT_WORK_TYPES, MarkScale,
    MarkScaleInput, MarkSettings, ScaleValue, WorkType, WorkTypeInput,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationTrait, Set,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;
use validator::Validate;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::entity::{
    attendance, attendance_code, course, lesson, mark, mark_scale, subject, work, work_type,
};
use crate::error::{AppError, AppResult};
use crate::service::audit::Audit;
use crate::service::structure::{begin_locked, get_settings_row};

/// A school's scales, work types and attendance codes, loaded once per request (3 queries).
#[derive(Debug, Clone)]
pub struct MarkConfig {
    pub scales: Vec<MarkScale>,
    pub work_types: Vec<WorkType>,
    pub codes: Vec<AttendanceCode>,
}

impl MarkConfig {
    /// Loads the school's settings (3 queries, never a write); a school without any mark scale
    /// reads with the built-in five-point scale (id nil).
    pub async fn load(db: &impl ConnectionTrait, school_id: Uuid) -> AppResult<MarkConfig> {
        let mut scales = load_scales(db, school_id).await?;
        if scales.is_empty() {
            // Every school gets its scales when it is created ([`seed_defaults`]); one whose
            // scales were deleted behind the API's back reads with the built-in five-point
            // scale. A read never writes (concurrent first reads used to race on the defaults'
            // unique codes).
            tracing::warn!(school = %school_id, "the school has no mark scale; the built-in five-point scale stands in");
            scales.push(MarkScale {
                id: Uuid::nil(),
                code: "five_point".into(),
                name: "Пятибалльная".into(),
                values: MarkScale::five_point_values(),
                is_default: true,
            });
        }
        let work_types = work_type::Entity::find()
            .filter(work_type::Column::SchoolId.eq(school_id))
            .order_by_asc(work_type::Column::Position)
            .order_by_asc(work_type::Column::CreatedAt)
            .all(db)
            .await?
            .into_iter()
            .map(work_type_dto)
            .collect();
        let codes = attendance_code::Entity::find()
            .filter(attendance_code::Column::SchoolId.eq(school_id))
            .order_by_asc(attendance_code::Column::Position)
            .order_by_asc(attendance_code::Column::Code)
            .all(db)
            .await?
            .into_iter()
            .map(code_dto)
            .collect();
        Ok(MarkConfig {
            scales,
            work_types,
            codes,
        })
    }

    /// The scale of a subject: its own, else the school's default.
    pub fn scale(&self, subject_scale: Option<Uuid>) -> &MarkScale {
        subject_scale
            .and_then(|id| self.scales.iter().find(|s| s.id == id))
            .or_else(|| self.scales.iter().find(|s| s.is_default))
            .unwrap_or(&self.scales[0])
    }

    /// A work type by id.
    pub fn work_type(&self, id: Uuid) -> Option<&WorkType> {
        self.work_types.iter().find(|w| w.id == id)
    }

    /// The attendance code for an input (trimmed, case-insensitive; `Н` → `н`).
    /// A code matches before a label, so a label never shadows another code.
    pub fn code(&self, input: &str) -> Option<&AttendanceCode> {
        let want = input.trim().to_lowercase();
        self.codes
            .iter()
            .find(|c| c.code == want)
            .or_else(|| self.codes.iter().find(|c| c.label.to_lowercase() == want))
    }

    /// Whether a stored attendance code counts as a missed lesson.
    pub fn counts_as_absence(&self, code: &str) -> bool {
        self.codes
            .iter()
            .any(|c| c.code == code && c.counts_as_absence)
    }
}

/// A mark with a value, as [`weighed_marks`] reads it: who has it, its work (and that work's
/// weight), its lesson's day. The columns an average needs, not the whole row.
#[derive(Debug, Clone, PartialEq, sea_orm::FromQueryResult)]
pub struct WeighedMark {
    pub student_id: Uuid,
    pub work_id: Uuid,
    /// The stored scale value (`MarkScale::counting` tells whether and how much it counts).
    pub value: String,
    pub lesson_date: NaiveDate,
    pub work_weight: f64,
}

/// The marks with a value of `students` in `courses` on lessons held from `from` to `to`
/// (inclusive), each with its lesson's day and its work's weight: one joined statement per 500
/// students (the bound keeps the statement under SQLite's parameter limit).
///
/// Which table drives the join is chosen here, not left to the planners, who chose badly:
/// - One course (a journal batch's new averages): the course's lessons in the range
///   (ix_lessons_course_date), each probed for its marks (ix_marks_lesson). Told the marks'
///   course too, PostgreSQL intersected each lesson's marks with the course's whole year of
///   marks (a day's attendance of 28 students, the averages of its answer: 1.3 → 0.6 ms with
///   the planning).
/// - Several courses (a final-mark sheet: the subject's courses over the year): the students'
///   marks in those courses, each probed for its lesson. SQLite's planner (statistics of
///   `sqlite_stat1` only) started from the lessons and took 159 ms instead of 26 for a sheet.
///
/// SQLite keeps the order of a `CROSS JOIN`; sea-query writes it without its `ON`, so the
/// join's condition is a filter there. PostgreSQL gets inner joins in the same order.
pub async fn weighed_marks(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    courses: &[Uuid],
    students: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<WeighedMark>> {
    let sqlite = db.get_database_backend() == sea_orm::DbBackend::Sqlite;
    let join = if sqlite {
        JoinType::CrossJoin
    } else {
        JoinType::InnerJoin
    };
    let same_lesson = sea_orm::sea_query::ExprTrait::equals(
        Expr::col((mark::Entity, mark::Column::LessonId)),
        (lesson::Entity, lesson::Column::Id),
    );
    let mut rows = Vec::new();
    for chunk in students.chunks(500) {
        let mut query = if let [course_id] = courses {
            lesson::Entity::find()
                .join(join, mark::Relation::Lesson.def().rev())
                .filter(lesson::Column::SchoolId.eq(school_id))
                .filter(lesson::Column::CourseId.eq(*course_id))
                .into_query()
        } else {
            mark::Entity::find()
                .join(join, mark::Relation::Lesson.def())
                .filter(mark::Column::SchoolId.eq(school_id))
                .filter(mark::Column::CourseId.is_in(courses.to_vec()))
                // The same as the marks' course (a mark's course is its lesson's).
                .filter(lesson::Column::CourseId.is_in(courses.to_vec()))
                .into_query()
        };
        if sqlite {
            query.and_where(same_lesson.clone());
        }
        query
            .clear_selects()
            .column((mark::Entity, mark::Column::StudentId))
            .column((mark::Entity, mark::Column::WorkId))
            .column((mark::Entity, mark::Column::Value))
            .expr_as(
                Expr::col((lesson::Entity, lesson::Column::Date)),
                "lesson_date",
            )
            .expr_as(
                Expr::col((work::Entity, work::Column::Weight)),
                "work_weight",
            )
            .inner_join(
                work::Entity,
                sea_orm::sea_query::ExprTrait::equals(
                    Expr::col((work::Entity, work::Column::Id)),
                    (mark::Entity, mark::Column::WorkId),
                ),
            )
            .and_where(mark::Column::StudentId.is_in(chunk.to_vec()))
            .and_where(mark::Column::Value.is_not_null())
            .and_where(lesson::Column::Date.gte(from))
            .and_where(lesson::Column::Date.lte(to));
        let stmt = db.get_database_backend().build(&query);
        rows.extend(WeighedMark::find_by_statement(stmt).all(db).await?);
    }
    Ok(rows)
}

async fn load_scales(db: &impl ConnectionTrait, school_id: Uuid) -> AppResult<Vec<MarkScale>> {
    Ok(mark_scale::Entity::find()
        .filter(mark_scale::Column::SchoolId.eq(school_id))
        .order_by_desc(mark_scale::Column::IsDefault)
        .order_by_asc(mark_scale::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(scale_dto)
        .collect())
}

fn scale_dto(m: mark_scale::Model) -> MarkScale {
    MarkScale {
        id: m.id,
        code: m.code,
        name: m.name,
        values: serde_json::from_str(&m.values).unwrap_or_default(),
        is_default: m.is_default,
    }
}

fn work_type_dto(m: work_type::Model) -> WorkType {
    WorkType {
        id: m.id,
        code: m.code,
        name: m.name,
        short_name: m.short_name,
        weight: m.weight,
        position: m.position,
    }
}

fn code_dto(m: attendance_code::Model) -> AttendanceCode {
    AttendanceCode {
        id: m.id,
        code: m.code,
        label: m.label,
        name: m.name,
        counts_as_absence: m.counts_as_absence,
        excused: m.excused,
        position: m.position,
    }
}

/// Gives a school the default scales, work types and attendance codes (when it has no scale yet).
pub async fn seed_defaults(db: &impl ConnectionTrait, school_id: Uuid) -> AppResult<()> {
    let has = mark_scale::Entity::find()
        .filter(mark_scale::Column::SchoolId.eq(school_id))
        .count(db)
        .await?;
    if has > 0 {
        return Ok(());
    }
    let now = Utc::now();
    let scales = [
        (
            "five_point",
            "Пятибалльная",
            MarkScale::five_point_values(),
            true,
        ),
        (
            "pass_fail",
            "Зачёт / незачёт",
            MarkScale::pass_fail_values(),
            false,
        ),
    ];
    mark_scale::Entity::insert_many(scales.into_iter().map(|(code, name, values, default)| {
        mark_scale::ActiveModel {
            id: Set(Uuid::now_v7()),
            school_id: Set(school_id),
            code: Set(code.into()),
            name: Set(name.into()),
            values: Set(serde_json::to_string(&values).unwrap_or_default()),
            is_default: Set(default),
            created_at: Set(now),
        }
    }))
    .exec(db)
    .await?;
    work_type::Entity::insert_many(DEFAULT_WORK_TYPES.iter().enumerate().map(
        |(i, (code, name, short, weight))| work_type::ActiveModel {
            id: Set(Uuid::now_v7()),
            school_id: Set(school_id),
            code: Set((*code).into()),
            name: Set((*name).into()),
            short_name: Set((*short).into()),
            weight: Set(*weight),
            position: Set(i as i32),
            created_at: Set(now),
        },
    ))
    .exec(db)
    .await?;
    attendance_code::Entity::insert_many(DEFAULT_ATTENDANCE_CODES.iter().enumerate().map(
        |(i, (code, label, name, counts, excused))| attendance_code::ActiveModel {
            id: Set(Uuid::now_v7()),
            school_id: Set(school_id),
            code: Set((*code).into()),
            label: Set((*label).into()),
            name: Set((*name).into()),
            counts_as_absence: Set(*counts),
            excused: Set(*excused),
            position: Set(i as i32),
            created_at: Set(now),
        },
    ))
    .exec(db)
    .await?;
    Ok(())
}

/// The school's mark settings. Any member.
pub async fn get_settings(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
) -> AppResult<MarkSettings> {
    policy::authorize(actor, school_id, Action::ReadStructure)?;
    let cfg = MarkConfig::load(db, school_id).await?;
    let settings = get_settings_row(db, school_id).await?;
    Ok(MarkSettings {
        scales: cfg.scales,
        work_types: cfg.work_types,
        attendance_codes: cfg.codes,
        edit_window_days: settings.edit_window_days,
    })
}

// ---------- scales ----------

/// A scale of the school, or 404.
pub async fn scale_row(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<mark_scale::Model> {
    mark_scale::Entity::find_by_id(id)
        .filter(mark_scale::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("mark scale"))
}

fn check_code(field: &str, code: &str) -> AppResult<String> {
    let c = code.trim().to_string();
    if c.is_empty()
        || !c
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
    {
        return Err(AppError::field(
            field,
            "format",
            "a code is lower-case latin letters, digits and _",
        ));
    }
    Ok(c)
}

fn clean_values(values: &[ScaleValue]) -> AppResult<Vec<ScaleValue>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let value = v.value.trim().to_lowercase();
        let label = v.label.trim().to_string();
        if value.is_empty() || label.is_empty() {
            return Err(AppError::field(
                &format!("values[{i}].value"),
                "required",
                "value and label must not be blank",
            ));
        }
        if value.chars().count() > 8 || label.chars().count() > 16 {
            return Err(AppError::field(
                &format!("values[{i}].value"),
                "length",
                "a value is 1–8 and a label 1–16 characters (after lower-casing)",
            ));
        }
        // Values and labels share one namespace: what a teacher types must mean one value.
        let label_key = label.to_lowercase();
        if !seen.insert(value.clone()) || (label_key != value && !seen.insert(label_key)) {
            return Err(AppError::field(
                &format!("values[{i}].value"),
                "duplicate",
                format!("the value or label of {value} is already another value's"),
            ));
        }
        if v.counts
            && !v
                .numeric
                .is_some_and(|n| n.is_finite() && (0.0..=100.0).contains(&n))
        {
            return Err(AppError::field(
                &format!("values[{i}].numeric"),
                "required",
                "a value that counts in averages needs a number (0–100)",
            ));
        }
        out.push(ScaleValue {
            value,
            label,
            numeric: v.numeric.filter(|n| n.is_finite()),
            counts: v.counts,
            passing: v.passing,
        });
    }
    Ok(out)
}

/// Refuses (409 `in_use`) when a stored mark's value is not on the scale its subject now uses
/// (after a scale or subject change, inside the caller's transaction).
pub async fn ensure_marks_fit(db: &impl ConnectionTrait, school_id: Uuid) -> AppResult<()> {
    let cfg = MarkConfig::load(db, school_id).await?;
    let subjects: HashMap<Uuid, (String, Option<Uuid>)> = subject::Entity::find()
        .filter(subject::Column::SchoolId.eq(school_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, (s.name, s.mark_scale_id)))
        .collect();
    let courses: HashMap<Uuid, Uuid> = course::Entity::find()
        .filter(course::Column::SchoolId.eq(school_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.subject_id))
        .collect();
    let used: Vec<(Uuid, Option<String>)> = mark::Entity::find()
        .select_only()
        .column(mark::Column::CourseId)
        .column(mark::Column::Value)
        .distinct()
        .filter(mark::Column::SchoolId.eq(school_id))
        .filter(mark::Column::Value.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    for (course_id, value) in used {
        let Some(value) = value else { continue };
        let Some((name, scale)) = courses.get(&course_id).and_then(|s| subjects.get(s)) else {
            continue;
        };
        let scale = cfg.scale(*scale);
        if !scale.values.iter().any(|v| v.value == value) {
            return Err(AppError::new(ErrorCode::InUse).detail(format!(
                "marks «{value}» of {name} would not be on the scale «{}»",
                scale.name
            )));
        }
    }
    Ok(())
}

/// Creates or changes a mark scale. Admin. Making it the default un-defaults the other one.
/// Errors: 403, 404, 409 `conflict` (code taken, or un-defaulting the only default), 409
/// `in_use` (a value marks use would go), 422.
pub async fn write_scale(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Option<Uuid>,
    input: MarkScaleInput,
) -> AppResult<MarkScale> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    input.validate()?;
    let code = check_code("code", &input.code)?;
    let values = clean_values(&input.values)?;
    let name = input.name.trim().to_string();
    let txn = begin_locked(db, school_id).await?;
    let old = match id {
        Some(id) => Some(scale_row(&txn, school_id, id).await?),
        None => None,
    };
    if let Some(o) = mark_scale::Entity::find()
        .filter(mark_scale::Column::SchoolId.eq(school_id))
        .filter(mark_scale::Column::Code.eq(&code))
        .one(&txn)
        .await?
        && Some(o.id) != id
    {
        return Err(AppError::new(ErrorCode::Conflict).detail(format!("scale {code} exists")));
    }
    if old.as_ref().is_some_and(|o| o.is_default) && !input.is_default {
        return Err(
            AppError::new(ErrorCode::Conflict).detail("make another scale the default instead")
        );
    }
    if input.is_default {
        mark_scale::Entity::update_many()
            .col_expr(mark_scale::Column::IsDefault, Expr::value(false))
            .filter(mark_scale::Column::SchoolId.eq(school_id))
            .exec(&txn)
            .await?;
    }
    let json = serde_json::to_string(&values).map_err(AppError::internal)?;
    let row = match &old {
        Some(o) => {
            let mut am: mark_scale::ActiveModel = o.clone().into();
            am.code = Set(code);
            am.name = Set(name);
            am.values = Set(json);
            am.is_default = Set(input.is_default);
            am.update(&txn).await?
        }
        None => {
            mark_scale::ActiveModel {
                id: Set(Uuid::now_v7()),
                school_id: Set(school_id),
                code: Set(code),
                name: Set(name),
                values: Set(json),
                is_default: Set(input.is_default),
                created_at: Set(Utc::now()),
            }
            .insert(&txn)
            .await?
        }
    };
    ensure_marks_fit(&txn, school_id).await?;
    let out = scale_dto(row);
    Audit::new(if old.is_some() {
        "mark_scale_changed"
    } else {
        "mark_scale_created"
    })
    .school(school_id)
    .by(actor)
    .object("mark_scale", out.id)
    .old(
        old.map(|o| serde_json::to_value(scale_dto(o)).unwrap_or_default())
            .unwrap_or_default(),
    )
    .new_value(serde_json::to_value(&out).unwrap_or_default())
    .write(&txn)
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// Deletes a scale no subject uses. Admin. Errors: 403, 404, 409 `conflict` (the default
/// scale), 409 `in_use` (a subject uses it).
pub async fn delete_scale(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<()> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    let txn = begin_locked(db, school_id).await?;
    let old = scale_row(&txn, school_id, id).await?;
    if old.is_default {
        return Err(AppError::new(ErrorCode::Conflict).detail("the default scale stays"));
    }
    if let Some(s) = subject::Entity::find()
        .filter(subject::Column::SchoolId.eq(school_id))
        .filter(subject::Column::MarkScaleId.eq(id))
        .one(&txn)
        .await?
    {
        return Err(AppError::new(ErrorCode::InUse)
            .detail(format!("the subject {} uses this scale", s.name)));
    }
    mark_scale::Entity::delete_by_id(id).exec(&txn).await?;
    Audit::new("mark_scale_deleted")
        .school(school_id)
        .by(actor)
        .object("mark_scale", id)
        .old(serde_json::to_value(scale_dto(old)).unwrap_or_default())
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

// ---------- work types ----------

/// Creates or changes a work type. Admin. A new default weight applies to works created from
/// now on; existing works keep theirs. Errors: 403, 404, 409 `conflict` (code taken), 422.
pub async fn write_work_type(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Option<Uuid>,
    input: WorkTypeInput,
) -> AppResult<WorkType> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    input.validate()?;
    let code = check_code("code", &input.code)?;
    let txn = begin_locked(db, school_id).await?;
    let old = match id {
        Some(id) => Some(
            work_type::Entity::find_by_id(id)
                .filter(work_type::Column::SchoolId.eq(school_id))
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::not_found("work type"))?,
        ),
        None => None,
    };
    if let Some(o) = work_type::Entity::find()
        .filter(work_type::Column::SchoolId.eq(school_id))
        .filter(work_type::Column::Code.eq(&code))
        .one(&txn)
        .await?
        && Some(o.id) != id
    {
        return Err(AppError::new(ErrorCode::Conflict).detail(format!("work type {code} exists")));
    }
    let row = match &old {
        Some(o) => {
            let mut am: work_type::ActiveModel = o.clone().into();
            am.code = Set(code);
            am.name = Set(input.name.trim().into());
            am.short_name = Set(input.short_name.trim().into());
            am.weight = Set(input.weight);
            am.position = Set(input.position);
            am.update(&txn).await?
        }
        None => {
            work_type::ActiveModel {
                id: Set(Uuid::now_v7()),
                school_id: Set(school_id),
                code: Set(code),
                name: Set(input.name.trim().into()),
                short_name: Set(input.short_name.trim().into()),
                weight: Set(input.weight),
                position: Set(input.position),
                created_at: Set(Utc::now()),
            }
            .insert(&txn)
            .await?
        }
    };
    let out = work_type_dto(row);
    Audit::new(if old.is_some() {
        "work_type_changed"
    } else {
        "work_type_created"
    })
    .school(school_id)
    .by(actor)
    .object("work_type", out.id)
    .old(
        old.map(|o| serde_json::to_value(work_type_dto(o)).unwrap_or_default())
            .unwrap_or_default(),
    )
    .new_value(serde_json::to_value(&out).unwrap_or_default())
    .write(&txn)
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// Deletes a work type no work uses. Admin. Errors: 403, 404, 409 `in_use`, 409 `conflict`
/// (the last work type).
pub async fn delete_work_type(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<()> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    let txn = begin_locked(db, school_id).await?;
    let old = work_type::Entity::find_by_id(id)
        .filter(work_type::Column::SchoolId.eq(school_id))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("work type"))?;
    if work::Entity::find()
        .filter(work::Column::WorkTypeId.eq(id))
        .count(&txn)
        .await?
        > 0
    {
        return Err(AppError::new(ErrorCode::InUse).detail("works of this type exist"));
    }
    if work_type::Entity::find()
        .filter(work_type::Column::SchoolId.eq(school_id))
        .count(&txn)
        .await?
        <= 1
    {
        return Err(AppError::new(ErrorCode::Conflict).detail("a school keeps one work type"));
    }
    work_type::Entity::delete_by_id(id).exec(&txn).await?;
    Audit::new("work_type_deleted")
        .school(school_id)
        .by(actor)
        .object("work_type", id)
        .old(serde_json::to_value(work_type_dto(old)).unwrap_or_default())
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

// ---------- attendance codes ----------

/// Creates or changes an attendance code. Admin. The `code` of an existing one is fixed (it is
/// stored in attendance cells). Errors: 403, 404, 409 `conflict` (code taken), 422.
pub async fn write_attendance_code(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Option<Uuid>,
    input: AttendanceCodeInput,
) -> AppResult<AttendanceCode> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    input.validate()?;
    let code = input.code.trim().to_lowercase();
    if code.is_empty()
        || code.chars().count() > 4
        || code
            .chars()
            .any(|c| c.is_whitespace() || c.is_ascii_digit())
    {
        return Err(AppError::field(
            "code",
            "format",
            "a code is 1–4 letters without spaces",
        ));
    }
    let label_key = input.label.trim().to_lowercase();
    let txn = begin_locked(db, school_id).await?;
    let old = match id {
        Some(id) => Some(
            attendance_code::Entity::find_by_id(id)
                .filter(attendance_code::Column::SchoolId.eq(school_id))
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::not_found("attendance code"))?,
        ),
        None => None,
    };
    // Codes and labels share one namespace: what a teacher types must mean one code.
    let clash = attendance_code::Entity::find()
        .filter(attendance_code::Column::SchoolId.eq(school_id))
        .all(&txn)
        .await?
        .into_iter()
        .filter(|c| Some(c.id) != id)
        .find(|c| {
            let cl = c.label.to_lowercase();
            c.code == label_key || cl == label_key || cl == code
        });
    if let Some(c) = clash {
        return Err(AppError::field(
            "label",
            "duplicate",
            format!(
                "«{}» is already the code or label of «{}»",
                input.label.trim(),
                c.name
            ),
        ));
    }
    if let Some(o) = &old
        && o.code != code
    {
        return Err(AppError::field(
            "code",
            "immutable",
            "the code of an attendance code cannot change; create a new one",
        ));
    }
    if old.is_none()
        && attendance_code::Entity::find()
            .filter(attendance_code::Column::SchoolId.eq(school_id))
            .filter(attendance_code::Column::Code.eq(&code))
            .count(&txn)
            .await?
            > 0
    {
        return Err(AppError::new(ErrorCode::Conflict).detail(format!("code {code} exists")));
    }
    let row = match &old {
        Some(o) => {
            let mut am: attendance_code::ActiveModel = o.clone().into();
            am.label = Set(input.label.trim().into());
            am.name = Set(input.name.trim().into());
            am.counts_as_absence = Set(input.counts_as_absence);
            am.excused = Set(input.excused);
            am.position = Set(input.position);
            am.update(&txn).await?
        }
        None => {
            attendance_code::ActiveModel {
                id: Set(Uuid::now_v7()),
                school_id: Set(school_id),
                code: Set(code),
                label: Set(input.label.trim().into()),
                name: Set(input.name.trim().into()),
                counts_as_absence: Set(input.counts_as_absence),
                excused: Set(input.excused),
                position: Set(input.position),
                created_at: Set(Utc::now()),
            }
            .insert(&txn)
            .await?
        }
    };
    let out = code_dto(row);
    Audit::new(if old.is_some() {
        "attendance_code_changed"
    } else {
        "attendance_code_created"
    })
    .school(school_id)
    .by(actor)
    .object("attendance_code", out.id)
    .old(
        old.map(|o| serde_json::to_value(code_dto(o)).unwrap_or_default())
            .unwrap_or_default(),
    )
    .new_value(serde_json::to_value(&out).unwrap_or_default())
    .write(&txn)
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// Deletes an attendance code no cell uses. Admin. Errors: 403, 404, 409 `in_use`.
pub async fn delete_attendance_code(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<()> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    let txn = begin_locked(db, school_id).await?;
    let old = attendance_code::Entity::find_by_id(id)
        .filter(attendance_code::Column::SchoolId.eq(school_id))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("attendance code"))?;
    if attendance::Entity::find()
        .filter(attendance::Column::SchoolId.eq(school_id))
        .filter(attendance::Column::Code.eq(&old.code))
        .count(&txn)
        .await?
        > 0
    {
        return Err(AppError::new(ErrorCode::InUse).detail("attendance cells use this code"));
    }
    attendance_code::Entity::delete_by_id(id).exec(&txn).await?;
    Audit::new("attendance_code_deleted")
        .school(school_id)
        .by(actor)
        .object("attendance_code", id)
        .old(serde_json::to_value(code_dto(old)).unwrap_or_default())
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Refuses (409 `in_use`) to give a subject a scale its existing marks are not on.
pub async fn check_subject_scale(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    subject_id: Uuid,
    scale_id: Option<Uuid>,
) -> AppResult<()> {
    let cfg = MarkConfig::load(db, school_id).await?;
    let scale = cfg.scale(scale_id);
    let courses: Vec<Uuid> = course::Entity::find()
        .select_only()
        .column(course::Column::Id)
        .filter(course::Column::SchoolId.eq(school_id))
        .filter(course::Column::SubjectId.eq(subject_id))
        .into_tuple()
        .all(db)
        .await?;
    if courses.is_empty() {
        return Ok(());
    }
    let used: Vec<Option<String>> = mark::Entity::find()
        .select_only()
        .column(mark::Column::Value)
        .distinct()
        .filter(mark::Column::CourseId.is_in(courses))
        .filter(mark::Column::Value.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    if let Some(v) = used
        .into_iter()
        .flatten()
        .find(|v| !scale.values.iter().any(|s| &s.value == v))
    {
        return Err(AppError::new(ErrorCode::InUse).detail(format!(
            "marks «{v}» of this subject are not on the scale «{}»",
            scale.name
        )));
    }
    Ok(())
}
