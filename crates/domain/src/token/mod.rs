//! Tokens: RS256 ID and access tokens with Cognito's claims, opaque refresh tokens
//! stored hashed, per-pool signing keys (generated with the pool, sealed at rest,
//! cached in memory) and the JWKS.

mod keys;

pub use keys::{parse_jwt, JwtParts, KeyError, SigningKey, StoredKey};

use crate::client::AppClient;
use crate::clock::{Clock, Timestamp};
use crate::crypto::{random_token, sha256_hex, MasterKey};
use crate::pool::{UserPool, UserPoolId};
use crate::ports::{Store, StoreError};
use crate::user::User;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// How long loaded keys are trusted before re-reading (another node may have rotated).
const KEY_CACHE_TTL: Duration = Duration::from_secs(60);

/// A stored refresh token.
#[derive(Clone, Debug)]
pub struct RefreshRecord {
    /// SHA-256 of the token value.
    pub id_hash: String,
    /// Pool.
    pub pool_id: UserPoolId,
    /// Client it was issued to.
    pub client_id: String,
    /// User's `sub`.
    pub sub: String,
    /// The session id shared by every token of this sign-in (`origin_jti`).
    pub origin_jti: String,
    /// When the user authenticated.
    pub auth_time: Timestamp,
    /// Issue time.
    pub created_at: Timestamp,
    /// Expiry.
    pub expires_at: Timestamp,
    /// Revocation time.
    pub revoked_at: Option<Timestamp>,
    /// Scopes granted through the OAuth endpoints; `None` for API sign-ins.
    pub scopes: Option<Vec<String>>,
    /// When it was rotated out (a newer token of its session replaced it).
    pub rotated_at: Option<Timestamp>,
    /// The remembered device it was issued to.
    pub device_key: Option<String>,
}

/// What a grant asks of [`TokenService::issue_with`]: the API's defaults, or the scopes,
/// nonce and session of an OAuth grant.
#[derive(Clone, Debug, Default)]
pub struct Grant {
    /// Granted scopes; `None` for API sign-ins (`aws.cognito.signin.user.admin`).
    pub scopes: Option<Vec<String>>,
    /// OpenID Connect `nonce`, echoed in the ID token.
    pub nonce: Option<String>,
    /// The sign-in session id decided beforehand (authorization codes carry it, so a
    /// replayed code can revoke what it issued).
    pub origin_jti: Option<String>,
    /// Issue a refresh token (not for implicit grants).
    pub no_refresh: bool,
    /// Continuing a session from a refresh token that rotates: issue its successor.
    pub rotate: bool,
    /// The device the user signed in on (`device_key` in the access token).
    pub device_key: Option<String>,
}

/// The tokens of a successful sign-in.
#[derive(Clone, Debug)]
pub struct TokenSet {
    /// ID token (absent for OAuth grants without the `openid` scope).
    pub id_token: Option<String>,
    /// Access token.
    pub access_token: String,
    /// Refresh token (not on refresh).
    pub refresh_token: Option<String>,
    /// Access token lifetime in seconds.
    pub expires_in: u64,
}

/// Token failures.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Malformed, wrongly signed, expired, of the wrong kind or revoked.
    #[error("{0}")]
    Invalid(&'static str),
    /// Key trouble.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A rotated refresh token presented after its grace period: its session was ended.
    #[error("Refresh token has been reused.")]
    Reused,
}

/// Verified access-token claims that the API needs.
#[derive(Clone, Debug)]
pub struct AccessClaims {
    /// Pool.
    pub pool_id: UserPoolId,
    /// User's `sub`.
    pub sub: String,
    /// Client.
    pub client_id: String,
    /// Issue time.
    pub iat: Timestamp,
    /// Session id.
    pub origin_jti: String,
    /// Space-separated scopes.
    pub scope: String,
}

type KeyCache = HashMap<String, (Timestamp, Arc<Vec<SigningKey>>)>;

