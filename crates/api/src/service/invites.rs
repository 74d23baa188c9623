//! Invite codes (regulation §3: registration only by codes held by the school administration).
//! Codes are shown once, at creation, and stored as SHA-256; a lost slip is revoked and reissued.

use chrono::{Duration, Utc};
use otmetka_domain::invite::{CreateInviteRequest, Invite, InviteCreated, InviteState};
use otmetka_domain::person::{PersonKind, full_name};
use otmetka_domain::rules::format_invite_code;
use otmetka_domain::{ErrorCode, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use serde::Deserialize;
use uuid::Uuid;
use validator::Validate;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::auth::tokens::{hash_token, new_invite_code};
use crate::entity::{invite_code, person};
use crate::error::{AppError, AppResult};
use crate::service::audit::Audit;

/// Whether a person of `kind` (`persons.kind`) may hold `role` through an invite: students are
/// invited as students, parents as parents, staff as teacher, principal or admin (README,
/// "School structure and roster"). A student's record must never become an admin's account.
pub fn role_fits_kind(role: Role, kind: &str) -> bool {
    match role {
        Role::Student => kind == "student",
        Role::Parent => kind == "parent",
        Role::Teacher | Role::Principal | Role::Admin => kind == "staff",
    }
}

/// Issues a code for a person and role, valid `ttl_days` days (no permission check: callers do
/// it). Errors: 422 `validation_failed` (field `role`, code `role_not_for_person`) when the
/// role does not fit the person's kind ([`role_fits_kind`]); 409 `person_has_account`.
pub async fn issue(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    p: &person::Model,
    role: Role,
    ttl_days: u32,
    created_by: Option<Uuid>,
) -> AppResult<InviteCreated> {
    if !role_fits_kind(role, &p.kind) {
        return Err(AppError::field(
            "role",
            "role_not_for_person",
            format!(
                "a person of kind `{}` cannot be invited as {}",
                p.kind,
                role.as_str()
            ),
        ));
    }
    if p.account_id.is_some() {
        return Err(AppError::new(ErrorCode::PersonHasAccount)
            .detail("this person already has an account; change its roles instead"));
    }
    let code = new_invite_code();
    let now = Utc::now();
    let model = invite_code::ActiveModel {
        id: Set(Uuid::now_v7()),
        school_id: Set(school_id),
        person_id: Set(p.id),
        role: Set(role.as_str().into()),
        code_hash: Set(hash_token(&code)),
        code_hint: Set(code.chars().skip(code.len() - 2).collect()),
        created_by: Set(created_by),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(ttl_days as i64)),
        used_at: Set(None),
        used_by: Set(None),
        revoked_at: Set(None),
        revoked_by: Set(None),
    }
    .insert(db)
    .await?;
    Audit::new("invite_created")
        .school(school_id)
        .actor(created_by)
        .object("invite", model.id)
        .new_value(
            serde_json::json!({ "person_id": p.id, "role": role, "expires_at": model.expires_at }),
        )
        .write(db)
        .await?;
    Ok(InviteCreated {
        id: model.id,
        school_id,
        person_id: p.id,
        person_name: full_name(&p.last_name, &p.first_name, p.middle_name.as_deref()),
        role,
        code: format_invite_code(&code),
        expires_at: model.expires_at,
    })
}

/// Issues an invite for an existing person (`person_id`) or a new one (`person`). Admin.
/// Errors: 422 when both or neither are given; 404 for a person of another school; 409
/// `person_has_account`.
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    req: CreateInviteRequest,
    default_ttl_days: u32,
) -> AppResult<InviteCreated> {
    policy::authorize(actor, school_id, Action::ManageInvites)?;
    req.validate()?;
    let ttl = req.expires_in_days.unwrap_or(default_ttl_days);
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let p = match (req.person_id, &req.person) {
        (Some(id), None) => person::Entity::find_by_id(id)
            .filter(person::Column::SchoolId.eq(school_id))
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::not_found("person"))?,
        (None, Some(input)) => {
            let mut input = input.clone();
            input.kind = input.kind.or(Some(match req.role {
                Role::Student => PersonKind::Student,
                Role::Parent => PersonKind::Parent,
                _ => PersonKind::Staff,
            }));
            crate::service::persons::insert(&txn, school_id, &input, "person.").await?
        }
        _ => {
            return Err(AppError::field(
                "person_id",
                "one_of",
                "give either person_id or person, not both",
            ));
        }
    };
    let created = issue(&txn, school_id, &p, req.role, ttl, Some(actor.account_id)).await?;
    txn.commit().await?;
    Ok(created)
}

