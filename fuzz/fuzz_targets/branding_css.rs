//! The branding stylesheet sanitiser: whatever it accepts imports nothing and is a fixed
//! point (saving the served stylesheet again gives the same stylesheet).
#![no_main]
use libfuzzer_sys::fuzz_target;

/// Whether an `@import` rule stands at the top level of `css` (outside every block and
/// string); inside a declaration value an at-keyword is an invalid value, not a rule.
fn top_level_import(css: &str) -> bool {
    let (mut depth, mut quote) = (0i32, None::<char>);
    let mut chars = css.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{') => depth += 1,
            (None, '}') => depth -= 1,
            (None, '@') if depth == 0 && css[i..].to_ascii_lowercase().starts_with("@import") => return true,
            _ => {}
        }
    }
    false
}

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(clean) = cognate_domain::branding::sanitize_css(s) {
            assert!(!top_level_import(&clean), "{clean}");
            assert_eq!(cognate_domain::branding::sanitize_css(&clean).ok().as_deref(), Some(clean.as_str()));
        }
    }
});
