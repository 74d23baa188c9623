//! The roster (regulation §2, §5): enrollments with history (arrival, transfer, withdrawal),
//! class lists on any date, guardian links, and invite sheets for a class.
//!
//! Enrollment rule: a student is on a class list on day D when an enrollment has
//! `starts_on ≤ D` and (`ends_on` is empty or `ends_on ≥ D`). Withdrawal on day W sets
//! `ends_on = W − 1` (on the list up to the day before); a transfer on day T ends the old
//! enrollment on T − 1 and starts the new one on T. Rows are never deleted or overwritten
//! silently: corrections are audited with the old and new dates.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use otmetka_domain::person::{PersonKind, full_name};
use otmetka_domain::roster::{
    ArriveRequest, ClassStudent, EndReason, Enrollment, EnrollmentCorrection, GuardianLink,
    GuardianLinkInput, InviteSheet, InviteSlip, StartReason, TransferRequest, WithdrawRequest,
};
use otmetka_domain::{ErrorCode, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;
use validator::Validate;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::entity::{class, enrollment, group, group_member, guardian_link, invite_code, person};
use crate::error::{AppError, AppResult};
use crate::service::audit::Audit;
use crate::service::structure::{class_row, on_date, school_row, school_today_at};

fn conflict(msg: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::Conflict).detail(msg)
}

fn name_of(p: &person::Model) -> String {
    full_name(&p.last_name, &p.first_name, p.middle_name.as_deref())
}

