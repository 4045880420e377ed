//! SQL for pool domains.

use crate::error::map;
use crate::SqlStore;
use async_trait::async_trait;
use domain::clock::Timestamp;
use domain::pool::UserPoolId;
use domain::StoreError;

use crate::oauth::pool_id;

#[derive(sqlx::FromRow)]
struct DomainRow {
    domain: String,
    pool_id: String,
    certificate_arn: Option<String>,
    managed_login_version: i64,
    created_at: i64,
}

impl TryFrom<DomainRow> for domain::pool_domain::PoolDomain {
    type Error = StoreError;
    fn try_from(r: DomainRow) -> Result<Self, StoreError> {
        Ok(domain::pool_domain::PoolDomain {
            domain: r.domain,
            pool_id: pool_id(&r.pool_id, "pool_domains.pool_id")?,
            certificate_arn: r.certificate_arn,
            managed_login_version: r.managed_login_version,
            created_at: Timestamp(r.created_at),
        })
    }
}

const DOMAIN_COLUMNS: &str = "domain, pool_id, certificate_arn, managed_login_version, created_at";

#[async_trait]
impl domain::ports::PoolDomainStore for SqlStore {
    async fn insert_pool_domain(&self, d: &domain::pool_domain::PoolDomain) -> Result<(), StoreError> {
        sqlx::query(&format!("insert into pool_domains ({DOMAIN_COLUMNS}) values ($1, $2, $3, $4, $5)"))
            .bind(&d.domain)
            .bind(d.pool_id.as_str())
            .bind(&d.certificate_arn)
            .bind(d.managed_login_version)
            .bind(d.created_at.millis())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }

    async fn find_pool_domain(&self, domain: &str) -> Result<Option<domain::pool_domain::PoolDomain>, StoreError> {
        sqlx::query_as::<_, DomainRow>(&format!("select {DOMAIN_COLUMNS} from pool_domains where domain = $1"))
            .bind(domain)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?
            .map(TryInto::try_into)
            .transpose()
    }

    async fn update_pool_domain(&self, d: &domain::pool_domain::PoolDomain) -> Result<(), StoreError> {
        sqlx::query("update pool_domains set certificate_arn = $2, managed_login_version = $3 where domain = $1")
            .bind(&d.domain)
            .bind(&d.certificate_arn)
            .bind(d.managed_login_version)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }

    async fn delete_pool_domain(&self, pool: &UserPoolId, domain: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("delete from pool_domains where pool_id = $1 and domain = $2")
            .bind(pool.as_str())
            .bind(domain)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected() > 0)
    }

    async fn pool_domains(&self, pool: &UserPoolId) -> Result<Vec<domain::pool_domain::PoolDomain>, StoreError> {
        sqlx::query_as::<_, DomainRow>(&format!(
            "select {DOMAIN_COLUMNS} from pool_domains where pool_id = $1 order by domain"
        ))
        .bind(pool.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
    }
}
