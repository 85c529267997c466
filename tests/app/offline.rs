//! Verification without a network, judged by clients no one here wrote: Python's PyJWT
//! reading the status lists, Chromium running the offline verifier with its connection
//! cut, and zbar reading printed QR codes degraded as a phone camera sees them.

use super::token_status_lists::three_proofs;
use crate::gates::{require, PYTHON};
use crate::helpers::*;

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
        (
            "SCANNED",
            attest::web::paths::verify_url(&app.address, &valid),
        ),
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

/// The print page's QR side (`.qr img` in static/app.css, print).
const PRINTED_MM: f64 = 60.0;

/// The QR image of a print page drawn as a printer draws it: `mm` wide at `dpi`, each module
/// a block of whole pixels (the page asks for `image-rendering: pixelated`), on white.
fn printed(qr: &attest::documents::qr::QrMatrix, mm: f64, dpi: f64) -> Vec<u8> {
    let side = (mm / 25.4 * dpi).round() as usize;
    let margin = side / 4;
    let full = side + 2 * margin;
    let mut pixels = vec![255u8; full * full];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (x * qr.width / side, y * qr.width / side);
            pixels[(y + margin) * full + x + margin] = qr.pixels[my * qr.width + mx];
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, full as u32, full as u32);
    encoder.set_color(png::ColorType::Grayscale);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&pixels).unwrap();
    writer.finish().unwrap();
    out
}

#[tokio::test]
async fn zbar_reads_every_kind_of_proof_printed_at_300_dpi_from_a_phone_like_photo() {
    require!(Browser);
    use attest::domain::{PartyKind, PartyStatus};
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    let residence = residence_form();
    let attendance = attendance_form();
    let employment = employment_form();
    let parties = [
        (
            PartyKind::Lessor,
            "440524199001010018",
            "residence",
            &residence,
        ),
        (
            PartyKind::Employer,
            "91110000600037341L",
            "employment",
            &employment,
        ),
        (
            PartyKind::School,
            "12440300455000001D",
            "attendance",
            &attendance,
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut images = Vec::new();
    let mut expected = std::collections::BTreeMap::new();
    for (n, (kind, identifier, proof, form)) in parties.iter().enumerate() {
        let email = format!("p{n}@example.cn");
        app.add_party(
            *kind,
            identifier,
            "440304-001",
            &email,
            PartyStatus::Approved,
        );
        let client = browser();
        app.login_with(&client, &email).await;
        let id = app.issue_with(&client, proof, form).await;
        let url = attest::web::paths::verify_url(&app.address, &app.token_of(&id));
        // The PDF, rasterised by poppler at 150 and 300 dpi.
        let pdf = app
            .get_with(&client, &format!("/party/attestations/{id}/pdf"))
            .await
            .bytes()
            .await
            .unwrap();
        let pdf_file = dir.path().join(format!("{proof}.pdf"));
        std::fs::write(&pdf_file, &pdf).unwrap();
        // The print page's QR image, drawn at its printed size.
        let print = app
            .get_with(&client, &format!("/party/attestations/{id}/print"))
            .await
            .text()
            .await
            .unwrap();
        let src = attr(&print, "figure.qr img", "src").unwrap();
        let png = base64_decode(src.strip_prefix("data:image/png;base64,").unwrap());
        assert_eq!(
            decode_qr(&png),
            url,
            "the print page's QR holds the verify URL"
        );
        let qr = attest::documents::qr::QrMatrix::new(&url).unwrap();
        for dpi in [150, 300] {
            let base = dir.path().join(format!("{proof}-pdf-{dpi}"));
            let status = std::process::Command::new("pdftoppm")
                .args(["-r", &dpi.to_string(), "-png", "-singlefile", "-gray"])
                .arg(&pdf_file)
                .arg(&base)
                .status()
                .unwrap();
            assert!(status.success());
            images.push(format!("{proof}-pdf-{dpi}={}.png", base.display()));
            let page = dir.path().join(format!("{proof}-print-{dpi}.png"));
            std::fs::write(&page, printed(&qr, PRINTED_MM, f64::from(dpi))).unwrap();
            images.push(format!("{proof}-print-{dpi}={}", page.display()));
            expected.insert(format!("{proof}-pdf-{dpi}"), url.clone());
            expected.insert(format!("{proof}-print-{dpi}"), url.clone());
        }
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/qr_photo.py");
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-qr");
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(PYTHON)
            .arg(script)
            .arg(out)
            .args(images)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), expected.len() * 5, "{report}");
    for line in lines {
        let mut words = line.splitn(3, ' ');
        let (name, degradation, text) = (
            words.next().unwrap(),
            words.next().unwrap(),
            words.next().unwrap_or(""),
        );
        // At 300 dpi every degradation decodes; at 150 dpi only the print page's code as
        // printed (2.9 px a module; halved or blurred it is below what any decoder reads:
        // BENCHMARKS.md, "QR codes from paper").
        if name.ends_with("-300") || (name.contains("-print-") && degradation == "as_printed") {
            assert_eq!(text, expected[name], "{name} {degradation}");
        }
    }
}
