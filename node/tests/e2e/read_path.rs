//! The read path an EHR uses before it shows data, measured against one node in one run.
//!
//! Interleaved rounds (every measure gets a share of each round, so that drift in the machine's
//! speed spreads over all of them) of:
//!
//! - the RPC floor: `system_name`;
//! - a raw storage read: `state_getStorage` of `Timestamp::Now`;
//! - the cheapest runtime API: `AccountNonceApi_account_nonce` through `state_call`;
//! - `ConsentApi_check_access` through `state_call` (wasm);
//! - `ConsentApi_check_access_batch` through `state_call`, 100 queries per call;
//! - `salus_checkAccess`, the node's native decision;
//! - `salus_checkAccessBatch`, 1 000 queries per call;
//!
//! the decisions over ledgers of 0, 5 and 100 consents (the 5 and 100 are the worst case: every
//! consent speaks to the asking physician and is checked to its last rule), each with 1 client
//! and with 16 clients (16 connections), then `salus_checkAccess` at fixed arrival rates, whose
//! latencies count from when each request was due (so a stalled server is not hidden by a
//! client that waited for it: coordinated omission). Per measure: p50, p99, throughput and the
//! node's CPU time per decision (from `/proc`).
//!
//! In `cargo test` it runs a short smoke mode (`SALUS_READ_PATH_REQUESTS`, default 64 per
//! measure, one round) against the debug node and checks every answer. For a report:
//!
//! ```sh
//! SALUS_E2E_NODE=$CARGO_TARGET_DIR/benchmark/salus-node SALUS_READ_PATH_REQUESTS=4000 \
//!   SALUS_READ_PATH_REPORT=$PWD/benchmarks/reports \
//!   cargo test --workspace --features runtime-benchmarks --locked --test e2e read_path -- --nocapture
//! ```

use crate::{
	harness::{account_of, node_binary, run_scenario, Client, Result},
	identity::{accredited_hospital, de, register_patient},
};
use codec::{Decode, Encode};
use pallet_consent::Call as ConsentCall;
use salus_primitives::{
	AccessDecision, AccessQuery, DataClass, DataClassSet, Decision, DenyReason, Grantee,
	ProviderId, Purpose, PurposeSet, Timestamp,
};
use salus_runtime::{AccountId, Hash, Runtime, RuntimeCall};
use std::{
	fmt::Write as _,
	time::{Duration, Instant},
};
use subxt::rpcs::{rpc_params, RpcClient};
use subxt_signer::sr25519::{dev, Keypair};

/// Consents a ledger of each size holds.
const LEDGERS: [usize; 3] = [0, 5, 100];
/// Queries per call of the runtime API's batch, and of the native batch.
const API_BATCH: usize = 100;
const RPC_BATCH: usize = 1_000;
/// Concurrent clients.
const CLIENTS: [usize; 2] = [1, 16];
/// Interleaved rounds (one in the smoke mode: below 1 000 requests per measure).
fn rounds(requests: usize) -> usize {
	if requests >= 1_000 {
		4
	} else {
		1
	}
}

/// What a measure asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ask {
	SystemName,
	StorageRead,
	NonceApi,
	CheckAccessApi,
	CheckAccessBatchApi,
	NativeCheckAccess,
	NativeCheckAccessBatch,
}

impl Ask {
	fn name(self) -> &'static str {
		match self {
			Self::SystemName => "`system_name` (RPC floor)",
			Self::StorageRead => "`state_getStorage` (raw read)",
			Self::NonceApi => "`AccountNonceApi_account_nonce` (cheapest runtime API)",
			Self::CheckAccessApi => "`ConsentApi_check_access` (runtime API)",
			Self::CheckAccessBatchApi => "`ConsentApi_check_access_batch` ×100 (runtime API)",
			Self::NativeCheckAccess => "`salus_checkAccess` (native)",
			Self::NativeCheckAccessBatch => "`salus_checkAccessBatch` ×1000 (native)",
		}
	}

	/// Decisions one request answers.
	fn decisions(self) -> usize {
		match self {
			Self::CheckAccessBatchApi => API_BATCH,
			Self::NativeCheckAccessBatch => RPC_BATCH,
			Self::CheckAccessApi | Self::NativeCheckAccess => 1,
			_ => 0,
		}
	}

	/// Whether the answer depends on the patient's ledger.
	fn per_ledger(self) -> bool {
		self.decisions() > 0
	}
}

