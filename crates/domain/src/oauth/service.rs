//! The OAuth 2.0 use cases. See the module documentation.

use super::{AuthCode, HostedSession, CODE_LIFETIME};
use crate::client::{AppClient, ClientService, OAuthFlow};
use crate::clock::{Clock, Timestamp};
use crate::crypto::{ct_eq, random_token, sha256_hex};
use crate::pool::{PoolService, UserPool};
use crate::ports::{Store, StoreError};
use crate::token::{Grant, TokenError, TokenService};
use crate::user::{User, UserStatus};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// How long the hosted pages remember a sign-in (Cognito: one hour).
pub const HOSTED_SESSION_LIFETIME: Duration = Duration::from_secs(3600);

/// An error of the token, userinfo or revocation endpoint, in OAuth's terms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}: {description}")]
pub struct OAuthError {
    /// The `error` code (`invalid_request`, `invalid_client`, `invalid_grant`, ...).
    pub error: &'static str,
    /// `error_description`.
    pub description: String,
    /// HTTP status: 400, 401 (client authentication, tokens) or 500.
    pub status: u16,
}

impl OAuthError {
    fn new(error: &'static str, description: impl Into<String>) -> Self {
        let status = if error == "invalid_client" || error == "invalid_token" { 401 } else { 400 };
        OAuthError { error, description: description.into(), status }
    }

    fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "OAuth request failed");
        OAuthError { error: "server_error", description: "An internal error occurred.".into(), status: 500 }
    }
}

impl From<StoreError> for OAuthError {
    fn from(e: StoreError) -> Self {
        OAuthError::internal(e)
    }
}

impl From<TokenError> for OAuthError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::Invalid(m) => OAuthError::new("invalid_grant", m),
            TokenError::Reused => OAuthError::new("invalid_grant", "Refresh token has been reused."),
            other => OAuthError::internal(other),
        }
    }
}

/// The query of `/oauth2/authorize` (and of the hosted sign-in page, which carries it).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct AuthorizeParams {
    /// `response_type`: `code` or `token`.
    pub response_type: Option<String>,
    /// `client_id`.
    pub client_id: Option<String>,
    /// `redirect_uri`.
    pub redirect_uri: Option<String>,
    /// `state`, returned as given.
    pub state: Option<String>,
    /// Space-separated scopes.
    pub scope: Option<String>,
    /// OpenID Connect nonce.
    pub nonce: Option<String>,
    /// PKCE challenge.
    pub code_challenge: Option<String>,
    /// PKCE method (`S256` only).
    pub code_challenge_method: Option<String>,
    /// `login` forces the password form even with a session.
    pub prompt: Option<String>,
    /// `identity_provider` (`COGNITO`).
    pub identity_provider: Option<String>,
}

/// A validated authorization request.
#[derive(Debug, Clone)]
pub struct Authorization {
    /// The pool.
    pub pool: UserPool,
    /// The client.
    pub client: AppClient,
    /// Code or implicit.
    pub flow: OAuthFlow,
    /// The exact registered redirect URI.
    pub redirect_uri: String,
    /// `state`.
    pub state: Option<String>,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Nonce.
    pub nonce: Option<String>,
    /// PKCE challenge.
    pub code_challenge: Option<String>,
    /// `prompt=login`.
    pub force_login: bool,
    /// The parameters, to carry through the hosted forms.
    pub params: AuthorizeParams,
    /// The hosted pages' branding for this client (its own, else the pool's); loaded
    /// only by the pages that show it (`BrandingService::effective`), never on the
    /// redirect-only path.
    pub branding: Option<crate::branding::UiCustomization>,
}

/// Where to send the browser after a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect(pub String);

/// Why an authorization request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeError {
    /// The client or redirect URI cannot be trusted: show an error page, never redirect.
    Page(String),
    /// Tell the client, at its registered redirect URI.
    Redirect(Redirect),
    /// Internal failure.
    Internal,
}

