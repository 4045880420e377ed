//! The sign-in state machine through the AWS SDK: USER_SRP_AUTH with a client-side SRP
//! written here from the protocol (the server's arithmetic is not used), challenge
//! sessions (SECURITY.md M-04, M-05), TOTP (M-01, M-02, M-06), MFA set-up, the choice of
//! factor, e-mail codes (M-03), MFA lockout and reset.

use crate::cognito_users::{signed_up_and_confirmed, Pool, PASSWORD};
use crate::helpers::*;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, EmailMfaConfigType, ExplicitAuthFlowsType, PreventUserExistenceErrorTypes,
    SoftwareTokenMfaConfigType, SoftwareTokenMfaSettingsType, UserPoolMfaType, VerifiedAttributeType,
};
use aws_sdk_cognitoidentityprovider::Client;
use base64::Engine;
use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::Duration;

// ---- a client-side SRP, as amazon-cognito-identity-js computes it -----------------------

const N: &str = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

fn pad_hex(x: &BigUint) -> String {
    let mut h = x.to_str_radix(16);
    if h.len() % 2 == 1 {
        h.insert(0, '0');
    }
    if h.as_bytes()[0] >= b'8' {
        h.insert_str(0, "00");
    }
    h
}

fn hex_hash(hex_str: &str) -> BigUint {
    BigUint::from_bytes_be(&Sha256::digest(hex::decode(hex_str).unwrap()))
}

struct SrpClient {
    pool_name: String,
    a: BigUint,
    big_a: BigUint,
}

impl SrpClient {
    fn new(pool_id: &str) -> Self {
        let n = BigUint::parse_bytes(N.as_bytes(), 16).unwrap();
        let a = BigUint::from_bytes_be(&rand_bytes(128));
        let big_a = BigUint::from(2u32).modpow(&a, &n);
        SrpClient { pool_name: pool_id.split('_').nth(1).unwrap().to_owned(), a, big_a }
    }

    fn srp_a(&self) -> String {
        self.big_a.to_str_radix(16)
    }

    /// The PASSWORD_VERIFIER answer to the challenge parameters.
    fn answer(&self, params: &HashMap<String, String>, password: &str, timestamp: &str) -> HashMap<String, String> {
        let user = params["USER_ID_FOR_SRP"].clone();
        let mut a = self.proof(params, &self.pool_name, &user, password, timestamp);
        a.insert("USERNAME".to_owned(), user);
        a
    }

