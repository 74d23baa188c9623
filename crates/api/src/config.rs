//! Typed, layered configuration: defaults → optional TOML file → `OTMETKA_*` environment (and a
//! plain `DATABASE_URL`) → command-line flags. Every setting is documented in the README's
//! configuration table; a bad value fails at start with a message that names the setting.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// All settings of the server. Field names are the TOML keys; the environment variable is
/// `OTMETKA_` + the upper-cased name (`OTMETKA_DATABASE_URL`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address and port to listen on. Default `127.0.0.1:8080`.
    pub bind: String,
    /// `sqlite://…` (embedded) or `postgres://…`. Default `sqlite://data/otmetka.db?mode=rwc`.
    pub database_url: String,
    /// Maximum pooled database connections. Default: 10 on PostgreSQL, twice the cores (4 to
    /// 10) on SQLite (see [`Settings::pool_size`]).
    pub db_max_connections: Option<u32>,
    /// Directory for server-owned files (the generated JWT secret). Default `data`.
    pub data_dir: PathBuf,
    /// Directory of the built SPA (`index.html` + assets). Default `frontend/dist`.
    pub static_dir: PathBuf,
    /// HMAC secret for access tokens, at least 32 bytes. When absent, a random one is generated on
    /// first start and kept in `{data_dir}/jwt-secret`. Several instances must share one.
    pub jwt_secret: Option<SecretString>,
    /// `iss` of issued access tokens. Default `otmetka`.
    pub jwt_issuer: String,
    /// `aud` of issued access tokens. Default `otmetka-api`.
    pub jwt_audience: String,
    /// Access-token lifetime in seconds, 60–3600. Default 900 (15 min).
    pub access_token_ttl_secs: u64,
    /// Refresh-token (session) lifetime in days, 1–365. Default 30.
    pub refresh_token_ttl_days: u32,
    /// Default invite-code lifetime in days, 1–365. Default 30.
    pub invite_ttl_days: u32,
    /// Mark the refresh cookie `Secure` (set behind HTTPS). Default false.
    pub cookie_secure: bool,
    /// Failed logins per account per minute before 429. Default 5.
    pub login_failures_per_account: u32,
    /// Failed logins (and failed invite-code look-ups) per client IP per minute before 429. Default 20.
    pub login_failures_per_ip: u32,
    /// Requests per second per client IP to `/api/v1/auth/*` after the burst is spent. Default 5.
    pub auth_rate_per_second: u32,
    /// Requests per client IP to `/api/v1/auth/*` allowed in a burst. Default 30.
    pub auth_rate_burst: u32,
    /// Largest accepted request body in bytes. Default 1 MiB.
    pub max_body_bytes: usize,
    /// Origins allowed to call the API from a browser (CORS), e.g. `https://portal.example`. Default none.
    pub cors_origins: Vec<String>,
    /// Take the client IP from the last `X-Forwarded-For` entry (only behind a reverse proxy
    /// that sets it). Default false: the TCP peer address.
    pub trust_forwarded_for: bool,
    /// `tracing` filter, e.g. `info` or `otmetka_api=debug,info`. Default `info`.
    pub log: String,
    /// Freeze the calendar clock at this instant (RFC 3339, e.g. `2026-11-30T01:00:00+10:00`):
    /// "today", week bounds and deadlines are computed as if it were then. For demos of a given
    /// day and for tests; token and session expiry keep the real clock. Default: unset (real time).
    pub fixed_clock: Option<chrono::DateTime<chrono::Utc>>,
    /// Add an `X-Sql-Statements` header (the number of SQL statements the request issued) to
    /// every `/api/v1` response. For the benchmark (`just bench`) and for finding N+1 queries;
    /// costs a clock read per statement. Default false.
    pub sql_statements_header: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bind: "127.0.0.1:8080".into(),
            database_url: "sqlite://data/otmetka.db?mode=rwc".into(),
            db_max_connections: None,
            data_dir: PathBuf::from("data"),
            static_dir: PathBuf::from("frontend/dist"),
            jwt_secret: None,
            jwt_issuer: "otmetka".into(),
            jwt_audience: "otmetka-api".into(),
            access_token_ttl_secs: 900,
            refresh_token_ttl_days: 30,
            invite_ttl_days: 30,
            cookie_secure: false,
            login_failures_per_account: 5,
            login_failures_per_ip: 20,
            auth_rate_per_second: 5,
            auth_rate_burst: 30,
            max_body_bytes: 1024 * 1024,
            cors_origins: Vec::new(),
            trust_forwarded_for: false,
            log: "info".into(),
            fixed_clock: None,
            sql_statements_header: false,
        }
    }
}

