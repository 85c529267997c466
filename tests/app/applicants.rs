//! The applicant's side, through the real server and a real SMTP server: request links and
//! their posters, the request form, the party's queue (accept with corrections, reject
//! with a reason), the holder's page with its checks, and the requests API.

use crate::gates::backend;
use crate::helpers::*;
use crate::smtp::{Received, SmtpServer};
use attest::domain::Role;
use chrono::Duration;
use reqwest::{Client, StatusCode};
use serde_json::json;

const TENANT_ID: &str = "440304199002151545";
const TENANT_MASKED: &str = "440304********1545";
const TENANT_EMAIL: &str = "zhaoliu@example.cn";
const PARTY_NAME: &str = "测试单位 landlord@example.cn";

/// A landlord of 福田派出所 with the portal mailing `smtp`.
struct Flat {
    app: TestApp,
    smtp: SmtpServer,
    landlord: Client,
    party_id: String,
}

async fn flat() -> Flat {
    flat_configured(|_| {}).await
}

async fn flat_configured(change: impl FnOnce(&mut attest::config::Config)) -> Flat {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let app = spawn_app_configured(fresh_store(), move |config| {
        config.smtp_url = Some(url.parse().expect("SMTP URL"));
        config.smtp_timeout = std::time::Duration::from_secs(1);
        change(config);
    })
    .await;
    app.add_station("440304-001", "福田派出所");
    let party_id = app.add_party(
        attest::domain::PartyKind::Lessor,
        "11010519491231002X",
        "440304-001",
        "landlord@example.cn",
        attest::domain::PartyStatus::Approved,
    );
    let landlord = browser();
    app.login_with(&landlord, "landlord@example.cn").await;
    Flat {
        app,
        smtp,
        landlord,
        party_id,
    }
}

/// Makes a request link on `/party/requests/links` as `client`; the path of its URL.
async fn make_link(app: &TestApp, client: &Client, form: &[(&str, &str)]) -> String {
    let made = app
        .post_with(client, "/party/requests/links", form)
        .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER, "making a link");
    let row = location(&made)
        .split_once('#')
        .expect("the list, at the new link")
        .1
        .to_owned();
    let list = app
        .get_with(client, "/party/requests/links")
        .await
        .text()
        .await
        .unwrap();
    let url = attr(&list, &format!("#{row} input.link-url"), "value").expect("the link's URL");
    let at = url.find("/request/").expect("a /request/ URL");
    url[at..].to_owned()
}

/// What a tenant types into the request form of a residence link.
fn tenant_form() -> Vec<(&'static str, String)> {
    vec![
        ("subject_name", "赵六".into()),
        ("subject_id_number", TENANT_ID.into()),
        ("email", TENANT_EMAIL.into()),
        ("phone", "13912345678".into()),
        ("address", "深圳市福田区福华路 1 号 2 栋 301 室".into()),
        ("residing_since", "2025-07-01".into()),
        ("consent", "on".into()),
    ]
}

