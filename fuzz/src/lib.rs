//! # salus-fuzz
//!
//! A deterministic fuzzer of the Salus runtime. It builds the real runtime (native) from the
//! `development` genesis preset in memory and produces blocks through
//! [`frame_executive::Executive`] — real headers with Aura slot digests, the timestamp inherent,
//! `on_initialize`/`on_idle`/`on_finalize` — filled with random extrinsics signed by the funded
//! development accounts, dispatched as root (through `Sudo::sudo`, signed by the sudo key) or as
//! the council (a real motion: `propose`, `vote`s, `close`). The calls come from the runtime's
//! own type information (see [`gen`]); a short scripted setup phase (calls named, arguments
//! still generated) registers patients and providers, accredits and staffs them, so that the
//! random phase starts from a populated chain.
//!
//! After every block it checks: no panic, the `do_try_state` invariants of the five Salus
//! pallets, that the total issuance equals the sum of every account's free and reserved
//! balance, and that the block's weight is within the `BlockWeights` limits. A failure is
//! reported with the seed, the block and the extrinsic, and reproduces with `--seed`.

#![allow(
	// A host-side test tool: failing loudly is its purpose, and its counters cannot overflow.
	clippy::arithmetic_side_effects,
	clippy::indexing_slicing,
	clippy::expect_used,
	clippy::unwrap_used,
	clippy::panic
)]

pub mod gen;
pub mod rng;

use codec::{DecodeAll, Encode};
use frame_support::{
	dispatch::{DispatchClass, GetDispatchInfo},
	traits::fungible::Mutate,
};
use gen::{Gen, SALUS_PALLETS};
use rng::Rng;
use salus_runtime::{
	AccountId, Balances, Executive, Header, Runtime, RuntimeCall, RuntimeError, RuntimeEvent,
	RuntimeGenesisConfig, SignedPayload, TxExtension, UncheckedExtrinsic, SLS,
};
use serde_json::{json, Value};
use sp_consensus_aura::{Slot, AURA_ENGINE_ID};
use sp_core::{crypto::Ss58Codec, ecdsa, Pair, H256};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	generic::{Digest, DigestItem, Era},
	traits::{AccountIdConversion, BlakeTwo256, Hash as _, Header as _, IdentifyAccount},
	DispatchError, DispatchResult, MultiAddress, MultiSignature, MultiSigner,
};
use std::{
	collections::BTreeMap,
	panic::{catch_unwind, AssertUnwindSafe},
	time::{Duration, Instant},
};

/// What a run does.
#[derive(Clone, Debug)]
pub struct Config {
	/// The seed of every random choice.
	pub seed: u64,
	/// How many random extrinsics to apply (after the setup phase).
	pub extrinsics: u64,
	/// At most this many extrinsics in a block (each block has 1 to this many).
	pub max_per_block: u64,
	/// Whether to run the scripted setup phase first.
	pub setup: bool,
	/// Print every extrinsic (call and outcome) from this block on.
	pub trace_from_block: Option<u32>,
	/// Print a progress line to stderr this often (never if `None`).
	pub progress: Option<Duration>,
	/// Stop (with a summary, not a failure) after this long, whatever is left to apply.
	pub time_limit: Option<Duration>,
	/// Rebuild the in-memory state from its key-values every this many blocks (never if 0).
	///
	/// `TestExternalities` keeps every trie node ever committed: a long run grew to about
	/// 4 GB by 3.3 million extrinsics and slowed from 3 500 to 470 extrinsics/s. Rebuilding keeps
	/// only the live state; the storage root is checked to be the same before and after.
	pub compact_every: u32,
}

impl Default for Config {
	fn default() -> Self {
		Config {
			seed: 0,
			extrinsics: 1000,
			max_per_block: 40,
			setup: true,
			trace_from_block: None,
			progress: None,
			compact_every: 2000,
			time_limit: None,
		}
	}
}

/// What broke.
#[derive(Clone, Debug)]
pub struct Failure {
	/// `panic` or `invariant`.
	pub kind: String,
	/// The block in which it happened.
	pub block: u32,
	/// The extrinsic being applied (for a panic in a hook: none).
	pub extrinsic: Option<String>,
	/// The panic message or the broken invariant.
	pub message: String,
	/// Every extrinsic of the block, with its outcome.
	pub block_trace: Vec<String>,
	/// The events the block deposited up to the failure.
	pub events: Vec<String>,
}

/// The result of a run.
#[derive(Clone, Debug, Default)]
pub struct Summary {
	/// The seed.
	pub seed: u64,
	/// Extrinsics applied, setup and harness motions included.
	pub extrinsics: u64,
	/// Of which in the setup phase.
	pub setup_extrinsics: u64,
	/// Blocks produced.
	pub blocks: u64,
	/// Extrinsics dispatched with success (the inner call's result for root and council).
	pub ok: u64,
	/// Extrinsics dispatched with an error.
	pub failed: u64,
	/// Extrinsics the chain refused as invalid (fees, nonces, a full block).
	pub invalid: u64,
	/// Generated encodings that did not decode into a call (skipped, not counted above).
	pub undecodable: u64,
	/// Of the successes, calls to the Salus pallets.
	pub salus_ok: u64,
	/// Of the dispatched calls, calls to the Salus pallets.
	pub salus_total: u64,
	/// Times the faucet topped up a development account.
	pub faucet: u64,
	/// Seconds of wall time.
	pub seconds: f64,
	/// Outcomes by name: `ok`, an error name, or `invalid:<reason>`.
	pub outcomes: BTreeMap<String, u64>,
	/// Per call (`Pallet.call`, prefixed `root:` or `council:`): (successes, failures).
	pub calls: BTreeMap<String, (u64, u64)>,
	/// Where the time went: seconds per phase (generate, sign, apply, finalize, learn, check,
	/// commit).
	pub timings: BTreeMap<String, f64>,
	/// The failure that stopped the run, if one did.
	pub failure: Option<Failure>,
}

