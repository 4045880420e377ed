//! Storage: the domain's ports implemented with sqlx, for SQLite (the embedded default)
//! and PostgreSQL. What belongs here: SQL, rows, migrations, connection set-up.
//! What does not: rules (they are the domain's) and HTTP.
//!
//! One implementation serves both databases through `sqlx::Any` with portable SQL
//! (`$n` placeholders, `on conflict`, bigint times, text ids). This deviates from
//! STYLE's `SqliteStore`/`PgStore` pair on purpose: the queries are identical, so
//! writing them twice would be the duplication the style warns about. Where a dialect
//! really differs, the function takes its SQL from `dialect.rs`.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::todo))]

mod admin_keys;
mod audit;
mod auth_sessions;
mod branding;
mod clients;
mod connect;
mod devices;
mod dialect;
mod error;
mod groups;
mod health;
mod oauth;
mod operators;
mod pool_domains;
mod pools;
mod rows;
mod sessions;
mod throttles;
mod users;

pub use connect::{Backend, ConnectError, SqlStore};

#[doc(hidden)]
pub mod testing;
