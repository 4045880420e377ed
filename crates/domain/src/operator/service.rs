//! Operator use cases: bootstrap the first operator, sign in with throttling, and turn
//! a session's operator id into an [`AdminCtx`].

use super::{Email, EmailError, Operator, OperatorId, OperatorRecord, OperatorRole};
use crate::access::{AccessError, AdminCtx};
use crate::clock::Clock;
use crate::password::{self, HashError};
use crate::ports::{Store, StoreError};
use crate::secret::Password;
use crate::throttle;
use std::sync::Arc;
use std::time::Duration;

/// Shortest operator password (OWASP ASVS 2.1.1).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest operator password accepted (ASVS 2.1.2 asks for at least 64; no truncation).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Why creating an operator failed.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    /// The email is not valid.
    #[error(transparent)]
    Email(#[from] EmailError),
    /// The password breaks the operator password policy.
    #[error("the password must have between {MIN_PASSWORD_CHARS} and {MAX_PASSWORD_CHARS} characters")]
    WeakPassword,
    /// Operators cannot remove themselves (and so the last administrator stays).
    #[error("you cannot remove yourself")]
    RemoveSelf,
    /// The current password given for a change is wrong.
    #[error("the current password is not correct")]
    WrongPassword,
    /// No such operator.
    #[error("no such operator")]
    NotFound,
    /// The role cannot do this.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// An operator with this email exists.
    #[error("an operator with this email already exists")]
    EmailTaken,
    /// Setup was requested but operators already exist.
    #[error("Cognate is already set up")]
    AlreadySetUp,
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for OperatorError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(_) => OperatorError::EmailTaken,
            other => OperatorError::Store(other),
        }
    }
}

/// Why a sign-in failed. The messages never say whether the email exists.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Unknown email or wrong password: deliberately indistinguishable.
    #[error("incorrect email or password")]
    InvalidCredentials,
    /// Too many recent failures for this email.
    #[error("too many failed attempts; try again in {} seconds", .0.as_secs().max(1))]
    Throttled(Duration),
    /// The server is busy hashing; try again shortly.
    #[error("the server is busy; try again in a moment")]
    Busy,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Operator use cases.
#[derive(Clone)]
pub struct OperatorService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    in_flight: Arc<throttle::InFlight>,
}

fn throttle_key(email: &str) -> String {
    // Keyed by the normalised text typed, whether or not such an operator exists.
    throttle::key("operator", &email.trim().to_lowercase())
}

