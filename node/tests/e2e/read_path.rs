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
//! - `salus_checkAccessBatch`, 100 queries per call (over WebSocket an answer above about
//!   8 KB waits some 40 ms for a delayed acknowledgement: see `node/src/access.rs`), and once
//!   with 300 denials (9.6 KB), one client and no consent, to show that stall;
//!
//! the decisions over ledgers of 0, 5 and 100 consents (the 5 and 100 are the worst case: every
//! consent speaks to the asking physician and is checked to its last rule), each with 1 client
//! and with 16 clients (16 connections), then `salus_checkAccess` at fixed arrival rates, whose
//! latencies count from when each request was due (so a stalled server is not hidden by a
//! client that waited for it: coordinated omission). Per measure: p50, p99, throughput and the
//! node's CPU time per request and per decision (its threads' run time, from `/proc`). Every
//! request asks about the best block (no block hash), as an EHR asking about now does.
//!
//! The test sets the chain up and builds the plan (each request and the answer it must get);
//! the `salus-bench` crate runs it. In `cargo test` it runs in this process, a short smoke
//! mode (`SALUS_READ_PATH_REQUESTS`, default 64 per measure, one round) against the debug
//! node, checking every answer. For a report, `SALUS_BENCH` names the release-built
//! `salus-bench` binary, which runs the same plan in its own process (benchmarks/README.md):
//!
//! ```sh
//! cargo build --release --locked -p salus-bench
//! SALUS_E2E_NODE=$CARGO_TARGET_DIR/production/salus-node SALUS_BENCH=$CARGO_TARGET_DIR/release/salus-bench \
//!   SALUS_READ_PATH_REQUESTS=4000 SALUS_READ_PATH_REPORT=$PWD/benchmarks/reports \
//!   cargo test --workspace --features runtime-benchmarks --locked --test e2e read_path -- --nocapture
//! ```

use crate::{
	harness::{account_of, node_binary, run_scenario, Client, Result},
	identity::{accredited_hospital, de, register_patient},
};
use codec::Encode;
use pallet_consent::Call as ConsentCall;
use salus_bench::{Expect, Measure, OpenLoop, Outcome, Plan, Request, Samples};
use salus_primitives::{
	AccessDecision, AccessQuery, DataClass, DataClassSet, Decision, DenyReason, Grantee,
	ProviderId, Purpose, PurposeSet, Timestamp,
};
use salus_runtime::{AccountId, Runtime, RuntimeCall};
use serde_json::Value;
use std::{fmt::Write as _, time::Duration};
use subxt::rpcs::rpc_params;
use subxt_signer::sr25519::{dev, Keypair};

