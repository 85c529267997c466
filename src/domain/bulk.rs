//! Bulk issuance from a CSV file: the columns of each kind, reading the file as Excel saves
//! it (UTF-8 with or without BOM, or GBK / GB 18030), and checking every row before
//! anything is issued.

use super::attestation::{AttestationForm, AttestationKind, NewAttestation};
use super::fields::FieldErrors;
use super::{IdNumber, PartyKind};
use crate::i18n::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Rows a file may hold; more is refused with a request to split it.
pub const MAX_ROWS: usize = 10_000;
/// Bytes a file may have (10,000 rows of the longest kind fit in well under this).
pub const MAX_BYTES: usize = 8 * 1024 * 1024;

/// One column of the CSV file: the issuing form's field it fills.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub field: &'static str,
    pub required: bool,
    /// For a choice: the message prefix of its labels and the stored values.
    pub choices: Option<(&'static str, &'static [&'static str])>,
}

const fn text(field: &'static str, required: bool) -> Column {
    Column {
        field,
        required,
        choices: None,
    }
}

const fn choice(
    field: &'static str,
    prefix: &'static str,
    values: &'static [&'static str],
) -> Column {
    Column {
        field,
        required: true,
        choices: Some((prefix, values)),
    }
}

const SUBJECT: [Column; 2] = [text("subject_name", true), text("subject_id_number", true)];
const VALIDITY: [Column; 2] = [text("valid_from", false), text("valid_until", false)];
const RESIDENCE: [Column; 5] = [
    text("address", true),
    choice(
        "housing_basis",
        "housing",
        &["lease", "owned", "dormitory", "committee"],
    ),
    text("residing_since", true),
    text("lease_end", false),
    text("lease_registration_no", false),
];
const EMPLOYMENT: [Column; 5] = [
    text("position", true),
    text("department", false),
    text("employed_since", true),
    choice(
        "contract_type",
        "contract",
        &["fixed_term", "open_ended", "other"],
    ),
    text("employed_until", false),
];
const ATTENDANCE: [Column; 6] = [
    text("student_number", true),
    text("programme", true),
    text("level", true),
    text("enrolled_since", true),
    text("expected_completion", true),
    choice("full_time", "fact", &["yes", "no"]),
];

/// The columns of a `kind` file, in template order.
pub fn columns(kind: AttestationKind) -> Vec<Column> {
    let facts: &[Column] = match kind {
        AttestationKind::Residence => &RESIDENCE,
        AttestationKind::Employment => &EMPLOYMENT,
        AttestationKind::Attendance => &ATTENDANCE,
    };
    SUBJECT
        .iter()
        .chain(facts)
        .chain(&VALIDITY)
        .copied()
        .collect()
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

/// How the uploaded bytes are decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 when it is valid UTF-8 (or starts with a BOM), else GB 18030.
    Auto,
    Utf8,
    /// GB 18030, the superset of GBK and GB 2312 that Chinese Excel saves.
    Gb18030,
}

impl Encoding {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "" | "auto" => Some(Self::Auto),
            "utf-8" => Some(Self::Utf8),
            "gbk" => Some(Self::Gb18030),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Utf8 => "utf-8",
            Self::Gb18030 => "gbk",
        }
    }
}

/// Why a whole file was refused (message keys; shown beside the file field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    Empty,
    TooBig,
    /// An Excel workbook, not a CSV file.
    Workbook,
    /// Not text at all.
    Binary,
    NotUtf8,
    NotGbk,
    /// A quote left open, or similar, at this line.
    Malformed(u64),
    /// Required columns absent from the header row (their fields).
    MissingColumns(Vec<&'static str>),
    NoRows,
    TooManyRows,
}

