//! The one authentication extractor: [`Actor`] from `Authorization: Bearer …`, which is either
//! an access JWT (checked against its session in the database on every request, so ending a
//! session or disabling an account takes effect at once) or an API token (`otm_…`, with scopes).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::{Duration, Utc};
use otmetka_domain::{ApiScope, ErrorCode, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QuerySelect, RelationTrait, Set,
};
use uuid::Uuid;

use crate::auth::tokens::{API_TOKEN_PREFIX, hash_token};
use crate::entity::{account, api_token, role_assignment, school, session};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// An authenticated caller with their roles in every school.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: Uuid,
    pub login: String,
    pub is_superadmin: bool,
    /// (school id, role) pairs.
    pub roles: Vec<(Uuid, Role)>,
    /// (school id, `schools.generation`) of the schools the actor holds a role in, read with
    /// the session (JWT callers; empty for API tokens): the school snapshot's freshness check
    /// without a statement of its own (`service::snapshot::get`).
    pub generations: Vec<(Uuid, i64)>,
    /// The session of a JWT caller; `None` for API tokens.
    pub session_id: Option<Uuid>,
    /// The API token of a script caller; `None` for interactive sessions.
    pub api_token: Option<ApiTokenAuth>,
    /// Client address and user agent.
    pub client: ClientInfo,
}

/// An API token's id and scopes.
#[derive(Debug, Clone)]
pub struct ApiTokenAuth {
    pub id: Uuid,
    pub scopes: Vec<ApiScope>,
}

impl Actor {
    /// The actor's roles in a school.
    pub fn roles_in(&self, school_id: Uuid) -> impl Iterator<Item = Role> + '_ {
        self.roles
            .iter()
            .filter(move |(s, _)| *s == school_id)
            .map(|(_, r)| *r)
    }

    /// True when the actor holds `role` in the school.
    pub fn has_role(&self, school_id: Uuid, role: Role) -> bool {
        self.roles_in(school_id).any(|r| r == role)
    }

    /// The school's `schools.generation` as read with the actor's session, if they hold a role
    /// in it.
    pub fn generation_in(&self, school_id: Uuid) -> Option<i64> {
        self.generations
            .iter()
            .find(|(s, _)| *s == school_id)
            .map(|(_, g)| *g)
    }

    /// True when the actor holds any role in the school.
    pub fn is_member(&self, school_id: Uuid) -> bool {
        self.roles_in(school_id).next().is_some()
    }

    /// The session id, or 403 `session_required` for API-token callers (managing tokens,
    /// sessions and the password needs a person at a keyboard).
    pub fn require_session(&self) -> AppResult<Uuid> {
        self.session_id.ok_or_else(|| {
            AppError::new(ErrorCode::SessionRequired)
                .detail("this needs an interactive session, not an API token")
        })
    }
}

/// The client's IP address and user agent, as recorded with sessions and audit records.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl ClientInfo {
    /// Reads the peer address (or the last `X-Forwarded-For` hop when trusted) and the user
    /// agent (truncated to 512 characters).
    pub fn from_request(req: &HttpRequest, trust_forwarded_for: bool) -> ClientInfo {
        let forwarded = if trust_forwarded_for {
            req.headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .map(|s| s.trim().to_string())
                .filter(|s| s.parse::<std::net::IpAddr>().is_ok())
        } else {
            None
        };
        let ip = forwarded.or_else(|| req.peer_addr().map(|a| a.ip().to_string()));
        let user_agent = req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect());
        ClientInfo { ip, user_agent }
    }

    /// The key for per-IP throttling.
    pub fn ip_key(&self) -> String {
        self.ip.clone().unwrap_or_else(|| "unknown".into())
    }
}

impl FromRequest for ClientInfo {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust = req
            .app_data::<web::Data<AppState>>()
            .map(|s| s.settings.trust_forwarded_for)
            .unwrap_or(false);
        std::future::ready(Ok(ClientInfo::from_request(req, trust)))
    }
}

/// Sessions and tokens record `last_used_at` at most once a minute, to keep reads read-only.
const TOUCH_EVERY: Duration = Duration::seconds(60);

impl FromRequest for Actor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let header = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .map(|v| v.to_str().map(str::to_string));
        let method = req.method().clone();
        let path = req.path().to_string();
        let client = ClientInfo::from_request(
            req,
            state
                .as_ref()
                .map(|s| s.settings.trust_forwarded_for)
                .unwrap_or(false),
        );
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal("application state missing"))?;
            let header = match header {
                None => {
                    return Err(AppError::new(ErrorCode::AuthenticationRequired)
                        .detail("send Authorization: Bearer <token>"));
                }
                Some(Err(_)) => {
                    return Err(AppError::new(ErrorCode::TokenInvalid)
                        .detail("the Authorization header is not valid text"));
                }
                Some(Ok(h)) => h,
            };
            let token = header
                .strip_prefix("Bearer ")
                .or_else(|| header.strip_prefix("bearer "))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| {
                    AppError::new(ErrorCode::TokenInvalid)
                        .detail("the Authorization header must be `Bearer <token>`")
                })?;
            if token.starts_with(API_TOKEN_PREFIX) {
                from_api_token(&state, token, &method, &path, client).await
            } else {
                from_jwt(&state, token, client).await
            }
        })
    }
}

/// A session with its account and one of the account's roles (none: `role` is NULL), as read
/// by [`from_jwt`]'s one statement.
#[derive(Debug, FromQueryResult)]
struct SessionRole {
    account_id: Uuid,
    last_used_at: chrono::DateTime<Utc>,
    expires_at: chrono::DateTime<Utc>,
    revoked_at: Option<chrono::DateTime<Utc>>,
    login: String,
    is_superadmin: bool,
    is_active: bool,
    role_school_id: Option<Uuid>,
    role: Option<String>,
    role_school_generation: Option<i64>,
}

