//! `/admin/pools/:id/clients` (list, create; the secret is shown once) and
//! `/admin/pools/:id/clients/:client` (edit flows, OAuth, token lifetimes; delete).

use super::pool::{can_write, enc, param, PoolCrumbs, WithOperator};
use crate::components::Alert;
use crate::error::AdminError;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// A client as the pages show and edit it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Has a secret.
    pub confidential: bool,
    /// `ALLOW_*` flows.
    pub auth_flows: Vec<String>,
    /// OAuth enabled.
    pub oauth: bool,
    /// `code`, `implicit`, `client_credentials`.
    pub oauth_flows: Vec<String>,
    /// Scopes.
    pub scopes: Vec<String>,
    /// Callback URLs.
    pub callback_urls: Vec<String>,
    /// Sign-out URLs.
    pub logout_urls: Vec<String>,
    /// Access token lifetime, minutes.
    pub access_minutes: u64,
    /// ID token lifetime, minutes.
    pub id_minutes: u64,
    /// Refresh token lifetime, days.
    pub refresh_days: u64,
    /// `PreventUserExistenceErrors`.
    pub prevent_user_existence_errors: bool,
    /// `EnableTokenRevocation`.
    pub enable_token_revocation: bool,
    /// Attributes the client may read (empty: all).
    pub read_attributes: Vec<String>,
    /// Attributes the client may write (empty: all mutable).
    pub write_attributes: Vec<String>,
}

/// The form of create and edit: checkboxes arrive as "on".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientForm {
    /// Pool.
    pub pool_id: String,
    /// Client id (edit only).
    pub client_id: Option<String>,
    /// Name.
    pub name: String,
    /// Generate a secret (create only).
    pub generate_secret: Option<String>,
    /// ALLOW_USER_PASSWORD_AUTH.
    pub flow_user_password: Option<String>,
    /// ALLOW_USER_SRP_AUTH.
    pub flow_user_srp: Option<String>,
    /// ALLOW_REFRESH_TOKEN_AUTH.
    pub flow_refresh: Option<String>,
    /// ALLOW_ADMIN_USER_PASSWORD_AUTH.
    pub flow_admin: Option<String>,
    /// ALLOW_CUSTOM_AUTH.
    pub flow_custom: Option<String>,
    /// OAuth enabled.
    pub oauth: Option<String>,
    /// code flow.
    pub oauth_code: Option<String>,
    /// implicit flow.
    pub oauth_implicit: Option<String>,
    /// client credentials.
    pub oauth_client_credentials: Option<String>,
    /// Space-separated scopes.
    pub scopes: Option<String>,
    /// One URL a line.
    pub callback_urls: Option<String>,
    /// One URL a line.
    pub logout_urls: Option<String>,
    /// Minutes.
    pub access_minutes: Option<String>,
    /// Minutes.
    pub id_minutes: Option<String>,
    /// Days.
    pub refresh_days: Option<String>,
    /// PreventUserExistenceErrors.
    pub prevent_user_existence_errors: Option<String>,
    /// EnableTokenRevocation.
    pub enable_token_revocation: Option<String>,
    /// Space-separated readable attributes (empty: all).
    pub read_attributes: Option<String>,
    /// Space-separated writable attributes (empty: all mutable).
    pub write_attributes: Option<String>,
}

#[cfg(feature = "ssr")]
mod convert {
    use super::*;
    use domain::client::{
        AppClient, AuthFlow, ClientConfig, ClientError, OAuthFlow, OAuthSettings, TimeUnit, Validity,
    };

    pub fn view_of(c: &AppClient) -> ClientView {
        let cfg = &c.config;
        ClientView {
            id: c.id.as_str().to_owned(),
            name: c.name.clone(),
            confidential: c.sealed_secret.is_some(),
            auth_flows: cfg.auth_flows.iter().map(|f| f.as_str().to_owned()).collect(),
            oauth: cfg.oauth.enabled,
            oauth_flows: cfg.oauth.flows.iter().map(|f| f.as_str().to_owned()).collect(),
            scopes: cfg.oauth.scopes.clone(),
            callback_urls: cfg.oauth.callback_urls.clone(),
            logout_urls: cfg.oauth.logout_urls.clone(),
            access_minutes: cfg.access_token.duration().as_secs() / 60,
            id_minutes: cfg.id_token.duration().as_secs() / 60,
            refresh_days: cfg.refresh_token.duration().as_secs() / 86_400,
            prevent_user_existence_errors: cfg.prevent_user_existence_errors,
            enable_token_revocation: cfg.enable_token_revocation,
            read_attributes: cfg.read_attributes.clone(),
            write_attributes: cfg.write_attributes.clone(),
        }
    }

