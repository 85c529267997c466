//! `attest dev seed`: the data it writes is what the portal itself would have written.

use crate::gates::backend;
use crate::helpers::*;
use attest::db::schema::{attestations, outbox, parties, stations, verifications};
use diesel::prelude::*;
use reqwest::StatusCode;

/// A token of the given status whose dates make it valid today.
fn token_with_status(conn: &mut attest::db::DbConnection, status: &str) -> (String, String) {
    let today = chrono::Utc::now().date_naive();
    attestations::table
        .filter(attestations::status.eq(status))
        .filter(attestations::valid_from.le(today))
        .filter(attestations::valid_until.gt(today))
        .select((attestations::token, attestations::code))
        .first(conn)
        .expect("a seeded attestation of that status")
}

#[tokio::test]
async fn a_seeded_database_holds_what_was_asked_and_every_proof_checks_out() {
    backend!();
    let store = fresh_store();
    let out = seed_with_cli(&store, "1200");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1200 attestations"));
    let app = spawn_app_as(store, Some(SEED_PORTAL)).await;

    let mut conn = app.conn();
    let total: i64 = attestations::table.count().get_result(&mut *conn).unwrap();
    assert_eq!(total, 1200);
    let station_count: i64 = stations::table.count().get_result(&mut *conn).unwrap();
    assert_eq!(station_count, 2);
    let approved: i64 = parties::table
        .filter(parties::status.eq("approved"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(approved, 7);
    let revoked: i64 = attestations::table
        .filter(attestations::status.eq("revoked"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert!((10..=80).contains(&revoked), "{revoked} of 1200 revoked");
    let verified: i64 = verifications::table.count().get_result(&mut *conn).unwrap();
    assert!((450..=750).contains(&verified), "{verified} verifications");
    // Every proof is filed with its issuer's station, and the seed queued nothing for
    // mailing (the running portal's expiry reminders may have been queued since).
    let misfiled: i64 = attestations::table
        .inner_join(parties::table)
        .filter(attestations::station_id.ne(parties::station_id))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(misfiled, 0);
    let queued: i64 = outbox::table
        .filter(outbox::event.ne_all(["expiry_digest", "expiring_applicant"]))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(queued, 0);
    // No full ID number is stored: only the masked form.
    let masked: Vec<String> = attestations::table
        .select(attestations::subject_id_masked)
        .limit(50)
        .load(&mut *conn)
        .unwrap();
    assert!(masked.iter().all(|m| m.contains("********")), "{masked:?}");

    // The tokens are the portal's own: valid, revoked and suspect as recorded.
    let (active, _) = token_with_status(&mut conn, "active");
    let (revoked_token, _) = token_with_status(&mut conn, "revoked");
    drop(conn);
    let body = app.verify_token(&active).await;
    assert_eq!(body["status"], "valid", "{body}");
    assert!(body["claims"]["subject"]["id_number"]
        .as_str()
        .unwrap()
        .contains("********"));
    assert_eq!(app.verify_token(&revoked_token).await["status"], "revoked");

    // party1 (a tenth of the proofs) pages through its list; officer1 sees the dashboard.
    let party = browser();
    app.login_with(&party, "party1@seed.attest.localhost").await;
    let list = app.get_with(&party, "/party/attestations").await;
    assert_eq!(list.status(), StatusCode::OK);
    let html = list.text().await.unwrap();
    let rows = scraper::Html::parse_document(&html)
        .select(&scraper::Selector::parse("tbody tr").unwrap())
        .count();
    assert_eq!(rows, 25);
    assert!(html.contains("rel=\"next\""));
    let officer = browser();
    app.login_with(&officer, "officer1@seed.attest.localhost")
        .await;
    let dashboard = app.get_with(&officer, "/station").await;
    assert_eq!(dashboard.status(), StatusCode::OK);
}

#[tokio::test]
async fn seeding_a_database_twice_is_refused_and_adds_nothing() {
    backend!();
    let store = fresh_store();
    assert!(seed_with_cli(&store, "10").status.success());
    let again = seed_with_cli(&store, "10");
    assert_eq!(again.status.code(), Some(1));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("110108-001"), "{err}");
    let app = spawn_app_as(store, Some(SEED_PORTAL)).await;
    let total: i64 = attestations::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(total, 10);
}
