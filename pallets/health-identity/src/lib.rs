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
		DataClass, Jurisdiction, PatientLifecycle, PractitionerRole, ProviderId, ProviderKind,
		ProviderStatus,
	};
	use sp_core::H256;
	use sp_runtime::traits::Zero;

	/// The balance of an account, in the currency deposits and bonds are held in.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	/// A patient entry as stored.
	pub type PatientOf<T> = Patient<BalanceOf<T>, BlockNumberFor<T>>;
	/// A provider entry as stored.
	pub type ProviderOf<T> = Provider<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	/// A practitioner entry as stored.
	pub type PractitionerOf<T> = Practitioner<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	/// A record anchor as stored.
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
		/// A patient's deposit for its entry.
		#[codec(index = 0)]
		PatientDeposit,
		/// A provider's bond, which disputes can slash.
		#[codec(index = 1)]
		ProviderBond,
		/// The deposit for a practitioner entry, held from the admin that added it.
		#[codec(index = 2)]
		PractitionerDeposit,
		/// The deposit for a record anchor, held from the practitioner that anchored it.
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

		/// Who may accredit, suspend and revoke providers (governance).
		type AccreditationOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// What other pallets keep for a patient: whether it still owes something before it may
		/// deregister, and the bookkeeping to remove when it does.
		type PatientLifecycle: PatientLifecycle<Self::AccountId>;

		/// Told when an accredited provider anchors a patient's record (the rewards pallet).
		type RecordEvents: salus_primitives::RecordEvents<Self::AccountId>;

		/// Held from a patient for its entry (a commitment index entry and a patient entry).
		#[pallet::constant]
		type PatientDeposit: Get<BalanceOf<Self>>;

		/// Held from the account that registers a provider, for the entry and as a bond that
		/// disputes can slash.
		#[pallet::constant]
		type ProviderBond: Get<BalanceOf<Self>>;

		/// Held from a provider's admin for each practitioner entry it adds.
		#[pallet::constant]
		type PractitionerDeposit: Get<BalanceOf<Self>>;

		/// Held from a practitioner for each record anchor (and its index entry).
		#[pallet::constant]
		type RecordDeposit: Get<BalanceOf<Self>>;

		/// Held from a practitioner for each record link it proposes.
		#[pallet::constant]
		type LinkDeposit: Get<BalanceOf<Self>>;

		/// The most practitioners one provider may have.
		#[pallet::constant]
		type MaxPractitioners: Get<u32>;

		/// Weights of the calls, from the benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Patients: patient account → its entry.
	#[pallet::storage]
	pub type Patients<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, PatientOf<T>>;

	/// The master patient index: identity commitment → the one patient account that holds it.
	#[pallet::storage]
	pub type PatientByCommitment<T: Config> = StorageMap<_, Identity, H256, T::AccountId>;

	/// Providers: provider id → its entry.
	#[pallet::storage]
	pub type Providers<T: Config> = StorageMap<_, Twox64Concat, ProviderId, ProviderOf<T>>;

	/// The id the next registered provider gets.
	#[pallet::storage]
	pub type NextProviderId<T: Config> = StorageValue<_, ProviderId, ValueQuery>;

	/// Admins: admin account → the provider it manages (one provider per admin account).
	#[pallet::storage]
	pub type AdminOf<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ProviderId>;

	/// Practitioners: practitioner account → its entry (one provider per practitioner).
	#[pallet::storage]
	pub type Practitioners<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, PractitionerOf<T>>;

	/// Record anchors: content hash → the anchor.
	#[pallet::storage]
	pub type Records<T: Config> = StorageMap<_, Identity, H256, RecordAnchorOf<T>>;

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
		StorageDoubleMap<_, Twox64Concat, ProviderId, Identity, H256, RecordLinkOf<T>>;

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
		/// A patient deregistered; its deposit was released.
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
			/// The provider it belongs to, if any.
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
		/// An admin added a practitioner to its provider.
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
		/// A provider's admin role moved to another account.
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
		/// A record was anchored.
		RecordAnchored {
			/// The record's content hash.
			content_hash: H256,
			/// The patient it is about.
			patient: T::AccountId,
			/// Its custodian.
			custodian: ProviderId,
			/// Its data class.
			data_class: DataClass,
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
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The identity commitment is already held by a patient.
		AlreadyExists,
		/// The account is already a registered patient.
		AlreadyRegistered,
		/// The account is not a registered patient.
		NotRegistered,
		/// The patient still has obligations in another pallet.
		HasObligations,
		/// No provider has this id.
		ProviderNotFound,
		/// A provider's name must not be empty.
		EmptyName,
		/// A department must name the provider it belongs to.
		ParentRequired,
		/// The parent does not exist, is revoked, or is itself a department.
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
		NotPractitioner,
		/// The provider has the most practitioners allowed.
		TooManyPractitioners,
		/// The caller is not a practitioner of an accredited provider.
		NotAccredited,
		/// The patient was already vouched for.
		AlreadyVouched,
		/// A record with this content hash is already anchored.
		AlreadyAnchored,
		/// This provider already proposed a link for this locator.
		LinkExists,
		/// No link with this provider and locator.
		LinkNotFound,
		/// The link is for another patient.
		NotAuthorized,
		/// The link was already accepted.
		AlreadyAccepted,
		/// No more provider ids.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				T::MaxPractitioners::get() > 0,
				"a provider must be able to have practitioners"
			);
			assert!(!T::ProviderBond::get().is_zero(), "a provider bond is what disputes slash");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller as a patient.
		///
		/// `commitment` is a salted hash of an identifier kept off chain: the chain never sees
		/// the identifier. The same commitment can be held by one patient only, which is what
		/// stops duplicate patients (the master patient index).
		///
		/// # Requires
		/// Signed by the patient; `PatientDeposit` free to hold.
		///
		/// # Events
		/// `PatientRegistered`.
		///
		/// # Errors
		/// `AlreadyRegistered` if the caller is a patient; `AlreadyExists` if another patient
		/// holds `commitment`; a token error if the deposit cannot be held.
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
			ensure!(!PatientByCommitment::<T>::contains_key(commitment), Error::<T>::AlreadyExists);

			let deposit = T::PatientDeposit::get();
			T::Currency::hold(&HoldReason::PatientDeposit.into(), &who, deposit)?;
			PatientByCommitment::<T>::insert(commitment, &who);
			Patients::<T>::insert(
				&who,
				Patient {
					commitment,
					jurisdiction,
					encryption_key,
					vouched_by: None,
					deposit,
					registered_at: frame_system::Pallet::<T>::block_number(),
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
		/// `EncryptionKeyUpdated`.
		///
		/// # Errors
		/// `NotRegistered`.
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

		/// Deregisters the caller and releases its deposit. The commitment becomes free again.
		/// Records and links that providers anchored about the patient stay with their
		/// custodians.
		///
		/// # Requires
		/// Signed by a registered patient with no obligations left in other pallets.
		///
		/// # Events
		/// `PatientDeregistered`.
		///
		/// # Errors
		/// `NotRegistered`; `HasObligations`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::deregister_patient())]
		pub fn deregister_patient(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let patient = Patients::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			ensure!(!T::PatientLifecycle::has_obligations(&who), Error::<T>::HasObligations);

			T::Currency::release(
				&HoldReason::PatientDeposit.into(),
				&who,
				patient.deposit,
				Precision::BestEffort,
			)?;
			PatientByCommitment::<T>::remove(patient.commitment);
			Patients::<T>::remove(&who);
			T::PatientLifecycle::on_deregistered(&who);
			Self::deposit_event(Event::PatientDeregistered { patient: who });
			Ok(())
		}

		/// Registers a provider with the caller as its admin. It starts `Pending`: it acts only
		/// once governance accredits it.
		///
		/// # Requires
		/// Signed by an account that manages no provider yet; `ProviderBond` free to hold. A
		/// `Department` must name a `parent`; a parent must exist, not be revoked and not be a
		/// department itself.
		///
		/// # Events
		/// `ProviderRegistered`.
		///
		/// # Errors
		/// `AlreadyAdmin`, `EmptyName`, `ParentRequired`, `InvalidParent`, `Overflow`; a token
		/// error if the bond cannot be held.
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
			let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let bond = T::ProviderBond::get();
			T::Currency::hold(&HoldReason::ProviderBond.into(), &who, bond)?;

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
					practitioners: 0,
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
		/// final.
		///
		/// # Requires
		/// `AccreditationOrigin` (the council; sudo on a dev chain).
		///
		/// # Events
		/// `ProviderStatusChanged`.
		///
		/// # Errors
		/// `ProviderNotFound`; `InvalidTransition`.
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

		/// Adds `account` as a practitioner of the caller's provider, with `role`.
		///
		/// # Requires
		/// Signed by a provider's admin; the provider not revoked and below
		/// `MaxPractitioners`; `account` not acting for any provider; `PractitionerDeposit` free
		/// to hold from the admin.
		///
		/// # Events
		/// `PractitionerAdded`.
		///
		/// # Errors
		/// `NotAdmin`, `ProviderRevoked`, `AlreadyPractitioner`, `TooManyPractitioners`; a
		/// token error if the deposit cannot be held.
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
				provider.practitioners < T::MaxPractitioners::get(),
				Error::<T>::TooManyPractitioners
			);
			provider.practitioners =
				provider.practitioners.checked_add(1).ok_or(Error::<T>::TooManyPractitioners)?;

			let deposit = T::PractitionerDeposit::get();
			T::Currency::hold(&HoldReason::PractitionerDeposit.into(), &who, deposit)?;
			Practitioners::<T>::insert(
				&account,
				Practitioner { provider: id, role, depositor: who, deposit },
			);
			Providers::<T>::insert(id, provider);
			Self::deposit_event(Event::PractitionerAdded {
				provider: id,
				practitioner: account,
				role,
			});
			Ok(())
		}

		/// Removes `account` from the caller's provider and releases the deposit paid for it.
		///
		/// # Requires
		/// Signed by the admin of the provider `account` acts for.
		///
		/// # Events
		/// `PractitionerRemoved`.
		///
		/// # Errors
		/// `NotAdmin`; `NotPractitioner`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::remove_practitioner())]
		pub fn remove_practitioner(origin: OriginFor<T>, account: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (id, mut provider) = Self::managed_by(&who)?;
			let practitioner = Practitioners::<T>::get(&account)
				.filter(|practitioner| practitioner.provider == id)
				.ok_or(Error::<T>::NotPractitioner)?;

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

		/// Hands the admin role of the caller's provider to `new_admin`. The bond stays held
		/// from the account that posted it.
		///
		/// # Requires
		/// Signed by a provider's admin; `new_admin` manages no provider.
		///
		/// # Events
		/// `AdminTransferred`.
		///
		/// # Errors
		/// `NotAdmin`; `AlreadyAdmin`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::transfer_admin())]
		pub fn transfer_admin(origin: OriginFor<T>, new_admin: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (id, mut provider) = Self::managed_by(&who)?;
			ensure!(!AdminOf::<T>::contains_key(&new_admin), Error::<T>::AlreadyAdmin);

			provider.admin = new_admin.clone();
			Providers::<T>::insert(id, provider);
			AdminOf::<T>::remove(&who);
			AdminOf::<T>::insert(&new_admin, id);
			Self::deposit_event(Event::AdminTransferred { provider: id, from: who, to: new_admin });
			Ok(())
		}

		/// Attests that the caller verified `patient`'s identity in person. Rewards count only
		/// vouched patients, which makes fake patients costly.
		///
		/// # Requires
		/// Signed by a practitioner of an accredited provider; `patient` registered and not
		/// vouched for yet.
		///
		/// # Events
		/// `PatientVouched`.
		///
		/// # Errors
		/// `NotAccredited`, `NotRegistered`, `AlreadyVouched`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::vouch_patient())]
		pub fn vouch_patient(origin: OriginFor<T>, patient: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let provider = Self::accredited_provider_of(&who)?;
			Patients::<T>::try_mutate(&patient, |entry| -> DispatchResult {
				let entry = entry.as_mut().ok_or(Error::<T>::NotRegistered)?;
				ensure!(entry.vouched_by.is_none(), Error::<T>::AlreadyVouched);
				entry.vouched_by = Some(provider);
				Ok(())
			})?;
			Self::deposit_event(Event::PatientVouched { patient, provider, practitioner: who });
			Ok(())
		}

		/// Anchors a record about `patient`: its content hash, its data class, and the caller's
		/// provider as custodian. The record itself stays with the custodian.
		///
		/// # Requires
		/// Signed by a practitioner of an accredited provider; `patient` registered;
		/// `content_hash` not anchored yet; `RecordDeposit` free to hold from the caller.
		///
		/// # Events
		/// `RecordAnchored`.
		///
		/// # Errors
		/// `NotAccredited`, `NotRegistered`, `AlreadyAnchored`, `Overflow`; a token error if
		/// the deposit cannot be held.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::anchor_record())]
		pub fn anchor_record(
			origin: OriginFor<T>,
			patient: T::AccountId,
			content_hash: H256,
			data_class: DataClass,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let custodian = Self::accredited_provider_of(&who)?;
			ensure!(Patients::<T>::contains_key(&patient), Error::<T>::NotRegistered);
			ensure!(!Records::<T>::contains_key(content_hash), Error::<T>::AlreadyAnchored);
			let index = PatientRecordCount::<T>::get(&patient);
			let next = index.checked_add(1).ok_or(Error::<T>::Overflow)?;

			let deposit = T::RecordDeposit::get();
			T::Currency::hold(&HoldReason::RecordDeposit.into(), &who, deposit)?;
			Records::<T>::insert(
				content_hash,
				RecordAnchor {
					patient: patient.clone(),
					custodian,
					data_class,
					depositor: who,
					deposit,
					anchored_at: frame_system::Pallet::<T>::block_number(),
				},
			);
			PatientRecords::<T>::insert(&patient, index, content_hash);
			PatientRecordCount::<T>::insert(&patient, next);
			<T::RecordEvents as salus_primitives::RecordEvents<_>>::record_anchored(
				&patient, custodian,
			);
			Self::deposit_event(Event::RecordAnchored {
				content_hash,
				patient,
				custodian,
				data_class,
			});
			Ok(())
		}

		/// Proposes linking the caller's provider's local record number (as the salted
		/// commitment `locator`) to `patient`. The link holds once the patient accepts it.
		///
		/// # Requires
		/// Signed by a practitioner of an accredited provider; `patient` registered; no link of
		/// this provider for `locator` yet; `LinkDeposit` free to hold from the caller.
		///
		/// # Events
		/// `LinkProposed`.
		///
		/// # Errors
		/// `NotAccredited`, `NotRegistered`, `LinkExists`; a token error if the deposit cannot
		/// be held.
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
		/// `LinkAccepted`.
		///
		/// # Errors
		/// `LinkNotFound`, `NotAuthorized`, `AlreadyAccepted`.
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
				ensure!(link.patient == who, Error::<T>::NotAuthorized);
				ensure!(!link.accepted, Error::<T>::AlreadyAccepted);
				link.accepted = true;
				Ok(())
			})?;
			Self::deposit_event(Event::LinkAccepted { provider, locator, patient: who });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The provider `who` manages, with its entry.
		fn managed_by(who: &T::AccountId) -> Result<(ProviderId, ProviderOf<T>), DispatchError> {
			let id = AdminOf::<T>::get(who).ok_or(Error::<T>::NotAdmin)?;
			let provider = Providers::<T>::get(id).ok_or(Error::<T>::ProviderNotFound)?;
			Ok((id, provider))
		}

		/// The accredited provider `who` acts for as a practitioner.
		fn accredited_provider_of(who: &T::AccountId) -> Result<ProviderId, DispatchError> {
			use salus_primitives::ProviderRegistry;
			let id = <Self as ProviderRegistry<T::AccountId>>::provider_of(who)
				.ok_or(Error::<T>::NotAccredited)?;
			ensure!(Self::is_accredited(id), Error::<T>::NotAccredited);
			Ok(id)
		}

		/// Moves `provider` to `status`, if governance may.
		pub(crate) fn change_status(
			provider: ProviderId,
			status: ProviderStatus,
		) -> DispatchResult {
			Providers::<T>::try_mutate(provider, |entry| -> DispatchResult {
				let entry = entry.as_mut().ok_or(Error::<T>::ProviderNotFound)?;
				let from = entry.status;
				ensure!(from.can_become(status), Error::<T>::InvalidTransition);
				entry.status = status;
				Self::deposit_event(Event::ProviderStatusChanged { provider, from, to: status });
				Ok(())
			})
		}

		/// A page of `patient`'s records, in anchoring order: at most `count` from index `start`.
		/// At most [`MAX_RECORDS_PAGE`] records are returned.
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
		/// 1. The commitment index and the patients agree one to one.
		/// 2. Every provider id is below `NextProviderId`; every parent exists.
		/// 3. The admin index and the providers agree one to one.
		/// 4. Every practitioner's provider exists, and each provider's practitioner count is
		///    the number of practitioners that act for it, at most `MaxPractitioners`.
		/// 5. Every indexed record exists and is about the patient it is indexed under, below
		///    that patient's record count; every record is indexed once.
		/// 6. Every link (proposed or accepted) belongs to an existing provider. Its patient may
		///    have deregistered since: links stay with the provider that paid for them.
		/// 7. What each account has on hold for each reason is the sum of the deposits and
		///    bonds recorded for it.
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::btree_map::BTreeMap;

			// 1.
			let mut commitments = 0u32;
			for (commitment, account) in PatientByCommitment::<T>::iter() {
				let patient = Patients::<T>::get(&account).ok_or("indexed patient missing")?;
				ensure!(patient.commitment == commitment, "commitment index disagrees");
				commitments = commitments.saturating_add(1);
			}
			ensure!(
				Patients::<T>::iter().count() == commitments as usize,
				"a patient is missing from the commitment index"
			);

			// 2. and 3.
			let next = NextProviderId::<T>::get();
			let mut counts = BTreeMap::<ProviderId, u32>::new();
			for (id, provider) in Providers::<T>::iter() {
				ensure!(id < next, "provider id not below NextProviderId");
				if let Some(parent) = provider.parent {
					ensure!(Providers::<T>::contains_key(parent), "parent provider missing");
				}
				ensure!(AdminOf::<T>::get(&provider.admin) == Some(id), "admin index disagrees");
				counts.insert(id, 0);
			}
			ensure!(
				AdminOf::<T>::iter().count() == counts.len(),
				"an admin index entry has no provider"
			);

			// 4.
			for (_, practitioner) in Practitioners::<T>::iter() {
				let count = counts
					.get_mut(&practitioner.provider)
					.ok_or("practitioner's provider missing")?;
				*count = count.saturating_add(1);
			}
			for (id, count) in counts {
				let provider = Providers::<T>::get(id).ok_or("provider vanished")?;
				ensure!(provider.practitioners == count, "practitioner count disagrees");
				ensure!(count <= T::MaxPractitioners::get(), "too many practitioners");
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

			// 6.
			for (provider, _, _) in Links::<T>::iter() {
				ensure!(Providers::<T>::contains_key(provider), "link of a missing provider");
			}

			// 7.
			Self::check_held(
				HoldReason::PatientDeposit,
				Patients::<T>::iter().map(|(who, patient)| (who, patient.deposit)),
			)?;
			Self::check_held(
				HoldReason::ProviderBond,
				Providers::<T>::iter().map(|(_, provider)| (provider.bonder, provider.bond)),
			)?;
			Self::check_held(
				HoldReason::PractitionerDeposit,
				Practitioners::<T>::iter().map(|(_, p)| (p.depositor, p.deposit)),
			)?;
			Self::check_held(
				HoldReason::RecordDeposit,
				Records::<T>::iter().map(|(_, record)| (record.depositor, record.deposit)),
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

	fn vouched_by(who: &T::AccountId) -> Option<salus_primitives::ProviderId> {
		let provider = Patients::<T>::get(who)?.vouched_by?;
		<Self as salus_primitives::ProviderRegistry<T::AccountId>>::is_accredited(provider)
			.then_some(provider)
	}
}
