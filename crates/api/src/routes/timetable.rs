//! Bell schedules, the calendar, the weekly timetable, lessons, substitutions, teachers'
//! absences and schedule views.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::NaiveDate;
use otmetka_domain::ErrorCode;
use otmetka_domain::Problem;
use otmetka_domain::timetable::{
    BellSchedule, BellScheduleInput, CancelLessonInput, ExtraLessonInput, FreeTeacher,
    GenerateLessonsInput, GenerateReport, Holiday, HolidayInput, Lesson, LessonContentInput,
    MoveLessonInput, Schedule, SubstituteInput, TeacherAbsence, TeacherAbsenceInput,
    TimetableCheck, TimetableCheckInput, TimetableEntry, TimetableEntryInput,
};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::documented;
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::json::{ApiJson, access};
use crate::routes::list_response;
use crate::routes::structure::YearQuery;
use crate::service::PageParams;
use crate::service::lessons::{self as ls, LessonFilter, Span, Subject};
use crate::service::timetable::{self as tt, EntryFilter};
use crate::state::AppState;

/// Query: timetable filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryQuery {
    /// Only this class's entries.
    pub class_id: Option<Uuid>,
    /// Only entries of courses this teacher (staff person id) teaches.
    pub teacher_id: Option<Uuid>,
    /// Only entries in this room.
    pub room: Option<String>,
    /// Only entries valid on this day (`YYYY-MM-DD`).
    pub on: Option<NaiveDate>,
}

impl From<EntryQuery> for EntryFilter {
    fn from(q: EntryQuery) -> Self {
        EntryFilter {
            class_id: q.class_id,
            teacher_id: q.teacher_id,
            room: q.room,
            on: q.on,
        }
    }
}

/// Query: the day from which an entry no longer applies.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FromQuery {
    /// `YYYY-MM-DD`; default today in the school's time zone.
    pub from: Option<NaiveDate>,
}

/// Query: a range of days, both ends optional and inclusive.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Query: lesson filters and paging.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LessonQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub course_id: Option<Uuid>,
    /// A staff person id: their courses' lessons and the lessons they substitute.
    pub teacher_id: Option<Uuid>,
    /// `true`: only lessons flagged for review.
    pub needs_review: Option<bool>,
    /// 1–500, default 50.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    /// 0–1 000 000 000, default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    pub offset: Option<u64>,
}

impl LessonQuery {
    fn page(&self) -> PageParams {
        PageParams {
            limit: self.limit,
            offset: self.offset,
        }
    }
    fn filter(&self) -> LessonFilter {
        LessonFilter {
            from: self.from,
            to: self.to,
            course_id: self.course_id,
            teacher_id: self.teacher_id,
            needs_review: self.needs_review,
        }
    }
}

/// Query: whose schedule (exactly one of `teacher_id`, `class_id`, `student_id`, `room`) and
/// which days (at most one of `week`, `date`, `today`; none = the current week).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScheduleQuery {
    /// A staff person id.
    pub teacher_id: Option<Uuid>,
    pub class_id: Option<Uuid>,
    /// A student person id.
    pub student_id: Option<Uuid>,
    pub room: Option<String>,
    /// ISO week `YYYY-Www` (Monday–Sunday).
    #[param(pattern = r"^(20[0-9]{2}|2100)-W(0[1-9]|[1-4][0-9]|5[0-3])$")]
    pub week: Option<String>,
    /// One day, `YYYY-MM-DD`.
    pub date: Option<NaiveDate>,
    /// `true`: one day, today in the school's time zone.
    pub today: Option<bool>,
}

impl ScheduleQuery {
    /// The subject and span, or 400 `invalid_query_parameter`.
    fn resolve(self) -> AppResult<(Subject, Span)> {
        let bad = |m: &str| AppError::new(ErrorCode::InvalidQueryParameter).detail(m.to_owned());
        let mut subjects = Vec::new();
        if let Some(t) = self.teacher_id {
            subjects.push(Subject::Teacher(t));
        }
        if let Some(c) = self.class_id {
            subjects.push(Subject::Class(c));
        }
        if let Some(s) = self.student_id {
            subjects.push(Subject::Student(s));
        }
        if let Some(r) = self.room.filter(|r| !r.trim().is_empty()) {
            subjects.push(Subject::Room(r));
        }
        if subjects.len() != 1 {
            return Err(bad(
                "give exactly one of teacher_id, class_id, student_id, room",
            ));
        }
        let today = self.today.unwrap_or(false);
        let span = match (self.week, self.date, today) {
            (None, None, false) => Span::CurrentWeek,
            (Some(w), None, false) => Span::Week(w),
            (None, Some(d), false) => Span::Day(d),
            (None, None, true) => Span::Today,
            _ => return Err(bad("give at most one of week, date, today")),
        };
        Ok((subjects.remove(0), span))
    }
}