/// Values given on the command line; they override everything else.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CliOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub static_dir: Option<PathBuf>,
}

/// A configuration error, naming the setting at fault.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

impl Settings {
    /// The database pool's size: `db_max_connections`, or by default 10 on PostgreSQL and on
    /// SQLite twice the number of cores, 4 to 10. SQLite writes one transaction at a time and
    /// runs each connection's statements on that connection's thread, so readers beyond the
    /// cores only wait, while each connection keeps its own page cache (2 MiB) and prepared
    /// statements: on the reference school with 2 cores, 10 connections peaked 19 MB higher
    /// than 4 for no more diary reads per second (BENCHMARKS.md, fifth round).
    pub fn pool_size(&self) -> u32 {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
        self.db_max_connections.unwrap_or(if self.is_sqlite() {
            (2 * cores).clamp(4, 10)
        } else {
            10
        })
    }

    /// Whether `database_url` names an SQLite database.
    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// Loads the layers in order. `file` is the `--config` path (or `OTMETKA_CONFIG`); a missing
    /// explicit file is an error, no file means defaults + environment + flags.
    pub fn load(file: Option<&Path>, cli: &CliOverrides) -> Result<Settings, ConfigError> {
        let mut fig = Figment::new();
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError(format!(
                    "config file {} does not exist",
                    path.display()
                )));
            }
            fig = fig.merge(Toml::file(path));
        }
        fig = fig
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database_url".into()),
            )
            .merge(Env::prefixed("OTMETKA_").ignore(&["CONFIG"]).split("__"))
            .merge(Serialized::defaults(cli));
        let settings: Settings = fig.extract().map_err(|e| {
            let errors: Vec<String> = e
                .into_iter()
                .map(|e| {
                    let key = e.path.join(".");
                    let source = e
                        .metadata
                        .as_ref()
                        .map(|m| m.name.to_string())
                        .unwrap_or_default();
                    if key.is_empty() {
                        format!("{e} ({source})")
                    } else {
                        format!("setting `{key}`: {} ({source})", e.kind)
                    }
                })
                .collect();
            ConfigError(errors.join("; "))
        })?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks values that types alone do not.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |key: &str, msg: String| Err(ConfigError(format!("setting `{key}`: {msg}")));
        if self.bind.parse::<SocketAddr>().is_err() {
            return bad(
                "bind",
                format!("`{}` is not an address like 127.0.0.1:8080", self.bind),
            );
        }
        if !(self.is_sqlite()
            || self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://"))
        {
            return bad(
                "database_url",
                "must start with sqlite:, postgres:// or postgresql://".into(),
            );
        }
        if let Some(s) = &self.jwt_secret
            && s.expose_secret().len() < 32
        {
            return bad("jwt_secret", "must be at least 32 bytes".into());
        }
        if !(60..=3600).contains(&self.access_token_ttl_secs) {
            return bad("access_token_ttl_secs", "must be 60 to 3600".into());
        }
        if !(1..=365).contains(&self.refresh_token_ttl_days) {
            return bad("refresh_token_ttl_days", "must be 1 to 365".into());
        }
        if !(1..=365).contains(&self.invite_ttl_days) {
            return bad("invite_ttl_days", "must be 1 to 365".into());
        }
        if self.db_max_connections == Some(0) {
            return bad("db_max_connections", "must be at least 1".into());
        }
        if self.login_failures_per_account == 0 || self.login_failures_per_ip == 0 {
            return bad(
                "login_failures_per_account",
                "limits must be at least 1".into(),
            );
        }
        if self.auth_rate_per_second == 0 || self.auth_rate_burst == 0 {
            return bad("auth_rate_per_second", "rates must be at least 1".into());
        }
        if self.max_body_bytes < 1024 {
            return bad("max_body_bytes", "must be at least 1024".into());
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log).is_err() {
            return bad("log", format!("`{}` is not a tracing filter", self.log));
        }
        Ok(())
    }

    /// The JWT secret: the configured one, or the one kept in `{data_dir}/jwt-secret`, created
    /// (64 random bytes, hex, mode 0600) on first start.
    pub fn resolve_jwt_secret(&self) -> Result<Vec<u8>, ConfigError> {
        if let Some(s) = &self.jwt_secret {
            return Ok(s.expose_secret().as_bytes().to_vec());
        }
        let path = self.data_dir.join("jwt-secret");
        if path.exists() {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                ConfigError(format!(
                    "setting `data_dir`: cannot read {}: {e}",
                    path.display()
                ))
            })?;
            let text = text.trim();
            if text.len() < 32 {
                return Err(ConfigError(format!(
                    "setting `data_dir`: {} holds fewer than 32 bytes",
                    path.display()
                )));
            }
            return Ok(text.as_bytes().to_vec());
        }
        std::fs::create_dir_all(&self.data_dir).map_err(|e| {
            ConfigError(format!(
                "setting `data_dir`: cannot create {}: {e}",
                self.data_dir.display()
            ))
        })?;
        let secret = crate::auth::tokens::random_hex(64);
        write_private(&path, &secret).map_err(|e| {
            ConfigError(format!(
                "setting `data_dir`: cannot write {}: {e}",
                path.display()
            ))
        })?;
        tracing::info!(path = %path.display(), "generated a new JWT secret");
        Ok(secret.into_bytes())
    }

    /// Creates the directory of a relative `sqlite://path` database, so that the default works
    /// on a fresh checkout.
    pub fn ensure_sqlite_dir(&self) -> Result<(), ConfigError> {
        if let Some(rest) = self.database_url.strip_prefix("sqlite://") {
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() || path.starts_with(':') {
                return Ok(());
            }
            if let Some(dir) = Path::new(path).parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir).map_err(|e| {
                    ConfigError(format!(
                        "setting `database_url`: cannot create {}: {e}",
                        dir.display()
                    ))
                })?;
            }
        }
        Ok(())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

