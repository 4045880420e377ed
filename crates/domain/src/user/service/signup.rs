//! Sign-up and confirmation: SignUp, ConfirmSignUp, ResendConfirmationCode and the
//! administrator's confirmation, with the codes that prove a channel.

use super::*;

impl UserService {
    /// SignUp. It sends a code, so it counts as a code request from `source`.
    pub async fn sign_up(&self, req: SignUp, source: Source) -> Result<SignUpOutcome, UserError> {
        let (client, pool) = self.client_and_pool(&req.client_id).await?;
        self.check_secret(&client, &req.username, req.secret_hash.as_deref())?;
        check_username(&req.username)?;
        self.take_code_request(source)?;
        if pool.config.allow_admin_create_user_only {
            return Err(UserError::NotAuthorized("SignUp is not permitted for this user pool".into()));
        }
        let mut attrs: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in req.attributes {
            attrs.insert(k, v);
        }
        self.check_attributes(&pool.config, &mut attrs, false, true)?;
        if attrs.contains_key("email_verified") || attrs.contains_key("phone_number_verified") {
            return Err(UserError::NotAuthorized("A client attempted to write unauthorized attribute".into()));
        }
        let sub = uuid::Uuid::new_v4().to_string();
        let username = self.resolve_username(&pool.config, &req.username, &mut attrs, &sub)?;
        if let Some(v) = pool.config.password_policy.violation(req.password.secret()) {
            return Err(UserError::InvalidPassword(v));
        }
        attrs.insert("sub".into(), sub.clone());
        let now = self.clock.now();
        let mut user = User {
            pool_id: pool.id.clone(),
            username_key: username_key(&pool.config, &username),
            username,
            sub: sub.clone(),
            status: UserStatus::Unconfirmed,
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
        self.store_password(&pool, &mut user, req.password).await?;
        let mut w = self.write(&pool, &user);
        let code = Code::generate();
        let delivery = match self.verification_message(&pool, &user, &code) {
            Some((msg, delivery)) => {
                self.attach_code(&mut w, CodePurpose::SignUp, &code, msg);
                Some(delivery)
            }
            None => None,
        };
        self.store.insert_user(&w).await.map_err(|e| self.map_insert_conflict(&pool, e))?;
        self.notify.notify_one();
        Ok(SignUpOutcome { sub, confirmed: false, delivery })
    }

    /// Counts a guess at `user`'s code for `purpose` and checks it: the right code comes
    /// back as a [`CodeUse`] for the write it allows, which uses it up.
    pub(super) async fn take_code(
        &self,
        pool: &UserPool,
        user: &User,
        purpose: CodePurpose,
        guess: &str,
    ) -> Result<CodeUse, UserError> {
        let now = self.clock.now();
        let record = match self.store.count_code_attempt(&pool.id, &user.username_key, purpose, now).await? {
            CodeAttempt::Missing => return Err(UserError::ExpiredCode),
            CodeAttempt::Exhausted => return Err(UserError::LimitExceeded),
            CodeAttempt::Counted(r) => r,
        };
        if record.expires_at <= now {
            return Err(UserError::ExpiredCode);
        }
        if !record.matches(&self.master, pool.id.as_str(), &user.username_key, guess) {
            return Err(UserError::CodeMismatch);
        }
        Ok(CodeUse { purpose, code_hash: record.code_hash })
    }

    /// The pool and user a code is presented for (ConfirmSignUp, ConfirmForgotPassword):
    /// with `PreventUserExistenceErrors` an unknown name is just a wrong code.
    pub(super) async fn code_holder(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
    ) -> Result<(UserPool, User), UserError> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        self.check_secret(&client, username, secret_hash)?;
        check_username(username)?;
        match self.lookup(&pool, username).await? {
            Some(user) => Ok((pool, user)),
            None if client.config.prevent_user_existence_errors => Err(UserError::CodeMismatch),
            None => Err(UserError::UserNotFound),
        }
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
        let (pool, mut user) = self.code_holder(client_id, secret_hash, username).await?;
        if user.status != UserStatus::Unconfirmed {
            return Err(UserError::NotAuthorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status.as_str()
            )));
        }
        let code = self.take_code(&pool, &user, CodePurpose::SignUp, code).await?;
        self.confirm(&pool, &mut user, Some(code), force_alias_creation).await
    }

    async fn confirm(
        &self,
        pool: &UserPool,
        user: &mut User,
        code: Option<CodeUse>,
        force_alias: bool,
    ) -> Result<(), UserError> {
        user.status = UserStatus::Confirmed;
        // A code proves the channel it went to; an administrator's confirmation does not.
        if code.is_some() {
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
        match code {
            Some(c) => w.consume_code = Some(c),
            None => w.clear_codes.push(CodePurpose::SignUp),
        }
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

    /// ResendConfirmationCode. With `PreventUserExistenceErrors` an unknown name, a
    /// user without a channel and a user whose sends are used up get a delivery of the
    /// same shape as a real one, and nothing is sent.
    pub async fn resend_confirmation_code(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
        source: Source,
    ) -> Result<Option<CodeDelivery>, UserError> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        self.check_secret(&client, username, secret_hash)?;
        check_username(username)?;
        self.take_code_request(source)?;
        let hide = client.config.prevent_user_existence_errors;
        let Some(user) = self.lookup(&pool, username).await? else {
            return if hide {
                Ok(Some(self.simulated_delivery(&pool, username)))
            } else {
                Err(UserError::UserNotFound)
            };
        };
        if user.status != UserStatus::Unconfirmed {
            return Err(UserError::InvalidParameter("User is already confirmed.".into()));
        }
        let code = Code::generate();
        let Some((msg, delivery)) = self.verification_message(&pool, &user, &code) else {
            if hide {
                return Ok(Some(self.simulated_delivery(&pool, username)));
            }
            return Err(UserError::InvalidParameter("There is no verified channel to send a code to.".into()));
        };
        let mut w = self.write(&pool, &user);
        self.attach_code(&mut w, CodePurpose::SignUp, &code, msg);
        match self.store.update_user(&w).await {
            Ok(_) => {}
            Err(e) => match UserError::from(e) {
                UserError::LimitExceeded if hide => return Ok(Some(delivery)),
                other => return Err(other),
            },
        }
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
        self.confirm(&pool, &mut user, None, false).await
    }
}
