//! SQL for groups, membership and ListUsers.

use crate::error::map;
use crate::users::{UserRow, USER_COLUMNS};
use crate::SqlStore;
use async_trait::async_trait;
use domain::clock::Timestamp;
use domain::group::Group;
use domain::pool::UserPoolId;
use domain::ports::{GroupStore, UserFilter};
use domain::user::User;
use domain::StoreError;

#[derive(sqlx::FromRow)]
struct GroupRow {
    pool_id: String,
    name: String,
    description: Option<String>,
    precedence: Option<i64>,
    role_arn: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<GroupRow> for Group {
    type Error = StoreError;
    fn try_from(r: GroupRow) -> Result<Self, StoreError> {
        Ok(Group {
            pool_id: UserPoolId::parse(&r.pool_id)
                .ok_or_else(|| StoreError::Corrupt(format!("user_groups.pool_id: {}", r.pool_id)))?,
            name: r.name,
            description: r.description,
            precedence: r.precedence,
            role_arn: r.role_arn,
            created_at: Timestamp(r.created_at),
            updated_at: Timestamp(r.updated_at),
        })
    }
}

const GROUP_COLUMNS: &str = "pool_id, name, description, precedence, role_arn, created_at, updated_at";

fn prefixed(cols: &str, alias: &str) -> String {
    cols.split(", ").map(|c| format!("{alias}.{}", c.trim())).collect::<Vec<_>>().join(", ")
}

fn users(rows: Vec<UserRow>) -> Result<Vec<User>, StoreError> {
    rows.into_iter().map(TryInto::try_into).collect()
}

/// The cursor separator: NUL never occurs in attribute values.
const SEP: char = '\u{0}';

#[async_trait]
impl GroupStore for SqlStore {
    async fn insert_group(&self, g: &Group) -> Result<(), StoreError> {
        sqlx::query(&format!("insert into user_groups ({GROUP_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7)"))
            .bind(g.pool_id.as_str())
            .bind(&g.name)
            .bind(&g.description)
            .bind(g.precedence)
            .bind(&g.role_arn)
            .bind(g.created_at.millis())
            .bind(g.updated_at.millis())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }

    async fn find_group(&self, pool: &UserPoolId, name: &str) -> Result<Option<Group>, StoreError> {
        sqlx::query_as::<_, GroupRow>(&format!(
            "select {GROUP_COLUMNS} from user_groups where pool_id = $1 and name = $2"
        ))
        .bind(pool.as_str())
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?
        .map(TryInto::try_into)
        .transpose()
    }

    async fn update_group(&self, g: &Group) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "update user_groups set description = $3, precedence = $4, role_arn = $5, updated_at = $6 where pool_id = $1 and name = $2",
        )
        .bind(g.pool_id.as_str())
        .bind(&g.name)
        .bind(&g.description)
        .bind(g.precedence)
        .bind(&g.role_arn)
        .bind(g.updated_at.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(r.rows_affected() == 1)
    }

    async fn delete_group(&self, pool: &UserPoolId, name: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("delete from user_groups where pool_id = $1 and name = $2")
            .bind(pool.as_str())
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(r.rows_affected() == 1)
    }

