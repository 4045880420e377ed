//! Storage ports: what the services need from persistence, split by aggregate under
//! one [`Store`] supertrait. The `store` crate implements them with SQL; nothing here
//! knows which database is behind them. One method is one transaction.

use crate::admin_key::AdminKeyRecord;
use crate::branding::UiCustomization;
use crate::client::{AppClient, ClientId};
use crate::clock::Timestamp;
use crate::group::Group;
use crate::message::OutboxRecord;
use crate::oauth::{AuthCode, HostedSession};
use crate::operator::{Email, OperatorId, OperatorRecord};
use crate::pool::{UserPool, UserPoolId};
use crate::pool_domain::PoolDomain;
use crate::resource_server::ResourceServer;
use crate::throttle::ThrottleState;
use crate::token::{RefreshRecord, StoredKey};
use crate::user::{CodeAttempt, CodePurpose, CodeRecord, CodeUse, User};
use async_trait::async_trait;

/// Failures of the storage layer, stripped of driver types.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule of the database refused the write; the string names it.
    #[error("already exists: {0}")]
    Conflict(String),
    /// The database could not be reached or answered with an error.
    #[error("storage error: {0}")]
    Unavailable(String),
    /// A stored row could not be turned back into a domain value.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
}

/// Console operators.
#[async_trait]
pub trait OperatorStore: Send + Sync {
    /// How many operators exist.
    async fn count_operators(&self) -> Result<i64, StoreError>;
    /// Adds an operator; [`StoreError::Conflict`] when the email is taken.
    async fn insert_operator(&self, record: &OperatorRecord) -> Result<(), StoreError>;
    /// The operator with this email, if any.
    async fn find_operator_by_email(&self, email: &Email) -> Result<Option<OperatorRecord>, StoreError>;
    /// The operator with this id, if any.
    async fn find_operator(&self, id: &OperatorId) -> Result<Option<OperatorRecord>, StoreError>;
    /// Every operator, by email.
    async fn list_operators(&self) -> Result<Vec<OperatorRecord>, StoreError>;
    /// Removes an operator; false when gone.
    async fn delete_operator(&self, id: &OperatorId) -> Result<bool, StoreError>;
    /// Replaces an operator's password hash.
    async fn set_operator_password(
        &self,
        id: &OperatorId,
        hash: &crate::password::PasswordHash,
        now: crate::clock::Timestamp,
    ) -> Result<(), StoreError>;
}

/// User pools.
#[async_trait]
pub trait PoolStore: Send + Sync {
    /// Adds a pool; [`StoreError::Conflict`] when the id is taken.
    async fn insert_pool(&self, pool: &UserPool) -> Result<(), StoreError>;
    /// All pools, newest first.
    async fn list_pools(&self) -> Result<Vec<UserPool>, StoreError>;
    /// The pool with this id, if any.
    async fn find_pool(&self, id: &UserPoolId) -> Result<Option<UserPool>, StoreError>;
    /// Pools ordered by id, after `after` (exclusive), at most `limit`.
    async fn list_pools_after(&self, after: Option<&str>, limit: usize) -> Result<Vec<UserPool>, StoreError>;
    /// Writes name, settings and `updated_at`; false when the pool is gone.
    async fn update_pool(&self, pool: &UserPool) -> Result<bool, StoreError>;
    /// Deletes the pool and everything in it; false when it was already gone.
    async fn delete_pool(&self, id: &UserPoolId) -> Result<bool, StoreError>;
}

