//! `request_access`, `approve_request`, `deny_request`, `cancel_request`.

use super::*;
use crate::{Error, PendingRequests, ProviderRequests, Requests};
use frame_support::assert_noop;
use salus_primitives::{AccessControl, GrantSource, Grantee, PurposeSet};

mod request_access {
	use super::*;

	#[test]
	fn stores_the_request_indexes_it_and_holds_the_deposit() {
		build_and_execute(|| {
			let id = request(11, 1, 600);
			let stored = Requests::<Test>::get(id).unwrap();
			assert_eq!(stored.patient, 1);
			assert_eq!(stored.practitioner, 11);
			assert_eq!(stored.provider, HOSPITAL);
			assert_eq!(stored.classes, labs_and_meds());
			assert_eq!(stored.duration, 600);
			assert_eq!(stored.created_at, START);
			assert_eq!(stored.expires_at, START + REQUEST_LIFETIME);
			assert_eq!(PendingRequests::<Test>::get(1).into_inner(), vec![(id, HOSPITAL)]);
			assert!(ProviderRequests::<Test>::contains_key(HOSPITAL, id));
			assert_eq!(held(HoldReason::RequestDeposit, 11), REQUEST_DEPOSIT);
			assert_eq!(
				last_event(),
				Event::AccessRequested {
					id,
					patient: 1,
					provider: HOSPITAL,
					practitioner: 11,
					classes: labs_and_meds(),
					purpose: Purpose::Treatment,
					expires_at: START + REQUEST_LIFETIME,
					bounty: 0,
				}
			);
			assert_eq!(Access::pending_requests_of(&1), vec![(id, stored.clone())]);
			assert_eq!(Access::requests_of_provider(HOSPITAL), vec![(id, stored)]);
		});
	}

	fn ask(
		who: u64,
		patient: u64,
		classes: DataClassSet,
		duration: Timestamp,
	) -> sp_runtime::DispatchResult {
		Access::request_access(
			RuntimeOrigin::signed(who),
			patient,
			classes,
			Purpose::Treatment,
			duration,
			H256::zero(),
			0,
		)
	}

	#[test]
	fn by_a_non_practitioner_fails_with_not_practitioner() {
		build_and_execute(|| {
			assert_noop!(ask(50, 1, labs_and_meds(), 600), Error::<Test>::NotPractitioner);
			assert_noop!(ask(2, 1, labs_and_meds(), 600), Error::<Test>::NotPractitioner);
		});
	}

	#[test]
	fn by_a_practitioner_of_a_pending_provider_fails_with_provider_not_accredited() {
		build_and_execute(|| {
			assert_noop!(ask(31, 1, labs_and_meds(), 600), Error::<Test>::ProviderNotAccredited);
		});
	}

	#[test]
	fn to_an_unregistered_patient_fails_with_not_registered() {
		build_and_execute(|| {
			assert_noop!(ask(11, 50, labs_and_meds(), 600), Error::<Test>::NotRegistered);
		});
	}

	#[test]
	fn without_classes_fails_with_no_data_classes() {
		build_and_execute(|| {
			assert_noop!(ask(11, 1, DataClassSet::default(), 600), Error::<Test>::NoDataClasses);
		});
	}

	#[test]
	fn for_no_time_or_too_long_fails_with_invalid_duration() {
		build_and_execute(|| {
			assert_noop!(ask(11, 1, labs_and_meds(), 0), Error::<Test>::InvalidDuration);
			assert_noop!(
				ask(11, 1, labs_and_meds(), MAX_DURATION + 1),
				Error::<Test>::InvalidDuration
			);
			assert_ok!(ask(11, 1, labs_and_meds(), MAX_DURATION));
		});
	}

	#[test]
	fn beyond_the_patients_pending_cap_fails_with_too_many_pending_requests() {
		build_and_execute(|| {
			request(11, 1, 600);
			request(21, 1, 600);
			request(41, 1, 600);
			assert_noop!(ask(71, 1, labs_and_meds(), 600), Error::<Test>::TooManyPendingRequests);
			// Other patients are not affected.
			request(71, 2, 600);
		});
	}

