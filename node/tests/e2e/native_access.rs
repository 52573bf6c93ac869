//! `salus_checkAccess` / `salus_checkAccessBatch` on a running node: the consent pallet's
//! decision computed natively by the node agrees with the runtime API's (wasm) on many randomly
//! generated ledgers, shadowing counts no mismatch, and a storage version the node was not
//! built with sends every decision to the runtime API until it is the node's again; without
//! shadowing, single decisions answered at once (on the RPC worker) agree too.

use crate::{
	harness::{account_of, run_scenario_with, Client, Result},
	identity::{accredited_hospital, de, register_patient},
};
use pallet_consent::Call as ConsentCall;
use salus_primitives::{
	AccessDecision, AccessQuery, DataClass, DataClassSet, Decision, Flag, Grantee, Jurisdiction,
	ProviderId, Purpose, PurposeSet, Timestamp,
};
use salus_runtime::{AccountId, Hash, RuntimeCall};
use serde::Deserialize;
use sp_io::hashing::twox_128;
use subxt::rpcs::rpc_params;
use subxt_signer::sr25519::{dev, Keypair};

/// A small deterministic generator (xorshift64*): the same ledgers on every run.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 ^= self.0 >> 12;
		self.0 ^= self.0 << 25;
		self.0 ^= self.0 >> 27;
		self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
	}

	fn below(&mut self, n: u64) -> u64 {
		self.next().checked_rem(n).unwrap_or(0)
	}

	/// One of `items`.
	fn pick<T: Clone>(&mut self, items: &[T]) -> Result<T> {
		let i = self.below(items.len() as u64) as usize;
		Ok(items.get(i).ok_or("pick from an empty list")?.clone())
	}

	/// `n` random queries: whose data (of `whose`), who asks (of `accessors`), any class and
	/// purpose.
	fn queries(
		&mut self,
		n: usize,
		whose: &[AccountId],
		accessors: &[AccountId],
	) -> Result<Vec<AccessQuery<AccountId>>> {
		(0..n)
			.map(|_| {
				Ok(AccessQuery {
					patient: self.pick(whose)?,
					accessor: self.pick(accessors)?,
					data_class: self.pick(DataClass::ALL)?,
					purpose: self.pick(Purpose::ALL)?,
				})
			})
			.collect()
	}

	/// A random non-empty subset of `all`.
	fn subset<F: Flag>(&mut self, all: &[F]) -> Vec<F> {
		let mut chosen: Vec<F> = all.iter().copied().filter(|_| self.below(3) == 0).collect();
		if chosen.is_empty() {
			chosen.extend(all.first());
		}
		chosen
	}
}

/// What `salus_accessStats` answers.
#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct Stats {
	native: u64,
	runtime: u64,
	shadowed: u64,
	mismatches: u64,
	at_once: u64,
}

/// A random consent about `hospital` or its `physician`: permit or deny, some classes and
/// purposes, maybe jurisdictions, maybe a validity window around `now`.
fn random_grant(
	rng: &mut Rng,
	hospital: ProviderId,
	physician: &AccountId,
	now: Timestamp,
) -> Result<RuntimeCall> {
	let grantee = if rng.below(2) == 0 {
		Grantee::Provider(hospital)
	} else {
		Grantee::Practitioner(physician.clone())
	};
	let decision = if rng.below(5) == 0 { Decision::Deny } else { Decision::Permit };
	let jurisdictions = match rng.below(4) {
		0 => Some(vec![de()?].try_into().map_err(|_| "bound")?),
		1 => Some(
			vec![Jurisdiction::from_code("FR").map_err(|e| e.to_string())?]
				.try_into()
				.map_err(|_| "bound")?,
		),
		_ => None,
	};
	let hour: Timestamp = 3_600_000;
	let around = |rng: &mut Rng| {
		now.saturating_sub(48 * hour).saturating_add(rng.below(96).saturating_mul(hour))
	};
	// A consent starts no earlier than its grant, and ends after it starts.
	let valid_from = (rng.below(3) == 0).then(|| around(rng));
	let start = valid_from.unwrap_or(now).max(now);
	let valid_until = (rng.below(3) == 0).then(|| {
		start
			.saturating_add(10 * 60_000)
			.saturating_add(rng.below(48).saturating_mul(hour))
	});
	Ok(RuntimeCall::Consent(ConsentCall::grant_consent {
		grantee,
		decision,
		classes: DataClassSet::of(&rng.subset(DataClass::ALL)),
		purposes: PurposeSet::of(&rng.subset(Purpose::ALL)),
		jurisdictions,
		valid_from,
		valid_until,
	}))
}

