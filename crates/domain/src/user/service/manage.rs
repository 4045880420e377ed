//! The rest of the user lifecycle: password reset and change, attribute updates and
//! verification, enabling, disabling, deletion, sign-out, and the admin variants.

use super::*;
use crate::client::ClientError;

/// Where a password change comes from, for the history and reset rules.
enum NewPassword {
    /// A permanent password.
    Permanent,
    /// An administrator's temporary password.
    Temporary,
}

impl UserService {
    /// Sets `password` on `user`, checking policy and history; the caller stores.
    async fn apply_password(
        &self,
        pool: &UserPool,
        user: &mut User,
        password: Password,
        kind: NewPassword,
    ) -> Result<(), UserError> {
        let policy = &pool.config.password_policy;
        if let Some(v) = policy.violation(password.secret()) {
            return Err(UserError::InvalidPassword(v));
        }
        let history = policy.password_history_size as usize;
        if history > 0 {
            let mut previous: Vec<PasswordHash> = user.password_hash.iter().cloned().collect();
            previous.extend(user.password_history.iter().take(history.saturating_sub(1)).cloned());
            for h in previous {
                if password::verify(password.clone(), Some(h)).await? {
                    return Err(UserError::PasswordHistory);
                }
            }
        }
        self.store_password(pool, user, password).await?;
        let now = self.clock.now();
        match kind {
            NewPassword::Permanent => {
                user.temporary_password_expires_at = None;
                if matches!(user.status, UserStatus::ForceChangePassword | UserStatus::ResetRequired) {
                    user.status = UserStatus::Confirmed;
                }
            }
            NewPassword::Temporary => {
                let days = u64::from(pool.config.password_policy.temporary_password_validity_days);
                user.temporary_password_expires_at = Some(now.plus(Duration::from_secs(days * 86_400)));
                user.status = UserStatus::ForceChangePassword;
            }
        }
        user.updated_at = now;
        Ok(())
    }

    /// Ends every session of the user: refresh tokens revoked, access tokens refused.
    async fn sign_out_everywhere(&self, user: &mut User) -> Result<(), UserError> {
        user.tokens_valid_after = self.clock.now();
        self.tokens.revoke_user(&user.pool_id, &user.sub).await?;
        Ok(())
    }

