//! Grants other pallets make through [`salus_primitives::AccessControl`].

use super::*;
use crate::{ConsentPatient, Error};
use frame_support::weights::Weight;
use frame_support::{assert_err, assert_noop};
use salus_primitives::{AccessBasis, AccessControl, AccessDecision, Grant, GrantSource, Granted};

fn request_grant(request: u64, until: Timestamp) -> Grant<u64> {
	Grant {
		grantee: provider(HOSPITAL),
		classes: classes(&[DataClass::LabResults]),
		purposes: purposes(&[Purpose::Treatment]),
		valid_until: until,
		source: GrantSource::Request(request),
	}
}

#[test]
fn a_grant_is_a_time_bounded_permit_without_deposit() {
	build_and_execute(|| {
		let id = Consent::grant(&1, request_grant(7, START + 60), GrantBy::Provider)
			.map(|granted| granted.id)
			.unwrap();
		let (patient, consent) = Consent::consent(id).unwrap();
		assert_eq!(patient, 1);
		assert_eq!(consent.decision, Decision::Permit);
		assert_eq!(consent.valid_from, START);
		assert_eq!(consent.valid_until, Some(START + 60));
		assert_eq!(consent.source, GrantSource::Request(7));
		assert_eq!(consent.deposit, 0);
		assert_eq!(held(1), 0);
		// It does not use the patient's fee-free operations.
		assert_eq!(Ledgers::<Test>::get(1).unwrap().window.used, 0);

		let check = |at| {
			<Consent as AccessControl<u64>>::check_access(
				&1,
				&12,
				DataClass::LabResults,
				Purpose::Treatment,
				at,
			)
		};
		assert_eq!(
			check(START + 59),
			AccessDecision::Permit {
				basis: AccessBasis::Consent { id, source: GrantSource::Request(7) }
			}
		);
		assert!(!check(START + 60).is_permit());
	});
}

#[test]
fn grants_do_not_count_against_the_patients_own_consents() {
	build_and_execute(|| {
		for _ in 0..MAX_CONSENTS {
			permit(1, provider(HOSPITAL));
		}
		assert_ok!(Consent::grant(&1, request_grant(1, START + 60), GrantBy::Provider)
			.map(|granted| granted.id));
	});
}

#[test]
fn at_max_grants_ended_grants_make_room() {
	build_and_execute(|| {
		let granted = Consent::grant(&1, request_grant(1, START + 10), GrantBy::Provider).unwrap();
		assert!(!granted.dropped);
		let first = granted.id;
		let second = Consent::grant(&1, request_grant(2, START + 60), GrantBy::Provider)
			.map(|granted| granted.id)
			.unwrap();
		assert_err!(
			Consent::grant(&1, request_grant(3, START + 60), GrantBy::Provider)
				.map(|granted| granted.id),
			Error::<Test>::TooManyGrants
		);

		Now::set(START + 10);
		let granted = Consent::grant(&1, request_grant(3, START + 60), GrantBy::Provider).unwrap();
		// The ledger held both grants when the ended one made room.
		assert_eq!((granted.ledger, granted.dropped), (2, true));
		let third = granted.id;
		let ids: Vec<_> = Consent::consents_of(&1).iter().map(|c| c.id).collect();
		assert_eq!(ids, [second, third]);
		assert_eq!(ConsentPatient::<Test>::get(first), None);
		assert!(System::events().iter().any(|record| record.event
			== RuntimeEvent::Consent(Event::ConsentPruned { patient: 1, id: first })));
	});
}

#[test]
fn at_max_grants_only_the_oldest_ended_grant_makes_room() {
	build_and_execute(|| {
		// Both grants end together: a new grant drops one of them, not both, so that a grant
		// costs one removal at most however many grants have ended.
		let first = Consent::grant(&1, request_grant(1, START + 10), GrantBy::Provider)
			.map(|granted| granted.id)
			.unwrap();
		let second = Consent::grant(&1, request_grant(2, START + 10), GrantBy::Provider)
			.map(|granted| granted.id)
			.unwrap();
		Now::set(START + 10);
		let granted = Consent::grant(&1, request_grant(3, START + 60), GrantBy::Provider).unwrap();
		// The ledger held both grants when the ended one made room.
		assert_eq!((granted.ledger, granted.dropped), (2, true));
		let third = granted.id;
		let ids: Vec<_> = Consent::consents_of(&1).iter().map(|c| c.id).collect();
		assert_eq!(ids, [second, third]);
		assert_eq!(ConsentPatient::<Test>::get(first), None);
		assert_eq!(ConsentPatient::<Test>::get(second), Some(1));
		let pruned = System::events()
			.iter()
			.filter(|record| {
				matches!(record.event, RuntimeEvent::Consent(Event::ConsentPruned { .. }))
			})
			.count();
		assert_eq!(pruned, 1);
		// The next grant takes the other ended one.
		let fourth = Consent::grant(&1, request_grant(4, START + 60), GrantBy::Provider)
			.map(|granted| granted.id)
			.unwrap();
		let ids: Vec<_> = Consent::consents_of(&1).iter().map(|c| c.id).collect();
		assert_eq!(ids, [third, fourth]);
	});
}

