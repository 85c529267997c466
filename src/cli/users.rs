//! `attest user …`: creating staff accounts, and the operator's help for any account:
//! setting a password for someone locked out, disabling and enabling, listing.

use super::{invalid, open, read_password, CliError};
use crate::accounts::{self, passwords};
use crate::config::Config;
use crate::db::models::{stations, users};
use crate::domain::fields;
use crate::domain::Role;
use clap::Subcommand;

/// The roles the CLI can create directly (parties have their own command).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum StaffRole {
    Admin,
    Station,
    StationAdmin,
}

/// User commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an admin or station staff account.
    Add {
        #[arg(long, value_enum)]
        role: StaffRole,
        #[arg(long)]
        email: String,
        /// The station of a station staff account.
        #[arg(long)]
        station: Option<String>,
        /// Read the password from standard input (required: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Set a new password for an account (every session of it ends).
    ResetPassword {
        #[arg(long)]
        email: String,
        /// Read the password from standard input (required: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Disable an account: no login; its sessions and the API keys it made end at once.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled account again.
    Enable {
        #[arg(long)]
        email: String,
    },
    /// Remove an account's second factor (a lost phone and lost recovery codes); where the
    /// portal requires one, its user sets it up again at the next login.
    #[command(name = "reset-2fa")]
    Reset2fa {
        #[arg(long)]
        email: String,
    },
    /// List the accounts (email, role, station or party, disabled, last login).
    List {
        /// Only the staff of this station (its code).
        #[arg(long)]
        station: Option<String>,
        /// Only this role: admin, station or party.
        #[arg(long)]
        role: Option<String>,
    },
}

/// Runs a user command.
pub fn run(config: &Config, command: UserCommand) -> Result<(), CliError> {
    match command {
        UserCommand::Add {
            role,
            email,
            station,
            ..
        } => add(config, role, &email, station.as_deref()),
        UserCommand::ResetPassword { email, .. } => {
            let email = fields::email(&email).map_err(|k| invalid("--email", k))?;
            let password = read_password(&[&email])?;
            let hash = crate::password::hash(&password)?;
            passwords::operator_set(&mut *open(config)?, &email, &hash)
                .map_err(|e| not_found(e, &email))?;
            println!("password of {email} set; every session of it ended");
            Ok(())
        }
        UserCommand::Disable { email } => set_disabled(config, &email, true),
        UserCommand::Enable { email } => set_disabled(config, &email, false),
        UserCommand::Reset2fa { email } => reset_second_factor(config, &email),
        UserCommand::List { station, role } => list(config, station.as_deref(), role.as_deref()),
    }
}

/// Creates an admin or station staff account; the password comes from stdin.
fn add(
    config: &Config,
    role: StaffRole,
    email: &str,
    station: Option<&str>,
) -> Result<(), CliError> {
    let email = fields::email(email).map_err(|k| invalid("--email", k))?;
    let password = read_password(&[&email])?;
    let role = match role {
        StaffRole::Admin => Role::Admin,
        StaffRole::Station => Role::Station,
        StaffRole::StationAdmin => Role::StationAdmin,
    };
    let hash = crate::password::hash(&password)?;
    accounts::create_staff(&mut *open(config)?, role, &email, &hash, station)?;
    println!("{} account {email} created", role.as_str());
    Ok(())
}

fn not_found(e: crate::error::AppError, email: &str) -> CliError {
    match e {
        crate::error::AppError::NotFound => CliError {
            message: format!("there is no account {email}"),
            code: 1,
        },
        other => anyhow::anyhow!("{other}").into(),
    }
}

/// The account `email` (checked), with a connection to its database.
fn account(
    config: &Config,
    email: &str,
) -> Result<(crate::db::PooledConn, accounts::User), CliError> {
    let email = fields::email(email).map_err(|k| invalid("--email", k))?;
    let mut conn = open(config)?;
    let user = users::find_by_email(&mut conn, &email)
        .map_err(anyhow::Error::from)?
        .ok_or_else(|| not_found(crate::error::AppError::NotFound, &email))?;
    Ok((conn, user))
}

fn reset_second_factor(config: &Config, email: &str) -> Result<(), CliError> {
    let (mut conn, user) = account(config, email)?;
    accounts::second_factor::disable(&mut conn, &user, None).map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("second factor of {} removed", user.email);
    Ok(())
}

fn set_disabled(config: &Config, email: &str, disabled: bool) -> Result<(), CliError> {
    let (mut conn, user) = account(config, email)?;
    let email = user.email.clone();
    let now = config.clock.now();
    passwords::set_disabled(&mut conn, &user, disabled, None, now)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let done = if disabled { "disabled" } else { "enabled" };
    println!("{email} {done}");
    Ok(())
}

fn list(config: &Config, station: Option<&str>, role: Option<&str>) -> Result<(), CliError> {
    let role = role
        .map(|r| {
            Role::parse(r).ok_or_else(|| CliError {
                message: "--role must be admin, station, station_admin or party".into(),
                code: 2,
            })
        })
        .transpose()?;
    let mut conn = open(config)?;
    let station_id = match station {
        Some(code) => Some(
            stations::find_by_code(&mut conn, code)
                .map_err(anyhow::Error::from)?
                .ok_or_else(|| CliError {
                    message: format!("there is no station with code {code}"),
                    code: 1,
                })?
                .id,
        ),
        None => None,
    };
    let all = users::list(&mut conn, station_id.as_ref(), role).map_err(anyhow::Error::from)?;
    println!("email\trole\tstation/party\tdisabled\tlast login");
    for u in all {
        let scope = u
            .station_id
            .map(|s| s.to_string())
            .or_else(|| u.party_id.map(|p| p.to_string()))
            .unwrap_or_else(|| "-".into());
        let disabled = u
            .disabled_at
            .map_or("-".into(), crate::domain::china_time::minute);
        let last = u
            .last_login_at
            .map_or("-".into(), crate::domain::china_time::minute);
        println!(
            "{}\t{}\t{scope}\t{disabled}\t{last}",
            u.email,
            u.role.as_str()
        );
    }
    Ok(())
}
