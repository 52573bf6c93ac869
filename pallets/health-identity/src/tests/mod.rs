//! Unit tests, grouped by area. Every test runs in [`build_and_execute`], which checks the
//! pallet's storage invariants after the test body; every error path is checked with
//! `assert_noop!`, which also asserts that storage did not change.

mod links;
mod patients;
mod practitioners;
mod providers;
mod records;
mod registry;

use crate::{mock::*, Event, HoldReason};
use frame_support::{assert_ok, traits::fungible::InspectHold};
use salus_primitives::{Jurisdiction, PractitionerRole, ProviderId, ProviderKind, ProviderStatus};
use sp_core::H256;

/// A jurisdiction from its code.
fn j(code: &str) -> Jurisdiction {
	Jurisdiction::from_code(code).unwrap()
}

/// A hash whose every byte is `byte`.
fn h(byte: u8) -> H256 {
	H256::repeat_byte(byte)
}

/// A provider name.
fn name(text: &str) -> crate::ProviderName {
	text.as_bytes().to_vec().try_into().unwrap()
}

/// What `who` has on hold for `reason`.
fn held(reason: HoldReason, who: u64) -> u64 {
	Balances::balance_on_hold(&reason.into(), &who)
}

/// The last event of this pallet.
fn last_event() -> Event<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|record| match record.event {
			RuntimeEvent::HealthIdentity(event) => Some(event),
			_ => None,
		})
		.expect("an event of the pallet")
}

/// Registers `who` as a patient in Germany with commitment `h(byte)`.
fn register_patient(who: u64, byte: u8) {
	assert_ok!(HealthIdentity::register_patient(
		RuntimeOrigin::signed(who),
		h(byte),
		j("DE"),
		None
	));
}

/// Registers a provider of `kind` managed by `admin`; returns its id.
fn register(admin: u64, kind: ProviderKind, parent: Option<ProviderId>) -> ProviderId {
	let id = crate::NextProviderId::<Test>::get();
	assert_ok!(HealthIdentity::register_provider(
		RuntimeOrigin::signed(admin),
		name("Charité"),
		kind,
		j("DE"),
		parent
	));
	id
}

/// Sets a provider's status through the accreditation origin.
fn set_status(provider: ProviderId, status: ProviderStatus) {
	assert_ok!(HealthIdentity::set_provider_status(RuntimeOrigin::root(), provider, status));
}

/// An accredited hospital managed by `admin` with `practitioner` as its physician.
fn accredited_hospital(admin: u64, practitioner: u64) -> ProviderId {
	let id = register(admin, ProviderKind::Hospital, None);
	set_status(id, ProviderStatus::Accredited);
	assert_ok!(HealthIdentity::add_practitioner(
		RuntimeOrigin::signed(admin),
		practitioner,
		PractitionerRole::Physician
	));
	id
}
