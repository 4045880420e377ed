//! SQL for console sessions (tower-sessions records).

use crate::error::map;
use crate::SqlStore;
use async_trait::async_trait;
use domain::clock::Timestamp;
use domain::ports::SessionRecordStore;
use domain::StoreError;

#[async_trait]
impl SessionRecordStore for SqlStore {
    async fn create_session(&self, id_hash: &str, data: &[u8], expires_at: Timestamp) -> Result<(), StoreError> {
        sqlx::query(
            "insert into web_sessions (id_hash, data, expires_at, created_at, updated_at) values ($1, $2, $3, $3, $3)",
        )
        .bind(id_hash)
        .bind(data)
        .bind(expires_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn save_session(&self, id_hash: &str, data: &[u8], expires_at: Timestamp) -> Result<(), StoreError> {
        sqlx::query(
            "insert into web_sessions (id_hash, data, expires_at, created_at, updated_at) values ($1, $2, $3, $3, $3) \
             on conflict (id_hash) do update set data = excluded.data, expires_at = excluded.expires_at, \
             updated_at = excluded.updated_at \
             where web_sessions.data <> excluded.data or web_sessions.expires_at < excluded.expires_at - 60000",
        )
        .bind(id_hash)
        .bind(data)
        .bind(expires_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn load_session(&self, id_hash: &str, now: Timestamp) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar::<_, Vec<u8>>("select data from web_sessions where id_hash = $1 and expires_at > $2")
            .bind(id_hash)
            .bind(now.millis())
            .fetch_optional(&self.pool)
            .await
            .map_err(map)
    }

    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        sqlx::query("delete from web_sessions where id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }

    async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64, StoreError> {
        let r = sqlx::query("delete from web_sessions where expires_at <= $1")
            .bind(now.millis())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected())
    }
}
