//! SQL for challenge sessions (one row per open step of a sign-in).

use crate::error::map;
use crate::SqlStore;
use async_trait::async_trait;
use domain::clock::Timestamp;
use domain::pool::UserPoolId;
use domain::ports::{AuthSessionRecord, AuthSessionStore};
use domain::StoreError;

#[derive(sqlx::FromRow)]
struct Row {
    id_hash: String,
    pool_id: String,
    client_id: String,
    username_key: String,
    sealed: Vec<u8>,
    failures: i64,
    expires_at: i64,
    created_at: i64,
}

#[async_trait]
impl AuthSessionStore for SqlStore {
    async fn insert_auth_session(&self, r: &AuthSessionRecord) -> Result<(), StoreError> {
        sqlx::query(
            "insert into auth_sessions (id_hash, pool_id, client_id, username_key, sealed, failures, expires_at, \
             created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(&r.id_hash)
        .bind(r.pool_id.as_str())
        .bind(&r.client_id)
        .bind(&r.username_key)
        .bind(&r.sealed)
        .bind(r.failures)
        .bind(r.expires_at.millis())
        .bind(r.created_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn find_auth_session(&self, id_hash: &str) -> Result<Option<AuthSessionRecord>, StoreError> {
        let row = sqlx::query_as::<_, Row>(
            "select id_hash, pool_id, client_id, username_key, sealed, failures, expires_at, created_at \
             from auth_sessions where id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?;
        row.map(|r| {
            Ok(AuthSessionRecord {
                id_hash: r.id_hash,
                pool_id: UserPoolId::parse(&r.pool_id)
                    .ok_or_else(|| StoreError::Corrupt(format!("auth_sessions.pool_id: {}", r.pool_id)))?,
                client_id: r.client_id,
                username_key: r.username_key,
                sealed: r.sealed,
                failures: r.failures,
                expires_at: Timestamp(r.expires_at),
                created_at: Timestamp(r.created_at),
            })
        })
        .transpose()
    }

    async fn take_auth_session(&self, id_hash: &str, failures: i64) -> Result<bool, StoreError> {
        let r = sqlx::query("delete from auth_sessions where id_hash = $1 and failures = $2")
            .bind(id_hash)
            .bind(failures)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected() == 1)
    }

    async fn fail_auth_session(&self, id_hash: &str, max_failures: i64, now: Timestamp) -> Result<(), StoreError> {
        sqlx::query("update auth_sessions set failures = failures + 1, updated_at = $2 where id_hash = $1")
            .bind(id_hash)
            .bind(now.millis())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        sqlx::query("delete from auth_sessions where id_hash = $1 and failures >= $2")
            .bind(id_hash)
            .bind(max_failures)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }

    async fn purge_auth_sessions(&self, now: Timestamp) -> Result<u64, StoreError> {
        let r = sqlx::query("delete from auth_sessions where expires_at <= $1")
            .bind(now.millis())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected())
    }
}
