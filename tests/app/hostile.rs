//! Bad input: a corpus of hostile and malformed values through the forms and the API —
//! never a 5xx, always a clear answer.

use crate::gates::backend;
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

/// At least 500 hostile or malformed values.
pub(super) fn corpus() -> Vec<String> {
    let seeds: Vec<String> = [
        "",
        " ",
        "\t",
        "\n",
        "\r\n",
        "\0",
        "\u{1}",
        "\u{7f}",
        "\u{202e}abc",
        "\u{200b}",
        "\u{feff}",
        "<script>alert(1)</script>",
        "\"'><img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        "' OR '1'='1",
        "'; DROP TABLE parties; --",
        "\" OR \"\"=\"",
        "1; SELECT pg_sleep(5)",
        "%00",
        "%27",
        "../../../../etc/passwd",
        "..\\..\\windows",
        "${jndi:ldap://x}",
        "{{7*7}}",
        "\r\nSet-Cookie: x=1",
        "a\r\nBcc: victim@example.com",
        "😀",
        "👨‍👩‍👧‍👦",
        "𠜎𠜱𠝹",
        "Ω≈ç√∫",
        "１１０１０５１９４９１２３１００２Ｘ",
        "11010519491231002X\u{0}",
        "110105194912310021",
        "440304199002301545",
        "91350100M000100Y4Z",
        "91350100m000100y4z ",
        "2026-02-30",
        "2026-13-01",
        "0000-00-00",
        "9999-12-31",
        "-1",
        "1e309",
        "NaN",
        "null",
        "true",
        "[]",
        "{}",
        "\\",
        "\"",
        "'",
        "`",
        "%s%s%s%n",
        "\u{fffd}",
        "\u{10ffff}",
        "a@b",
        "@@",
        "x@x.x@x",
        "+86 000",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut values = seeds.clone();
    for seed in &seeds {
        values.push(seed.repeat(7));
        values.push(format!("正常{seed}"));
        values.push(format!("{seed}{}", "长".repeat(120)));
        values.push(format!(" {seed} "));
        values.push(seed.chars().rev().collect());
        values.push(seed.to_uppercase());
        values.push(format!("{seed}\u{202e}{seed}"));
        values.push(format!("{seed}{seed}"));
    }
    values.push("x".repeat(10_000));
    values.push("中".repeat(5_000));
    values
}

fn clear_page(status: StatusCode, html: &str) -> bool {
    status.is_redirection()
        || (status.is_client_error()
            && (html.contains("field-error")
                || html.contains("role=\"alert\"")
                || html.contains("status-code")))
        || (status == StatusCode::OK)
}

#[tokio::test]
async fn hostile_values_never_get_a_server_error() {
    backend!();
    let app = spawn_app_configured(fresh_store(), |c| {
        c.limits.sign_in_per_minute = 100_000;
        c.limits.verify_per_minute = 100_000;
        c.limits.issue_per_minute = 100_000;
    })
    .await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let key = text(
        &app.post_with(&hr, "/party/api-keys", &[("name", "k")])
            .await
            .text()
            .await
            .unwrap(),
        "code.secret",
    )
    .unwrap();
    let values = corpus();
    assert!(values.len() >= 500, "{}", values.len());

    let register_fields = [
        "kind",
        "legal_name",
        "identifier",
        "address",
        "contact_name",
        "contact_phone",
        "station",
        "email",
        "password",
        "password_confirm",
    ];
    let issue_fields = [
        "subject_name",
        "subject_id_number",
        "position",
        "department",
        "employed_since",
        "contract_type",
        "employed_until",
        "valid_from",
        "valid_until",
        "applicant_email",
        "responsibility",
    ];
    let api_fields = [
        "kind",
        "subject.name",
        "subject.id_number",
        "valid_from",
        "valid_until",
        "applicant_email",
        "facts.position",
        "facts.employed_since",
        "facts.contract_type",
    ];
    app.add_staff(attest::domain::Role::Admin, "admin@example.cn", None);
    let admin = browser();
    app.login_with(&admin, "admin@example.cn").await;
    let admin_csrf = app.csrf_token(&admin).await;
    let visitor = browser();
    let csrf = app.csrf_token(&visitor).await;
    let hr_csrf = app.csrf_token(&hr).await;
    let mut requests = 0;
    for (n, value) in values.iter().enumerate() {
        // A sign-up form with the value in one field.
        let field = register_fields[n % register_fields.len()];
        let mut form = with(employer_form(&format!("h{n}@example.cn")), field, value);
        form.push(("csrf_token", csrf.clone()));
        let r = visitor
            .post(app.url("/register"))
            .form(&fields(&form))
            .send()
            .await
            .unwrap();
        let (status, body) = (r.status(), r.text().await.unwrap());
        assert!(
            !status.is_server_error() && clear_page(status, &body),
            "register {field}={value:?}: {status}"
        );

        // The issuing form.
        let field = issue_fields[n % issue_fields.len()];
        let mut form = with(employment_form(), field, value);
        form.push(("csrf_token", hr_csrf.clone()));
        let r = hr
            .post(app.url("/party/attestations/new/employment"))
            .form(&fields(&form))
            .send()
            .await
            .unwrap();
        let (status, body) = (r.status(), r.text().await.unwrap());
        assert!(
            !status.is_server_error() && clear_page(status, &body),
            "issue {field}={value:?}: {status}"
        );

        // The API, the value in one field.
        let mut body = json!({
            "kind": "employment",
            "subject": {"name": "王五", "id_number": "440304199002151545"},
            "responsibility_accepted": true,
            "facts": {"position": "工程师", "employed_since": "2023-03-01", "contract_type": "other"}
        });
        let field = api_fields[n % api_fields.len()];
        match field.split_once('.') {
            Some((outer, inner)) => body[outer][inner] = json!(value),
            None => body[field] = json!(value),
        }
        let (status, answer) = app.api("/api/v1/attestations", Some(&key), body).await;
        assert!(!status.is_server_error(), "api {field}={value:?}: {status}");
        assert!(
            status == StatusCode::CREATED || answer["error"].is_string(),
            "api {field}={value:?}: {answer}"
        );

        // Verification, as a token, a code, and on the page.
        for body in [json!({"token": value}), json!({"code": value})] {
            let (status, answer) = app.api("/api/v1/verify", None, body).await;
            assert!(
                !status.is_server_error() && answer["status"].is_string(),
                "verify {value:?}: {status}"
            );
        }
        let r = visitor
            .post(app.url("/verify"))
            .form(&[("input", value.as_str()), ("csrf_token", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert!(!r.status().is_server_error(), "verify page {value:?}");

        // The password forms: a forgotten password (limited: 429 is a clear page too), a
        // reset link that is not one, and every fourth value in the change form.
        let r = visitor
            .post(app.url("/password/forgot"))
            .form(&[("email", value.as_str()), ("csrf_token", csrf.as_str())])
            .send()
            .await
            .unwrap();
        let (status, body) = (r.status(), r.text().await.unwrap());
        assert!(
            !status.is_server_error() && clear_page(status, &body),
            "forgot {value:?}: {status}"
        );
        let r = visitor
            .post(app.url("/password/reset/0123abcd"))
            .form(&[
                ("password", value.as_str()),
                ("password_confirm", value.as_str()),
                ("csrf_token", csrf.as_str()),
            ])
            .send()
            .await
            .unwrap();
        let status = r.status();
        assert!(
            matches!(status, StatusCode::GONE | StatusCode::BAD_REQUEST),
            "reset {value:?}: {status}"
        );
        if n % 4 == 0 {
            let field = ["current_password", "password", "password_confirm"][n / 4 % 3];
            let mut form = vec![
                ("current_password", PASSWORD.to_owned()),
                ("password", "amber-meadow-compass-77".to_owned()),
                ("password_confirm", "amber-meadow-compass-78".to_owned()),
                ("csrf_token", hr_csrf.clone()),
            ];
            form = with(form, field, value);
            let r = hr
                .post(app.url("/account/password"))
                .form(&fields(&form))
                .send()
                .await
                .unwrap();
            let (status, body) = (r.status(), r.text().await.unwrap());
            assert!(
                !status.is_server_error() && clear_page(status, &body),
                "change password {field}={value:?}: {status}"
            );
        }

        // The party's details: the contact form and the change request, a value in one
        // field of each in turn.
        let (path, field) = if n % 2 == 0 {
            let contact = ["address", "contact_name", "contact_phone"];
            ("/party/details", contact[n / 2 % 3])
        } else {
            let identity = ["kind", "legal_name", "identifier_type", "identifier"];
            ("/party/details/change", identity[n / 2 % 4])
        };
        let mut form = vec![
            ("address", "深圳市福田区福华路 1 号".to_owned()),
            ("contact_name", "张三".to_owned()),
            ("contact_phone", "13800138000".to_owned()),
            ("kind", "employer".to_owned()),
            ("legal_name", "深圳市示例科技有限公司".to_owned()),
            ("identifier", "91110000600037341L".to_owned()),
            ("csrf_token", hr_csrf.clone()),
        ];
        form = with(form, field, value);
        let r = hr.post(app.url(path)).form(&fields(&form)).send().await.unwrap();
        let (status, body) = (r.status(), r.text().await.unwrap());
        assert!(
            !status.is_server_error() && clear_page(status, &body),
            "{path} {field}={value:?}: {status}"
        );
        // The administrator's forms (a station, a staff account) and the second factor's
        // setup, a value in one field of each in turn.
        let (path, fields_of, field) = match n % 3 {
            0 => ("/admin/stations", ["code", "name", "email"], ["code", "name", "email"][n / 3 % 3]),
            1 => ("/admin/staff", ["email", "role", "station"], ["email", "role", "station"][n / 3 % 3]),
            _ => ("/account/2fa", ["code", "code", "code"], "code"),
        };
        let mut form: Vec<(&str, String)> = fields_of.iter().map(|f| (*f, "x".to_owned())).collect();
        form = with(form, field, value);
        let (client, token) = if path == "/account/2fa" { (&hr, &hr_csrf) } else { (&admin, &admin_csrf) };
        form.push(("csrf_token", token.clone()));
        let r = client.post(app.url(path)).form(&fields(&form)).send().await.unwrap();
        let (status, body) = (r.status(), r.text().await.unwrap());
        assert!(
            !status.is_server_error() && clear_page(status, &body),
            "{path} {field}={value:?}: {status}"
        );
        requests += 10;
    }

    // JSON of the wrong shape, wrong content types, a huge body.
    let wrong: Vec<(&str, &str, String)> = vec![
        ("/api/v1/attestations", "application/json", "[1,2,3]".into()),
        (
            "/api/v1/attestations",
            "application/json",
            "{\"kind\": 5, \"subject\": \"x\", \"facts\": []}".into(),
        ),
        (
            "/api/v1/attestations",
            "application/json",
            "{\"responsibility_accepted\": \"yes\"}".into(),
        ),
        (
            "/api/v1/attestations",
            "text/plain",
            "kind=employment".into(),
        ),
        (
            "/api/v1/verify",
            "application/json",
            "\"just a string\"".into(),
        ),
        ("/api/v1/verify", "application/xml", "<token/>".into()),
        (
            "/api/v1/verify",
            "application/json",
            format!("{{\"token\": \"{}\"}}", "A".repeat(2 * 1024 * 1024)),
        ),
    ];
    for (path, content_type, body) in wrong {
        let r = browser()
            .post(app.url(path))
            .bearer_auth(&key)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_client_error(),
            "{path} {content_type}: {}",
            r.status()
        );
        requests += 1;
    }
    // A NUL character in a path or query is refused before any handler.
    for path in [
        "/party/attestations/%00",
        "/station/attestations?q=%00",
        "/api/v1/attestations/a%00b",
    ] {
        let r = hr
            .get(app.url(path))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
    }
    let huge = "x".repeat(2 * 1024 * 1024);
    let r = visitor
        .post(app.url("/register"))
        .form(&[("legal_name", huge.as_str()), ("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "a huge form: {}", r.status());
    assert!(requests > 3000);
}

#[tokio::test]
async fn an_oversized_form_gets_413_with_a_clear_page() {
    backend!();
    let app = spawn_app().await;
    let visitor = browser();
    let csrf = app.csrf_token(&visitor).await;
    let big = "x".repeat(300 * 1024);

    let response = visitor
        .post(app.url("/verify"))
        .form(&[("input", big.as_str()), ("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = response.text().await.unwrap();
    assert!(html.contains("内容过大"), "{html}");
    assert!(!html.contains("表单已过期"));
}
