//! SQL for the audit log.

use crate::error::map;
use crate::SqlStore;
use async_trait::async_trait;
use domain::clock::Timestamp;
use domain::StoreError;

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: String,
    at: i64,
    actor: String,
    source: String,
    action: String,
    target: String,
}

#[async_trait]
impl domain::ports::AuditStore for SqlStore {
    async fn insert_audit_event(&self, e: &domain::audit::AuditEvent) -> Result<(), StoreError> {
        sqlx::query("insert into audit_log (id, at, actor, source, action, target) values ($1, $2, $3, $4, $5, $6)")
            .bind(&e.id)
            .bind(e.at.millis())
            .bind(&e.actor)
            .bind(&e.source)
            .bind(&e.action)
            .bind(&e.target)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }

    async fn list_audit_events(
        &self,
        q: &domain::audit::AuditQuery,
        limit: usize,
    ) -> Result<Vec<domain::audit::AuditEvent>, StoreError> {
        // Filters are optional: an empty value matches everything. The action filter is a
        // prefix, as a range (no LIKE escaping needed).
        let prefix = q.action_prefix.clone().unwrap_or_default();
        let upper = format!("{prefix}\u{10FFFF}");
        let rows: Vec<AuditRow> = sqlx::query_as(
            "select id, at, actor, source, action, target from audit_log \
             where ($1 = '' or actor = $1) and action >= $2 and action < $3 and ($4 = '' or id < $4) \
             order by id desc limit $5",
        )
        .bind(q.actor.clone().unwrap_or_default())
        .bind(&prefix)
        .bind(&upper)
        .bind(q.before.clone().unwrap_or_default())
        .bind(i64::try_from(limit).unwrap_or(100))
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        Ok(rows
            .into_iter()
            .map(|r| domain::audit::AuditEvent {
                id: r.id,
                at: Timestamp(r.at),
                actor: r.actor,
                source: r.source,
                action: r.action,
                target: r.target,
            })
            .collect())
    }
}
