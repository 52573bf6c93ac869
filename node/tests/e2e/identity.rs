//! Patient identity and provider registry on a running chain, and guardians acting through
//! proxies.

use crate::harness::{account_of, run_scenario, Client, Result};
use pallet_health_identity::{Call as IdentityCall, Event as IdentityEvent, PatientOf, ProviderOf};
use salus_primitives::{
	DataClass, Jurisdiction, PractitionerRole, ProviderId, ProviderKind, ProviderStatus,
};
use salus_runtime::{AccountId, Hash, ProxyType, Runtime, RuntimeCall, RuntimeEvent};
use sp_runtime::traits::{BlakeTwo256, Hash as _};
use subxt_signer::sr25519::{dev, Keypair};

fn identity(call: IdentityCall<Runtime>) -> RuntimeCall {
	RuntimeCall::HealthIdentity(call)
}

pub(crate) fn de() -> Result<Jurisdiction> {
	Ok(Jurisdiction::from_code("DE").map_err(|error| error.to_string())?)
}

async fn patient(client: &Client, who: &AccountId) -> Result<Option<PatientOf<Runtime>>> {
	client.runtime_api("HealthIdentityApi_patient", who).await
}

/// Registers `signer` as a patient with commitment `h(byte)`: it announces the commitment
/// bound to its account, then (in a later block, since `submit` waits for finality) reveals it.
pub(crate) async fn register_patient(client: &Client, signer: &Keypair, byte: u8) -> Result {
	let commitment = Hash::repeat_byte(byte);
	let binding =
		pallet_health_identity::Pallet::<Runtime>::binding_of(&commitment, &account_of(signer));
	let announce = identity(IdentityCall::announce_commitment { binding: Some(binding) });
	client.submit(announce, signer).await?;
	let call = identity(IdentityCall::register_patient {
		commitment,
		jurisdiction: de()?,
		encryption_key: None,
	});
	client.submit(call, signer).await?;
	Ok(())
}

/// `admin` proposes `practitioner` (signing with `signer`) as a physician of `provider`, and the
/// practitioner accepts.
pub(crate) async fn join_as_physician(
	client: &Client,
	admin: &Keypair,
	practitioner: &Keypair,
	provider: ProviderId,
) -> Result {
	let add = identity(IdentityCall::add_practitioner {
		account: account_of(practitioner),
		role: PractitionerRole::Physician,
	});
	client.submit(add, admin).await?;
	client
		.submit(identity(IdentityCall::accept_practitioner { provider }), practitioner)
		.await?;
	Ok(())
}

/// A hospital in DE registered by `admin`, accredited by sudo (`sudo`), with `practitioner` as
/// its physician (proposed by the admin, accepted by the practitioner); returns its id.
pub(crate) async fn accredited_hospital(
	client: &Client,
	admin: &Keypair,
	practitioner: &Keypair,
	sudo: &Keypair,
) -> Result<ProviderId> {
	let register = identity(IdentityCall::register_provider {
		name: b"Hospital".to_vec().try_into().map_err(|_| "name too long")?,
		kind: ProviderKind::Hospital,
		jurisdiction: de()?,
		parent: None,
	});
	let registered = client.submit(register, admin).await?;
	let hospital = registered
		.events
		.iter()
		.find_map(|event| match event {
			RuntimeEvent::HealthIdentity(IdentityEvent::ProviderRegistered {
				provider, ..
			}) => Some(*provider),
			_ => None,
		})
		.ok_or("no ProviderRegistered event")?;
	let accredit = identity(IdentityCall::set_provider_status {
		provider: hospital,
		status: ProviderStatus::Accredited,
	});
	tokio::try_join!(
		client
			.submit(RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(accredit) }), sudo),
		join_as_physician(client, admin, practitioner, hospital),
	)?;
	Ok(hospital)
}

