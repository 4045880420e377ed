//! Pool users: identity (user name, `sub`), status, attributes, password, and the
//! values derived from them for storage (sign-in aliases, the search index).

mod codes;
mod device;
mod service;

pub use codes::{Code, CodeAttempt, CodePurpose, CodeRecord, CodeUse, CODE_WINDOW, MAX_ATTEMPTS, MAX_SENDS};
pub use device::{Device, DevicePage, DeviceSettings};
pub use service::{
    mask, parse_filter, AdminCreateUser, AuthStep, CodeDelivery, DeliveryMedium, DeviceVerifier, FactorSetting,
    MessageAction, MfaPreferences, NewDevice, SignInStep, SignUp, SignUpOutcome, Start, TokenOrSession, UserError,
    UserService,
};

use crate::clock::Timestamp;
use crate::password::PasswordHash;
use crate::pool::config::{PoolConfig, SignInAttribute};
use crate::pool::UserPoolId;
use std::collections::BTreeMap;

/// Where a user stands, as Cognito names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserStatus {
    /// Signed up, not yet confirmed.
    Unconfirmed,
    /// Confirmed.
    Confirmed,
    /// Created by an administrator with a temporary password.
    ForceChangePassword,
    /// Must reset the password before signing in.
    ResetRequired,
    /// Signed in through a federated provider.
    ExternalProvider,
}

impl UserStatus {
    /// Cognito's name.
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Unconfirmed => "UNCONFIRMED",
            UserStatus::Confirmed => "CONFIRMED",
            UserStatus::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            UserStatus::ResetRequired => "RESET_REQUIRED",
            UserStatus::ExternalProvider => "EXTERNAL_PROVIDER",
        }
    }

    /// Parses Cognito's name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "UNCONFIRMED" => UserStatus::Unconfirmed,
            "CONFIRMED" => UserStatus::Confirmed,
            "FORCE_CHANGE_PASSWORD" => UserStatus::ForceChangePassword,
            "RESET_REQUIRED" => UserStatus::ResetRequired,
            "EXTERNAL_PROVIDER" => UserStatus::ExternalProvider,
            _ => return None,
        })
    }
}

/// A user of a pool.
#[derive(Clone, Debug)]
pub struct User {
    /// The pool.
    pub pool_id: UserPoolId,
    /// The user name as created (with the original case).
    pub username: String,
    /// The lookup key: the user name, lower-cased in case-insensitive pools.
    pub username_key: String,
    /// Stable id (UUID), also the `sub` attribute.
    pub sub: String,
    /// Status.
    pub status: UserStatus,
    /// Whether the user may sign in.
    pub enabled: bool,
    /// Attributes, `sub` included.
    pub attributes: BTreeMap<String, String>,
    /// New values of attributes that only take effect once verified
    /// (`UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate`).
    pub pending_attributes: BTreeMap<String, String>,
    /// argon2id hash of the password.
    pub password_hash: Option<PasswordHash>,
    /// Earlier password hashes, newest first (for `PasswordHistorySize`).
    pub password_history: Vec<PasswordHash>,
    /// The SRP salt and verifier of the password, sealed (see [`crate::auth::srp`]);
    /// `None` for users whose password was set before SRP existed, until they next sign
    /// in with it.
    pub srp_verifier: Option<String>,
    /// Second factors.
    pub mfa: crate::auth::UserMfa,
    /// When a temporary password stops working.
    pub temporary_password_expires_at: Option<Timestamp>,
    /// Tokens issued before this instant are no longer accepted (global sign-out).
    pub tokens_valid_after: Timestamp,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// Attributes ListUsers can filter on (Cognito's searchable attributes).
pub const SEARCHABLE: &[&str] = &[
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
];

/// The lookup key for a user name in `config`'s pool.
pub fn username_key(config: &PoolConfig, username: &str) -> String {
    if config.case_insensitive() {
        username.to_lowercase()
    } else {
        username.to_owned()
    }
}

/// The form an unknown sign-in name is counted under: what the lookup compares
/// (surrounding spaces dropped; lower case where names or e-mail addresses ignore case).
pub fn lookup_form(config: &PoolConfig, name: &str) -> String {
    let t = name.trim();
    if config.case_insensitive() || t.contains('@') {
        t.to_lowercase()
    } else {
        t.to_owned()
    }
}

/// The longest user name (Cognito's `UsernameType`).
pub const MAX_USERNAME_CHARS: usize = 128;

/// Cognito's `UsernameType` rule, on every path that takes a name (the model validator
/// covers typed members, not `AuthParameters.USERNAME` or the hosted forms): 1 to 128
/// characters, each a letter, mark, symbol, number or punctuation (no spaces or controls).
pub fn check_username(name: &str) -> Result<(), service::UserError> {
    static RULE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let rule = RULE.get_or_init(|| regex::Regex::new(r"^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$").ok());
    let n = name.chars().count();
    let ok = (1..=MAX_USERNAME_CHARS).contains(&n) && rule.as_ref().is_some_and(|r| r.is_match(name));
    if ok {
        Ok(())
    } else {
        Err(service::UserError::InvalidParameter(format!(
            "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length \
             between 1 and {MAX_USERNAME_CHARS} and satisfy regular expression pattern: [\\p{{L}}\\p{{M}}\\p{{S}}\\p{{N}}\\p{{P}}]+"
        )))
    }
}

/// The lookup key of an alias value: emails compare case-insensitively.
pub fn alias_key(kind: SignInAttribute, value: &str) -> String {
    match kind {
        SignInAttribute::Email => value.trim().to_lowercase(),
        SignInAttribute::PreferredUsername => value.to_lowercase(),
        SignInAttribute::PhoneNumber => value.trim().to_owned(),
    }
}

impl User {
    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }

    /// Whether attribute `name` is marked verified (`email_verified`, ...).
    pub fn verified(&self, name: &str) -> bool {
        self.attr(&format!("{name}_verified")) == Some("true")
    }

    /// The sign-in identifiers this user holds in `config`'s pool, unique per pool:
    /// with username attributes, the attribute itself; with alias attributes, only
    /// verified values (preferred_username needs no verification).
    pub fn aliases(&self, config: &PoolConfig) -> Vec<(SignInAttribute, String)> {
        let mut out = Vec::new();
        for kind in &config.username_attributes {
            if let Some(v) = self.attr(kind.name()) {
                out.push((*kind, alias_key(*kind, v)));
            }
        }
        for kind in &config.alias_attributes {
            let Some(v) = self.attr(kind.name()) else { continue };
            let counts = match kind {
                SignInAttribute::PreferredUsername => true,
                _ => self.verified(kind.name()),
            };
            if counts {
                out.push((*kind, alias_key(*kind, v)));
            }
        }
        out
    }

    /// (attribute, value) pairs for the search index.
    pub fn search_index(&self) -> Vec<(String, String)> {
        let mut out = vec![
            ("username".to_owned(), self.username.clone()),
            ("cognito:user_status".to_owned(), self.status.as_str().to_owned()),
            ("status".to_owned(), if self.enabled { "Enabled" } else { "Disabled" }.to_owned()),
        ];
        for name in SEARCHABLE {
            if let Some(v) = self.attributes.get(*name) {
                out.push(((*name).to_owned(), v.clone()));
            }
        }
        out
    }
}
