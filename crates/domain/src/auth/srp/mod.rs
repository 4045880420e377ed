//! Secure Remote Password as Amazon Cognito runs it (`USER_SRP_AUTH` /
//! `PASSWORD_VERIFIER`, and the device variant): SRP-6a over the 3072-bit group of
//! RFC 5054 with SHA-256, Cognito's hex-padding rule for every hashed number, an HKDF
//! step ("Caldera Derived Key") for the session key, and an HMAC over pool name, user
//! id, secret block and timestamp as the client's proof.
//!
//! The arithmetic is on `num-bigint`. Its exponentiation is not constant-time; the
//! exponents it sees are the server's ephemeral `b` (fresh per sign-in, used once) and
//! the public `u`, so no long-lived secret is an exponent here (see NOTES.md).

use num_bigint::BigUint;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// The group's prime, RFC 5054's 3072-bit `N` (also RFC 3526 group 15), in hex.
pub const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// The HKDF info string Cognito's clients use.
const INFO: &[u8] = b"Caldera Derived Key";

struct Group {
    n: BigUint,
    g: BigUint,
    k: BigUint,
}

fn group() -> &'static Group {
    static G: OnceLock<Group> = OnceLock::new();
    G.get_or_init(|| {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap_or_default();
        let g = BigUint::from(2u32);
        let k = hash_numbers(&[&n, &g]);
        Group { n, g, k }
    })
}

/// The bytes Cognito hashes for a number: big-endian, no leading zero bytes, plus one
/// zero byte when the top bit is set (a positive two's-complement form), `00` for zero.
pub fn padded(x: &BigUint) -> Vec<u8> {
    let mut b = x.to_bytes_be();
    if b.first().is_some_and(|&top| top & 0x80 != 0) {
        b.insert(0, 0);
    }
    b
}

fn hash_numbers(xs: &[&BigUint]) -> BigUint {
    let mut h = Sha256::new();
    for x in xs {
        h.update(padded(x));
    }
    BigUint::from_bytes_be(&h.finalize())
}

/// Parses a number sent in hex (any case, any length, no sign).
pub fn parse_hex(s: &str) -> Option<BigUint> {
    if s.is_empty() || s.len() > 2048 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    BigUint::parse_bytes(s.as_bytes(), 16)
}

/// A number as lower-case hex, the way Cognito sends `SRP_B` and `SALT`.
pub fn to_hex(x: &BigUint) -> String {
    x.to_str_radix(16)
}

/// The private key `x = H(pad(salt) | H(pool_name | user_id | ":" | password))`.
/// `pool_name` is the part of the pool id after `_` (for devices: the device group key;
/// `user_id` is then the device key).
fn private_key(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
    let inner = Sha256::new()
        .chain_update(pool_name.as_bytes())
        .chain_update(user_id.as_bytes())
        .chain_update(b":")
        .chain_update(password.as_bytes())
        .finalize();
    let outer = Sha256::new().chain_update(padded(salt)).chain_update(inner).finalize();
    BigUint::from_bytes_be(&outer)
}

/// The verifier `v = g^x mod N` of a password, with a fresh 128-bit salt. Returns
/// `(salt, verifier)` as big-endian bytes.
pub fn verifier(pool_name: &str, user_id: &str, password: &str) -> (Vec<u8>, Vec<u8>) {
    let mut salt = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut salt);
    let s = BigUint::from_bytes_be(&salt);
    (salt.to_vec(), verifier_with_salt(pool_name, user_id, password, &s).to_bytes_be())
}

/// `g^x mod N` for a given salt.
pub fn verifier_with_salt(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
    let g = group();
    g.g.modpow(&private_key(pool_name, user_id, password, salt), &g.n)
}

/// The server's side of one exchange: its ephemeral secret and public value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerHello {
    /// The ephemeral secret `b` (kept in the sealed session state, never sent).
    pub b: BigUint,
    /// `B = k·v + g^b mod N`, sent as `SRP_B`.
    pub big_b: BigUint,
}

/// A fresh `b` (256 bits) and `B` for verifier `v`.
pub fn server_hello(v: &BigUint) -> ServerHello {
    let mut raw = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut raw);
    server_hello_with(v, BigUint::from_bytes_be(&raw))
}

/// `B` for a given `b` (tests and benchmarks fix `b`).
pub fn server_hello_with(v: &BigUint, b: BigUint) -> ServerHello {
    let g = group();
    let big_b = (&g.k * v + g.g.modpow(&b, &g.n)) % &g.n;
    ServerHello { b, big_b }
}

