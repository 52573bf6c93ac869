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
