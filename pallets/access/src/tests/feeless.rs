//! The patient's answers are free of fees within the shared allowance, and only when they
//! would succeed.

use super::*;
use crate::Call;
use frame_support::dispatch::CheckIfFeeless;

fn is_free(call: &Call<Test>, who: u64) -> bool {
	call.is_feeless(&RuntimeOrigin::signed(who))
}

#[test]
fn approve_deny_and_acknowledge_by_the_patient_are_free() {
	build_and_execute(|| {
		let id = request(11, 1, 600);
		let emergency = declare(11, 1);
		assert!(is_free(&Call::approve_request { request_id: id, classes: None }, 1));
		assert!(is_free(&Call::deny_request { request_id: id }, 1));
		assert!(is_free(&Call::acknowledge_emergency { emergency_id: emergency }, 1));
		// The provider's calls are never free.
		assert!(!is_free(&Call::cancel_request { request_id: id }, 11));
		assert!(!is_free(
			&Call::contest_emergency { emergency_id: emergency, evidence: H256::zero() },
			1
		));
	});
}

#[test]
fn a_call_that_would_fail_is_not_free() {
	build_and_execute(|| {
		let id = request(11, 1, 600);
		let approve = Call::approve_request { request_id: id, classes: None };
		assert!(!is_free(&approve, 2), "not the patient");
		assert!(!is_free(&Call::deny_request { request_id: 9 }, 1), "no such request");
		assert!(!is_free(&Call::acknowledge_emergency { emergency_id: 0 }, 1), "no such review");
		LedgerFull::set([1].into_iter().collect());
		assert!(!is_free(&approve, 1), "no room for the grant");
		LedgerFull::set(Default::default());
		Now::set(START + REQUEST_LIFETIME);
		assert!(!is_free(&approve, 1), "expired");
		assert!(!Call::<Test>::deny_request { request_id: id }.is_feeless(&RuntimeOrigin::root()));
		assert!(!Call::<Test>::deny_request { request_id: id }.is_feeless(&RuntimeOrigin::none()));
	});
}

#[test]
fn beyond_the_allowance_the_answers_pay_fees() {
	build_and_execute(|| {
		for _ in 0..FREE_OPERATIONS {
			let id = request(11, 1, 600);
			assert!(is_free(&Call::deny_request { request_id: id }, 1));
			assert_ok!(Access::deny_request(RuntimeOrigin::signed(1), id));
		}
		let id = request(11, 1, 600);
		assert!(!is_free(&Call::deny_request { request_id: id }, 1));
		// It still works; it pays.
		assert_ok!(Access::deny_request(RuntimeOrigin::signed(1), id));
		assert!(crate::Requests::<Test>::get(id).is_none());
	});
}
