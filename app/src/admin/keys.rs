//! `/admin/keys`: the SigV4 key pairs the Cognito admin API accepts. Create (the secret
//! is shown once), disable or enable, delete.

use super::pool::{can_write, Crumbs, WithOperator};
use crate::components::Alert;
use crate::error::AdminError;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// A key in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRow {
    /// Access key id.
    pub id: String,
    /// Accepted.
    pub active: bool,
    /// Created (UTC).
    pub created: String,
}

/// A new key pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewKey {
    /// Access key id.
    pub id: String,
    /// Secret access key, shown once.
    pub secret: String,
}

/// Every key.
#[server(endpoint = "list_admin_keys")]
pub async fn list_admin_keys() -> Result<Vec<KeyRow>, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let keys = svc.admin_keys.list(&ctx).await.map_err(crate::ssr::internal)?;
            Ok(keys
                .into_iter()
                .map(|k| KeyRow {
                    id: k.access_key_id,
                    active: k.active,
                    created: crate::dto::format_created(k.created_at.millis()),
                })
                .collect())
        }
        .await,
    )
}

/// Creates a key pair.
#[server(endpoint = "create_admin_key")]
pub async fn create_admin_key() -> Result<NewKey, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let (id, secret) = svc.admin_keys.create(&w).await.map_err(crate::ssr::internal)?;
            crate::ssr::audit(&ctx, &svc, "console:admin_key_created", &[("access_key_id", id.to_string())]).await;
            Ok(NewKey { id, secret: secret.secret().to_owned() })
        }
        .await,
    )
}

/// `enable`, `disable` or `delete` a key.
#[server(endpoint = "admin_key_action")]
pub async fn admin_key_action(id: String, action: String) -> Result<String, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let k = &svc.admin_keys;
            let found = match action.as_str() {
                "enable" => k.set_active(&w, &id, true).await,
                "disable" => k.set_active(&w, &id, false).await,
                "delete" => k.delete(&w, &id).await,
                _ => return Err(AdminError::invalid("action", "Unknown action.")),
            }
            .map_err(crate::ssr::internal)?;
            if !found {
                return Err(AdminError::invalid("id", "No such key."));
            }
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:admin_key_changed",
                &[("access_key_id", id.to_string()), ("action", action.to_string())],
            )
            .await;
            Ok(match action.as_str() {
                "enable" => format!("Key {id} enabled."),
                "disable" => format!("Key {id} disabled: requests signed with it are refused."),
                _ => format!("Key {id} deleted."),
            })
        }
        .await,
    )
}

/// The keys page.
#[component]
pub fn KeysPage() -> impl IntoView {
    let create = ServerAction::<CreateAdminKey>::new();
    let act = ServerAction::<AdminKeyAction>::new();
    let keys = Resource::new(move || (create.version().get(), act.version().get()), |_| list_admin_keys());
    view! {
        <Title text="Admin API keys" />
        <WithOperator>
            <Crumbs items=vec![("Console".into(), Some("/admin".into())), ("Admin API keys".into(), None)] />
            <div class="page-head">
                <h1>"Admin API keys"</h1>
                <p class="muted">"Key pairs for SigV4-signed calls to the Cognito admin API (AWS SDKs, CLI)."</p>
            </div>
            {move || act.value().get().map(|r| match r {
                Ok(m) => view! { <Alert kind="success" message=m /> }.into_any(),
                Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
            })}
            <section class="panel" aria-labelledby="keys-heading">
                <h2 id="keys-heading">"Keys"</h2>
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || keys.get().map(|r| match r {
                        Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                        Ok(list) => view! {
                            <table class="table">
                                <thead><tr><th scope="col">"Access key id"</th><th scope="col">"Status"</th><th scope="col">"Created"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                                <tbody>{list.into_iter().map(|k| {
                                    let (id1, id2) = (k.id.clone(), k.id.clone());
                                    let toggle = if k.active { "disable" } else { "enable" };
                                    view! { <tr>
                                        <td><code>{k.id.clone()}</code></td>
                                        <td>{if k.active { view! { <span class="badge badge-success">"Active"</span> } } else { view! { <span class="badge badge-danger">"Disabled"</span> } }}</td>
                                        <td>{k.created.clone()}</td>
                                        <td class="actions">{can_write().then(|| view! {
                                            <ActionForm action=act attr:class="inline">
                                                <input type="hidden" name="id" value=id1 />
                                                <input type="hidden" name="action" value=toggle />
                                                <button type="submit" class="btn" aria-label=format!("{} {}", if toggle == "disable" { "Disable" } else { "Enable" }, k.id)>
                                                    {if toggle == "disable" { "Disable" } else { "Enable" }}
                                                </button>
                                            </ActionForm>
                                            <details class="danger-zone">
                                                <summary>"Delete…"</summary>
                                                <ActionForm action=act attr:class="inline">
                                                    <input type="hidden" name="id" value=id2.clone() />
                                                    <input type="hidden" name="action" value="delete" />
                                                    <button type="submit" class="btn btn-danger" aria-label=format!("Delete {id2} permanently")>"Delete permanently"</button>
                                                </ActionForm>
                                            </details>
                                        })}</td>
                                    </tr> }
                                }).collect_view()}</tbody>
                            </table>
                        }.into_any(),
                    })}
                </Transition>
            </section>
            {move || can_write().then(|| view! {
                <section class="panel" aria-labelledby="new-key-heading">
                    <h2 id="new-key-heading">"Create a key pair"</h2>
                    <ActionForm action=create>
                        <button type="submit" class="btn btn-primary">"Create key pair"</button>
                    </ActionForm>
                    {move || create.value().get().map(|r| match r {
                        Ok(k) => view! {
                            <div class="alert alert-success" role="status">
                                <p>"Access key id: " <code id="new-key-id" class="copyable">{k.id.clone()}</code></p>
                                <p>"Secret access key (shown only now; copy it): " <code id="new-key-secret" class="copyable">{k.secret.clone()}</code></p>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                    })}
                </section>
            })}
        </WithOperator>
    }
}
