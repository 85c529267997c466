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
use crate::db::models::attestations::{self, Attestation};
use crate::db::models::parties::Party;
use crate::db::models::verifications::{self, Verification};
use crate::db::{now, DbConnection};
use crate::domain::{PartyDetails, PartyIdentifier, PartyKind, PartyStatus, Role, Uscc, UserId};
use crate::secrets::Secrets;
use crate::tokens::KeyRing;
use clap::Subcommand;
use std::time::Instant;

mod fake;
mod sample;
use fake::{make_batch, SURNAMES};
pub use sample::{sample_csv, sample_id_number, sample_name};

/// Development commands.
#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Fill an empty database with realistic, correctly signed data (stations, officers,
    /// approved parties, attestations over two years, verifications); no email is queued.
    /// The password of every seeded login is read from stdin.
    Seed {
        /// Police stations, each with one officer (officerN@seed.attest.localhost).
        #[arg(long, default_value_t = 10)]
        stations: u32,
        /// Approved parties, each with one user (partyN@seed.attest.localhost).
        #[arg(long, default_value_t = 1000)]
        parties: u32,
        /// Attestations; party1 gets a tenth of them, the others share the rest.
        #[arg(long, default_value_t = 100_000)]
        attestations: u64,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Write a bulk-issuance CSV file of fictitious people to stdout, as Excel saves it
    /// (GBK unless --utf8; every row valid), to try the bulk page.
    SampleCsv {
        /// residence, employment or attendance.
        #[arg(long, default_value = "employment")]
        kind: String,
        #[arg(long, default_value_t = 100)]
        rows: usize,
        /// UTF-8 with BOM instead of GBK.
        #[arg(long)]
        utf8: bool,
    },
}

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
pub(super) const LARGE_PARTY_SHARE: u64 = 10;

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
    user_id: UserId,
    station: crate::db::models::stations::Station,
    officer_id: UserId,
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
        let station = crate::db::models::stations::find_by_code(conn, &station_code)
            .map_err(anyhow::Error::from)?
            .ok_or_else(|| anyhow::anyhow!("seeded station {station_code}"))?;
        parties.push(SeedParty {
            party,
            user_id: user.id,
            station,
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
    crate::db::write(conn, |conn| {
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
