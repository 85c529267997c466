//! `attest dev seed`: fills an empty database with realistic, correctly signed data for
//! benchmarks and demonstrations — stations with an officer each, approved parties with a
//! user each, attestations spread over two years (3 % revoked, 0.2 % suspect) and a
//! verification for every second one. No email is queued.
//!
//! Signing runs on every core while the main thread writes batches of 500 rows, 20 batches
//! per transaction.

use super::{open, read_password, CliError};
use crate::accounts::{self, NewParty, NewStation};
use crate::config::Config;
use crate::db::models::attestations::{self, Attestation, REVOKED, SUSPECT};
use crate::db::models::parties::Party;
use crate::db::models::verifications::{self, Verification};
use crate::db::{new_id, now, DbConnection};
use crate::domain::facts::{
    AttendanceFacts, ContractType, EmploymentFacts, HousingBasis, ResidenceFacts,
};
use crate::domain::{
    AttestationKind, Facts, IdNumber, NewAttestation, PartyDetails, PartyIdentifier, PartyKind,
    PartyStatus, Role, Uscc,
};
use crate::issuing::{signed_row, Issuer};
use crate::secrets::Secrets;
use crate::tokens::KeyRing;
use chrono::{Duration, NaiveDateTime};
use diesel::Connection;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

/// What to create.
#[derive(Debug, Clone, Copy)]
pub struct SeedSize {
    pub stations: u32,
    pub parties: u32,
    pub attestations: u64,
}

/// The domain of every seeded login.
pub const SEED_DOMAIN: &str = "seed.attest.localhost";
const BATCH: usize = 500;
const BATCHES_PER_TRANSACTION: usize = 20;
/// The first party holds this share (1/n) of the attestations: a large employer.
const LARGE_PARTY_SHARE: u64 = 10;

