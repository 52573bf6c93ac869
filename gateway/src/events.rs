//! Events out: what an EHR must react to, from finalized blocks, kept in SQLite, streamed to
//! clients (`GET /events`, Server-Sent Events) and posted to their webhooks (signed, retried,
//! logged).
//!
//! The gateway follows the chain's finalized blocks one by one and keeps the events that
//! concern the hospital's providers (`[events] providers`):
//!
//! | type | when |
//! |---|---|
//! | `access_request.created` | a practitioner of the provider asked a patient |
//! | `access_request.approved`, `.denied`, `.expired`, `.cancelled` | how such a request ended |
//! | `consent.granted`, `consent.revoked` | a consent that names the provider, one of its practitioners, or a kind and place of providers it is |
//! | `emergency.declared` | a practitioner of the provider broke the glass |
//! | `emergency.contested`, `emergency.escalated` | its review went to the dispute court (by the patient, or for want of an answer) |
//! | `dispute.opened` | a dispute against the provider |
//!
//! An event that names a practitioner goes only to the clients that may act for it; one that
//! names only the provider goes to the clients that may act for any practitioner. The owner of
//! a request or an emergency is read exactly: from the block that made it, from what the
//! gateway remembers, or from the state before the block that ends it. Events are stored with the block they came
//! from in the same transaction that moves the follower's cursor past that block: after a
//! crash the follower goes on from the last block it stored, so no event is lost or stored
//! twice, and only finalized blocks count, so none is taken back. Each event has a sequence
//! number: `GET /events?after=N` (or `Last-Event-ID: N`) resumes after it.
//!
//! A client with a webhook gets each of its events posted in order, one at a time:
//! `webhook-id`, `webhook-timestamp` and `webhook-signature` headers as the Standard Webhooks
//! specification has them (`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` with the
//! client's secret). A delivery answered other than 2xx (or not answered within
//! [`WEBHOOK_TIMEOUT`]) is retried after 5 s, 10 s, 20 s, … up to an hour apart, and given up
//! after [`MAX_ATTEMPTS`] attempts; one the receiver refuses as such (400, 410, 413, 415, 422)
//! is given up at once (it stays in the delivery log, `GET /webhooks/deliveries`,
//! and `POST /webhooks/deliveries/{id}/retry` sends it again). The delivery is recorded in the
//! same transaction as the event, so a crash loses no delivery; one cut off by a crash before
//! its answer was recorded is sent again (the `webhook-id` lets the receiver drop it).

use crate::{
	config::{ClientConfig, EventsConfig},
	now_ms, Shared,
};
use rusqlite::{params, Connection, OptionalExtension};
use salus_client::{AccountId, BlockNumber, Client, Hash, RuntimeEvent};
use salus_fhir::codes;
use salus_primitives::{DataClassSet, Grantee, ProviderId, RequestId};
use serde_json::{json, Value};
use std::{
	path::Path,
	str::FromStr,
	sync::{Arc, Mutex, MutexGuard, PoisonError},
	time::Duration,
};
use subxt::rpcs::rpc_params;

/// The most blocks the follower reads in one step before it stores them.
const STEP: u32 = 50;

/// How long a webhook may take to answer.
pub const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// The most attempts at one delivery.
pub const MAX_ATTEMPTS: u32 = 16;

/// The most events one page of `GET /events` or the delivery log holds.
pub const PAGE: usize = 500;

/// A store error, in one line.
#[derive(Debug, thiserror::Error)]
#[error("the event database: {0}")]
pub struct StoreError(String);

impl From<rusqlite::Error> for StoreError {
	fn from(error: rusqlite::Error) -> Self {
		Self(error.to_string())
	}
}

/// One event the gateway keeps.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored {
	/// Its sequence number.
	pub seq: i64,
	/// The practitioner it names, if any: only clients that may act for it hear of it.
	pub practitioner: Option<AccountId>,
	/// Its JSON, as clients get it.
	pub body: Value,
}

impl Stored {
	/// Whether `client` hears of it: an event that names a practitioner, if the client may act
	/// for it; one that names none (a dispute against a provider, a consent to a provider), if
	/// the client may act for any practitioner — a client scoped to some practitioners hears
	/// only of them.
	pub fn for_client(&self, client: &ClientConfig) -> bool {
		match &self.practitioner {
			Some(practitioner) => client.may_act_for(practitioner),
			None => client.practitioners == crate::config::Practitioners::Any,
		}
	}
}

/// An event found in a block, before it is stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
	/// Its index among the block's events.
	pub index: u32,
	/// `access_request.approved`, …
	pub kind: &'static str,
	/// The provider it concerns.
	pub provider: ProviderId,
	/// The practitioner it names, if any.
	pub practitioner: Option<AccountId>,
	/// The patient it is about, if any (the on-chain account only).
	pub patient: Option<AccountId>,
	/// What else it says.
	pub data: Value,
	/// A request or emergency to remember (kind, id), so that how it ends can be told to the
	/// practitioner who made it.
	pub track: Option<(&'static str, u64)>,
}

/// One webhook delivery, as the log shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
	/// The event.
	pub seq: i64,
	/// `pending`, `delivered` or `failed`.
	pub state: String,
	/// Attempts made.
	pub attempts: u32,
	/// The last answer's HTTP status, if one came.
	pub last_status: Option<u16>,
	/// The last failure, in words.
	pub last_error: Option<String>,
	/// When the next attempt is due (ms since the epoch), while pending.
	pub next_ms: Option<u64>,
	/// When it was delivered.
	pub delivered_ms: Option<u64>,
}

