//! Groups, group claims in tokens, and ListUsers filters and pagination.

use crate::cognito_users::{pool_with_client, verify, PASSWORD};
use crate::helpers::*;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, AuthFlowType, MessageActionType};

async fn create_user(c: &aws_sdk_cognitoidentityprovider::Client, pool: &str, name: &str, email: &str) {
    c.admin_create_user()
        .user_pool_id(pool)
        .username(name)
        .user_attributes(AttributeType::builder().name("email").value(email).build().unwrap())
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    c.admin_set_user_password()
        .user_pool_id(pool)
        .username(name)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn groups_are_managed_and_their_members_carry_them_in_tokens() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    create_user(&c, &pool.id, "ann", "ann@example.com").await;
    let admins = c
        .create_group()
        .user_pool_id(&pool.id)
        .group_name("admins")
        .precedence(1)
        .role_arn("arn:aws:iam::123456789012:role/Admins")
        .description("Administrators")
        .send()
        .await
        .unwrap();
    assert_eq!(admins.group().unwrap().precedence(), Some(1));
    c.create_group()
        .user_pool_id(&pool.id)
        .group_name("staff")
        .precedence(5)
        .role_arn("arn:aws:iam::123456789012:role/Staff")
        .send()
        .await
        .unwrap();
    c.create_group().user_pool_id(&pool.id).group_name("beta").send().await.unwrap();
    let err = c.create_group().user_pool_id(&pool.id).group_name("beta").send().await.unwrap_err();
    assert_eq!(err.code(), Some("GroupExistsException"));

    for g in ["staff", "admins", "beta"] {
        c.admin_add_user_to_group().user_pool_id(&pool.id).username("ann").group_name(g).send().await.unwrap();
    }
    c.admin_add_user_to_group().user_pool_id(&pool.id).username("ann").group_name("beta").send().await.unwrap();
    let mine = c.admin_list_groups_for_user().user_pool_id(&pool.id).username("ann").send().await.unwrap();
    assert_eq!(mine.groups().len(), 3);
    let members = c.list_users_in_group().user_pool_id(&pool.id).group_name("admins").send().await.unwrap();
    assert_eq!(members.users().len(), 1);
    assert_eq!(members.users()[0].username(), Some("ann"));

    let auth = c
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "ann")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    let r = auth.authentication_result().unwrap();
    let id = verify(&app, &pool.id, r.id_token().unwrap(), Some(&pool.client_id)).await;
    assert_eq!(id["cognito:groups"], serde_json::json!(["admins", "staff", "beta"]));
    assert_eq!(id["cognito:preferred_role"], "arn:aws:iam::123456789012:role/Admins");
    assert_eq!(id["cognito:roles"].as_array().unwrap().len(), 2);
    let access = verify(&app, &pool.id, r.access_token().unwrap(), None).await;
    assert_eq!(access["cognito:groups"], serde_json::json!(["admins", "staff", "beta"]));

    c.update_group().user_pool_id(&pool.id).group_name("beta").description("Beta testers").send().await.unwrap();
    let g = c.get_group().user_pool_id(&pool.id).group_name("beta").send().await.unwrap();
    assert_eq!(g.group().unwrap().description(), Some("Beta testers"));
    c.admin_remove_user_from_group().user_pool_id(&pool.id).username("ann").group_name("staff").send().await.unwrap();
    c.delete_group().user_pool_id(&pool.id).group_name("admins").send().await.unwrap();
    let mine = c.admin_list_groups_for_user().user_pool_id(&pool.id).username("ann").send().await.unwrap();
    let names: Vec<&str> = mine.groups().iter().filter_map(|g| g.group_name()).collect();
    assert_eq!(names, ["beta"]);
    let list = c.list_groups().user_pool_id(&pool.id).send().await.unwrap();
    assert_eq!(list.groups().len(), 2);
    let err = c.get_group().user_pool_id(&pool.id).group_name("admins").send().await.unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    let err = c
        .admin_add_user_to_group()
        .user_pool_id(&pool.id)
        .username("nobody")
        .group_name("beta")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("UserNotFoundException"));
}

