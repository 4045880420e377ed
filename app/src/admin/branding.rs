//! `/admin/pools/:id/branding[?client=...]`: the logo and CSS of the hosted pages, for
//! the whole pool or one app client, with a live preview of the sign-in page beside the
//! editor.
//!
//! The editor is one multipart form. "Save" goes to the `save_branding` server function
//! (with JavaScript through an action, without it as a plain post); "Preview" posts the
//! same form into the preview frame (`/admin/pools/:id/branding/preview`, an axum
//! handler that renders the real sign-in page with the draft). With JavaScript the
//! preview and the inline CSS check follow typing, debounced.

use super::pool::{can_write, enc, param, PoolCrumbs, WithOperator};
use crate::components::Alert;
use crate::error::AdminError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use server_fn::codec::{MultipartData, MultipartFormData};
use server_fn::ServerFn;

/// What the branding page shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandingView {
    /// Pool id.
    pub pool_id: String,
    /// The client being edited (`None`: the pool's default for every client).
    pub client_id: Option<String>,
    /// Its name.
    pub client_name: Option<String>,
    /// The pool's clients (id, name), for the target picker.
    pub clients: Vec<(String, String)>,
    /// The stored CSS of exactly this target.
    pub css: String,
    /// The stored logo of exactly this target, as a data: URL.
    pub logo: Option<String>,
    /// Whether this target has its own customization (a client without one shows the
    /// pool's).
    pub own: bool,
}

#[cfg(feature = "ssr")]
fn branding_error(e: domain::branding::BrandingError) -> AdminError {
    use domain::branding::BrandingError as E;
    match e {
        E::Invalid(m) => AdminError::invalid("css", m),
        E::PoolNotFound(_) | E::ClientNotFound(_) => AdminError::invalid("target", e.to_string()),
        E::Store(e) => crate::ssr::internal(e),
    }
}

/// The branding of the pool (`client` empty) or of one client.
#[server(endpoint = "get_branding")]
pub async fn get_branding(pool_id: String, client: String) -> Result<BrandingView, AdminError> {
    use domain::branding::ALL_CLIENTS;
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let pool = svc.pools.get(&ctx, &pool_id).await.map_err(super::pool_settings::convert::pool_error)?;
            let clients = svc.clients.page(&ctx, &pool_id, 60, None).await.map_err(crate::ssr::internal)?.clients;
            let target = if client.is_empty() { ALL_CLIENTS.to_owned() } else { client.clone() };
            // Looked up by id, not in the picker's first page of clients.
            let client_name = if client.is_empty() {
                None
            } else {
                use domain::client::ClientError as E;
                let c = svc.clients.get(&ctx, &pool_id, &client).await.map_err(|e| match e {
                    E::NotFound(_) | E::PoolNotFound(_) => AdminError::invalid("client", e.to_string()),
                    other => crate::ssr::internal(other),
                })?;
                Some(c.name)
            };
            let stored = svc.branding.stored(&pool.id, &target).await.map_err(branding_error)?;
            Ok(BrandingView {
                pool_id: pool.id.as_str().to_owned(),
                client_id: (!client.is_empty()).then_some(client),
                client_name,
                clients: clients.iter().map(|c| (c.id.as_str().to_owned(), c.name.clone())).collect(),
                css: stored.as_ref().and_then(|s| s.css.clone()).unwrap_or_default(),
                logo: stored
                    .as_ref()
                    .and_then(|s| s.logo.as_ref())
                    .map(|(bytes, kind)| domain::branding::data_url(kind.content_type(), bytes)),
                own: stored.is_some(),
            })
        }
        .await,
    )
}

/// Checks a draft stylesheet with the same rules as saving; the error names the rule.
#[server(endpoint = "check_branding_css")]
pub async fn check_branding_css(css: String) -> Result<(), AdminError> {
    crate::ssr::respond(
        async {
            crate::ssr::admin_and_services().await?;
            domain::branding::sanitize_css(&css).map(|_| ()).map_err(branding_error)
        }
        .await,
    )
}

/// The most a branding form field may carry (the logo and the CSS are each limited to
/// 100 KB by the domain's rules).
#[cfg(feature = "ssr")]
const MAX_FIELD: usize = 256 * 1024;

