//! SQL for branding (UI customisations).

use crate::error::map;
use crate::SqlStore;
use async_trait::async_trait;
use domain::clock::Timestamp;
use domain::pool::UserPoolId;
use domain::StoreError;

use crate::oauth::pool_id;

#[derive(sqlx::FromRow)]
struct BrandingRow {
    pool_id: String,
    client_id: String,
    css: Option<String>,
    logo: Option<Vec<u8>>,
    logo_kind: Option<String>,
    version: String,
    created_at: i64,
    updated_at: i64,
}

#[async_trait]
impl domain::ports::BrandingStore for SqlStore {
    async fn find_ui_customization(
        &self,
        pool: &UserPoolId,
        client_id: &str,
    ) -> Result<Option<domain::branding::UiCustomization>, StoreError> {
        let row: Option<BrandingRow> = sqlx::query_as(
            "select pool_id, client_id, css, logo, logo_kind, version, created_at, updated_at \
             from ui_customizations where pool_id = $1 and client_id = $2",
        )
        .bind(pool.as_str())
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?;
        row.map(|r| {
            let logo = match (r.logo, r.logo_kind) {
                (Some(bytes), Some(kind)) => Some((
                    bytes,
                    domain::branding::LogoKind::parse(&kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("ui_customizations.logo_kind: {kind}")))?,
                )),
                _ => None,
            };
            Ok(domain::branding::UiCustomization {
                pool_id: pool_id(&r.pool_id, "ui_customizations.pool_id")?,
                client_id: r.client_id,
                css: r.css,
                logo,
                version: r.version,
                created_at: Timestamp(r.created_at),
                updated_at: Timestamp(r.updated_at),
            })
        })
        .transpose()
    }

    async fn put_ui_customization(&self, c: &domain::branding::UiCustomization) -> Result<(), StoreError> {
        sqlx::query(
            "insert into ui_customizations (pool_id, client_id, css, logo, logo_kind, version, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8) \
             on conflict (pool_id, client_id) do update set css = excluded.css, logo = excluded.logo, \
             logo_kind = excluded.logo_kind, version = excluded.version, updated_at = excluded.updated_at",
        )
        .bind(c.pool_id.as_str())
        .bind(&c.client_id)
        .bind(&c.css)
        .bind(c.logo.as_ref().map(|(b, _)| b.clone()))
        .bind(c.logo.as_ref().map(|(_, k)| k.as_str()))
        .bind(&c.version)
        .bind(c.created_at.millis())
        .bind(c.updated_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }
}