/// Patient Bob, hospital managed by Charlie and accredited by sudo (Alice), physician Dave: the
/// physician anchors a record about Bob and proposes a record-number link that Bob accepts.
#[tokio::test(flavor = "multi_thread")]
async fn patient_hospital_practitioner_record_and_two_sided_link() -> Result {
	run_scenario(|client| async move {
		let (alice, bob, charlie, dave) = (dev::alice(), dev::bob(), dev::charlie(), dev::dave());
		let (bob_id, dave_id) = (account_of(&bob), account_of(&dave));

		// A patient and a hospital register, independently.
		let register_hospital = identity(IdentityCall::register_provider {
			name: b"Charite Berlin".to_vec().try_into().map_err(|_| "name too long")?,
			kind: ProviderKind::Hospital,
			jurisdiction: de()?,
			parent: None,
		});
		let (_, registered) = tokio::try_join!(
			register_patient(&client, &bob, 1),
			client.submit(register_hospital, &charlie)
		)?;
		let hospital: ProviderId = registered
			.events
			.iter()
			.find_map(|event| match event {
				RuntimeEvent::HealthIdentity(IdentityEvent::ProviderRegistered {
					provider,
					..
				}) => Some(*provider),
				_ => None,
			})
			.ok_or("no ProviderRegistered event")?;
		assert_eq!(
			patient(&client, &bob_id).await?.map(|p| p.commitment),
			Some(Hash::repeat_byte(1))
		);

		// Governance (sudo on a dev chain) accredits the hospital.
		let accredit = identity(IdentityCall::set_provider_status {
			provider: hospital,
			status: ProviderStatus::Accredited,
		});
		let sudo = RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(accredit) });
		let accredited = client.submit(sudo, &alice).await?;
		assert!(accredited
			.events
			.contains(&RuntimeEvent::Sudo(pallet_sudo::Event::Sudid { sudo_result: Ok(()) })));
		let provider: Option<ProviderOf<Runtime>> =
			client.runtime_api("HealthIdentityApi_provider", hospital).await?;
		assert_eq!(provider.map(|p| p.status), Some(ProviderStatus::Accredited));

		// The admin proposes a physician, who accepts, then proposes to anchor a record about
		// Bob; the anchor holds once Bob accepts it.
		join_as_physician(&client, &charlie, &dave, hospital).await?;
		let provider_of: Option<ProviderId> =
			client.runtime_api("HealthIdentityApi_provider_of", &dave_id).await?;
		assert_eq!(provider_of, Some(hospital));

		// The class is on chain only as a salted commitment the client computes.
		let content_hash = Hash::repeat_byte(0xab);
		let class_commitment = BlakeTwo256::hash_of(&([5u8; 32], DataClass::LabResults));
		let anchor = identity(IdentityCall::anchor_record {
			patient: bob_id.clone(),
			content_hash,
			class_commitment,
		});
		client.submit(anchor, &dave).await?;
		let records: Vec<(Hash, pallet_health_identity::RecordAnchorOf<Runtime>)> = client
			.runtime_api("HealthIdentityApi_records_of", (&bob_id, 0u32, 10u32))
			.await?;
		assert!(records.is_empty(), "an anchor Bob has not accepted is listed: {records:?}");
		let accepted = client
			.submit(identity(IdentityCall::accept_record { content_hash }), &bob)
			.await?;
		assert!(accepted.events.contains(&RuntimeEvent::HealthIdentity(
			IdentityEvent::RecordAnchored {
				content_hash,
				patient: bob_id.clone(),
				custodian: hospital,
				class_commitment,
			}
		)));
		let records: Vec<(Hash, pallet_health_identity::RecordAnchorOf<Runtime>)> = client
			.runtime_api("HealthIdentityApi_records_of", (&bob_id, 0u32, 10u32))
			.await?;
		assert_eq!(records.len(), 1);
		assert_eq!((records[0].0, records[0].1.custodian), (content_hash, hospital));

		// The hospital proposes a record-number link; it holds once Bob signs too.
		let locator = Hash::repeat_byte(0xcd);
		let propose = identity(IdentityCall::propose_link { patient: bob_id.clone(), locator });
		client.submit(propose, &dave).await?;
		let accept = identity(IdentityCall::accept_link { provider: hospital, locator });
		let accepted = client.submit(accept, &bob).await?;
		assert!(accepted.events.contains(&RuntimeEvent::HealthIdentity(
			IdentityEvent::LinkAccepted { provider: hospital, locator, patient: bob_id }
		)));
		Ok(())
	})
	.await
}

/// Eve appoints Ferdie as her health guardian (a `HealthGuardian` proxy). Ferdie can update
/// Eve's encryption key through `proxy.proxy`, but a transfer of Eve's funds is filtered out.
#[tokio::test(flavor = "multi_thread")]
async fn a_guardian_acts_for_a_patient_but_cannot_move_her_funds() -> Result {
	run_scenario(|client| async move {
		let (eve, ferdie) = (dev::eve(), dev::ferdie());
		let (eve_id, ferdie_id) = (account_of(&eve), account_of(&ferdie));
		register_patient(&client, &eve, 2).await?;
		let appoint = RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
			delegate: ferdie_id.clone().into(),
			proxy_type: ProxyType::HealthGuardian,
			delay: 0,
		});
		client.submit(appoint, &eve).await?;

		let as_eve = |call: RuntimeCall| {
			RuntimeCall::Proxy(pallet_proxy::Call::proxy {
				real: eve_id.clone().into(),
				force_proxy_type: None,
				call: Box::new(call),
			})
		};

		let key = [9u8; 32];
		let update = identity(IdentityCall::update_encryption_key { key: Some(key) });
		let updated = client.submit(as_eve(update), &ferdie).await?;
		assert!(updated
			.events
			.contains(&RuntimeEvent::Proxy(pallet_proxy::Event::ProxyExecuted { result: Ok(()) })));
		assert_eq!(patient(&client, &eve_id).await?.and_then(|p| p.encryption_key), Some(key));

		let eve_before = client.free_balance(&eve_id).await?;
		let steal = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: ferdie_id.into(),
			value: salus_runtime::SLS,
		});
		let refused = client.submit(as_eve(steal), &ferdie).await?;
		let filtered = refused.events.iter().any(|event| {
			matches!(
				event,
				RuntimeEvent::Proxy(pallet_proxy::Event::ProxyExecuted { result: Err(error) })
					if *error == frame_system::Error::<Runtime>::CallFiltered.into()
			)
		});
		assert!(filtered, "the transfer was not filtered: {:?}", refused.events);
		assert_eq!(client.free_balance(&eve_id).await?, eve_before);
		Ok(())
	})
	.await
}