    /// The proof over the challenge parameters for `pool_name` and `user` (for a device:
    /// its group key and device key).
    fn proof(
        &self,
        params: &HashMap<String, String>,
        pool_name: &str,
        user: &str,
        password: &str,
        timestamp: &str,
    ) -> HashMap<String, String> {
        let n = BigUint::parse_bytes(N.as_bytes(), 16).unwrap();
        let g = BigUint::from(2u32);
        let k = hex_hash(&format!("{}{}", pad_hex(&n), pad_hex(&g)));
        let b = BigUint::parse_bytes(params["SRP_B"].as_bytes(), 16).unwrap();
        let salt = BigUint::parse_bytes(params["SALT"].as_bytes(), 16).unwrap();
        let u = hex_hash(&format!("{}{}", pad_hex(&self.big_a), pad_hex(&b)));
        let inner = hex::encode(Sha256::digest(format!("{pool_name}{user}:{password}")));
        let x = hex_hash(&format!("{}{}", pad_hex(&salt), inner));
        let gx = g.modpow(&x, &n);
        let base = (&b + &n * &k - (&k * &gx) % &n) % &n;
        let s = base.modpow(&(&self.a + &u * &x), &n);
        let prk = hmac(&hex::decode(pad_hex(&u)).unwrap(), &[&hex::decode(pad_hex(&s)).unwrap()]);
        let key = &hmac(&prk, &[b"Caldera Derived Key", &[1]])[..16];
        let block = base64::engine::general_purpose::STANDARD.decode(&params["SECRET_BLOCK"]).unwrap();
        let sig = hmac(key, &[pool_name.as_bytes(), user.as_bytes(), &block, timestamp.as_bytes()]);
        HashMap::from([
            ("PASSWORD_CLAIM_SECRET_BLOCK".to_owned(), params["SECRET_BLOCK"].clone()),
            ("TIMESTAMP".to_owned(), timestamp.to_owned()),
            ("PASSWORD_CLAIM_SIGNATURE".to_owned(), base64::engine::general_purpose::STANDARD.encode(sig)),
        ])
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap();
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().to_vec()
}

fn rand_bytes(n: usize) -> Vec<u8> {
    (0..n).map(|_| rand_byte()).collect()
}

fn rand_byte() -> u8 {
    // The test's own randomness, from the OS, without another dependency.
    use std::io::Read;
    let mut b = [0u8; 1];
    std::fs::File::open("/dev/urandom").unwrap().read_exact(&mut b).unwrap();
    b[0]
}

fn now_timestamp(app: &TestApp) -> String {
    domain::auth::srp::format_timestamp(domain::Clock::now(&*app.clock).millis() / 1000)
}

// ---- set-up ---------------------------------------------------------------------------

async fn srp_pool(c: &Client, prevent: bool) -> Pool {
    let id = c
        .create_user_pool()
        .pool_name("Srp")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id = c
        .create_user_pool_client()
        .user_pool_id(&id)
        .client_name("app")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .prevent_user_existence_errors(if prevent {
            PreventUserExistenceErrorTypes::Enabled
        } else {
            PreventUserExistenceErrorTypes::Legacy
        })
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    Pool { id, client_id }
}

async fn srp_start(
    c: &Client,
    pool: &Pool,
    srp: &SrpClient,
    username: &str,
) -> Result<(String, HashMap<String, String>), String> {
    let out = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("SRP_A", srp.srp_a())
        .send()
        .await
        .map_err(|e| e.code().unwrap_or("?").to_owned())?;
    assert_eq!(out.challenge_name(), Some(&ChallengeNameType::PasswordVerifier));
    Ok((out.session().unwrap().to_owned(), out.challenge_parameters().unwrap().clone()))
}

type Step = aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput;

async fn respond(
    c: &Client,
    pool: &Pool,
    name: ChallengeNameType,
    session: &str,
    answers: HashMap<String, String>,
) -> Result<Step, String> {
    c.respond_to_auth_challenge()
        .client_id(&pool.client_id)
        .challenge_name(name)
        .session(session)
        .set_challenge_responses(Some(answers))
        .send()
        .await
        .map_err(|e| format!("{}: {}", e.code().unwrap_or("?"), e.message().unwrap_or("")))
}

/// A full SRP sign-in: the step after PASSWORD_VERIFIER.
async fn srp_sign_in(app: &TestApp, c: &Client, pool: &Pool, username: &str, password: &str) -> Result<Step, String> {
    let srp = SrpClient::new(&pool.id);
    let (session, params) = srp_start(c, pool, &srp, username).await?;
    respond(c, pool, ChallengeNameType::PasswordVerifier, &session, srp.answer(&params, password, &now_timestamp(app)))
        .await
}

fn code_of(secret_b32: &str, app: &TestApp, offset_steps: i64) -> String {
    let secret = data_encoding_base32(secret_b32);
    let now = domain::Clock::now(&*app.clock).millis() / 1000;
    domain::auth::totp::hotp(&secret, (domain::auth::totp::step_of(now) + offset_steps) as u64)
}

/// RFC 4648 base32 without padding, decoded here (the test's own decoder).
fn data_encoding_base32(s: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits = 0u64;
    let mut n = 0;
    let mut out = Vec::new();
    for ch in s.bytes() {
        let v = alphabet.iter().position(|&a| a == ch).unwrap() as u64;
        bits = (bits << 5) | v;
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    out
}

fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

// ---- SRP ------------------------------------------------------------------------------

#[tokio::test]
async fn srp_signs_in_with_the_right_password_and_refuses_a_wrong_one() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = srp_pool(&c, false).await;
    signed_up_and_confirmed(&app, &pool, "sam", "sam@example.com").await;
    let done = srp_sign_in(&app, &c, &pool, "sam", PASSWORD).await.unwrap();
    let tokens = done.authentication_result().expect("tokens after the SRP proof");
    c.get_user().access_token(tokens.access_token().unwrap()).send().await.unwrap();
    let err = srp_sign_in(&app, &c, &pool, "sam", "Wr0ng-horse!").await.unwrap_err();
    assert!(err.starts_with("NotAuthorizedException: Incorrect username or password."), "{err}");
    // A password change derives a new verifier: the new password works over SRP.
    c.change_password()
        .access_token(tokens.access_token().unwrap())
        .previous_password(PASSWORD)
        .proposed_password("N3w-horse-battery!")
        .send()
        .await
        .unwrap();
    srp_sign_in(&app, &c, &pool, "sam", "N3w-horse-battery!").await.unwrap().authentication_result().unwrap();
    assert!(srp_sign_in(&app, &c, &pool, "sam", PASSWORD).await.is_err());
}

#[tokio::test]
async fn srp_for_an_email_username_pool_uses_the_generated_user_id() {
    let app = spawn_app().await;
    let c = app.cognito();
    let id = c
        .create_user_pool()
        .pool_name("ByEmail")
        .username_attributes(aws_sdk_cognitoidentityprovider::types::UsernameAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id = crate::cognito_users::client_for(&c, &id, true).await;
    c.update_user_pool_client()
        .user_pool_id(&id)
        .client_id(&client_id)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .send()
        .await
        .unwrap();
    let pool = Pool { id, client_id };
    c.admin_create_user()
        .user_pool_id(&pool.id)
        .username("eve@example.com")
        .temporary_password("Temp-pass-123!")
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    c.admin_set_user_password()
        .user_pool_id(&pool.id)
        .username("eve@example.com")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let srp = SrpClient::new(&pool.id);
    let (session, params) = srp_start(&c, &pool, &srp, "eve@example.com").await.unwrap();
    let user_id = params["USER_ID_FOR_SRP"].clone();
    assert_ne!(user_id, "eve@example.com", "the generated user name, as Cognito shows it");
    assert_eq!(user_id.len(), 36);
    let done = respond(
        &c,
        &pool,
        ChallengeNameType::PasswordVerifier,
        &session,
        srp.answer(&params, PASSWORD, &now_timestamp(&app)),
    )
    .await
    .unwrap();
    assert!(done.authentication_result().is_some());
}

#[tokio::test]
async fn a_02_srp_gives_an_unknown_name_a_stable_simulated_salt() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = srp_pool(&c, true).await;
    signed_up_and_confirmed(&app, &pool, "kim", "kim@example.com").await;
    let srp = SrpClient::new(&pool.id);
    let (_, real) = srp_start(&c, &pool, &srp, "kim").await.unwrap();
    let (s1, ghost1) = srp_start(&c, &pool, &srp, "nobody").await.unwrap();
    let (_, ghost2) = srp_start(&c, &pool, &srp, "nobody").await.unwrap();
    let (_, kim2) = srp_start(&c, &pool, &srp, "kim").await.unwrap();
    assert_eq!(ghost1["SALT"], ghost2["SALT"], "stable per name");
    assert_eq!(real["SALT"], kim2["SALT"], "a real user's salt is stable too");
    assert_ne!(ghost1["SRP_B"], ghost2["SRP_B"], "B is fresh every time, as for real users");
    let keys = |m: &HashMap<String, String>| {
        let mut k: Vec<String> = m.keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&real), keys(&ghost1), "same parameters");
    assert!(ghost1["SRP_B"].len() > 700 && real["SRP_B"].len() > 700);
    let err = respond(
        &c,
        &pool,
        ChallengeNameType::PasswordVerifier,
        &s1,
        srp.answer(&ghost1, PASSWORD, &now_timestamp(&app)),
    )
    .await
    .unwrap_err();
    assert!(err.starts_with("NotAuthorizedException: Incorrect username or password."), "{err}");
    // Without PreventUserExistenceErrors the name is reported unknown, as in Cognito.
    let legacy = srp_pool(&c, false).await;
    let srp = SrpClient::new(&legacy.id);
    assert_eq!(srp_start(&c, &legacy, &srp, "nobody").await.unwrap_err(), "UserNotFoundException");
}

#[tokio::test]
async fn a_06_wrong_srp_proofs_lock_the_account_for_every_path() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = srp_pool(&c, false).await;
    signed_up_and_confirmed(&app, &pool, "lou", "lou@example.com").await;
    for _ in 0..5 {
        let err = srp_sign_in(&app, &c, &pool, "lou", "Wr0ng-horse!").await.unwrap_err();
        assert!(err.starts_with("NotAuthorizedException: Incorrect"), "{err}");
    }
    let err = srp_sign_in(&app, &c, &pool, "lou", PASSWORD).await.unwrap_err();
    assert_eq!(err, "NotAuthorizedException: Password attempts exceeded");
    let err = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "lou")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.message(), Some("Password attempts exceeded"));
}

