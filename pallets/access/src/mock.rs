//! A test runtime: System, Balances and this pallet, with the identity registry the pallets'
//! tests share ([`salus_primitives::mock`]) and the other registries it sees through traits
//! (consent, disputes, access events) kept in a few statics.
//!
//! | account | who |
//! |---|---|
//! | 1, 2, 3 | registered patients |
//! | 11, 12 | practitioners of provider 0, an accredited hospital |
//! | 21 | practitioner of provider 1, an accredited clinic |
//! | 31 | practitioner of provider 2, a laboratory pending accreditation |
//! | 41 | practitioner of provider 3, an accredited laboratory |
//! | 71, 72 | practitioners of provider 4, another accredited hospital |
//! | 50 | nobody: neither patient nor practitioner |
//! | 60 | a practitioner of the hospital with less than any deposit |

use crate as pallet_access;
use alloc::collections::{BTreeMap, BTreeSet};
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
pub use salus_primitives::mock::{self as registry, de};
use salus_primitives::{
	AccessBasis, AccessControl, AccessDecision, AccessEvents, ConsentId, DataClass, DataClassSet,
	DenyReason, DisputeGateway, DisputeId, DisputeSubject, EmergencyId, Grant, GrantBy, Granted,
	PatientRegistry, ProviderId, ProviderKind, ProviderRegistry, ProviderStatus, Purpose,
	RequestId, Timestamp,
};
use sp_core::H256;
use sp_runtime::{BuildStorage, DispatchError};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Access: pallet_access,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
	// Storage access has a price, so the cleanup's metering is tested.
	type DbWeight = frame_support::weights::constants::RocksDbWeight;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

pub const REQUEST_DEPOSIT: u64 = 7;
pub const REQUEST_FEE: u64 = 5;
/// Who receives request fees.
pub const FEE_COLLECTOR: u64 = 999;
pub const EMERGENCY_DEPOSIT: u64 = 9;
pub const DISCLOSURE_DEPOSIT: u64 = 3;
pub const REQUEST_LIFETIME: Timestamp = 1_000;
pub const MAX_DURATION: Timestamp = 10_000;
pub const MAX_PENDING: u32 = 3;
pub const MAX_PROVIDER_REQUESTS: u32 = 2;
pub const EMERGENCY_WINDOW: Timestamp = 500;
pub const MAX_EMERGENCIES: u32 = 2;
pub const MAX_PROVIDER_EMERGENCIES: u32 = 4;
pub const MAX_EMERGENCIES_PER_PATIENT: u32 = 2;
pub const RATE_PERIOD: Timestamp = 2_000;
pub const REVIEW_PERIOD: Timestamp = 3_000;
pub const MAX_OPEN_REVIEWS: u32 = 3;
pub const MAX_PROVIDER_REVIEWS: u32 = 2;
pub const RETRY_DELAY: Timestamp = 400;
pub const PAGE_SIZE: u32 = 4;
pub const RETENTION: Timestamp = 50_000;
/// The most entries one `log_disclosures` call logs (as on the Salus runtime).
pub const MAX_DISCLOSURE_BATCH: u32 = 64;
/// Free operations a patient has per test (the shared allowance of the consent registry).
pub const FREE_OPERATIONS: u32 = 3;
/// What every test account starts with.
pub const ENDOWMENT: u64 = 1_000;
/// A practitioner of the hospital who cannot pay any deposit.
pub const POOR: u64 = 60;
/// The time every test starts at.
pub const START: Timestamp = 100;

/// Provider 0, whose practitioners are 11, 12 and [`POOR`].
pub const HOSPITAL: ProviderId = 0;
/// Provider 1, the clinic of practitioner 21.
pub const CLINIC: ProviderId = 1;
/// Provider 4, another hospital, of practitioners 71 and 72.
pub const OTHER_HOSPITAL: ProviderId = 4;

