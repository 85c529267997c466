//! The station's side: dashboard, search, desk checks, suspect, directory and log — each
//! limited to the officer's own station.

use crate::gates::backend;
use crate::helpers::*;
use attest::domain::Role;
use reqwest::{Client, StatusCode};

/// Two stations with an officer each, and an approved employer in the first.
struct Desk {
    app: TestApp,
    hr: Client,
    futian: Client,
    nanshan: Client,
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    app.add_station("440305-002", "南山派出所");
    app.add_staff(Role::Station, "futian@example.cn", Some("440304-001"));
    app.add_staff(Role::Station, "nanshan@example.cn", Some("440305-002"));
    let (futian, nanshan) = (browser(), browser());
    app.login_with(&futian, "futian@example.cn").await;
    app.login_with(&nanshan, "nanshan@example.cn").await;
    Desk {
        app,
        hr,
        futian,
        nanshan,
    }
}

fn audit_actions(app: &TestApp) -> Vec<(String, Option<String>)> {
    attest::db::models::audit_log::list_recent(&mut app.conn(), 200)
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.detail))
        .collect()
}

#[tokio::test]
async fn the_dashboard_counts_today_and_the_week_for_its_own_station_only() {
    backend!();
    let d = desk().await;
    let first = d
        .app
        .issue_with(&d.hr, "employment", &employment_form())
        .await;
    let second = d
        .app
        .issue_with(
            &d.hr,
            "employment",
            &with(employment_form(), "subject_name", "赵六"),
        )
        .await;
    d.app
        .post_with(
            &d.hr,
            &format!("/party/attestations/{first}/revoke"),
            &[("reason", "离职")],
        )
        .await;
    for _ in 0..3 {
        d.app.verify_token(&d.app.token_of(&second)).await;
    }
    d.app
        .post_with(
            &d.futian,
            &format!("/station/attestations/{second}/suspect"),
            &[("reason", "公章与备案不符")],
        )
        .await;

    let html = d
        .app
        .get_with(&d.futian, "/station")
        .await
        .text()
        .await
        .unwrap();
    for (id, n) in [
        ("today-issued", "2"),
        ("today-revoked", "1"),
        ("today-verified", "3"),
        ("today-suspect", "1"),
        ("week-issued", "2"),
    ] {
        assert_eq!(text(&html, &format!("#{id}")).as_deref(), Some(n), "{id}");
    }
    let other = d
        .app
        .get_with(&d.nanshan, "/station")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text(&other, "#today-issued").as_deref(), Some("0"));

    // The counts are kept per day (China time): tomorrow they are the week's, not today's.
    d.app.clock.advance(chrono::Duration::days(1));
    let dashboard = || async {
        let html = d.app.get_with(&d.futian, "/station").await.text().await;
        let html = html.unwrap();
        let ids = [
            "today-issued",
            "today-suspect",
            "week-issued",
            "week-revoked",
            "count-expired",
        ];
        ids.map(|id| text(&html, &format!("#{id}")).unwrap())
    };
    assert_eq!(dashboard().await, ["0", "0", "2", "1", "0"]);
    // A flag cleared as unfounded is taken back from the day it was set.
    let cleared = d
        .app
        .post_with(
            &d.futian,
            &format!("/station/attestations/{second}/suspect/clear"),
            &[("reason", "核实无误")],
        )
        .await;
    assert_eq!(cleared.status(), StatusCode::SEE_OTHER);
    let html = d.app.get_with(&d.futian, "/station").await.text().await;
    assert_eq!(text(&html.unwrap(), "#week-suspect").as_deref(), Some("0"));
    // Three years on, the proof in force again (the other was revoked) has expired.
    d.app.clock.advance(chrono::Duration::days(3 * 366));
    assert_eq!(dashboard().await[4], "1");

    // The migration that made the per-day counts finds the same counts in the rows.
    let seen = dashboard().await;
    revert_to_before_daily_counts(&d.app);
    attest::db::migrate(&d.app.pool).unwrap();
    assert_eq!(dashboard().await, seen);
}

