//! A typed builder for every call of the Salus pallets, and for the council's motions: each
//! returns the runtime's own [`RuntimeCall`], to sign and submit with
//! [`Client::submit`](crate::Client::submit). Arguments are the runtime's types; where the
//! runtime bounds a list, the builder takes a `Vec` and says which bound it exceeds.
//!
//! `CALLS` in each module names the calls it builds; a test checks them against the
//! runtime's metadata, so that a call added to a pallet without a builder fails the build's
//! tests.

use crate::{AccountId, Balance, Error, RuntimeCall};
use codec::Encode;
use sp_core::{Get, H256};
use sp_runtime::BoundedVec;

/// `items` within the runtime's bound `B` on a list of `what`.
fn bounded<T, B: Get<u32>>(items: Vec<T>, what: &str) -> Result<BoundedVec<T, B>, Error> {
	let len = items.len();
	BoundedVec::try_from(items)
		.map_err(|_| Error::Invalid(format!("{len} {what}: at most {} are allowed", B::get())))
}

macro_rules! builders {
	(
		$Variant:ident, $pallet:ident,
		manual [$($manual:ident),* $(,)?],
		$( $(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),* $(,)?); )*
	) => {
		$(
			$(#[$doc])*
			pub fn $name($($arg: $ty),*) -> RuntimeCall {
				RuntimeCall::$Variant($pallet::Call::$name { $($arg),* })
			}
		)*

		/// The calls this module builds.
		pub const CALLS: &[&str] = &[$(stringify!($manual),)* $(stringify!($name)),*];
	};
}

/// Patients, providers, practitioners, record anchors and links (`HealthIdentity`).
pub mod identity {
	use super::*;
	use pallet_health_identity::EncryptionKey;
	use salus_primitives::{
		Jurisdiction, PractitionerRole, ProviderId, ProviderKind, ProviderStatus,
	};

	builders! {
		HealthIdentity, pallet_health_identity,
		manual [register_provider],
		/// Registers the caller as a patient under its salted `commitment`.
		fn register_patient(commitment: H256, jurisdiction: Jurisdiction, encryption_key: Option<EncryptionKey>);
		/// Replaces the patient's encryption key.
		fn update_encryption_key(key: Option<EncryptionKey>);
		/// Deregisters the caller as a patient.
		fn deregister_patient();
		/// Governance sets a provider's status (accredit, suspend, revoke).
		fn set_provider_status(provider: ProviderId, status: ProviderStatus);
		/// The provider's admin proposes `account` as a practitioner.
		fn add_practitioner(account: AccountId, role: PractitionerRole);
		/// The provider's admin removes a practitioner.
		fn remove_practitioner(account: AccountId);
		/// The admin proposes a new admin.
		fn transfer_admin(new_admin: AccountId);
		/// An accredited provider vouches for a patient.
		fn vouch_patient(patient: AccountId);
		/// A practitioner anchors a record's hash for a patient.
		fn anchor_record(patient: AccountId, content_hash: H256, class_commitment: H256);
		/// A provider proposes a link to a patient's record locator.
		fn propose_link(patient: AccountId, locator: H256);
		/// The patient accepts a proposed link.
		fn accept_link(provider: ProviderId, locator: H256);
		/// The proposed practitioner accepts.
		fn accept_practitioner(provider: ProviderId);
		/// The admin withdraws a practitioner proposal.
		fn withdraw_practitioner_proposal(account: AccountId);
		/// A practitioner leaves its provider.
		fn leave_provider();
		/// The proposed admin accepts.
		fn accept_admin(provider: ProviderId);
		/// The admin cancels an admin transfer.
		fn cancel_admin_transfer();
		/// The admin closes its provider.
		fn close_provider();
		/// The admin tops up its provider's bond.
		fn top_up_bond();
		/// The patient removes a link.
		fn remove_link(provider: ProviderId, locator: H256);
		/// A provider withdraws its vouch.
		fn withdraw_vouch(patient: AccountId);
		/// A parent provider accepts a department.
		fn accept_department(department: ProviderId);
		/// The patient accepts a record anchored for it.
		fn accept_record(content_hash: H256);
		/// The patient removes a record proposal.
		fn remove_record_proposal(content_hash: H256);
		/// Announces a commitment before registering with it (front-running protection).
		fn announce_commitment(binding: Option<H256>);
		/// Releases an announced commitment.
		fn release_commitment(commitment: H256);
	}

