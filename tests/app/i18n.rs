//! Chinese first, English by choice.

use crate::gates::backend;
use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn chinese_is_the_default() {
    backend!();
    let app = spawn_app().await;

    let html = app.get("/").await.text().await.unwrap();

    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("居住证申领协助证明平台"));
    assert_eq!(text(&html, ".lang-switch").as_deref(), Some("English"));
}

#[tokio::test]
async fn accept_language_picks_english_on_the_first_visit() {
    backend!();
    let app = spawn_app().await;

    let html = app
        .get_with(&english_browser(), "/login")
        .await
        .text()
        .await
        .unwrap();

    assert!(html.contains("<html lang=\"en\">"));
    assert_eq!(text(&html, "h1").as_deref(), Some("Log in"));
}

#[tokio::test]
async fn the_switch_remembers_the_choice_and_returns_to_the_page() {
    backend!();
    let app = spawn_app().await;
    let html = app.get("/login").await.text().await.unwrap();
    let href = attr(&html, ".lang-switch", "href").unwrap();

    let response = app.get(&href).await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert_eq!(location(&response), "/login");
    let html = app.get("/login").await.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert_eq!(text(&html, "h1").as_deref(), Some("Log in"));

    // And back to Chinese, even for a browser that prefers English.
    let href = attr(&html, ".lang-switch", "href").unwrap();
    app.get(&href).await;
    let html = app.get("/login").await.text().await.unwrap();
    assert_eq!(text(&html, "h1").as_deref(), Some("登录"));
}

#[tokio::test]
async fn the_switch_never_redirects_to_another_site() {
    backend!();
    let app = spawn_app().await;
    let base = url::Url::parse(&app.address).unwrap();

    // The probe's payloads as it sent them (not encoded), then a generated corpus of dot
    // segments, encodings and slashes in front of another host, sent encoded.
    for raw in [
        "/..//evil.example/phish",
        "/.//evil.example/phish",
        "/%2e%2e//evil.example/phish",
    ] {
        let response = app.get(&format!("/lang?to=en&next={raw}")).await;
        assert_eq!(location(&response), "/", "{raw}");
    }
    let mut corpus = vec![
        "//evil.example/".to_owned(),
        "https://evil.example/".to_owned(),
        "/\\evil.example".to_owned(),
    ];
    let leads = [
        "/",
        "/./",
        "/../",
        "/%2e/",
        "/%2e%2e/",
        "/.%2e/",
        "/a/../",
        "/%252e%252e/",
        "/%2E./",
    ];
    let seps = [
        "/", "//", "\\", "%2f", "%2F%2F", "%5c", "/%2f", "\t/", "%09/",
    ];
    for lead in leads {
        for sep in seps {
            corpus.push(format!("{lead}{sep}evil.example/phish"));
        }
    }
    for next in &corpus {
        let encoded: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
        let response = app.get(&format!("/lang?to=en&next={encoded}")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next}");
        let target = base.join(&location(&response)).unwrap();
        assert_eq!(
            target.host_str(),
            Some("127.0.0.1"),
            "{next} went to {target}"
        );
        assert!(!location(&response).starts_with("//"), "{next}");
    }
    assert_eq!(
        app.get("/lang?to=klingon&next=/").await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn error_pages_come_in_both_languages() {
    backend!();
    let app = spawn_app().await;

    let zh = app.get("/missing").await.text().await.unwrap();
    let en = app
        .get_with(&english_browser(), "/missing")
        .await
        .text()
        .await
        .unwrap();

    assert!(zh.contains("页面不存在"));
    assert!(en.contains("Page not found"));
}

#[tokio::test]
async fn verify_reasons_speak_the_page_language() {
    backend!();
    let app = spawn_app().await;
    for (client, expected) in [
        (browser(), "这不是一个签名的令牌"),
        (english_browser(), "This is not a signed token"),
    ] {
        let html = app
            .post_with(&client, "/verify", &[("input", "not.a.token")])
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains(expected), "{expected}: {html}");
    }
    // The API answers in the language asked for (Chinese by default).
    let (_, body) = app
        .api(
            "/api/v1/verify",
            None,
            serde_json::json!({"token": "not.a.token"}),
        )
        .await;
    assert_eq!(body["status"], "invalid");
    assert_eq!(body["reason"], "这不是一个签名的令牌。");
}
