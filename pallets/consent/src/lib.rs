#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod decision;
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
	use crate::decision::{decide, Accessor};
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, InspectHold, MutateHold},
			tokens::{Fortitude, Precision, Preservation},
			Time,
		},
		CloneNoBound, DebugNoBound, DefaultNoBound, EqNoBound, PartialEqNoBound,
	};
	use frame_system::pallet_prelude::*;
	use salus_primitives::{
		AccessBasis, AccessDecision, AccessQuery, ConsentEvents, ConsentId, DataClass,
		DataClassSet, Decision, Decisions, DenyReason, Grant, GrantBy, GrantSource, Granted,
		Grantee, PatientRegistry, ProviderId, ProviderProfile, ProviderRegistry, ProviderStatus,
		Purpose, PurposeSet, Timestamp,
	};
	use sp_runtime::{
		traits::{CheckedDiv, SaturatedConversion, Zero},
		ArithmeticError,
	};

	/// Bits of a consent id below its block's number: room for 2²¹ events in a block, and ids
	/// below 2⁵³ ([`Pallet::next_consent_id`]).
	pub const CONSENT_ID_EVENT_BITS: u32 = 21;

	/// The balance of an account, in the currency deposits are held in.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	/// A consent as stored.
	pub type ConsentOf<T> = Consent<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

	/// The most consents one patient's ledger holds: its own plus grants.
	pub struct ConsentCap<T>(PhantomData<T>);
	impl<T: Config> Get<u32> for ConsentCap<T> {
		fn get() -> u32 {
			T::MaxConsents::get().saturating_add(T::MaxGrants::get())
		}
	}

	/// Everything the registry keeps for one patient, read in one storage access: the consents
	/// (the patient's own and grants, in id order), the emergency directive and the fee-free
	/// operation count.
	#[derive(
		CloneNoBound,
		PartialEqNoBound,
		EqNoBound,
		DefaultNoBound,
		DebugNoBound,
		Encode,
		Decode,
		MaxEncodedLen,
		TypeInfo,
	)]
	#[scale_info(skip_type_params(T))]
	#[codec(mel_bound())]
	pub struct Ledger<T: Config> {
		/// The sensitive classes emergency access may include.
		pub directive: DataClassSet,
		/// The fee-free operations used in the current period.
		pub window: FreeWindow<BlockNumberFor<T>>,
		/// The consents, in id order.
		pub consents: BoundedVec<ConsentOf<T>, ConsentCap<T>>,
	}

	impl<T: Config> Ledger<T> {
		/// How many of the consents the patient granted itself.
		fn patients_own(&self) -> u32 {
			self.consents.iter().filter(|consent| consent.is_patients()).count() as u32
		}

		/// How many of the consents are grants from other pallets.
		fn grants(&self) -> u32 {
			(self.consents.len() as u32).saturating_sub(self.patients_own())
		}

		/// The position of consent `id`.
		fn position(&self, id: ConsentId) -> Option<usize> {
			self.consents.binary_search_by_key(&id, |consent| consent.id).ok()
		}
	}

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A patient's deposit for one of its consents.
		#[codec(index = 0)]
		ConsentDeposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The currency deposits are held in.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The patients (the identity pallet).
		type Patients: PatientRegistry<Self::AccountId>;

		/// The providers and their practitioners (the identity pallet).
		type Providers: ProviderRegistry<Self::AccountId>;

		/// The clock consents are valid against: the block timestamp, in milliseconds.
		type Time: Time<Moment = Timestamp>;

		/// Told when a patient grants a consent that permits research. (A research consent
		/// earns no rewards: it costs nobody anything. The runtime wires no listener.)
		type ConsentEvents: ConsentEvents<Self::AccountId>;

		/// Held from a patient for each consent it grants (its entry in the patient's ledger
		/// and its id-index entry); returned when the consent is pruned.
		#[pallet::constant]
		type ConsentDeposit: Get<BalanceOf<Self>>;

		/// The most consents a patient may have granted itself (live or kept for retention).
		#[pallet::constant]
		type MaxConsents: Get<u32>;

		/// The most grants (approved requests, emergencies) a patient's ledger holds at once.
		#[pallet::constant]
		type MaxGrants: Get<u32>;

		/// How long, in milliseconds, a revoked or expired consent is kept before it may be
		/// pruned.
		#[pallet::constant]
		type ConsentRetention: Get<Timestamp>;

		/// How many grant, revoke and directive operations a patient may make free of fees per
		/// period; beyond it, they pay fees as any call does.
		#[pallet::constant]
		type FreeOperations: Get<u32>;

		/// The length of a fee-free period, in blocks.
		#[pallet::constant]
		type FreePeriod: Get<BlockNumberFor<Self>>;

		/// What a patient must be able to pay (free to spend, beyond what keeps its account
		/// alive) for its operations to be free of fees: at least the fee of the costliest of
		/// them. A transaction pool checks each pending transaction against the same state, so
		/// it may admit more "free" operations of one patient than its allowance; those beyond
		/// it are then paid at inclusion, or dropped, and never free for a patient that cannot
		/// pay.
		#[pallet::constant]
		type FreeOperationMinBalance: Get<BalanceOf<Self>>;

		/// Sets up patients and providers in the registries for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type Fixtures: salus_primitives::benchmarking::IdentityFixtures<Self::AccountId>;

		/// Moves `Time` for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type Clock: salus_primitives::benchmarking::ClockFixture;

		/// Weights of the calls, from the benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Ledgers: patient → its consents, emergency directive and fee-free count. Created by the
	/// patient's first operation, removed when it deregisters.
	#[pallet::storage]
	pub type Ledgers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Ledger<T>>;

	/// The consent index: consent id → the patient whose ledger holds it.
	#[pallet::storage]
	pub type ConsentPatient<T: Config> = StorageMap<_, Twox64Concat, ConsentId, T::AccountId>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A consent was recorded: granted by the patient, or a grant made by another pallet.
		ConsentGranted {
			/// The patient.
			patient: T::AccountId,
			/// The consent's id.
			id: ConsentId,
			/// Whom it speaks to.
			grantee: Grantee<T::AccountId>,
			/// Permit or Deny.
			decision: Decision,
			/// The data classes it covers.
			classes: DataClassSet,
			/// The purposes it covers.
			purposes: PurposeSet,
			/// When it stops counting, if ever.
			valid_until: Option<Timestamp>,
			/// Where it comes from.
			source: GrantSource,
		},
		/// A consent was revoked; it no longer counts from `at`.
		ConsentRevoked {
			/// The patient.
			patient: T::AccountId,
			/// The consent.
			id: ConsentId,
			/// When (the block timestamp).
			at: Timestamp,
		},
		/// A patient set which sensitive classes emergency access may include.
		EmergencyDirectiveSet {
			/// The patient.
			patient: T::AccountId,
			/// The sensitive classes.
			classes: DataClassSet,
		},
		/// An ended consent was removed after its retention; its deposit was released.
		ConsentPruned {
			/// The patient.
			patient: T::AccountId,
			/// The consent.
			id: ConsentId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The patient is not registered.
		NotRegistered,
		/// A consent must cover at least one data class.
		NoDataClasses,
		/// A consent must cover at least one purpose.
		NoPurposes,
		/// A jurisdiction list, when given, must name at least one jurisdiction.
		NoJurisdictions,
		/// The consent would end before it starts.
		InvalidPeriod,
		/// The consent has expired (or would be expired when recorded).
		ConsentExpired,
		/// The grantee names a provider or practitioner that does not exist.
		UnknownGrantee,
		/// The patient has the most consents allowed.
		TooManyConsents,
		/// The patient's ledger has the most live grants allowed.
		TooManyGrants,
		/// The patient has no consent with this id.
		ConsentNotFound,
		/// The consent is already revoked.
		AlreadyRevoked,
		/// The consent still counts: it is neither revoked nor expired.
		StillActive,
		/// The consent ended less than the retention period ago.
		RetentionNotOver,
		/// An emergency directive may name sensitive classes only.
		NotSensitive,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxConsents::get() > 0, "patients must be able to consent");
			assert!(T::MaxGrants::get() > 0, "requests and emergencies need grants");
			assert!(!T::FreePeriod::get().is_zero(), "a fee-free period has a length");
			assert!(!T::ConsentDeposit::get().is_zero(), "consents are paid for");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Records a consent of the caller: `decision` (Permit or Deny) for `grantee` over
		/// `classes` and `purposes`, from `valid_from` (default, and at the earliest: now — a
		/// consent never counts before it is recorded) until `valid_until` (default: until
		/// revoked), optionally only for providers in `jurisdictions`.
		///
		/// Free of fees for up to `FreeOperations` grant, revoke and directive operations per
		/// `FreePeriod` when it succeeds and the patient holds `FreeOperationMinBalance`.
		///
		/// # Requires
		/// Signed by a registered patient (or its guardian through a proxy) below
		/// `MaxConsents`; `ConsentDeposit` free to hold.
		///
		/// # Events
		/// * [`Event::ConsentGranted`] - the consent is recorded.
		///
		/// # Errors
		/// * [`Error::NotRegistered`] - the caller is not a registered patient.
		/// * [`Error::NoDataClasses`] - `classes` is empty.
		/// * [`Error::NoPurposes`] - `purposes` is empty.
		/// * [`Error::NoJurisdictions`] - `jurisdictions` is an empty list.
		/// * [`Error::InvalidPeriod`] - the consent would end before it starts.
		/// * [`Error::ConsentExpired`] - `valid_until` is not in the future.
		/// * [`Error::UnknownGrantee`] - the grantee names no provider or practitioner.
		/// * [`Error::TooManyConsents`] - the patient has `MaxConsents` consents.
		/// * [`ArithmeticError::Overflow`] - no consent ids are left.
		/// * a token error - the deposit cannot be held.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::grant_consent(ConsentCap::<T>::get()))]
		#[pallet::feeless_if(|origin: &OriginFor<T>,
			grantee: &Grantee<T::AccountId>,
			decision: &Decision,
			classes: &DataClassSet,
			purposes: &PurposeSet,
			jurisdictions: &Option<Jurisdictions>,
			valid_from: &Option<Timestamp>,
			valid_until: &Option<Timestamp>| -> bool {
			Pallet::<T>::is_free(origin, |who| {
				let request = ConsentRequest {
					grantee: grantee.clone(),
					decision: *decision,
					classes: *classes,
					purposes: *purposes,
					jurisdictions: jurisdictions.clone(),
					valid_from: *valid_from,
					valid_until: *valid_until,
				};
				Pallet::<T>::prepare_grant(who, request).map(|(ledger, _)| ledger)
			})
		})]
		#[allow(clippy::too_many_arguments)]
		pub fn grant_consent(
			origin: OriginFor<T>,
			grantee: Grantee<T::AccountId>,
			decision: Decision,
			classes: DataClassSet,
			purposes: PurposeSet,
			jurisdictions: Option<Jurisdictions>,
			valid_from: Option<Timestamp>,
			valid_until: Option<Timestamp>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let request = ConsentRequest {
				grantee,
				decision,
				classes,
				purposes,
				jurisdictions,
				valid_from,
				valid_until,
			};
			let (mut ledger, consent) = Self::prepare_grant(&who, request)?;
			let actual = T::WeightInfo::grant_consent(Self::ledger_len(&ledger));
			T::Currency::hold(&HoldReason::ConsentDeposit.into(), &who, consent.deposit)?;
			Self::count_in_window(&mut ledger);
			let id = Self::insert(&who, ledger, consent)?;
			if decision == Decision::Permit && purposes.contains(Purpose::Research) {
				T::ConsentEvents::research_consent_granted(&who, id);
			}
			Ok(Some(actual).into())
		}

		/// Revokes the caller's consent `id`. It stops counting in the block that includes this
		/// call; its record stays, with its revocation time, until it is pruned.
		///
		/// Free of fees within the caller's `FreeOperations` per `FreePeriod` when it succeeds
		/// and the patient holds `FreeOperationMinBalance`.
		///
		/// # Requires
		/// Signed by the patient whose consent it is (or its guardian through a proxy).
		///
		/// # Events
		/// * [`Event::ConsentRevoked`] - the consent no longer counts.
		///
		/// # Errors
		/// * [`Error::ConsentNotFound`] - the caller has no consent `id`.
		/// * [`Error::AlreadyRevoked`] - the consent is revoked.
		/// * [`Error::ConsentExpired`] - the consent has expired.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::revoke_consent(ConsentCap::<T>::get()))]
		#[pallet::feeless_if(|origin: &OriginFor<T>, id: &ConsentId| -> bool {
			Pallet::<T>::is_free(origin, |who| {
				Pallet::<T>::prepare_revoke(who, *id).map(|(ledger, _)| ledger)
			})
		})]
		pub fn revoke_consent(origin: OriginFor<T>, id: ConsentId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let (mut ledger, position) = Self::prepare_revoke(&who, id)?;
			let actual = T::WeightInfo::revoke_consent(Self::ledger_len(&ledger));
			let at = T::Time::now();
			if let Some(consent) = ledger.consents.get_mut(position) {
				consent.revoked_at = Some(at);
			}
			Self::count_in_window(&mut ledger);
			Ledgers::<T>::insert(&who, ledger);
			Self::deposit_event(Event::ConsentRevoked { patient: who, id, at });
			Ok(Some(actual).into())
		}

		/// Sets which sensitive classes emergency (break-glass) access to the caller's data may
		/// include. The default is none: emergency access covers the non-sensitive classes only.
		///
		/// Free of fees within the caller's `FreeOperations` per `FreePeriod` when it succeeds
		/// and the patient holds `FreeOperationMinBalance`.
		///
		/// # Requires
		/// Signed by a registered patient (or its guardian through a proxy); `classes` names
		/// sensitive classes only.
		///
		/// # Events
		/// * [`Event::EmergencyDirectiveSet`] - the directive is in force.
		///
		/// # Errors
		/// * [`Error::NotRegistered`] - the caller is not a registered patient.
		/// * [`Error::NotSensitive`] - `classes` names a class that is not sensitive.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_emergency_directive(ConsentCap::<T>::get()))]
		#[pallet::feeless_if(|origin: &OriginFor<T>, classes: &DataClassSet| -> bool {
			Pallet::<T>::is_free(origin, |who| Pallet::<T>::prepare_directive(who, *classes))
		})]
		pub fn set_emergency_directive(
			origin: OriginFor<T>,
			classes: DataClassSet,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut ledger = Self::prepare_directive(&who, classes)?;
			let actual = T::WeightInfo::set_emergency_directive(Self::ledger_len(&ledger));
			ledger.directive = classes;
			Self::count_in_window(&mut ledger);
			Ledgers::<T>::insert(&who, ledger);
			Self::deposit_event(Event::EmergencyDirectiveSet { patient: who, classes });
			Ok(Some(actual).into())
		}

		/// Removes consent `id`, revoked or expired at least `ConsentRetention` ago, and
		/// releases its deposit to the patient. Its history stays in the events.
		///
		/// # Requires
		/// Signed by anyone (the deposit goes back to the patient).
		///
		/// # Events
		/// * [`Event::ConsentPruned`] - the consent is gone, its deposit released.
		///
		/// # Errors
		/// * [`Error::ConsentNotFound`] - no consent has this id.
		/// * [`Error::StillActive`] - the consent is neither revoked nor expired.
		/// * [`Error::RetentionNotOver`] - it ended less than `ConsentRetention` ago.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::prune_consent(ConsentCap::<T>::get()))]
		pub fn prune_consent(origin: OriginFor<T>, id: ConsentId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let patient = ConsentPatient::<T>::get(id).ok_or(Error::<T>::ConsentNotFound)?;
			let mut ledger = Ledgers::<T>::get(&patient).ok_or(Error::<T>::ConsentNotFound)?;
			let actual = T::WeightInfo::prune_consent(Self::ledger_len(&ledger));
			let position = ledger.position(id).ok_or(Error::<T>::ConsentNotFound)?;
			let consent = ledger.consents.get(position).ok_or(Error::<T>::ConsentNotFound)?;
			let now = T::Time::now();
			let ended = consent.ended_at(now).ok_or(Error::<T>::StillActive)?;
			ensure!(
				now.saturating_sub(ended) >= T::ConsentRetention::get(),
				Error::<T>::RetentionNotOver
			);
			let deposit = consent.deposit;

			T::Currency::release(
				&HoldReason::ConsentDeposit.into(),
				&patient,
				deposit,
				Precision::BestEffort,
			)?;
			ledger.consents.retain(|consent| consent.id != id);
			Ledgers::<T>::insert(&patient, ledger);
			ConsentPatient::<T>::remove(id);
			Self::deposit_event(Event::ConsentPruned { patient, id });
			Ok(Some(actual).into())
		}
	}

	/// Who asks for a decision about a patient.
	enum Accessing<'a, AccountId> {
		/// The patient itself.
		Own,
		/// A practitioner of an accredited provider.
		Practitioner(&'a AccountId, ProviderId, ProviderProfile),
		/// Anyone else, with the reason it may see nothing.
		Refused(DenyReason),
	}

	/// What a patient asks to record, before it is checked.
	pub(crate) struct ConsentRequest<AccountId> {
		pub grantee: Grantee<AccountId>,
		pub decision: Decision,
		pub classes: DataClassSet,
		pub purposes: PurposeSet,
		pub jurisdictions: Option<Jurisdictions>,
		pub valid_from: Option<Timestamp>,
		pub valid_until: Option<Timestamp>,
	}

	impl<T: Config> Pallet<T> {
		/// Whether the call `check` describes is free of fees for `origin`: signed by a patient
		/// with fee-free operations left in this period that could pay for them
		/// ([`Self::can_pay_fees`]), and sure to succeed (a failing call is never free, so the
		/// free path cannot be used to fill blocks). `check` runs the call's own checks and
		/// returns the ledger it read, so the ledger is decoded once.
		fn is_free(
			origin: &OriginFor<T>,
			check: impl FnOnce(&T::AccountId) -> Result<Ledger<T>, DispatchError>,
		) -> bool {
			let Ok(who) = ensure_signed(origin.clone()) else { return false };
			Self::can_pay_fees(&who) && check(&who).is_ok_and(|ledger| Self::has_free_left(&ledger))
		}

		/// Whether `who` could pay the fee of a patient operation: it holds
		/// `FreeOperationMinBalance` free to spend (as the fee would be taken: keeping its
		/// account alive). A transaction pool checks every pending transaction of an account
		/// against the same state, so it may admit more free operations of one patient than
		/// its allowance left; at inclusion those beyond the allowance pay fees, and a patient
		/// that cannot pay gets none free, so it cannot fill the pool for nothing.
		pub fn can_pay_fees(who: &T::AccountId) -> bool {
			T::Currency::reducible_balance(who, Preservation::Preserve, Fortitude::Polite)
				>= T::FreeOperationMinBalance::get()
		}

		/// Whether `ledger` has a fee-free operation left in the current period.
		pub(crate) fn has_free_left(ledger: &Ledger<T>) -> bool {
			let window = ledger.window;
			let used = if window.period == Self::current_period() { window.used } else { 0 };
			used < T::FreeOperations::get()
		}

		/// Whether a grant would find room in `ledger` now: below `MaxGrants`, or with a grant
		/// that has ended (which [`Self::do_grant`] drops to make room).
		pub(crate) fn has_room_for_grant(ledger: &Ledger<T>) -> bool {
			let now = T::Time::now();
			ledger.grants() < T::MaxGrants::get()
				|| ledger
					.consents
					.iter()
					.any(|consent| !consent.is_patients() && consent.ended_at(now).is_some())
		}

		/// The fee-free period the current block is in.
		fn current_period() -> BlockNumberFor<T> {
			frame_system::Pallet::<T>::block_number()
				.checked_div(&T::FreePeriod::get())
				.unwrap_or_default()
		}

		/// Counts one patient operation against the ledger's fee-free window.
		pub(crate) fn count_in_window(ledger: &mut Ledger<T>) {
			let period = Self::current_period();
			if ledger.window.period != period {
				ledger.window = FreeWindow { period, used: 0 };
			}
			ledger.window.used = ledger.window.used.saturating_add(1);
		}

		/// The ledger of registered patient `who` (empty if it has none yet).
		pub(crate) fn registered_ledger(who: &T::AccountId) -> Result<Ledger<T>, DispatchError> {
			ensure!(T::Patients::is_registered(who), Error::<T>::NotRegistered);
			Ok(Ledgers::<T>::get(who).unwrap_or_default())
		}

		/// Checks a patient's consent and builds it, without changing state.
		pub(crate) fn prepare_grant(
			who: &T::AccountId,
			request: ConsentRequest<T::AccountId>,
		) -> Result<(Ledger<T>, ConsentOf<T>), DispatchError> {
			let ledger = Self::registered_ledger(who)?;
			ensure!(!request.classes.is_empty(), Error::<T>::NoDataClasses);
			ensure!(!request.purposes.is_empty(), Error::<T>::NoPurposes);
			let jurisdictions = match request.jurisdictions {
				Some(mut list) => {
					ensure!(!list.is_empty(), Error::<T>::NoJurisdictions);
					list.sort();
					let mut list = list.into_inner();
					list.dedup();
					// Deduplicating only shortens the list, so it stays within the bound.
					Some(Jurisdictions::truncate_from(list))
				},
				None => None,
			};
			let now = T::Time::now();
			// A consent never counts before it is recorded: an earlier start means now, so a
			// consent cannot authorise, after the fact, an access made before it existed.
			let valid_from = request.valid_from.unwrap_or(now).max(now);
			if let Some(until) = request.valid_until {
				ensure!(now < until, Error::<T>::ConsentExpired);
				ensure!(valid_from < until, Error::<T>::InvalidPeriod);
			}
			let known = match &request.grantee {
				Grantee::Provider(provider) => T::Providers::profile(*provider).is_some(),
				Grantee::Practitioner(account) => T::Providers::provider_of(account).is_some(),
				Grantee::Providers { .. } => true,
			};
			ensure!(known, Error::<T>::UnknownGrantee);
			ensure!(ledger.patients_own() < T::MaxConsents::get(), Error::<T>::TooManyConsents);
			let deposit = T::ConsentDeposit::get();
			T::Currency::ensure_can_hold(&HoldReason::ConsentDeposit.into(), who, deposit)?;

			let consent = Consent {
				// Given when it is recorded (`insert`).
				id: 0,
				grantee: request.grantee,
				decision: request.decision,
				classes: request.classes,
				purposes: request.purposes,
				jurisdictions,
				valid_from,
				valid_until: request.valid_until,
				created_at: now,
				revoked_at: None,
				source: GrantSource::Patient,
				deposit,
			};
			Ok((ledger, consent))
		}

		/// Checks that `who` may revoke its consent `id`; returns its ledger and the position.
		pub(crate) fn prepare_revoke(
			who: &T::AccountId,
			id: ConsentId,
		) -> Result<(Ledger<T>, usize), DispatchError> {
			let ledger = Ledgers::<T>::get(who).ok_or(Error::<T>::ConsentNotFound)?;
			let position = ledger.position(id).ok_or(Error::<T>::ConsentNotFound)?;
			let consent = ledger.consents.get(position).ok_or(Error::<T>::ConsentNotFound)?;
			let now = T::Time::now();
			ensure!(!consent.is_revoked_at(now), Error::<T>::AlreadyRevoked);
			ensure!(!consent.is_expired_at(now), Error::<T>::ConsentExpired);
			Ok((ledger, position))
		}

		/// Checks that `who` may set `classes` as its emergency directive; returns its ledger.
		pub(crate) fn prepare_directive(
			who: &T::AccountId,
			classes: DataClassSet,
		) -> Result<Ledger<T>, DispatchError> {
			let ledger = Self::registered_ledger(who)?;
			ensure!(classes.is_subset_of(&DataClassSet::sensitive()), Error::<T>::NotSensitive);
			Ok(ledger)
		}

		/// How many entries `ledger` holds: what a call's weight depends on. Each call is charged
		/// up front for a full ledger (`ConsentCap`) and refunded to its actual length.
		pub(crate) fn ledger_len(ledger: &Ledger<T>) -> u32 {
			u32::try_from(ledger.consents.len()).unwrap_or(u32::MAX)
		}

		/// The id the next consent recorded in this block gets: `block × 2²¹ + events`, from
		/// the block's number and the number of events the block holds so far (both read by
		/// every transaction anyway), so that recording a consent reads and writes no id
		/// counter (since storage version 1, spec version 109). Unique: every consent recorded
		/// deposits its `ConsentGranted` event before the next one reads the count, and blocks
		/// differ in the high bits; increasing, so that a ledger stays in id order. Below 2⁵³
		/// for every block a `u32` numbers, so that an id survives JSON and JavaScript numbers
		/// exactly. Consents recorded before spec version 109 have a counter's ids, below the
		/// first id of the block that upgraded (the migration checks it).
		///
		/// Only for dispatched calls: the block's event count must only have grown since the
		/// block was initialised. Something that resets it mid-block (root's `kill_storage` of
		/// `System::EventCount`, or a migration recording a consent in the upgrade's block,
		/// which runs before the block's number moves on) would let a consent reuse an earlier
		/// one's id: `do_try_state` finds it (a ledger out of order, an index entry
		/// overwritten).
		///
		/// Fails with [`ArithmeticError::Overflow`] at block 0 (which deposits no events, so
		/// its count does not move), beyond block 2³² − 1, or at 2²¹ events in a block.
		pub fn next_consent_id() -> Result<ConsentId, DispatchError> {
			let block: u64 = frame_system::Pallet::<T>::block_number().saturated_into();
			let events = frame_system::Pallet::<T>::event_count();
			ensure!(
				block > 0 && block <= u64::from(u32::MAX) && events < (1 << CONSENT_ID_EVENT_BITS),
				ArithmeticError::Overflow
			);
			block
				.checked_mul(1 << CONSENT_ID_EVENT_BITS)
				.and_then(|high| high.checked_add(u64::from(events)))
				.ok_or_else(|| ArithmeticError::Overflow.into())
		}

		/// No consent id is this or higher yet: the first id of the next block.
		pub fn ids_below() -> ConsentId {
			let block: u64 = frame_system::Pallet::<T>::block_number().saturated_into();
			block.saturating_add(1).saturating_mul(1 << CONSENT_ID_EVENT_BITS)
		}

		/// Gives `consent` the next id, stores it in `patient`'s ledger and indexes it.
		fn insert(
			patient: &T::AccountId,
			mut ledger: Ledger<T>,
			mut consent: ConsentOf<T>,
		) -> Result<ConsentId, DispatchError> {
			let id = Self::next_consent_id()?;
			consent.id = id;
			let event = Event::ConsentGranted {
				patient: patient.clone(),
				id,
				grantee: consent.grantee.clone(),
				decision: consent.decision,
				classes: consent.classes,
				purposes: consent.purposes,
				valid_until: consent.valid_until,
				source: consent.source,
			};
			let error = if consent.is_patients() {
				Error::<T>::TooManyConsents
			} else {
				Error::<T>::TooManyGrants
			};
			ledger.consents.try_push(consent).map_err(|_| error)?;
			Ledgers::<T>::insert(patient, ledger);
			ConsentPatient::<T>::insert(id, patient);
			Self::deposit_event(event);
			Ok(id)
		}

		/// May `accessor` see `class` of `patient`'s data for `purpose` at `at`?
		///
		/// Reads at most four storage entries, however many consents the patient has: the
		/// patient (registered?), the accessor's practitioner entry, its provider, and the
		/// patient's ledger (every consent at once).
		pub fn check_access(
			patient: &T::AccountId,
			accessor: &T::AccountId,
			class: DataClass,
			purpose: Purpose,
			at: Timestamp,
		) -> AccessDecision {
			if !T::Patients::is_registered(patient) {
				return AccessDecision::Deny { reason: DenyReason::UnknownPatient };
			}
			let accessor = Self::accessor(patient, accessor, Self::practitioner);
			Self::decide_with(accessor, patient, &mut None, class, purpose, at)
		}

		/// The decisions for many `queries` at `at`, in order: the same answers as
		/// [`Self::check_access`] one by one, but each patient's registration and ledger are
		/// read once (queries are taken patient by patient, holding one ledger at a time; the
		/// ledger only if a practitioner asks) and each accessor's practitioner and provider
		/// entries once.
		pub fn check_access_many(
			queries: &[AccessQuery<T::AccountId>],
			at: Timestamp,
		) -> alloc::vec::Vec<AccessDecision> {
			Self::decide_many(queries, at).answers
		}

		/// [`Self::check_access_many`], with the length of each ledger it read.
		pub fn decide_many(queries: &[AccessQuery<T::AccountId>], at: Timestamp) -> Decisions {
			use alloc::collections::BTreeMap;
			let mut order: alloc::vec::Vec<usize> = (0..queries.len()).collect();
			order.sort_by(|a, b| {
				let patient = |i: &usize| queries.get(*i).map(|q| &q.patient);
				patient(a).cmp(&patient(b))
			});
			let mut answers: alloc::vec::Vec<Option<AccessDecision>> =
				alloc::vec![None; queries.len()];
			let mut ledgers = alloc::vec::Vec::new();
			let mut practitioners: BTreeMap<
				T::AccountId,
				Result<(ProviderId, ProviderProfile), DenyReason>,
			> = BTreeMap::new();
			// The patient of the current run of queries: registered?, and its ledger once read.
			let mut current: Option<(&T::AccountId, bool, Option<Ledger<T>>)> = None;
			for i in order {
				let Some(q) = queries.get(i) else { continue };
				if current.as_ref().is_none_or(|(patient, _, _)| *patient != &q.patient) {
					if let Some((_, _, Some(ledger))) = &current {
						ledgers.push(Self::ledger_len(ledger));
					}
					current = Some((&q.patient, T::Patients::is_registered(&q.patient), None));
				}
				let Some((patient, registered, ledger)) = current.as_mut() else { continue };
				let answer = if *registered {
					let accessor = Self::accessor(patient, &q.accessor, |who| {
						*practitioners.entry(who.clone()).or_insert_with(|| Self::practitioner(who))
					});
					Self::decide_with(accessor, patient, ledger, q.data_class, q.purpose, at)
				} else {
					AccessDecision::Deny { reason: DenyReason::UnknownPatient }
				};
				if let Some(slot) = answers.get_mut(i) {
					*slot = Some(answer);
				}
			}
			if let Some((_, _, Some(ledger))) = &current {
				ledgers.push(Self::ledger_len(ledger));
			}
			Decisions { answers: answers.into_iter().flatten().collect(), ledgers }
		}

		/// The accredited provider `accessor` works for, or why it may see nothing.
		fn practitioner(
			accessor: &T::AccountId,
		) -> Result<(ProviderId, ProviderProfile), DenyReason> {
			let provider =
				T::Providers::provider_of(accessor).ok_or(DenyReason::NotPractitioner)?;
			let profile = T::Providers::profile(provider)
				.filter(|profile| profile.status == ProviderStatus::Accredited)
				.ok_or(DenyReason::ProviderNotAccredited)?;
			Ok((provider, profile))
		}

		/// Who asks about `patient`: itself, or what `practitioner` says of the asker.
		fn accessor<'a>(
			patient: &T::AccountId,
			accessor: &'a T::AccountId,
			practitioner: impl FnOnce(
				&T::AccountId,
			) -> Result<(ProviderId, ProviderProfile), DenyReason>,
		) -> Accessing<'a, T::AccountId> {
			if accessor == patient {
				return Accessing::Own;
			}
			match practitioner(accessor) {
				Ok((provider, profile)) => Accessing::Practitioner(accessor, provider, profile),
				Err(reason) => Accessing::Refused(reason),
			}
		}

		/// The decision about registered `patient` for `accessor`. Its ledger is read into
		/// `ledger` the first time a practitioner's decision needs it, and reused after.
		fn decide_with(
			accessor: Accessing<'_, T::AccountId>,
			patient: &T::AccountId,
			ledger: &mut Option<Ledger<T>>,
			class: DataClass,
			purpose: Purpose,
			at: Timestamp,
		) -> AccessDecision {
			match accessor {
				Accessing::Own => AccessDecision::Permit { basis: AccessBasis::OwnData },
				Accessing::Refused(reason) => AccessDecision::Deny { reason },
				Accessing::Practitioner(account, provider, profile) => {
					let ledger = ledger
						.get_or_insert_with(|| Ledgers::<T>::get(patient).unwrap_or_default());
					let accessor = Accessor { account, provider, profile };
					decide(&ledger.consents, &accessor, class, purpose, at)
				},
			}
		}

		/// Every consent of `patient`, in id order.
		pub fn consents_of(patient: &T::AccountId) -> alloc::vec::Vec<ConsentOf<T>> {
			Ledgers::<T>::get(patient)
				.map(|ledger| ledger.consents.into_inner())
				.unwrap_or_default()
		}

		/// Consent `id`, with the patient it belongs to.
		pub fn consent(id: ConsentId) -> Option<(T::AccountId, ConsentOf<T>)> {
			let patient = ConsentPatient::<T>::get(id)?;
			let ledger = Ledgers::<T>::get(&patient)?;
			let consent = ledger.consents.get(ledger.position(id)?)?.clone();
			Some((patient, consent))
		}

		/// The sensitive classes `patient` allows emergency access to include.
		pub fn emergency_directive(patient: &T::AccountId) -> DataClassSet {
			Ledgers::<T>::get(patient).map(|ledger| ledger.directive).unwrap_or_default()
		}

		/// Records `grant` for `patient`, counting it as the patient's operation if `by` is
		/// [`GrantBy::Patient`]; see [`salus_primitives::AccessControl::grant`]. When the
		/// ledger is at `MaxGrants`, the oldest grant that has ended makes room first.
		pub(crate) fn do_grant(
			patient: &T::AccountId,
			grant: Grant<T::AccountId>,
			by: GrantBy,
		) -> Result<Granted, DispatchError> {
			let mut ledger = Self::registered_ledger(patient)?;
			let len = ledger.consents.len() as u32;
			ensure!(!grant.classes.is_empty(), Error::<T>::NoDataClasses);
			ensure!(!grant.purposes.is_empty(), Error::<T>::NoPurposes);
			let now = T::Time::now();
			ensure!(now < grant.valid_until, Error::<T>::ConsentExpired);
			// Fail before making room, so that a grant that cannot be recorded changes nothing.
			Self::next_consent_id()?;
			let mut dropped = false;
			if ledger.grants() >= T::MaxGrants::get() {
				// Room for one: the oldest grant that has ended goes, the others stay (a grant
				// costs one removal at most, however many have ended; `prune_consent` takes
				// the rest).
				let ended = ledger
					.consents
					.iter()
					.position(|consent| !consent.is_patients() && consent.ended_at(now).is_some());
				if let Some(position) = ended {
					let ended = ledger.consents.remove(position);
					ConsentPatient::<T>::remove(ended.id);
					dropped = true;
					Self::deposit_event(Event::ConsentPruned {
						patient: patient.clone(),
						id: ended.id,
					});
				}
			}
			ensure!(ledger.grants() < T::MaxGrants::get(), Error::<T>::TooManyGrants);
			let consent = Consent {
				// Given when it is recorded (`insert`).
				id: 0,
				grantee: grant.grantee,
				decision: Decision::Permit,
				classes: grant.classes,
				purposes: grant.purposes,
				jurisdictions: None,
				valid_from: now,
				valid_until: Some(grant.valid_until),
				created_at: now,
				revoked_at: None,
				source: grant.source,
				deposit: Zero::zero(),
			};
			if by == GrantBy::Patient {
				Self::count_in_window(&mut ledger);
			}
			let id = Self::insert(patient, ledger, consent)?;
			Ok(Granted { id, ledger: len, dropped })
		}

		/// The invariants of the pallet's storage; every one must always hold:
		///
		/// 1. Every ledger belongs to a registered patient.
		/// 2. Within a ledger, consents are in strictly increasing id order, every id is below
		///    the next block's first ([`Pallet::next_consent_id`]), and the ledger holds at
		///    most `MaxConsents` of the patient's own
		///    consents and at most `MaxGrants` grants.
		/// 3. The consent index and the ledgers agree one to one: every consent is indexed
		///    under its ledger's patient, and every index entry names a consent in that ledger.
		/// 4. Grants hold no deposit; the directive names sensitive classes only.
		/// 5. What each patient has on hold for consents is the sum of its consents' deposits.
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use sp_runtime::Saturating;
			let next = Self::ids_below();
			let mut indexed = 0usize;
			for (patient, ledger) in Ledgers::<T>::iter() {
				// 1.
				ensure!(T::Patients::is_registered(&patient), "ledger of an unregistered patient");
				// 2.
				let mut previous: Option<ConsentId> = None;
				let mut deposits = BalanceOf::<T>::zero();
				for consent in ledger.consents.iter() {
					ensure!(consent.id < next, "consent id not below the next block's");
					ensure!(previous.is_none_or(|id| id < consent.id), "consents out of order");
					previous = Some(consent.id);
					// 3.
					ensure!(
						ConsentPatient::<T>::get(consent.id).as_ref() == Some(&patient),
						"consent not indexed under its patient"
					);
					// 4.
					ensure!(
						consent.is_patients() || consent.deposit.is_zero(),
						"a grant holds a deposit"
					);
					deposits = deposits.saturating_add(consent.deposit);
				}
				ensure!(ledger.patients_own() <= T::MaxConsents::get(), "too many consents");
				ensure!(ledger.grants() <= T::MaxGrants::get(), "too many grants");
				ensure!(
					ledger.directive.is_subset_of(&DataClassSet::sensitive()),
					"directive names a non-sensitive class"
				);
				// 5.
				ensure!(
					T::Currency::balance_on_hold(&HoldReason::ConsentDeposit.into(), &patient)
						== deposits,
					"held balance does not match the consents' deposits"
				);
				indexed = indexed.saturating_add(ledger.consents.len());
			}
			// 3.
			ensure!(
				ConsentPatient::<T>::iter().count() == indexed,
				"an index entry names no consent"
			);
			Ok(())
		}
	}
}

