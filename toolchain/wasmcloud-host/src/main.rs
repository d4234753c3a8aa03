//! A wasmCloud host configured from the environment, like upstream `wasmcloud`
//! (a subset of its WASMCLOUD_* variables), with the builtin HTTP server and
//! NATS messaging providers always enabled.
use std::{collections::HashMap, env, io::IsTerminal as _, time::Duration};

use anyhow::Context as _;
use tokio::signal::unix::{signal, SignalKind};
use wasmcloud_host::wasmbus::{Features, Host, HostConfig};
use wasmcloud_host::{url::Url, OciConfig};

fn var(name: &str) -> Option<String> {
    env::var(name).ok().filter(|v| !v.is_empty())
}

fn flag(name: &str) -> bool {
    var(name).is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

fn number<T>(name: &str) -> anyhow::Result<Option<T>>
where
    T: std::str::FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    var(name).map(|v| v.parse().with_context(|| format!("{name}: {v:?} is not a number"))).transpose()
}

fn secs(name: &str) -> anyhow::Result<Option<Duration>> {
    var(name)
        .map(|v| v.parse().map(Duration::from_secs).with_context(|| format!("{name}: seconds")))
        .transpose()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,cranelift_codegen=warn,wasmtime=warn".into()),
        )
        .init();

    let nats = format!(
        "nats://{}:{}",
        var("WASMCLOUD_NATS_HOST").as_deref().unwrap_or("127.0.0.1"),
        var("WASMCLOUD_NATS_PORT").as_deref().unwrap_or("4222"),
    );
    let nats = Url::parse(&nats).context("WASMCLOUD_NATS_HOST/PORT")?;
    // Upstream keeps the key's case: WASMCLOUD_LABEL_host-type=edge gives label host-type=edge.
    let labels: HashMap<String, String> = env::vars()
        .filter_map(|(k, v)| Some((k.strip_prefix("WASMCLOUD_LABEL_")?.to_string(), v)))
        .collect();
    let extra_features: Features = var("WASMCLOUD_EXPERIMENTAL_FEATURES")
        .unwrap_or_default()
        .split(',')
        .filter(|f| !f.trim().is_empty())
        .map(|f| Features::from(f.trim()))
        .sum();
    let defaults = HostConfig::default();
    let config = HostConfig {
        ctl_nats_url: nats.clone(),
        rpc_nats_url: nats,
        lattice: var("WASMCLOUD_LATTICE").as_deref().unwrap_or("default").into(),
        js_domain: var("WASMCLOUD_JS_DOMAIN"),
        labels,
        oci_opts: OciConfig {
            allowed_insecure: var("WASMCLOUD_OCI_ALLOWED_INSECURE")
                .map(|v| v.split(',').map(|r| r.trim().to_string()).collect())
                .unwrap_or_default(),
            allow_latest: flag("WASMCLOUD_OCI_ALLOW_LATEST"),
            ..Default::default()
        },
        allow_file_load: flag("WASMCLOUD_ALLOW_FILE_LOAD"),
        // Upstream's name is WASMCLOUD_HEARTBEAT_INTERVAL; both are read, in seconds.
        heartbeat_interval: secs("WASMCLOUD_HOST_HEARTBEAT_INTERVAL")?
            .or(secs("WASMCLOUD_HEARTBEAT_INTERVAL")?),
        rpc_timeout: number("WASMCLOUD_RPC_TIMEOUT_MS")?.map_or(defaults.rpc_timeout, Duration::from_millis),
        // The engine: its pool of instances and the memory each may have (upstream's names).
        max_components: number("WASMCLOUD_MAX_COMPONENTS")?.unwrap_or(defaults.max_components),
        max_linear_memory: number("WASMCLOUD_MAX_LINEAR_MEMORY")?.unwrap_or(defaults.max_linear_memory),
        max_core_instances_per_component: number("WASMCLOUD_MAX_CORE_INSTANCES_PER_COMPONENT")?
            .unwrap_or(defaults.max_core_instances_per_component),
        max_execution_time: number("WASMCLOUD_MAX_EXECUTION_TIME_MS")?
            .map_or(defaults.max_execution_time, Duration::from_millis),
        experimental_features: Features::new()
            .enable_builtin_http_server()
            .enable_builtin_messaging_nats()
            | extra_features,
        ..Default::default()
    };

    // The future returned by Host::new is large; box it as upstream does.
    let (host, shutdown) = Box::pin(Host::new(config)).await.context("failed to start host")?;
    let mut term = signal(SignalKind::terminate())?;
    let deadline = tokio::select! {
        _ = tokio::signal::ctrl_c() => None,
        _ = term.recv() => None,
        // A `host stop` over the control interface carries its own deadline.
        deadline = host.stopped() => deadline?,
    };
    // Run the host's own shutdown so it publishes host_stopped: otherwise wadm keeps
    // counting this host until its heartbeat expires (about 70 s).
    let deadline = deadline.unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(10));
    tokio::time::timeout_at(deadline, shutdown)
        .await
        .context("host shutdown timed out")?
        .context("failed to shut down host")
}
