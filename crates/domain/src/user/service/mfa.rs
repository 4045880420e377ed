//! A user's second factors: associating and verifying an authenticator (by access token,
//! or by session during MFA_SETUP), preferences (and the legacy MFAOptions), and what
//! an administrator may reset.

use super::signin::TotpCheck;
use super::*;
use crate::auth::{totp, MfaFactor, Step};

/// Who asks: a signed-in user, or a sign-in waiting in MFA_SETUP.
pub enum TokenOrSession<'a> {
    /// `AccessToken`.
    AccessToken(&'a str),
    /// `Session` of an MFA_SETUP challenge.
    Session(&'a str),
}

/// One factor's `{Enabled, PreferredMfa}`; `None` leaves it as it is.
#[derive(Clone, Copy, Debug, Default)]
pub struct FactorSetting {
    /// Turn on or off.
    pub enabled: Option<bool>,
    /// Make it the one asked for first.
    pub preferred: Option<bool>,
}

/// SetUserMFAPreference / AdminSetUserMFAPreference.
#[derive(Clone, Copy, Debug, Default)]
pub struct MfaPreferences {
    /// `SMSMfaSettings`.
    pub sms: Option<FactorSetting>,
    /// `SoftwareTokenMfaSettings`.
    pub software_token: Option<FactorSetting>,
    /// `EmailMfaSettings`.
    pub email: Option<FactorSetting>,
}

impl UserService {
    /// AssociateSoftwareToken: a new secret, pending until a code from it verifies.
    /// With a session, a new session is returned (the old one is used up).
    pub async fn associate_software_token(
        &self,
        who: TokenOrSession<'_>,
    ) -> Result<(String, Option<String>), UserError> {
        let secret = totp::generate_secret();
        match who {
            TokenOrSession::AccessToken(token) => {
                let (mut user, _) = self.from_access_token(token).await?;
                let pool = self.pool(user.pool_id.as_str()).await?;
                self.require_totp_offered(&pool)?;
                user.mfa.totp_pending = Some(self.seal_totp_secret(&user, &secret));
                self.save_mfa(&pool, &user).await?;
                Ok((totp::secret_base32(&secret), None))
            }
            TokenOrSession::Session(session) => {
                let (pool, client, s) = self.setup_session(session).await?;
                let mut user = self.setup_user(&pool, &s.record.username_key).await?;
                self.require_totp_offered(&pool)?;
                self.take(&s).await?;
                user.mfa.totp_pending = Some(self.seal_totp_secret(&user, &secret));
                self.save_mfa(&pool, &user).await?;
                let next = self.continue_setup(&pool, &client, &user, &s, false).await?;
                Ok((totp::secret_base32(&secret), Some(next)))
            }
        }
    }

    /// VerifySoftwareToken: a code from the pending secret makes it the user's
    /// authenticator. During MFA_SETUP it is also turned on and preferred, and the new
    /// session lets the MFA_SETUP answer finish the sign-in. Wrong codes count toward
    /// the account's lockout.
    pub async fn verify_software_token(
        &self,
        who: TokenOrSession<'_>,
        code: &str,
    ) -> Result<Option<String>, UserError> {
        let (pool, mut user, setup) = match who {
            TokenOrSession::AccessToken(token) => {
                let (user, _) = self.from_access_token(token).await?;
                (self.pool(user.pool_id.as_str()).await?, user, None)
            }
            TokenOrSession::Session(session) => {
                let (pool, client, s) = self.setup_session(session).await?;
                let user = self.setup_user(&pool, &s.record.username_key).await?;
                (pool, user, Some((client, s)))
            }
        };
        let pending = user.mfa.totp_pending.clone().ok_or(UserError::SoftwareTokenMfaNotFound)?;
        let reservation = self.reserve_attempt(super::signin::mfa_lockout_key(&pool, &user)).await?;
        let secret = self
            .open_totp(&user, &pending)
            .ok_or_else(|| UserError::Internal("stored TOTP secret does not open".into()))?;
        match self.check_totp_with(&user, &secret, code).await? {
            TotpCheck::Accepted => {}
            TotpCheck::Used => {
                drop(reservation);
                return Err(UserError::SoftwareTokenUsed);
            }
            TotpCheck::Wrong => {
                reservation.failed(&*self.store, self.clock.now()).await?;
                return Err(UserError::EnableSoftwareTokenMfa);
            }
        }
        reservation.succeeded(&*self.store).await?;
        user.mfa.totp_secret = user.mfa.totp_pending.take();
        user.mfa.totp_verified = true;
        if let Some((client, s)) = setup {
            self.take(&s).await?;
            user.mfa.set(MfaFactor::SoftwareToken, true);
            user.mfa.preferred = Some(MfaFactor::SoftwareToken);
            self.save_mfa(&pool, &user).await?;
            return Ok(Some(self.continue_setup(&pool, &client, &user, &s, true).await?));
        }
        self.save_mfa(&pool, &user).await?;
        Ok(None)
    }

    /// SetUserMFAPreference.
    pub async fn set_mfa_preference(&self, access_token: &str, prefs: MfaPreferences) -> Result<(), UserError> {
        let (mut user, _) = self.from_access_token(access_token).await?;
        let pool = self.pool(user.pool_id.as_str()).await?;
        self.apply_preferences(&pool, &mut user, prefs)?;
        self.save_mfa(&pool, &user).await
    }

    /// AdminSetUserMFAPreference.
    pub async fn admin_set_mfa_preference(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        username: &str,
        prefs: MfaPreferences,
    ) -> Result<(), UserError> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)?;
        self.apply_preferences(&pool, &mut user, prefs)?;
        self.save_mfa(&pool, &user).await
    }

    /// SetUserSettings (legacy `MFAOptions`): SMS on when the list names it, off when empty.
    pub async fn set_user_settings(&self, access_token: &str, sms: bool) -> Result<(), UserError> {
        let (mut user, _) = self.from_access_token(access_token).await?;
        let pool = self.pool(user.pool_id.as_str()).await?;
        user.mfa.set(MfaFactor::Sms, sms);
        self.save_mfa(&pool, &user).await
    }

    /// AdminSetUserSettings.
    pub async fn admin_set_user_settings(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        username: &str,
        sms: bool,
    ) -> Result<(), UserError> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)?;
        user.mfa.set(MfaFactor::Sms, sms);
        self.save_mfa(&pool, &user).await
    }

    /// AdminDeleteSoftwareToken: forgets the user's authenticator (a lost phone).
    pub async fn admin_delete_software_token(
        &self,
        _ctx: &WriteCtx,
        pool_id: &str,
        username: &str,
    ) -> Result<(), UserError> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.lookup(&pool, username).await?.ok_or(UserError::UserNotFound)?;
        if user.mfa.totp_secret.is_none() && user.mfa.totp_pending.is_none() {
            return Err(UserError::SoftwareTokenMfaNotFound);
        }
        user.mfa.totp_secret = None;
        user.mfa.totp_pending = None;
        user.mfa.totp_verified = false;
        user.mfa.recovery_codes.clear();
        user.mfa.set(MfaFactor::SoftwareToken, false);
        self.save_mfa(&pool, &user).await
    }

    /// New recovery codes for the user of an MFA_SETUP session whose authenticator was just
    /// verified (the hosted set-up shows them once); they replace any earlier ones.
    pub async fn recovery_codes_for_setup(&self, session: &str) -> Result<Vec<String>, UserError> {
        let (pool, _, s) = self.setup_session(session).await?;
        if !s.state.setup_verified {
            return Err(UserError::NotAuthorized("Invalid session for the user.".into()));
        }
        let mut user = self.setup_user(&pool, &s.record.username_key).await?;
        let codes: Vec<String> = (0..crate::auth::RECOVERY_CODES).map(|_| crate::auth::new_recovery_code()).collect();
        user.mfa.recovery_codes = codes
            .iter()
            .filter_map(|c| crate::auth::recovery_code_form(c))
            .map(|c| self.master.mac(&recovery_context(&user), c.as_bytes()))
            .collect();
        self.save_mfa(&pool, &user).await?;
        Ok(codes)
    }

    /// Spends a recovery code in place of an authenticator code: true when it was one of
    /// the user's unused codes (and is now used up), false otherwise.
    pub(super) async fn spend_recovery_code(&self, user: &User, typed: &str) -> Result<bool, UserError> {
        let Some(code) = crate::auth::recovery_code_form(typed) else { return Ok(false) };
        let mac = self.master.mac(&recovery_context(user), code.as_bytes());
        let Some(i) = user.mfa.recovery_codes.iter().position(|h| crate::crypto::ct_eq(h.as_bytes(), mac.as_bytes()))
        else {
            return Ok(false);
        };
        let mut spent = user.mfa.clone();
        spent.recovery_codes.remove(i);
        Ok(self.store.swap_user_mfa(&user.pool_id, &user.username_key, &user.mfa, &spent).await?)
    }

    fn apply_preferences(&self, pool: &UserPool, user: &mut User, prefs: MfaPreferences) -> Result<(), UserError> {
        let each = [
            (MfaFactor::Sms, prefs.sms),
            (MfaFactor::SoftwareToken, prefs.software_token),
            (MfaFactor::Email, prefs.email),
        ];
        for (factor, setting) in each {
            let Some(setting) = setting else { continue };
            let on = setting.enabled.unwrap_or(user.mfa.has(factor)) || setting.preferred == Some(true);
            if on && !user.mfa.has(factor) {
                match factor {
                    MfaFactor::SoftwareToken if !user.mfa.totp_verified => {
                        return Err(UserError::InvalidParameter("User has not verified software token mfa".into()))
                    }
                    MfaFactor::Sms if user.attr("phone_number").is_none() => {
                        return Err(UserError::InvalidParameter("User does not have a phone number.".into()))
                    }
                    MfaFactor::Email if !user.verified("email") => {
                        return Err(UserError::InvalidParameter("User does not have a verified email address.".into()))
                    }
                    MfaFactor::Email if !pool.config.mfa_factors.email => {
                        return Err(UserError::InvalidParameter("Email MFA is not enabled for this user pool.".into()))
                    }
                    _ => {}
                }
            }
            user.mfa.set(factor, on);
            match setting.preferred {
                Some(true) => user.mfa.preferred = Some(factor),
                Some(false) if user.mfa.preferred == Some(factor) => user.mfa.preferred = None,
                _ => {}
            }
        }
        Ok(())
    }

    fn require_totp_offered(&self, pool: &UserPool) -> Result<(), UserError> {
        if pool.config.mfa_factors.software_token {
            Ok(())
        } else {
            Err(UserError::NotAuthorized("Software Token MFA is not enabled for this user pool.".into()))
        }
    }

    async fn save_mfa(&self, pool: &UserPool, user: &User) -> Result<(), UserError> {
        let w = self.write(pool, user);
        match self.store.update_user(&w).await? {
            true => Ok(()),
            false => Err(UserError::UserNotFound),
        }
    }

    async fn setup_user(&self, pool: &UserPool, username_key: &str) -> Result<User, UserError> {
        self.store
            .find_user(&pool.id, username_key)
            .await?
            .ok_or_else(|| UserError::NotAuthorized("Invalid session for the user.".into()))
    }

    /// The MFA_SETUP session a software-token call names (it carries no user name: the
    /// session is the user's credential here).
    async fn setup_session(&self, session: &str) -> Result<(UserPool, AppClient, SetupSession), UserError> {
        let s = self.open_any(session, Step::MfaSetup).await?;
        let client = self
            .clients
            .find(&s.record.client_id)
            .await?
            .ok_or_else(|| UserError::NotAuthorized("Invalid session for the user.".into()))?;
        let pool = self.pool(s.record.pool_id.as_str()).await?;
        Ok((pool, client, s))
    }
}