impl Summary {
	/// The summary as JSON.
	pub fn to_json(&self) -> Value {
		json!({
			"seed": self.seed,
			"extrinsics": self.extrinsics,
			"setup_extrinsics": self.setup_extrinsics,
			"blocks": self.blocks,
			"ok": self.ok,
			"failed": self.failed,
			"invalid": self.invalid,
			"undecodable": self.undecodable,
			"salus_ok": self.salus_ok,
			"salus_total": self.salus_total,
			"faucet": self.faucet,
			"seconds": self.seconds,
			"extrinsics_per_second": self.extrinsics as f64 / self.seconds.max(1e-9),
			"blocks_per_second": self.blocks as f64 / self.seconds.max(1e-9),
			"outcomes": self.outcomes,
			"timings": self.timings,
			"calls": self.calls.iter().map(|(k, (ok, err))| (k.clone(), json!({"ok": ok, "failed": err}))).collect::<serde_json::Map<_, _>>(),
			"failure": self.failure.as_ref().map(|f| json!({
				"kind": f.kind, "block": f.block, "extrinsic": f.extrinsic,
				"message": f.message, "block_trace": f.block_trace, "events": f.events,
			})),
		})
	}

	/// The summary as text.
	pub fn to_text(&self) -> String {
		use std::fmt::Write;
		let mut s = String::new();
		let _ = writeln!(
			s,
			"seed {}: {} extrinsics ({} in setup) in {} blocks, {:.1} s: {:.0} extrinsics/s, {:.1} blocks/s",
			self.seed,
			self.extrinsics,
			self.setup_extrinsics,
			self.blocks,
			self.seconds,
			self.extrinsics as f64 / self.seconds.max(1e-9),
			self.blocks as f64 / self.seconds.max(1e-9)
		);
		let _ = writeln!(
			s,
			"ok {}, failed {}, invalid {}, undecodable (skipped) {}; Salus calls: {} of {} ok; faucet top-ups {}",
			self.ok,
			self.failed,
			self.invalid,
			self.undecodable,
			self.salus_ok,
			self.salus_total,
			self.faucet
		);
		let timings: Vec<String> =
			self.timings.iter().map(|(k, v)| format!("{k} {v:.1} s")).collect();
		let _ = writeln!(s, "time: {}", timings.join(", "));
		let mut outcomes: Vec<_> = self.outcomes.iter().collect();
		outcomes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
		let _ = writeln!(s, "outcomes:");
		for (name, n) in outcomes {
			let _ = writeln!(s, "  {n:>8}  {name}");
		}
		let _ = writeln!(s, "Salus calls (ok / failed):");
		for (name, (ok, err)) in &self.calls {
			let salus = SALUS_PALLETS.iter().any(|p| {
				name.split(':').next_back().is_some_and(|c| c.starts_with(&format!("{p}.")))
			});
			if salus {
				let _ = writeln!(s, "  {ok:>7} / {err:<7} {name}");
			}
		}
		if let Some(f) = &self.failure {
			let _ = writeln!(s, "FAILURE ({}) at block {}: {}", f.kind, f.block, f.message);
			if let Some(x) = &f.extrinsic {
				let _ = writeln!(s, "  while applying: {x}");
			}
			let _ = writeln!(s, "  the block's extrinsics:");
			for line in &f.block_trace {
				let _ = writeln!(s, "    {line}");
			}
			let _ = writeln!(s, "  the block's events:");
			for line in &f.events {
				let _ = writeln!(s, "    {line}");
			}
			let _ = writeln!(
				s,
				"  reproduce: salus-fuzz --seed {} --extrinsics {} --trace-from-block {}",
				self.seed, self.extrinsics, f.block
			);
		}
		s
	}
}

/// Who dispatches a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
	/// Signed by the development account with this index in [`SIGNERS`].
	Signed(usize),
	/// Root, through `Sudo::sudo`.
	Root,
	/// A council motion carried by the members with known keys.
	Council,
}

/// The development accounts that sign: funded in the development preset. They sign with
/// ECDSA keys of the same derivation paths (see [`dev_genesis`]).
pub const SIGNERS: [Sr25519Keyring; 8] = [
	Sr25519Keyring::Alice,
	Sr25519Keyring::Bob,
	Sr25519Keyring::Charlie,
	Sr25519Keyring::Dave,
	Sr25519Keyring::Eve,
	Sr25519Keyring::Ferdie,
	Sr25519Keyring::AliceStash,
	Sr25519Keyring::EveStash,
];

/// The ECDSA key that stands in for a well-known sr25519 development key: the same
/// derivation path (`//Alice`, `//Alice//stash`, ...).
pub fn ecdsa_pair(key: Sr25519Keyring) -> ecdsa::Pair {
	ecdsa::Pair::from_string(&key.to_seed(), None).expect("a well-known derivation path")
}

/// The account of [`ecdsa_pair`]`(key)`.
pub fn ecdsa_account(key: Sr25519Keyring) -> AccountId {
	MultiSigner::from(ecdsa_pair(key).public()).into_account()
}

const ALICE: usize = 0;
const BOB: usize = 1;
const CHARLIE: usize = 2;
const DAVE: usize = 3;
const EVE: usize = 4;
const FERDIE: usize = 5;
const ALICE_STASH: usize = 6;
const EVE_STASH: usize = 7;

/// One step of the setup: `who` calls `pallet.call` (arguments generated) until it has
/// succeeded `want` times or been tried `tries` times. `prefer` names enum variants to choose
/// when available, `focus` the accounts that account arguments mostly name. A call the runtime
/// does not have is skipped.
#[derive(Clone, Debug)]
pub struct Step {
	who: Who,
	pallet: &'static str,
	call: &'static str,
	want: u32,
	tries: u32,
	prefer: &'static [&'static str],
	focus: Vec<usize>,
}

