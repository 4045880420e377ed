//! OAuth 2.0 / OpenID Connect over HTTP at Cognito's paths: discovery, `/oauth2/token`,
//! `/oauth2/userInfo`, `/oauth2/revoke`, and (in `hosted`) `/oauth2/authorize`, the
//! hosted pages and `/logout`. Handlers parse, call `domain::oauth`, and answer in
//! OAuth's own error format.

pub mod challenge;
pub mod hosted;
pub mod pages;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use domain::client::ClientService;
use domain::crypto::MasterKey;
use domain::oauth::{ClientAuth, OAuthError, OAuthService, TokenRequest};
use domain::pool::PoolService;
use domain::user::UserService;
use serde_json::json;
use std::collections::HashMap;
use url::Url;

/// What the OAuth endpoints and hosted pages need.
#[derive(Clone)]
pub struct OAuthState {
    /// OAuth decisions.
    pub oauth: OAuthService,
    /// Password sign-in on the hosted pages.
    pub users: UserService,
    /// Pools.
    pub pools: PoolService,
    /// Clients.
    pub clients: ClientService,
    /// CSRF tokens are MACs under the master key.
    pub master: MasterKey,
    /// `COGNATE_PUBLIC_URL`.
    pub public_url: Url,
    /// Hosted-page branding.
    pub branding: domain::branding::BrandingService,
    /// Pool domains (Host routing).
    pub domains: domain::pool_domain::PoolDomainService,
}

/// The pool whose domain the request came to (`Host`), if any; the public URL's own host
/// serves every pool.
pub async fn domain_pool(st: &OAuthState, headers: &HeaderMap) -> Option<domain::pool::UserPoolId> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok())?;
    let own = st.public_url.host_str().unwrap_or("");
    if host.split(':').next() == Some(own) {
        return None;
    }
    match st.domains.pool_for_host(host).await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "domain lookup failed");
            None
        }
    }
}

impl OAuthState {
    /// The customization stored for exactly this pool and client (`ALL` for the pool);
    /// `Err` is the response for a storage failure.
    pub async fn branding_of(
        &self,
        pool: &str,
        client: &str,
    ) -> Result<Option<domain::branding::UiCustomization>, Response> {
        let Some(pid) = domain::pool::UserPoolId::parse(pool) else { return Ok(None) };
        self.branding.stored(&pid, client).await.map_err(|e| {
            tracing::error!(error = %e, "branding lookup failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        })
    }

    fn base(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_owned()
    }

    /// Cookies get `Secure` and the `__Host-` prefix on HTTPS.
    pub fn https(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    r
}

/// An OAuth error response (RFC 6749 5.2).
pub fn oauth_error(e: &OAuthError, basic_used: bool) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut r = (status, Json(json!({ "error": e.error, "error_description": e.description }))).into_response();
    if e.status == 401 && e.error == "invalid_client" && basic_used {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"cognate\""));
    }
    no_store(r)
}

fn invalid_request(m: &str) -> OAuthError {
    OAuthError { error: "invalid_request", description: m.into(), status: 400 }
}

/// Form parameters; a parameter sent twice is refused (RFC 6749 3.1).
fn form(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !ct.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        return Err(invalid_request("The body must be application/x-www-form-urlencoded."));
    }
    let mut out = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(body) {
        if out.insert(k.to_string(), v.to_string()).is_some() {
            return Err(invalid_request(&format!("Parameter {k} is repeated.")));
        }
    }
    Ok(out)
}

/// `Authorization: Basic` credentials (each part form-urlencoded, RFC 6749 2.3.1).
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let text = value.to_str().map_err(|_| invalid_request("Malformed Authorization header."))?;
    let Some(encoded) = text.strip_prefix("Basic ").or_else(|| text.strip_prefix("basic ")) else {
        return Err(invalid_request("Only Basic client authentication is accepted here."));
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| OAuthError {
            error: "invalid_client",
            description: "Malformed credentials.".into(),
            status: 401,
        })?;
    let (id, secret) = decoded.split_once(':').ok_or_else(|| OAuthError {
        error: "invalid_client",
        description: "Malformed credentials.".into(),
        status: 401,
    })?;
    let dec = |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.to_string());
    Ok(Some((dec(id).unwrap_or_default(), dec(secret).unwrap_or_default())))
}

fn client_auth(headers: &HeaderMap, f: &HashMap<String, String>) -> Result<ClientAuth, OAuthError> {
    Ok(ClientAuth {
        basic: basic_credentials(headers)?,
        client_id: f.get("client_id").cloned(),
        client_secret: f.get("client_secret").cloned(),
    })
}

