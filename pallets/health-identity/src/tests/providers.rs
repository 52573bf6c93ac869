use super::*;
use crate::{AdminOf, Error, NextProviderId, Providers};
use frame_support::assert_noop;
use sp_runtime::{DispatchError, TokenError};

mod register_provider {
	use super::*;

	#[test]
	fn stores_a_pending_provider_with_the_caller_as_admin_and_holds_the_bond() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Hospital, None);
			assert_eq!(id, 0);
			assert_eq!(NextProviderId::<Test>::get(), 1);
			let provider = Providers::<Test>::get(id).unwrap();
			assert_eq!(provider.admin, 1);
			assert_eq!(provider.bonder, 1);
			assert_eq!(provider.bond, PROVIDER_BOND);
			assert_eq!(provider.name.to_vec(), "Charité".as_bytes().to_vec());
			assert_eq!(provider.status, ProviderStatus::Pending);
			assert_eq!(provider.practitioners, 0);
			assert_eq!(AdminOf::<Test>::get(1), Some(id));
			assert_eq!(held(HoldReason::ProviderBond, 1), PROVIDER_BOND);
			assert_eq!(
				last_event(),
				Event::ProviderRegistered {
					provider: id,
					admin: 1,
					kind: ProviderKind::Hospital,
					jurisdiction: j("DE"),
					parent: None
				}
			);
		});
	}

	#[test]
	fn a_department_belongs_to_its_parent() {
		build_and_execute(|| {
			let hospital = register(1, ProviderKind::Hospital, None);
			let department = register(2, ProviderKind::Department, Some(hospital));
			assert_eq!(Providers::<Test>::get(department).unwrap().parent, Some(hospital));
		});
	}

	#[test]
	fn a_department_without_parent_fails_with_parent_required() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::register_provider(
					RuntimeOrigin::signed(1),
					name("Cardiology"),
					ProviderKind::Department,
					j("DE"),
					None
				),
				Error::<Test>::ParentRequired
			);
		});
	}

	#[test]
	fn a_missing_revoked_or_department_parent_fails_with_invalid_parent() {
		build_and_execute(|| {
			let hospital = register(1, ProviderKind::Hospital, None);
			let department = register(2, ProviderKind::Department, Some(hospital));
			let revoked = register(3, ProviderKind::Clinic, None);
			set_status(revoked, ProviderStatus::Revoked);
			for parent in [42, department, revoked] {
				assert_noop!(
					HealthIdentity::register_provider(
						RuntimeOrigin::signed(4),
						name("Ward"),
						ProviderKind::Department,
						j("DE"),
						Some(parent)
					),
					Error::<Test>::InvalidParent
				);
			}
		});
	}

	#[test]
	fn an_empty_name_fails_with_empty_name() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::register_provider(
					RuntimeOrigin::signed(1),
					name(""),
					ProviderKind::Clinic,
					j("DE"),
					None
				),
				Error::<Test>::EmptyName
			);
		});
	}

	#[test]
	fn an_admin_registering_a_second_provider_fails_with_already_admin() {
		build_and_execute(|| {
			register(1, ProviderKind::Hospital, None);
			assert_noop!(
				HealthIdentity::register_provider(
					RuntimeOrigin::signed(1),
					name("Second"),
					ProviderKind::Clinic,
					j("DE"),
					None
				),
				Error::<Test>::AlreadyAdmin
			);
		});
	}

	#[test]
	fn without_funds_for_the_bond_fails() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::register_provider(
					RuntimeOrigin::signed(POOR),
					name("Clinic"),
					ProviderKind::Clinic,
					j("DE"),
					None
				),
				TokenError::FundsUnavailable
			);
		});
	}

	#[test]
	fn when_ids_run_out_fails_with_overflow() {
		build_and_execute(|| {
			NextProviderId::<Test>::put(ProviderId::MAX);
			assert_noop!(
				HealthIdentity::register_provider(
					RuntimeOrigin::signed(1),
					name("Clinic"),
					ProviderKind::Clinic,
					j("DE"),
					None
				),
				Error::<Test>::Overflow
			);
		});
	}
}