#[test]
fn for_a_non_patient_fails_with_not_registered() {
	build_and_execute(|| {
		assert_noop!(
			Consent::grant(&50, request_grant(1, START + 60), GrantBy::Provider)
				.map(|granted| granted.id),
			Error::<Test>::NotRegistered
		);
	});
}

#[test]
fn ending_now_or_earlier_fails_with_consent_expired() {
	build_and_execute(|| {
		assert_noop!(
			Consent::grant(&1, request_grant(1, START), GrantBy::Provider)
				.map(|granted| granted.id),
			Error::<Test>::ConsentExpired
		);
	});
}

#[test]
fn without_classes_or_purposes_fails() {
	build_and_execute(|| {
		let mut grant = request_grant(1, START + 60);
		grant.classes = DataClassSet::empty();
		assert_noop!(
			Consent::grant(&1, grant, GrantBy::Provider).map(|granted| granted.id),
			Error::<Test>::NoDataClasses
		);
		let mut grant = request_grant(1, START + 60);
		grant.purposes = PurposeSet::empty();
		assert_noop!(
			Consent::grant(&1, grant, GrantBy::Provider).map(|granted| granted.id),
			Error::<Test>::NoPurposes
		);
	});
}

#[test]
fn now_is_the_registry_clock() {
	build_and_execute(|| {
		Now::set(START + 5);
		assert_eq!(<Consent as AccessControl<u64>>::now(), START + 5);
	});
}

#[test]
fn can_grant_tells_whether_a_grant_would_find_room() {
	build_and_execute(|| {
		assert!(!Consent::can_grant(&50), "not a patient");
		assert!(Consent::can_grant(&1));
		for request in 0..u64::from(MAX_GRANTS) {
			assert_ok!(Consent::grant(&1, request_grant(request, START + 60), GrantBy::Provider)
				.map(|granted| granted.id));
		}
		assert!(!Consent::can_grant(&1), "every grant is live");
		assert_err!(
			Consent::grant(&1, request_grant(9, START + 60), GrantBy::Provider)
				.map(|granted| granted.id),
			Error::<Test>::TooManyGrants
		);
		// Once one has ended, it makes room.
		Now::set(START + 60);
		assert!(Consent::can_grant(&1));
		assert_ok!(Consent::grant(&1, request_grant(9, START + 120), GrantBy::Provider)
			.map(|granted| granted.id));
	});
}

#[test]
fn other_pallets_share_the_patients_fee_free_allowance() {
	build_and_execute(|| {
		assert!(!Consent::has_free_operation(&50), "not a patient");
		<Consent as AccessControl<u64>>::count_operation(&50);
		assert!(Ledgers::<Test>::get(50).is_none(), "nothing is kept for a non-patient");

		assert!(Consent::has_free_operation(&1));
		// A consent operation and other pallets' operations draw on one allowance.
		permit(1, provider(HOSPITAL));
		for _ in 1..FREE_OPERATIONS {
			assert!(Consent::has_free_operation(&1));
			<Consent as AccessControl<u64>>::count_operation(&1);
		}
		assert!(!Consent::has_free_operation(&1));
		assert_eq!(Ledgers::<Test>::get(1).unwrap().window.used, FREE_OPERATIONS);
		// A new period starts a new allowance.
		System::set_block_number(1 + FREE_PERIOD);
		assert!(Consent::has_free_operation(&1));
	});
}

#[test]
fn without_consent_ids_left_fails_with_overflow_and_changes_nothing() {
	build_and_execute(|| {
		// The ledger is full of ended grants: the failing grant must not drop them.
		Consent::grant(&1, request_grant(1, START + 10), GrantBy::Provider)
			.map(|granted| granted.id)
			.unwrap();
		Consent::grant(&1, request_grant(2, START + 10), GrantBy::Provider)
			.map(|granted| granted.id)
			.unwrap();
		Now::set(START + 10);
		System::set_block_number(u64::from(u32::MAX) + 1);
		assert_noop!(
			Consent::grant(&1, request_grant(3, START + 60), GrantBy::Provider)
				.map(|granted| granted.id),
			sp_runtime::ArithmeticError::Overflow
		);
		assert_eq!(Consent::consents_of(&1).len(), 2);
	});
}

