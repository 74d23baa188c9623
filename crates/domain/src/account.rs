//! Accounts as the school administration sees them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::role::Role;

/// An account with its roles in one school: `GET /api/v1/schools/{school_id}/accounts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolAccount {
    pub account_id: Uuid,
    pub login: String,
    pub is_active: bool,
    pub roles: Vec<Role>,
    pub person_id: Option<Uuid>,
    pub person_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// `PATCH /api/v1/schools/{school_id}/accounts/{account_id}` body. Either change ends the
/// account's sessions at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateSchoolAccountRequest {
    /// The complete new set of roles in this school (may be empty).
    #[serde(default)]
    pub roles: Option<Vec<Role>>,
    /// `false` disables sign-in for the account.
    #[serde(default)]
    pub is_active: Option<bool>,
}
