//! SQL for OAuth 2.0: resource servers, authorization codes and hosted sign-in sessions.

use crate::error::map;
use crate::SqlStore;
use async_trait::async_trait;
use domain::clock::Timestamp;
use domain::oauth::{AuthCode, HostedSession};
use domain::pool::UserPoolId;
use domain::ports::OAuthStore;
use domain::resource_server::{ResourceServer, Scope};
use domain::StoreError;

pub(crate) fn pool_id(s: &str, column: &str) -> Result<UserPoolId, StoreError> {
    UserPoolId::parse(s).ok_or_else(|| StoreError::Corrupt(format!("{column}: {s}")))
}

#[derive(sqlx::FromRow)]
struct ResourceServerRow {
    pool_id: String,
    identifier: String,
    name: String,
    scopes: String,
}

impl TryFrom<ResourceServerRow> for ResourceServer {
    type Error = StoreError;
    fn try_from(r: ResourceServerRow) -> Result<Self, StoreError> {
        let scopes: Vec<Scope> = serde_json::from_str(&r.scopes)
            .map_err(|e| StoreError::Corrupt(format!("resource_servers.scopes: {e}")))?;
        Ok(ResourceServer {
            pool_id: pool_id(&r.pool_id, "resource_servers.pool_id")?,
            identifier: r.identifier,
            name: r.name,
            scopes,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CodeRow {
    code_hash: String,
    pool_id: String,
    client_id: String,
    sub: String,
    redirect_uri: String,
    scopes: String,
    nonce: Option<String>,
    code_challenge: Option<String>,
    origin_jti: String,
    auth_time: i64,
    expires_at: i64,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id_hash: String,
    pool_id: String,
    sub: String,
    auth_time: i64,
    expires_at: i64,
    created_at: i64,
}

fn scopes_json(scopes: &[Scope]) -> Result<String, StoreError> {
    serde_json::to_string(scopes).map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[async_trait]
impl OAuthStore for SqlStore {
    async fn insert_resource_server(&self, rs: &ResourceServer) -> Result<(), StoreError> {
        sqlx::query("insert into resource_servers (pool_id, identifier, name, scopes) values ($1, $2, $3, $4)")
            .bind(rs.pool_id.as_str())
            .bind(&rs.identifier)
            .bind(&rs.name)
            .bind(scopes_json(&rs.scopes)?)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }

    async fn find_resource_server(
        &self,
        pool: &UserPoolId,
        identifier: &str,
    ) -> Result<Option<ResourceServer>, StoreError> {
        sqlx::query_as::<_, ResourceServerRow>(
            "select pool_id, identifier, name, scopes from resource_servers where pool_id = $1 and identifier = $2",
        )
        .bind(pool.as_str())
        .bind(identifier)
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?
        .map(TryInto::try_into)
        .transpose()
    }

    async fn update_resource_server(&self, rs: &ResourceServer) -> Result<bool, StoreError> {
        let r =
            sqlx::query("update resource_servers set name = $3, scopes = $4 where pool_id = $1 and identifier = $2")
                .bind(rs.pool_id.as_str())
                .bind(&rs.identifier)
                .bind(&rs.name)
                .bind(scopes_json(&rs.scopes)?)
                .execute(&self.pool)
                .await
                .map_err(map)?;
        Ok(r.rows_affected() > 0)
    }

    async fn delete_resource_server(&self, pool: &UserPoolId, identifier: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("delete from resource_servers where pool_id = $1 and identifier = $2")
            .bind(pool.as_str())
            .bind(identifier)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected() > 0)
    }

    async fn list_resource_servers(&self, pool: &UserPoolId) -> Result<Vec<ResourceServer>, StoreError> {
        sqlx::query_as::<_, ResourceServerRow>(
            "select pool_id, identifier, name, scopes from resource_servers where pool_id = $1 order by identifier",
        )
        .bind(pool.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
    }

    async fn insert_auth_code(&self, c: &AuthCode) -> Result<(), StoreError> {
        sqlx::query(
            "insert into oauth_codes (code_hash, pool_id, client_id, sub, redirect_uri, scopes, nonce, code_challenge, \
             origin_jti, auth_time, expires_at, used_at, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, null, $12)",
        )
        .bind(&c.code_hash)
        .bind(c.pool_id.as_str())
        .bind(&c.client_id)
        .bind(&c.sub)
        .bind(&c.redirect_uri)
        .bind(c.scopes.join(" "))
        .bind(&c.nonce)
        .bind(&c.code_challenge)
        .bind(&c.origin_jti)
        .bind(c.auth_time.millis())
        .bind(c.expires_at.millis())
        .bind(c.created_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn consume_auth_code(&self, code_hash: &str, now: Timestamp) -> Result<Option<(AuthCode, bool)>, StoreError> {
        // The update decides the winner of concurrent exchanges: only one sees a row change.
        let won = sqlx::query("update oauth_codes set used_at = $2 where code_hash = $1 and used_at is null")
            .bind(code_hash)
            .bind(now.millis())
            .execute(&self.pool)
            .await
            .map_err(map)?
            .rows_affected()
            > 0;
        let row: Option<CodeRow> = sqlx::query_as(
            "select code_hash, pool_id, client_id, sub, redirect_uri, scopes, nonce, code_challenge, origin_jti, \
             auth_time, expires_at, created_at from oauth_codes where code_hash = $1",
        )
        .bind(code_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?;
        let Some(r) = row else { return Ok(None) };
        let code = AuthCode {
            code_hash: r.code_hash,
            pool_id: pool_id(&r.pool_id, "oauth_codes.pool_id")?,
            client_id: r.client_id,
            sub: r.sub,
            redirect_uri: r.redirect_uri,
            scopes: r.scopes.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            nonce: r.nonce,
            code_challenge: r.code_challenge,
            origin_jti: r.origin_jti,
            auth_time: Timestamp(r.auth_time),
            expires_at: Timestamp(r.expires_at),
            created_at: Timestamp(r.created_at),
        };
        Ok(Some((code, !won)))
    }

    async fn revoke_session_tokens(&self, origin_jti: &str, now: Timestamp) -> Result<u64, StoreError> {
        let r = sqlx::query(
            "update refresh_tokens set revoked_at = $2, updated_at = $2 where origin_jti = $1 and revoked_at is null",
        )
        .bind(origin_jti)
        .bind(now.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(r.rows_affected())
    }

    async fn insert_hosted_session(&self, s: &HostedSession) -> Result<(), StoreError> {
        sqlx::query(
            "insert into hosted_sessions (id_hash, pool_id, sub, auth_time, expires_at, created_at) \
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&s.id_hash)
        .bind(s.pool_id.as_str())
        .bind(&s.sub)
        .bind(s.auth_time.millis())
        .bind(s.expires_at.millis())
        .bind(s.created_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn find_hosted_session(&self, id_hash: &str) -> Result<Option<HostedSession>, StoreError> {
        let row: Option<SessionRow> = sqlx::query_as(
            "select id_hash, pool_id, sub, auth_time, expires_at, created_at from hosted_sessions where id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?;
        row.map(|r| {
            Ok(HostedSession {
                id_hash: r.id_hash,
                pool_id: pool_id(&r.pool_id, "hosted_sessions.pool_id")?,
                sub: r.sub,
                auth_time: Timestamp(r.auth_time),
                expires_at: Timestamp(r.expires_at),
                created_at: Timestamp(r.created_at),
            })
        })
        .transpose()
    }

    async fn delete_hosted_session(&self, id_hash: &str) -> Result<(), StoreError> {
        sqlx::query("delete from hosted_sessions where id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }

    async fn purge_expired_oauth(&self, now: Timestamp) -> Result<u64, StoreError> {
        // Codes are kept a while past expiry so a late replay is still recognised.
        let codes = sqlx::query("delete from oauth_codes where expires_at < $1")
            .bind(now.millis() - 3_600_000)
            .execute(&self.pool)
            .await
            .map_err(map)?
            .rows_affected();
        let sessions = sqlx::query("delete from hosted_sessions where expires_at < $1")
            .bind(now.millis())
            .execute(&self.pool)
            .await
            .map_err(map)?
            .rows_affected();
        Ok(codes + sessions)
    }
}
