//! A client's OAuth 2.0 settings (Cognito's `AllowedOAuthFlows`, `AllowedOAuthScopes`,
//! `CallbackURLs`, ...) and the rules they must follow before they are stored.

use serde::{Deserialize, Serialize};

/// The scopes every pool knows; custom ones are `<resource server>/<scope>`.
pub const STANDARD_SCOPES: &[&str] = &["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"];

/// An OAuth grant a client may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OAuthFlow {
    /// Authorization code (with PKCE).
    Code,
    /// Implicit (tokens in the redirect fragment).
    Implicit,
    /// Client credentials (machine to machine).
    ClientCredentials,
}

impl OAuthFlow {
    /// Cognito's name.
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthFlow::Code => "code",
            OAuthFlow::Implicit => "implicit",
            OAuthFlow::ClientCredentials => "client_credentials",
        }
    }

    /// From Cognito's name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "code" => Some(OAuthFlow::Code),
            "implicit" => Some(OAuthFlow::Implicit),
            "client_credentials" => Some(OAuthFlow::ClientCredentials),
            _ => None,
        }
    }
}

/// OAuth settings of a client.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OAuthSettings {
    /// `AllowedOAuthFlowsUserPoolClient`: the client may use the OAuth endpoints at all.
    pub enabled: bool,
    /// `AllowedOAuthFlows`.
    pub flows: Vec<OAuthFlow>,
    /// `AllowedOAuthScopes`.
    pub scopes: Vec<String>,
    /// `CallbackURLs`: exact redirect URIs.
    pub callback_urls: Vec<String>,
    /// `LogoutURLs`: exact sign-out redirect URIs.
    pub logout_urls: Vec<String>,
    /// `DefaultRedirectURI`.
    pub default_redirect_uri: Option<String>,
    /// `SupportedIdentityProviders` (`COGNITO` for the pool's own directory).
    pub identity_providers: Vec<String>,
}

/// Why OAuth settings were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthSettingsError {
    /// A rule about flows, URLs or providers (Cognito's `InvalidParameterException`).
    #[error("{0}")]
    Invalid(String),
    /// A flow combination Cognito refuses (`InvalidOAuthFlowException`).
    #[error("{0}")]
    Flow(String),
    /// A custom scope no resource server defines (`ScopeDoesNotExistException`).
    #[error("Invalid scope requested: {0}")]
    UnknownScope(String),
}

fn invalid(m: impl Into<String>) -> OAuthSettingsError {
    OAuthSettingsError::Invalid(m.into())
}

/// Checks a callback or sign-out URL: absolute, no fragment, no wildcard, HTTPS except
/// for `http://localhost` (and loopback addresses), or a private-use app scheme
/// (`myapp://cb`); schemes that run code or read local data are refused.
pub fn check_redirect_url(raw: &str) -> Result<(), String> {
    if raw.is_empty() || raw.len() > 1024 {
        return Err(format!("{raw:?} must have 1 to 1024 characters."));
    }
    if raw.contains('*') {
        return Err(format!("{raw} contains a wildcard; redirect URLs are matched exactly."));
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{raw:?} contains spaces or control characters."));
    }
    let url = url::Url::parse(raw).map_err(|_| format!("{raw} is not an absolute URL."))?;
    if url.fragment().is_some() {
        return Err(format!("{raw} must not contain a fragment (#)."));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{raw} must not contain credentials."));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            if loopback {
                Ok(())
            } else {
                Err(format!("{raw} must use HTTPS (plain HTTP is allowed only for localhost)."))
            }
        }
        "javascript" | "data" | "file" | "vbscript" | "about" | "blob" | "filesystem" | "ftp" | "ws" | "wss"
        | "chrome" | "view-source" => Err(format!("{raw} uses a scheme that is not allowed for redirects.")),
        // Private-use schemes of native apps (RFC 8252 7.1), e.g. com.example.app:/cb or myapp://cb.
        s if s.contains('.') || url.has_authority() || url.path().starts_with('/') => Ok(()),
        _ => Err(format!("{raw} is not a usable redirect URL.")),
    }
}

