//! User use cases: sign-up and confirmation, administrator-created users, lookups,
//! deletion, and password sign-in with its challenges. Every rule of the Cognito user
//! lifecycle that the API exposes lives here; the adapter only translates.

use super::{
    alias_key, check_username, lookup_form, username_key, Code, CodeAttempt, CodePurpose, CodeRecord, CodeUse, User,
    UserStatus,
};
use crate::access::{AdminCtx, WriteCtx};
use crate::client::{AppClient, AuthFlow, ClientService};
use crate::clock::{Clock, Timestamp};
use crate::crypto::MasterKey;
use crate::limits::{Limits, Source};
use crate::message::{render, Channel, OutboundMessage, OutboxRecord};
use crate::password::{self, PasswordHash};
use crate::pool::config::{PoolConfig, SignInAttribute};
use crate::pool::{PoolService, UserPool};
use crate::ports::{Store, StoreError, UserWrite};
use crate::secret::Password;
use crate::throttle;
use crate::token::{AccessClaims, RefreshRecord, TokenError, TokenService, TokenSet};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

mod admin;
mod auth;
mod devices;
mod manage;
mod mfa;
mod signin;
mod signup;
mod srp;

pub use admin::parse_filter;
pub use auth::Start;
pub use devices::DeviceVerifier;
pub use mfa::{FactorSetting, MfaPreferences, TokenOrSession};
pub use signin::{AuthStep, NewDevice, SignInStep};
/// A failure, named for what the caller can do; the adapter maps each to Cognito's error.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// Bad input (`InvalidParameterException`).
    #[error("{0}")]
    InvalidParameter(String),
    /// Password breaks the policy (`InvalidPasswordException`).
    #[error("{0}")]
    InvalidPassword(String),
    /// Not allowed (`NotAuthorizedException`).
    #[error("{0}")]
    NotAuthorized(String),
    /// Pool or client missing (`ResourceNotFoundException`).
    #[error("{0}")]
    ResourceNotFound(String),
    /// User missing (`UserNotFoundException`).
    #[error("User does not exist.")]
    UserNotFound,
    /// Name taken (`UsernameExistsException`).
    #[error("{0}")]
    UsernameExists(String),
    /// Alias taken (`AliasExistsException`).
    #[error("{0}")]
    AliasExists(String),
    /// Wrong code (`CodeMismatchException`).
    #[error("Invalid verification code provided, please try again.")]
    CodeMismatch,
    /// Expired or missing code (`ExpiredCodeException`).
    #[error("Invalid code provided, please request a code again.")]
    ExpiredCode,
    /// Too many attempts (`LimitExceededException`).
    #[error("Attempt limit exceeded, please try after some time.")]
    LimitExceeded,
    /// Not confirmed (`UserNotConfirmedException`).
    #[error("User is not confirmed.")]
    UserNotConfirmed,
    /// Must reset (`PasswordResetRequiredException`).
    #[error("Password reset required for the user")]
    PasswordResetRequired,
    /// Password reuse (`PasswordHistoryPolicyViolationException`).
    #[error("The password was used recently; choose another one.")]
    PasswordHistory,
    /// A rotated refresh token was presented again (`RefreshTokenReuseException`).
    #[error("Refresh token has been reused.")]
    RefreshTokenReuse,
    /// Overloaded (`TooManyRequestsException`).
    #[error("Too many requests; try again shortly.")]
    TooManyRequests,
    /// RESEND for a user who is not waiting for an invitation.
    #[error("Resend is not supported for a user who has already signed in.")]
    UnsupportedResend,
    /// Not enabled for this client (`UnsupportedOperationException`).
    #[error("{0}")]
    UnsupportedOperation(String),
    /// A software token code did not verify (`EnableSoftwareTokenMFAException`).
    #[error("Code mismatch and fail enable Software Token MFA")]
    EnableSoftwareTokenMfa,
    /// A right TOTP code whose step was used already (`ExpiredCodeException`).
    #[error("Your software token has already been used once.")]
    SoftwareTokenUsed,
    /// No software token is associated (`SoftwareTokenMFANotFoundException`).
    #[error("Software Token MFA has not been enabled by the user.")]
    SoftwareTokenMfaNotFound,
    /// Our fault (`InternalErrorException`).
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for UserError {
    fn from(e: StoreError) -> Self {
        match e {
            // A concurrent request used the code first: to this one it is no longer valid.
            StoreError::Conflict(c) if c == crate::ports::CODE_USED => UserError::CodeMismatch,
            StoreError::Conflict(c) if c == crate::ports::CODE_SEND_LIMIT => UserError::LimitExceeded,
            other => UserError::Internal(other.to_string()),
        }
    }
}

