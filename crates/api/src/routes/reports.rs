//! Reports (issue 7): performance and quality, attendance, the weekly journal-keeping control
//! and the monthly activity, each as JSON, CSV (one table, `table=`) and XLSX (every table).
//! The CSV and XLSX carry the tables the SPA shows (`otmetka_domain::reports::*_tables`).

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use otmetka_domain::finals::Term;
use otmetka_domain::reports::{
    ActivityReport, AttendanceReport, BasisChoice, ControlDetail, ControlIssue, JournalControl,
    QualityReport, ReportTable, UserActivity, activity_tables, attendance_tables, control_tables,
    quality_tables,
};
use otmetka_domain::{ErrorCode, Problem, Role};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::documented;
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::routes::finals::csv_response;
use crate::service::reports::{activity, attendance, control, export, quality};
use crate::state::AppState;

/// An XLSX download named like [`csv_response`]'s.
fn xlsx_response(body: Vec<u8>, file: &str, name: &str) -> HttpResponse {
    let mut r = csv_response(body, file, name);
    r.headers_mut().insert(
        actix_web::http::header::CONTENT_TYPE,
        actix_web::http::header::HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    r
}

/// A CSV of the table `table` (default the first) of `tables`.
fn csv_of(
    tables: &[ReportTable],
    table: Option<&str>,
    file: &str,
    name: &str,
) -> AppResult<HttpResponse> {
    let t = export::pick(tables, table)?;
    Ok(csv_response(
        export::csv(t)?,
        &format!("{file}-{}.csv", t.key),
        &format!("{name} — {}.csv", t.title),
    ))
}

fn xlsx_of(tables: &[ReportTable], file: &str, name: &str) -> AppResult<HttpResponse> {
    Ok(xlsx_response(
        export::xlsx(tables)?,
        &format!("{file}.xlsx"),
        &format!("{name}.xlsx"),
    ))
}

/// `table` must name one of `keys` on every endpoint of a report (the JSON and XLSX answers do
/// not use it, but a value the spec refuses is refused there too). 422 `table: unknown`.
fn check_table(table: Option<&str>, keys: &[&str]) -> AppResult<()> {
    match table {
        Some(t) if !keys.contains(&t) => Err(AppError::field(
            "table",
            "unknown",
            format!("one of: {}", keys.join(", ")),
        )),
        _ => Ok(()),
    }
}

const QUALITY_TABLES: &[&str] = &[
    "classes", "grades", "subjects", "teachers", "courses", "students",
];
const ATTENDANCE_TABLES: &[&str] = &["classes", "students", "weeks"];
const CONTROL_TABLES: &[&str] = &["teachers", "courses"];
const ACTIVITY_TABLES: &[&str] = &["roles", "classes"];

fn parse_term(t: Option<&str>) -> AppResult<Option<Term>> {
    t.map(|t| {
        t.parse::<Term>()
            .map_err(|e| AppError::new(ErrorCode::InvalidQueryParameter).detail(e.to_string()))
    })
    .transpose()
}

/// Query of the quality report.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QualityParams {
    /// Default: the current academic year.
    pub academic_year_id: Option<Uuid>,
    /// `quarter_1`…, `year`, `exam`, `final`; default: the final-kind period that ended last
    /// (or the current one).
    #[param(pattern = r"^(quarter_[1-4]|trimester_[1-3]|half_year_[12]|year|exam|final)$")]
    pub term: Option<String>,
    /// Adds the class's students with their standing (drill-down).
    pub class_id: Option<Uuid>,
    /// `auto` (default: final marks, else the suggestion from the current average), `final`,
    /// `suggested`.
    #[param(inline)]
    pub basis: Option<BasisChoice>,
    /// CSV only: `classes` (default), `grades`, `subjects`, `teachers`, `courses`, `students`
    /// (with `class_id`).
    #[param(pattern = r"^(classes|grades|subjects|teachers|courses|students)$")]
    pub table: Option<String>,
}

