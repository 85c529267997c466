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

/// Starts `attest serve` on `store`; returns the child and its port.
fn serve(store: &Store) -> (Served, u16) {
    let (child, port, log) = serve_binary(store, &[]);
    std::thread::spawn(move || log.iter().for_each(drop));
    (child, port)
}

#[tokio::test]
async fn every_acknowledged_issuance_survives_a_sigkill() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let html = app
        .post_with(&hr, "/party/api-keys", &[("name", "k")])
        .await
        .text()
        .await
        .unwrap();
    let key = text(&html, "code.secret").unwrap();
    let store = app.data_dir.clone();
    let (mut server, port) = serve(&store);

    // A burst of issuances from four clients; the server is killed in the middle of it.
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut clients = Vec::new();
    for _ in 0..4 {
        let (key, acknowledged) = (key.clone(), acknowledged.clone());
        clients.push(tokio::spawn(async move {
            let client = browser();
            for _ in 0..200 {
                let sent = client
                    .post(format!("http://127.0.0.1:{port}/api/v1/attestations"))
                    .bearer_auth(&key)
                    .json(&employment_json())
                    .send()
                    .await;
                let Ok(response) = sent else { break };
                if response.status() != StatusCode::CREATED {
                    break;
                }
                let Ok(body) = response.json::<serde_json::Value>().await else {
                    break;
                };
                acknowledged
                    .lock()
                    .unwrap()
                    .push(body["id"].as_str().unwrap().to_owned());
            }
        }));
    }
    while acknowledged.lock().unwrap().len() < 40 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    for client in clients {
        client.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    // After a restart every acknowledged attestation is there, and the database is sound.
    let (mut restarted, port) = serve(&store);
    for id in &acknowledged {
        let got = browser()
            .get(format!("http://127.0.0.1:{port}/api/v1/attestations/{id}"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(got.status(), StatusCode::OK, "acknowledged {id} lost");
    }
    restarted.kill().unwrap();
    restarted.wait().unwrap();
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
    assert!(acknowledged.len() >= 40);
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
    let (server, port) = serve(&store);
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