/// What the mock dispute court was asked.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum CourtCall {
	Open { claimant: u64, respondent: ProviderId, subject: DisputeSubject, evidence: H256 },
	Escalate { patient: u64, respondent: ProviderId, subject: DisputeSubject },
}

/// What the mock access-event listener heard.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Heard {
	Approved { patient: u64, provider: ProviderId, request: RequestId },
	Declared { patient: u64, provider: ProviderId, emergency: EmergencyId },
	Acknowledged { patient: u64, provider: ProviderId, emergency: EmergencyId },
	Contested { patient: u64, provider: ProviderId, emergency: EmergencyId, dispute: DisputeId },
}

parameter_types! {
	/// The clock.
	pub static Now: Timestamp = START;
	/// The first disclosure id of each logging call the tests made through their helpers, in
	/// order (ids come from the block and its event count).
	pub static FirstIds: alloc::vec::Vec<u64> = alloc::vec::Vec::new();
	/// Grants recorded, in order: (patient, grant); the consent id is the position.
	pub static Grants: alloc::vec::Vec<(u64, Grant<u64>)> = alloc::vec::Vec::new();
	/// Patients whose ledger has no room for a grant.
	pub static LedgerFull: BTreeSet<u64> = BTreeSet::new();
	/// Whether [`MockConsent`]'s grants report that they dropped an ended grant.
	pub static DropsAGrant: bool = false;
	/// The sensitive classes each patient's emergency directive allows.
	pub static Directives: BTreeMap<u64, DataClassSet> = BTreeMap::new();
	/// Fee-free operations each patient used.
	pub static FreeUsed: BTreeMap<u64, u32> = BTreeMap::new();
	/// Whether the dispute court takes disputes.
	pub static CourtOpen: bool = true;
	/// Patients whose disputes the court refuses, open or not.
	pub static Refused: BTreeSet<u64> = BTreeSet::new();
	/// What the court was asked, in order.
	pub static CourtCalls: alloc::vec::Vec<CourtCall> = alloc::vec::Vec::new();
	/// What the event listener heard, in order.
	pub static HeardEvents: alloc::vec::Vec<Heard> = alloc::vec::Vec::new();
	/// The per-entry cost of [`MockConsent`]'s decision measurement, picoseconds.
	pub static DecisionSlope: u64 = 2_000_000;
	/// Ledger lengths [`MockConsent`] reports beyond those it read: a registry that lies.
	pub static ExtraLedgers: alloc::vec::Vec<u32> = alloc::vec::Vec::new();
}

/// What [`MockConsent`] says a grant that dropped no ended grant saved besides its ledger,
/// picoseconds.
pub const DROP_SAVING: u64 = 7_000_000;

/// The identity registry of every pallet's tests; slashes mint into [`Balances`].
pub type MockIdentity = salus_primitives::mock::MockIdentity<Balances>;

/// The longest ledger [`MockConsent`] reports it may decide over: a patient's grants count
/// as its ledger.
pub const MAX_LEDGER: u32 = 40;

/// A consent registry that knows only grants: a practitioner of an accredited provider is
/// permitted by the first live grant to its provider that covers the class and purpose.
pub struct MockConsent;
impl MockConsent {
	/// A patient's ledger: its grants.
	pub fn ledger_len(patient: &u64) -> u32 {
		Grants::get().iter().filter(|(owner, _)| owner == patient).count() as u32
	}
}
impl AccessControl<u64> for MockConsent {
	fn check_access(
		patient: &u64,
		accessor: &u64,
		class: DataClass,
		purpose: Purpose,
		at: Timestamp,
	) -> AccessDecision {
		let deny = |reason| AccessDecision::Deny { reason };
		if !MockIdentity::is_registered(patient) {
			return deny(DenyReason::UnknownPatient);
		}
		let Some(provider) = MockIdentity::provider_of(accessor) else {
			return deny(DenyReason::NotPractitioner);
		};
		if !MockIdentity::is_accredited(provider) {
			return deny(DenyReason::ProviderNotAccredited);
		}
		let mut closest = DenyReason::NoConsent;
		for (id, (owner, grant)) in Grants::get().iter().enumerate() {
			let id = id as ConsentId;
			if owner != patient || grant.grantee != salus_primitives::Grantee::Provider(provider) {
				continue;
			}
			if !grant.classes.contains(class) {
				closest = DenyReason::ClassNotCovered(id);
			} else if !grant.purposes.contains(purpose) {
				closest = DenyReason::PurposeNotCovered(id);
			} else if at >= grant.valid_until {
				closest = DenyReason::Expired(id);
			} else {
				return AccessDecision::Permit {
					basis: AccessBasis::Consent { id, source: grant.source },
				};
			}
		}
		deny(closest)
	}

