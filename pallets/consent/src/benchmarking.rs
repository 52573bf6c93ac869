//! Benchmarks of every call, and of the access decision, each in its worst case: the patient's
//! ledger holding `c` consents of the largest encoding (up to the ledger's cap, `MaxConsents`
//! of its own plus `MaxGrants` grants).
//!
//! The signer's `System::Account` is whitelisted (not counted), as polkadot-sdk's benchmarks
//! whitelist their caller: every signed transaction's nonce check and fee payment already read
//! and write it, and the transaction extensions' weights charge for that. A call dispatched
//! for another account through a proxy or a multisig is therefore charged one account read
//! and write short of what it does.
// Benchmark setup that cannot proceed should stop the benchmark loudly.
#![allow(clippy::expect_used)]

use super::*;
use crate::Pallet as ConsentRegistry;
use frame_benchmarking::v2::*;
use frame_support::traits::Get;
use frame_system::RawOrigin;
use salus_primitives::{
	benchmarking::{ClockFixture, IdentityFixtures},
	AccessDecision, DataClass, DataClassSet, Decision, DenyReason, Grant, GrantBy, GrantSource,
	Grantee, Jurisdiction, ProviderKind, Purpose, PurposeSet, Timestamp,
};

const SEED: u32 = 0;
/// Consents are recorded at this time and expire soon after.
const T0: u64 = 1_000;

fn de() -> Jurisdiction {
	Jurisdiction::from_code("DE").expect("DE is an assigned code")
}

/// The largest jurisdiction list: `MAX_JURISDICTIONS` codes, the hospital's among them.
fn full_jurisdictions() -> Jurisdictions {
	let mut codes = alloc::vec![de()];
	let mut candidates = (b'A'..=b'Z')
		.flat_map(|first| (b'A'..=b'Z').map(move |second| [first, second]))
		.filter_map(|code| Jurisdiction::new(code).ok());
	while codes.len() < MAX_JURISDICTIONS as usize {
		let code = candidates.next().expect("more assigned codes than the bound");
		if code != de() {
			codes.push(code);
		}
	}
	Jurisdictions::truncate_from(codes)
}

/// A registered patient and a practitioner of an accredited hospital.
fn patient_and_practitioner<T: Config>() -> (T::AccountId, T::AccountId) {
	T::Clock::set_now(T0);
	// Consent ids come from the block's number, and block 0 gives none.
	if frame_system::Pallet::<T>::block_number() < 1u32.into() {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
	}
	let patient: T::AccountId = account("patient", 0, SEED);
	T::Fixtures::patient(&patient);
	let practitioner: T::AccountId = account("practitioner", 0, SEED);
	T::Fixtures::practitioner(&practitioner, ProviderKind::Hospital, de());
	(patient, practitioner)
}

/// Fills `patient`'s ledger with `count` consents that all speak to `practitioner`, cover
/// medications for treatment and expire at `T0 + 1`: the patient's own first (at most
/// `own_limit`), grants after.
fn fill<T: Config>(
	patient: &T::AccountId,
	practitioner: &T::AccountId,
	count: u32,
	own_limit: u32,
) {
	let own = count.min(own_limit);
	for _ in 0..own {
		ConsentRegistry::<T>::grant_consent(
			RawOrigin::Signed(patient.clone()).into(),
			Grantee::Practitioner(practitioner.clone()),
			Decision::Permit,
			DataClassSet::full(),
			PurposeSet::full(),
			Some(full_jurisdictions()),
			None,
			Some(T0 + 1),
		)
		.expect("consent recorded");
	}
	for request in own..count {
		ConsentRegistry::<T>::do_grant(
			patient,
			Grant {
				grantee: Grantee::Practitioner(practitioner.clone()),
				classes: DataClassSet::full(),
				purposes: PurposeSet::full(),
				valid_until: T0 + 1,
				source: GrantSource::Request(request.into()),
			},
			GrantBy::Provider,
		)
		.expect("grant recorded");
	}
	assert_eq!(ConsentRegistry::<T>::consents_of(patient).len() as u32, count);
}

/// One consent of `patient`'s own that speaks to `accessor` for every class, purpose and
/// jurisdiction but starts only in 2100: a decision for `accessor` checks it to the last rule,
/// and it never permits.
fn far_future_consent<T: Config>(patient: &T::AccountId, accessor: &T::AccountId) {
	// 2100-01-01: later than any clock a benchmark sets.
	let far_future: Timestamp = 4_102_444_800_000;
	ConsentRegistry::<T>::grant_consent(
		RawOrigin::Signed(patient.clone()).into(),
		Grantee::Practitioner(accessor.clone()),
		Decision::Permit,
		DataClassSet::full(),
		PurposeSet::full(),
		Some(full_jurisdictions()),
		Some(far_future),
		None,
	)
	.expect("consent recorded");
}

