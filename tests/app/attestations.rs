//! Issuing, listing, printing and revoking in the browser; verifying at /verify.

use crate::gates::backend;
use crate::helpers::*;
use attest::domain::{PartyKind, PartyStatus, Role};
use reqwest::StatusCode;

#[tokio::test]
async fn an_employer_issues_prints_and_revokes_and_the_scan_follows() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    app.add_staff(Role::Station, "officer@example.cn", Some("440304-001"));

    // Issue.
    let id = app.issue_with(&hr, "employment", &employment_form()).await;
    let detail = app
        .get_with(&hr, &format!("/party/attestations/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(detail.contains("在职证明"));
    assert!(detail.contains("440304********1545"));
    assert!(!detail.contains("440304199002151545"));

    // Print: title, facts, issuer, statement, QR code (PNG), code, verify address.
    let print = app
        .get_with(&hr, &format!("/party/attestations/{id}/print"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text(&print, ".doc-title").as_deref(), Some("在职证明"));
    assert!(
        print.contains("软件工程师") && print.contains("研发部") && print.contains("无固定期限")
    );
    assert!(print.contains("91110000600037341L"));
    assert!(print.contains("《居住证暂行条例》第九条"));
    assert!(print.contains("<img src=\"data:image/png;base64,"));
    let code = text(&print, ".code.big").unwrap();
    assert_eq!(code.len(), 14);
    assert!(print.contains(&format!("{}/verify", app.address)));

    // The officer "scans" the QR: a USB scanner types the whole URL and presses Enter.
    let officer = browser();
    app.login_with(&officer, "officer@example.cn").await;
    let scanned = format!("{}/verify#{}", app.address, app.token_of(&id));
    let result = app
        .post_with(&officer, "/verify", &[("input", &scanned)])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text(&result, ".verdict-status").as_deref(), Some("有效"));
    assert!(result.contains("王五") && result.contains("440304********1545"));
    assert!(
        !result.contains(&app.token_of(&id)),
        "the token is not echoed back"
    );

    // The short code works too.
    let by_code = app
        .post_with(&officer, "/verify", &[("input", &code.to_lowercase())])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text(&by_code, ".verdict-status").as_deref(), Some("有效"));

    // Revoke: a confirmation page, a reason required.
    let confirm = app
        .get_with(&hr, &format!("/party/attestations/{id}/revoke"))
        .await
        .text()
        .await
        .unwrap();
    assert!(confirm.contains("确认撤销"));
    let refused = app
        .post_with(
            &hr,
            &format!("/party/attestations/{id}/revoke"),
            &[("reason", " ")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let revoked = app
        .post_with(
            &hr,
            &format!("/party/attestations/{id}/revoke"),
            &[("reason", "员工已离职")],
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);

    let rescan = app
        .post_with(&officer, "/verify", &[("input", &scanned)])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text(&rescan, ".verdict-status").as_deref(), Some("已撤销"));
    assert!(rescan.contains("员工已离职"));

    // Each verification was recorded, with the officer.
    let records =
        attest::db::models::verifications::list_for_attestation(&mut app.conn(), &attest::domain::AttestationId::from(id.as_str())).unwrap();
    assert_eq!(records.len(), 3);
    assert!(records.iter().all(|r| r.user_id.is_some()));
    assert_eq!(records[0].result, "revoked");
}

#[tokio::test]
async fn every_party_kind_issues_what_it_may_and_only_that() {
    backend!();
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    let residence_lease = vec![
        ("subject_name", "赵六".to_owned()),
        ("subject_id_number", "11010519491231002X".to_owned()),
        ("address", "深圳市福田区福华路 1 号 2 栋 301 室".to_owned()),
        ("housing_basis", "lease".to_owned()),
        ("residing_since", "2025-06-01".to_owned()),
        ("lease_end", "2027-05-31".to_owned()),
        ("responsibility", "on".to_owned()),
    ];
    let dormitory = with(residence_lease.clone(), "housing_basis", "dormitory");
    let committee = with(residence_lease.clone(), "housing_basis", "committee");
    let attendance = attendance_form();
    let employment = employment_form();
    let cases = [
        (
            PartyKind::Lessor,
            "440524199001010018",
            vec![("residence", &residence_lease, "住宿证明")],
            vec!["employment", "attendance"],
        ),
        (
            PartyKind::Employer,
            "91440300MA5F00001A",
            vec![
                ("residence", &dormitory, "住宿证明"),
                ("employment", &employment, "在职证明"),
            ],
            vec!["attendance"],
        ),
        (
            PartyKind::School,
            "12440300455000001D",
            vec![
                ("attendance", &attendance, "在读证明"),
                ("residence", &dormitory, "住宿证明"),
            ],
            vec!["employment"],
        ),
        (
            PartyKind::ResidentsCommittee,
            "54440300MC0000001K",
            vec![("residence", &committee, "居住证明")],
            vec!["employment"],
        ),
        (
            PartyKind::VillagersCommittee,
            "54440300MC0000002N",
            vec![("residence", &committee, "居住证明")],
            vec!["attendance"],
        ),
    ];
    for (n, (kind, identifier, allowed, refused)) in cases.iter().enumerate() {
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
        for (proof, form, title) in allowed {
            let id = app.issue_with(&client, proof, form).await;
            let print = app
                .get_with(&client, &format!("/party/attestations/{id}/print"))
                .await
                .text()
                .await
                .unwrap();
            assert_eq!(
                text(&print, ".doc-title").as_deref(),
                Some(*title),
                "{kind:?} {proof}"
            );
        }
        for proof in refused {
            let r = app
                .get_with(&client, &format!("/party/attestations/new/{proof}"))
                .await;
            assert_eq!(
                r.status(),
                StatusCode::FORBIDDEN,
                "{kind:?} may not issue {proof}"
            );
        }
    }
}

#[tokio::test]
async fn a_pending_or_suspended_party_cannot_issue() {
    backend!();
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    app.add_party(
        PartyKind::Employer,
        "91110000600037341L",
        "440304-001",
        "pending@example.cn",
        PartyStatus::Pending,
    );
    let suspended = app.add_party(
        PartyKind::Employer,
        "91440300MA5F00001A",
        "440304-001",
        "suspended@example.cn",
        PartyStatus::Approved,
    );
    diesel::connection::SimpleConnection::batch_execute(
        &mut *app.conn(),
        &format!("UPDATE parties SET status = 'suspended' WHERE id = '{suspended}'"),
    )
    .unwrap();

    for email in ["pending@example.cn", "suspended@example.cn"] {
        let client = browser();
        app.login_with(&client, email).await;
        assert_eq!(
            app.get_with(&client, "/party/attestations/new/employment")
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        let r = app
            .post_with(
                &client,
                "/party/attestations/new/employment",
                &fields(&employment_form()),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{email}");
    }
    let count: i64 = {
        use diesel::prelude::*;
        attest::db::schema::attestations::table
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(count, 0);
}

#[tokio::test]
async fn every_invalid_field_is_reported_and_nothing_is_issued() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let cases = [
        ("subject_name", "", "必填"),
        (
            "subject_id_number",
            "110105194912310021",
            "公民身份号码不正确",
        ),
        ("subject_id_number", "440304199002301545", "出生日期"),
        ("position", &"职".repeat(51), "不能超过 50 个字符"),
        ("employed_since", "2099-01-01", "不能晚于今天"),
        ("employed_since", "01/03/2023", "年-月-日"),
        ("contract_type", "forever", "请从列表中选择"),
        ("employed_until", "2020-01-01", "不能早于开始日期"),
        ("valid_from", "2020-01-01", "不能早于今天"),
        ("valid_until", "2099-01-01", "最长一年"),
        ("applicant_email", "nope", "有效的电子邮箱"),
        ("responsibility", "", "真实性承诺"),
    ];
    for (field, value, message) in cases {
        let form = with(employment_form(), field, value);
        let r = app
            .post_with(&hr, "/party/attestations/new/employment", &fields(&form))
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let html = r.text().await.unwrap();
        let error = text(&html, &format!("#{field}-error")).unwrap_or_default();
        assert!(error.contains(message), "{field}={value:?}: {error}");
        assert_eq!(
            attr(&html, "#subject_name", "value").as_deref(),
            Some(if field == "subject_name" {
                ""
            } else {
                "王五"
            })
        );
    }
    let list = app
        .get_with(&hr, "/party/attestations")
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("没有符合条件的证明"));
}

#[tokio::test]
async fn another_partys_attestation_is_not_found() {
    backend!();
    let app = spawn_app().await;
    let (_, a) = approved_employer(&app, "a@example.cn", "91110000600037341L").await;
    let (_, b) = approved_employer(&app, "b@example.cn", "91440300MA5F00001A").await;
    let id = app.issue_with(&a, "employment", &employment_form()).await;

    for path in [
        format!("/party/attestations/{id}"),
        format!("/party/attestations/{id}/print"),
        format!("/party/attestations/{id}/revoke"),
    ] {
        assert_eq!(
            app.get_with(&b, &path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let r = app
        .post_with(
            &b,
            &format!("/party/attestations/{id}/revoke"),
            &[("reason", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let row = attest::db::models::attestations::find_by_id(&mut app.conn(), &attest::domain::AttestationId::from(id.as_str()))
        .unwrap()
        .unwrap();
    assert_eq!(row.status.as_str(), "active");
    assert!(!app
        .get_with(&b, "/party/attestations")
        .await
        .text()
        .await
        .unwrap()
        .contains(&id));
}

#[tokio::test]
async fn the_list_filters_searches_and_pages_newest_first() {
    backend!();
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let mut ids = Vec::new();
    for i in 0..27 {
        let form = with(employment_form(), "subject_name", &format!("员工{i:02}"));
        ids.push(app.issue_with(&hr, "employment", &form).await);
    }
    app.post_with(
        &hr,
        &format!("/party/attestations/{}/revoke", ids[0]),
        &[("reason", "离职")],
    )
    .await;

    let first = app
        .get_with(&hr, "/party/attestations")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        first.contains("员工26") && !first.contains("员工01"),
        "newest first, 25 a page"
    );
    let next = attr(&first, "a[rel=next]", "href").expect("a next page");
    assert!(!next.contains("offset"));
    let second = app.get_with(&hr, &next).await.text().await.unwrap();
    assert!(second.contains("员工01") && second.contains("员工00") && !second.contains("员工26"));

    let revoked = app
        .get_with(&hr, "/party/attestations?status=revoked")
        .await
        .text()
        .await
        .unwrap();
    assert!(revoked.contains("员工00") && !revoked.contains("员工01"));
    let by_name = app
        .get_with(&hr, "/party/attestations?q=%E5%91%98%E5%B7%A513")
        .await
        .text()
        .await
        .unwrap();
    assert!(by_name.contains("员工13") && !by_name.contains("员工12"));
    let code = attest::db::models::attestations::find_by_id(&mut app.conn(), &attest::domain::AttestationId::from(ids[5].as_str()))
        .unwrap()
        .unwrap()
        .code;
    let dashed = format!("{}-{}-{}", &code[..4], &code[4..8], &code[8..]);
    let by_code = app
        .get_with(&hr, &format!("/party/attestations?q={dashed}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(by_code.contains("员工05") && !by_code.contains("员工06"));
}

#[tokio::test]
async fn verify_page_answers_every_kind_of_input_and_works_without_login() {
    backend!();
    let app = spawn_app().await;
    let visitor = browser();
    let cases = [
        ("ZZZZ-ZZZZ-ZZZZ", "未找到"),
        ("not a code at all", "无效"),
        ("eyJhbGciOiJub25lIn0.e30.", "无效"),
        ("", "无效"),
    ];
    for (input, status) in cases {
        let r = app
            .post_with(&visitor, "/verify", &[("input", input)])
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{input}");
        let html = r.text().await.unwrap();
        assert_eq!(
            text(&html, ".verdict-status").as_deref(),
            Some(status),
            "{input}"
        );
    }
    let page = app
        .get_with(&visitor, "/verify")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"verify-input\"") && page.contains("/static/app.js"));
    let script = app.get("/static/app.js").await.text().await.unwrap();
    assert!(script.contains("location.hash"));
}