    fn number(v: &Option<String>, field: &str, default: u64) -> Result<u64, AdminError> {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(t) => t.parse().map_err(|_| AdminError::invalid(field, "Enter a whole number.")),
        }
    }

    fn lines(v: &Option<String>) -> Vec<String> {
        v.as_deref().unwrap_or("").lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
    }

    fn words(v: &Option<String>) -> Vec<String> {
        v.as_deref().unwrap_or("").split_whitespace().map(str::to_owned).collect()
    }

    pub fn config_of(f: &ClientForm, base: ClientConfig) -> Result<ClientConfig, AdminError> {
        let on = |v: &Option<String>| v.is_some();
        let mut flows = Vec::new();
        for (v, flow) in [
            (&f.flow_user_password, AuthFlow::UserPassword),
            (&f.flow_user_srp, AuthFlow::UserSrp),
            (&f.flow_refresh, AuthFlow::RefreshToken),
            (&f.flow_admin, AuthFlow::AdminUserPassword),
            (&f.flow_custom, AuthFlow::Custom),
        ] {
            if on(v) {
                flows.push(flow);
            }
        }
        let mut oauth_flows = Vec::new();
        for (v, flow) in [
            (&f.oauth_code, OAuthFlow::Code),
            (&f.oauth_implicit, OAuthFlow::Implicit),
            (&f.oauth_client_credentials, OAuthFlow::ClientCredentials),
        ] {
            if on(v) {
                oauth_flows.push(flow);
            }
        }
        let config = ClientConfig {
            auth_flows: flows,
            access_token: Validity { value: number(&f.access_minutes, "access_minutes", 60)?, unit: TimeUnit::Minutes },
            id_token: Validity { value: number(&f.id_minutes, "id_minutes", 60)?, unit: TimeUnit::Minutes },
            refresh_token: Validity { value: number(&f.refresh_days, "refresh_days", 30)?, unit: TimeUnit::Days },
            units_given: true,
            prevent_user_existence_errors: on(&f.prevent_user_existence_errors),
            enable_token_revocation: on(&f.enable_token_revocation),
            read_attributes: words(&f.read_attributes),
            write_attributes: words(&f.write_attributes),
            oauth: OAuthSettings {
                enabled: on(&f.oauth),
                flows: oauth_flows,
                scopes: f.scopes.as_deref().unwrap_or("").split_whitespace().map(str::to_owned).collect(),
                callback_urls: lines(&f.callback_urls),
                logout_urls: lines(&f.logout_urls),
                default_redirect_uri: None,
                identity_providers: vec!["COGNITO".into()],
            },
            ..base
        };
        Ok(config)
    }

    pub fn client_error(e: ClientError) -> AdminError {
        match e {
            ClientError::PoolNotFound(_) | ClientError::NotFound(_) | ClientError::Config(_) | ClientError::BadName => {
                AdminError::invalid("name", e.to_string())
            }
            ClientError::Attributes(m) => AdminError::invalid("attributes", m),
            ClientError::OAuth(o) => AdminError::invalid("oauth", o.to_string()),
            other => crate::ssr::internal(other),
        }
    }
}

/// The created client and, once, its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedClient {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The secret, shown this once.
    pub secret: Option<String>,
}

/// The pool's clients.
#[server(endpoint = "list_pool_clients")]
pub async fn list_pool_clients(pool_id: String) -> Result<Vec<ClientView>, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let page = svc.clients.page(&ctx, &pool_id, 60, None).await.map_err(convert::client_error)?;
            Ok(page.clients.iter().map(convert::view_of).collect())
        }
        .await,
    )
}

