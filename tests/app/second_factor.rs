//! The second factor: TOTP set up at /account/2fa and asked after the password. Codes are
//! computed here with an independent implementation (`totp-lite`, the secret read from the
//! page as a person would type it), never with the portal's own.

use crate::gates::backend;
use crate::helpers::*;
use attest::domain::{Role, SecondFactorPolicy};
use reqwest::{Client, StatusCode};

/// The 6-digit code of base32 `secret` at the app's clock, `steps_later` steps on.
fn code(app: &TestApp, secret: &str, steps_later: i64) -> String {
    totp_code(secret, app.clock.now().and_utc().timestamp() + 30 * steps_later)
}

/// An app that requires a second factor of staff, with station 440304-001 and its officer.
async fn app_requiring_staff() -> TestApp {
    let app = spawn_app_configured(fresh_store(), |c| {
        c.second_factor = SecondFactorPolicy::Staff;
    })
    .await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(Role::Station, "officer@example.cn", Some("440304-001"));
    app
}

/// Sets up the second factor of `client`'s user from the page: the secret and the recovery
/// codes.
async fn set_up(app: &TestApp, client: &Client) -> (String, Vec<String>) {
    let page = app.get_with(client, "/account/2fa").await.text().await.unwrap();
    let secret = text(&page, "#secret").expect("the secret to type");
    let qr = attr(&page, "#qr", "src").expect("a QR code");
    assert!(qr.starts_with("data:image/png;base64,"));
    let wrong = app.post_with(client, "/account/2fa", &[("code", "000000")]).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = wrong.text().await.unwrap();
    assert!(text(&page, "#code-error").is_some());
    assert_eq!(text(&page, "#secret"), Some(secret.clone()), "the same secret again");
    let done = app
        .post_with(client, "/account/2fa", &[("code", &code(app, &secret, 0))])
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    let page = done.text().await.unwrap();
    let doc = scraper::Html::parse_document(&page);
    let li = scraper::Selector::parse("#recovery-codes code").unwrap();
    let codes: Vec<String> = doc.select(&li).map(|e| e.text().collect()).collect();
    assert_eq!(codes.len(), 10, "ten recovery codes, shown once");
    (secret, codes)
}

/// Logs in with the password: the answer sends to the code's page, and there is no session.
async fn password_step(app: &TestApp, client: &Client, email: &str) {
    let r = app.login_with(client, email).await;
    assert_eq!(location(&r), "/login/2fa");
    let home = app.get_with(client, "/station").await;
    assert_eq!(location(&home), "/login", "no session before the code");
}

async fn code_step(app: &TestApp, client: &Client, code: &str) -> reqwest::Response {
    app.post_with(client, "/login/2fa", &[("code", code)]).await
}

