//! Attest: signed residence-permit attestations for the assisting parties of Article 8,
//! verified by police stations.

rust_i18n::i18n!("src/locales", fallback = "zh-CN");

pub mod accounts;
pub mod admin;
pub mod applicants;
pub mod applications;
pub mod bulk;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod documents;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod identifiers;
pub mod issuing;
pub mod jurisdiction;
pub mod mail;
pub mod password;
pub mod routes;
pub mod secrets;
pub mod sign_in;
pub mod startup;
pub mod status_lists;
pub mod telemetry;
pub mod tokens;
pub mod verification;
pub mod web;

pub use web::paths;
