//! Persons: school records of students, staff and parents, with or without an account.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A person's name as entered: `last_name` (фамилия), `first_name` (имя), optional
/// `middle_name` (отчество).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// 1–100 characters.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 100)))]
    pub last_name: String,
    /// 1–100 characters.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 100)))]
    pub first_name: String,
    /// 0–100 characters.
    #[cfg_attr(feature = "validate", validate(length(max = 100)))]
    #[serde(default)]
    pub middle_name: Option<String>,
    /// The school's own id for the person (unique per school), for imports.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 64)))]
    #[serde(default)]
    pub external_id: Option<String>,
}

/// A person record of a school.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: Uuid,
    pub school_id: Uuid,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub external_id: Option<String>,
    /// The account linked to this person, once they registered.
    pub account_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl Person {
    /// `Фамилия Имя Отчество`.
    pub fn full_name(&self) -> String {
        full_name(
            &self.last_name,
            &self.first_name,
            self.middle_name.as_deref(),
        )
    }
}

/// `Фамилия Имя Отчество`, skipping an empty middle name.
pub fn full_name(last: &str, first: &str, middle: Option<&str>) -> String {
    match middle.filter(|m| !m.is_empty()) {
        Some(m) => format!("{last} {first} {m}"),
        None => format!("{last} {first}"),
    }
}
