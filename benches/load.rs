//! The load benchmark: in one run, the machine's ceilings and the portal's figures beside
//! them as ratios, on a release build over loopback with `wrk`.
//!
//! `cargo bench --bench load` (needs `wrk`: `apt-get install wrk`). The first run seeds
//! `target/bench-load/` with 1,000,000 attestations (`attest dev seed`, a few minutes);
//! later runs start from a copy of it. `ATTEST_BENCH_ATTESTATIONS` changes the size, `ATTEST_BENCH_SECS`
//! the length of each load (10 s).

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at the first failure"
)]

mod common;

use common::*;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use ed25519_dalek::{Signer, Verifier};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CONNECTIONS: u32 = 64;
/// A subject ID number that passes GB 11643 (the issuing API checks it).
const SUBJECT_ID: &str = "440304199002151545";

diesel::table! {
    ceiling (id) {
        id -> Text,
        payload -> Text,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; criterion-style filters are not used here.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../bench-load");
    let size: u64 = env_number("ATTEST_BENCH_ATTESTATIONS", 1_000_000);
    let secs: u64 = env_number("ATTEST_BENCH_SECS", 10);
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("wrk is not installed: apt-get install wrk");
        std::process::exit(1);
    }
    std::fs::create_dir_all(&dir).unwrap();
    let seeded = dir.join(format!("seeded-{size}"));
    seed_once(&seeded, size);
    // Each run works on a fresh copy: the loads below add verifications and attestations.
    let data = dir.join("run");
    copy_dir(&seeded, &data);
    let mut report = Report::default();
    println!(
        "machine: {} cores, {} MiB memory; {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        memory_mib(),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    );

    // Ceilings.
    let tokens = tokens(&data, 2000);
    let verify_ceiling = ed25519_ceiling(&tokens[0]);
    let insert_ceiling = sqlite_insert_ceiling(&dir.join("ceiling.db"));

    // Start to serving on the existing database (median of 5), then the server for the rest.
    let mut starts = Vec::new();
    for _ in 0..5 {
        let (mut server, took) = start(&data);
        starts.push(took);
        stop(&mut server);
    }
    starts.sort();
    let (mut server, _) = start(&data);
    std::thread::sleep(Duration::from_secs(1));
    let rss_idle = rss_kib(server.child.id());

    // The pages first, on the database as seeded.
    let party_cookie = login(&server, "party1@seed.attest.localhost");
    let list = wrk(
        &dir,
        "list",
        &server.url("/party/attestations"),
        None,
        &[("Cookie", &party_cookie)],
        4,
        secs,
    );
    let officer_cookie = login(&server, "officer1@seed.attest.localhost");
    let dashboard = wrk(
        &dir,
        "dashboard",
        &server.url("/station"),
        None,
        &[("Cookie", &officer_cookie)],
        4,
        secs,
    );
    let healthz = wrk(
        &dir,
        "healthz",
        &server.url("/healthz"),
        None,
        &[],
        CONNECTIONS,
        secs,
    );
    let token_bodies: Vec<String> = tokens
        .iter()
        .map(|t| serde_json::json!({ "token": t }).to_string())
        .collect();
    let sampler = RssSampler::start(server.child.id());
    let verify_token = wrk(
        &dir,
        "verify-token",
        &server.url("/api/v1/verify"),
        Some(&token_bodies),
        &[("Content-Type", "application/json")],
        CONNECTIONS,
        secs,
    );
    let rss_load = sampler.stop();
    let code_bodies: Vec<String> = codes(&data, 2000)
        .iter()
        .map(|c| serde_json::json!({ "code": c }).to_string())
        .collect();
    let verify_code = wrk(
        &dir,
        "verify-code",
        &server.url("/api/v1/verify"),
        Some(&code_bodies),
        &[("Content-Type", "application/json")],
        CONNECTIONS,
        secs,
    );
    let key = api_key(&data);
    let issue_body = serde_json::json!({
        "kind": "employment",
        "subject": { "name": "王五", "id_number": SUBJECT_ID },
        "responsibility_accepted": true,
        "facts": { "position": "软件工程师", "employed_since": "2023-03-01",
                   "contract_type": "fixed_term" }
    })
    .to_string();
    let issue = wrk(
        &dir,
        "issue",
        &server.url("/api/v1/attestations"),
        Some(&[issue_body]),
        &[
            ("Content-Type", "application/json"),
            ("Authorization", &format!("Bearer {key}")),
        ],
        CONNECTIONS,
        secs,
    );
    let dashboard_after = wrk(
        &dir,
        "dashboard-after",
        &server.url("/station"),
        None,
        &[("Cookie", &officer_cookie)],
        4,
        secs,
    );
    stop(&mut server);

    let ms = |us: u64| us as f64 / 1000.0;
    report.line(
        "ceiling: GET /healthz (framework + pool), 64 connections",
        format!("{:.0} req/s", healthz.rate()),
        None,
    );
    report.line(
        "ceiling: raw Ed25519 verifications, all cores",
        format!("{verify_ceiling:.0} /s"),
        None,
    );
    report.line(
        "ceiling: raw SQLite transactional inserts (WAL, synchronous=NORMAL)",
        format!("{insert_ceiling:.0} /s"),
        None,
    );
    for (name, run) in [("token", &verify_token), ("code", &verify_code)] {
        report.line(
            &format!("POST /api/v1/verify ({name}s), 64 connections"),
            format!(
                "{:.0} req/s, p50 {:.2} ms, p99 {:.2} ms{}",
                run.rate(),
                ms(run.p50),
                ms(run.p99),
                run.errors_note()
            ),
            Some(format!(
                "{:.0} % of /healthz, {:.0} % of raw verify",
                100.0 * run.rate() / healthz.rate(),
                100.0 * run.rate() / verify_ceiling
            )),
        );
    }
    report.line(
        "POST /api/v1/attestations (issue, outbox row included), 64 connections",
        format!(
            "{:.0} /s, p50 {:.2} ms, p99 {:.2} ms{}",
            issue.rate(),
            ms(issue.p50),
            ms(issue.p99),
            issue.errors_note()
        ),
        Some(format!(
            "{:.0} % of raw insert",
            100.0 * issue.rate() / insert_ceiling
        )),
    );
    for (name, run) in [
        (
            format!("GET /party/attestations (party1: 1/10 of {size} attestations)"),
            &list,
        ),
        (format!("GET /station (dashboard) at {size} attestations"), &dashboard),
        (
            "GET /station again, after the loads above (their verifications and issues are this week's)".to_owned(),
            &dashboard_after,
        ),
    ] {
        report.line(
            &format!("{name}, 4 connections"),
            format!(
                "p50 {:.2} ms, p95 {:.2} ms ({:.0} req/s){}",
                ms(run.p50),
                ms(run.p95),
                run.rate(),
                run.errors_note()
            ),
            Some(format!(
                "{:.0} % of /healthz",
                100.0 * run.rate() / healthz.rate()
            )),
        );
    }
    report.line(
        "resident memory idle / under the verify load (max)",
        format!(
            "{:.1} MiB / {:.1} MiB",
            rss_idle as f64 / 1024.0,
            rss_load as f64 / 1024.0
        ),
        None,
    );
    report.line(
        "start to first answered /healthz on the existing database (median of 5)",
        format!("{:.0} ms", starts[2].as_secs_f64() * 1000.0),
        None,
    );
    report.print();
}

/// Seeds `data` unless a previous run did.
fn seed_once(data: &Path, size: u64) {
    let done = data.join("seeded");
    if done.exists() {
        return;
    }
    let _ = std::fs::remove_dir_all(data);
    eprintln!("seeding {size} attestations into {} (once)", data.display());
    let mut child = attest()
        .env("ATTEST_DATA_DIR", data)
        .env("ATTEST_PUBLIC_URL", PORTAL)
        .args(["dev", "seed", "--stations", "10", "--parties", "1000"])
        .args(["--attestations", &size.to_string(), "--password-stdin"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("attest dev seed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(PASSWORD.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "seeding failed");
    std::fs::write(done, "").unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn database(data: &Path) -> SqliteConnection {
    SqliteConnection::establish(&data.join("attest.db").to_string_lossy()).expect("database")
}

/// Tokens of active proofs valid today.
fn tokens(data: &Path, n: i64) -> Vec<String> {
    use attest::db::schema::attestations::dsl::*;
    let today = chrono::Utc::now().date_naive();
    attestations
        .filter(status.eq("active"))
        .filter(valid_from.le(today))
        .filter(valid_until.gt(today))
        .select(token)
        .limit(n)
        .load(&mut database(data))
        .expect("tokens")
}

/// Codes of proofs, as people type them.
fn codes(data: &Path, n: i64) -> Vec<String> {
    use attest::db::schema::attestations::dsl::*;
    attestations
        .select(code)
        .limit(n)
        .load(&mut database(data))
        .expect("codes")
}

/// Raw Ed25519 verifications per second on every core, over a message as long as a real
/// token's signing input.
fn ed25519_ceiling(token: &str) -> f64 {
    let message = token.rsplit_once('.').unwrap().0.as_bytes().to_vec();
    let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let signature = key.sign(&message);
    let public = key.verifying_key();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let count = AtomicU64::new(0);
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut n = 0;
                while started.elapsed() < Duration::from_secs(3) {
                    public.verify(&message, &signature).unwrap();
                    n += 1;
                }
                count.fetch_add(n, Ordering::Relaxed);
            });
        }
    });
    count.into_inner() as f64 / started.elapsed().as_secs_f64()
}