mod set_provider_status {
	use super::*;
	use ProviderStatus::*;

	#[test]
	fn accreditation_origin_moves_a_provider_through_its_lifecycle() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			for (from, to) in [
				(Pending, Accredited),
				(Accredited, Suspended),
				(Suspended, Accredited),
				(Accredited, Revoked),
			] {
				set_status(id, to);
				assert_eq!(Providers::<Test>::get(id).unwrap().status, to);
				assert_eq!(last_event(), Event::ProviderStatusChanged { provider: id, from, to });
			}
		});
	}

	#[test]
	fn every_transition_not_in_the_lifecycle_fails_with_invalid_transition() {
		let all = [Pending, Accredited, Suspended, Revoked];
		for from in all {
			for to in all {
				build_and_execute(|| {
					let id = register(1, ProviderKind::Clinic, None);
					Providers::<Test>::mutate(id, |p| p.as_mut().unwrap().status = from);
					let allowed = matches!(
						(from, to),
						(Pending, Accredited)
							| (Pending, Revoked) | (Accredited, Suspended)
							| (Accredited, Revoked)
							| (Suspended, Accredited)
							| (Suspended, Revoked)
					);
					assert_eq!(from.can_become(to), allowed, "{from:?} -> {to:?}");
					let call = HealthIdentity::set_provider_status(RuntimeOrigin::root(), id, to);
					if allowed {
						assert_ok!(call);
					} else {
						assert_noop!(call, Error::<Test>::InvalidTransition);
					}
				});
			}
		}
	}

	#[test]
	fn a_signed_origin_fails_with_bad_origin() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_noop!(
				HealthIdentity::set_provider_status(RuntimeOrigin::signed(1), id, Accredited),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn an_unknown_provider_fails_with_provider_not_found() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::set_provider_status(RuntimeOrigin::root(), 7, Accredited),
				Error::<Test>::ProviderNotFound
			);
		});
	}
}

mod transfer_admin {
	use super::*;

	#[test]
	fn moves_the_admin_role_and_leaves_the_bond_with_its_bonder() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_ok!(HealthIdentity::transfer_admin(RuntimeOrigin::signed(1), 2));
			let provider = Providers::<Test>::get(id).unwrap();
			assert_eq!((provider.admin, provider.bonder), (2, 1));
			assert_eq!(AdminOf::<Test>::get(2), Some(id));
			assert_eq!(AdminOf::<Test>::get(1), None);
			assert_eq!(held(HoldReason::ProviderBond, 1), PROVIDER_BOND);
			assert_eq!(last_event(), Event::AdminTransferred { provider: id, from: 1, to: 2 });
			// The new admin manages; the old one no longer does.
			assert_ok!(HealthIdentity::add_practitioner(
				RuntimeOrigin::signed(2),
				3,
				PractitionerRole::Nurse
			));
			assert_noop!(
				HealthIdentity::add_practitioner(
					RuntimeOrigin::signed(1),
					4,
					PractitionerRole::Nurse
				),
				Error::<Test>::NotAdmin
			);
		});
	}

	#[test]
	fn by_a_non_admin_fails_with_not_admin() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::transfer_admin(RuntimeOrigin::signed(1), 2),
				Error::<Test>::NotAdmin
			);
		});
	}

	#[test]
	fn to_an_account_that_manages_a_provider_fails_with_already_admin() {
		build_and_execute(|| {
			register(1, ProviderKind::Clinic, None);
			register(2, ProviderKind::Clinic, None);
			assert_noop!(
				HealthIdentity::transfer_admin(RuntimeOrigin::signed(1), 2),
				Error::<Test>::AlreadyAdmin
			);
		});
	}
}
