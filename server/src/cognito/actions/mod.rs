//! One file per area; `run` maps an action name to its function.

pub mod auth;
pub mod branding;
pub mod clients;
pub mod devices;
pub mod domains;
pub mod groups;
pub mod mfa;
pub mod pools;
pub mod resource_servers;
pub mod users;

use super::error::CognitoError;
use super::wire::{out, parse};
use super::{Caller, CognitoState};
use serde_json::Value;

/// The write capability, or Cognito's refusal for a read-only principal.
pub fn writer(ctx: &domain::AdminCtx) -> Result<domain::access::WriteCtx, CognitoError> {
    ctx.for_write().map_err(|e| CognitoError::not_authorized(e.to_string()))
}

/// Runs `action` with a validated body.
pub async fn run(
    st: &CognitoState,
    action: &str,
    caller: &Caller,
    source: domain::limits::Source,
    body: Value,
) -> Result<Value, CognitoError> {
    match action {
        "CreateUserPool" => out(pools::create_user_pool(st, caller.admin()?, parse(body)?).await?),
        "DescribeUserPool" => out(pools::describe_user_pool(st, caller.admin()?, parse(body)?).await?),
        "UpdateUserPool" => out(pools::update_user_pool(st, caller.admin()?, parse(body)?).await?),
        "DeleteUserPool" => out(pools::delete_user_pool(st, caller.admin()?, parse(body)?).await?),
        "ListUserPools" => out(pools::list_user_pools(st, caller.admin()?, parse(body)?).await?),
        "AddCustomAttributes" => out(pools::add_custom_attributes(st, caller.admin()?, parse(body)?).await?),
        "CreateUserPoolClient" => out(clients::create_user_pool_client(st, caller.admin()?, parse(body)?).await?),
        "DescribeUserPoolClient" => out(clients::describe_user_pool_client(st, caller.admin()?, parse(body)?).await?),
        "UpdateUserPoolClient" => out(clients::update_user_pool_client(st, caller.admin()?, parse(body)?).await?),
        "DeleteUserPoolClient" => out(clients::delete_user_pool_client(st, caller.admin()?, parse(body)?).await?),
        "ListUserPoolClients" => out(clients::list_user_pool_clients(st, caller.admin()?, parse(body)?).await?),
        "SignUp" => users::sign_up(st, parse(body)?, source).await,
        "ConfirmSignUp" => users::confirm_sign_up(st, parse(body)?).await,
        "ResendConfirmationCode" => users::resend_confirmation_code(st, parse(body)?, source).await,
        "GetUser" => users::get_user(st, parse(body)?).await,
        "InitiateAuth" => auth::initiate_auth(st, parse(body)?, source).await,
        "GetTokensFromRefreshToken" => auth::get_tokens_from_refresh_token(st, parse(body)?).await,
        "RespondToAuthChallenge" => auth::respond_to_auth_challenge(st, parse(body)?, source).await,
        "AdminInitiateAuth" => auth::admin_initiate_auth(st, caller.admin()?, parse(body)?, source).await,
        "AdminRespondToAuthChallenge" => {
            auth::admin_respond_to_auth_challenge(st, caller.admin()?, parse(body)?, source).await
        }
        "AdminCreateUser" => users::admin_create_user(st, caller.admin()?, parse(body)?).await,
        "AdminGetUser" => users::admin_get_user(st, caller.admin()?, parse(body)?).await,
        "AdminDeleteUser" => users::admin_delete_user(st, caller.admin()?, parse(body)?).await,
        "AdminConfirmSignUp" => users::admin_confirm_sign_up(st, caller.admin()?, parse(body)?).await,
        "ForgotPassword" => users::forgot_password(st, parse(body)?, source).await,
        "ConfirmForgotPassword" => users::confirm_forgot_password(st, parse(body)?).await,
        "ChangePassword" => users::change_password(st, parse(body)?).await,
        "UpdateUserAttributes" => users::update_user_attributes(st, parse(body)?).await,
        "DeleteUserAttributes" => users::delete_user_attributes(st, parse(body)?).await,
        "GetUserAttributeVerificationCode" => {
            users::get_user_attribute_verification_code(st, parse(body)?, source).await
        }
        "VerifyUserAttribute" => users::verify_user_attribute(st, parse(body)?).await,
        "DeleteUser" => users::delete_user(st, parse(body)?).await,
        "GlobalSignOut" => users::global_sign_out(st, parse(body)?).await,
        "RevokeToken" => users::revoke_token(st, parse(body)?).await,
        "AdminEnableUser" => users::admin_enable_user(st, caller.admin()?, parse(body)?).await,
        "AdminDisableUser" => users::admin_disable_user(st, caller.admin()?, parse(body)?).await,
        "AdminUserGlobalSignOut" => users::admin_user_global_sign_out(st, caller.admin()?, parse(body)?).await,
        "AdminResetUserPassword" => users::admin_reset_user_password(st, caller.admin()?, parse(body)?).await,
        "AdminSetUserPassword" => users::admin_set_user_password(st, caller.admin()?, parse(body)?).await,
        "AdminUpdateUserAttributes" => users::admin_update_user_attributes(st, caller.admin()?, parse(body)?).await,
        "AdminDeleteUserAttributes" => users::admin_delete_user_attributes(st, caller.admin()?, parse(body)?).await,
        "CreateGroup" => groups::create_group(st, caller.admin()?, parse(body)?).await,
        "GetGroup" => groups::get_group(st, caller.admin()?, parse(body)?).await,
        "UpdateGroup" => groups::update_group(st, caller.admin()?, parse(body)?).await,
        "DeleteGroup" => groups::delete_group(st, caller.admin()?, parse(body)?).await,
        "ListGroups" => groups::list_groups(st, caller.admin()?, parse(body)?).await,
        "AdminAddUserToGroup" => groups::admin_add_user_to_group(st, caller.admin()?, parse(body)?).await,
        "AdminRemoveUserFromGroup" => groups::admin_remove_user_from_group(st, caller.admin()?, parse(body)?).await,
        "AdminListGroupsForUser" => groups::admin_list_groups_for_user(st, caller.admin()?, parse(body)?).await,
        "ListUsersInGroup" => groups::list_users_in_group(st, caller.admin()?, parse(body)?).await,
        "ListUsers" => groups::list_users(st, caller.admin()?, parse(body)?).await,
        "CreateResourceServer" => resource_servers::create_resource_server(st, caller.admin()?, parse(body)?).await,
        "DescribeResourceServer" => resource_servers::describe_resource_server(st, caller.admin()?, parse(body)?).await,
        "UpdateResourceServer" => resource_servers::update_resource_server(st, caller.admin()?, parse(body)?).await,
        "DeleteResourceServer" => resource_servers::delete_resource_server(st, caller.admin()?, parse(body)?).await,
        "ListResourceServers" => resource_servers::list_resource_servers(st, caller.admin()?, parse(body)?).await,
        "SetUICustomization" => branding::set_ui_customization(st, caller.admin()?, parse(body)?).await,
        "GetUICustomization" => branding::get_ui_customization(st, caller.admin()?, parse(body)?).await,
        "CreateUserPoolDomain" => domains::create_user_pool_domain(st, caller.admin()?, parse(body)?).await,
        "DescribeUserPoolDomain" => domains::describe_user_pool_domain(st, caller.admin()?, parse(body)?).await,
        "UpdateUserPoolDomain" => domains::update_user_pool_domain(st, caller.admin()?, parse(body)?).await,
        "DeleteUserPoolDomain" => domains::delete_user_pool_domain(st, caller.admin()?, parse(body)?).await,
        "SetUserPoolMfaConfig" => mfa::set_user_pool_mfa_config(st, caller.admin()?, parse(body)?).await,
        "GetUserPoolMfaConfig" => mfa::get_user_pool_mfa_config(st, caller.admin()?, parse(body)?).await,
        "AssociateSoftwareToken" => mfa::associate_software_token(st, parse(body)?).await,
        "VerifySoftwareToken" => mfa::verify_software_token(st, parse(body)?).await,
        "SetUserMFAPreference" => mfa::set_user_mfa_preference(st, parse(body)?).await,
        "AdminSetUserMFAPreference" => mfa::admin_set_user_mfa_preference(st, caller.admin()?, parse(body)?).await,
        "SetUserSettings" => mfa::set_user_settings(st, parse(body)?).await,
        "AdminSetUserSettings" => mfa::admin_set_user_settings(st, caller.admin()?, parse(body)?).await,
        "AdminDeleteSoftwareToken" => mfa::admin_delete_software_token(st, caller.admin()?, parse(body)?).await,
        "ConfirmDevice" => devices::confirm_device(st, parse(body)?).await,
        "GetDevice" => devices::get_device(st, parse(body)?).await,
        "ListDevices" => devices::list_devices(st, parse(body)?).await,
        "UpdateDeviceStatus" => devices::update_device_status(st, parse(body)?).await,
        "ForgetDevice" => devices::forget_device(st, parse(body)?).await,
        "AdminGetDevice" => devices::admin_get_device(st, caller.admin()?, parse(body)?).await,
        "AdminListDevices" => devices::admin_list_devices(st, caller.admin()?, parse(body)?).await,
        "AdminUpdateDeviceStatus" => devices::admin_update_device_status(st, caller.admin()?, parse(body)?).await,
        "AdminForgetDevice" => devices::admin_forget_device(st, caller.admin()?, parse(body)?).await,
        other => Err(CognitoError::unknown_operation(format!("Cognate does not implement {other} yet."))),
    }
}
