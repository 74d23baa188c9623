//! A school's slowly changing data, derived once and shared by the requests that read it: the
//! school row and settings, the course catalog ([`Catalog`]), the mark settings ([`MarkConfig`])
//! and the calendar ([`Calendar`]). Loading them takes about fifteen whole-school reads (every
//! course, teacher, class, subject, group, bell schedule, scale, work type, code, period and
//! holiday); the journal, the diary and the marks page need them on every request.
//!
//! Every change of the tables behind them raises `schools.generation` through database
//! triggers (migration `m20261130_000007_school_generation`), whichever instance or script
//! made it. [`get`] reads that counter (one statement) and answers from this process's cache
//! while it has not moved; otherwise it loads a new snapshot in one consistent read transaction.
//! So several instances behind one database stay consistent (DESIGN §7: ≤ 5 statements per page,
//! ≥ 1 000 diary reads/s; issue 8). Writers keep loading what they check inside their own
//! transaction.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

use otmetka_domain::structure::SchoolSettings;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbBackend, EntityTrait, IsolationLevel, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::entity::{period, school};
use crate::error::{AppError, AppResult};
use crate::service::marks::MarkConfig;
use crate::service::structure::{get_settings_row, school_row};
use crate::service::timetable::{Calendar, Catalog};

/// What [`get`] answers: one school's derived data as of `generation`.
#[derive(Debug)]
pub struct Snapshot {
    /// `schools.generation` the data was read at.
    pub generation: i64,
    pub school: school::Model,
    pub settings: SchoolSettings,
    pub catalog: Catalog,
    pub marks: MarkConfig,
    pub calendar: Calendar,
    /// The school's periods of every year, by first day.
    pub periods: Vec<period::Model>,
}

/// The snapshots of this process by school id (a few hundred kilobytes per school). Static, not
/// in `AppState`: the services that read it take a connection, not the state; school ids are
/// UUIDs, so servers of one process on different databases (the tests) do not collide.
static CACHE: LazyLock<RwLock<HashMap<Uuid, Arc<Snapshot>>>> = LazyLock::new(Default::default);

/// The school's snapshot: from the cache when `schools.generation` has not moved (one
/// statement), else loaded anew. Errors: 404 `not_found` (school), database errors.
pub async fn get(db: &DatabaseConnection, school_id: Uuid) -> AppResult<Arc<Snapshot>> {
    let generation: i64 = school::Entity::find_by_id(school_id)
        .select_only()
        .column(school::Column::Generation)
        .into_tuple()
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("school"))?;
    let cached = CACHE.read().ok().and_then(|c| c.get(&school_id).cloned());
    if let Some(s) = cached.filter(|s| s.generation == generation) {
        return Ok(s);
    }
    let snap = Arc::new(load(db, school_id).await?);
    // Always replaced, even by a lower generation: a database restored from a backup goes back
    // to an older counter, and a kept "newer" entry would be served again once the counter
    // climbs back to its value. Two loads racing can leave the older one cached; the next
    // request then sees the mismatch and loads again.
    if let Ok(mut c) = CACHE.write() {
        c.insert(school_id, snap.clone());
    }
    Ok(snap)
}

/// Loads everything in one transaction, so that the data and the generation belong together
/// (PostgreSQL: repeatable read; SQLite: a WAL read transaction sees one snapshot).
async fn load(db: &DatabaseConnection, school_id: Uuid) -> AppResult<Snapshot> {
    let txn = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(Some(IsolationLevel::RepeatableRead), None)
                .await?
        }
        _ => db.begin().await?,
    };
    let school = school_row(&txn, school_id).await?;
    let settings = get_settings_row(&txn, school_id).await?;
    let catalog = Catalog::load(&txn, school_id).await?;
    let marks = MarkConfig::load(&txn, school_id).await?;
    let calendar = Calendar::load(&txn, school_id).await?;
    let periods = period::Entity::find()
        .filter(period::Column::SchoolId.eq(school_id))
        .order_by_asc(period::Column::StartsOn)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(Snapshot {
        generation: school.generation,
        school,
        settings,
        catalog,
        marks,
        calendar,
        periods,
    })
}
