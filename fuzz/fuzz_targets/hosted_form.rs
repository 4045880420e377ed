//! A hosted page's form post: the urlencoded body, the authorization request in its
//! hidden fields, and the user-name rule applied to what was typed.
#![no_main]
use cognate_server::oauth::hosted::{form_fields, params_from};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let form = form_fields(data);
    let _ = params_from(&form);
    if let Some(name) = form.get("username") {
        let _ = cognate_domain::user::check_username(name.trim());
    }
});
