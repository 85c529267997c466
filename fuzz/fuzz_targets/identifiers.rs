//! The ID-number, credit-code, verification-code and field validators on arbitrary input:
//! no panic, and whatever is accepted is accepted again in its stored form.
#![no_main]

use attest::domain::{fields, IdNumber, Uscc, VerificationCode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(id) = IdNumber::parse(text) {
        assert_eq!(id.masked().chars().count(), 18);
        assert_eq!(IdNumber::parse(id.expose()).unwrap(), id);
    }
    if let Ok(code) = Uscc::parse(text) {
        assert_eq!(Uscc::parse(code.as_str()).unwrap(), code);
    }
    if let Some(code) = VerificationCode::parse(text) {
        assert_eq!(VerificationCode::parse(&code.display()), Some(code));
    }
    let _ = fields::date(text);
    let _ = fields::phone(text);
    let _ = fields::email(text);
    let _ = fields::email_list(text);
    let _ = fields::station_code(text);
});
