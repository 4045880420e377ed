//! Administration: users created by an administrator, lookups, deletion, listing with
//! Cognito's filter grammar, and counts.

use super::*;

impl UserService {
    /// AdminCreateUser.
    pub async fn admin_create_user(&self, _ctx: &WriteCtx, req: AdminCreateUser) -> Result<User, UserError> {
        let pool = self.pool(&req.pool_id).await?;
        let now = self.clock.now();
        let mut attrs: BTreeMap<String, String> = req.attributes.into_iter().collect();
        self.check_attributes(&pool.config, &mut attrs, true, true)?;
        let password = match req.temporary_password {
            Some(p) => {
                if let Some(v) = pool.config.password_policy.violation(p.secret()) {
                    return Err(UserError::InvalidPassword(v));
                }
                p
            }
            None => generate_password(&pool.config),
        };
        let validity = Duration::from_secs(
            u64::from(
                pool.config
                    .unused_account_validity_days
                    .unwrap_or(pool.config.password_policy.temporary_password_validity_days),
            ) * 86_400,
        );
        let (mut user, existing) = if req.message_action == Some(MessageAction::Resend) {
            let user = self.lookup(&pool, &req.username).await?.ok_or(UserError::UserNotFound)?;
            if user.status != UserStatus::ForceChangePassword {
                return Err(UserError::UnsupportedResend);
            }
            (user, true)
        } else {
            let sub = uuid::Uuid::new_v4().to_string();
            let username = self.resolve_username(&pool.config, &req.username, &mut attrs, &sub)?;
            attrs.insert("sub".into(), sub.clone());
            let user = User {
                pool_id: pool.id.clone(),
                username_key: username_key(&pool.config, &username),
                username,
                sub,
                status: UserStatus::ForceChangePassword,
                enabled: true,
                attributes: attrs,
                pending_attributes: BTreeMap::new(),
                password_hash: None,
                password_history: Vec::new(),
                srp_verifier: None,
                mfa: Default::default(),
                temporary_password_expires_at: None,
                tokens_valid_after: Timestamp(0),
                created_at: now,
                updated_at: now,
            };
            (user, false)
        };
        let plain = password.secret().to_owned();
        self.store_password(&pool, &mut user, password).await?;
        user.temporary_password_expires_at = Some(now.plus(validity));
        user.updated_at = now;
        let mut w = self.write(&pool, &user);
        if req.message_action != Some(MessageAction::Suppress) {
            let t = &pool.config.templates;
            // Without DesiredDeliveryMediums the invitation goes by SMS when the user has a
            // phone number, else nowhere (Cognito creates the user and sends nothing).
            let mediums = match req.delivery.is_empty() {
                true if user.attr("phone_number").is_some() => vec![DeliveryMedium::Sms],
                true => Vec::new(),
                false => req.delivery.clone(),
            };
            for m in mediums {
                match m {
                    DeliveryMedium::Email => {
                        let to = user.attr("email").ok_or_else(|| {
                            UserError::InvalidParameter("User has no email address to send the invitation to.".into())
                        })?;
                        let (subject, body) = t.invite_email();
                        let msg = OutboundMessage {
                            channel: Channel::Email,
                            to: to.to_owned(),
                            subject: render(&subject, &plain, &user.username),
                            body: render(&body, &plain, &user.username),
                        };
                        self.queue(&mut w, msg);
                    }
                    DeliveryMedium::Sms => {
                        let to = user.attr("phone_number").ok_or_else(|| {
                            UserError::InvalidParameter("User has no phone number to send the invitation to.".into())
                        })?;
                        let msg = OutboundMessage {
                            channel: Channel::Sms,
                            to: to.to_owned(),
                            subject: String::new(),
                            body: render(&t.invite_sms(), &plain, &user.username),
                        };
                        self.queue(&mut w, msg);
                    }
                }
            }
        }
        let mut res =
            if existing { self.store.update_user(&w).await.map(|_| ()) } else { self.store.insert_user(&w).await };
        if req.force_alias_creation && matches!(&res, Err(e) if is_conflict_on(e, "user_aliases")) {
            self.release_aliases(&pool, &user).await?;
            res =
                if existing { self.store.update_user(&w).await.map(|_| ()) } else { self.store.insert_user(&w).await };
        }
        res.map_err(|e| self.map_insert_conflict(&pool, e))?;
        self.notify.notify_one();
        Ok(user)
    }

