//! Secret values: they print as `Name([redacted])` and expose their content only via `.secret()`.

use std::fmt;

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                $name(value.into())
            }

            /// The secret itself; call only where it is needed.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_type!(
    /// A password as typed by a person.
    Password
);
secret_type!(
    /// Any other secret string: a secret access key, a setup token, a master key in text form.
    SecretString
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print_their_content() {
        let p = Password::new("hunter2");
        assert_eq!(format!("{p:?}"), "Password([redacted])");
        assert_eq!(p.secret(), "hunter2");
        let s = SecretString::new("abc");
        assert_eq!(format!("{s:?}"), "SecretString([redacted])");
    }
}
