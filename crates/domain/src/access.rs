//! Authorization by capability. Console and admin-API operations take an [`AdminCtx`]
//! (any signed-in operator) or a [`WriteCtx`] (one allowed to change things). Only
//! [`crate::operator::OperatorService::authorize`] creates an `AdminCtx`, and only
//! [`AdminCtx::for_write`] turns one into a `WriteCtx`, so a handler that forgets the
//! check does not compile.

use crate::operator::{Operator, OperatorRole};

/// Proof that the caller is a signed-in operator.
#[derive(Clone, Debug)]
pub struct AdminCtx {
    operator: Operator,
}

/// Proof that the caller may change state.
#[derive(Clone, Debug)]
pub struct WriteCtx {
    operator: Operator,
}

/// Access refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AccessError {
    /// No valid operator session.
    #[error("sign in to continue")]
    Unauthenticated,
    /// The operator's role does not allow this change.
    #[error("your role allows viewing only")]
    ReadOnly,
}

impl AdminCtx {
    pub(crate) fn new(operator: Operator) -> Self {
        AdminCtx { operator }
    }

    /// The operator acting.
    pub fn operator(&self) -> &Operator {
        &self.operator
    }

    /// The write capability, if the operator's role grants it.
    pub fn for_write(&self) -> Result<WriteCtx, AccessError> {
        match self.operator.role {
            OperatorRole::Administrator => Ok(WriteCtx { operator: self.operator.clone() }),
            OperatorRole::Viewer => Err(AccessError::ReadOnly),
        }
    }
}

impl WriteCtx {
    /// The operator acting.
    pub fn operator(&self) -> &Operator {
        &self.operator
    }
}
