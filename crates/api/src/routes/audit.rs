//! Audit log reading.

use actix_web::{HttpResponse, get, web};
use otmetka_domain::Problem;
use otmetka_domain::audit::AuditRecord;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::documented;
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::AppResult;
use crate::routes::list_response;
use crate::service::PageParams;
use crate::service::audit as svc;
use crate::state::AppState;

/// Query of the audit log.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only records of this action (`login_failed`, `invite_created`, …).
    pub action: Option<String>,
    /// Items per page, 1–500. Default 50.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    /// Items to skip. Default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    pub offset: Option<u64>,
}

/// The school's audit log, newest first (admin, principal): the school's records and the
/// sign-ins and password changes of its members.
#[utoipa::path(tag = "audit", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), AuditQuery),
    responses(
        (status = 200, body = Vec<AuditRecord>, headers(("X-Total-Count" = u64, description = "Total matching"))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/schools/{school_id}/audit")]
async fn school_audit(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let (limit, offset) = PageParams {
        limit: query.limit,
        offset: query.offset,
    }
    .resolve()?;
    let (items, total) = svc::list_for_school(
        &state.db,
        &actor,
        path.into_inner(),
        query.action.as_deref(),
        limit,
        offset,
    )
    .await?;
    Ok(list_response(items, total))
}

/// The deployment's whole audit log, newest first (superadmin).
#[utoipa::path(tag = "audit", security(("bearer" = [])), params(AuditQuery),
    responses(
        (status = 200, body = Vec<AuditRecord>, headers(("X-Total-Count" = u64, description = "Total matching"))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/audit")]
async fn global_audit(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let (limit, offset) = PageParams {
        limit: query.limit,
        offset: query.offset,
    }
    .resolve()?;
    let (items, total) =
        svc::list_all(&state.db, &actor, query.action.as_deref(), limit, offset).await?;
    Ok(list_response(items, total))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(documented(school_audit))
        .service(documented(global_audit));
}
