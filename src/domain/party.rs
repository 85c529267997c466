//! Assisting parties (协助单位) and their identifiers.

use super::fields::{FieldErrors, Limit, Text};
use super::identifier::{IdentifierType, PartyIdentifier};
use super::party_kind::PartyKind;
use serde::Deserialize;

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
    #[serde(flatten)]
    pub identity: IdentityForm,
    #[serde(flatten)]
    pub contact: ContactForm,
}

/// Who a party is, as typed: asked at registration; changed later only by a request its
/// station approves.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IdentityForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub legal_name: String,
    #[serde(default)]
    pub identifier_type: String,
    #[serde(default)]
    pub identifier: String,
}

/// A valid kind, legal name and identifier.
#[derive(Debug, Clone)]
pub struct Identity {
    pub kind: PartyKind,
    pub legal_name: String,
    pub identifier: PartyIdentifier,
}

/// Where a party is and whom to call, as typed: asked at registration, changed by an owner
/// at once (no approval).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
}

/// A valid address and contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
}

impl ContactForm {
    /// Validates the three fields, one error per invalid field.
    pub fn validate(&self, errors: &mut FieldErrors) -> Option<Contact> {
        let address = errors.check("address", Text::required(&self.address, Limit::Chars200));
        let contact_name = errors.check(
            "contact_name",
            Text::required(&self.contact_name, Limit::Chars50),
        );
        let contact_phone =
            errors.check("contact_phone", super::fields::phone(&self.contact_phone));
        Some(Contact {
            address: address?,
            contact_name: contact_name?,
            contact_phone: contact_phone?,
        })
    }
}

impl IdentityForm {
    /// Validates the four fields, one error per invalid field.
    pub fn validate(&self, errors: &mut FieldErrors) -> Option<Identity> {
        let kind = PartyKind::parse(&self.kind);
        if kind.is_none() {
            errors.add("kind", "error.choose");
        }
        let legal_name = errors.check(
            "legal_name",
            Text::required(&self.legal_name, Limit::Chars100),
        );
        // Not chosen: an individual for a lessor, an organisation for every other kind.
        let declared = match self.identifier_type.trim() {
            "" => kind.map(IdentifierType::default_for),
            typed => IdentifierType::parse(typed).or_else(|| {
                errors.add("identifier_type", "error.choose");
                None
            }),
        };
        let identifier = kind.zip(declared).and_then(|(k, declared)| {
            PartyIdentifier::parse(k, declared, &self.identifier)
                .map_err(|key| errors.add("identifier", key))
                .ok()
        });
        Some(Identity {
            kind: kind?,
            legal_name: legal_name?,
            identifier: identifier?,
        })
    }
}

impl PartyForm {
    /// Validates every field, collecting one error per invalid field.
    pub fn validate(&self, errors: &mut FieldErrors) -> Option<PartyDetails> {
        let identity = self.identity.validate(errors);
        let contact = self.contact.validate(errors);
        let (
            Identity {
                kind,
                legal_name,
                identifier,
            },
            Contact {
                address,
                contact_name,
                contact_phone,
            },
        ) = (identity?, contact?);
        Some(PartyDetails {
            kind,
            legal_name,
            identifier,
            address,
            contact_name,
            contact_phone,
        })
    }
}

/// Where a request to change a party's identity stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum ChangeStatus {
    /// Waiting for the station; the old details are in force.
    Pending,
    /// Applied to the party.
    Approved,
    /// Refused with a reason; nothing changed.
    Rejected,
    /// Replaced by a newer request before the station decided.
    Withdrawn,
}

impl ChangeStatus {
    pub const ALL: [ChangeStatus; 4] = [
        ChangeStatus::Pending,
        ChangeStatus::Approved,
        ChangeStatus::Rejected,
        ChangeStatus::Withdrawn,
    ];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeStatus::Pending => "pending",
            ChangeStatus::Approved => "approved",
            ChangeStatus::Rejected => "rejected",
            ChangeStatus::Withdrawn => "withdrawn",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unchosen_type_is_a_person_for_a_lessor_and_an_organisation_otherwise() {
        let form = |kind: &str, identifier: &str| PartyForm {
            identity: IdentityForm {
                kind: kind.into(),
                legal_name: "名称".into(),
                identifier: identifier.into(),
                ..Default::default()
            },
            contact: ContactForm {
                address: "地址".into(),
                contact_name: "张三".into(),
                contact_phone: "13800138000".into(),
            },
        };
        let mut errors = FieldErrors::default();
        let lessor = form("lessor", "44030419850812067X")
            .validate(&mut errors)
            .unwrap();
        assert_eq!(lessor.identifier.kind(), IdentifierType::IdNumber);
        let school = form("school", "12440300455000001D")
            .validate(&mut errors)
            .unwrap();
        assert_eq!(school.identifier.kind(), IdentifierType::Uscc);
        let mut bad = form("lessor", "44030419850812067X");
        bad.identity.identifier_type = "passport".into();
        assert!(bad.validate(&mut errors).is_none());
        assert_eq!(errors.get("identifier_type"), Some("error.choose"));
    }
}
