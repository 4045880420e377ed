//! Shared widgets: page frame, notices, the not-found page.

use crate::dto::OperatorView;
use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for unknown paths.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <main class="auth-page">
            <div class="card">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address."</p>
                <p><a href="/admin">"Go to the console"</a></p>
            </div>
        </main>
    }
}

/// An error or notice box; errors are announced to screen readers.
#[component]
pub fn Alert(
    #[prop(into)] kind: String,
    #[prop(into)] message: String,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    let role = if kind == "error" { "alert" } else { "status" };
    view! { <p class=format!("alert alert-{kind}") role=role id=id>{message}</p> }
}

/// The console frame: top bar with the product name, the operator and sign-out.
#[component]
pub fn ConsoleFrame(operator: Option<OperatorView>, children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/admin">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "Cognate"
            </a>
            <nav aria-label="Main">
                <a href="/admin">"User pools"</a>
                <a href="/admin/operators">"Operators"</a>
                <a href="/admin/keys">"API keys"</a>
                <a href="/admin/audit">"Audit log"</a>
                <a href="/admin/mailbox">"Mailbox"</a>
            </nav>
            <div class="topbar-end">
                {operator.map(|op| view! {
                    <span class="operator" title=op.role.clone()>{op.email.clone()}</span>
                })}
                <form method="post" action="/admin/logout">
                    <button type="submit" class="btn btn-ghost">"Sign out"</button>
                </form>
            </div>
        </header>
        <main id="main" class="content">{children()}</main>
    }
}

/// A value ready to copy: the text itself (selectable without JavaScript) and, once the
/// page is interactive, a button that puts it on the clipboard.
#[component]
pub fn Copyable(#[prop(into)] value: String, #[prop(into)] label: String) -> impl IntoView {
    let interactive = RwSignal::new(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| interactive.set(true));
    let copied = RwSignal::new(false);
    let text = value.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text);
            copied.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
    };
    view! {
        <code class="copyable">{value}</code>
        {move || interactive.get().then(|| {
            let copy = copy.clone();
            view! {
                " "
                <button type="button" class="btn btn-ghost btn-small" aria-label=format!("Copy {label}") on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            }
        })}
    }
}
