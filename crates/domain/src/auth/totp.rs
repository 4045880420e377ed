//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, six digits), as
//! authenticator apps and Cognito's `SOFTWARE_TOKEN_MFA` use them.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per step.
pub const STEP: i64 = 30;
/// Steps accepted on either side of the current one (clock drift).
pub const DRIFT_STEPS: i64 = 1;
/// Secret length: 256 bits (at least the 160 that RFC 4226 and NIST ask for).
pub const SECRET_BYTES: usize = 32;

/// A fresh random secret.
pub fn generate_secret() -> Vec<u8> {
    let mut s = vec![0u8; SECRET_BYTES];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut s);
    s
}

/// The secret as authenticator apps take it (RFC 4648 base32, no padding).
pub fn secret_base32(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

/// A base32 secret as authenticator apps show it, back to bytes (any case, spaces and
/// padding ignored).
pub fn decode_base32(s: &str) -> Option<Vec<u8>> {
    let clean: String = s.chars().filter(|c| !c.is_whitespace() && *c != '=').collect::<String>().to_ascii_uppercase();
    data_encoding::BASE32_NOPAD.decode(clean.as_bytes()).ok()
}

/// An `otpauth://` URI for a QR code, from the base32 secret.
pub fn provisioning_uri(secret_base32: &str, issuer: &str, account: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20");
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        secret_base32,
        enc(issuer)
    )
}

/// The code of step `counter` (HOTP, RFC 4226, six digits).
pub fn hotp(secret: &[u8], counter: u64) -> String {
    let Ok(mut mac) = <Hmac<Sha1> as Mac>::new_from_slice(secret) else { return String::new() };
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = usize::from(h[19] & 0x0f);
    let bin = (u32::from(h[off]) & 0x7f) << 24
        | u32::from(h[off + 1]) << 16
        | u32::from(h[off + 2]) << 8
        | u32::from(h[off + 3]);
    format!("{:06}", bin % 1_000_000)
}

/// The step a Unix time (seconds) falls in.
pub fn step_of(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP)
}

/// The step of the window around `unix_secs` whose code is `code`, if any; the caller
/// refuses a step that was already used (each code is accepted once).
pub fn matching_step(secret: &[u8], code: &str, unix_secs: i64) -> Option<i64> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_of(unix_secs);
    let mut found = None;
    // Every candidate is computed and compared in constant time, whichever matches.
    for step in (now - DRIFT_STEPS)..=(now + DRIFT_STEPS) {
        let Ok(counter) = u64::try_from(step) else { continue };
        if crate::crypto::ct_eq(hotp(secret, counter).as_bytes(), code.as_bytes()) {
            found = Some(step);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B, SHA-1 secret "12345678901234567890" (the last six digits).
    #[test]
    fn rfc6238_vectors() {
        let s = b"12345678901234567890";
        for (t, code) in [
            (59i64, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(hotp(s, step_of(t) as u64), code, "t={t}");
        }
    }

    #[test]
    fn window_is_one_step_either_side() {
        let s = generate_secret();
        let now = 1_700_000_000;
        for (offset, ok) in [(-60, false), (-30, true), (0, true), (30, true), (60, false)] {
            let code = hotp(&s, step_of(now + offset) as u64);
            assert_eq!(matching_step(&s, &code, now).is_some(), ok, "offset {offset}");
        }
        assert_eq!(matching_step(&s, "12345", now), None);
        assert_eq!(matching_step(&s, "abcdef", now), None);
    }

    #[test]
    fn secrets_are_long_enough_and_base32() {
        let s = generate_secret();
        assert!(s.len() * 8 >= 160);
        let b = secret_base32(&s);
        assert_eq!(decode_base32(&b.to_lowercase()), Some(s.clone()));
        assert!(b.len() >= 32 && b.bytes().all(|c| c.is_ascii_uppercase() || (b'2'..=b'7').contains(&c)));
        assert!(provisioning_uri(&b, "My Pool", "a@b.c").starts_with("otpauth://totp/My%20Pool:a%40b.c?secret="));
    }
}
