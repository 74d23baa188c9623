//! Sign-in, token refresh with rotation and reuse detection, sign-out, and registration by
//! invite code (regulation §3–§4: registration only with a code from the school).

use chrono::{DateTime, Duration, Utc};
use otmetka_domain::auth::{LoginRequest, RegisterRequest, RegisterResponse, TokenResponse};
use otmetka_domain::invite::InvitePreview;
use otmetka_domain::rules::{
    check_login, is_valid_invite_code, mask_person_name, normalize_invite_code, normalize_login,
};
use otmetka_domain::{ErrorCode, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use uuid::Uuid;
use validator::Validate;

use crate::auth::tokens::{hash_token, new_refresh_token};
use crate::auth::{ClientInfo, password};
use crate::entity::{
    account, invite_code, person, refresh_token, role_assignment, school, session,
};
use crate::error::{AppError, AppResult};
use crate::service::audit::Audit;
use crate::state::AppState;

/// A new access token and the refresh token for the cookie.
pub struct Issued {
    pub response: TokenResponse,
    pub refresh_token: String,
}

/// Signs in. Errors: 422 `validation_failed`; 429 `too_many_requests` (per login and per IP,
/// failures in the last minute); 401 `invalid_credentials` (unknown login or wrong password,
/// indistinguishable); 403 `account_disabled` (right password, disabled account).
pub async fn login(state: &AppState, req: LoginRequest, client: &ClientInfo) -> AppResult<Issued> {
    req.validate()?;
    let key = normalize_login(&req.login);
    let ip_key = client.ip_key();
    if let Err(wait) = state.throttles.account.check(&key) {
        return Err(AppError::too_many(wait));
    }
    if let Err(wait) = state.throttles.ip.check(&ip_key) {
        return Err(AppError::too_many(wait));
    }
    let acc = account::Entity::find()
        .filter(account::Column::LoginNormalized.eq(&key))
        .one(&state.db)
        .await?;
    let ok = password::verify(req.password, acc.as_ref().map(|a| a.password_hash.clone())).await?;
    let acc = match (ok, acc) {
        (true, Some(acc)) => acc,
        (_, acc) => {
            state.throttles.account.record_failure(&key);
            state.throttles.ip.record_failure(&ip_key);
            let mut audit = Audit::new("login_failed").ip(client.ip.clone());
            audit = match &acc {
                Some(a) => audit.object("account", a.id),
                None => audit.new_value(serde_json::json!({ "login": truncate(&req.login, 64) })),
            };
            audit.write(&state.db).await?;
            return Err(
                AppError::new(ErrorCode::InvalidCredentials).detail("login or password is wrong")
            );
        }
    };
    if !acc.is_active {
        Audit::new("login_refused_disabled")
            .object("account", acc.id)
            .ip(client.ip.clone())
            .write(&state.db)
            .await?;
        return Err(AppError::new(ErrorCode::AccountDisabled).detail("the account is disabled"));
    }
    state.throttles.account.clear(&key);
    let now = Utc::now();
    let txn = state
        .db
        .begin_with_options(crate::service::WRITE_TXN)
        .await?;
    let issued = start_session(state, &txn, acc.id, client, now).await?;
    account::Entity::update_many()
        .col_expr(account::Column::LastLoginAt, Expr::value(now))
        .filter(account::Column::Id.eq(acc.id))
        .exec(&txn)
        .await?;
    Audit::new("login_succeeded")
        .actor(Some(acc.id))
        .ip(client.ip.clone())
        .object("session", issued.1)
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(issued.0)
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().filter(|c| !c.is_control()).take(n).collect()
}

async fn start_session(
    state: &AppState,
    db: &impl ConnectionTrait,
    account_id: Uuid,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> AppResult<(Issued, Uuid)> {
    let session_id = Uuid::now_v7();
    session::ActiveModel {
        id: Set(session_id),
        account_id: Set(account_id),
        created_at: Set(now),
        last_used_at: Set(now),
        expires_at: Set(now + Duration::days(state.settings.refresh_token_ttl_days as i64)),
        ip: Set(client.ip.clone()),
        user_agent: Set(client.user_agent.clone()),
        revoked_at: Set(None),
        revoked_reason: Set(None),
    }
    .insert(db)
    .await?;
    let refresh = insert_refresh_token(db, session_id, now).await?;
    Ok((issue(state, account_id, session_id, refresh)?, session_id))
}

async fn insert_refresh_token(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let token = new_refresh_token();
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        session_id: Set(session_id),
        token_hash: Set(hash_token(&token)),
        created_at: Set(now),
        rotated_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(token)
}

fn issue(
    state: &AppState,
    account_id: Uuid,
    session_id: Uuid,
    refresh_token: String,
) -> AppResult<Issued> {
    Ok(Issued {
        response: TokenResponse {
            access_token: state.jwt.issue(account_id, session_id)?,
            token_type: "Bearer".into(),
            expires_in: state.jwt.ttl_secs,
        },
        refresh_token,
    })
}

/// Ends a session (sets `revoked_at`), idempotently. Returns true when it was active.
pub async fn revoke_session(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    reason: &str,
) -> AppResult<bool> {
    let res = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(session::Column::RevokedReason, Expr::value(reason))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// Ends every active session of an account except `keep`. Returns how many ended.
pub async fn revoke_account_sessions(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    keep: Option<Uuid>,
    reason: &str,
) -> AppResult<u64> {
    let mut q = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(session::Column::RevokedReason, Expr::value(reason))
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        q = q.filter(session::Column::Id.ne(keep));
    }
    Ok(q.exec(db).await?.rows_affected)
}

/// Exchanges a refresh token for a new access token and a new refresh token (rotation).
///
/// Errors: 401 `refresh_token_invalid` (missing, unknown, session ended or expired, account
/// disabled); 401 `refresh_token_reused` — the token was already rotated, so it was copied: the
/// whole session (token family) is ended and audited.
pub async fn refresh(
    state: &AppState,
    token: Option<&str>,
    client: &ClientInfo,
) -> AppResult<Issued> {
    let invalid = || AppError::new(ErrorCode::RefreshTokenInvalid).detail("sign in again");
    let token = token
        .filter(|t| !t.is_empty() && t.len() <= 128)
        .ok_or_else(invalid)?;
    let now = Utc::now();
    let txn = state
        .db
        .begin_with_options(crate::service::WRITE_TXN)
        .await?;
    let (rt, sess) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash_token(token)))
        .find_also_related(session::Entity)
        .one(&txn)
        .await?
        .ok_or_else(invalid)?;
    let sess = sess.ok_or_else(invalid)?;
    if sess.revoked_at.is_some() || sess.expires_at <= now {
        return Err(invalid());
    }
    // Claim the token: only one request can rotate it. A second presentation is a reuse.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RotatedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(rt.id))
        .filter(refresh_token::Column::RotatedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if !claimed {
        revoke_session(&txn, sess.id, "refresh_token_reused").await?;
        Audit::new("refresh_token_reused")
            .actor(Some(sess.account_id))
            .ip(client.ip.clone())
            .object("session", sess.id)
            .write(&txn)
            .await?;
        txn.commit().await?;
        return Err(AppError::new(ErrorCode::RefreshTokenReused)
            .detail("this sign-in was ended because an old refresh token was used again"));
    }
    let acc = account::Entity::find_by_id(sess.account_id)
        .one(&txn)
        .await?
        .ok_or_else(invalid)?;
    if !acc.is_active {
        return Err(invalid());
    }
    let new_token = insert_refresh_token(&txn, sess.id, now).await?;
    let mut am: session::ActiveModel = sess.clone().into();
    am.last_used_at = Set(now);
    am.update(&txn).await?;
    txn.commit().await?;
    issue(state, acc.id, sess.id, new_token)
}

/// Signs out: ends the session of the refresh cookie and/or of the bearer token's `sid`.
pub async fn logout(
    state: &AppState,
    refresh: Option<&str>,
    bearer_sid: Option<(Uuid, Uuid)>,
    client: &ClientInfo,
) -> AppResult<()> {
    let mut ended: Vec<(Uuid, Uuid)> = Vec::new();
    if let Some(token) = refresh.filter(|t| !t.is_empty() && t.len() <= 128)
        && let Some((_, Some(sess))) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(hash_token(token)))
            .find_also_related(session::Entity)
            .one(&state.db)
            .await?
    {
        ended.push((sess.id, sess.account_id));
    }
    if let Some(pair) = bearer_sid
        && !ended.contains(&pair)
    {
        ended.push(pair);
    }
    for (sid, account_id) in ended {
        if revoke_session(&state.db, sid, "logout").await? {
            Audit::new("logout")
                .actor(Some(account_id))
                .ip(client.ip.clone())
                .object("session", sid)
                .write(&state.db)
                .await?;
        }
    }
    Ok(())
}