#[tokio::test]
async fn srp_refuses_a_stale_timestamp_a_wrong_secret_block_and_a_bad_a() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = srp_pool(&c, false).await;
    signed_up_and_confirmed(&app, &pool, "ned", "ned@example.com").await;
    let srp = SrpClient::new(&pool.id);
    let (session, params) = srp_start(&c, &pool, &srp, "ned").await.unwrap();
    let now = domain::Clock::now(&*app.clock).millis() / 1000;
    let stale = domain::auth::srp::format_timestamp(now - 3600);
    let err = respond(&c, &pool, ChallengeNameType::PasswordVerifier, &session, srp.answer(&params, PASSWORD, &stale))
        .await
        .unwrap_err();
    assert!(err.starts_with("NotAuthorizedException"), "{err}");
    let (session, params) = srp_start(&c, &pool, &srp, "ned").await.unwrap();
    let mut answers = srp.answer(&params, PASSWORD, &now_timestamp(&app));
    answers.insert("PASSWORD_CLAIM_SECRET_BLOCK".into(), base64::engine::general_purpose::STANDARD.encode([7u8; 64]));
    assert!(respond(&c, &pool, ChallengeNameType::PasswordVerifier, &session, answers).await.is_err());
    let n = BigUint::parse_bytes(N.as_bytes(), 16).unwrap();
    for bad in [n.to_str_radix(16), "0".into(), "zz".into()] {
        let out = c
            .initiate_auth()
            .client_id(&pool.client_id)
            .auth_flow(AuthFlowType::UserSrpAuth)
            .auth_parameters("USERNAME", "ned")
            .auth_parameters("SRP_A", &bad)
            .send()
            .await;
        match out {
            Err(e) => assert_eq!(e.code(), Some("InvalidParameterException"), "SRP_A={bad}"),
            Ok(o) => {
                // A ≡ 0 mod N gets a challenge whose proof can never verify.
                let answers = srp.answer(o.challenge_parameters().unwrap(), PASSWORD, &now_timestamp(&app));
                assert!(respond(&c, &pool, ChallengeNameType::PasswordVerifier, o.session().unwrap(), answers)
                    .await
                    .is_err());
            }
        }
    }
}

// ---- sessions (M-04, M-05) --------------------------------------------------------------

#[tokio::test]
async fn m_04_a_challenge_session_is_used_once_and_only_by_its_user_and_client() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = srp_pool(&c, false).await;
    signed_up_and_confirmed(&app, &pool, "ann", "ann@example.com").await;
    signed_up_and_confirmed(&app, &pool, "ben", "ben@example.com").await;
    let srp = SrpClient::new(&pool.id);
    let (session, params) = srp_start(&c, &pool, &srp, "ann").await.unwrap();
    let answers = srp.answer(&params, PASSWORD, &now_timestamp(&app));
    // Another user's name with ann's session.
    let mut as_ben = answers.clone();
    as_ben.insert("USERNAME".into(), "ben".into());
    let err = respond(&c, &pool, ChallengeNameType::PasswordVerifier, &session, as_ben).await.unwrap_err();
    assert!(err.starts_with("NotAuthorizedException: Invalid session"), "{err}");
    // Another client of the pool.
    let other = Pool { id: pool.id.clone(), client_id: srp_pool_client(&c, &pool.id).await };
    let err = respond(&c, &other, ChallengeNameType::PasswordVerifier, &session, answers.clone()).await.unwrap_err();
    assert!(err.starts_with("NotAuthorizedException: Invalid session"), "{err}");
    // Truncated and forged.
    for forged in [&session[..session.len() - 4], "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
        let err = respond(&c, &pool, ChallengeNameType::PasswordVerifier, forged, answers.clone()).await.unwrap_err();
        assert!(err.starts_with("NotAuthorizedException: Invalid session"), "{err}");
    }
    // The right answer once; the same again is refused.
    respond(&c, &pool, ChallengeNameType::PasswordVerifier, &session, answers.clone()).await.unwrap();
    let err = respond(&c, &pool, ChallengeNameType::PasswordVerifier, &session, answers).await.unwrap_err();
    assert!(err.starts_with("NotAuthorizedException: Invalid session"), "{err}");
    // After AuthSessionValidity (3 minutes by default).
    let (session, params) = srp_start(&c, &pool, &srp, "ann").await.unwrap();
    app.clock.advance(Duration::from_secs(181));
    let err = respond(
        &c,
        &pool,
        ChallengeNameType::PasswordVerifier,
        &session,
        srp.answer(&params, PASSWORD, &now_timestamp(&app)),
    )
    .await
    .unwrap_err();
    assert!(err.starts_with("NotAuthorizedException: Invalid session for the user, session is expired."), "{err}");
}

async fn srp_pool_client(c: &Client, pool_id: &str) -> String {
    c.create_user_pool_client()
        .user_pool_id(pool_id)
        .client_name("other")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}

// ---- TOTP -----------------------------------------------------------------------------

async fn enable_totp_pool(c: &Client, pool: &Pool, mode: UserPoolMfaType) {
    c.set_user_pool_mfa_config()
        .user_pool_id(&pool.id)
        .mfa_configuration(mode)
        .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
        .send()
        .await
        .unwrap();
}

/// Signs `name` in by password and gives them a verified, preferred authenticator;
/// returns its base32 secret.
async fn with_authenticator(app: &TestApp, c: &Client, pool: &Pool, name: &str) -> String {
    let out = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", name)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    let access = out.authentication_result().unwrap().access_token().unwrap().to_owned();
    let secret = c.associate_software_token().access_token(&access).send().await.unwrap().secret_code.unwrap();
    assert!(data_encoding_base32(&secret).len() * 8 >= 160, "M-06: at least 160 bits");
    let err = c
        .set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"), "not before the token is verified");
    let err = c.verify_software_token().access_token(&access).user_code("000000").send().await;
    if let Err(e) = err {
        assert_eq!(e.code(), Some("EnableSoftwareTokenMFAException"));
    }
    c.verify_software_token().access_token(&access).user_code(code_of(&secret, app, 0)).send().await.unwrap();
    c.set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
        .send()
        .await
        .unwrap();
    // The code used to verify is spent: move on a step so the next sign-in has a fresh one.
    app.clock.advance(Duration::from_secs(30));
    secret
}

