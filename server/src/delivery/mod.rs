//! Delivering the outbox: email over SMTP (`COGNATE_SMTP_URL`), SMS through Amazon SNS
//! (`COGNATE_SNS_ENDPOINT`), or, without them, into the development mailbox the console
//! shows. A worker drains due messages
//! whenever a service queues one (and every few seconds, for messages queued by other
//! nodes or waiting out a backoff); a failed send is retried with exponential backoff,
//! so an outage delays messages but loses none.

pub mod smtp;
pub mod sns;

use domain::clock::Clock;
use domain::crypto::MasterKey;
use domain::message::{backoff, Channel};
use domain::ports::OutboxStore;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How often the worker looks for due messages when nothing wakes it.
const POLL: Duration = Duration::from_secs(2);

/// The outbox worker.
#[derive(Clone)]
pub struct Delivery {
    store: Arc<dyn OutboxStore>,
    clock: Arc<dyn Clock>,
    master: MasterKey,
    smtp: Option<smtp::Mailer>,
    sns: Option<sns::SnsSender>,
}

impl Delivery {
    /// A worker sending mail through `smtp` (None: development mailbox).
    pub fn new(
        store: Arc<dyn OutboxStore>,
        clock: Arc<dyn Clock>,
        master: MasterKey,
        smtp: Option<smtp::Mailer>,
        sns: Option<sns::SnsSender>,
    ) -> Self {
        Delivery { store, clock, master, smtp, sns }
    }

    /// Sends every due message once; returns how many were delivered.
    pub async fn drain(&self) -> usize {
        let due = match self.store.due_messages(self.clock.now(), 100).await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the outbox");
                return 0;
            }
        };
        let mut delivered = 0;
        for record in due {
            let message = match record.open(&self.master) {
                Ok(m) => m,
                Err(e) => {
                    tracing::error!(id = %record.id, error = %e, "outbox message cannot be opened; parking it");
                    let _ = self
                        .store
                        .mark_failed(
                            &record.id,
                            record.attempts + 1,
                            self.clock.now().plus(Duration::from_secs(86_400)),
                            "cannot open",
                        )
                        .await;
                    continue;
                }
            };
            let result = match message.channel {
                Channel::Email => match &self.smtp {
                    Some(mailer) => mailer.send(&message).await.map(|_| "smtp"),
                    None => Ok("mailbox"),
                },
                Channel::Sms => match &self.sns {
                    Some(sns) => sns.send(&message.to, &message.body).await.map(|id| {
                        tracing::info!(message_id = %id, "SMS published to SNS");
                        "sns"
                    }),
                    None => Ok("mailbox"),
                },
            };
            match result {
                Ok(to) => {
                    if to == "mailbox" {
                        tracing::info!(channel = message.channel.as_str(), recipient = %record.recipient, "message placed in the development mailbox");
                    }
                    if let Err(e) = self.store.mark_delivered(&record.id, to, self.clock.now()).await {
                        tracing::warn!(error = %e, "could not mark a message delivered");
                    }
                    delivered += 1;
                }
                Err(e) => {
                    let attempts = record.attempts + 1;
                    let next = self.clock.now().plus(backoff(attempts));
                    tracing::warn!(id = %record.id, attempts, error = %e, "message delivery failed; will retry");
                    let _ = self.store.mark_failed(&record.id, attempts, next, &e).await;
                }
            }
        }
        delivered
    }

    /// Runs until the process stops.
    pub fn spawn(self, wake: Arc<Notify>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                while self.drain().await > 0 {}
                tokio::select! {
                    () = wake.notified() => {},
                    () = tokio::time::sleep(POLL) => {},
                }
            }
        })
    }
}
