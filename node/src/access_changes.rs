//! `salus_subscribeAccessChanges(patients)`: a push, for an EHR that caches access decisions,
//! whenever a decision about one of its patients may have changed.
//!
//! The subscription follows the node's **best chain**. For every new best block it sends zero
//! or more [`AccessChange`] messages, each naming the block, a [`ChangeReason`] and the
//! subscribed patients it concerns, and then one `block` message that names nobody:
//!
//! | reason | sent when | patients |
//! |---|---|---|
//! | `subscribed` | first, once: the block the subscription starts from | all |
//! | `consent` | a consent of the patient was granted (by it, or as a grant for an approved request or an emergency), revoked or pruned | those |
//! | `patient` | the patient registered or deregistered | those |
//! | `expiry` | the block's time reached the start or the end of one of the patient's consents | those |
//! | `provider` | a provider registered, changed status (accredited, suspended, revoked) or closed, a department joined one, or a practitioner joined or left one | all |
//! | `reorg` | the new best block is not a child of the last block told about: the best chain switched forks, or blocks were imported without a notification (a catch-up sync) — their events were never read | all |
//! | `runtime` | the runtime changed (`CodeUpdated`) and the block after it (which runs the migrations), or this node cannot read the block natively — a runtime or pallet storage version it was not built with: then on **every** block, since nothing is known | all |
//! | `lagged` | the subscriber read too slowly and [`MAX_QUEUED`] messages were waiting: they were dropped for this one | all |
//! | `block` | last, for every best block read: everything up to this block has been told | none |
//!
//! **What the EHR does.** Cache a decision together with the block it was asked at; drop the
//! cached decisions of the patients a message names. A decision asked with an explicit
//! `at_time` is the EHR's own business: `expiry` follows the block's time only. The `block`
//! messages say how far the subscription has read: a cache whose last `block` (or `lagged`)
//! message is older than the node's best block by more than the time the node takes to read
//! one is behind, and should not answer until it has caught up (`salus-gateway` does this). A
//! decision asked at the last block told (`subscribed`, `block` or `lagged`) stays exact while
//! no message names its patient.
//!
//! **Reorgs and gaps.** A `reorg` message names every subscribed patient, whatever the retracted
//! or skipped blocks held: their events are not read, and every patient's next consent boundary
//! is read again at the new block. The messages sent for a retracted block are not withdrawn;
//! the `reorg` message supersedes them. A fork switch that GRANDPA's finality forces without an
//! import is told at the next imported block.
//!
//! **Known costs** (to improve): a waiting message is serialized again each time it is offered
//! to a full subscriber; every subscription reads each block's events itself; a message for
//! every patient lists them all.
//!
//! **Finality.** Messages follow best blocks, not finalized ones, so that a revocation reaches
//! the EHR within a block; a decision is never more final than the block it was asked at.
//!
//! **A slow subscriber** never holds memory on the node: at most [`MAX_QUEUED`] messages wait for
//! it; when more arrive, the waiting ones are replaced by one `lagged` message naming every
//! patient, and the subscription goes on.
//!
//! **Cost.** Per new best block, one read of the block's events and, for the patients they
//! name (and those whose next consent boundary passed), one read of their consents — natively,
//! under the same gate as `salus_checkAccess` ([`crate::access`]). A subscription watches at
//! most [`MAX_WATCHED_PATIENTS`] patients; limit subscriptions with the node's
//! `--rpc-max-subscriptions-per-connection` and `--rpc-max-connections`.

