//! Building the application: open the database, run migrations, load the secret, bind the
//! listener (so tests can ask for port 0) and assemble the routes and middleware.

use crate::config::Config;
use crate::secrets::Secrets;
use crate::web::{csrf, errors, AppState};
use crate::{db, routes};
use actix_web::dev::Server;
use actix_web::middleware::{from_fn, ErrorHandlers};
use actix_web::{web, App, HttpServer};
use std::net::TcpListener;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use tracing_actix_web::TracingLogger;

/// Migrations, the one-time settling of stored identifiers, a signing key, and the removal
/// of stale bulk drafts: what the primary needs before the first write.
fn prepare_primary(pool: &db::DbPool, secrets: &Secrets, config: &Config) -> anyhow::Result<()> {
    db::migrate(pool)?;
    crate::identifiers::settle_types(&mut *pool.get()?, secrets)?;
    crate::tokens::keys::ensure_signer(&mut *pool.get()?, &config.keys_dir())?;
    crate::bulk::delete_stale_drafts(&mut *pool.get()?)?;
    Ok(())
}

/// Tries `prepare_primary` every second until it succeeds (or `stop`).
fn spawn_preparer(
    pool: &db::DbPool,
    secrets: &Secrets,
    config: &Config,
    stop: Arc<AtomicBool>,
) -> std::io::Result<()> {
    let (pool, secrets, config) = (pool.clone(), secrets.clone(), config.clone());
    std::thread::Builder::new()
        .name("prepare-primary".into())
        .spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_secs(1));
                if prepare_primary(&pool, &secrets, &config).is_ok() {
                    tracing::info!("the primary database answers and is prepared");
                    return;
                }
            }
        })
        .map(drop)
}

/// A running server and the port it got.
pub struct Application {
    port: u16,
    server: Server,
    mail_worker_stop: Arc<AtomicBool>,
}

impl Application {
    /// Prepares everything and binds the listener; the server runs when awaited.
    pub async fn build(mut config: Config) -> anyhow::Result<Self> {
        let secrets = Secrets::load_or_create(&config.data_dir)?;
        let mail_worker_stop = Arc::new(AtomicBool::new(false));
        let (pool, read_pool) = match &config.database_read {
            None => {
                let pool = db::connect(&config.database)?;
                prepare_primary(&pool, &secrets, &config)?;
                (pool, None)
            }
            // With a standby, the primary may be down now: verification is served from the
            // standby, and the primary is prepared as soon as it answers.
            Some(standby) => {
                let pool = db::connect_lazily(&config.database);
                if let Err(error) = prepare_primary(&pool, &secrets, &config) {
                    tracing::warn!(%error, "the primary database does not answer: verification is served from the standby, writes wait for the primary");
                    spawn_preparer(&pool, &secrets, &config, mail_worker_stop.clone())?;
                }
                (pool, Some(db::connect_lazily(standby)))
            }
        };
        let keys = crate::tokens::KeyStore::new(config.keys_dir());
        crate::mail::worker::Worker::new(&config, pool.clone())?.spawn(mail_worker_stop.clone())?;
        db::spawn_checkpointer(pool.clone(), mail_worker_stop.clone())?;
        let spool = Arc::new(db::spool::Spool::new(&config.data_dir));
        spool
            .clone()
            .spawn_flusher(pool.clone(), mail_worker_stop.clone())?;
        let listener = TcpListener::bind(config.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.bind))?;
        let port = listener.local_addr()?.port();
        // Bound to port 0 without a public URL: links must name the port actually given.
        if config.public_url.port() == Some(0) {
            let _ = config.public_url.set_port(Some(port));
        }
        let limiters = crate::web::limits::Limiters::new(config.limits, config.clock.clone());
        let metrics = crate::web::metrics::Metrics::default();
        let group_commit =
            db::group_commit::GroupCommit::start(pool.clone(), metrics.commit_batch())?;
        let state = web::Data::new(AppState {
            config,
            pool,
            read_pool,
            spool,
            group_commit,
            secrets,
            keys,
            status_lists: Default::default(),
            limiters,
            metrics,
        });
        // No more blocking threads than pooled connections: a thread beyond them would only
        // wait for one (and each wait and wake is a context switch).
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        let blocking = (db::POOL_SIZE as usize / workers).max(1);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::FormConfig::default().limit(256 * 1024))
                .configure(routes::configure)
                .default_service(web::to(routes::not_found))
                .wrap(from_fn(crate::web::metrics::record))
                .wrap(from_fn(crate::web::refuse_nul))
                .wrap(ErrorHandlers::new().default_handler(errors::render_error_page))
                .wrap(from_fn(csrf::ensure_cookie))
                .wrap(errors::security_headers())
                .wrap(from_fn(errors::per_request_headers))
                .wrap(from_fn(crate::telemetry::log_request))
                .wrap(from_fn(crate::web::head_as_get))
                .wrap(TracingLogger::<crate::telemetry::RequestSpan>::new())
        })
        .workers(workers)
        .worker_max_blocking_threads(blocking)
        .listen(listener)?
        .run();
        Ok(Self {
            port,
            server,
            mail_worker_stop,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Setting this flag stops the mail worker and the WAL checkpointer (tests simulate a
    /// shutdown with it).
    pub fn mail_worker_stop(&self) -> Arc<AtomicBool> {
        self.mail_worker_stop.clone()
    }

    /// Serves until the process is told to stop.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
