//! CreateUserPool, DescribeUserPool, UpdateUserPool, DeleteUserPool, ListUserPools,
//! AddCustomAttributes: wire <-> `PoolConfig`, one service call each.

use crate::cognito::actions::writer;
use crate::cognito::error::CognitoError;
use crate::cognito::wire::{date, token, untoken};
use crate::cognito::CognitoState;
use domain::pool::config::{
    AttributeType, MfaMode, PasswordPolicy, RecoveryOption, SchemaAttribute, SchemaRequest, SignInAttribute, Templates,
};
use domain::pool::{PoolConfig, PoolError, UserPool};
use domain::AdminCtx;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

impl From<PoolError> for CognitoError {
    fn from(e: PoolError) -> Self {
        match e {
            PoolError::NotFound(_) => CognitoError::resource_not_found(e.to_string()),
            PoolError::Name(_) | PoolError::Config(_) => CognitoError::invalid_parameter(e.to_string()),
            PoolError::DeletionProtected(_) => CognitoError::invalid_parameter(e.to_string()),
            PoolError::Store(s) => s.into(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicyWire {
    minimum_length: Option<u32>,
    require_uppercase: Option<bool>,
    require_lowercase: Option<bool>,
    require_numbers: Option<bool>,
    require_symbols: Option<bool>,
    temporary_password_validity_days: Option<u32>,
    password_history_size: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PoliciesWire {
    password_policy: Option<PasswordPolicyWire>,
    #[serde(flatten)]
    rest: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SchemaWire {
    name: String,
    attribute_data_type: Option<String>,
    developer_only_attribute: Option<bool>,
    mutable: Option<bool>,
    required: Option<bool>,
    number_attribute_constraints: Option<NumberConstraints>,
    string_attribute_constraints: Option<StringConstraints>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NumberConstraints {
    min_value: Option<String>,
    max_value: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StringConstraints {
    min_length: Option<String>,
    max_length: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct VerificationTemplateWire {
    default_email_option: Option<String>,
    email_message: Option<String>,
    email_message_by_link: Option<String>,
    email_subject: Option<String>,
    email_subject_by_link: Option<String>,
    sms_message: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct MessageTemplateWire {
    email_message: Option<String>,
    email_subject: Option<String>,
    #[serde(rename = "SMSMessage")]
    sms_message: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserConfigWire {
    allow_admin_create_user_only: Option<bool>,
    invite_message_template: Option<MessageTemplateWire>,
    unused_account_validity_days: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecoveryWire {
    recovery_mechanisms: Option<Vec<RecoveryOptionWire>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecoveryOptionWire {
    name: String,
    priority: u32,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateSettingsWire {
    attributes_require_verification_before_update: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UsernameConfigurationWire {
    case_sensitive: bool,
}

/// The settings CreateUserPool and UpdateUserPool share.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct SettingsWire {
    policies: Option<PoliciesWire>,
    auto_verified_attributes: Option<Vec<String>>,
    verification_message_template: Option<VerificationTemplateWire>,
    email_verification_message: Option<String>,
    email_verification_subject: Option<String>,
    sms_verification_message: Option<String>,
    sms_authentication_message: Option<String>,
    admin_create_user_config: Option<AdminCreateUserConfigWire>,
    account_recovery_setting: Option<RecoveryWire>,
    user_attribute_update_settings: Option<UpdateSettingsWire>,
    mfa_configuration: Option<String>,
    deletion_protection: Option<String>,
    /// Settings stored as given (LambdaConfig, EmailConfiguration, SmsConfiguration,
    /// DeviceConfiguration, UserPoolAddOns, UserPoolTags, UserPoolTier, ...).
    #[serde(flatten)]
    rest: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPoolRequest {
    pool_name: String,
    username_attributes: Option<Vec<String>>,
    alias_attributes: Option<Vec<String>>,
    username_configuration: Option<UsernameConfigurationWire>,
    schema: Option<Vec<SchemaWire>>,
    #[serde(flatten)]
    settings: SettingsWire,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserPoolRequest {
    user_pool_id: String,
    pool_name: Option<String>,
    #[serde(flatten)]
    settings: SettingsWire,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoolIdRequest {
    pub(super) user_pool_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolsRequest {
    max_results: usize,
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddCustomAttributesRequest {
    user_pool_id: String,
    custom_attributes: Vec<SchemaWire>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolResponse {
    user_pool: Value,
}

#[derive(Serialize)]
pub struct Empty {}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolsResponse {
    user_pools: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

fn sign_in_attributes(list: Option<Vec<String>>) -> Result<Vec<SignInAttribute>, CognitoError> {
    list.unwrap_or_default()
        .iter()
        .map(|a| {
            SignInAttribute::parse(a)
                .ok_or_else(|| CognitoError::invalid_parameter(format!("{a} is not a sign-in attribute.")))
        })
        .collect()
}

fn schema_requests(list: &[SchemaWire]) -> Result<Vec<SchemaRequest>, CognitoError> {
    list.iter()
        .map(|s| {
            let data_type = s
                .attribute_data_type
                .as_deref()
                .map(|t| {
                    AttributeType::parse(t)
                        .ok_or_else(|| CognitoError::invalid_parameter(format!("Unknown AttributeDataType {t}.")))
                })
                .transpose()?;
            Ok(SchemaRequest {
                name: s.name.clone(),
                data_type,
                developer_only: s.developer_only_attribute,
                mutable: s.mutable,
                required: s.required,
                min_length: s.string_attribute_constraints.as_ref().and_then(|c| c.min_length.clone()),
                max_length: s.string_attribute_constraints.as_ref().and_then(|c| c.max_length.clone()),
                min_value: s.number_attribute_constraints.as_ref().and_then(|c| c.min_value.clone()),
                max_value: s.number_attribute_constraints.as_ref().and_then(|c| c.max_value.clone()),
            })
        })
        .collect()
}

/// Applies the shared settings onto `base` (UpdateUserPool resets what it omits, as
/// Cognito documents, so `base` carries only what cannot change).
fn apply_settings(mut c: PoolConfig, s: SettingsWire) -> Result<PoolConfig, CognitoError> {
    let default_policy = PasswordPolicy::default();
    let mut passthrough: BTreeMap<String, Value> = s.rest.into_iter().collect();
    if let Some(p) = s.policies {
        let pp = p.password_policy.unwrap_or_default();
        c.password_policy = PasswordPolicy {
            minimum_length: pp.minimum_length.unwrap_or(default_policy.minimum_length),
            require_uppercase: pp.require_uppercase.unwrap_or(false),
            require_lowercase: pp.require_lowercase.unwrap_or(false),
            require_numbers: pp.require_numbers.unwrap_or(false),
            require_symbols: pp.require_symbols.unwrap_or(false),
            temporary_password_validity_days: pp.temporary_password_validity_days.unwrap_or(7),
            password_history_size: pp.password_history_size.unwrap_or(0),
        };
        if !p.rest.is_empty() {
            passthrough.insert("Policies".into(), Value::Object(p.rest));
        }
    } else {
        c.password_policy = default_policy;
    }
    c.auto_verified_attributes = s.auto_verified_attributes.unwrap_or_default();
    let vt = s.verification_message_template.unwrap_or_default();
    let ac = s.admin_create_user_config.unwrap_or_default();
    let invite = ac.invite_message_template.unwrap_or_default();
    c.templates = Templates {
        verification_email_subject: vt.email_subject.or(s.email_verification_subject),
        verification_email_message: vt.email_message.or(s.email_verification_message),
        verification_sms_message: vt.sms_message.or(s.sms_verification_message),
        default_email_option: vt.default_email_option,
        verification_email_subject_by_link: vt.email_subject_by_link,
        verification_email_message_by_link: vt.email_message_by_link,
        invite_email_subject: invite.email_subject,
        invite_email_message: invite.email_message,
        invite_sms_message: invite.sms_message,
        sms_authentication_message: s.sms_authentication_message,
    };
    c.allow_admin_create_user_only = ac.allow_admin_create_user_only.unwrap_or(false);
    c.unused_account_validity_days = ac.unused_account_validity_days;
    c.account_recovery = s
        .account_recovery_setting
        .and_then(|r| r.recovery_mechanisms)
        .unwrap_or_default()
        .into_iter()
        .map(|r| RecoveryOption { name: r.name, priority: r.priority })
        .collect();
    c.attributes_require_verification_before_update = s
        .user_attribute_update_settings
        .and_then(|u| u.attributes_require_verification_before_update)
        .unwrap_or_default();
    c.mfa = match s.mfa_configuration.as_deref() {
        None | Some("OFF") => MfaMode::Off,
        Some("ON") => MfaMode::On,
        Some("OPTIONAL") => MfaMode::Optional,
        Some(other) => return Err(CognitoError::invalid_parameter(format!("Unknown MfaConfiguration {other}."))),
    };
    c.devices = passthrough.get("DeviceConfiguration").map(|d| domain::user::DeviceSettings {
        challenge_required_on_new_device: d
            .get("ChallengeRequiredOnNewDevice")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        device_only_remembered_on_user_prompt: d
            .get("DeviceOnlyRememberedOnUserPrompt")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    });
    // SMS MFA is offered when the pool requires or allows MFA and can send SMS.
    c.mfa_factors.sms = c.mfa != MfaMode::Off && passthrough.contains_key("SmsConfiguration");
    c.deletion_protection = s.deletion_protection.as_deref() == Some("ACTIVE");
    c.passthrough = passthrough;
    Ok(c)
}

fn strings(v: &[String]) -> Value {
    Value::from(v.to_vec())
}

fn schema_to_wire(a: &SchemaAttribute) -> Value {
    let mut o = json!({
        "Name": a.name,
        "AttributeDataType": a.data_type.as_str(),
        "DeveloperOnlyAttribute": a.developer_only,
        "Mutable": a.mutable,
        "Required": a.required,
    });
    match a.data_type {
        AttributeType::String | AttributeType::DateTime => {
            let mut c = Map::new();
            if let Some(m) = a.min_length {
                c.insert("MinLength".into(), Value::from(m.to_string()));
            }
            if let Some(m) = a.max_length {
                c.insert("MaxLength".into(), Value::from(m.to_string()));
            }
            o["StringAttributeConstraints"] = Value::Object(c);
        }
        AttributeType::Number => {
            let mut c = Map::new();
            if let Some(m) = a.min_value {
                c.insert("MinValue".into(), Value::from(m.to_string()));
            }
            if let Some(m) = a.max_value {
                c.insert("MaxValue".into(), Value::from(m.to_string()));
            }
            o["NumberAttributeConstraints"] = Value::Object(c);
        }
        AttributeType::Boolean => {}
    }
    o
}

fn put(o: &mut Map<String, Value>, k: &str, v: Option<&String>) {
    if let Some(v) = v {
        o.insert(k.into(), Value::from(v.clone()));
    }
}

/// The `UserPoolType` of `pool`.
pub fn pool_to_wire(st: &CognitoState, pool: &UserPool, users: i64) -> Value {
    let c = &pool.config;
    let p = &c.password_policy;
    let mut policies = json!({ "PasswordPolicy": {
        "MinimumLength": p.minimum_length,
        "RequireUppercase": p.require_uppercase,
        "RequireLowercase": p.require_lowercase,
        "RequireNumbers": p.require_numbers,
        "RequireSymbols": p.require_symbols,
        "TemporaryPasswordValidityDays": p.temporary_password_validity_days,
        "PasswordHistorySize": p.password_history_size,
    }});
    let mut o = Map::new();
    for (k, v) in &c.passthrough {
        if k == "Policies" {
            if let (Some(extra), Some(obj)) = (v.as_object(), policies.as_object_mut()) {
                obj.extend(extra.clone());
            }
        } else {
            o.insert(k.clone(), v.clone());
        }
    }
    o.insert("Id".into(), Value::from(pool.id.as_str()));
    o.insert("Name".into(), Value::from(pool.name.as_str()));
    o.insert(
        "Arn".into(),
        Value::from(format!("arn:aws:cognito-idp:{}:{}:userpool/{}", st.region, st.account_id, pool.id)),
    );
    o.insert("Policies".into(), policies);
    o.insert("CreationDate".into(), date(pool.created_at));
    o.insert("LastModifiedDate".into(), date(pool.updated_at));
    o.insert("SchemaAttributes".into(), Value::from(c.schema.iter().map(schema_to_wire).collect::<Vec<_>>()));
    if !c.auto_verified_attributes.is_empty() {
        o.insert("AutoVerifiedAttributes".into(), strings(&c.auto_verified_attributes));
    }
    if !c.username_attributes.is_empty() {
        o.insert(
            "UsernameAttributes".into(),
            Value::from(c.username_attributes.iter().map(|a| a.name()).collect::<Vec<_>>()),
        );
    }
    if !c.alias_attributes.is_empty() {
        o.insert(
            "AliasAttributes".into(),
            Value::from(c.alias_attributes.iter().map(|a| a.name()).collect::<Vec<_>>()),
        );
    }
    if let Some(cs) = c.case_sensitive {
        o.insert("UsernameConfiguration".into(), json!({ "CaseSensitive": cs }));
    }
    let t = &c.templates;
    let (subject, message) = t.verification_email();
    let mut vt = Map::new();
    vt.insert(
        "DefaultEmailOption".into(),
        Value::from(t.default_email_option.clone().unwrap_or_else(|| "CONFIRM_WITH_CODE".into())),
    );
    vt.insert("EmailSubject".into(), Value::from(subject.clone()));
    vt.insert("EmailMessage".into(), Value::from(message.clone()));
    vt.insert("SmsMessage".into(), Value::from(t.verification_sms()));
    put(&mut vt, "EmailSubjectByLink", t.verification_email_subject_by_link.as_ref());
    put(&mut vt, "EmailMessageByLink", t.verification_email_message_by_link.as_ref());
    o.insert("VerificationMessageTemplate".into(), Value::Object(vt));
    o.insert("EmailVerificationSubject".into(), Value::from(subject));
    o.insert("EmailVerificationMessage".into(), Value::from(message));
    o.insert("SmsVerificationMessage".into(), Value::from(t.verification_sms()));
    put(&mut o, "SmsAuthenticationMessage", t.sms_authentication_message.as_ref());
    let mut invite = Map::new();
    put(&mut invite, "EmailSubject", t.invite_email_subject.as_ref());
    put(&mut invite, "EmailMessage", t.invite_email_message.as_ref());
    put(&mut invite, "SMSMessage", t.invite_sms_message.as_ref());
    let mut acu = json!({ "AllowAdminCreateUserOnly": c.allow_admin_create_user_only });
    if !invite.is_empty() {
        acu["InviteMessageTemplate"] = Value::Object(invite);
    }
    if let Some(d) = c.unused_account_validity_days {
        acu["UnusedAccountValidityDays"] = Value::from(d);
    }
    o.insert("AdminCreateUserConfig".into(), acu);
    if !c.account_recovery.is_empty() {
        o.insert(
            "AccountRecoverySetting".into(),
            json!({ "RecoveryMechanisms": c.account_recovery.iter().map(|r| json!({"Name": r.name, "Priority": r.priority})).collect::<Vec<_>>() }),
        );
    }
    o.insert(
        "UserAttributeUpdateSettings".into(),
        json!({ "AttributesRequireVerificationBeforeUpdate": c.attributes_require_verification_before_update }),
    );
    let mfa = match c.mfa {
        MfaMode::Off => "OFF",
        MfaMode::On => "ON",
        MfaMode::Optional => "OPTIONAL",
    };
    o.insert("MfaConfiguration".into(), Value::from(mfa));
    o.insert("DeletionProtection".into(), Value::from(if c.deletion_protection { "ACTIVE" } else { "INACTIVE" }));
    o.insert("EstimatedNumberOfUsers".into(), Value::from(users));
    Value::Object(o)
}

pub async fn create_user_pool(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: CreateUserPoolRequest,
) -> Result<UserPoolResponse, CognitoError> {
    let w = writer(ctx)?;
    let mut config = PoolConfig {
        username_attributes: sign_in_attributes(req.username_attributes)?,
        alias_attributes: sign_in_attributes(req.alias_attributes)?,
        case_sensitive: req.username_configuration.map(|u| u.case_sensitive),
        ..PoolConfig::default()
    };
    if let Some(schema) = &req.schema {
        config.apply_schema(&schema_requests(schema)?, true).map_err(|e| CognitoError::invalid_parameter(e.0))?;
    }
    let config = apply_settings(config, req.settings)?;
    let pool = st.pools.create_with(&w, &req.pool_name, config).await?;
    // The pool's first signing key is made now, not on the first sign-in.
    st.tokens.keys(&pool.id).await.map_err(|e| {
        tracing::error!(error = %e, "signing key generation failed");
        CognitoError::internal("An internal error occurred.")
    })?;
    Ok(UserPoolResponse { user_pool: pool_to_wire(st, &pool, 0) })
}

pub async fn describe_user_pool(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: PoolIdRequest,
) -> Result<UserPoolResponse, CognitoError> {
    let pool = st.pools.get(ctx, &req.user_pool_id).await?;
    let users = st.users.count(&pool).await?;
    let mut wire = pool_to_wire(st, &pool, users);
    // The pool's domains, as Cognito lists them: the prefix as `Domain`, the custom host
    // name as `CustomDomain`.
    for d in st.domains.of_pool(&pool.id).await? {
        let key = if d.is_custom() { "CustomDomain" } else { "Domain" };
        wire[key] = Value::from(d.domain);
    }
    Ok(UserPoolResponse { user_pool: wire })
}

pub async fn update_user_pool(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: UpdateUserPoolRequest,
) -> Result<Empty, CognitoError> {
    let w = writer(ctx)?;
    let current = st.pools.get(ctx, &req.user_pool_id).await?;
    // UpdateUserPool resets every setting it omits to its default, as Cognito documents.
    // The authenticator and e-mail factors are SetUserPoolMfaConfig's, which it keeps.
    let keep = PoolConfig {
        schema: current.config.schema.clone(),
        mfa_factors: current.config.mfa_factors.clone(),
        ..PoolConfig::default()
    };
    let config = apply_settings(keep, req.settings)?;
    st.pools.update(&w, &req.user_pool_id, req.pool_name.as_deref(), config).await?;
    Ok(Empty {})
}

pub async fn delete_user_pool(st: &CognitoState, ctx: &AdminCtx, req: PoolIdRequest) -> Result<Empty, CognitoError> {
    let w = writer(ctx)?;
    st.pools.delete(&w, &req.user_pool_id).await?;
    Ok(Empty {})
}

pub async fn list_user_pools(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: ListUserPoolsRequest,
) -> Result<ListUserPoolsResponse, CognitoError> {
    let after = req.next_token.as_deref().map(untoken).transpose()?;
    let page = st.pools.page(ctx, req.max_results, after.as_deref()).await?;
    Ok(ListUserPoolsResponse {
        user_pools: page
            .pools
            .iter()
            .map(|p| {
                json!({
                    "Id": p.id.as_str(),
                    "Name": p.name.as_str(),
                    "Status": "Enabled",
                    "CreationDate": date(p.created_at),
                    "LastModifiedDate": date(p.updated_at),
                    "LambdaConfig": p.config.passthrough.get("LambdaConfig").cloned().unwrap_or_else(|| json!({})),
                })
            })
            .collect(),
        next_token: page.next.as_deref().map(token),
    })
}

pub async fn add_custom_attributes(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: AddCustomAttributesRequest,
) -> Result<Empty, CognitoError> {
    let w = writer(ctx)?;
    let requests = schema_requests(&req.custom_attributes)?;
    st.pools.add_custom_attributes(&w, &req.user_pool_id, &requests).await?;
    Ok(Empty {})
}
