//! Server functions of the pool overview and the users pages. Each obtains the
//! operator's capability first and calls the same domain services as the Cognito API.

use crate::dto::{PoolOverviewView, UserDetailView, UserPageView};
use crate::error::AdminError;
use leptos::prelude::*;

/// Maps a user-service error to what the page shows.
#[cfg(feature = "ssr")]
pub(crate) fn user_error(field: &str, e: domain::user::UserError) -> AdminError {
    use domain::user::UserError as E;
    match e {
        E::InvalidParameter(m)
        | E::InvalidPassword(m)
        | E::UsernameExists(m)
        | E::AliasExists(m)
        | E::ResourceNotFound(m)
        | E::NotAuthorized(m) => AdminError::invalid(field, m),
        E::UserNotFound => AdminError::invalid(field, "User does not exist."),
        E::PasswordHistory => AdminError::invalid(field, "The password was used recently."),
        other => crate::ssr::internal(other),
    }
}

/// The overview of one pool: counts, ids and the URLs applications need.
#[server(endpoint = "pool_overview")]
pub async fn pool_overview(pool_id: String) -> Result<PoolOverviewView, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let pool = svc.pools.get(&ctx, &pool_id).await.map_err(super::pool_settings::convert::pool_error)?;
            let counts = svc.users.pool_counts(&ctx, &pool_id).await.map_err(crate::ssr::internal)?;
            let signing_keys = svc.tokens.keys(&pool.id).await.map_err(crate::ssr::internal)?;
            let issuer = format!("{}/{}", svc.public_url, pool.id.as_str());
            Ok(PoolOverviewView {
                id: pool.id.as_str().to_owned(),
                name: pool.name.as_str().to_owned(),
                created: crate::dto::format_created(pool.created_at.millis()),
                users_total: counts.users_by_status.iter().map(|(_, n)| n).sum(),
                users_by_status: counts.users_by_status,
                groups: counts.groups,
                clients: counts.clients,
                deletion_protection: pool.config.deletion_protection,
                min_length: pool.config.password_policy.minimum_length,
                require_lowercase: pool.config.password_policy.require_lowercase,
                require_uppercase: pool.config.password_policy.require_uppercase,
                require_numbers: pool.config.password_policy.require_numbers,
                require_symbols: pool.config.password_policy.require_symbols,
                self_sign_up: !pool.config.allow_admin_create_user_only,
                sign_in: super::pool_settings::convert::sign_in_description(&pool.config),
                signing_keys: signing_keys.iter().map(|k| k.kid.clone()).collect(),
                case_sensitive: !pool.config.case_insensitive(),
                verify_email: pool.config.auto_verified_attributes.iter().any(|a| a == "email"),
                verify_phone: pool.config.auto_verified_attributes.iter().any(|a| a == "phone_number"),
                keep_original: !pool.config.attributes_require_verification_before_update.is_empty(),
                recovery: super::pool_settings::convert::recovery_choice(&pool.config.account_recovery),
                attributes: pool
                    .config
                    .schema
                    .iter()
                    .filter(|a| a.name != "sub")
                    .map(|a| crate::dto::AttributeView {
                        name: a.name.clone(),
                        data_type: a.data_type.as_str().to_owned(),
                        required: a.required,
                        mutable: a.mutable,
                    })
                    .collect(),
                discovery_url: format!("{issuer}/.well-known/openid-configuration"),
                jwks_url: format!("{issuer}/.well-known/jwks.json"),
                issuer,
                mfa: super::security::mfa_view(&pool.config),
            })
        }
        .await,
    )
}

