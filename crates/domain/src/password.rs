//! Password hashing with argon2id at OWASP's recommended parameters
//! (m = 19 MiB, t = 2, p = 1: OWASP Password Storage Cheat Sheet).
//!
//! Hashing is CPU-bound for tens of milliseconds, so the async helpers run it on
//! tokio's blocking pool and never on the runtime's worker threads.

use crate::secret::Password;
use argon2::password_hash::{PasswordHash as PhcHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

/// A PHC-format argon2id hash. Deliberately not `Serialize`: it never leaves the server.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash([redacted])")
    }
}

impl PasswordHash {
    /// Wraps a PHC string read from storage.
    pub fn from_phc(phc: String) -> Self {
        PasswordHash(phc)
    }

    /// The PHC string, for storage.
    pub fn as_phc(&self) -> &str {
        &self.0
    }
}

/// Hashing failed: only possible with a broken parameter set.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

fn hasher() -> Argon2<'static> {
    // Constants are valid by construction; Params::DEFAULT is the fallback that cannot fail.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes `password` with a fresh random salt (blocking).
pub fn hash_blocking(password: &Password) -> Result<PasswordHash, HashError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    hasher()
        .hash_password(password.secret().as_bytes(), &salt)
        .map(|h| PasswordHash(h.to_string()))
        .map_err(|e| HashError(e.to_string()))
}

/// Checks `password` against `hash` (blocking). A malformed stored hash never verifies.
pub fn verify_blocking(password: &Password, hash: &PasswordHash) -> bool {
    match PhcHash::new(&hash.0) {
        Ok(parsed) => hasher().verify_password(password.secret().as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, computed once. Verifying against it when the account
/// does not exist makes "no such account" cost the same time as "wrong password".
fn dummy_hash() -> &'static PasswordHash {
    static DUMMY: OnceLock<PasswordHash> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let p = Password::new(crate::crypto::random_token(24));
        hash_blocking(&p).unwrap_or_else(|_| PasswordHash(String::new()))
    })
}

/// Hashes on the blocking pool.
pub async fn hash(password: Password) -> Result<PasswordHash, HashError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await.map_err(|e| HashError(e.to_string()))?
}

/// Verifies on the blocking pool; with `None` it verifies against a dummy hash and
/// returns false, taking the same time as a real check.
pub async fn verify(password: Password, hash: Option<PasswordHash>) -> bool {
    tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_blocking(&password, &h),
        None => {
            verify_blocking(&password, dummy_hash());
            false
        }
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only_and_uses_argon2id_owasp_parameters() {
        let h = hash_blocking(&Password::new("correct horse")).unwrap();
        assert!(h.as_phc().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_blocking(&Password::new("correct horse"), &h));
        assert!(!verify_blocking(&Password::new("wrong horse"), &h));
        assert!(!verify_blocking(&Password::new("x"), &PasswordHash::from_phc("garbage".into())));
    }

    #[tokio::test]
    async fn verifying_without_an_account_is_always_false() {
        assert!(!verify(Password::new("anything"), None).await);
    }
}
