//! A user pool's settings, as Cognito defines them, with the rules that tie them
//! together. Settings Cognate stores and returns but does not act on (yet) ride along
//! in `passthrough`, so DescribeUserPool gives back what CreateUserPool was given.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Password rules for pool users.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    /// 6 to 99.
    pub minimum_length: u32,
    /// Needs an upper-case letter.
    pub require_uppercase: bool,
    /// Needs a lower-case letter.
    pub require_lowercase: bool,
    /// Needs a digit.
    pub require_numbers: bool,
    /// Needs one of Cognito's symbols.
    pub require_symbols: bool,
    /// How long an administrator-set temporary password works, 0 to 365 days.
    pub temporary_password_validity_days: u32,
    /// How many earlier passwords a new one may not repeat, 0 to 24.
    pub password_history_size: u32,
}

impl Default for PasswordPolicy {
    /// Cognito's defaults.
    fn default() -> Self {
        PasswordPolicy {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            temporary_password_validity_days: 7,
            password_history_size: 0,
        }
    }
}

/// Cognito's password symbols (`^ $ * . [ ] { } ( ) ? " ! @ # % & / \ , > < ' : ; | _ ~ ` = + -` and space).
pub const PASSWORD_SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

impl PasswordPolicy {
    /// The rules in words with a short code each (`min:8`, `lower`, `upper`, `digit`,
    /// `symbol`), for sign-up and reset forms.
    pub fn describe(&self) -> Vec<(String, String)> {
        let mut v =
            vec![(format!("min:{}", self.minimum_length), format!("At least {} characters", self.minimum_length))];
        if self.require_lowercase {
            v.push(("lower".into(), "A lower-case letter".into()));
        }
        if self.require_uppercase {
            v.push(("upper".into(), "An upper-case letter".into()));
        }
        if self.require_numbers {
            v.push(("digit".into(), "A number".into()));
        }
        if self.require_symbols {
            v.push(("symbol".into(), "A symbol such as ! @ # $ % ^ & *".into()));
        }
        v
    }

    /// What `password` lacks, as Cognito words it; `None` when it complies.
    pub fn violation(&self, password: &str) -> Option<String> {
        let n = password.chars().count();
        if n < self.minimum_length as usize {
            return Some("Password did not conform with policy: Password not long enough".into());
        }
        if self.require_lowercase && !password.chars().any(|c| c.is_lowercase()) {
            return Some("Password did not conform with policy: Password must have lowercase characters".into());
        }
        if self.require_uppercase && !password.chars().any(|c| c.is_uppercase()) {
            return Some("Password did not conform with policy: Password must have uppercase characters".into());
        }
        if self.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            return Some("Password did not conform with policy: Password must have numeric characters".into());
        }
        if self.require_symbols && !password.chars().any(|c| PASSWORD_SYMBOLS.contains(c)) {
            return Some("Password did not conform with policy: Password must have symbol characters".into());
        }
        if password.starts_with(' ') || password.ends_with(' ') {
            return Some("Password did not conform with policy: Password must not begin or end with a space".into());
        }
        None
    }
}

/// An attribute users may sign in with besides (or instead of) their user name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInAttribute {
    /// `email`
    Email,
    /// `phone_number`
    PhoneNumber,
    /// `preferred_username` (alias only)
    PreferredUsername,
}

impl SignInAttribute {
    /// The attribute's name.
    pub fn name(self) -> &'static str {
        match self {
            SignInAttribute::Email => "email",
            SignInAttribute::PhoneNumber => "phone_number",
            SignInAttribute::PreferredUsername => "preferred_username",
        }
    }

    /// Parses an attribute name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "email" => Some(SignInAttribute::Email),
            "phone_number" => Some(SignInAttribute::PhoneNumber),
            "preferred_username" => Some(SignInAttribute::PreferredUsername),
            _ => None,
        }
    }
}

/// Type of an attribute's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttributeType {
    /// Text.
    String,
    /// A number, stored as text.
    Number,
    /// A date and time, stored as text.
    DateTime,
    /// `true` / `false`.
    Boolean,
}

impl AttributeType {
    /// Cognito's name.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeType::String => "String",
            AttributeType::Number => "Number",
            AttributeType::DateTime => "DateTime",
            AttributeType::Boolean => "Boolean",
        }
    }

    /// Parses Cognito's name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "String" => Some(AttributeType::String),
            "Number" => Some(AttributeType::Number),
            "DateTime" => Some(AttributeType::DateTime),
            "Boolean" => Some(AttributeType::Boolean),
            _ => None,
        }
    }
}

