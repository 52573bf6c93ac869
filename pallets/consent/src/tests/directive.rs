//! `set_emergency_directive` and the classes emergency access covers.

use super::*;
use crate::Error;
use frame_support::assert_noop;
use salus_primitives::AccessControl;

#[test]
fn sets_the_sensitive_classes_emergency_access_may_include() {
	build_and_execute(|| {
		assert_eq!(Consent::emergency_directive(&1), DataClassSet::empty());
		assert_eq!(Consent::emergency_classes(&1), DataClassSet::non_sensitive());

		let opted_in = classes(&[DataClass::MentalHealth, DataClass::Genomics]);
		assert_ok!(Consent::set_emergency_directive(RuntimeOrigin::signed(1), opted_in));
		assert_eq!(Consent::emergency_directive(&1), opted_in);
		assert_eq!(Consent::emergency_classes(&1), DataClassSet::non_sensitive().union(opted_in));
		assert_eq!(last_event(), Event::EmergencyDirectiveSet { patient: 1, classes: opted_in });

		// Back to none.
		assert_ok!(Consent::set_emergency_directive(
			RuntimeOrigin::signed(1),
			DataClassSet::empty()
		));
		assert_eq!(Consent::emergency_classes(&1), DataClassSet::non_sensitive());
		// It holds no deposit: the ledger it lives in is the patient's, paid by its registration.
		assert_eq!(held(1), 0);
	});
}

#[test]
fn naming_a_non_sensitive_class_fails_with_not_sensitive() {
	build_and_execute(|| {
		assert_noop!(
			Consent::set_emergency_directive(
				RuntimeOrigin::signed(1),
				classes(&[DataClass::MentalHealth, DataClass::Medications]),
			),
			Error::<Test>::NotSensitive
		);
		assert!(Ledgers::<Test>::get(1).is_none());
	});
}

#[test]
fn by_a_non_patient_fails_with_not_registered() {
	build_and_execute(|| {
		assert_noop!(
			Consent::set_emergency_directive(
				RuntimeOrigin::signed(50),
				classes(&[DataClass::MentalHealth])
			),
			Error::<Test>::NotRegistered
		);
		assert!(Ledgers::<Test>::get(50).is_none());
	});
}
