//! The facts form: the fact fields as typed, checked against the kind's fields.

use super::attestation_kind::AttestationKind;
use super::fact_fields::{DateRule, FactField, Input};
use super::facts::Facts;
use super::fields::{self, FieldErrors, Text};
use super::PartyKind;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// The fact fields as typed, by name; only those of the chosen kind are read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct FactsForm(pub BTreeMap<String, String>);

impl<const N: usize> From<[(&str, &str); N]> for FactsForm {
    fn from(typed: [(&str, &str); N]) -> Self {
        Self(
            typed
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        )
    }
}

impl FactsForm {
    /// Facts given as JSON (by the API, or stored by a proof being renewed) as the form
    /// holds them: strings as they are, yes/no for booleans, numbers spelled out.
    pub fn from_json(facts: serde_json::Map<String, Value>) -> Self {
        Self(
            facts
                .into_iter()
                .map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s,
                        Value::Null => String::new(),
                        Value::Bool(yes) => if yes { "yes" } else { "no" }.to_owned(),
                        other => other.to_string(),
                    };
                    (k, text)
                })
                .collect(),
        )
    }

    /// What was typed into `name` (empty when nothing).
    pub fn value(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    /// Checks the facts of a `kind` proof by a `party` issuer on `today`; one error per
    /// invalid field.
    pub fn validate(
        &self,
        kind: AttestationKind,
        party: PartyKind,
        today: NaiveDate,
        errors: &mut FieldErrors,
    ) -> Option<Facts> {
        let values = self.checked(kind.fact_fields().iter(), party, today, errors)?;
        Some(Facts::checked(kind, values))
    }

    /// Checks only the facts of a `kind` proof its applicant is asked for (a request), as
    /// typed: the form of them the issuing form is later filled with.
    pub fn validate_asked(
        &self,
        kind: AttestationKind,
        party: PartyKind,
        today: NaiveDate,
        errors: &mut FieldErrors,
    ) -> Option<FactsForm> {
        let asked = kind.fact_fields().iter().filter(|f| f.asked_of_applicant);
        self.checked(asked.clone(), party, today, errors)?;
        Some(FactsForm(
            asked
                .map(|f| (f.name.to_owned(), self.value(f.name).trim().to_owned()))
                .filter(|(_, v)| !v.is_empty())
                .collect(),
        ))
    }

    fn checked<'a>(
        &self,
        fields: impl Iterator<Item = &'a FactField>,
        party: PartyKind,
        today: NaiveDate,
        errors: &mut FieldErrors,
    ) -> Option<Map<String, Value>> {
        let mut values = Map::new();
        let mut dates = HashMap::new();
        let mut complete = true;
        for field in fields {
            let typed = self.value(field.name).trim();
            if typed.is_empty() {
                if field.required {
                    errors.add(field.name, field.input.missing_message());
                    complete = false;
                }
                continue;
            }
            match check(field, typed, party, today, &dates) {
                Ok(value) => {
                    if let (Input::Date(_), Ok(date)) = (field.input, fields::date(typed)) {
                        dates.insert(field.name, date);
                    }
                    values.insert(field.name.to_owned(), value);
                }
                Err(key) => {
                    errors.add(field.name, key);
                    complete = false;
                }
            }
        }
        complete.then_some(values)
    }
}

