//! Every role against every route: the server checks roles on each request.

use crate::gates::backend;
use crate::helpers::*;
use attest::domain::{PartyKind, PartyStatus};
use reqwest::{Client, StatusCode};

const OK: u16 = 200;
const LOGIN: u16 = 303; // redirect to the login page
const FORBIDDEN: u16 = 403;
const NOT_FOUND: u16 = 404;

#[tokio::test]
async fn role_by_route_matrix() {
    backend!();
    let TwoStations { app, own, other } = spawn_two_stations().await;
    let anonymous = browser();
    let admin = browser();
    let station = browser();
    let party = browser();
    app.login_with(&admin, "admin@example.cn").await;
    app.login_with(&station, "futian@example.cn").await;
    app.login_with(&party, "hr@example.cn").await;
    let roles: [(&str, &Client); 4] = [
        ("anonymous", &anonymous),
        ("party", &party),
        ("station", &station),
        ("admin", &admin),
    ];

    let own_page = format!("/station/parties/{own}");
    let other_page = format!("/station/parties/{other}");
    //                 route            anonymous  party      station    admin
    let gets: Vec<(&str, [u16; 4])> = vec![
        ("/", [OK, LOGIN, LOGIN, LOGIN]), // logged-in users go to their home
        ("/login", [OK, OK, OK, OK]),
        ("/register", [OK, OK, OK, OK]),
        ("/healthz", [OK, OK, OK, OK]),
        ("/party", [LOGIN, OK, FORBIDDEN, FORBIDDEN]),
        ("/station", [LOGIN, FORBIDDEN, OK, OK]),
        (&own_page, [LOGIN, FORBIDDEN, OK, OK]),
        (&other_page, [LOGIN, FORBIDDEN, NOT_FOUND, OK]),
        (
            "/station/parties/no-such-id",
            [LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND],
        ),
        ("/admin", [LOGIN, FORBIDDEN, FORBIDDEN, OK]),
        ("/verify", [OK, OK, OK, OK]),
        ("/.well-known/jwks.json", [OK, OK, OK, OK]),
        ("/party/attestations", [LOGIN, OK, FORBIDDEN, FORBIDDEN]),
        // The employer is still pending: it may not issue yet.
        (
            "/party/attestations/new/employment",
            [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
        ),
        (
            "/party/attestations/no-such-id",
            [LOGIN, NOT_FOUND, FORBIDDEN, FORBIDDEN],
        ),
        ("/party/api-keys", [LOGIN, OK, FORBIDDEN, FORBIDDEN]),
        ("/station/attestations", [LOGIN, FORBIDDEN, OK, OK]),
        (
            "/station/attestations/no-such-id",
            [LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND],
        ),
        ("/station/parties", [LOGIN, FORBIDDEN, OK, OK]),
        ("/station/verifications", [LOGIN, FORBIDDEN, OK, OK]),
        ("/station/settings", [LOGIN, FORBIDDEN, OK, FORBIDDEN]),
        ("/admin/mail", [LOGIN, FORBIDDEN, FORBIDDEN, OK]),
        ("/admin/stations", [LOGIN, FORBIDDEN, FORBIDDEN, OK]),
        ("/admin/staff", [LOGIN, FORBIDDEN, FORBIDDEN, OK]),
    ];
    for (path, expected) in &gets {
        for ((role, client), want) in roles.iter().zip(expected) {
            let got = app.get_with(client, path).await.status().as_u16();
            assert_eq!(got, *want, "GET {path} as {role}");
        }
    }

    // POSTs that change state: only staff in scope may; nothing else changes anything.
    let other_reject = format!("/station/parties/{other}/reject");
    let own_reject = format!("/station/parties/{own}/reject");
    let posts: Vec<(&str, [u16; 3])> = vec![
        //                anonymous  party      station
        (&other_reject, [LOGIN, FORBIDDEN, NOT_FOUND]),
        (
            &own_reject,
            [
                LOGIN, FORBIDDEN, LOGIN, /* 303 back to the party page */
            ],
        ),
    ];
    for (path, expected) in &posts {
        for ((role, client), want) in roles.iter().take(3).zip(expected) {
            let response = app
                .post_with(client, path, &[("reason", "不符合条件")])
                .await;
            assert_eq!(response.status().as_u16(), *want, "POST {path} as {role}");
        }
    }
    let mut conn = app.conn();
    let other_row = attest::db::models::parties::find_by_id(&mut conn, &attest::domain::PartyId::from(other.as_str())).unwrap();
    let own_row = attest::db::models::parties::find_by_id(&mut conn, &attest::domain::PartyId::from(own.as_str())).unwrap();
    assert_eq!(other_row.status.as_str(), "pending");
    assert_eq!(own_row.status.as_str(), "rejected");
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_the_login_page() {
    backend!();
    let app = spawn_app().await;

    let response = app.get("/admin").await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login");
}

#[tokio::test]
async fn forbidden_pages_say_so_in_the_users_language() {
    backend!();
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    app.add_party(
        PartyKind::Employer,
        "91110000600037341L",
        "440304-001",
        "hr@example.cn",
        PartyStatus::Approved,
    );
    app.login_with(&app.client, "hr@example.cn").await;

    let response = app.get("/admin").await;

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let html = response.text().await.unwrap();
    assert!(html.contains("无权访问"));
    // The layout still knows who is logged in.
    assert!(html.contains("hr@example.cn"));
}
