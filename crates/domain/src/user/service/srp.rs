//! SRP as Cognito runs it, on the service side: USER_SRP_AUTH's first step (the user's
//! salt and a fresh `B`, or a simulated pair for a name without a verifier), the
//! PASSWORD_VERIFIER proof under the account's lockout, the verifier every password write
//! derives, and a remembered device's own SRP (DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER).

use super::auth::AuthEvent;
use super::signin::{OpenSession, SessionState};
use super::*;
use crate::auth::srp;
use crate::auth::{Challenge, Step};
use num_bigint::BigUint;

/// How far an SRP `TIMESTAMP` may be from the server's clock.
pub const SRP_TIMESTAMP_SKEW: Duration = Duration::from_secs(15 * 60);

#[derive(Serialize, Deserialize)]
pub(super) struct SrpState {
    pub(super) a: String,
    pub(super) b: String,
    pub(super) big_b: String,
    pub(super) secret_block: String,
    pub(super) salt: String,
}

/// A device's answer to DEVICE_PASSWORD_VERIFIER.
pub(super) struct DeviceProof<'a> {
    pub(super) device_key: &'a str,
    pub(super) secret_block: &'a str,
    pub(super) timestamp: &'a str,
    pub(super) signature: &'a str,
}

impl UserService {
    /// USER_SRP_AUTH: the `PASSWORD_VERIFIER` challenge with the user's salt and a fresh
    /// `B`. An unknown name gets a salt derived from it (the same every time) and a `B`
    /// computed the same way, when the client hides user existence.
    pub async fn start_srp(&self, start: super::auth::Start<'_>, srp_a: &str) -> Result<AuthStep, UserError> {
        let super::auth::Start { client_id, pool_id, username, secret_hash, device_key, source } = start;
        let (client, pool) = self.client_and_pool(client_id).await?;
        if pool_id.is_some_and(|p| p != pool.id.as_str()) {
            return Err(UserError::ResourceNotFound(format!("User pool client {client_id} does not exist.")));
        }
        if !client.config.allows(AuthFlow::UserSrp) {
            return Err(UserError::InvalidParameter("USER_SRP_AUTH flow not enabled for this client".into()));
        }
        self.check_secret(&client, username, secret_hash)?;
        check_username(username)?;
        if srp::parse_hex(srp_a).is_none() {
            return Err(UserError::InvalidParameter("SRP_A is not a valid hexadecimal number.".into()));
        }
        if !self.limits.may_sign_in(source, self.clock.now()) {
            return Err(UserError::TooManyRequests);
        }
        let user = self.lookup(&pool, username).await?;
        let (key, user_id, salt, v, simulated) = match user.as_ref().map(|u| (u, self.open_verifier(&pool, u))) {
            Some((u, Some((salt, v)))) => (u.username_key.clone(), u.username.clone(), salt, v, false),
            found => {
                if found.is_none() && !client.config.prevent_user_existence_errors {
                    return Err(UserError::UserNotFound);
                }
                // Unknown (or no verifier yet): the same work and shape as a real user.
                let (salt, v, id) = self.simulated_verifier(&pool, username);
                let user_id = found.map(|(u, _)| u.username.clone()).unwrap_or(id);
                (lookup_form(&pool.config, username), user_id, salt, v, true)
            }
        };
        let hello = srp::server_hello(&v);
        // The secret block carries the session: clients may answer PASSWORD_VERIFIER
        // without `Session` (pycognito does, and Cognito accepts it).
        let token = crate::crypto::random_token(SESSION_BYTES);
        let mut block = token.as_bytes().to_vec();
        let mut extra = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut extra);
        block.extend_from_slice(&extra);
        let secret_block = base64::engine::general_purpose::STANDARD.encode(block);
        let mut st = Self::state(Step::PasswordVerifier, &user_id);
        st.simulated = simulated;
        st.device_key = device_key.map(str::to_owned);
        st.srp = Some(SrpState {
            a: srp_a.to_owned(),
            b: srp::to_hex(&hello.b),
            big_b: srp::to_hex(&hello.big_b),
            secret_block: secret_block.clone(),
            salt: srp::to_hex(&salt),
        });
        let session = self.new_session_named(&pool, &client, &key, &st, token).await?;
        Ok(AuthStep::Challenge {
            session,
            challenge: Challenge::PasswordVerifier {
                salt: srp::to_hex(&salt),
                srp_b: srp::to_hex(&hello.big_b),
                secret_block,
            },
            username: user_id,
        })
    }

    /// The user's salt and verifier, if they have one.
    fn open_verifier(&self, pool: &UserPool, user: &User) -> Option<(BigUint, BigUint)> {
        let sealed = URL_SAFE_NO_PAD.decode(user.srp_verifier.as_deref()?).ok()?;
        let plain = self.master.open(&verifier_context(pool, user), &sealed).ok()?;
        let text = String::from_utf8(plain).ok()?;
        let (salt, v) = text.split_once(':')?;
        Some((srp::parse_hex(salt)?, srp::parse_hex(v)?))
    }

    /// A salt and verifier for a name that has none: derived from the name under the
    /// master key, so the same name always gets the same salt, at a real one's cost.
    fn simulated_verifier(&self, pool: &UserPool, name: &str) -> (BigUint, BigUint, String) {
        let mac = self
            .master
            .mac(&format!("cognate/srp_simulated/v1/{}", pool.id.as_str()), lookup_form(&pool.config, name).as_bytes());
        let salt = srp::parse_hex(&mac[..32]).unwrap_or_default();
        let v = srp::verifier_with_salt(pool_name(pool), name, &mac[32..], &salt);
        // Pools whose user names are generated show a UUID-shaped id, as for real users.
        let id = if pool.config.username_attributes.is_empty() {
            name.to_owned()
        } else {
            let h = &mac[..32];
            format!("{}-{}-4{}-8{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
        };
        (salt, v, id)
    }

    /// Derives and seals the SRP verifier of `password` for `user` (its user id is the
    /// user name, as `USER_ID_FOR_SRP` shows it).
    pub(super) fn derive_verifier(&self, pool: &UserPool, user: &mut User, password: &Password) {
        let (salt, v) = srp::verifier(pool_name(pool), &user.username, password.secret());
        let plain = format!("{}:{}", hex::encode(salt), hex::encode(v));
        user.srp_verifier =
            Some(URL_SAFE_NO_PAD.encode(self.master.seal(&verifier_context(pool, user), plain.as_bytes())));
    }

    /// The SRP proof of a PASSWORD_VERIFIER answer, under the account's lockout.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn check_srp_proof(
        &self,
        pool: &UserPool,
        client: &AppClient,
        s: &OpenSession,
        secret_block: &str,
        timestamp: &str,
        signature: &str,
        source: Source,
    ) -> Result<User, UserError> {
        let event = AuthEvent { pool, client: client.id.as_str(), typed: &s.state.username, source };
        let srp_state =
            s.state.srp.as_ref().ok_or_else(|| UserError::NotAuthorized("Invalid session for the user.".into()))?;
        let user =
            if s.state.simulated { None } else { self.store.find_user(&pool.id, &s.record.username_key).await? };
        let reservation = match self.reserve_attempt(self.lockout_key(pool, &s.state.username, user.as_ref())).await {
            Ok(r) => r,
            Err(e) => {
                event.log(user.as_ref(), "locked");
                return Err(e);
            }
        };
        let now_secs = self.clock.now().millis().div_euclid(1000);
        let fresh = srp::parse_timestamp(timestamp)
            .is_some_and(|t| (t - now_secs).unsigned_abs() <= SRP_TIMESTAMP_SKEW.as_secs());
        if !fresh {
            drop(reservation);
            return Err(UserError::NotAuthorized(
                "TIMESTAMP is missing, malformed or too far from the server's clock.".into(),
            ));
        }
        let block_ok = crate::crypto::ct_eq(secret_block.as_bytes(), srp_state.secret_block.as_bytes());
        let verifier = user.as_ref().and_then(|u| self.open_verifier(pool, u));
        let proof_ok = match (
            &verifier,
            srp::parse_hex(&srp_state.a),
            srp::parse_hex(&srp_state.b),
            srp::parse_hex(&srp_state.big_b),
        ) {
            (Some((_, v)), Some(a), Some(b), Some(big_b)) => {
                let block = base64::engine::general_purpose::STANDARD.decode(secret_block).unwrap_or_default();
                match srp::session_key(&a, v, &srp::ServerHello { b, big_b }) {
                    Ok(key) => srp::check_claim(&key, pool_name(pool), &s.state.username, &block, timestamp, signature),
                    Err(_) => false,
                }
            }
            _ => {
                // No verifier (unknown name): the same arithmetic, always refused.
                if let (Some(a), Some(b), Some(big_b)) =
                    (srp::parse_hex(&srp_state.a), srp::parse_hex(&srp_state.b), srp::parse_hex(&srp_state.big_b))
                {
                    let (_, v, _) = self.simulated_verifier(pool, &s.state.username);
                    let _ = srp::session_key(&a, &v, &srp::ServerHello { b, big_b });
                }
                false
            }
        };
        let ok = block_ok && proof_ok;
        if ok {
            reservation.succeeded(&*self.store).await?;
        } else {
            reservation.failed(&*self.store, self.clock.now()).await?;
        }
        match user {
            Some(u) if ok => {
                self.admit(&event, &u)?;
                Ok(u)
            }
            found => {
                self.limits.failed_sign_in(source, self.clock.now());
                event.log(found.as_ref(), if found.is_some() { "wrong_password" } else { "unknown_user" });
                Err(UserError::NotAuthorized("Incorrect username or password.".into()))
            }
        }
    }

    /// DEVICE_SRP_AUTH: the device's salt and a fresh `B`, as DEVICE_PASSWORD_VERIFIER.
    pub(super) async fn device_challenge(
        &self,
        pool: &UserPool,
        user: &User,
        device_key: String,
        srp_a: String,
    ) -> Result<(Challenge, SessionState), UserError> {
        let device = self.users_device(pool, user, &device_key).await?;
        let (salt, v) = self
            .open_device_verifier(&device)
            .ok_or_else(|| UserError::NotAuthorized("Device is not confirmed.".into()))?;
        let hello = srp::server_hello(&v);
        let mut block = [0u8; 64];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut block);
        let secret_block = base64::engine::general_purpose::STANDARD.encode(block);
        let mut st = Self::state(Step::DevicePasswordVerifier, &user.username);
        st.device_key = Some(device_key.clone());
        st.srp = Some(SrpState {
            a: srp_a,
            b: srp::to_hex(&hello.b),
            big_b: srp::to_hex(&hello.big_b),
            secret_block: secret_block.clone(),
            salt: srp::to_hex(&salt),
        });
        let challenge = Challenge::DevicePasswordVerifier {
            salt: srp::to_hex(&salt),
            srp_b: srp::to_hex(&hello.big_b),
            secret_block,
            device_key,
        };
        Ok((challenge, st))
    }

    /// DEVICE_PASSWORD_VERIFIER: the device's proof (its group key and device key take
    /// the places of pool name and user id).
    pub(super) async fn check_device_proof(
        &self,
        pool: &UserPool,
        user: &User,
        s: &OpenSession,
        proof: DeviceProof<'_>,
        event: &AuthEvent<'_>,
    ) -> Result<(), UserError> {
        let refused = || UserError::NotAuthorized("Incorrect username or password.".into());
        let st = s.state.srp.as_ref().ok_or_else(refused)?;
        if s.state.device_key.as_deref() != Some(proof.device_key) {
            return Err(refused());
        }
        let device = self.users_device(pool, user, proof.device_key).await?;
        let (_, v) = self.open_device_verifier(&device).ok_or_else(refused)?;
        let now_secs = self.clock.now().millis().div_euclid(1000);
        let fresh = srp::parse_timestamp(proof.timestamp)
            .is_some_and(|t| (t - now_secs).unsigned_abs() <= SRP_TIMESTAMP_SKEW.as_secs());
        let block_ok = crate::crypto::ct_eq(proof.secret_block.as_bytes(), st.secret_block.as_bytes());
        let (Some(a), Some(b), Some(big_b)) = (srp::parse_hex(&st.a), srp::parse_hex(&st.b), srp::parse_hex(&st.big_b))
        else {
            return Err(refused());
        };
        let block = base64::engine::general_purpose::STANDARD.decode(proof.secret_block).unwrap_or_default();
        let proof_ok = srp::session_key(&a, &v, &srp::ServerHello { b, big_b }).is_ok_and(|key| {
            srp::check_claim(&key, &device.group_key, &device.device_key, &block, proof.timestamp, proof.signature)
        });
        if !(fresh && block_ok && proof_ok) {
            event.log(Some(user), "wrong_device_proof");
            return Err(refused());
        }
        event.log(Some(user), "device_verified");
        Ok(())
    }
}

/// The part of the pool id after `_`, which Cognito's SRP hashes as the "pool name".
pub(crate) fn pool_name(pool: &UserPool) -> &str {
    pool.id.as_str().rsplit_once('_').map(|(_, n)| n).unwrap_or(pool.id.as_str())
}

fn verifier_context(pool: &UserPool, user: &User) -> String {
    format!("cognate/srp_verifier/v1/{}/{}", pool.id.as_str(), user.username_key)
}

/// Random bytes of a `Session` value (base64url: 64 characters).
pub(super) const SESSION_BYTES: usize = 48;

/// The session a PASSWORD_VERIFIER secret block carries (its first 64 bytes).
pub(super) fn session_of_block(block: &str) -> String {
    let bytes = base64::engine::general_purpose::STANDARD.decode(block.trim()).unwrap_or_default();
    bytes.get(..64).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or_default().to_owned()
}
