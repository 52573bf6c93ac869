//! The calls that rewrite the patient's consent ledger (a grant, or a count of the patient's
//! fee-free operations) are charged for a full ledger and refunded, after the call, what the
//! consent registry measures the ledger they rewrote saved (`ledger_write_saving`).

use super::*;
use crate::{mock::MAX_LEDGER, Error, WeightInfo};
use frame_support::weights::Weight;
use salus_primitives::{AccessControl, GrantBy, GrantSource, Grantee, PurposeSet};

type Weights = <Test as crate::Config>::WeightInfo;

fn saving(len: u32) -> Weight {
	<MockConsent as AccessControl<u64>>::ledger_write_saving(len)
}

/// Gives `patient` `count` more grants (ended ones, to the hospital): a longer ledger.
fn lengthen_ledger(patient: u64, count: u32) {
	for n in 0..count {
		assert_ok!(<MockConsent as AccessControl<u64>>::grant(
			&patient,
			salus_primitives::Grant {
				grantee: Grantee::Provider(HOSPITAL),
				classes: labs_and_meds(),
				purposes: PurposeSet::of(&[Purpose::Treatment]),
				valid_until: START.saturating_add(1),
				source: GrantSource::Request(1_000 + u64::from(n)),
			},
			GrantBy::Provider,
		));
	}
}

fn used(patient: u64) -> u32 {
	FreeUsed::get().get(&patient).copied().unwrap_or_default()
}

#[test]
fn an_approval_is_refunded_for_the_ledger_it_grew_and_counts_one_operation() {
	build_and_execute(|| {
		lengthen_ledger(1, 3);
		let id = request(12, 1, 60);
		let info = Access::approve_request(RuntimeOrigin::signed(1), id, None).expect("approved");
		assert!(saving(3).ref_time() > 0);
		assert_eq!(info.actual_weight, Some(Weights::approve_request() - saving(3)));
		// The grant and the patient's operation are one write, counted once.
		assert_eq!(used(1), 1);
	});
}

#[test]
fn a_denial_is_refunded_for_the_ledger_it_counted_in() {
	build_and_execute(|| {
		lengthen_ledger(1, 5);
		let id = request(12, 1, 60);
		let info = Access::deny_request(RuntimeOrigin::signed(1), id).expect("denied");
		assert_eq!(info.actual_weight, Some(Weights::deny_request() - saving(5)));
		assert_eq!(used(1), 1);
	});
}

#[test]
fn an_emergency_is_refunded_for_the_patients_ledger() {
	build_and_execute(|| {
		lengthen_ledger(2, 7);
		let info = Access::declare_emergency(RuntimeOrigin::signed(11), 2, H256::repeat_byte(2))
			.expect("declared");
		assert_eq!(info.actual_weight, Some(Weights::declare_emergency() - saving(7)));
		// The patient did nothing: its allowance is untouched.
		assert_eq!(used(2), 0);
	});
}

#[test]
fn an_acknowledgement_is_refunded_for_the_ledger_it_counted_in() {
	build_and_execute(|| {
		let id = declare(11, 2);
		// The emergency's grant is in the ledger.
		let len = MockConsent::ledger_len(&2);
		assert_eq!(len, 1);
		let info =
			Access::acknowledge_emergency(RuntimeOrigin::signed(2), id).expect("acknowledged");
		assert_eq!(info.actual_weight, Some(Weights::acknowledge_emergency() - saving(len)));
	});
}

/// The attack on the refund: a ledger at or beyond the cap is charged in full, and a call
/// that fails keeps the whole charge (and counts nothing).
#[test]
fn a_full_ledger_is_charged_in_full_and_a_failed_call_is_not_refunded() {
	build_and_execute(|| {
		lengthen_ledger(1, MAX_LEDGER + 2);
		let id = request(12, 1, 60);
		let info = Access::approve_request(RuntimeOrigin::signed(1), id, None).expect("approved");
		assert_eq!(info.actual_weight, Some(Weights::approve_request()));

		let id = request(12, 1, 60);
		// Not the patient's request.
		let error = Access::deny_request(RuntimeOrigin::signed(2), id).expect_err("not hers");
		assert_eq!(error.error, Error::<Test>::NotPatient.into());
		assert_eq!(error.post_info.actual_weight, None);
		assert_eq!(used(2), 0);
		let error =
			Access::approve_request(RuntimeOrigin::signed(2), id, None).expect_err("not hers");
		assert_eq!(error.post_info.actual_weight, None);
	});
}