async fn password_challenge(
    c: &Client,
    pool: &Pool,
    name: &str,
) -> (ChallengeNameType, String, HashMap<String, String>) {
    let out = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", name)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    (
        out.challenge_name().cloned().expect("a challenge"),
        out.session().unwrap().to_owned(),
        out.challenge_parameters().cloned().unwrap_or_default(),
    )
}

#[tokio::test]
async fn m_01_m_02_totp_is_asked_after_the_password_within_one_step_and_once() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = srp_pool(&c, false).await;
    enable_totp_pool(&c, &pool, UserPoolMfaType::Optional).await;
    signed_up_and_confirmed(&app, &pool, "tia", "tia@example.com").await;
    let secret = with_authenticator(&app, &c, &pool, "tia").await;
    let user = c.admin_get_user().user_pool_id(&pool.id).username("tia").send().await.unwrap();
    assert_eq!(user.preferred_mfa_setting(), Some("SOFTWARE_TOKEN_MFA"));
    assert_eq!(user.user_mfa_setting_list(), ["SOFTWARE_TOKEN_MFA".to_owned()]);

    app.clock.advance(Duration::from_secs(60));
    let (name, session, _) = password_challenge(&c, &pool, "tia").await;
    assert_eq!(name, ChallengeNameType::SoftwareTokenMfa);
    // M-02: two steps away either side is refused (each wrong code counts, the session
    // survives up to three).
    for off in [-2, 2] {
        let err = respond(
            &c,
            &pool,
            name.clone(),
            &session,
            map(&[("USERNAME", "tia"), ("SOFTWARE_TOKEN_MFA_CODE", &code_of(&secret, &app, off))]),
        )
        .await
        .unwrap_err();
        assert!(err.starts_with("CodeMismatchException"), "offset {off}: {err}");
    }
    // M-05: another step's answer with this session is refused.
    let err = respond(
        &c,
        &pool,
        ChallengeNameType::SmsMfa,
        &session,
        map(&[("USERNAME", "tia"), ("SMS_MFA_CODE", "123456")]),
    )
    .await
    .unwrap_err();
    assert!(err.starts_with("NotAuthorizedException"), "{err}");
    let code = code_of(&secret, &app, -1);
    let done =
        respond(&c, &pool, name.clone(), &session, map(&[("USERNAME", "tia"), ("SOFTWARE_TOKEN_MFA_CODE", &code)]))
            .await
            .unwrap();
    assert!(done.authentication_result().is_some(), "one step back is accepted");
    // M-01: the same code in a new sign-in is refused.
    let (_, session2, _) = password_challenge(&c, &pool, "tia").await;
    let err =
        respond(&c, &pool, name.clone(), &session2, map(&[("USERNAME", "tia"), ("SOFTWARE_TOKEN_MFA_CODE", &code)]))
            .await
            .unwrap_err();
    assert_eq!(err, "ExpiredCodeException: Your software token has already been used once.", "M-01");
    // The next step's code works (one step ahead is accepted).
    let done = respond(
        &c,
        &pool,
        name,
        &session2,
        map(&[("USERNAME", "tia"), ("SOFTWARE_TOKEN_MFA_CODE", &code_of(&secret, &app, 1))]),
    )
    .await
    .unwrap();
    assert!(done.authentication_result().is_some());
}

#[tokio::test]
async fn srp_then_totp_and_a_14_a_reset_does_not_bypass_mfa() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = srp_pool(&c, false).await;
    enable_totp_pool(&c, &pool, UserPoolMfaType::Optional).await;
    signed_up_and_confirmed(&app, &pool, "ida", "ida@example.com").await;
    let secret = with_authenticator(&app, &c, &pool, "ida").await;
    let step = srp_sign_in(&app, &c, &pool, "ida", PASSWORD).await.unwrap();
    assert_eq!(step.challenge_name(), Some(&ChallengeNameType::SoftwareTokenMfa));
    let done = respond(
        &c,
        &pool,
        ChallengeNameType::SoftwareTokenMfa,
        step.session().unwrap(),
        map(&[("USERNAME", "ida"), ("SOFTWARE_TOKEN_MFA_CODE", &code_of(&secret, &app, 0))]),
    )
    .await
    .unwrap();
    assert!(done.authentication_result().is_some());
    c.forgot_password().client_id(&pool.client_id).username("ida").send().await.unwrap();
    let code = app.smtp.next_to("ida@example.com").await.code();
    c.confirm_forgot_password()
        .client_id(&pool.client_id)
        .username("ida")
        .confirmation_code(code)
        .password("Re5et-password!")
        .send()
        .await
        .unwrap();
    let step = srp_sign_in(&app, &c, &pool, "ida", "Re5et-password!").await.unwrap();
    assert_eq!(step.challenge_name(), Some(&ChallengeNameType::SoftwareTokenMfa), "A-14");
}

#[tokio::test]
async fn a_06_five_wrong_mfa_codes_lock_the_account() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = srp_pool(&c, false).await;
    enable_totp_pool(&c, &pool, UserPoolMfaType::Optional).await;
    signed_up_and_confirmed(&app, &pool, "max", "max@example.com").await;
    let secret = with_authenticator(&app, &c, &pool, "max").await;
    let mut wrong = 0;
    while wrong < 5 {
        let (name, session, _) = password_challenge(&c, &pool, "max").await;
        for _ in 0..2 {
            if wrong == 5 {
                break;
            }
            let bad = format!("{:06}", (code_of(&secret, &app, 0).parse::<u32>().unwrap() + 1) % 1_000_000);
            let err = respond(
                &c,
                &pool,
                name.clone(),
                &session,
                map(&[("USERNAME", "max"), ("SOFTWARE_TOKEN_MFA_CODE", &bad)]),
            )
            .await
            .unwrap_err();
            assert!(err.starts_with("CodeMismatchException"), "{err}");
            wrong += 1;
        }
    }
    let err = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "max")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.message(), Some("Password attempts exceeded"));
}

