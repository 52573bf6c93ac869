//! Unit tests, one module per call, plus the decision matrix, the fee-free path, the grants
//! other pallets make and the registry traits.
//!
//! Every test runs in [`build_and_execute`], which checks the storage invariants afterwards.

mod decision;
mod directive;
mod feeless;
mod grant;
mod grants;
mod lifecycle;
mod migration;
mod prune;
mod revoke;
mod weight;

use crate::{mock::*, Event, HoldReason, Jurisdictions, Ledgers};
use frame_support::{assert_ok, traits::fungible::InspectHold};
use salus_primitives::{
	ConsentId, DataClass, DataClassSet, Decision, GrantBy, Grantee, Jurisdiction, ProviderId,
	Purpose, PurposeSet, Timestamp,
};

/// The pallet's last event.
fn last_event() -> Event<Test> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Consent(event) => Some(event),
			_ => None,
		})
		.next_back()
		.expect("an event of the pallet")
}

/// What `who` has on hold for consents.
fn held(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::ConsentDeposit.into(), &who)
}

fn classes(members: &[DataClass]) -> DataClassSet {
	DataClassSet::of(members)
}

fn purposes(members: &[Purpose]) -> PurposeSet {
	PurposeSet::of(members)
}

fn jurisdictions(members: &[Jurisdiction]) -> Jurisdictions {
	Jurisdictions::truncate_from(members.to_vec())
}

fn provider(id: ProviderId) -> Grantee<u64> {
	Grantee::Provider(id)
}

/// `patient` permits `grantee` medications for treatment, from now on, until revoked; returns
/// the new consent's id.
fn permit(patient: u64, grantee: Grantee<u64>) -> ConsentId {
	grant(patient, grantee, Decision::Permit, None, None)
}

/// `patient` records `decision` for `grantee` over medications for treatment, valid from
/// `from` until `until`; returns the new consent's id.
fn grant(
	patient: u64,
	grantee: Grantee<u64>,
	decision: Decision,
	from: Option<Timestamp>,
	until: Option<Timestamp>,
) -> ConsentId {
	assert_ok!(Consent::grant_consent(
		RuntimeOrigin::signed(patient),
		grantee,
		decision,
		classes(&[DataClass::Medications]),
		purposes(&[Purpose::Treatment]),
		None,
		from,
		until,
	));
	newest(patient)
}

/// The id of the consent `patient` recorded last: the end of its ledger, which is in id order.
fn newest(patient: u64) -> ConsentId {
	Ledgers::<Test>::get(patient)
		.and_then(|ledger| ledger.consents.last().map(|consent| consent.id))
		.expect("a consent recorded")
}

/// How many consents `patient`'s ledger holds.
fn consent_count(patient: u64) -> usize {
	Ledgers::<Test>::get(patient).map_or(0, |ledger| ledger.consents.len())
}
