//! The one-time setup token: printed in the log at start-up when no operator exists and
//! none is bootstrapped, required by the setup form, and gone once setup succeeds.
//! Only its SHA-256 is kept in memory; comparison is constant-time.

use domain::crypto::{ct_eq, random_token, sha256_hex};
use std::sync::Mutex;

/// Holds the digest of the current setup token, if setup is open.
#[derive(Default)]
pub struct SetupGate(Mutex<Option<String>>);

impl SetupGate {
    /// Opens setup; returns the token to print.
    pub fn open(&self) -> String {
        let token = random_token(24);
        if let Ok(mut g) = self.0.lock() {
            *g = Some(sha256_hex(token.as_bytes()));
        }
        token
    }

    /// Whether `token` is the current one.
    pub fn check(&self, token: &str) -> bool {
        let digest = sha256_hex(token.trim().as_bytes());
        match self.0.lock() {
            Ok(g) => g.as_deref().is_some_and(|d| ct_eq(d.as_bytes(), digest.as_bytes())),
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
        let g = SetupGate::default();
        assert!(!g.check(""));
        let t = g.open();
        assert!(g.check(&t));
        assert!(!g.check("wrong"));
        g.close();
        assert!(!g.check(&t));
    }
}
