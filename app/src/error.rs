//! The console's error type: what a server function tells the page. Internal details
//! never cross this boundary; they are logged on the server.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// A console server function failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AdminError {
    /// No valid operator session.
    #[error("Your session has ended. Sign in again.")]
    Unauthenticated,
    /// The operator's role cannot do this.
    #[error("Your role allows viewing only.")]
    Forbidden,
    /// A field is invalid; shown beside it.
    #[error("{message}")]
    Invalid {
        /// The form field's name.
        field: String,
        /// What to fix.
        message: String,
    },
    /// Our fault; details are in the server log.
    #[error("Something went wrong on our side. Try again in a moment.")]
    Internal,
    /// The request never reached the function (network, encoding).
    #[error("The request failed: {0}")]
    Request(String),
}

impl FromServerFnError for AdminError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AdminError::Request(value.to_string())
    }
}

impl AdminError {
    /// An invalid-field error.
    pub fn invalid(field: &str, message: impl ToString) -> Self {
        AdminError::Invalid { field: field.to_owned(), message: message.to_string() }
    }
}
