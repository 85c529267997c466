//! Parties' identifiers as stored: an organisation's credit code as it is; an individual's
//! resident ID number only as a keyed hash (`hmac:…`, unique per number), its masked form
//! and a sealed copy. Also the one-time settling of parties registered before identifiers
//! had a declared type, and the audit that shows what that settled.

use crate::db::models::attestations;
use crate::db::models::parties::{self, Party, StoredIdentifier};
use crate::db::DbConnection;
use crate::domain::{AttestationId, IdentifierType, PartyId};
use crate::domain::{IdNumber, PartyIdentifier, PartyKind};
use crate::secrets::Secrets;

/// How `identifier` is stored.
pub fn stored(secrets: &Secrets, identifier: &PartyIdentifier) -> StoredIdentifier {
    match identifier {
        PartyIdentifier::Uscc(code) => StoredIdentifier {
            identifier: code.as_str().to_owned(),
            masked: None,
            sealed: None,
            kind: IdentifierType::Uscc,
        },
        PartyIdentifier::IdNumber(number) => StoredIdentifier {
            identifier: format!(
                "hmac:{}",
                secrets.keyed_hash("party_id_number", number.expose())
            ),
            masked: Some(number.masked()),
            sealed: Some(secrets.seal("party_id_number", number.expose())),
            kind: IdentifierType::IdNumber,
        },
    }
}

/// A resident ID number stored in clear as a lessor's identifier: one registered before
/// the type was declared whose number passed the credit-code checksum (about 3 % do).
fn number_in_clear(party: &Party) -> Option<IdNumber> {
    (party.kind == PartyKind::Lessor)
        .then(|| IdNumber::parse(&party.identifier).ok())
        .flatten()
}

/// Gives every party registered before identifiers had a declared type its type, in one
/// transaction: an individual lessor's number stored in clear is converted to its stored
/// form. Returns how many numbers were converted. Runs at every start (and `attest
/// migrate`); once settled, no row is untyped and it does nothing.
pub fn settle_types(conn: &mut DbConnection, secrets: &Secrets) -> diesel::QueryResult<usize> {
    crate::db::write(conn, |conn| {
        let mut converted = 0;
        for party in parties::list_untyped(conn)? {
            let settled = match number_in_clear(&party) {
                Some(number) => {
                    converted += 1;
                    stored(secrets, &PartyIdentifier::IdNumber(number))
                }
                None => StoredIdentifier {
                    kind: if party.identifier_masked.is_some() {
                        IdentifierType::IdNumber
                    } else {
                        IdentifierType::Uscc
                    },
                    identifier: party.identifier.clone(),
                    masked: party.identifier_masked.clone(),
                    sealed: party.identifier_sealed.clone(),
                },
            };
            parties::set_identifier(conn, &party.id, &settled)?;
        }
        Ok(converted)
    })
}

/// What `attest identifiers audit` reports.
#[derive(Debug, Default)]
pub struct Audit {
    /// Parties whose resident ID number is stored in clear (id, kind, legal name, masked).
    pub parties_in_clear: Vec<(PartyId, PartyKind, String, String)>,
    /// Proofs whose signed token carries an issuer's full resident ID number (id, party id):
    /// tokens cannot change, so every surface masks the number when it shows them.
    pub tokens_with_number: Vec<(AttestationId, PartyId)>,
    /// Parties checked, proofs checked.
    pub checked: (usize, usize),
}

/// Finds every stored identifier and every issued token that holds a resident ID number of
/// an issuer in clear.
pub fn audit(conn: &mut DbConnection) -> diesel::QueryResult<Audit> {
    let all = parties::list_all(conn)?;
    let parties_in_clear = all
        .iter()
        .filter_map(|p| {
            number_in_clear(p).map(|n| (p.id.clone(), p.kind, p.legal_name.clone(), n.masked()))
        })
        .collect();
    let lessors: Vec<PartyId> = all
        .iter()
        .filter(|p| p.kind == PartyKind::Lessor)
        .map(|p| p.id.clone())
        .collect();
    let tokens = attestations::tokens_of_parties(conn, &lessors)?;
    let tokens_with_number = tokens
        .iter()
        .filter(|(_, _, token)| {
            issuer_identifier(token).is_some_and(|i| IdNumber::parse(&i).is_ok())
        })
        .map(|(id, party, _)| (id.clone(), party.clone()))
        .collect();
    Ok(Audit {
        parties_in_clear,
        tokens_with_number,
        checked: (all.len(), tokens.len()),
    })
}

/// `issuer.identifier` of a token's payload, read without checking the signature (the
/// audit looks at what was published, good or not).
fn issuer_identifier(token: &str) -> Option<String> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims["issuer"]["identifier"].as_str().map(str::to_owned)
}
