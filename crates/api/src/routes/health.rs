//! Liveness and readiness.

use actix_web::{HttpResponse, get, web};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::documented;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use otmetka_domain::ErrorCode;

/// Health answer.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
    /// Server version.
    pub version: &'static str,
}

/// Liveness: the process answers. No database access.
#[utoipa::path(tag = "health", responses((status = 200, body = Health)))]
#[get("/health")]
async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// Readiness: the database answers `SELECT 1`. 503 `database_unavailable` otherwise.
#[utoipa::path(tag = "health", responses(
    (status = 200, body = Health),
    (status = 503, body = otmetka_domain::Problem, content_type = "application/problem+json"),
))]
#[get("/ready")]
async fn ready(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    state.db.execute_unprepared("SELECT 1").await.map_err(|e| {
        tracing::error!(error = %e, "readiness check failed");
        AppError::new(ErrorCode::DatabaseUnavailable).detail("the database does not answer")
    })?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    }))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(documented(health)).service(documented(ready));
}