/// Token use cases.
#[derive(Clone)]
pub struct TokenService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    master: MasterKey,
    issuer_base: String,
    cache: Arc<RwLock<KeyCache>>,
}

fn secs(t: Timestamp) -> i64 {
    t.seconds()
}

/// The user's attributes a client may read (all, or its `ReadAttributes`; `sub` always;
/// developer-only never), as token and userinfo claims.
pub fn readable_claims(user: &User, read_attributes: &[String]) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, value) in &user.attributes {
        if name.starts_with("dev:") {
            continue;
        }
        if !read_attributes.is_empty() && !read_attributes.iter().any(|a| a == name) && name != "sub" {
            continue;
        }
        out.insert(name.clone(), claim_value(name, value));
    }
    out
}

/// Attribute values that Cognito puts in tokens as JSON booleans.
fn claim_value(name: &str, value: &str) -> Value {
    match (name, value) {
        ("email_verified" | "phone_number_verified", "true") => Value::Bool(true),
        ("email_verified" | "phone_number_verified", "false") => Value::Bool(false),
        _ => Value::String(value.to_owned()),
    }
}

impl TokenService {
    /// Tokens for pools whose issuer is `issuer_base/<pool id>`.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, master: MasterKey, issuer_base: &str) -> Self {
        TokenService {
            store,
            clock,
            master,
            issuer_base: issuer_base.trim_end_matches('/').to_owned(),
            cache: Arc::new(RwLock::new(HashMap::new())),
        }
    }

    /// The pool's issuer URL.
    pub fn issuer(&self, pool: &UserPoolId) -> String {
        format!("{}/{}", self.issuer_base, pool.as_str())
    }

    /// The pool's keys (newest first), generating the first one when there is none. Only
    /// for pools known to exist: verification uses [`Self::existing_keys`].
    pub async fn keys(&self, pool: &UserPoolId) -> Result<Arc<Vec<SigningKey>>, TokenError> {
        if let Some(keys) = self.existing_keys(pool).await? {
            return Ok(keys);
        }
        let now = self.clock.now();
        let (_, fresh) = SigningKey::generate(&self.master, now)?;
        self.store.insert_signing_key(pool, &fresh).await?;
        self.existing_keys(pool).await?.ok_or(TokenError::Invalid("no signing key"))
    }

    /// The pool's keys as stored, or `None` when it has none (no such pool): reading only,
    /// so a token naming an unknown pool costs one indexed read and creates nothing.
    /// Only pools that have keys are cached, so made-up pool ids cannot fill the cache.
    async fn existing_keys(&self, pool: &UserPoolId) -> Result<Option<Arc<Vec<SigningKey>>>, TokenError> {
        let now = self.clock.now();
        if let Ok(cache) = self.cache.read() {
            if let Some((at, keys)) = cache.get(pool.as_str()) {
                if now.since(*at) < KEY_CACHE_TTL {
                    return Ok(Some(keys.clone()));
                }
            }
        }
        let stored = self.store.signing_keys(pool).await?;
        if stored.is_empty() {
            return Ok(None);
        }
        let keys: Vec<SigningKey> = stored
            .iter()
            .filter(|k| k.expires_at.is_none_or(|e| e > now))
            .map(|k| SigningKey::open(&self.master, k))
            .collect::<Result<_, _>>()?;
        let keys = Arc::new(keys);
        if let Ok(mut cache) = self.cache.write() {
            cache.insert(pool.as_str().to_owned(), (now, keys.clone()));
        }
        Ok(Some(keys))
    }

    /// Rotates the pool's signing key: a new key signs from now on; the old ones stay in
    /// the JWKS for a day (the longest ID/access token lifetime), so every token they
    /// signed still verifies until it expires.
    pub async fn rotate(&self, pool: &UserPoolId) -> Result<String, TokenError> {
        let now = self.clock.now();
        self.store.retire_signing_keys(pool, now, now.plus(Duration::from_secs(86_400))).await?;
        let (key, stored) = SigningKey::generate(&self.master, now)?;
        self.store.insert_signing_key(pool, &stored).await?;
        if let Ok(mut cache) = self.cache.write() {
            cache.remove(pool.as_str());
        }
        Ok(key.kid)
    }

    /// The pool's JWKS document.
    pub async fn jwks(&self, pool: &UserPoolId) -> Result<Value, TokenError> {
        let keys = self.keys(pool).await?;
        Ok(json!({ "keys": keys.iter().map(SigningKey::jwk).collect::<Vec<_>>() }))
    }

    async fn signer(&self, pool: &UserPoolId) -> Result<SigningKey, TokenError> {
        let keys = self.keys(pool).await?;
        keys.iter().find(|k| k.active).or_else(|| keys.first()).cloned().ok_or(TokenError::Invalid("no signing key"))
    }

    /// Issues ID and access tokens (and a new refresh token unless `refresh` continues an
    /// existing session) for `user` signing in through `client` with the API.
    pub async fn issue(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        groups: &[crate::group::Group],
        auth_time: Timestamp,
        refresh: Option<&RefreshRecord>,
    ) -> Result<TokenSet, TokenError> {
        let grant = Grant {
            scopes: refresh.and_then(|r| r.scopes.clone()),
            rotate: refresh.is_some() && client.config.rotation().is_some(),
            device_key: refresh.and_then(|r| r.device_key.clone()),
            ..Grant::default()
        };
        self.issue_with(pool, client, user, groups, auth_time, refresh, &grant).await
    }

    /// Issues tokens for `grant`: with OAuth scopes, the ID token only with `openid`, the
    /// access token's `scope` claim lists the granted scopes.
    #[allow(clippy::too_many_arguments)]
    pub async fn issue_with(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        groups: &[crate::group::Group],
        auth_time: Timestamp,
        refresh: Option<&RefreshRecord>,
        grant: &Grant,
    ) -> Result<TokenSet, TokenError> {
        let now = self.clock.now();
        let key = self.signer(&pool.id).await?;
        let iss = self.issuer(&pool.id);
        let origin_jti = refresh
            .map(|r| r.origin_jti.clone())
            .or_else(|| grant.origin_jti.clone())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let scope_text = match &grant.scopes {
            None => "aws.cognito.signin.user.admin".to_owned(),
            Some(list) => list.join(" "),
        };
        let with_id_token = grant.scopes.as_ref().is_none_or(|l| l.iter().any(|s| s == "openid"));
        let event_id = uuid::Uuid::new_v4().to_string();
        let cfg = &client.config;
        let access_exp = now.plus(cfg.access_token.duration());
        let id_exp = now.plus(cfg.id_token.duration());

        let mut id = readable_claims(user, &cfg.read_attributes);
        id.insert("sub".into(), Value::from(user.sub.clone()));
        let mut groups = groups.to_vec();
        crate::group::token_order(&mut groups);
        let names: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
        if !names.is_empty() {
            id.insert("cognito:groups".into(), Value::from(names.clone()));
            let mut roles: Vec<String> = Vec::new();
            for r in groups.iter().filter_map(|g| g.role_arn.clone()) {
                if !roles.contains(&r) {
                    roles.push(r);
                }
            }
            if !roles.is_empty() {
                // The preferred role is the role of the group with the lowest precedence.
                if let Some(p) = groups.iter().find(|g| g.role_arn.is_some()).and_then(|g| g.role_arn.clone()) {
                    id.insert("cognito:preferred_role".into(), Value::from(p));
                }
                id.insert("cognito:roles".into(), Value::from(roles));
            }
        }
        id.insert("iss".into(), Value::from(iss.clone()));
        id.insert("cognito:username".into(), Value::from(user.username.clone()));
        if let Some(n) = &grant.nonce {
            id.insert("nonce".into(), Value::from(n.clone()));
        }
        id.insert("origin_jti".into(), Value::from(origin_jti.clone()));
        id.insert("aud".into(), Value::from(client.id.as_str()));
        id.insert("event_id".into(), Value::from(event_id.clone()));
        id.insert("token_use".into(), Value::from("id"));
        id.insert("auth_time".into(), Value::from(secs(auth_time)));
        id.insert("exp".into(), Value::from(secs(id_exp)));
        id.insert("iat".into(), Value::from(secs(now)));
        id.insert("jti".into(), Value::from(uuid::Uuid::new_v4().to_string()));

        let mut access = Map::new();
        access.insert("sub".into(), Value::from(user.sub.clone()));
        if !names.is_empty() {
            access.insert("cognito:groups".into(), Value::from(names));
        }
        access.insert("iss".into(), Value::from(iss));
        access.insert("client_id".into(), Value::from(client.id.as_str()));
        access.insert("origin_jti".into(), Value::from(origin_jti.clone()));
        access.insert("event_id".into(), Value::from(event_id));
        access.insert("token_use".into(), Value::from("access"));
        access.insert("scope".into(), Value::from(scope_text));
        access.insert("auth_time".into(), Value::from(secs(auth_time)));
        access.insert("exp".into(), Value::from(secs(access_exp)));
        access.insert("iat".into(), Value::from(secs(now)));
        access.insert("jti".into(), Value::from(uuid::Uuid::new_v4().to_string()));
        access.insert("username".into(), Value::from(user.username.clone()));
        access.insert("version".into(), Value::from(2));
        if let Some(d) = &grant.device_key {
            access.insert("device_key".into(), Value::from(d.clone()));
        }

        let access_token = key.sign(&Value::Object(access))?;
        let id_token = if with_id_token {
            if grant.scopes.is_some() {
                // OpenID Connect's at_hash: the left half of SHA-256 of the access token.
                let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, access_token.as_bytes());
                let half = &digest.as_ref()[..16];
                id.insert("at_hash".into(), Value::from(URL_SAFE_NO_PAD.encode(half)));
            }
            Some(key.sign(&Value::Object(id))?)
        } else {
            None
        };
        let refresh_token = match refresh {
            // Rotation: a new token of the same session, ending when the first one would,
            // so rotating never lengthens a sign-in.
            Some(old) if grant.rotate => {
                let value = random_token(48);
                let record = RefreshRecord {
                    id_hash: sha256_hex(value.as_bytes()),
                    created_at: now,
                    revoked_at: None,
                    rotated_at: None,
                    ..old.clone()
                };
                self.store.insert_refresh_token(&record).await?;
                Some(value)
            }
            Some(_) => None,
            None if grant.no_refresh => None,
            None => {
                let value = random_token(48);
                let record = RefreshRecord {
                    id_hash: sha256_hex(value.as_bytes()),
                    pool_id: pool.id.clone(),
                    client_id: client.id.as_str().to_owned(),
                    sub: user.sub.clone(),
                    origin_jti,
                    auth_time,
                    created_at: now,
                    expires_at: now.plus(cfg.refresh_token.duration()),
                    revoked_at: None,
                    scopes: grant.scopes.clone(),
                    rotated_at: None,
                    device_key: grant.device_key.clone(),
                };
                self.store.insert_refresh_token(&record).await?;
                Some(value)
            }
        };
        Ok(TokenSet { id_token, access_token, refresh_token, expires_in: cfg.access_token.duration().as_secs() })
    }

    /// A machine-to-machine access token (client credentials grant): `sub` is the client
    /// id, no user, no ID or refresh token. Reads the signing key from memory; no writes.
    pub async fn issue_client_credentials(
        &self,
        pool: &UserPoolId,
        client: &AppClient,
        scopes: &[String],
    ) -> Result<(String, u64), TokenError> {
        let now = self.clock.now();
        let key = self.signer(pool).await?;
        let exp = now.plus(client.config.access_token.duration());
        let claims = json!({
            "sub": client.id.as_str(),
            "token_use": "access",
            "scope": scopes.join(" "),
            "auth_time": secs(now),
            "iss": self.issuer(pool),
            "exp": secs(exp),
            "iat": secs(now),
            "version": 2,
            "jti": uuid::Uuid::new_v4().to_string(),
            "client_id": client.id.as_str(),
        });
        Ok((key.sign(&claims)?, client.config.access_token.duration().as_secs()))
    }

    /// Checks a refresh token presented by `client`: known, its client, unrevoked, unexpired.
    pub async fn check_refresh(&self, client: &AppClient, value: &str) -> Result<RefreshRecord, TokenError> {
        let record = self.check_refresh_for_rotation(client, value).await?;
        if record.rotated_at.is_some() {
            return Err(TokenError::Invalid("Refresh Token has been revoked"));
        }
        Ok(record)
    }

    /// [`Self::check_refresh`] without the rotation check: [`Self::redeem_refresh`] decides
    /// between a retry and a reuse.
    async fn check_refresh_for_rotation(&self, client: &AppClient, value: &str) -> Result<RefreshRecord, TokenError> {
        let record = self
            .store
            .find_refresh_token(&sha256_hex(value.as_bytes()))
            .await?
            .ok_or(TokenError::Invalid("Invalid Refresh Token"))?;
        if record.client_id != client.id.as_str() || record.pool_id != client.pool_id {
            return Err(TokenError::Invalid("Invalid Refresh Token"));
        }
        if record.revoked_at.is_some() {
            return Err(TokenError::Invalid("Refresh Token has been revoked"));
        }
        if record.expires_at <= self.clock.now() {
            return Err(TokenError::Invalid("Refresh Token has expired"));
        }
        Ok(record)
    }

    /// A refresh token presented to a flow that may rotate (GetTokensFromRefreshToken,
    /// `/oauth2/token`): checked, then rotated out when the client rotates; when it does
    /// not, a token rotated out earlier (rotation since turned off) stays refused.
    pub async fn redeem_refresh(&self, client: &AppClient, value: &str) -> Result<RefreshRecord, TokenError> {
        let record = self.check_refresh_for_rotation(client, value).await?;
        match client.config.rotation() {
            Some(grace) => self.rotate_out(&record, grace).await?,
            None if record.rotated_at.is_some() => return Err(TokenError::Invalid("Refresh Token has been revoked")),
            None => {}
        }
        Ok(record)
    }

    /// Takes a refresh token out of use as it is rotated, atomically: the first request
    /// (and retries within the client's grace period) may go on; afterwards presenting it
    /// is reuse, which revokes every token of its session (RFC 9700 4.14.2, SECURITY.md
    /// T-10/T-11) and fails with [`TokenError::Reused`].
    async fn rotate_out(&self, record: &RefreshRecord, grace: Duration) -> Result<(), TokenError> {
        let now = self.clock.now();
        let cutoff = Timestamp(now.millis() - i64::try_from(grace.as_millis()).unwrap_or(i64::MAX));
        if self.store.mark_refresh_rotated(&record.id_hash, now, cutoff).await? {
            return Ok(());
        }
        match self.store.find_refresh_token(&record.id_hash).await? {
            Some(r) if r.revoked_at.is_none() && r.rotated_at.is_some() => {
                self.store.revoke_session_tokens(&r.origin_jti, now).await?;
                Err(TokenError::Reused)
            }
            _ => Err(TokenError::Invalid("Refresh Token has been revoked")),
        }
    }

    /// Revokes the refresh token `value` of `client`; unknown tokens are ignored, as
    /// RFC 7009 and Cognito's RevokeToken do.
    pub async fn revoke(&self, client: &AppClient, value: &str) -> Result<(), TokenError> {
        let hash = sha256_hex(value.as_bytes());
        if let Some(r) = self.store.find_refresh_token(&hash).await? {
            if r.client_id == client.id.as_str() {
                self.store.revoke_refresh_token(&hash, self.clock.now()).await?;
            }
        }
        Ok(())
    }

    /// Revokes every refresh token of a user.
    pub async fn revoke_user(&self, pool: &UserPoolId, sub: &str) -> Result<(), TokenError> {
        self.store.revoke_user_refresh_tokens(pool, sub, self.clock.now()).await?;
        Ok(())
    }

    /// The user behind an access token whose session is still live: verified token, not
    /// revoked (`RevokeToken`, a code replay), user enabled, not signed out globally since.
    /// `None` when the user no longer exists.
    pub async fn session_user(&self, token: &str) -> Result<Option<(User, AccessClaims)>, TokenError> {
        let claims = self.verify_access(token).await?;
        let Some((user, revoked)) =
            self.store.find_session_user(&claims.pool_id, &claims.sub, &claims.origin_jti).await?
        else {
            return Ok(None);
        };
        if revoked {
            return Err(TokenError::Invalid("Access Token has been revoked"));
        }
        if !user.enabled {
            return Err(TokenError::Invalid("User is disabled."));
        }
        // `iat` has whole seconds: compare at that grain, so a sign-in in the same second
        // as a global sign-out keeps its new tokens (older sessions are also caught by
        // their revoked refresh token's `origin_jti`).
        if claims.iat.seconds() < user.tokens_valid_after.seconds() {
            return Err(TokenError::Invalid("Access Token has been revoked"));
        }
        Ok(Some((user, claims)))
    }

    /// Verifies an access token: signature by a key of its pool, `token_use`, issuer and
    /// expiry. Whether its session was revoked is checked with the user lookup
    /// (`UserService::from_access_token`), in the same query.
    pub async fn verify_access(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let bad = TokenError::Invalid("Invalid Access Token");
        let parts = parse_jwt(token).ok_or(TokenError::Invalid("Invalid Access Token"))?;
        let c = &parts.claims;
        let iss = c.get("iss").and_then(Value::as_str).ok_or(TokenError::Invalid("Invalid Access Token"))?;
        let pool_id = iss
            .strip_prefix(&self.issuer_base)
            .and_then(|p| p.strip_prefix('/'))
            .and_then(UserPoolId::parse)
            .ok_or(TokenError::Invalid("Invalid Access Token"))?;
        let keys = self.existing_keys(&pool_id).await?.ok_or(TokenError::Invalid("Invalid Access Token"))?;
        let key = keys.iter().find(|k| k.kid == parts.kid).ok_or(TokenError::Invalid("Invalid Access Token"))?;
        if !key.verify(&parts.signing_input, &parts.signature) {
            return Err(bad);
        }
        if c.get("token_use").and_then(Value::as_str) != Some("access") {
            return Err(TokenError::Invalid("Invalid Access Token"));
        }
        let exp = c.get("exp").and_then(Value::as_i64).ok_or(TokenError::Invalid("Invalid Access Token"))?;
        if exp <= self.clock.now().seconds() {
            return Err(TokenError::Invalid("Access Token has expired"));
        }
        let text = |k: &str| c.get(k).and_then(Value::as_str).map(str::to_owned);
        let origin_jti = text("origin_jti").unwrap_or_default();
        Ok(AccessClaims {
            pool_id,
            sub: text("sub").ok_or(TokenError::Invalid("Invalid Access Token"))?,
            client_id: text("client_id").unwrap_or_default(),
            iat: Timestamp(c.get("iat").and_then(Value::as_i64).unwrap_or(0).saturating_mul(1000)),
            origin_jti,
            scope: text("scope").unwrap_or_default(),
        })
    }
}
