//! Sign-in security in the console: a pool's MFA configuration (the same rules as
//! SetUserPoolMfaConfig), and a user's second factors and remembered devices, with the
//! resets an operator needs when a phone is lost (delete the authenticator, forget a
//! device). Server functions call the same domain services as the Cognito API.

use crate::error::AdminError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A pool's MFA configuration, as the form shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaView {
    /// `OFF`, `OPTIONAL` or `ON`.
    pub mode: String,
    /// Authenticator apps.
    pub totp: bool,
    /// SMS codes.
    pub sms: bool,
    /// E-mail codes.
    pub email: bool,
    /// The SMS text with `{####}`.
    pub sms_message: String,
}

/// A user's second factors and devices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorsView {
    /// Factors turned on, in words.
    pub enabled: Vec<String>,
    /// The preferred one, in words.
    pub preferred: Option<String>,
    /// An authenticator is associated (verified or not).
    pub authenticator: bool,
    /// Unused recovery codes.
    pub recovery_codes: usize,
    /// Remembered devices.
    pub devices: Vec<DeviceView>,
}

/// One device.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceView {
    /// `DeviceKey`.
    pub key: String,
    /// Name given at confirmation.
    pub name: String,
    /// Remembered (skips MFA).
    pub remembered: bool,
    /// Last sign-in (UTC).
    pub last_seen: String,
}

#[cfg(feature = "ssr")]
fn factor_label(f: domain::auth::MfaFactor) -> String {
    match f {
        domain::auth::MfaFactor::SoftwareToken => "Authenticator app",
        domain::auth::MfaFactor::Sms => "SMS",
        domain::auth::MfaFactor::Email => "E-mail",
    }
    .to_owned()
}

/// The pool's MFA configuration as the form shows it.
#[cfg(feature = "ssr")]
pub fn mfa_view(c: &domain::pool::config::PoolConfig) -> MfaView {
    MfaView {
        mode: match c.mfa {
            domain::pool::config::MfaMode::Off => "OFF",
            domain::pool::config::MfaMode::Optional => "OPTIONAL",
            domain::pool::config::MfaMode::On => "ON",
        }
        .into(),
        totp: c.mfa_factors.software_token,
        sms: c.mfa_factors.sms,
        email: c.mfa_factors.email,
        sms_message: c.templates.sms_authentication_message.clone().unwrap_or_default(),
    }
}

/// Saves the pool's MFA configuration; the domain refuses a mode without a factor and a
/// message without `{####}`.
#[server(endpoint = "save_pool_mfa")]
pub async fn save_pool_mfa(
    pool_id: String,
    mode: String,
    totp: Option<String>,
    sms: Option<String>,
    email: Option<String>,
    sms_message: Option<String>,
) -> Result<String, AdminError> {
    use domain::pool::config::MfaMode;
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let pool = svc.pools.get(&ctx, &pool_id).await.map_err(super::pool_settings::convert::pool_error)?;
            let mut config = pool.config.clone();
            config.mfa = match mode.as_str() {
                "OFF" => MfaMode::Off,
                "OPTIONAL" => MfaMode::Optional,
                "ON" => MfaMode::On,
                _ => return Err(AdminError::invalid("mode", "Choose off, optional or required.")),
            };
            let on = |v: &Option<String>| v.as_deref().is_some_and(|x| x == "on" || x == "true");
            config.mfa_factors.software_token = on(&totp);
            config.mfa_factors.sms = on(&sms);
            config.mfa_factors.email = on(&email);
            config.templates.sms_authentication_message =
                sms_message.map(|m| m.trim().to_owned()).filter(|m| !m.is_empty());
            svc.pools.update(&w, &pool_id, None, config).await.map_err(|e| match e {
                domain::pool::PoolError::Config(c) => AdminError::invalid("mode", c.0),
                other => super::pool_settings::convert::pool_error(other),
            })?;
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:pool_mfa_saved",
                &[("pool_id", pool_id.to_string()), ("mode", mode)],
            )
            .await;
            Ok("MFA settings saved.".into())
        }
        .await,
    )
}

/// A user's factors and confirmed devices.
#[cfg(feature = "ssr")]
pub fn factors_view(user: &domain::user::User, devices: Vec<domain::user::Device>) -> FactorsView {
    FactorsView {
        enabled: user.mfa.enabled.iter().map(|f| factor_label(*f)).collect(),
        preferred: user.mfa.preferred.map(factor_label),
        authenticator: user.mfa.totp_secret.is_some() || user.mfa.totp_pending.is_some(),
        recovery_codes: user.mfa.recovery_codes.len(),
        devices: devices
            .into_iter()
            .map(|d| DeviceView {
                key: d.device_key,
                name: d.name.unwrap_or_default(),
                remembered: d.remembered,
                last_seen: d.last_authenticated_at.map(|t| crate::dto::format_created(t.millis())).unwrap_or_default(),
            })
            .collect(),
    }
}

