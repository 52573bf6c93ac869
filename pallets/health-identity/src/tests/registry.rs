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

#[test]
fn a_vouch_counts_only_while_its_provider_is_accredited() {
	build_and_execute(|| {
		let id = accredited_hospital(1, 5);
		register_patient(3, 3);
		assert_ok!(HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), 3));
		assert_eq!(<Registry as PatientRegistry<u64>>::vouched_by(&3), Some(id));
		set_status(id, ProviderStatus::Suspended);
		assert_eq!(<Registry as PatientRegistry<u64>>::vouched_by(&3), None);
		set_status(id, ProviderStatus::Accredited);
		assert_eq!(<Registry as PatientRegistry<u64>>::vouched_by(&3), Some(id));
		set_status(id, ProviderStatus::Revoked);
		assert!(!<Registry as PatientRegistry<u64>>::is_vouched(&3));
	});
}

mod is_affiliated {
	use super::*;

	/// A hospital (admin 1, practitioner 5) with an accepted department (admin 2,
	/// practitioner 6), a second accepted department (admin 3), and an unrelated clinic
	/// (admin 4, practitioner 7).
	fn family() -> (ProviderId, ProviderId, ProviderId, ProviderId) {
		let hospital = accredited_hospital(1, 5);
		let cardiology = register(2, ProviderKind::Department, Some(hospital));
		assert_ok!(HealthIdentity::accept_department(RuntimeOrigin::signed(1), cardiology));
		join(2, 6, PractitionerRole::Nurse);
		let radiology = register(3, ProviderKind::Department, Some(hospital));
		assert_ok!(HealthIdentity::accept_department(RuntimeOrigin::signed(1), radiology));
		let clinic = accredited_hospital(4, 7);
		(hospital, cardiology, radiology, clinic)
	}

	fn affiliated(who: u64, provider: ProviderId) -> bool {
		<Registry as ProviderRegistry<u64>>::is_affiliated(&who, provider)
	}

	#[test]
	fn admins_practitioners_and_bonders_of_the_family_are_affiliated() {
		build_and_execute(|| {
			let (hospital, cardiology, radiology, clinic) = family();
			for provider in [hospital, cardiology, radiology] {
				// Admins and practitioners of the parent and of every department.
				for who in [1, 2, 3, 5, 6] {
					assert!(affiliated(who, provider), "{who} of {provider}");
				}
				// Nobody of the clinic.
				for who in [4, 7, 8] {
					assert!(!affiliated(who, provider), "{who} of {provider}");
				}
			}
			for who in [1, 2, 3, 5, 6] {
				assert!(!affiliated(who, clinic));
			}
			assert!(!affiliated(1, 99));
		});
	}

	#[test]
	fn a_bonder_that_handed_the_admin_role_on_stays_affiliated() {
		build_and_execute(|| {
			let (hospital, cardiology, _, _) = family();
			assert_ok!(HealthIdentity::transfer_admin(RuntimeOrigin::signed(2), 9));
			assert_ok!(HealthIdentity::accept_admin(RuntimeOrigin::signed(9), cardiology));
			// 2 no longer administers the department but still holds its bond.
			assert_eq!(Providers::<Test>::get(cardiology).unwrap().bonder, 2);
			assert!(affiliated(2, hospital));
			assert!(affiliated(2, cardiology));
			assert!(affiliated(9, hospital));
		});
	}

	#[test]
	fn an_unaccepted_department_is_no_family() {
		build_and_execute(|| {
			let (hospital, _, _, _) = family();
			let fake = register(10, ProviderKind::Department, Some(hospital));
			assert!(!affiliated(10, hospital));
			assert!(!affiliated(1, fake));
			assert!(affiliated(10, fake));
		});
	}
}
