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
    println!(
        "machine: {} cores, {} MiB memory; {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        memory_mib(),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    let only = std::env::var("ATTEST_BENCH_BACKEND").unwrap_or_default();
    if only != "postgres" {
        run(&dir, None, size, secs);
    }
    if only != "sqlite" {
        match common::cluster::Cluster::start(memory_mib()) {
            Some(cluster) => run(&dir, Some(&cluster), size, secs),
            None => println!("\nPostgreSQL is not installed: its run is skipped"),
        }
    }
}

/// One backend's run (SQLite, or PostgreSQL on `cluster`): its ceilings and every load.
fn run(dir: &Path, cluster: Option<&common::cluster::Cluster>, size: u64, secs: u64) {
    let backend = if cluster.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let seeded = match cluster {
        None => dir.join(format!("seeded-{size}")),
        Some(_) => dir.join(format!("seeded-pg-{size}")),
    };
    let seeded_url = cluster.map(|c| c.url(&format!("seeded_{size}")));
    let seeded_store = Store {
        data: &seeded,
        database_url: seeded_url.as_deref(),
    };
    if let Some(cluster) = cluster {
        // Seeded once: a database without the data directory's mark was left half-seeded.
        let name = format!("seeded_{size}");
        if !seeded.join("seeded").exists() || !cluster.has_database(&name) {
            let _ = std::fs::remove_dir_all(&seeded);
            assert!(cluster.psql("postgres", &format!("DROP DATABASE IF EXISTS {name}")));
            assert!(cluster.psql("postgres", &format!("CREATE DATABASE {name}")));
        }
    }
    seed_once(&seeded_store, size);
    // Each run works on a fresh copy: the loads below add verifications and attestations.
    let data = dir.join("run");
    copy_dir(&seeded, &data);
    let url = cluster.map(|c| {
        assert!(c.psql("postgres", "DROP DATABASE IF EXISTS run"));
        let copy = format!("CREATE DATABASE run TEMPLATE seeded_{size}");
        assert!(c.psql("postgres", &copy));
        // As an operator does after a bulk load (autovacuum would, later): statistics for
        // the planner, and the visibility map that lets a count read an index alone.
        assert!(c.psql("run", "VACUUM ANALYZE"));
        c.url("run")
    });
    let store = Store {
        data: &data,
        database_url: url.as_deref(),
    };
    let database = match &url {
        Some(url) => attest::config::Database::Postgres(url.clone()),
        None => attest::config::Database::Sqlite(data.join("attest.db")),
    };
    let pool = attest::db::connect(&database).unwrap();
    let mut report = Report::default();

    // Ceilings.
    let tokens = tokens(&pool, 2000);
    let verify_ceiling = ed25519_ceiling(&tokens[0]);
    let (insert_name, insert_ceiling) = match cluster {
        None => (
            "raw SQLite transactional inserts (WAL, synchronous=NORMAL), one writer",
            sqlite_insert_ceiling(&dir.join("ceiling.db")),
        ),
        Some(c) => (
            "pgbench, one 2 KiB insert per transaction, 64 clients",
            c.pgbench_insert_ceiling(dir, CONNECTIONS, secs),
        ),
    };

    // Start to serving on the existing database (median of 5), then the server for the rest.
    let mut starts = Vec::new();
    for _ in 0..5 {
        let (mut server, took) = start(&store);
        starts.push(took);
        stop(&mut server);
    }
    starts.sort();
    let (mut server, _) = start(&store);
    std::thread::sleep(Duration::from_secs(1));
    let rss_idle = rss_kib(server.child.id());

    // The pages first, on the database as seeded.
    let party_cookie = login(&server, "party1@seed.attest.localhost");
    let page = |name: &str, path: &str, cookie: &str| {
        let headers = [("Cookie", cookie)];
        wrk(dir, name, &server.url(path), None, &headers, 4, secs)
    };
    let list = page("list", "/party/attestations", &party_cookie);
    let officer_cookie = login(&server, "officer1@seed.attest.localhost");
    let dashboard = page("dashboard", "/station", &officer_cookie);
    let healthz = wrk(
        dir,
        "healthz",
        &server.url("/healthz"),
        None,
        &[],
        CONNECTIONS,
        secs,
    );
    let json = [("Content-Type", "application/json")];
    let token_bodies: Vec<String> = tokens
        .iter()
        .map(|t| serde_json::json!({ "token": t }).to_string())
        .collect();
    let sampler = RssSampler::start(server.child.id());
    let verify_token = write_load(
        &server,
        &pool,
        dir,
        "verify-token",
        "/api/v1/verify",
        &token_bodies,
        &json,
        secs,
    );
    let rss_load = sampler.stop();
    let code_bodies: Vec<String> = codes(&pool, 2000)
        .iter()
        .map(|c| serde_json::json!({ "code": c }).to_string())
        .collect();
    let verify_code = write_load(
        &server,
        &pool,
        dir,
        "verify-code",
        "/api/v1/verify",
        &code_bodies,
        &json,
        secs,
    );
    let key = api_key(&store);
    let issue_body = serde_json::json!({
        "kind": "employment",
        "subject": { "name": "王五", "id_number": SUBJECT_ID },
        "responsibility_accepted": true,
        "facts": { "position": "软件工程师", "employed_since": "2023-03-01",
                   "contract_type": "fixed_term" }
    })
    .to_string();
    let bearer = format!("Bearer {key}");
    let issue = write_load(
        &server,
        &pool,
        dir,
        "issue",
        "/api/v1/attestations",
        &[issue_body],
        &[
            ("Content-Type", "application/json"),
            ("Authorization", &bearer),
        ],
        secs,
    );
    let dashboard_after = page("dashboard-after", "/station", &officer_cookie);
    stop(&mut server);

    let ms = |us: u64| us as f64 / 1000.0;
    let combined = 1.0 / (1.0 / healthz.rate() + 1.0 / verify_ceiling);
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
        "ceiling: combined 1 / (1/healthz + 1/raw Ed25519)",
        format!("{combined:.0} /s"),
        None,
    );
    report.line(
        &format!("ceiling: {insert_name}"),
        format!("{insert_ceiling:.0} /s"),
        None,
    );
    for (name, load) in [("token", &verify_token), ("code", &verify_code)] {
        let run = &load.wrk;
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
                "{:.0} % of combined; {:.0} % of /healthz, {:.0} % of raw verify",
                100.0 * run.rate() / combined,
                100.0 * run.rate() / healthz.rate(),
                100.0 * run.rate() / verify_ceiling
            )),
        );
    }
    let run = &issue.wrk;
    report.line(
        "POST /api/v1/attestations (issue, outbox row included), 64 connections",
        format!(
            "{:.0} /s, p50 {:.2} ms, p99 {:.2} ms{}",
            run.rate(),
            ms(run.p50),
            ms(run.p99),
            run.errors_note()
        ),
        Some(format!(
            "{:.0} % of the insert ceiling",
            100.0 * run.rate() / insert_ceiling
        )),
    );
    for (name, load) in [
        ("verify (tokens)", &verify_token),
        ("verify (codes)", &verify_code),
        ("issue", &issue),
    ] {
        report.line(
            &format!("{name}: 2xx answers counted by wrk / rows added in the database / lost"),
            format!(
                "{} / {} / {}",
                load.wrk.ok,
                load.rows,
                load.wrk.ok.saturating_sub(load.rows)
            ),
            Some(format!(
                "group commit: {} writes in {} transactions, {:.1} per commit (p50 ≤ {}, p95 ≤ {})",
                load.batches.writes,
                load.batches.commits,
                load.batches.mean(),
                load.batches.percentile(0.5),
                load.batches.percentile(0.95)
            )),
        );
    }
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
    println!("\n## {backend}");
    report.print();
}

