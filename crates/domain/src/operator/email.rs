//! An operator's email address, parsed once at the edge.

/// A syntactically valid email address, trimmed and lower-cased (operators sign in
/// case-insensitively).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why a string is not an email address.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EmailError {
    /// Nothing was given.
    #[error("enter an email address")]
    Empty,
    /// Longer than RFC 5321 allows.
    #[error("an email address has at most 254 characters")]
    TooLong,
    /// Not of the form local@domain.
    #[error("enter an email address like name@example.com")]
    Malformed,
}

impl Email {
    /// Parses `s`.
    pub fn parse(s: &str) -> Result<Self, EmailError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(EmailError::Malformed)?;
        let bad_char = |c: char| c.is_whitespace() || c.is_control() || c == '<' || c == '>';
        if local.is_empty()
            || domain.is_empty()
            || local.contains('@')
            || s.chars().any(bad_char)
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(EmailError::Malformed);
        }
        Ok(Email(s.to_lowercase()))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(Email::parse("  Ops@Example.COM ").unwrap().as_str(), "ops@example.com");
    }

    #[test]
    fn malformed_emails_are_refused() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        for bad in ["no-at", "@example.com", "a@", "a b@c.d", "a@b@c", "a@.com", "a@b..c", "a@b.c."] {
            assert_eq!(Email::parse(bad), Err(EmailError::Malformed), "{bad}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }
}
