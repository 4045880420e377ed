//! The hosted pages of the sign-in steps after the password, driven by the domain's
//! state machine: a new password, a code (authenticator, SMS, e-mail), the choice of
//! factor, and authenticator set-up with a QR code drawn on the server. They work
//! without JavaScript; every form carries the challenge `Session` and the CSRF token.

use super::hosted::{
    csrf, csrf_ok, form_fields, html, page_authorization, param_pairs, params_from, signed_in, with_cookie,
};
use super::OAuthState;
use app::hosted::{render_form, Field, FormPage, Qr};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use domain::auth::{totp, Answer, Challenge, MfaFactor};
use domain::limits::Source;
use domain::oauth::Authorization;
use domain::user::{SignInStep, TokenOrSession, UserError};

/// What a challenge form posts back: which step it answers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Code(MfaFactor),
    Select,
    Setup,
    /// The recovery codes were shown after set-up; continuing finishes the sign-in.
    Recovery,
}

impl Form {
    fn as_str(self) -> &'static str {
        match self {
            Form::Code(MfaFactor::SoftwareToken) => "software_token",
            Form::Code(MfaFactor::Sms) => "sms",
            Form::Code(MfaFactor::Email) => "email",
            Form::Select => "select",
            Form::Setup => "setup",
            Form::Recovery => "recovery",
        }
    }

    fn parse(s: &str) -> Option<Form> {
        Some(match s {
            "software_token" => Form::Code(MfaFactor::SoftwareToken),
            "sms" => Form::Code(MfaFactor::Sms),
            "email" => Form::Code(MfaFactor::Email),
            "select" => Form::Select,
            "setup" => Form::Setup,
            "recovery" => Form::Recovery,
            _ => return None,
        })
    }
}

fn factor_label(f: MfaFactor) -> &'static str {
    match f {
        MfaFactor::SoftwareToken => "Authenticator app",
        MfaFactor::Sms => "Text message (SMS)",
        MfaFactor::Email => "E-mail",
    }
}

fn factor_value(f: MfaFactor) -> &'static str {
    Form::Code(f).as_str()
}

struct Page<'a> {
    a: &'a Authorization,
    csrf: String,
    set: Option<HeaderValue>,
}

impl Page<'_> {
    fn form(&self, title: &str, form: Form, session: &str, username: &str) -> FormPage {
        let mut hidden = param_pairs(&self.a.params);
        hidden.push(("session".into(), session.to_owned()));
        hidden.push(("username".into(), username.to_owned()));
        hidden.push(("challenge".into(), form.as_str().to_owned()));
        hidden.push(("_csrf".into(), self.csrf.clone()));
        FormPage {
            chrome: super::hosted::branded_chrome(self.a, title),
            action: "/mfa".into(),
            hidden,
            ..Default::default()
        }
    }

    fn code_field() -> Field {
        let mut f = Field::new("code", "Code", "text", "one-time-code");
        f.inputmode = Some("numeric".into());
        f
    }

    fn send(&self, status: StatusCode, page: FormPage) -> Response {
        with_cookie(html(status, render_form(page), Some(&self.a.redirect_uri)), self.set.clone())
    }
}

/// Shows whatever the state machine asks for next, or completes the sign-in.
pub(super) async fn step_response(
    st: &OAuthState,
    a: &Authorization,
    csrf: String,
    set: Option<HeaderValue>,
    step: SignInStep,
) -> Response {
    let p = Page { a, csrf, set };
    match step {
        SignInStep::Done(user, _) => signed_in(st, a, &user).await,
        SignInStep::Challenge { session, challenge, username } => {
            challenge_page(st, &p, &session, &username, &challenge, None).await
        }
    }
}

