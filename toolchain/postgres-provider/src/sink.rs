//! A postgres sink's reader: queue-subscribes the deliver subject of the sink's JetStream push
//! consumer, hands the messages to the sink's component in batches (`pelato:sink/rows.store`) and
//! answers each message as the component's outcome for it says.
//!
//! Batching is natural, without timers: a batch starts as soon as a message waits and fewer than
//! MAX_IN_FLIGHT batches run; what arrives meanwhile goes in the next. One bad message fails its
//! whole batch (a TinyGo panic traps the instance), so the messages of a failed batch run again one
//! at a time, and one poison message cannot hold back the others; those that then fail alone are
//! remembered, to run alone again when JetStream redelivers them.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, ensure, Context as _};
use async_nats::{ConnectOptions, Subject, Subscriber};
use bytes::Bytes;
use futures::{FutureExt as _, StreamExt as _};
use tokio::sync::oneshot;
use tokio::task::{JoinError, JoinHandle, JoinSet};
use tracing::{error, info, warn};
use wasmcloud_provider_sdk::provider::WrpcClient;
use wasmcloud_provider_sdk::{
    get_connection, load_host_data, with_connection_event_logging, HostData,
};

use crate::bindings::pelato::sink::rows::{self, Outcome};

/// Link source config keys.
const SUBJECT: &str = "subject";
const QUEUE: &str = "queue";
const CLUSTER_URIS: &str = "cluster_uris";
/// Where the SDK connects when the host names no lattice URL.
const DEFAULT_NATS_URL: &str = "nats://127.0.0.1:4222";

const MAX_IN_FLIGHT: usize = 2;
const MAX_BATCH_MESSAGES: usize = 256;
/// A reader's first batches are at most this many messages; they grow while batches are quick.
const FIRST_BATCH_LIMIT: usize = 32;
/// How long a batch should take: well under STORE_DEADLINE, so that a slow exec_task or a slow
/// table makes smaller batches rather than batches that time out (and may commit after the
/// reader gave up on them). (src/host/sink-batching.ts: SINK_BATCH.targetMs)
const BATCH_TARGET: Duration = Duration::from_secs(1);
const MAX_BATCH_BYTES: usize = 1 << 20;
/// Well under the consumer's ack wait (src/streams/sinks.ts): a batch that hangs is answered
/// before JetStream redelivers its messages on its own.
const STORE_DEADLINE: Duration = Duration::from_secs(12);
const RETRY_FIRST: Duration = Duration::from_millis(250);
const RETRY_MAX: Duration = Duration::from_secs(4);
/// A missing table or grant waits for a person: no use asking every few seconds.
const SCHEMA_RETRY: Duration = Duration::from_secs(30);
/// How many messages that failed alone are remembered.
const POISON_MEMORY: usize = 1024;
/// A message the component itself failed on this many times, alone (a trap: TinyGo cannot recover
/// a panic), is dropped: it would fail for ever. (src/host/sink-batching.ts: FAILURES_BEFORE_DROP)
const FAILURES_BEFORE_DROP: u64 = 5;

const ACK: &[u8] = b"+ACK";
const TERM: &[u8] = b"+TERM";
/// Redelivered at once, to whichever subscriber of the queue group is there.
const NAK_NOW: &[u8] = b"-NAK";

/// What a JetStream delivery's reply subject says of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Delivery {
    /// 1 on the first delivery.
    delivered: u64,
    stream_seq: u64,
}

/// Reads `$JS.ACK.<stream>.<consumer>.<delivered>.<stream_seq>.<consumer_seq>.<timestamp>.<pending>`
/// or, with a domain, `$JS.ACK.<domain>.<account_hash>.<stream>.<consumer>.<delivered>.…`.
fn parse_delivery(reply: &str) -> Option<Delivery> {
    let tokens: Vec<&str> = reply.split('.').collect();
    if tokens.len() < 9 || tokens[0] != "$JS" || tokens[1] != "ACK" {
        return None;
    }
    let delivered_at = if tokens.len() >= 11 { 6 } else { 4 };
    Some(Delivery {
        delivered: tokens[delivered_at].parse().ok()?,
        stream_seq: tokens[delivered_at + 1].parse().ok()?,
    })
}

