use super::*;
use crate::{AdminOf, Error, NextProviderId, Providers};
use frame_support::{assert_noop, traits::fungible::Inspect};
use salus_primitives::ProviderRegistry;
use sp_runtime::{DispatchError, TokenError};
use ProviderStatus::*;

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

	/// Red-team finding 1: a hold ignores locks, and a bond is paid out to a claimant when a
	/// dispute is upheld, so a bond of vesting funds would let a provider hand them to an
	/// accomplice through an agreed sanction. The bond is held from liquid funds only.
	#[test]
	fn a_bond_of_locked_funds_fails_with_frozen() {
		build_and_execute(|| {
			use frame_support::traits::{LockableCurrency, WithdrawReasons};
			<Balances as LockableCurrency<u64>>::set_lock(
				*b"vesting ",
				&1,
				ENDOWMENT - PROVIDER_BOND / 2,
				WithdrawReasons::all(),
			);
			assert_noop!(
				HealthIdentity::register_provider(
					RuntimeOrigin::signed(1),
					name("Charite"),
					ProviderKind::Hospital,
					j("DE"),
					None
				),
				TokenError::Frozen
			);
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
	fn when_ids_run_out_fails_with_arithmetic_overflow() {
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
				sp_runtime::ArithmeticError::Overflow
			);
		});
	}
}

mod set_provider_status {
	use super::*;

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

	#[test]
	fn accrediting_a_provider_whose_bond_was_slashed_fails_with_bond_not_full() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			set_status(id, Accredited);
			set_status(id, Suspended);
			assert_ok!(<HealthIdentity as ProviderRegistry<u64>>::slash_bond(id, 1, &9));
			assert_noop!(
				HealthIdentity::set_provider_status(RuntimeOrigin::root(), id, Accredited),
				Error::<Test>::BondNotFull
			);
		});
	}

	#[test]
	fn accrediting_a_department_its_parent_did_not_accept_fails_with_department_not_accepted() {
		build_and_execute(|| {
			let hospital = register(1, ProviderKind::Hospital, None);
			let department = register(2, ProviderKind::Department, Some(hospital));
			assert_noop!(
				HealthIdentity::set_provider_status(RuntimeOrigin::root(), department, Accredited),
				Error::<Test>::DepartmentNotAccepted
			);
			assert_ok!(HealthIdentity::accept_department(RuntimeOrigin::signed(1), department));
			set_status(department, Accredited);
		});
	}

	/// Finding 9: a drained bond is refilled before the provider acts again.
	#[test]
	fn a_drained_bond_must_be_topped_up_before_reaccreditation() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Hospital, None);
			set_status(id, Accredited);
			// Four upheld disputes take the whole bond.
			for _ in 0..4 {
				assert_ok!(<HealthIdentity as ProviderRegistry<u64>>::slash_bond(
					id,
					PROVIDER_BOND / 4,
					&9
				));
			}
			assert_eq!(Providers::<Test>::get(id).unwrap().bond, 0);
			set_status(id, Suspended);
			assert_noop!(
				HealthIdentity::set_provider_status(RuntimeOrigin::root(), id, Accredited),
				Error::<Test>::BondNotFull
			);
			assert_ok!(HealthIdentity::top_up_bond(RuntimeOrigin::signed(1)));
			assert_eq!(Providers::<Test>::get(id).unwrap().bond, PROVIDER_BOND);
			set_status(id, Accredited);
		});
	}
}

mod top_up_bond {
	use super::*;

