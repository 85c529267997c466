//! Station staff approve or reject the parties of their own station only.

use crate::gates::backend;
use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn an_officer_sees_only_the_pending_parties_of_their_station() {
    backend!();
    let w = spawn_two_stations().await;
    w.app.login_with(&w.app.client, "futian@example.cn").await;

    let html = w.app.get("/station").await.text().await.unwrap();

    assert!(html.contains(&format!("/station/parties/{}", w.own)));
    assert!(!html.contains(&w.other));
    assert_eq!(
        w.app
            .get(&format!("/station/parties/{}", w.other))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn approval_is_seen_by_the_party_and_audited() {
    backend!();
    let w = spawn_two_stations().await;
    let officer = browser();
    w.app.login_with(&officer, "futian@example.cn").await;

    let response = w
        .app
        .post_with(
            &officer,
            &format!("/station/parties/{}/approve", w.own),
            &[],
        )
        .await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = w
        .app
        .get_with(&officer, &location(&response))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text(&page, ".badge").as_deref(), Some("已通过"));
    assert!(!w
        .app
        .get_with(&officer, "/station")
        .await
        .text()
        .await
        .unwrap()
        .contains(&w.own));
    let party = browser();
    w.app.login_with(&party, "hr@example.cn").await;
    let home = w.app.get_with(&party, "/party").await.text().await.unwrap();
    assert_eq!(text(&home, ".badge").as_deref(), Some("已通过"));
    let audit = attest::db::models::audit_log::list_recent(&mut w.app.conn(), 20).unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "party_approved" && e.subject.as_deref() == Some(w.own.as_str())));
}

#[tokio::test]
async fn rejection_needs_a_reason_which_the_party_sees() {
    backend!();
    let w = spawn_two_stations().await;
    let officer = browser();
    w.app.login_with(&officer, "futian@example.cn").await;
    let path = format!("/station/parties/{}/reject", w.own);

    let response = w.app.post_with(&officer, &path, &[("reason", "  ")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(text(&html, "#reason-error").unwrap().contains("必填"));

    let reason = "营业执照信息与登记不符 <script>alert(1)</script>";
    let response = w
        .app
        .post_with(&officer, &path, &[("reason", reason)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let party = browser();
    w.app.login_with(&party, "hr@example.cn").await;
    let home = w.app.get_with(&party, "/party").await.text().await.unwrap();
    assert_eq!(text(&home, ".badge").as_deref(), Some("已驳回"));
    assert!(
        text(&home, "main").unwrap().contains(reason),
        "the reason is shown as typed"
    );
    assert!(!home.contains("<script>"), "and escaped");
    let audit = attest::db::models::audit_log::list_recent(&mut w.app.conn(), 20).unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "party_rejected" && e.subject.as_deref() == Some(w.own.as_str())));
}

#[tokio::test]
async fn an_officer_cannot_decide_for_another_station() {
    backend!();
    let w = spawn_two_stations().await;
    w.app.login_with(&w.app.client, "futian@example.cn").await;

    let approve = w
        .app
        .post(&format!("/station/parties/{}/approve", w.other), &[])
        .await;
    let reject = w
        .app
        .post(
            &format!("/station/parties/{}/reject", w.other),
            &[("reason", "x")],
        )
        .await;

    assert_eq!(approve.status(), StatusCode::NOT_FOUND);
    assert_eq!(reject.status(), StatusCode::NOT_FOUND);
    let party = attest::db::models::parties::find_by_id(&mut w.app.conn(), &attest::domain::PartyId::from(w.other.as_str())).unwrap();
    assert_eq!(party.status.as_str(), "pending");
}

#[tokio::test]
async fn an_admin_sees_and_decides_for_every_station() {
    backend!();
    let w = spawn_two_stations().await;
    w.app.login_with(&w.app.client, "admin@example.cn").await;

    let html = w.app.get("/station").await.text().await.unwrap();
    assert!(html.contains(&w.own) && html.contains(&w.other));
    // The individual lessor's ID number is masked in the list and on its page.
    assert!(html.contains("110105********002X"));
    assert!(!html.contains("11010519491231002X"));
    let detail = w
        .app
        .get(&format!("/station/parties/{}", w.other))
        .await
        .text()
        .await
        .unwrap();
    assert!(!detail.contains("11010519491231002X"));

    let response = w
        .app
        .post(&format!("/station/parties/{}/approve", w.other), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let party = attest::db::models::parties::find_by_id(&mut w.app.conn(), &attest::domain::PartyId::from(w.other.as_str())).unwrap();
    assert_eq!(party.status.as_str(), "approved");
}