impl From<password::HashError> for UserError {
    fn from(e: password::HashError) -> Self {
        match e {
            password::HashError::Busy => UserError::TooManyRequests,
            other => UserError::Internal(other.to_string()),
        }
    }
}

impl From<TokenError> for UserError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::Invalid(m) => UserError::NotAuthorized(m.to_owned()),
            TokenError::Reused => UserError::RefreshTokenReuse,
            other => UserError::Internal(other.to_string()),
        }
    }
}

impl From<crate::client::ClientError> for UserError {
    fn from(e: crate::client::ClientError) -> Self {
        use crate::client::ClientError as C;
        match e {
            C::NotFound(_) | C::PoolNotFound(_) => UserError::ResourceNotFound(e.to_string()),
            other => UserError::Internal(other.to_string()),
        }
    }
}

impl From<crate::pool::PoolError> for UserError {
    fn from(e: crate::pool::PoolError) -> Self {
        match e {
            crate::pool::PoolError::NotFound(_) => UserError::ResourceNotFound(e.to_string()),
            other => UserError::Internal(other.to_string()),
        }
    }
}

/// Where a code went, masked as Cognito shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeDelivery {
    /// `a***@e***` or `+*******1234`.
    pub destination: String,
    /// EMAIL or SMS.
    pub medium: DeliveryMedium,
    /// The attribute the code verifies.
    pub attribute: String,
}

/// A delivery medium.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryMedium {
    /// EMAIL
    Email,
    /// SMS
    Sms,
}

/// AdminCreateUser's MessageAction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageAction {
    /// Send the invitation again to an existing user, with a new temporary password.
    Resend,
    /// Send nothing.
    Suppress,
}

/// A SignUp request.
pub struct SignUp {
    /// Client.
    pub client_id: String,
    /// SECRET_HASH, for confidential clients.
    pub secret_hash: Option<String>,
    /// Requested user name (or email/phone in pools that sign in with them).
    pub username: String,
    /// Password.
    pub password: Password,
    /// Attributes.
    pub attributes: Vec<(String, String)>,
}

/// The result of a sign-up.
#[derive(Clone, Debug)]
pub struct SignUpOutcome {
    /// The new user's `sub`.
    pub sub: String,
    /// Whether the user is already confirmed.
    pub confirmed: bool,
    /// Where the confirmation code went, if one was sent.
    pub delivery: Option<CodeDelivery>,
}

/// An AdminCreateUser request.
pub struct AdminCreateUser {
    /// Pool.
    pub pool_id: String,
    /// User name (or email/phone).
    pub username: String,
    /// Attributes.
    pub attributes: Vec<(String, String)>,
    /// Temporary password, or generated when absent.
    pub temporary_password: Option<Password>,
    /// RESEND / SUPPRESS.
    pub message_action: Option<MessageAction>,
    /// Where to send the invitation (default SMS, as Cognito).
    pub delivery: Vec<DeliveryMedium>,
    /// Take over an alias (verified email/phone) another user holds.
    pub force_alias_creation: bool,
}

const PASSWORD_ALPHABET_LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
const PASSWORD_ALPHABET_UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const PASSWORD_DIGITS: &[u8] = b"23456789";
const PASSWORD_SYMBOLS: &[u8] = b"!#%+-=?@^_";

/// User use cases.
#[derive(Clone)]
pub struct UserService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    master: MasterKey,
    pools: PoolService,
    clients: ClientService,
    tokens: TokenService,
    notify: Arc<tokio::sync::Notify>,
    limits: Arc<Limits>,
    in_flight: Arc<throttle::InFlight>,
}

