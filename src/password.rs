//! Argon2id password hashes (PHC strings with a unique random salt each).

use argon2::password_hash::{phc::PasswordHash, PasswordHasher, PasswordVerifier};
use argon2::Argon2;

/// Hashes a password for storage.
pub fn hash(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

/// The stored hash of an account whose user has not set a password yet: no password
/// matches it.
pub const NOT_SET: &str = "!not-set";

/// True when `password` matches the stored hash.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the time of one verification, so that an unknown account answers as slowly as a
/// known one with a wrong password.
pub fn verify_dummy(password: &str) {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$\
                         1VYd0HVT5FUFpBi7BXM5h5Hdn8d4jCu8U7ZP8Y1Jt8Q";
    let _ = verify(password, DUMMY);
}

#[cfg(test)]
mod tests {
    #[test]
    fn argon2id_with_unique_salts() {
        let a = super::hash("violet-harbour-lantern-42").unwrap();
        let b = super::hash("violet-harbour-lantern-42").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(super::verify("violet-harbour-lantern-42", &a));
        assert!(!super::verify("violet-harbour-lantern-43", &a));
        assert!(!super::verify("x", "not a hash"));
    }
}
