//! Chinese first, English by choice.

use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn chinese_is_the_default() {
    let app = spawn_app().await;

    let html = app.get("/").await.text().await.unwrap();

    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("居住证申领协助证明平台"));
    assert_eq!(text(&html, ".lang-switch").as_deref(), Some("English"));
}

#[tokio::test]
async fn accept_language_picks_english_on_the_first_visit() {
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
    let app = spawn_app().await;

    for next in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let encoded: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
        let response = app.get(&format!("/lang?to=en&next={encoded}")).await;
        assert_eq!(location(&response), "/", "{next}");
    }
    assert_eq!(
        app.get("/lang?to=klingon&next=/").await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn error_pages_come_in_both_languages() {
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
