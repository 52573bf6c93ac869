//! `salus_checkAccess` and `salus_checkAccessBatch`: the access decision for an EHR, answered
//! natively.
//!
//! The consent pallet's own decision ([`pallet_consent::Pallet::check_access`]) runs in the
//! node, compiled natively, over the state of the block asked about — no wasm instance, no
//! runtime call. That is only sound while the runtime on chain is the one the node was built
//! with, so the native path is **gated**: it answers only when, at that block,
//!
//! - the runtime code (`:code`) is byte for byte the runtime the node embeds
//!   ([`salus_runtime::WASM_BINARY`], compared by its blake2-256 hash): the same source built
//!   the same way. Version numbers alone are not enough — a `spec_version` that a change forgot
//!   to bump would let different logic answer;
//! - its `spec_name`, `spec_version` and `ConsentApi` version are the node's
//!   ([`salus_runtime::VERSION`]) — implied by the first, checked for clarity (both once per
//!   runtime code, cached by the hash of `:code`);
//! - the consent and identity pallets' storage versions on chain are the ones compiled in
//!   (checked on every answer: a migration changes them).
//!
//! A node built from other sources than the chain's runtime (or whose wasm was built
//! differently: a deterministic build tool's output differs byte for byte) therefore asks the
//! runtime API: slower, never wrong. Otherwise too (a runtime upgrade the node does not know
//! yet) the answer comes from the runtime API (`ConsentApi::check_access_batch`, or `check_access` one by one on a runtime older than
//! version 2 of the API), which is always right and slower.
//!
//! **Shadowing.** With `--salus-shadow-every N` (N > 0) one native answer in N is also asked of
//! the runtime API and compared; a mismatch is logged (target `salus::access`, level warn)
//! and counted. `salus_accessStats` reports the counters. Shadowing runs inside the request:
//! a diagnostic mode, not one for peak hours.
//!
//! **Load.** A single `salus_checkAccess` about the best block (the default), when the gate's
//! verdict for that block's runtime is already known and favourable and nothing is shadowed,
//! is answered on the RPC worker that received it: it opens the best block's state (whose trie
//! nodes and values the node's caches mostly hold), checks the runtime code's hash against the
//! verdict and reads seven storage items (two storage versions, the time, the patient, the
//! accessor's practitioner entry, its provider and the patient's ledger of at most 132
//! entries) — tens of microseconds, less than handing the call to another thread costs on a
//! small machine (2026-12-07 read-path report). A key nobody touched lately may still be read
//! from the database, on the worker (not measured separately).
//! Everything else runs on the blocking pool: any other block (even the finalized one, which a
//! finality stall can leave far behind, its state cold), batches (at most [`MAX_BATCH`]
//! queries, each reading and decoding its patient's ledger), the first answer for a runtime
//! (the gate hashes its code and asks its version), shadowing and the runtime API fallback (a
//! node whose runtime is not the chain's first opens the state on the worker, finds the verdict
//! unfavourable and hands the call over). `salus_accessStats` counts the answers given at once
//! (`atOnce`). Limit concurrent callers with the node's `--rpc-max-connections` and
//! `--rpc-rate-limit`. The subscription (`crate::access_changes`) reads the watched patients'
//! records on the blocking pool too, once per new best block.
//!
//! **Large answers over WebSocket.** The RPC server of polkadot-sdk stable2609 does not set
//! `TCP_NODELAY` on its connections (polkadot-sdk#12797 does, later), so a WebSocket answer
//! larger than about 8 KB waits for the client's delayed acknowledgement, about 40 ms on Linux
//! (the 2026-12-07 read-path report measures a batch of 300 denials of 31 bytes each, 9.6 KB).
//! A decision is 30 to about 80 bytes of JSON (a permit names its basis and that basis's
//! source), so over WebSocket send at most 75 queries a call; HTTP is not affected.
//!
//! **Panics.** The native decision never panics by design; if it did (or if the state backend
//! failed, which `Ext` turns into a panic), the panic unwinds — the node's panic handler is
//! told not to abort — and the answer comes from the runtime API.

