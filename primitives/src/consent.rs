//! Consents and the access decision: who a consent speaks to, what a decision says and why,
//! and the trait through which the access pallet creates grants and asks for decisions.

use crate::{
	ConsentId, DataClass, DataClassSet, EmergencyId, Jurisdiction, ProviderId, ProviderKind,
	Purpose, PurposeSet, RequestId,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::DispatchError;

/// A point in time: milliseconds since the Unix epoch, as the block timestamp counts it.
pub type Timestamp = u64;

/// Whom a consent speaks to (the FHIR Consent `provision.actor`).
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum Grantee<AccountId> {
	/// Every practitioner of one provider.
	#[codec(index = 0)]
	Provider(ProviderId),
	/// One practitioner, whichever provider it acts for.
	#[codec(index = 1)]
	Practitioner(AccountId),
	/// Every practitioner of every provider of a kind and/or in a jurisdiction (`None` matches
	/// any), e.g. "every hospital in Germany".
	#[codec(index = 2)]
	Providers {
		/// The kind of provider, or any.
		kind: Option<ProviderKind>,
		/// The provider's jurisdiction, or any.
		jurisdiction: Option<Jurisdiction>,
	},
}

impl<AccountId: PartialEq> Grantee<AccountId> {
	/// Whether the grantee covers `accessor`, a practitioner of `provider`, a provider of
	/// `kind` in `jurisdiction`.
	pub fn covers(
		&self,
		accessor: &AccountId,
		provider: ProviderId,
		kind: ProviderKind,
		jurisdiction: Jurisdiction,
	) -> bool {
		match self {
			Self::Provider(id) => *id == provider,
			Self::Practitioner(account) => account == accessor,
			Self::Providers { kind: wanted_kind, jurisdiction: wanted_jurisdiction } => {
				wanted_kind.is_none_or(|wanted| wanted == kind)
					&& wanted_jurisdiction.is_none_or(|wanted| wanted == jurisdiction)
			},
		}
	}
}

/// What a consent decides for the data and purposes it names (FHIR `provision.type`).
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
pub enum Decision {
	/// Access is allowed.
	#[codec(index = 0)]
	Permit,
	/// Access is refused, whatever any permit says.
	#[codec(index = 1)]
	Deny,
}

/// Where a consent comes from: the patient's own standing rule, or a grant another pallet made.
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
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum GrantSource {
	/// The patient (or its guardian) granted it.
	#[codec(index = 0)]
	Patient,
	/// The patient approved this access request.
	#[codec(index = 1)]
	Request(RequestId),
	/// A practitioner declared this emergency (break-glass access).
	#[codec(index = 2)]
	Emergency(EmergencyId),
}

/// Why access is permitted.
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
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum AccessBasis {
	/// The accessor is the patient: a patient may always see its own data.
	#[codec(index = 0)]
	OwnData,
	/// A consent (or grant) permits it.
	#[codec(index = 1)]
	Consent {
		/// The consent.
		id: ConsentId,
		/// Where the consent comes from.
		source: GrantSource,
	},
}

/// Why access is denied. Where no permit applies, the reason names the consent that came
/// closest, so that the person asking learns what to fix.
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
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum DenyReason {
	/// The patient is not registered.
	#[codec(index = 0)]
	UnknownPatient,
	/// The accessor is not a practitioner of any provider.
	#[codec(index = 1)]
	NotPractitioner,
	/// The accessor's provider is not accredited (pending, suspended or revoked).
	#[codec(index = 2)]
	ProviderNotAccredited,
	/// No consent of the patient speaks to this accessor.
	#[codec(index = 3)]
	NoConsent,
	/// This consent denies it (deny overrides permit).
	#[codec(index = 4)]
	DeniedByConsent(ConsentId),
	/// The consent speaks to the accessor but does not cover the (non-sensitive) data class.
	#[codec(index = 5)]
	ClassNotCovered(ConsentId),
	/// The data class is sensitive and the consent does not name it.
	#[codec(index = 6)]
	SensitiveClassNotNamed(ConsentId),
	/// The consent does not cover the purpose.
	#[codec(index = 7)]
	PurposeNotCovered(ConsentId),
	/// The accessor's provider is outside the jurisdictions the consent allows.
	#[codec(index = 8)]
	OutsideJurisdictions(ConsentId),
	/// The consent would permit it, but it was revoked.
	#[codec(index = 9)]
	Revoked(ConsentId),
	/// The consent would permit it, but not before its valid-from time.
	#[codec(index = 10)]
	NotYetValid(ConsentId),
	/// The consent would permit it, but it expired.
	#[codec(index = 11)]
	Expired(ConsentId),
}

/// The answer to "may this accessor see this class of this patient's data for this purpose,
/// at this time?".
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
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum AccessDecision {
	/// Access is permitted.
	#[codec(index = 0)]
	Permit {
		/// What permits it.
		basis: AccessBasis,
	},
	/// Access is denied.
	#[codec(index = 1)]
	Deny {
		/// Why.
		reason: DenyReason,
	},
}

impl AccessDecision {
	/// Whether access is permitted.
	pub const fn is_permit(&self) -> bool {
		matches!(self, Self::Permit { .. })
	}
}

/// The most queries one batch of access decisions (`ConsentApi::check_access_batch`, the
/// node's `salus_checkAccessBatch`) answers: each reads and decodes a patient's ledger (up to
/// about 19 KB), so a batch is a bounded amount of work for the node that answers it.
pub const MAX_ACCESS_BATCH: u32 = 1_000;

/// One question of a batch of access decisions (`ConsentApi::check_access_batch`): may
/// `accessor` see `data_class` of `patient`'s data for `purpose`?
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct AccessQuery<AccountId> {
	/// Whose data.
	pub patient: AccountId,
	/// Who asks to see it (a practitioner's account).
	pub accessor: AccountId,
	/// Which part of the record.
	pub data_class: DataClass,
	/// What for.
	pub purpose: Purpose,
}

/// A time-bounded Permit another pallet creates for a patient: an approved request's access or
/// an emergency's break-glass access.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Grant<AccountId> {
	/// Whom it permits.
	pub grantee: Grantee<AccountId>,
	/// The data classes it covers.
	pub classes: DataClassSet,
	/// The purposes it covers.
	pub purposes: PurposeSet,
	/// When it ends (it starts at once).
	pub valid_until: Timestamp,
	/// The request or emergency it comes from.
	pub source: GrantSource,
}

