//! Console server functions. Each starts by obtaining the operator's capability
//! (`admin_and_services`), calls one domain service, and maps the outcome to a DTO.

use crate::dto::{FormMessages, OperatorView, PoolSummary};
use crate::error::AdminError;
use leptos::prelude::*;

/// The one-shot messages for the sign-in or setup page (error of the last attempt,
/// the email typed, a notice).
#[server(endpoint = "take_form_messages")]
pub async fn take_form_messages() -> Result<FormMessages, AdminError> {
    let session = crate::ssr::session::AdminSession::from_request().await?;
    let flash = session.take_flash().await?;
    Ok(FormMessages { error: flash.error, email: flash.email, notice: flash.notice })
}

/// The signed-in operator.
#[server(endpoint = "current_operator")]
pub async fn current_operator() -> Result<OperatorView, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, _) = crate::ssr::admin_and_services().await?;
            Ok(OperatorView::from(&ctx))
        }
        .await,
    )
}

/// Every user pool, newest first.
#[server(endpoint = "list_pools")]
pub async fn list_pools() -> Result<Vec<PoolSummary>, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let pools = svc.pools.list(&ctx).await.map_err(crate::ssr::internal)?;
            Ok(pools.iter().map(PoolSummary::from).collect())
        }
        .await,
    )
}
