//! `/admin/audit`: every change operators and admin keys made, newest first, filterable
//! by who and by action.

use super::pool::{enc, Crumbs, WithOperator};
use crate::components::Alert;
use crate::error::AdminError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// One event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRowView {
    /// When (UTC).
    pub at: String,
    /// Who.
    pub actor: String,
    /// From where.
    pub source: String,
    /// What.
    pub action: String,
    /// On what.
    pub target: String,
}

/// A page of events.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPageView {
    /// Events.
    pub events: Vec<AuditRowView>,
    /// Id to continue from.
    pub next: Option<String>,
}

/// Events, newest first.
#[server(endpoint = "list_audit")]
pub async fn list_audit(
    actor: Option<String>,
    action: Option<String>,
    before: Option<String>,
) -> Result<AuditPageView, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let clean = |v: Option<String>| v.map(|x| x.trim().to_owned()).filter(|x| !x.is_empty());
            let q = domain::audit::AuditQuery {
                actor: clean(actor),
                action_prefix: clean(action),
                before: clean(before),
                limit: 50,
            };
            let (events, next) = svc.audit.list(&ctx, &q).await.map_err(crate::ssr::internal)?;
            Ok(AuditPageView {
                events: events
                    .into_iter()
                    .map(|e| AuditRowView {
                        at: crate::dto::format_created(e.at.millis()),
                        actor: e.actor,
                        source: e.source,
                        action: e.action,
                        target: e.target,
                    })
                    .collect(),
                next,
            })
        }
        .await,
    )
}

/// The audit log page.
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| {
        let m = query.read();
        (m.get("actor"), m.get("action"), m.get("before"))
    });
    let events = Resource::new(move || q.get(), |(a, b, c)| list_audit(a, b, c));
    view! {
        <Title text="Audit log" />
        <WithOperator>
            <Crumbs items=vec![("Console".into(), Some("/admin".into())), ("Audit log".into(), None)] />
            <div class="page-head">
                <h1>"Audit log"</h1>
                <p class="muted">"Every change made in the console or through the admin API: who, what, when and from where."</p>
            </div>
            {move || {
                let (actor, action, _) = q.get();
                view! {
                    <section class="panel" aria-labelledby="audit-filter">
                        <h2 id="audit-filter" class="visually-hidden">"Filter"</h2>
                        <form method="get" class="inline-form" role="search">
                            <div class="field">
                                <label for="f-actor">"Who"</label>
                                <input id="f-actor" name="actor" type="text" value=actor.unwrap_or_default() placeholder="ops@example.com or key:AKIA…" />
                            </div>
                            <div class="field">
                                <label for="f-action">"Action starts with"</label>
                                <input id="f-action" name="action" type="text" value=action.unwrap_or_default() placeholder="CreateGroup or console:" />
                            </div>
                            <button type="submit" class="btn">"Filter"</button>
                        </form>
                    </section>
                }
            }}
            <section class="panel" aria-labelledby="audit-heading">
                <h2 id="audit-heading">"Events"</h2>
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || events.get().map(|r| match r {
                        Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                        Ok(page) if page.events.is_empty() => view! {
                            <div class="empty-state"><p class="empty-title">"No events"</p></div>
                        }.into_any(),
                        Ok(page) => {
                            let next = page.next.clone().map(|n| {
                                let (actor, action, _) = q.get_untracked();
                                format!("?before={}&actor={}&action={}", enc(&n), enc(&actor.unwrap_or_default()), enc(&action.unwrap_or_default()))
                            });
                            view! {
                                <table class="table">
                                    <thead><tr>
                                        <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"From"</th>
                                        <th scope="col">"Action"</th><th scope="col">"Target"</th>
                                    </tr></thead>
                                    <tbody>{page.events.into_iter().map(|e| view! {
                                        <tr>
                                            <td>{e.at}</td><td>{e.actor}</td><td>{e.source}</td>
                                            <td><code>{e.action}</code></td><td><code>{e.target}</code></td>
                                        </tr>
                                    }).collect_view()}</tbody>
                                </table>
                                {next.map(|h| view! { <p class="pager"><a class="btn" href=h rel="next">"Older events"</a></p> })}
                            }.into_any()
                        }
                    })}
                </Transition>
            </section>
        </WithOperator>
    }
}
