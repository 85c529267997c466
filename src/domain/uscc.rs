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

/// The registration authorities (first character) and the organisation types (second
/// character) each may register, from GB 32100-2015 appendix A.
const AUTHORITIES: [(char, &str); 11] = [
    ('1', "1239"),   // 机构编制: 机关, 事业单位, 群众团体, 其他
    ('2', "19"),     // 外交
    ('3', "123459"), // 司法行政
    ('4', "19"),     // 文化
    // 民政: 社会团体, 民办非企业单位, 基金会, 其他; and 4, 5 for the residents' and
    // villagers' committees (基层群众性自治组织), coded by 民政 since 2017.
    ('5', "123459"),
    ('6', "129"),  // 旅游
    ('7', "129"),  // 宗教
    ('8', "19"),   // 工会
    ('9', "123"),  // 工商: 企业, 个体工商户, 农民专业合作社
    ('A', "19"),   // 中央军委改革和编制办公室
    ('N', "1239"), // 农业
];

/// Whether the registration authority and organisation type exist, and the division code
/// (characters 3 to 8) starts with a province code or is the national `10`.
fn structure_is_valid(s: &str) -> bool {
    let mut chars = s.chars();
    let (Some(authority), Some(org_type)) = (chars.next(), chars.next()) else {
        return false;
    };
    let known = authority == 'Y' && org_type == '1'
        || AUTHORITIES
            .iter()
            .any(|(a, types)| *a == authority && types.contains(org_type));
    let division = &s[2..8];
    let province = &division[..2];
    known
        && division.bytes().all(|b| b.is_ascii_digit())
        && (province == "10" || super::id_number::PROVINCES.contains(&province))
}

/// Whether 18 characters pass the GB 32100 check character alone (no structure check):
/// how a resident ID number can be mistaken for a credit code.
pub fn checksum_passes(s: &str) -> bool {
    let values: Option<Vec<u32>> = s
        .chars()
        .map(|c| CHARSET.find(c).map(|i| i as u32))
        .collect();
    values.is_some_and(|v| v.len() == 18 && check_value(&v[..17]) == v[17])
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
    #[error("no such registration authority, organisation type or division code")]
    Structure,
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
        if !structure_is_valid(&s) {
            return Err(UsccError::Structure);
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
    fn authority_type_and_division_are_checked() {
        // All zeros passes the checksum but has no authority; 44… as a credit code is
        // authority 4 (culture) with type 4, which does not exist.
        assert_eq!(Uscc::parse("000000000000000000"), Err(UsccError::Structure));
        assert!(checksum_passes("000000000000000000"));
        for body in [
            "44030419850812067",
            "91990000600037341",
            "Z1110000600037341",
        ] {
            assert!(Uscc::complete(body).is_err(), "{body}");
        }
        assert!(Uscc::complete("Y1110000600037341").is_ok());
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
