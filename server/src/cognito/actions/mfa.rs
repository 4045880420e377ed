//! MFA: the pool's configuration (SetUserPoolMfaConfig / GetUserPoolMfaConfig), a
//! user's authenticator (AssociateSoftwareToken, VerifySoftwareToken,
//! AdminDeleteSoftwareToken) and preferences (Set/AdminSetUserMFAPreference, the legacy
//! Set/AdminSetUserSettings), and how GetUser / AdminGetUser report them.

use super::auth::factor_name;
use super::pools::PoolIdRequest;
use super::users::AdminUserRequest;
use super::writer;
use crate::cognito::error::CognitoError;
use crate::cognito::CognitoState;
use domain::auth::MfaFactor;
use domain::pool::config::{MfaFactors, MfaMode};
use domain::user::{FactorSetting, MfaPreferences, TokenOrSession, User};
use domain::AdminCtx;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// The MFA fields of GetUser / AdminGetUser.
pub fn user_mfa_out(user: &User, o: &mut Map<String, Value>) {
    let list: Vec<&str> = user.mfa.enabled.iter().map(|f| factor_name(*f)).collect();
    o.insert("UserMFASettingList".into(), json!(list));
    if let Some(p) = user.mfa.preferred {
        o.insert("PreferredMfaSetting".into(), Value::from(factor_name(p)));
    }
    if user.mfa.has(MfaFactor::Sms) {
        o.insert("MFAOptions".into(), json!([{ "DeliveryMedium": "SMS", "AttributeName": "phone_number" }]));
    }
}

