//! The browser suite (tests/e2e/flow.mjs) against a real portal: headless Chromium, axe-core
//! on every page, the Nu Html Checker over every page's HTML, screenshots in target/e2e/.

use crate::gates::require;
use crate::helpers::*;
use attest::domain::Role;

#[tokio::test]
async fn a_person_goes_through_the_portal_in_a_real_browser() {
    require!(Browser);
    // As deployed: staff must set up a second factor.
    let app = spawn_app_configured(fresh_store(), |c| {
        c.second_factor = attest::domain::SecondFactorPolicy::Staff;
    })
    .await;
    app.add_station("440304-001", "福田派出所");
    app.add_staff(Role::Station, "officer@example.cn", Some("440304-001"));
    app.add_staff(Role::Admin, "admin@example.cn", None);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/e2e");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let script = root.join("tests/e2e/flow.mjs");
    // The bulk file, as Chinese Excel saves it: GBK, 3,000 employees, row 101 with a wrong
    // check character, row 2001 with an impossible date.
    let (csv, fix_id) = flawed_staff_file();
    let csv_path = out.join("staff-gbk.csv");
    std::fs::write(&csv_path, encoding_rs::GBK.encode(&csv).0).unwrap();
    let base = app.address.clone();
    // No SMTP server here: the portal writes its emails as files, which the flow reads.
    let mail_dir = app.data_dir.path().join("mail");

    // Blocking on the browser on another thread, so this runtime keeps serving the portal.
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(script)
            .env("BASE", base)
            .env("OUT", &out)
            .env("MAIL_DIR", &mail_dir)
            .env("PASSWORD", PASSWORD)
            .env("OFFICER", "officer@example.cn")
            .env("ADMIN", "admin@example.cn")
            .env("BULK_CSV", &csv_path)
            .env("FIX_ID", fix_id)
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

    // The PDF the employer downloaded: a page per proof; the station got one email.
    let pdf = lopdf::Document::load(root.join("target/e2e/bulk.pdf")).expect("the PDF");
    assert_eq!(pdf.get_pages().len(), 3000);
    let batch_mails = attest::db::models::outbox::list_by_status(
        &mut app.conn(),
        &[
            attest::db::models::outbox::PENDING,
            attest::db::models::outbox::SENT,
        ],
        100_000,
    )
    .unwrap()
    .into_iter()
    .filter(|m| m.event == "batch_issued")
    .count();
    assert_eq!(batch_mails, 1);
}
