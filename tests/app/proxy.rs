//! Behind a real nginx running the shipped site (deploy/nginx-attest.conf) over TLS, with
//! `ATTEST_TRUSTED_PROXIES=127.0.0.1`: clients bound to different loopback addresses are
//! different clients; what one does never locks out another, and a forged
//! `X-Forwarded-For` changes nothing.

use crate::gates::require;
use crate::helpers::*;
use crate::nginx::{self, client_from, Nginx};
use attest::db::models::audit_log::{self, Action};
use attest::db::models::outbox;
use attest::domain::Role;
use reqwest::{Client, StatusCode};

const OFFICER: &str = "officer@example.cn";

/// An app with one officer, behind nginx; `change` adjusts the limits.
async fn behind_nginx(change: impl FnOnce(&mut attest::config::Config)) -> (TestApp, Nginx) {
    let app = spawn_app_configured(fresh_store(), |c| {
        c.trusted_proxies = attest::config::TrustedProxies::parse("127.0.0.1").unwrap();
        change(c);
    })
    .await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(Role::Station, OFFICER, Some("440304-001"));
    let port: u16 = app.address.rsplit(':').next().unwrap().parse().unwrap();
    let proxy = nginx::start(&[port]);
    (app, proxy)
}

/// Logs in through `base` from `client`; the status of the answer.
async fn login(client: &Client, base: &str, email: &str, password: &str) -> StatusCode {
    let token = csrf_at(client, base).await;
    client
        .post(format!("{base}/login"))
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

fn login_failures_from(app: &TestApp, ip: &str) -> i64 {
    let since = chrono::Utc::now().naive_utc() - chrono::Duration::hours(1);
    audit_log::count_since(&mut app.conn(), Action::LoginFailure, None, Some(ip), since).unwrap()
}

#[tokio::test]
async fn one_clients_wrong_passwords_leave_the_owner_able_to_log_in() {
    require!(Nginx);
    let (app, proxy) = behind_nginx(|_| {}).await;
    let attacker = client_from("127.0.0.2");
    let owner = client_from("127.0.0.3");

    for _ in 0..5 {
        let status = login(&attacker, &proxy.address, OFFICER, "wrong-password-1").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // The attacker is now locked out of this account, even with the right password, and
    // pretending to be someone else does not help.
    assert_eq!(
        login(&attacker, &proxy.address, OFFICER, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    let token = csrf_at(&attacker, &proxy.address).await;
    let status = attacker
        .post(format!("{}/login", proxy.address))
        .header("X-Forwarded-For", "127.0.0.3")
        .form(&[
            ("email", OFFICER),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    // The owner, from another address, logs in.
    assert_eq!(
        login(&owner, &proxy.address, OFFICER, PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    // The audit log names the real client, not the proxy.
    assert_eq!(login_failures_from(&app, "127.0.0.2"), 5);
    assert_eq!(login_failures_from(&app, "127.0.0.1"), 0);
}

#[tokio::test]
async fn a_flood_of_failures_locks_only_the_client_that_sent_it() {
    require!(Nginx);
    let (_app, proxy) = behind_nginx(|c| c.limits.sign_in_per_minute = 10_000).await;
    let attacker = client_from("127.0.0.2");
    for i in 0..attest::sign_in::CLIENT_FAILURES {
        let email = format!("guess{i}@example.cn");
        let status = login(&attacker, &proxy.address, &email, "wrong-password-1").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    assert_eq!(
        login(&attacker, &proxy.address, OFFICER, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    for ip in ["127.0.0.3", "127.0.0.4"] {
        assert_eq!(
            login(&client_from(ip), &proxy.address, OFFICER, PASSWORD).await,
            StatusCode::SEE_OTHER,
            "{ip}"
        );
    }
}

#[tokio::test]
async fn a_distributed_attack_emails_the_owner_who_still_logs_in_from_a_known_client() {
    require!(Nginx);
    let (app, proxy) = behind_nginx(|c| c.limits.sign_in_per_minute = 10_000).await;
    let known = client_from("127.0.0.5");
    assert_eq!(
        login(&known, &proxy.address, OFFICER, PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    // Many clients, each staying under its own limit, together reach the ceiling.
    let per_client = attest::sign_in::PAIR_FAILURES;
    let clients = attest::sign_in::ACCOUNT_CEILING / per_client;
    for c in 0..clients {
        let attacker = client_from(&format!("127.0.1.{}", c + 1));
        for _ in 0..per_client {
            let status = login(&attacker, &proxy.address, OFFICER, "wrong-password-1").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
    }
    assert_eq!(
        login(&client_from("127.0.0.6"), &proxy.address, OFFICER, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "a new client is held back"
    );
    assert_eq!(
        login(&client_from("127.0.0.5"), &proxy.address, OFFICER, PASSWORD).await,
        StatusCode::SEE_OTHER,
        "the owner's usual client logs in"
    );
    let statuses = [outbox::PENDING, outbox::SENDING, outbox::SENT];
    let mails = outbox::list_by_status(&mut app.conn(), &statuses, 1000).unwrap();
    let warnings: Vec<_> = mails
        .iter()
        .filter(|m| m.event == "login_ceiling" && m.recipients == OFFICER)
        .collect();
    assert_eq!(warnings.len(), 1, "the owner is emailed once");
}

#[tokio::test]
async fn verification_limits_count_each_client_alone() {
    require!(Nginx);
    let (_app, proxy) = behind_nginx(|c| c.limits.verify_per_minute = 10).await;
    let attacker = client_from("127.0.0.2");
    let desk = client_from("127.0.0.3");
    let verify = |client: &Client| {
        client
            .post(format!("{}/api/v1/verify", proxy.address))
            .json(&serde_json::json!({"code": "7KQ2-M9XD-4HPT"}))
            .send()
    };
    let mut refused = 0;
    for _ in 0..30 {
        if verify(&attacker).await.unwrap().status() == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
    }
    assert_eq!(refused, 20, "the attacker gets its 10 and no more");
    for _ in 0..10 {
        assert_eq!(verify(&desk).await.unwrap().status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn https_at_the_proxy_makes_cookies_secure_and_headers_from_others_are_ignored() {
    require!(Nginx);
    let (app, proxy) = behind_nginx(|_| {}).await;
    let through_proxy = client_from("127.0.0.2")
        .get(format!("{}/login", proxy.address))
        .send()
        .await
        .unwrap();
    let cookie = through_proxy
        .cookies()
        .find(|c| c.name() == "__Host-attest_csrf")
        .expect("the __Host- cookie over HTTPS");
    assert!(cookie.secure());
    assert!(through_proxy
        .headers()
        .contains_key("strict-transport-security"));

    // Straight to the app from an address that is not a proxy: its forwarding headers are
    // nobody's word.
    let direct = client_from("127.0.0.7");
    let response = direct
        .get(app.url("/login"))
        .header("X-Forwarded-Proto", "https")
        .header("X-Forwarded-For", "127.0.0.8")
        .send()
        .await
        .unwrap();
    assert!(response
        .cookies()
        .any(|c| c.name() == "attest_csrf" && !c.secure()));
    assert!(!response.headers().contains_key("strict-transport-security"));
    let html = response.text().await.unwrap();
    let token = attr(&html, "input[name=csrf_token]", "value").unwrap();
    direct
        .post(app.url("/login"))
        .header("X-Forwarded-For", "127.0.0.8")
        .form(&[
            ("email", OFFICER),
            ("password", "wrong-password-1"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(login_failures_from(&app, "127.0.0.7"), 1);
    assert_eq!(login_failures_from(&app, "127.0.0.8"), 0);
}