	#[test]
	fn beyond_the_providers_share_fails_with_too_many_provider_requests() {
		build_and_execute(|| {
			for _ in 0..MAX_PROVIDER_REQUESTS {
				request(11, 1, 600);
			}
			assert_noop!(ask(12, 1, labs_and_meds(), 600), Error::<Test>::TooManyProviderRequests);
			// Another provider still asks.
			request(21, 1, 600);
		});
	}

	/// Review finding 12: a provider fills a patient's pending requests (at its request fee)
	/// to keep every other provider's requests out for `RequestLifetime`.
	#[test]
	fn a_rogue_provider_cannot_fill_a_patients_pending_requests() {
		build_and_execute(|| {
			registry::add_practitioner(13, HOSPITAL);
			let made = [11, 12, 13, 11, 12, 13]
				.into_iter()
				.filter(|who| ask(*who, 1, labs_and_meds(), 600).is_ok())
				.count();
			assert_eq!(made as u32, MAX_PROVIDER_REQUESTS);
			assert_noop!(ask(13, 1, labs_and_meds(), 600), Error::<Test>::TooManyProviderRequests);
			request(21, 1, 600);
			assert_eq!(PendingRequests::<Test>::get(1).len() as u32, MAX_PROVIDER_REQUESTS + 1);
		});
	}

	#[test]
	fn without_ids_left_fails_with_arithmetic_overflow() {
		build_and_execute(|| {
			crate::NextRequestId::<Test>::put(u64::MAX);
			assert_noop!(ask(11, 1, labs_and_meds(), 600), sp_runtime::ArithmeticError::Overflow);
		});
	}

	#[test]
	fn without_the_deposit_fails_and_stores_nothing() {
		build_and_execute(|| {
			assert!(ask(POOR, 1, labs_and_meds(), 600).is_err());
			assert!(Requests::<Test>::iter().next().is_none());
			assert!(!PendingRequests::<Test>::contains_key(1));
		});
	}
}

/// Request fees and research bounties.
mod fees_and_bounties {
	use super::*;
	use frame_support::traits::fungible::Inspect;

	fn free(who: u64) -> u64 {
		Balances::balance(&who)
	}

	/// Practitioner 41 of the laboratory asks patient 1 for research with `bounty`.
	fn research(bounty: u64) -> RequestId {
		let id = crate::NextRequestId::<Test>::get();
		assert_ok!(Access::request_access(
			RuntimeOrigin::signed(41),
			1,
			labs_and_meds(),
			Purpose::Research,
			600,
			H256::zero(),
			bounty,
		));
		id
	}

	#[test]
	fn a_request_pays_its_fee_to_the_collector_whatever_the_answer() {
		build_and_execute(|| {
			let id = request(11, 1, 600);
			assert_eq!(free(FEE_COLLECTOR), REQUEST_FEE);
			assert_eq!(free(11), ENDOWMENT - REQUEST_FEE - REQUEST_DEPOSIT);
			assert_ok!(Access::deny_request(RuntimeOrigin::signed(1), id));
			assert_eq!(free(11), ENDOWMENT - REQUEST_FEE);
		});
	}

	#[test]
	fn a_bounty_is_held_and_paid_to_the_patient_on_approval() {
		build_and_execute(|| {
			let id = research(100);
			assert_eq!(Requests::<Test>::get(id).unwrap().bounty, 100);
			assert_eq!(held(HoldReason::ResearchBounty, 41), 100);
			assert!(matches!(last_event(), Event::AccessRequested { bounty: 100, .. }));
			assert_ok!(Access::approve_request(RuntimeOrigin::signed(1), id, None));
			assert_eq!(held(HoldReason::ResearchBounty, 41), 0);
			assert_eq!(free(1), ENDOWMENT + 100);
			assert_eq!(free(41), ENDOWMENT - REQUEST_FEE - 100);
			assert!(matches!(last_event(), Event::RequestApproved { bounty: 100, .. }));
		});
	}