/// The decisions for `queries` through the node's native RPC and through the runtime API (the
/// wasm `ConsentApi_check_access_batch`), at block `at`.
async fn both(
	client: &Client,
	queries: &[AccessQuery<AccountId>],
	at_time: Option<Timestamp>,
	at: Hash,
) -> Result<(Vec<AccessDecision>, Vec<AccessDecision>)> {
	let native: Vec<AccessDecision> =
		client.rpc("salus_checkAccessBatch", rpc_params![queries, at_time, at]).await?;
	let wasm: Vec<AccessDecision> = client
		.state_call::<Option<Vec<AccessDecision>>>(
			"ConsentApi_check_access_batch",
			(queries.to_vec(), at_time),
			at,
		)
		.await?
		.ok_or("the runtime refused the batch")?;
	Ok((native, wasm))
}

async fn stats(client: &Client) -> Result<Stats> {
	client.rpc("salus_accessStats", rpc_params![]).await
}

/// The storage key of `pallet`'s on-chain storage version.
fn storage_version_key(pallet: &str) -> Vec<u8> {
	[twox_128(pallet.as_bytes()), twox_128(b":__STORAGE_VERSION__:")].concat()
}

#[tokio::test(flavor = "multi_thread")]
async fn native_decisions_agree_with_the_runtime_api_on_random_ledgers() -> Result {
	run_scenario_with(&["--salus-shadow-every", "1"], |client| async move {
		let (alice, charlie, dave) = (dev::alice(), dev::charlie(), dev::dave());
		let patients: Vec<Keypair> = vec![dev::eve(), dev::ferdie()];
		let (_, _, hospital) = tokio::try_join!(
			register_patient(&client, &patients[0], 21),
			register_patient(&client, &patients[1], 22),
			accredited_hospital(&client, &charlie, &dave, &alice),
		)?;
		// Who asks: the hospital's physician, its admin (not a practitioner), a stranger, and
		// each patient itself; whose data: the two patients and an unregistered account.
		let mut accessors: Vec<AccountId> =
			[&dave, &charlie, &dev::bob()].into_iter().map(account_of).collect();
		accessors.extend(patients.iter().map(account_of));
		let mut whose: Vec<AccountId> = patients.iter().map(account_of).collect();
		whose.push(account_of(&alice));

		let now: Timestamp = client
			.storage(pallet_timestamp::Now::<salus_runtime::Runtime>::hashed_key().to_vec())
			.await?
			.ok_or("no timestamp")?;
		let mut rng = Rng(0x5a1_0000_0001);
		let grants = async |patient: &Keypair, rng: &mut Rng| -> Result {
			let calls = (0..30)
				.map(|_| random_grant(rng, hospital, &accessors[0], now))
				.collect::<Result<Vec<_>>>()?;
			client
				.submit(RuntimeCall::Utility(pallet_utility::Call::batch_all { calls }), patient)
				.await
				.map(|_| ())
		};
		let (mut rng_a, mut rng_b) = (Rng(rng.next()), Rng(rng.next()));
		tokio::try_join!(grants(&patients[0], &mut rng_a), grants(&patients[1], &mut rng_b))?;

		let at: Hash = client.rpc("chain_getBlockHash", rpc_params![]).await?;
		let queries = rng.queries(2_000, &whose, &accessors)?;
		let mut permits = 0_usize;
		let mut compared = 0_usize;
		let hour: Timestamp = 3_600_000;
		for (chunk, at_time) in queries.chunks(250).zip(
			[
				None,
				Some(now),
				Some(now.saturating_sub(30 * hour)),
				Some(now.saturating_add(30 * hour)),
				Some(now.saturating_add(60 * hour)),
			]
			.into_iter()
			.cycle(),
		) {
			let (native, wasm) = both(&client, chunk, at_time, at).await?;
			assert_eq!(native.len(), chunk.len());
			for ((query, native), wasm) in chunk.iter().zip(&native).zip(&wasm) {
				assert_eq!(native, wasm, "{query:?} at {at_time:?}");
			}
			permits = native.iter().filter(|d| d.is_permit()).count().saturating_add(permits);
			compared = compared.saturating_add(native.len());
		}
		// The ledgers are not trivial: some answers permit, most do not.
		assert!(
			permits > 50 && permits < compared.saturating_sub(50),
			"{permits} permits of {compared}"
		);
		// One query through the single method, the same answer as the batch's.
		let single: AccessDecision = client
			.rpc("salus_checkAccess", rpc_params![&queries[0], None::<Timestamp>, at])
			.await?;
		assert_eq!(single, both(&client, &queries[..1], None, at).await?.0[0]);

		let answered = stats(&client).await?;
		assert_eq!(answered.runtime, 0, "{answered:?}");
		// The batches, the single call and the batch it was compared with.
		assert_eq!(answered.native, (compared as u64).saturating_add(2));
		assert_eq!(answered.shadowed, answered.native);
		assert_eq!(answered.mismatches, 0);

		// A storage version the node was not built with (as after a migration it does not
		// know): every decision comes from the runtime API, with the same answers.
		let key = storage_version_key("Consent");
		let version: u16 = client.storage(key.clone()).await?.unwrap_or(0);
		client
			.sudo_set_storage(vec![(key.clone(), version.wrapping_add(1).to_le_bytes().to_vec())])
			.await?;
		let at: Hash = client.rpc("chain_getBlockHash", rpc_params![]).await?;
		let (native, wasm) = both(&client, &queries[..100], None, at).await?;
		assert_eq!(native, wasm);
		let after = stats(&client).await?;
		assert_eq!(after.runtime, 100, "{after:?}");
		assert_eq!(after.native, answered.native);
		// Back to the node's version: native again.
		client.sudo_set_storage(vec![(key, version.to_le_bytes().to_vec())]).await?;
		let at: Hash = client.rpc("chain_getBlockHash", rpc_params![]).await?;
		both(&client, &queries[..100], None, at).await?;
		let last = stats(&client).await?;
		assert_eq!(
			(last.native, last.runtime),
			(answered.native.saturating_add(100), 100),
			"{last:?}"
		);

		// Too many queries in one call: refused with a clear error, nothing answered.
		let too_many = vec![queries[0].clone(); 1_001];
		let refused = client
			.rpc::<Vec<AccessDecision>>(
				"salus_checkAccessBatch",
				rpc_params![too_many, None::<u64>, at],
			)
			.await;
		let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
		assert!(message.contains("at most 1000 per call"), "{message}");
		Ok(())
	})
	.await
}

