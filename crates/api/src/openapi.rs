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

/// A handler registered with the error answers that come from the framework rather than from the
/// handler itself, added to its operation in the spec unless the handler documents that status
/// with its own description: every authenticated operation may answer 401 (no, a bad or an
/// expired token, an ended session) and 403 (the role, a token's scopes, a disabled account); a
/// path parameter 400 (not a UUID) and 404 (no such object, or one of another school); a query
/// 400 (a value that does not parse or is out of range); a JSON body 400 (malformed, unknown or
/// mistyped fields), 413 (too large), 415 (not `application/json`) and 422 (NUL characters, the
/// DTO's validation); an `/auth` operation 429 (the scope's rate limit). Every `configure` of
/// `routes` registers its handlers through [`documented`] (or [`documented_auth`]).
pub struct Documented<S> {
    service: S,
    rate_limited: bool,
}

/// `service` with the framework's error answers in its spec (see [`Documented`]).
pub fn documented<S>(service: S) -> Documented<S> {
    Documented {
        service,
        rate_limited: false,
    }
}

/// As [`documented`], for the rate-limited `/api/v1/auth` scope (adds 429).
pub fn documented_auth<S>(service: S) -> Documented<S> {
    Documented {
        service,
        rate_limited: true,
    }
}

impl<S: actix_web::dev::HttpServiceFactory> actix_web::dev::HttpServiceFactory for Documented<S> {
    fn register(self, config: &mut actix_web::dev::AppService) {
        self.service.register(config)
    }
}

impl<S: utoipa_actix_web::OpenApiFactory> utoipa_actix_web::OpenApiFactory for Documented<S> {
    fn paths(&self) -> utoipa::openapi::path::Paths {
        let mut paths = self.service.paths();
        for item in paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
                &mut item.head,
                &mut item.options,
                &mut item.trace,
            ]
            .into_iter()
            .flatten()
            {
                add_framework_errors(op, self.rate_limited);
            }
        }
        paths
    }

    fn schemas(
        &self,
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        self.service.schemas(schemas)
    }
}

/// Adds the statuses of [`Documented`] that `op` does not document yet.
fn add_framework_errors(op: &mut utoipa::openapi::path::Operation, rate_limited: bool) {
    use utoipa::openapi::path::ParameterIn;

    let params = op.parameters.as_deref().unwrap_or_default();
    let has_path = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Path));
    let has_query = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query));
    let has_body = op.request_body.is_some();
    let authenticated = op.security.as_ref().is_some_and(|s| !s.is_empty());

    let mut bad_request = Vec::new();
    if has_path {
        bad_request.push("`invalid_path_parameter`");
    }
    if has_query {
        bad_request.push("`invalid_query_parameter`");
    }
    if has_body {
        bad_request.push("`malformed_json`");
    }
    let bad_request = bad_request.join(", ");

    let mut add = |status: &str, description: &str| {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| problem_response(description).into());
    };
    if !bad_request.is_empty() {
        add("400", &bad_request);
    }
    if authenticated {
        add(
            "401",
            "`authentication_required`, `token_invalid`, `token_expired`, `session_revoked`",
        );
        add(
            "403",
            "`forbidden`, `insufficient_scope`, `session_required`, `account_disabled`",
        );
    }
    if has_path {
        add("404", "`not_found`");
    }
    if has_body {
        add("413", "`payload_too_large`");
        add("415", "`unsupported_media_type`");
        add("422", "`validation_failed`");
    }
    if rate_limited {
        add("429", "`too_many_requests`, see `Retry-After`");
    }
}

/// A `application/problem+json` response with the `Problem` schema.
fn problem_response(description: &str) -> utoipa::openapi::Response {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}
