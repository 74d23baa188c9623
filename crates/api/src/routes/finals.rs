//! Final marks, term reopenings, the principal's closing view and report cards (issue 6).

use actix_web::{HttpResponse, delete, get, post, web};
use otmetka_domain::Problem;
use otmetka_domain::finals::{
    CourseFinalMarks, FinalMarksBatch, FinalMarksResult, PeriodClosing, ReportCard, Term,
    TermReopening, TermReopeningInput,
};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::documented;
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::json::{ApiJson, access};
use crate::service::finals;
use crate::state::AppState;
use otmetka_domain::ErrorCode;

/// Query: the academic year (default: the current one).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    pub academic_year_id: Option<Uuid>,
}

/// Query of the closing view.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClosingQuery {
    /// Default: the current academic year.
    pub academic_year_id: Option<Uuid>,
    /// `quarter_1`…, `year`, `exam`, `final`; default: the final-kind period that ended last
    /// (or the current one).
    #[param(pattern = r"^(quarter_[1-4]|trimester_[1-3]|half_year_[12]|year|exam|final)$")]
    pub term: Option<String>,
    /// Only this class's courses.
    pub class_id: Option<Uuid>,
}

/// A CSV download: `file` is the ASCII fallback name, `name` the real one (RFC 6266 `filename*`,
/// UTF-8, percent-encoded), e.g. «Табель — Иванов Иван, 5А.csv».
pub(crate) fn csv_response(body: Vec<u8>, file: &str, name: &str) -> HttpResponse {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{file}\"; filename*=UTF-8''{encoded}"),
        ))
        .body(body)
}

