//! What the database can do now.

/// What the database can do now, as `/healthz` and `/metrics` tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseState {
    /// Reads and writes.
    Ok,
    /// Reads only (the primary is down, a replica answers).
    ReadOnly,
    /// Neither.
    Down,
}

impl DatabaseState {
    pub const ALL: [DatabaseState; 3] = [Self::Ok, Self::ReadOnly, Self::Down];

    /// The name `/healthz` and `/metrics` use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::ReadOnly => "read_only",
            Self::Down => "down",
        }
    }
}
