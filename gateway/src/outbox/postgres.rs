//! The outbox in PostgreSQL, shared by several gateway replicas.
//!
//! The rules are SQLite's ([`super::SqliteStore`]); what sharing adds:
//! - **Leases**: a replica sends for a practitioner only while it holds that practitioner's
//!   row in `outbox_leases` (taken when it picks the practitioner's batch, given back when the
//!   send ends, renewed while the send lasts, taken over by another replica once [`LEASE`] has
//!   passed without renewal). Two replicas never
//!   sign with one practitioner's key at once, so they never race for its nonce.
//! - **Claims**: marking entries sent is one transaction that locks them and refuses if any is
//!   no longer pending, so an entry is in at most one transaction even if a lease ran out.
//! - **Resolution**: any replica resolves the transactions in the table (their hash and last
//!   valid block are there), so a replica that dies mid-send leaves nothing stranded; every
//!   update is conditional on the state it changes, so two replicas resolving one transaction
//!   change it once.
//!
//! Two connections per replica: one for single statements (pipelined), one for transactions.
//! A lost connection is opened again on the next call.

use super::{Enqueued, Entry, Kind, Raw, StoreError, Submission};
use codec::Encode;
use salus_client::{AccountId, BlockNumber, Hash};
use salus_primitives::RequestId;
use std::{str::FromStr, sync::Arc, time::Duration};
use tokio_postgres::{Client, NoTls, Row};

/// How long a replica's lease on a practitioner lasts unless renewed: the sender renews the
/// leases of its sends in flight every [`crate::sender::RENEW`], so a replica that dies leaves
/// its practitioners to the others this long after.
pub const LEASE: Duration = Duration::from_secs(30);

/// The schema's version.
const VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS outbox (
	seq BIGSERIAL PRIMARY KEY,
	client TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('disclosure', 'request')),
	ehr_id TEXT NOT NULL,
	practitioner TEXT NOT NULL,
	item BYTEA NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'on_chain', 'refused')),
	tx BYTEA,
	until BIGINT,
	from_block BIGINT,
	block BYTEA,
	number BIGINT,
	reason TEXT,
	chain_id BIGINT,
	grp BIGINT NOT NULL DEFAULT 0,
	created_ms BIGINT NOT NULL,
	UNIQUE (client, kind, ehr_id)
);
CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state, practitioner, seq);
CREATE INDEX IF NOT EXISTS outbox_tx ON outbox (tx);
CREATE INDEX IF NOT EXISTS outbox_client ON outbox (client, state);
CREATE SEQUENCE IF NOT EXISTS outbox_grp;
CREATE TABLE IF NOT EXISTS outbox_leases (
	practitioner TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	until_ms BIGINT NOT NULL
);
-- Each client's entries not yet on chain or refused, kept by a trigger in the same
-- transaction as the change: the quota reads one row, not the client's whole backlog.
CREATE TABLE IF NOT EXISTS outbox_waiting (client TEXT PRIMARY KEY, n BIGINT NOT NULL);
CREATE OR REPLACE FUNCTION outbox_waiting_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NEW.state IN ('pending', 'sent') THEN
			INSERT INTO outbox_waiting (client, n) VALUES (NEW.client, 1)
			ON CONFLICT (client) DO UPDATE SET n = outbox_waiting.n + 1;
		END IF;
	ELSIF (OLD.state IN ('pending', 'sent')) <> (NEW.state IN ('pending', 'sent')) THEN
		UPDATE outbox_waiting
		SET n = n + CASE WHEN NEW.state IN ('pending', 'sent') THEN 1 ELSE -1 END
		WHERE client = NEW.client;
	END IF;
	RETURN NULL;
END
$$;
CREATE OR REPLACE TRIGGER outbox_waiting AFTER INSERT OR UPDATE OF state ON outbox
FOR EACH ROW EXECUTE FUNCTION outbox_waiting_count();
CREATE TABLE IF NOT EXISTS outbox_meta (
	key TEXT PRIMARY KEY,
	value BIGINT NOT NULL
);
";

const COLUMNS: &str =
	"seq, client, ehr_id, practitioner, item, state, tx, until, block, number, reason, chain_id";

