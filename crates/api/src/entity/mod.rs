//! sea-orm entities, one per table (see `otmetka-migration` for the schema).

pub mod school;
pub mod account;
pub mod person;
pub mod role_assignment;
pub mod invite_code;
pub mod session;
pub mod refresh_token;
pub mod api_token;
pub mod audit_log;