/// Masks an email (`a***@e***`) or phone (`+*******1234`) as Cognito does.
pub fn mask(value: &str) -> String {
    if let Some((local, domain)) = value.split_once('@') {
        let l: String = local.chars().take(1).collect();
        let d: String = domain.chars().take(1).collect();
        format!("{l}***@{d}***")
    } else {
        let tail: String = value.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        format!("+*******{tail}")
    }
}

fn generate_password(config: &PoolConfig) -> Password {
    // One of each class the policy may require, then random characters, then shuffled.
    use rand::seq::SliceRandom;
    let len = config.password_policy.minimum_length.max(12) as usize;
    let mut chars: Vec<char> = Vec::with_capacity(len);
    for set in [PASSWORD_ALPHABET_LOWER, PASSWORD_ALPHABET_UPPER, PASSWORD_DIGITS, PASSWORD_SYMBOLS] {
        chars.extend(crate::crypto::random_chars(1, set).chars());
    }
    let all: Vec<u8> = [PASSWORD_ALPHABET_LOWER, PASSWORD_ALPHABET_UPPER, PASSWORD_DIGITS, PASSWORD_SYMBOLS].concat();
    chars.extend(crate::crypto::random_chars(len.saturating_sub(4), &all).chars());
    chars.shuffle(&mut rand::rngs::OsRng);
    Password::new(chars.into_iter().collect::<String>())
}

fn is_conflict_on(e: &StoreError, what: &str) -> bool {
    matches!(e, StoreError::Conflict(c) if c.contains(what))
}

