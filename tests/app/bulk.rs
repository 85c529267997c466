//! Bulk issuance from CSV files as Excel saves them, through the real server: template,
//! upload (UTF-8, UTF-8 with BOM, GBK), the preview's row errors, fixing rows, issuing with
//! progress, the station's one email, the results CSV, the print page and the PDF.

use crate::gates::backend;
use crate::helpers::*;
use crate::smtp::SmtpServer;
use attest::cli::sample_id_number;
use attest::domain::{AttestationKind, IdNumber};
use reqwest::{multipart, Client, StatusCode};

/// A proof-of-employment file of `n` employees as Excel saves it, as text.
fn employees(n: usize) -> String {
    let bytes = attest::cli::sample_csv(AttestationKind::Employment, n, false);
    String::from_utf8(bytes)
        .unwrap()
        .trim_start_matches('\u{feff}')
        .to_owned()
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

/// Uploads `bytes` as `name` for `kind` with `encoding` chosen; the response.
async fn upload(
    app: &TestApp,
    client: &Client,
    kind: &str,
    encoding: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let token = app.csrf_token(client).await;
    let form = multipart::Form::new()
        .text("csrf_token", token)
        .text("kind", kind.to_owned())
        .text("encoding", encoding.to_owned())
        .part(
            "file",
            multipart::Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str("text/csv")
                .unwrap(),
        );
    client
        .post(app.url("/party/attestations/bulk"))
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

/// Uploads and expects the batch page; returns its path.
async fn upload_ok(app: &TestApp, client: &Client, encoding: &str, bytes: Vec<u8>) -> String {
    let response = upload(app, client, "employment", encoding, "员工.csv", bytes).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );
    location(&response)
}

/// The upload's answer beside the file field (the form re-rendered with 422).
async fn refused(app: &TestApp, client: &Client, encoding: &str, bytes: Vec<u8>) -> String {
    let response = upload(app, client, "employment", encoding, "bad.csv", bytes).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    text(&html, "#file-error").expect("a message beside the file field")
}

async fn page(app: &TestApp, client: &Client, path: &str) -> String {
    let response = app.get_with(client, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

/// Every (line, column, message) the preview lists.
fn listed_errors(html: &str) -> Vec<(String, String, String)> {
    let doc = scraper::Html::parse_document(html);
    let row = scraper::Selector::parse("#errors tbody tr").unwrap();
    let cell = scraper::Selector::parse("td").unwrap();
    let mut line = String::new();
    doc.select(&row)
        .map(|tr| {
            let cells: Vec<String> = tr
                .select(&cell)
                .map(|td| td.text().collect::<String>().trim().to_owned())
                .collect();
            // The first problem of a row carries its line and name (rowspan).
            let (column, message) = if cells.len() >= 4 {
                line = cells[0].clone();
                (cells[2].clone(), cells[3].clone())
            } else {
                (cells[0].clone(), cells[1].clone())
            };
            (line.clone(), column, message)
        })
        .collect()
}

async fn issue(app: &TestApp, client: &Client, batch: &str) -> reqwest::Response {
    app.post_with(
        client,
        &format!("{batch}/issue"),
        &[("responsibility", "on")],
    )
    .await
}

#[tokio::test]
async fn an_hr_clerk_issues_3000_proofs_from_a_gbk_file_after_fixing_two_rows() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;

    // The template: UTF-8 with BOM, header in Chinese.
    let template = app
        .get_with(&hr, "/party/attestations/bulk/template/employment")
        .await;
    assert_eq!(template.status(), StatusCode::OK);
    assert!(template.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let bytes = template.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "Excel needs the BOM");
    let header = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(header.starts_with("姓名,公民身份号码,职务"), "{header}");

    // 3,000 employees as Chinese Excel saves them (GBK); row 101 has a wrong check
    // character, row 2001 an impossible date.
    let (csv, bad_id) = flawed_staff_file();
    let wrong = flip_check(&bad_id);
    let batch = upload_ok(&app, &hr, "auto", gbk(&csv)).await;

    let preview = page(&app, &hr, &batch).await;
    assert_eq!(text(&preview, "#valid-count").as_deref(), Some("2998"));
    assert_eq!(text(&preview, "#error-count").as_deref(), Some("2"));
    assert!(preview.contains("GBK"), "the encoding found is shown");
    let errors = listed_errors(&preview);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].0, "101");
    assert_eq!(errors[0].1, "公民身份号码");
    assert!(errors[0].2.contains("校验"), "{}", errors[0].2);
    assert_eq!(errors[1].0, "2001");
    assert_eq!(errors[1].1, "入职日期");
    assert!(!preview.contains(&wrong), "no full ID number on the page");

    // Fixing row 101: a still-wrong value comes back beside its field, input kept.
    let row = format!("{batch}/rows/101");
    let form = page(&app, &hr, &row).await;
    assert_eq!(
        attr(&form, "#subject_name", "value").as_deref(),
        Some("员工99")
    );
    let mut form: Vec<(&'static str, String)> = vec![
        ("subject_name", "员工99".into()),
        ("subject_id_number", "44030419900101000".into()),
        ("position", "装配工".into()),
        ("department", "总装车间".into()),
        ("employed_since", "2021-03-01".into()),
        ("contract_type", "open_ended".into()),
    ];
    let again = app.post_with(&hr, &row, &fields(&form)).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = again.text().await.unwrap();
    assert!(text(&again, "#subject_id_number-error").is_some());
    assert_eq!(
        attr(&again, "#position", "value").as_deref(),
        Some("装配工")
    );
    form[1].1 = bad_id.clone();
    let fixed = app.post_with(&hr, &row, &fields(&form)).await;
    assert_eq!(fixed.status(), StatusCode::SEE_OTHER);
    // Row 2001 with the ID number of row 1: a duplicate, named.
    let row = format!("{batch}/rows/2001");
    form[0].1 = "员工1999".into();
    form[1].1 = sample_id_number(0);
    let dup = app.post_with(&hr, &row, &fields(&form)).await;
    assert_eq!(dup.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let dup = dup.text().await.unwrap();
    assert!(text(&dup, "#subject_id_number-error")
        .unwrap()
        .contains("第 2 行"));
    form[1].1 = sample_id_number(1999);
    let fixed = app.post_with(&hr, &row, &fields(&form)).await;
    assert_eq!(fixed.status(), StatusCode::SEE_OTHER);
    let preview = page(&app, &hr, &batch).await;
    assert_eq!(text(&preview, "#valid-count").as_deref(), Some("3000"));
    assert!(listed_errors(&preview).is_empty());

    // Issuing needs the statement of responsibility.
    let unticked = app.post_with(&hr, &format!("{batch}/issue"), &[]).await;
    assert_eq!(unticked.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&unticked.text().await.unwrap(), "#responsibility-error").is_some());

    assert_eq!(
        issue(&app, &hr, &batch).await.status(),
        StatusCode::SEE_OTHER
    );
    let issuing = page(&app, &hr, &batch).await;
    let seen = wait_done(&app, &hr, &batch).await;
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "progress only grows: {seen:?}"
    );
    assert_eq!(seen.last(), Some(&3000));
    assert!(
        issuing.contains("bulk-progress") || issuing.contains("done-text"),
        "the page shows the progress bar while issuing"
    );
    // Issuing again is a no-op.
    issue(&app, &hr, &batch).await;

    let done = page(&app, &hr, &batch).await;
    assert!(text(&done, "#done-text").unwrap().contains("3000"));

    // The station gets one email for the batch.
    let mails = smtp.wait_for(1, 20);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let mails = if smtp.messages().len() > mails.len() {
        smtp.messages()
    } else {
        mails
    };
    assert_eq!(
        mails.len(),
        1,
        "{:?}",
        mails.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    assert_eq!(mails[0].to, vec!["station@example.cn"]);
    assert!(mails[0].subject.contains("3000"), "{}", mails[0].subject);
    assert!(mails[0].text.contains("员工0（"), "people are named");
    assert!(
        !mails[0].raw.contains(&sample_id_number(0)),
        "masked ID numbers only"
    );

    // The results: every row, masked ID, code, verify URL that verifies.
    let results = app
        .get_with(&hr, &format!("{batch}/results.csv"))
        .await
        .bytes()
        .await
        .unwrap();
    assert!(results.starts_with(b"\xEF\xBB\xBF"));
    let results = String::from_utf8(results[3..].to_vec()).unwrap();
    assert!(
        !results.contains(&sample_id_number(5)),
        "no full ID number in the results"
    );
    let mut reader = csv::Reader::from_reader(results.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 3000);
    assert_eq!(&records[5][1], "员工5");
    assert_eq!(
        &records[5][2],
        IdNumber::parse(&sample_id_number(5)).unwrap().masked()
    );
    let url = &records[5][4];
    let verdict = app.verify_token(&token_in(url)).await;
    assert_eq!(verdict["status"], "valid");
    assert_eq!(verdict["claims"]["subject"]["name"], "员工5");
    let code = &records[2999][3];
    let (_, by_code) = app
        .api("/api/v1/verify", None, serde_json::json!({ "code": code }))
        .await;
    assert_eq!(by_code["status"], "valid");

    // One PDF with every proof: a page each, the names and codes in its text.
    let pdf = app.get_with(&hr, &format!("{batch}/pdf")).await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = pdf.bytes().await.unwrap();
    let document = lopdf::Document::load_mem(&pdf).expect("a PDF");
    assert_eq!(document.get_pages().len(), 3000);
    assert!(
        pdf.windows(10).any(|w| w == b"/FontFile3"),
        "the font is embedded"
    );
}

