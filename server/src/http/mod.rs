//! Cross-cutting HTTP: CSRF defence, security headers, health endpoints.

pub mod csrf;
pub mod health;
pub mod security_headers;
