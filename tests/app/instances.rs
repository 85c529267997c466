//! Several instances on one database (and one shared data directory): sessions, tokens,
//! rotated keys and the outbox work across them.

use crate::gates::backend;
use crate::helpers::*;
use crate::smtp::SmtpServer;
use attest::mail::compose::{MailFact, Notification};
use reqwest::StatusCode;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_user_continues_a_token_verifies_and_a_rotated_key_is_published_across_instances() {
    backend!();
    let a = spawn_app().await;
    let b = spawn_app_as(a.data_dir.clone(), Some(&a.address)).await;
    let (_, hr) = approved_employer(&a, "hr@example.cn", "91110000600037341L").await;

    // Logged in through A (approved_employer), the same browser continues on B.
    let page = hr.get(b.url("/party/attestations")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    // Issued through B, verified through A; issued through A, verified through B.
    let csrf = b.csrf_token(&hr).await;
    let employment = employment_form();
    let mut form = fields(&employment);
    form.push(("csrf_token", &csrf));
    let issued = hr
        .post(b.url("/party/attestations/new/employment"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(issued.status(), StatusCode::SEE_OTHER);
    let on_b = location(&issued).rsplit('/').next().unwrap().to_owned();
    assert_eq!(a.verify_token(&b.token_of(&on_b)).await["status"], "valid");
    let on_a = a.issue_with(&hr, "employment", &employment_form()).await;
    assert_eq!(b.verify_token(&a.token_of(&on_a)).await["status"], "valid");

    // A key rotated through A's command line is published by B within a minute.
    let out = a.cli().args(["keys", "rotate"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kid = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .nth(3)
        .unwrap()
        .trim_end_matches(';')
        .to_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let jwks = b.get("/.well-known/jwks.json").await.text().await.unwrap();
        if jwks.contains(&kid) {
            break;
        }
        assert!(Instant::now() < deadline, "B never published {kid}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn two_workers_deliver_200_notifications_exactly_once() {
    backend!();
    let smtp = SmtpServer::start();
    let a = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    let b = spawn_app_with_smtp(a.data_dir.clone(), &smtp.url()).await;
    {
        let mut conn = b.conn();
        for i in 0..200 {
            let n = Notification {
                headline_key: "mail.issued",
                subject_detail: format!("批量{i:03}"),
                facts: vec![MailFact::plain("mail.fact.subject", format!("批量{i:03}"))],
                link: None,
            };
            attest::mail::notify::enqueue(&mut conn, "test", "station@example.cn", None, &n)
                .unwrap();
        }
    }

    let messages = smtp.wait_for(200, 120);
    std::thread::sleep(Duration::from_secs(3));

    let messages = smtp.messages().len().max(messages.len());
    assert_eq!(messages, 200, "each one exactly once");
    let mut ids: Vec<String> = smtp.messages().into_iter().map(|m| m.message_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200);
    let left = attest::db::models::outbox::list_by_status(
        &mut a.conn(),
        &["pending", "sending", "failed"],
        1000,
    )
    .unwrap();
    assert!(left.is_empty());
}