/// The text of a PDF, read by pdf-extract (an independent reader).
fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"));
    pdf_extract::extract_text_from_mem(pdf).expect("a readable PDF")
}

#[tokio::test]
async fn utf8_utf8_with_bom_and_gbk_files_read_the_same() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let csv = employees(3).replace("员工", "张珺");
    for (encoding, bytes, shown) in [
        ("auto", csv.as_bytes().to_vec(), "UTF-8"),
        (
            "auto",
            [b"\xEF\xBB\xBF".as_slice(), csv.as_bytes()].concat(),
            "UTF-8",
        ),
        ("auto", gbk(&csv), "GBK"),
        ("gbk", gbk(&csv), "GBK"),
        ("utf-8", csv.as_bytes().to_vec(), "UTF-8"),
    ] {
        let batch = upload_ok(&app, &hr, encoding, bytes).await;
        let html = page(&app, &hr, &batch).await;
        assert_eq!(
            text(&html, "#valid-count").as_deref(),
            Some("3"),
            "{encoding}"
        );
        assert!(html.contains(shown), "{encoding}: {shown}");
    }
    // A GBK file said to be UTF-8 (and the reverse) is refused with the way out.
    assert!(refused(&app, &hr, "utf-8", gbk(&csv))
        .await
        .contains("不是 UTF-8"));
    let utf8_only = employees(1).replace("员工", "张珺😀");
    assert!(refused(&app, &hr, "gbk", utf8_only.into_bytes())
        .await
        .contains("不是 GBK"));

    // Issued from GBK, the names read right everywhere: list, print page, PDF.
    let batch = upload_ok(&app, &hr, "auto", gbk(&csv)).await;
    issue(&app, &hr, &batch).await;
    wait_done(&app, &hr, &batch).await;
    let print = page(&app, &hr, &format!("{batch}/print")).await;
    let doc = scraper::Html::parse_document(&print);
    let article = scraper::Selector::parse("article.document").unwrap();
    assert_eq!(doc.select(&article).count(), 3);
    assert!(print.contains("张珺2"));
    let pdf = app
        .get_with(&hr, &format!("{batch}/pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    let text = pdf_text(&pdf);
    for name in ["张珺0", "张珺1", "张珺2"] {
        assert!(text.contains(name), "{name} in {text}");
    }
    assert_eq!(text.matches("在职证明").count(), 3);
}

#[tokio::test]
async fn every_kind_of_row_error_is_listed_with_its_row_and_column() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let today = attest::domain::china_time::today();
    let past = (today - chrono::Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    let long = "岗".repeat(51);
    let rows = [
        format!(",{},装配工,,2021-03-01,无固定期限,,,", sample_id_number(1)), // 2: name missing
        format!(
            "王二,{},装配工,,2021-03-01,无固定期限,,,",
            flip_check(&sample_id_number(2))
        ), // 3: check character
        "王三,4.40304E+17,装配工,,2021-03-01,无固定期限,,,".to_owned(),       // 4: Excel notation
        format!(
            "王四,{},装配工,,2021-02-30,无固定期限,,,",
            sample_id_number(4)
        ), // 5: no such date
        format!("王五,{},装配工,,2021-03-01,临时工,,,", sample_id_number(5)), // 6: not a contract type
        format!(
            "王六,{},{long},,2021-03-01,无固定期限,,,",
            sample_id_number(6)
        ), // 7: too long
        format!(
            "王七,{},装配工,,2021-03-01,无固定期限,,,",
            sample_id_number(1)
        ), // 8: repeats row 2's ID
        format!(
            "王八,{},装配工,,2021-03-01,无固定期限,,{past},",
            sample_id_number(8)
        ), // 9: starts in the past
        format!(
            "王九,{},装配工,,2021-03-01,无固定期限,2020-01-01,,",
            sample_id_number(9)
        ), // 10: left before joining
        format!(
            "王十,{},装配工,,2021-03-01,fixed_term,,,",
            sample_id_number(10)
        ), // 11: fine (stored value)
    ];
    let csv = format!(
        "姓名,公民身份号码,职务,部门,入职日期,劳动合同类型,离职日期,生效日期,有效期至\n{}\n",
        rows.join("\n")
    );
    let batch = upload_ok(&app, &hr, "auto", csv.into_bytes()).await;
    let html = page(&app, &hr, &batch).await;
    let errors = listed_errors(&html);
    let expect = [
        ("2", "姓名", "必填"),
        ("3", "公民身份号码", "校验"),
        ("4", "公民身份号码", "科学计数法"),
        ("5", "入职日期", "日期"),
        ("6", "劳动合同类型", "选择"),
        ("7", "职务", "50"),
        ("8", "公民身份号码", "第 2 行"),
        ("9", "生效日期", ""),
        ("10", "离职日期", ""),
    ];
    assert_eq!(errors.len(), expect.len(), "{errors:#?}");
    for ((line, column, message), (l, c, m)) in errors.iter().zip(expect) {
        assert_eq!((line.as_str(), column.as_str()), (l, c), "{message}");
        assert!(message.contains(m), "row {l}: {message}");
    }
    assert_eq!(text(&html, "#valid-count").as_deref(), Some("1"));

    // In English, the same preview speaks English.
    let en = english_browser();
    app.login_with(&en, "hr@example.cn").await;
    let html = page(&app, &en, &batch).await;
    let errors = listed_errors(&html);
    assert_eq!(errors[0].1, "Name");
    assert!(errors[6].2.contains("row 2"), "{}", errors[6].2);
}

#[tokio::test]
async fn bad_files_get_a_clear_answer_and_nothing_is_stored() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;

    // 50 MB.
    let one = employees(1);
    let huge = one.repeat(50 * 1024 * 1024 / one.len()).into_bytes();
    assert!(huge.len() > 49 * 1024 * 1024);
    assert!(refused(&app, &hr, "auto", huge).await.contains("MB"));
    // Binary, and an Excel workbook.
    let binary: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert!(refused(&app, &hr, "auto", binary)
        .await
        .contains("不是 CSV"));
    let xlsx = [b"PK\x03\x04".as_slice(), &[0u8; 200]].concat();
    assert!(refused(&app, &hr, "auto", xlsx).await.contains("另存为"));
    // Missing columns are named.
    let message = refused(&app, &hr, "auto", "姓名,职务\n王一,装配工\n".into()).await;
    assert!(
        message.contains("公民身份号码") && message.contains("入职日期"),
        "{message}"
    );
    // 100,000 rows.
    assert!(refused(&app, &hr, "auto", employees(100_000).into_bytes())
        .await
        .contains("10000"));
    // A header alone, an empty file, an unclosed quote.
    assert!(refused(&app, &hr, "auto", employees(0).into_bytes())
        .await
        .contains("没有数据"));
    assert!(refused(&app, &hr, "auto", Vec::new()).await.contains("空"));
    // Nothing was stored, the form kept the choices, and the server is fine.
    assert_eq!(batches(&app), 0);
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);

    // Without the form token: 403, nothing stored.
    let form = multipart::Form::new().text("kind", "employment").part(
        "file",
        multipart::Part::bytes(employees(2).into_bytes()).file_name("a.csv"),
    );
    let forged = hr
        .post(app.url("/party/attestations/bulk"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(batches(&app), 0);
}

fn batches(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    attest::db::schema::bulk_batches::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

#[tokio::test]
async fn a_batch_is_its_party_s_alone() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let batch = upload_ok(&app, &hr, "auto", employees(2).into_bytes()).await;
    let (_, other) = approved_employer(&app, "other@example.cn", "91440300MA5F00001A").await;
    for path in [
        batch.clone(),
        format!("{batch}/progress"),
        format!("{batch}/rows/2"),
        format!("{batch}/results.csv"),
        format!("{batch}/pdf"),
    ] {
        assert_eq!(
            app.get_with(&other, &path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        issue(&app, &other, &batch).await.status(),
        StatusCode::NOT_FOUND
    );
    // A landlord may not upload proofs of employment.
    let landlord = approved_landlord(&app, "landlord@example.cn").await;
    let response = upload(
        &app,
        &landlord,
        "employment",
        "auto",
        "a.csv",
        employees(1).into_bytes(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_attestation_pdf_reads_like_its_print_page_and_its_qr_holds_the_verify_url() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let id = app.issue_with(&hr, "employment", &employment_form()).await;
    let print = page(&app, &hr, &format!("/party/attestations/{id}/print")).await;
    let code = text(&print, ".code.big").unwrap();
    let name = text(&print, ".doc-facts dd").unwrap();

    let response = app
        .get_with(&hr, &format!("/party/attestations/{id}/pdf"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let pdf = response.bytes().await.unwrap();
    assert!(
        pdf.windows(10).any(|w| w == b"/FontFile3"),
        "the font travels with the file"
    );
    let text = pdf_text(&pdf);
    for expected in [
        name.as_str(),
        code.as_str(),
        "在职证明",
        "91110000600037341L",
        "《居住证暂行条例》第九条",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert!(
        !text.contains("440304199002151545")
            && !pdf.windows(18).any(|w| w == b"440304199002151545")
    );

    // The QR code on the print page decodes (rqrr, an independent decoder) to the verify URL.
    let src = attr(&print, "figure.qr img", "src").unwrap();
    let png = base64_decode(src.strip_prefix("data:image/png;base64,").unwrap());
    let decoded = decode_qr(&png);
    assert!(
        decoded.starts_with(&format!("{}/verify#", app.address)),
        "{decoded}"
    );
    assert_eq!(app.verify_token(&token_in(&decoded)).await["status"], "valid");
    // Another party's PDF is 404.
    let (_, other) = approved_employer(&app, "other@example.cn", "91440300MA5F00001A").await;
    assert_eq!(
        app.get_with(&other, &format!("/party/attestations/{id}/pdf"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_batch_stopped_by_a_restart_is_resumed_and_nothing_is_issued_twice() {
    backend!();
    use attest::db::schema::{attestations, bulk_batches};
    use diesel::prelude::*;
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let batch = upload_ok(&app, &hr, "auto", employees(1200).into_bytes()).await;
    let id = batch.rsplit('/').next().unwrap().to_owned();
    // As if an instance took the batch and died: issuing, its lease run out.
    diesel::update(bulk_batches::table.find(&id))
        .set((
            bulk_batches::state.eq("issuing"),
            bulk_batches::lease_until.eq(attest::db::now() - chrono::Duration::minutes(5)),
        ))
        .execute(&mut *app.conn())
        .unwrap();
    let stalled = page(&app, &hr, &batch).await;
    assert!(stalled.contains("继续签发"), "the page offers to resume");
    assert_eq!(
        issue(&app, &hr, &batch).await.status(),
        StatusCode::SEE_OTHER
    );
    // A second click while it runs does not start a second issuer.
    issue(&app, &hr, &batch).await;
    assert_eq!(wait_done(&app, &hr, &batch).await.last(), Some(&1200));
    let issued: i64 = attestations::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(issued, 1200);
    let done = page(&app, &hr, &batch).await;
    assert!(!done.contains("继续签发"));
    // The full ID numbers of the file are gone once it is done.
    let cells: Vec<String> = attest::db::schema::bulk_rows::table
        .select(attest::db::schema::bulk_rows::cells)
        .load(&mut *app.conn())
        .unwrap();
    assert!(cells.iter().all(String::is_empty));
}

#[tokio::test]
async fn the_sample_file_from_the_cli_uploads_clean() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let out = run_cli(
        &app.data_dir,
        &["dev", "sample-csv", "--kind", "employment", "--rows", "50"],
        None,
    );
    assert!(out.status.success());
    assert!(std::str::from_utf8(&out.stdout).is_err(), "GBK by default");
    let batch = upload_ok(&app, &hr, "auto", out.stdout).await;
    let html = page(&app, &hr, &batch).await;
    assert_eq!(text(&html, "#valid-count").as_deref(), Some("50"));
    assert!(html.contains("GBK"));

    let utf8 = run_cli(
        &app.data_dir,
        &["dev", "sample-csv", "--utf8", "--rows", "1"],
        None,
    );
    assert!(utf8.stdout.starts_with(b"\xEF\xBB\xBF"));
    let bad = run_cli(
        &app.data_dir,
        &["dev", "sample-csv", "--kind", "visa"],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--kind"));
}

#[tokio::test]
async fn a_name_excel_would_run_as_a_formula_comes_back_inert_in_the_results() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let csv = employees(2).replace("员工1,", "=HYPERLINK(\"http://evil.example\"),");
    let batch = upload_ok(&app, &hr, "auto", csv.into_bytes()).await;
    issue(&app, &hr, &batch).await;
    wait_done(&app, &hr, &batch).await;
    let results = app
        .get_with(&hr, &format!("{batch}/results.csv"))
        .await
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(results.trim_start_matches('\u{feff}').as_bytes());
    let names: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_owned()).collect();
    assert_eq!(names, ["员工0", "'=HYPERLINK(\"http://evil.example\")"]);
}

#[tokio::test]
async fn a_batch_of_3000_with_applicant_emails_queues_each_applicant_their_page_and_pdf() {
    backend!();
    use diesel::prelude::*;
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    // The sample file with its last, optional column filled in, as a clerk does in Excel.
    let sample = employees(3000);
    assert!(sample.lines().next().unwrap().ends_with(",申请人电子邮箱"));
    let file: String = sample
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(n, line)| match n {
            0 => format!("{line}\r\n"),
            n => format!("{line}e{n}@example.cn\r\n"),
        })
        .collect();
    let batch = upload_ok(&app, &hr, "auto", file.into_bytes()).await;
    let preview = page(&app, &hr, &batch).await;
    assert_eq!(text(&preview, "#valid-count").as_deref(), Some("3000"));
    assert_eq!(issue(&app, &hr, &batch).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(wait_done(&app, &hr, &batch).await.last(), Some(&3000));

    let mut conn = app.conn();
    let holder_links: i64 = attest::db::schema::holder_links::table
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(holder_links, 3000, "each applicant has a page");
    let to_applicants: Vec<String> = attest::db::schema::outbox::table
        .filter(attest::db::schema::outbox::attachment_of.is_not_null())
        .select(attest::db::schema::outbox::recipients)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(to_applicants.len(), 3000, "none refused");
    assert!(to_applicants.iter().any(|r| r.contains("e2999@example.cn")));
}
