//! ListUsers' `Filter` grammar (`name = "v"`, `name ^= "v"`, backslash escapes).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(f) = cognate_domain::user::parse_filter(s) {
            // What parses names a searchable attribute.
            assert!(cognate_domain::user::SEARCHABLE.contains(&f.name.as_str()));
        }
    }
});
