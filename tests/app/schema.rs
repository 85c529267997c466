//! `src/db/schema.rs` against what the migrations produce, on the backend of the running
//! half: every table, column (in order), type and nullability must agree.

use crate::gates::backend;

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

/// A column: name, diesel type, nullable.
type ColumnShape = (String, String, bool);
/// A table and its columns in order.
type TableShape = (String, Vec<ColumnShape>);

/// The tables as `schema.rs` declares them.
fn declared() -> Vec<TableShape> {
    let text = include_str!("../../src/db/schema.rs");
    let mut tables = Vec::new();
    let mut current: Option<TableShape> = None;
    for line in text.lines().map(str::trim) {
        if let Some(name) = line
            .strip_suffix('{')
            .and_then(|l| l.split_whitespace().next())
            .filter(|_| line.contains('('))
        {
            current = Some((name.to_owned(), Vec::new()));
        } else if let (Some((_, columns)), Some((name, ty))) =
            (current.as_mut(), line.split_once(" -> "))
        {
            let ty = ty.trim_end_matches(',');
            let (ty, nullable) = match ty
                .strip_prefix("Nullable<")
                .and_then(|t| t.strip_suffix('>'))
            {
                Some(inner) => (inner, true),
                None => (ty, false),
            };
            columns.push((name.to_owned(), ty.to_owned(), nullable));
        } else if line == "}" {
            if let Some(table) = current.take() {
                tables.push(table);
            }
        }
    }
    tables.sort();
    tables
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Integer)]
    nullable: i32,
}

/// The diesel type of a column type as the database reports it.
fn diesel_type(db_type: &str) -> String {
    match db_type.to_ascii_lowercase().as_str() {
        "text" | "character varying" => "Text",
        "timestamp" | "timestamp without time zone" => "Timestamp",
        "date" => "Date",
        "boolean" => "Bool",
        "integer" => "Integer",
        "bigint" => "BigInt",
        other => panic!("a column type schema.rs cannot express portably: {other}"),
    }
    .to_owned()
}

#[test]
fn schema_rs_matches_the_migrated_database() {
    backend!();
    let (database, _keep) = crate::migrations_support::empty_database();
    let pool = attest::db::connect(&database).unwrap();
    attest::db::migrate(&pool).unwrap();
    let mut conn = pool.get().unwrap();
    let rows: Vec<Column> = match &mut *conn {
        attest::db::DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
             CASE WHEN p.\"notnull\" = 1 OR p.pk > 0 THEN 0 ELSE 1 END AS nullable \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name != '__diesel_schema_migrations' \
             ORDER BY m.name, p.cid",
        )
        .load(c)
        .unwrap(),
        attest::db::DbConnection::Postgres(c) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type, \
             CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END AS nullable \
             FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name != '__diesel_schema_migrations' \
             ORDER BY table_name, ordinal_position",
        )
        .load(c)
        .unwrap(),
    };
    let mut actual: Vec<TableShape> = Vec::new();
    for row in rows {
        if actual
            .last()
            .map(|(t, _)| t != &row.table_name)
            .unwrap_or(true)
        {
            actual.push((row.table_name.clone(), Vec::new()));
        }
        let columns = &mut actual.last_mut().unwrap().1;
        columns.push((
            row.column_name,
            diesel_type(&row.data_type),
            row.nullable == 1,
        ));
    }
    actual.sort();

    assert_eq!(
        declared(),
        actual,
        "src/db/schema.rs has drifted from the migrations"
    );
}

/// A stored kind, status or role the portal does not know is an error naming the column and
/// the value — never read as another kind.
#[tokio::test]
async fn an_unknown_stored_value_is_an_error_naming_column_and_value() {
    backend!();
    let app = crate::helpers::spawn_app().await;
    app.add_station("440304-001", "福田派出所");
    let party = app.add_party(
        attest::domain::PartyKind::Employer,
        "91350100M000100Y43",
        "440304-001",
        "hr@example.cn",
        attest::domain::PartyStatus::Approved,
    );
    let mut conn = app.conn();
    let read = attest::db::models::parties::find_by_id(&mut conn, &attest::domain::PartyId::from(party.as_str()));
    assert_eq!(read.expect("the party").kind, attest::domain::PartyKind::Employer);

    for (table, column, value) in [
        ("parties", "kind", "landlord"),
        ("parties", "status", "archived"),
    ] {
        diesel::sql_query(format!("UPDATE {table} SET {column} = '{value}' WHERE id = '{party}'"))
            .execute(&mut *conn)
            .expect("update");
        let error = attest::db::models::parties::find_by_id(&mut conn, &attest::domain::PartyId::from(party.as_str()))
            .expect_err("an unknown value is an error");
        let error = with_causes(&error);
        assert!(
            error.contains(&format!("{table}.{column}")) && error.contains(value),
            "{error}"
        );
        let restore = if column == "kind" { "employer" } else { "approved" };
        diesel::sql_query(format!("UPDATE {table} SET {column} = '{restore}' WHERE id = '{party}'"))
            .execute(&mut *conn)
            .expect("restore");
    }
    diesel::sql_query("UPDATE users SET role = 'superuser' WHERE email = 'hr@example.cn'")
        .execute(&mut *conn)
        .expect("update");
    let error = attest::db::models::users::find_by_email(&mut conn, "hr@example.cn")
        .expect_err("an unknown role is an error");
    let error = with_causes(&error);
    assert!(error.contains("users.role") && error.contains("superuser"), "{error}");
}

/// An error and its causes, as the log shows them.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
