//! Access requests, emergency (break-glass) access and the disclosure log on a running chain:
//! a hospital asks, the patient approves free of fees, the EHR's decision over RPC says Permit,
//! the access is logged and the patient lists it; an emergency opens a patient's data at once,
//! with no consent at all, and the patient acknowledges it; a request that expired cannot be
//! approved, and the cleanup ends it.

use crate::{
	harness::{account_of, run_scenario, Client, Finalized, Result},
	identity::{accredited_hospital, register_patient},
};
use pallet_access::{
	Call as AccessCall, DisclosureOf, EmergencyOf, EmergencyReason, Event as AccessEvent, RequestOf,
};
use salus_primitives::{
	AccessBasis, AccessDecision, DataClass, DataClassSet, DenyReason, GrantSource, ProviderId,
	Purpose, Timestamp,
};
use salus_runtime::{
	configs::health::{RequestDeposit, RequestLifetime},
	AccountId, Hash, Runtime, RuntimeCall, RuntimeEvent,
};
use std::time::Duration;
use subxt_signer::sr25519::dev;

pub(crate) fn access(call: AccessCall<Runtime>) -> RuntimeCall {
	RuntimeCall::Access(call)
}

/// Patient Eve, and physician Dave of a hospital that Charlie registered and sudo (Alice)
/// accredited.
pub(crate) async fn parties(client: &Client) -> Result<(AccountId, AccountId, ProviderId)> {
	let (alice, charlie, dave, eve) = (dev::alice(), dev::charlie(), dev::dave(), dev::eve());
	let (eve_id, dave_id) = (account_of(&eve), account_of(&dave));
	let (_, hospital) = tokio::try_join!(
		register_patient(client, &eve, 9),
		accredited_hospital(client, &charlie, &dave, &alice),
	)?;
	Ok((eve_id, dave_id, hospital))
}

/// The pallet's event that `pick` finds among `finalized`'s.
fn find<T>(finalized: &Finalized, pick: impl Fn(&AccessEvent<Runtime>) -> Option<T>) -> Result<T> {
	finalized
		.events
		.iter()
		.find_map(|event| match event {
			RuntimeEvent::Access(event) => pick(event),
			_ => None,
		})
		.ok_or_else(|| format!("event not found among {:?}", finalized.events).into())
}

fn fee_skipped(finalized: &Finalized) -> bool {
	finalized.events.iter().any(|event| {
		matches!(
			event,
			RuntimeEvent::SkipFeelessPayment(pallet_skip_feeless_payment::Event::FeeSkipped { .. })
		)
	})
}

/// What the EHR asks the node: may `accessor` see `class` of `patient`'s data for `purpose`,
/// at block `at`?
async fn check(
	client: &Client,
	patient: &AccountId,
	accessor: &AccountId,
	class: DataClass,
	purpose: Purpose,
	at: Hash,
) -> Result<AccessDecision> {
	let args = (patient, accessor, class, purpose, None::<Timestamp>);
	client.state_call("ConsentApi_check_access", args, at).await
}

