//! Importing a school's data (DESIGN §4 imports; issue "scripted import"):
//! `POST /api/v1/schools/{school_id}/import/{kind}` with a CSV or JSON body.
//!
//! - [`reader`] turns the body into typed rows (encodings, separators, Russian headers, dates);
//! - [`kinds`] applies the rows of each kind inside one transaction;
//! - [`run`] checks permissions, handles `dry_run` and `Idempotency-Key`, and commits only a
//!   file without errors.

pub mod kinds;
pub mod reader;

use actix_web::http::StatusCode;
use chrono::Utc;
use otmetka_domain::ErrorCode;
use otmetka_domain::import::ImportReport;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::entity::idempotency_key;
use crate::error::{AppError, AppResult};
use crate::service::audit::Audit;
pub use kinds::Kind;

/// The answer of an import: the HTTP status and the body (a report, or a problem holding it).
#[derive(Debug, Clone)]
pub struct ImportAnswer {
    pub status: StatusCode,
    pub body: serde_json::Value,
}

/// The largest accepted import body (20 MiB: a school of thousands of rows is far below it).
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

fn answer_for(report: &ImportReport) -> AppResult<ImportAnswer> {
    if report.counts.errors == 0 {
        return Ok(ImportAnswer {
            status: StatusCode::OK,
            body: serde_json::to_value(report).map_err(AppError::internal)?,
        });
    }
    let mut e = AppError::new(ErrorCode::ImportRejected).detail(format!(
        "{} of {} rows have errors; nothing was written",
        report.counts.errors,
        report.rows.len()
    ));
    e.errors = report
        .rows
        .iter()
        .filter(|r| !r.problems.is_empty())
        .flat_map(|r| {
            r.problems.iter().map(move |p| otmetka_domain::FieldError {
                field: format!(
                    "line {}{}",
                    r.line,
                    p.column
                        .as_deref()
                        .map(|c| format!(": {c}"))
                        .unwrap_or_default()
                ),
                code: "row".into(),
                message: p.message.clone(),
            })
        })
        .take(1000)
        .collect();
    e.report = Some(serde_json::to_value(report).map_err(AppError::internal)?);
    Ok(ImportAnswer {
        status: e.status,
        body: serde_json::to_value(e.problem()).map_err(AppError::internal)?,
    })
}

/// The stored answer of a key, or 409 while the first request still runs.
fn stored_answer(stored: &idempotency_key::Model) -> AppResult<ImportAnswer> {
    if stored.status == 0 {
        let mut e = AppError::new(ErrorCode::Conflict)
            .detail("a request with this Idempotency-Key is still running; retry in a moment");
        e.retry_after = Some(2);
        return Err(e);
    }
    Ok(ImportAnswer {
        status: StatusCode::from_u16(stored.status as u16).unwrap_or(StatusCode::OK),
        body: serde_json::from_str(&stored.response).map_err(AppError::internal)?,
    })
}

/// A dry run: the rows are applied inside a transaction that is always rolled back, so they are
/// checked against the school's current data and nothing stays written. It takes no write lock
/// of its own: not the school's (`kinds::apply` skips it) and, on SQLite, not the database's
/// (a deferred transaction, which reads without locking out writers); a row it must write to
/// check takes the locks that write needs, until the rollback. When SQLite cannot give such a
/// write its lock from a deferred transaction (another connection wrote since it began
/// reading), the dry run runs once more, taking the database's write lock at once as a real
/// import does.
async fn dry_run_apply(
    db: &DatabaseConnection,
    actor: &Actor,
    school_id: Uuid,
    kind: Kind,
    table: &reader::Table,
    options: kinds::Options,
) -> AppResult<ImportReport> {
    let deferred = sea_orm::TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Deferred),
    };
    let mut attempt = 0;
    loop {
        let mode = if attempt == 0 {
            deferred
        } else {
            crate::service::WRITE_TXN
        };
        let txn = db.begin_with_options(mode).await?;
        let applied = kinds::apply(
            &txn,
            school_id,
            Some(actor.account_id),
            kind,
            table,
            options,
        )
        .await;
        // Never committed, whatever happened.
        txn.rollback().await?;
        match applied {
            Err(e) if e.code == ErrorCode::DatabaseUnavailable && attempt == 0 => attempt += 1,
            other => return other,
        }
    }
}

