//! The administrator's pages.

use crate::gates::backend;
use crate::helpers::*;
use attest::domain::Role;
use reqwest::StatusCode;

#[tokio::test]
async fn an_admin_sees_stations_staff_and_a_filtered_audit_log_and_edits_addresses() {
    backend!();
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(Role::Admin, "admin@example.cn", None);
    app.add_staff(Role::Station, "officer@example.cn", Some("440304-001"));
    app.post(
        "/login",
        &[
            ("email", "officer@example.cn"),
            ("password", "wrong-password-1"),
        ],
    )
    .await;
    let admin = browser();
    app.login_with(&admin, "admin@example.cn").await;

    let stations = app.get_with(&admin, "/admin/stations").await.text().await.unwrap();
    assert!(stations.contains("福田派出所") && stations.contains("station@example.cn"));
    let staff = app.get_with(&admin, "/admin/staff").await.text().await.unwrap();
    assert!(staff.contains("officer@example.cn") && staff.contains("440304-001"));
    let failures = app
        .get_with(&admin, "/admin?action=login_failure")
        .await
        .text()
        .await
        .unwrap();
    assert!(failures.contains("login_failure") && !failures.contains("login_success"));
    let other_day = app
        .get_with(&admin, "/admin?day=2020-01-01")
        .await
        .text()
        .await
        .unwrap();
    assert!(!other_day.contains("login_failure"));

    let station = attest::db::models::stations::find_by_code(&mut app.conn(), "440304-001")
        .unwrap()
        .unwrap();
    let path = format!("/admin/stations/{}/email", station.id);
    let bad = app
        .post_with(&admin, &path, &[("email", "not-an-address")])
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(
        &bad.text().await.unwrap(),
        &format!("#email-{}-error", station.id)
    )
    .is_some());
    let ok = app
        .post_with(
            &admin,
            &path,
            &[("email", "duty@example.cn, chief@example.cn")],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let station = attest::db::models::stations::find_by_code(&mut app.conn(), "440304-001")
        .unwrap()
        .unwrap();
    assert_eq!(station.email, "duty@example.cn,chief@example.cn");

    // Nobody else may.
    let officer = browser();
    app.login_with(&officer, "officer@example.cn").await;
    assert_eq!(
        app.post_with(&officer, &path, &[("email", "x@example.cn")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get_with(&officer, "/admin/mail").await.status(),
        StatusCode::FORBIDDEN
    );
}
