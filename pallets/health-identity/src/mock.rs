//! A test runtime: System, Balances and this pallet, with small deposits.

use crate as pallet_health_identity;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use frame_system::EnsureRoot;
use salus_primitives::PatientLifecycle;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		HealthIdentity: pallet_health_identity,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

pub const PATIENT_DEPOSIT: u64 = 10;
pub const PROVIDER_BOND: u64 = 100;
pub const PRACTITIONER_DEPOSIT: u64 = 5;
pub const RECORD_DEPOSIT: u64 = 3;
pub const LINK_DEPOSIT: u64 = 2;
pub const MAX_PRACTITIONERS: u32 = 3;
pub const RETIRED_DEPOSIT: u64 = 4;
pub const ANNOUNCEMENT_LIFETIME: u64 = 10;
pub const CLOSING_DELAY: u64 = 20;
pub const MAX_DEPARTMENTS: u32 = 2;
pub const MAX_VOUCHES: u32 = 3;
pub const VOUCH_PERIOD: u64 = 5;
/// What every test account starts with.
pub const ENDOWMENT: u64 = 1_000;
/// An account with less than any deposit.
pub const POOR: u64 = 99;

parameter_types! {
	/// The patient that another pallet reports obligations for, if any.
	pub static Obligated: Option<u64> = None;
	/// The patients other pallets were told deregistered, in order.
	pub static Deregistered: Vec<u64> = Vec::new();
	/// The anchors reported to the rewards listener, in order: (patient, custodian).
	pub static Anchored: Vec<(u64, salus_primitives::ProviderId)> = Vec::new();
	/// The provider that another pallet reports obligations for, if any.
	pub static ProviderObligated: Option<salus_primitives::ProviderId> = None;
}

/// Provider obligations as the test sets them through [`ProviderObligated`].
pub struct MockProviderLifecycle;
impl salus_primitives::ProviderLifecycle for MockProviderLifecycle {
	fn has_obligations(provider: salus_primitives::ProviderId) -> bool {
		ProviderObligated::get() == Some(provider)
	}
}

/// Records every anchor reported in [`Anchored`].
pub struct MockRecordEvents;
impl salus_primitives::RecordEvents<u64> for MockRecordEvents {
	fn record_anchored(patient: &u64, custodian: salus_primitives::ProviderId) {
		Anchored::mutate(|anchored| anchored.push((*patient, custodian)));
	}
}

/// Obligations as the test sets them through [`Obligated`]; deregistrations are recorded in
/// [`Deregistered`].
pub struct MockLifecycle;
impl PatientLifecycle<u64> for MockLifecycle {
	fn has_obligations(who: &u64) -> bool {
		Obligated::get() == Some(*who)
	}

	fn on_deregistered(who: &u64) {
		Deregistered::mutate(|accounts| accounts.push(*who));
	}
}

impl pallet_health_identity::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type AccreditationOrigin = EnsureRoot<u64>;
	type PatientLifecycle = MockLifecycle;
	type ProviderLifecycle = MockProviderLifecycle;
	type RecordEvents = MockRecordEvents;
	type PatientDeposit = frame_support::traits::ConstU64<PATIENT_DEPOSIT>;
	type RetiredCommitmentDeposit = frame_support::traits::ConstU64<RETIRED_DEPOSIT>;
	type AnnouncementLifetime = frame_support::traits::ConstU64<ANNOUNCEMENT_LIFETIME>;
	type ProviderBond = frame_support::traits::ConstU64<PROVIDER_BOND>;
	type ClosingDelay = frame_support::traits::ConstU64<CLOSING_DELAY>;
	type PractitionerDeposit = frame_support::traits::ConstU64<PRACTITIONER_DEPOSIT>;
	type RecordDeposit = frame_support::traits::ConstU64<RECORD_DEPOSIT>;
	type LinkDeposit = frame_support::traits::ConstU64<LINK_DEPOSIT>;
	type MaxPractitioners = ConstU32<MAX_PRACTITIONERS>;
	type MaxDepartments = ConstU32<MAX_DEPARTMENTS>;
	type MaxVouchesPerPeriod = ConstU32<MAX_VOUCHES>;
	type VouchPeriod = frame_support::traits::ConstU64<VOUCH_PERIOD>;
	type WeightInfo = ();
}

/// Externalities with accounts 1 to 20 endowed and [`POOR`] nearly empty.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: Vec<(u64, u64)> = (1..=20).map(|who| (who, ENDOWMENT)).collect();
	balances.push((POOR, 1));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test`, then checks every storage invariant of the pallet.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		Obligated::set(None);
		Deregistered::set(Vec::new());
		Anchored::set(Vec::new());
		ProviderObligated::set(None);
		test();
		HealthIdentity::do_try_state().expect("storage invariants hold");
	})
}
