//! The one-time setup token: printed in the log at start-up when no operator exists and
//! none is bootstrapped, required by the setup form, and gone once setup succeeds or an
//! hour has passed (SECURITY.md A-13: a token left in an old log must not open a
//! forgotten server; a restart prints a new one). Only its SHA-256 is kept in memory;
//! comparison is constant-time.

use domain::clock::Timestamp;
use domain::crypto::{ct_eq, random_token, sha256_hex};
use std::sync::Mutex;
use std::time::Duration;

/// How long a setup token works.
pub const SETUP_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// Holds the digest of the current setup token and when it expires, if setup is open.
#[derive(Default)]
pub struct SetupGate(Mutex<Option<(String, Timestamp)>>);

impl SetupGate {
    /// Opens setup at `now`; returns the token to print.
    pub fn open(&self, now: Timestamp) -> String {
        let token = random_token(24);
        if let Ok(mut g) = self.0.lock() {
            *g = Some((sha256_hex(token.as_bytes()), now.plus(SETUP_TOKEN_LIFETIME)));
        }
        token
    }

    /// Whether `token` is the current one and has not expired at `now`.
    pub fn check(&self, token: &str, now: Timestamp) -> bool {
        let digest = sha256_hex(token.trim().as_bytes());
        match self.0.lock() {
            Ok(g) => g.as_ref().is_some_and(|(d, until)| now < *until && ct_eq(d.as_bytes(), digest.as_bytes())),
            Err(_) => false,
        }
    }

    /// Closes setup for good.
    pub fn close(&self) {
        if let Ok(mut g) = self.0.lock() {
            *g = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_works_until_setup_closes() {
        let now = Timestamp(1_000);
        let g = SetupGate::default();
        assert!(!g.check("", now));
        let t = g.open(now);
        assert!(g.check(&t, now));
        assert!(!g.check("wrong", now));
        g.close();
        assert!(!g.check(&t, now));
    }

    #[test]
    fn a13_the_token_expires_after_an_hour() {
        let now = Timestamp(1_000);
        let g = SetupGate::default();
        let t = g.open(now);
        assert!(g.check(&t, now.plus(SETUP_TOKEN_LIFETIME - Duration::from_secs(1))));
        assert!(!g.check(&t, now.plus(SETUP_TOKEN_LIFETIME)));
    }
}