/// Creates a client.
#[server(endpoint = "create_pool_client")]
pub async fn create_pool_client(form: ClientForm) -> Result<CreatedClient, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let config = convert::config_of(&form, domain::client::ClientConfig::default())?;
            let c = svc
                .clients
                .create(&w, &form.pool_id, form.name.trim(), form.generate_secret.is_some(), config)
                .await
                .map_err(convert::client_error)?;
            let secret = svc.clients.secret(&c).map_err(crate::ssr::internal)?.map(|s| s.secret().to_owned());
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:app_client_created",
                &[("pool_id", form.pool_id.to_string()), ("client_id", c.id.as_str().to_string())],
            )
            .await;
            Ok(CreatedClient { id: c.id.as_str().to_owned(), name: c.name, secret })
        }
        .await,
    )
}

/// One client.
#[server(endpoint = "get_pool_client")]
pub async fn get_pool_client(pool_id: String, client_id: String) -> Result<ClientView, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let c = svc.clients.get(&ctx, &pool_id, &client_id).await.map_err(convert::client_error)?;
            Ok(convert::view_of(&c))
        }
        .await,
    )
}

/// Saves a client's settings.
#[server(endpoint = "update_pool_client")]
pub async fn update_pool_client(form: ClientForm) -> Result<String, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let id = form.client_id.clone().unwrap_or_default();
            let current = svc.clients.get(&ctx, &form.pool_id, &id).await.map_err(convert::client_error)?;
            let config = convert::config_of(&form, current.config.clone())?;
            svc.clients
                .update(&w, &form.pool_id, &id, Some(form.name.trim()), config)
                .await
                .map_err(convert::client_error)?;
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:app_client_updated",
                &[("pool_id", form.pool_id.to_string()), ("client_id", id.to_string())],
            )
            .await;
            Ok("Client saved.".into())
        }
        .await,
    )
}

/// Deletes a client.
#[server(endpoint = "delete_pool_client")]
pub async fn delete_pool_client(pool_id: String, client_id: String) -> Result<String, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            svc.clients.delete(&w, &pool_id, &client_id).await.map_err(convert::client_error)?;
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:app_client_deleted",
                &[("pool_id", pool_id.to_string()), ("client_id", client_id.to_string())],
            )
            .await;
            Ok("Client deleted.".into())
        }
        .await,
    )
}

#[component]
fn Check(name: &'static str, label: &'static str, checked: bool) -> impl IntoView {
    let (id, for_id) = (format!("c-{name}"), format!("c-{name}"));
    view! {
        <label class="check" for=for_id>
            <input id=id type="checkbox" name=format!("form[{name}]") checked=checked />
            " " {label}
        </label>
    }
}

