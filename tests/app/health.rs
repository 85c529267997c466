use crate::gates::backend;
use crate::helpers::{browser, spawn_app};
use reqwest::StatusCode;

#[tokio::test]
async fn healthz_reports_the_database_as_json() {
    backend!();
    let app = spawn_app().await;

    let response = app.get("/healthz").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    backend!();
    let app = spawn_app().await;

    for path in ["/", "/login", "/register", "/healthz", "/no-such-page"] {
        let response = app.get(path).await;
        let h = response.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
    }
}

#[tokio::test]
async fn the_stylesheet_is_served_and_cacheable() {
    backend!();
    let app = spawn_app().await;

    let response = app.get("/static/app.css").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert!(response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    assert!(response.text().await.unwrap().contains(".site-header"));
}

#[tokio::test]
async fn unknown_pages_get_a_404_page_with_the_layout() {
    backend!();
    let app = spawn_app().await;

    let response = app.get("/definitely/not/here").await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = response.text().await.unwrap();
    assert!(html.contains("页面不存在"));
    assert!(html.contains("<html lang=\"zh-CN\">"));
}

#[tokio::test]
async fn each_half_of_the_suite_runs_on_its_own_backend() {
    backend!();
    let app = spawn_app().await;

    let on_pg = matches!(
        app.data_dir.database(),
        attest::config::Database::Postgres(_)
    );

    assert_eq!(on_pg, crate::helpers::on_postgres());
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    // The database really is the one named: the app's rows are visible through it.
    app.add_station("440304-001", "福田派出所");
    let pool = attest::db::connect(&app.data_dir.database()).unwrap();
    let found =
        attest::db::models::stations::find_by_code(&mut pool.get().unwrap(), "440304-001").unwrap();
    assert!(found.is_some());
    if on_pg {
        assert!(
            !app.data_dir.path().join("attest.db").exists(),
            "no SQLite file on PostgreSQL"
        );
    }
}

#[tokio::test]
async fn head_requests_are_answered_like_get_without_a_body() {
    backend!();
    let app = spawn_app().await;

    for path in [
        "/",
        "/healthz",
        "/login",
        "/verify",
        "/.well-known/jwks.json",
    ] {
        let response = browser().head(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "HEAD {path}");
        assert!(response.text().await.unwrap().is_empty());
    }
    let missing = browser()
        .head(app.url("/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn hsts_and_secure_cookies_when_the_public_url_is_https() {
    backend!();
    let app = crate::helpers::spawn_app_configured(crate::helpers::fresh_store(), |config| {
        config.public_url = "https://attest.example.cn/".parse().unwrap();
    })
    .await;
    let plain = spawn_app().await;

    let https = app.get("/login").await;
    let http = plain.get("/login").await;

    assert!(https.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
    assert!(!http.headers().contains_key("strict-transport-security"));
    let cookie = https.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.starts_with("__Host-attest_csrf="), "{cookie}");
    assert!(
        cookie.contains("Path=/") && !cookie.contains("Domain"),
        "{cookie}"
    );
    assert!(!http.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Secure"));
}

#[tokio::test]
async fn a_server_error_shows_a_generic_page_with_a_request_id_and_no_internals() {
    backend!();
    use diesel::connection::SimpleConnection;
    let app = spawn_app().await;
    // Break the database under the running portal.
    app.conn()
        .batch_execute("DROP TABLE verifications")
        .unwrap();

    let page = app.post("/verify", &[("input", "ZZZZ-ZZZZ-ZZZZ")]).await;
    let api = crate::helpers::browser()
        .post(app.url("/api/v1/verify"))
        .json(&serde_json::json!({"code": "ZZZZ-ZZZZ-ZZZZ"}))
        .send()
        .await
        .unwrap();

    assert_eq!(page.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let html = page.text().await.unwrap();
    assert!(html.contains("系统错误") && html.contains("请求编号"));
    assert_eq!(api.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"], "internal");
    assert_eq!(body["request_id"].as_str().unwrap().len(), 36);
    for text in [html, body.to_string()] {
        for internal in [
            "verifications",
            "no such table",
            "does not exist",
            "diesel",
            "SQL",
            "panicked",
        ] {
            assert!(!text.contains(internal), "{internal} shown to the user");
        }
    }
}
