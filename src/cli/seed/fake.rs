//! Made-up but valid data: names, ID numbers, facts, times of issue and what became of
//! each proof.

use super::{Batch, SeedParty, LARGE_PARTY_SHARE};
use crate::db::models::verifications::Verification;
use crate::db::new_id;
use crate::domain::AttestationStatus;
use crate::domain::{AttestationKind, Facts, IdNumber, NewAttestation};
use crate::issuing::{signed_row, Issuer};
use crate::secrets::Secrets;
use crate::tokens::KeyRing;
use chrono::{Duration, NaiveDateTime};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub(super) const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "高", "罗",
];
const GIVEN: [&str; 24] = [
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "浩", "宇", "欣怡", "子轩",
];
const REGIONS: [&str; 10] = [
    "110105", "110108", "310115", "440305", "510107", "320102", "330106", "420106", "610113",
    "370102",
];
const POSITIONS: [&str; 8] = [
    "软件工程师",
    "会计",
    "销售代表",
    "厨师",
    "保安",
    "护士",
    "仓库管理员",
    "行政助理",
];

/// The attestations numbered `range`: the first party gets every tenth, the others share
/// the rest; the time of issue is spread over the last two years.
pub(super) fn make_batch(
    parties: &[SeedParty],
    ring: &KeyRing,
    secrets: &Secrets,
    portal: &str,
    now: NaiveDateTime,
    range: std::ops::Range<u64>,
) -> Result<Batch, String> {
    let mut rng = StdRng::seed_from_u64(range.start);
    let mut batch = Batch {
        attestations: Vec::with_capacity((range.end - range.start) as usize),
        verifications: Vec::new(),
    };
    for n in range {
        let owner = if n % LARGE_PARTY_SHARE == 0 || parties.len() == 1 {
            &parties[0]
        } else {
            &parties[1 + (n as usize * 7919) % (parties.len() - 1)]
        };
        let issued_at = now - Duration::seconds(rng.gen_range(0..730 * 86_400));
        let new = new_attestation(&mut rng, owner, issued_at)?;
        let issuer = Issuer {
            party: &owner.party,
            station: &owner.station,
            user_id: &owner.user_id,
            portal,
            secrets,
            ring,
        };
        let mut row = signed_row(&issuer, &new, issued_at, None).map_err(|e| e.to_string())?;
        let later = |rng: &mut StdRng| {
            (issued_at + Duration::seconds(rng.gen_range(3_600..30 * 86_400))).min(now)
        };
        match rng.gen_range(0..1000) {
            0..30 => {
                row.status = AttestationStatus::Revoked;
                row.revoked_at = Some(later(&mut rng));
                row.revoked_by = Some(owner.user_id.clone());
                row.revoke_reason = Some("员工已离职".to_owned());
            }
            30..32 => {
                row.status = AttestationStatus::Suspect;
                row.suspect_at = Some(later(&mut rng));
                row.suspect_by = Some(owner.officer_id.clone());
                row.suspect_reason = Some("证明内容与实际不符".to_owned());
            }
            _ => {}
        }
        if rng.gen_bool(0.5) {
            batch.verifications.push(Verification {
                id: new_id(),
                at: later(&mut rng),
                attestation_id: Some(row.id.clone()),
                method: if rng.gen_bool(0.7) { "token" } else { "code" }.to_owned(),
                result: "valid".to_owned(),
                user_id: rng.gen_bool(0.8).then(|| owner.officer_id.clone()),
                client_ip: Some(format!("10.8.{}.{}", rng.gen::<u8>(), rng.gen::<u8>())),
                station_id: Some(row.station_id.clone()),
            });
        }
        batch.attestations.push(row);
    }
    Ok(batch)
}

fn new_attestation(
    rng: &mut StdRng,
    owner: &SeedParty,
    issued_at: NaiveDateTime,
) -> Result<NewAttestation, String> {
    let party_kind = owner.party.kind;
    let kinds = AttestationKind::allowed_for(party_kind);
    // Employers and schools mostly attest their own kind; residence now and then.
    let kind = if rng.gen_bool(0.85) {
        kinds[0]
    } else {
        kinds[kinds.len() - 1]
    };
    let valid_from = issued_at.date();
    let valid_until = valid_from + Duration::days(rng.gen_range(180..=365));
    let since = valid_from - Duration::days(rng.gen_range(30..2_000));
    let birth = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default()
        + Duration::days(rng.gen_range(0..16_000));
    let subject_id = IdNumber::complete(&format!(
        "{}{}{:03}",
        REGIONS[rng.gen_range(0..REGIONS.len())],
        birth.format("%Y%m%d"),
        rng.gen_range(0..1000)
    ))
    .map_err(|e| e.to_string())?;
    let facts = match kind {
        AttestationKind::Employment => serde_json::json!({
            "position": POSITIONS[rng.gen_range(0..POSITIONS.len())],
            "department": "运营部",
            "employed_since": since,
            "contract_type": if rng.gen_bool(0.8) { "fixed_term" } else { "open_ended" },
        }),
        AttestationKind::Residence => serde_json::json!({
            "address": format!(
                "北京市海淀区学院路{}号{}单元{}室",
                rng.gen_range(1..300),
                rng.gen_range(1..8),
                rng.gen_range(101..2_400)
            ),
            "housing_basis": "lease",
            "residing_since": since,
            "lease_end": valid_until,
        }),
        AttestationKind::Attendance => serde_json::json!({
            "student_number": format!("2024{:06}", rng.gen_range(0..1_000_000)),
            "programme": "计算机科学与技术",
            "level": "本科",
            "enrolled_since": since,
            "expected_completion": valid_until + Duration::days(365),
            "full_time": true,
        }),
    };
    let facts = Facts::from_json(kind, facts).map_err(|e| e.to_string())?;
    Ok(NewAttestation {
        kind,
        subject_name: format!(
            "{}{}",
            SURNAMES[rng.gen_range(0..SURNAMES.len())],
            GIVEN[rng.gen_range(0..GIVEN.len())]
        ),
        subject_id: crate::domain::attestation::SubjectId::Typed(subject_id),
        replaces: None,
        valid_from,
        valid_until,
        applicant_email: None,
        facts,
    })
}
