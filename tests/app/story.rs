//! A landlord's fortnight, as issue 16's "done when" tells it: the home page counts three
//! proofs running out, the digest arrives through the SMTP server, one is renewed from the
//! digest's link in one click and another ended with 已搬离; the officer scans both, flags a
//! third and clears it, and it prints without a stamp. Every surface agrees.

use crate::gates::backend;
use crate::helpers::*;
use crate::smtp::SmtpServer;
use attest::domain::{china_time, Role};
use chrono::Duration;
use reqwest::StatusCode;

#[tokio::test]
async fn a_landlord_renews_one_expiring_proof_from_the_digest_and_ends_another() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(Role::Station, "futian@example.cn", Some("440304-001"));
    let landlord = approved_landlord(&app, "landlord@example.cn").await;
    let key = app.key_from_settings(&landlord).await;
    let d = app.clock.today() + Duration::days(20);
    let mut ids = Vec::new();
    for (name, until) in [("甲", 5), ("乙", 8), ("丙", 12), ("丁", 200)] {
        let form = with(residence_form(), "subject_name", name);
        let form = with(form, "valid_until", &(d + Duration::days(until)).to_string());
        ids.push(app.issue_with(&landlord, "residence", &form).await);
    }
    let tokens: Vec<String> = ids.iter().map(|id| app.token_of(id)).collect();

    // Day D, 09:00 in China: three run out within two weeks.
    let by = china_time::day_start(d) + Duration::hours(9) - app.clock.now();
    app.clock.advance(by);
    let landlord = browser();
    app.login_with(&landlord, "landlord@example.cn").await;
    let home = app.get_with(&landlord, "/party").await.text().await.unwrap();
    assert_eq!(text(&home, "#count-expiring").as_deref(), Some("3"));

    // The digest names the three, each with its renew link.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let digest = loop {
        let found = smtp
            .messages()
            .into_iter()
            .find(|m| m.subject.contains("证明到期提醒"));
        if let Some(found) = found {
            break found;
        }
        assert!(std::time::Instant::now() < deadline, "no digest");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let renew_link = format!("/party/attestations/{}/renew", ids[0]);
    for id in &ids[..3] {
        assert!(digest.text.contains(&format!("/party/attestations/{id}/renew")));
    }
    assert!(!digest.text.contains(&ids[3]));

    // One click on the link: the form comes filled in; the landlord ticks the statement.
    let form = app.get_with(&landlord, &renew_link).await.text().await.unwrap();
    let mut values = form_values(&form, "main form[method=post]");
    values.retain(|(name, _)| name != "responsibility" && name != "csrf_token");
    values.push(("responsibility".into(), "on".into()));
    let renewed = app.post_with(&landlord, &renew_link, &pairs(&values)).await;
    assert_eq!(renewed.status(), StatusCode::SEE_OTHER);
    let new = location(&renewed).rsplit('/').next().unwrap().to_owned();

    // 乙 moved out.
    app.end_proof(&landlord, &ids[1], "moved_out").await;

    // The officer scans the renewed one, then the ended one.
    let officer = browser();
    app.login_with(&officer, "futian@example.cn").await;
    let scan = |token: String| {
        let officer = officer.clone();
        let app = &app;
        async move {
            app.post_with(&officer, "/verify", &[("input", &token)])
                .await
                .text()
                .await
                .unwrap()
        }
    };
    let replaced = scan(tokens[0].clone()).await;
    assert_eq!(text(&replaced, ".verdict-status").as_deref(), Some("已被取代"));
    let moved = scan(tokens[1].clone()).await;
    assert_eq!(text(&moved, ".verdict-status").as_deref(), Some("已撤销"));
    let ending = text(&moved, ".ending").unwrap_or_default();
    assert!(ending.contains("已搬离") && ending.contains(&d.to_string()), "{ending}");

    // 丁 is flagged at the desk and cleared; it prints without a stamp again.
    let desk = |what: &str| format!("/station/attestations/{}/{what}", ids[3]);
    let flagged = app
        .post_with(&officer, &desk("suspect"), &[("reason", "公章与备案不符")])
        .await;
    assert_eq!(flagged.status(), StatusCode::SEE_OTHER);
    let print = format!("/party/attestations/{}/print", ids[3]);
    let stamped = app.get_with(&landlord, &print).await.text().await.unwrap();
    assert_eq!(text(&stamped, ".doc-stamp").as_deref(), Some("存疑 · 核查中"));
    let cleared = app
        .post_with(&officer, &desk("suspect/clear"), &[("reason", "电话核实无误")])
        .await;
    assert_eq!(cleared.status(), StatusCode::SEE_OTHER);
    let clean = app.get_with(&landlord, &print).await.text().await.unwrap();
    assert!(text(&clean, ".doc-stamp").is_none());

    // Every surface agrees: the API, the verify API, the party's list.
    for (id, token, status, verdict) in [
        (&ids[0], &tokens[0], "superseded", "superseded"),
        (&ids[1], &tokens[1], "revoked", "revoked"),
        (&ids[2], &tokens[2], "expiring", "valid"),
        (&ids[3], &tokens[3], "active", "valid"),
        (&new, &app.token_of(&new), "active", "valid"),
    ] {
        assert_eq!(app.api_attestation(id, &key).await.1["status"], status, "{id}");
        assert_eq!(app.verify_token(token).await["status"], verdict, "{id}");
    }
    let home = app.get_with(&landlord, "/party").await.text().await.unwrap();
    assert_eq!(text(&home, "#count-expiring").as_deref(), Some("1"));
}
