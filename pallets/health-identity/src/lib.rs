#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// The most records one page of [`Pallet::records_of`] returns.
pub const MAX_RECORDS_PAGE: u32 = 100;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
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
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate, MutateHold},
			tokens::Precision,
		},
	};
	use frame_system::pallet_prelude::*;
	use salus_primitives::{
		Jurisdiction, PatientLifecycle, PractitionerRole, ProviderId, ProviderKind,
		ProviderLifecycle, ProviderRegistry, ProviderStatus,
	};
	use sp_core::H256;
	use sp_runtime::{
		traits::{Saturating, Zero},
		ArithmeticError,
	};

	/// The balance of an account, in the currency deposits and bonds are held in.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	/// A patient entry as stored.
	pub type PatientOf<T> = Patient<BalanceOf<T>, BlockNumberFor<T>>;
	/// A registration announcement as stored.
	pub type AnnouncementOf<T> = Announcement<BalanceOf<T>, BlockNumberFor<T>>;
	/// A retired commitment as stored.
	pub type RetiredCommitmentOf<T> =
		RetiredCommitment<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	/// A provider entry as stored.
	pub type ProviderOf<T> =
		Provider<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;
	/// A practitioner entry as stored.
	pub type PractitionerOf<T> = Practitioner<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	/// A practitioner proposal as stored.
	pub type PractitionerProposalOf<T> =
		PractitionerProposal<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	/// A record anchor (or a proposed one) as stored.
	pub type RecordAnchorOf<T> =
		RecordAnchor<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;
	/// A record link as stored.
	pub type RecordLinkOf<T> = RecordLink<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds: each stored item is paid for by one of these.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A patient's deposit: for its entry, for its registration announcement before that,
		/// and (the `RetiredCommitmentDeposit` part) for its retired commitment after.
		#[codec(index = 0)]
		PatientDeposit,
		/// A provider's bond, which disputes can slash.
		#[codec(index = 1)]
		ProviderBond,
		/// The deposit for a practitioner entry (or proposal), held from the admin that
		/// proposed it.
		#[codec(index = 2)]
		PractitionerDeposit,
		/// The deposit for a record anchor (or proposal), held from the practitioner that
		/// proposed it.
		#[codec(index = 3)]
		RecordDeposit,
		/// The deposit for a record link, held from the practitioner that proposed it.
		#[codec(index = 4)]
		LinkDeposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The currency deposits and bonds are held in.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ Mutate<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Who may accredit, suspend and revoke providers and withdraw vouches (governance).
		type AccreditationOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// What other pallets keep for a patient: whether it still owes something before it may
		/// deregister, and the bookkeeping to remove when it does.
		type PatientLifecycle: PatientLifecycle<Self::AccountId>;

		/// What other pallets keep about a provider: whether it has open requests, reviews or
		/// disputes that forbid closing it or handing its administration on.
		type ProviderLifecycle: ProviderLifecycle;

		/// Told when a record anchor takes effect, i.e. when its patient accepts it (the
		/// rewards pallet).
		type RecordEvents: salus_primitives::RecordEvents<Self::AccountId>;

		/// Held from a patient for its entry (a commitment index entry and a patient entry);
		/// held from the moment it announces its registration.
		#[pallet::constant]
		type PatientDeposit: Get<BalanceOf<Self>>;

		/// The part of the patient deposit kept, after the patient deregisters, for the entry
		/// that retires its commitment (at most `PatientDeposit`).
		#[pallet::constant]
		type RetiredCommitmentDeposit: Get<BalanceOf<Self>>;

		/// How many blocks a registration announcement stays valid for its reveal (at least
		/// 1: the reveal comes in a later block than the announcement).
		#[pallet::constant]
		type AnnouncementLifetime: Get<BlockNumberFor<Self>>;

		/// Held from the account that registers a provider (or tops its bond up), for the
		/// entry, its admin-index entry and admin proposal, and as a bond that disputes can
		/// slash. Accreditation needs the full bond.
		#[pallet::constant]
		type ProviderBond: Get<BalanceOf<Self>>;

		/// How long a revoked provider waits before it may close and take back what is left of
		/// its bond, in blocks (time for disputes about its past conduct).
		#[pallet::constant]
		type ClosingDelay: Get<BlockNumberFor<Self>>;

		/// Held from a provider's admin for each practitioner entry (or proposal) it makes.
		#[pallet::constant]
		type PractitionerDeposit: Get<BalanceOf<Self>>;

		/// Held from a practitioner for each record anchor (and its index entry) it proposes.
		#[pallet::constant]
		type RecordDeposit: Get<BalanceOf<Self>>;

		/// Held from a practitioner for each record link it proposes.
		#[pallet::constant]
		type LinkDeposit: Get<BalanceOf<Self>>;

		/// The most practitioners and open practitioner proposals one provider may have
		/// together.
		#[pallet::constant]
		type MaxPractitioners: Get<u32>;

		/// The most departments one provider may accept.
		#[pallet::constant]
		type MaxDepartments: Get<u32>;

		/// The most patients the practitioners of one provider may vouch for in one
		/// `VouchPeriod`.
		#[pallet::constant]
		type MaxVouchesPerPeriod: Get<u32>;

		/// The period `MaxVouchesPerPeriod` counts over, in blocks.
		#[pallet::constant]
		type VouchPeriod: Get<BlockNumberFor<Self>>;

		/// Weights of the calls, from the benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Patients: patient account → its entry.
	#[pallet::storage]
	pub type Patients<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, PatientOf<T>>;

	/// The master patient index: identity commitment → the one patient account that holds it.
	#[pallet::storage]
	pub type PatientByCommitment<T: Config> = StorageMap<_, Blake2_128Concat, H256, T::AccountId>;

	/// Registration announcements: announcing account → its announcement (one per account).
	#[pallet::storage]
	pub type Announcements<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, AnnouncementOf<T>>;

	/// Commitments of deregistered patients: commitment → the account that may take it again.
	#[pallet::storage]
	pub type RetiredCommitments<T: Config> =
		StorageMap<_, Blake2_128Concat, H256, RetiredCommitmentOf<T>>;

	/// Providers: provider id → its entry.
	#[pallet::storage]
	pub type Providers<T: Config> = StorageMap<_, Twox64Concat, ProviderId, ProviderOf<T>>;

	/// The id the next registered provider gets.
	#[pallet::storage]
	pub type NextProviderId<T: Config> = StorageValue<_, ProviderId, ValueQuery>;

	/// Admins: admin account → the provider it manages (one provider per admin account).
	#[pallet::storage]
	pub type AdminOf<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ProviderId>;

	/// Admin transfers waiting for acceptance: provider → the account proposed as its admin.
	#[pallet::storage]
	pub type AdminProposals<T: Config> = StorageMap<_, Twox64Concat, ProviderId, T::AccountId>;

	/// Accepted departments: (parent, department) → (). At most `MaxDepartments` per parent.
	#[pallet::storage]
	pub type Departments<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ProviderId, Twox64Concat, ProviderId, ()>;

	/// Practitioners: practitioner account → its entry (one provider per practitioner).
	#[pallet::storage]
	pub type Practitioners<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, PractitionerOf<T>>;

	/// Practitioner proposals waiting for the account's acceptance: (account, provider) → the
	/// proposal.
	#[pallet::storage]
	pub type PractitionerProposals<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		ProviderId,
		PractitionerProposalOf<T>,
	>;

	/// Record anchors the patient accepted: content hash → the anchor.
	#[pallet::storage]
	pub type Records<T: Config> = StorageMap<_, Blake2_128Concat, H256, RecordAnchorOf<T>>;

	/// Record anchors waiting for the patient's acceptance: content hash → the proposal.
	#[pallet::storage]
	pub type RecordProposals<T: Config> = StorageMap<_, Blake2_128Concat, H256, RecordAnchorOf<T>>;

	/// A patient's records in anchoring order: (patient, index) → content hash.
	#[pallet::storage]
	pub type PatientRecords<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, u32, H256>;

	/// How many records have been anchored for a patient: patient → count.
	#[pallet::storage]
	pub type PatientRecordCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Links of a provider's local record numbers to patients: (provider, locator
	/// commitment) → the link.
	#[pallet::storage]
	pub type Links<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ProviderId, Blake2_128Concat, H256, RecordLinkOf<T>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A patient registered.
		PatientRegistered {
			/// The patient.
			patient: T::AccountId,
			/// Its home jurisdiction.
			jurisdiction: Jurisdiction,
		},
		/// A patient published, changed or removed its encryption key.
		EncryptionKeyUpdated {
			/// The patient.
			patient: T::AccountId,
			/// The new key, if any.
			key: Option<EncryptionKey>,
		},
		/// A patient deregistered; its deposit was released but for the part that keeps its
		/// commitment retired for it.
		PatientDeregistered {
			/// The patient.
			patient: T::AccountId,
		},
		/// A provider registered; it is pending accreditation.
		ProviderRegistered {
			/// The new provider's id.
			provider: ProviderId,
			/// Its admin.
			admin: T::AccountId,
			/// Its kind.
			kind: ProviderKind,
			/// Its jurisdiction.
			jurisdiction: Jurisdiction,
			/// The provider it names as its parent, if any (a department; it belongs to the
			/// parent once the parent's admin accepts it).
			parent: Option<ProviderId>,
		},
		/// Governance (or a sanction) changed a provider's status.
		ProviderStatusChanged {
			/// The provider.
			provider: ProviderId,
			/// The status before.
			from: ProviderStatus,
			/// The status now.
			to: ProviderStatus,
		},
		/// Part of a provider's bond was slashed.
		BondSlashed {
			/// The provider.
			provider: ProviderId,
			/// How much was moved.
			amount: BalanceOf<T>,
			/// Who received it.
			beneficiary: T::AccountId,
		},
		/// A practitioner accepted its provider's proposal: it now acts for the provider.
		PractitionerAdded {
			/// The provider.
			provider: ProviderId,
			/// The practitioner.
			practitioner: T::AccountId,
			/// Its role.
			role: PractitionerRole,
		},
		/// An admin removed a practitioner from its provider.
		PractitionerRemoved {
			/// The provider.
			provider: ProviderId,
			/// The practitioner.
			practitioner: T::AccountId,
		},
		/// A provider's admin role moved to another account, which accepted it.
		AdminTransferred {
			/// The provider.
			provider: ProviderId,
			/// The admin before.
			from: T::AccountId,
			/// The admin now.
			to: T::AccountId,
		},
		/// A practitioner vouched in person for a patient's identity.
		PatientVouched {
			/// The patient.
			patient: T::AccountId,
			/// The provider of the practitioner that vouched.
			provider: ProviderId,
			/// The practitioner.
			practitioner: T::AccountId,
		},
		/// A record anchor took effect: the patient accepted it.
		RecordAnchored {
			/// The record's content hash.
			content_hash: H256,
			/// The patient it is about.
			patient: T::AccountId,
			/// Its custodian.
			custodian: ProviderId,
			/// The salted commitment to its data class.
			class_commitment: H256,
		},
		/// A provider proposed linking a local record number to a patient.
		LinkProposed {
			/// The provider.
			provider: ProviderId,
			/// The commitment to the local record number.
			locator: H256,
			/// The patient.
			patient: T::AccountId,
		},
		/// The patient accepted a link: it is now signed by both sides.
		LinkAccepted {
			/// The provider.
			provider: ProviderId,
			/// The commitment to the local record number.
			locator: H256,
			/// The patient.
			patient: T::AccountId,
		},
		/// An account announced the binding of its commitment, to reveal it in a later block.
		CommitmentAnnounced {
			/// The announcing account.
			account: T::AccountId,
			/// `blake2_256(commitment ‖ SCALE(account))`.
			binding: H256,
		},
		/// An account withdrew its announcement; its deposit was released.
		AnnouncementWithdrawn {
			/// The account.
			account: T::AccountId,
		},
		/// A deregistered patient gave up its retired commitment; anyone may now register it.
		CommitmentReleased {
			/// The commitment.
			commitment: H256,
			/// The account that held it.
			account: T::AccountId,
		},
		/// An admin proposed that an account act for its provider.
		PractitionerProposed {
			/// The provider.
			provider: ProviderId,
			/// The account proposed.
			account: T::AccountId,
			/// The role offered.
			role: PractitionerRole,
		},
		/// An admin withdrew a practitioner proposal; its deposit was released.
		PractitionerProposalWithdrawn {
			/// The provider.
			provider: ProviderId,
			/// The account that had been proposed.
			account: T::AccountId,
		},
		/// A practitioner left its provider; the deposit went back to whoever paid it.
		PractitionerLeft {
			/// The provider.
			provider: ProviderId,
			/// The practitioner.
			practitioner: T::AccountId,
		},
		/// An admin proposed handing its provider to another account.
		AdminTransferProposed {
			/// The provider.
			provider: ProviderId,
			/// The admin.
			from: T::AccountId,
			/// The account proposed.
			to: T::AccountId,
		},
		/// An admin withdrew its transfer proposal.
		AdminTransferCancelled {
			/// The provider.
			provider: ProviderId,
			/// The account that had been proposed.
			to: T::AccountId,
		},
		/// A provider's bond was topped up to the full bond.
		BondToppedUp {
			/// The provider.
			provider: ProviderId,
			/// The account that now holds the whole bond.
			bonder: T::AccountId,
			/// How much was added (the whole bond if the bonder changed).
			amount: BalanceOf<T>,
		},
		/// A provider closed; what was left of its bond went back to its bonder.
		ProviderClosed {
			/// The provider.
			provider: ProviderId,
			/// The bonder.
			bonder: T::AccountId,
			/// How much of the bond was released.
			released: BalanceOf<T>,
		},
		/// A parent's admin accepted a department into its family.
		DepartmentAccepted {
			/// The parent.
			parent: ProviderId,
			/// The department.
			department: ProviderId,
		},
		/// Governance withdrew a vouch.
		VouchWithdrawn {
			/// The patient.
			patient: T::AccountId,
			/// The provider whose vouch it was.
			provider: ProviderId,
		},
		/// A practitioner proposed a record anchor; it takes effect when the patient accepts.
		RecordProposed {
			/// The record's content hash.
			content_hash: H256,
			/// The patient it is about.
			patient: T::AccountId,
			/// Its custodian.
			custodian: ProviderId,
			/// The salted commitment to its data class.
			class_commitment: H256,
		},
		/// A record proposal was withdrawn by its proposer or rejected by its patient.
		RecordProposalRemoved {
			/// The record's content hash.
			content_hash: H256,
			/// Who removed it.
			by: T::AccountId,
		},
		/// A link (proposed or accepted) was removed; its deposit went back to its proposer.
		LinkRemoved {
			/// The provider.
			provider: ProviderId,
			/// The commitment to the local record number.
			locator: H256,
			/// Who removed it: the patient, the proposer or the provider's admin.
			by: T::AccountId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The identity commitment is held by another patient, or retired for another account.
		CommitmentTaken,
		/// The account is already a registered patient.
		AlreadyRegistered,
		/// The account is not a registered patient.
		NotRegistered,
		/// Something in another pallet still depends on the patient or provider.
		HasObligations,
		/// No provider has this id.
		ProviderNotFound,
		/// A provider's name must not be empty.
		EmptyName,
		/// A department must name the provider it belongs to.
		ParentRequired,
		/// The parent does not exist, is revoked, is itself a department, or (accepting) is
		/// not the parent the department names.
		InvalidParent,
		/// Governance cannot move the provider from its status to the requested one.
		InvalidTransition,
		/// The caller is not the admin of a provider.
		NotAdmin,
		/// The account already manages a provider.
		AlreadyAdmin,
		/// The provider is revoked.
		ProviderRevoked,
		/// The account already acts for a provider.
		AlreadyPractitioner,
		/// The account is not a practitioner of the caller's provider.
		NotPractitionerOfProvider,
		/// The provider has the most practitioners and proposals allowed.
		TooManyPractitioners,
		/// The caller is not a practitioner of an accredited provider, or the provider acted
		/// for is not accredited.
		ProviderNotAccredited,
		/// The patient has a vouch that still counts.
		AlreadyVouched,
		/// A record with this content hash is already anchored or proposed.
		AlreadyAnchored,
		/// This provider already proposed a link for this locator.
		LinkExists,
		/// No link with this provider and locator.
		LinkNotFound,
		/// The caller is not the patient concerned (nor, where the call allows it, the
		/// proposer).
		NotPatient,
		/// The link, or the department, was already accepted.
		AlreadyAccepted,
		/// The caller has no registration announcement.
		AnnouncementNotFound,
		/// The commitment and the caller do not match the announced binding.
		AnnouncementMismatch,
		/// The announcement was made in this block: reveal in a later one.
		AnnouncementTooRecent,
		/// The announcement is older than `AnnouncementLifetime`: announce again.
		AnnouncementExpired,
		/// No retired commitment with this value.
		CommitmentNotFound,
		/// The provider already proposed this account.
		AlreadyProposed,
		/// No such proposal (practitioner or admin transfer) for the caller.
		ProposalNotFound,
		/// The provider's bond is below `ProviderBond`: top it up before accreditation.
		BondNotFull,
		/// The provider's bond is already full.
		BondAlreadyFull,
		/// Only a pending or revoked provider may close (governance revokes it first).
		ProviderNotRevoked,
		/// The revoked provider's `ClosingDelay` has not passed yet.
		CoolingOffOpen,
		/// The provider still has practitioners or practitioner proposals.
		HasPractitioners,
		/// The provider still has accepted departments.
		HasDepartments,
		/// The department's parent has not accepted it.
		DepartmentNotAccepted,
		/// The parent has the most departments allowed.
		TooManyDepartments,
		/// The patient has no vouch.
		NotVouched,
		/// The provider vouched for `MaxVouchesPerPeriod` patients this period.
		TooManyVouches,
		/// No record proposal with this content hash.
		RecordNotFound,
		/// The caller is not a practitioner of any provider.
		NotPractitioner,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				T::MaxPractitioners::get() > 0,
				"a provider must be able to have practitioners"
			);
			assert!(!T::ProviderBond::get().is_zero(), "a provider bond is what disputes slash");
			assert!(
				T::RetiredCommitmentDeposit::get() <= T::PatientDeposit::get(),
				"the retired-commitment deposit is kept from the patient deposit"
			);
			assert!(
				!T::AnnouncementLifetime::get().is_zero(),
				"an announcement must live until the next block"
			);
			assert!(T::MaxVouchesPerPeriod::get() > 0, "providers must be able to vouch");
			assert!(!T::VouchPeriod::get().is_zero(), "the vouching period must not be empty");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller as a patient: the reveal of the commitment it announced with
		/// [`Pallet::announce_commitment`] in an earlier block.
		///
		/// `commitment` is a salted hash of an identifier kept off chain: the chain never sees
		/// the identifier. The same commitment can be held by one patient only, which is what
		/// stops duplicate patients (the master patient index). The announcement binds the
		/// commitment to the caller before the commitment is public, so a registration seen in
		/// the transaction pool cannot be front-run; a deregistered patient's commitment stays
		/// retired for it, so no other account can take it.
		///
		/// # Requires
		/// Signed by an account that is no patient, whose announcement (made in an earlier
		/// block, at most `AnnouncementLifetime` blocks ago) is
		/// `blake2_256(commitment ‖ SCALE(caller))`. The announcement's deposit becomes the
		/// patient deposit; a retired commitment of the caller's own is taken back and its
		/// deposit released.
		///
		/// # Events
		/// [`Event::PatientRegistered`].
		///
		/// # Errors
		/// * [`Error::AlreadyRegistered`] - the caller is a patient
		/// * [`Error::CommitmentTaken`] - another patient holds `commitment`, or it is retired
		///   for another account
		/// * [`Error::AnnouncementNotFound`] - the caller announced nothing
		/// * [`Error::AnnouncementMismatch`] - the announcement binds another commitment
		/// * [`Error::AnnouncementTooRecent`] - announced in this block
		/// * [`Error::AnnouncementExpired`] - announced too long ago
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_patient())]
		pub fn register_patient(
			origin: OriginFor<T>,
			commitment: H256,
			jurisdiction: Jurisdiction,
			encryption_key: Option<EncryptionKey>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Patients::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
			ensure!(
				!PatientByCommitment::<T>::contains_key(commitment),
				Error::<T>::CommitmentTaken
			);
			let retired = RetiredCommitments::<T>::get(commitment);
			if let Some(retired) = &retired {
				ensure!(retired.account == who, Error::<T>::CommitmentTaken);
			}
			let announcement =
				Announcements::<T>::get(&who).ok_or(Error::<T>::AnnouncementNotFound)?;
			ensure!(
				announcement.binding == Self::binding_of(&commitment, &who),
				Error::<T>::AnnouncementMismatch
			);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(announcement.announced_at < now, Error::<T>::AnnouncementTooRecent);
			ensure!(
				now <= announcement.announced_at.saturating_add(T::AnnouncementLifetime::get()),
				Error::<T>::AnnouncementExpired
			);

			if let Some(retired) = retired {
				T::Currency::release(
					&HoldReason::PatientDeposit.into(),
					&who,
					retired.deposit,
					Precision::BestEffort,
				)?;
				RetiredCommitments::<T>::remove(commitment);
			}
			Announcements::<T>::remove(&who);
			PatientByCommitment::<T>::insert(commitment, &who);
			Patients::<T>::insert(
				&who,
				Patient {
					commitment,
					jurisdiction,
					encryption_key,
					vouched_by: None,
					deposit: announcement.deposit,
					registered_at: now,
				},
			);
			Self::deposit_event(Event::PatientRegistered { patient: who, jurisdiction });
			Ok(())
		}

		/// Publishes, replaces or (with `None`) removes the caller's key-exchange public key.
		///
		/// # Requires
		/// Signed by a registered patient.
		///
		/// # Events
		/// [`Event::EncryptionKeyUpdated`].
		///
		/// # Errors
		/// * [`Error::NotRegistered`] - the caller is not a patient
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_encryption_key())]
		pub fn update_encryption_key(
			origin: OriginFor<T>,
			key: Option<EncryptionKey>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Patients::<T>::try_mutate(&who, |patient| -> DispatchResult {
				let patient = patient.as_mut().ok_or(Error::<T>::NotRegistered)?;
				patient.encryption_key = key;
				Ok(())
			})?;
			Self::deposit_event(Event::EncryptionKeyUpdated { patient: who, key });
			Ok(())
		}

		/// Deregisters the caller and releases its deposit but for `RetiredCommitmentDeposit`,
		/// which stays held while the commitment is retired for the caller: only the caller
		/// may register it again ([`Pallet::release_commitment`] frees it for anyone and
		/// releases the rest). Records and links that providers anchored about the patient stay
		/// with their custodians.
		///
		/// # Requires
		/// Signed by a registered patient with no obligations left in other pallets.
		///
		/// # Events
		/// [`Event::PatientDeregistered`].
		///
		/// # Errors
		/// * [`Error::NotRegistered`] - the caller is not a patient
		/// * [`Error::HasObligations`] - another pallet still keeps something for the patient
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::deregister_patient())]
		pub fn deregister_patient(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let patient = Patients::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			ensure!(!T::PatientLifecycle::has_obligations(&who), Error::<T>::HasObligations);

			let kept = T::RetiredCommitmentDeposit::get().min(patient.deposit);
			T::Currency::release(
				&HoldReason::PatientDeposit.into(),
				&who,
				patient.deposit.saturating_sub(kept),
				Precision::BestEffort,
			)?;
			PatientByCommitment::<T>::remove(patient.commitment);
			RetiredCommitments::<T>::insert(
				patient.commitment,
				RetiredCommitment { account: who.clone(), deposit: kept },
			);
			Patients::<T>::remove(&who);
			T::PatientLifecycle::on_deregistered(&who);
			Self::deposit_event(Event::PatientDeregistered { patient: who });
			Ok(())
		}

		/// Registers a provider with the caller as its admin. It starts `Pending`: it acts only
		/// once governance accredits it. A department names its parent, and belongs to the
		/// parent's family (and may be accredited) only once the parent's admin accepts it with
		/// [`Pallet::accept_department`].
		///
		/// # Requires
		/// Signed by an account that manages no provider yet; `ProviderBond` free to hold. A
		/// `Department` must name a `parent`; a parent must exist, not be revoked and not be a
		/// department itself.
		///
		/// # Events
		/// [`Event::ProviderRegistered`].
		///
		/// # Errors
		/// * [`Error::AlreadyAdmin`] - the caller manages a provider
		/// * [`Error::EmptyName`] - `name` is empty
		/// * [`Error::ParentRequired`] - a department without a parent
		/// * [`Error::InvalidParent`] - the parent is missing, revoked or a department
		/// * `ArithmeticError::Overflow` - no more provider ids
		/// * a token error if the bond cannot be held
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::register_provider(name.len() as u32))]
		pub fn register_provider(
			origin: OriginFor<T>,
			name: ProviderName,
			kind: ProviderKind,
			jurisdiction: Jurisdiction,
			parent: Option<ProviderId>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!AdminOf::<T>::contains_key(&who), Error::<T>::AlreadyAdmin);
			ensure!(!name.is_empty(), Error::<T>::EmptyName);
			ensure!(
				kind != ProviderKind::Department || parent.is_some(),
				Error::<T>::ParentRequired
			);
			if let Some(parent) = parent {
				let parent = Providers::<T>::get(parent).ok_or(Error::<T>::InvalidParent)?;
				ensure!(
					parent.kind != ProviderKind::Department
						&& parent.status != ProviderStatus::Revoked,
					Error::<T>::InvalidParent
				);
			}

			let id = NextProviderId::<T>::get();
			let next = id.checked_add(1).ok_or(ArithmeticError::Overflow)?;
			let bond = T::ProviderBond::get();
			salus_primitives::hold_liquid::<_, T::Currency>(
				&HoldReason::ProviderBond.into(),
				&who,
				bond,
			)?;

			let now = frame_system::Pallet::<T>::block_number();
			NextProviderId::<T>::put(next);
			AdminOf::<T>::insert(&who, id);
			Providers::<T>::insert(
				id,
				Provider {
					admin: who.clone(),
					bonder: who.clone(),
					bond,
					name,
					kind,
					jurisdiction,
					parent,
					status: ProviderStatus::Pending,
					status_since: now,
					practitioners: 0,
					proposals: 0,
					departments: 0,
					vouch_period_start: now,
					vouches: 0,
				},
			);
			Self::deposit_event(Event::ProviderRegistered {
				provider: id,
				admin: who,
				kind,
				jurisdiction,
				parent,
			});
			Ok(())
		}

		/// Sets a provider's status: accredits, suspends, re-accredits or revokes it.
		///
		/// `Pending → Accredited ⇄ Suspended`; any of the three may become `Revoked`, which is
		/// final. Accreditation needs the full `ProviderBond` and, for a department, its
		/// parent's acceptance.
		///
		/// # Requires
		/// `AccreditationOrigin` (the council; sudo on a dev chain).
		///
		/// # Events
		/// [`Event::ProviderStatusChanged`].
		///
		/// # Errors
		/// * [`Error::ProviderNotFound`] - no such provider
		/// * [`Error::InvalidTransition`] - the lifecycle does not allow the change
		/// * [`Error::BondNotFull`] - accrediting a provider whose bond was slashed
		/// * [`Error::DepartmentNotAccepted`] - accrediting a department its parent did not
		///   accept
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_provider_status())]
		pub fn set_provider_status(
			origin: OriginFor<T>,
			provider: ProviderId,
			status: ProviderStatus,
		) -> DispatchResult {
			T::AccreditationOrigin::ensure_origin(origin)?;
			Self::change_status(provider, status)
		}

		/// Proposes `account` as a practitioner of the caller's provider, with `role`. The
		/// account acts for the provider only once it accepts with
		/// [`Pallet::accept_practitioner`]; until then the admin may withdraw the proposal with
		/// [`Pallet::withdraw_practitioner_proposal`].
		///
		/// # Requires
		/// Signed by a provider's admin; the provider not revoked, its practitioners and open
		/// proposals below `MaxPractitioners`; `account` not acting for any provider and not
		/// proposed by this provider yet; `PractitionerDeposit` free to hold from the admin.
		///
		/// # Events
		/// [`Event::PractitionerProposed`].
		///
		/// # Errors
		/// * [`Error::NotAdmin`] - the caller manages no provider
		/// * [`Error::ProviderRevoked`] - the provider is revoked
		/// * [`Error::AlreadyPractitioner`] - `account` acts for a provider
		/// * [`Error::AlreadyProposed`] - this provider already proposed `account`
		/// * [`Error::TooManyPractitioners`] - the provider is full
		/// * a token error if the deposit cannot be held
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::add_practitioner())]
		pub fn add_practitioner(
			origin: OriginFor<T>,
			account: T::AccountId,
			role: PractitionerRole,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (id, mut provider) = Self::managed_by(&who)?;
			ensure!(provider.status != ProviderStatus::Revoked, Error::<T>::ProviderRevoked);
			ensure!(!Practitioners::<T>::contains_key(&account), Error::<T>::AlreadyPractitioner);
			ensure!(
				!PractitionerProposals::<T>::contains_key(&account, id),
				Error::<T>::AlreadyProposed
			);
			ensure!(
				provider.practitioners.saturating_add(provider.proposals)
					< T::MaxPractitioners::get(),
				Error::<T>::TooManyPractitioners
			);
			provider.proposals =
				provider.proposals.checked_add(1).ok_or(Error::<T>::TooManyPractitioners)?;

			let deposit = T::PractitionerDeposit::get();
			T::Currency::hold(&HoldReason::PractitionerDeposit.into(), &who, deposit)?;
			PractitionerProposals::<T>::insert(
				&account,
				id,
				PractitionerProposal { role, depositor: who, deposit },
			);
			Providers::<T>::insert(id, provider);
			Self::deposit_event(Event::PractitionerProposed { provider: id, account, role });
			Ok(())
		}

		/// Removes `account` from the caller's provider and releases the deposit paid for it.
		///
		/// # Requires
		/// Signed by the admin of the provider `account` acts for.
		///
		/// # Events
		/// [`Event::PractitionerRemoved`].
		///
		/// # Errors
		/// * [`Error::NotAdmin`] - the caller manages no provider
		/// * [`Error::NotPractitionerOfProvider`] - `account` does not act for it
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::remove_practitioner())]
		pub fn remove_practitioner(origin: OriginFor<T>, account: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (id, mut provider) = Self::managed_by(&who)?;
			let practitioner = Practitioners::<T>::get(&account)
				.filter(|practitioner| practitioner.provider == id)
				.ok_or(Error::<T>::NotPractitionerOfProvider)?;

			T::Currency::release(
				&HoldReason::PractitionerDeposit.into(),
				&practitioner.depositor,
				practitioner.deposit,
				Precision::BestEffort,
			)?;
			provider.practitioners = provider.practitioners.saturating_sub(1);
			Providers::<T>::insert(id, provider);
			Practitioners::<T>::remove(&account);
			Self::deposit_event(Event::PractitionerRemoved { provider: id, practitioner: account });
			Ok(())
		}

		/// Proposes handing the admin role of the caller's provider to `new_admin`, which takes
		/// it by accepting with [`Pallet::accept_admin`] (a later proposal replaces an earlier
		/// one; [`Pallet::cancel_admin_transfer`] withdraws it). The bond stays held from the
		/// account that posted it.
		///
		/// # Requires
		/// Signed by a provider's admin; `new_admin` manages no provider. A provider with open
		/// requests, reviews or disputes may change hands (a busy hospital always has some, and
		/// must be able to rotate a compromised admin key): a transfer dodges no sanction, since
		/// the dispute court records the admin it claws back from when a dispute opens, and the
		/// bond stays held from the account that posted it.
		///
		/// # Events
		/// [`Event::AdminTransferProposed`].
		///
		/// # Errors
		/// * [`Error::NotAdmin`] - the caller manages no provider
		/// * [`Error::AlreadyAdmin`] - `new_admin` manages a provider
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::transfer_admin())]
		pub fn transfer_admin(origin: OriginFor<T>, new_admin: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (id, _) = Self::managed_by(&who)?;
			ensure!(!AdminOf::<T>::contains_key(&new_admin), Error::<T>::AlreadyAdmin);

			AdminProposals::<T>::insert(id, &new_admin);
			Self::deposit_event(Event::AdminTransferProposed {
				provider: id,
				from: who,
				to: new_admin,
			});
			Ok(())
		}

		/// Attests that the caller verified `patient`'s identity in person. Rewards count only
		/// patients with a vouch that counts: one from a provider that is still accredited.
		/// A patient whose vouch no longer counts (its provider was suspended, revoked or
		/// closed, or governance withdrew it) may be vouched for again.
		///
		/// # Requires
		/// Signed by a practitioner of an accredited provider that vouched for fewer than
		/// `MaxVouchesPerPeriod` patients this `VouchPeriod`; `patient` registered, with no
		/// vouch that counts.
		///
		/// # Events
		/// [`Event::PatientVouched`].
		///
		/// # Errors
		/// * [`Error::ProviderNotAccredited`] - the caller is no practitioner of an accredited
		///   provider
		/// * [`Error::TooManyVouches`] - the provider's vouches for this period are spent
		/// * [`Error::NotRegistered`] - `patient` is not a patient
		/// * [`Error::AlreadyVouched`] - `patient` has a vouch that counts
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::vouch_patient())]
		pub fn vouch_patient(origin: OriginFor<T>, patient: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let id = Self::accredited_provider_of(&who)?;
			Providers::<T>::try_mutate(id, |entry| -> DispatchResult {
				let entry = entry.as_mut().ok_or(Error::<T>::ProviderNotFound)?;
				let now = frame_system::Pallet::<T>::block_number();
				if now >= entry.vouch_period_start.saturating_add(T::VouchPeriod::get()) {
					entry.vouch_period_start = now;
					entry.vouches = 0;
				}
				ensure!(entry.vouches < T::MaxVouchesPerPeriod::get(), Error::<T>::TooManyVouches);
				entry.vouches = entry.vouches.saturating_add(1);
				Ok(())
			})?;
			Patients::<T>::try_mutate(&patient, |entry| -> DispatchResult {
				let entry = entry.as_mut().ok_or(Error::<T>::NotRegistered)?;
				ensure!(
					!entry.vouched_by.is_some_and(Self::is_accredited),
					Error::<T>::AlreadyVouched
				);
				entry.vouched_by = Some(id);
				Ok(())
			})?;
			Self::deposit_event(Event::PatientVouched { patient, provider: id, practitioner: who });
			Ok(())
		}

		/// Proposes anchoring a record about `patient`: its content hash, a salted commitment
		/// to its data class (`blake2_256(salt ‖ SCALE(class))`, computed off chain; the class
		/// never appears on chain), and the caller's provider as custodian. The anchor takes
		/// effect only when the patient accepts it with [`Pallet::accept_record`]; until then
		/// the caller may withdraw it and the patient may reject it
		/// ([`Pallet::remove_record_proposal`]). The record itself stays with the custodian.
		///
		/// # Requires
		/// Signed by a practitioner of an accredited provider; `patient` registered;
		/// `content_hash` neither anchored nor proposed yet; `RecordDeposit` free to hold from
		/// the caller.
		///
		/// # Events
		/// [`Event::RecordProposed`].
		///
		/// # Errors
		/// * [`Error::ProviderNotAccredited`] - the caller is no practitioner of an accredited
		///   provider
		/// * [`Error::NotRegistered`] - `patient` is not a patient
		/// * [`Error::AlreadyAnchored`] - `content_hash` is anchored or proposed
		/// * a token error if the deposit cannot be held
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::anchor_record())]
		pub fn anchor_record(
			origin: OriginFor<T>,
			patient: T::AccountId,
			content_hash: H256,
			class_commitment: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let custodian = Self::accredited_provider_of(&who)?;
			ensure!(Patients::<T>::contains_key(&patient), Error::<T>::NotRegistered);
			ensure!(
				!Records::<T>::contains_key(content_hash)
					&& !RecordProposals::<T>::contains_key(content_hash),
				Error::<T>::AlreadyAnchored
			);

			let deposit = T::RecordDeposit::get();
			T::Currency::hold(&HoldReason::RecordDeposit.into(), &who, deposit)?;
			RecordProposals::<T>::insert(
				content_hash,
				RecordAnchor {
					patient: patient.clone(),
					custodian,
					class_commitment,
					depositor: who,
					deposit,
					anchored_at: frame_system::Pallet::<T>::block_number(),
				},
			);
			Self::deposit_event(Event::RecordProposed {
				content_hash,
				patient,
				custodian,
				class_commitment,
			});
			Ok(())
		}

		/// Proposes linking the caller's provider's local record number (as the salted
		/// commitment `locator`) to `patient`. The link holds once the patient accepts it;
		/// [`Pallet::remove_link`] withdraws, rejects or removes it.
		///
		/// # Requires
		/// Signed by a practitioner of an accredited provider; `patient` registered; no link of
		/// this provider for `locator` yet; `LinkDeposit` free to hold from the caller.
		///
		/// # Events
		/// [`Event::LinkProposed`].
		///
		/// # Errors
		/// * [`Error::ProviderNotAccredited`] - the caller is no practitioner of an accredited
		///   provider
		/// * [`Error::NotRegistered`] - `patient` is not a patient
		/// * [`Error::LinkExists`] - the provider already has a link for `locator`
		/// * a token error if the deposit cannot be held
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::propose_link())]
		pub fn propose_link(
			origin: OriginFor<T>,
			patient: T::AccountId,
			locator: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let provider = Self::accredited_provider_of(&who)?;
			ensure!(Patients::<T>::contains_key(&patient), Error::<T>::NotRegistered);
			ensure!(!Links::<T>::contains_key(provider, locator), Error::<T>::LinkExists);

			let deposit = T::LinkDeposit::get();
			T::Currency::hold(&HoldReason::LinkDeposit.into(), &who, deposit)?;
			Links::<T>::insert(
				provider,
				locator,
				RecordLink { patient: patient.clone(), accepted: false, depositor: who, deposit },
			);
			Self::deposit_event(Event::LinkProposed { provider, locator, patient });
			Ok(())
		}

		/// Accepts the link `provider` proposed for `locator`: the record number is now linked
		/// to the caller, signed by both sides.
		///
		/// # Requires
		/// Signed by the patient the link names.
		///
		/// # Events
		/// [`Event::LinkAccepted`].
		///
		/// # Errors
		/// * [`Error::LinkNotFound`] - no such link
		/// * [`Error::NotPatient`] - the link names another patient
		/// * [`Error::AlreadyAccepted`] - the link was accepted already
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::accept_link())]
		pub fn accept_link(
			origin: OriginFor<T>,
			provider: ProviderId,
			locator: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Links::<T>::try_mutate(provider, locator, |link| -> DispatchResult {
				let link = link.as_mut().ok_or(Error::<T>::LinkNotFound)?;
				ensure!(link.patient == who, Error::<T>::NotPatient);
				ensure!(!link.accepted, Error::<T>::AlreadyAccepted);
				link.accepted = true;
				Ok(())
			})?;
			Self::deposit_event(Event::LinkAccepted { provider, locator, patient: who });
			Ok(())
		}

		/// Accepts `provider`'s proposal that the caller act for it: the caller becomes its
		/// practitioner, with the role proposed. The deposit stays held from the admin that
		/// proposed it.
		///
		/// # Requires
		/// Signed by the account proposed; it acts for no provider (a practitioner leaves its
		/// provider first); the provider exists and is not revoked.
		///
		/// # Events
		/// [`Event::PractitionerAdded`].
		///
		/// # Errors
		/// * [`Error::ProposalNotFound`] - `provider` proposed nothing to the caller
		/// * [`Error::AlreadyPractitioner`] - the caller acts for a provider
		/// * [`Error::ProviderNotFound`] - the provider is gone
		/// * [`Error::ProviderRevoked`] - the provider is revoked
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::accept_practitioner())]
		pub fn accept_practitioner(origin: OriginFor<T>, provider: ProviderId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let proposal = PractitionerProposals::<T>::get(&who, provider)
				.ok_or(Error::<T>::ProposalNotFound)?;
			ensure!(!Practitioners::<T>::contains_key(&who), Error::<T>::AlreadyPractitioner);
			Providers::<T>::try_mutate(provider, |entry| -> DispatchResult {
				let entry = entry.as_mut().ok_or(Error::<T>::ProviderNotFound)?;
				ensure!(entry.status != ProviderStatus::Revoked, Error::<T>::ProviderRevoked);
				entry.proposals = entry.proposals.saturating_sub(1);
				entry.practitioners = entry.practitioners.saturating_add(1);
				Ok(())
			})?;
			PractitionerProposals::<T>::remove(&who, provider);
			Practitioners::<T>::insert(
				&who,
				Practitioner {
					provider,
					role: proposal.role,
					depositor: proposal.depositor,
					deposit: proposal.deposit,
				},
			);
			Self::deposit_event(Event::PractitionerAdded {
				provider,
				practitioner: who,
				role: proposal.role,
			});
			Ok(())
		}

		/// Withdraws the caller's provider's unaccepted proposal to `account` and releases its
		/// deposit to whoever paid it.
		///
		/// # Requires
		/// Signed by the admin of the provider that proposed `account`.
		///
		/// # Events
		/// [`Event::PractitionerProposalWithdrawn`].
		///
		/// # Errors
		/// * [`Error::NotAdmin`] - the caller manages no provider
		/// * [`Error::ProposalNotFound`] - the provider has no proposal to `account`
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::withdraw_practitioner_proposal())]
		pub fn withdraw_practitioner_proposal(
			origin: OriginFor<T>,
			account: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (id, mut provider) = Self::managed_by(&who)?;
			let proposal = PractitionerProposals::<T>::get(&account, id)
				.ok_or(Error::<T>::ProposalNotFound)?;
			T::Currency::release(
				&HoldReason::PractitionerDeposit.into(),
				&proposal.depositor,
				proposal.deposit,
				Precision::BestEffort,
			)?;
			provider.proposals = provider.proposals.saturating_sub(1);
			Providers::<T>::insert(id, provider);
			PractitionerProposals::<T>::remove(&account, id);
			Self::deposit_event(Event::PractitionerProposalWithdrawn { provider: id, account });
			Ok(())
		}

		/// The caller stops acting for its provider; the deposit goes back to whoever paid it.
		///
		/// # Requires
		/// Signed by a practitioner.
		///
		/// # Events
		/// [`Event::PractitionerLeft`].
		///
		/// # Errors
		/// * [`Error::NotPractitioner`] - the caller acts for no provider
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::leave_provider())]
		pub fn leave_provider(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let practitioner = Practitioners::<T>::get(&who).ok_or(Error::<T>::NotPractitioner)?;
			T::Currency::release(
				&HoldReason::PractitionerDeposit.into(),
				&practitioner.depositor,
				practitioner.deposit,
				Precision::BestEffort,
			)?;
			Providers::<T>::mutate(practitioner.provider, |entry| {
				if let Some(entry) = entry {
					entry.practitioners = entry.practitioners.saturating_sub(1);
				}
			});
			Practitioners::<T>::remove(&who);
			Self::deposit_event(Event::PractitionerLeft {
				provider: practitioner.provider,
				practitioner: who,
			});
			Ok(())
		}

		/// Accepts the admin role of `provider`, which its admin proposed to the caller with
		/// [`Pallet::transfer_admin`].
		///
		/// # Requires
		/// Signed by the account proposed; it manages no provider.
		///
		/// # Events
		/// [`Event::AdminTransferred`].
		///
		/// # Errors
		/// * [`Error::ProposalNotFound`] - the caller is not the account proposed
		/// * [`Error::AlreadyAdmin`] - the caller manages a provider
		/// * [`Error::ProviderNotFound`] - the provider is gone
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::accept_admin())]
		pub fn accept_admin(origin: OriginFor<T>, provider: ProviderId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(
				AdminProposals::<T>::get(provider).as_ref() == Some(&who),
				Error::<T>::ProposalNotFound
			);
			ensure!(!AdminOf::<T>::contains_key(&who), Error::<T>::AlreadyAdmin);
			let from = Providers::<T>::try_mutate(provider, |entry| {
				let entry = entry.as_mut().ok_or(Error::<T>::ProviderNotFound)?;
				Ok::<_, DispatchError>(core::mem::replace(&mut entry.admin, who.clone()))
			})?;
			AdminProposals::<T>::remove(provider);
			AdminOf::<T>::remove(&from);
			AdminOf::<T>::insert(&who, provider);
			Self::deposit_event(Event::AdminTransferred { provider, from, to: who });
			Ok(())
		}

		/// Withdraws the caller's provider's admin transfer proposal.
		///
		/// # Requires
		/// Signed by a provider's admin with a proposal open.
		///
		/// # Events
		/// [`Event::AdminTransferCancelled`].
		///
		/// # Errors
		/// * [`Error::NotAdmin`] - the caller manages no provider
		/// * [`Error::ProposalNotFound`] - no transfer is proposed
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::cancel_admin_transfer())]
		pub fn cancel_admin_transfer(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let id = AdminOf::<T>::get(&who).ok_or(Error::<T>::NotAdmin)?;
			let to = AdminProposals::<T>::take(id).ok_or(Error::<T>::ProposalNotFound)?;
			Self::deposit_event(Event::AdminTransferCancelled { provider: id, to });
			Ok(())
		}

		/// Closes the caller's provider: releases what is left of its bond to its bonder and
		/// removes it (with its admin-index entry, admin proposal and place among its parent's
		/// departments). Its record anchors stay; its links stay until their patient or
		/// proposer removes them.
		///
		/// Only a `Pending` provider (which never acted), or a `Revoked` one once
		/// `ClosingDelay` has passed since its revocation, may close: an accredited or
		/// suspended provider asks governance to revoke it first, so that closing never
		/// dodges a sanction and disputes about its past conduct can still be opened.
		///
		/// # Requires
		/// Signed by the provider's admin; no practitioners, practitioner proposals or accepted
		/// departments left (each removed by its own bounded call); no obligations in other
		/// pallets.
		///
		/// # Events
		/// [`Event::ProviderClosed`].
		///
		/// # Errors
		/// * [`Error::NotAdmin`] - the caller manages no provider
		/// * [`Error::ProviderNotRevoked`] - the provider is accredited or suspended
		/// * [`Error::CoolingOffOpen`] - revoked less than `ClosingDelay` ago
		/// * [`Error::HasPractitioners`] - practitioners or proposals are left
		/// * [`Error::HasDepartments`] - accepted departments are left
		/// * [`Error::HasObligations`] - the provider has obligations
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::close_provider())]
		pub fn close_provider(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (id, provider) = Self::managed_by(&who)?;
			match provider.status {
				ProviderStatus::Pending => {},
				ProviderStatus::Revoked => ensure!(
					frame_system::Pallet::<T>::block_number()
						>= provider.status_since.saturating_add(T::ClosingDelay::get()),
					Error::<T>::CoolingOffOpen
				),
				ProviderStatus::Accredited | ProviderStatus::Suspended => {
					return Err(Error::<T>::ProviderNotRevoked.into())
				},
			}
			ensure!(
				provider.practitioners == 0 && provider.proposals == 0,
				Error::<T>::HasPractitioners
			);
			ensure!(provider.departments == 0, Error::<T>::HasDepartments);
			ensure!(!T::ProviderLifecycle::has_obligations(id), Error::<T>::HasObligations);

			T::Currency::release(
				&HoldReason::ProviderBond.into(),
				&provider.bonder,
				provider.bond,
				Precision::BestEffort,
			)?;
			if let Some(parent) = provider.parent {
				if Departments::<T>::take(parent, id).is_some() {
					Providers::<T>::mutate(parent, |entry| {
						if let Some(entry) = entry {
							entry.departments = entry.departments.saturating_sub(1);
						}
					});
				}
			}
			Providers::<T>::remove(id);
			AdminOf::<T>::remove(&who);
			AdminProposals::<T>::remove(id);
			Self::deposit_event(Event::ProviderClosed {
				provider: id,
				bonder: provider.bonder,
				released: provider.bond,
			});
			Ok(())
		}

		/// Tops the caller's provider's bond up to `ProviderBond` (after slashes, or when the
		/// bond was raised). If the caller is the bonder, the missing amount is held from it;
		/// otherwise the caller posts the whole bond, becomes the bonder, and what was left of
		/// the old bond goes back to the old bonder. Only the admin tops up: the bonder is an
		/// affiliate of the provider, so nobody becomes one without the admin.
		///
		/// # Requires
		/// Signed by the admin of a provider that is not revoked and whose bond is not full;
		/// the amount free to hold.
		///
		/// # Events
		/// [`Event::BondToppedUp`].
		///
		/// # Errors
		/// * [`Error::NotAdmin`] - the caller manages no provider
		/// * [`Error::ProviderRevoked`] - the provider is revoked
		/// * [`Error::BondAlreadyFull`] - nothing to top up
		/// * a token error if the amount cannot be held
		#[pallet::call_index(18)]
		#[pallet::weight(T::WeightInfo::top_up_bond())]
		pub fn top_up_bond(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (id, mut provider) = Self::managed_by(&who)?;
			ensure!(provider.status != ProviderStatus::Revoked, Error::<T>::ProviderRevoked);
			let full = T::ProviderBond::get();
			ensure!(provider.bond < full, Error::<T>::BondAlreadyFull);
			let reason = HoldReason::ProviderBond.into();
			let amount = if provider.bonder == who {
				full.saturating_sub(provider.bond)
			} else {
				T::Currency::release(
					&reason,
					&provider.bonder,
					provider.bond,
					Precision::BestEffort,
				)?;
				provider.bonder = who.clone();
				full
			};
			salus_primitives::hold_liquid::<_, T::Currency>(&reason, &who, amount)?;
			provider.bond = full;
			Providers::<T>::insert(id, provider);
			Self::deposit_event(Event::BondToppedUp { provider: id, bonder: who, amount });
			Ok(())
		}

		/// Removes a link and releases its deposit to its proposer. The patient may reject a
		/// proposed link or remove an accepted one; the proposer, or the provider's admin, may
		/// withdraw a link the patient has not accepted.
		///
		/// # Requires
		/// Signed by the patient the link names, or (unaccepted link) by its proposer or the
		/// provider's admin.
		///
		/// # Events
		/// [`Event::LinkRemoved`].
		///
		/// # Errors
		/// * [`Error::LinkNotFound`] - no such link
		/// * [`Error::NotPatient`] - the caller is neither the patient nor the proposer or
		///   admin
		/// * [`Error::AlreadyAccepted`] - the proposer or admin may not remove an accepted link
		#[pallet::call_index(19)]
		#[pallet::weight(T::WeightInfo::remove_link())]
		pub fn remove_link(
			origin: OriginFor<T>,
			provider: ProviderId,
			locator: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let link = Links::<T>::get(provider, locator).ok_or(Error::<T>::LinkNotFound)?;
			if link.patient != who {
				let admin = Providers::<T>::get(provider).map(|entry| entry.admin);
				ensure!(
					link.depositor == who || admin.as_ref() == Some(&who),
					Error::<T>::NotPatient
				);
				ensure!(!link.accepted, Error::<T>::AlreadyAccepted);
			}
			T::Currency::release(
				&HoldReason::LinkDeposit.into(),
				&link.depositor,
				link.deposit,
				Precision::BestEffort,
			)?;
			Links::<T>::remove(provider, locator);
			Self::deposit_event(Event::LinkRemoved { provider, locator, by: who });
			Ok(())
		}

		/// Withdraws `patient`'s vouch: it no longer counts, and another accredited provider
		/// may vouch for the patient again.
		///
		/// # Requires
		/// `AccreditationOrigin` (the council; sudo on a dev chain).
		///
		/// # Events
		/// [`Event::VouchWithdrawn`].
		///
		/// # Errors
		/// * [`Error::NotRegistered`] - `patient` is not a patient
		/// * [`Error::NotVouched`] - `patient` has no vouch
		#[pallet::call_index(20)]
		#[pallet::weight(T::WeightInfo::withdraw_vouch())]
		pub fn withdraw_vouch(origin: OriginFor<T>, patient: T::AccountId) -> DispatchResult {
			T::AccreditationOrigin::ensure_origin(origin)?;
			let provider = Patients::<T>::try_mutate(&patient, |entry| {
				let entry = entry.as_mut().ok_or(Error::<T>::NotRegistered)?;
				entry.vouched_by.take().ok_or(Error::<T>::NotVouched)
			})?;
			Self::deposit_event(Event::VouchWithdrawn { patient, provider });
			Ok(())
		}

		/// Accepts `department` (which names the caller's provider as its parent) into the
		/// caller's provider's family: only then does it count as the parent's department (for
		/// affiliation) and may it be accredited.
		///
		/// # Requires
		/// Signed by the admin of the parent the department names; the parent not revoked and
		/// below `MaxDepartments`.
		///
		/// # Events
		/// [`Event::DepartmentAccepted`].
		///
		/// # Errors
		/// * [`Error::NotAdmin`] - the caller manages no provider
		/// * [`Error::ProviderRevoked`] - the caller's provider is revoked
		/// * [`Error::ProviderNotFound`] - no such department
		/// * [`Error::InvalidParent`] - it is not a department of the caller's provider
		/// * [`Error::AlreadyAccepted`] - accepted already
		/// * [`Error::TooManyDepartments`] - the parent has the most departments allowed
		#[pallet::call_index(21)]
		#[pallet::weight(T::WeightInfo::accept_department())]
		pub fn accept_department(origin: OriginFor<T>, department: ProviderId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (id, mut parent) = Self::managed_by(&who)?;
			ensure!(parent.status != ProviderStatus::Revoked, Error::<T>::ProviderRevoked);
			let entry = Providers::<T>::get(department).ok_or(Error::<T>::ProviderNotFound)?;
			ensure!(
				entry.kind == ProviderKind::Department && entry.parent == Some(id),
				Error::<T>::InvalidParent
			);
			ensure!(!Departments::<T>::contains_key(id, department), Error::<T>::AlreadyAccepted);
			ensure!(parent.departments < T::MaxDepartments::get(), Error::<T>::TooManyDepartments);
			parent.departments = parent.departments.saturating_add(1);
			Providers::<T>::insert(id, parent);
			Departments::<T>::insert(id, department, ());
			Self::deposit_event(Event::DepartmentAccepted { parent: id, department });
			Ok(())
		}

		/// Accepts the record anchor proposed about the caller under `content_hash`: the anchor
		/// takes effect, is indexed under the caller, and the record events' listener (the
		/// rewards pallet) is told.
		///
		/// # Requires
		/// Signed by the patient the proposal names, still registered; its custodian still
		/// accredited.
		///
		/// # Events
		/// [`Event::RecordAnchored`].
		///
		/// # Errors
		/// * [`Error::RecordNotFound`] - no such proposal
		/// * [`Error::NotPatient`] - the proposal names another patient
		/// * [`Error::NotRegistered`] - the patient deregistered since
		/// * [`Error::ProviderNotAccredited`] - the custodian is no longer accredited
		/// * `ArithmeticError::Overflow` - the patient's record index is full
		#[pallet::call_index(22)]
		#[pallet::weight(T::WeightInfo::accept_record())]
		pub fn accept_record(origin: OriginFor<T>, content_hash: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record =
				RecordProposals::<T>::get(content_hash).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(record.patient == who, Error::<T>::NotPatient);
			ensure!(Patients::<T>::contains_key(&who), Error::<T>::NotRegistered);
			ensure!(Self::is_accredited(record.custodian), Error::<T>::ProviderNotAccredited);
			let index = PatientRecordCount::<T>::get(&who);
			let next = index.checked_add(1).ok_or(ArithmeticError::Overflow)?;

			record.anchored_at = frame_system::Pallet::<T>::block_number();
			let (custodian, class_commitment) = (record.custodian, record.class_commitment);
			RecordProposals::<T>::remove(content_hash);
			Records::<T>::insert(content_hash, record);
			PatientRecords::<T>::insert(&who, index, content_hash);
			PatientRecordCount::<T>::insert(&who, next);
			<T::RecordEvents as salus_primitives::RecordEvents<_>>::record_anchored(
				&who, custodian,
			);
			Self::deposit_event(Event::RecordAnchored {
				content_hash,
				patient: who,
				custodian,
				class_commitment,
			});
			Ok(())
		}

		/// Removes the record proposal under `content_hash` and releases its deposit to its
		/// proposer: the patient rejects it, or the proposer withdraws it.
		///
		/// # Requires
		/// Signed by the patient the proposal names or the practitioner that proposed it.
		///
		/// # Events
		/// [`Event::RecordProposalRemoved`].
		///
		/// # Errors
		/// * [`Error::RecordNotFound`] - no such proposal
		/// * [`Error::NotPatient`] - the caller is neither the patient nor the proposer
		#[pallet::call_index(23)]
		#[pallet::weight(T::WeightInfo::remove_record_proposal())]
		pub fn remove_record_proposal(origin: OriginFor<T>, content_hash: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let record =
				RecordProposals::<T>::get(content_hash).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(record.patient == who || record.depositor == who, Error::<T>::NotPatient);
			T::Currency::release(
				&HoldReason::RecordDeposit.into(),
				&record.depositor,
				record.deposit,
				Precision::BestEffort,
			)?;
			RecordProposals::<T>::remove(content_hash);
			Self::deposit_event(Event::RecordProposalRemoved { content_hash, by: who });
			Ok(())
		}

		/// Announces (or, with `None`, withdraws) the caller's coming registration:
		/// `binding = blake2_256(commitment ‖ SCALE(caller))` ([`Pallet::binding_of`]), which
		/// reveals nothing about the commitment. [`Pallet::register_patient`] reveals the
		/// commitment in a later block, within `AnnouncementLifetime` blocks. A new
		/// announcement replaces the caller's earlier one. Announcing holds the patient deposit,
		/// which becomes the patient's; withdrawing releases it.
		///
		/// # Requires
		/// Signed by an account that is no patient; `PatientDeposit` free to hold (first
		/// announcement).
		///
		/// # Events
		/// [`Event::CommitmentAnnounced`] or [`Event::AnnouncementWithdrawn`].
		///
		/// # Errors
		/// * [`Error::AlreadyRegistered`] - the caller is a patient
		/// * [`Error::AnnouncementNotFound`] - withdrawing with no announcement
		/// * a token error if the deposit cannot be held
		#[pallet::call_index(24)]
		#[pallet::weight(T::WeightInfo::announce_commitment())]
		pub fn announce_commitment(origin: OriginFor<T>, binding: Option<H256>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Patients::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
			let reason = HoldReason::PatientDeposit.into();
			let Some(binding) = binding else {
				let announcement =
					Announcements::<T>::take(&who).ok_or(Error::<T>::AnnouncementNotFound)?;
				T::Currency::release(&reason, &who, announcement.deposit, Precision::BestEffort)?;
				Self::deposit_event(Event::AnnouncementWithdrawn { account: who });
				return Ok(());
			};
			let announced_at = frame_system::Pallet::<T>::block_number();
			let deposit = match Announcements::<T>::get(&who) {
				Some(earlier) => earlier.deposit,
				None => {
					let deposit = T::PatientDeposit::get();
					T::Currency::hold(&reason, &who, deposit)?;
					deposit
				},
			};
			Announcements::<T>::insert(&who, Announcement { binding, announced_at, deposit });
			Self::deposit_event(Event::CommitmentAnnounced { account: who, binding });
			Ok(())
		}

		/// Gives up the caller's retired `commitment`: anyone may register it from now on, and
		/// the deposit kept for it is released.
		///
		/// # Requires
		/// Signed by the account that held the commitment when it deregistered.
		///
		/// # Events
		/// [`Event::CommitmentReleased`].
		///
		/// # Errors
		/// * [`Error::CommitmentNotFound`] - `commitment` is not retired
		/// * [`Error::NotPatient`] - it is retired for another account
		#[pallet::call_index(25)]
		#[pallet::weight(T::WeightInfo::release_commitment())]
		pub fn release_commitment(origin: OriginFor<T>, commitment: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let retired =
				RetiredCommitments::<T>::get(commitment).ok_or(Error::<T>::CommitmentNotFound)?;
			ensure!(retired.account == who, Error::<T>::NotPatient);
			T::Currency::release(
				&HoldReason::PatientDeposit.into(),
				&who,
				retired.deposit,
				Precision::BestEffort,
			)?;
			RetiredCommitments::<T>::remove(commitment);
			Self::deposit_event(Event::CommitmentReleased { commitment, account: who });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// `blake2_256(commitment ‖ SCALE(account))`: what `account` announces before it
		/// registers `commitment` (clients compute the same).
		pub fn binding_of(commitment: &H256, account: &T::AccountId) -> H256 {
			<sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash_of(&(
				commitment, account,
			))
		}

		/// The provider `who` manages, with its entry.
		fn managed_by(who: &T::AccountId) -> Result<(ProviderId, ProviderOf<T>), DispatchError> {
			let id = AdminOf::<T>::get(who).ok_or(Error::<T>::NotAdmin)?;
			let provider = Providers::<T>::get(id).ok_or(Error::<T>::ProviderNotFound)?;
			Ok((id, provider))
		}

		/// The accredited provider `who` acts for as a practitioner.
		fn accredited_provider_of(who: &T::AccountId) -> Result<ProviderId, DispatchError> {
			let id = Practitioners::<T>::get(who)
				.map(|practitioner| practitioner.provider)
				.ok_or(Error::<T>::ProviderNotAccredited)?;
			ensure!(Self::is_accredited(id), Error::<T>::ProviderNotAccredited);
			Ok(id)
		}

		/// Moves `provider` to `status`, if governance may. Accreditation needs the full bond
		/// and, for a department, its parent's acceptance.
		pub(crate) fn change_status(
			provider: ProviderId,
			status: ProviderStatus,
		) -> DispatchResult {
			Providers::<T>::try_mutate(provider, |entry| -> DispatchResult {
				let entry = entry.as_mut().ok_or(Error::<T>::ProviderNotFound)?;
				let from = entry.status;
				ensure!(from.can_become(status), Error::<T>::InvalidTransition);
				if status == ProviderStatus::Accredited {
					ensure!(entry.bond >= T::ProviderBond::get(), Error::<T>::BondNotFull);
					if entry.kind == ProviderKind::Department {
						let accepted = entry
							.parent
							.is_some_and(|parent| Departments::<T>::contains_key(parent, provider));
						ensure!(accepted, Error::<T>::DepartmentNotAccepted);
					}
				}
				entry.status = status;
				entry.status_since = frame_system::Pallet::<T>::block_number();
				Self::deposit_event(Event::ProviderStatusChanged { provider, from, to: status });
				Ok(())
			})
		}

		/// The head of `provider`'s family: its parent if the parent accepted it as a
		/// department, else itself; `None` if `provider` does not exist.
		pub fn family_head(provider: ProviderId) -> Option<ProviderId> {
			let entry = Providers::<T>::get(provider)?;
			Some(match entry.parent {
				Some(parent) if Departments::<T>::contains_key(parent, provider) => parent,
				_ => provider,
			})
		}

		/// A page of `patient`'s records (anchors the patient accepted), in anchoring order: at
		/// most `count` from index `start`. At most [`MAX_RECORDS_PAGE`] records are returned.
		pub fn records_of(
			patient: &T::AccountId,
			start: u32,
			count: u32,
		) -> alloc::vec::Vec<(H256, RecordAnchorOf<T>)> {
			let end = start
				.saturating_add(count.min(MAX_RECORDS_PAGE))
				.min(PatientRecordCount::<T>::get(patient));
			(start..end)
				.filter_map(|index| PatientRecords::<T>::get(patient, index))
				.filter_map(|hash| Records::<T>::get(hash).map(|record| (hash, record)))
				.collect()
		}

		/// The provider `who` acts for as a practitioner, or else manages as its admin (what the
		/// runtime API's `provider_of` answers; [`salus_primitives::ProviderRegistry::provider_of`]
		/// counts practitioners only, since only they act).
		pub fn provider_acted_for_or_managed(who: &T::AccountId) -> Option<ProviderId> {
			Practitioners::<T>::get(who)
				.map(|practitioner| practitioner.provider)
				.or_else(|| AdminOf::<T>::get(who))
		}

		/// The invariants of the pallet's storage; every one must always hold:
		///
		/// 1. The commitment index and the patients agree one to one; no retired commitment is
		///    held by a patient; no patient has an announcement.
		/// 2. Every provider id is below `NextProviderId`. Every accepted department exists,
		///    is a `Department` naming that parent, and its parent exists; each provider's
		///    department count is the number it accepted, at most `MaxDepartments`. An
		///    accredited department was accepted.
		/// 3. The admin index and the providers agree one to one; every admin proposal is for
		///    an existing provider.
		/// 4. Every practitioner's and every proposal's provider exists; each provider's
		///    practitioner and proposal counts are the entries that name it, together at most
		///    `MaxPractitioners`.
		/// 5. Every indexed record exists and is about the patient it is indexed under, below
		///    that patient's record count; every record is indexed once; no content hash is
		///    both anchored and proposed.
		/// 6. Every link's provider id was issued (the provider may have closed since: links
		///    stay until their patient or proposer removes them).
		/// 7. Every vouch that counts names an existing, accredited provider; no provider's
		///    vouches in its period exceed `MaxVouchesPerPeriod`.
		/// 8. What each account has on hold for each reason is the sum of the deposits and
		///    bonds recorded for it (patients, announcements and retired commitments for the
		///    patient deposit; practitioners and proposals; records and record proposals).
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::btree_map::BTreeMap;
			use salus_primitives::PatientRegistry;

			// 1.
			let mut commitments = 0u32;
			for (commitment, account) in PatientByCommitment::<T>::iter() {
				let patient = Patients::<T>::get(&account).ok_or("indexed patient missing")?;
				ensure!(patient.commitment == commitment, "commitment index disagrees");
				ensure!(
					!RetiredCommitments::<T>::contains_key(commitment),
					"a held commitment is retired"
				);
				commitments = commitments.saturating_add(1);
			}
			ensure!(
				Patients::<T>::iter().count() == commitments as usize,
				"a patient is missing from the commitment index"
			);
			for (account, _) in Announcements::<T>::iter() {
				ensure!(!Patients::<T>::contains_key(&account), "a patient has an announcement");
			}

			// 2. and 3.
			let next = NextProviderId::<T>::get();
			let mut counts = BTreeMap::<ProviderId, (u32, u32, u32)>::new();
			for (id, provider) in Providers::<T>::iter() {
				ensure!(id < next, "provider id not below NextProviderId");
				ensure!(AdminOf::<T>::get(&provider.admin) == Some(id), "admin index disagrees");
				ensure!(
					provider.vouches <= T::MaxVouchesPerPeriod::get(),
					"too many vouches in a period"
				);
				if provider.kind == ProviderKind::Department
					&& provider.status == ProviderStatus::Accredited
				{
					ensure!(
						provider
							.parent
							.is_some_and(|parent| Departments::<T>::contains_key(parent, id)),
						"an accredited department was not accepted"
					);
				}
				counts.insert(id, (0, 0, 0));
			}
			ensure!(
				AdminOf::<T>::iter().count() == counts.len(),
				"an admin index entry has no provider"
			);
			for (id, _) in AdminProposals::<T>::iter() {
				ensure!(counts.contains_key(&id), "admin proposal of a missing provider");
			}
			for (parent, department, ()) in Departments::<T>::iter() {
				let entry = Providers::<T>::get(department).ok_or("department missing")?;
				ensure!(
					entry.kind == ProviderKind::Department && entry.parent == Some(parent),
					"department index disagrees"
				);
				let count = counts.get_mut(&parent).ok_or("department's parent missing")?;
				count.2 = count.2.saturating_add(1);
			}

			// 4.
			for (_, practitioner) in Practitioners::<T>::iter() {
				let count = counts
					.get_mut(&practitioner.provider)
					.ok_or("practitioner's provider missing")?;
				count.0 = count.0.saturating_add(1);
			}
			for (_, provider, _) in PractitionerProposals::<T>::iter() {
				let count = counts.get_mut(&provider).ok_or("proposal's provider missing")?;
				count.1 = count.1.saturating_add(1);
			}
			for (id, (practitioners, proposals, departments)) in counts {
				let provider = Providers::<T>::get(id).ok_or("provider vanished")?;
				ensure!(provider.practitioners == practitioners, "practitioner count disagrees");
				ensure!(provider.proposals == proposals, "proposal count disagrees");
				ensure!(provider.departments == departments, "department count disagrees");
				ensure!(
					practitioners.saturating_add(proposals) <= T::MaxPractitioners::get(),
					"too many practitioners"
				);
				ensure!(departments <= T::MaxDepartments::get(), "too many departments");
			}

			// 5.
			let mut indexed = 0usize;
			for (patient, index, hash) in PatientRecords::<T>::iter() {
				let record = Records::<T>::get(hash).ok_or("indexed record missing")?;
				ensure!(record.patient == patient, "record indexed under another patient");
				ensure!(index < PatientRecordCount::<T>::get(&patient), "index beyond count");
				indexed = indexed.saturating_add(1);
			}
			ensure!(Records::<T>::iter().count() == indexed, "a record is not indexed once");
			for (hash, _) in RecordProposals::<T>::iter() {
				ensure!(!Records::<T>::contains_key(hash), "a record is anchored and proposed");
			}

			// 6.
			for (provider, _, _) in Links::<T>::iter() {
				ensure!(provider < next, "link of a provider never issued");
			}

			// 7.
			for (account, _) in Patients::<T>::iter() {
				if let Some(provider) =
					<Self as PatientRegistry<T::AccountId>>::vouched_by(&account)
				{
					ensure!(
						Providers::<T>::get(provider)
							.is_some_and(|entry| entry.status == ProviderStatus::Accredited),
						"a counted vouch's provider is missing or not accredited"
					);
				}
			}

			// 8.
			Self::check_held(
				HoldReason::PatientDeposit,
				Patients::<T>::iter()
					.map(|(who, patient)| (who, patient.deposit))
					.chain(Announcements::<T>::iter().map(|(who, a)| (who, a.deposit)))
					.chain(RetiredCommitments::<T>::iter().map(|(_, r)| (r.account, r.deposit))),
			)?;
			Self::check_held(
				HoldReason::ProviderBond,
				Providers::<T>::iter().map(|(_, provider)| (provider.bonder, provider.bond)),
			)?;
			Self::check_held(
				HoldReason::PractitionerDeposit,
				Practitioners::<T>::iter().map(|(_, p)| (p.depositor, p.deposit)).chain(
					PractitionerProposals::<T>::iter().map(|(_, _, p)| (p.depositor, p.deposit)),
				),
			)?;
			Self::check_held(
				HoldReason::RecordDeposit,
				Records::<T>::iter()
					.chain(RecordProposals::<T>::iter())
					.map(|(_, record)| (record.depositor, record.deposit)),
			)?;
			Self::check_held(
				HoldReason::LinkDeposit,
				Links::<T>::iter().map(|(_, _, link)| (link.depositor, link.deposit)),
			)?;
			Ok(())
		}

		/// Checks that what each account has on hold for `reason` is the sum of `recorded`.
		fn check_held(
			reason: HoldReason,
			recorded: impl Iterator<Item = (T::AccountId, BalanceOf<T>)>,
		) -> Result<(), sp_runtime::TryRuntimeError> {
			use frame_support::traits::fungible::InspectHold;
			let mut sums =
				alloc::collections::btree_map::BTreeMap::<T::AccountId, BalanceOf<T>>::new();
			for (who, amount) in recorded {
				let sum = sums.entry(who).or_default();
				*sum = sp_runtime::traits::CheckedAdd::checked_add(&*sum, &amount)
					.ok_or("recorded deposits overflow")?;
			}
			for (who, sum) in sums {
				ensure!(
					T::Currency::balance_on_hold(&reason.into(), &who) == sum,
					"held balance does not match the recorded deposits"
				);
			}
			Ok(())
		}
	}
}