/// One attribute of the pool's schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaAttribute {
    /// Full name: `email`, `custom:tier`, `dev:custom:note`.
    pub name: String,
    /// Value type.
    pub data_type: AttributeType,
    /// Only readable and writable with admin credentials.
    pub developer_only: bool,
    /// May change after creation.
    pub mutable: bool,
    /// Must be given at sign-up.
    pub required: bool,
    /// String length bounds.
    pub min_length: Option<u64>,
    /// String length bounds.
    pub max_length: Option<u64>,
    /// Number bounds.
    pub min_value: Option<i64>,
    /// Number bounds.
    pub max_value: Option<i64>,
}

impl SchemaAttribute {
    /// Whether this is a `custom:` (or `dev:custom:`) attribute.
    pub fn is_custom(&self) -> bool {
        self.name.starts_with("custom:") || self.name.starts_with("dev:custom:")
    }

    /// Why `value` does not fit this attribute, if it does not.
    pub fn value_violation(&self, value: &str) -> Option<String> {
        let n = value.chars().count() as u64;
        match self.data_type {
            AttributeType::String | AttributeType::DateTime => {
                if self.min_length.is_some_and(|m| n < m) || self.max_length.is_some_and(|m| n > m) {
                    return Some(format!(
                        "String attribute {} does not fit its length limits ({}-{}).",
                        self.name,
                        self.min_length.unwrap_or(0),
                        self.max_length.unwrap_or(2048)
                    ));
                }
            }
            AttributeType::Number => {
                let Ok(v) = value.trim().parse::<i64>() else {
                    return Some(format!("Number attribute {} must be a whole number.", self.name));
                };
                if self.min_value.is_some_and(|m| v < m) || self.max_value.is_some_and(|m| v > m) {
                    return Some(format!("Number attribute {} is out of its range.", self.name));
                }
            }
            AttributeType::Boolean => {
                if value != "true" && value != "false" {
                    return Some(format!("Boolean attribute {} must be true or false.", self.name));
                }
            }
        }
        None
    }
}

/// Cognito's standard attributes: (name, type, mutable, max length).
pub const STANDARD_ATTRIBUTES: &[(&str, AttributeType, bool)] = &[
    ("sub", AttributeType::String, false),
    ("name", AttributeType::String, true),
    ("given_name", AttributeType::String, true),
    ("family_name", AttributeType::String, true),
    ("middle_name", AttributeType::String, true),
    ("nickname", AttributeType::String, true),
    ("preferred_username", AttributeType::String, true),
    ("profile", AttributeType::String, true),
    ("picture", AttributeType::String, true),
    ("website", AttributeType::String, true),
    ("email", AttributeType::String, true),
    ("email_verified", AttributeType::Boolean, true),
    ("gender", AttributeType::String, true),
    ("birthdate", AttributeType::String, true),
    ("zoneinfo", AttributeType::String, true),
    ("locale", AttributeType::String, true),
    ("phone_number", AttributeType::String, true),
    ("phone_number_verified", AttributeType::Boolean, true),
    ("address", AttributeType::String, true),
    ("updated_at", AttributeType::Number, true),
];

/// The standard schema as DescribeUserPool reports it before any customisation.
pub fn standard_schema() -> Vec<SchemaAttribute> {
    STANDARD_ATTRIBUTES
        .iter()
        .map(|(name, ty, mutable)| {
            let (min_length, max_length) = match (ty, *name) {
                (AttributeType::String, "sub") => (Some(1), Some(2048)),
                (AttributeType::String, "birthdate") => (Some(10), Some(10)),
                (AttributeType::String, _) => (Some(0), Some(2048)),
                _ => (None, None),
            };
            let min_value = (*ty == AttributeType::Number).then_some(0);
            SchemaAttribute {
                name: (*name).to_owned(),
                data_type: *ty,
                developer_only: false,
                mutable: *mutable,
                required: *name == "sub",
                min_length,
                max_length,
                min_value,
                max_value: None,
            }
        })
        .collect()
}

/// How a pool's MFA works.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MfaMode {
    /// No MFA.
    #[default]
    Off,
    /// Every user.
    On,
    /// Users who set it up.
    Optional,
}

