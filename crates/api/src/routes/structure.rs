//! School structure: settings, academic years, periods, subjects, classes, subgroups, courses.

use actix_web::{HttpResponse, delete, get, post, put, web};
use otmetka_domain::Problem;
use otmetka_domain::structure::{
    AcademicYear, AcademicYearInput, Class, ClassInput, Course, CourseInput, Group, GroupInput,
    Period, PeriodInput, SchoolSettings, Subject, SubjectInput,
};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::documented;
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::AppResult;
use crate::json::{ApiJson, access};
use crate::service::structure::{self as svc, CourseFilter};
use crate::state::AppState;

/// The school's settings: name, time zone, the period kind of final marks. Any member.
#[utoipa::path(tag = "structure", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 200, body = SchoolSettings), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/settings")]
async fn get_settings(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
) -> AppResult<web::Json<SchoolSettings>> {
    Ok(web::Json(
        svc::get_settings(&state.db, &actor, path.into_inner()).await?,
    ))
}

/// Change the settings (admin).
#[utoipa::path(tag = "structure", security(("bearer" = [])), request_body = SchoolSettings,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 200, body = SchoolSettings), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/settings")]
async fn put_settings(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<SchoolSettings, access::ManageStructure>,
) -> AppResult<web::Json<SchoolSettings>> {
    Ok(web::Json(
        svc::put_settings(&state.db, &actor, path.into_inner(), body.into_inner()).await?,
    ))
}

/// The school's academic years, newest first. Any member.
#[utoipa::path(tag = "structure", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 200, body = Vec<AcademicYear>), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/academic-years")]
async fn list_years(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
) -> AppResult<web::Json<Vec<AcademicYear>>> {
    Ok(web::Json(
        svc::list_years(&state.db, &actor, path.into_inner()).await?,
    ))
}

/// Create an academic year (admin). Dates must not overlap another year; the first year, or
/// one with `is_current`, becomes the current year.
#[utoipa::path(tag = "structure", security(("bearer" = [])), request_body = AcademicYearInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 201, body = AcademicYear), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/academic-years")]
async fn create_year(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<AcademicYearInput, access::ManageStructure>,
) -> AppResult<HttpResponse> {
    let y = svc::write_year(
        &state.db,
        &actor,
        path.into_inner(),
        None,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(y))
}

/// Change an academic year (admin).
#[utoipa::path(tag = "structure", security(("bearer" = [])), request_body = AcademicYearInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("year_id" = Uuid, Path, description = "Academic year id")),
    responses((status = 200, body = AcademicYear), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/academic-years/{year_id}")]
async fn update_year(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<AcademicYearInput, access::ManageStructure>,
) -> AppResult<web::Json<AcademicYear>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        svc::write_year(&state.db, &actor, school_id, Some(id), body.into_inner()).await?,
    ))
}

/// Query: an academic year (default: the current one).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    pub academic_year_id: Option<Uuid>,
}

/// Periods of a year (default: current), by kind and number. Any member.
#[utoipa::path(tag = "structure", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), YearQuery),
    responses((status = 200, body = Vec<Period>), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/periods")]
async fn list_periods(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<YearQuery>,
) -> AppResult<web::Json<Vec<Period>>> {
    Ok(web::Json(
        svc::list_periods(&state.db, &actor, path.into_inner(), query.academic_year_id).await?,
    ))
}

/// Create a period (admin): inside its year, no overlap within its kind.
#[utoipa::path(tag = "structure", security(("bearer" = [])), request_body = PeriodInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 201, body = Period), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/periods")]
async fn create_period(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<PeriodInput, access::ManageStructure>,
) -> AppResult<HttpResponse> {
    let p = svc::write_period(
        &state.db,
        &actor,
        path.into_inner(),
        None,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(p))
}

/// Change a period (admin).
#[utoipa::path(tag = "structure", security(("bearer" = [])), request_body = PeriodInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("period_id" = Uuid, Path, description = "Period id")),
    responses((status = 200, body = Period), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/periods/{period_id}")]
async fn update_period(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<PeriodInput, access::ManageStructure>,
) -> AppResult<web::Json<Period>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        svc::write_period(&state.db, &actor, school_id, Some(id), body.into_inner()).await?,
    ))
}

/// Delete a period (admin).
#[utoipa::path(tag = "structure", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("period_id" = Uuid, Path, description = "Period id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/schools/{school_id}/periods/{period_id}")]
async fn delete_period(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (school_id, id) = path.into_inner();
    svc::delete_period(&state.db, &actor, school_id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The school's subjects by name. Any member.
#[utoipa::path(tag = "structure", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 200, body = Vec<Subject>), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/subjects")]
async fn list_subjects(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
) -> AppResult<web::Json<Vec<Subject>>> {
    Ok(web::Json(
        svc::list_subjects(&state.db, &actor, path.into_inner()).await?,
    ))
}

/// Create a subject (admin). The name is unique in the school.
#[utoipa::path(tag = "structure", security(("bearer" = [])), request_body = SubjectInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 201, body = Subject), (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/subjects")]
async fn create_subject(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<SubjectInput, access::ManageStructure>,
) -> AppResult<HttpResponse> {
    let s = svc::write_subject(
        &state.db,
        &actor,
        path.into_inner(),
        None,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(s))
}

/// Rename a subject (admin).
#[utoipa::path(tag = "structure", security(("bearer" = [])), request_body = SubjectInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("subject_id" = Uuid, Path, description = "Subject id")),
    responses((status = 409, body = Problem, content_type = "application/problem+json"), (status = 200, body = Subject), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/subjects/{subject_id}")]
async fn update_subject(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<SubjectInput, access::ManageStructure>,
) -> AppResult<web::Json<Subject>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        svc::write_subject(&state.db, &actor, school_id, Some(id), body.into_inner()).await?,
    ))
}

