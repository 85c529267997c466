//! Reading an uploaded file: UTF-8 (with or without BOM) or GB 18030, and the answers to
//! a file that cannot be read.

use super::{header_key, MAX_BYTES, MAX_ROWS};
use crate::i18n::Lang;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
