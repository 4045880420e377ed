//! Pool use cases.

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
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
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

    /// Creates a pool named `name`.
    pub async fn create(&self, _ctx: &WriteCtx, name: &str) -> Result<UserPool, PoolError> {
        let name = PoolName::parse(name)?;
        let now = self.clock.now();
        // 62^9 ids make a collision vanishingly rare; retry a few times rather than fail.
        let mut last = None;
        for _ in 0..3 {
            let pool = UserPool {
                id: UserPoolId::generate(&self.region),
                name: name.clone(),
                created_at: now,
                updated_at: now,
            };
            match self.store.insert_pool(&pool).await {
                Ok(()) => return Ok(pool),
                Err(StoreError::Conflict(c)) => last = Some(StoreError::Conflict(c)),
                Err(e) => return Err(e.into()),
            }
        }
        Err(last.unwrap_or(StoreError::Conflict("user_pools.id".into())).into())
    }

    /// Every pool, newest first.
    pub async fn list(&self, _ctx: &AdminCtx) -> Result<Vec<UserPool>, PoolError> {
        Ok(self.store.list_pools().await?)
    }
}