/// How the client authenticated at the token or revocation endpoint.
#[derive(Debug, Clone, Default)]
pub struct ClientAuth {
    /// From `Authorization: Basic`.
    pub basic: Option<(String, String)>,
    /// `client_id` in the body.
    pub client_id: Option<String>,
    /// `client_secret` in the body (`client_secret_post`).
    pub client_secret: Option<String>,
}

/// The form of `/oauth2/token`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TokenRequest {
    /// `grant_type`.
    pub grant_type: Option<String>,
    /// `code`.
    pub code: Option<String>,
    /// `redirect_uri`.
    pub redirect_uri: Option<String>,
    /// `code_verifier`.
    pub code_verifier: Option<String>,
    /// `refresh_token`.
    pub refresh_token: Option<String>,
    /// `scope` (client credentials).
    pub scope: Option<String>,
    /// `client_id`.
    pub client_id: Option<String>,
    /// `client_secret`.
    pub client_secret: Option<String>,
}

/// A token endpoint answer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenResponse {
    /// Access token.
    pub access_token: String,
    /// ID token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// Refresh token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// `Bearer`.
    pub token_type: &'static str,
    /// Seconds.
    pub expires_in: u64,
    /// The granted scopes (RFC 6749 5.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// OAuth use cases.
#[derive(Clone)]
pub struct OAuthService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    pools: PoolService,
    clients: ClientService,
    tokens: TokenService,
}

fn error_redirect(uri: &str, state: Option<&str>, fragment: bool, error: &str, description: &str) -> AuthorizeError {
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(s) = state {
        pairs.push(("state", s));
    }
    AuthorizeError::Redirect(Redirect(append(uri, &pairs, fragment)))
}

/// `uri` with `pairs` added to its query (or as its fragment).
pub fn append(uri: &str, pairs: &[(&str, &str)], fragment: bool) -> String {
    let encoded: String = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    if fragment {
        format!("{uri}#{encoded}")
    } else if uri.contains('?') {
        format!("{uri}&{encoded}")
    } else {
        format!("{uri}?{encoded}")
    }
}

