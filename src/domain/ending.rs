//! Ending a proof: the reason from a list, by kind (the tenant moved out, the employee left,
//! the student graduated), with free text for "other", and the day it ended.

use super::attestation_kind::AttestationKind;
use super::fields::{self, FieldErrors, Limit, Text};
use chrono::NaiveDate;
use serde::Deserialize;

/// Why a proof ended.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    utoipa::ToSchema,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// 已搬离
    MovedOut,
    /// 已离职
    LeftJob,
    /// 已毕业 / 已离校
    LeftSchool,
    /// 信息有误
    IssuedInError,
    /// 其他 (with text)
    Other,
}

impl EndReason {
    const ALL: [EndReason; 5] = [
        Self::MovedOut,
        Self::LeftJob,
        Self::LeftSchool,
        Self::IssuedInError,
        Self::Other,
    ];

    /// The stored and submitted value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MovedOut => "moved_out",
            Self::LeftJob => "left_job",
            Self::LeftSchool => "left_school",
            Self::IssuedInError => "issued_in_error",
            Self::Other => "other",
        }
    }

    /// Parses the stored or submitted value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// The message key of its label.
    pub fn label_key(self) -> String {
        format!("end_reason.{}", self.as_str())
    }

    /// The reasons a `kind` proof may end for, in the order the form lists them.
    pub fn for_kind(kind: AttestationKind) -> [EndReason; 3] {
        [Self::of_kind(kind), Self::IssuedInError, Self::Other]
    }

    /// The reasons proofs of any of `kinds` may end for: each kind's own, then the shared.
    pub fn for_kinds(kinds: &[AttestationKind]) -> Vec<EndReason> {
        let mut reasons: Vec<EndReason> = kinds.iter().map(|k| Self::of_kind(*k)).collect();
        reasons.extend([Self::IssuedInError, Self::Other]);
        reasons
    }

    /// The reason that belongs to `kind` alone.
    fn of_kind(kind: AttestationKind) -> EndReason {
        match kind {
            AttestationKind::Residence => Self::MovedOut,
            AttestationKind::Employment => Self::LeftJob,
            AttestationKind::Attendance => Self::LeftSchool,
        }
    }
}

/// A checked ending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    pub reason: EndReason,
    /// The text given with "other" (or with any reason, when typed).
    pub text: Option<String>,
    /// The day the proof ended.
    pub ended_on: NaiveDate,
}

impl Ending {
    /// For the audit log: the reason's code, the day, and the text.
    pub fn summary(&self) -> String {
        let mut s = format!("{} {}", self.reason.as_str(), self.ended_on);
        if let Some(text) = &self.text {
            s.push_str(": ");
            s.push_str(text);
        }
        s
    }
}

/// The ending form as typed (the browser's and the API's).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EndForm {
    #[serde(default)]
    pub reason_code: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub ended_on: String,
}

impl EndForm {
    /// Checks the ending of `kinds` proofs valid from `valid_from` (the latest of them), on
    /// `today`: a reason of their kind, text with "other", a day between the start of
    /// validity and today (today when empty).
    pub fn validate(
        &self,
        kinds: &[AttestationKind],
        valid_from: NaiveDate,
        today: NaiveDate,
        errors: &mut FieldErrors,
    ) -> Option<Ending> {
        // A form without a code but with text (as forms and clients before the list sent
        // it) is "other" with that text.
        let code = match (self.reason_code.trim(), self.reason.trim()) {
            ("", text) if !text.is_empty() => "other",
            (code, _) => code,
        };
        let reason = errors.check(
            "reason_code",
            EndReason::parse(code)
                .filter(|r| kinds.iter().all(|k| EndReason::for_kind(*k).contains(r)))
                .ok_or("error.choose"),
        );
        let text = errors.check("reason", Text::optional(&self.reason, Limit::Chars200));
        if reason == Some(EndReason::Other) && text.as_deref() == Some("") {
            errors.add("reason", "error.end.other_text");
        }
        let ended_on = match fields::optional_date(&self.ended_on) {
            Ok(None) => Some(today),
            Ok(Some(day)) if day > today => {
                errors.add("ended_on", "error.end.future");
                None
            }
            Ok(Some(day)) if day < valid_from => {
                errors.add("ended_on", "error.end.before_start");
                None
            }
            Ok(Some(day)) => Some(day),
            Err(key) => {
                errors.add("ended_on", key);
                None
            }
        };
        if !errors.is_empty() {
            return None;
        }
        Some(Ending {
            reason: reason?,
            text: text.filter(|t| !t.is_empty()),
            ended_on: ended_on?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn check(form: EndForm, kind: AttestationKind) -> Result<Ending, Vec<&'static str>> {
        let mut errors = FieldErrors::default();
        form.validate(&[kind], day(1), day(20), &mut errors)
            .ok_or_else(|| errors.fields())
    }

    #[test]
    fn a_reason_of_the_kind_and_a_day_within_the_validity() {
        let moved = EndForm {
            reason_code: "moved_out".into(),
            ..Default::default()
        };
        let ending = check(moved.clone(), AttestationKind::Residence).unwrap();
        assert_eq!(
            (ending.reason, ending.ended_on),
            (EndReason::MovedOut, day(20))
        );
        assert_eq!(
            check(moved, AttestationKind::Employment),
            Err(vec!["reason_code"])
        );
        let other = EndForm {
            reason_code: "other".into(),
            ended_on: "2026-11-21".into(),
            ..Default::default()
        };
        assert_eq!(
            check(other, AttestationKind::Attendance),
            Err(vec!["ended_on", "reason"])
        );
        let early = EndForm {
            reason_code: "left_job".into(),
            ended_on: "2026-10-31".into(),
            ..Default::default()
        };
        assert_eq!(
            check(early, AttestationKind::Employment),
            Err(vec!["ended_on"])
        );
    }
}