impl<T: Config> salus_primitives::AccessControl<T::AccountId> for Pallet<T> {
	fn check_access(
		patient: &T::AccountId,
		accessor: &T::AccountId,
		class: salus_primitives::DataClass,
		purpose: salus_primitives::Purpose,
		at: salus_primitives::Timestamp,
	) -> salus_primitives::AccessDecision {
		Self::check_access(patient, accessor, class, purpose, at)
	}

	fn check_access_many(
		queries: &[salus_primitives::AccessQuery<T::AccountId>],
		at: salus_primitives::Timestamp,
	) -> salus_primitives::Decisions {
		Self::decide_many(queries, at)
	}

	fn decision_weight(len: u32) -> frame_support::weights::Weight {
		T::WeightInfo::check_access(len)
	}

	fn max_ledger_len() -> u32 {
		<ConsentCap<T> as frame_support::traits::Get<u32>>::get()
	}

	/// The smaller of `grant_consent`'s and `revoke_consent`'s measurements between the cap
	/// and `len`: both decode, change and encode the whole ledger.
	fn ledger_write_saving(len: u32) -> frame_support::weights::Weight {
		let cap = Self::max_ledger_len();
		let len = len.min(cap);
		let by_grant =
			T::WeightInfo::grant_consent(cap).saturating_sub(T::WeightInfo::grant_consent(len));
		let by_revoke =
			T::WeightInfo::revoke_consent(cap).saturating_sub(T::WeightInfo::revoke_consent(len));
		by_grant.min(by_revoke)
	}