use crate::access::{error, storage_versions_match, SalusAccess, INVALID_PARAMS};
use futures::StreamExt;
use jsonrpsee::{
	core::SubscriptionResult, PendingSubscriptionSink, SubscriptionMessage, SubscriptionSink,
	TrySendError,
};
use pallet_consent::runtime_api::ConsentApi;
use salus_primitives::Timestamp;
use salus_runtime::{opaque::Block, AccountId, Balance, Runtime, RuntimeEvent};
use sc_client_api::{Backend, BlockchainEvents};
use serde::{Deserialize, Serialize};
use sp_api::{Core, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::Header as _;
use std::{
	collections::{BTreeMap, BTreeSet, VecDeque},
	time::Duration,
};

/// The most patients one subscription watches.
pub const MAX_WATCHED_PATIENTS: usize = 1000;

/// The most messages waiting for a subscriber; beyond, they become one `lagged` message.
pub const MAX_QUEUED: usize = 64;

/// How often waiting messages are offered again to a subscriber that was full.
const RETRY: Duration = Duration::from_millis(100);

/// Why decisions about some patients may have changed. See the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChangeReason {
	/// The subscription starts at this block.
	Subscribed,
	/// The best chain switched forks.
	Reorg,
	/// The runtime changed, or the node cannot read this block natively.
	Runtime,
	/// Messages were dropped because the subscriber read too slowly.
	Lagged,
	/// A provider's status, departments or practitioners changed.
	Provider,
	/// The patients registered or deregistered.
	Patient,
	/// A consent of the patients was granted, revoked or pruned.
	Consent,
	/// The block's time reached the start or the end of a consent of the patients.
	Expiry,
	/// Sent last for every best block read, naming nobody: everything up to this block has
	/// been told.
	Block,
}

impl ChangeReason {
	/// Whether the reason concerns every watched patient.
	pub fn is_everyone(self) -> bool {
		matches!(
			self,
			Self::Subscribed | Self::Reorg | Self::Runtime | Self::Lagged | Self::Provider
		)
	}
}

/// One message of the subscription.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessChange {
	/// The best block the change is in.
	pub block: H256,
	/// Its number.
	pub number: u32,
	/// Why decisions may have changed.
	pub reason: ChangeReason,
	/// The watched patients whose decisions may have changed.
	pub patients: Vec<AccountId>,
}

/// What a block did to the watched patients, read natively.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Touched {
	/// Per reason, the patients (for the reasons that concern everyone, the set is ignored).
	pub reasons: BTreeMap<ChangeReason, BTreeSet<AccountId>>,
}

/// Which watched patients, if any, `event` concerns, and why. Every event of the consent and
/// identity pallets is classified here (no wildcard), so that a new event must be.
pub fn classify(event: &RuntimeEvent) -> Option<(ChangeReason, Option<&AccountId>)> {
	use pallet_consent::Event as C;
	use pallet_health_identity::Event as I;
	match event {
		RuntimeEvent::Consent(event) => match event {
			C::ConsentGranted { patient, .. }
			| C::ConsentRevoked { patient, .. }
			| C::ConsentPruned { patient, .. } => Some((ChangeReason::Consent, Some(patient))),
			// The scope of emergency access, not a decision of `check_access`.
			C::EmergencyDirectiveSet { .. } => None,
			C::__Ignore(..) => None,
		},
		RuntimeEvent::HealthIdentity(event) => match event {
			I::PatientRegistered { patient, .. } | I::PatientDeregistered { patient } => {
				Some((ChangeReason::Patient, Some(patient)))
			},
			I::ProviderRegistered { .. }
			| I::ProviderStatusChanged { .. }
			| I::ProviderClosed { .. }
			| I::DepartmentAccepted { .. }
			| I::PractitionerAdded { .. }
			| I::PractitionerRemoved { .. }
			| I::PractitionerLeft { .. } => Some((ChangeReason::Provider, None)),
			// Keys, bonds, admins, vouches, records, links, commitments and proposals decide
			// no access.
			I::EncryptionKeyUpdated { .. }
			| I::BondSlashed { .. }
			| I::AdminTransferred { .. }
			| I::PatientVouched { .. }
			| I::RecordAnchored { .. }
			| I::LinkProposed { .. }
			| I::LinkAccepted { .. }
			| I::LinkRemoved { .. }
			| I::RecordProposed { .. }
			| I::RecordProposalRemoved { .. }
			| I::CommitmentAnnounced { .. }
			| I::AnnouncementWithdrawn { .. }
			| I::CommitmentReleased { .. }
			| I::PractitionerProposed { .. }
			| I::PractitionerProposalWithdrawn { .. }
			| I::AdminTransferProposed { .. }
			| I::AdminTransferCancelled { .. }
			| I::BondToppedUp { .. }
			| I::VouchWithdrawn { .. } => None,
			I::__Ignore(..) => None,
		},
		RuntimeEvent::System(frame_system::Event::CodeUpdated { .. }) => {
			Some((ChangeReason::Runtime, None))
		},
		_ => None,
	}
}

