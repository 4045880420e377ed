//! User use cases: sign-up and confirmation, administrator-created users, lookups,
//! deletion, and password sign-in with its challenges. Every rule of the Cognito user
//! lifecycle that the API exposes lives here; the adapter only translates.

use super::codes::MAX_ATTEMPTS;
use super::{alias_key, username_key, Code, CodePurpose, CodeRecord, User, UserStatus};
use crate::access::{AdminCtx, WriteCtx};
use crate::client::{AppClient, AuthFlow, ClientService};
use crate::clock::{Clock, Timestamp};
use crate::crypto::MasterKey;
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

mod manage;

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
    /// Overloaded (`TooManyRequestsException`).
    #[error("Too many requests; try again shortly.")]
    TooManyRequests,
    /// RESEND for a user who is not waiting for an invitation.
    #[error("Resend is not supported for a user who has already signed in.")]
    UnsupportedResend,
    /// Not enabled for this client (`UnsupportedOperationException`).
    #[error("{0}")]
    UnsupportedOperation(String),
    /// Our fault (`InternalErrorException`).
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for UserError {
    fn from(e: StoreError) -> Self {
        UserError::Internal(e.to_string())
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

/// The next step of a sign-in.
#[derive(Debug)]
pub enum AuthStep {
    /// Signed in.
    Authenticated(TokenSet),
    /// A challenge to answer with `session`.
    NewPasswordRequired {
        /// Opaque session for RespondToAuthChallenge.
        session: String,
        /// The user's name for `USER_ID_FOR_SRP`.
        username: String,
        /// Attributes the user must provide.
        required_attributes: Vec<String>,
        /// The user's current attributes (Cognito's `userAttributes` parameter).
        user_attributes: BTreeMap<String, String>,
    },
}

/// The outcome of a correct password.
#[derive(Debug)]
pub enum PasswordCheck {
    /// The user may sign in.
    Valid(User),
    /// A temporary password was used: a new one must be set first.
    NewPasswordRequired {
        /// Opaque session for the new-password step.
        session: String,
        /// The user's name.
        username: String,
        /// Attributes the user must provide.
        required_attributes: Vec<String>,
        /// The user's current attributes.
        user_attributes: BTreeMap<String, String>,
    },
}

/// What a challenge session carries (sealed, so the client cannot alter it).
#[derive(Serialize, Deserialize)]
struct ChallengeSession {
    pool: String,
    client: String,
    username_key: String,
    challenge: String,
    expires_at: i64,
}

const SESSION_CONTEXT: &str = "cognate/auth_session/v1";
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
        UserService { store, clock, master, pools, clients, tokens, notify: Arc::new(tokio::sync::Notify::new()) }
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
        attrs: &BTreeMap<String, String>,
        admin: bool,
        creating: bool,
    ) -> Result<(), UserError> {
        for (name, value) in attrs {
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
            clear_codes: Vec::new(),
            outbox: Vec::new(),
        }
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

    /// SignUp.
    pub async fn sign_up(&self, req: SignUp) -> Result<SignUpOutcome, UserError> {
        let (client, pool) = self.client_and_pool(&req.client_id).await?;
        self.check_secret(&client, &req.username, req.secret_hash.as_deref())?;
        if pool.config.allow_admin_create_user_only {
            return Err(UserError::NotAuthorized("SignUp is not permitted for this user pool".into()));
        }
        let mut attrs: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in req.attributes {
            attrs.insert(k, v);
        }
        self.check_attributes(&pool.config, &attrs, false, true)?;
        if attrs.contains_key("email_verified") || attrs.contains_key("phone_number_verified") {
            return Err(UserError::NotAuthorized("A client attempted to write unauthorized attribute".into()));
        }
        let sub = uuid::Uuid::new_v4().to_string();
        let username = self.resolve_username(&pool.config, &req.username, &mut attrs, &sub)?;
        if let Some(v) = pool.config.password_policy.violation(req.password.secret()) {
            return Err(UserError::InvalidPassword(v));
        }
        attrs.insert("sub".into(), sub.clone());
        let hash = password::hash(req.password).await?;
        let now = self.clock.now();
        let user = User {
            pool_id: pool.id.clone(),
            username_key: username_key(&pool.config, &username),
            username,
            sub: sub.clone(),
            status: UserStatus::Unconfirmed,
            enabled: true,
            attributes: attrs,
            pending_attributes: BTreeMap::new(),
            password_hash: Some(hash),
            password_history: Vec::new(),
            temporary_password_expires_at: None,
            tokens_valid_after: Timestamp(0),
            created_at: now,
            updated_at: now,
        };
        let mut w = self.write(&pool, &user);
        let code = Code::generate();
        let delivery = match self.verification_message(&pool, &user, &code) {
            Some((msg, delivery)) => {
                w.code = Some(CodeRecord::new(
                    &self.master,
                    CodePurpose::SignUp,
                    pool.id.as_str(),
                    &user.username_key,
                    &code,
                    now,
                ));
                self.queue(&mut w, msg);
                Some(delivery)
            }
            None => None,
        };
        self.store.insert_user(&w).await.map_err(|e| self.map_insert_conflict(&pool, e))?;
        self.notify.notify_one();
        Ok(SignUpOutcome { sub, confirmed: false, delivery })
    }

    /// Checks a code; on a wrong guess counts the attempt.
    async fn check_code(
        &self,
        pool: &UserPool,
        user: &User,
        purpose: CodePurpose,
        guess: &str,
    ) -> Result<(), UserError> {
        let Some(record) = self.store.find_code(&pool.id, &user.username_key, purpose).await? else {
            return Err(UserError::ExpiredCode);
        };
        if record.attempts >= MAX_ATTEMPTS {
            return Err(UserError::LimitExceeded);
        }
        if record.expires_at <= self.clock.now() {
            return Err(UserError::ExpiredCode);
        }
        if !record.matches(&self.master, pool.id.as_str(), &user.username_key, guess) {
            self.store.record_code_attempt(&pool.id, &user.username_key, purpose).await?;
            return Err(UserError::CodeMismatch);
        }
        Ok(())
    }

    /// ConfirmSignUp.
    pub async fn confirm_sign_up(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
        code: &str,
        force_alias_creation: bool,
    ) -> Result<(), UserError> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        self.check_secret(&client, username, secret_hash)?;
        let Some(mut user) = self.lookup(&pool, username).await? else {
            return Err(if client.config.prevent_user_existence_errors {
                UserError::CodeMismatch
            } else {
                UserError::UserNotFound
            });
        };
        if user.status != UserStatus::Unconfirmed {
            return Err(UserError::NotAuthorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status.as_str()
            )));
        }
        self.check_code(&pool, &user, CodePurpose::SignUp, code).await?;
        self.confirm(&pool, &mut user, true, force_alias_creation).await
    }

    async fn confirm(
        &self,
        pool: &UserPool,
        user: &mut User,
        verify_channel: bool,
        force_alias: bool,
    ) -> Result<(), UserError> {
        user.status = UserStatus::Confirmed;
        if verify_channel {
            let c = &pool.config;
            if c.auto_verified_attributes.iter().any(|a| a == "email") && user.attr("email").is_some() {
                user.attributes.insert("email_verified".into(), "true".into());
            } else if c.auto_verified_attributes.iter().any(|a| a == "phone_number")
                && user.attr("phone_number").is_some()
            {
                user.attributes.insert("phone_number_verified".into(), "true".into());
            }
        }
        user.updated_at = self.clock.now();
        let mut w = self.write(pool, user);
        w.clear_codes.push(CodePurpose::SignUp);
        match self.store.update_user(&w).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(UserError::UserNotFound),
            Err(e) if is_conflict_on(&e, "user_aliases") && force_alias => {
                self.release_aliases(pool, user).await?;
                self.store.update_user(&w).await?;
                Ok(())
            }
            Err(e) if is_conflict_on(&e, "user_aliases") => {
                Err(UserError::AliasExists("An account with the email already exists.".into()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// ForceAliasCreation: other users holding one of `user`'s aliases lose it (their
    /// attribute becomes unverified), as Cognito moves an alias to the newer account.
    async fn release_aliases(&self, pool: &UserPool, user: &User) -> Result<(), UserError> {
        for (kind, key) in user.aliases(&pool.config) {
            let Some(mut holder) = self.store.find_user_by_alias(&pool.id, kind.name(), &key).await? else { continue };
            if holder.username_key == user.username_key {
                continue;
            }
            holder.attributes.insert(format!("{}_verified", kind.name()), "false".into());
            holder.updated_at = self.clock.now();
            self.store.update_user(&self.write(pool, &holder)).await?;
        }
        Ok(())
    }

    /// ResendConfirmationCode.
    pub async fn resend_confirmation_code(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
    ) -> Result<Option<CodeDelivery>, UserError> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        self.check_secret(&client, username, secret_hash)?;
        let Some(user) = self.lookup(&pool, username).await? else {
            if client.config.prevent_user_existence_errors {
                // Answer as if a code went out, so the response reveals nothing.
                return Ok(Some(CodeDelivery {
                    destination: mask(username),
                    medium: DeliveryMedium::Email,
                    attribute: "email".into(),
                }));
            }
            return Err(UserError::UserNotFound);
        };
        if user.status != UserStatus::Unconfirmed {
            return Err(UserError::InvalidParameter("User is already confirmed.".into()));
        }
        let code = Code::generate();
        let Some((msg, delivery)) = self.verification_message(&pool, &user, &code) else {
            return Err(UserError::InvalidParameter("There is no verified channel to send a code to.".into()));
        };
        let mut w = self.write(&pool, &user);
        w.code = Some(CodeRecord::new(
            &self.master,
            CodePurpose::SignUp,
            pool.id.as_str(),
            &user.username_key,
            &code,
            self.clock.now(),
        ));
        self.queue(&mut w, msg);
        self.store.update_user(&w).await?;
        self.notify.notify_one();
        Ok(Some(delivery))
    }

    /// AdminConfirmSignUp.
    pub async fn admin_confirm_sign_up(&self, _ctx: &WriteCtx, pool_id: &str, username: &str) -> Result<(), UserError> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)?;
        if user.status != UserStatus::Unconfirmed {
            return Err(UserError::NotAuthorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status.as_str()
            )));
        }
        self.confirm(&pool, &mut user, false, false).await
    }

    /// AdminCreateUser.
    pub async fn admin_create_user(&self, _ctx: &WriteCtx, req: AdminCreateUser) -> Result<User, UserError> {
        let pool = self.pool(&req.pool_id).await?;
        let now = self.clock.now();
        let mut attrs: BTreeMap<String, String> = req.attributes.into_iter().collect();
        self.check_attributes(&pool.config, &attrs, true, true)?;
        let password = match req.temporary_password {
            Some(p) => {
                if let Some(v) = pool.config.password_policy.violation(p.secret()) {
                    return Err(UserError::InvalidPassword(v));
                }
                p
            }
            None => generate_password(&pool.config),
        };
        let validity = Duration::from_secs(
            u64::from(
                pool.config
                    .unused_account_validity_days
                    .unwrap_or(pool.config.password_policy.temporary_password_validity_days),
            ) * 86_400,
        );
        let (mut user, existing) = if req.message_action == Some(MessageAction::Resend) {
            let user = self.lookup(&pool, &req.username).await?.ok_or(UserError::UserNotFound)?;
            if user.status != UserStatus::ForceChangePassword {
                return Err(UserError::UnsupportedResend);
            }
            (user, true)
        } else {
            let sub = uuid::Uuid::new_v4().to_string();
            let username = self.resolve_username(&pool.config, &req.username, &mut attrs, &sub)?;
            attrs.insert("sub".into(), sub.clone());
            let user = User {
                pool_id: pool.id.clone(),
                username_key: username_key(&pool.config, &username),
                username,
                sub,
                status: UserStatus::ForceChangePassword,
                enabled: true,
                attributes: attrs,
                pending_attributes: BTreeMap::new(),
                password_hash: None,
                password_history: Vec::new(),
                temporary_password_expires_at: None,
                tokens_valid_after: Timestamp(0),
                created_at: now,
                updated_at: now,
            };
            (user, false)
        };
        let plain = password.secret().to_owned();
        user.password_hash = Some(password::hash(password).await?);
        user.temporary_password_expires_at = Some(now.plus(validity));
        user.updated_at = now;
        let mut w = self.write(&pool, &user);
        if req.message_action != Some(MessageAction::Suppress) {
            let t = &pool.config.templates;
            let mediums = if req.delivery.is_empty() { vec![DeliveryMedium::Sms] } else { req.delivery.clone() };
            for m in mediums {
                match m {
                    DeliveryMedium::Email => {
                        let to = user.attr("email").ok_or_else(|| {
                            UserError::InvalidParameter("User has no email address to send the invitation to.".into())
                        })?;
                        let (subject, body) = t.invite_email();
                        let msg = OutboundMessage {
                            channel: Channel::Email,
                            to: to.to_owned(),
                            subject: render(&subject, &plain, &user.username),
                            body: render(&body, &plain, &user.username),
                        };
                        self.queue(&mut w, msg);
                    }
                    DeliveryMedium::Sms => {
                        let to = user.attr("phone_number").ok_or_else(|| {
                            UserError::InvalidParameter("User has no phone number to send the invitation to.".into())
                        })?;
                        let msg = OutboundMessage {
                            channel: Channel::Sms,
                            to: to.to_owned(),
                            subject: String::new(),
                            body: render(&t.invite_sms(), &plain, &user.username),
                        };
                        self.queue(&mut w, msg);
                    }
                }
            }
        }
        let mut res =
            if existing { self.store.update_user(&w).await.map(|_| ()) } else { self.store.insert_user(&w).await };
        if req.force_alias_creation && matches!(&res, Err(e) if is_conflict_on(e, "user_aliases")) {
            self.release_aliases(&pool, &user).await?;
            res =
                if existing { self.store.update_user(&w).await.map(|_| ()) } else { self.store.insert_user(&w).await };
        }
        res.map_err(|e| self.map_insert_conflict(&pool, e))?;
        self.notify.notify_one();
        Ok(user)
    }

    /// AdminGetUser.
    pub async fn admin_get_user(&self, _ctx: &AdminCtx, pool_id: &str, username: &str) -> Result<User, UserError> {
        let pool = self.pool(pool_id).await?;
        self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)
    }

    /// AdminDeleteUser.
    pub async fn admin_delete_user(&self, _ctx: &WriteCtx, pool_id: &str, username: &str) -> Result<(), UserError> {
        let pool = self.pool(pool_id).await?;
        let user = self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)?;
        if !self.store.delete_user(&pool.id, &user.username_key).await? {
            return Err(UserError::UserNotFound);
        }
        Ok(())
    }

    /// The user an access token belongs to (GetUser and other token-authorised actions).
    pub async fn from_access_token(&self, token: &str) -> Result<(User, AccessClaims), UserError> {
        let (user, claims) = self.tokens.session_user(token).await?.ok_or(UserError::UserNotFound)?;
        if !claims.scope.split(' ').any(|s| s == "aws.cognito.signin.user.admin") {
            return Err(UserError::NotAuthorized("Access Token does not have required scopes".into()));
        }
        Ok((user, claims))
    }

    /// Password sign-in (USER_PASSWORD_AUTH, or ADMIN_USER_PASSWORD_AUTH with `admin`).
    pub async fn sign_in_with_password(
        &self,
        client_id: &str,
        pool_id: Option<&str>,
        username: &str,
        password: Password,
        secret_hash: Option<&str>,
    ) -> Result<AuthStep, UserError> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        if let Some(p) = pool_id {
            if p != pool.id.as_str() {
                return Err(UserError::ResourceNotFound(format!("User pool client {client_id} does not exist.")));
            }
        }
        let (flow, flow_name) = if pool_id.is_some() {
            (AuthFlow::AdminUserPassword, "ADMIN_NO_SRP_AUTH")
        } else {
            (AuthFlow::UserPassword, "USER_PASSWORD_AUTH")
        };
        if !client.config.allows(flow) {
            return Err(UserError::InvalidParameter(format!("{flow_name} flow not enabled for this client")));
        }
        self.check_secret(&client, username, secret_hash)?;
        let user = match self.check_password(&pool, &client, username, password).await? {
            PasswordCheck::Valid(user) => user,
            PasswordCheck::NewPasswordRequired { session, username, required_attributes, user_attributes } => {
                return Ok(AuthStep::NewPasswordRequired { session, username, required_attributes, user_attributes })
            }
        };
        let now = self.clock.now();
        let groups = self.store.groups_of_user(&pool.id, &user.username_key).await?;
        let tokens = self.tokens.issue(&pool, &client, &user, &groups, now, None).await?;
        Ok(AuthStep::Authenticated(tokens))
    }

    /// A password sign-in on the hosted pages: the same checks, lockout and errors as the
    /// API's, returning the user (the OAuth layer issues codes or tokens).
    pub async fn hosted_sign_in(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        password: Password,
    ) -> Result<PasswordCheck, UserError> {
        self.check_password(pool, client, username, password).await
    }

    /// Password check shared by every sign-in path: lockout, dummy-hash timing for
    /// unknown users, user status.
    async fn check_password(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        password: Password,
    ) -> Result<PasswordCheck, UserError> {
        let (pool, client) = (pool.clone(), client.clone());
        let key = format!("user:{}:{}", pool.id.as_str(), username_key(&pool.config, username));
        let now = self.clock.now();
        let state = self.store.find_throttle(&key).await?;
        if throttle::remaining_lockout(state.as_ref(), now).is_some() {
            return Err(UserError::NotAuthorized("Password attempts exceeded".into()));
        }
        let user = self.lookup(&pool, username).await?;
        let hash: Option<PasswordHash> = user.as_ref().and_then(|u| u.password_hash.clone());
        let ok = password::verify(password, hash).await?;
        let exists = user.is_some();
        let Some(user) = user.filter(|_| ok) else {
            let next = throttle::record_failure(state.as_ref(), self.clock.now());
            self.store.save_throttle(&key, &next).await?;
            if !exists && !client.config.prevent_user_existence_errors {
                return Err(UserError::UserNotFound);
            }
            return Err(UserError::NotAuthorized("Incorrect username or password.".into()));
        };
        if state.is_some() {
            self.store.clear_throttle(&key).await?;
        }
        if !user.enabled {
            return Err(UserError::NotAuthorized("User is disabled.".into()));
        }
        match user.status {
            UserStatus::Unconfirmed => return Err(UserError::UserNotConfirmed),
            UserStatus::ResetRequired => return Err(UserError::PasswordResetRequired),
            UserStatus::ForceChangePassword => {
                if user.temporary_password_expires_at.is_some_and(|t| t <= now) {
                    return Err(UserError::NotAuthorized(
                        "Temporary password has expired and must be reset by an administrator.".into(),
                    ));
                }
                let session = self.seal_session(&pool, &client, &user, "NEW_PASSWORD_REQUIRED");
                let required = pool
                    .config
                    .schema
                    .iter()
                    .filter(|a| a.required && a.name != "sub" && !user.attributes.contains_key(&a.name))
                    .map(|a| format!("userAttributes.{}", a.name))
                    .collect();
                let mut shown = user.attributes.clone();
                shown.remove("sub");
                return Ok(PasswordCheck::NewPasswordRequired {
                    session,
                    username: user.username.clone(),
                    required_attributes: required,
                    user_attributes: shown,
                });
            }
            UserStatus::Confirmed | UserStatus::ExternalProvider => {}
        }
        Ok(PasswordCheck::Valid(user))
    }

    fn seal_session(&self, pool: &UserPool, client: &AppClient, user: &User, challenge: &str) -> String {
        let s = ChallengeSession {
            pool: pool.id.as_str().to_owned(),
            client: client.id.as_str().to_owned(),
            username_key: user.username_key.clone(),
            challenge: challenge.to_owned(),
            expires_at: self
                .clock
                .now()
                .plus(Duration::from_secs(u64::from(client.config.auth_session_validity_minutes) * 60))
                .millis(),
        };
        let plain = serde_json::to_vec(&s).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(self.master.seal(SESSION_CONTEXT, &plain))
    }

    fn open_session(&self, session: &str, client: &AppClient, challenge: &str) -> Result<ChallengeSession, UserError> {
        let invalid = || UserError::NotAuthorized("Invalid session for the user.".into());
        let sealed = URL_SAFE_NO_PAD.decode(session.as_bytes()).map_err(|_| invalid())?;
        let plain = self.master.open(SESSION_CONTEXT, &sealed).map_err(|_| invalid())?;
        let s: ChallengeSession = serde_json::from_slice(&plain).map_err(|_| invalid())?;
        if s.client != client.id.as_str() || s.challenge != challenge {
            return Err(invalid());
        }
        if s.expires_at <= self.clock.now().millis() {
            return Err(UserError::NotAuthorized("Invalid session for the user, session is expired.".into()));
        }
        Ok(s)
    }

    /// RespondToAuthChallenge with NEW_PASSWORD_REQUIRED.
    pub async fn respond_new_password(
        &self,
        client_id: &str,
        session: &str,
        username: &str,
        new_password: Password,
        attributes: Vec<(String, String)>,
        secret_hash: Option<&str>,
    ) -> Result<AuthStep, UserError> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        self.check_secret(&client, username, secret_hash)?;
        let user = self.complete_new_password(&pool, &client, session, new_password, attributes).await?;
        let now = self.clock.now();
        let groups = self.store.groups_of_user(&pool.id, &user.username_key).await?;
        Ok(AuthStep::Authenticated(self.tokens.issue(&pool, &client, &user, &groups, now, None).await?))
    }

    /// NEW_PASSWORD_REQUIRED on the hosted pages: sets the password and returns the user.
    pub async fn hosted_new_password(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session: &str,
        new_password: Password,
    ) -> Result<User, UserError> {
        self.complete_new_password(pool, client, session, new_password, Vec::new()).await
    }

    async fn complete_new_password(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session: &str,
        new_password: Password,
        attributes: Vec<(String, String)>,
    ) -> Result<User, UserError> {
        let s = self.open_session(session, client, "NEW_PASSWORD_REQUIRED")?;
        let mut user = self.store.find_user(&pool.id, &s.username_key).await?.ok_or(UserError::UserNotFound)?;
        if user.status != UserStatus::ForceChangePassword {
            return Err(UserError::NotAuthorized("Invalid session for the user.".into()));
        }
        if let Some(v) = pool.config.password_policy.violation(new_password.secret()) {
            return Err(UserError::InvalidPassword(v));
        }
        let mut attrs = user.attributes.clone();
        for (k, v) in attributes {
            attrs.insert(k, v);
        }
        self.check_attributes(
            &pool.config,
            &attrs.iter().filter(|(k, _)| *k != "sub").map(|(k, v)| (k.clone(), v.clone())).collect(),
            false,
            true,
        )?;
        user.attributes = attrs;
        user.password_hash = Some(password::hash(new_password).await?);
        user.temporary_password_expires_at = None;
        user.status = UserStatus::Confirmed;
        let now = self.clock.now();
        user.updated_at = now;
        let w = self.write(pool, &user);
        match self.store.update_user(&w).await {
            Ok(_) => {}
            Err(e) if is_conflict_on(&e, "user_aliases") => {
                return Err(UserError::AliasExists("An account with the email already exists.".into()))
            }
            Err(e) => return Err(e.into()),
        }
        Ok(user)
    }

    /// REFRESH_TOKEN_AUTH: new ID and access tokens for a valid refresh token. Reads only.
    pub async fn refresh(
        &self,
        client_id: &str,
        refresh_token: &str,
        secret_hash: Option<&str>,
        username_hint: Option<&str>,
    ) -> Result<TokenSet, UserError> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        if !client.config.allows(AuthFlow::RefreshToken) {
            return Err(UserError::InvalidParameter("REFRESH_TOKEN_AUTH flow not enabled for this client".into()));
        }
        let record: RefreshRecord = self.tokens.check_refresh(&client, refresh_token).await?;
        let user = self
            .store
            .find_user_by_sub(&pool.id, &record.sub)
            .await?
            .ok_or_else(|| UserError::NotAuthorized("Invalid Refresh Token".into()))?;
        if client.sealed_secret.is_some() {
            let name = username_hint.unwrap_or(&user.username);
            let ok = self.clients.check_secret_hash(&client, name, secret_hash)?
                || self.clients.check_secret_hash(&client, &user.sub, secret_hash)?;
            if !ok {
                return Err(UserError::NotAuthorized(format!(
                    "Unable to verify secret hash for client {}",
                    client.id.as_str()
                )));
            }
        }
        if !user.enabled {
            return Err(UserError::NotAuthorized("User is disabled.".into()));
        }
        if record.created_at < user.tokens_valid_after {
            return Err(UserError::NotAuthorized("Refresh Token has been revoked".into()));
        }
        let groups = self.store.groups_of_user(&pool.id, &user.username_key).await?;
        Ok(self.tokens.issue(&pool, &client, &user, &groups, record.auth_time, Some(&record)).await?)
    }

    /// ListUsers: Cognito's filter grammar (`name = "v"`, `name ^= "v"`) over the
    /// searchable attributes, at most 60 a page.
    pub async fn list(
        &self,
        _ctx: &AdminCtx,
        pool_id: &str,
        filter: Option<&str>,
        limit: usize,
        after: Option<&str>,
    ) -> Result<(Vec<User>, Option<String>), UserError> {
        let pool = self.pool(pool_id).await?;
        let filter = match filter.map(str::trim).filter(|f| !f.is_empty()) {
            None => None,
            Some(f) => Some(parse_filter(f)?),
        };
        Ok(self.store.list_users(&pool.id, filter.as_ref(), after, limit.clamp(1, 60)).await?)
    }

    /// The number of users in a pool.
    pub async fn count(&self, pool: &UserPool) -> Result<i64, UserError> {
        Ok(self.store.count_users(&pool.id).await?)
    }

    /// Users per status, groups and clients of a pool.
    pub async fn pool_counts(&self, _ctx: &AdminCtx, pool_id: &str) -> Result<crate::ports::PoolCounts, UserError> {
        let pool = self.pool(pool_id).await?;
        Ok(self.store.pool_counts(&pool.id).await?)
    }
}

