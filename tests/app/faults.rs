//! Faults: the database locked by another process, the server killed, the server stopped
//! under load.

use crate::gates::backend;
use crate::helpers::*;
use diesel::connection::SimpleConnection;
use reqwest::StatusCode;
use std::process::Command;

#[tokio::test]
async fn a_database_locked_by_another_process_answers_503_and_writes_nothing() {
    backend!();
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    let csrf = app.csrf_token(&app.client).await;
    // Another process holds the data.
    let store = app.data_dir.clone();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let pool = attest::db::connect(&store.database()).unwrap();
        let mut conn = pool.get().unwrap();
        let lock = match &*conn {
            attest::db::DbConnection::Sqlite(_) => "BEGIN EXCLUSIVE",
            attest::db::DbConnection::Postgres(_) => {
                "BEGIN; LOCK TABLE parties, users, audit_log, outbox IN ACCESS EXCLUSIVE MODE"
            }
        };
        conn.batch_execute(lock).unwrap();
        locked_tx.send(()).unwrap();
        release_rx.recv().unwrap();
        conn.batch_execute("ROLLBACK").unwrap();
    });
    locked_rx.recv().unwrap();

    let mut form = employer_form("hr@example.cn");
    form.push(("csrf_token", csrf));
    let response = app
        .client
        .post(app.url("/register"))
        .form(&fields(&form))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key("retry-after"));
    assert!(response.text().await.unwrap().contains("服务暂时不可用"));
    release_tx.send(()).unwrap();
    holder.join().unwrap();
    // Nothing half-written: neither the party nor its user.
    let mut conn = app.conn();
    assert!(
        attest::db::models::parties::find_by_identifier(&mut conn, "91350100M000100Y43")
            .unwrap()
            .is_none()
    );
    assert!(!attest::db::models::users::email_taken(&mut conn, "hr@example.cn").unwrap());
    // And it works again.
    let retry = app
        .post("/register", &fields(&employer_form("hr@example.cn")))
        .await;
    assert_eq!(retry.status(), StatusCode::SEE_OTHER);
}

/// Starts `attest serve` on `store` with `env`; returns the child and its port.
fn serve(store: &Store, env: &[(&str, &str)]) -> (Served, u16) {
    let (child, port, log) = serve_binary(store, env);
    std::thread::spawn(move || log.iter().for_each(drop));
    (child, port)
}

/// What the 64 clients were answered before the kill.
#[derive(Default)]
struct Answered {
    issued: Vec<String>,
    verified: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_answered_issuance_and_verification_survives_a_sigkill_under_64_clients() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let key = app.key_from_settings(&hr).await;
    let store = app.data_dir.clone();
    let unlimited = [("ATTEST_VERIFY_PER_MINUTE", "10000000")];
    let (mut server, port) = serve(&store, &unlimited);
    let first: serde_json::Value = browser()
        .post(format!("http://127.0.0.1:{port}/api/v1/attestations"))
        .bearer_auth(&key)
        .json(&employment_json())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = first["token"].as_str().unwrap().to_owned();

    // 32 clients issue and 32 verify, each as fast as it is answered; the server is killed
    // (SIGKILL) in the middle, with writes of every kind waiting for their group commit.
    let answered = std::sync::Arc::new(std::sync::Mutex::new(Answered::default()));
    let mut clients = Vec::new();
    for n in 0..64 {
        let (key, token, answered) = (key.clone(), token.clone(), answered.clone());
        clients.push(tokio::spawn(async move {
            let client = browser();
            let issuing = n % 2 == 0;
            loop {
                let request = if issuing {
                    client
                        .post(format!("http://127.0.0.1:{port}/api/v1/attestations"))
                        .bearer_auth(&key)
                        .json(&employment_json())
                } else {
                    client
                        .post(format!("http://127.0.0.1:{port}/api/v1/verify"))
                        .json(&serde_json::json!({ "token": token }))
                };
                let Ok(response) = request.send().await else { break };
                if !response.status().is_success() {
                    break;
                }
                let Ok(body) = response.json::<serde_json::Value>().await else {
                    break;
                };
                let mut answered = answered.lock().unwrap();
                if issuing {
                    answered.issued.push(body["id"].as_str().unwrap().to_owned());
                } else {
                    assert_eq!(body["status"], "valid", "{body}");
                    answered.verified += 1;
                }
            }
        }));
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let enough = {
            let answered = answered.lock().unwrap();
            answered.issued.len() >= 100 && answered.verified >= 300
        };
        if enough {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the load never got going");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    for client in clients {
        client.await.unwrap();
    }
    let answered = std::mem::take(&mut *answered.lock().unwrap());

    // After a restart every answered attestation is there, every answered verification is
    // recorded, and the database is sound.
    let (mut restarted, port) = serve(&store, &unlimited);
    for id in &answered.issued {
        let got = browser()
            .get(format!("http://127.0.0.1:{port}/api/v1/attestations/{id}"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(got.status(), StatusCode::OK, "answered {id} lost");
    }
    restarted.kill().unwrap();
    restarted.wait().unwrap();
    let recorded: i64 = {
        use attest::db::schema::verifications;
        use diesel::prelude::*;
        let id = first["id"].as_str().unwrap().to_owned();
        verifications::table
            .filter(verifications::attestation_id.eq(id))
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    assert!(
        recorded >= answered.verified as i64,
        "{} verifications answered, {recorded} recorded",
        answered.verified
    );
    if !on_postgres() {
        let mut conn = app.conn();
        let check: Vec<IntegrityCheck> = match &mut *conn {
            attest::db::DbConnection::Sqlite(c) => {
                diesel::RunQueryDsl::load(diesel::sql_query("PRAGMA integrity_check"), c).unwrap()
            }
            _ => unreachable!(),
        };
        assert_eq!(check[0].integrity_check, "ok");
    }
}

#[derive(diesel::QueryableByName)]
struct IntegrityCheck {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_under_load_lets_requests_in_flight_finish() {
    backend!();
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(
        attest::domain::Role::Station,
        "officer@example.cn",
        Some("440304-001"),
    );
    let store = app.data_dir.clone();
    let (server, port) = serve(&store, &[]);
    let pid = server.id();
    let base = format!("http://127.0.0.1:{port}");

    // Logins (each an Argon2 verification, tens of milliseconds) in flight when SIGTERM comes.
    let mut ready = Vec::new();
    for _ in 0..16 {
        let client = browser();
        let csrf = csrf_at(&client, &base).await;
        ready.push((client, csrf));
    }
    let mut requests = Vec::new();
    for (client, csrf) in ready {
        let url = format!("{base}/login");
        requests.push(tokio::spawn(async move {
            client
                .post(url)
                .form(&[
                    ("email", "officer@example.cn"),
                    ("password", PASSWORD),
                    ("csrf_token", &csrf),
                ])
                .send()
                .await
                .map(|r| r.status())
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();

    let mut answered = 0;
    for request in requests {
        if let Ok(status) = request.await.unwrap() {
            assert!(!status.is_server_error(), "a 5xx during shutdown: {status}");
            assert_eq!(
                status,
                StatusCode::SEE_OTHER,
                "the login in flight completed"
            );
            answered += 1;
        }
    }
    let mut server = server;
    let exit = server.wait().unwrap();
    assert!(answered > 0, "requests in flight were answered");
    assert!(exit.success(), "a clean stop: {exit:?}");
}
