//! `/admin/pools/:id/groups` (list, create) and `/admin/pools/:id/groups/:name` (edit,
//! members, delete), with their server functions.

use super::pool::{can_write, enc, param, PoolCrumbs, WithOperator};
use crate::components::Alert;
use crate::error::AdminError;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// A group as the pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Precedence.
    pub precedence: Option<i64>,
    /// Role ARN.
    pub role_arn: Option<String>,
    /// Members' user names (first 60).
    pub members: Vec<String>,
}

#[cfg(feature = "ssr")]
fn group_error(field: &str, e: domain::group::GroupError) -> AdminError {
    use domain::group::GroupError as E;
    match e {
        E::PoolNotFound(_) | E::NotFound | E::UserNotFound | E::Exists(_) | E::Invalid(_) => {
            AdminError::invalid(field, e.to_string())
        }
        E::Store(s) => crate::ssr::internal(s),
    }
}

#[cfg(feature = "ssr")]
fn view_of(g: domain::group::Group, members: Vec<String>) -> GroupView {
    GroupView { name: g.name, description: g.description, precedence: g.precedence, role_arn: g.role_arn, members }
}

#[cfg(feature = "ssr")]
fn opt(s: Option<String>) -> Option<String> {
    s.map(|x| x.trim().to_owned()).filter(|x| !x.is_empty())
}

#[cfg(feature = "ssr")]
fn precedence(p: Option<String>) -> Result<Option<i64>, AdminError> {
    match opt(p) {
        None => Ok(None),
        Some(t) => t
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AdminError::invalid("precedence", "Precedence is a whole number from 0 to 2147483647.")),
    }
}

/// The pool's groups (first 60).
#[server(endpoint = "list_pool_groups")]
pub async fn list_pool_groups(pool_id: String) -> Result<Vec<GroupView>, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let (groups, _) = svc.groups.list(&ctx, &pool_id, 60, None).await.map_err(|e| group_error("pool", e))?;
            Ok(groups.into_iter().map(|g| view_of(g, Vec::new())).collect())
        }
        .await,
    )
}

/// Creates a group.
#[server(endpoint = "create_pool_group")]
pub async fn create_pool_group(
    pool_id: String,
    name: String,
    description: Option<String>,
    precedence: Option<String>,
    role_arn: Option<String>,
) -> Result<String, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let p = self::precedence(precedence)?;
            let g = svc
                .groups
                .create(&w, &pool_id, name.trim(), opt(description), p, opt(role_arn))
                .await
                .map_err(|e| group_error("name", e))?;
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:group_created",
                &[("pool_id", pool_id.to_string()), ("group", g.name.to_string())],
            )
            .await;
            Ok(g.name)
        }
        .await,
    )
}

/// One group with its members.
#[server(endpoint = "get_pool_group")]
pub async fn get_pool_group(pool_id: String, name: String) -> Result<GroupView, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let g = svc.groups.get(&ctx, &pool_id, &name).await.map_err(|e| group_error("group", e))?;
            let (members, _) =
                svc.groups.members(&ctx, &pool_id, &name, 60, None).await.map_err(|e| group_error("group", e))?;
            Ok(view_of(g, members.into_iter().map(|u| u.username).collect()))
        }
        .await,
    )
}

/// Changes description, precedence and role.
#[server(endpoint = "update_pool_group")]
pub async fn update_pool_group(
    pool_id: String,
    name: String,
    description: Option<String>,
    precedence: Option<String>,
    role_arn: Option<String>,
) -> Result<String, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let p = self::precedence(precedence)?;
            svc.groups
                .update(&w, &pool_id, &name, opt(description), p, opt(role_arn))
                .await
                .map_err(|e| group_error("role_arn", e))?;
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:group_updated",
                &[("pool_id", pool_id.to_string()), ("group", name.to_string())],
            )
            .await;
            Ok("Group saved.".into())
        }
        .await,
    )
}

