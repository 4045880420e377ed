//! Authorization by capability. Console and admin-API operations take an [`AdminCtx`]
//! (an authenticated operator or admin API key) or a [`WriteCtx`] (one allowed to change
//! things). Only `OperatorService::authorize` and `AdminKeyService::authorize` create an
//! `AdminCtx`, and only [`AdminCtx::for_write`] turns one into a `WriteCtx`, so a handler
//! that forgets the check does not compile.

use crate::operator::{Operator, OperatorRole};

/// Who is acting.
#[derive(Clone, Debug)]
pub enum Principal {
    /// A console operator.
    Operator(Operator),
    /// A SigV4-signed admin API call.
    ApiKey {
        /// The key's access key id.
        access_key_id: String,
    },
}

/// Proof that the caller is an authenticated operator or admin key.
#[derive(Clone, Debug)]
pub struct AdminCtx {
    principal: Principal,
}

/// Proof that the caller may change state.
#[derive(Clone, Debug)]
pub struct WriteCtx {
    principal: Principal,
}

/// Access refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AccessError {
    /// No valid operator session or key.
    #[error("sign in to continue")]
    Unauthenticated,
    /// The operator's role does not allow this change.
    #[error("your role allows viewing only")]
    ReadOnly,
}

impl AdminCtx {
    pub(crate) fn new(principal: Principal) -> Self {
        AdminCtx { principal }
    }

    /// Who is acting.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The operator acting, when it is one.
    pub fn operator(&self) -> Option<&Operator> {
        match &self.principal {
            Principal::Operator(o) => Some(o),
            Principal::ApiKey { .. } => None,
        }
    }

    /// A short description of the actor for logs and audit.
    pub fn actor(&self) -> String {
        match &self.principal {
            Principal::Operator(o) => format!("operator:{}", o.email),
            Principal::ApiKey { access_key_id } => format!("key:{access_key_id}"),
        }
    }

    /// The write capability, if the principal may change things.
    pub fn for_write(&self) -> Result<WriteCtx, AccessError> {
        match &self.principal {
            Principal::Operator(o) if o.role == OperatorRole::Viewer => Err(AccessError::ReadOnly),
            p => Ok(WriteCtx { principal: p.clone() }),
        }
    }
}

impl WriteCtx {
    /// Who is acting.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }
}
