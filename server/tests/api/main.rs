//! HTTP integration tests: the real `Application` on a random port with a fresh
//! database (SQLite, or PostgreSQL when `COGNATE_TEST_POSTGRES_URL` is set).

mod attack;
mod cognito_groups;
mod cognito_lifecycle;
mod cognito_pools;
mod cognito_protocol;
mod cognito_settings;
mod cognito_signin;
mod cognito_users;
mod console_auth;
mod console_pools;
mod helpers;
mod oauth;
mod platform;
mod resilience;
mod smtp_sink;
