//! Emails to an account's own address: a registration received, a sign-up with the details
//! of an existing account, a login attack on it, a password changed, a reset link.

use super::compose::{MailFact, Notification};
use super::notify::enqueue;
use crate::db::DbConnection;

/// Queues the email `event` to the account `email`: its headline, the account, what it means
/// (`{headline_key}.what_now`), any `more` facts, and a link to the login page.
fn to_account(
    conn: &mut DbConnection,
    portal: &str,
    email: &str,
    event: &str,
    headline_key: &'static str,
    more: Vec<MailFact>,
) -> anyhow::Result<()> {
    let mut facts = vec![MailFact::plain("mail.fact.account", email)];
    facts.extend(more);
    facts.push(MailFact::keyed(
        "mail.fact.what_now",
        &format!("{headline_key}.what_now"),
    ));
    let n = Notification {
        headline_key,
        subject_detail: email.to_owned(),
        facts,
        link: Some(format!("{portal}{}", crate::paths::LOGIN)),
    };
    enqueue(conn, event, email, None, &n)
}

/// The account `email` reached the ceiling of failed logins from many clients: its owner
/// should know (and keeps logging in from the clients it used before).
pub fn login_ceiling(
    conn: &mut DbConnection,
    portal: &str,
    email: &str,
    failures: i64,
) -> anyhow::Result<()> {
    let failures = failures.to_string();
    let more = vec![MailFact::plain("mail.fact.failures", failures)];
    to_account(
        conn,
        portal,
        email,
        "login_ceiling",
        "mail.login_ceiling",
        more,
    )
}

/// Someone tried to register again with the email or the identifier of an existing
/// account: the account's owner is told, and the page says the same as for a new sign-up.
pub fn already_registered(
    conn: &mut DbConnection,
    portal: &str,
    email: &str,
) -> anyhow::Result<()> {
    let headline = "mail.already_registered";
    to_account(conn, portal, email, "already_registered", headline, vec![])
}

/// A party registered itself: the registrant hears that the station will review it.
pub fn registered(conn: &mut DbConnection, portal: &str, email: &str) -> anyhow::Result<()> {
    let headline = "mail.registration_received";
    to_account(conn, portal, email, "registered", headline, vec![])
}

/// The password of `email` was changed or reset: if it was not its owner, they should act.
pub fn password_changed(conn: &mut DbConnection, portal: &str, email: &str) -> anyhow::Result<()> {
    let headline = "mail.password_changed";
    to_account(conn, portal, email, "password_changed", headline, vec![])
}

/// The link that sets a new password for `email`, valid `minutes`. The outbox row holds
/// the link until it is sent; the worker blanks the body once sent (`SECRET_EVENTS`).
pub fn reset_link(
    conn: &mut DbConnection,
    email: &str,
    link: &str,
    minutes: i64,
) -> anyhow::Result<()> {
    let n = Notification {
        headline_key: "mail.reset_link",
        subject_detail: email.to_owned(),
        facts: vec![
            MailFact::plain("mail.fact.account", email),
            MailFact::plain("mail.fact.valid_minutes", minutes.to_string()),
            MailFact::keyed("mail.fact.what_now", "mail.reset_link.what_now"),
        ],
        link: Some(link.to_owned()),
    };
    enqueue(conn, RESET_EVENT, email, None, &n)
}

/// An invitation to join `party` for `email`, its link valid `days`.
pub fn invitation(
    conn: &mut DbConnection,
    email: &str,
    party: &str,
    link: &str,
    days: i64,
) -> anyhow::Result<()> {
    let n = Notification {
        headline_key: "mail.invitation",
        subject_detail: party.to_owned(),
        facts: vec![
            MailFact::plain("mail.fact.party", party),
            MailFact::plain("mail.fact.account", email),
            MailFact::plain("mail.fact.valid_days", days.to_string()),
            MailFact::keyed("mail.fact.what_now", "mail.invitation.what_now"),
        ],
        link: Some(link.to_owned()),
    };
    enqueue(conn, INVITATION_EVENT, email, None, &n)
}

/// A new staff account for `email` (`role`, at station `station`, empty for an
/// administrator): its link to set a password, valid `days`.
pub fn staff_invitation(
    conn: &mut DbConnection,
    email: &str,
    role: crate::domain::Role,
    station: &str,
    link: &str,
    days: i64,
) -> anyhow::Result<()> {
    let mut facts = vec![
        MailFact::plain("mail.fact.account", email),
        MailFact::keyed("mail.fact.role", &format!("role.{}", role.as_str())),
    ];
    if !station.is_empty() {
        facts.push(MailFact::plain("mail.fact.station", station));
    }
    facts.push(MailFact::plain("mail.fact.valid_days", days.to_string()));
    facts.push(MailFact::keyed(
        "mail.fact.what_now",
        "mail.staff_invitation.what_now",
    ));
    let n = Notification {
        headline_key: "mail.staff_invitation",
        subject_detail: email.to_owned(),
        facts,
        link: Some(link.to_owned()),
    };
    enqueue(conn, STAFF_EVENT, email, None, &n)
}

/// The outbox event of a reset link.
pub const RESET_EVENT: &str = "password_reset";
/// The outbox event of an invitation.
pub const INVITATION_EVENT: &str = "invitation";
/// The outbox event of a new staff account's link.
pub const STAFF_EVENT: &str = "staff_invitation";
/// Events whose email holds a secret link: their body is blanked once sent.
pub const SECRET_EVENTS: [&str; 4] = [
    RESET_EVENT,
    INVITATION_EVENT,
    STAFF_EVENT,
    super::notify::HOLDER_LINK_EVENT,
];
