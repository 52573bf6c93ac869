//! `salus-gateway`: the service a hospital runs beside its Salus node.
//!
//! - **Access decisions for the EHR** ([`authzen`]): the OpenID AuthZEN Authorization API
//!   (`POST /access/v1/evaluation`, `POST /access/v1/evaluations`), answered from a cache that
//!   the node's access-change subscription keeps exact ([`cache`], [`watch`]); on a miss, by the
//!   node's native batch check. Every answer names its basis and the block it was decided at,
//!   and whether it came from the cache.
//! - **The FHIR R4 read API** ([`fhir_api`]): `Consent` search and read, `AuditEvent` search
//!   (the accounting of disclosures), the `CapabilityStatement`; `OperationOutcome` for every
//!   error.
//! - **Reports that are never lost** ([`outbox`], [`sender`]): `PUT /fhir/AuditEvent/{id}`
//!   (or `POST` with the id in the body), a practitioner having opened a record, becomes a
//!   disclosure on chain, signed with that practitioner's key from the gateway's keystore,
//!   through a durable SQLite outbox: once per EHR id, batched into `log_disclosures`, exactly
//!   once across crashes and restarts; `GET /outbox/AuditEvent/{id}` says where it is.
//! - **Access requests** ([`requests`]): `POST /access-requests`, a practitioner asking a
//!   patient, through the same outbox; `GET /access-requests/{id}` follows it on chain.
//! - **Events out** ([`events`]): what the EHR must react to (a request approved or denied, a
//!   consent revoked, an emergency contested, a dispute opened against the provider), from
//!   finalized blocks, as Server-Sent Events (`GET /events`) and signed, retried webhooks with
//!   a delivery log.
//! - **Operability** ([`server`]): an API key per EHR client, limited to the practitioners it
//!   may act for ([`config`]); `/health`, `/ready`, Prometheus `/metrics` ([`metrics`]);
//!   structured logs that carry no patient identifier beyond the on-chain account; a graceful
//!   shutdown.
//!
//! See `gateway/README.md` for deployment.

pub mod authzen;
pub mod cache;
pub mod config;
pub mod contract;
pub mod events;
pub mod fhir_api;
pub mod metrics;
pub mod outbox;
pub mod requests;
pub mod sender;
pub mod server;
mod sqlite_file;
pub mod watch;

use cache::{BlockRef, Cache, Key, Lookup, Why};
use config::Config;
use salus_client::{AccessAnswer, Client};
use salus_primitives::{AccessQuery, DenyReason};
use std::{
	collections::BTreeMap,
	sync::{Mutex, MutexGuard, PoisonError},
	time::Instant,
};

/// The outbox and the keys it signs with, when the gateway takes reports.
pub struct Outbox {
	/// The database.
	pub store: std::sync::Arc<outbox::Store>,
	/// The practitioners' keys.
	pub keys: std::sync::Arc<sender::Keys>,
}

impl Outbox {
	/// Opens the outbox `config` describes: its database and its keystore (`password` for the
	/// encrypted keys). Every problem is one line.
	pub async fn open(
		config: &config::OutboxConfig,
		password: Option<&str>,
	) -> Result<Self, String> {
		let keys = sender::Keys::load(&config.keystore, password)?;
		let store = outbox::Store::open(&config.database).await.map_err(|e| e.to_string())?;
		Ok(Self { store: std::sync::Arc::new(store), keys: std::sync::Arc::new(keys) })
	}
}

/// Milliseconds since the Unix epoch (0 before it).
pub(crate) fn now_ms() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
		.unwrap_or(0)
}

/// How long a decision waits for the node before it answers 503: an EHR waiting on a
/// partitioned node gets an answer, not a hang.
pub const NODE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// What every request handler shares.
pub struct Shared {
	/// The configuration.
	pub config: Config,
	/// The outbox, if configured.
	pub outbox: Option<Outbox>,
	/// The events it follows, if configured.
	pub events: Option<std::sync::Arc<events::Events>>,
	cache: Mutex<Cache>,
	node: Mutex<Option<Client>>,
	/// Metrics.
	pub metrics: metrics::Metrics,
}

/// A request the gateway could not serve, in one line.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
	/// The node is not connected.
	#[error("the gateway is not connected to its node (it is reconnecting): try again shortly")]
	NodeDown,
	/// The node answered with an error.
	#[error("the node could not answer: {0}")]
	Node(String),
	/// The request is malformed.
	#[error("{0}")]
	BadRequest(String),
	/// The API key is missing or unknown.
	#[error("{0}")]
	Unauthorized(String),
	/// The client may not ask this.
	#[error("{0}")]
	Forbidden(String),
	/// Nothing there.
	#[error("{0}")]
	NotFound(String),
	/// The request contradicts what was recorded before.
	#[error("{0}")]
	Conflict(String),
	/// Well-formed, but the gateway cannot act on it.
	#[error("{0}")]
	Unprocessable(String),
	/// The client has too much waiting.
	#[error("{0}")]
	TooMany(String),
	/// The gateway has no outbox.
	#[error("this gateway takes no reports: it has no [outbox] in its configuration")]
	NoOutbox,
	/// The outbox database failed.
	#[error("{0}")]
	Store(String),
}

/// Where an answer came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
	/// The cache.
	Cache,
	/// The node, at the last block the patient's subscription told (then cached).
	Node,
	/// The node, at its best block, because the cache could not answer (not cached).
	NodeUncached,
}

/// One answered question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
	/// The decision and its basis or reason.
	pub decision: AccessAnswer,
	/// The block it was decided at.
	pub block: BlockRef,
	/// Where it came from.
	pub source: Source,
	/// Why the cache could not answer, if it could not.
	pub bypass: Option<Why>,
}

