//! Serialisable view types: what pages show, built from domain values on the server.

use serde::{Deserialize, Serialize};

/// A user pool in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolSummary {
    /// Pool id.
    pub id: String,
    /// Pool name.
    pub name: String,
    /// Creation time, formatted on the server (UTC).
    pub created: String,
}

/// The signed-in operator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorView {
    /// Email.
    pub email: String,
    /// `administrator` or `viewer`.
    pub role: String,
    /// Whether the role can change things.
    pub can_write: bool,
}

/// What the sign-in page shows besides the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormMessages {
    /// The error of the last attempt, if any.
    pub error: Option<String>,
    /// The email typed last time, to refill the field.
    pub email: Option<String>,
    /// A notice such as "You have signed out."
    pub notice: Option<String>,
}

/// A pool's overview page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolOverviewView {
    /// Pool id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Creation time (UTC).
    pub created: String,
    /// (status, count).
    pub users_by_status: Vec<(String, i64)>,
    /// All users.
    pub users_total: i64,
    /// Groups.
    pub groups: i64,
    /// App clients.
    pub clients: i64,
    /// Token issuer.
    pub issuer: String,
    /// OpenID Connect discovery document.
    pub discovery_url: String,
    /// JWKS.
    pub jwks_url: String,
    /// Deletion protection.
    pub deletion_protection: bool,
    /// Password policy: minimum length and required character classes.
    pub min_length: u32,
    /// Lower-case letter required.
    pub require_lowercase: bool,
    /// Upper-case letter required.
    pub require_uppercase: bool,
    /// Digit required.
    pub require_numbers: bool,
    /// Symbol required.
    pub require_symbols: bool,
    /// Users may sign themselves up.
    pub self_sign_up: bool,
    /// How users sign in, in words.
    pub sign_in: String,
    /// User names compare with case.
    pub case_sensitive: bool,
    /// A code verifies email addresses.
    pub verify_email: bool,
    /// A code verifies phone numbers.
    pub verify_phone: bool,
    /// The old address stays until a new one is verified.
    pub keep_original: bool,
    /// Account recovery choice (`pool_settings::RECOVERY_CHOICES`, "" when not set).
    pub recovery: String,
    /// Standard and custom attributes.
    pub attributes: Vec<AttributeView>,
    /// Key ids in the JWKS, the signing one first.
    pub signing_keys: Vec<String>,
    /// MFA configuration.
    pub mfa: crate::admin::security::MfaView,
}

/// An attribute of a pool's schema.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeView {
    /// Name (`custom:` prefix for custom attributes).
    pub name: String,
    /// Data type.
    pub data_type: String,
    /// Required at sign-up.
    pub required: bool,
    /// Can change after sign-up.
    pub mutable: bool,
}

/// A user in the users table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRowView {
    /// User name.
    pub username: String,
    /// Email, if any.
    pub email: Option<String>,
    /// Phone number, if any.
    pub phone: Option<String>,
    /// Cognito status.
    pub status: String,
    /// Enabled.
    pub enabled: bool,
    /// Creation time (UTC).
    pub created: String,
}

/// A page of users.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPageView {
    /// The users.
    pub users: Vec<UserRowView>,
    /// Token of the next page.
    pub next: Option<String>,
}

/// One user, in full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetailView {
    /// The row data.
    pub summary: UserRowView,
    /// Every attribute (name, value).
    pub attributes: Vec<(String, String)>,
    /// Groups the user is in.
    pub groups: Vec<String>,
    /// Last change (UTC).
    pub updated: String,
    /// Second factors and devices.
    pub factors: crate::admin::security::FactorsView,
}

/// `YYYY-MM-DD HH:MM UTC` from epoch milliseconds.
#[cfg(feature = "ssr")]
pub fn format_created(ms: i64) -> String {
    convert::format_utc(ms)
}

#[cfg(feature = "ssr")]
mod convert {
    use super::*;

    impl From<&domain::pool::UserPool> for PoolSummary {
        fn from(p: &domain::pool::UserPool) -> Self {
            PoolSummary {
                id: p.id.as_str().to_owned(),
                name: p.name.as_str().to_owned(),
                created: format_utc(p.created_at.millis()),
            }
        }
    }

    impl From<&domain::AdminCtx> for OperatorView {
        fn from(ctx: &domain::AdminCtx) -> Self {
            let (email, role) = match ctx.operator() {
                Some(op) => (op.email.as_str().to_owned(), op.role.as_str().to_owned()),
                None => (ctx.actor(), "api-key".to_owned()),
            };
            OperatorView { email, role, can_write: ctx.for_write().is_ok() }
        }
    }

    impl From<&domain::user::User> for UserRowView {
        fn from(u: &domain::user::User) -> Self {
            UserRowView {
                username: u.username.clone(),
                email: u.attributes.get("email").cloned(),
                phone: u.attributes.get("phone_number").cloned(),
                status: u.status.as_str().to_owned(),
                enabled: u.enabled,
                created: format_utc(u.created_at.millis()),
            }
        }
    }

    /// `YYYY-MM-DD HH:MM UTC` from epoch milliseconds (civil-from-days, H. Hinnant).
    pub fn format_utc(ms: i64) -> String {
        let secs = ms.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        format!("{y:04}-{m:02}-{d:02} {:02}:{:02} UTC", sod / 3600, (sod % 3600) / 60)
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn utc_formatting_matches_known_dates() {
            assert_eq!(super::format_utc(0), "1970-01-01 00:00 UTC");
            assert_eq!(super::format_utc(1_795_307_400_000), "2026-11-22 00:30 UTC");
            assert_eq!(super::format_utc(951_782_400_000), "2000-02-29 00:00 UTC");
        }
    }
}