/// Raw SQLite inserts per second, one row of an attestation's size per transaction, on the
/// same disk and with the portal's settings.
fn sqlite_insert_ceiling(path: &Path) -> f64 {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut conn = SqliteConnection::establish(&path.to_string_lossy()).unwrap();
    diesel::connection::SimpleConnection::batch_execute(
        &mut conn,
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;
         CREATE TABLE ceiling (id TEXT PRIMARY KEY NOT NULL, payload TEXT NOT NULL);",
    )
    .unwrap();
    let payload = "x".repeat(2048);
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < Duration::from_secs(3) {
        conn.transaction(|c| {
            diesel::insert_into(ceiling::table)
                .values((
                    ceiling::id.eq(uuid::Uuid::new_v4().to_string()),
                    ceiling::payload.eq(&payload),
                ))
                .execute(c)
        })
        .unwrap();
        n += 1;
    }
    n as f64 / started.elapsed().as_secs_f64()
}

/// What one wrk run measured (latencies in microseconds).
#[derive(Debug, serde::Deserialize)]
struct WrkResult {
    requests: u64,
    duration_us: u64,
    errors_status: u64,
    errors_socket: u64,
    p50: u64,
    p95: u64,
    p99: u64,
}

impl WrkResult {
    fn rate(&self) -> f64 {
        self.requests as f64 / (self.duration_us as f64 / 1e6)
    }

