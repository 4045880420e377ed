//! The sign-in conversation as a state machine: the challenges a client may be asked to
//! answer, the answers, and what a challenge session remembers between two calls.
//! Challenge names as Cognito spells them live only in the adapter.

pub mod srp;
pub mod totp;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A second factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaFactor {
    /// An authenticator app (TOTP).
    SoftwareToken,
    /// A code by SMS to the verified phone number.
    Sms,
    /// A code by e-mail to the verified address.
    Email,
}

/// What the client must answer next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Challenge {
    /// Prove the password over SRP (`PASSWORD_VERIFIER`).
    PasswordVerifier {
        /// The salt, hex.
        salt: String,
        /// The server's public value `B`, hex.
        srp_b: String,
        /// The opaque block the proof signs, base64.
        secret_block: String,
    },
    /// Choose a new password (`NEW_PASSWORD_REQUIRED`).
    NewPasswordRequired {
        /// Attributes the user must provide, as `userAttributes.name`.
        required_attributes: Vec<String>,
        /// The user's current attributes.
        user_attributes: BTreeMap<String, String>,
    },
    /// A code from the authenticator app (`SOFTWARE_TOKEN_MFA`).
    SoftwareTokenMfa,
    /// A code sent by SMS (`SMS_MFA`), to the masked number.
    SmsMfa {
        /// `+*******1234`.
        destination: String,
    },
    /// A code sent by e-mail (`EMAIL_OTP`), to the masked address.
    EmailOtp {
        /// `a***@e***`.
        destination: String,
    },
    /// Choose one of several factors (`SELECT_MFA_TYPE`).
    SelectMfaType {
        /// The factors to choose from.
        options: Vec<MfaFactor>,
    },
    /// MFA is required and the user has no factor yet (`MFA_SETUP`).
    MfaSetup {
        /// What the user may set up here.
        can_setup: Vec<MfaFactor>,
    },
    /// A remembered device may prove itself instead of MFA (`DEVICE_SRP_AUTH`).
    DeviceSrpAuth,
    /// The device's SRP proof (`DEVICE_PASSWORD_VERIFIER`).
    DevicePasswordVerifier {
        /// The device verifier's salt, hex.
        salt: String,
        /// `B`, hex.
        srp_b: String,
        /// The block the proof signs, base64.
        secret_block: String,
        /// The device.
        device_key: String,
    },
}

/// The step a challenge session waits in: what answer it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// SRP proof.
    PasswordVerifier,
    /// New password.
    NewPasswordRequired,
    /// TOTP code.
    SoftwareTokenMfa,
    /// SMS code.
    SmsMfa,
    /// E-mail code.
    EmailOtp,
    /// Factor choice.
    SelectMfaType,
    /// MFA set-up (AssociateSoftwareToken / VerifySoftwareToken with the session, then
    /// the MFA_SETUP answer).
    MfaSetup,
    /// The device's `SRP_A`.
    DeviceSrpAuth,
    /// The device's proof.
    DevicePasswordVerifier,
}

/// An answer to a challenge, parsed by the adapter from `ChallengeResponses`.
#[derive(Debug)]
pub enum Answer {
    /// `PASSWORD_VERIFIER`.
    PasswordVerifier {
        /// `PASSWORD_CLAIM_SECRET_BLOCK`.
        secret_block: String,
        /// `TIMESTAMP`.
        timestamp: String,
        /// `PASSWORD_CLAIM_SIGNATURE`.
        signature: String,
        /// `DEVICE_KEY`, when the client has a remembered device.
        device_key: Option<String>,
    },
    /// `DEVICE_SRP_AUTH`.
    DeviceSrpAuth {
        /// `DEVICE_KEY`.
        device_key: String,
        /// `SRP_A`.
        srp_a: String,
    },
    /// `DEVICE_PASSWORD_VERIFIER`.
    DevicePasswordVerifier {
        /// `DEVICE_KEY`.
        device_key: String,
        /// `PASSWORD_CLAIM_SECRET_BLOCK`.
        secret_block: String,
        /// `TIMESTAMP`.
        timestamp: String,
        /// `PASSWORD_CLAIM_SIGNATURE`.
        signature: String,
    },
    /// `NEW_PASSWORD_REQUIRED`.
    NewPassword {
        /// `NEW_PASSWORD`.
        password: crate::secret::Password,
        /// `userAttributes.*`.
        attributes: Vec<(String, String)>,
    },
    /// `SOFTWARE_TOKEN_MFA` (`SOFTWARE_TOKEN_MFA_CODE`), `SMS_MFA` (`SMS_MFA_CODE`) or
    /// `EMAIL_OTP` (`EMAIL_OTP_CODE`).
    Code {
        /// Which factor the code is for.
        factor: MfaFactor,
        /// The code.
        code: String,
    },
    /// `SELECT_MFA_TYPE` (`ANSWER`).
    SelectMfaType(MfaFactor),
    /// `MFA_SETUP`, after the software token was verified with the session.
    MfaSetup,
}

