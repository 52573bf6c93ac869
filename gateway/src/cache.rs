//! The decision cache, kept exact by the node's access-change subscriptions.
//!
//! **What makes it exact.** Patients are watched in groups of at most
//! [`PATIENTS_PER_SUBSCRIPTION`], one `salus_subscribeAccessChanges` subscription each. A group
//! knows the last block its subscription has told everything up to (`subscribed`, and the
//! `block` message that ends every block; `lagged`). Every message that names a patient drops
//! its decisions and notes the block of the change. A decision is cached only if it was asked
//! at the last block told of the patient's group, that block is not older than the patient's
//! last change, and no message named the patient between the question and the answer (a
//! ticket: the sequence number of the last invalidation, taken when the question left). A
//! patient whose change is newer than the last block told (its block's `block` message has
//! not arrived yet) is answered by the node at the change's block or later, uncached.
//!
//! **When it does not answer.** The cache answers only for a patient whose group's
//! subscription is up, has read the node's best block or is at most `max_lag_blocks` behind
//! it (the node's best block comes from a second subscription, to new heads), and has said
//! something within `max_silence`. Otherwise [`Cache::lookup`] says why ([`Why`]) and the
//! question goes to the node, answered there at a named block and not cached: the gateway
//! never guesses.
//!
//! **Growing a group.** A group's patient list is fixed once subscribed. New patients are
//! added by subscribing a replacement group (the old list and the new patients); the
//! replacement takes the old group's patients over once both have told the same block (by
//! hash), so that no change falls between the two, whatever forks the chain took; until then
//! both drop decisions. A group whose subscription ended is replaced the
//! same way, its patients' decisions dropped at once.

use crate::config::CacheConfig;
use salus_client::{AccessAnswer, AccountId, BlockNumber, Hash};
use salus_primitives::{DataClass, Purpose};
use serde::{Deserialize, Serialize};
use std::{
	collections::{BTreeSet, HashMap, HashSet},
	time::Instant,
};

/// The node's limit: at most this many patients one subscription watches.
pub const PATIENTS_PER_SUBSCRIPTION: usize = 1_000;

/// A block, by hash and number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockRef {
	/// Its hash.
	pub hash: Hash,
	/// Its number.
	pub number: BlockNumber,
}

/// One question: may `accessor` see `class` of `patient`'s data for `purpose`?
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
	/// Whose data.
	pub patient: AccountId,
	/// Who asks (a practitioner).
	pub accessor: AccountId,
	/// Which part of the record.
	pub class: DataClass,
	/// What for.
	pub purpose: Purpose,
}

// The data class and the purpose are fieldless enums: they hash as their index.
impl std::hash::Hash for Key {
	fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
		self.patient.hash(state);
		self.accessor.hash(state);
		state.write_u8(self.class as u8);
		state.write_u8(self.purpose as u8);
	}
}

/// A cached answer and the block it was decided at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cached {
	/// The answer.
	pub decision: AccessAnswer,
	/// The block it was decided at.
	pub block: BlockRef,
}

struct Entry {
	cached: Cached,
	used: u64,
}

/// Why the cache does not answer for a patient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "why")]
pub enum Why {
	/// The patient is not watched yet (it is being added), or cannot be (`max_watched_patients`).
	NotWatched,
	/// The patient's subscription is not up: the gateway is (re)connecting to the node.
	SubscriptionDown,
	/// The node's best block is not known: the heads subscription is down.
	HeadsUnknown,
	/// The patient's subscription has read up to `told`, the node's best block is `best`.
	Behind {
		/// The last block told.
		told: BlockNumber,
		/// The node's best block.
		best: BlockNumber,
	},
	/// Nothing was told for this long.
	Silent {
		/// Milliseconds since the last message.
		ms: u64,
	},
	/// A change of the patient's in block `changed` is told, the rest of that block not yet.
	Changing {
		/// The last block told.
		told: BlockNumber,
		/// The block of the change.
		changed: BlockNumber,
	},
}

impl std::fmt::Display for Why {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Self::NotWatched => write!(f, "the patient is not watched yet"),
			Self::SubscriptionDown => write!(f, "the subscription to the node is down"),
			Self::HeadsUnknown => write!(f, "the node's best block is unknown"),
			Self::Behind { told, best } => write!(
				f,
				"the subscription is behind: it has read block {told}, the node is at {best}"
			),
			Self::Silent { ms } => write!(f, "the subscription has been silent for {ms} ms"),
			Self::Changing { told, changed } => write!(
				f,
				"the patient changed in block {changed}, the subscription has told up to {told}"
			),
		}
	}
}

