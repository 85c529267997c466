//! Party self-registration: every kind, every identifier rule, every field error.

use crate::gates::backend;
use crate::helpers::*;
use attest::domain::PartyKind;
use reqwest::StatusCode;

async fn app_with_station() -> TestApp {
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    app
}

#[tokio::test]
async fn each_kind_registers_and_sees_pending() {
    backend!();
    let app = app_with_station().await;
    let parties = [
        (PartyKind::Lessor, "11010519491231002X"),
        (PartyKind::Lessor, "91440300MA5F00002D"), // a letting company
        (PartyKind::Employer, "91110000600037341L"),
        (PartyKind::School, "12440300455000001D"),
        (PartyKind::ResidentsCommittee, "54440300MC0000001K"),
        (PartyKind::VillagersCommittee, "54440300MC0000002N"),
    ];
    for (i, (kind, identifier)) in parties.into_iter().enumerate() {
        let browser = browser();
        let email = format!("party{i}@example.cn");
        let mut form = with(
            with(employer_form(&email), "kind", kind.as_str()),
            "identifier",
            identifier,
        );
        if identifier.starts_with('9') {
            form.push(("identifier_type", "uscc".into()));
        }

        app.register_and_login(&browser, &form, &email).await;

        let home = app.get_with(&browser, "/party").await.text().await.unwrap();
        assert_eq!(
            text(&home, ".badge").as_deref(),
            Some("待审核"),
            "{kind:?} sees pending"
        );
    }
}

#[tokio::test]
async fn a_registered_individual_lessor_never_sees_the_full_id_number() {
    backend!();
    let app = app_with_station().await;
    let form = with(
        with(employer_form("landlord@example.cn"), "kind", "lessor"),
        "identifier",
        "11010519491231002x",
    );

    app.register_and_login(&app.client, &form, "landlord@example.cn")
        .await;
    let home = app.get("/party").await.text().await.unwrap();

    assert!(home.contains("110105********002X"));
    assert!(!home.contains("11010519491231002X"));
}