/// The school's bell schedules, the default first. Any member.
#[utoipa::path(tag = "timetable", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 200, body = Vec<BellSchedule>), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/bell-schedules")]
async fn list_bell_schedules(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
) -> AppResult<web::Json<Vec<BellSchedule>>> {
    let school_id = path.into_inner();
    Ok(web::Json(
        tt::list_bell_schedules(&state.db, &actor, school_id).await?,
    ))
}

/// Create a bell schedule (admin). The first one is the default; `class_ids` puts classes on it (a second shift).
#[utoipa::path(tag = "timetable", security(("bearer" = [])), request_body = BellScheduleInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 201, body = BellSchedule), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/bell-schedules")]
async fn create_bell_schedule(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<BellScheduleInput, access::ManageTimetable>,
) -> AppResult<HttpResponse> {
    let school_id = path.into_inner();
    Ok(HttpResponse::Created().json(
        tt::write_bell_schedule(&state.db, &actor, school_id, None, body.into_inner()).await?,
    ))
}

/// Replace a bell schedule (admin).
#[utoipa::path(tag = "timetable", security(("bearer" = [])), request_body = BellScheduleInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("bell_schedule_id" = Uuid, Path, description = "Bell schedule id")),
    responses((status = 200, body = BellSchedule), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/bell-schedules/{bell_schedule_id}")]
async fn update_bell_schedule(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<BellScheduleInput, access::ManageTimetable>,
) -> AppResult<web::Json<BellSchedule>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        tt::write_bell_schedule(&state.db, &actor, school_id, Some(id), body.into_inner()).await?,
    ))
}

