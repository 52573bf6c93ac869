//! Load over HTTP/1.1 keep-alive: what an EHR does to `salus-gateway` at peak hours.
//!
//! A plan ([`HttpPlan`]) names the gateway's address and process, and its measures: each sends
//! `requests` requests over `connections` keep-alive connections at once, each connection its
//! next request when the last is answered (a closed loop), and checks every answer's status
//! and, if given, a piece of its body. A body may hold `{n}`, which becomes the request's
//! number (distinct ids for reports). Latency runs from the first byte written to the last
//! byte of the answer read; the gateway's CPU time is read from `/proc` as for the node.

use crate::{cpu_since, snapshot, Result, Samples};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use tokio::{
	io::{AsyncReadExt, AsyncWriteExt},
	net::TcpStream,
};

/// The longest one request may take: a gateway that stops answering fails the run.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// One measure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpMeasure {
	/// Its name in the report.
	pub name: String,
	/// `GET`, `POST`, `PUT`.
	pub method: String,
	/// The path; `{n}` is the request's number.
	pub path: String,
	/// The API key (`Authorization: Bearer`), if any.
	pub key: Option<String>,
	/// The body (JSON); `{n}` is the request's number.
	pub body: Option<String>,
	/// Connections at once.
	pub connections: usize,
	/// Requests in all.
	pub requests: usize,
	/// The status every answer must have.
	pub status: u16,
	/// A piece every answer's body must hold, if any.
	pub contains: Option<String>,
}

/// A plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpPlan {
	/// The gateway's `host:port`.
	pub address: String,
	/// Its process, for its CPU time (Linux).
	pub pid: Option<u32>,
	/// The measures, in order.
	pub measures: Vec<HttpMeasure>,
}

/// What a plan measured.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HttpOutcome {
	/// One per measure, in order.
	pub measures: Vec<Samples>,
	/// How the generator was built.
	pub generator: String,
}

/// One keep-alive connection.
struct Connection {
	stream: TcpStream,
	buffer: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
	haystack.windows(needle.len()).position(|w| w == needle)
}

impl Connection {
	async fn open(address: &str) -> Result<Self> {
		let stream = TcpStream::connect(address)
			.await
			.map_err(|e| format!("cannot connect to {address}: {e}"))?;
		stream.set_nodelay(true)?;
		Ok(Self { stream, buffer: Vec::with_capacity(8192) })
	}

	/// Sends `request` (whole, head and body) and reads one answer: its status and body.
	async fn exchange(&mut self, request: &[u8]) -> Result<(u16, Vec<u8>)> {
		self.stream.write_all(request).await?;
		let mut chunk = [0u8; 8192];
		loop {
			if let Some(end) = find(&self.buffer, b"\r\n\r\n") {
				let head = String::from_utf8_lossy(self.buffer.get(..end).unwrap_or_default())
					.into_owned();
				let status: u16 = head
					.split(' ')
					.nth(1)
					.and_then(|s| s.parse().ok())
					.ok_or_else(|| format!("not an HTTP answer: {head}"))?;
				let length: usize = head
					.lines()
					.find_map(|line| {
						let (name, value) = line.split_once(':')?;
						name.eq_ignore_ascii_case("content-length")
							.then(|| value.trim().parse().ok())?
					})
					.ok_or("an answer without Content-Length (keep-alive needs it)")?;
				let start = end.saturating_add(4);
				let total = start.saturating_add(length);
				while self.buffer.len() < total {
					let read = self.stream.read(&mut chunk).await?;
					if read == 0 {
						return Err("the gateway closed the connection".into());
					}
					self.buffer.extend_from_slice(chunk.get(..read).unwrap_or_default());
				}
				let body = self.buffer.get(start..total).unwrap_or_default().to_vec();
				self.buffer.drain(..total);
				return Ok((status, body));
			}
			let read = self.stream.read(&mut chunk).await?;
			if read == 0 {
				return Err("the gateway closed the connection".into());
			}
			self.buffer.extend_from_slice(chunk.get(..read).unwrap_or_default());
		}
	}
}

/// The bytes of request `n` of `measure`.
fn request(measure: &HttpMeasure, address: &str, n: usize) -> Vec<u8> {
	let number = n.to_string();
	let path = measure.path.replace("{n}", &number);
	let body = measure.body.as_deref().map(|b| b.replace("{n}", &number)).unwrap_or_default();
	let key = measure
		.key
		.as_deref()
		.map(|k| format!("Authorization: Bearer {k}\r\n"))
		.unwrap_or_default();
	format!(
		"{} {path} HTTP/1.1\r\nHost: {address}\r\n{key}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
		measure.method,
		body.len()
	)
	.into_bytes()
}

/// Runs `measure`; `progress` hears of it.
async fn measure(plan: &HttpPlan, measure: &HttpMeasure) -> Result<Samples> {
	let connections = measure.connections.max(1);
	let per = measure.requests.div_ceil(connections);
	let mut open = Vec::with_capacity(connections);
	for _ in 0..connections {
		open.push(Connection::open(&plan.address).await?);
	}
	let before = snapshot(plan.pid)?;
	let started = Instant::now();
	let tasks = open.into_iter().enumerate().map(|(c, mut connection)| async move {
		let mut latencies = Vec::with_capacity(per);
		for i in 0..per {
			let n = c.saturating_mul(per).saturating_add(i);
			if n >= measure.requests {
				break;
			}
			let bytes = request(measure, &plan.address, n);
			let sent = Instant::now();
			let (status, body) =
				tokio::time::timeout(TIMEOUT, connection.exchange(&bytes)).await.map_err(
					|_| format!("{}: request {n} unanswered after {TIMEOUT:?}", measure.name),
				)??;
			latencies.push(sent.elapsed());
			if status != measure.status {
				return Err(format!(
					"{}: request {n} answered {status}, not {}: {}",
					measure.name,
					measure.status,
					String::from_utf8_lossy(&body)
				)
				.into());
			}
			if let Some(piece) = measure.contains.as_ref().filter(|p| !p.is_empty()) {
				if find(&body, piece.as_bytes()).is_none() {
					return Err(format!(
						"{}: request {n}'s answer lacks {piece:?}: {}",
						measure.name,
						String::from_utf8_lossy(&body)
					)
					.into());
				}
			}
		}
		Result::Ok(latencies)
	});
	let all: Vec<Vec<Duration>> = futures::future::try_join_all(tasks).await?;
	let wall = started.elapsed();
	let mut samples = Samples::default();
	samples.add(wall, cpu_since(plan.pid, &before)?, all);
	Ok(samples)
}

/// Runs every measure of `plan`, in order.
pub async fn run(plan: &HttpPlan, mut progress: impl FnMut(&str)) -> Result<HttpOutcome> {
	let mut outcome = HttpOutcome { generator: crate::build().to_owned(), ..Default::default() };
	for m in &plan.measures {
		progress(&format!(
			"{}: {} requests over {} connections",
			m.name, m.requests, m.connections
		));
		let samples = measure(plan, m).await?;
		progress(&format!(
			"{}: p50 {:?}, p99 {:?}, {:.0} a second",
			m.name,
			samples.percentile(50),
			samples.percentile(99),
			samples.per_second(1)
		));
		outcome.measures.push(samples);
	}
	Ok(outcome)
}
