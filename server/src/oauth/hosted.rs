//! `/oauth2/authorize`, the hosted pages (`/login`, ...) and `/logout`. The pages are
//! plain forms (no script), rendered by `app::hosted`; every post carries a CSRF token
//! bound to a cookie; a single-sign-on cookie per pool skips the form until it expires or
//! the user signs out.

use super::OAuthState;
use app::hosted::{render_error, render_form, Chrome, Field, FormPage, Link};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::crypto::{ct_eq, random_token};
use domain::oauth::{Authorization, AuthorizeError, AuthorizeParams};
use domain::secret::Password;
use domain::user::UserError;
use std::collections::HashMap;

const CSRF_CONTEXT: &str = "cognate/hosted_csrf/v1";
const BASE_CSS: &str = include_str!("../../../style/hosted.css");
const SCRIPT: &str = include_str!("../../assets/hosted.js");

/// `GET /oauth2/hosted.js`: the pages' optional enhancement script.
pub async fn script() -> Response {
    let mut r = SCRIPT.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    r
}

/// `GET /oauth2/hosted.css`: the hosted pages' base stylesheet.
pub async fn base_css() -> Response {
    let mut r = BASE_CSS.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    r
}

pub(super) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

pub(super) fn cookie_name(st: &OAuthState, base: &str) -> String {
    if st.https() {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

pub(super) fn set_cookie(st: &OAuthState, name: &str, value: &str, max_age: Option<u64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if st.https() {
        c.push_str("; Secure");
    }
    if let Some(a) = max_age {
        c.push_str(&format!("; Max-Age={a}"));
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("invalid=1; Max-Age=0"))
}

pub(super) fn sso_cookie(st: &OAuthState, pool_id: &str) -> String {
    cookie_name(st, &format!("cognate_sso_{pool_id}"))
}

/// The page's Content-Security-Policy: no script at all; forms post to this origin and
/// may be redirected to the client's registered callback (Chrome applies `form-action`
/// to the redirect after a post).
fn csp(redirect_uri: Option<&str>) -> HeaderValue {
    let mut form_action = "'self'".to_owned();
    if let Some(u) = redirect_uri.and_then(|r| url::Url::parse(r).ok()) {
        match u.scheme() {
            "https" | "http" => {
                let origin = u.origin().ascii_serialization();
                if origin != "null" {
                    form_action.push(' ');
                    form_action.push_str(&origin);
                }
            }
            s => {
                form_action.push(' ');
                form_action.push_str(s);
                form_action.push(':');
            }
        }
    }
    let v = format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action {form_action}; \
         frame-ancestors 'none'; base-uri 'none'"
    );
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
}

pub(super) fn html(status: StatusCode, body: String, redirect_uri: Option<&str>) -> Response {
    let mut r = (status, axum::response::Html(body)).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, csp(redirect_uri));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Same-origin posts carry a real Origin header (with no-referrer browsers send
    // "null"); nothing leaks to the application's site.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    r
}

pub(super) fn chrome(title: &str, app_name: &str) -> Chrome {
    Chrome {
        title: title.into(),
        app_name: app_name.into(),
        logo_url: None,
        css_url: None,
        base_css_url: "/oauth2/hosted.css".into(),
        script_url: Some("/oauth2/hosted.js".into()),
    }
}

/// The authorization request of a page that is about to be shown: checked for this
/// host's pool, with the branding the page needs. Failures are the response to send.
pub(super) async fn page_authorization(
    st: &OAuthState,
    headers: &HeaderMap,
    params: &AuthorizeParams,
) -> Result<Authorization, Response> {
    let on = super::domain_pool(st, headers).await;
    let mut a = st.oauth.authorize_on(params, on.as_ref()).await.map_err(authorize_failure)?;
    a.branding = st.branding.effective(&a.pool.id, a.client.id.as_str()).await.map_err(|e| {
        tracing::error!(error = %e, "branding lookup failed");
        error_page(StatusCode::INTERNAL_SERVER_ERROR, "An internal error occurred.")
    })?;
    Ok(a)
}

/// The page chrome with the client's (or pool's) logo and stylesheet, when set.
pub(super) fn branded_chrome(a: &Authorization, title: &str) -> Chrome {
    let mut c = chrome(title, &a.client.name);
    if let Some(b) = &a.branding {
        let base = format!("/oauth2/branding/{}/{}", b.pool_id.as_str(), b.client_id);
        if b.css.is_some() {
            c.css_url = Some(format!("{base}/style.css?v={}", b.version));
        }
        if b.logo.is_some() {
            c.logo_url = Some(format!("{base}/logo?v={}", b.version));
        }
    }
    c
}

/// `GET /oauth2/branding/{pool}/{client}/style.css`.
pub async fn branding_css(
    State(st): State<OAuthState>,
    axum::extract::Path((pool, client)): axum::extract::Path<(String, String)>,
) -> Response {
    match st.branding_of(&pool, &client).await {
        Err(r) => r,
        Ok(Some(b)) if b.css.is_some() => {
            let mut r = b.css.unwrap_or_default().into_response();
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
            r
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `GET /oauth2/branding/{pool}/{client}/logo`: only ever a PNG or JPEG that decoded.
pub async fn branding_logo(
    State(st): State<OAuthState>,
    axum::extract::Path((pool, client)): axum::extract::Path<(String, String)>,
) -> Response {
    match st.branding_of(&pool, &client).await.map(|b| b.and_then(|b| b.logo)) {
        Err(r) => r,
        Ok(Some((bytes, kind))) => {
            let mut r = bytes.into_response();
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.content_type()));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
            h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
            h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
            r
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
    }
}

pub(super) fn error_page(status: StatusCode, message: &str) -> Response {
    html(status, render_error(chrome("Something went wrong", "Sign in"), message.to_owned()), None)
}

pub(super) fn redirect(to: &str, status: StatusCode) -> Response {
    let mut r = status.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

pub(super) fn authorize_failure(e: AuthorizeError) -> Response {
    match e {
        AuthorizeError::Page(m) => error_page(StatusCode::BAD_REQUEST, &m),
        AuthorizeError::Redirect(r) => redirect(&r.0, StatusCode::FOUND),
        AuthorizeError::Internal => error_page(StatusCode::INTERNAL_SERVER_ERROR, "An internal error occurred."),
    }
}

/// The authorization request as (name, value) pairs, to carry in links and hidden inputs.
pub(super) fn param_pairs(p: &AuthorizeParams) -> Vec<(String, String)> {
    let mut v = Vec::new();
    let mut add = |k: &str, x: &Option<String>| {
        if let Some(x) = x {
            v.push((k.to_owned(), x.clone()));
        }
    };
    add("client_id", &p.client_id);
    add("response_type", &p.response_type);
    add("redirect_uri", &p.redirect_uri);
    add("state", &p.state);
    add("scope", &p.scope);
    add("nonce", &p.nonce);
    add("code_challenge", &p.code_challenge);
    add("code_challenge_method", &p.code_challenge_method);
    add("identity_provider", &p.identity_provider);
    v
}

pub(super) fn query_of(p: &AuthorizeParams) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(param_pairs(p)).finish()
}

/// The authorization request a hosted form carries in its hidden fields (re-validated
/// on every post; nothing in them is trusted).
pub fn params_from(form: &HashMap<String, String>) -> AuthorizeParams {
    let g = |k: &str| form.get(k).cloned();
    AuthorizeParams {
        response_type: g("response_type"),
        client_id: g("client_id"),
        redirect_uri: g("redirect_uri"),
        state: g("state"),
        scope: g("scope"),
        nonce: g("nonce"),
        code_challenge: g("code_challenge"),
        code_challenge_method: g("code_challenge_method"),
        prompt: None,
        identity_provider: g("identity_provider"),
    }
}

/// The CSRF cookie (made when missing) and the token forms must echo.
pub(super) fn csrf(st: &OAuthState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    let name = cookie_name(st, "cognate_csrf");
    match cookie(headers, &name).filter(|v| v.len() >= 32) {
        Some(v) => (st.master.mac(CSRF_CONTEXT, v.as_bytes()), None),
        None => {
            let v = random_token(32);
            (st.master.mac(CSRF_CONTEXT, v.as_bytes()), Some(set_cookie(st, &name, &v, None)))
        }
    }
}

pub(super) fn csrf_ok(st: &OAuthState, headers: &HeaderMap, form: &HashMap<String, String>) -> bool {
    let name = cookie_name(st, "cognate_csrf");
    let (Some(c), Some(t)) = (cookie(headers, &name), form.get("_csrf")) else { return false };
    // A cross-site post carries a foreign Origin; same-origin posts and old browsers pass.
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let own = st.public_url.origin().ascii_serialization();
        // Same origin: the public URL, or the host the form was served on (a pool domain).
        let this_host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(|h| format!("{}://{h}", st.public_url.scheme()));
        // ("null" comes from privacy settings and sandboxes; the token still decides.)
        if origin != own && origin != "null" && Some(origin) != this_host.as_deref() {
            return false;
        }
    }
    ct_eq(st.master.mac(CSRF_CONTEXT, c.as_bytes()).as_bytes(), t.as_bytes())
}

/// The fields of an `application/x-www-form-urlencoded` body (last value of a name wins).
pub fn form_fields(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Completes the authorization for a signed-in user and sends the browser back.
pub(super) async fn finish(
    st: &OAuthState,
    a: &Authorization,
    user: &domain::user::User,
    auth_time: domain::Timestamp,
    status: StatusCode,
) -> Response {
    match st.oauth.complete(a, user, auth_time).await {
        Ok(r) => redirect(&r.0, status),
        Err(e) => error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.description),
    }
}

/// `GET /oauth2/authorize`.
pub async fn authorize(
    State(st): State<OAuthState>,
    headers: HeaderMap,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    let a = match st.oauth.authorize_on(&params, super::domain_pool(&st, &headers).await.as_ref()).await {
        Ok(a) => a,
        Err(e) => return authorize_failure(e),
    };
    if !a.force_login {
        if let Some(c) = cookie(&headers, &sso_cookie(&st, a.pool.id.as_str())) {
            match st.oauth.session_user(&a.pool, &c).await {
                Ok(Some((user, auth_time))) => return finish(&st, &a, &user, auth_time, StatusCode::FOUND).await,
                Ok(None) => {}
                Err(e) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.description),
            }
        }
    }
    redirect(&format!("/login?{}", query_of(&params)), StatusCode::FOUND)
}

struct LoginForm<'a> {
    a: &'a Authorization,
    csrf: String,
    username: String,
    error: Option<String>,
    notice: Option<String>,
}

