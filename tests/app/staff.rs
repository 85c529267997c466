//! Stations and staff managed in the browser: an administrator adds a station and a station
//! admin, who adds and disables the officers of their own station only; a new account sets
//! its password from the emailed link; a disabled officer's session is dead on the next
//! request; a disabled station's staff cannot log in.

use crate::gates::backend;
use crate::helpers::*;
use crate::smtp::SmtpServer;
use attest::domain::Role;
use reqwest::{Client, StatusCode};

/// Sets the password of the new account `email` from its emailed link, then logs it in.
async fn set_up(app: &TestApp, smtp: &SmtpServer, email: &str) -> Client {
    let link = smtp.link_to(email, "/password/reset/").await;
    let set = app
        .post(link.as_str(), &[("password", PASSWORD), ("password_confirm", PASSWORD)])
        .await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER, "{email} sets a password");
    let client = browser();
    app.login_with(&client, email).await;
    client
}

/// The id of the account `email`.
fn user_id(app: &TestApp, email: &str) -> String {
    attest::db::models::users::find_by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

async fn login_status(app: &TestApp, email: &str) -> StatusCode {
    let r = app
        .post_with(&browser(), "/login", &[("email", email), ("password", PASSWORD)])
        .await;
    r.status()
}

#[tokio::test]
async fn an_admin_adds_a_station_admin_who_manages_only_the_officers_of_their_station() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(Role::Admin, "admin@example.cn", None);
    let admin = browser();
    app.login_with(&admin, "admin@example.cn").await;

    // Stations: a bad code, a taken code, then a new station.
    let add = |code: &'static str| [("code", code), ("name", "南园派出所"), ("email", "ny@example.cn")];
    let r = app.post_with(&admin, "/admin/stations", &add("4403")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(text(&page, "#code-error").is_some());
    assert_eq!(attr(&page, "#name", "value").as_deref(), Some("南园派出所"));
    let r = app.post_with(&admin, "/admin/stations", &add("440304-001")).await;
    assert!(r.text().await.unwrap().contains("该派出所代码已存在"));
    let r = app.post_with(&admin, "/admin/stations", &add("440305-002")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let stations = app.get_with(&admin, "/admin/stations").await.text().await.unwrap();
    assert!(text(&stations, "#station-440305-002").unwrap().contains("南园派出所"));

    // Staff: an officer needs a station; a station admin of 福田 is added and emailed.
    let r = app
        .post_with(&admin, "/admin/staff", &[("email", "x@example.cn"), ("role", "station")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r.text().await.unwrap(), "#station-error").is_some());
    let staff = |email: &'static str, role: &'static str, station: &'static str| {
        [("email", email), ("role", role), ("station", station)]
    };
    let r = app
        .post_with(&admin, "/admin/staff", &staff("chief@example.cn", "station_admin", "440304-001"))
        .await;
    assert_eq!(location(&r), "/admin/staff?added");
    let r = app
        .post_with(&admin, "/admin/staff", &staff("nanyuan@example.cn", "station", "440305-002"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(login_status(&app, "chief@example.cn").await, StatusCode::UNAUTHORIZED, "no password yet");
    let chief = set_up(&app, &smtp, "chief@example.cn").await;
    let nanyuan = set_up(&app, &smtp, "nanyuan@example.cn").await;

    // The station admin sees their own station's staff, may only add officers, to it.
    let page = app.get_with(&chief, "/admin/staff").await.text().await.unwrap();
    assert!(page.contains("chief@example.cn") && !page.contains("nanyuan@example.cn"));
    assert!(text(&page, "#station").is_none(), "no station to choose");
    let r = app
        .post_with(&chief, "/admin/staff", &staff("boss@example.cn", "admin", ""))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r.text().await.unwrap(), "#role-error").is_some());
    let r = app
        .post_with(&chief, "/admin/staff", &staff("li@example.cn", "station", "440305-002"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let officer = set_up(&app, &smtp, "li@example.cn").await;
    let account = attest::db::models::users::find_by_email(&mut app.conn(), "li@example.cn")
        .unwrap()
        .unwrap();
    assert_eq!(account.role, Role::Station);
    let futian = attest::db::models::stations::find_by_code(&mut app.conn(), "440304-001")
        .unwrap()
        .unwrap();
    assert_eq!(account.station_id, Some(futian.id), "the station admin's own station");
    assert_eq!(app.get_with(&officer, "/station").await.status(), StatusCode::OK);
    assert_eq!(app.get_with(&officer, "/admin/staff").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get_with(&chief, "/admin/stations").await.status(), StatusCode::FORBIDDEN);

    // Another station's officer is out of reach; their own officer is disabled: the session
    // is dead on the next request and the password no longer logs in.
    let other = format!("/admin/staff/{}/disable", user_id(&app, "nanyuan@example.cn"));
    assert_eq!(app.post_with(&chief, &other, &[]).await.status(), StatusCode::NOT_FOUND);
    let disable = format!("/admin/staff/{}/disable", user_id(&app, "li@example.cn"));
    assert_eq!(app.post_with(&chief, &disable, &[]).await.status(), StatusCode::SEE_OTHER);
    let r = app.get_with(&officer, "/station").await;
    assert_eq!((r.status(), location(&r).as_str()), (StatusCode::SEE_OTHER, "/login"));
    assert_eq!(login_status(&app, "li@example.cn").await, StatusCode::FORBIDDEN);
    let page = app.get_with(&chief, "/admin/staff").await.text().await.unwrap();
    assert!(page.contains("已停用"));
    let enable = format!("/admin/staff/{}/enable", user_id(&app, "li@example.cn"));
    app.post_with(&chief, &enable, &[]).await;
    assert_eq!(login_status(&app, "li@example.cn").await, StatusCode::SEE_OTHER);

    // A disabled station: its staff's sessions stop, they cannot log in, and it is not
    // offered at registration; enabled again, all is back.
    let station = attest::db::models::stations::find_by_code(&mut app.conn(), "440305-002")
        .unwrap()
        .unwrap();
    let off = format!("/admin/stations/{}/disable", station.id);
    assert_eq!(app.post_with(&admin, &off, &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_with(&nanyuan, "/station").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(login_status(&app, "nanyuan@example.cn").await, StatusCode::FORBIDDEN);
    let register = app.get("/register").await.text().await.unwrap();
    assert!(!register.contains("440305-002") && register.contains("440304-001"));
    let on = format!("/admin/stations/{}/enable", station.id);
    app.post_with(&admin, &on, &[]).await;
    assert_eq!(login_status(&app, "nanyuan@example.cn").await, StatusCode::SEE_OTHER);
    assert!(app.get("/register").await.text().await.unwrap().contains("440305-002"));

    // Nobody disables themself; the audit names who did what.
    let me = format!("/admin/staff/{}/disable", user_id(&app, "chief@example.cn"));
    assert_eq!(app.post_with(&chief, &me, &[]).await.status(), StatusCode::NOT_FOUND);
    let audit = app
        .get_with(&admin, "/admin?action=user_disabled")
        .await
        .text()
        .await
        .unwrap();
    assert!(audit.contains("li@example.cn"));
}
