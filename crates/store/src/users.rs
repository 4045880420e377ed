//! SQL for users, codes, tokens and the outbox.

use crate::error::map;
use crate::rows::to_json;
use crate::SqlStore;
use async_trait::async_trait;
use domain::clock::Timestamp;
use domain::message::{Channel, OutboxRecord};
use domain::password::PasswordHash;
use domain::pool::UserPoolId;
use domain::ports::{OutboxStore, TokenStore, UserStore, UserWrite};
use domain::token::{RefreshRecord, StoredKey};
use domain::user::{CodeAttempt, CodePurpose, CodeRecord, User, UserStatus};

fn domain_window_millis() -> i64 {
    i64::try_from(domain::user::CODE_WINDOW.as_millis()).unwrap_or(i64::MAX)
}
use domain::StoreError;
use sqlx::any::Any;
use sqlx::Transaction;
use std::collections::BTreeMap;

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pool_id: String,
    pub(crate) username_key: String,
    username: String,
    sub: String,
    status: String,
    enabled: i64,
    attributes: String,
    pending_attributes: String,
    password_hash: Option<String>,
    password_history: String,
    srp_verifier: Option<String>,
    mfa: String,
    temporary_password_expires_at: Option<i64>,
    tokens_valid_after: i64,
    created_at: i64,
    updated_at: i64,
}

pub(crate) const USER_COLUMNS: &str =
    "pool_id, username_key, username, sub, status, enabled, attributes, pending_attributes, password_hash, \
    password_history, temporary_password_expires_at, tokens_valid_after, created_at, updated_at, srp_verifier, mfa";

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self, StoreError> {
        let attributes: BTreeMap<String, String> =
            serde_json::from_str(&r.attributes).map_err(|e| StoreError::Corrupt(format!("users.attributes: {e}")))?;
        let pending_attributes: BTreeMap<String, String> = serde_json::from_str(&r.pending_attributes)
            .map_err(|e| StoreError::Corrupt(format!("users.pending_attributes: {e}")))?;
        let history: Vec<String> = serde_json::from_str(&r.password_history)
            .map_err(|e| StoreError::Corrupt(format!("users.password_history: {e}")))?;
        Ok(User {
            pool_id: UserPoolId::parse(&r.pool_id)
                .ok_or_else(|| StoreError::Corrupt(format!("users.pool_id: {}", r.pool_id)))?,
            username_key: r.username_key,
            username: r.username,
            sub: r.sub,
            status: UserStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("users.status: {}", r.status)))?,
            enabled: r.enabled != 0,
            attributes,
            pending_attributes,
            password_hash: r.password_hash.map(PasswordHash::from_phc),
            password_history: history.into_iter().map(PasswordHash::from_phc).collect(),
            srp_verifier: r.srp_verifier,
            mfa: serde_json::from_str(&r.mfa).map_err(|e| StoreError::Corrupt(format!("users.mfa: {e}")))?,
            temporary_password_expires_at: r.temporary_password_expires_at.map(Timestamp),
            tokens_valid_after: Timestamp(r.tokens_valid_after),
            created_at: Timestamp(r.created_at),
            updated_at: Timestamp(r.updated_at),
        })
    }
}

fn history_json(u: &User) -> Result<String, StoreError> {
    to_json(&u.password_history.iter().map(|h| h.as_phc().to_owned()).collect::<Vec<_>>())
}

