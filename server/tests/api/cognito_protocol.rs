//! The JSON 1.1 wire protocol and SigV4, driven by the AWS SDK and by raw requests.

use crate::helpers::*;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;

#[tokio::test]
async fn a_signed_sdk_call_succeeds() {
    let app = spawn_app().await;
    let out = app.cognito().list_user_pools().max_results(10).send().await.unwrap();
    assert!(out.user_pools().is_empty());
}

#[tokio::test]
async fn a_wrong_secret_is_an_invalid_signature() {
    let app = spawn_app().await;
    let err = app
        .cognito_with(ACCESS_KEY_ID, "not-the-secret-at-all-xxxx")
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidSignatureException"), "{err:?}");
}

#[tokio::test]
async fn an_unknown_access_key_is_an_unrecognized_client() {
    let app = spawn_app().await;
    let err = app
        .cognito_with("AKIANOSUCHKEY0000001", SECRET_ACCESS_KEY)
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("UnrecognizedClientException"), "{err:?}");
}

#[tokio::test]
async fn unsigned_admin_calls_are_refused() {
    let app = spawn_app().await;
    let (status, body) = app.cognito_raw("ListUserPools", r#"{"MaxResults": 10}"#).await;
    assert_eq!(status, 403);
    assert_eq!(body["__type"], "MissingAuthenticationTokenException");
}

#[tokio::test]
async fn unknown_actions_and_malformed_bodies_get_aws_errors() {
    let app = spawn_app().await;
    let (status, body) = app.cognito_raw("NoSuchAction", "{}").await;
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "UnknownOperationException");
    let (status, body) = app.cognito_raw("SignUp", "{not json").await;
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "SerializationException");
    let (status, body) = app.cognito_raw("SignUp", r#"{"ClientId": 5, "Username": "u"}"#).await;
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "SerializationException");
    let (status, body) = app.cognito_raw("SignUp", "{}").await;
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "InvalidParameterException");
    assert_eq!(
        body["message"],
        "2 validation errors detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null; \
         Value null at 'username' failed to satisfy constraint: Member must not be null"
    );
}

#[tokio::test]
async fn a_stale_signature_is_refused() {
    let app = spawn_app().await;
    app.clock.advance(std::time::Duration::from_secs(10 * 60));
    let err = app.cognito().list_user_pools().max_results(10).send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidSignatureException"), "{err:?}");
    assert!(err.message().unwrap_or_default().contains("Signature expired"), "{err:?}");
}

#[tokio::test]
async fn validation_errors_reach_the_sdk_as_invalid_parameter() {
    let app = spawn_app().await;
    let err = app.cognito().list_user_pools().max_results(61).send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"));
    assert!(err.message().unwrap().contains("Member must have value less than or equal to 60"), "{err:?}");
}
