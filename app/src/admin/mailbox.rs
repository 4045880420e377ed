//! `/admin/mailbox`: the development mailbox. Messages that went to no outside provider
//! (every message when no SMTP server is configured, SMS always) are held here, newest
//! first. Administrators only: bodies hold codes and temporary passwords.

use super::pool::{Crumbs, WithOperator};
use crate::components::Alert;
use crate::error::AdminError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// One message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailView {
    /// Outbox id.
    pub id: String,
    /// `email` or `sms`.
    pub channel: String,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Text.
    pub body: String,
    /// When (UTC).
    pub at: String,
}

/// The mailbox and what it holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxView {
    /// Email goes out through SMTP (so only SMS is held here).
    pub smtp: bool,
    /// Messages, newest first.
    pub messages: Vec<MailView>,
}

/// The newest 200 messages, optionally only those whose recipient contains `to`.
#[server(endpoint = "list_mailbox")]
pub async fn list_mailbox(to: Option<String>) -> Result<MailboxView, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let admin = ctx.for_write()?;
            let messages = svc
                .mailbox
                .list(&admin, to.as_deref().unwrap_or(""), 200)
                .await
                .map_err(crate::ssr::internal)?
                .into_iter()
                .map(|m| MailView {
                    id: m.id,
                    channel: m.channel.as_str().to_owned(),
                    to: m.to,
                    subject: m.subject,
                    body: m.body,
                    at: crate::dto::format_created(m.created_at.millis()),
                })
                .collect();
            Ok(MailboxView { smtp: svc.smtp_configured, messages })
        }
        .await,
    )
}

/// The mailbox page.
#[component]
pub fn MailboxPage() -> impl IntoView {
    let query = use_query_map();
    let to = Memo::new(move |_| query.read().get("to"));
    let mail = Resource::new(move || to.get(), list_mailbox);
    view! {
        <Title text="Mailbox" />
        <WithOperator>
            <Crumbs items=vec![("Console".into(), Some("/admin".into())), ("Mailbox".into(), None)] />
            <div class="page-head">
                <h1>"Mailbox"</h1>
                <p class="muted">"Messages that would have been sent to users by email or SMS, newest first."</p>
            </div>
            <section class="panel" aria-labelledby="mail-filter">
                <h2 id="mail-filter" class="visually-hidden">"Filter"</h2>
                <form method="get" class="inline-form" role="search">
                    <div class="field">
                        <label for="f-to">"Recipient contains"</label>
                        <input id="f-to" name="to" type="text" value=move || to.get().unwrap_or_default() placeholder="ann@example.com or +4470" />
                    </div>
                    <button type="submit" class="btn">"Filter"</button>
                </form>
            </section>
            <section class="panel" aria-labelledby="mail-heading">
                <h2 id="mail-heading">"Messages"</h2>
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || mail.get().map(|r| match r {
                        Err(AdminError::Forbidden) => view! {
                            <Alert kind="error" message="Only administrators can read the mailbox: its messages hold codes and temporary passwords." />
                        }.into_any(),
                        Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                        Ok(m) => view! {
                            <p class="hint">{if m.smtp {
                                "Email is sent through SMTP; only SMS messages are held here (Cognate has no SMS provider yet)."
                            } else {
                                "Development mode: no SMTP server is configured, so every message is held here instead of being sent."
                            }}</p>
                            {if m.messages.is_empty() {
                                view! { <div class="empty-state"><p class="empty-title">"No messages"</p></div> }.into_any()
                            } else {
                                view! {
                                    <ul class="mail-list">
                                        {m.messages.into_iter().map(|msg| {
                                            let heading = if msg.subject.is_empty() { format!("SMS to {}", msg.to) } else { msg.subject.clone() };
                                            view! {
                                                <li class="mail-item">
                                                    <article aria-label=format!("Message to {}", msg.to)>
                                                        <h3>{heading}</h3>
                                                        <p class="muted">
                                                            <span class="badge badge-neutral">{if msg.channel == "sms" { "SMS" } else { "Email" }}</span>
                                                            " To " <strong>{msg.to.clone()}</strong> " · " {msg.at.clone()}
                                                        </p>
                                                        <p class="mail-body">{msg.body.clone()}</p>
                                                    </article>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        }.into_any(),
                    })}
                </Transition>
            </section>
        </WithOperator>
    }
}
