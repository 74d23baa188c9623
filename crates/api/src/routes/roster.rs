//! The roster: class lists, enrollments (arrive, transfer, withdraw, corrections), guardians,
//! person records, invite sheets.

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::NaiveDate;
use otmetka_domain::Problem;
use otmetka_domain::person::{Person, PersonInput};
use otmetka_domain::roster::{
    ArriveRequest, ClassStudent, Enrollment, EnrollmentCorrection, GuardianLink, GuardianLinkInput,
    InviteSheet, TransferRequest, WithdrawRequest,
};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::documented;
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::AppResult;
use crate::json::{ApiJson, access};
use crate::service::roster as svc;
use crate::state::AppState;

/// Query: a day (default: today in the school's time zone).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OnQuery {
    /// `YYYY-MM-DD`.
    pub on: Option<NaiveDate>,
}

/// The class list on a day, computed from enrollments (admin, principal, the class teacher).
#[utoipa::path(tag = "roster", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("class_id" = Uuid, Path, description = "Class id"), OnQuery),
    responses((status = 200, body = Vec<ClassStudent>), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/classes/{class_id}/students")]
async fn class_students(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<OnQuery>,
) -> AppResult<web::Json<Vec<ClassStudent>>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        svc::class_students(&state.db, &actor, school_id, id, query.on, state.now()).await?,
    ))
}

/// Issue invite codes for every student of the class (today's list) and each of their parents
/// who has no account yet; earlier active codes of those persons are revoked (admin). The codes
/// are in this answer only: print the sheet (one slip per person).
#[utoipa::path(tag = "roster", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("class_id" = Uuid, Path, description = "Class id")),
    responses((status = 200, body = InviteSheet), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/classes/{class_id}/invite-sheet")]
async fn invite_sheet(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<InviteSheet>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        svc::invite_sheet(
            &state.db,
            &actor,
            school_id,
            id,
            state.settings.invite_ttl_days,
            state.now(),
        )
        .await?,
    ))
}

/// Change a person's record (admin).
#[utoipa::path(tag = "persons", security(("bearer" = [])), request_body = PersonInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("person_id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Person), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/persons/{person_id}")]
async fn update_person(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<PersonInput, access::ManagePersons>,
) -> AppResult<web::Json<Person>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        crate::service::persons::update(&state.db, &actor, school_id, id, body.into_inner())
            .await?,
    ))
}

/// A student's enrollment history, oldest first (admin, principal, the student, their parents).
#[utoipa::path(tag = "roster", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("person_id" = Uuid, Path, description = "Student's person id")),
    responses((status = 200, body = Vec<Enrollment>), (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/persons/{person_id}/enrollments")]
async fn enrollments(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<Vec<Enrollment>>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        svc::history(&state.db, &actor, school_id, id).await?,
    ))
}

/// Guardian links of a person: a student's parents or a parent's children (admin, principal,
/// the person, the linked persons).
#[utoipa::path(tag = "roster", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("person_id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Vec<GuardianLink>), (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/persons/{person_id}/guardians")]
async fn guardians(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<Vec<GuardianLink>>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        svc::guardians(&state.db, &actor, school_id, id).await?,
    ))
}

/// Link a parent to a student (admin). Linking the same pair again updates the relation.
#[utoipa::path(tag = "roster", security(("bearer" = [])), request_body = GuardianLinkInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("person_id" = Uuid, Path, description = "Student's person id")),
    responses((status = 200, body = Vec<GuardianLink>), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/persons/{person_id}/guardians")]
async fn link_guardian(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<GuardianLinkInput, access::ManageRoster>,
) -> AppResult<web::Json<Vec<GuardianLink>>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        svc::link(&state.db, &actor, school_id, id, body.into_inner()).await?,
    ))
}

/// Remove a parent ↔ student link (admin).
#[utoipa::path(tag = "roster", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("person_id" = Uuid, Path, description = "Student's person id"),
        ("parent_id" = Uuid, Path, description = "Parent's person id")),
    responses((status = 204, description = "Removed"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/schools/{school_id}/persons/{person_id}/guardians/{parent_id}")]
async fn unlink_guardian(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (school_id, id, parent) = path.into_inner();
    svc::unlink(&state.db, &actor, school_id, id, parent).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Arrival (прибытие): the student comes into a class from a date (admin).
#[utoipa::path(tag = "roster", security(("bearer" = [])), request_body = ArriveRequest,
    params(("school_id" = Uuid, Path, description = "School id"), ("student_id" = Uuid, Path, description = "Student's person id")),
    responses((status = 201, body = Enrollment), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/students/{student_id}/arrive")]
async fn arrive(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<ArriveRequest, access::ManageRoster>,
) -> AppResult<HttpResponse> {
    let (school_id, id) = path.into_inner();
    let e = svc::arrive(&state.db, &actor, school_id, id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(e))
}

/// Transfer (перевод) to another class from a date; the old enrollment ends the day before (admin).
#[utoipa::path(tag = "roster", security(("bearer" = [])), request_body = TransferRequest,
    params(("school_id" = Uuid, Path, description = "School id"), ("student_id" = Uuid, Path, description = "Student's person id")),
    responses((status = 201, body = Enrollment), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/students/{student_id}/transfer")]
async fn transfer(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<TransferRequest, access::ManageRoster>,
) -> AppResult<HttpResponse> {
    let (school_id, id) = path.into_inner();
    let e = svc::transfer(&state.db, &actor, school_id, id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(e))
}

/// Withdrawal (выбытие) on a date with a reason: on the class list up to the day before (admin).
#[utoipa::path(tag = "roster", security(("bearer" = [])), request_body = WithdrawRequest,
    params(("school_id" = Uuid, Path, description = "School id"), ("student_id" = Uuid, Path, description = "Student's person id")),
    responses((status = 200, body = Enrollment), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/students/{student_id}/withdraw")]
async fn withdraw(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<WithdrawRequest, access::ManageRoster>,
) -> AppResult<web::Json<Enrollment>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        svc::withdraw(&state.db, &actor, school_id, id, body.into_inner()).await?,
    ))
}

/// Correct an enrollment's dates (admin; audited with old and new dates).
#[utoipa::path(tag = "roster", security(("bearer" = [])), request_body = EnrollmentCorrection,
    params(("school_id" = Uuid, Path, description = "School id"), ("enrollment_id" = Uuid, Path, description = "Enrollment id")),
    responses((status = 200, body = Enrollment), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[patch("/schools/{school_id}/enrollments/{enrollment_id}")]
async fn correct_enrollment(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<EnrollmentCorrection, access::ManageRoster>,
) -> AppResult<web::Json<Enrollment>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        svc::correct(&state.db, &actor, school_id, id, body.into_inner()).await?,
    ))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(documented(class_students))
        .service(documented(invite_sheet))
        .service(documented(update_person))
        .service(documented(enrollments))
        .service(documented(guardians))
        .service(documented(link_guardian))
        .service(documented(unlink_guardian))
        .service(documented(arrive))
        .service(documented(transfer))
        .service(documented(withdraw))
        .service(documented(correct_enrollment));
}