/// Aliases, index, codes and outbox of one write, inside `tx`.
async fn write_dependents(tx: &mut Transaction<'_, Any>, w: &UserWrite<'_>, now: i64) -> Result<(), StoreError> {
    let u = w.user;
    let pool = u.pool_id.as_str();
    if let Some(c) = &w.consume_code {
        let r = sqlx::query(
            "delete from user_codes where pool_id = $1 and username_key = $2 and purpose = $3 and code_hash = $4",
        )
        .bind(pool)
        .bind(&u.username_key)
        .bind(c.purpose.as_str())
        .bind(&c.code_hash)
        .execute(&mut **tx)
        .await
        .map_err(map)?;
        if r.rows_affected() == 0 {
            return Err(StoreError::Conflict(domain::ports::CODE_USED.into()));
        }
    }
    for (kind, key) in &w.aliases {
        sqlx::query("insert into user_aliases (pool_id, kind, value_key, username_key, created_at, updated_at) values ($1, $2, $3, $4, $5, $5)")
            .bind(pool)
            .bind(kind)
            .bind(key)
            .bind(&u.username_key)
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(map)?;
    }
    for (name, value) in &w.index {
        sqlx::query("insert into user_index (pool_id, name, value, username_key, created_at, updated_at) values ($1, $2, $3, $4, $5, $5)")
            .bind(pool)
            .bind(name)
            .bind(value)
            .bind(&u.username_key)
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(map)?;
    }
    for purpose in &w.clear_codes {
        sqlx::query("delete from user_codes where pool_id = $1 and username_key = $2 and purpose = $3")
            .bind(pool)
            .bind(&u.username_key)
            .bind(purpose.as_str())
            .execute(&mut **tx)
            .await
            .map_err(map)?;
    }
    if let Some(c) = &w.code {
        // A new code keeps the window's counts; past the window's sends the whole write
        // (and the message with it) is refused.
        let window_over = c.window_started_at.millis() - domain_window_millis();
        let r = sqlx::query(
            "insert into user_codes (pool_id, username_key, purpose, code_hash, expires_at, attempts, sends, \
             window_started_at, created_at, updated_at) values ($1, $2, $3, $4, $5, 0, 1, $6, $7, $7) \
             on conflict (pool_id, username_key, purpose) do update set \
             code_hash = excluded.code_hash, expires_at = excluded.expires_at, \
             attempts = case when user_codes.window_started_at <= $8 then 0 else user_codes.attempts end, \
             sends = case when user_codes.window_started_at <= $8 then 1 else user_codes.sends + 1 end, \
             window_started_at = case when user_codes.window_started_at <= $8 then excluded.window_started_at \
             else user_codes.window_started_at end, updated_at = excluded.updated_at \
             where user_codes.window_started_at <= $8 or user_codes.sends < $9",
        )
        .bind(pool)
        .bind(&u.username_key)
        .bind(c.purpose.as_str())
        .bind(&c.code_hash)
        .bind(c.expires_at.millis())
        .bind(c.window_started_at.millis())
        .bind(now)
        .bind(window_over)
        .bind(domain::user::MAX_SENDS)
        .execute(&mut **tx)
        .await
        .map_err(map)?;
        if r.rows_affected() == 0 {
            return Err(StoreError::Conflict(domain::ports::CODE_SEND_LIMIT.into()));
        }
    }
    for m in &w.outbox {
        insert_outbox(&mut **tx, m).await?;
    }
    Ok(())
}

/// One message into the outbox.
async fn insert_outbox<'e, E: sqlx::Executor<'e, Database = Any>>(ex: E, m: &OutboxRecord) -> Result<(), StoreError> {
    sqlx::query(
        "insert into outbox (id, channel, recipient, sealed, status, attempts, next_attempt_at, created_at, updated_at) \
         values ($1, $2, $3, $4, 'pending', 0, $5, $6, $6)",
    )
    .bind(&m.id)
    .bind(m.channel.as_str())
    .bind(&m.recipient)
    .bind(&m.sealed)
    .bind(m.next_attempt_at.millis())
    .bind(m.created_at.millis())
    .execute(ex)
    .await
    .map_err(map)?;
    Ok(())
}

