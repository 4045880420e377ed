//! `/admin/pools/:id` (overview), `/admin/pools/:id/users` (search, pages, create) and
//! `/admin/pools/:id/users/:username` (detail and actions). Search is a plain GET form
//! and every action a form post, so all of it works without JavaScript.

use super::api::current_operator;
use super::pool_settings::{
    AddCustomAttribute, AttributesPanel, DeletePool, PolicyFields, RotateSigningKey, UpdatePoolSettings,
    VerificationFields,
};
use super::users_api::{get_pool_user, list_pool_users, pool_overview, CreatePoolUser, EditPoolUser, UserAction};
use crate::components::{Alert, ConsoleFrame, Copyable};
use crate::dto::{OperatorView, UserRowView};
use crate::error::AdminError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

pub(crate) fn param(name: &'static str) -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get(name).unwrap_or_default())
}

/// Percent-encodes a path segment or query value.
pub(crate) fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The console frame once the operator is known; a sign-in prompt otherwise.
#[component]
pub(crate) fn WithOperator(children: ChildrenFn) -> impl IntoView {
    let operator = Resource::new(|| (), |_| current_operator());
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || operator.get().map(|op| match op {
                Err(AdminError::Unauthenticated) => view! {
                    <main class="auth-page"><div class="card">
                        <h1>"Signed out"</h1>
                        <p>"Your session has ended."</p>
                        <p><a class="btn btn-primary" href="/admin/login">"Sign in again"</a></p>
                    </div></main>
                }.into_any(),
                Err(e) => view! { <main class="content"><Alert kind="error" message=e.to_string() /></main> }.into_any(),
                Ok(op) => {
                    provide_context(op.clone());
                    view! { <ConsoleFrame operator=Some(op)>{children.with_value(|c| c())}</ConsoleFrame> }.into_any()
                }
            })}
        </Suspense>
    }
}

pub(crate) fn can_write() -> bool {
    use_context::<OperatorView>().map(|o| o.can_write).unwrap_or(false)
}

#[component]
pub(crate) fn Crumbs(items: Vec<(String, Option<String>)>) -> impl IntoView {
    view! {
        <nav aria-label="Breadcrumb" class="breadcrumbs">
            <ol>
                {items.into_iter().map(|(label, href)| match href {
                    Some(h) => view! { <li><a href=h>{label}</a></li> }.into_any(),
                    None => view! { <li aria-current="page">{label}</li> }.into_any(),
                }).collect_view()}
            </ol>
        </nav>
    }
}

/// The sections of a pool: (path suffix, label).
const POOL_SECTIONS: &[(&str, &str)] = &[
    ("", "Overview"),
    ("/users", "Users"),
    ("/groups", "Groups"),
    ("/clients", "App clients"),
    ("/branding", "Branding"),
];

/// Breadcrumbs that name the pool, the pool's section tabs, and a switcher to the same
/// section of another pool. `section` is one of `POOL_SECTIONS`' suffixes; `trail`
/// continues the breadcrumbs after the section (a user, a group, ...).
#[component]
pub(crate) fn PoolCrumbs(
    pool: String,
    #[prop(into)] section: String,
    #[prop(optional)] trail: Vec<(String, Option<String>)>,
) -> impl IntoView {
    let pools = Resource::new(|| (), |_| super::api::list_pools());
    let pool_href = format!("/admin/pools/{}", enc(&pool));
    view! {
        <Suspense fallback=|| ()>
            {move || pools.get().map(|r| {
                let list = r.unwrap_or_default();
                let name = list.iter().find(|p| p.id == pool).map(|p| p.name.clone()).unwrap_or_else(|| pool.clone());
                let label = POOL_SECTIONS.iter().find(|(s, _)| *s == section).map(|(_, l)| *l).unwrap_or("");
                let mut items = vec![("User pools".to_owned(), Some("/admin".to_owned()))];
                let at_overview = section.is_empty() && trail.is_empty();
                items.push((name.clone(), (!at_overview).then(|| pool_href.clone())));
                if !section.is_empty() {
                    let here = trail.is_empty();
                    items.push((label.to_owned(), (!here).then(|| format!("{pool_href}{section}"))));
                }
                items.extend(trail.clone());
                let others: Vec<(String, String)> = list
                    .iter()
                    .filter(|p| p.id != pool)
                    .map(|p| (p.name.clone(), format!("/admin/pools/{}{}", enc(&p.id), section)))
                    .collect();
                view! {
                    <div class="pool-bar">
                        <Crumbs items />
                        {(!others.is_empty()).then(|| view! {
                            <details class="pool-switcher">
                                <summary>"Switch pool"</summary>
                                <ul aria-label="Other user pools">
                                    {others.into_iter().map(|(n, h)| view! { <li><a href=h>{n}</a></li> }).collect_view()}
                                </ul>
                            </details>
                        })}
                    </div>
                    <nav class="tabs" aria-label=format!("Pool {name}")>
                        {POOL_SECTIONS.iter().map(|(suffix, l)| {
                            let current = (*suffix == section).then_some("page");
                            view! { <a href=format!("{pool_href}{suffix}") aria-current=current>{*l}</a> }
                        }).collect_view()}
                    </nav>
                }
            })}
        </Suspense>
    }
}

