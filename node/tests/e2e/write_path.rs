//! The write path under sustained load, against one node in one run.
//!
//! Pre-signed transactions from many accounts (one owner per account, nonces kept locally, each
//! account's transactions submitted in nonce order over one of 16 connections), in five phases
//! on the same node:
//!
//! 1. `transfers`: `Balances::transfer_keep_alive` between patients (the reference);
//! 2. `single logs`: `Access::log_disclosure` by the hospital's practitioners;
//! 3. `hospital day`: mostly `log_disclosure`, with patients approving requests, granting and
//!    revoking consents, practitioners requesting access, and a few emergencies (break-glass,
//!    within the runtime's rate limits);
//! 4. `batched logs`: `Access::log_disclosures`, 64 entries a transaction, as many entries as
//!    phase 2 logs;
//! 5. `batched hospital day`: phase 3's mix of patients' and practitioners' calls, with the
//!    accesses logged as a gateway sends them: `log_disclosures` of one practitioner's session,
//!    16 entries over 4 patients a transaction. Its rate is counted in operations (each
//!    disclosure one, each other call one), against transfers'.
//!
//! A phase's size is what its calls' weights let `SALUS_WRITE_PATH_BLOCKS` blocks hold (each
//! call's weight computed natively from the runtime's own weights), so a phase lasts about that
//! many blocks if the node keeps up. The submitters keep about two blocks' worth in the pool.
//! Inclusion is counted from the blocks (their `ExtrinsicSuccess`/`ExtrinsicFailed` events), rates
//! from the blocks' timestamps, block fullness from `System::BlockWeight` against the normal
//! class's limit. Every transaction must be included and succeed.
//!
//! In `cargo test` it runs a short smoke mode (up to 32 transactions a phase, 176 for the
//! hospital day, 100 for the batched one; 16 patients, 4 practitioners) against the debug node.
//! For a report:
//!
//! ```sh
//! SALUS_E2E_NODE=$CARGO_TARGET_DIR/benchmark/salus-node SALUS_WRITE_PATH_BLOCKS=20 \
//!   SALUS_WRITE_PATH_REPORT=$PWD/benchmarks/reports \
//!   cargo test --workspace --features runtime-benchmarks --locked --test e2e write_path -- --nocapture
//! ```
//!
//! The report is a dated markdown file with a CSV of every block; `benchmarks/plot.sh` turns
//! the CSV into PNG plots.

