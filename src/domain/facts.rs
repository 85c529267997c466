//! The facts one proof states, as on the paper documents: the values of its kind's fields
//! (`fact_fields`), held as the plain JSON object the token signs and the database stores.

use super::attestation_kind::AttestationKind;
use super::fact_fields::{FactField, Input};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

/// The checked facts of one proof; serialised as the plain object of its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facts {
    #[serde(skip)]
    kind: AttestationKind,
    #[serde(flatten)]
    values: Map<String, Value>,
}

/// Why stored or signed facts are not facts of their kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactsError {
    #[error("the facts are not a JSON object")]
    NotAnObject,
    #[error("the fact `{0}` is not one of this kind")]
    Unknown(String),
    #[error("the fact `{0}` is missing")]
    Missing(&'static str),
    #[error("the fact `{0}` has a value of the wrong type")]
    Invalid(&'static str),
}

/// One line of a printed proof: a label key and its value (a key to translate, or text).
#[derive(Debug, Clone)]
pub struct FactRow {
    pub label: &'static str,
    pub value: String,
    pub translate: bool,
}

/// True when `value` has the type and form of `field`'s facts.
fn well_typed(field: &FactField, value: &Value) -> bool {
    match (field.input, value) {
        (Input::Text(_), Value::String(_)) => true,
        (Input::Date(_), Value::String(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
        (Input::Choice(c), Value::String(s)) => c.values.contains(&s.as_str()),
        (Input::YesNo, Value::Bool(_)) => true,
        _ => false,
    }
}

impl Facts {
    /// Facts of `kind` from checked values (the issuing form's own output).
    pub(super) fn checked(kind: AttestationKind, values: Map<String, Value>) -> Self {
        Self { kind, values }
    }

    /// Reads stored or signed facts of `kind`: every field of the kind and no other, each of
    /// its type.
    pub fn from_json(kind: AttestationKind, value: Value) -> Result<Self, FactsError> {
        let Value::Object(values) = value else {
            return Err(FactsError::NotAnObject);
        };
        let fields = kind.fact_fields();
        if let Some(unknown) = values.keys().find(|k| !fields.iter().any(|f| f.name == *k)) {
            return Err(FactsError::Unknown(unknown.clone()));
        }
        for field in fields {
            match values.get(field.name) {
                None if field.required => return Err(FactsError::Missing(field.name)),
                Some(v) if !well_typed(field, v) => return Err(FactsError::Invalid(field.name)),
                _ => {}
            }
        }
        Ok(Self { kind, values })
    }

    /// The facts stored as JSON for a `kind` proof (none when they do not parse).
    pub fn stored(kind: AttestationKind, json: &str) -> Option<Self> {
        serde_json::from_str(json)
            .ok()
            .and_then(|v| Self::from_json(kind, v).ok())
    }

    /// The rows of facts stored as JSON for a `kind` proof (none when they do not parse).
    pub fn stored_rows(kind: AttestationKind, json: &str) -> Vec<FactRow> {
        Self::stored(kind, json)
            .map(|f| f.rows())
            .unwrap_or_default()
    }

    /// The kind of proof these facts belong to.
    pub fn kind(&self) -> AttestationKind {
        self.kind
    }

    /// The date fact `name`, when present.
    pub fn date(&self, name: &str) -> Option<NaiveDate> {
        let text = self.values.get(name)?.as_str()?;
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    }

    /// The text (or choice) fact `name`, when present.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.values.get(name)?.as_str()
    }

    /// The lines of the printed proof, in the order of the kind's fields.
    pub fn rows(&self) -> Vec<FactRow> {
        self.kind
            .fact_fields()
            .iter()
            .filter_map(|field| {
                let (value, translate) = match (self.values.get(field.name), field.input) {
                    (None, _) => (field.when_absent?.to_owned(), true),
                    (Some(Value::Bool(yes)), _) => {
                        let answer = if *yes { "yes" } else { "no" };
                        (format!("{}.{answer}", super::fact_fields::YES_NO.0), true)
                    }
                    (Some(Value::String(s)), Input::Choice(c)) => {
                        (format!("{}.{s}", c.prefix), true)
                    }
                    (Some(Value::String(s)), _) => (s.clone(), false),
                    (Some(other), _) => (other.to_string(), false),
                };
                Some(FactRow {
                    label: field.label,
                    value,
                    translate,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn facts_round_trip_through_json_and_print_in_field_order() {
        let json = json!({
            "position": "工程师",
            "employed_since": "2024-03-01",
            "contract_type": "open_ended",
        });
        let facts = Facts::from_json(AttestationKind::Employment, json.clone()).unwrap();
        assert_eq!(serde_json::to_value(&facts).unwrap(), json);
        let rows: Vec<(&str, String)> = facts
            .rows()
            .into_iter()
            .map(|r| (r.label, r.value))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("fact.position", "工程师".to_owned()),
                ("fact.employed_since", "2024-03-01".to_owned()),
                ("fact.contract_type", "contract.open_ended".to_owned()),
                ("fact.employed_until", "fact.still_employed".to_owned()),
            ]
        );
        assert_eq!(
            facts.date("employed_since"),
            NaiveDate::from_ymd_opt(2024, 3, 1)
        );
    }

    #[test]
    fn facts_of_another_kind_or_type_are_refused() {
        let kind = AttestationKind::Attendance;
        let base = json!({
            "student_number": "2024001", "programme": "软件工程", "level": "本科",
            "enrolled_since": "2024-09-01", "expected_completion": "2028-06-30",
            "full_time": true,
        });
        assert!(Facts::from_json(kind, base.clone()).is_ok());
        let mut extra = base.clone();
        extra["position"] = json!("工程师");
        assert_eq!(
            Facts::from_json(kind, extra),
            Err(FactsError::Unknown("position".into()))
        );
        let mut wrong = base.clone();
        wrong["full_time"] = json!("yes");
        assert_eq!(
            Facts::from_json(kind, wrong),
            Err(FactsError::Invalid("full_time"))
        );
        let mut missing = base;
        missing.as_object_mut().unwrap().remove("level");
        assert_eq!(
            Facts::from_json(kind, missing),
            Err(FactsError::Missing("level"))
        );
    }
}