/// Delete a bell schedule (admin); its classes return to the default. 409 for the default while others exist.
#[utoipa::path(tag = "timetable", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("bell_schedule_id" = Uuid, Path, description = "Bell schedule id")),
    responses((status = 204, description = "Done"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
#[delete("/schools/{school_id}/bell-schedules/{bell_schedule_id}")]
async fn delete_bell_schedule(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (school_id, id) = path.into_inner();
    tt::delete_bell_schedule(&state.db, &actor, school_id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Holidays and vacations by first day, optionally those of an academic year. Any member.
#[utoipa::path(tag = "timetable", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), YearQuery),
    responses((status = 200, body = Vec<Holiday>), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/holidays")]
async fn list_holidays(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<YearQuery>,
) -> AppResult<web::Json<Vec<Holiday>>> {
    let school_id = path.into_inner();
    Ok(web::Json(
        tt::list_holidays(&state.db, &actor, school_id, query.academic_year_id).await?,
    ))
}

/// Add a holiday or vacation (admin). Lessons of its days are removed; lessons with journal data stay, flagged for review.
#[utoipa::path(tag = "timetable", security(("bearer" = [])), request_body = HolidayInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 409, body = Problem, content_type = "application/problem+json"), (status = 201, body = Holiday), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/holidays")]
async fn create_holiday(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<HolidayInput, access::ManageTimetable>,
) -> AppResult<HttpResponse> {
    let school_id = path.into_inner();
    Ok(HttpResponse::Created()
        .json(tt::write_holiday(&state.db, &actor, school_id, None, body.into_inner()).await?))
}

/// Change a holiday or vacation (admin); lessons of the old and new days are regenerated.
#[utoipa::path(tag = "timetable", security(("bearer" = [])), request_body = HolidayInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("holiday_id" = Uuid, Path, description = "Holiday id")),
    responses((status = 409, body = Problem, content_type = "application/problem+json"), (status = 200, body = Holiday), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/holidays/{holiday_id}")]
async fn update_holiday(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<HolidayInput, access::ManageTimetable>,
) -> AppResult<web::Json<Holiday>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        tt::write_holiday(&state.db, &actor, school_id, Some(id), body.into_inner()).await?,
    ))
}

/// Delete a holiday or vacation (admin); its days get their lessons back.
#[utoipa::path(tag = "timetable", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("holiday_id" = Uuid, Path, description = "Holiday id")),
    responses((status = 204, description = "Done"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/schools/{school_id}/holidays/{holiday_id}")]
async fn delete_holiday(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (school_id, id) = path.into_inner();
    tt::delete_holiday(&state.db, &actor, school_id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Weekly timetable entries by weekday, lesson number and class; filter by class, teacher, room, or the day they are valid on. Any member.
#[utoipa::path(tag = "timetable", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), EntryQuery),
    responses((status = 200, body = Vec<TimetableEntry>), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/timetable")]
async fn list_timetable(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<EntryQuery>,
) -> AppResult<web::Json<Vec<TimetableEntry>>> {
    let school_id = path.into_inner();
    Ok(web::Json(
        tt::list_entries(&state.db, &actor, school_id, query.into_inner().into()).await?,
    ))
}

/// Create a timetable entry (admin) and generate its lessons. 409 `timetable_conflict` lists what collides: a teacher, the class, a subgroup or a room at the same time (two subgroups of a class may meet at once).
#[utoipa::path(tag = "timetable", security(("bearer" = [])), request_body = TimetableEntryInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 201, body = TimetableEntry), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/timetable")]
async fn create_timetable_entry(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<TimetableEntryInput, access::ManageTimetable>,
) -> AppResult<HttpResponse> {
    let school_id = path.into_inner();
    Ok(HttpResponse::Created().json(
        tt::create_entry(&state.db, &actor, school_id, body.into_inner(), state.now()).await?,
    ))
}

/// Change a timetable entry from `valid_from` on (default today in the school's time zone); earlier lessons keep the old entry. Lessons from that day are regenerated; lessons with journal data are never deleted or moved, only flagged. Admin.
#[utoipa::path(tag = "timetable", security(("bearer" = [])), request_body = TimetableEntryInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("entry_id" = Uuid, Path, description = "Timetable entry id")),
    responses((status = 200, body = TimetableEntry), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/timetable/{entry_id}")]
async fn update_timetable_entry(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<TimetableEntryInput, access::ManageTimetable>,
) -> AppResult<web::Json<TimetableEntry>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        tt::update_entry(
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

/// End a timetable entry before `from` (default today in the school's time zone; on or before its first day it is deleted). Admin.
#[utoipa::path(tag = "timetable", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("entry_id" = Uuid, Path, description = "Timetable entry id"), FromQuery),
    responses((status = 204, description = "Done"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/schools/{school_id}/timetable/{entry_id}")]
async fn delete_timetable_entry(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<FromQuery>,
) -> AppResult<HttpResponse> {
    let (school_id, id) = path.into_inner();
    tt::delete_entry(&state.db, &actor, school_id, id, query.from, state.now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Check a candidate entry for conflicts without saving it (admin): the SPA highlights them before saving.
#[utoipa::path(tag = "timetable", security(("bearer" = [])), request_body = TimetableCheckInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 200, body = TimetableCheck), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/timetable/check")]
async fn check_timetable_entry(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<TimetableCheckInput, access::ManageTimetable>,
) -> AppResult<web::Json<TimetableCheck>> {
    let school_id = path.into_inner();
    Ok(web::Json(
        tt::check_entry(&state.db, &actor, school_id, body.into_inner(), state.now()).await?,
    ))
}

/// Regenerate lessons from the timetable over a range (default: the current academic year), skipping holidays and days outside the periods. Idempotent. Admin.
#[utoipa::path(tag = "lessons", security(("bearer" = [])), request_body = GenerateLessonsInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 200, body = GenerateReport), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/lessons/generate")]
async fn generate_lessons(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<GenerateLessonsInput, access::ManageTimetable>,
) -> AppResult<web::Json<GenerateReport>> {
    let school_id = path.into_inner();
    Ok(web::Json(
        tt::generate(&state.db, &actor, school_id, body.into_inner()).await?,
    ))
}

/// Lessons by date and number with `X-Total-Count`; filter by dates, course, teacher (own and substituted), or those needing review. Admin, principal.
#[utoipa::path(tag = "lessons", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), LessonQuery),
    responses((status = 200, body = Vec<Lesson>), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/lessons")]
async fn list_lessons(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<LessonQuery>,
) -> AppResult<HttpResponse> {
    let school_id = path.into_inner();
    let q = query.into_inner();
    let (limit, offset) = q.page().resolve()?;
    let (items, total) =
        ls::list_lessons(&state.db, &actor, school_id, q.filter(), limit, offset).await?;
    Ok(list_response(items, total))
}

/// Add an extra lesson outside the timetable on a school day (admin).
#[utoipa::path(tag = "lessons", security(("bearer" = [])), request_body = ExtraLessonInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 201, body = Lesson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/lessons")]
async fn create_extra_lesson(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<ExtraLessonInput, access::ManageTimetable>,
) -> AppResult<HttpResponse> {
    let school_id = path.into_inner();
    Ok(HttpResponse::Created()
        .json(ls::create_extra(&state.db, &actor, school_id, body.into_inner()).await?))
}

/// One lesson. Admin, principal, teachers.
#[utoipa::path(tag = "lessons", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("lesson_id" = Uuid, Path, description = "Lesson id")),
    responses((status = 200, body = Lesson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/lessons/{lesson_id}")]
async fn get_lesson(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<Lesson>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        ls::get_lesson(&state.db, &actor, school_id, id).await?,
    ))
}

/// Delete an extra lesson without journal data (admin). 409 `lesson_has_data`; 409 `conflict` for a timetable lesson (cancel it instead).
#[utoipa::path(tag = "lessons", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("lesson_id" = Uuid, Path, description = "Lesson id")),
    responses((status = 204, description = "Done"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
#[delete("/schools/{school_id}/lessons/{lesson_id}")]
async fn delete_lesson(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (school_id, id) = path.into_inner();
    ls::delete_lesson(&state.db, &actor, school_id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Cancel a lesson with a reason (admin). 409 `lesson_has_data` when it has marks or attendance (it was held).
#[utoipa::path(tag = "lessons", security(("bearer" = [])), request_body = CancelLessonInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("lesson_id" = Uuid, Path, description = "Lesson id")),
    responses((status = 200, body = Lesson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/lessons/{lesson_id}/cancel")]
async fn cancel_lesson(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<CancelLessonInput, access::ManageTimetable>,
) -> AppResult<web::Json<Lesson>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        ls::cancel(&state.db, &actor, school_id, id, body.into_inner()).await?,
    ))
}

/// Undo a cancellation (admin).
#[utoipa::path(tag = "lessons", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("lesson_id" = Uuid, Path, description = "Lesson id")),
    responses((status = 200, body = Lesson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/lessons/{lesson_id}/restore")]
async fn restore_lesson(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<Lesson>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        ls::restore(&state.db, &actor, school_id, id).await?,
    ))
}

/// Move a lesson, with its journal data, to another school day and slot (admin).
#[utoipa::path(tag = "lessons", security(("bearer" = [])), request_body = MoveLessonInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("lesson_id" = Uuid, Path, description = "Lesson id")),
    responses((status = 200, body = Lesson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/lessons/{lesson_id}/move")]
async fn move_lesson(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<MoveLessonInput, access::ManageTimetable>,
) -> AppResult<web::Json<Lesson>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        ls::move_lesson(&state.db, &actor, school_id, id, body.into_inner()).await?,
    ))
}

/// Clear a lesson's review flag, keeping it as it is (admin).
#[utoipa::path(tag = "lessons", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("lesson_id" = Uuid, Path, description = "Lesson id")),
    responses((status = 200, body = Lesson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/lessons/{lesson_id}/acknowledge")]
async fn acknowledge_lesson(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<Lesson>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        ls::acknowledge(&state.db, &actor, school_id, id).await?,
    ))
}

/// Assign a substitute teacher to a lesson (admin). They see it on their Today and may fill its journal (regulation §7). 409 `timetable_conflict` when they teach elsewhere at that time.
#[utoipa::path(tag = "lessons", security(("bearer" = [])), request_body = SubstituteInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("lesson_id" = Uuid, Path, description = "Lesson id")),
    responses((status = 200, body = Lesson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/lessons/{lesson_id}/substitute")]
async fn set_substitute(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<SubstituteInput, access::ManageTimetable>,
) -> AppResult<web::Json<Lesson>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        ls::set_substitute(&state.db, &actor, school_id, id, body.into_inner()).await?,
    ))
}

/// Remove a lesson's substitute (admin).
#[utoipa::path(tag = "lessons", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("lesson_id" = Uuid, Path, description = "Lesson id")),
    responses((status = 200, body = Lesson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/schools/{school_id}/lessons/{lesson_id}/substitute")]
async fn clear_substitute(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<Lesson>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        ls::clear_substitute(&state.db, &actor, school_id, id).await?,
    ))
}

/// Set a lesson's topic and homework: the course's teachers or the lesson's substitute (audited on behalf of the course's teacher). 412 `version_mismatch` with the current lesson when `version` is stale; 409 `lesson_cancelled`.
#[utoipa::path(tag = "lessons", security(("bearer" = [])), request_body = LessonContentInput,
    params(("school_id" = Uuid, Path, description = "School id"), ("lesson_id" = Uuid, Path, description = "Lesson id")),
    responses((status = 200, body = Lesson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{school_id}/lessons/{lesson_id}/content")]
async fn set_lesson_content(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<LessonContentInput, access::WriteJournal>,
) -> AppResult<web::Json<Lesson>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        ls::set_content(
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

/// Teachers' absences overlapping `from`–`to`, with how many of their lessons are covered. Admin, principal.
#[utoipa::path(tag = "lessons", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), RangeQuery),
    responses((status = 200, body = Vec<TeacherAbsence>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/teacher-absences")]
async fn list_teacher_absences(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<RangeQuery>,
) -> AppResult<web::Json<Vec<TeacherAbsence>>> {
    let school_id = path.into_inner();
    Ok(web::Json(
        ls::list_absences(&state.db, &actor, school_id, query.from, query.to).await?,
    ))
}

/// Record a teacher's absence (admin); their lessons in the range are listed to cover.
#[utoipa::path(tag = "lessons", security(("bearer" = [])), request_body = TeacherAbsenceInput,
    params(("school_id" = Uuid, Path, description = "School id")),
    responses((status = 201, body = TeacherAbsence), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/teacher-absences")]
async fn create_teacher_absence(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    body: ApiJson<TeacherAbsenceInput, access::ManageTimetable>,
) -> AppResult<HttpResponse> {
    let school_id = path.into_inner();
    Ok(HttpResponse::Created()
        .json(ls::create_absence(&state.db, &actor, school_id, body.into_inner()).await?))
}

/// Delete an absence record (admin); assigned substitutes stay.
#[utoipa::path(tag = "lessons", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("absence_id" = Uuid, Path, description = "Absence id")),
    responses((status = 204, description = "Done"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/schools/{school_id}/teacher-absences/{absence_id}")]
async fn delete_teacher_absence(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (school_id, id) = path.into_inner();
    ls::delete_absence(&state.db, &actor, school_id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The absent teacher's scheduled lessons in the range, with their substitutes: the lessons to cover. Admin, principal.
#[utoipa::path(tag = "lessons", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("absence_id" = Uuid, Path, description = "Absence id")),
    responses((status = 200, body = Vec<Lesson>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/teacher-absences/{absence_id}/lessons")]
async fn teacher_absence_lessons(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<Vec<Lesson>>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        ls::absence_lessons(&state.db, &actor, school_id, id).await?,
    ))
}

/// A day or week of lessons for exactly one of: a teacher (own courses and substitutions), a class, a student (their class and only their subgroups), a room. `week=2026-W48`, `date=`, `today=true` (today in the school's time zone), or nothing for the current week. Teacher, class and room views: admin, principal, teachers; a student's: also the student and linked parents.
#[utoipa::path(tag = "schedule", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ScheduleQuery),
    responses((status = 200, body = Schedule), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/schedule")]
async fn get_schedule(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<ScheduleQuery>,
) -> AppResult<web::Json<Schedule>> {
    let school_id = path.into_inner();
    let (subject, span) = query.into_inner().resolve()?;
    Ok(web::Json(
        ls::schedule(&state.db, &actor, school_id, subject, span, state.now()).await?,
    ))
}

/// Teachers free to substitute a lesson: teachers of the school not teaching the course, not
/// absent that day and not holding another lesson at that time, by name. Admin, principal.
#[utoipa::path(tag = "lessons", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("lesson_id" = Uuid, Path, description = "Lesson id")),
    responses((status = 200, body = Vec<FreeTeacher>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/lessons/{lesson_id}/free-teachers")]
async fn free_teachers(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<Vec<FreeTeacher>>> {
    let (school_id, id) = path.into_inner();
    Ok(web::Json(
        ls::free_teachers(&state.db, &actor, school_id, id).await?,
    ))
}

/// Registers the timetable, lesson and schedule handlers.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(documented(list_bell_schedules))
        .service(documented(create_bell_schedule))
        .service(documented(update_bell_schedule))
        .service(documented(delete_bell_schedule))
        .service(documented(list_holidays))
        .service(documented(create_holiday))
        .service(documented(update_holiday))
        .service(documented(delete_holiday))
        .service(documented(list_timetable))
        .service(documented(create_timetable_entry))
        .service(documented(update_timetable_entry))
        .service(documented(delete_timetable_entry))
        .service(documented(check_timetable_entry))
        .service(documented(generate_lessons))
        .service(documented(list_lessons))
        .service(documented(create_extra_lesson))
        .service(documented(get_lesson))
        .service(documented(delete_lesson))
        .service(documented(cancel_lesson))
        .service(documented(restore_lesson))
        .service(documented(move_lesson))
        .service(documented(acknowledge_lesson))
        .service(documented(set_substitute))
        .service(documented(clear_substitute))
        .service(documented(free_teachers))
        .service(documented(set_lesson_content))
        .service(documented(list_teacher_absences))
        .service(documented(create_teacher_absence))
        .service(documented(delete_teacher_absence))
        .service(documented(teacher_absence_lessons))
        .service(documented(get_schedule));
}
