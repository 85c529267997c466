//! Bulk issuance from a CSV file: the columns of each kind, reading the file as Excel saves
//! it (UTF-8 with or without BOM, or GBK / GB 18030), and checking every row before
//! anything is issued.

mod cells;
mod file;
mod rows;

pub use file::{decode, Encoding, FileError};
pub use rows::{check_row, duplicate_of, parse, Row, RowError};

use super::attestation_kind::AttestationKind;
use super::fact_fields::{DateRule, Input};
use super::fields::Limit;
use crate::i18n::Lang;

/// Rows a file may hold; more is refused with a request to split it.
pub const MAX_ROWS: usize = 10_000;
/// Bytes a file may have (10,000 rows of the longest kind fit in well under this).
pub const MAX_BYTES: usize = 8 * 1024 * 1024;

/// One column of the CSV file: the issuing form's field it fills.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub field: &'static str,
    /// The message key of the field's label on the issuing form (a header may be that too).
    pub form_label: &'static str,
    pub required: bool,
    pub input: Input,
}

const SUBJECT: [Column; 2] = [
    Column {
        field: "subject_name",
        form_label: "attestations.subject_name",
        required: true,
        input: Input::Text(Limit::Chars50),
    },
    Column {
        field: "subject_id_number",
        form_label: "attestations.subject_id_number",
        required: true,
        input: Input::Text(Limit::Chars50),
    },
];
const VALIDITY: [Column; 3] = [
    Column {
        field: "valid_from",
        form_label: "attestations.valid_from",
        required: false,
        input: Input::Date(DateRule::Any),
    },
    Column {
        field: "valid_until",
        form_label: "attestations.valid_until",
        required: false,
        input: Input::Date(DateRule::Any),
    },
    Column {
        field: "applicant_email",
        form_label: "attestations.applicant_email",
        required: false,
        input: Input::Text(Limit::Chars200),
    },
];

/// The columns of a `kind` file, in template order: the subject, the kind's facts, the
/// validity and the applicant's email (who is sent the link of their page and the PDF).
pub fn columns(kind: AttestationKind) -> Vec<Column> {
    let facts = kind.fact_fields().iter().map(|f| Column {
        field: f.name,
        form_label: f.form_label,
        required: f.required,
        input: f.input,
    });
    SUBJECT.into_iter().chain(facts).chain(VALIDITY).collect()
}

/// The message key of a column's header (`bulk.col.subject_name` → 姓名).
pub fn header_key(field: &str) -> String {
    format!("bulk.col.{field}")
}

/// The template of a `kind` file: UTF-8 with a BOM (so Excel opens it as UTF-8), the header
/// row in `lang`.
pub fn template(kind: AttestationKind, lang: Lang) -> String {
    let header: Vec<String> = columns(kind)
        .iter()
        .map(|c| lang.t(&header_key(c.field)))
        .collect();
    let mut out = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = out.write_record(&header);
    let bytes = out.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_has_a_bom_and_every_column() {
        let t = template(AttestationKind::Attendance, Lang::Zh);
        assert!(t.starts_with('\u{feff}'));
        assert_eq!(
            t.trim_start_matches('\u{feff}')
                .trim_end()
                .split(',')
                .count(),
            11
        );
        assert!(t.contains("学号") && t.contains("是否全日制"));
    }
}

/// Where a bulk batch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum BatchState {
    /// Uploaded and checked; nothing issued yet.
    Draft,
    /// Being issued (by the instance holding the lease).
    Issuing,
    /// Every valid row issued; the station told.
    Done,
}

impl BatchState {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Issuing => "issuing",
            Self::Done => "done",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Draft, Self::Issuing, Self::Done]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}