fn mode_name(m: MfaMode) -> &'static str {
    match m {
        MfaMode::Off => "OFF",
        MfaMode::On => "ON",
        MfaMode::Optional => "OPTIONAL",
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SmsMfaConfigWire {
    sms_authentication_message: Option<String>,
    sms_configuration: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnabledWire {
    enabled: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EmailMfaConfigWire {
    message: Option<String>,
    subject: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetUserPoolMfaConfigRequest {
    user_pool_id: String,
    mfa_configuration: Option<String>,
    sms_mfa_configuration: Option<SmsMfaConfigWire>,
    software_token_mfa_configuration: Option<EnabledWire>,
    email_mfa_configuration: Option<EmailMfaConfigWire>,
}

fn mfa_config_out(config: &domain::pool::config::PoolConfig) -> Value {
    let f = &config.mfa_factors;
    let mut o = Map::new();
    o.insert("MfaConfiguration".into(), Value::from(mode_name(config.mfa)));
    o.insert("SoftwareTokenMfaConfiguration".into(), json!({ "Enabled": f.software_token }));
    if f.sms {
        let mut sms = Map::new();
        if let Some(m) = &config.templates.sms_authentication_message {
            sms.insert("SmsAuthenticationMessage".into(), Value::from(m.clone()));
        }
        if let Some(c) = config.passthrough.get("SmsConfiguration") {
            sms.insert("SmsConfiguration".into(), c.clone());
        }
        o.insert("SmsMfaConfiguration".into(), Value::Object(sms));
    }
    if f.email {
        let mut e = Map::new();
        if let Some(m) = &f.email_message {
            e.insert("Message".into(), Value::from(m.clone()));
        }
        if let Some(s) = &f.email_subject {
            e.insert("Subject".into(), Value::from(s.clone()));
        }
        o.insert("EmailMfaConfiguration".into(), Value::Object(e));
    }
    Value::Object(o)
}

/// SetUserPoolMfaConfig: the factors given replace the pool's; the mode needs at least
/// one factor unless it is OFF.
pub async fn set_user_pool_mfa_config(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: SetUserPoolMfaConfigRequest,
) -> Result<Value, CognitoError> {
    let w = writer(ctx)?;
    let pool = st.pools.get(ctx, &req.user_pool_id).await?;
    let mut config = pool.config.clone();
    if let Some(m) = req.mfa_configuration.as_deref() {
        config.mfa = match m {
            "OFF" => MfaMode::Off,
            "ON" => MfaMode::On,
            "OPTIONAL" => MfaMode::Optional,
            other => return Err(CognitoError::invalid_parameter(format!("Unknown MfaConfiguration {other}."))),
        };
    }
    let mut f = MfaFactors { software_token: config.mfa_factors.software_token, ..MfaFactors::default() };
    if let Some(t) = req.software_token_mfa_configuration {
        f.software_token = t.enabled.unwrap_or(false);
    }
    if let Some(sms) = req.sms_mfa_configuration {
        f.sms = true;
        if let Some(m) = sms.sms_authentication_message {
            config.templates.sms_authentication_message = Some(m);
        }
        if let Some(c) = sms.sms_configuration {
            config.passthrough.insert("SmsConfiguration".into(), c);
        }
    }
    if let Some(e) = req.email_mfa_configuration {
        f.email = true;
        f.email_message = e.message;
        f.email_subject = e.subject;
    }
    config.mfa_factors = f;
    let pool = st.pools.update(&w, &req.user_pool_id, None, config).await?;
    Ok(mfa_config_out(&pool.config))
}

pub async fn get_user_pool_mfa_config(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: PoolIdRequest,
) -> Result<Value, CognitoError> {
    let pool = st.pools.get(ctx, &req.user_pool_id).await?;
    Ok(mfa_config_out(&pool.config))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateSoftwareTokenRequest {
    access_token: Option<String>,
    session: Option<String>,
}

fn who<'a>(token: Option<&'a str>, session: Option<&'a str>) -> Result<TokenOrSession<'a>, CognitoError> {
    match (token, session) {
        (Some(t), None) => Ok(TokenOrSession::AccessToken(t)),
        (None, Some(s)) => Ok(TokenOrSession::Session(s)),
        _ => Err(CognitoError::invalid_parameter("Exactly one of AccessToken and Session is required.")),
    }
}

pub async fn associate_software_token(
    st: &CognitoState,
    req: AssociateSoftwareTokenRequest,
) -> Result<Value, CognitoError> {
    let (secret, session) =
        st.users.associate_software_token(who(req.access_token.as_deref(), req.session.as_deref())?).await?;
    let mut o = json!({ "SecretCode": secret });
    if let Some(s) = session {
        o["Session"] = Value::from(s);
    }
    Ok(o)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifySoftwareTokenRequest {
    access_token: Option<String>,
    session: Option<String>,
    user_code: String,
}

pub async fn verify_software_token(st: &CognitoState, req: VerifySoftwareTokenRequest) -> Result<Value, CognitoError> {
    let session = st
        .users
        .verify_software_token(who(req.access_token.as_deref(), req.session.as_deref())?, &req.user_code)
        .await?;
    let mut o = json!({ "Status": "SUCCESS" });
    if let Some(s) = session {
        o["Session"] = Value::from(s);
    }
    Ok(o)
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "PascalCase")]
pub struct FactorSettingWire {
    enabled: Option<bool>,
    preferred_mfa: Option<bool>,
}

impl From<FactorSettingWire> for FactorSetting {
    fn from(w: FactorSettingWire) -> Self {
        FactorSetting { enabled: w.enabled, preferred: w.preferred_mfa }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetUserMfaPreferenceRequest {
    access_token: Option<String>,
    user_pool_id: Option<String>,
    username: Option<String>,
    #[serde(rename = "SMSMfaSettings")]
    sms_mfa_settings: Option<FactorSettingWire>,
    software_token_mfa_settings: Option<FactorSettingWire>,
    email_mfa_settings: Option<FactorSettingWire>,
}

impl SetUserMfaPreferenceRequest {
    fn prefs(&self) -> MfaPreferences {
        MfaPreferences {
            sms: self.sms_mfa_settings.map(Into::into),
            software_token: self.software_token_mfa_settings.map(Into::into),
            email: self.email_mfa_settings.map(Into::into),
        }
    }
}

fn required<'a>(v: &'a Option<String>, name: &str) -> Result<&'a str, CognitoError> {
    v.as_deref().ok_or_else(|| CognitoError::invalid_parameter(format!("Missing required parameter {name}")))
}

pub async fn set_user_mfa_preference(
    st: &CognitoState,
    req: SetUserMfaPreferenceRequest,
) -> Result<Value, CognitoError> {
    st.users.set_mfa_preference(required(&req.access_token, "AccessToken")?, req.prefs()).await?;
    Ok(json!({}))
}

pub async fn admin_set_user_mfa_preference(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: SetUserMfaPreferenceRequest,
) -> Result<Value, CognitoError> {
    let prefs = req.prefs();
    st.users
        .admin_set_mfa_preference(
            &writer(ctx)?,
            required(&req.user_pool_id, "UserPoolId")?,
            required(&req.username, "Username")?,
            prefs,
        )
        .await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaOptionWire {
    delivery_medium: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetUserSettingsRequest {
    access_token: Option<String>,
    user_pool_id: Option<String>,
    username: Option<String>,
    #[serde(rename = "MFAOptions")]
    mfa_options: Vec<MfaOptionWire>,
}

impl SetUserSettingsRequest {
    fn sms(&self) -> bool {
        self.mfa_options.iter().any(|o| o.delivery_medium.as_deref() == Some("SMS"))
    }
}

pub async fn set_user_settings(st: &CognitoState, req: SetUserSettingsRequest) -> Result<Value, CognitoError> {
    st.users.set_user_settings(required(&req.access_token, "AccessToken")?, req.sms()).await?;
    Ok(json!({}))
}

pub async fn admin_set_user_settings(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: SetUserSettingsRequest,
) -> Result<Value, CognitoError> {
    st.users
        .admin_set_user_settings(
            &writer(ctx)?,
            required(&req.user_pool_id, "UserPoolId")?,
            required(&req.username, "Username")?,
            req.sms(),
        )
        .await?;
    Ok(json!({}))
}

pub async fn admin_delete_software_token(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: AdminUserRequest,
) -> Result<Value, CognitoError> {
    st.users.admin_delete_software_token(&writer(ctx)?, &req.user_pool_id, &req.username).await?;
    Ok(json!({}))
}
