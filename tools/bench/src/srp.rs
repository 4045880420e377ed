//! The client side of Cognito's SRP for the benchmark (what amazon-cognito-identity-js
//! computes), so that USER_SRP_AUTH can be driven over HTTP.

use base64::Engine;
use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

const N: &str = domain::auth::srp::N_HEX;

fn pad(x: &BigUint) -> Vec<u8> {
    let mut b = x.to_bytes_be();
    if b.first().is_some_and(|t| t & 0x80 != 0) {
        b.insert(0, 0);
    }
    b
}

fn h(parts: &[&[u8]]) -> BigUint {
    let mut d = Sha256::new();
    for p in parts {
        d.update(p);
    }
    BigUint::from_bytes_be(&d.finalize())
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let Ok(mut m) = <Hmac<Sha256> as Mac>::new_from_slice(key) else { return Vec::new() };
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().to_vec()
}

/// One client exchange.
pub struct Client {
    pool_name: String,
    a: BigUint,
    big_a: BigUint,
}

impl Client {
    pub fn new(pool_id: &str, seed: u64) -> Self {
        let n = BigUint::parse_bytes(N.as_bytes(), 16).unwrap_or_default();
        let a = h(&[&seed.to_be_bytes(), uuid::Uuid::new_v4().as_bytes()]);
        let big_a = BigUint::from(2u32).modpow(&a, &n);
        Client { pool_name: pool_id.rsplit_once('_').map(|(_, p)| p.to_owned()).unwrap_or_default(), a, big_a }
    }

    pub fn srp_a(&self) -> String {
        self.big_a.to_str_radix(16)
    }

    /// The PASSWORD_VERIFIER answer.
    pub fn answer(&self, p: &serde_json::Value, password: &str, timestamp: &str) -> HashMap<String, String> {
        let n = BigUint::parse_bytes(N.as_bytes(), 16).unwrap_or_default();
        let g = BigUint::from(2u32);
        let k = h(&[&pad(&n), &pad(&g)]);
        let s = |k: &str| p[k].as_str().unwrap_or_default().to_owned();
        let b = BigUint::parse_bytes(s("SRP_B").as_bytes(), 16).unwrap_or_default();
        let salt = BigUint::parse_bytes(s("SALT").as_bytes(), 16).unwrap_or_default();
        let user = s("USER_ID_FOR_SRP");
        let u = h(&[&pad(&self.big_a), &pad(&b)]);
        let inner = Sha256::digest(format!("{}{}:{}", self.pool_name, user, password));
        let x = h(&[&pad(&salt), &inner]);
        let base = (&b + &n * &k - (&k * g.modpow(&x, &n)) % &n) % &n;
        let secret = base.modpow(&(&self.a + &u * &x), &n);
        let prk = hmac(&pad(&u), &[&pad(&secret)]);
        let key = &hmac(&prk, &[b"Caldera Derived Key", &[1]])[..16];
        let b64 = base64::engine::general_purpose::STANDARD;
        let block = b64.decode(s("SECRET_BLOCK")).unwrap_or_default();
        let sig = hmac(key, &[self.pool_name.as_bytes(), user.as_bytes(), &block, timestamp.as_bytes()]);
        HashMap::from([
            ("USERNAME".to_owned(), user),
            ("PASSWORD_CLAIM_SECRET_BLOCK".to_owned(), s("SECRET_BLOCK")),
            ("TIMESTAMP".to_owned(), timestamp.to_owned()),
            ("PASSWORD_CLAIM_SIGNATURE".to_owned(), b64.encode(sig)),
        ])
    }
}
