//! Opening the database, choosing the backend from the URL scheme, and migrating.

use crate::dialect;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

/// How long a query waits for a free connection unless configured otherwise.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// A migration's version and description.
pub type MigrationId = (i64, String);

/// Which database is behind the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, the embedded default.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Backend {
    /// The backend a URL names, by its scheme.
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Neither `sqlite:` nor `postgres://`.
    #[error("the database URL must start with sqlite: or postgres:// (got scheme {0:?})")]
    UnknownScheme(String),
    /// The database refused or could not be reached.
    #[error("could not open the database: {0}")]
    Open(#[source] sqlx::Error),
    /// A migration failed; its transaction was rolled back.
    #[error("database migration failed (nothing was changed by the failed step): {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

/// The store: one connection pool and the backend it speaks to.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pub(crate) pool: AnyPool,
    backend: Backend,
}

impl SqlStore {
    /// Opens `url` (creating a SQLite file if needed) without migrating, waiting at most
    /// [`DEFAULT_ACQUIRE_TIMEOUT`] for a connection.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        Self::connect_with(url, DEFAULT_ACQUIRE_TIMEOUT).await
    }

    /// Opens `url`; every query waits at most `acquire_timeout` for a connection, so
    /// while the database is away requests fail fast instead of piling up (REL-04).
    pub async fn connect_with(url: &str, acquire_timeout: Duration) -> Result<Self, ConnectError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)
            .ok_or_else(|| ConnectError::UnknownScheme(url.split(':').next().unwrap_or("").to_owned()))?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") && !url.contains(":memory:") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(ConnectError::Open)?;
        let in_memory = url.contains(":memory:");
        let max = match (backend, in_memory) {
            // Every connection to `sqlite::memory:` is its own empty database.
            (Backend::Sqlite, true) => 1,
            (Backend::Sqlite, false) => 8,
            (Backend::Postgres, _) => 16,
        };
        let mut pool_options = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(acquire_timeout)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    for stmt in dialect::connection_setup(backend) {
                        conn.execute(*stmt).await?;
                    }
                    Ok(())
                })
            });
        if in_memory {
            pool_options = pool_options.idle_timeout(None).max_lifetime(None);
        }
        let pool = pool_options.connect_with(options).await.map_err(ConnectError::Open)?;
        Ok(SqlStore { pool, backend })
    }

    /// Applies pending migrations; each runs in its own transaction, so a failure
    /// leaves the schema as it was before that step. Already-applied migrations are
    /// skipped, so running this on every start is a no-op after the first.
    pub async fn migrate(&self) -> Result<(), ConnectError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await.map_err(ConnectError::Migrate)
    }

    /// Opens and migrates.
    pub async fn open(url: &str) -> Result<Self, ConnectError> {
        Self::open_with(url, DEFAULT_ACQUIRE_TIMEOUT).await
    }

    /// Opens with `acquire_timeout` (see [`Self::connect_with`]) and migrates.
    pub async fn open_with(url: &str, acquire_timeout: Duration) -> Result<Self, ConnectError> {
        let s = Self::connect_with(url, acquire_timeout).await?;
        s.migrate().await?;
        Ok(s)
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection (graceful shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The versions of both embedded migration sets, for the check that they match.
    pub fn migration_versions() -> (Vec<MigrationId>, Vec<MigrationId>) {
        let list = |m: &Migrator| m.iter().map(|x| (x.version, x.description.to_string())).collect();
        (list(&SQLITE_MIGRATIONS), list(&POSTGRES_MIGRATIONS))
    }
}
