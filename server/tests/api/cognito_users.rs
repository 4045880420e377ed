//! Users through the AWS SDK: sign-up with an emailed code, sign-in, tokens verified with
//! an independent JWT library against the JWKS, refresh, GetUser, admin-created users.

use crate::helpers::*;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, ChallengeNameType, DeliveryMediumType, ExplicitAuthFlowsType, MessageActionType,
    PreventUserExistenceErrorTypes, UsernameAttributeType, VerifiedAttributeType,
};
use aws_sdk_cognitoidentityprovider::Client;
use serde_json::Value;

pub const PASSWORD: &str = "Corr3ct-horse!";

pub struct Pool {
    pub id: String,
    pub client_id: String,
}

/// A public client of `pool` with password (user and admin) and refresh sign-in.
pub async fn client_for(c: &Client, pool: &str, prevent: bool) -> String {
    c.create_user_pool_client()
        .user_pool_id(pool)
        .client_name("app")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
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
        .unwrap()
}

/// A pool that verifies email automatically, and a public client with password sign-in.
pub async fn pool_with_client(c: &Client, prevent: bool) -> Pool {
    let id = c
        .create_user_pool()
        .pool_name("Users")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id = client_for(c, &id, prevent).await;
    Pool { id, client_id }
}

fn email(v: &str) -> AttributeType {
    AttributeType::builder().name("email").value(v).build().unwrap()
}

pub async fn signed_up_and_confirmed(app: &TestApp, pool: &Pool, username: &str, address: &str) {
    let c = app.cognito();
    c.sign_up()
        .client_id(&pool.client_id)
        .username(username)
        .password(PASSWORD)
        .user_attributes(email(address))
        .send()
        .await
        .unwrap();
    let code = app.smtp.next_to(address).await.code();
    c.confirm_sign_up().client_id(&pool.client_id).username(username).confirmation_code(code).send().await.unwrap();
}

async fn password_sign_in(
    c: &Client,
    pool: &Pool,
    username: &str,
    password: &str,
) -> Result<aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput, String> {
    c.initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map_err(|e| e.code().unwrap_or("?").to_owned())
}

/// Verifies a JWT with jsonwebtoken against the pool's JWKS, fetched over HTTP.
pub async fn verify(app: &TestApp, pool: &str, token: &str, audience: Option<&str>) -> Value {
    let jwks: jsonwebtoken::jwk::JwkSet =
        reqwest::get(app.url(&format!("/{pool}/.well-known/jwks.json"))).await.unwrap().json().await.unwrap();
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
    let jwk = jwks.find(header.kid.as_deref().unwrap()).expect("the token's kid is in the JWKS");
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    v.set_issuer(&[format!("{}/{pool}", app.address)]);
    match audience {
        Some(a) => v.set_audience(&[a]),
        None => v.validate_aud = false,
    }
    jsonwebtoken::decode::<Value>(token, &key, &v).expect("token verifies").claims
}

