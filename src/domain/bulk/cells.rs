//! What Excel users type, as the issuing form takes it: choice labels, dates such as
//! 2024/3/1.

use crate::i18n::Lang;
use chrono::NaiveDate;

/// The stored value of a choice typed as its value or its label in either language.
pub(super) fn choice_value(
    typed: &str,
    prefix: &str,
    values: &[&'static str],
) -> Option<&'static str> {
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
pub(super) fn iso_date(typed: &str) -> String {
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
}
