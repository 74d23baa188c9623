//! `/schools/{school_id}/invites`: invite codes.

use actix_web::{HttpResponse, delete, get, post, web};
use otmetka_domain::Problem;
use otmetka_domain::invite::{CreateInviteRequest, Invite, InviteCreated};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::documented;
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::AppResult;
use crate::json::{ApiJson, access};
use crate::routes::list_response;
use crate::service::PageParams;
use crate::service::invites::{self as svc, StateFilter};
use crate::state::AppState;

/// Issue an invite code for a person (existing `person_id`, or a new `person`) and a role
/// (admin only). The code is in this answer only; it expires after `expires_in_days` (default 30).
#[utoipa::path(tag = "invites", security(("bearer" = [])), request_body = CreateInviteRequest,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses(
        (status = 201, body = InviteCreated),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`person_has_account`, `conflict`"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/schools/{school_id}/invites")]
async fn create_invite(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<CreateInviteRequest, access::ManageInvites>,
) -> AppResult<HttpResponse> {
    let created = svc::create(
        &state.db,
        &actor,
        path.into_inner(),
        body.into_inner(),
        state.settings.invite_ttl_days,
    )
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Query of the invite list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InviteQuery {
    /// Only invites in this state: `active`, `used`, `expired`, `revoked`.
    #[param(inline)]
    pub state: Option<StateFilter>,
    /// Items per page, 1–500. Default 50.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    /// Items to skip. Default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    pub offset: Option<u64>,
}

/// The school's invites with their state, newest first (admin, principal). `X-Total-Count`
/// gives the total.
#[utoipa::path(tag = "invites", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), InviteQuery),
    responses(
        (status = 200, body = Vec<Invite>, headers(("X-Total-Count" = u64, description = "Total matching"))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/schools/{school_id}/invites")]
async fn list_invites(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<InviteQuery>,
) -> AppResult<HttpResponse> {
    let (limit, offset) = PageParams {
        limit: query.limit,
        offset: query.offset,
    }
    .resolve()?;
    let (items, total) = svc::list(
        &state.db,
        &actor,
        path.into_inner(),
        query.state,
        limit,
        offset,
    )
    .await?;
    Ok(list_response(items, total))
}

/// Revoke an invite (admin). Revoking twice is fine; a used invite answers 409.
#[utoipa::path(tag = "invites", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("invite_id" = Uuid, Path, description = "Invite id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/schools/{school_id}/invites/{invite_id}")]
async fn revoke_invite(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (school_id, id) = path.into_inner();
    svc::revoke(&state.db, &actor, school_id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(documented(create_invite))
        .service(documented(list_invites))
        .service(documented(revoke_invite));
}
