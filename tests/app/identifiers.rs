//! Identifiers by declared type: an individual lessor's resident ID number — including one
//! of the ~3 % that also pass the credit-code checksum, like the probe's example — appears
//! nowhere but masked, in tokens issued before the fix included.

use crate::gates::backend;
use crate::helpers::*;
use attest::domain::{PartyKind, PartyStatus, Role};
use diesel::prelude::*;
use reqwest::StatusCode;

/// The probe's example: a valid resident ID number that passes GB 32100's checksum.
const COLLIDING: &str = "44030419850812067X";
const MASKED: &str = "440304********067X";

fn assert_masked(what: &str, text: &str) {
    assert!(!text.contains(COLLIDING), "{what} holds the full number");
}

async fn app_with_officer() -> (TestApp, reqwest::Client) {
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(Role::Station, "officer@example.cn", Some("440304-001"));
    let officer = browser();
    app.login_with(&officer, "officer@example.cn").await;
    (app, officer)
}

#[tokio::test]
async fn a_colliding_lessors_number_is_shown_masked_everywhere() {
    backend!();
    let (app, officer) = app_with_officer().await;
    let landlord = browser();
    let form = with(
        with(employer_form("landlord@example.cn"), "kind", "lessor"),
        "identifier",
        &format!("  {COLLIDING} "),
    );
    app.register_and_login(&landlord, &form, "landlord@example.cn")
        .await;
    let station = app
        .get_with(&officer, "/station")
        .await
        .text()
        .await
        .unwrap();
    let review = attr(&station, "a[href^='/station/parties/']", "href").unwrap();
    let review_page = app.get_with(&officer, &review).await.text().await.unwrap();
    assert!(review_page.contains(MASKED));
    assert_masked("the review page", &review_page);
    app.post_with(&officer, &format!("{review}/approve"), &[])
        .await;

    let id = app
        .issue_with(&landlord, "residence", &residence_form())
        .await;

    let token = app.token_of(&id);
    assert_masked("the token", &token);
    assert_eq!(token_claims(&token)["issuer"]["identifier"], MASKED);
    for path in [
        "/party".to_owned(),
        format!("/party/attestations/{id}"),
        format!("/party/attestations/{id}/print"),
    ] {
        let html = app.get_with(&landlord, &path).await.text().await.unwrap();
        assert_masked(&path, &html);
    }
    assert!(app
        .get_with(&landlord, "/party")
        .await
        .text()
        .await
        .unwrap()
        .contains(MASKED));
    let pdf = app
        .get_with(&landlord, &format!("/party/attestations/{id}/pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    let pdf_text = pdf_extract::extract_text_from_mem(&pdf).expect("a readable PDF");
    assert!(pdf_text.contains(MASKED), "{pdf_text}");
    assert_masked("the PDF", &pdf_text);
    let verified = app.verify_token(&token).await;
    assert_eq!(verified["claims"]["issuer"]["identifier"], MASKED);
    for path in ["/station/parties", "/station/attestations"] {
        let html = app.get_with(&officer, path).await.text().await.unwrap();
        assert_masked(path, &html);
    }
    let page = app
        .post_with(&officer, "/verify", &[("input", &token)])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(MASKED));
    assert_masked("the verify page", &page);
    let statuses = [
        attest::db::models::outbox::PENDING,
        attest::db::models::outbox::SENT,
    ];
    for mail in attest::db::models::outbox::list_by_status(&mut app.conn(), &statuses, 100).unwrap()
    {
        assert_masked(
            "an email",
            &format!("{}{}{}", mail.subject, mail.body_text, mail.body_html),
        );
    }
    let row = attest::db::models::parties::list_by_status(
        &mut app.conn(),
        None,
        PartyStatus::Approved,
        10,
    )
    .unwrap()
    .remove(0)
    .party;
    assert!(row.identifier.starts_with("hmac:"));
    assert_eq!(row.identifier_type.map(|t| t.as_str()), Some("id"));
}

/// Re-signs `token` with the portal's current key after `change` edits its claims: a token
/// as an earlier version signed it.
fn resign(app: &TestApp, token: &str, change: impl FnOnce(&mut serde_json::Value)) -> String {
    let header = jsonwebtoken::decode_header(token).unwrap();
    let kid = header.kid.clone().unwrap();
    let pem = std::fs::read(app.data_dir.path().join("keys").join(format!("{kid}.pem"))).unwrap();
    let key = jsonwebtoken::EncodingKey::from_ed_pem(&pem).unwrap();
    let mut claims = token_claims(token);
    change(&mut claims);
    jsonwebtoken::encode(&header, &claims, &key).unwrap()
}

#[tokio::test]
async fn rows_and_tokens_of_earlier_versions_are_found_converted_and_masked() {
    backend!();
    use attest::db::schema::{attestations as a, parties as p};
    let (app, officer) = app_with_officer().await;
    let party = app.add_party(
        PartyKind::Lessor,
        COLLIDING,
        "440304-001",
        "old@example.cn",
        PartyStatus::Approved,
    );
    let landlord = browser();
    app.login_with(&landlord, "old@example.cn").await;
    let id = app
        .issue_with(&landlord, "residence", &residence_form())
        .await;
    // As an earlier version stored the party (its number taken for a credit code) and
    // signed its token.
    let old_token = resign(&app, &app.token_of(&id), |c| {
        c["issuer"]["identifier"] = COLLIDING.into();
    });
    diesel::update(p::table.find(&party))
        .set((
            p::identifier.eq(COLLIDING),
            p::identifier_masked.eq(None::<String>),
            p::identifier_sealed.eq(None::<String>),
            p::identifier_type.eq(None::<String>),
        ))
        .execute(&mut *app.conn())
        .unwrap();
    diesel::update(a::table.find(&id))
        .set(a::token.eq(&old_token))
        .execute(&mut *app.conn())
        .unwrap();

    let audit = app.cli().args(["identifiers", "audit"]).output().unwrap();
    let report = String::from_utf8_lossy(&audit.stdout).to_string();
    assert_eq!(audit.status.code(), Some(1), "{report}");
    assert!(report.contains("stored in clear: 1"), "{report}");
    assert!(
        report.contains(&party) && report.contains(MASKED),
        "{report}"
    );
    assert!(report.contains("full resident ID number: 1"), "{report}");
    assert_masked("the audit", &report);

    // Tokens already out stop publishing the number on every surface.
    let verified = app.verify_token(&old_token).await;
    assert_eq!(verified["status"], "valid");
    assert_eq!(verified["claims"]["issuer"]["identifier"], MASKED);
    let code = verified["code"].as_str().unwrap().to_owned();
    let (_, by_code) = app
        .api("/api/v1/verify", None, serde_json::json!({ "code": code }))
        .await;
    assert_eq!(by_code["claims"]["issuer"]["identifier"], MASKED);
    let page = app
        .post_with(&officer, "/verify", &[("input", &old_token)])
        .await
        .text()
        .await
        .unwrap();
    assert_masked("the verify page", &page);

    let migrated = app.cli().arg("migrate").output().unwrap();
    let out = String::from_utf8_lossy(&migrated.stdout).to_string();
    assert!(
        out.contains("1 resident ID number(s) of lessors converted"),
        "{out}"
    );

    let audit = app.cli().args(["identifiers", "audit"]).output().unwrap();
    let report = String::from_utf8_lossy(&audit.stdout).to_string();
    assert!(audit.status.success(), "{report}");
    assert!(report.contains("stored in clear: 0"), "{report}");
    let row = attest::db::models::parties::find_by_id(&mut app.conn(), &attest::domain::PartyId::from(party.as_str())).unwrap();
    assert!(row.identifier.starts_with("hmac:"));
    assert_eq!(row.identifier_masked.as_deref(), Some(MASKED));
    assert_eq!(row.identifier_type.map(|t| t.as_str()), Some("id"));
    let print = app
        .get_with(&landlord, &format!("/party/attestations/{id}/print"))
        .await
        .text()
        .await
        .unwrap();
    assert_masked("the print page", &print);
}

#[tokio::test]
async fn the_type_is_declared_in_the_form_and_on_the_command_line() {
    backend!();
    let (app, _) = app_with_officer().await;
    // A letting company declares its credit code, shown in full.
    let company = browser();
    let mut form = with(
        with(employer_form("company@example.cn"), "kind", "lessor"),
        "identifier",
        "91440300MA5F00002D",
    );
    form.push(("identifier_type", "uscc".into()));
    app.register_and_login(&company, &form, "company@example.cn")
        .await;
    let home = app.get_with(&company, "/party").await.text().await.unwrap();
    assert!(home.contains("91440300MA5F00002D"));

    // Only a lessor may be a person; a number that is not a credit code is refused as one.
    for (kind, declared, identifier, message) in [
        ("employer", "id", "11010519491231002X", "只有房东"),
        ("lessor", "uscc", COLLIDING, "统一社会信用代码"),
    ] {
        let mut form = with(
            with(employer_form("x@example.cn"), "kind", kind),
            "identifier",
            identifier,
        );
        form.push(("identifier_type", declared.into()));
        let response = app.post_with(&browser(), "/register", &fields(&form)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        let error = text(&html, "#identifier-error").unwrap_or_default();
        assert!(error.contains(message), "{kind} {declared}: {error}");
        assert_eq!(
            attr(&html, &format!("#identifier_type-{declared}"), "checked").as_deref(),
            Some(""),
            "the choice is kept"
        );
    }

    // The CLI: a lessor is a person unless told otherwise.
    let add = |email: &str, extra: &[&str]| {
        let mut args = vec![
            "party",
            "add",
            "--kind",
            "lessor",
            "--name",
            "房东",
            "--identifier",
            COLLIDING,
            "--station",
            "440304-001",
            "--email",
            email,
            "--password-stdin",
        ];
        args.extend_from_slice(extra);
        run_cli(&app.data_dir, &args, Some(PASSWORD))
    };
    let refused = add("a@example.cn", &["--identifier-type", "uscc"]);
    assert!(!refused.status.success());
    let added = add("b@example.cn", &[]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let landlord = browser();
    app.login_with(&landlord, "b@example.cn").await;
    let home = app
        .get_with(&landlord, "/party")
        .await
        .text()
        .await
        .unwrap();
    assert!(home.contains(MASKED));
    assert_masked("the CLI-added landlord's page", &home);
}
