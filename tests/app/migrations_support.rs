//! What the migration and schema tests share.

use attest::config::Database;

/// An empty database on the backend of the running test, and what keeps it alive.
pub fn empty_database() -> (Database, Box<dyn std::any::Any>) {
    if crate::helpers::on_postgres() {
        let db = crate::pg_cluster::empty_database();
        return (Database::Postgres(db.url.clone()), Box::new(db));
    }
    let dir = tempfile::tempdir().unwrap();
    (Database::Sqlite(dir.path().join("m.db")), Box::new(dir))
}
