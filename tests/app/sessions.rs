//! Session lifetime: idle and absolute timeouts, restarts, cache headers.

use crate::gates::backend;
use crate::helpers::*;
use attest::domain::Role;
use reqwest::StatusCode;

/// Makes every session `created` minutes old and last used `idle` minutes ago.
fn age_sessions(app: &TestApp, created: i64, idle: i64) {
    use attest::db::schema::sessions;
    use diesel::prelude::*;
    let now = attest::db::now();
    diesel::update(sessions::table)
        .set((
            sessions::created_at.eq(now - chrono::Duration::minutes(created)),
            sessions::last_seen_at.eq(now - chrono::Duration::minutes(idle)),
        ))
        .execute(&mut *app.conn())
        .unwrap();
}

async fn logged_in_officer() -> TestApp {
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(Role::Station, "officer@example.cn", Some("440304-001"));
    app.login_with(&app.client, "officer@example.cn").await;
    app
}

#[tokio::test]
async fn a_session_idle_for_31_minutes_ends() {
    backend!();
    let app = logged_in_officer().await;
    assert_eq!(app.get("/station").await.status(), StatusCode::OK);

    age_sessions(&app, 0, 31);

    assert_eq!(location(&app.get("/station").await), "/login");
}

#[tokio::test]
async fn a_session_in_use_ends_12_hours_after_login() {
    backend!();
    let app = logged_in_officer().await;

    // Used a moment ago, but logged in 29 minutes ago: still fine.
    age_sessions(&app, 29, 0);
    assert_eq!(app.get("/station").await.status(), StatusCode::OK);

    age_sessions(&app, 721, 0);
    assert_eq!(location(&app.get("/station").await), "/login");
}

#[tokio::test]
async fn a_restart_does_not_log_anyone_out() {
    backend!();
    let app = logged_in_officer().await;
    let cookie = app.get("/station").await;
    assert_eq!(cookie.status(), StatusCode::OK);
    let session = app.client.get(app.url("/station")).send().await.unwrap();
    assert_eq!(session.status(), StatusCode::OK);
    let secret_before = std::fs::read_to_string(app.data_dir.path().join("secret.key")).unwrap();

    // A second server on the same data directory: same secret, same sessions.
    let client = app.client.clone();
    let restarted = spawn_app_in(app.data_dir).await;
    let secret_after =
        std::fs::read_to_string(restarted.data_dir.path().join("secret.key")).unwrap();
    assert_eq!(secret_before, secret_after);

    // The browser's cookies are per host, and both servers are 127.0.0.1.
    let response = client.get(restarted.url("/station")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn pages_behind_login_are_not_stored() {
    backend!();
    let app = logged_in_officer().await;

    let response = app.get("/station").await;

    assert_eq!(response.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn session_cookies_are_http_only_and_same_site() {
    backend!();
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(Role::Station, "officer@example.cn", Some("440304-001"));

    let response = app.login_with(&app.client, "officer@example.cn").await;

    let header = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("attest_session="))
        .unwrap();
    assert!(header.contains("HttpOnly"));
    assert!(header.contains("SameSite=Lax"));
    assert!(header.contains("Path=/"));
}
