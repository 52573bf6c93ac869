//! The durable outbox: what the EHR asks the chain to do — accesses it reports (disclosures)
//! and access requests its practitioners make — kept in SQLite until it is on chain.
//!
//! An entry is keyed by the EHR client, its kind and the EHR's own id of it, so a submission
//! sent twice (a retry after a timeout) is one entry. Each batch is of one practitioner and
//! one kind: disclosures go out as one `log_disclosures`, requests as one `request_access`
//! (several in one `utility.batch_all`, which the chain takes or refuses whole). Its life:
//!
//! ```text
//! pending ──(signed: the transaction's hash and last valid block written first)──▶ sent
//! sent ──(found in a block)──▶ on_chain          sent ──(the chain refused it)──▶ refused
//! sent ──(not in any block it could be in, and past its last valid block)──▶ pending
//! ```
//!
//! Because the transaction's hash and its last valid block are written before it is
//! submitted, a gateway that crashes at any point finds out on restart what became of it (it
//! looks for the hash in the blocks it could be in) and sends the entry again only once the
//! transaction can no longer be included: nothing is lost, nothing is logged twice. A batch
//! the chain refuses is split in two halves, each sent as a batch of its own, until the entry
//! the chain refuses is alone: one bad entry refuses only itself, and costs its batch about
//! log2(batch) more transactions, not one per entry.

use codec::{Decode, Encode};
use rusqlite::{params, Connection, OptionalExtension};
use salus_client::{AccountId, Balance, BlockNumber, Hash};
use salus_fhir::ReportedAccess;
use salus_primitives::{DataClass, DataClassSet, Purpose, RequestId, Timestamp};
use sp_core::H256;
use std::{
	path::Path,
	str::FromStr,
	sync::{Mutex, MutexGuard, PoisonError},
};

/// A store error, in one line.
#[derive(Debug, thiserror::Error)]
#[error("the outbox database: {0}")]
pub struct StoreError(String);

impl From<rusqlite::Error> for StoreError {
	fn from(error: rusqlite::Error) -> Self {
		Self(error.to_string())
	}
}

/// Where an entry is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
	/// Waiting to be sent.
	Pending,
	/// In transaction `tx`, which can be included up to block `until`.
	Sent {
		/// The transaction's hash.
		tx: Hash,
		/// Its last valid block.
		until: BlockNumber,
	},
	/// Logged in block `block` (number `number`).
	OnChain {
		/// The block.
		block: Hash,
		/// Its number.
		number: BlockNumber,
	},
	/// The chain refused it.
	Refused {
		/// Why (the pallet's error: `Access::NotPractitioner`).
		reason: String,
	},
}

/// What a practitioner asks a patient for (`request_access`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct RequestTerms {
	/// The patient asked.
	pub patient: AccountId,
	/// The classes asked for.
	pub classes: DataClassSet,
	/// Why.
	pub purpose: Purpose,
	/// How long the access would last, in milliseconds.
	pub duration: Timestamp,
	/// The salted hash of the justification (the reason itself stays in the EHR).
	pub justification: H256,
	/// The research bounty offered.
	pub bounty: Balance,
}

/// What an entry asks the chain to do.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Item {
	/// Log an access (one entry of `log_disclosures`).
	#[codec(index = 0)]
	Disclosure {
		/// Whose record.
		patient: AccountId,
		/// Which part of it.
		class: DataClass,
		/// What for.
		purpose: Purpose,
		/// The record's hash, if given.
		record: Option<H256>,
	},
	/// Ask a patient for access (`request_access`).
	#[codec(index = 1)]
	Request(RequestTerms),
}

impl Item {
	/// The entry's kind, as the database and the routes name it.
	pub fn kind(&self) -> Kind {
		match self {
			Self::Disclosure { .. } => Kind::Disclosure,
			Self::Request(_) => Kind::Request,
		}
	}

	/// The patient it is about.
	pub fn patient(&self) -> &AccountId {
		match self {
			Self::Disclosure { patient, .. } => patient,
			Self::Request(terms) => &terms.patient,
		}
	}
}

/// The two kinds of entries: each kind has its own ids (an EHR's AuditEvent `7` and its
/// request `7` are two entries).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
	/// A reported access.
	Disclosure,
	/// An access request.
	Request,
}

impl Kind {
	fn as_str(self) -> &'static str {
		match self {
			Self::Disclosure => "disclosure",
			Self::Request => "request",
		}
	}
}

/// What a client asks the outbox to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
	/// The EHR's own id of it.
	pub id: String,
	/// The practitioner who signs it.
	pub practitioner: AccountId,
	/// What.
	pub item: Item,
}

