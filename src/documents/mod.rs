//! The printed proof: its text (already in the reader's language), its QR code, and its
//! PDF. The HTML print pages and the PDFs render the same `PrintedProof`.

pub mod pdf;
pub mod qr;

/// One proof as printed: every line of text, translated, and the data of its QR code.
#[derive(Debug, Clone)]
pub struct PrintedProof {
    /// 住宿证明 / 在职证明 / …
    pub title: String,
    /// The revoked stamp, when the proof has been revoked.
    pub stamp: Option<String>,
    pub lead: String,
    /// Label and value: subject, masked ID number, the facts, validity.
    pub facts: Vec<(String, String)>,
    pub purpose: String,
    /// Issuer name, identifier, address, issue time.
    pub issuer: Vec<String>,
    /// The Article 9(4) statement.
    pub statement: String,
    pub qr_caption: String,
    pub code_label: String,
    /// The verification code as printed (`7KQ2-M9XD-4HPT`).
    pub code: String,
    /// "Verify at <url>".
    pub verify_at: String,
    /// What the QR code holds: `<public url>/verify#<token>`.
    pub verify_url: String,
}