	#[test]
	fn the_bonder_adds_what_is_missing() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_ok!(<HealthIdentity as ProviderRegistry<u64>>::slash_bond(id, 30, &9));
			assert_ok!(HealthIdentity::top_up_bond(RuntimeOrigin::signed(1)));
			let provider = Providers::<Test>::get(id).unwrap();
			assert_eq!((provider.bonder, provider.bond), (1, PROVIDER_BOND));
			assert_eq!(held(HoldReason::ProviderBond, 1), PROVIDER_BOND);
			assert_eq!(last_event(), Event::BondToppedUp { provider: id, bonder: 1, amount: 30 });
		});
	}

	#[test]
	fn a_new_admin_posts_the_whole_bond_and_the_old_bonder_gets_the_rest_back() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_ok!(HealthIdentity::transfer_admin(RuntimeOrigin::signed(1), 2));
			assert_ok!(HealthIdentity::accept_admin(RuntimeOrigin::signed(2), id));
			assert_ok!(<HealthIdentity as ProviderRegistry<u64>>::slash_bond(id, 30, &9));
			assert_ok!(HealthIdentity::top_up_bond(RuntimeOrigin::signed(2)));
			let provider = Providers::<Test>::get(id).unwrap();
			assert_eq!((provider.bonder, provider.bond), (2, PROVIDER_BOND));
			assert_eq!(held(HoldReason::ProviderBond, 1), 0);
			assert_eq!(Balances::balance(&1), ENDOWMENT - 30);
			assert_eq!(held(HoldReason::ProviderBond, 2), PROVIDER_BOND);
		});
	}

	#[test]
	fn by_a_non_admin_fails_with_not_admin() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::top_up_bond(RuntimeOrigin::signed(1)),
				Error::<Test>::NotAdmin
			);
		});
	}

	#[test]
	fn of_a_revoked_provider_fails_with_provider_revoked() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_ok!(<HealthIdentity as ProviderRegistry<u64>>::slash_bond(id, 30, &9));
			set_status(id, Revoked);
			assert_noop!(
				HealthIdentity::top_up_bond(RuntimeOrigin::signed(1)),
				Error::<Test>::ProviderRevoked
			);
		});
	}

	#[test]
	fn a_full_bond_fails_with_bond_already_full() {
		build_and_execute(|| {
			register(1, ProviderKind::Clinic, None);
			assert_noop!(
				HealthIdentity::top_up_bond(RuntimeOrigin::signed(1)),
				Error::<Test>::BondAlreadyFull
			);
		});
	}

	#[test]
	fn without_funds_fails() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_ok!(<HealthIdentity as ProviderRegistry<u64>>::slash_bond(id, 30, &9));
			let free = Balances::free_balance(1);
			assert_ok!(<Balances as frame_support::traits::fungible::Mutate<u64>>::burn_from(
				&1,
				free - 1,
				frame_support::traits::tokens::Preservation::Expendable,
				frame_support::traits::tokens::Precision::Exact,
				frame_support::traits::tokens::Fortitude::Polite,
			));
			assert_noop!(
				HealthIdentity::top_up_bond(RuntimeOrigin::signed(1)),
				TokenError::FundsUnavailable
			);
		});
	}
}

mod close_provider {
	use super::*;