/// The event database.
pub struct EventStore {
	conn: Mutex<Connection>,
	_lock: std::fs::File,
}

/// The schema's version, in SQLite's `user_version`.
const VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	block INTEGER NOT NULL,
	block_hash BLOB NOT NULL,
	idx INTEGER NOT NULL,
	kind TEXT NOT NULL,
	practitioner TEXT,
	body TEXT NOT NULL,
	created_ms INTEGER NOT NULL,
	UNIQUE (block_hash, idx)
);
CREATE TABLE IF NOT EXISTS cursor (
	one INTEGER PRIMARY KEY CHECK (one = 0),
	block INTEGER NOT NULL,
	hash BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS tracked (
	kind TEXT NOT NULL,
	id INTEGER NOT NULL,
	provider INTEGER NOT NULL,
	practitioner TEXT NOT NULL,
	outcome TEXT,
	outcome_block INTEGER,
	PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS deliveries (
	client TEXT NOT NULL,
	seq INTEGER NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_ms INTEGER,
	last_status INTEGER,
	last_error TEXT,
	delivered_ms INTEGER,
	PRIMARY KEY (client, seq)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (client, state, seq);
";

fn sql_ms(ms: u64) -> i64 {
	i64::try_from(ms).unwrap_or(i64::MAX)
}

fn stored(row: &rusqlite::Row<'_>) -> rusqlite::Result<Stored> {
	let practitioner: Option<String> = row.get(1)?;
	let body: String = row.get(2)?;
	Ok(Stored {
		seq: row.get(0)?,
		practitioner: practitioner.and_then(|p| AccountId::from_str(&p).ok()),
		body: serde_json::from_str(&body).unwrap_or(Value::Null),
	})
}

impl EventStore {
	/// Opens (creating) the database at `path`, one gateway at a time.
	pub fn open(path: &Path) -> Result<Self, StoreError> {
		let schema = crate::sqlite_file::Schema {
			what: "event",
			table: "events",
			sql: SCHEMA,
			version: VERSION,
			advice: "move it away (the follower starts again from the newest finalized block)",
		};
		let (conn, lock) = crate::sqlite_file::open(path, &schema).map_err(StoreError)?;
		Ok(Self { conn: Mutex::new(conn), _lock: lock })
	}

	fn conn(&self) -> MutexGuard<'_, Connection> {
		self.conn.lock().unwrap_or_else(PoisonError::into_inner)
	}

	/// The last block stored, if any.
	pub fn cursor(&self) -> Result<Option<(BlockNumber, Hash)>, StoreError> {
		let found: Option<(BlockNumber, Vec<u8>)> = self
			.conn()
			.query_row("SELECT block, hash FROM cursor WHERE one = 0", [], |row| {
				Ok((row.get(0)?, row.get(1)?))
			})
			.optional()?;
		Ok(found.filter(|(_, h)| h.len() == 32).map(|(n, h)| (n, Hash::from_slice(&h))))
	}

	/// The provider and practitioner of a request or emergency the gateway saw made.
	pub fn owner(
		&self,
		kind: &str,
		id: u64,
	) -> Result<Option<(ProviderId, AccountId)>, StoreError> {
		let found: Option<(ProviderId, String)> = self
			.conn()
			.query_row(
				"SELECT provider, practitioner FROM tracked WHERE kind = ?1 AND id = ?2",
				params![kind, i64::try_from(id).unwrap_or(i64::MAX)],
				|row| Ok((row.get(0)?, row.get(1)?)),
			)
			.optional()?;
		Ok(found.and_then(|(provider, p)| Some((provider, AccountId::from_str(&p).ok()?))))
	}

	/// How request `id` ended and in which block, if the gateway saw it end.
	pub fn request_outcome(&self, id: RequestId) -> Result<Option<(String, u32)>, StoreError> {
		Ok(self
			.conn()
			.query_row(
				"SELECT outcome, outcome_block FROM tracked WHERE kind = 'request' AND id = ?1 AND outcome IS NOT NULL",
				params![i64::try_from(id).unwrap_or(i64::MAX)],
				|row| Ok((row.get(0)?, row.get(1)?)),
			)
			.optional()?)
	}

	/// Stores block `number` (`hash`) and the events `found` in it, with a delivery for each
	/// client in `webhooks` that hears of it; moves the cursor past the block. One
	/// transaction: all of it or none.
	pub fn store_block(
		&self,
		number: BlockNumber,
		hash: Hash,
		found: &[Found],
		webhooks: &[&ClientConfig],
	) -> Result<Vec<Stored>, StoreError> {
		let mut conn = self.conn();
		let t = conn.transaction()?;
		let mut out = Vec::new();
		let now = sql_ms(now_ms());
		for event in found {
			let practitioner = event.practitioner.as_ref().map(ToString::to_string);
			t.execute(
				"INSERT INTO events (block, block_hash, idx, kind, practitioner, body, created_ms)
				 VALUES (?1, ?2, ?3, ?4, ?5, '', ?6)",
				params![number, hash.0.to_vec(), event.index, event.kind, practitioner, now],
			)?;
			let seq = t.last_insert_rowid();
			let body = json!({
				"id": seq.to_string(),
				"type": event.kind,
				"block": { "number": number, "hash": hash },
				"provider": event.provider,
				"practitioner": practitioner,
				"patient": event.patient.as_ref().map(ToString::to_string),
				"data": event.data,
			});
			t.execute(
				"UPDATE events SET body = ?1 WHERE seq = ?2",
				params![body.to_string(), seq],
			)?;
			if let (Some((kind, id)), Some(practitioner)) = (event.track, &practitioner) {
				t.execute(
					"INSERT OR IGNORE INTO tracked (kind, id, provider, practitioner) VALUES (?1, ?2, ?3, ?4)",
					params![kind, i64::try_from(id).unwrap_or(i64::MAX), event.provider, practitioner],
				)?;
			}
			if let Some(outcome) = event.kind.strip_prefix("access_request.") {
				if outcome != "created" {
					if let Some(id) = event.data.get("request").and_then(Value::as_str) {
						t.execute(
							"UPDATE tracked SET outcome = ?1, outcome_block = ?2 WHERE kind = 'request' AND id = ?3",
							params![outcome, number, id.parse::<i64>().unwrap_or(-1)],
						)?;
					}
				}
			}
			let stored = Stored { seq, practitioner: event.practitioner.clone(), body };
			for client in webhooks.iter().filter(|c| stored.for_client(c)) {
				t.execute(
					"INSERT INTO deliveries (client, seq, state, next_ms) VALUES (?1, ?2, 'pending', ?3)",
					params![client.name, seq, now],
				)?;
			}
			out.push(stored);
		}
		t.execute(
			"INSERT INTO cursor (one, block, hash) VALUES (0, ?1, ?2)
			 ON CONFLICT (one) DO UPDATE SET block = excluded.block, hash = excluded.hash",
			params![number, hash.0.to_vec()],
		)?;
		t.commit()?;
		Ok(out)
	}

	/// The events after `after` that `client` hears of, at most [`PAGE`] (and how far the
	/// page read, to go on from).
	pub fn events_after(
		&self,
		after: i64,
		client: &ClientConfig,
	) -> Result<(Vec<Stored>, i64), StoreError> {
		let conn = self.conn();
		let mut statement = conn.prepare(
			"SELECT seq, practitioner, body FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
		)?;
		let rows: Vec<Stored> = statement
			.query_map(params![after, i64::try_from(PAGE).unwrap_or(500)], stored)?
			.collect::<Result<_, _>>()?;
		let read = rows.last().map_or(after, |s| s.seq);
		Ok((rows.into_iter().filter(|s| s.for_client(client)).collect(), read))
	}

	/// The last sequence number given.
	pub fn latest(&self) -> Result<i64, StoreError> {
		Ok(self
			.conn()
			.query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |r| r.get(0))?)
	}

	/// `client`'s next delivery, if one is due by `now`: its oldest pending one (deliveries go
	/// in order: a later one waits for an earlier one's retries).
	pub fn next_delivery(
		&self,
		client: &str,
		now: u64,
	) -> Result<Option<(Delivery, String)>, StoreError> {
		let found: Option<(i64, u32, Option<i64>, String)> = self
			.conn()
			.query_row(
				"SELECT d.seq, d.attempts, d.next_ms, e.body FROM deliveries d JOIN events e ON e.seq = d.seq
				 WHERE d.client = ?1 AND d.state = 'pending' ORDER BY d.seq LIMIT 1",
				params![client],
				|row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
			)
			.optional()?;
		Ok(found.and_then(|(seq, attempts, next, body)| {
			let next = next.and_then(|n| u64::try_from(n).ok());
			(next.unwrap_or(0) <= now).then(|| {
				(
					Delivery {
						seq,
						state: "pending".into(),
						attempts,
						last_status: None,
						last_error: None,
						next_ms: next,
						delivered_ms: None,
					},
					body,
				)
			})
		}))
	}

	/// Records an attempt at delivering event `seq` to `client`: delivered, or failed with
	/// `status`/`error` (retried at `retry_at`, or given up when `None`).
	pub fn attempted(
		&self,
		client: &str,
		seq: i64,
		status: Option<u16>,
		error: Option<&str>,
		retry_at: Option<u64>,
	) -> Result<(), StoreError> {
		let now = sql_ms(now_ms());
		let delivered = error.is_none();
		let state = match (delivered, retry_at) {
			(true, _) => "delivered",
			(false, Some(_)) => "pending",
			(false, None) => "failed",
		};
		self.conn().execute(
			"UPDATE deliveries SET state = ?1, attempts = attempts + 1, last_status = ?2, last_error = ?3,
			 next_ms = ?4, delivered_ms = ?5 WHERE client = ?6 AND seq = ?7",
			params![
				state,
				status,
				error,
				retry_at.map(sql_ms),
				delivered.then_some(now),
				client,
				seq
			],
		)?;
		Ok(())
	}

	/// Sends event `seq` to `client` again: its delivery waits again, due now, with all its
	/// attempts ahead of it. Whether there was one.
	pub fn retry(&self, client: &str, seq: i64) -> Result<bool, StoreError> {
		Ok(self.conn().execute(
			"UPDATE deliveries SET state = 'pending', attempts = 0, next_ms = ?1 WHERE client = ?2 AND seq = ?3",
			params![sql_ms(now_ms()), client, seq],
		)? == 1)
	}

	/// `client`'s delivery log after `after`, oldest first, optionally only in `state`.
	pub fn deliveries(
		&self,
		client: &str,
		after: i64,
		state: Option<&str>,
	) -> Result<Vec<Delivery>, StoreError> {
		let conn = self.conn();
		let mut statement = conn.prepare(
			"SELECT seq, state, attempts, last_status, last_error, next_ms, delivered_ms FROM deliveries
			 WHERE client = ?1 AND seq > ?2 AND (?3 IS NULL OR state = ?3) ORDER BY seq LIMIT ?4",
		)?;
		let rows = statement.query_map(
			params![client, after, state, i64::try_from(PAGE).unwrap_or(500)],
			|row| {
				let next: Option<i64> = row.get(5)?;
				let delivered: Option<i64> = row.get(6)?;
				Ok(Delivery {
					seq: row.get(0)?,
					state: row.get(1)?,
					attempts: row.get(2)?,
					last_status: row.get(3)?,
					last_error: row.get(4)?,
					next_ms: next.and_then(|n| u64::try_from(n).ok()),
					delivered_ms: delivered.and_then(|n| u64::try_from(n).ok()),
				})
			},
		)?;
		Ok(rows.collect::<Result<_, _>>()?)
	}

	/// Removes events older than `before` (ms) whose deliveries are all over.
	pub fn prune(&self, before: u64) -> Result<usize, StoreError> {
		let mut conn = self.conn();
		let t = conn.transaction()?;
		let removed = t.execute(
			"DELETE FROM events WHERE created_ms < ?1 AND seq NOT IN
			 (SELECT seq FROM deliveries WHERE state = 'pending')",
			params![sql_ms(before)],
		)?;
		t.execute("DELETE FROM deliveries WHERE seq NOT IN (SELECT seq FROM events)", [])?;
		t.commit()?;
		Ok(removed)
	}
}

/// The events part of the gateway: its store and the newest sequence number, which wakes the
/// streams and the webhook senders.
pub struct Events {
	/// The database.
	pub store: Arc<EventStore>,
	/// The newest event's sequence number.
	pub latest: tokio::sync::watch::Sender<i64>,
	/// Set when the gateway stops: the streams end, so that shutdown does not wait for them.
	pub closing: tokio::sync::watch::Sender<bool>,
	/// How many blocks the follower is behind the finalized block (`/metrics`).
	pub behind: std::sync::atomic::AtomicU64,
	streams: Mutex<std::collections::HashMap<String, usize>>,
}

/// The most event streams one client may hold open at once.
pub const MAX_STREAMS: usize = 8;

/// One open stream of a client, counted until it is dropped.
pub struct StreamSlot {
	events: Arc<Events>,
	client: String,
}

impl Drop for StreamSlot {
	fn drop(&mut self) {
		let mut streams = self.events.streams.lock().unwrap_or_else(PoisonError::into_inner);
		if let Some(open) = streams.get_mut(&self.client) {
			*open = open.saturating_sub(1);
		}
	}
}

impl Events {
	/// Opens the event store `config` names.
	pub fn open(config: &EventsConfig) -> Result<Self, String> {
		let store = EventStore::open(&config.database).map_err(|e| e.to_string())?;
		let latest = store.latest().map_err(|e| e.to_string())?;
		Ok(Self {
			store: Arc::new(store),
			latest: tokio::sync::watch::channel(latest).0,
			closing: tokio::sync::watch::channel(false).0,
			behind: Default::default(),
			streams: Default::default(),
		})
	}

	/// A slot for one more stream of `client`, if it has fewer than [`MAX_STREAMS`] open.
	pub fn open_stream(self: &Arc<Self>, client: &str) -> Option<StreamSlot> {
		let mut streams = self.streams.lock().unwrap_or_else(PoisonError::into_inner);
		let open = streams.entry(client.to_owned()).or_default();
		if *open >= MAX_STREAMS {
			return None;
		}
		*open = open.saturating_add(1);
		Some(StreamSlot { events: self.clone(), client: client.to_owned() })
	}
}

fn classes(set: DataClassSet) -> Value {
	json!(set.iter().map(|c| codes::data_class_code(c).0).collect::<Vec<_>>())
}

/// Whom a request or an emergency belongs to: its provider and the practitioner who made it.
type Owner = (ProviderId, AccountId);

/// Reads what the chain says about the subjects of events that do not name a provider.
struct Lookup<'a> {
	node: &'a Client,
	block: Hash,
	parent: Hash,
	store: &'a EventStore,
	providers: &'a [ProviderId],
	/// Requests and emergencies made earlier in this block (not in the state before it, not
	/// stored yet): (kind, id) → owner.
	made: std::collections::HashMap<(&'static str, u64), Owner>,
}

impl Lookup<'_> {
	fn ours(&self, provider: ProviderId) -> bool {
		self.providers.contains(&provider)
	}

	/// The owner of request `id`, if it is one of the providers': made in this block,
	/// remembered, or read from the state before the block (where it was still open).
	async fn request(&self, id: RequestId) -> Result<Option<Owner>, salus_client::Error> {
		if let Some(owner) = self.made.get(&("request", id)) {
			return Ok(Some(owner.clone()));
		}
		if let Some(owner) = self.store.owner("request", id).ok().flatten() {
			return Ok(Some(owner));
		}
		Ok(self
			.node
			.request(id, Some(self.parent))
			.await?
			.filter(|r| self.ours(r.provider))
			.map(|r| (r.provider, r.practitioner)))
	}

	/// The owner of emergency `id`, likewise.
	async fn emergency(&self, id: u64) -> Result<Option<Owner>, salus_client::Error> {
		if let Some(owner) = self.made.get(&("emergency", id)) {
			return Ok(Some(owner.clone()));
		}
		if let Some(owner) = self.store.owner("emergency", id).ok().flatten() {
			return Ok(Some(owner));
		}
		Ok(self
			.node
			.emergency(id, Some(self.parent))
			.await?
			.filter(|e| self.ours(e.provider))
			.map(|e| (e.provider, e.practitioner)))
	}

	/// Whom a consent speaks to, if it concerns one of the providers: the provider, and the
	/// practitioner it names.
	async fn grantee(
		&self,
		grantee: &Grantee<AccountId>,
	) -> Result<Option<(ProviderId, Option<AccountId>)>, salus_client::Error> {
		Ok(match grantee {
			Grantee::Provider(p) => self.ours(*p).then_some((*p, None)),
			Grantee::Practitioner(account) => self
				.node
				.provider_of(account, Some(self.block))
				.await?
				.filter(|p| self.ours(*p))
				.map(|p| (p, Some(account.clone()))),
			Grantee::Providers { .. } => {
				let mut hit = None;
				for provider in self.providers {
					if let Some(record) = self.node.provider(*provider, Some(self.block)).await? {
						if grantee.covers(
							&AccountId::new([0; 32]),
							*provider,
							record.kind,
							record.jurisdiction,
						) {
							hit = Some((*provider, None));
							break;
						}
					}
				}
				hit
			},
		})
	}
}