fn step(
	who: Who,
	pallet: &'static str,
	call: &'static str,
	want: u32,
	tries: u32,
	prefer: &'static [&'static str],
	focus: &[usize],
) -> Step {
	Step { who, pallet, call, want, tries, prefer, focus: focus.to_vec() }
}

/// The setup: patients, providers, accreditation, practitioners, vouches, consents, records,
/// requests, emergencies and disputes, so that the random phase starts from a populated chain.
/// Only call names are written here; calls the runtime lacks are skipped, and calls of a newer
/// runtime (e.g. acceptances) are tried when present.
pub fn setup_plan() -> Vec<Step> {
	use Who::*;
	const HI: &str = "HealthIdentity";
	let patients = [BOB, CHARLIE, FERDIE, ALICE_STASH, EVE_STASH];
	let admins = [DAVE, EVE, CHARLIE];
	let practitioners = [FERDIE, BOB, ALICE_STASH, EVE_STASH];
	let mut plan = Vec::new();
	for p in patients {
		plan.push(step(Signed(p), HI, "announce_commitment", 1, 4, &[], &[p]));
		plan.push(step(Signed(p), HI, "register_patient", 1, 8, &[], &[p]));
	}
	for a in admins {
		plan.push(step(Signed(a), HI, "register_provider", 1, 20, &["Hospital", "Clinic"], &[a]));
	}
	plan.push(step(Root, HI, "set_provider_status", 4, 24, &["Accredited"], &admins));
	plan.push(step(Council, HI, "set_provider_status", 1, 6, &["Accredited"], &admins));
	for (admin, prac) in [(DAVE, FERDIE), (DAVE, BOB), (EVE, ALICE_STASH), (CHARLIE, EVE_STASH)] {
		plan.push(step(Signed(admin), HI, "add_practitioner", 1, 15, &["Physician"], &[prac]));
		plan.push(step(Signed(prac), HI, "accept_practitioner", 1, 6, &[], &[admin]));
	}
	for admin in admins {
		plan.push(step(Signed(admin), HI, "vouch_patient", 2, 8, &[], &patients));
		plan.push(step(Signed(admin), HI, "anchor_record", 1, 6, &[], &patients));
	}
	for p in patients {
		plan.push(step(Signed(p), HI, "accept_record", 1, 3, &[], &admins));
		plan.push(step(
			Signed(p),
			"Consent",
			"grant_consent",
			2,
			10,
			&["Permit", "Provider", "Treatment"],
			&practitioners,
		));
	}
	for who in practitioners {
		plan.push(step(Signed(who), "Access", "request_access", 2, 15, &["Treatment"], &patients));
	}
	for p in patients {
		plan.push(step(Signed(p), "Access", "approve_request", 1, 6, &[], &[]));
	}
	for who in practitioners {
		plan.push(step(Signed(who), "Access", "declare_emergency", 1, 8, &[], &patients));
		plan.push(step(Signed(who), "Access", "log_disclosure", 1, 6, &[], &patients));
		plan.push(step(Signed(who), "Access", "log_disclosures", 1, 12, &[], &patients));
	}
	for p in patients {
		plan.push(step(Signed(p), "Access", "contest_emergency", 1, 4, &[], &[]));
		plan.push(step(Signed(p), "Disputes", "open_dispute", 1, 8, &["Conduct"], &[]));
		plan.push(step(Signed(p), "Disputes", "open_dispute", 1, 8, &["Disclosure"], &[]));
	}
	for who in [DAVE, EVE, FERDIE] {
		plan.push(step(Signed(who), "Disputes", "submit_evidence", 1, 4, &[], &[]));
	}
	plan
}

/// Shortened periods, written by root (`System::set_storage`) in the first block so that
/// disputes and reward epochs run their course within a run: runtime parameters stored under
/// `twox_128(":Name:")`. A name the runtime no longer has is written harmlessly.
fn short_periods() -> Vec<(Vec<u8>, Vec<u8>)> {
	let key = |name: &str| sp_io::hashing::twox_128(format!(":{name}:").as_bytes()).to_vec();
	let hour_ms: u64 = 3_600_000;
	vec![
		(key("DisputeEvidencePeriod"), 3u32.encode()),
		(key("DisputeVotingPeriod"), 5u32.encode()),
		(key("DisputeAppealPeriod"), 3u32.encode()),
		(key("DisputeRulingPeriod"), 8u32.encode()),
		(key("RewardEpochLength"), 10u32.encode()),
		(key("RequestLifetime"), (2 * hour_ms).encode()),
	]
}