impl<T: Config> salus_primitives::ProviderRegistry<T::AccountId> for Pallet<T> {
	type Balance = BalanceOf<T>;

	fn provider_of(who: &T::AccountId) -> Option<salus_primitives::ProviderId> {
		Practitioners::<T>::get(who).map(|practitioner| practitioner.provider)
	}

	fn profile(
		provider: salus_primitives::ProviderId,
	) -> Option<salus_primitives::ProviderProfile> {
		Providers::<T>::get(provider).map(|provider| salus_primitives::ProviderProfile {
			kind: provider.kind,
			jurisdiction: provider.jurisdiction,
			status: provider.status,
		})
	}

	fn admin(provider: salus_primitives::ProviderId) -> Option<T::AccountId> {
		Providers::<T>::get(provider).map(|provider| provider.admin)
	}

	/// Whether `who` administers, holds the bond of, or acts for `provider` or a provider of
	/// its family: the head of the family (the provider itself, or the parent that accepted it
	/// as a department) and the head's accepted departments. Departments are one level deep.
	///
	/// Bounded: at most 9 + 2 × `MaxDepartments` storage reads (the family heads of `provider`
	/// and of what `who` acts for or manages, then the family's entries, for their bonders).
	fn is_affiliated(who: &T::AccountId, provider: salus_primitives::ProviderId) -> bool
	where
		T::AccountId: PartialEq,
	{
		let Some(head) = Self::family_head(provider) else { return false };
		let acts_for = Practitioners::<T>::get(who).map(|practitioner| practitioner.provider);
		let manages = AdminOf::<T>::get(who);
		if [acts_for, manages]
			.into_iter()
			.flatten()
			.any(|stake| Self::family_head(stake) == Some(head))
		{
			return true;
		}
		let bonds = |id| Providers::<T>::get(id).is_some_and(|entry| &entry.bonder == who);
		bonds(head)
			|| Departments::<T>::iter_key_prefix(head)
				.take(<T::MaxDepartments as frame_support::traits::Get<u32>>::get() as usize)
				.any(bonds)
	}