/// The events of one block that concern the providers.
async fn classify(
	lookup: &mut Lookup<'_>,
	records: Vec<(u32, RuntimeEvent)>,
) -> Result<Vec<Found>, salus_client::Error> {
	use pallet_access::Event as A;
	use pallet_consent::Event as C;
	use pallet_disputes::Event as D;
	let mut out = Vec::new();
	for (index, event) in records {
		let found = |kind: &'static str,
		             provider: ProviderId,
		             practitioner: Option<AccountId>,
		             patient: Option<AccountId>,
		             data: Value,
		             track: Option<(&'static str, u64)>| Found {
			index,
			kind,
			provider,
			practitioner,
			patient,
			data,
			track,
		};
		let next = match event {
			RuntimeEvent::Access(A::AccessRequested {
				id,
				patient,
				provider,
				practitioner,
				classes: asked,
				purpose,
				expires_at,
				bounty,
			}) if lookup.ours(provider) => {
				lookup.made.insert(("request", id), (provider, practitioner.clone()));
				Some(found(
					"access_request.created",
					provider,
					Some(practitioner),
					Some(patient),
					json!({ "request": id.to_string(), "data_classes": classes(asked), "purpose": purpose.code(), "expires_at": expires_at, "bounty": bounty.to_string() }),
					Some(("request", id)),
				))
			},
			RuntimeEvent::Access(A::RequestApproved {
				id,
				patient,
				provider,
				classes: approved,
				consent,
				valid_until,
				bounty,
			}) if lookup.ours(provider) => {
				let practitioner = lookup.request(id).await?.map(|(_, p)| p);
				Some(found(
					"access_request.approved",
					provider,
					practitioner,
					Some(patient),
					json!({ "request": id.to_string(), "data_classes": classes(approved), "consent": consent.to_string(), "valid_until": valid_until, "bounty": bounty.to_string() }),
					None,
				))
			},
			RuntimeEvent::Access(A::RequestDenied { id, patient }) => {
				lookup.request(id).await?.map(|(provider, practitioner)| {
					found(
						"access_request.denied",
						provider,
						Some(practitioner),
						Some(patient),
						json!({ "request": id.to_string() }),
						None,
					)
				})
			},
			RuntimeEvent::Access(A::RequestExpired { id })
			| RuntimeEvent::Access(A::RequestCancelled { id }) => {
				let kind = if matches!(event, RuntimeEvent::Access(A::RequestExpired { .. })) {
					"access_request.expired"
				} else {
					"access_request.cancelled"
				};
				lookup.request(id).await?.map(|(provider, practitioner)| {
					found(
						kind,
						provider,
						Some(practitioner),
						None,
						json!({ "request": id.to_string() }),
						None,
					)
				})
			},
			RuntimeEvent::Access(A::EmergencyDeclared {
				id,
				patient,
				provider,
				practitioner,
				consent,
				access_until,
				review_due,
			}) if lookup.ours(provider) => {
				lookup.made.insert(("emergency", id), (provider, practitioner.clone()));
				Some(found(
					"emergency.declared",
					provider,
					Some(practitioner),
					Some(patient),
					json!({ "emergency": id.to_string(), "consent": consent.to_string(), "access_until": access_until, "review_due": review_due }),
					Some(("emergency", id)),
				))
			},
			RuntimeEvent::Access(A::EmergencyContested { id, dispute })
			| RuntimeEvent::Access(A::ReviewEscalated { id, dispute }) => {
				let kind = if matches!(event, RuntimeEvent::Access(A::EmergencyContested { .. })) {
					"emergency.contested"
				} else {
					"emergency.escalated"
				};
				lookup.emergency(id).await?.map(|(provider, practitioner)| {
					found(
						kind,
						provider,
						Some(practitioner),
						None,
						json!({ "emergency": id.to_string(), "dispute": dispute.to_string() }),
						None,
					)
				})
			},
			RuntimeEvent::Disputes(D::DisputeOpened { id, claimant, respondent, .. })
				if lookup.ours(respondent) =>
			{
				Some(found(
					"dispute.opened",
					respondent,
					None,
					None,
					json!({ "dispute": id.to_string(), "claimant": claimant.to_string() }),
					None,
				))
			},
			RuntimeEvent::Consent(C::ConsentGranted {
				patient,
				id,
				grantee,
				decision,
				classes: covered,
				purposes,
				valid_until,
				..
			}) => lookup.grantee(&grantee).await?.map(|(provider, practitioner)| {
				// A deny is a grant too: what it names is closed, whatever a permit says.
				let decision = match decision {
					salus_primitives::Decision::Permit => "permit",
					salus_primitives::Decision::Deny => "deny",
				};
				found(
					"consent.granted",
					provider,
					practitioner,
					Some(patient),
					json!({
						"consent": id.to_string(),
						"decision": decision,
						"data_classes": classes(covered),
						"purposes": purposes.iter().map(|p| p.code()).collect::<Vec<_>>(),
						"valid_until": valid_until,
					}),
					None,
				)
			}),
			RuntimeEvent::Consent(C::ConsentRevoked { patient, id, at }) => {
				// The consent as it was before the block: whom it spoke to.
				match lookup.node.consent(id, Some(lookup.parent)).await? {
					Some((_, consent)) => {
						lookup.grantee(&consent.grantee).await?.map(|(provider, practitioner)| {
							found(
								"consent.revoked",
								provider,
								practitioner,
								Some(patient),
								json!({ "consent": id.to_string(), "revoked_at": at }),
								None,
							)
						})
					},
					None => None,
				}
			},
			_ => None,
		};
		out.extend(next);
	}
	Ok(out)
}

