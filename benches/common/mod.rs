//! What the benchmarks share: the release binary, starting and stopping it, logging in.

// Which parts are dead depends on the benchmark, so an expectation would fail in some.
#![allow(dead_code, reason = "each benchmark uses a part")]

pub mod cluster;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const PORTAL: &str = "http://attest.bench";
pub const PASSWORD: &str = "violet-harbour-lantern-42";

pub fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn memory_mib() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib / 1024)
}

pub fn attest() -> Command {
    Command::new(env!("CARGO_BIN_EXE_attest"))
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Where an instance keeps its files, and its database when that is not the SQLite file
/// in the data directory.
pub struct Store<'a> {
    pub data: &'a Path,
    pub database_url: Option<&'a str>,
}

impl<'a> Store<'a> {
    pub fn sqlite(data: &'a Path) -> Self {
        Self {
            data,
            database_url: None,
        }
    }

    /// `attest` on this store.
    pub fn attest(&self) -> Command {
        let mut command = attest();
        command.env("ATTEST_DATA_DIR", self.data);
        if let Some(url) = self.database_url {
            command.env("ATTEST_DATABASE_URL", url);
        }
        command
    }
}

/// The bearer token the benchmark scrapes `/metrics` with.
pub const METRICS_TOKEN: &str = "bench-metrics-token-0123456789";

/// Starts `attest serve` on `store`; returns it and the time to its first answered
/// /healthz. (The child is waited for by `stop`.)
#[expect(clippy::zombie_processes, reason = "the child is waited for by `stop`")]
pub fn start(store: &Store) -> (Server, Duration) {
    let port = free_port();
    let started = Instant::now();
    let mut child = store
        .attest()
        .env("ATTEST_PUBLIC_URL", PORTAL)
        .env("ATTEST_REQUIRE_2FA", "none")
        .env("ATTEST_METRICS_TOKEN", METRICS_TOKEN)
        .env("ATTEST_BIND", format!("127.0.0.1:{port}"))
        .env("ATTEST_VERIFY_PER_MINUTE", "10000000")
        .env("ATTEST_ISSUE_PER_MINUTE", "10000000")
        .stderr(Stdio::null())
        .spawn()
        .expect("attest serve");
    loop {
        if let Some(200) = get_status(port, "/healthz") {
            return (Server { child, port }, started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("attest serve did not answer /healthz within 30 s");
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

pub fn stop(server: &mut Server) {
    let _ = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status();
    let _ = server.child.wait();
}

/// The status of a plain GET, or None when nothing answers.
pub fn get_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split_whitespace().nth(1)?.parse().ok()
}

pub fn api_key(store: &Store) -> String {
    let out = store
        .attest()
        .args([
            "apikey",
            "create",
            "--email",
            "party1@seed.attest.localhost",
        ])
        .args(["--name", "benchmark"])
        .output()
        .expect("attest apikey create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Logs in through the login form; returns the Cookie header of the session.
pub fn login(server: &Server, email: &str) -> String {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into();
    let cookies = |response: &ureq::http::Response<ureq::Body>| -> Vec<String> {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
            .collect()
    };
    let mut page = agent.get(server.url("/login")).call().unwrap();
    let first = cookies(&page);
    let html = page.body_mut().read_to_string().unwrap();
    let csrf = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF field on the login page")
        .to_owned();
    let response = agent
        .post(server.url("/login"))
        .header("Cookie", first.join("; "))
        .send_form([
            ("csrf_token", csrf.as_str()),
            ("email", email),
            ("password", PASSWORD),
        ])
        .unwrap();
    assert_eq!(response.status(), 303, "login of {email}");
    let mut all = first;
    for cookie in cookies(&response) {
        let name = cookie.split('=').next().unwrap_or_default().to_owned();
        all.retain(|c| !c.starts_with(&format!("{name}=")));
        all.push(cookie);
    }
    all.join("; ")
}

pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}