/// `delete_authenticator`, or `forget_device` with `device_key`.
#[server(endpoint = "reset_user_factor")]
pub async fn reset_user_factor(
    pool_id: String,
    username: String,
    what: String,
    device_key: Option<String>,
) -> Result<String, AdminError> {
    crate::ssr::respond(
        async {
            let (ctx, svc) = crate::ssr::admin_and_services().await?;
            let w = ctx.for_write()?;
            let err = |e| super::users_api::user_error("what", e);
            let message = match what.as_str() {
                "delete_authenticator" => {
                    svc.users.admin_delete_software_token(&w, &pool_id, &username).await.map_err(err)?;
                    "Authenticator removed: the user sets up a new one at the next sign-in."
                }
                "forget_device" => {
                    let key = device_key
                        .filter(|k| !k.is_empty())
                        .ok_or_else(|| AdminError::invalid("what", "No device given."))?;
                    svc.users.admin_forget_device(&w, &pool_id, &username, &key).await.map_err(err)?;
                    "Device forgotten: it is asked for MFA again."
                }
                _ => return Err(AdminError::invalid("what", "Unknown reset.")),
            };
            crate::ssr::audit(
                &ctx,
                &svc,
                "console:user_factor_reset",
                &[("pool_id", pool_id.to_string()), ("username", username.to_string()), ("what", what.to_string())],
            )
            .await;
            Ok(message.to_owned())
        }
        .await,
    )
}

/// The pool page's MFA panel (its data comes with the pool overview: a resource of its
/// own inside the page's Transition would not hydrate).
#[component]
pub fn PoolMfaPanel(pool_id: String, mfa: MfaView, save: ServerAction<SavePoolMfa>, writable: bool) -> impl IntoView {
    let m = mfa;
    view! {
        <section class="panel" aria-labelledby="mfa-heading">
            <h2 id="mfa-heading">"Multi-factor authentication"</h2>
            <ActionForm action=save attr:class="stack">
                <input type="hidden" name="pool_id" value=pool_id />
                <fieldset disabled=!writable>
                    <legend>"Second factor"</legend>
                    {[("OFF", "Off"), ("OPTIONAL", "Optional: users who set it up are asked"), ("ON", "Required for every user")]
                        .into_iter()
                        .map(|(v, label)| view! {
                            <label class="check"><input type="radio" name="mode" value=v checked=m.mode == v />" " {label}</label>
                        })
                        .collect_view()}
                </fieldset>
                <fieldset disabled=!writable>
                    <legend>"Factors offered"</legend>
                    <label class="check"><input type="checkbox" name="totp" checked=m.totp />" Authenticator app (TOTP)"</label>
                    <label class="check"><input type="checkbox" name="sms" checked=m.sms />" SMS code to a verified phone number"</label>
                    <label class="check"><input type="checkbox" name="email" checked=m.email />" E-mail code to a verified address"</label>
                </fieldset>
                <div class="field">
                    <label for="sms-message">"SMS text (with {####} for the code)"</label>
                    <input id="sms-message" name="sms_message" type="text" maxlength="140" value=m.sms_message.clone() disabled=!writable />
                </div>
                {writable.then(|| view! { <button type="submit" class="btn btn-primary">"Save MFA settings"</button> })}
            </ActionForm>
        </section>
    }
}

/// The user page's factors and devices panel (data from the user's detail).
#[component]
pub fn UserFactorsPanel(
    pool_id: String,
    username: String,
    factors: FactorsView,
    reset: ServerAction<ResetUserFactor>,
    writable: bool,
) -> impl IntoView {
    let f = factors;
    let form = move |what: &'static str, key: Option<String>, label: &'static str| {
        let (pid, uname) = (pool_id.clone(), username.clone());
        view! {
            <ActionForm action=reset attr:class="inline">
                <input type="hidden" name="pool_id" value=pid />
                <input type="hidden" name="username" value=uname />
                <input type="hidden" name="what" value=what />
                {key.map(|k| view! { <input type="hidden" name="device_key" value=k /> })}
                <button type="submit" class="btn btn-danger">{label}</button>
            </ActionForm>
        }
    };
    view! {
        <section class="panel" aria-labelledby="factors-heading">
            <h2 id="factors-heading">"Sign-in factors and devices"</h2>
            <dl class="kv">
                <dt>"MFA"</dt>
                <dd>{if f.enabled.is_empty() { "None turned on".to_owned() } else { f.enabled.join(", ") }}</dd>
                <dt>"Preferred"</dt>
                <dd>{f.preferred.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Recovery codes left"</dt>
                <dd>{f.recovery_codes}</dd>
            </dl>
            {(writable && f.authenticator).then(|| form("delete_authenticator", None, "Remove authenticator"))}
            <h3>"Remembered devices"</h3>
            {if f.devices.is_empty() {
                view! { <p class="muted">"No devices."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th scope="col">"Device"</th><th scope="col">"Remembered"</th><th scope="col">"Last sign-in"</th><th scope="col"><span class="sr-only">"Actions"</span></th></tr></thead>
                        <tbody>
                            {f.devices.iter().map(|d| view! {
                                <tr>
                                    <td>{if d.name.is_empty() { d.key.clone() } else { d.name.clone() }}<br /><code class="muted">{d.key.clone()}</code></td>
                                    <td>{if d.remembered { "Yes" } else { "No" }}</td>
                                    <td>{d.last_seen.clone()}</td>
                                    <td>{writable.then(|| form("forget_device", Some(d.key.clone()), "Forget device"))}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