impl OperatorService {
    /// A service over `store`, telling time by `clock`.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        OperatorService { store, clock, in_flight: Arc::default() }
    }

    /// Whether any operator exists (if not, the console offers first-time setup).
    pub async fn any_exist(&self) -> Result<bool, StoreError> {
        Ok(self.store.count_operators().await? > 0)
    }

    async fn insert(&self, email: &str, password: Password, role: OperatorRole) -> Result<Operator, OperatorError> {
        let email = Email::parse(email)?;
        let n = password.secret().chars().count();
        if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
            return Err(OperatorError::WeakPassword);
        }
        let password_hash = password::hash(password).await?;
        let operator = Operator { id: OperatorId::generate(), email, role, created_at: self.clock.now() };
        self.store.insert_operator(&OperatorRecord { operator: operator.clone(), password_hash }).await?;
        Ok(operator)
    }

    /// Creates the first administrator from configuration, only when no operator exists.
    /// Returns `None` when operators already exist (starting twice is a no-op).
    pub async fn bootstrap(&self, email: &str, password: Password) -> Result<Option<Operator>, OperatorError> {
        if self.any_exist().await? {
            return Ok(None);
        }
        match self.insert(email, password, OperatorRole::Administrator).await {
            Ok(op) => Ok(Some(op)),
            // Another node bootstrapped the same operator concurrently.
            Err(OperatorError::EmailTaken) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// First-time setup from the console page; refused once any operator exists.
    /// The caller has already checked the one-time setup token.
    pub async fn set_up_first(&self, email: &str, password: Password) -> Result<Operator, OperatorError> {
        if self.any_exist().await? {
            return Err(OperatorError::AlreadySetUp);
        }
        self.insert(email, password, OperatorRole::Administrator).await
    }

    /// Adds an operator with a role and an initial password (an administrator's action).
    pub async fn invite(
        &self,
        _ctx: &crate::access::WriteCtx,
        email: &str,
        role: OperatorRole,
        password: Password,
    ) -> Result<Operator, OperatorError> {
        self.insert(email, password, role).await
    }

    /// Every operator.
    pub async fn list(&self, _ctx: &AdminCtx) -> Result<Vec<Operator>, OperatorError> {
        Ok(self.store.list_operators().await?.into_iter().map(|r| r.operator).collect())
    }

    /// Removes another operator; their sessions stop working at once (every request
    /// re-reads the operator).
    pub async fn remove(&self, ctx: &crate::access::WriteCtx, id: &str) -> Result<(), OperatorError> {
        let id = OperatorId::parse(id).ok_or(OperatorError::NotFound)?;
        if let crate::access::Principal::Operator(me) = ctx.principal() {
            if me.id == id {
                return Err(OperatorError::RemoveSelf);
            }
        }
        if !self.store.delete_operator(&id).await? {
            return Err(OperatorError::NotFound);
        }
        Ok(())
    }

    /// The signed-in operator changes their own password (viewers too).
    pub async fn change_own_password(
        &self,
        ctx: &AdminCtx,
        current: Password,
        new: Password,
    ) -> Result<(), OperatorError> {
        let me = ctx.operator().ok_or(AccessError::Unauthenticated)?;
        let record = self.store.find_operator(&me.id).await?.ok_or(OperatorError::NotFound)?;
        if !password::verify(current, Some(record.password_hash)).await? {
            return Err(OperatorError::WrongPassword);
        }
        let n = new.secret().chars().count();
        if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
            return Err(OperatorError::WeakPassword);
        }
        let hash = password::hash(new).await?;
        self.store.set_operator_password(&me.id, &hash, self.clock.now()).await?;
        Ok(())
    }

    /// Checks an email and password. Unknown emails cost the same argon2 time as wrong
    /// passwords, and both count toward the same throttle.
    pub async fn sign_in(&self, email: &str, password: Password) -> Result<Operator, SignInError> {
        let reservation =
            match throttle::reserve(&*self.store, &self.in_flight, throttle_key(email), self.clock.now()).await {
                Ok(r) => r,
                Err(throttle::Refused::Locked(wait)) => return Err(SignInError::Throttled(wait)),
                Err(throttle::Refused::Store(e)) => return Err(SignInError::Store(e)),
            };
        let record = match Email::parse(email) {
            Ok(e) => self.store.find_operator_by_email(&e).await?,
            Err(_) => None,
        };
        // A hashing failure drops the reservation: it counts neither way.
        let ok = password::verify(password, record.as_ref().map(|r| r.password_hash.clone())).await.map_err(
            |e| match e {
                HashError::Busy => SignInError::Busy,
                HashError::Failed(m) => SignInError::Store(StoreError::Unavailable(m)),
            },
        )?;
        match (ok, record) {
            (true, Some(r)) => {
                reservation.succeeded(&*self.store).await?;
                Ok(r.operator)
            }
            _ => {
                reservation.failed(&*self.store, self.clock.now()).await?;
                Err(SignInError::InvalidCredentials)
            }
        }
    }

    /// The capability for an operator id held in a session. An id whose operator was
    /// removed is unauthenticated.
    pub async fn authorize(&self, id: &str) -> Result<AdminCtx, AuthorizeError> {
        let id = OperatorId::parse(id).ok_or(AuthorizeError::Access(AccessError::Unauthenticated))?;
        match self.store.find_operator(&id).await? {
            Some(r) => Ok(AdminCtx::new(crate::access::Principal::Operator(r.operator))),
            None => Err(AuthorizeError::Access(AccessError::Unauthenticated)),
        }
    }
}

/// Why [`OperatorService::authorize`] failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthorizeError {
    /// Refused.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
