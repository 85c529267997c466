//! Prometheus metrics: requests by route and status with latency histograms, attestations
//! issued, revoked and verified by kind, and (read when scraped) the outbox and the pool.
//! Served at `/metrics` only to `Authorization: Bearer <ATTEST_METRICS_TOKEN>`.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route pattern (`/party/attestations/{id}`), never the path itself.
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerifiedLabels {
    /// The kind of the proof, or `none` when it was not one of ours.
    kind: String,
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

/// The metrics of one running instance.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    issued: Family<KindLabels, Counter>,
    revoked: Family<KindLabels, Counter>,
    verified: Family<VerifiedLabels, Counter>,
    outbox: Family<StateLabels, Gauge>,
    pool: Family<StateLabels, Gauge>,
    database: Family<StateLabels, Gauge>,
    commit_batch: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("attest");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            // 0.25 ms to about 4 s.
            Histogram::new(exponential_buckets(0.00025, 2.0, 15))
        });
        let (issued, revoked) = (Family::default(), Family::default());
        let verified = Family::default();
        let (outbox, pool) = (Family::default(), Family::default());
        let database = Family::default();
        // 1 to 256 writes (`group_commit::MAX_BATCH`).
        let commit_batch = Histogram::new(exponential_buckets(1.0, 2.0, 9));
        registry.register(
            "http_requests",
            "HTTP requests by route pattern, method and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer, by route pattern",
            latency.clone(),
        );
        registry.register("attestations_issued", "Attestations issued", issued.clone());
        registry.register(
            "attestations_revoked",
            "Attestations revoked",
            revoked.clone(),
        );
        registry.register(
            "verifications",
            "Verifications by kind and result",
            verified.clone(),
        );
        registry.register(
            "outbox_emails",
            "Emails waiting (pending) or given up (failed)",
            outbox.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Database connections: open, idle, max",
            pool.clone(),
        );
        registry.register(
            "database_state",
            "1 for the database's state now (ok, read_only, down), 0 for the others",
            database.clone(),
        );
        registry.register(
            "commit_batch_size",
            "Writes committed together by the group commit, per transaction",
            commit_batch.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            issued,
            revoked,
            verified,
            outbox,
            pool,
            database,
            commit_batch,
        }
    }
}

impl Metrics {
    /// The histogram the group commit records its batch sizes in.
    pub fn commit_batch(&self) -> Histogram {
        self.commit_batch.clone()
    }

    /// Counts an issued attestation of `kind`.
    pub fn issued(&self, kind: &str) {
        self.issued.get_or_create(&kind_labels(kind)).inc();
    }

    /// Counts `n` attestations of `kind` issued at once (a bulk batch).
    pub fn issued_many(&self, kind: &str, n: usize) {
        self.issued
            .get_or_create(&kind_labels(kind))
            .inc_by(u64::try_from(n).unwrap_or(0));
    }

    /// Counts a revoked attestation of `kind`.
    pub fn revoked(&self, kind: &str) {
        self.revoked.get_or_create(&kind_labels(kind)).inc();
    }

    /// Counts `n` proofs ended at once from the list (of several kinds, counted as `mixed`).
    pub fn revoked_many(&self, n: usize) {
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        self.revoked.get_or_create(&kind_labels("mixed")).inc_by(n);
    }

    /// Counts a verification with its result, of a proof of `kind` when known.
    pub fn verified(&self, kind: Option<&str>, result: &str) {
        self.verified
            .get_or_create(&VerifiedLabels {
                kind: kind.unwrap_or("none").to_owned(),
                result: result.to_owned(),
            })
            .inc();
    }

    /// The text exposition, with the database's state, the outbox (when the database could
    /// be read) and the pool figures read now.
    pub fn render(
        &self,
        database: crate::db::DatabaseState,
        outbox: Option<[(&str, i64); 2]>,
        pool: r2d2::State,
        max: u32,
    ) -> String {
        for state in crate::db::DatabaseState::ALL {
            self.database
                .get_or_create(&state_labels(state.as_str()))
                .set(i64::from(state == database));
        }
        for (state, n) in outbox.into_iter().flatten() {
            self.outbox.get_or_create(&state_labels(state)).set(n);
        }
        for (state, n) in [
            ("open", pool.connections),
            ("idle", pool.idle_connections),
            ("max", max),
        ] {
            self.pool
                .get_or_create(&state_labels(state))
                .set(i64::from(n));
        }
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

fn kind_labels(kind: &str) -> KindLabels {
    KindLabels {
        kind: kind.to_owned(),
    }
}

fn state_labels(state: &str) -> StateLabels {
    StateLabels {
        state: state.to_owned(),
    }
}

/// Middleware: counts each request by route pattern, method and status, and its latency.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req
        .app_data::<actix_web::web::Data<super::AppState>>()
        .cloned();
    let response = next.call(req).await?;
    if let Some(state) = metrics {
        let route = response
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        state
            .metrics
            .latency
            .get_or_create(&RouteLabels {
                route: route.clone(),
            })
            .observe(started.elapsed().as_secs_f64());
        state
            .metrics
            .requests
            .get_or_create(&RequestLabels {
                route,
                method: response.request().method().to_string(),
                status: response.status().as_u16(),
            })
            .inc();
    }
    Ok(response)
}
