//! The signed-in account: profile, sessions, password, API tokens.

use chrono::{Duration, Utc};
use otmetka_domain::auth::{
    ApiTokenCreated, ApiTokenInfo, ChangePasswordRequest, Child, CreateApiTokenRequest, Me,
    Membership, SessionInfo,
};
use otmetka_domain::person::full_name;
use otmetka_domain::{ApiScope, ErrorCode, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use std::collections::BTreeMap;
use uuid::Uuid;
use validator::Validate;

use crate::auth::tokens::{hash_token, new_api_token};
use crate::auth::{Actor, password};
use crate::entity::{account, api_token, guardian_link, person, session};
use crate::error::{AppError, AppResult};
use crate::service::audit::Audit;
use crate::service::auth::{revoke_account_sessions, revoke_session};
use crate::state::AppState;

/// `GET /me`: the account, its schools with roles, and its person records with the children
/// linked to them. Four statements with the session's: the account, its persons, their guardian
/// links; the schools' names, the children's names and today's classes come from each school's
/// snapshot (`service::snapshot`).
pub async fn me(state: &AppState, actor: &Actor) -> AppResult<Me> {
    let acc = account::Entity::find_by_id(actor.account_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::SessionRevoked))?;
    let school_ids: Vec<Uuid> = {
        let mut v: Vec<Uuid> = actor.roles.iter().map(|(s, _)| *s).collect();
        v.sort();
        v.dedup();
        v
    };
    let persons = person::Entity::find()
        .filter(person::Column::AccountId.eq(actor.account_id))
        .all(&state.db)
        .await?;
    let links = if persons.is_empty() {
        Vec::new()
    } else {
        guardian_link::Entity::find()
            .filter(guardian_link::Column::ParentId.is_in(persons.iter().map(|p| p.id)))
            .order_by_asc(guardian_link::Column::CreatedAt)
            .all(&state.db)
            .await?
    };
    let mut memberships: BTreeMap<String, Membership> = BTreeMap::new();
    for school_id in school_ids {
        let snap = crate::service::snapshot::get(&state.db, actor, school_id).await?;
        let s = &snap.school;
        let mut roles: Vec<Role> = actor.roles_in(s.id).collect();
        roles.sort();
        let p = persons.iter().find(|p| p.school_id == s.id);
        memberships.insert(
            format!("{}{}", s.name, s.id),
            Membership {
                school_id: s.id,
                school_name: s.name.clone(),
                roles,
                person_id: p.map(|p| p.id),
                person_name: p
                    .map(|p| full_name(&p.last_name, &p.first_name, p.middle_name.as_deref())),
                children: children_in(&snap, &persons, &links, state.now()),
            },
        );
    }
    Ok(Me {
        account_id: acc.id,
        login: acc.login,
        email: acc.email,
        is_superadmin: acc.is_superadmin,
        memberships: memberships.into_values().collect(),
        session_id: actor.session_id,
    })
}

