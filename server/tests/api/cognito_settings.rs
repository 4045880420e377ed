//! Pool settings taking effect: aliases, case sensitivity, admin-only sign-up,
//! verification before update, and message delivery through an SMTP outage.

use crate::cognito_users::{pool_with_client, signed_up_and_confirmed, PASSWORD};
use crate::helpers::*;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{
    AdminCreateUserConfigType, AliasAttributeType, AttributeType, AuthFlowType, UserAttributeUpdateSettingsType,
    UsernameConfigurationType, VerifiedAttributeType,
};
use aws_sdk_cognitoidentityprovider::Client;

async fn client_for(c: &Client, pool: &str) -> String {
    crate::cognito_users::client_for(c, pool, true).await
}

async fn sign_in(c: &Client, client: &str, username: &str, password: &str) -> Result<String, String> {
    c.initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map(|o| o.authentication_result().unwrap().access_token().unwrap().to_owned())
        .map_err(|e| e.code().unwrap_or("?").to_owned())
}

#[tokio::test]
async fn verified_email_aliases_sign_in_and_are_unique() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = c
        .create_user_pool()
        .pool_name("Aliases")
        .alias_attributes(AliasAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client = client_for(&c, &pool).await;
    let email = |v: &str| AttributeType::builder().name("email").value(v).build().unwrap();
    let err = c.sign_up().client_id(&client).username("a@b.example").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"), "a user name may not look like the alias");
    c.sign_up()
        .client_id(&client)
        .username("lena")
        .password(PASSWORD)
        .user_attributes(email("lena@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        sign_in(&c, &client, "lena@example.com", PASSWORD).await.unwrap_err(),
        "NotAuthorizedException",
        "unverified alias"
    );
    let code = app.smtp.next_to("lena@example.com").await.code();
    c.confirm_sign_up().client_id(&client).username("lena").confirmation_code(code).send().await.unwrap();
    sign_in(&c, &client, "LENA@example.com", PASSWORD).await.unwrap();
    c.sign_up()
        .client_id(&client)
        .username("mia")
        .password(PASSWORD)
        .user_attributes(email("lena@example.com"))
        .send()
        .await
        .unwrap();
    let code = app.smtp.next_to("lena@example.com").await.code();
    let err = c.confirm_sign_up().client_id(&client).username("mia").confirmation_code(&code).send().await.unwrap_err();
    assert_eq!(err.code(), Some("AliasExistsException"));
    // ForceAliasCreation moves the alias to the newer account.
    c.confirm_sign_up()
        .client_id(&client)
        .username("mia")
        .confirmation_code(&code)
        .force_alias_creation(true)
        .send()
        .await
        .unwrap();
    sign_in(&c, &client, "mia", PASSWORD).await.unwrap();
    let token = sign_in(&c, &client, "lena@example.com", PASSWORD).await.unwrap();
    let me = c.get_user().access_token(&token).send().await.unwrap();
    assert_eq!(me.username(), "mia", "the email now signs in as mia");
    let lena = c.admin_get_user().user_pool_id(&pool).username("lena").send().await.unwrap();
    assert!(lena.user_attributes().iter().any(|a| a.name() == "email_verified" && a.value() == Some("false")));
}

#[tokio::test]
async fn case_insensitive_pools_match_user_names_in_any_case() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = c
        .create_user_pool()
        .pool_name("Case")
        .username_configuration(UsernameConfigurationType::builder().case_sensitive(false).build().unwrap())
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client = client_for(&c, &pool).await;
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("Nora")
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    c.admin_set_user_password()
        .user_pool_id(&pool)
        .username("NORA")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    sign_in(&c, &client, "nora", PASSWORD).await.unwrap();
    let u = c.admin_get_user().user_pool_id(&pool).username("nOrA").send().await.unwrap();
    assert_eq!(u.username(), "Nora", "the original case is kept");
    let err = c.sign_up().client_id(&client).username("NORA").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(err.code(), Some("UsernameExistsException"));

    let sensitive = c.create_user_pool().pool_name("Sensitive").send().await.unwrap().user_pool.unwrap().id.unwrap();
    let sclient = client_for(&c, &sensitive).await;
    c.admin_create_user()
        .user_pool_id(&sensitive)
        .username("Otto")
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    c.admin_set_user_password()
        .user_pool_id(&sensitive)
        .username("Otto")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    assert_eq!(sign_in(&c, &sclient, "otto", PASSWORD).await.unwrap_err(), "NotAuthorizedException");
}

