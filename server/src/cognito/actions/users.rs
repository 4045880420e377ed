//! SignUp, ConfirmSignUp, ResendConfirmationCode, GetUser, AdminCreateUser, AdminGetUser,
//! AdminDeleteUser, AdminConfirmSignUp.

use crate::cognito::actions::writer;
use crate::cognito::error::CognitoError;
use crate::cognito::wire::date;
use crate::cognito::CognitoState;
use domain::limits::Source;
use domain::secret::Password;
use domain::user::{AdminCreateUser, CodeDelivery, DeliveryMedium, MessageAction, SignUp, User, UserError};
use domain::AdminCtx;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

impl From<UserError> for CognitoError {
    fn from(e: UserError) -> Self {
        let m = e.to_string();
        match e {
            UserError::InvalidParameter(_) | UserError::UnsupportedResend => CognitoError::invalid_parameter(m),
            UserError::InvalidPassword(_) => CognitoError::invalid_password(m),
            UserError::NotAuthorized(_) => CognitoError::not_authorized(m),
            UserError::ResourceNotFound(_) => CognitoError::resource_not_found(m),
            UserError::UserNotFound => CognitoError::user_not_found(m),
            UserError::UsernameExists(_) => CognitoError::username_exists(m),
            UserError::AliasExists(_) => CognitoError::alias_exists(m),
            UserError::CodeMismatch => CognitoError::code_mismatch(m),
            UserError::ExpiredCode | UserError::SoftwareTokenUsed => CognitoError::expired_code(m),
            UserError::LimitExceeded => CognitoError::limit_exceeded(m),
            UserError::UserNotConfirmed => CognitoError::user_not_confirmed(m),
            UserError::PasswordResetRequired => CognitoError::password_reset_required(m),
            UserError::PasswordHistory => CognitoError::password_history_policy_violation(m),
            UserError::TooManyRequests => CognitoError::too_many_requests(m),
            UserError::RefreshTokenReuse => CognitoError::refresh_token_reuse(m),
            UserError::UnsupportedOperation(_) => CognitoError::unsupported_operation(m),
            UserError::EnableSoftwareTokenMfa => CognitoError::enable_software_token_mfa(m),
            UserError::SoftwareTokenMfaNotFound => CognitoError::software_token_mfa_not_found(m),
            UserError::Internal(detail) => {
                tracing::error!(error = %detail, "user operation failed");
                CognitoError::internal("An internal error occurred.")
            }
        }
    }
}

/// `{Name, Value}`.
#[derive(Deserialize, Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeWire {
    pub name: String,
    #[serde(default)]
    pub value: Option<String>,
}

pub fn attrs_in(list: Option<Vec<AttributeWire>>) -> Vec<(String, String)> {
    list.unwrap_or_default().into_iter().map(|a| (a.name, a.value.unwrap_or_default())).collect()
}

pub fn attrs_out(user: &User) -> Vec<Value> {
    user.attributes.iter().map(|(k, v)| json!({ "Name": k, "Value": v })).collect()
}