/// The second factors a pool offers (`SetUserPoolMfaConfig`).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MfaFactors {
    /// `SoftwareTokenMfaConfiguration.Enabled`.
    #[serde(default)]
    pub software_token: bool,
    /// SMS codes (`SmsMfaConfiguration` given).
    #[serde(default)]
    pub sms: bool,
    /// E-mail codes (`EmailMfaConfiguration` given).
    #[serde(default)]
    pub email: bool,
    /// `EmailMfaConfiguration.Subject`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_subject: Option<String>,
    /// `EmailMfaConfiguration.Message` with `{####}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_message: Option<String>,
}

impl MfaFactors {
    /// Whether the pool offers `f`.
    pub fn offers(&self, f: crate::auth::MfaFactor) -> bool {
        match f {
            crate::auth::MfaFactor::SoftwareToken => self.software_token,
            crate::auth::MfaFactor::Sms => self.sms,
            crate::auth::MfaFactor::Email => self.email,
        }
    }

    /// The MFA e-mail (subject, body) with Cognito's defaults.
    pub fn email_template(&self) -> (String, String) {
        (
            self.email_subject.clone().unwrap_or_else(|| "Your sign-in code".into()),
            self.email_message.clone().unwrap_or_else(|| "Your authentication code is {####}. ".into()),
        )
    }
}

/// An account recovery channel with its priority (1 first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryOption {
    /// `verified_email`, `verified_phone_number` or `admin_only`.
    pub name: String,
    /// 1 or 2.
    pub priority: u32,
}

/// Message templates with Cognito's `{####}` (code) and `{username}` placeholders.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Templates {
    /// Verification email subject.
    pub verification_email_subject: Option<String>,
    /// Verification email body with `{####}`.
    pub verification_email_message: Option<String>,
    /// Verification SMS with `{####}`.
    pub verification_sms_message: Option<String>,
    /// `CONFIRM_WITH_CODE` (default) or `CONFIRM_WITH_LINK`.
    pub default_email_option: Option<String>,
    /// Link-style email subject.
    pub verification_email_subject_by_link: Option<String>,
    /// Link-style email body with `{##Verify Email##}`.
    pub verification_email_message_by_link: Option<String>,
    /// Invitation email subject.
    pub invite_email_subject: Option<String>,
    /// Invitation email body with `{username}` and `{####}`.
    pub invite_email_message: Option<String>,
    /// Invitation SMS.
    pub invite_sms_message: Option<String>,
    /// MFA SMS with `{####}`.
    pub sms_authentication_message: Option<String>,
}

impl Templates {
    /// The verification email (subject, body) with Cognito's defaults.
    pub fn verification_email(&self) -> (String, String) {
        (
            self.verification_email_subject.clone().unwrap_or_else(|| "Your verification code".into()),
            self.verification_email_message.clone().unwrap_or_else(|| "Your verification code is {####}. ".into()),
        )
    }

    /// The invitation email (subject, body) with Cognito's defaults.
    pub fn invite_email(&self) -> (String, String) {
        (
            self.invite_email_subject.clone().unwrap_or_else(|| "Your temporary password".into()),
            self.invite_email_message
                .clone()
                .unwrap_or_else(|| "Your username is {username} and temporary password is {####}. ".into()),
        )
    }

    /// The verification SMS with Cognito's default.
    pub fn verification_sms(&self) -> String {
        self.verification_sms_message.clone().unwrap_or_else(|| "Your verification code is {####}. ".into())
    }

    /// The invitation SMS with Cognito's default.
    pub fn invite_sms(&self) -> String {
        self.invite_sms_message
            .clone()
            .unwrap_or_else(|| "Your username is {username} and temporary password is {####}. ".into())
    }
}

