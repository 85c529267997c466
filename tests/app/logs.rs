//! No secrets in the logs (ASVS 7.1.x): the real server at debug level, through a flow that
//! handles every kind of secret, never writes a password, a full ID number, a token, an API
//! key or a session id.

use crate::gates::backend;
use crate::helpers::*;

const NEW_PASSWORD: &str = "amber-meadow-compass-77";
const RESET_PASSWORD: &str = "quiet-orchard-lantern-58";

/// The path of the first link starting with `prefix` in the emails the server wrote to
/// `dir` (waits up to 20 s).
fn link_in(dir: &std::path::Path, prefix: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let parsed = mailparse::parse_mail(&bytes).unwrap();
            // However deep: an attached PDF nests the alternatives.
            fn plain(part: &mailparse::ParsedMail) -> Option<String> {
                if part.ctype.mimetype == "text/plain" {
                    return part.get_body().ok();
                }
                part.subparts.iter().find_map(plain)
            }
            let text = plain(&parsed).unwrap_or_default();
            if let Some(at) = text.find(prefix) {
                return text[at..].split_whitespace().next().unwrap().to_owned();
            }
        }
        assert!(std::time::Instant::now() < deadline, "no {prefix} email");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// The body of the page at `url`, as `client` gets it.
async fn body(client: &reqwest::Client, url: String) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn the_log_of_a_whole_flow_holds_no_secret() {
    backend!();
    let store = fresh_store();
    let cli = |args: &[&str], stdin: Option<&str>| run_cli(&store, args, stdin);
    cli(
        &[
            "station",
            "add",
            "--code",
            "440304-001",
            "--name",
            "福田",
            "--email",
            "f@example.cn",
        ],
        None,
    );
    cli(
        &[
            "user",
            "add",
            "--role",
            "station",
            "--email",
            "officer@example.cn",
            "--station",
            "440304-001",
            "--password-stdin",
        ],
        Some(PASSWORD),
    );
    let (mut server, port, log_lines) = serve_binary(&store, &[("RUST_LOG", "debug")]);
    let base = format!("http://127.0.0.1:{port}");
    let url = |p: &str| format!("{base}{p}");
    let token_of = |html: &str| attr(html, "input[name=csrf_token]", "value").unwrap();

    // A landlord registers with the ID number, logs in, makes an API key, issues through it.
    let landlord = browser();
    let csrf = token_of(
        &body(&landlord, url("/register")).await,
    );
    let mut form = with(
        with(employer_form("landlord@example.cn"), "kind", "lessor"),
        "identifier",
        "11010519491231002X",
    );
    form.push(("csrf_token", csrf.clone()));
    landlord
        .post(url("/register"))
        .form(&fields(&form))
        .send()
        .await
        .unwrap();
    landlord
        .post(url("/login"))
        .form(&[
            ("email", "landlord@example.cn"),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    let officer = browser();
    let csrf = token_of(
        &body(&officer, url("/login")).await,
    );
    officer
        .post(url("/login"))
        .form(&[
            ("email", "officer@example.cn"),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    // Staff must set up a second factor (the default): its key and its first code.
    let setup = officer.get(url("/account/2fa")).send().await.unwrap();
    let totp_key = text(&setup.text().await.unwrap(), "#secret").expect("the key");
    let now = chrono::Utc::now().timestamp();
    let first_code = totp_code(&totp_key, now);
    let confirmed = officer
        .post(url("/account/2fa"))
        .form(&[("code", first_code.as_str()), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status().as_u16(), 200);
    let recovery = text(&confirmed.text().await.unwrap(), "#recovery-codes code").unwrap();
    let dashboard = body(&officer, url("/station")).await;
    let party = attr(&dashboard, "a[href^='/station/parties/']", "href").unwrap();
    officer
        .post(url(&format!("{party}/approve")))
        .form(&[("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    let csrf_l = token_of(
        &body(&landlord, url("/login")).await,
    );
    let keys = landlord
        .post(url("/party/api-keys"))
        .form(&[("name", "k"), ("csrf_token", &csrf_l)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let key = text(&keys, "code.secret").unwrap();
    let issued: serde_json::Value = browser()
        .post(url("/api/v1/attestations"))
        .bearer_auth(&key)
        .json(&serde_json::json!({
            "kind": "residence",
            "subject": {"name": "王五", "id_number": "440304199002151545"},
            "responsibility_accepted": true,
            "facts": {"address": "福华路 1 号 301", "housing_basis": "lease", "residing_since": "2025-01-01"}
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = issued["token"].as_str().expect("issued").to_owned();
    // A tenant asks through the landlord's request link; the landlord's system accepts it
    // through the API, and the tenant opens their page.
    let made = landlord
        .post(url("/party/requests/links"))
        .form(&[("kind", "residence"), ("csrf_token", &csrf_l)])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status().as_u16(), 303);
    let links = body(&landlord, url("/party/requests/links")).await;
    let link_url = attr(&links, "input.link-url", "value").unwrap();
    let link = link_url[link_url.find("/request/").unwrap()..].to_owned();
    let tenant_id = attest::cli::sample_id_number(7);
    let tenant = browser();
    let csrf_t = csrf_at(&tenant, &base).await;
    let asked = tenant
        .post(url(&link))
        .form(&[
            ("subject_name", "赵六"),
            ("subject_id_number", tenant_id.as_str()),
            ("email", "tenant@example.cn"),
            ("phone", "13912345678"),
            ("address", "福华路 1 号 302"),
            ("residing_since", "2025-02-01"),
            ("consent", "on"),
            ("csrf_token", &csrf_t),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status().as_u16(), 200);
    let open: serde_json::Value = browser()
        .get(url("/api/v1/requests"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let request_id = open[0]["id"].as_str().expect("a request").to_owned();
    let accepted = browser()
        .post(url(&format!("/api/v1/requests/{request_id}/accept")))
        .bearer_auth(&key)
        .json(&serde_json::json!({"responsibility_accepted": true, "facts": {"housing_basis": "lease"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status().as_u16(), 201);
    let my = link_in(&store.path().join("mail"), "/my/");
    let mine = tenant.get(url(&my)).send().await.unwrap();
    assert_eq!(mine.status().as_u16(), 200);
    // The officer verifies and searches by the full ID number; a wrong password is tried.
    officer
        .post(url("/verify"))
        .form(&[("input", token.as_str()), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    officer
        .post(url("/station/attestations"))
        .form(&[("id_number", "440304199002151545"), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    browser()
        .post(url("/login"))
        .form(&[
            ("email", "officer@example.cn"),
            ("password", "not-the-password-1"),
        ])
        .send()
        .await
        .unwrap();
    // The ID number typed into the officer's search box (a GET form once), sent as a JSON
    // number where a string is expected, in a path, a query and a header; then the
    // hostile corpus around it.
    const ID: &str = "440304199002151545";
    let searched = body(&officer, url(&format!("/station/attestations?q={ID}"))).await;
    assert!(
        !searched.contains(ID),
        "the number is not echoed from the URL"
    );
    let typed = browser()
        .post(url("/api/v1/verify"))
        .header("content-type", "application/json")
        .body(format!(r#"{{"token": {ID}}}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(typed.status().as_u16(), 400);
    let body = typed.text().await.unwrap();
    let message = serde_json::from_str::<serde_json::Value>(&body).unwrap()["message"].clone();
    assert_eq!(
        message, "\"token\": expected a string",
        "names the field: {body}"
    );
    assert!(!body.contains(ID), "never the value: {body}");
    let hostile = browser();
    for value in super::hostile::corpus().iter().take(200) {
        let encoded: String =
            url::form_urlencoded::byte_serialize(format!("{value}{ID}").as_bytes()).collect();
        for path in [
            format!("/{encoded}"),
            format!("/verify?input={encoded}"),
            format!("/lang?to=en&next=/{encoded}"),
        ] {
            let _ = hostile
                .get(url(&path))
                .header("X-Forwarded-For", ID)
                .send()
                .await;
        }
        let _ = hostile
            .post(url("/api/v1/attestations"))
            .bearer_auth(&key)
            .json(&serde_json::json!({"kind": value, "subject": {"name": value, "id_number": ID.parse::<u64>().unwrap()}}))
            .send()
            .await;
    }
    // The landlord changes the password, then asks for a reset link and uses it.
    let csrf = csrf_at(&landlord, &base).await;
    let changed = landlord
        .post(url("/account/password"))
        .form(&[
            ("current_password", PASSWORD),
            ("password", NEW_PASSWORD),
            ("password_confirm", NEW_PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status().as_u16(), 200);
    let visitor = browser();
    let visitor_csrf = csrf_at(&visitor, &base).await;
    visitor
        .post(url("/password/forgot"))
        .form(&[("email", "landlord@example.cn"), ("csrf_token", &visitor_csrf)])
        .send()
        .await
        .unwrap();
    let reset_link = link_in(&store.path().join("mail"), "/password/reset/");
    let reset = visitor
        .post(url(&reset_link))
        .form(&[
            ("password", RESET_PASSWORD),
            ("password_confirm", RESET_PASSWORD),
            ("csrf_token", &visitor_csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status().as_u16(), 303);
    let reset_token = reset_link.rsplit('/').next().unwrap().to_owned();
    let landlord = browser();
    let csrf = csrf_at(&landlord, &base).await;
    landlord
        .post(url("/login"))
        .form(&[
            ("email", "landlord@example.cn"),
            ("password", RESET_PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    let session = landlord.get(url("/party")).send().await.unwrap().status();
    assert_eq!(session.as_u16(), 200);

    server.kill().unwrap();
    server.wait().unwrap();
    let log: String = log_lines.iter().collect::<Vec<_>>().join("\n");

    assert!(
        log.contains("\"route\":\"/api/v1/attestations\""),
        "requests are logged by route"
    );
    for secret in [
        PASSWORD,
        "not-the-password-1",
        "11010519491231002X",
        "440304199002151545",
        token.as_str(),
        key.as_str(),
        tenant_id.as_str(),
        link.trim_start_matches("/request/"),
        my.trim_start_matches("/my/"),
        NEW_PASSWORD,
        RESET_PASSWORD,
        reset_token.as_str(),
        totp_key.as_str(),
        recovery.as_str(),
    ] {
        assert!(
            !log.contains(secret),
            "the log holds a secret: {}…",
            &secret[..8.min(secret.len())]
        );
    }
    assert!(
        !log.contains("attest_session="),
        "no session cookie in the log"
    );
}
