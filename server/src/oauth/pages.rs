//! The hosted pages beyond sign-in: sign up, confirm with a code, resend the code,
//! forgot password, reset password, and the new password a temporary one requires.
//! Each page carries the authorization request, so the user ends up back at the app.

use super::hosted::{
    csrf, csrf_ok, form_fields, html, page_authorization, param_pairs, params_from, redirect, with_cookie,
};
use super::OAuthState;
use app::hosted::{render_form, Chrome, Field, FormPage, Link};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use domain::client::AppClient;
use domain::oauth::{Authorization, AuthorizeParams};
use domain::pool::config::SignInAttribute;
use domain::secret::Password;
use domain::user::{SignUp, UserError};
use std::collections::HashMap;

/// Attribute inputs are named `attr_<attribute>`, apart from the request's parameters.
const ATTR: &str = "attr_";

fn chrome(a: &Authorization, title: &str) -> Chrome {
    super::hosted::branded_chrome(a, title)
}

fn query(a: &Authorization, extra: &[(&str, &str)]) -> String {
    let mut pairs = param_pairs(&a.params);
    for (k, v) in extra {
        pairs.push(((*k).to_owned(), (*v).to_owned()));
    }
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

fn hidden(a: &Authorization, csrf: String, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v = param_pairs(&a.params);
    for (k, x) in extra {
        v.push(((*k).to_owned(), (*x).to_owned()));
    }
    v.push(("_csrf".into(), csrf));
    v
}

/// SECRET_HASH for confidential clients: the hosted pages are the client's trusted side.
fn secret_hash(st: &OAuthState, client: &AppClient, username: &str) -> Option<String> {
    match st.clients.secret(client) {
        Ok(Some(s)) => Some(domain::client::secret_hash(s.secret(), username, client.id.as_str())),
        _ => None,
    }
}

fn username_field(a: &Authorization, value: &str) -> Field {
    let by_email = a.pool.config.username_attributes.contains(&SignInAttribute::Email);
    let mut f = if by_email {
        Field::new("username", "Email", "email", "username")
    } else {
        Field::new("username", "Username", "text", "username")
    };
    f.value = value.to_owned();
    f
}

fn password_field(a: &Authorization, name: &str, label: &str) -> Field {
    let mut f = Field::new(name, label, "password", "new-password");
    let rules = a.pool.config.password_policy.describe();
    f.hint_rules = rules.iter().map(|(code, _)| code.clone()).collect();
    f.hints = rules.into_iter().map(|(_, text)| text).collect();
    f
}

fn user_message(e: &UserError) -> Option<String> {
    Some(match e {
        UserError::CodeMismatch => "Invalid verification code provided, please try again.".into(),
        UserError::ExpiredCode => "The code has expired. Request a new one.".into(),
        UserError::LimitExceeded => "Too many attempts. Wait a while and try again.".into(),
        UserError::InvalidPassword(m) => m.clone(),
        UserError::PasswordHistory => "The password was used recently. Choose another one.".into(),
        UserError::UsernameExists(m) | UserError::AliasExists(m) => m.clone(),
        UserError::InvalidParameter(m) => m.clone(),
        UserError::NotAuthorized(m) => m.clone(),
        UserError::UserNotFound => "User does not exist.".into(),
        UserError::UserNotConfirmed => "Your account is not confirmed yet.".into(),
        UserError::TooManyRequests => "Too many requests right now. Try again in a moment.".into(),
        _ => return None,
    })
}

/// The status a refused form answers with: 429 when the source or the server is over a
/// rate limit, 400 otherwise.
fn status_of(e: &UserError) -> StatusCode {
    match e {
        UserError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// Where an error belongs: the field it is about, or the whole form.
type FormError = Option<(Option<&'static str>, String)>;

fn field_of(e: &UserError) -> Option<&'static str> {
    match e {
        UserError::CodeMismatch | UserError::ExpiredCode => Some("code"),
        UserError::InvalidPassword(_) | UserError::PasswordHistory => Some("password"),
        UserError::UsernameExists(_) => Some("username"),
        _ => None,
    }
}

/// Ties the error to its field (announced, and linked with `aria-describedby`), or
/// shows it above the form.
fn with_error(mut page: FormPage, error: FormError) -> FormPage {
    if let Some((field, message)) = error {
        match field.and_then(|f| page.fields.iter_mut().find(|x| x.name == f)) {
            Some(f) => f.error = Some(message),
            None => page.error = Some(message),
        }
    }
    page
}

fn respond(a: &Authorization, set: Option<HeaderValue>, status: StatusCode, page: FormPage) -> Response {
    with_cookie(html(status, render_form(page), Some(&a.redirect_uri)), set)
}

fn internal(e: &UserError) -> Response {
    tracing::error!(error = %e, "hosted page failed");
    super::hosted::error_page(StatusCode::INTERNAL_SERVER_ERROR, "An internal error occurred.")
}

// ---- sign up ----------------------------------------------------------------------

fn signup_fields(a: &Authorization, values: &HashMap<String, String>) -> Vec<Field> {
    let cfg = &a.pool.config;
    let mut fields = vec![username_field(a, values.get("username").map(String::as_str).unwrap_or(""))];
    fields.push(password_field(a, "password", "Password"));
    let by_email = cfg.username_attributes.contains(&SignInAttribute::Email);
    let mut wanted: Vec<String> = cfg
        .schema
        .iter()
        .filter(|s| s.required && !s.developer_only && s.name != "sub")
        .map(|s| s.name.clone())
        .collect();
    if cfg.auto_verified_attributes.iter().any(|x| x == "email") && !wanted.iter().any(|x| x == "email") {
        wanted.push("email".into());
    }
    for name in wanted {
        if by_email && name == "email" {
            continue;
        }
        let (kind, auto) = match name.as_str() {
            "email" => ("email", "email"),
            "phone_number" => ("tel", "tel"),
            "given_name" => ("text", "given-name"),
            "family_name" => ("text", "family-name"),
            "name" => ("text", "name"),
            "birthdate" => ("date", "bday"),
            _ => ("text", "off"),
        };
        let label = name.trim_start_matches("custom:").replace('_', " ");
        let label = format!("{}{}", label[..1].to_uppercase(), &label[1..]);
        let key = format!("{ATTR}{name}");
        let mut f = Field::new(&key, &label, kind, auto);
        f.value = values.get(&key).cloned().unwrap_or_default();
        if name == "phone_number" {
            f.hints = vec!["International format, e.g. +14325551212".into()];
        }
        fields.push(f);
    }
    fields
}

fn signup_page(a: &Authorization, csrf: String, values: &HashMap<String, String>, error: FormError) -> FormPage {
    with_error(
        FormPage {
            chrome: chrome(a, "Sign up"),
            action: "/signup".into(),
            hidden: hidden(a, csrf, &[]),
            fields: signup_fields(a, values),
            submit: "Sign up".into(),
            choices: Vec::new(),
            qr: None,
            codes: Vec::new(),
            error: None,
            notice: None,
            intro: None,
            links: vec![Link {
                post: false,
                href: format!("/login?{}", query(a, &[])),
                text: "Already have an account? Sign in".into(),
            }],
        },
        error,
    )
}

/// `GET /signup`.
pub async fn signup_get(
    State(st): State<OAuthState>,
    headers: HeaderMap,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    let a = match page_authorization(&st, &headers, &params).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if a.pool.config.allow_admin_create_user_only {
        return super::hosted::error_page(StatusCode::FORBIDDEN, "Sign-up is not allowed for this application.");
    }
    let (token, set) = csrf(&st, &headers);
    respond(&a, set, StatusCode::OK, signup_page(&a, token, &HashMap::new(), None))
}

/// `POST /signup`.
pub async fn signup_post(
    State(st): State<OAuthState>,
    crate::http::client_ip::ClientSource(source): crate::http::client_ip::ClientSource,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = form_fields(&body);
    let a = match page_authorization(&st, &headers, &params_from(&form)).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (token, set) = csrf(&st, &headers);
    let again = |field: Option<&'static str>, error: String, status: StatusCode| {
        respond(&a, set.clone(), status, signup_page(&a, token.clone(), &form, Some((field, error))))
    };
    if !csrf_ok(&st, &headers, &form) {
        return again(None, "This page expired. Please try again.".into(), StatusCode::FORBIDDEN);
    }
    let username = form.get("username").map(|u| u.trim().to_owned()).unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let mut attributes: Vec<(String, String)> = form
        .iter()
        .filter_map(|(k, v)| k.strip_prefix(ATTR).map(|n| (n.to_owned(), v.trim().to_owned())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    if a.pool.config.username_attributes.contains(&SignInAttribute::Email) {
        attributes.push(("email".into(), username.clone()));
    }
    let req = SignUp {
        client_id: a.client.id.as_str().to_owned(),
        secret_hash: secret_hash(&st, &a.client, &username),
        username: username.clone(),
        password: Password::new(password),
        attributes,
    };
    match st.users.sign_up(req, source).await {
        Ok(outcome) => {
            if outcome.confirmed {
                redirect(
                    &format!("/login?{}", query(&a, &[("confirmed", "1"), ("username", &username)])),
                    StatusCode::SEE_OTHER,
                )
            } else {
                redirect(
                    &format!("/confirmUser?{}", query(&a, &[("username", &username), ("sent", "1")])),
                    StatusCode::SEE_OTHER,
                )
            }
        }
        Err(e) => match user_message(&e) {
            Some(m) => again(field_of(&e), m, status_of(&e)),
            None => internal(&e),
        },
    }
}

// ---- confirm sign-up ----------------------------------------------------------------

fn confirm_page(a: &Authorization, csrf: String, username: &str, error: FormError, sent: bool) -> FormPage {
    let mut code = Field::new("code", "Verification code", "text", "one-time-code");
    code.inputmode = Some("numeric".into());
    let mut user = username_field(a, username);
    user.autocomplete = "username".into();
    with_error(
        FormPage {
            chrome: chrome(a, "Confirm your account"),
            action: "/confirmUser".into(),
            hidden: hidden(a, csrf, &[]),
            fields: vec![user, code],
            submit: "Confirm account".into(),
            choices: Vec::new(),
            qr: None,
            codes: Vec::new(),
            error: None,
            notice: sent.then(|| "We sent a verification code. Enter it below.".into()),
            intro: None,
            links: vec![
                Link { post: true, href: "/resendCode".into(), text: "Send a new code".into() },
                Link { post: false, href: format!("/login?{}", query(a, &[])), text: "Back to sign in".into() },
            ],
        },
        error,
    )
}

/// `GET /confirmUser`.
pub async fn confirm_get(
    State(st): State<OAuthState>,
    headers: HeaderMap,
    Query(params): Query<AuthorizeParams>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let a = match page_authorization(&st, &headers, &params).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (token, set) = csrf(&st, &headers);
    let username = q.get("username").cloned().unwrap_or_default();
    let sent = q.get("sent").is_some_and(|v| v == "1");
    respond(&a, set, StatusCode::OK, confirm_page(&a, token, &username, None, sent))
}

/// `POST /confirmUser`.
pub async fn confirm_post(State(st): State<OAuthState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let form = form_fields(&body);
    let a = match page_authorization(&st, &headers, &params_from(&form)).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (token, set) = csrf(&st, &headers);
    let username = form.get("username").map(|u| u.trim().to_owned()).unwrap_or_default();
    let again = |field: Option<&'static str>, error: String, status: StatusCode| {
        respond(&a, set.clone(), status, confirm_page(&a, token.clone(), &username, Some((field, error)), false))
    };
    if !csrf_ok(&st, &headers, &form) {
        return again(None, "This page expired. Please try again.".into(), StatusCode::FORBIDDEN);
    }
    let code = form.get("code").map(|c| c.trim().to_owned()).unwrap_or_default();
    let hash = secret_hash(&st, &a.client, &username);
    match st.users.confirm_sign_up(a.client.id.as_str(), hash.as_deref(), &username, &code, false).await {
        Ok(()) => redirect(
            &format!("/login?{}", query(&a, &[("confirmed", "1"), ("username", &username)])),
            StatusCode::SEE_OTHER,
        ),
        Err(e) => match user_message(&e) {
            Some(m) => again(field_of(&e), m, status_of(&e)),
            None => internal(&e),
        },
    }
}

/// `POST /resendCode` (the confirm page's form, with its CSRF token): sends a new
/// confirmation code and returns to the confirm page.
/// (A GET that sends mail: it is idempotent enough and rate-limited by the code rules;
/// the link is what Cognito's hosted UI offers too.)
pub async fn resend(
    State(st): State<OAuthState>,
    crate::http::client_ip::ClientSource(source): crate::http::client_ip::ClientSource,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = form_fields(&body);
    let a = match page_authorization(&st, &headers, &params_from(&form)).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let username = form.get("username").map(|u| u.trim().to_owned()).unwrap_or_default();
    if !csrf_ok(&st, &headers, &form) {
        let (token, set) = csrf(&st, &headers);
        let error = Some((None, "This page expired. Please try again.".to_owned()));
        return respond(&a, set, StatusCode::FORBIDDEN, confirm_page(&a, token, &username, error, false));
    }
    let hash = secret_hash(&st, &a.client, &username);
    match st.users.resend_confirmation_code(a.client.id.as_str(), hash.as_deref(), &username, source).await {
        Ok(_) | Err(UserError::UserNotFound) | Err(UserError::InvalidParameter(_)) => redirect(
            &format!("/confirmUser?{}", query(&a, &[("username", &username), ("sent", "1")])),
            StatusCode::SEE_OTHER,
        ),
        Err(e) => match user_message(&e) {
            Some(m) => super::hosted::error_page(StatusCode::BAD_REQUEST, &m),
            None => internal(&e),
        },
    }
}

// ---- forgot / reset password --------------------------------------------------------

fn forgot_page(a: &Authorization, csrf: String, username: &str, error: FormError) -> FormPage {
    with_error(
        FormPage {
            chrome: chrome(a, "Forgot your password?"),
            action: "/forgotPassword".into(),
            hidden: hidden(a, csrf, &[]),
            fields: vec![username_field(a, username)],
            submit: "Send a reset code".into(),
            choices: Vec::new(),
            qr: None,
            codes: Vec::new(),
            error: None,
            notice: None,
            intro: Some("Enter your username and we will send you a code to reset your password.".into()),
            links: vec![Link {
                post: false,
                href: format!("/login?{}", query(a, &[])),
                text: "Back to sign in".into(),
            }],
        },
        error,
    )
}

/// `GET /forgotPassword`.
pub async fn forgot_get(
    State(st): State<OAuthState>,
    headers: HeaderMap,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    let a = match page_authorization(&st, &headers, &params).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (token, set) = csrf(&st, &headers);
    respond(&a, set, StatusCode::OK, forgot_page(&a, token, "", None))
}

/// `POST /forgotPassword`.
pub async fn forgot_post(
    State(st): State<OAuthState>,
    crate::http::client_ip::ClientSource(source): crate::http::client_ip::ClientSource,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = form_fields(&body);
    let a = match page_authorization(&st, &headers, &params_from(&form)).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (token, set) = csrf(&st, &headers);
    let username = form.get("username").map(|u| u.trim().to_owned()).unwrap_or_default();
    let again = |field: Option<&'static str>, error: String, status: StatusCode| {
        respond(&a, set.clone(), status, forgot_page(&a, token.clone(), &username, Some((field, error))))
    };
    if !csrf_ok(&st, &headers, &form) {
        return again(None, "This page expired. Please try again.".into(), StatusCode::FORBIDDEN);
    }
    let hash = secret_hash(&st, &a.client, &username);
    match st.users.forgot_password(a.client.id.as_str(), hash.as_deref(), &username, source).await {
        Ok(_) => redirect(
            &format!("/confirmForgotPassword?{}", query(&a, &[("username", &username), ("sent", "1")])),
            StatusCode::SEE_OTHER,
        ),
        Err(e) => match user_message(&e) {
            Some(m) => again(field_of(&e), m, status_of(&e)),
            None => internal(&e),
        },
    }
}

fn reset_page(a: &Authorization, csrf: String, username: &str, error: FormError, sent: bool) -> FormPage {
    let mut code = Field::new("code", "Reset code", "text", "one-time-code");
    code.inputmode = Some("numeric".into());
    with_error(
        FormPage {
            chrome: chrome(a, "Reset your password"),
            action: "/confirmForgotPassword".into(),
            hidden: hidden(a, csrf, &[]),
            fields: vec![username_field(a, username), code, password_field(a, "password", "New password")],
            submit: "Reset password".into(),
            choices: Vec::new(),
            qr: None,
            codes: Vec::new(),
            error: None,
            notice: sent.then(|| "If the account exists, we sent it a reset code. Enter it below.".into()),
            intro: None,
            links: vec![Link {
                post: false,
                href: format!("/login?{}", query(a, &[])),
                text: "Back to sign in".into(),
            }],
        },
        error,
    )
}

/// `GET /confirmForgotPassword`.
pub async fn reset_get(
    State(st): State<OAuthState>,
    headers: HeaderMap,
    Query(params): Query<AuthorizeParams>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let a = match page_authorization(&st, &headers, &params).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (token, set) = csrf(&st, &headers);
    let username = q.get("username").cloned().unwrap_or_default();
    let sent = q.get("sent").is_some_and(|v| v == "1");
    respond(&a, set, StatusCode::OK, reset_page(&a, token, &username, None, sent))
}

/// `POST /confirmForgotPassword`.
pub async fn reset_post(State(st): State<OAuthState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let form = form_fields(&body);
    let a = match page_authorization(&st, &headers, &params_from(&form)).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (token, set) = csrf(&st, &headers);
    let username = form.get("username").map(|u| u.trim().to_owned()).unwrap_or_default();
    let again = |field: Option<&'static str>, error: String, status: StatusCode| {
        respond(&a, set.clone(), status, reset_page(&a, token.clone(), &username, Some((field, error)), false))
    };
    if !csrf_ok(&st, &headers, &form) {
        return again(None, "This page expired. Please try again.".into(), StatusCode::FORBIDDEN);
    }
    let code = form.get("code").map(|c| c.trim().to_owned()).unwrap_or_default();
    let password = Password::new(form.get("password").cloned().unwrap_or_default());
    let hash = secret_hash(&st, &a.client, &username);
    match st.users.confirm_forgot_password(a.client.id.as_str(), hash.as_deref(), &username, &code, password).await {
        Ok(()) => redirect(
            &format!("/login?{}", query(&a, &[("reset", "1"), ("username", &username)])),
            StatusCode::SEE_OTHER,
        ),
        Err(e) => match user_message(&e) {
            Some(m) => again(field_of(&e), m, status_of(&e)),
            None => internal(&e),
        },
    }
}

// ---- new password (temporary password used) -----------------------------------------

/// The page a temporary password leads to.
pub fn new_password_page(a: &Authorization, csrf: String, session: &str, username: &str, error: FormError) -> String {
    render_form(with_error(
        FormPage {
            chrome: chrome(a, "Choose a new password"),
            action: "/newPassword".into(),
            hidden: hidden(a, csrf, &[("session", session), ("username", username)]),
            fields: vec![password_field(a, "password", "New password")],
            submit: "Set password and sign in".into(),
            choices: Vec::new(),
            qr: None,
            codes: Vec::new(),
            error: None,
            notice: None,
            intro: Some("Your password is temporary. Choose a new one to continue.".into()),
            links: vec![],
        },
        error,
    ))
}

/// `POST /newPassword`.
pub async fn new_password_post(
    State(st): State<OAuthState>,
    crate::http::client_ip::ClientSource(source): crate::http::client_ip::ClientSource,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = form_fields(&body);
    let a = match page_authorization(&st, &headers, &params_from(&form)).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (token, set) = csrf(&st, &headers);
    let session = form.get("session").cloned().unwrap_or_default();
    let username = form.get("username").cloned().unwrap_or_default();
    let again = |field: Option<&'static str>, error: String, status: StatusCode| {
        let body = new_password_page(&a, token.clone(), &session, &username, Some((field, error)));
        with_cookie(html(status, body, Some(&a.redirect_uri)), set.clone())
    };
    if !csrf_ok(&st, &headers, &form) {
        return again(None, "This page expired. Please sign in again.".into(), StatusCode::FORBIDDEN);
    }
    let password = Password::new(form.get("password").cloned().unwrap_or_default());
    let answer = domain::auth::Answer::NewPassword { password, attributes: Vec::new() };
    match st.users.hosted_respond(&a.pool, &a.client, &session, &username, answer, source).await {
        Ok(step) => super::challenge::step_response(&st, &a, token.clone(), set.clone(), step).await,
        Err(e) => match user_message(&e) {
            Some(m) => again(field_of(&e), m, status_of(&e)),
            None => internal(&e),
        },
    }
}
