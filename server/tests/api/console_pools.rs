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

    let (status, body) = app.server_fn("create_pool", &[("name", "Customers")]).await;
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
        let (status, body) = app.server_fn("create_pool", &[("name", bad)]).await;
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
    let (status, body) = app.server_fn("create_pool", &[("name", "Sneaky")]).await;
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
    app.server_fn("create_pool", &[("name", "Persisted")]).await;
    let again = spawn_with(app.reuse()).await;
    assert!(again.setup_token.is_none());
    again.sign_in_as_operator().await;
    let (_, body) = again.server_fn("list_pools", &[]).await;
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "Persisted");
}
