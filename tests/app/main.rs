//! The one integration-test binary: every module starts the real application on port 0
//! and talks to it over HTTP, runs the real `attest` binary, or talks to a real SMTP server.
//!
//! The whole suite runs twice: `sqlite::…` on a temporary SQLite file, and `postgres::…` on a
//! database of a throwaway PostgreSQL cluster. The helpers tell the halves apart by the test
//! thread's name. Parts that need tools of their own (PostgreSQL, Chromium, nginx,
//! schemathesis) check for them when they run and are skipped without them (gates.rs).

// Each test file is compiled once per backend on purpose (tests/app/sqlite.rs, postgres.rs).
#![expect(
    clippy::duplicate_mod,
    reason = "the suite is compiled once per backend"
)]
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails at the first thing that is not as it should be"
)]

mod gates;
mod helpers;
mod layers;
mod migrations_support;
mod nginx;
mod pg_cluster;
mod properties;
mod smtp;

mod postgres;
mod sqlite;

/// Every file of `tests/app/` is in the shared suite list, in `sqlite.rs` behind a gate, or
/// one of the harness's own modules: a test file in no list would silently never run.
#[test]
fn every_test_file_is_in_a_list() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/app");
    let lists = [
        include_str!("suite.rs"),
        include_str!("sqlite.rs"),
        include_str!("main.rs"),
    ]
    .concat();
    let harness = ["main.rs", "suite.rs", "sqlite.rs", "postgres.rs"];
    for entry in std::fs::read_dir(&dir).expect("tests/app") {
        let name = entry
            .expect("an entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !name.ends_with(".rs") || harness.contains(&name.as_str()) {
            continue;
        }
        let module = name.trim_end_matches(".rs");
        assert!(
            lists.contains(&format!("#[path = \"{name}\"]"))
                || lists.contains(&format!("mod {module};")),
            "tests/app/{name} is in no suite list"
        );
    }
}
