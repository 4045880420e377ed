//! Security headers set while a page renders. The Content-Security-Policy carries the
//! per-response nonce that Leptos puts on its own inline hydration script, so no other
//! inline script can run (OWASP ASVS 14.4; CSP Level 3 'strict-dynamic').

use axum::http::{header, HeaderValue};
use leptos::nonce::use_nonce;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// Sets CSP and friends on the current page response.
pub fn set_security_headers() {
    let Some(res) = use_context::<ResponseOptions>() else {
        return;
    };
    let nonce = use_nonce().map(|n| n.to_string()).unwrap_or_default();
    let csp = format!(
        "default-src 'none'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-src 'self'; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        res.insert_header(header::CONTENT_SECURITY_POLICY, v);
    }
    // Same-origin form posts carry Referer and Origin (server functions posted without
    // JavaScript return to the Referer); nothing is sent to other sites.
    res.insert_header(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    // Pages show per-operator data: never cache them anywhere.
    res.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}
