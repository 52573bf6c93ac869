//! What the access pallet tells the pallets after it: the dispute court it hands contested and
//! unreviewed emergencies to, and the events the rewards pallet counts.

use crate::{DataClassSet, DisclosureId, DisputeId, EmergencyId, ProviderId, Purpose, RequestId};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{DispatchError, Weight};

/// What a dispute against a provider is about.
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
pub enum DisputeSubject {
	/// An emergency (break-glass) access the provider declared.
	#[codec(index = 0)]
	Emergency(EmergencyId),
	/// An access the provider logged in the disclosure log.
	#[codec(index = 1)]
	Disclosure(DisclosureId),
	/// The provider's conduct in general.
	#[codec(index = 2)]
	Conduct,
}

/// The dispute court as the access pallet sees it. `()` is a court that is not there: it
/// refuses every dispute with [`DispatchError::Unavailable`].
pub trait DisputeGateway<AccountId> {
	/// `claimant` (a patient) contests `subject` against `respondent`, with `evidence` (a hash of
	/// the evidence kept off chain). The court holds the claimant's bond; returns the dispute.
	fn open(
		claimant: &AccountId,
		respondent: ProviderId,
		subject: DisputeSubject,
		evidence: H256,
	) -> Result<DisputeId, DispatchError>;

	/// Nobody reviewed `subject` (an emergency access to `patient`'s data by `respondent`) in
	/// time: the court takes it up on its own, without a bond. Returns the dispute. An error
	/// means the court cannot take it up *now*: the caller keeps the review and tries again
	/// later — an escalation is never dropped.
	fn escalate(
		patient: &AccountId,
		respondent: ProviderId,
		subject: DisputeSubject,
	) -> Result<DisputeId, DispatchError>;

	/// The most weight [`Self::open`] or [`Self::escalate`] may take beyond what the caller's
	/// benchmark measured with the court as wired: the court's conflict-of-interest checks,
	/// whose cost depends on the respondent's family. `()`: nothing.
	fn extra_weight() -> Weight {
		Weight::zero()
	}
}

impl<AccountId> DisputeGateway<AccountId> for () {
	fn open(
		_: &AccountId,
		_: ProviderId,
		_: DisputeSubject,
		_: H256,
	) -> Result<DisputeId, DispatchError> {
		Err(DispatchError::Unavailable)
	}

	fn escalate(
		_: &AccountId,
		_: ProviderId,
		_: DisputeSubject,
	) -> Result<DisputeId, DispatchError> {
		Err(DispatchError::Unavailable)
	}
}

/// Who an act that may be disputed concerns, as the access pallet recorded it: the court checks
/// through it that only the patient concerned disputes an emergency or a disclosure, and only
/// against the provider that did it. `()` knows no act.
pub trait DisputeSubjects<AccountId> {
	/// The patient whose data `subject` touched and the provider that did it, if `subject` is
	/// an emergency or a disclosure that exists (`None` for [`DisputeSubject::Conduct`]).
	///
	/// A disclosure is looked up in `claimant`'s own disclosure log (the access pallet keeps
	/// no index of disclosures by id): one logged for another patient is not found. An
	/// emergency is found whoever asks.
	fn parties(subject: DisputeSubject, claimant: &AccountId) -> Option<(AccountId, ProviderId)>;

	/// The most [`Self::parties`] may weigh, which the court charges whoever asks.
	fn parties_weight() -> Weight {
		Weight::zero()
	}
}

impl<AccountId> DisputeSubjects<AccountId> for () {
	fn parties(_: DisputeSubject, _: &AccountId) -> Option<(AccountId, ProviderId)> {
		None
	}
}

/// What happened in the access pallet, for the pallets that count it (rewards) or act on it.
/// Implementations must do a bounded amount of work: they run inside the access pallet's calls
/// and are measured by its benchmarks as wired. Tuples tell each member; `()` ignores them.
pub trait AccessEvents<AccountId> {
	/// `patient` approved `provider`'s request `request` for `classes` and `purpose`.
	fn request_approved(
		patient: &AccountId,
		provider: ProviderId,
		request: RequestId,
		classes: DataClassSet,
		purpose: Purpose,
	);
	/// A practitioner of `provider` declared emergency `emergency` on `patient`'s data.
	fn emergency_declared(patient: &AccountId, provider: ProviderId, emergency: EmergencyId);
	/// `patient` acknowledged emergency `emergency` of `provider` as justified.
	fn emergency_acknowledged(patient: &AccountId, provider: ProviderId, emergency: EmergencyId);
	/// `patient` contested emergency `emergency` of `provider`, opening `dispute`.
	fn emergency_contested(
		patient: &AccountId,
		provider: ProviderId,
		emergency: EmergencyId,
		dispute: DisputeId,
	);
}

#[impl_trait_for_tuples::impl_for_tuples(8)]
impl<AccountId> AccessEvents<AccountId> for Tuple {
	fn request_approved(
		patient: &AccountId,
		provider: ProviderId,
		request: RequestId,
		classes: DataClassSet,
		purpose: Purpose,
	) {
		for_tuples!( #( Tuple::request_approved(patient, provider, request, classes, purpose); )* );
	}

	fn emergency_declared(patient: &AccountId, provider: ProviderId, emergency: EmergencyId) {
		for_tuples!( #( Tuple::emergency_declared(patient, provider, emergency); )* );
	}

	fn emergency_acknowledged(patient: &AccountId, provider: ProviderId, emergency: EmergencyId) {
		for_tuples!( #( Tuple::emergency_acknowledged(patient, provider, emergency); )* );
	}

	fn emergency_contested(
		patient: &AccountId,
		provider: ProviderId,
		emergency: EmergencyId,
		dispute: DisputeId,
	) {
		for_tuples!( #( Tuple::emergency_contested(patient, provider, emergency, dispute); )* );
	}
}
