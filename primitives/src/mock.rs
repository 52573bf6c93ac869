//! An identity registry for the pallets' unit tests (feature `mock`, never in a runtime).
//!
//! Every Salus pallet but identity sees patients and providers only through
//! [`PatientRegistry`] and [`ProviderRegistry`]; its mock implements both with
//! [`MockIdentity`], whose registry lives in a thread-local (each test runs on its own thread,
//! so each starts empty; [`reset`] empties it). Tests fill it with [`register_patient`], [`vouch`],
//! [`add_provider`] and [`add_practitioner`], and change it with [`deregister_patient`] and
//! [`set_bond`].
//!
//! Accounts are `u64` and balances `u64`, as in every mock runtime. A provider's bond is a
//! number in the registry; [`ProviderRegistry::slash_bond`] takes from it and mints what it
//! takes into the beneficiary's account with `Currency`.

use crate::{
	Jurisdiction, PatientRegistry, ProviderId, ProviderKind, ProviderProfile, ProviderRegistry,
	ProviderStatus,
};
use core::{cell::RefCell, marker::PhantomData};
use frame_support::traits::fungible::Mutate;
use sp_runtime::DispatchError;
use std::collections::{BTreeMap, BTreeSet};

/// The bond every provider added with [`add_provider`] starts with.
pub const PROVIDER_BOND: u64 = 1_000;

/// What the benchmark fixture `IdentityFixtures::fund` gives an account: more than any deposit
/// a mock runtime asks for.
pub const FIXTURE_FUNDS: u64 = 1_000_000;

/// Germany, where every mock patient lives.
#[allow(clippy::expect_used)] // A test helper; "DE" is an assigned code.
pub fn de() -> Jurisdiction {
	Jurisdiction::new(*b"DE").expect("DE is assigned")
}

/// The registry: who is a patient, who is vouched for, which providers exist and who acts for
/// them.
#[derive(Default)]
struct Registry {
	patients: BTreeSet<u64>,
	vouched: BTreeSet<u64>,
	providers: BTreeMap<ProviderId, ProviderProfile>,
	bonds: BTreeMap<ProviderId, u64>,
	practitioners: BTreeMap<u64, ProviderId>,
}

std::thread_local! {
	static REGISTRY: RefCell<Registry> = RefCell::new(Registry::default());
}

fn read<R>(f: impl FnOnce(&Registry) -> R) -> R {
	REGISTRY.with(|registry| f(&registry.borrow()))
}

fn write<R>(f: impl FnOnce(&mut Registry) -> R) -> R {
	REGISTRY.with(|registry| f(&mut registry.borrow_mut()))
}

/// Empties the registry. A mock's externalities start with it, since a benchmark test suite
/// builds externalities for every benchmark on one thread.
pub fn reset() {
	write(|registry| *registry = Registry::default());
}

/// Registers `who` as a patient in [`de`], not vouched for.
pub fn register_patient(who: u64) {
	write(|registry| registry.patients.insert(who));
}

/// Registers `who` as a patient vouched for by an accredited provider.
pub fn vouch(who: u64) {
	write(|registry| {
		registry.patients.insert(who);
		registry.vouched.insert(who)
	});
}

/// Removes `who` from the patients (and from those vouched for).
pub fn deregister_patient(who: u64) {
	write(|registry| {
		registry.patients.remove(&who);
		registry.vouched.remove(&who)
	});
}

/// Adds a provider of `kind` in `jurisdiction` with `status`, a bond of [`PROVIDER_BOND`] and
/// `admin` as its first practitioner; returns its id (the providers are numbered from 0).
pub fn add_provider(
	admin: u64,
	kind: ProviderKind,
	jurisdiction: Jurisdiction,
	status: ProviderStatus,
) -> ProviderId {
	write(|registry| {
		let id = registry.providers.keys().next_back().map_or(0, |last| last.saturating_add(1));
		registry.providers.insert(id, ProviderProfile { kind, jurisdiction, status });
		registry.bonds.insert(id, PROVIDER_BOND);
		registry.practitioners.insert(admin, id);
		id
	})
}

/// Makes `who` a practitioner of `provider`.
pub fn add_practitioner(who: u64, provider: ProviderId) {
	write(|registry| registry.practitioners.insert(who, provider));
}

/// Sets what is left of `provider`'s bond.
pub fn set_bond(provider: ProviderId, amount: u64) {
	write(|registry| registry.bonds.insert(provider, amount));
}

/// What is left of `provider`'s bond.
pub fn bond(provider: ProviderId) -> Option<u64> {
	read(|registry| registry.bonds.get(&provider).copied())
}

/// The registry above, seen through the traits; `Currency` pays what a slash takes.
pub struct MockIdentity<Currency>(PhantomData<Currency>);

impl<Currency: Mutate<u64, Balance = u64>> ProviderRegistry<u64> for MockIdentity<Currency> {
	type Balance = u64;
	fn provider_of(who: &u64) -> Option<ProviderId> {
		read(|registry| registry.practitioners.get(who).copied())
	}
	fn profile(provider: ProviderId) -> Option<ProviderProfile> {
		read(|registry| registry.providers.get(&provider).copied())
	}
	/// The provider's practitioner with the lowest account.
	fn admin(provider: ProviderId) -> Option<u64> {
		read(|registry| {
			registry
				.practitioners
				.iter()
				.find(|(_, of)| **of == provider)
				.map(|(who, _)| *who)
		})
	}
	fn slash_bond(provider: ProviderId, amount: u64, to: &u64) -> Result<u64, DispatchError> {
		let bond = bond(provider).ok_or(DispatchError::CannotLookup)?;
		let moved = amount.min(bond);
		Currency::mint_into(to, moved)?;
		write(|registry| registry.bonds.insert(provider, bond.saturating_sub(moved)));
		Ok(moved)
	}
	fn suspend(provider: ProviderId) -> Result<(), DispatchError> {
		write(|registry| match registry.providers.get_mut(&provider) {
			Some(profile) if profile.status.can_become(ProviderStatus::Suspended) => {
				profile.status = ProviderStatus::Suspended;
				Ok(())
			},
			_ => Err(DispatchError::Other("cannot suspend")),
		})
	}
}

impl<Currency> PatientRegistry<u64> for MockIdentity<Currency> {
	fn is_registered(who: &u64) -> bool {
		read(|registry| registry.patients.contains(who))
	}
	fn jurisdiction(who: &u64) -> Option<Jurisdiction> {
		Self::is_registered(who).then(de)
	}
	fn is_vouched(who: &u64) -> bool {
		read(|registry| registry.vouched.contains(who))
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl<Currency: Mutate<u64, Balance = u64>> crate::benchmarking::IdentityFixtures<u64>
	for MockIdentity<Currency>
{
	fn fund(who: &u64) {
		Currency::set_balance(who, FIXTURE_FUNDS);
	}
	fn patient(who: &u64) {
		Self::fund(who);
		vouch(*who);
	}
	fn practitioner(who: &u64, kind: ProviderKind, jurisdiction: Jurisdiction) -> ProviderId {
		Self::fund(who);
		add_provider(*who, kind, jurisdiction, ProviderStatus::Accredited)
	}
}
