//! Unit tests, one module per flow: requests, emergencies and their reviews, the disclosure
//! log, the cleanup, fee-free answers and the patient lifecycle.
//!
//! Every test runs in [`build_and_execute`], which checks the storage invariants afterwards.

mod disclosures;
mod emergencies;
mod feeless;
mod ledger_writes;
mod lifecycle;
mod requests;
mod sweep;

use crate::{mock::*, Event, HoldReason};
use frame_support::{assert_ok, traits::fungible::InspectHold};
use salus_primitives::{DataClass, DataClassSet, EmergencyId, Purpose, RequestId, Timestamp};
use sp_core::H256;

/// The pallet's events, in order.
fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Access(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// The pallet's last event.
fn last_event() -> Event<Test> {
	events().pop().expect("an event of the pallet")
}

/// What `who` has on hold for `reason`.
fn held(reason: HoldReason, who: u64) -> u64 {
	Balances::balance_on_hold(&reason.into(), &who)
}

fn classes(members: &[DataClass]) -> DataClassSet {
	DataClassSet::of(members)
}

/// Lab results and medications.
fn labs_and_meds() -> DataClassSet {
	classes(&[DataClass::LabResults, DataClass::Medications])
}

/// `practitioner` asks `patient` for lab results and medications for treatment, for
/// `duration`; returns the request id.
fn request(practitioner: u64, patient: u64, duration: Timestamp) -> RequestId {
	let id = crate::NextRequestId::<Test>::get();
	assert_ok!(Access::request_access(
		RuntimeOrigin::signed(practitioner),
		patient,
		labs_and_meds(),
		Purpose::Treatment,
		duration,
		H256::repeat_byte(1),
		0,
	));
	id
}

/// `practitioner` declares an emergency on `patient`; returns its id.
fn declare(practitioner: u64, patient: u64) -> EmergencyId {
	let id = crate::NextEmergencyId::<Test>::get();
	assert_ok!(Access::declare_emergency(
		RuntimeOrigin::signed(practitioner),
		patient,
		H256::repeat_byte(2),
	));
	id
}
