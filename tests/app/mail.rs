//! Notifications through the outbox to a real SMTP server on loopback.

use crate::gates::backend;
use crate::helpers::*;
use crate::smtp::{Mode, SmtpServer};
use attest::db::models::outbox;
use attest::domain::Role;
use reqwest::StatusCode;

const FULL_ID: &str = "440304199002151545";

fn outbox_with(app: &TestApp, statuses: &[&str]) -> Vec<outbox::OutboxRow> {
    outbox::list_by_status(&mut app.conn(), statuses, 1000).unwrap()
}

fn assert_private(m: &crate::smtp::Received) {
    assert!(
        !m.raw.contains(FULL_ID) && !m.text.contains(FULL_ID) && !m.html.contains(FULL_ID),
        "{}",
        m.subject
    );
}

#[tokio::test]
async fn each_event_mails_the_right_people() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(Role::Station, "officer@example.cn", Some("440304-001"));

    // A party registers: its station is told, and the registrant.
    let hr = browser();
    let form = employer_form("hr@example.cn");
    app.register_and_login(&hr, &form, "hr@example.cn").await;
    let m = smtp.wait_for(2, 10);
    let to_station = m
        .iter()
        .find(|m| m.to == vec!["station@example.cn"])
        .expect("station mail");
    assert!(
        to_station.subject.contains("新的协助单位注册待审核")
            && to_station.subject.contains("深圳市示例科技有限公司"),
        "{}",
        to_station.subject
    );
    assert!(
        to_station.text.contains("A new assisting party"),
        "English below: {}",
        to_station.text
    );
    let to_registrant = m
        .iter()
        .find(|m| m.to == vec!["hr@example.cn"])
        .expect("registrant mail");
    assert!(to_registrant.subject.contains("注册已收到"));

    // The officer approves: the party is told.
    let officer = browser();
    app.login_with(&officer, "officer@example.cn").await;
    let station_page = app
        .get_with(&officer, "/station")
        .await
        .text()
        .await
        .unwrap();
    let review = attr(&station_page, "a[href^='/station/parties/']", "href").unwrap();
    app.post_with(&officer, &format!("{review}/approve"), &[])
        .await;
    let m = smtp.wait_for(3, 10);
    assert_eq!(m[2].to, vec!["hr@example.cn"]);
    assert!(m[2].text.contains("已通过"), "{}", m[2].text);

    // A proof with an applicant email: the station and the applicant.
    let form = with(employment_form(), "applicant_email", "wangwu@example.cn");
    let id = app.issue_with(&hr, "employment", &form).await;
    let m = smtp.wait_for(5, 10);
    let to_station = m
        .iter()
        .find(|m| m.to == vec!["station@example.cn"] && m.subject.contains("新的证明"))
        .expect("station mail");
    assert!(
        to_station.subject.contains("王五（440304********1545）"),
        "{}",
        to_station.subject
    );
    assert!(
        to_station.text.contains("在职证明") && to_station.text.contains("深圳市示例科技有限公司")
    );
    assert!(to_station.html.contains("<table"));
    let to_applicant = m
        .iter()
        .find(|m| m.to == vec!["wangwu@example.cn"])
        .expect("applicant mail");
    assert!(
        to_applicant
            .text
            .contains(&format!("{}/my/", app.address)),
        "the link of the applicant's page: {}",
        to_applicant.text
    );

    // Revoked: the station and the applicant again.
    app.post_with(
        &hr,
        &format!("/party/attestations/{id}/revoke"),
        &[("reason", "员工已离职")],
    )
    .await;
    let m = smtp.wait_for(7, 10);
    let revoked: Vec<_> = m
        .iter()
        .filter(|m| {
            (m.to == vec!["station@example.cn"] && m.subject.contains("证明已被撤销"))
                || (m.to == vec!["wangwu@example.cn"] && m.subject.contains("已被出具单位终止"))
        })
        .collect();
    assert_eq!(revoked.len(), 2);
    assert!(revoked.iter().all(|m| m.text.contains("员工已离职")));

    for message in &m {
        assert_private(message);
        assert!(message.message_id.contains("@attest"));
    }
    assert_eq!(smtp.messages().len(), 7, "nothing twice");
}

#[tokio::test]
async fn a_server_that_is_down_gets_exactly_the_missed_mails_when_it_is_back() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    app.add_station("440304-001", "福田派出所");
    let landlord = approved_landlord(&app, "landlord@example.cn").await;
    app.issue_with(&landlord, "residence", &residence_form())
        .await;
    assert_eq!(
        smtp.wait_for(1, 10).len(),
        1,
        "the first arrives within seconds"
    );

    smtp.stop();
    for i in 0..3 {
        let form = with(residence_form(), "subject_name", &format!("租户{i}"));
        app.issue_with(&landlord, "residence", &form).await;
    }
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(
        outbox_with(&app, &[outbox::PENDING, outbox::SENDING]).len(),
        3,
        "kept while the server is away"
    );

    smtp.restart();
    let m = smtp.wait_for(4, 30);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(
        smtp.messages().len(),
        4,
        "exactly the three missed ones, once each"
    );
    for i in 0..3 {
        assert_eq!(
            m.iter()
                .filter(|m| m.subject.contains(&format!("租户{i}")))
                .count(),
            1
        );
    }
    assert!(outbox_with(&app, &[outbox::PENDING, outbox::SENDING, outbox::FAILED]).is_empty());
}

