//! `spawn_app()` and what the tests share.

use attest::accounts::{self, NewParty, NewStation};
use attest::config::{Config, ConfigArgs};
use attest::db::{self, DbPool};
use attest::domain::IdentifierType;
use attest::domain::{PartyDetails, PartyIdentifier, PartyKind, PartyStatus, Role};
use attest::startup::Application;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT_LANGUAGE, COOKIE, LOCATION};
use reqwest::{redirect, Client, Response, StatusCode};
use scraper::{Html, Selector};
use std::path::PathBuf;

/// A password every test account uses; strong enough for the policy.
pub const PASSWORD: &str = "violet-harbour-lantern-42";

/// Where an app keeps its data: a temporary data directory, and for the tests of the
/// `postgres::` half a PostgreSQL database of its own. Both go when the last clone is
/// dropped; a restarted app, or a second instance, takes the same store.
#[derive(Clone)]
pub struct Store {
    dir: std::sync::Arc<tempfile::TempDir>,
    pg: Option<std::sync::Arc<crate::pg_cluster::TestDatabase>>,
}

impl Store {
    /// The data directory.
    pub fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// The database the app of this store uses.
    pub fn database(&self) -> attest::config::Database {
        if let Some(pg) = &self.pg {
            return attest::config::Database::Postgres(pg.url.clone());
        }
        attest::config::Database::Sqlite(self.dir.path().join("attest.db"))
    }

    /// The value of `ATTEST_DATABASE_URL` for the CLI.
    pub fn database_url(&self) -> String {
        match self.database() {
            attest::config::Database::Postgres(url) => url,
            attest::config::Database::Sqlite(path) => format!("sqlite://{}", path.display()),
        }
    }
}

/// True in the tests of the `postgres::` half of the suite (the test thread is named after
/// the test's path).
pub fn on_postgres() -> bool {
    std::thread::current()
        .name()
        .is_some_and(|n| n.starts_with("postgres::"))
}

/// A new, empty store on the backend of the running test.
pub fn fresh_store() -> Store {
    Store {
        dir: std::sync::Arc::new(tempfile::tempdir().expect("temp dir")),
        pg: on_postgres().then(|| std::sync::Arc::new(crate::pg_cluster::database())),
    }
}

/// Stops the app's mail worker when the app is dropped.
pub struct StopOnDrop(pub std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A running application with its own data directory (and database).
pub struct TestApp {
    pub address: String,
    pub data_dir: Store,
    pub pool: DbPool,
    /// A browser: keeps cookies, does not follow redirects.
    pub client: Client,
    pub mail_worker: StopOnDrop,
    /// The app's clock: tests move it forward instead of sleeping.
    pub clock: attest::clock::Clock,
}

impl TestApp {
    /// Stops the mail worker, as a shutdown would.
    pub fn stop_mail_worker(&self) {
        self.mail_worker
            .0
            .store(true, std::sync::atomic::Ordering::SeqCst);
        // The worker sleeps a second between rounds.
        std::thread::sleep(std::time::Duration::from_millis(1200));
    }

    /// The `attest` binary, pointed at this app's data directory and database.
    pub fn cli(&self) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_attest"));
        command
            .env("ATTEST_DATA_DIR", self.data_dir.path())
            .env("ATTEST_DATABASE_URL", self.data_dir.database_url());
        command
    }
}

/// Starts the application on a free port with a fresh data directory.
pub async fn spawn_app() -> TestApp {
    spawn_app_in(fresh_store()).await
}

/// Starts the application on an existing data directory (a restart).
pub async fn spawn_app_in(data_dir: Store) -> TestApp {
    spawn_app_as(data_dir, None).await
}

/// Starts the application on `data_dir`, known to the public as `public_url` (the `iss` of
/// its tokens) when given.
pub async fn spawn_app_as(data_dir: Store, public_url: Option<&str>) -> TestApp {
    let public_url = public_url.map(str::to_owned);
    spawn_app_configured(data_dir, move |config| {
        if let Some(url) = public_url {
            config.public_url = url.parse().expect("public URL");
        }
    })
    .await
}