/// The pool overview.
#[component]
pub fn PoolPage() -> impl IntoView {
    let id = param("id");
    let save = ServerAction::<UpdatePoolSettings>::new();
    let delete = ServerAction::<DeletePool>::new();
    let add = ServerAction::<AddCustomAttribute>::new();
    let rotate = ServerAction::<RotateSigningKey>::new();
    let save_mfa = ServerAction::<super::security::SavePoolMfa>::new();
    let overview = Resource::new(
        move || (id.get(), save.version().get(), add.version().get(), rotate.version().get(), save_mfa.version().get()),
        |(id, _, _, _, _)| pool_overview(id),
    );
    view! {
        <Title text="User pool" />
        <WithOperator>
            // Outside the Transition: a Suspense nested in it does not hydrate.
            {move || view! { <PoolCrumbs pool=id.get() section="" /> }}
            {move || [save.value().get(), delete.value().get(), rotate.value().get(), save_mfa.value().get()].into_iter().flatten().map(|r| match r {
                Ok(m) if m == "Pool deleted." => view! {
                    <p class="alert alert-success" role="status">{m} " " <a href="/admin">"Back to the pools"</a></p>
                }.into_any(),
                Ok(m) => view! { <Alert kind="success" message=m /> }.into_any(),
                Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
            }).collect_view()}
            <Transition fallback=|| view! { <p class="loading">"Loading pool…"</p> }>
                {move || overview.get().map(|r| match r {
                    Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                    Ok(p) => {
                        let users_href = format!("/admin/pools/{}/users", enc(&p.id));
                        view! {
                            <div class="page-head">
                                <h1>{p.name.clone()}</h1>
                                <p class="muted">"Created " {p.created.clone()}</p>
                            </div>
                            <section class="panel" aria-labelledby="counts-heading">
                                <h2 id="counts-heading">"At a glance"</h2>
                                <dl class="stats">
                                    <div><dt>"Users"</dt><dd>{p.users_total}</dd></div>
                                    {p.users_by_status.iter().map(|(s, n)| view! {
                                        <div><dt>{status_label(s)}</dt><dd>{*n}</dd></div>
                                    }).collect_view()}
                                    <div><dt>"Groups"</dt><dd>{p.groups}</dd></div>
                                    <div><dt>"App clients"</dt><dd>{p.clients}</dd></div>
                                </dl>
                                <p class="actions">
                                    <a class="btn btn-primary" href=users_href>"Manage users"</a>
                                    <a class="btn" href=format!("/admin/pools/{}/groups", enc(&p.id))>"Manage groups"</a>
                                    <a class="btn" href=format!("/admin/pools/{}/clients", enc(&p.id))>"Manage app clients"</a>
                                    <a class="btn" href=format!("/admin/pools/{}/branding", enc(&p.id))>"Branding"</a>
                                </p>
                            </section>
                            <section class="panel" aria-labelledby="ids-heading">
                                <h2 id="ids-heading">"Ids and endpoints"</h2>
                                <dl class="kv">
                                    <dt>"Pool id"</dt><dd><Copyable value=p.id.clone() label="pool id" /></dd>
                                    <dt>"Issuer"</dt><dd><Copyable value=p.issuer.clone() label="issuer" /></dd>
                                    <dt>"Discovery"</dt><dd><Copyable value=p.discovery_url.clone() label="discovery URL" /></dd>
                                    <dt>"JWKS"</dt><dd><Copyable value=p.jwks_url.clone() label="JWKS URL" /></dd>
                                </dl>
                            </section>
                            <section class="panel" aria-labelledby="keys-heading">
                                <h2 id="keys-heading">"Token signing keys"</h2>
                                <p class="muted">"Key ids in the JWKS; the first signs new tokens."</p>
                                <ul class="key-list">
                                    {p.signing_keys.iter().enumerate().map(|(i, k)| view! {
                                        <li><code>{k.clone()}</code>{(i == 0).then_some(" (signing)")}</li>
                                    }).collect_view()}
                                </ul>
                                {can_write().then(|| {
                                    let pid = p.id.clone();
                                    view! {
                                        <details class="danger-zone">
                                            <summary>"Rotate the signing key…"</summary>
                                            <p>"A new key signs from now on. The old one stays in the JWKS for a day, so tokens it signed keep working until they expire."</p>
                                            <ActionForm action=rotate attr:class="inline">
                                                <input type="hidden" name="pool_id" value=pid />
                                                <button type="submit" class="btn btn-danger">"Rotate signing key now"</button>
                                            </ActionForm>
                                        </details>
                                    }
                                })}
                            </section>
                            <AttributesPanel pool=p.clone() add=add />
                            <super::security::PoolMfaPanel pool_id=p.id.clone() mfa=p.mfa.clone() save=save_mfa writable=can_write() />
                            {can_write().then(|| {
                                let (pid, pid2) = (p.id.clone(), p.id.clone());
                                view! {
                                    <section class="panel" aria-labelledby="settings-heading">
                                        <h2 id="settings-heading">"Settings"</h2>
                                        <ActionForm action=save attr:class="stack">
                                            <input type="hidden" name="pool_id" value=pid />
                                            <div class="field">
                                                <label for="pool-name-edit">"Pool name"</label>
                                                <input id="pool-name-edit" name="name" type="text" required maxlength="128" value=p.name.clone() />
                                            </div>
                                            <PolicyFields prefix="" min_length=p.min_length lower=p.require_lowercase upper=p.require_uppercase numbers=p.require_numbers symbols=p.require_symbols />
                                            <VerificationFields prefix="" verify_email=p.verify_email verify_phone=p.verify_phone keep_original=p.keep_original recovery=p.recovery.clone() />
                                            <label class="check"><input type="checkbox" name="self_sign_up" checked=p.self_sign_up />" Users may sign themselves up"</label>
                                            <label class="check"><input type="checkbox" name="deletion_protection" checked=p.deletion_protection />" Deletion protection"</label>
                                            <button type="submit" class="btn btn-primary">"Save settings"</button>
                                        </ActionForm>
                                        <details class="danger-zone">
                                            <summary>"Delete pool…"</summary>
                                            <p>"Deleting removes every user, group, client and key of this pool. It cannot be undone."</p>
                                            <ActionForm action=delete attr:class="inline">
                                                <input type="hidden" name="pool_id" value=pid2 />
                                                <button type="submit" class="btn btn-danger">"Delete pool permanently"</button>
                                            </ActionForm>
                                        </details>
                                    </section>
                                }
                            })}
                        }.into_any()
                    }
                })}
            </Transition>
        </WithOperator>
    }
}

