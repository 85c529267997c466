//! A party's owner changes its address and contact at once; the station is emailed what
//! changed and sees the new details without approving them again.

use crate::gates::backend;
use crate::helpers::*;
use crate::smtp::SmtpServer;
use attest::domain::Role;
use reqwest::StatusCode;

#[tokio::test]
async fn an_owner_moves_the_office_and_the_station_sees_it_without_reapproval() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    let (party, owner) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let page = app.get_with(&owner, "/party/details").await.text().await.unwrap();
    assert_eq!(
        attr(&page, "#address", "value").as_deref(),
        Some("深圳市福田区福华路 1 号")
    );

    // A bad phone number: the form again, everything typed kept, the message beside it.
    let moved = "深圳市南山区科技园 8 栋";
    let bad = [
        ("address", moved),
        ("contact_name", "李四"),
        ("contact_phone", "12"),
    ];
    let r = app.post_with(&owner, "/party/details", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(text(&page, "#contact_phone-error").is_some());
    assert_eq!(attr(&page, "#address", "value").as_deref(), Some(moved));

    let good = [
        ("address", moved),
        ("contact_name", "李四"),
        ("contact_phone", "13900139000"),
    ];
    let r = app.post_with(&owner, "/party/details", &good).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/party/details?saved");

    // The station is emailed what changed, from what.
    let mails = smtp.with_subject("协助单位更新了地址或联系人", 1).await;
    let mail = mails.first().expect("an email to the station");
    assert_eq!(mail.to, vec!["station@example.cn".to_owned()]);
    assert!(mail.text.contains(&format!("深圳市福田区福华路 1 号 → {moved}")), "{}", mail.text);
    assert!(mail.text.contains("13800138000 → 13900139000"));

    // The station sees the new address; the party stays approved and keeps issuing.
    app.add_staff(Role::Station, "futian@example.cn", Some("440304-001"));
    let officer = browser();
    app.login_with(&officer, "futian@example.cn").await;
    let seen = app
        .get_with(&officer, &format!("/station/parties/{party}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(seen.contains(moved));
    app.issue_with(&owner, "employment", &employment_form()).await;
    let again = app.post_with(&owner, "/party/details", &good).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER, "unchanged: nothing sent");
    let sent = smtp
        .messages()
        .iter()
        .filter(|m| m.subject.contains("协助单位更新了地址或联系人"))
        .count();
    assert_eq!(sent, 1);
}

/// The legal name in the token of proof `id`.
fn issuer_name(app: &TestApp, id: &str) -> String {
    token_claims(&app.token_of(id))["issuer"]["name"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_rename_waits_for_the_station_which_rejects_with_a_reason_then_approves() {
    backend!();
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    let (party, owner) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let old = "测试单位 hr@example.cn";
    let page = app.get_with(&owner, "/party/details").await.text().await.unwrap();
    let mut form = form_values(&page, "form[action='/party/details/change']");
    form.retain(|(name, _)| name != "csrf_token");
    assert!(form.contains(&("legal_name".into(), old.into())), "{form:?}");

    // Nothing changed, a bad identifier, another party's identifier: each refused beside
    // its field, the typed values kept.
    let r = app.post_with(&owner, "/party/details/change", &pairs(&form)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r.text().await.unwrap(), "#legal_name-error").is_some());
    let renamed = "深圳市新名科技有限公司";
    set(&mut form, "legal_name", renamed);
    set(&mut form, "identifier", "91110000600037341X");
    let r = app.post_with(&owner, "/party/details/change", &pairs(&form)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(text(&page, "#identifier-error").is_some());
    assert_eq!(attr(&page, "#legal_name", "value").as_deref(), Some(renamed));
    approved_employer(&app, "other@example.cn", "91440300MA5F00001A").await;
    set(&mut form, "identifier", "91440300MA5F00001A");
    let r = app.post_with(&owner, "/party/details/change", &pairs(&form)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("该证件号码已被其他单位登记"));

    // Asked: the old name stays in force, on the page and on new proofs.
    set(&mut form, "identifier", "91110000600037341L");
    let r = app.post_with(&owner, "/party/details/change", &pairs(&form)).await;
    assert_eq!(location(&r), "/party/details?requested");
    let page = app.get_with(&owner, "/party/details").await.text().await.unwrap();
    assert!(text(&page, "#change-status").unwrap().contains("待审核"));
    let before = app.issue_with(&owner, "employment", &employment_form()).await;
    assert_eq!(issuer_name(&app, &before), old);
    let asked = smtp.with_subject("单位申请变更名称", 1).await;
    assert_eq!(asked[0].to, vec!["station@example.cn".to_owned()]);
    assert!(asked[0].text.contains(&format!("{old} → {renamed}")), "{}", asked[0].text);

    // The station rejects: a reason is required, and the party is told it.
    app.add_staff(Role::Station, "futian@example.cn", Some("440304-001"));
    let officer = browser();
    app.login_with(&officer, "futian@example.cn").await;
    let station_page = format!("/station/parties/{party}");
    let home = app.get_with(&officer, "/station").await.text().await.unwrap();
    assert_eq!(
        attr(&home, "#changes a", "href").as_deref(),
        Some(station_page.as_str()),
        "the dashboard lists the request"
    );
    let seen = app.get_with(&officer, &station_page).await.text().await.unwrap();
    assert_eq!(text(&seen, "#change-legal-name").as_deref(), Some(renamed));
    let reject = format!("{station_page}/change/reject");
    let r = app.post_with(&officer, &reject, &[("change_reason", " ")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r.text().await.unwrap(), "#change_reason-error").is_some());
    let reason = "请上传营业执照变更通知书";
    let r = app.post_with(&officer, &reject, &[("change_reason", reason)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let told = smtp.with_subject("派出所已审核您的单位信息变更申请", 1).await;
    assert_eq!(told[0].to, vec!["hr@example.cn".to_owned()]);
    assert!(told[0].text.contains(reason) && told[0].text.contains("变更未通过"));
    let page = app.get_with(&owner, "/party/details").await.text().await.unwrap();
    assert_eq!(text(&page, "#change-reason").as_deref(), Some(reason));
    let seen = app.get_with(&officer, &station_page).await.text().await.unwrap();
    assert!(text(&seen, "#change").is_none(), "nothing left to decide");

    // Asked again and approved: the new name is the party's, on the station's page and on
    // the next proof; the proof issued before keeps the old one.
    app.post_with(&owner, "/party/details/change", &pairs(&form)).await;
    let approve = format!("{station_page}/change/approve");
    let r = app.post_with(&officer, &approve, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let seen = app.get_with(&officer, &station_page).await.text().await.unwrap();
    assert_eq!(text(&seen, "h1").as_deref(), Some(renamed));
    let after = app.issue_with(&owner, "employment", &employment_form()).await;
    assert_eq!(issuer_name(&app, &after), renamed);
    assert_eq!(issuer_name(&app, &before), old);
    let told = smtp.with_subject("派出所已审核您的单位信息变更申请", 2).await;
    assert!(told[1].text.contains("变更已通过"), "{}", told[1].text);
}

fn set(form: &mut [(String, String)], name: &str, value: &str) {
    let field = form.iter_mut().find(|(n, _)| n == name).expect(name);
    field.1 = value.to_owned();
}
