//! Rows as read from SQL, and their conversion into domain values.

use domain::admin_key::AdminKeyRecord;
use domain::client::{AppClient, ClientId};
use domain::clock::Timestamp;
use domain::operator::{Email, Operator, OperatorId, OperatorRecord, OperatorRole};
use domain::password::PasswordHash;
use domain::pool::{PoolName, UserPool, UserPoolId};
use domain::throttle::ThrottleState;
use domain::StoreError;

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value:?}"))
}

#[derive(sqlx::FromRow)]
pub(crate) struct OperatorRow {
    pub id: String,
    pub email: String,
    pub role: String,
    pub password_hash: String,
    pub created_at: i64,
}

impl TryFrom<OperatorRow> for OperatorRecord {
    type Error = StoreError;
    fn try_from(r: OperatorRow) -> Result<Self, StoreError> {
        Ok(OperatorRecord {
            operator: Operator {
                id: OperatorId::parse(&r.id).ok_or_else(|| corrupt("operators.id", &r.id))?,
                email: Email::parse(&r.email).map_err(|_| corrupt("operators.email", &r.email))?,
                role: OperatorRole::parse(&r.role).ok_or_else(|| corrupt("operators.role", &r.role))?,
                created_at: Timestamp(r.created_at),
            },
            password_hash: PasswordHash::from_phc(r.password_hash),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserPoolRow {
    pub id: String,
    pub name: String,
    pub config: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Reads a JSON settings document; `{}` (rows from before settings existed) is the default.
fn settings<T: serde::de::DeserializeOwned + Default>(what: &str, text: &str) -> Result<T, StoreError> {
    if text.trim() == "{}" {
        return Ok(T::default());
    }
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// Writes a settings document.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("encoding settings: {e}")))
}

#[derive(sqlx::FromRow)]
pub(crate) struct AppClientRow {
    pub id: String,
    pub pool_id: String,
    pub name: String,
    pub sealed_secret: Option<Vec<u8>>,
    pub config: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl TryFrom<AppClientRow> for AppClient {
    type Error = StoreError;
    fn try_from(r: AppClientRow) -> Result<Self, StoreError> {
        Ok(AppClient {
            pool_id: UserPoolId::parse(&r.pool_id).ok_or_else(|| corrupt("app_clients.pool_id", &r.pool_id))?,
            id: ClientId::parse(&r.id).ok_or_else(|| corrupt("app_clients.id", &r.id))?,
            name: r.name,
            sealed_secret: r.sealed_secret,
            config: settings("app_clients.config", &r.config)?,
            created_at: Timestamp(r.created_at),
            updated_at: Timestamp(r.updated_at),
        })
    }
}

impl TryFrom<UserPoolRow> for UserPool {
    type Error = StoreError;
    fn try_from(r: UserPoolRow) -> Result<Self, StoreError> {
        Ok(UserPool {
            id: UserPoolId::parse(&r.id).ok_or_else(|| corrupt("user_pools.id", &r.id))?,
            name: PoolName::parse(&r.name).map_err(|_| corrupt("user_pools.name", &r.name))?,
            config: settings("user_pools.config", &r.config)?,
            created_at: Timestamp(r.created_at),
            updated_at: Timestamp(r.updated_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AdminKeyRow {
    pub access_key_id: String,
    pub sealed_secret: Vec<u8>,
    pub active: i64,
    pub created_at: i64,
}

impl From<AdminKeyRow> for AdminKeyRecord {
    fn from(r: AdminKeyRow) -> Self {
        AdminKeyRecord {
            access_key_id: r.access_key_id,
            sealed_secret: r.sealed_secret,
            active: r.active != 0,
            created_at: Timestamp(r.created_at),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ThrottleRow {
    pub failures: i64,
    pub last_failure_at: i64,
    pub locked_until: Option<i64>,
    pub version: i64,
}

impl From<ThrottleRow> for ThrottleState {
    fn from(r: ThrottleRow) -> Self {
        ThrottleState {
            failures: r.failures,
            last_failure_at: Timestamp(r.last_failure_at),
            locked_until: r.locked_until.map(Timestamp),
            version: r.version,
        }
    }
}
