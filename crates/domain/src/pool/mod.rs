//! User pools: ids, names and the pool use cases. Pool settings (policies, schema,
//! clients) grow here with the Cognito user-pool API.

pub mod config;
mod service;
mod types;

pub use config::PoolConfig;
pub use service::{PoolError, PoolPage, PoolService};
pub use types::{PoolName, PoolNameError, Region, RegionError, UserPoolId};

use crate::clock::Timestamp;

/// A user pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserPool {
    /// `<region>_<9 alphanumerics>`, as Cognito makes them.
    pub id: UserPoolId,
    /// The operator's name for it.
    pub name: PoolName,
    /// Every setting.
    pub config: PoolConfig,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}