/// App clients.
#[async_trait]
pub trait ClientStore: Send + Sync {
    /// Adds a client.
    async fn insert_client(&self, client: &AppClient) -> Result<(), StoreError>;
    /// The client with this id, if any.
    async fn find_client(&self, id: &ClientId) -> Result<Option<AppClient>, StoreError>;
    /// Writes name, settings and `updated_at`; false when gone.
    async fn update_client(&self, client: &AppClient) -> Result<bool, StoreError>;
    /// Deletes a client; false when gone.
    async fn delete_client(&self, id: &ClientId) -> Result<bool, StoreError>;
    /// The pool's clients ordered by id, after `after`, at most `limit`.
    async fn list_clients_after(
        &self,
        pool: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AppClient>, StoreError>;
}

/// The [`StoreError::Conflict`] a user write fails with when the code it would use up
/// was already used (by a concurrent request).
pub const CODE_USED: &str = "user_codes: used";
/// The [`StoreError::Conflict`] a user write fails with when its new code is past the
/// window's sends.
pub const CODE_SEND_LIMIT: &str = "user_codes: send limit";

/// Everything one change to a user writes, in one transaction.
pub struct UserWrite<'a> {
    /// The user row.
    pub user: &'a User,
    /// Unique sign-in identifiers: (kind, key).
    pub aliases: Vec<(String, String)>,
    /// Search index entries: (attribute, value).
    pub index: Vec<(String, String)>,
    /// A code to store (replacing one of the same purpose, keeping its window's counts).
    /// When the window's sends are used up the whole write fails with
    /// [`StoreError::Conflict`] of [`CODE_SEND_LIMIT`].
    pub code: Option<CodeRecord>,
    /// A right code this write uses up: the write goes through only if the code is
    /// still stored, else fails with [`StoreError::Conflict`] of [`CODE_USED`].
    pub consume_code: Option<CodeUse>,
    /// Codes to delete.
    pub clear_codes: Vec<CodePurpose>,
    /// Messages to queue.
    pub outbox: Vec<OutboxRecord>,
}

/// Pool users.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Adds a user; [`StoreError::Conflict`] naming `users` or `user_aliases` on a clash.
    async fn insert_user(&self, w: &UserWrite<'_>) -> Result<(), StoreError>;
    /// Rewrites a user; false when gone. Alias clashes are [`StoreError::Conflict`].
    async fn update_user(&self, w: &UserWrite<'_>) -> Result<bool, StoreError>;
    /// Deletes a user and everything of theirs; false when gone.
    async fn delete_user(&self, pool: &UserPoolId, username_key: &str) -> Result<bool, StoreError>;
    /// The user with this key.
    async fn find_user(&self, pool: &UserPoolId, username_key: &str) -> Result<Option<User>, StoreError>;
    /// The user holding an alias.
    async fn find_user_by_alias(&self, pool: &UserPoolId, kind: &str, key: &str) -> Result<Option<User>, StoreError>;
    /// The user with this `sub`.
    async fn find_user_by_sub(&self, pool: &UserPoolId, sub: &str) -> Result<Option<User>, StoreError>;
    /// The user with this `sub`, and whether the session `origin_jti` was revoked, in one
    /// query (the hot path of every token-authorised action).
    async fn find_session_user(
        &self,
        pool: &UserPoolId,
        sub: &str,
        origin_jti: &str,
    ) -> Result<Option<(User, bool)>, StoreError>;
    /// Counts a guess at the user's code for `purpose` and returns the code to compare
    /// with, in one atomic step; no more than [`crate::user::MAX_ATTEMPTS`] a window.
    async fn count_code_attempt(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        purpose: CodePurpose,
        now: Timestamp,
    ) -> Result<CodeAttempt, StoreError>;
    /// Records that TOTP step `step` was used by the user, if it is later than the last
    /// one used (compare-and-swap); false when it is not (a code is accepted once).
    async fn use_totp_step(&self, pool: &UserPoolId, username_key: &str, step: i64) -> Result<bool, StoreError>;
    /// Replaces the user's second factors if they are still `expected` (compare-and-swap:
    /// of two concurrent uses of one recovery code, one wins); false otherwise.
    async fn swap_user_mfa(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        expected: &crate::auth::UserMfa,
        new: &crate::auth::UserMfa,
    ) -> Result<bool, StoreError>;
    /// How many users the pool has.
    async fn count_users(&self, pool: &UserPoolId) -> Result<i64, StoreError>;
    /// Users per status, group and client counts of a pool (the console's overview),
    /// from indexes.
    async fn pool_counts(&self, pool: &UserPoolId) -> Result<PoolCounts, StoreError>;
}

/// A ListUsers filter: `name = "value"` or, with `prefix`, `name ^= "value"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserFilter {
    /// Searchable attribute.
    pub name: String,
    /// Value or prefix.
    pub value: String,
    /// Prefix search.
    pub prefix: bool,
}

