//! Whether the tools a part of the suite needs are installed, decided when the tests run
//! (never by the crate's build): without them that part is skipped, with one line on the
//! terminal saying what is missing; with its `ATTEST_REQUIRE_*=1` (CI) it fails instead.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// A part of the suite that needs tools of its own.
#[derive(Clone, Copy)]
pub enum Gate {
    Postgres,
    Browser,
    Nginx,
    Schemathesis,
}

impl Gate {
    fn index(self) -> usize {
        self as usize
    }

    /// The variable that turns a missing tool into a failure.
    fn require_var(self) -> &'static str {
        match self {
            Gate::Postgres => "ATTEST_REQUIRE_PG",
            Gate::Browser => "ATTEST_REQUIRE_BROWSER",
            Gate::Nginx => "ATTEST_REQUIRE_NGINX",
            Gate::Schemathesis => "ATTEST_REQUIRE_SCHEMATHESIS",
        }
    }

    fn part(self) -> &'static str {
        match self {
            Gate::Postgres => "the suite on PostgreSQL",
            Gate::Browser => "the browser suite",
            Gate::Nginx => "the suite behind nginx",
            Gate::Schemathesis => "the API contract check",
        }
    }

    /// What of this part's tools is missing (empty when all are there).
    fn missing(self) -> Vec<&'static str> {
        let checks: Vec<(&'static str, bool)> = match self {
            Gate::Postgres => vec![(
                "PostgreSQL's initdb and pg_ctl (apt-get install postgresql)",
                pg_bin_dir().is_some(),
            )],
            Gate::Browser => vec![
                (
                    "chromium",
                    Path::new("/usr/bin/chromium").exists() || on_path("chromium"),
                ),
                ("node", on_path("node")),
                ("java", on_path("java")),
                (
                    "tests/e2e/node_modules (npm ci --prefix tests/e2e)",
                    manifest_dir()
                        .join("tests/e2e/node_modules/playwright-core")
                        .exists(),
                ),
                (
                    "python3 with PyJWT, cryptography and Pillow (apt-get install python3-jwt \
                     python3-cryptography python3-pil)",
                    runs(PYTHON, "-cimport jwt, cryptography, PIL"),
                ),
                ("zbarimg (apt-get install zbar-tools)", on_path("zbarimg")),
                (
                    "pdftoppm (apt-get install poppler-utils)",
                    on_path("pdftoppm"),
                ),
            ],
            Gate::Nginx => vec![
                (
                    "nginx (apt-get install nginx)",
                    Path::new(&nginx_binary()).exists(),
                ),
                ("openssl", runs("openssl", "version")),
            ],
            Gate::Schemathesis => vec![(
                "schemathesis (pip install schemathesis)",
                runs("schemathesis", "--version"),
            )],
        };
        checks
            .into_iter()
            .filter(|(_, found)| !found)
            .map(|(what, _)| what)
            .collect()
    }
}

/// True when the test may go on. When the gate's tools are missing: panics under its
/// `ATTEST_REQUIRE_*=1`, else prints one line (once per gate, past the test's captured
/// output) and returns false, and the test returns as skipped.
pub fn open(gate: Gate) -> bool {
    static MISSING: [OnceLock<Vec<&'static str>>; 4] = [const { OnceLock::new() }; 4];
    static TOLD: [OnceLock<()>; 4] = [const { OnceLock::new() }; 4];
    let missing = MISSING[gate.index()].get_or_init(|| gate.missing());
    if missing.is_empty() {
        return true;
    }
    let reason = format!("{} lacks {}", gate.part(), missing.join(", "));
    if std::env::var(gate.require_var()).as_deref() == Ok("1") {
        panic!("{}=1 but {reason}", gate.require_var());
    }
    TOLD[gate.index()].get_or_init(|| {
        // Straight to the terminal: the test harness captures only print!/eprint!.
        let _ = writeln!(std::io::stderr(), "skipped: {reason}");
    });
    false
}

/// False in a test of the `postgres::` half when PostgreSQL is not installed.
pub fn backend_open() -> bool {
    !crate::helpers::on_postgres() || open(Gate::Postgres)
}

/// Returns from the test (as skipped) unless the tools of `gate` are installed.
macro_rules! require {
    ($gate:ident) => {
        if !$crate::gates::open($crate::gates::Gate::$gate) {
            return;
        }
    };
}

/// Returns from a test of the shared suite (as skipped) when it runs in the PostgreSQL half
/// and PostgreSQL is not installed.
macro_rules! backend {
    () => {
        if !$crate::gates::backend_open() {
            return;
        }
    };
}

pub(crate) use {backend, require};

/// The newest PostgreSQL server programs: `ATTEST_PG_BIN`, else Debian's.
pub fn pg_bin_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("ATTEST_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|v| v.path().join("bin"))
        .filter(|b| b.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

/// `ATTEST_NGINX_BIN`, else Debian's nginx.
pub fn nginx_binary() -> String {
    std::env::var("ATTEST_NGINX_BIN").unwrap_or_else(|_| "/usr/sbin/nginx".into())
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).exists()))
}

fn runs(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Debian's Python, where `apt-get install python3-jwt python3-pil` puts its modules
/// (whatever other Python is first on the PATH).
pub const PYTHON: &str = "/usr/bin/python3";
