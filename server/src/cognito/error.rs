//! Cognito's error form: HTTP 400 (500 for our own faults) with
//! `{"__type": "<Name>", "message": "..."}` and the `x-amzn-ErrorType` header, as the
//! AWS JSON 1.1 protocol defines it. Every domain error maps here, in one place.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A Cognito API error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CognitoError {
    /// The exception name (`NotAuthorizedException`, ...).
    pub name: &'static str,
    /// Human-readable text.
    pub message: String,
}

macro_rules! errors {
    ($($fn_name:ident => $name:literal),* $(,)?) => {
        impl CognitoError {
            $(
                #[doc = concat!("`", $name, "`")]
                pub fn $fn_name(message: impl Into<String>) -> Self {
                    CognitoError { name: $name, message: message.into() }
                }
            )*
        }
    };
}

errors! {
    invalid_parameter => "InvalidParameterException",
    serialization => "SerializationException",
    unknown_operation => "UnknownOperationException",
    not_authorized => "NotAuthorizedException",
    resource_not_found => "ResourceNotFoundException",
    internal => "InternalErrorException",
    too_many_requests => "TooManyRequestsException",
    limit_exceeded => "LimitExceededException",
    missing_authentication_token => "MissingAuthenticationTokenException",
    unrecognized_client => "UnrecognizedClientException",
    invalid_signature => "InvalidSignatureException",
    incomplete_signature => "IncompleteSignatureException",
    user_not_found => "UserNotFoundException",
    username_exists => "UsernameExistsException",
    alias_exists => "AliasExistsException",
    invalid_password => "InvalidPasswordException",
    code_mismatch => "CodeMismatchException",
    expired_code => "ExpiredCodeException",
    user_not_confirmed => "UserNotConfirmedException",
    password_reset_required => "PasswordResetRequiredException",
    group_exists => "GroupExistsException",
    invalid_oauth_flow => "InvalidOAuthFlowException",
    scope_does_not_exist => "ScopeDoesNotExistException",
    unsupported_operation => "UnsupportedOperationException",
    operation_not_enabled => "OperationNotEnabledException",
    unsupported_token_type => "UnsupportedTokenTypeException",
    concurrent_modification => "ConcurrentModificationException",
    invalid_user_pool_configuration => "InvalidUserPoolConfigurationException",
    password_history_policy_violation => "PasswordHistoryPolicyViolationException",
    enable_software_token_mfa => "EnableSoftwareTokenMFAException",
    software_token_mfa_not_found => "SoftwareTokenMFANotFoundException",
    code_delivery_failure => "CodeDeliveryFailureException",
    refresh_token_reuse => "RefreshTokenReuseException",
}

impl CognitoError {
    fn status(&self) -> StatusCode {
        match self.name {
            "InternalErrorException" => StatusCode::INTERNAL_SERVER_ERROR,
            "InvalidSignatureException" | "IncompleteSignatureException" | "MissingAuthenticationTokenException" => {
                StatusCode::FORBIDDEN
            }
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl IntoResponse for CognitoError {
    fn into_response(self) -> Response {
        let body = json!({ "__type": self.name, "message": self.message }).to_string();
        let mut res = (self.status(), body).into_response();
        let h = res.headers_mut();
        h.insert("content-type", HeaderValue::from_static("application/x-amz-json-1.1"));
        if let Ok(v) = HeaderValue::from_str(self.name) {
            h.insert("x-amzn-errortype", v);
        }
        res
    }
}

impl From<domain::StoreError> for CognitoError {
    fn from(e: domain::StoreError) -> Self {
        tracing::error!(error = %e, "storage failure behind the Cognito API");
        CognitoError::internal("An internal error occurred.")
    }
}
