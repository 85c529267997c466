//! A portal that moves to a new address: its tokens carry `iss` = the address they were
//! issued at; restarted on a new address, old proofs verify only when the old address is
//! listed in `ATTEST_FORMER_PUBLIC_URLS` (same keys), and new ones carry the new address.

use crate::gates::backend;
use crate::helpers::*;

const OLD: &str = "https://old.attest.example/";
const NEW: &str = "https://attest.example.gov.cn/";

async fn restarted(store: &Store, former: Option<&str>) -> TestApp {
    let former = former.map(str::to_owned);
    spawn_app_configured(store.clone(), move |c| {
        c.public_url = NEW.parse().unwrap();
        c.former_public_urls = former.iter().map(|u| u.parse().unwrap()).collect();
    })
    .await
}

#[tokio::test]
async fn a_restart_on_a_new_address_keeps_old_proofs_valid_when_told_the_old_one() {
    backend!();
    let old = spawn_app_as(fresh_store(), Some(OLD)).await;
    let store = old.data_dir.clone();
    let (_, hr) = approved_employer(&old, "hr@example.cn", "91110000600037341L").await;
    let id = old.issue_with(&hr, "employment", &employment_form()).await;
    let token = old.token_of(&id);
    assert_eq!(token_claims(&token)["iss"], "https://old.attest.example");
    let code = attest::db::models::attestations::find_by_id(
        &mut old.conn(),
        &attest::domain::AttestationId::from(id.as_str()),
    )
    .unwrap()
    .unwrap()
    .code;
    drop(old);

    // Moved, not told: the old proof is another portal's.
    let moved = restarted(&store, None).await;
    let answer = moved.verify_token(&token).await;
    assert_eq!(answer["status"], "invalid", "{answer}");
    assert!(answer["reason"].as_str().unwrap().contains("iss"), "{answer}");
    drop(moved);

    // Told: the old proof is valid again, by token and by code; new proofs carry the new
    // address and verify too.
    let moved = restarted(&store, Some(OLD)).await;
    assert_eq!(moved.verify_token(&token).await["status"], "valid");
    let (_, by_code) = moved
        .api("/api/v1/verify", None, serde_json::json!({ "code": code }))
        .await;
    assert_eq!(by_code["status"], "valid", "{by_code}");
    let hr = browser();
    moved.login_with(&hr, "hr@example.cn").await;
    let fresh = moved.issue_with(&hr, "employment", &employment_form()).await;
    let new_token = moved.token_of(&fresh);
    assert_eq!(token_claims(&new_token)["iss"], "https://attest.example.gov.cn");
    assert_eq!(moved.verify_token(&new_token).await["status"], "valid");
}
