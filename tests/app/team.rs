//! A party's team: the owner invites colleagues by email through the real SMTP server,
//! they set a password from the link, clerks handle proofs only, and a party always keeps
//! an owner.

use crate::gates::backend;
use crate::helpers::*;
use crate::smtp::SmtpServer;
use chrono::Duration;
use reqwest::{Client, StatusCode};

const CLERK_PASSWORD: &str = "amber-meadow-compass-77";

/// The invitation link (its path) emailed to `email` (waits up to 20 s).
async fn invitation_to(smtp: &SmtpServer, email: &str) -> String {
    smtp.link_to(email, "/invitations/").await
}

async fn invite(app: &TestApp, owner: &Client, email: &str, role: &str) -> reqwest::Response {
    app.post_with(owner, "/party/team/invite", &[("email", email), ("party_role", role)])
        .await
}

/// Accepts the invitation at `link` and logs in; the colleague's browser.
async fn join(app: &TestApp, link: &str, email: &str) -> Client {
    let r = app
        .post(link, &[("password", CLERK_PASSWORD), ("password_confirm", CLERK_PASSWORD)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login?joined");
    let client = browser();
    let r = app
        .post_with(&client, "/login", &[("email", email), ("password", CLERK_PASSWORD)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{email} logs in");
    client
}

#[tokio::test]
async fn an_owner_invites_two_clerks_who_issue_proofs_but_cannot_manage_the_party() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    let (_, owner) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;

    // Bad input first: the form again, the input kept, the message beside the field.
    let r = invite(&app, &owner, "not-an-email", "").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(text(&page, "#email-error").is_some() && text(&page, "#party_role-error").is_some());
    assert_eq!(attr(&page, "#email", "value").as_deref(), Some("not-an-email"));
    let taken = invite(&app, &owner, "hr@example.cn", "clerk").await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let mut clerks = Vec::new();
    for email in ["clerk1@example.cn", "clerk2@example.cn"] {
        assert_eq!(invite(&app, &owner, email, "clerk").await.status(), StatusCode::SEE_OTHER);
        let link = invitation_to(&smtp, email).await;
        let page = app.get(&link).await.text().await.unwrap();
        assert!(text(&page, "#invited").is_some_and(|t| t.contains(email)));
        let weak = app
            .post(&link, &[("password", "short"), ("password_confirm", "short")])
            .await;
        assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
        clerks.push(join(&app, &link, email).await);
    }

    // A clerk issues under their own name; the team, the keys and the settings are not theirs.
    let id = app.issue_with(&clerks[0], "employment", &employment_form()).await;
    let issued_by = attest::db::models::attestations::find_by_id(
        &mut app.conn(),
        &attest::domain::AttestationId::from(id.as_str()),
    )
    .unwrap()
    .unwrap()
    .issued_by;
    let clerk = attest::db::models::users::find_by_email(&mut app.conn(), "clerk1@example.cn")
        .unwrap()
        .unwrap();
    assert_eq!(issued_by, clerk.id);
    // The party's list and detail and the station's desk and search show who issued it.
    app.add_staff(attest::domain::Role::Station, "futian@example.cn", Some("440304-001"));
    let officer = browser();
    app.login_with(&officer, "futian@example.cn").await;
    for (client, path, selector) in [
        (&owner, "/party/attestations".to_owned(), "td.issued-by"),
        (&owner, format!("/party/attestations/{id}"), "#issued-by"),
        (&officer, format!("/station/attestations/{id}"), "#issued-by"),
        (&officer, "/station/attestations".to_owned(), "td.issued-by"),
    ] {
        let page = app.get_with(client, &path).await.text().await.unwrap();
        assert_eq!(text(&page, selector).as_deref(), Some("clerk1@example.cn"), "{path}");
    }
    for path in ["/party/team", "/party/api-keys", "/party/settings", "/party/details"] {
        let r = app.get_with(&clerks[1], path).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let r = invite(&app, &clerks[1], "x@example.cn", "owner").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The owner's team page: both clerks, with their role and last login.
    let team = app.get_with(&owner, "/party/team").await.text().await.unwrap();
    for email in ["clerk1@example.cn", "clerk2@example.cn"] {
        assert!(team.contains(email), "{email} listed");
    }
    assert!(text(&team, "#invitations").is_none(), "no invitation left open");
}

#[tokio::test]
async fn an_invitation_works_once_within_seven_days_unless_revoked() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    let (_, owner) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;

    invite(&app, &owner, "used@example.cn", "clerk").await;
    let used = invitation_to(&smtp, "used@example.cn").await;
    join(&app, &used, "used@example.cn").await;
    let again = app.get(&used).await;
    assert_eq!(again.status(), StatusCode::GONE);
    assert!(text(&again.text().await.unwrap(), "#dead").is_some());

    invite(&app, &owner, "revoked@example.cn", "clerk").await;
    let revoked = invitation_to(&smtp, "revoked@example.cn").await;
    let team = app.get_with(&owner, "/party/team").await.text().await.unwrap();
    let revoke = attr(&team, "#invitations form", "action").expect("a revoke button");
    assert_eq!(app.post_with(&owner, &revoke, &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get(&revoked).await.status(), StatusCode::GONE);

    invite(&app, &owner, "late@example.cn", "clerk").await;
    let late = invitation_to(&smtp, "late@example.cn").await;
    app.clock.advance(Duration::days(8));
    let r = app
        .post(&late, &[("password", CLERK_PASSWORD), ("password_confirm", CLERK_PASSWORD)])
        .await;
    assert_eq!(r.status(), StatusCode::GONE, "expired");
    assert!(attest::db::models::users::find_by_email(&mut app.conn(), "late@example.cn")
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn the_last_owner_cannot_leave_and_a_removed_colleague_is_logged_out() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    let (_, owner) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let me = attest::db::models::users::find_by_email(&mut app.conn(), "hr@example.cn")
        .unwrap()
        .unwrap()
        .id;
    for (path, form) in [
        (format!("/party/team/{me}/role"), vec![("party_role", "clerk")]),
        (format!("/party/team/{me}/remove"), vec![]),
    ] {
        let r = app.post_with(&owner, &path, &form).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{path}");
        assert!(text(&r.text().await.unwrap(), "#team-alert").is_some());
    }

    invite(&app, &owner, "second@example.cn", "clerk").await;
    let link = invitation_to(&smtp, "second@example.cn").await;
    let second = join(&app, &link, "second@example.cn").await;
    let second_id = attest::db::models::users::find_by_email(&mut app.conn(), "second@example.cn")
        .unwrap()
        .unwrap()
        .id;
    // Made an owner, the colleague may take over; the first owner may then step down.
    let promote = format!("/party/team/{second_id}/role");
    let r = app.post_with(&owner, &promote, &[("party_role", "owner")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_with(&second, "/party/team").await.status(), StatusCode::OK);
    let r = app
        .post_with(&second, &format!("/party/team/{me}/role"), &[("party_role", "clerk")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_with(&owner, "/party/team").await.status(), StatusCode::FORBIDDEN);

    // Removed: the session is dead on the next request; another party's user is not found.
    let r = app
        .post_with(&second, &format!("/party/team/{me}/remove"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_ne!(app.get_with(&owner, "/party").await.status(), StatusCode::OK);
    let (_, other) = approved_employer(&app, "b@example.cn", "91440300MA5F00001A").await;
    let r = app
        .post_with(&other, &format!("/party/team/{second_id}/remove"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
