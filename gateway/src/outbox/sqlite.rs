//! The outbox in SQLite: one gateway per database (a file lock says so), write-ahead log,
//! every commit synced.

use super::{Enqueued, Entry, Kind, Raw, StoreError, Submission};
use codec::Encode;
use rusqlite::{params, Connection, OptionalExtension};
use salus_client::{AccountId, BlockNumber, Hash};
use salus_primitives::RequestId;
use std::{
	path::Path,
	str::FromStr,
	sync::{Mutex, MutexGuard, PoisonError},
};

impl From<rusqlite::Error> for StoreError {
	fn from(error: rusqlite::Error) -> Self {
		Self(error.to_string())
	}
}

/// The outbox in a SQLite file.
pub struct SqliteStore {
	conn: Mutex<Connection>,
	/// Held while the store is open: one gateway per outbox (two would send entries twice).
	_lock: std::fs::File,
}

/// The schema's version, in SQLite's `user_version`.
const VERSION: i64 = 3;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS outbox (
	row INTEGER PRIMARY KEY,
	client TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('disclosure', 'request')),
	ehr_id TEXT NOT NULL,
	practitioner TEXT NOT NULL,
	item BLOB NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'on_chain', 'refused')),
	tx BLOB,
	until INTEGER,
	from_block INTEGER,
	block BLOB,
	number INTEGER,
	reason TEXT,
	chain_id INTEGER,
	grp INTEGER NOT NULL DEFAULT 0,
	created_ms INTEGER NOT NULL,
	UNIQUE (client, kind, ehr_id)
);
CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state, practitioner, row);
CREATE INDEX IF NOT EXISTS outbox_tx ON outbox (tx);
CREATE INDEX IF NOT EXISTS outbox_client ON outbox (client, state);
-- Each client's entries not yet on chain or refused, kept by triggers in the same transaction
-- as the change: the quota reads one row, not the client's whole backlog.
CREATE TABLE IF NOT EXISTS waiting (client TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS waiting_insert AFTER INSERT ON outbox
WHEN NEW.state IN ('pending', 'sent')
BEGIN
	INSERT INTO waiting (client, n) VALUES (NEW.client, 1)
	ON CONFLICT (client) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS waiting_update AFTER UPDATE OF state ON outbox
WHEN (OLD.state IN ('pending', 'sent')) <> (NEW.state IN ('pending', 'sent'))
BEGIN
	UPDATE waiting SET n = n + (CASE WHEN NEW.state IN ('pending', 'sent') THEN 1 ELSE -1 END)
	WHERE client = NEW.client;
END;
";

const COLUMNS: &str =
	"row, client, ehr_id, practitioner, item, state, tx, until, block, number, reason, chain_id";

fn hash_of(bytes: Option<Vec<u8>>) -> Option<Hash> {
	bytes.filter(|b| b.len() == 32).map(|b| Hash::from_slice(&b))
}

fn entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
	Raw {
		row: row.get(0)?,
		client: row.get(1)?,
		ehr_id: row.get(2)?,
		practitioner: row.get(3)?,
		item: row.get(4)?,
		state: row.get(5)?,
		tx: row.get(6)?,
		until: row.get(7)?,
		block: row.get(8)?,
		number: row.get(9)?,
		reason: row.get(10)?,
		chain_id: row.get(11)?,
	}
	.entry()
	.map_err(|what| {
		rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, what.into())
	})
}

impl SqliteStore {
	/// Opens (creating) the database at `path`: write-ahead log, every commit synced.
	pub fn open(path: &Path) -> Result<Self, StoreError> {
		let schema = crate::sqlite_file::Schema {
			what: "outbox",
			table: "outbox",
			sql: SCHEMA,
			version: VERSION,
			advice: "drain it with the gateway that wrote it, then move it away",
		};
		let (conn, lock) = crate::sqlite_file::open(path, &schema).map_err(StoreError)?;
		Ok(Self { conn: Mutex::new(conn), _lock: lock })
	}

