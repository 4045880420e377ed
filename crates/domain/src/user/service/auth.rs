//! Authentication: password sign-in on every path (API, admin API, hosted pages), the
//! new-password challenge and its sealed session, refresh, and access-token callers.

use super::*;

/// What a challenge session carries (sealed, so the client cannot alter it).
#[derive(Serialize, Deserialize)]
struct ChallengeSession {
    pool: String,
    client: String,
    username_key: String,
    challenge: String,
    expires_at: i64,
}

const SESSION_CONTEXT: &str = "cognate/auth_session/v1";

/// One sign-in attempt, for the structured event log (SECURITY.md L-01): pool, client,
/// the user's `sub` or a digest of the typed name, the source and the outcome. Never the
/// password, and never the typed name itself (it may be a password typed in the wrong
/// field).
struct AuthEvent<'a> {
    pool: &'a UserPool,
    client: &'a str,
    typed: &'a str,
    source: Source,
}

impl AuthEvent<'_> {
    fn log(&self, user: Option<&User>, outcome: &str) {
        let who = match user {
            Some(u) => format!("sub:{}", u.sub),
            None => format!("name:{}", &throttle::key("event", self.typed)[..16]),
        };
        tracing::info!(
            target: "cognate::auth",
            event = "sign_in",
            pool = self.pool.id.as_str(),
            client = self.client,
            user = %who,
            source = %self.source,
            outcome,
        );
    }
}

impl UserService {
    /// The user an access token belongs to (GetUser and other token-authorised actions).
    pub async fn from_access_token(&self, token: &str) -> Result<(User, AccessClaims), UserError> {
        let (user, claims) = self.tokens.session_user(token).await?.ok_or(UserError::UserNotFound)?;
        if !claims.scope.split(' ').any(|s| s == "aws.cognito.signin.user.admin") {
            return Err(UserError::NotAuthorized("Access Token does not have required scopes".into()));
        }
        Ok((user, claims))
    }

