//! The cleanup in `on_idle`: expired requests end and overdue reviews go to the court, oldest
//! first, within the weight given.

use super::*;
use crate::{
	weights::WeightInfo, Emergencies, Error, PendingRequests, RequestSweep, Requests, ReviewSweep,
};
use frame_support::{
	assert_noop,
	traits::Hooks,
	weights::{Weight, WeightMeter},
};
use salus_primitives::DisputeSubject;

fn idle(weight: Weight) -> Weight {
	Access::on_idle(1, weight)
}

#[test]
fn expired_requests_end_and_return_their_deposits() {
	build_and_execute(|| {
		let first = request(11, 1, 600);
		Now::set(START + 10);
		let second = request(21, 2, 600);
		let third = request(11, 3, 600);
		assert_ok!(Access::deny_request(RuntimeOrigin::signed(2), second));

		// Nothing is due yet: nothing happens.
		idle(Weight::MAX);
		assert_eq!(Requests::<Test>::iter().count(), 2);
		assert_eq!(RequestSweep::<Test>::get(), 0);

		// The first is due; the third not yet.
		Now::set(START + REQUEST_LIFETIME);
		idle(Weight::MAX);
		assert!(Requests::<Test>::get(first).is_none());
		assert!(Requests::<Test>::get(third).is_some());
		assert!(!PendingRequests::<Test>::contains_key(1));
		assert_eq!(held(HoldReason::RequestDeposit, 11), REQUEST_DEPOSIT);
		assert!(events().contains(&Event::RequestExpired { id: first }));
		// The sweep stands at the third: the first ended, the second was answered.
		assert_eq!(RequestSweep::<Test>::get(), third);

		Now::set(START + 10 + REQUEST_LIFETIME);
		idle(Weight::MAX);
		assert!(Requests::<Test>::iter().next().is_none());
		assert_eq!(held(HoldReason::RequestDeposit, 11), 0);
		assert_eq!(RequestSweep::<Test>::get(), third + 1);
	});
}

#[test]
fn an_expired_request_cannot_be_approved_before_the_sweep_reaches_it() {
	build_and_execute(|| {
		let id = request(11, 1, 600);
		Now::set(START + REQUEST_LIFETIME);
		assert_noop!(
			Access::approve_request(RuntimeOrigin::signed(1), id, None),
			Error::<Test>::RequestExpired
		);
	});
}

#[test]
fn overdue_reviews_are_escalated_to_the_court_and_closed() {
	build_and_execute(|| {
		let first = declare(11, 1);
		let second = declare(21, 2);
		assert_ok!(Access::acknowledge_emergency(RuntimeOrigin::signed(2), second));
		Now::set(START + REVIEW_PERIOD - 1);
		idle(Weight::MAX);
		assert!(Emergencies::<Test>::get(first).is_some());

		Now::set(START + REVIEW_PERIOD);
		idle(Weight::MAX);
		assert!(Emergencies::<Test>::get(first).is_none());
		assert_eq!(
			CourtCalls::get(),
			vec![CourtCall::Escalate {
				patient: 1,
				respondent: HOSPITAL,
				subject: DisputeSubject::Emergency(first)
			}]
		);
		assert!(events().contains(&Event::ReviewEscalated { id: first, dispute: Some(0) }));
		assert_eq!(held(HoldReason::EmergencyDeposit, 11), 0);
		assert_eq!(ReviewSweep::<Test>::get(), second + 1);
	});
}

#[test]
fn a_review_the_court_refuses_is_closed_all_the_same() {
	build_and_execute(|| {
		let id = declare(11, 1);
		CourtOpen::set(false);
		Now::set(START + REVIEW_PERIOD);
		idle(Weight::MAX);
		assert!(Emergencies::<Test>::get(id).is_none());
		assert!(events().contains(&Event::ReviewEscalated { id, dispute: None }));
		assert_eq!(held(HoldReason::EmergencyDeposit, 11), 0);
	});
}

#[test]
fn the_work_is_bounded_by_the_weight_given() {
	build_and_execute(|| {
		for patient in 1..=3 {
			request(11, patient, 600);
		}
		Now::set(START + REQUEST_LIFETIME);
		let db: frame_support::weights::RuntimeDbWeight =
			<Test as frame_system::Config>::DbWeight::get();
		let step = <() as WeightInfo>::expire_request();
		let overhead = db.reads_writes(3, 2);
		// Room for the overhead and two look-ups and steps: two requests end, one waits.
		let limit = overhead + (db.reads(1) + step).saturating_mul(2);
		let mut meter = WeightMeter::with_limit(limit);
		Access::sweep(&mut meter);
		assert!(meter.consumed().all_lte(limit));
		assert_eq!(Requests::<Test>::iter().count(), 1);
		assert_eq!(RequestSweep::<Test>::get(), 2);
		// Too little for even the overhead: nothing happens.
		let mut meter = WeightMeter::with_limit(Weight::zero());
		Access::sweep(&mut meter);
		assert_eq!(Requests::<Test>::iter().count(), 1);
		idle(Weight::MAX);
		assert!(Requests::<Test>::iter().next().is_none());
	});
}