impl UserService {
    /// The user service.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        master: MasterKey,
        pools: PoolService,
        clients: ClientService,
        tokens: TokenService,
    ) -> Self {
        UserService {
            store,
            clock,
            master,
            pools,
            clients,
            tokens,
            notify: Arc::new(tokio::sync::Notify::new()),
            limits: Arc::new(Limits::default()),
            in_flight: Arc::default(),
        }
    }

    /// The same service with these rate limits (the default ones otherwise).
    pub fn with_limits(mut self, limits: Arc<Limits>) -> Self {
        self.limits = limits;
        self
    }

    /// Woken whenever a message is queued, so the delivery worker need not poll hard.
    pub fn outbox_signal(&self) -> Arc<tokio::sync::Notify> {
        self.notify.clone()
    }

    async fn client_and_pool(&self, client_id: &str) -> Result<(AppClient, UserPool), UserError> {
        let client = self
            .clients
            .find(client_id)
            .await?
            .ok_or_else(|| UserError::ResourceNotFound(format!("User pool client {client_id} does not exist.")))?;
        let pool = self
            .pools
            .find(client.pool_id.as_str())
            .await?
            .ok_or_else(|| UserError::ResourceNotFound(format!("User pool {} does not exist.", client.pool_id)))?;
        Ok((client, pool))
    }

    fn check_secret(&self, client: &AppClient, username: &str, hash: Option<&str>) -> Result<(), UserError> {
        if self.clients.check_secret_hash(client, username, hash)? {
            Ok(())
        } else {
            Err(UserError::NotAuthorized(format!("Unable to verify secret hash for client {}", client.id.as_str())))
        }
    }

    async fn pool(&self, pool_id: &str) -> Result<UserPool, UserError> {
        self.pools
            .find(pool_id)
            .await?
            .ok_or_else(|| UserError::ResourceNotFound(format!("User pool {pool_id} does not exist.")))
    }

    /// Takes one code-sending request from `source` under the rate limits.
    fn take_code_request(&self, source: Source) -> Result<(), UserError> {
        if self.limits.take_code_request(source, self.clock.now()) {
            Ok(())
        } else {
            tracing::info!(target: "cognate::auth", event = "code_request", source = %source, outcome = "throttled_source");
            Err(UserError::TooManyRequests)
        }
    }

    /// The delivery shown when no code is sent but the answer must not say so
    /// (`PreventUserExistenceErrors`): the shape of a real one, on the pool's first
    /// recovery medium, with masked characters derived from the name, so asking twice
    /// gives the same answer and nothing tells it from a real account's.
    fn simulated_delivery(&self, pool: &UserPool, name: &str) -> CodeDelivery {
        let mac = self.master.mac(
            &format!("cognate/simulated_delivery/v1/{}", pool.id.as_str()),
            lookup_form(&pool.config, name).as_bytes(),
        );
        let bytes = mac.as_bytes();
        let pick = |i: usize, set: &[u8]| char::from(set[usize::from(bytes.get(i).copied().unwrap_or(0)) % set.len()]);
        let mut recovery = pool.config.account_recovery.clone();
        recovery.sort_by_key(|r| r.priority);
        let sms = recovery.first().is_some_and(|r| r.name == "verified_phone_number");
        if sms {
            let digits: String = (0..4).map(|i| pick(i, b"0123456789")).collect();
            CodeDelivery {
                destination: format!("+*******{digits}"),
                medium: DeliveryMedium::Sms,
                attribute: "phone_number".into(),
            }
        } else {
            let letters = b"abcdefghijklmnopqrstuvwxyz";
            CodeDelivery {
                destination: format!("{}***@{}***", pick(0, letters), pick(1, letters)),
                medium: DeliveryMedium::Email,
                attribute: "email".into(),
            }
        }
    }

    /// Finds a user by user name, or by an alias / username attribute.
    pub async fn lookup(&self, pool: &UserPool, name: &str) -> Result<Option<User>, UserError> {
        if let Some(u) = self.store.find_user(&pool.id, &username_key(&pool.config, name)).await? {
            return Ok(Some(u));
        }
        let c = &pool.config;
        for kind in c.username_attributes.iter().chain(c.alias_attributes.iter()) {
            if let Some(u) = self.store.find_user_by_alias(&pool.id, kind.name(), &alias_key(*kind, name)).await? {
                return Ok(Some(u));
            }
        }
        Ok(None)
    }

    /// Checks attribute names and values against the schema; `creating` also checks required ones.
    fn check_attributes(
        &self,
        config: &PoolConfig,
        attrs: &mut BTreeMap<String, String>,
        admin: bool,
        creating: bool,
    ) -> Result<(), UserError> {
        // Booleans in any case (`True`, `FALSE`), as Cognito accepts them; stored lower-case.
        for (name, value) in attrs.iter_mut() {
            let boolean =
                config.attribute(name).is_some_and(|d| d.data_type == crate::pool::config::AttributeType::Boolean)
                    || name == "email_verified"
                    || name == "phone_number_verified";
            if boolean && (value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false")) {
                *value = value.to_ascii_lowercase();
            }
        }
        for (name, value) in attrs.iter() {
            let Some(def) = config.attribute(name) else {
                if name == "email_verified" || name == "phone_number_verified" {
                    if admin {
                        continue;
                    }
                    return Err(UserError::NotAuthorized(format!(
                        "A client attempted to write unauthorized attribute {name}"
                    )));
                }
                return Err(UserError::InvalidParameter(format!(
                    "Attributes did not conform to the schema: {name}: Attribute does not exist in the schema."
                )));
            };
            if name == "sub" {
                return Err(UserError::InvalidParameter(
                    "Attributes did not conform to the schema: sub: cannot be modified".into(),
                ));
            }
            if def.developer_only && !admin {
                return Err(UserError::NotAuthorized(format!(
                    "A client attempted to write unauthorized attribute {name}"
                )));
            }
            if let Some(m) = def.value_violation(value) {
                return Err(UserError::InvalidParameter(format!("Attributes did not conform to the schema: {m}")));
            }
            if name == "email" && !value.contains('@') {
                return Err(UserError::InvalidParameter("Invalid email address format.".into()));
            }
            if name == "phone_number"
                && !(value.starts_with('+') && value.len() > 4 && value[1..].bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(UserError::InvalidParameter("Invalid phone number format.".into()));
            }
        }
        if !creating {
            return Ok(());
        }
        let missing: Vec<&str> = config
            .schema
            .iter()
            .filter(|a| a.required && a.name != "sub" && !attrs.contains_key(&a.name))
            .map(|a| a.name.as_str())
            .collect();
        if let Some(first) = missing.first() {
            return Err(UserError::InvalidParameter(format!(
                "Attributes did not conform to the schema: {first}: The attribute {first} is required"
            )));
        }
        Ok(())
    }

    /// Resolves the user name a request gives: in pools whose users sign in with email or
    /// phone, that value becomes an attribute and the user name is the new `sub`.
    fn resolve_username(
        &self,
        config: &PoolConfig,
        given: &str,
        attrs: &mut BTreeMap<String, String>,
        sub: &str,
    ) -> Result<String, UserError> {
        if config.username_attributes.is_empty() {
            for kind in &config.alias_attributes {
                let looks = match kind {
                    SignInAttribute::Email => given.contains('@'),
                    SignInAttribute::PhoneNumber => {
                        given.starts_with('+') && given[1..].bytes().all(|b| b.is_ascii_digit())
                    }
                    SignInAttribute::PreferredUsername => false,
                };
                if looks {
                    return Err(UserError::InvalidParameter(format!(
                        "Username cannot be of {} format, since user pool is configured for {} alias.",
                        if *kind == SignInAttribute::Email { "email" } else { "phone number" },
                        if *kind == SignInAttribute::Email { "email" } else { "phone number" },
                    )));
                }
            }
            return Ok(given.to_owned());
        }
        let kind = if given.contains('@') { SignInAttribute::Email } else { SignInAttribute::PhoneNumber };
        if !config.username_attributes.contains(&kind) {
            let expected = config.username_attributes.iter().map(|k| k.name()).collect::<Vec<_>>().join(" or ");
            return Err(UserError::InvalidParameter(format!("Username should be {expected}.")));
        }
        if let Some(other) = attrs.get(kind.name()) {
            if alias_key(kind, other) != alias_key(kind, given) {
                return Err(UserError::InvalidParameter(format!(
                    "The {} attribute must match the user name.",
                    kind.name()
                )));
            }
        }
        attrs.insert(kind.name().to_owned(), given.to_owned());
        Ok(sub.to_owned())
    }

    fn write<'a>(&self, pool: &UserPool, user: &'a User) -> UserWrite<'a> {
        UserWrite {
            user,
            aliases: user.aliases(&pool.config).into_iter().map(|(k, v)| (k.name().to_owned(), v)).collect(),
            index: user.search_index(),
            code: None,
            consume_code: None,
            clear_codes: Vec::new(),
            outbox: Vec::new(),
        }
    }

    /// Puts a new `code` for `purpose` into the write, with the message that carries it.
    fn attach_code(&self, w: &mut UserWrite<'_>, purpose: CodePurpose, code: &Code, message: OutboundMessage) {
        let u = w.user;
        w.code =
            Some(CodeRecord::new(&self.master, purpose, u.pool_id.as_str(), &u.username_key, code, self.clock.now()));
        self.queue(w, message);
    }

    fn queue(&self, w: &mut UserWrite<'_>, message: OutboundMessage) {
        w.outbox.push(OutboxRecord::seal(&self.master, &message, self.clock.now()));
    }

    /// Builds a verification-code message to the user's auto-verified channel (email
    /// first, then phone), if the pool verifies one and the user has it.
    fn verification_message(
        &self,
        pool: &UserPool,
        user: &User,
        code: &Code,
    ) -> Option<(OutboundMessage, CodeDelivery)> {
        let c = &pool.config;
        ["email", "phone_number"]
            .into_iter()
            .filter(|a| c.auto_verified_attributes.iter().any(|x| x == a) && user.attr(a).is_some())
            .find_map(|a| self.attribute_code_message(pool, user, a, code, None, false).ok())
    }

    fn map_insert_conflict(&self, pool: &UserPool, e: StoreError) -> UserError {
        if is_conflict_on(&e, "user_aliases") {
            let what = pool.config.username_attributes.first().map(|k| k.name()).unwrap_or("email");
            return UserError::UsernameExists(format!(
                "An account with the given {} already exists.",
                what.replace('_', " ")
            ));
        }
        if is_conflict_on(&e, "users") {
            return UserError::UsernameExists("User already exists".into());
        }
        e.into()
    }
}