#[tokio::test]
async fn list_users_filters_by_equality_and_prefix_and_pages() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    for (name, email) in [
        ("u1", "alpha@example.com"),
        ("u2", "alps@example.com"),
        ("u3", "beta@example.com"),
        ("u4", "alpine@example.com"),
    ] {
        create_user(&c, &pool.id, name, email).await;
    }
    let all = c.list_users().user_pool_id(&pool.id).send().await.unwrap();
    assert_eq!(all.users().len(), 4);
    let described = c.describe_user_pool().user_pool_id(&pool.id).send().await.unwrap();
    assert_eq!(described.user_pool().unwrap().estimated_number_of_users(), 4);
    let eq = c.list_users().user_pool_id(&pool.id).filter("email = \"beta@example.com\"").send().await.unwrap();
    assert_eq!(eq.users().len(), 1);
    assert_eq!(eq.users()[0].username(), Some("u3"));
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut req =
            c.list_users().user_pool_id(&pool.id).filter("email ^= \"al\"").limit(2).attributes_to_get("email");
        if let Some(t) = &token {
            req = req.pagination_token(t);
        }
        let page = req.send().await.unwrap();
        for u in page.users() {
            assert_eq!(u.attributes().len(), 1, "only the requested attributes");
            seen.push(u.username().unwrap().to_owned());
        }
        token = page.pagination_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["u1", "u4", "u2"], "ordered by email: alpha, alpine, alps");
    // A hand-made token pointing before the prefix cannot widen the search.
    use base64::Engine as _;
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("a\0u0");
    let page =
        c.list_users().user_pool_id(&pool.id).filter("email ^= \"alp\"").pagination_token(forged).send().await.unwrap();
    let names: Vec<_> = page.users().iter().filter_map(|u| u.username()).collect();
    assert_eq!(names, ["u1", "u4", "u2"]);
    let st = c.list_users().user_pool_id(&pool.id).filter("cognito:user_status = \"CONFIRMED\"").send().await.unwrap();
    assert_eq!(st.users().len(), 4);
    c.admin_disable_user().user_pool_id(&pool.id).username("u2").send().await.unwrap();
    let disabled = c.list_users().user_pool_id(&pool.id).filter("status = \"Disabled\"").send().await.unwrap();
    assert_eq!(disabled.users().len(), 1);
    let err = c.list_users().user_pool_id(&pool.id).filter("custom:x = \"1\"").send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"));
}

#[tokio::test]
async fn admin_api_changes_are_in_the_audit_log_and_reads_are_not() {
    use domain::ports::AuditStore;
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = pool_with_client(&c, true).await;
    c.create_group().user_pool_id(&pool.id).group_name("auditors").send().await.unwrap();
    c.list_groups().user_pool_id(&pool.id).send().await.unwrap();
    let db = app.store().await;
    let q = domain::audit::AuditQuery { action_prefix: Some("CreateGroup".into()), limit: 10, ..Default::default() };
    let events = db.list_audit_events(&q, 10).await.unwrap();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e.actor, format!("key:{ACCESS_KEY_ID}"));
    assert_eq!(e.source, "127.0.0.1");
    let target: serde_json::Value = serde_json::from_str(&e.target).unwrap();
    assert_eq!(target["GroupName"], "auditors");
    assert_eq!(target["UserPoolId"], pool.id.as_str());
    let reads = domain::audit::AuditQuery { action_prefix: Some("List".into()), limit: 10, ..Default::default() };
    assert!(db.list_audit_events(&reads, 10).await.unwrap().is_empty(), "reads are not audited");
    let all = db.list_audit_events(&domain::audit::AuditQuery { limit: 50, ..Default::default() }, 50).await.unwrap();
    assert!(all.iter().any(|e| e.action == "CreateUserPool") && all.iter().any(|e| e.action == "CreateUserPoolClient"));
}
