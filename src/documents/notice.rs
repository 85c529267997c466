//! The one-time notice (一次性告知书): what an application misses and what would satisfy
//! each item, in the reader's language. The print page, the PDF and the applicant's email
//! read the same lines.

use crate::db::models::application_notices::Notice;
use crate::db::models::applications::Application;
use crate::db::models::stations::Station;
use crate::domain::article9::{Item, NoticeItem};
use crate::domain::china_time;
use crate::i18n::Lang;

/// One missing item: what it is, and what would satisfy it.
#[derive(Debug, Clone)]
pub struct NoticeLine {
    pub title: String,
    pub satisfy: String,
}

/// The line of `item` in `lang`.
pub fn line(lang: Lang, item: &NoticeItem) -> NoticeLine {
    let stem = item.item.as_str();
    let mut satisfy = lang.t(&format!("article9.{stem}.satisfy"));
    if let (Item::Basis, Some(day)) = (item.item, item.six_months_on) {
        satisfy.push(' ');
        satisfy.push_str(
            &lang
                .t("article9.basis.six_months_on")
                .replace("%{date}", &day.to_string()),
        );
    }
    NoticeLine {
        title: lang.t(&format!("article9.{stem}.title")),
        satisfy,
    }
}

/// A notice as printed.
#[derive(Debug, Clone)]
pub struct PrintedNotice {
    pub title: String,
    /// Label and value: station, application number, date, masked ID number, officer.
    pub heading: Vec<(String, String)>,
    pub lead: String,
    pub lines: Vec<NoticeLine>,
    pub closing: String,
}

/// `notice` of application `app` at `station`, in `lang`.
pub fn printed(lang: Lang, station: &Station, app: &Application, notice: &Notice) -> PrintedNotice {
    let items: Vec<NoticeItem> = serde_json::from_str(&notice.items).unwrap_or_default();
    let kind = lang.t(&format!("application.kind.{}", app.kind.as_str()));
    PrintedNotice {
        title: lang.t("notice.title"),
        heading: vec![
            (
                lang.t("notice.station"),
                format!("{}（{}）", station.name, station.code),
            ),
            (lang.t("field.application_no"), app.application_no.clone()),
            (lang.t("application.kind"), kind),
            (lang.t("field.id_number"), app.subject_id_masked.clone()),
            (
                lang.t("notice.date"),
                china_time::local(notice.issued_at).date().to_string(),
            ),
            (lang.t("field.officer_no"), app.officer_no.clone()),
        ],
        lead: lang.t("notice.lead"),
        lines: items.iter().map(|i| line(lang, i)).collect(),
        closing: lang.t("notice.closing"),
    }
}
