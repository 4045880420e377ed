//! Remembered devices: handed out after a sign-in in pools that track devices,
//! confirmed with the device's own SRP verifier (ConfirmDevice), remembered or not
//! (UpdateDeviceStatus), listed and forgotten, by the user or an administrator.

use super::signin::NewDevice;
use super::*;
use crate::user::{Device, DevicePage};
use num_bigint::BigUint;

/// ConfirmDevice's `DeviceSecretVerifierConfig`, as sent (base64 of the big-endian bytes).
pub struct DeviceVerifier {
    /// `PasswordVerifier`.
    pub verifier_b64: String,
    /// `Salt`.
    pub salt_b64: String,
}

fn not_found() -> UserError {
    UserError::ResourceNotFound("Device does not exist.".into())
}

impl UserService {
    /// The device `key` of `user` (any other owner's device does not exist for them).
    pub(super) async fn users_device(&self, pool: &UserPool, user: &User, key: &str) -> Result<Device, UserError> {
        match self.store.find_device(&pool.id, key).await? {
            Some(d) if d.username_key == user.username_key => Ok(d),
            _ => Err(not_found()),
        }
    }

    pub(super) fn open_device_verifier(&self, d: &Device) -> Option<(BigUint, BigUint)> {
        self.open_salt_verifier(&device_context(d), d.sealed_verifier.as_deref()?)
    }

