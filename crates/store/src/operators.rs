//! SQL for console operators.

use crate::error::map;
use crate::rows::OperatorRow;
use crate::SqlStore;
use async_trait::async_trait;
use domain::operator::{Email, OperatorId, OperatorRecord};
use domain::ports::OperatorStore;
use domain::StoreError;

const OPERATOR_COLUMNS: &str = "id, email, role, password_hash, created_at";

#[async_trait]
impl OperatorStore for SqlStore {
    async fn count_operators(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar::<_, i64>("select count(*) from operators").fetch_one(&self.pool).await.map_err(map)
    }

    async fn insert_operator(&self, r: &OperatorRecord) -> Result<(), StoreError> {
        let op = &r.operator;
        sqlx::query(
            "insert into operators (id, email, role, password_hash, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $5)",
        )
        .bind(op.id.as_str())
        .bind(op.email.as_str())
        .bind(op.role.as_str())
        .bind(r.password_hash.as_phc())
        .bind(op.created_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn find_operator_by_email(&self, email: &Email) -> Result<Option<OperatorRecord>, StoreError> {
        let sql = format!("select {OPERATOR_COLUMNS} from operators where email = $1");
        sqlx::query_as::<_, OperatorRow>(&sql)
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?
            .map(TryInto::try_into)
            .transpose()
    }

    async fn find_operator(&self, id: &OperatorId) -> Result<Option<OperatorRecord>, StoreError> {
        let sql = format!("select {OPERATOR_COLUMNS} from operators where id = $1");
        sqlx::query_as::<_, OperatorRow>(&sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?
            .map(TryInto::try_into)
            .transpose()
    }

    async fn list_operators(&self) -> Result<Vec<OperatorRecord>, StoreError> {
        let sql = format!("select {OPERATOR_COLUMNS} from operators order by email");
        sqlx::query_as::<_, OperatorRow>(&sql)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    async fn delete_operator(&self, id: &OperatorId) -> Result<bool, StoreError> {
        let r = sqlx::query("delete from operators where id = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected() > 0)
    }

    async fn set_operator_password(
        &self,
        id: &OperatorId,
        hash: &domain::password::PasswordHash,
        now: domain::clock::Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query("update operators set password_hash = $2, updated_at = $3 where id = $1")
            .bind(id.as_str())
            .bind(hash.as_phc())
            .bind(now.millis())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }
}