/// The answers of [`AccessControl::check_access_many`], and what reaching them read.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Decisions {
	/// One decision per query, in the queries' order.
	pub answers: alloc::vec::Vec<AccessDecision>,
	/// The length of each consent ledger read, one per patient whose ledger was read (in no
	/// particular order). A ledger not read is not listed: its cost is not known to be lower.
	pub ledgers: alloc::vec::Vec<u32>,
}

/// Who a grant is recorded for, which decides whether it counts against the patient's
/// fee-free allowance ([`AccessControl::grant`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GrantBy {
	/// The patient's own act (an approved request): one operation of its allowance, counted
	/// in the same write as the grant.
	Patient,
	/// Nobody's act of the patient (an emergency): not counted.
	Provider,
}

/// What [`AccessControl::grant`] recorded, and what recording it rewrote.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Granted {
	/// The grant's consent id.
	pub id: ConsentId,
	/// How many entries the patient's consent ledger held when the grant was written into it
	/// (before an ended grant was dropped to make room): what the write cost grows with.
	pub ledger: u32,
	/// Whether an ended grant was dropped to make room for it (its index entry removed):
	/// the grant's worst case, which a caller is charged for and refunded when it did not
	/// happen ([`AccessControl::grant_saving`]).
	pub dropped: bool,
}

