//! Overload of the password hashing pool. A test binary of its own: the argon2 pool is
//! process-wide, and this one shrinks it to one worker with a wait budget of about two
//! hashes.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "api/smtp_sink.rs"]
mod smtp_sink;

use aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType;
use helpers::{spawn_with, Options};
use serde_json::json;

#[tokio::test]
async fn a_full_hashing_queue_answers_too_many_requests_at_once_and_recovers() {
    let app =
        spawn_with(Options { hash_pool: Some((1, std::time::Duration::from_millis(150))), ..Options::default() }).await;
    let c = app.cognito();
    let pool = c.create_user_pool().pool_name("Overload").send().await.unwrap().user_pool.unwrap().id.unwrap();
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("app")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    // Six users, so that no account has more sign-ins in flight than its lockout allows
    // (five): this test is about the hashing queue, not the lockout.
    let users: Vec<String> = (0..6).map(|i| format!("ann{i}")).collect();
    for u in &users {
        c.admin_create_user().user_pool_id(&pool).username(u).message_action("SUPPRESS".into()).send().await.unwrap();
        c.admin_set_user_password()
            .user_pool_id(&pool)
            .username(u)
            .password("Correct-Horse-9")
            .permanent(true)
            .send()
            .await
            .unwrap();
    }
    let body_for = |u: &str| {
        json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": client,
            "AuthParameters": {"USERNAME": u, "PASSWORD": "Correct-Horse-9"},
        })
        .to_string()
    };
    let body = body_for(&users[0]);
    // What one worker can hash within the budget waits; the rest of a burst of 24 is
    // refused at once.
    let mut burst = tokio::task::JoinSet::new();
    for i in 0..24 {
        let (url, body) = (app.url("/"), body_for(&users[i % users.len()]));
        burst.spawn(async move {
            let r = reqwest::Client::new()
                .post(url)
                .header("x-amz-target", "AWSCognitoIdentityProviderService.InitiateAuth")
                .header("content-type", "application/x-amz-json-1.1")
                .body(body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap())
        });
    }
    let answers = burst.join_all().await;
    let ok = answers.iter().filter(|(s, b)| *s == 200 && b["AuthenticationResult"]["AccessToken"].is_string()).count();
    let busy = answers
        .iter()
        .filter(|(s, b)| *s == 400 && b["__type"] == "TooManyRequestsException" && b["message"].is_string())
        .count();
    assert_eq!(ok + busy, answers.len(), "every answer is a sign-in or TooManyRequestsException: {answers:?}");
    assert!(ok >= 1, "the requests that got a slot succeed");
    assert!(busy >= 1, "a burst beyond the queue is refused");

    // Nothing is stuck: once the burst is over, sign-in works again.
    let (status, b) = app.cognito_raw("InitiateAuth", &body).await;
    assert_eq!(status, 200, "{b}");
    // A refused attempt is not a failed password: no lockout after many of them.
    for _ in 0..3 {
        let (status, _) = app.cognito_raw("InitiateAuth", &body).await;
        assert_eq!(status, 200);
    }
}
