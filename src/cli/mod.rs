//! The operator's command line: `serve`, `migrate`, and creating stations, staff and
//! parties non-interactively. Every command acts on the same database as `serve`.

use crate::accounts::AccountError;
use crate::config::{Config, ConfigArgs, ConfigError};
use crate::domain::fields;
use clap::{Parser, Subcommand};
use std::io::Read;

mod account_commands;
mod backup;
mod identifiers;
mod keys;
mod mail;
mod offline;
mod seed;
mod users;

pub use account_commands::PartyCommand;
pub use seed::{sample_csv, sample_id_number, sample_name, DevCommand};
pub use users::{StaffRole, UserCommand};

/// 居住证申领协助证明平台 (Attest): signed attestations for residence-permit applications.
#[derive(Debug, Parser)]
#[command(name = "attest", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do; `serve` when none is given.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal (the default).
    Serve,
    /// Run pending database migrations and exit.
    Migrate,
    /// Manage police stations.
    #[command(subcommand)]
    Station(StationCommand),
    /// Manage admin and station staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage assisting parties.
    #[command(subcommand)]
    Party(PartyCommand),
    /// Check where resident ID numbers of issuers are stored or signed in clear.
    #[command(subcommand)]
    Identifiers(identifiers::IdentifiersCommand),
    /// Manage party API keys.
    #[command(subcommand)]
    Apikey(ApikeyCommand),
    /// See and requeue notification emails.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Write a consistent copy of the database (SQLite) and the key material to a tar file,
    /// while the portal runs. On PostgreSQL it copies the key material and explains pg_dump.
    Backup {
        /// The archive to write (it must not exist).
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Manage the Ed25519 signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Development and benchmarking tools.
    #[command(subcommand)]
    Dev(DevCommand),
    /// Check a token against a JWK Set (signature and validity dates) and its status
    /// against the status list it names: fetched, or read from a cache made by
    /// `attest statuslist fetch` (exit 0 valid, 1 invalid, ended or suspect, 3 unknown).
    Verify {
        /// The token, or a verify URL with the token after `#`.
        token: String,
        /// A JWKS file, or its URL (such as https://portal/.well-known/jwks.json).
        #[arg(long)]
        jwks: String,
        /// Also require this `iss` (the portal's public URL).
        #[arg(long)]
        issuer: Option<String>,
        /// A directory of status lists (`attest statuslist fetch`): used while within
        /// their `ttl`, refreshed when a connection allows, else used until their `exp`.
        #[arg(long)]
        status_cache: Option<std::path::PathBuf>,
    },
    /// Status lists for verifying without a connection.
    #[command(subcommand)]
    Statuslist(StatuslistCommand),
}

/// `attest statuslist …`.
#[derive(Debug, Subcommand)]
pub enum StatuslistCommand {
    /// Fetch the JWK Set and every status list of a portal into a directory.
    Fetch {
        /// The directory to write (created if missing).
        #[arg(long)]
        to: std::path::PathBuf,
        /// The portal's public URL.
        #[arg(long)]
        issuer: String,
    },
}

/// API key commands.
#[derive(Debug, Subcommand)]
pub enum ApikeyCommand {
    /// Create an API key for the party of a user and print it (shown only this once).
    Create {
        /// The login email of a user of the party.
        #[arg(long)]
        email: String,
        /// A name to recognise the key by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

/// Mail commands.
#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// List the emails waiting to be sent and those that failed.
    Status,
    /// Put a failed email (or every failed one) back in the queue.
    Retry {
        /// The id of the email, from `attest mail status`.
        #[arg(required_unless_present = "failed", conflicts_with = "failed")]
        id: Option<String>,
        /// Every failed email.
        #[arg(long)]
        failed: bool,
    },
}

/// Signing key commands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List the keys: kid, created, retired, and whether they sign or are still published.
    List,
    /// Make a new key for new tokens; older tokens keep verifying until they expire.
    Rotate,
}

/// Station commands.
#[derive(Debug, Subcommand)]
pub enum StationCommand {
    /// Create a station.
    Add {
        /// Unique code, e.g. 440304-001.
        #[arg(long)]
        code: String,
        /// Name, e.g. 福田派出所.
        #[arg(long)]
        name: String,
        /// Notification address(es), comma-separated.
        #[arg(long)]
        email: String,
    },
}

