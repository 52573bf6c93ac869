//! `prune_consent`.

use super::*;
use crate::{ConsentPatient, Error};
use frame_support::assert_noop;

#[test]
fn removes_a_revoked_consent_after_retention_and_releases_the_deposit() {
	build_and_execute(|| {
		let kept = permit(1, provider(CLINIC));
		let id = permit(1, provider(HOSPITAL));
		assert_ok!(Consent::revoke_consent(RuntimeOrigin::signed(1), id));
		Now::set(START + RETENTION);
		// Anyone may prune: the deposit goes back to the patient.
		assert_ok!(Consent::prune_consent(RuntimeOrigin::signed(50), id));
		assert_eq!(Consent::consents_of(&1).iter().map(|c| c.id).collect::<Vec<_>>(), [kept]);
		assert_eq!(ConsentPatient::<Test>::get(id), None);
		assert_eq!(Consent::consent(id), None);
		assert_eq!(held(1), CONSENT_DEPOSIT);
		assert_eq!(last_event(), Event::ConsentPruned { patient: 1, id });
	});
}

#[test]
fn removes_an_expired_consent_after_retention() {
	build_and_execute(|| {
		let id = grant(1, provider(HOSPITAL), Decision::Permit, None, Some(START + 10));
		Now::set(START + 10 + RETENTION);
		assert_ok!(Consent::prune_consent(RuntimeOrigin::signed(1), id));
		assert_eq!(consent_count(1), 0);
		assert_eq!(held(1), 0);
	});
}

#[test]
fn of_a_live_consent_fails_with_still_active() {
	build_and_execute(|| {
		let id = permit(1, provider(HOSPITAL));
		Now::set(START + 10 * RETENTION);
		assert_noop!(
			Consent::prune_consent(RuntimeOrigin::signed(1), id),
			Error::<Test>::StillActive
		);
		assert_eq!(consent_count(1), 1);
	});
}

#[test]
fn before_retention_fails_with_retention_not_over() {
	build_and_execute(|| {
		let id = permit(1, provider(HOSPITAL));
		assert_ok!(Consent::revoke_consent(RuntimeOrigin::signed(1), id));
		Now::set(START + RETENTION - 1);
		assert_noop!(
			Consent::prune_consent(RuntimeOrigin::signed(1), id),
			Error::<Test>::RetentionNotOver
		);
		assert_eq!(consent_count(1), 1);
		assert_eq!(held(1), CONSENT_DEPOSIT);
	});
}

#[test]
fn of_an_unknown_consent_fails_with_consent_not_found() {
	build_and_execute(|| {
		assert_noop!(
			Consent::prune_consent(RuntimeOrigin::signed(1), 0),
			Error::<Test>::ConsentNotFound
		);
	});
}