#[tokio::test]
async fn an_officer_must_set_up_totp_and_then_logs_in_with_a_code_used_once() {
    backend!();
    let app = app_requiring_staff().await;
    let officer = browser();
    app.login_with(&officer, "officer@example.cn").await;
    for page in ["/station", "/station/parties", "/account/password"] {
        let r = app.get_with(&officer, page).await;
        assert_eq!(location(&r), "/account/2fa", "{page}: the setup first");
    }
    let setup = app.get_with(&officer, "/account/2fa").await.text().await.unwrap();
    assert!(text(&setup, "#required").is_some());
    let (secret, recovery) = set_up(&app, &officer).await;
    assert_eq!(app.get_with(&officer, "/station").await.status(), StatusCode::OK);
    let page = app.get_with(&officer, "/account/2fa").await.text().await.unwrap();
    assert_eq!(text(&page, "#codes-left").as_deref(), Some("10"));
    assert!(text(&page, "#recovery-codes").is_none(), "codes are shown once");
    let off = app.post_with(&officer, "/account/2fa/disable", &[("password", PASSWORD)]).await;
    assert_eq!(off.status(), StatusCode::FORBIDDEN, "required: it cannot be turned off");

    // Password, then a wrong code, then the right one.
    let desk = browser();
    password_step(&app, &desk, "officer@example.cn").await;
    let wrong = code_step(&app, &desk, "123456").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(text(&wrong.text().await.unwrap(), "#code-error").is_some());
    app.clock.advance(chrono::Duration::seconds(30));
    let now = code(&app, &secret, 0);
    let r = code_step(&app, &desk, &now).await;
    assert_eq!(location(&r), "/station");
    assert_eq!(app.get_with(&desk, "/station").await.status(), StatusCode::OK);

    // The same code again is refused, even from a new login; the next one works.
    let again = browser();
    password_step(&app, &again, "officer@example.cn").await;
    assert_eq!(code_step(&app, &again, &now).await.status(), StatusCode::UNAUTHORIZED);
    app.clock.advance(chrono::Duration::seconds(30));
    let r = code_step(&app, &again, &code(&app, &secret, 0)).await;
    assert_eq!(location(&r), "/station");

    // A recovery code works once, however it is typed.
    let phone_lost = browser();
    password_step(&app, &phone_lost, "officer@example.cn").await;
    let typed = recovery[3].to_uppercase().replace('-', " ");
    assert_eq!(location(&code_step(&app, &phone_lost, &typed).await), "/station");
    let page = app.get_with(&phone_lost, "/account/2fa").await.text().await.unwrap();
    assert_eq!(text(&page, "#codes-left").as_deref(), Some("9"));
    let twice = browser();
    password_step(&app, &twice, "officer@example.cn").await;
    assert_eq!(
        code_step(&app, &twice, &recovery[3]).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // A challenge lasts five minutes.
    let slow = browser();
    password_step(&app, &slow, "officer@example.cn").await;
    app.clock.advance(chrono::Duration::minutes(6));
    let late = code_step(&app, &slow, &code(&app, &secret, 0)).await;
    assert_eq!(location(&late), "/login");

    // Wrong codes count toward the lock, as wrong passwords do: five from this client lock
    // the account here, the right password and code included.
    let guesser = browser();
    password_step(&app, &guesser, "officer@example.cn").await;
    let mut answers = Vec::new();
    for guess in ["111111", "222222", "333333", "444444", "555555", "666666"] {
        answers.push(code_step(&app, &guesser, guess).await.status());
    }
    assert_eq!(answers.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "{answers:?}");
    let locked = app
        .post_with(&browser(), "/login", &[("email", "officer@example.cn"), ("password", PASSWORD)])
        .await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_party_may_turn_it_on_and_off_and_the_operator_can_remove_a_lost_one() {
    backend!();
    let app = app_requiring_staff().await;
    let (_, owner) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    assert_eq!(
        app.get_with(&owner, "/party").await.status(),
        StatusCode::OK,
        "parties are not required to"
    );
    set_up(&app, &owner).await;
    let r = app.login_with(&browser(), "hr@example.cn").await;
    assert_eq!(location(&r), "/login/2fa", "once on, it is asked");
    let wrong = app.post_with(&owner, "/account/2fa/disable", &[("password", "wrong-one-0")]).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&wrong.text().await.unwrap(), "#password-error").is_some());
    let off = app.post_with(&owner, "/account/2fa/disable", &[("password", PASSWORD)]).await;
    assert_eq!(off.status(), StatusCode::SEE_OTHER);
    let r = app.login_with(&browser(), "hr@example.cn").await;
    assert_eq!(location(&r), "/party", "off again: the password is enough");

    // An officer lost the phone and the codes: the operator removes the second factor; at
    // the next login the officer is sent to set one up again.
    let officer = browser();
    app.login_with(&officer, "officer@example.cn").await;
    set_up(&app, &officer).await;
    let out = run_cli(&app.data_dir, &["user", "reset-2fa", "--email", "officer@example.cn"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let fresh = browser();
    let r = app.login_with(&fresh, "officer@example.cn").await;
    assert_eq!(location(&r), "/station");
    let r = app.get_with(&fresh, "/station").await;
    assert_eq!(location(&r), "/account/2fa");
}

#[tokio::test]
async fn all_requires_it_of_parties_too() {
    backend!();
    let app = spawn_app_configured(fresh_store(), |c| {
        c.second_factor = SecondFactorPolicy::All;
    })
    .await;
    let (_, owner) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let r = app.get_with(&owner, "/party/attestations").await;
    assert_eq!(location(&r), "/account/2fa");
}
