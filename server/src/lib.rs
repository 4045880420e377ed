//! The `cognate` server: configuration, wiring and the HTTP adapters.
//! Rules live in `domain`, SQL in `store`, pages in `app`; this crate connects them.

pub mod cognito;
pub mod config;
pub mod console;
pub mod delivery;
pub mod http;
pub mod master_key;
pub mod oauth;
pub mod session_store;
pub mod startup;
pub mod telemetry;

pub use config::Settings;
pub use startup::Application;
