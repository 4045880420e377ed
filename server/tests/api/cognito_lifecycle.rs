//! Password reset and change, attributes and their verification, sign-out, revocation,
//! and the admin lifecycle actions, through the AWS SDK.

use crate::cognito_users::{pool_with_client, signed_up_and_confirmed, Pool, PASSWORD};
use crate::helpers::*;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, AuthFlowType};
use aws_sdk_cognitoidentityprovider::Client;

struct Session {
    access: String,
    refresh: String,
}

async fn sign_in(c: &Client, pool: &Pool, username: &str, password: &str) -> Result<Session, String> {
    let out = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map_err(|e| e.code().unwrap_or("?").to_owned())?;
    let r = out.authentication_result().unwrap();
    Ok(Session { access: r.access_token().unwrap().to_owned(), refresh: r.refresh_token().unwrap().to_owned() })
}

async fn refresh(c: &Client, pool: &Pool, token: &str) -> Result<(), String> {
    c.initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", token)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| e.code().unwrap_or("?").to_owned())
}

async fn setup(app: &TestApp, name: &str) -> (Client, Pool, Session) {
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    signed_up_and_confirmed(app, &pool, name, &format!("{name}@example.com")).await;
    let s = sign_in(&c, &pool, name, PASSWORD).await.unwrap();
    (c, pool, s)
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_the_emailed_code_and_old_sessions_end() {
    let app = spawn_app().await;
    let (c, pool, s) = setup(&app, "amy").await;
    let out = c.forgot_password().client_id(&pool.client_id).username("amy").send().await.unwrap();
    assert_eq!(out.code_delivery_details().unwrap().destination(), Some("a***@e***"));
    let code = app.smtp.next_to("amy@example.com").await.code();
    let err = c
        .confirm_forgot_password()
        .client_id(&pool.client_id)
        .username("amy")
        .confirmation_code(&code)
        .password("weak")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidPasswordException"));
    c.confirm_forgot_password()
        .client_id(&pool.client_id)
        .username("amy")
        .confirmation_code(&code)
        .password("N3w-password!")
        .send()
        .await
        .unwrap();
    assert_eq!(sign_in(&c, &pool, "amy", PASSWORD).await.err().as_deref(), Some("NotAuthorizedException"));
    sign_in(&c, &pool, "amy", "N3w-password!").await.unwrap();
    assert_eq!(
        refresh(&c, &pool, &s.refresh).await.unwrap_err(),
        "NotAuthorizedException",
        "reset revokes refresh tokens"
    );
    let err = c.get_user().access_token(&s.access).send().await.unwrap_err();
    assert_eq!(err.code(), Some("NotAuthorizedException"), "and earlier access tokens");
    // The code is single-use.
    let err = c
        .confirm_forgot_password()
        .client_id(&pool.client_id)
        .username("amy")
        .confirmation_code(&code)
        .password("An0ther-pass!")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ExpiredCodeException"));
}

#[tokio::test]
async fn forgot_password_for_an_unknown_user_reveals_nothing_when_the_client_says_so() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    let out = c.forgot_password().client_id(&pool.client_id).username("ghost@example.com").send().await.unwrap();
    assert!(out.code_delivery_details().is_some());
    let legacy = pool_with_client(&c, false).await;
    let err = c.forgot_password().client_id(&legacy.client_id).username("ghost").send().await.unwrap_err();
    assert_eq!(err.code(), Some("UserNotFoundException"));
}