	/// Review finding 6: the researcher's bounty is held from funds a vesting lock freezes (a
	/// hold may take them); paid `Polite`ly, the patient got only the unfrozen part and the
	/// rest stayed held for nothing. Now it is paid in full and nothing stays held.
	#[test]
	fn a_vesting_researchers_bounty_is_paid_in_full() {
		build_and_execute(|| {
			use frame_support::traits::{LockableCurrency, WithdrawReasons};
			// 300 of the researcher's 1 000 vest; the bounty comes from its liquid funds.
			<Balances as LockableCurrency<u64>>::set_lock(
				*b"vesting ",
				&41,
				300,
				WithdrawReasons::all(),
			);
			let bounty = 500;
			let id = research(bounty);
			assert_eq!(held(HoldReason::ResearchBounty, 41), bounty);
			assert_ok!(Access::approve_request(RuntimeOrigin::signed(1), id, None));
			assert_eq!(free(1), ENDOWMENT + bounty);
			assert_eq!(held(HoldReason::ResearchBounty, 41), 0);
			assert_eq!(free(41), ENDOWMENT - REQUEST_FEE - bounty);
			assert!(matches!(last_event(), Event::RequestApproved { bounty: 500, .. }));
		});
	}

	/// Red-team finding 1: a hold ignores locks, and a bounty is paid to another account, so a
	/// researcher whose funds vest could hand them to an accomplice patient as a "bounty" the
	/// accomplice approves. A bounty is held from liquid funds only.
	#[test]
	fn a_researcher_cannot_move_locked_funds_through_a_bounty() {
		build_and_execute(|| {
			use frame_support::traits::{LockableCurrency, WithdrawReasons};
			<Balances as LockableCurrency<u64>>::set_lock(
				*b"vesting ",
				&41,
				900,
				WithdrawReasons::all(),
			);
			assert_noop!(
				Access::request_access(
					RuntimeOrigin::signed(41),
					1,
					labs_and_meds(),
					Purpose::Research,
					600,
					H256::zero(),
					500,
				),
				sp_runtime::TokenError::Frozen
			);
		});
	}

	#[test]
	fn a_bounty_is_returned_on_denial_withdrawal_or_expiry() {
		build_and_execute(|| {
			let denied = research(100);
			let cancelled = research(50);
			assert_eq!(held(HoldReason::ResearchBounty, 41), 150);
			assert_ok!(Access::deny_request(RuntimeOrigin::signed(1), denied));
			let expiring = research(20);
			assert_ok!(Access::cancel_request(RuntimeOrigin::signed(41), cancelled));
			assert_eq!(held(HoldReason::ResearchBounty, 41), 20);
			Now::set(START + REQUEST_LIFETIME);
			Access::expire(expiring, &Requests::<Test>::get(expiring).unwrap());
			assert_eq!(held(HoldReason::ResearchBounty, 41), 0);
			assert_eq!(free(41), ENDOWMENT - 3 * REQUEST_FEE);
			assert_eq!(free(1), ENDOWMENT);
		});
	}

	#[test]
	fn a_bounty_for_another_purpose_fails_with_bounty_not_for_research() {
		build_and_execute(|| {
			assert_noop!(
				Access::request_access(
					RuntimeOrigin::signed(11),
					1,
					labs_and_meds(),
					Purpose::Treatment,
					600,
					H256::zero(),
					1,
				),
				Error::<Test>::BountyNotForResearch
			);
		});
	}

	#[test]
	fn a_bounty_beyond_the_free_balance_fails_and_stores_nothing() {
		build_and_execute(|| {
			assert!(Access::request_access(
				RuntimeOrigin::signed(41),
				1,
				labs_and_meds(),
				Purpose::Research,
				600,
				H256::zero(),
				ENDOWMENT,
			)
			.is_err());
			assert!(Requests::<Test>::iter().next().is_none());
		});
	}
}

