//! A test runtime: System, Balances and this pallet, with small deposits, and the identity
//! registry the pallets' tests share ([`salus_primitives::mock`]).
//!
//! | account | who |
//! |---|---|
//! | 1, 2, 3 | registered patients |
//! | 11, 12 | practitioners of provider 0, an accredited hospital in DE |
//! | 21 | practitioner of provider 1, an accredited clinic in FR |
//! | 31 | practitioner of provider 2, a laboratory in DE pending accreditation |
//! | 41 | practitioner of provider 3, an accredited research institute in US |
//! | 50 | nobody: neither patient nor practitioner |
//! | 98 | a registered patient that cannot pay a fee ([`PENNILESS`]) |
//! | 99 | a registered patient with less than a consent deposit ([`POOR`]) |

use crate as pallet_consent;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Time},
};
pub use salus_primitives::mock::{self as registry, add_provider, de};
use salus_primitives::{
	ConsentId, Jurisdiction, ProviderId, ProviderKind, ProviderStatus, Timestamp,
};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Consent: pallet_consent,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
	// Database weights that are not zero, so that the tests see what a refund of a write is.
	type DbWeight = frame_support::weights::constants::RocksDbWeight;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

pub const CONSENT_DEPOSIT: u64 = 5;
pub const MAX_CONSENTS: u32 = 4;
pub const MAX_GRANTS: u32 = 2;
pub const RETENTION: Timestamp = 1_000;
pub const FREE_OPERATIONS: u32 = 3;
pub const FREE_PERIOD: u64 = 10;
/// What a patient must be able to pay for its operations to be free of fees.
pub const FREE_OPERATION_MIN_BALANCE: u64 = 10;
/// What every test account starts with.
pub const ENDOWMENT: u64 = 1_000;
/// A registered patient with less than a consent deposit.
pub const POOR: u64 = 99;
/// A registered patient that could not pay a fee: it has its existential deposit and
/// `FREE_OPERATION_MIN_BALANCE - 1` more.
pub const PENNILESS: u64 = 98;
/// The time every test starts at.
pub const START: Timestamp = 100;

pub const HOSPITAL: ProviderId = 0;
pub const CLINIC: ProviderId = 1;
pub const PENDING_LAB: ProviderId = 2;
pub const RESEARCH: ProviderId = 3;

pub fn fr() -> Jurisdiction {
	Jurisdiction::from_code("FR").unwrap()
}
pub fn us() -> Jurisdiction {
	Jurisdiction::from_code("US").unwrap()
}

parameter_types! {
	/// The block timestamp.
	pub static Now: Timestamp = START;
	/// The research consents reported to the listener, in order: (patient, consent).
	pub static ResearchGrants: Vec<(u64, ConsentId)> = Vec::new();
}

/// The block timestamp, as [`Now`] sets it.
pub struct MockTime;
impl Time for MockTime {
	type Moment = Timestamp;
	fn now() -> Timestamp {
		Now::get()
	}
}

/// The identity registry of every pallet's tests.
pub type MockIdentity = salus_primitives::mock::MockIdentity<Balances>;

#[cfg(feature = "runtime-benchmarks")]
impl salus_primitives::benchmarking::ClockFixture for MockTime {
	fn set_now(now: Timestamp) {
		Now::set(now);
	}
}

/// Records every research consent reported in [`ResearchGrants`].
pub struct MockConsentEvents;
impl salus_primitives::ConsentEvents<u64> for MockConsentEvents {
	fn research_consent_granted(patient: &u64, consent: ConsentId) {
		ResearchGrants::mutate(|grants| grants.push((*patient, consent)));
	}
}

impl pallet_consent::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Patients = MockIdentity;
	type Providers = MockIdentity;
	type Time = MockTime;
	type ConsentEvents = MockConsentEvents;
	type ConsentDeposit = ConstU64<CONSENT_DEPOSIT>;
	type MaxConsents = ConstU32<MAX_CONSENTS>;
	type MaxGrants = ConstU32<MAX_GRANTS>;
	type ConsentRetention = ConstU64<RETENTION>;
	type FreeOperations = ConstU32<FREE_OPERATIONS>;
	type FreePeriod = ConstU64<FREE_PERIOD>;
	type FreeOperationMinBalance = ConstU64<FREE_OPERATION_MIN_BALANCE>;
	#[cfg(feature = "runtime-benchmarks")]
	type Fixtures = MockIdentity;
	#[cfg(feature = "runtime-benchmarks")]
	type Clock = MockTime;
	type WeightInfo = ();
}

/// Externalities with the accounts of the table above.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: Vec<(u64, u64)> = (1..=50).map(|who| (who, ENDOWMENT)).collect();
	balances.push((POOR, 2));
	balances.push((PENNILESS, FREE_OPERATION_MIN_BALANCE));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Now::set(START);
		ResearchGrants::set(Vec::new());
		registry::reset();
		[1, 2, 3, POOR, PENNILESS].into_iter().for_each(registry::register_patient);
		use ProviderKind::*;
		use ProviderStatus::*;
		add_provider(11, Hospital, de(), Accredited);
		registry::add_practitioner(12, HOSPITAL);
		add_provider(21, Clinic, fr(), Accredited);
		add_provider(31, Laboratory, de(), Pending);
		add_provider(41, Research, us(), Accredited);
	});
	ext
}

/// Runs `test`, then checks every storage invariant of the pallet.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Consent::do_try_state().expect("storage invariants hold");
	})
}