/// Consents a ledger of each size holds.
const LEDGERS: [usize; 3] = [0, 5, 100];
/// Queries per call of the runtime API's batch, and of the native batch (whose answer must
/// stay below about 8 KB over WebSocket: `node/src/access.rs`, "Large answers").
const API_BATCH: usize = 100;
const RPC_BATCH: usize = 100;
/// Queries of the one native batch whose answer is above 8 KB over WebSocket (denials of 31
/// bytes each): it shows the delayed-acknowledgement stall.
const LARGE_BATCH: usize = 300;
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
	NativeCheckAccessBatchLarge,
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
			Self::NativeCheckAccessBatch => "`salus_checkAccessBatch` ×100 (native)",
			Self::NativeCheckAccessBatchLarge => {
				"`salus_checkAccessBatch` ×300 (native; answer above 8 KB over WebSocket)"
			},
		}
	}

	/// Decisions one request answers.
	fn decisions(self) -> usize {
		match self {
			Self::CheckAccessBatchApi => API_BATCH,
			Self::NativeCheckAccessBatch => RPC_BATCH,
			Self::NativeCheckAccessBatchLarge => LARGE_BATCH,
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
	physician: AccountId,
	now_key: Vec<u8>,
}

fn query(ledger: &Ledger, setup: &Setup) -> AccessQuery<AccountId> {
	AccessQuery {
		patient: ledger.patient.clone(),
		accessor: setup.physician.clone(),
		data_class: DataClass::LabResults,
		purpose: Purpose::Treatment,
	}
}

/// A value as JSON.
fn json(value: impl serde::Serialize) -> Result<Value> {
	Ok(serde_json::to_value(value)?)
}

/// `state_call` of runtime API `method` with `args` at the best block, expecting `answer`
/// (SCALE, hex in JSON).
fn state_call(method: &str, args: impl Encode, answer: Expect) -> Result<Request> {
	Ok(Request {
		method: "state_call".into(),
		params: vec![json(method)?, json(sp_core::Bytes(args.encode()))?, Value::Null],
		expect: answer,
	})
}

/// The SCALE encoding of `value`, as `state_call` answers it.
fn scale(value: impl Encode) -> Result<Expect> {
	Ok(Expect::Equals(json(sp_core::Bytes(value.encode()))?))
}

impl Ask {
	/// The request `ask` sends about `ledger`, and the answer it must get.
	fn request(self, ledger: &Ledger, setup: &Setup) -> Result<Request> {
		let q = query(ledger, setup);
		let no_time = None::<Timestamp>;
		Ok(match self {
			Ask::SystemName => {
				Request { method: "system_name".into(), params: vec![], expect: Expect::Any }
			},
			Ask::StorageRead => Request {
				method: "state_getStorage".into(),
				params: vec![json(sp_core::Bytes(setup.now_key.clone()))?, Value::Null],
				expect: Expect::NotNull,
			},
			Ask::NonceApi => {
				state_call("AccountNonceApi_account_nonce", &ledger.patient, Expect::Any)?
			},
			Ask::CheckAccessApi => state_call(
				"ConsentApi_check_access",
				(&q.patient, &q.accessor, q.data_class, q.purpose, no_time),
				scale(ledger.expected)?,
			)?,
			Ask::CheckAccessBatchApi => state_call(
				"ConsentApi_check_access_batch",
				(vec![q; API_BATCH], no_time),
				scale(Some(vec![ledger.expected; API_BATCH]))?,
			)?,
			Ask::NativeCheckAccess => Request {
				method: "salus_checkAccess".into(),
				params: vec![json(q)?, json(no_time)?, Value::Null],
				expect: Expect::Equals(json(ledger.expected)?),
			},
			Ask::NativeCheckAccessBatchLarge => Request {
				method: "salus_checkAccessBatch".into(),
				params: vec![json(vec![q; LARGE_BATCH])?, json(no_time)?, Value::Null],
				expect: Expect::Equals(json(vec![ledger.expected; LARGE_BATCH])?),
			},
			Ask::NativeCheckAccessBatch => Request {
				method: "salus_checkAccessBatch".into(),
				params: vec![json(vec![q; RPC_BATCH])?, json(no_time)?, Value::Null],
				expect: Expect::Equals(json(vec![ledger.expected; RPC_BATCH])?),
			},
		})
	}
}

/// Runs `plan`: through the release-built `salus-bench` binary that `SALUS_BENCH` names, or
/// else in this process (this test's build).
async fn run_plan(plan: &Plan) -> Result<Outcome> {
	let Some(bench) = std::env::var_os("SALUS_BENCH") else {
		return salus_bench::run(plan, |_| {}).await;
	};
	let dir = std::env::temp_dir().join(format!("salus-read-path-{}", std::process::id()));
	std::fs::create_dir_all(&dir)?;
	let outcome = run_bench(std::path::Path::new(&bench), plan, &dir).await;
	// The plan and the outcome go, whether or not the run succeeded.
	let _ = std::fs::remove_dir_all(&dir);
	outcome
}

/// Runs `plan` through the `salus-bench` binary `bench`, its files in `dir`.
async fn run_bench(bench: &std::path::Path, plan: &Plan, dir: &std::path::Path) -> Result<Outcome> {
	let (plan_file, out) = (dir.join("plan.json"), dir.join("outcome.json"));
	std::fs::write(&plan_file, serde_json::to_vec(plan)?)?;
	let status = tokio::process::Command::new(bench)
		.arg("read")
		.arg("--plan")
		.arg(&plan_file)
		.arg("--out")
		.arg(&out)
		.status()
		.await
		.map_err(|e| format!("cannot run {}: {e}", bench.display()))?;
	if !status.success() {
		return Err(format!("salus-bench failed ({status})").into());
	}
	Ok(serde_json::from_slice(&std::fs::read(&out)?)?)
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
			physician: account_of(&dave),
			now_key: pallet_timestamp::Now::<Runtime>::hashed_key().to_vec(),
		};

		// The measures, in the order of the report: (what, ledger, clients) and its request.
		let mut measures: Vec<(Ask, Option<usize>, usize)> = Vec::new();
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
					measures.push((what, ledger, clients));
				}
			}
		}
		// The stall: no consent (the shortest answers), one client.
		measures.push((Ask::NativeCheckAccessBatchLarge, Some(0), 1));
		// Batches answer many decisions per request: fewer requests keep their share of the
		// run comparable.
		let share = |what: Ask| match what {
			Ask::CheckAccessBatchApi | Ask::NativeCheckAccessBatch => requests.saturating_div(10).max(16),
			// Some 40 ms each.
			Ask::NativeCheckAccessBatchLarge => requests.saturating_div(40).max(8),
			_ => requests,
		};
		let hundred = ledgers.last().ok_or("no ledger")?;
		let rounds = rounds(requests);
		// Fixed arrival rates, `salus_checkAccess` on the 100-consent ledger, 16 clients.
		let seconds = (requests as f64 / 1000.0).clamp(0.5, 5.0);
		let rates = [1_000_u32, 5_000];
		let plan = Plan {
			url: client.url().into(),
			node_pid: Some(client.pid()),
			rounds,
			measures: measures
				.iter()
				.map(|(what, ledger, clients)| {
					let ledger = ledger.and_then(|i| ledgers.get(i)).unwrap_or(hundred);
					Ok(Measure {
						name: format!("{} ({} consents, {clients} clients)", what.name(), ledger.size),
						request: what.request(ledger, &setup)?,
						clients: *clients,
						requests: share(*what),
					})
				})
				.collect::<Result<_>>()?,
			open_loops: rates
				.iter()
				.map(|rate| {
					Ok(OpenLoop {
						name: Ask::NativeCheckAccess.name().into(),
						request: Ask::NativeCheckAccess.request(hundred, &setup)?,
						clients: CLIENTS.iter().copied().max().unwrap_or(1),
						rate: *rate,
						seconds,
					})
				})
				.collect::<Result<_>>()?,
		};
		let outcome = run_plan(&plan).await?;
		// What ran: the runtime's version and how the node answered.
		let runtime: Value = client.rpc("state_getRuntimeVersion", rpc_params![]).await?;
		let spec_version = runtime.get("specVersion").cloned().unwrap_or(Value::Null);
		let stats: Value = client.rpc("salus_accessStats", rpc_params![]).await?;
		let measures: Vec<(Ask, Option<usize>, usize, Samples)> = measures
			.into_iter()
			.zip(outcome.measures)
			.map(|((what, ledger, clients), samples)| (what, ledger, clients, samples))
			.collect();
		let rates: Vec<(u32, Samples)> = rates.into_iter().zip(outcome.open_loops).collect();

		let floor = measures
			.iter()
			.find(|(what, _, clients, _)| *what == Ask::SystemName && *clients == 1)
			.map(|(_, _, _, s)| s.percentile(50))
			.ok_or("no floor")?;
		let mut table = String::from(
			"| request | ledger | clients | p50 ms | p99 ms | p50 / floor | requests/s | decisions/s | node CPU µs per request | per decision |\n|---|---|---|---|---|---|---|---|---|---|\n",
		);
		for (what, ledger, clients, s) in &measures {
			let decisions = what.decisions();
			let cpu_per = |n: usize| s.node_cpu().as_secs_f64() * 1e6 / n.max(1) as f64;
			let per_decision = if decisions > 0 {
				format!("{:.1}", cpu_per(s.requests.saturating_mul(decisions)))
			} else {
				"–".into()
			};
			let _ = writeln!(
				table,
				"| {} | {} | {clients} | {:.3} | {:.3} | {:.2} | {:.0} | {} | {:.1} | {per_decision} |",
				what.name(),
				ledger.and_then(|l| LEDGERS.get(l)).map(|l| l.to_string()).unwrap_or_else(|| "–".into()),
				ms(s.percentile(50)),
				ms(s.percentile(99)),
				s.percentile(50).as_secs_f64() / floor.as_secs_f64().max(1e-9),
				s.per_second(1),
				if decisions > 0 { format!("{:.0}", s.per_second(decisions)) } else { "–".into() },
				cpu_per(s.requests),
			);
		}
		let mut open = String::from(
			"| target rate /s | sent /s | from due: p50 ms | p99 ms | max ms | from send: p50 ms | p99 ms | sent late: p50 ms | p99 ms |\n|---|---|---|---|---|---|---|---|---|\n",
		);
		for (rate, s) in &rates {
			let _ = writeln!(
				open,
				"| {rate} | {:.0} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
				s.per_second(1),
				ms(s.percentile(50)),
				ms(s.percentile(99)),
				ms(s.percentile(100)),
				ms(s.from_send(50)),
				ms(s.from_send(99)),
				ms(s.lateness(50)),
				ms(s.lateness(99)),
			);
		}
		println!("{table}\n{open}");

		if let Some(dir) = report_dir {
			let version = std::process::Command::new(node_binary()).arg("--version").output()?;
			let date = std::process::Command::new("date").arg("-u").arg("+%Y-%m-%d").output()?;
			let date = String::from_utf8_lossy(&date.stdout).trim().to_string();
			let generator = match std::env::var_os("SALUS_BENCH") {
				Some(_) => format!("`salus-bench` process, a **{}** build,", outcome.generator),
				None => format!("this test, a **{}** build,", outcome.generator),
			};
			let report = format!(
				"# Read path, {date}\n\n\
				 Node: `{}` (`{}`), runtime spec version {spec_version}, `--dev`, ParityDB; load from this test on the same machine \
				 (`node/tests/e2e/read_path.rs`), {requests} requests per measure (a tenth for \
				 batches, a fortieth for the 300-query one) in {rounds} interleaved rounds; the decisions' ledgers are the worst \
				 case (every consent checked to its last rule).\n\n\
				 The load generator is the {generator} sharing the machine's two cores with the \
				 node: its own work (JSON encoding and decoding, of batches above all) \
				 takes part of every latency; compare the node's CPU per decision. The floor row \
				 is the same client's round trip.\n\n\
				 ## Closed loop\n\n{table}\n\
				 ## Fixed arrival rate, `salus_checkAccess`, ledger of 100, 16 clients\n\n\
				 Each request is sent when it is due, whatever the others wait for. Latency \
				 counts from when it was due (coordinated omission corrected) and, beside it, \
				 from when it was sent; \"sent late\" is the difference, the generator's own \
				 lateness (tokio's timer has a resolution of 1 ms). The closed-loop rows have no \
				 such share.\n\n{open}\n\
				 `salus_accessStats` after the run: `{stats}`.\n\n\
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
