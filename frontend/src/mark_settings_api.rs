//! API calls of the mark settings page (scales, work types, attendance codes, subjects' scales)
//! and the class summary. Same conventions as [`crate::api`], whose request helpers these use.

use gloo_net::http::Method;
use otmetka_domain::grading::{
    AttendanceCode, AttendanceCodeInput, MarkScale, MarkScaleInput, MarkSettings, WorkType,
    WorkTypeInput,
};
use otmetka_domain::journal::ClassSummary;
use otmetka_domain::structure::{Subject, SubjectInput};
use uuid::Uuid;

use crate::api::{ApiError, delete, get_json, send_json};
use crate::auth::Auth;

/// `GET …/mark-settings`: scales, work types, attendance codes and the edit window.
pub async fn mark_settings(auth: Auth, school_id: Uuid) -> Result<MarkSettings, ApiError> {
    get_json(auth, school_id, "/mark-settings").await
}

/// `POST` (no id) or `PUT …/{what}/{id}` of one of the mark settings' lists.
async fn save<B: serde::Serialize, T: serde::de::DeserializeOwned>(
    auth: Auth,
    school_id: Uuid,
    what: &str,
    id: Option<Uuid>,
    body: &B,
) -> Result<T, ApiError> {
    match id {
        Some(id) => send_json(auth, Method::PUT, school_id, &format!("/{what}/{id}"), body).await,
        None => send_json(auth, Method::POST, school_id, &format!("/{what}"), body).await,
    }
}

/// `POST …/mark-scales` or `PUT …/mark-scales/{id}`. Errors: 409 `conflict` (code taken),
/// 409 `in_use` (a value that marks use would go), 422.
pub async fn save_scale(
    auth: Auth,
    school_id: Uuid,
    id: Option<Uuid>,
    body: &MarkScaleInput,
) -> Result<MarkScale, ApiError> {
    save(auth, school_id, "mark-scales", id, body).await
}

/// `DELETE …/mark-scales/{id}` → 204. Errors: 409 `in_use` (a subject uses it), 409 `conflict`
/// (the default scale).
pub async fn delete_scale(auth: Auth, school_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    delete(auth, school_id, &format!("/mark-scales/{id}")).await
}

/// `POST …/work-types` or `PUT …/work-types/{id}`.
pub async fn save_work_type(
    auth: Auth,
    school_id: Uuid,
    id: Option<Uuid>,
    body: &WorkTypeInput,
) -> Result<WorkType, ApiError> {
    save(auth, school_id, "work-types", id, body).await
}

/// `DELETE …/work-types/{id}` → 204. Errors: 409 `in_use` (works of this type exist).
pub async fn delete_work_type(auth: Auth, school_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    delete(auth, school_id, &format!("/work-types/{id}")).await
}

/// `POST …/attendance-codes` or `PUT …/attendance-codes/{id}` (the code itself stays).
pub async fn save_attendance_code(
    auth: Auth,
    school_id: Uuid,
    id: Option<Uuid>,
    body: &AttendanceCodeInput,
) -> Result<AttendanceCode, ApiError> {
    save(auth, school_id, "attendance-codes", id, body).await
}

/// `DELETE …/attendance-codes/{id}` → 204. Errors: 409 `in_use`.
pub async fn delete_attendance_code(auth: Auth, school_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    delete(auth, school_id, &format!("/attendance-codes/{id}")).await
}

/// `GET …/subjects`, by name.
pub async fn subjects(auth: Auth, school_id: Uuid) -> Result<Vec<Subject>, ApiError> {
    get_json(auth, school_id, "/subjects").await
}

/// `PUT …/subjects/{id}`: name, short name and mark scale.
pub async fn save_subject(
    auth: Auth,
    school_id: Uuid,
    id: Uuid,
    body: &SubjectInput,
) -> Result<Subject, ApiError> {
    send_json(
        auth,
        Method::PUT,
        school_id,
        &format!("/subjects/{id}"),
        body,
    )
    .await
}

/// `GET …/classes/{class_id}/summary?period_id=` (no period: the current one). Errors: 403 for a
/// teacher who is not the class teacher; 404 when there is no current period.
pub async fn class_summary(
    auth: Auth,
    school_id: Uuid,
    class_id: Uuid,
    period_id: Option<Uuid>,
) -> Result<ClassSummary, ApiError> {
    let query = period_id.map_or(String::new(), |p| format!("?period_id={p}"));
    get_json(
        auth,
        school_id,
        &format!("/classes/{class_id}/summary{query}"),
    )
    .await
}
