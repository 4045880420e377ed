//! Vectors computed by amazon-cognito-identity-js's AuthenticationHelper (an
//! implementation independent of this one), with `end2end/tools/srp-vector.js`.

use super::*;
use base64::Engine;

#[derive(serde::Deserialize)]
struct Vector {
    pool_name: String,
    user_id: String,
    password: String,
    salt: String,
    a: String,
    b: String,
    #[serde(rename = "A")]
    big_a: String,
    #[serde(rename = "B")]
    big_b: String,
    v: String,
    key: String,
    secret_block: String,
    timestamp: String,
    signature: String,
}

fn vectors() -> Vec<Vector> {
    serde_json::from_str(include_str!("vectors.json")).unwrap()
}

fn hex(s: &str) -> BigUint {
    parse_hex(s).unwrap()
}

#[test]
fn verifier_matches_the_reference_client() {
    for t in vectors() {
        let v = verifier_with_salt(&t.pool_name, &t.user_id, &t.password, &hex(&t.salt));
        assert_eq!(v, hex(&t.v), "verifier for {}", t.user_id);
    }
}

#[test]
fn server_b_matches_the_reference_formula() {
    for t in vectors() {
        let hello = server_hello_with(&hex(&t.v), hex(&t.b));
        assert_eq!(hello.big_b, hex(&t.big_b));
    }
}

#[test]
fn session_key_and_claim_match_the_reference_client() {
    for t in vectors() {
        let g = group();
        assert_eq!(g.g.modpow(&hex(&t.a), &g.n), hex(&t.big_a), "A");
        let hello = server_hello_with(&hex(&t.v), hex(&t.b));
        let key = session_key(&hex(&t.big_a), &hex(&t.v), &hello).unwrap();
        assert_eq!(::hex::encode(key), t.key);
        let block = base64::engine::general_purpose::STANDARD.decode(&t.secret_block).unwrap();
        assert!(check_claim(&key, &t.pool_name, &t.user_id, &block, &t.timestamp, &t.signature));
        // Any other pool name, user, block, timestamp or key fails.
        assert!(!check_claim(&key, "other", &t.user_id, &block, &t.timestamp, &t.signature));
        assert!(!check_claim(&key, &t.pool_name, "mallory", &block, &t.timestamp, &t.signature));
        assert!(!check_claim(&key, &t.pool_name, &t.user_id, &block[1..], &t.timestamp, &t.signature));
        assert!(!check_claim(&key, &t.pool_name, &t.user_id, &block, "Mon Nov 30 01:02:04 UTC 2026", &t.signature));
        let mut wrong = key;
        wrong[0] ^= 1;
        assert!(!check_claim(&wrong, &t.pool_name, &t.user_id, &block, &t.timestamp, &t.signature));
        assert!(!check_claim(&key, &t.pool_name, &t.user_id, &block, &t.timestamp, "not base64!"));
    }
}

#[test]
fn a_congruent_to_zero_is_refused() {
    let g = group();
    let hello = server_hello_with(&BigUint::from(5u32), BigUint::from(7u32));
    assert_eq!(session_key(&g.n, &BigUint::from(5u32), &hello), Err(SrpError::BadA));
    assert_eq!(session_key(&(&g.n * 2u32), &BigUint::from(5u32), &hello), Err(SrpError::BadA));
}

#[test]
fn padding_follows_the_twos_complement_rule() {
    assert_eq!(padded(&BigUint::from(0x7fu32)), vec![0x7f]);
    assert_eq!(padded(&BigUint::from(0x80u32)), vec![0, 0x80]);
    assert_eq!(padded(&BigUint::from(0x0100u32)), vec![1, 0]);
}

#[test]
fn timestamps_parse_as_the_sdks_write_them() {
    let t = parse_timestamp("Tue Sep 25 00:09:40 UTC 2018").unwrap();
    assert_eq!(t, 1_537_834_180);
    assert_eq!(format_timestamp(t), "Tue Sep 25 00:09:40 UTC 2018");
    // Day without a leading zero (the JS SDK and pycognito), and with one.
    let d = parse_timestamp("Mon Nov 2 03:04:05 UTC 2026").unwrap();
    assert_eq!(parse_timestamp("Mon Nov 02 03:04:05 UTC 2026"), Some(d));
    assert_eq!(format_timestamp(d), "Mon Nov 2 03:04:05 UTC 2026");
    for bad in [
        "",
        "Tue Sep 25 00:09:40 GMT 2018",
        "Wed Sep 25 00:09:40 UTC 2018",
        "Tue Sep 31 00:09:40 UTC 2018",
        "Tue Sep 25 0:09:40 UTC 2018",
        "Tue Sep 25 24:09:40 UTC 2018",
        "Tue Sept 25 00:09:40 UTC 2018",
        "Tue Sep 25 00:09:40 UTC",
    ] {
        assert_eq!(parse_timestamp(bad), None, "{bad}");
    }
    for secs in [0i64, 951_782_400, 1_709_164_800, 4_102_444_799] {
        assert_eq!(parse_timestamp(&format_timestamp(secs)), Some(secs));
    }
}
