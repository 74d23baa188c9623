//! Authentication and authorization: password hashing, access tokens (JWT), opaque tokens
//! (refresh, API, invite), login throttling, the request extractor and the policy module.

pub mod extractor;
pub mod jwt;
pub mod password;
pub mod policy;
pub mod throttle;
pub mod tokens;

pub use extractor::{Actor, ClientInfo};