fn login_page(f: LoginForm<'_>) -> String {
    let mut hidden = param_pairs(&f.a.params);
    hidden.push(("_csrf".into(), f.csrf));
    let q = query_of(&f.a.params);
    let mut links =
        vec![Link { post: false, href: format!("/forgotPassword?{q}"), text: "Forgot your password?".into() }];
    if !f.a.pool.config.allow_admin_create_user_only {
        links.push(Link { post: false, href: format!("/signup?{q}"), text: "Need an account? Sign up".into() });
    }
    let mut user = Field::new("username", "Username", "text", "username");
    user.value = f.username;
    let password = Field::new("password", "Password", "password", "current-password");
    render_form(FormPage {
        chrome: branded_chrome(f.a, "Sign in"),
        action: "/login".into(),
        hidden,
        fields: vec![user, password],
        submit: "Sign in".into(),
        choices: Vec::new(),
        qr: None,
        codes: Vec::new(),
        error: f.error,
        notice: f.notice,
        intro: None,
        links,
    })
}

pub(super) fn with_cookie(mut r: Response, c: Option<HeaderValue>) -> Response {
    if let Some(c) = c {
        r.headers_mut().append(header::SET_COOKIE, c);
    }
    r
}

/// `GET /login`.
pub async fn login_page_get(
    State(st): State<OAuthState>,
    headers: HeaderMap,
    Query(params): Query<AuthorizeParams>,
    Query(flags): Query<HashMap<String, String>>,
) -> Response {
    let a = match page_authorization(&st, &headers, &params).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (token, set) = csrf(&st, &headers);
    let flag = |k: &str| flags.get(k).is_some_and(|v| v == "1");
    let notice = if flag("confirmed") {
        Some("Your account is confirmed. You can sign in now.".to_owned())
    } else if flag("reset") {
        Some("Your password has been reset. Sign in with the new password.".to_owned())
    } else {
        None
    };
    let username = flags.get("username").cloned().unwrap_or_default();
    let body = login_page(LoginForm { a: &a, csrf: token, username, error: None, notice });
    with_cookie(html(StatusCode::OK, body, Some(&a.redirect_uri)), set)
}

