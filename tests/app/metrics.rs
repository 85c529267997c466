//! `/metrics`: Prometheus text for the holder of the metrics token only.

use crate::gates::backend;
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

const TOKEN: &str = "prometheus-scrape-token-0123456789";

async fn scrape(app: &TestApp, token: Option<&str>) -> (StatusCode, String, String) {
    let mut request = browser().get(app.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

/// The value of the sample line that starts with `series` (name and labels).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

#[tokio::test]
async fn without_a_token_configured_there_are_no_metrics() {
    backend!();
    let app = spawn_app().await;
    let (status, _, _) = scrape(&app, Some(TOKEN)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn metrics_count_requests_issuances_verifications_and_revocations() {
    backend!();
    let app = spawn_app_configured(fresh_store(), |c| c.metrics_token = Some(TOKEN.into())).await;
    assert_eq!(scrape(&app, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        scrape(&app, Some("prometheus-scrape-token-wrong")).await.0,
        StatusCode::UNAUTHORIZED
    );

    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let key = app.key_from_settings(&hr).await;
    let (status, created) = app
        .api("/api/v1/attestations", Some(&key), employment_json())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    app.verify_token(created["token"].as_str().unwrap()).await;
    app.verify_token(created["token"].as_str().unwrap()).await;
    let (status, _) = app
        .api(
            &format!("/api/v1/attestations/{id}/revoke"),
            Some(&key),
            json!({ "reason": "left the company" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, content_type, text) = scrape(&app, Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let get = |series: &str| sample(&text, series).unwrap_or_else(|| panic!("{series}\n{text}"));
    assert_eq!(
        get(r#"attest_attestations_issued_total{kind="employment"}"#),
        1.0
    );
    assert_eq!(
        get(r#"attest_attestations_revoked_total{kind="employment"}"#),
        1.0
    );
    assert_eq!(
        get(r#"attest_verifications_total{kind="employment",result="valid"}"#),
        2.0
    );
    assert_eq!(
        get(r#"attest_http_requests_total{route="/api/v1/verify",method="POST",status="200"}"#),
        2.0
    );
    assert_eq!(
        get(r#"attest_http_request_duration_seconds_count{route="/api/v1/verify"}"#),
        2.0
    );
    // Routes are counted by pattern: no attestation id in a label.
    assert_eq!(
        get(
            r#"attest_http_requests_total{route="/api/v1/attestations/{id}/revoke",method="POST",status="200"}"#
        ),
        1.0
    );
    assert!(!text.contains(id));
    // The group commit wrote the issuance and the two verification records (revoking is a
    // write of its own), in as many transactions as it took.
    assert_eq!(get("attest_commit_batch_size_sum"), 3.0);
    let commits = get("attest_commit_batch_size_count");
    assert!((1.0..=3.0).contains(&commits), "{commits}");
    // The outbox and pool figures are read at each scrape.
    assert!(get(r#"attest_outbox_emails{state="pending"}"#) >= 0.0);
    assert_eq!(get(r#"attest_outbox_emails{state="failed"}"#), 0.0);
    assert_eq!(get(r#"attest_db_pool_connections{state="max"}"#), 8.0);
    assert!(text.trim_end().ends_with("# EOF"));
}
