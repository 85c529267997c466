//! Renewing a proof in one click: the same person (from the stored proof, never typed or
//! shown in full again), the same facts, validity from today; the old one superseded.

use crate::gates::backend;
use crate::helpers::*;
use attest::domain::Role;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The claims of `token`, checked with an independent JOSE library against the JWKS (its
/// clock is the machine's: the test's clock runs 80 days ahead, hence the tolerance).
async fn claims_of(app: &TestApp, token: &str) -> Value {
    use jwt_simple::prelude::*;
    let jwks: Value = app.get("/.well-known/jwks.json").await.json().await.unwrap();
    let x = URL_SAFE_NO_PAD
        .decode(jwks["keys"][0]["x"].as_str().unwrap())
        .unwrap();
    let key = Ed25519PublicKey::from_bytes(&x).unwrap();
    let claims = key
        .verify_token::<Value>(
            token,
            Some(VerificationOptions {
                time_tolerance: Some(jwt_simple::prelude::Duration::from_days(100)),
                ..Default::default()
            }),
        )
        .expect("the token verifies with jwt-simple");
    claims.custom
}

#[tokio::test]
async fn a_landlord_renews_an_expiring_proof_in_one_click_and_the_old_one_is_superseded() {
    backend!();
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(Role::Station, "futian@example.cn", Some("440304-001"));
    approved_landlord(&app, "landlord@example.cn").await;
    let landlord = browser();
    app.login_with(&landlord, "landlord@example.cn").await;
    let old = app.issue_with(&landlord, "residence", &residence_form()).await;
    let old_token = app.token_of(&old);

    // Ten days before its end it is expiring, and its page offers 续开.
    app.clock.advance(Duration::days(80));
    let landlord = browser();
    app.login_with(&landlord, "landlord@example.cn").await;
    let detail = app
        .get_with(&landlord, &format!("/party/attestations/{old}"))
        .await
        .text()
        .await
        .unwrap();
    let renew = attr(&detail, "#renew", "href").expect("a renew link");
    let form = app.get_with(&landlord, &renew).await.text().await.unwrap();
    assert_eq!(text(&form, "#renew-subject").as_deref(), Some("王五"));
    assert!(form.contains("440304********1545"), "the number, masked");
    assert!(!form.contains("440304199002151545"), "never in full");
    assert!(attr(&form, "#subject_id_number", "value").is_none());
    assert_eq!(
        attr(&form, "#address", "value").as_deref(),
        Some("深圳市福田区福华路 1 号 2 栋 301 室")
    );

    // Without the statement: the form again, the facts kept.
    let moved = "深圳市福田区福华路 1 号 2 栋 302 室";
    let facts = [
        ("address", moved),
        ("housing_basis", "lease"),
        ("residing_since", "2025-06-01"),
    ];
    let refused = app.post_with(&landlord, &renew, &facts).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(text(&page, "#responsibility-error").is_some());
    assert_eq!(attr(&page, "#address", "value").as_deref(), Some(moved));

    let stated = [facts.as_slice(), &[("responsibility", "on")]].concat();
    let issued = app.post_with(&landlord, &renew, &stated).await;
    assert_eq!(issued.status(), StatusCode::SEE_OTHER);
    let new = location(&issued).rsplit('/').next().unwrap().to_owned();
    assert_ne!(new, old);

    // The new token: same person, new facts, valid from today; the old one: superseded.
    let claims = claims_of(&app, &app.token_of(&new)).await;
    assert_eq!(claims["subject"]["name"], "王五");
    assert_eq!(claims["subject"]["id_number"], "440304********1545");
    assert_eq!(claims["facts"]["address"], moved);
    assert_eq!(claims["valid_from"], app.clock.today().to_string());
    assert_eq!(app.verify_token(&app.token_of(&new)).await["status"], "valid");
    let verdict = app.verify_token(&old_token).await;
    assert_eq!(verdict["status"], "superseded", "{verdict}");
    let scanned = app
        .post_with(&browser(), "/verify", &[("input", &old_token)])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text(&scanned, ".verdict-status").as_deref(), Some("已被取代"));
    assert!(!scanned.contains(&new), "the new proof is shown to its issuer only");

    // Its issuer sees which proof replaced it; renewing it again is refused.
    let old_page = app
        .get_with(&landlord, &format!("/party/attestations/{old}"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        attr(&old_page, "#replaced-by", "href"),
        Some(format!("/party/attestations/{new}"))
    );
    assert_eq!(text(&old_page, ".status-line .badge").as_deref(), Some("已被取代"));
    let again = app.get_with(&landlord, &renew).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_api_renews_with_changed_facts_and_only_the_partys_own_proofs() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let key = app.key_from_settings(&hr).await;
    let old = app.issue_with(&hr, "employment", &employment_form()).await;
    let until = (app.clock.today() + Duration::days(200)).to_string();
    let (status, body) = app
        .api(
            &format!("/api/v1/attestations/{old}/renew"),
            Some(&key),
            json!({"valid_until": until, "facts": {"position": "高级软件工程师"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let new = body["id"].as_str().unwrap().to_owned();
    let (_, renewed) = app.api_attestation(&new, &key).await;
    assert_eq!(renewed["facts"]["position"], "高级软件工程师");
    assert_eq!(renewed["facts"]["department"], "研发部", "unchanged facts kept");
    assert_eq!(renewed["valid_until"], until.as_str());
    assert_eq!(renewed["subject"]["id_number"], "440304********1545");
    let (_, superseded) = app.api_attestation(&old, &key).await;
    assert_eq!(superseded["status"], "superseded");

    let (status, _) = app
        .api(&format!("/api/v1/attestations/{old}/renew"), Some(&key), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = app
        .api(
            &format!("/api/v1/attestations/{new}/renew"),
            Some(&key),
            json!({"facts": {"contract_type": "permanent"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["facts.contract_type"].is_string(), "{body}");

    let (_, other) = approved_employer(&app, "b@example.cn", "91440300MA5F00001A").await;
    let other_key = app.key_from_settings(&other).await;
    let (status, _) = app
        .api(&format!("/api/v1/attestations/{new}/renew"), Some(&other_key), json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
