//! Sign-up and confirmation: SignUp, ConfirmSignUp, ResendConfirmationCode and the
//! administrator's confirmation, with the codes that prove a channel.

use super::*;

impl UserService {
    /// SignUp.
    pub async fn sign_up(&self, req: SignUp) -> Result<SignUpOutcome, UserError> {
        let (client, pool) = self.client_and_pool(&req.client_id).await?;
        self.check_secret(&client, &req.username, req.secret_hash.as_deref())?;
        if pool.config.allow_admin_create_user_only {
            return Err(UserError::NotAuthorized("SignUp is not permitted for this user pool".into()));
        }
        let mut attrs: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in req.attributes {
            attrs.insert(k, v);
        }
        self.check_attributes(&pool.config, &attrs, false, true)?;
        if attrs.contains_key("email_verified") || attrs.contains_key("phone_number_verified") {
            return Err(UserError::NotAuthorized("A client attempted to write unauthorized attribute".into()));
        }
        let sub = uuid::Uuid::new_v4().to_string();
        let username = self.resolve_username(&pool.config, &req.username, &mut attrs, &sub)?;
        if let Some(v) = pool.config.password_policy.violation(req.password.secret()) {
            return Err(UserError::InvalidPassword(v));
        }
        attrs.insert("sub".into(), sub.clone());
        let hash = password::hash(req.password).await?;
        let now = self.clock.now();
        let user = User {
            pool_id: pool.id.clone(),
            username_key: username_key(&pool.config, &username),
            username,
            sub: sub.clone(),
            status: UserStatus::Unconfirmed,
            enabled: true,
            attributes: attrs,
            pending_attributes: BTreeMap::new(),
            password_hash: Some(hash),
            password_history: Vec::new(),
            temporary_password_expires_at: None,
            tokens_valid_after: Timestamp(0),
            created_at: now,
            updated_at: now,
        };
        let mut w = self.write(&pool, &user);
        let code = Code::generate();
        let delivery = match self.verification_message(&pool, &user, &code) {
            Some((msg, delivery)) => {
                w.code = Some(CodeRecord::new(
                    &self.master,
                    CodePurpose::SignUp,
                    pool.id.as_str(),
                    &user.username_key,
                    &code,
                    now,
                ));
                self.queue(&mut w, msg);
                Some(delivery)
            }
            None => None,
        };
        self.store.insert_user(&w).await.map_err(|e| self.map_insert_conflict(&pool, e))?;
        self.notify.notify_one();
        Ok(SignUpOutcome { sub, confirmed: false, delivery })
    }

    /// Checks a code; on a wrong guess counts the attempt.
    pub(super) async fn check_code(
        &self,
        pool: &UserPool,
        user: &User,
        purpose: CodePurpose,
        guess: &str,
    ) -> Result<(), UserError> {
        let Some(record) = self.store.find_code(&pool.id, &user.username_key, purpose).await? else {
            return Err(UserError::ExpiredCode);
        };
        if record.attempts >= MAX_ATTEMPTS {
            return Err(UserError::LimitExceeded);
        }
        if record.expires_at <= self.clock.now() {
            return Err(UserError::ExpiredCode);
        }
        if !record.matches(&self.master, pool.id.as_str(), &user.username_key, guess) {
            self.store.record_code_attempt(&pool.id, &user.username_key, purpose).await?;
            return Err(UserError::CodeMismatch);
        }
        Ok(())
    }

