//! One module per table: the row, the insertable row and the queries.

pub mod audit_log;
pub mod parties;
pub mod sessions;
pub mod stations;
pub mod users;
