//! The facts each kind of proof states, as on the paper documents, and their validation.

use super::attestation_kind::AttestationKind;
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

    /// The rows of facts stored as JSON for a `kind` proof (none when they do not parse).
    pub fn stored_rows(kind: AttestationKind, json: &str) -> Vec<FactRow> {
        serde_json::from_str(json)
            .ok()
            .and_then(|v| Self::from_json(kind, v).ok())
            .map(|f| f.rows())
            .unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

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