impl OAuthSettings {
    /// Checks the rules that need nothing but the settings; `has_secret` says whether the
    /// client is confidential. Custom scopes are checked against the pool's resource
    /// servers by the client service.
    pub fn check(&self, has_secret: bool) -> Result<(), OAuthSettingsError> {
        if self.callback_urls.len() > 100 || self.logout_urls.len() > 100 {
            return Err(invalid("At most 100 callback URLs and 100 sign-out URLs are allowed."));
        }
        if self.scopes.len() > 50 {
            return Err(invalid("At most 50 OAuth scopes are allowed."));
        }
        for u in self.callback_urls.iter().chain(&self.logout_urls) {
            check_redirect_url(u).map_err(invalid)?;
        }
        if let Some(d) = &self.default_redirect_uri {
            check_redirect_url(d).map_err(invalid)?;
            if !self.callback_urls.contains(d) {
                return Err(invalid("DefaultRedirectURI must be one of the CallbackURLs."));
            }
        }
        for p in &self.identity_providers {
            if p != "COGNITO" {
                return Err(invalid(format!("The provider {p} does not exist for User Pool.")));
            }
        }
        let cc = self.flows.contains(&OAuthFlow::ClientCredentials);
        if cc && self.flows.len() > 1 {
            return Err(OAuthSettingsError::Flow(
                "client_credentials flow can not be selected along with code flow or implicit flow.".into(),
            ));
        }
        if cc && !has_secret {
            return Err(OAuthSettingsError::Flow(
                "client_credentials flow can not be selected if client does not have a client secret.".into(),
            ));
        }
        if cc {
            if let Some(s) = self.scopes.iter().find(|s| !s.contains('/')) {
                return Err(OAuthSettingsError::Flow(format!(
                    "{s} scope is not allowed with client_credentials; only custom scopes are."
                )));
            }
        }
        if self.enabled {
            if self.flows.is_empty() {
                return Err(invalid("AllowedOAuthFlows is required when AllowedOAuthFlowsUserPoolClient is true."));
            }
            if self.scopes.is_empty() {
                return Err(invalid("AllowedOAuthScopes is required when AllowedOAuthFlowsUserPoolClient is true."));
            }
            if !cc && self.callback_urls.is_empty() {
                return Err(invalid("CallbackURLs is required for the code and implicit flows."));
            }
        }
        for s in &self.scopes {
            if !s.contains('/') && !STANDARD_SCOPES.contains(&s.as_str()) {
                return Err(OAuthSettingsError::UnknownScope(s.clone()));
            }
        }
        if self.scopes.iter().any(|s| s != "openid" && ["email", "phone", "profile"].contains(&s.as_str()))
            && !self.scopes.iter().any(|s| s == "openid")
        {
            return Err(invalid("The email, phone and profile scopes require the openid scope."));
        }
        Ok(())
    }

    /// Whether the client may use `flow` now.
    pub fn allows(&self, flow: OAuthFlow) -> bool {
        self.enabled && self.flows.contains(&flow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_urls_follow_the_rules() {
        for ok in [
            "https://app.example.com/cb",
            "https://app.example.com/cb?x=1",
            "http://localhost:3000/cb",
            "http://127.0.0.1/cb",
            "myapp://callback",
            "com.example.app:/oauth2redirect",
        ] {
            assert_eq!(check_redirect_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "http://app.example.com/cb",
            "https://*.example.com/cb",
            "https://app.example.com/cb#frag",
            "javascript:alert(1)",
            "data:text/html,hi",
            "file:///etc/passwd",
            "/relative",
            "https://user:pw@app.example.com/",
            "",
        ] {
            assert!(check_redirect_url(bad).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn flows_scopes_and_urls_are_checked_together() {
        let web = OAuthSettings {
            enabled: true,
            flows: vec![OAuthFlow::Code],
            scopes: vec!["openid".into(), "email".into()],
            callback_urls: vec!["https://a.example/cb".into()],
            ..Default::default()
        };
        assert_eq!(web.check(false), Ok(()));
        let no_cb = OAuthSettings { callback_urls: vec![], ..web.clone() };
        assert!(no_cb.check(false).is_err());
        let cc = OAuthSettings {
            enabled: true,
            flows: vec![OAuthFlow::ClientCredentials],
            scopes: vec!["api/read".into()],
            ..Default::default()
        };
        assert_eq!(cc.check(true), Ok(()));
        assert!(matches!(cc.check(false), Err(OAuthSettingsError::Flow(_))), "needs a secret");
        let mixed = OAuthSettings { flows: vec![OAuthFlow::Code, OAuthFlow::ClientCredentials], ..cc.clone() };
        assert!(matches!(mixed.check(true), Err(OAuthSettingsError::Flow(_))));
        let bad_default = OAuthSettings { default_redirect_uri: Some("https://other.example/".into()), ..web.clone() };
        assert!(bad_default.check(false).is_err());
        let email_only = OAuthSettings { scopes: vec!["email".into()], ..web };
        assert!(email_only.check(false).is_err());
    }
}
