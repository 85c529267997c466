//! The API against its own OpenAPI document, with schemathesis (a client no one here wrote):
//! every operation, generated valid and invalid requests, stateful sequences, all checks but
//! `positive_data_acceptance` — a schema cannot say that an ID number's check character
//! must match or that an attestation must exist, so some schema-valid requests are rightly
//! refused with 422, 404 or 409.

use crate::gates::require;
use crate::helpers::*;

#[test]
fn the_running_api_matches_its_openapi_document() {
    require!(Schemathesis);
    let store = fresh_store();
    let added = run_cli(
        &store,
        &[
            "station",
            "add",
            "--code",
            "440304-001",
            "--name",
            "福田派出所",
            "--email",
            "futian@example.cn",
        ],
        None,
    );
    assert!(added.status.success());
    let party = run_cli(
        &store,
        &[
            "party",
            "add",
            "--kind",
            "employer",
            "--name",
            "深圳市示例科技有限公司",
            "--identifier",
            "91350100M000100Y43",
            "--station",
            "440304-001",
            "--email",
            "hr@example.cn",
            "--password-stdin",
        ],
        Some(PASSWORD),
    );
    assert!(party.status.success());
    let key = run_cli(
        &store,
        &[
            "apikey",
            "create",
            "--email",
            "hr@example.cn",
            "--name",
            "schemathesis",
        ],
        None,
    );
    let key = String::from_utf8(key.stdout).unwrap().trim().to_owned();
    let (mut server, port, _logs) = serve_binary(
        &store,
        &[
            ("ATTEST_VERIFY_PER_MINUTE", "1000000"),
            ("ATTEST_ISSUE_PER_MINUTE", "1000000"),
        ],
    );
    let out = std::process::Command::new("schemathesis")
        .args([
            "run",
            &format!("http://127.0.0.1:{port}/api/v1/openapi.json"),
        ])
        .args(["-H", &format!("Authorization: Bearer {key}")])
        .args([
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
        ])
        .args(["--max-examples", "50", "--no-color"])
        .env("SCHEMATHESIS_HOOKS", "")
        // Its cache (.schemathesis/) goes to the test's own directory, not the repository.
        .current_dir(store.path())
        .output()
        .expect("schemathesis runs");
    server.kill().unwrap();
    server.wait().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains("Tested: 8"), "{report}");
}
