//! The results file of a bulk batch: every row of the uploaded file in file order, the
//! issued ones with the masked ID number, code and verify URL, the others with what was
//! wrong — as CSV (UTF-8 with BOM, for Excel), in the reader's language.

use super::AttestationView;
use crate::domain::bulk::{header_key, RowError};
use crate::i18n::Lang;

/// One row of the uploaded file, as it ended.
pub enum ResultLine {
    Issued {
        line: i32,
        view: Box<AttestationView>,
    },
    NotIssued {
        line: i32,
        subject_name: String,
        errors: Vec<RowError>,
    },
}

impl ResultLine {
    fn line(&self) -> i32 {
        match self {
            Self::Issued { line, .. } | Self::NotIssued { line, .. } => *line,
        }
    }

    fn cells(&self, lang: Lang) -> [String; 6] {
        match self {
            Self::Issued { line, view } => [
                line.to_string(),
                view.row.subject_name.clone(),
                view.row.subject_id_masked.clone(),
                view.code.clone(),
                view.verify_url.clone(),
                format!(
                    "{} · {}",
                    lang.t("bulk.result.issued"),
                    lang.t(&view.status.label_key())
                ),
            ],
            Self::NotIssued {
                line,
                subject_name,
                errors,
            } => {
                let problems: Vec<String> = errors
                    .iter()
                    .map(|e| format!("{}: {}", lang.t(&header_key(&e.field)), e.message(lang)))
                    .collect();
                [
                    line.to_string(),
                    subject_name.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                    format!(
                        "{}：{}",
                        lang.t("bulk.result.not_issued"),
                        problems.join("; ")
                    ),
                ]
            }
        }
    }
}

/// The results file of `lines` (any order), with its header row in `lang`.
pub fn results_csv(lang: Lang, mut lines: Vec<ResultLine>) -> anyhow::Result<String> {
    lines.sort_by_key(ResultLine::line);
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "bulk.result.line",
        "bulk.col.subject_name",
        "bulk.result.masked_id",
        "bulk.result.code",
        "bulk.result.verify_url",
        "bulk.result.status",
    ]
    .map(|k| lang.t(k));
    out.write_record(&header)?;
    for line in &lines {
        out.write_record(line.cells(lang).iter().map(|c| inert(c).into_owned()))?;
    }
    let bytes = out.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}

/// `cell` as a spreadsheet shows it but never runs it: text that Excel would read as a
/// formula (`=`, `+`, `-`, `@`, tab, CR first) is prefixed with `'`.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}
