//! An identity registry for the pallets' unit tests (feature `mock`, never in a runtime).
//!
//! Every Salus pallet but identity sees patients and providers only through
//! [`PatientRegistry`] and [`ProviderRegistry`]; its mock implements both with
//! [`MockIdentity`], whose registry lives in a thread-local (each test runs on its own thread,
//! so each starts empty; [`reset`] empties it). Tests fill it with [`register_patient`], [`vouch`],
//! [`vouch_by`], [`add_provider`], [`add_practitioner`] and [`affiliate`], and change it with
//! [`deregister_patient`], [`set_status`] and [`set_bond`].
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
	/// Who vouched for each vouched patient: `None` for an accredited provider outside the
	/// registry ([`vouch`]), which always counts.
	vouched: BTreeMap<u64, Option<ProviderId>>,
	/// Stakes in providers other than being their practitioner or admin ([`affiliate`]).
	affiliations: BTreeSet<(u64, ProviderId)>,
	providers: BTreeMap<ProviderId, ProviderProfile>,
	bonds: BTreeMap<ProviderId, u64>,
	practitioners: BTreeMap<u64, ProviderId>,
	/// Admins who are not (or not only) practitioners ([`set_admin`]).
	admins: BTreeMap<ProviderId, u64>,
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

/// What [`PatientRegistry::vouched_by`] answers for a patient vouched for with [`vouch`].
pub const OUTSIDE_VOUCHER: ProviderId = ProviderId::MAX;

/// Registers `who` as a patient vouched for by an accredited provider outside the registry
/// (the vouch always counts).
pub fn vouch(who: u64) {
	write(|registry| {
		registry.patients.insert(who);
		registry.vouched.insert(who, None)
	});
}

/// Registers `who` as a patient vouched for by `provider`: the vouch counts while `provider`
/// is accredited.
pub fn vouch_by(who: u64, provider: ProviderId) {
	write(|registry| {
		registry.patients.insert(who);
		registry.vouched.insert(who, Some(provider))
	});
}

/// Gives `who` a stake in `provider` (as its bonder, or through its family), so that
/// [`ProviderRegistry::is_affiliated`] answers yes.
pub fn affiliate(who: u64, provider: ProviderId) {
	write(|registry| registry.affiliations.insert((who, provider)));
}

/// Sets `provider`'s status, whatever it was.
pub fn set_status(provider: ProviderId, status: ProviderStatus) {
	write(|registry| {
		if let Some(profile) = registry.providers.get_mut(&provider) {
			profile.status = status;
		}
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

/// Makes `who` the admin of `provider` (without making it a practitioner), as a provider's
/// registrant is on chain.
pub fn set_admin(provider: ProviderId, who: u64) {
	write(|registry| registry.admins.insert(provider, who));
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
	/// The admin [`set_admin`] set, or else the provider's practitioner with the lowest
	/// account.
	fn admin(provider: ProviderId) -> Option<u64> {
		read(|registry| {
			registry.admins.get(&provider).copied().or_else(|| {
				registry
					.practitioners
					.iter()
					.find(|(_, of)| **of == provider)
					.map(|(who, _)| *who)
			})
		})
	}
	fn slash_bond(provider: ProviderId, amount: u64, to: &u64) -> Result<u64, DispatchError> {
		let bond = bond(provider).ok_or(DispatchError::CannotLookup)?;
		let moved = amount.min(bond);
		Currency::mint_into(to, moved)?;
		write(|registry| registry.bonds.insert(provider, bond.saturating_sub(moved)));
		Ok(moved)
	}
	fn is_affiliated(who: &u64, provider: ProviderId) -> bool {
		Self::provider_of(who) == Some(provider)
			|| Self::admin(provider) == Some(*who)
			|| read(|registry| registry.affiliations.contains(&(*who, provider)))
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
	fn vouched_by(who: &u64) -> Option<ProviderId> {
		match read(|registry| registry.vouched.get(who).copied())? {
			None => Some(OUTSIDE_VOUCHER),
			Some(provider) => {
				let accredited = read(|registry| {
					registry
						.providers
						.get(&provider)
						.is_some_and(|profile| profile.status == ProviderStatus::Accredited)
				});
				accredited.then_some(provider)
			},
		}
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
