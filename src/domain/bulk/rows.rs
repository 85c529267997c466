//! The rows of a file: the header matched to the columns, each row checked with the
//! issuing form's rules, duplicates found.

use super::cells::{choice_value, iso_date};
use super::{columns, header_key, Column, FileError, MAX_ROWS};
use crate::domain::attestation::{AttestationForm, NewAttestation, SubjectId};
use crate::domain::fact_fields::Input;
use crate::domain::fields::FieldErrors;
use crate::domain::AttestationKind;
use crate::domain::{IdNumber, PartyKind};
use crate::i18n::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

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
                .position(|h| names_column(h, c))
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
        rows.push(check_row(line, cells, kind, party, today, None));
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

/// True when header cell `h` names `column`: its field name, or its header or form label in
/// either language.
fn names_column(h: &str, column: &Column) -> bool {
    let h = h
        .trim()
        .trim_start_matches('\u{feff}')
        .trim_end_matches('*')
        .trim();
    h.eq_ignore_ascii_case(column.field)
        || [Lang::Zh, Lang::En].iter().any(|lang| {
            h.eq_ignore_ascii_case(&lang.t(&header_key(column.field)))
                || h.eq_ignore_ascii_case(&lang.t(column.form_label))
        })
}

/// Checks one row's cells: the issuing form's own validation, after mapping what Excel
/// users type (choice labels, dates such as 2024/3/1) to what the form takes. A row
/// `renewing` a proof is about that proof's person (name and ID number are not read).
pub fn check_row(
    line: i32,
    cells: BTreeMap<String, String>,
    kind: AttestationKind,
    party: PartyKind,
    today: NaiveDate,
    renewing: Option<(String, SubjectId)>,
) -> Row {
    let mut typed: BTreeMap<String, String> = cells.clone();
    for column in columns(kind) {
        let Some(value) = typed.get_mut(column.field) else {
            continue;
        };
        if let Some((prefix, values)) = column.input.choices() {
            if let Some(code) = choice_value(value, prefix, values) {
                *value = code.to_owned();
            }
        } else if let Input::Date(_) = column.input {
            *value = iso_date(value);
        }
    }
    typed.insert("responsibility".into(), "on".into());
    let form: AttestationForm = serde_json::to_value(&typed)
        .and_then(serde_json::from_value)
        .unwrap_or_default();
    let mut field_errors = FieldErrors::default();
    let valid = match renewing {
        Some(subject) => form.validate_with_subject(kind, party, today, &mut field_errors, subject),
        None => form.validate(kind, party, today, &mut field_errors),
    };
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
}