/// What [`Cache::lookup`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
	/// A cached answer.
	Hit(Cached),
	/// Not cached: ask the node at `at`, then [`Cache::insert`] with `ticket`.
	Miss {
		/// The block to ask at: the last one the patient's subscription told.
		at: BlockRef,
		/// The ticket for [`Cache::insert`].
		ticket: u64,
	},
	/// The cache cannot answer for this patient now: ask the node at its best block (`at`,
	/// if known) and do not cache.
	Bypass {
		/// The node's best block, if known.
		at: Option<BlockRef>,
		/// Why.
		why: Why,
	},
}

/// A group of watched patients: one subscription.
pub type GroupId = u64;

#[derive(Debug)]
struct Group {
	patients: Vec<AccountId>,
	/// Subscribed and not ended.
	live: bool,
	/// The last block it told everything up to.
	told: Option<BlockRef>,
	/// When it last said anything.
	last: Instant,
	/// The groups whose patients it takes over.
	replaces: Vec<GroupId>,
	/// It has taken them over (or replaced nobody).
	current: bool,
}

/// A message of the node's subscription, as the gateway reads it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
	/// The block.
	pub block: Hash,
	/// Its number.
	pub number: BlockNumber,
	/// Why (`subscribed`, `block`, `consent`, …).
	pub reason: String,
	/// The patients it names.
	pub patients: Vec<AccountId>,
}

/// Counters for `/metrics`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
	/// Answers from the cache.
	pub hits: u64,
	/// Answers asked of the node and cached.
	pub misses: u64,
	/// Answers asked of the node and not cached (the cache could not answer).
	pub bypasses: u64,
	/// Answers that came back after a message named their patient: not cached.
	pub stale_answers: u64,
	/// Decisions dropped because a message named their patient.
	pub invalidated: u64,
	/// Decisions dropped to make room.
	pub evicted: u64,
}

/// The cache. Not synchronized: the gateway holds it in a mutex.
pub struct Cache {
	config: CacheConfig,
	entries: HashMap<Key, Entry>,
	by_patient: HashMap<AccountId, HashSet<Key>>,
	/// Watched patients: their group and the sequence number of their last invalidation.
	watched: HashMap<AccountId, (GroupId, u64)>,
	pending: BTreeSet<AccountId>,
	/// Patients of a replacement that has not taken over yet, not watched before.
	joining: HashSet<AccountId>,
	/// The block of each patient's last change a message told.
	changed: HashMap<AccountId, BlockRef>,
	groups: HashMap<GroupId, Group>,
	next_group: GroupId,
	seq: u64,
	tick: u64,
	best: Option<BlockRef>,
	counters: Counters,
}

impl Cache {
	/// An empty cache.
	pub fn new(config: CacheConfig) -> Self {
		Self {
			config,
			entries: HashMap::new(),
			by_patient: HashMap::new(),
			watched: HashMap::new(),
			pending: BTreeSet::new(),
			joining: HashSet::new(),
			changed: HashMap::new(),
			groups: HashMap::new(),
			next_group: 0,
			seq: 0,
			tick: 0,
			best: None,
			counters: Counters::default(),
		}
	}

	/// Whether `patient` may be answered from the cache now: the block its decisions are asked
	/// at, or why not.
	fn trusted(&self, patient: &AccountId, now: Instant) -> Result<BlockRef, Why> {
		let (group, _) = self.watched.get(patient).ok_or(Why::NotWatched)?;
		let group = self.groups.get(group).ok_or(Why::SubscriptionDown)?;
		let told = match (group.live, group.told) {
			(true, Some(told)) => told,
			_ => return Err(Why::SubscriptionDown),
		};
		let best = self.best.ok_or(Why::HeadsUnknown)?;
		if best.number > told.number.saturating_add(self.config.max_lag_blocks) {
			return Err(Why::Behind { told: told.number, best: best.number });
		}
		let silent = now.saturating_duration_since(group.last);
		if silent > self.config.max_silence {
			return Err(Why::Silent { ms: u64::try_from(silent.as_millis()).unwrap_or(u64::MAX) });
		}
		Ok(told)
	}

