//! Pool use cases: create, read, update, delete, list.

use super::config::{ConfigError, PoolConfig, SchemaRequest};
use super::{PoolName, PoolNameError, Region, UserPool, UserPoolId};
use crate::access::{AdminCtx, WriteCtx};
use crate::clock::Clock;
use crate::ports::{Store, StoreError};
use std::sync::Arc;

/// Why a pool operation failed.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// The name is not acceptable.
    #[error(transparent)]
    Name(#[from] PoolNameError),
    /// A setting breaks a rule.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// No such pool.
    #[error("User pool {0} does not exist.")]
    NotFound(String),
    /// Deletion protection is on.
    #[error("The user pool {0} has deletion protection enabled.")]
    DeletionProtected(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One page of pools.
#[derive(Debug, Clone)]
pub struct PoolPage {
    /// The pools, ordered by id.
    pub pools: Vec<UserPool>,
    /// Where the next page starts, when there is one.
    pub next: Option<String>,
}

/// Pool use cases.
#[derive(Clone)]
pub struct PoolService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    region: Region,
}

impl PoolService {
    /// A service creating ids in `region`.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, region: Region) -> Self {
        PoolService { store, clock, region }
    }

    /// The region ids are made in.
    pub fn region(&self) -> &Region {
        &self.region
    }

    /// Creates a pool named `name` with default settings.
    pub async fn create(&self, ctx: &WriteCtx, name: &str) -> Result<UserPool, PoolError> {
        self.create_with(ctx, name, PoolConfig::default()).await
    }

    /// Creates a pool with `config`.
    pub async fn create_with(&self, _ctx: &WriteCtx, name: &str, config: PoolConfig) -> Result<UserPool, PoolError> {
        let name = PoolName::parse(name)?;
        config.check()?;
        let now = self.clock.now();
        // 62^9 ids make a collision vanishingly rare; retry a few times rather than fail.
        let mut last = StoreError::Conflict("user_pools.id".into());
        for _ in 0..3 {
            let pool = UserPool {
                id: UserPoolId::generate(&self.region),
                name: name.clone(),
                config: config.clone(),
                created_at: now,
                updated_at: now,
            };
            match self.store.insert_pool(&pool).await {
                Ok(()) => return Ok(pool),
                Err(StoreError::Conflict(c)) => last = StoreError::Conflict(c),
                Err(e) => return Err(e.into()),
            }
        }
        Err(last.into())
    }

    /// The pool `id`.
    pub async fn get(&self, _ctx: &AdminCtx, id: &str) -> Result<UserPool, PoolError> {
        self.find(id).await?.ok_or_else(|| PoolError::NotFound(id.to_owned()))
    }

    /// The pool `id`, for public flows that have no admin context.
    pub async fn find(&self, id: &str) -> Result<Option<UserPool>, PoolError> {
        let Some(pid) = UserPoolId::parse(id) else { return Ok(None) };
        Ok(self.store.find_pool(&pid).await?)
    }

    /// Replaces the settings (and optionally the name) of pool `id`; rules are checked
    /// before storing. What may not change (sign-in attributes, case sensitivity, existing
    /// schema attributes) is kept from the stored pool whatever `config` says.
    pub async fn update(
        &self,
        ctx: &WriteCtx,
        id: &str,
        name: Option<&str>,
        mut config: PoolConfig,
    ) -> Result<UserPool, PoolError> {
        let mut pool = self.get(&AdminCtx::new(ctx.principal().clone()), id).await?;
        config.username_attributes = pool.config.username_attributes.clone();
        config.alias_attributes = pool.config.alias_attributes.clone();
        config.case_sensitive = pool.config.case_sensitive;
        if !pool.config.schema.iter().all(|a| config.schema.contains(a)) {
            config.schema = pool.config.schema.clone();
        }
        config.check()?;
        if let Some(n) = name {
            pool.name = PoolName::parse(n)?;
        }
        pool.config = config;
        pool.updated_at = self.clock.now();
        if !self.store.update_pool(&pool).await? {
            return Err(PoolError::NotFound(id.to_owned()));
        }
        Ok(pool)
    }

    /// Adds custom attributes to pool `id` (AddCustomAttributes): existing attributes stay
    /// as they are; names, types and bounds follow the schema rules.
    pub async fn add_custom_attributes(
        &self,
        ctx: &WriteCtx,
        id: &str,
        requests: &[SchemaRequest],
    ) -> Result<UserPool, PoolError> {
        let mut config = self.get(&AdminCtx::new(ctx.principal().clone()), id).await?.config;
        config.apply_schema(requests, false)?;
        self.update(ctx, id, None, config).await
    }

    /// Deletes pool `id` and everything in it, unless deletion protection is on.
    pub async fn delete(&self, ctx: &WriteCtx, id: &str) -> Result<(), PoolError> {
        let pool = self.get(&AdminCtx::new(ctx.principal().clone()), id).await?;
        if pool.config.deletion_protection {
            return Err(PoolError::DeletionProtected(id.to_owned()));
        }
        if !self.store.delete_pool(&pool.id).await? {
            return Err(PoolError::NotFound(id.to_owned()));
        }
        Ok(())
    }

    /// Every pool, newest first (the console's list).
    pub async fn list(&self, _ctx: &AdminCtx) -> Result<Vec<UserPool>, PoolError> {
        Ok(self.store.list_pools().await?)
    }

    /// One page of at most `limit` pools after the opaque `after` token.
    pub async fn page(&self, _ctx: &AdminCtx, limit: usize, after: Option<&str>) -> Result<PoolPage, PoolError> {
        let limit = limit.clamp(1, 60);
        let pools = self.store.list_pools_after(after, limit + 1).await?;
        let (pools, next) = crate::page_of(pools, limit, |p| p.id.as_str().to_owned());
        Ok(PoolPage { pools, next })
    }
}