/// Saves the editor's form (multipart: `pool_id`, `client_id`, `css`, `logo` file,
/// `remove_logo`). An empty file input keeps the stored logo.
#[server(endpoint = "save_branding", input = MultipartFormData)]
pub async fn save_branding(data: MultipartData) -> Result<String, AdminError> {
    use domain::branding::ALL_CLIENTS;
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let mut form = data.into_inner().ok_or(AdminError::Internal)?;
            let (mut pool_id, mut client_id, mut css, mut logo, mut remove) =
                (String::new(), String::new(), String::new(), Vec::new(), false);
            while let Some(mut field) = form
                .next_field()
                .await
                .map_err(|e| AdminError::invalid("form", format!("The form could not be read: {e}")))?
            {
                let name = field.name().unwrap_or_default().to_owned();
                // Read at most MAX_FIELD bytes of any field: the limits (100 KB for the
                // logo and the CSS) are checked by the domain, this only bounds memory.
                let mut bytes = Vec::new();
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|e| AdminError::invalid("form", format!("The form could not be read: {e}")))?
                {
                    if bytes.len() + chunk.len() > MAX_FIELD {
                        return Err(AdminError::invalid(
                            "form",
                            format!("The {name} field is larger than {} KB.", MAX_FIELD / 1024),
                        ));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                let text = || String::from_utf8_lossy(&bytes).into_owned();
                match name.as_str() {
                    "pool_id" => pool_id = text(),
                    "client_id" => client_id = text(),
                    "css" => css = text(),
                    "logo" => logo = bytes.to_vec(),
                    "remove_logo" => remove = true,
                    _ => {}
                }
            }
            let target = if client_id.is_empty() { ALL_CLIENTS.to_owned() } else { client_id.clone() };
            let pool = svc.pools.get(&ctx, &pool_id).await.map_err(super::pool_settings::convert::pool_error)?;
            let logo = if !logo.is_empty() {
                Some(logo)
            } else {
                svc.branding.kept_logo(&pool.id, &target, remove).await.map_err(branding_error)?.map(|(b, _)| b)
            };
            let css = css.trim();
            let css = (!css.is_empty()).then_some(css);
            svc.branding.set(&w, &pool_id, Some(&target), css, logo).await.map_err(branding_error)?;
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:branding_saved",
                &[("pool_id", pool_id.clone()), ("client_id", target)],
            )
            .await;
            Ok("Branding saved.".into())
        }
        .await,
    )
}

/// The branding page.
#[component]
pub fn BrandingPage() -> impl IntoView {
    let id = param("id");
    let query = use_query_map();
    let client = Memo::new(move |_| query.read().get("client").unwrap_or_default());
    let save = Action::new_local(|data: &web_sys::FormData| save_branding(data.clone().into()));
    let view_res =
        Resource::new(move || (id.get(), client.get(), save.version().get()), |(id, c, _)| get_branding(id, c));
    view! {
        <Title text="Branding" />
        <WithOperator>
            // Outside the Transition: a Suspense nested in it does not hydrate.
            {move || view! { <PoolCrumbs pool=id.get() section="/branding" /> }}
            <Transition fallback=|| view! { <p class="loading">"Loading branding…"</p> }>
                {move || view_res.get().map(|r| match r {
                    Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                    Ok(b) => view! { <BrandingEditor b save /> }.into_any(),
                })}
            </Transition>
        </WithOperator>
    }
}