/// A page of a pool's users: a Cognito filter (`email ^= "ann"`), or a search box that
/// looks up a prefix of `attribute`; 25 a page.
#[server(endpoint = "list_pool_users")]
pub async fn list_pool_users(
    pool_id: String,
    filter: Option<String>,
    search: Option<String>,
    attribute: Option<String>,
    after: Option<String>,
) -> Result<UserPageView, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let filter = match (filter.filter(|f| !f.trim().is_empty()), search.filter(|s| !s.trim().is_empty())) {
                (Some(f), _) => Some(f),
                (None, Some(q)) => {
                    let attr = attribute.unwrap_or_else(|| "username".into());
                    if ![
                        "username",
                        "email",
                        "phone_number",
                        "name",
                        "given_name",
                        "family_name",
                        "preferred_username",
                        "sub",
                    ]
                    .contains(&attr.as_str())
                    {
                        return Err(AdminError::invalid("attribute", "Choose an attribute to search."));
                    }
                    Some(format!("{attr} ^= \"{}\"", q.trim().replace('\\', "\\\\").replace('"', "\\\"")))
                }
                (None, None) => None,
            };
            let (users, next) = svc
                .users
                .list(&ctx, &pool_id, filter.as_deref(), 25, after.as_deref().filter(|a| !a.is_empty()))
                .await
                .map_err(|e| user_error("filter", e))?;
            Ok(UserPageView { users: users.iter().map(Into::into).collect(), next })
        }
        .await,
    )
}

/// Creates a user: an invitation with a generated temporary password by email, or a
/// password the operator sets.
#[server(endpoint = "create_pool_user")]
pub async fn create_pool_user(
    pool_id: String,
    username: String,
    email: Option<String>,
    password: Option<String>,
) -> Result<String, AdminError> {
    use domain::secret::Password;
    use domain::user::{AdminCreateUser, DeliveryMedium, MessageAction};
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let username = username.trim().to_owned();
            if username.is_empty() {
                return Err(AdminError::invalid("username", "Enter a user name."));
            }
            let email = email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
            let password = password.filter(|p| !p.is_empty());
            let mut attributes = Vec::new();
            if let Some(e) = &email {
                attributes.push(("email".to_owned(), e.clone()));
                attributes.push(("email_verified".to_owned(), "true".to_owned()));
            }
            let invite = password.is_none() && email.is_some();
            let req = AdminCreateUser {
                pool_id: pool_id.clone(),
                username: username.clone(),
                attributes,
                // Given as the temporary password first, so the pool's policy is checked
                // before the user exists (then made permanent below).
                temporary_password: password.clone().map(Password::new),
                message_action: if invite { None } else { Some(MessageAction::Suppress) },
                delivery: if invite { vec![DeliveryMedium::Email] } else { Vec::new() },
                force_alias_creation: false,
            };
            let user = svc.users.admin_create_user(&w, req).await.map_err(|e| {
                let field =
                    if matches!(e, domain::user::UserError::InvalidPassword(_)) { "password" } else { "username" };
                user_error(field, e)
            })?;
            if let Some(p) = password {
                svc.users
                    .admin_set_password(&w, &pool_id, &user.username, Password::new(p), true)
                    .await
                    .map_err(|e| user_error("password", e))?;
            }
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:user_created",
                &[("pool_id", pool_id.to_string()), ("username", user.username.to_string())],
            )
            .await;
            Ok(user.username)
        }
        .await,
    )
}

/// One user with attributes and groups.
#[server(endpoint = "get_pool_user")]
pub async fn get_pool_user(pool_id: String, username: String) -> Result<UserDetailView, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let user = svc.users.admin_get_user(&ctx, &pool_id, &username).await.map_err(|e| user_error("user", e))?;
            let groups = svc
                .groups
                .groups_of(&ctx, &pool_id, &username, 60, None)
                .await
                .map_err(crate::ssr::internal)?
                .0
                .into_iter()
                .map(|g| g.name)
                .collect();
            let devices = svc
                .users
                .admin_list_devices(&ctx, &pool_id, &username, 60, None)
                .await
                .map_err(|e| user_error("user", e))?
                .devices;
            Ok(UserDetailView {
                summary: (&user).into(),
                attributes: user.attributes.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                groups,
                updated: crate::dto::format_created(user.updated_at.millis()),
                factors: super::security::factors_view(&user, devices),
            })
        }
        .await,
    )
}

