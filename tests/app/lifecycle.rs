//! A proof's status through its life, read on every surface on the day the portal's clock
//! says (the clock is moved forward, never slept on): the party's list and detail, the print
//! page and the PDF, the station's search and desk, the API.

use crate::gates::backend;
use crate::helpers::*;
use attest::domain::Role;
use chrono::Duration;
use reqwest::Client;

/// The status as each surface shows it.
#[derive(Debug)]
struct Surfaces {
    party_list: Option<String>,
    party_detail: Option<String>,
    station_search: Option<String>,
    desk: Option<String>,
    api: String,
    /// The stamp across the print page (none when the proof is in force).
    print_stamp: Option<String>,
    pdf: String,
}

/// Logs `email` in afresh (days pass between looks, and sessions end), in English when
/// `english`.
async fn logged_in(app: &TestApp, email: &str, english: bool) -> Client {
    let client = if english {
        english_browser()
    } else {
        browser()
    };
    app.login_with(&client, email).await;
    client
}

async fn html(app: &TestApp, client: &Client, path: &str) -> String {
    app.get_with(client, path).await.text().await.unwrap()
}

/// Reads proof `id` on every surface.
async fn surfaces(app: &TestApp, id: &str, key: &str, english: bool) -> Surfaces {
    let hr = logged_in(app, "hr@example.cn", english).await;
    let officer = logged_in(app, "futian@example.cn", english).await;
    let pdf = app
        .get_with(&hr, &format!("/party/attestations/{id}/pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    Surfaces {
        party_list: text(&html(app, &hr, "/party/attestations").await, "td .badge"),
        party_detail: text(
            &html(app, &hr, &format!("/party/attestations/{id}")).await,
            ".status-line .badge",
        ),
        station_search: text(
            &html(app, &officer, "/station/attestations").await,
            "td .badge",
        ),
        desk: text(
            &html(app, &officer, &format!("/station/attestations/{id}")).await,
            ".status-line .badge",
        ),
        api: app.api_attestation(id, key).await.1["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        print_stamp: text(
            &html(app, &hr, &format!("/party/attestations/{id}/print")).await,
            ".doc-stamp",
        ),
        pdf: pdf_extract::extract_text_from_mem(&pdf).expect("a readable PDF"),
    }
}

/// Asserts that every page shows `label`, the API says `status`, and the print page and the
/// PDF carry `stamp` (or no stamp).
fn assert_everywhere(s: &Surfaces, label: &str, status: &str, stamp: Option<&str>) {
    for (surface, shown) in [
        ("party list", &s.party_list),
        ("party detail", &s.party_detail),
        ("station search", &s.station_search),
        ("desk", &s.desk),
    ] {
        assert_eq!(shown.as_deref(), Some(label), "{surface}: {s:?}");
    }
    assert_eq!(s.api, status, "{s:?}");
    assert_eq!(s.print_stamp.as_deref(), stamp, "print page");
    let pdf: String = s.pdf.split_whitespace().collect();
    match stamp {
        Some(stamp) => {
            let stamp: String = stamp.split_whitespace().collect();
            assert!(pdf.contains(&stamp), "the PDF is stamped {stamp}: {pdf}");
        }
        None => assert!(
            !pdf.contains("无效") && !pdf.contains("NOTVALID") && !pdf.contains("存疑"),
            "an unstamped PDF: {pdf}"
        ),
    }
}

/// An employer of 福田 with an officer of the station and an API key.
async fn employer_and_officer() -> (TestApp, Client, String) {
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    app.add_staff(Role::Station, "futian@example.cn", Some("440304-001"));
    let key = app.key_from_settings(&hr).await;
    (app, hr, key)
}

#[tokio::test]
async fn a_proof_is_active_then_expiring_then_expired_on_every_surface_in_both_languages() {
    backend!();
    let (app, hr, key) = employer_and_officer().await;
    let until = app.clock.today() + Duration::days(30);
    let until_text = until.format("%Y-%m-%d").to_string();
    let form = with(employment_form(), "valid_until", &until_text);
    let id = app.issue_with(&hr, "employment", &form).await;

    let day0 = surfaces(&app, &id, &key, false).await;
    assert_everywhere(&day0, "有效", "active", None);

    // Fourteen days before its last day it is expiring — still in force, not stamped.
    app.clock.advance(Duration::days(16));
    assert_eq!(app.clock.today(), until - Duration::days(14));
    let expiring = surfaces(&app, &id, &key, false).await;
    assert_everywhere(&expiring, "即将到期", "expiring", None);
    let english = surfaces(&app, &id, &key, true).await;
    assert_everywhere(&english, "Expiring", "expiring", None);

    // Counted on the party's home page and the station's dashboard; the lists filter by it.
    let hr = logged_in(&app, "hr@example.cn", false).await;
    let officer = logged_in(&app, "futian@example.cn", false).await;
    let home = html(&app, &hr, "/party").await;
    assert_eq!(text(&home, "#count-expiring").as_deref(), Some("1"));
    assert_eq!(text(&home, "#count-active").as_deref(), Some("0"));
    let dashboard = html(&app, &officer, "/station").await;
    assert_eq!(text(&dashboard, "#count-expiring").as_deref(), Some("1"));
    assert_eq!(text(&dashboard, "#count-expired").as_deref(), Some("0"));
    for (client, list) in [(&hr, "/party/attestations"), (&officer, "/station/attestations")] {
        let expiring = html(&app, client, &format!("{list}?status=expiring")).await;
        assert!(expiring.contains(&id), "{list} lists it as expiring");
        let active = html(&app, client, &format!("{list}?status=active")).await;
        assert!(!active.contains(&id), "{list} does not list it as active");
        let ends = until.format("%Y-%m-%d");
        let by_end = html(&app, client, &format!("{list}?ends_from={ends}&ends_to={ends}")).await;
        assert!(by_end.contains(&id), "{list} finds it by its last day");
        let bad = html(&app, client, &format!("{list}?ends_to=2026-02-30")).await;
        assert!(bad.contains("role=\"alert\""), "{list} says the date is wrong");
    }

    // Its last day: still expiring. The day after: expired, and stamped so.
    app.clock.advance(Duration::days(14));
    assert_eq!(surfaces(&app, &id, &key, false).await.api, "expiring");
    app.clock.advance(Duration::days(1));
    let expired = surfaces(&app, &id, &key, false).await;
    assert_everywhere(&expired, "已过期", "expired", Some("已过期 · 无效"));
    let english = surfaces(&app, &id, &key, true).await;
    assert_everywhere(
        &english,
        "Expired",
        "expired",
        Some("EXPIRED · NOT VALID"),
    );

    // The verify page reads the same clock.
    let verdict = app.verify_token(&app.token_of(&id)).await;
    assert_eq!(verdict["status"], "expired", "{verdict}");
}

#[tokio::test]
async fn a_suspect_proof_prints_as_suspect_not_as_revoked() {
    backend!();
    let (app, hr, key) = employer_and_officer().await;
    let id = app.issue_with(&hr, "employment", &employment_form()).await;
    let officer = logged_in(&app, "futian@example.cn", false).await;
    let flagged = app
        .post_with(
            &officer,
            &format!("/station/attestations/{id}/suspect"),
            &[("reason", "公章与备案不符")],
        )
        .await;
    assert_eq!(flagged.status(), reqwest::StatusCode::SEE_OTHER);

    let s = surfaces(&app, &id, &key, false).await;
    assert_everywhere(&s, "存疑", "suspect", Some("存疑 · 核查中"));
    assert!(!s.pdf.contains("已撤销"), "{}", s.pdf);
    let english = surfaces(&app, &id, &key, true).await;
    assert_everywhere(
        &english,
        "Suspect",
        "suspect",
        Some("SUSPECT · UNDER REVIEW"),
    );
}

/// The emails queued for `event` to `to`.
fn emails(app: &TestApp, event: &str, to: &str) -> Vec<attest::db::models::outbox::OutboxRow> {
    attest::db::models::outbox::list_by_status(
        &mut app.conn(),
        &["pending", "sending", "sent", "held"],
        200,
    )
    .unwrap()
    .into_iter()
    .filter(|m| m.event == event && m.recipients == to)
    .collect()
}

#[tokio::test]
async fn the_officer_clears_a_suspect_flag_or_confirms_it_and_revokes_the_proof() {
    backend!();
    let (app, hr, key) = employer_and_officer().await;
    let cleared = app.issue_with(&hr, "employment", &employment_form()).await;
    let officer = logged_in(&app, "futian@example.cn", false).await;
    let desk = |id: &str, action: &str| format!("/station/attestations/{id}/{action}");
    let flag = |id: String| {
        let (app, officer) = (&app, &officer);
        async move {
            let r = app
                .post_with(officer, &desk(&id, "suspect"), &[("reason", "公章与备案不符")])
                .await;
            assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
        }
    };
    flag(cleared.clone()).await;

    // A decision needs its reason: the desk again, the message beside the field.
    let empty = app
        .post_with(&officer, &desk(&cleared, "suspect/clear"), &[("reason", " ")])
        .await;
    assert_eq!(empty.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let html = empty.text().await.unwrap();
    assert_eq!(text(&html, "#reason-error").as_deref(), Some("此项为必填项。"));
    let ok = app
        .post_with(
            &officer,
            &desk(&cleared, "suspect/clear"),
            &[("reason", "经电话核实，公章已重新备案")],
        )
        .await;
    assert_eq!(ok.status(), reqwest::StatusCode::SEE_OTHER);
    assert_everywhere(
        &surfaces(&app, &cleared, &key, false).await,
        "有效",
        "active",
        None,
    );
    let told = emails(&app, "attestation_suspect_cleared", "hr@example.cn");
    assert_eq!(told.len(), 1);
    assert!(told[0].body_text.contains("经电话核实"), "{}", told[0].body_text);
    let again = app
        .post_with(&officer, &desk(&cleared, "suspect/clear"), &[("reason", "再次")])
        .await;
    assert_eq!(again.status(), reqwest::StatusCode::CONFLICT);

    // Confirmed: the station revokes it, and the verify page says so with the reason.
    let confirmed = app
        .issue_with(&hr, "employment", &with(employment_form(), "subject_name", "赵六"))
        .await;
    flag(confirmed.clone()).await;
    let r = app
        .post_with(
            &officer,
            &desk(&confirmed, "suspect/revoke"),
            &[("reason", "单位确认未出具该证明")],
        )
        .await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let verdict = app.verify_token(&app.token_of(&confirmed)).await;
    assert_eq!(verdict["status"], "revoked", "{verdict}");
    assert_eq!(verdict["reason"], "单位确认未出具该证明");
    let (_, json) = app.api_attestation(&confirmed, &key).await;
    assert_eq!(json["status"], "revoked");
    assert_eq!(
        emails(&app, "attestation_revoked_by_station", "hr@example.cn").len(),
        1
    );
    let actions: Vec<String> = attest::db::models::audit_log::list_recent(&mut app.conn(), 100)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.contains(&"attestation_suspect_cleared".to_owned()));
    assert!(actions.contains(&"attestation_revoked_by_station".to_owned()));
}

#[tokio::test]
async fn a_proof_ends_with_a_reason_of_its_kind_and_the_day_and_verifying_says_so() {
    backend!();
    let (app, hr, key) = employer_and_officer().await;
    let landlord = approved_landlord(&app, "landlord@example.cn").await;
    let id = app.issue_with(&landlord, "residence", &residence_form()).await;
    let issued_on = app.clock.today();
    app.clock.advance(Duration::days(5));
    let landlord = logged_in(&app, "landlord@example.cn", false).await;
    let path = format!("/party/attestations/{id}/revoke");

    // The form offers the reasons of a residence proof only.
    let form = html(&app, &landlord, &path).await;
    assert!(form.contains("已搬离") && form.contains("信息有误") && form.contains("其他"));
    assert!(!form.contains("已离职"));

    // Each mistake: 422, the message beside its field, what was typed kept.
    let later = (app.clock.today() + Duration::days(1)).to_string();
    let before = (issued_on - Duration::days(1)).to_string();
    for (fields, field) in [
        (vec![("reason_code", "left_job")], "reason_code"),
        (vec![("reason_code", "other")], "reason"),
        (vec![("reason_code", "moved_out"), ("ended_on", &later)], "ended_on"),
        (vec![("reason_code", "moved_out"), ("ended_on", &before)], "ended_on"),
        (vec![("reason_code", "moved_out"), ("ended_on", "2026-02-30")], "ended_on"),
    ] {
        let r = app.post_with(&landlord, &path, &fields).await;
        assert_eq!(r.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        let page = r.text().await.unwrap();
        assert!(text(&page, &format!("#{field}-error")).is_some(), "{fields:?}: {page}");
        if let Some((_, day)) = fields.iter().find(|(k, _)| *k == "ended_on") {
            assert_eq!(attr(&page, "#ended_on", "value").as_deref(), Some(*day));
        }
    }

    // Moved out two days after the proof began.
    let ended_on = (issued_on + Duration::days(2)).to_string();
    let r = app
        .post_with(
            &landlord,
            &path,
            &[("reason_code", "moved_out"), ("ended_on", &ended_on)],
        )
        .await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let token = app.token_of(&id);
    let page = app
        .post_with(&browser(), "/verify", &[("input", &token)])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text(&page, ".verdict-status").as_deref(), Some("已撤销"));
    let ending = text(&page, ".ending").unwrap_or_default();
    assert!(ending.contains("已搬离") && ending.contains(&ended_on), "{ending}");
    let verdict = app.verify_token(&token).await;
    assert_eq!(verdict["status"], "revoked");
    assert_eq!(verdict["reason_code"], "moved_out");
    assert_eq!(verdict["ended_on"], ended_on.as_str());
    let station_mail = attest::db::models::outbox::list_by_status(
        &mut app.conn(),
        &["pending", "sending", "sent", "held"],
        200,
    )
    .unwrap()
    .into_iter()
    .find(|m| m.event == "attestation_revoked")
    .expect("the station is told");
    assert!(station_mail.body_text.contains("已搬离"), "{}", station_mail.body_text);
    assert!(station_mail.body_text.contains(&ended_on));

    // Through the API: the code of its kind, or a 422 naming the field.
    let job = app.issue_with(&hr, "employment", &employment_form()).await;
    let revoke = format!("/api/v1/attestations/{job}/revoke");
    let (status, body) = app
        .api(&revoke, Some(&key), serde_json::json!({"reason_code": "moved_out"}))
        .await;
    assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["reason_code"].is_string(), "{body}");
    let (status, body) = app
        .api(&revoke, Some(&key), serde_json::json!({"reason_code": "left_job"}))
        .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    assert_eq!(body["status"], "revoked");
    assert_eq!(body["reason_code"], "left_job");
    assert_eq!(body["ended_on"], app.clock.today().to_string());
}

