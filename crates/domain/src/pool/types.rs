//! Value types of pools, with the limits of the Cognito API reference
//! (`UserPoolIdType`: 1-55 chars, `[\w-]+_[0-9a-zA-Z]+`; `UserPoolNameType`: 1-128 chars,
//! `[\w\s+=,.@-]+`).

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// An AWS-style region name such as `us-east-1`, used in Cognito-style ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region(String);

/// Why a region name is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a region looks like us-east-1 (lower-case words and a number, joined by '-')")]
pub struct RegionError;

impl Region {
    /// Parses `s`.
    pub fn parse(s: &str) -> Result<Self, RegionError> {
        let parts: Vec<&str> = s.split('-').collect();
        let ok = parts.len() >= 3
            && s.len() <= 32
            && parts[..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
            && parts.last().is_some_and(|n| !n.is_empty() && n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit()));
        if ok {
            Ok(Region(s.to_owned()))
        } else {
            Err(RegionError)
        }
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A user pool id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UserPoolId(String);

impl UserPoolId {
    /// A fresh id in `region`: the region, `_`, nine random alphanumerics.
    pub fn generate(region: &Region) -> Self {
        UserPoolId(format!("{}_{}", region.as_str(), crate::crypto::random_chars(9, ALNUM)))
    }

    /// Parses an id against the API reference's pattern.
    pub fn parse(s: &str) -> Option<Self> {
        let (prefix, suffix) = s.rsplit_once('_')?;
        let ok = (1..=55).contains(&s.len())
            && !prefix.is_empty()
            && prefix.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            && !suffix.is_empty()
            && suffix.bytes().all(|b| b.is_ascii_alphanumeric());
        ok.then(|| UserPoolId(s.to_owned()))
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for UserPoolId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A pool's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolName(String);

/// Why a pool name is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PoolNameError {
    /// Empty after trimming.
    #[error("enter a pool name")]
    Empty,
    /// Over 128 characters.
    #[error("a pool name has at most 128 characters")]
    TooLong,
    /// A character outside letters, digits, spaces and + = , . @ - _.
    #[error("a pool name may contain letters, digits, spaces and + = , . @ - _ only")]
    BadCharacter,
}

impl PoolName {
    /// Parses `s` (surrounding spaces are dropped).
    pub fn parse(s: &str) -> Result<Self, PoolNameError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(PoolNameError::Empty);
        }
        if s.chars().count() > 128 {
            return Err(PoolNameError::TooLong);
        }
        let allowed = |c: char| c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=,.@-".contains(c);
        if !s.chars().all(allowed) || s.chars().any(char::is_control) {
            return Err(PoolNameError::BadCharacter);
        }
        Ok(PoolName(s.to_owned()))
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_pool_ids_have_the_cognito_shape_and_parse() {
        let region = Region::parse("eu-west-2").unwrap();
        let id = UserPoolId::generate(&region);
        let (r, rest) = id.as_str().split_once('_').unwrap();
        assert_eq!(r, "eu-west-2");
        assert_eq!(rest.len(), 9);
        assert!(rest.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(UserPoolId::parse(id.as_str()), Some(id));
    }

    #[test]
    fn pool_ids_outside_the_pattern_are_refused() {
        for bad in
            ["", "nounderscore", "us-east-1_", "_abc", "us-east-1_ab-c", &format!("us-east-1_{}", "a".repeat(50))]
        {
            assert_eq!(UserPoolId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn regions_must_look_like_aws_regions() {
        assert!(Region::parse("us-east-1").is_ok());
        assert!(Region::parse("ap-southeast-2").is_ok());
        assert!(Region::parse("us-gov-west-1").is_ok());
        for bad in ["", "us", "us-east", "US-east-1", "us-east-x", "us--1"] {
            assert_eq!(Region::parse(bad), Err(RegionError), "{bad}");
        }
    }

    #[test]
    fn pool_names_follow_the_api_reference() {
        assert_eq!(PoolName::parse("  My pool_1 +=,.@- ").unwrap().as_str(), "My pool_1 +=,.@-");
        assert_eq!(PoolName::parse("   "), Err(PoolNameError::Empty));
        assert_eq!(PoolName::parse(&"a".repeat(129)), Err(PoolNameError::TooLong));
        assert_eq!(PoolName::parse("a/b"), Err(PoolNameError::BadCharacter));
        assert_eq!(PoolName::parse("<script>"), Err(PoolNameError::BadCharacter));
    }
}
