//! InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge, AdminRespondToAuthChallenge,
//! GetTokensFromRefreshToken. Challenge names and parameters as Cognito spells them
//! appear here only; the conversation itself is the domain's state machine.

use crate::cognito::error::CognitoError;
use crate::cognito::CognitoState;
use domain::auth::{Answer, Challenge, MfaFactor};
use domain::limits::Source;
use domain::secret::Password;
use domain::token::TokenSet;
use domain::user::{AuthStep, NewDevice, Start};
use domain::AdminCtx;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitiateAuthRequest {
    auth_flow: String,
    client_id: String,
    user_pool_id: Option<String>,
    auth_parameters: Option<HashMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RespondRequest {
    client_id: String,
    user_pool_id: Option<String>,
    challenge_name: String,
    session: Option<String>,
    challenge_responses: Option<HashMap<String, String>>,
}

fn tokens_out(t: &TokenSet, device: Option<&NewDevice>) -> Value {
    let mut r = json!({
        "AccessToken": t.access_token,
        "IdToken": t.id_token,
        "ExpiresIn": t.expires_in,
        "TokenType": "Bearer",
    });
    if let Some(rt) = &t.refresh_token {
        r["RefreshToken"] = Value::from(rt.clone());
    }
    if let Some(d) = device {
        r["NewDeviceMetadata"] = json!({ "DeviceKey": d.device_key, "DeviceGroupKey": d.group_key });
    }
    json!({ "AuthenticationResult": r, "ChallengeParameters": {} })
}

/// Cognito's name of a factor's challenge (also the `ANSWER` of SELECT_MFA_TYPE and the
/// names in `UserMFASettingList`).
pub(super) fn factor_name(f: MfaFactor) -> &'static str {
    match f {
        MfaFactor::SoftwareToken => "SOFTWARE_TOKEN_MFA",
        MfaFactor::Sms => "SMS_MFA",
        MfaFactor::Email => "EMAIL_OTP",
    }
}

fn factor_from_name(s: &str) -> Option<MfaFactor> {
    match s {
        "SOFTWARE_TOKEN_MFA" => Some(MfaFactor::SoftwareToken),
        "SMS_MFA" => Some(MfaFactor::Sms),
        "EMAIL_OTP" => Some(MfaFactor::Email),
        _ => None,
    }
}

fn names(fs: &[MfaFactor]) -> String {
    serde_json::to_string(&fs.iter().map(|f| factor_name(*f)).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

/// A challenge as Cognito writes it: its name and parameters.
fn challenge_out(c: &Challenge, username: &str) -> (&'static str, Map<String, Value>) {
    let mut p = Map::new();
    p.insert("USER_ID_FOR_SRP".into(), Value::from(username));
    let name = match c {
        Challenge::PasswordVerifier { salt, srp_b, secret_block } => {
            p.insert("SALT".into(), Value::from(salt.as_str()));
            p.insert("SRP_B".into(), Value::from(srp_b.as_str()));
            p.insert("SECRET_BLOCK".into(), Value::from(secret_block.as_str()));
            p.insert("USERNAME".into(), Value::from(username));
            "PASSWORD_VERIFIER"
        }
        Challenge::NewPasswordRequired { required_attributes, user_attributes } => {
            p.insert(
                "requiredAttributes".into(),
                Value::from(serde_json::to_string(required_attributes).unwrap_or_else(|_| "[]".into())),
            );
            p.insert(
                "userAttributes".into(),
                Value::from(serde_json::to_string(user_attributes).unwrap_or_else(|_| "{}".into())),
            );
            "NEW_PASSWORD_REQUIRED"
        }
        Challenge::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA",
        Challenge::SmsMfa { destination } | Challenge::EmailOtp { destination } => {
            let medium = if matches!(c, Challenge::SmsMfa { .. }) { "SMS" } else { "EMAIL" };
            p.insert("CODE_DELIVERY_DELIVERY_MEDIUM".into(), Value::from(medium));
            p.insert("CODE_DELIVERY_DESTINATION".into(), Value::from(destination.as_str()));
            if medium == "SMS" {
                "SMS_MFA"
            } else {
                "EMAIL_OTP"
            }
        }
        Challenge::SelectMfaType { options } => {
            p.insert("MFAS_CAN_CHOOSE".into(), Value::from(names(options)));
            "SELECT_MFA_TYPE"
        }
        Challenge::MfaSetup { can_setup } => {
            p.insert("MFAS_CAN_SETUP".into(), Value::from(names(can_setup)));
            "MFA_SETUP"
        }
        Challenge::DeviceSrpAuth => "DEVICE_SRP_AUTH",
        Challenge::DevicePasswordVerifier { salt, srp_b, secret_block, device_key } => {
            p.insert("SALT".into(), Value::from(salt.as_str()));
            p.insert("SRP_B".into(), Value::from(srp_b.as_str()));
            p.insert("SECRET_BLOCK".into(), Value::from(secret_block.as_str()));
            p.insert("DEVICE_KEY".into(), Value::from(device_key.as_str()));
            p.insert("USERNAME".into(), Value::from(username));
            "DEVICE_PASSWORD_VERIFIER"
        }
    };
    (name, p)
}

fn step_out(step: AuthStep) -> Value {
    match step {
        AuthStep::Authenticated(t, device) => tokens_out(&t, device.as_ref()),
        AuthStep::Challenge { session, challenge, username } => {
            let (name, params) = challenge_out(&challenge, &username);
            json!({ "ChallengeName": name, "Session": session, "ChallengeParameters": params })
        }
    }
}

fn missing(k: &str) -> CognitoError {
    CognitoError::invalid_parameter(format!("Missing required parameter {k}"))
}

/// The common parameters of a sign-in's first call.
fn start<'a>(
    client_id: &'a str,
    pool_id: Option<&'a str>,
    p: &'a HashMap<String, String>,
    source: Source,
) -> Result<Start<'a>, CognitoError> {
    let param = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
    Ok(Start {
        client_id,
        pool_id,
        username: param("USERNAME").ok_or_else(|| missing("USERNAME"))?,
        secret_hash: param("SECRET_HASH"),
        device_key: param("DEVICE_KEY"),
        source,
    })
}

