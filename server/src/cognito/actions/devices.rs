//! Remembered devices: ConfirmDevice, GetDevice, ListDevices, UpdateDeviceStatus,
//! ForgetDevice and their Admin* forms.

use super::writer;
use crate::cognito::error::CognitoError;
use crate::cognito::wire::{date, token, untoken};
use crate::cognito::CognitoState;
use domain::user::{Device, DeviceVerifier};
use domain::AdminCtx;
use serde::Deserialize;
use serde_json::{json, Value};

/// `DeviceType`.
fn device_out(d: &Device) -> Value {
    let mut attrs = vec![
        json!({ "Name": "device_status", "Value": "valid" }),
        json!({ "Name": "dev:device_remembered_status", "Value": if d.remembered { "remembered" } else { "not_remembered" } }),
    ];
    if let Some(n) = &d.name {
        attrs.push(json!({ "Name": "device_name", "Value": n }));
    }
    if let Some(ip) = &d.last_ip {
        attrs.push(json!({ "Name": "last_ip_used", "Value": ip }));
    }
    let mut o = json!({
        "DeviceKey": d.device_key,
        "DeviceAttributes": attrs,
        "DeviceCreateDate": date(d.created_at),
        "DeviceLastModifiedDate": date(d.updated_at),
    });
    if let Some(t) = d.last_authenticated_at {
        o["DeviceLastAuthenticatedDate"] = date(t);
    }
    o
}

fn remembered(status: Option<&str>) -> Result<bool, CognitoError> {
    match status {
        Some("remembered") => Ok(true),
        Some("not_remembered") | None => Ok(false),
        Some(other) => Err(CognitoError::invalid_parameter(format!("Unknown DeviceRememberedStatus {other}."))),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifierConfigWire {
    password_verifier: Option<String>,
    salt: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmDeviceRequest {
    access_token: String,
    device_key: String,
    device_secret_verifier_config: Option<VerifierConfigWire>,
    device_name: Option<String>,
}

pub async fn confirm_device(st: &CognitoState, req: ConfirmDeviceRequest) -> Result<Value, CognitoError> {
    let cfg = req
        .device_secret_verifier_config
        .ok_or_else(|| CognitoError::invalid_parameter("DeviceSecretVerifierConfig is required."))?;
    let verifier = DeviceVerifier {
        verifier_b64: cfg.password_verifier.unwrap_or_default(),
        salt_b64: cfg.salt.unwrap_or_default(),
    };
    let necessary = st.users.confirm_device(&req.access_token, &req.device_key, verifier, req.device_name).await?;
    Ok(json!({ "UserConfirmationNecessary": necessary }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeviceRequest {
    access_token: Option<String>,
    user_pool_id: Option<String>,
    username: Option<String>,
    device_key: String,
    device_remembered_status: Option<String>,
}

impl DeviceRequest {
    fn token(&self) -> Result<&str, CognitoError> {
        self.access_token.as_deref().ok_or_else(|| CognitoError::invalid_parameter("AccessToken is required."))
    }

    fn admin(&self) -> Result<(&str, &str), CognitoError> {
        match (self.user_pool_id.as_deref(), self.username.as_deref()) {
            (Some(p), Some(u)) => Ok((p, u)),
            _ => Err(CognitoError::invalid_parameter("UserPoolId and Username are required.")),
        }
    }
}

pub async fn get_device(st: &CognitoState, req: DeviceRequest) -> Result<Value, CognitoError> {
    let d = st.users.get_device(req.token()?, &req.device_key).await?;
    Ok(json!({ "Device": device_out(&d) }))
}

pub async fn admin_get_device(st: &CognitoState, ctx: &AdminCtx, req: DeviceRequest) -> Result<Value, CognitoError> {
    let (pool, user) = req.admin()?;
    let d = st.users.admin_get_device(ctx, pool, user, &req.device_key).await?;
    Ok(json!({ "Device": device_out(&d) }))
}

pub async fn update_device_status(st: &CognitoState, req: DeviceRequest) -> Result<Value, CognitoError> {
    let r = remembered(req.device_remembered_status.as_deref())?;
    st.users.update_device_status(req.token()?, &req.device_key, r).await?;
    Ok(json!({}))
}

pub async fn admin_update_device_status(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: DeviceRequest,
) -> Result<Value, CognitoError> {
    let r = remembered(req.device_remembered_status.as_deref())?;
    let (pool, user) = req.admin()?;
    st.users.admin_update_device_status(&writer(ctx)?, pool, user, &req.device_key, r).await?;
    Ok(json!({}))
}

pub async fn forget_device(st: &CognitoState, req: DeviceRequest) -> Result<Value, CognitoError> {
    st.users.forget_device(req.token()?, &req.device_key).await?;
    Ok(json!({}))
}

pub async fn admin_forget_device(st: &CognitoState, ctx: &AdminCtx, req: DeviceRequest) -> Result<Value, CognitoError> {
    let (pool, user) = req.admin()?;
    st.users.admin_forget_device(&writer(ctx)?, pool, user, &req.device_key).await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDevicesRequest {
    access_token: Option<String>,
    user_pool_id: Option<String>,
    username: Option<String>,
    limit: Option<usize>,
    pagination_token: Option<String>,
}

fn page_out(page: domain::user::DevicePage) -> Value {
    let mut o = json!({ "Devices": page.devices.iter().map(device_out).collect::<Vec<_>>() });
    if let Some(n) = page.next {
        o["PaginationToken"] = Value::from(token(&n));
    }
    o
}

pub async fn list_devices(st: &CognitoState, req: ListDevicesRequest) -> Result<Value, CognitoError> {
    let access =
        req.access_token.as_deref().ok_or_else(|| CognitoError::invalid_parameter("AccessToken is required."))?;
    let after = req.pagination_token.as_deref().map(untoken).transpose()?;
    Ok(page_out(st.users.list_devices(access, req.limit.unwrap_or(60), after.as_deref()).await?))
}

pub async fn admin_list_devices(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: ListDevicesRequest,
) -> Result<Value, CognitoError> {
    let (Some(pool), Some(user)) = (req.user_pool_id.as_deref(), req.username.as_deref()) else {
        return Err(CognitoError::invalid_parameter("UserPoolId and Username are required."));
    };
    let after = req.pagination_token.as_deref().map(untoken).transpose()?;
    Ok(page_out(st.users.admin_list_devices(ctx, pool, user, req.limit.unwrap_or(60), after.as_deref()).await?))
}