/// Submits `form` to `link` from a new phone; the answer.
async fn submit(app: &TestApp, link: &str, form: &[(&'static str, String)]) -> reqwest::Response {
    app.post_with(&browser(), link, &fields(form)).await
}

/// Submits `form` to `link` and expects the reference.
async fn submitted(app: &TestApp, link: &str, form: &[(&'static str, String)]) -> String {
    let done = submit(app, link, form).await;
    assert_eq!(done.status(), StatusCode::OK);
    let html = done.text().await.unwrap();
    text(&html, "#reference").expect("a reference number")
}

/// The path of the party's page of its only (or newest) open request.
async fn newest_request(app: &TestApp, client: &Client) -> String {
    let queue = app
        .get_with(client, "/party/requests")
        .await
        .text()
        .await
        .unwrap();
    attr(&queue, "table#requests tbody a", "href").expect("a request in the queue")
}

/// The accept form of a request page as the browser would send it, minus the CSRF token.
fn accept_values(html: &str) -> Vec<(String, String)> {
    let mut form = form_values(html, "form[action$='/accept']");
    form.retain(|(n, _)| n != "csrf_token");
    form
}

fn set(form: &mut Vec<(String, String)>, name: &str, value: &str) {
    match form.iter_mut().find(|(n, _)| n == name) {
        Some((_, v)) => *v = value.to_owned(),
        None => form.push((name.to_owned(), value.to_owned())),
    }
}

/// Accepts the request at `request` with the lease filled in (the facts a tenant does not
/// type) and `changes`; the id of the proof.
async fn accept(app: &TestApp, client: &Client, request: &str, changes: &[(&str, &str)]) -> String {
    let page = app.get_with(client, request).await.text().await.unwrap();
    let mut form = accept_values(&page);
    set(&mut form, "housing_basis", "lease");
    set(&mut form, "lease_end", "2027-06-30");
    set(&mut form, "responsibility", "on");
    for (name, value) in changes {
        set(&mut form, name, value);
    }
    let issued = app
        .post_with(client, &format!("{request}/accept"), &pairs(&form))
        .await;
    assert_eq!(issued.status(), StatusCode::SEE_OTHER, "accepting");
    location(&issued).rsplit('/').next().unwrap().to_owned()
}

/// The body of the PDF attached to `mail`.
fn attached_pdf(mail: &Received) -> Vec<u8> {
    fn find(part: &mailparse::ParsedMail) -> Option<Vec<u8>> {
        if part.ctype.mimetype == "application/pdf" {
            return part.get_body_raw().ok();
        }
        part.subparts.iter().find_map(find)
    }
    let parsed = mailparse::parse_mail(mail.raw.as_bytes()).expect("a parsable message");
    find(&parsed).expect("a PDF attached")
}

async fn only_mail_to(smtp: &SmtpServer, headline: &str, to: &str) -> Received {
    let mails: Vec<Received> = smtp
        .with_subject(headline, 1)
        .await
        .into_iter()
        .filter(|m| m.to == vec![to.to_owned()])
        .collect();
    assert_eq!(mails.len(), 1, "one “{headline}” email to {to}");
    mails.into_iter().next().unwrap()
}

/// The page at `path`, as someone without a session sees it.
async fn page_of(app: &TestApp, path: &str) -> String {
    page_of_with(app, &browser(), path).await
}

/// The page at `path` as `client` sees it; it must answer 200.
async fn page_of_with(app: &TestApp, client: &Client, path: &str) -> String {
    let response = app.get_with(client, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn a_tenant_asks_the_landlord_accepts_and_the_tenant_sees_who_checked_the_proof() {
    backend!();
    let Flat {
        app,
        smtp,
        landlord,
        ..
    } = flat().await;
    let link = make_link(&app, &landlord, &[("kind", "residence"), ("label", "2 栋 301")]).await;

    // The request form names the purpose, the party and how long the data is kept.
    let form = page_of(&app, &link).await;
    let consent = text(&form, "#consent-text").unwrap();
    for part in ["申领居住证", PARTY_NAME, "30"] {
        assert!(consent.contains(part), "{consent}");
    }

    // A mistake in the ID number: the message beside the field, the input kept.
    let typo = with(tenant_form(), "subject_id_number", &flip_check(TENANT_ID));
    let refused = submit(&app, &link, &typo).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = refused.text().await.unwrap();
    assert!(text(&refused, "#subject_id_number-error")
        .unwrap()
        .contains("校验"));
    assert_eq!(
        attr(&refused, "#subject_id_number", "value"),
        Some(flip_check(TENANT_ID))
    );
    assert_eq!(
        attr(&refused, "#address", "value").as_deref(),
        Some("深圳市福田区福华路 1 号 2 栋 301 室")
    );
    assert_eq!(attr(&refused, "#consent", "checked").as_deref(), Some(""));

    let reference = submitted(&app, &link, &tenant_form()).await;
    let receipt = only_mail_to(&smtp, "您的证明申请已提交", TENANT_EMAIL).await;
    assert!(receipt.text.contains(&reference));
    assert!(!receipt.raw.contains(TENANT_ID));

    // The landlord sees the count at home and the request, masked, in the queue.
    let home = page_of_with(&app, &landlord, "/party").await;
    assert_eq!(text(&home, "#requests-waiting").as_deref(), Some("1"));
    let queue = page_of_with(&app, &landlord, "/party/requests").await;
    assert!(queue.contains(&reference) && queue.contains(TENANT_MASKED));
    assert!(!queue.contains(TENANT_ID));

    // Accepting opens the issuing form with what the tenant typed; the landlord corrects the
    // move-in date.
    let request = newest_request(&app, &landlord).await;
    let prefilled = page_of_with(&app, &landlord, &request).await;
    assert_eq!(
        text(&prefilled, "#request-reference").as_deref(),
        Some(reference.as_str())
    );
    assert_eq!(
        attr(&prefilled, "#residing_since", "value").as_deref(),
        Some("2025-07-01")
    );
    assert_eq!(
        attr(&prefilled, "#applicant_email", "value").as_deref(),
        Some(TENANT_EMAIL)
    );
    assert_eq!(
        attr(&prefilled, "#responsibility", "checked"),
        None,
        "the party ticks the statement itself"
    );
    let id = accept(
        &app,
        &landlord,
        &request,
        &[("residing_since", "2025-06-15")],
    )
    .await;
    let queue = page_of_with(&app, &landlord, "/party/requests").await;
    assert!(!queue.contains(&reference), "an accepted request leaves the queue");

    // The tenant's email: the /my/ link and the PDF, masked ID and code, never the full ID.
    let issued = only_mail_to(&smtp, "已为您出具证明", TENANT_EMAIL).await;
    assert!(!issued.raw.contains(TENANT_ID));
    let pdf = pdf_extract::extract_text_from_mem(&attached_pdf(&issued)).expect("a PDF");
    let my = smtp.link_to(TENANT_EMAIL, "/my/").await;
    let page = app.get_with(&browser(), &my).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("no-store"));
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let page = page.text().await.unwrap();
    let code = text(&page, "#my-code").expect("the code");
    assert_eq!(text(&page, "#my-id").as_deref(), Some(TENANT_MASKED));
    assert!(!page.contains(TENANT_ID));
    assert!(page.contains("2025-06-15"), "the corrected date");
    assert!(text(&page, "#no-checks").is_some());
    let compact = pdf.split_whitespace().collect::<String>();
    assert!(compact.contains(TENANT_MASKED), "{pdf}");
    assert!(compact.contains(&code), "{pdf}");
    assert!(!compact.contains(TENANT_ID));
    // The print page and the PDF are the tenant's too.
    assert!(page_of(&app, &format!("{my}/print")).await.contains(&code));
    let download = app.get_with(&browser(), &format!("{my}/pdf")).await;
    assert_eq!(download.headers()["content-type"], "application/pdf");

    // The tenant opts in to emails at each verification.
    let tenant = browser();
    let saved = app
        .post_with(&tenant, &format!("{my}/notifications"), &[("notify", "on")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        attr(&page_of(&app, &my).await, "#notify", "checked").as_deref(),
        Some("")
    );

    // The station checks by code; so does someone without an account.
    app.add_staff(Role::Station, "officer@example.cn", Some("440304-001"));
    let officer = browser();
    app.login_with(&officer, "officer@example.cn").await;
    let verdict = app
        .post_with(&officer, "/verify", &[("input", &code)])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text(&verdict, ".verdict-status").as_deref(), Some("有效"));
    let checks_mail = only_mail_to(&smtp, "您的证明被核验了", TENANT_EMAIL).await;
    assert!(checks_mail.text.contains("福田派出所"), "{}", checks_mail.text);
    assert!(!checks_mail.text.contains("officer@example.cn"));
    app.post_with(&browser(), "/verify", &[("input", &code)])
        .await;

    let page = page_of(&app, &my).await;
    let doc = scraper::Html::parse_document(&page);
    let rows: Vec<String> = doc
        .select(&scraper::Selector::parse("#check-list tbody tr").unwrap())
        .map(|r| r.text().collect::<String>())
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].contains("一般公众") && rows[0].contains("有效"), "{rows:?}");
    assert!(rows[1].contains("福田派出所"), "{rows:?}");
    let today = app.clock.today().to_string();
    assert!(rows.iter().all(|r| r.contains(&today)), "{rows:?}");
    assert!(!page.contains("officer@example.cn"));

    // The landlord ends the proof: the page and an email say so.
    app.end_proof(&landlord, &id, "moved_out").await;
    let page = page_of(&app, &my).await;
    assert_eq!(text(&page, "#my-status").as_deref(), Some("已撤销"));
    let ended = only_mail_to(&smtp, "您的证明已被出具单位终止", TENANT_EMAIL).await;
    assert!(ended.text.contains(&code));
}

/// The status and `#closed-reason` of `link`'s form and of a submission to it.
async fn closed(app: &TestApp, link: &str) -> (StatusCode, String) {
    let page = app.get_with(&browser(), link).await;
    let status = page.status();
    let reason = text(&page.text().await.unwrap(), "#closed-reason").unwrap_or_default();
    let post = submit(app, link, &tenant_form()).await;
    assert_eq!(post.status(), status, "the form and a submission agree");
    (status, reason)
}

#[tokio::test]
async fn links_that_take_no_request_say_why() {
    backend!();
    let Flat { app, landlord, .. } = flat().await;
    let once = make_link(&app, &landlord, &[("kind", "residence"), ("max_uses", "1")]).await;
    let tomorrow = (app.clock.today() + Duration::days(1)).to_string();
    let dated = make_link(&app, &landlord, &[("kind", "residence"), ("valid_until", &tomorrow)]).await;
    let paused = make_link(&app, &landlord, &[("kind", "residence"), ("label", "东门")]).await;
    let deleted = make_link(&app, &landlord, &[("kind", "residence"), ("label", "西门")]).await;

    submitted(&app, &once, &tenant_form()).await;
    assert_eq!(
        closed(&app, &once).await,
        (StatusCode::GONE, "此申请链接的名额已用完。".into())
    );

    let list = page_of_with(&app, &landlord, "/party/requests/links").await;
    let action = |label: &str, what: &str| {
        let doc = scraper::Html::parse_document(&list);
        let row = doc
            .select(&scraper::Selector::parse("#links tbody tr").unwrap())
            .find(|r| r.text().collect::<String>().contains(label))
            .unwrap();
        row.select(&scraper::Selector::parse("form").unwrap())
            .filter_map(|f| f.value().attr("action"))
            .find(|a| a.ends_with(what))
            .unwrap()
            .to_owned()
    };
    let pause = action("东门", "/pause");
    let delete = action("西门", "/delete");
    assert_eq!(
        app.post_with(&landlord, &pause, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        closed(&app, &paused).await,
        (
            StatusCode::FORBIDDEN,
            "出具单位暂停了此申请链接，请稍后再试或联系出具单位。".into()
        )
    );
    let resume = pause.replace("/pause", "/resume");
    app.post_with(&landlord, &resume, &[]).await;
    assert!(page_of(&app, &paused).await.contains("consent"), "resumed");

    app.post_with(&landlord, &delete, &[]).await;
    assert_eq!(
        closed(&app, &deleted).await,
        (StatusCode::GONE, "出具单位已撤下此申请链接，不再接受申请。".into())
    );
    let list = page_of_with(&app, &landlord, "/party/requests/links").await;
    assert!(!list.contains("西门"), "a deleted link leaves the list");

    app.clock.advance(Duration::days(2));
    assert_eq!(
        closed(&app, &dated).await,
        (StatusCode::GONE, "此申请链接已过截止日期。".into())
    );
    let unknown = format!("{}x", &once[..once.len() - 1]);
    assert_eq!(
        closed(&app, &unknown).await,
        (
            StatusCode::NOT_FOUND,
            "没有这个申请链接。请检查链接是否完整，或向出具单位重新索取。".into()
        )
    );
}

#[tokio::test]
async fn a_link_form_with_a_bad_value_comes_back_with_its_input() {
    backend!();
    let Flat { app, landlord, .. } = flat().await;
    let bad = app
        .post_with(
            &landlord,
            "/party/requests/links",
            &[("kind", "residence"), ("label", "3 号楼"), ("max_uses", "0")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = bad.text().await.unwrap();
    assert!(text(&bad, "#max_uses-error").is_some());
    assert_eq!(attr(&bad, "#label", "value").as_deref(), Some("3 号楼"));
    assert!(text(&bad, "#no-links").is_some(), "nothing was made");
}

#[tokio::test]
async fn a_poster_holds_the_link_as_a_qr_code() {
    backend!();
    let Flat { app, landlord, .. } = flat().await;
    let link = make_link(&app, &landlord, &[("kind", "residence"), ("label", "2 栋 301")]).await;
    let list = page_of_with(&app, &landlord, "/party/requests/links").await;
    let poster = attr(&list, "#links a[href$='/poster']", "href").unwrap();
    let poster = page_of_with(&app, &landlord, &poster).await;
    assert!(poster.contains("2 栋 301") && poster.contains(PARTY_NAME));
    let src = attr(&poster, "img[src^='data:image/png']", "src").expect("a QR image");
    let content = decode_qr(&base64_decode(src.split_once("base64,").unwrap().1));
    assert!(content.ends_with(&link), "{content}");
}

#[tokio::test]
async fn another_party_s_request_is_not_found() {
    backend!();
    let Flat { app, landlord, .. } = flat().await;
    let link = make_link(&app, &landlord, &[("kind", "residence")]).await;
    submitted(&app, &link, &tenant_form()).await;
    let request = newest_request(&app, &landlord).await;

    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    assert_eq!(
        app.get_with(&hr, &request).await.status(),
        StatusCode::NOT_FOUND
    );
    for action in ["accept", "reject"] {
        let path = format!("{request}/{action}");
        let answer = app
            .post_with(&hr, &path, &[("reason", "x"), ("responsibility", "on")])
            .await;
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{action}");
    }
    // The landlord still has it.
    assert_eq!(
        app.get_with(&landlord, &request).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_rejected_tenant_is_emailed_the_reason() {
    backend!();
    let Flat {
        app,
        smtp,
        landlord,
        ..
    } = flat().await;
    let link = make_link(&app, &landlord, &[("kind", "residence")]).await;
    let reference = submitted(&app, &link, &tenant_form()).await;
    let request = newest_request(&app, &landlord).await;
    let reject = format!("{request}/reject");

    let empty = app.post_with(&landlord, &reject, &[("reason", "  ")]).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&empty.text().await.unwrap(), "#reason-error").is_some());

    let reason = "这套房子没有 301 室，请核对房号后重新申请";
    let done = app.post_with(&landlord, &reject, &[("reason", reason)]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let mail = only_mail_to(&smtp, "您的证明申请未获通过", TENANT_EMAIL).await;
    assert!(mail.text.contains(reason) && mail.text.contains(&reference));
    let queue = page_of_with(&app, &landlord, "/party/requests").await;
    assert!(text(&queue, "#no-requests").is_some());
    assert_eq!(
        app.get_with(&landlord, &request).await.status(),
        StatusCode::NOT_FOUND
    );
}

/// The bytes of the SQLite database and its write-ahead log.
fn database_bytes(app: &TestApp) -> Vec<u8> {
    let base = app.data_dir.path().join("attest.db");
    let mut bytes = std::fs::read(&base).unwrap_or_default();
    bytes.extend(std::fs::read(base.with_extension("db-wal")).unwrap_or_default());
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn a_request_left_30_days_is_deleted_with_its_sealed_id_number() {
    backend!();
    let Flat {
        app,
        landlord,
        party_id,
        ..
    } = flat().await;
    let link = make_link(&app, &landlord, &[("kind", "residence")]).await;
    submitted(&app, &link, &tenant_form()).await;
    let party = attest::domain::PartyId::from(party_id.as_str());
    let open = |app: &TestApp| {
        use attest::db::models::requests;
        requests::of_party(&mut app.conn(), &party, requests::OPEN, 10).unwrap()
    };
    let sealed = open(&app)[0].subject_id_sealed.clone().expect("sealed");
    assert!(!sealed.contains(TENANT_ID));
    let sqlite = !on_postgres();
    if sqlite {
        assert!(contains(&database_bytes(&app), &sealed));
    }

    app.clock.advance(Duration::days(29));
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(open(&app).len(), 1, "kept for 30 days");

    app.clock.advance(Duration::days(2));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !open(&app).is_empty() {
        assert!(std::time::Instant::now() < deadline, "not deleted");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let queue = page_of_with(&app, &landlord, "/party/requests").await;
    assert!(text(&queue, "#no-requests").is_some());
    if sqlite {
        // The checkpoint after the purge may wait for a reader: give it a tick.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while contains(&database_bytes(&app), &sealed) {
            assert!(
                std::time::Instant::now() < deadline,
                "the sealed ID number is still in the database file"
            );
            app.clock.advance(Duration::minutes(2));
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    }
}

#[tokio::test]
async fn submissions_are_limited_per_client_and_per_link() {
    backend!();
    let Flat { app, landlord, .. } = flat_configured(|c| {
        c.limits.requests_per_minute = 2;
        c.limits.requests_per_link_per_hour = 3;
    })
    .await;
    let link = make_link(&app, &landlord, &[("kind", "residence")]).await;
    let phone = browser();
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let answer = app.post_with(&phone, &link, &fields(&tenant_form())).await;
        statuses.push(answer.status());
    }
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::OK, StatusCode::TOO_MANY_REQUESTS]
    );

    // The per-link limit counts every client: the test clients share an address, so the
    // per-client minute passes first.
    app.clock.advance(Duration::minutes(2));
    assert_eq!(submit(&app, &link, &tenant_form()).await.status(), StatusCode::OK);
    let over = submit(&app, &link, &tenant_form()).await;
    assert_eq!(over.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(over.headers().contains_key("retry-after"));
    // Another link of the party still takes requests.
    let other = make_link(&app, &landlord, &[("kind", "residence")]).await;
    app.clock.advance(Duration::minutes(2));
    assert_eq!(submit(&app, &other, &tenant_form()).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_holder_s_page_closes_when_the_party_revokes_it_and_after_the_proof_plus_30_days() {
    backend!();
    let Flat {
        app,
        smtp,
        landlord,
        ..
    } = flat().await;
    let valid_until = (app.clock.today() + Duration::days(60)).to_string();
    let issue = |email: &'static str| {
        let form = with(residence_form(), "applicant_email", email);
        with(form, "valid_until", &valid_until)
    };
    let revoked_id = app.issue_with(&landlord, "residence", &issue("a@example.cn")).await;
    app.issue_with(&landlord, "residence", &issue("b@example.cn")).await;
    let first = smtp.link_to("a@example.cn", "/my/").await;
    let second = smtp.link_to("b@example.cn", "/my/").await;
    page_of(&app, &first).await;

    let detail = page_of_with(&app, &landlord, &format!("/party/attestations/{revoked_id}")).await;
    let revoke = attr(&detail, "#holder-link form", "action").expect("a revoke form");
    assert_eq!(
        app.post_with(&landlord, &revoke, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get_with(&browser(), &first).await.status(),
        StatusCode::NOT_FOUND
    );

    app.clock.advance(Duration::days(60 + 29));
    page_of(&app, &second).await;
    app.clock.advance(Duration::days(2));
    assert_eq!(
        app.get_with(&browser(), &second).await.status(),
        StatusCode::NOT_FOUND
    );
    let wrong = format!("{}A", &second[..second.len() - 1]);
    assert_eq!(
        app.get_with(&browser(), &wrong).await.status(),
        StatusCode::NOT_FOUND
    );
}

async fn api_get(app: &TestApp, path: &str, key: &str) -> (StatusCode, serde_json::Value) {
    let response = browser()
        .get(app.url(path))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn an_hr_system_works_200_requests_through_the_api() {
    backend!();
    let store = fresh_store();
    let app = spawn_app_configured(store, |c| {
        c.limits.requests_per_minute = 1000;
        c.limits.requests_per_link_per_hour = 1000;
    })
    .await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let key = app.key_from_settings(&hr).await;
    let link = make_link(&app, &hr, &[("kind", "employment")]).await;
    let employee = |n: usize| {
        vec![
            ("subject_name", format!("员工{n}")),
            ("subject_id_number", attest::cli::sample_id_number(n)),
            ("email", format!("e{n}@example.cn")),
            ("phone", "13912345678".into()),
            ("position", "装配工".into()),
            ("department", String::new()),
            ("employed_since", "2024-03-01".into()),
            ("consent", "on".into()),
        ]
    };
    for n in 0..201 {
        submitted(&app, &link, &employee(n)).await;
        app.clock.advance(Duration::seconds(1));
    }

    let (status, open) = api_get(&app, "/api/v1/requests", &key).await;
    assert_eq!(status, StatusCode::OK, "{open}");
    let open = open.as_array().expect("a list").clone();
    assert_eq!(open.len(), 201);
    assert_eq!(open[0]["subject"]["name"], "员工200", "newest first");
    assert!(!open[0].to_string().contains(&attest::cli::sample_id_number(200)));

    // One rejected, with a reason; without one, the field is named.
    let id = |r: &serde_json::Value| r["id"].as_str().unwrap().to_owned();
    let reject = format!("/api/v1/requests/{}/reject", id(&open[0]));
    let (status, body) = app.api(&reject, Some(&key), json!({"reason": ""})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("reason"), "{body}");
    let (status, _) = app
        .api(&reject, Some(&key), json!({"reason": "不是本公司员工"}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    // 200 accepted, the facts of one corrected.
    let mut codes = Vec::new();
    for (n, request) in open[1..].iter().enumerate() {
        let mut body = json!({"responsibility_accepted": true, "facts": {"contract_type": "open_ended"}});
        if n == 0 {
            body["facts"]["position"] = json!("质检员");
        }
        let path = format!("/api/v1/requests/{}/accept", id(request));
        let (status, issued) = app.api(&path, Some(&key), body).await;
        assert_eq!(status, StatusCode::CREATED, "{issued}");
        codes.push(issued["code"].as_str().unwrap().to_owned());
    }
    assert_eq!(codes.len(), 200);
    let (status, left) = api_get(&app, "/api/v1/requests", &key).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(left, json!([]));

    let (_, checked) = app
        .api("/api/v1/verify", None, json!({"code": codes[0]}))
        .await;
    assert_eq!(checked["status"], "valid");
    assert_eq!(checked["claims"]["subject"]["name"], "员工199");
    assert_eq!(checked["claims"]["facts"]["position"], "质检员");

    // Accepting twice is refused without a second proof.
    let again = format!("/api/v1/requests/{}/accept", id(&open[1]));
    let (status, _) = app
        .api(&again, Some(&key), json!({"responsibility_accepted": true, "facts": {"contract_type": "open_ended"}}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
