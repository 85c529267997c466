//! A throwaway PostgreSQL cluster for the tests, started once per test run (initdb, pg_ctl;
//! as root through `runuser -u postgres`), one database per test made from a migrated
//! template and dropped when the test's app is dropped. A watchdog stops the cluster and
//! deletes its files when the test process exits.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

struct Cluster {
    port: u16,
    template_ready: std::sync::Mutex<bool>,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();

fn bin_dir() -> PathBuf {
    crate::gates::pg_bin_dir().expect("PostgreSQL is installed (gates::Gate::Postgres)")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false)
}

/// Runs a PostgreSQL program, as the `postgres` user when we are root; its output is shown
/// only when it fails.
fn run(program: &str, args: &[&str]) {
    let path = bin_dir().join(program);
    let output = if is_root() {
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(&path)
            .args(args)
            .output()
    } else {
        Command::new(&path).args(args).output()
    }
    .expect("a PostgreSQL program runs");
    assert!(
        output.status.success(),
        "{program} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A new cluster in `dir` listening on a free loopback port, started; its data directory
/// and port. `-m immediate` stops it when the test process is gone (a watchdog), and the
/// directory is deleted.
fn init_and_start(dir: &std::path::Path) -> (PathBuf, u16) {
    std::fs::create_dir_all(dir).unwrap();
    if is_root() {
        Command::new("chown")
            .args(["postgres:postgres", dir.to_str().unwrap()])
            .status()
            .unwrap();
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let data = dir.join("data");
    let (data_s, dir_s) = (data.to_str().unwrap(), dir.to_str().unwrap());
    run(
        "initdb",
        &[
            "-D",
            data_s,
            "-U",
            "app",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
    );
    let options = format!("-c listen_addresses=127.0.0.1 -p {port} -k {dir_s} -c fsync=off -c max_connections=500 -c synchronous_commit=off");
    std::fs::write(data.join("attest-options"), &options).unwrap();
    pg_ctl_start(&data);
    let pg_ctl = bin_dir().join("pg_ctl");
    let stop = if is_root() {
        format!(
            "runuser -u postgres -- {} -D {data_s} -m immediate stop",
            pg_ctl.display()
        )
    } else {
        format!("{} -D {data_s} -m immediate stop", pg_ctl.display())
    };
    let watchdog = format!(
        "while kill -0 {} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf {dir_s}",
        std::process::id()
    );
    // The watchdog must outlive this process: it is never waited for.
    #[expect(
        clippy::zombie_processes,
        reason = "the watchdog outlives this process"
    )]
    Command::new("sh")
        .args(["-c", &watchdog])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    (data, port)
}

fn pg_ctl_start(data: &std::path::Path) {
    let options = std::fs::read_to_string(data.join("attest-options")).unwrap();
    let log = data.parent().unwrap().join("log");
    run(
        "pg_ctl",
        &[
            "-D",
            data.to_str().unwrap(),
            "-w",
            "-l",
            log.to_str().unwrap(),
            "-o",
            &options,
            "start",
        ],
    );
}

fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("attest-pg-{}", std::process::id()));
        let (_, port) = init_and_start(&dir);
        Cluster {
            port,
            template_ready: std::sync::Mutex::new(false),
        }
    })
}

/// A cluster of one test's own, to stop and start (the server going down), with one
/// migrated database at `url`.
pub struct OwnCluster {
    pub url: String,
    data: PathBuf,
    port: u16,
}

impl OwnCluster {
    pub fn start() -> Self {
        let dir =
            std::env::temp_dir().join(format!("attest-pg-own-{}", uuid::Uuid::new_v4().simple()));
        let (data, port) = init_and_start(&dir);
        admin(port, "CREATE DATABASE attest");
        let url = format!("postgres://app@127.0.0.1:{port}/attest");
        let pool = attest::db::connect(&attest::config::Database::Postgres(url.clone())).unwrap();
        attest::db::migrate(&pool).unwrap();
        OwnCluster { url, data, port }
    }

    /// A hot standby of this cluster by streaming replication (`pg_basebackup -R`), started.
    pub fn standby(&self) -> OwnCluster {
        let dir = std::env::temp_dir().join(format!(
            "attest-pg-standby-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        if is_root() {
            Command::new("chown")
                .args(["postgres:postgres", dir.to_str().unwrap()])
                .status()
                .unwrap();
        }
        let data = dir.join("data");
        let primary = self.port.to_string();
        run(
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &primary,
                "-U",
                "app",
                "-D",
                data.to_str().unwrap(),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ],
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir_s = dir.to_str().unwrap();
        let options = format!("-c listen_addresses=127.0.0.1 -p {port} -k {dir_s} -c fsync=off -c max_connections=500 -c hot_standby=on");
        std::fs::write(data.join("attest-options"), options).unwrap();
        pg_ctl_start(&data);
        OwnCluster {
            url: format!("postgres://app@127.0.0.1:{port}/attest"),
            data,
            port,
        }
    }

    /// Stops the server (`-m fast`: its connections are closed).
    pub fn stop(&self) {
        run(
            "pg_ctl",
            &[
                "-D",
                self.data.to_str().unwrap(),
                "-w",
                "-m",
                "fast",
                "stop",
            ],
        );
    }

    /// Starts it again.
    pub fn restart(&self) {
        pg_ctl_start(&self.data);
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let data = self.data.to_str().unwrap().to_owned();
        let _ = std::thread::spawn(move || {
            let pg_ctl = bin_dir().join("pg_ctl");
            let args = ["-D", &data, "-m", "immediate", "stop"];
            let _ = if is_root() {
                Command::new("runuser")
                    .args(["-u", "postgres", "--"])
                    .arg(&pg_ctl)
                    .args(args)
                    .output()
            } else {
                Command::new(&pg_ctl).args(args).output()
            };
        })
        .join();
    }
}

fn admin(port: u16, sql: &str) {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let mut conn =
        diesel::PgConnection::establish(&format!("postgres://app@127.0.0.1:{port}/postgres"))
            .expect("admin connection");
    conn.batch_execute(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A fresh, migrated database; dropped (with its connections) when this value is dropped.
pub struct TestDatabase {
    pub url: String,
    name: String,
    port: u16,
}

/// Makes a test database from the migrated template.
pub fn database() -> TestDatabase {
    let cluster = cluster();
    {
        let mut ready = cluster.template_ready.lock().unwrap();
        if !*ready {
            admin(cluster.port, "CREATE DATABASE attest_template");
            let url = format!("postgres://app@127.0.0.1:{}/attest_template", cluster.port);
            let pool = attest::db::connect(&attest::config::Database::Postgres(url)).unwrap();
            attest::db::migrate(&pool).unwrap();
            drop(pool);
            *ready = true;
        }
    }
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    admin(
        cluster.port,
        &format!("CREATE DATABASE {name} TEMPLATE attest_template"),
    );
    TestDatabase {
        url: format!("postgres://app@127.0.0.1:{}/{name}", cluster.port),
        name,
        port: cluster.port,
    }
}

/// An empty database (for the migration round trip).
pub fn empty_database() -> TestDatabase {
    let cluster = cluster();
    let name = format!("e_{}", uuid::Uuid::new_v4().simple());
    admin(cluster.port, &format!("CREATE DATABASE {name}"));
    TestDatabase {
        url: format!("postgres://app@127.0.0.1:{}/{name}", cluster.port),
        name,
        port: cluster.port,
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (port, name) = (self.port, self.name.clone());
        // Not from inside an async runtime's thread: a plain thread, waited for.
        let _ = std::thread::spawn(move || {
            admin(
                port,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            )
        })
        .join();
    }
}
