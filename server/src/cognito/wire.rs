//! Wire helpers shared by the actions: typed request parsing, epoch-second dates,
//! and opaque pagination tokens.

use super::error::CognitoError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::clock::Timestamp;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Turns a validated body into the action's request type.
pub fn parse<T: DeserializeOwned>(body: Value) -> Result<T, CognitoError> {
    serde_json::from_value(body).map_err(|e| CognitoError::serialization(e.to_string()))
}

/// Serialises a response.
pub fn out<T: Serialize>(value: T) -> Result<Value, CognitoError> {
    serde_json::to_value(value).map_err(|e| CognitoError::internal(format!("encoding the response: {e}")))
}

/// Dates go out as epoch seconds with a fraction, as the JSON protocol sends them.
pub fn date(t: Timestamp) -> Value {
    Value::from(t.millis() as f64 / 1000.0)
}

/// An opaque pagination token for a key.
pub fn token(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// The key inside a token; a malformed one is an `InvalidParameterException`.
pub fn untoken(token: &str) -> Result<String, CognitoError> {
    URL_SAFE_NO_PAD
        .decode(token.as_bytes())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| CognitoError::invalid_parameter("The pagination token is not valid."))
}
