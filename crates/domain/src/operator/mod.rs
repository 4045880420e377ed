//! Console operators: the people who run Cognate. They are not pool users and never
//! sign in through a pool. Sign-in, throttling and the first-operator bootstrap live here.

mod email;
mod service;

pub use email::{Email, EmailError};
pub use service::{
    AuthorizeError, OperatorError, OperatorService, SignInError, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS,
};

use crate::clock::Timestamp;
use crate::password::PasswordHash;

/// An operator's stable id (a UUID in text form).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OperatorId(String);

impl OperatorId {
    /// A new random id.
    pub fn generate() -> Self {
        OperatorId(uuid::Uuid::new_v4().to_string())
    }

    /// Parses a stored or session-held id.
    pub fn parse(s: &str) -> Option<Self> {
        uuid::Uuid::parse_str(s).ok().map(|u| OperatorId(u.to_string()))
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What an operator may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperatorRole {
    /// Sees and changes everything.
    Administrator,
    /// Sees everything, changes nothing.
    Viewer,
}

impl OperatorRole {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OperatorRole::Administrator => "administrator",
            OperatorRole::Viewer => "viewer",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "administrator" => Some(OperatorRole::Administrator),
            "viewer" => Some(OperatorRole::Viewer),
            _ => None,
        }
    }
}

/// An operator as the rest of the system sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operator {
    /// Stable id.
    pub id: OperatorId,
    /// Sign-in email, lower-cased.
    pub email: Email,
    /// Permissions.
    pub role: OperatorRole,
    /// Creation time.
    pub created_at: Timestamp,
}

/// An operator with their password hash, as stored.
#[derive(Clone, Debug)]
pub struct OperatorRecord {
    /// The operator.
    pub operator: Operator,
    /// argon2id hash of the password.
    pub password_hash: PasswordHash,
}