pub fn delivery_out(d: &CodeDelivery) -> Value {
    json!({
        "Destination": d.destination,
        "DeliveryMedium": match d.medium { DeliveryMedium::Email => "EMAIL", DeliveryMedium::Sms => "SMS" },
        "AttributeName": d.attribute,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignUpRequest {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
    password: Option<String>,
    user_attributes: Option<Vec<AttributeWire>>,
}

pub async fn sign_up(st: &CognitoState, req: SignUpRequest, source: Source) -> Result<Value, CognitoError> {
    let password = req.password.filter(|p| !p.is_empty()).ok_or_else(|| {
        CognitoError::invalid_parameter(
            "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must not be null",
        )
    })?;
    let outcome = st
        .users
        .sign_up(
            SignUp {
                client_id: req.client_id,
                secret_hash: req.secret_hash,
                username: req.username,
                password: Password::new(password),
                attributes: attrs_in(req.user_attributes),
            },
            source,
        )
        .await?;
    let mut out = json!({ "UserConfirmed": outcome.confirmed, "UserSub": outcome.sub });
    if let Some(d) = &outcome.delivery {
        out["CodeDeliveryDetails"] = delivery_out(d);
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmSignUpRequest {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
    confirmation_code: String,
    force_alias_creation: Option<bool>,
}

pub async fn confirm_sign_up(st: &CognitoState, req: ConfirmSignUpRequest) -> Result<Value, CognitoError> {
    let force = req.force_alias_creation.unwrap_or(false);
    st.users
        .confirm_sign_up(&req.client_id, req.secret_hash.as_deref(), &req.username, &req.confirmation_code, force)
        .await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResendRequest {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
}

pub async fn resend_confirmation_code(
    st: &CognitoState,
    req: ResendRequest,
    source: Source,
) -> Result<Value, CognitoError> {
    let d =
        st.users.resend_confirmation_code(&req.client_id, req.secret_hash.as_deref(), &req.username, source).await?;
    Ok(match d {
        Some(d) => json!({ "CodeDeliveryDetails": delivery_out(&d) }),
        None => json!({}),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessTokenRequest {
    access_token: String,
}

pub async fn get_user(st: &CognitoState, req: AccessTokenRequest) -> Result<Value, CognitoError> {
    let user = st.users.get_own_user(&req.access_token).await?;
    let mut o = json!({ "Username": user.username, "UserAttributes": attrs_out(&user) });
    if let Some(m) = o.as_object_mut() {
        super::mfa::user_mfa_out(&user, m);
    }
    Ok(o)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserRequest {
    user_pool_id: String,
    username: String,
    user_attributes: Option<Vec<AttributeWire>>,
    temporary_password: Option<String>,
    message_action: Option<String>,
    desired_delivery_mediums: Option<Vec<String>>,
    force_alias_creation: Option<bool>,
}

fn user_type(user: &User) -> Value {
    user_type_filtered(user, None)
}

/// `UserType`, with only `only` attributes when given (ListUsers' AttributesToGet).
pub fn user_type_filtered(user: &User, only: Option<&[String]>) -> Value {
    let attrs: Vec<Value> = match only {
        None => attrs_out(user),
        Some(names) => user
            .attributes
            .iter()
            .filter(|(k, _)| names.iter().any(|n| n == *k))
            .map(|(k, v)| json!({ "Name": k, "Value": v }))
            .collect(),
    };
    json!({
        "Username": user.username,
        "Attributes": attrs,
        "UserCreateDate": date(user.created_at),
        "UserLastModifiedDate": date(user.updated_at),
        "Enabled": user.enabled,
        "UserStatus": user.status.as_str(),
    })
}

pub async fn admin_create_user(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: AdminCreateUserRequest,
) -> Result<Value, CognitoError> {
    let message_action = match req.message_action.as_deref() {
        None => None,
        Some("RESEND") => Some(MessageAction::Resend),
        Some("SUPPRESS") => Some(MessageAction::Suppress),
        Some(o) => return Err(CognitoError::invalid_parameter(format!("Unknown MessageAction {o}."))),
    };
    let delivery = req
        .desired_delivery_mediums
        .unwrap_or_default()
        .iter()
        .map(|m| match m.as_str() {
            "EMAIL" => Ok(DeliveryMedium::Email),
            "SMS" => Ok(DeliveryMedium::Sms),
            o => Err(CognitoError::invalid_parameter(format!("Unknown delivery medium {o}."))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let user = st
        .users
        .admin_create_user(
            &writer(ctx)?,
            AdminCreateUser {
                pool_id: req.user_pool_id,
                username: req.username,
                attributes: attrs_in(req.user_attributes),
                temporary_password: req.temporary_password.filter(|p| !p.is_empty()).map(Password::new),
                message_action,
                delivery,
                force_alias_creation: req.force_alias_creation.unwrap_or(false),
            },
        )
        .await?;
    Ok(json!({ "User": user_type(&user) }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminUserRequest {
    pub(super) user_pool_id: String,
    pub(super) username: String,
}

pub async fn admin_get_user(st: &CognitoState, ctx: &AdminCtx, req: AdminUserRequest) -> Result<Value, CognitoError> {
    let user = st.users.admin_get_user(ctx, &req.user_pool_id, &req.username).await?;
    let mut o = json!({
        "Username": user.username,
        "UserAttributes": attrs_out(&user),
        "UserCreateDate": date(user.created_at),
        "UserLastModifiedDate": date(user.updated_at),
        "Enabled": user.enabled,
        "UserStatus": user.status.as_str(),
    });
    if let Some(m) = o.as_object_mut() {
        super::mfa::user_mfa_out(&user, m);
    }
    Ok(o)
}

pub async fn admin_delete_user(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: AdminUserRequest,
) -> Result<Value, CognitoError> {
    st.users.admin_delete_user(&writer(ctx)?, &req.user_pool_id, &req.username).await?;
    Ok(json!({}))
}

pub async fn admin_confirm_sign_up(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: AdminUserRequest,
) -> Result<Value, CognitoError> {
    st.users.admin_confirm_sign_up(&writer(ctx)?, &req.user_pool_id, &req.username).await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ForgotPasswordRequest {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
}

pub async fn forgot_password(
    st: &CognitoState,
    req: ForgotPasswordRequest,
    source: Source,
) -> Result<Value, CognitoError> {
    let d = st.users.forgot_password(&req.client_id, req.secret_hash.as_deref(), &req.username, source).await?;
    Ok(json!({ "CodeDeliveryDetails": delivery_out(&d) }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmForgotPasswordRequest {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
    confirmation_code: String,
    password: String,
}

pub async fn confirm_forgot_password(
    st: &CognitoState,
    req: ConfirmForgotPasswordRequest,
) -> Result<Value, CognitoError> {
    st.users
        .confirm_forgot_password(
            &req.client_id,
            req.secret_hash.as_deref(),
            &req.username,
            &req.confirmation_code,
            Password::new(req.password),
        )
        .await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangePasswordRequest {
    previous_password: Option<String>,
    proposed_password: String,
    access_token: String,
}

pub async fn change_password(st: &CognitoState, req: ChangePasswordRequest) -> Result<Value, CognitoError> {
    st.users
        .change_password(
            &req.access_token,
            Password::new(req.previous_password.unwrap_or_default()),
            Password::new(req.proposed_password),
        )
        .await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserAttributesRequest {
    user_attributes: Vec<AttributeWire>,
    access_token: String,
}

pub async fn update_user_attributes(
    st: &CognitoState,
    req: UpdateUserAttributesRequest,
) -> Result<Value, CognitoError> {
    let ds = st.users.update_own_attributes(&req.access_token, attrs_in(Some(req.user_attributes))).await?;
    Ok(json!({ "CodeDeliveryDetailsList": ds.iter().map(delivery_out).collect::<Vec<_>>() }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteUserAttributesRequest {
    user_attribute_names: Vec<String>,
    access_token: String,
}

pub async fn delete_user_attributes(
    st: &CognitoState,
    req: DeleteUserAttributesRequest,
) -> Result<Value, CognitoError> {
    st.users.delete_own_attributes(&req.access_token, &req.user_attribute_names).await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeCodeRequest {
    access_token: String,
    attribute_name: String,
}

pub async fn get_user_attribute_verification_code(
    st: &CognitoState,
    req: AttributeCodeRequest,
    source: Source,
) -> Result<Value, CognitoError> {
    let d = st.users.send_attribute_code(&req.access_token, &req.attribute_name, source).await?;
    Ok(json!({ "CodeDeliveryDetails": delivery_out(&d) }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifyUserAttributeRequest {
    access_token: String,
    attribute_name: String,
    code: String,
}

pub async fn verify_user_attribute(st: &CognitoState, req: VerifyUserAttributeRequest) -> Result<Value, CognitoError> {
    st.users.verify_attribute(&req.access_token, &req.attribute_name, &req.code).await?;
    Ok(json!({}))
}

pub async fn delete_user(st: &CognitoState, req: AccessTokenRequest) -> Result<Value, CognitoError> {
    st.users.delete_self(&req.access_token).await?;
    Ok(json!({}))
}

pub async fn global_sign_out(st: &CognitoState, req: AccessTokenRequest) -> Result<Value, CognitoError> {
    st.users.global_sign_out(&req.access_token).await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevokeTokenRequest {
    token: String,
    client_id: String,
    client_secret: Option<String>,
}

pub async fn revoke_token(st: &CognitoState, req: RevokeTokenRequest) -> Result<Value, CognitoError> {
    st.users.revoke_token(&req.client_id, req.client_secret.as_deref(), &req.token).await?;
    Ok(json!({}))
}

pub async fn admin_enable_user(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: AdminUserRequest,
) -> Result<Value, CognitoError> {
    st.users.admin_set_enabled(&writer(ctx)?, &req.user_pool_id, &req.username, true).await?;
    Ok(json!({}))
}

pub async fn admin_disable_user(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: AdminUserRequest,
) -> Result<Value, CognitoError> {
    st.users.admin_set_enabled(&writer(ctx)?, &req.user_pool_id, &req.username, false).await?;
    Ok(json!({}))
}

pub async fn admin_user_global_sign_out(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: AdminUserRequest,
) -> Result<Value, CognitoError> {
    st.users.admin_global_sign_out(&writer(ctx)?, &req.user_pool_id, &req.username).await?;
    Ok(json!({}))
}

pub async fn admin_reset_user_password(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: AdminUserRequest,
) -> Result<Value, CognitoError> {
    st.users.admin_reset_password(&writer(ctx)?, &req.user_pool_id, &req.username).await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminSetUserPasswordRequest {
    user_pool_id: String,
    username: String,
    password: String,
    permanent: Option<bool>,
}

pub async fn admin_set_user_password(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: AdminSetUserPasswordRequest,
) -> Result<Value, CognitoError> {
    st.users
        .admin_set_password(
            &writer(ctx)?,
            &req.user_pool_id,
            &req.username,
            Password::new(req.password),
            req.permanent.unwrap_or(false),
        )
        .await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminUpdateUserAttributesRequest {
    user_pool_id: String,
    username: String,
    user_attributes: Vec<AttributeWire>,
}

pub async fn admin_update_user_attributes(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: AdminUpdateUserAttributesRequest,
) -> Result<Value, CognitoError> {
    st.users
        .admin_update_attributes(&writer(ctx)?, &req.user_pool_id, &req.username, attrs_in(Some(req.user_attributes)))
        .await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminDeleteUserAttributesRequest {
    user_pool_id: String,
    username: String,
    user_attribute_names: Vec<String>,
}

pub async fn admin_delete_user_attributes(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: AdminDeleteUserAttributesRequest,
) -> Result<Value, CognitoError> {
    st.users
        .admin_delete_attributes(&writer(ctx)?, &req.user_pool_id, &req.username, &req.user_attribute_names)
        .await?;
    Ok(json!({}))
}