/// Parses `attribute = "value"` or `attribute ^= "value"` (backslash escapes allowed).
pub fn parse_filter(text: &str) -> Result<crate::ports::UserFilter, UserError> {
    let bad = || UserError::InvalidParameter(format!("Error while parsing filter: {text}"));
    let (name, rest) = match text.find("^=") {
        Some(i) if !text[..i].contains('=') => (&text[..i], (&text[i + 2..], true)),
        _ => {
            let i = text.find('=').ok_or_else(bad)?;
            (&text[..i], (&text[i + 1..], false))
        }
    };
    let name = name.trim();
    let (value, prefix) = rest;
    let value = value.trim();
    let inner = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).ok_or_else(bad)?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next().ok_or_else(bad)?),
            '"' => return Err(bad()),
            c => out.push(c),
        }
    }
    if !super::SEARCHABLE.contains(&name) {
        return Err(UserError::InvalidParameter(format!("Invalid search attribute: {name}")));
    }
    Ok(crate::ports::UserFilter { name: name.to_owned(), value: out, prefix })
}

#[cfg(test)]
mod filter_tests {
    use super::parse_filter;

    #[test]
    fn cognito_filters_parse() {
        let f = parse_filter(r#"email ^= "ali""#).unwrap();
        assert_eq!((f.name.as_str(), f.value.as_str(), f.prefix), ("email", "ali", true));
        let f = parse_filter(r#"family_name="O\"Neil""#).unwrap();
        assert_eq!((f.value.as_str(), f.prefix), ("O\"Neil", false));
        let f = parse_filter(r#"cognito:user_status = "UNCONFIRMED""#).unwrap();
        assert_eq!(f.name, "cognito:user_status");
        assert!(parse_filter(r#"custom:x = "a""#).is_err());
        assert!(parse_filter("email = unquoted").is_err());
        assert!(parse_filter("nonsense").is_err());
    }
}