/// Groups and membership.
#[async_trait]
pub trait GroupStore: Send + Sync {
    /// Adds a group; [`StoreError::Conflict`] when the name is taken.
    async fn insert_group(&self, g: &Group) -> Result<(), StoreError>;
    /// A group by name.
    async fn find_group(&self, pool: &UserPoolId, name: &str) -> Result<Option<Group>, StoreError>;
    /// Writes description, precedence, role; false when gone.
    async fn update_group(&self, g: &Group) -> Result<bool, StoreError>;
    /// Deletes a group; false when gone.
    async fn delete_group(&self, pool: &UserPoolId, name: &str) -> Result<bool, StoreError>;
    /// Groups by name after `after`.
    async fn list_groups(&self, pool: &UserPoolId, after: Option<&str>, limit: usize)
        -> Result<Vec<Group>, StoreError>;
    /// Adds a member (no-op when present).
    async fn add_member(
        &self,
        pool: &UserPoolId,
        group: &str,
        username_key: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Removes a member.
    async fn remove_member(&self, pool: &UserPoolId, group: &str, username_key: &str) -> Result<(), StoreError>;
    /// Every group of a user.
    async fn groups_of_user(&self, pool: &UserPoolId, username_key: &str) -> Result<Vec<Group>, StoreError>;
    /// Members ordered by user key after `after`.
    async fn group_members(
        &self,
        pool: &UserPoolId,
        group: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<User>, StoreError>;
    /// ListUsers: users matching `filter`, in a stable order, after the opaque cursor.
    async fn list_users(
        &self,
        pool: &UserPoolId,
        filter: Option<&UserFilter>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<User>, Option<String>), StoreError>;
}

/// Signing keys and refresh tokens.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// The pool's signing keys, newest first.
    async fn signing_keys(&self, pool: &UserPoolId) -> Result<Vec<StoredKey>, StoreError>;
    /// Adds a signing key.
    async fn insert_signing_key(&self, pool: &UserPoolId, key: &StoredKey) -> Result<(), StoreError>;
    /// Retires the pool's active keys: they stop signing at `now` and leave the JWKS at
    /// `expires_at`.
    async fn retire_signing_keys(
        &self,
        pool: &UserPoolId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<u64, StoreError>;
    /// Stores a refresh token (by hash).
    async fn insert_refresh_token(&self, r: &RefreshRecord) -> Result<(), StoreError>;
    /// A refresh token by the hash of its value.
    async fn find_refresh_token(&self, id_hash: &str) -> Result<Option<RefreshRecord>, StoreError>;
    /// Marks a refresh token rotated out at `now` (keeping an earlier mark) if it is not
    /// revoked and was not rotated out before `cutoff`; false otherwise. Atomic: of many
    /// concurrent calls with `cutoff = now`, one succeeds.
    async fn mark_refresh_rotated(&self, id_hash: &str, now: Timestamp, cutoff: Timestamp) -> Result<bool, StoreError>;
    /// Revokes one refresh token.
    async fn revoke_refresh_token(&self, id_hash: &str, now: Timestamp) -> Result<bool, StoreError>;
    /// Revokes every refresh token of a user.
    async fn revoke_user_refresh_tokens(&self, pool: &UserPoolId, sub: &str, now: Timestamp)
        -> Result<u64, StoreError>;
}

/// The outbox of messages to users.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Queues a message that goes with no change to a user (a sign-in's MFA code).
    async fn queue_message(&self, m: &OutboxRecord) -> Result<(), StoreError>;
    /// Pending messages due at `now`, oldest first.
    async fn due_messages(&self, now: Timestamp, limit: usize) -> Result<Vec<OutboxRecord>, StoreError>;
    /// Marks a message delivered (`to` says where: `smtp` or `mailbox`).
    async fn mark_delivered(&self, id: &str, to: &str, now: Timestamp) -> Result<(), StoreError>;
    /// Records a failed attempt and when to retry.
    async fn mark_failed(
        &self,
        id: &str,
        attempts: i64,
        next_attempt_at: Timestamp,
        error: &str,
    ) -> Result<(), StoreError>;
    /// Messages held in the development mailbox, newest first.
    async fn mailbox(&self, limit: usize) -> Result<Vec<OutboxRecord>, StoreError>;
}

/// Admin API key pairs (secrets sealed with the master key).
#[async_trait]
pub trait AdminKeyStore: Send + Sync {
    /// Inserts the key or replaces its secret and status.
    async fn upsert_admin_key(&self, key: &AdminKeyRecord) -> Result<(), StoreError>;
    /// The key with this access key id, if any.
    async fn find_admin_key(&self, access_key_id: &str) -> Result<Option<AdminKeyRecord>, StoreError>;
    /// Every key, oldest first.
    async fn list_admin_keys(&self) -> Result<Vec<AdminKeyRecord>, StoreError>;
    /// Deletes a key; false when gone.
    async fn delete_admin_key(&self, access_key_id: &str) -> Result<bool, StoreError>;
}

/// Failed-attempt counters for sign-in throttling, keyed by a digest
/// ([`crate::throttle::key`]).
#[async_trait]
pub trait ThrottleStore: Send + Sync {
    /// The counter for `key`, if any.
    async fn find_throttle(&self, key: &str) -> Result<Option<ThrottleState>, StoreError>;
    /// Replaces the counter for `key` by `next` (`None` deletes it) only if it is still
    /// `expected` (`None`: absent), compared by version; false when it moved.
    async fn swap_throttle(
        &self,
        key: &str,
        expected: Option<&ThrottleState>,
        next: Option<&ThrottleState>,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Forgets the counter for `key`.
    async fn clear_throttle(&self, key: &str) -> Result<(), StoreError>;
    /// Deletes counters that can no longer lock or count (last failure before `before`,
    /// lock over by `now`); returns how many.
    async fn purge_throttles(&self, before: Timestamp, now: Timestamp) -> Result<u64, StoreError>;
}

/// Server-side web sessions as opaque blobs, keyed by the hash of the session id.
#[async_trait]
pub trait SessionRecordStore: Send + Sync {
    /// Inserts a new session; [`StoreError::Conflict`] if the id exists.
    async fn create_session(&self, id_hash: &str, data: &[u8], expires_at: Timestamp) -> Result<(), StoreError>;
    /// Inserts or replaces a session. A save that changes nothing but moves the expiry
    /// by less than a minute writes nothing (every console request saves, to slide the
    /// idle timeout; this keeps that to one write a minute per session).
    async fn save_session(&self, id_hash: &str, data: &[u8], expires_at: Timestamp) -> Result<(), StoreError>;
    /// The session's data if it exists and has not expired at `now`.
    async fn load_session(&self, id_hash: &str, now: Timestamp) -> Result<Option<Vec<u8>>, StoreError>;
    /// Removes a session.
    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError>;
    /// Removes every session that expired before `now`; returns how many.
    async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64, StoreError>;
}

/// What a pool holds, counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PoolCounts {
    /// (status, users) for each status present.
    pub users_by_status: Vec<(String, i64)>,
    /// Groups.
    pub groups: i64,
    /// App clients.
    pub clients: i64,
}

/// OAuth 2.0 state: resource servers, authorization codes, hosted-UI sessions.
#[async_trait]
pub trait OAuthStore: Send + Sync {
    /// Adds a resource server; [`StoreError::Conflict`] when its identifier is taken.
    async fn insert_resource_server(&self, rs: &ResourceServer) -> Result<(), StoreError>;
    /// One resource server.
    async fn find_resource_server(
        &self,
        pool: &UserPoolId,
        identifier: &str,
    ) -> Result<Option<ResourceServer>, StoreError>;
    /// Replaces name and scopes; false when gone.
    async fn update_resource_server(&self, rs: &ResourceServer) -> Result<bool, StoreError>;
    /// Deletes one; false when gone.
    async fn delete_resource_server(&self, pool: &UserPoolId, identifier: &str) -> Result<bool, StoreError>;
    /// The pool's resource servers ordered by identifier.
    async fn list_resource_servers(&self, pool: &UserPoolId) -> Result<Vec<ResourceServer>, StoreError>;
    /// Stores an authorization code (by hash).
    async fn insert_auth_code(&self, code: &AuthCode) -> Result<(), StoreError>;
    /// Marks a code used at `now`, atomically: the code and whether it had been used
    /// before (a replay); `None` when unknown.
    async fn consume_auth_code(&self, code_hash: &str, now: Timestamp) -> Result<Option<(AuthCode, bool)>, StoreError>;
    /// Revokes every refresh token of one sign-in session (`origin_jti`); access tokens
    /// of that session are refused from then on.
    async fn revoke_session_tokens(&self, origin_jti: &str, now: Timestamp) -> Result<u64, StoreError>;
    /// Stores a hosted-UI session (by hash).
    async fn insert_hosted_session(&self, s: &HostedSession) -> Result<(), StoreError>;
    /// A hosted-UI session by hash.
    async fn find_hosted_session(&self, id_hash: &str) -> Result<Option<HostedSession>, StoreError>;
    /// Ends a hosted-UI session.
    async fn delete_hosted_session(&self, id_hash: &str) -> Result<(), StoreError>;
    /// Deletes expired codes and sessions.
    async fn purge_expired_oauth(&self, now: Timestamp) -> Result<u64, StoreError>;
}

/// Hosted-page branding.
#[async_trait]
pub trait BrandingStore: Send + Sync {
    /// The customization of a pool (`client_id` = `ALL`) or client.
    async fn find_ui_customization(
        &self,
        pool: &UserPoolId,
        client_id: &str,
    ) -> Result<Option<UiCustomization>, StoreError>;
    /// Inserts or replaces a customization.
    async fn put_ui_customization(&self, c: &UiCustomization) -> Result<(), StoreError>;
}

/// User pool domains.
#[async_trait]
pub trait PoolDomainStore: Send + Sync {
    /// Adds a domain; [`StoreError::Conflict`] when the name is taken.
    async fn insert_pool_domain(&self, d: &PoolDomain) -> Result<(), StoreError>;
    /// A domain by name.
    async fn find_pool_domain(&self, domain: &str) -> Result<Option<PoolDomain>, StoreError>;
    /// Rewrites certificate and version.
    async fn update_pool_domain(&self, d: &PoolDomain) -> Result<(), StoreError>;
    /// Deletes a pool's domain; false when it has no such domain.
    async fn delete_pool_domain(&self, pool: &UserPoolId, domain: &str) -> Result<bool, StoreError>;
    /// A pool's domains.
    async fn pool_domains(&self, pool: &UserPoolId) -> Result<Vec<PoolDomain>, StoreError>;
}

/// The audit log.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends an event.
    async fn insert_audit_event(&self, e: &crate::audit::AuditEvent) -> Result<(), StoreError>;
    /// Events newest first matching `q`, at most `limit`.
    async fn list_audit_events(
        &self,
        q: &crate::audit::AuditQuery,
        limit: usize,
    ) -> Result<Vec<crate::audit::AuditEvent>, StoreError>;
}