async fn challenge_page(
    st: &OAuthState,
    p: &Page<'_>,
    session: &str,
    username: &str,
    challenge: &Challenge,
    mut error: Option<String>,
) -> Response {
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let mut page = match challenge {
        Challenge::NewPasswordRequired { .. } => {
            let body =
                super::pages::new_password_page(p.a, p.csrf.clone(), session, username, error.map(|e| (None, e)));
            return with_cookie(html(status, body, Some(&p.a.redirect_uri)), p.set.clone());
        }
        Challenge::SoftwareTokenMfa => {
            let mut page = p.form("Enter your code", Form::Code(MfaFactor::SoftwareToken), session, username);
            page.intro = Some(
                "Enter the six-digit code from your authenticator app, or one of your recovery codes if you \
                 lost it."
                    .into(),
            );
            page.fields = vec![Page::code_field()];
            page.submit = "Sign in".into();
            page
        }
        Challenge::SmsMfa { destination } | Challenge::EmailOtp { destination } => {
            let factor = if matches!(challenge, Challenge::SmsMfa { .. }) { MfaFactor::Sms } else { MfaFactor::Email };
            let mut page = p.form("Enter your code", Form::Code(factor), session, username);
            page.intro = Some(format!("We sent a code to {destination}. Enter it to sign in."));
            page.fields = vec![Page::code_field()];
            page.submit = "Sign in".into();
            page
        }
        Challenge::SelectMfaType { options } => {
            let mut page = p.form("Choose how to verify", Form::Select, session, username);
            page.intro = Some("Choose how you want to confirm it is you.".into());
            page.choices = options.iter().map(|f| (factor_value(*f).to_owned(), factor_label(*f).to_owned())).collect();
            page
        }
        Challenge::MfaSetup { .. } => {
            // Associate an authenticator with this session and show it to scan.
            match st.users.associate_software_token(TokenOrSession::Session(session)).await {
                Ok((secret, Some(next))) => setup_page(p, &next, username, &secret, error.take()),
                Ok((_, None)) => return internal(&UserError::Internal("no session after association".into())),
                Err(e) => return refused(p, &e),
            }
        }
        Challenge::PasswordVerifier { .. } | Challenge::DeviceSrpAuth | Challenge::DevicePasswordVerifier { .. } => {
            // The hosted pages sign in with the password and name no device.
            return internal(&UserError::Internal("SRP is not a hosted-page step".into()));
        }
    };
    if page.error.is_none() {
        if let Some(e) = error {
            match page.fields.iter_mut().find(|f| f.name == "code") {
                Some(f) => f.error = Some(e),
                None => page.error = Some(e),
            }
        }
    }
    p.send(status, page)
}

fn setup_page(p: &Page<'_>, session: &str, username: &str, secret: &str, error: Option<String>) -> FormPage {
    let issuer = p.a.pool.name.as_str();
    let uri = totp::provisioning_uri(secret, issuer, username);
    let qr = qrcode::QrCode::new(uri.as_bytes()).ok().map(|code| Qr {
        width: code.width(),
        dark: code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect(),
        text: secret.to_owned(),
    });
    let mut page = p.form("Set up your authenticator", Form::Setup, session, username);
    page.intro = Some(
        "This app requires a second step at sign-in. Scan the code with an authenticator app, then enter the \
         six-digit code it shows."
            .into(),
    );
    page.qr = qr;
    let mut f = Page::code_field();
    f.error = error;
    page.fields = vec![f];
    page.submit = "Verify and sign in".into();
    page
}

fn refused(p: &Page<'_>, e: &UserError) -> Response {
    match e {
        UserError::NotAuthorized(m) => {
            let mut page = FormPage {
                chrome: super::hosted::branded_chrome(p.a, "Sign in again"),
                action: "/login".into(),
                hidden: param_pairs(&p.a.params),
                ..Default::default()
            };
            page.error = Some(format!("{m} Please sign in again."));
            page.action = format!("/login?{}", super::hosted::query_of(&p.a.params));
            page.hidden.clear();
            page.submit = "Back to sign in".into();
            p.send(StatusCode::BAD_REQUEST, page)
        }
        other => internal(other),
    }
}

fn internal(e: &UserError) -> Response {
    tracing::error!(error = %e, "hosted challenge failed");
    super::hosted::error_page(StatusCode::INTERNAL_SERVER_ERROR, "An internal error occurred.")
}

fn message(e: &UserError) -> Option<String> {
    Some(match e {
        UserError::CodeMismatch | UserError::EnableSoftwareTokenMfa => {
            "That code is not right. Check it and try again.".into()
        }
        UserError::ExpiredCode => "The code has expired. Please sign in again.".into(),
        UserError::SoftwareTokenUsed => "That code was used already. Wait for the next one.".into(),
        UserError::TooManyRequests => "Too many attempts right now. Try again in a moment.".into(),
        UserError::InvalidParameter(m) => m.clone(),
        _ => return None,
    })
}