/// The next time after `now` at which one of `patient`'s consents starts or ends, read
/// natively (in externalities).
fn next_boundary(patient: &AccountId, now: Timestamp) -> Option<Timestamp> {
	pallet_consent::Pallet::<Runtime>::consents_of(patient)
		.iter()
		.flat_map(|consent| [Some(consent.valid_from), consent.valid_until])
		.flatten()
		.filter(|at| *at > now)
		.min()
}

/// The watched patients and, per patient, the next time one of its consents starts or ends.
#[derive(Debug, Default)]
pub struct Watch {
	/// The patients, each with its next boundary (`None`: none ahead).
	pub boundaries: BTreeMap<AccountId, Option<Timestamp>>,
	/// Whether the boundaries must be read again (the last block could not be read natively,
	/// or the chain did not continue from it).
	pub stale: bool,
	/// Whether the next block gets a `runtime` message too: the block after `CodeUpdated`
	/// runs the new runtime's migrations, which deposit no event of their own.
	pub runtime_next: bool,
}

impl Watch {
	/// Watches `patients` (duplicates once); boundaries are read at the first block.
	pub fn new(patients: Vec<AccountId>) -> Self {
		Self {
			boundaries: patients.into_iter().map(|p| (p, None)).collect(),
			stale: true,
			runtime_next: false,
		}
	}

	/// Reads, in externalities of a block, what the block did to the watched patients, and
	/// moves their boundaries on.
	pub fn scan(&mut self) -> Touched {
		let now = pallet_timestamp::Now::<Runtime>::get();
		let mut touched = Touched::default();
		let mut reread = BTreeSet::new();
		for record in frame_system::Pallet::<Runtime>::read_events_no_consensus() {
			let Some((reason, patient)) = classify(&record.event) else { continue };
			let entry = touched.reasons.entry(reason).or_default();
			if let Some(patient) = patient.filter(|p| self.boundaries.contains_key(*p)) {
				entry.insert(patient.clone());
				reread.insert(patient.clone());
			}
		}
		for (patient, boundary) in &self.boundaries {
			if boundary.is_some_and(|at| at <= now) {
				touched.reasons.entry(ChangeReason::Expiry).or_default().insert(patient.clone());
				reread.insert(patient.clone());
			}
		}
		// Events name patients that are not watched too: keep only non-empty patient reasons.
		touched
			.reasons
			.retain(|reason, patients| reason.is_everyone() || !patients.is_empty());
		let everything = self.stale || touched.reasons.contains_key(&ChangeReason::Runtime);
		for (patient, boundary) in self.boundaries.iter_mut() {
			if everything || reread.contains(patient) {
				*boundary = next_boundary(patient, now);
			}
		}
		self.stale = false;
		touched
	}

	/// The messages for block `block` (number `number`): `discontinuous` if it is not a child
	/// of the last block told about (a fork switch, or blocks imported without a notification,
	/// as in a catch-up sync: their events were never read), `touched` as read natively
	/// (`None`: it could not be read). A discontinuous block should be read with
	/// [`Self::stale`] set, so that every boundary is read again.
	pub fn messages(
		&mut self,
		block: H256,
		number: u32,
		discontinuous: bool,
		touched: Option<Touched>,
	) -> Vec<AccessChange> {
		let everyone: Vec<AccountId> = self.boundaries.keys().cloned().collect();
		let mut reasons: BTreeMap<ChangeReason, Vec<AccountId>> = BTreeMap::new();
		if discontinuous {
			self.stale = true;
			reasons.insert(ChangeReason::Reorg, everyone.clone());
		}
		if core::mem::take(&mut self.runtime_next) {
			reasons.insert(ChangeReason::Runtime, everyone.clone());
		}
		match touched {
			None => {
				self.stale = true;
				reasons.insert(ChangeReason::Runtime, everyone.clone());
			},
			Some(touched) => {
				if touched.reasons.contains_key(&ChangeReason::Runtime) {
					self.runtime_next = true;
				}
				for (reason, patients) in touched.reasons {
					let patients = if reason.is_everyone() {
						everyone.clone()
					} else {
						patients.into_iter().collect()
					};
					reasons.insert(reason, patients);
				}
			},
		}
		reasons
			.into_iter()
			.map(|(reason, patients)| AccessChange { block, number, reason, patients })
			.chain([AccessChange { block, number, reason: ChangeReason::Block, patients: vec![] }])
			.collect()
	}
}