/// `POST /oauth2/token`.
pub async fn token(State(st): State<OAuthState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let basic_used = headers.contains_key(header::AUTHORIZATION);
    let result = async {
        let f = form(&headers, &body)?;
        let auth = client_auth(&headers, &f)?;
        let req = TokenRequest {
            grant_type: f.get("grant_type").cloned(),
            code: f.get("code").cloned(),
            redirect_uri: f.get("redirect_uri").cloned(),
            code_verifier: f.get("code_verifier").cloned(),
            refresh_token: f.get("refresh_token").cloned(),
            scope: f.get("scope").cloned(),
            client_id: f.get("client_id").cloned(),
            client_secret: f.get("client_secret").cloned(),
        };
        let on = domain_pool(&st, &headers).await;
        st.oauth.token(&req, &auth, on.as_ref()).await
    }
    .await;
    match result {
        Ok(t) => no_store(Json(t).into_response()),
        Err(e) => oauth_error(&e, basic_used),
    }
}

/// `POST /oauth2/revoke` (RFC 7009).
pub async fn revoke(State(st): State<OAuthState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let basic_used = headers.contains_key(header::AUTHORIZATION);
    let result = async {
        let f = form(&headers, &body)?;
        let auth = client_auth(&headers, &f)?;
        let on = domain_pool(&st, &headers).await;
        st.oauth.revoke(f.get("token").map(String::as_str), &auth, on.as_ref()).await
    }
    .await;
    match result {
        Ok(()) => no_store(StatusCode::OK.into_response()),
        Err(e) => oauth_error(&e, basic_used),
    }
}

/// `GET`/`POST /oauth2/userInfo` with a Bearer access token.
pub async fn userinfo(State(st): State<OAuthState>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    let Some(token) = token else {
        let mut r = (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_request", "error_description": "Bearer token is missing."})),
        )
            .into_response();
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"cognate\""));
        return no_store(r);
    };
    let on = domain_pool(&st, &headers).await;
    match st.oauth.userinfo(token, on.as_ref()).await {
        Ok(claims) => no_store(Json(claims).into_response()),
        Err(e) => {
            let status = if e.error == "insufficient_scope" {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::from_u16(e.status).unwrap_or(StatusCode::UNAUTHORIZED)
            };
            let mut r = (status, Json(json!({"error": e.error, "error_description": e.description}))).into_response();
            let challenge =
                format!("Bearer error=\"{}\", error_description=\"{}\"", e.error, e.description.replace('"', "'"));
            if let Ok(v) = HeaderValue::from_str(&challenge) {
                r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
            }
            no_store(r)
        }
    }
}

/// `GET /<pool>/.well-known/openid-configuration`.
pub async fn discovery(State(st): State<OAuthState>, Path(pool_id): Path<String>) -> Response {
    match st.pools.find(&pool_id).await {
        Ok(Some(pool)) => {
            let base = st.base();
            let issuer = format!("{base}/{}", pool.id.as_str());
            let doc = json!({
                "issuer": issuer,
                "authorization_endpoint": format!("{base}/oauth2/authorize"),
                "token_endpoint": format!("{base}/oauth2/token"),
                "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
                "revocation_endpoint": format!("{base}/oauth2/revoke"),
                "end_session_endpoint": format!("{base}/logout"),
                "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
                "response_types_supported": ["code", "token"],
                "response_modes_supported": ["query", "fragment"],
                "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials", "implicit"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
                "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
                "code_challenge_methods_supported": ["S256"],
                "claims_supported": [
                    "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "cognito:username",
                    "cognito:groups", "email", "email_verified", "phone_number", "phone_number_verified", "name",
                    "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile",
                    "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "address", "updated_at"
                ],
                "request_parameter_supported": false,
                "claims_parameter_supported": false,
            });
            let mut r = Json(doc).into_response();
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
            r.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
            r
        }
        Ok(None) => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "not_found", "error_description": format!("User pool {pool_id} does not exist.")})),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "discovery failed");
            (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"error": "server_error"}))).into_response()
        }
    }
}

/// Removes expired authorization codes and hosted sessions every five minutes.
pub fn spawn_purge(
    store: std::sync::Arc<dyn domain::ports::Store>,
    clock: std::sync::Arc<dyn domain::Clock>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            tick.tick().await;
            match store.purge_expired_oauth(clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(deleted = n, "expired codes and hosted sessions removed"),
                Err(e) => tracing::warn!(error = %e, "could not remove expired codes and sessions"),
            }
            match store.purge_auth_sessions(clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(deleted = n, "expired challenge sessions removed"),
                Err(e) => tracing::warn!(error = %e, "could not remove expired challenge sessions"),
            }
            // A device handed out but never confirmed within a day is dropped.
            let day_ago = domain::Timestamp(clock.now().millis() - 86_400_000);
            match store.purge_unconfirmed_devices(day_ago).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(deleted = n, "unconfirmed devices removed"),
                Err(e) => tracing::warn!(error = %e, "could not remove unconfirmed devices"),
            }
            // Lockout counters whose last failure is older than the longest lock can no
            // longer lock or count (a quiet period that long forgives them).
            let now = clock.now();
            let before = domain::Timestamp(now.millis() - domain::throttle::MAX_LOCKOUT.as_millis() as i64);
            match store.purge_throttles(before, now).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(deleted = n, "stale sign-in counters removed"),
                Err(e) => tracing::warn!(error = %e, "could not remove stale sign-in counters"),
            }
        }
    })
}
