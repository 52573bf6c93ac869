//! The traits the other pallets see this pallet through.

use super::*;
use crate::{Error, Providers};
use frame_support::{assert_noop, traits::fungible::Inspect};
use salus_primitives::{PatientRegistry, ProviderRegistry};

type Registry = HealthIdentity;

#[test]
fn provider_registry_answers_for_practitioners_and_providers() {
	build_and_execute(|| {
		let id = accredited_hospital(1, 5);
		assert_eq!(<Registry as ProviderRegistry<u64>>::provider_of(&5), Some(id));
		assert_eq!(<Registry as ProviderRegistry<u64>>::provider_of(&1), None, "admins do not act");
		assert_eq!(<Registry as ProviderRegistry<u64>>::kind(id), Some(ProviderKind::Hospital));
		assert_eq!(<Registry as ProviderRegistry<u64>>::jurisdiction(id), Some(j("DE")));
		assert!(<Registry as ProviderRegistry<u64>>::is_accredited(id));
		assert!(!<Registry as ProviderRegistry<u64>>::is_accredited(id + 1));
		// The runtime API's view also knows the admin.
		assert_eq!(HealthIdentity::provider_acted_for_or_managed(&1), Some(id));
	});
}

#[test]
fn slash_bond_moves_at_most_the_bond_to_the_beneficiary() {
	build_and_execute(|| {
		let id = accredited_hospital(1, 5);
		let before = Balances::balance(&7);
		assert_eq!(<Registry as ProviderRegistry<u64>>::slash_bond(id, 30, &7), Ok(30));
		assert_eq!(Balances::balance(&7), before + 30);
		assert_eq!(Providers::<Test>::get(id).unwrap().bond, PROVIDER_BOND - 30);
		assert_eq!(held(HoldReason::ProviderBond, 1), PROVIDER_BOND - 30);
		assert_eq!(last_event(), Event::BondSlashed { provider: id, amount: 30, beneficiary: 7 });
		// Asking for more than is left moves what is left.
		assert_eq!(<Registry as ProviderRegistry<u64>>::slash_bond(id, 1_000, &7), Ok(70));
		assert_eq!(Providers::<Test>::get(id).unwrap().bond, 0);
	});
}

#[test]
fn slash_bond_of_an_unknown_provider_fails() {
	build_and_execute(|| {
		assert_noop!(
			<Registry as ProviderRegistry<u64>>::slash_bond(3, 10, &7),
			Error::<Test>::ProviderNotFound
		);
	});
}

#[test]
fn suspend_suspends_an_accredited_provider_only() {
	build_and_execute(|| {
		let id = accredited_hospital(1, 5);
		assert_ok!(<Registry as ProviderRegistry<u64>>::suspend(id));
		assert_eq!(Providers::<Test>::get(id).unwrap().status, ProviderStatus::Suspended);
		assert_noop!(
			<Registry as ProviderRegistry<u64>>::suspend(id),
			Error::<Test>::InvalidTransition
		);
	});
}

#[test]
fn patient_registry_answers_for_patients() {
	build_and_execute(|| {
		accredited_hospital(1, 5);
		register_patient(3, 3);
		assert!(<Registry as PatientRegistry<u64>>::is_registered(&3));
		assert!(!<Registry as PatientRegistry<u64>>::is_registered(&4));
		assert_eq!(<Registry as PatientRegistry<u64>>::jurisdiction(&3), Some(j("DE")));
		assert!(!<Registry as PatientRegistry<u64>>::is_vouched(&3));
		assert_ok!(HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), 3));
		assert!(<Registry as PatientRegistry<u64>>::is_vouched(&3));
	});
}