	/// Registers a provider (`name` at most `MAX_PROVIDER_NAME_LEN` bytes of UTF-8).
	pub fn register_provider(
		name: &str,
		kind: ProviderKind,
		jurisdiction: Jurisdiction,
		parent: Option<ProviderId>,
	) -> Result<RuntimeCall, Error> {
		let name = bounded(name.as_bytes().to_vec(), "bytes of provider name")?;
		Ok(RuntimeCall::HealthIdentity(pallet_health_identity::Call::register_provider {
			name,
			kind,
			jurisdiction,
			parent,
		}))
	}
}

/// The consent registry (`Consent`).
pub mod consent {
	use super::*;
	use salus_primitives::{
		ConsentId, DataClassSet, Decision, Grantee, Jurisdiction, PurposeSet, Timestamp,
	};

	builders! {
		Consent, pallet_consent,
		manual [grant_consent],
		/// Revokes one of the caller's consents.
		fn revoke_consent(id: ConsentId);
		/// Sets which classes an emergency may reach (the sensitive ones opt in).
		fn set_emergency_directive(classes: DataClassSet);
		/// Prunes a revoked or expired consent, returning its deposit.
		fn prune_consent(id: ConsentId);
	}

	/// Records a consent of the caller (`jurisdictions` at most `MAX_JURISDICTIONS`).
	pub fn grant_consent(
		grantee: Grantee<AccountId>,
		decision: Decision,
		classes: DataClassSet,
		purposes: PurposeSet,
		jurisdictions: Option<Vec<Jurisdiction>>,
		valid_from: Option<Timestamp>,
		valid_until: Option<Timestamp>,
	) -> Result<RuntimeCall, Error> {
		let jurisdictions = jurisdictions.map(|list| bounded(list, "jurisdictions")).transpose()?;
		Ok(RuntimeCall::Consent(pallet_consent::Call::grant_consent {
			grantee,
			decision,
			classes,
			purposes,
			jurisdictions,
			valid_from,
			valid_until,
		}))
	}
}

/// Access requests, emergencies and the disclosure log (`Access`).
pub mod access {
	use super::*;
	use pallet_access::DisclosureEntry;
	use salus_primitives::{
		DataClass, DataClassSet, EmergencyId, ProviderId, Purpose, RequestId, Timestamp,
	};

	builders! {
		Access, pallet_access,
		manual [log_disclosures],
		/// A practitioner asks a patient for access.
		fn request_access(patient: AccountId, classes: DataClassSet, purpose: Purpose, duration: Timestamp, justification: H256, bounty: Balance);
		/// The patient approves a request (for all its classes, or fewer).
		fn approve_request(request_id: RequestId, classes: Option<DataClassSet>);
		/// The patient denies a request.
		fn deny_request(request_id: RequestId);
		/// The requester cancels its request.
		fn cancel_request(request_id: RequestId);
		/// A practitioner breaks the glass.
		fn declare_emergency(patient: AccountId, justification: H256);
		/// The patient accepts an emergency as justified.
		fn acknowledge_emergency(emergency_id: EmergencyId);
		/// The patient contests an emergency (a dispute).
		fn contest_emergency(emergency_id: EmergencyId, evidence: H256);
		/// A practitioner logs an access it made.
		fn log_disclosure(patient: AccountId, data_class: DataClass, purpose: Purpose, record: Option<H256>);
		/// Prunes a full page of a log past its retention.
		fn prune_disclosures(patient: AccountId, page: u32);
		/// Clears a provider's emergency rate window once it is over.
		fn clear_rate_window(provider: ProviderId);
	}

	/// Logs several accesses in one transaction (at most `MaxDisclosureBatch`).
	pub fn log_disclosures(entries: Vec<DisclosureEntry<AccountId>>) -> Result<RuntimeCall, Error> {
		let entries = bounded(entries, "disclosures in one batch")?;
		Ok(RuntimeCall::Access(pallet_access::Call::log_disclosures { entries }))
	}
}

/// Disputes (`Disputes`).
pub mod disputes {
	use super::*;
	use pallet_disputes::Verdict;
	use salus_primitives::{DisputeId, DisputeSubject, ProviderId};

