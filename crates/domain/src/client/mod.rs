//! App clients: how an application talks to a pool. Ids, secrets (sealed with the master
//! key, because `SECRET_HASH` is an HMAC keyed with the secret itself), allowed flows,
//! token lifetimes and attribute permissions.

pub mod oauth;
mod service;

pub use oauth::{OAuthFlow, OAuthSettings, OAuthSettingsError};
pub use service::{secret_hash, ClientError, ClientPage, ClientService};

use crate::clock::Timestamp;
use crate::pool::UserPoolId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

const ID_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A client id: 26 lower-case letters and digits, as Cognito makes them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientId(String);

impl ClientId {
    /// A fresh id.
    pub fn generate() -> Self {
        ClientId(crate::crypto::random_chars(26, ID_ALPHABET))
    }

    /// Wraps a stored or presented id (API pattern `[\w+]+`, 1-128).
    pub fn parse(s: &str) -> Option<Self> {
        let ok = (1..=128).contains(&s.len()) && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '+');
        ok.then(|| ClientId(s.to_owned()))
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A sign-in flow a client allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AuthFlow {
    /// `ALLOW_USER_PASSWORD_AUTH`
    UserPassword,
    /// `ALLOW_ADMIN_USER_PASSWORD_AUTH`
    AdminUserPassword,
    /// `ALLOW_USER_SRP_AUTH`
    UserSrp,
    /// `ALLOW_REFRESH_TOKEN_AUTH`
    RefreshToken,
    /// `ALLOW_CUSTOM_AUTH`
    Custom,
    /// `ALLOW_USER_AUTH` (choice-based)
    UserAuth,
}

impl AuthFlow {
    /// Cognito's `ALLOW_*` name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthFlow::UserPassword => "ALLOW_USER_PASSWORD_AUTH",
            AuthFlow::AdminUserPassword => "ALLOW_ADMIN_USER_PASSWORD_AUTH",
            AuthFlow::UserSrp => "ALLOW_USER_SRP_AUTH",
            AuthFlow::RefreshToken => "ALLOW_REFRESH_TOKEN_AUTH",
            AuthFlow::Custom => "ALLOW_CUSTOM_AUTH",
            AuthFlow::UserAuth => "ALLOW_USER_AUTH",
        }
    }

    /// Parses an `ALLOW_*` name or a legacy name (`USER_PASSWORD_AUTH`, `ADMIN_NO_SRP_AUTH`,
    /// `CUSTOM_AUTH_FLOW_ONLY`); the bool says whether it was legacy.
    pub fn parse(s: &str) -> Option<(AuthFlow, bool)> {
        Some(match s {
            "ALLOW_USER_PASSWORD_AUTH" => (AuthFlow::UserPassword, false),
            "ALLOW_ADMIN_USER_PASSWORD_AUTH" => (AuthFlow::AdminUserPassword, false),
            "ALLOW_USER_SRP_AUTH" => (AuthFlow::UserSrp, false),
            "ALLOW_REFRESH_TOKEN_AUTH" => (AuthFlow::RefreshToken, false),
            "ALLOW_CUSTOM_AUTH" => (AuthFlow::Custom, false),
            "ALLOW_USER_AUTH" => (AuthFlow::UserAuth, false),
            "USER_PASSWORD_AUTH" => (AuthFlow::UserPassword, true),
            "ADMIN_NO_SRP_AUTH" => (AuthFlow::AdminUserPassword, true),
            "CUSTOM_AUTH_FLOW_ONLY" => (AuthFlow::Custom, true),
            _ => return None,
        })
    }
}

/// A time unit of token validity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// seconds
    Seconds,
    /// minutes
    Minutes,
    /// hours
    Hours,
    /// days
    Days,
}

impl TimeUnit {
    /// Cognito's name.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Seconds => "seconds",
            TimeUnit::Minutes => "minutes",
            TimeUnit::Hours => "hours",
            TimeUnit::Days => "days",
        }
    }

    /// Parses Cognito's name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "seconds" => Some(TimeUnit::Seconds),
            "minutes" => Some(TimeUnit::Minutes),
            "hours" => Some(TimeUnit::Hours),
            "days" => Some(TimeUnit::Days),
            _ => None,
        }
    }

    fn seconds(self) -> u64 {
        match self {
            TimeUnit::Seconds => 1,
            TimeUnit::Minutes => 60,
            TimeUnit::Hours => 3600,
            TimeUnit::Days => 86_400,
        }
    }
}

/// An amount of time in a unit, as Cognito reports token validity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validity {
    /// The number.
    pub value: u64,
    /// Its unit.
    pub unit: TimeUnit,
}

impl Validity {
    /// As a duration.
    pub fn duration(self) -> Duration {
        Duration::from_secs(self.value.saturating_mul(self.unit.seconds()))
    }
}

