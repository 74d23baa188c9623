//! `/schools/{school_id}/accounts`: accounts and their roles in a school.

use actix_web::{get, patch, web};
use otmetka_domain::Problem;
use otmetka_domain::account::{SchoolAccount, UpdateSchoolAccountRequest};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::documented;
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::AppResult;
use crate::json::{ApiJson, access};
use crate::service::accounts as svc;
use crate::state::AppState;

/// The school's accounts with their roles here (admin, principal).
#[utoipa::path(tag = "accounts", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id")),
    responses(
        (status = 200, body = Vec<SchoolAccount>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/schools/{school_id}/accounts")]
async fn list_accounts(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
) -> AppResult<web::Json<Vec<SchoolAccount>>> {
    Ok(web::Json(
        svc::list(&state.db, &actor, path.into_inner()).await?,
    ))
}

/// Set an account's roles in this school (`roles`: the complete new set) and/or disable or
/// enable it (`is_active`). Admin only. Either change ends the account's sessions at once.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), request_body = UpdateSchoolAccountRequest,
    params(("school_id" = Uuid, Path, description = "School id"), ("account_id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, body = SchoolAccount),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "Own admin role or own account"),
    ))]
#[patch("/schools/{school_id}/accounts/{account_id}")]
async fn update_account(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<UpdateSchoolAccountRequest, access::ManageAccounts>,
) -> AppResult<web::Json<SchoolAccount>> {
    let (school_id, account_id) = path.into_inner();
    Ok(web::Json(
        svc::update(&state.db, &actor, school_id, account_id, body.into_inner()).await?,
    ))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(documented(list_accounts))
        .service(documented(update_account));
}
