//! The whole suite on a temporary SQLite file per test, and the parts that need a tool of
//! their own, each behind its gate (tests/app/gates.rs).

include!("suite.rs");

#[path = "browser.rs"]
mod browser;
#[path = "database_down.rs"]
mod database_down;
#[path = "deployment.rs"]
mod deployment;
#[path = "offline.rs"]
mod offline;
#[path = "proxy.rs"]
mod proxy;
#[path = "replica.rs"]
mod replica;
#[path = "schemathesis.rs"]
mod schemathesis;