/// Refresh-token rotation (Cognito 2025, `RefreshTokenRotationType`): with it, every
/// `GetTokensFromRefreshToken` returns a new refresh token and the presented one stops
/// working after the grace period; presenting it later is taken as theft (RFC 9700
/// 4.14.2) and ends the whole sign-in session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshRotation {
    /// `Feature`: ENABLED.
    pub enabled: bool,
    /// `RetryGracePeriodSeconds` (0 to 60).
    pub retry_grace_period_seconds: u32,
}

/// A client's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientConfig {
    /// Allowed sign-in flows.
    pub auth_flows: Vec<AuthFlow>,
    /// Access token lifetime (5 minutes to 1 day).
    pub access_token: Validity,
    /// ID token lifetime (5 minutes to 1 day).
    pub id_token: Validity,
    /// Refresh token lifetime (1 hour to 10 years).
    pub refresh_token: Validity,
    /// Whether `TokenValidityUnits` was given (DescribeUserPoolClient echoes it only then).
    pub units_given: bool,
    /// Attributes the client may read; empty means all.
    pub read_attributes: Vec<String>,
    /// Attributes the client may write; empty means all mutable ones.
    pub write_attributes: Vec<String>,
    /// Hide whether a user exists (`PreventUserExistenceErrors: ENABLED`).
    pub prevent_user_existence_errors: bool,
    /// Refresh tokens can be revoked (`EnableTokenRevocation`).
    pub enable_token_revocation: bool,
    /// Minutes a challenge session lasts (3-15).
    pub auth_session_validity_minutes: u32,
    /// `RefreshTokenRotation`, when it was set.
    #[serde(default)]
    pub refresh_token_rotation: Option<RefreshRotation>,
    /// OAuth 2.0 settings (hosted UI and `/oauth2/*` endpoints).
    #[serde(default)]
    pub oauth: OAuthSettings,
    /// Other settings (analytics, ...), in wire form, stored and returned as given.
    pub passthrough: BTreeMap<String, serde_json::Value>,
}

impl Default for ClientConfig {
    /// Cognito's defaults for a new client.
    fn default() -> Self {
        ClientConfig {
            auth_flows: vec![AuthFlow::RefreshToken, AuthFlow::UserSrp, AuthFlow::Custom],
            access_token: Validity { value: 60, unit: TimeUnit::Minutes },
            id_token: Validity { value: 60, unit: TimeUnit::Minutes },
            refresh_token: Validity { value: 30, unit: TimeUnit::Days },
            units_given: false,
            read_attributes: Vec::new(),
            write_attributes: Vec::new(),
            prevent_user_existence_errors: true,
            enable_token_revocation: true,
            auth_session_validity_minutes: 3,
            refresh_token_rotation: None,
            oauth: OAuthSettings::default(),
            passthrough: BTreeMap::new(),
        }
    }
}

/// A setting breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ClientConfigError(pub String);

impl ClientConfig {
    /// Checks Cognito's limits on token lifetimes and session validity.
    pub fn check(&self) -> Result<(), ClientConfigError> {
        let five_min = Duration::from_secs(300);
        let day = Duration::from_secs(86_400);
        for (name, v) in [("AccessTokenValidity", self.access_token), ("IdTokenValidity", self.id_token)] {
            let d = v.duration();
            if d < five_min || d > day {
                return Err(ClientConfigError(format!("{name} must be between 5 minutes and 1 day.")));
            }
        }
        let r = self.refresh_token.duration();
        if r < Duration::from_secs(3600) || r > Duration::from_secs(10 * 365 * 86_400) {
            return Err(ClientConfigError("RefreshTokenValidity must be between 60 minutes and 10 years.".into()));
        }
        if r <= self.access_token.duration() || r <= self.id_token.duration() {
            return Err(ClientConfigError(
                "RefreshTokenValidity must be longer than AccessTokenValidity and IdTokenValidity.".into(),
            ));
        }
        if !(3..=15).contains(&self.auth_session_validity_minutes) {
            return Err(ClientConfigError("AuthSessionValidity must be between 3 and 15 minutes.".into()));
        }
        if self.refresh_token_rotation.is_some_and(|r| r.retry_grace_period_seconds > 60) {
            return Err(ClientConfigError("RetryGracePeriodSeconds must be between 0 and 60.".into()));
        }
        Ok(())
    }

    /// The rotation grace period when refresh tokens rotate (`Feature: ENABLED`).
    pub fn rotation(&self) -> Option<Duration> {
        self.refresh_token_rotation
            .filter(|r| r.enabled)
            .map(|r| Duration::from_secs(u64::from(r.retry_grace_period_seconds)))
    }

    /// Whether the client allows `flow`.
    pub fn allows(&self, flow: AuthFlow) -> bool {
        self.auth_flows.contains(&flow)
    }
}

/// An app client.
#[derive(Clone, Debug)]
pub struct AppClient {
    /// Its pool.
    pub pool_id: UserPoolId,
    /// Its id.
    pub id: ClientId,
    /// Its name (`[\w\s+=,.@-]+`, 1-128).
    pub name: String,
    /// The secret sealed with the master key, for confidential clients.
    pub sealed_secret: Option<Vec<u8>>,
    /// Settings.
    pub config: ClientConfig,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}
