//! Remembered devices: a device key and group key handed out after a sign-in
//! (`NewDeviceMetadata`), the device's own SRP verifier once confirmed, and whether the
//! user chose to remember it (a remembered device answers DEVICE_SRP_AUTH instead of MFA).

use crate::clock::Timestamp;
use crate::pool::UserPoolId;
use serde::{Deserialize, Serialize};

/// A user's device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    /// The pool.
    pub pool_id: UserPoolId,
    /// Its user.
    pub username_key: String,
    /// `DeviceKey`: `<region>_<uuid>`.
    pub device_key: String,
    /// `DeviceGroupKey`: the "pool name" of the device's SRP.
    pub group_key: String,
    /// `DeviceName` given at ConfirmDevice.
    pub name: Option<String>,
    /// The device verifier (salt and verifier), sealed; set by ConfirmDevice.
    pub sealed_verifier: Option<String>,
    /// `remembered` / `not_remembered`.
    pub remembered: bool,
    /// ConfirmDevice was called.
    pub confirmed: bool,
    /// Last sign-in on this device.
    pub last_authenticated_at: Option<Timestamp>,
    /// Source address of that sign-in.
    pub last_ip: Option<String>,
    /// Created.
    pub created_at: Timestamp,
    /// Changed.
    pub updated_at: Timestamp,
}

/// A pool's `DeviceConfiguration`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSettings {
    /// `ChallengeRequiredOnNewDevice`.
    pub challenge_required_on_new_device: bool,
    /// `DeviceOnlyRememberedOnUserPrompt`: devices are remembered only when the user says so.
    pub device_only_remembered_on_user_prompt: bool,
}

/// Devices of one user, one page.
#[derive(Clone, Debug, Default)]
pub struct DevicePage {
    /// The devices.
    pub devices: Vec<Device>,
    /// Key of the last one when more follow.
    pub next: Option<String>,
}