	/// Looks `key` up. A patient not watched is not queued to be: [`Self::want`] that, once
	/// the node has said the patient is registered.
	pub fn lookup(&mut self, key: &Key, now: Instant) -> Lookup {
		let trusted =
			self.trusted(&key.patient, now)
				.and_then(|told| match self.changed.get(&key.patient) {
					Some(changed) if changed.number > told.number => {
						Err(Why::Changing { told: told.number, changed: changed.number })
					},
					_ => Ok(told),
				});
		match trusted {
			Ok(told) => {
				self.tick = self.tick.saturating_add(1);
				if let Some(entry) = self.entries.get_mut(key) {
					entry.used = self.tick;
					self.counters.hits = self.counters.hits.saturating_add(1);
					return Lookup::Hit(entry.cached);
				}
				self.counters.misses = self.counters.misses.saturating_add(1);
				Lookup::Miss { at: told, ticket: self.seq }
			},
			Err(why) => {
				self.counters.bypasses = self.counters.bypasses.saturating_add(1);
				// Not before the patient's last change: at the node's best block, or the
				// change's if the heads have not shown it yet.
				let changed = self.changed.get(&key.patient).copied();
				// With the best block unknown the node's own best is asked (it includes
				// any change it told), never a block a change once named.
				let at = match (self.best, changed) {
					(Some(best), Some(changed)) if changed.number > best.number => Some(changed),
					(best, _) => best,
				};
				Lookup::Bypass { at, why }
			},
		}
	}

	/// Caches the node's answer to `key`, asked at `block` with `ticket` from
	/// [`Self::lookup`], unless a message named the patient since; `true` if cached.
	pub fn insert(
		&mut self,
		key: Key,
		decision: AccessAnswer,
		block: BlockRef,
		ticket: u64,
	) -> bool {
		let fresh = self
			.watched
			.get(&key.patient)
			.is_some_and(|(_, invalidated)| *invalidated <= ticket)
			&& self
				.changed
				.get(&key.patient)
				.is_none_or(|changed| changed.number <= block.number);
		if !fresh {
			self.counters.stale_answers = self.counters.stale_answers.saturating_add(1);
			return false;
		}
		if self.entries.len() >= self.config.max_entries && !self.entries.contains_key(&key) {
			self.evict();
		}
		self.tick = self.tick.saturating_add(1);
		self.by_patient.entry(key.patient.clone()).or_default().insert(key.clone());
		self.entries
			.insert(key, Entry { cached: Cached { decision, block }, used: self.tick });
		true
	}

	/// Drops the least recently used tenth of the entries (at least one).
	fn evict(&mut self) {
		let count = (self.entries.len() / 10).max(1);
		let mut uses: Vec<u64> = self.entries.values().map(|e| e.used).collect();
		let Some(index) = count.checked_sub(1) else { return };
		let (_, threshold, _) = uses.select_nth_unstable(index);
		let threshold = *threshold;
		let old: Vec<Key> = self
			.entries
			.iter()
			.filter(|(_, e)| e.used <= threshold)
			.map(|(k, _)| k.clone())
			.collect();
		for key in old {
			self.remove(&key);
			self.counters.evicted = self.counters.evicted.saturating_add(1);
		}
	}

	fn remove(&mut self, key: &Key) {
		self.entries.remove(key);
		if let Some(keys) = self.by_patient.get_mut(&key.patient) {
			keys.remove(key);
			if keys.is_empty() {
				self.by_patient.remove(&key.patient);
			}
		}
	}

	/// Drops every decision about `patient`, refuses answers asked before now, and notes that
	/// it changed in block `at` (if known: a subscription that ended says nothing of when).
	/// After a fork switch (`reorg`) the change's block stands whatever its height: the
	/// blocks a higher change was in may be retracted.
	fn invalidate(&mut self, patient: &AccountId, at: Option<BlockRef>, reorg: bool) {
		if let Some(at) = at {
			let newer =
				reorg || self.changed.get(patient).is_none_or(|before| before.number <= at.number);
			if newer {
				self.changed.insert(patient.clone(), at);
			}
		}
		self.seq = self.seq.saturating_add(1);
		if let Some((_, invalidated)) = self.watched.get_mut(patient) {
			*invalidated = self.seq;
		}
		if let Some(keys) = self.by_patient.remove(patient) {
			self.counters.invalidated = self.counters.invalidated.saturating_add(keys.len() as u64);
			for key in keys {
				self.entries.remove(&key);
			}
		}
	}

	/// Queues `patient` to be watched, if there is room. The gateway asks this only for a
	/// patient the node knows (not `UnknownPatient`), so that questions about made-up accounts
	/// cannot fill the watch and crowd real patients out of the cache.
	pub fn want(&mut self, patient: &AccountId) {
		if self.watched.contains_key(patient)
			|| self.pending.contains(patient)
			|| self.joining.contains(patient)
		{
			return;
		}
		let watching = self
			.watched
			.len()
			.saturating_add(self.pending.len())
			.saturating_add(self.joining.len());
		if watching < self.config.max_watched_patients {
			self.pending.insert(patient.clone());
		}
	}

