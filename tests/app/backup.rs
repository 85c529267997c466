//! `attest backup --to FILE` while the portal runs, and a restore from it.

use crate::gates::backend;
use crate::helpers::*;
use std::os::unix::fs::PermissionsExt;

#[tokio::test]
async fn backup_and_restore_round_trip() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let id = app.issue_with(&hr, "employment", &employment_form()).await;
    let token = app.token_of(&id);
    let outside = tempfile::tempdir().unwrap();
    let archive = outside.path().join("attest-backup.tar");

    let out = app
        .cli()
        .args(["backup", "--to", archive.to_str().unwrap()])
        .output()
        .unwrap();

    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::metadata(&archive).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let names: Vec<String> = tar::Archive::new(std::fs::File::open(&archive).unwrap())
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n == "secret.key"), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("keys/") && n.ends_with(".pem")),
        "{names:?}"
    );
    let again = app
        .cli()
        .args(["backup", "--to", archive.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        again.status.code(),
        Some(1),
        "an existing file is never overwritten"
    );
    if on_postgres() {
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
        return;
    }
    assert!(names.iter().any(|n| n == "attest.db"), "{names:?}");

    // Restore: unpack the archive as a new data directory and start the portal on it.
    let restored = fresh_store();
    tar::Archive::new(std::fs::File::open(&archive).unwrap())
        .unpack(restored.path())
        .unwrap();
    let public_url = app.address.clone();
    let copy = spawn_app_as(restored, Some(&public_url)).await;
    let hr_again = browser();
    copy.login_with(&hr_again, "hr@example.cn").await;
    let list = copy
        .get_with(&hr_again, "/party/attestations")
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("王五"));
    assert_eq!(copy.verify_token(&token).await["status"], "valid");
    // New proofs are signed with the restored key.
    let new_id = copy
        .issue_with(&hr_again, "employment", &employment_form())
        .await;
    assert_eq!(
        jsonwebtoken::decode_header(copy.token_of(&new_id))
            .unwrap()
            .kid,
        jsonwebtoken::decode_header(&token).unwrap().kid
    );
}