/// Why a client's `SRP_A` was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SrpError {
    /// Not hex, or `A mod N` is zero (which would fix the session key).
    #[error("SRP_A is not a valid value")]
    BadA,
    /// `u` came out zero.
    #[error("SRP exchange failed")]
    ZeroU,
}

/// The 16-byte key both sides derive: `S = (A·v^u)^b mod N`, `u = H(pad(A) | pad(B))`,
/// key = HKDF-SHA256(ikm = pad(S), salt = pad(u), info = "Caldera Derived Key").
pub fn session_key(a: &BigUint, v: &BigUint, hello: &ServerHello) -> Result<[u8; 16], SrpError> {
    let g = group();
    if (a % &g.n) == BigUint::default() {
        return Err(SrpError::BadA);
    }
    let u = hash_numbers(&[a, &hello.big_b]);
    if u == BigUint::default() {
        return Err(SrpError::ZeroU);
    }
    let s = (a * v.modpow(&u, &g.n)) % &g.n;
    let s = s.modpow(&hello.b, &g.n);
    Ok(hkdf16(&padded(&s), &padded(&u)))
}

fn hkdf16(ikm: &[u8], salt: &[u8]) -> [u8; 16] {
    let prk = hmac_sha256(salt, &[ikm]);
    let okm = hmac_sha256(&prk, &[INFO, &[1u8]]);
    let mut out = [0u8; 16];
    out.copy_from_slice(&okm[..16]);
    out
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // aws-lc's HMAC takes a key of any length and cannot fail.
    let mut ctx = aws_lc_rs::hmac::Context::with_key(&aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, key));
    for p in parts {
        ctx.update(p);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.sign().as_ref());
    out
}

/// The proof the client sends (`PASSWORD_CLAIM_SIGNATURE`, base64 of the raw HMAC):
/// HMAC-SHA256 under the session key of pool name (or device group key), user id (or
/// device key), the secret block's bytes, and the timestamp text.
pub fn claim_signature(
    key: &[u8; 16],
    pool_name: &str,
    user_id: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> [u8; 32] {
    hmac_sha256(key, &[pool_name.as_bytes(), user_id.as_bytes(), secret_block, timestamp.as_bytes()])
}

/// Checks the client's proof in constant time.
pub fn check_claim(
    key: &[u8; 16],
    pool_name: &str,
    user_id: &str,
    secret_block: &[u8],
    timestamp: &str,
    signature_b64: &str,
) -> bool {
    use base64::Engine;
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(signature_b64.trim()) else {
        return false;
    };
    let want = claim_signature(key, pool_name, user_id, secret_block, timestamp);
    crate::crypto::ct_eq(&given, &want)
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Parses Cognito's `TIMESTAMP` (`Tue Sep 25 00:09:40 UTC 2018`: day of the month
/// without a leading zero, as the SDKs write it; a zero-padded day is accepted too)
/// into Unix seconds. The weekday must match the date.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split(' ').collect();
    let [wd, mon, day, hms, utc, year] = parts.as_slice() else { return None };
    if *utc != "UTC" || day.is_empty() || day.len() > 2 {
        return None;
    }
    let month = MONTHS.iter().position(|m| m == mon)? as u32 + 1;
    let day: u32 = day.parse().ok()?;
    let year: i64 = year.parse().ok().filter(|y| (1970..=9999).contains(y))?;
    let t: Vec<&str> = hms.split(':').collect();
    let [h, m, sec] = t.as_slice() else { return None };
    if h.len() != 2 || m.len() != 2 || sec.len() != 2 {
        return None;
    }
    let (h, m, sec): (i64, i64, i64) = (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
    if h > 23 || m > 59 || sec > 60 || !(1..=days_in_month(year, month)).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let weekday = (days + 4).rem_euclid(7) as usize; // 1970-01-01 was a Thursday.
    if DAYS[weekday] != *wd {
        return None;
    }
    Some(days * 86_400 + h * 3600 + m * 60 + sec)
}

/// Formats Unix seconds as Cognito's `TIMESTAMP` text.
pub fn format_timestamp(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    format!(
        "{} {} {} {:02}:{:02}:{:02} UTC {}",
        DAYS[(days + 4).rem_euclid(7) as usize],
        MONTHS[(mo - 1) as usize],
        d,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        y
    )
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-date algorithms.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The cost the benchmark compares SRP with: one `g^e mod N` for a 256-bit `e`.
pub fn bare_modpow(e: &[u8; 32]) -> BigUint {
    let g = group();
    g.g.modpow(&BigUint::from_bytes_be(e), &g.n)
}

#[cfg(test)]
mod tests;
