//! One module per table: the row, the insertable row and the queries.

pub mod api_keys;
pub mod application_alerts;
pub mod application_notices;
pub mod applications;
pub mod attestation_list;
pub mod attestations;
pub mod audit_log;
pub mod bulk;
pub mod change_requests;
pub mod daily_counts;
pub mod holder_links;
pub mod invitations;
pub mod jurisdiction;
pub mod outbox;
pub mod parties;
pub mod password_resets;
pub mod requests;
pub mod second_factor;
pub mod sessions;
pub mod signing_keys;
pub mod stations;
pub mod status_lists;
pub mod users;
pub mod verifications;
