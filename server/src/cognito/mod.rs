//! The Cognito user-pool JSON API: `POST /` with `X-Amz-Target:
//! AWSCognitoIdentityProviderService.<Action>`. This module checks the target, the
//! signature (admin actions) and the body against the service model, then hands a typed
//! request to one action function.
pub mod actions;
pub mod error;
pub mod model;
pub mod sigv4;
pub mod wire;

use crate::cognito::error::CognitoError;
use crate::cognito::model::{model, Invalid};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use domain::admin_key::{AdminKeyService, KeyAuthError};
use domain::client::ClientService;
use domain::pool::PoolService;
use domain::{AdminCtx, Clock};
use serde_json::Value;
use std::sync::Arc;

/// The JSON API's target prefix.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
/// Service name in SigV4 credential scopes.
pub const SIGNING_NAME: &str = "cognito-idp";

/// What the Cognito actions need.
#[derive(Clone)]
pub struct CognitoState {
    /// Pools.
    pub pools: PoolService,
    /// App clients.
    pub clients: ClientService,
    /// Users and sign-in.
    pub users: domain::user::UserService,
    /// Groups.
    pub groups: domain::group::GroupService,
    /// Hosted-page branding.
    pub branding: domain::branding::BrandingService,
    /// Pool domains.
    pub domains: domain::pool_domain::PoolDomainService,
    /// `COGNATE_PUBLIC_URL` without the trailing slash.
    pub public_url: String,
    /// The audit log.
    pub audit: domain::audit::AuditService,
    /// Resource servers and custom scopes.
    pub resource_servers: domain::resource_server::ResourceServerService,
    /// Tokens and keys.
    pub tokens: domain::token::TokenService,
    /// Admin API keys (SigV4).
    pub admin_keys: AdminKeyService,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// Region of ids and signatures.
    pub region: String,
    /// Account id shown in ARNs.
    pub account_id: String,
}

/// Who called: anyone (public actions) or an authenticated admin key.
pub enum Caller {
    /// An unsigned call to a public action.
    Public,
    /// A SigV4-verified admin call.
    Admin(AdminCtx),
}

impl Caller {
    /// The admin capability; public calls to admin actions never get here.
    pub fn admin(&self) -> Result<&AdminCtx, CognitoError> {
        match self {
            Caller::Admin(ctx) => Ok(ctx),
            Caller::Public => Err(CognitoError::missing_authentication_token("Missing Authentication Token")),
        }
    }
}

/// `POST /`.
pub async fn handle(
    State(st): State<CognitoState>,
    crate::http::client_ip::ClientSource(source): crate::http::client_ip::ClientSource,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut res = match dispatch(&st, &method, &uri, &headers, &body, source).await {
        Ok(v) => {
            let mut r = v.to_string().into_response();
            r.headers_mut().insert("content-type", HeaderValue::from_static("application/x-amz-json-1.1"));
            r
        }
        Err(e) => {
            if e.name == "InternalErrorException" {
                tracing::error!(error = %e.message, "Cognito request failed");
            } else {
                tracing::debug!(error = e.name, message = %e.message, "Cognito request refused");
            }
            e.into_response()
        }
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert("x-amzn-requestid", v);
    }
    res
}

