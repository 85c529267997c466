//! Validation of the free-text and contact fields every form shares, and the error list
//! forms show beside their fields.

use std::collections::BTreeMap;

/// Errors of one form submission: field name → message key (translated when shown).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<&'static str, &'static str>);

impl FieldErrors {
    /// Records the first error of `field`.
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        self.0.entry(field).or_insert(key);
    }

    /// Keeps the value of a successful check, or records its error.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, &'static str>) -> Option<T> {
        result.map_err(|key| self.add(field, key)).ok()
    }

    /// The message key of `field`'s error, if any.
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.get(field).copied()
    }

    /// True when nothing was wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The fields in error, for tests and logs.
    pub fn fields(&self) -> Vec<&'static str> {
        self.0.keys().copied().collect()
    }
}

/// The length limits of free-text fields; each has its own message.
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    Chars50,
    Chars100,
    Chars200,
    Chars500,
}

impl Limit {
    fn max(self) -> usize {
        match self {
            Limit::Chars50 => 50,
            Limit::Chars100 => 100,
            Limit::Chars200 => 200,
            Limit::Chars500 => 500,
        }
    }

    fn message(self) -> &'static str {
        match self {
            Limit::Chars50 => "error.too_long.50",
            Limit::Chars100 => "error.too_long.100",
            Limit::Chars200 => "error.too_long.200",
            Limit::Chars500 => "error.too_long.500",
        }
    }
}

/// Length-limited free text: rejected, never truncated, past its limit.
pub struct Text;

impl Text {
    /// A required field within `limit`, trimmed.
    pub fn required(input: &str, limit: Limit) -> Result<String, &'static str> {
        let s = input.trim();
        if s.is_empty() {
            return Err("error.required");
        }
        Self::optional(s, limit)
    }

    /// An optional field within `limit`, trimmed.
    pub fn optional(input: &str, limit: Limit) -> Result<String, &'static str> {
        let s = input.trim();
        if s.chars().count() > limit.max() {
            return Err(limit.message());
        }
        if s.chars().any(|c| c.is_control()) {
            return Err("error.control_chars");
        }
        Ok(s.to_owned())
    }
}

/// A telephone number: digits with optional `+`, spaces and hyphens, 7 to 20 characters.
pub fn phone(input: &str) -> Result<String, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        return Err("error.required");
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let allowed = s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '));
    if !allowed || !(7..=20).contains(&s.len()) || digits < 7 {
        return Err("error.phone");
    }
    Ok(s.to_owned())
}

/// An email address, lower-cased; at most 254 characters.
pub fn email(input: &str) -> Result<String, &'static str> {
    let s = input.trim().to_lowercase();
    if s.is_empty() {
        return Err("error.required");
    }
    if s.len() > 254 || !email_address::EmailAddress::is_valid(&s) || !s.contains('.') {
        return Err("error.email");
    }
    Ok(s)
}

/// A comma-separated list of email addresses (a station may notify several).
pub fn email_list(input: &str) -> Result<String, &'static str> {
    let list: Vec<String> = input
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(email)
        .collect::<Result<_, _>>()?;
    if list.is_empty() {
        return Err("error.required");
    }
    Ok(list.join(","))
}

/// A station code such as `440304-001`: the six-digit area code, a hyphen, three digits.
pub fn station_code(input: &str) -> Result<String, &'static str> {
    let s = input.trim();
    let b = s.as_bytes();
    let ok = b.len() == 10
        && b[6] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 6 || c.is_ascii_digit());
    if ok {
        Ok(s.to_owned())
    } else {
        Err("error.station_code")
    }
}

/// The password policy: 12 to 128 characters, and not among the passwords attackers try
/// first (zxcvbn score of at least 3, counting the user's own email and name as guessable).
pub fn password(input: &str, user_inputs: &[&str]) -> Result<(), &'static str> {
    let n = input.chars().count();
    if n < 12 {
        return Err("error.password.short");
    }
    if n > 128 {
        return Err("error.password.long");
    }
    if zxcvbn::zxcvbn(input, user_inputs).score() < zxcvbn::Score::Three {
        return Err("error.password.common");
    }
    Ok(())
}

/// A calendar date typed as `YYYY-MM-DD`.
pub fn date(input: &str) -> Result<chrono::NaiveDate, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        return Err("error.required");
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| "error.date")
}

/// A date typed as `YYYY-MM-DD`, or nothing.
pub fn optional_date(input: &str) -> Result<Option<chrono::NaiveDate>, &'static str> {
    match input.trim() {
        "" => Ok(None),
        s => date(s).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_rejected_not_truncated() {
        assert_eq!(Text::required("  ", Limit::Chars50), Err("error.required"));
        let fifty = "居".repeat(50);
        assert_eq!(Text::required(&fifty, Limit::Chars50), Ok(fifty.clone()));
        let fifty_one = format!("{fifty}住");
        assert_eq!(
            Text::required(&fifty_one, Limit::Chars50),
            Err("error.too_long.50")
        );
        assert_eq!(
            Text::optional("a\u{0}b", Limit::Chars50),
            Err("error.control_chars")
        );
    }

    #[test]
    fn phones() {
        assert!(phone("138 0013 8000").is_ok());
        assert!(phone("+86-755-12345678").is_ok());
        assert_eq!(phone("call me"), Err("error.phone"));
        assert_eq!(phone("123"), Err("error.phone"));
    }

    #[test]
    fn emails() {
        assert_eq!(email(" HR@Example.COM ").as_deref(), Ok("hr@example.com"));
        assert_eq!(email("not-an-email"), Err("error.email"));
        assert_eq!(email("a@b"), Err("error.email"));
        assert_eq!(
            email_list("a@example.cn, b@example.cn").as_deref(),
            Ok("a@example.cn,b@example.cn")
        );
    }

    #[test]
    fn station_codes() {
        assert!(station_code("440304-001").is_ok());
        assert_eq!(station_code("440304001"), Err("error.station_code"));
        assert_eq!(station_code("44030A-001"), Err("error.station_code"));
    }

    #[test]
    fn passwords() {
        assert_eq!(password("short", &[]), Err("error.password.short"));
        assert_eq!(password(&"a".repeat(129), &[]), Err("error.password.long"));
        assert_eq!(password("password1234", &[]), Err("error.password.common"));
        assert_eq!(password("qwertyuiop12", &[]), Err("error.password.common"));
        assert!(password("violet-harbour-lantern-42", &[]).is_ok());
    }
}
