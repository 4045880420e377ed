//! `/admin`: the dashboard. Lists user pools (with an empty state) and creates one by name.

use super::api::{current_operator, list_pools};
use super::pool_settings::{CreatePool, CreatePoolForm};
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
