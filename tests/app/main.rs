//! The one integration-test binary: every module starts the real application on port 0
//! and talks to it over HTTP, runs the real `attest` binary, or talks to a real SMTP server.
//!
//! The whole suite runs twice: `sqlite::…` on a temporary SQLite file, and `postgres::…` on a
//! database of a throwaway PostgreSQL cluster (when PostgreSQL is installed; see build.rs).
//! The helpers tell the halves apart by the test thread's name.

// Each test file is compiled once per backend on purpose (tests/app/sqlite.rs, postgres.rs).
#![allow(clippy::duplicate_mod)]

mod helpers;
mod migrations_support;
#[cfg(attest_nginx)]
mod nginx;
#[cfg(attest_pg)]
mod pg_cluster;
mod properties;
mod smtp;

mod sqlite;

#[cfg(attest_pg)]
mod postgres;

/// Reported as ignored when PostgreSQL is not installed (CI sets ATTEST_REQUIRE_PG=1, which
/// fails the build instead).
#[cfg(not(attest_pg))]
#[test]
#[ignore = "PostgreSQL (initdb, pg_ctl) is not installed: the suite on PostgreSQL is skipped"]
fn postgres_suite() {}

/// Reported as ignored when Chromium, Node.js, Java or the tests/e2e packages are missing
/// (CI sets ATTEST_REQUIRE_BROWSER=1, which fails the build instead).
#[cfg(not(attest_browser))]
#[test]
#[ignore = "Chromium, Node.js, Java or tests/e2e/node_modules missing: the browser suite is skipped"]
fn browser_suite() {}

/// Reported as ignored when schemathesis is not installed (CI sets
/// ATTEST_REQUIRE_SCHEMATHESIS=1, which fails the build instead).
#[cfg(not(attest_schemathesis))]
#[test]
#[ignore = "schemathesis (pip install schemathesis) is not installed: the API contract check is skipped"]
fn schemathesis_check() {}

/// Reported as ignored when nginx or openssl is missing (CI sets ATTEST_REQUIRE_NGINX=1,
/// which fails the build instead).
#[cfg(not(attest_nginx))]
#[test]
#[ignore = "nginx or openssl is not installed: the suite behind a reverse proxy is skipped"]
fn proxy_suite() {}

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
