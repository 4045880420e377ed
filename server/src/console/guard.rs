//! Sends visitors of console pages where they belong before any page renders:
//! signed-out visitors to sign-in, everyone to setup while no operator exists, and
//! signed-in operators away from the sign-in page. Server functions do not rely on
//! this: each checks the session itself.

use super::ConsoleState;
use app::ssr::session::AdminSession;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

/// Middleware for `GET /admin...` pages.
pub async fn pages(State(state): State<ConsoleState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let is_page = req.method() == Method::GET && (path == "/admin" || path.starts_with("/admin/"));
    if !is_page {
        return next.run(req).await;
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return next.run(req).await;
    };
    let svc = &state.services;
    let signed_in = match AdminSession::new(session).operator_id(svc.clock.now(), svc.session_absolute_timeout).await {
        Ok(id) => id.is_some(),
        Err(_) => false,
    };
    let set_up = match svc.operators.any_exist().await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "could not count operators");
            return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "The database is unavailable.").into_response();
        }
    };
    let target = match (path.as_str(), set_up, signed_in) {
        ("/admin/setup", true, _) => Some("/admin/login"),
        ("/admin/setup", false, _) => None,
        (_, false, _) => Some("/admin/setup"),
        ("/admin/login", true, true) => Some("/admin"),
        ("/admin/login", true, false) => None,
        (_, true, false) => Some("/admin/login"),
        (_, true, true) => None,
    };
    match target {
        Some(t) => Redirect::to(t).into_response(),
        None => next.run(req).await,
    }
}
