use crate::helpers::*;

#[tokio::test]
async fn an_operator_creates_a_pool_and_sees_it_listed() {
    let app = spawn_app().await;
    app.sign_in_as_operator().await;
    let (status, body) = app.server_fn("list_pools", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(body, "[]");
    let html = app.get("/admin").await.text().await.unwrap();
    assert!(html.contains("No user pools yet"), "empty state");

    let (status, body) =
        app.server_fn("create_pool", &[("pool[name]", "Customers"), ("pool[signin_username]", "on")]).await;
    assert_eq!(status, 200, "{body}");
    let created: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let (region, suffix) = id.split_once('_').unwrap();
    assert_eq!(region, "us-east-1");
    assert_eq!(suffix.len(), 9);
    assert!(suffix.chars().all(|c| c.is_ascii_alphanumeric()));

    let (_, body) = app.server_fn("list_pools", &[]).await;
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(list[0]["name"], "Customers");
    assert_eq!(list[0]["id"], id.as_str());
    let html = app.get("/admin").await.text().await.unwrap();
    assert!(html.contains("Customers") && html.contains(&id));
}

#[tokio::test]
async fn an_invalid_pool_name_is_refused_with_a_field_error() {
    let app = spawn_app().await;
    app.sign_in_as_operator().await;
    for bad in ["", "   ", "a/b", &"x".repeat(129)] {
        let (status, body) =
            app.server_fn("create_pool", &[("pool[name]", bad), ("pool[signin_username]", "on")]).await;
        assert_ne!(status, 200);
        let err: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        assert_eq!(err["Invalid"]["field"], "name", "{bad:?}: {body}");
    }
    let (_, body) = app.server_fn("list_pools", &[]).await;
    assert_eq!(body, "[]");
}

#[tokio::test]
async fn server_functions_refuse_callers_without_a_session() {
    let app = spawn_app().await;
    let (status, body) =
        app.server_fn("create_pool", &[("pool[name]", "Sneaky"), ("pool[signin_username]", "on")]).await;
    assert_ne!(status, 200);
    assert!(body.contains("Unauthenticated"), "{body}");
    let (status, body) = app.server_fn("list_pools", &[]).await;
    assert_ne!(status, 200);
    assert!(body.contains("Unauthenticated"), "{body}");
}

#[tokio::test]
async fn restarting_on_the_same_data_keeps_pools_and_bootstraps_nothing_twice() {
    let app = spawn_app().await;
    app.sign_in_as_operator().await;
    app.server_fn("create_pool", &[("pool[name]", "Persisted"), ("pool[signin_username]", "on")]).await;
    let again = spawn_with(app.reuse()).await;
    assert!(again.setup_token.is_none());
    again.sign_in_as_operator().await;
    let (_, body) = again.server_fn("list_pools", &[]).await;
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "Persisted");
}

#[tokio::test]
async fn without_smtp_every_message_lands_in_the_mailbox_for_administrators_only() {
    use aws_sdk_cognitoidentityprovider::types::{AttributeType, DeliveryMediumType};
    let app = spawn_with(Options { no_smtp: true, ..Options::default() }).await;
    let c = app.cognito();
    let pool = crate::cognito_users::pool_with_client(&c, true).await;
    for (name, mail) in [("hana", "hana@example.com"), ("ivan", "ivan@example.com")] {
        c.admin_create_user()
            .user_pool_id(&pool.id)
            .username(name)
            .user_attributes(AttributeType::builder().name("email").value(mail).build().unwrap())
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .send()
            .await
            .unwrap();
        // Distinct creation times (the test clock stands still), so "newest first" has one
        // answer.
        app.clock.advance(std::time::Duration::from_secs(1));
    }
    app.sign_in_as_operator().await;
    // Delivery is asynchronous: wait for the worker to place both invitations.
    let mut view = serde_json::Value::Null;
    for _ in 0..50 {
        let (status, body) = app.server_fn("list_mailbox", &[]).await;
        assert_eq!(status, 200, "{body}");
        view = serde_json::from_str(&body).unwrap();
        if view["messages"].as_array().unwrap().len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(view["smtp"], false);
    let messages = view["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "{view}");
    assert_eq!(messages[0]["to"], "ivan@example.com", "newest first");
    assert_eq!(messages[0]["channel"], "email");
    assert_eq!(messages[0]["subject"], "Your temporary password");
    let body = messages[0]["body"].as_str().unwrap();
    let temp = body.split("temporary password is ").nth(1).unwrap().split(". ").next().unwrap().trim();
    // The temporary password from the mailbox signs the user in.
    let step = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "ivan")
        .auth_parameters("PASSWORD", temp)
        .send()
        .await
        .unwrap();
    assert_eq!(step.challenge_name().map(|c| c.as_str()), Some("NEW_PASSWORD_REQUIRED"));

    let (_, body) = app.server_fn("list_mailbox", &[("to", "HANA@")]).await;
    let filtered: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(filtered["messages"].as_array().unwrap().len(), 1);
    assert_eq!(filtered["messages"][0]["to"], "hana@example.com");
    let html = app.get("/admin/mailbox").await.text().await.unwrap();
    assert!(html.contains("Development mode") && html.contains("hana@example.com"));

    // A read-only viewer is refused: the messages hold temporary passwords.
    let (status, body) = app
        .server_fn(
            "invite_operator",
            &[("email", "viewer@example.com"), ("role", "viewer"), ("password", "viewer correct horse")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let viewer = spawn_with(app.reuse()).await;
    viewer.sign_in("viewer@example.com", "viewer correct horse").await;
    let (status, body) = viewer.server_fn("list_mailbox", &[]).await;
    assert_eq!(status, 403, "{body}");
}