/// A load that writes: what wrk measured, the rows it added, the group commit's batches.
struct WriteLoad {
    wrk: WrkResult,
    rows: u64,
    batches: Batches,
}

/// Posts `bodies` to `path` for `secs` at 64 connections, counting the rows of the table it
/// writes (verifications or attestations) before and after, and the commit batches.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site per load, each named"
)]
fn write_load(
    server: &Server,
    pool: &attest::db::DbPool,
    dir: &Path,
    name: &str,
    path: &str,
    bodies: &[String],
    headers: &[(&str, &str)],
    secs: u64,
) -> WriteLoad {
    let count = || -> u64 {
        use attest::db::schema::{attestations, verifications};
        let mut conn = pool.get().unwrap();
        let n: i64 = if path.ends_with("/verify") {
            verifications::table.count().get_result(&mut *conn).unwrap()
        } else {
            attestations::table.count().get_result(&mut *conn).unwrap()
        };
        n as u64
    };
    let (before, batches_before) = (count(), Batches::scrape(server));
    let wrk = wrk(
        dir,
        name,
        &server.url(path),
        Some(bodies),
        headers,
        CONNECTIONS,
        secs,
    );
    let batches = Batches::scrape(server).since(&batches_before);
    WriteLoad {
        wrk,
        rows: count() - before,
        batches,
    }
}