/// Follows finalized blocks until `stop` fires: stores their events, wakes the streams.
pub async fn follow(
	shared: Arc<Shared>,
	events: Arc<Events>,
	mut stop: tokio::sync::watch::Receiver<bool>,
) {
	let Some(config) = shared.config.events.clone() else { return };
	let webhooks: Vec<&ClientConfig> =
		shared.config.clients.iter().filter(|c| c.webhook.is_some()).collect();
	let mut tick = tokio::time::interval(Duration::from_secs(1));
	tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
	let mut pruned_at = 0u64;
	loop {
		tokio::select! {
			_ = tick.tick() => {},
			_ = stop.changed() => {},
		}
		if *stop.borrow() {
			break;
		}
		let now = now_ms();
		if now.saturating_sub(pruned_at) > 3_600_000 {
			pruned_at = now;
			let before =
				now.saturating_sub(u64::try_from(config.retention.as_millis()).unwrap_or(u64::MAX));
			match events.store.prune(before) {
				Ok(0) => {},
				Ok(removed) => tracing::info!(removed, "old events pruned"),
				Err(error) => tracing::warn!(%error, "cannot prune old events"),
			}
		}
		let Ok(node) = shared.node() else { continue };
		if let Err(error) = step(&node, &events, &config.providers, &webhooks).await {
			tracing::warn!(%error, "cannot follow the chain's events; trying again");
		}
	}
}