    async fn save(&self, pool: &UserPool, w: &UserWrite<'_>) -> Result<(), UserError> {
        match self.store.update_user(w).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(UserError::UserNotFound),
            Err(e) if is_conflict_on(&e, "user_aliases") => Err(UserError::AliasExists(format!(
                "An account with the {} already exists.",
                pool.config
                    .alias_attributes
                    .first()
                    .or(pool.config.username_attributes.first())
                    .map(|k| k.name())
                    .unwrap_or("email")
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// A code message for verifying `attribute` (email or phone_number) of `user`.
    pub(super) fn attribute_code_message(
        &self,
        pool: &UserPool,
        user: &User,
        attribute: &str,
        code: &Code,
        subject_body: Option<(String, String)>,
        use_pending: bool,
    ) -> Result<(OutboundMessage, CodeDelivery), UserError> {
        let t = &pool.config.templates;
        match attribute {
            "email" => {
                let pending = if use_pending { user.pending_attributes.get("email").map(String::as_str) } else { None };
                let to = pending
                    .or(user.attr("email"))
                    .ok_or_else(|| UserError::InvalidParameter("The user has no email address.".into()))?;
                let (subject, body) = subject_body.unwrap_or_else(|| t.verification_email());
                Ok((
                    OutboundMessage {
                        channel: Channel::Email,
                        to: to.to_owned(),
                        subject: render(&subject, code.secret(), &user.username),
                        body: render(&body, code.secret(), &user.username),
                    },
                    CodeDelivery { destination: mask(to), medium: DeliveryMedium::Email, attribute: "email".into() },
                ))
            }
            "phone_number" => {
                let pending =
                    if use_pending { user.pending_attributes.get("phone_number").map(String::as_str) } else { None };
                let to = pending
                    .or(user.attr("phone_number"))
                    .ok_or_else(|| UserError::InvalidParameter("The user has no phone number.".into()))?;
                let body = subject_body.map(|(_, b)| b).unwrap_or_else(|| t.verification_sms());
                Ok((
                    OutboundMessage {
                        channel: Channel::Sms,
                        to: to.to_owned(),
                        subject: String::new(),
                        body: render(&body, code.secret(), &user.username),
                    },
                    CodeDelivery {
                        destination: mask(to),
                        medium: DeliveryMedium::Sms,
                        attribute: "phone_number".into(),
                    },
                ))
            }
            other => Err(UserError::InvalidParameter(format!("{other} cannot be verified."))),
        }
    }

    /// The recovery channel for a password reset: per AccountRecoverySetting, else
    /// verified email, then verified phone.
    fn recovery_channel(&self, pool: &UserPool, user: &User) -> Option<&'static str> {
        let mut order: Vec<&'static str> = Vec::new();
        let mut rec = pool.config.account_recovery.clone();
        rec.sort_by_key(|r| r.priority);
        if rec.is_empty() {
            order = vec!["email", "phone_number"];
        }
        for r in rec {
            match r.name.as_str() {
                "verified_email" => order.push("email"),
                "verified_phone_number" => order.push("phone_number"),
                _ => {}
            }
        }
        order.into_iter().find(|a| user.attr(a).is_some() && user.verified(a))
    }

    async fn queue_reset_code(&self, pool: &UserPool, user: &mut User) -> Result<Option<CodeDelivery>, UserError> {
        let Some(channel) = self.recovery_channel(pool, user) else {
            return Ok(None);
        };
        let code = Code::generate();
        let subject_body = match channel {
            "email" => Some(pool.config.templates.verification_email()),
            _ => None,
        };
        let (msg, delivery) = self.attribute_code_message(pool, user, channel, &code, subject_body, false)?;
        let mut w = self.write(pool, user);
        self.attach_code(&mut w, CodePurpose::ForgotPassword, &code, msg);
        self.save(pool, &w).await?;
        self.notify.notify_one();
        Ok(Some(delivery))
    }

    /// ForgotPassword. With `PreventUserExistenceErrors` every name gets the same answer
    /// (SECURITY.md A-03): an unknown name, a disabled user, a user without a verified
    /// channel and a user whose sends are used up all see a delivery of the same shape,
    /// and nothing is sent to any of them.
    pub async fn forgot_password(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
        source: Source,
    ) -> Result<CodeDelivery, UserError> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        self.check_secret(&client, username, secret_hash)?;
        check_username(username)?;
        if pool.config.account_recovery.iter().any(|r| r.name == "admin_only") {
            return Err(UserError::NotAuthorized("Contact administrator to reset password.".into()));
        }
        self.take_code_request(source)?;
        let hide = client.config.prevent_user_existence_errors;
        let Some(mut user) = self.lookup(&pool, username).await? else {
            return if hide { Ok(self.simulated_delivery(&pool, username)) } else { Err(UserError::UserNotFound) };
        };
        if !user.enabled {
            return if hide {
                Ok(self.simulated_delivery(&pool, username))
            } else {
                Err(UserError::NotAuthorized("User is disabled.".into()))
            };
        }
        match self.queue_reset_code(&pool, &mut user).await {
            Ok(Some(d)) => Ok(d),
            Ok(None) if hide => Ok(self.simulated_delivery(&pool, username)),
            Ok(None) => Err(UserError::InvalidParameter(
                "Cannot reset password for the user as there is no registered/verified email or phone_number".into(),
            )),
            Err(UserError::LimitExceeded) if hide => Ok(self.simulated_delivery(&pool, username)),
            Err(e) => Err(e),
        }
    }

    /// ConfirmForgotPassword: the code, then the new password; every session ends.
    pub async fn confirm_forgot_password(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
        code: &str,
        password: Password,
    ) -> Result<(), UserError> {
        let (pool, mut user) = self.code_holder(client_id, secret_hash, username).await?;
        let code = self.take_code(&pool, &user, CodePurpose::ForgotPassword, code).await?;
        self.apply_password(&pool, &mut user, password, NewPassword::Permanent).await?;
        if user.status == UserStatus::Unconfirmed {
            // Receiving the code proves the channel, as Cognito treats it.
            user.status = UserStatus::Confirmed;
        }
        self.sign_out_everywhere(&mut user).await?;
        let mut w = self.write(&pool, &user);
        w.consume_code = Some(code);
        self.save(&pool, &w).await
    }

    /// ChangePassword (access token).
    pub async fn change_password(
        &self,
        access_token: &str,
        previous: Password,
        proposed: Password,
    ) -> Result<(), UserError> {
        let (mut user, _) = self.from_access_token(access_token).await?;
        let pool = self.pool(user.pool_id.as_str()).await?;
        // A wrong current password counts toward the account's lockout like a failed
        // sign-in (SECURITY.md A-12): a stolen access token cannot grind the password.
        let reservation = self.reserve_attempt(self.lockout_key(&pool, &user.username, Some(&user))).await?;
        if !self.verify_reserved(reservation, previous, user.password_hash.clone()).await? {
            return Err(UserError::NotAuthorized("Incorrect username or password.".into()));
        }
        self.apply_password(&pool, &mut user, proposed, NewPassword::Permanent).await?;
        self.save(&pool, &self.write(&pool, &user)).await
    }

    /// Applies attribute changes; changing a verified email or phone unverifies it and
    /// sends a code when the pool verifies it automatically.
    async fn update_attributes(
        &self,
        pool: &UserPool,
        user: &mut User,
        changes: Vec<(String, String)>,
        admin: bool,
        client: Option<&AppClient>,
    ) -> Result<Vec<CodeDelivery>, UserError> {
        let mut changed: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in changes {
            changed.insert(k, v);
        }
        self.check_attributes(&pool.config, &mut changed, admin, false)?;
        for name in changed.keys() {
            if let Some(def) = pool.config.attribute(name) {
                if !def.mutable {
                    return Err(UserError::InvalidParameter(format!(
                        "Cannot modify an already provided {name} attribute."
                    )));
                }
            }
            if let Some(c) = client {
                let allowed = &c.config.write_attributes;
                if !allowed.is_empty() && !allowed.iter().any(|a| a == name) {
                    return Err(UserError::NotAuthorized(format!(
                        "A client attempted to write unauthorized attribute {name}"
                    )));
                }
            }
        }
        let mut to_verify = Vec::new();
        for (k, v) in changed {
            // With AttributesRequireVerificationBeforeUpdate, a verified email or phone keeps
            // its old value (still usable to sign in) until the new one is verified.
            let hold = !admin
                && (k == "email" || k == "phone_number")
                && pool.config.attributes_require_verification_before_update.contains(&k)
                && user.verified(&k)
                && user.attr(&k) != Some(v.as_str());
            if hold {
                user.pending_attributes.insert(k.clone(), v);
                to_verify.push(k);
                continue;
            }
            user.pending_attributes.remove(&k);
            let old = user.attributes.insert(k.clone(), v.clone());
            if (k == "email" || k == "phone_number") && old.as_deref() != Some(v.as_str()) {
                let flag = format!("{k}_verified");
                if !(admin && user.attributes.contains_key(&flag) && old.is_none()) {
                    user.attributes.insert(flag, "false".into());
                }
                if pool.config.auto_verified_attributes.contains(&k) {
                    to_verify.push(k);
                }
            }
        }
        user.updated_at = self.clock.now();
        let mut deliveries = Vec::new();
        let mut w = self.write(pool, user);
        if !admin {
            if let Some(attr) = to_verify.first() {
                let code = Code::generate();
                let (msg, d) = self.attribute_code_message(pool, user, attr, &code, None, true)?;
                let purpose = if attr == "email" { CodePurpose::VerifyEmail } else { CodePurpose::VerifyPhone };
                self.attach_code(&mut w, purpose, &code, msg);
                deliveries.push(d);
            }
        }
        self.save(pool, &w).await?;
        self.notify.notify_one();
        Ok(deliveries)
    }

    /// UpdateUserAttributes (access token).
    pub async fn update_own_attributes(
        &self,
        access_token: &str,
        changes: Vec<(String, String)>,
    ) -> Result<Vec<CodeDelivery>, UserError> {
        let (mut user, claims) = self.from_access_token(access_token).await?;
        let pool = self.pool(user.pool_id.as_str()).await?;
        let client = self.clients.find(&claims.client_id).await.map_err(|e: ClientError| UserError::from(e))?;
        if changes.iter().any(|(k, _)| k == "email_verified" || k == "phone_number_verified") {
            return Err(UserError::NotAuthorized("A client attempted to write unauthorized attribute".into()));
        }
        self.update_attributes(&pool, &mut user, changes, false, client.as_ref()).await
    }

    /// AdminUpdateUserAttributes.
    pub async fn admin_update_attributes(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        username: &str,
        changes: Vec<(String, String)>,
    ) -> Result<(), UserError> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)?;
        self.update_attributes(&pool, &mut user, changes, true, None).await.map(|_| ())
    }

