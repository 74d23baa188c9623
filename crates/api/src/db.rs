//! Database connection and migrations for SQLite (WAL, foreign keys, busy timeout) and
//! PostgreSQL.

use std::time::Duration;

use otmetka_migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::config::Settings;

/// How long a pooled SQLite connection is used before it is reopened (see [`connect`]).
pub const SQLITE_CONNECTION_LIFETIME: Duration = Duration::from_secs(120);

/// Opens the pool. SQLite connections get `journal_mode=WAL`, `foreign_keys=ON`,
/// `synchronous=NORMAL` and a 5 s busy timeout, so that concurrent writers wait instead of failing.
pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, DbErr> {
    let mut opt = ConnectOptions::new(settings.database_url.clone());
    opt.max_connections(settings.pool_size())
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if settings.is_sqlite() {
        // SQLite reads the planner statistics (`sqlite_stat1`) when a connection loads the
        // schema, and a pooled connection never reloads them: after `PRAGMA optimize` (hourly,
        // after an import) or a bulk load by another process (`otmetka seed-marks`, a script),
        // the connections opened before kept planning without them (the benchmark's journal
        // grid: 14 ms against 5.5 ms on a fresh server). Connections are reopened after two
        // minutes, so new statistics reach every one of them.
        opt.max_lifetime(SQLITE_CONNECTION_LIFETIME);
        opt.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
        });
    }
    let mut db = Database::connect(opt).await?;
    if settings.sql_statements_header {
        db.set_metric_callback(|info| {
            count_statement();
            tracing::trace!(target: "otmetka_api::sql", elapsed_us = info.elapsed.as_micros() as u64, sql = %info.statement.sql);
        });
    }
    Ok(db)
}

tokio::task_local! {
    /// The statement counter of the request being served (see [`count_statements`]).
    static STATEMENTS: std::sync::Arc<std::sync::atomic::AtomicU32>;
}

/// Counts one statement for the request whose future runs on this task, if it is counted.
fn count_statement() {
    let _ = STATEMENTS.try_with(|n| n.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
}

/// Runs `fut` (a request's handler) and returns its output with the number of SQL statements
/// it issued through a connection opened with `sql_statements_header` (0 otherwise). The
/// statements must run on the same task, which sea-orm's queries do.
pub async fn count_statements<F: std::future::Future>(fut: F) -> (F::Output, u32) {
    let n = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let out = STATEMENTS.scope(n.clone(), fut).await;
    (out, n.load(std::sync::atomic::Ordering::Relaxed))
}

/// Refreshes the query planner's statistics after a bulk change (the seeding) and at start:
/// SQLite `PRAGMA optimize` (analyzes the tables that changed enough; without statistics SQLite
/// starts a student's marks from every lesson of the period instead of the student's index),
/// PostgreSQL `ANALYZE` (autovacuum does it too, but later). Failures are logged, not returned:
/// the data is fine either way.
///
/// On SQLite a table is then created and dropped (`otmetka_statistics_epoch`): a connection
/// reads `sqlite_stat1` only when it loads the schema, and it reloads the schema only when the
/// schema cookie moves, which `ANALYZE` does not do once the statistics table exists. So every
/// connection of every process (the server's pool while `otmetka seed-marks` fills a year)
/// plans with the new statistics from its next statement, not from its next reconnection
/// (the benchmark's diary reads at 64 clients: 470–500 req/s on connections opened before the
/// seeding, 860–920 on fresh ones).
pub async fn optimize(db: &DatabaseConnection) {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            "PRAGMA optimize=0x10002; \
             CREATE TABLE IF NOT EXISTS otmetka_statistics_epoch (epoch INTEGER); \
             DROP TABLE otmetka_statistics_epoch"
        }
        // Otmetka's big tables only: a bare ANALYZE also tries the system catalogs and warns.
        _ => {
            "ANALYZE lessons, marks, attendance, works, final_marks, enrollments, persons, \
              guardian_links, timetable_entries, courses"
        }
    };
    if let Err(e) = sea_orm::ConnectionTrait::execute_unprepared(db, sql).await {
        tracing::warn!(error = %e, "refreshing the planner statistics failed");
    }
}

/// After a bulk load (`otmetka seed-marks`, the demo school's year): [`optimize`], and on
/// PostgreSQL first `VACUUM` of the journal's tables, which PostgreSQL's documentation advises
/// after loading many rows: the planner takes an index-only scan (the marks page's join to the
/// lessons, `ix_lessons_id_school_date`) only where the visibility map says the pages are all
/// visible, which autovacuum would set only minutes later. Failures are logged, not returned.
pub async fn optimize_after_bulk_load(db: &DatabaseConnection) {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let sql = "VACUUM lessons, marks, attendance, works, final_marks";
        if let Err(e) = sea_orm::ConnectionTrait::execute_unprepared(db, sql).await {
            tracing::warn!(error = %e, "vacuum after the bulk load failed");
        }
    }
    optimize(db).await;
}

/// After an import: SQLite's `PRAGMA optimize` (cheap: only what changed enough); PostgreSQL's
/// autovacuum analyzes by itself, and a whole-database `ANALYZE` per import would cost every
/// school.
pub async fn optimize_after_import(db: &DatabaseConnection) {
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        optimize(db).await;
    }
}

/// Runs [`optimize`] every `every` (SQLite's advice: periodically, as the data grows).
pub fn spawn_optimizer(db: DatabaseConnection, every: Duration) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            optimize(&db).await;
        }
    });
}

/// The key of the PostgreSQL advisory lock held while migrating (any constant unique to
/// Otmetka: "otmetka" in ASCII).
const MIGRATION_LOCK: i64 = 0x006f_746d_6574_6b61;

/// Applies pending migrations. On PostgreSQL under an advisory lock held on a connection of its
/// own, so that several instances started at once on one database migrate one after the other
/// (the others then find nothing pending) instead of failing on duplicate tables.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::sqlx::{Connection, PgConnection};
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Migrator::up(db, None).await;
    }
    let fail = |e: sea_orm::sqlx::Error| DbErr::Custom(format!("migration lock: {e}"));
    let options = db.get_postgres_connection_pool().connect_options();
    let mut lock = PgConnection::connect_with(&options).await.map_err(fail)?;
    sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut lock)
        .await
        .map_err(fail)?;
    let res = Migrator::up(db, None).await;
    // Closing the connection releases the lock as well; unlock first to say so explicitly.
    let _ = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut lock)
        .await;
    let _ = lock.close().await;
    res
}
