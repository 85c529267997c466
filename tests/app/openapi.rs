//! `/api/v1/openapi.json`: an OpenAPI 3.1 document that matches the running API.

use crate::gates::backend;
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

async fn document(app: &TestApp) -> Value {
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// The property names of the schema `name`.
fn properties(doc: &Value, name: &str) -> BTreeSet<String> {
    doc["components"]["schemas"][name]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("schema {name}"))
        .keys()
        .cloned()
        .collect()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_names_exactly_the_api_routes() {
    backend!();
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    // It reads back as an OpenAPI document.
    serde_json::from_value::<utoipa::openapi::OpenApi>(doc.clone()).expect("OpenAPI");
    let operations: BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| format!("{method} {path}"))
        })
        .collect();
    let expected: BTreeSet<String> = [
        "post /api/v1/verify",
        "post /api/v1/attestations",
        "get /api/v1/attestations/{id}",
        "post /api/v1/attestations/{id}/revoke",
        "post /api/v1/attestations/{id}/renew",
        "get /api/v1/requests",
        "post /api/v1/requests/{id}/accept",
        "post /api/v1/requests/{id}/reject",
    ]
    .map(String::from)
    .into();
    assert_eq!(operations, expected);
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );

    // Each documented operation is served (none is a 404 or 405 without a key).
    for (method, path, status) in [
        ("post", "/api/v1/verify", StatusCode::BAD_REQUEST),
        ("post", "/api/v1/attestations", StatusCode::UNAUTHORIZED),
        ("get", "/api/v1/attestations/x", StatusCode::UNAUTHORIZED),
        (
            "post",
            "/api/v1/attestations/x/revoke",
            StatusCode::UNAUTHORIZED,
        ),
        (
            "post",
            "/api/v1/attestations/x/renew",
            StatusCode::UNAUTHORIZED,
        ),
    ] {
        let request = match method {
            "get" => browser().get(app.url(path)),
            _ => browser().post(app.url(path)).json(&json!({})),
        };
        assert_eq!(
            request.send().await.unwrap().status(),
            status,
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn real_answers_have_exactly_the_documented_properties() {
    backend!();
    let app = spawn_app().await;
    let doc = document(&app).await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let key = app.key_from_settings(&hr).await;
    let (status, issued) = app
        .api("/api/v1/attestations", Some(&key), employment_json())
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(keys(&issued), properties(&doc, "IssuedResponse"));

    let id = issued["id"].as_str().unwrap();
    let (_, read) = app.api_attestation(id, &key).await;
    assert_eq!(keys(&read), properties(&doc, "AttestationResponse"));

    let verdict = app.verify_token(issued["token"].as_str().unwrap()).await;
    assert_eq!(keys(&verdict), properties(&doc, "VerifyResponse"));

    let (status, error) = app
        .api(
            "/api/v1/attestations",
            Some(&key),
            json!({ "kind": "employment" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(keys(&error), properties(&doc, "ApiError"));
}
