//! The browser suite (tests/e2e/flow.mjs) against a real portal: headless Chromium, axe-core
//! on every page, the Nu Html Checker over every page's HTML, screenshots in target/e2e/.

use crate::helpers::*;
use attest::domain::Role;

#[tokio::test]
async fn a_person_goes_through_the_portal_in_a_real_browser() {
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(Role::Station, "officer@example.cn", Some("440304-001"));
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/e2e");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let script = root.join("tests/e2e/flow.mjs");
    let base = app.address.clone();

    // Blocking on the browser on another thread, so this runtime keeps serving the portal.
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(script)
            .env("BASE", base)
            .env("OUT", &out)
            .env("PASSWORD", PASSWORD)
            .env("OFFICER", "officer@example.cn")
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
    assert!(
        output.status.success(),
        "the browser suite found problems (screenshots in target/e2e):\n{report}"
    );
    assert!(report.contains("no problem found"), "{report}");
}
