//! CreateResourceServer, DescribeResourceServer, UpdateResourceServer,
//! DeleteResourceServer, ListResourceServers.

use crate::cognito::actions::writer;
use crate::cognito::error::CognitoError;
use crate::cognito::wire::{token, untoken};
use crate::cognito::CognitoState;
use domain::resource_server::{ResourceServer, ResourceServerError, Scope};
use domain::AdminCtx;
use serde::Deserialize;
use serde_json::{json, Value};

impl From<ResourceServerError> for CognitoError {
    fn from(e: ResourceServerError) -> Self {
        match e {
            ResourceServerError::PoolNotFound(_) | ResourceServerError::NotFound(_) => {
                CognitoError::resource_not_found(e.to_string())
            }
            ResourceServerError::Exists(_) | ResourceServerError::Invalid(_) => {
                CognitoError::invalid_parameter(e.to_string())
            }
            ResourceServerError::Limit => CognitoError::limit_exceeded(e.to_string()),
            ResourceServerError::Store(s) => s.into(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScopeWire {
    scope_name: String,
    scope_description: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceServerRequest {
    user_pool_id: String,
    identifier: String,
    name: String,
    scopes: Option<Vec<ScopeWire>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceServerRef {
    user_pool_id: String,
    identifier: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResourceServersRequest {
    user_pool_id: String,
    max_results: usize,
    next_token: Option<String>,
}

fn scopes(list: Option<Vec<ScopeWire>>) -> Vec<Scope> {
    list.unwrap_or_default()
        .into_iter()
        .map(|s| Scope { name: s.scope_name, description: s.scope_description })
        .collect()
}

fn to_wire(rs: &ResourceServer) -> Value {
    json!({
        "UserPoolId": rs.pool_id.as_str(),
        "Identifier": rs.identifier,
        "Name": rs.name,
        "Scopes": rs.scopes.iter().map(|s| json!({"ScopeName": s.name, "ScopeDescription": s.description})).collect::<Vec<_>>(),
    })
}

pub async fn create_resource_server(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: ResourceServerRequest,
) -> Result<Value, CognitoError> {
    let w = writer(ctx)?;
    let rs = st.resource_servers.create(&w, &req.user_pool_id, &req.identifier, &req.name, scopes(req.scopes)).await?;
    Ok(json!({ "ResourceServer": to_wire(&rs) }))
}

pub async fn describe_resource_server(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: ResourceServerRef,
) -> Result<Value, CognitoError> {
    let rs = st.resource_servers.get(ctx, &req.user_pool_id, &req.identifier).await?;
    Ok(json!({ "ResourceServer": to_wire(&rs) }))
}

pub async fn update_resource_server(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: ResourceServerRequest,
) -> Result<Value, CognitoError> {
    let w = writer(ctx)?;
    let rs = st.resource_servers.update(&w, &req.user_pool_id, &req.identifier, &req.name, scopes(req.scopes)).await?;
    Ok(json!({ "ResourceServer": to_wire(&rs) }))
}

pub async fn delete_resource_server(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: ResourceServerRef,
) -> Result<Value, CognitoError> {
    let w = writer(ctx)?;
    st.resource_servers.delete(&w, &req.user_pool_id, &req.identifier).await?;
    Ok(json!({}))
}

pub async fn list_resource_servers(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: ListResourceServersRequest,
) -> Result<Value, CognitoError> {
    let all = st.resource_servers.list(ctx, &req.user_pool_id).await?;
    let after = req.next_token.as_deref().map(untoken).transpose()?;
    let rest: Vec<ResourceServer> =
        all.into_iter().filter(|r| after.as_deref().is_none_or(|a| r.identifier.as_str() > a)).collect();
    let (page, next) = domain::page_of(rest, req.max_results.clamp(1, 50), |r| r.identifier.clone());
    let mut out = json!({ "ResourceServers": page.iter().map(to_wire).collect::<Vec<_>>() });
    if let Some(n) = next {
        out["NextToken"] = Value::from(token(&n));
    }
    Ok(out)
}
