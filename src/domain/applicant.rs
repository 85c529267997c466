//! The applicant's side: a request for a proof as the applicant types it, and the settings
//! of the request links a party hands out.

use super::attestation::subject_id_number;
use super::facts_form::FactsForm;
use super::fields::{self, FieldErrors, Limit, Text};
use super::{AttestationKind, IdNumber, PartyKind};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

/// Days an open request waits for its party; then it expires and its data is deleted.
pub const REQUEST_DAYS: i64 = 30;
/// Days after a proof's last day that its holder's page still opens.
pub const HOLDER_DAYS_AFTER_END: i64 = 30;
/// The most uses a request link may be limited to.
pub const MAX_LINK_USES: i32 = 10_000;

/// The request form of `/request/{token}` as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    pub subject_name: String,
    #[serde(default)]
    pub subject_id_number: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    /// The consent checkbox: `on` when ticked.
    #[serde(default)]
    pub consent: String,
    #[serde(flatten)]
    pub facts: FactsForm,
}

/// A request that passed every check.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub subject_name: String,
    pub subject_id: IdNumber,
    pub email: String,
    pub phone: String,
    /// The facts the applicant was asked for, as typed (checked).
    pub facts: FactsForm,
}

impl RequestForm {
    /// Checks a request for a `kind` proof from a `party` on `today`; one error per field.
    pub fn validate(
        &self,
        kind: AttestationKind,
        party: PartyKind,
        today: NaiveDate,
        errors: &mut FieldErrors,
    ) -> Option<NewRequest> {
        let name = errors.check(
            "subject_name",
            Text::required(&self.subject_name, Limit::Chars50),
        );
        let id = errors.check(
            "subject_id_number",
            subject_id_number(&self.subject_id_number),
        );
        let email = errors.check("email", fields::email(&self.email));
        let phone = errors.check("phone", fields::phone(&self.phone));
        if self.consent != "on" {
            errors.add("consent", "error.consent");
        }
        let facts = self.facts.validate_asked(kind, party, today, errors);
        if !errors.is_empty() {
            return None;
        }
        Some(NewRequest {
            subject_name: name?,
            subject_id: id?,
            email: email?,
            phone: phone?,
            facts: facts?,
        })
    }
}

/// The form that makes a request link.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    pub kind: String,
    /// What the party calls it (a flat, an office); shown on the poster.
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub max_uses: String,
    #[serde(default)]
    pub valid_until: String,
}

/// A request link's settings, checked.
#[derive(Debug, Clone)]
pub struct NewLink {
    pub kind: AttestationKind,
    pub label: String,
    pub max_uses: Option<i32>,
    pub valid_until: Option<NaiveDate>,
}

impl LinkForm {
    /// Checks the settings for a `party` on `today`.
    pub fn validate(
        &self,
        party: PartyKind,
        today: NaiveDate,
        errors: &mut FieldErrors,
    ) -> Option<NewLink> {
        let kind = errors.check(
            "kind",
            AttestationKind::parse(&self.kind)
                .filter(|k| AttestationKind::allowed_for(party).contains(k))
                .ok_or("error.choose"),
        );
        let label = errors.check("label", Text::optional(&self.label, Limit::Chars50));
        let max_uses = match self.max_uses.trim() {
            "" => Some(None),
            s => errors.check(
                "max_uses",
                s.parse::<i32>()
                    .ok()
                    .filter(|n| (1..=MAX_LINK_USES).contains(n))
                    .map(Some)
                    .ok_or("error.link.max_uses"),
            ),
        };
        let valid_until =
            match errors.check("valid_until", fields::optional_date(&self.valid_until)) {
                Some(Some(d)) if d < today => {
                    errors.add("valid_until", "error.link.past");
                    None
                }
                other => other,
            };
        Some(NewLink {
            kind: kind?,
            label: label?,
            max_uses: max_uses?,
            valid_until: valid_until?,
        })
    }
}

/// Why a request link does not take requests now (each has its own page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkClosed {
    Deleted,
    Paused,
    Expired,
    UsedUp,
}

