use super::*;
use crate::{Error, PractitionerProposals, Practitioners, Providers};
use frame_support::assert_noop;
use salus_primitives::ProviderRegistry;

mod add_practitioner {
	use super::*;

	#[test]
	fn proposes_the_account_and_holds_the_deposit_from_the_admin() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Laboratory, None);
			assert_ok!(HealthIdentity::add_practitioner(
				RuntimeOrigin::signed(1),
				5,
				PractitionerRole::Technician
			));
			let proposal = PractitionerProposals::<Test>::get(5, id).unwrap();
			assert_eq!(proposal.role, PractitionerRole::Technician);
			assert_eq!((proposal.depositor, proposal.deposit), (1, PRACTITIONER_DEPOSIT));
			// Only a proposal: 5 does not act for the provider yet.
			assert!(Practitioners::<Test>::get(5).is_none());
			let provider = Providers::<Test>::get(id).unwrap();
			assert_eq!((provider.practitioners, provider.proposals), (0, 1));
			assert_eq!(held(HoldReason::PractitionerDeposit, 1), PRACTITIONER_DEPOSIT);
			assert_eq!(
				last_event(),
				Event::PractitionerProposed {
					provider: id,
					account: 5,
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
	fn the_same_account_twice_fails_with_already_proposed() {
		build_and_execute(|| {
			register(1, ProviderKind::Clinic, None);
			assert_ok!(HealthIdentity::add_practitioner(
				RuntimeOrigin::signed(1),
				5,
				PractitionerRole::Nurse
			));
			assert_noop!(
				HealthIdentity::add_practitioner(
					RuntimeOrigin::signed(1),
					5,
					PractitionerRole::Physician
				),
				Error::<Test>::AlreadyProposed
			);
		});
	}

	#[test]
	fn beyond_the_maximum_of_practitioners_and_proposals_fails_with_too_many_practitioners() {
		build_and_execute(|| {
			register(1, ProviderKind::Clinic, None);
			// One practitioner and the rest proposals.
			join(1, 10, PractitionerRole::Nurse);
			for account in 1..MAX_PRACTITIONERS as u64 {
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

	#[test]
	fn without_funds_for_the_deposit_fails() {
		build_and_execute(|| {
			register(1, ProviderKind::Clinic, None);
			let free = Balances::free_balance(1);
			assert_ok!(<Balances as frame_support::traits::fungible::Mutate<u64>>::burn_from(
				&1,
				free - 1,
				frame_support::traits::tokens::Preservation::Expendable,
				frame_support::traits::tokens::Precision::Exact,
				frame_support::traits::tokens::Fortitude::Polite,
			));
			assert_noop!(
				HealthIdentity::add_practitioner(
					RuntimeOrigin::signed(1),
					5,
					PractitionerRole::Nurse
				),
				sp_runtime::TokenError::FundsUnavailable
			);
		});
	}

	/// Finding 2: an admin cannot make an arbitrator (or anyone) its practitioner without the
	/// account's signature, nor keep it from joining another provider.
	#[test]
	fn making_an_arbitrator_a_practitioner_without_consent_does_no_harm() {
		build_and_execute(|| {
			const ALICE: u64 = 7; // an arbitrator
			let rogue = register(1, ProviderKind::Hospital, None);
			set_status(rogue, ProviderStatus::Accredited);
			assert_ok!(HealthIdentity::add_practitioner(
				RuntimeOrigin::signed(1),
				ALICE,
				PractitionerRole::Physician
			));
			// Alice is no party of the rogue hospital: the court still lets her vote.
			assert_eq!(<HealthIdentity as ProviderRegistry<u64>>::provider_of(&ALICE), None);
			assert!(!<HealthIdentity as ProviderRegistry<u64>>::is_affiliated(&ALICE, rogue));
			// Nor is she blocked from her real employer.
			let employer = register(2, ProviderKind::Clinic, None);
			join(2, ALICE, PractitionerRole::Nurse);
			assert_eq!(
				<HealthIdentity as ProviderRegistry<u64>>::provider_of(&ALICE),
				Some(employer)
			);
			// The rogue proposal cannot be taken up while she works there...
			assert_noop!(
				HealthIdentity::accept_practitioner(RuntimeOrigin::signed(ALICE), rogue),
				Error::<Test>::AlreadyPractitioner
			);
			// ...and she may leave whenever she wants.
			assert_ok!(HealthIdentity::leave_provider(RuntimeOrigin::signed(ALICE)));
			assert_eq!(<HealthIdentity as ProviderRegistry<u64>>::provider_of(&ALICE), None);
		});
	}
}

mod accept_practitioner {
	use super::*;

	#[test]
	fn makes_the_account_a_practitioner_with_the_deposit_held_from_the_admin() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Laboratory, None);
			assert_ok!(HealthIdentity::add_practitioner(
				RuntimeOrigin::signed(1),
				5,
				PractitionerRole::Technician
			));
			assert_ok!(HealthIdentity::accept_practitioner(RuntimeOrigin::signed(5), id));
			let practitioner = Practitioners::<Test>::get(5).unwrap();
			assert_eq!(practitioner.provider, id);
			assert_eq!(practitioner.role, PractitionerRole::Technician);
			assert_eq!((practitioner.depositor, practitioner.deposit), (1, PRACTITIONER_DEPOSIT));
			assert!(PractitionerProposals::<Test>::get(5, id).is_none());
			let provider = Providers::<Test>::get(id).unwrap();
			assert_eq!((provider.practitioners, provider.proposals), (1, 0));
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
	fn without_a_proposal_fails_with_proposal_not_found() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_noop!(
				HealthIdentity::accept_practitioner(RuntimeOrigin::signed(5), id),
				Error::<Test>::ProposalNotFound
			);
		});
	}

	#[test]
	fn to_a_provider_revoked_since_fails_with_provider_revoked() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_ok!(HealthIdentity::add_practitioner(
				RuntimeOrigin::signed(1),
				5,
				PractitionerRole::Nurse
			));
			set_status(id, ProviderStatus::Revoked);
			assert_noop!(
				HealthIdentity::accept_practitioner(RuntimeOrigin::signed(5), id),
				Error::<Test>::ProviderRevoked
			);
		});
	}

	#[test]
	fn of_a_provider_gone_fails_with_provider_not_found() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_ok!(HealthIdentity::add_practitioner(
				RuntimeOrigin::signed(1),
				5,
				PractitionerRole::Nurse
			));
			// A proposal cannot outlive its provider (closing needs none left); forced here.
			let provider = Providers::<Test>::take(id).unwrap();
			assert_noop!(
				HealthIdentity::accept_practitioner(RuntimeOrigin::signed(5), id),
				Error::<Test>::ProviderNotFound
			);
			Providers::<Test>::insert(id, provider);
		});
	}
}

