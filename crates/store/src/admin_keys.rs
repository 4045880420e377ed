//! SQL for admin API keys.

use crate::error::map;
use crate::rows::AdminKeyRow;
use crate::SqlStore;
use async_trait::async_trait;
use domain::admin_key::AdminKeyRecord;
use domain::ports::AdminKeyStore;
use domain::StoreError;

#[async_trait]
impl AdminKeyStore for SqlStore {
    async fn upsert_admin_key(&self, k: &AdminKeyRecord) -> Result<(), StoreError> {
        sqlx::query(
            "insert into admin_keys (access_key_id, sealed_secret, active, created_at, updated_at) \
             values ($1, $2, $3, $4, $4) \
             on conflict (access_key_id) do update set sealed_secret = excluded.sealed_secret, \
             active = excluded.active, updated_at = excluded.updated_at",
        )
        .bind(&k.access_key_id)
        .bind(&k.sealed_secret)
        .bind(i64::from(k.active))
        .bind(k.created_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn find_admin_key(&self, access_key_id: &str) -> Result<Option<AdminKeyRecord>, StoreError> {
        Ok(sqlx::query_as::<_, AdminKeyRow>(
            "select access_key_id, sealed_secret, active, created_at from admin_keys where access_key_id = $1",
        )
        .bind(access_key_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?
        .map(Into::into))
    }

    async fn list_admin_keys(&self) -> Result<Vec<AdminKeyRecord>, StoreError> {
        Ok(sqlx::query_as::<_, AdminKeyRow>(
            "select access_key_id, sealed_secret, active, created_at from admin_keys order by created_at, access_key_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map)?
        .into_iter()
        .map(Into::into)
        .collect())
    }

    async fn delete_admin_key(&self, access_key_id: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("delete from admin_keys where access_key_id = $1")
            .bind(access_key_id)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected() > 0)
    }
}