/// One of the operator's actions on a user: `enable`, `disable`, `confirm`,
/// `reset_password`, `sign_out`, `delete`, `set_password` (with `password`, permanent).
#[server(endpoint = "user_action")]
pub async fn user_action(
    pool_id: String,
    username: String,
    action: String,
    password: Option<String>,
) -> Result<String, AdminError> {
    use domain::secret::Password;
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let u = &svc.users;
            let done = match action.as_str() {
                "enable" => u.admin_set_enabled(&w, &pool_id, &username, true).await.map(|_| "User enabled."),
                "disable" => u.admin_set_enabled(&w, &pool_id, &username, false).await.map(|_| "User disabled."),
                "confirm" => u.admin_confirm_sign_up(&w, &pool_id, &username).await.map(|_| "User confirmed."),
                "reset_password" => u
                    .admin_reset_password(&w, &pool_id, &username)
                    .await
                    .map(|_| "Password reset: the user must choose a new one with a code."),
                "sign_out" => u
                    .admin_global_sign_out(&w, &pool_id, &username)
                    .await
                    .map(|_| "Signed out everywhere: every refresh token is revoked."),
                "delete" => u.admin_delete_user(&w, &pool_id, &username).await.map(|_| "User deleted."),
                "set_password" => {
                    let p = password
                        .filter(|p| !p.is_empty())
                        .ok_or_else(|| AdminError::invalid("password", "Enter a password."))?;
                    u.admin_set_password(&w, &pool_id, &username, Password::new(p), true).await.map(|_| "Password set.")
                }
                _ => return Err(AdminError::invalid("action", "Unknown action.")),
            };
            let message =
                done.map_err(|e| user_error(if action == "set_password" { "password" } else { "action" }, e))?;
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:user_changed",
                &[("pool_id", pool_id.to_string()), ("username", username.to_string()), ("action", action.to_string())],
            )
            .await;
            Ok(message.to_owned())
        }
        .await,
    )
}

/// Sets one attribute (an empty value deletes it), or adds the user to / removes them
/// from a group (`group_add`, `group_remove`).
#[server(endpoint = "edit_pool_user")]
pub async fn edit_pool_user(
    pool_id: String,
    username: String,
    what: String,
    name: String,
    value: Option<String>,
) -> Result<String, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let name = name.trim().to_owned();
            if name.is_empty() {
                return Err(AdminError::invalid("name", "Enter a name."));
            }
            let message = match what.as_str() {
                "attribute" => {
                    let value = value.map(|v| v.trim().to_owned()).unwrap_or_default();
                    if value.is_empty() {
                        svc.users
                            .admin_delete_attributes(&w, &pool_id, &username, std::slice::from_ref(&name))
                            .await
                            .map_err(|e| user_error("name", e))?;
                        format!("Attribute {name} deleted.")
                    } else {
                        svc.users
                            .admin_update_attributes(&w, &pool_id, &username, vec![(name.clone(), value)])
                            .await
                            .map_err(|e| user_error("value", e))?;
                        format!("Attribute {name} saved.")
                    }
                }
                "group_add" => {
                    svc.groups
                        .add_user(&w, &pool_id, &name, &username)
                        .await
                        .map_err(|e| AdminError::invalid("group", e.to_string()))?;
                    format!("Added to {name}.")
                }
                "group_remove" => {
                    svc.groups
                        .remove_user(&w, &pool_id, &name, &username)
                        .await
                        .map_err(|e| AdminError::invalid("group", e.to_string()))?;
                    format!("Removed from {name}.")
                }
                _ => return Err(AdminError::invalid("what", "Unknown change.")),
            };
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:user_edited",
                &[("pool_id", pool_id.to_string()), ("username", username.to_string()), ("change", what.to_string())],
            )
            .await;
            Ok(message)
        }
        .await,
    )
}
