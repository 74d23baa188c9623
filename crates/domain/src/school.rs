//! Schools (tenants).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
#[cfg(feature = "validate")]
use validator::Validate as _;

use crate::invite::InviteCreated;
use crate::person::PersonInput;

/// A school (образовательная организация), the tenant every school-scoped record belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct School {
    pub id: Uuid,
    pub name: String,
    /// IANA time zone (`Europe/Moscow`); "today" and deadlines are computed in it.
    pub time_zone: String,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/schools` body (superadmin only).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct CreateSchoolRequest {
    /// Full name, 1–300 characters (`МБОУ «СОШ № 1»`).
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 300)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub name: String,
    /// IANA time zone, e.g. `Europe/Moscow` (default), `Asia/Vladivostok`.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The person who becomes the school's first administrator; an invite is issued for them.
    #[cfg_attr(feature = "validate", validate(nested))]
    pub first_admin: PersonInput,
}

/// The answer to creating a school: the school and the first admin's invite (code shown once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolCreated {
    pub school: School,
    pub admin_invite: InviteCreated,
}
