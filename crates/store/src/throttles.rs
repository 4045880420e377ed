//! SQL for sign-in throttles (the lockout's stored failures and locks).

use crate::error::map;
use crate::rows::ThrottleRow;
use crate::SqlStore;
use async_trait::async_trait;
use domain::clock::Timestamp;
use domain::ports::ThrottleStore;
use domain::throttle::ThrottleState;
use domain::StoreError;

#[async_trait]
impl ThrottleStore for SqlStore {
    async fn find_throttle(&self, key: &str) -> Result<Option<ThrottleState>, StoreError> {
        Ok(sqlx::query_as::<_, ThrottleRow>(
            "select failures, last_failure_at, locked_until, version from throttles where key_hash = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?
        .map(Into::into))
    }

    async fn swap_throttle(
        &self,
        key: &str,
        expected: Option<&ThrottleState>,
        next: Option<&ThrottleState>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let r = match (expected, next) {
            (None, None) => return Ok(true),
            (None, Some(n)) => sqlx::query(
                "insert into throttles (key_hash, failures, last_failure_at, locked_until, version, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, $6) on conflict (key_hash) do nothing",
            )
            .bind(key)
            .bind(n.failures)
            .bind(n.last_failure_at.millis())
            .bind(n.locked_until.map(Timestamp::millis))
            .bind(n.version)
            .bind(now.millis())
            .execute(&self.pool)
            .await
            .map_err(map)?,
            (Some(e), Some(n)) => sqlx::query(
                "update throttles set failures = $2, last_failure_at = $3, locked_until = $4, version = $5, \
                 updated_at = $6 where key_hash = $1 and version = $7",
            )
            .bind(key)
            .bind(n.failures)
            .bind(n.last_failure_at.millis())
            .bind(n.locked_until.map(Timestamp::millis))
            .bind(n.version)
            .bind(now.millis())
            .bind(e.version)
            .execute(&self.pool)
            .await
            .map_err(map)?,
            (Some(e), None) => sqlx::query("delete from throttles where key_hash = $1 and version = $2")
                .bind(key)
                .bind(e.version)
                .execute(&self.pool)
                .await
                .map_err(map)?,
        };
        Ok(r.rows_affected() == 1)
    }

    async fn clear_throttle(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("delete from throttles where key_hash = $1").bind(key).execute(&self.pool).await.map_err(map)?;
        Ok(())
    }

    async fn purge_throttles(&self, before: Timestamp, now: Timestamp) -> Result<u64, StoreError> {
        let r = sqlx::query(
            "delete from throttles where last_failure_at < $1 and (locked_until is null or locked_until <= $2)",
        )
        .bind(before.millis())
        .bind(now.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(r.rows_affected())
    }
}
