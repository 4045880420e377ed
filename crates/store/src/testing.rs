//! Test support: fresh, empty databases for store and server tests. Not for production.

use sqlx::{Connection, Executor, PgConnection};
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::OnceCell;

static COUNTER: AtomicUsize = AtomicUsize::new(0);
static SWEPT: OnceCell<()> = OnceCell::const_new();

/// The PostgreSQL URL tests should use, from `COGNATE_TEST_POSTGRES_URL`, if set.
pub fn postgres_url_from_env() -> Option<String> {
    std::env::var("COGNATE_TEST_POSTGRES_URL").ok().filter(|s| !s.trim().is_empty())
}

/// A SQLite URL for a new file in `dir`.
pub fn fresh_sqlite_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}", dir.join("test.db").display())
}

fn replace_db(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Creates an empty database next to the one `admin_url` names and returns its URL.
/// The first call in a process drops databases earlier test runs left behind.
pub async fn fresh_postgres_url(admin_url: &str) -> Result<String, sqlx::Error> {
    let mut conn = PgConnection::connect(admin_url).await?;
    SWEPT
        .get_or_try_init(|| async {
            let old: Vec<String> =
                sqlx::query_scalar("select datname::text from pg_database where datname like 'cognate_test_%'")
                    .fetch_all(&mut conn)
                    .await?;
            for db in old {
                let _ = conn.execute(format!("drop database if exists \"{db}\" with (force)").as_str()).await;
            }
            Ok::<(), sqlx::Error>(())
        })
        .await?;
    let name =
        format!("cognate_test_{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst), uuid_like());
    conn.execute(format!("create database \"{name}\"").as_str()).await?;
    conn.close().await?;
    Ok(replace_db(admin_url, &name))
}

fn uuid_like() -> String {
    domain::crypto::random_chars(8, b"abcdefghijklmnopqrstuvwxyz0123456789")
}