impl LinkClosed {
    /// The message key of what the applicant is told.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Deleted => "request.closed.deleted",
            Self::Paused => "request.closed.paused",
            Self::Expired => "request.closed.expired",
            Self::UsedUp => "request.closed.used_up",
        }
    }
}

/// Whether a link with these settings takes a request on `today`.
pub fn link_open(
    deleted: bool,
    paused: bool,
    valid_until: Option<NaiveDate>,
    uses: (i32, Option<i32>),
    today: NaiveDate,
) -> Result<(), LinkClosed> {
    if deleted {
        return Err(LinkClosed::Deleted);
    }
    if paused {
        return Err(LinkClosed::Paused);
    }
    if valid_until.is_some_and(|d| d < today) {
        return Err(LinkClosed::Expired);
    }
    match uses {
        (used, Some(max)) if used >= max => Err(LinkClosed::UsedUp),
        _ => Ok(()),
    }
}

/// The last day an open request made on `made_on` is kept.
pub fn request_expires(made_on: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    made_on + Duration::days(REQUEST_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn request() -> RequestForm {
        RequestForm {
            subject_name: "李四".into(),
            subject_id_number: "440304199002151545".into(),
            email: "lisi@example.cn".into(),
            phone: "13800138000".into(),
            consent: "on".into(),
            facts: FactsForm::from([
                ("address", "深圳市福田区福华路 1 号 2 栋 301 室"),
                ("residing_since", "2026-06-01"),
                ("housing_basis", "owned"),
            ]),
        }
    }

    #[test]
    fn a_request_keeps_only_the_facts_the_applicant_is_asked_for() {
        let mut errors = FieldErrors::default();
        let new = request()
            .validate(
                AttestationKind::Residence,
                PartyKind::Lessor,
                today(),
                &mut errors,
            )
            .unwrap();
        assert_eq!(new.facts.value("residing_since"), "2026-06-01");
        assert_eq!(
            new.facts.value("housing_basis"),
            "",
            "the issuer's to choose"
        );
    }

    #[test]
    fn a_wrong_check_character_and_no_consent_are_named() {
        let mut form = request();
        form.subject_id_number = "440304199002151546".into();
        form.consent = String::new();
        form.facts
            .0
            .insert("residing_since".into(), "2027-01-01".into());
        let mut errors = FieldErrors::default();
        let kind = AttestationKind::Residence;
        assert!(form
            .validate(kind, PartyKind::Lessor, today(), &mut errors)
            .is_none());
        assert_eq!(
            errors.get("subject_id_number"),
            Some("error.id_number.checksum")
        );
        assert_eq!(errors.get("consent"), Some("error.consent"));
        assert_eq!(errors.get("residing_since"), Some("error.date.future"));
    }

    #[test]
    fn a_link_is_closed_for_each_reason_in_turn() {
        let t = today();
        assert_eq!(link_open(false, false, None, (3, None), t), Ok(()));
        assert_eq!(
            link_open(true, true, None, (0, None), t),
            Err(LinkClosed::Deleted)
        );
        assert_eq!(
            link_open(false, true, None, (0, None), t),
            Err(LinkClosed::Paused)
        );
        let yesterday = t - Duration::days(1);
        assert_eq!(
            link_open(false, false, Some(yesterday), (0, None), t),
            Err(LinkClosed::Expired)
        );
        assert_eq!(link_open(false, false, Some(t), (0, Some(2)), t), Ok(()));
        assert_eq!(
            link_open(false, false, None, (2, Some(2)), t),
            Err(LinkClosed::UsedUp)
        );
    }

    #[test]
    fn link_settings_are_checked() {
        let form = LinkForm {
            kind: "employment".into(),
            max_uses: "0".into(),
            valid_until: "2026-12-01".into(),
            ..Default::default()
        };
        let mut errors = FieldErrors::default();
        assert!(form
            .validate(PartyKind::Lessor, today(), &mut errors)
            .is_none());
        assert_eq!(errors.fields(), vec!["kind", "max_uses", "valid_until"]);
    }
}