/// The caller of an access JWT: its session, account and roles, with each role's school's
/// generation, in one statement (a row per role), checked on every request so that a logout or a disabled account takes effect at once
/// on every instance. Errors: 401 `token_invalid`/`token_expired` (the JWT),
/// `session_revoked` (ended, expired or unknown session), 403 `account_disabled`.
async fn from_jwt(state: &AppState, token: &str, client: ClientInfo) -> AppResult<Actor> {
    let claims = state.jwt.verify(token)?;
    let now = Utc::now();
    let rows: Vec<SessionRole> = session::Entity::find_by_id(claims.sid)
        .select_only()
        .column(session::Column::AccountId)
        .column(session::Column::LastUsedAt)
        .column(session::Column::ExpiresAt)
        .column(session::Column::RevokedAt)
        .column(account::Column::Login)
        .column(account::Column::IsSuperadmin)
        .column(account::Column::IsActive)
        .column_as(role_assignment::Column::SchoolId, "role_school_id")
        .column(role_assignment::Column::Role)
        .column_as(school::Column::Generation, "role_school_generation")
        .join(JoinType::InnerJoin, session::Relation::Account.def())
        .join(
            JoinType::LeftJoin,
            account::Entity::belongs_to(role_assignment::Entity)
                .from(account::Column::Id)
                .to(role_assignment::Column::AccountId)
                .into(),
        )
        .join(
            JoinType::LeftJoin,
            role_assignment::Entity::belongs_to(school::Entity)
                .from(role_assignment::Column::SchoolId)
                .to(school::Column::Id)
                .into(),
        )
        .into_model()
        .all(&state.db)
        .await?;
    let sess = rows.first().ok_or_else(|| {
        AppError::new(ErrorCode::SessionRevoked).detail("the session does not exist")
    })?;
    if sess.account_id != claims.sub || sess.revoked_at.is_some() || sess.expires_at <= now {
        return Err(
            AppError::new(ErrorCode::SessionRevoked).detail("the session has ended; sign in again")
        );
    }
    if !sess.is_active {
        return Err(AppError::new(ErrorCode::AccountDisabled).detail("the account is disabled"));
    }
    if now - sess.last_used_at > TOUCH_EVERY {
        session::Entity::update_many()
            .col_expr(session::Column::LastUsedAt, Expr::value(now))
            .filter(session::Column::Id.eq(claims.sid))
            .exec(&state.db)
            .await?;
    }
    let roles = rows
        .iter()
        .filter_map(|r| Some((r.role_school_id?, Role::parse(r.role.as_deref()?)?)))
        .collect();
    let mut generations: Vec<(Uuid, i64)> = rows
        .iter()
        .filter_map(|r| Some((r.role_school_id?, r.role_school_generation?)))
        .collect();
    generations.sort_unstable();
    generations.dedup();
    Ok(Actor {
        account_id: sess.account_id,
        login: sess.login.clone(),
        is_superadmin: sess.is_superadmin,
        roles,
        generations,
        session_id: Some(claims.sid),
        api_token: None,
        client,
    })
}

async fn from_api_token(
    state: &AppState,
    token: &str,
    method: &Method,
    path: &str,
    client: ClientInfo,
) -> AppResult<Actor> {
    let now = Utc::now();
    let (tok, acc) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash_token(token)))
        .find_also_related(account::Entity)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::TokenInvalid).detail("unknown API token"))?;
    let acc = acc.ok_or_else(|| AppError::new(ErrorCode::TokenInvalid))?;
    if tok.revoked_at.is_some() {
        return Err(AppError::new(ErrorCode::TokenInvalid).detail("the API token was revoked"));
    }
    if tok.expires_at <= now {
        return Err(AppError::new(ErrorCode::TokenExpired).detail("the API token has expired"));
    }
    if !acc.is_active {
        return Err(AppError::new(ErrorCode::AccountDisabled).detail("the account is disabled"));
    }
    let scopes: Vec<ApiScope> = tok.scopes.split(',').filter_map(ApiScope::parse).collect();
    let needed = required_scope(method, path);
    if !scopes.contains(&needed) {
        return Err(AppError::new(ErrorCode::InsufficientScope).detail(format!(
            "this request needs the `{}` scope",
            needed.as_str()
        )));
    }
    if tok.last_used_at.is_none_or(|t| now - t > TOUCH_EVERY) {
        let mut am: api_token::ActiveModel = tok.clone().into();
        am.last_used_at = Set(Some(now));
        am.update(&state.db).await?;
    }
    let roles = load_roles(state, acc.id).await?;
    Ok(Actor {
        account_id: acc.id,
        login: acc.login,
        is_superadmin: acc.is_superadmin,
        roles,
        generations: Vec::new(),
        session_id: None,
        api_token: Some(ApiTokenAuth { id: tok.id, scopes }),
        client,
    })
}

/// The scope a request needs: `import` for `/import/` paths, `read` for safe methods, `write`
/// for the rest.
pub fn required_scope(method: &Method, path: &str) -> ApiScope {
    if path.contains("/import/") {
        ApiScope::Import
    } else if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        ApiScope::Read
    } else {
        ApiScope::Write
    }
}

async fn load_roles(state: &AppState, account_id: Uuid) -> AppResult<Vec<(Uuid, Role)>> {
    Ok(role_assignment::Entity::find()
        .filter(role_assignment::Column::AccountId.eq(account_id))
        .all(&state.db)
        .await?
        .into_iter()
        .filter_map(|r| Role::parse(&r.role).map(|role| (r.school_id, role)))
        .collect())
}
