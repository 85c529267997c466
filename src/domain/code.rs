//! Short verification codes (核验码) such as `7KQ2-M9XD-4HPT`: 12 characters from an
//! alphabet without look-alikes (no 0/O, 1/I), 5 bits each, 60 random bits in all.

use rand::Rng;

const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const LEN: usize = 12;

/// A verification code, stored without hyphens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationCode(String);

impl VerificationCode {
    /// A new random code.
    pub fn generate() -> Self {
        let mut rng = rand::thread_rng();
        let code = (0..LEN)
            .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
            .collect();
        Self(code)
    }

    /// Reads a code as typed: case, spaces and hyphens do not matter.
    pub fn parse(input: &str) -> Option<Self> {
        let code: String = input
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\u{3000}'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        (code.len() == LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(Self(code))
    }

    /// Wraps a stored code.
    pub fn from_stored(code: String) -> Self {
        Self(code)
    }

    /// The stored form, without hyphens.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form, `XXXX-XXXX-XXXX`.
    pub fn display(&self) -> String {
        format!("{}-{}-{}", &self.0[..4], &self.0[4..8], &self.0[8..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_parse_back_in_any_spelling() {
        for _ in 0..100 {
            let code = VerificationCode::generate();
            assert_eq!(VerificationCode::parse(&code.display()), Some(code.clone()));
            assert_eq!(
                VerificationCode::parse(&code.display().to_lowercase()),
                Some(code.clone())
            );
            assert!(!code.as_str().contains(['0', 'O', '1', 'I']));
        }
    }

    #[test]
    fn not_codes() {
        assert_eq!(VerificationCode::parse("7KQ2-M9XD-4HP"), None);
        assert_eq!(VerificationCode::parse("7KQ2-M9XD-4HP0"), None);
        assert_eq!(VerificationCode::parse(""), None);
        assert_eq!(VerificationCode::parse("七KQ2-M9XD-4HPT"), None);
    }

    #[test]
    fn sixty_bits() {
        assert!(ALPHABET.len().pow(LEN as u32) >= 1usize << 60);
    }
}