    fn errors_note(&self) -> String {
        if self.errors_status + self.errors_socket == 0 {
            String::new()
        } else {
            format!(
                " ({} non-2xx, {} socket errors!)",
                self.errors_status, self.errors_socket
            )
        }
    }
}

/// Runs wrk (2 threads) against `url`, cycling through `bodies` as POST bodies when given.
fn wrk(
    dir: &Path,
    name: &str,
    url: &str,
    bodies: Option<&[String]>,
    headers: &[(&str, &str)],
    connections: u32,
    secs: u64,
) -> WrkResult {
    let mut lua = String::new();
    for (header, value) in headers {
        lua += &format!("wrk.headers[{header:?}] = {value:?}\n");
    }
    if let Some(bodies) = bodies {
        lua += "wrk.method = \"POST\"\nlocal bodies = {\n";
        for body in bodies {
            lua += &format!("[==[{body}]==],\n");
        }
        lua += "}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  \
                return wrk.format(nil, nil, nil, bodies[(i % #bodies) + 1])\nend\n";
    }
    lua += r#"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"errors_status":%d,' ..
    '"errors_socket":%d,"p50":%d,"p95":%d,"p99":%d}\n', summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout, latency:percentile(50),
    latency:percentile(95), latency:percentile(99)))
end
"#;
    let script = dir.join(format!("{name}.lua"));
    std::fs::write(&script, lua).unwrap();
    let out = Command::new("wrk")
        .args(["-t2", &format!("-c{connections}"), &format!("-d{secs}s")])
        .args(["--timeout", "5s", "-s"])
        .arg(&script)
        .arg(url)
        .output()
        .expect("wrk");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or_else(|| panic!("wrk printed no result: {stdout}"));
    serde_json::from_str(line).unwrap()
}

/// The resident set size of `pid` in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Samples the RSS of a process every 50 ms and keeps the maximum.
struct RssSampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl RssSampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut max = 0;
            while !flag.load(Ordering::Relaxed) {
                max = max.max(rss_kib(pid));
                std::thread::sleep(Duration::from_millis(50));
            }
            max
        });
        Self { stop, thread }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

/// The table printed at the end.
#[derive(Default)]
struct Report {
    lines: Vec<(String, String, Option<String>)>,
}

impl Report {
    fn line(&mut self, what: &str, figure: String, ratio: Option<String>) {
        self.lines.push((what.to_owned(), figure, ratio));
    }

    fn print(&self) {
        println!("\n| measurement | figure | ratio |\n|---|---|---|");
        for (what, figure, ratio) in &self.lines {
            println!("| {what} | {figure} | {} |", ratio.as_deref().unwrap_or(""));
        }
    }
}