#[tokio::test]
async fn a_user_signs_up_confirms_with_the_emailed_code_signs_in_refreshes_and_reads_themself() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    let out = c
        .sign_up()
        .client_id(&pool.client_id)
        .username("alice")
        .password(PASSWORD)
        .user_attributes(email("alice@example.com"))
        .user_attributes(AttributeType::builder().name("name").value("Alice").build().unwrap())
        .send()
        .await
        .unwrap();
    assert!(!out.user_confirmed());
    let d = out.code_delivery_details().unwrap();
    assert_eq!(d.delivery_medium(), Some(&DeliveryMediumType::Email));
    assert_eq!(d.destination(), Some("a***@e***"));
    let mail = app.smtp.next_to("alice@example.com").await;
    assert_eq!(mail.subject(), "Your verification code");

    assert_eq!(password_sign_in(&c, &pool, "alice", PASSWORD).await.unwrap_err(), "UserNotConfirmedException");
    let wrong = if mail.code() == "000000" { "111111" } else { "000000" };
    let err = c
        .confirm_sign_up()
        .client_id(&pool.client_id)
        .username("alice")
        .confirmation_code(wrong)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("CodeMismatchException"));
    c.confirm_sign_up()
        .client_id(&pool.client_id)
        .username("alice")
        .confirmation_code(mail.code())
        .send()
        .await
        .unwrap();

    let auth = password_sign_in(&c, &pool, "alice", PASSWORD).await.unwrap();
    let r = auth.authentication_result().unwrap();
    assert_eq!(r.token_type(), Some("Bearer"));
    assert_eq!(r.expires_in(), 3600);
    let id = verify(&app, &pool.id, r.id_token().unwrap(), Some(&pool.client_id)).await;
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["cognito:username"], "alice");
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["name"], "Alice");
    for claim in ["sub", "auth_time", "iat", "exp", "jti", "origin_jti", "event_id"] {
        assert!(id.get(claim).is_some(), "id token has {claim}");
    }
    let access = verify(&app, &pool.id, r.access_token().unwrap(), None).await;
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["client_id"], pool.client_id.as_str());
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["username"], "alice");
    assert_eq!(access["sub"], id["sub"]);
    assert_eq!(access["origin_jti"], id["origin_jti"]);

    let me = c.get_user().access_token(r.access_token().unwrap()).send().await.unwrap();
    assert_eq!(me.username(), "alice");
    assert!(me.user_attributes().iter().any(|a| a.name() == "email_verified" && a.value() == Some("true")));

    let refreshed = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", r.refresh_token().unwrap())
        .send()
        .await
        .unwrap();
    let rr = refreshed.authentication_result().unwrap();
    assert!(rr.refresh_token().is_none(), "refresh does not issue a new refresh token");
    let id2 = verify(&app, &pool.id, rr.id_token().unwrap(), Some(&pool.client_id)).await;
    assert_eq!(id2["origin_jti"], id["origin_jti"]);
    assert_eq!(id2["auth_time"], id["auth_time"]);

    let err = c.get_user().access_token("not.a.token").send().await.unwrap_err();
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    app.clock.advance(std::time::Duration::from_secs(3601));
    let err = c.get_user().access_token(r.access_token().unwrap()).send().await.unwrap_err();
    assert_eq!(err.code(), Some("NotAuthorizedException"), "expired access token");
}

#[tokio::test]
async fn wrong_passwords_and_unknown_users_look_the_same_and_lock_out_after_five() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    signed_up_and_confirmed(&app, &pool, "bob", "bob@example.com").await;
    assert_eq!(password_sign_in(&c, &pool, "bob", "Wrong-pass1!").await.unwrap_err(), "NotAuthorizedException");
    assert_eq!(password_sign_in(&c, &pool, "nobody", "Wrong-pass1!").await.unwrap_err(), "NotAuthorizedException");
    for _ in 0..4 {
        password_sign_in(&c, &pool, "bob", "Wrong-pass1!").await.unwrap_err();
    }
    let err = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "bob")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    assert_eq!(err.message(), Some("Password attempts exceeded"));
    app.clock.advance(std::time::Duration::from_secs(60));
    password_sign_in(&c, &pool, "bob", PASSWORD).await.unwrap();
}

#[tokio::test]
async fn legacy_clients_reveal_unknown_users() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, false).await;
    assert_eq!(password_sign_in(&c, &pool, "nobody", "Wrong-pass1!").await.unwrap_err(), "UserNotFoundException");
}

#[tokio::test]
async fn sign_up_rules_give_cognitos_errors() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    let err = c.sign_up().client_id(&pool.client_id).username("carol").password("short").send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidPasswordException"));
    let err =
        c.sign_up().client_id(&pool.client_id).username("carol").password("alllowercase1!").send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidPasswordException"));
    assert!(err.message().unwrap().contains("uppercase"));
    c.sign_up()
        .client_id(&pool.client_id)
        .username("carol")
        .password(PASSWORD)
        .user_attributes(email("carol@example.com"))
        .send()
        .await
        .unwrap();
    let err = c.sign_up().client_id(&pool.client_id).username("carol").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(err.code(), Some("UsernameExistsException"));
    let err = c
        .sign_up()
        .client_id(&pool.client_id)
        .username("dave")
        .password(PASSWORD)
        .user_attributes(AttributeType::builder().name("custom:nope").value("x").build().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"));
    let err = c.sign_up().client_id("nosuchclient123").username("x").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
}