impl From<ReportedAccess> for Submission {
	fn from(access: ReportedAccess) -> Self {
		Self {
			id: access.id,
			practitioner: access.practitioner,
			item: Item::Disclosure {
				patient: access.patient,
				class: access.class,
				purpose: access.purpose,
				record: access.record,
			},
		}
	}
}

/// One entry of the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
	/// The row.
	pub row: i64,
	/// The EHR client that sent it.
	pub client: String,
	/// What it sent.
	pub submission: Submission,
	/// Where it is.
	pub state: State,
	/// The id the chain gave it once on chain (a request's `RequestId`).
	pub chain_id: Option<RequestId>,
}

/// Whether [`Store::enqueue`] recorded a new entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enqueued {
	/// A new entry.
	New,
	/// The same submission was there already.
	Again,
	/// The id was used before with different content: refused.
	Conflict,
}

/// The outbox database.
pub struct Store {
	conn: Mutex<Connection>,
	/// Held while the store is open: one gateway per outbox (two would send entries twice).
	_lock: std::fs::File,
}

/// The schema's version, in SQLite's `user_version`.
const VERSION: i64 = 2;

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
";

const COLUMNS: &str =
	"row, client, ehr_id, practitioner, item, state, tx, until, block, number, reason, chain_id";

fn hash_of(bytes: Option<Vec<u8>>) -> Option<Hash> {
	bytes.filter(|b| b.len() == 32).map(|b| Hash::from_slice(&b))
}

fn entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
	let bad = |what: &str| {
		rusqlite::Error::FromSqlConversionFailure(
			0,
			rusqlite::types::Type::Text,
			what.to_owned().into(),
		)
	};
	let practitioner: String = row.get(3)?;
	let practitioner = AccountId::from_str(&practitioner).map_err(|_| bad("an account"))?;
	let item: Vec<u8> = row.get(4)?;
	let item = Item::decode(&mut &item[..]).map_err(|_| bad("an outbox item"))?;
	let state: String = row.get(5)?;
	let state = match state.as_str() {
		"pending" => State::Pending,
		"sent" => State::Sent {
			tx: hash_of(row.get(6)?).ok_or_else(|| bad("a transaction hash"))?,
			until: row.get(7)?,
		},
		"on_chain" => State::OnChain {
			block: hash_of(row.get(8)?).ok_or_else(|| bad("a block hash"))?,
			number: row.get(9)?,
		},
		_ => State::Refused { reason: row.get::<_, Option<String>>(10)?.unwrap_or_default() },
	};
	let chain_id: Option<i64> = row.get(11)?;
	Ok(Entry {
		row: row.get(0)?,
		client: row.get(1)?,
		submission: Submission { id: row.get(2)?, practitioner, item },
		state,
		chain_id: chain_id.and_then(|id| RequestId::try_from(id).ok()),
	})
}