/// Applies a JSON merge patch (RFC 7386), as the node does with a preset over the default.
fn merge(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

/// The genesis state of the `development` preset, in memory, re-keyed: every well-known
/// sr25519 account the preset names (Alice, Bob, ..., the stashes: its sudo key, council,
/// arbitrators, balances, vesting operators and funds) is replaced by the ECDSA account of the
/// same derivation path ([`ecdsa_account`]); the validators' Aura and GRANDPA keys stay.
///
/// Why: in a debug build (what CI runs) signing and verifying an sr25519 signature takes about
/// 11 ms (`curve25519-dalek` unoptimised) and an ECDSA one about 0.7 ms (libsecp256k1 is C);
/// sr25519 was 83 % of a run's time. Signatures are still real and checked by the runtime
/// (`MultiSignature::Ecdsa`); the runtime's logic does not depend on the signature scheme.
pub fn dev_genesis() -> sp_io::TestExternalities {
	let patch =
		salus_runtime::genesis_config_presets::get_preset(&"development".into()).expect("preset");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("json");
	merge(&mut config, serde_json::from_slice(&patch).expect("preset is json"));
	let rekeyed: BTreeMap<String, String> = Sr25519Keyring::iter()
		.map(|k| (k.to_account_id().to_ss58check(), ecdsa_account(k).to_ss58check()))
		.collect();
	let replaced = rekey(&mut config, &rekeyed);
	assert!(replaced > 0, "the development preset names no well-known account");
	let mut ext = sp_io::TestExternalities::new_empty();
	ext.execute_with(|| {
		frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(
			serde_json::to_vec(&config).expect("json"),
		)
		.expect("the development preset builds");
		for key in SIGNERS {
			let sr25519 = frame_system::Account::<Runtime>::get(key.to_account_id()).data.free;
			let ecdsa = frame_system::Account::<Runtime>::get(ecdsa_account(key)).data.free;
			assert!(sr25519 == 0 && ecdsa > 0, "{key:?} is not re-keyed in the genesis");
		}
	});
	ext.commit_all().expect("commit");
	ext
}

/// Replaces, in a genesis configuration, every account (an SS58 string) found in `map`, except
/// under the `aura` and `grandpa` keys (validator keys, not accounts). Returns how many.
fn rekey(value: &mut Value, map: &BTreeMap<String, String>) -> usize {
	match value {
		Value::String(s) => match map.get(s.as_str()) {
			Some(new) => {
				*s = new.clone();
				1
			},
			None => 0,
		},
		Value::Array(items) => items.iter_mut().map(|v| rekey(v, map)).sum(),
		Value::Object(fields) => fields
			.iter_mut()
			.filter(|(key, _)| key.as_str() != "aura" && key.as_str() != "grandpa")
			.map(|(_, v)| rekey(v, map))
			.sum(),
		_ => 0,
	}
}

/// The outcome of one dispatch.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
	Ok,
	Failed(String),
	Invalid(String),
}

impl Outcome {
	fn name(&self) -> String {
		match self {
			Outcome::Ok => "ok".into(),
			Outcome::Failed(e) => e.clone(),
			Outcome::Invalid(e) => format!("invalid:{e}"),
		}
	}
}

fn error_name(e: DispatchError) -> String {
	match e {
		DispatchError::Module(_) => match RuntimeError::from_dispatch_error(e) {
			Some(err) => format!("{err:?}"),
			None => format!("{e:?}"),
		},
		other => format!("{other:?}"),
	}
}

/// The harness state outside the externalities.
struct State {
	cfg: Config,
	rng: Rng,
	gen: Gen,
	pairs: Vec<ecdsa::Pair>,
	accounts: Vec<AccountId>,
	number: u32,
	slot: u64,
	parent: H256,
	summary: Summary,
	in_setup: bool,
	block_full: bool,
	block_trace: Vec<String>,
	current: Option<(String, RuntimeCall)>,
	timings: BTreeMap<&'static str, Duration>,
	events_seen: usize,
	/// Per call, the origins it succeeded with: a random call is often dispatched by one of
	/// them (the patient who can answer a request, the admin of a provider, root).
	good_origins: BTreeMap<(String, String), Vec<Who>>,
}

/// What fills a block.
enum Work<'a> {
	Setup { plan: &'a [Step], index: usize, successes: u32, attempts: u32 },
	Random { left: u64 },
}

impl State {
	fn new(cfg: Config) -> Self {
		let mut rng = Rng::new(cfg.seed);
		let pairs: Vec<ecdsa::Pair> = SIGNERS.iter().map(|k| ecdsa_pair(*k)).collect();
		let accounts: Vec<AccountId> = SIGNERS.iter().map(|k| ecdsa_account(*k)).collect();
		let others: Vec<[u8; 32]> = [
			salus_runtime::configs::health::RewardsPalletId::get().into_account_truncating(),
			salus_runtime::configs::governance::TreasuryAccount::get(),
		]
		.into_iter()
		.map(|a: AccountId| a.into())
		.collect();
		let (reg, call_ty, event_ty) = gen::runtime_registry::<RuntimeCall, RuntimeEvent>();
		let gen = Gen::new(
			reg,
			call_ty,
			event_ty,
			accounts.iter().map(|a| a.clone().into()).collect(),
			others,
			&mut rng,
		);
		let summary = Summary { seed: cfg.seed, ..Default::default() };
		State {
			cfg,
			rng,
			gen,
			pairs,
			accounts,
			number: 0,
			// 2027-01-15: the slot of the first block.
			slot: 300_000_000,
			parent: H256::zero(),
			summary,
			in_setup: false,
			block_full: false,
			block_trace: Vec::new(),
			current: None,
			timings: BTreeMap::new(),
			events_seen: 0,
			good_origins: BTreeMap::new(),
		}
	}

	/// Learns from the block's events not seen yet (ids, hashes: see [`Gen::learn_from_event`]).
	fn learn_events(&mut self) {
		let start = Instant::now();
		let fresh: Vec<Vec<u8>> = frame_system::Pallet::<Runtime>::read_events_no_consensus()
			.skip(self.events_seen)
			.map(|r| r.event.encode())
			.collect();
		self.events_seen += fresh.len();
		for event in fresh {
			self.gen.learn_from_event(&event);
		}
		*self.timings.entry("learn").or_default() += start.elapsed();
	}

	/// Runs `f`, adding its time to `phase`.
	fn timed<R>(&mut self, phase: &'static str, f: impl FnOnce(&mut Self) -> R) -> R {
		let start = Instant::now();
		let r = f(self);
		*self.timings.entry(phase).or_default() += start.elapsed();
		r
	}

	fn tracing(&self) -> bool {
		self.cfg.trace_from_block.is_some_and(|b| self.number >= b)
	}

