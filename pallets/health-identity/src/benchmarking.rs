//! Benchmarks of every call, each in its worst case.
// Benchmark setup that cannot proceed should stop the benchmark loudly.
#![allow(clippy::expect_used)]

use super::*;
use crate::Pallet as HealthIdentity;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get,
};
use frame_system::RawOrigin;
use salus_primitives::{
	DataClass, Jurisdiction, PractitionerRole, ProviderId, ProviderKind, ProviderStatus,
};
use sp_core::H256;
use sp_runtime::traits::Saturating;

const SEED: u32 = 0;

/// An account with enough free balance for every deposit and bond it may pay here.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, SEED);
	fund::<T>(&who);
	who
}

/// Gives `who` a thousand times every deposit and bond of the pallet.
fn fund<T: Config>(who: &T::AccountId) {
	let deposits = T::ProviderBond::get()
		.saturating_add(T::PatientDeposit::get())
		.saturating_add(T::PractitionerDeposit::get())
		.saturating_add(T::RecordDeposit::get())
		.saturating_add(T::LinkDeposit::get());
	let amount = deposits
		.saturating_add(T::Currency::minimum_balance())
		.saturating_mul(1_000u32.into());
	T::Currency::set_balance(who, amount);
}

fn jurisdiction() -> Jurisdiction {
	Jurisdiction::from_code("DE").expect("DE is an assigned code")
}

fn full_name() -> ProviderName {
	ProviderName::truncate_from(alloc::vec![b'n'; MAX_PROVIDER_NAME_LEN as usize])
}

fn new_patient<T: Config>(who: &T::AccountId, byte: u8) {
	let origin = RawOrigin::Signed(who.clone()).into();
	HealthIdentity::<T>::register_patient(origin, H256::repeat_byte(byte), jurisdiction(), None)
		.expect("patient registers");
}

/// A provider of `kind` managed by a funded admin; returns its id and admin.
fn new_provider<T: Config>(index: u32, kind: ProviderKind) -> (ProviderId, T::AccountId) {
	let admin = funded::<T>("admin", index);
	let id = NextProviderId::<T>::get();
	HealthIdentity::<T>::register_provider(
		RawOrigin::Signed(admin.clone()).into(),
		full_name(),
		kind,
		jurisdiction(),
		None,
	)
	.expect("provider registers");
	(id, admin)
}

/// Patients and accredited providers for other pallets' benchmarks, made through this pallet's
/// calls.
impl<T: Config> salus_primitives::benchmarking::IdentityFixtures<T::AccountId> for Pallet<T> {
	fn fund(who: &T::AccountId) {
		fund::<T>(who);
	}

	fn patient(who: &T::AccountId) {
		fund::<T>(who);
		let commitment =
			<sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash_of(who);
		HealthIdentity::<T>::register_patient(
			RawOrigin::Signed(who.clone()).into(),
			commitment,
			jurisdiction(),
			None,
		)
		.expect("fixture patient registers");
		// Vouched for, as the pallets that reward vouched patients need for their worst case.
		let voucher: T::AccountId = account("fixture-voucher", 0, SEED);
		if !Practitioners::<T>::contains_key(&voucher) {
			Self::practitioner(&voucher, ProviderKind::Hospital, jurisdiction());
		}
		HealthIdentity::<T>::vouch_patient(RawOrigin::Signed(voucher).into(), who.clone())
			.expect("fixture patient is vouched for");
	}

	fn practitioner(
		who: &T::AccountId,
		kind: ProviderKind,
		jurisdiction: Jurisdiction,
	) -> ProviderId {
		let id = NextProviderId::<T>::get();
		let admin = funded::<T>("fixture-admin", id);
		HealthIdentity::<T>::register_provider(
			RawOrigin::Signed(admin.clone()).into(),
			full_name(),
			kind,
			jurisdiction,
			None,
		)
		.expect("fixture provider registers");
		HealthIdentity::<T>::change_status(id, ProviderStatus::Accredited)
			.expect("fixture provider is accredited");
		fund::<T>(who);
		HealthIdentity::<T>::add_practitioner(
			RawOrigin::Signed(admin).into(),
			who.clone(),
			PractitionerRole::Physician,
		)
		.expect("fixture practitioner added");
		id
	}
}

/// An accredited hospital with one practitioner; returns its id, admin and practitioner.
fn accredited_hospital<T: Config>() -> (ProviderId, T::AccountId, T::AccountId) {
	let (id, admin) = new_provider::<T>(0, ProviderKind::Hospital);
	Providers::<T>::mutate(id, |provider| {
		if let Some(provider) = provider {
			provider.status = ProviderStatus::Accredited;
		}
	});
	let practitioner = funded::<T>("practitioner", 0);
	HealthIdentity::<T>::add_practitioner(
		RawOrigin::Signed(admin.clone()).into(),
		practitioner.clone(),
		PractitionerRole::Physician,
	)
	.expect("practitioner added");
	(id, admin, practitioner)
}

