//! sea-orm entities, one per table (see `otmetka-migration` for the schema).

pub mod account;
pub mod api_token;
pub mod audit_log;
pub mod invite_code;
pub mod person;
pub mod refresh_token;
pub mod role_assignment;
pub mod school;
pub mod session;
