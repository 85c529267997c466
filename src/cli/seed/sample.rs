//! `attest dev sample-csv`: a bulk-issuance file as Excel saves it (CRLF line ends, GBK or
//! UTF-8 with BOM, dates as 2021/3/1), with fictitious people whose ID numbers are valid
//! and all different — for trying the bulk page, the tests and the benchmark.

use crate::domain::bulk::{columns, header_key};
use crate::domain::{AttestationKind, IdNumber};
use crate::i18n::Lang;
use chrono::{Duration, NaiveDate};

/// The ID number of sample person `n` (16 million distinct numbers: born on one of 16,000
/// days from 1960, a sequence number per day).
pub fn sample_id_number(n: usize) -> String {
    let birth = NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default()
        + Duration::days(i64::try_from(n % 16_000).unwrap_or(0));
    let digits = format!("440304{}{:03}", birth.format("%Y%m%d"), (n / 16_000) % 1000);
    IdNumber::complete(&digits)
        .map(|id| id.expose().to_owned())
        .unwrap_or_default()
}

/// The name of sample person `n` of a `kind` file: 员工0, 学生0, 住户0.
pub fn sample_name(kind: AttestationKind, n: usize) -> String {
    let prefix = match kind {
        AttestationKind::Employment => "员工",
        AttestationKind::Attendance => "学生",
        AttestationKind::Residence => "住户",
    };
    format!("{prefix}{n}")
}

/// The cell of `field` for sample person `n`.
fn cell(kind: AttestationKind, field: &str, n: usize) -> String {
    match field {
        "subject_name" => sample_name(kind, n),
        "subject_id_number" => sample_id_number(n),
        "address" => format!("深圳市福田区福华路 {} 号 {} 室", 1 + n % 300, 101 + n % 20),
        "housing_basis" => "房屋租赁".into(),
        "residing_since" | "employed_since" => "2021/3/1".into(),
        "position" => "装配工".into(),
        "department" => "总装车间".into(),
        "contract_type" => "无固定期限".into(),
        "student_number" => format!("2024{n:06}"),
        "programme" => "软件工程".into(),
        "level" => "本科".into(),
        "enrolled_since" => "2024/9/1".into(),
        "expected_completion" => "2028/6/30".into(),
        "full_time" => "是".into(),
        _ => String::new(),
    }
}

/// A `kind` file of `rows` people, header in Chinese; GBK when `gbk`, else UTF-8 with BOM.
pub fn sample_csv(kind: AttestationKind, rows: usize, gbk: bool) -> Vec<u8> {
    let columns = columns(kind);
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header: Vec<String> = columns
        .iter()
        .map(|c| Lang::Zh.t(&header_key(c.field)))
        .collect();
    // Writing to memory cannot fail.
    let _ = out.write_record(&header);
    for n in 0..rows {
        let _ = out.write_record(columns.iter().map(|c| cell(kind, c.field, n)));
    }
    let text = String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default();
    if gbk {
        encoding_rs::GBK.encode(&text).0.into_owned()
    } else {
        format!("\u{feff}{text}").into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::bulk::{decode, parse, Encoding};
    use crate::domain::PartyKind;

    #[test]
    fn every_sample_row_passes_the_checks_in_both_encodings() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        for (kind, party) in [
            (AttestationKind::Employment, PartyKind::Employer),
            (AttestationKind::Attendance, PartyKind::School),
            (AttestationKind::Residence, PartyKind::Lessor),
        ] {
            for gbk in [true, false] {
                let (text, _) = decode(&sample_csv(kind, 300, gbk), Encoding::Auto).unwrap();
                let rows = parse(&text, kind, party, today).unwrap();
                assert_eq!(rows.len(), 300);
                assert!(
                    rows.iter().all(|r| r.errors.is_empty()),
                    "{:?}",
                    rows[0].errors
                );
                assert_eq!(rows[299].line, 301);
            }
        }
        let ids: std::collections::HashSet<String> = (0..50_000).map(sample_id_number).collect();
        assert_eq!(ids.len(), 50_000);
    }
}
