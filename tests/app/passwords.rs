//! Passwords after registration, through the real HTTP server and the real SMTP server:
//! changed by their user, reset through an emailed link, set and accounts disabled by the
//! operator's command line.

use crate::gates::backend;
use crate::helpers::*;
use crate::smtp::{Received, SmtpServer};
use attest::db::schema::outbox;
use chrono::Duration;
use diesel::prelude::*;
use reqwest::{Client, StatusCode};

const NEW: &str = "amber-meadow-compass-77";

/// The reset link (its path) in `mail`.
fn link_in(mail: &Received) -> String {
    let at = mail.text.find("/password/reset/").expect("a reset link");
    mail.text[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

async fn login(app: &TestApp, email: &str, password: &str) -> (StatusCode, Client) {
    let client = browser();
    let r = app
        .post_with(&client, "/login", &[("email", email), ("password", password)])
        .await;
    (r.status(), client)
}

async fn logged_in(app: &TestApp, client: &Client) -> bool {
    app.get_with(client, "/party").await.status() == StatusCode::OK
}

#[tokio::test]
async fn a_user_changes_their_password_and_their_other_sessions_end() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    app.add_station("440304-001", "福田派出所");
    let here = approved_landlord(&app, "landlord@example.cn").await;
    let elsewhere = browser();
    app.login_with(&elsewhere, "landlord@example.cn").await;

    let cases = [
        (("wrong-password-0", NEW, NEW), "#current_password-error"),
        ((PASSWORD, "password1234", "password1234"), "#password-error"),
        ((PASSWORD, NEW, "amber-meadow-compass-78"), "#password_confirm-error"),
    ];
    for ((current, new, again), error) in cases {
        let form = [
            ("current_password", current),
            ("password", new),
            ("password_confirm", again),
        ];
        let r = app.post_with(&here, "/account/password", &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        let page = r.text().await.unwrap();
        assert!(text(&page, error).is_some(), "{error}");
        assert!(!page.contains(current) && !page.contains(new), "no password sent back");
    }
    let form = [
        ("current_password", PASSWORD),
        ("password", NEW),
        ("password_confirm", NEW),
    ];
    let r = app.post_with(&here, "/account/password", &form).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(text(&r.text().await.unwrap(), "#changed").is_some());

    assert!(logged_in(&app, &here).await, "this session stays");
    assert!(!logged_in(&app, &elsewhere).await, "the other one ended");
    assert_eq!(login(&app, "landlord@example.cn", PASSWORD).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(login(&app, "landlord@example.cn", NEW).await.0, StatusCode::SEE_OTHER);
    let told = smtp.with_subject("您的密码已更改", 1).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].to, vec!["landlord@example.cn".to_owned()]);
    assert!(!told[0].raw.contains(NEW), "never the password");
}

#[tokio::test]
async fn a_forgotten_password_is_reset_from_the_emailed_link_once() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    app.add_station("440304-001", "福田派出所");
    let session = approved_landlord(&app, "landlord@example.cn").await;

    // A known and an unknown address get the same page.
    let ask = |email: &'static str| {
        let app = &app;
        async move {
            let r = app.post("/password/forgot", &[("email", email)]).await;
            (r.status(), text(&r.text().await.unwrap(), "#sent"))
        }
    };
    let known = ask("landlord@example.cn").await;
    let unknown = ask("nobody@example.cn").await;
    assert_eq!(known.0, StatusCode::OK);
    assert_eq!(known, unknown, "the same answer for both");
    let sent = smtp.with_subject("设置新密码", 1).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, vec!["landlord@example.cn".to_owned()]);
    let first = link_in(&sent[0]);

    // A newer link replaces it.
    ask("landlord@example.cn").await;
    let second = link_in(&smtp.with_subject("设置新密码", 2).await[1]);
    assert_eq!(app.get(&first).await.status(), StatusCode::GONE, "superseded");
    let form = app.get(&second).await;
    assert_eq!(form.status(), StatusCode::OK);

    // A weak password is refused beside the field; a good one resets it.
    let weak = [("password", "password1234"), ("password_confirm", "password1234")];
    let r = app.post(&second, &weak).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r.text().await.unwrap(), "#password-error").is_some());
    let r = app
        .post(&second, &[("password", NEW), ("password_confirm", NEW)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login?reset");
    let login_page = app.get("/login?reset").await.text().await.unwrap();
    assert!(text(&login_page, "#reset-done").is_some());
    assert!(!logged_in(&app, &session).await, "every session ended");
    assert_eq!(login(&app, "landlord@example.cn", NEW).await.0, StatusCode::SEE_OTHER);

    // Used: the link is dead, with a page that says so and offers a new one.
    let again = app.get(&second).await;
    assert_eq!(again.status(), StatusCode::GONE);
    let page = again.text().await.unwrap();
    assert!(text(&page, "#dead").is_some());
    assert_eq!(attr(&page, "#dead + p a", "href").as_deref(), Some("/password/forgot"));
    // Once sent, the email's body (with its link) is gone from the outbox.
    let bodies: Vec<String> = outbox::table
        .filter(outbox::event.eq("password_reset"))
        .filter(outbox::status.eq("sent"))
        .select(outbox::body_text)
        .load(&mut *app.conn())
        .unwrap();
    assert!(!bodies.is_empty() && bodies.iter().all(String::is_empty), "{bodies:?}");
}

#[tokio::test]
async fn a_reset_link_runs_out_after_30_minutes_and_asking_is_limited() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    app.add_station("440304-001", "福田派出所");
    approved_landlord(&app, "landlord@example.cn").await;
    let r = app
        .post("/password/forgot", &[("email", "landlord@example.cn")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let link = link_in(&smtp.with_subject("设置新密码", 1).await[0]);
    app.clock.advance(Duration::minutes(31));
    assert_eq!(app.get(&link).await.status(), StatusCode::GONE, "expired");
    let r = app
        .post(&link, &[("password", NEW), ("password_confirm", NEW)])
        .await;
    assert_eq!(r.status(), StatusCode::GONE);

    // Three links an hour for one address; the fourth ask is refused, for any address.
    for _ in 0..2 {
        let r = app
            .post("/password/forgot", &[("email", "landlord@example.cn")])
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = app
        .post("/password/forgot", &[("email", "landlord@example.cn")])
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    // Bad input: the page again with the message beside the field.
    let r = app.post("/password/forgot", &[("email", "not-an-email")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(text(&page, "#email-error").is_some());
    assert_eq!(attr(&page, "#email", "value").as_deref(), Some("not-an-email"));
}

#[tokio::test]
async fn the_operator_resets_a_locked_out_landlord_and_disables_an_officer() {
    backend!();
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    let landlord = approved_landlord(&app, "landlord@example.cn").await;
    let key = app.key_from_settings(&landlord).await;
    let out = run_cli(
        &app.data_dir,
        &["user", "reset-password", "--email", "landlord@example.cn", "--password-stdin"],
        Some(&format!("{NEW}\n")),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!logged_in(&app, &landlord).await, "its sessions ended");
    let (status, landlord) = login(&app, "landlord@example.cn", NEW).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // Disabled: the session is dead on the next request, login says so, the key is dead.
    let out = run_cli(&app.data_dir, &["user", "disable", "--email", "landlord@example.cn"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!logged_in(&app, &landlord).await);
    let (status, _) = login(&app, "landlord@example.cn", NEW).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .api("/api/v1/attestations", Some(&key), employment_json())
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let listed = run_cli(&app.data_dir, &["user", "list", "--role", "party"], None);
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    let line = listed.lines().find(|l| l.starts_with("landlord@example.cn")).unwrap();
    let columns: Vec<&str> = line.split('\t').collect();
    assert_eq!(columns[1], "party", "{line}");
    assert_ne!(columns[3], "-", "shown as disabled: {line}");

    let out = run_cli(&app.data_dir, &["user", "enable", "--email", "landlord@example.cn"], None);
    assert!(out.status.success());
    assert_eq!(login(&app, "landlord@example.cn", NEW).await.0, StatusCode::SEE_OTHER);
    let missing = run_cli(&app.data_dir, &["user", "disable", "--email", "no@example.cn"], None);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no@example.cn"));
}
