//! Attestations: validity and the issuing form.

use super::facts::Facts;
use super::facts_form::FactsForm;
use super::fields::{self, FieldErrors, Limit, Text};
use super::{AttestationKind, IdNumber, PartyKind};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

/// Validity defaults to 90 days.
pub const DEFAULT_VALIDITY_DAYS: i64 = 90;
/// Validity is at most one year.
pub const MAX_VALIDITY_DAYS: i64 = 366;
/// A proof may start at most this far in the future.
pub const MAX_START_DAYS: i64 = 90;

/// Who a proof is about, by ID number: as typed for a new proof, or as stored by the proof a
/// renewal replaces (masked, and its keyed hash): renewing never needs the full number.
#[derive(Debug, Clone)]
pub enum SubjectId {
    Typed(IdNumber),
    Stored { masked: String, hmac: String },
}

impl SubjectId {
    /// The number as shown: `110105********002X`.
    pub fn masked(&self) -> String {
        match self {
            Self::Typed(id) => id.masked(),
            Self::Stored { masked, .. } => masked.clone(),
        }
    }
}

/// A validated attestation, ready to sign.
#[derive(Debug, Clone)]
pub struct NewAttestation {
    pub kind: AttestationKind,
    pub subject_name: String,
    pub subject_id: SubjectId,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub applicant_email: Option<String>,
    pub facts: Facts,
    /// The proof this one renews (it becomes superseded).
    pub replaces: Option<super::AttestationId>,
}

/// The issuing form as typed (the browser form and the API request both fill it).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AttestationForm {
    #[serde(default)]
    pub subject_name: String,
    #[serde(default)]
    pub subject_id_number: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_until: String,
    #[serde(default)]
    pub applicant_email: String,
    /// The Article 9(4) checkbox: `on` (browser) or `true` (API) when ticked.
    #[serde(default)]
    pub responsibility: String,
    #[serde(flatten)]
    pub facts: FactsForm,
}

impl AttestationForm {
    /// Validates every field for a `kind` proof by a `party` issuer, on `today` (China
    /// time); one error per invalid field.
    pub fn validate(
        &self,
        kind: AttestationKind,
        party: PartyKind,
        today: NaiveDate,
        errors: &mut FieldErrors,
    ) -> Option<NewAttestation> {
        let subject_name = errors.check(
            "subject_name",
            Text::required(&self.subject_name, Limit::Chars50),
        );
        let subject_id = errors.check(
            "subject_id_number",
            subject_id_number(&self.subject_id_number).map(SubjectId::Typed),
        );
        self.validate_for(kind, party, today, errors, (subject_name, subject_id))
    }

    /// As `validate`, for the person `(name, id)` known already (a renewal, a request).
    pub fn validate_with_subject(
        &self,
        kind: AttestationKind,
        party: PartyKind,
        today: NaiveDate,
        errors: &mut FieldErrors,
        (name, id): (String, SubjectId),
    ) -> Option<NewAttestation> {
        self.validate_for(kind, party, today, errors, (Some(name), Some(id)))
    }

    fn validate_for(
        &self,
        kind: AttestationKind,
        party: PartyKind,
        today: NaiveDate,
        errors: &mut FieldErrors,
        (subject_name, subject_id): (Option<String>, Option<SubjectId>),
    ) -> Option<NewAttestation> {
        let valid_from = match self.valid_from.trim() {
            "" => Some(today),
            s => errors.check("valid_from", fields::date(s)).and_then(|d| {
                if d < today {
                    errors.add("valid_from", "error.valid_from.past");
                    None
                } else if d > today + Duration::days(MAX_START_DAYS) {
                    errors.add("valid_from", "error.valid_from.far");
                    None
                } else {
                    Some(d)
                }
            }),
        };
        let valid_until = match (self.valid_until.trim(), valid_from) {
            ("", Some(from)) => Some(from + Duration::days(DEFAULT_VALIDITY_DAYS)),
            ("", None) => None,
            (s, from) => errors
                .check("valid_until", fields::date(s))
                .and_then(|d| match from {
                    Some(from) if d < from => {
                        errors.add("valid_until", "error.valid_until.before");
                        None
                    }
                    Some(from) if d > last_day_of_year_from(from) => {
                        errors.add("valid_until", "error.valid_until.year");
                        None
                    }
                    _ => Some(d),
                }),
        };
        let applicant_email = match self.applicant_email.trim() {
            "" => Some(None),
            s => errors.check("applicant_email", fields::email(s)).map(Some),
        };
        if !matches!(self.responsibility.as_str(), "on" | "true") {
            errors.add("responsibility", "error.responsibility");
        }
        let facts = self.facts.validate(kind, party, today, errors);
        if !errors.is_empty() {
            return None;
        }
        Some(NewAttestation {
            kind,
            subject_name: subject_name?,
            subject_id: subject_id?,
            valid_from: valid_from?,
            valid_until: valid_until?,
            applicant_email: applicant_email?,
            facts: facts?,
            replaces: None,
        })
    }
}