	/// The node's best block, from the heads subscription (`None`: it is down).
	pub fn set_best(&mut self, best: Option<BlockRef>) {
		self.best = best;
	}

	/// The node's best block, if known.
	pub fn best(&self) -> Option<BlockRef> {
		self.best
	}

	/// What the watcher should subscribe next, if anything: the patients of a new group and
	/// the groups it replaces. A group whose subscription ended is replaced by one with its
	/// patients; otherwise waiting patients join the newest group that has room (replacing
	/// it), or start one. One replacement at a time: none while one is starting.
	pub fn next_group(&mut self) -> Option<(GroupId, Vec<AccountId>)> {
		if self.groups.values().any(|g| !g.current) {
			return None;
		}
		// A group that went down first.
		let down = self
			.groups
			.iter()
			.find(|(_, g)| !g.live)
			.map(|(id, g)| (*id, g.patients.clone()));
		let (replaces, mut patients) = match down {
			Some((id, patients)) => (vec![id], patients),
			None => {
				if self.pending.is_empty() {
					return None;
				}
				let open = self
					.groups
					.iter()
					.filter(|(_, g)| g.patients.len() < PATIENTS_PER_SUBSCRIPTION)
					.max_by_key(|(id, _)| **id)
					.map(|(id, g)| (*id, g.patients.clone()));
				match open {
					Some((id, patients)) => (vec![id], patients),
					None => (Vec::new(), Vec::new()),
				}
			},
		};
		let room = PATIENTS_PER_SUBSCRIPTION.saturating_sub(patients.len());
		let joining: Vec<AccountId> = self.pending.iter().take(room).cloned().collect();
		for patient in &joining {
			self.pending.remove(patient);
			self.joining.insert(patient.clone());
		}
		patients.extend(joining);
		let id = self.next_group;
		self.next_group = self.next_group.saturating_add(1);
		self.groups.insert(
			id,
			Group {
				patients: patients.clone(),
				live: false,
				told: None,
				last: Instant::now(),
				replaces,
				current: false,
			},
		);
		Some((id, patients))
	}

	/// A message of group `group`'s subscription. The groups it returns were taken over: end
	/// their subscriptions.
	pub fn apply(&mut self, group: GroupId, change: &Change, now: Instant) -> Vec<GroupId> {
		let block = BlockRef { hash: change.block, number: change.number };
		let Some(state) = self.groups.get_mut(&group) else { return Vec::new() };
		state.last = now;
		match change.reason.as_str() {
			"subscribed" => {
				state.live = true;
				state.told = Some(block);
			},
			"block" => state.told = Some(block),
			"lagged" => {
				state.told = Some(block);
				for patient in &change.patients {
					self.invalidate(patient, Some(block), false);
				}
			},
			// Every other reason (`consent`, `patient`, `expiry`, `provider`, `reorg`,
			// `runtime`, and any the node adds later) drops what it names.
			reason => {
				let reorg = reason == "reorg";
				for patient in &change.patients {
					self.invalidate(patient, Some(block), reorg);
				}
			},
		}
		self.take_over()
	}

	/// Lets every live replacement take its replaced groups' patients over once each of them
	/// has told the same block as it (the same hash: both have told everything up to one block
	/// of one chain) or has ended; returns the groups taken over.
	fn take_over(&mut self) -> Vec<GroupId> {
		let mut done = Vec::new();
		let ready: Vec<GroupId> = self
			.groups
			.iter()
			.filter(|(_, g)| !g.current && g.live && g.told.is_some())
			.filter(|(_, g)| {
				g.replaces.iter().all(|old| {
					self.groups.get(old).is_none_or(|old| !old.live || old.told == g.told)
				})
			})
			.map(|(id, _)| *id)
			.collect();
		for id in ready {
			let Some(group) = self.groups.get_mut(&id) else { continue };
			group.current = true;
			let replaces = core::mem::take(&mut group.replaces);
			let patients = group.patients.clone();
			for patient in patients {
				self.joining.remove(&patient);
				let invalidated =
					self.watched.get(&patient).map(|(_, seq)| *seq).unwrap_or(self.seq);
				self.watched.insert(patient, (id, invalidated));
			}
			for old in replaces {
				self.groups.remove(&old);
				done.push(old);
			}
		}
		done
	}

