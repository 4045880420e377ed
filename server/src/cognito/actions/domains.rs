//! CreateUserPoolDomain, DescribeUserPoolDomain, UpdateUserPoolDomain, DeleteUserPoolDomain.

use crate::cognito::actions::writer;
use crate::cognito::error::CognitoError;
use crate::cognito::CognitoState;
use domain::pool_domain::{PoolDomain, PoolDomainError};
use domain::AdminCtx;
use serde::Deserialize;
use serde_json::{json, Value};

impl From<PoolDomainError> for CognitoError {
    fn from(e: PoolDomainError) -> Self {
        match e {
            PoolDomainError::PoolNotFound(_) | PoolDomainError::NotFound(_) => {
                CognitoError::resource_not_found(e.to_string())
            }
            PoolDomainError::Invalid(m) => CognitoError::invalid_parameter(m),
            PoolDomainError::Store(s) => s.into(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomDomainConfig {
    certificate_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DomainRequest {
    domain: String,
    user_pool_id: String,
    custom_domain_config: Option<CustomDomainConfig>,
    managed_login_version: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRequest {
    domain: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteRequest {
    domain: String,
    user_pool_id: String,
}

fn host(st: &CognitoState, d: &PoolDomain) -> String {
    st.domains.host_of(d)
}

pub async fn create_user_pool_domain(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: DomainRequest,
) -> Result<Value, CognitoError> {
    let w = writer(ctx)?;
    let arn = req.custom_domain_config.as_ref().map(|c| c.certificate_arn.as_str());
    let d = st.domains.create(&w, &req.user_pool_id, &req.domain, arn, req.managed_login_version).await?;
    let mut out = json!({ "ManagedLoginVersion": d.managed_login_version });
    if d.is_custom() {
        // Cognito names the CloudFront alias to point the custom domain at; here it is
        // the host Cognate serves the domain on.
        out["CloudFrontDomain"] = Value::from(host(st, &d));
    }
    Ok(out)
}

pub async fn describe_user_pool_domain(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: DescribeRequest,
) -> Result<Value, CognitoError> {
    let Some(d) = st.domains.describe(ctx, &req.domain).await? else {
        return Ok(json!({ "DomainDescription": {} }));
    };
    let mut desc = json!({
        "UserPoolId": d.pool_id.as_str(),
        "AWSAccountId": "000000000000",
        "Domain": d.domain,
        "CloudFrontDistribution": host(st, &d),
        "Version": "1",
        "Status": "ACTIVE",
        "ManagedLoginVersion": d.managed_login_version,
    });
    if let Some(arn) = &d.certificate_arn {
        desc["CustomDomainConfig"] = json!({ "CertificateArn": arn });
    }
    Ok(json!({ "DomainDescription": desc }))
}

pub async fn update_user_pool_domain(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: DomainRequest,
) -> Result<Value, CognitoError> {
    let w = writer(ctx)?;
    let arn = req.custom_domain_config.as_ref().map(|c| c.certificate_arn.as_str());
    let d = st.domains.update(&w, &req.user_pool_id, &req.domain, arn, req.managed_login_version).await?;
    let mut out = json!({ "ManagedLoginVersion": d.managed_login_version });
    if d.is_custom() {
        out["CloudFrontDomain"] = Value::from(host(st, &d));
    }
    Ok(out)
}

pub async fn delete_user_pool_domain(
    st: &CognitoState,
    ctx: &AdminCtx,
    req: DeleteRequest,
) -> Result<Value, CognitoError> {
    let w = writer(ctx)?;
    st.domains.delete(&w, &req.user_pool_id, &req.domain).await?;
    Ok(json!({}))
}
