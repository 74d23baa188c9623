//! The class journal, mark settings, the diary, the marks page and feed, the class summary.

use actix_web::{HttpResponse, delete, get, post, put, web};
use otmetka_domain::Problem;
use otmetka_domain::grading::{
    AttendanceCode, AttendanceCodeInput, MarkScale, MarkScaleInput, MarkSettings, WorkType,
    WorkTypeInput, WorkTypeUpdate,
};
use otmetka_domain::journal::{
    AttendanceCell, AttendanceCellInput, ClassSummary, Diary, Journal, JournalBatch,
    JournalBatchResult, MarkCell, MarkCellInput, MarkFeedItem, StudentMarks, Work, WorkInput,
    WorkUpdate,
};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::documented;
use uuid::Uuid;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::error::AppResult;
use crate::json::{ApiJson, access};
use crate::service::{diary, journal, marks};
use crate::state::AppState;

/// Query: the period (default: the school's final-mark period — a quarter by default — that
/// contains today).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    pub period_id: Option<Uuid>,
}

/// Query: an ISO week.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeekQuery {
    /// `YYYY-Www` (`2026-W48`); default the current week in the school's time zone.
    #[param(pattern = r"^(20[0-9]{2}|2100)-W(0[1-9]|[1-4][0-9]|5[0-3])$")]
    pub week: Option<String>,
}

/// Query: how many items.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// 1–500, default 20.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

// ---------- mark settings ----------

/// The school's mark scales, work types, attendance codes and edit window. Any member.
#[utoipa::path(tag = "journal", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 200, body = MarkSettings), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/mark-settings")]
async fn get_mark_settings(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
) -> AppResult<web::Json<MarkSettings>> {
    Ok(web::Json(
        marks::get_settings(&state.db, &actor, path.into_inner()).await?,
    ))
}

/// Create a mark scale (admin). 409 `conflict` when the code is taken.
#[utoipa::path(tag = "journal", security(("bearer" = [])), request_body = MarkScaleInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 201, body = MarkScale), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/mark-scales")]
async fn create_mark_scale(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<MarkScaleInput, access::ManageStructure>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(
        marks::write_scale(
            &state.db,
            &actor,
            path.into_inner(),
            None,
            body.into_inner(),
        )
        .await?,
    ))
}

/// Replace a mark scale (admin). 409 `in_use` when a value that marks use would go.
#[utoipa::path(tag = "journal", security(("bearer" = [])), request_body = MarkScaleInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("mark_scale_id" = Uuid, Path, description = "Mark scale id")),
    responses((status = 200, body = MarkScale), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/mark-scales/{mark_scale_id}")]
async fn update_mark_scale(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<MarkScaleInput, access::ManageStructure>,
) -> AppResult<web::Json<MarkScale>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        marks::write_scale(&state.db, &actor, school_id, Some(id), body.into_inner()).await?,
    ))
}