	/// Group `group`'s subscription ended: its patients are not answered from the cache, and
	/// their decisions are dropped, until a replacement has started.
	pub fn group_down(&mut self, group: GroupId) {
		let Some(state) = self.groups.get_mut(&group) else { return };
		state.live = false;
		if !state.current {
			// A replacement that never took over: forget it, its patients are still where
			// they were (or still waiting).
			let state = self.groups.remove(&group);
			if let Some(state) = state {
				for patient in state.patients {
					if self.joining.remove(&patient) {
						self.pending.insert(patient);
					}
				}
			}
			return;
		}
		let patients = state.patients.clone();
		for patient in &patients {
			self.invalidate(patient, None, false);
		}
		// A replacement waiting for this group need not wait any longer.
		self.take_over();
	}

	/// Every group's subscription ended (the connection to the node was lost).
	pub fn all_down(&mut self) {
		let ids: Vec<GroupId> = self.groups.keys().copied().collect();
		for id in ids {
			self.group_down(id);
		}
		// Everything is dropped and every ticket refused: the changes' blocks no longer matter,
		// and after a reconnect (perhaps to a node with a shorter chain) they could mislead.
		self.changed.clear();
		self.best = None;
	}

	/// The current groups whose subscriptions are up but have said nothing for longer than
	/// `max_silence` while the node's best block moved past what they told: the watcher
	/// replaces them (a subscription the node stopped feeding would otherwise keep its patients
	/// out of the cache for good).
	pub fn silent_groups(&self, now: Instant) -> Vec<GroupId> {
		self.groups
			.iter()
			.filter(|(_, g)| g.current && g.live)
			.filter(|(_, g)| now.saturating_duration_since(g.last) > self.config.max_silence)
			// A chain that paused is not a stalled subscription: only one the node moved past.
			.filter(|(_, g)| match (self.best, g.told) {
				(Some(best), Some(told)) => best.number > told.number,
				_ => false,
			})
			.map(|(id, _)| *id)
			.collect()
	}

	/// Whether group `group` has taken its patients over (and not been replaced since).
	pub fn is_current(&self, group: GroupId) -> bool {
		self.groups.get(&group).is_some_and(|g| g.current)
	}

	/// Counters so far.
	pub fn counters(&self) -> Counters {
		self.counters
	}

	/// Decisions cached, patients watched, patients waiting to be (or joining), subscriptions.
	pub fn sizes(&self) -> (usize, usize, usize, usize) {
		let waiting = self.pending.len().saturating_add(self.joining.len());
		(self.entries.len(), self.watched.len(), waiting, self.groups.len())
	}

	/// How many blocks the most lagging live group is behind the node's best block (`None`:
	/// no group is live or the best block is unknown).
	pub fn lag(&self) -> Option<BlockNumber> {
		let best = self.best?;
		self.groups
			.values()
			.filter(|g| g.current && g.live)
			.filter_map(|g| g.told)
			.map(|told| best.number.saturating_sub(told.number))
			.max()
	}

