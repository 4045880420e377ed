//! `POST /admin/login`, `POST /admin/logout`, `POST /admin/setup`: form posts that end in
//! a redirect (post/redirect/get), carrying errors to the next page as a flash message.

use super::ConsoleState;
use app::ssr::session::{AdminSession, Flash};
use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use domain::operator::{OperatorError, SignInError};
use domain::secret::Password;
use serde::Deserialize;
use tower_sessions::Session;

/// The sign-in form.
#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
}

/// The setup form.
#[derive(Deserialize)]
pub struct SetupForm {
    token: String,
    email: String,
    password: String,
    confirm: String,
}

async fn back_with(session: &AdminSession, to: &'static str, flash: Flash) -> Response {
    if let Err(e) = session.set_flash(flash).await {
        tracing::error!(error = %e, "could not store flash message");
    }
    Redirect::to(to).into_response()
}

fn error(message: impl Into<String>, email: Option<String>) -> Flash {
    Flash { error: Some(message.into()), notice: None, email }
}

/// Signs an operator in.
pub async fn login(
    State(state): State<ConsoleState>,
    session: Session,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let session = AdminSession::new(session);
    let Ok(Form(form)) = form else {
        return back_with(&session, "/admin/login", error("Enter your email and password.", None)).await;
    };
    let typed_email = Some(form.email.trim().chars().take(254).collect::<String>());
    if form.email.trim().is_empty() || form.password.is_empty() {
        return back_with(&session, "/admin/login", error("Enter your email and password.", typed_email)).await;
    }
    let svc = &state.services;
    match svc.operators.sign_in(&form.email, Password::new(form.password)).await {
        Ok(op) => match session.sign_in(op.id.as_str(), svc.clock.now()).await {
            Ok(()) => {
                tracing::info!(operator = %op.email, "operator signed in");
                Redirect::to("/admin").into_response()
            }
            Err(_) => {
                back_with(&session, "/admin/login", error("Something went wrong on our side. Try again.", typed_email))
                    .await
            }
        },
        Err(SignInError::InvalidCredentials) => {
            tracing::info!("operator sign-in failed");
            back_with(&session, "/admin/login", error("Incorrect email or password.", typed_email)).await
        }
        Err(e @ SignInError::Throttled(_)) => {
            tracing::warn!("operator sign-in throttled");
            let mut msg = e.to_string();
            if let Some(first) = msg.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            back_with(&session, "/admin/login", error(format!("{msg}."), typed_email)).await
        }
        Err(SignInError::Busy) => {
            back_with(&session, "/admin/login", error("The server is busy. Try again in a moment.", typed_email)).await
        }
        Err(SignInError::Store(e)) => {
            tracing::error!(error = %e, "operator sign-in failed on storage");
            back_with(&session, "/admin/login", error("Something went wrong on our side. Try again.", typed_email))
                .await
        }
    }
}

/// Signs the operator out: the session is deleted and its cookie expired.
pub async fn logout(session: Session) -> Response {
    let session = AdminSession::new(session);
    if let Err(e) = session.sign_out().await {
        tracing::error!(error = %e, "could not end session");
    }
    let notice = Flash { error: None, notice: Some("You have signed out.".into()), email: None };
    back_with(&session, "/admin/login", notice).await
}

/// Creates the first administrator with the setup token.
pub async fn setup(
    State(state): State<ConsoleState>,
    session: Session,
    form: Result<Form<SetupForm>, FormRejection>,
) -> Response {
    let session = AdminSession::new(session);
    let Ok(Form(form)) = form else {
        return back_with(&session, "/admin/setup", error("Fill in every field.", None)).await;
    };
    let typed_email = Some(form.email.trim().chars().take(254).collect::<String>());
    if !state.setup.check(&form.token, state.services.clock.now()) {
        tracing::warn!("setup attempted with a wrong token");
        return back_with(
            &session,
            "/admin/setup",
            error("The setup token is not valid. Copy it from the server log.", typed_email),
        )
        .await;
    }
    if form.password != form.confirm {
        return back_with(&session, "/admin/setup", error("The passwords do not match.", typed_email)).await;
    }
    let svc = &state.services;
    match svc.operators.set_up_first(&form.email, Password::new(form.password)).await {
        Ok(op) => {
            state.setup.close();
            tracing::info!(operator = %op.email, "first administrator created through setup");
            match session.sign_in(op.id.as_str(), svc.clock.now()).await {
                Ok(()) => Redirect::to("/admin").into_response(),
                Err(_) => Redirect::to("/admin/login").into_response(),
            }
        }
        Err(OperatorError::AlreadySetUp) => {
            state.setup.close();
            Redirect::to("/admin/login").into_response()
        }
        Err(e @ (OperatorError::Email(_) | OperatorError::WeakPassword | OperatorError::EmailTaken)) => {
            let mut msg = e.to_string();
            if let Some(first) = msg.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            back_with(&session, "/admin/setup", error(format!("{msg}."), typed_email)).await
        }
        Err(e) => {
            tracing::error!(error = %e, "setup failed");
            back_with(&session, "/admin/setup", error("Something went wrong on our side. Try again.", typed_email))
                .await
        }
    }
}