/// Without shadowing, a single `salus_checkAccess` is answered on the RPC worker that got it
/// (`node/src/access.rs`, "Load") once the node knows the runtime: those answers agree with
/// the runtime API's one by one, count as native, and still go to the runtime API when the
/// pallet's storage version is not the node's.
#[tokio::test(flavor = "multi_thread")]
async fn single_decisions_answered_at_once_agree_with_the_runtime_api() -> Result {
	run_scenario_with(&[], |client| async move {
		let (alice, charlie, dave, eve) = (dev::alice(), dev::charlie(), dev::dave(), dev::eve());
		let (_, hospital) = tokio::try_join!(
			register_patient(&client, &eve, 23),
			accredited_hospital(&client, &charlie, &dave, &alice),
		)?;
		let now: Timestamp = client
			.storage(pallet_timestamp::Now::<salus_runtime::Runtime>::hashed_key().to_vec())
			.await?
			.ok_or("no timestamp")?;
		let physician = account_of(&dave);
		let mut rng = Rng(0x5a1_0000_0002);
		let calls = (0..20)
			.map(|_| random_grant(&mut rng, hospital, &physician, now))
			.collect::<Result<Vec<_>>>()?;
		client
			.submit(RuntimeCall::Utility(pallet_utility::Call::batch_all { calls }), &eve)
			.await?;

		let at: Hash = client.rpc("chain_getBlockHash", rpc_params![]).await?;
		let accessors = [physician, account_of(&charlie), account_of(&eve)];
		let whose = [account_of(&eve), account_of(&alice)];
		let queries = rng.queries(150, &whose, &accessors)?;
		let one_by_one = async |queries: &[AccessQuery<AccountId>], at: Hash| -> Result<usize> {
			let mut permits = 0_usize;
			for q in queries {
				let native: AccessDecision =
					client.rpc("salus_checkAccess", rpc_params![q, None::<Timestamp>, at]).await?;
				let args = (&q.patient, &q.accessor, q.data_class, q.purpose, None::<Timestamp>);
				let wasm: AccessDecision =
					client.state_call("ConsentApi_check_access", args, at).await?;
				assert_eq!(native, wasm, "{q:?}");
				permits = permits.saturating_add(usize::from(native.is_permit()));
			}
			Ok(permits)
		};
		let permits = one_by_one(&queries, at).await?;
		assert!(permits > 0 && permits < queries.len(), "{permits} permits");
		let answered = stats(&client).await?;
		assert_eq!(
			(answered.native, answered.runtime, answered.shadowed),
			(queries.len() as u64, 0, 0),
			"{answered:?}"
		);
		// At once: all but the first (which taught the node the verdict for this runtime) while
		// `at` was the best block. A new block during the loop sends the rest to the pool.
		let best: Hash = client.rpc("chain_getBlockHash", rpc_params![]).await?;
		let all_but_first = (queries.len() as u64).saturating_sub(1);
		if best == at {
			assert_eq!(answered.at_once, all_but_first, "{answered:?}");
		} else {
			assert!((1..=all_but_first).contains(&answered.at_once), "{answered:?}");
		}
		// A block that is not the best one (block 1): answered on the blocking pool, the same
		// way; an unknown block: the same error as the batch method's.
		let first: Hash = client.rpc("chain_getBlockHash", rpc_params![1]).await?;
		let q = &queries[0];
		let old: AccessDecision = client
			.rpc("salus_checkAccess", rpc_params![q, None::<Timestamp>, first])
			.await?;
		let args = (&q.patient, &q.accessor, q.data_class, q.purpose, None::<Timestamp>);
		assert_eq!(old, client.state_call("ConsentApi_check_access", args, first).await?);
		let unknown = Hash::repeat_byte(7);
		let single = client
			.rpc::<AccessDecision>("salus_checkAccess", rpc_params![q, None::<Timestamp>, unknown])
			.await
			.err()
			.map(|e| e.to_string())
			.unwrap_or_default();
		let batch = client
			.rpc::<Vec<AccessDecision>>(
				"salus_checkAccessBatch",
				rpc_params![vec![q], None::<Timestamp>, unknown],
			)
			.await
			.err()
			.map(|e| e.to_string())
			.unwrap_or_default();
		assert!(single.contains("no state for block"), "{single}");
		assert_eq!(single, batch);
		let before = answered;
		let answered = stats(&client).await?;
		assert_eq!(
			(answered.native, answered.at_once),
			(before.native.saturating_add(1), before.at_once),
			"{answered:?}"
		);

		// A storage version the node was not built with: single answers come from the runtime
		// API, the same as its own.
		let key = storage_version_key("Consent");
		let version: u16 = client.storage(key.clone()).await?.unwrap_or(0);
		client
			.sudo_set_storage(vec![(key, version.wrapping_add(1).to_le_bytes().to_vec())])
			.await?;
		let at: Hash = client.rpc("chain_getBlockHash", rpc_params![]).await?;
		one_by_one(&queries[..20], at).await?;
		let after = stats(&client).await?;
		assert_eq!((after.native, after.runtime), (answered.native, 20), "{after:?}");
		assert_eq!(after.at_once, answered.at_once);
		Ok(())
	})
	.await
}