mod approve_request {
	use super::*;

	#[test]
	fn creates_a_time_bounded_grant_for_the_provider_and_returns_the_deposit() {
		build_and_execute(|| {
			let id = request(11, 1, 600);
			Now::set(START + 10);
			assert_ok!(Access::approve_request(RuntimeOrigin::signed(1), id, None));

			let (patient, grant) = Grants::get().pop().unwrap();
			assert_eq!(patient, 1);
			assert_eq!(grant.grantee, Grantee::Provider(HOSPITAL));
			assert_eq!(grant.classes, labs_and_meds());
			assert_eq!(grant.purposes, PurposeSet::of(&[Purpose::Treatment]));
			assert_eq!(grant.valid_until, START + 10 + 600);
			assert_eq!(grant.source, GrantSource::Request(id));
			// Practitioner 12 of the same hospital is permitted by it; the grant ends on time.
			let check = |at| {
				MockConsent::check_access(&1, &12, DataClass::LabResults, Purpose::Treatment, at)
			};
			assert!(check(START + 609).is_permit());
			assert!(!check(START + 610).is_permit());

			assert!(Requests::<Test>::get(id).is_none());
			assert!(!PendingRequests::<Test>::contains_key(1));
			assert!(!ProviderRequests::<Test>::contains_key(HOSPITAL, id));
			assert_eq!(held(HoldReason::RequestDeposit, 11), 0);
			assert_eq!(FreeUsed::get().get(&1), Some(&1), "counted against the allowance");
			assert_eq!(
				HeardEvents::get(),
				vec![Heard::Approved { patient: 1, provider: HOSPITAL, request: id }]
			);
			assert_eq!(
				last_event(),
				Event::RequestApproved {
					id,
					patient: 1,
					provider: HOSPITAL,
					classes: labs_and_meds(),
					consent: 0,
					valid_until: START + 610,
					bounty: 0,
				}
			);
		});
	}

	#[test]
	fn may_approve_a_subset_of_the_classes() {
		build_and_execute(|| {
			let id = request(11, 1, 600);
			let labs = classes(&[DataClass::LabResults]);
			assert_ok!(Access::approve_request(RuntimeOrigin::signed(1), id, Some(labs)));
			assert_eq!(Grants::get().pop().unwrap().1.classes, labs);
			assert!(!MockConsent::check_access(
				&1,
				&11,
				DataClass::Medications,
				Purpose::Treatment,
				START
			)
			.is_permit());
		});
	}

	#[test]
	fn by_anyone_but_the_patient_fails_with_not_patient() {
		build_and_execute(|| {
			let id = request(11, 1, 600);
			assert_noop!(
				Access::approve_request(RuntimeOrigin::signed(2), id, None),
				Error::<Test>::NotPatient
			);
			assert_noop!(
				Access::approve_request(RuntimeOrigin::signed(11), id, None),
				Error::<Test>::NotPatient
			);
		});
	}

	#[test]
	fn an_unknown_request_fails_with_request_not_found() {
		build_and_execute(|| {
			assert_noop!(
				Access::approve_request(RuntimeOrigin::signed(1), 7, None),
				Error::<Test>::RequestNotFound
			);
		});
	}

	#[test]
	fn an_expired_request_fails_with_request_expired() {
		build_and_execute(|| {
			let id = request(11, 1, 600);
			Now::set(START + REQUEST_LIFETIME - 1);
			assert_ok!(Access::approve_request(RuntimeOrigin::signed(1), id, None));
			let id = request(11, 1, 600);
			Now::set(START + REQUEST_LIFETIME - 1 + REQUEST_LIFETIME);
			assert_noop!(
				Access::approve_request(RuntimeOrigin::signed(1), id, None),
				Error::<Test>::RequestExpired
			);
			assert!(Grants::get().len() == 1, "no grant for the expired request");
		});
	}