/// The settings fields shared by create and edit (names inside `form[...]`).
#[component]
fn ClientFields(c: ClientView, create: bool) -> impl IntoView {
    let has = |list: &Vec<String>, x: &str| list.iter().any(|f| f == x);
    let defaults = create;
    view! {
        <div class="field">
            <label for="c-name">"Client name"</label>
            <input id="c-name" name="form[name]" type="text" required maxlength="128" value=c.name.clone() />
        </div>
        {create.then(|| view! { <Check name="generate_secret" label="Generate a client secret (confidential client)" checked=false /> })}
        <fieldset>
            <legend>"Sign-in flows"</legend>
            <Check name="flow_user_password" label="ALLOW_USER_PASSWORD_AUTH" checked=has(&c.auth_flows, "ALLOW_USER_PASSWORD_AUTH") />
            <Check name="flow_user_srp" label="ALLOW_USER_SRP_AUTH" checked=defaults || has(&c.auth_flows, "ALLOW_USER_SRP_AUTH") />
            <Check name="flow_refresh" label="ALLOW_REFRESH_TOKEN_AUTH" checked=defaults || has(&c.auth_flows, "ALLOW_REFRESH_TOKEN_AUTH") />
            <Check name="flow_admin" label="ALLOW_ADMIN_USER_PASSWORD_AUTH" checked=has(&c.auth_flows, "ALLOW_ADMIN_USER_PASSWORD_AUTH") />
            <Check name="flow_custom" label="ALLOW_CUSTOM_AUTH" checked=defaults || has(&c.auth_flows, "ALLOW_CUSTOM_AUTH") />
        </fieldset>
        <fieldset>
            <legend>"OAuth 2.0 and hosted pages"</legend>
            <Check name="oauth" label="Use the OAuth endpoints and hosted pages" checked=c.oauth />
            <Check name="oauth_code" label="Authorization code (PKCE)" checked=has(&c.oauth_flows, "code") />
            <Check name="oauth_implicit" label="Implicit" checked=has(&c.oauth_flows, "implicit") />
            <Check name="oauth_client_credentials" label="Client credentials" checked=has(&c.oauth_flows, "client_credentials") />
            <div class="field">
                <label for="c-scopes">"Scopes (space-separated)"</label>
                <input id="c-scopes" name="form[scopes]" type="text" value=c.scopes.join(" ") placeholder="openid email" />
            </div>
            <div class="field">
                <label for="c-callbacks">"Callback URLs (one a line)"</label>
                <textarea id="c-callbacks" name="form[callback_urls]" rows="3">{c.callback_urls.join("\n")}</textarea>
            </div>
            <div class="field">
                <label for="c-logouts">"Sign-out URLs (one a line)"</label>
                <textarea id="c-logouts" name="form[logout_urls]" rows="2">{c.logout_urls.join("\n")}</textarea>
            </div>
        </fieldset>
        <fieldset>
            <legend>"Tokens"</legend>
            <div class="field"><label for="c-access">"Access token lifetime (minutes)"</label>
                <input id="c-access" name="form[access_minutes]" type="number" min="5" max="1440" value=c.access_minutes.to_string() /></div>
            <div class="field"><label for="c-id">"ID token lifetime (minutes)"</label>
                <input id="c-id" name="form[id_minutes]" type="number" min="5" max="1440" value=c.id_minutes.to_string() /></div>
            <div class="field"><label for="c-refresh">"Refresh token lifetime (days)"</label>
                <input id="c-refresh" name="form[refresh_days]" type="number" min="1" max="3650" value=c.refresh_days.to_string() /></div>
            <Check name="prevent_user_existence_errors" label="Prevent user existence errors" checked=defaults || c.prevent_user_existence_errors />
            <Check name="enable_token_revocation" label="Refresh tokens can be revoked" checked=defaults || c.enable_token_revocation />
        </fieldset>
        <fieldset>
            <legend>"Attribute permissions"</legend>
            <p class="hint">"Space-separated attribute names, e.g. email name custom:tier. Empty: every attribute (writes: every mutable one)."</p>
            <div class="field">
                <label for="c-read">"Readable attributes"</label>
                <input id="c-read" name="form[read_attributes]" type="text" value=c.read_attributes.join(" ") />
            </div>
            <div class="field">
                <label for="c-write">"Writable attributes"</label>
                <input id="c-write" name="form[write_attributes]" type="text" value=c.write_attributes.join(" ") />
            </div>
        </fieldset>
    }
}

fn new_client() -> ClientView {
    ClientView { access_minutes: 60, id_minutes: 60, refresh_days: 30, ..Default::default() }
}