/// Reverts migrations down to (and with) the one that made `daily_counts`.
fn revert_to_before_daily_counts(app: &TestApp) {
    use diesel_migrations::MigrationHarness;
    let mut conn = app.conn();
    loop {
        let reverted = match &mut *conn {
            attest::db::DbConnection::Sqlite(c) => {
                c.revert_last_migration(attest::db::SQLITE_MIGRATIONS)
            }
            attest::db::DbConnection::Postgres(c) => {
                c.revert_last_migration(attest::db::POSTGRES_MIGRATIONS)
            }
        }
        .unwrap();
        if reverted.to_string().contains("000018") {
            break;
        }
    }
}

#[tokio::test]
async fn an_officer_finds_a_proof_by_the_full_id_number_and_the_search_is_audited() {
    backend!();
    let d = desk().await;
    let id = d
        .app
        .issue_with(&d.hr, "employment", &employment_form())
        .await;
    d.app
        .issue_with(
            &d.hr,
            "employment",
            &with(
                with(employment_form(), "subject_name", "赵六"),
                "subject_id_number",
                "11010519491231002X",
            ),
        )
        .await;

    let r = d
        .app
        .post_with(
            &d.futian,
            "/station/attestations",
            &[("id_number", "440304199002151545")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("/station/attestations/{id}")));
    assert!(
        html.contains("王五") && !html.contains("赵六"),
        "an exact match only"
    );
    assert!(
        !html.contains("440304199002151545"),
        "the number is not echoed back"
    );
    assert!(audit_actions(&d.app)
        .iter()
        .any(|(a, _)| a == "id_number_searched"));

    // Another station finds nothing, a wrong number is refused beside the field.
    let other = d
        .app
        .post_with(
            &d.nanshan,
            "/station/attestations",
            &[("id_number", "440304199002151545")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(!other.contains("王五"));
    let bad = d
        .app
        .post_with(
            &d.futian,
            "/station/attestations",
            &[("id_number", "440304199002151546")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(text(&bad, "#id_number-error").is_some());

    // By code and by name, with GET filters.
    let code = attest::db::models::attestations::find_by_id(&mut d.app.conn(), &attest::domain::AttestationId::from(id.as_str()))
        .unwrap()
        .unwrap()
        .code;
    let by_code = d
        .app
        .get_with(&d.futian, &format!("/station/attestations?q={code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(by_code.contains("王五") && !by_code.contains("赵六"));
    let by_name = d
        .app
        .get_with(&d.futian, "/station/attestations?q=%E8%B5%B5")
        .await
        .text()
        .await
        .unwrap();
    assert!(by_name.contains("赵六") && !by_name.contains("王五"));
    let revoked_only = d
        .app
        .get_with(&d.futian, "/station/attestations?status=revoked")
        .await
        .text()
        .await
        .unwrap();
    assert!(!revoked_only.contains("王五"));
    let bad_date = d
        .app
        .get_with(&d.futian, "/station/attestations?from=yesterday")
        .await;
    assert_eq!(bad_date.status(), StatusCode::OK);
}

#[tokio::test]
async fn at_the_desk_the_officer_checks_the_card_records_the_use_and_flags_a_suspect() {
    backend!();
    let d = desk().await;
    let id = d
        .app
        .issue_with(&d.hr, "employment", &employment_form())
        .await;
    let token = d.app.token_of(&id);

    // The scan result offers the desk actions to the officer of the proof's station only.
    let scanned = d
        .app
        .post_with(&d.futian, "/verify", &[("input", &token)])
        .await
        .text()
        .await
        .unwrap();
    assert!(scanned.contains(&format!("/station/attestations/{id}/id-check")));
    let elsewhere = d
        .app
        .post_with(&d.nanshan, "/verify", &[("input", &token)])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text(&elsewhere, ".verdict-status").as_deref(), Some("有效"));
    assert!(!elsewhere.contains("/id-check"));

    let check_path = format!("/station/attestations/{id}/id-check");
    let good = d
        .app
        .post_with(
            &d.futian,
            &check_path,
            &[("id_number", "440304199002151545")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        text(&good, ".verdict-status").as_deref(),
        Some("身份号码一致")
    );
    assert!(!good.contains("440304199002151545"));
    let wrong = d
        .app
        .post_with(
            &d.futian,
            &check_path,
            &[("id_number", "11010519491231002X")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        text(&wrong, ".verdict-status").as_deref(),
        Some("身份号码不一致")
    );
    let actions = audit_actions(&d.app);
    assert_eq!(
        actions
            .iter()
            .filter(|(a, _)| a == "id_number_checked")
            .count(),
        2
    );

    let too_long = "号".repeat(51);
    let refused = d
        .app
        .post_with(
            &d.futian,
            &format!("/station/attestations/{id}/use"),
            &[("application_no", too_long.as_str())],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(text(&html, "#application_no-error").unwrap().contains("50"));
    assert_eq!(
        attr(&html, "#application_no", "value").as_deref(),
        Some(too_long.as_str()),
        "input kept"
    );
    let used = d
        .app
        .post_with(
            &d.futian,
            &format!("/station/attestations/{id}/use"),
            &[("application_no", "JZZ-2026-000123")],
        )
        .await;
    assert_eq!(used.status(), StatusCode::SEE_OTHER);
    let page = d
        .app
        .get_with(&d.futian, &format!("/station/attestations/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("JZZ-2026-000123"));

    let empty = d
        .app
        .post_with(
            &d.futian,
            &format!("/station/attestations/{id}/suspect"),
            &[("reason", "")],
        )
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let flagged = d
        .app
        .post_with(
            &d.futian,
            &format!("/station/attestations/{id}/suspect"),
            &[("reason", "公章与备案不符")],
        )
        .await;
    assert_eq!(flagged.status(), StatusCode::SEE_OTHER);

    // Suspect everywhere: the verify API, the issuer's list and API, and an email to the issuer.
    let verdict = d.app.verify_token(&token).await;
    assert_eq!(verdict["status"], "suspect");
    assert_eq!(verdict["reason"], "公章与备案不符");
    let list = d
        .app
        .get_with(&d.hr, "/party/attestations")
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("存疑"));
    let key = {
        let r = d
            .app
            .post_with(&d.hr, "/party/api-keys", &[("name", "hr")])
            .await
            .text()
            .await
            .unwrap();
        text(&r, "code.secret").unwrap()
    };
    let got: serde_json::Value = browser()
        .get(d.app.url(&format!("/api/v1/attestations/{id}")))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["status"], "suspect");
    let outbox = attest::db::models::outbox::list_by_status(
        &mut d.app.conn(),
        &["pending", "sending", "sent"],
        100,
    )
    .unwrap();
    assert!(outbox
        .iter()
        .any(|m| m.event == "attestation_suspect" && m.recipients == "hr@example.cn"));

    // The other station cannot act on it.
    for path in ["id-check", "use", "suspect"] {
        let r = d
            .app
            .post_with(
                &d.nanshan,
                &format!("/station/attestations/{id}/{path}"),
                &[
                    ("id_number", "440304199002151545"),
                    ("application_no", "x"),
                    ("reason", "x"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        d.app
            .get_with(&d.nanshan, &format!("/station/attestations/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_directory_suspends_and_reinstates_and_a_suspended_party_cannot_issue() {
    backend!();
    let d = desk().await;
    d.app
        .issue_with(&d.hr, "employment", &employment_form())
        .await;
    let directory = d
        .app
        .get_with(&d.futian, "/station/parties")
        .await
        .text()
        .await
        .unwrap();
    assert!(directory.contains("91110000600037341L"));
    let party_page = attr(&directory, "a[href^='/station/parties/']", "href").unwrap();
    assert!(!d
        .app
        .get_with(&d.nanshan, "/station/parties")
        .await
        .text()
        .await
        .unwrap()
        .contains("91110000600037341L"));

    let r = d
        .app
        .post_with(
            &d.futian,
            &format!("{party_page}/suspend"),
            &[("reason", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = d
        .app
        .post_with(
            &d.futian,
            &format!("{party_page}/suspend"),
            &[("reason", "多次出具不实证明")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        d.app
            .get_with(&d.hr, "/party/attestations/new/employment")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let home = d.app.get_with(&d.hr, "/party").await.text().await.unwrap();
    assert!(home.contains("已暂停") && home.contains("多次出具不实证明"));
    assert_eq!(
        d.app
            .post_with(
                &d.nanshan,
                &format!("{party_page}/reinstate"),
                &[("reason", "x")]
            )
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let r = d
        .app
        .post_with(
            &d.futian,
            &format!("{party_page}/reinstate"),
            &[("reason", "已整改")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        d.app
            .get_with(&d.hr, "/party/attestations/new/employment")
            .await
            .status(),
        StatusCode::OK
    );
    let actions = audit_actions(&d.app);
    assert!(
        actions.iter().any(|(a, _)| a == "party_suspended")
            && actions.iter().any(|(a, _)| a == "party_reinstated")
    );
}

#[tokio::test]
async fn the_verification_log_shows_who_checked_what_for_its_station() {
    backend!();
    let d = desk().await;
    let id = d
        .app
        .issue_with(&d.hr, "employment", &employment_form())
        .await;
    d.app
        .post_with(&d.futian, "/verify", &[("input", &d.app.token_of(&id))])
        .await;
    d.app
        .post_with(&d.nanshan, "/verify", &[("input", "ZZZZ-ZZZZ-ZZZZ")])
        .await;

    let log = d
        .app
        .get_with(&d.futian, "/station/verifications")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        log.contains("futian@example.cn")
            && log.contains("王五")
            && log.contains("440304********1545")
    );
    assert!(!log.contains("nanshan@example.cn"));
    let other = d
        .app
        .get_with(&d.nanshan, "/station/verifications")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        other.contains("nanshan@example.cn") && other.contains("未找到") && !other.contains("王五")
    );
}

#[tokio::test]
async fn a_station_chooses_its_notification_mode() {
    backend!();
    let d = desk().await;
    let page = d
        .app
        .get_with(&d.futian, "/station/settings")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("station@example.cn"));

    let bad = d
        .app
        .post_with(&d.futian, "/station/settings", &[("notify_mode", "pigeon")])
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let ok = d
        .app
        .post_with(
            &d.futian,
            "/station/settings",
            &[("notify_mode", "digest"), ("digest_hour", "18")],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let station = attest::db::models::stations::find_by_code(&mut d.app.conn(), "440304-001")
        .unwrap()
        .unwrap();
    assert_eq!(
        (station.notify_mode.as_str(), station.digest_hour),
        ("digest", 18)
    );
    let other = attest::db::models::stations::find_by_code(&mut d.app.conn(), "440305-002")
        .unwrap()
        .unwrap();
    assert_eq!(other.notify_mode, "immediate");
}

#[tokio::test]
async fn the_migration_gives_existing_verifications_their_station() {
    backend!();
    use attest::db::{DbConnection, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
    use diesel_migrations::MigrationHarness;
    let d = desk().await;
    let id = d
        .app
        .issue_with(&d.hr, "employment", &employment_form())
        .await;
    d.app.verify_token(&d.app.token_of(&id)).await;

    // Back to the schema before verifications carried their station, and forward again:
    // the verification made meanwhile must count for the station.
    {
        let mut conn = d.app.conn();
        match &mut *conn {
            DbConnection::Sqlite(c) => {
                c.revert_last_migration(SQLITE_MIGRATIONS).unwrap();
                c.run_pending_migrations(SQLITE_MIGRATIONS).unwrap();
            }
            DbConnection::Postgres(c) => {
                c.revert_last_migration(POSTGRES_MIGRATIONS).unwrap();
                c.run_pending_migrations(POSTGRES_MIGRATIONS).unwrap();
            }
        }
    }
    let html = d
        .app
        .get_with(&d.futian, "/station")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text(&html, "#today-verified").as_deref(), Some("1"));
}