impl Store {
	/// Opens (creating) the database at `path`: write-ahead log, every commit synced.
	pub fn open(path: &Path) -> Result<Self, StoreError> {
		let mut lock_path = path.as_os_str().to_owned();
		lock_path.push(".lock");
		let lock_path = std::path::PathBuf::from(lock_path);
		let lock = std::fs::OpenOptions::new()
			.create(true)
			.truncate(false)
			.write(true)
			.open(&lock_path)
			.map_err(|e| StoreError(format!("cannot open {}: {e}", lock_path.display())))?;
		lock.try_lock().map_err(|error| match error {
			std::fs::TryLockError::WouldBlock => StoreError(format!(
				"{} is in use by another gateway: one gateway per outbox database",
				path.display()
			)),
			std::fs::TryLockError::Error(error) => {
				StoreError(format!("cannot lock {}: {error}", lock_path.display()))
			},
		})?;
		let conn = Connection::open(path)
			.map_err(|e| StoreError(format!("cannot open {}: {e}", path.display())))?;
		conn.pragma_update(None, "journal_mode", "WAL")?;
		conn.pragma_update(None, "synchronous", "FULL")?;
		conn.busy_timeout(std::time::Duration::from_secs(5))?;
		let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
		let tables: i64 = conn.query_row(
			"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'outbox'",
			[],
			|row| row.get(0),
		)?;
		if tables > 0 && version != VERSION {
			return Err(StoreError(format!(
				"{} holds an outbox of schema {version}, this gateway reads schema {VERSION}: drain it with the gateway that wrote it, then move it away",
				path.display()
			)));
		}
		conn.execute_batch(SCHEMA)?;
		conn.pragma_update(None, "user_version", VERSION)?;
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
	) -> Result<(Enqueued, Entry), StoreError> {
		let kind = submission.item.kind();
		let mut conn = self.conn();
		let tx = conn.transaction()?;
		let inserted = tx.execute(
			"INSERT OR IGNORE INTO outbox (client, kind, ehr_id, practitioner, item, state, created_ms)
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
		let found = tx.query_row(
			&format!(
				"SELECT {COLUMNS} FROM outbox WHERE client = ?1 AND kind = ?2 AND ehr_id = ?3"
			),
			params![client, kind.as_str(), submission.id],
			entry,
		)?;
		tx.commit()?;
		let outcome = if inserted == 1 {
			Enqueued::New
		} else if found.submission == *submission {
			Enqueued::Again
		} else {
			Enqueued::Conflict
		};
		Ok((outcome, found))
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
		let count: i64 = self.conn().query_row(
			"SELECT COUNT(*) FROM outbox WHERE client = ?1 AND state IN ('pending', 'sent')",
			params![client],
			|row| row.get(0),
		)?;
		Ok(u64::try_from(count).unwrap_or(0))
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

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::crypto::AccountId32;

	fn access(id: &str, practitioner: u8) -> Submission {
		ReportedAccess {
			id: id.to_owned(),
			practitioner: AccountId32::new([practitioner; 32]),
			patient: AccountId32::new([9; 32]),
			class: DataClass::LabResults,
			purpose: Purpose::Treatment,
			record: Some(H256::repeat_byte(3)),
		}
		.into()
	}

	fn store() -> (Store, std::path::PathBuf) {
		let path = std::env::temp_dir().join(format!(
			"salus-outbox-test-{}-{}.sqlite",
			std::process::id(),
			std::time::SystemTime::now()
				.duration_since(std::time::UNIX_EPOCH)
				.unwrap()
				.as_nanos()
		));
		(Store::open(&path).unwrap(), path)
	}

	#[test]
	fn one_gateway_per_database_and_no_practitioner_starves_another() {
		let (store, path) = store();
		let second = Store::open(&path);
		assert!(second.is_err_and(|e| e.to_string().contains("in use by another gateway")));
		for i in 0..200 {
			store.enqueue("ehr", &access(&format!("flood-{i}"), 1), i).unwrap();
		}
		store.enqueue("ehr", &access("other", 2), 1_000).unwrap();
		let busy = AccountId32::new([1; 32]);
		let batches = store.batches(64, &|p| *p == busy).unwrap();
		assert_eq!(batches.len(), 1);
		assert_eq!(
			batches[0].1[0].submission.id, "other",
			"behind 200 entries of a busy practitioner"
		);
		let all = store.batches(64, &|_| false).unwrap();
		assert_eq!(all.iter().map(|(_, e)| e.len()).collect::<Vec<_>>(), [64, 1]);
		// Sent by someone else in between: refused, nothing marked.
		let rows: Vec<i64> = all[1].1.iter().map(|e| e.row).collect();
		store.sent(&rows, Hash::repeat_byte(1), 1, 17).unwrap();
		assert!(store.sent(&rows, Hash::repeat_byte(2), 1, 17).is_err());
		assert_eq!(store.in_flight().unwrap().len(), 1);
		drop(store);
		assert!(Store::open(&path).is_ok(), "free again once closed");
		let _ = std::fs::remove_file(path);
	}

	#[test]
	fn a_report_is_recorded_once_and_a_changed_one_refused() {
		let (store, path) = store();
		let (outcome, first) = store.enqueue("ehr", &access("e1", 1), 10).unwrap();
		assert_eq!(outcome, Enqueued::New);
		assert_eq!(first.state, State::Pending);
		assert_eq!(first.submission, access("e1", 1));
		let (again, same) = store.enqueue("ehr", &access("e1", 1), 20).unwrap();
		assert_eq!((again, same.row), (Enqueued::Again, first.row));
		let (conflict, kept) = store.enqueue("ehr", &access("e1", 2), 30).unwrap();
		assert_eq!(conflict, Enqueued::Conflict);
		assert_eq!(kept.submission, access("e1", 1), "the first report stands");
		// Another client's id is its own.
		assert_eq!(store.enqueue("lab", &access("e1", 2), 40).unwrap().0, Enqueued::New);
		assert_eq!(store.depth().unwrap(), (2, Some(10)));
		let _ = std::fs::remove_file(path);
	}

	#[test]
	fn entries_go_out_in_batches_and_survive_a_restart_in_any_state() {
		let (store, path) = store();
		for i in 0..5 {
			store.enqueue("ehr", &access(&format!("a{i}"), 1), i).unwrap();
		}
		store.enqueue("ehr", &access("b0", 2), 9).unwrap();
		let batches = store.batches(3, &|_| false).unwrap();
		assert_eq!(batches.len(), 2);
		assert_eq!(batches[0].1.len(), 3, "at most the batch size");
		assert_eq!(batches[1].1.len(), 1);
		let busy = AccountId32::new([1; 32]);
		assert_eq!(
			store.batches(3, &|p| *p == busy).unwrap().len(),
			1,
			"one batch in flight per practitioner"
		);
		let rows: Vec<i64> = batches[0].1.iter().map(|e| e.row).collect();
		let tx = Hash::repeat_byte(7);
		store.sent(&rows, tx, 100, 116).unwrap();
		// A restart: the database says what was in flight.
		drop(store);
		let store = Store::open(&path).unwrap();
		assert_eq!(store.in_flight().unwrap(), [(tx, busy.clone(), 100, 116)]);
		assert_eq!(
			store.entry("ehr", Kind::Disclosure, "a0").unwrap().unwrap().state,
			State::Sent { tx, until: 116 }
		);
		assert_eq!(store.on_chain(tx, Hash::repeat_byte(8), 103, &[]).unwrap(), 3);
		assert_eq!(
			store.entry("ehr", Kind::Disclosure, "a2").unwrap().unwrap().state,
			State::OnChain { block: Hash::repeat_byte(8), number: 103 }
		);
		assert!(store.in_flight().unwrap().is_empty());
		// Resolving twice changes nothing.
		assert_eq!(store.on_chain(tx, Hash::repeat_byte(9), 104, &[]).unwrap(), 0);
		assert_eq!(store.depth().unwrap().0, 3);
		let _ = std::fs::remove_file(path);
	}

	#[test]
	fn a_refused_batch_is_halved_until_the_refused_entry_is_alone() {
		let (store, path) = store();
		for i in 0..4 {
			store.enqueue("ehr", &access(&format!("a{i}"), 1), i).unwrap();
		}
		let mut next_tx = 0u8;
		let mut send = |store: &Store| {
			let batches = store.batches(64, &|_| false).unwrap();
			let rows: Vec<i64> = batches[0].1.iter().map(|e| e.row).collect();
			next_tx += 1;
			let tx = Hash::repeat_byte(next_tx);
			store.sent(&rows, tx, 1, 17).unwrap();
			(tx, batches[0].1.iter().map(|e| e.submission.id.clone()).collect::<Vec<_>>())
		};
		// The chain refuses any batch holding a2.
		let (tx, ids) = send(&store);
		assert_eq!(ids, ["a0", "a1", "a2", "a3"]);
		assert_eq!(store.refused(tx, "Access::NoConsent", false).unwrap(), 4);
		let (tx, ids) = send(&store);
		assert_eq!(ids, ["a0", "a1"], "the first half alone");
		store.on_chain(tx, Hash::repeat_byte(0xb0), 5, &[]).unwrap();
		let (tx, ids) = send(&store);
		assert_eq!(ids, ["a2", "a3"]);
		assert_eq!(store.refused(tx, "Access::NoConsent", false).unwrap(), 2);
		let (tx, ids) = send(&store);
		assert_eq!(ids, ["a2"]);
		assert_eq!(store.refused(tx, "Access::NoConsent", false).unwrap(), 1);
		assert_eq!(
			store.entry("ehr", Kind::Disclosure, "a2").unwrap().unwrap().state,
			State::Refused { reason: "Access::NoConsent".into() }
		);
		let (tx, ids) = send(&store);
		assert_eq!(ids, ["a3"]);
		store.on_chain(tx, Hash::repeat_byte(0xb1), 6, &[]).unwrap();
		assert_eq!(store.depth().unwrap().0, 0);
		// A refusal of the practitioner itself refuses the whole batch at once.
		for i in 0..3 {
			store.enqueue("ehr", &access(&format!("p{i}"), 2), 20 + i).unwrap();
		}
		let (tx, ids) = send(&store);
		assert_eq!(ids, ["p0", "p1", "p2"]);
		assert_eq!(store.refused(tx, "Access::NotPractitioner", true).unwrap(), 3);
		assert_eq!(
			store.entry("ehr", Kind::Disclosure, "p1").unwrap().unwrap().state,
			State::Refused { reason: "Access::NotPractitioner".into() }
		);
		// A new report joins no refused batch's group.
		store.enqueue("ehr", &access("a4", 1), 9).unwrap();
		// An expired transaction: its entry waits again, and goes out again.
		let (lost, ids) = send(&store);
		assert_eq!(ids, ["a4"]);
		assert_eq!(store.unsent(lost).unwrap(), 1);
		assert_eq!(
			store.entry("ehr", Kind::Disclosure, "a4").unwrap().unwrap().state,
			State::Pending
		);
		assert_eq!(send(&store).1, ["a4"]);
		let _ = std::fs::remove_file(path);
	}
}
