//! The read-path load generator of `benchmarks/`: it sends JSON-RPC requests to a running
//! `salus-node` and records how long each took, how many a second were answered and how much
//! CPU time the node spent on them.
//!
//! It knows nothing of Salus: a [`Plan`] names the node, its process and, per measure, one
//! request (method, parameters, and the answer it must get). The end-to-end test
//! `node/tests/e2e/read_path.rs` builds the plan — it sets the chain up, so it knows the
//! answers — and runs it either here, in its own (debug) process, or through the
//! release-built `salus-bench` binary, whose own cost per request is small enough not to
//! hide the node's. One engine, two builds: the smoke mode in CI and the report measure the
//! same way.
//!
//! Every answer is checked ([`Expect`]): a wrong one ends the run with an error rather than
//! counting as fast.
//!
//! [`http`] does the same over HTTP/1.1 keep-alive, for `salus-gateway` (the end-to-end test
//! `gateway::load`).

pub mod http;

use jsonrpsee::{
	core::{client::ClientT, traits::ToRpcParams},
	ws_client::{WsClient, WsClientBuilder},
};
use serde::{Deserialize, Serialize};
use serde_json::{value::RawValue, Value};
use std::time::{Duration, Instant};

/// An error, as one line of text.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// A result of this crate.
pub type Result<T = ()> = std::result::Result<T, Error>;

/// What an answer must be.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
	/// Anything but an error.
	Any,
	/// Anything but an error or `null`.
	NotNull,
	/// Exactly this JSON value.
	Equals(Value),
}

impl Expect {
	/// Whether `answer` is what was expected.
	pub fn accepts(&self, answer: &Value) -> bool {
		match self {
			Self::Any => true,
			Self::NotNull => !answer.is_null(),
			Self::Equals(expected) => expected == answer,
		}
	}
}

/// One JSON-RPC request and the answer it must get.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
	/// The method, e.g. `system_name`.
	pub method: String,
	/// The positional parameters.
	pub params: Vec<Value>,
	/// What the answer must be.
	pub expect: Expect,
}

/// A closed-loop measure: `requests` requests from `clients` clients at once, each client
/// sending its next request when its last is answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measure {
	/// What the report calls it.
	pub name: String,
	/// The request, sent `requests` times.
	pub request: Request,
	/// Concurrent clients (one connection each).
	pub clients: usize,
	/// Requests over the whole run, shared among the rounds (at least `clients` a round).
	pub requests: usize,
}

/// An open-loop measure: `request` sent at `rate` a second for `seconds` over `clients`
/// connections; each latency counts from when its request was due, so a server that stalls
/// is not hidden by a client that waited for it (coordinated omission).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenLoop {
	/// What the report calls it.
	pub name: String,
	/// The request.
	pub request: Request,
	/// Connections the requests are spread over, in turn.
	pub clients: usize,
	/// Requests a second.
	pub rate: u32,
	/// How long.
	pub seconds: f64,
}

/// A whole run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
	/// The node's WebSocket RPC endpoint, `ws://…`.
	pub url: String,
	/// The node's process id, whose CPU time is read from `/proc` (`None`: not measured).
	pub node_pid: Option<u32>,
	/// Interleaved rounds: each closed-loop measure gets a share of every round, so that drift
	/// in the machine's speed spreads over all of them.
	pub rounds: usize,
	/// The closed-loop measures, in order.
	pub measures: Vec<Measure>,
	/// The open-loop measures, run after the rounds, in order.
	pub open_loops: Vec<OpenLoop>,
}

/// One measure's samples.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Samples {
	/// Each request's latency, in nanoseconds.
	pub latencies_ns: Vec<u64>,
	/// Wall time the measure ran, in nanoseconds.
	pub wall_ns: u64,
	/// Requests answered.
	pub requests: usize,
	/// CPU time the node's threads used meanwhile, in nanoseconds ([`ThreadTimes`]); zero if
	/// not measured.
	pub node_cpu_ns: u64,
	/// Open loop only: how late each request was sent after it was due, in nanoseconds (the
	/// generator's own lateness, part of each latency counted from the due time: tokio's
	/// timer has a resolution of 1 ms).
	#[serde(default)]
	pub lateness_ns: Vec<u64>,
	/// Open loop only: each request's latency counted from when it was actually sent.
	#[serde(default)]
	pub from_send_ns: Vec<u64>,
}

