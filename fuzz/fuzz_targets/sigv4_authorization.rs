//! The SigV4 `Authorization` header and `X-Amz-Date` parsers.
#![no_main]
use cognate_server::cognito::sigv4::{parse_amz_date, parse_authorization};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = parse_authorization(s);
        let _ = parse_amz_date(s);
    }
});