#[component]
fn BrandingEditor(b: BrandingView, save: Action<web_sys::FormData, Result<String, AdminError>>) -> impl IntoView {
    let pool_href = format!("/admin/pools/{}", enc(&b.pool_id));
    let base = format!("{pool_href}/branding");
    let preview_url = match &b.client_id {
        Some(c) => format!("{base}/preview?client={}", enc(c)),
        None => format!("{base}/preview"),
    };
    let target_label = match &b.client_name {
        Some(n) => format!("App client {n}"),
        None => "Every app client (pool default)".to_owned(),
    };
    let writable = can_write();
    let css_error = RwSignal::new(None::<String>);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let preview_btn = NodeRef::<leptos::html::Button>::new();
    let timer = StoredValue::new(None::<TimeoutHandle>);
    // Typing: after a pause, check the CSS (inline message) and refresh the preview.
    let schedule = move || {
        // The last save's message no longer describes what is in the editor.
        if save.value().get_untracked().is_some() {
            save.value().set(None);
        }
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                let (Some(form), Some(btn)) = (form_ref.get_untracked(), preview_btn.get_untracked()) else { return };
                let css = web_sys::FormData::new_with_form(&form)
                    .ok()
                    .and_then(|d| d.get("css").as_string())
                    .unwrap_or_default();
                leptos::task::spawn_local(async move {
                    css_error.set(match check_branding_css(css).await {
                        Ok(()) => None,
                        Err(e) => Some(e.to_string()),
                    });
                });
                let _ = form.request_submit_with_submitter(Some(&btn));
            },
            std::time::Duration::from_millis(400),
        );
        timer.set_value(handle.ok());
    };
    let on_submit = move |ev: web_sys::SubmitEvent| {
        // "Preview" posts natively into the frame; "Save" goes through the action.
        let is_preview = ev.submitter().map(|s| s.id() == "branding-preview-button").unwrap_or(false);
        if is_preview {
            return;
        }
        ev.prevent_default();
        if let Some(form) = form_ref.get_untracked() {
            if let Ok(data) = web_sys::FormData::new_with_form(&form) {
                save.dispatch_local(data);
            }
        }
    };
    let result = save.value();
    let clients = b.clients.clone();
    let selected = b.client_id.clone().unwrap_or_default();
    view! {
        <div class="page-head">
            <h1>"Branding"</h1>
            <p class="muted">"The logo and stylesheet of the hosted sign-in pages. A client's own branding replaces the pool's."</p>
        </div>
        <form method="get" action=base.clone() class="inline-form panel">
            <div class="field">
                <label for="branding-target">"Applies to"</label>
                <select id="branding-target" name="client">
                    <option value="" selected=selected.is_empty()>"Every app client (pool default)"</option>
                    {clients.into_iter().map(|(id, name)| {
                        let sel = id == selected;
                        view! { <option value=id selected=sel>{format!("App client {name}")}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="btn">"Show"</button>
        </form>
        {(!b.own && b.client_id.is_some()).then(|| view! {
            <p class="alert alert-notice" role="status">"This client has no branding of its own: its pages show the pool's. Saving here gives it its own."</p>
        })}
        {move || result.get().map(|r| match r {
            Ok(m) => view! { <Alert kind="success" message=m /> }.into_any(),
            Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
        })}
        <div class="branding-layout">
            <section class="panel" aria-labelledby="editor-heading">
                <h2 id="editor-heading">{target_label}</h2>
                <form node_ref=form_ref method="post" action=SaveBranding::url() enctype="multipart/form-data"
                    class="stack" on:submit=on_submit>
                    <input type="hidden" name="pool_id" value=b.pool_id.clone() />
                    <input type="hidden" name="client_id" value=b.client_id.clone().unwrap_or_default() />
                    <div class="field">
                        <label for="branding-logo">"Logo (PNG or JPEG, at most 100 KB)"</label>
                        {b.logo.clone().map(|src| view! { <img class="logo-current" src=src alt="Current logo" /> })}
                        <input id="branding-logo" name="logo" type="file" accept="image/png,image/jpeg"
                            disabled=!writable on:change=move |_| schedule() />
                        {b.logo.is_some().then(|| view! {
                            <label class="check"><input type="checkbox" name="remove_logo" disabled=!writable on:change=move |_| schedule() />" Remove the logo"</label>
                        })}
                    </div>
                    <div class="field">
                        <label for="branding-css">"CSS"</label>
                        <textarea id="branding-css" name="css" rows="16" class="code" spellcheck="false"
                            readonly=!writable
                            aria-invalid=move || css_error.get().is_some().then_some("true")
                            aria-describedby="branding-css-help branding-css-error"
                            on:input=move |_| schedule()>{b.css.clone()}</textarea>
                        <p class="hint" id="branding-css-help">"Style the "<code>"cg-*"</code>" classes and set the "<code>"--cg-*"</code>" properties (README, \"Hosted pages\"). No @import, no external url(); images only as data: URLs."</p>
                        <div id="branding-css-error" aria-live="polite">
                            {move || css_error.get().map(|m| view! { <p class="alert alert-error" role="alert">{m}</p> })}
                        </div>
                    </div>
                    <div class="actions">
                        <button node_ref=preview_btn id="branding-preview-button" type="submit" class="btn"
                            formaction=preview_url.clone() formtarget="branding-preview">"Preview"</button>
                        {writable.then(|| view! {
                            <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                                {move || if save.pending().get() { "Saving…" } else { "Save branding" }}
                            </button>
                        })}
                    </div>
                </form>
            </section>
            <section class="panel preview-panel" aria-labelledby="preview-heading">
                <h2 id="preview-heading">"Preview: sign-in page"</h2>
                <iframe name="branding-preview" title="Preview of the hosted sign-in page" src=preview_url
                    sandbox="" class="preview-frame"></iframe>
            </section>
        </div>
    }
}