	fn conn(&self) -> MutexGuard<'_, Connection> {
		self.conn.lock().unwrap_or_else(PoisonError::into_inner)
	}

	/// Records `submission` sent by `client`, once per (client, kind, id).
	pub fn enqueue(
		&self,
		client: &str,
		submission: &Submission,
		now_ms: u64,
		max_waiting: u64,
	) -> Result<(Enqueued, Option<Entry>), StoreError> {
		let kind = submission.item.kind();
		let mut conn = self.conn();
		let tx = conn.transaction()?;
		let select =
			format!("SELECT {COLUMNS} FROM outbox WHERE client = ?1 AND kind = ?2 AND ehr_id = ?3");
		let key = params![client, kind.as_str(), submission.id];
		if let Some(found) = tx.query_row(&select, key, entry).optional()? {
			let outcome =
				if found.submission == *submission { Enqueued::Again } else { Enqueued::Conflict };
			return Ok((outcome, Some(found)));
		}
		let waiting: Option<i64> = tx
			.query_row("SELECT n FROM waiting WHERE client = ?1", params![client], |row| row.get(0))
			.optional()?;
		let waiting = waiting.and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
		if waiting >= max_waiting {
			return Ok((Enqueued::Full(waiting), None));
		}
		tx.execute(
			"INSERT INTO outbox (client, kind, ehr_id, practitioner, item, state, created_ms)
			 VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6)",
			params![
				client,
				kind.as_str(),
				submission.id,
				submission.practitioner.to_string(),
				submission.item.encode(),
				i64::try_from(now_ms).unwrap_or(i64::MAX),
			],
		)?;
		let found = tx.query_row(&select, key, entry)?;
		tx.commit()?;
		Ok((Enqueued::New, Some(found)))
	}

	/// The kind of the entries in transaction `tx`.
	pub fn kind_of(&self, tx: Hash) -> Result<Option<Kind>, StoreError> {
		let kind: Option<String> = self
			.conn()
			.query_row(
				"SELECT kind FROM outbox WHERE tx = ?1 LIMIT 1",
				params![tx.0.to_vec()],
				|row| row.get(0),
			)
			.optional()?;
		Ok(kind.as_deref().and_then(Kind::parse))
	}

	/// The entry of `kind` that `client` sent as `id`.
	pub fn entry(&self, client: &str, kind: Kind, id: &str) -> Result<Option<Entry>, StoreError> {
		Ok(self
			.conn()
			.query_row(
				&format!(
					"SELECT {COLUMNS} FROM outbox WHERE client = ?1 AND kind = ?2 AND ehr_id = ?3"
				),
				params![client, kind.as_str(), id],
				entry,
			)
			.optional()?)
	}

	/// How many entries of `client` wait (pending or sent).
	pub fn waiting(&self, client: &str) -> Result<u64, StoreError> {
		let count: Option<i64> = self
			.conn()
			.query_row("SELECT n FROM waiting WHERE client = ?1", params![client], |row| row.get(0))
			.optional()?;
		Ok(count.and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
	}

	/// The next batch to send for each practitioner not in `busy`: its oldest pending entries,
	/// at most `size`, all of one kind and one group (entries of a refused batch's half go
	/// only with each other).
	pub fn batches(
		&self,
		size: usize,
		busy: &dyn Fn(&AccountId) -> bool,
	) -> Result<Vec<(AccountId, Vec<Entry>)>, StoreError> {
		let conn = self.conn();
		// Each practitioner's oldest pending entry: its kind and group.
		let mut heads = conn.prepare(
			"SELECT practitioner, kind, grp FROM outbox WHERE row IN
			 (SELECT MIN(row) FROM outbox WHERE state = 'pending' GROUP BY practitioner)
			 ORDER BY row",
		)?;
		let heads: Vec<(String, String, i64)> = heads
			.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
			.collect::<Result<_, _>>()?;
		let mut batch = conn.prepare(&format!(
			"SELECT {COLUMNS} FROM outbox
			 WHERE state = 'pending' AND practitioner = ?1 AND kind = ?2 AND grp = ?3
			 ORDER BY row LIMIT ?4"
		))?;
		let limit = i64::try_from(size).unwrap_or(i64::MAX);
		let mut out = Vec::new();
		for (practitioner, kind, group) in heads {
			let Ok(who) = AccountId::from_str(&practitioner) else { continue };
			if busy(&who) {
				continue;
			}
			// A row that no longer reads (a code the primitives dropped) is left where it is,
			// said once a tick, and holds nobody up.
			let mut entries = Vec::new();
			for row in batch.query_map(params![practitioner, kind, group, limit], entry)? {
				match row {
					Ok(found) => entries.push(found),
					Err(error) => {
						tracing::error!(%error, %practitioner, "an outbox row does not read; left as it is")
					},
				}
			}
			if !entries.is_empty() {
				out.push((who, entries));
			}
		}
		Ok(out)
	}

	/// Entries `rows` are in transaction `tx`, valid up to block `until`, signed at block
	/// `from`. Written (and synced) before the transaction is submitted.
	pub fn sent(
		&self,
		rows: &[i64],
		tx: Hash,
		from: BlockNumber,
		until: BlockNumber,
	) -> Result<(), StoreError> {
		let mut conn = self.conn();
		let t = conn.transaction()?;
		for row in rows {
			let changed = t.execute(
				"UPDATE outbox SET state = 'sent', tx = ?1, from_block = ?2, until = ?3 WHERE row = ?4 AND state = 'pending'",
				params![tx.0.to_vec(), from, until, row],
			)?;
			// Not pending any more: someone else took it. Nothing is written, nothing sent.
			if changed != 1 {
				return Err(StoreError(format!("entry {row} is no longer pending: not sent")));
			}
		}
		t.commit()?;
		Ok(())
	}

	/// Transaction `tx` is in block `block`; `ids`: the ids the chain gave its requests, in
	/// the order of its entries (none for disclosures).
	pub fn on_chain(
		&self,
		tx: Hash,
		block: Hash,
		number: BlockNumber,
		ids: &[RequestId],
	) -> Result<usize, StoreError> {
		let mut conn = self.conn();
		let t = conn.transaction()?;
		let rows: Vec<(i64, String)> = {
			let mut statement = t.prepare(
				"SELECT row, kind FROM outbox WHERE tx = ?1 AND state = 'sent' ORDER BY row",
			)?;
			let found = statement
				.query_map(params![tx.0.to_vec()], |row| Ok((row.get(0)?, row.get(1)?)))?;
			found.collect::<Result<_, _>>()?
		};
		let mut ids = ids.iter();
		for (row, kind) in &rows {
			let id = if kind == Kind::Request.as_str() {
				ids.next().and_then(|id| i64::try_from(*id).ok())
			} else {
				None
			};
			t.execute(
				"UPDATE outbox SET state = 'on_chain', block = ?1, number = ?2, chain_id = ?3 WHERE row = ?4",
				params![block.0.to_vec(), number, id, row],
			)?;
		}
		t.commit()?;
		Ok(rows.len())
	}
	/// The chain refused transaction `tx`: a batch is split in two halves, each a group of its
	/// own that waits again; a single entry is refused with `reason`, and so is every entry of
	/// the batch if the refusal is the practitioner's own (`whole`: it would refuse each).
	pub fn refused(&self, tx: Hash, reason: &str, whole: bool) -> Result<usize, StoreError> {
		let mut conn = self.conn();
		let t = conn.transaction()?;
		let rows: Vec<i64> = {
			let mut statement =
				t.prepare("SELECT row FROM outbox WHERE tx = ?1 AND state = 'sent' ORDER BY row")?;
			let found = statement.query_map(params![tx.0.to_vec()], |row| row.get(0))?;
			found.collect::<Result<_, _>>()?
		};
		let changed = if rows.len() > 1 && !whole {
			let next: i64 =
				t.query_row("SELECT COALESCE(MAX(grp), 0) + 1 FROM outbox", [], |row| row.get(0))?;
			let half = rows.len() / 2;
			for (i, row) in rows.iter().enumerate() {
				let group = if i < half { next } else { next.saturating_add(1) };
				t.execute(
					"UPDATE outbox SET state = 'pending', grp = ?1, tx = NULL, until = NULL, from_block = NULL WHERE row = ?2",
					params![group, row],
				)?;
			}
			rows.len()
		} else {
			t.execute(
				"UPDATE outbox SET state = 'refused', reason = ?1 WHERE tx = ?2 AND state = 'sent'",
				params![reason, tx.0.to_vec()],
			)?
		};
		t.commit()?;
		Ok(changed)
	}

	/// Transaction `tx` was not taken, or can no longer be included: its entries wait again.
	pub fn unsent(&self, tx: Hash) -> Result<usize, StoreError> {
		Ok(self.conn().execute(
			"UPDATE outbox SET state = 'pending', tx = NULL, until = NULL, from_block = NULL WHERE tx = ?1 AND state = 'sent'",
			params![tx.0.to_vec()],
		)?)
	}

	/// The transactions sent and not yet resolved: hash, practitioner, signed at, valid until.
	pub fn in_flight(
		&self,
	) -> Result<Vec<(Hash, AccountId, BlockNumber, BlockNumber)>, StoreError> {
		let conn = self.conn();
		let mut statement = conn.prepare(
			"SELECT DISTINCT tx, practitioner, from_block, until FROM outbox WHERE state = 'sent'",
		)?;
		let rows = statement.query_map([], |row| {
			let tx: Option<Vec<u8>> = row.get(0)?;
			let who: String = row.get(1)?;
			Ok((hash_of(tx), AccountId::from_str(&who).ok(), row.get(2)?, row.get(3)?))
		})?;
		let mut out = Vec::new();
		for row in rows {
			if let (Some(tx), Some(who), from, until) = row? {
				out.push((tx, who, from, until));
			}
		}
		Ok(out)
	}

	/// How many entries are not on chain or refused yet, and when the oldest was reported.
	pub fn depth(&self) -> Result<(u64, Option<u64>), StoreError> {
		Ok(self.conn().query_row(
			"SELECT COUNT(*), MIN(created_ms) FROM outbox WHERE state IN ('pending', 'sent')",
			[],
			|row| {
				let count: i64 = row.get(0)?;
				let oldest: Option<i64> = row.get(1)?;
				Ok((u64::try_from(count).unwrap_or(0), oldest.and_then(|o| u64::try_from(o).ok())))
			},
		)?)
	}
}
