//! An email in both languages: Chinese first, English below; a plain-text and an HTML part
//! rendered from askama templates.

use crate::i18n::Lang;
use askama::Template;

/// One line of facts in an email.
pub struct MailFact {
    pub label_key: &'static str,
    pub zh: String,
    pub en: String,
    /// Where the value links to (a proof's renew page in a digest).
    pub link: Option<String>,
}

impl MailFact {
    /// A fact whose value reads the same in both languages (a name, a code, a date).
    pub fn plain(label_key: &'static str, value: impl Into<String>) -> Self {
        let value = value.into();
        Self {
            label_key,
            zh: value.clone(),
            en: value,
            link: None,
        }
    }

    /// A plain fact whose value links to `link`.
    pub fn linked(label_key: &'static str, value: impl Into<String>, link: String) -> Self {
        Self {
            link: Some(link),
            ..Self::plain(label_key, value)
        }
    }

    /// A fact whose value is itself a message key.
    pub fn keyed(label_key: &'static str, value_key: &str) -> Self {
        Self {
            label_key,
            zh: Lang::Zh.t(value_key),
            en: Lang::En.t(value_key),
            link: None,
        }
    }
}

/// What a notification says, before rendering.
pub struct Notification {
    /// Message key of the headline (also the subject, followed by `subject_detail`).
    pub headline_key: &'static str,
    /// Who or what it is about, for the subject line (a name and a masked ID, never more).
    pub subject_detail: String,
    pub facts: Vec<MailFact>,
    /// A link back to the portal.
    pub link: Option<String>,
}

/// A rendered email.
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// One fact as rendered: its label, its value and where the value links to.
type RenderedFact<'a> = (String, &'a str, Option<&'a str>);

/// The texts of one language.
struct Part<'a> {
    headline: String,
    facts: Vec<RenderedFact<'a>>,
    link_label: String,
    footer: String,
}

#[derive(Template)]
#[template(path = "email/notification.txt")]
struct TextBody<'a> {
    zh: &'a Part<'a>,
    en: &'a Part<'a>,
    link: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "email/notification.html")]
struct HtmlBody<'a> {
    zh: &'a Part<'a>,
    en: &'a Part<'a>,
    link: Option<&'a str>,
}

fn part(lang: Lang, n: &Notification) -> Part<'_> {
    Part {
        headline: lang.t(n.headline_key),
        facts: n
            .facts
            .iter()
            .map(|f| {
                (
                    lang.t(f.label_key),
                    if lang == Lang::Zh {
                        f.zh.as_str()
                    } else {
                        f.en.as_str()
                    },
                    f.link.as_deref(),
                )
            })
            .collect(),
        link_label: lang.t("mail.link"),
        footer: lang.t("mail.footer"),
    }
}

impl Notification {
    /// Renders the subject and both parts.
    pub fn render(&self) -> anyhow::Result<Email> {
        let zh = part(Lang::Zh, self);
        let en = part(Lang::En, self);
        let link = self.link.as_deref();
        Ok(Email {
            subject: format!(
                "【Attest】{} / {}：{}",
                zh.headline, en.headline, self.subject_detail
            ),
            text: TextBody {
                zh: &zh,
                en: &en,
                link,
            }
            .render()?,
            html: HtmlBody {
                zh: &zh,
                en: &en,
                link,
            }
            .render()?,
        })
    }
}