/// An open MFA_SETUP session.
pub(super) type SetupSession = super::signin::OpenSession;

impl UserService {
    /// A TOTP code of the user's verified secret, within one step of now and later than
    /// any code accepted before (recorded atomically, so a code works once).
    pub(super) async fn check_totp(&self, user: &User, code: &str) -> Result<TotpCheck, UserError> {
        let Some(secret) = self.open_totp_secret(user) else { return Ok(TotpCheck::Wrong) };
        self.check_totp_with(user, &secret, code).await
    }

    pub(super) async fn check_totp_with(&self, user: &User, secret: &[u8], code: &str) -> Result<TotpCheck, UserError> {
        let now = self.clock.now().millis().div_euclid(1000);
        match totp::matching_step(secret, code.trim(), now) {
            Some(step) if self.store.use_totp_step(&user.pool_id, &user.username_key, step).await? => {
                Ok(TotpCheck::Accepted)
            }
            Some(_) => Ok(TotpCheck::Used),
            None => Ok(TotpCheck::Wrong),
        }
    }

    pub(super) fn open_totp_secret(&self, user: &User) -> Option<Vec<u8>> {
        self.open_totp(user, user.mfa.totp_secret.as_deref()?)
    }

    pub(super) fn open_totp(&self, user: &User, sealed: &str) -> Option<Vec<u8>> {
        let sealed = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        self.master.open(&totp_context(user), &sealed).ok()
    }

    pub(super) fn seal_totp_secret(&self, user: &User, secret: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(self.master.seal(&totp_context(user), secret))
    }
}

fn totp_context(user: &User) -> String {
    format!("cognate/totp_secret/v1/{}/{}", user.pool_id.as_str(), user.username_key)
}

fn recovery_context(user: &User) -> String {
    format!("cognate/recovery_code/v1/{}/{}", user.pool_id.as_str(), user.username_key)
}