use crate::{
	harness::{account_of, node_binary, run_scenario, Client, Result},
	identity::accredited_hospital,
};
use codec::Encode;
use frame_support::dispatch::{DispatchClass, GetDispatchInfo, PerDispatchClass};
use pallet_access::{Call as AccessCall, DisclosureEntry, Event as AccessEvent};
use pallet_consent::{Call as ConsentCall, Event as ConsentEvent};
use pallet_health_identity::Call as IdentityCall;
use salus_primitives::{
	ConsentId, DataClass, DataClassSet, Decision, Grantee, PractitionerRole, ProviderId, Purpose,
	PurposeSet, RequestId,
};
use salus_runtime::{
	configs::system::RuntimeBlockWeights, AccountId, Hash, Runtime, RuntimeCall, RuntimeEvent,
	SignedPayload, TxExtension, UncheckedExtrinsic, SLS, VERSION,
};
use sp_core::{sr25519, Pair, H256};
use sp_runtime::{generic::Era, MultiSignature};
use std::{
	collections::{BTreeMap, HashMap},
	fmt::Write as _,
	sync::{
		atomic::{AtomicBool, AtomicUsize, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};
use subxt::rpcs::{rpc_params, RpcClient};
use subxt_signer::sr25519::dev;

/// Submitting connections.
const CONNECTIONS: usize = 16;
/// Entries of one `log_disclosures`.
const BATCH: usize = 64;
/// Entries of one `log_disclosures` in the batched hospital day: a practitioner's session.
const SESSION: usize = 16;
/// Patients of one session.
const SESSION_PATIENTS: usize = 4;
/// Blocks in a row without one of a phase's transactions, once all are submitted, before the
/// phase fails (transactions dropped).
const STALL_BLOCKS: usize = 5;
/// The longest wait for a new block (a slot is 6 s).
const HEAD_TIMEOUT: Duration = Duration::from_secs(60);
/// Retries of one submission the pool refused for being full (100 ms apart).
const MAX_RETRIES: usize = 1_200;

/// An account the harness signs for, with its next nonce.
pub(crate) struct Account {
	pair: sr25519::Pair,
	pub(crate) id: AccountId,
	nonce: u32,
}

impl Account {
	pub(crate) fn derive(path: &str) -> Result<Self> {
		let pair = sr25519::Pair::from_string(&format!("//salus-bench//{path}"), None)
			.map_err(|error| format!("deriving {path}: {error:?}"))?;
		let id = AccountId::from(pair.public());
		Ok(Self { pair, id, nonce: 0 })
	}

	/// `call`, signed with the next nonce, immortal, as a wallet signs it; encoded.
	pub(crate) fn sign(&mut self, call: RuntimeCall, genesis: Hash) -> Vec<u8> {
		let extension = extension(self.nonce);
		let implicit = (
			(),
			(),
			VERSION.spec_version,
			VERSION.transaction_version,
			genesis,
			genesis,
			(),
			(),
			(),
			None,
			(),
		);
		let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
		let signature = payload.using_encoded(|bytes| self.pair.sign(bytes));
		self.nonce = self.nonce.saturating_add(1);
		UncheckedExtrinsic::new_signed(
			call,
			self.id.clone().into(),
			MultiSignature::Sr25519(signature),
			extension,
		)
		.encode()
	}
}

/// The runtime's transaction extensions as a wallet fills them, with `nonce`, immortal.
fn extension(nonce: u32) -> TxExtension {
	(
		frame_system::AuthorizeCall::new(),
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(Era::Immortal),
		frame_system::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		pallet_skip_feeless_payment::SkipCheckIfFeeless::from(
			pallet_transaction_payment::ChargeTransactionPayment::from(0),
		),
		frame_metadata_hash_extension::CheckMetadataHash::new(false),
		frame_system::WeightReclaim::new(),
	)
}

/// One phase's transactions: `(sender, encoded extrinsic)` in the order they are due. Each
/// sender's appear in nonce order.
#[derive(Default)]
struct Load {
	name: &'static str,
	txs: Vec<(usize, Vec<u8>)>,
	/// Disclosures the phase logs (for the per-disclosure rates).
	disclosures: usize,
	/// The weight the runtime charges for the phase's transactions, base weights included.
	weight: u64,
	/// How many of each call.
	calls: BTreeMap<&'static str, usize>,
}

impl Load {
	fn new(name: &'static str) -> Self {
		Self { name, ..Default::default() }
	}

	/// Signs `call` as `sender` (an index into `accounts`) and adds it.
	fn push(
		&mut self,
		accounts: &mut [Account],
		sender: usize,
		call: RuntimeCall,
		genesis: Hash,
	) -> Result {
		self.weight = self.weight.saturating_add(charged(&call));
		let count = self.calls.entry(call_name(&call)).or_default();
		*count = count.saturating_add(1);
		if let RuntimeCall::Access(AccessCall::log_disclosures { entries }) = &call {
			self.disclosures = self.disclosures.saturating_add(entries.len());
		}
		if matches!(call, RuntimeCall::Access(AccessCall::log_disclosure { .. })) {
			self.disclosures = self.disclosures.saturating_add(1);
		}
		let account = accounts.get_mut(sender).ok_or("no such sender")?;
		self.txs.push((sender, account.sign(call, genesis)));
		Ok(())
	}
}

/// `System::Events` (a private storage item of `frame_system`).
fn events_key() -> Vec<u8> {
	frame_support::storage::storage_prefix(b"System", b"Events").to_vec()
}

/// The ref time the runtime charges for `call` in a block: its weight, its transaction
/// extensions' weight and the extrinsic base.
fn charged(call: &RuntimeCall) -> u64 {
	use sp_runtime::traits::TransactionExtension;
	let base = RuntimeBlockWeights::get().get(DispatchClass::Normal).base_extrinsic;
	call.get_dispatch_info()
		.call_weight
		.saturating_add(extension(0).weight(call))
		.saturating_add(base)
		.ref_time()
}

/// What the normal class may fill of a block (ref time).
fn normal_limit() -> u64 {
	let weights = RuntimeBlockWeights::get();
	weights
		.get(DispatchClass::Normal)
		.max_total
		.unwrap_or(weights.max_block)
		.ref_time()
}

fn call_name(call: &RuntimeCall) -> &'static str {
	match call {
		RuntimeCall::Balances(_) => "transfer_keep_alive",
		RuntimeCall::Access(AccessCall::log_disclosure { .. }) => "log_disclosure",
		RuntimeCall::Access(AccessCall::log_disclosures { .. }) => "log_disclosures",
		RuntimeCall::Access(AccessCall::request_access { .. }) => "request_access",
		RuntimeCall::Access(AccessCall::approve_request { .. }) => "approve_request",
		RuntimeCall::Access(AccessCall::declare_emergency { .. }) => "declare_emergency",
		RuntimeCall::Consent(ConsentCall::grant_consent { .. }) => "grant_consent",
		RuntimeCall::Consent(ConsentCall::revoke_consent { .. }) => "revoke_consent",
		_ => "other",
	}
}

/// One block of a phase.
#[derive(Clone, Debug)]
struct BlockStat {
	number: u32,
	/// Its timestamp, ms.
	at: u64,
	/// The phase's extrinsics it included (every signed extrinsic: nothing else is sent).
	included: usize,
	failed: usize,
	/// Normal-class weight used, ref time.
	weight: u64,
	/// The finalized block's number when this block was seen as the best.
	finalized: u32,
}

/// What a phase measured.
struct Run {
	name: &'static str,
	txs: usize,
	disclosures: usize,
	calls: BTreeMap<&'static str, usize>,
	/// The blocks from the first that included one of the phase's transactions to the last.
	blocks: Vec<BlockStat>,
	/// The timestamp of the block before the first.
	started_at: u64,
	/// Submissions the pool refused for being full, retried.
	retries: usize,
	/// The weight the phase's transactions are charged, in blocks' worth of the normal limit.
	blocks_of_weight: f64,
}

impl Run {
	fn seconds(&self) -> f64 {
		let last = self.blocks.last().map(|b| b.at).unwrap_or(self.started_at);
		(last.saturating_sub(self.started_at) as f64 / 1000.0).max(1e-3)
	}

	fn included(&self) -> usize {
		self.blocks.iter().map(|b| b.included).sum()
	}

	fn per_second(&self) -> f64 {
		self.included() as f64 / self.seconds()
	}

	fn disclosures_per_second(&self) -> f64 {
		self.disclosures as f64 / self.seconds()
	}

	/// What the phase did, counting each disclosure and each other call once: a logging call
	/// counts its entries.
	fn operations(&self) -> usize {
		let logging = ["log_disclosure", "log_disclosures"]
			.iter()
			.map(|name| self.calls.get(name).copied().unwrap_or_default())
			.sum::<usize>();
		self.txs.saturating_sub(logging).saturating_add(self.disclosures)
	}

	fn operations_per_second(&self) -> f64 {
		self.operations() as f64 / self.seconds()
	}

	/// Mean and highest fullness of the phase's blocks (normal class).
	fn fullness(&self) -> (f64, f64) {
		let limit = normal_limit().max(1) as f64;
		let all: Vec<f64> = self.blocks.iter().map(|b| b.weight as f64 / limit).collect();
		let mean = all.iter().sum::<f64>() / (all.len().max(1) as f64);
		(mean, all.iter().copied().fold(0.0, f64::max))
	}
}

/// Sends `load` over `connections` (each sender's transactions on one connection, in order)
/// keeping at most `window` of them in the pool — at `pace` transactions per second in all if
/// given (open loop), else as fast as the pool takes them — and counts them into blocks until
/// all are included. Fails if any is dropped or fails.
async fn run(
	client: &Client,
	connections: &[RpcClient],
	load: Load,
	window: usize,
	pace: Option<f64>,
) -> Result<Run> {
	let total = load.txs.len();
	let included = Arc::new(AtomicUsize::new(0));
	let submitted = Arc::new(AtomicUsize::new(0));
	let all_sent = Arc::new(AtomicBool::new(false));
	let retries = Arc::new(AtomicUsize::new(0));
	let mut heads = client
		.subscribe::<serde_json::Value>(
			"chain_subscribeNewHeads",
			rpc_params![],
			"chain_unsubscribeNewHeads",
		)
		.await?;
	let start_number = client.best_number().await?;
	let start_hash: Hash = client.rpc("chain_getBlockHash", rpc_params![start_number]).await?;
	let started_at: u64 = client
		.storage_at(pallet_timestamp::Now::<Runtime>::hashed_key().to_vec(), start_hash)
		.await?
		.unwrap_or_default();

	// Each connection takes the senders `sender % connections == lane`, in the load's order.
	let lanes = connections.len().max(1);
	let mut per_lane: Vec<Vec<Vec<u8>>> = vec![Vec::new(); lanes];
	for (sender, tx) in load.txs {
		if let Some(lane) = per_lane.get_mut(sender.checked_rem(lanes).unwrap_or_default()) {
			lane.push(tx);
		}
	}
	let begin = tokio::time::Instant::now();
	// Each lane's share of the pace: its i-th transaction is due i intervals after the start.
	let interval = pace.map(|rate| Duration::from_secs_f64(lanes as f64 / rate.max(1e-3)));
	let submitters =
		connections.iter().zip(per_lane).map(|(rpc, txs)| {
			let (included, submitted, retries) =
				(Arc::clone(&included), Arc::clone(&submitted), Arc::clone(&retries));
			async move {
				for (i, tx) in txs.into_iter().enumerate() {
					if let Some(interval) = interval {
						let due = begin
							.checked_add(interval.saturating_mul(i as u32))
							.ok_or("time overflow")?;
						tokio::time::sleep_until(due).await;
					}
					while submitted
						.load(Ordering::SeqCst)
						.saturating_sub(included.load(Ordering::SeqCst))
						>= window
					{
						tokio::time::sleep(Duration::from_millis(20)).await;
					}
					let bytes = sp_core::Bytes(tx);
					let mut tries = 0_usize;
					loop {
						let sent: std::result::Result<Hash, _> =
							rpc.request("author_submitExtrinsic", rpc_params![bytes.clone()]).await;
						match sent {
							Ok(_) => break,
							// 1016: the pool is full ("Immediately Dropped"); 1014: priority too
							// low to replace what is queued. Retry once blocks make room.
							Err(error)
								if error.to_string().contains("1016")
									|| error.to_string().contains("1014") =>
							{
								retries.fetch_add(1, Ordering::SeqCst);
								tries = tries.saturating_add(1);
								if tries > MAX_RETRIES {
									return Err(format!("the pool refused a transaction {MAX_RETRIES} times: {error}").into());
								}
								tokio::time::sleep(Duration::from_millis(100)).await;
							},
							Err(error) => return Err(format!("submitting: {error}").into()),
						}
					}
					submitted.fetch_add(1, Ordering::SeqCst);
				}
				Result::Ok(())
			}
		});
	let sending = async {
		futures::future::try_join_all(submitters).await?;
		all_sent.store(true, Ordering::SeqCst);
		Result::Ok(())
	};

	let counting = async {
		let mut blocks = Vec::new();
		let mut next = start_number.saturating_add(1);
		let mut stalled = 0_usize;
		let events_key = events_key();
		let weight_key = frame_system::BlockWeight::<Runtime>::hashed_key().to_vec();
		let now_key = pallet_timestamp::Now::<Runtime>::hashed_key().to_vec();
		while included.load(Ordering::SeqCst) < total {
			// A chain that stops producing blocks fails the phase rather than hanging CI.
			let head = tokio::time::timeout(HEAD_TIMEOUT, heads.next())
				.await
				.map_err(|_| format!("{}: no new block in {HEAD_TIMEOUT:?}", load.name))?
				.ok_or("the new-heads subscription ended")??;
			let number = head
				.get("number")
				.and_then(|n| n.as_str())
				.and_then(|n| u32::from_str_radix(n.trim_start_matches("0x"), 16).ok())
				.ok_or("a head without a number")?;
			// How far finality trails this head, as soon as it is announced.
			let finalized_hash: Hash = client.rpc("chain_getFinalizedHead", rpc_params![]).await?;
			let finalized = client.block_number(Some(finalized_hash)).await?;
			// Every block up to the head, once, by number: a dev chain has one author and no
			// forks. On the four-validator network a reorganisation could count a block's
			// transactions twice; the phase then fails its count against what it sent.
			while next <= number {
				let hash: Hash = client.rpc("chain_getBlockHash", rpc_params![next]).await?;
				let events: Vec<frame_system::EventRecord<RuntimeEvent, Hash>> =
					client.storage_at(events_key.clone(), hash).await?.unwrap_or_default();
				let (mut ok, mut failed) = (0_usize, 0_usize);
				for record in &events {
					match &record.event {
						RuntimeEvent::System(frame_system::Event::ExtrinsicSuccess {
							dispatch_info,
						}) if dispatch_info.class != DispatchClass::Mandatory => ok = ok.saturating_add(1),
						RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
							dispatch_info,
							..
						}) if dispatch_info.class != DispatchClass::Mandatory => failed = failed.saturating_add(1),
						_ => {},
					}
				}
				let weight: PerDispatchClass<frame_support::weights::Weight> =
					client.storage_at(weight_key.clone(), hash).await?.unwrap_or_default();
				let at: u64 = client.storage_at(now_key.clone(), hash).await?.unwrap_or_default();
				let stat = BlockStat {
					finalized,
					number: next,
					at,
					included: ok.saturating_add(failed),
					failed,
					weight: weight.get(DispatchClass::Normal).ref_time(),
				};
				included.fetch_add(stat.included, Ordering::SeqCst);
				if stat.included == 0 && all_sent.load(Ordering::SeqCst) {
					stalled = stalled.saturating_add(1);
					if stalled >= STALL_BLOCKS {
						return Err(format!(
							"{}: {} of {total} transactions included, none in {STALL_BLOCKS} blocks since the last was sent",
							load.name,
							included.load(Ordering::SeqCst)
						)
						.into());
					}
				} else {
					stalled = 0;
				}
				// The phase's blocks: from the first that includes one of its transactions.
				if stat.included > 0 || !blocks.is_empty() {
					blocks.push(stat);
				}
				next = next.saturating_add(1);
			}
		}
		// Trailing empty blocks are not the phase's.
		while blocks.last().is_some_and(|b: &BlockStat| b.included == 0) {
			blocks.pop();
		}
		Result::Ok(blocks)
	};
	let ((), mut blocks) = tokio::try_join!(sending, counting)?;
	let failed: usize = blocks.iter().map(|b| b.failed).sum();
	if failed > 0 {
		return Err(format!("{}: {failed} of {total} transactions failed", load.name).into());
	}
	if included.load(Ordering::SeqCst) != total {
		return Err(format!(
			"{}: {} included, {total} sent",
			load.name,
			included.load(Ordering::SeqCst)
		)
		.into());
	}
	// The block before the first is where the phase's clock starts.
	let first = blocks.first().map(|b| b.number).unwrap_or(start_number);
	let before: Hash =
		client.rpc("chain_getBlockHash", rpc_params![first.saturating_sub(1)]).await?;
	let started_at = client
		.storage_at(pallet_timestamp::Now::<Runtime>::hashed_key().to_vec(), before)
		.await?
		.unwrap_or(started_at);
	blocks.shrink_to_fit();
	Ok(Run {
		name: load.name,
		txs: total,
		disclosures: load.disclosures,
		calls: load.calls,
		blocks,
		started_at,
		retries: retries.load(Ordering::SeqCst),
		blocks_of_weight: load.weight as f64 / normal_limit().max(1) as f64,
	})
}