/// How long a message that could not be stored waits before it is delivered again.
fn backoff(delivered: u64) -> Duration {
    let doublings = delivered.saturating_sub(1).min(16) as u32;
    RETRY_FIRST.saturating_mul(1 << doublings).min(RETRY_MAX)
}

fn nak_after(delay: Duration) -> Bytes {
    format!("-NAK {{\"delay\":{}}}", delay.as_nanos()).into()
}

/// The batch as `pelato:sink/rows#store` takes it: each body preceded by its length, a
/// little-endian u32 (the WIT says why one list and not a list of lists).
fn framed(batch: &[Pending]) -> Bytes {
    let mut out = Vec::with_capacity(batch.iter().map(|m| 4 + m.body.len()).sum());
    for message in batch {
        out.extend_from_slice(&(message.body.len() as u32).to_le_bytes());
        out.extend_from_slice(&message.body);
    }
    out.into()
}

/// The body that answers a message the component returned `outcome` for.
fn reply_body(outcome: &Outcome, delivered: u64) -> Bytes {
    match outcome {
        Outcome::Stored => Bytes::from_static(ACK),
        Outcome::Unavailable(_) => nak_after(backoff(delivered)),
        Outcome::WaitingForSchema(_) => nak_after(SCHEMA_RETRY),
        Outcome::Rejected(_) => Bytes::from_static(TERM),
    }
}

/// How a batch fared, for its log line.
#[derive(Debug, Default, PartialEq)]
struct Tally {
    stored: usize,
    unavailable: usize,
    waiting_for_schema: usize,
    rejected: usize,
    first_reason: Option<String>,
}

impl Tally {
    fn of(outcomes: &[Outcome]) -> Self {
        let mut tally = Self::default();
        for outcome in outcomes {
            let (count, why) = match outcome {
                Outcome::Stored => (&mut tally.stored, None),
                Outcome::Unavailable(why) => (&mut tally.unavailable, Some(why)),
                Outcome::WaitingForSchema(why) => (&mut tally.waiting_for_schema, Some(why)),
                Outcome::Rejected(why) => (&mut tally.rejected, Some(why)),
            };
            *count += 1;
            if tally.first_reason.is_none() {
                tally.first_reason = why.cloned();
            }
        }
        tally
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} stored, {} unavailable, {} waiting for schema, {} rejected",
            self.stored, self.unavailable, self.waiting_for_schema, self.rejected
        )?;
        match &self.first_reason {
            Some(why) => write!(f, "; first: {why}"),
            None => Ok(()),
        }
    }
}

/// A message waiting for its batch.
#[derive(Debug, Clone, PartialEq)]
struct Pending {
    reply: Subject,
    delivery: Delivery,
    body: Bytes,
    /// Runs in a batch of its own.
    alone: bool,
}

impl Pending {
    fn from_message(message: async_nats::Message) -> Option<Self> {
        let reply = message.reply?;
        let delivery = parse_delivery(&reply)?;
        Some(Self {
            reply,
            delivery,
            body: message.payload,
            alone: false,
        })
    }
}

/// The last POISON_MEMORY stream sequences inserted.
#[derive(Default)]
struct Recent {
    order: VecDeque<u64>,
    set: HashSet<u64>,
}

impl Recent {
    fn insert(&mut self, seq: u64) {
        if !self.set.insert(seq) {
            return;
        }
        self.order.push_back(seq);
        if self.order.len() > POISON_MEMORY {
            if let Some(oldest) = self.order.pop_front() {
                self.set.remove(&oldest);
            }
        }
    }

    fn contains(&self, seq: u64) -> bool {
        self.set.contains(&seq)
    }
}

/// The size limit of a reader's next batch, from how its last one went: halved (down to 1) when
/// it failed, met a database that could not take it, or took longer than BATCH_TARGET; doubled
/// (up to MAX_BATCH_MESSAGES) when it was full and took under a quarter of it.
fn next_batch_limit(limit: usize, messages: usize, took: Duration, failed: bool) -> usize {
    if failed || took > BATCH_TARGET {
        (limit.min(messages) / 2).max(1)
    } else if messages >= limit && took < BATCH_TARGET / 4 {
        (limit * 2).min(MAX_BATCH_MESSAGES)
    } else {
        limit
    }
}

