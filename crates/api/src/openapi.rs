//! The OpenAPI document: collected by utoipa-actix-web from the handlers under `/api/v1`, with
//! this file's info, tags and the bearer security scheme. Served at `/api/v1/openapi.json`,
//! committed as `openapi/openapi.json` (`just openapi` regenerates it; a test fails when stale).

use actix_web::{HttpResponse, get, web};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Top-level document attributes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Otmetka API",
        description = "Electronic school journal and diary. JSON in and out; errors are \
            `application/problem+json` (RFC 9457) with a stable `code`. Authenticate with \
            `Authorization: Bearer <access JWT or API token>`. School data lives under \
            `/api/v1/schools/{school_id}/…`; ids are UUID v7; dates `YYYY-MM-DD`, instants RFC 3339 UTC. \
            Lists take `limit` (1–500, default 50) and `offset` and return `X-Total-Count`.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerAuth),
    components(schemas(otmetka_domain::Problem, otmetka_domain::FieldError, otmetka_domain::ErrorCode)),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "auth", description = "Sign-in, tokens, registration by invite code"),
        (name = "me", description = "The signed-in account: sessions, password, API tokens"),
        (name = "schools", description = "Schools (tenants)"),
        (name = "invites", description = "Invite codes: the only way to register"),
        (name = "persons", description = "Person records of a school"),
        (name = "accounts", description = "Accounts and roles in a school"),
        (name = "audit", description = "Audit log"),
        (name = "structure", description = "Academic years, periods, subjects, classes, subgroups, courses, settings"),
        (name = "roster", description = "Class lists, enrollments, guardians, invite sheets"),
        (name = "import", description = "Importing a school's data from CSV or JSON"),
        (name = "final-marks", description = "Final marks, term reopenings, the closing view, report cards"),
        (name = "reports", description = "Performance and quality, attendance, journal-keeping control, monthly activity; CSV and XLSX exports"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("JWT or otm_ API token")
                        .build(),
                ),
            );
        }
    }
}

/// The serialized spec, computed once at start.
#[derive(Clone)]
pub struct SpecJson(pub std::sync::Arc<String>);

/// This OpenAPI document.
#[utoipa::path(tag = "meta", responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
#[get("/openapi.json")]
pub async fn openapi_json(spec: web::Data<SpecJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(spec.0.as_str().to_string())
}

/// The spec as pretty JSON with a trailing newline (the committed file's form).
pub fn spec_pretty() -> String {
    let spec = crate::startup::api_spec();
    let mut s = spec.to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}