impl FileError {
    pub fn key(&self) -> &'static str {
        match self {
            Self::Empty => "error.bulk.empty",
            Self::TooBig => "error.bulk.too_big",
            Self::Workbook => "error.bulk.workbook",
            Self::Binary => "error.bulk.binary",
            Self::NotUtf8 => "error.bulk.not_utf8",
            Self::NotGbk => "error.bulk.not_gbk",
            Self::Malformed(_) => "error.bulk.malformed",
            Self::MissingColumns(_) => "error.bulk.missing_columns",
            Self::NoRows => "error.bulk.no_rows",
            Self::TooManyRows => "error.bulk.too_many_rows",
        }
    }

    /// The message in `lang`, with its line or columns.
    pub fn message(&self, lang: Lang) -> String {
        let text = lang.t(self.key());
        match self {
            Self::Malformed(line) => text.replace("{line}", &line.to_string()),
            Self::MissingColumns(fields) => {
                let names: Vec<String> = fields.iter().map(|f| lang.t(&header_key(f))).collect();
                text.replace(
                    "{columns}",
                    &names.join(lang.t("bulk.list_separator").as_str()),
                )
            }
            Self::TooManyRows => text.replace("{max}", &MAX_ROWS.to_string()),
            Self::TooBig => text.replace("{max}", &(MAX_BYTES / 1024 / 1024).to_string()),
            _ => text,
        }
    }
}

/// Decodes an uploaded file; returns its text and the encoding it was in.
pub fn decode(bytes: &[u8], chosen: Encoding) -> Result<(String, Encoding), FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(FileError::Workbook);
    }
    if bytes.contains(&0) {
        return Err(FileError::Binary);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_owned(), Encoding::Utf8))
            .map_err(|_| FileError::NotUtf8);
    }
    let utf8 = std::str::from_utf8(bytes).ok();
    let gb = || {
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|s| (s.into_owned(), Encoding::Gb18030))
    };
    match chosen {
        Encoding::Utf8 => utf8
            .map(|s| (s.to_owned(), Encoding::Utf8))
            .ok_or(FileError::NotUtf8),
        Encoding::Gb18030 => gb().ok_or(FileError::NotGbk),
        Encoding::Auto => match utf8 {
            Some(s) => Ok((s.to_owned(), Encoding::Utf8)),
            None => gb().ok_or(FileError::Binary),
        },
    }
    .and_then(|(text, encoding)| {
        // Text in no encoding is full of control characters.
        let controls = text
            .chars()
            .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            .count();
        if controls > text.len() / 100 {
            Err(FileError::Binary)
        } else {
            Ok((text, encoding))
        }
    })
}

/// What is wrong with one cell of a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The column (its field name).
    pub field: String,
    /// The message key.
    pub key: String,
    /// For a duplicate: the line it repeats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<i32>,
}

impl RowError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let text = lang.t(&self.key);
        match self.line {
            Some(line) => text.replace("{line}", &line.to_string()),
            None => text,
        }
    }
}

/// One data row of the file.
#[derive(Debug, Clone)]
pub struct Row {
    /// Its line in the file (the header is line 1), as Excel numbers rows.
    pub line: i32,
    /// The cells of the known columns, by field.
    pub cells: BTreeMap<String, String>,
    pub errors: Vec<RowError>,
    /// The proof it becomes, when it has no error.
    pub valid: Option<NewAttestation>,
    /// The ID number, when it is one (even if other cells are wrong): duplicates are found
    /// by it.
    pub id_number: Option<IdNumber>,
}

/// Parses and checks a decoded file for `kind` proofs by a `party` issuer on `today`.
pub fn parse(
    text: &str,
    kind: AttestationKind,
    party: PartyKind,
    today: NaiveDate,
) -> Result<Vec<Row>, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let columns = columns(kind);
    let header = reader
        .headers()
        .map_err(|e| FileError::Malformed(e.position().map_or(1, |p| p.line())))?
        .clone();
    let positions: HashMap<&'static str, usize> = columns
        .iter()
        .filter_map(|c| {
            header
                .iter()
                .position(|h| names_column(h, c.field))
                .map(|i| (c.field, i))
        })
        .collect();
    let missing: Vec<&'static str> = columns
        .iter()
        .filter(|c| c.required && !positions.contains_key(c.field))
        .map(|c| c.field)
        .collect();
    if !missing.is_empty() {
        return Err(FileError::MissingColumns(missing));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| FileError::Malformed(e.position().map_or(0, |p| p.line())))?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue; // Excel leaves empty rows at the end
        }
        if rows.len() == MAX_ROWS {
            return Err(FileError::TooManyRows);
        }
        let line = record.position().map_or(0, |p| line_at(text, p.byte()));
        let cells = positions
            .iter()
            .map(|(field, &i)| {
                (
                    (*field).to_owned(),
                    record.get(i).unwrap_or("").trim().to_owned(),
                )
            })
            .collect();
        rows.push(check_row(line, cells, kind, party, today));
    }
    if rows.is_empty() {
        return Err(FileError::NoRows);
    }
    mark_duplicates(&mut rows);
    Ok(rows)
}

