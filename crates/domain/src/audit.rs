//! Audit records (152-FZ: who did what to whose data, and when).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One audit record: `GET /api/v1/schools/{school_id}/audit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditRecord {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub school_id: Option<Uuid>,
    /// The account that acted (`None` for anonymous attempts such as a failed login).
    pub actor_account_id: Option<Uuid>,
    /// The teacher (person id) on whose behalf a substitute acted: the course's teacher when a
    /// substitute writes a lesson's journal.
    pub on_behalf_of: Option<Uuid>,
    /// What happened: `login_succeeded`, `login_failed`, `registered`, `invite_created`,
    /// `invite_used`, `invite_revoked`, `roles_changed`, `account_disabled`, `session_revoked`, …
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub old_value: Option<serde_json::Value>,
    pub new_value: Option<serde_json::Value>,
    pub ip: Option<String>,
}
