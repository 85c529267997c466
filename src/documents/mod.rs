//! The printed proof: its text (already in the reader's language), its QR code, and its
//! PDF. The HTML print pages and the PDFs render the same `PrintedProof`.

pub mod notice;
pub mod pdf;
pub mod qr;
mod results;
mod view;

pub use results::{results_csv, ResultLine};
pub use view::AttestationView;

use crate::db::models::parties::Party;
use crate::domain::china_time;
use crate::i18n::Lang;
use qr::QrMatrix;

/// One proof as printed: every line of text, translated, and the data of its QR code.
#[derive(Debug, Clone)]
pub struct PrintedProof {
    /// 住宿证明 / 在职证明 / …
    pub title: String,
    /// The stamp across a proof not in force (revoked, suspect, expired…), none otherwise.
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

/// The PDF of proof `row` of `party` in `lang`, as its page prints on `today`, and the file
/// name it is offered under.
pub fn proof_pdf(
    lang: Lang,
    party: &Party,
    row: crate::db::models::attestations::Attestation,
    portal: &str,
    today: chrono::NaiveDate,
) -> anyhow::Result<(String, Vec<u8>)> {
    let view = AttestationView::new(row, party.kind, portal, today);
    let proof = printed_proof(lang, party, &view);
    let name = format!("{}-{}.pdf", proof.title, view.row.subject_name);
    let pdf = pdf::render(&[proof], name.trim_end_matches(".pdf"), lang.code())?;
    Ok((name, pdf))
}

/// The QR code of `data` as a PNG `data:` URL.
pub fn qr_data_url(data: &str) -> anyhow::Result<String> {
    QrMatrix::new(data)
        .map_err(|e| anyhow::anyhow!("QR code: {e:?}"))
        .and_then(|qr| Ok(qr.png_data_url()?))
}

/// Attestation `a` of `party` as printed, in `lang`.
pub fn printed_proof(lang: Lang, party: &Party, a: &AttestationView) -> PrintedProof {
    let mut facts = vec![
        (lang.t("attestations.subject"), a.row.subject_name.clone()),
        (
            lang.t("attestations.subject_id_number"),
            a.row.subject_id_masked.clone(),
        ),
    ];
    facts.extend(a.facts.iter().map(|f| {
        let value = if f.translate {
            lang.t(&f.value)
        } else {
            f.value.clone()
        };
        (lang.t(f.label), value)
    }));
    facts.push((
        lang.t("attestations.validity"),
        format!("{} – {}", a.row.valid_from, a.row.valid_until),
    ));
    PrintedProof {
        title: lang.t(a.title_key),
        stamp: a.status.stamp_key().map(|key| lang.t(&key)),
        lead: lang.t("print.lead"),
        facts,
        purpose: lang.t("print.purpose"),
        issuer: vec![
            format!("{}：{}", lang.t("print.issuer"), party.legal_name),
            format!(
                "{}：{}",
                lang.t("field.identifier"),
                party.display_identifier()
            ),
            format!("{}：{}", lang.t("print.address"), party.address),
            format!(
                "{}：{}",
                lang.t("print.issued_on"),
                china_time::minute(a.row.issued_at)
            ),
        ],
        statement: lang.t("print.statement"),
        qr_caption: lang.t("print.qr_caption"),
        code_label: lang.t("print.code"),
        code: a.code.clone(),
        verify_at: format!("{} {}", lang.t("print.verify_at"), a.verify_page),
        verify_url: a.verify_url.clone(),
    }
}
