//! Finds PostgreSQL's server programs for the integration tests: with them the whole suite
//! also runs on PostgreSQL (cfg `attest_pg`); without them that half is reported as ignored,
//! unless `ATTEST_REQUIRE_PG=1` (CI), which makes the build fail instead.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(attest_pg)");
    println!("cargo::rerun-if-env-changed=ATTEST_REQUIRE_PG");
    println!("cargo::rerun-if-env-changed=ATTEST_PG_BIN");
    println!("cargo::rerun-if-changed=/usr/lib/postgresql");
    let found = std::env::var("ATTEST_PG_BIN").is_ok()
        || std::fs::read_dir("/usr/lib/postgresql")
            .map(|dir| dir.flatten().any(|v| v.path().join("bin/initdb").exists()))
            .unwrap_or(false);
    if found {
        println!("cargo::rustc-cfg=attest_pg");
    } else if std::env::var("ATTEST_REQUIRE_PG").as_deref() == Ok("1") {
        panic!("ATTEST_REQUIRE_PG=1 but PostgreSQL's initdb was not found (apt-get install postgresql)");
    }
}