/// Every setting of a pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolConfig {
    /// Password rules.
    pub password_policy: PasswordPolicy,
    /// Attributes that replace the user name (sign-up takes an email or phone as name).
    pub username_attributes: Vec<SignInAttribute>,
    /// Attributes that can sign in besides the user name.
    pub alias_attributes: Vec<SignInAttribute>,
    /// `UsernameConfiguration.CaseSensitive`; `None` when not configured (case-sensitive).
    pub case_sensitive: Option<bool>,
    /// Standard and custom attributes.
    pub schema: Vec<SchemaAttribute>,
    /// `email` / `phone_number`: a code is sent to verify them on sign-up.
    pub auto_verified_attributes: Vec<String>,
    /// Message templates.
    pub templates: Templates,
    /// Only administrators create users (no self sign-up).
    pub allow_admin_create_user_only: bool,
    /// Days an invitation's temporary password lasts (`UnusedAccountValidityDays`, legacy).
    pub unused_account_validity_days: Option<u32>,
    /// Account recovery channels.
    pub account_recovery: Vec<RecoveryOption>,
    /// Attributes whose new value only takes effect once verified.
    pub attributes_require_verification_before_update: Vec<String>,
    /// MFA mode.
    pub mfa: MfaMode,
    /// The factors MFA may use.
    #[serde(default)]
    pub mfa_factors: MfaFactors,
    /// `DeviceConfiguration`: devices are tracked when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub devices: Option<crate::user::DeviceSettings>,
    /// Refuse deletion while set.
    pub deletion_protection: bool,
    /// Other settings, in their wire form, stored and returned as given.
    pub passthrough: BTreeMap<String, serde_json::Value>,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            password_policy: PasswordPolicy::default(),
            username_attributes: Vec::new(),
            alias_attributes: Vec::new(),
            case_sensitive: None,
            schema: standard_schema(),
            auto_verified_attributes: Vec::new(),
            templates: Templates::default(),
            allow_admin_create_user_only: false,
            unused_account_validity_days: None,
            account_recovery: Vec::new(),
            attributes_require_verification_before_update: Vec::new(),
            mfa: MfaMode::Off,
            mfa_factors: MfaFactors::default(),
            devices: None,
            deletion_protection: false,
            passthrough: BTreeMap::new(),
        }
    }
}

/// A setting breaks a rule; the message says which.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// A schema entry as requested (CreateUserPool / AddCustomAttributes).
#[derive(Clone, Debug, Default)]
pub struct SchemaRequest {
    /// Name without `custom:` for custom attributes.
    pub name: String,
    /// Value type (default String).
    pub data_type: Option<AttributeType>,
    /// Admin-only.
    pub developer_only: Option<bool>,
    /// Mutable (default true).
    pub mutable: Option<bool>,
    /// Required (standard attributes only).
    pub required: Option<bool>,
    /// Bounds as given (text, as on the wire).
    pub min_length: Option<String>,
    /// Bounds as given.
    pub max_length: Option<String>,
    /// Bounds as given.
    pub min_value: Option<String>,
    /// Bounds as given.
    pub max_value: Option<String>,
}

/// Most custom attributes a pool may have.
pub const MAX_CUSTOM_ATTRIBUTES: usize = 50;

impl PoolConfig {
    /// Whether user names compare without regard to case.
    pub fn case_insensitive(&self) -> bool {
        self.case_sensitive == Some(false)
    }

    /// The schema entry named `name`.
    pub fn attribute(&self, name: &str) -> Option<&SchemaAttribute> {
        self.schema.iter().find(|a| a.name == name)
    }

