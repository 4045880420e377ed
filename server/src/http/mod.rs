//! Cross-cutting HTTP: the client's source address, CSRF defence, security headers,
//! health endpoints.

pub mod client_ip;
pub mod csrf;
pub mod health;
pub mod security_headers;