#[tokio::test]
async fn codes_allow_five_wrong_guesses_then_refuse() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    c.sign_up()
        .client_id(&pool.client_id)
        .username("erin")
        .password(PASSWORD)
        .user_attributes(email("erin@example.com"))
        .send()
        .await
        .unwrap();
    let code = app.smtp.next_to("erin@example.com").await.code();
    let wrong = if code == "123456" { "654321" } else { "123456" };
    for _ in 0..5 {
        let e = c
            .confirm_sign_up()
            .client_id(&pool.client_id)
            .username("erin")
            .confirmation_code(wrong)
            .send()
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some("CodeMismatchException"));
    }
    let e = c
        .confirm_sign_up()
        .client_id(&pool.client_id)
        .username("erin")
        .confirmation_code(&code)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("LimitExceededException"));
    // A new code does not buy new guesses within the hour (SECURITY.md A-15)...
    c.resend_confirmation_code().client_id(&pool.client_id).username("erin").send().await.unwrap();
    let fresh = app.smtp.next_to("erin@example.com").await.code();
    let e = c.confirm_sign_up().client_id(&pool.client_id).username("erin").confirmation_code(&fresh).send().await;
    assert_eq!(e.unwrap_err().code(), Some("LimitExceededException"));
    // ...after it, a new code works.
    app.clock.advance(std::time::Duration::from_secs(61 * 60));
    c.resend_confirmation_code().client_id(&pool.client_id).username("erin").send().await.unwrap();
    let fresh = app.smtp.next_to("erin@example.com").await.code();
    c.confirm_sign_up().client_id(&pool.client_id).username("erin").confirmation_code(fresh).send().await.unwrap();
}

#[tokio::test]
async fn codes_expire_after_a_day() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    c.sign_up()
        .client_id(&pool.client_id)
        .username("fay")
        .password(PASSWORD)
        .user_attributes(email("fay@example.com"))
        .send()
        .await
        .unwrap();
    let code = app.smtp.next_to("fay@example.com").await.code();
    app.clock.advance(std::time::Duration::from_secs(24 * 3600 + 1));
    let e = c
        .confirm_sign_up()
        .client_id(&pool.client_id)
        .username("fay")
        .confirmation_code(code)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("ExpiredCodeException"));
}

#[tokio::test]
async fn an_invited_user_signs_in_with_the_emailed_temporary_password_and_sets_a_new_one() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    let created = c
        .admin_create_user()
        .user_pool_id(&pool.id)
        .username("gina")
        .user_attributes(email("gina@example.com"))
        .user_attributes(AttributeType::builder().name("email_verified").value("true").build().unwrap())
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
        .unwrap();
    assert_eq!(created.user().unwrap().user_status().map(|s| s.as_str()), Some("FORCE_CHANGE_PASSWORD"));
    let mail = app.smtp.next_to("gina@example.com").await;
    let body = mail.body();
    let temp = body.split("temporary password is ").nth(1).unwrap().split(". ").next().unwrap().trim().to_owned();
    let step = password_sign_in(&c, &pool, "gina", &temp).await.unwrap();
    assert_eq!(step.challenge_name(), Some(&ChallengeNameType::NewPasswordRequired));
    assert_eq!(step.challenge_parameters().unwrap().get("USER_ID_FOR_SRP").map(String::as_str), Some("gina"));
    let done = c
        .respond_to_auth_challenge()
        .client_id(&pool.client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(step.session().unwrap())
        .challenge_responses("USERNAME", "gina")
        .challenge_responses("NEW_PASSWORD", "Brand-new-pass1")
        .send()
        .await
        .unwrap();
    assert!(done.authentication_result().unwrap().access_token().is_some());
    password_sign_in(&c, &pool, "gina", "Brand-new-pass1").await.unwrap();
    let u = c.admin_get_user().user_pool_id(&pool.id).username("gina").send().await.unwrap();
    assert_eq!(u.user_status().map(|s| s.as_str()), Some("CONFIRMED"));
}

#[tokio::test]
async fn admin_sign_in_suppressed_invitations_and_deletion() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    c.admin_create_user()
        .user_pool_id(&pool.id)
        .username("hal")
        .temporary_password("Temp-pass-123")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let err = c
        .admin_create_user()
        .user_pool_id(&pool.id)
        .username("hal")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("UsernameExistsException"));
    let step = c
        .admin_initiate_auth()
        .user_pool_id(&pool.id)
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "hal")
        .auth_parameters("PASSWORD", "Temp-pass-123")
        .send()
        .await
        .unwrap();
    assert_eq!(step.challenge_name(), Some(&ChallengeNameType::NewPasswordRequired));
    c.admin_delete_user().user_pool_id(&pool.id).username("hal").send().await.unwrap();
    let err = c.admin_get_user().user_pool_id(&pool.id).username("hal").send().await.unwrap_err();
    assert_eq!(err.code(), Some("UserNotFoundException"));
}

