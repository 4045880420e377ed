//! Server-only parts of the app: the services the server provides as context, the
//! typed session, and response headers.

pub mod headers;
pub mod session;

use crate::error::AdminError;
use domain::access::AccessError;
use domain::operator::{AuthorizeError, OperatorService};
use domain::pool::PoolService;
use domain::{AdminCtx, Clock};
use leptos::prelude::*;
use session::AdminSession;
use std::sync::Arc;
use std::time::Duration;

/// The domain services the console calls; the server builds them and provides them as
/// Leptos context to every page render and server function.
#[derive(Clone)]
pub struct ConsoleServices {
    /// Operators: sign-in, authorization.
    pub operators: OperatorService,
    /// User pools.
    pub pools: PoolService,
    /// Pool users (the same service the Cognito API uses).
    pub users: domain::user::UserService,
    /// Groups.
    pub groups: domain::group::GroupService,
    /// App clients.
    pub clients: domain::client::ClientService,
    /// Hosted-page branding (logo and CSS).
    pub branding: domain::branding::BrandingService,
    /// Tokens and signing keys.
    pub tokens: domain::token::TokenService,
    /// The development mailbox.
    pub mailbox: domain::message::MailboxService,
    /// Email goes out through SMTP (otherwise everything lands in the mailbox).
    pub smtp_configured: bool,
    /// The audit log.
    pub audit: domain::audit::AuditService,
    /// Admin API keys.
    pub admin_keys: domain::admin_key::AdminKeyService,
    /// `COGNATE_PUBLIC_URL` without the trailing slash (issuer and discovery URLs).
    pub public_url: String,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// Sessions older than this are signed out whatever their activity.
    pub session_absolute_timeout: Duration,
}

/// The services from context.
pub fn services() -> Result<ConsoleServices, AdminError> {
    use_context::<ConsoleServices>().ok_or_else(|| {
        tracing::error!("ConsoleServices missing from Leptos context");
        AdminError::Internal
    })
}

/// The current operator's capability and the services: every console server function
/// starts here, so none can run without a valid session.
pub async fn admin_and_services() -> Result<(AdminCtx, ConsoleServices), AdminError> {
    let svc = services()?;
    let session = AdminSession::from_request().await?;
    let ctx = operator_ctx(&session, &svc).await?;
    Ok((ctx, svc))
}

/// The signed-in operator's capability from a session (also for plain axum handlers
/// that serve console-only responses).
pub async fn operator_ctx(session: &AdminSession, svc: &ConsoleServices) -> Result<AdminCtx, AdminError> {
    let id =
        session.operator_id(svc.clock.now(), svc.session_absolute_timeout).await?.ok_or(AdminError::Unauthenticated)?;
    svc.operators.authorize(&id).await.map_err(|e| match e {
        AuthorizeError::Access(_) => AdminError::Unauthenticated,
        AuthorizeError::Store(e) => internal(e),
    })
}

/// Gives a failed server function the HTTP status that fits its error (server
/// functions answer 500 for every error otherwise), then passes the result on.
pub fn respond<T>(result: Result<T, AdminError>) -> Result<T, AdminError> {
    use axum::http::StatusCode;
    if let Err(e) = &result {
        let status = match e {
            AdminError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AdminError::Forbidden => StatusCode::FORBIDDEN,
            AdminError::Invalid { .. } | AdminError::Request(_) => StatusCode::BAD_REQUEST,
            AdminError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(status);
        }
    }
    result
}

/// Records a change in the log and the audit log: who (`ctx`), what (`action` and the
/// identifiers in `fields`), when, and from where (the client address).
pub async fn audit(ctx: &AdminCtx, svc: &ConsoleServices, action: &str, fields: &[(&str, String)]) {
    let source = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|_| "unknown".into());
    let target: serde_json::Map<String, serde_json::Value> =
        fields.iter().map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(v.clone()))).collect();
    let target = serde_json::Value::Object(target).to_string();
    tracing::info!(actor = %ctx.actor(), %source, %action, %target, "console change");
    svc.audit.record(ctx, &source, action, &target).await;
}

/// Logs an internal error once and hides it from the client.
pub fn internal(e: impl std::fmt::Display) -> AdminError {
    tracing::error!(error = %e, "console request failed");
    AdminError::Internal
}

impl From<AccessError> for AdminError {
    fn from(e: AccessError) -> Self {
        match e {
            AccessError::Unauthenticated => AdminError::Unauthenticated,
            AccessError::ReadOnly => AdminError::Forbidden,
        }
    }
}