const SURNAMES: [&str; 20] = [
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
const PARTY_KINDS: [PartyKind; 10] = [
    PartyKind::Employer,
    PartyKind::Employer,
    PartyKind::Employer,
    PartyKind::Employer,
    PartyKind::Lessor,
    PartyKind::Lessor,
    PartyKind::Lessor,
    PartyKind::School,
    PartyKind::ResidentsCommittee,
    PartyKind::VillagersCommittee,
];

/// One seeded party, with what signing needs.
struct SeedParty {
    party: Party,
    user_id: String,
    station_code: String,
    officer_id: String,
}

/// `attest dev seed`: the password of every seeded login comes from stdin.
pub fn run(config: &Config, size: SeedSize) -> Result<(), CliError> {
    if size.stations == 0 || size.parties == 0 {
        return Err(CliError {
            message: "--stations and --parties must be at least 1".into(),
            code: 1,
        });
    }
    let password = read_password(&[])?;
    let started = Instant::now();
    let hash = crate::password::hash(&password)?;
    let secrets = Secrets::load_or_create(&config.data_dir)?;
    let mut conn = open(config)?;
    let conn: &mut DbConnection = &mut conn;
    if let DbConnection::Sqlite(_) = conn {
        // A larger page cache for the random primary keys of a million rows.
        diesel::connection::SimpleConnection::batch_execute(conn, "PRAGMA cache_size = -262144")
            .map_err(anyhow::Error::from)?;
    }
    crate::tokens::keys::ensure_signer(conn, &config.keys_dir())?;
    let ring = KeyRing::load(conn, &config.keys_dir())?;
    let parties = create_accounts(conn, &secrets, &hash, size)?;
    let portal = config.portal();
    let (attested, verified) = write_attestations(conn, &parties, &ring, &secrets, &portal, size)?;
    println!(
        "seeded {} stations, {} parties, {attested} attestations and {verified} verifications in {:.1} s",
        size.stations,
        size.parties,
        started.elapsed().as_secs_f64()
    );
    println!(
        "logins (the password given): officer1@{SEED_DOMAIN} … officer{}@{SEED_DOMAIN}, \
         party1@{SEED_DOMAIN} … party{}@{SEED_DOMAIN}; party1 holds 1/{LARGE_PARTY_SHARE} of the attestations",
        size.stations, size.parties
    );
    Ok(())
}

fn create_accounts(
    conn: &mut DbConnection,
    secrets: &Secrets,
    hash: &str,
    size: SeedSize,
) -> Result<Vec<SeedParty>, CliError> {
    let mut officers = Vec::new();
    for s in 1..=size.stations {
        let code = format!("110108-{s:03}");
        accounts::create_station(
            conn,
            &NewStation {
                code: &code,
                name: &format!("海淀分局第{s}派出所"),
                email: &format!("station{s}@{SEED_DOMAIN}"),
            },
        )?;
        let officer = accounts::create_staff(
            conn,
            Role::Station,
            &format!("officer{s}@{SEED_DOMAIN}"),
            hash,
            Some(&code),
        )?;
        officers.push((code, officer.id));
    }
    let mut parties = Vec::new();
    for p in 1..=size.parties {
        let kind = PARTY_KINDS[(p as usize - 1) % PARTY_KINDS.len()];
        let (station_code, officer_id) = officers[(p as usize - 1) % officers.len()].clone();
        let credit_code = Uscc::complete(&format!("91110108{p:09}"))
            .map_err(|e| anyhow::anyhow!("seed credit code: {e}"))?;
        let details = PartyDetails {
            kind,
            legal_name: party_name(kind, p),
            identifier: PartyIdentifier::Uscc(credit_code),
            address: format!("北京市海淀区中关村大街{p}号"),
            contact_name: format!("{}经理", SURNAMES[p as usize % SURNAMES.len()]),
            contact_phone: format!("138{p:08}"),
        };
        let (party, user) = accounts::create_party(
            conn,
            &NewParty {
                details: &details,
                station_code: &station_code,
                email: &format!("party{p}@{SEED_DOMAIN}"),
                password_hash: hash,
                status: PartyStatus::Approved,
                client_ip: None,
                notify_portal: None,
                secrets,
            },
        )?;
        parties.push(SeedParty {
            party,
            user_id: user.id,
            station_code,
            officer_id,
        });
    }
    Ok(parties)
}

fn party_name(kind: PartyKind, n: u32) -> String {
    match kind {
        PartyKind::Employer => format!("北京第{n}科技有限公司"),
        PartyKind::Lessor => format!("北京第{n}房屋租赁有限公司"),
        PartyKind::School => format!("北京第{n}职业技术学院"),
        PartyKind::ResidentsCommittee => format!("中关村第{n}社区居民委员会"),
        PartyKind::VillagersCommittee => format!("西北旺第{n}村民委员会"),
    }
}

/// Signs on every core and writes on this thread; returns the attestations and
/// verifications written.
fn write_attestations(
    conn: &mut DbConnection,
    parties: &[SeedParty],
    ring: &KeyRing,
    secrets: &Secrets,
    portal: &str,
    size: SeedSize,
) -> Result<(u64, u64), CliError> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let batches = size.attestations.div_ceil(BATCH as u64);
    let now = now();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Batch, String>>(workers as usize * 4);
    std::thread::scope(|scope| {
        for w in 0..workers {
            let tx = tx.clone();
            scope.spawn(move || {
                for b in (w..batches).step_by(workers as usize) {
                    let first = b * BATCH as u64;
                    let last = (first + BATCH as u64).min(size.attestations);
                    let batch = make_batch(parties, ring, secrets, portal, now, first..last);
                    if tx.send(batch).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let mut written = (0u64, 0u64);
        let mut pending: Vec<Batch> = Vec::new();
        for batch in rx {
            pending.push(batch.map_err(|e| anyhow::anyhow!(e))?);
            if pending.len() == BATCHES_PER_TRANSACTION {
                store(conn, &mut pending, &mut written)?;
                eprintln!("{} attestations written", written.0);
            }
        }
        store(conn, &mut pending, &mut written)?;
        Ok(written)
    })
}

/// Attestations and their verifications, to be written together.
struct Batch {
    attestations: Vec<Attestation>,
    verifications: Vec<Verification>,
}

fn store(
    conn: &mut DbConnection,
    pending: &mut Vec<Batch>,
    written: &mut (u64, u64),
) -> Result<(), CliError> {
    conn.transaction(|conn| {
        for batch in pending.iter() {
            attestations::insert_many(conn, &batch.attestations)?;
            verifications::insert_many(conn, &batch.verifications)?;
            written.0 += batch.attestations.len() as u64;
            written.1 += batch.verifications.len() as u64;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .map_err(anyhow::Error::from)?;
    pending.clear();
    Ok(())
}

/// The attestations numbered `range`: the first party gets every tenth, the others share
/// the rest; the time of issue is spread over the last two years.
fn make_batch(
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
            station_code: &owner.station_code,
            user_id: &owner.user_id,
            portal,
            secrets,
            ring,
        };
        let mut row = signed_row(&issuer, &new, issued_at).map_err(|e| e.to_string())?;
        let later = |rng: &mut StdRng| {
            (issued_at + Duration::seconds(rng.gen_range(3_600..30 * 86_400))).min(now)
        };
        match rng.gen_range(0..1000) {
            0..30 => {
                row.status = REVOKED.to_owned();
                row.revoked_at = Some(later(&mut rng));
                row.revoked_by = Some(owner.user_id.clone());
                row.revoke_reason = Some("员工已离职".to_owned());
            }
            30..32 => {
                row.status = SUSPECT.to_owned();
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
    let party_kind = PartyKind::parse(&owner.party.kind).ok_or("seeded party kind")?;
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
        AttestationKind::Employment => Facts::Employment(EmploymentFacts {
            position: POSITIONS[rng.gen_range(0..POSITIONS.len())].to_owned(),
            department: Some("运营部".to_owned()),
            employed_since: since,
            contract_type: if rng.gen_bool(0.8) {
                ContractType::FixedTerm
            } else {
                ContractType::OpenEnded
            },
            employed_until: None,
        }),
        AttestationKind::Residence => Facts::Residence(ResidenceFacts {
            address: format!(
                "北京市海淀区学院路{}号{}单元{}室",
                rng.gen_range(1..300),
                rng.gen_range(1..8),
                rng.gen_range(101..2_400)
            ),
            housing_basis: HousingBasis::Lease,
            residing_since: since,
            lease_end: Some(valid_until),
            lease_registration_no: None,
        }),
        AttestationKind::Attendance => Facts::Attendance(AttendanceFacts {
            student_number: format!("2024{:06}", rng.gen_range(0..1_000_000)),
            programme: "计算机科学与技术".to_owned(),
            level: "本科".to_owned(),
            enrolled_since: since,
            expected_completion: valid_until + Duration::days(365),
            full_time: true,
        }),
    };
    Ok(NewAttestation {
        kind,
        subject_name: format!(
            "{}{}",
            SURNAMES[rng.gen_range(0..SURNAMES.len())],
            GIVEN[rng.gen_range(0..GIVEN.len())]
        ),
        subject_id,
        valid_from,
        valid_until,
        applicant_email: None,
        facts,
    })
}
