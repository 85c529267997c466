//! The two languages of the UI: Simplified Chinese first, English by choice. Texts live in
//! `src/locales/app.yml`, both languages side by side under each key.

use actix_web::HttpRequest;

/// The cookie that remembers the visitor's choice.
pub const LANG_COOKIE: &str = "attest_lang";

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The locale name in `app.yml` and the value of `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language the switch offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// Parses a cookie or switch value.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh-CN" | "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The visitor's language: the cookie when set, else the first of Chinese or English in
    /// `Accept-Language`, else Chinese.
    pub fn of_request(req: &HttpRequest) -> Lang {
        if let Some(lang) = req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())) {
            return lang;
        }
        let header = req
            .headers()
            .get(actix_web::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        from_accept_language(header)
    }

    /// The text of `key` in this language.
    pub fn t(&self, key: &str) -> String {
        rust_i18n::t!(key, locale = self.code()).into_owned()
    }
}

fn from_accept_language(header: &str) -> Lang {
    let mut ranges: Vec<(f32, &str)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((q, tag))
        })
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (_, tag) in ranges {
        let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "zh" => return Lang::Zh,
            "en" => return Lang::En,
            _ => {}
        }
    }
    Lang::Zh
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language() {
        assert_eq!(from_accept_language(""), Lang::Zh);
        assert_eq!(from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(from_accept_language("fr;q=1,en;q=0.5,zh;q=0.4"), Lang::En);
        assert_eq!(from_accept_language("de"), Lang::Zh);
    }

    #[test]
    fn every_key_has_both_languages() {
        let yaml = include_str!("locales/app.yml");
        let mut key = None;
        let mut seen = (false, false);
        let mut checked = 0;
        for line in yaml.lines().chain(std::iter::once("end:")) {
            if line.starts_with('_') || line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            if !line.starts_with(' ') {
                if let Some(k) = key.take() {
                    assert_eq!(seen, (true, true), "{k} lacks a language");
                    checked += 1;
                }
                key = Some(line.trim_end_matches(':').to_owned());
                seen = (false, false);
            } else if line.trim_start().starts_with("zh-CN:") {
                seen.0 = true;
            } else if line.trim_start().starts_with("en:") {
                seen.1 = true;
            }
        }
        assert!(checked > 50);
    }
}