#[cfg(test)]
// figment's Jail API returns its own large error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn bad_value_names_the_setting() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("OTMETKA_ACCESS_TOKEN_TTL_SECS", "soon");
            let err = Settings::load(None, &CliOverrides::default()).unwrap_err();
            assert!(err.0.contains("access_token_ttl_secs"), "{}", err.0);
            Ok(())
        });
    }

    #[test]
    fn the_pool_is_smaller_on_sqlite_unless_set() {
        let mut s = Settings::default();
        let cores = std::thread::available_parallelism().unwrap().get() as u32;
        assert_eq!(s.pool_size(), (2 * cores).clamp(4, 10));
        s.database_url = "postgres://u:p@h/db".into();
        assert_eq!(s.pool_size(), 10);
        figment::Jail::expect_with(|jail| {
            jail.set_env("OTMETKA_DB_MAX_CONNECTIONS", "7");
            let s = Settings::load(None, &CliOverrides::default()).unwrap();
            assert_eq!((s.db_max_connections, s.pool_size()), (Some(7), 7));
            jail.set_env("OTMETKA_DB_MAX_CONNECTIONS", "0");
            let err = Settings::load(None, &CliOverrides::default()).unwrap_err();
            assert!(err.0.contains("db_max_connections"), "{}", err.0);
            Ok(())
        });
    }

    #[test]
    fn layers_apply_in_order_file_env_cli() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "o.toml",
                "bind = \"127.0.0.1:9000\"\nlog = \"debug\"\ninvite_ttl_days = 10",
            )?;
            jail.set_env("OTMETKA_BIND", "127.0.0.1:9001");
            jail.set_env("DATABASE_URL", "postgres://u:p@h/db");
            let cli = CliOverrides {
                bind: Some("127.0.0.1:9002".into()),
                ..Default::default()
            };
            let s = Settings::load(Some(Path::new("o.toml")), &cli).unwrap();
            assert_eq!(s.bind, "127.0.0.1:9002");
            assert_eq!(s.log, "debug");
            assert_eq!(s.invite_ttl_days, 10);
            assert_eq!(s.database_url, "postgres://u:p@h/db");
            let s = Settings::load(Some(Path::new("o.toml")), &CliOverrides::default()).unwrap();
            assert_eq!(s.bind, "127.0.0.1:9001");
            Ok(())
        });
    }

    #[test]
    fn unknown_setting_and_short_secret_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("OTMETKA_JWT_SECRETS", "x");
            let err = Settings::load(None, &CliOverrides::default()).unwrap_err();
            assert!(err.0.contains("jwt_secrets"), "{}", err.0);
            Ok(())
        });
        figment::Jail::expect_with(|jail| {
            jail.set_env("OTMETKA_JWT_SECRET", "short");
            let err = Settings::load(None, &CliOverrides::default()).unwrap_err();
            assert!(err.0.contains("jwt_secret"), "{}", err.0);
            Ok(())
        });
    }

    #[test]
    fn bad_bind_address_is_refused() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("OTMETKA_BIND", "localhost");
            let err = Settings::load(None, &CliOverrides::default()).unwrap_err();
            assert!(err.0.contains("`bind`"), "{}", err.0);
            Ok(())
        });
    }
}
