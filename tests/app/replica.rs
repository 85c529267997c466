//! A PostgreSQL primary with a hot standby (`pg_basebackup -R`): verification reads from the
//! standby; with the primary stopped it keeps answering — by token, by code, on the page —
//! while issuing and logging in answer 503; the verification records made meanwhile are
//! kept on the instance (a file, fsynced) and reach the database exactly once when the
//! primary is back, also when the instance was restarted while the primary was down.

use crate::gates::require;
use crate::helpers::*;
use crate::pg_cluster::OwnCluster;
use attest::config::Database;
use diesel::prelude::*;
use reqwest::StatusCode;
use std::time::{Duration, Instant};

/// An instance on `primary` reading from `standby`, at the public address `public` (its own
/// when `None`).
pub async fn instance(
    store: &Store,
    primary: &OwnCluster,
    standby: &OwnCluster,
    public: Option<&str>,
) -> TestApp {
    let (write, read) = (primary.url.clone(), standby.url.clone());
    let public = public.map(|p| p.parse().unwrap());
    spawn_app_configured(store.clone(), move |c| {
        c.database = Database::Postgres(write);
        c.database_read = Some(Database::Postgres(read));
        if let Some(public) = public {
            c.public_url = public;
        }
    })
    .await
}

/// The verification records in the database of `url`.
pub fn recorded(url: &str) -> i64 {
    use attest::db::schema::verifications;
    let mut conn = diesel::PgConnection::establish(url).unwrap();
    verifications::table.count().get_result(&mut conn).unwrap()
}

/// Waits until `check` holds (at most 15 s).
pub async fn eventually(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !check() {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn verification_answers_from_the_standby_while_the_primary_is_down_and_loses_nothing() {
    require!(Postgres);
    let primary = OwnCluster::start();
    let standby = primary.standby();
    let store = fresh_store();
    let app = instance(&store, &primary, &standby, None).await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let id = app.issue_with(&hr, "employment", &employment_form()).await;
    let token = app.token_of(&id);
    let code = attest::db::models::attestations::find_by_id(
        &mut app.conn(),
        &attest::domain::AttestationId::from(id.as_str()),
    )
    .unwrap()
    .unwrap()
    .code;
    // The standby has the proof (streaming replication is asynchronous: a moment).
    let on_standby = |id: &str| {
        use attest::db::schema::attestations;
        let mut conn = diesel::PgConnection::establish(&standby.url).unwrap();
        attestations::table
            .find(id)
            .count()
            .get_result::<i64>(&mut conn)
            .unwrap()
            == 1
    };
    eventually("the standby has the proof", || on_standby(&id)).await;
    assert_eq!(app.verify_token(&token).await["status"], "valid");
    // The station's dashboard, directory and verification log read from the standby (a
    // hot standby refuses any write: these pages write nothing).
    app.add_staff(
        attest::domain::Role::Station,
        "officer@example.cn",
        Some("440304-001"),
    );
    let officer = browser();
    app.login_with(&officer, "officer@example.cn").await;
    for page in ["/station", "/station/parties", "/station/verifications"] {
        let r = app.get_with(&officer, page).await;
        assert_eq!(r.status(), StatusCode::OK, "{page} from the standby");
    }
    let list = app.get_with(&hr, "/party/attestations").await;
    assert_eq!(
        list.status(),
        StatusCode::OK,
        "the party's list from the standby"
    );
    assert!(list.text().await.unwrap().contains(&id));
    let dashboard = app
        .get_with(&officer, "/station")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text(&dashboard, "#today-issued").as_deref(), Some("1"));
    let before = recorded(&primary.url);
    let visitor = browser();
    let csrf = app.csrf_token(&visitor).await;
    let hr_csrf = app.csrf_token(&hr).await;

    primary.stop();

    let health: serde_json::Value = app.get("/healthz").await.json().await.unwrap();
    assert_eq!(health["database"], "read_only");
    // The public keys come from the standby too: an offline verifier can still fetch them.
    let jwks = app.get("/.well-known/jwks.json").await;
    assert_eq!(jwks.status(), StatusCode::OK);
    let jwks: serde_json::Value = jwks.json().await.unwrap();
    assert!(!jwks["keys"].as_array().unwrap().is_empty());
    assert_eq!(app.verify_token(&token).await["status"], "valid");
    let (status, by_code) = app
        .api("/api/v1/verify", None, serde_json::json!({ "code": code }))
        .await;
    assert_eq!(
        (status, by_code["status"].as_str()),
        (StatusCode::OK, Some("valid"))
    );
    let page = visitor
        .post(app.url("/verify"))
        .form(&[("input", token.as_str()), ("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("有效"));
    // Writes wait for the primary: 503 with Retry-After, nothing half-written.
    let typed = employment_form();
    let mut form = fields(&typed);
    form.push(("csrf_token", &hr_csrf));
    let issue = hr
        .post(app.url("/party/attestations/new/employment"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(issue.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(issue.headers().contains_key("retry-after"));
    let spooled = app.data_dir.path().join(attest::db::spool::SPOOL_FILE);
    let lines = std::fs::read_to_string(&spooled).unwrap().lines().count();
    assert_eq!(lines, 3, "three verifications kept on the instance");

    // The instance stops with the three records in its spool, and a new one starts on the
    // same data directory while the primary is still down: it serves verification from the
    // standby (a fourth record spooled). The primary is back: all four arrive, once.
    let address = app.address.clone();
    drop(app);
    let app = instance(&store, &primary, &standby, Some(&address)).await;
    assert_eq!(app.verify_token(&token).await["status"], "valid");
    let lines = std::fs::read_to_string(&spooled).unwrap().lines().count();
    assert_eq!(
        lines, 4,
        "the new instance keeps its verification with the others"
    );
    primary.restart();
    eventually("the spooled records arrive", || {
        recorded(&primary.url) == before + 4
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(recorded(&primary.url), before + 4, "exactly once");
    assert_eq!(std::fs::read_to_string(&spooled).unwrap(), "");
    let health: serde_json::Value = app.get("/healthz").await.json().await.unwrap();
    assert_eq!(health["database"], "ok");
}