impl Answer {
    /// The step this answer is for.
    pub fn step(&self) -> Step {
        match self {
            Answer::PasswordVerifier { .. } => Step::PasswordVerifier,
            Answer::NewPassword { .. } => Step::NewPasswordRequired,
            Answer::Code { factor: MfaFactor::SoftwareToken, .. } => Step::SoftwareTokenMfa,
            Answer::Code { factor: MfaFactor::Sms, .. } => Step::SmsMfa,
            Answer::Code { factor: MfaFactor::Email, .. } => Step::EmailOtp,
            Answer::SelectMfaType(_) => Step::SelectMfaType,
            Answer::MfaSetup => Step::MfaSetup,
            Answer::DeviceSrpAuth { .. } => Step::DeviceSrpAuth,
            Answer::DevicePasswordVerifier { .. } => Step::DevicePasswordVerifier,
        }
    }
}

/// A user's second factors (stored with the user; the TOTP secret sealed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserMfa {
    /// The authenticator secret, sealed with the master key (base64), once associated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<String>,
    /// A secret associated but not verified yet (it replaces `totp_secret` once a code
    /// from it verifies, so re-associating never disables a working authenticator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_pending: Option<String>,
    /// Whether a code from that secret was verified (VerifySoftwareToken).
    #[serde(default)]
    pub totp_verified: bool,
    /// The factors the user turned on.
    #[serde(default)]
    pub enabled: Vec<MfaFactor>,
    /// The factor asked for first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred: Option<MfaFactor>,
    /// Hashes (keyed MACs) of unused recovery codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recovery_codes: Vec<String>,
}

/// How many recovery codes a user gets at a time.
pub const RECOVERY_CODES: usize = 10;
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A fresh recovery code: ten characters from an unambiguous alphabet (about 49 bits),
/// shown as `xxxxx-xxxxx`.
pub fn new_recovery_code() -> String {
    let raw = crate::crypto::random_chars(10, RECOVERY_ALPHABET);
    format!("{}-{}", &raw[..5], &raw[5..])
}

/// The canonical form of a typed recovery code (case, spaces and dashes ignored), or
/// `None` when it cannot be one (six digits are a TOTP code).
pub fn recovery_code_form(typed: &str) -> Option<String> {
    let c: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_lowercase();
    (c.len() == 10 && c.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))).then_some(c)
}

impl UserMfa {
    /// Whether `f` is turned on.
    pub fn has(&self, f: MfaFactor) -> bool {
        self.enabled.contains(&f)
    }

    /// Turns `f` on or off.
    pub fn set(&mut self, f: MfaFactor, on: bool) {
        self.enabled.retain(|x| *x != f);
        if on {
            self.enabled.push(f);
            self.enabled.sort();
        } else if self.preferred == Some(f) {
            self.preferred = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_told_from_totp_codes_and_typed_loosely() {
        let c = new_recovery_code();
        assert_eq!(c.len(), 11);
        assert_eq!(recovery_code_form(&c).map(|f| f.len()), Some(10));
        assert_eq!(recovery_code_form(&c.to_uppercase().replace('-', " ")), recovery_code_form(&c));
        assert_eq!(recovery_code_form("123456"), None, "a TOTP code is not a recovery code");
        assert_eq!(recovery_code_form("abcde-fghi1"), None, "1 is not in the alphabet");
    }
}
