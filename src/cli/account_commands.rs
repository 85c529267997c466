//! `attest station add`, `attest party add`.

use super::{invalid, open, read_password, CliError};
use crate::accounts::{self, NewParty, NewStation};
use crate::config::Config;
use crate::domain::fields::{self, Limit, Text};
use crate::domain::IdentifierType;
use crate::domain::{PartyDetails, PartyIdentifier, PartyKind, PartyStatus};
use clap::Subcommand;

/// Party commands.
#[derive(Debug, Subcommand)]
pub enum PartyCommand {
    /// Create an approved party with its first user (for migrating existing parties).
    Add {
        #[arg(long, value_enum)]
        kind: PartyKind,
        /// Legal name.
        #[arg(long)]
        name: String,
        /// Credit code, or the resident ID number of an individual lessor.
        #[arg(long)]
        identifier: String,
        /// What `--identifier` is: `id` (an individual lessor's resident ID number, the
        /// default for a lessor) or `uscc` (an organisation's credit code, the default and
        /// the only choice for every other kind).
        #[arg(long, value_enum)]
        identifier_type: Option<IdentifierType>,
        /// Code of the station of its jurisdiction.
        #[arg(long)]
        station: String,
        /// Login email of its first user.
        #[arg(long)]
        email: String,
        #[arg(long, required = true)]
        password_stdin: bool,
        #[arg(long, default_value = "")]
        address: String,
        #[arg(long, default_value = "")]
        contact_name: String,
        #[arg(long, default_value = "")]
        contact_phone: String,
    },
}

/// Creates a station.
pub fn station_add(config: &Config, code: &str, name: &str, email: &str) -> Result<(), CliError> {
    let code = fields::station_code(code).map_err(|k| invalid("--code", k))?;
    let name = Text::required(name, Limit::Chars100).map_err(|k| invalid("--name", k))?;
    let email = fields::email_list(email).map_err(|k| invalid("--email", k))?;
    let station = accounts::create_station(
        &mut *open(config)?,
        &NewStation {
            code: &code,
            name: &name,
            email: &email,
        },
    )?;
    println!("station {} ({}) created", station.code, station.name);
    Ok(())
}

/// Creates an approved party with its first user; the password comes from stdin.
pub fn party_add(config: &Config, command: PartyCommand) -> Result<(), CliError> {
    let PartyCommand::Add {
        kind,
        name,
        identifier,
        identifier_type,
        station,
        email,
        address,
        contact_name,
        contact_phone,
        ..
    } = command;
    let contact_phone = match contact_phone.trim() {
        "" => String::new(),
        phone => fields::phone(phone).map_err(|k| invalid("--contact-phone", k))?,
    };
    let details = PartyDetails {
        kind,
        legal_name: Text::required(&name, Limit::Chars100).map_err(|k| invalid("--name", k))?,
        identifier: PartyIdentifier::parse(
            kind,
            identifier_type.unwrap_or(IdentifierType::default_for(kind)),
            &identifier,
        )
        .map_err(|k| invalid("--identifier", k))?,
        address: Text::optional(&address, Limit::Chars200).map_err(|k| invalid("--address", k))?,
        contact_name: Text::optional(&contact_name, Limit::Chars50)
            .map_err(|k| invalid("--contact-name", k))?,
        contact_phone,
    };
    let email = fields::email(&email).map_err(|k| invalid("--email", k))?;
    let password = read_password(&[&email, &name])?;
    let hash = crate::password::hash(&password)?;
    let (party, _) = accounts::create_party(
        &mut *open(config)?,
        &NewParty {
            details: &details,
            station_code: station.trim(),
            email: &email,
            password_hash: &hash,
            status: PartyStatus::Approved,
            client_ip: None,
            notify_portal: None,
            secrets: &crate::secrets::Secrets::load_or_create(&config.data_dir)?,
        },
    )?;
    println!(
        "approved {} {} created with user {email}",
        party.kind, party.legal_name
    );
    Ok(())
}