/// What became of a batch, for the messages it leaves to the driver.
enum Settled {
    /// Every message was answered; `unavailable`: the database could not take some.
    Answered { unavailable: bool },
    /// The invocation failed: its messages run again, each alone.
    RetryAlone(Vec<Pending>),
    /// A message failed alone (and was asked for again): it runs alone when redelivered too.
    FailedAlone(u64),
}

/// Messages in arrival order, waiting for a batch.
#[derive(Default)]
struct Buffer {
    waiting: VecDeque<Pending>,
    poison: Recent,
}

impl Buffer {
    /// Adds a message; a redelivery of one still waiting only updates its reply subject.
    fn push(&mut self, mut message: Pending) {
        if let Some(i) = self.position(message.delivery.stream_seq) {
            let waiting = &mut self.waiting[i];
            waiting.reply = message.reply;
            waiting.delivery = message.delivery;
            return;
        }
        message.alone = self.poison.contains(message.delivery.stream_seq);
        self.waiting.push_back(message);
    }

    /// The next batch from the front: at most `limit` messages and MAX_BATCH_BYTES of bodies,
    /// none that must run alone unless it is the only one, and at least one message.
    fn next_batch(&mut self, limit: usize) -> Option<Vec<Pending>> {
        if self.waiting.is_empty() {
            return None;
        }
        let mut bytes = 0;
        let fitting = self
            .waiting
            .iter()
            .take(limit)
            .take_while(|message| {
                bytes += message.body.len();
                !message.alone && bytes <= MAX_BATCH_BYTES
            })
            .count();
        Some(self.waiting.drain(..fitting.max(1)).collect())
    }

    fn settle(&mut self, settled: Settled) {
        match settled {
            Settled::Answered { .. } => {}
            Settled::RetryAlone(batch) => self.retry_alone(batch),
            Settled::FailedAlone(seq) => self.poison.insert(seq),
        }
    }

    /// Puts a failed batch back at the front, each message to run alone, with the reply subject
    /// of any redelivery of it that arrived meanwhile.
    fn retry_alone(&mut self, batch: Vec<Pending>) {
        for mut message in batch.into_iter().rev() {
            let seq = message.delivery.stream_seq;
            if let Some(newer) = self.position(seq).and_then(|i| self.waiting.remove(i)) {
                message.reply = newer.reply;
                message.delivery = newer.delivery;
            }
            message.alone = true;
            self.waiting.push_front(message);
        }
    }

    fn drain(&mut self) -> impl Iterator<Item = Pending> + '_ {
        self.waiting.drain(..)
    }

    // The consumer's max_ack_pending bounds the buffer: a scan is cheap.
    fn position(&self, seq: u64) -> Option<usize> {
        self.waiting
            .iter()
            .position(|message| message.delivery.stream_seq == seq)
    }
}

/// A link's source config.
#[derive(Debug, PartialEq)]
struct SourceConfig {
    subject: String,
    queue: String,
    /// The NATS servers to read from; the lattice's when absent.
    cluster_uris: Option<Vec<String>>,
}

