//! API calls of final marks (итоговые отметки) in the journal: a course's sheet, its batch
//! writes, and the admin's reopenings of a closed term.

use gloo_net::http::Method;
use otmetka_domain::finals::{
    CourseFinalMarks, FinalMarksBatch, FinalMarksResult, TermReopening, TermReopeningInput,
};
use uuid::Uuid;

use crate::api::{ApiError, delete, get_json, send_json};
use crate::auth::Auth;

/// `GET …/courses/{course_id}/final-marks`: the course's whole year (terms, students, one cell
/// per student × term with the suggestion and the window).
pub async fn sheet(
    auth: Auth,
    school_id: Uuid,
    course_id: Uuid,
) -> Result<CourseFinalMarks, ApiError> {
    get_json(
        auth,
        school_id,
        &format!("/courses/{course_id}/final-marks"),
    )
    .await
}

/// `POST …/courses/{course_id}/final-marks`: all or nothing. Errors: 412 `version_mismatch`
/// (`current` = `{"cells": [FinalMarkCell]}`), 403 `final_mark_not_open` /
/// `final_mark_deadline_passed`, 422 (`marks[i].value` `not_on_scale`, `marks[i].comment`
/// `comment_required`, `reason` `required`).
pub async fn save(
    auth: Auth,
    school_id: Uuid,
    course_id: Uuid,
    batch: &FinalMarksBatch,
) -> Result<FinalMarksResult, ApiError> {
    send_json(
        auth,
        Method::POST,
        school_id,
        &format!("/courses/{course_id}/final-marks"),
        batch,
    )
    .await
}

/// `GET …/courses/{course_id}/reopenings`.
pub async fn reopenings(
    auth: Auth,
    school_id: Uuid,
    course_id: Uuid,
) -> Result<Vec<TermReopening>, ApiError> {
    get_json(auth, school_id, &format!("/courses/{course_id}/reopenings")).await
}

/// `POST …/courses/{course_id}/reopenings` → 201 (admin).
pub async fn reopen(
    auth: Auth,
    school_id: Uuid,
    course_id: Uuid,
    body: &TermReopeningInput,
) -> Result<TermReopening, ApiError> {
    send_json(
        auth,
        Method::POST,
        school_id,
        &format!("/courses/{course_id}/reopenings"),
        body,
    )
    .await
}

/// `DELETE …/reopenings/{id}` → 204 (admin).
pub async fn delete_reopening(
    auth: Auth,
    school_id: Uuid,
    reopening_id: Uuid,
) -> Result<(), ApiError> {
    delete(auth, school_id, &format!("/reopenings/{reopening_id}")).await
}