	/// At most the provider's, its parent's and the checked account's entries and indexes,
	/// and every department of the family's head (see `is_affiliated`).
	fn affiliation_weight() -> frame_support::weights::Weight {
		use frame_support::traits::Get;
		let departments = u64::from(T::MaxDepartments::get());
		T::DbWeight::get().reads(departments.saturating_mul(2).saturating_add(9))
	}

	fn slash_bond(
		provider: salus_primitives::ProviderId,
		amount: Self::Balance,
		beneficiary: &T::AccountId,
	) -> Result<Self::Balance, sp_runtime::DispatchError> {
		use frame_support::traits::{
			fungible::MutateHold,
			tokens::{Fortitude, Precision, Restriction},
		};
		Providers::<T>::try_mutate(provider, |entry| {
			let entry = entry.as_mut().ok_or(Error::<T>::ProviderNotFound)?;
			let moved = T::Currency::transfer_on_hold(
				&HoldReason::ProviderBond.into(),
				&entry.bonder,
				beneficiary,
				amount.min(entry.bond),
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			)?;
			entry.bond = sp_runtime::Saturating::saturating_sub(entry.bond, moved);
			Self::deposit_event(Event::BondSlashed {
				provider,
				amount: moved,
				beneficiary: beneficiary.clone(),
			});
			Ok(moved)
		})
	}

	fn suspend(provider: salus_primitives::ProviderId) -> Result<(), sp_runtime::DispatchError> {
		Self::change_status(provider, salus_primitives::ProviderStatus::Suspended)
	}
}

impl<T: Config> salus_primitives::PatientRegistry<T::AccountId> for Pallet<T> {
	fn is_registered(who: &T::AccountId) -> bool {
		Patients::<T>::contains_key(who)
	}

	fn jurisdiction(who: &T::AccountId) -> Option<salus_primitives::Jurisdiction> {
		Patients::<T>::get(who).map(|patient| patient.jurisdiction)
	}

	/// The provider that vouched for `who`, while it is accredited: a vouch of a provider
	/// suspended, revoked or closed since (or withdrawn by governance) does not count.
	fn vouched_by(who: &T::AccountId) -> Option<salus_primitives::ProviderId> {
		let provider = Patients::<T>::get(who)?.vouched_by?;
		<Self as salus_primitives::ProviderRegistry<T::AccountId>>::is_accredited(provider)
			.then_some(provider)
	}
}
