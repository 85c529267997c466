//! Email: notifications written to the outbox with their event, and the worker that sends
//! them (SMTP, or `.eml` files in the data directory when no server is configured), and
//! the daily expiry reminders it writes.

pub mod account;
pub mod compose;
pub mod notify;
pub mod reminders;
pub mod worker;
