//! The consent registry's stored types.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use salus_primitives::{
	ConsentId, DataClassSet, Decision, GrantSource, Grantee, Jurisdiction, PurposeSet, Timestamp,
};
use scale_info::TypeInfo;

/// The most jurisdictions one consent may list.
pub const MAX_JURISDICTIONS: u32 = 16;

/// The jurisdictions a consent allows (data residency), sorted and without duplicates.
pub type Jurisdictions = BoundedVec<Jurisdiction, ConstU32<MAX_JURISDICTIONS>>;

/// One consent: a FHIR Consent provision, or a grant another pallet made.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Consent<AccountId, Balance> {
	/// Its id.
	pub id: ConsentId,
	/// Whom it speaks to.
	pub grantee: Grantee<AccountId>,
	/// Permit or Deny.
	pub decision: Decision,
	/// The data classes it covers. A sensitive class is covered only when named here.
	pub classes: DataClassSet,
	/// The purposes of use it covers.
	pub purposes: PurposeSet,
	/// If set, it applies only to providers in one of these jurisdictions.
	pub jurisdictions: Option<Jurisdictions>,
	/// When it starts to count.
	pub valid_from: Timestamp,
	/// When it stops counting, if ever.
	pub valid_until: Option<Timestamp>,
	/// When it was recorded.
	pub created_at: Timestamp,
	/// When it was revoked, if it was. A revoked consent keeps its record until pruned.
	pub revoked_at: Option<Timestamp>,
	/// Where it comes from: the patient, an approved request or an emergency.
	pub source: GrantSource,
	/// Held from the patient for it (nothing for grants: the pallet that made them pays).
	pub deposit: Balance,
}

impl<AccountId, Balance> Consent<AccountId, Balance> {
	/// Whether it was revoked at or before `at`.
	pub fn is_revoked_at(&self, at: Timestamp) -> bool {
		self.revoked_at.is_some_and(|revoked| revoked <= at)
	}

	/// Whether it has expired at `at`.
	pub fn is_expired_at(&self, at: Timestamp) -> bool {
		self.valid_until.is_some_and(|until| until <= at)
	}

	/// Whether it counts at `at`: started, not expired, not revoked.
	pub fn is_active_at(&self, at: Timestamp) -> bool {
		self.valid_from <= at && !self.is_expired_at(at) && !self.is_revoked_at(at)
	}

	/// When it stopped counting for good (revoked or expired, whichever came first), if it has
	/// by `at`.
	pub fn ended_at(&self, at: Timestamp) -> Option<Timestamp> {
		let revoked = self.revoked_at.filter(|revoked| *revoked <= at);
		let expired = self.valid_until.filter(|until| *until <= at);
		match (revoked, expired) {
			(Some(revoked), Some(expired)) => Some(revoked.min(expired)),
			(revoked, expired) => revoked.or(expired),
		}
	}

	/// Whether the patient granted it (rather than another pallet).
	pub fn is_patients(&self) -> bool {
		self.source == GrantSource::Patient
	}

	/// Whether it applies to a provider in `jurisdiction`.
	pub fn allows_jurisdiction(&self, jurisdiction: &Jurisdiction) -> bool {
		self.jurisdictions
			.as_ref()
			.is_none_or(|allowed| allowed.binary_search(jurisdiction).is_ok())
	}
}

/// How many fee-free operations a patient used in a period.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct FreeWindow<BlockNumber> {
	/// The period (block number divided by the period length) the count is for.
	pub period: BlockNumber,
	/// Operations counted in that period.
	pub used: u32,
}