impl<T: Config> salus_primitives::benchmarking::ConsentFixtures<T::AccountId>
	for ConsentRegistry<T>
{
	fn fill_ledger(patient: &T::AccountId, accessor: &T::AccountId) {
		let own = ConsentRegistry::<T>::consents_of(patient)
			.iter()
			.filter(|consent| consent.is_patients())
			.count() as u32;
		for _ in own..T::MaxConsents::get() {
			far_future_consent::<T>(patient, accessor);
		}
	}

	/// Own consents first, counting whatever the ledger holds already, then ended grants.
	fn fill_ledger_to(patient: &T::AccountId, accessor: &T::AccountId, len: u32) {
		let len = len.min(ConsentCap::<T>::get());
		let own = len.min(T::MaxConsents::get());
		while (ConsentRegistry::<T>::consents_of(patient).len() as u32) < own {
			far_future_consent::<T>(patient, accessor);
		}
		let now = <T::Time as frame_support::traits::Time>::now();
		for request in 0u64.. {
			if ConsentRegistry::<T>::consents_of(patient).len() as u32 >= len {
				break;
			}
			ConsentRegistry::<T>::do_grant(
				patient,
				Grant {
					grantee: Grantee::Practitioner(accessor.clone()),
					classes: DataClassSet::full(),
					purposes: PurposeSet::full(),
					valid_until: now.saturating_add(1),
					source: GrantSource::Request(request.saturating_add(2_000_000)),
				},
				GrantBy::Provider,
			)
			.expect("grant recorded");
		}
		T::Clock::set_now(now.saturating_add(1));
		assert_eq!(ConsentRegistry::<T>::consents_of(patient).len() as u32, len);
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Worst case: the ledger holds `c` consents (the patient's own below `MaxConsents`),
	/// and the new one has the longest jurisdiction list and a practitioner grantee.
	#[benchmark]
	fn grant_consent(c: Linear<0, { ConsentCap::<T>::get().saturating_sub(1) }>) {
		let (patient, practitioner) = patient_and_practitioner::<T>();
		fill::<T>(&patient, &practitioner, c, T::MaxConsents::get().saturating_sub(1));
		let jurisdictions = Some(full_jurisdictions());

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(patient);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(patient.clone()),
			Grantee::Practitioner(practitioner),
			Decision::Permit,
			DataClassSet::full(),
			PurposeSet::full(),
			jurisdictions,
			None,
			None,
		);

		assert_eq!(ConsentRegistry::<T>::consents_of(&patient).len() as u32, c.saturating_add(1));
	}

	/// Worst case: the ledger holds `c` consents; the last of the patient's own is revoked.
	#[benchmark]
	fn revoke_consent(c: Linear<1, { ConsentCap::<T>::get() }>) {
		let (patient, practitioner) = patient_and_practitioner::<T>();
		fill::<T>(&patient, &practitioner, c, T::MaxConsents::get());
		let own = c.min(T::MaxConsents::get());
		let id = ConsentRegistry::<T>::consents_of(&patient)
			.get(own.saturating_sub(1) as usize)
			.expect("an own consent")
			.id;

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(patient);
		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), id);

		assert_eq!(ConsentRegistry::<T>::consent(id).expect("kept").1.revoked_at, Some(T0));
	}

	/// Worst case: the ledger holds `c` consents, rewritten with the new directive.
	#[benchmark]
	fn set_emergency_directive(c: Linear<0, { ConsentCap::<T>::get() }>) {
		let (patient, practitioner) = patient_and_practitioner::<T>();
		fill::<T>(&patient, &practitioner, c, T::MaxConsents::get());

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(patient);
		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), DataClassSet::sensitive());

		assert_eq!(ConsentRegistry::<T>::emergency_directive(&patient), DataClassSet::sensitive());
	}

	/// Worst case: the ledger holds `c` consents; the first (an own consent, with a deposit
	/// to release) is pruned after its retention.
	#[benchmark]
	fn prune_consent(c: Linear<1, { ConsentCap::<T>::get() }>) {
		let (patient, practitioner) = patient_and_practitioner::<T>();
		fill::<T>(&patient, &practitioner, c, T::MaxConsents::get());
		let id = ConsentRegistry::<T>::consents_of(&patient).first().expect("a consent").id;
		T::Clock::set_now(T0.saturating_add(1).saturating_add(T::ConsentRetention::get()));
		let caller: T::AccountId = whitelisted_caller();

		// The transaction's nonce and fee already read and write the signer's account.
		whitelist_account!(caller);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id);

		assert!(ConsentRegistry::<T>::consent(id).is_none());
	}

	/// The hot path. Worst case: `c` consents that all speak to the accessor and are each
	/// checked to the end (every class, purpose and jurisdiction check passes, and then each
	/// turns out expired), so no early answer.
	#[benchmark]
	fn check_access(c: Linear<0, { ConsentCap::<T>::get() }>) {
		let (patient, practitioner) = patient_and_practitioner::<T>();
		fill::<T>(&patient, &practitioner, c, T::MaxConsents::get());
		let decision;

		#[block]
		{
			decision = ConsentRegistry::<T>::check_access(
				&patient,
				&practitioner,
				DataClass::Genomics,
				Purpose::Research,
				T0 + 1,
			);
		}

		let expected = match ConsentRegistry::<T>::consents_of(&patient).last() {
			Some(consent) => DenyReason::Expired(consent.id),
			None => DenyReason::NoConsent,
		};
		assert_eq!(decision, AccessDecision::Deny { reason: expected });
	}

	impl_benchmark_test_suite!(ConsentRegistry, crate::mock::new_test_ext(), crate::mock::Test);
}
