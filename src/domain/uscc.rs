//! Unified social credit codes (统一社会信用代码), GB 32100-2015.

use std::fmt;

const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The check value of the first 17 character values (weights `3^(i-1) mod 31`).
fn check_value(values: &[u32]) -> u32 {
    let mut weight = 1u32;
    let mut sum = 0u32;
    for v in values {
        sum += v * weight;
        weight = weight * 3 % 31;
    }
    (31 - sum % 31) % 31
}

/// A validated 18-character unified social credit code.
#[derive(Clone, PartialEq, Eq)]
pub struct Uscc(String);

/// Why a string is not a unified social credit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("a unified social credit code has 18 characters")]
    Length,
    #[error("only 0-9 and A-H J-N P-R T U W-Y are allowed")]
    Charset,
    #[error("the check character does not match")]
    Checksum,
}

impl Uscc {
    /// Parses user input: trims white space, upper-cases, checks the charset and the
    /// check character (weights `3^(i-1) mod 31`).
    pub fn parse(input: &str) -> Result<Self, UsccError> {
        let s = input.trim().to_ascii_uppercase();
        if s.chars().count() != 18 {
            return Err(UsccError::Length);
        }
        let values: Vec<u32> = s
            .chars()
            .map(|c| CHARSET.find(c).map(|i| i as u32))
            .collect::<Option<_>>()
            .ok_or(UsccError::Charset)?;
        if check_value(&values[..17]) != values[17] {
            return Err(UsccError::Checksum);
        }
        Ok(Self(s))
    }

    /// The code made of 17 characters and their check character (for generated test data).
    pub fn complete(body: &str) -> Result<Self, UsccError> {
        let values: Vec<u32> = body
            .chars()
            .map(|c| CHARSET.find(c).map(|i| i as u32))
            .collect::<Option<_>>()
            .ok_or(UsccError::Charset)?;
        if values.len() != 17 {
            return Err(UsccError::Length);
        }
        let check = CHARSET.as_bytes()[check_value(&values) as usize];
        Self::parse(&format!("{body}{}", char::from(check)))
    }

    /// The code as stored and shown (a credit code is public, it is not masked).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uscc({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_vectors() {
        let vectors = include_str!("../../tests/fixtures/id-vectors.tsv");
        let mut checked = 0;
        for line in vectors.lines().filter(|l| l.starts_with("uscc\t")) {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(
                Uscc::parse(cols[1]).is_ok(),
                cols[2] == "valid",
                "vector {line:?}"
            );
            checked += 1;
        }
        assert!(checked >= 7);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(Uscc::parse("9111000060003734"), Err(UsccError::Length));
        assert_eq!(Uscc::parse("91110000600037341O"), Err(UsccError::Charset));
        assert_eq!(Uscc::parse("91110000600037341Ｌ"), Err(UsccError::Charset));
        assert_eq!(Uscc::parse("91110000600037341M"), Err(UsccError::Checksum));
    }

    #[test]
    fn complete_adds_the_published_check_character() {
        assert_eq!(
            Uscc::complete("91110000600037341").unwrap().as_str(),
            "91110000600037341L"
        );
        assert!(Uscc::complete("9111000060003734I").is_err());
    }

    #[test]
    fn input_is_trimmed_and_upper_cased() {
        let code = Uscc::parse(" 91110000600037341l ").unwrap();
        assert_eq!(code.as_str(), "91110000600037341L");
    }
}