/// A course's final-mark sheet for its year: the terms (periods of the school's final kind, year, and exam and final for grades 9 and 11) with the teachers' window and what the reader may do now, the students, and per student × term the mark, the average and the suggested mark (the one grading function, the school's rounding threshold). Readers of the course's journal.
#[utoipa::path(tag = "final-marks", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("course_id" = Uuid, Path, description = "Course id")),
    responses((status = 200, body = CourseFinalMarks), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/courses/{course_id}/final-marks")]
async fn get_final_marks(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<CourseFinalMarks>> {
    let (school_id, course_id) = path.into_inner();
    Ok(web::Json(
        finals::course_sheet(&state.db, &actor, school_id, course_id, state.now()).await?,
    ))
}

/// Write a course's final marks, all or nothing. Teachers of the course from K days before a period's end until N days after it (school time zone; 403 `final_mark_not_open` / `final_mark_deadline_passed` outside); the principal and the admin any time, with a `reason` outside the teachers' window. 412 `version_mismatch` with `current.cells` on a stale version; 422 per cell (`unknown_term`, `not_on_scale`, `not_enrolled`, `duplicate`, `comment_required` when the mark is more than one point from the suggestion) and `reason: required`. Audited.
#[utoipa::path(tag = "final-marks", security(("bearer" = [])), request_body = FinalMarksBatch,
    params(("school_id" = Uuid, Path, description = "School id"), ("course_id" = Uuid, Path, description = "Course id")),
    responses((status = 200, body = FinalMarksResult), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/courses/{course_id}/final-marks")]
async fn write_final_marks(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<FinalMarksBatch, access::WriteFinalMarks>,
) -> AppResult<web::Json<FinalMarksResult>> {
    let (school_id, course_id) = path.into_inner();
    Ok(web::Json(
        finals::write_batch(
            &state.db,
            &actor,
            school_id,
            course_id,
            body.into_inner(),
            state.now(),
        )
        .await?,
    ))
}

/// The course's reopened terms. Readers of the course's journal.
#[utoipa::path(tag = "final-marks", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("course_id" = Uuid, Path, description = "Course id")),
    responses((status = 200, body = Vec<TermReopening>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/courses/{course_id}/reopenings")]
async fn list_reopenings(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<Vec<TermReopening>>> {
    let (school_id, course_id) = path.into_inner();
    Ok(web::Json(
        finals::list_reopenings(&state.db, &actor, school_id, course_id).await?,
    ))
}

/// Reopen a closed term for a course until `until` (today … today + 60 days): its teachers set the term's final marks and write the period's journal again. Replaces an earlier reopening of the term. Admin; audited with the reason.
#[utoipa::path(tag = "final-marks", security(("bearer" = [])), request_body = TermReopeningInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("course_id" = Uuid, Path, description = "Course id")),
    responses((status = 201, body = TermReopening), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/courses/{course_id}/reopenings")]
async fn create_reopening(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<TermReopeningInput, access::ManageStructure>,
) -> AppResult<HttpResponse> {
    let (school_id, course_id) = path.into_inner();
    Ok(HttpResponse::Created().json(
        finals::reopen(
            &state.db,
            &actor,
            school_id,
            course_id,
            body.into_inner(),
            state.now(),
        )
        .await?,
    ))
}

/// End a reopening now. Admin; audited.
#[utoipa::path(tag = "final-marks", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("reopening_id" = Uuid, Path, description = "Reopening id")),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/schools/{school_id}/reopenings/{reopening_id}")]
async fn delete_reopening(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (school_id, id) = path.into_inner();
    finals::delete_reopening(&state.db, &actor, school_id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The principal's closing view of a term: every course with the students due a final mark, how many have one and how many lack it (by teacher, class, subject), and the students with a failing final mark (2, н/а, нз). Principal and admin.
#[utoipa::path(tag = "final-marks", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ClosingQuery),
    responses((status = 200, body = PeriodClosing), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/final-marks/closing")]
async fn get_closing(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<ClosingQuery>,
) -> AppResult<web::Json<PeriodClosing>> {
    let q = query.into_inner();
    let term =
        match q.term.as_deref() {
            Some(t) => Some(t.parse::<Term>().map_err(|e| {
                AppError::new(ErrorCode::InvalidQueryParameter).detail(e.to_string())
            })?),
            None => None,
        };
    Ok(web::Json(
        finals::closing(
            &state.db,
            &actor,
            path.into_inner(),
            q.academic_year_id,
            term,
            q.class_id,
            state.now(),
        )
        .await?,
    ))
}

/// A student's report card (табель успеваемости) for a year: subjects × terms with the final marks set. The student, their parents, their class teacher, admin, principal.
#[utoipa::path(tag = "final-marks", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("student_id" = Uuid, Path, description = "Student (person) id"), YearQuery),
    responses((status = 200, body = ReportCard), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/students/{student_id}/report-card")]
async fn get_report_card(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<YearQuery>,
) -> AppResult<web::Json<ReportCard>> {
    let (school_id, student_id) = path.into_inner();
    Ok(web::Json(
        finals::student_report_card(
            &state.db,
            &actor,
            school_id,
            student_id,
            query.academic_year_id,
            state.now(),
        )
        .await?,
    ))
}

/// The report card as CSV (UTF-8 with BOM, `;`, Russian headers: Ученик;Класс;Учебный год;Предмет;1 четверть;…;Год). Same access as the report card.
#[utoipa::path(tag = "final-marks", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("student_id" = Uuid, Path, description = "Student (person) id"), YearQuery),
    responses((status = 200, body = String, content_type = "text/csv"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/students/{student_id}/report-card.csv")]
async fn get_report_card_csv(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<YearQuery>,
) -> AppResult<HttpResponse> {
    let (school_id, student_id) = path.into_inner();
    let card = finals::student_report_card(
        &state.db,
        &actor,
        school_id,
        student_id,
        query.academic_year_id,
        state.now(),
    )
    .await?;
    let name = format!(
        "Табель — {}{}, {}.csv",
        card.student_name,
        card.class_name
            .as_deref()
            .map(|c| format!(", {c}"))
            .unwrap_or_default(),
        card.academic_year_name.replace('/', "-")
    );
    Ok(csv_response(
        finals::report_cards_csv(std::slice::from_ref(&card))?,
        "report-card.csv",
        &name,
    ))
}

/// The report cards of a class's students, by name: one print job. The class teacher, admin, principal.
#[utoipa::path(tag = "final-marks", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("class_id" = Uuid, Path, description = "Class id")),
    responses((status = 200, body = Vec<ReportCard>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/classes/{class_id}/report-cards")]
async fn get_class_report_cards(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<Vec<ReportCard>>> {
    let (school_id, class_id) = path.into_inner();
    Ok(web::Json(
        finals::class_report_cards(&state.db, &actor, school_id, class_id, state.now()).await?,
    ))
}

/// The class's report cards as one CSV (a row per student × subject). Same access.
#[utoipa::path(tag = "final-marks", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("class_id" = Uuid, Path, description = "Class id")),
    responses((status = 200, body = String, content_type = "text/csv"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/classes/{class_id}/report-cards.csv")]
async fn get_class_report_cards_csv(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (school_id, class_id) = path.into_inner();
    let cards =
        finals::class_report_cards(&state.db, &actor, school_id, class_id, state.now()).await?;
    let class = crate::service::structure::class_row(&state.db, school_id, class_id).await?;
    Ok(csv_response(
        finals::report_cards_csv(&cards)?,
        "report-cards.csv",
        &format!("Табели — {}.csv", class.name),
    ))
}

/// Registers the handlers.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(documented(get_final_marks))
        .service(documented(write_final_marks))
        .service(documented(list_reopenings))
        .service(documented(create_reopening))
        .service(documented(delete_reopening))
        .service(documented(get_closing))
        .service(documented(get_report_card))
        .service(documented(get_report_card_csv))
        .service(documented(get_class_report_cards))
        .service(documented(get_class_report_cards_csv));
}
