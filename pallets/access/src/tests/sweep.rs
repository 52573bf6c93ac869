//! The cleanup in `on_idle`: expired requests end and overdue reviews go to the court, oldest
//! first, within the weight given.

use super::*;
use crate::{
	weights::WeightInfo, Emergencies, Error, EscalationQueue, NextRetry, OpenReviews,
	PendingRequests, RequestSweep, Requests, RetrySweep, ReviewSweep,
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
		assert!(events().contains(&Event::ReviewEscalated { id: first, dispute: 0 }));
		assert_eq!(held(HoldReason::EmergencyDeposit, 11), 0);
		assert_eq!(ReviewSweep::<Test>::get(), second + 1);
	});
}

/// Review findings 1 and 7: a review whose escalation the court refused (its subject
/// squatted, the court full) was closed with `dispute: None`, and the emergency never judged.
/// Now it waits, and goes to the court once the court takes it. (This test encoded the drop as
/// intended before.)
#[test]
fn an_escalation_the_court_refuses_waits_for_the_court() {
	build_and_execute(|| {
		let id = declare(11, 1);
		CourtOpen::set(false);
		let due = START + REVIEW_PERIOD;
		Now::set(due);
		idle(Weight::MAX);
		// Still open, deposit held, waiting at the first place of the queue.
		let waiting = Emergencies::<Test>::get(id).unwrap();
		assert_eq!(waiting.retry, Some(0));
		assert_eq!(EscalationQueue::<Test>::get(0), Some((id, due + RETRY_DELAY)));
		assert_eq!(held(HoldReason::EmergencyDeposit, 11), EMERGENCY_DEPOSIT);
		assert_eq!(OpenReviews::<Test>::get(1).len(), 1);
		assert_eq!(last_event(), Event::EscalationDeferred { id, retry_at: due + RETRY_DELAY });
		assert!(!events().iter().any(|event| matches!(event, Event::ReviewEscalated { .. })));
		// The sweep moved on: the next review is not held up behind it.
		assert_eq!(ReviewSweep::<Test>::get(), id + 1);

		// The court is asked again only when the delay is over; it refuses again.
		Now::set(due + RETRY_DELAY - 1);
		idle(Weight::MAX);
		assert_eq!(NextRetry::<Test>::get(), 1);
		Now::set(due + RETRY_DELAY);
		idle(Weight::MAX);
		assert_eq!(Emergencies::<Test>::get(id).unwrap().retry, Some(1));
		assert_eq!(EscalationQueue::<Test>::get(0), None);
		assert_eq!(EscalationQueue::<Test>::get(1), Some((id, due + 2 * RETRY_DELAY)));
		assert_eq!(RetrySweep::<Test>::get(), 1);

		// The court opens: the next attempt goes through and the review closes.
		CourtOpen::set(true);
		Now::set(due + 2 * RETRY_DELAY);
		idle(Weight::MAX);
		assert!(Emergencies::<Test>::get(id).is_none());
		assert_eq!(last_event(), Event::ReviewEscalated { id, dispute: 0 });
		assert_eq!(
			CourtCalls::get(),
			vec![CourtCall::Escalate {
				patient: 1,
				respondent: HOSPITAL,
				subject: DisputeSubject::Emergency(id)
			}]
		);
		assert_eq!(held(HoldReason::EmergencyDeposit, 11), 0);
		assert!(EscalationQueue::<Test>::iter().next().is_none());
		assert_eq!(RetrySweep::<Test>::get(), 2);
	});
}

#[test]
fn a_refused_escalation_does_not_hold_up_the_reviews_behind_it() {
	build_and_execute(|| {
		let refused = declare(11, 1);
		let taken = declare(21, 2);
		Refused::set([1].into_iter().collect());
		Now::set(START + REVIEW_PERIOD);
		idle(Weight::MAX);
		assert_eq!(Emergencies::<Test>::get(refused).unwrap().retry, Some(0));
		assert!(Emergencies::<Test>::get(taken).is_none());
		assert!(events().contains(&Event::ReviewEscalated { id: taken, dispute: 0 }));
	});
}

#[test]
fn a_waiting_review_may_still_be_acknowledged_or_contested_and_leaves_the_queue() {
	build_and_execute(|| {
		let acknowledged = declare(11, 1);
		let contested = declare(21, 2);
		CourtOpen::set(false);
		Now::set(START + REVIEW_PERIOD);
		idle(Weight::MAX);
		assert_eq!(EscalationQueue::<Test>::iter().count(), 2);
		assert_ok!(Access::acknowledge_emergency(RuntimeOrigin::signed(1), acknowledged));
		assert_eq!(EscalationQueue::<Test>::get(0), None);
		CourtOpen::set(true);
		assert_ok!(Access::contest_emergency(RuntimeOrigin::signed(2), contested, H256::zero()));
		assert!(EscalationQueue::<Test>::iter().next().is_none());
		// The sweep passes over the empty places.
		Now::set(START + REVIEW_PERIOD + RETRY_DELAY);
		idle(Weight::MAX);
		assert_eq!(RetrySweep::<Test>::get(), 2);
		assert_eq!(CourtCalls::get().len(), 1, "only the contest reached the court");
	});
}

#[test]
fn the_retries_are_bounded_by_the_weight_given() {
	build_and_execute(|| {
		declare(11, 1);
		declare(21, 2);
		CourtOpen::set(false);
		Now::set(START + REVIEW_PERIOD);
		idle(Weight::MAX);
		assert_eq!(NextRetry::<Test>::get(), 2);
		CourtOpen::set(true);
		Now::set(START + REVIEW_PERIOD + RETRY_DELAY);
		let db: frame_support::weights::RuntimeDbWeight =
			<Test as frame_system::Config>::DbWeight::get();
		let step = <() as WeightInfo>::escalate_review() + db.reads(1);
		// Room for the overhead, the look-ups of the request and review cursors' ends (none)
		// and one retry: one escalation goes, one waits.
		let limit = Access::sweep_overhead() + db.reads(1) + step;
		let mut meter = WeightMeter::with_limit(limit);
		Access::sweep(&mut meter);
		assert!(meter.consumed().all_lte(limit));
		assert_eq!(EscalationQueue::<Test>::iter().count(), 1);
		assert_eq!(RetrySweep::<Test>::get(), 1);
		idle(Weight::MAX);
		assert!(EscalationQueue::<Test>::iter().next().is_none());
		assert!(Emergencies::<Test>::iter().next().is_none());
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
		let overhead = Access::sweep_overhead();
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