/// The stored value of `typed` into `field`, or the message key of what is wrong.
fn check(
    field: &FactField,
    typed: &str,
    party: PartyKind,
    today: NaiveDate,
    dates: &HashMap<&str, NaiveDate>,
) -> Result<Value, &'static str> {
    match field.input {
        Input::Text(limit) => Text::optional(typed, limit).map(Value::String),
        Input::Date(rule) => {
            let date = fields::date(typed)?;
            match rule {
                DateRule::NotFuture if date > today => Err("error.date.future"),
                DateRule::NotBefore(other) if dates.get(other).is_some_and(|o| date < *o) => {
                    Err("error.date.order")
                }
                _ => Ok(Value::String(date.format("%Y-%m-%d").to_string())),
            }
        }
        Input::Choice(choice) => {
            let value = choice
                .values
                .iter()
                .find(|v| **v == typed)
                .ok_or("error.choose")?;
            match choice.for_party {
                Some(rule) if !(rule.allowed)(party).contains(value) => Err(rule.refused),
                _ => Ok(Value::String((*value).to_owned())),
            }
        }
        Input::YesNo => match typed {
            "true" | "yes" | "on" => Ok(Value::Bool(true)),
            "false" | "no" => Ok(Value::Bool(false)),
            _ => Err("error.choose"),
        },
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
        let lease = FactsForm::from([
            ("address", "深圳市南山区科技园宿舍 3 栋 402 室"),
            ("housing_basis", "lease"),
            ("residing_since", "2025-01-01"),
        ]);
        let mut errors = FieldErrors::default();
        let (kind, party) = (AttestationKind::Residence, PartyKind::Employer);
        assert!(lease.validate(kind, party, today(), &mut errors).is_none());
        assert_eq!(
            errors.get("housing_basis"),
            Some("error.housing_basis.party")
        );
        let mut dorm = lease.clone();
        dorm.0.insert("housing_basis".into(), "dormitory".into());
        let mut errors = FieldErrors::default();
        let facts = dorm.validate(kind, party, today(), &mut errors).unwrap();
        assert_eq!(
            serde_json::to_value(&facts).unwrap()["housing_basis"],
            "dormitory"
        );
    }

    #[test]
    fn dates_in_order_and_not_in_the_future() {
        let form = FactsForm::from([
            ("student_number", "2024001"),
            ("programme", "软件工程"),
            ("level", "本科"),
            ("enrolled_since", "2026-09-01"),
            ("expected_completion", "2026-07-01"),
            ("full_time", "maybe"),
        ]);
        let mut errors = FieldErrors::default();
        let (kind, party) = (AttestationKind::Attendance, PartyKind::School);
        assert!(form.validate(kind, party, today(), &mut errors).is_none());
        assert_eq!(errors.get("expected_completion"), Some("error.date.order"));
        assert_eq!(errors.get("full_time"), Some("error.choose"));
        let mut future = form.clone();
        future
            .0
            .insert("enrolled_since".into(), "2027-09-01".into());
        let mut errors = FieldErrors::default();
        assert!(future.validate(kind, party, today(), &mut errors).is_none());
        assert_eq!(errors.get("enrolled_since"), Some("error.date.future"));
    }

    #[test]
    fn every_choice_the_form_accepts_is_read_back_as_stored_facts() {
        for kind in AttestationKind::ALL {
            for field in kind.fact_fields() {
                let Some((_, values)) = field.input.choices() else {
                    continue;
                };
                for value in values {
                    let mut typed: BTreeMap<String, String> = kind
                        .fact_fields()
                        .iter()
                        .map(|f| (f.name.to_owned(), example(f).to_owned()))
                        .collect();
                    typed.insert(field.name.to_owned(), (*value).to_owned());
                    let mut errors = FieldErrors::default();
                    let party = PartyKind::ResidentsCommittee;
                    let facts = FactsForm(typed)
                        .validate(kind, party, today(), &mut errors)
                        .unwrap_or_else(|| panic!("{kind} {value}: {errors:?}"));
                    let json = serde_json::to_value(&facts).unwrap();
                    assert_eq!(Facts::from_json(kind, json).unwrap(), facts);
                }
            }
        }
    }

    /// A valid typed value for `field`.
    fn example(field: &FactField) -> &'static str {
        match field.input {
            Input::Text(_) => "某某",
            Input::Date(_) => "2026-01-01",
            Input::Choice(c) => c.values[0],
            Input::YesNo => "yes",
        }
    }
}
