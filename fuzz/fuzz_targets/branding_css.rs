//! The branding stylesheet sanitiser: whatever it accepts loads nothing from elsewhere.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(clean) = cognate_domain::branding::sanitize_css(s) {
            let lower = clean.to_ascii_lowercase();
            assert!(!lower.contains("@import"), "{clean}");
            // Re-sanitising accepted output accepts it again (the output is a fixed point
            // of what is allowed).
            assert!(cognate_domain::branding::sanitize_css(&clean).is_ok(), "{clean}");
        }
    }
});
