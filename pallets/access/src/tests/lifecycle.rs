//! The patient lifecycle: open requests and reviews hold a patient back from deregistering.

use super::*;
use salus_primitives::PatientLifecycle;

#[test]
fn open_requests_and_reviews_are_obligations() {
	build_and_execute(|| {
		assert!(!Access::has_obligations(&1));
		let id = request(11, 1, 600);
		assert!(Access::has_obligations(&1));
		assert_ok!(Access::deny_request(RuntimeOrigin::signed(1), id));
		assert!(!Access::has_obligations(&1));

		let emergency = declare(11, 1);
		assert!(Access::has_obligations(&1));
		assert_ok!(Access::acknowledge_emergency(RuntimeOrigin::signed(1), emergency));
		assert!(!Access::has_obligations(&1));
	});
}

#[test]
fn the_disclosure_log_outlives_deregistration() {
	build_and_execute(|| {
		declare(21, 1);
		assert_ok!(Access::log_disclosure(
			RuntimeOrigin::signed(21),
			1,
			DataClass::Allergies,
			Purpose::EmergencyTreatment,
			None
		));
		let emergency = Access::emergencies_of(&1)[0].0;
		assert_ok!(Access::acknowledge_emergency(RuntimeOrigin::signed(1), emergency));
		Access::on_deregistered(&1);
		assert_eq!(Access::disclosures_of(&1, 0, 10).len(), 1);
	});
}

/// Review finding 3 (access side): the identity pallet asks before a provider closes or
/// changes hands; a provider whose requests or emergency reviews are open may not walk away
/// from them.
#[test]
fn a_provider_with_open_requests_or_reviews_may_not_walk_away() {
	use salus_primitives::ProviderLifecycle;
	build_and_execute(|| {
		assert!(!<Access as ProviderLifecycle>::has_obligations(HOSPITAL));
		let id = request(11, 1, 600);
		assert!(<Access as ProviderLifecycle>::has_obligations(HOSPITAL));
		assert!(!<Access as ProviderLifecycle>::has_obligations(CLINIC));
		assert_ok!(Access::deny_request(RuntimeOrigin::signed(1), id));
		assert!(!<Access as ProviderLifecycle>::has_obligations(HOSPITAL));

		let first = declare(11, 1);
		let second = declare(12, 2);
		assert!(<Access as ProviderLifecycle>::has_obligations(HOSPITAL));
		assert_ok!(Access::acknowledge_emergency(RuntimeOrigin::signed(1), first));
		assert!(<Access as ProviderLifecycle>::has_obligations(HOSPITAL));
		// A review waiting for the court is still an obligation.
		CourtOpen::set(false);
		Now::set(START + REVIEW_PERIOD);
		<Access as frame_support::traits::Hooks<u64>>::on_idle(
			1,
			frame_support::weights::Weight::MAX,
		);
		assert!(<Access as ProviderLifecycle>::has_obligations(HOSPITAL));
		assert_ok!(Access::acknowledge_emergency(RuntimeOrigin::signed(2), second));
		assert!(!<Access as ProviderLifecycle>::has_obligations(HOSPITAL));
	});
}
