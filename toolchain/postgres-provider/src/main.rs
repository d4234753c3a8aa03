//! wasmCloud capability provider for PostgreSQL: exports `wasmcloud:postgres/query@0.1.1-draft` and
//! `wasmcloud:postgres/prepared@0.1.1-draft` over wRPC, and reads the postgres sinks' JetStream
//! consumers for their components.
//!
//! Each component that links to this provider configures its own database with the link's target
//! config key `DATABASE_URL` (a libpq URI, `postgresql://user:pass@host:port/db`); the provider keeps
//! one connection pool per calling component. Connections are made lazily, with a connect timeout,
//! and broken connections are dropped and re-made on the next call. The URI's password is never
//! printed: logs and error texts name the database as `user@host:port/db`.
//!
//! A link from this provider to a sink's component (`pelato:sink/rows`, source config `subject`,
//! `queue` and optionally `cluster_uris`) starts a reader for it (src/sink.rs): it queue-subscribes
//! the consumer's deliver subject, hands the messages to the component's `rows.store` export in
//! batches (the component writes their rows through `query`, a batch in one transaction when it
//! can) and acknowledges each message as the component says.

use std::collections::HashMap;
use std::str::FromStr as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use futures::TryStreamExt as _;
use tokio::sync::RwLock;
use tracing::{info, warn};
use wasmcloud_provider_sdk::{
    get_connection, run_provider, serve_provider_exports, Context, LinkConfig, LinkDeleteInfo,
    Provider,
};

mod bindings {
    wit_bindgen_wrpc::generate!({
        world: "provider",
        with: {
            "wasmcloud:postgres/types@0.1.1-draft": generate,
            "wasmcloud:postgres/query@0.1.1-draft": generate,
            "wasmcloud:postgres/prepared@0.1.1-draft": generate,
            "pelato:sink/rows@0.1.0": generate,
        },
    });
}
mod sink;
mod values;

use bindings::exports::wasmcloud::postgres::{prepared, query};
use bindings::wasmcloud::postgres::types::{
    PgValue, PreparedStatementExecError, QueryError, ResultRow, StatementPrepareError,
};

/// Link config key (or secret) holding the libpq URI of the component's database.
const DATABASE_URL: &str = "DATABASE_URL";
/// Optional link config keys.
const POOL_SIZE: &str = "POOL_SIZE";
const QUERY_TIMEOUT_MS: &str = "QUERY_TIMEOUT_MS";

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_POOL_SIZE: usize = 8;
/// Under the sink consumer's ack wait (30 s, src/streams/sinks.ts): a statement that hangs
/// fails its message, which is asked for again, before JetStream redelivers it on its own.
const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(10);

/// A component's database: its pool, where it points (password-free) and its query timeout.
#[derive(Clone)]
struct Database {
    pool: Pool,
    name: Arc<str>,
    query_timeout: Duration,
}

impl Database {
    /// A pooled connection; failing to get one is the database's error, named.
    async fn client(&self) -> Result<deadpool_postgres::Object, QueryError> {
        self.pool.get().await.map_err(|e| pool_error(self, &e))
    }

    /// `work` within the query timeout: past it, an error for the caller (the server's own
    /// statement_timeout, set shorter, has already ended the statement).
    async fn within<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, QueryError>>,
    ) -> Result<T, QueryError> {
        tokio::time::timeout(self.query_timeout, work)
            .await
            .unwrap_or_else(|_| {
                Err(QueryError::Unexpected(format!(
                    "postgres {}: query timed out after {} ms",
                    self.name,
                    self.query_timeout.as_millis()
                )))
            })
    }
}

/// `prepare` has one kind of error: the query error's text.
fn prepare_error(e: QueryError) -> StatementPrepareError {
    match e {
        QueryError::Unexpected(e) | QueryError::InvalidParams(e) | QueryError::InvalidQuery(e) => {
            StatementPrepareError::Unexpected(e)
        }
    }
}

#[derive(Clone, Default)]
struct PostgresProvider {
    /// Databases by the source (component) id of the link.
    databases: Arc<RwLock<HashMap<String, Database>>>,
    /// Prepared statements by token: (source id, statement text).
    prepared: Arc<RwLock<HashMap<String, (String, String)>>>,
    next_token: Arc<AtomicU64>,
    /// Sink readers by the target (component) id of the link.
    sinks: Arc<RwLock<HashMap<String, sink::Driver>>>,
}