async fn initiate(
    st: &CognitoState,
    req: InitiateAuthRequest,
    admin: bool,
    source: Source,
) -> Result<Value, CognitoError> {
    let p = req.auth_parameters.unwrap_or_default();
    let param = |k: &str| p.get(k).map(String::as_str);
    let pool_id = if admin { req.user_pool_id.as_deref() } else { None };
    match (req.auth_flow.as_str(), admin) {
        ("USER_PASSWORD_AUTH", false) | ("ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH", true) => {
            let password = param("PASSWORD").ok_or_else(|| missing("PASSWORD"))?;
            let step = st
                .users
                .sign_in_with_password(start(&req.client_id, pool_id, &p, source)?, Password::new(password))
                .await?;
            Ok(step_out(step))
        }
        ("USER_SRP_AUTH", _) => {
            let srp_a = param("SRP_A").ok_or_else(|| missing("SRP_A"))?;
            let step = st.users.start_srp(start(&req.client_id, pool_id, &p, source)?, srp_a).await?;
            Ok(step_out(step))
        }
        ("REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN", _) => {
            let token = param("REFRESH_TOKEN").ok_or_else(|| missing("REFRESH_TOKEN"))?;
            let tokens = st
                .users
                .refresh(&req.client_id, token, param("SECRET_HASH"), param("USERNAME"), param("DEVICE_KEY"))
                .await?;
            Ok(tokens_out(&tokens, None))
        }
        (flow, _) => {
            Err(CognitoError::invalid_parameter(format!("Cognate does not support the {flow} flow here yet.")))
        }
    }
}

pub async fn initiate_auth(st: &CognitoState, req: InitiateAuthRequest, source: Source) -> Result<Value, CognitoError> {
    initiate(st, req, false, source).await
}

pub async fn admin_initiate_auth(
    st: &CognitoState,
    _ctx: &AdminCtx,
    req: InitiateAuthRequest,
    source: Source,
) -> Result<Value, CognitoError> {
    if req.user_pool_id.is_none() {
        return Err(CognitoError::invalid_parameter("UserPoolId is required."));
    }
    initiate(st, req, true, source).await
}