#[tokio::test]
async fn a_4xx_is_retried_and_a_5xx_fails_and_is_shown_to_the_admin() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    app.add_staff(Role::Admin, "admin@example.cn", None);

    smtp.set_mode(Mode::Temporary);
    app.issue_with(&hr, "employment", &employment_form()).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let pending = loop {
        let rows = outbox_with(&app, &[outbox::PENDING]);
        if rows.iter().any(|r| r.attempts >= 1) || std::time::Instant::now() > deadline {
            break rows;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(pending.len(), 1);
    assert!(
        pending[0].attempts >= 1
            && pending[0]
                .last_error
                .as_deref()
                .unwrap_or("")
                .contains("451")
    );
    smtp.set_mode(Mode::Accept);
    assert_eq!(smtp.wait_for(1, 15).len(), 1, "retried and delivered");

    smtp.set_mode(Mode::Permanent);
    app.issue_with(
        &hr,
        "employment",
        &with(employment_form(), "subject_name", "赵六"),
    )
    .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while outbox_with(&app, &[outbox::FAILED]).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let failed = outbox_with(&app, &[outbox::FAILED]);
    assert_eq!(failed.len(), 1);
    assert!(failed[0].last_error.as_deref().unwrap().contains("550"));

    // The admin sees it and requeues it.
    let admin = browser();
    app.login_with(&admin, "admin@example.cn").await;
    let page = app
        .get_with(&admin, "/admin/mail")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("550") && page.contains("赵六"),
        "failed list shows the error"
    );
    smtp.set_mode(Mode::Accept);
    let retry = app
        .post_with(&admin, &format!("/admin/mail/{}/retry", failed[0].id), &[])
        .await;
    assert_eq!(retry.status(), StatusCode::SEE_OTHER);
    let m = smtp.wait_for(2, 10);
    assert!(m.iter().any(|m| m.subject.contains("赵六")));
}

#[tokio::test]
async fn a_hanging_server_does_not_stop_the_worker() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;

    smtp.set_mode(Mode::Hang);
    app.issue_with(&hr, "employment", &employment_form()).await;
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert!(smtp.messages().is_empty());
    smtp.set_mode(Mode::Accept);

    assert_eq!(
        smtp.wait_for(1, 20).len(),
        1,
        "the timeout let the worker go on"
    );
}

#[tokio::test]
async fn pending_mail_is_delivered_after_a_restart() {
    backend!();
    let smtp = SmtpServer::start();
    smtp.stop();
    let first = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    let (_, hr) = approved_employer(&first, "hr@example.cn", "91110000600037341L").await;
    first
        .issue_with(&hr, "employment", &employment_form())
        .await;
    first.stop_mail_worker();
    assert_eq!(
        outbox_with(&first, &[outbox::PENDING, outbox::SENDING]).len(),
        1
    );

    smtp.restart();
    // The restarted portal's worker finds the row the first one left.
    let _restarted = spawn_app_with_smtp(first.data_dir, &smtp.url()).await;

    let m = smtp.wait_for(1, 30);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(m.len(), 1);
    assert_eq!(smtp.messages().len(), 1, "once");
}

#[tokio::test]
async fn a_station_in_digest_mode_gets_one_email_a_day() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    app.add_staff(Role::Station, "officer@example.cn", Some("440304-001"));
    let officer = browser();
    app.login_with(&officer, "officer@example.cn").await;

    // The officer chooses a digest; it was "already sent today", so events are held.
    let r = app
        .post_with(
            &officer,
            "/station/settings",
            &[("notify_mode", "digest"), ("digest_hour", "0")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    set_last_digest(&app, 1);
    for i in 0..3 {
        app.issue_with(
            &hr,
            "employment",
            &with(employment_form(), "subject_name", &format!("员工{i}")),
        )
        .await;
    }
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(smtp.messages().is_empty(), "held for the digest");
    assert_eq!(outbox_with(&app, &[outbox::HELD]).len(), 3);

    // The digest hour comes.
    set_last_digest(&app, -2);
    let m = smtp.wait_for(1, 10);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(smtp.messages().len(), 1, "one email");
    assert!(m[0].subject.contains("每日通知汇总"));
    for i in 0..3 {
        assert!(m[0].text.contains(&format!("员工{i}")), "{}", m[0].text);
    }
    assert_private(&m[0]);
}

#[tokio::test]
async fn without_smtp_emails_are_files_in_the_data_directory() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    app.issue_with(&hr, "employment", &employment_form()).await;

    let dir = app.data_dir.path().join("mail");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0) == 0
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .expect("an .eml file")
        .unwrap()
        .path();
    assert_eq!(file.extension().and_then(|e| e.to_str()), Some("eml"));
    let bytes = std::fs::read(&file).unwrap();
    let parsed = mailparse::parse_mail(&bytes).unwrap();
    let subject = parsed
        .headers
        .iter()
        .find(|h| h.get_key() == "Subject")
        .unwrap()
        .get_value();
    assert!(subject.contains("新的证明"), "{subject}");
}

#[tokio::test]
async fn mail_status_and_retry_on_the_command_line() {
    backend!();
    let smtp = SmtpServer::start();
    smtp.set_mode(Mode::Permanent);
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    app.issue_with(&hr, "employment", &employment_form()).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while outbox_with(&app, &[outbox::FAILED]).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let run = |args: &[&str]| app.cli().args(args).output().unwrap();

    let status = String::from_utf8(run(&["mail", "status"]).stdout).unwrap();
    let failed = outbox_with(&app, &[outbox::FAILED]);
    assert!(
        status.contains(&failed[0].id) && status.contains("failed") && status.contains("550"),
        "{status}"
    );
    assert!(!status.contains(FULL_ID));

    smtp.set_mode(Mode::Accept);
    let retry = run(&["mail", "retry", "--failed"]);
    assert!(retry.status.success());
    assert_eq!(smtp.wait_for(1, 10).len(), 1);
    let unknown = run(&["mail", "retry", "no-such-id"]);
    assert_eq!(unknown.status.code(), Some(1));
}