use crate::access_changes::AccessChange;
use jsonrpsee::{
	core::{RpcResult, SubscriptionResult},
	proc_macros::rpc,
	types::ErrorObjectOwned,
	PendingSubscriptionSink,
};
use pallet_consent::runtime_api::ConsentApi;
use salus_primitives::{AccessDecision, AccessQuery, Timestamp};
use salus_runtime::{opaque::Block, AccountId, Balance, Runtime};
use sc_client_api::{Backend, BlockchainEvents, StateBackend, TrieCacheContext};
use serde::{Deserialize, Serialize};
use sp_api::{ApiExt, Core, ProvideRuntimeApi, RuntimeApiInfo};
use sp_blockchain::HeaderBackend;
use sp_core::{storage::well_known_keys, H256};
use sp_runtime::traits::Block as BlockT;
use std::{
	collections::HashMap,
	marker::PhantomData,
	panic::{catch_unwind, AssertUnwindSafe},
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc, Mutex,
	},
};

/// The most queries one `salus_checkAccessBatch` takes: the runtime API's own limit.
pub const MAX_BATCH: usize = salus_primitives::MAX_ACCESS_BATCH as usize;

/// The `ConsentApi` the node was built with, as its runtime declares it.
type ConsentApiOf = dyn ConsentApi<Block, AccountId, Balance>;

/// How often each path answered, since the node started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessStats {
	/// Decisions answered natively.
	pub native: u64,
	/// Decisions answered by the runtime API (the native path was not allowed).
	pub runtime: u64,
	/// Native decisions also asked of the runtime API (shadowing).
	pub shadowed: u64,
	/// Shadowed decisions whose two answers differed.
	pub mismatches: u64,
	/// Of the native decisions, those answered on the RPC worker that received them, without
	/// the blocking pool (module docs, "Load").
	pub at_once: u64,
}

/// The decision methods.
#[rpc(client, server, namespace = "salus")]
pub trait SalusAccessApi<BlockHash> {
	/// May `query.accessor` see `query.dataClass` of `query.patient`'s data for
	/// `query.purpose`, at time `at_time` (milliseconds; default: the block's time), by the
	/// state of block `at` (default: the best block)?
	#[method(name = "checkAccess")]
	async fn check_access(
		&self,
		query: AccessQuery<AccountId>,
		at_time: Option<Timestamp>,
		at: Option<BlockHash>,
	) -> RpcResult<AccessDecision>;

	/// The same for up to [`MAX_BATCH`] queries, one answer each, in order.
	#[method(name = "checkAccessBatch", blocking)]
	fn check_access_batch(
		&self,
		queries: Vec<AccessQuery<AccountId>>,
		at_time: Option<Timestamp>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<AccessDecision>>;

	/// How often each path answered (and how often shadowing disagreed).
	#[method(name = "accessStats")]
	fn access_stats(&self) -> RpcResult<AccessStats>;

	/// Pushes an [`AccessChange`] whenever a decision about one of `patients` (at most
	/// [`crate::access_changes::MAX_WATCHED_PATIENTS`]) may have changed in the best chain, so that an EHR can cache
	/// decisions until told otherwise: see [`crate::access_changes`].
	#[subscription(
		name = "subscribeAccessChanges" => "accessChanges",
		unsubscribe = "unsubscribeAccessChanges",
		item = AccessChange
	)]
	async fn subscribe_access_changes(&self, patients: Vec<AccountId>) -> SubscriptionResult;
}

/// Counters and the per-runtime-code verdict, shared by every connection.
#[derive(Default)]
pub struct AccessState {
	/// The blake2-256 hash of the runtime the node embeds (`None`: built without one).
	own_code: Option<[u8; 32]>,
	/// Per hash of `:code`: may the native decision answer for blocks with that runtime?
	/// (One entry per runtime the chain has had.)
	compatible: Mutex<HashMap<H256, bool>>,
	/// Shadow one native answer in this many (0: never).
	shadow_every: u64,
	native: AtomicU64,
	runtime: AtomicU64,
	shadowed: AtomicU64,
	mismatches: AtomicU64,
	at_once: AtomicU64,
}

impl AccessState {
	/// Counters starting at zero; one native answer in `shadow_every` is shadowed (0: none).
	pub fn new(shadow_every: u64) -> Arc<Self> {
		let own_code = salus_runtime::WASM_BINARY.map(sp_io::hashing::blake2_256);
		Arc::new(Self { shadow_every, own_code, ..Default::default() })
	}

