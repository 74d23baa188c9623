//! `/me`: the signed-in account, its sessions, password and API tokens.

use actix_web::{HttpResponse, delete, get, post, web};
use otmetka_domain::Problem;
use otmetka_domain::auth::{
    ApiTokenCreated, ApiTokenInfo, ChangePasswordRequest, CreateApiTokenRequest, Me, SessionInfo,
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::documented;
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::AppResult;
use crate::json::{ApiJson, access};
use crate::service::me as svc;
use crate::state::AppState;

/// The signed-in account: login, superadmin flag, schools with roles and linked person.
#[utoipa::path(tag = "me", security(("bearer" = [])), responses(
    (status = 200, body = Me),
    (status = 401, body = Problem, content_type = "application/problem+json"),
))]
#[get("/me")]
async fn me(state: web::Data<AppState>, actor: Actor) -> AppResult<web::Json<Me>> {
    Ok(web::Json(svc::me(&state, &actor).await?))
}

/// Change the password (`current_password`, `new_password`). Every other session ends.
#[utoipa::path(tag = "me", security(("bearer" = [])), request_body = ChangePasswordRequest, responses(
    (status = 204, description = "Changed"),
    (status = 403, body = Problem, content_type = "application/problem+json", description = "`current_password_wrong`, `session_required`"),
    (status = 422, body = Problem, content_type = "application/problem+json", description = "`password_length`, `password_too_common`"),
))]
#[post("/me/password")]
async fn change_password(
    state: web::Data<AppState>,
    actor: Actor,
    body: ApiJson<ChangePasswordRequest, access::SignedIn>,
) -> AppResult<HttpResponse> {
    svc::change_password(&state, &actor, body.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The account's active sessions (created, last used, IP, user agent), the current one marked.
#[utoipa::path(tag = "me", security(("bearer" = [])), responses(
    (status = 200, body = Vec<SessionInfo>),
    (status = 401, body = Problem, content_type = "application/problem+json"),
))]
#[get("/me/sessions")]
async fn sessions(
    state: web::Data<AppState>,
    actor: Actor,
) -> AppResult<web::Json<Vec<SessionInfo>>> {
    Ok(web::Json(svc::sessions(&state, &actor).await?))
}

/// End one session of the account (ending the current one signs out).
#[utoipa::path(tag = "me", security(("bearer" = [])),
    params(("session_id" = Uuid, Path, description = "Session id")),
    responses(
        (status = 204, description = "Ended"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/me/sessions/{session_id}")]
async fn revoke_session(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    svc::revoke_one(&state, &actor, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// End every session of the account except the current one.
#[utoipa::path(tag = "me", security(("bearer" = [])), responses(
    (status = 204, description = "Ended"),
    (status = 403, body = Problem, content_type = "application/problem+json", description = "`session_required`"),
))]
#[delete("/me/sessions")]
async fn revoke_other_sessions(
    state: web::Data<AppState>,
    actor: Actor,
) -> AppResult<HttpResponse> {
    svc::revoke_others(&state, &actor).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Create an API token for scripts and integrations, with scopes `read` (GET), `write` (other
/// methods), `import` (import endpoints) and an expiry (default 90 days). The secret `token` is
/// shown only in this answer; send it as `Authorization: Bearer otm_…`.
#[utoipa::path(tag = "me", security(("bearer" = [])), request_body = CreateApiTokenRequest, responses(
    (status = 201, body = ApiTokenCreated),
    (status = 403, body = Problem, content_type = "application/problem+json", description = "`session_required`"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/me/api-tokens")]
async fn create_api_token(
    state: web::Data<AppState>,
    actor: Actor,
    body: ApiJson<CreateApiTokenRequest, access::SignedIn>,
) -> AppResult<HttpResponse> {
    let created = svc::create_api_token(&state, &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(created))
}

/// The account's API tokens (without secrets).
#[utoipa::path(tag = "me", security(("bearer" = [])), responses((status = 200, body = Vec<ApiTokenInfo>)))]
#[get("/me/api-tokens")]
async fn list_api_tokens(
    state: web::Data<AppState>,
    actor: Actor,
) -> AppResult<web::Json<Vec<ApiTokenInfo>>> {
    Ok(web::Json(svc::list_api_tokens(&state, &actor).await?))
}

/// Revoke an API token; scripts using it get 401 at once.
#[utoipa::path(tag = "me", security(("bearer" = [])),
    params(("token_id" = Uuid, Path, description = "API token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/me/api-tokens/{token_id}")]
async fn revoke_api_token(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    svc::revoke_api_token(&state, &actor, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(documented(me))
        .service(documented(change_password))
        .service(documented(sessions))
        .service(documented(revoke_session))
        .service(documented(revoke_other_sessions))
        .service(documented(create_api_token))
        .service(documented(list_api_tokens))
        .service(documented(revoke_api_token));
}