#[tokio::test]
async fn a_party_ends_many_proofs_at_once_for_one_reason_with_one_email_to_the_station() {
    backend!();
    let (app, hr, key) = employer_and_officer().await;
    let mut ids = Vec::new();
    for name in ["甲一", "乙二", "丙三"] {
        let form = with(employment_form(), "subject_name", name);
        ids.push(app.issue_with(&hr, "employment", &form).await);
    }
    let tick = |id: &String| format!("pick:{id}");
    let (first, second) = (tick(&ids[0]), tick(&ids[1]));

    // Nothing ticked, or a reason that does not suit the kind: the list again, ticks kept.
    let none = app
        .post_with(&hr, "/party/attestations/end", &[("reason_code", "left_job")])
        .await;
    assert_eq!(none.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&none.text().await.unwrap(), "#ids-error").is_some());
    let wrong = app
        .post_with(
            &hr,
            "/party/attestations/end",
            &[(first.as_str(), "on"), ("reason_code", "moved_out")],
        )
        .await;
    assert_eq!(wrong.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let page = wrong.text().await.unwrap();
    assert!(text(&page, "#reason_code-error").is_some(), "{page}");
    assert!(attr(&page, &format!("#pick-{}", ids[0]), "checked").is_some());
    assert!(attr(&page, &format!("#pick-{}", ids[1]), "checked").is_none());

    // Two ended for one reason; the third stays in force.
    let ended = app
        .post_with(
            &hr,
            "/party/attestations/end",
            &[
                (first.as_str(), "on"),
                (second.as_str(), "on"),
                ("reason_code", "left_job"),
            ],
        )
        .await;
    assert_eq!(ended.status(), reqwest::StatusCode::SEE_OTHER);
    for (id, status) in [(&ids[0], "revoked"), (&ids[1], "revoked"), (&ids[2], "active")] {
        let (_, json) = app.api_attestation(id, &key).await;
        assert_eq!(json["status"], status, "{json}");
    }
    let (_, json) = app.api_attestation(&ids[0], &key).await;
    assert_eq!(json["reason_code"], "left_job");
    let batch: Vec<_> = attest::db::models::outbox::list_by_status(
        &mut app.conn(),
        &["pending", "sending", "sent", "held"],
        200,
    )
    .unwrap()
    .into_iter()
    .filter(|m| m.event == "batch_ended")
    .collect();
    assert_eq!(batch.len(), 1, "one email for the lot");
    let body = &batch[0].body_text;
    assert!(body.contains("甲一") && body.contains("乙二") && !body.contains("丙三"), "{body}");
    assert!(body.contains("已离职"), "{body}");
    assert!(!emails_of(&app, "attestation_revoked"), "no email per proof");

    // Another party's proof cannot be ticked.
    let (_, other) = approved_employer(&app, "other@example.cn", "91440300MA5F00001A").await;
    let r = app
        .post_with(
            &other,
            "/party/attestations/end",
            &[(tick(&ids[2]).as_str(), "on"), ("reason_code", "left_job")],
        )
        .await;
    assert_eq!(r.status(), reqwest::StatusCode::NOT_FOUND);
}

/// True when an email of `event` was queued.
fn emails_of(app: &TestApp, event: &str) -> bool {
    attest::db::models::outbox::list_by_status(
        &mut app.conn(),
        &["pending", "sending", "sent", "held"],
        200,
    )
    .unwrap()
    .iter()
    .any(|m| m.event == event)
}
