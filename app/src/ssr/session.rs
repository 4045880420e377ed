//! The console's typed session: one method per key, so no code spells a key twice.

use crate::error::AdminError;
use domain::clock::Timestamp;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tower_sessions::Session;

const OPERATOR_ID: &str = "operator_id";
const SIGNED_IN_AT: &str = "signed_in_at";
const FLASH: &str = "flash";

/// A one-shot message for the next page (post/redirect/get).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Flash {
    /// An error to show.
    pub error: Option<String>,
    /// A neutral notice to show.
    pub notice: Option<String>,
    /// The email typed, to refill the sign-in form.
    pub email: Option<String>,
}

/// The console session.
#[derive(Clone)]
pub struct AdminSession(Session);

fn store_err(e: tower_sessions::session::Error) -> AdminError {
    super::internal(e)
}

impl AdminSession {
    /// Wraps a session taken from the request.
    pub fn new(session: Session) -> Self {
        AdminSession(session)
    }

    /// The session of the request being served (server functions and page renders).
    pub async fn from_request() -> Result<Self, AdminError> {
        leptos_axum::extract::<Session>().await.map(AdminSession).map_err(super::internal)
    }

    /// Marks the operator signed in. The session id changes first, so an id planted
    /// before sign-in (session fixation) is worthless afterwards.
    pub async fn sign_in(&self, operator_id: &str, now: Timestamp) -> Result<(), AdminError> {
        self.0.cycle_id().await.map_err(store_err)?;
        self.0.insert(OPERATOR_ID, operator_id).await.map_err(store_err)?;
        self.0.insert(SIGNED_IN_AT, now.millis()).await.map_err(store_err)?;
        Ok(())
    }

    /// The signed-in operator's id, unless the session passed its absolute lifetime
    /// (then it is ended here).
    pub async fn operator_id(&self, now: Timestamp, absolute: Duration) -> Result<Option<String>, AdminError> {
        let id: Option<String> = self.0.get(OPERATOR_ID).await.map_err(store_err)?;
        let Some(id) = id else { return Ok(None) };
        let at: Option<i64> = self.0.get(SIGNED_IN_AT).await.map_err(store_err)?;
        match at {
            Some(at) if now.since(Timestamp(at)) < absolute => Ok(Some(id)),
            _ => {
                self.0.flush().await.map_err(store_err)?;
                Ok(None)
            }
        }
    }

    /// Ends the session: deletes it from the store and expires the cookie.
    pub async fn sign_out(&self) -> Result<(), AdminError> {
        self.0.flush().await.map_err(store_err)
    }

    /// Leaves a message for the next page.
    pub async fn set_flash(&self, flash: Flash) -> Result<(), AdminError> {
        self.0.insert(FLASH, flash).await.map_err(store_err)
    }

    /// Takes the message left for this page.
    pub async fn take_flash(&self) -> Result<Flash, AdminError> {
        Ok(self.0.remove::<Flash>(FLASH).await.map_err(store_err)?.unwrap_or_default())
    }
}