/// `POST /login`.
pub async fn login_post(
    State(st): State<OAuthState>,
    crate::http::client_ip::ClientSource(source): crate::http::client_ip::ClientSource,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = form_fields(&body);
    let params = params_from(&form);
    let a = match page_authorization(&st, &headers, &params).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (token, set) = csrf(&st, &headers);
    let username = form.get("username").map(|u| u.trim().to_owned()).unwrap_or_default();
    let again = |error: String, status: StatusCode| {
        let body = login_page(LoginForm {
            a: &a,
            csrf: token.clone(),
            username: username.clone(),
            error: Some(error),
            notice: None,
        });
        with_cookie(html(status, body, Some(&a.redirect_uri)), set.clone())
    };
    if !csrf_ok(&st, &headers, &form) {
        return again("Your session on this page expired. Please sign in again.".into(), StatusCode::FORBIDDEN);
    }
    let password = form.get("password").cloned().unwrap_or_default();
    if username.is_empty() || password.is_empty() {
        return again("Enter your username and password.".into(), StatusCode::BAD_REQUEST);
    }
    match st.users.hosted_sign_in(&a.pool, &a.client, &username, Password::new(password), source).await {
        Ok(step) => super::challenge::step_response(&st, &a, token.clone(), set.clone(), step).await,
        Err(UserError::NotAuthorized(m)) => again(m, StatusCode::BAD_REQUEST),
        Err(UserError::InvalidParameter(_)) => {
            again("Enter a valid username (at most 128 characters, no spaces).".into(), StatusCode::BAD_REQUEST)
        }
        Err(UserError::UserNotFound) => again("User does not exist.".into(), StatusCode::BAD_REQUEST),
        Err(UserError::UserNotConfirmed) => {
            let mut q = param_pairs(&a.params);
            q.push(("username".into(), username.clone()));
            let q = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(q).finish();
            redirect(&format!("/confirmUser?{q}"), StatusCode::SEE_OTHER)
        }
        Err(UserError::PasswordResetRequired) => {
            again("Your password must be reset. Use \"Forgot your password?\".".into(), StatusCode::BAD_REQUEST)
        }
        Err(UserError::TooManyRequests) => {
            again("Too many sign-in attempts right now. Try again in a moment.".into(), StatusCode::TOO_MANY_REQUESTS)
        }
        Err(e) => {
            tracing::error!(error = %e, "hosted sign-in failed");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, "An internal error occurred.")
        }
    }
}