/// Starts the application sending mail to the SMTP server at `smtp_url`, with a 1 s timeout.
pub async fn spawn_app_with_smtp(data_dir: Store, smtp_url: &str) -> TestApp {
    let url = smtp_url.to_owned();
    spawn_app_configured(data_dir, move |config| {
        config.smtp_url = Some(url.parse().expect("SMTP URL"));
        config.smtp_timeout = std::time::Duration::from_secs(1);
    })
    .await
}

/// Starts the application on `data_dir` with the test configuration changed by `change`.
pub async fn spawn_app_configured(data_dir: Store, change: impl FnOnce(&mut Config)) -> TestApp {
    let mut config = test_config(data_dir.path().to_path_buf());
    config.database = data_dir.database();
    change(&mut config);
    let clock = config.clock.clone();
    // With a standby the primary may be down at start (the app starts all the same).
    let pool = match config.database_read {
        Some(_) => db::connect_lazily(&config.database),
        None => db::connect(&config.database).expect("database"),
    };
    let app = Application::build(config).await.expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let mail_worker = StopOnDrop(app.mail_worker_stop());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        data_dir,
        pool,
        client: browser(),
        mail_worker,
        clock,
    }
}

/// The configuration of a test app: port 0, everything in `data_dir`; no second factor
/// required (the suites of the second factor, and the browser, require it themselves).
pub fn test_config(data_dir: PathBuf) -> Config {
    Config::from_args(&ConfigArgs {
        bind: Some("127.0.0.1:0".into()),
        data_dir: Some(data_dir),
        require_2fa: Some("none".into()),
        ..Default::default()
    })
    .expect("test config")
}

/// A new browser with an empty cookie jar.
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        // Below the server's 5 s keep-alive: a connection it may be closing is never reused.
        .pool_idle_timeout(std::time::Duration::from_secs(4))
        .build()
        .expect("client")
}

/// A browser that asks for English first.
pub fn english_browser() -> Client {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_static("en-GB,en;q=0.9"));
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        // Below the server's 5 s keep-alive: a connection it may be closing is never reused.
        .pool_idle_timeout(std::time::Duration::from_secs(4))
        .default_headers(headers)
        .build()
        .expect("client")
}

/// The value of the first element matching `selector`'s `attr`.
pub fn attr(html: &str, selector: &str, attr: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr(attr))
        .map(str::to_owned)
}

/// The text of the first element matching `selector`.
pub fn text(html: &str, selector: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .next()
        .map(|e| e.text().collect::<String>().trim().to_owned())
}

/// What a browser would send for the form `form` of `html` as it stands: each named input
/// (a checkbox or radio only when checked), each select's chosen option, each textarea.
pub fn form_values(html: &str, form: &str) -> Vec<(String, String)> {
    let doc = Html::parse_document(html);
    let form_sel = Selector::parse(form).expect("selector");
    let field = Selector::parse("input[name], select[name], textarea[name]").expect("selector");
    let option = Selector::parse("option").expect("selector");
    let Some(form) = doc.select(&form_sel).next() else {
        return Vec::new();
    };
    form.select(&field)
        .filter_map(|e| {
            let v = e.value();
            let name = v.attr("name")?.to_owned();
            let value = match v.name() {
                "select" => {
                    let chosen = e
                        .select(&option)
                        .find(|o| o.value().attr("selected").is_some());
                    chosen
                        .or_else(|| e.select(&option).next())?
                        .value()
                        .attr("value")?
                        .to_owned()
                }
                "textarea" => e.text().collect(),
                _ if matches!(v.attr("type"), Some("checkbox" | "radio")) => {
                    v.attr("checked")?;
                    v.attr("value").unwrap_or("on").to_owned()
                }
                _ => v.attr("value").unwrap_or("").to_owned(),
            };
            Some((name, value))
        })
        .collect()
}

/// `form_values` as the pairs `post_with` sends.
pub fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
}

