//! Who is who: provider kinds and statuses, practitioner roles, and the registry traits through
//! which the consent, access, disputes and rewards pallets ask the identity pallet about
//! patients and providers.

use crate::{Jurisdiction, ProviderId};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::DispatchError;

/// What kind of organisation a provider is.
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
pub enum ProviderKind {
	/// A hospital.
	#[codec(index = 0)]
	Hospital,
	/// A clinic or practice.
	#[codec(index = 1)]
	Clinic,
	/// A diagnostic laboratory.
	#[codec(index = 2)]
	Laboratory,
	/// A pharmacy.
	#[codec(index = 3)]
	Pharmacy,
	/// A health insurer.
	#[codec(index = 4)]
	Insurer,
	/// A research institute.
	#[codec(index = 5)]
	Research,
	/// A department of another provider (it must name that provider as its parent).
	#[codec(index = 6)]
	Department,
}

/// Where a provider stands with governance. Only accredited providers act.
///
/// `Pending → Accredited ⇄ Suspended`; any of the three can be `Revoked`, which is final.
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
pub enum ProviderStatus {
	/// Registered, waiting for accreditation.
	#[codec(index = 0)]
	Pending,
	/// Accredited: its practitioners may ask for, use and anchor data.
	#[codec(index = 1)]
	Accredited,
	/// Suspended by governance (e.g. after an upheld dispute); may be accredited again.
	#[codec(index = 2)]
	Suspended,
	/// Revoked for good.
	#[codec(index = 3)]
	Revoked,
}

impl ProviderStatus {
	/// Whether governance may move a provider from `self` to `to`.
	pub const fn can_become(self, to: Self) -> bool {
		use ProviderStatus::*;
		matches!(
			(self, to),
			(Pending, Accredited)
				| (Pending, Revoked)
				| (Accredited, Suspended)
				| (Accredited, Revoked)
				| (Suspended, Accredited)
				| (Suspended, Revoked)
		)
	}
}

/// What a practitioner does for its provider.
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
pub enum PractitionerRole {
	/// A physician.
	#[codec(index = 0)]
	Physician,
	/// A nurse.
	#[codec(index = 1)]
	Nurse,
	/// A technician (lab, imaging).
	#[codec(index = 2)]
	Technician,
	/// A pharmacist.
	#[codec(index = 3)]
	Pharmacist,
	/// A researcher.
	#[codec(index = 4)]
	Researcher,
	/// An administrator (records, billing).
	#[codec(index = 5)]
	Administrator,
}

/// What the other pallets need to know about a provider, read at once.
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
pub struct ProviderProfile {
	/// Its kind.
	pub kind: ProviderKind,
	/// Its jurisdiction.
	pub jurisdiction: Jurisdiction,
	/// Where it stands with governance.
	pub status: ProviderStatus,
}

/// What the other pallets may ask about providers and their practitioners, and the sanctions
/// they may apply.
pub trait ProviderRegistry<AccountId> {
	/// The currency amount of a provider's bond.
	type Balance;

