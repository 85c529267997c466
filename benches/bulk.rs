//! The bulk benchmark: 10,000 rows from upload to done, on a release build over loopback,
//! beside two baselines measured in the same run: the same 10,000 proofs issued one by one
//! through the JSON API (8 clients), and the machine's floor for the work itself (signing
//! 10,000 tokens on every core, inserting 10,000 rows of their size in one transaction).
//!
//! `cargo bench --bench bulk` (`ATTEST_BENCH_ROWS` changes the size).

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at the first failure"
)]

mod common;

use common::*;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use ed25519_dalek::Signer;
use std::path::Path;
use std::time::{Duration, Instant};

diesel::table! {
    ceiling (id) {
        id -> Text,
        payload -> Text,
    }
}

fn main() {
    let rows = env_number("ATTEST_BENCH_ROWS", 10_000) as usize;
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../bench-bulk");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("data");
    seed(&data);
    println!(
        "machine: {} cores, {} MiB memory; {}; {rows} rows",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        memory_mib(),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    let csv = attest::cli::sample_csv(attest::domain::AttestationKind::Employment, rows, true);
    let floor = floor(&dir, rows);
    let key = api_key(&Store::sqlite(&data));
    let (mut server, _) = start(&Store::sqlite(&data));
    let cookie = login(&server, "party1@seed.attest.localhost");

    // Bulk: upload (preview checked and stored), issue, poll the progress until done.
    let agent = agent();
    let token = csrf(&agent, &server, &cookie);
    let started = Instant::now();
    let batch = upload(&agent, &server, &cookie, &token, &csv);
    let uploaded = started.elapsed();
    let response = agent
        .post(server.url(&format!("{batch}/issue")))
        .header("Cookie", &cookie)
        .send_form([("csrf_token", token.as_str()), ("responsibility", "on")])
        .unwrap();
    assert_eq!(response.status(), 303);
    let mut polls = 0;
    loop {
        let mut p = agent
            .get(server.url(&format!("{batch}/progress")))
            .header("Cookie", &cookie)
            .call()
            .unwrap();
        let p: serde_json::Value =
            serde_json::from_str(&p.body_mut().read_to_string().unwrap()).unwrap();
        polls += 1;
        if p["state"] == "done" {
            assert_eq!(p["issued"].as_u64(), Some(rows as u64), "every row issued");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "stuck: {p}");
        std::thread::sleep(Duration::from_millis(10));
    }
    let bulk = started.elapsed();

    // What comes after: the results file and the PDF of every proof.
    let timed = |path: &str| {
        let t = Instant::now();
        let mut r = agent
            .get(server.url(&format!("{batch}/{path}")))
            .header("Cookie", &cookie)
            .call()
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let bytes = r
            .body_mut()
            .with_config()
            .limit(1 << 30)
            .read_to_vec()
            .unwrap();
        (t.elapsed(), bytes.len())
    };
    let (results, results_len) = timed("results.csv");
    let (pdf, pdf_len) = timed("pdf");

    // Baseline: the same number of proofs through the JSON API, 8 clients at once.
    let api = api_issue(&server, &key, rows);
    stop(&mut server);

    let secs = |d: Duration| format!("{:.2} s", d.as_secs_f64());
    println!("\n| measurement | figure | ratio |\n|---|---|---|");
    println!(
        "| bulk, upload to preview ({rows} rows, GBK, {} KiB) | {} | |",
        csv.len() / 1024,
        secs(uploaded)
    );
    println!(
        "| bulk, upload to done ({polls} progress polls) | {} | |",
        secs(bulk)
    );
    println!("| baseline: {rows} proofs through the JSON API, 8 clients | {} | bulk takes {:.2}x its time |", secs(api), bulk.as_secs_f64() / api.as_secs_f64());
    println!("| floor: sign {rows} tokens on every core + insert {rows} rows in one transaction | {} | bulk takes {:.1}x the floor |", secs(floor), bulk.as_secs_f64() / floor.as_secs_f64());
    println!(
        "| results.csv ({} KiB) | {} | |",
        results_len / 1024,
        secs(results)
    );
    println!(
        "| PDF of every proof ({} pages, {} MiB) | {} | {:.2} ms a page |",
        rows,
        pdf_len >> 20,
        secs(pdf),
        pdf.as_secs_f64() * 1000.0 / rows as f64
    );
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into()
}

fn seed(data: &Path) {
    let mut child = attest()
        .env("ATTEST_DATA_DIR", data)
        .env("ATTEST_PUBLIC_URL", PORTAL)
        .args(["dev", "seed", "--stations", "1", "--parties", "1"])
        .args(["--attestations", "1", "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("attest dev seed");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), PASSWORD.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success(), "seeding failed");
}

fn csrf(agent: &ureq::Agent, server: &Server, cookie: &str) -> String {
    let html = agent
        .get(server.url("/party/attestations/bulk"))
        .header("Cookie", cookie)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    html.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF field")
        .to_owned()
}

/// POSTs the file as a browser does (multipart); returns the batch's path.
fn upload(agent: &ureq::Agent, server: &Server, cookie: &str, token: &str, csv: &[u8]) -> String {
    let boundary = "----attest-bench-boundary";
    let mut body = Vec::new();
    for (name, value) in [
        ("csrf_token", token),
        ("kind", "employment"),
        ("encoding", "auto"),
    ] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"staff.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(csv);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = agent
        .post(server.url("/party/attestations/bulk"))
        .header("Cookie", cookie)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .send(&body[..])
        .unwrap();
    assert_eq!(response.status(), 303, "upload");
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// The floor of the work itself: `rows` Ed25519 signatures over a token-sized message on
/// every core, and `rows` inserts of 2 KiB in one SQLite transaction on the same disk.
fn floor(dir: &Path, rows: usize) -> Duration {
    let message = vec![b'x'; 900];
    let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let path = dir.join("floor.db");
    let mut conn = SqliteConnection::establish(&path.to_string_lossy()).unwrap();
    diesel::connection::SimpleConnection::batch_execute(
        &mut conn,
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE ceiling (id TEXT PRIMARY KEY NOT NULL, payload TEXT NOT NULL);",
    )
    .unwrap();
    let payload = "x".repeat(2048);
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..rows / threads {
                    std::hint::black_box(key.sign(&message));
                }
            });
        }
    });
    conn.transaction(|c| {
        for _ in 0..rows {
            diesel::insert_into(ceiling::table)
                .values((
                    ceiling::id.eq(uuid::Uuid::new_v4().to_string()),
                    ceiling::payload.eq(&payload),
                ))
                .execute(c)?;
        }
        diesel::QueryResult::Ok(())
    })
    .unwrap();
    started.elapsed()
}

/// Issues `rows` proofs through `POST /api/v1/attestations` with 8 clients.
fn api_issue(server: &Server, key: &str, rows: usize) -> Duration {
    let started = Instant::now();
    std::thread::scope(|s| {
        for t in 0..8 {
            s.spawn(move || {
                let agent = agent();
                for i in (t..rows).step_by(8) {
                    let body = serde_json::json!({
                        "kind": "employment",
                        "subject": { "name": format!("接口{i}"), "id_number": attest::cli::sample_id_number(i) },
                        "facts": {
                            "position": "装配工",
                            "employed_since": "2021-03-01",
                            "contract_type": "open_ended"
                        },
                        "responsibility_accepted": true
                    });
                    let r = agent
                        .post(server.url("/api/v1/attestations"))
                        .header("Authorization", format!("Bearer {key}"))
                        .header("Content-Type", "application/json")
                        .send(body.to_string())
                        .unwrap();
                    assert_eq!(r.status(), 201, "API issuance");
                }
            });
        }
    });
    started.elapsed()
}