	/// As the consent pallet does: each patient's grants read once, and their number reported
	/// as its ledger's length (registered patients asked about by a practitioner only).
	fn check_access_many(
		queries: &[salus_primitives::AccessQuery<u64>],
		at: Timestamp,
	) -> salus_primitives::Decisions {
		let answers = queries
			.iter()
			.map(|q| Self::check_access(&q.patient, &q.accessor, q.data_class, q.purpose, at))
			.collect();
		let mut read: alloc::vec::Vec<u64> = queries
			.iter()
			.filter(|q| {
				MockIdentity::is_registered(&q.patient)
					&& MockIdentity::provider_of(&q.accessor).is_some()
			})
			.map(|q| q.patient)
			.collect();
		read.sort();
		read.dedup();
		let grants = Grants::get();
		let ledgers = read
			.iter()
			.map(|patient| grants.iter().filter(|(owner, _)| owner == patient).count() as u32)
			.chain(ExtraLedgers::get())
			.collect();
		salus_primitives::Decisions { answers, ledgers }
	}

	fn max_ledger_len() -> u32 {
		MAX_LEDGER
	}

	/// 1 µs, plus 2 µs an entry: steeper than the access pallet's default `log_disclosure(c)`
	/// slope, so the refund is the access pallet's own measure unless a test sets
	/// [`DecisionSlope`] lower.
	fn decision_weight(len: u32) -> frame_support::weights::Weight {
		use frame_support::weights::Weight;
		Weight::from_parts(1_000_000, 0)
			.saturating_add(Weight::from_parts(DecisionSlope::get(), 0).saturating_mul(len.into()))
	}

	/// 1 µs an entry short of [`MAX_LEDGER`].
	fn ledger_write_saving(len: u32) -> frame_support::weights::Weight {
		frame_support::weights::Weight::from_parts(
			u64::from(MAX_LEDGER.saturating_sub(len)).saturating_mul(1_000_000),
			0,
		)
	}

	fn grant(patient: &u64, grant: Grant<u64>, by: GrantBy) -> Result<Granted, DispatchError> {
		if LedgerFull::get().contains(patient) {
			return Err(DispatchError::Other("no room for a grant"));
		}
		let ledger = Self::ledger_len(patient);
		let id = Grants::get().len() as ConsentId;
		Grants::mutate(|grants| grants.push((*patient, grant)));
		if by == GrantBy::Patient {
			Self::count_operation(patient);
		}
		Ok(Granted { id, ledger, dropped: DropsAGrant::get() })
	}

	/// [`Self::ledger_write_saving`] and, if no grant was dropped, [`DROP_SAVING`].
	fn grant_saving(granted: &Granted) -> frame_support::weights::Weight {
		let saving = Self::ledger_write_saving(granted.ledger);
		if granted.dropped {
			saving
		} else {
			saving.saturating_add(frame_support::weights::Weight::from_parts(DROP_SAVING, 0))
		}
	}

	fn emergency_classes(patient: &u64) -> DataClassSet {
		DataClassSet::non_sensitive()
			.union(Directives::get().get(patient).copied().unwrap_or_default())
	}

	fn now() -> Timestamp {
		Now::get()
	}