/// One patient whose ledger is measured, and the decision every query about it must get.
#[derive(Clone)]
struct Ledger {
	size: usize,
	patient: AccountId,
	expected: AccessDecision,
}

/// Everything a request needs.
#[derive(Clone)]
struct Setup {
	at: Hash,
	physician: AccountId,
	now_key: Vec<u8>,
}

/// One measure's samples.
#[derive(Default)]
struct Samples {
	latencies: Vec<Duration>,
	wall: Duration,
	requests: usize,
	cpu: Duration,
}

impl Samples {
	fn percentile(&self, p: usize) -> Duration {
		let mut sorted = self.latencies.clone();
		sorted.sort();
		let rank = sorted.len().saturating_mul(p) / 100;
		sorted.get(rank).or(sorted.last()).copied().unwrap_or_default()
	}

	fn per_second(&self, per_request: usize) -> f64 {
		(self.requests.saturating_mul(per_request.max(1))) as f64
			/ self.wall.as_secs_f64().max(1e-9)
	}
}

fn query(ledger: &Ledger, setup: &Setup) -> AccessQuery<AccountId> {
	AccessQuery {
		patient: ledger.patient.clone(),
		accessor: setup.physician.clone(),
		data_class: DataClass::LabResults,
		purpose: Purpose::Treatment,
	}
}

async fn state_call<T: Decode>(
	rpc: &RpcClient,
	method: &str,
	args: impl Encode,
	at: Hash,
) -> Result<T> {
	let args = sp_core::Bytes(args.encode());
	let bytes: sp_core::Bytes = rpc.request("state_call", rpc_params![method, args, at]).await?;
	Ok(T::decode(&mut &bytes[..])?)
}

/// Sends one request of `ask` and checks its answer.
async fn ask(rpc: &RpcClient, ask: Ask, ledger: &Ledger, setup: &Setup) -> Result {
	let wrong = |got: &dyn std::fmt::Debug| -> Result {
		Err(format!(
			"{ask:?} on the ledger of {}: got {got:?}, expected {:?}",
			ledger.size, ledger.expected
		)
		.into())
	};
	match ask {
		Ask::SystemName => {
			let _: String = rpc.request("system_name", rpc_params![]).await?;
		},
		Ask::StorageRead => {
			let value: Option<sp_core::Bytes> = rpc
				.request(
					"state_getStorage",
					rpc_params![sp_core::Bytes(setup.now_key.clone()), setup.at],
				)
				.await?;
			if value.is_none() {
				return wrong(&value);
			}
		},
		Ask::NonceApi => {
			let _: u32 =
				state_call(rpc, "AccountNonceApi_account_nonce", &ledger.patient, setup.at).await?;
		},
		Ask::CheckAccessApi => {
			let q = query(ledger, setup);
			let args = (&q.patient, &q.accessor, q.data_class, q.purpose, None::<Timestamp>);
			let decision: AccessDecision =
				state_call(rpc, "ConsentApi_check_access", args, setup.at).await?;
			if decision != ledger.expected {
				return wrong(&decision);
			}
		},
		Ask::CheckAccessBatchApi => {
			let queries = vec![query(ledger, setup); API_BATCH];
			let decisions: Option<Vec<AccessDecision>> = state_call(
				rpc,
				"ConsentApi_check_access_batch",
				(queries, None::<Timestamp>),
				setup.at,
			)
			.await?;
			let decisions = decisions.unwrap_or_default();
			if decisions.len() != API_BATCH || decisions.iter().any(|d| *d != ledger.expected) {
				return wrong(&decisions.first());
			}
		},
		Ask::NativeCheckAccess => {
			let decision: AccessDecision = rpc
				.request(
					"salus_checkAccess",
					rpc_params![query(ledger, setup), None::<Timestamp>, setup.at],
				)
				.await?;
			if decision != ledger.expected {
				return wrong(&decision);
			}
		},
		Ask::NativeCheckAccessBatch => {
			let queries = vec![query(ledger, setup); RPC_BATCH];
			let decisions: Vec<AccessDecision> = rpc
				.request(
					"salus_checkAccessBatch",
					rpc_params![queries, None::<Timestamp>, setup.at],
				)
				.await?;
			if decisions.len() != RPC_BATCH || decisions.iter().any(|d| *d != ledger.expected) {
				return wrong(&decisions.first());
			}
		},
	}
	Ok(())
}

