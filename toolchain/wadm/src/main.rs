use clap::Parser;
use tokio::signal::unix::{signal, SignalKind};
use wadm::config::WadmConfig;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Same flags and WADM_* env vars as upstream wadm (e.g. --nats-server / WADM_NATS_SERVER).
    let config = WadmConfig::parse();
    // Log level from WADM_LOG (error|warn|info|debug|trace), default info, to stderr.
    let level = std::env::var("WADM_LOG")
        .ok()
        .and_then(|l| l.parse().ok())
        .unwrap_or(tracing::Level::INFO);
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();

    let mut wadm = wadm::start_wadm(config).await?;
    let mut term = signal(SignalKind::terminate())?;
    tokio::select! {
        res = wadm.join_next() => match res {
            Some(Ok(Ok(()))) | None => Ok(()),
            Some(Ok(Err(e))) => Err(e),
            Some(Err(e)) => Err(e.into()),
        },
        // The JoinSet aborts its tasks when dropped; wadm keeps its state in NATS.
        _ = tokio::signal::ctrl_c() => Ok(()),
        _ = term.recv() => Ok(()),
    }
}
