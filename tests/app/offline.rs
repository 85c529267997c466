//! Verification without a network, judged by clients no one here wrote: Python's PyJWT
//! reading the status lists, Chromium running the offline verifier with its connection
//! cut, and zbar reading printed QR codes degraded as a phone camera sees them.

use super::token_status_lists::three_proofs;
use crate::gates::{require, PYTHON};

#[tokio::test]
async fn an_independent_python_reader_reads_valid_ended_and_suspect_from_the_list() {
    require!(Browser);
    let t = three_proofs().await;
    t.end_and_flag().await;
    let app = &t.app;
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/statuslist_check.py");
    let mut args = vec![script.to_string_lossy().into_owned(), app.address.clone()];
    for id in [&t.valid, &t.ended, &t.suspect] {
        args.push(app.token_of(id));
    }
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(PYTHON)
            .args(args)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    let expected = format!("{} 0\n{} 1\n{} 2\n", t.valid, t.ended, t.suspect);
    assert_eq!(printed, expected);
}

#[tokio::test]
async fn the_offline_page_verifies_with_the_connection_cut() {
    require!(Browser);
    let t = three_proofs().await;
    // Ended before the page keeps the lists.
    t.app.end_proof(&t.hr, &t.ended, "left_job").await;
    let app = &t.app;
    let valid = app.token_of(&t.valid);
    // One character of the signature changed (not the last, whose low bits are padding).
    let mut tampered: Vec<char> = valid.chars().collect();
    let at = tampered.len() - 20;
    tampered[at] = if tampered[at] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    let code = attest::db::models::attestations::find_by_id(
        &mut app.conn(),
        &attest::domain::AttestationId::from(t.valid.as_str()),
    )
    .unwrap()
    .unwrap()
    .code;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/e2e-offline");
    let envs = [
        ("BASE", app.address.clone()),
        ("OUT", out.to_string_lossy().into_owned()),
        ("VALID", valid),
        ("ENDED", app.token_of(&t.ended)),
        ("TAMPERED", tampered),
        ("CODE", code),
    ];
    let script = root.join("tests/e2e/offline.mjs");
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(script)
            .envs(envs)
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{report}");
    assert!(report.contains("no problem found"), "{report}");
}
