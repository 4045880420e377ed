//! `GET|POST /admin/pools/{id}/branding/preview[?client=...]`: the hosted sign-in page
//! as the branding editor's preview frame shows it. GET shows what is saved (the
//! client's branding, else the pool's); POST (the editor's form, multipart) shows the
//! draft: its CSS is checked with the same rules as saving, and when a rule refuses it
//! the page says so and shows the page without it.
//!
//! The page is only for signed-in operators, may only be framed by the console itself
//! and runs no script; the draft CSS and logo are inlined as data: URLs.

use super::ConsoleState;
use app::error::AdminError;
use app::hosted::{render_error, render_form, Chrome, Field, FormPage, Link};
use app::ssr::session::AdminSession;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::branding::{check_logo, data_url, sanitize_css, BrandingError, LogoKind, ALL_CLIENTS};
use serde::Deserialize;
use tower_sessions::Session;

/// `?client=`.
#[derive(Deserialize)]
pub struct Target {
    #[serde(default)]
    client: String,
}

fn page(status: StatusCode, body: String) -> Response {
    let mut r = (status, axum::response::Html(body)).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self' data:; img-src 'self' data:; form-action 'none'; \
             frame-ancestors 'self'; base-uri 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A message instead of the preview, on the hosted pages' error page.
fn plain(status: StatusCode, message: &str) -> Response {
    let chrome = Chrome {
        title: "Preview".into(),
        app_name: "Preview".into(),
        base_css_url: "/oauth2/hosted.css".into(),
        ..Chrome::default()
    };
    page(status, render_error(chrome, message.to_owned()))
}

/// What the preview shows besides the page itself.
#[derive(Default)]
struct Draft {
    css: Option<String>,
    logo: Option<(Vec<u8>, LogoKind)>,
    problem: Option<String>,
}

/// The operator is signed in, and the pool (and client) exist; the page's app name.
async fn target(st: &ConsoleState, session: Session, pool_id: &str, client: &str) -> Result<String, Response> {
    let svc = &st.services;
    let ctx = match app::ssr::operator_ctx(&AdminSession::new(session), svc).await {
        Ok(ctx) => ctx,
        Err(AdminError::Unauthenticated) => {
            return Err(plain(StatusCode::UNAUTHORIZED, "Sign in to the console to see the preview."))
        }
        Err(_) => return Err(plain(StatusCode::INTERNAL_SERVER_ERROR, "The session could not be read.")),
    };
    let pool = svc
        .pools
        .get(&ctx, pool_id)
        .await
        .map_err(|_| plain(StatusCode::NOT_FOUND, &format!("User pool {pool_id} does not exist.")))?;
    if client.is_empty() {
        return Ok(pool.name.as_str().to_owned());
    }
    match svc.clients.get(&ctx, pool_id, client).await {
        Ok(c) => Ok(c.name),
        Err(_) => Err(plain(StatusCode::NOT_FOUND, &format!("User pool client {client} does not exist."))),
    }
}

fn render(app_name: &str, draft: Draft) -> Response {
    let chrome = Chrome {
        title: "Sign in".into(),
        app_name: app_name.into(),
        logo_url: draft.logo.as_ref().map(|(b, k)| data_url(k.content_type(), b)),
        css_url: draft.css.as_deref().map(|c| data_url("text/css", c.as_bytes())),
        base_css_url: "/oauth2/hosted.css".into(),
        script_url: None,
    };
    let body = render_form(FormPage {
        chrome,
        action: "#".into(),
        hidden: Vec::new(),
        fields: vec![
            Field::new("username", "Username", "text", "off"),
            Field::new("password", "Password", "password", "off"),
        ],
        submit: "Sign in".into(),
        choices: Vec::new(),
        qr: None,
        codes: Vec::new(),
        error: draft.problem,
        notice: None,
        intro: None,
        links: vec![
            Link { post: false, href: "#".into(), text: "Forgot your password?".into() },
            Link { post: false, href: "#".into(), text: "Need an account? Sign up".into() },
        ],
    });
    page(StatusCode::OK, body)
}

/// `GET`: the saved branding.
pub async fn saved(
    State(st): State<ConsoleState>,
    session: Session,
    Path(pool_id): Path<String>,
    Query(t): Query<Target>,
) -> Response {
    let app_name = match target(&st, session, &pool_id, &t.client).await {
        Ok(n) => n,
        Err(r) => return r,
    };
    let Some(pid) = domain::pool::UserPoolId::parse(&pool_id) else {
        return plain(StatusCode::NOT_FOUND, "No such pool.");
    };
    let client = if t.client.is_empty() { ALL_CLIENTS } else { t.client.as_str() };
    match st.services.branding.effective(&pid, client).await {
        Ok(b) => {
            let b = b.map(|b| Draft { css: b.css, logo: b.logo, problem: None }).unwrap_or_default();
            render(&app_name, b)
        }
        Err(e) => {
            tracing::error!(error = %e, "branding lookup failed");
            plain(StatusCode::INTERNAL_SERVER_ERROR, "The branding could not be read.")
        }
    }
}

/// `POST`: the editor's draft.
pub async fn draft(
    State(st): State<ConsoleState>,
    session: Session,
    Path(pool_id): Path<String>,
    Query(t): Query<Target>,
    mut form: Multipart,
) -> Response {
    let app_name = match target(&st, session, &pool_id, &t.client).await {
        Ok(n) => n,
        Err(r) => return r,
    };
    let (mut css, mut logo, mut remove) = (String::new(), Vec::new(), false);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let Ok(bytes) = field.bytes().await else {
                    return plain(StatusCode::BAD_REQUEST, "The form could not be read.");
                };
                match name.as_str() {
                    "css" => css = String::from_utf8_lossy(&bytes).into_owned(),
                    "logo" => logo = bytes.to_vec(),
                    "remove_logo" => remove = true,
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => return plain(StatusCode::BAD_REQUEST, "The form could not be read."),
        }
    }
    let mut draft = Draft::default();
    let mut problems = Vec::new();
    if !css.trim().is_empty() {
        match sanitize_css(&css) {
            Ok(clean) => draft.css = Some(clean),
            Err(BrandingError::Invalid(m)) => problems.push(format!("Preview without your CSS: {m}")),
            Err(e) => return plain(StatusCode::BAD_REQUEST, &e.to_string()),
        }
    }
    if !logo.is_empty() {
        match check_logo(&logo) {
            Ok(kind) => draft.logo = Some((logo, kind)),
            Err(e) => problems.push(format!("Preview without the new logo: {e}")),
        }
    } else if let Some(pid) = domain::pool::UserPoolId::parse(&pool_id) {
        // No new file: the logo that saving would keep.
        let client = if t.client.is_empty() { ALL_CLIENTS } else { t.client.as_str() };
        match st.services.branding.kept_logo(&pid, client, remove).await {
            Ok(kept) => draft.logo = kept,
            Err(e) => {
                tracing::error!(error = %e, "branding lookup failed");
                return plain(StatusCode::INTERNAL_SERVER_ERROR, "The branding could not be read.");
            }
        }
    }
    draft.problem = (!problems.is_empty()).then(|| problems.join(" "));
    render(&app_name, draft)
}
