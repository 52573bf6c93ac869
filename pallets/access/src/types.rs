//! The access pallet's stored types.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, DefaultNoBound, EqNoBound,
	PartialEqNoBound,
};
use salus_primitives::{
	AccessBasis, ConsentId, DataClass, DataClassSet, DisclosureId, ProviderId, Purpose, Timestamp,
};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::traits::{BlakeTwo256, Hash};

/// Why a practitioner breaks the glass: the situation that leaves no time to ask the patient.
///
/// The chain never sees it in clear (it would tell a stranger that the patient was, say,
/// unconscious on that day): the client commits to it, with a secret salt and the hash of the
/// clinical justification, in the one hash `declare_emergency` takes
/// ([`EmergencyReason::commit`]), and shows the salt to the patient and, if it comes to that,
/// the court.
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

impl EmergencyReason {
	/// The justification a client puts on chain for an emergency: BLAKE2-256 of the SCALE
	/// encoding of `(self, salt, document)`, where `document` is the hash of the clinical
	/// justification kept off chain and `salt` a secret of 32 random bytes. Without the salt the
	/// four reasons cannot be told apart by trying each.
	pub fn commit(self, salt: [u8; 32], document: H256) -> H256 {
		BlakeTwo256::hash_of(&(self, salt, document))
	}
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
	/// A salted commitment to the reason and the clinical justification kept off chain
	/// ([`EmergencyReason::commit`]): it reveals nothing to a stranger.
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
	/// Its place in the escalation queue while an escalation the court refused waits for the
	/// next attempt; `None` before the review falls due.
	pub retry: Option<u64>,
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

/// Who may dispute the entries one `log_disclosure` or `log_disclosures` call logged: the
/// provider the caller acted for and, by each entry's offset from the call's first id, the
/// entry's patient, or `None` once the entry's page was pruned. Every call's first id is a
/// multiple of `Limit` (`MaxDisclosureBatch`), so entry `id` is slot `id % Limit` of the record
/// under `id - id % Limit`: one record, written once, for a whole batch.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(Limit))]
#[codec(mel_bound(AccountId: MaxEncodedLen))]
pub struct DisclosureBatch<AccountId: Clone + PartialEq + Eq + core::fmt::Debug, Limit: Get<u32>> {
	/// The provider the entries were logged for.
	pub provider: ProviderId,
	/// Each entry's patient, in id order; `None` once pruned.
	pub patients: BoundedVec<Option<AccountId>, Limit>,
}

impl<AccountId: Clone + PartialEq + Eq + core::fmt::Debug, Limit: Get<u32>>
	DisclosureBatch<AccountId, Limit>
{
	/// Entries of the batch not pruned yet.
	pub fn live(&self) -> usize {
		self.patients.iter().filter(|patient| patient.is_some()).count()
	}
}

/// A patient's disclosure log as the logging calls see it: how many entries it has had
/// (pruned ones included) and the page still filling. Entry `n` of the log is on page
/// `n / DisclosurePageSize`; the filling page, number `count / DisclosurePageSize`, holds its
/// `count % DisclosurePageSize` entries here, and moves to the pages of full ones when it
/// fills. So logging one entry reads and writes this record alone, and a full page once a page.
#[derive(
	CloneNoBound,
	DefaultNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(Size))]
#[codec(mel_bound(Entry: MaxEncodedLen))]
pub struct DisclosureLog<Entry: Clone + PartialEq + Eq + core::fmt::Debug, Size: Get<u32>> {
	/// How many entries the log has had, pruned ones included.
	pub count: u32,
	/// The entries of the page still filling, oldest first.
	pub filling: BoundedVec<Entry, Size>,
}

/// One access to log with `log_disclosures`: what `log_disclosure` takes besides the caller.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct DisclosureEntry<AccountId> {
	/// The patient whose data was accessed.
	pub patient: AccountId,
	/// Which class of data.
	pub data_class: DataClass,
	/// For which purpose.
	pub purpose: Purpose,
	/// A hash of the record accessed, if the provider names one.
	pub record: Option<H256>,
}

/// The emergencies one provider declared in its current rate window, counted per practitioner
/// and per patient. Each declaration counts once in each list, so neither holds more entries
/// than the provider may declare in a window (`Limit`): the record is bounded, one per
/// provider, and overwritten when its window is over.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(Limit))]
#[codec(mel_bound(AccountId: MaxEncodedLen))]
pub struct RateWindow<AccountId: Clone + PartialEq + Eq + core::fmt::Debug, Limit: Get<u32>> {
	/// When the window started.
	pub started_at: Timestamp,
	/// Practitioner → emergencies it declared in the window.
	pub practitioners: BoundedVec<(AccountId, u32), Limit>,
	/// Patient → emergencies the provider declared on it in the window.
	pub patients: BoundedVec<(AccountId, u32), Limit>,
}

impl<AccountId: Clone + PartialEq + Eq + core::fmt::Debug, Limit: Get<u32>>
	RateWindow<AccountId, Limit>
{
	/// An empty window starting `at`.
	pub fn starting(at: Timestamp) -> Self {
		Self { started_at: at, practitioners: BoundedVec::new(), patients: BoundedVec::new() }
	}

	/// Emergencies declared in the window.
	pub fn total(&self) -> u32 {
		self.practitioners
			.iter()
			.fold(0u32, |total, (_, count)| total.saturating_add(*count))
	}

	/// Emergencies `practitioner` declared in the window.
	pub fn by_practitioner(&self, practitioner: &AccountId) -> u32 {
		Self::count(&self.practitioners, practitioner)
	}

	/// Emergencies declared on `patient` in the window.
	pub fn on_patient(&self, patient: &AccountId) -> u32 {
		Self::count(&self.patients, patient)
	}

	/// Counts one more emergency by `practitioner` on `patient`; `false` if a list is full (the
	/// caller checks `total() < Limit` first, so it never is).
	pub fn record(&mut self, practitioner: &AccountId, patient: &AccountId) -> bool {
		Self::bump(&mut self.practitioners, practitioner) && Self::bump(&mut self.patients, patient)
	}

	fn count(list: &[(AccountId, u32)], who: &AccountId) -> u32 {
		list.iter().find(|(member, _)| member == who).map_or(0, |(_, count)| *count)
	}

	fn bump(list: &mut BoundedVec<(AccountId, u32), Limit>, who: &AccountId) -> bool {
		match list.iter_mut().find(|(member, _)| member == who) {
			Some((_, count)) => {
				*count = count.saturating_add(1);
				true
			},
			None => list.try_push((who.clone(), 1)).is_ok(),
		}
	}
}