/// Where a redirect points.
pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The value a `Set-Cookie` header gives `name`, if any.
pub fn set_cookie(response: &Response, name: &str) -> Option<String> {
    response
        .cookies()
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

impl TestApp {
    /// The full URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// GET with the app's own browser.
    pub async fn get(&self, path: &str) -> Response {
        self.get_with(&self.client, path).await
    }

    /// GET with another browser.
    pub async fn get_with(&self, client: &Client, path: &str) -> Response {
        client.get(self.url(path)).send().await.expect("GET")
    }

    /// The CSRF token the browser's forms carry.
    pub async fn csrf_token(&self, client: &Client) -> String {
        let html = self
            .get_with(client, "/login")
            .await
            .text()
            .await
            .expect("body");
        attr(&html, "input[name=csrf_token]", "value").expect("csrf token in the form")
    }

    /// POSTs a form from `client`, with its CSRF token.
    pub async fn post_with(
        &self,
        client: &Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let token = self.csrf_token(client).await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .expect("POST")
    }

    /// POSTs a form from the app's own browser.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.post_with(&self.client, path, fields).await
    }

    /// Logs `client` in; panics unless the login succeeds.
    pub async fn login_with(&self, client: &Client, email: &str) -> Response {
        let response = self
            .post_with(
                client,
                "/login",
                &[("email", email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "login of {email}");
        response
    }

    /// A connection to the app's database (to arrange or inspect what HTTP cannot).
    pub fn conn(&self) -> db::PooledConn {
        self.pool.get().expect("connection")
    }

    /// Creates a station with code `code`.
    pub fn add_station(&self, code: &str, name: &str) {
        accounts::create_station(
            &mut self.conn(),
            &NewStation {
                code,
                name,
                email: "station@example.cn",
            },
        )
        .expect("station");
    }

    /// Creates a staff account (admin, or station staff of `station`).
    pub fn add_staff(&self, role: Role, email: &str, station: Option<&str>) {
        let hash = attest::password::hash(PASSWORD).expect("hash");
        accounts::create_staff(&mut self.conn(), role, email, &hash, station).expect("staff");
    }

    /// Creates a party of `station` with its user; returns the party id.
    pub fn add_party(
        &self,
        kind: PartyKind,
        identifier: &str,
        station: &str,
        email: &str,
        status: PartyStatus,
    ) -> String {
        let details = PartyDetails {
            kind,
            legal_name: format!("测试单位 {email}"),
            // A lessor given a valid ID number is an individual; otherwise a credit code.
            identifier: PartyIdentifier::parse(kind, IdentifierType::IdNumber, identifier)
                .or_else(|_| PartyIdentifier::parse(kind, IdentifierType::Uscc, identifier))
                .expect("identifier"),
            address: "深圳市福田区福华路 1 号".into(),
            contact_name: "张三".into(),
            contact_phone: "13800138000".into(),
        };
        let hash = attest::password::hash(PASSWORD).expect("hash");
        let (party, _) = accounts::create_party(
            &mut self.conn(),
            &NewParty {
                details: &details,
                station_code: station,
                email,
                password_hash: &hash,
                status,
                client_ip: None,
                notify_portal: None,
                secrets: &attest::secrets::Secrets::load_or_create(self.data_dir.path())
                    .expect("secret"),
            },
        )
        .expect("party");
        party.id.to_string()
    }
}

/// The registration form of an employer, valid as given; tests change one field.
pub fn employer_form(email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("kind", "employer".into()),
        ("legal_name", "深圳市示例科技有限公司".into()),
        ("identifier", "91350100M000100Y43".into()),
        ("address", "深圳市南山区科技园 1 栋".into()),
        ("contact_name", "李四".into()),
        ("contact_phone", "0755-12345678".into()),
        ("station", "440304-001".into()),
        ("email", email.into()),
        ("password", PASSWORD.into()),
        ("password_confirm", PASSWORD.into()),
    ]
}

impl TestApp {
    /// Registers a party with `form` from `client` (the answer is the same for every
    /// registration: the "submitted" page), then logs it in with `email`.
    pub async fn register_and_login(
        &self,
        client: &Client,
        form: &[(&'static str, String)],
        email: &str,
    ) {
        let response = self.post_with(client, "/register", &fields(form)).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "registration");
        assert_eq!(location(&response), "/register/done");
        self.login_with(client, email).await;
    }
}

/// The CSRF token of `client`'s forms, from the login page of the portal at `base` (a
/// served binary, or the portal behind a proxy).
pub async fn csrf_at(client: &Client, base: &str) -> String {
    let html = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("GET /login")
        .text()
        .await
        .expect("body");
    attr(&html, "input[name=csrf_token]", "value").expect("csrf token in the form")
}

/// Sets one field of a form (replaced when present, added when not).
pub fn with(
    mut form: Vec<(&'static str, String)>,
    field: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    match form.iter_mut().find(|(k, _)| *k == field) {
        Some((_, v)) => *v = value.to_owned(),
        None => form.push((field, value.to_owned())),
    }
    form
}

/// Borrows a form for `post`.
pub fn fields<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Sends `cookie` by hand, as a browser that kept an old cookie would.
pub async fn get_with_cookie(app: &TestApp, path: &str, cookie: &str) -> Response {
    browser()
        .get(app.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .expect("GET")
}

/// Two stations, their staff and an admin, and a pending party in each: 440304-001 (福田,
/// officer `futian@example.cn`, employer `hr@example.cn`) and 440305-002 (南山, individual
/// lessor `landlord@example.cn`).
pub struct TwoStations {
    pub app: TestApp,
    /// The employer of 福田.
    pub own: String,
    /// The lessor of 南山.
    pub other: String,
}

/// Starts an app with `TwoStations`.
pub async fn spawn_two_stations() -> TwoStations {
    let app = spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    app.add_station("440305-002", "南山派出所");
    app.add_staff(Role::Station, "futian@example.cn", Some("440304-001"));
    app.add_staff(Role::Admin, "admin@example.cn", None);
    let own = app.add_party(
        PartyKind::Employer,
        "91110000600037341L",
        "440304-001",
        "hr@example.cn",
        PartyStatus::Pending,
    );
    let other = app.add_party(
        PartyKind::Lessor,
        "11010519491231002X",
        "440305-002",
        "landlord@example.cn",
        PartyStatus::Pending,
    );
    TwoStations { app, own, other }
}

/// A valid employment proof form; tests change one field.
pub fn employment_form() -> Vec<(&'static str, String)> {
    vec![
        ("subject_name", "王五".into()),
        ("subject_id_number", "440304199002151545".into()),
        ("position", "软件工程师".into()),
        ("department", "研发部".into()),
        ("employed_since", "2023-03-01".into()),
        ("contract_type", "open_ended".into()),
        ("employed_until", "".into()),
        ("valid_from", "".into()),
        ("valid_until", "".into()),
        ("applicant_email", "".into()),
        ("responsibility", "on".into()),
    ]
}

/// An approved employer of station 440304-001 (created if missing) with its user logged in
/// to a new browser.
pub async fn approved_employer(app: &TestApp, email: &str, identifier: &str) -> (String, Client) {
    let exists = attest::db::models::stations::find_by_code(&mut app.conn(), "440304-001")
        .unwrap()
        .is_some();
    if !exists {
        app.add_station("440304-001", "福田派出所");
    }
    let id = app.add_party(
        PartyKind::Employer,
        identifier,
        "440304-001",
        email,
        PartyStatus::Approved,
    );
    let client = browser();
    app.login_with(&client, email).await;
    (id, client)
}

impl TestApp {
    /// Issues a proof of `kind` through the browser form; returns its id.
    pub async fn issue_with(
        &self,
        client: &Client,
        kind: &str,
        form: &[(&'static str, String)],
    ) -> String {
        let response = self
            .post_with(
                client,
                &format!("/party/attestations/new/{kind}"),
                &fields(form),
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "issuing {kind}");
        location(&response).rsplit('/').next().unwrap().to_owned()
    }

    /// Ends the party's proof `id` from its page for `reason_code`, today.
    pub async fn end_proof(&self, client: &Client, id: &str, reason_code: &str) {
        let path = format!("/party/attestations/{id}/revoke");
        let ended = self
            .post_with(client, &path, &[("reason_code", reason_code)])
            .await;
        assert_eq!(ended.status(), StatusCode::SEE_OTHER, "ending {id}");
    }

    /// The stored token of attestation `id`.
    pub fn token_of(&self, id: &str) -> String {
        attest::db::models::attestations::find_by_id(
            &mut self.conn(),
            &attest::domain::AttestationId::from(id),
        )
        .unwrap()
        .unwrap()
        .token
    }

    /// POSTs JSON to the API and returns (status, body).
    pub async fn api(
        &self,
        path: &str,
        key: Option<&str>,
        body: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        let mut request = browser().post(self.url(path)).json(&body);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.expect("API call");
        let status = response.status();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// `GET /api/v1/attestations/{id}` with `key`: status and body.
    pub async fn api_attestation(&self, id: &str, key: &str) -> (StatusCode, serde_json::Value) {
        let response = browser()
            .get(self.url(&format!("/api/v1/attestations/{id}")))
            .bearer_auth(key)
            .send()
            .await
            .expect("API call");
        let status = response.status();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// Verifies `token` through `POST /api/v1/verify`; returns the body.
    pub async fn verify_token(&self, token: &str) -> serde_json::Value {
        let (status, body) = self
            .api(
                "/api/v1/verify",
                None,
                serde_json::json!({ "token": token }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

/// A valid proof of accommodation by a landlord; tests change one field.
pub fn residence_form() -> Vec<(&'static str, String)> {
    vec![
        ("subject_name", "王五".into()),
        ("subject_id_number", "440304199002151545".into()),
        ("address", "深圳市福田区福华路 1 号 2 栋 301 室".into()),
        ("housing_basis", "lease".into()),
        ("residing_since", "2025-06-01".into()),
        ("lease_end", "2027-05-31".into()),
        ("responsibility", "on".into()),
    ]
}

/// An approved individual landlord of station 440304-001 (which must exist), logged in.
pub async fn approved_landlord(app: &TestApp, email: &str) -> Client {
    app.add_party(
        PartyKind::Lessor,
        "11010519491231002X",
        "440304-001",
        email,
        PartyStatus::Approved,
    );
    let client = browser();
    app.login_with(&client, email).await;
    client
}

/// The public URL the seeded proofs are signed for.
pub const SEED_PORTAL: &str = "http://attest.test";

/// `attest dev seed` into `store`: two stations, seven parties, `attestations` proofs.
pub fn seed_with_cli(store: &Store, attestations: &str) -> std::process::Output {
    run_cli(
        store,
        &[
            "--public-url",
            SEED_PORTAL,
            "dev",
            "seed",
            "--stations",
            "2",
            "--parties",
            "7",
            "--attestations",
            attestations,
            "--password-stdin",
        ],
        Some(PASSWORD),
    )
}

/// Runs the real `attest` binary on `store` with `args`, feeding `stdin` when given.
pub fn run_cli(store: &Store, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_attest"))
        .args(args)
        .env("ATTEST_DATA_DIR", store.path())
        .env("ATTEST_DATABASE_URL", store.database_url())
        .env_remove("ATTEST_BIND")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("attest runs");
    if let Some(input) = stdin {
        // A command that fails before it reads the password closes its stdin: a broken pipe
        // here is that, not an error of the test.
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// `attest serve` as a real process on `store` (port 0, JSON logs, `env` added): the child,
/// its port, and every line it logs.
pub fn serve_binary(
    store: &Store,
    env: &[(&str, &str)],
) -> (Served, u16, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_attest"))
        .env("ATTEST_DATA_DIR", store.path())
        .env("ATTEST_DATABASE_URL", store.database_url())
        .env("ATTEST_BIND", "127.0.0.1:0")
        .env("ATTEST_LOG_FORMAT", "json")
        .envs(env.iter().copied())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("attest serve runs");
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut early = Vec::new();
    let port = loop {
        let line = rx.recv().expect("the server starts");
        let serving = line.contains("Attest is serving");
        let port = serving.then(|| {
            serde_json::from_str::<serde_json::Value>(&line).unwrap()["port"]
                .as_u64()
                .unwrap()
        });
        early.push(line);
        if let Some(port) = port {
            break port as u16;
        }
    };
    // Lines read before the port are handed back first.
    let (all_tx, all_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in early.into_iter().chain(rx.iter()) {
            if all_tx.send(line).is_err() {
                break;
            }
        }
    });
    (Served(child), port, all_rx)
}

/// A served `attest` process, killed when dropped (a test that fails half-way leaves none
/// running).
pub struct Served(pub std::process::Child);

impl std::ops::Deref for Served {
    type Target = std::process::Child;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Served {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A valid `POST /api/v1/attestations` body: a proof of employment.
pub fn employment_json() -> serde_json::Value {
    serde_json::json!({
        "kind": "employment",
        "subject": { "name": "王五", "id_number": "440304199002151545" },
        "responsibility_accepted": true,
        "facts": {
            "position": "软件工程师",
            "employed_since": "2023-03-01",
            "contract_type": "fixed_term",
            "employed_until": null
        }
    })
}

impl TestApp {
    /// Creates an API key on the party's settings page as `client`; returns it.
    pub async fn key_from_settings(&self, client: &Client) -> String {
        let r = self
            .post_with(client, "/party/api-keys", &[("name", "HR system")])
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let html = r.text().await.unwrap();
        text(&html, "code.secret").expect("the new key is shown once")
    }
}

/// `id` with a wrong check character.
pub fn flip_check(id: &str) -> String {
    let last = if id.ends_with('1') { '2' } else { '1' };
    format!("{}{last}", &id[..17])
}

/// 3,000 employees as Excel saves them (text, CRLF), row 101 with a wrong check character
/// and row 2001 with an impossible date; and the right ID number of row 101.
pub fn flawed_staff_file() -> (String, String) {
    use attest::cli::{sample_csv, sample_id_number};
    let bytes = sample_csv(attest::domain::AttestationKind::Employment, 3000, false);
    let text = String::from_utf8(bytes).unwrap();
    let mut lines: Vec<String> = text
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .map(str::to_owned)
        .collect();
    let right = sample_id_number(99);
    lines[100] = lines[100].replace(&right, &flip_check(&right));
    lines[2000] = lines[2000].replace("2021/3/1", "2021/13/1");
    (lines.join("\r\n"), right)
}

/// Polls the progress endpoint until done; returns every `issued` value seen.
pub async fn wait_done(app: &TestApp, client: &Client, batch: &str) -> Vec<i64> {
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let p: serde_json::Value = app
            .get_with(client, &format!("{batch}/progress"))
            .await
            .json()
            .await
            .unwrap();
        seen.push(p["issued"].as_i64().unwrap());
        if p["state"] == "done" {
            return seen;
        }
        assert!(std::time::Instant::now() < deadline, "not done: {p}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The claims of a token, read as any JWT library would (no check of the signature).
pub fn token_claims(token: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// The TOTP code (RFC 6238: SHA-1, 30 s, 6 digits) of the base32 `secret` at `unix` seconds,
/// by `totp-lite`: an implementation independent of the portal's.
pub fn totp_code(secret: &str, unix: i64) -> String {
    let key = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, secret)
        .expect("a base32 secret");
    totp_lite::totp_custom::<totp_lite::Sha1>(30, 6, &key, u64::try_from(unix).unwrap())
}

/// A base64 (standard alphabet) string's bytes.
pub fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

/// The text of the QR code in a PNG (scaled up 4x: one pixel per module is too small).
pub fn decode_qr(png: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let bit = |x: usize, y: usize| -> u8 {
        let byte = buf[y * info.line_size + x / 8];
        if byte >> (7 - x % 8) & 1 == 1 {
            255
        } else {
            0
        }
    };
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(w * 4, h * 4, |x, y| bit(x / 4, y / 4));
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1);
    grids[0].decode().unwrap().1
}

/// Pretends the stations' last digest was written `days` from today.
pub fn set_last_digest(app: &TestApp, days: i64) {
    use attest::db::schema::stations;
    use diesel::prelude::*;
    let day = attest::domain::china_time::today() + chrono::Duration::days(days);
    diesel::update(stations::table)
        .set(stations::last_digest_on.eq(day))
        .execute(&mut *app.conn())
        .unwrap();
}

/// The token a verify URL holds (in full or compressed, `#z=…`), read as the portal reads a
/// scanned URL.
pub fn token_in(url: &str) -> String {
    match attest::verification::VerifyInput::parse(url) {
        attest::verification::VerifyInput::Token(token) => token,
        other => panic!("no token in {url}: {other:?}"),
    }
}

/// A valid proof of attendance by a school.
pub fn attendance_form() -> Vec<(&'static str, String)> {
    vec![
        ("subject_name", "孙七".to_owned()),
        ("subject_id_number", "310115200002296669".to_owned()),
        ("student_number", "2024010203".to_owned()),
        ("programme", "计算机科学与技术".to_owned()),
        ("level", "本科".to_owned()),
        ("enrolled_since", "2024-09-01".to_owned()),
        ("expected_completion", "2028-06-30".to_owned()),
        ("full_time", "yes".to_owned()),
        ("responsibility", "on".to_owned()),
    ]
}