/// Posts the employer form with `identifier` for `kind` and returns (status, html).
async fn try_identifier(
    app: &TestApp,
    kind: &str,
    identifier: &str,
    n: usize,
) -> (StatusCode, String) {
    let browser = browser();
    let form = with(
        with(employer_form(&format!("v{n}@example.cn")), "kind", kind),
        "identifier",
        identifier,
    );
    let response = app.post_with(&browser, "/register", &fields(&form)).await;
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn identifier_vectors_of_the_shared_file() {
    backend!();
    let vectors = include_str!("../fixtures/id-vectors.tsv");
    let rows: Vec<Vec<&str>> = vectors
        .lines()
        .filter(|l| l.starts_with("id\t") || l.starts_with("uscc\t"))
        .map(|l| l.split('\t').collect())
        .collect();
    assert!(rows.len() >= 21);
    // A fresh portal for each vector: some vectors are the same identifier written
    // differently, and an identifier registers only once.
    for (n, row) in rows.iter().enumerate() {
        let app = app_with_station().await;
        {
            let kind = if row[0] == "id" { "lessor" } else { "employer" };
            let (status, html) = try_identifier(&app, kind, row[1], n).await;
            if row[2] == "valid" {
                assert_eq!(
                    status,
                    StatusCode::SEE_OTHER,
                    "{row:?}: {}",
                    text(&html, "#identifier-error").unwrap_or_default()
                );
            } else {
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{row:?}");
                assert!(
                    text(&html, "#identifier-error").is_some(),
                    "{row:?} has a message beside the field"
                );
                assert_eq!(
                    attr(&html, "#identifier", "value").as_deref(),
                    Some(row[1]),
                    "{row:?} input kept"
                );
                assert_eq!(
                    attr(&html, "#identifier", "aria-invalid").as_deref(),
                    Some("true")
                );
            }
        }
    }
}

#[tokio::test]
async fn more_identifier_cases() {
    backend!();
    let app = app_with_station().await;
    let cases = [
        // (kind, identifier, expected message in Chinese)
        ("employer", "", "此项为必填项"),
        ("employer", "9111000060003734", "应为 18 位"),
        ("employer", "9111000060003734111", "应为 18 位"),
        ("employer", "91110000600037341O", "只能包含数字和大写字母"),
        (
            "employer",
            "９１１１００００６０００３７３４１Ｌ",
            "只能包含数字和大写字母",
        ),
        ("employer", "91110000600037341M", "校验位不正确"),
        ("lessor", "110105194902300024", "出生日期"),
        ("lessor", "110105209901010015", "公民身份号码"),
        (
            "lessor",
            "１１０１０５１９４９１２３１００２Ｘ",
            "公民身份号码不正确",
        ),
        ("lessor", "11010519491231002", "公民身份号码不正确"),
        // A lessor that says nothing is an individual: a credit code is not an ID number.
        ("lessor", "91440300MA5F00002D", "公民身份号码不正确"),
        ("lessor", "000000199001010018", "省级行政区划代码"),
        ("school", "11010519491231002X", "校验位不正确"),
        ("employer", "000000000000000000", "登记管理部门"),
    ];
    for (n, (kind, identifier, message)) in cases.into_iter().enumerate() {
        let (status, html) = try_identifier(&app, kind, identifier, n).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{kind} {identifier:?}"
        );
        let error = text(&html, "#identifier-error").unwrap_or_default();
        assert!(error.contains(message), "{kind} {identifier:?}: {error}");
    }
    // Surrounding white space and a lower-case credit code are accepted.
    let (status, _) = try_identifier(&app, "employer", "  91110000600037341l ", 99).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn every_invalid_field_is_reported_beside_it_with_the_input_kept() {
    backend!();
    let app = app_with_station().await;
    let long_name = "长".repeat(101);
    let cases: Vec<(&str, String, &str)> = vec![
        ("kind", "spaceship".into(), "请从列表中选择"),
        ("legal_name", "".into(), "此项为必填项"),
        ("legal_name", long_name.clone(), "不能超过 100 个字符"),
        ("address", "地".repeat(201), "不能超过 200 个字符"),
        ("contact_name", "名".repeat(51), "不能超过 50 个字符"),
        ("contact_phone", "call me maybe".into(), "有效的电话号码"),
        ("station", "".into(), "请从列表中选择"),
        ("station", "999999-999".into(), "请从列表中选择"),
        ("email", "not-an-email".into(), "有效的电子邮箱"),
        ("password", "short".into(), "至少 12 个字符"),
        ("password", "password1234".into(), "过于常见"),
        ("password", "x".repeat(129), "不能超过 128 个字符"),
        (
            "password_confirm",
            "violet-harbour-lantern-43".into(),
            "两次输入的密码不一致",
        ),
    ];
    for (n, (field, value, message)) in cases.iter().enumerate() {
        let form = with(employer_form(&format!("f{n}@example.cn")), field, value);

        let response = app.post_with(&browser(), "/register", &fields(&form)).await;

        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}"
        );
        let html = response.text().await.unwrap();
        let error = text(&html, &format!("#{field}-error")).unwrap_or_default();
        assert!(error.contains(message), "{field}={value:?}: {error:?}");
        // The other fields keep what was typed.
        if *field != "legal_name" {
            assert_eq!(
                attr(&html, "#legal_name", "value").as_deref(),
                Some("深圳市示例科技有限公司")
            );
        } else if value.len() > 1 {
            assert_eq!(
                attr(&html, "#legal_name", "value").as_deref(),
                Some(long_name.as_str())
            );
        }
        // Passwords are never sent back.
        assert_eq!(attr(&html, "#password", "value").as_deref(), Some(""));
        assert!(!html.contains(PASSWORD));
    }
    // Nothing was written.
    let mut conn = app.conn();
    assert!(
        attest::db::models::parties::find_by_identifier(&mut conn, "91350100M000100Y43")
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn errors_speak_english_to_an_english_browser() {
    backend!();
    let app = app_with_station().await;
    let form = with(
        employer_form("en@example.cn"),
        "identifier",
        "91110000600037341M",
    );

    let response = app
        .post_with(&english_browser(), "/register", &fields(&form))
        .await;

    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(text(&html, "#identifier-error")
        .unwrap()
        .contains("check character"));
}

/// The page and status a registration gets, with what it says.
async fn registration_answer(
    app: &TestApp,
    form: &[(&'static str, String)],
) -> (StatusCode, String, String) {
    let response = app.post_with(&browser(), "/register", &fields(form)).await;
    let (status, to) = (response.status(), location(&response));
    let page = app.get(&to).await.text().await.unwrap();
    (status, to, page)
}

#[tokio::test]
async fn a_known_email_or_identifier_gets_the_same_answer_and_its_owner_an_email() {
    backend!();
    let app = app_with_station().await;
    let first = employer_form("first@example.cn");
    let new = registration_answer(&app, &first).await;

    let same_id = employer_form("second@example.cn");
    let same_email = with(
        employer_form("first@example.cn"),
        "identifier",
        "91110000600037341L",
    );
    for form in [same_id, same_email] {
        let known = registration_answer(&app, &form).await;
        assert_eq!(known, new, "a known email or identifier is not told apart");
    }
    assert_eq!(new.0, StatusCode::SEE_OTHER);
    assert!(new.2.contains("注册已提交"));

    // Nothing second was written; the first account's owner heard of both attempts, and the
    // second address of nothing.
    let mut conn = app.conn();
    assert!(
        attest::db::models::parties::find_by_identifier(&mut conn, "91110000600037341L")
            .unwrap()
            .is_none()
    );
    assert!(!attest::db::models::users::email_taken(&mut conn, "second@example.cn").unwrap());
    let statuses = [
        attest::db::models::outbox::PENDING,
        attest::db::models::outbox::SENDING,
        attest::db::models::outbox::SENT,
    ];
    let mails = attest::db::models::outbox::list_by_status(&mut conn, &statuses, 100).unwrap();
    let to = |event: &str, who: &str| {
        mails
            .iter()
            .filter(|m| m.event == event && m.recipients == who)
            .count()
    };
    assert_eq!(to("registered", "first@example.cn"), 1);
    assert_eq!(to("already_registered", "first@example.cn"), 2);
    assert_eq!(
        to("registered", "second@example.cn") + to("already_registered", "second@example.cn"),
        0
    );
}

#[tokio::test]
async fn the_form_lists_the_stations_and_labels_every_input() {
    backend!();
    let app = app_with_station().await;

    let html = app.get("/register").await.text().await.unwrap();

    assert!(html.contains("福田派出所 (440304-001)"));
    let doc = scraper::Html::parse_document(&html);
    let controls = scraper::Selector::parse("input:not([type=hidden]), select, textarea").unwrap();
    let mut n = 0;
    for control in doc.select(&controls) {
        let id = control.value().attr("id").expect("every control has an id");
        assert!(
            html.contains(&format!("<label for=\"{id}\"")),
            "{id} has a label"
        );
        n += 1;
    }
    assert!(n >= 10);
}

#[tokio::test]
async fn an_individual_lessors_id_number_is_stored_only_sealed_and_hashed() {
    backend!();
    let app = app_with_station().await;
    let form = with(
        with(employer_form("landlord@example.cn"), "kind", "lessor"),
        "identifier",
        "11010519491231002X",
    );
    assert_eq!(
        app.post_with(&browser(), "/register", &fields(&form))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let row = attest::db::models::parties::list_by_status(
        &mut app.conn(),
        None,
        attest::domain::PartyStatus::Pending,
        10,
    )
    .unwrap()
    .remove(0)
    .party;
    assert!(row.identifier.starts_with("hmac:"), "{}", row.identifier);
    assert_eq!(row.identifier_masked.as_deref(), Some("110105********002X"));
    let secrets = attest::secrets::Secrets::load_or_create(app.data_dir.path()).unwrap();
    let sealed = row.identifier_sealed.clone().unwrap();
    assert_eq!(
        secrets.open("party_id_number", &sealed).as_deref(),
        Some("11010519491231002X")
    );
    assert!(!format!("{row:?}").contains("11010519491231002X"));
    if !on_postgres() {
        for file in ["attest.db", "attest.db-wal"] {
            let bytes = std::fs::read(app.data_dir.path().join(file)).unwrap_or_default();
            assert!(
                !String::from_utf8_lossy(&bytes).contains("11010519491231002X"),
                "{file}"
            );
        }
    }

    // The same number registers only once, whatever its spelling.
    let again = with(
        with(employer_form("other@example.cn"), "kind", "lessor"),
        "identifier",
        "11010519491231002x",
    );
    app.post_with(&browser(), "/register", &fields(&again))
        .await;
    assert!(!attest::db::models::users::email_taken(&mut app.conn(), "other@example.cn").unwrap());
}

#[tokio::test]
async fn plain_id_numbers_of_earlier_versions_are_sealed_at_start() {
    backend!();
    use diesel::prelude::*;
    let app = app_with_station().await;
    let id = app.add_party(
        attest::domain::PartyKind::Lessor,
        "11010519491231002X",
        "440304-001",
        "old@example.cn",
        attest::domain::PartyStatus::Approved,
    );
    // As an earlier version stored it.
    diesel::update(attest::db::schema::parties::table.find(&id))
        .set((
            attest::db::schema::parties::identifier.eq("11010519491231002X"),
            attest::db::schema::parties::identifier_masked.eq(None::<String>),
            attest::db::schema::parties::identifier_sealed.eq(None::<String>),
            attest::db::schema::parties::identifier_type.eq(None::<String>),
        ))
        .execute(&mut *app.conn())
        .unwrap();

    let restarted = spawn_app_in(app.data_dir.clone()).await;

    let row = attest::db::models::parties::find_by_id(&mut restarted.conn(), &attest::domain::PartyId::from(id.as_str())).unwrap();
    assert!(row.identifier.starts_with("hmac:"));
    assert_eq!(row.identifier_masked.as_deref(), Some("110105********002X"));
    assert!(row.identifier_sealed.is_some());
}
