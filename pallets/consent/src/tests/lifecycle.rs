//! What the identity pallet learns through [`salus_primitives::PatientLifecycle`].

use super::*;
use salus_primitives::PatientLifecycle;

#[test]
fn a_patient_with_consents_has_obligations_until_they_are_pruned() {
	build_and_execute(|| {
		assert!(!Consent::has_obligations(&1));
		let id = permit(1, provider(HOSPITAL));
		assert!(Consent::has_obligations(&1));
		assert_ok!(Consent::revoke_consent(RuntimeOrigin::signed(1), id));
		assert!(Consent::has_obligations(&1));
		Now::set(START + RETENTION);
		assert_ok!(Consent::prune_consent(RuntimeOrigin::signed(1), id));
		assert!(!Consent::has_obligations(&1));
	});
}

#[test]
fn a_directive_alone_is_no_obligation_and_goes_with_the_patient() {
	build_and_execute(|| {
		assert_ok!(Consent::set_emergency_directive(
			RuntimeOrigin::signed(1),
			classes(&[DataClass::MentalHealth])
		));
		assert!(!Consent::has_obligations(&1));
		// The identity pallet deregisters the patient, then tells the registry.
		registry::deregister_patient(1);
		Consent::on_deregistered(&1);
		assert!(Ledgers::<Test>::get(1).is_none());
		assert_eq!(Consent::emergency_directive(&1), DataClassSet::empty());
	});
}
