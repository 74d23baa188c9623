//! API calls of the journal pages: the journal of a course, its batch writes, works, a lesson's
//! topic and homework, and the lists the course picker needs.

use gloo_net::http::Method;
use otmetka_domain::journal::{
    Journal, JournalBatch, JournalBatchResult, Work, WorkInput, WorkUpdate,
};
use otmetka_domain::structure::{Course, Period};
use otmetka_domain::timetable::{Lesson, LessonContentInput};
use uuid::Uuid;

use crate::api::{ApiError, delete, get_json, send_json};
use crate::auth::Auth;

/// `GET …/courses/{course_id}/journal?period_id=` (default: the school's final-mark period
/// containing today).
pub async fn journal(
    auth: Auth,
    school_id: Uuid,
    course_id: Uuid,
    period_id: Option<Uuid>,
) -> Result<Journal, ApiError> {
    let query = period_id
        .map(|p| format!("?period_id={p}"))
        .unwrap_or_default();
    get_json(
        auth,
        school_id,
        &format!("/courses/{course_id}/journal{query}"),
    )
    .await
}

/// `POST …/courses/{course_id}/journal`: all or nothing. Errors: 412 `version_mismatch`
/// (`current` = the stale cells now), 422 (`marks[i].value` not on the scale, not enrolled),
/// 409 `lesson_cancelled`, 403 `edit_window_closed` / `forbidden`.
pub async fn save(
    auth: Auth,
    school_id: Uuid,
    course_id: Uuid,
    batch: &JournalBatch,
) -> Result<JournalBatchResult, ApiError> {
    send_json(
        auth,
        Method::POST,
        school_id,
        &format!("/courses/{course_id}/journal"),
        batch,
    )
    .await
}

/// `POST …/lessons/{lesson_id}/works`.
pub async fn add_work(
    auth: Auth,
    school_id: Uuid,
    lesson_id: Uuid,
    body: &WorkInput,
) -> Result<Work, ApiError> {
    send_json(
        auth,
        Method::POST,
        school_id,
        &format!("/lessons/{lesson_id}/works"),
        body,
    )
    .await
}

/// `PUT …/works/{id}` (412 with the current work on a stale version).
pub async fn update_work(
    auth: Auth,
    school_id: Uuid,
    work_id: Uuid,
    body: &WorkUpdate,
) -> Result<Work, ApiError> {
    send_json(
        auth,
        Method::PUT,
        school_id,
        &format!("/works/{work_id}"),
        body,
    )
    .await
}

/// `DELETE …/works/{id}` → 204; 409 `in_use` when it has marks.
pub async fn delete_work(auth: Auth, school_id: Uuid, work_id: Uuid) -> Result<(), ApiError> {
    delete(auth, school_id, &format!("/works/{work_id}")).await
}

/// `PUT …/lessons/{id}/content`: topic, homework, due date (412 with the current lesson).
pub async fn save_content(
    auth: Auth,
    school_id: Uuid,
    lesson_id: Uuid,
    body: &LessonContentInput,
) -> Result<Lesson, ApiError> {
    send_json(
        auth,
        Method::PUT,
        school_id,
        &format!("/lessons/{lesson_id}/content"),
        body,
    )
    .await
}

/// `GET …/courses[?teacher_id=]` of the current year.
pub async fn courses(
    auth: Auth,
    school_id: Uuid,
    teacher_id: Option<Uuid>,
) -> Result<Vec<Course>, ApiError> {
    let query = teacher_id
        .map(|t| format!("?teacher_id={t}"))
        .unwrap_or_default();
    get_json(auth, school_id, &format!("/courses{query}")).await
}

/// `GET …/periods` of the current year.
pub async fn periods(auth: Auth, school_id: Uuid) -> Result<Vec<Period>, ApiError> {
    get_json(auth, school_id, "/periods").await
}
