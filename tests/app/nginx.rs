//! Debian's nginx in front of a test app, configured from `deploy/nginx-attest.conf` (the
//! shipped site, with its TLS and forwarding headers) on free loopback ports, with a
//! throwaway certificate. Stopped and deleted when dropped.

use std::process::{Child, Command};

/// A running nginx in front of one app.
pub struct Nginx {
    child: Child,
    _dir: tempfile::TempDir,
    /// `https://127.0.0.1:PORT`.
    pub address: String,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Starts nginx with the shipped site, proxying to the apps on `app_ports` (round robin).
pub fn start(app_ports: &[u16]) -> Nginx {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path().display().to_string();
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=localhost"])
        .args(["-keyout", &format!("{d}/privkey.pem")])
        .args(["-out", &format!("{d}/fullchain.pem")])
        .output()
        .expect("openssl runs");
    assert!(made.status.success(), "openssl: {made:?}");
    let port = free_port();
    let shipped = include_str!("../../deploy/nginx-attest.conf");
    // The shipped site with the test's ports and paths: the HTTP redirect server dropped,
    // the upstream the app, the TLS server on a free loopback port.
    let https_server = &shipped[shipped.rfind("server {").expect("the TLS server")..];
    let head = &shipped[..shipped.find("upstream attest").expect("the upstream")];
    let servers: String = app_ports
        .iter()
        .map(|port| format!("    server 127.0.0.1:{port};\n"))
        .collect();
    let site = format!(
        "{head}upstream attest {{\n{servers}    keepalive 8;\n}}\n\n{}",
        https_server
            .replace(
                "listen 443 ssl http2;",
                &format!("listen 127.0.0.1:{port} ssl;")
            )
            .replace("listen [::]:443 ssl http2;", "")
            .replace("/etc/ssl/attest", &d)
            .replace("/var/log/nginx", &d)
            .replace(
                "server_name attest.example.gov.cn;",
                "server_name localhost;"
            )
    );
    std::fs::write(dir.path().join("site.conf"), site).expect("site");
    let temp_paths: String = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
        .iter()
        .map(|t| format!("{t}_temp_path {d}/{t};\n"))
        .collect();
    let main = format!(
        "pid {d}/nginx.pid;\nerror_log {d}/error.log;\nworker_processes 1;\nevents {{ worker_connections 512; }}\n\
         http {{\n{temp_paths}include {d}/site.conf;\n}}\n"
    );
    std::fs::write(dir.path().join("nginx.conf"), main).expect("nginx.conf");
    // One process, no workers: killing it leaves nothing behind.
    let mut child = Command::new(crate::gates::nginx_binary())
        .args([
            "-p",
            &d,
            "-c",
            &format!("{d}/nginx.conf"),
            "-g",
            "daemon off; master_process off;",
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("nginx starts");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Nginx {
                child,
                _dir: dir,
                address: format!("https://127.0.0.1:{port}"),
            };
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default();
    panic!("nginx did not listen on {port}: {log}");
}

/// A client of nginx from its own loopback address (`127.0.0.2`, `127.0.0.3` …): a
/// different client to the proxy. Keeps cookies, follows no redirects, trusts the test
/// certificate.
pub fn client_from(address: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(address.parse::<std::net::IpAddr>().expect("an address"))
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .danger_accept_invalid_certs(true)
        .build()
        .expect("client")
}
