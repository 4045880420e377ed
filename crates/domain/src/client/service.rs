//! App client use cases.

use super::{AppClient, ClientConfig, ClientConfigError, ClientId};
use crate::access::{AdminCtx, WriteCtx};
use crate::clock::Clock;
use crate::crypto::MasterKey;
use crate::pool::{UserPool, UserPoolId};
use crate::ports::{Store, StoreError};
use crate::secret::SecretString;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::Arc;

const SEAL_CONTEXT: &str = "cognate/client_secret/v1";
const SECRET_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Why a client operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No such pool.
    #[error("User pool {0} does not exist.")]
    PoolNotFound(String),
    /// No such client in the pool.
    #[error("User pool client {0} does not exist.")]
    NotFound(String),
    /// A setting breaks a rule.
    #[error(transparent)]
    Config(#[from] ClientConfigError),
    /// OAuth settings break a rule.
    #[error(transparent)]
    OAuth(#[from] super::OAuthSettingsError),
    /// Read or write attributes name attributes the pool does not have (or cannot change).
    #[error("{0}")]
    Attributes(String),
    /// The name breaks the API's pattern.
    #[error("Client name must have 1 to 128 letters, digits, spaces or + = , . @ - _ characters.")]
    BadName,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A sealed secret could not be opened (wrong master key).
    #[error(transparent)]
    Crypto(#[from] crate::crypto::CryptoError),
}

/// A page of clients.
#[derive(Debug, Clone)]
pub struct ClientPage {
    /// Clients ordered by id.
    pub clients: Vec<AppClient>,
    /// Next page's token.
    pub next: Option<String>,
}

/// App client use cases.
#[derive(Clone)]
pub struct ClientService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    master: MasterKey,
}

fn check_name(name: &str) -> Result<(), ClientError> {
    let ok = (1..=128).contains(&name.chars().count())
        && name.chars().all(|c| c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=,.@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(ClientError::BadName)
    }
}

impl ClientService {
    /// A service sealing secrets with `master`.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, master: MasterKey) -> Self {
        ClientService { store, clock, master }
    }

    /// OAuth rules, custom scopes included: each `<identifier>/<scope>` must be defined by
    /// one of the pool's resource servers.
    async fn check_oauth(&self, pool: &UserPool, config: &ClientConfig, has_secret: bool) -> Result<(), ClientError> {
        config.oauth.check(has_secret)?;
        let custom: Vec<&String> = config.oauth.scopes.iter().filter(|s| s.contains('/')).collect();
        if !custom.is_empty() {
            let servers = self.store.list_resource_servers(&pool.id).await?;
            let known: Vec<String> = servers.iter().flat_map(|r| r.scope_names()).collect();
            if let Some(missing) = custom.into_iter().find(|s| !known.contains(s)) {
                return Err(super::OAuthSettingsError::UnknownScope(missing.clone()).into());
            }
        }
        Ok(())
    }

    /// Read attributes must exist in the pool (or be a `*_verified` flag); write
    /// attributes must exist and be mutable.
    fn check_attributes(pool: &UserPool, config: &ClientConfig) -> Result<(), ClientError> {
        let known = |name: &str| {
            pool.config.attribute(name).is_some() || name == "email_verified" || name == "phone_number_verified"
        };
        if let Some(bad) = config.read_attributes.iter().find(|a| !known(a)) {
            return Err(ClientError::Attributes(format!(
                "Invalid read attributes specified: {bad} is not an attribute of the pool."
            )));
        }
        for a in &config.write_attributes {
            match pool.config.attribute(a) {
                Some(attr) if !attr.mutable => {
                    return Err(ClientError::Attributes(format!(
                        "Invalid write attributes specified: {a} cannot change after sign-up."
                    )))
                }
                Some(_) => {}
                None if a == "email_verified" || a == "phone_number_verified" => {}
                None => {
                    return Err(ClientError::Attributes(format!(
                        "Invalid write attributes specified: {a} is not an attribute of the pool."
                    )))
                }
            }
        }
        Ok(())
    }

    async fn pool(&self, pool_id: &str) -> Result<UserPool, ClientError> {
        let pid = UserPoolId::parse(pool_id).ok_or_else(|| ClientError::PoolNotFound(pool_id.to_owned()))?;
        self.store.find_pool(&pid).await?.ok_or_else(|| ClientError::PoolNotFound(pool_id.to_owned()))
    }

    /// Creates a client; with `generate_secret` it gets a 51-character secret.
    pub async fn create(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        name: &str,
        generate_secret: bool,
        config: ClientConfig,
    ) -> Result<AppClient, ClientError> {
        check_name(name)?;
        config.check()?;
        let pool = self.pool(pool_id).await?;
        Self::check_attributes(&pool, &config)?;
        self.check_oauth(&pool, &config, generate_secret).await?;
        let now = self.clock.now();
        let sealed_secret = generate_secret.then(|| {
            let secret = crate::crypto::random_chars(51, SECRET_ALPHABET);
            self.master.seal(SEAL_CONTEXT, secret.as_bytes())
        });
        let client = AppClient {
            pool_id: pool.id,
            id: ClientId::generate(),
            name: name.to_owned(),
            sealed_secret,
            config,
            created_at: now,
            updated_at: now,
        };
        self.store.insert_client(&client).await?;
        Ok(client)
    }

    /// The client `client_id` of pool `pool_id`.
    pub async fn get(&self, _ctx: &AdminCtx, pool_id: &str, client_id: &str) -> Result<AppClient, ClientError> {
        self.pool(pool_id).await?;
        match self.find(client_id).await? {
            Some(c) if c.pool_id.as_str() == pool_id => Ok(c),
            _ => Err(ClientError::NotFound(client_id.to_owned())),
        }
    }

    /// The client with this id in any pool (public flows name only the client).
    pub async fn find(&self, client_id: &str) -> Result<Option<AppClient>, ClientError> {
        let Some(id) = ClientId::parse(client_id) else { return Ok(None) };
        Ok(self.store.find_client(&id).await?)
    }

    /// The client's secret in clear, for DescribeUserPoolClient and SECRET_HASH checks.
    pub fn secret(&self, client: &AppClient) -> Result<Option<SecretString>, ClientError> {
        match &client.sealed_secret {
            None => Ok(None),
            Some(s) => {
                let plain = self.master.open(SEAL_CONTEXT, s)?;
                Ok(Some(SecretString::new(String::from_utf8_lossy(&plain).into_owned())))
            }
        }
    }

    /// Checks `SECRET_HASH` = Base64(HMAC-SHA256(secret, username + client_id)) in constant
    /// time. Clients without a secret need none; with one, a missing hash fails.
    pub fn check_secret_hash(
        &self,
        client: &AppClient,
        username: &str,
        provided: Option<&str>,
    ) -> Result<bool, ClientError> {
        let Some(secret) = self.secret(client)? else { return Ok(true) };
        let Some(provided) = provided else { return Ok(false) };
        Ok(crate::crypto::ct_eq(
            secret_hash(secret.secret(), username, client.id.as_str()).as_bytes(),
            provided.as_bytes(),
        ))
    }

    /// Replaces name and settings.
    pub async fn update(
        &self,
        ctx: &WriteCtx,
        pool_id: &str,
        client_id: &str,
        name: Option<&str>,
        config: ClientConfig,
    ) -> Result<AppClient, ClientError> {
        let mut client = self.get(&AdminCtx::new(ctx.principal().clone()), pool_id, client_id).await?;
        if let Some(n) = name {
            check_name(n)?;
            client.name = n.to_owned();
        }
        config.check()?;
        let pool = self.pool(pool_id).await?;
        Self::check_attributes(&pool, &config)?;
        self.check_oauth(&pool, &config, client.sealed_secret.is_some()).await?;
        client.config = config;
        client.updated_at = self.clock.now();
        if !self.store.update_client(&client).await? {
            return Err(ClientError::NotFound(client_id.to_owned()));
        }
        Ok(client)
    }

    /// Deletes a client.
    pub async fn delete(&self, ctx: &WriteCtx, pool_id: &str, client_id: &str) -> Result<(), ClientError> {
        let client = self.get(&AdminCtx::new(ctx.principal().clone()), pool_id, client_id).await?;
        if !self.store.delete_client(&client.id).await? {
            return Err(ClientError::NotFound(client_id.to_owned()));
        }
        Ok(())
    }

    /// A page of the pool's clients.
    pub async fn page(
        &self,
        _ctx: &AdminCtx,
        pool_id: &str,
        limit: usize,
        after: Option<&str>,
    ) -> Result<ClientPage, ClientError> {
        let pool = self.pool(pool_id).await?;
        let limit = limit.clamp(1, 60);
        let clients = self.store.list_clients_after(&pool.id, after, limit + 1).await?;
        let (clients, next) = crate::page_of(clients, limit, |c| c.id.as_str().to_owned());
        Ok(ClientPage { clients, next })
    }
}

/// Cognito's `SECRET_HASH`.
pub fn secret_hash(secret: &str, username: &str, client_id: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        // HMAC accepts keys of any length; this branch cannot run.
        Err(_) => return String::new(),
    };
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    #[test]
    fn secret_hash_matches_a_known_value() {
        // Computed independently: base64(hmac_sha256("secret", "alice" + "client")).
        assert_eq!(super::secret_hash("secret", "alice", "client"), "RTsve+FQ659UKyESgvLg9GYmZEL+QjzQsW/OjL77/b0=");
    }
}
