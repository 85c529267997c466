//! The facts each kind of proof states, as on the paper documents, and their validation.

use super::attestation::AttestationKind;
use super::fields::{self, FieldErrors, Limit, Text};
use super::PartyKind;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// On what basis the subject lives at the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HousingBasis {
    Lease,
    Owned,
    Dormitory,
    Committee,
}

/// The kind of labour contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractType {
    FixedTerm,
    OpenEnded,
    Other,
}

/// Proof of residence (住宿证明 / 居住证明).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidenceFacts {
    pub address: String,
    pub housing_basis: HousingBasis,
    pub residing_since: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_end: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_registration_no: Option<String>,
}

/// Proof of employment (在职证明 / 劳动关系证明).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmploymentFacts {
    pub position: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    pub employed_since: NaiveDate,
    pub contract_type: ContractType,
    /// `None` while still employed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employed_until: Option<NaiveDate>,
}

/// Proof of attendance (在读证明).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceFacts {
    pub student_number: String,
    pub programme: String,
    pub level: String,
    pub enrolled_since: NaiveDate,
    pub expected_completion: NaiveDate,
    pub full_time: bool,
}

/// The facts of one proof; serialised as the plain object of its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Facts {
    Residence(ResidenceFacts),
    Employment(EmploymentFacts),
    Attendance(AttendanceFacts),
}

/// One line of a printed proof: a label key and its value (a key to translate, or text).
#[derive(Debug, Clone)]
pub struct FactRow {
    pub label: &'static str,
    pub value: String,
    pub translate: bool,
}

fn row(label: &'static str, value: impl ToString) -> FactRow {
    FactRow {
        label,
        value: value.to_string(),
        translate: false,
    }
}

fn key_row(label: &'static str, value: String) -> FactRow {
    FactRow {
        label,
        value,
        translate: true,
    }
}

fn json_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl Facts {
    /// Reads stored or signed facts of `kind`.
    pub fn from_json(kind: AttestationKind, value: serde_json::Value) -> serde_json::Result<Self> {
        Ok(match kind {
            AttestationKind::Residence => Facts::Residence(serde_json::from_value(value)?),
            AttestationKind::Employment => Facts::Employment(serde_json::from_value(value)?),
            AttestationKind::Attendance => Facts::Attendance(serde_json::from_value(value)?),
        })
    }

    /// The lines of the printed proof, in order.
    pub fn rows(&self) -> Vec<FactRow> {
        match self {
            Facts::Residence(f) => {
                let mut rows = vec![
                    row("fact.address", &f.address),
                    key_row(
                        "fact.housing_basis",
                        format!("housing.{}", json_name(&f.housing_basis)),
                    ),
                    row("fact.residing_since", f.residing_since),
                ];
                rows.extend(f.lease_end.map(|d| row("fact.lease_end", d)));
                rows.extend(
                    f.lease_registration_no
                        .as_ref()
                        .map(|n| row("fact.lease_registration_no", n)),
                );
                rows
            }
            Facts::Employment(f) => {
                let mut rows = vec![row("fact.position", &f.position)];
                rows.extend(f.department.as_ref().map(|d| row("fact.department", d)));
                rows.push(row("fact.employed_since", f.employed_since));
                rows.push(key_row(
                    "fact.contract_type",
                    format!("contract.{}", json_name(&f.contract_type)),
                ));
                rows.push(match f.employed_until {
                    Some(d) => row("fact.employed_until", d),
                    None => key_row("fact.employed_until", "fact.still_employed".into()),
                });
                rows
            }
            Facts::Attendance(f) => vec![
                row("fact.student_number", &f.student_number),
                row("fact.programme", &f.programme),
                row("fact.level", &f.level),
                row("fact.enrolled_since", f.enrolled_since),
                row("fact.expected_completion", f.expected_completion),
                key_row(
                    "fact.full_time",
                    if f.full_time { "fact.yes" } else { "fact.no" }.into(),
                ),
            ],
        }
    }
}

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

    #[test]
    fn facts_round_trip_through_json() {
        let facts = Facts::Employment(EmploymentFacts {
            position: "工程师".into(),
            department: None,
            employed_since: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
            contract_type: ContractType::OpenEnded,
            employed_until: None,
        });
        let json = serde_json::to_value(&facts).unwrap();
        assert_eq!(json["contract_type"], "open_ended");
        assert_eq!(
            Facts::from_json(AttestationKind::Employment, json).unwrap(),
            facts
        );
        assert_eq!(facts.rows().len(), 4);
    }
}