/// What offering a message to the subscriber did.
#[derive(Debug, PartialEq, Eq)]
pub enum Offer {
	/// It was sent.
	Sent,
	/// The subscriber's buffer is full: try again later.
	Full,
	/// The subscriber is gone.
	Closed,
}

/// Where messages go: the subscription's sink, or a test's.
pub trait Subscriber {
	/// Offers `change` without waiting.
	fn offer(&mut self, change: &AccessChange) -> Offer;
}

impl Subscriber for SubscriptionSink {
	fn offer(&mut self, change: &AccessChange) -> Offer {
		let Ok(message) = SubscriptionMessage::from_json(change) else { return Offer::Closed };
		match self.try_send(message) {
			Ok(()) => Offer::Sent,
			Err(TrySendError::Full(_)) => Offer::Full,
			Err(TrySendError::Closed(_)) => Offer::Closed,
		}
	}
}

/// The messages waiting for a subscriber, at most [`MAX_QUEUED`].
#[derive(Debug, Default)]
pub struct Outbox {
	queue: VecDeque<AccessChange>,
}

impl Outbox {
	/// Queues `changes`; if more than [`MAX_QUEUED`] would wait, every waiting message is
	/// replaced by one `lagged` message for the newest block, naming `everyone`.
	pub fn push(&mut self, changes: Vec<AccessChange>, everyone: &[AccountId]) {
		let Some(newest) = changes.last().map(|c| (c.block, c.number)) else { return };
		if self.queue.len().saturating_add(changes.len()) > MAX_QUEUED {
			self.queue.clear();
			self.queue.push_back(AccessChange {
				block: newest.0,
				number: newest.1,
				reason: ChangeReason::Lagged,
				patients: everyone.to_vec(),
			});
		} else {
			self.queue.extend(changes);
		}
	}

	/// Sends what the subscriber takes now, in order. `false` if the subscriber is gone.
	pub fn flush(&mut self, to: &mut impl Subscriber) -> bool {
		while let Some(change) = self.queue.front() {
			match to.offer(change) {
				Offer::Sent => {
					self.queue.pop_front();
				},
				Offer::Full => return true,
				Offer::Closed => return false,
			}
		}
		true
	}

	/// Whether nothing waits.
	pub fn is_empty(&self) -> bool {
		self.queue.is_empty()
	}
}

/// Runs one subscription until the subscriber leaves or the node stops.
pub(crate) async fn run<C, B>(
	access: &SalusAccess<C, B>,
	pending: PendingSubscriptionSink,
	patients: Vec<AccountId>,
) -> SubscriptionResult
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ BlockchainEvents<Block>
		+ Send
		+ Sync
		+ 'static,
	C::Api: ConsentApi<Block, AccountId, Balance> + Core<Block>,
	B: Backend<Block> + Send + Sync + 'static,
{
	if patients.is_empty() || patients.len() > MAX_WATCHED_PATIENTS {
		let message = format!(
			"{} patients: between 1 and {MAX_WATCHED_PATIENTS} per subscription",
			patients.len()
		);
		pending.reject(error(INVALID_PARAMS, message)).await;
		return Ok(());
	}
	let client = access.client().clone();
	let mut sink = pending.accept().await?;
	let mut watch = Watch::new(patients);
	let mut outbox = Outbox::default();

	// Imports are followed from here on (not before `accept`: an unpolled stream would pin
	// blocks). A block imported between the start and the first notification, or without a
	// notification at all, shows as a parent that is not the last block told about.
	let info = client.info();
	let mut imports = client.import_notification_stream();
	let mut last = info.best_hash;
	let Some((watched, start)) = read(access, watch, info.best_hash).await else {
		return Ok(());
	};
	watch = watched;
	let everyone: Vec<AccountId> = watch.boundaries.keys().cloned().collect();
	let mut first = vec![AccessChange {
		block: info.best_hash,
		number: info.best_number,
		reason: ChangeReason::Subscribed,
		patients: everyone.clone(),
	}];
	if start.is_none() {
		first.extend(watch.messages(info.best_hash, info.best_number, false, None));
	} else {
		first.push(AccessChange {
			block: info.best_hash,
			number: info.best_number,
			reason: ChangeReason::Block,
			patients: Vec::new(),
		});
	}
	outbox.push(first, &everyone);

	loop {
		if !outbox.flush(&mut sink) {
			break;
		}
		tokio::select! {
			notification = imports.next() => {
				let Some(notification) = notification else { break };
				if !notification.is_new_best {
					continue;
				}
				let hash = notification.hash;
				let number = *notification.header.number();
				let discontinuous = *notification.header.parent_hash() != last;
				last = hash;
				if discontinuous {
					watch.stale = true;
				}
				let Some((watched, touched)) = read(access, watch, hash).await else { break };
				watch = watched;
				outbox.push(watch.messages(hash, number, discontinuous, touched), &everyone);
			},
			_ = sink.closed() => break,
			_ = tokio::time::sleep(RETRY), if !outbox.is_empty() => {},
		}
	}
	Ok(())
}

