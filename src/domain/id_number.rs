//! Resident identity numbers (公民身份号码), GB 11643-1999.

use chrono::{Datelike, NaiveDate, Utc};
use std::fmt;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The first-level administrative divisions (GB/T 2260): the first two digits of every
/// resident ID number, from 11 (Beijing) to 82 (Macao).
pub const PROVINCES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

/// The earliest birth year accepted.
const FIRST_BIRTH_YEAR: i32 = 1900;

/// The ISO 7064 MOD 11-2 check character of 17 ASCII digits.
fn check_character(digits: &[u8]) -> char {
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

/// A validated 18-character resident ID number. Its `Debug` and `Display` show the masked
/// form only, so it cannot leak into a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct IdNumber(String);

/// Why a string is not a resident ID number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("a resident ID number has 18 characters")]
    Length,
    #[error("a resident ID number has 17 digits and a check character (0-9 or X)")]
    Charset,
    #[error("the number does not start with a province code (11 to 82)")]
    Region,
    #[error("the birth date in the number is not a real date from 1900 to today")]
    BirthDate,
    #[error("the check character does not match")]
    Checksum,
}

impl IdNumber {
    /// Parses user input: trims white space, upper-cases a final `x`, checks the birth date
    /// and the ISO 7064 MOD 11-2 check character.
    pub fn parse(input: &str) -> Result<Self, IdNumberError> {
        let s = input.trim().to_ascii_uppercase();
        if s.chars().count() != 18 {
            return Err(IdNumberError::Length);
        }
        let bytes = s.as_bytes();
        if !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(IdNumberError::Charset);
        }
        if !PROVINCES.contains(&&s[..2]) || &s[2..6] == "0000" {
            return Err(IdNumberError::Region);
        }
        let birth =
            NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").map_err(|_| IdNumberError::BirthDate)?;
        if birth > Utc::now().date_naive() || birth.year() < FIRST_BIRTH_YEAR {
            return Err(IdNumberError::BirthDate);
        }
        if check_character(&bytes[..17]) != char::from(bytes[17]) {
            return Err(IdNumberError::Checksum);
        }
        Ok(Self(s))
    }

    /// The number made of 17 digits and their check character (for generated test data).
    pub fn complete(digits: &str) -> Result<Self, IdNumberError> {
        let bytes = digits.as_bytes();
        if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(IdNumberError::Charset);
        }
        Self::parse(&format!("{digits}{}", check_character(bytes)))
    }

    /// The masked form shown everywhere: `110105********002X`.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }

    /// The full number, for storage only (never for display or logs).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Masks a stored 18-character ID number: first 6 and last 4 characters kept.
pub fn mask(full: &str) -> String {
    let chars: Vec<char> = full.chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_vectors() {
        let vectors = include_str!("../../tests/fixtures/id-vectors.tsv");
        let mut checked = 0;
        for line in vectors.lines().filter(|l| l.starts_with("id\t")) {
            let cols: Vec<&str> = line.split('\t').collect();
            let ok = IdNumber::parse(cols[1]).is_ok();
            assert_eq!(ok, cols[2] == "valid", "vector {line:?}");
            checked += 1;
        }
        assert!(checked >= 14);
    }

    #[test]
    fn complete_adds_the_published_check_character() {
        // The GB 11643 example number 11010519491231002X.
        assert_eq!(
            IdNumber::complete("11010519491231002").unwrap().expose(),
            "11010519491231002X"
        );
        assert!(IdNumber::complete("1101051949123100").is_err());
    }

    #[test]
    fn lower_case_x_is_normalised() {
        let id = IdNumber::parse("11010519491231002x").unwrap();
        assert_eq!(id.expose(), "11010519491231002X");
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(IdNumber::parse(""), Err(IdNumberError::Length));
        assert_eq!(
            IdNumber::parse("1101051949123100２X"),
            Err(IdNumberError::Charset)
        );
        assert_eq!(
            IdNumber::parse("11010519491231A02X"),
            Err(IdNumberError::Charset)
        );
        assert_eq!(
            IdNumber::parse("110105194913310028"),
            Err(IdNumberError::BirthDate)
        );
        assert_eq!(
            IdNumber::parse("110105194912310021"),
            Err(IdNumberError::Checksum)
        );
    }

    #[test]
    fn birth_date_in_the_future_is_rejected() {
        // 2099-01-01 with a correct check character.
        let body = "11010520990101001";
        let number = format!("{body}{}", check_character(body.as_bytes()));
        assert_eq!(IdNumber::parse(&number), Err(IdNumberError::BirthDate));
    }

    #[test]
    fn region_and_birth_year_are_checked() {
        // Region 000000, and a province code that does not exist (99), each with a valid
        // check character; a birth in 1899.
        for body in [
            "00000019900101001",
            "99010519900101001",
            "11010518991231001",
        ] {
            let number = format!("{body}{}", check_character(body.as_bytes()));
            assert!(IdNumber::parse(&number).is_err(), "{number}");
        }
        assert_eq!(
            IdNumber::complete("00000019900101001").err(),
            Some(IdNumberError::Region)
        );
        assert_eq!(
            IdNumber::complete("11010518991231001").err(),
            Some(IdNumberError::BirthDate)
        );
    }

    #[test]
    fn masked_everywhere() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(
            format!("{id} {id:?}"),
            "110105********002X IdNumber(110105********002X)"
        );
    }
}
