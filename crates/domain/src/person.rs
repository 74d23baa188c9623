//! Persons: school records of students, staff and parents, with or without an account.

use chrono::{DateTime, NaiveDate, Utc};
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
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub last_name: String,
    /// 1–100 characters.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 100)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub first_name: String,
    /// 0–100 characters.
    #[cfg_attr(feature = "validate", validate(length(max = 100)))]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    #[serde(default)]
    pub middle_name: Option<String>,
    /// The school's own id for the person (unique per school), for imports.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 64)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    #[serde(default)]
    pub external_id: Option<String>,
    /// Student, staff or parent. Default: from the invite's role, else staff.
    #[serde(default)]
    pub kind: Option<PersonKind>,
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    #[serde(default)]
    pub sex: Option<Sex>,
    #[cfg_attr(feature = "validate", validate(email, length(max = 254)))]
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    #[serde(default)]
    pub email: Option<String>,
    /// 1–32 characters.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 32)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    #[serde(default)]
    pub phone: Option<String>,
    /// Staff position (admin, principal, teacher).
    #[serde(default)]
    pub position: Option<StaffPosition>,
}

impl PersonInput {
    /// A name-only input.
    pub fn named(last_name: &str, first_name: &str, middle_name: Option<&str>) -> PersonInput {
        PersonInput {
            last_name: last_name.into(),
            first_name: first_name.into(),
            middle_name: middle_name.map(str::to_string),
            external_id: None,
            kind: None,
            birth_date: None,
            sex: None,
            email: None,
            phone: None,
            position: None,
        }
    }
}

/// What a person is to the school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PersonKind {
    Student,
    Staff,
    Parent,
}

impl PersonKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonKind::Student => "student",
            PersonKind::Staff => "staff",
            PersonKind::Parent => "parent",
        }
    }
    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<PersonKind> {
        [PersonKind::Student, PersonKind::Staff, PersonKind::Parent]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Sex as kept in school records: `M` or `F`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Sex {
    M,
    F,
}

impl Sex {
    /// `M` or `F`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::M => "M",
            Sex::F => "F",
        }
    }
    /// Parses `M`/`F`.
    pub fn parse(s: &str) -> Option<Sex> {
        match s {
            "M" => Some(Sex::M),
            "F" => Some(Sex::F),
            _ => None,
        }
    }
}

/// A staff member's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StaffPosition {
    Admin,
    Principal,
    Teacher,
}

impl StaffPosition {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffPosition::Admin => "admin",
            StaffPosition::Principal => "principal",
            StaffPosition::Teacher => "teacher",
        }
    }
    /// Parses the stored name (also the Russian `администратор`, `директор`, `завуч`, `учитель`).
    pub fn parse(s: &str) -> Option<StaffPosition> {
        match s.trim().to_lowercase().as_str() {
            "admin" | "администратор" => Some(StaffPosition::Admin),
            "principal" | "директор" | "завуч" | "заместитель директора" => {
                Some(StaffPosition::Principal)
            }
            "teacher" | "учитель" | "педагог" => Some(StaffPosition::Teacher),
            _ => None,
        }
    }
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
    pub kind: PersonKind,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub position: Option<StaffPosition>,
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