/// Filter for listing invites.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StateFilter {
    Active,
    Used,
    Expired,
    Revoked,
}

fn state_of(m: &invite_code::Model, now: chrono::DateTime<Utc>) -> InviteState {
    if m.revoked_at.is_some() {
        InviteState::Revoked
    } else if m.used_at.is_some() {
        InviteState::Used
    } else if m.expires_at <= now {
        InviteState::Expired
    } else {
        InviteState::Active
    }
}

/// Lists the school's invites, newest first, optionally by state. Admin and principal.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    state: Option<StateFilter>,
    limit: u64,
    offset: u64,
) -> AppResult<(Vec<Invite>, u64)> {
    policy::authorize(actor, school_id, Action::ReadInvites)?;
    let now = Utc::now();
    use invite_code::Column as C;
    let mut q = invite_code::Entity::find().filter(C::SchoolId.eq(school_id));
    q = match state {
        None => q,
        Some(StateFilter::Revoked) => q.filter(C::RevokedAt.is_not_null()),
        Some(StateFilter::Used) => q
            .filter(C::RevokedAt.is_null())
            .filter(C::UsedAt.is_not_null()),
        Some(StateFilter::Expired) => q
            .filter(C::RevokedAt.is_null())
            .filter(C::UsedAt.is_null())
            .filter(C::ExpiresAt.lte(now)),
        Some(StateFilter::Active) => q
            .filter(C::RevokedAt.is_null())
            .filter(C::UsedAt.is_null())
            .filter(C::ExpiresAt.gt(now)),
    };
    let total = q.clone().count(db).await?;
    let rows = q
        .find_also_related(person::Entity)
        .order_by_desc(C::CreatedAt)
        .order_by_desc(C::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    let items = rows
        .into_iter()
        .map(|(m, p)| Invite {
            id: m.id,
            person_id: m.person_id,
            person_name: p
                .map(|p| full_name(&p.last_name, &p.first_name, p.middle_name.as_deref()))
                .unwrap_or_default(),
            role: Role::parse(&m.role).unwrap_or(Role::Student),
            state: state_of(&m, now),
            code_hint: m.code_hint.clone(),
            created_at: m.created_at,
            expires_at: m.expires_at,
            used_at: m.used_at,
            revoked_at: m.revoked_at,
        })
        .collect();
    Ok((items, total))
}

/// Revokes an invite. Admin. Idempotent for revoked invites; 409 `conflict` for a used one (its
/// account exists: disable the account instead); 404 for another school's invite.
pub async fn revoke(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<()> {
    policy::authorize(actor, school_id, Action::ManageInvites)?;
    let m = invite_code::Entity::find_by_id(id)
        .filter(invite_code::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("invite"))?;
    if m.revoked_at.is_some() {
        return Ok(());
    }
    if m.used_at.is_some() {
        return Err(AppError::new(ErrorCode::Conflict)
            .detail("the invite was already used; disable the account instead"));
    }
    invite_code::Entity::update_many()
        .col_expr(invite_code::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(
            invite_code::Column::RevokedBy,
            Expr::value(actor.account_id),
        )
        .filter(
            Condition::all()
                .add(invite_code::Column::Id.eq(id))
                .add(invite_code::Column::RevokedAt.is_null()),
        )
        .exec(db)
        .await?;
    Audit::new("invite_revoked")
        .school(school_id)
        .by(actor)
        .object("invite", id)
        .write(db)
        .await
}