    /// ConfirmSignUp.
    pub async fn confirm_sign_up(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
        code: &str,
        force_alias_creation: bool,
    ) -> Result<(), UserError> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        self.check_secret(&client, username, secret_hash)?;
        let Some(mut user) = self.lookup(&pool, username).await? else {
            return Err(if client.config.prevent_user_existence_errors {
                UserError::CodeMismatch
            } else {
                UserError::UserNotFound
            });
        };
        if user.status != UserStatus::Unconfirmed {
            return Err(UserError::NotAuthorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status.as_str()
            )));
        }
        self.check_code(&pool, &user, CodePurpose::SignUp, code).await?;
        self.confirm(&pool, &mut user, true, force_alias_creation).await
    }

    async fn confirm(
        &self,
        pool: &UserPool,
        user: &mut User,
        verify_channel: bool,
        force_alias: bool,
    ) -> Result<(), UserError> {
        user.status = UserStatus::Confirmed;
        if verify_channel {
            let c = &pool.config;
            if c.auto_verified_attributes.iter().any(|a| a == "email") && user.attr("email").is_some() {
                user.attributes.insert("email_verified".into(), "true".into());
            } else if c.auto_verified_attributes.iter().any(|a| a == "phone_number")
                && user.attr("phone_number").is_some()
            {
                user.attributes.insert("phone_number_verified".into(), "true".into());
            }
        }
        user.updated_at = self.clock.now();
        let mut w = self.write(pool, user);
        w.clear_codes.push(CodePurpose::SignUp);
        match self.store.update_user(&w).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(UserError::UserNotFound),
            Err(e) if is_conflict_on(&e, "user_aliases") && force_alias => {
                self.release_aliases(pool, user).await?;
                self.store.update_user(&w).await?;
                Ok(())
            }
            Err(e) if is_conflict_on(&e, "user_aliases") => {
                Err(UserError::AliasExists("An account with the email already exists.".into()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// ForceAliasCreation: other users holding one of `user`'s aliases lose it (their
    /// attribute becomes unverified), as Cognito moves an alias to the newer account.
    pub(super) async fn release_aliases(&self, pool: &UserPool, user: &User) -> Result<(), UserError> {
        for (kind, key) in user.aliases(&pool.config) {
            let Some(mut holder) = self.store.find_user_by_alias(&pool.id, kind.name(), &key).await? else { continue };
            if holder.username_key == user.username_key {
                continue;
            }
            holder.attributes.insert(format!("{}_verified", kind.name()), "false".into());
            holder.updated_at = self.clock.now();
            self.store.update_user(&self.write(pool, &holder)).await?;
        }
        Ok(())
    }

    /// ResendConfirmationCode.
    pub async fn resend_confirmation_code(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
    ) -> Result<Option<CodeDelivery>, UserError> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        self.check_secret(&client, username, secret_hash)?;
        let Some(user) = self.lookup(&pool, username).await? else {
            if client.config.prevent_user_existence_errors {
                // Answer as if a code went out, so the response reveals nothing.
                return Ok(Some(CodeDelivery {
                    destination: mask(username),
                    medium: DeliveryMedium::Email,
                    attribute: "email".into(),
                }));
            }
            return Err(UserError::UserNotFound);
        };
        if user.status != UserStatus::Unconfirmed {
            return Err(UserError::InvalidParameter("User is already confirmed.".into()));
        }
        let code = Code::generate();
        let Some((msg, delivery)) = self.verification_message(&pool, &user, &code) else {
            return Err(UserError::InvalidParameter("There is no verified channel to send a code to.".into()));
        };
        let mut w = self.write(&pool, &user);
        w.code = Some(CodeRecord::new(
            &self.master,
            CodePurpose::SignUp,
            pool.id.as_str(),
            &user.username_key,
            &code,
            self.clock.now(),
        ));
        self.queue(&mut w, msg);
        self.store.update_user(&w).await?;
        self.notify.notify_one();
        Ok(Some(delivery))
    }

    /// AdminConfirmSignUp.
    pub async fn admin_confirm_sign_up(&self, _ctx: &WriteCtx, pool_id: &str, username: &str) -> Result<(), UserError> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)?;
        if user.status != UserStatus::Unconfirmed {
            return Err(UserError::NotAuthorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status.as_str()
            )));
        }
        self.confirm(&pool, &mut user, false, false).await
    }
}