/// An open challenge session of a sign-in (see [`crate::auth`]).
#[derive(Clone, Debug)]
pub struct AuthSessionRecord {
    /// SHA-256 of the `Session` value the client holds.
    pub id_hash: String,
    /// The pool.
    pub pool_id: UserPoolId,
    /// The app client the sign-in started with.
    pub client_id: String,
    /// The user (or, for an unknown name, its lookup form).
    pub username_key: String,
    /// The step and its secrets, sealed.
    pub sealed: Vec<u8>,
    /// Wrong answers so far.
    pub failures: i64,
    /// End of validity (`AuthSessionValidity`).
    pub expires_at: Timestamp,
    /// Start.
    pub created_at: Timestamp,
}

/// Challenge sessions: each is answered successfully at most once.
#[async_trait]
pub trait AuthSessionStore: Send + Sync {
    /// Stores a new session.
    async fn insert_auth_session(&self, r: &AuthSessionRecord) -> Result<(), StoreError>;
    /// The session with this digest.
    async fn find_auth_session(&self, id_hash: &str) -> Result<Option<AuthSessionRecord>, StoreError>;
    /// Deletes the session if it still has `failures` wrong answers: true for exactly one
    /// of several concurrent answers.
    async fn take_auth_session(&self, id_hash: &str, failures: i64) -> Result<bool, StoreError>;
    /// Counts a wrong answer; the session is deleted at `max_failures`.
    async fn fail_auth_session(&self, id_hash: &str, max_failures: i64, now: Timestamp) -> Result<(), StoreError>;
    /// Deletes expired sessions.
    async fn purge_auth_sessions(&self, now: Timestamp) -> Result<u64, StoreError>;
}

