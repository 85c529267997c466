//! Online verification: the signature, then the record (revocation), then the time.
//! Every verification is recorded.

use crate::db::models::attestations::{self, Attestation};
use crate::db::models::stations;
use crate::db::models::verifications::Verification;
use crate::db::{new_id, DbConnection};
use crate::domain::VerificationCode;
use crate::domain::{china_time, AttestationId, AttestationStatus};
use crate::tokens::verify::{check_with_ring, time_status, InvalidReason};
use crate::tokens::{Claims, KeyRing, VerifyStatus};

/// What someone typed, pasted or scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyInput {
    Token(String),
    Code(VerificationCode),
    /// Neither: answered `invalid`.
    Unreadable,
}

impl VerifyInput {
    /// Reads a token, a verify URL with the token after `#` (as a scanner types it; in
    /// full or compressed, `#z=…`), or a short code.
    pub fn parse(input: &str) -> Self {
        let input = input.trim();
        let candidate = input
            .rsplit_once('#')
            .map_or(input, |(_, after)| after)
            .trim();
        if candidate.starts_with(crate::tokens::fragment::PREFIX) {
            return crate::tokens::fragment::expand(candidate, crate::tokens::MAX_TOKEN_LEN)
                .map_or(Self::Unreadable, Self::Token);
        }
        if candidate.matches('.').count() == 2 {
            return Self::Token(candidate.to_owned());
        }
        match VerificationCode::parse(candidate) {
            Some(code) => Self::Code(code),
            None => Self::Unreadable,
        }
    }

    fn method(&self) -> &'static str {
        match self {
            Self::Token(_) => "token",
            Self::Code(_) => "code",
            Self::Unreadable => "unreadable",
        }
    }
}

/// The answer of a verification.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub status: VerifyStatus,
    /// Why it is invalid, or why it was revoked or flagged.
    pub reason: Option<Reason>,
    pub revoked_at: Option<chrono::NaiveDateTime>,
    /// What the proof says (for every status but invalid and unknown).
    pub claims: Option<Claims>,
    /// The verification code of the proof, when known.
    pub code: Option<VerificationCode>,
    /// Why its issuer ended it, and the day it ended (when revoked so).
    pub ending: Option<(crate::domain::ending::EndReason, chrono::NaiveDate)>,
}

/// Why a proof is not good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The portal's own finding about the token: a message key (`verify.reason.*`).
    Invalid(InvalidReason),
    /// What the party (revocation) or the officer (suspect flag) wrote, as written.
    Given(String),
}

impl Reason {
    /// The reason in `lang`.
    pub fn text(&self, lang: crate::i18n::Lang) -> String {
        match self {
            Reason::Invalid(key) => lang.t(key),
            Reason::Given(text) => text.clone(),
        }
    }
}

impl Verdict {
    fn invalid(reason: InvalidReason) -> Self {
        Self {
            status: VerifyStatus::Invalid,
            reason: Some(Reason::Invalid(reason)),
            revoked_at: None,
            claims: None,
            code: None,
            ending: None,
        }
    }
}

/// Who asked, and when (by the portal's clock): for the record and the proof's dates.
pub struct Asker<'a> {
    pub user_id: Option<&'a crate::domain::UserId>,
    pub client_ip: Option<&'a str>,
    pub at: chrono::NaiveDateTime,
}

/// Verifies `input` (a token issued at one of `issuers`) by reading only (a standby will
/// do): the answer, and the record of it still to be written (by the group commit).
pub fn check(
    conn: &mut DbConnection,
    ring: &KeyRing,
    issuers: &[String],
    input: &VerifyInput,
    asker: &Asker,
) -> diesel::QueryResult<(Verdict, Verification)> {
    let (verdict, checked) = match input {
        VerifyInput::Unreadable => (Verdict::invalid("verify.reason.unreadable"), None),
        VerifyInput::Token(token) => match check_with_ring(token, ring, issuers) {
            Err(reason) => (Verdict::invalid(reason), None),
            Ok(claims) => {
                match attestations::find_by_id(conn, &AttestationId::from(claims.jti.clone()))? {
                    None => (Verdict::invalid("verify.reason.not_on_record"), None),
                    Some(row) => {
                        let ids = (row.id.clone(), row.station_id.clone());
                        (judge(conn, row, claims, asker.at)?, Some(ids))
                    }
                }
            }
        },
        VerifyInput::Code(code) => match attestations::find_by_code(conn, code.as_str())? {
            None => (
                Verdict {
                    status: VerifyStatus::Unknown,
                    reason: None,
                    revoked_at: None,
                    claims: None,
                    code: None,
                    ending: None,
                },
                None,
            ),
            Some(row) => {
                let ids = (row.id.clone(), row.station_id.clone());
                match check_with_ring(&row.token, ring, issuers) {
                    Ok(claims) => (judge(conn, row, claims, asker.at)?, Some(ids)),
                    Err(reason) => (Verdict::invalid(reason), Some(ids)),
                }
            }
        },
    };
    let (attestation_id, station_id) = checked.unzip();
    let record = Verification {
        id: new_id(),
        at: asker.at,
        attestation_id,
        station_id,
        method: input.method().to_owned(),
        result: verdict.status.as_str().to_owned(),
        user_id: asker.user_id.cloned(),
        client_ip: asker.client_ip.map(str::to_owned),
    };
    Ok((verdict, record))
}

/// The status of a correctly signed token of ours, from its record and the time.
fn judge(
    conn: &mut DbConnection,
    row: Attestation,
    claims: Claims,
    at: chrono::NaiveDateTime,
) -> diesel::QueryResult<Verdict> {
    let station = stations::find_by_id(conn, &row.station_id)?;
    if claims.aud != station.code {
        return Ok(Verdict::invalid("verify.reason.aud"));
    }
    let code = Some(VerificationCode::from_stored(row.code));
    if row.status == AttestationStatus::Suspect {
        return Ok(Verdict {
            status: VerifyStatus::Suspect,
            reason: row.suspect_reason.map(Reason::Given),
            revoked_at: None,
            claims: Some(claims),
            code,
            ending: None,
        });
    }
    if row.status == AttestationStatus::Superseded {
        return Ok(Verdict {
            status: VerifyStatus::Superseded,
            reason: None,
            revoked_at: None,
            claims: Some(claims),
            code,
            ending: None,
        });
    }
    if row.status == AttestationStatus::Revoked {
        return Ok(Verdict {
            status: VerifyStatus::Revoked,
            reason: row.revoke_reason.map(Reason::Given),
            revoked_at: row.revoked_at,
            claims: Some(claims),
            code,
            ending: row.revoke_reason_code.zip(
                row.ended_on
                    .or(row.revoked_at.map(|t| china_time::local(t).date())),
            ),
        });
    }
    Ok(Verdict {
        status: time_status(&claims, at.and_utc().timestamp()),
        reason: None,
        revoked_at: None,
        claims: Some(claims),
        code,
        ending: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_scanner_types_is_read() {
        let token = "eyJh.eyJi.c2ln";
        assert_eq!(VerifyInput::parse(token), VerifyInput::Token(token.into()));
        assert_eq!(
            VerifyInput::parse(&format!("https://attest.example.cn/verify#{token}\n")),
            VerifyInput::Token(token.into())
        );
        assert!(matches!(
            VerifyInput::parse(" 7kq2-m9xd-4hpt "),
            VerifyInput::Code(_)
        ));
        assert_eq!(VerifyInput::parse("hello"), VerifyInput::Unreadable);
        assert_eq!(VerifyInput::parse(""), VerifyInput::Unreadable);
    }
}
