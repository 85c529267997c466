//! Token Status List (draft-ietf-oauth-status-list): each token names an index in a
//! list; the list is a byte array of 2-bit statuses, least significant bits first, zlib
//! compressed and base64url encoded in `lst`. Indices are handed out in a keyed
//! pseudo-random order, so that neighbours in a list say nothing about each other and two
//! tokens never share an index.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::io::{Read, Write};

/// Bits per status.
pub const BITS: u8 = 2;
/// Entries in one list: 2^17.
pub const LIST_SIZE: u32 = 1 << LIST_BITS;
const LIST_BITS: u32 = 17;

/// What a token's status is (the draft's registered values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    Valid = 0,
    /// Ended or superseded.
    Invalid = 1,
    /// Flagged suspect.
    Suspended = 2,
}

impl TokenStatus {
    /// What a proof's stored state says in a status list (expiry is the token's own).
    pub fn of(status: super::AttestationStatus) -> Self {
        use super::AttestationStatus as Stored;
        match status {
            Stored::Active => Self::Valid,
            Stored::Revoked | Stored::Superseded => Self::Invalid,
            Stored::Suspect => Self::Suspended,
        }
    }

    /// The status of a value read from a list (3 is application specific: not used here).
    pub fn from_value(value: u8) -> Option<Self> {
        match value {
            0 => Some(Self::Valid),
            1 => Some(Self::Invalid),
            2 => Some(Self::Suspended),
            _ => None,
        }
    }
}

/// A status list being read or built: `bits` per entry, packed least significant first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: u8,
    bytes: Vec<u8>,
}

/// Why a `lst` cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("bits must be 1, 2, 4 or 8")]
    Bits,
    #[error("lst is not base64url")]
    Base64,
    #[error("lst is not zlib data")]
    Zlib,
}

impl StatusList {
    /// A list of `len` entries, every one 0 (valid).
    pub fn new(bits: u8, len: u32) -> Self {
        let per_byte = 8 / u32::from(bits.max(1));
        Self {
            bits,
            bytes: vec![0; len.div_ceil(per_byte) as usize],
        }
    }

    /// Reads the `bits` and `lst` of a status list token.
    pub fn decode(bits: u8, lst: &str) -> Result<Self, ListError> {
        if ![1, 2, 4, 8].contains(&bits) {
            return Err(ListError::Bits);
        }
        let compressed = URL_SAFE_NO_PAD.decode(lst).map_err(|_| ListError::Base64)?;
        let mut bytes = Vec::new();
        flate2::read::ZlibDecoder::new(compressed.as_slice())
            .read_to_end(&mut bytes)
            .map_err(|_| ListError::Zlib)?;
        Ok(Self { bits, bytes })
    }

    /// The `lst` of this list: zlib (best compression), base64url without padding.
    pub fn encode(&self) -> String {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to a Vec cannot fail.
        let _ = z.write_all(&self.bytes);
        URL_SAFE_NO_PAD.encode(z.finish().unwrap_or_default())
    }

    /// Bits per entry.
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// The value at `idx` (none past the end).
    pub fn get(&self, idx: u32) -> Option<u8> {
        let (byte, shift) = self.place(idx);
        let mask = (1u16 << self.bits) as u8 - 1;
        self.bytes.get(byte).map(|b| (b >> shift) & mask)
    }

    /// Sets the value at `idx` (ignored past the end).
    pub fn set(&mut self, idx: u32, value: u8) {
        let (byte, shift) = self.place(idx);
        let mask = ((1u16 << self.bits) as u8 - 1) << shift;
        if let Some(b) = self.bytes.get_mut(byte) {
            *b = (*b & !mask) | ((value << shift) & mask);
        }
    }

    fn place(&self, idx: u32) -> (usize, u32) {
        let per_byte = 8 / u32::from(self.bits);
        (
            (idx / per_byte) as usize,
            (idx % per_byte) * u32::from(self.bits),
        )
    }
}

/// The index of the `n`-th token of a list: a keyed permutation of `0..LIST_SIZE` (a
/// four-round Feistel network on 17 bits, cycle-walked), so every `n` below `LIST_SIZE`
/// has its own index and the order is unpredictable without `key`.
pub fn index_of(key: &[u8; 32], n: u32) -> u32 {
    let mut x = n % LIST_SIZE;
    loop {
        x = feistel(key, x);
        if x < LIST_SIZE {
            return x;
        }
    }
}

/// One pass of the permutation over 18 bits (two halves of 9); cycle-walking brings the
/// 17-bit domain back into range.
fn feistel(key: &[u8; 32], x: u32) -> u32 {
    use sha2::{Digest, Sha256};
    const HALF: u32 = 9;
    const MASK: u32 = (1 << HALF) - 1;
    let (mut left, mut right) = (x >> HALF, x & MASK);
    for round in 0u8..4 {
        // The round function: SHA-256 of the key, the round and the right half (fixed
        // lengths, so no extension question arises).
        let out = Sha256::new()
            .chain_update(key)
            .chain_update([round])
            .chain_update(right.to_be_bytes())
            .finalize();
        let f = u32::from_be_bytes([out[0], out[1], out[2], out[3]]) & MASK;
        (left, right) = (right, left ^ f);
    }
    (left << HALF) | right
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The draft's own example lists (section 4.1).
    #[test]
    fn the_drafts_examples_read_as_the_draft_says() {
        let one = StatusList::decode(1, "eNrbuRgAAhcBXQ").unwrap();
        let expected = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
        for (i, v) in expected.iter().enumerate() {
            assert_eq!(one.get(i as u32), Some(*v), "1-bit status {i}");
        }
        let two = StatusList::decode(2, "eNo76fITAAPfAgc").unwrap();
        let expected = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];
        for (i, v) in expected.iter().enumerate() {
            assert_eq!(two.get(i as u32), Some(*v), "2-bit status {i}");
        }
    }

    #[test]
    fn what_is_set_is_encoded_and_read_back() {
        let mut list = StatusList::new(2, 12);
        for (i, v) in [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3].iter().enumerate() {
            list.set(i as u32, *v);
        }
        let again = StatusList::decode(2, &list.encode()).unwrap();
        assert_eq!(again, list);
        assert_eq!(again.bytes, [0xC9, 0x44, 0xF9]);
    }

    #[test]
    fn indices_are_a_permutation_of_the_list() {
        let key = [7u8; 32];
        let mut seen = vec![false; LIST_SIZE as usize];
        for n in 0..LIST_SIZE {
            let i = index_of(&key, n) as usize;
            assert!(!seen[i], "index {i} given twice");
            seen[i] = true;
        }
        let first: Vec<u32> = (0..5).map(|n| index_of(&key, n)).collect();
        assert_ne!(first, [0, 1, 2, 3, 4], "not in issue order");
        assert_ne!(index_of(&[8u8; 32], 0), index_of(&key, 0), "keyed");
    }
}