    /// Deletes attributes. Through an access token (`client` given) the same rules hold
    /// as for UpdateUserAttributes: developer-only and `*_verified` attributes are not
    /// the user's to touch, immutable ones cannot change, and the client's
    /// `WriteAttributes` apply.
    async fn delete_attributes(
        &self,
        pool: &UserPool,
        user: &mut User,
        names: &[String],
        client: Option<&AppClient>,
    ) -> Result<(), UserError> {
        let unauthorized =
            |n: &str| UserError::NotAuthorized(format!("A client attempted to write unauthorized attribute {n}"));
        for n in names {
            if n == "sub" {
                return Err(UserError::InvalidParameter("Cannot delete the sub attribute.".into()));
            }
            if let Some(c) = client {
                let def = pool.config.attribute(n);
                if n.starts_with("dev:") || n.ends_with("_verified") || def.is_some_and(|d| d.developer_only) {
                    return Err(unauthorized(n));
                }
                if def.is_some_and(|d| !d.mutable) {
                    return Err(UserError::InvalidParameter(format!(
                        "Cannot modify an already provided {n} attribute."
                    )));
                }
                let allowed = &c.config.write_attributes;
                if !allowed.is_empty() && !allowed.iter().any(|a| a == n) {
                    return Err(unauthorized(n));
                }
            }
            if let Some(def) = pool.config.attribute(n) {
                if def.required {
                    return Err(UserError::InvalidParameter(format!("Cannot delete the required attribute {n}.")));
                }
            } else if !n.ends_with("_verified") {
                return Err(UserError::InvalidParameter(format!("Attribute {n} does not exist in the schema.")));
            }
            if pool.config.username_attributes.iter().any(|k| k.name() == n) {
                return Err(UserError::InvalidParameter(format!("Cannot delete {n}: users sign in with it.")));
            }
            user.attributes.remove(n);
            if n == "email" || n == "phone_number" {
                user.attributes.remove(&format!("{n}_verified"));
            }
        }
        user.updated_at = self.clock.now();
        self.save(pool, &self.write(pool, user)).await
    }