/// Runs an import. Admin (an API token needs the `import` scope, checked by the extractor).
///
/// With `dry_run` nothing is written. With an `idempotency_key`, the first answer for that key
/// is stored and a retry with the same body gets it again without running twice; the same key
/// with another body is 409 `conflict`. Errors: 404 unknown kind; 413 body too large; 422
/// `import_rejected` with every row's problem (and the full report under `report`).
#[allow(clippy::too_many_arguments)]
pub async fn run(
    db: &DatabaseConnection,
    actor: &Actor,
    school_id: Uuid,
    kind: &str,
    content_type: Option<&str>,
    body: &[u8],
    dry_run: bool,
    replace_from: Option<chrono::NaiveDate>,
    idempotency_key: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<ImportAnswer> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    let kind = Kind::parse(kind).ok_or_else(|| {
        AppError::not_found("import kind")
            .detail("kind must be subjects, staff, classes, students, parents, courses, periods, bell_schedule, holidays or timetable")
    })?;
    let request_hash = {
        let mut h = Sha256::new();
        h.update(kind.as_str().as_bytes());
        h.update([u8::from(dry_run)]);
        h.update(
            replace_from
                .map(|d| d.to_string())
                .unwrap_or_default()
                .as_bytes(),
        );
        h.update(body);
        hex::encode(h.finalize())
    };
    if let Some(key) = idempotency_key {
        if key.is_empty() || key.len() > 128 || key.chars().any(char::is_control) {
            return Err(AppError::new(ErrorCode::InvalidHeader)
                .detail("Idempotency-Key must be 1–128 printable characters"));
        }
        if let Some(stored) = idempotency_key::Entity::find()
            .filter(idempotency_key::Column::SchoolId.eq(school_id))
            .filter(idempotency_key::Column::Key.eq(key))
            .one(db)
            .await?
        {
            if stored.request_hash != request_hash {
                return Err(AppError::new(ErrorCode::Conflict)
                    .detail("this Idempotency-Key was used for another request"));
            }
            return stored_answer(&stored);
        }
        // Claim the key (status 0 = running) before running, so that a concurrent retry sees it.
        let claimed = idempotency_key::ActiveModel {
            id: Set(Uuid::now_v7()),
            school_id: Set(school_id),
            key: Set(key.to_string()),
            request_hash: Set(request_hash.clone()),
            status: Set(0),
            response: Set(String::new()),
            created_at: Set(Utc::now()),
        }
        .insert(db)
        .await;
        if claimed.is_err() {
            let stored = idempotency_key::Entity::find()
                .filter(idempotency_key::Column::SchoolId.eq(school_id))
                .filter(idempotency_key::Column::Key.eq(key))
                .one(db)
                .await?
                .ok_or_else(|| AppError::internal("idempotency key vanished"))?;
            if stored.request_hash != request_hash {
                return Err(AppError::new(ErrorCode::Conflict)
                    .detail("this Idempotency-Key was used for another request"));
            }
            return stored_answer(&stored);
        }
    }
    let answer: AppResult<ImportAnswer> = async {
        Ok(match reader::read_upload(content_type, body, kind.spec()) {
            Err(errors) => {
                let mut report = ImportReport {
                    kind: kind.as_str().into(),
                    dry_run,
                    committed: false,
                    counts: Default::default(),
                    rows: Vec::new(),
                };
                for e in errors {
                    report.rows.push(otmetka_domain::import::RowResult {
                        line: e.line,
                        key: String::new(),
                        outcome: otmetka_domain::import::RowOutcome::Error,
                        problems: vec![otmetka_domain::import::RowProblem {
                            column: e.column,
                            message: e.message,
                        }],
                    });
                }
                report.counts.errors = report.rows.len();
                answer_for(&report)?
            }
            Ok(table) if dry_run => {
                let options = kinds::Options {
                    dry_run,
                    replace_from,
                    now: Some(now),
                };
                answer_for(&dry_run_apply(db, actor, school_id, kind, &table, options).await?)?
            }
            Ok(table) => {
                let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
                let mut report = kinds::apply(
                    &txn,
                    school_id,
                    Some(actor.account_id),
                    kind,
                    &table,
                    kinds::Options {
                        dry_run,
                        replace_from,
                        now: Some(now),
                    },
                )
                .await?;
                if report.counts.errors == 0 {
                    Audit::new("import_committed")
                        .school(school_id)
                        .by(actor)
                        .object("import", kind.as_str())
                        .new_value(serde_json::to_value(report.counts).unwrap_or_default())
                        .write(&txn)
                        .await?;
                    txn.commit().await?;
                    report.committed = true;
                    crate::db::optimize_after_import(db).await;
                } else {
                    txn.rollback().await?;
                }
                answer_for(&report)?
            }
        })
    }
    .await;
    let Some(key) = idempotency_key else {
        return answer;
    };
    match answer {
        Ok(answer) => {
            idempotency_key::Entity::update_many()
                .col_expr(
                    idempotency_key::Column::Status,
                    Expr::value(answer.status.as_u16() as i32),
                )
                .col_expr(
                    idempotency_key::Column::Response,
                    Expr::value(answer.body.to_string()),
                )
                .filter(idempotency_key::Column::SchoolId.eq(school_id))
                .filter(idempotency_key::Column::Key.eq(key))
                .exec(db)
                .await?;
            Ok(answer)
        }
        Err(e) => {
            // Nothing was answered: free the key so that a retry runs.
            idempotency_key::Entity::delete_many()
                .filter(idempotency_key::Column::SchoolId.eq(school_id))
                .filter(idempotency_key::Column::Key.eq(key))
                .exec(db)
                .await?;
            Err(e)
        }
    }
}