	builders! {
		Disputes, pallet_disputes,
		manual [],
		/// Opens a dispute against a provider.
		fn open_dispute(respondent: ProviderId, subject: DisputeSubject, evidence: H256);
		/// Adds evidence to a dispute.
		fn submit_evidence(dispute_id: DisputeId, evidence: H256);
		/// An arbitrator votes.
		fn vote(dispute_id: DisputeId, verdict: Verdict);
		/// Closes a dispute once voting is over.
		fn close_dispute(dispute_id: DisputeId);
		/// A party appeals a verdict.
		fn appeal(dispute_id: DisputeId);
		/// The council rules on an appeal.
		fn rule_on_appeal(dispute_id: DisputeId, verdict: Verdict);
	}
}

/// Rewards (`Rewards`).
pub mod rewards {
	use super::*;
	use pallet_rewards::RewardSchedule;

	builders! {
		Rewards, pallet_rewards,
		manual [],
		/// Governance sets the reward schedule.
		fn set_reward_schedule(schedule: RewardSchedule);
		/// Claims the caller's rewards.
		fn claim_rewards();
	}
}

/// The council's motions: how governance accredits, suspends and rules.
pub mod council {
	use super::*;

	/// A council member proposes `call` as a motion that passes with `threshold` ayes.
	pub fn propose(threshold: u32, call: RuntimeCall) -> RuntimeCall {
		let length_bound = u32::try_from(call.encoded_size()).unwrap_or(u32::MAX);
		RuntimeCall::Council(pallet_collective::Call::propose {
			threshold,
			proposal: Box::new(call),
			length_bound,
		})
	}

	/// A council member votes on motion `index` with hash `proposal`.
	pub fn vote(proposal: H256, index: u32, approve: bool) -> RuntimeCall {
		RuntimeCall::Council(pallet_collective::Call::vote { proposal, index, approve })
	}

	/// Closes motion `index` (executes it if it passed), bounding what it may weigh by this
	/// client's weights (see [`close_bounded`] for the chain's own).
	pub fn close(proposal: H256, index: u32, call: &RuntimeCall) -> RuntimeCall {
		use frame_support::dispatch::GetDispatchInfo;
		let weight = call.get_dispatch_info().call_weight;
		let length = u32::try_from(call.encoded_size()).unwrap_or(u32::MAX);
		close_bounded(proposal, index, weight, length)
	}

	/// Closes motion `index` with the bounds given: its call's weight as the chain gives it
	/// ([`Client::call_weight`](crate::Client::call_weight)) and its encoded length.
	pub fn close_bounded(
		proposal: H256,
		index: u32,
		weight: frame_support::weights::Weight,
		length: u32,
	) -> RuntimeCall {
		RuntimeCall::Council(pallet_collective::Call::close {
			proposal_hash: proposal,
			index,
			proposal_weight_bound: weight,
			length_bound: length,
		})
	}

	/// The hash the council knows a motion by.
	pub fn motion_hash(call: &RuntimeCall) -> H256 {
		use sp_runtime::traits::{BlakeTwo256, Hash as _};
		BlakeTwo256::hash_of(call)
	}
}

/// Guardians: a patient appoints an account to make its health calls for it (a
/// `HealthGuardian` proxy, which the runtime lets make exactly the patient's own calls: no
/// transfer, no provider or practitioner call).
pub mod guardian {
	use super::*;
	use salus_runtime::ProxyType;

	/// The patient appoints `guardian`, who acts at once (no announcement delay). The patient
	/// holds the proxy deposit until it removes the guardian.
	pub fn appoint(guardian: AccountId) -> RuntimeCall {
		RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
			delegate: guardian.into(),
			proxy_type: ProxyType::HealthGuardian,
			delay: 0,
		})
	}

	/// The patient removes `guardian`; the deposit comes back.
	pub fn remove(guardian: AccountId) -> RuntimeCall {
		RuntimeCall::Proxy(pallet_proxy::Call::remove_proxy {
			delegate: guardian.into(),
			proxy_type: ProxyType::HealthGuardian,
			delay: 0,
		})
	}

	/// A guardian makes `call` for its `ward`: dispatched as the ward, if the runtime's
	/// guardian filter admits it. The transaction succeeds whatever the call does:
	/// [`Client::submit_for`](crate::Client::submit_for) turns the call's refusal into
	/// [`Error::Dispatch`].
	pub fn on_behalf_of(ward: AccountId, call: RuntimeCall) -> RuntimeCall {
		RuntimeCall::Proxy(pallet_proxy::Call::proxy {
			real: ward.into(),
			force_proxy_type: Some(ProxyType::HealthGuardian),
			call: Box::new(call),
		})
	}
}
