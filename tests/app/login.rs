//! Login, logout, CSRF and throttling.

use crate::gates::backend;
use crate::helpers::*;
use attest::domain::Role;
use reqwest::StatusCode;

async fn app_with_officer() -> TestApp {
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(Role::Station, "officer@example.cn", Some("440304-001"));
    app
}

#[tokio::test]
async fn login_lands_on_the_role_home_and_logout_kills_the_old_cookie() {
    backend!();
    let app = app_with_officer().await;

    let response = app.login_with(&app.client, "officer@example.cn").await;
    assert_eq!(location(&response), "/station");
    let session = set_cookie(&response, "attest_session").expect("session cookie");
    let cookie_header = format!("attest_session={session}");
    assert_eq!(
        get_with_cookie(&app, "/station", &cookie_header)
            .await
            .status(),
        StatusCode::OK
    );

    let response = app.post("/logout", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // The browser forgot the cookie, and a copy of it no longer works either.
    assert_eq!(location(&app.get("/station").await), "/login");
    let replay = get_with_cookie(&app, "/station", &cookie_header).await;
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&replay), "/login");
}

#[tokio::test]
async fn the_session_id_changes_at_every_login() {
    backend!();
    let app = app_with_officer().await;
    // A session id planted by an attacker before login is not adopted.
    let planted = "a".repeat(64);
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(
        &format!("attest_session={planted}; Path=/"),
        &app.url("/").parse().unwrap(),
    );
    let victim = reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let fixed = set_cookie(
        &app.login_with(&victim, "officer@example.cn").await,
        "attest_session",
    )
    .unwrap();
    assert_ne!(fixed, planted);

    let first = set_cookie(
        &app.login_with(&app.client, "officer@example.cn").await,
        "attest_session",
    )
    .unwrap();
    let second = set_cookie(
        &app.login_with(&app.client, "officer@example.cn").await,
        "attest_session",
    )
    .unwrap();

    assert_ne!(first, planted);
    assert_ne!(first, second);
    assert_eq!(first.len(), 64);
}

#[tokio::test]
async fn a_wrong_password_is_refused_with_a_message_and_audited() {
    backend!();
    let app = app_with_officer().await;

    let response = app
        .post(
            "/login",
            &[
                ("email", "officer@example.cn"),
                ("password", "wrong-password-123"),
            ],
        )
        .await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let html = response.text().await.unwrap();
    assert!(text(&html, "[role=alert]")
        .unwrap()
        .contains("邮箱或密码不正确"));
    assert_eq!(
        attr(&html, "#email", "value").as_deref(),
        Some("officer@example.cn")
    );
    let audit = attest::db::models::audit_log::list_recent(&mut app.conn(), 10).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "login_failure"
                && e.subject.as_deref() == Some("officer@example.cn"))
    );
    assert!(!html.contains("wrong-password-123"));
}

#[tokio::test]
async fn empty_fields_are_reported_beside_them() {
    backend!();
    let app = app_with_officer().await;

    let response = app.post("/login", &[("email", ""), ("password", "")]).await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(text(&html, "#email-error").unwrap().contains("必填"));
    assert!(text(&html, "#password-error").unwrap().contains("必填"));
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused() {
    backend!();
    let app = app_with_officer().await;
    let creds = [("email", "officer@example.cn"), ("password", PASSWORD)];

    // No token at all.
    app.get("/login").await;
    let response = app
        .client
        .post(app.url("/login"))
        .form(&creds)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("无权访问"));

    // A made-up token.
    let mut forged = creds.to_vec();
    forged.push(("csrf_token", "0000"));
    let response = app
        .client
        .post(app.url("/login"))
        .form(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // Another browser's token.
    let other = app.csrf_token(&browser()).await;
    let mut stolen = creds.to_vec();
    stolen.push(("csrf_token", &other));
    let response = app
        .client
        .post(app.url("/login"))
        .form(&stolen)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // Logout is a form too.
    app.login_with(&app.client, "officer@example.cn").await;
    let response = app.client.post(app.url("/logout")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/station").await.status(),
        StatusCode::OK,
        "still logged in"
    );
}

#[tokio::test]
async fn five_failures_lock_the_account_for_a_while() {
    backend!();
    let app = app_with_officer().await;
    for _ in 0..5 {
        let r = app
            .post(
                "/login",
                &[
                    ("email", "officer@example.cn"),
                    ("password", "wrong-password-123"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }

    // Even the right password now waits, and the page says so.
    let response = app
        .post(
            "/login",
            &[("email", "officer@example.cn"), ("password", PASSWORD)],
        )
        .await;

    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    let html = response.text().await.unwrap();
    assert!(text(&html, "[role=alert]")
        .unwrap()
        .contains("15 分钟后再试"));
    assert!(set_cookie_absent(&app).await);

    // 14 minutes on it still waits; once the 15 minutes are over, the right password works.
    let right = [("email", "officer@example.cn"), ("password", PASSWORD)];
    app.clock.advance(chrono::Duration::minutes(14));
    assert_eq!(
        app.post("/login", &right).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    app.clock.advance(chrono::Duration::minutes(2));
    assert_eq!(
        app.post("/login", &right).await.status(),
        StatusCode::SEE_OTHER
    );
}

async fn set_cookie_absent(app: &TestApp) -> bool {
    location(&app.get("/station").await) == "/login"
}

#[tokio::test]
async fn a_flood_from_one_address_gets_429() {
    backend!();
    let app = app_with_officer().await;
    let token = app.csrf_token(&app.client).await;
    let mut statuses = Vec::new();
    for i in 0..40 {
        let email = format!("nobody{i}@example.cn");
        let response = app
            .client
            .post(app.url("/login"))
            .form(&[
                ("email", email.as_str()),
                ("password", "whatever-123456"),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap();
        statuses.push(response.status());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(response.headers().contains_key("retry-after"));
            break;
        }
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert!(
        statuses.len() > 20,
        "ordinary use is not throttled: {statuses:?}"
    );
}