/// A user just proved who they are: start the SSO session and complete the request.
pub(super) async fn signed_in(st: &OAuthState, a: &Authorization, user: &domain::user::User) -> Response {
    let value = match st.oauth.start_session(&a.pool, user).await {
        Ok(v) => v,
        Err(e) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.description),
    };
    let name = sso_cookie(st, a.pool.id.as_str());
    let r = finish(st, a, user, st.oauth.now(), StatusCode::SEE_OTHER).await;
    with_cookie(r, Some(set_cookie(st, &name, &value, Some(domain::oauth::HOSTED_SESSION_LIFETIME.as_secs()))))
}

/// `GET /logout?client_id=...&logout_uri=...`: ends the hosted session and returns to a
/// registered sign-out URL.
pub async fn logout(
    State(st): State<OAuthState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match st.oauth.logout_target(q.get("client_id").map(String::as_str), q.get("logout_uri").map(String::as_str)).await
    {
        Ok((pool, uri)) => {
            let name = sso_cookie(&st, pool.id.as_str());
            if let Some(c) = cookie(&headers, &name) {
                if let Err(e) = st.oauth.end_session(&c).await {
                    return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.description);
                }
            }
            with_cookie(redirect(&uri, StatusCode::FOUND), Some(set_cookie(&st, &name, "", Some(0))))
        }
        Err(m) => error_page(StatusCode::BAD_REQUEST, &m),
    }
}