/// How many transactions of `call`'s weight `blocks` blocks hold.
fn fits(call: &RuntimeCall, blocks: usize) -> usize {
	(normal_limit().checked_div(charged(call)).unwrap_or(1) as usize)
		.saturating_mul(blocks)
		.max(1)
}

/// How many of `call` two blocks hold: what the submitters keep in the pool.
fn window_for(call: &RuntimeCall) -> usize {
	fits(call, 2).clamp(64, 8_000)
}

fn log(patient: &AccountId, n: usize) -> RuntimeCall {
	RuntimeCall::Access(AccessCall::log_disclosure {
		patient: patient.clone(),
		data_class: DataClass::LabResults,
		purpose: Purpose::Treatment,
		record: Some(H256::from_low_u64_be(n as u64)),
	})
}

fn grant(hospital: ProviderId) -> RuntimeCall {
	RuntimeCall::Consent(ConsentCall::grant_consent {
		grantee: Grantee::Provider(hospital),
		decision: Decision::Permit,
		classes: DataClassSet::full(),
		purposes: PurposeSet::full(),
		jurisdictions: None,
		valid_from: None,
		valid_until: None,
	})
}

fn request(patient: &AccountId) -> RuntimeCall {
	RuntimeCall::Access(AccessCall::request_access {
		patient: patient.clone(),
		classes: DataClassSet::full(),
		purpose: Purpose::Treatment,
		duration: 30 * 24 * 60 * 60 * 1000,
		justification: H256::repeat_byte(7),
		bounty: 0,
	})
}