	fn can_grant(patient: &u64) -> bool {
		MockIdentity::is_registered(patient) && !LedgerFull::get().contains(patient)
	}

	fn has_free_operation(patient: &u64) -> bool {
		MockIdentity::is_registered(patient)
			&& FreeUsed::get().get(patient).copied().unwrap_or_default() < FREE_OPERATIONS
	}

	fn count_operation(patient: &u64) -> Option<u32> {
		if !MockIdentity::is_registered(patient) {
			return None;
		}
		FreeUsed::mutate(|used| {
			let count = used.entry(*patient).or_default();
			*count = count.saturating_add(1);
		});
		Some(Self::ledger_len(patient))
	}
}

/// A dispute court that records what it is asked and opens disputes numbered in order, or
/// refuses everything while [`CourtOpen`] is false, and the disputes of [`Refused`] patients.
pub struct MockCourt;
impl MockCourt {
	fn record(call: CourtCall) -> Result<DisputeId, DispatchError> {
		let patient = match &call {
			CourtCall::Open { claimant, .. } => *claimant,
			CourtCall::Escalate { patient, .. } => *patient,
		};
		if !CourtOpen::get() || Refused::get().contains(&patient) {
			return Err(DispatchError::Unavailable);
		}
		let id = CourtCalls::get().len() as DisputeId;
		CourtCalls::mutate(|calls| calls.push(call));
		Ok(id)
	}
}
impl DisputeGateway<u64> for MockCourt {
	fn open(
		claimant: &u64,
		respondent: ProviderId,
		subject: DisputeSubject,
		evidence: H256,
	) -> Result<DisputeId, DispatchError> {
		Self::record(CourtCall::Open { claimant: *claimant, respondent, subject, evidence })
	}

	fn escalate(
		patient: &u64,
		respondent: ProviderId,
		subject: DisputeSubject,
	) -> Result<DisputeId, DispatchError> {
		Self::record(CourtCall::Escalate { patient: *patient, respondent, subject })
	}
}

