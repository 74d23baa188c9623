//! `POST /schools/{school_id}/import/{kind}`: scripted imports.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt;
use otmetka_domain::import::ImportReport;
use otmetka_domain::{ErrorCode, Problem};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::documented;
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::import::{self, MAX_IMPORT_BYTES};
use crate::state::AppState;

/// Query of an import.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Check every row and answer what would happen, writing nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// `timetable` only: the file is the whole timetable from this day (`YYYY-MM-DD`). Rows
    /// start on it by default, and entries missing from the file end the day before (lessons
    /// with journal data stay, flagged for review).
    pub replace_from: Option<chrono::NaiveDate>,
}

/// Import a file of `kind` = `subjects`, `staff`, `classes`, `students`, `parents`, `courses`,
/// `periods`, `bell_schedule`, `holidays` or `timetable` (admin; an API token needs the `import`
/// scope). A real `timetable` or `holidays` import regenerates the lessons of the current year.
///
/// The body is CSV (UTF-8 with or without BOM, or Windows-1251; `,` or `;`; CRLF or LF; dates
/// `YYYY-MM-DD` or `DD.MM.YYYY`; headers as in the sample files or their Russian equivalents such
/// as `Фамилия`, `Имя`, `Дата рождения`, `Класс`) or JSON (`Content-Type: application/json`: an
/// array of objects with the same field names). Rows upsert by their key (`external_id` for
/// people). The answer lists every row: `created`, `updated`, `unchanged` or `error` with line,
/// column and message. Any error → nothing is written: 422 `import_rejected` with the row
/// problems in `errors` and the full report in `report`. `dry_run=true` checks without writing.
/// An `Idempotency-Key` header makes a retry return the first answer. Up to 20 MiB.
#[utoipa::path(tag = "import", security(("bearer" = [])),
    params(
        ("school_id" = Uuid, Path, description = "School id"),
        ("kind" = String, Path, description = "subjects, staff, classes, students, parents, courses, periods, bell_schedule, holidays, timetable"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first answer"),
        ImportQuery
    ),
    request_body(content = String, content_type = "text/csv", description = "The CSV file (or JSON with Content-Type: application/json)"),
    responses(
        (status = 200, body = ImportReport, description = "Every row's outcome; written unless dry_run"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "Idempotency-Key reused with another body"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`import_rejected`: row errors, nothing written"),
    ))]
#[post("/schools/{school_id}/import/{kind}")]
async fn import_file(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    path: web::Path<(Uuid, String)>,
    query: web::Query<ImportQuery>,
    mut payload: web::Payload,
) -> AppResult<HttpResponse> {
    let (school_id, kind) = path.into_inner();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            AppError::new(ErrorCode::BadRequest).detail(format!("reading the body: {e}"))
        })?;
        if body.len() + chunk.len() > MAX_IMPORT_BYTES {
            return Err(
                AppError::new(ErrorCode::PayloadTooLarge).detail("imports are limited to 20 MiB")
            );
        }
        body.extend_from_slice(&chunk);
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let key = match req.headers().get("idempotency-key") {
        Some(v) => Some(v.to_str().map_err(|_| {
            AppError::new(ErrorCode::InvalidHeader).detail("Idempotency-Key must be text")
        })?),
        None => None,
    };
    let answer = import::run(
        &state.db,
        &actor,
        school_id,
        &kind,
        content_type,
        &body,
        query.dry_run,
        query.replace_from,
        key,
        state.now(),
    )
    .await?;
    let ct = if answer.status.is_success() {
        "application/json"
    } else {
        "application/problem+json"
    };
    Ok(HttpResponse::build(answer.status)
        .content_type(ct)
        .body(answer.body.to_string()))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(documented(import_file));
}
