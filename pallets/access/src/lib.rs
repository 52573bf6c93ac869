#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;
use salus_primitives::{DisputeSubject, ProviderId};
pub use types::*;

/// From spec version 106 to 109 each logging call's disclosure ids started at a multiple of
/// this, so that entry `id` was slot `id % 64` of the call's record at `id − id % 64`
/// ([`pallet::DisclosureBatches`]); those records are still read to clear them. Fixed.
pub const DISCLOSURE_ID_STRIDE: u32 = 64;

/// Disclosure ids given since spec version 110 are this plus `block × 2²⁰ + events`
/// ([`pallet::Pallet::first_disclosure_id`]): above every id given before, and below 2⁵³.
pub const DISCLOSURE_ID_BASE: u64 = 1 << 52;

/// How many bits of a disclosure id count the block's events (since spec version 110).
const DISCLOSURE_ID_EVENT_BITS: u32 = 20;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod runtime_api;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

// FRAME's pallet macros expand to `expect`/`unreachable!` in branches that cannot be taken, and
// clippy reports them at the attributes. Hand-written code here uses neither:
// `scripts/check-no-panic.sh` (run by `scripts/test.sh`) checks the sources.
#[allow(clippy::expect_used, clippy::unreachable)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::{collections::BTreeMap, vec::Vec};
	use frame_support::{
		dispatch::PostDispatchInfo,
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate, MutateHold},
			tokens::{Fortitude, Precision, Preservation, Restriction},
			Defensive,
		},
		weights::WeightMeter,
	};
	use frame_system::pallet_prelude::*;
	use salus_primitives::{
		AccessControl, AccessDecision, AccessEvents, AccessQuery, DataClass, DataClassSet,
		Decisions, DenyReason, DisclosureId, DisputeGateway, DisputeId, DisputeSubject,
		EmergencyId, Grant, GrantBy, GrantSource, Granted, Grantee, PatientRegistry, ProviderId,
		ProviderKind, ProviderRegistry, Purpose, PurposeSet, RequestId, Timestamp,
	};
	use sp_core::H256;
	use sp_runtime::{
		traits::{CheckedMul, SaturatedConversion, Zero},
		ArithmeticError,
	};

	/// The balance of an account, in the currency deposits are held in.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	/// An access request as stored.
	pub type RequestOf<T> = AccessRequest<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	/// An emergency access as stored.
	pub type EmergencyOf<T> = Emergency<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	/// A disclosure-log entry as stored.
	pub type DisclosureOf<T> = Disclosure<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	/// One page of a patient's disclosure log.
	pub type DisclosurePage<T> = BoundedVec<DisclosureOf<T>, <T as Config>::DisclosurePageSize>;
	/// A patient's disclosure log: its count and the page still filling.
	pub type DisclosureLogOf<T> = DisclosureLog<DisclosureOf<T>, <T as Config>::DisclosurePageSize>;
	/// The parties of one logging call's entries, as stored.
	pub type DisclosureBatchOf<T> =
		DisclosureBatch<<T as frame_system::Config>::AccountId, ConstU32<DISCLOSURE_ID_STRIDE>>;
	/// A provider's emergency rate window as stored.
	pub type RateWindowOf<T> =
		RateWindow<<T as frame_system::Config>::AccountId, <T as Config>::MaxProviderEmergencies>;

	/// The most disclosure-log entries one runtime-API query returns.
	pub const MAX_DISCLOSURES_PER_QUERY: u32 = 1_000;
	/// The most requests one runtime-API query about a provider returns.
	pub const MAX_REQUESTS_PER_QUERY: u32 = 1_000;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A practitioner's deposit for an open access request.
		#[codec(index = 0)]
		RequestDeposit,
		/// A practitioner's deposit for an emergency whose review is open.
		#[codec(index = 1)]
		EmergencyDeposit,
		/// A practitioner's deposit for a disclosure-log entry.
		#[codec(index = 2)]
		DisclosureDeposit,
		/// A research bounty offered with an open request, paid to the patient on approval.
		#[codec(index = 3)]
		ResearchBounty,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The currency deposits are held in.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The patients (the identity pallet).
		type Patients: PatientRegistry<Self::AccountId>;

		/// The providers and their practitioners (the identity pallet).
		type Providers: ProviderRegistry<Self::AccountId>;

		/// The consent registry: grants, access decisions, the patient's fee-free allowance and
		/// the clock.
		type AccessControl: AccessControl<Self::AccountId>;

		/// The dispute court, which takes contested and unreviewed emergencies.
		type Disputes: DisputeGateway<Self::AccountId>;

		/// Who else hears of approvals and emergencies (the rewards pallet).
		type AccessEvents: AccessEvents<Self::AccountId>;

		/// Held from a practitioner for each open request (the request and its two index
		/// entries); returned when the request ends.
		#[pallet::constant]
		type RequestDeposit: Get<BalanceOf<Self>>;

		/// Paid by a practitioner for each request it makes, to `FeeCollector`, whatever the
		/// answer: more than the rewards an approval can earn the patient, so that requests
		/// do not pay for themselves.
		#[pallet::constant]
		type RequestFee: Get<BalanceOf<Self>>;

		/// Who receives request fees (the treasury).
		type FeeCollector: Get<Self::AccountId>;

		/// Held from a practitioner for each emergency (its record and index entry, and the
		/// grant it adds to the patient's ledger) until the review ends.
		#[pallet::constant]
		type EmergencyDeposit: Get<BalanceOf<Self>>;

		/// Held from a practitioner for each disclosure-log entry it logs, until the entry is
		/// pruned after `DisclosureRetention`.
		#[pallet::constant]
		type DisclosureDeposit: Get<BalanceOf<Self>>;

		/// How long, in milliseconds, a request waits for the patient's answer.
		#[pallet::constant]
		type RequestLifetime: Get<Timestamp>;

		/// The longest access, in milliseconds, a request may ask for.
		#[pallet::constant]
		type MaxAccessDuration: Get<Timestamp>;

		/// The most open requests a patient may have.
		#[pallet::constant]
		type MaxPendingRequests: Get<u32>;

		/// The most open requests a patient may have from one provider, so that one provider
		/// cannot fill the patient's `MaxPendingRequests` and keep the others out.
		#[pallet::constant]
		type MaxPendingRequestsPerProvider: Get<u32>;

		/// How long, in milliseconds, emergency access lasts.
		#[pallet::constant]
		type EmergencyWindow: Get<Timestamp>;

		/// The most emergencies one practitioner may declare per `EmergencyRatePeriod`.
		#[pallet::constant]
		type MaxEmergencies: Get<u32>;

		/// The most emergencies the practitioners of one provider may declare together per
		/// `EmergencyRatePeriod`: adding practitioners does not raise a provider's limit. It
		/// also bounds the provider's rate-window record.
		#[pallet::constant]
		type MaxProviderEmergencies: Get<u32>;

		/// The most emergencies one provider may declare on one patient per
		/// `EmergencyRatePeriod`.
		#[pallet::constant]
		type MaxEmergenciesPerPatient: Get<u32>;

		/// The period, in milliseconds, the emergency rate limits count over.
		#[pallet::constant]
		type EmergencyRatePeriod: Get<Timestamp>;

		/// How long, in milliseconds, the patient has to review an emergency before it goes to
		/// the dispute court on its own.
		#[pallet::constant]
		type ReviewPeriod: Get<Timestamp>;

		/// The most emergencies of one patient with open reviews.
		#[pallet::constant]
		type MaxOpenReviews: Get<u32>;

		/// The most of a patient's open reviews that may belong to one provider, so that one
		/// provider cannot fill the patient's `MaxOpenReviews` and keep the others' break-glass
		/// out.
		#[pallet::constant]
		type MaxOpenReviewsPerProvider: Get<u32>;

		/// How long, in milliseconds, an overdue review whose escalation the court refused waits
		/// before the cleanup asks the court again.
		#[pallet::constant]
		type EscalationRetryDelay: Get<Timestamp>;

		/// Entries per page of a patient's disclosure log.
		#[pallet::constant]
		type DisclosurePageSize: Get<u32>;

		/// How long, in milliseconds, disclosure-log entries are kept (HIPAA asks six years)
		/// before a full page may be pruned.
		#[pallet::constant]
		type DisclosureRetention: Get<Timestamp>;

		/// The most disclosure-log entries one `log_disclosures` call logs. A batch is charged
		/// by its shape (its patients and their pages, and its other entries), so this bounds
		/// the call's weight: the largest batch must fit in a block's share for ordinary calls.
		/// Changing it needs no migration.
		#[pallet::constant]
		type MaxDisclosureBatch: Get<u32>;

		/// Sets up patients and providers in the registries for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type Fixtures: salus_primitives::benchmarking::IdentityFixtures<Self::AccountId>;

		/// Fills consent ledgers for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type ConsentFixtures: salus_primitives::benchmarking::ConsentFixtures<Self::AccountId>;

		/// Moves the clock for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type Clock: salus_primitives::benchmarking::ClockFixture;

		/// Weights of the calls and of the cleanup steps, from the benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Open requests: request id → the request. Removed when approved, denied, cancelled or
	/// expired.
	#[pallet::storage]
	pub type Requests<T: Config> = StorageMap<_, Twox64Concat, RequestId, RequestOf<T>>;

	/// The id the next request gets.
	#[pallet::storage]
	pub type NextRequestId<T: Config> = StorageValue<_, RequestId, ValueQuery>;

	/// Patient → its open requests and the provider of each, oldest first.
	#[pallet::storage]
	pub type PendingRequests<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<(RequestId, ProviderId), T::MaxPendingRequests>,
		ValueQuery,
	>;

	/// (provider, request id) → (): the open requests of each provider.
	#[pallet::storage]
	pub type ProviderRequests<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ProviderId, Twox64Concat, RequestId, ()>;

	/// Emergencies whose review is open: emergency id → the emergency. Removed when the review
	/// ends (acknowledged, contested or escalated); an overdue review whose escalation the court
	/// refused stays, and waits in the escalation queue.
	#[pallet::storage]
	pub type Emergencies<T: Config> = StorageMap<_, Twox64Concat, EmergencyId, EmergencyOf<T>>;

	/// The id the next emergency gets.
	#[pallet::storage]
	pub type NextEmergencyId<T: Config> = StorageValue<_, EmergencyId, ValueQuery>;

	/// Patient → its emergencies with open reviews and the provider of each, oldest first.
	#[pallet::storage]
	pub type OpenReviews<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<(EmergencyId, ProviderId), T::MaxOpenReviews>,
		ValueQuery,
	>;

	/// Provider → how many of its emergencies have open reviews (no entry: none).
	#[pallet::storage]
	pub type ProviderReviews<T: Config> = StorageMap<_, Twox64Concat, ProviderId, u32>;

	/// Provider → the emergencies its practitioners declared in its current rate window, per
	/// practitioner and per patient. One bounded record per provider that broke the glass,
	/// overwritten when its window is over; anyone may remove a window that is over
	/// (`clear_rate_window`).
	#[pallet::storage]
	pub type EmergencyRate<T: Config> = StorageMap<_, Twox64Concat, ProviderId, RateWindowOf<T>>;

	/// Place in the queue → (overdue emergency, when to ask the court again): escalations the
	/// court refused, in the order they are retried. Each entry belongs to an open review
	/// (whose deposit pays for it) and goes when the review ends.
	#[pallet::storage]
	pub type EscalationQueue<T: Config> =
		StorageMap<_, Twox64Concat, u64, (EmergencyId, Timestamp)>;

	/// The place the next refused escalation takes in the queue.
	#[pallet::storage]
	pub type NextRetry<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The cleanup's place in the escalation queue: every place below it is empty.
	#[pallet::storage]
	pub type RetrySweep<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// (patient, page number) → that full page of the patient's disclosure log, oldest
	/// first. Entry `n` of a patient's log is on page `n / DisclosurePageSize`; the page still
	/// filling is in [`DisclosureLogs`] until it is full.
	#[pallet::storage]
	pub type DisclosurePages<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, u32, DisclosurePage<T>>;

	/// Patient → its disclosure log's count and the page still filling ([`DisclosureLog`]):
	/// what logging an entry reads and writes. Since storage version 1 (spec version 106),
	/// which folded the count (`DisclosureCount`) and the filling page into one record.
	#[pallet::storage]
	pub type DisclosureLogs<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, DisclosureLogOf<T>, ValueQuery>;

	/// Disclosure id → (patient, provider that logged it), for the dispute court, of the entries
	/// logged before [`DisclosureBatches`] (spec version 104): who may dispute the disclosure
	/// and against whom. No entry is added any more; each is removed with its page.
	#[pallet::storage]
	pub type DisclosureParties<T: Config> =
		StorageMap<_, Twox64Concat, DisclosureId, (T::AccountId, ProviderId)>;

	/// First id of a logging call → who may dispute its entries and against whom
	/// ([`DisclosureBatch`]): the dispute court's record of the entries logged from spec
	/// version 104 to 109, one record per call. No record is added any more: since spec
	/// version 110 the court finds an entry in its patient's log
	/// ([`Pallet::find_disclosure`]), and logging writes one item less. Paid by the entries'
	/// deposits; a slot is cleared when its entry's page is pruned, and the record removed
	/// with its last entry.
	#[pallet::storage]
	pub type DisclosureBatches<T: Config> =
		StorageMap<_, Twox64Concat, DisclosureId, DisclosureBatchOf<T>>;

	/// The cleanup's place among requests: every request below this id has ended.
	#[pallet::storage]
	pub type RequestSweep<T: Config> = StorageValue<_, RequestId, ValueQuery>;

	/// The cleanup's place among emergencies: every review below this id has ended.
	#[pallet::storage]
	pub type ReviewSweep<T: Config> = StorageValue<_, EmergencyId, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A practitioner asked a patient for access.
		AccessRequested {
			/// The request.
			id: RequestId,
			/// The patient asked.
			patient: T::AccountId,
			/// The provider asking.
			provider: ProviderId,
			/// The practitioner asking.
			practitioner: T::AccountId,
			/// The classes asked for.
			classes: DataClassSet,
			/// Why.
			purpose: Purpose,
			/// When it expires unanswered.
			expires_at: Timestamp,
			/// The research bounty offered, held until the request ends.
			bounty: BalanceOf<T>,
		},
		/// The patient approved a request: the provider may see `classes` until `valid_until`.
		RequestApproved {
			/// The request.
			id: RequestId,
			/// The patient.
			patient: T::AccountId,
			/// The provider, the grantee.
			provider: ProviderId,
			/// The classes approved (a subset of those asked for).
			classes: DataClassSet,
			/// The grant in the consent registry.
			consent: salus_primitives::ConsentId,
			/// When the access ends.
			valid_until: Timestamp,
			/// The research bounty paid to the patient.
			bounty: BalanceOf<T>,
		},
		/// The patient denied a request.
		RequestDenied {
			/// The request.
			id: RequestId,
			/// The patient.
			patient: T::AccountId,
		},
		/// The provider withdrew a request.
		RequestCancelled {
			/// The request.
			id: RequestId,
		},
		/// A request expired unanswered; its deposit was returned.
		RequestExpired {
			/// The request.
			id: RequestId,
		},
		/// A practitioner broke the glass: its provider may see `classes` until `access_until`,
		/// and the patient is asked to review it by `review_due`.
		EmergencyDeclared {
			/// The emergency.
			id: EmergencyId,
			/// The patient.
			patient: T::AccountId,
			/// The provider, the grantee.
			provider: ProviderId,
			/// The practitioner who declared it.
			practitioner: T::AccountId,
			/// The grant in the consent registry (it names the classes opened; the event does
			/// not repeat them, nor the reason, which only a salted commitment records).
			consent: salus_primitives::ConsentId,
			/// When the access ends.
			access_until: Timestamp,
			/// When the review goes to the dispute court if unanswered.
			review_due: Timestamp,
		},
		/// The patient acknowledged an emergency as justified; its review is closed.
		EmergencyAcknowledged {
			/// The emergency.
			id: EmergencyId,
		},
		/// The patient contested an emergency; the dispute court took it.
		EmergencyContested {
			/// The emergency.
			id: EmergencyId,
			/// The dispute opened.
			dispute: DisputeId,
		},
		/// Nobody reviewed an emergency in time; it went to the dispute court, which opened
		/// `dispute`, and its review is closed.
		ReviewEscalated {
			/// The emergency.
			id: EmergencyId,
			/// The dispute opened (or the one already open about the emergency).
			dispute: DisputeId,
		},
		/// The court refused to take up an overdue review now: the review stays open and the
		/// cleanup asks again from `retry_at`.
		EscalationDeferred {
			/// The emergency.
			id: EmergencyId,
			/// When the court is asked again.
			retry_at: Timestamp,
		},
		/// An access was logged in the patient's disclosure log.
		DisclosureLogged {
			/// The entry.
			id: DisclosureId,
			/// The patient.
			patient: T::AccountId,
			/// The practitioner who accessed the data.
			accessor: T::AccountId,
			/// Its provider.
			provider: ProviderId,
			/// Which class.
			class: DataClass,
			/// For which purpose.
			purpose: Purpose,
			/// What permitted it.
			basis: salus_primitives::AccessBasis,
		},
		/// A page of a patient's disclosure log was pruned after its retention; the deposits
		/// were returned.
		DisclosuresPruned {
			/// The patient.
			patient: T::AccountId,
			/// The page.
			page: u32,
			/// How many entries it held.
			count: u32,
		},
		/// A provider's emergency rate window, over, was removed.
		RateWindowCleared {
			/// The provider.
			provider: ProviderId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The patient is not registered.
		NotRegistered,
		/// The caller (or the accessor) is not a practitioner of any provider; also the access
		/// decision's denial for that reason.
		NotPractitioner,
		/// The caller's provider is not accredited.
		ProviderNotAccredited,
		/// Only practitioners of hospitals and clinics may declare emergencies.
		NotEmergencyProvider,
		/// A request must ask for at least one data class.
		NoDataClasses,
		/// The access asked for lasts zero time or longer than `MaxAccessDuration`.
		InvalidDuration,
		/// Only a research request may offer a bounty.
		BountyNotForResearch,
		/// The patient has the most open requests allowed.
		TooManyPendingRequests,
		/// The patient has the most open requests allowed from the caller's provider.
		TooManyProviderRequests,
		/// No open request with this id.
		RequestNotFound,
		/// Only the patient the request is for may answer it.
		NotPatient,
		/// Only a practitioner of the requesting provider may cancel a request.
		NotRequester,
		/// The request expired: it can no longer be approved.
		RequestExpired,
		/// The classes approved must be some of those asked for.
		ClassesNotRequested,
		/// The patient's consent ledger has no room for another grant now.
		NoRoomForGrant,
		/// The practitioner declared the most emergencies allowed in the current period.
		TooManyEmergencies,
		/// The practitioner's provider declared the most emergencies allowed in the current
		/// period.
		TooManyProviderEmergencies,
		/// The practitioner's provider declared the most emergencies allowed on this patient in
		/// the current period.
		TooManyEmergenciesForPatient,
		/// The patient has the most emergencies with open reviews allowed.
		TooManyOpenReviews,
		/// The patient has the most open reviews allowed of emergencies by the caller's
		/// provider.
		TooManyProviderReviews,
		/// No emergency with an open review has this id.
		EmergencyNotFound,
		/// Access denied: the patient gave no consent that speaks to the accessor.
		NoConsent,
		/// Access denied: a consent of the patient denies it.
		DeniedByConsent,
		/// Access denied: the consent does not cover this data class.
		ClassNotCovered,
		/// Access denied: the class is sensitive and the consent does not name it.
		SensitiveClassNotNamed,
		/// Access denied: the consent does not cover this purpose.
		PurposeNotCovered,
		/// Access denied: the provider is outside the jurisdictions the consent allows.
		OutsideJurisdictions,
		/// Access denied: the consent was revoked.
		ConsentRevoked,
		/// Access denied: the consent is not valid yet.
		ConsentNotYetValid,
		/// Access denied: the consent expired.
		ConsentExpired,
		/// No such page in the patient's disclosure log.
		PageNotFound,
		/// Only a full page (the log has moved past it) may be pruned.
		PageNotFull,
		/// The page's newest entry is younger than `DisclosureRetention`.
		RetentionNotOver,
		/// The provider has no emergency rate window.
		RateWindowNotFound,
		/// The provider's emergency rate window is not over yet.
		RateWindowOpen,
		/// A batch of disclosures must log at least one.
		NoDisclosures,
		/// An older page of the log is still kept: pages are pruned oldest first.
		PageNotOldest,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Ends expired requests and escalates overdue reviews, oldest first, within the
		/// weight the block has left; each step is charged at its benchmarked worst case.
		fn on_idle(_: BlockNumberFor<T>, remaining: Weight) -> Weight {
			let mut meter = WeightMeter::with_limit(remaining);
			Self::sweep(&mut meter);
			meter.consumed()
		}

		fn integrity_test() {
			assert!(T::MaxPendingRequests::get() > 0, "patients must be able to receive requests");
			assert!(T::MaxOpenReviews::get() > 0, "emergencies need reviews");
			assert!(T::MaxEmergencies::get() > 0, "emergencies must be possible");
			assert!(
				T::MaxPendingRequestsPerProvider::get() > 0
					&& T::MaxPendingRequestsPerProvider::get() <= T::MaxPendingRequests::get(),
				"a provider's share of a patient's requests is some of them"
			);
			assert!(
				T::MaxProviderEmergencies::get() >= T::MaxEmergencies::get(),
				"a provider may declare what one of its practitioners may"
			);
			assert!(
				T::MaxEmergenciesPerPatient::get() > 0,
				"emergencies on a patient are possible"
			);
			assert!(
				T::MaxOpenReviewsPerProvider::get() > 0
					&& T::MaxOpenReviewsPerProvider::get() <= T::MaxOpenReviews::get(),
				"a provider's share of a patient's reviews is some of them"
			);
			assert!(T::EscalationRetryDelay::get() > 0, "a refused escalation waits some time");
			assert!(T::DisclosurePageSize::get() > 0, "a disclosure page holds entries");
			assert!(T::MaxDisclosureBatch::get() > 0, "a batch of disclosures holds entries");
			assert!(T::RequestLifetime::get() > 0, "a request waits some time");
			assert!(T::MaxAccessDuration::get() > 0, "access lasts some time");
			assert!(T::EmergencyWindow::get() > 0, "emergency access lasts some time");
			assert!(T::ReviewPeriod::get() > 0, "a review takes some time");
			assert!(T::EmergencyRatePeriod::get() > 0, "the rate limit counts over a period");
			assert!(!T::RequestDeposit::get().is_zero(), "requests are paid for");
			assert!(!T::EmergencyDeposit::get().is_zero(), "emergencies are paid for");
			assert!(!T::DisclosureDeposit::get().is_zero(), "disclosure entries are paid for");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Asks `patient` for access to `classes` of its data for `purpose`, to last `duration`
		/// milliseconds once approved, with `justification` (a hash of the reason kept off
		/// chain). The request waits `RequestLifetime` for an answer. The caller pays
		/// `RequestFee` to the treasury, whatever the answer. A research request may offer
		/// the patient a `bounty`: it is held from the caller, paid to the patient if it
		/// approves, and returned if the request is denied, withdrawn or expires.
		///
		/// # Requires
		/// Signed by a practitioner of an accredited provider; `patient` registered, below
		/// `MaxPendingRequests` and below `MaxPendingRequestsPerProvider` from the caller's
		/// provider; a bounty only for purpose Research; `RequestFee` free to pay and
		/// `RequestDeposit` plus the bounty free to hold.
		///
		/// # Events
		/// * [`Event::AccessRequested`]
		///
		/// # Errors
		/// * [`Error::NotPractitioner`] - the caller is not a practitioner
		/// * [`Error::ProviderNotAccredited`] - its provider is not accredited
		/// * [`Error::NotRegistered`] - `patient` is not a registered patient
		/// * [`Error::NoDataClasses`] - `classes` is empty
		/// * [`Error::InvalidDuration`] - `duration` is zero or above `MaxAccessDuration`
		/// * [`Error::BountyNotForResearch`] - a bounty for another purpose than Research
		/// * [`Error::TooManyProviderRequests`] - the patient has the most open requests from
		///   the caller's provider
		/// * [`Error::TooManyPendingRequests`] - the patient has the most open requests
		/// * [`ArithmeticError::Overflow`] - no request ids left
		/// * a [`sp_runtime::TokenError`] - the fee cannot be paid or the deposit or bounty
		///   cannot be held
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::request_access())]
		pub fn request_access(
			origin: OriginFor<T>,
			patient: T::AccountId,
			classes: DataClassSet,
			purpose: Purpose,
			duration: Timestamp,
			justification: H256,
			bounty: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let provider = Self::accredited_provider_of(&who)?;
			ensure!(T::Patients::is_registered(&patient), Error::<T>::NotRegistered);
			ensure!(!classes.is_empty(), Error::<T>::NoDataClasses);
			ensure!(
				duration > 0 && duration <= T::MaxAccessDuration::get(),
				Error::<T>::InvalidDuration
			);
			let mut pending = PendingRequests::<T>::get(&patient);
			let id = NextRequestId::<T>::get();
			let next = id.checked_add(1).ok_or(ArithmeticError::Overflow)?;
			ensure!(
				bounty.is_zero() || purpose == Purpose::Research,
				Error::<T>::BountyNotForResearch
			);
			let from_provider = pending.iter().filter(|(_, from)| *from == provider).count();
			ensure!(
				(from_provider as u32) < T::MaxPendingRequestsPerProvider::get(),
				Error::<T>::TooManyProviderRequests
			);
			pending
				.try_push((id, provider))
				.map_err(|_| Error::<T>::TooManyPendingRequests)?;
			let fee = T::RequestFee::get();
			if !fee.is_zero() {
				T::Currency::transfer(&who, &T::FeeCollector::get(), fee, Preservation::Preserve)?;
			}
			let deposit = T::RequestDeposit::get();
			T::Currency::hold(&HoldReason::RequestDeposit.into(), &who, deposit)?;
			if !bounty.is_zero() {
				salus_primitives::hold_liquid::<_, T::Currency>(
					&HoldReason::ResearchBounty.into(),
					&who,
					bounty,
				)?;
			}

			let now = T::AccessControl::now();
			let expires_at = now.saturating_add(T::RequestLifetime::get());
			Requests::<T>::insert(
				id,
				AccessRequest {
					patient: patient.clone(),
					practitioner: who.clone(),
					provider,
					classes,
					purpose,
					duration,
					justification,
					created_at: now,
					expires_at,
					deposit,
					bounty,
				},
			);
			NextRequestId::<T>::put(next);
			PendingRequests::<T>::insert(&patient, pending);
			ProviderRequests::<T>::insert(provider, id, ());
			Self::deposit_event(Event::AccessRequested {
				id,
				patient,
				provider,
				practitioner: who,
				classes,
				purpose,
				expires_at,
				bounty,
			});
			Ok(())
		}

		/// Approves request `request_id` for all the classes asked for, or for `classes`, some
		/// of them. The requesting provider gets a Permit grant in the consent registry for
		/// the request's purpose, from now for the duration asked for; the practitioner's
		/// deposit is returned and its research bounty, if any, paid to the patient.
		///
		/// Free of fees within the patient's fee-free allowance (shared with the consent
		/// calls) when it succeeds; the approval counts against the allowance in the same
		/// ledger write as the grant.
		///
		/// Weight: charged for a full consent ledger with an ended grant dropped to make room;
		/// refunded, after the call, what the registry measures the grant it actually wrote
		/// saved ([`Pallet::granted_weight`]).
		///
		/// # Requires
		/// Signed by the patient the request is for (or its guardian through a proxy), before
		/// the request expires.
		///
		/// # Events
		/// * [`Event::RequestApproved`], and the consent registry's `ConsentGranted`
		///
		/// # Errors
		/// * [`Error::RequestNotFound`] - no open request has this id
		/// * [`Error::NotPatient`] - the caller is not the patient the request is for
		/// * [`Error::RequestExpired`] - the request expired
		/// * [`Error::ClassesNotRequested`] - `classes` is empty or not among those asked for
		/// * [`Error::NoRoomForGrant`] - the patient's consent ledger has no room for the grant
		/// * the consent registry's error, if it refuses the grant
		/// * a [`sp_runtime::TokenError`] - the bounty cannot be paid in full
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::approve_request())]
		#[pallet::feeless_if(|origin: &OriginFor<T>,
			request_id: &RequestId,
			classes: &Option<DataClassSet>| -> bool {
			Pallet::<T>::is_free(origin, |who| {
				Pallet::<T>::prepare_approve(who, *request_id, *classes).map(|_| ())
			})
		})]
		pub fn approve_request(
			origin: OriginFor<T>,
			request_id: RequestId,
			classes: Option<DataClassSet>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let (request, classes) = Self::prepare_approve(&who, request_id, classes)?;
			let valid_until = T::AccessControl::now().saturating_add(request.duration);
			let granted = T::AccessControl::grant(
				&who,
				Grant {
					grantee: Grantee::Provider(request.provider),
					classes,
					purposes: PurposeSet::of(&[request.purpose]),
					valid_until,
					source: GrantSource::Request(request_id),
				},
				GrantBy::Patient,
			)?;
			let bounty = Self::end_request(request_id, &request, Some(&who))?;
			T::AccessEvents::request_approved(
				&who,
				request.provider,
				request_id,
				classes,
				request.purpose,
			);
			Self::deposit_event(Event::RequestApproved {
				id: request_id,
				patient: who,
				provider: request.provider,
				classes,
				consent: granted.id,
				valid_until,
				bounty,
			});
			Ok(Self::granted_weight(T::WeightInfo::approve_request(), &granted))
		}

		/// Denies request `request_id` (expired or not); the practitioner's deposit and
		/// bounty are returned.
		///
		/// Free of fees within the patient's fee-free allowance when it succeeds.
		///
		/// Weight: charged for a full consent ledger; refunded, after the call, what the
		/// registry measures rewriting the patient's actual ledger saved
		/// ([`Pallet::ledger_written`]).
		///
		/// # Requires
		/// Signed by the patient the request is for (or its guardian through a proxy).
		///
		/// # Events
		/// * [`Event::RequestDenied`]
		///
		/// # Errors
		/// * [`Error::RequestNotFound`] - no open request has this id
		/// * [`Error::NotPatient`] - the caller is not the patient the request is for
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::deny_request())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, request_id: &RequestId| -> bool {
			Pallet::<T>::is_free(origin, |who| {
				Pallet::<T>::patients_request(who, *request_id).map(|_| ())
			})
		})]
		pub fn deny_request(
			origin: OriginFor<T>,
			request_id: RequestId,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let request = Self::patients_request(&who, request_id)?;
			let ledger = T::AccessControl::count_operation(&who);
			Self::end_request(request_id, &request, None)?;
			Self::deposit_event(Event::RequestDenied { id: request_id, patient: who });
			Ok(Self::ledger_written(T::WeightInfo::deny_request(), ledger))
		}

		/// Withdraws request `request_id`; the deposit and bounty are returned to the
		/// practitioner who made it.
		///
		/// # Requires
		/// Signed by a practitioner of the requesting provider.
		///
		/// # Events
		/// * [`Event::RequestCancelled`]
		///
		/// # Errors
		/// * [`Error::RequestNotFound`] - no open request has this id
		/// * [`Error::NotRequester`] - the caller is not a practitioner of the requesting
		///   provider
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::cancel_request())]
		pub fn cancel_request(origin: OriginFor<T>, request_id: RequestId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let request = Requests::<T>::get(request_id).ok_or(Error::<T>::RequestNotFound)?;
			ensure!(
				T::Providers::provider_of(&who) == Some(request.provider),
				Error::<T>::NotRequester
			);
			Self::end_request(request_id, &request, None)?;
			Self::deposit_event(Event::RequestCancelled { id: request_id });
			Ok(())
		}

		/// Breaks the glass: the caller's provider may see `patient`'s non-sensitive classes
		/// (and the sensitive ones the patient's emergency directive allows) for emergency
		/// treatment, at once and for `EmergencyWindow`, with no action by the patient. Opens
		/// a review the patient answers within `ReviewPeriod`; unanswered, it goes to the
		/// dispute court.
		///
		/// `justification` is a salted commitment to the reason and the clinical justification
		/// kept off chain ([`EmergencyReason::commit`]): the chain records no reason in clear.
		///
		/// Weight: charged for a full consent ledger with an ended grant dropped to make room;
		/// refunded, after the call, what the registry measures the grant it actually wrote
		/// saved ([`Pallet::granted_weight`]).
		///
		/// # Requires
		/// Signed by a practitioner of an accredited hospital or clinic. In the current
		/// `EmergencyRatePeriod` of its provider: the practitioner below `MaxEmergencies`, the
		/// provider below `MaxProviderEmergencies`, and below `MaxEmergenciesPerPatient` on
		/// `patient`. `patient` registered, below `MaxOpenReviews`, and below
		/// `MaxOpenReviewsPerProvider` of the provider's emergencies; `EmergencyDeposit` free
		/// to hold.
		///
		/// # Events
		/// * [`Event::EmergencyDeclared`], and the consent registry's `ConsentGranted`
		///
		/// # Errors
		/// * [`Error::NotPractitioner`] - the caller is not a practitioner
		/// * [`Error::ProviderNotAccredited`] - its provider is not accredited
		/// * [`Error::NotEmergencyProvider`] - its provider is neither a hospital nor a clinic
		/// * [`Error::NotRegistered`] - `patient` is not a registered patient
		/// * [`Error::TooManyEmergencies`] - the practitioner's rate limit is reached
		/// * [`Error::TooManyProviderEmergencies`] - the provider's rate limit is reached
		/// * [`Error::TooManyEmergenciesForPatient`] - the provider's rate limit on `patient`
		///   is reached
		/// * [`Error::TooManyProviderReviews`] - the patient has the most open reviews of the
		///   provider's emergencies
		/// * [`Error::TooManyOpenReviews`] - the patient has the most open reviews
		/// * [`ArithmeticError::Overflow`] - no emergency ids left
		/// * the consent registry's error, if it refuses the grant
		/// * a [`sp_runtime::TokenError`] - the deposit cannot be held
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::declare_emergency())]
		pub fn declare_emergency(
			origin: OriginFor<T>,
			patient: T::AccountId,
			justification: H256,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let provider = Self::accredited_provider_of(&who)?;
			ensure!(
				matches!(
					T::Providers::kind(provider),
					Some(ProviderKind::Hospital | ProviderKind::Clinic)
				),
				Error::<T>::NotEmergencyProvider
			);
			ensure!(T::Patients::is_registered(&patient), Error::<T>::NotRegistered);
			let now = T::AccessControl::now();
			let period = T::EmergencyRatePeriod::get();
			let mut window = EmergencyRate::<T>::get(provider)
				.filter(|window| now < window.started_at.saturating_add(period))
				.unwrap_or_else(|| RateWindow::starting(now));
			ensure!(
				window.by_practitioner(&who) < T::MaxEmergencies::get(),
				Error::<T>::TooManyEmergencies
			);
			ensure!(
				window.total() < T::MaxProviderEmergencies::get(),
				Error::<T>::TooManyProviderEmergencies
			);
			ensure!(
				window.on_patient(&patient) < T::MaxEmergenciesPerPatient::get(),
				Error::<T>::TooManyEmergenciesForPatient
			);
			ensure!(window.record(&who, &patient), Error::<T>::TooManyProviderEmergencies);
			let mut reviews = OpenReviews::<T>::get(&patient);
			let id = NextEmergencyId::<T>::get();
			let next = id.checked_add(1).ok_or(ArithmeticError::Overflow)?;
			let of_provider = reviews.iter().filter(|(_, by)| *by == provider).count();
			ensure!(
				(of_provider as u32) < T::MaxOpenReviewsPerProvider::get(),
				Error::<T>::TooManyProviderReviews
			);
			reviews.try_push((id, provider)).map_err(|_| Error::<T>::TooManyOpenReviews)?;
			let provider_reviews = ProviderReviews::<T>::get(provider)
				.unwrap_or_default()
				.checked_add(1)
				.ok_or(ArithmeticError::Overflow)?;
			let deposit = T::EmergencyDeposit::get();
			T::Currency::hold(&HoldReason::EmergencyDeposit.into(), &who, deposit)?;

			let classes = T::AccessControl::emergency_classes(&patient);
			let access_until = now.saturating_add(T::EmergencyWindow::get());
			let granted = T::AccessControl::grant(
				&patient,
				Grant {
					grantee: Grantee::Provider(provider),
					classes,
					purposes: PurposeSet::of(&[Purpose::EmergencyTreatment]),
					valid_until: access_until,
					source: GrantSource::Emergency(id),
				},
				GrantBy::Provider,
			)?;
			let consent = granted.id;
			let review_due = now.saturating_add(T::ReviewPeriod::get());
			Emergencies::<T>::insert(
				id,
				Emergency {
					patient: patient.clone(),
					practitioner: who.clone(),
					provider,
					justification,
					classes,
					consent,
					declared_at: now,
					access_until,
					review_due,
					deposit,
					retry: None,
				},
			);
			NextEmergencyId::<T>::put(next);
			OpenReviews::<T>::insert(&patient, reviews);
			ProviderReviews::<T>::insert(provider, provider_reviews);
			EmergencyRate::<T>::insert(provider, window);
			T::AccessEvents::emergency_declared(&patient, provider, id);
			Self::deposit_event(Event::EmergencyDeclared {
				id,
				patient,
				provider,
				practitioner: who,
				consent,
				access_until,
				review_due,
			});
			Ok(Self::granted_weight(T::WeightInfo::declare_emergency(), &granted))
		}

		/// Acknowledges emergency `emergency_id` as justified, closing its review; the
		/// practitioner's deposit is returned.
		///
		/// Free of fees within the patient's fee-free allowance when it succeeds.
		///
		/// Weight: charged for a full consent ledger and a review waiting in the escalation
		/// queue; refunded, after the call, what the registry measures rewriting the patient's
		/// actual ledger saved ([`Pallet::ledger_written`]) and, for a review that was not in
		/// the queue, the queue's write.
		///
		/// # Requires
		/// Signed by the patient (or its guardian through a proxy), while the review is open
		/// (an overdue review whose escalation waits for the court is still open).
		///
		/// # Events
		/// * [`Event::EmergencyAcknowledged`]
		///
		/// # Errors
		/// * [`Error::EmergencyNotFound`] - no emergency with an open review has this id
		/// * [`Error::NotPatient`] - the caller is not the emergency's patient
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::acknowledge_emergency())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, emergency_id: &EmergencyId| -> bool {
			Pallet::<T>::is_free(origin, |who| {
				Pallet::<T>::patients_emergency(who, *emergency_id).map(|_| ())
			})
		})]
		pub fn acknowledge_emergency(
			origin: OriginFor<T>,
			emergency_id: EmergencyId,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let emergency = Self::patients_emergency(&who, emergency_id)?;
			let ledger = T::AccessControl::count_operation(&who);
			let queued = Self::end_review(emergency_id, &emergency)?;
			T::AccessEvents::emergency_acknowledged(&who, emergency.provider, emergency_id);
			Self::deposit_event(Event::EmergencyAcknowledged { id: emergency_id });
			let charged = T::WeightInfo::acknowledge_emergency()
				.saturating_sub(Self::unqueued_saving(queued));
			Ok(Self::ledger_written(charged, ledger))
		}

		/// Contests emergency `emergency_id`: the dispute court opens a dispute against the
		/// provider with `evidence` (a hash of the evidence kept off chain), holding the
		/// patient's bond. The review closes; the practitioner's deposit is returned (the court
		/// now holds the provider to account).
		///
		/// The court checks the parties through [`salus_primitives::DisputeSubjects`], which
		/// this pallet answers from the open review: the patient against the provider that
		/// declared the emergency.
		///
		/// # Requires
		/// Signed by the patient (or its guardian through a proxy), while the review is open;
		/// the court's bond free to hold.
		///
		/// # Events
		/// * [`Event::EmergencyContested`], and the court's own
		///
		/// # Errors
		/// * [`Error::EmergencyNotFound`] - no emergency with an open review has this id
		/// * [`Error::NotPatient`] - the caller is not the emergency's patient
		/// * the court's error, if it refuses the dispute (`Unavailable` from the `()` court)
		///
		/// Weight: charged for a review waiting in the escalation queue; a review that was not
		/// in the queue is refunded the queue's write.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::contest_emergency().saturating_add(T::Disputes::extra_weight()))]
		pub fn contest_emergency(
			origin: OriginFor<T>,
			emergency_id: EmergencyId,
			evidence: H256,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let emergency = Self::patients_emergency(&who, emergency_id)?;
			let dispute = T::Disputes::open(
				&who,
				emergency.provider,
				DisputeSubject::Emergency(emergency_id),
				evidence,
			)?;
			let queued = Self::end_review(emergency_id, &emergency)?;
			T::AccessEvents::emergency_contested(&who, emergency.provider, emergency_id, dispute);
			Self::deposit_event(Event::EmergencyContested { id: emergency_id, dispute });
			let charged =
				T::WeightInfo::contest_emergency().saturating_add(T::Disputes::extra_weight());
			Ok(Some(charged.saturating_sub(Self::unqueued_saving(queued))).into())
		}

		/// Logs that the caller accessed `data_class` of `patient`'s data for `purpose`
		/// (optionally naming the `record`, by hash) in the patient's disclosure log, with the
		/// basis the access decision names. Refused, with the decision's reason, when the
		/// decision is Deny.
		///
		/// # Requires
		/// Signed by the practitioner who accessed the data; `DisclosureDeposit` free to hold.
		///
		/// # Events
		/// * [`Event::DisclosureLogged`]
		///
		/// # Errors
		/// One per reason of denial ([`DenyReason`]), named after it:
		/// * [`Error::NotRegistered`] - the patient is not registered
		/// * [`Error::NotPractitioner`] - the caller is not a practitioner
		/// * [`Error::ProviderNotAccredited`] - its provider is not accredited
		/// * [`Error::NoConsent`] - no consent speaks to the caller
		/// * [`Error::DeniedByConsent`] - a consent denies it
		/// * [`Error::ClassNotCovered`] - the consent does not cover the class
		/// * [`Error::SensitiveClassNotNamed`] - the sensitive class is not named
		/// * [`Error::PurposeNotCovered`] - the consent does not cover the purpose
		/// * [`Error::OutsideJurisdictions`] - the provider is outside the consent's
		///   jurisdictions
		/// * [`Error::ConsentRevoked`] - the consent was revoked
		/// * [`Error::ConsentNotYetValid`] - the consent is not valid yet
		/// * [`Error::ConsentExpired`] - the consent expired
		///
		/// and:
		/// * [`ArithmeticError::Overflow`] - no disclosure ids or log positions left
		/// * a [`sp_runtime::TokenError`] - the deposit cannot be held
		#[pallet::call_index(7)]
		#[pallet::weight(Pallet::<T>::log_disclosure_weight())]
		pub fn log_disclosure(
			origin: OriginFor<T>,
			patient: T::AccountId,
			data_class: DataClass,
			purpose: Purpose,
			record: Option<H256>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let entry = DisclosureEntry { patient, data_class, purpose, record };
			let (mut unused, filled) = Self::do_log_disclosures(&who, alloc::vec![entry])?;
			// Charged for the worst case, the entry that fills a page (one more write).
			if filled == 0 {
				unused = unused.saturating_add(T::DbWeight::get().writes(1));
			}
			Ok(Some(Self::log_disclosure_weight().saturating_sub(unused)).into())
		}

		/// Logs several accesses the caller made, each as [`Pallet::log_disclosure`] would, in
		/// one transaction: a hospital logs a burst of accesses with one signature. The entries
		/// are logged in order, with consecutive ids; a patient's entries take consecutive
		/// places of its log, filling a page before starting the next.
		///
		/// All or nothing: if the decision denies any entry, the call fails with the first
		/// denied entry's error (a denial anywhere is reported before the deposits are held);
		/// if the deposits cannot be held, with the token error; either way nothing is logged,
		/// held or emitted.
		///
		/// Weight: by the batch's shape ([`Pallet::batch_shape`]): each patient (its
		/// registration and ledger read, its log record read and written, once) and each page
		/// its entries fill, then each other entry (its decision and its place); one
		/// transaction's base weight instead of one per entry.
		///
		/// # Requires
		/// Signed by the practitioner who accessed the data; at least one entry, at most
		/// `MaxDisclosureBatch`; `DisclosureDeposit` free to hold for each entry.
		///
		/// # Events
		/// * [`Event::DisclosureLogged`], one per entry, in order
		///
		/// # Errors
		/// * [`Error::NoDisclosures`] - `entries` is empty
		///
		/// and, for the first entry refused, the error [`Pallet::log_disclosure`] returns for
		/// it; one per reason of denial ([`DenyReason`]), named after it:
		/// * [`Error::NotRegistered`] - the entry's patient is not registered
		/// * [`Error::NotPractitioner`] - the caller is not a practitioner
		/// * [`Error::ProviderNotAccredited`] - its provider is not accredited
		/// * [`Error::NoConsent`] - no consent speaks to the caller
		/// * [`Error::DeniedByConsent`] - a consent denies it
		/// * [`Error::ClassNotCovered`] - the consent does not cover the class
		/// * [`Error::SensitiveClassNotNamed`] - the sensitive class is not named
		/// * [`Error::PurposeNotCovered`] - the consent does not cover the purpose
		/// * [`Error::OutsideJurisdictions`] - the provider is outside the consent's
		///   jurisdictions
		/// * [`Error::ConsentRevoked`] - the consent was revoked
		/// * [`Error::ConsentNotYetValid`] - the consent is not valid yet
		/// * [`Error::ConsentExpired`] - the consent expired
		///
		/// and:
		/// * [`ArithmeticError::Overflow`] - no disclosure ids or log positions left
		/// * a [`sp_runtime::TokenError`] - a deposit cannot be held
		#[pallet::call_index(10)]
		#[pallet::weight(Pallet::<T>::log_disclosures_weight(entries))]
		pub fn log_disclosures(
			origin: OriginFor<T>,
			entries: BoundedVec<DisclosureEntry<T::AccountId>, T::MaxDisclosureBatch>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(!entries.is_empty(), Error::<T>::NoDisclosures);
			let charged = Self::log_disclosures_weight(&entries);
			let (unused, _) = Self::do_log_disclosures(&who, entries.into_inner())?;
			Ok(Some(charged.saturating_sub(unused)).into())
		}

		/// Removes page `page` of `patient`'s disclosure log once it is full, the oldest page
		/// kept, and its newest entry is older than `DisclosureRetention`, returning each
		/// entry's deposit to the practitioner who logged it. The entries stay in the chain's
		/// history (events). Oldest first, so that the kept pages stay consecutive and the
		/// dispute court finds an entry by a binary search ([`Pallet::find_disclosure`]);
		/// retention ends for a log's pages in that order anyway.
		///
		/// The entries can no longer be disputed once pruned: their parties go with them.
		///
		/// # Requires
		/// Signed by anyone (the deposits go back to those who paid them).
		///
		/// # Events
		/// * [`Event::DisclosuresPruned`]
		///
		/// # Errors
		/// * [`Error::PageNotFound`] - the log has no such page (never reached, or pruned)
		/// * [`Error::PageNotFull`] - the page is still filling
		/// * [`Error::PageNotOldest`] - an older page of the log is still kept
		/// * [`Error::RetentionNotOver`] - its newest entry is younger than
		///   `DisclosureRetention`
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::prune_disclosures())]
		pub fn prune_disclosures(
			origin: OriginFor<T>,
			patient: T::AccountId,
			page: u32,
		) -> DispatchResult {
			ensure_signed(origin)?;
			let entries = DisclosurePages::<T>::get(&patient, page).ok_or_else(|| {
				let log = DisclosureLogs::<T>::get(&patient);
				if !log.filling.is_empty() && page == Self::page_of(log.count) {
					Error::<T>::PageNotFull
				} else {
					Error::<T>::PageNotFound
				}
			})?;
			let older = page.checked_sub(1);
			ensure!(
				older.is_none_or(|older| !DisclosurePages::<T>::contains_key(&patient, older)),
				Error::<T>::PageNotOldest
			);
			let newest = entries.iter().map(|entry| entry.at).max().unwrap_or_default();
			ensure!(
				T::AccessControl::now().saturating_sub(newest) >= T::DisclosureRetention::get(),
				Error::<T>::RetentionNotOver
			);
			// The records the dispute court kept of entries logged before spec version 110
			// (batch records since spec version 104, one per entry before it), each batch
			// record read and written once; later entries have none.
			let stride = Self::disclosure_stride();
			let mut batches: BTreeMap<DisclosureId, Option<DisclosureBatchOf<T>>> = BTreeMap::new();
			for entry in entries.iter() {
				T::Currency::release(
					&HoldReason::DisclosureDeposit.into(),
					&entry.accessor,
					entry.deposit,
					Precision::BestEffort,
				)?;
				if entry.id >= DISCLOSURE_ID_BASE {
					continue;
				}
				let slot = entry.id.checked_rem(stride).unwrap_or_default();
				let first = entry.id.saturating_sub(slot);
				let batch =
					batches.entry(first).or_insert_with(|| DisclosureBatches::<T>::get(first));
				match batch
					.as_mut()
					.and_then(|batch| batch.patients.get_mut(usize::try_from(slot).ok()?))
				{
					Some(patient) => *patient = None,
					// Logged before batch records (spec version 104), with a counter's id.
					None if entry.id <= DisclosureId::from(u32::MAX) => {
						DisclosureParties::<T>::remove(entry.id)
					},
					None => {},
				}
			}
			for (first, batch) in batches {
				match batch {
					Some(batch) if batch.live() > 0 => DisclosureBatches::<T>::insert(first, batch),
					Some(_) => DisclosureBatches::<T>::remove(first),
					// No batch record to write.
					None => {},
				}
			}
			DisclosurePages::<T>::remove(&patient, page);
			Self::deposit_event(Event::DisclosuresPruned {
				patient,
				page,
				count: entries.len() as u32,
			});
			Ok(())
		}

		/// Removes `provider`'s emergency rate window once it is over (its counts no longer
		/// limit anything). A provider's next emergency starts a new window anyway; this lets
		/// anyone clear the record of a provider that stopped declaring emergencies (closed,
		/// revoked), so no rate record outlives its use.
		///
		/// # Requires
		/// Signed by anyone; the window started `EmergencyRatePeriod` or longer ago.
		///
		/// # Events
		/// * [`Event::RateWindowCleared`]
		///
		/// # Errors
		/// * [`Error::RateWindowNotFound`] - the provider has no rate window
		/// * [`Error::RateWindowOpen`] - its window is not over yet
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::clear_rate_window())]
		pub fn clear_rate_window(origin: OriginFor<T>, provider: ProviderId) -> DispatchResult {
			ensure_signed(origin)?;
			let window = EmergencyRate::<T>::get(provider).ok_or(Error::<T>::RateWindowNotFound)?;
			ensure!(
				T::AccessControl::now()
					>= window.started_at.saturating_add(T::EmergencyRatePeriod::get()),
				Error::<T>::RateWindowOpen
			);
			EmergencyRate::<T>::remove(provider);
			Self::deposit_event(Event::RateWindowCleared { provider });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Whether the patient call `check` describes is free of fees for `origin`: signed by a
		/// patient with a fee-free operation left, and sure to succeed (a failing call is never
		/// free, so the free path cannot be used to fill blocks).
		fn is_free(
			origin: &OriginFor<T>,
			check: impl FnOnce(&T::AccountId) -> DispatchResult,
		) -> bool {
			let Ok(who) = ensure_signed(origin.clone()) else { return false };
			check(&who).is_ok() && T::AccessControl::has_free_operation(&who)
		}

		/// The accredited provider `who` acts for.
		fn accredited_provider_of(who: &T::AccountId) -> Result<ProviderId, DispatchError> {
			let provider = T::Providers::provider_of(who).ok_or(Error::<T>::NotPractitioner)?;
			ensure!(T::Providers::is_accredited(provider), Error::<T>::ProviderNotAccredited);
			Ok(provider)
		}

		/// Logs `entries`, accesses `who` made, in order: each at the next place of its
		/// patient's disclosure log, with the basis the access decision names, under consecutive
		/// ids from [`Pallet::first_disclosure_id`]; holds
		/// `DisclosureDeposit` per entry from `who` (one hold for all). All or nothing: the first
		/// entry the decision denies fails the call with its reason. What
		/// [`Pallet::log_disclosure`] (one entry) and [`Pallet::log_disclosures`] do.
		///
		/// Each patient's registration and ledger (for the decisions) are read once and its log
		/// record ([`DisclosureLogs`]) read and written once, however many of the entries are
		/// its, and each page they fill written once. Nothing else is written for the dispute
		/// court: it finds an entry in its patient's log ([`Pallet::find_disclosure`]).
		///
		/// Returns the weight the consent ledgers it read did not use
		/// ([`Self::unused_ledger_weight`]), for the call to refund, and how many pages the
		/// entries filled (each moved to [`DisclosurePages`]).
		fn do_log_disclosures(
			who: &T::AccountId,
			entries: Vec<DisclosureEntry<T::AccountId>>,
		) -> Result<(Weight, usize), DispatchError> {
			ensure!(!entries.is_empty(), Error::<T>::NoDisclosures);
			let now = T::AccessControl::now();
			let queries: Vec<AccessQuery<T::AccountId>> = entries
				.iter()
				.map(|entry| AccessQuery {
					patient: entry.patient.clone(),
					accessor: who.clone(),
					data_class: entry.data_class,
					purpose: entry.purpose,
				})
				.collect();
			let Decisions { answers: decisions, ledgers } =
				T::AccessControl::check_access_many(&queries, now);
			ensure!(decisions.len() == entries.len(), DispatchError::Corruption);
			// In entry order, as one call per entry would fail: the first denial, or the
			// caller's provider looked up at the first permit.
			let mut bases = Vec::with_capacity(entries.len());
			let mut provider = None;
			for decision in decisions {
				match decision {
					AccessDecision::Permit { basis } => bases.push(basis),
					AccessDecision::Deny { reason } => return Err(Self::denial(reason).into()),
				}
				if provider.is_none() {
					provider =
						Some(T::Providers::provider_of(who).ok_or(Error::<T>::NotPractitioner)?);
				}
			}
			let provider = provider.ok_or(Error::<T>::NoDisclosures)?;
			let count = u32::try_from(entries.len()).map_err(|_| ArithmeticError::Overflow)?;
			let deposit = T::DisclosureDeposit::get();
			let total = deposit
				.checked_mul(&BalanceOf::<T>::from(count))
				.ok_or(ArithmeticError::Overflow)?;
			let first = Self::first_disclosure_id()?;

			// Each patient's log as the entries extend it, and the pages they fill.
			let mut logs: BTreeMap<T::AccountId, DisclosureLogOf<T>> = BTreeMap::new();
			let mut full: Vec<(T::AccountId, u32, DisclosurePage<T>)> = Vec::new();
			let mut events = Vec::with_capacity(entries.len());
			for (offset, (entry, basis)) in (0u64..).zip(entries.into_iter().zip(bases)) {
				let id = first.checked_add(offset).ok_or(ArithmeticError::Overflow)?;
				let DisclosureEntry { patient, data_class, purpose, record } = entry;
				let log = logs
					.entry(patient.clone())
					.or_insert_with(|| DisclosureLogs::<T>::get(&patient));
				let page_number = Self::page_of(log.count);
				log.count = log.count.checked_add(1).ok_or(ArithmeticError::Overflow)?;
				// The filling page has room: it moves out below as soon as it is full.
				log.filling
					.try_push(Disclosure {
						id,
						accessor: who.clone(),
						provider,
						at: now,
						class: data_class,
						purpose,
						basis,
						record,
						deposit,
					})
					.map_err(|_| ArithmeticError::Overflow)?;
				if log.filling.len() as u32 >= T::DisclosurePageSize::get() {
					full.push((patient.clone(), page_number, core::mem::take(&mut log.filling)));
				}
				events.push(Event::DisclosureLogged {
					id,
					patient,
					accessor: who.clone(),
					provider,
					class: data_class,
					purpose,
					basis,
				});
			}
			T::Currency::hold(&HoldReason::DisclosureDeposit.into(), who, total)?;
			let patients = logs.len();
			let filled = full.len();
			for (patient, number, page) in full {
				DisclosurePages::<T>::insert(&patient, number, page);
			}
			for (patient, log) in logs {
				DisclosureLogs::<T>::insert(&patient, log);
			}
			for event in events {
				Self::deposit_event(event);
			}
			// At most one ledger per patient logged for: a registry that reported more would
			// not be refunded for them.
			let unused = Self::unused_ledger_weight(ledgers.get(..patients).unwrap_or(&ledgers));
			Ok((unused, filled))
		}

		/// The first id of a logging call's entries: [`DISCLOSURE_ID_BASE`]` + block × 2²⁰ +
		/// events`, from the block's number and the number of events the block holds so far
		/// (both read by every transaction anyway), so that logging reads and writes no id
		/// counter; a call's entries take consecutive ids from it. Unique: every logging call
		/// that succeeds deposits an event per entry before the next call in its block reads
		/// the count, and blocks differ in the high bits. Increasing, so that every patient's
		/// log is in id order ([`Pallet::find_disclosure`] relies on it). Below 2⁵³ for every
		/// block a `u32` numbers, so that an id survives JSON and JavaScript numbers exactly.
		///
		/// Above every id given before spec version 110: the counter's before spec version
		/// 106 are below 2³², and spec versions 106 to 109 gave `block × 2³² + events × 64`,
		/// below 2⁵² until block 2²⁰ (a chain upgraded later would find its logs out of order:
		/// `do_try_state` checks that every log's ids grow).
		///
		/// Only for dispatched calls: the block's event count must only have grown since the
		/// block was initialised (something that resets it mid-block, as some tests and root's
		/// `kill_storage` can, would let a call reuse an earlier call's ids; `do_try_state`
		/// finds a log out of order or an id in two logs).
		///
		/// Fails with [`ArithmeticError::Overflow`] at block 0 (which deposits no events),
		/// beyond block 2³² − 1, or at 2²⁰ events in a block.
		pub fn first_disclosure_id() -> Result<DisclosureId, DispatchError> {
			let block: u64 = frame_system::Pallet::<T>::block_number().saturated_into();
			let events = frame_system::Pallet::<T>::event_count();
			ensure!(
				block > 0
					&& block <= u64::from(u32::MAX)
					&& events < (1 << DISCLOSURE_ID_EVENT_BITS),
				ArithmeticError::Overflow
			);
			block
				.checked_mul(1 << DISCLOSURE_ID_EVENT_BITS)
				.and_then(|high| high.checked_add(u64::from(events)))
				.and_then(|id| id.checked_add(DISCLOSURE_ID_BASE))
				.ok_or_else(|| ArithmeticError::Overflow.into())
		}

		/// What the logging weights charge beyond the consent ledgers actually read: each is
		/// charged at the registry's largest ledger, `AccessControl::max_ledger_len`. A ledger
		/// of `len` entries is refunded what two measurements agree it did not use, the smaller
		/// of: `WeightInfo::log_disclosure` between the cap and `len` (this pallet's
		/// measurement of the whole call), and `AccessControl::decision_weight` between them
		/// (the registry's measurement of the decision). Only ledgers the registry says it read
		/// count.
		pub fn unused_ledger_weight(ledgers: &[u32]) -> Weight {
			let cap = T::AccessControl::max_ledger_len();
			let logged = T::WeightInfo::log_disclosure(cap);
			let decided = T::AccessControl::decision_weight(cap);
			ledgers.iter().fold(Weight::zero(), |unused, len| {
				let len = (*len).min(cap);
				let by_call = logged.saturating_sub(T::WeightInfo::log_disclosure(len));
				let by_decision = decided.saturating_sub(T::AccessControl::decision_weight(len));
				unused.saturating_add(by_call.min(by_decision))
			})
		}

		/// What a call charged `charged` (for a full consent ledger) used, having rewritten
		/// the patient's ledger once at `ledger` entries (`None`: not at all): the charge less
		/// what the consent registry measures a shorter ledger's write saves
		/// (`AccessControl::ledger_write_saving`). A full ledger is charged in full.
		pub fn ledger_written(charged: Weight, ledger: Option<u32>) -> PostDispatchInfo {
			let saved = ledger.map(T::AccessControl::ledger_write_saving).unwrap_or_default();
			Some(charged.saturating_sub(saved)).into()
		}

		/// What a call charged `charged` (for a grant's worst case: a full consent ledger with
		/// an ended grant dropped to make room) used, having written `granted`: the charge less
		/// what the consent registry measures that grant saved
		/// (`AccessControl::grant_saving`).
		pub fn granted_weight(charged: Weight, granted: &Granted) -> PostDispatchInfo {
			Some(charged.saturating_sub(T::AccessControl::grant_saving(granted))).into()
		}

		/// What a single [`Pallet::log_disclosure`] is charged before the call: its benchmark
		/// at the largest consent ledger, or the one-entry batch's (the same code, measured
		/// twice) if that measured more. The call refunds what the ledger it read did not use.
		pub fn log_disclosure_weight() -> Weight {
			T::WeightInfo::log_disclosure(T::AccessControl::max_ledger_len())
				.max(T::WeightInfo::log_disclosures_entries(0))
		}

		/// No disclosure id is this or higher yet: the first id of the next block.
		fn ids_below() -> DisclosureId {
			let block: u64 = frame_system::Pallet::<T>::block_number().saturated_into();
			block
				.saturating_add(1)
				.saturating_mul(1 << DISCLOSURE_ID_EVENT_BITS)
				.saturating_add(DISCLOSURE_ID_BASE)
		}

		/// The ids of one logging call started at a multiple of this from spec version 106 to
		/// 109 ([`DisclosureBatches`]).
		fn disclosure_stride() -> DisclosureId {
			DisclosureId::from(DISCLOSURE_ID_STRIDE)
		}

		/// How many entries `patient`'s disclosure log has had, pruned ones included.
		pub fn disclosure_count(patient: &T::AccountId) -> u32 {
			DisclosureLogs::<T>::get(patient).count
		}

		/// Entry `id` of `patient`'s disclosure log while its page is kept, and how many full
		/// pages the search read: what the dispute court asks when the patient disputes it.
		///
		/// No index of disclosures by id is kept (logging would write it every time): a log's
		/// ids only grow (a call's are consecutive, a later call's larger, and the counter's
		/// before spec version 106 below every later one), and its kept full pages are
		/// consecutive up to the filling one (pruned oldest first), so the filling page and
		/// then a binary search over page numbers find it — a page that is gone lies below
		/// the oldest one kept. At most [`Self::max_probes`] pages are read.
		pub fn find_disclosure(
			patient: &T::AccountId,
			id: DisclosureId,
		) -> (Option<DisclosureOf<T>>, u32) {
			let log = DisclosureLogs::<T>::get(patient);
			if log.filling.first().is_some_and(|first| first.id <= id) {
				return (log.filling.into_iter().find(|entry| entry.id == id), 0);
			}
			// The full pages are numbers low..high.
			let (mut low, mut high) = (0u32, Self::page_of(log.count));
			let mut probes = 0u32;
			while low < high {
				let middle = Self::probe_between(low, high);
				probes = probes.saturating_add(1);
				let Some(page) = DisclosurePages::<T>::get(patient, middle) else {
					low = middle.saturating_add(1);
					continue;
				};
				match (page.first(), page.last()) {
					(Some(first), _) if id < first.id => high = middle,
					(_, Some(last)) if id > last.id => low = middle.saturating_add(1),
					_ => return (page.into_iter().find(|entry| entry.id == id), probes),
				}
			}
			(None, probes)
		}

		/// The page [`Self::find_disclosure`] reads next among pages `low..high`.
		pub(crate) fn probe_between(low: u32, high: u32) -> u32 {
			low.saturating_add(high.saturating_sub(low).checked_div(2).unwrap_or_default())
		}

		/// The most full pages [`Self::find_disclosure`] reads: the bits of the most full
		/// pages a log can have.
		pub fn max_probes() -> u32 {
			u32::BITS.saturating_sub(Self::page_of(u32::MAX).leading_zeros())
		}

		/// What logging `entries` at once is charged: for its shape `(p, e)`
		/// ([`Self::batch_shape`]), `p` patients as `WeightInfo::log_disclosures(p)` measures
		/// them and `e` further entries as `WeightInfo::log_disclosures_entries(e)` measures
		/// them beyond a patient's first.
		pub fn log_disclosures_weight(entries: &[DisclosureEntry<T::AccountId>]) -> Weight {
			let (p, e) = Self::batch_shape(entries);
			T::WeightInfo::log_disclosures(p).saturating_add(
				T::WeightInfo::log_disclosures_entries(e)
					.saturating_sub(T::WeightInfo::log_disclosures_entries(0)),
			)
		}

		/// The weight components of logging `entries` at once: `(p, e)` for
		/// [`Self::log_disclosures_weight`]. `p` counts, per patient, its first entry and each
		/// further page its entries may reach (at worst its first entry takes the last place of
		/// a page); `e` the other entries. A patient costs its ledger read, its log record read
		/// and written and a full page written; a further page costs no more than a patient, so
		/// the bound holds.
		pub fn batch_shape(entries: &[DisclosureEntry<T::AccountId>]) -> (u32, u32) {
			let mut patients: Vec<&T::AccountId> = entries.iter().map(|e| &e.patient).collect();
			patients.sort();
			let page = T::DisclosurePageSize::get().max(1);
			let heavy = patients.chunk_by(|a, b| a == b).fold(0u32, |heavy, run| {
				let further =
					u32::try_from(run.len()).unwrap_or(u32::MAX).saturating_sub(1).div_ceil(page);
				heavy.saturating_add(1).saturating_add(further)
			});
			let all = u32::try_from(entries.len()).unwrap_or(u32::MAX);
			(heavy.min(all), all.saturating_sub(heavy))
		}

		/// Open request `id`, if `who` is its patient.
		pub(crate) fn patients_request(
			who: &T::AccountId,
			id: RequestId,
		) -> Result<RequestOf<T>, DispatchError> {
			let request = Requests::<T>::get(id).ok_or(Error::<T>::RequestNotFound)?;
			ensure!(&request.patient == who, Error::<T>::NotPatient);
			Ok(request)
		}

		/// Checks that `who` may approve request `id` for `classes` (default: all asked for)
		/// now; returns the request and the classes.
		pub(crate) fn prepare_approve(
			who: &T::AccountId,
			id: RequestId,
			classes: Option<DataClassSet>,
		) -> Result<(RequestOf<T>, DataClassSet), DispatchError> {
			let request = Self::patients_request(who, id)?;
			ensure!(T::AccessControl::now() < request.expires_at, Error::<T>::RequestExpired);
			let classes = classes.unwrap_or(request.classes);
			ensure!(
				!classes.is_empty() && classes.is_subset_of(&request.classes),
				Error::<T>::ClassesNotRequested
			);
			ensure!(T::AccessControl::can_grant(who), Error::<T>::NoRoomForGrant);
			Ok((request, classes))
		}

		/// Emergency `id` with an open review, if `who` is its patient.
		pub(crate) fn patients_emergency(
			who: &T::AccountId,
			id: EmergencyId,
		) -> Result<EmergencyOf<T>, DispatchError> {
			let emergency = Emergencies::<T>::get(id).ok_or(Error::<T>::EmergencyNotFound)?;
			ensure!(&emergency.patient == who, Error::<T>::NotPatient);
			Ok(emergency)
		}

		/// Removes request `id` and its index entries, returns the deposit, and pays the
		/// bounty to `bounty_to` (or returns it too); returns what was paid.
		///
		/// The bounty is paid in full or not at all (`Exact`), and `Force`d: a hold is the
		/// practitioner's own promise, so funds frozen by a lock (vesting) that the hold was
		/// allowed to take are paid all the same, and nothing stays held once the request
		/// ends.
		fn end_request(
			id: RequestId,
			request: &RequestOf<T>,
			bounty_to: Option<&T::AccountId>,
		) -> Result<BalanceOf<T>, DispatchError> {
			T::Currency::release(
				&HoldReason::RequestDeposit.into(),
				&request.practitioner,
				request.deposit,
				Precision::BestEffort,
			)?;
			let reason = HoldReason::ResearchBounty.into();
			let paid = match bounty_to {
				Some(patient) if !request.bounty.is_zero() => T::Currency::transfer_on_hold(
					&reason,
					&request.practitioner,
					patient,
					request.bounty,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Force,
				)?,
				_ => {
					if !request.bounty.is_zero() {
						T::Currency::release(
							&reason,
							&request.practitioner,
							request.bounty,
							Precision::BestEffort,
						)?;
					}
					Zero::zero()
				},
			};
			Requests::<T>::remove(id);
			ProviderRequests::<T>::remove(request.provider, id);
			PendingRequests::<T>::mutate_exists(&request.patient, |pending| {
				if let Some(list) = pending {
					list.retain(|(pending, _)| *pending != id);
					if list.is_empty() {
						*pending = None;
					}
				}
			});
			Ok(paid)
		}

		/// Removes emergency `id`, its review entries and its place in the escalation queue,
		/// and returns the deposit; returns whether the review had a place in the queue.
		fn end_review(id: EmergencyId, emergency: &EmergencyOf<T>) -> Result<bool, DispatchError> {
			T::Currency::release(
				&HoldReason::EmergencyDeposit.into(),
				&emergency.practitioner,
				emergency.deposit,
				Precision::BestEffort,
			)?;
			Emergencies::<T>::remove(id);
			if let Some(place) = emergency.retry {
				EscalationQueue::<T>::remove(place);
			}
			OpenReviews::<T>::mutate_exists(&emergency.patient, |reviews| {
				if let Some(list) = reviews {
					list.retain(|(open, _)| *open != id);
					if list.is_empty() {
						*reviews = None;
					}
				}
			});
			ProviderReviews::<T>::mutate_exists(emergency.provider, |count| {
				*count = count.and_then(|count| count.checked_sub(1)).filter(|count| *count > 0);
			});
			Ok(emergency.retry.is_some())
		}

		/// What ending a review saved against its benchmark's worst case, a review waiting in
		/// the escalation queue: the queue's write, if the review had no place in it.
		fn unqueued_saving(queued: bool) -> Weight {
			if queued {
				Weight::zero()
			} else {
				T::DbWeight::get().writes(1)
			}
		}

		/// The page of the disclosure log that entry `position` is on.
		pub(crate) fn page_of(position: u32) -> u32 {
			position.checked_div(T::DisclosurePageSize::get()).unwrap_or_default()
		}

		/// The error that names a denial's reason.
		pub(crate) fn denial(reason: DenyReason) -> Error<T> {
			match reason {
				DenyReason::UnknownPatient => Error::<T>::NotRegistered,
				DenyReason::NotPractitioner => Error::<T>::NotPractitioner,
				DenyReason::ProviderNotAccredited => Error::<T>::ProviderNotAccredited,
				DenyReason::NoConsent => Error::<T>::NoConsent,
				DenyReason::DeniedByConsent(_) => Error::<T>::DeniedByConsent,
				DenyReason::ClassNotCovered(_) => Error::<T>::ClassNotCovered,
				DenyReason::SensitiveClassNotNamed(_) => Error::<T>::SensitiveClassNotNamed,
				DenyReason::PurposeNotCovered(_) => Error::<T>::PurposeNotCovered,
				DenyReason::OutsideJurisdictions(_) => Error::<T>::OutsideJurisdictions,
				DenyReason::Revoked(_) => Error::<T>::ConsentRevoked,
				DenyReason::NotYetValid(_) => Error::<T>::ConsentNotYetValid,
				DenyReason::Expired(_) => Error::<T>::ConsentExpired,
			}
		}

		/// What a sweep costs before its first step: the clock, and the cursor and end of the
		/// requests, the reviews and the escalation queue (read, and possibly written).
		pub(crate) fn sweep_overhead() -> Weight {
			T::DbWeight::get().reads_writes(7, 3)
		}

		/// Ends expired requests, retries the escalations the court refused whose time has
		/// come, and escalates overdue reviews, each in order (the order they fall due while
		/// the configured periods stay the same), as far as `meter` allows. Each step is
		/// charged at its benchmarked worst case, and each look-up at a storage read, so the
		/// work is bounded by the weight given, not by what is stored.
		///
		/// An escalation the court refuses is never dropped: the review stays open and takes
		/// a place at the end of the escalation queue, to be retried `EscalationRetryDelay`
		/// later; the sweep goes on with the next review. Each queued escalation is tried at
		/// most once per sweep.
		pub(crate) fn sweep(meter: &mut WeightMeter) {
			let db = T::DbWeight::get();
			if meter.try_consume(Self::sweep_overhead()).is_err() {
				return;
			}
			let now = T::AccessControl::now();

			let step = T::WeightInfo::expire_request();
			let (mut cursor, end) = (RequestSweep::<T>::get(), NextRequestId::<T>::get());
			let start = cursor;
			while cursor < end && meter.try_consume(db.reads(1)).is_ok() {
				match Requests::<T>::get(cursor) {
					None => {},
					Some(request) if request.expires_at <= now => {
						if meter.try_consume(step).is_err() {
							break;
						}
						Self::expire(cursor, &request);
					},
					Some(_) => break,
				}
				cursor = cursor.saturating_add(1);
			}
			if cursor != start {
				RequestSweep::<T>::put(cursor);
			}

			// The queue's end is read once: an escalation refused again in this sweep waits
			// for a later one.
			let step = T::WeightInfo::escalate_review()
				.saturating_add(T::Disputes::extra_weight())
				.saturating_add(db.reads(1));
			let (mut cursor, end) = (RetrySweep::<T>::get(), NextRetry::<T>::get());
			let start = cursor;
			while cursor < end && meter.try_consume(db.reads(1)).is_ok() {
				match EscalationQueue::<T>::get(cursor) {
					None => {},
					Some((id, retry_at)) if retry_at <= now => {
						if meter.try_consume(step).is_err() {
							break;
						}
						match Emergencies::<T>::get(id) {
							Some(emergency) => {
								if !Self::escalate(id, emergency, now) {
									break;
								}
							},
							None => {
								frame_support::defensive!("a queued escalation without a review");
								EscalationQueue::<T>::remove(cursor);
							},
						}
					},
					Some(_) => break,
				}
				cursor = cursor.saturating_add(1);
			}
			if cursor != start {
				RetrySweep::<T>::put(cursor);
			}

			let step = T::WeightInfo::escalate_review().saturating_add(T::Disputes::extra_weight());
			let (mut cursor, end) = (ReviewSweep::<T>::get(), NextEmergencyId::<T>::get());
			let start = cursor;
			while cursor < end && meter.try_consume(db.reads(1)).is_ok() {
				match Emergencies::<T>::get(cursor) {
					None => {},
					Some(emergency) if emergency.review_due <= now => {
						if meter.try_consume(step).is_err() {
							break;
						}
						if !Self::escalate(cursor, emergency, now) {
							break;
						}
					},
					Some(_) => break,
				}
				cursor = cursor.saturating_add(1);
			}
			if cursor != start {
				ReviewSweep::<T>::put(cursor);
			}
		}

		/// Ends the expired request `id` and returns its deposit.
		pub(crate) fn expire(id: RequestId, request: &RequestOf<T>) {
			let _ = Self::end_request(id, request, None).defensive();
			Self::deposit_event(Event::RequestExpired { id });
		}

		/// Hands the overdue emergency `id` to the dispute court. If the court takes it, the
		/// review closes (and leaves the escalation queue if it waited there); if it refuses,
		/// the review stays open and (again) waits at the end of the escalation queue, until
		/// `EscalationRetryDelay` after `now`. Returns `false` only if the review could be
		/// neither escalated nor queued (the queue's places ran out), in which case nothing
		/// changed.
		pub(crate) fn escalate(
			id: EmergencyId,
			mut emergency: EmergencyOf<T>,
			now: Timestamp,
		) -> bool {
			match T::Disputes::escalate(
				&emergency.patient,
				emergency.provider,
				DisputeSubject::Emergency(id),
			) {
				Ok(dispute) => {
					let _ = Self::end_review(id, &emergency).defensive();
					Self::deposit_event(Event::ReviewEscalated { id, dispute });
				},
				Err(_) => {
					let place = NextRetry::<T>::get();
					let Some(next) = place.checked_add(1) else {
						frame_support::defensive!("the escalation queue's places ran out");
						return false;
					};
					let retry_at = now.saturating_add(T::EscalationRetryDelay::get());
					if let Some(previous) = emergency.retry {
						EscalationQueue::<T>::remove(previous);
					}
					EscalationQueue::<T>::insert(place, (id, retry_at));
					NextRetry::<T>::put(next);
					emergency.retry = Some(place);
					Emergencies::<T>::insert(id, emergency);
					Self::deposit_event(Event::EscalationDeferred { id, retry_at });
				},
			}
			true
		}

		/// Entries `from` to `from + count` (at most [`MAX_DISCLOSURES_PER_QUERY`]) of
		/// `patient`'s disclosure log, oldest first; entries on pruned pages are left out.
		pub fn disclosures_of(
			patient: &T::AccountId,
			from: u32,
			count: u32,
		) -> Vec<DisclosureOf<T>> {
			let size = T::DisclosurePageSize::get();
			let log = DisclosureLogs::<T>::get(patient);
			let filling = Self::page_of(log.count);
			let end = from.saturating_add(count.min(MAX_DISCLOSURES_PER_QUERY)).min(log.count);
			let mut entries = Vec::new();
			let mut position = from;
			while position < end {
				let page_number = Self::page_of(position);
				let page_start = page_number.saturating_mul(size);
				let page_end = page_start.saturating_add(size).min(end);
				let page = if page_number == filling {
					Some(log.filling.clone())
				} else {
					DisclosurePages::<T>::get(patient, page_number)
				};
				if let Some(page) = page {
					let skip = position.saturating_sub(page_start) as usize;
					let take = page_end.saturating_sub(position) as usize;
					entries.extend(page.into_iter().skip(skip).take(take));
				}
				position = page_end;
			}
			entries
		}

		/// The open requests to `patient`, oldest first.
		pub fn pending_requests_of(patient: &T::AccountId) -> Vec<(RequestId, RequestOf<T>)> {
			PendingRequests::<T>::get(patient)
				.into_iter()
				.filter_map(|(id, _)| Requests::<T>::get(id).map(|request| (id, request)))
				.collect()
		}

		/// The open requests of `provider` (at most [`MAX_REQUESTS_PER_QUERY`]), oldest first.
		pub fn requests_of_provider(provider: ProviderId) -> Vec<(RequestId, RequestOf<T>)> {
			ProviderRequests::<T>::iter_key_prefix(provider)
				.take(MAX_REQUESTS_PER_QUERY as usize)
				.filter_map(|id| Requests::<T>::get(id).map(|request| (id, request)))
				.collect()
		}

		/// The emergencies on `patient`'s data whose reviews are open, oldest first.
		pub fn emergencies_of(patient: &T::AccountId) -> Vec<(EmergencyId, EmergencyOf<T>)> {
			OpenReviews::<T>::get(patient)
				.into_iter()
				.filter_map(|(id, _)| Emergencies::<T>::get(id).map(|emergency| (id, emergency)))
				.collect()
		}

		/// The invariants of the pallet's storage; every one must always hold:
		///
		/// 1. Every open request has an id below `NextRequestId` and at or above the sweep's
		///    place, and is listed once, with its provider, in its patient's pending list, and in
		///    its provider's index; those lists name open requests only (counts agree), and no
		///    provider has more than `MaxPendingRequestsPerProvider` of a patient's.
		/// 2. Every emergency with an open review has an id below `NextEmergencyId` and is
		///    listed once, with its provider, in its patient's open reviews; every listed review
		///    belongs to an emergency of that patient (counts agree), and no provider has more
		///    than `MaxOpenReviewsPerProvider` of a patient's. `ProviderReviews` counts each
		///    provider's open reviews exactly (no entry for none).
		/// 3. An open review is either at or above the sweep's place and not queued, or behind
		///    it and waiting in the escalation queue, at the place it names (between the queue's
		///    sweep and end); every queue entry belongs to such a review (nothing dropped,
		///    nothing queued for nothing).
		/// 4. Every stored page of a disclosure log is full and below the page still filling,
		///    and the stored pages of a log are consecutive up to it (pruned oldest first);
		///    the filling page holds the log's count modulo `DisclosurePageSize` entries; a
		///    log's ids grow strictly, entry after entry, and are below the next block's first
		///    ([`Pallet::first_disclosure_id`]), so that [`Pallet::find_disclosure`] finds
		///    every stored entry in its patient's log; the records kept for entries logged
		///    before spec version 110 ([`DisclosureParties`], [`DisclosureBatches`]) name
		///    stored entries only, as (their patient, their provider), and every batch record
		///    starts at a multiple of `DISCLOSURE_ID_STRIDE`.
		/// 5. Every rate window counts each practitioner and each patient once, with a count
		///    above zero and within `MaxEmergencies` and `MaxEmergenciesPerPatient`; both lists
		///    add up to the same total, within `MaxProviderEmergencies`.
		/// 6. What each account has on hold for requests, emergencies, disclosures and bounties
		///    is the sum of the deposits of its open requests, open reviews and logged entries,
		///    and of the bounties of its open requests: nothing is held for nothing.
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::BTreeMap;
			use frame_support::traits::fungible::InspectHold;
			use sp_runtime::Saturating;
			type Held<T> = BTreeMap<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
			fn add<T: Config>(held: &mut Held<T>, who: &T::AccountId, amount: BalanceOf<T>) {
				let total = held.entry(who.clone()).or_insert_with(Zero::zero);
				*total = total.saturating_add(amount);
			}

			// 1.
			let mut requests = Held::<T>::new();
			let mut bounties = Held::<T>::new();
			let mut open_requests = 0usize;
			for (id, request) in Requests::<T>::iter() {
				ensure!(id < NextRequestId::<T>::get(), "request id not below NextRequestId");
				ensure!(id >= RequestSweep::<T>::get(), "open request behind the sweep");
				let listed = PendingRequests::<T>::get(&request.patient)
					.iter()
					.filter(|(pending, from)| *pending == id && *from == request.provider)
					.count();
				ensure!(listed == 1, "request not listed once for its patient");
				ensure!(
					ProviderRequests::<T>::contains_key(request.provider, id),
					"request not indexed under its provider"
				);
				add::<T>(&mut requests, &request.practitioner, request.deposit);
				if !request.bounty.is_zero() {
					add::<T>(&mut bounties, &request.practitioner, request.bounty);
				}
				open_requests = open_requests.saturating_add(1);
			}
			let listed: usize = PendingRequests::<T>::iter_values().map(|list| list.len()).sum();
			ensure!(listed == open_requests, "a pending list names an ended request");
			for list in PendingRequests::<T>::iter_values() {
				for (_, provider) in list.iter() {
					let from = list.iter().filter(|(_, from)| from == provider).count();
					ensure!(
						from as u32 <= T::MaxPendingRequestsPerProvider::get(),
						"a provider holds more than its share of a patient's requests"
					);
				}
			}
			ensure!(
				ProviderRequests::<T>::iter().count() == open_requests,
				"the provider index names an ended request"
			);

			// 2. and 3.
			let mut emergencies = Held::<T>::new();
			let mut open_reviews = 0usize;
			let mut queued = 0usize;
			let mut per_provider = BTreeMap::<ProviderId, u32>::new();
			for (id, emergency) in Emergencies::<T>::iter() {
				ensure!(id < NextEmergencyId::<T>::get(), "emergency id not below NextEmergencyId");
				let listed = OpenReviews::<T>::get(&emergency.patient)
					.iter()
					.filter(|(open, by)| *open == id && *by == emergency.provider)
					.count();
				ensure!(listed == 1, "emergency not listed once for its patient");
				match emergency.retry {
					None => ensure!(id >= ReviewSweep::<T>::get(), "a review dropped by the sweep"),
					Some(place) => {
						ensure!(id < ReviewSweep::<T>::get(), "a review queued before it was due");
						ensure!(
							EscalationQueue::<T>::get(place).map(|(queued, _)| queued) == Some(id),
							"a waiting review not at its place in the queue"
						);
						ensure!(
							place >= RetrySweep::<T>::get() && place < NextRetry::<T>::get(),
							"a queue place outside the queue"
						);
						queued = queued.saturating_add(1);
					},
				}
				let count = per_provider.entry(emergency.provider).or_default();
				*count = count.saturating_add(1);
				add::<T>(&mut emergencies, &emergency.practitioner, emergency.deposit);
				open_reviews = open_reviews.saturating_add(1);
			}
			let listed: usize = OpenReviews::<T>::iter_values().map(|list| list.len()).sum();
			ensure!(listed == open_reviews, "an open review belongs to no emergency");
			for list in OpenReviews::<T>::iter_values() {
				for (_, provider) in list.iter() {
					let of = list.iter().filter(|(_, by)| by == provider).count();
					ensure!(
						of as u32 <= T::MaxOpenReviewsPerProvider::get(),
						"a provider holds more than its share of a patient's reviews"
					);
				}
			}
			ensure!(
				ProviderReviews::<T>::iter().collect::<BTreeMap<_, _>>() == per_provider,
				"ProviderReviews does not count the open reviews"
			);
			ensure!(
				EscalationQueue::<T>::iter().count() == queued,
				"a queued escalation belongs to no waiting review"
			);

			// 4.
			let mut disclosures = Held::<T>::new();
			let size = T::DisclosurePageSize::get();
			// No id is beyond the current block's.
			let id_bound = Self::ids_below();
			let mut pages: BTreeMap<T::AccountId, BTreeMap<u32, DisclosurePage<T>>> =
				BTreeMap::new();
			for (patient, number, page) in DisclosurePages::<T>::iter() {
				pages.entry(patient).or_default().insert(number, page);
			}
			let mut logs: BTreeMap<T::AccountId, DisclosureLogOf<T>> =
				DisclosureLogs::<T>::iter().collect();
			for patient in pages.keys() {
				logs.entry(patient.clone()).or_default();
			}
			// Every stored entry, by patient, for the legacy records below.
			let mut stored: BTreeMap<DisclosureId, (T::AccountId, ProviderId)> = BTreeMap::new();
			for (patient, log) in logs {
				let full = pages.remove(&patient).unwrap_or_default();
				let filling = Self::page_of(log.count);
				ensure!(
					full.keys().all(|number| *number < filling),
					"a full page at or beyond the filling one"
				);
				if let (Some(oldest), Some(newest)) = (full.keys().next(), full.keys().last()) {
					ensure!(
						u64::from(*newest).saturating_sub(u64::from(*oldest)).saturating_add(1)
							== full.len() as u64,
						"a kept page below a pruned one"
					);
					ensure!(
						u32::checked_add(*newest, 1) == Some(filling),
						"the newest full page is pruned while older ones are kept"
					);
				}
				ensure!(
					full.values().all(|page| page.len() as u32 == size),
					"a stored page is not full"
				);
				ensure!(
					log.count.checked_rem(size) == Some(log.filling.len() as u32),
					"the filling page does not hold the count's remainder"
				);
				let mut previous: Option<DisclosureId> = None;
				for entry in full.values().flat_map(|page| page.iter()).chain(log.filling.iter()) {
					ensure!(entry.id < id_bound, "a disclosure id beyond the current block's");
					ensure!(
						previous.is_none_or(|previous| previous < entry.id),
						"a disclosure log's ids do not grow"
					);
					previous = Some(entry.id);
					ensure!(
						stored.insert(entry.id, (patient.clone(), entry.provider)).is_none(),
						"a disclosure id in two logs"
					);
					add::<T>(&mut disclosures, &entry.accessor, entry.deposit);
				}
			}
			ensure!(pages.is_empty(), "a page of a log that has none");
			// The court's records of entries logged before spec version 110 name stored
			// entries only, as they are.
			for (id, parties) in DisclosureParties::<T>::iter() {
				ensure!(stored.get(&id) == Some(&parties), "parties recorded for no entry");
			}
			let stride = Self::disclosure_stride();
			for (first, batch) in DisclosureBatches::<T>::iter() {
				ensure!(first.checked_rem(stride) == Some(0), "a batch record off its stride");
				ensure!(batch.live() > 0, "a batch record without live entries");
				for (offset, patient) in (0u64..).zip(batch.patients.iter()) {
					let Some(patient) = patient else { continue };
					ensure!(
						stored.get(&first.saturating_add(offset))
							== Some(&(patient.clone(), batch.provider)),
						"a batch record names no stored entry"
					);
				}
			}

			// 5.
			for (_, window) in EmergencyRate::<T>::iter() {
				let total = window.total();
				let by_patients =
					window.patients.iter().fold(0u32, |sum, (_, count)| sum.saturating_add(*count));
				ensure!(total == by_patients, "a rate window's lists disagree");
				ensure!(total <= T::MaxProviderEmergencies::get(), "a provider above its rate");
				for (list, limit) in [
					(&window.practitioners, T::MaxEmergencies::get()),
					(&window.patients, T::MaxEmergenciesPerPatient::get()),
				] {
					for (who, count) in list.iter() {
						ensure!(*count > 0 && *count <= limit, "a rate count out of range");
						ensure!(
							list.iter().filter(|(member, _)| member == who).count() == 1,
							"a rate window counts someone twice"
						);
					}
				}
			}

			// 6.
			for (reason, held) in [
				(HoldReason::RequestDeposit, requests),
				(HoldReason::EmergencyDeposit, emergencies),
				(HoldReason::DisclosureDeposit, disclosures),
				(HoldReason::ResearchBounty, bounties),
			] {
				for (who, amount) in held.iter() {
					ensure!(
						T::Currency::balance_on_hold(&reason.into(), who) == *amount,
						"held balance does not match the deposits"
					);
				}
				let holders = frame_system::Account::<T>::iter_keys()
					.filter(|who| !T::Currency::balance_on_hold(&reason.into(), who).is_zero())
					.count();
				ensure!(holders == held.len(), "a deposit is held for nothing");
			}
			Ok(())
		}
	}
}

