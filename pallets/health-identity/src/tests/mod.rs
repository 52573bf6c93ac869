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

/// Announces `commitment` for `who` as if in the block before this one (tests of the
/// announcement itself move the chain instead).
fn announce(who: u64, commitment: H256) {
	assert_ok!(HealthIdentity::announce_commitment(
		RuntimeOrigin::signed(who),
		Some(HealthIdentity::binding_of(&commitment, &who))
	));
	crate::Announcements::<Test>::mutate(who, |announcement| {
		let announcement = announcement.as_mut().unwrap();
		announcement.announced_at = System::block_number().saturating_sub(1);
	});
}

/// Moves the chain `blocks` blocks on.
fn advance(blocks: u64) {
	System::set_block_number(System::block_number().saturating_add(blocks));
}

/// Registers `who` as a patient in Germany with commitment `h(byte)` (announced first).
fn register_patient(who: u64, byte: u8) {
	announce(who, h(byte));
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
	join(admin, practitioner, PractitionerRole::Physician);
	id
}

/// `admin`'s provider proposes `who` with `role`, and `who` accepts.
fn join(admin: u64, who: u64, role: PractitionerRole) {
	let provider = crate::AdminOf::<Test>::get(admin).unwrap();
	assert_ok!(HealthIdentity::add_practitioner(RuntimeOrigin::signed(admin), who, role));
	assert_ok!(HealthIdentity::accept_practitioner(RuntimeOrigin::signed(who), provider));
}

/// The events of this pallet, in order.
fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::HealthIdentity(event) => Some(event),
			_ => None,
		})
		.collect()
}