#[tokio::test]
async fn mfa_setup_with_the_session_then_sign_in_when_the_pool_requires_mfa() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = srp_pool(&c, false).await;
    signed_up_and_confirmed(&app, &pool, "ola", "ola@example.com").await;
    let err = c
        .set_user_pool_mfa_config()
        .user_pool_id(&pool.id)
        .mfa_configuration(UserPoolMfaType::On)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"), "ON needs a factor");
    enable_totp_pool(&c, &pool, UserPoolMfaType::On).await;
    let cfg = c.get_user_pool_mfa_config().user_pool_id(&pool.id).send().await.unwrap();
    assert_eq!(cfg.mfa_configuration(), Some(&UserPoolMfaType::On));
    assert_eq!(cfg.software_token_mfa_configuration().map(|s| s.enabled()), Some(true));

    let (name, session, params) = password_challenge(&c, &pool, "ola").await;
    assert_eq!(name, ChallengeNameType::MfaSetup);
    assert_eq!(params["MFAS_CAN_SETUP"], "[\"SOFTWARE_TOKEN_MFA\"]");
    // Answering MFA_SETUP before verifying a token is refused.
    assert!(respond(&c, &pool, ChallengeNameType::MfaSetup, &session, map(&[("USERNAME", "ola")])).await.is_err());
    let assoc = c.associate_software_token().session(&session).send().await.unwrap();
    let s2 = assoc.session().unwrap().to_owned();
    let secret = assoc.secret_code().unwrap().to_owned();
    // The first session is spent by the association.
    assert!(c.associate_software_token().session(&session).send().await.is_err());
    let v = c.verify_software_token().session(&s2).user_code(code_of(&secret, &app, 0)).send().await.unwrap();
    assert_eq!(v.status().map(|s| s.as_str()), Some("SUCCESS"));
    let done = respond(&c, &pool, ChallengeNameType::MfaSetup, v.session().unwrap(), map(&[("USERNAME", "ola")]))
        .await
        .unwrap();
    assert!(done.authentication_result().is_some());
    // From now on the authenticator is asked for.
    app.clock.advance(Duration::from_secs(30));
    let (name, session, _) = password_challenge(&c, &pool, "ola").await;
    assert_eq!(name, ChallengeNameType::SoftwareTokenMfa);
    respond(
        &c,
        &pool,
        name,
        &session,
        map(&[("USERNAME", "ola"), ("SOFTWARE_TOKEN_MFA_CODE", &code_of(&secret, &app, 0))]),
    )
    .await
    .unwrap();
    // An administrator resets a lost authenticator: set-up is asked again.
    c.admin_delete_software_token().user_pool_id(&pool.id).username("ola").send().await.unwrap();
    let (name, _, _) = password_challenge(&c, &pool, "ola").await;
    assert_eq!(name, ChallengeNameType::MfaSetup);
}

#[tokio::test]
async fn m_03_select_mfa_type_then_an_emailed_code_bound_to_its_session() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = srp_pool(&c, false).await;
    c.set_user_pool_mfa_config()
        .user_pool_id(&pool.id)
        .mfa_configuration(UserPoolMfaType::Optional)
        .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
        .email_mfa_configuration(EmailMfaConfigType::builder().subject("Sign-in code").message("Code {####}").build())
        .send()
        .await
        .unwrap();
    signed_up_and_confirmed(&app, &pool, "uma", "uma@example.com").await;
    let _secret = with_authenticator(&app, &c, &pool, "uma").await;
    c.admin_set_user_mfa_preference()
        .user_pool_id(&pool.id)
        .username("uma")
        .email_mfa_settings(
            aws_sdk_cognitoidentityprovider::types::EmailMfaSettingsType::builder().enabled(true).build(),
        )
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(false).build())
        .send()
        .await
        .unwrap();
    let (name, session, params) = password_challenge(&c, &pool, "uma").await;
    assert_eq!(name, ChallengeNameType::SelectMfaType);
    assert_eq!(params["MFAS_CAN_CHOOSE"], "[\"SOFTWARE_TOKEN_MFA\",\"EMAIL_OTP\"]");
    let next = respond(&c, &pool, name, &session, map(&[("USERNAME", "uma"), ("ANSWER", "EMAIL_OTP")])).await.unwrap();
    assert_eq!(next.challenge_name(), Some(&ChallengeNameType::EmailOtp));
    let p = next.challenge_parameters().unwrap();
    assert_eq!(p["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
    assert_eq!(p["CODE_DELIVERY_DESTINATION"], "u***@e***");
    let mail = app.smtp.next_to("uma@example.com").await;
    assert_eq!(mail.subject(), "Sign-in code");
    let code = mail.code();
    // M-03: the code of this session is no good in another sign-in's session.
    let (n2, s2, _) = password_challenge(&c, &pool, "uma").await;
    let other = respond(&c, &pool, n2, &s2, map(&[("USERNAME", "uma"), ("ANSWER", "EMAIL_OTP")])).await.unwrap();
    let _ = app.smtp.next_to("uma@example.com").await;
    let err = respond(
        &c,
        &pool,
        ChallengeNameType::EmailOtp,
        other.session().unwrap(),
        map(&[("USERNAME", "uma"), ("EMAIL_OTP_CODE", &code)]),
    )
    .await
    .unwrap_err();
    assert!(err.starts_with("CodeMismatchException"), "{err}");
    // M-03: nor in VerifyUserAttribute.
    // ... and after three minutes it has expired.
    let done = respond(
        &c,
        &pool,
        ChallengeNameType::EmailOtp,
        next.session().unwrap(),
        map(&[("USERNAME", "uma"), ("EMAIL_OTP_CODE", &code)]),
    )
    .await
    .unwrap();
    assert!(done.authentication_result().is_some());
    let (n3, s3, _) = password_challenge(&c, &pool, "uma").await;
    let third = respond(&c, &pool, n3, &s3, map(&[("USERNAME", "uma"), ("ANSWER", "EMAIL_OTP")])).await.unwrap();
    let late = app.smtp.next_to("uma@example.com").await.code();
    app.clock.advance(Duration::from_secs(181));
    let err = respond(
        &c,
        &pool,
        ChallengeNameType::EmailOtp,
        third.session().unwrap(),
        map(&[("USERNAME", "uma"), ("EMAIL_OTP_CODE", &late)]),
    )
    .await
    .unwrap_err();
    assert!(err.starts_with("NotAuthorizedException") || err.starts_with("ExpiredCodeException"), "{err}");
}

#[tokio::test]
async fn m_06_mfa_settings_need_the_callers_valid_token() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = srp_pool(&c, false).await;
    enable_totp_pool(&c, &pool, UserPoolMfaType::Optional).await;
    signed_up_and_confirmed(&app, &pool, "vic", "vic@example.com").await;
    let out = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "vic")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    let access = out.authentication_result().unwrap().access_token().unwrap().to_owned();
    c.global_sign_out().access_token(&access).send().await.unwrap();
    let err = c.associate_software_token().access_token(&access).send().await.unwrap_err();
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    let err = c
        .set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(false).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    // SMS MFA only with a verified phone number: vic has none.
    let err = c
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool.id)
        .username("vic")
        .sms_mfa_settings(aws_sdk_cognitoidentityprovider::types::SmsMfaSettingsType::builder().enabled(true).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"));
}