#[tokio::test]
async fn a_user_changes_their_password_and_history_can_forbid_reuse() {
    let app = spawn_app().await;
    let (c, pool, s) = setup(&app, "ben").await;
    let err = c
        .change_password()
        .access_token(&s.access)
        .previous_password("Wrong-pass1!")
        .proposed_password("Fresh-pass1!")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    c.change_password()
        .access_token(&s.access)
        .previous_password(PASSWORD)
        .proposed_password("Fresh-pass1!")
        .send()
        .await
        .unwrap();
    sign_in(&c, &pool, "ben", "Fresh-pass1!").await.unwrap();

    c.update_user_pool()
        .user_pool_id(&pool.id)
        .auto_verified_attributes(aws_sdk_cognitoidentityprovider::types::VerifiedAttributeType::Email)
        .policies(
            aws_sdk_cognitoidentityprovider::types::UserPoolPolicyType::builder()
                .password_policy(
                    aws_sdk_cognitoidentityprovider::types::PasswordPolicyType::builder()
                        .minimum_length(8)
                        .require_uppercase(true)
                        .require_lowercase(true)
                        .require_numbers(true)
                        .require_symbols(true)
                        .password_history_size(3)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let err = c
        .change_password()
        .access_token(&s.access)
        .previous_password("Fresh-pass1!")
        .proposed_password(PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("PasswordHistoryPolicyViolationException"));
}

#[tokio::test]
async fn changing_the_email_unverifies_it_until_the_code_comes_back() {
    let app = spawn_app().await;
    let (c, _pool, s) = setup(&app, "cat").await;
    let out = c
        .update_user_attributes()
        .access_token(&s.access)
        .user_attributes(AttributeType::builder().name("email").value("cat@new.example").build().unwrap())
        .user_attributes(AttributeType::builder().name("given_name").value("Cat").build().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(out.code_delivery_details_list().len(), 1);
    let me = c.get_user().access_token(&s.access).send().await.unwrap();
    let attr = |n: &str| me.user_attributes().iter().find(|a| a.name() == n).and_then(|a| a.value()).map(str::to_owned);
    assert_eq!(attr("email").as_deref(), Some("cat@new.example"));
    assert_eq!(attr("email_verified").as_deref(), Some("false"));
    assert_eq!(attr("given_name").as_deref(), Some("Cat"));
    let code = app.smtp.next_to("cat@new.example").await.code();
    c.verify_user_attribute().access_token(&s.access).attribute_name("email").code(code).send().await.unwrap();
    let me = c.get_user().access_token(&s.access).send().await.unwrap();
    assert!(me.user_attributes().iter().any(|a| a.name() == "email_verified" && a.value() == Some("true")));

    let err = c
        .update_user_attributes()
        .access_token(&s.access)
        .user_attributes(AttributeType::builder().name("email_verified").value("true").build().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    c.delete_user_attributes().access_token(&s.access).user_attribute_names("given_name").send().await.unwrap();
    let me = c.get_user().access_token(&s.access).send().await.unwrap();
    assert!(!me.user_attributes().iter().any(|a| a.name() == "given_name"));
    c.get_user_attribute_verification_code().access_token(&s.access).attribute_name("email").send().await.unwrap();
    assert_eq!(app.smtp.next_to("cat@new.example").await.code().len(), 6);
}

#[tokio::test]
async fn global_sign_out_and_revoke_token_end_sessions() {
    let app = spawn_app().await;
    let (c, pool, s) = setup(&app, "dan").await;
    let other = sign_in(&c, &pool, "dan", PASSWORD).await.unwrap();
    c.revoke_token().client_id(&pool.client_id).token(&other.refresh).send().await.unwrap();
    assert_eq!(refresh(&c, &pool, &other.refresh).await.unwrap_err(), "NotAuthorizedException");
    let err = c.get_user().access_token(&other.access).send().await.unwrap_err();
    assert_eq!(err.code(), Some("NotAuthorizedException"), "access tokens of a revoked refresh token are refused");
    c.get_user().access_token(&s.access).send().await.unwrap();

    c.global_sign_out().access_token(&s.access).send().await.unwrap();
    assert_eq!(refresh(&c, &pool, &s.refresh).await.unwrap_err(), "NotAuthorizedException");
    let err = c.get_user().access_token(&s.access).send().await.unwrap_err();
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    let fresh = sign_in(&c, &pool, "dan", PASSWORD).await.unwrap();
    c.get_user().access_token(&fresh.access).send().await.unwrap();

    c.admin_user_global_sign_out().user_pool_id(&pool.id).username("dan").send().await.unwrap();
    assert_eq!(refresh(&c, &pool, &fresh.refresh).await.unwrap_err(), "NotAuthorizedException");
}

#[tokio::test]
async fn disabled_users_cannot_sign_in_or_refresh_until_enabled() {
    let app = spawn_app().await;
    let (c, pool, s) = setup(&app, "eve").await;
    c.admin_disable_user().user_pool_id(&pool.id).username("eve").send().await.unwrap();
    assert_eq!(sign_in(&c, &pool, "eve", PASSWORD).await.err().as_deref(), Some("NotAuthorizedException"));
    assert_eq!(refresh(&c, &pool, &s.refresh).await.unwrap_err(), "NotAuthorizedException");
    let u = c.admin_get_user().user_pool_id(&pool.id).username("eve").send().await.unwrap();
    assert!(!u.enabled());
    c.admin_enable_user().user_pool_id(&pool.id).username("eve").send().await.unwrap();
    sign_in(&c, &pool, "eve", PASSWORD).await.unwrap();
}

#[tokio::test]
async fn administrators_set_and_reset_passwords_and_edit_attributes() {
    let app = spawn_app().await;
    let (c, pool, _) = setup(&app, "fin").await;
    c.admin_set_user_password()
        .user_pool_id(&pool.id)
        .username("fin")
        .password("Admin-set-1!")
        .permanent(true)
        .send()
        .await
        .unwrap();
    sign_in(&c, &pool, "fin", "Admin-set-1!").await.unwrap();
    c.admin_set_user_password()
        .user_pool_id(&pool.id)
        .username("fin")
        .password("Admin-temp-1!")
        .permanent(false)
        .send()
        .await
        .unwrap();
    let u = c.admin_get_user().user_pool_id(&pool.id).username("fin").send().await.unwrap();
    assert_eq!(u.user_status().map(|s| s.as_str()), Some("FORCE_CHANGE_PASSWORD"));

    c.admin_reset_user_password().user_pool_id(&pool.id).username("fin").send().await.unwrap();
    assert_eq!(
        sign_in(&c, &pool, "fin", "Admin-temp-1!").await.err().as_deref(),
        Some("PasswordResetRequiredException")
    );
    let code = app.smtp.next_to("fin@example.com").await.code();
    c.confirm_forgot_password()
        .client_id(&pool.client_id)
        .username("fin")
        .confirmation_code(code)
        .password("After-reset-1!")
        .send()
        .await
        .unwrap();
    sign_in(&c, &pool, "fin", "After-reset-1!").await.unwrap();

    c.admin_update_user_attributes()
        .user_pool_id(&pool.id)
        .username("fin")
        .user_attributes(AttributeType::builder().name("family_name").value("Fox").build().unwrap())
        .send()
        .await
        .unwrap();
    c.admin_delete_user_attributes()
        .user_pool_id(&pool.id)
        .username("fin")
        .user_attribute_names("family_name")
        .send()
        .await
        .unwrap();
    let u = c.admin_get_user().user_pool_id(&pool.id).username("fin").send().await.unwrap();
    assert!(!u.user_attributes().iter().any(|a| a.name() == "family_name"));
}

#[tokio::test]
async fn a_user_deletes_themself() {
    let app = spawn_app().await;
    let (c, pool, s) = setup(&app, "gus").await;
    c.delete_user().access_token(&s.access).send().await.unwrap();
    let err = c.admin_get_user().user_pool_id(&pool.id).username("gus").send().await.unwrap_err();
    assert_eq!(err.code(), Some("UserNotFoundException"));
}
