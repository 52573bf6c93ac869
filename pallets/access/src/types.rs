//! The access pallet's stored types.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use salus_primitives::{
	AccessBasis, ConsentId, DataClass, DataClassSet, DisclosureId, ProviderId, Purpose, Timestamp,
};
use scale_info::TypeInfo;
use sp_core::H256;

/// Why a practitioner breaks the glass: the situation that leaves no time to ask the patient.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum EmergencyReason {
	/// The patient is unconscious.
	#[codec(index = 0)]
	Unconscious,
	/// The patient's life is in immediate danger.
	#[codec(index = 1)]
	LifeThreatening,
	/// The patient cannot decide (confused, sedated, in shock) and no guardian can be reached.
	#[codec(index = 2)]
	Incapacitated,
	/// A public-health emergency (e.g. a mass-casualty event).
	#[codec(index = 3)]
	MassCasualty,
}

/// A provider's request to see part of a patient's record, waiting for the patient's answer.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct AccessRequest<AccountId, Balance> {
	/// The patient asked.
	pub patient: AccountId,
	/// The practitioner who asked; its deposit is held.
	pub practitioner: AccountId,
	/// The provider the practitioner asked for: the grantee if the patient approves.
	pub provider: ProviderId,
	/// The data classes asked for.
	pub classes: DataClassSet,
	/// Why.
	pub purpose: Purpose,
	/// How long access would last once approved, in milliseconds.
	pub duration: Timestamp,
	/// A hash of the justification kept off chain (e.g. the referral).
	pub justification: H256,
	/// When it was made.
	pub created_at: Timestamp,
	/// When it expires unanswered: it can no longer be approved from then on.
	pub expires_at: Timestamp,
	/// Held from the practitioner until the request ends.
	pub deposit: Balance,
	/// A research bounty, held from the practitioner until the request ends: paid to the
	/// patient on approval, returned otherwise.
	pub bounty: Balance,
}

/// An emergency (break-glass) access, while its review is open.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Emergency<AccountId, Balance> {
	/// The patient whose data was opened.
	pub patient: AccountId,
	/// The practitioner who declared it; its deposit is held until the review ends.
	pub practitioner: AccountId,
	/// The practitioner's provider: the grantee, and the respondent if it is contested.
	pub provider: ProviderId,
	/// Why.
	pub reason: EmergencyReason,
	/// A hash of the clinical justification kept off chain.
	pub justification: H256,
	/// The classes the emergency grant covers.
	pub classes: DataClassSet,
	/// The grant in the consent registry.
	pub consent: ConsentId,
	/// When it was declared.
	pub declared_at: Timestamp,
	/// When the emergency access ends.
	pub access_until: Timestamp,
	/// When an unanswered review goes to the dispute court on its own.
	pub review_due: Timestamp,
	/// Held from the practitioner until the review ends.
	pub deposit: Balance,
}

/// One entry of the disclosure log (accounting of disclosures): an access that happened.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Disclosure<AccountId, Balance> {
	/// Its id, unique across all patients.
	pub id: DisclosureId,
	/// The practitioner who accessed the data (and logged it); its deposit is held.
	pub accessor: AccountId,
	/// The provider it acted for.
	pub provider: ProviderId,
	/// When it was logged.
	pub at: Timestamp,
	/// Which class of data.
	pub class: DataClass,
	/// For which purpose.
	pub purpose: Purpose,
	/// What permitted it: the consent (or request / emergency grant) the decision named.
	pub basis: AccessBasis,
	/// A hash of the record accessed, if the provider names one.
	pub record: Option<H256>,
	/// Held from the accessor until the entry is pruned after its retention.
	pub deposit: Balance,
}

/// How many emergencies a practitioner declared in its current rate window.
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
pub struct RateWindow {
	/// When the window started.
	pub started_at: Timestamp,
	/// Emergencies declared in it.
	pub count: u32,
}