impl Samples {
	/// The `p`-th percentile latency (`p` in 0..=100; 100 is the largest).
	pub fn percentile(&self, p: usize) -> Duration {
		percentile(&self.latencies_ns, p)
	}

	/// The `p`-th percentile of how late requests were sent (open loop).
	pub fn lateness(&self, p: usize) -> Duration {
		percentile(&self.lateness_ns, p)
	}

	/// The `p`-th percentile latency counted from the actual send (open loop).
	pub fn from_send(&self, p: usize) -> Duration {
		percentile(&self.from_send_ns, p)
	}

	/// Requests answered a second, times `per_request` (at least 1).
	pub fn per_second(&self, per_request: usize) -> f64 {
		self.requests.saturating_mul(per_request.max(1)) as f64
			/ Duration::from_nanos(self.wall_ns).as_secs_f64().max(1e-9)
	}

	/// The node's CPU time.
	pub fn node_cpu(&self) -> Duration {
		Duration::from_nanos(self.node_cpu_ns)
	}

	fn add(&mut self, wall: Duration, cpu: Duration, latencies: Vec<Vec<Duration>>) {
		self.wall_ns = self.wall_ns.saturating_add(nanos(wall));
		self.node_cpu_ns = self.node_cpu_ns.saturating_add(nanos(cpu));
		for latencies in latencies {
			self.requests = self.requests.saturating_add(latencies.len());
			self.latencies_ns.extend(latencies.into_iter().map(nanos));
		}
	}
}

/// What a run measured: one [`Samples`] per measure of the plan, in its order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
	/// The closed-loop measures'.
	pub measures: Vec<Samples>,
	/// The open-loop measures'.
	pub open_loops: Vec<Samples>,
	/// How the generator was built: `debug` or `release`.
	pub generator: String,
}

/// How this crate was built: `debug` or `release`.
pub fn build() -> &'static str {
	if cfg!(debug_assertions) {
		"debug"
	} else {
		"release"
	}
}

/// The `p`-th percentile of `values` (nanoseconds) by nearest rank (`p` 0 is the smallest,
/// 100 the largest), zero if there are none.
fn percentile(values: &[u64], p: usize) -> Duration {
	let mut sorted = values.to_vec();
	sorted.sort_unstable();
	let rank = sorted.len().saturating_mul(p.min(100)).div_ceil(100);
	let value = sorted.get(rank.saturating_sub(1)).or(sorted.first());
	Duration::from_nanos(value.copied().unwrap_or_default())
}