#[tokio::test]
async fn temporary_passwords_expire() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    c.admin_create_user()
        .user_pool_id(&pool.id)
        .username("ivy")
        .temporary_password("Temp-pass-123")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    app.clock.advance(std::time::Duration::from_secs(8 * 86_400));
    assert_eq!(password_sign_in(&c, &pool, "ivy", "Temp-pass-123").await.unwrap_err(), "NotAuthorizedException");
}

#[tokio::test]
async fn confidential_clients_require_the_secret_hash() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool.id)
        .client_name("server")
        .generate_secret(true)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let id = client.client_id().unwrap();
    let secret = client.client_secret().unwrap();
    let hash = domain::client::secret_hash(secret, "jo", id);
    let err = c.sign_up().client_id(id).username("jo").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    assert_eq!(err.message(), Some(format!("Unable to verify secret hash for client {id}").as_str()));
    let err =
        c.sign_up().client_id(id).username("jo").password(PASSWORD).secret_hash("d3Jvbmc=").send().await.unwrap_err();
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    c.sign_up()
        .client_id(id)
        .username("jo")
        .password(PASSWORD)
        .secret_hash(&hash)
        .user_attributes(email("jo@example.com"))
        .send()
        .await
        .unwrap();
    let code = app.smtp.next_to("jo@example.com").await.code();
    c.confirm_sign_up().client_id(id).username("jo").confirmation_code(code).secret_hash(&hash).send().await.unwrap();
    let ok = c
        .initiate_auth()
        .client_id(id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "jo")
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("SECRET_HASH", &hash)
        .send()
        .await
        .unwrap();
    assert!(ok.authentication_result().is_some());
}

#[tokio::test]
async fn pools_that_sign_in_with_email_use_it_as_the_user_name() {
    let app = spawn_app().await;
    let c = app.cognito();
    let id = c
        .create_user_pool()
        .pool_name("ByEmail")
        .username_attributes(UsernameAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client = client_for(&c, &id, true).await;
    let err = c.sign_up().client_id(&client).username("notanemail").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"));
    let out = c.sign_up().client_id(&client).username("Kim@Example.com").password(PASSWORD).send().await.unwrap();
    let code = app.smtp.next_to("Kim@Example.com").await.code();
    c.confirm_sign_up().client_id(&client).username("kim@example.com").confirmation_code(code).send().await.unwrap();
    let err = c.sign_up().client_id(&client).username("kim@example.com").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(err.code(), Some("UsernameExistsException"));
    let auth = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "KIM@example.com")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    let claims = verify(&app, &id, auth.authentication_result().unwrap().id_token().unwrap(), Some(&client)).await;
    assert_eq!(claims["cognito:username"], out.user_sub(), "the user name is the sub");
    assert_eq!(claims["email"], "Kim@Example.com");
}

#[tokio::test]
async fn a_rotated_key_signs_new_tokens_while_the_old_one_still_verifies() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    signed_up_and_confirmed(&app, &pool, "rot", "rot@example.com").await;
    let sign_in = || async {
        c.initiate_auth()
            .client_id(&pool.client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "rot")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap()
            .authentication_result
            .unwrap()
            .id_token
            .unwrap()
    };
    let before = sign_in().await;
    let mut settings = cognate_server::Settings::for_tests(app.data_dir.clone(), app.database_url.clone());
    settings.master_key = None;
    let kid = cognate_server::startup::rotate_signing_key(&settings, &pool.id).await.unwrap();
    // Servers re-read keys at most a minute after a rotation elsewhere.
    app.clock.advance(std::time::Duration::from_secs(61));
    let after = sign_in().await;
    assert_eq!(jsonwebtoken::decode_header(&after).unwrap().kid.as_deref(), Some(kid.as_str()));
    assert_ne!(jsonwebtoken::decode_header(&before).unwrap().kid, jsonwebtoken::decode_header(&after).unwrap().kid);
    let jwks: serde_json::Value =
        reqwest::get(app.url(&format!("/{}/.well-known/jwks.json", pool.id))).await.unwrap().json().await.unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
    // Verification with the JWKS only works while the old key is listed: before a day passes.
    let claims = verify(&app, &pool.id, &before, Some(&pool.client_id)).await;
    assert_eq!(claims["cognito:username"], "rot");
}