    async fn list_groups(
        &self,
        pool: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Group>, StoreError> {
        sqlx::query_as::<_, GroupRow>(&format!(
            "select {GROUP_COLUMNS} from user_groups where pool_id = $1 and name > $2 order by name limit $3"
        ))
        .bind(pool.as_str())
        .bind(after.unwrap_or(""))
        .bind(i64::try_from(limit).unwrap_or(60))
        .fetch_all(&self.pool)
        .await
        .map_err(map)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
    }

    async fn add_member(
        &self,
        pool: &UserPoolId,
        group: &str,
        username_key: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "insert into group_members (pool_id, group_name, username_key, created_at, updated_at) values ($1, $2, $3, $4, $4) \
             on conflict (pool_id, group_name, username_key) do nothing",
        )
        .bind(pool.as_str())
        .bind(group)
        .bind(username_key)
        .bind(now.millis())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn remove_member(&self, pool: &UserPoolId, group: &str, username_key: &str) -> Result<(), StoreError> {
        sqlx::query("delete from group_members where pool_id = $1 and group_name = $2 and username_key = $3")
            .bind(pool.as_str())
            .bind(group)
            .bind(username_key)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }

    async fn groups_of_user(&self, pool: &UserPoolId, username_key: &str) -> Result<Vec<Group>, StoreError> {
        sqlx::query_as::<_, GroupRow>(&format!(
            "select {} from user_groups g join group_members m on m.pool_id = g.pool_id and m.group_name = g.name \
             where m.pool_id = $1 and m.username_key = $2",
            prefixed(GROUP_COLUMNS, "g")
        ))
        .bind(pool.as_str())
        .bind(username_key)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
    }

    async fn group_members(
        &self,
        pool: &UserPoolId,
        group: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query_as::<_, UserRow>(&format!(
            "select {} from users u join group_members m on m.pool_id = u.pool_id and m.username_key = u.username_key \
             where m.pool_id = $1 and m.group_name = $2 and m.username_key > $3 order by m.username_key limit $4",
            prefixed(USER_COLUMNS, "u")
        ))
        .bind(pool.as_str())
        .bind(group)
        .bind(after.unwrap_or(""))
        .bind(i64::try_from(limit).unwrap_or(60))
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        users(rows)
    }

    async fn list_users(
        &self,
        pool: &UserPoolId,
        filter: Option<&UserFilter>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<User>, Option<String>), StoreError> {
        let n = i64::try_from(limit).unwrap_or(60) + 1;
        let ucols = prefixed(USER_COLUMNS, "u");
        let join = "from user_index i join users u on u.pool_id = i.pool_id and u.username_key = i.username_key";
        let (mut rows, key_of): (Vec<(UserRow, String)>, bool) = match filter {
            None => {
                let rows = sqlx::query_as::<_, UserRow>(&format!(
                    "select {USER_COLUMNS} from users where pool_id = $1 and username_key > $2 order by username_key limit $3"
                ))
                .bind(pool.as_str())
                .bind(after.unwrap_or(""))
                .bind(n)
                .fetch_all(&self.pool)
                .await
                .map_err(map)?;
                (rows.into_iter().map(|r| (r, String::new())).collect(), false)
            }
            Some(f) if !f.prefix => {
                let rows = sqlx::query_as::<_, UserRow>(&format!(
                    "select {ucols} {join} where i.pool_id = $1 and i.name = $2 and i.value = $3 and i.username_key > $4 \
                     order by i.username_key limit $5"
                ))
                .bind(pool.as_str())
                .bind(&f.name)
                .bind(&f.value)
                .bind(after.unwrap_or(""))
                .bind(n)
                .fetch_all(&self.pool)
                .await
                .map_err(map)?;
                (rows.into_iter().map(|r| (r, String::new())).collect(), false)
            }
            Some(f) => {
                // A prefix is a range on the index (byte order on both backends), walked
                // in (value, user) order so pages continue without sorting. The lower bound
                // is a single row-value comparison: given a separate `value >= prefix` as
                // well, SQLite's planner seeks on the weaker of the two and walks every
                // earlier entry of the attribute (linear in the prefix's position).
                let upper = format!("{}\u{10FFFF}", f.value);
                let (after_value, after_key) = match after.and_then(|a| a.split_once(SEP)) {
                    Some((v, k)) if v >= f.value.as_str() => (v.to_owned(), k.to_owned()),
                    _ => (f.value.clone(), String::new()),
                };
                let rows = sqlx::query_as::<_, PrefixRow>(&format!(
                    "select {ucols}, i.value as matched {join} where i.pool_id = $1 and i.name = $2 and i.value < $3 \
                     and (i.value, i.username_key) > ($4, $5) order by i.value, i.username_key limit $6"
                ))
                .bind(pool.as_str())
                .bind(&f.name)
                .bind(&upper)
                .bind(&after_value)
                .bind(&after_key)
                .bind(n)
                .fetch_all(&self.pool)
                .await
                .map_err(map)?;
                (rows.into_iter().map(|r| (r.user, r.matched)).collect(), true)
            }
        };
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more {
            rows.last()
                .map(|(u, v)| if key_of { format!("{v}{SEP}{}", u.username_key) } else { u.username_key.clone() })
        } else {
            None
        };
        Ok((users(rows.into_iter().map(|(u, _)| u).collect())?, next))
    }
}

#[derive(sqlx::FromRow)]
struct PrefixRow {
    #[sqlx(flatten)]
    user: UserRow,
    matched: String,
}
