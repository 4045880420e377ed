//! Authentication: password sign-in on every path (API, admin API, hosted pages), the
//! new-password challenge and its sealed session, refresh, and access-token callers.

use super::*;

/// Who starts a sign-in (InitiateAuth and AdminInitiateAuth, with the pool id), and from
/// where.
pub struct Start<'a> {
    /// `ClientId`.
    pub client_id: &'a str,
    /// `UserPoolId` (the admin form).
    pub pool_id: Option<&'a str>,
    /// `USERNAME`.
    pub username: &'a str,
    /// `SECRET_HASH`.
    pub secret_hash: Option<&'a str>,
    /// `DEVICE_KEY` of a remembered device.
    pub device_key: Option<&'a str>,
    /// The caller's address.
    pub source: Source,
}

/// One sign-in attempt, for the structured event log (SECURITY.md L-01): pool, client,
/// the user's `sub` or a digest of the typed name, the source and the outcome. Never the
/// password, and never the typed name itself (it may be a password typed in the wrong
/// field).
pub(super) struct AuthEvent<'a> {
    pub(super) pool: &'a UserPool,
    pub(super) client: &'a str,
    pub(super) typed: &'a str,
    pub(super) source: Source,
}

impl AuthEvent<'_> {
    pub(super) fn log(&self, user: Option<&User>, outcome: &str) {
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

    /// Password sign-in (USER_PASSWORD_AUTH, or ADMIN_USER_PASSWORD_AUTH with a pool id).
    pub async fn sign_in_with_password(&self, start: Start<'_>, password: Password) -> Result<AuthStep, UserError> {
        let Start { client_id, pool_id, username, secret_hash, device_key, source } = start;
        let (client, pool) = self.client_and_pool(client_id).await?;
        if pool_id.is_some_and(|p| p != pool.id.as_str()) {
            return Err(UserError::ResourceNotFound(format!("User pool client {client_id} does not exist.")));
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
        let user = self.check_password(&pool, &client, username, password, source).await?;
        let step = self.next_after_password(&pool, &client, user, device_key.map(str::to_owned)).await?;
        self.finish(&pool, &client, step).await
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
    ) -> Result<SignInStep, UserError> {
        let user = self.check_password(pool, client, username, password, source).await?;
        self.next_after_password(pool, client, user, None).await
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
    /// users, user status; every outcome is logged as an event. A user whose password
    /// predates SRP gets a verifier now.
    async fn check_password(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        password: Password,
        source: Source,
    ) -> Result<User, UserError> {
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
        let kept = password.clone();
        let ok = self.verify_reserved(reservation, password, hash).await?;
        let mut user = match user {
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
        self.admit(&event, &user)?;
        if user.srp_verifier.is_none() {
            self.derive_verifier(pool, &mut user, &kept);
            let w = self.write(pool, &user);
            self.store.update_user(&w).await?;
        }
        Ok(user)
    }

    /// Whether a user who proved their password may go on, by status (one decision per
    /// status: what the event log says, and what the caller gets).
    pub(super) fn admit(&self, event: &AuthEvent<'_>, user: &User) -> Result<(), UserError> {
        let (outcome, refused) = match (user.enabled, user.status) {
            (false, _) => ("disabled", Some(UserError::NotAuthorized("User is disabled.".into()))),
            (true, UserStatus::Unconfirmed) => ("unconfirmed", Some(UserError::UserNotConfirmed)),
            (true, UserStatus::ResetRequired) => ("reset_required", Some(UserError::PasswordResetRequired)),
            (true, UserStatus::ForceChangePassword) => ("new_password_required", None),
            (true, UserStatus::Confirmed | UserStatus::ExternalProvider) => ("password_verified", None),
        };
        event.log(Some(user), outcome);
        if let Some(e) = refused {
            return Err(e);
        }
        if user.status == UserStatus::ForceChangePassword
            && user.temporary_password_expires_at.is_some_and(|t| t <= self.clock.now())
        {
            return Err(UserError::NotAuthorized(
                "Temporary password has expired and must be reset by an administrator.".into(),
            ));
        }
        Ok(())
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
        device_key: Option<&str>,
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
        // A refresh token issued on a device is refreshed by that device only.
        if let (Some(issued), Some(given)) = (&record.device_key, device_key) {
            if issued != given {
                return Err(UserError::NotAuthorized("Invalid Refresh Token".into()));
            }
        }
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