#[tokio::test]
async fn admin_only_pools_refuse_self_sign_up() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = c
        .create_user_pool()
        .pool_name("Closed")
        .admin_create_user_config(AdminCreateUserConfigType::builder().allow_admin_create_user_only(true).build())
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client = client_for(&c, &pool).await;
    let err = c.sign_up().client_id(&client).username("pat").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    assert_eq!(err.message(), Some("SignUp is not permitted for this user pool"));
}

#[tokio::test]
async fn an_email_change_waits_for_verification_when_the_pool_says_so() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    c.update_user_pool()
        .user_pool_id(&pool.id)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .user_attribute_update_settings(
            UserAttributeUpdateSettingsType::builder()
                .attributes_require_verification_before_update(VerifiedAttributeType::Email)
                .build(),
        )
        .send()
        .await
        .unwrap();
    signed_up_and_confirmed(&app, &pool, "quinn", "quinn@old.example").await;
    let token = sign_in(&c, &pool.client_id, "quinn", PASSWORD).await.unwrap();
    let out = c
        .update_user_attributes()
        .access_token(&token)
        .user_attributes(AttributeType::builder().name("email").value("quinn@new.example").build().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(out.code_delivery_details_list().len(), 1, "{out:?}");
    let me = c.get_user().access_token(&token).send().await.unwrap();
    let attr = |n: &str| me.user_attributes().iter().find(|a| a.name() == n).and_then(|a| a.value()).map(str::to_owned);
    assert_eq!(attr("email").as_deref(), Some("quinn@old.example"), "the old address stays until verified");
    assert_eq!(attr("email_verified").as_deref(), Some("true"));
    let code = app.smtp.next_to("quinn@new.example").await.code();
    c.verify_user_attribute().access_token(&token).attribute_name("email").code(code).send().await.unwrap();
    let me = c.get_user().access_token(&token).send().await.unwrap();
    assert!(me.user_attributes().iter().any(|a| a.name() == "email" && a.value() == Some("quinn@new.example")));
}

#[tokio::test]
async fn an_smtp_outage_delays_a_code_but_does_not_lose_it() {
    let app = spawn_with(Options { smtp_down: true, ..Options::default() }).await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    c.sign_up()
        .client_id(&pool.client_id)
        .username("rae")
        .password(PASSWORD)
        .user_attributes(AttributeType::builder().name("email").value("rae@example.com").build().unwrap())
        .send()
        .await
        .unwrap();
    // The first attempt fails (nothing listens) and is recorded with a retry time...
    use domain::clock::Clock;
    use domain::ports::OutboxStore;
    let db = app.store().await;
    let far = domain::clock::Timestamp(i64::MAX / 2);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let pending = db.due_messages(far, 10).await.unwrap();
        let rae = pending.iter().find(|m| m.recipient == "rae@example.com").expect("the code is still queued");
        if rae.attempts >= 1 {
            assert!(rae.next_attempt_at > app.clock.now(), "a failed attempt is retried later, not at once");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no delivery attempt was made");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // ...then the mail server comes back, and once the backoff has passed the worker delivers.
    let sink = crate::smtp_sink::SmtpSink::start_on(app.smtp_port).await;
    app.clock.advance(std::time::Duration::from_secs(120));
    let code = sink.next_to("rae@example.com").await.code();
    c.confirm_sign_up().client_id(&pool.client_id).username("rae").confirmation_code(code).send().await.unwrap();
}
