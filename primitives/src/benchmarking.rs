//! Fixtures for benchmarks: how a pallet's benchmarks set up patients and providers in the
//! registries it sees only through traits. The identity pallet implements them; a pallet's
//! mock implements them on its mock registries.

use crate::{Jurisdiction, ProviderId, ProviderKind};

/// Puts patients and accredited providers into the identity registry.
pub trait IdentityFixtures<AccountId> {
	/// Gives `who` enough free balance for any deposit a benchmark may hold from it.
	fn fund(who: &AccountId);
	/// Registers `who` as a patient vouched for by an accredited provider (funding it as
	/// needed).
	fn patient(who: &AccountId);
	/// Registers an accredited provider of `kind` in `jurisdiction`, with `who` as one of its
	/// practitioners; returns the provider.
	fn practitioner(who: &AccountId, kind: ProviderKind, jurisdiction: Jurisdiction) -> ProviderId;
}

/// Moves the clock the pallets count time by (the block timestamp).
pub trait ClockFixture {
	/// Sets the current time to `now` (milliseconds since the Unix epoch).
	fn set_now(now: crate::Timestamp);
}

/// Fills the consent registry for the pallets that ask it for decisions.
pub trait ConsentFixtures<AccountId> {
	/// Fills `patient`'s own consents up to their cap, each speaking to `accessor` for every
	/// class and purpose but starting only in the far future: a decision for `accessor` checks
	/// every one of them to the last rule, and none permits.
	fn fill_ledger(patient: &AccountId, accessor: &AccountId);

	/// Fills `patient`'s ledger to `len` entries (at most the registry's cap), no more: own
	/// consents as [`Self::fill_ledger`] makes them, then grants to `accessor` that have
	/// already ended (so the clock moves on by a millisecond). Each is read and checked by a
	/// decision for `accessor`, and none permits.
	fn fill_ledger_to(patient: &AccountId, accessor: &AccountId, len: u32);
}
