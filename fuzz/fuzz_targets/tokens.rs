//! The token parser and the verify input on arbitrary input: no panic, never accepted
//! without the right signature.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let key = jsonwebtoken::DecodingKey::from_ed_components(
        "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    )
    .unwrap();
    let checked = attest::tokens::verify::check_signature(
        text,
        |_| Some(&key),
        Some("https://attest.example"),
    );
    assert!(checked.is_err());
    let _ = attest::verification::VerifyInput::parse(text);
});
