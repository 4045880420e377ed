//! The few statements whose text differs between SQLite and PostgreSQL.

use crate::connect::Backend;

/// The statements run on every new connection.
pub(crate) fn connection_setup(backend: Backend) -> &'static [&'static str] {
    match backend {
        // WAL lets readers run beside the writer; foreign keys are off by default in
        // SQLite; a busy timeout turns lock contention into waiting, not errors.
        Backend::Sqlite => &[
            "pragma journal_mode = wal",
            "pragma foreign_keys = on",
            "pragma busy_timeout = 5000",
            "pragma synchronous = normal",
            // A 16 MiB page cache per connection (the default is 2,000 pages): listing a
            // large directory re-reads index pages often.
            "pragma cache_size = -16384",
        ],
        Backend::Postgres => &[],
    }
}