fn nanos(d: Duration) -> u64 {
	u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// How long each thread of a process has run on a CPU, in nanoseconds, from
/// `/proc/<pid>/task/<tid>/schedstat` (the process-wide `/proc/<pid>/stat` counts in 10 ms
/// ticks, too coarse for tens of microseconds a request).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ThreadTimes(std::collections::BTreeMap<u32, u64>);

impl ThreadTimes {
	/// The times of `pid`'s threads now.
	pub fn of(pid: u32) -> Result<Self> {
		let dir = format!("/proc/{pid}/task");
		let mut times = std::collections::BTreeMap::new();
		for entry in std::fs::read_dir(&dir).map_err(|e| format!("{dir}: {e}"))? {
			let entry = entry?;
			let Some(tid) = entry.file_name().to_str().and_then(|t| t.parse::<u32>().ok()) else {
				continue;
			};
			let stat = match std::fs::read_to_string(entry.path().join("schedstat")) {
				Ok(stat) => stat,
				// A thread may end between the listing and the read: it no longer counts.
				Err(e) if e.kind() == std::io::ErrorKind::NotFound || e.raw_os_error() == Some(3) /* ESRCH */ =>
					continue,
				Err(e) => return Err(format!("{dir}/{tid}/schedstat: {e}").into()),
			};
			let ran = stat
				.split_whitespace()
				.next()
				.and_then(|ns| ns.parse::<u64>().ok())
				.ok_or_else(|| format!("{dir}/{tid}/schedstat: unreadable"))?;
			times.insert(tid, ran);
		}
		// A kernel without scheduler statistics reports nothing or zeros: no measurement, not
		// a process that never ran.
		if times.values().all(|ran| *ran == 0) {
			return Err(
				format!("{dir}/*/schedstat: no run times (scheduler statistics off?)").into()
			);
		}
		Ok(Self(times))
	}

	/// The CPU time used since `earlier`: each thread's growth, a thread started since counted
	/// whole. A thread that ended in between is not counted at all for the interval (an
	/// undercount: the node's threads live long, but its blocking pool's idle threads end after
	/// ten seconds).
	pub fn since(&self, earlier: &Self) -> Duration {
		let ns = self.0.iter().fold(0u64, |sum, (tid, now)| {
			sum.saturating_add(now.saturating_sub(earlier.0.get(tid).copied().unwrap_or(0)))
		});
		Duration::from_nanos(ns)
	}
}

/// The node's thread times now, if it is measured.
fn snapshot(pid: Option<u32>) -> Result<Option<ThreadTimes>> {
	pid.map(ThreadTimes::of).transpose()
}

/// The node's CPU time between `before` and now.
fn cpu_since(pid: Option<u32>, before: &Option<ThreadTimes>) -> Result<Duration> {
	Ok(match (snapshot(pid)?, before) {
		(Some(now), Some(before)) => now.since(before),
		_ => Duration::ZERO,
	})
}

/// A request's parameters, serialised once.
struct Params(Box<RawValue>);

impl ToRpcParams for Params {
	fn to_rpc_params(self) -> std::result::Result<Option<Box<RawValue>>, serde_json::Error> {
		Ok(Some(self.0))
	}
}

/// A request ready to send: its parameters serialised once.
struct Prepared {
	method: String,
	params: Box<RawValue>,
	expect: Expect,
}

impl Prepared {
	fn new(request: &Request) -> Result<Self> {
		Ok(Self {
			method: request.method.clone(),
			params: serde_json::value::to_raw_value(&request.params)?,
			expect: request.expect.clone(),
		})
	}

	/// Sends the request once: its answer.
	async fn send(&self, client: &WsClient) -> Result<Value> {
		client
			.request(&self.method, Params(self.params.clone()))
			.await
			.map_err(|e| format!("{}: {e}", self.method).into())
	}

	/// Whether `answer` is the one expected.
	fn check(&self, answer: &Value) -> Result {
		if self.expect.accepts(answer) {
			return Ok(());
		}
		let mut got = answer.to_string();
		got.truncate(200);
		Err(format!("{}: unexpected answer {got}", self.method).into())
	}
}

/// `requests` requests from `connections.len()` clients at once, each client sending its
/// next request when the last is answered. A latency ends when the answer is received, before
/// it is checked.
async fn closed_loop(
	connections: &[WsClient],
	request: &Prepared,
	requests: usize,
	pid: Option<u32>,
	samples: &mut Samples,
) -> Result {
	let per_client = requests.div_ceil(connections.len().max(1));
	let before = snapshot(pid)?;
	let started = Instant::now();
	let tasks = connections.iter().map(|client| async move {
		let mut latencies = Vec::with_capacity(per_client);
		for _ in 0..per_client {
			let sent = Instant::now();
			let answer = request.send(client).await?;
			latencies.push(sent.elapsed());
			request.check(&answer)?;
		}
		Result::Ok(latencies)
	});
	let all = futures::future::try_join_all(tasks).await?;
	let wall = started.elapsed();
	samples.add(wall, cpu_since(pid, &before)?, all);
	Ok(())
}

/// [`OpenLoop`]: requests sent at a fixed rate, each when it is due whatever the others are
/// waiting for (the connections take turns, and each carries many requests at once);
/// latencies counted from when each was due, and from when it was sent. The rate achieved is
/// the requests over the time until the last was sent.
async fn open_loop(
	connections: &[WsClient],
	request: &Prepared,
	rate: u32,
	duration: Duration,
	pid: Option<u32>,
) -> Result<Samples> {
	use futures::stream::{FuturesUnordered, StreamExt};
	if connections.is_empty() {
		return Err("an open loop needs a connection".into());
	}
	let count = (f64::from(rate) * duration.as_secs_f64()) as usize;
	let interval = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
	let before = snapshot(pid)?;
	let start = tokio::time::Instant::now();
	let mut answered: Vec<Answered> = Vec::with_capacity(count);
	let mut pending = FuturesUnordered::new();
	for (i, client) in (0..count).zip(connections.iter().cycle()) {
		let due = u32::try_from(i)
			.ok()
			.and_then(|i| start.checked_add(interval.saturating_mul(i)))
			.ok_or("time overflow")?;
		// Send what is pending and collect answers until this request is due. Pending
		// requests first: a request just pushed is sent when it is first polled.
		loop {
			tokio::select! {
				biased;
				Some(done) = pending.next(), if !pending.is_empty() => answered.push(done?),
				() = tokio::time::sleep_until(due) => break,
			}
		}
		pending.push(async move {
			let sent = tokio::time::Instant::now();
			let answer = request.send(client).await?;
			let now = tokio::time::Instant::now();
			request.check(&answer)?;
			Result::Ok(Answered { due, sent, answered: now })
		});
	}
	while let Some(done) = pending.next().await {
		answered.push(done?);
	}
	let last_sent = answered.iter().map(|a| a.sent).max().unwrap_or(start);
	let mut samples = Samples::default();
	samples.add(
		last_sent.saturating_duration_since(start),
		cpu_since(pid, &before)?,
		vec![answered.iter().map(|a| a.answered.saturating_duration_since(a.due)).collect()],
	);
	samples.lateness_ns = answered
		.iter()
		.map(|a| nanos(a.sent.saturating_duration_since(a.due)))
		.collect();
	samples.from_send_ns = answered
		.iter()
		.map(|a| nanos(a.answered.saturating_duration_since(a.sent)))
		.collect();
	Ok(samples)
}

/// When an open-loop request was due, sent and answered.
struct Answered {
	due: tokio::time::Instant,
	sent: tokio::time::Instant,
	answered: tokio::time::Instant,
}

/// Opens `n` connections to `url`.
pub async fn connect(url: &str, n: usize) -> Result<Vec<WsClient>> {
	let mut connections = Vec::with_capacity(n);
	for _ in 0..n {
		let client = WsClientBuilder::default()
			.max_response_size(u32::MAX)
			.max_request_size(u32::MAX)
			.request_timeout(Duration::from_secs(60))
			.build(url)
			.await
			.map_err(|e| format!("cannot connect to {url}: {e}"))?;
		connections.push(client);
	}
	Ok(connections)
}

/// Runs `plan`; `progress` is told each measure's name as it starts.
pub async fn run(plan: &Plan, mut progress: impl FnMut(&str)) -> Result<Outcome> {
	let most = plan
		.measures
		.iter()
		.map(|m| m.clients)
		.chain(plan.open_loops.iter().map(|o| o.clients))
		.max()
		.unwrap_or(1)
		.max(1);
	let connections = connect(&plan.url, most).await?;
	let lanes = |clients: usize| {
		connections
			.get(..clients.max(1))
			.ok_or_else(|| Error::from(format!("{clients} clients: more than {most} connections")))
	};
	let prepared = plan
		.measures
		.iter()
		.map(|m| Prepared::new(&m.request))
		.collect::<Result<Vec<_>>>()?;
	let rounds = plan.rounds.max(1);
	let mut outcome = Outcome {
		measures: vec![Samples::default(); plan.measures.len()],
		generator: build().into(),
		..Default::default()
	};
	for round in 0..rounds {
		for ((measure, request), samples) in
			plan.measures.iter().zip(&prepared).zip(outcome.measures.iter_mut())
		{
			progress(&format!("round {}/{rounds}: {}", round.saturating_add(1), measure.name));
			let n = measure.requests.checked_div(rounds).unwrap_or_default().max(measure.clients);
			closed_loop(lanes(measure.clients)?, request, n, plan.node_pid, samples).await?;
		}
	}
	for open in &plan.open_loops {
		progress(&format!("{} at {}/s", open.name, open.rate));
		let request = Prepared::new(&open.request)?;
		let seconds = Duration::try_from_secs_f64(open.seconds)
			.map_err(|e| format!("{}: seconds {}: {e}", open.name, open.seconds))?;
		let samples =
			open_loop(lanes(open.clients)?, &request, open.rate, seconds, plan.node_pid).await?;
		outcome.open_loops.push(samples);
	}
	Ok(outcome)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn expectations_check_answers() {
		assert!(Expect::Any.accepts(&Value::Null));
		assert!(!Expect::NotNull.accepts(&Value::Null));
		assert!(Expect::NotNull.accepts(&Value::from("0x01")));
		let decision = serde_json::json!({"deny": {"reason": "noConsent"}});
		assert!(Expect::Equals(decision.clone()).accepts(&decision));
		assert!(!Expect::Equals(decision).accepts(&serde_json::json!({"permit": {}})));
	}

	#[test]
	fn percentiles_and_rates() {
		let samples = Samples {
			latencies_ns: (1..=100).rev().map(|ms| ms * 1_000_000).collect(),
			wall_ns: 2_000_000_000,
			requests: 100,
			node_cpu_ns: 0,
			lateness_ns: vec![3, 1, 2],
			from_send_ns: vec![],
		};
		assert_eq!(samples.percentile(50), Duration::from_millis(50));
		assert_eq!(samples.percentile(99), Duration::from_millis(99));
		assert_eq!(samples.percentile(100), Duration::from_millis(100));
		assert_eq!(samples.percentile(0), Duration::from_millis(1));
		assert_eq!(samples.percentile(1), Duration::from_millis(1));
		assert_eq!(samples.per_second(1), 50.0);
		assert_eq!(samples.per_second(100), 5_000.0);
		assert_eq!(samples.lateness(50), Duration::from_nanos(2));
		assert_eq!(Samples::default().percentile(50), Duration::ZERO);
	}

	#[test]
	fn a_plan_survives_its_json() {
		let plan = Plan {
			url: "ws://127.0.0.1:9944".into(),
			node_pid: Some(7),
			rounds: 2,
			measures: vec![Measure {
				name: "floor".into(),
				request: Request {
					method: "system_name".into(),
					params: vec![],
					expect: Expect::Any,
				},
				clients: 16,
				requests: 1_000,
			}],
			open_loops: vec![OpenLoop {
				name: "native".into(),
				request: Request {
					method: "salus_checkAccess".into(),
					params: vec![Value::Null],
					expect: Expect::Equals(Value::from(1)),
				},
				clients: 16,
				rate: 1_000,
				seconds: 0.5,
			}],
		};
		let json = serde_json::to_string(&plan).unwrap();
		assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), plan);
	}

	#[test]
	fn thread_times_count_what_ran_since() {
		let pid = std::process::id();
		let before = ThreadTimes::of(pid).unwrap();
		// Spin until 5 ms of CPU time show (however busy the machine), at most 10 s.
		let spin = Instant::now();
		let mut x = 0u64;
		let mut ran = Duration::ZERO;
		while ran < Duration::from_millis(5) && spin.elapsed() < Duration::from_secs(10) {
			for _ in 0..100_000 {
				x = std::hint::black_box(x.wrapping_add(1));
			}
			ran = ThreadTimes::of(pid).unwrap().since(&before);
		}
		assert!(ran >= Duration::from_millis(5), "{ran:?}");
		assert_eq!(before.since(&before), Duration::ZERO);
		assert!(ThreadTimes::of(u32::MAX).unwrap_err().to_string().contains("/proc/"));
	}
}