impl Shared {
	/// A gateway with `config` (and its opened `outbox` and `events`), not yet connected.
	pub fn new(config: Config, outbox: Option<Outbox>, events: Option<events::Events>) -> Self {
		let cache = Cache::new(config.cache.clone());
		Self {
			config,
			outbox,
			events: events.map(std::sync::Arc::new),
			cache: Mutex::new(cache),
			node: Mutex::new(None),
			metrics: Default::default(),
		}
	}

	/// The cache, locked.
	pub fn cache(&self) -> MutexGuard<'_, Cache> {
		self.cache.lock().unwrap_or_else(PoisonError::into_inner)
	}

	/// The connection to the node, if there is one.
	pub fn node(&self) -> Result<Client, GatewayError> {
		self.node
			.lock()
			.unwrap_or_else(PoisonError::into_inner)
			.clone()
			.ok_or(GatewayError::NodeDown)
	}

	fn set_node(&self, client: Option<Client>) {
		*self.node.lock().unwrap_or_else(PoisonError::into_inner) = client;
	}

	/// Answers `keys`, in order: from the cache where it can, the rest in one native batch per
	/// block from the node (caching what it may).
	pub async fn decide(&self, keys: &[Key]) -> Result<Vec<Answer>, GatewayError> {
		let now = Instant::now();
		let lookups: Vec<Lookup> = {
			let mut cache = self.cache();
			keys.iter().map(|key| cache.lookup(key, now)).collect()
		};
		let mut answers: Vec<Option<Answer>> = vec![None; keys.len()];
		// The questions for the node, by the block they are asked at (`None`: its best).
		let mut asks: BTreeMap<Option<(u32, [u8; 32])>, Vec<usize>> = BTreeMap::new();
		for (i, (lookup, slot)) in lookups.iter().zip(answers.iter_mut()).enumerate() {
			match lookup {
				Lookup::Hit(cached) => {
					*slot = Some(Answer {
						decision: cached.decision,
						block: cached.block,
						source: Source::Cache,
						bypass: None,
					});
				},
				Lookup::Miss { at, .. } => {
					asks.entry(Some((at.number, at.hash.0))).or_default().push(i);
				},
				Lookup::Bypass { at, .. } => {
					asks.entry(at.map(|at| (at.number, at.hash.0))).or_default().push(i);
				},
			}
		}
		if !asks.is_empty() {
			let node = self.node()?;
			// One limit for all the node is asked, the best block included.
			let asking = async {
				for (at, indices) in asks {
					let block = match at {
						Some((number, hash)) => BlockRef { number, hash: hash.into() },
						None => best_block(&node).await.map_err(|e| self.node_error(e))?,
					};
					for chunk in indices.chunks(salus_client::api::MAX_BATCH) {
						let queries: Vec<AccessQuery<salus_client::AccountId>> = chunk
							.iter()
							.filter_map(|i| keys.get(*i))
							.map(|key| AccessQuery {
								patient: key.patient.clone(),
								accessor: key.accessor.clone(),
								data_class: key.class,
								purpose: key.purpose,
							})
							.collect();
						let decisions = node
							.rpc_check_access_batch(&queries, None, Some(block.hash))
							.await
							.map_err(|e| self.node_error(e))?;
						if decisions.len() != queries.len() {
							return Err(self.node_error(format!(
								"{} answers to {} questions",
								decisions.len(),
								queries.len()
							)));
						}
						let mut cache = self.cache();
						for (i, decision) in chunk.iter().zip(decisions) {
							let (Some(key), Some(lookup), Some(slot)) =
								(keys.get(*i), lookups.get(*i), answers.get_mut(*i))
							else {
								continue;
							};
							*slot = Some(match lookup {
								Lookup::Miss { ticket, .. } => {
									cache.insert(key.clone(), decision, block, *ticket);
									Answer { decision, block, source: Source::Node, bypass: None }
								},
								Lookup::Bypass { why, .. } => {
									// Watch a patient the chain knows, so that its next
									// question is cached.
									let unknown = decision
										== AccessAnswer::Deny {
											reason: DenyReason::UnknownPatient,
										};
									if *why == Why::NotWatched && !unknown {
										cache.want(&key.patient);
									}
									Answer {
										decision,
										block,
										source: Source::NodeUncached,
										bypass: Some(why.clone()),
									}
								},
								Lookup::Hit(_) => continue,
							});
						}
					}
				}
				Ok::<_, GatewayError>(())
			};
			tokio::time::timeout(NODE_TIMEOUT, asking)
				.await
				.map_err(|_| self.node_error("the node did not answer within 5 s"))??;
		}
		let count = answers.len() as u64;
		self.metrics.decisions.fetch_add(count, std::sync::atomic::Ordering::Relaxed);
		answers
			.into_iter()
			.map(|a| a.ok_or_else(|| GatewayError::Node("a question went unanswered".into())))
			.collect()
	}

	fn node_error(&self, error: impl std::fmt::Display) -> GatewayError {
		metrics::Metrics::count(&self.metrics.node_errors);
		GatewayError::Node(error.to_string())
	}

	/// Why the gateway is not ready to answer from its cache, if it is not.
	pub fn not_ready(&self) -> Option<String> {
		if self.node().is_err() {
			return Some(GatewayError::NodeDown.to_string());
		}
		self.cache().not_ready(Instant::now()).map(|why| why.to_string())
	}
}

/// The node's best block.
async fn best_block(node: &Client) -> Result<BlockRef, salus_client::Error> {
	let hash = node.best_hash().await?;
	let number = node.block_number(Some(hash)).await?;
	Ok(BlockRef { hash, number })
}
