//! SetUICustomization, GetUICustomization.

use crate::cognito::actions::writer;
use crate::cognito::error::CognitoError;
use crate::cognito::wire::date;
use crate::cognito::CognitoState;
use base64::Engine;
use domain::branding::{BrandingError, UiCustomization};
use domain::AdminCtx;
use serde::Deserialize;
use serde_json::{json, Map, Value};

impl From<BrandingError> for CognitoError {
    fn from(e: BrandingError) -> Self {
        match e {
            BrandingError::PoolNotFound(_) | BrandingError::ClientNotFound(_) => {
                CognitoError::resource_not_found(e.to_string())
            }
            BrandingError::Invalid(m) => CognitoError::invalid_parameter(m),
            BrandingError::Store(s) => s.into(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetRequest {
    user_pool_id: String,
    client_id: Option<String>,
    #[serde(rename = "CSS")]
    css: Option<String>,
    /// Base64, as the JSON protocol sends blobs.
    image_file: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRequest {
    user_pool_id: String,
    client_id: Option<String>,
}

fn to_wire(st: &CognitoState, pool_id: &str, client_id: Option<&str>, c: Option<&UiCustomization>) -> Value {
    let mut o = Map::new();
    o.insert("UserPoolId".into(), Value::from(pool_id));
    o.insert("ClientId".into(), Value::from(client_id.unwrap_or(domain::branding::ALL_CLIENTS)));
    if let Some(c) = c {
        if let Some(css) = &c.css {
            o.insert("CSS".into(), Value::from(css.clone()));
        }
        o.insert("CSSVersion".into(), Value::from(c.version.clone()));
        if c.logo.is_some() {
            o.insert(
                "ImageUrl".into(),
                Value::from(format!(
                    "{}/oauth2/branding/{}/{}/logo?v={}",
                    st.public_url,
                    c.pool_id.as_str(),
                    c.client_id,
                    c.version
                )),
            );
        }
        o.insert("CreationDate".into(), date(c.created_at));
        o.insert("LastModifiedDate".into(), date(c.updated_at));
    }
    Value::Object(o)
}

pub async fn set_ui_customization(st: &CognitoState, ctx: &AdminCtx, req: SetRequest) -> Result<Value, CognitoError> {
    let w = writer(ctx)?;
    let logo = match req.image_file.as_deref() {
        Some(b64) => Some(
            base64::engine::general_purpose::STANDARD
                .decode(b64.as_bytes())
                .map_err(|_| CognitoError::serialization("ImageFile is not valid base64."))?,
        ),
        None => None,
    };
    let client = req.client_id.as_deref().filter(|c| *c != domain::branding::ALL_CLIENTS);
    let c = st.branding.set(&w, &req.user_pool_id, client, req.css.as_deref(), logo).await?;
    Ok(json!({ "UICustomization": to_wire(st, &req.user_pool_id, req.client_id.as_deref(), Some(&c)) }))
}

pub async fn get_ui_customization(st: &CognitoState, ctx: &AdminCtx, req: GetRequest) -> Result<Value, CognitoError> {
    let client = req.client_id.as_deref().filter(|c| *c != domain::branding::ALL_CLIENTS);
    let c = st.branding.get(ctx, &req.user_pool_id, client).await?;
    Ok(json!({ "UICustomization": to_wire(st, &req.user_pool_id, req.client_id.as_deref(), c.as_ref()) }))
}
