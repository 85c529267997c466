//! At the station's desk: an applicant's proofs scanned into one application, checked
//! against Article 9 with the six-month count, the one-time notice (page, PDF, email), and
//! the station told at once when a proof of an open application changes.

use crate::gates::backend;
use crate::helpers::*;
use crate::smtp::SmtpServer;
use attest::domain::Role;
use chrono::{Months, NaiveDate};
use reqwest::{Client, StatusCode};

const APPLICANT: &str = "440304199002151545";

struct Desk {
    app: TestApp,
    landlord: Client,
    hr: Client,
    officer: Client,
}

async fn desk_on(app: TestApp) -> Desk {
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let landlord = approved_landlord(&app, "landlord@example.cn").await;
    app.add_staff(Role::Station, "futian@example.cn", Some("440304-001"));
    let officer = browser();
    app.login_with(&officer, "futian@example.cn").await;
    Desk {
        app,
        landlord,
        hr,
        officer,
    }
}

async fn desk() -> Desk {
    desk_on(spawn_app().await).await
}

fn months_ago(app: &TestApp, months: u32) -> NaiveDate {
    app.clock.today().checked_sub_months(Months::new(months)).unwrap()
}

impl Desk {
    /// A residence proof of the applicant, who moved in on `since`.
    async fn residence(&self, since: NaiveDate, extra: &[(&'static str, &str)]) -> String {
        let mut form = with(residence_form(), "residing_since", &since.to_string());
        for (k, v) in extra {
            form = with(form, k, v);
        }
        self.app.issue_with(&self.landlord, "residence", &form).await
    }

    async fn employment(&self, id_number: &str) -> String {
        let form = with(employment_form(), "subject_id_number", id_number);
        self.app.issue_with(&self.hr, "employment", &form).await
    }

    /// Accepts an application; its page's path.
    async fn open(&self, number: &str, kind: &str) -> String {
        let r = self
            .app
            .post_with(
                &self.officer,
                "/station/applications/new",
                &[
                    ("id_number", APPLICANT),
                    ("application_no", number),
                    ("kind", kind),
                    ("officer_no", "012345"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        location(&r)
    }

    async fn scan(&self, application: &str, input: &str) -> reqwest::Response {
        self.app
            .post_with(
                &self.officer,
                &format!("{application}/proofs"),
                &[("scan", input)],
            )
            .await
    }

    /// Scans proof `id` as a USB scanner types its QR code: the verify URL with the token.
    async fn scan_qr(&self, application: &str, id: &str) {
        let url = format!("{}/verify#{}", self.app.address, self.app.token_of(id));
        let r = self.scan(application, &url).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    }

    async fn tick_all(&self, application: &str) {
        let r = self
            .app
            .post_with(
                &self.officer,
                &format!("{application}/checks"),
                &[
                    ("identity_card_seen", "1"),
                    ("photograph_taken", "1"),
                    ("form_signed", "1"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }

    async fn page(&self, client: &Client, path: &str) -> String {
        self.app.get_with(client, path).await.text().await.unwrap()
    }
}

/// The verification code of proof `id`, as printed.
fn code_of(app: &TestApp, id: &str) -> String {
    let row = attest::db::models::attestations::find_by_id(
        &mut app.conn(),
        &attest::domain::AttestationId::from(id),
    )
    .unwrap()
    .unwrap();
    attest::domain::VerificationCode::from_stored(row.code).display()
}

fn line_state(html: &str, item: &str) -> String {
    attr(html, &format!("#line-{item}"), "data-state").unwrap_or_default()
}

#[tokio::test]
async fn eight_months_of_residence_and_a_job_meet_the_conditions() {
    backend!();
    let d = desk().await;
    let home = d.residence(months_ago(&d.app, 8), &[]).await;
    let job = d.employment(APPLICANT).await;
    let application = d.open("FT-2026-0001", "first").await;
    d.scan_qr(&application, &home).await;
    let r = d.scan(&application, &code_of(&d.app, &job)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "a typed code adds too");
    let html = d.page(&d.officer, &application).await;
    assert_eq!(line_state(&html, "identity_card"), "missing");
    d.tick_all(&application).await;

    let html = d.page(&d.officer, &application).await;
    assert_eq!(text(&html, "#application-state").unwrap(), "条件具备");
    for item in [
        "residence",
        "basis",
        "identity_card",
        "photograph",
        "application_form",
    ] {
        assert_eq!(line_state(&html, item), "met", "{item}");
    }
    let basis = text(&html, "#line-basis").unwrap();
    assert!(basis.contains(&code_of(&d.app, &job)), "{basis}");
    assert!(text(&html, "#line-residence")
        .unwrap()
        .contains(&code_of(&d.app, &home)));
    assert!(text(&html, "#residence-span").unwrap().contains("8 个月"));
    assert!(!html.contains(APPLICANT), "never the full number");
    assert!(html.contains("440304********1545"));

    let list = d.page(&d.officer, "/station/applications").await;
    let row = text(&list, "#applications tbody tr").unwrap();
    assert!(row.contains("FT-2026-0001") && row.contains("futian@example.cn"), "{row}");
    assert!(row.contains("条件具备"), "{row}");
    let incomplete = d
        .page(&d.officer, "/station/applications?state=incomplete")
        .await;
    assert!(!incomplete.contains("FT-2026-0001"), "filtered by state");
}

#[tokio::test]
async fn four_months_alone_list_the_missing_basis_and_the_day_six_months_are_reached() {
    backend!();
    let smtp = SmtpServer::start();
    let d = desk_on(spawn_app_with_smtp(fresh_store(), &smtp.url()).await).await;
    let since = months_ago(&d.app, 4);
    let reached = since.checked_add_months(Months::new(6)).unwrap();
    let home = d
        .residence(since, &[("applicant_email", "tenant@example.cn")])
        .await;
    let application = d.open("FT-2026-0002", "first").await;
    d.scan_qr(&application, &home).await;
    d.tick_all(&application).await;

    let html = d.page(&d.officer, &application).await;
    assert_eq!(text(&html, "#application-state").unwrap(), "材料不全");
    assert_eq!(line_state(&html, "residence"), "met");
    assert_eq!(line_state(&html, "basis"), "missing");
    let six = text(&html, "#six-months-on").unwrap();
    assert!(six.contains(&reached.to_string()) && six.contains("尚未满"), "{six}");

    // Ten days later (by the portal's clock) the count has moved on; the day has not.
    d.app.clock.advance(chrono::Duration::days(10));
    let html = d.page(&d.officer, &application).await;
    let span = text(&html, "#residence-span").unwrap();
    if since.checked_add_months(Months::new(4)) == Some(d.app.clock.today() - chrono::Duration::days(10)) {
        assert!(span.starts_with("0 年 4 个月 10 天"), "{span}");
    }
    assert!(text(&html, "#six-months-on").unwrap().contains(&reached.to_string()));

    let given = d
        .app
        .post_with(&d.officer, &format!("{application}/notice"), &[])
        .await;
    assert_eq!(given.status(), StatusCode::SEE_OTHER);
    let notice = d.page(&d.officer, &location(&given)).await;
    let items: Vec<String> = {
        let doc = scraper::Html::parse_document(&notice);
        let sel = scraper::Selector::parse("ol.notice-items li").unwrap();
        doc.select(&sel).map(|e| e.text().collect()).collect()
    };
    assert_eq!(items.len(), 1, "exactly what is missing: {items:?}");
    assert!(items[0].contains("合法稳定就业") && items[0].contains(&reached.to_string()));
    let heading = text(&notice, "#notice dl").unwrap();
    for part in ["福田派出所", "FT-2026-0002", "012345", "440304********1545"] {
        assert!(heading.contains(part), "{part} in {heading}");
    }
    assert!(heading.contains(&d.app.clock.today().to_string()), "the date");

    let pdf = d
        .app
        .get_with(&d.officer, &format!("{application}/notice/pdf"))
        .await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = pdf_extract::extract_text_from_mem(&pdf.bytes().await.unwrap()).unwrap();
    let squeezed: String = pdf.split_whitespace().collect();
    for part in ["一次性告知书", "FT-2026-0002", "012345", &reached.to_string()] {
        assert!(squeezed.contains(part), "{part} in the PDF: {pdf}");
    }
    assert!(!squeezed.contains(APPLICANT));

    // The count shows on the desk's verify result and on the applicant's page too.
    let url = format!("{}/verify#{}", d.app.address, d.app.token_of(&home));
    let verified = d.app.post_with(&d.officer, "/verify", &[("input", &url)]).await;
    let verified = verified.text().await.unwrap();
    assert!(text(&verified, "#six-months-on").unwrap().contains(&reached.to_string()));
    let my = smtp.link_to("tenant@example.cn", "/my/").await;
    let my = d.page(&browser(), &my).await;
    assert!(text(&my, "#six-months-on").unwrap().contains(&reached.to_string()));
    assert!(text(&my, "#residence-span").unwrap().contains("4 个月"));

    let mail = smtp.with_subject("一次性告知书", 1).await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, ["tenant@example.cn"]);
    assert!(mail[0].text.contains(&reached.to_string()) && mail[0].text.contains("FT-2026-0002"));
    assert!(!mail[0].raw.contains(APPLICANT));
}

#[tokio::test]
async fn a_proof_of_another_person_is_refused() {
    backend!();
    let d = desk().await;
    let other = d.employment(&attest::cli::sample_id_number(7)).await;
    let application = d.open("FT-2026-0003", "first").await;
    let r = d.scan(&application, &code_of(&d.app, &other)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(text(&html, "#scan-error").unwrap().contains("不是本申请人"));
    assert_eq!(attr(&html, "#scan-input", "value").unwrap(), code_of(&d.app, &other), "kept");
    assert!(text(&html, "#proofs").is_none(), "not added");
    let r = d.scan(&application, "not a proof").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_new_application_form_keeps_what_was_typed_and_says_what_is_wrong() {
    backend!();
    let d = desk().await;
    d.open("FT-2026-0004", "endorsement").await;
    let r = d
        .app
        .post_with(
            &d.officer,
            "/station/applications/new",
            &[
                ("id_number", "440304199002151546"),
                ("application_no", "FT-2026-0004"),
                ("kind", "first"),
                ("officer_no", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(text(&html, "#id_number-error").is_some());
    assert!(text(&html, "#officer_no-error").is_some());
    assert_eq!(attr(&html, "#application_no", "value").unwrap(), "FT-2026-0004");
    let r = d
        .app
        .post_with(
            &d.officer,
            "/station/applications/new",
            &[
                ("id_number", APPLICANT),
                ("application_no", "FT-2026-0004"),
                ("kind", "first"),
                ("officer_no", "012345"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(text(&html, "#application_no-error").unwrap().contains("已有"));
    // The officer number is remembered for the next one.
    let html = d.page(&d.officer, "/station/applications/new").await;
    assert_eq!(attr(&html, "#officer_no", "value").unwrap(), "012345");
}

#[tokio::test]
async fn an_endorsement_with_an_expired_residence_proof_is_incomplete() {
    backend!();
    let d = desk().await;
    let today = d.app.clock.today();
    let until = (today + chrono::Duration::days(5)).to_string();
    let home = d
        .residence(months_ago(&d.app, 13), &[("valid_until", &until)])
        .await;
    let application = d.open("FT-2026-0005", "endorsement").await;
    d.scan_qr(&application, &home).await;
    d.tick_all(&application).await;
    let html = d.page(&d.officer, &application).await;
    assert_eq!(text(&html, "#application-state").unwrap(), "条件具备");
    assert!(text(&html, "#line-basis").is_none(), "签注 asks for residence only");

    d.app.clock.advance(chrono::Duration::days(10));
    let html = d.page(&d.officer, &application).await;
    assert_eq!(line_state(&html, "residence"), "missing");
    assert_eq!(text(&html, "#application-state").unwrap(), "材料不全");
}

#[tokio::test]
async fn ending_a_proof_of_an_open_application_tells_its_station_at_once_even_in_digest_mode() {
    backend!();
    let smtp = SmtpServer::start();
    let d = desk_on(spawn_app_with_smtp(fresh_store(), &smtp.url()).await).await;
    let r = d
        .app
        .post_with(
            &d.officer,
            "/station/settings",
            &[("notify_mode", "digest"), ("digest_hour", "0")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    set_last_digest(&d.app, 1);
    let home = d.residence(months_ago(&d.app, 8), &[]).await;
    let application = d.open("FT-2026-0006", "first").await;
    d.scan_qr(&application, &home).await;

    d.app.end_proof(&d.landlord, &home, "moved_out").await;
    let told = smtp.with_subject("受理中申请的证明有变更", 1).await;
    assert_eq!(told.len(), 1, "at once, not held for the digest");
    assert_eq!(told[0].to, ["station@example.cn"]);
    assert!(told[0].text.contains("FT-2026-0006"), "{}", told[0].text);
    assert!(told[0].text.contains(&application), "links the application");
    assert!(!told[0].raw.contains(APPLICANT));

    let html = d.page(&d.officer, &application).await;
    let banner = text(&html, ".banner-danger").expect("the red banner");
    assert!(banner.contains("已被注销") && banner.contains(&code_of(&d.app, &home)), "{banner}");
    assert_eq!(line_state(&html, "residence"), "missing");
    let dashboard = d.page(&d.officer, "/station").await;
    assert!(text(&dashboard, "#alerts").unwrap().contains("FT-2026-0006"));

    let r = d
        .app
        .post_with(&d.officer, &format!("{application}/acknowledge"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = d.page(&d.officer, &application).await;
    assert!(text(&html, ".banner-danger").is_none(), "acknowledged");
    let dashboard = d.page(&d.officer, "/station").await;
    assert!(text(&dashboard, "#alerts").is_none());
    // Once: the revocation's own email waits for the digest, and no second alert comes.
    std::thread::sleep(std::time::Duration::from_secs(2));
    let alerts = smtp.with_subject("受理中申请的证明有变更", 2).await;
    assert_eq!(alerts.len(), 1, "once");
    assert!(smtp.messages().iter().all(|m| !m.subject.contains("撤销")));
}

#[tokio::test]
async fn a_renewal_and_a_suspect_flag_reach_the_desk_too() {
    backend!();
    let smtp = SmtpServer::start();
    let d = desk_on(spawn_app_with_smtp(fresh_store(), &smtp.url()).await).await;
    let job = d.employment(APPLICANT).await;
    let home = d.residence(months_ago(&d.app, 8), &[]).await;
    let application = d.open("FT-2026-0009", "first").await;
    d.scan_qr(&application, &job).await;
    d.scan_qr(&application, &home).await;
    d.tick_all(&application).await;

    let key = d.app.key_from_settings(&d.hr).await;
    let (status, body) = d
        .app
        .api(
            &format!("/api/v1/attestations/{job}/renew"),
            Some(&key),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let r = d
        .app
        .post_with(
            &d.officer,
            &format!("/station/attestations/{home}/suspect"),
            &[("reason", "公章与备案不符")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let told = smtp.with_subject("受理中申请的证明有变更", 2).await;
    assert_eq!(told.len(), 2, "one email for each change");
    assert!(told.iter().any(|m| m.text.contains("已被换发")));
    assert!(told
        .iter()
        .any(|m| m.text.contains("可疑") && m.text.contains("公章与备案不符")));
    let html = d.page(&d.officer, &application).await;
    let doc = scraper::Html::parse_document(&html);
    let banners = scraper::Selector::parse(".banner-danger").unwrap();
    assert_eq!(doc.select(&banners).count(), 2, "a banner for each");
    assert_eq!(line_state(&html, "residence"), "needs_look", "a suspect proof");
    assert_eq!(text(&html, "#application-state").unwrap(), "需人工核查");

    // Closed, its proofs' changes are no longer reported.
    let r = d
        .app
        .post_with(&d.officer, &format!("{application}/close"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    d.app.end_proof(&d.landlord, &home, "moved_out").await;
    std::thread::sleep(std::time::Duration::from_secs(2));
    let told = smtp.with_subject("受理中申请的证明有变更", 3).await;
    assert_eq!(told.len(), 2, "nothing about a closed application");
    let html = d.page(&d.officer, &application).await;
    assert_eq!(text(&html, "#application-state").unwrap(), "已办结");
    assert!(text(&html, "#scan").is_none(), "no more scanning");
}

#[tokio::test]
async fn another_station_cannot_open_the_application() {
    backend!();
    let d = desk().await;
    d.app.add_station("440305-002", "南山派出所");
    d.app
        .add_staff(Role::Station, "nanshan@example.cn", Some("440305-002"));
    let nanshan = browser();
    d.app.login_with(&nanshan, "nanshan@example.cn").await;
    let home = d.residence(months_ago(&d.app, 8), &[]).await;
    let application = d.open("FT-2026-0007", "first").await;

    let r = d.app.get_with(&nanshan, &application).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let url = format!("{}/verify#{}", d.app.address, d.app.token_of(&home));
    let r = d
        .app
        .post_with(&nanshan, &format!("{application}/proofs"), &[("scan", &url)])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    for path in ["/notice", "/notice/pdf"] {
        let r = d.app.get_with(&nanshan, &format!("{application}{path}")).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let list = d.page(&nanshan, "/station/applications").await;
    assert!(!list.contains("FT-2026-0007"));
    let r = d.app.get_with(&d.hr, &application).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "a party is not station staff");
}

/// The (day, count, height) of each bar of the chart of `series` on `html`.
fn bars(html: &str, series: &str) -> Vec<(String, i64, f64)> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!("#chart-{series} rect")).unwrap();
    doc.select(&sel)
        .map(|e| {
            let a = |n| e.value().attr(n).unwrap().to_owned();
            (a("data-day"), a("data-count").parse().unwrap(), a("height").parse().unwrap())
        })
        .collect()
}

/// The count of `series` on `day` in the table behind the charts.
fn table_count(html: &str, series: &str, day: &str) -> i64 {
    let doc = scraper::Html::parse_document(html);
    let head = scraper::Selector::parse("#chart-table thead th").unwrap();
    let column = doc
        .select(&head)
        .position(|th| th.value().attr("data-series") == Some(series))
        .expect("a column");
    let rows = scraper::Selector::parse("#chart-table tbody tr").unwrap();
    let cells = scraper::Selector::parse("th, td").unwrap();
    let row = doc
        .select(&rows)
        .find(|tr| tr.select(&cells).next().unwrap().text().collect::<String>() == day)
        .expect("a row");
    let cell = row.select(&cells).nth(column).unwrap();
    cell.text().collect::<String>().trim().parse().unwrap()
}

/// Every bar of `series` is as tall as its count in the table, against the largest.
fn assert_bars_match_table(html: &str, series: &str) {
    let bars = bars(html, series);
    assert_eq!(bars.len(), 30, "{series}: a bar a day");
    let max = bars.iter().map(|b| b.1).max().unwrap().max(1) as f64;
    for (day, count, height) in &bars {
        assert_eq!(*count, table_count(html, series, day), "{series} {day}");
        assert!((height - *count as f64 / max * 100.0).abs() < 1e-6, "{series} {day}");
    }
}

#[tokio::test]
async fn the_dashboard_draws_the_counts_of_its_table() {
    backend!();
    let d = desk().await;
    let today = d.app.clock.today();
    let earlier = today - chrono::Duration::days(3);
    // Seeded: four proofs issued and one verified three days ago (the per-day counts).
    let station = attest::db::models::stations::find_by_code(&mut d.app.conn(), "440304-001")
        .unwrap()
        .unwrap();
    let seeded = attest::db::models::daily_counts::Counts {
        issued: 4,
        verified: 1,
        ..Default::default()
    };
    attest::db::models::daily_counts::add_all(&mut d.app.conn(), [(&station.id, earlier, seeded)])
        .unwrap();
    // Today: two proofs, one ended, one verified; an application and its notice.
    let first = d.employment(APPLICANT).await;
    d.employment(APPLICANT).await;
    d.app.end_proof(&d.hr, &first, "left_job").await;
    d.app.verify_token(&d.app.token_of(&first)).await;
    let application = d.open("FT-2026-0008", "first").await;
    d.app
        .post_with(&d.officer, &format!("{application}/notice"), &[])
        .await;

    let html = d.page(&d.officer, "/station").await;
    let (today, earlier) = (today.to_string(), earlier.to_string());
    for series in ["issued", "verified", "revoked", "accepted", "notices"] {
        assert_bars_match_table(&html, series);
    }
    assert_eq!(table_count(&html, "issued", &today), 2);
    assert_eq!(table_count(&html, "issued", &earlier), 4);
    assert_eq!(table_count(&html, "revoked", &today), 1);
    assert_eq!(table_count(&html, "verified", &today), 1);
    assert_eq!(table_count(&html, "accepted", &today), 1);
    assert_eq!(table_count(&html, "notices", &today), 1);
    let issued = bars(&html, "issued");
    assert_eq!(issued.last().unwrap().2, 50.0, "2 of 4");
    let top = text(&html, "#ranking-table tbody tr td:last-child").unwrap();
    assert_eq!(top, "2", "the employer's two proofs this month");
    assert!(attr(&html, "#chart-issued svg", "role") == Some("img".into()));

    // The party's own home: its proofs per day.
    let home = d.page(&d.hr, "/party").await;
    for series in ["issued", "verified", "revoked"] {
        assert_bars_match_table(&home, series);
    }
    assert_eq!(table_count(&home, "issued", &today), 2);
    assert_eq!(table_count(&home, "revoked", &today), 1);
}