/// `requests` requests of `what` from `connections.len()` clients at once (closed loop: each
/// client sends its next request when the last is answered).
async fn closed_loop(
	client: &Client,
	connections: &[RpcClient],
	what: Ask,
	ledger: &Ledger,
	setup: &Setup,
	requests: usize,
	samples: &mut Samples,
) -> Result {
	let per_client = requests.div_ceil(connections.len().max(1));
	let cpu_before = client.node_cpu()?;
	let started = Instant::now();
	let tasks = connections.iter().map(|rpc| async move {
		let mut latencies = Vec::with_capacity(per_client);
		for _ in 0..per_client {
			let sent = Instant::now();
			ask(rpc, what, ledger, setup).await?;
			latencies.push(sent.elapsed());
		}
		Result::Ok(latencies)
	});
	let all = futures::future::try_join_all(tasks).await?;
	samples.wall = samples.wall.saturating_add(started.elapsed());
	samples.cpu = samples.cpu.saturating_add(client.node_cpu()?.saturating_sub(cpu_before));
	for latencies in all {
		samples.requests = samples.requests.saturating_add(latencies.len());
		samples.latencies.extend(latencies);
	}
	Ok(())
}

/// `salus_checkAccess` sent at `rate` per second for `duration` over `connections` (open
/// loop); each latency counts from when the request was due.
async fn open_loop(
	connections: &[RpcClient],
	ledger: &Ledger,
	setup: &Setup,
	rate: u32,
	duration: Duration,
) -> Result<Samples> {
	let count = (f64::from(rate) * duration.as_secs_f64()) as usize;
	let interval = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
	let start = tokio::time::Instant::now();
	let lanes = connections.len().max(1);
	let tasks = connections.iter().enumerate().map(|(lane, rpc)| async move {
		let mut latencies = Vec::new();
		let mut i = lane;
		while i < count {
			let due =
				start.checked_add(interval.saturating_mul(i as u32)).ok_or("time overflow")?;
			tokio::time::sleep_until(due).await;
			ask(rpc, Ask::NativeCheckAccess, ledger, setup).await?;
			latencies.push(tokio::time::Instant::now().saturating_duration_since(due));
			i = i.saturating_add(lanes);
		}
		Result::Ok(latencies)
	});
	let all = futures::future::try_join_all(tasks).await?;
	let mut samples = Samples { wall: start.elapsed(), ..Default::default() };
	for latencies in all {
		samples.requests = samples.requests.saturating_add(latencies.len());
		samples.latencies.extend(latencies);
	}
	Ok(samples)
}

/// Registers `patient` and gives it `size` consents to `hospital` that speak to the physician,
/// cover lab results for treatment in DE, and start in 2100: each is checked to its last rule.
async fn ledger_of(
	client: &Client,
	patient: &Keypair,
	byte: u8,
	size: usize,
	hospital: ProviderId,
) -> Result<Ledger> {
	register_patient(client, patient, byte).await?;
	let id = account_of(patient);
	if size == 0 {
		return Ok(Ledger {
			size,
			patient: id,
			expected: AccessDecision::Deny { reason: DenyReason::NoConsent },
		});
	}
	let grant = RuntimeCall::Consent(ConsentCall::grant_consent {
		grantee: Grantee::Provider(hospital),
		decision: Decision::Permit,
		classes: DataClassSet::full(),
		purposes: PurposeSet::full(),
		jurisdictions: Some(vec![de()?].try_into().map_err(|_| "bound")?),
		valid_from: Some(4_102_444_800_000), // 2100-01-01
		valid_until: None,
	});
	let calls = vec![grant; size];
	client
		.submit(RuntimeCall::Utility(pallet_utility::Call::batch_all { calls }), patient)
		.await?;
	let consents: Vec<pallet_consent::ConsentOf<Runtime>> =
		client.runtime_api("ConsentApi_consents_of", &id).await?;
	let last = consents.last().map(|c| c.id).ok_or("no consent")?;
	Ok(Ledger {
		size,
		patient: id,
		expected: AccessDecision::Deny { reason: DenyReason::NotYetValid(last) },
	})
}