/// The pool's app clients.
#[component]
pub fn ClientsPage() -> impl IntoView {
    let id = param("id");
    let create = ServerAction::<CreatePoolClient>::new();
    let list = Resource::new(move || (id.get(), create.version().get()), |(id, _)| list_pool_clients(id));
    view! {
        <Title text="App clients" />
        <WithOperator>
            {move || {
                let pool = id.get();
                let pool2 = pool.clone();
                view! {
                    <PoolCrumbs pool=pool.clone() section="/clients" />
                    <div class="page-head"><h1>"App clients"</h1></div>
                    <section class="panel" aria-labelledby="clients-heading">
                        <h2 id="clients-heading">"All app clients"</h2>
                        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                            {move || list.get().map(|r| match r {
                                Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                                Ok(l) if l.is_empty() => view! { <div class="empty-state"><p class="empty-title">"No app clients yet"</p></div> }.into_any(),
                                Ok(l) => view! {
                                    <table class="table">
                                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Client id"</th><th scope="col">"Type"</th></tr></thead>
                                        <tbody>{l.into_iter().map(|c| {
                                            let href = format!("/admin/pools/{}/clients/{}", enc(&pool2), enc(&c.id));
                                            view! { <tr>
                                                <td><a href=href>{c.name.clone()}</a></td>
                                                <td><code>{c.id.clone()}</code></td>
                                                <td>{if c.confidential { "Confidential" } else { "Public" }}</td>
                                            </tr> }
                                        }).collect_view()}</tbody>
                                    </table>
                                }.into_any(),
                            })}
                        </Transition>
                    </section>
                    {can_write().then(|| view! {
                        <section class="panel" aria-labelledby="create-client-heading">
                            <h2 id="create-client-heading">"Create an app client"</h2>
                            <ActionForm action=create attr:class="stack">
                                <input type="hidden" name="form[pool_id]" value=pool.clone() />
                                <ClientFields c=new_client() create=true />
                                <button type="submit" class="btn btn-primary">"Create app client"</button>
                            </ActionForm>
                            {move || match create.value().get() {
                                Some(Ok(c)) => view! {
                                    <div class="alert alert-success" role="status">
                                        <p>"Created app client " <strong>{c.name.clone()}</strong> " with id " <code>{c.id.clone()}</code> "."</p>
                                        {c.secret.clone().map(|s| view! {
                                            <p>"Client secret (shown only now; copy it): " <code class="copyable" id="client-secret">{s}</code></p>
                                        })}
                                    </div>
                                }.into_any(),
                                Some(Err(e)) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                                None => ().into_any(),
                            }}
                        </section>
                    })}
                }
            }}
        </WithOperator>
    }
}

/// One app client: edit and delete.
#[component]
pub fn ClientPage() -> impl IntoView {
    let id = param("id");
    let client = param("client");
    let save = ServerAction::<UpdatePoolClient>::new();
    let delete = ServerAction::<DeletePoolClient>::new();
    let data = Resource::new(move || (id.get(), client.get(), save.version().get()), |(p, c, _)| get_pool_client(p, c));
    view! {
        <Title text="App client" />
        <WithOperator>
            {move || {
                let (pool, cid) = (id.get(), client.get());
                view! {
                    <PoolCrumbs pool=pool.clone() section="/clients" trail=vec![(cid.clone(), None)] />
                    {move || [save.value().get(), delete.value().get()].into_iter().flatten().map(|r| match r {
                        Ok(m) => view! { <Alert kind="success" message=m /> }.into_any(),
                        Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                    }).collect_view()}
                    <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                        {move || data.get().map(|r| match r {
                            Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                            Ok(c) => {
                                let (p1, c1, p2, c2) = (pool.clone(), cid.clone(), pool.clone(), cid.clone());
                                view! {
                                    <div class="page-head"><h1>{c.name.clone()}</h1>
                                        <p class="muted"><code>{c.id.clone()}</code> " · " {if c.confidential { "Confidential client" } else { "Public client" }}</p>
                                        <p><a class="btn" href=format!("/admin/pools/{}/branding?client={}", enc(&pool), enc(&c.id))>"Branding of this client"</a></p>
                                    </div>
                                    <section class="panel" aria-labelledby="client-settings">
                                        <h2 id="client-settings">"Settings"</h2>
                                        <ActionForm action=save attr:class="stack">
                                            <input type="hidden" name="form[pool_id]" value=p1 />
                                            <input type="hidden" name="form[client_id]" value=c1 />
                                            <ClientFields c=c.clone() create=false />
                                            {can_write().then(|| view! { <button type="submit" class="btn btn-primary">"Save client"</button> })}
                                        </ActionForm>
                                    </section>
                                    {can_write().then(|| view! {
                                        <details class="danger-zone">
                                            <summary>"Delete app client…"</summary>
                                            <p>"Applications using this client id stop working at once."</p>
                                            <ActionForm action=delete attr:class="inline">
                                                <input type="hidden" name="pool_id" value=p2.clone() />
                                                <input type="hidden" name="client_id" value=c2.clone() />
                                                <button type="submit" class="btn btn-danger">"Delete app client permanently"</button>
                                            </ActionForm>
                                        </details>
                                    })}
                                }.into_any()
                            }
                        })}
                    </Transition>
                }
            }}
        </WithOperator>
    }
}
