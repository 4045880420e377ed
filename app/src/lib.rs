//! Cognate's Leptos app: the admin console (and, later, the hosted sign-in pages) with
//! the server functions they call. Server functions are thin: session -> capability,
//! one domain service call, domain result -> view DTO. Under `ssr` the app sees the
//! domain but never the store or sqlx.
#![recursion_limit = "256"]

pub mod admin;
pub mod components;
pub mod dto;
pub mod error;
pub mod hosted;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::headers::set_security_headers();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="stylesheet" href="/pkg/cognate.css" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The router of every page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|t: String| if t.is_empty() { "Cognate".to_owned() } else { format!("{t} · Cognate") } />
        <Router>
            <Routes fallback=components::NotFound>
                <Route path=path!("/") view=|| view! { <Redirect path="/admin" /> } />
                // Pages with forms that must work without JavaScript render after their
                // data is ready (no streamed fallback swapped in by script).
                <Route path=path!("/admin/login") view=admin::login::LoginPage ssr=SsrMode::Async />
                <Route path=path!("/admin/setup") view=admin::setup::SetupPage ssr=SsrMode::Async />
                <Route path=path!("/admin") view=admin::dashboard::Dashboard ssr=SsrMode::Async />
                <Route path=path!("/admin/operators") view=admin::operators::OperatorsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/keys") view=admin::keys::KeysPage ssr=SsrMode::Async />
                <Route path=path!("/admin/mailbox") view=admin::mailbox::MailboxPage ssr=SsrMode::Async />
                <Route path=path!("/admin/audit") view=admin::audit::AuditPage ssr=SsrMode::Async />
                <Route path=path!("/admin/pools/:id") view=admin::pool::PoolPage ssr=SsrMode::Async />
                <Route path=path!("/admin/pools/:id/branding") view=admin::branding::BrandingPage ssr=SsrMode::Async />
                <Route path=path!("/admin/pools/:id/users") view=admin::pool::UsersPage ssr=SsrMode::Async />
                <Route path=path!("/admin/pools/:id/users/:username") view=admin::pool::UserPage ssr=SsrMode::Async />
                <Route path=path!("/admin/pools/:id/groups") view=admin::groups::GroupsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/pools/:id/clients") view=admin::clients::ClientsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/pools/:id/clients/:client") view=admin::clients::ClientPage ssr=SsrMode::Async />
                <Route path=path!("/admin/pools/:id/groups/:name") view=admin::groups::GroupPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}