/// Sends each of `calls` signed by its account and waits until all are included.
async fn setup_round(
	client: &Client,
	connections: &[RpcClient],
	accounts: &mut [Account],
	genesis: Hash,
	name: &'static str,
	calls: Vec<(usize, RuntimeCall)>,
) -> Result<Vec<RuntimeEvent>> {
	let mut load = Load::new(name);
	for (sender, call) in calls {
		load.push(accounts, sender, call, genesis)?;
	}
	let run = run(client, connections, load, 8_000, None).await?;
	let mut events = Vec::new();
	let events_key = events_key();
	for block in &run.blocks {
		let hash: Hash = client.rpc("chain_getBlockHash", rpc_params![block.number]).await?;
		let records: Vec<frame_system::EventRecord<RuntimeEvent, Hash>> =
			client.storage_at(events_key.clone(), hash).await?.unwrap_or_default();
		events.extend(records.into_iter().map(|r| r.event));
	}
	Ok(events)
}

fn row(run: &Run, transfers: &Run) -> String {
	let (mean, max) = run.fullness();
	let calls: Vec<String> = run.calls.iter().map(|(name, n)| format!("{name} {n}")).collect();
	format!(
		"| {} | {} | {} | {:.1} | {:.1} | {:.2} | {:.0} | {:.0} | {:.2} | {:.0} % | {:.0} % | {:.2} | {} | {} |",
		run.name,
		run.txs,
		run.blocks.len(),
		run.seconds(),
		run.per_second(),
		run.per_second() / transfers.per_second().max(1e-9),
		run.disclosures_per_second(),
		run.operations_per_second(),
		run.operations_per_second() / transfers.per_second().max(1e-9),
		mean * 100.0,
		max * 100.0,
		run.blocks_of_weight,
		run.retries,
		calls.join(", "),
	)
}

