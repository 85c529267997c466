//! Expiry reminders: the party's daily digest and the applicant's notice, written by the
//! mail workers of two instances on one database, sent through a real SMTP server, on days
//! the tests reach by moving the portal's clock.

use crate::gates::backend;
use crate::helpers::*;
use crate::smtp::{Received, SmtpServer};
use attest::domain::china_time;
use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;

const DIGEST: &str = "证明到期提醒";
const NOTICE: &str = "您的证明即将到期";

/// Moves every clock to `hour` o'clock in China on `day`.
fn move_to(apps: &[&TestApp], day: NaiveDate, hour: i64) {
    let by = china_time::day_start(day) + Duration::hours(hour) - apps[0].clock.now();
    for app in apps {
        app.clock.advance(by);
    }
}

/// The messages whose subject has `headline`.
fn with_subject(smtp: &SmtpServer, headline: &str) -> Vec<Received> {
    smtp.messages()
        .into_iter()
        .filter(|m| m.subject.contains(headline))
        .collect()
}

/// Waits (polling, at most 20 s) until `n` messages with `headline` arrived, then two more
/// worker rounds of both instances, and returns them all.
async fn arrived(smtp: &SmtpServer, headline: &str, n: usize) -> Vec<Received> {
    smtp.with_subject(headline, n).await;
    two_rounds().await;
    with_subject(smtp, headline)
}

/// Long enough for both workers (one round a second) to run twice.
async fn two_rounds() {
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
}

/// Issues a proof of accommodation for `name` ending on `until`; returns its id.
async fn lease(app: &TestApp, landlord: &reqwest::Client, name: &str, until: NaiveDate) -> String {
    let form = with(residence_form(), "subject_name", name);
    let form = with(form, "valid_until", &until.to_string());
    app.issue_with(landlord, "residence", &form).await
}

#[tokio::test]
async fn the_digest_goes_out_once_a_day_across_two_instances_until_the_landlord_switches_it_off()
{
    backend!();
    let smtp = SmtpServer::start();
    let a = spawn_app_with_smtp(fresh_store(), &smtp.url()).await;
    let b = spawn_app_with_smtp(a.data_dir.clone(), &smtp.url()).await;
    a.add_station("440304-001", "福田派出所");
    let landlord = approved_landlord(&a, "landlord@example.cn").await;
    let today = a.clock.today();
    // The digest is read on day D, twenty days from now.
    let d = today + Duration::days(20);
    let mut ids = std::collections::BTreeMap::new();
    for (name, until) in [
        ("租户甲", d + Duration::days(5)),
        ("租户乙", d + Duration::days(10)),
        ("租户丙", d + Duration::days(14)),
        ("昨日到期", d - Duration::days(1)),
        ("前日到期", d - Duration::days(2)),
        ("尚远", d + Duration::days(15)),
        ("已搬离", d + Duration::days(6)),
    ] {
        ids.insert(name, lease(&a, &landlord, name, until).await);
    }
    let with_email = with(residence_form(), "subject_name", "租户丁");
    let with_email = with(with_email, "valid_until", &(d + Duration::days(7)).to_string());
    let with_email = with(with_email, "applicant_email", "tenant@example.cn");
    let tenant = a.issue_with(&landlord, "residence", &with_email).await;
    a.end_proof(&landlord, &ids["已搬离"], "moved_out").await;

    // Before 08:00 in China nothing is written, on either instance.
    move_to(&[&a, &b], d, 7);
    two_rounds().await;
    assert!(with_subject(&smtp, DIGEST).is_empty());

    // From 08:00 both workers are due; the landlord gets one digest, the tenant one notice.
    move_to(&[&a, &b], d, 9);
    let digests = arrived(&smtp, DIGEST, 1).await;
    assert_eq!(digests.len(), 1, "one digest for the day across two instances");
    let digest = &digests[0];
    assert_eq!(digest.to, vec!["landlord@example.cn".to_owned()]);
    for name in ["租户甲", "租户乙", "租户丙", "租户丁", "昨日到期"] {
        assert!(digest.text.contains(name), "{name} in the digest");
        let renew = format!("/party/attestations/{}/renew", ids.get(name).unwrap_or(&tenant));
        assert!(digest.text.contains(&renew), "{name}'s renew link");
        assert!(digest.html.contains(&renew), "{name}'s renew link in HTML");
    }
    for name in ["前日到期", "尚远", "已搬离"] {
        assert!(!digest.text.contains(name), "{name} is not in the digest");
    }
    assert!(digest.text.contains("昨日已到期"));
    assert!(!digest.text.contains("11010519491231002X"));
    let notices = arrived(&smtp, NOTICE, 1).await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].to, vec!["tenant@example.cn".to_owned()]);
    assert!(notices[0].text.contains("张三 13800138000"), "whom to ask");
    // A third run for the same day (another instance) finds everything claimed.
    let again = attest::mail::reminders::write_due(&mut a.conn(), "http://x", d).unwrap();
    assert_eq!(again, Default::default());

    // The renew link of the digest opens the prefilled form.
    let landlord = browser();
    a.login_with(&landlord, "landlord@example.cn").await;
    let renew = format!("/party/attestations/{}/renew", ids["租户甲"]);
    let form = a.get_with(&landlord, &renew).await;
    assert_eq!(form.status(), StatusCode::OK);

    // The next day: a new digest; the tenant is not told twice.
    move_to(&[&a, &b], d + Duration::days(1), 9);
    assert_eq!(arrived(&smtp, DIGEST, 2).await.len(), 2);
    assert_eq!(with_subject(&smtp, NOTICE).len(), 1);

    // Switched off on the settings page: no digest the day after, from either instance.
    let settings = a.get_with(&landlord, "/party/settings").await.text().await.unwrap();
    assert!(settings.contains(r#"id="reminders-on" name="reminders" value="on" checked"#));
    let saved = a
        .post_with(&landlord, "/party/settings", &[("reminders", "off")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let settings = a.get_with(&landlord, "/party/settings").await.text().await.unwrap();
    assert!(settings.contains(r#"value="off" checked"#));
    move_to(&[&a, &b], d + Duration::days(2), 9);
    two_rounds().await;
    assert_eq!(with_subject(&smtp, DIGEST).len(), 2, "none once switched off");
    let off = attest::mail::reminders::write_due(&mut b.conn(), "http://x", d + Duration::days(2))
        .unwrap();
    assert_eq!(off.digests, 0);
}

#[tokio::test]
async fn the_settings_form_without_a_choice_says_so_in_the_users_language() {
    backend!();
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    let landlord = approved_landlord(&app, "landlord@example.cn").await;
    let response = app.post_with(&landlord, "/party/settings", &[]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(text(&html, "#reminders-error").is_some_and(|t| t.contains("选择")));
    // Still on: nothing was saved.
    let party = attest::db::models::users::find_by_email(&mut app.conn(), "landlord@example.cn")
        .unwrap()
        .unwrap()
        .party_id
        .unwrap();
    let stored = attest::db::models::parties::find_by_id(&mut app.conn(), &party).unwrap();
    assert!(stored.reminders_enabled);
}