/// The invite behind a typed code, with its school, or the error that explains why it cannot
/// be used: 404 `invite_unknown`, 410 `invite_revoked` / `invite_used` / `invite_expired`.
/// Unknown and malformed codes count as failures for the IP throttle (429 after the limit).
async fn find_invite(
    state: &AppState,
    db: &impl ConnectionTrait,
    code: &str,
    client: &ClientInfo,
) -> AppResult<(invite_code::Model, school::Model, person::Model)> {
    let ip_key = client.ip_key();
    if let Err(wait) = state.throttles.ip.check(&ip_key) {
        return Err(AppError::too_many(wait));
    }
    let normalized = normalize_invite_code(code);
    let unknown = || {
        state.throttles.ip.record_failure(&ip_key);
        AppError::new(ErrorCode::InviteUnknown)
            .detail("no invite has this code; check it on the slip")
    };
    if !is_valid_invite_code(&normalized) {
        return Err(unknown());
    }
    let (inv, p) = invite_code::Entity::find()
        .filter(invite_code::Column::CodeHash.eq(hash_token(&normalized)))
        .find_also_related(person::Entity)
        .one(db)
        .await?
        .ok_or_else(unknown)?;
    let p = p.ok_or_else(unknown)?;
    if inv.revoked_at.is_some() {
        return Err(AppError::new(ErrorCode::InviteRevoked)
            .detail("the school revoked this code; ask for a new one"));
    }
    if inv.used_at.is_some() {
        return Err(
            AppError::new(ErrorCode::InviteUsed).detail("this code was already used to register")
        );
    }
    if inv.expires_at <= Utc::now() {
        return Err(AppError::new(ErrorCode::InviteExpired)
            .detail("this code has expired; ask the school for a new one"));
    }
    let s = school::Entity::find_by_id(inv.school_id)
        .one(db)
        .await?
        .ok_or_else(unknown)?;
    Ok((inv, s, p))
}

