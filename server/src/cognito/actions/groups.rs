//! Groups and ListUsers: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups,
//! AdminAddUserToGroup, AdminRemoveUserFromGroup, AdminListGroupsForUser,
//! ListUsersInGroup, ListUsers.

use crate::cognito::actions::users::user_type_filtered;
use crate::cognito::actions::writer;
use crate::cognito::error::CognitoError;
use crate::cognito::wire::{date, token, untoken};
use crate::cognito::CognitoState;
use domain::group::{Group, GroupError};
use domain::AdminCtx;
use serde::Deserialize;
use serde_json::{json, Value};

impl From<GroupError> for CognitoError {
    fn from(e: GroupError) -> Self {
        let m = e.to_string();
        match e {
            GroupError::PoolNotFound(_) | GroupError::NotFound => CognitoError::resource_not_found(m),
            GroupError::UserNotFound => CognitoError::user_not_found(m),
            GroupError::Exists(_) => CognitoError::group_exists(m),
            GroupError::Invalid(_) => CognitoError::invalid_parameter(m),
            GroupError::Store(s) => s.into(),
        }
    }
}

fn group_out(g: &Group) -> Value {
    let mut o = json!({
        "GroupName": g.name,
        "UserPoolId": g.pool_id.as_str(),
        "CreationDate": date(g.created_at),
        "LastModifiedDate": date(g.updated_at),
    });
    if let Some(d) = &g.description {
        o["Description"] = Value::from(d.clone());
    }
    if let Some(p) = g.precedence {
        o["Precedence"] = Value::from(p);
    }
    if let Some(r) = &g.role_arn {
        o["RoleArn"] = Value::from(r.clone());
    }
    o
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupRequest {
    group_name: String,
    user_pool_id: String,
    description: Option<String>,
    role_arn: Option<String>,
    precedence: Option<i64>,
}

pub async fn create_group(st: &CognitoState, ctx: &AdminCtx, req: GroupRequest) -> Result<Value, CognitoError> {
    let g = st
        .groups
        .create(&writer(ctx)?, &req.user_pool_id, &req.group_name, req.description, req.precedence, req.role_arn)
        .await?;
    Ok(json!({ "Group": group_out(&g) }))
}

pub async fn update_group(st: &CognitoState, ctx: &AdminCtx, req: GroupRequest) -> Result<Value, CognitoError> {
    let g = st
        .groups
        .update(&writer(ctx)?, &req.user_pool_id, &req.group_name, req.description, req.precedence, req.role_arn)
        .await?;
    Ok(json!({ "Group": group_out(&g) }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupRef {
    group_name: String,
    user_pool_id: String,
}

pub async fn get_group(st: &CognitoState, ctx: &AdminCtx, req: GroupRef) -> Result<Value, CognitoError> {
    let g = st.groups.get(ctx, &req.user_pool_id, &req.group_name).await?;
    Ok(json!({ "Group": group_out(&g) }))
}

pub async fn delete_group(st: &CognitoState, ctx: &AdminCtx, req: GroupRef) -> Result<Value, CognitoError> {
    st.groups.delete(&writer(ctx)?, &req.user_pool_id, &req.group_name).await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupsRequest {
    user_pool_id: String,
    limit: Option<usize>,
    next_token: Option<String>,
}

pub async fn list_groups(st: &CognitoState, ctx: &AdminCtx, req: ListGroupsRequest) -> Result<Value, CognitoError> {
    let after = req.next_token.as_deref().map(untoken).transpose()?;
    let (groups, next) =
        st.groups.list(ctx, &req.user_pool_id, req.limit.filter(|l| *l > 0).unwrap_or(60), after.as_deref()).await?;
    let mut out = json!({ "Groups": groups.iter().map(group_out).collect::<Vec<_>>() });
    if let Some(n) = next {
        out["NextToken"] = Value::from(token(&n));
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MembershipRequest {
    user_pool_id: String,
    username: String,
    group_name: String,
}

pub async fn admin_add_user_to_group(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: MembershipRequest,
) -> Result<Value, CognitoError> {
    st.groups.add_user(&writer(ctx)?, &req.user_pool_id, &req.group_name, &req.username).await?;
    Ok(json!({}))
}

pub async fn admin_remove_user_from_group(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: MembershipRequest,
) -> Result<Value, CognitoError> {
    st.groups.remove_user(&writer(ctx)?, &req.user_pool_id, &req.group_name, &req.username).await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupsForUserRequest {
    user_pool_id: String,
    username: String,
    limit: Option<usize>,
    next_token: Option<String>,
}

pub async fn admin_list_groups_for_user(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: GroupsForUserRequest,
) -> Result<Value, CognitoError> {
    let after = req.next_token.as_deref().map(untoken).transpose()?;
    let (groups, next) = st
        .groups
        .groups_of(ctx, &req.user_pool_id, &req.username, req.limit.filter(|l| *l > 0).unwrap_or(60), after.as_deref())
        .await?;
    let mut out = json!({ "Groups": groups.iter().map(group_out).collect::<Vec<_>>() });
    if let Some(n) = next {
        out["NextToken"] = Value::from(token(&n));
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UsersInGroupRequest {
    user_pool_id: String,
    group_name: String,
    limit: Option<usize>,
    next_token: Option<String>,
}

pub async fn list_users_in_group(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: UsersInGroupRequest,
) -> Result<Value, CognitoError> {
    let after = req.next_token.as_deref().map(untoken).transpose()?;
    let (users, next) = st
        .groups
        .members(ctx, &req.user_pool_id, &req.group_name, req.limit.filter(|l| *l > 0).unwrap_or(60), after.as_deref())
        .await?;
    let mut out = json!({ "Users": users.iter().map(|u| user_type_filtered(u, None)).collect::<Vec<_>>() });
    if let Some(n) = next {
        out["NextToken"] = Value::from(token(&n));
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersRequest {
    user_pool_id: String,
    attributes_to_get: Option<Vec<String>>,
    limit: Option<usize>,
    pagination_token: Option<String>,
    filter: Option<String>,
}

pub async fn list_users(st: &CognitoState, ctx: &AdminCtx, req: ListUsersRequest) -> Result<Value, CognitoError> {
    let after = req.pagination_token.as_deref().map(untoken).transpose()?;
    let (users, next) = st
        .users
        .list(
            ctx,
            &req.user_pool_id,
            req.filter.as_deref(),
            req.limit.filter(|l| *l > 0).unwrap_or(60),
            after.as_deref(),
        )
        .await?;
    let mut out = json!({ "Users": users.iter().map(|u| user_type_filtered(u, req.attributes_to_get.as_deref())).collect::<Vec<_>>() });
    if let Some(n) = next {
        out["PaginationToken"] = Value::from(token(&n));
    }
    Ok(out)
}
