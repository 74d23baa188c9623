//! Schools: created by a superadmin together with the first admin's invite.

use chrono::Utc;
use otmetka_domain::Role;
use otmetka_domain::school::{CreateSchoolRequest, School, SchoolCreated};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;
use validator::Validate;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::entity::school;
use crate::error::{AppError, AppResult};
use crate::service::audit::Audit;

/// The default time zone of a new school.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Moscow";

fn to_dto(s: school::Model) -> School {
    School {
        id: s.id,
        name: s.name,
        time_zone: s.time_zone,
        created_at: s.created_at,
    }
}

/// Checks an IANA time zone name. Errors: 422 on `time_zone`.
pub fn check_time_zone(tz: &str) -> AppResult<()> {
    tz.parse::<chrono_tz::Tz>().map(|_| ()).map_err(|_| {
        AppError::field(
            "time_zone",
            "format",
            format!("`{tz}` is not an IANA time zone like Europe/Moscow"),
        )
    })
}

/// Creates a school with its first admin person and that person's invite. Superadmin only.
/// Errors: 403; 422 (name, time zone, person).
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    req: CreateSchoolRequest,
    invite_ttl_days: u32,
) -> AppResult<SchoolCreated> {
    policy::require_superadmin(actor, "create school")?;
    req.validate()?;
    let name = req.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(AppError::field(
            "name",
            "required",
            "name must not be blank",
        ));
    }
    let tz = req
        .time_zone
        .clone()
        .unwrap_or_else(|| DEFAULT_TIME_ZONE.to_string());
    check_time_zone(&tz)?;
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let s = school::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        time_zone: Set(tz),
        settings: Set("{}".into()),
        created_at: Set(Utc::now()),
        generation: sea_orm::NotSet,
    }
    .insert(&txn)
    .await?;
    crate::service::marks::seed_defaults(&txn, s.id).await?;
    Audit::new("school_created")
        .school(s.id)
        .by(actor)
        .object("school", s.id)
        .new_value(serde_json::json!({ "name": s.name, "time_zone": s.time_zone }))
        .write(&txn)
        .await?;
    let p = crate::service::persons::insert(&txn, s.id, &req.first_admin, "first_admin.").await?;
    let invite = crate::service::invites::issue(
        &txn,
        s.id,
        &p,
        Role::Admin,
        invite_ttl_days,
        Some(actor.account_id),
    )
    .await?;
    txn.commit().await?;
    Ok(SchoolCreated {
        school: to_dto(s),
        admin_invite: invite,
    })
}

/// The schools the actor belongs to (all of them for a superadmin), by name.
pub async fn list(db: &impl ConnectionTrait, actor: &Actor) -> AppResult<Vec<School>> {
    let mut q = school::Entity::find();
    if !actor.is_superadmin {
        let ids: Vec<Uuid> = actor.roles.iter().map(|(s, _)| *s).collect();
        q = q.filter(school::Column::Id.is_in(ids));
    }
    Ok(q.order_by_asc(school::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(to_dto)
        .collect())
}

/// One school. Any member, or a superadmin; 404 for others.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> AppResult<School> {
    policy::authorize(actor, id, Action::ReadSchool)?;
    school::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_dto)
        .ok_or_else(|| AppError::not_found("school"))
}
