use super::*;
use crate::{Error, Practitioners, Providers};
use frame_support::assert_noop;

mod add_practitioner {
	use super::*;

	#[test]
	fn adds_the_account_to_the_admins_provider_and_holds_the_deposit_from_the_admin() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Laboratory, None);
			assert_ok!(HealthIdentity::add_practitioner(
				RuntimeOrigin::signed(1),
				5,
				PractitionerRole::Technician
			));
			let practitioner = Practitioners::<Test>::get(5).unwrap();
			assert_eq!(practitioner.provider, id);
			assert_eq!(practitioner.role, PractitionerRole::Technician);
			assert_eq!((practitioner.depositor, practitioner.deposit), (1, PRACTITIONER_DEPOSIT));
			assert_eq!(Providers::<Test>::get(id).unwrap().practitioners, 1);
			assert_eq!(held(HoldReason::PractitionerDeposit, 1), PRACTITIONER_DEPOSIT);
			assert_eq!(
				last_event(),
				Event::PractitionerAdded {
					provider: id,
					practitioner: 5,
					role: PractitionerRole::Technician
				}
			);
		});
	}

	#[test]
	fn by_a_non_admin_fails_with_not_admin() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::add_practitioner(
					RuntimeOrigin::signed(1),
					5,
					PractitionerRole::Nurse
				),
				Error::<Test>::NotAdmin
			);
		});
	}

	#[test]
	fn to_a_revoked_provider_fails_with_provider_revoked() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			set_status(id, ProviderStatus::Revoked);
			assert_noop!(
				HealthIdentity::add_practitioner(
					RuntimeOrigin::signed(1),
					5,
					PractitionerRole::Nurse
				),
				Error::<Test>::ProviderRevoked
			);
		});
	}

	#[test]
	fn an_account_acting_for_any_provider_fails_with_already_practitioner() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			register(2, ProviderKind::Clinic, None);
			for admin in [1, 2] {
				assert_noop!(
					HealthIdentity::add_practitioner(
						RuntimeOrigin::signed(admin),
						5,
						PractitionerRole::Nurse
					),
					Error::<Test>::AlreadyPractitioner
				);
			}
		});
	}

	#[test]
	fn beyond_the_maximum_fails_with_too_many_practitioners() {
		build_and_execute(|| {
			register(1, ProviderKind::Clinic, None);
			for account in 0..MAX_PRACTITIONERS as u64 {
				assert_ok!(HealthIdentity::add_practitioner(
					RuntimeOrigin::signed(1),
					10 + account,
					PractitionerRole::Nurse
				));
			}
			assert_noop!(
				HealthIdentity::add_practitioner(
					RuntimeOrigin::signed(1),
					19,
					PractitionerRole::Nurse
				),
				Error::<Test>::TooManyPractitioners
			);
		});
	}
}

mod remove_practitioner {
	use super::*;

	#[test]
	fn removes_the_practitioner_and_releases_the_deposit_to_whoever_paid_it() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			// The admin role moved on; the deposit still goes back to account 1.
			assert_ok!(HealthIdentity::transfer_admin(RuntimeOrigin::signed(1), 2));
			assert_ok!(HealthIdentity::remove_practitioner(RuntimeOrigin::signed(2), 5));
			assert!(Practitioners::<Test>::get(5).is_none());
			assert_eq!(Providers::<Test>::get(id).unwrap().practitioners, 0);
			assert_eq!(held(HoldReason::PractitionerDeposit, 1), 0);
			assert_eq!(last_event(), Event::PractitionerRemoved { provider: id, practitioner: 5 });
		});
	}

	#[test]
	fn by_a_non_admin_fails_with_not_admin() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			assert_noop!(
				HealthIdentity::remove_practitioner(RuntimeOrigin::signed(5), 5),
				Error::<Test>::NotAdmin
			);
		});
	}

	#[test]
	fn of_another_provider_or_nobody_fails_with_not_practitioner() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			register(2, ProviderKind::Clinic, None);
			for account in [5, 6] {
				assert_noop!(
					HealthIdentity::remove_practitioner(RuntimeOrigin::signed(2), account),
					Error::<Test>::NotPractitioner
				);
			}
		});
	}
}