/// Users' devices.
#[async_trait]
pub trait DeviceStore: Send + Sync {
    /// Adds a device.
    async fn insert_device(&self, d: &crate::user::Device) -> Result<(), StoreError>;
    /// The device with this key in the pool.
    async fn find_device(&self, pool: &UserPoolId, device_key: &str)
        -> Result<Option<crate::user::Device>, StoreError>;
    /// Rewrites a device; false when gone.
    async fn update_device(&self, d: &crate::user::Device) -> Result<bool, StoreError>;
    /// Deletes a device; false when gone.
    async fn delete_device(&self, pool: &UserPoolId, device_key: &str) -> Result<bool, StoreError>;
    /// Deletes devices never confirmed that were handed out before `before`.
    async fn purge_unconfirmed_devices(&self, before: Timestamp) -> Result<u64, StoreError>;
    /// A user's confirmed devices ordered by key, after `after`, at most `limit`.
    async fn list_devices(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<crate::user::Device>, StoreError>;
}

/// Liveness of the database itself.
#[async_trait]
pub trait HealthStore: Send + Sync {
    /// Succeeds when a trivial query round-trips.
    async fn ping(&self) -> Result<(), StoreError>;
}

/// Everything the services need from storage.
pub trait Store:
    OperatorStore
    + PoolStore
    + ClientStore
    + UserStore
    + GroupStore
    + TokenStore
    + OutboxStore
    + AdminKeyStore
    + ThrottleStore
    + SessionRecordStore
    + AuthSessionStore
    + DeviceStore
    + OAuthStore
    + BrandingStore
    + PoolDomainStore
    + AuditStore
    + HealthStore
{
}

impl<T> Store for T where
    T: OperatorStore
        + PoolStore
        + ClientStore
        + UserStore
        + GroupStore
        + TokenStore
        + OutboxStore
        + AdminKeyStore
        + ThrottleStore
        + SessionRecordStore
        + AuthSessionStore
        + DeviceStore
        + OAuthStore
        + BrandingStore
        + PoolDomainStore
        + AuditStore
        + HealthStore
{
}
