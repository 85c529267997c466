//! Renewing many proofs at once from the list: ticked, made a batch, stated, issued with
//! the CSV batch's progress page; each old proof superseded by its renewal.

use crate::gates::backend;
use crate::helpers::*;
use attest::db::schema::outbox;
use chrono::Duration;
use diesel::prelude::*;
use reqwest::StatusCode;

/// `pick:<id>` for each of `ids`, as the list's checkboxes send them.
fn picks(ids: &[&String]) -> Vec<(String, String)> {
    ids.iter()
        .map(|id| (format!("pick:{id}"), "on".to_owned()))
        .collect()
}

async fn post_picks(
    app: &TestApp,
    client: &reqwest::Client,
    ids: &[&String],
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let picked = picks(ids);
    let mut form: Vec<(&str, &str)> = picked
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form.extend_from_slice(extra);
    app.post_with(client, "/party/attestations/renew", &form)
        .await
}

#[tokio::test]
async fn a_landlord_renews_the_expiring_proofs_ticked_in_the_list_in_one_batch() {
    backend!();
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    let landlord = approved_landlord(&app, "landlord@example.cn").await;
    let mut ids = Vec::new();
    for name in ["租户甲", "租户乙", "租户丙"] {
        let form = with(residence_form(), "subject_name", name);
        ids.push(app.issue_with(&landlord, "residence", &form).await);
    }
    app.end_proof(&landlord, &ids[2], "moved_out").await;
    let old_tokens: Vec<String> = ids.iter().map(|id| app.token_of(id)).collect();

    // Ten days before their end, the expiring ones are ticked in the list.
    app.clock.advance(Duration::days(80));
    let landlord = browser();
    app.login_with(&landlord, "landlord@example.cn").await;
    let list = app
        .get_with(&landlord, "/party/attestations?status=expiring")
        .await
        .text()
        .await
        .unwrap();
    for id in &ids[..2] {
        assert!(list.contains(&format!(r#"name="pick:{id}""#)), "{id} can be ticked");
    }
    assert!(list.contains(r#"formaction="/party/attestations/renew""#));

    // A date that is not one: the list again, the ticks and the date kept.
    let bad = post_picks(&app, &landlord, &[&ids[0]], &[("renew_until", "2027-13-01")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = bad.text().await.unwrap();
    assert!(text(&page, "#renew_until-error").is_some());
    assert_eq!(
        attr(&page, "#renew_until", "value").as_deref(),
        Some("2027-13-01")
    );
    assert!(attr(&page, &format!("#pick-{}", ids[0]), "checked").is_some());
    // Nothing ticked (the ended one does not count): said beside the list.
    let none = post_picks(&app, &landlord, &[&ids[2]], &[]).await;
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&none.text().await.unwrap(), "#ids-error").is_some());

    // The two in force become a draft batch: its page asks for the statement.
    let made = post_picks(&app, &landlord, &[&ids[0], &ids[1], &ids[2]], &[]).await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let batch = location(&made);
    assert!(batch.starts_with("/party/attestations/bulk/"), "{batch}");
    let draft = app.get_with(&landlord, &batch).await.text().await.unwrap();
    assert_eq!(text(&draft, "#valid-count").as_deref(), Some("2"));
    assert_eq!(text(&draft, "#error-count").as_deref(), Some("0"));
    assert!(!draft.contains("440304199002151545"), "never the full number");
    let row = app.get_with(&landlord, &format!("{batch}/rows/1")).await;
    assert_eq!(row.status(), StatusCode::NOT_FOUND, "renewal rows are not retyped");
    let refused = app.post_with(&landlord, &format!("{batch}/issue"), &[]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let stated = app
        .post_with(&landlord, &format!("{batch}/issue"), &[("responsibility", "on")])
        .await;
    assert_eq!(stated.status(), StatusCode::SEE_OTHER);
    wait_done(&app, &landlord, &batch).await;

    // Each old proof is superseded by a renewal of the same person, valid from today.
    let today = app.clock.today();
    for (id, token) in ids[..2].iter().zip(&old_tokens) {
        assert_eq!(app.verify_token(token).await["status"], "superseded");
        let renewal = attest::db::models::attestations::renewal_of(
            &mut app.conn(),
            &attest::domain::AttestationId::from(id.as_str()),
        )
        .unwrap()
        .expect("a renewal");
        assert_eq!(renewal.valid_from, today);
        assert_eq!(renewal.valid_until, today + Duration::days(90), "the form's default");
        assert_eq!(renewal.subject_id_masked, "440304********1545");
        let verdict = app.verify_token(&renewal.token).await;
        assert_eq!(verdict["status"], "valid", "{verdict}");
    }
    assert_eq!(app.verify_token(&old_tokens[2]).await["status"], "revoked");
    // The station is told once, for the lot.
    let emails: i64 = outbox::table
        .filter(outbox::event.eq("batch_renewed"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(emails, 1);
    // Renewing them again: none is left in force.
    let again = post_picks(&app, &landlord, &[&ids[0], &ids[1]], &[]).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn proofs_of_two_kinds_or_of_another_party_are_not_renewed_together() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let job = app.issue_with(&hr, "employment", &employment_form()).await;
    let dormitory = with(residence_form(), "housing_basis", "dormitory");
    let bed = app.issue_with(&hr, "residence", &dormitory).await;
    let mixed = post_picks(&app, &hr, &[&job, &bed], &[]).await;
    assert_eq!(mixed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = mixed.text().await.unwrap();
    assert!(text(&page, "#ids-error").is_some_and(|t| t.contains("同一类型")));

    let (_, other) = approved_employer(&app, "b@example.cn", "91440300MA5F00001A").await;
    let theirs = post_picks(&app, &other, &[&job], &[]).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
}
