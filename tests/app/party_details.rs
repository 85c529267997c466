//! A party's owner changes its address and contact at once; the station is emailed what
//! changed and sees the new details without approving them again.

use crate::gates::backend;
use crate::helpers::*;
use crate::smtp::SmtpServer;
use attest::domain::Role;
use reqwest::StatusCode;

#[tokio::test]
async fn an_owner_moves_the_office_and_the_station_sees_it_without_reapproval() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    let (party, owner) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let page = app.get_with(&owner, "/party/details").await.text().await.unwrap();
    assert_eq!(
        attr(&page, "#address", "value").as_deref(),
        Some("深圳市福田区福华路 1 号")
    );

    // A bad phone number: the form again, everything typed kept, the message beside it.
    let moved = "深圳市南山区科技园 8 栋";
    let bad = [
        ("address", moved),
        ("contact_name", "李四"),
        ("contact_phone", "12"),
    ];
    let r = app.post_with(&owner, "/party/details", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(text(&page, "#contact_phone-error").is_some());
    assert_eq!(attr(&page, "#address", "value").as_deref(), Some(moved));

    let good = [
        ("address", moved),
        ("contact_name", "李四"),
        ("contact_phone", "13900139000"),
    ];
    let r = app.post_with(&owner, "/party/details", &good).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/party/details?saved");

    // The station is emailed what changed, from what.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mail = loop {
        let found = smtp
            .messages()
            .into_iter()
            .find(|m| m.subject.contains("协助单位更新了地址或联系人"));
        if let Some(found) = found {
            break found;
        }
        assert!(std::time::Instant::now() < deadline, "no email to the station");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(mail.to, vec!["station@example.cn".to_owned()]);
    assert!(mail.text.contains(&format!("深圳市福田区福华路 1 号 → {moved}")), "{}", mail.text);
    assert!(mail.text.contains("13800138000 → 13900139000"));

    // The station sees the new address; the party stays approved and keeps issuing.
    app.add_staff(Role::Station, "futian@example.cn", Some("440304-001"));
    let officer = browser();
    app.login_with(&officer, "futian@example.cn").await;
    let seen = app
        .get_with(&officer, &format!("/station/parties/{party}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(seen.contains(moved));
    app.issue_with(&owner, "employment", &employment_form()).await;
    let again = app.post_with(&owner, "/party/details", &good).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER, "unchanged: nothing sent");
    let sent = smtp
        .messages()
        .iter()
        .filter(|m| m.subject.contains("协助单位更新了地址或联系人"))
        .count();
    assert_eq!(sent, 1);
}