	fn stats(&self) -> AccessStats {
		AccessStats {
			native: self.native.load(Ordering::Relaxed),
			runtime: self.runtime.load(Ordering::Relaxed),
			shadowed: self.shadowed.load(Ordering::Relaxed),
			mismatches: self.mismatches.load(Ordering::Relaxed),
			at_once: self.at_once.load(Ordering::Relaxed),
		}
	}
}

/// The RPC handler.
pub struct SalusAccess<C, B> {
	client: Arc<C>,
	backend: Arc<B>,
	state: Arc<AccessState>,
	_block: PhantomData<Block>,
}

impl<C, B> Clone for SalusAccess<C, B> {
	fn clone(&self) -> Self {
		Self {
			client: self.client.clone(),
			backend: self.backend.clone(),
			state: self.state.clone(),
			_block: PhantomData,
		}
	}
}

impl<C, B> SalusAccess<C, B> {
	/// A handler over `client` and its `backend`'s state.
	pub fn new(client: Arc<C>, backend: Arc<B>, state: Arc<AccessState>) -> Self {
		Self { client, backend, state, _block: PhantomData }
	}

	/// The client.
	pub(crate) fn client(&self) -> &Arc<C> {
		&self.client
	}
}

/// Why an answer could not be given.
pub(crate) fn error(code: i32, message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(code, message.into(), None::<()>)
}

pub(crate) const INVALID_PARAMS: i32 = -32602;
const STATE_UNAVAILABLE: i32 = 9001;
const RUNTIME_ERROR: i32 = 9002;

/// Whether the pallets' storage versions in the current externalities are the compiled ones.
pub(crate) fn storage_versions_match() -> bool {
	use frame_support::traits::{GetStorageVersion, StorageVersion};
	type Consent = pallet_consent::Pallet<Runtime>;
	type Identity = pallet_health_identity::Pallet<Runtime>;
	StorageVersion::get::<Consent>() == Consent::in_code_storage_version()
		&& StorageVersion::get::<Identity>() == Identity::in_code_storage_version()
}

/// The decisions, computed natively in the current externalities; `None` if the storage
/// versions are not the compiled ones.
fn decide_natively(
	queries: &[AccessQuery<AccountId>],
	at_time: Option<Timestamp>,
) -> Option<Vec<AccessDecision>> {
	if !storage_versions_match() {
		return None;
	}
	let at = at_time.unwrap_or_else(pallet_timestamp::Now::<Runtime>::get);
	Some(pallet_consent::Pallet::<Runtime>::check_access_many(queries, at))
}

