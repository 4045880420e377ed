//! The database's liveness check.

use crate::error::map;
use crate::SqlStore;
use async_trait::async_trait;
use domain::ports::HealthStore;
use domain::StoreError;

#[async_trait]
impl HealthStore for SqlStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query_scalar::<_, i64>("select 1").fetch_one(&self.pool).await.map_err(map)?;
        Ok(())
    }
}