/// Records what it hears.
pub struct MockListener;
impl AccessEvents<u64> for MockListener {
	fn request_approved(
		patient: &u64,
		provider: ProviderId,
		request: RequestId,
		_: DataClassSet,
		_: Purpose,
	) {
		HeardEvents::mutate(|heard| {
			heard.push(Heard::Approved { patient: *patient, provider, request })
		});
	}
	fn emergency_declared(patient: &u64, provider: ProviderId, emergency: EmergencyId) {
		HeardEvents::mutate(|heard| {
			heard.push(Heard::Declared { patient: *patient, provider, emergency })
		});
	}
	fn emergency_acknowledged(patient: &u64, provider: ProviderId, emergency: EmergencyId) {
		HeardEvents::mutate(|heard| {
			heard.push(Heard::Acknowledged { patient: *patient, provider, emergency })
		});
	}
	fn emergency_contested(
		patient: &u64,
		provider: ProviderId,
		emergency: EmergencyId,
		dispute: DisputeId,
	) {
		HeardEvents::mutate(|heard| {
			heard.push(Heard::Contested { patient: *patient, provider, emergency, dispute })
		});
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl salus_primitives::benchmarking::ClockFixture for MockConsent {
	fn set_now(now: Timestamp) {
		Now::set(now);
	}
}

/// The mock registry decides over grants only, in time linear in their number; the patient's
/// own consents it does not keep, so there is nothing to fill.
#[cfg(feature = "runtime-benchmarks")]
impl salus_primitives::benchmarking::ConsentFixtures<u64> for MockConsent {
	fn fill_ledger(_: &u64, _: &u64) {}
	fn fill_ledger_to(_: &u64, _: &u64, _: u32) {}
}

impl pallet_access::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Patients = MockIdentity;
	type Providers = MockIdentity;
	type AccessControl = MockConsent;
	type Disputes = MockCourt;
	type AccessEvents = MockListener;
	type RequestDeposit = frame_support::traits::ConstU64<REQUEST_DEPOSIT>;
	type RequestFee = frame_support::traits::ConstU64<REQUEST_FEE>;
	type FeeCollector = frame_support::traits::ConstU64<FEE_COLLECTOR>;
	type EmergencyDeposit = frame_support::traits::ConstU64<EMERGENCY_DEPOSIT>;
	type DisclosureDeposit = frame_support::traits::ConstU64<DISCLOSURE_DEPOSIT>;
	type RequestLifetime = frame_support::traits::ConstU64<REQUEST_LIFETIME>;
	type MaxAccessDuration = frame_support::traits::ConstU64<MAX_DURATION>;
	type MaxPendingRequests = ConstU32<MAX_PENDING>;
	type MaxPendingRequestsPerProvider = ConstU32<MAX_PROVIDER_REQUESTS>;
	type EmergencyWindow = frame_support::traits::ConstU64<EMERGENCY_WINDOW>;
	type MaxEmergencies = ConstU32<MAX_EMERGENCIES>;
	type MaxProviderEmergencies = ConstU32<MAX_PROVIDER_EMERGENCIES>;
	type MaxEmergenciesPerPatient = ConstU32<MAX_EMERGENCIES_PER_PATIENT>;
	type EmergencyRatePeriod = frame_support::traits::ConstU64<RATE_PERIOD>;
	type ReviewPeriod = frame_support::traits::ConstU64<REVIEW_PERIOD>;
	type MaxOpenReviews = ConstU32<MAX_OPEN_REVIEWS>;
	type MaxOpenReviewsPerProvider = ConstU32<MAX_PROVIDER_REVIEWS>;
	type EscalationRetryDelay = frame_support::traits::ConstU64<RETRY_DELAY>;
	type DisclosurePageSize = ConstU32<PAGE_SIZE>;
	type DisclosureRetention = frame_support::traits::ConstU64<RETENTION>;
	type MaxDisclosureBatch = ConstU32<MAX_DISCLOSURE_BATCH>;
	#[cfg(feature = "runtime-benchmarks")]
	type Fixtures = MockIdentity;
	#[cfg(feature = "runtime-benchmarks")]
	type ConsentFixtures = MockConsent;
	#[cfg(feature = "runtime-benchmarks")]
	type Clock = MockConsent;
	type WeightInfo = ();
}

/// Externalities with the accounts of the table above.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: Vec<(u64, u64)> =
		(1..=50).chain([71, 72]).map(|who| (who, ENDOWMENT)).collect();
	balances.push((POOR, 2));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Now::set(START);
		registry::reset();
		[1, 2, 3].into_iter().for_each(registry::register_patient);
		Grants::set(Vec::new());
		FirstIds::set(Vec::new());
		LedgerFull::set(BTreeSet::new());
		DropsAGrant::set(false);
		Directives::set(BTreeMap::new());
		FreeUsed::set(BTreeMap::new());
		CourtOpen::set(true);
		Refused::set(BTreeSet::new());
		CourtCalls::set(Vec::new());
		HeardEvents::set(Vec::new());
		DecisionSlope::set(2_000_000);
		ExtraLedgers::set(Vec::new());
		use ProviderKind::*;
		use ProviderStatus::*;
		registry::add_provider(11, Hospital, de(), Accredited);
		registry::add_practitioner(12, HOSPITAL);
		registry::add_practitioner(POOR, HOSPITAL);
		registry::add_provider(21, Clinic, de(), Accredited);
		registry::add_provider(31, Laboratory, de(), Pending);
		registry::add_provider(41, Laboratory, de(), Accredited);
		registry::add_provider(71, Hospital, de(), Accredited);
		registry::add_practitioner(72, OTHER_HOSPITAL);
	});
	ext
}

/// Runs `test`, then checks every storage invariant of the pallet.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Access::do_try_state().expect("storage invariants hold");
	})
}