#[test]
fn a_grant_the_patient_approved_counts_its_operation_in_the_same_write() {
	build_and_execute(|| {
		permit(1, provider(HOSPITAL));
		permit(1, provider(HOSPITAL));
		let granted = Consent::grant(&1, request_grant(1, START + 60), GrantBy::Patient).unwrap();
		// The ledger held the two consents when the grant was written into it.
		assert_eq!(granted.ledger, 2);
		let ledger = Ledgers::<Test>::get(1).unwrap();
		assert_eq!(ledger.consents.len(), 3);
		assert_eq!(ledger.consents.last().map(|consent| consent.id), Some(granted.id));
		// The two consents are the patient's own calls (2); the approval is the third.
		assert_eq!(ledger.window.used, 3);

		let granted = Consent::grant(&1, request_grant(2, START + 60), GrantBy::Provider).unwrap();
		assert_eq!(granted.ledger, 3);
		assert_eq!(Ledgers::<Test>::get(1).unwrap().window.used, 3);
	});
}

#[test]
fn a_refused_patient_grant_counts_nothing() {
	build_and_execute(|| {
		let before = Ledgers::<Test>::get(1);
		assert_noop!(
			Consent::grant(&1, request_grant(1, START), GrantBy::Patient),
			Error::<Test>::ConsentExpired
		);
		assert_eq!(Ledgers::<Test>::get(1), before);
	});
}

#[test]
fn counting_an_operation_reports_the_ledger_it_rewrote() {
	build_and_execute(|| {
		permit(1, provider(HOSPITAL));
		let used = Ledgers::<Test>::get(1).unwrap().window.used;
		assert_eq!(<Consent as AccessControl<u64>>::count_operation(&1), Some(1));
		assert_eq!(Ledgers::<Test>::get(1).unwrap().window.used, used + 1);
		// Not registered: nothing to count, nothing written.
		assert_eq!(<Consent as AccessControl<u64>>::count_operation(&50), None);
		assert!(Ledgers::<Test>::get(50).is_none());
	});
}

#[test]
fn a_shorter_ledger_saves_what_both_write_measurements_agree_on() {
	use crate::weights::WeightInfo;
	type Weights = <Test as crate::Config>::WeightInfo;
	build_and_execute(|| {
		let cap = <Consent as AccessControl<u64>>::max_ledger_len();
		let saving = <Consent as AccessControl<u64>>::ledger_write_saving;
		assert_eq!(saving(cap), Weight::zero());
		// Beyond the cap is the cap.
		assert_eq!(saving(cap + 10), Weight::zero());
		let mut previous = Weight::zero();
		for len in (0..cap).rev() {
			let by_grant = Weights::grant_consent(cap) - Weights::grant_consent(len);
			let by_revoke = Weights::revoke_consent(cap) - Weights::revoke_consent(len);
			assert_eq!(saving(len), by_grant.min(by_revoke));
			assert!(saving(len).all_gte(previous), "a shorter ledger never saves less");
			previous = saving(len);
		}
		assert!(saving(0).ref_time() > 0);
	});
}

/// A grant is charged for its worst case, a full ledger with an ended grant dropped to make
/// room; a grant that dropped none is refunded that removal (one write) besides the ledger.
#[test]
fn a_grant_that_dropped_nothing_saves_the_removal_too() {
	use frame_support::{traits::Get, weights::RuntimeDbWeight};
	build_and_execute(|| {
		let saving = <Consent as AccessControl<u64>>::grant_saving;
		let ledger = <Consent as AccessControl<u64>>::ledger_write_saving;
		let write =
			<<Test as frame_system::Config>::DbWeight as Get<RuntimeDbWeight>>::get().writes(1);
		assert!(write.ref_time() > 0);
		let cap = <Consent as AccessControl<u64>>::max_ledger_len();
		let granted = |ledger, dropped| Granted { id: 0, ledger, dropped };
		assert_eq!(saving(&granted(cap, true)), Weight::zero());
		assert_eq!(saving(&granted(cap, false)), write);
		assert_eq!(saving(&granted(1, true)), ledger(1));
		assert_eq!(saving(&granted(1, false)), ledger(1) + write);
	});
}