/// What block `hash` did to the watched patients, read natively (`None` if it cannot be), with
/// the watch back. It runs on the blocking pool, not on the RPC server's async workers: it
/// reads up to [`MAX_WATCHED_PATIENTS`] ledgers, and the first read under a new runtime asks the
/// gate (which hashes the runtime's code and asks its version). `None` in place of the pair
/// only if that task could not finish (the node is stopping): the subscription ends.
async fn read<C, B>(
	access: &SalusAccess<C, B>,
	mut watch: Watch,
	hash: H256,
) -> Option<(Watch, Option<Touched>)>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: ConsentApi<Block, AccountId, Balance> + Core<Block>,
	B: Backend<Block> + Send + Sync + 'static,
{
	let access = access.clone();
	tokio::task::spawn_blocking(move || {
		let touched = access
			.with_native_state(hash, || storage_versions_match().then(|| watch.scan()))
			.ok()
			.flatten();
		(watch, touched)
	})
	.await
	.ok()
}

#[cfg(test)]
mod tests {
	use super::*;

	fn patient(n: u8) -> AccountId {
		AccountId::new([n; 32])
	}

	fn change(number: u32, reason: ChangeReason) -> AccessChange {
		AccessChange { block: H256::repeat_byte(1), number, reason, patients: vec![patient(1)] }
	}

	/// A subscriber that takes `room` messages, then is full (or gone).
	struct Slow {
		room: usize,
		got: Vec<AccessChange>,
		gone: bool,
	}

	impl Subscriber for Slow {
		fn offer(&mut self, change: &AccessChange) -> Offer {
			if self.gone {
				return Offer::Closed;
			}
			if self.room == 0 {
				return Offer::Full;
			}
			self.room = self.room.saturating_sub(1);
			self.got.push(change.clone());
			Offer::Sent
		}
	}

	#[test]
	fn a_slow_subscriber_gets_one_lagged_message_instead_of_what_it_missed() {
		let everyone = vec![patient(1), patient(2)];
		let mut outbox = Outbox::default();
		let mut slow = Slow { room: 1, got: Vec::new(), gone: false };
		for number in 0..(MAX_QUEUED as u32) {
			outbox.push(vec![change(number, ChangeReason::Consent)], &everyone);
		}
		assert!(outbox.flush(&mut slow));
		assert_eq!(slow.got.len(), 1, "took one, then was full");
		assert_eq!(outbox.queue.len(), MAX_QUEUED - 1);
		// Two more messages overflow the outbox: everything waiting becomes one message.
		outbox.push(
			vec![change(100, ChangeReason::Consent), change(100, ChangeReason::Expiry)],
			&everyone,
		);
		assert_eq!(outbox.queue.len(), 1);
		slow.room = 10;
		assert!(outbox.flush(&mut slow));
		let last = slow.got.last().cloned();
		assert_eq!(
			last,
			Some(AccessChange {
				block: H256::repeat_byte(1),
				number: 100,
				reason: ChangeReason::Lagged,
				patients: everyone.clone(),
			})
		);
		assert!(outbox.is_empty());
		// Afterwards messages flow again, in order.
		outbox.push(vec![change(101, ChangeReason::Consent)], &everyone);
		assert!(outbox.flush(&mut slow));
		assert_eq!(slow.got.last().map(|c| c.number), Some(101));
		// A subscriber that left ends the subscription.
		slow.gone = true;
		outbox.push(vec![change(102, ChangeReason::Consent)], &everyone);
		assert!(!outbox.flush(&mut slow));
	}