    /// AdminGetUser.
    pub async fn admin_get_user(&self, _ctx: &AdminCtx, pool_id: &str, username: &str) -> Result<User, UserError> {
        let pool = self.pool(pool_id).await?;
        self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)
    }

    /// AdminDeleteUser.
    pub async fn admin_delete_user(&self, _ctx: &WriteCtx, pool_id: &str, username: &str) -> Result<(), UserError> {
        let pool = self.pool(pool_id).await?;
        let user = self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)?;
        if !self.store.delete_user(&pool.id, &user.username_key).await? {
            return Err(UserError::UserNotFound);
        }
        Ok(())
    }

    /// ListUsers: Cognito's filter grammar (`name = "v"`, `name ^= "v"`) over the
    /// searchable attributes, at most 60 a page.
    pub async fn list(
        &self,
        _ctx: &AdminCtx,
        pool_id: &str,
        filter: Option<&str>,
        limit: usize,
        after: Option<&str>,
    ) -> Result<(Vec<User>, Option<String>), UserError> {
        let pool = self.pool(pool_id).await?;
        let filter = match filter.map(str::trim).filter(|f| !f.is_empty()) {
            None => None,
            Some(f) => Some(parse_filter(f)?),
        };
        Ok(self.store.list_users(&pool.id, filter.as_ref(), after, limit.clamp(1, 60)).await?)
    }

    /// The number of users in a pool.
    pub async fn count(&self, pool: &UserPool) -> Result<i64, UserError> {
        Ok(self.store.count_users(&pool.id).await?)
    }

    /// Users per status, groups and clients of a pool.
    pub async fn pool_counts(&self, _ctx: &AdminCtx, pool_id: &str) -> Result<crate::ports::PoolCounts, UserError> {
        let pool = self.pool(pool_id).await?;
        Ok(self.store.pool_counts(&pool.id).await?)
    }
}

/// Parses `attribute = "value"` or `attribute ^= "value"` (backslash escapes allowed).
pub fn parse_filter(text: &str) -> Result<crate::ports::UserFilter, UserError> {
    let bad = || UserError::InvalidParameter(format!("Error while parsing filter: {text}"));
    let (name, rest) = match text.find("^=") {
        Some(i) if !text[..i].contains('=') => (&text[..i], (&text[i + 2..], true)),
        _ => {
            let i = text.find('=').ok_or_else(bad)?;
            (&text[..i], (&text[i + 1..], false))
        }
    };
    let name = name.trim();
    let (value, prefix) = rest;
    let value = value.trim();
    let inner = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).ok_or_else(bad)?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next().ok_or_else(bad)?),
            '"' => return Err(bad()),
            c => out.push(c),
        }
    }
    if !crate::user::SEARCHABLE.contains(&name) {
        return Err(UserError::InvalidParameter(format!("Invalid search attribute: {name}")));
    }
    Ok(crate::ports::UserFilter { name: name.to_owned(), value: out, prefix })
}

#[cfg(test)]
mod filter_tests {
    use super::parse_filter;

    #[test]
    fn cognito_filters_parse() {
        let f = parse_filter(r#"email ^= "ali""#).unwrap();
        assert_eq!((f.name.as_str(), f.value.as_str(), f.prefix), ("email", "ali", true));
        let f = parse_filter(r#"family_name="O\"Neil""#).unwrap();
        assert_eq!((f.value.as_str(), f.prefix), ("O\"Neil", false));
        let f = parse_filter(r#"cognito:user_status = "UNCONFIRMED""#).unwrap();
        assert_eq!(f.name, "cognito:user_status");
        assert!(parse_filter(r#"custom:x = "a""#).is_err());
        assert!(parse_filter("email = unquoted").is_err());
        assert!(parse_filter("nonsense").is_err());
    }
}
