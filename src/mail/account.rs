//! Emails to an account's own address: a login attack on it, a sign-up with its details.

use super::compose::{MailFact, Notification};
use super::notify::enqueue;
use crate::db::DbConnection;

/// The account `email` reached the ceiling of failed logins from many clients: its owner
/// should know (and keeps logging in from the clients it used before).
pub fn login_ceiling(conn: &mut DbConnection, portal: &str, email: &str) -> anyhow::Result<()> {
    let n = Notification {
        headline_key: "mail.login_ceiling",
        subject_detail: email.to_owned(),
        facts: vec![
            MailFact::plain("mail.fact.account", email),
            MailFact::plain(
                "mail.fact.failures",
                crate::sign_in::ACCOUNT_CEILING.to_string(),
            ),
            MailFact::keyed("mail.fact.what_now", "mail.login_ceiling.what_now"),
        ],
        link: Some(format!("{portal}/login")),
    };
    enqueue(conn, "login_ceiling", email, None, &n)
}

/// Someone tried to register again with the email or the identifier of an existing
/// account: the account's owner is told, and the page says the same as for a new sign-up.
pub fn already_registered(
    conn: &mut DbConnection,
    portal: &str,
    email: &str,
) -> anyhow::Result<()> {
    let n = Notification {
        headline_key: "mail.already_registered",
        subject_detail: email.to_owned(),
        facts: vec![
            MailFact::plain("mail.fact.account", email),
            MailFact::keyed("mail.fact.what_now", "mail.already_registered.what_now"),
        ],
        link: Some(format!("{portal}/login")),
    };
    enqueue(conn, "already_registered", email, None, &n)
}

/// A party registered itself: the registrant hears that the station will review it.
pub fn registered(conn: &mut DbConnection, portal: &str, email: &str) -> anyhow::Result<()> {
    let n = Notification {
        headline_key: "mail.registration_received",
        subject_detail: email.to_owned(),
        facts: vec![
            MailFact::plain("mail.fact.account", email),
            MailFact::keyed("mail.fact.what_now", "mail.registration_received.what_now"),
        ],
        link: Some(format!("{portal}/login")),
    };
    enqueue(conn, "registered", email, None, &n)
}