fn pg(error: tokio_postgres::Error) -> StoreError {
	// The server's own message where there is one (a constraint, a permission), in one line.
	let message = error.as_db_error().map(|db| db.message().to_owned());
	StoreError(message.unwrap_or_else(|| error.to_string()).replace('\n', " "))
}

fn entry(row: &Row) -> Result<Entry, StoreError> {
	let raw = Raw {
		row: row.try_get(0).map_err(pg)?,
		client: row.try_get(1).map_err(pg)?,
		ehr_id: row.try_get(2).map_err(pg)?,
		practitioner: row.try_get(3).map_err(pg)?,
		item: row.try_get(4).map_err(pg)?,
		state: row.try_get(5).map_err(pg)?,
		tx: row.try_get(6).map_err(pg)?,
		until: row.try_get(7).map_err(pg)?,
		block: row.try_get(8).map_err(pg)?,
		number: row.try_get(9).map_err(pg)?,
		reason: row.try_get(10).map_err(pg)?,
		chain_id: row.try_get(11).map_err(pg)?,
	};
	raw.entry()
		.map_err(|what| StoreError(format!("an outbox row does not read: {what}")))
}

/// The two connections.
struct Connections {
	plain: Client,
	serial: tokio::sync::Mutex<Client>,
	/// Set when the serial connection was found closed (by whoever held it): opened again on
	/// the next call.
	serial_lost: std::sync::atomic::AtomicBool,
}

/// The serial connection, locked; when let go, whether it has closed is noted, so that the
/// next call opens it again.
struct Serial<'a> {
	connections: &'a Connections,
	client: tokio::sync::MutexGuard<'a, Client>,
}

impl<'a> Serial<'a> {
	async fn lock(connections: &'a Connections) -> Serial<'a> {
		Serial { connections, client: connections.serial.lock().await }
	}
}

impl std::ops::Deref for Serial<'_> {
	type Target = Client;
	fn deref(&self) -> &Client {
		&self.client
	}
}

impl std::ops::DerefMut for Serial<'_> {
	fn deref_mut(&mut self) -> &mut Client {
		&mut self.client
	}
}

impl Drop for Serial<'_> {
	fn drop(&mut self) {
		if self.client.is_closed() {
			self.connections.serial_lost.store(true, std::sync::atomic::Ordering::Relaxed);
		}
	}
}

/// The outbox in a PostgreSQL database.
pub struct PgStore {
	url: String,
	/// This replica, as its leases name it.
	holder: String,
	/// How long its leases last.
	lease: Duration,
	connections: tokio::sync::RwLock<Option<Arc<Connections>>>,
}

/// Connects to `url`: at most 10 s to connect; a dead peer noticed within about a minute (TCP
/// keepalives after 15 s idle, unacknowledged data given up after 30 s); on the server, each
/// statement at most 30 s, a lock waited for at most 5 s, and a session idle inside a
/// transaction (a replica frozen holding a client's lock) ended after 10 s. The URL's own
/// `options` are kept.
async fn connect(url: &str) -> Result<Client, StoreError> {
	let mut config = url.parse::<tokio_postgres::Config>().map_err(|e| {
		StoreError(format!("{} is not a PostgreSQL URL: {e}", super::redacted(url)))
	})?;
	let mut options = config.get_options().unwrap_or_default().to_owned();
	options.push_str(
		" -c statement_timeout=30000 -c lock_timeout=5000 -c idle_in_transaction_session_timeout=10000",
	);
	config
		.connect_timeout(Duration::from_secs(10))
		.keepalives(true)
		.keepalives_idle(Duration::from_secs(15))
		.tcp_user_timeout(Duration::from_secs(30))
		.options(options.trim());
	let (client, connection) = config.connect(NoTls).await.map_err(|e| {
		StoreError(format!("cannot connect to {}: {}", super::redacted(url), pg(e).0))
	})?;
	tokio::spawn(async move {
		if let Err(error) = connection.await {
			tracing::warn!(%error, "the outbox database connection ended");
		}
	});
	Ok(client)
}

