//! A throwaway PostgreSQL cluster for the load benchmark, tuned as `docs/deploy.md` says
//! (durable: `fsync` and `synchronous_commit` on), kept in `/var/tmp/attest-bench-pg` between
//! runs so that the seeded database is made once. As root, its programs run as `postgres`.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    pub port: u16,
}

/// The newest PostgreSQL server programs: `ATTEST_PG_BIN`, else Debian's; None without.
fn bin_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("ATTEST_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, bin)| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"))
}

/// The settings of `docs/deploy.md` ("Tuning PostgreSQL") for this machine's memory.
pub fn tuned_settings(memory_mib: u64) -> Vec<String> {
    let shared = (memory_mib / 4).min(8192);
    [
        format!("shared_buffers={shared}MB"),
        format!("effective_cache_size={}MB", memory_mib * 3 / 4),
        "max_connections=200".to_owned(),
        "wal_compression=on".to_owned(),
        "checkpoint_timeout=15min".to_owned(),
        "max_wal_size=8GB".to_owned(),
        "random_page_cost=1.1".to_owned(),
        "synchronous_commit=on".to_owned(),
        "fsync=on".to_owned(),
    ]
    .into()
}

impl Cluster {
    /// Starts the cluster (made on the first run); None when PostgreSQL is not installed.
    pub fn start(memory_mib: u64) -> Option<Self> {
        let bin = bin_dir()?;
        let dir = PathBuf::from("/var/tmp/attest-bench-pg");
        let data = dir.join("data");
        let port = super::free_port();
        let cluster = Self { bin, data, port };
        if !cluster.data.join("PG_VERSION").exists() {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            if is_root() {
                cluster.must(Command::new("chown").args(["postgres:postgres"]).arg(&dir));
            }
            let data = cluster.data.to_str().unwrap().to_owned();
            let made = cluster.run("initdb", &["-D", &data, "-U", "app", "--auth=trust"]);
            assert!(made, "initdb failed");
        }
        let mut options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {}",
            dir.display()
        );
        for setting in tuned_settings(memory_mib) {
            options += &format!(" -c {setting}");
        }
        let log = dir.join("log");
        let data = cluster.data.to_str().unwrap().to_owned();
        let log = log.to_str().unwrap().to_owned();
        assert!(
            cluster.run(
                "pg_ctl",
                &["-D", &data, "-w", "-l", &log, "-o", &options, "start"]
            ),
            "PostgreSQL did not start (see {log})"
        );
        Some(cluster)
    }

    /// Runs a PostgreSQL program as `postgres` when root; true when it succeeded.
    fn run(&self, program: &str, args: &[&str]) -> bool {
        let path = self.bin.join(program);
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        };
        self.must(command.args(args))
    }

    fn must(&self, command: &mut Command) -> bool {
        let out = command.output().expect("a PostgreSQL program runs");
        if !out.status.success() {
            eprintln!(
                "{command:?} failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        out.status.success()
    }

    /// The URL of database `name`.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://app@127.0.0.1:{}/{name}", self.port)
    }

    /// Runs `sql` in database `db` with psql; true when it succeeded.
    pub fn psql(&self, db: &str, sql: &str) -> bool {
        let port = self.port.to_string();
        self.run(
            "psql",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                "app",
                "-d",
                db,
                "-v",
                "ON_ERROR_STOP=1",
                "-qc",
                sql,
            ],
        )
    }

    /// Whether database `name` exists.
    pub fn has_database(&self, name: &str) -> bool {
        self.psql(name, "SELECT 1")
    }

    /// `pgbench` with a script of one 2 KiB insert per transaction, `clients` clients for
    /// `secs` seconds: transactions per second.
    pub fn pgbench_insert_ceiling(&self, work: &Path, clients: u32, secs: u64) -> f64 {
        let _ = self.psql("postgres", "DROP DATABASE IF EXISTS ceiling");
        assert!(self.psql("postgres", "CREATE DATABASE ceiling"));
        assert!(self.psql(
            "ceiling",
            "CREATE TABLE ceiling (id uuid PRIMARY KEY, payload text NOT NULL)"
        ));
        let script = work.join("insert.sql");
        std::fs::write(
            &script,
            "INSERT INTO ceiling (id, payload) VALUES (gen_random_uuid(), repeat('x', 2048));\n",
        )
        .unwrap();
        let out = Command::new(self.bin.join("pgbench"))
            .args([
                "-n",
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "app",
            ])
            .args([
                "-c",
                &clients.to_string(),
                "-j",
                "2",
                "-T",
                &secs.to_string(),
            ])
            .arg("-f")
            .arg(&script)
            .arg("ceiling")
            .output()
            .expect("pgbench");
        let stdout = String::from_utf8_lossy(&out.stdout);
        stdout
            .lines()
            .find_map(|l| l.strip_prefix("tps = "))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "pgbench printed no tps: {stdout}{}",
                    String::from_utf8_lossy(&out.stderr)
                )
            })
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data.to_str().unwrap().to_owned();
        self.run("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"]);
    }
}
