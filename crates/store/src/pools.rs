//! SQL for user pools.

use crate::error::map;
use crate::rows::{to_json, UserPoolRow};
use crate::SqlStore;
use async_trait::async_trait;
use domain::pool::{UserPool, UserPoolId};
use domain::ports::PoolStore;
use domain::StoreError;

const POOL_COLUMNS: &str = "id, name, config, created_at, updated_at";

#[async_trait]
impl PoolStore for SqlStore {
    async fn insert_pool(&self, p: &UserPool) -> Result<(), StoreError> {
        sqlx::query("insert into user_pools (id, name, config, created_at, updated_at) values ($1, $2, $3, $4, $5)")
            .bind(p.id.as_str())
            .bind(p.name.as_str())
            .bind(to_json(&p.config)?)
            .bind(p.created_at.millis())
            .bind(p.updated_at.millis())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }

    async fn list_pools(&self) -> Result<Vec<UserPool>, StoreError> {
        let sql = format!("select {POOL_COLUMNS} from user_pools order by created_at desc, id");
        sqlx::query_as::<_, UserPoolRow>(&sql)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    async fn find_pool(&self, id: &UserPoolId) -> Result<Option<UserPool>, StoreError> {
        let sql = format!("select {POOL_COLUMNS} from user_pools where id = $1");
        sqlx::query_as::<_, UserPoolRow>(&sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?
            .map(TryInto::try_into)
            .transpose()
    }

    async fn list_pools_after(&self, after: Option<&str>, limit: usize) -> Result<Vec<UserPool>, StoreError> {
        let sql = format!("select {POOL_COLUMNS} from user_pools where id > $1 order by id limit $2");
        sqlx::query_as::<_, UserPoolRow>(&sql)
            .bind(after.unwrap_or(""))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(map)?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    async fn update_pool(&self, p: &UserPool) -> Result<bool, StoreError> {
        let r = sqlx::query("update user_pools set name = $2, config = $3, updated_at = $4 where id = $1")
            .bind(p.id.as_str())
            .bind(p.name.as_str())
            .bind(to_json(&p.config)?)
            .bind(p.updated_at.millis())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected() == 1)
    }

    async fn delete_pool(&self, id: &UserPoolId) -> Result<bool, StoreError> {
        let r = sqlx::query("delete from user_pools where id = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected() == 1)
    }
}
