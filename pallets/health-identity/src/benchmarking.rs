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
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use salus_primitives::{Jurisdiction, PractitionerRole, ProviderId, ProviderKind, ProviderStatus};
use sp_core::H256;
use sp_runtime::traits::{One, Saturating, Zero};

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

/// Moves the chain `blocks` blocks on.
fn advance<T: Config>(blocks: BlockNumberFor<T>) {
	let now = frame_system::Pallet::<T>::block_number();
	frame_system::Pallet::<T>::set_block_number(now.saturating_add(blocks));
}

/// Announces `commitment` for `who`, in a block before the current one.
fn announce<T: Config>(who: &T::AccountId, commitment: H256) {
	if frame_system::Pallet::<T>::block_number().is_zero() {
		frame_system::Pallet::<T>::set_block_number(One::one());
	}
	let binding = HealthIdentity::<T>::binding_of(&commitment, who);
	HealthIdentity::<T>::announce_commitment(RawOrigin::Signed(who.clone()).into(), Some(binding))
		.expect("announced");
	// As if announced a block ago, without moving the chain (other pallets' benchmarks count
	// time too).
	Announcements::<T>::mutate(who, |announcement| {
		if let Some(announcement) = announcement {
			announcement.announced_at = announcement.announced_at.saturating_sub(One::one());
		}
	});
}

/// Registers `who` (funded) as a patient with commitment `commitment`.
fn register<T: Config>(who: &T::AccountId, commitment: H256) {
	announce::<T>(who, commitment);
	HealthIdentity::<T>::register_patient(
		RawOrigin::Signed(who.clone()).into(),
		commitment,
		jurisdiction(),
		None,
	)
	.expect("patient registers");
}

fn new_patient<T: Config>(who: &T::AccountId, byte: u8) {
	register::<T>(who, H256::repeat_byte(byte));
}

/// A provider of `kind` (with `parent`) managed by a funded admin; returns its id and admin.
fn new_provider<T: Config>(
	index: u32,
	kind: ProviderKind,
	parent: Option<ProviderId>,
) -> (ProviderId, T::AccountId) {
	let admin = funded::<T>("admin", index);
	let id = NextProviderId::<T>::get();
	HealthIdentity::<T>::register_provider(
		RawOrigin::Signed(admin.clone()).into(),
		full_name(),
		kind,
		jurisdiction(),
		parent,
	)
	.expect("provider registers");
	(id, admin)
}

/// `admin`'s provider proposes `who` and `who` accepts.
fn join<T: Config>(admin: &T::AccountId, who: &T::AccountId, provider: ProviderId) {
	HealthIdentity::<T>::add_practitioner(
		RawOrigin::Signed(admin.clone()).into(),
		who.clone(),
		PractitionerRole::Physician,
	)
	.expect("practitioner proposed");
	HealthIdentity::<T>::accept_practitioner(RawOrigin::Signed(who.clone()).into(), provider)
		.expect("practitioner accepts");
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
		register::<T>(who, commitment);
		// Vouched for, as the pallets that reward vouched patients need for their worst case.
		let voucher: T::AccountId = account("fixture-voucher", 0, SEED);
		if !Practitioners::<T>::contains_key(&voucher) {
			Self::practitioner(&voucher, ProviderKind::Hospital, jurisdiction());
		}
		// Vouching is rate-limited per provider: a fixture is not.
		if let Some(provider) = Practitioners::<T>::get(&voucher).map(|p| p.provider) {
			Providers::<T>::mutate(provider, |entry| {
				if let Some(entry) = entry {
					entry.vouches = 0;
				}
			});
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
		join::<T>(&admin, who, id);
		id
	}
}

/// An accredited hospital (the `index`th) with one practitioner; returns its id, admin and
/// practitioner.
fn accredited_hospital<T: Config>(index: u32) -> (ProviderId, T::AccountId, T::AccountId) {
	let (id, admin) = new_provider::<T>(index, ProviderKind::Hospital, None);
	HealthIdentity::<T>::change_status(id, ProviderStatus::Accredited).expect("accredited");
	let practitioner = funded::<T>("practitioner", index);
	join::<T>(&admin, &practitioner, id);
	(id, admin, practitioner)
}

