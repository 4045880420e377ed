//! `GET /health` (the process is alive) and `GET /ready` (the database answers).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::ports::HealthStore;
use serde_json::{json, Value};
use std::sync::Arc;

/// Always 200 while the process serves requests.
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// 200 when the database answers, 503 otherwise.
pub async fn ready(State(store): State<Arc<dyn HealthStore>>) -> (StatusCode, Json<Value>) {
    match store.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ready", "database": "ok" }))),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": "unreachable" })))
        }
    }
}
