//! Who did what to proofs, by email: the user who issued each one, and who ended it.

use crate::db::models::attestations::Attestation;
use crate::db::models::users;
use crate::db::DbConnection;
use crate::domain::UserId;
use crate::error::AppError;
use std::collections::HashMap;

/// The email of each user who issued or ended one of a set of proofs.
#[derive(Debug, Default, Clone)]
pub struct People(HashMap<UserId, String>);

impl People {
    /// The people behind `rows`.
    pub fn of<'a>(
        conn: &mut DbConnection,
        rows: impl IntoIterator<Item = &'a Attestation>,
    ) -> Result<Self, AppError> {
        let mut ids: Vec<UserId> = rows
            .into_iter()
            .flat_map(|a| std::iter::once(a.issued_by.clone()).chain(a.revoked_by.clone()))
            .collect();
        ids.sort_unstable_by(|a, b| a.as_ref().cmp(b.as_ref()));
        ids.dedup();
        Ok(Self(users::emails_of(conn, &ids)?))
    }

    /// The email of `id` (empty when unknown).
    pub fn email(&self, id: &UserId) -> &str {
        self.0.get(id).map_or("", String::as_str)
    }
}
