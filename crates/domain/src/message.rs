//! Outgoing messages: what to tell a user, not how. Services seal them into the outbox
//! in the same transaction as the change that caused them; a delivery worker sends them.

use crate::clock::Timestamp;
use crate::crypto::{CryptoError, MasterKey};
use serde::{Deserialize, Serialize};

const SEAL_CONTEXT: &str = "cognate/outbox/v1";

/// How a message travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    /// Email.
    Email,
    /// SMS.
    Sms,
}

impl Channel {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// A message's content. It may hold a code or a temporary password, so it is stored
/// sealed with the master key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundMessage {
    /// Channel.
    pub channel: Channel,
    /// Email address or phone number.
    pub to: String,
    /// Subject (email).
    pub subject: String,
    /// Text.
    pub body: String,
}

/// An outbox row.
#[derive(Clone, Debug)]
pub struct OutboxRecord {
    /// Id (UUID).
    pub id: String,
    /// Channel.
    pub channel: Channel,
    /// Recipient, in clear for operators.
    pub recipient: String,
    /// The sealed [`OutboundMessage`].
    pub sealed: Vec<u8>,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// When to try next.
    pub next_attempt_at: Timestamp,
    /// Creation time.
    pub created_at: Timestamp,
}

impl OutboxRecord {
    /// Seals `message` for the outbox.
    pub fn seal(master: &MasterKey, message: &OutboundMessage, now: Timestamp) -> OutboxRecord {
        let plain = serde_json::to_vec(message).unwrap_or_default();
        OutboxRecord {
            id: uuid::Uuid::new_v4().to_string(),
            channel: message.channel,
            recipient: message.to.clone(),
            sealed: master.seal(SEAL_CONTEXT, &plain),
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
        }
    }

    /// Opens the message.
    pub fn open(&self, master: &MasterKey) -> Result<OutboundMessage, CryptoError> {
        let plain = master.open(SEAL_CONTEXT, &self.sealed)?;
        serde_json::from_slice(&plain).map_err(|_| CryptoError::OpenFailed)
    }
}

/// Fills Cognito's placeholders: `{####}` (code or temporary password) and `{username}`.
pub fn render(template: &str, code: &str, username: &str) -> String {
    template.replace("{####}", code).replace("{username}", username)
}

/// Delay before attempt `attempts + 1`: 2^attempts seconds, at most an hour.
pub fn backoff(attempts: i64) -> std::time::Duration {
    let exp = u32::try_from(attempts.clamp(0, 12)).unwrap_or(12);
    std::time::Duration::from_secs((1u64 << exp).min(3600))
}

/// A message held in the development mailbox, opened for an administrator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailboxMessage {
    /// Outbox id.
    pub id: String,
    /// Channel.
    pub channel: Channel,
    /// Recipient.
    pub to: String,
    /// Subject (email).
    pub subject: String,
    /// Text (it may hold a code or a temporary password).
    pub body: String,
    /// When it was queued.
    pub created_at: Timestamp,
}

/// The development mailbox: messages that went to no outside provider (every message
/// without SMTP; SMS always, as there is no SMS provider yet).
#[derive(Clone)]
pub struct MailboxService {
    store: std::sync::Arc<dyn crate::ports::OutboxStore>,
    master: MasterKey,
}

impl MailboxService {
    /// The service; bodies are opened with `master`.
    pub fn new(store: std::sync::Arc<dyn crate::ports::OutboxStore>, master: MasterKey) -> Self {
        MailboxService { store, master }
    }

    /// The newest `limit` messages, newest first, whose recipient contains `recipient`
    /// (case-insensitive; empty: all). Administrators only: bodies hold codes and
    /// temporary passwords. A message that cannot be opened is shown as such.
    pub async fn list(
        &self,
        _ctx: &crate::access::WriteCtx,
        recipient: &str,
        limit: usize,
    ) -> Result<Vec<MailboxMessage>, crate::ports::StoreError> {
        let needle = recipient.trim().to_lowercase();
        let records = self.store.mailbox(limit).await?;
        Ok(records
            .into_iter()
            .filter(|r| needle.is_empty() || r.recipient.to_lowercase().contains(&needle))
            .map(|r| {
                let (subject, body) = match r.open(&self.master) {
                    Ok(m) => (m.subject, m.body),
                    Err(_) => (String::new(), "(this message cannot be opened with the current master key)".into()),
                };
                MailboxMessage {
                    id: r.id,
                    channel: r.channel,
                    to: r.recipient,
                    subject,
                    body,
                    created_at: r.created_at,
                }
            })
            .collect())
    }
}