	/// A signed extrinsic of `call` by signer `who`, with its current nonce.
	fn sign(&mut self, who: usize, call: RuntimeCall) -> UncheckedExtrinsic {
		let account = self.accounts[who].clone();
		let mut nonce = frame_system::Pallet::<Runtime>::account_nonce(&account);
		// Now and then a stale or future nonce.
		if self.rng.chance(1) {
			nonce = if self.rng.chance(50) { nonce.wrapping_sub(1) } else { nonce + 1 };
		}
		let tip = if self.rng.chance(5) { u128::from(self.rng.below(1000)) * SLS / 100 } else { 0 };
		let extension: TxExtension = (
			frame_system::AuthorizeCall::<Runtime>::new(),
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(Era::Immortal),
			frame_system::CheckNonce::<Runtime>::from(nonce),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_skip_feeless_payment::SkipCheckIfFeeless::from(
				pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
			),
			frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
			frame_system::WeightReclaim::<Runtime>::new(),
		);
		let payload =
			SignedPayload::new(call.clone(), extension.clone()).expect("implicit data is known");
		let start = Instant::now();
		let signature = payload.using_encoded(|bytes| self.pairs[who].sign(bytes));
		*self.timings.entry("sign").or_default() += start.elapsed();
		UncheckedExtrinsic::new_signed(
			call,
			MultiAddress::Id(account),
			MultiSignature::Ecdsa(signature),
			extension,
		)
	}

	/// Applies one extrinsic; for a successful one, the inner result that `inner_of` finds in
	/// its events (sudo's and the council's dispatch results).
	fn apply(&mut self, xt: UncheckedExtrinsic, label: &str) -> (Outcome, Option<DispatchResult>) {
		let want_inner = matches!(
			xt.function,
			RuntimeCall::Sudo(pallet_sudo::Call::sudo { .. })
				| RuntimeCall::Council(pallet_collective::Call::close { .. })
		);
		let index = frame_system::Pallet::<Runtime>::extrinsic_index().unwrap_or(0);
		self.current =
			Some((format!("block {} #{index} {label}", self.number), xt.function.clone()));
		let result = self.timed("apply", |_| Executive::apply_extrinsic(xt));
		self.summary.extrinsics += 1;
		if self.in_setup {
			self.summary.setup_extrinsics += 1;
		}
		let outcome = match result {
			Err(e) => {
				if format!("{e:?}").contains("ExhaustsResources") {
					self.block_full = true;
				}
				Outcome::Invalid(format!("{e:?}"))
			},
			Ok(Err(e)) => Outcome::Failed(error_name(e)),
			Ok(Ok(())) => Outcome::Ok,
		};
		if outcome == Outcome::Ok {
			self.learn_events();
		}
		let inner = if want_inner && outcome == Outcome::Ok {
			frame_system::Pallet::<Runtime>::read_events_no_consensus()
				.filter(|r| r.phase == frame_system::Phase::ApplyExtrinsic(index))
				.find_map(|r| match r.event {
					RuntimeEvent::Sudo(pallet_sudo::Event::Sudid { sudo_result }) => {
						Some(sudo_result)
					},
					RuntimeEvent::Council(pallet_collective::Event::Executed {
						result, ..
					}) => Some(result),
					_ => None,
				})
		} else {
			None
		};
		(outcome, inner)
	}

	/// Records the outcome of a dispatch of `label`.
	fn record(&mut self, label: &str, who: Who, outcome: &Outcome, detail: &str) {
		let name = outcome.name();
		*self.summary.outcomes.entry(name.clone()).or_default() += 1;
		let entry = self.summary.calls.entry(label.to_string()).or_default();
		let salus = SALUS_PALLETS
			.iter()
			.any(|p| label.split(':').next_back().is_some_and(|c| c.starts_with(&format!("{p}."))));
		match outcome {
			Outcome::Ok => {
				entry.0 += 1;
				self.summary.ok += 1;
				if salus {
					self.summary.salus_ok += 1;
				}
			},
			Outcome::Failed(_) => {
				entry.1 += 1;
				self.summary.failed += 1;
			},
			Outcome::Invalid(_) => {
				entry.1 += 1;
				self.summary.invalid += 1;
			},
		}
		if salus && !matches!(outcome, Outcome::Invalid(_)) {
			self.summary.salus_total += 1;
		}
		let by = match who {
			Who::Signed(i) => format!("{:?}", SIGNERS[i]),
			other => format!("{other:?}"),
		};
		let line = format!("{label} by {by} -> {name}");
		if self.tracing() {
			eprintln!("[block {}] {line}\n    {detail}", self.number);
		}
		self.block_trace.push(line);
	}

	/// A random origin: mostly one the call succeeded with before, else a signer, root or the
	/// council.
	fn choose_origin(&mut self, pallet: &str, call: &str) -> Who {
		if let Some(good) = self.good_origins.get(&(pallet.to_string(), call.to_string())) {
			if self.rng.chance(60) {
				return *self.rng.pick(good);
			}
		}
		let roll = self.rng.below(100);
		if roll < 6 {
			Who::Root
		} else if roll < 9 {
			Who::Council
		} else {
			Who::Signed(self.rng.index(self.accounts.len()))
		}
	}