mod withdraw_practitioner_proposal {
	use super::*;

	#[test]
	fn removes_the_proposal_and_releases_the_deposit() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Clinic, None);
			assert_ok!(HealthIdentity::add_practitioner(
				RuntimeOrigin::signed(1),
				5,
				PractitionerRole::Nurse
			));
			assert_ok!(HealthIdentity::withdraw_practitioner_proposal(RuntimeOrigin::signed(1), 5));
			assert!(PractitionerProposals::<Test>::get(5, id).is_none());
			assert_eq!(Providers::<Test>::get(id).unwrap().proposals, 0);
			assert_eq!(held(HoldReason::PractitionerDeposit, 1), 0);
			assert_eq!(
				last_event(),
				Event::PractitionerProposalWithdrawn { provider: id, account: 5 }
			);
		});
	}

	#[test]
	fn by_a_non_admin_fails_with_not_admin() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::withdraw_practitioner_proposal(RuntimeOrigin::signed(1), 5),
				Error::<Test>::NotAdmin
			);
		});
	}

	#[test]
	fn without_a_proposal_fails_with_proposal_not_found() {
		build_and_execute(|| {
			register(1, ProviderKind::Clinic, None);
			register(2, ProviderKind::Clinic, None);
			assert_ok!(HealthIdentity::add_practitioner(
				RuntimeOrigin::signed(2),
				5,
				PractitionerRole::Nurse
			));
			assert_noop!(
				HealthIdentity::withdraw_practitioner_proposal(RuntimeOrigin::signed(1), 5),
				Error::<Test>::ProposalNotFound
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
			assert_ok!(HealthIdentity::accept_admin(RuntimeOrigin::signed(2), id));
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
	fn of_another_provider_or_nobody_fails_with_not_practitioner_of_provider() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			register(2, ProviderKind::Clinic, None);
			for account in [5, 6] {
				assert_noop!(
					HealthIdentity::remove_practitioner(RuntimeOrigin::signed(2), account),
					Error::<Test>::NotPractitionerOfProvider
				);
			}
		});
	}
}

mod leave_provider {
	use super::*;

	#[test]
	fn the_practitioner_leaves_and_the_deposit_goes_back_to_whoever_paid_it() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			assert_ok!(HealthIdentity::leave_provider(RuntimeOrigin::signed(5)));
			assert!(Practitioners::<Test>::get(5).is_none());
			assert_eq!(Providers::<Test>::get(id).unwrap().practitioners, 0);
			assert_eq!(held(HoldReason::PractitionerDeposit, 1), 0);
			assert_eq!(last_event(), Event::PractitionerLeft { provider: id, practitioner: 5 });
		});
	}

	#[test]
	fn by_a_non_practitioner_fails_with_not_practitioner() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::leave_provider(RuntimeOrigin::signed(5)),
				Error::<Test>::NotPractitioner
			);
		});
	}
}
