//! Every write under the writer discipline: 8 clients at once for 20 s over registration,
//! login, desk actions, decisions, API keys, revocation and issuance get no 503 (nor any
//! other server error) — on SQLite, where a write transaction that did not take the write
//! lock first used to fail at once with "database is locked", and on PostgreSQL.

use crate::gates::backend;
use crate::helpers::*;
use attest::db::models::parties;
use attest::domain::{PartyStatus, Role, Uscc};
use reqwest::{Client, StatusCode};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const CLIENTS: usize = 8;
const SECONDS: u64 = 20;
const OFFICER: &str = "officer@example.cn";

/// A client with its CSRF token, for forms posted without fetching a page first.
struct Browser {
    client: Client,
    token: String,
}

impl Browser {
    async fn new(app: &TestApp) -> Self {
        let client = browser();
        let token = app.csrf_token(&client).await;
        Self { client, token }
    }

    async fn post(&self, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> StatusCode {
        let mut form = fields.to_vec();
        form.push(("csrf_token", &self.token));
        let response = self.client.post(app.url(path)).form(&form).send().await;
        response.expect("POST").status()
    }
}

/// A new credit code (numbered, with its check character).
fn credit_code(n: usize) -> String {
    Uscc::complete(&format!("9144030{n:010}"))
        .expect("a credit code")
        .as_str()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_clients_writing_at_once_never_get_a_503() {
    backend!();
    let app = Arc::new(
        spawn_app_configured(fresh_store(), |c| {
            c.limits.sign_in_per_minute = 1_000_000;
            c.limits.verify_per_minute = 1_000_000;
        })
        .await,
    );
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    app.add_staff(Role::Station, OFFICER, Some("440304-001"));
    let key = app.key_from_settings(&hr).await;
    let (status, first) = app
        .api("/api/v1/attestations", Some(&key), employment_json())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let proof = first["id"].as_str().unwrap().to_owned();

    let statuses = Arc::new(Mutex::new(BTreeMap::<(String, u16), usize>::new()));
    let serial = Arc::new(AtomicUsize::new(0));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(SECONDS);
    let mut tasks = Vec::new();
    for worker in 0..CLIENTS {
        let (app, statuses, serial, key, proof) = (
            app.clone(),
            statuses.clone(),
            serial.clone(),
            key.clone(),
            proof.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let officer = Browser::new(&app).await;
            officer
                .post(
                    &app,
                    "/login",
                    &[("email", OFFICER), ("password", PASSWORD)],
                )
                .await;
            let party = Browser::new(&app).await;
            party
                .post(
                    &app,
                    "/login",
                    &[("email", "hr@example.cn"), ("password", PASSWORD)],
                )
                .await;
            let mut round = worker;
            while std::time::Instant::now() < deadline {
                let n = serial.fetch_add(1, Ordering::SeqCst);
                let (action, status) = match round % 7 {
                    0 => {
                        let email = format!("reg{n}@example.cn");
                        let form = with(
                            with(employer_form(&email), "identifier", &credit_code(n)),
                            "legal_name",
                            &format!("单位 {n}"),
                        );
                        let visitor = Browser::new(&app).await;
                        (
                            "register",
                            visitor.post(&app, "/register", &fields(&form)).await,
                        )
                    }
                    1 => {
                        let visitor = Browser::new(&app).await;
                        let login = [("email", OFFICER), ("password", PASSWORD)];
                        ("login", visitor.post(&app, "/login", &login).await)
                    }
                    2 => {
                        let path = format!("/station/attestations/{proof}/use");
                        let number = format!("SZ-{n}");
                        let status = officer
                            .post(&app, &path, &[("application_no", &number)])
                            .await;
                        ("desk use", status)
                    }
                    3 => {
                        let pending =
                            parties::list_by_status(&mut app.conn(), None, PartyStatus::Pending, 1)
                                .unwrap();
                        let Some(p) = pending.first() else {
                            round += 1;
                            continue;
                        };
                        let path = format!("/station/parties/{}/approve", p.party.id);
                        ("approve", officer.post(&app, &path, &[]).await)
                    }
                    4 => {
                        let name = format!("key {n}");
                        let status = party
                            .post(&app, "/party/api-keys", &[("name", &name)])
                            .await;
                        ("api key", status)
                    }
                    5 => {
                        let (status, issued) = app
                            .api("/api/v1/attestations", Some(&key), employment_json())
                            .await;
                        *statuses
                            .lock()
                            .unwrap()
                            .entry(("issue (API)".into(), status.as_u16()))
                            .or_default() += 1;
                        let id = issued["id"].as_str().unwrap_or_default();
                        let (status, _) = app
                            .api(
                                &format!("/api/v1/attestations/{id}/revoke"),
                                Some(&key),
                                serde_json::json!({"reason": "员工已离职"}),
                            )
                            .await;
                        ("revoke", status)
                    }
                    _ => {
                        let form = employment_form();
                        let status = party
                            .post(&app, "/party/attestations/new/employment", &fields(&form))
                            .await;
                        ("issue (form)", status)
                    }
                };
                *statuses
                    .lock()
                    .unwrap()
                    .entry((action.to_owned(), status.as_u16()))
                    .or_default() += 1;
                round += 1;
            }
        }));
    }
    for task in tasks {
        task.await.expect("client");
    }

    let statuses = statuses.lock().unwrap();
    println!("actions by (kind, status) in {SECONDS} s from {CLIENTS} clients: {statuses:?}");
    let failed: Vec<_> = statuses.iter().filter(|((_, s), _)| *s >= 500).collect();
    assert!(
        failed.is_empty(),
        "server errors: {failed:?} of {statuses:?}"
    );
    // Every kind of write was done, and each succeeded many times.
    for action in [
        "register",
        "login",
        "desk use",
        "approve",
        "api key",
        "revoke",
        "issue (form)",
    ] {
        let done: usize = statuses
            .iter()
            .filter(|((a, s), _)| a == action && (200..400).contains(s))
            .map(|(_, n)| n)
            .sum();
        assert!(done >= 5, "{action} succeeded {done} times: {statuses:?}");
    }
}
