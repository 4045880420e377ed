//! Cognate's domain core: the rules of user pools, operators and credentials.
//!
//! What belongs here: value types parsed once at the edge, entities, the services
//! that own each use case, and the storage/clock ports those services need.
//! What does not: HTTP, SQL, Leptos, sockets. Adapters live in `server`, `store` and `app`.
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::todo))]

pub mod access;
pub mod admin_key;
pub mod audit;
pub mod auth;
pub mod branding;
pub mod client;
pub mod clock;
pub mod crypto;
pub mod group;
pub mod limits;
pub mod message;
pub mod oauth;
pub mod operator;
pub mod password;
pub mod pool;
pub mod pool_domain;
pub mod ports;
pub mod resource_server;
pub mod secret;
pub mod throttle;
pub mod token;
pub mod user;

pub use access::AdminCtx;

/// Cuts a page fetched with one extra item down to `limit`, returning the key of its last
/// item when more follow (the caller fetched `limit + 1` to find out).
pub fn page_of<T>(mut items: Vec<T>, limit: usize, key: impl Fn(&T) -> String) -> (Vec<T>, Option<String>) {
    if items.len() > limit {
        items.truncate(limit);
        let next = items.last().map(key);
        (items, next)
    } else {
        (items, None)
    }
}
pub use clock::{Clock, FixedClock, SystemClock, Timestamp};
pub use ports::{Store, StoreError};
