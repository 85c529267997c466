//! `attest identifiers audit`: which parties hold a resident ID number in clear, and which
//! issued tokens carry an issuer's full number.

use super::{open, CliError};
use crate::config::Config;
use clap::Subcommand;

/// Identifier commands.
#[derive(Debug, Subcommand)]
pub enum IdentifiersCommand {
    /// List the parties whose resident ID number is stored in clear (the next start or
    /// `attest migrate` converts them) and the proofs whose token carries an issuer's full
    /// number (every page, answer, print and email shows it masked). Exit 0 when no number
    /// is stored in clear.
    Audit,
}

/// Runs `attest identifiers audit`.
pub fn run(config: &Config, command: IdentifiersCommand) -> Result<(), CliError> {
    let IdentifiersCommand::Audit = command;
    let audit = crate::identifiers::audit(&mut *open(config)?).map_err(anyhow::Error::from)?;
    let (parties, proofs) = audit.checked;
    println!("checked {parties} parties and {proofs} proofs of lessors");
    println!(
        "parties with a resident ID number stored in clear: {}",
        audit.parties_in_clear.len()
    );
    for (id, kind, name, masked) in &audit.parties_in_clear {
        println!("  party {id} {kind} {name} {masked}");
    }
    println!(
        "proofs whose token carries an issuer's full resident ID number: {} (shown masked everywhere)",
        audit.tokens_with_number.len()
    );
    for (id, party) in &audit.tokens_with_number {
        println!("  proof {id} of party {party}");
    }
    if audit.parties_in_clear.is_empty() {
        Ok(())
    } else {
        Err(CliError {
            message: "run `attest migrate` (or start the portal) to convert them".into(),
            code: 1,
        })
    }
}
