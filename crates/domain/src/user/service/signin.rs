//! The sign-in state machine: after a first factor (password or SRP proof), one
//! function decides what comes next (new password, MFA set-up, a factor, or done);
//! every challenge is a server-side session that is bound to pool, client, user and
//! step, and is answered successfully once (SECURITY.md M-04, M-05).
//!
//! Every path uses it: InitiateAuth / RespondToAuthChallenge and their admin forms,
//! and the hosted pages.

use super::auth::AuthEvent;
use super::srp::{session_of_block, DeviceProof, SrpState, SESSION_BYTES};
use super::*;
use crate::auth::srp;
use crate::auth::{Answer, Challenge, MfaFactor, Step};
use crate::pool::config::MfaMode;
use crate::ports::AuthSessionRecord;

/// Wrong answers a session takes before it is dropped (the lockout counts them too).
pub const MAX_SESSION_FAILURES: i64 = 3;
/// How long an SMS or e-mail MFA code lasts (Cognito: 3 minutes).
pub const MFA_CODE_LIFETIME: Duration = Duration::from_secs(180);

const STATE_CONTEXT: &str = "cognate/auth_session/v2";

/// What a challenge session remembers between two calls (sealed in its row).
#[derive(Serialize, Deserialize)]
pub(super) struct SessionState {
    pub(super) step: Step,
    /// The name the answer's `USERNAME` must give (`USER_ID_FOR_SRP`).
    pub(super) username: String,
    /// An unknown name under PreventUserExistenceErrors: every answer fails alike.
    #[serde(default)]
    pub(super) simulated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) srp: Option<SrpState>,
    /// MAC of an SMS / e-mail code, and when it stops working.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) code: Option<(String, i64)>,
    /// The factors offered (SELECT_MFA_TYPE, MFA_SETUP).
    #[serde(default)]
    pub(super) options: Vec<MfaFactor>,
    /// During MFA_SETUP: the software token was associated and verified with this session.
    #[serde(default)]
    pub(super) setup_verified: bool,
    /// The device the client signed in on (`DEVICE_KEY`), carried to the tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) device_key: Option<String>,
}

/// Where a sign-in stands: done (the caller issues tokens or a hosted session), or a
/// challenge to answer with `session`.
#[derive(Debug)]
pub enum SignInStep {
    /// The user proved who they are (on this device, when the client named one).
    Done(Box<User>, Option<String>),
    /// Another step.
    Challenge {
        /// The opaque `Session` value.
        session: String,
        /// What to answer.
        challenge: Challenge,
        /// The user's name (`USER_ID_FOR_SRP` / `USERNAME` in the parameters).
        username: String,
    },
}

/// The result of one InitiateAuth / RespondToAuthChallenge call.
#[derive(Debug)]
pub enum AuthStep {
    /// Signed in; a device to confirm when the pool tracks devices and this one is new.
    Authenticated(TokenSet, Option<NewDevice>),
    /// A challenge to answer with `session`.
    Challenge {
        /// The opaque `Session` value.
        session: String,
        /// What to answer.
        challenge: Challenge,
        /// The user's name (`USER_ID_FOR_SRP`).
        username: String,
    },
}

/// What a TOTP code turned out to be.
pub(super) enum TotpCheck {
    /// Right, and not used before: now used.
    Accepted,
    /// Not a code of the window.
    Wrong,
    /// Right, but its step was used already.
    Used,
}

/// `NewDeviceMetadata`: the key and group of a device seen for the first time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDevice {
    /// `DeviceKey`.
    pub device_key: String,
    /// `DeviceGroupKey`.
    pub group_key: String,
}

/// A session that was found and opened, not yet used.
pub(super) struct OpenSession {
    pub(super) record: AuthSessionRecord,
    pub(super) state: SessionState,
}

impl UserService {
    // ---- sessions -------------------------------------------------------------------

    pub(super) async fn new_session(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username_key: &str,
        state: &SessionState,
    ) -> Result<String, UserError> {
        self.new_session_named(pool, client, username_key, state, crate::crypto::random_token(SESSION_BYTES)).await
    }

