//! CreateUserPoolClient, DescribeUserPoolClient, UpdateUserPoolClient,
//! DeleteUserPoolClient, ListUserPoolClients.

use crate::cognito::actions::writer;
use crate::cognito::error::CognitoError;
use crate::cognito::wire::{date, token, untoken};
use crate::cognito::CognitoState;
use domain::client::{
    AppClient, AuthFlow, ClientConfig, ClientError, OAuthFlow, OAuthSettings, OAuthSettingsError, TimeUnit, Validity,
};
use domain::AdminCtx;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

impl From<ClientError> for CognitoError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::PoolNotFound(_) | ClientError::NotFound(_) => CognitoError::resource_not_found(e.to_string()),
            ClientError::Config(_) | ClientError::BadName | ClientError::Attributes(_) => {
                CognitoError::invalid_parameter(e.to_string())
            }
            ClientError::OAuth(OAuthSettingsError::Invalid(m)) => CognitoError::invalid_parameter(m),
            ClientError::OAuth(OAuthSettingsError::Flow(m)) => CognitoError::invalid_oauth_flow(m),
            ClientError::OAuth(e @ OAuthSettingsError::UnknownScope(_)) => {
                CognitoError::scope_does_not_exist(e.to_string())
            }
            ClientError::Store(s) => s.into(),
            ClientError::Crypto(c) => {
                tracing::error!(error = %c, "client secret could not be opened");
                CognitoError::internal("An internal error occurred.")
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RotationWire {
    feature: String,
    retry_grace_period_seconds: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct UnitsWire {
    access_token: Option<String>,
    id_token: Option<String>,
    refresh_token: Option<String>,
}

/// Settings shared by create and update.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ClientSettingsWire {
    refresh_token_validity: Option<u64>,
    access_token_validity: Option<u64>,
    id_token_validity: Option<u64>,
    token_validity_units: Option<UnitsWire>,
    read_attributes: Option<Vec<String>>,
    write_attributes: Option<Vec<String>>,
    explicit_auth_flows: Option<Vec<String>>,
    prevent_user_existence_errors: Option<String>,
    enable_token_revocation: Option<bool>,
    auth_session_validity: Option<u32>,
    #[serde(rename = "AllowedOAuthFlowsUserPoolClient")]
    allowed_oauth_flows_user_pool_client: Option<bool>,
    #[serde(rename = "AllowedOAuthFlows")]
    allowed_oauth_flows: Option<Vec<String>>,
    #[serde(rename = "AllowedOAuthScopes")]
    allowed_oauth_scopes: Option<Vec<String>>,
    #[serde(rename = "CallbackURLs")]
    callback_urls: Option<Vec<String>>,
    #[serde(rename = "LogoutURLs")]
    logout_urls: Option<Vec<String>>,
    #[serde(rename = "DefaultRedirectURI")]
    default_redirect_uri: Option<String>,
    supported_identity_providers: Option<Vec<String>>,
    refresh_token_rotation: Option<RotationWire>,
    /// Other settings, stored and returned as given.
    #[serde(flatten)]
    rest: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPoolClientRequest {
    user_pool_id: String,
    client_name: String,
    generate_secret: Option<bool>,
    #[serde(flatten)]
    settings: ClientSettingsWire,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserPoolClientRequest {
    user_pool_id: String,
    client_id: String,
    client_name: Option<String>,
    #[serde(flatten)]
    settings: ClientSettingsWire,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClientRef {
    user_pool_id: String,
    client_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolClientsRequest {
    user_pool_id: String,
    max_results: Option<usize>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClientResponse {
    user_pool_client: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolClientsResponse {
    user_pool_clients: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Serialize)]
pub struct Empty {}

fn unit(given: Option<&String>, default: TimeUnit) -> Result<TimeUnit, CognitoError> {
    match given {
        None => Ok(default),
        Some(u) => TimeUnit::parse(u).ok_or_else(|| CognitoError::invalid_parameter(format!("Unknown time unit {u}."))),
    }
}

fn config_from(s: ClientSettingsWire) -> Result<ClientConfig, CognitoError> {
    let d = ClientConfig::default();
    let units = s.token_validity_units.as_ref();
    let units_given = units.is_some();
    let u = units.cloned_default();
    // Cognito's defaults: a value without a unit is hours (access, id) or days (refresh).
    let validity = |value: Option<u64>,
                    given: Option<&String>,
                    default_unit: TimeUnit,
                    default: Validity|
     -> Result<Validity, CognitoError> {
        match value {
            Some(v) => Ok(Validity { value: v, unit: unit(given, default_unit)? }),
            None => Ok(default),
        }
    };
    let access_token = validity(s.access_token_validity, u.access_token.as_ref(), TimeUnit::Hours, d.access_token)?;
    let id_token = validity(s.id_token_validity, u.id_token.as_ref(), TimeUnit::Hours, d.id_token)?;
    let refresh_token = validity(s.refresh_token_validity, u.refresh_token.as_ref(), TimeUnit::Days, d.refresh_token)?;
    let auth_flows = match s.explicit_auth_flows {
        None => d.auth_flows,
        Some(list) => {
            let parsed: Vec<(AuthFlow, bool)> = list
                .iter()
                .map(|f| {
                    AuthFlow::parse(f)
                        .ok_or_else(|| CognitoError::invalid_parameter(format!("Unknown explicit auth flow {f}.")))
                })
                .collect::<Result<_, _>>()?;
            let legacy = parsed.iter().any(|(_, l)| *l);
            if legacy && parsed.iter().any(|(_, l)| !*l) {
                return Err(CognitoError::invalid_parameter(
                    "Legacy and ALLOW_ explicit auth flows cannot be combined.",
                ));
            }
            let mut flows: Vec<AuthFlow> = parsed.into_iter().map(|(f, _)| f).collect();
            if legacy {
                // Legacy clients always had refresh and SRP.
                flows.extend([AuthFlow::RefreshToken, AuthFlow::UserSrp]);
            }
            flows.sort();
            flows.dedup();
            flows
        }
    };
    let prevent_user_existence_errors = match s.prevent_user_existence_errors.as_deref() {
        None | Some("ENABLED") => true,
        Some("LEGACY") => false,
        Some(other) => {
            return Err(CognitoError::invalid_parameter(format!("Unknown PreventUserExistenceErrors {other}.")))
        }
    };
    let flows = s
        .allowed_oauth_flows
        .unwrap_or_default()
        .iter()
        .map(|f| OAuthFlow::parse(f).ok_or_else(|| CognitoError::invalid_parameter(format!("Unknown OAuth flow {f}."))))
        .collect::<Result<Vec<_>, _>>()?;
    let mut flows = flows;
    flows.sort();
    flows.dedup();
    let dedup = |v: Option<Vec<String>>| {
        let mut out: Vec<String> = Vec::new();
        for x in v.unwrap_or_default() {
            if !out.contains(&x) {
                out.push(x);
            }
        }
        out
    };
    let oauth = OAuthSettings {
        enabled: s.allowed_oauth_flows_user_pool_client.unwrap_or(false),
        flows,
        scopes: dedup(s.allowed_oauth_scopes),
        callback_urls: dedup(s.callback_urls),
        logout_urls: dedup(s.logout_urls),
        default_redirect_uri: s.default_redirect_uri,
        identity_providers: dedup(s.supported_identity_providers),
    };
    let config = ClientConfig {
        oauth,
        auth_flows,
        access_token,
        id_token,
        refresh_token,
        units_given,
        read_attributes: s.read_attributes.unwrap_or_default(),
        write_attributes: s.write_attributes.unwrap_or_default(),
        prevent_user_existence_errors,
        enable_token_revocation: s.enable_token_revocation.unwrap_or(true),
        auth_session_validity_minutes: s.auth_session_validity.unwrap_or(3),
        refresh_token_rotation: s.refresh_token_rotation.map(|r| domain::client::RefreshRotation {
            enabled: r.feature == "ENABLED",
            retry_grace_period_seconds: r.retry_grace_period_seconds.unwrap_or(0),
        }),
        passthrough: s.rest.into_iter().collect(),
    };
    config.check().map_err(|e| CognitoError::invalid_parameter(e.0))?;
    Ok(config)
}

trait ClonedDefault {
    fn cloned_default(self) -> UnitsWire;
}

impl ClonedDefault for Option<&UnitsWire> {
    fn cloned_default(self) -> UnitsWire {
        match self {
            Some(u) => UnitsWire {
                access_token: u.access_token.clone(),
                id_token: u.id_token.clone(),
                refresh_token: u.refresh_token.clone(),
            },
            None => UnitsWire::default(),
        }
    }
}

fn client_to_wire(st: &CognitoState, c: &AppClient, with_secret: bool) -> Result<Value, CognitoError> {
    let cfg = &c.config;
    let mut o = Map::new();
    for (k, v) in &cfg.passthrough {
        o.insert(k.clone(), v.clone());
    }
    o.insert("UserPoolId".into(), Value::from(c.pool_id.as_str()));
    o.insert("ClientName".into(), Value::from(c.name.clone()));
    o.insert("ClientId".into(), Value::from(c.id.as_str()));
    if with_secret {
        if let Some(secret) = st.clients.secret(c)? {
            o.insert("ClientSecret".into(), Value::from(secret.secret()));
        }
    }
    o.insert("CreationDate".into(), date(c.created_at));
    o.insert("LastModifiedDate".into(), date(c.updated_at));
    o.insert("AccessTokenValidity".into(), Value::from(cfg.access_token.value));
    o.insert("IdTokenValidity".into(), Value::from(cfg.id_token.value));
    o.insert("RefreshTokenValidity".into(), Value::from(cfg.refresh_token.value));
    o.insert(
        "TokenValidityUnits".into(),
        json!({
            "AccessToken": cfg.access_token.unit.as_str(),
            "IdToken": cfg.id_token.unit.as_str(),
            "RefreshToken": cfg.refresh_token.unit.as_str(),
        }),
    );
    if !cfg.read_attributes.is_empty() {
        o.insert("ReadAttributes".into(), Value::from(cfg.read_attributes.clone()));
    }
    if !cfg.write_attributes.is_empty() {
        o.insert("WriteAttributes".into(), Value::from(cfg.write_attributes.clone()));
    }
    o.insert("ExplicitAuthFlows".into(), Value::from(cfg.auth_flows.iter().map(|f| f.as_str()).collect::<Vec<_>>()));
    o.insert(
        "PreventUserExistenceErrors".into(),
        Value::from(if cfg.prevent_user_existence_errors { "ENABLED" } else { "LEGACY" }),
    );
    o.insert("EnableTokenRevocation".into(), Value::from(cfg.enable_token_revocation));
    if let Some(r) = cfg.refresh_token_rotation {
        o.insert(
            "RefreshTokenRotation".into(),
            json!({
                "Feature": if r.enabled { "ENABLED" } else { "DISABLED" },
                "RetryGracePeriodSeconds": r.retry_grace_period_seconds,
            }),
        );
    }
    let oa = &cfg.oauth;
    o.insert("AllowedOAuthFlowsUserPoolClient".into(), Value::from(oa.enabled));
    let list = |v: &Vec<String>| Value::from(v.clone());
    if !oa.flows.is_empty() {
        o.insert("AllowedOAuthFlows".into(), Value::from(oa.flows.iter().map(|f| f.as_str()).collect::<Vec<_>>()));
    }
    if !oa.scopes.is_empty() {
        o.insert("AllowedOAuthScopes".into(), list(&oa.scopes));
    }
    if !oa.callback_urls.is_empty() {
        o.insert("CallbackURLs".into(), list(&oa.callback_urls));
    }
    if !oa.logout_urls.is_empty() {
        o.insert("LogoutURLs".into(), list(&oa.logout_urls));
    }
    if let Some(d) = &oa.default_redirect_uri {
        o.insert("DefaultRedirectURI".into(), Value::from(d.clone()));
    }
    if !oa.identity_providers.is_empty() {
        o.insert("SupportedIdentityProviders".into(), list(&oa.identity_providers));
    }
    o.insert("AuthSessionValidity".into(), Value::from(cfg.auth_session_validity_minutes));
    Ok(Value::Object(o))
}

pub async fn create_user_pool_client(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: CreateUserPoolClientRequest,
) -> Result<UserPoolClientResponse, CognitoError> {
    let w = writer(ctx)?;
    let config = config_from(req.settings)?;
    let client = st
        .clients
        .create(&w, &req.user_pool_id, &req.client_name, req.generate_secret.unwrap_or(false), config)
        .await?;
    Ok(UserPoolClientResponse { user_pool_client: client_to_wire(st, &client, true)? })
}

pub async fn describe_user_pool_client(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: ClientRef,
) -> Result<UserPoolClientResponse, CognitoError> {
    let client = st.clients.get(ctx, &req.user_pool_id, &req.client_id).await?;
    Ok(UserPoolClientResponse { user_pool_client: client_to_wire(st, &client, true)? })
}

pub async fn update_user_pool_client(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: UpdateUserPoolClientRequest,
) -> Result<UserPoolClientResponse, CognitoError> {
    let w = writer(ctx)?;
    // Omitted settings return to their defaults, as Cognito documents for updates.
    let config = config_from(req.settings)?;
    let client = st.clients.update(&w, &req.user_pool_id, &req.client_id, req.client_name.as_deref(), config).await?;
    Ok(UserPoolClientResponse { user_pool_client: client_to_wire(st, &client, true)? })
}

pub async fn delete_user_pool_client(st: &CognitoState, ctx: &AdminCtx, req: ClientRef) -> Result<Empty, CognitoError> {
    let w = writer(ctx)?;
    st.clients.delete(&w, &req.user_pool_id, &req.client_id).await?;
    Ok(Empty {})
}

pub async fn list_user_pool_clients(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: ListUserPoolClientsRequest,
) -> Result<ListUserPoolClientsResponse, CognitoError> {
    let after = req.next_token.as_deref().map(untoken).transpose()?;
    let page = st.clients.page(ctx, &req.user_pool_id, req.max_results.unwrap_or(60), after.as_deref()).await?;
    Ok(ListUserPoolClientsResponse {
        user_pool_clients: page
            .clients
            .iter()
            .map(|c| json!({ "ClientId": c.id.as_str(), "UserPoolId": c.pool_id.as_str(), "ClientName": c.name }))
            .collect(),
        next_token: page.next.as_deref().map(token),
    })
}
