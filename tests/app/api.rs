//! The JSON API: keys, issuing, reading, revoking, verifying.

use crate::gates::backend;
use crate::helpers::*;
use attest::domain::{PartyKind, PartyStatus};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn issue_read_verify_and_revoke_through_the_api() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let key = app.key_from_settings(&hr).await;
    assert!(
        !app.get_with(&hr, "/party/api-keys")
            .await
            .text()
            .await
            .unwrap()
            .contains(&key),
        "shown only once"
    );

    let (status, created) = app
        .api("/api/v1/attestations", Some(&key), employment_json())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let token = created["token"].as_str().unwrap();
    let verify_url = created["verify_url"].as_str().unwrap();
    assert!(verify_url.starts_with(&format!("{}/verify#z=", app.address)));
    assert!(verify_url.len() < token.len(), "compressed");
    assert_eq!(token_in(verify_url), token, "the exact token");
    assert_eq!(
        created["print_url"],
        format!("{}/party/attestations/{id}/print", app.address)
    );
    assert_eq!(created["code"].as_str().unwrap().len(), 14);

    // The browser sees it too, and can print it.
    assert_eq!(
        app.get_with(&hr, &format!("/party/attestations/{id}/print"))
            .await
            .status(),
        StatusCode::OK
    );

    let (_, got) = app.api_attestation(&id, &key).await;
    assert_eq!(got["status"], "active");
    assert_eq!(got["subject"]["id_number"], "440304********1545");
    assert_eq!(app.verify_token(token).await["status"], "valid");

    let (status, revoked) = app
        .api(
            &format!("/api/v1/attestations/{id}/revoke"),
            Some(&key),
            json!({"reason": "合同终止"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert_eq!(revoked["status"], "revoked");
    let verdict = app.verify_token(token).await;
    assert_eq!(verdict["status"], "revoked");
    assert_eq!(verdict["reason"], "合同终止");
    let (status, again) = app
        .api(
            &format!("/api/v1/attestations/{id}/revoke"),
            Some(&key),
            json!({"reason": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    assert_eq!(again["error"], "conflict");
}

#[tokio::test]
async fn api_errors_name_the_fields() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let key = app.key_from_settings(&hr).await;

    let mut bad = employment_json();
    bad["subject"]["id_number"] = json!("110105194912310021");
    bad["facts"]["contract_type"] = json!("forever");
    bad["responsibility_accepted"] = json!(false);
    let (status, body) = app.api("/api/v1/attestations", Some(&key), bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "validation");
    for field in [
        "subject.id_number",
        "facts.contract_type",
        "responsibility_accepted",
    ] {
        assert!(body["fields"][field].is_string(), "{field}: {body}");
    }
    let (status, body) = app
        .api(
            "/api/v1/attestations",
            Some(&key),
            json!({"kind": "marriage"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["kind"].is_string());

    let (status, body) = app
        .api(
            "/api/v1/attestations",
            Some(&key),
            json!({"kind": "attendance"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an employer cannot issue attendance: {body}"
    );

    let raw = browser()
        .post(app.url("/api/v1/attestations"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    let body: Value = raw.json().await.unwrap();
    assert_eq!(body["error"], "bad_request");

    let (status, body) = app.api("/api/v1/verify", None, json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = app
        .api("/api/v1/verify", None, json!({"code": "ZZZZ-ZZZZ-ZZZZ"}))
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("unknown"))
    );
}

#[tokio::test]
async fn keys_are_required_scoped_and_revocable() {
    backend!();
    let app = spawn_app().await;
    let (_, a) = approved_employer(&app, "a@example.cn", "91110000600037341L").await;
    let (_, b) = approved_employer(&app, "b@example.cn", "91440300MA5F00001A").await;
    let key_a = app.key_from_settings(&a).await;
    let key_b = app.key_from_settings(&b).await;

    let (status, body) = app
        .api("/api/v1/attestations", None, employment_json())
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "unauthorized");
    let (status, _) = app
        .api("/api/v1/attestations", Some("att_0000"), employment_json())
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (_, created) = app
        .api("/api/v1/attestations", Some(&key_a), employment_json())
        .await;
    let id = created["id"].as_str().unwrap();
    let (other, _) = app.api_attestation(id, &key_b).await;
    assert_eq!(other, StatusCode::NOT_FOUND);
    let (status, _) = app
        .api(
            &format!("/api/v1/attestations/{id}/revoke"),
            Some(&key_b),
            json!({"reason": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Revoked on the settings page: refused from then on.
    let page = app
        .get_with(&a, "/party/api-keys")
        .await
        .text()
        .await
        .unwrap();
    let action = attr(&page, "form.inline", "action").unwrap();
    assert_eq!(
        app.post_with(&a, &action, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let (status, _) = app
        .api("/api/v1/attestations", Some(&key_a), employment_json())
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_party_that_is_not_approved_gets_no_key_and_cannot_issue() {
    backend!();
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    let pending = app.add_party(
        PartyKind::Employer,
        "91110000600037341L",
        "440304-001",
        "hr@example.cn",
        PartyStatus::Pending,
    );
    let apikey = |email: &str| {
        app.cli()
            .args(["apikey", "create", "--email", email])
            .output()
            .unwrap()
    };

    // Pending: no key from the CLI, nor from the party's page (the message beside the name).
    let out = apikey("hr@example.cn");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not approved"));
    let hr = browser();
    app.login_with(&hr, "hr@example.cn").await;
    let response = app
        .post_with(&hr, "/party/api-keys", &[("name", "HR system")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let html = response.text().await.unwrap();
    assert!(html.contains("尚未通过派出所审核"), "{html}");
    assert!(
        html.contains("value=\"HR system\""),
        "the name typed is kept"
    );

    // Approved, it gets a key; suspended, the key issues nothing and the answer says why.
    let approve = |from, to| {
        attest::db::models::parties::change_status(
            &mut app.conn(),
            &attest::domain::PartyId::from(pending.as_str()),
            from,
            to,
            None,
            &attest::domain::UserId::from(""),
        )
        .unwrap()
    };
    assert!(approve(PartyStatus::Pending, PartyStatus::Approved));
    let out = apikey("hr@example.cn");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(approve(PartyStatus::Approved, PartyStatus::Suspended));

    let (status, body) = app
        .api("/api/v1/attestations", Some(&key), employment_json())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "forbidden");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("尚未通过派出所审核"),
        "{body}"
    );
}

#[tokio::test]
async fn offline_verification_with_the_cli() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let id = app.issue_with(&hr, "employment", &employment_form()).await;
    let token = app.token_of(&id);
    let jwks = app
        .get("/.well-known/jwks.json")
        .await
        .text()
        .await
        .unwrap();
    let file = app.data_dir.path().join("jwks.json");
    std::fs::write(&file, jwks).unwrap();
    let run = |args: &[&str]| app.cli().args(args).output().unwrap();

    let good = run(&["verify", &token, "--jwks", file.to_str().unwrap()]);
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let out = String::from_utf8_lossy(&good.stdout);
    assert!(
        out.contains("\"jti\"")
            && out.contains(&id)
            && out.contains("valid: valid signature and dates")
            && out.contains("not ended (status list")
    );
    assert!(!out.contains("440304199002151545"));

    let jwks_url = app.url("/.well-known/jwks.json");
    let by_url = run(&[
        "verify",
        &format!("{}/verify#{token}", app.address),
        "--jwks",
        &jwks_url,
        "--issuer",
        &app.address,
    ]);
    assert!(
        by_url.status.success(),
        "{}",
        String::from_utf8_lossy(&by_url.stderr)
    );

    // One character of the payload changed: the signature no longer matches.
    let dot = token.find('.').unwrap();
    let flipped = if &token[dot + 5..dot + 6] == "A" {
        "B"
    } else {
        "A"
    };
    let tampered = format!("{}{flipped}{}", &token[..dot + 5], &token[dot + 6..]);
    let bad = run(&["verify", &tampered, "--jwks", file.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid"));
    let wrong_issuer = run(&[
        "verify",
        &token,
        "--jwks",
        file.to_str().unwrap(),
        "--issuer",
        "https://other.example",
    ]);
    assert_eq!(wrong_issuer.status.code(), Some(1));
}

#[tokio::test]
async fn concurrent_verifications_are_each_recorded_once_with_their_station() {
    backend!();
    use attest::db::schema::{attestations, verifications};
    use diesel::prelude::*;
    let app = spawn_app_configured(fresh_store(), |c| c.limits.verify_per_minute = 10_000).await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let key = app.key_from_settings(&hr).await;
    let (_, created) = app
        .api("/api/v1/attestations", Some(&key), employment_json())
        .await;
    let token = created["token"].as_str().unwrap().to_owned();

    // 48 at once: on SQLite they queue for the one writer.
    let answers = futures_util::future::join_all((0..48).map(|n| {
        let body = if n % 2 == 0 {
            json!({ "token": token })
        } else {
            json!({ "code": created["code"] })
        };
        app.api("/api/v1/verify", None, body)
    }))
    .await;
    for (status, body) in &answers {
        assert_eq!(*status, StatusCode::OK);
        assert_eq!(body["status"], "valid", "{body}");
    }
    let mut conn = app.conn();
    let station: String = attestations::table
        .select(attestations::station_id)
        .first(&mut *conn)
        .unwrap();
    let recorded: Vec<(String, Option<String>)> = verifications::table
        .select((verifications::id, verifications::station_id))
        .load(&mut *conn)
        .unwrap();
    assert_eq!(recorded.len(), 48);
    assert!(recorded.iter().all(|(_, s)| s.as_deref() == Some(&station)));
    let mut ids: Vec<&String> = recorded.iter().map(|(id, _)| id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 48);
}
