//! The SQL: one function per query, each one statement (one transaction).

use crate::error::map;
use crate::rows::{to_json, AdminKeyRow, AppClientRow, OperatorRow, ThrottleRow, UserPoolRow};
use crate::SqlStore;
use async_trait::async_trait;
use domain::admin_key::AdminKeyRecord;
use domain::client::{AppClient, ClientId};
use domain::clock::Timestamp;
use domain::operator::{Email, OperatorId, OperatorRecord};
use domain::pool::{UserPool, UserPoolId};
use domain::ports::{
    AdminKeyStore, ClientStore, HealthStore, OperatorStore, PoolStore, SessionRecordStore, ThrottleStore,
};
use domain::throttle::ThrottleState;
use domain::StoreError;

const OPERATOR_COLUMNS: &str = "id, email, role, password_hash, created_at";

#[async_trait]
impl OperatorStore for SqlStore {
    async fn count_operators(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar::<_, i64>("select count(*) from operators").fetch_one(&self.pool).await.map_err(map)
    }

    async fn insert_operator(&self, r: &OperatorRecord) -> Result<(), StoreError> {
        let op = &r.operator;
        sqlx::query(
            "insert into operators (id, email, role, password_hash, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $5)",
        )
        .bind(op.id.as_str())
        .bind(op.email.as_str())
        .bind(op.role.as_str())
        .bind(r.password_hash.as_phc())
        .bind(op.created_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn find_operator_by_email(&self, email: &Email) -> Result<Option<OperatorRecord>, StoreError> {
        let sql = format!("select {OPERATOR_COLUMNS} from operators where email = $1");
        sqlx::query_as::<_, OperatorRow>(&sql)
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?
            .map(TryInto::try_into)
            .transpose()
    }

    async fn find_operator(&self, id: &OperatorId) -> Result<Option<OperatorRecord>, StoreError> {
        let sql = format!("select {OPERATOR_COLUMNS} from operators where id = $1");
        sqlx::query_as::<_, OperatorRow>(&sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?
            .map(TryInto::try_into)
            .transpose()
    }

    async fn list_operators(&self) -> Result<Vec<OperatorRecord>, StoreError> {
        let sql = format!("select {OPERATOR_COLUMNS} from operators order by email");
        sqlx::query_as::<_, OperatorRow>(&sql)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    async fn delete_operator(&self, id: &OperatorId) -> Result<bool, StoreError> {
        let r = sqlx::query("delete from operators where id = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected() > 0)
    }

    async fn set_operator_password(
        &self,
        id: &OperatorId,
        hash: &domain::password::PasswordHash,
        now: domain::clock::Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query("update operators set password_hash = $2, updated_at = $3 where id = $1")
            .bind(id.as_str())
            .bind(hash.as_phc())
            .bind(now.millis())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }
}

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

#[async_trait]
impl HealthStore for SqlStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query_scalar::<_, i64>("select 1").fetch_one(&self.pool).await.map_err(map)?;
        Ok(())
    }
}