/// An accredited hospital with one practitioner, and a registered patient; returns the
/// hospital's id, the practitioner and the patient.
fn hospital_and_patient<T: Config>() -> (ProviderId, T::AccountId, T::AccountId) {
	let (id, _, practitioner) = accredited_hospital::<T>(0);
	let patient = funded::<T>("patient", 0);
	new_patient::<T>(&patient, 1);
	(id, practitioner, patient)
}

/// A hospital and its accepted department; returns the department's id and admin.
fn accepted_department<T: Config>() -> (ProviderId, T::AccountId) {
	let (parent, parent_admin) = new_provider::<T>(0, ProviderKind::Hospital, None);
	let (department, admin) = new_provider::<T>(1, ProviderKind::Department, Some(parent));
	HealthIdentity::<T>::accept_department(RawOrigin::Signed(parent_admin).into(), department)
		.expect("department accepted");
	(department, admin)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	// Worst case: a key is stored, and the caller takes back its own retired commitment
	// (whose deposit is released).
	#[benchmark]
	fn register_patient() {
		let patient = funded::<T>("patient", 0);
		let commitment = H256::repeat_byte(1);
		register::<T>(&patient, commitment);
		HealthIdentity::<T>::deregister_patient(RawOrigin::Signed(patient.clone()).into())
			.expect("deregistered");
		announce::<T>(&patient, commitment);
		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), commitment, jurisdiction(), Some([1; 32]));
		assert!(Patients::<T>::contains_key(&patient));
		assert!(!RetiredCommitments::<T>::contains_key(commitment));
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
		assert!(RetiredCommitments::<T>::contains_key(H256::repeat_byte(1)));
	}

	// Worst case: a department, whose parent is read and checked, with a name of `n` bytes.
	#[benchmark]
	fn register_provider(n: Linear<1, MAX_PROVIDER_NAME_LEN>) {
		let (parent, _) = new_provider::<T>(0, ProviderKind::Hospital, None);
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

	// Worst case: accrediting a department, whose acceptance by its parent is read.
	#[benchmark]
	fn set_provider_status() -> Result<(), BenchmarkError> {
		let (id, _) = accepted_department::<T>();
		let origin = T::AccreditationOrigin::try_successful_origin()
			.map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id, ProviderStatus::Accredited);
		assert_eq!(Providers::<T>::get(id).map(|p| p.status), Some(ProviderStatus::Accredited));
		Ok(())
	}

	// The provider's practitioner and proposal counts are stored fields: the cost does not
	// depend on them.
	#[benchmark]
	fn add_practitioner() {
		let (id, admin) = new_provider::<T>(0, ProviderKind::Hospital, None);
		let practitioner: T::AccountId = account("practitioner", 0, SEED);
		#[extrinsic_call]
		_(RawOrigin::Signed(admin), practitioner.clone(), PractitionerRole::Physician);
		assert!(PractitionerProposals::<T>::contains_key(&practitioner, id));
	}

	#[benchmark]
	fn accept_practitioner() {
		let (id, admin) = new_provider::<T>(0, ProviderKind::Hospital, None);
		let practitioner: T::AccountId = account("practitioner", 0, SEED);
		HealthIdentity::<T>::add_practitioner(
			RawOrigin::Signed(admin).into(),
			practitioner.clone(),
			PractitionerRole::Physician,
		)
		.expect("proposed");
		#[extrinsic_call]
		_(RawOrigin::Signed(practitioner.clone()), id);
		assert_eq!(Practitioners::<T>::get(&practitioner).map(|p| p.provider), Some(id));
	}

	#[benchmark]
	fn withdraw_practitioner_proposal() {
		let (id, admin) = new_provider::<T>(0, ProviderKind::Hospital, None);
		let practitioner: T::AccountId = account("practitioner", 0, SEED);
		HealthIdentity::<T>::add_practitioner(
			RawOrigin::Signed(admin.clone()).into(),
			practitioner.clone(),
			PractitionerRole::Physician,
		)
		.expect("proposed");
		#[extrinsic_call]
		_(RawOrigin::Signed(admin), practitioner.clone());
		assert!(!PractitionerProposals::<T>::contains_key(&practitioner, id));
	}

	#[benchmark]
	fn remove_practitioner() {
		let (_, admin, practitioner) = accredited_hospital::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(admin), practitioner.clone());
		assert!(!Practitioners::<T>::contains_key(&practitioner));
	}

	#[benchmark]
	fn leave_provider() {
		let (_, _, practitioner) = accredited_hospital::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(practitioner.clone()));
		assert!(!Practitioners::<T>::contains_key(&practitioner));
	}

	// The obligations of the provider are asked of the pallets wired in `ProviderLifecycle`.
	#[benchmark]
	fn transfer_admin() {
		let (id, admin) = new_provider::<T>(0, ProviderKind::Hospital, None);
		let new_admin: T::AccountId = account("new-admin", 0, SEED);
		#[extrinsic_call]
		_(RawOrigin::Signed(admin), new_admin.clone());
		assert_eq!(AdminProposals::<T>::get(id), Some(new_admin));
	}

	#[benchmark]
	fn accept_admin() {
		let (id, admin) = new_provider::<T>(0, ProviderKind::Hospital, None);
		let new_admin: T::AccountId = account("new-admin", 0, SEED);
		HealthIdentity::<T>::transfer_admin(RawOrigin::Signed(admin).into(), new_admin.clone())
			.expect("proposed");
		#[extrinsic_call]
		_(RawOrigin::Signed(new_admin.clone()), id);
		assert_eq!(AdminOf::<T>::get(&new_admin), Some(id));
	}

	#[benchmark]
	fn cancel_admin_transfer() {
		let (id, admin) = new_provider::<T>(0, ProviderKind::Hospital, None);
		let new_admin: T::AccountId = account("new-admin", 0, SEED);
		HealthIdentity::<T>::transfer_admin(RawOrigin::Signed(admin.clone()).into(), new_admin)
			.expect("proposed");
		#[extrinsic_call]
		_(RawOrigin::Signed(admin));
		assert!(!AdminProposals::<T>::contains_key(id));
	}

	// Worst case: a revoked department its parent accepted (the parent's entry is updated)
	// with an admin transfer proposed, after the closing delay.
	#[benchmark]
	fn close_provider() {
		let (id, admin) = accepted_department::<T>();
		HealthIdentity::<T>::change_status(id, ProviderStatus::Revoked).expect("revoked");
		let new_admin: T::AccountId = account("new-admin", 0, SEED);
		HealthIdentity::<T>::transfer_admin(RawOrigin::Signed(admin.clone()).into(), new_admin)
			.expect("proposed");
		advance::<T>(T::ClosingDelay::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(admin));
		assert!(!Providers::<T>::contains_key(id));
	}

	// Worst case: a new bonder posts the whole bond and the old one gets its rest back.
	#[benchmark]
	fn top_up_bond() {
		let (id, admin) = new_provider::<T>(0, ProviderKind::Hospital, None);
		let new_admin = funded::<T>("new-admin", 0);
		HealthIdentity::<T>::transfer_admin(RawOrigin::Signed(admin).into(), new_admin.clone())
			.expect("proposed");
		HealthIdentity::<T>::accept_admin(RawOrigin::Signed(new_admin.clone()).into(), id)
			.expect("accepted");
		let beneficiary: T::AccountId = account("beneficiary", 0, SEED);
		<HealthIdentity<T> as salus_primitives::ProviderRegistry<_>>::slash_bond(
			id,
			T::ProviderBond::get().saturating_sub(One::one()),
			&beneficiary,
		)
		.expect("slashed");
		#[extrinsic_call]
		_(RawOrigin::Signed(new_admin.clone()));
		assert_eq!(Providers::<T>::get(id).map(|p| p.bonder), Some(new_admin));
	}

	// Worst case: a patient whose vouch by a suspended provider no longer counts is vouched
	// for again, as a new vouching period starts.
	#[benchmark]
	fn vouch_patient() {
		let (first, first_practitioner, patient) = hospital_and_patient::<T>();
		HealthIdentity::<T>::vouch_patient(
			RawOrigin::Signed(first_practitioner).into(),
			patient.clone(),
		)
		.expect("vouched");
		HealthIdentity::<T>::change_status(first, ProviderStatus::Suspended).expect("suspended");
		let (id, _, practitioner) = accredited_hospital::<T>(1);
		advance::<T>(T::VouchPeriod::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(practitioner), patient.clone());
		assert_eq!(Patients::<T>::get(&patient).and_then(|p| p.vouched_by), Some(id));
	}

	#[benchmark]
	fn withdraw_vouch() -> Result<(), BenchmarkError> {
		let (_, practitioner, patient) = hospital_and_patient::<T>();
		HealthIdentity::<T>::vouch_patient(RawOrigin::Signed(practitioner).into(), patient.clone())
			.expect("vouched");
		let origin = T::AccreditationOrigin::try_successful_origin()
			.map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, patient.clone());
		assert_eq!(Patients::<T>::get(&patient).and_then(|p| p.vouched_by), None);
		Ok(())
	}

	#[benchmark]
	fn accept_department() {
		let (parent, parent_admin) = new_provider::<T>(0, ProviderKind::Hospital, None);
		let (department, _) = new_provider::<T>(1, ProviderKind::Department, Some(parent));
		#[extrinsic_call]
		_(RawOrigin::Signed(parent_admin), department);
		assert!(Departments::<T>::contains_key(parent, department));
	}

	#[benchmark]
	fn anchor_record() {
		let (_, practitioner, patient) = hospital_and_patient::<T>();
		let hash = H256::repeat_byte(9);
		#[extrinsic_call]
		_(RawOrigin::Signed(practitioner), patient, hash, H256::repeat_byte(7));
		assert!(RecordProposals::<T>::contains_key(hash));
	}

	// Worst case: the patient is vouched for, so the record events' listener (the rewards
	// pallet, as wired) credits it.
	#[benchmark]
	fn accept_record() {
		let (_, practitioner, patient) = hospital_and_patient::<T>();
		HealthIdentity::<T>::vouch_patient(
			RawOrigin::Signed(practitioner.clone()).into(),
			patient.clone(),
		)
		.expect("the hospital vouches for the patient");
		let hash = H256::repeat_byte(9);
		HealthIdentity::<T>::anchor_record(
			RawOrigin::Signed(practitioner).into(),
			patient.clone(),
			hash,
			H256::repeat_byte(7),
		)
		.expect("proposed");
		#[extrinsic_call]
		_(RawOrigin::Signed(patient), hash);
		assert!(Records::<T>::contains_key(hash));
	}

	#[benchmark]
	fn remove_record_proposal() {
		let (_, practitioner, patient) = hospital_and_patient::<T>();
		let hash = H256::repeat_byte(9);
		HealthIdentity::<T>::anchor_record(
			RawOrigin::Signed(practitioner).into(),
			patient.clone(),
			hash,
			H256::repeat_byte(7),
		)
		.expect("proposed");
		#[extrinsic_call]
		_(RawOrigin::Signed(patient), hash);
		assert!(!RecordProposals::<T>::contains_key(hash));
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

	// Worst case: the provider's admin withdraws it (the provider's entry is read).
	#[benchmark]
	fn remove_link() {
		let (id, admin, practitioner) = accredited_hospital::<T>(0);
		let patient = funded::<T>("patient", 0);
		new_patient::<T>(&patient, 1);
		let locator = H256::repeat_byte(8);
		HealthIdentity::<T>::propose_link(RawOrigin::Signed(practitioner).into(), patient, locator)
			.expect("link proposed");
		#[extrinsic_call]
		_(RawOrigin::Signed(admin), id, locator);
		assert!(!Links::<T>::contains_key(id, locator));
	}

	// Worst case: a first announcement, whose deposit is held.
	#[benchmark]
	fn announce_commitment() {
		let who = funded::<T>("patient", 0);
		let binding = HealthIdentity::<T>::binding_of(&H256::repeat_byte(1), &who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), Some(binding));
		assert!(Announcements::<T>::contains_key(&who));
	}

	#[benchmark]
	fn release_commitment() {
		let patient = funded::<T>("patient", 0);
		new_patient::<T>(&patient, 1);
		HealthIdentity::<T>::deregister_patient(RawOrigin::Signed(patient.clone()).into())
			.expect("deregistered");
		#[extrinsic_call]
		_(RawOrigin::Signed(patient), H256::repeat_byte(1));
		assert!(!RetiredCommitments::<T>::contains_key(H256::repeat_byte(1)));
	}

	impl_benchmark_test_suite!(HealthIdentity, crate::mock::new_test_ext(), crate::mock::Test);
}
