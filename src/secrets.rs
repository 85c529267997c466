//! The portal's own secret, generated once into the data directory (mode 0600) and reused
//! after a restart: it keys the session-id hashes and the CSRF tokens.

use anyhow::Context;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::io::Write;
use std::path::Path;

const FILE_NAME: &str = "secret.key";

/// Keyed hashing with the portal secret.
#[derive(Clone)]
pub struct Secrets {
    key: [u8; 32],
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(..)")
    }
}

impl Secrets {
    /// Reads `DATA_DIR/secret.key`, creating it (mode 0600) on first start.
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join(FILE_NAME);
        if path.exists() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let bytes = hex::decode(text.trim())
                .ok()
                .filter(|b| b.len() == 32)
                .with_context(|| format!("{} is not 64 hex characters", path.display()))?;
            let mut key = [0u8; 32];
            key.copy_from_slice(&bytes);
            return Ok(Self { key });
        }
        create_private_dir(data_dir)?;
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        let mut file = create_private_file(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        file.write_all(hex::encode(key).as_bytes())?;
        file.sync_all()?;
        Ok(Self { key })
    }

    /// HMAC-SHA-256 of `data` under the secret, separated by `purpose`, as hex.
    pub fn keyed_hash(&self, purpose: &str, data: &str) -> String {
        // A key shorter than the hash block is zero-padded by HMAC itself; padding it here
        // gives the fixed-size key the infallible constructor takes.
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(&self.key);
        let mut mac = <Hmac<Sha256> as KeyInit>::new(&block.into());
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(data.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The keyed hash of a subject's ID number: how proofs are found by it (search, desk,
    /// bulk duplicates) without storing it.
    pub fn id_number_hash(&self, number: &crate::domain::IdNumber) -> String {
        self.keyed_hash("id_number", number.expose())
    }
}

/// Creates `dir` (and its parents) readable by the owner only, when missing.
pub fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("cannot create the folder {}", dir.display()))
}

/// Creates a new file with mode 0600 (fails if it exists).
pub fn create_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

impl Secrets {
    fn seal_cipher(&self, purpose: &str) -> chacha20poly1305::XChaCha20Poly1305 {
        use chacha20poly1305::KeyInit as _;
        let key = hex::decode(self.keyed_hash("seal", purpose)).unwrap_or_default();
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&key[..32.min(key.len())]);
        chacha20poly1305::XChaCha20Poly1305::new(&bytes.into())
    }

    /// Encrypts `plaintext` (XChaCha20-Poly1305 under a key derived from the secret for
    /// `purpose`, random nonce); the result is base64 text for storage.
    pub fn seal(&self, purpose: &str, plaintext: &str) -> String {
        use base64::Engine as _;
        use chacha20poly1305::aead::{Aead, AeadCore};
        let nonce = chacha20poly1305::XChaCha20Poly1305::generate_nonce(&mut rand::rngs::OsRng);
        let sealed = self
            .seal_cipher(purpose)
            .encrypt(&nonce, plaintext.as_bytes())
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(out)
    }

    /// Decrypts what `seal` made for `purpose`; `None` if it was altered or is not ours.
    pub fn open(&self, purpose: &str, sealed: &str) -> Option<String> {
        use base64::Engine as _;
        use chacha20poly1305::aead::Aead;
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(sealed)
            .ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        let plain = self
            .seal_cipher(purpose)
            .decrypt(nonce.into(), ciphertext)
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

/// A fresh random token of 32 bytes, as hex (session ids, CSRF cookies).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Whether `a` and `b` are equal, in a time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn sealed_values_open_only_unaltered_and_for_their_purpose() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = super::Secrets::load_or_create(dir.path()).unwrap();
        let sealed = secrets.seal("id", "11010519491231002X");
        assert!(!sealed.contains("11010519491231002X"));
        assert_ne!(
            sealed,
            secrets.seal("id", "11010519491231002X"),
            "random nonce"
        );
        assert_eq!(
            secrets.open("id", &sealed).as_deref(),
            Some("11010519491231002X")
        );
        assert_eq!(secrets.open("other", &sealed), None);
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            secrets.open("id", &String::from_utf8(altered).unwrap()),
            None
        );
    }
}