/// `user@host:port/db` — the URI without its password, for logs and error texts.
fn redacted(cfg: &tokio_postgres::Config) -> String {
    let user = cfg.get_user().unwrap_or("");
    let host = cfg
        .get_hosts()
        .iter()
        .map(|h| match h {
            tokio_postgres::config::Host::Tcp(h) => h.clone(),
            tokio_postgres::config::Host::Unix(p) => p.display().to_string(),
        })
        .collect::<Vec<_>>()
        .join(",");
    let port = cfg
        .get_ports()
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let port = if port.is_empty() { "5432".into() } else { port };
    let db = cfg.get_dbname().unwrap_or(user);
    format!("{user}@{host}:{port}/{db}")
}

fn link_value(link: &LinkConfig<'_>, key: &str) -> Option<String> {
    link.config.get(key).cloned().or_else(|| {
        link.secrets
            .get(key)
            .and_then(|s| s.as_string().map(str::to_string))
    })
}

fn open_database(link: &LinkConfig<'_>, url: &str) -> anyhow::Result<Database> {
    let mut cfg = tokio_postgres::Config::from_str(url)
        .map_err(|e| anyhow::anyhow!("invalid {DATABASE_URL}: {e}"))?;
    cfg.connect_timeout(CONNECT_TIMEOUT);
    cfg.keepalives(true);
    cfg.keepalives_idle(Duration::from_secs(30));
    if cfg.get_application_name().is_none() {
        cfg.application_name("pelato-postgres-provider");
    }
    let name: Arc<str> = redacted(&cfg).into();
    let size = link_value(link, POOL_SIZE)
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_POOL_SIZE);
    let query_timeout = link_value(link, QUERY_TIMEOUT_MS)
        .and_then(|v| v.parse().ok())
        .map_or(DEFAULT_QUERY_TIMEOUT, Duration::from_millis);
    // The server gives up a little before the client stops waiting: a statement whose caller was
    // told it failed (and whose message is then retried) must not commit afterwards.
    let server_timeout = query_timeout
        .saturating_sub(Duration::from_millis(500))
        .max(Duration::from_millis(100));
    let options = cfg.get_options().map(str::to_string).unwrap_or_default();
    cfg.options(
        format!(
            "{options} -c statement_timeout={}",
            server_timeout.as_millis()
        )
        .trim(),
    );
    let manager = Manager::from_config(
        cfg,
        tokio_postgres::NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(manager)
        .max_size(size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(CONNECT_TIMEOUT + Duration::from_secs(1)))
        .create_timeout(Some(CONNECT_TIMEOUT + Duration::from_millis(500)))
        .recycle_timeout(Some(CONNECT_TIMEOUT))
        .build()
        .context("failed to build connection pool")?;
    Ok(Database {
        pool,
        name,
        query_timeout,
    })
}

/// Maps a postgres error: errors the server reports are `invalid-query` with the server's message
/// and SQLSTATE, except those that say the database cannot take the statement now (connection
/// exception 08, insufficient resources 53, operator intervention such as a shutdown 57P,
/// a statement timeout 57014, transaction rollback 40): those, and everything else (connection lost, I/O), are `unexpected`,
/// which callers retry. The local host sorts them the same way (src/host/database.ts).
fn query_error(db: &Database, e: &tokio_postgres::Error) -> QueryError {
    if let Some(dbe) = e.as_db_error() {
        let code = dbe.code().code();
        let retryable = ["08", "53", "57P", "57014", "40"]
            .iter()
            .any(|class| code.starts_with(class));
        let mut text = format!(
            "{}: {} (SQLSTATE {})",
            dbe.severity(),
            dbe.message(),
            dbe.code().code()
        );
        if let Some(detail) = dbe.detail() {
            text.push_str(&format!("; detail: {detail}"));
        }
        if let Some(hint) = dbe.hint() {
            text.push_str(&format!("; hint: {hint}"));
        }
        if retryable {
            QueryError::Unexpected(format!("postgres {}: {text}", db.name))
        } else {
            QueryError::InvalidQuery(text)
        }
    } else {
        QueryError::Unexpected(format!("postgres {}: {e}", db.name))
    }
}