impl<C, B> SalusAccess<C, B>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: ConsentApi<Block, AccountId, Balance> + Core<Block>,
	B: Backend<Block> + Send + Sync + 'static,
{
	/// Whether the runtime at `hash` (whose `:code` trie hash is `code`, in `state`) is the
	/// one the node embeds.
	pub(crate) fn native_allowed(
		&self,
		hash: H256,
		code: H256,
		state: &B::State,
	) -> Result<bool, ErrorObjectOwned> {
		if let Some(known) = self.state.compatible.lock().ok().and_then(|m| m.get(&code).copied()) {
			return Ok(known);
		}
		let on_chain = state
			.storage(well_known_keys::CODE)
			.map_err(|e| error(STATE_UNAVAILABLE, format!("state of block {hash:?}: {e}")))?
			.map(|code| sp_io::hashing::blake2_256(&code));
		let same_code = on_chain.is_some() && on_chain == self.state.own_code;
		let version = self
			.client
			.runtime_api()
			.version(hash)
			.map_err(|e| error(RUNTIME_ERROR, format!("runtime version: {e}")))?;
		let ours = &salus_runtime::VERSION;
		let api = |v: &sp_version::RuntimeVersion| {
			v.apis.iter().find(|(id, _)| *id == ConsentApiOf::ID).map(|(_, v)| *v)
		};
		let allowed = same_code
			&& version.spec_name == ours.spec_name
			&& version.spec_version == ours.spec_version
			&& api(&version) == api(ours);
		if !allowed {
			log::info!(
				target: "salus::access",
				"runtime {} v{} at {hash:?} is not the one the node embeds ({} v{}): access decisions come from the runtime API",
				version.spec_name, version.spec_version, ours.spec_name, ours.spec_version,
			);
		}
		if let Ok(mut known) = self.state.compatible.lock() {
			known.insert(code, allowed);
		}
		Ok(allowed)
	}

	/// The decisions by the runtime API at `hash`.
	fn decide_by_runtime(
		&self,
		hash: H256,
		queries: &[AccessQuery<AccountId>],
		at_time: Option<Timestamp>,
	) -> Result<Vec<AccessDecision>, ErrorObjectOwned> {
		let api = self.client.runtime_api();
		let failed = |e: sp_api::ApiError| error(RUNTIME_ERROR, format!("runtime API: {e}"));
		let version = api.api_version::<ConsentApiOf>(hash).map_err(failed)?;
		if version.unwrap_or(0) >= 2 {
			api.check_access_batch(hash, queries.to_vec(), at_time)
				.map_err(failed)?
				.ok_or_else(|| error(INVALID_PARAMS, "the runtime refused the batch as too large"))
		} else {
			queries
				.iter()
				.map(|q| {
					api.check_access(
						hash,
						q.patient.clone(),
						q.accessor.clone(),
						q.data_class,
						q.purpose,
						at_time,
					)
					.map_err(failed)
				})
				.collect()
		}
	}

	/// Runs `f` natively over the state of block `hash` when the runtime there is the one the
	/// node embeds (the gate of the module docs); `Ok(None)` when it is not, or when `f`
	/// returned `None` or panicked.
	pub(crate) fn with_native_state<R>(
		&self,
		hash: H256,
		f: impl FnOnce() -> Option<R>,
	) -> Result<Option<R>, ErrorObjectOwned> {
		let state = self.state_at(hash)?;
		let code = Self::code_hash(hash, &state)?;
		if !self.native_allowed(hash, code, &state)? {
			return Ok(None);
		}
		Ok(Self::run_native(&state, f))
	}

	/// The state of block `hash`.
	fn state_at(&self, hash: H256) -> Result<B::State, ErrorObjectOwned> {
		self.backend
			.state_at(hash, TrieCacheContext::Untrusted)
			.map_err(|e| error(STATE_UNAVAILABLE, format!("no state for block {hash:?}: {e}")))
	}

	/// The trie hash of the runtime code (`:code`) in `state`, block `hash`'s.
	fn code_hash(hash: H256, state: &B::State) -> Result<H256, ErrorObjectOwned> {
		Ok(state
			.storage_hash(well_known_keys::CODE)
			.map_err(|e| error(STATE_UNAVAILABLE, format!("state of block {hash:?}: {e}")))?
			.unwrap_or_default())
	}

	/// Runs `f` natively over `state`; `None` if `f` returned `None` or panicked.
	fn run_native<R>(state: &B::State, f: impl FnOnce() -> Option<R>) -> Option<R> {
		let mut overlay = sp_state_machine::OverlayedChanges::default();
		let mut ext = sp_state_machine::Ext::new(&mut overlay, state, None);
		// A panic in native code (it must not happen) counts as "not natively".
		catch_unwind(AssertUnwindSafe(|| {
			// The node's panic handler would abort the process: let this one unwind.
			let _unwind = sp_panic_handler::AbortGuard::force_unwind();
			sp_externalities::set_and_run_with_externalities(&mut ext, f)
		}))
		.ok()
		.flatten()
	}

	/// The decisions for `queries` by the state of block `at` (default: the best block).
	fn decide(
		&self,
		queries: &[AccessQuery<AccountId>],
		at_time: Option<Timestamp>,
		at: Option<H256>,
	) -> Result<Vec<AccessDecision>, ErrorObjectOwned> {
		let hash = at.unwrap_or_else(|| self.client.info().best_hash);
		let count = queries.len() as u64;
		if let Some(answers) = self.with_native_state(hash, || decide_natively(queries, at_time))? {
			let before = self.state.native.fetch_add(count, Ordering::Relaxed);
			self.shadow(hash, queries, at_time, &answers, before);
			return Ok(answers);
		}
		let answers = self.decide_by_runtime(hash, queries, at_time)?;
		self.state.runtime.fetch_add(count, Ordering::Relaxed);
		Ok(answers)
	}

	/// The decision for `query` by the state of block `hash` (the best block) if the native
	/// path may give it at once — no shadowing, and the gate's verdict for the
	/// runtime there already known and favourable — or `None`: then [`Self::decide`] must, on
	/// the blocking pool.
	fn decide_at_once(
		&self,
		query: &AccessQuery<AccountId>,
		at_time: Option<Timestamp>,
		hash: H256,
	) -> Result<Option<AccessDecision>, ErrorObjectOwned> {
		if self.state.shadow_every != 0 {
			return Ok(None);
		}
		let state = self.state_at(hash)?;
		let code = Self::code_hash(hash, &state)?;
		let known = self.state.compatible.lock().ok().and_then(|m| m.get(&code).copied());
		if known != Some(true) {
			return Ok(None);
		}
		let answer = Self::run_native(&state, || {
			decide_natively(std::slice::from_ref(query), at_time).and_then(|mut a| a.pop())
		});
		if answer.is_some() {
			self.state.native.fetch_add(1, Ordering::Relaxed);
			self.state.at_once.fetch_add(1, Ordering::Relaxed);
		}
		Ok(answer)
	}

	/// Compares one native answer in `shadow_every` (counted from `before`, the native count
	/// before these) with the runtime API's.
	fn shadow(
		&self,
		hash: H256,
		queries: &[AccessQuery<AccountId>],
		at_time: Option<Timestamp>,
		answers: &[AccessDecision],
		before: u64,
	) {
		let every = self.state.shadow_every;
		if every == 0 {
			return;
		}
		for (i, (query, native)) in queries.iter().zip(answers).enumerate() {
			if !before.wrapping_add(i as u64).is_multiple_of(every) {
				continue;
			}
			let Ok(by_runtime) = self.decide_by_runtime(hash, std::slice::from_ref(query), at_time)
			else {
				continue;
			};
			self.state.shadowed.fetch_add(1, Ordering::Relaxed);
			if by_runtime.first() != Some(native) {
				self.state.mismatches.fetch_add(1, Ordering::Relaxed);
				log::warn!(
					target: "salus::access",
					"native and runtime decisions differ at {hash:?} for {query:?} at {at_time:?}: native {native:?}, runtime {by_runtime:?}",
				);
			}
		}
	}
}