#[tokio::test(flavor = "multi_thread")]
async fn write_path() -> Result {
	let blocks: usize = std::env::var("SALUS_WRITE_PATH_BLOCKS")
		.ok()
		.and_then(|n| n.parse().ok())
		.unwrap_or(0);
	let report_dir = std::env::var_os("SALUS_WRITE_PATH_REPORT").map(std::path::PathBuf::from);
	// The smoke mode: a few accounts, a fraction of a block's worth per phase.
	let smoke = blocks == 0;
	let (patients, practitioners) = if smoke { (16_usize, 4_usize) } else { (256, 16) };
	run_scenario(|client| async move {
		let (alice, charlie, dave) = (dev::alice(), dev::charlie(), dev::dave());
		let genesis: Hash = client.rpc("chain_getBlockHash", rpc_params![0_u32]).await?;
		let mut connections = Vec::new();
		for _ in 0..CONNECTIONS {
			connections.push(client.connection().await?);
		}
		// Accounts 0..patients are patients, the rest practitioners.
		let mut accounts = Vec::new();
		for i in 0..patients {
			accounts.push(Account::derive(&format!("patient//{i}"))?);
		}
		for i in 0..practitioners {
			accounts.push(Account::derive(&format!("practitioner//{i}"))?);
		}
		let practitioner_index = |i: usize| patients.saturating_add(i);
		let ids: Vec<AccountId> = accounts.iter().map(|a| a.id.clone()).collect();
		let patient_id = |i: usize| ids.get(i.checked_rem(patients).unwrap_or_default()).cloned().unwrap_or_else(|| account_of(&alice));

		// Set-up: funds, a hospital whose practitioners they are, registered patients with
		// consents to the hospital, and one open request per patient.
		let hospital = accredited_hospital(&client, &charlie, &dave, &alice).await?;
		let fund: Vec<RuntimeCall> = ids
			.iter()
			.map(|who| {
				RuntimeCall::Balances(pallet_balances::Call::force_set_balance {
					who: who.clone().into(),
					new_free: SLS.saturating_mul(1_000_000),
				})
			})
			.collect();
		let add: Vec<RuntimeCall> = (0..practitioners)
			.filter_map(|i| ids.get(practitioner_index(i)))
			.map(|who| {
				RuntimeCall::HealthIdentity(IdentityCall::add_practitioner {
					account: who.clone(),
					role: PractitionerRole::Physician,
				})
			})
			.collect();
		let batch = |calls| RuntimeCall::Utility(pallet_utility::Call::batch_all { calls });
		tokio::try_join!(
			client.submit(
				RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(batch(fund)) }),
				&alice
			),
			client.submit(batch(add), &charlie),
		)?;
		let mut round = Vec::new();
		for i in 0..patients {
			let commitment = Hash::from_low_u64_be((i as u64).saturating_add(1_000));
			let binding = pallet_health_identity::Pallet::<Runtime>::binding_of(&commitment, &patient_id(i));
			round.push((i, RuntimeCall::HealthIdentity(IdentityCall::announce_commitment { binding: Some(binding) })));
		}
		for i in 0..practitioners {
			round.push((
				practitioner_index(i),
				RuntimeCall::HealthIdentity(IdentityCall::accept_practitioner { provider: hospital }),
			));
		}
		setup_round(&client, &connections, &mut accounts, genesis, "set-up: announce", round).await?;
		let round = (0..patients)
			.map(|i| {
				let commitment = Hash::from_low_u64_be((i as u64).saturating_add(1_000));
				let register = RuntimeCall::HealthIdentity(IdentityCall::register_patient {
					commitment,
					jurisdiction: crate::identity::de()?,
					encryption_key: None,
				});
				Ok((i, register))
			})
			.collect::<Result<Vec<_>>>()?;
		setup_round(&client, &connections, &mut accounts, genesis, "set-up: register", round).await?;
		// A standing consent (never revoked), two that phase 3 revokes and two that phase 5 does.
		let round = (0..patients).map(|i| (i, batch(vec![grant(hospital); 5]))).collect();
		let events =
			setup_round(&client, &connections, &mut accounts, genesis, "set-up: consents", round).await?;
		let mut consents: HashMap<AccountId, Vec<ConsentId>> = HashMap::new();
		for event in &events {
			if let RuntimeEvent::Consent(ConsentEvent::ConsentGranted { patient, id, .. }) = event {
				consents.entry(patient.clone()).or_default().push(*id);
			}
		}
		// Two requests per patient: phase 3 approves one, phase 5 the other.
		let round = (0..patients)
			.flat_map(|i| {
				let from = practitioner_index(i.checked_rem(practitioners).unwrap_or_default());
				[(from, request(&patient_id(i))), (from, request(&patient_id(i)))]
			})
			.collect();
		let events =
			setup_round(&client, &connections, &mut accounts, genesis, "set-up: requests", round).await?;
		let mut requests: HashMap<AccountId, Vec<RequestId>> = HashMap::new();
		for event in &events {
			if let RuntimeEvent::Access(AccessEvent::AccessRequested { id, patient, .. }) = event {
				requests.entry(patient.clone()).or_default().push(*id);
			}
		}

		// The phases' transactions, all signed before the first is sent.
		let signing = Instant::now();
		let transfer = |to: &AccountId| {
			RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
				dest: to.clone().into(),
				value: salus_runtime::EXISTENTIAL_DEPOSIT,
			})
		};
		let size = |call: &RuntimeCall| if smoke { fits(call, 1).min(patients.saturating_mul(2)) } else { fits(call, blocks) };

		let mut transfers = Load::new("transfers");
		let n = size(&transfer(&patient_id(0)));
		for k in 0..n {
			let from = k.checked_rem(patients).unwrap_or_default();
			transfers.push(&mut accounts, from, transfer(&patient_id(from.saturating_add(1))), genesis)?;
		}

		let mut singles = Load::new("single logs");
		let n = size(&log(&patient_id(0), 0));
		for k in 0..n {
			let from = practitioner_index(k.checked_rem(practitioners).unwrap_or_default());
			singles.push(&mut accounts, from, log(&patient_id(k.checked_div(practitioners).unwrap_or_default()), k), genesis)?;
		}

		// The hospital day: per patient an approval, a grant and two revocations; per patient a
		// new request; two emergencies per practitioner (the runtime allows five a day each and
		// fifty a hospital); the rest logs. Patients' and practitioners' other calls are spread
		// evenly among the logs.
		let mut day = Load::new("hospital day");
		let n = size(&log(&patient_id(0), 0));
		let mut others: Vec<(usize, RuntimeCall)> = Vec::new();
		for i in 0..patients {
			let patient = patient_id(i);
			let request_id = *requests.get(&patient).and_then(|ids| ids.first()).ok_or("a patient without a request")?;
			let ids = consents.get(&patient).ok_or("a patient without consents")?;
			let (first, second) = (ids.get(1).ok_or("too few consents")?, ids.get(2).ok_or("too few consents")?);
			others.push((i, RuntimeCall::Access(AccessCall::approve_request { request_id, classes: None })));
			others.push((i, RuntimeCall::Consent(ConsentCall::revoke_consent { id: *first })));
			others.push((practitioner_index(i.checked_rem(practitioners).unwrap_or_default()), request(&patient)));
			others.push((i, grant(hospital)));
			others.push((i, RuntimeCall::Consent(ConsentCall::revoke_consent { id: *second })));
		}
		for p in 0..practitioners {
			for e in 0..2_usize {
				let patient = patient_id(p.saturating_mul(2).saturating_add(e));
				others.push((
					practitioner_index(p),
					RuntimeCall::Access(AccessCall::declare_emergency { patient, justification: H256::repeat_byte(9) }),
				));
			}
		}
		let logs = n.saturating_sub(others.len()).max(others.len());
		let every = logs.checked_div(others.len().max(1)).unwrap_or(1).max(1);
		let mut others = others.into_iter();
		for k in 0..logs {
			let from = practitioner_index(k.checked_rem(practitioners).unwrap_or_default());
			day.push(&mut accounts, from, log(&patient_id(k.checked_div(practitioners).unwrap_or_default()), k), genesis)?;
			if k.checked_rem(every) == Some(0) {
				if let Some((sender, call)) = others.next() {
					day.push(&mut accounts, sender, call, genesis)?;
				}
			}
		}
		for (sender, call) in others {
			day.push(&mut accounts, sender, call, genesis)?;
		}

		let mut batched = Load::new("batched logs");
		let mut k = 0_usize;
		let mut t = 0_usize;
		while k < singles.disclosures {
			let entries: Vec<DisclosureEntry<AccountId>> = (0..BATCH)
				.map(|j| DisclosureEntry {
					patient: patient_id(k.saturating_add(j).checked_div(practitioners).unwrap_or_default()),
					data_class: DataClass::LabResults,
					purpose: Purpose::Treatment,
					record: Some(H256::from_low_u64_be(k.saturating_add(j) as u64)),
				})
				.collect();
			let call = RuntimeCall::Access(AccessCall::log_disclosures {
				entries: entries.try_into().map_err(|_| "batch too long")?,
			});
			let from = practitioner_index(t.checked_rem(practitioners).unwrap_or_default());
			batched.push(&mut accounts, from, call, genesis)?;
			k = k.saturating_add(BATCH);
			t = t.saturating_add(1);
		}
		// The hospital day again, logged in sessions: per patient the second request approved,
		// a grant and the two other revocations, a new request; one emergency per practitioner,
		// on patients phase 3's did not reach (the hospital may declare fifty a day).
		let mut day_batched = Load::new("batched hospital day");
		let mut others: Vec<(usize, RuntimeCall)> = Vec::new();
		for i in 0..patients {
			let patient = patient_id(i);
			let request_id = *requests.get(&patient).and_then(|ids| ids.get(1)).ok_or("a patient without a second request")?;
			let ids = consents.get(&patient).ok_or("a patient without consents")?;
			let (third, fourth) = (ids.get(3).ok_or("too few consents")?, ids.get(4).ok_or("too few consents")?);
			others.push((i, RuntimeCall::Access(AccessCall::approve_request { request_id, classes: None })));
			others.push((i, RuntimeCall::Consent(ConsentCall::revoke_consent { id: *third })));
			others.push((practitioner_index(i.checked_rem(practitioners).unwrap_or_default()), request(&patient)));
			others.push((i, grant(hospital)));
			others.push((i, RuntimeCall::Consent(ConsentCall::revoke_consent { id: *fourth })));
		}
		for p in 0..practitioners {
			let patient = patient_id(practitioners.saturating_mul(2).saturating_add(p));
			others.push((
				practitioner_index(p),
				RuntimeCall::Access(AccessCall::declare_emergency { patient, justification: H256::repeat_byte(8) }),
			));
		}
		let session = |t: usize| -> Result<RuntimeCall> {
			let entries: Vec<DisclosureEntry<AccountId>> = (0..SESSION)
				.map(|j| DisclosureEntry {
					patient: patient_id(t.saturating_mul(SESSION_PATIENTS).saturating_add(j.checked_rem(SESSION_PATIENTS).unwrap_or_default())),
					data_class: DataClass::LabResults,
					purpose: Purpose::Treatment,
					record: Some(H256::from_low_u64_be(t.saturating_mul(SESSION).saturating_add(j) as u64)),
				})
				.collect();
			Ok(RuntimeCall::Access(AccessCall::log_disclosures { entries: entries.try_into().map_err(|_| "session too long")? }))
		};
		let others_weight: u64 = others.iter().map(|(_, call)| charged(call)).sum();
		let sessions = if smoke {
			16
		} else {
			fits(&session(0)?, blocks).saturating_sub(others_weight.checked_div(charged(&session(0)?)).unwrap_or_default() as usize).max(others.len())
		};
		let every = sessions.checked_div(others.len().max(1)).unwrap_or(1).max(1);
		let mut others = others.into_iter();
		for t in 0..sessions {
			let from = practitioner_index(t.checked_rem(practitioners).unwrap_or_default());
			day_batched.push(&mut accounts, from, session(t)?, genesis)?;
			if t.checked_rem(every) == Some(0) {
				if let Some((sender, call)) = others.next() {
					day_batched.push(&mut accounts, sender, call, genesis)?;
				}
			}
		}
		for (sender, call) in others {
			day_batched.push(&mut accounts, sender, call, genesis)?;
		}

		let signed = signing.elapsed();
		println!(
			"signed {} transactions in {signed:?}",
			[&transfers, &singles, &day, &batched, &day_batched].iter().map(|l| l.txs.len()).sum::<usize>()
		);

		let windows = [
			window_for(&transfer(&patient_id(0))),
			window_for(&log(&patient_id(0), 0)),
			window_for(&log(&patient_id(0), 0)),
			window_for(&RuntimeCall::Access(AccessCall::log_disclosures {
				entries: vec![DisclosureEntry { patient: patient_id(0), data_class: DataClass::LabResults, purpose: Purpose::Treatment, record: None }; BATCH].try_into().map_err(|_| "batch too long")?,
			})),
			window_for(&session(0)?),
		];
		let mut runs = Vec::new();
		for (load, window) in [transfers, singles, day, batched, day_batched].into_iter().zip(windows) {
			let run = run(&client, &connections, load, window, None).await?;
			println!(
				"{}: {} transactions in {} blocks, {:.1}/s",
				run.name,
				run.txs,
				run.blocks.len(),
				run.per_second()
			);
			runs.push(run);
		}
		let [transfers, singles, day, batched, day_batched] =
			<[Run; 5]>::try_from(runs).map_err(|_| "five phases")?;

		// Every disclosure of phases 2 to 5 is on chain: the patients' logs count them.
		let mut logged = 0_u64;
		for i in 0..patients {
			let key = pallet_access::DisclosureLogs::<Runtime>::hashed_key_for(patient_id(i));
			let log = client.storage::<pallet_access::DisclosureLogOf<Runtime>>(key).await?;
			logged = logged.saturating_add(u64::from(log.map(|log| log.count).unwrap_or_default()));
		}
		let expected = singles.disclosures.saturating_add(day.disclosures).saturating_add(batched.disclosures).saturating_add(day_batched.disclosures);
		if logged != expected as u64 {
			return Err(format!("{logged} disclosures logged, {expected} sent").into());
		}

		let mut table = String::from(
			"| phase | transactions | blocks | seconds | tx/s included | × transfers | disclosures/s | operations/s | operations × transfers | mean fullness | max fullness | charged weight, blocks | pool-full retries | calls |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
		);
		for run in [&transfers, &singles, &day, &batched, &day_batched] {
			let _ = writeln!(table, "{}", row(run, &transfers));
		}
		let batch_gain = batched.disclosures_per_second() / singles.disclosures_per_second().max(1e-9);
		let day_ratio = day.per_second() / transfers.per_second().max(1e-9);
		let day_batched_ratio = day_batched.operations_per_second() / transfers.per_second().max(1e-9);
		println!("{table}\nhospital day / transfers: {day_ratio:.2}; batched / single disclosures per second: {batch_gain:.2}; batched hospital day, operations / transfers: {day_batched_ratio:.2}");

		if let Some(dir) = report_dir {
			let version = std::process::Command::new(node_binary()).arg("--version").output()?;
			let date = std::process::Command::new("date").arg("-u").arg("+%Y-%m-%d").output()?;
			let date = String::from_utf8_lossy(&date.stdout).trim().to_string();
			let mut csv = String::from("phase,block,seconds,included,weight_fraction\n");
			for run in [&transfers, &singles, &day, &batched, &day_batched] {
				for b in &run.blocks {
					let _ = writeln!(
						csv,
						"{},{},{:.3},{},{:.4}",
						run.name,
						b.number,
						b.at.saturating_sub(run.started_at) as f64 / 1000.0,
						b.included,
						b.weight as f64 / normal_limit().max(1) as f64
					);
				}
			}
			let per_call: Vec<String> = [
				("transfer_keep_alive", transfer(&patient_id(0))),
				("log_disclosure", log(&patient_id(0), 0)),
				("grant_consent", grant(hospital)),
				("revoke_consent", RuntimeCall::Consent(ConsentCall::revoke_consent { id: 0 })),
				("request_access", request(&patient_id(0))),
				("approve_request", RuntimeCall::Access(AccessCall::approve_request { request_id: 0, classes: None })),
				("declare_emergency", RuntimeCall::Access(AccessCall::declare_emergency { patient: patient_id(0), justification: H256::zero() })),
			]
			.iter()
			.map(|(name, call)| format!("| `{name}` | {:.1} | {} |", charged(call) as f64 / 1e6, fits(call, 1)))
			.collect();
			let generator = salus_bench::build();
			let report = format!(
				"# Write path, {date}\n\n\
				 Node: `{}` (`{}`), `--dev` (one author, 6 s blocks), ParityDB; load from this \
				 test on the same machine (`node/tests/e2e/write_path.rs`): pre-signed \
				 transactions from {patients} patients and {practitioners} practitioners of one \
				 hospital (one owner per account, local nonces), {CONNECTIONS} connections, about \
				 two blocks' worth kept in the pool; {blocks} blocks' worth of weight per phase. \
				 Signing took {signed:.1?} ({generator} build of the load generator), before the first phase.\n\n\
				 Rates are counted from the blocks: transactions included (all succeeded) over \
				 the time from the block before a phase's first to its last block, by block \
				 timestamps. Fullness is the normal class's weight used against its limit \
				 ({:.3} s of ref time).\n\n\
				 ## Phases\n\n{table}\n\
				 - hospital day ÷ transfers (transactions per second): **{day_ratio:.2}** (target ≥ 0.9)\n\
				 - batched ÷ single logging (disclosures per second): **{batch_gain:.2}** (target ≥ 10)\n\
				 - hospital day with its accesses logged in sessions ({SESSION} entries over {SESSION_PATIENTS} patients a \
				 `log_disclosures`) ÷ transfers (operations per second: each disclosure and each other call one): \
				 **{day_batched_ratio:.2}**\n\n\
				 ## What a block holds, by the runtime's weights\n\n\
				 | call | charged µs (with its extensions' weight and the extrinsic base) | per block |\n|---|---|---|\n{}\n\n\
				 The per-block CSV is `{date}-write-path.csv`; `benchmarks/plot.sh` draws it.\n",
				node_binary().iter().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect::<std::path::PathBuf>().display(),
				String::from_utf8_lossy(&version.stdout).trim(),
				normal_limit() as f64 / 1e12,
				per_call.join("\n"),
			);
			std::fs::create_dir_all(&dir)?;
			std::fs::write(dir.join(format!("{date}-write-path.csv")), csv)?;
			let path = dir.join(format!("{date}-write-path.md"));
			std::fs::write(&path, report)?;
			println!("report: {}", path.display());
		}
		Ok(())
	})
	.await
}

