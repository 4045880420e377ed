//! SQL for app clients.

use crate::error::map;
use crate::rows::{to_json, AppClientRow};
use crate::SqlStore;
use async_trait::async_trait;
use domain::client::{AppClient, ClientId};
use domain::pool::UserPoolId;
use domain::ports::ClientStore;
use domain::StoreError;

const CLIENT_COLUMNS: &str = "id, pool_id, name, sealed_secret, config, created_at, updated_at";

#[async_trait]
impl ClientStore for SqlStore {
    async fn insert_client(&self, c: &AppClient) -> Result<(), StoreError> {
        sqlx::query(
            "insert into app_clients (id, pool_id, name, sealed_secret, config, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(c.id.as_str())
        .bind(c.pool_id.as_str())
        .bind(&c.name)
        .bind(c.sealed_secret.as_deref())
        .bind(to_json(&c.config)?)
        .bind(c.created_at.millis())
        .bind(c.updated_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn find_client(&self, id: &ClientId) -> Result<Option<AppClient>, StoreError> {
        let sql = format!("select {CLIENT_COLUMNS} from app_clients where id = $1");
        sqlx::query_as::<_, AppClientRow>(&sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?
            .map(TryInto::try_into)
            .transpose()
    }

    async fn update_client(&self, c: &AppClient) -> Result<bool, StoreError> {
        let r = sqlx::query("update app_clients set name = $2, config = $3, updated_at = $4 where id = $1")
            .bind(c.id.as_str())
            .bind(&c.name)
            .bind(to_json(&c.config)?)
            .bind(c.updated_at.millis())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected() == 1)
    }

    async fn delete_client(&self, id: &ClientId) -> Result<bool, StoreError> {
        let r = sqlx::query("delete from app_clients where id = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected() == 1)
    }

    async fn list_clients_after(
        &self,
        pool: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AppClient>, StoreError> {
        let sql =
            format!("select {CLIENT_COLUMNS} from app_clients where pool_id = $1 and id > $2 order by id limit $3");
        sqlx::query_as::<_, AppClientRow>(&sql)
            .bind(pool.as_str())
            .bind(after.unwrap_or(""))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(map)?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }
}