/// What a code will give: school, role, masked person name, expiry. Errors as [`find_invite`].
pub async fn preview_invite(
    state: &AppState,
    code: &str,
    client: &ClientInfo,
) -> AppResult<InvitePreview> {
    let (inv, s, p) = find_invite(state, &state.db, code, client).await?;
    Ok(InvitePreview {
        school_name: s.name,
        role: Role::parse(&inv.role).ok_or_else(|| AppError::internal("bad role in invite"))?,
        person_name_masked: mask_person_name(&p.last_name, &p.first_name, p.middle_name.as_deref()),
        expires_at: inv.expires_at,
    })
}

/// Creates an account from an invite: the account is linked to the invite's person and gets the
/// invite's role in its school; the invite becomes used. All in one transaction.
///
/// Errors: 422 `validation_failed` (login rules, e-mail), 422 `password_length` /
/// `password_too_common`; invite errors as [`find_invite`]; 409 `person_has_account`; 409
/// `login_taken`.
pub async fn register(
    state: &AppState,
    req: RegisterRequest,
    client: &ClientInfo,
) -> AppResult<RegisterResponse> {
    req.validate()?;
    if let Err(msg) = check_login(&req.login) {
        return Err(AppError::field("login", "format", msg));
    }
    password::check_policy(&req.password, Some(&req.login), "password")?;
    let login_norm = normalize_login(&req.login);
    let email = req
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string);
    // Check everything cheap first, then hash (slow) outside the transaction.
    let (inv, _, p) = find_invite(state, &state.db, &req.invite_code, client).await?;
    if p.account_id.is_some() {
        return Err(
            AppError::new(ErrorCode::PersonHasAccount).detail("this person already has an account")
        );
    }
    if account::Entity::find()
        .filter(account::Column::LoginNormalized.eq(&login_norm))
        .one(&state.db)
        .await?
        .is_some()
    {
        return Err(
            AppError::new(ErrorCode::LoginTaken).detail("this login is taken; choose another")
        );
    }
    let hash = password::hash(req.password).await?;
    let now = Utc::now();
    let account_id = Uuid::now_v7();
    let role = Role::parse(&inv.role).ok_or_else(|| AppError::internal("bad role in invite"))?;
    let login = req.login.trim().to_string();
    let txn = state
        .db
        .begin_with_options(crate::service::WRITE_TXN)
        .await?;
    // Claim the invite first: of two registrations racing for one code, one wins.
    let claimed = invite_code::Entity::update_many()
        .col_expr(invite_code::Column::UsedAt, Expr::value(now))
        .col_expr(invite_code::Column::UsedBy, Expr::value(account_id))
        .filter(invite_code::Column::Id.eq(inv.id))
        .filter(invite_code::Column::UsedAt.is_null())
        .filter(invite_code::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if claimed != 1 {
        return Err(
            AppError::new(ErrorCode::InviteUsed).detail("this code was already used to register")
        );
    }
    let inserted = account::ActiveModel {
        id: Set(account_id),
        login: Set(login.clone()),
        login_normalized: Set(login_norm),
        password_hash: Set(hash),
        email: Set(email),
        is_superadmin: Set(false),
        is_active: Set(true),
        created_at: Set(now),
        last_login_at: Set(None),
        password_changed_at: Set(now),
    }
    .insert(&txn)
    .await;
    if let Err(e) = inserted {
        // The unique index caught a concurrent registration with the same login.
        let taken = account::Entity::find()
            .filter(account::Column::LoginNormalized.eq(normalize_login(&login)))
            .one(&state.db)
            .await
            .ok()
            .flatten()
            .is_some();
        return Err(if taken {
            AppError::new(ErrorCode::LoginTaken).detail("this login is taken; choose another")
        } else {
            e.into()
        });
    }
    let linked = person::Entity::update_many()
        .col_expr(person::Column::AccountId, Expr::value(account_id))
        .col_expr(person::Column::UpdatedAt, Expr::value(now))
        .filter(person::Column::Id.eq(p.id))
        .filter(person::Column::AccountId.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if linked != 1 {
        return Err(
            AppError::new(ErrorCode::PersonHasAccount).detail("this person already has an account")
        );
    }
    role_assignment::ActiveModel {
        id: Set(Uuid::now_v7()),
        school_id: Set(inv.school_id),
        account_id: Set(account_id),
        role: Set(role.as_str().into()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    Audit::new("registered")
        .school(inv.school_id)
        .actor(Some(account_id))
        .ip(client.ip.clone())
        .object("account", account_id)
        .new_value(serde_json::json!({ "login": login, "person_id": p.id, "role": role }))
        .write(&txn)
        .await?;
    Audit::new("invite_used")
        .school(inv.school_id)
        .actor(Some(account_id))
        .ip(client.ip.clone())
        .object("invite", inv.id)
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(RegisterResponse {
        account_id,
        login,
        school_id: inv.school_id,
        role,
    })
}