    pub(super) async fn new_session_named(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username_key: &str,
        state: &SessionState,
        token: String,
    ) -> Result<String, UserError> {
        let now = self.clock.now();
        let validity = Duration::from_secs(u64::from(client.config.auth_session_validity_minutes) * 60);
        let plain = serde_json::to_vec(state).map_err(|e| UserError::Internal(e.to_string()))?;
        let record = AuthSessionRecord {
            id_hash: crate::crypto::sha256_hex(token.as_bytes()),
            pool_id: pool.id.clone(),
            client_id: client.id.as_str().to_owned(),
            username_key: username_key.to_owned(),
            sealed: self.master.seal(STATE_CONTEXT, &plain),
            failures: 0,
            expires_at: now.plus(validity),
            created_at: now,
        };
        self.store.insert_auth_session(&record).await?;
        Ok(token)
    }

    /// Finds a session for `step` whatever client and user it is for (AssociateSoftwareToken
    /// and VerifySoftwareToken name neither: the session is the credential).
    pub(super) async fn open_any(&self, session: &str, step: Step) -> Result<OpenSession, UserError> {
        let s = self.load_session(session, step).await?;
        if s.state.simulated {
            return Err(UserError::NotAuthorized("Invalid session for the user.".into()));
        }
        Ok(s)
    }

    /// The stored session for `session` waiting in `step`, unexpired.
    async fn load_session(&self, session: &str, step: Step) -> Result<OpenSession, UserError> {
        let invalid = || UserError::NotAuthorized("Invalid session for the user.".into());
        if session.is_empty() || session.len() > 2048 {
            return Err(invalid());
        }
        let id_hash = crate::crypto::sha256_hex(session.as_bytes());
        let record = self.store.find_auth_session(&id_hash).await?.ok_or_else(invalid)?;
        if record.expires_at <= self.clock.now() {
            return Err(UserError::NotAuthorized("Invalid session for the user, session is expired.".into()));
        }
        let plain = self.master.open(STATE_CONTEXT, &record.sealed).map_err(|_| invalid())?;
        let state: SessionState = serde_json::from_slice(&plain).map_err(|_| invalid())?;
        if state.step != step {
            return Err(invalid());
        }
        Ok(OpenSession { record, state })
    }

    /// The next MFA_SETUP session after an AssociateSoftwareToken / VerifySoftwareToken.
    pub(super) async fn continue_setup(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        previous: &OpenSession,
        verified: bool,
    ) -> Result<String, UserError> {
        let mut st = Self::state(Step::MfaSetup, &user.username);
        st.device_key = previous.state.device_key.clone();
        st.options = vec![MfaFactor::SoftwareToken];
        st.setup_verified = verified;
        self.new_session(pool, client, &user.username_key, &st).await
    }

    /// Finds the session for `step` of `client`, naming `username`: anything else
    /// (unknown, expired, another client, another step, another user) is refused as
    /// Cognito refuses it.
    async fn open(
        &self,
        pool: &UserPool,
        session: &str,
        client: &AppClient,
        step: Step,
        username: &str,
    ) -> Result<OpenSession, UserError> {
        let OpenSession { record, state } = self.load_session(session, step).await?;
        if record.client_id != client.id.as_str() {
            return Err(UserError::NotAuthorized("Invalid session for the user.".into()));
        }
        // The answer names the user by the name the challenge gave, or any name that
        // resolves to the same account (Amplify sends the e-mail address it signed in with).
        let named = state.username == username
            || lookup_form(&pool.config, username) == record.username_key
            || self.lookup(pool, username).await?.is_some_and(|u| u.username_key == record.username_key);
        if !named || record.pool_id != pool.id {
            return Err(UserError::NotAuthorized("Invalid session for the user.".into()));
        }
        Ok(OpenSession { record, state })
    }

    /// Uses the session up: exactly one of several concurrent answers gets through.
    pub(super) async fn take(&self, s: &OpenSession) -> Result<(), UserError> {
        if self.store.take_auth_session(&s.record.id_hash, s.record.failures).await? {
            Ok(())
        } else {
            Err(UserError::NotAuthorized("Invalid session for the user.".into()))
        }
    }

    async fn wrong_answer(&self, s: &OpenSession) -> Result<(), UserError> {
        self.store.fail_auth_session(&s.record.id_hash, MAX_SESSION_FAILURES, self.clock.now()).await?;
        Ok(())
    }