/// Classes of a year (default: current) with class teacher and today's student count. Any member.
#[utoipa::path(tag = "structure", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), YearQuery),
    responses((status = 200, body = Vec<Class>), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/classes")]
async fn list_classes(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<YearQuery>,
) -> AppResult<web::Json<Vec<Class>>> {
    Ok(web::Json(
        svc::list_classes(
            &state.db,
            &actor,
            path.into_inner(),
            query.academic_year_id,
            state.now(),
        )
        .await?,
    ))
}

/// Create a class (admin): grade 1–11 and a letter, in the current year unless given.
#[utoipa::path(tag = "structure", security(("bearer" = [])), request_body = ClassInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 201, body = Class), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/classes")]
async fn create_class(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<ClassInput, access::ManageStructure>,
) -> AppResult<HttpResponse> {
    let c = svc::write_class(
        &state.db,
        &actor,
        path.into_inner(),
        None,
        body.into_inner(),
        state.now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(c))
}

/// One class. Any member.
#[utoipa::path(tag = "structure", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("class_id" = Uuid, Path, description = "Class id")),
    responses((status = 200, body = Class), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/classes/{class_id}")]
async fn get_class(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<Class>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        svc::get_class(&state.db, &actor, school_id, id, state.now()).await?,
    ))
}

/// Change a class (admin).
#[utoipa::path(tag = "structure", security(("bearer" = [])), request_body = ClassInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("class_id" = Uuid, Path, description = "Class id")),
    responses((status = 200, body = Class), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/classes/{class_id}")]
async fn update_class(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<ClassInput, access::ManageStructure>,
) -> AppResult<web::Json<Class>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        svc::write_class(
            &state.db,
            &actor,
            school_id,
            Some(id),
            body.into_inner(),
            state.now(),
        )
        .await?,
    ))
}

/// The subgroups of a class with their members. Any member.
#[utoipa::path(tag = "structure", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("class_id" = Uuid, Path, description = "Class id")),
    responses((status = 200, body = Vec<Group>), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/classes/{class_id}/groups")]
async fn list_groups(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<Vec<Group>>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        svc::list_groups(&state.db, &actor, school_id, id).await?,
    ))
}

/// Create a subgroup or set its members (admin): `number` identifies it within the class;
/// `student_ids` is the complete member list.
#[utoipa::path(tag = "structure", security(("bearer" = [])), request_body = GroupInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("class_id" = Uuid, Path, description = "Class id")),
    responses((status = 200, body = Group), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/classes/{class_id}/groups")]
async fn write_group(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<GroupInput, access::ManageStructure>,
) -> AppResult<web::Json<Group>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        svc::write_group(&state.db, &actor, school_id, id, body.into_inner()).await?,
    ))
}

/// Query of the course list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CourseQuery {
    pub class_id: Option<Uuid>,
    /// A teacher's person id.
    pub teacher_id: Option<Uuid>,
    /// Default: the current year.
    pub academic_year_id: Option<Uuid>,
}

/// Courses (учебная нагрузка) of a year, optionally of a class or a teacher. Any member.
#[utoipa::path(tag = "structure", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), CourseQuery),
    responses((status = 200, body = Vec<Course>), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/courses")]
async fn list_courses(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<CourseQuery>,
) -> AppResult<web::Json<Vec<Course>>> {
    let filter = CourseFilter {
        class_id: query.class_id,
        teacher_id: query.teacher_id,
        academic_year_id: query.academic_year_id,
    };
    Ok(web::Json(
        svc::list_courses(&state.db, &actor, path.into_inner(), filter).await?,
    ))
}

/// Create a course (admin): class or subgroup × subject × teachers, hours per week.
#[utoipa::path(tag = "structure", security(("bearer" = [])), request_body = CourseInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 201, body = Course), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/courses")]
async fn create_course(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<CourseInput, access::ManageStructure>,
) -> AppResult<HttpResponse> {
    let c = svc::write_course(
        &state.db,
        &actor,
        path.into_inner(),
        None,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(c))
}

/// Change a course (admin).
#[utoipa::path(tag = "structure", security(("bearer" = [])), request_body = CourseInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("course_id" = Uuid, Path, description = "Course id")),
    responses((status = 409, body = Problem, content_type = "application/problem+json"), (status = 200, body = Course), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/courses/{course_id}")]
async fn update_course(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<CourseInput, access::ManageStructure>,
) -> AppResult<web::Json<Course>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        svc::write_course(&state.db, &actor, school_id, Some(id), body.into_inner()).await?,
    ))
}

/// Delete a course (admin); 409 `lesson_has_data` while its journal has marks or attendance.
#[utoipa::path(tag = "structure", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("course_id" = Uuid, Path, description = "Course id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`lesson_has_data`")))]
#[delete("/schools/{school_id}/courses/{course_id}")]
async fn delete_course(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (school_id, id) = path.into_inner();
    svc::delete_course(&state.db, &actor, school_id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(documented(get_settings))
        .service(documented(put_settings))
        .service(documented(list_years))
        .service(documented(create_year))
        .service(documented(update_year))
        .service(documented(list_periods))
        .service(documented(create_period))
        .service(documented(update_period))
        .service(documented(delete_period))
        .service(documented(list_subjects))
        .service(documented(create_subject))
        .service(documented(update_subject))
        .service(documented(list_classes))
        .service(documented(create_class))
        .service(documented(get_class))
        .service(documented(update_class))
        .service(documented(list_groups))
        .service(documented(write_group))
        .service(documented(list_courses))
        .service(documented(create_course))
        .service(documented(update_course))
        .service(documented(delete_course));
}
