//! Import reports (DESIGN §4 imports): every row's outcome.

use serde::{Deserialize, Serialize};

/// What an import does to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    Created,
    Updated,
    Unchanged,
    Error,
}

/// One problem in a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowProblem {
    /// The column (canonical name), when one is at fault.
    pub column: Option<String>,
    pub message: String,
}

/// One row's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowResult {
    /// Line in the file (the header is line 1), or the 1-based item of a JSON array.
    pub line: usize,
    /// What identifies the row (external id, class name, subject name…).
    pub key: String,
    pub outcome: RowOutcome,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<RowProblem>,
}

/// Counts per outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub errors: usize,
}

/// The answer of an import: with any error row nothing is written (all or nothing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// `subjects`, `staff`, `classes`, `students`, `parents`, `courses`, `periods`.
    pub kind: String,
    pub dry_run: bool,
    /// True when the rows were written (not a dry run and no errors).
    pub committed: bool,
    pub counts: ImportCounts,
    pub rows: Vec<RowResult>,
}