fn ms(d: Duration) -> f64 {
	d.as_secs_f64() * 1000.0
}

#[tokio::test(flavor = "multi_thread")]
async fn read_path() -> Result {
	let requests: usize = std::env::var("SALUS_READ_PATH_REQUESTS")
		.ok()
		.and_then(|n| n.parse().ok())
		.unwrap_or(64);
	let report_dir = std::env::var_os("SALUS_READ_PATH_REPORT").map(std::path::PathBuf::from);
	run_scenario(|client| async move {
		let (alice, bob, charlie, dave, eve, ferdie) =
			(dev::alice(), dev::bob(), dev::charlie(), dev::dave(), dev::eve(), dev::ferdie());
		let hospital = accredited_hospital(&client, &charlie, &dave, &alice).await?;
		let [zero, five, hundred] = LEDGERS;
		let ledgers: [Ledger; 3] = tokio::try_join!(
			ledger_of(&client, &bob, 41, zero, hospital),
			ledger_of(&client, &ferdie, 42, five, hospital),
			ledger_of(&client, &eve, 43, hundred, hospital),
		)?
		.into();
		let setup = Setup {
			at: client.rpc("chain_getBlockHash", rpc_params![]).await?,
			physician: account_of(&dave),
			now_key: pallet_timestamp::Now::<Runtime>::hashed_key().to_vec(),
		};
		let mut connections = Vec::new();
		for _ in 0..CLIENTS.iter().copied().max().unwrap_or(1) {
			connections.push(client.connection().await?);
		}

		// The measures, in the order of the report.
		let mut measures: Vec<(Ask, Option<usize>, usize, Samples)> = Vec::new();
		for what in [
			Ask::SystemName,
			Ask::StorageRead,
			Ask::NonceApi,
			Ask::CheckAccessApi,
			Ask::CheckAccessBatchApi,
			Ask::NativeCheckAccess,
			Ask::NativeCheckAccessBatch,
		] {
			let sizes: Vec<Option<usize>> =
				if what.per_ledger() { (0..ledgers.len()).map(Some).collect() } else { vec![None] };
			for ledger in sizes {
				for clients in CLIENTS {
					measures.push((what, ledger, clients, Samples::default()));
				}
			}
		}
		// Batches answer many decisions per request: fewer requests keep their share of the
		// run comparable.
		let share = |what: Ask| match what {
			Ask::CheckAccessBatchApi | Ask::NativeCheckAccessBatch => requests.saturating_div(10).max(16),
			_ => requests,
		};
		let hundred = ledgers.last().ok_or("no ledger")?;
		let rounds = rounds(requests);
		for _ in 0..rounds {
			for (what, ledger, clients, samples) in measures.iter_mut() {
				let ledger = ledger.and_then(|i| ledgers.get(i)).unwrap_or(hundred);
				let lanes = connections.get(..*clients).ok_or("too few connections")?;
				let n = share(*what).checked_div(rounds).unwrap_or_default().max(*clients);
				closed_loop(&client, lanes, *what, ledger, &setup, n, samples).await?;
			}
		}

		// Fixed arrival rates, `salus_checkAccess` on the 100-consent ledger, 16 clients.
		let seconds = Duration::from_secs_f64((requests as f64 / 1000.0).clamp(0.5, 5.0));
		let mut rates = Vec::new();
		for rate in [1_000_u32, 5_000] {
			rates.push((rate, open_loop(&connections, hundred, &setup, rate, seconds).await?));
		}

		let floor = measures
			.iter()
			.find(|(what, _, clients, _)| *what == Ask::SystemName && *clients == 1)
			.map(|(_, _, _, s)| s.percentile(50))
			.ok_or("no floor")?;
		let mut table = String::from(
			"| request | ledger | clients | p50 ms | p99 ms | p50 / floor | requests/s | decisions/s | node CPU µs per decision |\n|---|---|---|---|---|---|---|---|---|\n",
		);
		for (what, ledger, clients, s) in &measures {
			let decisions = what.decisions();
			let cpu = if decisions > 0 {
				format!("{:.1}", s.cpu.as_secs_f64() * 1e6 / (s.requests.saturating_mul(decisions)).max(1) as f64)
			} else {
				"–".into()
			};
			let _ = writeln!(
				table,
				"| {} | {} | {clients} | {:.3} | {:.3} | {:.2} | {:.0} | {} | {cpu} |",
				what.name(),
				ledger.and_then(|l| LEDGERS.get(l)).map(|l| l.to_string()).unwrap_or_else(|| "–".into()),
				ms(s.percentile(50)),
				ms(s.percentile(99)),
				s.percentile(50).as_secs_f64() / floor.as_secs_f64().max(1e-9),
				s.per_second(1),
				if decisions > 0 { format!("{:.0}", s.per_second(decisions)) } else { "–".into() },
			);
		}
		let mut open = String::from(
			"| target rate /s | achieved /s | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|\n",
		);
		for (rate, s) in &rates {
			let _ = writeln!(
				open,
				"| {rate} | {:.0} | {:.3} | {:.3} | {:.3} |",
				s.per_second(1),
				ms(s.percentile(50)),
				ms(s.percentile(99)),
				ms(s.percentile(100)),
			);
		}
		println!("{table}\n{open}");

		if let Some(dir) = report_dir {
			let version = std::process::Command::new(node_binary()).arg("--version").output()?;
			let date = std::process::Command::new("date").arg("-u").arg("+%Y-%m-%d").output()?;
			let date = String::from_utf8_lossy(&date.stdout).trim().to_string();
			let generator = crate::harness::generator_build();
			let report = format!(
				"# Read path, {date}\n\n\
				 Node: `{}` (`{}`), `--dev`, ParityDB; load from this test on the same machine \
				 (`node/tests/e2e/read_path.rs`), {requests} requests per measure (a tenth for \
				 batches) in {rounds} interleaved rounds; the decisions' ledgers are the worst \
				 case (every consent checked to its last rule).\n\n\
				 The load generator is this test, a **{generator}** build sharing the machine's two \
				 cores with the node: its JSON encoding of a 1 000-query batch, not the node, \
				 sets the native batch's latency (compare the node's CPU per decision), and it \
				 takes part of every latency. The floor row is the same client's round trip.\n\n\
				 ## Closed loop\n\n{table}\n\
				 ## Fixed arrival rate, `salus_checkAccess`, ledger of 100, 16 clients\n\n\
				 Latency counts from when each request was due (coordinated omission corrected).\n\n{open}\n\
				 Latency distributions: `{date}-read-path.csv`; `benchmarks/plot.sh` draws them.\n",
				// The profile directory and the binary, not this machine's path.
				node_binary().iter().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect::<std::path::PathBuf>().display(),
				String::from_utf8_lossy(&version.stdout).trim(),
			);
			std::fs::create_dir_all(&dir)?;
			// Each measure's latency distribution, for benchmarks/plot.sh.
			let mut csv = String::from("measure,ledger,clients,percentile,ms\n");
			for (what, ledger, clients, s) in &measures {
				let ledger = ledger.and_then(|l| LEDGERS.get(l)).map(|l| l.to_string()).unwrap_or_else(|| "-".into());
				let name = what.name().replace('`', "");
				for p in 1..=100 {
					let _ = writeln!(csv, "{name},{ledger},{clients},{p},{:.4}", ms(s.percentile(p)));
				}
			}
			std::fs::write(dir.join(format!("{date}-read-path.csv")), csv)?;
			let path = dir.join(format!("{date}-read-path.md"));
			std::fs::write(&path, report)?;
			println!("report: {}", path.display());
		}
		Ok(())
	})
	.await
}
