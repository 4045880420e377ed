//! Cognate's domain core: the rules of user pools, operators and credentials.
//!
//! What belongs here: value types parsed once at the edge, entities, the services
//! that own each use case, and the storage/clock ports those services need.
//! What does not: HTTP, SQL, Leptos, sockets. Adapters live in `server`, `store` and `app`.
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::todo))]

pub mod access;
pub mod admin_key;
pub mod client;
pub mod clock;
pub mod crypto;
pub mod group;
pub mod message;
pub mod operator;
pub mod password;
pub mod pool;
pub mod ports;
pub mod secret;
pub mod throttle;
pub mod token;
pub mod user;

pub use access::AdminCtx;
pub use clock::{Clock, FixedClock, SystemClock, Timestamp};
pub use ports::{Store, StoreError};
