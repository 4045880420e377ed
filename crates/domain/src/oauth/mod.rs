//! OAuth 2.0 and OpenID Connect for every pool: the authorization request's rules,
//! authorization codes (single use, 5 minutes, PKCE S256), the token endpoint's grants,
//! userinfo, revocation and the hosted pages' single-sign-on session.
//!
//! HTTP lives in the server; this module decides. Errors carry OAuth's own codes
//! (RFC 6749 section 4.1.2.1 and 5.2).

mod service;

pub use service::{
    Authorization, AuthorizeError, AuthorizeParams, ClientAuth, OAuthError, OAuthService, Redirect, TokenRequest,
    TokenResponse, HOSTED_SESSION_LIFETIME,
};

use crate::clock::Timestamp;
use crate::pool::UserPoolId;

/// How long an authorization code lives.
pub const CODE_LIFETIME: std::time::Duration = std::time::Duration::from_secs(300);

/// A stored authorization code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthCode {
    /// SHA-256 of the code.
    pub code_hash: String,
    /// Pool.
    pub pool_id: UserPoolId,
    /// The client it was issued to.
    pub client_id: String,
    /// The user's `sub`.
    pub sub: String,
    /// The redirect URI of the request (must be repeated at the token endpoint).
    pub redirect_uri: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// OpenID Connect nonce.
    pub nonce: Option<String>,
    /// PKCE S256 challenge.
    pub code_challenge: Option<String>,
    /// The session id the tokens will carry.
    pub origin_jti: String,
    /// When the user authenticated.
    pub auth_time: Timestamp,
    /// Expiry.
    pub expires_at: Timestamp,
    /// Issue time.
    pub created_at: Timestamp,
}

/// A signed-in session of the hosted pages (single sign-on for one pool).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostedSession {
    /// SHA-256 of the cookie value.
    pub id_hash: String,
    /// Pool.
    pub pool_id: UserPoolId,
    /// The user's `sub`.
    pub sub: String,
    /// When the user typed their password.
    pub auth_time: Timestamp,
    /// Expiry.
    pub expires_at: Timestamp,
    /// Start.
    pub created_at: Timestamp,
}