	/// Generates a call and dispatches it as `who` (chosen by [`Self::choose_origin`] if
	/// `None`). Returns whether it succeeded (`None` if no call could be generated).
	fn dispatch(&mut self, who: Option<Who>) -> Option<bool> {
		let call = self.timed("generate", |s| {
			s.gen
				.call(&mut s.rng)
				.ok()
				.and_then(|e| RuntimeCall::decode_all(&mut &e[..]).ok())
		});
		let Some(call) = call else {
			self.summary.undecodable += 1;
			return None;
		};
		let (pallet, name) = self
			.gen
			.generated
			.last()
			.map(|(p, c, _)| (p.clone(), c.clone()))
			.unwrap_or_default();
		let detail = if self.tracing() { format!("{call:?}") } else { String::new() };
		let who = match who {
			Some(who) => who,
			None => self.choose_origin(&pallet, &name),
		};
		let (label, outcome) = match who {
			Who::Signed(i) => {
				let label = format!("{pallet}.{name}");
				let xt = self.sign(i, call);
				let (outcome, _) = self.apply(xt, &label);
				(label, outcome)
			},
			Who::Root => {
				let label = format!("root:{pallet}.{name}");
				(label.clone(), self.as_root(call, &label))
			},
			Who::Council => {
				let label = format!("council:{pallet}.{name}");
				match self.as_council(call.clone(), &label) {
					Some(outcome) => (label, outcome),
					None => {
						let label = format!("root:{pallet}.{name}");
						(label.clone(), self.as_root(call, &label))
					},
				}
			},
		};
		let ok = outcome == Outcome::Ok;
		if ok {
			self.gen.note_success();
			let good = self.good_origins.entry((pallet, name)).or_default();
			if !good.contains(&who) {
				if good.len() >= 8 {
					good.remove(0);
				}
				good.push(who);
			}
		}
		self.record(&label, who, &outcome, &detail);
		Some(ok)
	}

	fn as_root(&mut self, call: RuntimeCall, label: &str) -> Outcome {
		let sudo = pallet_sudo::Key::<Runtime>::get();
		let signer = self.accounts.iter().position(|a| Some(a) == sudo.as_ref()).unwrap_or(ALICE);
		let wrapped = RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(call) });
		let xt = self.sign(signer, wrapped);
		match self.apply(xt, label) {
			(Outcome::Ok, Some(Err(e))) => Outcome::Failed(error_name(e)),
			(Outcome::Ok, _) => Outcome::Ok,
			(Outcome::Failed(e), _) => Outcome::Failed(format!("sudo:{e}")),
			(other, _) => other,
		}
	}

	/// A council motion for `call`: proposed, voted by the fewest known members that carry
	/// two thirds of the seats, and closed. `None` if too few known keys sit on the council.
	fn as_council(&mut self, call: RuntimeCall, label: &str) -> Option<Outcome> {
		type CouncilInstance = pallet_collective::Instance1;
		let members = pallet_collective::Members::<Runtime, CouncilInstance>::get();
		let known: Vec<usize> = (0..self.accounts.len())
			.filter(|i| members.contains(&self.accounts[*i]))
			.collect();
		let seats = members.len() as u32;
		let threshold = (2 * seats).div_ceil(3).max(2);
		if (known.len() as u32) < threshold {
			return None;
		}
		let index = pallet_collective::ProposalCount::<Runtime, CouncilInstance>::get();
		let length = call.encoded_size() as u32;
		let weight = call.get_dispatch_info().call_weight;
		let hash = BlakeTwo256::hash_of(&call);
		let proposer = known[self.rng.index(known.len())];
		let propose = RuntimeCall::Council(pallet_collective::Call::propose {
			threshold,
			proposal: Box::new(call),
			length_bound: length,
		});
		let xt = self.sign(proposer, propose);
		match self.apply(xt, "council:propose") {
			(Outcome::Ok, _) => {},
			(Outcome::Failed(e), _) => return Some(Outcome::Failed(format!("propose:{e}"))),
			(other, _) => return Some(other),
		}
		let start = self.rng.index(known.len());
		for k in 0..threshold as usize {
			let voter = known[(start + k) % known.len()];
			let vote = RuntimeCall::Council(pallet_collective::Call::vote {
				proposal: hash,
				index,
				approve: true,
			});
			let xt = self.sign(voter, vote);
			match self.apply(xt, "council:vote") {
				(Outcome::Ok, _) => {},
				(Outcome::Failed(e), _) => return Some(Outcome::Failed(format!("vote:{e}"))),
				(other, _) => return Some(other),
			}
		}
		let close = RuntimeCall::Council(pallet_collective::Call::close {
			proposal_hash: hash,
			index,
			proposal_weight_bound: weight,
			length_bound: length,
		});
		let xt = self.sign(proposer, close);
		Some(match self.apply(xt, label) {
			(Outcome::Ok, Some(Err(e))) => Outcome::Failed(error_name(e)),
			(Outcome::Ok, Some(Ok(()))) => Outcome::Ok,
			(Outcome::Ok, None) => Outcome::Failed("council:not-executed".into()),
			(Outcome::Failed(e), _) => Outcome::Failed(format!("close:{e}")),
			(other, _) => other,
		})
	}

	/// One random extrinsic.
	fn random_extrinsic(&mut self) {
		self.gen.forced = None;
		self.gen.prefer.clear();
		self.gen.focus.clear();
		// A call that cannot be generated or decoded is retried a few times.
		for _ in 0..5 {
			if self.dispatch(None).is_some() {
				return;
			}
		}
	}

	/// One attempt at the current setup step. Returns false when the plan is done.
	fn setup_extrinsic(&mut self, work: &mut Work) -> bool {
		let Work::Setup { plan, index, successes, attempts } = work else { return false };
		loop {
			let Some(step) = plan.get(*index) else { return false };
			if !self.gen.has_call(step.pallet, step.call) {
				*index += 1;
				continue;
			}
			if *successes >= step.want || *attempts >= step.tries {
				*index += 1;
				*successes = 0;
				*attempts = 0;
				continue;
			}
			self.gen.forced = Some((step.pallet.to_string(), step.call.to_string()));
			self.gen.prefer = step.prefer.iter().map(|s| s.to_string()).collect();
			self.gen.focus = step.focus.iter().map(|i| self.accounts[*i].clone().into()).collect();
			*attempts += 1;
			if self.dispatch(Some(step.who)) == Some(true) {
				*successes += 1;
			}
			return true;
		}
	}

	/// Produces one block: initialise it, the timestamp inherent, extrinsics from `work`,
	/// finalise it; then check every invariant.
	fn block(&mut self, work: &mut Work) -> Result<(), String> {
		self.number += 1;
		self.slot += match self.rng.below(1000) {
			0..=3 => 14 * 14_400 + 1,
			4..=19 => 14_400,
			20..=69 => 600,
			_ => 1,
		};
		self.block_trace.clear();
		self.block_full = false;
		self.current = None;
		let digest = Digest {
			logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, Slot::from(self.slot).encode())],
		};
		let header = Header::new(self.number, H256::zero(), H256::zero(), self.parent, digest);
		Executive::initialize_block(&header);
		self.events_seen = 0;
		let now = self.slot * salus_runtime::time::SLOT_DURATION;
		self.gen.now_ms = now;
		self.gen.block = self.number;
		let inherent =
			UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(pallet_timestamp::Call::set {
				now,
			}));
		match Executive::apply_extrinsic(inherent) {
			Ok(Ok(())) => {},
			other => return Err(format!("the timestamp inherent failed: {other:?}")),
		}

		if self.number == 1 {
			// Root shortens the periods (see `short_periods`).
			let call =
				RuntimeCall::System(frame_system::Call::set_storage { items: short_periods() });
			let outcome = self.as_root(call, "root:System.set_storage");
			if outcome != Outcome::Ok {
				return Err(format!("setting the short periods failed: {outcome:?}"));
			}
		}

		let target = self.rng.range(1, self.cfg.max_per_block);
		let mut applied = 0;
		while applied < target && !self.block_full {
			let more = match work {
				Work::Random { left } if *left > 0 => {
					*left -= 1;
					self.random_extrinsic();
					true
				},
				Work::Random { .. } => false,
				Work::Setup { .. } => self.setup_extrinsic(work),
			};
			if !more {
				break;
			}
			applied += 1;
		}
		self.current = None;
		check_weight("before finalize")?;
		let header = self.timed("finalize", |_| Executive::finalize_block());
		check_weight("after finalize")?;
		self.parent = header.hash();
		self.summary.blocks += 1;

		self.learn_events();
		self.timed("check", |_| check_invariants())?;
		self.faucet();
		Ok(())
	}

	/// Tops up a development account whose spendable balance random transfers, fees, holds
	/// and locks have drained, so that every origin stays usable. Minting keeps the total
	/// issuance consistent.
	fn faucet(&mut self) {
		use frame_support::traits::{
			fungible::Inspect,
			tokens::{Fortitude, Preservation},
		};
		for account in &self.accounts {
			let spendable = <Balances as Inspect<AccountId>>::reducible_balance(
				account,
				Preservation::Preserve,
				Fortitude::Polite,
			);
			if spendable < 10_000 * SLS {
				let _ = <Balances as Mutate<AccountId>>::mint_into(account, 1_000_000 * SLS);
				self.summary.faucet += 1;
			}
		}
	}
}