    pub(super) fn state(step: Step, username: &str) -> SessionState {
        SessionState {
            step,
            username: username.to_owned(),
            simulated: false,
            srp: None,
            code: None,
            options: Vec::new(),
            setup_verified: false,
            device_key: None,
        }
    }

    // ---- what comes next --------------------------------------------------------------

    /// The one decision every path takes after a first factor: a new password when the
    /// current one is temporary, then MFA as the pool and user have it, else done.
    pub(super) async fn next_after_password(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: User,
        device: Option<String>,
    ) -> Result<SignInStep, UserError> {
        if user.status == UserStatus::ForceChangePassword {
            let required = pool
                .config
                .schema
                .iter()
                .filter(|a| a.required && a.name != "sub" && !user.attributes.contains_key(&a.name))
                .map(|a| format!("userAttributes.{}", a.name))
                .collect();
            let mut shown = user.attributes.clone();
            shown.remove("sub");
            let challenge = Challenge::NewPasswordRequired { required_attributes: required, user_attributes: shown };
            let mut st = Self::state(Step::NewPasswordRequired, &user.username);
            st.device_key = device;
            return self.challenge(pool, client, &user, challenge, st).await;
        }
        self.next_factor(pool, client, user, device).await
    }

    /// The factors `user` can answer now: turned on, offered by the pool, and with a
    /// verified destination.
    fn usable_factors(pool: &UserPool, user: &User) -> Vec<MfaFactor> {
        [MfaFactor::SoftwareToken, MfaFactor::Sms, MfaFactor::Email]
            .into_iter()
            .filter(|f| pool.config.mfa_factors.offers(*f) && user.mfa.has(*f) && Self::reachable(user, *f))
            .collect()
    }

    fn reachable(user: &User, f: MfaFactor) -> bool {
        let verified = |a: &str| user.attr(a).is_some() && user.verified(a);
        match f {
            MfaFactor::SoftwareToken => user.mfa.totp_verified && user.mfa.totp_secret.is_some(),
            MfaFactor::Sms => verified("phone_number"),
            MfaFactor::Email => verified("email"),
        }
    }

    async fn next_factor(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: User,
        device: Option<String>,
    ) -> Result<SignInStep, UserError> {
        if let (Some(settings), Some(key)) = (pool.config.devices, device.as_deref()) {
            let d = self.users_device(pool, &user, key).await?;
            // A confirmed device the user remembers (or any confirmed device, when devices
            // are remembered without asking) proves itself instead of a second factor.
            if d.confirmed
                && d.sealed_verifier.is_some()
                && (d.remembered || !settings.device_only_remembered_on_user_prompt)
            {
                let mut st = Self::state(Step::DeviceSrpAuth, &user.username);
                st.device_key = device;
                return self.challenge(pool, client, &user, Challenge::DeviceSrpAuth, st).await;
            }
        }
        if pool.config.mfa != MfaMode::Off {
            // Wrong second-factor codes lock on their own counter, which a right password
            // does not reset; while it is locked no new challenge is issued.
            drop(self.reserve_attempt(mfa_lockout_key(pool, &user)).await?);
        }
        let usable = Self::usable_factors(pool, &user);
        let pick = match (pool.config.mfa, usable.as_slice()) {
            (MfaMode::Off, _) | (MfaMode::Optional, []) => return Ok(SignInStep::Done(Box::new(user), device)),
            (MfaMode::On, []) => {
                // Required and nothing turned on: a verified phone or address the pool
                // sends codes to is used as it is (Cognito's behaviour for SMS), else
                // the user sets up an authenticator now.
                let fallback = [MfaFactor::Sms, MfaFactor::Email]
                    .into_iter()
                    .find(|f| pool.config.mfa_factors.offers(*f) && Self::reachable(&user, *f));
                match fallback {
                    Some(f) => f,
                    None if pool.config.mfa_factors.software_token => {
                        let mut st = Self::state(Step::MfaSetup, &user.username);
                        st.device_key = device;
                        st.options = vec![MfaFactor::SoftwareToken];
                        let challenge = Challenge::MfaSetup { can_setup: st.options.clone() };
                        return self.challenge(pool, client, &user, challenge, st).await;
                    }
                    None => {
                        return Err(UserError::InvalidParameter(
                            "MFA is required but the user has no verified phone number or e-mail address and \
                             the pool offers no authenticator app."
                                .into(),
                        ))
                    }
                }
            }
            (_, [one]) => *one,
            (_, several) => match user.mfa.preferred.filter(|p| several.contains(p)) {
                Some(p) => p,
                None => {
                    let mut st = Self::state(Step::SelectMfaType, &user.username);
                    st.device_key = device;
                    st.options = several.to_vec();
                    let challenge = Challenge::SelectMfaType { options: several.to_vec() };
                    return self.challenge(pool, client, &user, challenge, st).await;
                }
            },
        };
        self.factor_challenge(pool, client, &user, pick, device).await
    }