/// The answer a `ChallengeResponses` map gives to `challenge`.
fn answer_in(challenge: &str, r: &HashMap<String, String>) -> Result<Answer, CognitoError> {
    let get = |k: &str| r.get(k).cloned().ok_or_else(|| missing(k));
    Ok(match challenge {
        "PASSWORD_VERIFIER" => Answer::PasswordVerifier {
            secret_block: get("PASSWORD_CLAIM_SECRET_BLOCK")?,
            timestamp: get("TIMESTAMP")?,
            signature: get("PASSWORD_CLAIM_SIGNATURE")?,
            device_key: r.get("DEVICE_KEY").filter(|k| !k.is_empty()).cloned(),
        },
        "DEVICE_SRP_AUTH" => Answer::DeviceSrpAuth { device_key: get("DEVICE_KEY")?, srp_a: get("SRP_A")? },
        "DEVICE_PASSWORD_VERIFIER" => Answer::DevicePasswordVerifier {
            device_key: get("DEVICE_KEY")?,
            secret_block: get("PASSWORD_CLAIM_SECRET_BLOCK")?,
            timestamp: get("TIMESTAMP")?,
            signature: get("PASSWORD_CLAIM_SIGNATURE")?,
        },
        "NEW_PASSWORD_REQUIRED" => Answer::NewPassword {
            password: Password::new(get("NEW_PASSWORD")?),
            attributes: r
                .iter()
                .filter_map(|(k, v)| k.strip_prefix("userAttributes.").map(|n| (n.to_owned(), v.clone())))
                .collect(),
        },
        "SOFTWARE_TOKEN_MFA" => {
            Answer::Code { factor: MfaFactor::SoftwareToken, code: get("SOFTWARE_TOKEN_MFA_CODE")? }
        }
        "SMS_MFA" => Answer::Code { factor: MfaFactor::Sms, code: get("SMS_MFA_CODE")? },
        "EMAIL_OTP" => Answer::Code { factor: MfaFactor::Email, code: get("EMAIL_OTP_CODE")? },
        "SELECT_MFA_TYPE" => {
            let a = get("ANSWER")?;
            Answer::SelectMfaType(
                factor_from_name(&a)
                    .ok_or_else(|| CognitoError::invalid_parameter(format!("Unknown MFA type {a} in ANSWER.")))?,
            )
        }
        "MFA_SETUP" => Answer::MfaSetup,
        other => {
            return Err(CognitoError::invalid_parameter(format!("Cognate does not support the {other} challenge yet.")))
        }
    })
}

async fn respond(st: &CognitoState, req: RespondRequest, admin: bool, source: Source) -> Result<Value, CognitoError> {
    let r = req.challenge_responses.unwrap_or_default();
    let answer = answer_in(&req.challenge_name, &r)?;
    let username = r.get("USERNAME").ok_or_else(|| missing("USERNAME"))?;
    // PASSWORD_VERIFIER may come without Session: its secret block names the session.
    let session = match (req.session, &answer) {
        (Some(s), _) => s,
        (None, Answer::PasswordVerifier { .. }) => String::new(),
        (None, _) => return Err(missing("Session")),
    };
    let pool_id = if admin { req.user_pool_id.as_deref() } else { None };
    let step = st
        .users
        .respond(&req.client_id, pool_id, &session, username, answer, r.get("SECRET_HASH").map(String::as_str), source)
        .await?;
    Ok(step_out(step))
}

pub async fn respond_to_auth_challenge(
    st: &CognitoState,
    req: RespondRequest,
    source: Source,
) -> Result<Value, CognitoError> {
    respond(st, req, false, source).await
}

pub async fn admin_respond_to_auth_challenge(
    st: &CognitoState,
    _ctx: &AdminCtx,
    req: RespondRequest,
    source: Source,
) -> Result<Value, CognitoError> {
    if req.user_pool_id.is_none() {
        return Err(CognitoError::invalid_parameter("UserPoolId is required."));
    }
    respond(st, req, true, source).await
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTokensFromRefreshTokenRequest {
    client_id: String,
    refresh_token: String,
    client_secret: Option<String>,
}

/// GetTokensFromRefreshToken: refresh, rotating the refresh token when the client asks.
pub async fn get_tokens_from_refresh_token(
    st: &CognitoState,
    req: GetTokensFromRefreshTokenRequest,
) -> Result<Value, CognitoError> {
    let t =
        st.users.tokens_from_refresh_token(&req.client_id, &req.refresh_token, req.client_secret.as_deref()).await?;
    let mut out = tokens_out(&t, None);
    if let Some(o) = out.as_object_mut() {
        o.remove("ChallengeParameters");
    }
    Ok(out)
}
