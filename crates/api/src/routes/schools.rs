//! `/schools`: tenants.

use actix_web::{HttpResponse, get, post, web};
use otmetka_domain::Problem;
use otmetka_domain::school::{CreateSchoolRequest, School, SchoolCreated};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::documented;
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::AppResult;
use crate::json::{ApiJson, access};
use crate::service::schools as svc;
use crate::state::AppState;

/// Create a school with its first administrator (superadmin only). The answer carries the
/// first admin's invite code (shown once), valid `invite_ttl_days` days.
#[utoipa::path(tag = "schools", security(("bearer" = [])), request_body = CreateSchoolRequest, responses(
    (status = 201, body = SchoolCreated),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/schools")]
async fn create_school(
    state: web::Data<AppState>,
    actor: Actor,
    body: ApiJson<CreateSchoolRequest, access::Superadmin>,
) -> AppResult<HttpResponse> {
    let created = svc::create(
        &state.db,
        &actor,
        body.into_inner(),
        state.settings.invite_ttl_days,
    )
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// The schools of the signed-in account (every school for a superadmin), by name.
#[utoipa::path(tag = "schools", security(("bearer" = [])), responses((status = 200, body = Vec<School>)))]
#[get("/schools")]
async fn list_schools(
    state: web::Data<AppState>,
    actor: Actor,
) -> AppResult<web::Json<Vec<School>>> {
    Ok(web::Json(svc::list(&state.db, &actor).await?))
}

/// One school. 404 for accounts that hold no role in it.
#[utoipa::path(tag = "schools", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id")),
    responses(
        (status = 200, body = School),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/schools/{school_id}")]
async fn get_school(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
) -> AppResult<web::Json<School>> {
    Ok(web::Json(
        svc::get(&state.db, &actor, path.into_inner()).await?,
    ))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(documented(create_school))
        .service(documented(list_schools))
        .service(documented(get_school));
}
