//! InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge, AdminRespondToAuthChallenge.

use crate::cognito::error::CognitoError;
use crate::cognito::CognitoState;
use domain::limits::Source;
use domain::secret::Password;
use domain::token::TokenSet;
use domain::user::AuthStep;
use domain::AdminCtx;
use serde::Deserialize;
use serde_json::{json, Value};
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
    challenge_name: String,
    session: Option<String>,
    challenge_responses: Option<HashMap<String, String>>,
}

fn tokens_out(t: &TokenSet) -> Value {
    let mut r = json!({
        "AccessToken": t.access_token,
        "IdToken": t.id_token,
        "ExpiresIn": t.expires_in,
        "TokenType": "Bearer",
    });
    if let Some(rt) = &t.refresh_token {
        r["RefreshToken"] = Value::from(rt.clone());
    }
    json!({ "AuthenticationResult": r, "ChallengeParameters": {} })
}

fn step_out(step: AuthStep) -> Value {
    match step {
        AuthStep::Authenticated(t) => tokens_out(&t),
        AuthStep::NewPasswordRequired { session, username, required_attributes, user_attributes } => json!({
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": session,
            "ChallengeParameters": {
                "USER_ID_FOR_SRP": username,
                "requiredAttributes": serde_json::to_string(&required_attributes).unwrap_or_else(|_| "[]".into()),
                "userAttributes": serde_json::to_string(&user_attributes).unwrap_or_else(|_| "{}".into()),
            },
        }),
    }
}

async fn initiate(
    st: &CognitoState,
    req: InitiateAuthRequest,
    admin: bool,
    source: Source,
) -> Result<Value, CognitoError> {
    let p = req.auth_parameters.unwrap_or_default();
    let param = |k: &str| p.get(k).map(String::as_str);
    let missing = |k: &str| CognitoError::invalid_parameter(format!("Missing required parameter {k}"));
    match (req.auth_flow.as_str(), admin) {
        ("USER_PASSWORD_AUTH", false) | ("ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH", true) => {
            let username = param("USERNAME").ok_or_else(|| missing("USERNAME"))?;
            let password = param("PASSWORD").ok_or_else(|| missing("PASSWORD"))?;
            let step = st
                .users
                .sign_in_with_password(
                    &req.client_id,
                    if admin { req.user_pool_id.as_deref() } else { None },
                    username,
                    Password::new(password),
                    param("SECRET_HASH"),
                    source,
                )
                .await?;
            Ok(step_out(step))
        }
        ("REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN", _) => {
            let token = param("REFRESH_TOKEN").ok_or_else(|| missing("REFRESH_TOKEN"))?;
            let tokens = st.users.refresh(&req.client_id, token, param("SECRET_HASH"), param("USERNAME")).await?;
            Ok(tokens_out(&tokens))
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

pub async fn respond_to_auth_challenge(st: &CognitoState, req: RespondRequest) -> Result<Value, CognitoError> {
    let r = req.challenge_responses.unwrap_or_default();
    match req.challenge_name.as_str() {
        "NEW_PASSWORD_REQUIRED" => {
            let session =
                req.session.ok_or_else(|| CognitoError::invalid_parameter("Missing required parameter Session"))?;
            let username = r
                .get("USERNAME")
                .ok_or_else(|| CognitoError::invalid_parameter("Missing required parameter USERNAME"))?;
            let new_password = r
                .get("NEW_PASSWORD")
                .ok_or_else(|| CognitoError::invalid_parameter("Missing required parameter NEW_PASSWORD"))?;
            let attributes: Vec<(String, String)> = r
                .iter()
                .filter_map(|(k, v)| k.strip_prefix("userAttributes.").map(|n| (n.to_owned(), v.clone())))
                .collect();
            let step = st
                .users
                .respond_new_password(
                    &req.client_id,
                    &session,
                    username,
                    Password::new(new_password.clone()),
                    attributes,
                    r.get("SECRET_HASH").map(String::as_str),
                )
                .await?;
            Ok(step_out(step))
        }
        other => Err(CognitoError::invalid_parameter(format!("Cognate does not support the {other} challenge yet."))),
    }
}

pub async fn admin_respond_to_auth_challenge(
    st: &CognitoState,
    _ctx: &AdminCtx,
    req: RespondRequest,
) -> Result<Value, CognitoError> {
    respond_to_auth_challenge(st, req).await
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
    let mut out = tokens_out(&t);
    if let Some(o) = out.as_object_mut() {
        o.remove("ChallengeParameters");
    }
    Ok(out)
}