/// Delete a mark scale no subject uses (admin). 409 for the default scale or one in use.
#[utoipa::path(tag = "journal", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("mark_scale_id" = Uuid, Path, description = "Mark scale id")),
    responses((status = 204, description = "Done"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
#[delete("/schools/{school_id}/mark-scales/{mark_scale_id}")]
async fn delete_mark_scale(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (school_id, id) = path.into_inner();
    marks::delete_scale(&state.db, &actor, school_id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Create a work type with its default weight (admin). An omitted `position` is 0 (first).
#[utoipa::path(tag = "journal", security(("bearer" = [])), request_body = WorkTypeInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 201, body = WorkType), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/work-types")]
async fn create_work_type(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<WorkTypeInput, access::ManageStructure>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(
        marks::write_work_type(
            &state.db,
            &actor,
            path.into_inner(),
            None,
            body.into_inner(),
        )
        .await?,
    ))
}

/// Change a work type (admin); existing works keep their weights.
///
/// The body replaces the whole work type, so every field is required: an omitted `position` is
/// 422 `validation_failed` with the field error `position: required` (send the current position
/// to keep it), never a silent move to the front.
#[utoipa::path(tag = "journal", security(("bearer" = [])), request_body = WorkTypeUpdate,
    params(("school_id" = Uuid, Path, description = "School id"), ("work_type_id" = Uuid, Path, description = "Work type id")),
    responses((status = 200, body = WorkType), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/work-types/{work_type_id}")]
async fn update_work_type(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<WorkTypeUpdate, access::ManageStructure>,
) -> AppResult<web::Json<WorkType>> {
    use validator::Validate;
    let (school_id, id) = path.into_inner();
    // The service's own checks, first: who may change it, then the required position.
    policy::authorize(&actor, school_id, Action::ManageStructure)?;
    let input = body.into_inner();
    input.validate()?;
    Ok(web::Json(
        marks::write_work_type(&state.db, &actor, school_id, Some(id), input.into()).await?,
    ))
}

/// Delete a work type no work uses (admin). 409 `in_use` otherwise.
#[utoipa::path(tag = "journal", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("work_type_id" = Uuid, Path, description = "Work type id")),
    responses((status = 204, description = "Done"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
#[delete("/schools/{school_id}/work-types/{work_type_id}")]
async fn delete_work_type(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (school_id, id) = path.into_inner();
    marks::delete_work_type(&state.db, &actor, school_id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Create an attendance code (admin).
#[utoipa::path(tag = "journal", security(("bearer" = [])), request_body = AttendanceCodeInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 201, body = AttendanceCode), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/attendance-codes")]
async fn create_attendance_code(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<AttendanceCodeInput, access::ManageStructure>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(
        marks::write_attendance_code(
            &state.db,
            &actor,
            path.into_inner(),
            None,
            body.into_inner(),
        )
        .await?,
    ))
}

/// Change an attendance code's label, name and flags (admin); its `code` is fixed.
#[utoipa::path(tag = "journal", security(("bearer" = [])), request_body = AttendanceCodeInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("attendance_code_id" = Uuid, Path, description = "Attendance code id")),
    responses((status = 200, body = AttendanceCode), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/attendance-codes/{attendance_code_id}")]
async fn update_attendance_code(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<AttendanceCodeInput, access::ManageStructure>,
) -> AppResult<web::Json<AttendanceCode>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        marks::write_attendance_code(&state.db, &actor, school_id, Some(id), body.into_inner())
            .await?,
    ))
}

/// Delete an attendance code no cell uses (admin). 409 `in_use` otherwise.
#[utoipa::path(tag = "journal", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("attendance_code_id" = Uuid, Path, description = "Attendance code id")),
    responses((status = 204, description = "Done"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
#[delete("/schools/{school_id}/attendance-codes/{attendance_code_id}")]
async fn delete_attendance_code(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (school_id, id) = path.into_inner();
    marks::delete_attendance_code(&state.db, &actor, school_id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---------- the journal ----------

/// A course's journal for a period in one response: students (from enrollments; a subgroup course lists its group), lessons with works, every mark and attendance cell with its version, each student's weighted average and absences. The course's teachers, the class teacher, a substitute of one of its lessons, admin, principal.
#[utoipa::path(tag = "journal", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("course_id" = Uuid, Path, description = "Course id"), PeriodQuery),
    responses((status = 200, body = Journal), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/courses/{course_id}/journal")]
async fn get_journal(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<PeriodQuery>,
) -> AppResult<web::Json<Journal>> {
    let (school_id, course_id) = path.into_inner();
    Ok(web::Json(
        journal::journal(
            &state.db,
            &actor,
            school_id,
            course_id,
            query.period_id,
            state.now(),
        )
        .await?,
    ))
}

/// Write marks and attendance of a course in one transaction, all or nothing. Each cell carries the `version` read (0 for a new cell); a stale one → 412 `version_mismatch` with the current cells in `current` (`JournalConflict`) and nothing written. 422 per cell (`not_on_scale`, `not_enrolled`, `unknown_code`, `unknown`, `duplicate`); 409 `lesson_cancelled`; 403 `edit_window_closed`. The answer's averages are over `period_id` (default: the period of the first lesson written).
#[utoipa::path(tag = "journal", security(("bearer" = [])), request_body = JournalBatch,
    params(("school_id" = Uuid, Path, description = "School id"), ("course_id" = Uuid, Path, description = "Course id"), PeriodQuery),
    responses((status = 200, body = JournalBatchResult), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/courses/{course_id}/journal")]
async fn write_journal(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<PeriodQuery>,
    body: ApiJson<JournalBatch, access::WriteJournal>,
) -> AppResult<web::Json<JournalBatchResult>> {
    let (school_id, course_id) = path.into_inner();
    Ok(web::Json(
        journal::write_batch(
            &state.db,
            &actor,
            school_id,
            course_id,
            query.period_id,
            body.into_inner(),
            state.now(),
        )
        .await?,
    ))
}

/// Write one mark cell (a student × a work). 412 with the current cell in `current` when `version` is stale; the rules of the batch.
#[utoipa::path(tag = "journal", security(("bearer" = [])), request_body = MarkCellInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("work_id" = Uuid, Path, description = "Work id"), ("student_id" = Uuid, Path, description = "Student (person) id")),
    responses((status = 200, body = MarkCell), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/works/{work_id}/marks/{student_id}")]
async fn put_mark(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid, Uuid)>,
    body: ApiJson<MarkCellInput, access::WriteJournal>,
) -> AppResult<web::Json<MarkCell>> {
    let (school_id, work_id, student_id) = path.into_inner();
    Ok(web::Json(
        journal::write_mark(
            &state.db,
            &actor,
            school_id,
            work_id,
            student_id,
            body.into_inner(),
            state.now(),
        )
        .await?,
    ))
}

/// Write one attendance cell (a student × a lesson): `н`, `б`, `уп`, `оп` or null. 412 with the current cell when `version` is stale.
#[utoipa::path(tag = "journal", security(("bearer" = [])), request_body = AttendanceCellInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("lesson_id" = Uuid, Path, description = "Lesson id"), ("student_id" = Uuid, Path, description = "Student (person) id")),
    responses((status = 200, body = AttendanceCell), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/lessons/{lesson_id}/attendance/{student_id}")]
async fn put_attendance(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid, Uuid)>,
    body: ApiJson<AttendanceCellInput, access::WriteJournal>,
) -> AppResult<web::Json<AttendanceCell>> {
    let (school_id, lesson_id, student_id) = path.into_inner();
    Ok(web::Json(
        journal::write_attendance(
            &state.db,
            &actor,
            school_id,
            lesson_id,
            student_id,
            body.into_inner(),
            state.now(),
        )
        .await?,
    ))
}

/// Add a work (a marked sub-column: work type, weight, title) to a lesson. The lesson's journal writers.
#[utoipa::path(tag = "journal", security(("bearer" = [])), request_body = WorkInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("lesson_id" = Uuid, Path, description = "Lesson id")),
    responses((status = 201, body = Work), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/lessons/{lesson_id}/works")]
async fn create_work(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<WorkInput, access::WriteJournal>,
) -> AppResult<HttpResponse> {
    let (school_id, lesson_id) = path.into_inner();
    Ok(HttpResponse::Created().json(
        journal::create_work(
            &state.db,
            &actor,
            school_id,
            lesson_id,
            body.into_inner(),
            state.now(),
        )
        .await?,
    ))
}

/// Change a work's type, weight or title; 412 with the current work when `version` is stale.
#[utoipa::path(tag = "journal", security(("bearer" = [])), request_body = WorkUpdate,
    params(("school_id" = Uuid, Path, description = "School id"), ("work_id" = Uuid, Path, description = "Work id")),
    responses((status = 200, body = Work), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/works/{work_id}")]
async fn update_work(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<WorkUpdate, access::WriteJournal>,
) -> AppResult<web::Json<Work>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        journal::update_work(
            &state.db,
            &actor,
            school_id,
            id,
            body.into_inner(),
            state.now(),
        )
        .await?,
    ))
}

/// Remove a work without marks. 409 `in_use` when it has marks.
#[utoipa::path(tag = "journal", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("work_id" = Uuid, Path, description = "Work id")),
    responses((status = 204, description = "Done"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
#[delete("/schools/{school_id}/works/{work_id}")]
async fn delete_work(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (school_id, id) = path.into_inner();
    journal::delete_work(&state.db, &actor, school_id, id, state.now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---------- the diary ----------

/// A student's diary week: days with lessons in order, topic, homework, marks (work type, weight), attendance, homework due. The student, their parents, their class teacher, admin, principal.
#[utoipa::path(tag = "diary", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("student_id" = Uuid, Path, description = "Student (person) id"), WeekQuery),
    responses((status = 200, body = Diary), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/students/{student_id}/diary")]
async fn get_diary(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<WeekQuery>,
) -> AppResult<web::Json<Diary>> {
    let (school_id, student_id) = path.into_inner();
    Ok(web::Json(
        diary::diary(
            &state.db,
            &state.diary_views,
            &actor,
            school_id,
            student_id,
            query.into_inner().week,
            state.now(),
        )
        .await?,
    ))
}

/// A student's marks of a period by subject: marks, weighted average (the journal's number), count, absences, final mark once set. Same access as the diary.
#[utoipa::path(tag = "diary", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("student_id" = Uuid, Path, description = "Student (person) id"), PeriodQuery),
    responses((status = 200, body = StudentMarks), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/students/{student_id}/marks")]
async fn get_student_marks(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<PeriodQuery>,
) -> AppResult<web::Json<StudentMarks>> {
    let (school_id, student_id) = path.into_inner();
    Ok(web::Json(
        diary::student_marks(
            &state.db,
            &state.diary_views,
            &actor,
            school_id,
            student_id,
            query.period_id,
            state.now(),
        )
        .await?,
    ))
}

/// A student's recent marks, newest first by when they were set; changed marks carry `previous_value` (old → new). Same access as the diary.
#[utoipa::path(tag = "diary", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("student_id" = Uuid, Path, description = "Student (person) id"), FeedQuery),
    responses((status = 200, body = Vec<MarkFeedItem>), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/students/{student_id}/recent-marks")]
async fn get_recent_marks(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<FeedQuery>,
) -> AppResult<web::Json<Vec<MarkFeedItem>>> {
    let (school_id, student_id) = path.into_inner();
    Ok(web::Json(
        diary::recent_marks(
            &state.db,
            &actor,
            school_id,
            student_id,
            query.limit,
            state.now(),
        )
        .await?,
    ))
}

/// The class teacher's summary of a class for a period: every student × subject average and absences. The class teacher, admin, principal.
#[utoipa::path(tag = "journal", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("class_id" = Uuid, Path, description = "Class id"), PeriodQuery),
    responses((status = 200, body = ClassSummary), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/classes/{class_id}/summary")]
async fn get_class_summary(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<PeriodQuery>,
) -> AppResult<web::Json<ClassSummary>> {
    let (school_id, class_id) = path.into_inner();
    Ok(web::Json(
        diary::class_summary(
            &state.db,
            &actor,
            school_id,
            class_id,
            query.period_id,
            state.now(),
        )
        .await?,
    ))
}

/// Registers the handlers.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(documented(get_mark_settings))
        .service(documented(create_mark_scale))
        .service(documented(update_mark_scale))
        .service(documented(delete_mark_scale))
        .service(documented(create_work_type))
        .service(documented(update_work_type))
        .service(documented(delete_work_type))
        .service(documented(create_attendance_code))
        .service(documented(update_attendance_code))
        .service(documented(delete_attendance_code))
        .service(documented(get_journal))
        .service(documented(write_journal))
        .service(documented(put_mark))
        .service(documented(put_attendance))
        .service(documented(create_work))
        .service(documented(update_work))
        .service(documented(delete_work))
        .service(documented(get_diary))
        .service(documented(get_student_marks))
        .service(documented(get_recent_marks))
        .service(documented(get_class_summary));
}