#[tokio::test]
async fn password_verifier_without_session_is_found_by_its_secret_block() {
    // pycognito answers PASSWORD_VERIFIER without `Session`, and AWS accepts it.
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = srp_pool(&c, false).await;
    signed_up_and_confirmed(&app, &pool, "pat", "pat@example.com").await;
    let srp = SrpClient::new(&pool.id);
    let (_, params) = srp_start(&c, &pool, &srp, "pat").await.unwrap();
    let answers = srp.answer(&params, PASSWORD, &now_timestamp(&app));
    let send = || {
        c.respond_to_auth_challenge()
            .client_id(&pool.client_id)
            .challenge_name(ChallengeNameType::PasswordVerifier)
            .set_challenge_responses(Some(answers.clone()))
            .send()
    };
    assert!(send().await.unwrap().authentication_result().is_some());
    assert_eq!(send().await.unwrap_err().code(), Some("NotAuthorizedException"), "used once");
}

#[tokio::test]
async fn aws_fidelity_admin_create_user_without_contact_and_booleans_in_any_case() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = srp_pool(&c, false).await;
    // No phone, no e-mail, no MessageAction: created, nothing sent (as AWS does).
    let out = c.admin_create_user().user_pool_id(&pool.id).username("quiet").send().await.unwrap();
    assert_eq!(out.user().unwrap().user_status().map(|s| s.as_str()), Some("FORCE_CHANGE_PASSWORD"));
    // `True` is a boolean as `true` is; stored and returned lower-case.
    c.admin_create_user()
        .user_pool_id(&pool.id)
        .username("loud")
        .user_attributes(
            aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
                .name("email")
                .value("loud@example.com")
                .build()
                .unwrap(),
        )
        .user_attributes(
            aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
                .name("email_verified")
                .value("True")
                .build()
                .unwrap(),
        )
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let u = c.admin_get_user().user_pool_id(&pool.id).username("loud").send().await.unwrap();
    let verified = u.user_attributes().iter().find(|a| a.name() == "email_verified").and_then(|a| a.value());
    assert_eq!(verified, Some("true"));
    // A value that is no boolean at all is still refused.
    let err = c
        .admin_update_user_attributes()
        .user_pool_id(&pool.id)
        .username("loud")
        .user_attributes(
            aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
                .name("email_verified")
                .value("yes")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"));
}

// ---- devices --------------------------------------------------------------------------

/// What a client keeps of a confirmed device, and the verifier it sent (as the SDKs do).
struct DeviceSecret {
    key: String,
    group: String,
    password: String,
}

impl DeviceSecret {
    fn verifier_config(&self) -> aws_sdk_cognitoidentityprovider::types::DeviceSecretVerifierConfigType {
        let n = BigUint::parse_bytes(N.as_bytes(), 16).unwrap();
        let salt = pad_hex(&BigUint::from_bytes_be(&rand_bytes(16)));
        let inner = hex::encode(Sha256::digest(format!("{}{}:{}", self.group, self.key, self.password)));
        let x = hex_hash(&format!("{salt}{inner}"));
        let v = pad_hex(&BigUint::from(2u32).modpow(&x, &n));
        let b64 = base64::engine::general_purpose::STANDARD;
        aws_sdk_cognitoidentityprovider::types::DeviceSecretVerifierConfigType::builder()
            .salt(b64.encode(hex::decode(salt).unwrap()))
            .password_verifier(b64.encode(hex::decode(v).unwrap()))
            .build()
    }
}