/// Finality on the four-validator local network while transfers fill 80 % of every block's
/// normal-class weight (open loop, paced to that rate), for `SALUS_FINALITY_BLOCKS` blocks: how
/// far the finalized block trails each new best block.
///
/// Four nodes and the load generator on one machine: ignored in `cargo test` (four debug nodes
/// starting at once would take minutes of CI); run it on the release node with `--ignored`
/// (`SALUS_FINALITY_BLOCKS`, default 20, sets how many slots the load lasts), e.g.
///
/// ```sh
/// SALUS_E2E_NODE=$CARGO_TARGET_DIR/production/salus-node SALUS_FINALITY_BLOCKS=20 \
///   SALUS_WRITE_PATH_REPORT=$PWD/benchmarks/reports \
///   cargo test --workspace --features runtime-benchmarks --locked --test e2e finality_under_load -- --ignored --nocapture
/// ```
#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement: four validators under sustained load; run with --ignored (benchmarks/README.md)"]
async fn finality_under_load() -> Result {
	let blocks: usize = std::env::var("SALUS_FINALITY_BLOCKS")
		.ok()
		.and_then(|n| n.parse().ok())
		.unwrap_or(20);
	let report_dir = std::env::var_os("SALUS_WRITE_PATH_REPORT").map(std::path::PathBuf::from);
	let mut nodes = crate::harness::TestNode::local_network(&[])?;
	let outcome = async {
		let alice_node = nodes.first_mut().ok_or("no validator")?;
		let client = alice_node.client().await?;
		client.wait_for_blocks(2, 1, Duration::from_secs(300)).await?;
		let genesis: Hash = client.rpc("chain_getBlockHash", rpc_params![0_u32]).await?;
		let mut connections = Vec::new();
		for _ in 0..CONNECTIONS {
			connections.push(client.connection().await?);
		}
		let senders = 256_usize;
		let mut accounts = (0..senders)
			.map(|i| Account::derive(&format!("sender//{i}")))
			.collect::<Result<Vec<_>>>()?;
		let ids: Vec<AccountId> = accounts.iter().map(|a| a.id.clone()).collect();
		let fund = ids
			.iter()
			.map(|who| {
				RuntimeCall::Balances(pallet_balances::Call::force_set_balance {
					who: who.clone().into(),
					new_free: SLS.saturating_mul(1_000),
				})
			})
			.collect();
		let batch = RuntimeCall::Utility(pallet_utility::Call::batch_all { calls: fund });
		client
			.submit(RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(batch) }), &dev::alice())
			.await?;

		let transfer = |to: &AccountId| {
			RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
				dest: to.clone().into(),
				value: salus_runtime::EXISTENTIAL_DEPOSIT,
			})
		};
		let to = |i: usize| ids.get(i.checked_rem(senders).unwrap_or_default()).cloned().ok_or("no account");
		// 80 % of what the blocks' weight admits, spread evenly over `blocks` slots.
		let per_block = fits(&transfer(&to(0)?), 1).saturating_mul(4) / 5;
		let count = per_block.saturating_mul(blocks);
		let seconds = (blocks as f64) * (salus_runtime::time::MILLI_SECS_PER_BLOCK as f64) / 1000.0;
		let mut load = Load::new("transfers at 80 %");
		for k in 0..count {
			let from = k.checked_rem(senders).unwrap_or_default();
			load.push(&mut accounts, from, transfer(&to(from.saturating_add(1))?), genesis)?;
		}
		let rate = count as f64 / seconds;
		let run = run(&client, &connections, load, window_for(&transfer(&to(0)?)), Some(rate)).await?;
		let lags: Vec<u32> = run.blocks.iter().map(|b| b.number.saturating_sub(b.finalized)).collect();
		let max_lag = lags.iter().copied().max().unwrap_or_default();
		let mean_lag = lags.iter().map(|l| f64::from(*l)).sum::<f64>() / (lags.len().max(1) as f64);
		let (mean_full, max_full) = run.fullness();
		let summary = format!(
			"| validators | offered tx/s | included tx/s | blocks | mean fullness | max fullness | mean lag (blocks) | max lag (blocks) |\n\
			 |---|---|---|---|---|---|---|---|\n\
			 | 4 | {rate:.0} | {:.0} | {} | {:.0} % | {:.0} % | {mean_lag:.2} | {max_lag} |\n",
			run.per_second(),
			run.blocks.len(),
			mean_full * 100.0,
			max_full * 100.0,
		);
		println!("{summary}");
		if let Some(dir) = report_dir {
			let version = std::process::Command::new(node_binary()).arg("--version").output()?;
			let date = std::process::Command::new("date").arg("-u").arg("+%Y-%m-%d").output()?;
			let date = String::from_utf8_lossy(&date.stdout).trim().to_string();
			let mut csv = String::from("block,seconds,included,weight_fraction,finalized,lag\n");
			for b in &run.blocks {
				let _ = writeln!(
					csv,
					"{},{:.3},{},{:.4},{},{}",
					b.number,
					b.at.saturating_sub(run.started_at) as f64 / 1000.0,
					b.included,
					b.weight as f64 / normal_limit().max(1) as f64,
					b.finalized,
					b.number.saturating_sub(b.finalized),
				);
			}
			let generator = salus_bench::build();
			let report = format!(
				"# Finality under load, {date}\n\n\
				 Four validators of the local network (`--chain local`: Alice, Bob, Charlie, Dave; \
				 Aura, 6 s slots, GRANDPA), each `{}` (`{}`), on one machine with the load \
				 generator (`node/tests/e2e/write_path.rs`, `finality_under_load`, a {generator} build). \
				 `transfer_keep_alive` from {senders} accounts sent to Alice at 80 % of what the \
				 normal class's weight admits per block ({per_block} a block), paced evenly, for \
				 {blocks} slots. The lag is the best block's number minus the finalized block's \
				 when the best block is announced (target: ≤ 3).\n\n{summary}\n\
				 Per block: `{date}-finality.csv`.\n",
				node_binary().iter().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect::<std::path::PathBuf>().display(),
				String::from_utf8_lossy(&version.stdout).trim(),
			);
			std::fs::create_dir_all(&dir)?;
			std::fs::write(dir.join(format!("{date}-finality.csv")), csv)?;
			std::fs::write(dir.join(format!("{date}-finality.md")), report)?;
		}
		Result::Ok(())
	}
	.await;
	outcome.map_err(|error| {
		let logs: Vec<String> = nodes.iter().map(|n| n.log_tail(10)).collect();
		format!("{error}\n--- validators' logs ---\n{}", logs.join("\n---\n")).into()
	})
}