	/// Why the cache cannot answer for every watched patient now, if it cannot.
	pub fn not_ready(&self, now: Instant) -> Option<Why> {
		if self.best.is_none() {
			return Some(Why::HeadsUnknown);
		}
		self.groups
			.values()
			.filter(|g| g.current)
			.filter_map(|g| g.patients.first())
			.find_map(|p| self.trusted(p, now).err())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use salus_primitives::{AccessBasis, DenyReason, GrantSource};
	use std::time::Duration;

	fn account(n: u32) -> AccountId {
		let mut bytes = [0u8; 32];
		bytes[..4].copy_from_slice(&n.to_le_bytes());
		AccountId::new(bytes)
	}

	fn key(patient: u32) -> Key {
		Key {
			patient: account(patient),
			accessor: account(1_000_000),
			class: DataClass::LabResults,
			purpose: Purpose::Treatment,
		}
	}

	fn block(number: BlockNumber) -> BlockRef {
		BlockRef { hash: Hash::repeat_byte(number as u8), number }
	}

	fn change(number: BlockNumber, reason: &str, patients: &[u32]) -> Change {
		change_at(block(number), reason, patients)
	}

	fn change_at(at: BlockRef, reason: &str, patients: &[u32]) -> Change {
		Change {
			block: at.hash,
			number: at.number,
			reason: reason.to_owned(),
			patients: patients.iter().map(|p| account(*p)).collect(),
		}
	}

	const DENY: AccessAnswer = AccessAnswer::Deny { reason: DenyReason::NoConsent };
	const PERMIT: AccessAnswer = AccessAnswer::Permit {
		basis: AccessBasis::Consent { id: 7, source: GrantSource::Patient },
	};

	fn config() -> CacheConfig {
		CacheConfig {
			max_entries: 100,
			max_watched_patients: 5_000,
			max_lag_blocks: 1,
			max_silence: Duration::from_secs(15),
		}
	}

	/// A cache watching `patients` in one live group at block 10, best block 10.
	fn watching(patients: &[u32], now: Instant) -> (Cache, GroupId) {
		let mut cache = Cache::new(config());
		cache.set_best(Some(block(10)));
		for p in patients {
			assert!(matches!(
				cache.lookup(&key(*p), now),
				Lookup::Bypass { why: Why::NotWatched, .. }
			));
			cache.want(&account(*p));
		}
		let (group, watched) = cache.next_group().unwrap();
		assert_eq!(watched.len(), patients.len());
		assert!(cache.apply(group, &change(10, "subscribed", patients), now).is_empty());
		(cache, group)
	}

	#[test]
	fn a_patient_is_answered_by_the_node_until_watched_then_from_the_cache() {
		let now = Instant::now();
		let (mut cache, _) = watching(&[1], now);
		let Lookup::Miss { at, ticket } = cache.lookup(&key(1), now) else { panic!("a miss") };
		assert_eq!(at, block(10), "asked at the block the subscription started at");
		assert!(cache.insert(key(1), DENY, at, ticket));
		assert_eq!(
			cache.lookup(&key(1), now),
			Lookup::Hit(Cached { decision: DENY, block: block(10) })
		);
		assert_eq!(cache.counters().hits, 1);
		assert_eq!(cache.counters().misses, 1);
		assert_eq!(cache.counters().bypasses, 1);
	}

	#[test]
	fn a_change_drops_the_decision_and_refuses_an_answer_asked_before_it() {
		let now = Instant::now();
		let (mut cache, group) = watching(&[1, 2], now);
		let Lookup::Miss { at, ticket } = cache.lookup(&key(1), now) else { panic!() };
		assert!(cache.insert(key(1), DENY, at, ticket));
		let Lookup::Miss { at: at2, ticket: ticket2 } = cache.lookup(&key(2), now) else {
			panic!()
		};
		// Another question about patient 1 (another purpose) is out too.
		let research = Key { purpose: Purpose::Research, ..key(1) };
		let Lookup::Miss { at, ticket } = cache.lookup(&research, now) else { panic!() };
		// Block 11 grants patient 1 a consent while patient 2's question is out.
		cache.set_best(Some(block(11)));
		cache.apply(group, &change(11, "consent", &[1]), now);
		// Patient 2's answer is still good (nobody named it); patient 1's decision is gone, and
		// an answer about it asked before the change is refused.
		assert!(cache.insert(key(2), DENY, at2, ticket2));
		assert!(!cache.insert(research, DENY, at, ticket));
		assert_eq!(cache.counters().stale_answers, 1);
		// Until block 11's end is told, patient 1 is answered by the node at block 11 or later,
		// uncached; an answer at block 10 is refused even with a ticket taken after the change.
		assert_eq!(
			cache.lookup(&key(1), now),
			Lookup::Bypass { at: Some(block(11)), why: Why::Changing { told: 10, changed: 11 } }
		);
		assert!(!cache.insert(key(1), DENY, block(10), cache.seq), "decided before the change");
		cache.apply(group, &change(11, "block", &[]), now);
		let Lookup::Miss { at, ticket } = cache.lookup(&key(1), now) else { panic!() };
		assert_eq!(at, block(11));
		assert!(cache.insert(key(1), PERMIT, at, ticket));
		assert_eq!(
			cache.lookup(&key(1), now),
			Lookup::Hit(Cached { decision: PERMIT, block: block(11) })
		);
	}

	#[test]
	fn a_subscription_behind_silent_or_without_heads_is_not_trusted() {
		let now = Instant::now();
		let (mut cache, group) = watching(&[1], now);
		let Lookup::Miss { at, ticket } = cache.lookup(&key(1), now) else { panic!() };
		assert!(cache.insert(key(1), DENY, at, ticket));
		// One block ahead is allowed (the subscription reads a block just after its import).
		cache.set_best(Some(block(11)));
		assert!(matches!(cache.lookup(&key(1), now), Lookup::Hit(_)));
		cache.set_best(Some(block(12)));
		assert_eq!(
			cache.lookup(&key(1), now),
			Lookup::Bypass { at: Some(block(12)), why: Why::Behind { told: 10, best: 12 } }
		);
		cache.apply(group, &change(12, "block", &[]), now);
		assert!(matches!(cache.lookup(&key(1), now), Lookup::Hit(_)), "caught up");
		let later = now + Duration::from_secs(16);
		assert!(cache.silent_groups(later).is_empty(), "the chain paused: nothing to replace");
		cache.set_best(Some(block(13)));
		assert_eq!(cache.silent_groups(later), [group], "the node moved on: to be replaced");
		assert!(cache.silent_groups(now).is_empty());
		cache.set_best(Some(block(12)));
		assert!(matches!(
			cache.lookup(&key(1), later),
			Lookup::Bypass { why: Why::Silent { .. }, .. }
		));
		assert!(cache.not_ready(later).is_some());
		cache.set_best(None);
		assert!(matches!(
			cache.lookup(&key(1), now),
			Lookup::Bypass { at: None, why: Why::HeadsUnknown }
		));
		assert_eq!(cache.not_ready(now), Some(Why::HeadsUnknown));
	}

	#[test]
	fn a_fork_switch_to_a_shorter_chain_or_a_reconnect_does_not_strand_a_patient() {
		let now = Instant::now();
		let (mut cache, group) = watching(&[1], now);
		// A change at 15A, then GRANDPA forces the chain back to 12B.
		cache.set_best(Some(block(15)));
		cache.apply(group, &change(15, "consent", &[1]), now);
		let fork = BlockRef { hash: Hash::repeat_byte(0xfb), number: 12 };
		cache.set_best(Some(fork));
		cache.apply(group, &change_at(fork, "reorg", &[1]), now);
		cache.apply(group, &change_at(fork, "block", &[]), now);
		let Lookup::Miss { at, ticket } = cache.lookup(&key(1), now) else {
			panic!("asked at 12B, not stranded until the chain regrows to 15")
		};
		assert_eq!(at, fork);
		assert!(cache.insert(key(1), DENY, at, ticket));
		// A change while the best block is unknown: the node's own best is asked, not the
		// change's block.
		cache.apply(group, &change(13, "consent", &[1]), now);
		cache.set_best(None);
		assert_eq!(cache.lookup(&key(1), now), Lookup::Bypass { at: None, why: Why::HeadsUnknown });
		// Reconnecting forgets the changes' blocks along with everything else.
		cache.all_down();
		assert!(cache.changed.is_empty());
	}

	#[test]
	fn a_lagged_subscriber_drops_everything_it_names() {
		let now = Instant::now();
		let (mut cache, group) = watching(&[1, 2], now);
		for p in [1, 2] {
			let Lookup::Miss { at, ticket } = cache.lookup(&key(p), now) else { panic!() };
			assert!(cache.insert(key(p), DENY, at, ticket));
		}
		cache.set_best(Some(block(80)));
		cache.apply(group, &change(80, "lagged", &[1, 2]), now);
		for p in [1, 2] {
			assert_eq!(
				cache.lookup(&key(p), now),
				Lookup::Miss { at: block(80), ticket: cache.seq }
			);
		}
	}

	#[test]
	fn a_new_patient_joins_by_a_replacement_that_takes_over_only_when_both_told_one_block() {
		let now = Instant::now();
		let (mut cache, old) = watching(&[1], now);
		let Lookup::Miss { at, ticket } = cache.lookup(&key(1), now) else { panic!() };
		assert!(cache.insert(key(1), DENY, at, ticket));
		// Patient 2 is asked about: queued, and a replacement for (1, 2) is subscribed.
		assert!(matches!(cache.lookup(&key(2), now), Lookup::Bypass { why: Why::NotWatched, .. }));
		cache.want(&account(2));
		let (new, patients) = cache.next_group().unwrap();
		assert_eq!(patients, [account(1), account(2)]);
		assert!(cache.next_group().is_none(), "one replacement at a time");
		// The replacement starts at block 11, the old subscription has told only 10.
		cache.set_best(Some(block(11)));
		assert!(cache.apply(new, &change(11, "subscribed", &[1, 2]), now).is_empty());
		assert!(!cache.is_current(new));
		assert!(matches!(cache.lookup(&key(2), now), Lookup::Bypass { why: Why::NotWatched, .. }));
		assert!(matches!(cache.lookup(&key(1), now), Lookup::Hit(_)), "still the old group's");
		// Block 11 names patient 1 through the old subscription: still heard.
		cache.apply(old, &change(11, "consent", &[1]), now);
		assert!(matches!(cache.lookup(&key(1), now), Lookup::Bypass { .. }));
		// On a fork: the old one tells 12A, the replacement 12B. Not the same block: no
		// takeover until both have told one block.
		let fork = BlockRef { hash: Hash::repeat_byte(0xfb), number: 12 };
		cache.set_best(Some(block(12)));
		assert!(cache.apply(old, &change(12, "block", &[]), now).is_empty());
		assert!(cache.apply(new, &change_at(fork, "block", &[]), now).is_empty());
		assert!(!cache.is_current(new));
		// The old one follows the switch to 12B: now both told 12B, and the old one is ended.
		cache.set_best(Some(fork));
		cache.apply(old, &change_at(fork, "reorg", &[1]), now);
		assert_eq!(cache.apply(old, &change_at(fork, "block", &[]), now), [old]);
		assert!(cache.is_current(new));
		let Lookup::Miss { at, .. } = cache.lookup(&key(2), now) else { panic!("watched now") };
		assert_eq!(at, fork);
		assert_eq!(cache.sizes().3, 1, "one subscription left");
	}

	#[test]
	fn a_subscription_that_ends_drops_its_decisions_until_replaced() {
		let now = Instant::now();
		let (mut cache, group) = watching(&[1], now);
		let Lookup::Miss { at, ticket } = cache.lookup(&key(1), now) else { panic!() };
		assert!(cache.insert(key(1), PERMIT, at, ticket));
		cache.group_down(group);
		assert!(matches!(
			cache.lookup(&key(1), now),
			Lookup::Bypass { why: Why::SubscriptionDown, .. }
		));
		// An answer that was out when it went down is not cached.
		assert!(!cache.insert(key(1), PERMIT, at, ticket));
		let (replacement, patients) = cache.next_group().unwrap();
		assert_eq!(patients, [account(1)]);
		cache.apply(replacement, &change(14, "subscribed", &[1]), now);
		assert!(cache.is_current(replacement), "the old one is down: nothing to wait for");
		assert_eq!(cache.lookup(&key(1), now), Lookup::Miss { at: block(14), ticket: cache.seq });
		// A replacement that fails before taking over is forgotten; its new patients wait again.
		assert!(matches!(cache.lookup(&key(2), now), Lookup::Bypass { why: Why::NotWatched, .. }));
		cache.want(&account(2));
		let (failed, _) = cache.next_group().unwrap();
		cache.group_down(failed);
		assert!(cache.is_current(replacement));
		let (_, patients) = cache.next_group().unwrap();
		assert_eq!(patients, [account(1), account(2)], "patient 2 asked for again");
		// Losing the connection takes everything down.
		cache.all_down();
		assert!(matches!(cache.lookup(&key(1), now), Lookup::Bypass { at: None, .. }));
	}

	#[test]
	fn groups_hold_a_thousand_patients_and_the_watch_is_bounded() {
		let now = Instant::now();
		let mut cache = Cache::new(CacheConfig { max_watched_patients: 1_500, ..config() });
		cache.set_best(Some(block(10)));
		for p in 0..2_000 {
			cache.lookup(&key(p), now);
			cache.want(&account(p));
		}
		assert_eq!(cache.sizes().2, 1_500, "no more than max_watched_patients wait or are watched");
		let (first, patients) = cache.next_group().unwrap();
		assert_eq!(patients.len(), PATIENTS_PER_SUBSCRIPTION);
		let everyone: Vec<u32> = (0..1_000).collect();
		cache.apply(first, &change(10, "subscribed", &everyone), now);
		let (second, patients) = cache.next_group().unwrap();
		assert_eq!(patients.len(), 500, "a full group is left alone: the rest start a new one");
		cache.apply(second, &change(10, "subscribed", &[]), now);
		assert!(cache.is_current(first) && cache.is_current(second));
		assert_eq!(cache.sizes().1, 1_500);
		assert!(cache.next_group().is_none());
	}

	#[test]
	fn the_least_recently_asked_decisions_make_room() {
		let now = Instant::now();
		let patients: Vec<u32> = (0..101).collect();
		let (mut cache, _) = watching(&patients, now);
		for p in 0..100 {
			let Lookup::Miss { at, ticket } = cache.lookup(&key(p), now) else { panic!() };
			assert!(cache.insert(key(p), DENY, at, ticket));
		}
		// Patient 0 is asked again: the least recently asked is now patient 1.
		assert!(matches!(cache.lookup(&key(0), now), Lookup::Hit(_)));
		let Lookup::Miss { at, ticket } = cache.lookup(&key(100), now) else { panic!() };
		assert!(cache.insert(key(100), DENY, at, ticket));
		assert!(cache.sizes().0 <= 100);
		assert_eq!(cache.counters().evicted, 10, "a tenth goes at once");
		assert!(matches!(cache.lookup(&key(0), now), Lookup::Hit(_)));
		assert!(matches!(cache.lookup(&key(1), now), Lookup::Miss { .. }));
		assert!(matches!(cache.lookup(&key(100), now), Lookup::Hit(_)));
	}
}