	#[test]
	fn a_pending_provider_closes_at_once_and_gets_its_bond_back() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_ok!(HealthIdentity::transfer_admin(RuntimeOrigin::signed(1), 2));
			assert_ok!(HealthIdentity::close_provider(RuntimeOrigin::signed(1)));
			assert!(Providers::<Test>::get(id).is_none());
			assert!(AdminOf::<Test>::get(1).is_none());
			assert!(crate::AdminProposals::<Test>::get(id).is_none());
			assert_eq!(held(HoldReason::ProviderBond, 1), 0);
			assert_eq!(Balances::balance(&1), ENDOWMENT);
			assert_eq!(
				last_event(),
				Event::ProviderClosed { provider: id, bonder: 1, released: PROVIDER_BOND }
			);
			// The account may register a provider again.
			register(1, ProviderKind::Clinic, None);
		});
	}

	/// Finding 9: a revoked (or never accredited) provider's bond is no longer locked forever.
	#[test]
	fn a_revoked_provider_gets_what_is_left_of_its_bond_back_after_the_closing_delay() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			set_status(id, Accredited);
			assert_ok!(<HealthIdentity as ProviderRegistry<u64>>::slash_bond(id, 25, &9));
			set_status(id, Revoked);
			advance(CLOSING_DELAY - 1);
			assert_noop!(
				HealthIdentity::close_provider(RuntimeOrigin::signed(1)),
				Error::<Test>::CoolingOffOpen
			);
			advance(1);
			assert_ok!(HealthIdentity::close_provider(RuntimeOrigin::signed(1)));
			assert_eq!(held(HoldReason::ProviderBond, 1), 0);
			assert_eq!(Balances::balance(&1), ENDOWMENT - 25);
		});
	}

	#[test]
	fn an_accepted_department_leaves_its_parents_family() {
		build_and_execute(|| {
			let hospital = register(1, ProviderKind::Hospital, None);
			let department = register(2, ProviderKind::Department, Some(hospital));
			assert_ok!(HealthIdentity::accept_department(RuntimeOrigin::signed(1), department));
			assert_noop!(
				HealthIdentity::close_provider(RuntimeOrigin::signed(1)),
				Error::<Test>::HasDepartments
			);
			assert_ok!(HealthIdentity::close_provider(RuntimeOrigin::signed(2)));
			assert!(!crate::Departments::<Test>::contains_key(hospital, department));
			assert_eq!(Providers::<Test>::get(hospital).unwrap().departments, 0);
			assert_ok!(HealthIdentity::close_provider(RuntimeOrigin::signed(1)));
		});
	}

	#[test]
	fn by_a_non_admin_fails_with_not_admin() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::close_provider(RuntimeOrigin::signed(1)),
				Error::<Test>::NotAdmin
			);
		});
	}

	#[test]
	fn an_accredited_or_suspended_provider_fails_with_provider_not_revoked() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			for status in [Accredited, Suspended] {
				set_status(id, status);
				assert_noop!(
					HealthIdentity::close_provider(RuntimeOrigin::signed(1)),
					Error::<Test>::ProviderNotRevoked
				);
			}
		});
	}

	#[test]
	fn with_practitioners_or_proposals_left_fails_with_has_practitioners() {
		build_and_execute(|| {
			register(1, ProviderKind::Clinic, None);
			join(1, 5, PractitionerRole::Nurse);
			assert_noop!(
				HealthIdentity::close_provider(RuntimeOrigin::signed(1)),
				Error::<Test>::HasPractitioners
			);
			assert_ok!(HealthIdentity::remove_practitioner(RuntimeOrigin::signed(1), 5));
			assert_ok!(HealthIdentity::add_practitioner(
				RuntimeOrigin::signed(1),
				6,
				PractitionerRole::Nurse
			));
			assert_noop!(
				HealthIdentity::close_provider(RuntimeOrigin::signed(1)),
				Error::<Test>::HasPractitioners
			);
		});
	}

	#[test]
	fn with_obligations_elsewhere_fails_with_has_obligations() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			ProviderObligated::set(Some(id));
			assert_noop!(
				HealthIdentity::close_provider(RuntimeOrigin::signed(1)),
				Error::<Test>::HasObligations
			);
		});
	}
}

mod accept_department {
	use super::*;

	#[test]
	fn the_parents_admin_takes_the_department_into_its_family() {
		build_and_execute(|| {
			let hospital = register(1, ProviderKind::Hospital, None);
			let department = register(2, ProviderKind::Department, Some(hospital));
			assert_ok!(HealthIdentity::accept_department(RuntimeOrigin::signed(1), department));
			assert!(crate::Departments::<Test>::contains_key(hospital, department));
			assert_eq!(Providers::<Test>::get(hospital).unwrap().departments, 1);
			assert_eq!(HealthIdentity::family_head(department), Some(hospital));
			assert_eq!(last_event(), Event::DepartmentAccepted { parent: hospital, department });
		});
	}

	#[test]
	fn by_a_non_admin_fails_with_not_admin() {
		build_and_execute(|| {
			let hospital = register(1, ProviderKind::Hospital, None);
			let department = register(2, ProviderKind::Department, Some(hospital));
			assert_noop!(
				HealthIdentity::accept_department(RuntimeOrigin::signed(3), department),
				Error::<Test>::NotAdmin
			);
		});
	}

	#[test]
	fn by_a_revoked_parent_fails_with_provider_revoked() {
		build_and_execute(|| {
			let hospital = register(1, ProviderKind::Hospital, None);
			let department = register(2, ProviderKind::Department, Some(hospital));
			set_status(hospital, Revoked);
			assert_noop!(
				HealthIdentity::accept_department(RuntimeOrigin::signed(1), department),
				Error::<Test>::ProviderRevoked
			);
		});
	}