/// The block's consumed weight is within the limits of its class and of the block.
fn check_weight(when: &str) -> Result<(), String> {
	let limits = <Runtime as frame_system::Config>::BlockWeights::get();
	let consumed = frame_system::BlockWeight::<Runtime>::get();
	for class in [DispatchClass::Normal, DispatchClass::Operational] {
		if let Some(max) = limits.get(class).max_total {
			if !consumed.get(class).all_lte(max) {
				return Err(format!(
					"{class:?} weight {:?} exceeds its limit {max:?} ({when})",
					consumed.get(class)
				));
			}
		}
	}
	if !consumed.total().all_lte(limits.max_block) {
		return Err(format!(
			"block weight {:?} exceeds the block limit {:?} ({when}; mandatory {:?})",
			consumed.total(),
			limits.max_block,
			consumed.get(DispatchClass::Mandatory)
		));
	}
	Ok(())
}

/// The invariants that hold after every block.
fn check_invariants() -> Result<(), String> {
	let checks: [(&str, fn() -> Result<(), sp_runtime::TryRuntimeError>); 5] = [
		("HealthIdentity", pallet_health_identity::Pallet::<Runtime>::do_try_state),
		("Consent", pallet_consent::Pallet::<Runtime>::do_try_state),
		("Access", pallet_access::Pallet::<Runtime>::do_try_state),
		("Disputes", pallet_disputes::Pallet::<Runtime>::do_try_state),
		("Rewards", pallet_rewards::Pallet::<Runtime>::do_try_state),
	];
	for (pallet, check) in checks {
		check().map_err(|e| format!("{pallet}::do_try_state: {e:?}"))?;
	}
	let issuance = pallet_balances::TotalIssuance::<Runtime>::get();
	let mut sum: u128 = 0;
	for (_, info) in frame_system::Account::<Runtime>::iter() {
		sum = sum.saturating_add(info.data.free).saturating_add(info.data.reserved);
	}
	if sum != issuance {
		return Err(format!(
			"total issuance {issuance} != sum of free + reserved {sum} (difference {})",
			issuance as i128 - sum as i128
		));
	}
	Ok(())
}