impl SourceConfig {
    fn parse(config: &HashMap<String, String>) -> anyhow::Result<Self> {
        let value = |key: &str| config.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
        let required = |key: &str| {
            value(key)
                .map(str::to_string)
                .with_context(|| format!("the link's source config has no `{key}`"))
        };
        let cluster_uris = value(CLUSTER_URIS)
            .map(|uris| {
                uris.split(',')
                    .map(str::trim)
                    .filter(|uri| !uri.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|uris| !uris.is_empty());
        Ok(Self {
            subject: required(SUBJECT)?,
            queue: required(QUEUE)?,
            cluster_uris,
        })
    }
}

/// The host's credentials for the lattice, used as the SDK uses them for its own connection.
fn lattice_options(host: &HostData) -> anyhow::Result<ConnectOptions> {
    match (
        host.lattice_rpc_user_jwt.trim(),
        host.lattice_rpc_user_seed.trim(),
    ) {
        ("", "") => Ok(ConnectOptions::new()),
        (jwt, seed) => {
            let key = Arc::new(
                nkeys::KeyPair::from_seed(seed).context("invalid lattice credentials seed")?,
            );
            Ok(ConnectOptions::with_jwt(jwt.to_string(), move |nonce| {
                let key = Arc::clone(&key);
                async move { key.sign(&nonce).map_err(async_nats::AuthError::new) }
            }))
        }
    }
}

/// A connection of the reader's own, so that its deliveries do not queue behind the lattice's RPC.
async fn connect(
    cluster_uris: Option<Vec<String>>,
    component: &str,
) -> anyhow::Result<async_nats::Client> {
    let (options, servers) = match cluster_uris {
        Some(uris) => (ConnectOptions::new(), uris),
        None => {
            let host = load_host_data().context("no host data")?;
            let url = Some(host.lattice_rpc_url.as_str())
                .filter(|url| !url.is_empty())
                .unwrap_or(DEFAULT_NATS_URL);
            (lattice_options(host)?, vec![url.to_string()])
        }
    };
    with_connection_event_logging(options)
        .name(format!("pelato-postgres-provider sink {component}"))
        .connect(servers)
        .await
        .context("cannot connect to NATS")
}

/// What a batch needs: where to answer its messages and how to reach the component.
struct Link {
    component: Arc<str>,
    nats: async_nats::Client,
    wrpc: WrpcClient,
}

impl Link {
    async fn store(&self, batch: &[Pending]) -> anyhow::Result<Vec<Outcome>> {
        let framed = framed(batch);
        let outcomes = tokio::time::timeout(STORE_DEADLINE, rows::store(&self.wrpc, None, &framed))
            .await
            .map_err(|_| anyhow!("no answer within {} s", STORE_DEADLINE.as_secs()))??;
        ensure!(
            outcomes.len() == batch.len(),
            "{} outcomes for {} messages",
            outcomes.len(),
            batch.len()
        );
        Ok(outcomes)
    }

    async fn reply(&self, message: &Pending, body: Bytes) {
        if let Err(e) = self.nats.publish(message.reply.clone(), body).await {
            warn!(component = %self.component, error = %e, "cannot answer a message");
        }
    }

    async fn flush(&self) {
        if let Err(e) = self.nats.flush().await {
            warn!(component = %self.component, error = %e, "cannot flush the answers");
        }
    }

    async fn answer_outcomes(&self, batch: &[Pending], outcomes: &[Outcome]) {
        for (message, outcome) in batch.iter().zip(outcomes) {
            self.reply(message, reply_body(outcome, message.delivery.delivered))
                .await;
        }
        self.flush().await;
        let tally = Tally::of(outcomes);
        if tally.rejected > 0 {
            warn!(component = %self.component, "batch not fully stored: {tally}");
        } else if tally.stored < outcomes.len() {
            info!(component = %self.component, "batch not fully stored: {tally}");
        }
    }

    async fn run_batch(self: Arc<Self>, batch: Vec<Pending>) -> Settled {
        let error = match self.store(&batch).await {
            Ok(outcomes) => {
                self.answer_outcomes(&batch, &outcomes).await;
                let unavailable = outcomes
                    .iter()
                    .any(|o| matches!(o, Outcome::Unavailable(_)));
                return Settled::Answered { unavailable };
            }
            Err(e) => format!("{e:#}"),
        };
        let [message] = batch.as_slice() else {
            warn!(component = %self.component, messages = batch.len(), error, "batch failed: its messages run again one at a time");
            return Settled::RetryAlone(batch);
        };
        // A component that could not be reached (being redeployed, say) never loses a message;
        // one that ran and failed on it alone, again and again, drops it.
        let delivered = message.delivery.delivered;
        if !component_failed(&error) {
            warn!(component = %self.component, error, "message not handed to the component: asked for again");
            self.reply(message, nak_after(backoff(delivered))).await;
            self.flush().await;
            return Settled::Answered { unavailable: true };
        }
        if delivered >= FAILURES_BEFORE_DROP {
            error!(component = %self.component, error, "message dropped: the component failed on it {FAILURES_BEFORE_DROP} times");
            self.reply(message, Bytes::from_static(TERM)).await;
        } else {
            warn!(component = %self.component, error, "message failed alone: asked for again");
            self.reply(message, nak_after(backoff(delivered))).await;
        }
        self.flush().await;
        Settled::FailedAlone(message.delivery.stream_seq)
    }
}

/// Whether a failed call ran the component and it failed, rather than never reaching it: a
/// wasmCloud host whose component traps ends the call without results ("incomplete results").
fn component_failed(error: &str) -> bool {
    ["incomplete results", "trap", "unreachable", "panic"]
        .iter()
        .any(|marker| error.to_ascii_lowercase().contains(marker))
}

/// The reader of one component's sink; stop it to hand its waiting messages back to JetStream.
pub struct Driver {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Driver {
    pub async fn start(component: &str, config: &HashMap<String, String>) -> anyhow::Result<Self> {
        let SourceConfig {
            subject,
            queue,
            cluster_uris,
        } = SourceConfig::parse(config)?;
        let wrpc = get_connection()
            .get_wrpc_client_custom(component, Some(STORE_DEADLINE))
            .await
            .context("cannot make a wRPC client")?;
        let nats = connect(cluster_uris, component).await?;
        let subscriber = nats
            .queue_subscribe(subject.clone(), queue.clone())
            .await
            .with_context(|| format!("cannot subscribe to {subject}"))?;
        let link = Arc::new(Link {
            component: component.into(),
            nats,
            wrpc,
        });
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(drive(link, subscriber, stopped));
        info!(component, subject, queue, "sink reader started");
        Ok(Self { stop, task })
    }

    /// Unsubscribes, lets the running batches finish and asks JetStream at once for another
    /// delivery of the messages still waiting.
    pub async fn stop(self) {
        // An error only says the reader has ended already (its connection closed for good).
        let _ = self.stop.send(());
        if let Err(e) = self.task.await {
            warn!(error = %e, "sink reader failed");
        }
    }
}

/// A batch that ran: what became of it, how many messages it had and how long it took.
type Ran = (Settled, usize, Duration);

async fn run(link: Arc<Link>, batch: Vec<Pending>) -> Ran {
    let started = Instant::now();
    let messages = batch.len();
    (link.run_batch(batch).await, messages, started.elapsed())
}

fn settle(buffer: &mut Buffer, limit: &mut usize, link: &Link, done: Result<Ran, JoinError>) {
    match done {
        Ok((settled, messages, took)) => {
            let failed = !matches!(settled, Settled::Answered { unavailable: false });
            *limit = next_batch_limit(*limit, messages, took, failed);
            buffer.settle(settled);
        }
        // Its messages come back when their ack wait is over.
        Err(e) => warn!(component = %link.component, error = %e, "batch task failed"),
    }
}

fn receive(buffer: &mut Buffer, link: &Link, message: async_nats::Message) {
    let subject = message.subject.clone();
    match Pending::from_message(message) {
        Some(message) => buffer.push(message),
        None => {
            warn!(component = %link.component, %subject, "ignored a message that is no JetStream delivery")
        }
    }
}

async fn drive(link: Arc<Link>, mut subscriber: Subscriber, mut stop: oneshot::Receiver<()>) {
    let mut buffer = Buffer::default();
    let mut limit = FIRST_BATCH_LIMIT;
    let mut running = JoinSet::new();
    loop {
        while running.len() < MAX_IN_FLIGHT {
            let Some(batch) = buffer.next_batch(limit) else {
                break;
            };
            running.spawn(run(Arc::clone(&link), batch));
        }
        tokio::select! {
            _ = &mut stop => break,
            message = subscriber.next() => {
                let Some(message) = message else { break };
                receive(&mut buffer, &link, message);
                while let Some(Some(message)) = subscriber.next().now_or_never() {
                    receive(&mut buffer, &link, message);
                }
            }
            Some(done) = running.join_next() => settle(&mut buffer, &mut limit, &link, done),
        }
    }
    hand_back(&link, subscriber, buffer, limit, running).await;
}

async fn hand_back(
    link: &Link,
    mut subscriber: Subscriber,
    mut buffer: Buffer,
    mut limit: usize,
    mut running: JoinSet<Ran>,
) {
    if let Err(e) = subscriber.unsubscribe().await {
        warn!(component = %link.component, error = %e, "cannot unsubscribe");
    }
    while let Some(message) = subscriber.next().await {
        receive(&mut buffer, link, message);
    }
    while let Some(done) = running.join_next().await {
        settle(&mut buffer, &mut limit, link, done);
    }
    for message in buffer.drain() {
        link.reply(&message, Bytes::from_static(NAK_NOW)).await;
    }
    link.flush().await;
    if let Err(e) = link.nats.drain().await {
        warn!(component = %link.component, error = %e, "cannot close the connection");
    }
    info!(component = %link.component, "sink reader stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(seq: u64, delivered: u64, body: &[u8]) -> Pending {
        Pending {
            reply: format!("$JS.ACK.s.c.{delivered}.{seq}.{seq}.1700000000000000000.0").into(),
            delivery: Delivery {
                delivered,
                stream_seq: seq,
            },
            body: Bytes::copy_from_slice(body),
            alone: false,
        }
    }

    fn seqs(batch: &[Pending]) -> Vec<u64> {
        batch.iter().map(|m| m.delivery.stream_seq).collect()
    }

    fn buffer_of(seqs: impl IntoIterator<Item = u64>) -> Buffer {
        let mut buffer = Buffer::default();
        for seq in seqs {
            buffer.push(pending(seq, 1, b"{}"));
        }
        buffer
    }

    #[test]
    fn parses_both_reply_subject_forms() {
        let want = Some(Delivery {
            delivered: 3,
            stream_seq: 42,
        });
        assert_eq!(
            parse_delivery("$JS.ACK.SINK_bench.bench_sink.3.42.40.1700000000000000000.7"),
            want
        );
        assert_eq!(
            parse_delivery(
                "$JS.ACK.hub.ACCHASH.SINK_bench.bench_sink.3.42.40.1700000000000000000.7.rnd"
            ),
            want
        );
        assert_eq!(
            parse_delivery(
                "$JS.ACK.hub.ACCHASH.SINK_bench.bench_sink.3.42.40.1700000000000000000.7"
            ),
            want
        );
    }

    #[test]
    fn refuses_other_subjects() {
        assert_eq!(parse_delivery("_INBOX.abc"), None);
        assert_eq!(parse_delivery("$JS.ACK.s.c.1.2.3"), None);
        assert_eq!(parse_delivery("$JS.NAK.s.c.1.2.3.4.5"), None);
        assert_eq!(parse_delivery("$JS.ACK.s.c.x.2.3.4.5"), None);
    }

    #[test]
    fn backs_off_up_to_four_seconds() {
        assert_eq!(backoff(0), Duration::from_millis(250));
        assert_eq!(backoff(1), Duration::from_millis(250));
        assert_eq!(backoff(2), Duration::from_millis(500));
        assert_eq!(backoff(4), Duration::from_secs(2));
        assert_eq!(backoff(5), Duration::from_secs(4));
        assert_eq!(backoff(u64::MAX), Duration::from_secs(4));
    }

    #[test]
    fn batches_grow_while_full_and_quick_and_shrink_when_slow_or_failed() {
        let quick = BATCH_TARGET / 10;
        let mut limit = FIRST_BATCH_LIMIT;
        for _ in 0..10 {
            limit = next_batch_limit(limit, limit, quick, false);
        }
        assert_eq!(limit, MAX_BATCH_MESSAGES);
        assert_eq!(next_batch_limit(64, 10, quick, false), 64);
        assert_eq!(next_batch_limit(64, 64, BATCH_TARGET / 2, false), 64);
        assert_eq!(next_batch_limit(256, 256, BATCH_TARGET * 3, false), 128);
        assert_eq!(next_batch_limit(256, 40, quick, true), 20);
        assert_eq!(next_batch_limit(1, 1, BATCH_TARGET * 9, true), 1);
    }

    #[test]
    fn takes_no_more_than_the_limit() {
        let mut buffer = buffer_of(1..=10);
        assert_eq!(seqs(&buffer.next_batch(4).unwrap()), [1, 2, 3, 4]);
    }

    #[test]
    fn frames_each_body_with_its_length() {
        let batch = [
            pending(1, 1, b"hi"),
            pending(2, 1, b""),
            pending(3, 1, b"abc"),
        ];
        assert_eq!(
            framed(&batch).as_ref(),
            b"\x02\0\0\0hi\0\0\0\0\x03\0\0\0abc".as_slice()
        );
    }

    #[test]
    fn tells_a_trap_from_an_unreachable_component() {
        assert!(component_failed(
            "wasm trap: wasm `unreachable` instruction executed"
        ));
        assert!(component_failed(
            "failed to invoke `pelato:sink/rows@0.1.0.store`: incomplete results"
        ));
        assert!(!component_failed("no answer within 12 s"));
        assert!(!component_failed("failed to connect: no responders"));
    }

    #[test]
    fn replies_to_each_outcome() {
        let why = || "why".to_string();
        assert_eq!(reply_body(&Outcome::Stored, 1), "+ACK");
        assert_eq!(reply_body(&Outcome::Rejected(why()), 1), "+TERM");
        assert_eq!(
            reply_body(&Outcome::Unavailable(why()), 3),
            "-NAK {\"delay\":1000000000}"
        );
        assert_eq!(
            reply_body(&Outcome::WaitingForSchema(why()), 1),
            "-NAK {\"delay\":30000000000}"
        );
    }

    #[test]
    fn tallies_outcomes_with_the_first_reason() {
        let tally = Tally::of(&[
            Outcome::Stored,
            Outcome::WaitingForSchema("no table".into()),
            Outcome::Rejected("bad row".into()),
            Outcome::WaitingForSchema("no grant".into()),
        ]);
        assert_eq!(
            tally.to_string(),
            "1 stored, 0 unavailable, 2 waiting for schema, 1 rejected; first: no table"
        );
        assert_eq!(Tally::of(&[Outcome::Stored]).first_reason, None);
    }

    #[test]
    fn batches_whatever_waits_up_to_the_limits() {
        let mut buffer = buffer_of(1..=300);
        assert_eq!(
            seqs(&buffer.next_batch(MAX_BATCH_MESSAGES).unwrap()),
            (1..=256).collect::<Vec<_>>()
        );
        assert_eq!(
            seqs(&buffer.next_batch(MAX_BATCH_MESSAGES).unwrap()),
            (257..=300).collect::<Vec<_>>()
        );
        assert_eq!(buffer.next_batch(MAX_BATCH_MESSAGES), None);

        let mut buffer = Buffer::default();
        for seq in 1..=3 {
            buffer.push(pending(seq, 1, &vec![b'x'; 400 * 1024]));
        }
        assert_eq!(
            seqs(&buffer.next_batch(MAX_BATCH_MESSAGES).unwrap()),
            [1, 2]
        );
        assert_eq!(seqs(&buffer.next_batch(MAX_BATCH_MESSAGES).unwrap()), [3]);
    }

    #[test]
    fn a_large_message_still_makes_a_batch() {
        let mut buffer = Buffer::default();
        buffer.push(pending(1, 1, &vec![b'x'; 2 << 20]));
        buffer.push(pending(2, 1, b"{}"));
        assert_eq!(seqs(&buffer.next_batch(MAX_BATCH_MESSAGES).unwrap()), [1]);
        assert_eq!(seqs(&buffer.next_batch(MAX_BATCH_MESSAGES).unwrap()), [2]);
    }

    #[test]
    fn a_redelivery_replaces_the_waiting_message() {
        let mut buffer = buffer_of([1, 2]);
        let redelivered = pending(1, 2, b"{}");
        buffer.push(redelivered.clone());
        let batch = buffer.next_batch(MAX_BATCH_MESSAGES).unwrap();
        assert_eq!(seqs(&batch), [1, 2]);
        assert_eq!(batch[0], redelivered);
    }

    #[test]
    fn a_failed_batch_runs_again_one_message_at_a_time_first() {
        let mut buffer = buffer_of(1..=3);
        let batch = buffer.next_batch(MAX_BATCH_MESSAGES).unwrap();
        buffer.push(pending(4, 1, b"{}"));
        buffer.push(pending(2, 2, b"{}"));
        buffer.settle(Settled::RetryAlone(batch));
        let first = buffer.next_batch(MAX_BATCH_MESSAGES).unwrap();
        assert_eq!(seqs(&first), [1]);
        assert!(first[0].alone);
        let second = buffer.next_batch(MAX_BATCH_MESSAGES).unwrap();
        assert_eq!(
            second[0].delivery.delivered, 2,
            "the redelivery's reply subject"
        );
        assert_eq!(second[0].reply, pending(2, 2, b"").reply);
        assert_eq!(seqs(&second), [2]);
        assert_eq!(seqs(&buffer.next_batch(MAX_BATCH_MESSAGES).unwrap()), [3]);
        assert_eq!(seqs(&buffer.next_batch(MAX_BATCH_MESSAGES).unwrap()), [4]);
        assert_eq!(buffer.next_batch(MAX_BATCH_MESSAGES), None);
    }

    #[test]
    fn a_message_that_failed_alone_runs_alone_when_redelivered() {
        let mut buffer = Buffer::default();
        buffer.settle(Settled::FailedAlone(2));
        for seq in 1..=4 {
            buffer.push(pending(seq, 2, b"{}"));
        }
        assert_eq!(seqs(&buffer.next_batch(MAX_BATCH_MESSAGES).unwrap()), [1]);
        assert_eq!(seqs(&buffer.next_batch(MAX_BATCH_MESSAGES).unwrap()), [2]);
        assert_eq!(
            seqs(&buffer.next_batch(MAX_BATCH_MESSAGES).unwrap()),
            [3, 4]
        );
    }

    #[test]
    fn remembers_the_last_poison_messages_only() {
        let mut recent = Recent::default();
        for seq in 0..=POISON_MEMORY as u64 {
            recent.insert(seq);
        }
        recent.insert(POISON_MEMORY as u64);
        assert!(!recent.contains(0));
        assert!(recent.contains(1));
        assert!(recent.contains(POISON_MEMORY as u64));
        assert_eq!(recent.order.len(), POISON_MEMORY);
    }

    #[test]
    fn drains_what_waits() {
        let mut buffer = buffer_of([1, 2]);
        assert_eq!(seqs(&buffer.drain().collect::<Vec<_>>()), [1, 2]);
        assert_eq!(buffer.next_batch(MAX_BATCH_MESSAGES), None);
    }

    #[test]
    fn reads_the_source_config() {
        let config = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>()
        };
        let base = [
            ("subject", "pelato.sink.bench_sink"),
            ("queue", "pelato.bench_sink"),
        ];
        assert_eq!(
            SourceConfig::parse(&config(&base)).unwrap(),
            SourceConfig {
                subject: "pelato.sink.bench_sink".into(),
                queue: "pelato.bench_sink".into(),
                cluster_uris: None,
            }
        );
        let mut with_uris = base.to_vec();
        with_uris.push(("cluster_uris", " nats://a:4222, ,nats://b:4222 "));
        assert_eq!(
            SourceConfig::parse(&config(&with_uris))
                .unwrap()
                .cluster_uris,
            Some(vec![
                "nats://a:4222".to_string(),
                "nats://b:4222".to_string()
            ])
        );
        with_uris.push(("cluster_uris", " , "));
        assert_eq!(
            SourceConfig::parse(&config(&with_uris))
                .unwrap()
                .cluster_uris,
            None
        );
        let err = SourceConfig::parse(&config(&base[..1])).unwrap_err();
        assert_eq!(err.to_string(), "the link's source config has no `queue`");
    }
}
