//! API calls of the quality and attendance reports (issue 7). The exports go through
//! [`crate::report_view::ExportButtons`].

use otmetka_domain::reports::{AttendanceReport, QualityReport};
use uuid::Uuid;

use crate::api::{ApiError, get_json};
use crate::auth::Auth;
use crate::reports::{AttendanceView, QualityView, attendance_query, quality_query};

/// `GET …/reports/quality?academic_year_id=&term=&class_id=&basis=` → [`QualityReport`].
pub async fn quality(
    auth: Auth,
    school_id: Uuid,
    view: QualityView,
) -> Result<QualityReport, ApiError> {
    get_json(
        auth,
        school_id,
        &format!("/reports/quality{}", quality_query(view)),
    )
    .await
}

/// `GET …/reports/attendance?from=&to=&class_id=&threshold=` → [`AttendanceReport`].
pub async fn attendance(
    auth: Auth,
    school_id: Uuid,
    view: AttendanceView,
) -> Result<AttendanceReport, ApiError> {
    get_json(
        auth,
        school_id,
        &format!("/reports/attendance{}", attendance_query(view)),
    )
    .await
}
