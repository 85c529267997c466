//! Assisting parties (协助单位) and their identifiers.

use super::fields::{FieldErrors, Limit, Text};
use super::{IdNumber, Uscc};
use serde::{Deserialize, Serialize};

/// The five kinds of assisting party named in Article 8.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[clap(rename_all = "snake_case")]
pub enum PartyKind {
    Lessor,
    Employer,
    School,
    ResidentsCommittee,
    VillagersCommittee,
}

impl PartyKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [PartyKind; 5] = [
        PartyKind::Lessor,
        PartyKind::Employer,
        PartyKind::School,
        PartyKind::ResidentsCommittee,
        PartyKind::VillagersCommittee,
    ];

    /// The value stored in the database and sent by forms.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyKind::Lessor => "lessor",
            PartyKind::Employer => "employer",
            PartyKind::School => "school",
            PartyKind::ResidentsCommittee => "residents_committee",
            PartyKind::VillagersCommittee => "villagers_committee",
        }
    }

    /// Parses the stored or submitted value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a party stands with its station.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartyStatus {
    Pending,
    Approved,
    Rejected,
    Suspended,
}

impl PartyStatus {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyStatus::Pending => "pending",
            PartyStatus::Approved => "approved",
            PartyStatus::Rejected => "rejected",
            PartyStatus::Suspended => "suspended",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Approved,
            Self::Rejected,
            Self::Suspended,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A party's legal identifier: a credit code for organisations, the resident ID number of an
/// individual lessor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartyIdentifier {
    Uscc(Uscc),
    IdNumber(IdNumber),
}

impl PartyIdentifier {
    /// Parses the identifier a party of `kind` gives. A lessor may be a company (credit code)
    /// or an individual (ID number); every other kind is an organisation. Returns the message
    /// key of the error.
    pub fn parse(kind: PartyKind, input: &str) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("error.required");
        }
        let looks_like_id = trimmed.len() == 18
            && trimmed.as_bytes()[..17].iter().all(u8::is_ascii_digit)
            && Uscc::parse(trimmed).is_err();
        if kind == PartyKind::Lessor && looks_like_id {
            return IdNumber::parse(trimmed)
                .map(PartyIdentifier::IdNumber)
                .map_err(|e| match e {
                    super::IdNumberError::BirthDate => "error.id_number.birth_date",
                    _ => "error.id_number.checksum",
                });
        }
        Uscc::parse(trimmed)
            .map(PartyIdentifier::Uscc)
            .map_err(|e| match (kind, e) {
                (PartyKind::Lessor, _) => "error.identifier.lessor",
                (_, super::UsccError::Length) => "error.uscc.length",
                (_, super::UsccError::Charset) => "error.uscc.charset",
                (_, super::UsccError::Checksum) => "error.uscc.checksum",
            })
    }

    /// The full value, for storage.
    pub fn expose(&self) -> &str {
        match self {
            PartyIdentifier::Uscc(c) => c.as_str(),
            PartyIdentifier::IdNumber(n) => n.expose(),
        }
    }
}

/// Shows a stored identifier: a credit code in full, an ID number masked.
pub fn display_identifier(stored: &str) -> String {
    match Uscc::parse(stored) {
        Ok(code) => code.as_str().to_owned(),
        Err(_) => super::id_number::mask(stored),
    }
}

/// What a party gives about itself, whether it registers itself or an operator adds it.
#[derive(Debug, Clone)]
pub struct PartyDetails {
    pub kind: PartyKind,
    pub legal_name: String,
    pub identifier: PartyIdentifier,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
}

/// The raw text of the registration form, kept as typed so the form can be shown again.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PartyForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub legal_name: String,
    #[serde(default)]
    pub identifier: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
}

impl PartyForm {
    /// Validates every field, collecting one error per invalid field.
    pub fn validate(&self, errors: &mut FieldErrors) -> Option<PartyDetails> {
        let kind = PartyKind::parse(&self.kind);
        if kind.is_none() {
            errors.add("kind", "error.choose");
        }
        let legal_name = errors.check(
            "legal_name",
            Text::required(&self.legal_name, Limit::Chars100),
        );
        let identifier = kind.and_then(|k| {
            PartyIdentifier::parse(k, &self.identifier)
                .map_err(|key| errors.add("identifier", key))
                .ok()
        });
        let address = errors.check("address", Text::required(&self.address, Limit::Chars200));
        let contact_name = errors.check(
            "contact_name",
            Text::required(&self.contact_name, Limit::Chars50),
        );
        let contact_phone =
            errors.check("contact_phone", super::fields::phone(&self.contact_phone));
        Some(PartyDetails {
            kind: kind?,
            legal_name: legal_name?,
            identifier: identifier?,
            address: address?,
            contact_name: contact_name?,
            contact_phone: contact_phone?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lessor_may_be_a_person_or_a_company() {
        let person = PartyIdentifier::parse(PartyKind::Lessor, "11010519491231002X").unwrap();
        assert!(matches!(person, PartyIdentifier::IdNumber(_)));
        let company = PartyIdentifier::parse(PartyKind::Lessor, "91110000600037341L").unwrap();
        assert!(matches!(company, PartyIdentifier::Uscc(_)));
    }

    #[test]
    fn an_employer_needs_a_credit_code() {
        assert_eq!(
            PartyIdentifier::parse(PartyKind::Employer, "11010519491231002X"),
            Err("error.uscc.checksum")
        );
        assert_eq!(
            PartyIdentifier::parse(PartyKind::Employer, "91310115MA1H8R7C6D"),
            Err("error.uscc.checksum")
        );
    }

    #[test]
    fn identifiers_are_displayed_masked_when_personal() {
        assert_eq!(
            display_identifier("11010519491231002X"),
            "110105********002X"
        );
        assert_eq!(
            display_identifier("91110000600037341L"),
            "91110000600037341L"
        );
    }
}