/// A failed command: the message and the exit code.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub code: u8,
}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> Self {
        Self {
            message: e.to_string(),
            code: 2,
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        Self {
            message: format!("{e:#}"),
            code: 1,
        }
    }
}

impl From<AccountError> for CliError {
    fn from(e: AccountError) -> Self {
        Self {
            message: e.to_string(),
            code: 1,
        }
    }
}

pub(crate) fn invalid(what: &str, key: &str) -> CliError {
    CliError {
        message: format!("{what}: {}", crate::i18n::Lang::En.t(key)),
        code: 1,
    }
}

/// Runs the command line; what it prints on success goes to stdout.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let config = Config::from_args(&cli.config)?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config),
        Command::Migrate => {
            let pool = crate::db::connect(&config.database)?;
            let ran = crate::db::migrate(&pool)?;
            let secrets = crate::secrets::Secrets::load_or_create(&config.data_dir)?;
            let converted = crate::identifiers::settle_types(
                &mut *pool.get().map_err(anyhow::Error::from)?,
                &secrets,
            )
            .map_err(anyhow::Error::from)?;
            println!("{ran} migration(s) applied");
            println!("{converted} resident ID number(s) of lessors converted to their stored form");
            Ok(())
        }
        Command::Station(StationCommand::Add { code, name, email }) => {
            account_commands::station_add(&config, &code, &name, &email)
        }
        Command::User(command) => users::run(&config, command),
        Command::Party(command) => account_commands::party_add(&config, command),
        Command::Identifiers(command) => identifiers::run(&config, command),
        Command::Apikey(ApikeyCommand::Create { email, name }) => {
            keys::apikey_create(&config, &mut *open(&config)?, &email, &name)
        }
        Command::Mail(MailCommand::Status) => mail::status(&mut *open(&config)?),
        Command::Mail(MailCommand::Retry { id, .. }) => {
            mail::retry(&mut *open(&config)?, id.as_deref())
        }
        Command::Backup { to } => backup::run(&config, &to),
        Command::Keys(KeysCommand::List) => keys::list(&mut *open(&config)?),
        Command::Keys(KeysCommand::Rotate) => keys::rotate(&config, &mut *open(&config)?),
        Command::Dev(DevCommand::Seed {
            stations,
            parties,
            attestations,
            ..
        }) => seed::run(
            &config,
            seed::SeedSize {
                stations,
                parties,
                attestations,
            },
        ),
        Command::Dev(DevCommand::SampleCsv { kind, rows, utf8 }) => {
            let kind = crate::domain::AttestationKind::parse(&kind).ok_or_else(|| CliError {
                message: "--kind must be residence, employment or attendance".into(),
                code: 2,
            })?;
            use std::io::Write;
            std::io::stdout()
                .write_all(&sample_csv(kind, rows, !utf8))
                .map_err(|e| anyhow::Error::from(e).into())
        }
        Command::Verify {
            token,
            jwks,
            issuer,
            status_cache,
        } => offline::verify(&token, &jwks, issuer.as_deref(), status_cache.as_deref()),
        Command::Statuslist(StatuslistCommand::Fetch { to, issuer }) => {
            offline::fetch(&to, &issuer)
        }
    }
}

fn fail(message: impl Into<String>) -> CliError {
    CliError {
        message: message.into(),
        code: 1,
    }
}

pub(crate) fn open(config: &Config) -> Result<crate::db::PooledConn, CliError> {
    let pool = crate::db::connect(&config.database)?;
    crate::db::migrate(&pool)?;
    Ok(pool.get().map_err(anyhow::Error::from)?)
}

pub(crate) fn read_password(user_inputs: &[&str]) -> Result<String, CliError> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| anyhow::anyhow!("cannot read the password from standard input: {e}"))?;
    let password = input.strip_suffix('\n').unwrap_or(&input);
    let password = password.strip_suffix('\r').unwrap_or(password).to_owned();
    fields::password(&password, user_inputs).map_err(|k| invalid("password", k))?;
    Ok(password)
}

fn serve(config: Config) -> Result<(), CliError> {
    crate::telemetry::init(config.log_format);
    actix_web::rt::System::new().block_on(async move {
        let public_url = config.public_url.clone();
        let app = crate::startup::Application::build(config).await?;
        tracing::info!(%public_url, port = app.port(), "Attest is serving");
        app.run_until_stopped().await.map_err(anyhow::Error::from)?;
        Ok(())
    })
}
