//! Finds PostgreSQL's server programs for the integration tests: with them the whole suite
//! also runs on PostgreSQL (cfg `attest_pg`); without them that half is reported as ignored,
//! unless `ATTEST_REQUIRE_PG=1` (CI), which makes the build fail instead.

fn main() {
    browser();
    schemathesis();
    nginx();
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

/// The browser suite needs Chromium, Node.js and the packages of tests/e2e (`npm ci --prefix
/// tests/e2e`), and Java for the HTML checker: cfg `attest_browser` when all are there;
/// `ATTEST_REQUIRE_BROWSER=1` makes their absence fail the build.
fn browser() {
    println!("cargo::rustc-check-cfg=cfg(attest_browser)");
    println!("cargo::rerun-if-env-changed=ATTEST_REQUIRE_BROWSER");
    println!("cargo::rerun-if-changed=tests/e2e/node_modules");
    println!("cargo::rerun-if-changed=/usr/bin/chromium");
    let on_path = |program: &str| {
        std::env::var_os("PATH")
            .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).exists()))
            .unwrap_or(false)
    };
    let missing: Vec<&str> = [
        (
            "chromium",
            std::path::Path::new("/usr/bin/chromium").exists() || on_path("chromium"),
        ),
        ("node", on_path("node")),
        ("java", on_path("java")),
        (
            "tests/e2e/node_modules (npm ci --prefix tests/e2e)",
            std::path::Path::new("tests/e2e/node_modules/playwright-core").exists(),
        ),
    ]
    .into_iter()
    .filter(|(_, found)| !found)
    .map(|(what, _)| what)
    .collect();
    if missing.is_empty() {
        println!("cargo::rustc-cfg=attest_browser");
    } else if std::env::var("ATTEST_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!(
            "ATTEST_REQUIRE_BROWSER=1 but the browser suite lacks: {}",
            missing.join(", ")
        );
    }
}

/// The API contract check needs schemathesis (PyPI) on the PATH: cfg `attest_schemathesis`;
/// `ATTEST_REQUIRE_SCHEMATHESIS=1` makes its absence fail the build.
fn schemathesis() {
    println!("cargo::rustc-check-cfg=cfg(attest_schemathesis)");
    println!("cargo::rerun-if-env-changed=ATTEST_REQUIRE_SCHEMATHESIS");
    println!("cargo::rerun-if-env-changed=PATH");
    let found = std::process::Command::new("schemathesis")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if found {
        println!("cargo::rustc-cfg=attest_schemathesis");
    } else if std::env::var("ATTEST_REQUIRE_SCHEMATHESIS").as_deref() == Ok("1") {
        panic!("ATTEST_REQUIRE_SCHEMATHESIS=1 but schemathesis was not found (pip install schemathesis)");
    }
}

/// The suite behind a reverse proxy needs Debian's nginx and openssl (for a throwaway
/// certificate): cfg `attest_nginx`; `ATTEST_REQUIRE_NGINX=1` makes their absence fail the
/// build.
fn nginx() {
    println!("cargo::rustc-check-cfg=cfg(attest_nginx)");
    println!("cargo::rerun-if-env-changed=ATTEST_REQUIRE_NGINX");
    println!("cargo::rerun-if-env-changed=ATTEST_NGINX_BIN");
    println!("cargo::rerun-if-changed=/usr/sbin/nginx");
    let nginx = std::env::var("ATTEST_NGINX_BIN").unwrap_or_else(|_| "/usr/sbin/nginx".into());
    let openssl = std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|out| out.status.success());
    if std::path::Path::new(&nginx).exists() && openssl {
        println!("cargo::rustc-cfg=attest_nginx");
    } else if std::env::var("ATTEST_REQUIRE_NGINX").as_deref() == Ok("1") {
        panic!("ATTEST_REQUIRE_NGINX=1 but nginx or openssl was not found (apt-get install nginx openssl)");
    }
}