	#[test]
	fn classes_not_asked_for_fail_with_classes_not_requested() {
		build_and_execute(|| {
			let id = request(11, 1, 600);
			let genomics = classes(&[DataClass::LabResults, DataClass::Genomics]);
			assert_noop!(
				Access::approve_request(RuntimeOrigin::signed(1), id, Some(genomics)),
				Error::<Test>::ClassesNotRequested
			);
			assert_noop!(
				Access::approve_request(
					RuntimeOrigin::signed(1),
					id,
					Some(DataClassSet::default())
				),
				Error::<Test>::ClassesNotRequested
			);
		});
	}

	#[test]
	fn with_no_room_in_the_ledger_fails_with_no_room_for_grant() {
		build_and_execute(|| {
			let id = request(11, 1, 600);
			LedgerFull::set([1].into_iter().collect());
			assert_noop!(
				Access::approve_request(RuntimeOrigin::signed(1), id, None),
				Error::<Test>::NoRoomForGrant
			);
			assert!(Grants::get().is_empty());
		});
	}
}

mod deny_request {
	use super::*;

	#[test]
	fn ends_the_request_and_returns_the_deposit_without_a_grant() {
		build_and_execute(|| {
			let id = request(11, 1, 600);
			assert_ok!(Access::deny_request(RuntimeOrigin::signed(1), id));
			assert!(Requests::<Test>::get(id).is_none());
			assert!(!PendingRequests::<Test>::contains_key(1));
			assert_eq!(held(HoldReason::RequestDeposit, 11), 0);
			assert!(Grants::get().is_empty());
			assert_eq!(last_event(), Event::RequestDenied { id, patient: 1 });
		});
	}

	#[test]
	fn works_on_an_expired_request() {
		build_and_execute(|| {
			let id = request(11, 1, 600);
			Now::set(START + REQUEST_LIFETIME);
			assert_ok!(Access::deny_request(RuntimeOrigin::signed(1), id));
		});
	}

	#[test]
	fn by_anyone_but_the_patient_fails_with_not_patient() {
		build_and_execute(|| {
			let id = request(11, 1, 600);
			assert_noop!(
				Access::deny_request(RuntimeOrigin::signed(2), id),
				Error::<Test>::NotPatient
			);
		});
	}

	#[test]
	fn an_unknown_request_fails_with_request_not_found() {
		build_and_execute(|| {
			assert_noop!(
				Access::deny_request(RuntimeOrigin::signed(1), 0),
				Error::<Test>::RequestNotFound
			);
		});
	}
}

mod cancel_request {
	use super::*;

	#[test]
	fn by_any_practitioner_of_the_provider_returns_the_deposit_to_the_requester() {
		build_and_execute(|| {
			let first = request(11, 1, 600);
			let second = request(11, 1, 600);
			assert_ok!(Access::cancel_request(RuntimeOrigin::signed(12), first));
			assert_eq!(last_event(), Event::RequestCancelled { id: first });
			assert_eq!(held(HoldReason::RequestDeposit, 11), REQUEST_DEPOSIT);
			assert_eq!(PendingRequests::<Test>::get(1).into_inner(), vec![(second, HOSPITAL)]);
			assert_ok!(Access::cancel_request(RuntimeOrigin::signed(11), second));
			assert_eq!(held(HoldReason::RequestDeposit, 11), 0);
		});
	}

	#[test]
	fn by_another_provider_or_the_patient_fails_with_not_requester() {
		build_and_execute(|| {
			let id = request(11, 1, 600);
			assert_noop!(
				Access::cancel_request(RuntimeOrigin::signed(21), id),
				Error::<Test>::NotRequester
			);
			assert_noop!(
				Access::cancel_request(RuntimeOrigin::signed(1), id),
				Error::<Test>::NotRequester
			);
		});
	}

	#[test]
	fn an_unknown_request_fails_with_request_not_found() {
		build_and_execute(|| {
			assert_noop!(
				Access::cancel_request(RuntimeOrigin::signed(11), 0),
				Error::<Test>::RequestNotFound
			);
		});
	}
}
