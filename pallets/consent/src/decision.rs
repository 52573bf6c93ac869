//! The access decision over one patient's consents, as a pure function of what the consents
//! say and who asks: no storage access, so every rule can be tested on its own.

use crate::Consent;
use salus_primitives::{
	AccessBasis, AccessDecision, DataClass, Decision, DenyReason, ProviderId, ProviderProfile,
	Purpose, Timestamp,
};

/// A practitioner asking for access, with its provider as the registry knows it.
pub struct Accessor<'a, AccountId> {
	/// The practitioner's account.
	pub account: &'a AccountId,
	/// The provider it acts for.
	pub provider: ProviderId,
	/// That provider's kind, jurisdiction and status.
	pub profile: ProviderProfile,
}

/// How far a Permit consent that speaks to the accessor got before it failed, in the order the
/// checks run. The further it got, the better its failure explains a denial.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Miss {
	Class,
	Purpose,
	Jurisdiction,
	Revoked,
	NotYetValid,
	Expired,
}

/// Decides whether `accessor` may see `class` for `purpose` at `at`, given the patient's
/// `consents` (the accessor's provider is accredited and is not the patient: the caller checked).
///
/// 1. A Deny consent that speaks to the accessor and is active at `at`, whose classes,
///    purposes and jurisdictions cover the access, denies it, whatever any permit says.
/// 2. Otherwise an active Permit consent that speaks to the accessor, names the class (a
///    sensitive class counts only when named, which a set can only do explicitly), covers the
///    purpose and allows the provider's jurisdiction permits it.
/// 3. Otherwise access is denied, and the reason is the failure of the Permit consent that got
///    furthest through the checks of rule 2 (class, purpose, jurisdiction, revoked, not yet
///    valid, expired; among equals, the newest), or `NoConsent` if none speaks to the accessor.
pub fn decide<'c, AccountId: PartialEq + 'c, Balance: 'c>(
	consents: impl IntoIterator<Item = &'c Consent<AccountId, Balance>>,
	accessor: &Accessor<'_, AccountId>,
	class: DataClass,
	purpose: Purpose,
	at: Timestamp,
) -> AccessDecision {
	let mut permit = None;
	let mut closest: Option<(Miss, &Consent<AccountId, Balance>)> = None;

	for consent in consents {
		let speaks_to = consent.grantee.covers(
			accessor.account,
			accessor.provider,
			accessor.profile.kind,
			accessor.profile.jurisdiction,
		);
		if !speaks_to {
			continue;
		}
		match (consent.decision, first_miss(consent, accessor, class, purpose, at)) {
			(Decision::Deny, None) => {
				return AccessDecision::Deny { reason: DenyReason::DeniedByConsent(consent.id) }
			},
			(Decision::Deny, Some(_)) => {},
			(Decision::Permit, None) => {
				if permit.is_none() {
					permit = Some(consent);
				}
			},
			(Decision::Permit, Some(miss)) => {
				if closest.is_none_or(|(furthest, _)| miss >= furthest) {
					closest = Some((miss, consent));
				}
			},
		}
	}

	if let Some(consent) = permit {
		return AccessDecision::Permit {
			basis: AccessBasis::Consent { id: consent.id, source: consent.source },
		};
	}
	let reason = match closest {
		None => DenyReason::NoConsent,
		Some((miss, consent)) => {
			let id = consent.id;
			match miss {
				Miss::Class if class.is_sensitive() => DenyReason::SensitiveClassNotNamed(id),
				Miss::Class => DenyReason::ClassNotCovered(id),
				Miss::Purpose => DenyReason::PurposeNotCovered(id),
				Miss::Jurisdiction => DenyReason::OutsideJurisdictions(id),
				Miss::Revoked => DenyReason::Revoked(id),
				Miss::NotYetValid => DenyReason::NotYetValid(id),
				Miss::Expired => DenyReason::Expired(id),
			}
		},
	};
	AccessDecision::Deny { reason }
}

/// The first check `consent` fails for this access, or `None` if it applies.
fn first_miss<AccountId, Balance>(
	consent: &Consent<AccountId, Balance>,
	accessor: &Accessor<'_, AccountId>,
	class: DataClass,
	purpose: Purpose,
	at: Timestamp,
) -> Option<Miss> {
	if !consent.classes.contains(class) {
		Some(Miss::Class)
	} else if !consent.purposes.contains(purpose) {
		Some(Miss::Purpose)
	} else if !consent.allows_jurisdiction(&accessor.profile.jurisdiction) {
		Some(Miss::Jurisdiction)
	} else if consent.is_revoked_at(at) {
		Some(Miss::Revoked)
	} else if at < consent.valid_from {
		Some(Miss::NotYetValid)
	} else if consent.is_expired_at(at) {
		Some(Miss::Expired)
	} else {
		None
	}
}
