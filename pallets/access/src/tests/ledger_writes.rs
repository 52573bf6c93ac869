//! The calls that rewrite the patient's consent ledger (a grant, or a count of the patient's
//! fee-free operations) are charged for a full ledger and refunded, after the call, what the
//! consent registry measures the ledger they rewrote saved (`ledger_write_saving`); a grant
//! that dropped no ended grant is refunded that removal too (`grant_saving`), and a review that
//! did not wait in the escalation queue the queue's write.

use super::*;
use crate::{
	mock::{DropsAGrant, DROP_SAVING, MAX_LEDGER},
	Emergencies, Error, WeightInfo,
};
use frame_support::{
	traits::{Get, Hooks},
	weights::{RuntimeDbWeight, Weight},
};
use salus_primitives::{AccessControl, DisputeGateway, GrantBy, GrantSource, Grantee, PurposeSet};

type Weights = <Test as crate::Config>::WeightInfo;

fn saving(len: u32) -> Weight {
	<MockConsent as AccessControl<u64>>::ledger_write_saving(len)
}

/// What the registry says a grant that dropped no ended grant saved besides its ledger.
fn no_drop() -> Weight {
	Weight::from_parts(DROP_SAVING, 0)
}

/// One write to the access pallet's storage.
fn write() -> Weight {
	<<Test as frame_system::Config>::DbWeight as Get<RuntimeDbWeight>>::get().writes(1)
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
		assert_eq!(info.actual_weight, Some(Weights::approve_request() - saving(3) - no_drop()));
		// The grant and the patient's operation are one write, counted once.
		assert_eq!(used(1), 1);
	});
}

#[test]
fn a_grant_that_dropped_an_ended_grant_keeps_that_charge() {
	build_and_execute(|| {
		lengthen_ledger(1, 3);
		DropsAGrant::set(true);
		let id = request(12, 1, 60);
		let info = Access::approve_request(RuntimeOrigin::signed(1), id, None).expect("approved");
		assert_eq!(info.actual_weight, Some(Weights::approve_request() - saving(3)));
		let info = Access::declare_emergency(RuntimeOrigin::signed(11), 1, H256::repeat_byte(2))
			.expect("declared");
		assert_eq!(info.actual_weight, Some(Weights::declare_emergency() - saving(4)));
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
		assert_eq!(info.actual_weight, Some(Weights::declare_emergency() - saving(7) - no_drop()));
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
		// Not in the escalation queue: its write is refunded too.
		assert_eq!(
			info.actual_weight,
			Some(Weights::acknowledge_emergency() - saving(len) - write())
		);
	});
}

/// The benchmarks' worst case: a review whose escalation the court refused waits in the
/// escalation queue, and ending it removes its place there. Acknowledged or contested, it is
/// charged that write; a review that never waited is not.
#[test]
fn a_review_waiting_in_the_escalation_queue_is_charged_its_removal() {
	build_and_execute(|| {
		assert!(write().ref_time() > 0);
		let queued = |patient| {
			let id = declare(11, patient);
			CourtOpen::set(false);
			Now::set(Now::get() + REVIEW_PERIOD);
			Access::on_idle(System::block_number(), Weight::MAX);
			CourtOpen::set(true);
			assert!(Emergencies::<Test>::get(id).expect("still open").retry.is_some());
			id
		};
		let id = queued(1);
		let len = MockConsent::ledger_len(&1);
		let info =
			Access::acknowledge_emergency(RuntimeOrigin::signed(1), id).expect("acknowledged");
		assert_eq!(info.actual_weight, Some(Weights::acknowledge_emergency() - saving(len)));

		let contested = Weights::contest_emergency()
			+ <<Test as crate::Config>::Disputes as DisputeGateway<u64>>::extra_weight();
		let id = queued(2);
		let info = Access::contest_emergency(RuntimeOrigin::signed(2), id, H256::repeat_byte(9))
			.expect("contested");
		assert_eq!(info.actual_weight, Some(contested));

		let id = declare(12, 3);
		let info = Access::contest_emergency(RuntimeOrigin::signed(3), id, H256::repeat_byte(9))
			.expect("contested");
		assert_eq!(info.actual_weight, Some(contested - write()));
	});
}

/// The attack on the refund: a ledger at or beyond the cap is charged in full, and a call
/// that fails keeps the whole charge (and counts nothing).
#[test]
fn a_full_ledger_is_charged_in_full_and_a_failed_call_is_not_refunded() {
	build_and_execute(|| {
		lengthen_ledger(1, MAX_LEDGER + 2);
		DropsAGrant::set(true);
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
