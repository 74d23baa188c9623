//! API calls of the journal-keeping control (`/reports/control`), the activity report
//! (`/reports/activity`) and the journal's «Все присутствуют» button. The CSV/XLSX exports go
//! through [`crate::report_view::ExportButtons`].

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_domain::Role;
use otmetka_domain::reports::{
    ActivityReport, ControlDetail, ControlIssue, JournalControl, UserActivity,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::activity::{Month, users_query};
use crate::api::{ApiError, get_json, post_empty};
use crate::auth::Auth;
use crate::control::{control_query, detail_query};

/// `GET …/reports/journal-control?week=&teacher_id=` → [`JournalControl`]. `week` is any day of
/// the ISO week; without it the server takes the current week.
pub async fn control(
    auth: Auth,
    school_id: Uuid,
    week: Option<NaiveDate>,
    teacher_id: Option<Uuid>,
) -> Result<JournalControl, ApiError> {
    get_json(
        auth,
        school_id,
        &format!(
            "/reports/journal-control{}",
            control_query(week, teacher_id, None)
        ),
    )
    .await
}

/// `GET …/reports/journal-control/courses/{course_id}?week=&teacher_id=&issue=` →
/// [`ControlDetail`]: the lessons and students behind a course row's numbers.
pub async fn control_detail(
    auth: Auth,
    school_id: Uuid,
    course_id: Uuid,
    week: Option<NaiveDate>,
    teacher_id: Option<Uuid>,
    issue: Option<ControlIssue>,
) -> Result<ControlDetail, ApiError> {
    get_json(
        auth,
        school_id,
        &format!(
            "/reports/journal-control/courses/{course_id}{}",
            detail_query(week, teacher_id, issue)
        ),
    )
    .await
}

/// `GET …/reports/activity?month=YYYY-MM` → [`ActivityReport`] (default: the current month).
pub async fn activity(
    auth: Auth,
    school_id: Uuid,
    month: Option<Month>,
) -> Result<ActivityReport, ApiError> {
    get_json(
        auth,
        school_id,
        &format!(
            "/reports/activity{}",
            crate::activity::activity_query(month, None)
        ),
    )
    .await
}

/// `GET …/reports/activity/users?month=&role=&class_id=` → each person's activity.
pub async fn activity_users(
    auth: Auth,
    school_id: Uuid,
    month: Option<Month>,
    role: Role,
    class_id: Option<Uuid>,
) -> Result<Vec<UserActivity>, ApiError> {
    get_json(
        auth,
        school_id,
        &format!(
            "/reports/activity/users{}",
            users_query(month, role, class_id)
        ),
    )
    .await
}

/// The answer of `POST …/lessons/{id}/attendance-taken`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AttendanceTaken {
    pub attendance_taken_at: DateTime<Utc>,
}

/// `POST …/lessons/{lesson_id}/attendance-taken` (no body): «Все присутствуют» — records that
/// attendance was taken for the lesson (same 403s as journal writes).
pub async fn attendance_taken(
    auth: Auth,
    school_id: Uuid,
    lesson_id: Uuid,
) -> Result<AttendanceTaken, ApiError> {
    post_empty(
        auth,
        school_id,
        &format!("/lessons/{lesson_id}/attendance-taken"),
    )
    .await
}