/// A person's resident ID number as typed, or the message key of what is wrong with it.
pub fn subject_id_number(typed: &str) -> Result<IdNumber, &'static str> {
    match typed.trim() {
        "" => Err("error.required"),
        s => IdNumber::parse(s).map_err(|e| match e {
            super::IdNumberError::BirthDate => "error.id_number.birth_date",
            _ => "error.id_number.checksum",
        }),
    }
}

/// The last day of a one-year validity starting on `from`.
pub fn last_day_of_year_from(from: NaiveDate) -> NaiveDate {
    from.checked_add_months(chrono::Months::new(12))
        .map_or(from + Duration::days(MAX_VALIDITY_DAYS - 1), |d| {
            d - Duration::days(1)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> AttestationForm {
        AttestationForm {
            subject_name: "王五".into(),
            subject_id_number: "11010519491231002X".into(),
            responsibility: "on".into(),
            facts: FactsForm::from([
                ("position", "工程师"),
                ("employed_since", "2024-03-01"),
                ("contract_type", "open_ended"),
            ]),
            ..Default::default()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    /// Validates `f` as an employer's employment proof on `today()`.
    fn check(f: &AttestationForm) -> (Option<NewAttestation>, FieldErrors) {
        let mut errors = FieldErrors::default();
        let kind = AttestationKind::Employment;
        let a = f.validate(kind, PartyKind::Employer, today(), &mut errors);
        (a, errors)
    }

    #[test]
    fn validity_defaults_to_90_days_from_today() {
        let a = check(&form()).0.unwrap();
        assert_eq!(a.valid_from, today());
        assert_eq!(a.valid_until, today() + Duration::days(90));
    }

    #[test]
    fn validity_is_at_most_a_year_and_not_backdated() {
        let cases = [
            ("2026-11-26", "", "valid_from"),
            ("2027-03-01", "", "valid_from"),
            ("2026-12-01", "2026-11-30", "valid_until"),
            ("2026-12-01", "2027-12-01", "valid_until"),
            ("2026-13-01", "", "valid_from"),
        ];
        for (from, until, field) in cases {
            let (from, until) = (from.into(), until.into());
            let (a, errors) = check(&AttestationForm {
                valid_from: from,
                valid_until: until,
                ..form()
            });
            assert!(a.is_none());
            assert_eq!(errors.fields(), vec![field]);
        }
        let (from, until) = ("2026-12-01".into(), "2027-11-30".into());
        assert!(check(&AttestationForm {
            valid_from: from,
            valid_until: until,
            ..form()
        })
        .0
        .is_some());
    }

    #[test]
    fn the_responsibility_statement_must_be_accepted() {
        let (a, errors) = check(&AttestationForm {
            responsibility: String::new(),
            ..form()
        });
        assert!(a.is_none());
        assert_eq!(errors.get("responsibility"), Some("error.responsibility"));
    }

    #[test]
    fn who_may_issue_what() {
        use AttestationKind::*;
        assert_eq!(
            AttestationKind::allowed_for(PartyKind::Lessor),
            &[Residence]
        );
        assert_eq!(
            AttestationKind::allowed_for(PartyKind::Employer),
            &[Employment, Residence]
        );
        assert_eq!(
            AttestationKind::allowed_for(PartyKind::School),
            &[Attendance, Residence]
        );
        assert_eq!(
            AttestationKind::allowed_for(PartyKind::VillagersCommittee),
            &[Residence]
        );
        assert_eq!(
            Residence.title_key(PartyKind::ResidentsCommittee),
            "title.residence_committee"
        );
        assert_eq!(Residence.title_key(PartyKind::Lessor), "title.residence");
    }
}