fn claims(token: &str) -> serde_json::Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn a_remembered_device_proves_itself_instead_of_mfa() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = srp_pool(&c, false).await;
    c.update_user_pool()
        .user_pool_id(&pool.id)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .device_configuration(
            aws_sdk_cognitoidentityprovider::types::DeviceConfigurationType::builder()
                .challenge_required_on_new_device(true)
                .device_only_remembered_on_user_prompt(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    enable_totp_pool(&c, &pool, UserPoolMfaType::On).await;
    signed_up_and_confirmed(&app, &pool, "dee", "dee@example.com").await;
    // First sign-in: MFA set-up, then tokens with a new device.
    let (_, session, _) = password_challenge(&c, &pool, "dee").await;
    let assoc = c.associate_software_token().session(&session).send().await.unwrap();
    let secret = assoc.secret_code().unwrap().to_owned();
    let v = c
        .verify_software_token()
        .session(assoc.session().unwrap())
        .user_code(code_of(&secret, &app, 0))
        .send()
        .await
        .unwrap();
    let done = respond(&c, &pool, ChallengeNameType::MfaSetup, v.session().unwrap(), map(&[("USERNAME", "dee")]))
        .await
        .unwrap();
    let result = done.authentication_result().unwrap();
    let meta = result.new_device_metadata().expect("NewDeviceMetadata when the pool tracks devices");
    let device = DeviceSecret {
        key: meta.device_key().unwrap().to_owned(),
        group: meta.device_group_key().unwrap().to_owned(),
        password: base64::engine::general_purpose::STANDARD.encode(rand_bytes(40)),
    };
    let access = result.access_token().unwrap().to_owned();
    assert_eq!(claims(&access)["device_key"], device.key.as_str(), "device_key in the access token");
    let confirmed = c
        .confirm_device()
        .access_token(&access)
        .device_key(&device.key)
        .device_secret_verifier_config(device.verifier_config())
        .device_name("test laptop")
        .send()
        .await
        .unwrap();
    assert!(confirmed.user_confirmation_necessary(), "DeviceOnlyRememberedOnUserPrompt");
    // Not remembered yet: MFA is still asked for.
    app.clock.advance(Duration::from_secs(30));
    let srp = SrpClient::new(&pool.id);
    let step = srp_sign_in(&app, &c, &pool, "dee", PASSWORD).await.unwrap();
    assert_eq!(step.challenge_name(), Some(&ChallengeNameType::SoftwareTokenMfa));
    c.update_device_status()
        .access_token(&access)
        .device_key(&device.key)
        .device_remembered_status(aws_sdk_cognitoidentityprovider::types::DeviceRememberedStatusType::Remembered)
        .send()
        .await
        .unwrap();
    // Remembered: SRP with the device key, then the device's own SRP, and no MFA.
    let (session, params) = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", "dee")
        .auth_parameters("SRP_A", srp.srp_a())
        .auth_parameters("DEVICE_KEY", &device.key)
        .send()
        .await
        .map(|o| (o.session().unwrap().to_owned(), o.challenge_parameters().unwrap().clone()))
        .unwrap();
    let mut answers = srp.answer(&params, PASSWORD, &now_timestamp(&app));
    answers.insert("DEVICE_KEY".into(), device.key.clone());
    let step = respond(&c, &pool, ChallengeNameType::PasswordVerifier, &session, answers).await.unwrap();
    assert_eq!(step.challenge_name(), Some(&ChallengeNameType::DeviceSrpAuth));
    let dsrp = SrpClient::new(&pool.id);
    let step = respond(
        &c,
        &pool,
        ChallengeNameType::DeviceSrpAuth,
        step.session().unwrap(),
        map(&[("USERNAME", "dee"), ("DEVICE_KEY", &device.key), ("SRP_A", &dsrp.srp_a())]),
    )
    .await
    .unwrap();
    assert_eq!(step.challenge_name(), Some(&ChallengeNameType::DevicePasswordVerifier));
    let p = step.challenge_parameters().unwrap().clone();
    // A proof made with another device password is refused.
    let wrong = dsrp.proof(&p, &device.group, &device.key, "not-the-device-password", &now_timestamp(&app));
    let mut wrong = wrong;
    wrong.insert("USERNAME".into(), "dee".into());
    wrong.insert("DEVICE_KEY".into(), device.key.clone());
    let err = respond(&c, &pool, ChallengeNameType::DevicePasswordVerifier, step.session().unwrap(), wrong)
        .await
        .unwrap_err();
    assert!(err.starts_with("NotAuthorizedException"), "{err}");
    // Again from the start, with the right device password.
    let (session, params) = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", "dee")
        .auth_parameters("SRP_A", srp.srp_a())
        .auth_parameters("DEVICE_KEY", &device.key)
        .send()
        .await
        .map(|o| (o.session().unwrap().to_owned(), o.challenge_parameters().unwrap().clone()))
        .unwrap();
    let step = respond(
        &c,
        &pool,
        ChallengeNameType::PasswordVerifier,
        &session,
        srp.answer(&params, PASSWORD, &now_timestamp(&app)),
    )
    .await
    .unwrap();
    assert_eq!(step.challenge_name(), Some(&ChallengeNameType::DeviceSrpAuth), "DEVICE_KEY from InitiateAuth is kept");
    let step = respond(
        &c,
        &pool,
        ChallengeNameType::DeviceSrpAuth,
        step.session().unwrap(),
        map(&[("USERNAME", "dee"), ("DEVICE_KEY", &device.key), ("SRP_A", &dsrp.srp_a())]),
    )
    .await
    .unwrap();
    let p = step.challenge_parameters().unwrap().clone();
    assert_eq!(p["DEVICE_KEY"], device.key);
    let mut proof = dsrp.proof(&p, &device.group, &device.key, &device.password, &now_timestamp(&app));
    proof.insert("USERNAME".into(), "dee".into());
    proof.insert("DEVICE_KEY".into(), device.key.clone());
    let done =
        respond(&c, &pool, ChallengeNameType::DevicePasswordVerifier, step.session().unwrap(), proof).await.unwrap();
    let r = done.authentication_result().expect("tokens without MFA");
    assert!(r.new_device_metadata().is_none(), "a known device is not new");
    assert_eq!(claims(r.access_token().unwrap())["device_key"], device.key.as_str());
    // Refresh keeps the device; another device key is refused.
    let refreshed = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", r.refresh_token().unwrap())
        .auth_parameters("DEVICE_KEY", &device.key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        claims(refreshed.authentication_result().unwrap().access_token().unwrap())["device_key"],
        device.key.as_str()
    );
    let err = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", r.refresh_token().unwrap())
        .auth_parameters("DEVICE_KEY", "us-east-1_00000000-0000-0000-0000-000000000000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    // Listed for the user and the administrator; forgotten, it is unknown.
    let access = r.access_token().unwrap();
    let listed = c.list_devices().access_token(access).send().await.unwrap();
    assert_eq!(listed.devices().len(), 1);
    let d = &listed.devices()[0];
    let attr =
        |n: &str| d.device_attributes().iter().find(|a| a.name() == n).and_then(|a| a.value()).map(str::to_owned);
    assert_eq!(attr("device_name").as_deref(), Some("test laptop"));
    assert_eq!(attr("dev:device_remembered_status").as_deref(), Some("remembered"));
    let admin = c.admin_list_devices().user_pool_id(&pool.id).username("dee").send().await.unwrap();
    assert_eq!(admin.devices().len(), 1);
    c.admin_get_device().user_pool_id(&pool.id).username("dee").device_key(&device.key).send().await.unwrap();
    c.forget_device().access_token(access).device_key(&device.key).send().await.unwrap();
    let err = c.get_device().access_token(access).device_key(&device.key).send().await.unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    let err = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "dee")
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("DEVICE_KEY", &device.key)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.message(), Some("Device does not exist."), "the SDKs retry without the key on this");
}

// ---- SMS through SNS ------------------------------------------------------------------