	#[test]
	fn an_unknown_department_fails_with_provider_not_found() {
		build_and_execute(|| {
			register(1, ProviderKind::Hospital, None);
			assert_noop!(
				HealthIdentity::accept_department(RuntimeOrigin::signed(1), 9),
				Error::<Test>::ProviderNotFound
			);
		});
	}

	#[test]
	fn another_providers_department_or_a_non_department_fails_with_invalid_parent() {
		build_and_execute(|| {
			let hospital = register(1, ProviderKind::Hospital, None);
			let other = register(2, ProviderKind::Hospital, None);
			let department = register(3, ProviderKind::Department, Some(other));
			for candidate in [department, other, hospital] {
				assert_noop!(
					HealthIdentity::accept_department(RuntimeOrigin::signed(1), candidate),
					Error::<Test>::InvalidParent
				);
			}
		});
	}

	#[test]
	fn twice_fails_with_already_accepted() {
		build_and_execute(|| {
			let hospital = register(1, ProviderKind::Hospital, None);
			let department = register(2, ProviderKind::Department, Some(hospital));
			assert_ok!(HealthIdentity::accept_department(RuntimeOrigin::signed(1), department));
			assert_noop!(
				HealthIdentity::accept_department(RuntimeOrigin::signed(1), department),
				Error::<Test>::AlreadyAccepted
			);
		});
	}

	#[test]
	fn beyond_the_maximum_fails_with_too_many_departments() {
		build_and_execute(|| {
			let hospital = register(1, ProviderKind::Hospital, None);
			for admin in 2..2 + MAX_DEPARTMENTS as u64 {
				let department = register(admin, ProviderKind::Department, Some(hospital));
				assert_ok!(HealthIdentity::accept_department(RuntimeOrigin::signed(1), department));
			}
			let extra = register(10, ProviderKind::Department, Some(hospital));
			assert_noop!(
				HealthIdentity::accept_department(RuntimeOrigin::signed(1), extra),
				Error::<Test>::TooManyDepartments
			);
		});
	}

	/// Finding 14e: anyone may name a hospital as its parent, but that makes no family tie
	/// (nor an accreditable department) without the hospital's admin.
	#[test]
	fn registering_a_department_of_a_hospital_without_its_admin_makes_no_family_tie() {
		build_and_execute(|| {
			let hospital = register(1, ProviderKind::Hospital, None);
			set_status(hospital, Accredited);
			join(1, 5, PractitionerRole::Physician);
			// Mallory registers a "department" of the hospital.
			let fake = register(7, ProviderKind::Department, Some(hospital));
			assert_eq!(HealthIdentity::family_head(fake), Some(fake));
			assert!(!<HealthIdentity as ProviderRegistry<u64>>::is_affiliated(&7, hospital));
			assert!(!<HealthIdentity as ProviderRegistry<u64>>::is_affiliated(&5, fake));
			assert_noop!(
				HealthIdentity::set_provider_status(RuntimeOrigin::root(), fake, Accredited),
				Error::<Test>::DepartmentNotAccepted
			);
		});
	}
}

mod transfer_admin {
	use super::*;

	#[test]
	fn proposes_and_the_new_admin_accepts_leaving_the_bond_with_its_bonder() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_ok!(HealthIdentity::transfer_admin(RuntimeOrigin::signed(1), 2));
			assert_eq!(crate::AdminProposals::<Test>::get(id), Some(2));
			assert_eq!(last_event(), Event::AdminTransferProposed { provider: id, from: 1, to: 2 });
			// Nothing changes until 2 accepts.
			assert_eq!(AdminOf::<Test>::get(1), Some(id));
			assert_eq!(AdminOf::<Test>::get(2), None);
			assert_ok!(HealthIdentity::accept_admin(RuntimeOrigin::signed(2), id));
			let provider = Providers::<Test>::get(id).unwrap();
			assert_eq!((provider.admin, provider.bonder), (2, 1));
			assert_eq!(AdminOf::<Test>::get(2), Some(id));
			assert_eq!(AdminOf::<Test>::get(1), None);
			assert!(crate::AdminProposals::<Test>::get(id).is_none());
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