fn pool_error(db: &Database, e: &PoolError) -> QueryError {
    let why = match e {
        PoolError::Timeout(deadpool_postgres::TimeoutType::Wait) => {
            "timed out waiting for a free connection".to_string()
        }
        PoolError::Timeout(_) => format!(
            "cannot connect: no answer within {} s",
            CONNECT_TIMEOUT.as_secs()
        ),
        PoolError::Backend(e) => match e.as_db_error() {
            Some(dbe) => format!(
                "cannot connect: {} (SQLSTATE {})",
                dbe.message(),
                dbe.code().code()
            ),
            None => match std::error::Error::source(e) {
                Some(cause) => format!("cannot connect: {e}: {cause}"),
                None => format!("cannot connect: {e}"),
            },
        },
        PoolError::Closed => "pool closed".to_string(),
        e => e.to_string(),
    };
    QueryError::Unexpected(format!("postgres {}: {why}", db.name))
}

impl PostgresProvider {
    async fn database(&self, cx: &Option<Context>) -> Result<Database, QueryError> {
        let source = cx
            .as_ref()
            .and_then(|cx| cx.component.clone())
            .unwrap_or_default();
        self.databases
            .read()
            .await
            .get(&source)
            .cloned()
            .ok_or_else(|| {
                QueryError::Unexpected(format!(
                    "no {DATABASE_URL} configured for component [{source}]: set it in the link's target config"
                ))
            })
    }

