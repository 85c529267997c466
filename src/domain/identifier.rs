//! A party's legal identifier, by the type the party declares: an organisation's credit
//! code, or an individual lessor's resident ID number.

use super::party_kind::PartyKind;
use super::{IdNumber, Uscc};
use serde::{Deserialize, Serialize};

/// What kind of identifier a party declares: never guessed from the number, since about
/// 3 % of resident ID numbers also pass the credit-code checksum.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    utoipa::ToSchema,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum IdentifierType {
    /// An individual's resident ID number (an individual lessor): stored as a keyed hash, a
    /// masked form and a sealed copy; shown and signed masked.
    #[serde(rename = "id")]
    #[value(name = "id")]
    IdNumber,
    /// An organisation's unified social credit code: public, shown in full.
    #[serde(rename = "uscc")]
    #[value(name = "uscc")]
    Uscc,
}

impl IdentifierType {
    /// The value stored and sent by forms.
    pub fn as_str(self) -> &'static str {
        match self {
            IdentifierType::IdNumber => "id",
            IdentifierType::Uscc => "uscc",
        }
    }

    /// Parses the stored or submitted value.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::IdNumber, Self::Uscc]
            .into_iter()
            .find(|t| t.as_str() == s.trim())
    }

    /// The type a party of `kind` has unless it says otherwise: an individual for a lessor,
    /// an organisation for every other kind.
    pub fn default_for(kind: PartyKind) -> Self {
        match kind {
            PartyKind::Lessor => IdentifierType::IdNumber,
            _ => IdentifierType::Uscc,
        }
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
    /// Parses the identifier a party of `kind` gives as the type it declares. Only a lessor
    /// may be an individual; every other kind is an organisation. Returns the message key of
    /// the error.
    pub fn parse(
        kind: PartyKind,
        declared: IdentifierType,
        input: &str,
    ) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("error.required");
        }
        match declared {
            IdentifierType::IdNumber if kind != PartyKind::Lessor => {
                Err("error.identifier_type.organisation")
            }
            IdentifierType::IdNumber => IdNumber::parse(trimmed)
                .map(PartyIdentifier::IdNumber)
                .map_err(|e| match e {
                    super::IdNumberError::BirthDate => "error.id_number.birth_date",
                    super::IdNumberError::Region => "error.id_number.region",
                    _ => "error.id_number.checksum",
                }),
            IdentifierType::Uscc => Uscc::parse(trimmed)
                .map(PartyIdentifier::Uscc)
                .map_err(|e| match e {
                    super::UsccError::Length => "error.uscc.length",
                    super::UsccError::Charset => "error.uscc.charset",
                    super::UsccError::Checksum => "error.uscc.checksum",
                    super::UsccError::Structure => "error.uscc.structure",
                }),
        }
    }

    /// The declared type of this identifier.
    pub fn kind(&self) -> IdentifierType {
        match self {
            PartyIdentifier::Uscc(_) => IdentifierType::Uscc,
            PartyIdentifier::IdNumber(_) => IdentifierType::IdNumber,
        }
    }

    /// The full value, for storage.
    pub fn expose(&self) -> &str {
        match self {
            PartyIdentifier::Uscc(c) => c.as_str(),
            PartyIdentifier::IdNumber(n) => n.expose(),
        }
    }
}

/// An issuer identifier as any surface shows it: masked when it is a resident ID number.
/// Tokens signed before identifiers had a declared type may carry an individual lessor's
/// full number; every page, answer, print and email renders them through this.
pub fn display_identifier(stored: &str) -> String {
    match IdNumber::parse(stored) {
        Ok(number) => number.masked(),
        Err(_) => stored.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lessor_says_whether_it_is_a_person_or_a_company() {
        let person = PartyIdentifier::parse(
            PartyKind::Lessor,
            IdentifierType::IdNumber,
            "11010519491231002X",
        )
        .unwrap();
        assert!(matches!(person, PartyIdentifier::IdNumber(_)));
        let company = PartyIdentifier::parse(
            PartyKind::Lessor,
            IdentifierType::Uscc,
            "91110000600037341L",
        )
        .unwrap();
        assert!(matches!(company, PartyIdentifier::Uscc(_)));
    }

    #[test]
    fn a_person_whose_number_passes_the_credit_code_checksum_stays_a_person() {
        // The probe's example, and one more of the ~3 % of resident ID numbers that pass the
        // GB 32100 checksum.
        let number = "44030419850812067X";
        assert!(crate::domain::uscc::checksum_passes(number));
        let colliding = (0..10_000u32)
            .filter_map(|n| IdNumber::complete(&format!("44030419850812{:03}", n % 1000)).ok())
            .find(|id| crate::domain::uscc::checksum_passes(id.expose()))
            .expect("a colliding number");
        for n in [number, colliding.expose()] {
            let parsed = PartyIdentifier::parse(
                PartyKind::Lessor,
                IdentifierType::IdNumber,
                &format!(" {n} "),
            )
            .unwrap();
            assert_eq!(parsed.kind(), IdentifierType::IdNumber, "{n}");
        }
        assert_eq!(display_identifier(colliding.expose()), colliding.masked());
    }

    #[test]
    fn an_employer_needs_a_credit_code() {
        assert_eq!(
            PartyIdentifier::parse(
                PartyKind::Employer,
                IdentifierType::Uscc,
                "11010519491231002X"
            ),
            Err("error.uscc.checksum")
        );
        assert_eq!(
            PartyIdentifier::parse(
                PartyKind::Employer,
                IdentifierType::Uscc,
                "91310115MA1H8R7C6D"
            ),
            Err("error.uscc.checksum")
        );
        assert_eq!(
            PartyIdentifier::parse(
                PartyKind::Employer,
                IdentifierType::IdNumber,
                "11010519491231002X"
            ),
            Err("error.identifier_type.organisation")
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