	#[test]
	fn a_reorg_or_an_unreadable_block_names_every_patient() {
		let mut watch = Watch::new(vec![patient(2), patient(1), patient(2)]);
		assert_eq!(watch.boundaries.len(), 2, "duplicates watched once");
		assert!(watch.stale, "boundaries are read at the first block");
		watch.stale = false; // as `scan` leaves it
		let block = H256::repeat_byte(7);
		let mut touched = Touched::default();
		touched.reasons.insert(ChangeReason::Consent, [patient(1)].into());
		let messages = watch.messages(block, 9, true, Some(touched));
		let reasons: Vec<_> = messages.iter().map(|m| (m.reason, m.patients.len())).collect();
		assert_eq!(
			reasons,
			[(ChangeReason::Reorg, 2), (ChangeReason::Consent, 1), (ChangeReason::Block, 0)]
		);
		assert!(watch.stale, "after a discontinuity every boundary is read again");
		watch.stale = false;

		let messages = watch.messages(block, 10, false, None);
		let reasons: Vec<_> = messages.iter().map(|m| (m.reason, m.patients.len())).collect();
		assert_eq!(reasons, [(ChangeReason::Runtime, 2), (ChangeReason::Block, 0)]);
		assert!(watch.stale, "boundaries are read again at the next readable block");
	}

	#[test]
	fn the_block_after_a_runtime_upgrade_is_flagged_too() {
		let mut watch = Watch::new(vec![patient(1)]);
		let mut upgraded = Touched::default();
		upgraded.reasons.insert(ChangeReason::Runtime, BTreeSet::new());
		let block = H256::repeat_byte(9);
		let reasons = |messages: Vec<AccessChange>| -> Vec<ChangeReason> {
			messages.iter().map(|m| m.reason).collect()
		};
		assert_eq!(
			reasons(watch.messages(block, 1, false, Some(upgraded))),
			[ChangeReason::Runtime, ChangeReason::Block]
		);
		// The next block runs the migrations: flagged although it deposits no such event.
		assert_eq!(
			reasons(watch.messages(block, 2, false, Some(Touched::default()))),
			[ChangeReason::Runtime, ChangeReason::Block]
		);
		// A quiet block only says it was read.
		assert_eq!(
			watch.messages(block, 3, false, Some(Touched::default())),
			[AccessChange { block, number: 3, reason: ChangeReason::Block, patients: vec![] }]
		);
	}

	#[test]
	fn consent_and_identity_events_are_classified() {
		let eve = patient(5);
		let granted = RuntimeEvent::Consent(pallet_consent::Event::ConsentRevoked {
			patient: eve.clone(),
			id: 3,
			at: 0,
		});
		assert_eq!(classify(&granted), Some((ChangeReason::Consent, Some(&eve))));
		let directive = RuntimeEvent::Consent(pallet_consent::Event::EmergencyDirectiveSet {
			patient: eve.clone(),
			classes: Default::default(),
		});
		assert_eq!(classify(&directive), None);
		let left =
			RuntimeEvent::HealthIdentity(pallet_health_identity::Event::PatientDeregistered {
				patient: eve.clone(),
			});
		assert_eq!(classify(&left), Some((ChangeReason::Patient, Some(&eve))));
		let upgraded =
			RuntimeEvent::System(frame_system::Event::CodeUpdated { hash: H256::repeat_byte(3) });
		assert_eq!(classify(&upgraded), Some((ChangeReason::Runtime, None)));
	}
}