    /// The challenge of one factor; SMS and e-mail codes are sent now.
    async fn factor_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        factor: MfaFactor,
        device: Option<String>,
    ) -> Result<SignInStep, UserError> {
        match factor {
            MfaFactor::SoftwareToken => {
                let mut st = Self::state(Step::SoftwareTokenMfa, &user.username);
                st.device_key = device;
                self.challenge(pool, client, user, Challenge::SoftwareTokenMfa, st).await
            }
            MfaFactor::Sms | MfaFactor::Email => {
                let (attribute, step) = match factor {
                    MfaFactor::Sms => ("phone_number", Step::SmsMfa),
                    _ => ("email", Step::EmailOtp),
                };
                let code = Code::generate();
                let template = match factor {
                    MfaFactor::Sms => {
                        pool.config.templates.sms_authentication_message.clone().map(|b| (String::new(), b))
                    }
                    _ => Some(pool.config.mfa_factors.email_template()),
                };
                let (message, delivery) = self.attribute_code_message(pool, user, attribute, &code, template, false)?;
                // Only the message is written: the user does not change.
                self.store.queue_message(&OutboxRecord::seal(&self.master, &message, self.clock.now())).await?;
                self.notify.notify_one();
                let mut st = Self::state(step, &user.username);
                st.device_key = device;
                let expires = self.clock.now().plus(MFA_CODE_LIFETIME).millis();
                st.code = Some((self.master.mac(MFA_CODE_CONTEXT, code.secret().as_bytes()), expires));
                let challenge = match factor {
                    MfaFactor::Sms => Challenge::SmsMfa { destination: delivery.destination },
                    _ => Challenge::EmailOtp { destination: delivery.destination },
                };
                self.challenge(pool, client, user, challenge, st).await
            }
        }
    }

    async fn challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        challenge: Challenge,
        state: SessionState,
    ) -> Result<SignInStep, UserError> {
        let session = self.new_session(pool, client, &user.username_key, &state).await?;
        Ok(SignInStep::Challenge { session, challenge, username: user.username.clone() })
    }

    /// Issues tokens for a finished sign-in, or passes the challenge on.
    pub(super) async fn finish(
        &self,
        pool: &UserPool,
        client: &AppClient,
        step: SignInStep,
    ) -> Result<AuthStep, UserError> {
        match step {
            SignInStep::Done(user, device) => {
                let user = *user;
                let now = self.clock.now();
                let (device_key, new_device) = self.device_of_sign_in(pool, &user, device).await?;
                let groups = self.store.groups_of_user(&pool.id, &user.username_key).await?;
                let grant = crate::token::Grant { device_key, ..Default::default() };
                let tokens = self.tokens.issue_with(pool, client, &user, &groups, now, None, &grant).await?;
                Ok(AuthStep::Authenticated(tokens, new_device))
            }
            SignInStep::Challenge { session, challenge, username } => {
                Ok(AuthStep::Challenge { session, challenge, username })
            }
        }
    }

    /// Every password write: policy-free (callers check the policy and history first),
    /// it moves the current hash into the history (kept to the pool's size), stores the
    /// new argon2id hash and derives the SRP verifier.
    pub(super) async fn store_password(
        &self,
        pool: &UserPool,
        user: &mut User,
        password: Password,
    ) -> Result<(), UserError> {
        self.derive_verifier(pool, user, &password);
        let hash = password::hash(password).await?;
        if let Some(old) = user.password_hash.take() {
            let keep = (pool.config.password_policy.password_history_size as usize).clamp(1, 24);
            user.password_history.insert(0, old);
            user.password_history.truncate(keep);
        }
        user.password_hash = Some(hash);
        Ok(())
    }

    // ---- answers ------------------------------------------------------------------------

    /// RespondToAuthChallenge (and the admin form, with `pool_id`): checks the session
    /// for this step, client and user, then the answer, then decides what comes next.
    #[allow(clippy::too_many_arguments)]
    pub async fn respond(
        &self,
        client_id: &str,
        pool_id: Option<&str>,
        session: &str,
        username: &str,
        answer: Answer,
        secret_hash: Option<&str>,
        source: Source,
    ) -> Result<AuthStep, UserError> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        if pool_id.is_some_and(|p| p != pool.id.as_str()) {
            return Err(UserError::ResourceNotFound(format!("User pool client {client_id} does not exist.")));
        }
        self.check_secret(&client, username, secret_hash)?;
        let step = self.answer(&pool, &client, session, username, answer, source).await?;
        self.finish(&pool, &client, step).await
    }

    /// The hosted pages' answer to a challenge: the same rules, returning the user when done.
    pub async fn hosted_respond(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session: &str,
        username: &str,
        answer: Answer,
        source: Source,
    ) -> Result<SignInStep, UserError> {
        self.answer(pool, client, session, username, answer, source).await
    }

    async fn answer(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session: &str,
        username: &str,
        answer: Answer,
        source: Source,
    ) -> Result<SignInStep, UserError> {
        let from_block;
        let session = match &answer {
            Answer::PasswordVerifier { secret_block, .. } if session.is_empty() => {
                from_block = session_of_block(secret_block);
                from_block.as_str()
            }
            _ => session,
        };
        let s = self.open(pool, session, client, answer.step(), username).await?;
        match answer {
            Answer::PasswordVerifier { secret_block, timestamp, signature, device_key } => {
                self.take(&s).await?;
                let user =
                    self.check_srp_proof(pool, client, &s, &secret_block, &timestamp, &signature, source).await?;
                self.next_after_password(pool, client, user, device_key.or_else(|| s.state.device_key.clone())).await
            }
            Answer::NewPassword { password, attributes } => {
                let user = self.session_user(pool, &s).await?;
                if user.status != UserStatus::ForceChangePassword {
                    return Err(UserError::NotAuthorized("Invalid session for the user.".into()));
                }
                let user = self.complete_new_password(pool, user, password, attributes, &s).await?;
                self.next_factor(pool, client, user, s.state.device_key.clone()).await
            }
            Answer::Code { factor, code } => {
                let user = self.session_user(pool, &s).await?;
                let reservation = self.reserve_attempt(mfa_lockout_key(pool, &user)).await?;
                let ok = match factor {
                    // Beyond Cognito: a recovery code stands in for the authenticator.
                    MfaFactor::SoftwareToken if crate::auth::recovery_code_form(&code).is_some() => {
                        self.spend_recovery_code(&user, &code).await?
                    }
                    MfaFactor::SoftwareToken => match self.check_totp(&user, &code).await? {
                        TotpCheck::Accepted => true,
                        TotpCheck::Wrong => false,
                        TotpCheck::Used => {
                            // A right code used before: no guess, but refused (as Cognito).
                            drop(reservation);
                            return Err(UserError::SoftwareTokenUsed);
                        }
                    },
                    MfaFactor::Sms | MfaFactor::Email => {
                        let Some((mac, expires)) = &s.state.code else { return Err(UserError::ExpiredCode) };
                        if *expires <= self.clock.now().millis() {
                            // An expired code is no guess: nothing is counted.
                            drop(reservation);
                            self.take(&s).await?;
                            return Err(UserError::ExpiredCode);
                        }
                        crate::crypto::ct_eq(
                            self.master.mac(MFA_CODE_CONTEXT, code.trim().as_bytes()).as_bytes(),
                            mac.as_bytes(),
                        )
                    }
                };
                let event = AuthEvent { pool, client: client.id.as_str(), typed: username, source };
                if !ok {
                    reservation.failed(&*self.store, self.clock.now()).await?;
                    self.wrong_answer(&s).await?;
                    event.log(Some(&user), "wrong_mfa_code");
                    return Err(UserError::CodeMismatch);
                }
                self.take(&s).await?;
                reservation.succeeded(&*self.store).await?;
                event.log(Some(&user), "mfa_verified");
                Ok(SignInStep::Done(Box::new(user), s.state.device_key.clone()))
            }
            Answer::SelectMfaType(factor) => {
                if !s.state.options.contains(&factor) {
                    return Err(UserError::InvalidParameter(
                        "The chosen MFA type is not available to this user.".into(),
                    ));
                }
                self.take(&s).await?;
                let user = self.session_user(pool, &s).await?;
                self.factor_challenge(pool, client, &user, factor, s.state.device_key.clone()).await
            }
            Answer::MfaSetup => {
                if !s.state.setup_verified {
                    return Err(UserError::InvalidParameter(
                        "Verify the software token with VerifySoftwareToken before answering MFA_SETUP.".into(),
                    ));
                }
                self.take(&s).await?;
                let user = self.session_user(pool, &s).await?;
                Ok(SignInStep::Done(Box::new(user), s.state.device_key.clone()))
            }
            Answer::DeviceSrpAuth { device_key, srp_a } => {
                let user = self.session_user(pool, &s).await?;
                if s.state.device_key.as_deref() != Some(device_key.as_str()) || srp::parse_hex(&srp_a).is_none() {
                    return Err(UserError::NotAuthorized("Invalid session for the user.".into()));
                }
                self.take(&s).await?;
                let (challenge, st) = self.device_challenge(pool, &user, device_key, srp_a).await?;
                self.challenge(pool, client, &user, challenge, st).await
            }
            Answer::DevicePasswordVerifier { device_key, secret_block, timestamp, signature } => {
                let user = self.session_user(pool, &s).await?;
                self.take(&s).await?;
                let event = AuthEvent { pool, client: client.id.as_str(), typed: username, source };
                let proof = DeviceProof {
                    device_key: &device_key,
                    secret_block: &secret_block,
                    timestamp: &timestamp,
                    signature: &signature,
                };
                self.check_device_proof(pool, &user, &s, proof, &event).await?;
                Ok(SignInStep::Done(Box::new(user), Some(device_key)))
            }
        }
    }

    /// NEW_PASSWORD_REQUIRED: the new password (policy, no reuse of the temporary one),
    /// the required attributes, and the session used up in the same breath.
    async fn complete_new_password(
        &self,
        pool: &UserPool,
        mut user: User,
        new_password: Password,
        attributes: Vec<(String, String)>,
        s: &OpenSession,
    ) -> Result<User, UserError> {
        if let Some(v) = pool.config.password_policy.violation(new_password.secret()) {
            return Err(UserError::InvalidPassword(v));
        }
        let mut attrs = user.attributes.clone();
        for (k, v) in attributes {
            attrs.insert(k, v);
        }
        let mut checked: BTreeMap<String, String> =
            attrs.iter().filter(|(k, _)| *k != "sub").map(|(k, v)| (k.clone(), v.clone())).collect();
        self.check_attributes(&pool.config, &mut checked, false, true)?;
        attrs.extend(checked);
        self.take(s).await?;
        user.attributes = attrs;
        self.store_password(pool, &mut user, new_password).await?;
        user.temporary_password_expires_at = None;
        user.status = UserStatus::Confirmed;
        user.updated_at = self.clock.now();
        let w = self.write(pool, &user);
        match self.store.update_user(&w).await {
            Ok(_) => Ok(user),
            Err(e) if is_conflict_on(&e, "user_aliases") => {
                Err(UserError::AliasExists("An account with the email already exists.".into()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The user a session is for, still allowed to sign in.
    async fn session_user(&self, pool: &UserPool, s: &OpenSession) -> Result<User, UserError> {
        if s.state.simulated {
            return Err(UserError::NotAuthorized("Incorrect username or password.".into()));
        }
        let user = self
            .store
            .find_user(&pool.id, &s.record.username_key)
            .await?
            .ok_or_else(|| UserError::NotAuthorized("Invalid session for the user.".into()))?;
        if !user.enabled {
            return Err(UserError::NotAuthorized("User is disabled.".into()));
        }
        Ok(user)
    }
}

/// The lockout counter of second-factor codes (SECURITY.md A-06: five wrong MFA codes
/// lock as five wrong passwords do).
pub(super) fn mfa_lockout_key(pool: &UserPool, user: &User) -> String {
    throttle::key("mfa", &format!("{}\0{}", pool.id.as_str(), user.sub))
}

/// MAC context of MFA codes kept in a session.
const MFA_CODE_CONTEXT: &str = "cognate/mfa_code/v1";
