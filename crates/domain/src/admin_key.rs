//! Admin API key pairs: the access key id / secret access key pairs that sign
//! Cognito admin calls with SigV4. SigV4 needs the secret itself to recompute a
//! signature, so the secret is sealed with the master key rather than hashed.

use crate::access::{AdminCtx, Principal};
use crate::clock::{Clock, Timestamp};
use crate::crypto::MasterKey;
use crate::ports::{Store, StoreError};
use crate::secret::SecretString;
use std::sync::Arc;

const SEAL_CONTEXT: &str = "cognate/admin_key/v1";

/// A stored key pair.
#[derive(Clone, Debug)]
pub struct AdminKeyRecord {
    /// The public half (`AKIA...`-like), 16-128 word characters as in AWS.
    pub access_key_id: String,
    /// The secret, sealed with the master key.
    pub sealed_secret: Vec<u8>,
    /// Whether requests signed with it are accepted.
    pub active: bool,
    /// Creation time.
    pub created_at: Timestamp,
}

/// Why a key pair was refused.
#[derive(Debug, thiserror::Error)]
pub enum AdminKeyError {
    /// The access key id breaks AWS's `[\w]{16,128}`.
    #[error("an access key id has 16 to 128 letters, digits or underscores")]
    BadAccessKeyId,
    /// The secret is too short to be a secret.
    #[error("a secret access key has at least 16 characters")]
    WeakSecret,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The stored secret could not be opened with this master key.
    #[error(transparent)]
    Crypto(#[from] crate::crypto::CryptoError),
}

/// Admin key use cases.
#[derive(Clone)]
pub struct AdminKeyService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    master: MasterKey,
}

impl AdminKeyService {
    /// A service sealing secrets with `master`.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, master: MasterKey) -> Self {
        AdminKeyService { store, clock, master }
    }

    /// Registers (or re-registers with a new secret) a key pair from configuration.
    pub async fn register(&self, access_key_id: &str, secret: &SecretString) -> Result<(), AdminKeyError> {
        self.put(access_key_id, secret, true).await
    }

    /// Registers the configured bootstrap key at start-up: a new key is active; an
    /// existing one takes the configured secret but keeps its status, so a key an
    /// operator disabled stays disabled across restarts. Returns whether it is active.
    pub async fn register_bootstrap(&self, access_key_id: &str, secret: &SecretString) -> Result<bool, AdminKeyError> {
        let active = self.store.find_admin_key(access_key_id).await?.is_none_or(|k| k.active);
        self.put(access_key_id, secret, active).await?;
        Ok(active)
    }

    async fn put(&self, access_key_id: &str, secret: &SecretString, active: bool) -> Result<(), AdminKeyError> {
        let id_ok = (16..=128).contains(&access_key_id.len())
            && access_key_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !id_ok {
            return Err(AdminKeyError::BadAccessKeyId);
        }
        if secret.secret().len() < 16 {
            return Err(AdminKeyError::WeakSecret);
        }
        let record = AdminKeyRecord {
            access_key_id: access_key_id.to_owned(),
            sealed_secret: self.master.seal(SEAL_CONTEXT, secret.secret().as_bytes()),
            active,
            created_at: self.clock.now(),
        };
        self.store.upsert_admin_key(&record).await?;
        Ok(())
    }

    /// Creates a key pair (an operator's action): returns the id and the secret, which is
    /// not shown again.
    pub async fn create(&self, _ctx: &crate::access::WriteCtx) -> Result<(String, SecretString), AdminKeyError> {
        let id = format!("AKIA{}", crate::crypto::random_chars(16, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
        let secret = SecretString::new(crate::crypto::random_chars(
            40,
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        ));
        self.register(&id, &secret).await?;
        Ok((id, secret))
    }

    /// Every key (secrets stay sealed).
    pub async fn list(&self, _ctx: &AdminCtx) -> Result<Vec<AdminKeyRecord>, AdminKeyError> {
        Ok(self.store.list_admin_keys().await?)
    }

    /// Enables or disables a key; false when it does not exist. Takes effect on the next
    /// request (keys are read on every call).
    pub async fn set_active(
        &self,
        _ctx: &crate::access::WriteCtx,
        access_key_id: &str,
        active: bool,
    ) -> Result<bool, AdminKeyError> {
        let Some(mut rec) = self.store.find_admin_key(access_key_id).await? else { return Ok(false) };
        rec.active = active;
        self.store.upsert_admin_key(&rec).await?;
        Ok(true)
    }

    /// Deletes a key; false when it does not exist.
    pub async fn delete(&self, _ctx: &crate::access::WriteCtx, access_key_id: &str) -> Result<bool, AdminKeyError> {
        Ok(self.store.delete_admin_key(access_key_id).await?)
    }

    /// Authenticates an admin API call: loads the active key's secret and lets `verify`
    /// (the adapter's signature check) decide. Only a successful check yields the
    /// capability.
    pub async fn authorize<E>(
        &self,
        access_key_id: &str,
        verify: impl FnOnce(&SecretString) -> Result<(), E>,
    ) -> Result<AdminCtx, KeyAuthError<E>> {
        let secret =
            self.active_secret(access_key_id).await.map_err(KeyAuthError::Key)?.ok_or(KeyAuthError::UnknownKey)?;
        verify(&secret).map_err(KeyAuthError::Verify)?;
        Ok(AdminCtx::new(Principal::ApiKey { access_key_id: access_key_id.to_owned() }))
    }

    /// The secret of an active key, for verifying a signature; `None` for unknown or
    /// disabled keys.
    pub async fn active_secret(&self, access_key_id: &str) -> Result<Option<SecretString>, AdminKeyError> {
        let Some(rec) = self.store.find_admin_key(access_key_id).await? else {
            return Ok(None);
        };
        if !rec.active {
            return Ok(None);
        }
        let plain = self.master.open(SEAL_CONTEXT, &rec.sealed_secret)?;
        Ok(Some(SecretString::new(String::from_utf8_lossy(&plain).into_owned())))
    }
}

/// Why an admin API call was not authenticated.
#[derive(Debug)]
pub enum KeyAuthError<E> {
    /// No active key with this id.
    UnknownKey,
    /// The adapter's check failed.
    Verify(E),
    /// Loading the key failed.
    Key(AdminKeyError),
}
