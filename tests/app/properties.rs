//! Property tests of the validators and the token parser: arbitrary input never panics, and
//! every well-formed value is accepted.

use attest::domain::fields;
use attest::domain::{IdNumber, Uscc, VerificationCode};
use proptest::prelude::*;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
const USCC: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// The provinces, autonomous regions, municipalities and SARs of GB/T 2260, as published.
const PROVINCES: [u32; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];
/// Registration authority and organisation type pairs of GB 32100-2015 appendix A (and the
/// committees' 54 and 55).
const AUTHORITY_TYPES: [&str; 37] = [
    "11", "12", "13", "19", "21", "29", "31", "32", "33", "34", "35", "39", "41", "49", "51", "52",
    "53", "54", "55", "59", "61", "62", "69", "71", "72", "79", "81", "89", "91", "92", "93", "A1",
    "A9", "N1", "N2", "N3", "Y1",
];

fn id_with_check(body: &str) -> String {
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{body}{}", CHECK[(sum % 11) as usize])
}

fn uscc_with_check(body: &str) -> String {
    let mut weight = 1u32;
    let mut sum = 0u32;
    for c in body.chars() {
        sum += USCC.find(c).unwrap() as u32 * weight;
        weight = weight * 3 % 31;
    }
    let check = (31 - sum % 31) % 31;
    format!("{body}{}", USCC.chars().nth(check as usize).unwrap())
}

proptest! {
    #[test]
    fn id_numbers_never_panic(input in ".{0,40}") {
        let _ = IdNumber::parse(&input);
    }

    #[test]
    fn every_well_formed_id_number_is_accepted_and_masked(
        province in proptest::sample::select(PROVINCES.to_vec()),
        county in 101u32..10000,
        days in 0i64..40000,
        sequence in 0u32..1000,
    ) {
        let birth = chrono::NaiveDate::from_ymd_opt(1910, 1, 1).unwrap() + chrono::Duration::days(days);
        prop_assume!(birth <= chrono::Utc::now().date_naive());
        let body = format!("{province}{county:04}{}{sequence:03}", birth.format("%Y%m%d"));
        let number = id_with_check(&body);
        let id = IdNumber::parse(&number.to_lowercase()).unwrap();
        prop_assert_eq!(id.expose(), number.as_str());
        prop_assert_eq!(id.masked(), format!("{}********{}", &number[..6], &number[14..]));
        // Any other check character is refused.
        for c in CHECK.iter().filter(|c| **c != number.chars().last().unwrap()) {
            let wrong = format!("{body}{c}");
            prop_assert!(IdNumber::parse(&wrong).is_err());
        }
    }

    #[test]
    fn credit_codes_never_panic(input in ".{0,40}") {
        let _ = Uscc::parse(&input);
    }

    #[test]
    fn every_well_formed_credit_code_is_accepted(
        authority_type in proptest::sample::select(AUTHORITY_TYPES.to_vec()),
        province in proptest::sample::select([10].iter().chain(PROVINCES.iter()).copied().collect::<Vec<u32>>()),
        rest in "[0-9]{4}[0-9A-HJ-NP-RTUW-Y]{9}",
    ) {
        let code = uscc_with_check(&format!("{authority_type}{province}{rest}"));
        prop_assert!(Uscc::parse(&code).is_ok(), "{}", code);
    }

    #[test]
    fn codes_round_trip_and_never_panic(input in ".{0,30}") {
        let _ = VerificationCode::parse(&input);
        let code = VerificationCode::generate();
        prop_assert_eq!(VerificationCode::parse(&code.display().to_lowercase()), Some(code));
    }

    #[test]
    fn fields_never_panic(input in ".{0,300}") {
        let _ = fields::date(&input);
        let _ = fields::phone(&input);
        let _ = fields::email(&input);
        let _ = fields::email_list(&input);
        let _ = fields::station_code(&input);
        let _ = fields::Text::required(&input, fields::Limit::Chars50);
    }

    #[test]
    fn the_token_parser_never_panics_and_refuses_what_it_cannot_check(
        header in "[A-Za-z0-9_-]{0,60}",
        payload in "[A-Za-z0-9_-]{0,200}",
        signature in "[A-Za-z0-9_-]{0,100}",
        raw in ".{0,200}",
    ) {
        let key = jsonwebtoken::DecodingKey::from_ed_components("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo").unwrap();
        for token in [format!("{header}.{payload}.{signature}"), raw] {
            let checked = attest::tokens::verify::check_signature(&token, |_| Some(&key), Some(&["https://attest.example".to_owned()]));
            prop_assert!(checked.is_err());
            let _ = attest::verification::VerifyInput::parse(&token);
        }
    }
}
