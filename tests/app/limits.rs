//! Rate limits: each answers 429 with `Retry-After`, as a page or as JSON.

use crate::gates::backend;
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

async fn app_with(change: impl FnOnce(&mut attest::config::Limits)) -> TestApp {
    spawn_app_configured(fresh_store(), |config| change(&mut config.limits)).await
}

#[tokio::test]
async fn verification_is_limited_per_client_address() {
    backend!();
    let app = app_with(|l| l.verify_per_minute = 5).await;
    for _ in 0..5 {
        let (status, _) = app
            .api("/api/v1/verify", None, json!({"code": "ZZZZ-ZZZZ-ZZZZ"}))
            .await;
        assert_eq!(status, StatusCode::OK);
    }

    let response = browser()
        .post(app.url("/api/v1/verify"))
        .json(&json!({"code": "ZZZZ-ZZZZ-ZZZZ"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "too_many_requests");

    // The page for people shares the limit, and says so in the visitor's language.
    let page = app.post("/verify", &[("input", "ZZZZ-ZZZZ-ZZZZ")]).await;
    assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(page.headers().contains_key("retry-after"));
    assert!(page.text().await.unwrap().contains("请求过于频繁"));
}

#[tokio::test]
async fn the_issuing_api_is_limited_per_key() {
    backend!();
    let app = app_with(|l| l.issue_per_minute = 3).await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let key = |name: &'static str| {
        let app = &app;
        let hr = hr.clone();
        async move {
            let html = app
                .post_with(&hr, "/party/api-keys", &[("name", name)])
                .await
                .text()
                .await
                .unwrap();
            text(&html, "code.secret").unwrap()
        }
    };
    let (first, second) = (key("one").await, key("two").await);
    let body = json!({
        "kind": "employment",
        "subject": { "name": "王五", "id_number": "440304199002151545" },
        "responsibility_accepted": true,
        "facts": { "position": "工程师", "employed_since": "2023-03-01", "contract_type": "other" }
    });
    for _ in 0..3 {
        assert_eq!(
            app.api("/api/v1/attestations", Some(&first), body.clone())
                .await
                .0,
            StatusCode::CREATED
        );
    }

    let (status, answer) = app
        .api("/api/v1/attestations", Some(&first), body.clone())
        .await;

    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{answer}");
    assert_eq!(
        app.api("/api/v1/attestations", Some(&second), body).await.0,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn an_operator_sets_the_verify_limit_in_the_environment() {
    backend!();
    let store = fresh_store();
    let (mut child, port, _logs) = serve_binary(&store, &[("ATTEST_VERIFY_PER_MINUTE", "2")]);
    let url = format!("http://127.0.0.1:{port}/api/v1/verify");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let response = browser()
            .post(&url)
            .json(&json!({"code": "ZZZZ-ZZZZ-ZZZZ"}))
            .send()
            .await
            .unwrap();
        statuses.push(response.status());
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}