/// The line (from 1) of the record read from byte `at`: the line of its first character.
/// (The csv crate's own count is one short after a CRLF, which is how Excel on Windows
/// ends lines, and its position may include the line endings before the record.)
fn line_at(text: &str, at: u64) -> i32 {
    let bytes = text.as_bytes();
    let mut start = usize::try_from(at).map_or(bytes.len(), |at| at.min(bytes.len()));
    while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
        start += 1;
    }
    let newlines = bytes[..start].iter().filter(|b| **b == b'\n').count();
    i32::try_from(newlines + 1).unwrap_or(i32::MAX)
}

/// True when header cell `h` names the column of `field`: its field name, or its header or
/// form label in either language.
fn names_column(h: &str, field: &str) -> bool {
    let h = h
        .trim()
        .trim_start_matches('\u{feff}')
        .trim_end_matches('*')
        .trim();
    let form_key = match field {
        "subject_name" | "subject_id_number" | "valid_from" | "valid_until" => {
            format!("attestations.{field}")
        }
        "employed_until" => "fact.employed_until_optional".to_owned(),
        _ => format!("fact.{field}"),
    };
    h.eq_ignore_ascii_case(field)
        || [Lang::Zh, Lang::En].iter().any(|lang| {
            h.eq_ignore_ascii_case(&lang.t(&header_key(field)))
                || h.eq_ignore_ascii_case(&lang.t(&form_key))
        })
}

/// Checks one row's cells: the issuing form's own validation, after mapping what Excel
/// users type (choice labels, dates such as 2024/3/1) to what the form takes.
pub fn check_row(
    line: i32,
    cells: BTreeMap<String, String>,
    kind: AttestationKind,
    party: PartyKind,
    today: NaiveDate,
) -> Row {
    let mut typed: BTreeMap<String, String> = cells.clone();
    for column in columns(kind) {
        let Some(value) = typed.get_mut(column.field) else {
            continue;
        };
        if let Some((prefix, values)) = column.choices {
            if let Some(code) = choice_value(value, prefix, values) {
                *value = code.to_owned();
            }
        } else if column.field.ends_with("_since")
            || column.field.starts_with("valid_")
            || matches!(
                column.field,
                "lease_end" | "employed_until" | "expected_completion"
            )
        {
            *value = iso_date(value);
        }
    }
    typed.insert("responsibility".into(), "on".into());
    let form: AttestationForm = serde_json::to_value(&typed)
        .and_then(serde_json::from_value)
        .unwrap_or_default();
    let mut field_errors = FieldErrors::default();
    let valid = form.validate(kind, party, today, &mut field_errors);
    let mut errors: Vec<RowError> = columns(kind)
        .iter()
        .filter_map(|c| {
            field_errors.get(c.field).map(|key| RowError {
                field: c.field.to_owned(),
                key: key.to_owned(),
                line: None,
            })
        })
        .collect();
    // Excel shows an 18-digit number as 1.10105E+17 and saves it so.
    if let Some(e) = errors.iter_mut().find(|e| e.field == "subject_id_number") {
        let id = cells.get("subject_id_number").map_or("", String::as_str);
        if id.contains(['E', 'e']) && id.contains('+') {
            e.key = "error.bulk.id_scientific".into();
        }
    }
    let id_number = cells
        .get("subject_id_number")
        .and_then(|s| IdNumber::parse(s).ok());
    Row {
        line,
        cells,
        errors,
        valid,
        id_number,
    }
}

