//! The roster: guardians, enrollments with history, class lists, invite sheets.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::role::Role;

/// Why an enrollment started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StartReason {
    /// Прибытие: came to the school (or was on the roster when it was imported).
    Arrival,
    /// Перевод из другого класса этой школы.
    Transfer,
}

/// Why an enrollment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// Перевод в другой класс этой школы.
    Transfer,
    /// Выбытие из школы.
    Withdrawal,
}

/// One enrollment of a student in a class: on the class list from `starts_on` to `ends_on`
/// (inclusive; open when `None`). Never overwritten: a transfer ends one and starts another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrollment {
    pub id: Uuid,
    pub student_id: Uuid,
    pub class_id: Uuid,
    pub class_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub start_reason: StartReason,
    pub end_reason: Option<EndReason>,
    /// The withdrawal reason as written (e.g. "переезд в другой город").
    pub end_note: Option<String>,
}

/// `POST …/students/{student_id}/arrive`: the student comes to the school into a class.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ArriveRequest {
    pub class_id: Uuid,
    /// The first day on the class list.
    pub date: NaiveDate,
}

/// `POST …/students/{student_id}/transfer`: to another class of the school from a date.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    pub class_id: Uuid,
    /// The first day in the new class; the old enrollment ends the day before.
    pub date: NaiveDate,
}

/// `POST …/students/{student_id}/withdraw`: the student leaves the school.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    /// The day the student left: on the class list up to the day before, not from this day.
    pub date: NaiveDate,
    /// 1–300 characters.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 300)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub reason: String,
}

/// `PATCH …/enrollments/{enrollment_id}`: correct the dates of an enrollment (audited).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrollmentCorrection {
    #[serde(default)]
    pub starts_on: Option<NaiveDate>,
    /// The last day on the list (only for an enrollment that has ended).
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
}

/// A student on a class list on a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassStudent {
    pub student_id: Uuid,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub external_id: Option<String>,
    pub enrollment_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// The class's subgroups the student belongs to.
    pub group_numbers: Vec<i32>,
    pub has_account: bool,
}

/// A guardian link as seen from either side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuardianLink {
    pub parent_id: Uuid,
    pub parent_name: String,
    pub student_id: Uuid,
    pub student_name: String,
    /// `мать`, `отец`, `опекун`, …
    pub relation: Option<String>,
}

/// `POST …/persons/{student_id}/guardians`: link a parent to a student.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct GuardianLinkInput {
    pub parent_id: Uuid,
    /// 1–32 characters.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 32)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    #[serde(default)]
    pub relation: Option<String>,
}

/// One slip of an invite sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteSlip {
    pub invite_id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub role: Role,
    /// For a parent: the child's name (the slip says whose parent).
    pub student_name: Option<String>,
    /// `K7QF-M3XP-2WHN`.
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// `POST …/classes/{class_id}/invite-sheet`: codes for every student and parent of the class
/// who has no account yet (earlier active codes of those persons are revoked: a reissue).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteSheet {
    pub school_name: String,
    pub class_name: String,
    pub slips: Vec<InviteSlip>,
}