#[tokio::test]
async fn sms_mfa_codes_go_through_sns_to_verified_numbers_only() {
    let moto = MotoServer::start().await;
    let sns = url::Url::parse(&moto.url).unwrap();
    let app = spawn_with(Options {
        configure: Some(Box::new(move |s: &mut cognate_server::Settings| {
            s.sns_endpoint = Some(sns);
            s.sns_credentials =
                Some(("AKIASNSTEST000000001".into(), domain::secret::SecretString::new("sns-test-secret-key-0001")));
        })),
        ..Options::default()
    })
    .await;
    let c = app.cognito();
    let pool = srp_pool(&c, false).await;
    c.set_user_pool_mfa_config()
        .user_pool_id(&pool.id)
        .mfa_configuration(UserPoolMfaType::On)
        .sms_mfa_configuration(
            aws_sdk_cognitoidentityprovider::types::SmsMfaConfigType::builder()
                .sms_authentication_message("Your Cognate code: {####}")
                .sms_configuration(
                    aws_sdk_cognitoidentityprovider::types::SmsConfigurationType::builder()
                        .sns_caller_arn("arn:aws:iam::123456789012:role/sns")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let attr = |n: &str, v: &str| {
        aws_sdk_cognitoidentityprovider::types::AttributeType::builder().name(n).value(v).build().unwrap()
    };
    for (name, phone, verified) in [("sid", "+15555550101", "true"), ("una", "+15555550102", "false")] {
        c.admin_create_user()
            .user_pool_id(&pool.id)
            .username(name)
            .user_attributes(attr("phone_number", phone))
            .user_attributes(attr("phone_number_verified", verified))
            .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
        c.admin_set_user_password()
            .user_pool_id(&pool.id)
            .username(name)
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await
            .unwrap();
    }
    let (name, session, params) = password_challenge(&c, &pool, "sid").await;
    assert_eq!(name, ChallengeNameType::SmsMfa);
    assert_eq!(params["CODE_DELIVERY_DELIVERY_MEDIUM"], "SMS");
    assert_eq!(params["CODE_DELIVERY_DESTINATION"], "+*******0101");
    let text = moto.next_to("+15555550101", 0).await;
    assert!(text.starts_with("Your Cognate code: "), "{text}");
    let code = text.trim_start_matches("Your Cognate code: ").trim().to_owned();
    let err = respond(&c, &pool, name.clone(), &session, map(&[("USERNAME", "sid"), ("SMS_MFA_CODE", "000000")])).await;
    if code != "000000" {
        assert!(err.unwrap_err().starts_with("CodeMismatchException"));
    }
    let done = respond(&c, &pool, name, &session, map(&[("USERNAME", "sid"), ("SMS_MFA_CODE", &code)])).await.unwrap();
    assert!(done.authentication_result().is_some());
    // An unverified number gets no code: MFA is required and nothing can deliver it.
    let err = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "una")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"));
    assert!(moto.sms().await.iter().all(|(p, _)| p != "+15555550102"), "M-06: no SMS to an unverified number");
}

#[tokio::test]
async fn legacy_mfa_settings_and_the_admin_forms_of_mfa_and_devices() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = srp_pool(&c, false).await;
    c.update_user_pool_client()
        .user_pool_id(&pool.id)
        .client_id(&pool.client_id)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .send()
        .await
        .unwrap();
    c.update_user_pool()
        .user_pool_id(&pool.id)
        .mfa_configuration(UserPoolMfaType::Optional)
        .sms_configuration(
            aws_sdk_cognitoidentityprovider::types::SmsConfigurationType::builder()
                .sns_caller_arn("arn:aws:iam::123456789012:role/sns")
                .build(),
        )
        .device_configuration(
            aws_sdk_cognitoidentityprovider::types::DeviceConfigurationType::builder()
                .device_only_remembered_on_user_prompt(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let attr = |n: &str, v: &str| {
        aws_sdk_cognitoidentityprovider::types::AttributeType::builder().name(n).value(v).build().unwrap()
    };
    c.admin_create_user()
        .user_pool_id(&pool.id)
        .username("lee")
        .user_attributes(attr("phone_number", "+15555550199"))
        .user_attributes(attr("phone_number_verified", "true"))
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    c.admin_set_user_password()
        .user_pool_id(&pool.id)
        .username("lee")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let admin_sign_in = || {
        c.admin_initiate_auth()
            .user_pool_id(&pool.id)
            .client_id(&pool.client_id)
            .auth_flow(AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", "lee")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
    };
    let first = admin_sign_in().await.unwrap();
    let r = first.authentication_result().expect("no MFA yet");
    let access = r.access_token().unwrap().to_owned();
    let device_key = r.new_device_metadata().unwrap().device_key().unwrap().to_owned();

    // The legacy MFAOptions turn SMS MFA on; GetUser reports it both ways.
    let sms = aws_sdk_cognitoidentityprovider::types::MfaOptionType::builder()
        .delivery_medium(aws_sdk_cognitoidentityprovider::types::DeliveryMediumType::Sms)
        .attribute_name("phone_number")
        .build();
    c.set_user_settings().access_token(&access).mfa_options(sms).send().await.unwrap();
    let me = c.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(me.user_mfa_setting_list(), ["SMS_MFA".to_owned()]);
    assert_eq!(me.mfa_options().len(), 1);
    let step = admin_sign_in().await.unwrap();
    assert_eq!(step.challenge_name(), Some(&ChallengeNameType::SmsMfa));
    // The admin form of the answer: a wrong code, with the pool id.
    let err = c
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool.id)
        .client_id(&pool.client_id)
        .challenge_name(ChallengeNameType::SmsMfa)
        .session(step.session().unwrap())
        .challenge_responses("USERNAME", "lee")
        .challenge_responses("SMS_MFA_CODE", "not-a-code")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("CodeMismatchException"));
    c.admin_set_user_settings()
        .user_pool_id(&pool.id)
        .username("lee")
        .set_mfa_options(Some(vec![]))
        .send()
        .await
        .unwrap();
    assert!(admin_sign_in().await.unwrap().authentication_result().is_some(), "SMS MFA off again");

    // Devices, by the administrator.
    c.confirm_device()
        .access_token(&access)
        .device_key(&device_key)
        .device_secret_verifier_config(
            aws_sdk_cognitoidentityprovider::types::DeviceSecretVerifierConfigType::builder()
                .salt(base64::engine::general_purpose::STANDARD.encode([1u8; 16]))
                .password_verifier(base64::engine::general_purpose::STANDARD.encode([2u8; 384]))
                .build(),
        )
        .send()
        .await
        .unwrap();
    let status = |d: &aws_sdk_cognitoidentityprovider::types::DeviceType| {
        d.device_attributes()
            .iter()
            .find(|a| a.name() == "dev:device_remembered_status")
            .and_then(|a| a.value())
            .map(str::to_owned)
    };
    let got = c.admin_get_device().user_pool_id(&pool.id).username("lee").device_key(&device_key).send().await.unwrap();
    assert_eq!(status(got.device().unwrap()).as_deref(), Some("not_remembered"));
    c.admin_update_device_status()
        .user_pool_id(&pool.id)
        .username("lee")
        .device_key(&device_key)
        .device_remembered_status(aws_sdk_cognitoidentityprovider::types::DeviceRememberedStatusType::Remembered)
        .send()
        .await
        .unwrap();
    let got = c.admin_get_device().user_pool_id(&pool.id).username("lee").device_key(&device_key).send().await.unwrap();
    assert_eq!(status(got.device().unwrap()).as_deref(), Some("remembered"));
    c.admin_forget_device().user_pool_id(&pool.id).username("lee").device_key(&device_key).send().await.unwrap();
    let err =
        c.admin_get_device().user_pool_id(&pool.id).username("lee").device_key(&device_key).send().await.unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
}