impl<T: Config> salus_primitives::PatientLifecycle<T::AccountId> for Pallet<T> {
	/// A patient with open requests or open emergency reviews may not deregister: they wait
	/// for its answer. Its disclosure log stays: it is the providers' accounting.
	fn has_obligations(who: &T::AccountId) -> bool {
		PendingRequests::<T>::contains_key(who) || OpenReviews::<T>::contains_key(who)
	}

	/// Nothing to remove: a patient without obligations has no request or review entries.
	fn on_deregistered(_: &T::AccountId) {}
}

impl<T: Config> salus_primitives::ProviderLifecycle for Pallet<T> {
	/// A provider with open requests or open emergency reviews (waiting escalations included)
	/// may not close or change hands: patients are answering it, and a review may still take
	/// it to the court. Two reads: the first key of its request index and its review count.
	fn has_obligations(provider: ProviderId) -> bool {
		ProviderRequests::<T>::iter_key_prefix(provider).next().is_some()
			|| ProviderReviews::<T>::contains_key(provider)
	}
}

impl<T: Config> salus_primitives::DisputeSubjects<T::AccountId> for Pallet<T> {
	/// The patient and the provider of an emergency while its review is open (the only time
	/// a dispute about it opens: the patient contests it, or it is escalated; acknowledged, it
	/// was accepted as justified), and of a disclosure in `claimant`'s log until its page is
	/// pruned ([`Pallet::find_disclosure`]).
	fn parties(
		subject: DisputeSubject,
		claimant: &T::AccountId,
	) -> Option<(T::AccountId, ProviderId)> {
		match subject {
			DisputeSubject::Emergency(id) => {
				Emergencies::<T>::get(id).map(|emergency| (emergency.patient, emergency.provider))
			},
			DisputeSubject::Disclosure(id) => Self::find_disclosure(claimant, id)
				.0
				.map(|entry| (claimant.clone(), entry.provider)),
			DisputeSubject::Conduct => None,
		}
	}

	/// The longest search of a disclosure log.
	fn parties_weight() -> frame_support::weights::Weight {
		T::WeightInfo::find_disclosure(Self::max_probes())
	}
}