	/// Dropping an ended grant removes its index entry (`ConsentPatient`): one write.
	fn grant_saving(granted: &salus_primitives::Granted) -> frame_support::weights::Weight {
		let saving = Self::ledger_write_saving(granted.ledger);
		if granted.dropped {
			saving
		} else {
			saving.saturating_add(<T::DbWeight as frame_support::traits::Get<_>>::get().writes(1))
		}
	}

	fn grant(
		patient: &T::AccountId,
		grant: salus_primitives::Grant<T::AccountId>,
		by: salus_primitives::GrantBy,
	) -> Result<salus_primitives::Granted, sp_runtime::DispatchError> {
		Self::do_grant(patient, grant, by)
	}

	fn emergency_classes(patient: &T::AccountId) -> salus_primitives::DataClassSet {
		salus_primitives::DataClassSet::non_sensitive().union(Self::emergency_directive(patient))
	}

	fn now() -> salus_primitives::Timestamp {
		<T::Time as frame_support::traits::Time>::now()
	}

	fn can_grant(patient: &T::AccountId) -> bool {
		Self::registered_ledger(patient).is_ok_and(|ledger| Self::has_room_for_grant(&ledger))
	}

	/// Also requires that the patient could pay for the operation
	/// ([`Pallet::can_pay_fees`]), so that no patient call is free for an account that could
	/// flood the transaction pool with them for nothing.
	fn has_free_operation(patient: &T::AccountId) -> bool {
		Self::can_pay_fees(patient)
			&& Self::registered_ledger(patient).is_ok_and(|ledger| Self::has_free_left(&ledger))
	}

	fn count_operation(patient: &T::AccountId) -> Option<u32> {
		let mut ledger = Self::registered_ledger(patient).ok()?;
		let len = ledger.consents.len() as u32;
		Self::count_in_window(&mut ledger);
		Ledgers::<T>::insert(patient, ledger);
		Some(len)
	}
}

impl<T: Config> salus_primitives::PatientLifecycle<T::AccountId> for Pallet<T> {
	/// A patient with consents (live, or kept for their retention) may not deregister: they
	/// are the record of what it authorised.
	fn has_obligations(who: &T::AccountId) -> bool {
		Ledgers::<T>::get(who).is_some_and(|ledger| !ledger.consents.is_empty())
	}

	/// Removes the patient's ledger (its directive and fee-free count; it holds no consents).
	fn on_deregistered(who: &T::AccountId) {
		Ledgers::<T>::remove(who);
	}
}
