//! Output encoding (ASVS 5.3.x): a stored HTML payload in every free-text field comes out
//! escaped on every page, the print page and the HTML part of every email.

use crate::gates::backend;
use crate::helpers::*;
use attest::domain::Role;

const PAYLOAD: &str = "\"'><img src=x onerror=alert(1)>";

fn assert_escaped(html: &str, page: &str) {
    assert!(
        !html.contains("<img src=x"),
        "{page} carries the raw payload"
    );
    assert!(
        !html.contains("onerror=alert(1)>"),
        "{page} carries the raw payload"
    );
}

#[tokio::test]
async fn payloads_in_every_free_text_field_come_out_escaped_everywhere() {
    backend!();
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(Role::Station, "officer@example.cn", Some("440304-001"));
    app.add_staff(Role::Admin, "admin@example.cn", None);

    // A party whose name, address and contact are the payload.
    let hr = browser();
    let mut form = employer_form("hr@example.cn");
    for (field, value) in form.iter_mut() {
        if matches!(*field, "legal_name" | "address" | "contact_name") {
            *value = format!("公司{PAYLOAD}");
        }
    }
    app.register_and_login(&hr, &form, "hr@example.cn").await;
    let officer = browser();
    app.login_with(&officer, "officer@example.cn").await;
    let dashboard = app
        .get_with(&officer, "/station")
        .await
        .text()
        .await
        .unwrap();
    let party_page = attr(&dashboard, "a[href^='/station/parties/']", "href").unwrap();
    app.post_with(&officer, &format!("{party_page}/approve"), &[])
        .await;

    // A proof whose subject, facts and revocation reason are the payload.
    let proof = with(
        with(
            with(employment_form(), "subject_name", "王五\"'><b>"),
            "position",
            PAYLOAD,
        ),
        "department",
        PAYLOAD,
    );
    let id = app.issue_with(&hr, "employment", &proof).await;
    let token = app.token_of(&id);
    let second = app.issue_with(&hr, "employment", &employment_form()).await;
    app.post_with(
        &hr,
        &format!("/party/attestations/{second}/revoke"),
        &[("reason", PAYLOAD)],
    )
    .await;
    app.post_with(
        &officer,
        &format!("/station/attestations/{id}/suspect"),
        &[("reason", PAYLOAD)],
    )
    .await;
    app.post_with(
        &officer,
        &format!("/station/attestations/{id}/use"),
        &[("application_no", PAYLOAD)],
    )
    .await;

    let pages = [
        (&hr, "/party".to_owned()),
        (&hr, "/party/attestations".to_owned()),
        (&hr, format!("/party/attestations/{id}")),
        (&hr, format!("/party/attestations/{id}/print")),
        (&hr, format!("/party/attestations/{second}")),
        (&officer, "/station".to_owned()),
        (&officer, party_page.clone()),
        (&officer, "/station/parties".to_owned()),
        (&officer, "/station/attestations".to_owned()),
        (&officer, format!("/station/attestations/{id}")),
        (&officer, "/station/verifications".to_owned()),
    ];
    for (client, path) in pages {
        let html = app.get_with(client, &path).await.text().await.unwrap();
        assert_escaped(&html, &path);
    }
    // The payload is shown as the text it is.
    let detail = app
        .get_with(&hr, &format!("/party/attestations/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(text(&detail, "main").unwrap().contains(PAYLOAD));

    let verified = app
        .post_with(&officer, "/verify", &[("input", &token)])
        .await
        .text()
        .await
        .unwrap();
    assert_escaped(&verified, "/verify");
    let admin = browser();
    app.login_with(&admin, "admin@example.cn").await;
    for path in ["/admin", "/admin/mail", "/admin/stations", "/admin/staff"] {
        assert_escaped(
            &app.get_with(&admin, path).await.text().await.unwrap(),
            path,
        );
    }

    // The HTML part of every email.
    let rows = attest::db::models::outbox::list_by_status(
        &mut app.conn(),
        &["pending", "sending", "sent", "failed", "held"],
        100,
    )
    .unwrap();
    assert!(rows.len() >= 4);
    for row in rows {
        assert_escaped(&row.body_html, &format!("email {}", row.event));
        assert!(!row.subject.contains('\n') && !row.subject.contains('\r'));
    }
}
