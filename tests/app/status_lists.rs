//! Lists by status at 10,000 seeded proofs: each filter returns exactly the proofs of its
//! status, the counts agree, and the queries read an index, not every proof.

use crate::gates::backend;
use crate::helpers::*;
use attest::db::models::attestation_list::{self, ListFilter};
use attest::db::models::attestations::Attestation;
use attest::db::schema::attestations;
use attest::domain::{AttestationStatus, ListStatus, PartyId, ProofStatus};
use diesel::prelude::*;
use std::collections::BTreeSet;

const PROOFS: &str = "10000";

fn seeded() -> Store {
    let store = fresh_store();
    let out = seed_with_cli(&store, PROOFS);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    store
}

/// True when `a` is of `status` on `today`, read row by row.
fn is(status: ListStatus, a: &Attestation, today: chrono::NaiveDate) -> bool {
    match status {
        ListStatus::Ended => matches!(
            a.status,
            AttestationStatus::Revoked | AttestationStatus::Superseded
        ),
        ListStatus::Is(s) => a.status_on(today) == s,
    }
}

/// The query plan of the count the party's home page runs for `status`, as text.
fn plan(store: &Store, party: &PartyId, status: ListStatus, today: chrono::NaiveDate) -> String {
    let (stored, bounds) = status.selects(today);
    let b = bounds.unwrap_or_default();
    let stored: Vec<String> = stored.iter().map(|s| format!("'{}'", s.as_str())).collect();
    let mut sql = format!(
        "SELECT COUNT(*) FROM attestations WHERE party_id = '{party}' AND status IN ({})",
        stored.join(", ")
    );
    for (column, op, day) in [
        ("valid_from", "<=", b.from_at_most),
        ("valid_from", ">", b.from_after),
        ("valid_until", ">=", b.until_at_least),
        ("valid_until", "<=", b.until_at_most),
        ("valid_until", ">", b.until_after),
        ("valid_until", "<", b.until_before),
    ] {
        if let Some(day) = day {
            sql.push_str(&format!(" AND {column} {op} '{day}'"));
        }
    }
    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }
    match store.database() {
        attest::config::Database::Sqlite(path) => {
            let mut conn = SqliteConnection::establish(&path.display().to_string()).unwrap();
            diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .load::<Line>(&mut conn)
                .unwrap()
                .into_iter()
                .map(|l| l.detail)
                .collect::<Vec<_>>()
                .join("\n")
        }
        attest::config::Database::Postgres(url) => {
            let mut conn = PgConnection::establish(&url).unwrap();
            diesel::sql_query("ANALYZE attestations").execute(&mut conn).unwrap();
            explain_pg(&mut conn, &sql)
        }
    }
}

/// PostgreSQL's plan of `sql` (EXPLAIN is a statement, not a subquery).
fn explain_pg(conn: &mut PgConnection, sql: &str) -> String {
    #[derive(QueryableByName)]
    struct Plan {
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[diesel(column_name = "QUERY PLAN")]
        line: String,
    }
    diesel::sql_query(format!("EXPLAIN {sql}"))
        .load::<Plan>(conn)
        .unwrap()
        .into_iter()
        .map(|p| p.line)
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn each_status_filter_returns_exactly_its_proofs_and_reads_an_index() {
    backend!();
    let store = seeded();
    let app = spawn_app_as(store.clone(), Some(SEED_PORTAL)).await;
    let today = app.clock.today();
    let all: Vec<Attestation> = attestations::table
        .select(Attestation::as_select())
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(all.len(), 10_000);
    // The party with the most proofs.
    let party = all
        .iter()
        .map(|a| &a.party_id)
        .max_by_key(|p| all.iter().filter(|a| &a.party_id == *p).count())
        .unwrap()
        .clone();
    let own: Vec<&Attestation> = all.iter().filter(|a| a.party_id == party).collect();
    let counts = attestation_list::count_by_status(
        &mut app.conn(),
        Some(&party),
        None,
        &ListStatus::CHOICES,
        today,
    )
    .unwrap();
    for (status, n) in counts {
        let expected: BTreeSet<String> = own
            .iter()
            .filter(|a| is(status, a, today))
            .map(|a| a.id.to_string())
            .collect();
        assert_eq!(n as usize, expected.len(), "count of {status:?}");
        let filter = ListFilter {
            status: Some(status),
            today,
            ..Default::default()
        };
        let listed: BTreeSet<String> =
            attestation_list::list_for_party(&mut app.conn(), &party, &filter, 100_000)
                .unwrap()
                .into_iter()
                .map(|a| a.id.to_string())
                .collect();
        assert_eq!(listed, expected, "list of {status:?}");
    }
    // The seed makes proofs of every status the filter offers but not-yet-valid ones.
    for status in [ProofStatus::Active, ProofStatus::Expired, ProofStatus::Revoked] {
        assert!(own.iter().any(|a| a.status_on(today) == status), "{status:?}");
    }

    for status in [ListStatus::Is(ProofStatus::Expiring), ListStatus::Ended] {
        let plan = plan(&store, &party, status, today);
        assert!(
            plan.contains("attestations_party_status_until"),
            "{status:?} reads the index: {plan}"
        );
    }
}
