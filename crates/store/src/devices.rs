//! SQL for users' remembered devices.

use crate::error::map;
use crate::SqlStore;
use async_trait::async_trait;
use domain::clock::Timestamp;
use domain::pool::UserPoolId;
use domain::ports::DeviceStore;
use domain::user::Device;
use domain::StoreError;

#[derive(sqlx::FromRow)]
struct Row {
    pool_id: String,
    username_key: String,
    device_key: String,
    group_key: String,
    name: Option<String>,
    sealed_verifier: Option<String>,
    remembered: i64,
    confirmed: i64,
    last_authenticated_at: Option<i64>,
    last_ip: Option<String>,
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str = "pool_id, username_key, device_key, group_key, name, sealed_verifier, remembered, confirmed, \
    last_authenticated_at, last_ip, created_at, updated_at";

impl TryFrom<Row> for Device {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Device {
            pool_id: UserPoolId::parse(&r.pool_id)
                .ok_or_else(|| StoreError::Corrupt(format!("devices.pool_id: {}", r.pool_id)))?,
            username_key: r.username_key,
            device_key: r.device_key,
            group_key: r.group_key,
            name: r.name,
            sealed_verifier: r.sealed_verifier,
            remembered: r.remembered != 0,
            confirmed: r.confirmed != 0,
            last_authenticated_at: r.last_authenticated_at.map(Timestamp),
            last_ip: r.last_ip,
            created_at: Timestamp(r.created_at),
            updated_at: Timestamp(r.updated_at),
        })
    }
}

#[async_trait]
impl DeviceStore for SqlStore {
    async fn insert_device(&self, d: &Device) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "insert into devices ({COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(d.pool_id.as_str())
        .bind(&d.username_key)
        .bind(&d.device_key)
        .bind(&d.group_key)
        .bind(&d.name)
        .bind(&d.sealed_verifier)
        .bind(i64::from(d.remembered))
        .bind(i64::from(d.confirmed))
        .bind(d.last_authenticated_at.map(Timestamp::millis))
        .bind(&d.last_ip)
        .bind(d.created_at.millis())
        .bind(d.updated_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn find_device(&self, pool: &UserPoolId, device_key: &str) -> Result<Option<Device>, StoreError> {
        let row =
            sqlx::query_as::<_, Row>(&format!("select {COLUMNS} from devices where pool_id = $1 and device_key = $2"))
                .bind(pool.as_str())
                .bind(device_key)
                .fetch_optional(&self.pool)
                .await
                .map_err(map)?;
        row.map(Device::try_from).transpose()
    }

    async fn update_device(&self, d: &Device) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "update devices set name = $3, sealed_verifier = $4, remembered = $5, confirmed = $6, \
             last_authenticated_at = $7, last_ip = $8, updated_at = $9 where pool_id = $1 and device_key = $2",
        )
        .bind(d.pool_id.as_str())
        .bind(&d.device_key)
        .bind(&d.name)
        .bind(&d.sealed_verifier)
        .bind(i64::from(d.remembered))
        .bind(i64::from(d.confirmed))
        .bind(d.last_authenticated_at.map(Timestamp::millis))
        .bind(&d.last_ip)
        .bind(d.updated_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(r.rows_affected() == 1)
    }

    async fn delete_device(&self, pool: &UserPoolId, device_key: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("delete from devices where pool_id = $1 and device_key = $2")
            .bind(pool.as_str())
            .bind(device_key)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected() == 1)
    }

    async fn purge_unconfirmed_devices(&self, before: Timestamp) -> Result<u64, StoreError> {
        let r = sqlx::query("delete from devices where confirmed = 0 and created_at < $1")
            .bind(before.millis())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected())
    }

    async fn list_devices(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Device>, StoreError> {
        let rows = sqlx::query_as::<_, Row>(&format!(
            "select {COLUMNS} from devices where pool_id = $1 and username_key = $2 and device_key > $3 \
             and confirmed = 1 order by device_key limit $4"
        ))
        .bind(pool.as_str())
        .bind(username_key)
        .bind(after.unwrap_or(""))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        rows.into_iter().map(Device::try_from).collect()
    }
}
