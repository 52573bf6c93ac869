//! Sends the outbox to the chain ([`crate::outbox`]): per practitioner, one transaction in
//! flight at a time — `log_disclosures` of up to `batch` entries, or up to
//! [`REQUEST_BATCH`] `request_access` calls in one `batch_all` — signed with the
//! practitioner's key from the gateway's keystore ([`Keys`]).
//!
//! Every [`TICK`] it first resolves the transactions the database says are in flight and that
//! no running send owns (after a restart, all of them): found in a finalized block, they are
//! on chain (or refused); once the finalized chain is past their last valid block and they are
//! in none of its blocks, their entries wait again. Only finality decides: a block a fork
//! drops can neither mark an entry on chain that is not, nor let one be sent twice. A
//! transaction that cannot be resolved (its block's events unreadable) is logged and left, and
//! does not hold the others up. Then it
//! starts a send for every practitioner with waiting entries and nothing in flight: sign as a
//! mortal transaction ([`MORTALITY`] blocks), write the hash and the last valid block, submit,
//! wait for the block that includes it to be finalized. A transaction the node did not take, or whose fate is unknown, stays in
//! flight until `resolve` finds it or sees it expire. On shutdown it stops starting sends and waits (up to [`DRAIN`]) for those
//! in flight; what is still waiting stays in the database for the next start.

use crate::{
	outbox::{Entry, Item, Store, StoreError},
	Shared,
};
use pallet_access::DisclosureEntry;
use salus_client::{
	tx, AccountId, BlockNumber, Client, Error, Hash, Included, RuntimeCall, RuntimeEvent, Signer,
	Wait,
};
use salus_primitives::RequestId;
use std::{
	collections::{HashMap, HashSet},
	path::Path,
	sync::{Arc, Mutex, PoisonError},
	time::Duration,
};

/// How often the sender looks at the outbox.
pub const TICK: Duration = Duration::from_millis(300);

/// How many blocks a transaction stays valid: after a crash, an entry whose transaction was
/// signed but never seen waits this long (about 96 s) before it is sent again.
pub const MORTALITY: u32 = 16;

/// How often the lease of a send in flight is renewed (a shared outbox).
pub const RENEW: Duration = Duration::from_secs(5);

/// The longest a send may take: past its transaction's last valid block (16 blocks of 6 s) and
/// a minute for finality. A send that waits longer (a stalled node, a stalled finality) gives
/// its practitioner back; its transaction is resolved from the chain like any in flight.
pub const SEND_LIMIT: Duration = Duration::from_secs(16 * 6 + 60);

/// A practitioner with a send in flight, freed when dropped.
struct Busy {
	set: Arc<Mutex<HashSet<AccountId>>>,
	practitioner: AccountId,
}

impl Drop for Busy {
	fn drop(&mut self) {
		self.set
			.lock()
			.unwrap_or_else(PoisonError::into_inner)
			.remove(&self.practitioner);
	}
}

/// The most access requests in one transaction.
pub const REQUEST_BATCH: usize = 16;

/// How long a shutdown waits for the transactions in flight.
pub const DRAIN: Duration = Duration::from_secs(30);

/// The practitioners' keys the gateway signs with.
#[derive(Default)]
pub struct Keys {
	keys: HashMap<AccountId, Arc<Signer>>,
}

impl Keys {
	/// Loads every `*.json` file of `dir`: a key encrypted as polkadot.js exports one
	/// (decrypted with `password`), or a plain keystore file readable by its owner only.
	pub fn load(dir: &Path, password: Option<&str>) -> Result<Self, String> {
		let entries = std::fs::read_dir(dir)
			.map_err(|e| format!("cannot read the keystore {}: {e}", dir.display()))?;
		let mut keys = HashMap::new();
		for entry in entries {
			let path = entry.map_err(|e| format!("the keystore {}: {e}", dir.display()))?.path();
			if path.extension().and_then(|e| e.to_str()) != Some("json") {
				continue;
			}
			let text = std::fs::read_to_string(&path)
				.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
			let encrypted = serde_json::from_str::<serde_json::Value>(&text)
				.ok()
				.is_some_and(|v| v.get("encoded").is_some());
			let signer = if encrypted {
				let password = password.ok_or_else(|| {
					format!("{} is encrypted: set SALUS_GATEWAY_KEYSTORE_PASSWORD", path.display())
				})?;
				Signer::from_encrypted_json(&path, password)
			} else {
				Signer::from_keystore_file(&path)
			}
			.map_err(|e| e.to_string())?;
			keys.insert(signer.account(), Arc::new(signer));
		}
		Ok(Self { keys })
	}

