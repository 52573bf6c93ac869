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
//!
//! Two backends keep the same rules: SQLite ([`SqliteStore`], the default: one gateway per
//! file) and PostgreSQL ([`PgStore`]: several gateway replicas share one outbox; a replica
//! sends for a practitioner only while it holds that practitioner's lease, so that no two
//! replicas sign with one practitioner's key at once, and a replica that dies leaves its lease
//! to expire and its transactions to be resolved by the others).

pub mod postgres;
pub mod sqlite;

use codec::{Decode, Encode};
use salus_client::{AccountId, Balance, BlockNumber, Hash};
use salus_fhir::ReportedAccess;
use salus_primitives::{DataClass, DataClassSet, Purpose, RequestId, Timestamp};
use sp_core::H256;
use std::str::FromStr;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// A store error, in one line.
#[derive(Debug, thiserror::Error)]
#[error("the outbox database: {0}")]
pub struct StoreError(String);

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

	fn parse(text: &str) -> Option<Self> {
		match text {
			"disclosure" => Some(Self::Disclosure),
			"request" => Some(Self::Request),
			_ => None,
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
	/// The client has its `max_waiting` not yet on chain: refused, nothing recorded.
	Full(u64),
}

/// An entry as a database row holds it.
pub(crate) struct Raw {
	pub row: i64,
	pub client: String,
	pub ehr_id: String,
	pub practitioner: String,
	pub item: Vec<u8>,
	pub state: String,
	pub tx: Option<Vec<u8>>,
	pub until: Option<i64>,
	pub block: Option<Vec<u8>>,
	pub number: Option<i64>,
	pub reason: Option<String>,
	pub chain_id: Option<i64>,
}

fn hash_of(bytes: Option<Vec<u8>>) -> Option<Hash> {
	bytes.filter(|b| b.len() == 32).map(|b| Hash::from_slice(&b))
}

fn block_number(value: Option<i64>, what: &str) -> Result<BlockNumber, String> {
	value
		.and_then(|v| BlockNumber::try_from(v).ok())
		.ok_or_else(|| format!("no {what}"))
}

impl Raw {
	/// The entry, or what in the row does not read.
	pub fn entry(self) -> Result<Entry, String> {
		let practitioner =
			AccountId::from_str(&self.practitioner).map_err(|_| "an account".to_owned())?;
		let item = Item::decode(&mut &self.item[..]).map_err(|_| "an outbox item".to_owned())?;
		let state = match self.state.as_str() {
			"pending" => State::Pending,
			"sent" => State::Sent {
				tx: hash_of(self.tx).ok_or("a transaction hash")?,
				until: block_number(self.until, "last valid block")?,
			},
			"on_chain" => State::OnChain {
				block: hash_of(self.block).ok_or("a block hash")?,
				number: block_number(self.number, "block number")?,
			},
			_ => State::Refused { reason: self.reason.unwrap_or_default() },
		};
		Ok(Entry {
			row: self.row,
			client: self.client,
			submission: Submission { id: self.ehr_id, practitioner, item },
			state,
			chain_id: self.chain_id.and_then(|id| RequestId::try_from(id).ok()),
		})
	}
}

/// The outbox: a SQLite file, or a PostgreSQL database that several replicas share.
pub enum Store {
	/// One gateway, one file.
	Sqlite(SqliteStore),
	/// Several replicas, one database.
	Postgres(PgStore),
}

/// Whether `database` names a PostgreSQL database (a `postgres://` URL) rather than a file.
pub fn is_postgres(database: &str) -> bool {
	database.starts_with("postgres://") || database.starts_with("postgresql://")
}

/// `database` without a password, for logs.
pub fn redacted(database: &str) -> String {
	match database.split_once("://").and_then(|(scheme, rest)| {
		let (userinfo, host) = rest.split_once('@')?;
		let user = userinfo.split(':').next().unwrap_or_default();
		Some(format!("{scheme}://{user}@{host}"))
	}) {
		Some(shown) if is_postgres(database) => shown,
		_ => database.to_owned(),
	}
}

macro_rules! each {
	($self:ident, $store:ident => $call:expr) => {
		match $self {
			Self::Sqlite($store) => $call,
			Self::Postgres($store) => $call.await,
		}
	};
}

impl Store {
	/// Opens (creating) the outbox `database` names: a PostgreSQL URL, or a SQLite file.
	pub async fn open(database: &str) -> Result<Self, StoreError> {
		if is_postgres(database) {
			Ok(Self::Postgres(PgStore::open(database).await?))
		} else {
			Ok(Self::Sqlite(SqliteStore::open(std::path::Path::new(database))?))
		}
	}

	/// Records `submission` sent by `client`, once per (client, kind, id), unless `client`
	/// has `max_waiting` entries not yet on chain already ([`Enqueued::Full`]): counted and
	/// recorded as one step, so that parallel requests cannot pass the limit together.
	pub async fn enqueue(
		&self,
		client: &str,
		submission: &Submission,
		now_ms: u64,
		max_waiting: u64,
	) -> Result<(Enqueued, Option<Entry>), StoreError> {
		each!(self, s => s.enqueue(client, submission, now_ms, max_waiting))
	}

	/// The entry of `kind` that `client` sent as `id`.
	pub async fn entry(
		&self,
		client: &str,
		kind: Kind,
		id: &str,
	) -> Result<Option<Entry>, StoreError> {
		each!(self, s => s.entry(client, kind, id))
	}

	/// How many entries of `client` wait (pending or sent).
	pub async fn waiting(&self, client: &str) -> Result<u64, StoreError> {
		each!(self, s => s.waiting(client))
	}

	/// The next batch to send for each practitioner not in `busy` (and, shared, whose lease
	/// this replica holds or takes now): its oldest pending entries, at most `size`, all of
	/// one kind and one group (entries of a refused batch's half go only with each other).
	pub async fn batches(
		&self,
		size: usize,
		busy: &(dyn Fn(&AccountId) -> bool + Sync),
	) -> Result<Vec<(AccountId, Vec<Entry>)>, StoreError> {
		each!(self, s => s.batches(size, busy))
	}

	/// The send for `practitioner` goes on: its lease (shared outbox) is renewed. Whether this
	/// replica still holds it.
	pub async fn renew(&self, practitioner: &AccountId) -> Result<bool, StoreError> {
		match self {
			Self::Sqlite(_) => Ok(true),
			Self::Postgres(s) => s.renew(practitioner).await,
		}
	}

	/// The send for `practitioner` is over: its lease (shared outbox) is given back.
	pub async fn release(&self, practitioner: &AccountId) -> Result<(), StoreError> {
		match self {
			Self::Sqlite(_) => Ok(()),
			Self::Postgres(s) => s.release(practitioner).await,
		}
	}

	/// Entries `rows` are in transaction `tx`, valid up to block `until`, signed at block
	/// `from`. Written (and synced) before the transaction is submitted; refused, with nothing
	/// written, if any of them is no longer pending.
	pub async fn sent(
		&self,
		rows: &[i64],
		tx: Hash,
		from: BlockNumber,
		until: BlockNumber,
	) -> Result<(), StoreError> {
		each!(self, s => s.sent(rows, tx, from, until))
	}

	/// Transaction `tx` is in block `block`; `ids`: the ids the chain gave its requests, in
	/// the order of its entries (none for disclosures).
	pub async fn on_chain(
		&self,
		tx: Hash,
		block: Hash,
		number: BlockNumber,
		ids: &[RequestId],
	) -> Result<usize, StoreError> {
		each!(self, s => s.on_chain(tx, block, number, ids))
	}

	/// The chain refused transaction `tx`: a batch is split in two halves, each a group of its
	/// own that waits again; a single entry is refused with `reason`, and so is every entry of
	/// the batch if the refusal is the practitioner's own (`whole`: it would refuse each).
	pub async fn refused(&self, tx: Hash, reason: &str, whole: bool) -> Result<usize, StoreError> {
		each!(self, s => s.refused(tx, reason, whole))
	}

	/// The kind of the entries in transaction `tx`, if any are in it.
	pub async fn kind_of(&self, tx: Hash) -> Result<Option<Kind>, StoreError> {
		each!(self, s => s.kind_of(tx))
	}

	/// Transaction `tx` was not taken, or can no longer be included: its entries wait again.
	pub async fn unsent(&self, tx: Hash) -> Result<usize, StoreError> {
		each!(self, s => s.unsent(tx))
	}

	/// The transactions sent and not yet resolved: hash, practitioner, signed at, valid until.
	pub async fn in_flight(
		&self,
	) -> Result<Vec<(Hash, AccountId, BlockNumber, BlockNumber)>, StoreError> {
		each!(self, s => s.in_flight())
	}

	/// How many entries are not on chain or refused yet, and when the oldest was reported.
	pub async fn depth(&self) -> Result<(u64, Option<u64>), StoreError> {
		each!(self, s => s.depth())
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

	fn unique() -> String {
		format!(
			"{}_{}",
			std::process::id(),
			std::time::SystemTime::now()
				.duration_since(std::time::UNIX_EPOCH)
				.unwrap()
				.as_nanos()
		)
	}

	fn sqlite_path() -> std::path::PathBuf {
		std::env::temp_dir().join(format!("salus-outbox-test-{}.sqlite", unique()))
	}

	/// A new, empty PostgreSQL database on the server `SALUS_TEST_POSTGRES` names (its URL,
	/// ending in a database name), if it names one. `scripts/test.sh` starts a server and sets
	/// `SALUS_REQUIRE_POSTGRES`, so that there these tests never go without it.
	async fn postgres_url() -> Option<String> {
		let Ok(admin) = std::env::var("SALUS_TEST_POSTGRES") else {
			assert!(
				std::env::var("SALUS_REQUIRE_POSTGRES").is_err(),
				"SALUS_REQUIRE_POSTGRES is set, SALUS_TEST_POSTGRES is not"
			);
			eprintln!("SALUS_TEST_POSTGRES is not set: the PostgreSQL outbox is not tested here");
			return None;
		};
		let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
			.await
			.expect("the test PostgreSQL server");
		tokio::spawn(connection);
		let name = format!("salus_outbox_{}", unique());
		client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
		let (base, _) = admin.rsplit_once('/').expect("a URL ending in a database name");
		Some(format!("{base}/{name}"))
	}

	/// The stores every test runs on: a SQLite file, and a PostgreSQL database if there is a
	/// server.
	async fn stores() -> Vec<(Store, Option<std::path::PathBuf>)> {
		let path = sqlite_path();
		let mut stores = vec![(Store::open(path.to_str().unwrap()).await.unwrap(), Some(path))];
		if let Some(url) = postgres_url().await {
			stores.push((Store::open(&url).await.unwrap(), None));
		}
		stores
	}

	fn remove(path: Option<std::path::PathBuf>) {
		if let Some(path) = path {
			let _ = std::fs::remove_file(&path);
		}
	}

	#[tokio::test]
	async fn one_gateway_per_sqlite_file() {
		let path = sqlite_path();
		let store = Store::open(path.to_str().unwrap()).await.unwrap();
		let second = Store::open(path.to_str().unwrap()).await;
		assert!(second.is_err_and(|e| e.to_string().contains("in use by another gateway")));
		drop(store);
		assert!(Store::open(path.to_str().unwrap()).await.is_ok(), "free again once closed");
		remove(Some(path));
	}

	#[tokio::test]
	async fn no_practitioner_starves_another() {
		for (store, path) in stores().await {
			no_starving(&store).await;
			remove(path);
		}
	}

	async fn no_starving(store: &Store) {
		for i in 0..200 {
			store
				.enqueue("ehr", &access(&format!("flood-{i}"), 1), i, u64::MAX)
				.await
				.unwrap();
		}
		store.enqueue("ehr", &access("other", 2), 1_000, u64::MAX).await.unwrap();
		let busy = AccountId32::new([1; 32]);
		let batches = store.batches(64, &|p| *p == busy).await.unwrap();
		assert_eq!(batches.len(), 1);
		assert_eq!(
			batches[0].1[0].submission.id, "other",
			"behind 200 entries of a busy practitioner"
		);
		let all = store.batches(64, &|_| false).await.unwrap();
		assert_eq!(all.iter().map(|(_, e)| e.len()).collect::<Vec<_>>(), [64, 1]);
		// Sent by someone else in between: refused, nothing marked.
		let rows: Vec<i64> = all[1].1.iter().map(|e| e.row).collect();
		store.sent(&rows, Hash::repeat_byte(1), 1, 17).await.unwrap();
		assert!(store.sent(&rows, Hash::repeat_byte(2), 1, 17).await.is_err());
		assert_eq!(store.in_flight().await.unwrap().len(), 1);
	}

	#[tokio::test]
	async fn a_report_is_recorded_once_and_a_changed_one_refused() {
		for (store, path) in stores().await {
			recorded_once(&store).await;
			remove(path);
		}
	}

	async fn recorded_once(store: &Store) {
		let (outcome, first) = store.enqueue("ehr", &access("e1", 1), 10, u64::MAX).await.unwrap();
		let first = first.unwrap();
		assert_eq!(outcome, Enqueued::New);
		assert_eq!(first.state, State::Pending);
		assert_eq!(first.submission, access("e1", 1));
		let (again, same) = store.enqueue("ehr", &access("e1", 1), 20, u64::MAX).await.unwrap();
		assert_eq!((again, same.unwrap().row), (Enqueued::Again, first.row));
		let (conflict, kept) = store.enqueue("ehr", &access("e1", 2), 30, u64::MAX).await.unwrap();
		assert_eq!(conflict, Enqueued::Conflict);
		assert_eq!(kept.unwrap().submission, access("e1", 1), "the first report stands");
		// A client at its limit is refused, nothing recorded; a repeat is still answered.
		let (full, none) = store.enqueue("ehr", &access("e9", 1), 50, 1).await.unwrap();
		assert_eq!((full, none), (Enqueued::Full(1), None));
		assert_eq!(store.enqueue("ehr", &access("e1", 1), 60, 1).await.unwrap().0, Enqueued::Again);
		assert!(store.entry("ehr", Kind::Disclosure, "e9").await.unwrap().is_none());
		// Another client's id is its own.
		assert_eq!(
			store.enqueue("lab", &access("e1", 2), 40, u64::MAX).await.unwrap().0,
			Enqueued::New
		);
		assert_eq!(store.depth().await.unwrap(), (2, Some(10)));
		assert_eq!(store.waiting("ehr").await.unwrap(), 1);
		assert_eq!(store.waiting("lab").await.unwrap(), 1);
		assert_eq!(store.waiting("nobody").await.unwrap(), 0);
	}

	#[tokio::test]
	async fn entries_go_out_in_batches_and_survive_a_restart_in_any_state() {
		let path = sqlite_path();
		let store = Store::open(path.to_str().unwrap()).await.unwrap();
		let reopen = path.to_str().unwrap().to_owned();
		batches_and_restart(store, &reopen).await;
		remove(Some(path));
		if let Some(url) = postgres_url().await {
			batches_and_restart(Store::open(&url).await.unwrap(), &url).await;
		}
	}

	async fn batches_and_restart(store: Store, database: &str) {
		for i in 0..5 {
			store.enqueue("ehr", &access(&format!("a{i}"), 1), i, u64::MAX).await.unwrap();
		}
		store.enqueue("ehr", &access("b0", 2), 9, u64::MAX).await.unwrap();
		let batches = store.batches(3, &|_| false).await.unwrap();
		assert_eq!(batches.len(), 2);
		assert_eq!(batches[0].1.len(), 3, "at most the batch size");
		assert_eq!(batches[1].1.len(), 1);
		let busy = AccountId32::new([1; 32]);
		assert_eq!(
			store.batches(3, &|p| *p == busy).await.unwrap().len(),
			1,
			"one batch in flight per practitioner"
		);
		let rows: Vec<i64> = batches[0].1.iter().map(|e| e.row).collect();
		let tx = Hash::repeat_byte(7);
		store.sent(&rows, tx, 100, 116).await.unwrap();
		// A restart: the database says what was in flight.
		drop(store);
		let store = Store::open(database).await.unwrap();
		assert_eq!(store.in_flight().await.unwrap(), [(tx, busy.clone(), 100, 116)]);
		assert_eq!(
			store.entry("ehr", Kind::Disclosure, "a0").await.unwrap().unwrap().state,
			State::Sent { tx, until: 116 }
		);
		assert_eq!(store.on_chain(tx, Hash::repeat_byte(8), 103, &[]).await.unwrap(), 3);
		assert_eq!(
			store.entry("ehr", Kind::Disclosure, "a2").await.unwrap().unwrap().state,
			State::OnChain { block: Hash::repeat_byte(8), number: 103 }
		);
		assert!(store.in_flight().await.unwrap().is_empty());
		// Resolving twice changes nothing.
		assert_eq!(store.on_chain(tx, Hash::repeat_byte(9), 104, &[]).await.unwrap(), 0);
		assert_eq!(store.depth().await.unwrap().0, 3);
		// The quota's count follows every change of state, kept by the database itself.
		assert_eq!(store.waiting("ehr").await.unwrap(), 3);
	}

	#[tokio::test]
	async fn a_refused_batch_is_halved_until_the_refused_entry_is_alone() {
		for (store, path) in stores().await {
			halving(&store).await;
			remove(path);
		}
	}

	/// Sends the next batch as transaction `next_tx` (counted on): its hash and the ids.
	async fn send(store: &Store, next_tx: &mut u8) -> (Hash, Vec<String>) {
		let batches = store.batches(64, &|_| false).await.unwrap();
		let rows: Vec<i64> = batches[0].1.iter().map(|e| e.row).collect();
		*next_tx = next_tx.wrapping_add(1);
		let tx = Hash::repeat_byte(*next_tx);
		store.sent(&rows, tx, 1, 17).await.unwrap();
		(tx, batches[0].1.iter().map(|e| e.submission.id.clone()).collect::<Vec<_>>())
	}

	async fn halving(store: &Store) {
		for i in 0..4 {
			store.enqueue("ehr", &access(&format!("a{i}"), 1), i, u64::MAX).await.unwrap();
		}
		let mut next_tx = 0u8;

		// The chain refuses any batch holding a2.
		let (tx, ids) = send(store, &mut next_tx).await;
		assert_eq!(ids, ["a0", "a1", "a2", "a3"]);
		assert_eq!(store.refused(tx, "Access::NoConsent", false).await.unwrap(), 4);
		let (tx, ids) = send(store, &mut next_tx).await;
		assert_eq!(ids, ["a0", "a1"], "the first half alone");
		store.on_chain(tx, Hash::repeat_byte(0xb0), 5, &[]).await.unwrap();
		let (tx, ids) = send(store, &mut next_tx).await;
		assert_eq!(ids, ["a2", "a3"]);
		assert_eq!(store.refused(tx, "Access::NoConsent", false).await.unwrap(), 2);
		let (tx, ids) = send(store, &mut next_tx).await;
		assert_eq!(ids, ["a2"]);
		assert_eq!(store.refused(tx, "Access::NoConsent", false).await.unwrap(), 1);
		assert_eq!(
			store.entry("ehr", Kind::Disclosure, "a2").await.unwrap().unwrap().state,
			State::Refused { reason: "Access::NoConsent".into() }
		);
		let (tx, ids) = send(store, &mut next_tx).await;
		assert_eq!(ids, ["a3"]);
		store.on_chain(tx, Hash::repeat_byte(0xb1), 6, &[]).await.unwrap();
		assert_eq!(store.depth().await.unwrap().0, 0);
		// A refusal of the practitioner itself refuses the whole batch at once.
		for i in 0..3u64 {
			store
				.enqueue("ehr", &access(&format!("p{i}"), 2), i.saturating_add(20), u64::MAX)
				.await
				.unwrap();
		}
		let (tx, ids) = send(store, &mut next_tx).await;
		assert_eq!(ids, ["p0", "p1", "p2"]);
		assert_eq!(store.refused(tx, "Access::NotPractitioner", true).await.unwrap(), 3);
		assert_eq!(
			store.entry("ehr", Kind::Disclosure, "p1").await.unwrap().unwrap().state,
			State::Refused { reason: "Access::NotPractitioner".into() }
		);
		// A new report joins no refused batch's group.
		store.enqueue("ehr", &access("a4", 1), 9, u64::MAX).await.unwrap();
		// An expired transaction: its entry waits again, and goes out again.
		let (lost, ids) = send(store, &mut next_tx).await;
		assert_eq!(ids, ["a4"]);
		assert_eq!(store.unsent(lost).await.unwrap(), 1);
		assert_eq!(
			store.entry("ehr", Kind::Disclosure, "a4").await.unwrap().unwrap().state,
			State::Pending
		);
		assert_eq!(send(store, &mut next_tx).await.1, ["a4"]);
		// a0, a1, a3 on chain; a2 and p0-p2 refused; a4 sent: one waits.
		assert_eq!(store.waiting("ehr").await.unwrap(), 1);
		assert_eq!(store.depth().await.unwrap().0, 1);
	}

	/// Two replicas share one PostgreSQL outbox and drain it together: every entry goes out in
	/// exactly one transaction, no two replicas send for one practitioner at once, and the
	/// practitioner of a replica that dies holding its lease is taken over once the lease ends.
	#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
	async fn two_replicas_share_a_postgres_outbox() {
		let Some(url) = postgres_url().await else { return };
		let first = std::sync::Arc::new(Store::open(&url).await.unwrap());
		let second = std::sync::Arc::new(Store::open(&url).await.unwrap());
		for i in 0..300u32 {
			let practitioner = u8::try_from(i % 5).unwrap() + 1;
			first
				.enqueue("ehr", &access(&format!("e{i}"), practitioner), u64::from(i), u64::MAX)
				.await
				.unwrap();
		}
		let holding: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<AccountId>>> =
			Default::default();
		let sent: std::sync::Arc<std::sync::Mutex<Vec<i64>>> = Default::default();
		let mut replicas = Vec::new();
		for (n, store) in [first.clone(), second.clone()].into_iter().enumerate() {
			let (holding, sent) = (holding.clone(), sent.clone());
			replicas.push(tokio::spawn(async move {
				let mut count = 0u32;
				loop {
					let batches = store.batches(16, &|_| false).await.unwrap();
					if batches.is_empty() && store.depth().await.unwrap().0 == 0 {
						return;
					}
					for (practitioner, entries) in batches {
						assert!(
							holding.lock().unwrap().insert(practitioner.clone()),
							"two replicas send for {practitioner} at once"
						);
						count += 1;
						let mut hash = [0u8; 32];
						hash[0] = u8::try_from(n).unwrap();
						hash[1..5].copy_from_slice(&count.to_le_bytes());
						let tx = Hash::from(hash);
						let rows: Vec<i64> = entries.iter().map(|e| e.row).collect();
						store.sent(&rows, tx, 1, 17).await.expect("claimed by one replica only");
						sent.lock().unwrap().extend(&rows);
						tokio::task::yield_now().await;
						store.on_chain(tx, Hash::repeat_byte(0xbb), 2, &[]).await.unwrap();
						holding.lock().unwrap().remove(&practitioner);
						store.release(&practitioner).await.unwrap();
					}
				}
			}));
		}
		for replica in replicas {
			replica.await.unwrap();
		}
		let mut sent = sent.lock().unwrap().clone();
		assert_eq!(sent.len(), 300);
		sent.sort_unstable();
		sent.dedup();
		assert_eq!(sent.len(), 300, "every entry in exactly one transaction");
		for i in [0, 149, 299] {
			let found = first.entry("ehr", Kind::Disclosure, &format!("e{i}")).await.unwrap();
			assert!(matches!(found.unwrap().state, State::OnChain { .. }));
		}

		// A replica takes a practitioner's batch and dies holding the lease: the other gets
		// nothing for that practitioner until the lease ends, then takes it over.
		let mut dying = Store::open(&url).await.unwrap();
		if let Store::Postgres(store) = &mut dying {
			store.set_lease(std::time::Duration::from_millis(1_500));
		}
		first.enqueue("ehr", &access("late", 9), 1, u64::MAX).await.unwrap();
		let taken = dying.batches(16, &|_| false).await.unwrap();
		assert_eq!(taken.len(), 1);
		drop(dying);
		assert!(second.batches(16, &|_| false).await.unwrap().is_empty(), "leased to the dead one");
		tokio::time::sleep(std::time::Duration::from_millis(1_600)).await;
		let taken_over = second.batches(16, &|_| false).await.unwrap();
		assert_eq!(taken_over.len(), 1);
		assert_eq!(taken_over[0].1[0].submission.id, "late");
	}
}
