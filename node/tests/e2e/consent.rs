//! The consent registry on a running chain: a patient grants a consent free of fees, an EHR
//! asks the node for the access decision over RPC, the patient's guardian revokes through a
//! proxy, and the decision is Deny from the block that included the revocation.

use crate::{
	harness::{account_of, run_scenario, Client, Result},
	identity::{accredited_hospital, register_patient},
};
use pallet_consent::{Call as ConsentCall, ConsentOf, Event as ConsentEvent};
use salus_primitives::{
	AccessBasis, AccessDecision, DataClass, DataClassSet, Decision, DenyReason, GrantSource,
	Grantee, ProviderId, Purpose, PurposeSet, Timestamp,
};
use salus_runtime::{
	configs::health::ConsentDeposit, AccountId, ProxyType, Runtime, RuntimeCall, RuntimeEvent,
};
use subxt_signer::sr25519::dev;

fn consent(call: ConsentCall<Runtime>) -> RuntimeCall {
	RuntimeCall::Consent(call)
}

/// Who takes part: patient Eve, and physician Dave of a hospital that Charlie registered and
/// sudo (Alice) accredited.
struct Parties {
	eve_id: AccountId,
	dave_id: AccountId,
	hospital: ProviderId,
}

async fn parties(client: &Client) -> Result<Parties> {
	let (alice, charlie, dave, eve) = (dev::alice(), dev::charlie(), dev::dave(), dev::eve());
	let (eve_id, dave_id) = (account_of(&eve), account_of(&dave));
	let (_, hospital) = tokio::try_join!(
		register_patient(client, &eve, 7),
		accredited_hospital(client, &charlie, &dave, &alice),
	)?;
	Ok(Parties { eve_id, dave_id, hospital })
}

#[tokio::test(flavor = "multi_thread")]
async fn grant_permits_over_rpc_and_revoke_denies_from_the_including_block() -> Result {
	run_scenario(|client| async move {
		let eve = dev::eve();
		let Parties { eve_id, dave_id, hospital } = parties(&client).await?;
		let check = |at| {
			let args =
				(&eve_id, &dave_id, DataClass::LabResults, Purpose::Treatment, None::<Timestamp>);
			client.state_call::<AccessDecision>("ConsentApi_check_access", args, at)
		};
		let finalized = client.rpc("chain_getBlockHash", subxt::rpcs::rpc_params![]).await?;
		assert_eq!(check(finalized).await?, AccessDecision::Deny { reason: DenyReason::NoConsent });

		// Eve permits the hospital to see her lab results for treatment. The call is free: her
		// balance goes down by the consent deposit only.
		let before = client.free_balance(&eve_id).await?;
		let grant = consent(ConsentCall::grant_consent {
			grantee: Grantee::Provider(hospital),
			decision: Decision::Permit,
			classes: DataClassSet::of(&[DataClass::LabResults, DataClass::Medications]),
			purposes: PurposeSet::of(&[Purpose::Treatment]),
			jurisdictions: None,
			valid_from: None,
			valid_until: None,
		});
		let granted = client.submit(grant, &eve).await?;
		let id = granted
			.events
			.iter()
			.find_map(|event| match event {
				RuntimeEvent::Consent(ConsentEvent::ConsentGranted { id, .. }) => Some(*id),
				_ => None,
			})
			.ok_or("no ConsentGranted event")?;
		let skipped = granted.events.iter().any(|event| {
			matches!(
				event,
				RuntimeEvent::SkipFeelessPayment(
					pallet_skip_feeless_payment::Event::FeeSkipped { .. }
				)
			)
		});
		assert!(skipped, "the fee was not skipped: {:?}", granted.events);
		assert_eq!(
			client.free_balance(&eve_id).await?,
			before.saturating_sub(ConsentDeposit::get())
		);

		// The EHR asks Dave's access over RPC: permitted, by that consent.
		assert_eq!(
			check(granted.block_hash).await?,
			AccessDecision::Permit {
				basis: AccessBasis::Consent { id, source: GrantSource::Patient }
			}
		);
		// Not for a class or a purpose the consent does not cover.
		let genomics: AccessDecision = client
			.state_call(
				"ConsentApi_check_access",
				(&eve_id, &dave_id, DataClass::Genomics, Purpose::Treatment, None::<Timestamp>),
				granted.block_hash,
			)
			.await?;
		assert_eq!(
			genomics,
			AccessDecision::Deny { reason: DenyReason::SensitiveClassNotNamed(id) }
		);

		// Eve's guardian Ferdie (a `HealthGuardian` proxy) revokes for her. From the block that
		// includes the revocation on, the answer is Deny.
		let ferdie = dev::ferdie();
		let appoint = RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
			delegate: account_of(&ferdie).into(),
			proxy_type: ProxyType::HealthGuardian,
			delay: 0,
		});
		client.submit(appoint, &eve).await?;
		let as_eve = RuntimeCall::Proxy(pallet_proxy::Call::proxy {
			real: eve_id.clone().into(),
			force_proxy_type: None,
			call: Box::new(consent(ConsentCall::revoke_consent { id })),
		});
		let revoked = client.submit(as_eve, &ferdie).await?;
		assert!(revoked.events.iter().any(|event| matches!(
			event,
			RuntimeEvent::Consent(ConsentEvent::ConsentRevoked { id: revoked, .. }) if *revoked == id
		)));
		assert_eq!(
			check(revoked.block_hash).await?,
			AccessDecision::Deny { reason: DenyReason::Revoked(id) }
		);
		// The record stays, with its revocation time: the history is append-only.
		let consents: Vec<ConsentOf<Runtime>> =
			client.runtime_api("ConsentApi_consents_of", &eve_id).await?;
		assert_eq!(consents.len(), 1);
		assert!(consents[0].revoked_at.is_some());
		let by_id: Option<(AccountId, ConsentOf<Runtime>)> =
			client.runtime_api("ConsentApi_consent", id).await?;
		assert_eq!(by_id.map(|(patient, _)| patient), Some(eve_id));
		Ok(())
	})
	.await
}