	/// The provider `who` acts for as a practitioner, if any.
	fn provider_of(who: &AccountId) -> Option<ProviderId>;
	/// The kind, jurisdiction and status of `provider`, if it exists.
	fn profile(provider: ProviderId) -> Option<ProviderProfile>;
	/// The kind of `provider`, if it exists.
	fn kind(provider: ProviderId) -> Option<ProviderKind> {
		Self::profile(provider).map(|profile| profile.kind)
	}
	/// The jurisdiction of `provider`, if it exists.
	fn jurisdiction(provider: ProviderId) -> Option<Jurisdiction> {
		Self::profile(provider).map(|profile| profile.jurisdiction)
	}
	/// The account that administers `provider` (and receives its rewards), if it exists.
	fn admin(provider: ProviderId) -> Option<AccountId>;
	/// Whether `provider` exists and is accredited.
	fn is_accredited(provider: ProviderId) -> bool {
		Self::profile(provider).is_some_and(|profile| profile.status == ProviderStatus::Accredited)
	}
	/// Whether `who` has a stake in `provider`: it administers it, holds its bond, or acts for
	/// it as a practitioner — or does any of these for a provider of the same family (the
	/// provider's parent, or a department of it or of its parent). The dispute court keeps such
	/// accounts off the bench and the rewards pallet does not pay a provider for acts on them.
	///
	/// The default knows only practitioners and the admin of `provider` itself.
	fn is_affiliated(who: &AccountId, provider: ProviderId) -> bool
	where
		AccountId: PartialEq,
	{
		Self::provider_of(who) == Some(provider) || Self::admin(provider).as_ref() == Some(who)
	}
	/// Moves up to `amount` of `provider`'s bond to `beneficiary`; returns how much moved.
	fn slash_bond(
		provider: ProviderId,
		amount: Self::Balance,
		beneficiary: &AccountId,
	) -> Result<Self::Balance, DispatchError>;
	/// The most weight one [`Self::is_affiliated`] may take. Callers add it once per check
	/// to what their benchmarks measured, since no benchmark setup builds every provider
	/// family's worst case (a provider with all its departments). The default: nothing.
	fn affiliation_weight() -> sp_runtime::Weight {
		sp_runtime::Weight::zero()
	}
	/// Suspends an accredited provider (a sanction; governance may accredit it again).
	fn suspend(provider: ProviderId) -> Result<(), DispatchError>;
}

/// What the other pallets may ask about patients.
pub trait PatientRegistry<AccountId> {
	/// Whether `who` is a registered patient.
	fn is_registered(who: &AccountId) -> bool;
	/// The home jurisdiction of patient `who`, if registered.
	fn jurisdiction(who: &AccountId) -> Option<Jurisdiction>;
	/// The provider that vouched in person for patient `who`'s identity, as long as that
	/// provider is still accredited (a vouch counts only while its provider is in good
	/// standing, and governance may withdraw it).
	fn vouched_by(who: &AccountId) -> Option<ProviderId>;
	/// Whether an accredited provider vouched in person for patient `who`'s identity.
	fn is_vouched(who: &AccountId) -> bool {
		Self::vouched_by(who).is_some()
	}
}

/// What other pallets keep for a patient, as the identity pallet sees it when the patient
/// deregisters. Tuples ask (and tell) each member; `()` keeps nothing.
pub trait PatientLifecycle<AccountId> {
	/// Whether `who` still has obligations (an open request, a live consent, a dispute...) that
	/// forbid deregistering now.
	fn has_obligations(who: &AccountId) -> bool;
	/// `who` deregistered (it had no obligations): remove the bookkeeping kept for it. Must do
	/// a bounded amount of work; the identity pallet's benchmark measures it as wired.
	fn on_deregistered(who: &AccountId);
}

/// What other pallets keep about a provider, as the identity pallet sees it when the provider
/// closes or changes hands. Tuples ask each member; `()` keeps nothing.
pub trait ProviderLifecycle {
	/// Whether `provider` still has obligations (an open request or emergency review, a
	/// dispute against it...) that forbid closing it now.
	fn has_obligations(provider: ProviderId) -> bool;
}

#[impl_trait_for_tuples::impl_for_tuples(8)]
impl ProviderLifecycle for Tuple {
	fn has_obligations(provider: ProviderId) -> bool {
		for_tuples!( #( if Tuple::has_obligations(provider) { return true; } )* );
		false
	}
}

#[impl_trait_for_tuples::impl_for_tuples(8)]
impl<AccountId> PatientLifecycle<AccountId> for Tuple {
	fn has_obligations(who: &AccountId) -> bool {
		for_tuples!( #( if Tuple::has_obligations(who) { return true; } )* );
		false
	}

	fn on_deregistered(who: &AccountId) {
		for_tuples!( #( Tuple::on_deregistered(who); )* );
	}
}
