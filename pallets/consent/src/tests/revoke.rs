//! `revoke_consent`.

use super::*;
use crate::Error;
use frame_support::assert_noop;
use salus_primitives::{AccessDecision, DenyReason};

#[test]
fn stops_the_consent_at_once_and_keeps_its_record() {
	build_and_execute(|| {
		let id = permit(1, provider(HOSPITAL));
		Now::set(START + 7);
		assert_ok!(Consent::revoke_consent(RuntimeOrigin::signed(1), id));

		let consent = &Consent::consents_of(&1)[0];
		assert_eq!(consent.revoked_at, Some(START + 7));
		// Nothing else was rewritten; the deposit stays until the consent is pruned.
		assert_eq!(consent.valid_from, START);
		assert_eq!(held(1), CONSENT_DEPOSIT);
		assert_eq!(last_event(), Event::ConsentRevoked { patient: 1, id, at: START + 7 });
		// Denied from the block that revoked it on; permitted before (the history holds).
		let check =
			|at| Consent::check_access(&1, &11, DataClass::Medications, Purpose::Treatment, at);
		assert_eq!(check(START + 7), AccessDecision::Deny { reason: DenyReason::Revoked(id) });
		assert!(check(START + 6).is_permit());
	});
}

#[test]
fn also_ends_a_grant_early() {
	build_and_execute(|| {
		let id = <Consent as salus_primitives::AccessControl<u64>>::grant(
			&1,
			salus_primitives::Grant {
				grantee: provider(HOSPITAL),
				classes: classes(&[DataClass::Medications]),
				purposes: purposes(&[Purpose::Treatment]),
				valid_until: START + 100,
				source: salus_primitives::GrantSource::Request(3),
			},
			GrantBy::Provider,
		)
		.map(|granted| granted.id)
		.unwrap();
		assert_ok!(Consent::revoke_consent(RuntimeOrigin::signed(1), id));
		assert_eq!(Consent::consents_of(&1)[0].revoked_at, Some(START));
	});
}

#[test]
fn of_another_patients_consent_fails_with_consent_not_found() {
	build_and_execute(|| {
		let id = permit(1, provider(HOSPITAL));
		permit(2, provider(HOSPITAL));
		assert_noop!(
			Consent::revoke_consent(RuntimeOrigin::signed(2), id),
			Error::<Test>::ConsentNotFound
		);
		assert_noop!(
			Consent::revoke_consent(RuntimeOrigin::signed(3), id),
			Error::<Test>::ConsentNotFound
		);
		assert_noop!(
			Consent::revoke_consent(RuntimeOrigin::signed(1), 9),
			Error::<Test>::ConsentNotFound
		);
		assert_eq!(Consent::consents_of(&1)[0].revoked_at, None);
	});
}

#[test]
fn twice_fails_with_already_revoked() {
	build_and_execute(|| {
		let id = permit(1, provider(HOSPITAL));
		assert_ok!(Consent::revoke_consent(RuntimeOrigin::signed(1), id));
		Now::set(START + 1);
		assert_noop!(
			Consent::revoke_consent(RuntimeOrigin::signed(1), id),
			Error::<Test>::AlreadyRevoked
		);
		assert_eq!(Consent::consents_of(&1)[0].revoked_at, Some(START));
	});
}

#[test]
fn of_an_expired_consent_fails_with_consent_expired() {
	build_and_execute(|| {
		let id = grant(1, provider(HOSPITAL), Decision::Permit, None, Some(START + 10));
		Now::set(START + 10);
		assert_noop!(
			Consent::revoke_consent(RuntimeOrigin::signed(1), id),
			Error::<Test>::ConsentExpired
		);
		assert_eq!(Consent::consents_of(&1)[0].revoked_at, None);
	});
}
