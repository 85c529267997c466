//! The whole suite on a temporary SQLite file per test, and the parts that need a tool of
//! their own, each behind its gate.

include!("suite.rs");

#[cfg(attest_browser)]
#[path = "browser.rs"]
mod browser;
#[cfg(attest_nginx)]
#[path = "proxy.rs"]
mod proxy;
#[cfg(attest_schemathesis)]
#[path = "schemathesis.rs"]
mod schemathesis;
