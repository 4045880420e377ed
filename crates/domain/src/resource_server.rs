//! Resource servers: an API protected by the pool's access tokens, with the custom
//! scopes (`<identifier>/<scope>`) that app clients may be allowed.

use crate::access::{AdminCtx, WriteCtx};
use crate::pool::UserPoolId;
use crate::ports::{Store, StoreError};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Cognito's limit of resource servers per pool.
pub const MAX_PER_POOL: usize = 25;

/// A custom scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// `ScopeName`.
    pub name: String,
    /// `ScopeDescription`.
    pub description: String,
}

/// A resource server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceServer {
    /// Its pool.
    pub pool_id: UserPoolId,
    /// `Identifier`, often the API's URL.
    pub identifier: String,
    /// `Name`.
    pub name: String,
    /// Its scopes.
    pub scopes: Vec<Scope>,
}

impl ResourceServer {
    /// The full names (`identifier/scope`) of its scopes.
    pub fn scope_names(&self) -> impl Iterator<Item = String> + '_ {
        self.scopes.iter().map(|s| format!("{}/{}", self.identifier, s.name))
    }
}

/// Why a resource server operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ResourceServerError {
    /// No such pool.
    #[error("User pool {0} does not exist.")]
    PoolNotFound(String),
    /// No such resource server.
    #[error("Resource server {0} does not exist.")]
    NotFound(String),
    /// The identifier is taken.
    #[error("A resource server with identifier {0} already exists in this user pool.")]
    Exists(String),
    /// Too many resource servers.
    #[error("A user pool can have at most 25 resource servers.")]
    Limit,
    /// A rule about scopes.
    #[error("{0}")]
    Invalid(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Resource server use cases.
#[derive(Clone)]
pub struct ResourceServerService {
    store: Arc<dyn Store>,
}

fn check_scopes(scopes: &[Scope]) -> Result<(), ResourceServerError> {
    if scopes.len() > 100 {
        return Err(ResourceServerError::Invalid("A resource server can have at most 100 scopes.".into()));
    }
    for (i, s) in scopes.iter().enumerate() {
        if scopes[..i].iter().any(|o| o.name == s.name) {
            return Err(ResourceServerError::Invalid(format!("Scope {} is listed twice.", s.name)));
        }
    }
    Ok(())
}

impl ResourceServerService {
    /// A service over `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        ResourceServerService { store }
    }

    async fn pool(&self, pool_id: &str) -> Result<UserPoolId, ResourceServerError> {
        let id = UserPoolId::parse(pool_id).ok_or_else(|| ResourceServerError::PoolNotFound(pool_id.into()))?;
        self.store.find_pool(&id).await?.ok_or_else(|| ResourceServerError::PoolNotFound(pool_id.into()))?;
        Ok(id)
    }

    /// Creates a resource server.
    pub async fn create(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        identifier: &str,
        name: &str,
        scopes: Vec<Scope>,
    ) -> Result<ResourceServer, ResourceServerError> {
        let pool_id = self.pool(pool_id).await?;
        check_scopes(&scopes)?;
        let existing = self.store.list_resource_servers(&pool_id).await?;
        if existing.iter().any(|r| r.identifier == identifier) {
            return Err(ResourceServerError::Exists(identifier.into()));
        }
        if existing.len() >= MAX_PER_POOL {
            return Err(ResourceServerError::Limit);
        }
        let rs = ResourceServer { pool_id, identifier: identifier.into(), name: name.into(), scopes };
        match self.store.insert_resource_server(&rs).await {
            Err(StoreError::Conflict(_)) => Err(ResourceServerError::Exists(identifier.into())),
            other => other.map(|_| rs).map_err(Into::into),
        }
    }

    /// One resource server.
    pub async fn get(
        &self,
        _ctx: &AdminCtx,
        pool_id: &str,
        identifier: &str,
    ) -> Result<ResourceServer, ResourceServerError> {
        let pool_id = self.pool(pool_id).await?;
        self.store
            .find_resource_server(&pool_id, identifier)
            .await?
            .ok_or_else(|| ResourceServerError::NotFound(identifier.into()))
    }

    /// Replaces name and scopes.
    pub async fn update(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        identifier: &str,
        name: &str,
        scopes: Vec<Scope>,
    ) -> Result<ResourceServer, ResourceServerError> {
        let pool_id = self.pool(pool_id).await?;
        check_scopes(&scopes)?;
        let rs = ResourceServer { pool_id, identifier: identifier.into(), name: name.into(), scopes };
        if !self.store.update_resource_server(&rs).await? {
            return Err(ResourceServerError::NotFound(identifier.into()));
        }
        Ok(rs)
    }

    /// Deletes one.
    pub async fn delete(&self, _ctx: &WriteCtx, pool_id: &str, identifier: &str) -> Result<(), ResourceServerError> {
        let pool_id = self.pool(pool_id).await?;
        if !self.store.delete_resource_server(&pool_id, identifier).await? {
            return Err(ResourceServerError::NotFound(identifier.into()));
        }
        Ok(())
    }

    /// All of the pool's resource servers, ordered by identifier.
    pub async fn list(&self, _ctx: &AdminCtx, pool_id: &str) -> Result<Vec<ResourceServer>, ResourceServerError> {
        let pool_id = self.pool(pool_id).await?;
        Ok(self.store.list_resource_servers(&pool_id).await?)
    }
}
