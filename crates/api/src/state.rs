//! Shared application state, one per server (cloned cheaply into every worker).

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::jwt::JwtKeys;
use crate::auth::throttle::Throttles;
use crate::config::Settings;
use crate::service::reports::activity::DiaryViews;

/// What handlers and extractors need: the pool, the settings, the JWT keys, the throttles and
/// the diary views counted since the last flush.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub jwt: Arc<JwtKeys>,
    pub throttles: Arc<Throttles>,
    pub diary_views: Arc<DiaryViews>,
}

impl AppState {
    /// The instant the calendar takes as now: `fixed_clock` when set, else the real time.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.settings.fixed_clock.unwrap_or_else(chrono::Utc::now)
    }
}