fn is_pkce_value(s: &str) -> bool {
    (43..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// Whether `verifier` matches the S256 `challenge` (RFC 7636), in constant time.
pub fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    ct_eq(URL_SAFE_NO_PAD.encode(digest.as_ref()).as_bytes(), challenge.as_bytes())
}

impl OAuthService {
    /// The service.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        pools: PoolService,
        clients: ClientService,
        tokens: TokenService,
    ) -> Self {
        OAuthService { store, clock, pools, clients, tokens }
    }

    async fn client_and_pool(&self, client_id: &str) -> Result<Option<(AppClient, UserPool)>, StoreError> {
        let client = match self.clients.find(client_id).await {
            Ok(Some(c)) => c,
            Ok(None) => return Ok(None),
            Err(crate::client::ClientError::Store(e)) => return Err(e),
            Err(_) => return Ok(None),
        };
        let pool = match self.pools.find(client.pool_id.as_str()).await {
            Ok(p) => p,
            Err(crate::pool::PoolError::Store(e)) => return Err(e),
            Err(_) => None,
        };
        Ok(pool.map(|p| (client, p)))
    }

    /// Checks an authorization request. Errors about the client or the redirect URI are
    /// shown as a page; the others go back to the (valid) redirect URI.
    pub async fn authorize(&self, params: &AuthorizeParams) -> Result<Authorization, AuthorizeError> {
        self.authorize_on(params, None).await
    }

    /// [`Self::authorize`] on a pool's own domain: clients of other pools are refused.
    pub async fn authorize_on(
        &self,
        params: &AuthorizeParams,
        domain_pool: Option<&crate::pool::UserPoolId>,
    ) -> Result<Authorization, AuthorizeError> {
        let client_id = params.client_id.as_deref().filter(|c| !c.is_empty());
        let Some(client_id) = client_id else { return Err(AuthorizeError::Page("client_id is missing.".into())) };
        let (client, pool) = match self.client_and_pool(client_id).await {
            Ok(Some(cp)) => cp,
            Ok(None) => return Err(AuthorizeError::Page("The client does not exist.".into())),
            Err(e) => {
                tracing::error!(error = %e, "authorize: store failed");
                return Err(AuthorizeError::Internal);
            }
        };
        if domain_pool.is_some_and(|d| *d != pool.id) {
            return Err(AuthorizeError::Page("The client does not belong to this domain's user pool.".into()));
        }
        let oauth = &client.config.oauth;
        if !oauth.enabled {
            return Err(AuthorizeError::Page("The client is not allowed to use OAuth flows.".into()));
        }
        let redirect_uri = match params.redirect_uri.as_deref() {
            Some(r) if oauth.callback_urls.iter().any(|c| c == r) => r.to_owned(),
            Some(_) => {
                return Err(AuthorizeError::Page("redirect_uri does not match a registered callback URL.".into()))
            }
            None => return Err(AuthorizeError::Page("redirect_uri is missing.".into())),
        };
        let state = params.state.clone();
        let st = state.as_deref();
        let (flow, fragment) = match params.response_type.as_deref() {
            Some("code") => (OAuthFlow::Code, false),
            Some("token") => (OAuthFlow::Implicit, true),
            Some(_) => {
                return Err(error_redirect(
                    &redirect_uri,
                    st,
                    false,
                    "unsupported_response_type",
                    "response_type must be code or token",
                ))
            }
            None => {
                return Err(error_redirect(&redirect_uri, st, false, "invalid_request", "response_type is missing"))
            }
        };
        if !oauth.allows(flow) {
            return Err(error_redirect(
                &redirect_uri,
                st,
                fragment,
                "unauthorized_client",
                "The client is not allowed this response_type",
            ));
        }
        if let Some(idp) = params.identity_provider.as_deref() {
            let supported = oauth.identity_providers.is_empty() || oauth.identity_providers.iter().any(|p| p == idp);
            if idp != "COGNITO" || !supported {
                return Err(error_redirect(
                    &redirect_uri,
                    st,
                    fragment,
                    "invalid_request",
                    "Unknown identity_provider",
                ));
            }
        }
        let scopes: Vec<String> = match params.scope.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => oauth.scopes.clone(),
            Some(text) => {
                let mut list: Vec<String> = Vec::new();
                for s in text.split(' ').filter(|s| !s.is_empty()) {
                    if !oauth.scopes.iter().any(|a| a == s) {
                        return Err(error_redirect(
                            &redirect_uri,
                            st,
                            fragment,
                            "invalid_scope",
                            &format!("The client is not allowed the scope {s}"),
                        ));
                    }
                    if !list.iter().any(|x| x == s) {
                        list.push(s.to_owned());
                    }
                }
                list
            }
        };
        let code_challenge = match (params.code_challenge.as_deref(), params.code_challenge_method.as_deref()) {
            (None, None) => None,
            (Some(c), Some("S256")) if is_pkce_value(c) => Some(c.to_owned()),
            (Some(_), Some("S256")) => {
                return Err(error_redirect(&redirect_uri, st, fragment, "invalid_request", "Malformed code_challenge"))
            }
            (None, Some(_)) => {
                return Err(error_redirect(&redirect_uri, st, fragment, "invalid_request", "code_challenge is missing"))
            }
            // No method means "plain" (RFC 7636 4.3), which is refused.
            (Some(_), _) => {
                return Err(error_redirect(
                    &redirect_uri,
                    st,
                    fragment,
                    "invalid_request",
                    "Only code_challenge_method S256 is supported",
                ))
            }
        };
        if flow == OAuthFlow::Code && client.sealed_secret.is_none() && code_challenge.is_none() {
            return Err(error_redirect(
                &redirect_uri,
                st,
                fragment,
                "invalid_request",
                "PKCE (code_challenge with S256) is required for public clients",
            ));
        }
        if flow == OAuthFlow::Implicit && scopes.iter().any(|s| s == "openid") && params.nonce.is_none() {
            return Err(error_redirect(
                &redirect_uri,
                st,
                fragment,
                "invalid_request",
                "nonce is required for the implicit flow",
            ));
        }
        Ok(Authorization {
            branding: None,
            pool,
            client,
            flow,
            redirect_uri,
            state,
            scopes,
            nonce: params.nonce.clone(),
            code_challenge,
            force_login: params.prompt.as_deref().is_some_and(|p| p.split(' ').any(|x| x == "login")),
            params: params.clone(),
        })
    }

    /// Completes an authorization for `user`, who authenticated at `auth_time`: a code
    /// (stored by hash, 5 minutes, single use) or, for the implicit flow, tokens in the
    /// fragment.
    pub async fn complete(&self, a: &Authorization, user: &User, auth_time: Timestamp) -> Result<Redirect, OAuthError> {
        let now = self.clock.now();
        let state = a.state.as_deref();
        match a.flow {
            OAuthFlow::Code => {
                let code = random_token(32);
                let record = AuthCode {
                    code_hash: sha256_hex(code.as_bytes()),
                    pool_id: a.pool.id.clone(),
                    client_id: a.client.id.as_str().to_owned(),
                    sub: user.sub.clone(),
                    redirect_uri: a.redirect_uri.clone(),
                    scopes: a.scopes.clone(),
                    nonce: a.nonce.clone(),
                    code_challenge: a.code_challenge.clone(),
                    origin_jti: uuid::Uuid::new_v4().to_string(),
                    auth_time,
                    expires_at: now.plus(CODE_LIFETIME),
                    created_at: now,
                };
                self.store.insert_auth_code(&record).await?;
                let mut pairs = vec![("code", code.as_str())];
                if let Some(s) = state {
                    pairs.push(("state", s));
                }
                Ok(Redirect(append(&a.redirect_uri, &pairs, false)))
            }
            OAuthFlow::Implicit | OAuthFlow::ClientCredentials => {
                let groups = self.store.groups_of_user(&a.pool.id, &user.username_key).await?;
                let grant = Grant {
                    scopes: Some(a.scopes.clone()),
                    nonce: a.nonce.clone(),
                    origin_jti: None,
                    no_refresh: true,
                    rotate: false,
                    device_key: None,
                };
                let t = self.tokens.issue_with(&a.pool, &a.client, user, &groups, auth_time, None, &grant).await?;
                let expires = t.expires_in.to_string();
                let mut pairs = vec![("access_token", t.access_token.as_str())];
                if let Some(id) = &t.id_token {
                    pairs.push(("id_token", id.as_str()));
                }
                pairs.push(("token_type", "Bearer"));
                pairs.push(("expires_in", expires.as_str()));
                if let Some(s) = state {
                    pairs.push(("state", s));
                }
                Ok(Redirect(append(&a.redirect_uri, &pairs, true)))
            }
        }
    }

    /// Authenticates the client at the token or revocation endpoint. A confidential
    /// client must prove its secret (Basic or post, not both); a public one names itself.
    async fn authenticate_client(
        &self,
        auth: &ClientAuth,
        domain_pool: Option<&crate::pool::UserPoolId>,
    ) -> Result<(AppClient, UserPool), OAuthError> {
        let bad = || OAuthError::new("invalid_client", "Client authentication failed.");
        if auth.basic.is_some() && auth.client_secret.is_some() {
            return Err(OAuthError::new("invalid_request", "Use one client authentication method."));
        }
        let (id, secret) = match &auth.basic {
            Some((id, secret)) => {
                if auth.client_id.as_deref().is_some_and(|c| c != id) {
                    return Err(OAuthError::new("invalid_request", "client_id does not match the credentials."));
                }
                (id.clone(), Some(secret.clone()))
            }
            None => match &auth.client_id {
                Some(id) => (id.clone(), auth.client_secret.clone()),
                None => return Err(OAuthError::new("invalid_client", "Client authentication is missing.")),
            },
        };
        let (client, pool) = self.client_and_pool(&id).await?.ok_or_else(bad)?;
        if domain_pool.is_some_and(|d| *d != pool.id) {
            return Err(bad());
        }
        let stored = self.clients.secret(&client).map_err(OAuthError::internal)?;
        match (stored, secret) {
            (None, None) => {}
            (None, Some(_)) => return Err(bad()),
            (Some(_), None) => return Err(bad()),
            (Some(s), Some(given)) => {
                if !ct_eq(s.secret().as_bytes(), given.as_bytes()) {
                    return Err(bad());
                }
            }
        }
        if !client.config.oauth.enabled {
            return Err(OAuthError::new("unauthorized_client", "The client is not allowed to use OAuth flows."));
        }
        Ok((client, pool))
    }

    /// `/oauth2/token`.
    pub async fn token(
        &self,
        req: &TokenRequest,
        auth: &ClientAuth,
        domain_pool: Option<&crate::pool::UserPoolId>,
    ) -> Result<TokenResponse, OAuthError> {
        let grant =
            req.grant_type.as_deref().ok_or_else(|| OAuthError::new("invalid_request", "grant_type is missing."))?;
        if !matches!(grant, "authorization_code" | "refresh_token" | "client_credentials") {
            return Err(OAuthError::new("unsupported_grant_type", format!("Unsupported grant_type {grant}.")));
        }
        let (client, pool) = self.authenticate_client(auth, domain_pool).await?;
        match grant {
            "authorization_code" => self.exchange_code(req, &client, &pool).await,
            "refresh_token" => self.refresh(req, &client, &pool).await,
            _ => self.client_credentials(req, &client, &pool).await,
        }
    }

    async fn exchange_code(
        &self,
        req: &TokenRequest,
        client: &AppClient,
        pool: &UserPool,
    ) -> Result<TokenResponse, OAuthError> {
        let invalid = |m: &str| OAuthError::new("invalid_grant", m);
        let code = req.code.as_deref().ok_or_else(|| OAuthError::new("invalid_request", "code is missing."))?;
        let now = self.clock.now();
        let Some((record, replayed)) = self.store.consume_auth_code(&sha256_hex(code.as_bytes()), now).await? else {
            return Err(invalid("The authorization code is invalid."));
        };
        if replayed {
            // RFC 6749 4.1.2: a code used twice revokes what it issued.
            self.store.revoke_session_tokens(&record.origin_jti, now).await?;
            tracing::warn!(client_id = %record.client_id, "authorization code replayed: its tokens are revoked");
            return Err(invalid("The authorization code has already been used."));
        }
        if record.client_id != client.id.as_str() {
            return Err(invalid("The authorization code was issued to another client."));
        }
        if record.expires_at <= now {
            return Err(invalid("The authorization code has expired."));
        }
        if req.redirect_uri.as_deref() != Some(record.redirect_uri.as_str()) {
            return Err(invalid("redirect_uri does not match the authorization request."));
        }
        match (&record.code_challenge, req.code_verifier.as_deref()) {
            (Some(challenge), Some(v)) => {
                if !is_pkce_value(v) || !pkce_matches(v, challenge) {
                    return Err(invalid("code_verifier does not match the code_challenge."));
                }
            }
            (Some(_), None) => return Err(invalid("code_verifier is missing.")),
            (None, Some(_)) => return Err(invalid("The authorization request had no code_challenge.")),
            (None, None) => {}
        }
        let user = self.active_user(pool, &record.sub).await?;
        let groups = self.store.groups_of_user(&pool.id, &user.username_key).await?;
        let grant = Grant {
            scopes: Some(record.scopes.clone()),
            nonce: record.nonce.clone(),
            origin_jti: Some(record.origin_jti.clone()),
            no_refresh: false,
            rotate: false,
            device_key: None,
        };
        let t = self.tokens.issue_with(pool, client, &user, &groups, record.auth_time, None, &grant).await?;
        Ok(TokenResponse {
            access_token: t.access_token,
            id_token: t.id_token,
            refresh_token: t.refresh_token,
            token_type: "Bearer",
            expires_in: t.expires_in,
            scope: Some(record.scopes.join(" ")),
        })
    }

    async fn active_user(&self, pool: &UserPool, sub: &str) -> Result<User, OAuthError> {
        let user = self
            .store
            .find_user_by_sub(&pool.id, sub)
            .await?
            .ok_or_else(|| OAuthError::new("invalid_grant", "The user no longer exists."))?;
        if !user.enabled {
            return Err(OAuthError::new("invalid_grant", "User is disabled."));
        }
        if !matches!(user.status, UserStatus::Confirmed | UserStatus::ExternalProvider) {
            return Err(OAuthError::new("invalid_grant", "The user cannot sign in."));
        }
        Ok(user)
    }

    async fn refresh(
        &self,
        req: &TokenRequest,
        client: &AppClient,
        pool: &UserPool,
    ) -> Result<TokenResponse, OAuthError> {
        let value = req
            .refresh_token
            .as_deref()
            .ok_or_else(|| OAuthError::new("invalid_request", "refresh_token is missing."))?;
        // With rotation the endpoint rotates too: the new refresh token is in the answer.
        let record = self.tokens.redeem_refresh(client, value).await?;
        let user = self.active_user(pool, &record.sub).await?;
        if record.created_at < user.tokens_valid_after {
            return Err(OAuthError::new("invalid_grant", "Refresh Token has been revoked"));
        }
        let groups = self.store.groups_of_user(&pool.id, &user.username_key).await?;
        let t = self.tokens.issue(pool, client, &user, &groups, record.auth_time, Some(&record)).await?;
        Ok(TokenResponse {
            access_token: t.access_token,
            id_token: t.id_token,
            refresh_token: t.refresh_token,
            token_type: "Bearer",
            expires_in: t.expires_in,
            scope: record.scopes.as_ref().map(|s| s.join(" ")),
        })
    }

    async fn client_credentials(
        &self,
        req: &TokenRequest,
        client: &AppClient,
        pool: &UserPool,
    ) -> Result<TokenResponse, OAuthError> {
        let oauth = &client.config.oauth;
        if client.sealed_secret.is_none() || !oauth.allows(OAuthFlow::ClientCredentials) {
            return Err(OAuthError::new("unauthorized_client", "The client is not allowed client_credentials."));
        }
        let scopes: Vec<String> = match req.scope.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => oauth.scopes.clone(),
            Some(text) => {
                let mut list = Vec::new();
                for s in text.split(' ').filter(|s| !s.is_empty()) {
                    if !oauth.scopes.iter().any(|a| a == s) {
                        return Err(OAuthError::new(
                            "invalid_scope",
                            format!("The client is not allowed the scope {s}."),
                        ));
                    }
                    list.push(s.to_owned());
                }
                list
            }
        };
        let (access_token, expires_in) = self.tokens.issue_client_credentials(&pool.id, client, &scopes).await?;
        Ok(TokenResponse {
            access_token,
            id_token: None,
            refresh_token: None,
            token_type: "Bearer",
            expires_in,
            scope: Some(scopes.join(" ")),
        })
    }

    /// `/oauth2/userInfo`: the user's claims that the token's scopes and the client's
    /// read permissions allow. Errors are `invalid_token` (401).
    pub async fn userinfo(
        &self,
        access_token: &str,
        domain_pool: Option<&crate::pool::UserPoolId>,
    ) -> Result<Value, OAuthError> {
        let bad = |m: &str| OAuthError::new("invalid_token", m);
        let (user, claims) = self
            .tokens
            .session_user(access_token)
            .await
            .map_err(|e| match e {
                TokenError::Invalid(m) => bad(m),
                other => OAuthError::internal(other),
            })?
            .ok_or_else(|| bad("Access Token has been revoked"))?;
        if domain_pool.is_some_and(|d| *d != claims.pool_id) {
            return Err(bad("The token was not issued by this domain's user pool."));
        }
        let scopes: Vec<&str> = claims.scope.split(' ').collect();
        if !scopes.iter().any(|s| *s == "openid" || *s == "aws.cognito.signin.user.admin") {
            return Err(OAuthError::new("insufficient_scope", "The access token lacks the openid scope."));
        }
        let client = self.clients.find(&claims.client_id).await.map_err(OAuthError::internal)?;
        let read: Vec<String> = client.map(|c| c.config.read_attributes).unwrap_or_default();
        let mut out = crate::token::readable_claims(&user, &read);
        out.insert("sub".into(), Value::from(user.sub.clone()));
        out.insert("username".into(), Value::from(user.username.clone()));
        Ok(Value::Object(out))
    }

    /// `/oauth2/revoke` (RFC 7009): revokes a refresh token and the access tokens of its
    /// session. Unknown tokens succeed silently.
    pub async fn revoke(
        &self,
        token: Option<&str>,
        auth: &ClientAuth,
        domain_pool: Option<&crate::pool::UserPoolId>,
    ) -> Result<(), OAuthError> {
        let token = token.ok_or_else(|| OAuthError::new("invalid_request", "token is missing."))?;
        let (client, _) = self.authenticate_client(auth, domain_pool).await?;
        if !client.config.enable_token_revocation {
            return Err(OAuthError::new("unsupported_token_type", "Token revocation is not enabled for this client."));
        }
        if crate::token::parse_jwt(token).is_some() {
            return Err(OAuthError::new("unsupported_token_type", "Only refresh tokens can be revoked."));
        }
        if let Some(r) = self.store.find_refresh_token(&sha256_hex(token.as_bytes())).await? {
            if r.client_id == client.id.as_str() {
                self.store.revoke_session_tokens(&r.origin_jti, self.clock.now()).await?;
            }
        }
        Ok(())
    }

    /// Starts a hosted-UI session for `user`: the cookie value to set.
    pub async fn start_session(&self, pool: &UserPool, user: &User) -> Result<String, OAuthError> {
        let now = self.clock.now();
        let value = random_token(32);
        self.store
            .insert_hosted_session(&HostedSession {
                id_hash: sha256_hex(value.as_bytes()),
                pool_id: pool.id.clone(),
                sub: user.sub.clone(),
                auth_time: now,
                expires_at: now.plus(HOSTED_SESSION_LIFETIME),
                created_at: now,
            })
            .await?;
        Ok(value)
    }

    /// The user of a live hosted-UI session of `pool`, with the time they authenticated.
    pub async fn session_user(&self, pool: &UserPool, cookie: &str) -> Result<Option<(User, Timestamp)>, OAuthError> {
        let Some(s) = self.store.find_hosted_session(&sha256_hex(cookie.as_bytes())).await? else { return Ok(None) };
        if s.pool_id != pool.id || s.expires_at <= self.clock.now() {
            return Ok(None);
        }
        let Some(user) = self.store.find_user_by_sub(&pool.id, &s.sub).await? else { return Ok(None) };
        if !user.enabled || user.tokens_valid_after > s.auth_time || user.status != UserStatus::Confirmed {
            return Ok(None);
        }
        Ok(Some((user, s.auth_time)))
    }

    /// Ends a hosted-UI session.
    pub async fn end_session(&self, cookie: &str) -> Result<(), OAuthError> {
        Ok(self.store.delete_hosted_session(&sha256_hex(cookie.as_bytes())).await?)
    }

    /// `/logout`: the client and where to go afterwards (a registered sign-out URL).
    pub async fn logout_target(
        &self,
        client_id: Option<&str>,
        logout_uri: Option<&str>,
    ) -> Result<(UserPool, String), String> {
        let client_id = client_id.ok_or("client_id is missing.")?;
        let (client, pool) = match self.client_and_pool(client_id).await {
            Ok(Some(cp)) => cp,
            Ok(None) => return Err("The client does not exist.".into()),
            Err(e) => {
                tracing::error!(error = %e, "logout: store failed");
                return Err("An internal error occurred.".into());
            }
        };
        let uri = logout_uri.ok_or("logout_uri is missing.")?;
        if !client.config.oauth.logout_urls.iter().any(|u| u == uri) {
            return Err("logout_uri does not match a registered sign-out URL.".into());
        }
        Ok((pool, uri.to_owned()))
    }

    /// The current time on the service's clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The pool of a client, for pages that name only the client.
    pub async fn pool_of_client(&self, client_id: &str) -> Result<Option<(AppClient, UserPool)>, OAuthError> {
        Ok(self.client_and_pool(client_id).await?)
    }
}