/// The group commit's batch-size histogram as `/metrics` shows it.
#[derive(Debug, Default, Clone)]
struct Batches {
    /// Cumulative batch counts by upper bound (`le`).
    buckets: Vec<(f64, u64)>,
    writes: u64,
    commits: u64,
}

impl Batches {
    fn scrape(server: &Server) -> Self {
        let text = ureq::get(server.url("/metrics"))
            .header("Authorization", format!("Bearer {METRICS_TOKEN}"))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        let mut batches = Self::default();
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("attest_commit_batch_size_") else {
                continue;
            };
            let value = |s: &str| s.rsplit(' ').next().unwrap().parse::<f64>().unwrap();
            if rest.starts_with("sum") {
                batches.writes = value(rest) as u64;
            } else if rest.starts_with("count") {
                batches.commits = value(rest) as u64;
            } else if let Some(le) = rest.strip_prefix("bucket{le=\"") {
                let bound = le.split('"').next().unwrap();
                let bound = bound.parse().unwrap_or(f64::INFINITY);
                batches.buckets.push((bound, value(rest) as u64));
            }
        }
        batches
    }

    fn since(&self, before: &Self) -> Self {
        let earlier = |bound: f64| {
            before
                .buckets
                .iter()
                .find(|(b, _)| *b == bound)
                .map_or(0, |(_, n)| *n)
        };
        Self {
            buckets: self
                .buckets
                .iter()
                .map(|&(bound, n)| (bound, n - earlier(bound)))
                .collect(),
            writes: self.writes - before.writes,
            commits: self.commits - before.commits,
        }
    }

    fn mean(&self) -> f64 {
        self.writes as f64 / self.commits.max(1) as f64
    }

    /// The smallest bucket bound under which `share` of the batches fall.
    fn percentile(&self, share: f64) -> f64 {
        let wanted = (self.commits as f64 * share).ceil() as u64;
        self.buckets
            .iter()
            .find(|(_, n)| *n >= wanted)
            .map_or(f64::INFINITY, |(bound, _)| *bound)
    }
}

/// Seeds `store` unless a previous run did.
fn seed_once(store: &Store, size: u64) {
    let data = store.data;
    let done = data.join("seeded");
    if done.exists() {
        return;
    }
    let _ = std::fs::remove_dir_all(data);
    eprintln!("seeding {size} attestations into {} (once)", data.display());
    let mut child = store
        .attest()
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

/// Tokens of active proofs valid today.
fn tokens(pool: &attest::db::DbPool, n: i64) -> Vec<String> {
    use attest::db::schema::attestations::dsl::*;
    let today = chrono::Utc::now().date_naive();
    attestations
        .filter(status.eq("active"))
        .filter(valid_from.le(today))
        .filter(valid_until.gt(today))
        .select(token)
        .limit(n)
        .load(&mut *pool.get().unwrap())
        .expect("tokens")
}

/// Codes of proofs, as people type them.
fn codes(pool: &attest::db::DbPool, n: i64) -> Vec<String> {
    use attest::db::schema::attestations::dsl::*;
    attestations
        .select(code)
        .limit(n)
        .load(&mut *pool.get().unwrap())
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
    /// Answers with a 2xx status (counted by the script's `response`, POST loads only).
    ok: u64,
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
        // Each thread counts its 2xx answers; `done` adds them up.
        lua += "ok = 0\nresponse = function(status, headers, body)\n  \
                if status >= 200 and status < 300 then ok = ok + 1 end\nend\n";
    }
    lua += r#"
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local e = summary.errors
  local ok = 0
  for _, t in ipairs(threads) do ok = ok + (t:get("ok") or 0) end
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"errors_status":%d,' ..
    '"errors_socket":%d,"p50":%d,"p95":%d,"p99":%d,"ok":%d}\n', summary.requests,
    summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), ok))
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