/// Stores up to [`STEP`] finalized blocks past the cursor.
async fn step(
	node: &Client,
	events: &Events,
	providers: &[ProviderId],
	webhooks: &[&ClientConfig],
) -> Result<(), String> {
	let finalized_hash = node.finalized_hash().await.map_err(|e| e.to_string())?;
	let finalized = node.block_number(Some(finalized_hash)).await.map_err(|e| e.to_string())?;
	let Some((cursor, _)) = events.store.cursor().map_err(|e| e.to_string())? else {
		// A new store: the events from the next finalized block on.
		events
			.store
			.store_block(finalized, finalized_hash, &[], webhooks)
			.map_err(|e| e.to_string())?;
		tracing::info!(block = finalized, "following the chain's events from here");
		return Ok(());
	};
	let last = finalized.min(cursor.saturating_add(STEP));
	events
		.behind
		.store(u64::from(finalized.saturating_sub(cursor)), std::sync::atomic::Ordering::Relaxed);
	for number in cursor.saturating_add(1)..=last {
		let block: Option<Hash> = node
			.rpc("chain_getBlockHash", rpc_params![number])
			.await
			.map_err(|e| e.to_string())?;
		let block = block.ok_or_else(|| format!("block {number} is unknown to the node"))?;
		let header: Value = node
			.rpc("chain_getHeader", rpc_params![block])
			.await
			.map_err(|e| e.to_string())?;
		let parent = header
			.get("parentHash")
			.and_then(Value::as_str)
			.and_then(|h| Hash::from_str(h).ok())
			.ok_or_else(|| format!("block {number}: no parent hash"))?;
		let records = node.event_records(block).await.map_err(|e| {
			format!("block {number}'s events: {e} (a node that prunes state keeps 256 blocks: run it with --state-pruning archive-canonical)")
		})?;
		let records = records
			.into_iter()
			.enumerate()
			.map(|(i, r)| (u32::try_from(i).unwrap_or(u32::MAX), r.event))
			.collect();
		let mut lookup = Lookup {
			node,
			block,
			parent,
			store: &events.store,
			providers,
			made: Default::default(),
		};
		let found = classify(&mut lookup, records).await.map_err(|e| e.to_string())?;
		let stored = events
			.store
			.store_block(number, block, &found, webhooks)
			.map_err(|e| e.to_string())?;
		events.behind.store(
			u64::from(finalized.saturating_sub(number)),
			std::sync::atomic::Ordering::Relaxed,
		);
		if let Some(newest) = stored.last() {
			tracing::info!(block = number, events = stored.len(), "events stored");
			events.latest.send_replace(newest.seq);
		}
	}
	Ok(())
}

