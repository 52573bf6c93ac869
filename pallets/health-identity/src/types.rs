//! What the identity pallet stores.

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use salus_primitives::{Jurisdiction, PractitionerRole, ProviderId, ProviderKind, ProviderStatus};
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
	/// The provider whose practitioner verified the patient's identity in person, if any. The
	/// vouch counts only while that provider is accredited.
	pub vouched_by: Option<ProviderId>,
	/// The deposit held from the patient for this entry.
	pub deposit: Balance,
	/// When the patient registered.
	pub registered_at: BlockNumber,
}

/// The first half of a patient's registration: a binding of a commitment to the account that
/// will reveal it, `blake2_256(commitment ‖ SCALE(account))`, which says nothing about the
/// commitment.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Announcement<Balance, BlockNumber> {
	/// The binding of the commitment to the announcing account.
	pub binding: H256,
	/// When it was announced; the reveal must come in a later block.
	pub announced_at: BlockNumber,
	/// The patient deposit, held from the announcer; it becomes the patient's deposit.
	pub deposit: Balance,
}

/// A commitment whose patient deregistered: only that account may register it again.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct RetiredCommitment<AccountId, Balance> {
	/// The account that held it.
	pub account: AccountId,
	/// The part of the patient deposit still held from `account` for this entry.
	pub deposit: Balance,
}

/// A provider organisation.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Provider<AccountId, Balance, BlockNumber> {
	/// The account that manages the provider (proposes practitioners, hands over the role).
	pub admin: AccountId,
	/// The account whose bond backs the provider (the one that registered it, or that last
	/// topped it up to the full bond).
	pub bonder: AccountId,
	/// The bond held from `bonder`, which disputes can slash.
	pub bond: Balance,
	/// The provider's public name (UTF-8), e.g. "Charité – Cardiology".
	pub name: ProviderName,
	/// What kind of organisation it is.
	pub kind: ProviderKind,
	/// Where it operates.
	pub jurisdiction: Jurisdiction,
	/// The provider it belongs to (a department's hospital), if any. It is part of the
	/// parent's family only once the parent's admin accepted it.
	pub parent: Option<ProviderId>,
	/// Where it stands with governance.
	pub status: ProviderStatus,
	/// When its status last changed (or it registered).
	pub status_since: BlockNumber,
	/// How many practitioners act for it.
	pub practitioners: u32,
	/// How many practitioner proposals it has open.
	pub proposals: u32,
	/// How many departments its admin accepted.
	pub departments: u32,
	/// When the current vouching period began.
	pub vouch_period_start: BlockNumber,
	/// How many patients its practitioners vouched for in the current period.
	pub vouches: u32,
}

/// A practitioner: an account acting for exactly one provider.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Practitioner<AccountId, Balance> {
	/// The provider it acts for.
	pub provider: ProviderId,
	/// What it does there.
	pub role: PractitionerRole,
	/// Who paid the deposit for this entry (the admin that proposed it).
	pub depositor: AccountId,
	/// The deposit held from `depositor`.
	pub deposit: Balance,
}

/// A provider's proposal that an account act for it: it holds once the account accepts.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct PractitionerProposal<AccountId, Balance> {
	/// The role offered.
	pub role: PractitionerRole,
	/// The admin that proposed it, who paid the deposit (it moves to the practitioner entry).
	pub depositor: AccountId,
	/// The deposit held from `depositor`.
	pub deposit: Balance,
}

/// A record anchored on chain: the hash of a record kept by its custodian, never the record.
/// Its data class is kept only as a salted commitment.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct RecordAnchor<AccountId, Balance, BlockNumber> {
	/// The patient the record is about (who accepted the anchor).
	pub patient: AccountId,
	/// The provider that keeps the record.
	pub custodian: ProviderId,
	/// `blake2_256(salt ‖ SCALE(data class))`, computed off chain: the class is not public.
	pub class_commitment: H256,
	/// The practitioner that proposed it, who paid the deposit.
	pub depositor: AccountId,
	/// The deposit held from `depositor`.
	pub deposit: Balance,
	/// When it was proposed (or, for an anchor, accepted by the patient).
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
