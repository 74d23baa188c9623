//! Otmetka domain types shared by the API server (`otmetka-api`) and the SPA (`otmetka-web`).
//!
//! Everything here is plain data and pure rules: request and response DTOs, the stable error
//! codes of the API, role and scope enums, and the validation rules that both sides apply
//! (login, password, invite-code format). No I/O; the crate builds for `wasm32-unknown-unknown`.
//!
//! Features: `openapi` derives utoipa schemas, `validate` derives `validator::Validate` on
//! request bodies. The SPA builds with neither.

pub mod account;
pub mod audit;
pub mod auth;
pub mod error;
pub mod finals;
pub mod grading;
pub mod import;
pub mod invite;
pub mod journal;
pub mod person;
pub mod reports;
pub mod role;
pub mod roster;
pub mod rules;
pub mod school;
pub mod structure;
pub mod timetable;

pub use error::{ErrorCode, FieldError, Problem};
pub use role::{ApiScope, Role};