/// The Standard Webhooks signature of `body` sent as `id` at `timestamp` (seconds).
pub fn signature(secret: &[u8], id: &str, timestamp: u64, body: &str) -> String {
	use base64::Engine as _;
	use hmac::{Mac, SimpleHmac};
	// A secret written as Standard Webhooks writes one (`whsec_` and base64) is that key.
	let key = std::str::from_utf8(secret)
		.ok()
		.and_then(|s| s.strip_prefix("whsec_"))
		.and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
		.unwrap_or_else(|| secret.to_vec());
	let Ok(mut mac) = SimpleHmac::<sha2::Sha256>::new_from_slice(&key) else {
		return String::new();
	};
	mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
	format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

/// When attempt `attempts` (1 the first) failed, how long until the next.
pub fn backoff(attempts: u32) -> Duration {
	let seconds = 5u64.saturating_mul(1u64 << attempts.saturating_sub(1).min(20));
	Duration::from_secs(seconds.min(3_600))
}

/// Posts `body` to `url`: the status, or why there is none.
async fn post(url: &str, headers: &[(&'static str, String)], body: String) -> Result<u16, String> {
	use http_body_util::{BodyExt, Full};
	let uri: axum::http::Uri = url.parse().map_err(|e| format!("{url}: {e}"))?;
	let host = uri.host().ok_or_else(|| format!("{url}: no host"))?.to_owned();
	let port = uri.port_u16().unwrap_or(80);
	let attempt = async {
		let stream = tokio::net::TcpStream::connect((host.as_str(), port))
			.await
			.map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
		let (mut sender, connection) =
			hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
				.await
				.map_err(|e| e.to_string())?;
		tokio::spawn(connection);
		let mut request =
			axum::http::Request::post(uri.path_and_query().map_or("/", |p| p.as_str()))
				.header(
					axum::http::header::HOST,
					uri.authority().map_or(host.as_str(), |a| a.as_str()),
				)
				.header(axum::http::header::CONTENT_TYPE, "application/json")
				.header(axum::http::header::USER_AGENT, "salus-gateway");
		for (name, value) in headers {
			request = request.header(*name, value);
		}
		let request = request
			.body(Full::new(axum::body::Bytes::from(body)))
			.map_err(|e| e.to_string())?;
		let response = sender.send_request(request).await.map_err(|e| e.to_string())?;
		let status = response.status().as_u16();
		// Read (and drop) the answer, so that the connection ends cleanly.
		let _ = response.into_body().collect().await;
		Ok::<_, String>(status)
	};
	tokio::time::timeout(WEBHOOK_TIMEOUT, attempt)
		.await
		.map_err(|_| format!("no answer within {} s", WEBHOOK_TIMEOUT.as_secs()))?
}

/// Delivers `client`'s events to its webhook, in order, until `stop` fires.
pub async fn deliver(
	shared: Arc<Shared>,
	events: Arc<Events>,
	client: ClientConfig,
	mut stop: tokio::sync::watch::Receiver<bool>,
) {
	let Some(webhook) = client.webhook.clone() else { return };
	let mut latest = events.latest.subscribe();
	loop {
		if *stop.borrow() {
			break;
		}
		let now = now_ms();
		let due = match events.store.next_delivery(&client.name, now) {
			Ok(due) => due,
			Err(error) => {
				tracing::error!(%error, client = %client.name, "cannot read the deliveries");
				None
			},
		};
		let Some((delivery, body)) = due else {
			// Nothing due: wait for a new event, a retry's time, or a second.
			tokio::select! {
				_ = latest.changed() => {},
				_ = stop.changed() => {},
				_ = tokio::time::sleep(Duration::from_secs(1)) => {},
			}
			continue;
		};
		let id = delivery.seq.to_string();
		let timestamp = now / 1_000;
		let headers = [
			("webhook-id", id.clone()),
			("webhook-timestamp", timestamp.to_string()),
			("webhook-signature", signature(&webhook.secret, &id, timestamp, &body)),
		];
		let outcome = post(&webhook.url, &headers, body).await;
		let attempts = delivery.attempts.saturating_add(1);
		let (status, error) = match outcome {
			Ok(status) if (200..300).contains(&status) => (Some(status), None),
			Ok(status) => (Some(status), Some(format!("answered {status}"))),
			Err(error) => (None, Some(error)),
		};
		// A refusal of the event itself, which a retry cannot change (400, 410, 413, 415, 422),
		// is given up at once: the log says why, and a retry by hand sends it again. Other 4xx
		// (a receiver being deployed, a secret being rotated) are retried like 5xx.
		let hopeless = status.is_some_and(|s| matches!(s, 400 | 410 | 413 | 415 | 422));
		let retry_at = (error.is_some() && !hopeless && attempts < MAX_ATTEMPTS).then(|| {
			now_ms()
				.saturating_add(u64::try_from(backoff(attempts).as_millis()).unwrap_or(u64::MAX))
		});
		if let Some(error) = &error {
			crate::metrics::Metrics::count(&shared.metrics.webhooks_failed);
			tracing::warn!(client = %client.name, event = %id, attempts, %error, given_up = retry_at.is_none(), "webhook delivery failed");
		} else {
			crate::metrics::Metrics::count(&shared.metrics.webhooks_delivered);
		}
		if let Err(store_error) =
			events
				.store
				.attempted(&client.name, delivery.seq, status, error.as_deref(), retry_at)
		{
			tracing::error!(%store_error, client = %client.name, "cannot record a delivery");
			tokio::time::sleep(Duration::from_secs(1)).await;
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::config::Practitioners;

	fn store() -> (EventStore, std::path::PathBuf) {
		let path = std::env::temp_dir().join(format!(
			"salus-events-test-{}-{}.sqlite",
			std::process::id(),
			std::time::SystemTime::now()
				.duration_since(std::time::UNIX_EPOCH)
				.unwrap()
				.as_nanos()
		));
		(EventStore::open(&path).unwrap(), path)
	}

	fn client(name: &str, practitioners: Practitioners) -> ClientConfig {
		ClientConfig {
			name: name.into(),
			key_sha256: [0; 32],
			practitioners,
			max_waiting: 1,
			webhook: None,
		}
	}

	fn found(index: u32, kind: &'static str, practitioner: Option<u8>) -> Found {
		Found {
			index,
			kind,
			provider: 7,
			practitioner: practitioner.map(|p| AccountId::new([p; 32])),
			patient: Some(AccountId::new([9; 32])),
			data: json!({ "request": "5" }),
			track: (kind == "access_request.created").then_some(("request", 5)),
		}
	}

	#[test]
	fn signatures_are_standard_webhooks_signatures() {
		// The Standard Webhooks specification's own example.
		let secret = b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
		let body = r#"{"test": 2432232314}"#;
		assert_eq!(
			signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
			"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
		);
		assert_ne!(
			signature(b"another-secret-of-24-chars", "1", 1, body),
			signature(secret, "1", 1, body)
		);
	}

	#[test]
	fn retries_back_off_to_an_hour() {
		assert_eq!(backoff(1), Duration::from_secs(5));
		assert_eq!(backoff(2), Duration::from_secs(10));
		assert_eq!(backoff(5), Duration::from_secs(80));
		assert_eq!(backoff(MAX_ATTEMPTS), Duration::from_secs(3_600));
		assert_eq!(backoff(u32::MAX), Duration::from_secs(3_600));
	}

	#[test]
	fn a_block_is_stored_once_with_its_deliveries_and_each_client_hears_its_own() {
		let (store, path) = store();
		assert_eq!(store.cursor().unwrap(), None);
		let cardio = client("cardio", Practitioners::Only(vec![AccountId::new([1; 32])]));
		let mut records = client("records", Practitioners::Any);
		records.webhook =
			Some(crate::config::Webhook { url: "http://127.0.0.1:1/".into(), secret: vec![1; 24] });
		let block = Hash::repeat_byte(1);
		let events = [
			found(0, "access_request.created", Some(1)),
			found(3, "access_request.created", Some(2)),
			found(4, "dispute.opened", None),
		];
		let stored = store.store_block(10, block, &events, &[&records]).unwrap();
		assert_eq!(stored.len(), 3);
		assert_eq!(store.cursor().unwrap(), Some((10, block)));
		// The same block again (a crash before the cursor moved cannot happen: one
		// transaction) is refused whole.
		assert!(store.store_block(10, block, &events, &[&records]).is_err());
		assert_eq!(store.latest().unwrap(), stored[2].seq);
		// Cardiology hears of its practitioner's request only: not of the other practitioner's,
		// nor of what names no practitioner (a client scoped to some practitioners hears of them
		// only). The records office, which may act for any, hears of everything.
		let (heard, read) = store.events_after(0, &cardio).unwrap();
		let kinds: Vec<&str> = heard.iter().map(|s| s.body["type"].as_str().unwrap()).collect();
		assert_eq!(kinds, ["access_request.created"]);
		assert_eq!(heard[0].practitioner, Some(AccountId::new([1; 32])));
		assert_eq!(read, stored[2].seq, "read past what it does not hear of");
		assert_eq!(store.events_after(0, &records).unwrap().0.len(), 3);
		assert_eq!(store.events_after(stored[0].seq, &records).unwrap().0.len(), 2, "resumes");
		let body = &heard[0].body;
		assert_eq!(body["id"], stored[0].seq.to_string());
		assert_eq!(body["block"]["number"], 10);
		assert_eq!(body["provider"], 7);
		// The request is remembered with its owner; how it ends is recorded.
		assert_eq!(store.owner("request", 5).unwrap(), Some((7, AccountId::new([1; 32]))));
		let mut approved = found(0, "access_request.approved", Some(1));
		approved.track = None;
		store.store_block(11, Hash::repeat_byte(2), &[approved], &[&records]).unwrap();
		assert_eq!(store.request_outcome(5).unwrap(), Some(("approved".into(), 11)));
		// Deliveries: only to the webhook's client, in order.
		let log = store.deliveries("records", 0, None).unwrap();
		assert_eq!(log.len(), 4);
		assert!(store.deliveries("cardio", 0, None).unwrap().is_empty());
		let (first, body) = store.next_delivery("records", now_ms()).unwrap().unwrap();
		assert_eq!(first.seq, stored[0].seq);
		assert!(body.contains("access_request.created"));
		// A failure is retried later; the next one waits for it (in order).
		let later = now_ms() + 60_000;
		store
			.attempted("records", first.seq, Some(500), Some("answered 500"), Some(later))
			.unwrap();
		assert!(store.next_delivery("records", now_ms()).unwrap().is_none());
		let (again, _) = store.next_delivery("records", later).unwrap().unwrap();
		assert_eq!((again.seq, again.attempts), (first.seq, 1));
		store.attempted("records", first.seq, Some(204), None, None).unwrap();
		let (second, _) = store.next_delivery("records", now_ms()).unwrap().unwrap();
		assert_eq!(second.seq, stored[1].seq);
		// Given up: failed, in the log, and sent again on demand, with its attempts anew.
		store.attempted("records", second.seq, None, Some("refused"), None).unwrap();
		let failed = store.deliveries("records", 0, Some("failed")).unwrap();
		assert_eq!(failed.len(), 1);
		assert_eq!(failed[0].last_error.as_deref(), Some("refused"));
		assert!(store.retry("records", second.seq).unwrap());
		assert!(!store.retry("cardio", second.seq).unwrap());
		let (retried, _) = store.next_delivery("records", now_ms()).unwrap().unwrap();
		assert_eq!((retried.seq, retried.attempts), (second.seq, 0));
		assert_eq!(
			store.deliveries("records", 0, Some("delivered")).unwrap()[0].last_status,
			Some(204)
		);
		// Pruning keeps what is still to be delivered: the delivered event goes, the three
		// whose deliveries are pending stay.
		assert_eq!(store.prune(now_ms() + 1).unwrap(), 1);
		assert_eq!(store.deliveries("records", 0, None).unwrap().len(), 3);
		let _ = std::fs::remove_file(path);
	}
}