    /// DeleteUserAttributes (access token).
    pub async fn delete_own_attributes(&self, access_token: &str, names: &[String]) -> Result<(), UserError> {
        let (mut user, claims) = self.from_access_token(access_token).await?;
        let pool = self.pool(user.pool_id.as_str()).await?;
        let client = self.own_client(&claims.client_id).await?;
        self.delete_attributes(&pool, &mut user, names, Some(&client)).await
    }

    /// The app client an access token was issued to (it must still exist).
    async fn own_client(&self, client_id: &str) -> Result<AppClient, UserError> {
        self.clients
            .find(client_id)
            .await?
            .ok_or_else(|| UserError::NotAuthorized("Access Token has been revoked".into()))
    }

    /// GetUser: the user behind an access token, with only the attributes its client may
    /// read (`ReadAttributes`, never developer-only ones), as in its tokens.
    pub async fn get_own_user(&self, access_token: &str) -> Result<User, UserError> {
        let (mut user, claims) = self.from_access_token(access_token).await?;
        let client = self.own_client(&claims.client_id).await?;
        let readable = crate::token::readable_claims(&user, &client.config.read_attributes);
        user.attributes.retain(|name, _| readable.contains_key(name));
        Ok(user)
    }

    /// AdminDeleteUserAttributes.
    pub async fn admin_delete_attributes(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        username: &str,
        names: &[String],
    ) -> Result<(), UserError> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)?;
        self.delete_attributes(&pool, &mut user, names, None).await
    }

    /// GetUserAttributeVerificationCode (access token).
    pub async fn send_attribute_code(
        &self,
        access_token: &str,
        attribute: &str,
        source: Source,
    ) -> Result<CodeDelivery, UserError> {
        let (user, _) = self.from_access_token(access_token).await?;
        let pool = self.pool(user.pool_id.as_str()).await?;
        self.take_code_request(source)?;
        let code = Code::generate();
        let (msg, d) = self.attribute_code_message(&pool, &user, attribute, &code, None, true)?;
        let purpose = if attribute == "email" { CodePurpose::VerifyEmail } else { CodePurpose::VerifyPhone };
        let mut w = self.write(&pool, &user);
        self.attach_code(&mut w, purpose, &code, msg);
        self.save(&pool, &w).await?;
        self.notify.notify_one();
        Ok(d)
    }

    /// VerifyUserAttribute (access token).
    pub async fn verify_attribute(&self, access_token: &str, attribute: &str, code: &str) -> Result<(), UserError> {
        let (mut user, _) = self.from_access_token(access_token).await?;
        let pool = self.pool(user.pool_id.as_str()).await?;
        let purpose = match attribute {
            "email" => CodePurpose::VerifyEmail,
            "phone_number" => CodePurpose::VerifyPhone,
            other => return Err(UserError::InvalidParameter(format!("{other} cannot be verified."))),
        };
        let code = self.take_code(&pool, &user, purpose, code).await?;
        if let Some(new_value) = user.pending_attributes.remove(attribute) {
            user.attributes.insert(attribute.to_owned(), new_value);
        }
        user.attributes.insert(format!("{attribute}_verified"), "true".into());
        user.updated_at = self.clock.now();
        let mut w = self.write(&pool, &user);
        w.consume_code = Some(code);
        self.save(&pool, &w).await
    }

    /// DeleteUser (access token).
    pub async fn delete_self(&self, access_token: &str) -> Result<(), UserError> {
        let (user, _) = self.from_access_token(access_token).await?;
        self.store.delete_user(&user.pool_id, &user.username_key).await?;
        Ok(())
    }

    /// GlobalSignOut (access token).
    pub async fn global_sign_out(&self, access_token: &str) -> Result<(), UserError> {
        let (mut user, _) = self.from_access_token(access_token).await?;
        let pool = self.pool(user.pool_id.as_str()).await?;
        self.sign_out_everywhere(&mut user).await?;
        self.save(&pool, &self.write(&pool, &user)).await
    }

    /// AdminUserGlobalSignOut.
    pub async fn admin_global_sign_out(&self, _ctx: &WriteCtx, pool_id: &str, username: &str) -> Result<(), UserError> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)?;
        self.sign_out_everywhere(&mut user).await?;
        self.save(&pool, &self.write(&pool, &user)).await
    }

    /// RevokeToken: a refresh token and every access token issued from it.
    pub async fn revoke_token(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
        token: &str,
    ) -> Result<(), UserError> {
        let (client, _) = self.client_and_pool(client_id).await?;
        self.check_client_secret(&client, client_secret)?;
        if !client.config.enable_token_revocation {
            return Err(UserError::UnsupportedOperation("Token revocation is not enabled for this app client.".into()));
        }
        self.tokens.revoke(&client, token).await?;
        Ok(())
    }

    /// AdminEnableUser / AdminDisableUser.
    pub async fn admin_set_enabled(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        username: &str,
        enabled: bool,
    ) -> Result<(), UserError> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)?;
        user.enabled = enabled;
        user.updated_at = self.clock.now();
        self.save(&pool, &self.write(&pool, &user)).await
    }

    /// AdminSetUserPassword.
    pub async fn admin_set_password(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        username: &str,
        password: Password,
        permanent: bool,
    ) -> Result<(), UserError> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)?;
        let kind = if permanent { NewPassword::Permanent } else { NewPassword::Temporary };
        self.apply_password(&pool, &mut user, password, kind).await?;
        if permanent && user.status == UserStatus::Unconfirmed {
            user.status = UserStatus::Confirmed;
        }
        self.save(&pool, &self.write(&pool, &user)).await
    }

    /// AdminResetUserPassword: the user must reset before signing in; a code goes out
    /// when they have a verified channel.
    pub async fn admin_reset_password(&self, _ctx: &WriteCtx, pool_id: &str, username: &str) -> Result<(), UserError> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)?;
        if user.status == UserStatus::Unconfirmed {
            return Err(UserError::NotAuthorized("User password cannot be reset in the current state.".into()));
        }
        user.status = UserStatus::ResetRequired;
        user.updated_at = self.clock.now();
        self.sign_out_everywhere(&mut user).await?;
        if self.queue_reset_code(&pool, &mut user).await?.is_none() {
            self.save(&pool, &self.write(&pool, &user)).await?;
        }
        Ok(())
    }
}
