//! User pool and app client management through the AWS SDK.

use crate::helpers::*;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, DeletionProtectionType, ExplicitAuthFlowsType, PasswordPolicyType, SchemaAttributeType,
    StringAttributeConstraintsType, TimeUnitsType, TokenValidityUnitsType, UserPoolPolicyType, UsernameAttributeType,
    UsernameConfigurationType, VerifiedAttributeType,
};

#[tokio::test]
async fn a_pool_is_created_described_updated_listed_and_deleted() {
    let app = spawn_app().await;
    let c = app.cognito();
    let created = c
        .create_user_pool()
        .pool_name("Customers")
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(
                    PasswordPolicyType::builder()
                        .minimum_length(12)
                        .require_symbols(false)
                        .require_numbers(true)
                        .build(),
                )
                .build(),
        )
        .username_attributes(UsernameAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .username_configuration(UsernameConfigurationType::builder().case_sensitive(false).build().unwrap())
        .schema(
            SchemaAttributeType::builder()
                .name("tier")
                .attribute_data_type(AttributeDataType::String)
                .mutable(true)
                .string_attribute_constraints(StringAttributeConstraintsType::builder().max_length("16").build())
                .build(),
        )
        .user_pool_tags("team", "identity")
        .send()
        .await
        .unwrap();
    let pool = created.user_pool().unwrap();
    let id = pool.id().unwrap().to_owned();
    assert!(id.starts_with("us-east-1_"), "{id}");
    assert_eq!(pool.name(), Some("Customers"));
    assert!(pool.arn().unwrap().ends_with(&format!(":userpool/{id}")));

    let d = c.describe_user_pool().user_pool_id(&id).send().await.unwrap();
    let p = d.user_pool().unwrap();
    let policy = p.policies().unwrap().password_policy().unwrap();
    assert_eq!(policy.minimum_length(), Some(12));
    assert!(!policy.require_symbols());
    assert_eq!(p.username_attributes(), [UsernameAttributeType::Email]);
    assert!(!p.username_configuration().unwrap().case_sensitive());
    assert_eq!(p.user_pool_tags().unwrap().get("team").map(String::as_str), Some("identity"));
    let names: Vec<&str> = p.schema_attributes().iter().filter_map(|a| a.name()).collect();
    assert!(names.contains(&"email") && names.contains(&"sub") && names.contains(&"custom:tier"), "{names:?}");
    assert!(p.creation_date().is_some());
    assert_eq!(p.estimated_number_of_users(), 0);

    c.update_user_pool()
        .user_pool_id(&id)
        .deletion_protection(DeletionProtectionType::Active)
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(PasswordPolicyType::builder().minimum_length(16).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let p = c.describe_user_pool().user_pool_id(&id).send().await.unwrap().user_pool.unwrap();
    assert_eq!(p.policies().unwrap().password_policy().unwrap().minimum_length(), Some(16));
    assert_eq!(p.deletion_protection(), Some(&DeletionProtectionType::Active));
    assert_eq!(p.username_attributes(), [UsernameAttributeType::Email], "username attributes cannot change");

    let err = c.delete_user_pool().user_pool_id(&id).send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"), "deletion protection: {err:?}");
    c.update_user_pool().user_pool_id(&id).deletion_protection(DeletionProtectionType::Inactive).send().await.unwrap();

    let list = c.list_user_pools().max_results(60).send().await.unwrap();
    assert_eq!(list.user_pools().len(), 1);
    assert_eq!(list.user_pools()[0].id(), Some(id.as_str()));

    c.delete_user_pool().user_pool_id(&id).send().await.unwrap();
    let err = c.describe_user_pool().user_pool_id(&id).send().await.unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
}

#[tokio::test]
async fn list_user_pools_pages_with_next_token() {
    let app = spawn_app().await;
    let c = app.cognito();
    for i in 0..5 {
        c.create_user_pool().pool_name(format!("Pool {i}")).send().await.unwrap();
    }
    let first = c.list_user_pools().max_results(2).send().await.unwrap();
    assert_eq!(first.user_pools().len(), 2);
    let mut seen: Vec<String> = first.user_pools().iter().map(|p| p.id().unwrap().to_owned()).collect();
    let mut token = first.next_token().map(str::to_owned);
    while let Some(t) = token {
        let page = c.list_user_pools().max_results(2).next_token(t).send().await.unwrap();
        seen.extend(page.user_pools().iter().map(|p| p.id().unwrap().to_owned()));
        token = page.next_token().map(str::to_owned);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5);
}

#[tokio::test]
async fn invalid_pool_settings_are_refused() {
    let app = spawn_app().await;
    let c = app.cognito();
    let err = c.create_user_pool().pool_name("bad/name").send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"));
    let err = c
        .create_user_pool()
        .pool_name("Both")
        .username_attributes(UsernameAttributeType::Email)
        .alias_attributes(aws_sdk_cognitoidentityprovider::types::AliasAttributeType::PhoneNumber)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"), "{err:?}");
    let err = c
        .create_user_pool()
        .pool_name("Required custom")
        .schema(
            SchemaAttributeType::builder()
                .name("x")
                .attribute_data_type(AttributeDataType::String)
                .required(true)
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.message(), Some("Required custom attributes are not supported currently."));
    let err = c.describe_user_pool().user_pool_id("us-east-1_doesnotex").send().await.unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
}

#[tokio::test]
async fn custom_attributes_can_be_added_once() {
    let app = spawn_app().await;
    let c = app.cognito();
    let id = c.create_user_pool().pool_name("Attrs").send().await.unwrap().user_pool.unwrap().id.unwrap();
    let attr = SchemaAttributeType::builder().name("plan").attribute_data_type(AttributeDataType::String).build();
    c.add_custom_attributes().user_pool_id(&id).custom_attributes(attr.clone()).send().await.unwrap();
    let p = c.describe_user_pool().user_pool_id(&id).send().await.unwrap().user_pool.unwrap();
    assert!(p.schema_attributes().iter().any(|a| a.name() == Some("custom:plan")));
    let err = c.add_custom_attributes().user_pool_id(&id).custom_attributes(attr).send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"));
}

#[tokio::test]
async fn app_clients_are_created_with_secrets_described_updated_listed_and_deleted() {
    let app = spawn_app().await;
    let c = app.cognito();
    let pool = c.create_user_pool().pool_name("Apps").send().await.unwrap().user_pool.unwrap().id.unwrap();
    let public = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("spa")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let id = public.client_id().unwrap().to_owned();
    assert_eq!(id.len(), 26);
    assert!(public.client_secret().is_none());
    assert_eq!(
        public.prevent_user_existence_errors().map(|p| p.as_str()),
        Some("ENABLED"),
        "new clients hide user existence"
    );
    assert_eq!(public.enable_token_revocation(), Some(true));
    assert_eq!(public.refresh_token_validity(), 30);

    let confidential = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("backend")
        .generate_secret(true)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .access_token_validity(10)
        .token_validity_units(TokenValidityUnitsType::builder().access_token(TimeUnitsType::Minutes).build())
        .callback_urls("https://app.example.com/callback")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let secret = confidential.client_secret().unwrap().to_owned();
    assert!(secret.len() >= 24);
    let d = c
        .describe_user_pool_client()
        .user_pool_id(&pool)
        .client_id(confidential.client_id().unwrap())
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(d.client_secret(), Some(secret.as_str()));
    assert_eq!(d.access_token_validity(), Some(10));
    assert_eq!(d.token_validity_units().unwrap().access_token(), Some(&TimeUnitsType::Minutes));
    assert_eq!(d.callback_urls(), ["https://app.example.com/callback"]);
    assert!(d.explicit_auth_flows().contains(&ExplicitAuthFlowsType::AllowUserPasswordAuth));

    let err = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("bad")
        .access_token_validity(2)
        .token_validity_units(TokenValidityUnitsType::builder().access_token(TimeUnitsType::Minutes).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"), "tokens live at least 5 minutes");

    let updated = c
        .update_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&id)
        .client_name("spa-renamed")
        .prevent_user_existence_errors(aws_sdk_cognitoidentityprovider::types::PreventUserExistenceErrorTypes::Legacy)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(updated.client_name(), Some("spa-renamed"));
    assert_eq!(updated.prevent_user_existence_errors().map(|p| p.as_str()), Some("LEGACY"));

    let list = c.list_user_pool_clients().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(list.user_pool_clients().len(), 2);
    c.delete_user_pool_client().user_pool_id(&pool).client_id(&id).send().await.unwrap();
    let err = c.describe_user_pool_client().user_pool_id(&pool).client_id(&id).send().await.unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    let list = c.list_user_pool_clients().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(list.user_pool_clients().len(), 1);
}