#[async_trait]
impl UserStore for SqlStore {
    async fn insert_user(&self, w: &UserWrite<'_>) -> Result<(), StoreError> {
        let u = w.user;
        let mut tx = self.pool.begin().await.map_err(map)?;
        let sql = format!(
            "insert into users ({USER_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        );
        sqlx::query(&sql)
            .bind(u.pool_id.as_str())
            .bind(&u.username_key)
            .bind(&u.username)
            .bind(&u.sub)
            .bind(u.status.as_str())
            .bind(i64::from(u.enabled))
            .bind(to_json(&u.attributes)?)
            .bind(to_json(&u.pending_attributes)?)
            .bind(u.password_hash.as_ref().map(|h| h.as_phc().to_owned()))
            .bind(history_json(u)?)
            .bind(u.temporary_password_expires_at.map(Timestamp::millis))
            .bind(u.tokens_valid_after.millis())
            .bind(u.created_at.millis())
            .bind(u.updated_at.millis())
            .bind(&u.srp_verifier)
            .bind(to_json(&u.mfa)?)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        write_dependents(&mut tx, w, u.updated_at.millis()).await?;
        tx.commit().await.map_err(map)
    }

    async fn update_user(&self, w: &UserWrite<'_>) -> Result<bool, StoreError> {
        let u = w.user;
        let mut tx = self.pool.begin().await.map_err(map)?;
        let r = sqlx::query(
            "update users set username = $3, status = $4, enabled = $5, attributes = $6, password_hash = $7, \
             password_history = $8, temporary_password_expires_at = $9, tokens_valid_after = $10, updated_at = $11, \
             pending_attributes = $12, srp_verifier = $13, mfa = $14 where pool_id = $1 and username_key = $2",
        )
        .bind(u.pool_id.as_str())
        .bind(&u.username_key)
        .bind(&u.username)
        .bind(u.status.as_str())
        .bind(i64::from(u.enabled))
        .bind(to_json(&u.attributes)?)
        .bind(u.password_hash.as_ref().map(|h| h.as_phc().to_owned()))
        .bind(history_json(u)?)
        .bind(u.temporary_password_expires_at.map(Timestamp::millis))
        .bind(u.tokens_valid_after.millis())
        .bind(u.updated_at.millis())
        .bind(to_json(&u.pending_attributes)?)
        .bind(&u.srp_verifier)
        .bind(to_json(&u.mfa)?)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        if r.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        for table in ["user_aliases", "user_index"] {
            sqlx::query(&format!("delete from {table} where pool_id = $1 and username_key = $2"))
                .bind(u.pool_id.as_str())
                .bind(&u.username_key)
                .execute(&mut *tx)
                .await
                .map_err(map)?;
        }
        write_dependents(&mut tx, w, u.updated_at.millis()).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    async fn delete_user(&self, pool: &UserPoolId, username_key: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("delete from users where pool_id = $1 and username_key = $2")
            .bind(pool.as_str())
            .bind(username_key)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected() == 1)
    }

    async fn find_user(&self, pool: &UserPoolId, username_key: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("select {USER_COLUMNS} from users where pool_id = $1 and username_key = $2");
        sqlx::query_as::<_, UserRow>(&sql)
            .bind(pool.as_str())
            .bind(username_key)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?
            .map(TryInto::try_into)
            .transpose()
    }

    async fn find_user_by_alias(&self, pool: &UserPoolId, kind: &str, key: &str) -> Result<Option<User>, StoreError> {
        let sql = format!(
            "select {} from users u join user_aliases a on a.pool_id = u.pool_id and a.username_key = u.username_key \
             where a.pool_id = $1 and a.kind = $2 and a.value_key = $3",
            USER_COLUMNS.split(", ").map(|c| format!("u.{}", c.trim())).collect::<Vec<_>>().join(", ")
        );
        sqlx::query_as::<_, UserRow>(&sql)
            .bind(pool.as_str())
            .bind(kind)
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?
            .map(TryInto::try_into)
            .transpose()
    }

    async fn find_user_by_sub(&self, pool: &UserPoolId, sub: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("select {USER_COLUMNS} from users where pool_id = $1 and sub = $2");
        sqlx::query_as::<_, UserRow>(&sql)
            .bind(pool.as_str())
            .bind(sub)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?
            .map(TryInto::try_into)
            .transpose()
    }

    async fn find_session_user(
        &self,
        pool: &UserPoolId,
        sub: &str,
        origin_jti: &str,
    ) -> Result<Option<(User, bool)>, StoreError> {
        let sql = format!(
            "select {USER_COLUMNS}, (select count(*) from refresh_tokens r where r.origin_jti = $3 and r.revoked_at is not null) as revoked \
             from users where pool_id = $1 and sub = $2"
        );
        let row: Option<SessionUserRow> = sqlx::query_as(&sql)
            .bind(pool.as_str())
            .bind(sub)
            .bind(origin_jti)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        row.map(|r| Ok((User::try_from(r.user)?, r.revoked > 0))).transpose()
    }

    async fn use_totp_step(&self, pool: &UserPoolId, username_key: &str, step: i64) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "update users set totp_last_step = $3 where pool_id = $1 and username_key = $2 and totp_last_step < $3",
        )
        .bind(pool.as_str())
        .bind(username_key)
        .bind(step)
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(r.rows_affected() == 1)
    }

    async fn swap_user_mfa(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        expected: &domain::auth::UserMfa,
        new: &domain::auth::UserMfa,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query("update users set mfa = $4 where pool_id = $1 and username_key = $2 and mfa = $3")
            .bind(pool.as_str())
            .bind(username_key)
            .bind(to_json(expected)?)
            .bind(to_json(new)?)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected() == 1)
    }

    async fn count_code_attempt(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        purpose: CodePurpose,
        now: Timestamp,
    ) -> Result<CodeAttempt, StoreError> {
        // One statement counts the guess and returns the code: concurrent guesses cannot
        // all read the same count. A window that is over starts again with this guess.
        let window_over = now.millis() - domain_window_millis();
        let row: Option<(String, i64, i64, i64, i64)> = sqlx::query_as(
            "update user_codes set \
             attempts = case when window_started_at <= $4 then 1 else attempts + 1 end, \
             sends = case when window_started_at <= $4 then 0 else sends end, \
             window_started_at = case when window_started_at <= $4 then $5 else window_started_at end, \
             updated_at = $5 \
             where pool_id = $1 and username_key = $2 and purpose = $3 and (window_started_at <= $4 or attempts < $6) \
             returning code_hash, expires_at, attempts, sends, window_started_at",
        )
        .bind(pool.as_str())
        .bind(username_key)
        .bind(purpose.as_str())
        .bind(window_over)
        .bind(now.millis())
        .bind(domain::user::MAX_ATTEMPTS)
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?;
        if let Some((code_hash, expires_at, attempts, sends, window_started_at)) = row {
            return Ok(CodeAttempt::Counted(CodeRecord {
                purpose,
                code_hash,
                expires_at: Timestamp(expires_at),
                attempts,
                sends,
                window_started_at: Timestamp(window_started_at),
            }));
        }
        let exists: Option<i64> = sqlx::query_scalar(
            "select attempts from user_codes where pool_id = $1 and username_key = $2 and purpose = $3",
        )
        .bind(pool.as_str())
        .bind(username_key)
        .bind(purpose.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?;
        Ok(if exists.is_some() { CodeAttempt::Exhausted } else { CodeAttempt::Missing })
    }

    async fn count_users(&self, pool: &UserPoolId) -> Result<i64, StoreError> {
        sqlx::query_scalar("select count(*) from users where pool_id = $1")
            .bind(pool.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(map)
    }

    async fn pool_counts(&self, pool: &UserPoolId) -> Result<domain::ports::PoolCounts, StoreError> {
        // Statuses come from the search index (covering index, no table rows read).
        let users_by_status: Vec<(String, i64)> = sqlx::query_as(
            "select value, count(*) from user_index where pool_id = $1 and name = 'cognito:user_status' \
             group by value order by value",
        )
        .bind(pool.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        let groups: i64 = sqlx::query_scalar("select count(*) from user_groups where pool_id = $1")
            .bind(pool.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(map)?;
        let clients: i64 = sqlx::query_scalar("select count(*) from app_clients where pool_id = $1")
            .bind(pool.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(map)?;
        Ok(domain::ports::PoolCounts { users_by_status, groups, clients })
    }
}

#[derive(sqlx::FromRow)]
struct SessionUserRow {
    #[sqlx(flatten)]
    user: UserRow,
    revoked: i64,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    kid: String,
    sealed_pkcs8: Vec<u8>,
    retired_at: Option<i64>,
    expires_at: Option<i64>,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct RefreshRow {
    id_hash: String,
    pool_id: String,
    client_id: String,
    sub: String,
    origin_jti: String,
    auth_time: i64,
    expires_at: i64,
    revoked_at: Option<i64>,
    created_at: i64,
    scopes: Option<String>,
    rotated_at: Option<i64>,
    device_key: Option<String>,
}

#[async_trait]
impl TokenStore for SqlStore {
    async fn signing_keys(&self, pool: &UserPoolId) -> Result<Vec<StoredKey>, StoreError> {
        let rows: Vec<KeyRow> = sqlx::query_as(
            "select kid, sealed_pkcs8, retired_at, expires_at, created_at from signing_keys where pool_id = $1 order by created_at desc, kid",
        )
        .bind(pool.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        Ok(rows
            .into_iter()
            .map(|r| StoredKey {
                kid: r.kid,
                sealed_pkcs8: r.sealed_pkcs8,
                created_at: Timestamp(r.created_at),
                retired_at: r.retired_at.map(Timestamp),
                expires_at: r.expires_at.map(Timestamp),
            })
            .collect())
    }

    async fn insert_signing_key(&self, pool: &UserPoolId, k: &StoredKey) -> Result<(), StoreError> {
        sqlx::query(
            "insert into signing_keys (kid, pool_id, sealed_pkcs8, retired_at, expires_at, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(&k.kid)
        .bind(pool.as_str())
        .bind(&k.sealed_pkcs8)
        .bind(k.retired_at.map(Timestamp::millis))
        .bind(k.expires_at.map(Timestamp::millis))
        .bind(k.created_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn retire_signing_keys(
        &self,
        pool: &UserPoolId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<u64, StoreError> {
        let r = sqlx::query(
            "update signing_keys set retired_at = $2, expires_at = $3, updated_at = $2 where pool_id = $1 and retired_at is null",
        )
        .bind(pool.as_str())
        .bind(now.millis())
        .bind(expires_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(r.rows_affected())
    }

    async fn insert_refresh_token(&self, r: &RefreshRecord) -> Result<(), StoreError> {
        sqlx::query(
            "insert into refresh_tokens (id_hash, pool_id, client_id, sub, origin_jti, auth_time, expires_at, revoked_at, created_at, updated_at, scopes, device_key) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11)",
        )
        .bind(&r.id_hash)
        .bind(r.pool_id.as_str())
        .bind(&r.client_id)
        .bind(&r.sub)
        .bind(&r.origin_jti)
        .bind(r.auth_time.millis())
        .bind(r.expires_at.millis())
        .bind(r.revoked_at.map(Timestamp::millis))
        .bind(r.created_at.millis())
        .bind(r.scopes.as_ref().map(|s| s.join(" ")))
        .bind(&r.device_key)
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn find_refresh_token(&self, id_hash: &str) -> Result<Option<RefreshRecord>, StoreError> {
        let row: Option<RefreshRow> = sqlx::query_as(
            "select id_hash, pool_id, client_id, sub, origin_jti, auth_time, expires_at, revoked_at, created_at, scopes, rotated_at, device_key from refresh_tokens where id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?;
        row.map(|r| {
            Ok(RefreshRecord {
                id_hash: r.id_hash,
                pool_id: UserPoolId::parse(&r.pool_id)
                    .ok_or_else(|| StoreError::Corrupt(format!("refresh_tokens.pool_id: {}", r.pool_id)))?,
                client_id: r.client_id,
                sub: r.sub,
                origin_jti: r.origin_jti,
                auth_time: Timestamp(r.auth_time),
                created_at: Timestamp(r.created_at),
                expires_at: Timestamp(r.expires_at),
                revoked_at: r.revoked_at.map(Timestamp),
                scopes: r.scopes.map(|s| s.split(' ').filter(|x| !x.is_empty()).map(str::to_owned).collect()),
                rotated_at: r.rotated_at.map(Timestamp),
                device_key: r.device_key,
            })
        })
        .transpose()
    }

    async fn mark_refresh_rotated(&self, id_hash: &str, now: Timestamp, cutoff: Timestamp) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "update refresh_tokens set rotated_at = coalesce(rotated_at, $2), updated_at = $2 \
             where id_hash = $1 and revoked_at is null and (rotated_at is null or rotated_at > $3)",
        )
        .bind(id_hash)
        .bind(now.millis())
        .bind(cutoff.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(r.rows_affected() == 1)
    }

    async fn revoke_refresh_token(&self, id_hash: &str, now: Timestamp) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "update refresh_tokens set revoked_at = $2, updated_at = $2 where id_hash = $1 and revoked_at is null",
        )
        .bind(id_hash)
        .bind(now.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(r.rows_affected() == 1)
    }

    async fn revoke_user_refresh_tokens(
        &self,
        pool: &UserPoolId,
        sub: &str,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let r = sqlx::query("update refresh_tokens set revoked_at = $3, updated_at = $3 where pool_id = $1 and sub = $2 and revoked_at is null")
            .bind(pool.as_str())
            .bind(sub)
            .bind(now.millis())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected())
    }
}

#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: String,
    channel: String,
    recipient: String,
    sealed: Vec<u8>,
    attempts: i64,
    next_attempt_at: i64,
    created_at: i64,
}

impl TryFrom<OutboxRow> for OutboxRecord {
    type Error = StoreError;
    fn try_from(r: OutboxRow) -> Result<Self, StoreError> {
        Ok(OutboxRecord {
            channel: Channel::parse(&r.channel)
                .ok_or_else(|| StoreError::Corrupt(format!("outbox.channel: {}", r.channel)))?,
            id: r.id,
            recipient: r.recipient,
            sealed: r.sealed,
            attempts: r.attempts,
            next_attempt_at: Timestamp(r.next_attempt_at),
            created_at: Timestamp(r.created_at),
        })
    }
}

const OUTBOX_COLUMNS: &str = "id, channel, recipient, sealed, attempts, next_attempt_at, created_at";

#[async_trait]
impl OutboxStore for SqlStore {
    async fn queue_message(&self, m: &OutboxRecord) -> Result<(), StoreError> {
        insert_outbox(&self.pool, m).await
    }

    async fn due_messages(&self, now: Timestamp, limit: usize) -> Result<Vec<OutboxRecord>, StoreError> {
        let sql = format!(
            "select {OUTBOX_COLUMNS} from outbox where status = 'pending' and next_attempt_at <= $1 order by next_attempt_at, id limit $2"
        );
        sqlx::query_as::<_, OutboxRow>(&sql)
            .bind(now.millis())
            .bind(i64::try_from(limit).unwrap_or(100))
            .fetch_all(&self.pool)
            .await
            .map_err(map)?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    async fn mark_delivered(&self, id: &str, to: &str, now: Timestamp) -> Result<(), StoreError> {
        // SMTP deliveries drop the sealed content (it may hold a code); the development
        // mailbox keeps it so operators can read it.
        let sql = if to == "mailbox" {
            "update outbox set status = 'delivered', delivered_to = $2, updated_at = $3 where id = $1"
        } else {
            "update outbox set status = 'delivered', delivered_to = $2, sealed = $4, updated_at = $3 where id = $1"
        };
        let mut q = sqlx::query(sql).bind(id).bind(to).bind(now.millis());
        if to != "mailbox" {
            q = q.bind(Vec::<u8>::new());
        }
        q.execute(&self.pool).await.map_err(map)?;
        Ok(())
    }

    async fn mark_failed(
        &self,
        id: &str,
        attempts: i64,
        next_attempt_at: Timestamp,
        error: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "update outbox set attempts = $2, next_attempt_at = $3, last_error = $4, updated_at = $3 where id = $1",
        )
        .bind(id)
        .bind(attempts)
        .bind(next_attempt_at.millis())
        .bind(error)
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn mailbox(&self, limit: usize) -> Result<Vec<OutboxRecord>, StoreError> {
        let sql = format!(
            "select {OUTBOX_COLUMNS} from outbox where delivered_to = 'mailbox' order by created_at desc, id limit $1"
        );
        sqlx::query_as::<_, OutboxRow>(&sql)
            .bind(i64::try_from(limit).unwrap_or(100))
            .fetch_all(&self.pool)
            .await
            .map_err(map)?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }
}