async fn dispatch(
    st: &CognitoState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    source: domain::limits::Source,
) -> Result<Value, CognitoError> {
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("");
    let action = target
        .strip_prefix(TARGET_PREFIX)
        .ok_or_else(|| CognitoError::unknown_operation(format!("Unknown operation '{target}'.")))?;
    let op = model()
        .operation(action)
        .ok_or_else(|| CognitoError::unknown_operation(format!("Unknown operation '{action}'.")))?;
    let caller = if op.public {
        Caller::Public
    } else {
        match authenticate(st, method, uri, headers, body).await {
            Ok(ctx) => Caller::Admin(ctx),
            Err(e) => {
                // A refused signature on a known key is audited (someone holds or probes
                // that key: only a key that exists gets as far as the signature check).
                // Calls with no key, an unknown key or a malformed header are only
                // logged: they cost an attacker nothing, so they must not cost us a row.
                let key = key_of(headers);
                if e.name == "InvalidSignatureException" {
                    st.audit.record_refused(&key, &source.to_string(), action, e.name).await;
                } else {
                    tracing::warn!(target: "cognate::audit", source = %source, action, key = %key, refused = e.name, "admin call refused");
                }
                return Err(e);
            }
        }
    };
    let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body)
            .map_err(|e| CognitoError::serialization(format!("The request body is not valid JSON: {e}")))?
    };
    model().validate(op, &body).map_err(|e| match e {
        Invalid::Serialization(m) => CognitoError::serialization(m),
        Invalid::Constraints(m) => CognitoError::invalid_parameter(m),
    })?;
    let target = audit_target(&body);
    let out = actions::run(st, action, &caller, source, body).await;
    if let Caller::Admin(ctx) = &caller {
        match &out {
            Ok(_) if !is_read(action) => st.audit.record(ctx, &source.to_string(), action, &target).await,
            Ok(_) => {}
            Err(e) => {
                st.audit.record(ctx, &source.to_string(), &format!("{action} refused: {}", e.name), &target).await
            }
        }
    }
    out
}

/// The access key id an `Authorization` header names (for auditing refused calls),
/// cut to a sane length; `-` when there is none.
fn key_of(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| sigv4::parse_authorization(v).ok())
        .map(|a| a.access_key_id.chars().take(128).collect())
        .unwrap_or_else(|| "-".into())
}

/// Actions that change nothing (not audited).
fn is_read(action: &str) -> bool {
    ["Describe", "Get", "List", "AdminGet", "AdminList"].iter().any(|p| action.starts_with(p))
}

/// What an admin action touched, for the audit log: identifiers only, never secrets or
/// attribute values.
fn audit_target(body: &Value) -> String {
    let mut t = serde_json::Map::new();
    for k in ["UserPoolId", "ClientId", "Username", "GroupName", "Identifier", "Domain", "PoolName", "ClientName"] {
        if let Some(v) = body.get(k).and_then(Value::as_str) {
            t.insert(k.to_owned(), Value::from(v));
        }
    }
    Value::Object(t).to_string()
}

async fn authenticate(
    st: &CognitoState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<AdminCtx, CognitoError> {
    let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return Err(CognitoError::missing_authentication_token("Missing Authentication Token"));
    };
    let auth = sigv4::parse_authorization(value)?;
    let incoming = sigv4::Incoming { method, uri, headers, body };
    let now = st.clock.now();
    st.admin_keys
        .authorize(&auth.access_key_id, |secret| sigv4::verify(&incoming, &auth, secret, now, &st.region, SIGNING_NAME))
        .await
        .map_err(|e| match e {
            KeyAuthError::UnknownKey => {
                CognitoError::unrecognized_client("The security token included in the request is invalid.")
            }
            KeyAuthError::Verify(e) => e,
            KeyAuthError::Key(e) => {
                tracing::error!(error = %e, "admin key could not be loaded");
                CognitoError::internal("An internal error occurred.")
            }
        })
}

/// `GET /{pool_id}/.well-known/jwks.json`.
pub async fn jwks(
    State(st): State<CognitoState>,
    axum::extract::Path(pool_id): axum::extract::Path<String>,
) -> Response {
    use axum::http::StatusCode;
    let Some(pool) = domain::pool::UserPoolId::parse(&pool_id) else {
        return (StatusCode::NOT_FOUND, axum::Json(serde_json::json!({"message": "User pool does not exist."})))
            .into_response();
    };
    match st.pools.find(pool.as_str()).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            return (
                StatusCode::NOT_FOUND,
                axum::Json(serde_json::json!({"message": format!("User pool {pool_id} does not exist.")})),
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "jwks lookup failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    match st.tokens.jwks(&pool).await {
        Ok(doc) => {
            let mut r = axum::Json(doc).into_response();
            r.headers_mut().insert("cache-control", HeaderValue::from_static("public, max-age=300"));
            r
        }
        Err(e) => {
            tracing::error!(error = %e, "jwks failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
