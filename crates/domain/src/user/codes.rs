//! One-time codes sent to users: six digits, stored only as a keyed hash, expiring, with
//! a limited number of attempts.
//!
//! The limits belong to the user and purpose, not to one code (SECURITY.md A-15): wrong
//! guesses and sends are counted in a window of [`CODE_WINDOW`] that starts with its
//! first event, and a new code keeps the counts, so asking for code after code does not
//! buy guesses. A guess is counted before it is compared, in one atomic step, and a
//! right code is used up in the same transaction as the change it allows, so of any
//! number of concurrent uses exactly one succeeds (REL-10).

use crate::clock::Timestamp;
use crate::crypto::MasterKey;
use std::time::Duration;

/// What a code proves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodePurpose {
    /// Confirming a sign-up (24 hours).
    SignUp,
    /// Resetting a forgotten password (1 hour).
    ForgotPassword,
    /// Verifying the email attribute (24 hours).
    VerifyEmail,
    /// Verifying the phone number attribute (24 hours).
    VerifyPhone,
}

impl CodePurpose {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CodePurpose::SignUp => "sign_up",
            CodePurpose::ForgotPassword => "forgot_password",
            CodePurpose::VerifyEmail => "verify_email",
            CodePurpose::VerifyPhone => "verify_phone_number",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "sign_up" => CodePurpose::SignUp,
            "forgot_password" => CodePurpose::ForgotPassword,
            "verify_email" => CodePurpose::VerifyEmail,
            "verify_phone_number" => CodePurpose::VerifyPhone,
            _ => return None,
        })
    }

    /// How long a code lasts (Cognito: 24 h, 1 h for password reset).
    pub fn lifetime(self) -> Duration {
        match self {
            CodePurpose::ForgotPassword => Duration::from_secs(3600),
            _ => Duration::from_secs(24 * 3600),
        }
    }
}

/// Guesses (right or wrong) allowed per user and purpose in a window.
pub const MAX_ATTEMPTS: i64 = 5;
/// Codes sent per user and purpose in a window.
pub const MAX_SENDS: i64 = 5;
/// The window both counts live in.
pub const CODE_WINDOW: Duration = Duration::from_secs(3600);

/// A code in clear, only between generation and the outgoing message.
pub struct Code(String);

impl Code {
    /// Six random digits.
    pub fn generate() -> Code {
        Code(crate::crypto::random_chars(6, b"0123456789"))
    }

    /// The digits.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

/// A stored code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeRecord {
    /// Purpose.
    pub purpose: CodePurpose,
    /// Keyed hash of the digits.
    pub code_hash: String,
    /// Expiry.
    pub expires_at: Timestamp,
    /// Guesses counted in the window.
    pub attempts: i64,
    /// Codes sent in the window.
    pub sends: i64,
    /// When the window began.
    pub window_started_at: Timestamp,
}

/// What a guess found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeAttempt {
    /// No code was ever sent (or it was used).
    Missing,
    /// The window's guesses are used up.
    Exhausted,
    /// The guess was counted; here is the code to compare with.
    Counted(CodeRecord),
}

/// A right code, to be used up by the write it allows (`UserWrite::consume_code`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeUse {
    /// Purpose.
    pub purpose: CodePurpose,
    /// The hash that must still be stored for the write to go through.
    pub code_hash: String,
}

fn context(purpose: CodePurpose, pool: &str, username_key: &str) -> String {
    format!("cognate/code/v1/{}/{pool}/{username_key}", purpose.as_str())
}

impl CodeRecord {
    /// The record for a fresh `code`.
    pub fn new(
        master: &MasterKey,
        purpose: CodePurpose,
        pool: &str,
        username_key: &str,
        code: &Code,
        now: Timestamp,
    ) -> Self {
        CodeRecord {
            purpose,
            code_hash: master.mac(&context(purpose, pool, username_key), code.secret().as_bytes()),
            expires_at: now.plus(purpose.lifetime()),
            attempts: 0,
            sends: 1,
            window_started_at: now,
        }
    }

    /// Whether `guess` is the code (constant time).
    pub fn matches(&self, master: &MasterKey, pool: &str, username_key: &str, guess: &str) -> bool {
        let h = master.mac(&context(self.purpose, pool, username_key), guess.trim().as_bytes());
        crate::crypto::ct_eq(h.as_bytes(), self.code_hash.as_bytes())
    }
}