fn status_label(s: &str) -> String {
    match s {
        "CONFIRMED" => "Confirmed".into(),
        "UNCONFIRMED" => "Unconfirmed".into(),
        "FORCE_CHANGE_PASSWORD" => "Must change password".into(),
        "RESET_REQUIRED" => "Reset required".into(),
        "EXTERNAL_PROVIDER" => "External provider".into(),
        other => other.to_owned(),
    }
}

#[component]
fn StatusBadge(status: String, enabled: bool) -> impl IntoView {
    let kind = match status.as_str() {
        "CONFIRMED" => "success",
        "UNCONFIRMED" | "FORCE_CHANGE_PASSWORD" | "RESET_REQUIRED" => "warning",
        _ => "neutral",
    };
    view! {
        <span class=format!("badge badge-{kind}")>{status_label(&status)}</span>
        {(!enabled).then(|| view! { " " <span class="badge badge-danger">"Disabled"</span> })}
    }
}

/// The users of a pool.
#[component]
pub fn UsersPage() -> impl IntoView {
    let id = param("id");
    let query = use_query_map();
    let q = Memo::new(move |_| {
        let m = query.read();
        (m.get("q"), m.get("attr"), m.get("filter"), m.get("after"))
    });
    let create = ServerAction::<CreatePoolUser>::new();
    let users = Resource::new(
        move || (id.get(), q.get(), create.version().get()),
        |(id, (q, attr, filter, after), _)| list_pool_users(id, filter, q, attr, after),
    );
    view! {
        <Title text="Users" />
        <WithOperator>
            {move || {
                let id = id.get();
                let id_for_table = id.clone();
                let (q, attr, filter, _) = q.get();
                view! {
                    <PoolCrumbs pool=id.clone() section="/users" />
                    <div class="page-head"><h1>"Users"</h1></div>
                    <section class="panel" aria-labelledby="search-heading">
                        <h2 id="search-heading" class="visually-hidden">"Search"</h2>
                        <form method="get" class="inline-form" role="search">
                            <div class="field">
                                <label for="attr">"Search by"</label>
                                <select id="attr" name="attr">
                                    {["username", "email", "phone_number", "name", "sub"].into_iter().map(|a| {
                                        let selected = attr.as_deref() == Some(a);
                                        view! { <option value=a selected=selected>{a}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="q">"Starts with"</label>
                                <input id="q" name="q" type="search" value=q.unwrap_or_default() maxlength="256" />
                            </div>
                            <div class="field">
                                <label for="filter">"Or a Cognito filter"</label>
                                <input id="filter" name="filter" type="text" value=filter.unwrap_or_default()
                                    placeholder="email ^= \"ann\"" maxlength="256" />
                            </div>
                            <button type="submit" class="btn">"Search"</button>
                        </form>
                    </section>
                    <section class="panel" aria-labelledby="users-heading">
                        <h2 id="users-heading">"All users"</h2>
                        <Transition fallback=|| view! { <p class="loading">"Loading users…"</p> }>
                            {move || users.get().map(|r| match r {
                                Err(e) => view! { <Alert kind="error" message=e.to_string() id="filter-error" /> }.into_any(),
                                Ok(page) => view! { <UserTable pool=id_for_table.clone() rows=page.users next=page.next /> }.into_any(),
                            })}
                        </Transition>
                    </section>
                    {can_write().then(|| view! { <CreateUserForm pool=id.clone() action=create /> })}
                }
            }}
        </WithOperator>
    }
}

#[component]
fn UserTable(pool: String, rows: Vec<UserRowView>, next: Option<String>) -> impl IntoView {
    if rows.is_empty() {
        return view! {
            <div class="empty-state">
                <p class="empty-title">"No users found"</p>
                <p class="muted">"Create a user below, or let people sign up through the hosted pages."</p>
            </div>
        }
        .into_any();
    }
    let query = use_query_map();
    let next_href = next.map(|n| {
        let m = query.read_untracked();
        let mut parts = vec![format!("after={}", enc(&n))];
        for k in ["q", "attr", "filter"] {
            if let Some(v) = m.get(k) {
                parts.push(format!("{k}={}", enc(&v)));
            }
        }
        format!("?{}", parts.join("&"))
    });
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">"User name"</th><th scope="col">"Email"</th>
                    <th scope="col">"Status"</th><th scope="col">"Created"</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|u| {
                    let href = format!("/admin/pools/{}/users/{}", enc(&pool), enc(&u.username));
                    view! {
                        <tr>
                            <td><a href=href>{u.username.clone()}</a></td>
                            <td>{u.email.clone().unwrap_or_default()}</td>
                            <td><StatusBadge status=u.status.clone() enabled=u.enabled /></td>
                            <td>{u.created.clone()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {next_href.map(|h| view! { <p class="pager"><a class="btn" href=h rel="next">"Next page"</a></p> })}
    }
    .into_any()
}

#[component]
fn CreateUserForm(pool: String, action: ServerAction<CreatePoolUser>) -> impl IntoView {
    let result = action.value();
    let error = move || match result.get() {
        Some(Err(AdminError::Invalid { field, message })) => Some((field, message)),
        Some(Err(e)) => Some(("form".into(), e.to_string())),
        _ => None,
    };
    let err_for = move |f: &'static str| error().filter(|(field, _)| field == f).map(|(_, m)| m);
    let created = move || match result.get() {
        Some(Ok(name)) => Some(name),
        _ => None,
    };
    let pool2 = pool.clone();
    view! {
        <section class="panel" aria-labelledby="create-user-heading">
            <h2 id="create-user-heading">"Create a user"</h2>
            <p class="muted">"With an email and no password, the user is invited by email with a temporary password."</p>
            <ActionForm action=action attr:class="stack">
                <input type="hidden" name="pool_id" value=pool.clone() />
                <div class="field">
                    <label for="new-username">"User name"</label>
                    <input id="new-username" name="username" type="text" required maxlength="128"
                        aria-invalid=move || err_for("username").map(|_| "true")
                        aria-describedby=move || err_for("username").map(|_| "new-username-error") />
                    {move || err_for("username").map(|m| view! { <Alert kind="error" message=m id="new-username-error" /> })}
                </div>
                <div class="field">
                    <label for="new-email">"Email"</label>
                    <input id="new-email" name="email" type="email" maxlength="254" />
                </div>
                <div class="field">
                    <label for="new-password">"Password (optional)"</label>
                    <input id="new-password" name="password" type="password" autocomplete="new-password" maxlength="256"
                        aria-invalid=move || err_for("password").map(|_| "true")
                        aria-describedby=move || err_for("password").map(|_| "new-password-error") />
                    {move || err_for("password").map(|m| view! { <Alert kind="error" message=m id="new-password-error" /> })}
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>"Create user"</button>
            </ActionForm>
            {move || error().filter(|(f, _)| f != "username" && f != "password").map(|(_, m)| view! { <Alert kind="error" message=m /> })}
            {move || created().map(|name| {
                let href = format!("/admin/pools/{}/users/{}", enc(&pool2), enc(&name));
                view! { <p class="alert alert-success" role="status">"Created user " <a href=href>{name.clone()}</a> "."</p> }
            })}
        </section>
    }
}

/// One user: attributes, groups and the operator's actions.
#[component]
pub fn UserPage() -> impl IntoView {
    let id = param("id");
    let username = param("username");
    let act = ServerAction::<UserAction>::new();
    let edit = ServerAction::<EditPoolUser>::new();
    let reset = ServerAction::<super::security::ResetUserFactor>::new();
    let user = Resource::new(
        move || (id.get(), username.get(), act.version().get(), edit.version().get(), reset.version().get()),
        |(p, u, _, _, _)| get_pool_user(p, u),
    );
    view! {
        <Title text="User" />
        <WithOperator>
            {move || {
                let (pool, name) = (id.get(), username.get());
                view! {
                    <PoolCrumbs pool=pool.clone() section="/users" trail=vec![(name.clone(), None)] />
                    <div class="page-head"><h1>{name.clone()}</h1></div>
                    <ActionResult action=act pool=pool.clone() />
                    {move || [edit.value().get(), reset.value().get()].into_iter().flatten().map(|r| match r {
                        Ok(m) => view! { <Alert kind="success" message=m /> }.into_any(),
                        Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                    }).collect_view()}
                    <Transition fallback=|| view! { <p class="loading">"Loading user…"</p> }>
                        {move || user.get().map(|r| match r {
                            Err(e) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
                            Ok(u) => view! {
                                <section class="panel" aria-labelledby="status-heading">
                                    <h2 id="status-heading">"Status"</h2>
                                    <p><StatusBadge status=u.summary.status.clone() enabled=u.summary.enabled /></p>
                                    <p class="muted">"Created " {u.summary.created.clone()} " · last changed " {u.updated.clone()}</p>
                                </section>
                                <section class="panel" aria-labelledby="attrs-heading">
                                    <h2 id="attrs-heading">"Attributes"</h2>
                                    <table class="table">
                                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Value"</th></tr></thead>
                                        <tbody>
                                            {u.attributes.iter().map(|(k, v)| view! {
                                                <tr><td><code>{k.clone()}</code></td><td>{v.clone()}</td></tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </section>
                                <section class="panel" aria-labelledby="groups-heading">
                                    <h2 id="groups-heading">"Groups"</h2>
                                    {if u.groups.is_empty() {
                                        view! { <p class="muted">"Not in any group."</p> }.into_any()
                                    } else {
                                        view! { <ul>{u.groups.iter().map(|g| view! { <li>{g.clone()}</li> }).collect_view()}</ul> }.into_any()
                                    }}
                                </section>
                                <super::security::UserFactorsPanel pool_id=id.get_untracked() username=u.summary.username.clone()
                                    factors=u.factors.clone() reset=reset writable=can_write() />
                                {can_write().then(|| view! {
                                    <EditUser action=edit pool_id=id.get_untracked() username=u.summary.username.clone() />
                                })}
                                {can_write().then(|| view! {
                                    <UserActions action=act pool_id=id.get_untracked()
                                        username=u.summary.username.clone() enabled=u.summary.enabled status=u.summary.status.clone() />
                                })}
                            }.into_any(),
                        })}
                    </Transition>
                }
            }}
        </WithOperator>
    }
}

#[component]
fn ActionResult(action: ServerAction<UserAction>, pool: String) -> impl IntoView {
    let result = action.value();
    view! {
        {move || match result.get() {
            Some(Ok(m)) if m == "User deleted." => {
                let href = format!("/admin/pools/{}/users", enc(&pool));
                view! { <p class="alert alert-success" role="status">{m} " " <a href=href>"Back to the users"</a></p> }.into_any()
            }
            Some(Ok(m)) => view! { <Alert kind="success" message=m /> }.into_any(),
            Some(Err(e)) => view! { <Alert kind="error" message=e.to_string() /> }.into_any(),
            None => ().into_any(),
        }}
    }
}

#[component]
fn UserActions(
    action: ServerAction<UserAction>,
    pool_id: String,
    username: String,
    enabled: bool,
    status: String,
) -> impl IntoView {
    let (pid, uname) = (pool_id.clone(), username.clone());
    let button = move |act: &'static str, label: &'static str, class: &'static str| {
        let (p, u) = (pid.clone(), uname.clone());
        view! {
            <ActionForm action=action attr:class="inline">
                <input type="hidden" name="pool_id" value=p />
                <input type="hidden" name="username" value=u />
                <input type="hidden" name="action" value=act />
                <button type="submit" class=format!("btn {class}")>{label}</button>
            </ActionForm>
        }
    };
    view! {
        <section class="panel" aria-labelledby="actions-heading">
            <h2 id="actions-heading">"Actions"</h2>
            <div class="actions">
                {if enabled { button("disable", "Disable user", "") } else { button("enable", "Enable user", "") }}
                {(status == "UNCONFIRMED").then(|| button("confirm", "Confirm user", ""))}
                {button("reset_password", "Reset password", "")}
                {button("sign_out", "Sign out everywhere", "")}
            </div>
            <SetPassword action=action pool_id=pool_id.clone() username=username.clone() />
            <details class="danger-zone">
                <summary>"Delete user…"</summary>
                <p>"Deleting removes the user, their group memberships and their sessions. It cannot be undone."</p>
                {button("delete", "Delete user permanently", "btn-danger")}
            </details>
        </section>
    }
}

#[component]
fn SetPassword(action: ServerAction<UserAction>, pool_id: String, username: String) -> impl IntoView {
    view! {
        <ActionForm action=action attr:class="inline-form">
            <input type="hidden" name="pool_id" value=pool_id />
            <input type="hidden" name="username" value=username />
            <input type="hidden" name="action" value="set_password" />
            <div class="field">
                <label for="set-password">"New password"</label>
                <input id="set-password" name="password" type="password" autocomplete="new-password" maxlength="256" required />
            </div>
            <button type="submit" class="btn">"Set password"</button>
        </ActionForm>
    }
}

#[component]
fn EditUser(action: ServerAction<EditPoolUser>, pool_id: String, username: String) -> impl IntoView {
    let (p2, u2) = (pool_id.clone(), username.clone());
    view! {
        <section class="panel" aria-labelledby="edit-heading">
            <h2 id="edit-heading">"Edit"</h2>
            <ActionForm action=action attr:class="inline-form">
                <input type="hidden" name="pool_id" value=pool_id />
                <input type="hidden" name="username" value=username />
                <input type="hidden" name="what" value="attribute" />
                <div class="field">
                    <label for="attr-name">"Attribute"</label>
                    <input id="attr-name" name="name" type="text" required maxlength="32" placeholder="given_name" />
                </div>
                <div class="field">
                    <label for="attr-value">"Value (empty deletes it)"</label>
                    <input id="attr-value" name="value" type="text" maxlength="2048" />
                </div>
                <button type="submit" class="btn">"Save attribute"</button>
            </ActionForm>
            <ActionForm action=action attr:class="inline-form">
                <input type="hidden" name="pool_id" value=p2 />
                <input type="hidden" name="username" value=u2 />
                <input type="hidden" name="what" value="group_add" />
                <div class="field">
                    <label for="add-group">"Add to group"</label>
                    <input id="add-group" name="name" type="text" required maxlength="128" />
                </div>
                <button type="submit" class="btn">"Add to group"</button>
            </ActionForm>
        </section>
    }
}