/// `add` or `remove` a member, or `delete` the group.
#[server(endpoint = "group_action")]
pub async fn group_action(
    pool_id: String,
    name: String,
    action: String,
    username: Option<String>,
) -> Result<String, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let user = username.map(|u| u.trim().to_owned()).unwrap_or_default();
            let msg = match action.as_str() {
                "add" => svc.groups.add_user(&w, &pool_id, &name, &user).await.map(|_| format!("Added {user}.")),
                "remove" => {
                    svc.groups.remove_user(&w, &pool_id, &name, &user).await.map(|_| format!("Removed {user}."))
                }
                "delete" => svc.groups.delete(&w, &pool_id, &name).await.map(|_| "Group deleted.".to_owned()),
                _ => return Err(AdminError::invalid("action", "Unknown action.")),
            }
            .map_err(|e| group_error("username", e))?;
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:group_changed",
                &[("pool_id", pool_id.to_string()), ("group", name.to_string()), ("action", action.to_string())],
            )
            .await;
            Ok(msg)
        }
        .await,
    )
}

#[component]
fn GroupFields(#[prop(optional)] g: Option<GroupView>) -> impl IntoView {
    let g = g.unwrap_or(GroupView {
        name: String::new(),
        description: None,
        precedence: None,
        role_arn: None,
        members: vec![],
    });
    view! {
        <div class="field">
            <label for="group-description">"Description"</label>
            <input id="group-description" name="description" type="text" maxlength="2048" value=g.description.unwrap_or_default() />
        </div>
        <div class="field">
            <label for="group-precedence">"Precedence"</label>
            <input id="group-precedence" name="precedence" type="number" min="0" value=g.precedence.map(|p| p.to_string()).unwrap_or_default() />
        </div>
        <div class="field">
            <label for="group-role">"Role ARN"</label>
            <input id="group-role" name="role_arn" type="text" maxlength="2048" placeholder="arn:aws:iam::123456789012:role/Name"
                value=g.role_arn.unwrap_or_default() />
        </div>
    }
}

/// The pool's groups.
#[component]
pub fn GroupsPage() -> impl IntoView {
    let id = param("id");
    let create = ServerAction::<CreatePoolGroup>::new();
    let groups = Resource::new(move || (id.get(), create.version().get()), |(id, _)| list_pool_groups(id));
    view! {
        <Title text="Groups" />
        <WithOperator>
            {move || {
                let pool = id.get();
                let pool2 = pool.clone();
                view! {
                    <PoolCrumbs pool=pool.clone() section="/groups" />
                    <div class="page-head"><h1>"Groups"</h1></div>
                    <section class="panel" aria-labelledby="groups-heading">
                        <h2 id="groups-heading">"All groups"</h2>
                        <Transition fallback=|| view! { <p class="loading">"Loading groups…"</p> }>
                            {move || groups.get().map(|r| match r {
                                Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                                Ok(list) if list.is_empty() => view! {
                                    <div class="empty-state"><p class="empty-title">"No groups yet"</p></div>
                                }.into_any(),
                                Ok(list) => view! {
                                    <table class="table">
                                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Precedence"</th><th scope="col">"Description"</th></tr></thead>
                                        <tbody>{list.into_iter().map(|g| {
                                            let href = format!("/admin/pools/{}/groups/{}", enc(&pool2), enc(&g.name));
                                            view! { <tr>
                                                <td><a href=href>{g.name.clone()}</a></td>
                                                <td>{g.precedence.map(|p| p.to_string()).unwrap_or_default()}</td>
                                                <td>{g.description.clone().unwrap_or_default()}</td>
                                            </tr> }
                                        }).collect_view()}</tbody>
                                    </table>
                                }.into_any(),
                            })}
                        </Transition>
                    </section>
                    {can_write().then(|| {
                        let result = create.value();
                        view! {
                            <section class="panel" aria-labelledby="create-group-heading">
                                <h2 id="create-group-heading">"Create a group"</h2>
                                <ActionForm action=create attr:class="stack">
                                    <input type="hidden" name="pool_id" value=pool.clone() />
                                    <div class="field">
                                        <label for="group-name">"Group name"</label>
                                        <input id="group-name" name="name" type="text" required maxlength="128" />
                                    </div>
                                    <GroupFields />
                                    <button type="submit" class="btn btn-primary">"Create group"</button>
                                </ActionForm>
                                {move || match result.get() {
                                    Some(Ok(n)) => view! { <Alert kind="success" message=format!("Created group {n}.") /> }.into_any(),
                                    Some(Err(e)) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                                    None => ().into_any(),
                                }}
                            </section>
                        }
                    })}
                }
            }}
        </WithOperator>
    }
}

