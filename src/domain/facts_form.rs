//! The facts form: every fact field as typed, validated for one kind of proof.

use super::attestation_kind::AttestationKind;
use super::facts::{
    AttendanceFacts, ContractType, EmploymentFacts, Facts, HousingBasis, ResidenceFacts,
};
use super::fields::{self, FieldErrors, Limit, Text};
use super::PartyKind;
use chrono::NaiveDate;
use serde::Deserialize;

/// Every fact field as typed; only those of the chosen kind are read.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FactsForm {
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub housing_basis: String,
    #[serde(default)]
    pub residing_since: String,
    #[serde(default)]
    pub lease_end: String,
    #[serde(default)]
    pub lease_registration_no: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub employed_since: String,
    #[serde(default)]
    pub contract_type: String,
    #[serde(default)]
    pub employed_until: String,
    #[serde(default)]
    pub student_number: String,
    #[serde(default)]
    pub programme: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub enrolled_since: String,
    #[serde(default)]
    pub expected_completion: String,
    #[serde(default)]
    pub full_time: String,
}

fn choice<T: serde::de::DeserializeOwned>(input: &str) -> Result<T, &'static str> {
    serde_json::from_value(serde_json::Value::String(input.trim().to_owned()))
        .map_err(|_| "error.choose")
}

fn optional_date(input: &str) -> Result<Option<NaiveDate>, &'static str> {
    match input.trim() {
        "" => Ok(None),
        s => fields::date(s).map(Some),
    }
}

fn optional_text(input: &str, limit: Limit) -> Result<Option<String>, &'static str> {
    Text::optional(input, limit).map(|s| (!s.is_empty()).then_some(s))
}

fn not_future(
    date: Option<NaiveDate>,
    today: NaiveDate,
    field: &'static str,
    errors: &mut FieldErrors,
) -> Option<NaiveDate> {
    match date {
        Some(d) if d > today => {
            errors.add(field, "error.date.future");
            None
        }
        other => other,
    }
}

fn not_before(
    later: Option<NaiveDate>,
    earlier: Option<NaiveDate>,
    field: &'static str,
    errors: &mut FieldErrors,
) {
    if let (Some(l), Some(e)) = (later, earlier) {
        if l < e {
            errors.add(field, "error.date.order");
        }
    }
}

/// The housing bases a party of `party` may attest: employers and schools their own
/// dormitories, lessors a lease or their own housing, committees any basis.
pub fn housing_bases_for(party: PartyKind) -> &'static [HousingBasis] {
    use HousingBasis::*;
    match party {
        PartyKind::Lessor => &[Lease, Owned],
        PartyKind::Employer | PartyKind::School => &[Dormitory],
        PartyKind::ResidentsCommittee | PartyKind::VillagersCommittee => {
            &[Lease, Owned, Dormitory, Committee]
        }
    }
}

impl FactsForm {
    /// Validates the facts of a `kind` proof by a `party` issuer.
    pub fn validate(
        &self,
        kind: AttestationKind,
        party: PartyKind,
        today: NaiveDate,
        errors: &mut FieldErrors,
    ) -> Option<Facts> {
        match kind {
            AttestationKind::Residence => {
                let address =
                    errors.check("address", Text::required(&self.address, Limit::Chars200));
                let housing_basis = errors
                    .check("housing_basis", choice::<HousingBasis>(&self.housing_basis))
                    .and_then(|b| {
                        if housing_bases_for(party).contains(&b) {
                            Some(b)
                        } else {
                            errors.add("housing_basis", "error.housing_basis.party");
                            None
                        }
                    });
                let since = errors.check("residing_since", fields::date(&self.residing_since));
                let since = not_future(since, today, "residing_since", errors);
                let lease_end = errors
                    .check("lease_end", optional_date(&self.lease_end))
                    .flatten();
                not_before(lease_end, since, "lease_end", errors);
                let registration = errors.check(
                    "lease_registration_no",
                    optional_text(&self.lease_registration_no, Limit::Chars50),
                );
                Some(Facts::Residence(ResidenceFacts {
                    address: address?,
                    housing_basis: housing_basis?,
                    residing_since: since?,
                    lease_end,
                    lease_registration_no: registration?,
                }))
            }
            AttestationKind::Employment => {
                let position =
                    errors.check("position", Text::required(&self.position, Limit::Chars50));
                let department = errors.check(
                    "department",
                    optional_text(&self.department, Limit::Chars50),
                );
                let since = errors.check("employed_since", fields::date(&self.employed_since));
                let since = not_future(since, today, "employed_since", errors);
                let contract_type =
                    errors.check("contract_type", choice::<ContractType>(&self.contract_type));
                let until = errors
                    .check("employed_until", optional_date(&self.employed_until))
                    .flatten();
                not_before(until, since, "employed_until", errors);
                Some(Facts::Employment(EmploymentFacts {
                    position: position?,
                    department: department?,
                    employed_since: since?,
                    contract_type: contract_type?,
                    employed_until: until,
                }))
            }
            AttestationKind::Attendance => {
                let student_number = errors.check(
                    "student_number",
                    Text::required(&self.student_number, Limit::Chars50),
                );
                let programme = errors.check(
                    "programme",
                    Text::required(&self.programme, Limit::Chars100),
                );
                let level = errors.check("level", Text::required(&self.level, Limit::Chars50));
                let since = errors.check("enrolled_since", fields::date(&self.enrolled_since));
                let since = not_future(since, today, "enrolled_since", errors);
                let completion = errors.check(
                    "expected_completion",
                    fields::date(&self.expected_completion),
                );
                not_before(completion, since, "expected_completion", errors);
                let full_time = errors.check(
                    "full_time",
                    match self.full_time.trim() {
                        "true" | "yes" | "on" => Ok(true),
                        "false" | "no" => Ok(false),
                        _ => Err("error.choose"),
                    },
                );
                Some(Facts::Attendance(AttendanceFacts {
                    student_number: student_number?,
                    programme: programme?,
                    level: level?,
                    enrolled_since: since?,
                    expected_completion: completion?,
                    full_time: full_time?,
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[test]
    fn an_employer_attests_only_its_dormitories() {
        let form = FactsForm {
            address: "深圳市南山区科技园宿舍 3 栋 402 室".into(),
            housing_basis: "lease".into(),
            residing_since: "2025-01-01".into(),
            ..Default::default()
        };
        let mut errors = FieldErrors::default();
        assert!(form
            .validate(
                AttestationKind::Residence,
                PartyKind::Employer,
                today(),
                &mut errors
            )
            .is_none());
        assert_eq!(
            errors.get("housing_basis"),
            Some("error.housing_basis.party")
        );
        let dorm = FactsForm {
            housing_basis: "dormitory".into(),
            ..form
        };
        let mut errors = FieldErrors::default();
        assert!(dorm
            .validate(
                AttestationKind::Residence,
                PartyKind::Employer,
                today(),
                &mut errors
            )
            .is_some());
    }

    #[test]
    fn dates_in_order_and_not_in_the_future() {
        let form = FactsForm {
            student_number: "2024001".into(),
            programme: "软件工程".into(),
            level: "本科".into(),
            enrolled_since: "2027-09-01".into(),
            expected_completion: "2026-07-01".into(),
            full_time: "maybe".into(),
            ..Default::default()
        };
        let mut errors = FieldErrors::default();
        assert!(form
            .validate(
                AttestationKind::Attendance,
                PartyKind::School,
                today(),
                &mut errors
            )
            .is_none());
        assert_eq!(errors.get("enrolled_since"), Some("error.date.future"));
        assert_eq!(errors.get("full_time"), Some("error.choose"));
    }
}
