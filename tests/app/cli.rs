//! The operator CLI, run as the real `attest` binary.

use crate::gates::backend;

use crate::helpers::{fresh_store, on_postgres, run_cli as attest, spawn_app_in, PASSWORD};
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The words of a command line (no argument here contains a space).
fn argv(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test]
async fn an_operator_sets_up_a_station_its_officer_and_a_party_which_then_log_in() {
    backend!();
    let dir = fresh_store();
    let d = &dir;
    let pw = format!("{PASSWORD}\n");

    let station = attest(
        d,
        &argv("station add --code 440304-001 --name 福田派出所 --email futian@example.cn"),
        None,
    );
    assert!(station.status.success(), "{}", stderr(&station));
    let officer = attest(
        d,
        &argv("user add --role station --email Officer@Example.cn --station 440304-001 --password-stdin"),
        Some(&pw),
    );
    assert!(officer.status.success(), "{}", stderr(&officer));
    let admin = attest(
        d,
        &argv("user add --role admin --email admin@example.cn --password-stdin"),
        Some(&pw),
    );
    assert!(admin.status.success(), "{}", stderr(&admin));
    let party = attest(
        d,
        &argv("party add --kind employer --name 深圳市示例科技有限公司 --identifier 91110000600037341L --station 440304-001 --email hr@example.cn --password-stdin --address 深圳市福田区"),
        Some(&pw),
    );
    assert!(party.status.success(), "{}", stderr(&party));

    // The portal, on the same data directory, knows them all.
    let app = spawn_app_in(dir).await;
    assert_eq!(
        crate::helpers::location(&app.login_with(&app.client, "officer@example.cn").await),
        "/station"
    );
    let hr = crate::helpers::browser();
    app.login_with(&hr, "hr@example.cn").await;
    let home = app.get_with(&hr, "/party").await.text().await.unwrap();
    assert_eq!(
        crate::helpers::text(&home, ".badge").as_deref(),
        Some("已通过")
    );
}

#[test]
fn mistakes_get_one_clear_line_and_a_non_zero_exit() {
    backend!();
    let dir = fresh_store();
    let d = &dir;
    let pw = format!("{PASSWORD}\n");
    assert!(attest(
        d,
        &[
            "station",
            "add",
            "--code",
            "440304-001",
            "--name",
            "福田",
            "--email",
            "f@example.cn"
        ],
        None
    )
    .status
    .success());
    assert!(attest(
        d,
        &[
            "user",
            "add",
            "--role",
            "admin",
            "--email",
            "a@example.cn",
            "--password-stdin"
        ],
        Some(&pw)
    )
    .status
    .success());

    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (
            argv("station add --code 440304-001 --name x --email f@example.cn"),
            "",
            "already exists",
        ),
        (
            argv("station add --code 4403-1 --name x --email f@example.cn"),
            "",
            "station code",
        ),
        (
            argv("station add --code 440304-009 --name x --email nope"),
            "",
            "--email",
        ),
        (
            argv("user add --role admin --email a@example.cn --password-stdin"),
            PASSWORD,
            "already has an account",
        ),
        (
            argv("user add --role station --email s@example.cn --station 999999-999 --password-stdin"),
            PASSWORD,
            "no station with code 999999-999",
        ),
        (
            argv("user add --role station --email s@example.cn --password-stdin"),
            PASSWORD,
            "needs --station",
        ),
        (
            argv("user add --role admin --email b@example.cn --password-stdin"),
            "short",
            "at least 12",
        ),
        (
            argv("party add --kind employer --name x --identifier 91310115MA1H8R7C6D --station 440304-001 --email p@example.cn --password-stdin"),
            PASSWORD,
            "--identifier",
        ),
        (
            argv("party add --kind employer --name x --identifier 91110000600037341L --station 000000-000 --email p@example.cn --password-stdin"),
            PASSWORD,
            "no station with code 000000-000",
        ),
    ];
    for (args, stdin, message) in cases {
        let out = attest(d, &args, Some(stdin));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(!err.contains("panicked"));
    }
}

