//! User pool domains: the host names the hosted pages and OAuth endpoints answer on for
//! one pool. A prefix domain (`myapp`) is served as `myapp.<prefix domain suffix>`; a
//! custom domain (`auth.example.com`) as itself (its TLS certificate is the operator's
//! reverse proxy's business; the ARN is kept for API compatibility).

use crate::access::{AdminCtx, WriteCtx};
use crate::clock::{Clock, Timestamp};
use crate::pool::UserPoolId;
use crate::ports::{Store, StoreError};
use std::sync::Arc;

/// A pool's domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolDomain {
    /// The prefix or the full custom host name.
    pub domain: String,
    /// The pool.
    pub pool_id: UserPoolId,
    /// `CustomDomainConfig.CertificateArn` for custom domains.
    pub certificate_arn: Option<String>,
    /// `ManagedLoginVersion` (1: classic hosted UI, 2: managed login).
    pub managed_login_version: i64,
    /// Creation time.
    pub created_at: Timestamp,
}

impl PoolDomain {
    /// A custom domain (has dots) rather than a prefix.
    pub fn is_custom(&self) -> bool {
        self.domain.contains('.')
    }
}

/// Why a domain operation failed.
#[derive(Debug, thiserror::Error)]
pub enum PoolDomainError {
    /// No such pool.
    #[error("User pool {0} does not exist.")]
    PoolNotFound(String),
    /// No such domain for this pool.
    #[error("The domain {0} does not exist for this user pool.")]
    NotFound(String),
    /// A rule.
    #[error("{0}")]
    Invalid(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Domain use cases.
#[derive(Clone)]
pub struct PoolDomainService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    suffix: String,
}

const RESERVED: &[&str] = &["aws", "amazon", "cognito"];

impl PoolDomainService {
    /// Prefix domains are served under `suffix` (e.g. `auth.example.com`).
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, suffix: &str) -> Self {
        PoolDomainService { store, clock, suffix: suffix.trim_matches('.').to_ascii_lowercase() }
    }

    /// The host name a domain is served on.
    pub fn host_of(&self, d: &PoolDomain) -> String {
        if d.is_custom() {
            d.domain.clone()
        } else {
            format!("{}.{}", d.domain, self.suffix)
        }
    }

    async fn pool(&self, pool_id: &str) -> Result<UserPoolId, PoolDomainError> {
        let id = UserPoolId::parse(pool_id).ok_or_else(|| PoolDomainError::PoolNotFound(pool_id.into()))?;
        self.store.find_pool(&id).await?.ok_or_else(|| PoolDomainError::PoolNotFound(pool_id.into()))?;
        Ok(id)
    }

    /// `CreateUserPoolDomain`: one prefix and one custom domain per pool; names are
    /// unique across pools.
    pub async fn create(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        domain: &str,
        certificate_arn: Option<&str>,
        managed_login_version: Option<i64>,
    ) -> Result<PoolDomain, PoolDomainError> {
        let pid = self.pool(pool_id).await?;
        let domain = domain.to_ascii_lowercase();
        let custom = domain.contains('.');
        if custom && certificate_arn.is_none() {
            return Err(PoolDomainError::Invalid("A custom domain needs CustomDomainConfig.CertificateArn.".into()));
        }
        if !custom && certificate_arn.is_some() {
            return Err(PoolDomainError::Invalid("CustomDomainConfig is only for custom domains.".into()));
        }
        if !custom && RESERVED.iter().any(|r| domain.contains(r)) {
            return Err(PoolDomainError::Invalid(format!(
                "Domain prefix {domain} may not contain the reserved words aws, amazon or cognito."
            )));
        }
        if let Some(v) = managed_login_version {
            if !(1..=2).contains(&v) {
                return Err(PoolDomainError::Invalid("ManagedLoginVersion must be 1 or 2.".into()));
            }
        }
        let existing = self.store.pool_domains(&pid).await?;
        if existing.iter().any(|d| d.is_custom() == custom) {
            return Err(PoolDomainError::Invalid(format!(
                "The user pool already has a {} domain.",
                if custom { "custom" } else { "prefix" }
            )));
        }
        let d = PoolDomain {
            domain: domain.clone(),
            pool_id: pid,
            certificate_arn: certificate_arn.map(str::to_owned),
            managed_login_version: managed_login_version.unwrap_or(1),
            created_at: self.clock.now(),
        };
        match self.store.insert_pool_domain(&d).await {
            Err(StoreError::Conflict(_)) => Err(PoolDomainError::Invalid(format!("Domain {domain} already exists."))),
            other => other.map(|_| d).map_err(Into::into),
        }
    }

    /// `DescribeUserPoolDomain`: `None` when nobody has it (Cognito answers with an empty
    /// description).
    pub async fn describe(&self, _ctx: &AdminCtx, domain: &str) -> Result<Option<PoolDomain>, PoolDomainError> {
        Ok(self.store.find_pool_domain(&domain.to_ascii_lowercase()).await?)
    }

    /// `UpdateUserPoolDomain`: the certificate or the managed-login version.
    pub async fn update(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        domain: &str,
        certificate_arn: Option<&str>,
        managed_login_version: Option<i64>,
    ) -> Result<PoolDomain, PoolDomainError> {
        let pid = self.pool(pool_id).await?;
        let mut d = match self.store.find_pool_domain(&domain.to_ascii_lowercase()).await? {
            Some(d) if d.pool_id == pid => d,
            _ => return Err(PoolDomainError::NotFound(domain.into())),
        };
        if let Some(arn) = certificate_arn {
            if !d.is_custom() {
                return Err(PoolDomainError::Invalid("CustomDomainConfig is only for custom domains.".into()));
            }
            d.certificate_arn = Some(arn.to_owned());
        }
        if let Some(v) = managed_login_version {
            if !(1..=2).contains(&v) {
                return Err(PoolDomainError::Invalid("ManagedLoginVersion must be 1 or 2.".into()));
            }
            d.managed_login_version = v;
        }
        self.store.update_pool_domain(&d).await?;
        Ok(d)
    }

    /// `DeleteUserPoolDomain`.
    pub async fn delete(&self, _ctx: &WriteCtx, pool_id: &str, domain: &str) -> Result<(), PoolDomainError> {
        let pid = self.pool(pool_id).await?;
        if !self.store.delete_pool_domain(&pid, &domain.to_ascii_lowercase()).await? {
            return Err(PoolDomainError::NotFound(domain.into()));
        }
        Ok(())
    }

    /// The pool's domains.
    pub async fn of_pool(&self, pool: &UserPoolId) -> Result<Vec<PoolDomain>, PoolDomainError> {
        Ok(self.store.pool_domains(pool).await?)
    }

    /// The pool a request's `Host` belongs to, if it is one of the pools' domains.
    pub async fn pool_for_host(&self, host: &str) -> Result<Option<UserPoolId>, PoolDomainError> {
        let host = host.split(':').next().unwrap_or("").trim_end_matches('.').to_ascii_lowercase();
        let name = match host.strip_suffix(&format!(".{}", self.suffix)) {
            Some(prefix) if !prefix.contains('.') => prefix.to_owned(),
            _ => host,
        };
        Ok(self.store.find_pool_domain(&name).await?.map(|d| d.pool_id))
    }
}