    /// The device a finished sign-in is on: the one the client named (it signed in on it
    /// again), or, in pools that track devices, a new one to confirm.
    pub(super) async fn device_of_sign_in(
        &self,
        pool: &UserPool,
        user: &User,
        named: Option<String>,
    ) -> Result<(Option<String>, Option<NewDevice>), UserError> {
        if pool.config.devices.is_none() {
            return Ok((None, None));
        }
        let now = self.clock.now();
        if let Some(key) = named {
            let mut d = self.users_device(pool, user, &key).await?;
            d.last_authenticated_at = Some(now);
            d.updated_at = now;
            self.store.update_device(&d).await?;
            return Ok((Some(key), None));
        }
        let region = pool.id.as_str().rsplit_once('_').map(|(r, _)| r).unwrap_or("local");
        let d = Device {
            pool_id: pool.id.clone(),
            username_key: user.username_key.clone(),
            device_key: format!("{region}_{}", uuid::Uuid::new_v4()),
            group_key: format!(
                "-{}",
                crate::crypto::random_chars(9, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
            ),
            name: None,
            sealed_verifier: None,
            remembered: false,
            confirmed: false,
            last_authenticated_at: Some(now),
            last_ip: None,
            created_at: now,
            updated_at: now,
        };
        self.store.insert_device(&d).await?;
        let new = NewDevice { device_key: d.device_key.clone(), group_key: d.group_key.clone() };
        Ok((Some(d.device_key), Some(new)))
    }

    /// ConfirmDevice: stores the device's verifier; the answer says whether the user must
    /// still choose to remember it (`UserConfirmationNecessary`).
    pub async fn confirm_device(
        &self,
        access_token: &str,
        device_key: &str,
        verifier: DeviceVerifier,
        name: Option<String>,
    ) -> Result<bool, UserError> {
        let (user, _) = self.from_access_token(access_token).await?;
        let pool = self.pool(user.pool_id.as_str()).await?;
        let settings = pool
            .config
            .devices
            .ok_or_else(|| UserError::InvalidParameter("Device tracking is not enabled for this user pool.".into()))?;
        let mut d = self.users_device(&pool, &user, device_key).await?;
        let b64 = base64::engine::general_purpose::STANDARD;
        let bad = || UserError::InvalidParameter("DeviceSecretVerifierConfig is not valid.".into());
        let v = b64.decode(verifier.verifier_b64.trim()).map_err(|_| bad())?;
        let salt = b64.decode(verifier.salt_b64.trim()).map_err(|_| bad())?;
        if v.is_empty() || v.len() > 512 || salt.is_empty() || salt.len() > 64 {
            return Err(bad());
        }
        d.sealed_verifier = Some(self.seal_salt_verifier(&device_context(&d), &salt, &v));
        d.confirmed = true;
        d.name = name.filter(|n| !n.is_empty()).map(|n| n.chars().take(1024).collect());
        d.remembered = !settings.device_only_remembered_on_user_prompt;
        d.updated_at = self.clock.now();
        self.store.update_device(&d).await?;
        Ok(settings.device_only_remembered_on_user_prompt)
    }

    /// UpdateDeviceStatus.
    pub async fn update_device_status(&self, access_token: &str, key: &str, remembered: bool) -> Result<(), UserError> {
        let (user, _) = self.from_access_token(access_token).await?;
        self.set_remembered(&user, key, remembered).await
    }

    /// AdminUpdateDeviceStatus.
    pub async fn admin_update_device_status(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        username: &str,
        key: &str,
        remembered: bool,
    ) -> Result<(), UserError> {
        let user = self.admin_user(pool_id, username).await?;
        self.set_remembered(&user, key, remembered).await
    }

    async fn set_remembered(&self, user: &User, key: &str, remembered: bool) -> Result<(), UserError> {
        let pool = self.pool(user.pool_id.as_str()).await?;
        let mut d = self.users_device(&pool, user, key).await?;
        d.remembered = remembered;
        d.updated_at = self.clock.now();
        self.store.update_device(&d).await?;
        Ok(())
    }

    /// GetDevice (a device is tracked once confirmed).
    pub async fn get_device(&self, access_token: &str, key: &str) -> Result<Device, UserError> {
        let (user, _) = self.from_access_token(access_token).await?;
        let pool = self.pool(user.pool_id.as_str()).await?;
        Some(self.users_device(&pool, &user, key).await?).filter(|d| d.confirmed).ok_or_else(not_found)
    }

    /// AdminGetDevice.
    pub async fn admin_get_device(
        &self,
        _ctx: &AdminCtx,
        pool_id: &str,
        username: &str,
        key: &str,
    ) -> Result<Device, UserError> {
        let user = self.admin_user(pool_id, username).await?;
        let pool = self.pool(pool_id).await?;
        Some(self.users_device(&pool, &user, key).await?).filter(|d| d.confirmed).ok_or_else(not_found)
    }

    /// ListDevices.
    pub async fn list_devices(
        &self,
        access_token: &str,
        limit: usize,
        after: Option<&str>,
    ) -> Result<DevicePage, UserError> {
        let (user, _) = self.from_access_token(access_token).await?;
        self.page_devices(&user, limit, after).await
    }

    /// AdminListDevices.
    pub async fn admin_list_devices(
        &self,
        _ctx: &AdminCtx,
        pool_id: &str,
        username: &str,
        limit: usize,
        after: Option<&str>,
    ) -> Result<DevicePage, UserError> {
        let user = self.admin_user(pool_id, username).await?;
        self.page_devices(&user, limit, after).await
    }

    async fn page_devices(&self, user: &User, limit: usize, after: Option<&str>) -> Result<DevicePage, UserError> {
        let limit = limit.clamp(1, 60);
        let rows = self.store.list_devices(&user.pool_id, &user.username_key, after, limit + 1).await?;
        let (devices, next) = crate::page_of(rows, limit, |d| d.device_key.clone());
        Ok(DevicePage { devices, next })
    }

    /// ForgetDevice.
    pub async fn forget_device(&self, access_token: &str, key: &str) -> Result<(), UserError> {
        let (user, _) = self.from_access_token(access_token).await?;
        self.forget(&user, key).await
    }

    /// AdminForgetDevice.
    pub async fn admin_forget_device(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        username: &str,
        key: &str,
    ) -> Result<(), UserError> {
        let user = self.admin_user(pool_id, username).await?;
        self.forget(&user, key).await
    }

    async fn forget(&self, user: &User, key: &str) -> Result<(), UserError> {
        let pool = self.pool(user.pool_id.as_str()).await?;
        let d = self.users_device(&pool, user, key).await?;
        self.store.delete_device(&pool.id, &d.device_key).await?;
        Ok(())
    }

    async fn admin_user(&self, pool_id: &str, username: &str) -> Result<User, UserError> {
        let pool = self.pool(pool_id).await?;
        self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)
    }
}

fn device_context(d: &Device) -> String {
    format!("cognate/device_verifier/v1/{}/{}", d.pool_id.as_str(), d.device_key)
}
