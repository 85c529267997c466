// The suite both backends run: `sqlite.rs` and `postgres.rs` each include this one list, so
// a module cannot be on one side only. A module that needs a tool of its own (Chromium,
// nginx, schemathesis) is declared, behind its gate, in `sqlite.rs` alone.
// `tests::every_test_file_is_in_a_list` (main.rs) fails for a file in no list.

#[path = "accounts_story.rs"]
mod accounts_story;
#[path = "access.rs"]
mod access;
#[path = "admin.rs"]
mod admin;
#[path = "api.rs"]
mod api;
#[path = "applicants.rs"]
mod applicants;
#[path = "approval.rs"]
mod approval;
#[path = "attestations.rs"]
mod attestations;
#[path = "backup.rs"]
mod backup;
#[path = "bulk.rs"]
mod bulk;
#[path = "bulk_renewal.rs"]
mod bulk_renewal;
#[path = "cli.rs"]
mod cli;
#[path = "desk_applications.rs"]
mod desk_applications;
#[path = "encoding.rs"]
mod encoding;
#[path = "faults.rs"]
mod faults;
#[path = "health.rs"]
mod health;
#[path = "hostile.rs"]
mod hostile;
#[path = "i18n.rs"]
mod i18n;
#[path = "identifiers.rs"]
mod identifiers;
#[path = "instances.rs"]
mod instances;
#[path = "lifecycle.rs"]
mod lifecycle;
#[path = "limits.rs"]
mod limits;
#[path = "login.rs"]
mod login;
#[path = "logs.rs"]
mod logs;
#[path = "mail.rs"]
mod mail;
#[path = "metrics.rs"]
mod metrics;
#[path = "migrations.rs"]
mod migrations;
#[path = "moving.rs"]
mod moving;
#[path = "openapi.rs"]
mod openapi;
#[path = "party_details.rs"]
mod party_details;
#[path = "passwords.rs"]
mod passwords;
#[path = "register.rs"]
mod register;
#[path = "reminders.rs"]
mod reminders;
#[path = "renewal.rs"]
mod renewal;
#[path = "schema.rs"]
mod schema;
#[path = "second_factor.rs"]
mod second_factor;
#[path = "seed.rs"]
mod seed;
#[path = "sessions.rs"]
mod sessions;
#[path = "status_lists.rs"]
mod status_lists;
#[path = "token_status_lists.rs"]
mod token_status_lists;
#[path = "station.rs"]
mod station;
#[path = "story.rs"]
mod story;
#[path = "staff.rs"]
mod staff;
#[path = "team.rs"]
mod team;
#[path = "tokens.rs"]
mod tokens;
#[path = "writers.rs"]
mod writers;