/// The hot path under load: a patient at the consent cap (every consent speaks to the accessor
/// and is checked to the end), and an EHR asking the node `check_access` over RPC, one request
/// after another and then eight at a time. Prints the latencies; `benchmarks/README.md`
/// records a run.
#[tokio::test(flavor = "multi_thread")]
async fn check_access_latency_with_a_full_ledger() -> Result {
	use std::time::{Duration, Instant};
	const REQUESTS: usize = 1_000;
	const CONCURRENCY: usize = 8;

	run_scenario(|client| async move {
		let eve = dev::eve();
		let Parties { eve_id, dave_id, hospital } = parties(&client).await?;

		// 100 consents (the runtime's `MaxConsents`) that all speak to Dave and cover lab
		// results for treatment in DE, but start in a year: each is checked to the last rule.
		let in_a_year: Timestamp = 4_102_444_800_000; // 2100-01-01, always in the future here
		let max_consents =
			<<Runtime as pallet_consent::Config>::MaxConsents as sp_core::Get<u32>>::get();
		let grant = consent(ConsentCall::grant_consent {
			grantee: Grantee::Provider(hospital),
			decision: Decision::Permit,
			classes: DataClassSet::full(),
			purposes: PurposeSet::full(),
			jurisdictions: Some(vec![crate::identity::de()?].try_into().map_err(|_| "bound")?),
			valid_from: Some(in_a_year),
			valid_until: None,
		});
		let calls = vec![grant; max_consents as usize];
		client
			.submit(RuntimeCall::Utility(pallet_utility::Call::batch_all { calls }), &eve)
			.await?;
		let consents: Vec<ConsentOf<Runtime>> =
			client.runtime_api("ConsentApi_consents_of", &eve_id).await?;
		assert_eq!(consents.len() as u32, max_consents);
		let last = consents.last().map(|consent| consent.id).ok_or("no consent")?;

		let at = client.rpc("chain_getBlockHash", subxt::rpcs::rpc_params![]).await?;
		let args =
			(&eve_id, &dave_id, DataClass::LabResults, Purpose::Treatment, None::<Timestamp>);
		let expected = AccessDecision::Deny { reason: DenyReason::NotYetValid(last) };

		// One request after another.
		let mut latencies = Vec::with_capacity(REQUESTS);
		for _ in 0..REQUESTS {
			let started = Instant::now();
			let decision: AccessDecision =
				client.state_call("ConsentApi_check_access", &args, at).await?;
			latencies.push(started.elapsed());
			assert_eq!(decision, expected);
		}
		latencies.sort();

		// The floor: the same round trip for the cheapest runtime API call (one storage read).
		let mut floor = Vec::with_capacity(REQUESTS);
		for _ in 0..REQUESTS {
			let started = Instant::now();
			let _: u32 = client.state_call("AccountNonceApi_account_nonce", &eve_id, at).await?;
			floor.push(started.elapsed());
		}
		floor.sort();
		let floor_median = floor.get(floor.len() / 2).copied().unwrap_or_default();

		let percentile = |p: usize| {
			let rank = latencies.len().saturating_mul(p) / 100;
			latencies.get(rank).or(latencies.last()).copied().unwrap_or_default()
		};

		// Eight at a time.
		let started = Instant::now();
		let mut tasks = Vec::new();
		for _ in 0..CONCURRENCY {
			let (client, args) = (&client, &args);
			tasks.push(async move {
				for _ in 0..REQUESTS / CONCURRENCY {
					let decision: AccessDecision =
						client.state_call("ConsentApi_check_access", args, at).await?;
					if decision != expected {
						return Err(format!("unexpected decision {decision:?}").into());
					}
				}
				Result::Ok(())
			});
		}
		futures::future::try_join_all(tasks).await?;
		let elapsed = started.elapsed();

		let ms = |duration: Duration| duration.as_secs_f64() * 1000.0;
		println!(
			"check_access over RPC, ledger of {max_consents} consents, {REQUESTS} requests: \
			 median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; \
			 {CONCURRENCY} concurrent: {:.0} decisions/s; \
			 floor (AccountNonceApi_account_nonce): median {:.2} ms",
			ms(percentile(50)),
			ms(percentile(90)),
			ms(percentile(99)),
			ms(percentile(100)),
			REQUESTS as f64 / elapsed.as_secs_f64(),
			ms(floor_median),
		);
		Ok(())
	})
	.await
}
