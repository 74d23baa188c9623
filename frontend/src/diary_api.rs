//! API calls of the diary and marks pages: a student's diary week, marks of a period, the feed
//! of recent marks, and the school's periods.

use otmetka_domain::journal::{Diary, MarkFeedItem, StudentMarks};
use otmetka_domain::structure::Period;
use uuid::Uuid;

use crate::api::{ApiError, get_json};
use crate::auth::Auth;
use crate::paging::query_string;

/// `GET …/students/{id}/diary?week=2026-W49` (no week: the current week in the school's time
/// zone) → [`Diary`]. Errors: 403 (not the account's own or its child's diary), 404, 422 (week).
pub async fn diary(
    auth: Auth,
    school_id: Uuid,
    student_id: Uuid,
    week: Option<String>,
) -> Result<Diary, ApiError> {
    let query = query_string(&[("week", week)]);
    get_json(
        auth,
        school_id,
        &format!("/students/{student_id}/diary{query}"),
    )
    .await
}

/// `GET …/students/{id}/marks?period_id=` (no period: the current period of the school's
/// final-mark kind) → [`StudentMarks`].
pub async fn marks(
    auth: Auth,
    school_id: Uuid,
    student_id: Uuid,
    period_id: Option<Uuid>,
) -> Result<StudentMarks, ApiError> {
    let query = query_string(&[("period_id", period_id.map(|p| p.to_string()))]);
    get_json(
        auth,
        school_id,
        &format!("/students/{student_id}/marks{query}"),
    )
    .await
}

/// `GET …/students/{id}/recent-marks?limit=` → the newest `set_at` first.
pub async fn recent_marks(
    auth: Auth,
    school_id: Uuid,
    student_id: Uuid,
    limit: u32,
) -> Result<Vec<MarkFeedItem>, ApiError> {
    get_json(
        auth,
        school_id,
        &format!("/students/{student_id}/recent-marks?limit={limit}"),
    )
    .await
}

/// `GET …/periods`: the current academic year's periods, by kind and number (any member).
pub async fn current_periods(auth: Auth, school_id: Uuid) -> Result<Vec<Period>, ApiError> {
    get_json(auth, school_id, "/periods").await
}
