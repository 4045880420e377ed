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

/// The client's proof: the secret block it signed, its timestamp and the signature.
pub(super) struct Claim<'a> {
    secret_block: &'a str,
    timestamp: &'a str,
    signature: &'a str,
}

impl SrpState {
    /// The server's side of one exchange for verifier `v`: a fresh `b` and `B`, and a
    /// secret block that starts with `carry` (the session value, so an answer without
    /// `Session` finds it) followed by random bytes.
    fn start(v: &BigUint, salt: &BigUint, srp_a: &str, carry: &[u8]) -> SrpState {
        let hello = srp::server_hello(v);
        let mut block = carry.to_vec();
        let mut extra = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut extra);
        block.extend_from_slice(&extra);
        SrpState {
            a: srp_a.to_owned(),
            b: srp::to_hex(&hello.b),
            big_b: srp::to_hex(&hello.big_b),
            secret_block: base64::engine::general_purpose::STANDARD.encode(block),
            salt: srp::to_hex(salt),
        }
    }

    /// Whether `claim` is this exchange's block signed with the key verifier `v` gives,
    /// for `pool_name` and `user_id` (a device: its group key and device key). The block
    /// is compared in constant time; the key is derived whatever the block.
    fn verify(&self, v: &BigUint, pool_name: &str, user_id: &str, claim: &Claim<'_>) -> bool {
        let block_ok = crate::crypto::ct_eq(claim.secret_block.as_bytes(), self.secret_block.as_bytes());
        let (Some(a), Some(b), Some(big_b)) =
            (srp::parse_hex(&self.a), srp::parse_hex(&self.b), srp::parse_hex(&self.big_b))
        else {
            return false;
        };
        let block = base64::engine::general_purpose::STANDARD.decode(claim.secret_block).unwrap_or_default();
        let proof_ok = srp::session_key(&a, v, &srp::ServerHello { b, big_b })
            .is_ok_and(|key| srp::check_claim(&key, pool_name, user_id, &block, claim.timestamp, claim.signature));
        block_ok && proof_ok
    }
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
        // The secret block carries the session: clients may answer PASSWORD_VERIFIER
        // without `Session` (pycognito does, and Cognito accepts it).
        let token = crate::crypto::random_token(SESSION_BYTES);
        let exchange = SrpState::start(&v, &salt, srp_a, token.as_bytes());
        let challenge = Challenge::PasswordVerifier {
            salt: exchange.salt.clone(),
            srp_b: exchange.big_b.clone(),
            secret_block: exchange.secret_block.clone(),
        };
        let mut st = Self::state(Step::PasswordVerifier, &user_id);
        st.simulated = simulated;
        st.device_key = device_key.map(str::to_owned);
        st.srp = Some(exchange);
        let session = self.new_session_named(&pool, &client, &key, &st, token).await?;
        Ok(AuthStep::Challenge { session, challenge, username: user_id })
    }

    /// The user's salt and verifier, if they have one.
    fn open_verifier(&self, pool: &UserPool, user: &User) -> Option<(BigUint, BigUint)> {
        self.open_salt_verifier(&verifier_context(pool, user), user.srp_verifier.as_deref()?)
    }

    /// A salt and verifier pair sealed with [`Self::seal_salt_verifier`] (a user's or a
    /// device's).
    pub(super) fn open_salt_verifier(&self, context: &str, sealed: &str) -> Option<(BigUint, BigUint)> {
        let plain = self.master.open(context, &URL_SAFE_NO_PAD.decode(sealed).ok()?).ok()?;
        let text = String::from_utf8(plain).ok()?;
        let (salt, v) = text.split_once(':')?;
        Some((srp::parse_hex(salt)?, srp::parse_hex(v)?))
    }

    /// Seals a salt and verifier (big-endian bytes) for storage under `context`.
    pub(super) fn seal_salt_verifier(&self, context: &str, salt: &[u8], v: &[u8]) -> String {
        let plain = format!("{}:{}", hex::encode(salt), hex::encode(v));
        URL_SAFE_NO_PAD.encode(self.master.seal(context, plain.as_bytes()))
    }

    /// A salt and verifier for a name that has none: the salt derived from the name under
    /// the master key, so the same name always gets the same salt. The verifier need not
    /// be a real `g^x` (no proof will match it), so it costs what opening a sealed one
    /// costs: no exponentiation more than a real user's (SECURITY.md A-02).
    fn simulated_verifier(&self, pool: &UserPool, name: &str) -> (BigUint, BigUint, String) {
        let mac = self
            .master
            .mac(&format!("cognate/srp_simulated/v1/{}", pool.id.as_str()), lookup_form(&pool.config, name).as_bytes());
        let salt = srp::parse_hex(&mac[..32]).unwrap_or_default();
        let v = srp::parse_hex(&mac).unwrap_or_default();
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
        user.srp_verifier = Some(self.seal_salt_verifier(&verifier_context(pool, user), &salt, &v));
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
        if !self.timestamp_fresh(timestamp) {
            drop(reservation);
            return Err(UserError::NotAuthorized(
                "TIMESTAMP is missing, malformed or too far from the server's clock.".into(),
            ));
        }
        let claim = Claim { secret_block, timestamp, signature };
        let ok = match user.as_ref().and_then(|u| self.open_verifier(pool, u)) {
            Some((_, v)) => srp_state.verify(&v, pool_name(pool), &s.state.username, &claim),
            None => {
                // No verifier (unknown name): the same arithmetic, always refused.
                let (_, v, _) = self.simulated_verifier(pool, &s.state.username);
                let _ = srp_state.verify(&v, pool_name(pool), &s.state.username, &claim);
                false
            }
        };
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

    /// Whether an SRP `TIMESTAMP` parses and is near the server's clock.
    fn timestamp_fresh(&self, timestamp: &str) -> bool {
        let now_secs = self.clock.now().millis().div_euclid(1000);
        srp::parse_timestamp(timestamp).is_some_and(|t| (t - now_secs).unsigned_abs() <= SRP_TIMESTAMP_SKEW.as_secs())
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
        let exchange = SrpState::start(&v, &salt, &srp_a, &[]);
        let challenge = Challenge::DevicePasswordVerifier {
            salt: exchange.salt.clone(),
            srp_b: exchange.big_b.clone(),
            secret_block: exchange.secret_block.clone(),
            device_key: device_key.clone(),
        };
        let mut st = Self::state(Step::DevicePasswordVerifier, &user.username);
        st.device_key = Some(device_key);
        st.srp = Some(exchange);
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
        let claim = Claim { secret_block: proof.secret_block, timestamp: proof.timestamp, signature: proof.signature };
        let ok = self.timestamp_fresh(proof.timestamp) && st.verify(&v, &device.group_key, &device.device_key, &claim);
        if !ok {
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
