//! The audit log: every change an operator or an admin key made, who, what, when and
//! from where, kept in the database for operators to review.

use crate::access::AdminCtx;
use crate::clock::{Clock, Timestamp};
use crate::ports::{Store, StoreError};
use std::sync::Arc;

/// One recorded change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    /// Sortable id: time first, newest last.
    pub id: String,
    /// When.
    pub at: Timestamp,
    /// Who: the operator's email or `key:<access key id>`.
    pub actor: String,
    /// From where: the client address.
    pub source: String,
    /// What: the Cognito action or the console's change (`CreateGroup`, `console:user_action`).
    pub action: String,
    /// What it touched (JSON: pool, user, client, group, ...; never secrets).
    pub target: String,
}

/// Which events to list.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    /// Only this actor.
    pub actor: Option<String>,
    /// Only actions starting with this.
    pub action_prefix: Option<String>,
    /// Older than this id (paging).
    pub before: Option<String>,
    /// At most this many (1-100).
    pub limit: usize,
}

/// Audit use cases.
#[derive(Clone)]
pub struct AuditService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl AuditService {
    /// The service.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        AuditService { store, clock }
    }

    /// Records a change made by `ctx`'s principal. A failure to record is logged, not
    /// returned: the change itself has already happened.
    pub async fn record(&self, ctx: &AdminCtx, source: &str, action: &str, target: &str) {
        let at = self.clock.now();
        let actor = match ctx.operator() {
            Some(op) => op.email.as_str().to_owned(),
            None => ctx.actor(),
        };
        let event = AuditEvent {
            id: format!("{:015}-{}", at.millis(), uuid::Uuid::new_v4()),
            at,
            actor,
            source: source.chars().take(64).collect(),
            action: action.chars().take(128).collect(),
            target: target.chars().take(2048).collect(),
        };
        if let Err(e) = self.store.insert_audit_event(&event).await {
            tracing::error!(error = %e, action = %event.action, "could not record an audit event");
        }
    }

    /// Records an admin call refused before its caller was authenticated (a bad
    /// signature on a known key): the actor is the key the request named, marked
    /// unverified, and the action says why it was refused.
    pub async fn record_refused(&self, access_key_id: &str, source: &str, action: &str, reason: &str) {
        let at = self.clock.now();
        let event = AuditEvent {
            id: format!("{:015}-{}", at.millis(), uuid::Uuid::new_v4()),
            at,
            actor: format!("unverified key:{}", access_key_id.chars().take(128).collect::<String>()),
            source: source.chars().take(64).collect(),
            action: format!("{action} refused: {reason}").chars().take(128).collect(),
            target: String::new(),
        };
        if let Err(e) = self.store.insert_audit_event(&event).await {
            tracing::error!(error = %e, action = %event.action, "could not record an audit event");
        }
    }

    /// Events newest first, with the id to continue from.
    pub async fn list(&self, _ctx: &AdminCtx, q: &AuditQuery) -> Result<(Vec<AuditEvent>, Option<String>), StoreError> {
        let limit = q.limit.clamp(1, 100);
        let rows = self.store.list_audit_events(q, limit + 1).await?;
        Ok(crate::page_of(rows, limit, |e| e.id.clone()))
    }
}