/// The stored value of a choice typed as its value or its label in either language.
fn choice_value(typed: &str, prefix: &str, values: &[&'static str]) -> Option<&'static str> {
    let typed = typed.trim();
    values.iter().copied().find(|v| {
        typed.eq_ignore_ascii_case(v)
            || [Lang::Zh, Lang::En]
                .iter()
                .any(|l| typed.eq_ignore_ascii_case(&l.t(&format!("{prefix}.{v}"))))
    })
}

/// `2024/3/1`, `2024.3.1`, `2024年3月1日` → `2024-03-01`; anything else unchanged (the
/// form's check then reports it).
fn iso_date(typed: &str) -> String {
    let parts: Vec<&str> = typed
        .trim()
        .trim_end_matches('日')
        .split(['/', '-', '.', '年', '月'])
        .collect();
    if let [y, m, d] = parts.as_slice() {
        if let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                return date.format("%Y-%m-%d").to_string();
            }
        }
    }
    typed.to_owned()
}

/// A later row with the ID number of an earlier one is an error: one proof per person.
fn mark_duplicates(rows: &mut [Row]) {
    let mut first: HashMap<String, i32> = HashMap::new();
    for row in rows.iter_mut() {
        let Some(id) = row.id_number.as_ref().map(|i| i.expose().to_owned()) else {
            continue;
        };
        match first.get(&id) {
            Some(&line) => {
                row.errors.push(duplicate_of(line));
                row.valid = None;
            }
            None => {
                first.insert(id, row.line);
            }
        }
    }
}

/// The error of a row repeating line `line`.
pub fn duplicate_of(line: i32) -> RowError {
    RowError {
        field: "subject_id_number".into(),
        key: "error.bulk.duplicate".into(),
        line: Some(line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_dates_become_iso_dates() {
        for typed in [
            "2024/3/1",
            "2024-3-1",
            "2024.03.01",
            "2024年3月1日",
            "2024-03-01",
        ] {
            assert_eq!(iso_date(typed), "2024-03-01", "{typed}");
        }
        assert_eq!(
            iso_date("2024/2/30"),
            "2024/2/30",
            "left for the form to refuse"
        );
    }

    #[test]
    fn choices_are_read_as_labels_in_either_language_or_as_values() {
        let values: &[&str] = &["fixed_term", "open_ended", "other"];
        assert_eq!(
            choice_value("无固定期限", "contract", values),
            Some("open_ended")
        );
        assert_eq!(
            choice_value("Open-ended", "contract", values),
            Some("open_ended")
        );
        assert_eq!(
            choice_value("FIXED_TERM", "contract", values),
            Some("fixed_term")
        );
        assert_eq!(choice_value("临时工", "contract", values), None);
    }

    #[test]
    fn files_are_decoded_as_excel_saves_them() {
        let text = "姓名\n张三\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(
            decode(text.as_bytes(), Encoding::Auto),
            Ok((text.into(), Encoding::Utf8))
        );
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(
            decode(&bom, Encoding::Gb18030),
            Ok((text.into(), Encoding::Utf8))
        );
        assert_eq!(
            decode(&gbk, Encoding::Auto),
            Ok((text.into(), Encoding::Gb18030))
        );
        assert_eq!(decode(&gbk, Encoding::Utf8), Err(FileError::NotUtf8));
        assert_eq!(decode(b"a\0b", Encoding::Auto), Err(FileError::Binary));
        assert_eq!(
            decode(b"PK\x03\x04rest", Encoding::Auto),
            Err(FileError::Workbook)
        );
        assert_eq!(decode(b"", Encoding::Auto), Err(FileError::Empty));
    }

    #[test]
    fn rows_are_numbered_as_excel_shows_them_with_either_line_ending() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        for end in ["\n", "\r\n"] {
            let text = ["姓名,公民身份号码", "王一,1", "", "王二,2", "王三,3"].join(end);
            let text = format!("{text}{end}");
            let rows = parse(&text, AttestationKind::Residence, PartyKind::Lessor, today);
            assert!(matches!(rows, Err(FileError::MissingColumns(_))));
            let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
            let lines: Vec<i32> = reader
                .records()
                .map(|r| line_at(&text, r.unwrap().position().unwrap().byte()))
                .collect();
            assert_eq!(lines, vec![2, 4, 5], "{end:?}");
        }
    }

    #[test]
    fn the_template_has_a_bom_and_every_column() {
        let t = template(AttestationKind::Attendance, Lang::Zh);
        assert!(t.starts_with('\u{feff}'));
        assert_eq!(
            t.trim_start_matches('\u{feff}')
                .trim_end()
                .split(',')
                .count(),
            10
        );
        assert!(t.contains("学号") && t.contains("是否全日制"));
    }
}
