use crate::gates::backend;
use attest::config::Database;
use attest::db;

#[test]
fn every_migration_runs_up_down_and_up_again() {
    backend!();
    let (database, _keep) = crate::migrations_support::empty_database();
    let pool = db::connect(&database).unwrap();

    let up = db::migrate(&pool).unwrap();
    let down = db::revert_all(&pool).unwrap();
    let again = db::migrate(&pool).unwrap();

    assert!(up >= 1);
    assert_eq!(down, up);
    assert_eq!(again, up);
    // The schema is usable after the round trip.
    let mut conn = pool.get().unwrap();
    assert!(attest::db::models::stations::list_all(&mut conn)
        .unwrap()
        .is_empty());
}

#[test]
fn the_database_and_secret_are_private_to_the_owner() {
    backend!();
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    db::connect(&Database::Sqlite(data.join("attest.db"))).unwrap();
    attest::secrets::Secrets::load_or_create(&data).unwrap();

    for file in ["attest.db", "secret.key"] {
        let mode = std::fs::metadata(data.join(file))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{file}");
    }
}

#[test]
fn the_audit_log_refuses_updates_and_deletes() {
    backend!();
    use diesel::connection::SimpleConnection;
    let (database, _keep) = crate::migrations_support::empty_database();
    let pool = db::connect(&database).unwrap();
    db::migrate(&pool).unwrap();
    let mut conn = pool.get().unwrap();
    attest::db::models::audit_log::insert(
        &mut conn,
        &attest::db::models::audit_log::AuditEntry::new(
            attest::db::models::audit_log::Action::Logout,
            None,
            Some("x"),
        ),
    )
    .unwrap();

    assert!(conn
        .batch_execute("UPDATE audit_log SET action = 'y'")
        .is_err());
    assert!(conn.batch_execute("DELETE FROM audit_log").is_err());
}
