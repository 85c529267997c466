//! Issue 17's "done when", end to end through the real server, the real SMTP server and the
//! CLI, with staff required to use a second factor: an HR owner invites two clerks who issue
//! under their own names; one clerk resets a forgotten password from the email; the owner
//! moves the office (the station sees it, no re-approval), then renames the company (the
//! station approves); an officer logs in with password and TOTP; a station admin disables
//! an officer who left; the operator resets a locked-out landlord from the CLI.

use crate::gates::backend;
use crate::helpers::*;
use crate::smtp::SmtpServer;
use attest::domain::{Role, SecondFactorPolicy};
use chrono::Duration;
use reqwest::{Client, StatusCode};

const CLERK_PASSWORD: &str = "amber-meadow-compass-77";

async fn login(app: &TestApp, email: &str, password: &str) -> (StatusCode, String, Client) {
    let client = browser();
    let r = app
        .post_with(&client, "/login", &[("email", email), ("password", password)])
        .await;
    let to = if r.status() == StatusCode::SEE_OTHER { location(&r) } else { String::new() };
    (r.status(), to, client)
}

/// Staff's first login: the setup of the second factor, confirmed with a code; its key.
async fn first_login(app: &TestApp, email: &str) -> (Client, String) {
    let (_, _, client) = login(app, email, PASSWORD).await;
    let page = app.get_with(&client, "/station").await;
    assert_eq!(location(&page), "/account/2fa", "{email}: the second factor first");
    let setup = app.get_with(&client, "/account/2fa").await.text().await.unwrap();
    let key = text(&setup, "#secret").unwrap();
    let now = app.clock.now().and_utc().timestamp();
    let r = app.post_with(&client, "/account/2fa", &[("code", &totp_code(&key, now))]).await;
    assert_eq!(r.status(), StatusCode::OK);
    (client, key)
}

#[tokio::test]
async fn an_hr_team_works_under_its_own_names_and_the_station_manages_its_people() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_configured(fresh_store(), |c| {
        c.smtp_url = Some(smtp.url().parse().unwrap());
        c.second_factor = SecondFactorPolicy::Staff;
    })
    .await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(Role::StationAdmin, "chief@example.cn", Some("440304-001"));
    app.add_staff(Role::Station, "wang@example.cn", Some("440304-001"));
    app.add_staff(Role::Station, "li@example.cn", Some("440304-001"));
    let (party, owner) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;

    // Two clerks join by invitation and issue under their own names.
    let mut clerks = Vec::new();
    for email in ["clerk1@example.cn", "clerk2@example.cn"] {
        let r = app
            .post_with(&owner, "/party/team/invite", &[("email", email), ("party_role", "clerk")])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let link = smtp.link_to(email, "/invitations/").await;
        let pair = [("password", CLERK_PASSWORD), ("password_confirm", CLERK_PASSWORD)];
        assert_eq!(location(&app.post(&link, &pair).await), "/login?joined");
        let (status, to, clerk) = login(&app, email, CLERK_PASSWORD).await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/party"));
        app.issue_with(&clerk, "employment", &employment_form()).await;
        clerks.push(clerk);
    }
    let list = app.get_with(&owner, "/party/attestations").await.text().await.unwrap();
    for email in ["clerk1@example.cn", "clerk2@example.cn"] {
        assert!(list.contains(email), "the list shows who issued: {email}");
    }

    // The second clerk forgot the password: reset from the emailed link.
    app.post("/password/forgot", &[("email", "clerk2@example.cn")]).await;
    let link = smtp.link_to("clerk2@example.cn", "/password/reset/").await;
    let fresh = "copper-lantern-orchard-58";
    let r = app.post(&link, &[("password", fresh), ("password_confirm", fresh)]).await;
    assert_eq!(location(&r), "/login?reset");
    assert_eq!(login(&app, "clerk2@example.cn", fresh).await.0, StatusCode::SEE_OTHER);
    assert_eq!(login(&app, "clerk2@example.cn", CLERK_PASSWORD).await.0, StatusCode::UNAUTHORIZED);

    // An officer sets up the second factor, then logs in with password and code.
    let (_, key) = first_login(&app, "wang@example.cn").await;
    app.clock.advance(Duration::seconds(30));
    let (_, to, officer) = login(&app, "wang@example.cn", PASSWORD).await;
    assert_eq!(to, "/login/2fa");
    let now = app.clock.now().and_utc().timestamp();
    let r = app.post_with(&officer, "/login/2fa", &[("code", &totp_code(&key, now))]).await;
    assert_eq!(location(&r), "/station");

    // The office moves: the station sees it at once, the party stays approved.
    let moved = "深圳市南山区科技园 8 栋";
    let contact = [("address", moved), ("contact_name", "李四"), ("contact_phone", "13900139000")];
    app.post_with(&owner, "/party/details", &contact).await;
    let station_page = format!("/station/parties/{party}");
    let seen = app.get_with(&officer, &station_page).await.text().await.unwrap();
    assert!(seen.contains(moved) && seen.contains("已通过"));
    smtp.with_subject("协助单位更新了地址或联系人", 1).await;

    // The company is renamed: a request the station approves; new proofs carry the name.
    let details = app.get_with(&owner, "/party/details").await.text().await.unwrap();
    let mut form = form_values(&details, "form[action='/party/details/change']");
    form.retain(|(n, _)| n != "csrf_token");
    for field in form.iter_mut().filter(|(n, _)| n == "legal_name") {
        field.1 = "深圳市新名科技有限公司".into();
    }
    app.post_with(&owner, "/party/details/change", &pairs(&form)).await;
    let before = app.issue_with(&clerks[0], "employment", &employment_form()).await;
    let approve = format!("{station_page}/change/approve");
    assert_eq!(app.post_with(&officer, &approve, &[]).await.status(), StatusCode::SEE_OTHER);
    let after = app.issue_with(&clerks[0], "employment", &employment_form()).await;
    let name = |id: &str| token_claims(&app.token_of(id))["issuer"]["name"].clone();
    assert_eq!(name(&before), "测试单位 hr@example.cn");
    assert_eq!(name(&after), "深圳市新名科技有限公司");

    // The station admin disables the officer who left: the session dies at once.
    let (li, _) = first_login(&app, "li@example.cn").await;
    assert_eq!(app.get_with(&li, "/station").await.status(), StatusCode::OK);
    let (chief, _) = first_login(&app, "chief@example.cn").await;
    let staff = app.get_with(&chief, "/admin/staff").await.text().await.unwrap();
    let row = "tr[data-email='li@example.cn'] form";
    let disable = attr(&staff, row, "action").expect("a disable button");
    assert_eq!(app.post_with(&chief, &disable, &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&app.get_with(&li, "/station").await), "/login");
    assert_eq!(login(&app, "li@example.cn", PASSWORD).await.0, StatusCode::FORBIDDEN);

    // A landlord is locked out (password forgotten, the old address gone): the operator
    // sets a new one from the CLI.
    approved_landlord(&app, "landlord@example.cn").await;
    let lost = "granite-willow-beacon-31";
    let out = run_cli(
        &app.data_dir,
        &["user", "reset-password", "--email", "landlord@example.cn", "--password-stdin"],
        Some(&format!("{lost}\n")),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (status, to, _) = login(&app, "landlord@example.cn", lost).await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/party"));
}
