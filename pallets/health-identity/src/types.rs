//! What the identity pallet stores.

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use salus_primitives::{
	DataClass, Jurisdiction, PractitionerRole, ProviderId, ProviderKind, ProviderStatus,
};
use scale_info::TypeInfo;
use sp_core::H256;

/// An x25519 public key, for exchanging the keys that encrypt records off chain.
pub type EncryptionKey = [u8; 32];

/// The longest provider name, in bytes.
pub const MAX_PROVIDER_NAME_LEN: u32 = 128;

/// A provider's public name (UTF-8), at most [`MAX_PROVIDER_NAME_LEN`] bytes.
pub type ProviderName = BoundedVec<u8, ConstU32<MAX_PROVIDER_NAME_LEN>>;

/// A registered patient. No identifier is stored: only the salted commitment to one.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Patient<Balance, BlockNumber> {
	/// Hash of a secret salt and an identifier kept off chain; unique across patients.
	pub commitment: H256,
	/// The patient's home jurisdiction.
	pub jurisdiction: Jurisdiction,
	/// The patient's key-exchange public key, if published.
	pub encryption_key: Option<EncryptionKey>,
	/// The provider whose practitioner verified the patient's identity in person, if any.
	pub vouched_by: Option<ProviderId>,
	/// The deposit held from the patient for this entry.
	pub deposit: Balance,
	/// When the patient registered.
	pub registered_at: BlockNumber,
}

/// A provider organisation.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Provider<AccountId, Balance> {
	/// The account that manages the provider (adds practitioners, hands over the role).
	pub admin: AccountId,
	/// The account whose bond backs the provider (the one that registered it).
	pub bonder: AccountId,
	/// The bond held from `bonder`, which disputes can slash.
	pub bond: Balance,
	/// The provider's public name (UTF-8), e.g. "Charité – Cardiology".
	pub name: ProviderName,
	/// What kind of organisation it is.
	pub kind: ProviderKind,
	/// Where it operates.
	pub jurisdiction: Jurisdiction,
	/// The provider it belongs to (a department's hospital), if any.
	pub parent: Option<ProviderId>,
	/// Where it stands with governance.
	pub status: ProviderStatus,
	/// How many practitioners act for it.
	pub practitioners: u32,
}

/// A practitioner: an account acting for exactly one provider.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Practitioner<AccountId, Balance> {
	/// The provider it acts for.
	pub provider: ProviderId,
	/// What it does there.
	pub role: PractitionerRole,
	/// Who paid the deposit for this entry (the admin that added it).
	pub depositor: AccountId,
	/// The deposit held from `depositor`.
	pub deposit: Balance,
}

/// A record anchored on chain: the hash of a record kept by its custodian, never the record.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct RecordAnchor<AccountId, Balance, BlockNumber> {
	/// The patient the record is about.
	pub patient: AccountId,
	/// The provider that keeps the record.
	pub custodian: ProviderId,
	/// The class of data in the record.
	pub data_class: DataClass,
	/// The practitioner that anchored it, who paid the deposit.
	pub depositor: AccountId,
	/// The deposit held from `depositor`.
	pub deposit: Balance,
	/// When it was anchored.
	pub anchored_at: BlockNumber,
}

/// A link between a provider's local record number (as a salted commitment) and a patient,
/// proposed by the provider and valid once the patient accepts.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct RecordLink<AccountId, Balance> {
	/// The patient the record number belongs to.
	pub patient: AccountId,
	/// Whether the patient accepted (signed) the link.
	pub accepted: bool,
	/// The practitioner that proposed it, who paid the deposit.
	pub depositor: AccountId,
	/// The deposit held from `depositor`.
	pub deposit: Balance,
}