    /// Password sign-in (USER_PASSWORD_AUTH, or ADMIN_USER_PASSWORD_AUTH with `admin`).
    pub async fn sign_in_with_password(
        &self,
        client_id: &str,
        pool_id: Option<&str>,
        username: &str,
        password: Password,
        secret_hash: Option<&str>,
        source: Source,
    ) -> Result<AuthStep, UserError> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        if let Some(p) = pool_id {
            if p != pool.id.as_str() {
                return Err(UserError::ResourceNotFound(format!("User pool client {client_id} does not exist.")));
            }
        }
        let (flow, flow_name) = if pool_id.is_some() {
            (AuthFlow::AdminUserPassword, "ADMIN_NO_SRP_AUTH")
        } else {
            (AuthFlow::UserPassword, "USER_PASSWORD_AUTH")
        };
        if !client.config.allows(flow) {
            return Err(UserError::InvalidParameter(format!("{flow_name} flow not enabled for this client")));
        }
        self.check_secret(&client, username, secret_hash)?;
        let user = match self.check_password(&pool, &client, username, password, source).await? {
            PasswordCheck::Valid(user) => user,
            PasswordCheck::NewPasswordRequired { session, username, required_attributes, user_attributes } => {
                return Ok(AuthStep::NewPasswordRequired { session, username, required_attributes, user_attributes })
            }
        };
        let now = self.clock.now();
        let groups = self.store.groups_of_user(&pool.id, &user.username_key).await?;
        let tokens = self.tokens.issue(&pool, &client, &user, &groups, now, None).await?;
        Ok(AuthStep::Authenticated(tokens))
    }

    /// A password sign-in on the hosted pages: the same checks, lockout and errors as the
    /// API's, returning the user (the OAuth layer issues codes or tokens).
    pub async fn hosted_sign_in(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        password: Password,
        source: Source,
    ) -> Result<PasswordCheck, UserError> {
        self.check_password(pool, client, username, password, source).await
    }

    /// The lockout key of a sign-in: the account when the name resolves to one (however
    /// it was spelled: `Victim@x.com`, `VICTIM@X.COM` and the user name share it), else
    /// the normalised form the lookup used, so an unknown name locks like a known one.
    pub(super) fn lockout_key(&self, pool: &UserPool, typed: &str, user: Option<&User>) -> String {
        match user {
            Some(u) => throttle::key("user", &format!("{}\0{}", pool.id.as_str(), u.sub)),
            None => throttle::key("name", &format!("{}\0{}", pool.id.as_str(), lookup_form(&pool.config, typed))),
        }
    }

    /// Reserves a password attempt on the account's lockout: refused while locked
    /// ("Password attempts exceeded", whatever the password).
    pub(super) async fn reserve_attempt(&self, key: String) -> Result<throttle::Reservation, UserError> {
        match throttle::reserve(&*self.store, &self.in_flight, key, self.clock.now()).await {
            Ok(r) => Ok(r),
            Err(throttle::Refused::Locked(_)) => Err(UserError::NotAuthorized("Password attempts exceeded".into())),
            Err(throttle::Refused::Store(e)) => Err(e.into()),
        }
    }

    /// Verifies `password` against `hash` under a reserved attempt and settles it: a
    /// wrong password is a failure; a hashing failure counts neither way (the reservation
    /// is dropped). Whether a right password may sign in is decided after; it is a
    /// success here.
    pub(super) async fn verify_reserved(
        &self,
        reservation: throttle::Reservation,
        password: Password,
        hash: Option<PasswordHash>,
    ) -> Result<bool, UserError> {
        let ok = password::verify(password, hash).await?;
        if ok {
            reservation.succeeded(&*self.store).await?;
        } else {
            reservation.failed(&*self.store, self.clock.now()).await?;
        }
        Ok(ok)
    }

    /// Password check shared by every sign-in path: user-name rules, source limits,
    /// the account lockout (reserved before the hash), dummy-hash timing for unknown
    /// users, user status; every outcome is logged as an event.
    async fn check_password(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        password: Password,
        source: Source,
    ) -> Result<PasswordCheck, UserError> {
        let event = AuthEvent { pool, client: client.id.as_str(), typed: username, source };
        check_username(username)?;
        let now = self.clock.now();
        if !self.limits.may_sign_in(source, now) {
            event.log(None, "throttled_source");
            return Err(UserError::TooManyRequests);
        }
        let user = self.lookup(pool, username).await?;
        let reservation = match self.reserve_attempt(self.lockout_key(pool, username, user.as_ref())).await {
            Ok(r) => r,
            Err(e) => {
                event.log(user.as_ref(), "locked");
                return Err(e);
            }
        };
        let hash: Option<PasswordHash> = user.as_ref().and_then(|u| u.password_hash.clone());
        let ok = self.verify_reserved(reservation, password, hash).await?;
        let user = match user {
            Some(u) if ok => u,
            found => {
                self.limits.failed_sign_in(source, self.clock.now());
                event.log(found.as_ref(), if found.is_some() { "wrong_password" } else { "unknown_user" });
                if found.is_none() && !client.config.prevent_user_existence_errors {
                    return Err(UserError::UserNotFound);
                }
                return Err(UserError::NotAuthorized("Incorrect username or password.".into()));
            }
        };
        // One decision per status: what the event log says, and what the caller gets.
        let (outcome, refused) = match (user.enabled, user.status) {
            (false, _) => ("disabled", Some(UserError::NotAuthorized("User is disabled.".into()))),
            (true, UserStatus::Unconfirmed) => ("unconfirmed", Some(UserError::UserNotConfirmed)),
            (true, UserStatus::ResetRequired) => ("reset_required", Some(UserError::PasswordResetRequired)),
            (true, UserStatus::ForceChangePassword) => ("new_password_required", None),
            (true, UserStatus::Confirmed | UserStatus::ExternalProvider) => ("password_verified", None),
        };
        event.log(Some(&user), outcome);
        if let Some(e) = refused {
            return Err(e);
        }
        if user.status == UserStatus::ForceChangePassword {
            if user.temporary_password_expires_at.is_some_and(|t| t <= now) {
                return Err(UserError::NotAuthorized(
                    "Temporary password has expired and must be reset by an administrator.".into(),
                ));
            }
            let session = self.seal_session(pool, client, &user, "NEW_PASSWORD_REQUIRED");
            let required = pool
                .config
                .schema
                .iter()
                .filter(|a| a.required && a.name != "sub" && !user.attributes.contains_key(&a.name))
                .map(|a| format!("userAttributes.{}", a.name))
                .collect();
            let mut shown = user.attributes.clone();
            shown.remove("sub");
            return Ok(PasswordCheck::NewPasswordRequired {
                session,
                username: user.username.clone(),
                required_attributes: required,
                user_attributes: shown,
            });
        }
        Ok(PasswordCheck::Valid(user))
    }

    fn seal_session(&self, pool: &UserPool, client: &AppClient, user: &User, challenge: &str) -> String {
        let s = ChallengeSession {
            pool: pool.id.as_str().to_owned(),
            client: client.id.as_str().to_owned(),
            username_key: user.username_key.clone(),
            challenge: challenge.to_owned(),
            expires_at: self
                .clock
                .now()
                .plus(Duration::from_secs(u64::from(client.config.auth_session_validity_minutes) * 60))
                .millis(),
        };
        let plain = serde_json::to_vec(&s).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(self.master.seal(SESSION_CONTEXT, &plain))
    }

    fn open_session(&self, session: &str, client: &AppClient, challenge: &str) -> Result<ChallengeSession, UserError> {
        let invalid = || UserError::NotAuthorized("Invalid session for the user.".into());
        let sealed = URL_SAFE_NO_PAD.decode(session.as_bytes()).map_err(|_| invalid())?;
        let plain = self.master.open(SESSION_CONTEXT, &sealed).map_err(|_| invalid())?;
        let s: ChallengeSession = serde_json::from_slice(&plain).map_err(|_| invalid())?;
        if s.client != client.id.as_str() || s.challenge != challenge {
            return Err(invalid());
        }
        if s.expires_at <= self.clock.now().millis() {
            return Err(UserError::NotAuthorized("Invalid session for the user, session is expired.".into()));
        }
        Ok(s)
    }

    /// RespondToAuthChallenge with NEW_PASSWORD_REQUIRED.
    pub async fn respond_new_password(
        &self,
        client_id: &str,
        session: &str,
        username: &str,
        new_password: Password,
        attributes: Vec<(String, String)>,
        secret_hash: Option<&str>,
    ) -> Result<AuthStep, UserError> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        self.check_secret(&client, username, secret_hash)?;
        let user = self.complete_new_password(&pool, &client, session, new_password, attributes).await?;
        let now = self.clock.now();
        let groups = self.store.groups_of_user(&pool.id, &user.username_key).await?;
        Ok(AuthStep::Authenticated(self.tokens.issue(&pool, &client, &user, &groups, now, None).await?))
    }

    /// NEW_PASSWORD_REQUIRED on the hosted pages: sets the password and returns the user.
    pub async fn hosted_new_password(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session: &str,
        new_password: Password,
    ) -> Result<User, UserError> {
        self.complete_new_password(pool, client, session, new_password, Vec::new()).await
    }

    async fn complete_new_password(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session: &str,
        new_password: Password,
        attributes: Vec<(String, String)>,
    ) -> Result<User, UserError> {
        let s = self.open_session(session, client, "NEW_PASSWORD_REQUIRED")?;
        let mut user = self.store.find_user(&pool.id, &s.username_key).await?.ok_or(UserError::UserNotFound)?;
        if user.status != UserStatus::ForceChangePassword {
            return Err(UserError::NotAuthorized("Invalid session for the user.".into()));
        }
        if let Some(v) = pool.config.password_policy.violation(new_password.secret()) {
            return Err(UserError::InvalidPassword(v));
        }
        let mut attrs = user.attributes.clone();
        for (k, v) in attributes {
            attrs.insert(k, v);
        }
        self.check_attributes(
            &pool.config,
            &attrs.iter().filter(|(k, _)| *k != "sub").map(|(k, v)| (k.clone(), v.clone())).collect(),
            false,
            true,
        )?;
        user.attributes = attrs;
        user.password_hash = Some(password::hash(new_password).await?);
        user.temporary_password_expires_at = None;
        user.status = UserStatus::Confirmed;
        let now = self.clock.now();
        user.updated_at = now;
        let w = self.write(pool, &user);
        match self.store.update_user(&w).await {
            Ok(_) => {}
            Err(e) if is_conflict_on(&e, "user_aliases") => {
                return Err(UserError::AliasExists("An account with the email already exists.".into()))
            }
            Err(e) => return Err(e.into()),
        }
        Ok(user)
    }

    /// REFRESH_TOKEN_AUTH: new ID and access tokens for a valid refresh token. Reads only.
    /// Not for clients whose refresh tokens rotate: those use GetTokensFromRefreshToken,
    /// as in Cognito.
    pub async fn refresh(
        &self,
        client_id: &str,
        refresh_token: &str,
        secret_hash: Option<&str>,
        username_hint: Option<&str>,
    ) -> Result<TokenSet, UserError> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        if !client.config.allows(AuthFlow::RefreshToken) {
            return Err(UserError::InvalidParameter("REFRESH_TOKEN_AUTH flow not enabled for this client".into()));
        }
        if client.config.rotation().is_some() {
            return Err(UserError::InvalidParameter(
                "Refresh token rotation is enabled for this client: use GetTokensFromRefreshToken.".into(),
            ));
        }
        let record: RefreshRecord = self.tokens.check_refresh(&client, refresh_token).await?;
        let user = self.refresh_user(&pool, &record).await?;
        if client.sealed_secret.is_some() {
            let name = username_hint.unwrap_or(&user.username);
            let ok = self.clients.check_secret_hash(&client, name, secret_hash)?
                || self.clients.check_secret_hash(&client, &user.sub, secret_hash)?;
            if !ok {
                return Err(UserError::NotAuthorized(format!(
                    "Unable to verify secret hash for client {}",
                    client.id.as_str()
                )));
            }
        }
        let groups = self.store.groups_of_user(&pool.id, &user.username_key).await?;
        Ok(self.tokens.issue(&pool, &client, &user, &groups, record.auth_time, Some(&record)).await?)
    }

    /// GetTokensFromRefreshToken: new ID and access tokens, and with rotation a new
    /// refresh token while the presented one is rotated out (see
    /// [`TokenService::redeem_refresh`]). A confidential client sends its `ClientSecret`.
    pub async fn tokens_from_refresh_token(
        &self,
        client_id: &str,
        refresh_token: &str,
        client_secret: Option<&str>,
    ) -> Result<TokenSet, UserError> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        self.check_client_secret(&client, client_secret)?;
        if !client.config.allows(AuthFlow::RefreshToken) {
            return Err(UserError::NotAuthorized("Refresh token sign-in is not enabled for this client.".into()));
        }
        let record: RefreshRecord = self.tokens.redeem_refresh(&client, refresh_token).await?;
        let user = self.refresh_user(&pool, &record).await?;
        let groups = self.store.groups_of_user(&pool.id, &user.username_key).await?;
        Ok(self.tokens.issue(&pool, &client, &user, &groups, record.auth_time, Some(&record)).await?)
    }

    /// The user a refresh token belongs to, while their session may continue.
    async fn refresh_user(&self, pool: &UserPool, record: &RefreshRecord) -> Result<User, UserError> {
        let user = self
            .store
            .find_user_by_sub(&pool.id, &record.sub)
            .await?
            .ok_or_else(|| UserError::NotAuthorized("Invalid Refresh Token".into()))?;
        if !user.enabled {
            return Err(UserError::NotAuthorized("User is disabled.".into()));
        }
        if record.created_at < user.tokens_valid_after {
            return Err(UserError::NotAuthorized("Refresh Token has been revoked".into()));
        }
        Ok(user)
    }

    /// A confidential client must present its secret (`ClientSecret`), compared in
    /// constant time; a public client needs none.
    pub(super) fn check_client_secret(&self, client: &AppClient, given: Option<&str>) -> Result<(), UserError> {
        if let Some(secret) = self.clients.secret(client)? {
            let ok = given.is_some_and(|s| crate::crypto::ct_eq(s.as_bytes(), secret.secret().as_bytes()));
            if !ok {
                return Err(UserError::NotAuthorized(format!(
                    "Client secret is not valid for client {}",
                    client.id.as_str()
                )));
            }
        }
        Ok(())
    }
}