#[tokio::test(flavor = "multi_thread")]
async fn request_approve_log_and_list_then_an_expired_request_cannot_be_approved() -> Result {
	run_scenario(|client| async move {
		let (dave, eve) = (dev::dave(), dev::eve());
		let (eve_id, dave_id, hospital) = parties(&client).await?;

		// Dave asks Eve for her lab results and medications, for treatment, for a day.
		let ask = |duration| {
			access(AccessCall::request_access {
				patient: eve_id.clone(),
				classes: DataClassSet::of(&[DataClass::LabResults, DataClass::Medications]),
				purpose: Purpose::Treatment,
				duration,
				justification: Hash::repeat_byte(0x42),
				bounty: 0,
			})
		};
		let requested = client.submit(ask(86_400_000), &dave).await?;
		let id = find(&requested, |event| match event {
			AccessEvent::AccessRequested { id, .. } => Some(*id),
			_ => None,
		})?;
		let pending: Vec<(u64, RequestOf<Runtime>)> =
			client.runtime_api("AccessApi_pending_requests_of", &eve_id).await?;
		assert_eq!(pending.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![id]);
		let of_hospital: Vec<(u64, RequestOf<Runtime>)> =
			client.runtime_api("AccessApi_requests_of_provider", hospital).await?;
		assert_eq!(of_hospital.len(), 1);

		// Eve approves lab results only; the answer costs her no fee.
		let eve_before = client.free_balance(&eve_id).await?;
		let approve = access(AccessCall::approve_request {
			request_id: id,
			classes: Some(DataClassSet::of(&[DataClass::LabResults])),
		});
		let approved = client.submit(approve, &eve).await?;
		assert!(fee_skipped(&approved), "the approval was not free: {:?}", approved.events);
		assert_eq!(client.free_balance(&eve_id).await?, eve_before);
		let consent = find(&approved, |event| match event {
			AccessEvent::RequestApproved { consent, .. } => Some(*consent),
			_ => None,
		})?;

		// The EHR asks over RPC: permitted, by the approved request, for lab results only.
		assert_eq!(
			check(
				&client,
				&eve_id,
				&dave_id,
				DataClass::LabResults,
				Purpose::Treatment,
				approved.block_hash
			)
			.await?,
			AccessDecision::Permit {
				basis: AccessBasis::Consent { id: consent, source: GrantSource::Request(id) }
			}
		);
		assert_eq!(
			check(
				&client,
				&eve_id,
				&dave_id,
				DataClass::Medications,
				Purpose::Treatment,
				approved.block_hash
			)
			.await?,
			AccessDecision::Deny { reason: DenyReason::ClassNotCovered(consent) }
		);

		// Dave opens her lab results and logs it; Eve lists her disclosures.
		let log = |class| {
			access(AccessCall::log_disclosure {
				patient: eve_id.clone(),
				data_class: class,
				purpose: Purpose::Treatment,
				record: Some(Hash::repeat_byte(0x07)),
			})
		};
		client.submit(log(DataClass::LabResults), &dave).await?;
		let disclosures: Vec<DisclosureOf<Runtime>> =
			client.runtime_api("AccessApi_disclosures_of", (&eve_id, 0u32, 10u32)).await?;
		assert_eq!(disclosures.len(), 1);
		let entry = &disclosures[0];
		assert_eq!((entry.accessor.clone(), entry.provider), (dave_id.clone(), hospital));
		assert_eq!((entry.class, entry.purpose), (DataClass::LabResults, Purpose::Treatment));
		assert_eq!(
			entry.basis,
			AccessBasis::Consent { id: consent, source: GrantSource::Request(id) }
		);
		// Logging a class the approval left out is refused with the decision's reason.
		let refused = client.submit(log(DataClass::Medications), &dave).await;
		let error = refused.err().ok_or("logging an uncovered class was accepted")?.to_string();
		assert!(error.contains("ClassNotCovered"), "{error}");

		// Dave asks again, before governance (sudo) shortens the request lifetime to one
		// second; that request keeps its seven days. A request made after the change has
		// expired by the next block: Eve cannot approve it. The cleanup ends requests in id
		// order, so it waits behind the older one until Dave withdraws that; then it ends the
		// expired request and returns Dave's deposit.
		let dave_held = client.held_balance(&dave_id).await?;
		let older = client.submit(ask(60_000), &dave).await?;
		let older = find(&older, |event| match event {
			AccessEvent::AccessRequested { id, .. } => Some(*id),
			_ => None,
		})?;
		client
			.sudo_set_storage(vec![(
				RequestLifetime::key().to_vec(),
				codec::Encode::encode(&1_000u64),
			)])
			.await?;
		let requested = client.submit(ask(60_000), &dave).await?;
		let late = find(&requested, |event| match event {
			AccessEvent::AccessRequested { id, .. } => Some(*id),
			_ => None,
		})?;
		let refused = client
			.submit(access(AccessCall::approve_request { request_id: late, classes: None }), &eve)
			.await;
		let error = refused.err().ok_or("an expired request was approved")?.to_string();
		assert!(error.contains("RequestExpired"), "{error}");
		assert_eq!(client.held_balance(&dave_id).await?, dave_held + 2 * RequestDeposit::get());
		client
			.submit(access(AccessCall::cancel_request { request_id: older }), &dave)
			.await?;
		let started = std::time::Instant::now();
		loop {
			let pending: Vec<(u64, RequestOf<Runtime>)> =
				client.runtime_api("AccessApi_pending_requests_of", &eve_id).await?;
			if pending.is_empty() {
				break;
			}
			assert_eq!(pending.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![late]);
			if started.elapsed() > Duration::from_secs(60) {
				return Err("the cleanup did not end the expired request".into());
			}
			tokio::time::sleep(Duration::from_secs(2)).await;
		}
		// Every deposit Dave held for requests came back; he paid only fees.
		assert_eq!(client.held_balance(&dave_id).await?, dave_held);
		Ok(())
	})
	.await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_emergency_opens_data_at_once_without_consent_and_the_patient_acknowledges_it() -> Result
{
	run_scenario(|client| async move {
		let (dave, eve) = (dev::dave(), dev::eve());
		let (eve_id, dave_id, _) = parties(&client).await?;
		let at = client.rpc("chain_getBlockHash", subxt::rpcs::rpc_params![]).await?;
		assert_eq!(
			check(
				&client,
				&eve_id,
				&dave_id,
				DataClass::Allergies,
				Purpose::EmergencyTreatment,
				at
			)
			.await?,
			AccessDecision::Deny { reason: DenyReason::NoConsent }
		);

		// Eve is brought in unconscious; Dave breaks the glass.
		let declare = access(AccessCall::declare_emergency {
			patient: eve_id.clone(),
			justification: EmergencyReason::Unconscious.commit([7; 32], Hash::repeat_byte(0x11)),
		});
		let declared = client.submit(declare, &dave).await?;
		let (id, consent) = find(&declared, |event| match event {
			AccessEvent::EmergencyDeclared { id, consent, .. } => Some((*id, *consent)),
			_ => None,
		})?;
		// Permitted from the declaring block on, for the non-sensitive classes only.
		assert_eq!(
			check(
				&client,
				&eve_id,
				&dave_id,
				DataClass::Allergies,
				Purpose::EmergencyTreatment,
				declared.block_hash
			)
			.await?,
			AccessDecision::Permit {
				basis: AccessBasis::Consent { id: consent, source: GrantSource::Emergency(id) }
			}
		);
		assert!(!check(
			&client,
			&eve_id,
			&dave_id,
			DataClass::MentalHealth,
			Purpose::EmergencyTreatment,
			declared.block_hash
		)
		.await?
		.is_permit());
		let open: Vec<(u64, EmergencyOf<Runtime>)> =
			client.runtime_api("AccessApi_emergencies_of", &eve_id).await?;
		assert_eq!(open.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![id]);

		// The access is logged under the emergency.
		let log = access(AccessCall::log_disclosure {
			patient: eve_id.clone(),
			data_class: DataClass::Allergies,
			purpose: Purpose::EmergencyTreatment,
			record: None,
		});
		client.submit(log, &dave).await?;
		let disclosures: Vec<DisclosureOf<Runtime>> =
			client.runtime_api("AccessApi_disclosures_of", (&eve_id, 0u32, 10u32)).await?;
		assert_eq!(
			disclosures.iter().map(|entry| entry.basis).collect::<Vec<_>>(),
			vec![AccessBasis::Consent { id: consent, source: GrantSource::Emergency(id) }]
		);

		// Awake again, Eve acknowledges it, free of fees; the review is closed.
		let acknowledged = client
			.submit(access(AccessCall::acknowledge_emergency { emergency_id: id }), &eve)
			.await?;
		assert!(fee_skipped(&acknowledged), "{:?}", acknowledged.events);
		find(&acknowledged, |event| {
			matches!(event, AccessEvent::EmergencyAcknowledged { id: done } if *done == id)
				.then_some(())
		})?;
		let open: Vec<(u64, EmergencyOf<Runtime>)> =
			client.runtime_api("AccessApi_emergencies_of", &eve_id).await?;
		assert!(open.is_empty());
		Ok(())
	})
	.await
}
