//! A test runtime: System, Balances and this pallet, with the identity registry the pallets'
//! tests share ([`salus_primitives::mock`]).
//!
//! | account | who |
//! |---|---|
//! | 1, 2, 3 | patients an accredited provider outside the registry vouched for |
//! | 4 | a patient nobody vouched for |
//! | 11 | admin of provider 0, an accredited hospital |
//! | 21 | admin of provider 1, an accredited clinic |
//! | 31 | admin of provider 2, a suspended laboratory |
//!
//! The pool starts with [`POOL_FUNDS`]; an epoch lasts [`EPOCH`] blocks, the first
//! [`HALVING`] epochs release at most [`BUDGET`] each.

use crate as pallet_rewards;
use crate::{Current, RewardSchedule};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks},
	PalletId,
};
pub use salus_primitives::mock::{self as registry, de};
use salus_primitives::{ProviderId, ProviderKind, ProviderStatus};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Rewards: pallet_rewards,
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
}

pub const EPOCH: u64 = 10;
pub const BUDGET: u64 = 1_000;
pub const HALVING: u32 = 3;
pub const WINDOW: u32 = 2;
pub const MAX_PER_POINT: u64 = 100;
pub const REQUEST_COST: u64 = 800;
pub const ANCHOR_COST: u64 = 400;
pub const EMERGENCY_COST: u64 = 500;
/// The most one account may earn in an epoch: below [`BUDGET`].
pub const MAX_PER_ACCOUNT: u64 = 900;
pub const MAX_ACTS: u32 = 3;
pub const POOL_FUNDS: u64 = 100_000;
/// What every test account starts with.
pub const ENDOWMENT: u64 = 1_000;

pub const HOSPITAL: ProviderId = 0;
pub const CLINIC: ProviderId = 1;
pub const LAB: ProviderId = 2;
/// A patient nobody vouched for.
pub const UNVOUCHED: u64 = 4;

/// The schedule every test starts with, within the bounds: a research approval earns at most
/// (5 + 2) × 100 = 700 < 800, an anchor 300 < 400, a justified emergency 400 < 500, and an
/// account 9 × 100 = 900 per epoch.
pub const SCHEDULE: RewardSchedule = RewardSchedule {
	request_approved: 5,
	record_anchored: 3,
	research_approved: 2,
	emergency_justified: 4,
	epoch_cap: 9,
};

parameter_types! {
	pub const RewardsPalletId: PalletId = PalletId(*b"sls/rwrd");
}

/// The identity registry of every pallet's tests.
pub type MockIdentity = salus_primitives::mock::MockIdentity<Balances>;

impl pallet_rewards::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Patients = MockIdentity;
	type Providers = MockIdentity;
	type ScheduleOrigin = frame_system::EnsureRoot<u64>;
	type PalletId = RewardsPalletId;
	type EpochLength = ConstU64<EPOCH>;
	type InitialEpochBudget = ConstU64<BUDGET>;
	type HalvingInterval = ConstU32<HALVING>;
	type ClaimWindow = ConstU32<WINDOW>;
	type MaxRewardPerPoint = ConstU64<MAX_PER_POINT>;
	type RequestCost = ConstU64<REQUEST_COST>;
	type AnchorCost = ConstU64<ANCHOR_COST>;
	type EmergencyCost = ConstU64<EMERGENCY_COST>;
	type MaxRewardPerAccount = ConstU64<MAX_PER_ACCOUNT>;
	type MaxActsPerEpoch = ConstU32<MAX_ACTS>;
	type WeightInfo = ();
}

/// The pool's account.
pub fn pool() -> u64 {
	Rewards::pool_account()
}

/// Externalities with the accounts of the table above and the pool funded.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: alloc::vec::Vec<(u64, u64)> =
		[1, 2, 3, UNVOUCHED, 11, 21, 31].iter().map(|who| (*who, ENDOWMENT)).collect();
	balances.push((Rewards::pool_account(), POOL_FUNDS));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_rewards::GenesisConfig::<Test> { schedule: SCHEDULE, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		registry::reset();
		[1, 2, 3].into_iter().for_each(registry::vouch);
		registry::register_patient(UNVOUCHED);
		use ProviderKind::*;
		use ProviderStatus::*;
		assert_eq!(registry::add_provider(11, Hospital, de(), Accredited), HOSPITAL);
		assert_eq!(registry::add_provider(21, Clinic, de(), Accredited), CLINIC);
		assert_eq!(registry::add_provider(31, Laboratory, de(), Suspended), LAB);
	});
	ext
}

/// Runs `test`, then checks every storage invariant of the pallet.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Rewards::do_try_state().expect("storage invariants hold");
	})
}

/// Produces blocks (running the pallet's `on_initialize`) until block `n`.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number().saturating_add(1);
		System::set_block_number(next);
		Rewards::on_initialize(next);
	}
}

/// Produces blocks until the epoch in progress ends; the next one is then current.
pub fn end_epoch() {
	let epoch = Current::<Test>::get();
	run_to_block(epoch.start.saturating_add(EPOCH));
	assert_eq!(Current::<Test>::get().index, epoch.index.saturating_add(1));
}

/// The events of this pallet so far, oldest first.
pub fn events() -> alloc::vec::Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Rewards(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// Free balance of `who`.
pub fn free(who: u64) -> u64 {
	use frame_support::traits::fungible::Inspect;
	Balances::balance(&who)
}
