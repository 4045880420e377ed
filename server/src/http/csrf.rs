//! CSRF defence for everything a browser session can change: the console's form posts
//! and every server function. A state-changing request must come from our own origin,
//! proved by Fetch Metadata (`Sec-Fetch-Site: same-origin`) or, for browsers that do not
//! send it, by `Origin` (falling back to `Referer`) equal to the configured public URL's
//! origin. Requests with none of these are refused (OWASP CSRF Cheat Sheet,
//! "Verifying Origin With Standard Headers" and "Fetch Metadata"). The session cookie is
//! also `SameSite=Strict`, a second, independent layer.
//!
//! The Cognito JSON API at `POST /` is not cookie-authenticated and is not covered here.

use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use url::Url;

/// The origin state-changing browser requests must come from.
#[derive(Clone, Debug)]
pub struct TrustedOrigin(String);

impl TrustedOrigin {
    /// The origin of `public_url`.
    pub fn from_public_url(public_url: &Url) -> Self {
        TrustedOrigin(public_url.origin().ascii_serialization())
    }
}

fn guarded(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/") || path.starts_with("/api/")
}

fn verdict(req: &Request, trusted: &TrustedOrigin) -> bool {
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "same-origin";
    }
    if let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        return origin == trusted.0;
    }
    if let Some(referer) = h.get(header::REFERER).and_then(|v| v.to_str().ok()) {
        return Url::parse(referer).map(|u| u.origin().ascii_serialization() == trusted.0).unwrap_or(false);
    }
    false
}

/// Middleware: refuses cross-site state-changing requests with 403.
pub async fn require_same_origin(State(trusted): State<TrustedOrigin>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || !guarded(req.uri().path()) || verdict(&req, &trusted) {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "cross-site request refused");
    (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn req(headers: &[(&str, &str)]) -> Request {
        let mut b = Request::builder().method(Method::POST).uri("/admin/login");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Body::empty()).unwrap()
    }

    #[test]
    fn same_origin_requests_pass_and_cross_site_ones_do_not() {
        let t = TrustedOrigin::from_public_url(&Url::parse("https://id.example.com/").unwrap());
        assert!(verdict(&req(&[("sec-fetch-site", "same-origin")]), &t));
        assert!(!verdict(&req(&[("sec-fetch-site", "cross-site"), ("origin", "https://id.example.com")]), &t));
        assert!(!verdict(&req(&[("sec-fetch-site", "same-site")]), &t));
        assert!(verdict(&req(&[("origin", "https://id.example.com")]), &t));
        assert!(!verdict(&req(&[("origin", "https://evil.example")]), &t));
        assert!(!verdict(&req(&[("origin", "null")]), &t));
        assert!(verdict(&req(&[("referer", "https://id.example.com/admin/login")]), &t));
        assert!(!verdict(&req(&[("referer", "https://id.example.com.evil.example/")]), &t));
        assert!(!verdict(&req(&[]), &t));
    }

    #[test]
    fn only_console_and_server_function_paths_are_guarded() {
        assert!(guarded("/admin"));
        assert!(guarded("/admin/logout"));
        assert!(guarded("/api/create_pool"));
        assert!(!guarded("/"));
        assert!(!guarded("/administrator"));
    }
}
