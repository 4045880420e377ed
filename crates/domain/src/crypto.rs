//! Small cryptographic building blocks: the master key that seals secrets at rest,
//! random tokens, digests for values stored hashed, and constant-time comparison.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Errors of the sealing layer.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The master key text is not 32 bytes of base64.
    #[error("the master key must be 32 bytes, base64-encoded")]
    BadMasterKey,
    /// A sealed value failed authentication: wrong master key or tampered data.
    #[error("a sealed secret could not be opened (wrong master key or corrupted data)")]
    OpenFailed,
}

/// The key that encrypts secrets at rest (XChaCha20-Poly1305, random 192-bit nonces,
/// so nonces never repeat in practice without any counter state across nodes).
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

const NONCE_LEN: usize = 24;

impl MasterKey {
    /// A new random key.
    pub fn generate() -> Self {
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        MasterKey(k)
    }

    /// Parses the base64 text form (standard alphabet, padding optional).
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        let t = text.trim();
        let bytes = STANDARD
            .decode(t)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(t))
            .map_err(|_| CryptoError::BadMasterKey)?;
        let arr: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::BadMasterKey)?;
        Ok(MasterKey(arr))
    }

    /// The base64 text form, for writing a key file.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Encrypts `plain`; the result is `nonce || ciphertext+tag`.
    /// `context` is bound as associated data so a value sealed for one purpose
    /// cannot be swapped into another column.
    pub fn seal(&self, context: &str, plain: &[u8]) -> Vec<u8> {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let payload = chacha20poly1305::aead::Payload { msg: plain, aad: context.as_bytes() };
        // Encryption with a valid key and in-memory buffer cannot fail.
        let ct = cipher.encrypt(XNonce::from_slice(&nonce), payload).unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out
    }

    /// Decrypts what [`MasterKey::seal`] produced with the same `context`.
    pub fn open(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < NONCE_LEN {
            return Err(CryptoError::OpenFailed);
        }
        let (nonce, ct) = sealed.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let payload = chacha20poly1305::aead::Payload { msg: ct, aad: context.as_bytes() };
        cipher.decrypt(XNonce::from_slice(nonce), payload).map_err(|_| CryptoError::OpenFailed)
    }
}

impl MasterKey {
    /// HMAC-SHA256 of `data` under a key derived from the master key for `context`,
    /// in hex. Verification codes are stored this way: a copy of the database alone
    /// does not let anyone test the million possible codes offline.
    pub fn mac(&self, context: &str, data: &[u8]) -> String {
        use hmac::{Hmac, Mac};
        let mut derive = match <Hmac<Sha256> as Mac>::new_from_slice(&self.0) {
            Ok(m) => m,
            Err(_) => return String::new(),
        };
        derive.update(context.as_bytes());
        let sub_key = derive.finalize().into_bytes();
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&sub_key) {
            Ok(m) => m,
            Err(_) => return String::new(),
        };
        mac.update(data);
        hex::encode(mac.finalize().into_bytes())
    }
}

/// `n` random bytes as unpadded base64url text.
pub fn random_token(n: usize) -> String {
    let mut b = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// `n` characters drawn uniformly from `alphabet`.
pub fn random_chars(n: usize, alphabet: &[u8]) -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    (0..n).map(|_| char::from(alphabet[rng.gen_range(0..alphabet.len())])).collect()
}

/// Hex SHA-256, for high-entropy tokens stored hashed (session ids, setup tokens).
/// Low-entropy secrets (passwords, codes) use argon2 instead.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Constant-time equality, so comparing secrets leaks no prefix length through timing.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_context() {
        let k = MasterKey::generate();
        let sealed = k.seal("admin_key", b"secret");
        assert_eq!(k.open("admin_key", &sealed).unwrap(), b"secret");
        assert!(k.open("other", &sealed).is_err());
        assert!(MasterKey::generate().open("admin_key", &sealed).is_err());
        assert!(k.open("admin_key", &sealed[..10]).is_err());
    }

    #[test]
    fn macs_depend_on_key_context_and_data() {
        let k = MasterKey::generate();
        assert_eq!(k.mac("codes", b"123456"), k.mac("codes", b"123456"));
        assert_ne!(k.mac("codes", b"123456"), k.mac("codes", b"123457"));
        assert_ne!(k.mac("codes", b"123456"), k.mac("other", b"123456"));
        assert_ne!(k.mac("codes", b"123456"), MasterKey::generate().mac("codes", b"123456"));
    }

    #[test]
    fn master_key_round_trips_through_base64_and_rejects_bad_lengths() {
        let k = MasterKey::generate();
        let k2 = MasterKey::parse(&k.to_base64()).unwrap();
        assert_eq!(k.0, k2.0);
        assert!(MasterKey::parse("c2hvcnQ=").is_err());
        assert!(MasterKey::parse("not base64!").is_err());
    }

    #[test]
    fn random_tokens_differ_and_constant_time_eq_compares() {
        assert_ne!(random_token(32), random_token(32));
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
        let s = random_chars(9, b"ab");
        assert_eq!(s.len(), 9);
        assert!(s.chars().all(|c| c == 'a' || c == 'b'));
    }
}