/// A person of the school of the given kind, or 404.
pub async fn person_of_kind(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    id: Uuid,
    kind: PersonKind,
) -> AppResult<person::Model> {
    person::Entity::find_by_id(id)
        .filter(person::Column::SchoolId.eq(school_id))
        .filter(person::Column::Kind.eq(kind.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(kind.as_str()))
}

fn enrollment_dto(e: enrollment::Model, class_name: String) -> Enrollment {
    Enrollment {
        id: e.id,
        student_id: e.student_id,
        class_id: e.class_id,
        class_name,
        starts_on: e.starts_on,
        ends_on: e.ends_on,
        start_reason: if e.start_reason == "transfer" {
            StartReason::Transfer
        } else {
            StartReason::Arrival
        },
        end_reason: e.end_reason.as_deref().map(|r| {
            if r == "transfer" {
                EndReason::Transfer
            } else {
                EndReason::Withdrawal
            }
        }),
        end_note: e.end_note,
    }
}

/// True when the actor is the class teacher of the class: their person in the school is it and
/// they hold the teacher role there (a former teacher still named on the class is not).
pub async fn is_class_teacher(
    db: &impl ConnectionTrait,
    actor: &Actor,
    c: &class::Model,
) -> AppResult<bool> {
    let Some(t) = c.class_teacher_id else {
        return Ok(false);
    };
    if !actor.has_role(c.school_id, Role::Teacher) {
        return Ok(false);
    }
    Ok(person::Entity::find_by_id(t)
        .one(db)
        .await?
        .is_some_and(|p| p.account_id == Some(actor.account_id)))
}

/// Roster reading for a class: admin and principal, or the class's class teacher.
async fn authorize_class_read(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    c: &class::Model,
) -> AppResult<()> {
    if policy::allows(actor, school_id, Action::ReadRoster)?
        || is_class_teacher(db, actor, c).await?
    {
        return Ok(());
    }
    // Logs the refusal.
    policy::authorize(actor, school_id, Action::ReadRoster)
}

/// The class list on a day (default: today in the school's zone), by name. Admin, principal,
/// the class teacher.
pub async fn class_students(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    class_id: Uuid,
    on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> AppResult<Vec<ClassStudent>> {
    policy::authorize(actor, school_id, Action::ReadStructure)?;
    let c = class_row(db, school_id, class_id).await?;
    authorize_class_read(db, actor, school_id, &c).await?;
    let day = match on {
        Some(d) => d,
        None => school_today_at(&school_row(db, school_id).await?.time_zone, now),
    };
    let rows = enrollment::Entity::find()
        .filter(enrollment::Column::ClassId.eq(class_id))
        .filter(on_date(day))
        .find_also_related(person::Entity)
        .all(db)
        .await?;
    let groups = group::Entity::find()
        .filter(group::Column::ClassId.eq(class_id))
        .all(db)
        .await?;
    let members = group_member::Entity::find()
        .filter(
            group_member::Column::GroupId.is_in(groups.iter().map(|g| g.id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?;
    let mut out: Vec<ClassStudent> = rows
        .into_iter()
        .filter_map(|(e, p)| p.map(|p| (e, p)))
        .map(|(e, p)| {
            let mut nums: Vec<i32> = members
                .iter()
                .filter(|m| m.student_id == p.id)
                .filter_map(|m| groups.iter().find(|g| g.id == m.group_id).map(|g| g.number))
                .collect();
            nums.sort();
            ClassStudent {
                student_id: p.id,
                last_name: p.last_name,
                first_name: p.first_name,
                middle_name: p.middle_name,
                external_id: p.external_id,
                enrollment_id: e.id,
                starts_on: e.starts_on,
                ends_on: e.ends_on,
                group_numbers: nums,
                has_account: p.account_id.is_some(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.last_name, &a.first_name, &a.middle_name).cmp(&(
            &b.last_name,
            &b.first_name,
            &b.middle_name,
        ))
    });
    Ok(out)
}

/// A student's enrollment history, oldest first. Admin, principal, the student, their parents.
pub async fn history(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    student_id: Uuid,
) -> AppResult<Vec<Enrollment>> {
    authorize_person_read(db, actor, school_id, student_id).await?;
    let rows = enrollment::Entity::find()
        .filter(enrollment::Column::StudentId.eq(student_id))
        .filter(enrollment::Column::SchoolId.eq(school_id))
        .order_by_asc(enrollment::Column::StartsOn)
        .all(db)
        .await?;
    let names: HashMap<Uuid, String> = class::Entity::find()
        .filter(class::Column::Id.is_in(rows.iter().map(|e| e.class_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|e| {
            let n = names.get(&e.class_id).cloned().unwrap_or_default();
            enrollment_dto(e, n)
        })
        .collect())
}

/// Reading a person's roster data: admin/principal; the person themself; a linked parent of a
/// student; a linked child of a parent. Others: 403 (members) or 404 (strangers).
pub async fn authorize_person_read(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    person_id: Uuid,
) -> AppResult<()> {
    if policy::allows(actor, school_id, Action::ReadRoster)? {
        // Readers of the whole roster still learn nothing of ids outside the school.
        return person::Entity::find_by_id(person_id)
            .filter(person::Column::SchoolId.eq(school_id))
            .one(db)
            .await?
            .map(|_| ())
            .ok_or_else(|| AppError::not_found("person"));
    }
    let mine: Vec<Uuid> = person::Entity::find()
        .filter(person::Column::SchoolId.eq(school_id))
        .filter(person::Column::AccountId.eq(actor.account_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    if mine.contains(&person_id) {
        return Ok(());
    }
    let linked = guardian_link::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(guardian_link::Column::ParentId.is_in(mine.clone()))
                        .add(guardian_link::Column::StudentId.eq(person_id)),
                )
                .add(
                    Condition::all()
                        .add(guardian_link::Column::StudentId.is_in(mine))
                        .add(guardian_link::Column::ParentId.eq(person_id)),
                ),
        )
        .one(db)
        .await?
        .is_some();
    if linked {
        Ok(())
    } else {
        tracing::warn!(actor = %actor.account_id, person = %person_id, "access denied: not linked to the person");
        Err(AppError::forbidden())
    }
}

async fn open_enrollment(
    db: &impl ConnectionTrait,
    student_id: Uuid,
) -> AppResult<Option<enrollment::Model>> {
    Ok(enrollment::Entity::find()
        .filter(enrollment::Column::StudentId.eq(student_id))
        .filter(enrollment::Column::EndsOn.is_null())
        .one(db)
        .await?)
}

/// Inserts an enrollment starting on `date` (no permission check).
pub async fn insert_enrollment(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    student_id: Uuid,
    class_id: Uuid,
    date: NaiveDate,
    reason: StartReason,
) -> AppResult<enrollment::Model> {
    Ok(enrollment::ActiveModel {
        id: Set(Uuid::now_v7()),
        school_id: Set(school_id),
        student_id: Set(student_id),
        class_id: Set(class_id),
        starts_on: Set(date),
        ends_on: Set(None),
        start_reason: Set(match reason {
            StartReason::Arrival => "arrival".into(),
            StartReason::Transfer => "transfer".into(),
        }),
        end_reason: Set(None),
        end_note: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

async fn check_no_overlap(
    db: &impl ConnectionTrait,
    student_id: Uuid,
    from: NaiveDate,
    except: Option<Uuid>,
) -> AppResult<()> {
    let rows = enrollment::Entity::find()
        .filter(enrollment::Column::StudentId.eq(student_id))
        .all(db)
        .await?;
    if let Some(o) = rows
        .iter()
        .filter(|e| Some(e.id) != except)
        .find(|e| e.ends_on.is_none_or(|end| end >= from))
    {
        return Err(conflict(format!(
            "the student is enrolled from {} {}; the new enrollment would overlap it",
            o.starts_on,
            o.ends_on
                .map(|d| format!("to {d}"))
                .unwrap_or_else(|| "on".into())
        )));
    }
    Ok(())
}

/// Arrival: the student comes into a class on a date. Admin. Errors: 404; 409 when the student
/// is enrolled on or after that date.
pub async fn arrive(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    student_id: Uuid,
    req: ArriveRequest,
) -> AppResult<Enrollment> {
    policy::authorize(actor, school_id, Action::ManageRoster)?;
    person_of_kind(db, school_id, student_id, PersonKind::Student).await?;
    let c = class_row(db, school_id, req.class_id).await?;
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    check_no_overlap(&txn, student_id, req.date, None).await?;
    let e = insert_enrollment(
        &txn,
        school_id,
        student_id,
        c.id,
        req.date,
        StartReason::Arrival,
    )
    .await?;
    Audit::new("student_arrived")
        .school(school_id)
        .by(actor)
        .object("person", student_id)
        .new_value(serde_json::json!({ "class": c.name, "starts_on": req.date }))
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(enrollment_dto(e, c.name))
}

/// Transfer to another class from a date: the open enrollment ends the day before. Admin.
/// Errors: 404; 409 no open enrollment, the same class, or a date not after its start.
pub async fn transfer(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    student_id: Uuid,
    req: TransferRequest,
) -> AppResult<Enrollment> {
    policy::authorize(actor, school_id, Action::ManageRoster)?;
    person_of_kind(db, school_id, student_id, PersonKind::Student).await?;
    let c = class_row(db, school_id, req.class_id).await?;
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let open = open_enrollment(&txn, student_id)
        .await?
        .ok_or_else(|| conflict("the student is not enrolled"))?;
    if open.class_id == c.id {
        return Err(conflict("the student is already in this class"));
    }
    if req.date <= open.starts_on {
        return Err(AppError::field(
            "date",
            "range",
            format!("the transfer must be after {}", open.starts_on),
        ));
    }
    close(&txn, &open, req.date, "transfer", None).await?;
    let e = insert_enrollment(
        &txn,
        school_id,
        student_id,
        c.id,
        req.date,
        StartReason::Transfer,
    )
    .await?;
    // Subgroup memberships belong to the old class.
    let old_groups: Vec<Uuid> = group::Entity::find()
        .filter(group::Column::ClassId.eq(open.class_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    group_member::Entity::delete_many()
        .filter(group_member::Column::StudentId.eq(student_id))
        .filter(group_member::Column::GroupId.is_in(old_groups))
        .exec(&txn)
        .await?;
    Audit::new("student_transferred")
        .school(school_id)
        .by(actor)
        .object("person", student_id)
        .old(serde_json::json!({ "class_id": open.class_id }))
        .new_value(serde_json::json!({ "class": c.name, "starts_on": req.date }))
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(enrollment_dto(e, c.name))
}

async fn close(
    db: &impl ConnectionTrait,
    e: &enrollment::Model,
    first_day_out: NaiveDate,
    reason: &str,
    note: Option<String>,
) -> AppResult<()> {
    enrollment::Entity::update_many()
        .col_expr(
            enrollment::Column::EndsOn,
            Expr::value(first_day_out - Duration::days(1)),
        )
        .col_expr(enrollment::Column::EndReason, Expr::value(reason))
        .col_expr(enrollment::Column::EndNote, Expr::value(note))
        .filter(enrollment::Column::Id.eq(e.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Withdrawal: the student leaves the school on a date (on the list up to the day before).
/// Admin. Errors: 404; 409 not enrolled; 422 a date not after the enrollment's start.
pub async fn withdraw(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    student_id: Uuid,
    req: WithdrawRequest,
) -> AppResult<Enrollment> {
    policy::authorize(actor, school_id, Action::ManageRoster)?;
    req.validate()?;
    person_of_kind(db, school_id, student_id, PersonKind::Student).await?;
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let open = open_enrollment(&txn, student_id)
        .await?
        .ok_or_else(|| conflict("the student is not enrolled"))?;
    if req.date <= open.starts_on {
        return Err(AppError::field(
            "date",
            "range",
            format!("the withdrawal must be after {}", open.starts_on),
        ));
    }
    let reason = req.reason.trim().to_string();
    close(&txn, &open, req.date, "withdrawal", Some(reason.clone())).await?;
    Audit::new("student_withdrawn")
        .school(school_id)
        .by(actor)
        .object("person", student_id)
        .new_value(serde_json::json!({ "left_on": req.date, "reason": reason }))
        .write(&txn)
        .await?;
    let e = enrollment::Entity::find_by_id(open.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("enrollment"))?;
    txn.commit().await?;
    let c = class_row(db, school_id, e.class_id).await?;
    Ok(enrollment_dto(e, c.name))
}

/// Corrects an enrollment's dates (e.g. the student actually came earlier). Admin; audited with
/// the old and new dates. Errors: 404; 422 dates out of order; 409 overlap with another enrollment.
pub async fn correct(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    enrollment_id: Uuid,
    req: EnrollmentCorrection,
) -> AppResult<Enrollment> {
    policy::authorize(actor, school_id, Action::ManageRoster)?;
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let e = enrollment::Entity::find_by_id(enrollment_id)
        .filter(enrollment::Column::SchoolId.eq(school_id))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("enrollment"))?;
    let starts = req.starts_on.unwrap_or(e.starts_on);
    if req.ends_on.is_some() && e.ends_on.is_none() {
        return Err(AppError::field(
            "ends_on",
            "state",
            "use withdraw or transfer to end an open enrollment",
        ));
    }
    let ends = req.ends_on.or(e.ends_on);
    if ends.is_some_and(|d| d < starts) {
        return Err(AppError::field(
            "ends_on",
            "range",
            "the enrollment must not end before it starts",
        ));
    }
    let others = enrollment::Entity::find()
        .filter(enrollment::Column::StudentId.eq(e.student_id))
        .filter(enrollment::Column::Id.ne(e.id))
        .all(&txn)
        .await?;
    if let Some(o) = others.iter().find(|o| {
        o.starts_on <= ends.unwrap_or(NaiveDate::MAX)
            && starts <= o.ends_on.unwrap_or(NaiveDate::MAX)
    }) {
        return Err(conflict(format!(
            "the dates would overlap the enrollment from {}",
            o.starts_on
        )));
    }
    let mut am: enrollment::ActiveModel = e.clone().into();
    am.starts_on = Set(starts);
    am.ends_on = Set(ends);
    let updated = am.update(&txn).await?;
    Audit::new("enrollment_corrected")
        .school(school_id)
        .by(actor)
        .object("enrollment", e.id)
        .old(serde_json::json!({ "starts_on": e.starts_on, "ends_on": e.ends_on }))
        .new_value(serde_json::json!({ "starts_on": starts, "ends_on": ends }))
        .write(&txn)
        .await?;
    txn.commit().await?;
    let c = class_row(db, school_id, updated.class_id).await?;
    Ok(enrollment_dto(updated, c.name))
}

// ---------- guardians ----------

/// Guardian links of a person: a student's parents, or a parent's children (each listed once).
/// Admin, principal, the person, the linked persons.
pub async fn guardians(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    person_id: Uuid,
) -> AppResult<Vec<GuardianLink>> {
    authorize_person_read(db, actor, school_id, person_id).await?;
    links_of(db, school_id, &[person_id]).await
}

/// The links touching any of the persons, by student then parent name, without duplicates.
pub async fn links_of(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    person_ids: &[Uuid],
) -> AppResult<Vec<GuardianLink>> {
    let links = guardian_link::Entity::find()
        .filter(guardian_link::Column::SchoolId.eq(school_id))
        .filter(
            Condition::any()
                .add(guardian_link::Column::ParentId.is_in(person_ids.to_vec()))
                .add(guardian_link::Column::StudentId.is_in(person_ids.to_vec())),
        )
        .all(db)
        .await?;
    let ids: HashSet<Uuid> = links
        .iter()
        .flat_map(|l| [l.parent_id, l.student_id])
        .collect();
    let persons: HashMap<Uuid, person::Model> = person::Entity::find()
        .filter(person::Column::Id.is_in(ids.into_iter().collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut seen = HashSet::new();
    let mut out: Vec<GuardianLink> = links
        .into_iter()
        .filter(|l| seen.insert((l.parent_id, l.student_id)))
        .filter_map(|l| {
            let p = persons.get(&l.parent_id)?;
            let s = persons.get(&l.student_id)?;
            Some(GuardianLink {
                parent_id: p.id,
                parent_name: name_of(p),
                student_id: s.id,
                student_name: name_of(s),
                relation: l.relation,
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.student_name, &a.parent_name).cmp(&(&b.student_name, &b.parent_name)));
    Ok(out)
}

/// Inserts or updates a link (no permission check). Returns true when created.
pub async fn save_link(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    parent_id: Uuid,
    student_id: Uuid,
    relation: Option<String>,
) -> AppResult<bool> {
    if let Some(l) = guardian_link::Entity::find()
        .filter(guardian_link::Column::ParentId.eq(parent_id))
        .filter(guardian_link::Column::StudentId.eq(student_id))
        .one(db)
        .await?
    {
        if l.relation != relation {
            let mut am: guardian_link::ActiveModel = l.into();
            am.relation = Set(relation);
            am.update(db).await?;
        }
        return Ok(false);
    }
    guardian_link::ActiveModel {
        id: Set(Uuid::now_v7()),
        school_id: Set(school_id),
        parent_id: Set(parent_id),
        student_id: Set(student_id),
        relation: Set(relation),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(true)
}

/// Links a parent to a student (idempotent; a second link of the same pair updates the relation).
/// Admin. Errors: 404 student or parent of this school.
pub async fn link(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    student_id: Uuid,
    input: GuardianLinkInput,
) -> AppResult<Vec<GuardianLink>> {
    policy::authorize(actor, school_id, Action::ManageRoster)?;
    input.validate()?;
    person_of_kind(db, school_id, student_id, PersonKind::Student).await?;
    person_of_kind(db, school_id, input.parent_id, PersonKind::Parent).await?;
    let relation = input
        .relation
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    save_link(db, school_id, input.parent_id, student_id, relation.clone()).await?;
    Audit::new("guardian_linked")
        .school(school_id)
        .by(actor)
        .object("person", student_id)
        .new_value(serde_json::json!({ "parent_id": input.parent_id, "relation": relation }))
        .write(db)
        .await?;
    links_of(db, school_id, &[student_id]).await
}

/// Removes a parent ↔ student link. Admin. Errors: 404 when there is no such link.
pub async fn unlink(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    student_id: Uuid,
    parent_id: Uuid,
) -> AppResult<()> {
    policy::authorize(actor, school_id, Action::ManageRoster)?;
    let n = guardian_link::Entity::delete_many()
        .filter(guardian_link::Column::SchoolId.eq(school_id))
        .filter(guardian_link::Column::StudentId.eq(student_id))
        .filter(guardian_link::Column::ParentId.eq(parent_id))
        .exec(db)
        .await?
        .rows_affected;
    if n == 0 {
        return Err(AppError::not_found("guardian link"));
    }
    Audit::new("guardian_unlinked")
        .school(school_id)
        .by(actor)
        .object("person", student_id)
        .old(serde_json::json!({ "parent_id": parent_id }))
        .write(db)
        .await
}

// ---------- invite sheets ----------

/// Issues codes for every student on the class list today and every parent of theirs who has no
/// account yet; earlier active codes of those persons are revoked (a reissue). Admin.
pub async fn invite_sheet(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    class_id: Uuid,
    ttl_days: u32,
    now: DateTime<Utc>,
) -> AppResult<InviteSheet> {
    policy::authorize(actor, school_id, Action::ManageRoster)?;
    let s = school_row(db, school_id).await?;
    let c = class_row(db, school_id, class_id).await?;
    let today = school_today_at(&s.time_zone, now);
    let students: Vec<person::Model> = enrollment::Entity::find()
        .filter(enrollment::Column::ClassId.eq(class_id))
        .filter(on_date(today))
        .find_also_related(person::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(_, p)| p)
        .collect();
    let links = links_of(
        db,
        school_id,
        &students.iter().map(|p| p.id).collect::<Vec<_>>(),
    )
    .await?;
    let parents: HashMap<Uuid, person::Model> = person::Entity::find()
        .filter(person::Column::Id.is_in(links.iter().map(|l| l.parent_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut sorted = students.clone();
    sorted.sort_by(|a, b| (&a.last_name, &a.first_name).cmp(&(&b.last_name, &b.first_name)));
    // (person, role, child's name) in print order: each student followed by their parents.
    let mut todo: Vec<(person::Model, Role, Option<String>)> = Vec::new();
    let mut seen_parents = HashSet::new();
    for st in &sorted {
        if st.account_id.is_none() {
            todo.push((st.clone(), Role::Student, None));
        }
        for l in links.iter().filter(|l| l.student_id == st.id) {
            if let Some(p) = parents.get(&l.parent_id)
                && p.account_id.is_none()
                && seen_parents.insert(p.id)
            {
                todo.push((p.clone(), Role::Parent, Some(name_of(st))));
            }
        }
    }
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let now = Utc::now();
    let ids: Vec<Uuid> = todo.iter().map(|(p, _, _)| p.id).collect();
    invite_code::Entity::update_many()
        .col_expr(invite_code::Column::RevokedAt, Expr::value(now))
        .col_expr(
            invite_code::Column::RevokedBy,
            Expr::value(actor.account_id),
        )
        .filter(invite_code::Column::PersonId.is_in(ids))
        .filter(invite_code::Column::UsedAt.is_null())
        .filter(invite_code::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    let mut slips = Vec::with_capacity(todo.len());
    for (p, role, child) in todo {
        let inv = crate::service::invites::issue(
            &txn,
            school_id,
            &p,
            role,
            ttl_days,
            Some(actor.account_id),
        )
        .await?;
        slips.push(InviteSlip {
            invite_id: inv.id,
            person_id: p.id,
            person_name: inv.person_name,
            role,
            student_name: child,
            code: inv.code,
            expires_at: inv.expires_at,
        });
    }
    Audit::new("invite_sheet_issued")
        .school(school_id)
        .by(actor)
        .object("class", class_id)
        .new_value(serde_json::json!({ "slips": slips.len() }))
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(InviteSheet {
        school_name: s.name,
        class_name: c.name,
        slips,
    })
}
