//! The dispute court wired to the identity registry: a provider's admin, who need not practise
//! at it, answers for it in court; an admin who hands the provider over mid-dispute (a rotated
//! key, say) no longer does, and its successor does.

use super::genesis_of;
use crate::{AccountId, Runtime, RuntimeCall, RuntimeOrigin, System};
use pallet_disputes::Party;
use salus_primitives::{DisputeSubject, Jurisdiction, ProviderKind, ProviderStatus};
use sp_core::H256;
use sp_keyring::Sr25519Keyring::{self, Charlie, Eve, Ferdie};
use sp_runtime::{traits::Dispatchable, DispatchResult};

fn account(key: Sr25519Keyring) -> AccountId {
	key.to_account_id()
}

/// `call`, signed by `key`.
fn signed(key: Sr25519Keyring, call: RuntimeCall) -> DispatchResult {
	call.dispatch(RuntimeOrigin::signed(account(key)))
		.map(|_| ())
		.map_err(|e| e.error)
}

fn identity(call: pallet_health_identity::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::HealthIdentity(call)
}

fn evidence(byte: u8) -> RuntimeCall {
	RuntimeCall::Disputes(pallet_disputes::Call::submit_evidence {
		dispute_id: 0,
		evidence: H256::repeat_byte(byte),
	})
}

#[test]
fn the_providers_current_admin_answers_for_it_in_court() {
	genesis_of("development").execute_with(|| {
		System::set_block_number(1);
		let de = Jurisdiction::new(*b"DE").unwrap();
		// Charlie registers a hospital, which he administers without practising there.
		signed(
			Charlie,
			identity(pallet_health_identity::Call::register_provider {
				name: b"Lakeside Hospital".to_vec().try_into().unwrap(),
				kind: ProviderKind::Hospital,
				jurisdiction: de,
				parent: None,
			}),
		)
		.unwrap();
		identity(pallet_health_identity::Call::set_provider_status {
			provider: 0,
			status: ProviderStatus::Accredited,
		})
		.dispatch(RuntimeOrigin::root())
		.unwrap();
		assert_eq!(pallet_health_identity::Practitioners::<Runtime>::get(account(Charlie)), None);
		// Eve registers (the announcement a block before), then brings a claim about its
		// conduct.
		let commitment = H256::repeat_byte(5);
		let binding =
			pallet_health_identity::Pallet::<Runtime>::binding_of(&commitment, &account(Eve));
		signed(
			Eve,
			identity(pallet_health_identity::Call::announce_commitment { binding: Some(binding) }),
		)
		.unwrap();
		System::set_block_number(2);
		signed(
			Eve,
			identity(pallet_health_identity::Call::register_patient {
				commitment,
				jurisdiction: de,
				encryption_key: None,
			}),
		)
		.unwrap();
		signed(
			Eve,
			RuntimeCall::Disputes(pallet_disputes::Call::open_dispute {
				respondent: 0,
				subject: DisputeSubject::Conduct,
				evidence: H256::repeat_byte(1),
			}),
		)
		.unwrap();

		// The admin answers for the hospital.
		assert_eq!(signed(Charlie, evidence(2)), Ok(()));
		// He hands it to Ferdie: from then on Ferdie answers for it, and he no longer does.
		signed(
			Charlie,
			identity(pallet_health_identity::Call::transfer_admin { new_admin: account(Ferdie) }),
		)
		.unwrap();
		signed(Ferdie, identity(pallet_health_identity::Call::accept_admin { provider: 0 }))
			.unwrap();
		assert_eq!(
			signed(Charlie, evidence(3)),
			Err(pallet_disputes::Error::<Runtime>::NotParty.into())
		);
		assert_eq!(signed(Ferdie, evidence(4)), Ok(()));
		let dispute = pallet_disputes::OpenDisputes::<Runtime>::get(0).unwrap();
		let respondent: Vec<_> = dispute
			.evidence
			.iter()
			.filter(|(party, _)| *party == Party::Respondent)
			.map(|(_, hash)| *hash)
			.collect();
		assert_eq!(respondent, vec![H256::repeat_byte(2), H256::repeat_byte(4)]);
	});
}
