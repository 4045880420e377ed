//! The Cognito user-pool JSON API: `POST /` with `X-Amz-Target:
//! AWSCognitoIdentityProviderService.<Action>`. This module checks the target, the
//! signature (admin actions) and the body against the service model, then hands a typed
//! request to one action function.
pub mod error;
pub mod model;
pub mod sigv4;