impl QualityParams {
    fn query(&self) -> AppResult<quality::QualityQuery> {
        check_table(self.table.as_deref(), QUALITY_TABLES)?;
        Ok(quality::QualityQuery {
            academic_year_id: self.academic_year_id,
            term: parse_term(self.term.as_deref())?,
            class_id: self.class_id,
            basis: self.basis.unwrap_or_default(),
        })
    }
}

async fn quality_report(
    state: &AppState,
    actor: &Actor,
    school_id: Uuid,
    p: &QualityParams,
) -> AppResult<QualityReport> {
    quality::report(&state.db, actor, school_id, p.query()?, state.now()).await
}

/// The performance and quality report of a term (regulation §16): per class, grade level (параллель), subject, teacher and course (class × subject) and the whole school — students counted and attested (N), отличники, хорошисты, with one «3», троечники, неуспевающие, н/а, exempt; успеваемость, качество знаний, СОУ (%, one decimal) and the average mark (DESIGN §2). From final marks; where none is set yet (`basis=auto`) from the suggestion of the current weighted average, counted in `suggested_marks` and summed up in `basis`. With `class_id`: the class's students with their standing and marks. Principal and admin: the whole school; a teacher: their courses and the class they lead; students and parents: 403.
#[utoipa::path(tag = "reports", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), QualityParams),
    responses((status = 422, body = Problem, content_type = "application/problem+json"), (status = 200, body = QualityReport), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/reports/quality")]
async fn get_quality(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<QualityParams>,
) -> AppResult<web::Json<QualityReport>> {
    Ok(web::Json(
        quality_report(&state, &actor, path.into_inner(), &query).await?,
    ))
}

/// The quality report's table `table` as CSV (UTF-8 with BOM, `;`, decimal comma; the numbers of the JSON and the screen). 422 `table: unknown`.
#[utoipa::path(tag = "reports", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), QualityParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/reports/quality.csv")]
async fn get_quality_csv(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<QualityParams>,
) -> AppResult<HttpResponse> {
    let r = quality_report(&state, &actor, path.into_inner(), &query).await?;
    csv_of(
        &quality_tables(&r),
        query.table.as_deref(),
        "quality",
        &format!("Успеваемость и качество — {}", r.term_title),
    )
}

/// The quality report as XLSX, one sheet per table.
#[utoipa::path(tag = "reports", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), QualityParams),
    responses((status = 422, body = Problem, content_type = "application/problem+json"), (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/reports/quality.xlsx")]
async fn get_quality_xlsx(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<QualityParams>,
) -> AppResult<HttpResponse> {
    let r = quality_report(&state, &actor, path.into_inner(), &query).await?;
    xlsx_of(
        &quality_tables(&r),
        "quality",
        &format!("Успеваемость и качество — {}", r.term_title),
    )
}

/// Query of the attendance report.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttendanceParams {
    /// First day; default: the first day of the current period.
    pub from: Option<NaiveDate>,
    /// Last day; default and at most: today (school time zone). At most 400 days in all.
    pub to: Option<NaiveDate>,
    /// Only this class.
    pub class_id: Option<Uuid>,
    /// Flag students who missed more than this share of their lessons, % (0–100, default 30).
    #[param(minimum = 0, maximum = 100)]
    pub threshold: Option<f64>,
    /// CSV only: `classes` (default), `students`, `weeks`.
    #[param(pattern = r"^(classes|students|weeks)$")]
    pub table: Option<String>,
}

async fn attendance_report(
    state: &AppState,
    actor: &Actor,
    school_id: Uuid,
    p: &AttendanceParams,
) -> AppResult<AttendanceReport> {
    check_table(p.table.as_deref(), ATTENDANCE_TABLES)?;
    let q = attendance::AttendanceQuery {
        from: p.from,
        to: p.to,
        class_id: p.class_id,
        threshold: p.threshold,
    };
    attendance::report(&state.db, actor, school_id, q, state.now()).await
}

fn attendance_name(r: &AttendanceReport) -> String {
    format!(
        "Посещаемость {}–{}",
        r.from.format("%d.%m.%Y"),
        r.to.format("%d.%m.%Y")
    )
}

/// Attendance over a date range: per class, per student and per ISO week — student-lessons held (following enrollments day by day and subgroups), every code's count (Н, Б, УП, ОП), lessons missed (codes that count as absence) and excused, the share missed (%), whole days missed, and the students above `threshold`. Principal and admin: every class; a teacher: the class they lead. 422 `from` after `to` or more than 400 days.
#[utoipa::path(tag = "reports", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), AttendanceParams),
    responses((status = 200, body = AttendanceReport), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/reports/attendance")]
async fn get_attendance(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<AttendanceParams>,
) -> AppResult<web::Json<AttendanceReport>> {
    Ok(web::Json(
        attendance_report(&state, &actor, path.into_inner(), &query).await?,
    ))
}

/// The attendance report's table `table` as CSV.
#[utoipa::path(tag = "reports", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), AttendanceParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/reports/attendance.csv")]
async fn get_attendance_csv(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<AttendanceParams>,
) -> AppResult<HttpResponse> {
    let r = attendance_report(&state, &actor, path.into_inner(), &query).await?;
    csv_of(
        &attendance_tables(&r),
        query.table.as_deref(),
        "attendance",
        &attendance_name(&r),
    )
}

/// The attendance report as XLSX, one sheet per table.
#[utoipa::path(tag = "reports", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), AttendanceParams),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/reports/attendance.xlsx")]
async fn get_attendance_xlsx(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<AttendanceParams>,
) -> AppResult<HttpResponse> {
    let r = attendance_report(&state, &actor, path.into_inner(), &query).await?;
    xlsx_of(&attendance_tables(&r), "attendance", &attendance_name(&r))
}

/// Query of the journal-keeping control.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ControlParams {
    /// Any day of the ISO week; default: today (school time zone).
    pub week: Option<NaiveDate>,
    /// Only this teacher's rows.
    pub teacher_id: Option<Uuid>,
    /// CSV only: `teachers` (default), `courses`.
    #[param(pattern = r"^(teachers|courses)$")]
    pub table: Option<String>,
}

async fn control_report(
    state: &AppState,
    actor: &Actor,
    school_id: Uuid,
    p: &ControlParams,
) -> AppResult<JournalControl> {
    check_table(p.table.as_deref(), CONTROL_TABLES)?;
    let q = control::ControlQuery {
        week: p.week,
        teacher_id: p.teacher_id,
    };
    control::report(&state.db, actor, school_id, q, state.now()).await
}

fn control_name(r: &JournalControl) -> String {
    format!(
        "Контроль ведения журнала {}–{}",
        r.from.format("%d.%m.%Y"),
        r.to.format("%d.%m.%Y")
    )
}

/// The weekly journal-keeping control (regulation §10; §6; §17): per teacher and per course and teacher — lessons held in the week (a substitute's lesson counts for the substitute), without a topic, without homework (where the subject expects it), without attendance taken; marks and marks per student and lesson; students with fewer than M marks (`control_min_marks`) in the current period so far and with none; marks first entered more than D days (`control_late_days`) after the lesson; final marks missing after the last closed period's deadline; and a 0–100 score (the mean of the shares in order) for incentive payments. Principal and admin: every teacher; a teacher: their own rows and the courses of the class they lead.
#[utoipa::path(tag = "reports", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ControlParams),
    responses((status = 422, body = Problem, content_type = "application/problem+json"), (status = 200, body = JournalControl), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/reports/journal-control")]
async fn get_control(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<ControlParams>,
) -> AppResult<web::Json<JournalControl>> {
    Ok(web::Json(
        control_report(&state, &actor, path.into_inner(), &query).await?,
    ))
}

/// The control's table `table` as CSV.
#[utoipa::path(tag = "reports", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ControlParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/reports/journal-control.csv")]
async fn get_control_csv(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<ControlParams>,
) -> AppResult<HttpResponse> {
    let r = control_report(&state, &actor, path.into_inner(), &query).await?;
    csv_of(
        &control_tables(&r),
        query.table.as_deref(),
        "journal-control",
        &control_name(&r),
    )
}

/// The control as XLSX, one sheet per table.
#[utoipa::path(tag = "reports", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ControlParams),
    responses((status = 422, body = Problem, content_type = "application/problem+json"), (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/reports/journal-control.xlsx")]
async fn get_control_xlsx(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<ControlParams>,
) -> AppResult<HttpResponse> {
    let r = control_report(&state, &actor, path.into_inner(), &query).await?;
    xlsx_of(&control_tables(&r), "journal-control", &control_name(&r))
}

/// Query of a control drill-down.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ControlDetailParams {
    /// Any day of the ISO week; default: today.
    pub week: Option<NaiveDate>,
    /// The row of this teacher: the lessons they held in the course.
    pub teacher_id: Option<Uuid>,
    /// Only the lessons or students with this issue.
    pub issue: Option<ControlIssue>,
}

/// The lessons and students behind a course's control row for the week (only those with `issue` when given): each held lesson with its topic, homework, whether attendance was taken, its marks and late marks and substitute; each student with their marks in the period so far. Who sees the course's row.
#[utoipa::path(tag = "reports", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("course_id" = Uuid, Path, description = "Course id"), ControlDetailParams),
    responses((status = 200, body = ControlDetail), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/reports/journal-control/courses/{course_id}")]
async fn get_control_detail(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<ControlDetailParams>,
) -> AppResult<web::Json<ControlDetail>> {
    let (school_id, course_id) = path.into_inner();
    Ok(web::Json(
        control::detail(
            &state.db,
            &actor,
            school_id,
            course_id,
            control::DetailQuery {
                week: query.week,
                teacher_id: query.teacher_id,
                issue: query.issue,
            },
            state.now(),
        )
        .await?,
    ))
}

/// Query of the activity report.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityParams {
    /// `YYYY-MM`; default: the current month (school time zone).
    #[param(pattern = r"^(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2])$")]
    pub month: Option<String>,
    /// CSV only: `roles` (default), `classes`.
    #[param(pattern = r"^(roles|classes)$")]
    pub table: Option<String>,
}

fn activity_name(r: &ActivityReport) -> String {
    format!("Активность пользователей {}", r.month)
}

/// The monthly activity report (regulation §15): per role and per class (its students, its students' parents) — people, accounts registered, invite codes outstanding, accounts that signed in during the month and their sign-ins, students and parents who opened a diary or marks page and how often, journal edits. Principal and admin.
#[utoipa::path(tag = "reports", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ActivityParams),
    responses((status = 422, body = Problem, content_type = "application/problem+json"), (status = 200, body = ActivityReport), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/reports/activity")]
async fn get_activity(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<ActivityParams>,
) -> AppResult<web::Json<ActivityReport>> {
    check_table(query.table.as_deref(), ACTIVITY_TABLES)?;
    Ok(web::Json(
        activity::report(
            &state.db,
            &state.diary_views,
            &actor,
            path.into_inner(),
            query.month.as_deref(),
            state.now(),
        )
        .await?,
    ))
}

/// The activity report's table `table` as CSV.
#[utoipa::path(tag = "reports", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ActivityParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/reports/activity.csv")]
async fn get_activity_csv(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<ActivityParams>,
) -> AppResult<HttpResponse> {
    check_table(query.table.as_deref(), ACTIVITY_TABLES)?;
    let r = activity::report(
        &state.db,
        &state.diary_views,
        &actor,
        path.into_inner(),
        query.month.as_deref(),
        state.now(),
    )
    .await?;
    csv_of(
        &activity_tables(&r),
        query.table.as_deref(),
        "activity",
        &activity_name(&r),
    )
}

/// The activity report as XLSX, one sheet per table.
#[utoipa::path(tag = "reports", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ActivityParams),
    responses((status = 422, body = Problem, content_type = "application/problem+json"), (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/reports/activity.xlsx")]
async fn get_activity_xlsx(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<ActivityParams>,
) -> AppResult<HttpResponse> {
    check_table(query.table.as_deref(), ACTIVITY_TABLES)?;
    let r = activity::report(
        &state.db,
        &state.diary_views,
        &actor,
        path.into_inner(),
        query.month.as_deref(),
        state.now(),
    )
    .await?;
    xlsx_of(&activity_tables(&r), "activity", &activity_name(&r))
}

/// Query of the activity drill-down.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityUsersParams {
    /// `YYYY-MM`; default: the current month.
    #[param(pattern = r"^(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2])$")]
    pub month: Option<String>,
    /// `admin`, `principal`, `teacher`, `student`, `parent`.
    pub role: Role,
    /// Students of the class, or parents of its students.
    pub class_id: Option<Uuid>,
}

/// The people of a role (and class) with their month's activity, by name: login, sign-ins and the last one, diary views, journal edits, an outstanding invite. Principal and admin.
#[utoipa::path(tag = "reports", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ActivityUsersParams),
    responses((status = 200, body = Vec<UserActivity>), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/schools/{school_id}/reports/activity/users")]
async fn get_activity_users(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<Uuid>,
    query: web::Query<ActivityUsersParams>,
) -> AppResult<web::Json<Vec<UserActivity>>> {
    activity::flush_before_report(&state.db, &state.diary_views).await;
    Ok(web::Json(
        activity::users(
            &state.db,
            &actor,
            path.into_inner(),
            query.month.as_deref(),
            query.role,
            query.class_id,
            state.now(),
        )
        .await?,
    ))
}

/// When attendance was taken.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AttendanceTaken {
    pub attendance_taken_at: chrono::DateTime<chrono::Utc>,
}

/// «Все присутствуют»: records that attendance was taken for the lesson (every student present), so the journal-keeping control does not count it as a lesson without attendance; writing any attendance code records it too. The first instant is kept. Who may write the lesson's journal (its teachers, its substitute, the admin). Audited `attendance_taken`.
#[utoipa::path(tag = "journal", security(("bearer" = [])),
    params(("school_id" = Uuid, Path, description = "School id"), ("lesson_id" = Uuid, Path, description = "Lesson id")),
    responses((status = 422, body = Problem, content_type = "application/problem+json"), (status = 200, body = AttendanceTaken), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/schools/{school_id}/lessons/{lesson_id}/attendance-taken")]
async fn post_attendance_taken(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<AttendanceTaken>> {
    let (school_id, lesson_id) = path.into_inner();
    let at = crate::service::journal::mark_attendance_taken(
        &state.db,
        &actor,
        school_id,
        lesson_id,
        state.now(),
    )
    .await?;
    Ok(web::Json(AttendanceTaken {
        attendance_taken_at: at,
    }))
}

/// Registers the report handlers.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(documented(get_quality))
        .service(documented(get_quality_csv))
        .service(documented(get_quality_xlsx))
        .service(documented(get_attendance))
        .service(documented(get_attendance_csv))
        .service(documented(get_attendance_xlsx))
        .service(documented(get_control))
        .service(documented(get_control_csv))
        .service(documented(get_control_xlsx))
        .service(documented(get_control_detail))
        .service(documented(get_activity))
        .service(documented(get_activity_csv))
        .service(documented(get_activity_xlsx))
        .service(documented(get_activity_users))
        .service(documented(post_attendance_taken));
}