impl PgStore {
	/// Connects to `url`, creating the schema if it is not there (one replica at a time).
	pub async fn open(url: &str) -> Result<Self, StoreError> {
		let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
			.map(|h| h.trim().to_owned())
			.unwrap_or_default();
		let holder = format!("{host}:{}:{}", std::process::id(), crate::now_ms());
		let store = Self {
			url: url.to_owned(),
			holder,
			lease: LEASE,
			connections: tokio::sync::RwLock::new(None),
		};
		let connections = store.connections().await?;
		let mut serial = Serial::lock(&connections).await;
		let t = serial.transaction().await.map_err(pg)?;
		// One replica creates the schema; the others wait, then find it.
		t.execute("SELECT pg_advisory_xact_lock(7243001)", &[]).await.map_err(pg)?;
		t.batch_execute(SCHEMA).await.map_err(pg)?;
		t.execute(
			"INSERT INTO outbox_meta (key, value) VALUES ('schema', $1) ON CONFLICT (key) DO NOTHING",
			&[&VERSION],
		)
		.await
		.map_err(pg)?;
		let version: i64 = t
			.query_one("SELECT value FROM outbox_meta WHERE key = 'schema'", &[])
			.await
			.map_err(pg)?
			.try_get(0)
			.map_err(pg)?;
		t.commit().await.map_err(pg)?;
		drop(serial);
		if version != VERSION {
			return Err(StoreError(format!(
				"{} holds an outbox of schema {version}, this gateway reads schema {VERSION}",
				super::redacted(url)
			)));
		}
		Ok(store)
	}

	/// Leases of `lease` rather than [`LEASE`] (a test of a replica that dies).
	pub fn set_lease(&mut self, lease: Duration) {
		self.lease = lease;
	}

	/// The connections, opened again if either was lost. Whether the serial one is closed is
	/// told without waiting for a transaction in progress on it.
	async fn connections(&self) -> Result<Arc<Connections>, StoreError> {
		let lost = |open: &Connections| {
			open.plain.is_closed()
				|| open.serial_lost.load(std::sync::atomic::Ordering::Relaxed)
				|| open.serial.try_lock().is_ok_and(|serial| serial.is_closed())
		};
		if let Some(open) = self.connections.read().await.as_ref() {
			if !lost(open) {
				return Ok(open.clone());
			}
		}
		let mut slot = self.connections.write().await;
		if let Some(open) = slot.as_ref() {
			if !lost(open) {
				return Ok(open.clone());
			}
		}
		let opened = Arc::new(Connections {
			plain: connect(&self.url).await?,
			serial: tokio::sync::Mutex::new(connect(&self.url).await?),
			serial_lost: Default::default(),
		});
		*slot = Some(opened.clone());
		Ok(opened)
	}

	/// Records `submission` sent by `client`, once per (client, kind, id), within
	/// `max_waiting`: one transaction that holds the client's advisory lock, so that parallel
	/// requests on any replicas count one after the other.
	pub async fn enqueue(
		&self,
		client: &str,
		submission: &Submission,
		now_ms: u64,
		max_waiting: u64,
	) -> Result<(Enqueued, Option<Entry>), StoreError> {
		let kind = submission.item.kind().as_str();
		let c = self.connections().await?;
		let mut serial = Serial::lock(&c).await;
		let t = serial.transaction().await.map_err(pg)?;
		t.execute("SELECT pg_advisory_xact_lock(7243002, hashtext($1))", &[&client])
			.await
			.map_err(pg)?;
		let select =
			format!("SELECT {COLUMNS} FROM outbox WHERE client = $1 AND kind = $2 AND ehr_id = $3");
		if let Some(row) =
			t.query_opt(&select, &[&client, &kind, &submission.id]).await.map_err(pg)?
		{
			let found = entry(&row)?;
			let outcome =
				if found.submission == *submission { Enqueued::Again } else { Enqueued::Conflict };
			return Ok((outcome, Some(found)));
		}
		let waiting = t
			.query_opt("SELECT n FROM outbox_waiting WHERE client = $1", &[&client])
			.await
			.map_err(pg)?;
		let waiting: Option<i64> = waiting.map(|r| r.try_get(0)).transpose().map_err(pg)?;
		let waiting = waiting.and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
		if waiting >= max_waiting {
			return Ok((Enqueued::Full(waiting), None));
		}
		let row = t
			.query_one(
				&format!(
					"INSERT INTO outbox (client, kind, ehr_id, practitioner, item, state, created_ms)
					 VALUES ($1, $2, $3, $4, $5, 'pending', $6) RETURNING {COLUMNS}"
				),
				&[
					&client,
					&kind,
					&submission.id,
					&submission.practitioner.to_string(),
					&submission.item.encode(),
					&i64::try_from(now_ms).unwrap_or(i64::MAX),
				],
			)
			.await
			.map_err(pg)?;
		let found = entry(&row)?;
		t.commit().await.map_err(pg)?;
		Ok((Enqueued::New, Some(found)))
	}

