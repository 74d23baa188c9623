//! Invite codes: the only way to register (regulation §3–§4).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
#[cfg(feature = "validate")]
use validator::Validate as _;

use crate::person::PersonInput;
use crate::role::Role;

/// The state of an invite, computed from its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InviteState {
    Active,
    Used,
    Expired,
    Revoked,
}

/// `POST /api/v1/schools/{school_id}/invites` body: either an existing `person_id` or a new
/// `person` to create, and the role the account gets.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct CreateInviteRequest {
    /// An existing person of this school.
    #[serde(default)]
    pub person_id: Option<Uuid>,
    /// A new person to create (when `person_id` is absent).
    #[cfg_attr(feature = "validate", validate(nested))]
    #[serde(default)]
    pub person: Option<PersonInput>,
    pub role: Role,
    /// Days until the code expires, 1–365 (default 30).
    #[cfg_attr(feature = "validate", validate(range(min = 1, max = 365)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    #[serde(default)]
    pub expires_in_days: Option<u32>,
}

/// A newly issued invite: the only time its code is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteCreated {
    pub id: Uuid,
    pub school_id: Uuid,
    pub person_id: Uuid,
    /// `Фамилия Имя Отчество`.
    pub person_name: String,
    pub role: Role,
    /// The code in printed form: three groups of four (`K7QF-M3XP-2WHN`).
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// An invite as listed for the school administration (without the code).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invite {
    pub id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub role: Role,
    pub state: InviteState,
    /// The last two characters of the code, to tell printed slips apart.
    pub code_hint: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/auth/invites/{code}`: what registering with this code will give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitePreview {
    pub school_name: String,
    pub role: Role,
    /// The person's last name and initials (`Иванова М. П.`).
    pub person_name_masked: String,
    pub expires_at: DateTime<Utc>,
}
