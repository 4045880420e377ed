//! `/admin/operators`: invite operators (administrator or read-only viewer), remove
//! them, and change one's own password.

use super::pool::{can_write, Crumbs, WithOperator};
use crate::components::Alert;
use crate::error::AdminError;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// An operator in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorRow {
    /// Id.
    pub id: String,
    /// Email.
    pub email: String,
    /// Role.
    pub role: String,
    /// Created (UTC).
    pub created: String,
}

#[cfg(feature = "ssr")]
fn op_error(field: &str, e: domain::operator::OperatorError) -> AdminError {
    use domain::operator::OperatorError as E;
    match e {
        E::Access(a) => a.into(),
        E::Store(s) => crate::ssr::internal(s),
        E::Hash(h) => crate::ssr::internal(h),
        other => AdminError::invalid(field, capitalise(&other.to_string())),
    }
}

#[cfg(feature = "ssr")]
fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str()),
        None => String::new(),
    }
}

/// Every operator.
#[server(endpoint = "list_operators")]
pub async fn list_operators() -> Result<Vec<OperatorRow>, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let ops = svc.operators.list(&ctx).await.map_err(|e| op_error("list", e))?;
            Ok(ops
                .into_iter()
                .map(|o| OperatorRow {
                    id: o.id.as_str().to_owned(),
                    email: o.email.as_str().to_owned(),
                    role: o.role.as_str().to_owned(),
                    created: crate::dto::format_created(o.created_at.millis()),
                })
                .collect())
        }
        .await,
    )
}

/// Adds an operator with an initial password to hand over.
#[server(endpoint = "invite_operator")]
pub async fn invite_operator(email: String, role: String, password: String) -> Result<String, AdminError> {
    use domain::operator::OperatorRole;
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let role = OperatorRole::parse(&role).ok_or_else(|| AdminError::invalid("role", "Choose a role."))?;
            let op =
                svc.operators.invite(&w, &email, role, domain::secret::Password::new(password)).await.map_err(|e| {
                    match e {
                        domain::operator::OperatorError::WeakPassword => op_error("password", e),
                        other => op_error("email", other),
                    }
                })?;
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:operator_invited",
                &[("operator", op.email.as_str().to_string()), ("role", op.role.as_str().to_string())],
            )
            .await;
            Ok(op.email.as_str().to_owned())
        }
        .await,
    )
}

/// Removes an operator.
#[server(endpoint = "remove_operator")]
pub async fn remove_operator(id: String) -> Result<String, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            svc.operators.remove(&w, &id).await.map_err(|e| op_error("operator", e))?;
            crate::ssr::audit(&ctx, &svc, "console:operator_removed", &[("operator_id", id.to_string())]).await;
            Ok("Operator removed.".into())
        }
        .await,
    )
}

/// The signed-in operator's new password.
#[server(endpoint = "change_own_password")]
pub async fn change_own_password(current: String, new_password: String) -> Result<String, AdminError> {
    use domain::secret::Password;
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            svc.operators
                .change_own_password(&ctx, Password::new(current), Password::new(new_password))
                .await
                .map_err(|e| match e {
                    domain::operator::OperatorError::WrongPassword => op_error("current", e),
                    other => op_error("new_password", other),
                })?;
            crate::ssr::audit(&ctx, &svc, "console:operator_changed_their_password", &[]).await;
            Ok("Your password has been changed.".into())
        }
        .await,
    )
}

fn result_alert(
    v: impl Get<Value = Option<Result<String, AdminError>>> + Send + Sync + 'static,
    ok: fn(String) -> String,
) -> impl IntoView {
    move || match v.get() {
        Some(Ok(x)) => view! { <Alert kind="success" message=ok(x) /> }.into_any(),
        Some(Err(e)) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
        None => ().into_any(),
    }
}

/// The operators page.
#[component]
pub fn OperatorsPage() -> impl IntoView {
    let invite = ServerAction::<InviteOperator>::new();
    let remove = ServerAction::<RemoveOperator>::new();
    let change = ServerAction::<ChangeOwnPassword>::new();
    let ops = Resource::new(move || (invite.version().get(), remove.version().get()), |_| list_operators());
    view! {
        <Title text="Operators" />
        <WithOperator>
            <Crumbs items=vec![("Console".into(), Some("/admin".into())), ("Operators".into(), None)] />
            <div class="page-head"><h1>"Operators"</h1></div>
            {result_alert(remove.value(), |m| m)}
            <section class="panel" aria-labelledby="ops-heading">
                <h2 id="ops-heading">"Who can use this console"</h2>
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || ops.get().map(|r| match r {
                        Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                        Ok(list) => view! {
                            <table class="table">
                                <thead><tr><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Added"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                                <tbody>{list.into_iter().map(|o| view! {
                                    <tr>
                                        <td>{o.email.clone()}</td>
                                        <td>{if o.role == "viewer" { "Read-only viewer" } else { "Administrator" }}</td>
                                        <td>{o.created.clone()}</td>
                                        <td>{can_write().then(|| view! {
                                            <ActionForm action=remove attr:class="inline">
                                                <input type="hidden" name="id" value=o.id.clone() />
                                                <button type="submit" class="btn btn-ghost" aria-label=format!("Remove {}", o.email)>"Remove"</button>
                                            </ActionForm>
                                        })}</td>
                                    </tr>
                                }).collect_view()}</tbody>
                            </table>
                        }.into_any(),
                    })}
                </Transition>
            </section>
            {move || can_write().then(|| view! {
                <section class="panel" aria-labelledby="invite-heading">
                    <h2 id="invite-heading">"Invite an operator"</h2>
                    <p class="muted">"Give them the initial password; they change it after signing in."</p>
                    <ActionForm action=invite attr:class="stack">
                        <div class="field">
                            <label for="op-email">"Email"</label>
                            <input id="op-email" name="email" type="email" required maxlength="254" />
                        </div>
                        <div class="field">
                            <label for="op-role">"Role"</label>
                            <select id="op-role" name="role">
                                <option value="administrator">"Administrator"</option>
                                <option value="viewer">"Read-only viewer"</option>
                            </select>
                        </div>
                        <div class="field">
                            <label for="op-password">"Initial password"</label>
                            <input id="op-password" name="password" type="password" autocomplete="new-password" required minlength="12" maxlength="256" />
                        </div>
                        <button type="submit" class="btn btn-primary">"Invite operator"</button>
                    </ActionForm>
                    {result_alert(invite.value(), |e| format!("Invited {e}."))}
                </section>
            })}
            <section class="panel" aria-labelledby="pw-heading">
                <h2 id="pw-heading">"Change your password"</h2>
                <ActionForm action=change attr:class="stack">
                    <div class="field">
                        <label for="pw-current">"Current password"</label>
                        <input id="pw-current" name="current" type="password" autocomplete="current-password" required />
                    </div>
                    <div class="field">
                        <label for="pw-new">"New password"</label>
                        <input id="pw-new" name="new_password" type="password" autocomplete="new-password" required minlength="12" maxlength="256" />
                    </div>
                    <button type="submit" class="btn">"Change password"</button>
                </ActionForm>
                {result_alert(change.value(), |m| m)}
            </section>
        </WithOperator>
    }
}