/// The consent registry as other pallets see it: the access decision, grants, and the
/// patient's emergency directive.
pub trait AccessControl<AccountId> {
	/// May `accessor` see `class` of `patient`'s data for `purpose` at time `at`?
	fn check_access(
		patient: &AccountId,
		accessor: &AccountId,
		class: DataClass,
		purpose: Purpose,
		at: Timestamp,
	) -> AccessDecision;

	/// The decisions for many `queries` at `at`, in order: what [`Self::check_access`] answers
	/// for each, one by one. An implementation may read each patient's state once (the consent
	/// pallet does); this default asks one by one and reports no ledger read.
	///
	/// Also says how long each consent ledger it read was ([`Decisions::ledgers`]): a
	/// decision's cost grows with its patient's ledger, so a caller charged for ledgers at
	/// [`Self::max_ledger_len`] refunds the difference.
	fn check_access_many(queries: &[AccessQuery<AccountId>], at: Timestamp) -> Decisions {
		Decisions {
			answers: queries
				.iter()
				.map(|q| Self::check_access(&q.patient, &q.accessor, q.data_class, q.purpose, at))
				.collect(),
			ledgers: alloc::vec::Vec::new(),
		}
	}

	/// The most entries (the patient's own consents and grants) one patient's consent ledger
	/// may hold: what a caller charges a decision for before it knows the ledger.
	fn max_ledger_len() -> u32;

	/// What one decision over a ledger of `len` entries costs, as the registry measures it
	/// (reading and decoding the ledger, and checking every entry). A caller that refunds by
	/// a ledger's length refunds no more than this measurement allows, besides its own.
	fn decision_weight(len: u32) -> sp_runtime::Weight;

	/// What rewriting a consent ledger of `len` entries costs less than rewriting one of
	/// [`Self::max_ledger_len`] entries, as the registry measures it (decoding, changing and
	/// encoding the ledger; the smaller of its measurements): zero at the cap. A caller charged
	/// for a full ledger refunds this for each ledger write [`Self::grant`] or
	/// [`Self::count_operation`] reports.
	fn ledger_write_saving(len: u32) -> sp_runtime::Weight;

	/// What the grant [`Self::grant`] reported as `granted` cost less than a grant's worst
	/// case (a full ledger, with an ended grant dropped to make room), as the registry
	/// measures it: [`Self::ledger_write_saving`] of its ledger and, if no grant was dropped,
	/// what dropping one costs. A caller charged for the worst case refunds this.
	fn grant_saving(granted: &Granted) -> sp_runtime::Weight;

	/// Records `grant` as a Permit consent of `patient`, valid from now, counting it against
	/// the patient's fee-free allowance in the same write when `by` is [`GrantBy::Patient`];
	/// returns its id and the ledger's length.
	fn grant(
		patient: &AccountId,
		grant: Grant<AccountId>,
		by: GrantBy,
	) -> Result<Granted, DispatchError>;

	/// The classes emergency access to `patient`'s data covers: every non-sensitive class and
	/// the sensitive classes the patient's emergency directive allows.
	fn emergency_classes(patient: &AccountId) -> DataClassSet;

	/// The current time, as the consent registry counts it.
	fn now() -> Timestamp;

	/// Whether [`grant`](Self::grant) would find room in `patient`'s ledger now (below the
	/// grant cap, or with an ended grant to drop), so a caller can tell in advance that a grant
	/// will not fail for lack of room.
	fn can_grant(patient: &AccountId) -> bool;

	/// Whether registered patient `patient` has a fee-free operation left in the current
	/// period. The allowance is one per patient, shared by every pallet whose patient calls are
	/// free of fees (consent operations, answers to requests and emergency reviews).
	fn has_free_operation(patient: &AccountId) -> bool;

	/// Counts one patient operation against `patient`'s fee-free allowance; returns how many
	/// entries the consent ledger it rewrote held (`None`: not registered, nothing written).
	fn count_operation(patient: &AccountId) -> Option<u32>;
}