/// An accredited hospital with one practitioner, and a registered patient; returns the
/// hospital's id, the practitioner and the patient.
fn hospital_and_patient<T: Config>() -> (ProviderId, T::AccountId, T::AccountId) {
	let (id, _, practitioner) = accredited_hospital::<T>();
	let patient = funded::<T>("patient", 0);
	new_patient::<T>(&patient, 1);
	(id, practitioner, patient)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	// Worst case: a key is stored.
	#[benchmark]
	fn register_patient() {
		let patient = funded::<T>("patient", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), H256::repeat_byte(1), jurisdiction(), Some([1; 32]));
		assert!(Patients::<T>::contains_key(&patient));
	}

	#[benchmark]
	fn update_encryption_key() {
		let patient = funded::<T>("patient", 0);
		new_patient::<T>(&patient, 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), Some([2; 32]));
		assert_eq!(Patients::<T>::get(&patient).and_then(|p| p.encryption_key), Some([2; 32]));
	}

	#[benchmark]
	fn deregister_patient() {
		let patient = funded::<T>("patient", 0);
		new_patient::<T>(&patient, 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()));
		assert!(!Patients::<T>::contains_key(&patient));
	}

	// Worst case: a department, whose parent is read and checked, with a name of `n` bytes.
	#[benchmark]
	fn register_provider(n: Linear<1, MAX_PROVIDER_NAME_LEN>) {
		let (parent, _) = new_provider::<T>(0, ProviderKind::Hospital);
		let admin = funded::<T>("admin", 1);
		let name = ProviderName::truncate_from(alloc::vec![b'n'; n as usize]);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(admin.clone()),
			name,
			ProviderKind::Department,
			jurisdiction(),
			Some(parent),
		);
		assert!(AdminOf::<T>::contains_key(&admin));
	}

	#[benchmark]
	fn set_provider_status() -> Result<(), BenchmarkError> {
		let (id, _) = new_provider::<T>(0, ProviderKind::Hospital);
		let origin = T::AccreditationOrigin::try_successful_origin()
			.map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id, ProviderStatus::Accredited);
		assert_eq!(Providers::<T>::get(id).map(|p| p.status), Some(ProviderStatus::Accredited));
		Ok(())
	}

	// The provider's practitioner count is a stored field: the cost does not depend on it.
	#[benchmark]
	fn add_practitioner() {
		let (id, admin) = new_provider::<T>(0, ProviderKind::Hospital);
		let practitioner: T::AccountId = account("practitioner", 0, SEED);
		#[extrinsic_call]
		_(RawOrigin::Signed(admin), practitioner.clone(), PractitionerRole::Physician);
		assert_eq!(Practitioners::<T>::get(&practitioner).map(|p| p.provider), Some(id));
	}

	#[benchmark]
	fn remove_practitioner() {
		let (_, admin, practitioner) = accredited_hospital::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(admin), practitioner.clone());
		assert!(!Practitioners::<T>::contains_key(&practitioner));
	}

	#[benchmark]
	fn transfer_admin() {
		let (id, admin) = new_provider::<T>(0, ProviderKind::Hospital);
		let new_admin: T::AccountId = account("new-admin", 0, SEED);
		#[extrinsic_call]
		_(RawOrigin::Signed(admin), new_admin.clone());
		assert_eq!(AdminOf::<T>::get(&new_admin), Some(id));
	}

	#[benchmark]
	fn vouch_patient() {
		let (id, practitioner, patient) = hospital_and_patient::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(practitioner), patient.clone());
		assert_eq!(Patients::<T>::get(&patient).and_then(|p| p.vouched_by), Some(id));
	}

	// Worst case: the patient is vouched for, so the record events' listener (the rewards
	// pallet, as wired) credits it.
	#[benchmark]
	fn anchor_record() {
		let (_, practitioner, patient) = hospital_and_patient::<T>();
		HealthIdentity::<T>::vouch_patient(
			RawOrigin::Signed(practitioner.clone()).into(),
			patient.clone(),
		)
		.expect("the hospital vouches for the patient");
		let hash = H256::repeat_byte(9);
		#[extrinsic_call]
		_(RawOrigin::Signed(practitioner), patient, hash, DataClass::Genomics);
		assert!(Records::<T>::contains_key(hash));
	}

	#[benchmark]
	fn propose_link() {
		let (id, practitioner, patient) = hospital_and_patient::<T>();
		let locator = H256::repeat_byte(8);
		#[extrinsic_call]
		_(RawOrigin::Signed(practitioner), patient, locator);
		assert!(Links::<T>::contains_key(id, locator));
	}

	#[benchmark]
	fn accept_link() {
		let (id, practitioner, patient) = hospital_and_patient::<T>();
		let locator = H256::repeat_byte(8);
		HealthIdentity::<T>::propose_link(
			RawOrigin::Signed(practitioner).into(),
			patient.clone(),
			locator,
		)
		.expect("link proposed");
		#[extrinsic_call]
		_(RawOrigin::Signed(patient), id, locator);
		assert_eq!(Links::<T>::get(id, locator).map(|link| link.accepted), Some(true));
	}

	impl_benchmark_test_suite!(HealthIdentity, crate::mock::new_test_ext(), crate::mock::Test);
}