    async fn run_query(
        &self,
        cx: &Option<Context>,
        statement: &str,
        params: Vec<PgValue>,
    ) -> Result<(Vec<ResultRow>, u64), QueryError> {
        let db = self.database(cx).await?;
        db.within(async {
            let client = db.client().await?;
            let stmt = client
                .prepare_cached(statement)
                .await
                .map_err(|e| query_error(&db, &e))?;
            let types = stmt.params();
            if types.len() != params.len() {
                return Err(QueryError::InvalidParams(format!(
                    "statement has {} parameter(s), {} given",
                    types.len(),
                    params.len()
                )));
            }
            let encoded = params
                .iter()
                .zip(types)
                .enumerate()
                .map(|(i, (v, ty))| {
                    values::encode(v, ty).map_err(|e| {
                        QueryError::InvalidParams(format!("parameter ${}: {e}", i + 1))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let stream = client
                .query_raw(&stmt, encoded)
                .await
                .map_err(|e| query_error(&db, &e))?;
            futures::pin_mut!(stream);
            let mut rows = Vec::new();
            while let Some(row) = stream.try_next().await.map_err(|e| query_error(&db, &e))? {
                rows.push(values::result_row(&row).map_err(QueryError::Unexpected)?);
            }
            let affected = stream.rows_affected().unwrap_or(rows.len() as u64);
            Ok((rows, affected))
        })
        .await
    }
}

impl Provider for PostgresProvider {
    async fn receive_link_config_as_source(&self, link: LinkConfig<'_>) -> anyhow::Result<()> {
        let target = link.target_id.to_string();
        let (namespace, package, _) = link.wit_metadata;
        if (namespace.as_str(), package.as_str()) != ("pelato", "sink") {
            warn!(
                component = target,
                "ignored a link to {namespace}:{package}: only pelato:sink"
            );
            return Ok(());
        }
        let (old, result) = match sink::Driver::start(&target, link.config).await {
            Ok(driver) => (self.sinks.write().await.insert(target, driver), Ok(())),
            Err(e) => {
                warn!(
                    component = target,
                    error = format!("{e:#}"),
                    "sink link rejected"
                );
                (self.sinks.write().await.remove(&target), Err(e))
            }
        };
        if let Some(old) = old {
            old.stop().await;
        }
        result
    }

    async fn receive_link_config_as_target(&self, link: LinkConfig<'_>) -> anyhow::Result<()> {
        let source = link.source_id.to_string();
        let Some(url) = link_value(&link, DATABASE_URL) else {
            warn!(source, "link has no {DATABASE_URL} in its target config");
            self.databases.write().await.remove(&source);
            return Ok(());
        };
        match open_database(&link, &url) {
            Ok(db) => {
                info!(source, database = %db.name, "link configured");
                if let Some(old) = self.databases.write().await.insert(source, db) {
                    old.pool.close();
                }
            }
            Err(e) => {
                warn!(source, error = %e, "link config rejected");
                self.databases.write().await.remove(&source);
            }
        }
        Ok(())
    }

    async fn delete_link_as_target(&self, info: impl LinkDeleteInfo) -> anyhow::Result<()> {
        let source = info.get_source_id().to_string();
        if let Some(db) = self.databases.write().await.remove(&source) {
            db.pool.close();
        }
        self.prepared.write().await.retain(|_, (s, _)| *s != source);
        info!(source, "link deleted");
        Ok(())
    }

    async fn delete_link_as_source(&self, info: impl LinkDeleteInfo) -> anyhow::Result<()> {
        let removed = self.sinks.write().await.remove(info.get_target_id());
        if let Some(driver) = removed {
            driver.stop().await;
        }
        Ok(())
    }

    async fn shutdown(&self) -> anyhow::Result<()> {
        let sinks: Vec<_> = self.sinks.write().await.drain().map(|(_, d)| d).collect();
        futures::future::join_all(sinks.into_iter().map(sink::Driver::stop)).await;
        for (_, db) in self.databases.write().await.drain() {
            db.pool.close();
        }
        self.prepared.write().await.clear();
        Ok(())
    }
}

impl query::Handler<Option<Context>> for PostgresProvider {
    async fn query(
        &self,
        cx: Option<Context>,
        query: String,
        params: Vec<PgValue>,
    ) -> anyhow::Result<Result<Vec<ResultRow>, QueryError>> {
        let result = self
            .run_query(&cx, &query, params)
            .await
            .map(|(rows, _)| rows);
        if let Err(e) = &result {
            warn!(error = ?e, "query failed");
        }
        Ok(result)
    }

    async fn query_batch(
        &self,
        cx: Option<Context>,
        query: String,
    ) -> anyhow::Result<Result<(), QueryError>> {
        let db = match self.database(&cx).await {
            Ok(db) => db,
            Err(e) => return Ok(Err(e)),
        };
        let result = db
            .within(async {
                let client = db.client().await?;
                client
                    .batch_execute(&query)
                    .await
                    .map_err(|e| query_error(&db, &e))
            })
            .await;
        if let Err(e) = &result {
            warn!(error = ?e, "query-batch failed");
        }
        Ok(result)
    }
}

impl prepared::Handler<Option<Context>> for PostgresProvider {
    async fn prepare(
        &self,
        cx: Option<Context>,
        statement: String,
    ) -> anyhow::Result<Result<String, StatementPrepareError>> {
        let db = match self.database(&cx).await {
            Ok(db) => db,
            Err(e) => return Ok(Err(prepare_error(e))),
        };
        let checked = db
            .within(async {
                let client = db.client().await?;
                client
                    .prepare_cached(&statement)
                    .await
                    .map_err(|e| query_error(&db, &e))
            })
            .await;
        if let Err(e) = checked {
            return Ok(Err(prepare_error(e)));
        }
        let source = cx.and_then(|cx| cx.component).unwrap_or_default();
        let token = format!(
            "pelato-prepared-{}",
            self.next_token.fetch_add(1, Ordering::Relaxed)
        );
        self.prepared
            .write()
            .await
            .insert(token.clone(), (source, statement));
        Ok(Ok(token))
    }

    async fn exec(
        &self,
        cx: Option<Context>,
        token: String,
        params: Vec<PgValue>,
    ) -> anyhow::Result<Result<u64, PreparedStatementExecError>> {
        let source = cx
            .as_ref()
            .and_then(|cx| cx.component.clone())
            .unwrap_or_default();
        let statement = match self.prepared.read().await.get(&token) {
            Some((s, statement)) if *s == source => statement.clone(),
            _ => return Ok(Err(PreparedStatementExecError::UnknownPreparedQuery)),
        };
        Ok(self
            .run_query(&cx, &statement, params)
            .await
            .map(|(_, affected)| affected)
            .map_err(PreparedStatementExecError::QueryError))
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let provider = PostgresProvider::default();
    let shutdown = run_provider(provider.clone(), "pelato-postgres-provider")
        .await
        .context("failed to start provider")?;
    let connection = get_connection();
    let wrpc = connection
        .get_wrpc_client(connection.provider_key())
        .await
        .context("failed to create wRPC client")?;
    serve_provider_exports(&wrpc, provider, shutdown, bindings::serve)
        .await
        .context("failed to serve provider exports")
}
