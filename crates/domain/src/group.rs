//! Groups of pool users, with precedence and an IAM role ARN that tokens carry.

use crate::access::{AdminCtx, WriteCtx};
use crate::clock::{Clock, Timestamp};
use crate::pool::{UserPool, UserPoolId};
use crate::ports::{Store, StoreError};
use crate::user::{username_key, User};
use std::sync::Arc;

/// A group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Pool.
    pub pool_id: UserPoolId,
    /// Name (1-128 printable characters).
    pub name: String,
    /// Description (up to 2048).
    pub description: Option<String>,
    /// Lower wins when a user is in several groups with roles.
    pub precedence: Option<i64>,
    /// IAM role ARN.
    pub role_arn: Option<String>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// Group failures.
#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    /// No such pool.
    #[error("User pool {0} does not exist.")]
    PoolNotFound(String),
    /// No such group.
    #[error("Group not found.")]
    NotFound,
    /// No such user.
    #[error("User does not exist.")]
    UserNotFound,
    /// Name taken.
    #[error("A group with the name {0} already exists.")]
    Exists(String),
    /// A field breaks Cognito's limits.
    #[error("{0}")]
    Invalid(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Cognito's limits on a group's fields (the API checks them against the service model
/// too; the console relies on these).
pub fn check_fields(
    name: &str,
    description: Option<&str>,
    precedence: Option<i64>,
    role_arn: Option<&str>,
) -> Result<(), GroupError> {
    let bad = |m: &str| Err(GroupError::Invalid(m.into()));
    let n = name.chars().count();
    if n == 0 || n > 128 || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("A group name has 1 to 128 characters and no spaces.");
    }
    if description.is_some_and(|d| d.chars().count() > 2048) {
        return bad("A description has at most 2048 characters.");
    }
    if precedence.is_some_and(|p| !(0..=i64::from(i32::MAX)).contains(&p)) {
        return bad("Precedence is a whole number from 0 to 2147483647.");
    }
    if let Some(arn) = role_arn {
        let parts: Vec<&str> = arn.split(':').collect();
        let ok_chars = arn.chars().all(|c| c.is_ascii_alphanumeric() || "+=/,.@-_:".contains(c));
        let ok = arn.len() <= 2048
            && ok_chars
            && parts.len() >= 6
            && parts[0] == "arn"
            && !parts[1].is_empty()
            && !parts[2].is_empty()
            && parts[4].chars().all(|c| c.is_ascii_digit())
            && !parts[4].is_empty()
            && !parts[5].is_empty();
        if !ok {
            return bad("The role ARN must look like arn:aws:iam::123456789012:role/Name.");
        }
    }
    Ok(())
}

/// Groups sorted as tokens list them: by precedence (unset last), then name.
pub fn token_order(groups: &mut [Group]) {
    groups.sort_by(|a, b| {
        (a.precedence.is_none(), a.precedence, &a.name).cmp(&(b.precedence.is_none(), b.precedence, &b.name))
    });
}

/// Group use cases.
#[derive(Clone)]
pub struct GroupService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

/// A page of results and the key the next page starts after.
pub type Page<T> = (Vec<T>, Option<String>);

impl GroupService {
    /// The service.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        GroupService { store, clock }
    }

    async fn pool(&self, pool_id: &str) -> Result<UserPool, GroupError> {
        let id = UserPoolId::parse(pool_id).ok_or_else(|| GroupError::PoolNotFound(pool_id.to_owned()))?;
        self.store.find_pool(&id).await?.ok_or_else(|| GroupError::PoolNotFound(pool_id.to_owned()))
    }

    async fn user(&self, pool: &UserPool, username: &str) -> Result<User, GroupError> {
        if let Some(u) = self.store.find_user(&pool.id, &username_key(&pool.config, username)).await? {
            return Ok(u);
        }
        let c = &pool.config;
        for kind in c.username_attributes.iter().chain(c.alias_attributes.iter()) {
            if let Some(u) =
                self.store.find_user_by_alias(&pool.id, kind.name(), &crate::user::alias_key(*kind, username)).await?
            {
                return Ok(u);
            }
        }
        Err(GroupError::UserNotFound)
    }

    /// CreateGroup.
    pub async fn create(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        name: &str,
        description: Option<String>,
        precedence: Option<i64>,
        role_arn: Option<String>,
    ) -> Result<Group, GroupError> {
        check_fields(name, description.as_deref(), precedence, role_arn.as_deref())?;
        let pool = self.pool(pool_id).await?;
        let now = self.clock.now();
        let g = Group {
            pool_id: pool.id,
            name: name.to_owned(),
            description,
            precedence,
            role_arn,
            created_at: now,
            updated_at: now,
        };
        match self.store.insert_group(&g).await {
            Ok(()) => Ok(g),
            Err(StoreError::Conflict(_)) => Err(GroupError::Exists(name.to_owned())),
            Err(e) => Err(e.into()),
        }
    }

    /// GetGroup.
    pub async fn get(&self, _ctx: &AdminCtx, pool_id: &str, name: &str) -> Result<Group, GroupError> {
        let pool = self.pool(pool_id).await?;
        self.store.find_group(&pool.id, name).await?.ok_or(GroupError::NotFound)
    }

    /// UpdateGroup: only the given fields change.
    pub async fn update(
        &self,
        ctx: &WriteCtx,
        pool_id: &str,
        name: &str,
        description: Option<String>,
        precedence: Option<i64>,
        role_arn: Option<String>,
    ) -> Result<Group, GroupError> {
        check_fields(name, description.as_deref(), precedence, role_arn.as_deref())?;
        let mut g = self.get(&AdminCtx::new(ctx.principal().clone()), pool_id, name).await?;
        if description.is_some() {
            g.description = description;
        }
        if precedence.is_some() {
            g.precedence = precedence;
        }
        if role_arn.is_some() {
            g.role_arn = role_arn;
        }
        g.updated_at = self.clock.now();
        if !self.store.update_group(&g).await? {
            return Err(GroupError::NotFound);
        }
        Ok(g)
    }

    /// DeleteGroup.
    pub async fn delete(&self, _ctx: &WriteCtx, pool_id: &str, name: &str) -> Result<(), GroupError> {
        let pool = self.pool(pool_id).await?;
        if !self.store.delete_group(&pool.id, name).await? {
            return Err(GroupError::NotFound);
        }
        Ok(())
    }

    /// ListGroups.
    pub async fn list(
        &self,
        _ctx: &AdminCtx,
        pool_id: &str,
        limit: usize,
        after: Option<&str>,
    ) -> Result<Page<Group>, GroupError> {
        let pool = self.pool(pool_id).await?;
        let limit = limit.clamp(1, 60);
        let groups = self.store.list_groups(&pool.id, after, limit + 1).await?;
        Ok(crate::page_of(groups, limit, |g| g.name.clone()))
    }

    /// AdminAddUserToGroup (idempotent).
    pub async fn add_user(&self, _ctx: &WriteCtx, pool_id: &str, name: &str, username: &str) -> Result<(), GroupError> {
        let pool = self.pool(pool_id).await?;
        self.store.find_group(&pool.id, name).await?.ok_or(GroupError::NotFound)?;
        let user = self.user(&pool, username).await?;
        self.store.add_member(&pool.id, name, &user.username_key, self.clock.now()).await?;
        Ok(())
    }

    /// AdminRemoveUserFromGroup.
    pub async fn remove_user(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        name: &str,
        username: &str,
    ) -> Result<(), GroupError> {
        let pool = self.pool(pool_id).await?;
        self.store.find_group(&pool.id, name).await?.ok_or(GroupError::NotFound)?;
        let user = self.user(&pool, username).await?;
        self.store.remove_member(&pool.id, name, &user.username_key).await?;
        Ok(())
    }

    /// AdminListGroupsForUser.
    pub async fn groups_of(
        &self,
        _ctx: &AdminCtx,
        pool_id: &str,
        username: &str,
        limit: usize,
        after: Option<&str>,
    ) -> Result<Page<Group>, GroupError> {
        let pool = self.pool(pool_id).await?;
        let user = self.user(&pool, username).await?;
        let limit = limit.clamp(1, 60);
        let mut groups: Vec<Group> = self
            .store
            .groups_of_user(&pool.id, &user.username_key)
            .await?
            .into_iter()
            .filter(|g| after.is_none_or(|a| g.name.as_str() > a))
            .collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(crate::page_of(groups, limit, |g| g.name.clone()))
    }

    /// ListUsersInGroup.
    pub async fn members(
        &self,
        _ctx: &AdminCtx,
        pool_id: &str,
        name: &str,
        limit: usize,
        after: Option<&str>,
    ) -> Result<Page<User>, GroupError> {
        let pool = self.pool(pool_id).await?;
        self.store.find_group(&pool.id, name).await?.ok_or(GroupError::NotFound)?;
        let limit = limit.clamp(1, 60);
        let users = self.store.group_members(&pool.id, name, after, limit + 1).await?;
        Ok(crate::page_of(users, limit, |u| u.username_key.clone()))
    }
}
