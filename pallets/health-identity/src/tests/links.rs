use super::*;
use crate::{Error, Links};
use frame_support::assert_noop;

mod propose_link {
	use super::*;

	#[test]
	fn stores_an_unaccepted_link_and_holds_the_deposit_from_the_practitioner() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::propose_link(RuntimeOrigin::signed(5), 3, h(8)));
			let link = Links::<Test>::get(id, h(8)).unwrap();
			assert_eq!((link.patient, link.accepted), (3, false));
			assert_eq!((link.depositor, link.deposit), (5, LINK_DEPOSIT));
			assert_eq!(held(HoldReason::LinkDeposit, 5), LINK_DEPOSIT);
			assert_eq!(
				last_event(),
				Event::LinkProposed { provider: id, locator: h(8), patient: 3 }
			);
		});
	}

	#[test]
	fn by_a_non_practitioner_fails_with_provider_not_accredited() {
		build_and_execute(|| {
			register_patient(3, 3);
			assert_noop!(
				HealthIdentity::propose_link(RuntimeOrigin::signed(5), 3, h(8)),
				Error::<Test>::ProviderNotAccredited
			);
		});
	}

	#[test]
	fn to_a_non_patient_fails_with_not_registered() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			assert_noop!(
				HealthIdentity::propose_link(RuntimeOrigin::signed(5), 3, h(8)),
				Error::<Test>::NotRegistered
			);
		});
	}

	#[test]
	fn the_same_locator_twice_fails_with_link_exists() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			register_patient(3, 3);
			register_patient(4, 4);
			assert_ok!(HealthIdentity::propose_link(RuntimeOrigin::signed(5), 3, h(8)));
			assert_noop!(
				HealthIdentity::propose_link(RuntimeOrigin::signed(5), 4, h(8)),
				Error::<Test>::LinkExists
			);
		});
	}
}

mod accept_link {
	use super::*;

	#[test]
	fn the_patient_signing_makes_the_link_hold() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::propose_link(RuntimeOrigin::signed(5), 3, h(8)));
			assert_ok!(HealthIdentity::accept_link(RuntimeOrigin::signed(3), id, h(8)));
			assert!(Links::<Test>::get(id, h(8)).unwrap().accepted);
			assert_eq!(
				last_event(),
				Event::LinkAccepted { provider: id, locator: h(8), patient: 3 }
			);
		});
	}

	#[test]
	fn an_unknown_link_fails_with_link_not_found() {
		build_and_execute(|| {
			register_patient(3, 3);
			assert_noop!(
				HealthIdentity::accept_link(RuntimeOrigin::signed(3), 0, h(8)),
				Error::<Test>::LinkNotFound
			);
		});
	}

	#[test]
	fn by_another_account_fails_with_not_patient() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			register_patient(4, 4);
			assert_ok!(HealthIdentity::propose_link(RuntimeOrigin::signed(5), 3, h(8)));
			assert_noop!(
				HealthIdentity::accept_link(RuntimeOrigin::signed(4), id, h(8)),
				Error::<Test>::NotPatient
			);
		});
	}

	#[test]
	fn twice_fails_with_already_accepted() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::propose_link(RuntimeOrigin::signed(5), 3, h(8)));
			assert_ok!(HealthIdentity::accept_link(RuntimeOrigin::signed(3), id, h(8)));
			assert_noop!(
				HealthIdentity::accept_link(RuntimeOrigin::signed(3), id, h(8)),
				Error::<Test>::AlreadyAccepted
			);
		});
	}
}

mod remove_link {
	use super::*;

	#[test]
	fn the_patient_rejects_a_proposal_or_removes_an_accepted_link() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::propose_link(RuntimeOrigin::signed(5), 3, h(8)));
			assert_ok!(HealthIdentity::remove_link(RuntimeOrigin::signed(3), id, h(8)));
			assert!(Links::<Test>::get(id, h(8)).is_none());
			assert_eq!(held(HoldReason::LinkDeposit, 5), 0);
			assert_eq!(last_event(), Event::LinkRemoved { provider: id, locator: h(8), by: 3 });
			assert_ok!(HealthIdentity::propose_link(RuntimeOrigin::signed(5), 3, h(8)));
			assert_ok!(HealthIdentity::accept_link(RuntimeOrigin::signed(3), id, h(8)));
			assert_ok!(HealthIdentity::remove_link(RuntimeOrigin::signed(3), id, h(8)));
			assert!(Links::<Test>::get(id, h(8)).is_none());
			assert_eq!(held(HoldReason::LinkDeposit, 5), 0);
		});
	}

	#[test]
	fn the_proposer_or_the_admin_withdraws_an_unaccepted_link() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			for (locator, caller) in [(h(8), 5), (h(9), 1)] {
				assert_ok!(HealthIdentity::propose_link(RuntimeOrigin::signed(5), 3, locator));
				assert_ok!(HealthIdentity::remove_link(RuntimeOrigin::signed(caller), id, locator));
				assert!(Links::<Test>::get(id, locator).is_none());
			}
			assert_eq!(held(HoldReason::LinkDeposit, 5), 0);
		});
	}

	#[test]
	fn an_unknown_link_fails_with_link_not_found() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::remove_link(RuntimeOrigin::signed(3), 0, h(8)),
				Error::<Test>::LinkNotFound
			);
		});
	}

	#[test]
	fn by_a_stranger_fails_with_not_patient() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::propose_link(RuntimeOrigin::signed(5), 3, h(8)));
			assert_noop!(
				HealthIdentity::remove_link(RuntimeOrigin::signed(4), id, h(8)),
				Error::<Test>::NotPatient
			);
		});
	}

	#[test]
	fn an_accepted_link_by_the_provider_side_fails_with_already_accepted() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::propose_link(RuntimeOrigin::signed(5), 3, h(8)));
			assert_ok!(HealthIdentity::accept_link(RuntimeOrigin::signed(3), id, h(8)));
			for caller in [1, 5] {
				assert_noop!(
					HealthIdentity::remove_link(RuntimeOrigin::signed(caller), id, h(8)),
					Error::<Test>::AlreadyAccepted
				);
			}
		});
	}

	/// Finding 9: a link the patient never accepts no longer locks its deposit (and locator)
	/// forever, and an accepted link is no longer a permanent tie.
	#[test]
	fn an_unanswered_link_proposal_no_longer_locks_its_deposit_forever() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::propose_link(RuntimeOrigin::signed(5), 3, h(8)));
			// The patient never answers; the proposer takes it back and may reuse the locator.
			assert_ok!(HealthIdentity::remove_link(RuntimeOrigin::signed(5), id, h(8)));
			assert_eq!(held(HoldReason::LinkDeposit, 5), 0);
			register_patient(4, 4);
			assert_ok!(HealthIdentity::propose_link(RuntimeOrigin::signed(5), 4, h(8)));
			assert_ok!(HealthIdentity::accept_link(RuntimeOrigin::signed(4), id, h(8)));
			// Even after the provider closes, the patient removes the link and the
			// practitioner gets its deposit back.
			assert_ok!(HealthIdentity::leave_provider(RuntimeOrigin::signed(5)));
			set_status(id, ProviderStatus::Revoked);
			advance(CLOSING_DELAY);
			assert_ok!(HealthIdentity::close_provider(RuntimeOrigin::signed(1)));
			assert_ok!(HealthIdentity::remove_link(RuntimeOrigin::signed(4), id, h(8)));
			assert_eq!(held(HoldReason::LinkDeposit, 5), 0);
		});
	}
}