	/// Finding 8: a condemned admin can neither aim the sanction at an innocent account (the
	/// transfer needs its consent) nor take the bond out of the sanction's reach by a transfer.
	#[test]
	fn handing_a_condemned_provider_to_another_account_needs_its_consent_and_keeps_the_bond() {
		build_and_execute(|| {
			const VICTIM: u64 = 3;
			let id = register(1, ProviderKind::Hospital, None);
			set_status(id, Accredited);
			// A dispute is decided against the provider: it has obligations until applied.
			ProviderObligated::set(Some(id));
			// The admin proposes an innocent account; nothing happens without its consent
			// (the old `transfer_admin` made it admin at once, and the clawback hit it).
			assert_ok!(HealthIdentity::transfer_admin(RuntimeOrigin::signed(1), VICTIM));
			assert_eq!(<HealthIdentity as ProviderRegistry<u64>>::admin(id), Some(1));
			// An accomplice may accept (a busy hospital must be able to rotate its admin key
			// whatever is open against it) — but the bond stays held from the account that
			// posted it, for the sanction to take, and the court claws rewards back from the
			// admin it recorded when the dispute opened (pallet-disputes tests that).
			assert_ok!(HealthIdentity::transfer_admin(RuntimeOrigin::signed(1), 4));
			assert_ok!(HealthIdentity::accept_admin(RuntimeOrigin::signed(4), id));
			assert_eq!(<HealthIdentity as ProviderRegistry<u64>>::admin(id), Some(4));
			assert_eq!(Providers::<Test>::get(id).unwrap().bonder, 1);
			assert_eq!(held(HoldReason::ProviderBond, 1), PROVIDER_BOND);
		});
	}
}

mod accept_admin {
	use super::*;

	#[test]
	fn by_another_account_than_proposed_fails_with_proposal_not_found() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_noop!(
				HealthIdentity::accept_admin(RuntimeOrigin::signed(2), id),
				Error::<Test>::ProposalNotFound
			);
			assert_ok!(HealthIdentity::transfer_admin(RuntimeOrigin::signed(1), 2));
			assert_noop!(
				HealthIdentity::accept_admin(RuntimeOrigin::signed(3), id),
				Error::<Test>::ProposalNotFound
			);
		});
	}

	#[test]
	fn by_an_account_that_became_an_admin_since_fails_with_already_admin() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_ok!(HealthIdentity::transfer_admin(RuntimeOrigin::signed(1), 2));
			register(2, ProviderKind::Clinic, None);
			assert_noop!(
				HealthIdentity::accept_admin(RuntimeOrigin::signed(2), id),
				Error::<Test>::AlreadyAdmin
			);
		});
	}

	#[test]
	fn of_a_provider_gone_fails_with_provider_not_found() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_ok!(HealthIdentity::transfer_admin(RuntimeOrigin::signed(1), 2));
			// Closing removes the proposal; forced here.
			let provider = Providers::<Test>::take(id).unwrap();
			assert_noop!(
				HealthIdentity::accept_admin(RuntimeOrigin::signed(2), id),
				Error::<Test>::ProviderNotFound
			);
			Providers::<Test>::insert(id, provider);
		});
	}
}

mod cancel_admin_transfer {
	use super::*;

	#[test]
	fn withdraws_the_proposal() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_ok!(HealthIdentity::transfer_admin(RuntimeOrigin::signed(1), 2));
			assert_ok!(HealthIdentity::cancel_admin_transfer(RuntimeOrigin::signed(1)));
			assert!(crate::AdminProposals::<Test>::get(id).is_none());
			assert_eq!(last_event(), Event::AdminTransferCancelled { provider: id, to: 2 });
			assert_noop!(
				HealthIdentity::accept_admin(RuntimeOrigin::signed(2), id),
				Error::<Test>::ProposalNotFound
			);
		});
	}

	#[test]
	fn by_a_non_admin_fails_with_not_admin() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::cancel_admin_transfer(RuntimeOrigin::signed(1)),
				Error::<Test>::NotAdmin
			);
		});
	}

	#[test]
	fn without_a_proposal_fails_with_proposal_not_found() {
		build_and_execute(|| {
			register(1, ProviderKind::Clinic, None);
			assert_noop!(
				HealthIdentity::cancel_admin_transfer(RuntimeOrigin::signed(1)),
				Error::<Test>::ProposalNotFound
			);
		});
	}
}
