//! Business rules and database access, one module per resource. Services check permissions
//! through [`crate::auth::policy`] before any read or write, and take `&impl ConnectionTrait`
//! where they may run inside a caller's transaction.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod demo;
pub mod diary;
pub mod finals;
pub mod invites;
pub mod journal;
pub mod lessons;
pub mod marks;
pub mod me;
pub mod persons;
pub mod reports;
pub mod roster;
pub mod schools;
pub mod snapshot;
pub mod structure;
pub mod superadmin;
pub mod timetable;

use sea_orm::{SqliteTransactionMode, TransactionOptions};
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use otmetka_domain::ErrorCode;

/// How every writing transaction starts: on SQLite `BEGIN IMMEDIATE`, which takes the write lock
/// at once (waiting for it under the busy timeout). A deferred transaction that reads first and
/// writes later cannot wait: when another connection wrote in between, its upgrade fails at once
/// with `database is locked` (a 500 under concurrent writes). PostgreSQL ignores the mode.
pub const WRITE_TXN: TransactionOptions = TransactionOptions {
    isolation_level: None,
    access_mode: None,
    sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
};

/// The largest `offset` of a list (the databases take a signed 64-bit offset; no list comes near).
pub const MAX_OFFSET: u64 = 1_000_000_000;

/// The one pagination helper: `limit` (1–500, default 50) and `offset` (0–[`MAX_OFFSET`],
/// default 0). Out-of-range values are refused with 400 `invalid_query_parameter`, not clamped.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct PageParams {
    /// Items per page, 1–500. Default 50.
    pub limit: Option<u64>,
    /// Items to skip. Default 0.
    pub offset: Option<u64>,
}

impl PageParams {
    /// `(limit, offset)` after validation.
    pub fn resolve(&self) -> AppResult<(u64, u64)> {
        let limit = self.limit.unwrap_or(50);
        if !(1..=500).contains(&limit) {
            return Err(
                AppError::new(ErrorCode::InvalidQueryParameter).detail("limit must be 1 to 500")
            );
        }
        let offset = self.offset.unwrap_or(0);
        if offset > MAX_OFFSET {
            return Err(AppError::new(ErrorCode::InvalidQueryParameter)
                .detail(format!("offset must be 0 to {MAX_OFFSET}")));
        }
        Ok((limit, offset))
    }
}