#[jsonrpsee::core::async_trait]
impl<C, B> SalusAccessApiServer<<Block as BlockT>::Hash> for SalusAccess<C, B>
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
	async fn check_access(
		&self,
		query: AccessQuery<AccountId>,
		at_time: Option<Timestamp>,
		at: Option<H256>,
	) -> RpcResult<AccessDecision> {
		let best = self.client.info().best_hash;
		let hash = at.unwrap_or(best);
		// Only the best block's state is (as good as) sure to be in the node's caches.
		if hash == best {
			if let Some(answer) = self.decide_at_once(&query, at_time, hash)? {
				return Ok(answer);
			}
		}
		let this = self.clone();
		let mut answers = tokio::task::spawn_blocking(move || {
			this.decide(std::slice::from_ref(&query), at_time, Some(hash))
		})
		.await
		.map_err(|e| error(RUNTIME_ERROR, format!("the decision failed: {e}")))??;
		answers.pop().ok_or_else(|| error(RUNTIME_ERROR, "no decision was returned"))
	}

	fn check_access_batch(
		&self,
		queries: Vec<AccessQuery<AccountId>>,
		at_time: Option<Timestamp>,
		at: Option<H256>,
	) -> RpcResult<Vec<AccessDecision>> {
		if queries.len() > MAX_BATCH {
			return Err(error(
				INVALID_PARAMS,
				format!("{} queries: at most {MAX_BATCH} per call", queries.len()),
			));
		}
		self.decide(&queries, at_time, at)
	}

	fn access_stats(&self) -> RpcResult<AccessStats> {
		Ok(self.state.stats())
	}

	async fn subscribe_access_changes(
		&self,
		pending: PendingSubscriptionSink,
		patients: Vec<AccountId>,
	) -> SubscriptionResult {
		crate::access_changes::run(self, pending, patients).await
	}
}