	/// The kind of the entries in transaction `tx`.
	pub async fn kind_of(&self, tx: Hash) -> Result<Option<Kind>, StoreError> {
		let c = self.connections().await?;
		let row = c
			.plain
			.query_opt("SELECT kind FROM outbox WHERE tx = $1 LIMIT 1", &[&tx.0.to_vec()])
			.await
			.map_err(pg)?;
		let kind: Option<String> = row.map(|r| r.try_get(0)).transpose().map_err(pg)?;
		Ok(kind.as_deref().and_then(Kind::parse))
	}

	/// The entry of `kind` that `client` sent as `id`.
	pub async fn entry(
		&self,
		client: &str,
		kind: Kind,
		id: &str,
	) -> Result<Option<Entry>, StoreError> {
		let c = self.connections().await?;
		let row = c
			.plain
			.query_opt(
				&format!(
					"SELECT {COLUMNS} FROM outbox WHERE client = $1 AND kind = $2 AND ehr_id = $3"
				),
				&[&client, &kind.as_str(), &id],
			)
			.await
			.map_err(pg)?;
		row.as_ref().map(entry).transpose()
	}

	/// How many entries of `client` wait (pending or sent).
	pub async fn waiting(&self, client: &str) -> Result<u64, StoreError> {
		let c = self.connections().await?;
		let row = c
			.plain
			.query_opt("SELECT n FROM outbox_waiting WHERE client = $1", &[&client])
			.await
			.map_err(pg)?;
		let count: Option<i64> = row.map(|r| r.try_get(0)).transpose().map_err(pg)?;
		Ok(count.and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
	}

	/// Takes (or renews) the lease on `practitioner`: whether this replica holds it now. Times
	/// are the database's clock, so that replicas whose clocks differ agree on when a lease
	/// ends.
	async fn lease(&self, c: &Connections, practitioner: &str) -> Result<bool, StoreError> {
		let lease_ms = i64::try_from(self.lease.as_millis()).unwrap_or(i64::MAX);
		let row = c
			.plain
			.query_opt(
				"WITH now AS (SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT AS ms)
				 INSERT INTO outbox_leases (practitioner, holder, until_ms)
				 SELECT $1, $2, now.ms + $3 FROM now
				 ON CONFLICT (practitioner) DO UPDATE SET holder = EXCLUDED.holder, until_ms = EXCLUDED.until_ms
				 WHERE outbox_leases.until_ms < (SELECT ms FROM now) OR outbox_leases.holder = EXCLUDED.holder
				 RETURNING holder",
				&[&practitioner, &self.holder, &lease_ms],
			)
			.await
			.map_err(pg)?;
		Ok(row.is_some())
	}

	/// The next batch for each practitioner not in `busy` whose lease this replica takes.
	pub async fn batches(
		&self,
		size: usize,
		busy: &(dyn Fn(&AccountId) -> bool + Sync),
	) -> Result<Vec<(AccountId, Vec<Entry>)>, StoreError> {
		let c = self.connections().await?;
		let heads = c
			.plain
			.query(
				"SELECT practitioner, kind, grp FROM outbox WHERE seq IN
				 (SELECT MIN(seq) FROM outbox WHERE state = 'pending' GROUP BY practitioner)
				 ORDER BY seq",
				&[],
			)
			.await
			.map_err(pg)?;
		let limit = i64::try_from(size).unwrap_or(i64::MAX);
		let mut out = Vec::new();
		for head in heads {
			let practitioner: String = head.try_get(0).map_err(pg)?;
			let kind: String = head.try_get(1).map_err(pg)?;
			let group: i64 = head.try_get(2).map_err(pg)?;
			let Ok(who) = AccountId::from_str(&practitioner) else { continue };
			if busy(&who) || !self.lease(&c, &practitioner).await? {
				continue;
			}
			let rows = c
				.plain
				.query(
					&format!(
						"SELECT {COLUMNS} FROM outbox
						 WHERE state = 'pending' AND practitioner = $1 AND kind = $2 AND grp = $3
						 ORDER BY seq LIMIT $4"
					),
					&[&practitioner, &kind, &group, &limit],
				)
				.await
				.map_err(pg)?;
			let mut entries = Vec::new();
			for row in &rows {
				match entry(row) {
					Ok(found) => entries.push(found),
					Err(error) => {
						tracing::error!(%error, %practitioner, "an outbox row does not read; left as it is")
					},
				}
			}
			if entries.is_empty() {
				self.release(&who).await?;
			} else {
				out.push((who, entries));
			}
		}
		Ok(out)
	}

	/// Renews this replica's lease on `practitioner`: whether it still holds it.
	pub async fn renew(&self, practitioner: &AccountId) -> Result<bool, StoreError> {
		let c = self.connections().await?;
		self.lease(&c, &practitioner.to_string()).await
	}

	/// Gives back the lease on `practitioner`, if this replica holds it.
	pub async fn release(&self, practitioner: &AccountId) -> Result<(), StoreError> {
		let c = self.connections().await?;
		c.plain
			.execute(
				"DELETE FROM outbox_leases WHERE practitioner = $1 AND holder = $2",
				&[&practitioner.to_string(), &self.holder],
			)
			.await
			.map_err(pg)?;
		Ok(())
	}

	/// Entries `rows` are in transaction `tx`: all of them, or none if any is not pending.
	pub async fn sent(
		&self,
		rows: &[i64],
		tx: Hash,
		from: BlockNumber,
		until: BlockNumber,
	) -> Result<(), StoreError> {
		let c = self.connections().await?;
		let mut serial = Serial::lock(&c).await;
		let t = serial.transaction().await.map_err(pg)?;
		let rows = rows.to_vec();
		let pending = t
			.query(
				"SELECT seq FROM outbox WHERE seq = ANY($1) AND state = 'pending' FOR UPDATE",
				&[&rows],
			)
			.await
			.map_err(pg)?;
		if pending.len() != rows.len() {
			// Dropped without commit: rolled back, nothing written, nothing sent.
			return Err(StoreError(format!(
				"{} of {} entries are no longer pending: not sent",
				rows.len().saturating_sub(pending.len()),
				rows.len()
			)));
		}
		t.execute(
			"UPDATE outbox SET state = 'sent', tx = $1, from_block = $2, until = $3 WHERE seq = ANY($4)",
			&[&tx.0.to_vec(), &i64::from(from), &i64::from(until), &rows],
		)
		.await
		.map_err(pg)?;
		t.commit().await.map_err(pg)
	}

	/// Transaction `tx` is in block `block`; `ids` the ids of its requests, in order.
	pub async fn on_chain(
		&self,
		tx: Hash,
		block: Hash,
		number: BlockNumber,
		ids: &[RequestId],
	) -> Result<usize, StoreError> {
		let c = self.connections().await?;
		let mut serial = Serial::lock(&c).await;
		let t = serial.transaction().await.map_err(pg)?;
		let rows = t
			.query(
				"SELECT seq, kind FROM outbox WHERE tx = $1 AND state = 'sent' ORDER BY seq FOR UPDATE",
				&[&tx.0.to_vec()],
			)
			.await
			.map_err(pg)?;
		let mut ids = ids.iter();
		for row in &rows {
			let seq: i64 = row.try_get(0).map_err(pg)?;
			let kind: String = row.try_get(1).map_err(pg)?;
			let id = if kind == Kind::Request.as_str() {
				ids.next().and_then(|id| i64::try_from(*id).ok())
			} else {
				None
			};
			t.execute(
				"UPDATE outbox SET state = 'on_chain', block = $1, number = $2, chain_id = $3 WHERE seq = $4",
				&[&block.0.to_vec(), &i64::from(number), &id, &seq],
			)
			.await
			.map_err(pg)?;
		}
		t.commit().await.map_err(pg)?;
		Ok(rows.len())
	}

	/// The chain refused `tx`: halved, or refused with `reason`.
	pub async fn refused(&self, tx: Hash, reason: &str, whole: bool) -> Result<usize, StoreError> {
		let c = self.connections().await?;
		let mut serial = Serial::lock(&c).await;
		let t = serial.transaction().await.map_err(pg)?;
		let rows: Vec<i64> = t
			.query(
				"SELECT seq FROM outbox WHERE tx = $1 AND state = 'sent' ORDER BY seq FOR UPDATE",
				&[&tx.0.to_vec()],
			)
			.await
			.map_err(pg)?
			.iter()
			.map(|row| row.try_get(0))
			.collect::<Result<_, _>>()
			.map_err(pg)?;
		if rows.len() > 1 && !whole {
			let half = rows.len() / 2;
			let (first, second) = rows.split_at(half);
			let groups = t
				.query_one("SELECT nextval('outbox_grp'), nextval('outbox_grp')", &[])
				.await
				.map_err(pg)?;
			let groups: [i64; 2] = [groups.try_get(0).map_err(pg)?, groups.try_get(1).map_err(pg)?];
			for (part, group) in [first, second].into_iter().zip(groups) {
				t.execute(
					"UPDATE outbox SET state = 'pending', grp = $1, tx = NULL, until = NULL, from_block = NULL
					 WHERE seq = ANY($2)",
					&[&group, &part.to_vec()],
				)
				.await
				.map_err(pg)?;
			}
		} else {
			t.execute(
				"UPDATE outbox SET state = 'refused', reason = $1 WHERE tx = $2 AND state = 'sent'",
				&[&reason, &tx.0.to_vec()],
			)
			.await
			.map_err(pg)?;
		}
		t.commit().await.map_err(pg)?;
		Ok(rows.len())
	}

	/// `tx` can no longer be included: its entries wait again.
	pub async fn unsent(&self, tx: Hash) -> Result<usize, StoreError> {
		let c = self.connections().await?;
		let changed = c
			.plain
			.execute(
				"UPDATE outbox SET state = 'pending', tx = NULL, until = NULL, from_block = NULL WHERE tx = $1 AND state = 'sent'",
				&[&tx.0.to_vec()],
			)
			.await
			.map_err(pg)?;
		Ok(usize::try_from(changed).unwrap_or(usize::MAX))
	}

	/// The transactions in flight.
	pub async fn in_flight(
		&self,
	) -> Result<Vec<(Hash, AccountId, BlockNumber, BlockNumber)>, StoreError> {
		let c = self.connections().await?;
		let rows = c
			.plain
			.query(
				"SELECT DISTINCT tx, practitioner, from_block, until FROM outbox WHERE state = 'sent'",
				&[],
			)
			.await
			.map_err(pg)?;
		let mut out = Vec::new();
		for row in rows {
			let tx: Option<Vec<u8>> = row.try_get(0).map_err(pg)?;
			let who: String = row.try_get(1).map_err(pg)?;
			let from: Option<i64> = row.try_get(2).map_err(pg)?;
			let until: Option<i64> = row.try_get(3).map_err(pg)?;
			let number = |n: Option<i64>| n.and_then(|n| BlockNumber::try_from(n).ok());
			if let (Some(tx), Ok(who), Some(from), Some(until)) = (
				tx.filter(|t| t.len() == 32).map(|t| Hash::from_slice(&t)),
				AccountId::from_str(&who),
				number(from),
				number(until),
			) {
				out.push((tx, who, from, until));
			}
		}
		Ok(out)
	}

	/// How many entries wait, and when the oldest was taken.
	pub async fn depth(&self) -> Result<(u64, Option<u64>), StoreError> {
		let c = self.connections().await?;
		let row = c
			.plain
			.query_one(
				"SELECT COUNT(*), MIN(created_ms) FROM outbox WHERE state IN ('pending', 'sent')",
				&[],
			)
			.await
			.map_err(pg)?;
		let count: i64 = row.try_get(0).map_err(pg)?;
		let oldest: Option<i64> = row.try_get(1).map_err(pg)?;
		Ok((u64::try_from(count).unwrap_or(0), oldest.and_then(|o| u64::try_from(o).ok())))
	}
}