/// The children linked to the account's persons in the snapshot's school, by name, each once,
/// with their class today.
fn children_in(
    snap: &crate::service::snapshot::Snapshot,
    persons: &[person::Model],
    links: &[guardian_link::Model],
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<Child> {
    let today = crate::service::structure::school_today_at(&snap.school.time_zone, now);
    let mine: Vec<Uuid> = persons
        .iter()
        .filter(|p| p.school_id == snap.school.id)
        .map(|p| p.id)
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<Child> = links
        .iter()
        .filter(|l| l.school_id == snap.school.id && mine.contains(&l.parent_id))
        .filter(|l| seen.insert(l.student_id))
        .filter_map(|l| {
            let (last, first, middle) = snap.roster.names.get(&l.student_id)?;
            let class_name = snap
                .roster
                .enrollments_between(l.student_id, today, today)
                .first()
                .and_then(|e| snap.catalog.classes.get(&e.class_id))
                .map(|c| c.name.clone());
            Some(Child {
                person_id: l.student_id,
                name: full_name(last, first, middle.as_deref()),
                class_name,
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.name, a.person_id).cmp(&(&b.name, b.person_id)));
    out
}

/// The account's active sessions, newest first.
pub async fn sessions(state: &AppState, actor: &Actor) -> AppResult<Vec<SessionInfo>> {
    let now = Utc::now();
    let rows = session::Entity::find()
        .filter(session::Column::AccountId.eq(actor.account_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::CreatedAt)
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|s| SessionInfo {
            current: Some(s.id) == actor.session_id,
            id: s.id,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            ip: s.ip,
            user_agent: s.user_agent,
        })
        .collect())
}

/// Ends one of the account's sessions (the current one too: that is a sign-out).
/// Errors: 404 when the session is not the account's or already ended.
pub async fn revoke_one(state: &AppState, actor: &Actor, session_id: Uuid) -> AppResult<()> {
    actor.require_session()?;
    let s = session::Entity::find_by_id(session_id)
        .filter(session::Column::AccountId.eq(actor.account_id))
        .filter(session::Column::RevokedAt.is_null())
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("session"))?;
    revoke_session(&state.db, s.id, "revoked_by_user").await?;
    Audit::new("session_revoked")
        .by(actor)
        .object("session", s.id)
        .write(&state.db)
        .await
}

/// Ends every session of the account but the current one. Returns how many ended.
pub async fn revoke_others(state: &AppState, actor: &Actor) -> AppResult<u64> {
    let current = actor.require_session()?;
    let n = revoke_account_sessions(
        &state.db,
        actor.account_id,
        Some(current),
        "revoked_by_user",
    )
    .await?;
    if n > 0 {
        Audit::new("sessions_revoked")
            .by(actor)
            .object("account", actor.account_id)
            .new_value(serde_json::json!({ "ended": n }))
            .write(&state.db)
            .await?;
    }
    Ok(n)
}

/// Changes the password and ends every other session.
/// Errors: 403 `current_password_wrong`; 422 `password_length` / `password_too_common`.
pub async fn change_password(
    state: &AppState,
    actor: &Actor,
    req: ChangePasswordRequest,
) -> AppResult<()> {
    let current = actor.require_session()?;
    req.validate()?;
    let acc = account::Entity::find_by_id(actor.account_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::SessionRevoked))?;
    if !password::verify(req.current_password, Some(acc.password_hash.clone())).await? {
        return Err(
            AppError::new(ErrorCode::CurrentPasswordWrong).detail("the current password is wrong")
        );
    }
    password::check_policy(&req.new_password, Some(&acc.login), "new_password")?;
    let hash = password::hash(req.new_password).await?;
    let txn = state
        .db
        .begin_with_options(crate::service::WRITE_TXN)
        .await?;
    account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Expr::value(hash))
        .col_expr(account::Column::PasswordChangedAt, Expr::value(Utc::now()))
        .filter(account::Column::Id.eq(acc.id))
        .exec(&txn)
        .await?;
    let ended = revoke_account_sessions(&txn, acc.id, Some(current), "password_changed").await?;
    Audit::new("password_changed")
        .by(actor)
        .object("account", acc.id)
        .new_value(serde_json::json!({ "other_sessions_ended": ended }))
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

fn token_info(t: api_token::Model) -> ApiTokenInfo {
    ApiTokenInfo {
        id: t.id,
        name: t.name,
        scopes: t.scopes.split(',').filter_map(ApiScope::parse).collect(),
        prefix: t.prefix,
        created_at: t.created_at,
        expires_at: t.expires_at,
        last_used_at: t.last_used_at,
    }
}

/// Creates an API token; the secret is in the answer only. Needs an interactive session.
pub async fn create_api_token(
    state: &AppState,
    actor: &Actor,
    req: CreateApiTokenRequest,
) -> AppResult<ApiTokenCreated> {
    actor.require_session()?;
    req.validate()?;
    let name = req.name.trim().to_string();
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(AppError::field(
            "name",
            "format",
            "name must be printable text",
        ));
    }
    let mut scopes = req.scopes.clone();
    scopes.sort();
    scopes.dedup();
    let token = new_api_token();
    let now = Utc::now();
    let model = api_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        account_id: Set(actor.account_id),
        name: Set(name),
        token_hash: Set(hash_token(&token)),
        prefix: Set(token.chars().take(8).collect()),
        scopes: Set(scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(req.expires_in_days.unwrap_or(90) as i64)),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(&state.db)
    .await?;
    Audit::new("api_token_created")
        .by(actor)
        .object("api_token", model.id)
        .new_value(serde_json::json!({ "name": model.name, "scopes": scopes }))
        .write(&state.db)
        .await?;
    Ok(ApiTokenCreated {
        info: token_info(model),
        token,
    })
}

/// The account's API tokens that are not revoked, newest first (expired ones included, so the
/// user sees why a script stopped).
pub async fn list_api_tokens(state: &AppState, actor: &Actor) -> AppResult<Vec<ApiTokenInfo>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::AccountId.eq(actor.account_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .order_by_desc(api_token::Column::CreatedAt)
        .all(&state.db)
        .await?
        .into_iter()
        .map(token_info)
        .collect())
}

/// Revokes one of the account's API tokens. Errors: 404 when not the account's or already revoked.
pub async fn revoke_api_token(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<()> {
    actor.require_session()?;
    let n = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::AccountId.eq(actor.account_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(&state.db)
        .await?
        .rows_affected;
    if n == 0 {
        return Err(AppError::not_found("API token"));
    }
    Audit::new("api_token_revoked")
        .by(actor)
        .object("api_token", id)
        .write(&state.db)
        .await
}