/// One group: settings, members, delete.
#[component]
pub fn GroupPage() -> impl IntoView {
    let id = param("id");
    let name = param("name");
    let save = ServerAction::<UpdatePoolGroup>::new();
    let act = ServerAction::<GroupAction>::new();
    let group = Resource::new(
        move || (id.get(), name.get(), save.version().get(), act.version().get()),
        |(p, n, _, _)| get_pool_group(p, n),
    );
    view! {
        <Title text="Group" />
        <WithOperator>
            {move || {
                let (pool, gname) = (id.get(), name.get());
                view! {
                    <PoolCrumbs pool=pool.clone() section="/groups" trail=vec![(gname.clone(), None)] />
                    <div class="page-head"><h1>{gname.clone()}</h1></div>
                    {move || [save.value().get(), act.value().get()].into_iter().flatten().map(|r| match r {
                        Ok(m) => view! { <Alert kind="success" message=m /> }.into_any(),
                        Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                    }).collect_view()}
                    <Transition fallback=|| view! { <p class="loading">"Loading group…"</p> }>
                        {move || group.get().map(|r| match r {
                            Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                            Ok(g) => {
                                let (p1, n1, p2, n2, p3, n3) = (pool.clone(), gname.clone(), pool.clone(), gname.clone(), pool.clone(), gname.clone());
                                let write = can_write();
                                let members = g.members.clone();
                                let g_fields = g.clone();
                                view! {
                                    <section class="panel" aria-labelledby="settings-heading">
                                        <h2 id="settings-heading">"Settings"</h2>
                                        <ActionForm action=save attr:class="stack">
                                            <input type="hidden" name="pool_id" value=p1 />
                                            <input type="hidden" name="name" value=n1 />
                                            <GroupFields g=g_fields.clone() />
                                            {write.then(|| view! { <button type="submit" class="btn btn-primary">"Save group"</button> })}
                                        </ActionForm>
                                    </section>
                                    <section class="panel" aria-labelledby="members-heading">
                                        <h2 id="members-heading">"Members"</h2>
                                        {if members.is_empty() {
                                            view! { <p class="muted">"No members."</p> }.into_any()
                                        } else {
                                            view! { <ul class="members">{members.iter().map(|m| {
                                                let (pp, nn, mm) = (p2.clone(), n2.clone(), m.clone());
                                                view! { <li>{m.clone()} " "
                                                    {write.then(|| view! {
                                                        <ActionForm action=act attr:class="inline">
                                                            <input type="hidden" name="pool_id" value=pp />
                                                            <input type="hidden" name="name" value=nn />
                                                            <input type="hidden" name="action" value="remove" />
                                                            <input type="hidden" name="username" value=mm.clone() />
                                                            <button type="submit" class="btn btn-ghost" aria-label=format!("Remove {mm}")>"Remove"</button>
                                                        </ActionForm>
                                                    })}
                                                </li> }
                                            }).collect_view()}</ul> }.into_any()
                                        }}
                                        {write.then(|| {
                                            let (pp, nn) = (p3.clone(), n3.clone());
                                            let (pd, nd) = (p3.clone(), n3.clone());
                                            view! {
                                                <ActionForm action=act attr:class="inline-form">
                                                    <input type="hidden" name="pool_id" value=pp />
                                                    <input type="hidden" name="name" value=nn />
                                                    <input type="hidden" name="action" value="add" />
                                                    <div class="field">
                                                        <label for="member">"Add a user"</label>
                                                        <input id="member" name="username" type="text" required maxlength="128" />
                                                    </div>
                                                    <button type="submit" class="btn">"Add to group"</button>
                                                </ActionForm>
                                                <details class="danger-zone">
                                                    <summary>"Delete group…"</summary>
                                                    <p>"Members stay in the pool; they lose this group."</p>
                                                    <ActionForm action=act attr:class="inline">
                                                        <input type="hidden" name="pool_id" value=pd />
                                                        <input type="hidden" name="name" value=nd />
                                                        <input type="hidden" name="action" value="delete" />
                                                        <button type="submit" class="btn btn-danger">"Delete group permanently"</button>
                                                    </ActionForm>
                                                </details>
                                            }
                                        })}
                                    </section>
                                }.into_any()
                            }
                        })}
                    </Transition>
                }
            }}
        </WithOperator>
    }
}
