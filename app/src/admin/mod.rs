//! The admin console's pages and their server functions (`api`).

pub mod api;
pub mod audit;
pub mod branding;
pub mod clients;
pub mod dashboard;
pub mod groups;
pub mod keys;
pub mod login;
pub mod mailbox;
pub mod operators;
pub mod pool;
pub mod pool_settings;
pub mod security;
pub mod setup;
pub mod users_api;
