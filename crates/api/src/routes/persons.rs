//! `/schools/{school_id}/persons`: person records.

use actix_web::{HttpResponse, get, post, web};
use otmetka_domain::Problem;
use otmetka_domain::person::{Person, PersonInput};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::documented;
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::AppResult;
use crate::json::{ApiJson, access};
use crate::routes::list_response;
use crate::service::PageParams;
use crate::service::persons as svc;
use crate::state::AppState;

/// Create a person record (admin). `external_id` must be unique in the school.
#[utoipa::path(tag = "persons", security(("bearer" = [])), request_body = PersonInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses(
        (status = 201, body = Person),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/schools/{school_id}/persons")]
async fn create_person(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<PersonInput, access::ManagePersons>,
) -> AppResult<HttpResponse> {
    let p = svc::create(&state.db, &actor, path.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(p))
}

/// Query of the person list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonQuery {
    /// Search in names and external id.
    pub q: Option<String>,
    /// Only students, staff or parents.
    pub kind: Option<otmetka_domain::person::PersonKind>,
    /// Items per page, 1–500. Default 50.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    /// Items to skip. Default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    pub offset: Option<u64>,
}

/// The school's persons by name (admin, principal); `X-Total-Count` gives the total.
#[utoipa::path(tag = "persons", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), PersonQuery),
    responses(
        (status = 200, body = Vec<Person>, headers(("X-Total-Count" = u64, description = "Total matching"))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/schools/{school_id}/persons")]
async fn list_persons(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<PersonQuery>,
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
        query.q.as_deref(),
        query.kind,
        limit,
        offset,
    )
    .await?;
    Ok(list_response(items, total))
}

/// One person (admin, principal, or the person themself).
#[utoipa::path(tag = "persons", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("person_id" = Uuid, Path, description = "Person id")),
    responses(
        (status = 200, body = Person),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/schools/{school_id}/persons/{person_id}")]
async fn get_person(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<Person>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(svc::get(&state.db, &actor, school_id, id).await?))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(documented(create_person))
        .service(documented(list_persons))
        .service(documented(get_person));
}