	/// The key of `practitioner`, if the gateway holds it.
	pub fn get(&self, practitioner: &AccountId) -> Option<Arc<Signer>> {
		self.keys.get(practitioner).cloned()
	}

	/// How many keys.
	pub fn len(&self) -> usize {
		self.keys.len()
	}

	/// Whether there are none.
	pub fn is_empty(&self) -> bool {
		self.keys.is_empty()
	}
}

/// Runs until `stop` fires and the sends in flight are done (or [`DRAIN`] has passed).
pub async fn run(
	shared: Arc<Shared>,
	store: Arc<Store>,
	keys: Arc<Keys>,
	batch: usize,
	mut stop: tokio::sync::watch::Receiver<bool>,
) {
	let busy: Arc<Mutex<HashSet<AccountId>>> = Arc::default();
	let mut scanned: HashMap<Hash, BlockNumber> = HashMap::new();
	let mut tick = tokio::time::interval(TICK);
	tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
	loop {
		tokio::select! {
			_ = tick.tick() => {},
			_ = stop.changed() => {},
		}
		if *stop.borrow() {
			break;
		}
		let Ok(node) = shared.node() else { continue };
		if let Err(error) = resolve(&node, &store, &busy, &mut scanned).await {
			tracing::warn!(%error, "cannot read the transactions in flight");
		}
		// Busy, or without a key here (a shared outbox: another replica may hold it; this one
		// must not take the practitioner's lease).
		let is_busy = |p: &AccountId| {
			busy.lock().unwrap_or_else(PoisonError::into_inner).contains(p) || keys.get(p).is_none()
		};
		let batches = match store.batches(batch, &is_busy).await {
			Ok(batches) => batches,
			Err(error) => {
				tracing::error!(%error, "cannot read the outbox");
				continue;
			},
		};
		for (practitioner, mut entries) in batches {
			if entries.first().is_some_and(|e| matches!(e.submission.item, Item::Request(_))) {
				entries.truncate(REQUEST_BATCH);
			}
			let Some(signer) = keys.get(&practitioner) else { continue };
			busy.lock().unwrap_or_else(PoisonError::into_inner).insert(practitioner.clone());
			let (node, store) = (node.clone(), store.clone());
			let guard = Busy { set: busy.clone(), practitioner: practitioner.clone() };
			tokio::spawn(async move {
				// The practitioner is free again however this ends, a panic included.
				let _guard = guard;
				let sending =
					tokio::time::timeout(SEND_LIMIT, send(&node, &store, &signer, &entries));
				tokio::pin!(sending);
				// The lease is renewed from here, while the send lasts, so that nothing else
				// this replica does can let it lapse.
				let mut renew = tokio::time::interval(RENEW);
				renew.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
				let outcome = loop {
					tokio::select! {
						outcome = &mut sending => break outcome,
						_ = renew.tick() => match store.renew(&practitioner).await {
							Ok(true) => {},
							// Lost (this replica stalled past its lease): another replica may
							// send for the practitioner; the claims keep every entry in one
							// transaction, and a nonce race costs one resend.
							Ok(false) => tracing::warn!(%practitioner, "the lease on this practitioner passed to another replica"),
							Err(error) => tracing::warn!(%error, %practitioner, "cannot renew the lease"),
						},
					}
				};
				match outcome {
					Ok(Ok(())) => {},
					Ok(Err(error)) => {
						tracing::warn!(%error, %practitioner, "sending a batch failed; it will be retried")
					},
					// Its entries stay sent: `resolve` finds the transaction or sees it expire.
					Err(_) => {
						tracing::warn!(%practitioner, "a send took longer than {SEND_LIMIT:?}; its transaction is resolved from the chain")
					},
				}
				if let Err(error) = store.release(&practitioner).await {
					tracing::warn!(%error, %practitioner, "cannot give back the lease; it expires");
				}
			});
		}
	}
	// Drain: wait for the sends in flight.
	let started = tokio::time::Instant::now();
	while !busy.lock().unwrap_or_else(PoisonError::into_inner).is_empty()
		&& started.elapsed() < DRAIN
	{
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
	let left = busy.lock().unwrap_or_else(PoisonError::into_inner).len();
	tracing::info!(in_flight = left, "the outbox sender stopped");
}

/// Why a send or a resolution failed.
#[derive(Debug, thiserror::Error)]
enum SendError {
	#[error(transparent)]
	Store(#[from] StoreError),
	#[error(transparent)]
	Node(#[from] Error),
}

/// Resolves the transactions in flight that no running send owns.
async fn resolve(
	node: &Client,
	store: &Store,
	busy: &Mutex<HashSet<AccountId>>,
	scanned: &mut HashMap<Hash, BlockNumber>,
) -> Result<(), SendError> {
	let in_flight = store.in_flight().await?;
	scanned.retain(|tx, _| in_flight.iter().any(|(hash, ..)| hash == tx));
	if in_flight.is_empty() {
		return Ok(());
	}
	let finalized = node.block_number(Some(node.finalized_hash().await?)).await?;
	for (hash, practitioner, from, until) in in_flight {
		if busy.lock().unwrap_or_else(PoisonError::into_inner).contains(&practitioner) {
			continue;
		}
		// Each finalized block is looked at once per transaction, not on every tick.
		let start = scanned.get(&hash).map_or(from, |done| done.saturating_add(1)).max(from);
		let end = finalized.min(until);
		if let Err(error) = resolve_one(node, store, hash, start, end, finalized > until).await {
			tracing::warn!(tx = ?hash, %error, "cannot tell what became of a transaction; its entries wait");
			continue;
		}
		scanned.insert(hash, end);
	}
	Ok(())
}

/// Looks for transaction `hash` in finalized blocks `from..=to`; `expired`: the finalized chain
/// is past its last valid block.
async fn resolve_one(
	node: &Client,
	store: &Store,
	hash: Hash,
	from: BlockNumber,
	to: BlockNumber,
	expired: bool,
) -> Result<(), SendError> {
	match node.find_transaction(hash, from, to).await? {
		Some(Ok(included)) => {
			let number = node.block_number(Some(included.block_hash)).await?;
			store.on_chain(hash, included.block_hash, number, &requested(&included)).await?;
			tracing::info!(tx = ?hash, block = number, "found on chain");
		},
		Some(Err(error)) => {
			let requests = store.kind_of(hash).await? == Some(crate::outbox::Kind::Request);
			settle_refusal(store, hash, &error, requests).await?
		},
		None if expired => {
			store.unsent(hash).await?;
			tracing::info!(tx = ?hash, "never included and expired: its entries go again");
		},
		None => {},
	}
	Ok(())
}

/// What a refusal of transaction `hash` (of disclosures, or of `requests`) does to its
/// entries: for disclosures, a shortage of the practitioner's funds (or an arithmetic limit)
/// leaves them waiting, to go again — an access happened and must be logged once the
/// practitioner can pay; the practitioner's own refusal refuses them all; any other halves the
/// batch. Requests are halved on a shortage of funds too, so that one request whose bounty the
/// practitioner cannot hold is refused alone and does not hold the others back.
async fn settle_refusal(
	store: &Store,
	hash: Hash,
	error: &Error,
	requests: bool,
) -> Result<(), StoreError> {
	let funds = matches!(error, Error::Dispatch { pallet, .. } if pallet == "Token" || pallet == "Arithmetic");
	if funds && !requests {
		tracing::warn!(tx = ?hash, reason = %refusal(error), "refused for now (funds?): its entries wait");
		store.unsent(hash).await?;
	} else {
		store.refused(hash, &refusal(error), whole(error)).await?;
	}
	Ok(())
}

/// The chain's refusal as the outbox states it.
fn refusal(error: &Error) -> String {
	match error {
		Error::Dispatch { pallet, error, .. } => format!("{pallet}::{error}"),
		other => other.to_string(),
	}
}

/// Whether the chain refused the practitioner itself (it would refuse every entry of it):
/// then a batch is refused whole instead of halved entry by entry.
fn whole(error: &Error) -> bool {
	matches!(error, Error::Dispatch { error, .. } if error == "NotPractitioner" || error == "ProviderNotAccredited")
}

/// The ids of the requests an included transaction made, in order.
fn requested(included: &Included) -> Vec<RequestId> {
	included
		.events
		.iter()
		.filter_map(|event| match event {
			RuntimeEvent::Access(pallet_access::Event::AccessRequested { id, .. }) => Some(*id),
			_ => None,
		})
		.collect()
}

/// The one call that makes `entries` (all of one kind: [`crate::outbox::Store::batches`]).
fn call_of(entries: &[Entry]) -> Result<RuntimeCall, Error> {
	let mut disclosures = Vec::new();
	let mut requests = Vec::new();
	for entry in entries {
		match &entry.submission.item {
			Item::Disclosure { patient, class, purpose, record } => {
				disclosures.push(DisclosureEntry {
					patient: patient.clone(),
					data_class: *class,
					purpose: *purpose,
					record: *record,
				})
			},
			Item::Request(terms) => requests.push(tx::access::request_access(
				terms.patient.clone(),
				terms.classes,
				terms.purpose,
				terms.duration,
				terms.justification,
				terms.bounty,
			)),
		}
	}
	match (disclosures.is_empty(), requests.is_empty()) {
		(false, true) => tx::access::log_disclosures(disclosures),
		(true, false) => Ok(salus_client::flows::all_or_none(requests)),
		_ => Err(Error::Decode {
			what: "an outbox batch".into(),
			reason: "empty, or of two kinds".into(),
		}),
	}
}

/// Signs, records, submits one batch and records its fate.
async fn send(
	node: &Client,
	store: &Store,
	signer: &Signer,
	entries: &[Entry],
) -> Result<(), SendError> {
	let call = call_of(entries)?;
	let from: BlockNumber = node.block_number(None).await?;
	let signed = node.sign(call, signer, Some(MORTALITY)).await?;
	let until = signed.valid_until.unwrap_or(from.saturating_add(MORTALITY));
	let rows: Vec<i64> = entries.iter().map(|e| e.row).collect();
	// Written before it is submitted: a crash from here on is resolved by looking.
	store.sent(&rows, signed.hash, from, until).await?;
	match node.submit_signed(&signed, Wait::Finalized).await {
		Ok(included) => {
			let number = node.block_number(Some(included.block_hash)).await?;
			store
				.on_chain(signed.hash, included.block_hash, number, &requested(&included))
				.await?;
			tracing::info!(entries = rows.len(), block = number, "on chain");
		},
		Err(error @ Error::Dispatch { .. }) => {
			tracing::warn!(entries = rows.len(), reason = %refusal(&error), "the chain refused a batch");
			let requests =
				matches!(entries.first().map(|e| &e.submission.item), Some(Item::Request(_)));
			settle_refusal(store, signed.hash, &error, requests).await?;
		},
		// Not taken, or its fate unknown: a peer may still include it while it is valid, so it
		// stays sent; `resolve` sends its entries again only once it has expired unseen.
		Err(error) => return Err(error.into()),
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::outbox::{Enqueued, Kind, RequestTerms, State, Submission};
	use salus_primitives::{DataClass, DataClassSet, Purpose};
	use sp_core::{crypto::AccountId32, H256};

	fn disclosure(id: &str) -> Submission {
		Submission {
			id: id.into(),
			practitioner: AccountId32::new([1; 32]),
			item: Item::Disclosure {
				patient: AccountId32::new([9; 32]),
				class: DataClass::LabResults,
				purpose: Purpose::Treatment,
				record: None,
			},
		}
	}

	fn request(id: &str, bounty: u128) -> Submission {
		Submission {
			id: id.into(),
			practitioner: AccountId32::new([1; 32]),
			item: Item::Request(RequestTerms {
				patient: AccountId32::new([9; 32]),
				classes: DataClassSet::of(&[DataClass::LabResults]),
				purpose: Purpose::Research,
				duration: 3_600_000,
				justification: H256::repeat_byte(1),
				bounty,
			}),
		}
	}

	fn refusal_of(pallet: &str, error: &str) -> Error {
		Error::Dispatch { pallet: pallet.into(), error: error.into(), block_hash: Hash::zero() }
	}

	async fn store() -> (Store, std::path::PathBuf) {
		let path = std::env::temp_dir().join(format!(
			"salus-sender-test-{}-{}.sqlite",
			std::process::id(),
			std::time::SystemTime::now()
				.duration_since(std::time::UNIX_EPOCH)
				.unwrap()
				.as_nanos()
		));
		(Store::open(path.to_str().unwrap()).await.unwrap(), path)
	}

	/// Takes every pending entry as transaction `tx`.
	async fn send_all(store: &Store, tx: u8) -> Vec<String> {
		let batches = store.batches(64, &|_| false).await.unwrap();
		let rows: Vec<i64> = batches[0].1.iter().map(|e| e.row).collect();
		store.sent(&rows, Hash::repeat_byte(tx), 1, 17).await.unwrap();
		batches[0].1.iter().map(|e| e.submission.id.clone()).collect()
	}

	#[test]
	fn a_batch_is_one_call_of_one_kind() {
		let entry = |submission: Submission, row| Entry {
			row,
			client: "ehr".into(),
			submission,
			state: State::Pending,
			chain_id: None,
		};
		let disclosures = [entry(disclosure("a"), 1), entry(disclosure("b"), 2)];
		assert!(matches!(
			call_of(&disclosures).unwrap(),
			RuntimeCall::Access(pallet_access::Call::log_disclosures { entries }) if entries.len() == 2
		));
		let one = [entry(request("r", 0), 3)];
		assert!(matches!(
			call_of(&one).unwrap(),
			RuntimeCall::Access(pallet_access::Call::request_access { .. })
		));
		let two = [entry(request("r", 0), 3), entry(request("s", 0), 4)];
		let Item::Request(terms) = request("r", 0).item else { panic!("a request") };
		let single = tx::access::request_access(
			terms.patient,
			terms.classes,
			terms.purpose,
			terms.duration,
			terms.justification,
			terms.bounty,
		);
		assert_eq!(
			call_of(&two).unwrap(),
			salus_client::flows::all_or_none(vec![single.clone(), single]),
			"all or none: one batch_all"
		);
		let mixed = [entry(disclosure("a"), 1), entry(request("r", 0), 3)];
		assert!(call_of(&mixed).is_err(), "never two kinds in one transaction");
		assert!(call_of(&[]).is_err());
	}

	#[test]
	fn the_requests_an_inclusion_made_are_read_in_order() {
		let requested_event = |id| {
			RuntimeEvent::Access(pallet_access::Event::AccessRequested {
				id,
				patient: AccountId32::new([9; 32]),
				provider: 1,
				practitioner: AccountId32::new([1; 32]),
				classes: DataClassSet::of(&[DataClass::LabResults]),
				purpose: Purpose::Treatment,
				expires_at: 0,
				bounty: 0,
			})
		};
		let included = Included {
			block_hash: Hash::zero(),
			extrinsic_hash: Hash::zero(),
			events: vec![
				requested_event(7),
				RuntimeEvent::Access(pallet_access::Event::RequestExpired { id: 3 }),
				requested_event(8),
			],
		};
		assert_eq!(requested(&included), [7, 8]);
	}

	/// A shortage of funds leaves disclosures waiting (the access happened; it is logged once
	/// the practitioner can pay), but halves requests, so that one request whose bounty cannot
	/// be held is refused alone instead of holding every later request back; a refusal of the
	/// practitioner itself refuses the whole batch; any other halves it.
	#[tokio::test]
	async fn refusals_settle_by_kind_and_reason() {
		let (store, path) = store().await;
		for id in ["d1", "d2"] {
			assert_eq!(
				store.enqueue("ehr", &disclosure(id), 1, 100).await.unwrap().0,
				Enqueued::New
			);
		}
		send_all(&store, 1).await;
		settle_refusal(
			&store,
			Hash::repeat_byte(1),
			&refusal_of("Token", "FundsUnavailable"),
			false,
		)
		.await
		.unwrap();
		let d1 = store.entry("ehr", Kind::Disclosure, "d1").await.unwrap().unwrap();
		assert_eq!(d1.state, State::Pending, "waits for funds, whole");
		assert_eq!(send_all(&store, 2).await, ["d1", "d2"], "and goes again as it was");
		settle_refusal(
			&store,
			Hash::repeat_byte(2),
			&refusal_of("Access", "NotPractitioner"),
			false,
		)
		.await
		.unwrap();
		for id in ["d1", "d2"] {
			let entry = store.entry("ehr", Kind::Disclosure, id).await.unwrap().unwrap();
			assert_eq!(entry.state, State::Refused { reason: "Access::NotPractitioner".into() });
		}
		for id in ["r1", "r2"] {
			store.enqueue("ehr", &request(id, 1), 1, 100).await.unwrap();
		}
		send_all(&store, 3).await;
		assert_eq!(store.kind_of(Hash::repeat_byte(3)).await.unwrap(), Some(Kind::Request));
		settle_refusal(
			&store,
			Hash::repeat_byte(3),
			&refusal_of("Token", "FundsUnavailable"),
			true,
		)
		.await
		.unwrap();
		assert_eq!(send_all(&store, 4).await, ["r1"], "halved, not waiting whole");
		settle_refusal(
			&store,
			Hash::repeat_byte(4),
			&refusal_of("Token", "FundsUnavailable"),
			true,
		)
		.await
		.unwrap();
		let r1 = store.entry("ehr", Kind::Request, "r1").await.unwrap().unwrap();
		assert_eq!(r1.state, State::Refused { reason: "Token::FundsUnavailable".into() });
		assert_eq!(send_all(&store, 5).await, ["r2"], "the other goes on");
		let _ = std::fs::remove_file(path);
	}
}
