//! The one integration-test binary: every module starts the real application on port 0
//! with a fresh SQLite file and talks to it over HTTP, or runs the real `attest` binary.

mod access;
mod admin;
mod api;
mod approval;
mod attestations;
mod cli;
mod health;
mod helpers;
mod i18n;
mod login;
mod mail;
mod migrations;
mod register;
mod sessions;
mod smtp;
mod station;
mod tokens;