    /// Applies requested schema entries. With `creating`, entries named like a standard
    /// attribute change its `required`/`mutable`/bounds; every other entry becomes a
    /// `custom:` attribute.
    pub fn apply_schema(&mut self, entries: &[SchemaRequest], creating: bool) -> Result<(), ConfigError> {
        for e in entries {
            let parse_u = |v: &Option<String>, what: &str| -> Result<Option<u64>, ConfigError> {
                v.as_deref()
                    .map(|s| {
                        s.trim().parse::<u64>().map_err(|_| ConfigError(format!("{what} must be a whole number.")))
                    })
                    .transpose()
            };
            let parse_i = |v: &Option<String>, what: &str| -> Result<Option<i64>, ConfigError> {
                v.as_deref()
                    .map(|s| {
                        s.trim().parse::<i64>().map_err(|_| ConfigError(format!("{what} must be a whole number.")))
                    })
                    .transpose()
            };
            let min_length = parse_u(&e.min_length, "MinLength")?;
            let max_length = parse_u(&e.max_length, "MaxLength")?;
            let min_value = parse_i(&e.min_value, "MinValue")?;
            let max_value = parse_i(&e.max_value, "MaxValue")?;
            if max_length.is_some_and(|m| m > 2048) {
                return Err(ConfigError("MaxLength must be at most 2048.".into()));
            }
            if let (Some(a), Some(b)) = (min_length, max_length) {
                if a > b {
                    return Err(ConfigError("MinLength must not exceed MaxLength.".into()));
                }
            }
            if let (Some(a), Some(b)) = (min_value, max_value) {
                if a > b {
                    return Err(ConfigError("MinValue must not exceed MaxValue.".into()));
                }
            }
            // At creation a standard attribute's name customises it; AddCustomAttributes
            // always adds `custom:` attributes.
            let standard =
                if creating { self.schema.iter_mut().find(|a| a.name == e.name && !a.is_custom()) } else { None };
            if let Some(std) = standard {
                if e.name == "sub" {
                    continue;
                }
                if let Some(t) = e.data_type {
                    if t != std.data_type {
                        return Err(ConfigError(format!(
                            "The data type of standard attribute {} cannot be changed.",
                            e.name
                        )));
                    }
                }
                if let Some(r) = e.required {
                    std.required = r;
                }
                if let Some(m) = e.mutable {
                    std.mutable = m;
                }
                if min_length.is_some() {
                    std.min_length = min_length;
                }
                if max_length.is_some() {
                    std.max_length = max_length;
                }
                continue;
            }
            let chars = e.name.chars().count();
            if !(1..=20).contains(&chars) || e.name.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(ConfigError(format!(
                    "Custom attribute name {:?} must be 1 to 20 characters without spaces.",
                    e.name
                )));
            }
            if e.required == Some(true) {
                return Err(ConfigError("Required custom attributes are not supported currently.".into()));
            }
            let dev = e.developer_only.unwrap_or(false);
            let name = if dev { format!("dev:custom:{}", e.name) } else { format!("custom:{}", e.name) };
            if self.schema.iter().any(|a| {
                a.name == name || a.name == format!("custom:{}", e.name) || a.name == format!("dev:custom:{}", e.name)
            }) {
                return Err(ConfigError(format!("Existing attribute already has name {name}.")));
            }
            if self.schema.iter().filter(|a| a.is_custom()).count() >= MAX_CUSTOM_ATTRIBUTES {
                return Err(ConfigError(format!("A pool may have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes.")));
            }
            let data_type = e.data_type.unwrap_or(AttributeType::String);
            let string_like = matches!(data_type, AttributeType::String | AttributeType::DateTime);
            self.schema.push(SchemaAttribute {
                name,
                data_type,
                developer_only: dev,
                mutable: e.mutable.unwrap_or(true),
                required: false,
                min_length: if string_like { min_length.or(Some(0)) } else { None },
                max_length: if string_like { max_length.or(Some(2048)) } else { None },
                min_value: if data_type == AttributeType::Number { min_value } else { None },
                max_value: if data_type == AttributeType::Number { max_value } else { None },
            });
        }
        Ok(())
    }

    /// Checks the rules that tie settings together.
    pub fn check(&self) -> Result<(), ConfigError> {
        let p = &self.password_policy;
        if !(6..=99).contains(&p.minimum_length) {
            return Err(ConfigError("MinimumLength must be between 6 and 99.".into()));
        }
        if p.temporary_password_validity_days > 365 || p.password_history_size > 24 {
            return Err(ConfigError("Password policy values are out of range.".into()));
        }
        if !self.username_attributes.is_empty() && !self.alias_attributes.is_empty() {
            return Err(ConfigError("Only one of the username attributes and the alias attributes can be set.".into()));
        }
        if self.username_attributes.contains(&SignInAttribute::PreferredUsername) {
            return Err(ConfigError("preferred_username cannot be a username attribute.".into()));
        }
        for a in &self.auto_verified_attributes {
            if a != "email" && a != "phone_number" {
                return Err(ConfigError(format!("{a} cannot be verified automatically.")));
            }
        }
        for a in &self.attributes_require_verification_before_update {
            if !self.auto_verified_attributes.contains(a) {
                return Err(ConfigError(format!(
                    "{a} must be an auto-verified attribute to require verification before update."
                )));
            }
        }
        let mut priorities: Vec<u32> = self.account_recovery.iter().map(|r| r.priority).collect();
        priorities.sort_unstable();
        priorities.dedup();
        if priorities.len() != self.account_recovery.len() {
            return Err(ConfigError("Account recovery priorities must differ.".into()));
        }
        if self.account_recovery.iter().any(|r| r.name == "admin_only") && self.account_recovery.len() > 1 {
            return Err(ConfigError("admin_only cannot be combined with another recovery mechanism.".into()));
        }
        self.check_mfa()
    }

    /// MFA: a mode other than OFF needs a factor to ask for; code templates hold the code.
    fn check_mfa(&self) -> Result<(), ConfigError> {
        let f = &self.mfa_factors;
        if self.mfa != MfaMode::Off && !(f.software_token || f.sms || f.email) {
            return Err(ConfigError(
                "At least one of SMS, TOTP or email MFA must be enabled when MfaConfiguration is ON or OPTIONAL."
                    .into(),
            ));
        }
        if self.templates.sms_authentication_message.as_deref().is_some_and(|m| !m.contains("{####}")) {
            return Err(ConfigError("SmsAuthenticationMessage must contain {####}.".into()));
        }
        if f.email_message.as_deref().is_some_and(|m| !m.contains("{####}")) {
            return Err(ConfigError("EmailMfaConfiguration.Message must contain {####}.".into()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_is_cognitos() {
        let p = PasswordPolicy::default();
        assert_eq!(p.violation("Passw0rd!"), None);
        assert!(p.violation("Pw0!").unwrap().contains("not long enough"));
        assert!(p.violation("PASSW0RD!").unwrap().contains("lowercase"));
        assert!(p.violation("passw0rd!").unwrap().contains("uppercase"));
        assert!(p.violation("Password!").unwrap().contains("numeric"));
        assert!(p.violation("Passw0rdd").unwrap().contains("symbol"));
        let relaxed = PasswordPolicy { require_symbols: false, require_uppercase: false, ..p };
        assert_eq!(relaxed.violation("passw0rd"), None);
    }

    #[test]
    fn custom_attribute_names_are_short_and_without_spaces() {
        let mut c = PoolConfig::default();
        for bad in ["", "has space", "twenty-one-characters"] {
            let e = c.apply_schema(&[SchemaRequest { name: bad.into(), ..Default::default() }], false).unwrap_err();
            assert!(e.0.contains("1 to 20 characters"), "{bad}: {e}");
        }
        c.apply_schema(&[SchemaRequest { name: "twenty-characters-ok".into(), ..Default::default() }], false).unwrap();
        assert!(c.attribute("custom:twenty-characters-ok").is_some());
    }

    #[test]
    fn custom_attributes_are_prefixed_and_cannot_be_required() {
        let mut c = PoolConfig::default();
        c.apply_schema(
            &[
                SchemaRequest {
                    name: "tier".into(),
                    data_type: Some(AttributeType::String),
                    max_length: Some("10".into()),
                    ..Default::default()
                },
                SchemaRequest {
                    name: "score".into(),
                    data_type: Some(AttributeType::Number),
                    min_value: Some("0".into()),
                    max_value: Some("100".into()),
                    ..Default::default()
                },
                SchemaRequest { name: "email".into(), required: Some(true), ..Default::default() },
            ],
            true,
        )
        .unwrap();
        assert!(c.attribute("custom:tier").is_some());
        assert!(c.attribute("email").unwrap().required);
        assert!(c.attribute("custom:score").unwrap().value_violation("101").is_some());
        assert_eq!(c.attribute("custom:score").unwrap().value_violation("50"), None);
        assert!(c.attribute("custom:tier").unwrap().value_violation(&"x".repeat(11)).is_some());
        let e = c.apply_schema(&[SchemaRequest { name: "x".into(), required: Some(true), ..Default::default() }], true);
        assert_eq!(e.unwrap_err().0, "Required custom attributes are not supported currently.");
        let e = c.apply_schema(&[SchemaRequest { name: "tier".into(), ..Default::default() }], false);
        assert!(e.is_err(), "duplicate custom attribute");
    }

    #[test]
    fn username_and_alias_attributes_exclude_each_other() {
        let c = PoolConfig {
            username_attributes: vec![SignInAttribute::Email],
            alias_attributes: vec![SignInAttribute::PhoneNumber],
            ..Default::default()
        };
        assert!(c.check().is_err());
        let c = PoolConfig { auto_verified_attributes: vec!["name".into()], ..Default::default() };
        assert!(c.check().is_err());
        assert!(PoolConfig::default().check().is_ok());
    }
}
