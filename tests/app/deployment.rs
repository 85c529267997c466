//! The deployment of `docs/deploy.md`, whole: nginx with TLS (the shipped site) in front of
//! two instances sharing a data directory, on a PostgreSQL primary with a hot standby.
//! Proofs issued through nginx land on both instances; with the primary stopped, every
//! verification through nginx is answered from the standby, issuing answers 503 with
//! `Retry-After`, and when the primary is back every verification answered meanwhile is
//! in the database exactly once.

use super::replica::{eventually, instance, recorded};
use crate::gates::require;
use crate::helpers::*;
use crate::nginx::{self, client_from};
use crate::pg_cluster::OwnCluster;
use reqwest::StatusCode;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn behind_nginx_two_instances_verify_through_a_primary_outage_and_lose_nothing() {
    require!(Postgres);
    require!(Nginx);
    let primary = OwnCluster::start();
    let standby = primary.standby();
    let store = fresh_store();
    let a = instance(&store, &primary, &standby, None).await;
    let b = instance(&store, &primary, &standby, Some(&a.address)).await;
    let port = |app: &TestApp| app.address.rsplit(':').next().unwrap().parse().unwrap();
    let proxy = nginx::start(&[port(&a), port(&b)]);
    let client = client_from("127.0.0.1");
    let (_, hr) = approved_employer(&a, "hr@example.cn", "91110000600037341L").await;
    let key = a.key_from_settings(&hr).await;
    let issue = || {
        client
            .post(format!("{}/api/v1/attestations", proxy.address))
            .bearer_auth(&key)
            .json(&employment_json())
            .send()
    };

    // Ten proofs issued through nginx (round robin: both instances issue).
    let mut issued = Vec::new();
    for _ in 0..10 {
        let answer = issue().await.unwrap();
        assert_eq!(answer.status(), StatusCode::CREATED);
        let body: serde_json::Value = answer.json().await.unwrap();
        issued.push((
            body["token"].as_str().unwrap().to_owned(),
            body["code"].as_str().unwrap().to_owned(),
        ));
    }
    let on_standby = || {
        use attest::db::schema::attestations;
        use diesel::prelude::*;
        let mut conn = diesel::PgConnection::establish(&standby.url).unwrap();
        attestations::table
            .count()
            .get_result::<i64>(&mut conn)
            .unwrap()
            == 10
    };
    eventually("the standby has the ten proofs", on_standby).await;
    let before = recorded(&primary.url);

    primary.stop();

    let health: serde_json::Value = client
        .get(format!("{}/healthz", proxy.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["database"], "read_only");
    // Every proof verifies through nginx, by token and by code, on either instance.
    let mut answered = 0;
    for (token, code) in &issued {
        for body in [
            serde_json::json!({ "token": token }),
            serde_json::json!({ "code": code }),
        ] {
            let answer = client
                .post(format!("{}/api/v1/verify", proxy.address))
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), StatusCode::OK);
            let verdict: serde_json::Value = answer.json().await.unwrap();
            assert_eq!(verdict["status"], "valid", "{verdict}");
            answered += 1;
        }
    }
    // Issuing waits for the primary: 503 with Retry-After, through nginx.
    let refused = issue().await.unwrap();
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(refused.headers().contains_key("retry-after"));

    // The primary is back: both instances' flushers drain the shared spool; every answered
    // verification arrives, once.
    primary.restart();
    eventually("the verifications answered meanwhile arrive", || {
        recorded(&primary.url) == before + answered
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(recorded(&primary.url), before + answered, "exactly once");
    let issued_again = issue().await.unwrap();
    assert_eq!(issued_again.status(), StatusCode::CREATED);
}