/// `POST /mfa`: answers the challenge the form names.
pub async fn mfa_post(
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
    let p = Page { a: &a, csrf: token.clone(), set };
    let session = form.get("session").cloned().unwrap_or_default();
    let username = form.get("username").cloned().unwrap_or_default();
    let Some(kind) = form.get("challenge").and_then(|c| Form::parse(c)) else {
        return refused(&p, &UserError::NotAuthorized("This page expired.".into()));
    };
    if !csrf_ok(&st, &headers, &form) {
        return refused(&p, &UserError::NotAuthorized("This page expired.".into()));
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let result =
        answer(&st, &a, &session, &username, kind, &code, form.get("choice").map(String::as_str), source).await;
    match result {
        Ok(Answered::Step(step)) => step_response(&st, &a, token, p.set.clone(), step).await,
        Ok(Answered::RecoveryCodes { session, codes }) => {
            let mut page = p.form("Save your recovery codes", Form::Recovery, &session, &username);
            page.intro = Some(
                "If you lose your authenticator, each of these codes signs you in once in its place. Keep them \
                 somewhere safe: they are shown only now."
                    .into(),
            );
            page.codes = codes;
            page.submit = "I saved them: continue".into();
            p.send(StatusCode::OK, page)
        }
        Err(e) => match (message(&e), kind) {
            (Some(m), Form::Code(f)) => {
                let challenge = match f {
                    MfaFactor::SoftwareToken => Challenge::SoftwareTokenMfa,
                    MfaFactor::Sms => Challenge::SmsMfa { destination: "your phone".into() },
                    MfaFactor::Email => Challenge::EmailOtp { destination: "your e-mail address".into() },
                };
                challenge_page(&st, &p, &session, &username, &challenge, Some(m)).await
            }
            (Some(m), Form::Setup) if matches!(e, UserError::EnableSoftwareTokenMfa) => {
                // The session rotated with the association: show the page again with a
                // fresh secret under the session the error left (still MFA_SETUP).
                let mut page = p.form("Set up your authenticator", Form::Setup, &session, &username);
                page.error = Some(m);
                page.fields = vec![Page::code_field()];
                page.submit = "Verify and sign in".into();
                page.intro = Some("Enter the six-digit code your authenticator app shows for this account.".into());
                p.send(StatusCode::BAD_REQUEST, page)
            }
            _ => refused(&p, &e),
        },
    }
}

/// What an answer led to: the state machine's next step, or (after authenticator set-up)
/// recovery codes to show before the sign-in finishes.
enum Answered {
    Step(SignInStep),
    RecoveryCodes { session: String, codes: Vec<String> },
}

#[allow(clippy::too_many_arguments)]
async fn answer(
    st: &OAuthState,
    a: &Authorization,
    session: &str,
    username: &str,
    kind: Form,
    code: &str,
    choice: Option<&str>,
    source: Source,
) -> Result<Answered, UserError> {
    match kind {
        Form::Code(factor) => {
            let answer = Answer::Code { factor, code: code.to_owned() };
            st.users.hosted_respond(&a.pool, &a.client, session, username, answer, source).await.map(Answered::Step)
        }
        Form::Select => {
            let f = match choice.and_then(Form::parse) {
                Some(Form::Code(f)) => f,
                _ => return Err(UserError::InvalidParameter("Choose one of the options.".into())),
            };
            st.users
                .hosted_respond(&a.pool, &a.client, session, username, Answer::SelectMfaType(f), source)
                .await
                .map(Answered::Step)
        }
        Form::Setup => {
            let next = st
                .users
                .verify_software_token(TokenOrSession::Session(session), code)
                .await?
                .ok_or_else(|| UserError::Internal("no session after verification".into()))?;
            let codes = st.users.recovery_codes_for_setup(&next).await?;
            Ok(Answered::RecoveryCodes { session: next, codes })
        }
        Form::Recovery => st
            .users
            .hosted_respond(&a.pool, &a.client, session, username, Answer::MfaSetup, source)
            .await
            .map(Answered::Step),
    }
}