#[test]
fn a_bad_setting_stops_with_exit_code_2_naming_the_variable() {
    backend!();
    let dir = fresh_store();
    let cases = [
        ("ATTEST_BIND", "not-an-address"),
        ("ATTEST_DATABASE_URL", "mysql://localhost/attest"),
        ("ATTEST_PUBLIC_URL", "ftp://example.cn"),
        ("ATTEST_SMTP_URL", "http://mail.example.cn"),
        ("ATTEST_MAIL_FROM", "not an address"),
        ("ATTEST_LOG_FORMAT", "xml"),
        ("ATTEST_SMTP_TIMEOUT", "0"),
        ("ATTEST_VERIFY_PER_MINUTE", "0"),
        ("ATTEST_ISSUE_PER_MINUTE", "many"),
        ("ATTEST_METRICS_TOKEN", "short"),
    ];
    for (variable, value) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_attest"))
            .arg("migrate")
            .env("ATTEST_DATA_DIR", dir.path())
            .env(variable, value)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{variable}: {err}");
        assert!(err.contains(variable), "{variable}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{variable}: {err}");
    }
}

#[test]
fn every_command_has_help() {
    backend!();
    let dir = fresh_store();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["station", "add", "--help"],
        vec!["user", "add", "--help"],
        vec!["party", "add", "--help"],
    ] {
        let out = attest(&dir, &args, None);
        assert!(out.status.success(), "{args:?}");
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("Usage:"), "{args:?}");
        assert!(
            help.contains("--data-dir") && help.contains("--database-url"),
            "{args:?}"
        );
    }
}

#[test]
fn migrate_creates_the_database_in_the_data_directory() {
    backend!();
    let dir = fresh_store();

    let out = attest(&dir, &["migrate"], None);

    assert!(out.status.success(), "{}", stderr(&out));
    assert!(on_postgres() || dir.path().join("attest.db").exists());
    let again = attest(&dir, &["migrate"], None);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 migration(s)"));
}

#[test]
fn database_url_flag_points_every_command_at_the_same_file() {
    backend!();
    let dir = fresh_store();
    let db = dir.path().join("elsewhere.db");
    let url = format!("sqlite://{}", db.display());

    let out = attest(
        &dir,
        &[
            "--database-url",
            &url,
            "station",
            "add",
            "--code",
            "440304-001",
            "--name",
            "福田",
            "--email",
            "f@example.cn",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let dup = attest(
        &dir,
        &[
            "station",
            "add",
            "--code",
            "440304-001",
            "--name",
            "福田",
            "--email",
            "f@example.cn",
            "--database-url",
            &url,
        ],
        None,
    );

    assert!(db.exists());
    assert!(stderr(&dup).contains("already exists"));
}

#[test]
fn serve_logs_json_lines_and_answers_health_checks() {
    backend!();
    use std::io::{BufRead, BufReader};
    let dir = fresh_store();
    let mut child = Command::new(env!("CARGO_BIN_EXE_attest"))
        .env("ATTEST_DATA_DIR", dir.path())
        .env("ATTEST_DATABASE_URL", dir.database_url())
        .env("ATTEST_BIND", "127.0.0.1:0")
        .env("ATTEST_LOG_FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let serving: serde_json::Value = loop {
        let line = lines
            .next()
            .expect("the server logs before it serves")
            .unwrap();
        let json: serde_json::Value = serde_json::from_str(&line).expect("every log line is JSON");
        if json["message"] == "Attest is serving" {
            break json;
        }
    };
    let port = serving["port"].as_u64().unwrap();

    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port as u16)).unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    std::io::Read::read_to_string(&mut stream, &mut response).unwrap();
    // The request itself is logged as JSON too.
    let logged = lines
        .by_ref()
        .take(20)
        .map(|l| serde_json::from_str::<serde_json::Value>(&l.unwrap()).unwrap())
        .find(|json| json.to_string().contains("/healthz"));
    child.kill().unwrap();
    child.wait().unwrap();

    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"status\":\"ok\""), "{response}");
    assert!(logged.is_some(), "the request was logged");
    assert!(on_postgres() || dir.path().join("attest.db").exists());
    assert!(dir.path().join("secret.key").exists());
}
