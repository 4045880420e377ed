//! `/admin`: the dashboard. Lists user pools (with an empty state) and creates one by name.

use super::api::{current_operator, list_pools, CreatePool};
use crate::components::{Alert, ConsoleFrame};
use crate::dto::PoolSummary;
use crate::error::AdminError;
use leptos::prelude::*;
use leptos_meta::Title;

/// The dashboard page.
#[component]
pub fn Dashboard() -> impl IntoView {
    let create = ServerAction::<CreatePool>::new();
    let operator = Resource::new(|| (), |_| current_operator());
    let pools = Resource::new(move || create.version().get(), |_| list_pools());
    view! {
        <Title text="User pools" />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || operator.get().map(|op| match op {
                Err(AdminError::Unauthenticated) => view! { <SignedOut /> }.into_any(),
                Err(e) => view! { <main class="content"><Alert kind="error" message=e.to_string() /></main> }.into_any(),
                Ok(op) => {
                    let can_write = op.can_write;
                    view! {
                        <ConsoleFrame operator=Some(op)>
                            <div class="page-head">
                                <h1>"User pools"</h1>
                                <p class="muted">"Directories of users, each with its own sign-in settings, clients and tokens."</p>
                            </div>
                            {can_write.then(|| view! { <CreatePoolForm action=create /> })}
                            <section aria-labelledby="pools-heading" class="panel">
                                <h2 id="pools-heading">"All pools"</h2>
                                <Transition fallback=|| view! { <p class="loading">"Loading pools…"</p> }>
                                    {move || pools.get().map(|r| match r {
                                        Ok(list) => view! { <PoolTable pools=list /> }.into_any(),
                                        Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                                    })}
                                </Transition>
                            </section>
                        </ConsoleFrame>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
fn SignedOut() -> impl IntoView {
    view! {
        <main class="auth-page">
            <div class="card">
                <h1>"Signed out"</h1>
                <p>"Your session has ended."</p>
                <p><a class="btn btn-primary" href="/admin/login">"Sign in again"</a></p>
            </div>
        </main>
    }
}

#[component]
fn CreatePoolForm(action: ServerAction<CreatePool>) -> impl IntoView {
    let result = action.value();
    let error = move || match result.get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    let input = NodeRef::<leptos::html::Input>::new();
    // After a successful create, empty the field for the next pool.
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(el)) = (result.get(), input.get()) {
            el.set_value("");
        }
    });
    let created = move || match result.get() {
        Some(Ok(p)) => Some(format!("Created pool {} ({}).", p.name, p.id)),
        _ => None,
    };
    view! {
        <section aria-labelledby="create-heading" class="panel">
            <h2 id="create-heading">"Create a user pool"</h2>
            <ActionForm action=action attr:class="inline-form">
                <div class="field">
                    <label for="pool-name">"Pool name"</label>
                    <input node_ref=input id="pool-name" name="name" type="text" required maxlength="128"
                        placeholder="e.g. Customers"
                        aria-invalid=move || error().is_some().then_some("true")
                        aria-describedby=move || error().map(|_| "pool-name-error") />
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Creating…" } else { "Create pool" }}
                </button>
            </ActionForm>
            {move || error().map(|m| view! { <Alert kind="error" message=m id="pool-name-error" /> })}
            {move || created().map(|m| view! { <Alert kind="success" message=m /> })}
        </section>
    }
}

#[component]
fn PoolTable(pools: Vec<PoolSummary>) -> impl IntoView {
    if pools.is_empty() {
        return view! {
            <div class="empty-state">
                <p class="empty-title">"No user pools yet"</p>
                <p class="muted">"Create your first pool above to start adding users."</p>
            </div>
        }
        .into_any();
    }
    view! {
        <table class="table">
            <thead>
                <tr><th scope="col">"Name"</th><th scope="col">"Pool id"</th><th scope="col">"Created"</th></tr>
            </thead>
            <tbody>
                {pools.into_iter().map(|p| view! {
                    <tr>
                        <td><a href=format!("/admin/pools/{}", p.id)>{p.name}</a></td>
                        <td><code>{p.id}</code></td>
                        <td>{p.created}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