/// Replaces `ext` by externalities holding only its live key-values (child tries included), and
/// checks that the storage root did not change. See [`Config::compact_every`].
pub fn compact(ext: &mut sp_io::TestExternalities) -> Result<(), String> {
	use sp_state_machine::{Backend, IterArgs};
	use sp_storage::{well_known_keys, ChildInfo, StorageChild};
	let root = *ext.backend.root();
	let mut storage = sp_storage::Storage::default();
	let pairs = ext.backend.pairs(IterArgs::default()).map_err(|e| format!("compact: {e}"))?;
	for pair in pairs {
		let (key, value) = pair.map_err(|e| format!("compact: {e}"))?;
		match key.strip_prefix(well_known_keys::DEFAULT_CHILD_STORAGE_KEY_PREFIX) {
			Some(child) => {
				let child_info = ChildInfo::new_default(child);
				let mut args = IterArgs::default();
				args.child_info = Some(child_info.clone());
				let mut data = BTreeMap::new();
				for pair in ext.backend.pairs(args).map_err(|e| format!("compact: {e}"))? {
					let (k, v) = pair.map_err(|e| format!("compact: {e}"))?;
					data.insert(k, v);
				}
				storage
					.children_default
					.insert(child.to_vec(), StorageChild { data, child_info });
			},
			None => {
				storage.top.insert(key, value);
			},
		}
	}
	// `new_with_state_version` writes an empty `:code`; the real one goes back in afterwards.
	let code = storage.top.remove(well_known_keys::CODE);
	let mut fresh = sp_io::TestExternalities::new_with_state_version(storage, ext.state_version);
	match code {
		Some(code) => fresh.insert(well_known_keys::CODE.to_vec(), code),
		None => fresh.execute_with(|| sp_io::storage::clear(well_known_keys::CODE)),
	}
	fresh.commit_all()?;
	let after = *fresh.backend.root();
	if after != root {
		return Err(format!("compact: storage root changed from {root:?} to {after:?}"));
	}
	*ext = fresh;
	Ok(())
}

/// Runs the fuzzer. Never panics on a runtime failure: the failure is in the summary.
pub fn run(cfg: Config) -> Summary {
	let started = Instant::now();
	let mut ext = dev_genesis();
	let mut state = State::new(cfg.clone());
	let plan = setup_plan();
	let mut work = Work::Setup { plan: &plan, index: 0, successes: 0, attempts: 0 };
	if !cfg.setup {
		work = Work::Random { left: cfg.extrinsics };
	}
	let mut last_progress = Instant::now();
	loop {
		let done = match &work {
			Work::Setup { plan, index, .. } => *index >= plan.len(),
			Work::Random { left } => *left == 0,
		};
		if done {
			match work {
				Work::Setup { .. } => {
					work = Work::Random { left: cfg.extrinsics };
					continue;
				},
				Work::Random { .. } => break,
			}
		}
		if cfg.time_limit.is_some_and(|limit| started.elapsed() >= limit) {
			break;
		}
		state.in_setup = matches!(work, Work::Setup { .. });
		let result = ext.execute_with(|| catch_unwind(AssertUnwindSafe(|| state.block(&mut work))));
		let failure = match result {
			Ok(Ok(())) => None,
			Ok(Err(message)) => Some(("invariant", message)),
			Err(payload) => {
				let message = payload
					.downcast_ref::<String>()
					.cloned()
					.or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
					.unwrap_or_else(|| "(no message)".into());
				Some(("panic", message))
			},
		};
		if let Some((kind, message)) = failure {
			let events = ext.execute_with(|| {
				frame_system::Pallet::<Runtime>::read_events_no_consensus()
					.map(|record| format!("{:?}", record.event))
					.collect()
			});
			state.summary.failure = Some(Failure {
				kind: kind.into(),
				block: state.number,
				extrinsic: state.current.as_ref().map(|(what, call)| format!("{what}: {call:?}")),
				message,
				block_trace: state.block_trace.clone(),
				events,
			});
			break;
		}
		let start = Instant::now();
		ext.commit_all().expect("commit");
		*state.timings.entry("commit").or_default() += start.elapsed();
		if cfg.compact_every > 0
			&& state.summary.blocks.is_multiple_of(u64::from(cfg.compact_every))
		{
			let start = Instant::now();
			if let Err(message) = compact(&mut ext) {
				state.summary.failure = Some(Failure {
					kind: "harness".into(),
					block: state.number,
					extrinsic: None,
					message,
					block_trace: Vec::new(),
					events: Vec::new(),
				});
				break;
			}
			*state.timings.entry("compact").or_default() += start.elapsed();
		}
		if let Some(every) = cfg.progress {
			if last_progress.elapsed() >= every {
				last_progress = Instant::now();
				let s = &state.summary;
				let secs = started.elapsed().as_secs_f64();
				let (nums, blobs) = state.gen.learnt();
				eprintln!(
					"[{secs:>6.0}s] block {:>6}, {:>8} extrinsics ({:.0}/s, {:.1} blocks/s): ok {}, failed {}, invalid {}; Salus ok {}/{}; learnt {nums} int keys, {blobs} hash keys",
					state.number,
					s.extrinsics,
					s.extrinsics as f64 / secs,
					s.blocks as f64 / secs,
					s.ok,
					s.failed,
					s.invalid,
					s.salus_ok,
					s.salus_total,
				);
			}
		}
	}
	state.summary.seconds = started.elapsed().as_secs_f64();
	state.summary.timings =
		state.timings.iter().map(|(k, v)| (k.to_string(), v.as_secs_f64())).collect();
	state.summary
}

/// For each call of the runtime, how many of `per_call` generated encodings decode into a
/// `RuntimeCall`: where a generator needs a hint. (`salus-fuzz --probe`.)
pub fn probe(seed: u64, per_call: u32) -> Vec<(String, u32, u32)> {
	sp_io::TestExternalities::new_empty().execute_with(|| {
		let mut state = State::new(Config { seed, ..Default::default() });
		let calls: Vec<(String, String)> = state
			.gen
			.pallets
			.iter()
			.flat_map(|p| p.calls.iter().map(move |c| (p.name.clone(), c.name.clone())))
			.collect();
		calls
			.into_iter()
			.map(|(pallet, call)| {
				state.gen.forced = Some((pallet.clone(), call.clone()));
				let ok = (0..per_call)
					.filter(|_| {
						state
							.gen
							.call(&mut state.rng)
							.ok()
							.is_some_and(|e| RuntimeCall::decode_all(&mut &e[..]).is_ok())
					})
					.count() as u32;
				(format!("{pallet}.{call}"), ok, per_call)
			})
			.collect()
	})
}
