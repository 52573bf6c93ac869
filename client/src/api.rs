//! What a client asks without a transaction: the Salus runtime APIs (answered by the
//! runtime, over `state_call`) and the node's access RPCs (answered natively by the node),
//! each typed with the runtime's own types; and, read from storage, what no API serves: open
//! disputes, a patient's guardians, the council and its motions.
//!
//! Every method reads the best block unless given a block hash (`at`).

use crate::{AccountId, Balance, Client, Error, Hash, RuntimeCall};
use codec::{Decode, DecodeAll, Encode};
use frame_support::weights::Weight;
use salus_primitives::{
	AccessDecision, AccessQuery, ConsentId, DataClass, DataClassSet, DisputeId, EmergencyId,
	ProviderId, Purpose, RequestId, Timestamp,
};
use salus_runtime::Runtime;
use subxt::rpcs::rpc_params;

/// An access decision.
pub type Decision = AccessDecision;
/// A patient's registration.
pub type Patient = pallet_health_identity::PatientOf<Runtime>;
/// A provider's registration.
pub type Provider = pallet_health_identity::ProviderOf<Runtime>;
/// A consent (or grant) as the chain holds it.
pub type Consent = pallet_consent::ConsentOf<Runtime>;
/// An entry of a disclosure log.
pub type Disclosure = pallet_access::DisclosureOf<Runtime>;
/// An open access request.
pub type Request = pallet_access::RequestOf<Runtime>;
/// An emergency whose review is open.
pub type Emergency = pallet_access::EmergencyOf<Runtime>;
/// The reward pool's epoch.
pub type EpochInfo = pallet_rewards::EpochInfoOf<Runtime>;
/// The node's counters of native and runtime answers (`salus_accessStats`).
pub type AccessStats = serde_json::Value;

/// At most this many queries in one batch (runtime API and node RPC alike).
pub const MAX_BATCH: usize = salus_primitives::MAX_ACCESS_BATCH as usize;

impl Client {
	/// Calls runtime API `method` (`"ConsentApi_check_access"`) with SCALE `args` at block
	/// `at` (the best block if `None`) and decodes the answer as `T`.
	pub async fn runtime_api<T: Decode>(
		&self,
		method: &str,
		args: impl Encode,
		at: Option<Hash>,
	) -> Result<T, Error> {
		self.runtime_api_encoded(method, args.encode(), at).await
	}

	/// [`Client::runtime_api`] with arguments already SCALE-encoded.
	async fn runtime_api_encoded<T: Decode>(
		&self,
		method: &str,
		args: Vec<u8>,
		at: Option<Hash>,
	) -> Result<T, Error> {
		let args = sp_core::Bytes(args);
		let bytes: sp_core::Bytes = self.rpc("state_call", rpc_params![method, args, at]).await?;
		T::decode(&mut &bytes[..])
			.map_err(|e| Error::Decode { what: method.to_owned(), reason: e.to_string() })
	}

	/// The weight the chain's runtime gives a call, from its encoding
	/// (`TransactionPaymentCallApi`): the chain's own weights, not this client's, so that a
	/// motion closed after an upgrade that changed them is bounded right, and a call this
	/// client cannot decode can be bounded at all. (It counts the transaction extensions'
	/// weight too: a bound, a little above the call's own.)
	pub async fn call_weight(
		&self,
		encoded_call: &[u8],
		at: Option<Hash>,
	) -> Result<Weight, Error> {
		let length = u32::try_from(encoded_call.len()).unwrap_or(u32::MAX);
		let mut args = encoded_call.to_vec();
		length.encode_to(&mut args);
		let info: CallInfo = self
			.runtime_api_encoded("TransactionPaymentCallApi_query_call_info", args, at)
			.await?;
		Ok(info.weight)
	}

	/// `patient`'s registration, if it is registered.
	pub async fn patient(
		&self,
		patient: &AccountId,
		at: Option<Hash>,
	) -> Result<Option<Patient>, Error> {
		self.runtime_api("HealthIdentityApi_patient", patient, at).await
	}

	/// Provider `id`'s registration.
	pub async fn provider(
		&self,
		id: ProviderId,
		at: Option<Hash>,
	) -> Result<Option<Provider>, Error> {
		self.runtime_api("HealthIdentityApi_provider", id, at).await
	}

	/// The provider `account` acts for (as a practitioner) or administers.
	pub async fn provider_of(
		&self,
		account: &AccountId,
		at: Option<Hash>,
	) -> Result<Option<ProviderId>, Error> {
		self.runtime_api("HealthIdentityApi_provider_of", account, at).await
	}

	/// May `accessor` see `class` of `patient`'s data for `purpose`, at time `at_time`
	/// (default: the block's)? Answered by the runtime.
	pub async fn check_access(
		&self,
		query: &AccessQuery<AccountId>,
		at_time: Option<Timestamp>,
		at: Option<Hash>,
	) -> Result<Decision, Error> {
		let args = (&query.patient, &query.accessor, query.data_class, query.purpose, at_time);
		self.runtime_api("ConsentApi_check_access", args, at).await
	}

	/// Many decisions in one call (at most [`MAX_BATCH`]), in order. Answered by the runtime
	/// (`ConsentApi` version 2).
	pub async fn check_access_batch(
		&self,
		queries: &[AccessQuery<AccountId>],
		at_time: Option<Timestamp>,
		at: Option<Hash>,
	) -> Result<Vec<Decision>, Error> {
		check_batch(queries)?;
		let answers: Option<Vec<Decision>> = self
			.runtime_api("ConsentApi_check_access_batch", (queries, at_time), at)
			.await?;
		answers.ok_or_else(|| {
			Error::Invalid(format!("the runtime refused a batch of {}", queries.len()))
		})
	}

	/// The same decision, answered natively by the node (`salus_checkAccess`): what an EHR
	/// asks at peak hours.
	pub async fn rpc_check_access(
		&self,
		query: &AccessQuery<AccountId>,
		at_time: Option<Timestamp>,
		at: Option<Hash>,
	) -> Result<Decision, Error> {
		self.rpc("salus_checkAccess", rpc_params![query, at_time, at]).await
	}

	/// Many decisions natively (`salus_checkAccessBatch`, at most [`MAX_BATCH`]).
	pub async fn rpc_check_access_batch(
		&self,
		queries: &[AccessQuery<AccountId>],
		at_time: Option<Timestamp>,
		at: Option<Hash>,
	) -> Result<Vec<Decision>, Error> {
		check_batch(queries)?;
		self.rpc("salus_checkAccessBatch", rpc_params![queries, at_time, at]).await
	}

	/// The node's counters of native and runtime answers.
	pub async fn access_stats(&self) -> Result<AccessStats, Error> {
		self.rpc("salus_accessStats", rpc_params![]).await
	}

	/// `patient`'s consents and live grants.
	pub async fn consents_of(
		&self,
		patient: &AccountId,
		at: Option<Hash>,
	) -> Result<Vec<Consent>, Error> {
		self.runtime_api("ConsentApi_consents_of", patient, at).await
	}

	/// Consent `id` and its patient.
	pub async fn consent(
		&self,
		id: ConsentId,
		at: Option<Hash>,
	) -> Result<Option<(AccountId, Consent)>, Error> {
		self.runtime_api("ConsentApi_consent", id, at).await
	}

	/// The classes an emergency may reach in `patient`'s data.
	pub async fn emergency_directive(
		&self,
		patient: &AccountId,
		at: Option<Hash>,
	) -> Result<DataClassSet, Error> {
		self.runtime_api("ConsentApi_emergency_directive", patient, at).await
	}

	/// Entries `from` to `from + count` (at most 1 000) of `patient`'s disclosure log.
	pub async fn disclosures_of(
		&self,
		patient: &AccountId,
		from: u32,
		count: u32,
		at: Option<Hash>,
	) -> Result<Vec<Disclosure>, Error> {
		self.runtime_api("AccessApi_disclosures_of", (patient, from, count), at).await
	}

	/// How many entries `patient`'s disclosure log has had.
	pub async fn disclosure_count(
		&self,
		patient: &AccountId,
		at: Option<Hash>,
	) -> Result<u32, Error> {
		self.runtime_api("AccessApi_disclosure_count", patient, at).await
	}

	/// Every entry of `patient`'s disclosure log still on chain, oldest first, read 1 000 at
	/// a time at one block.
	pub async fn disclosure_log(
		&self,
		patient: &AccountId,
		at: Option<Hash>,
	) -> Result<Vec<Disclosure>, Error> {
		let at = match at {
			Some(at) => at,
			None => self.best_hash().await?,
		};
		let count = self.disclosure_count(patient, Some(at)).await?;
		let mut all = Vec::new();
		let mut from = 0u32;
		while from < count {
			all.extend(self.disclosures_of(patient, from, 1_000, Some(at)).await?);
			from = from.saturating_add(1_000);
		}
		Ok(all)
	}

	/// The open requests to `patient`.
	pub async fn pending_requests_of(
		&self,
		patient: &AccountId,
		at: Option<Hash>,
	) -> Result<Vec<(RequestId, Request)>, Error> {
		self.runtime_api("AccessApi_pending_requests_of", patient, at).await
	}

	/// The open requests of `provider`.
	pub async fn requests_of_provider(
		&self,
		provider: ProviderId,
		at: Option<Hash>,
	) -> Result<Vec<(RequestId, Request)>, Error> {
		self.runtime_api("AccessApi_requests_of_provider", provider, at).await
	}

	/// The emergencies on `patient`'s data whose reviews are open.
	pub async fn emergencies_of(
		&self,
		patient: &AccountId,
		at: Option<Hash>,
	) -> Result<Vec<(EmergencyId, Emergency)>, Error> {
		self.runtime_api("AccessApi_emergencies_of", patient, at).await
	}

	/// The rewards `who` may claim.
	pub async fn pending_rewards(
		&self,
		who: &AccountId,
		at: Option<Hash>,
	) -> Result<Balance, Error> {
		self.runtime_api("RewardsApi_pending_rewards", who, at).await
	}

	/// The reward pool's current epoch.
	pub async fn epoch_info(&self, at: Option<Hash>) -> Result<EpochInfo, Error> {
		self.runtime_api("RewardsApi_epoch_info", (), at).await
	}

	/// The free and held balance of `account`.
	pub async fn balance(
		&self,
		account: &AccountId,
		at: Option<Hash>,
	) -> Result<(Balance, Balance), Error> {
		let key = frame_system::Account::<Runtime>::hashed_key_for(account);
		let info: Option<
			frame_system::AccountInfo<salus_runtime::Nonce, pallet_balances::AccountData<Balance>>,
		> = self.storage(key, "an account", at).await?;
		Ok(info.map(|info| (info.data.free, info.data.reserved)).unwrap_or_default())
	}

	/// Access request `id`, while it is open (unanswered, not expired).
	pub async fn request(&self, id: RequestId, at: Option<Hash>) -> Result<Option<Request>, Error> {
		let key = pallet_access::Requests::<Runtime>::hashed_key_for(id);
		self.storage(key, "an access request", at).await
	}

	/// Emergency `id` while its review is open.
	pub async fn emergency(
		&self,
		id: EmergencyId,
		at: Option<Hash>,
	) -> Result<Option<Emergency>, Error> {
		let key = pallet_access::Emergencies::<Runtime>::hashed_key_for(id);
		self.storage(key, "an emergency", at).await
	}

	/// Dispute `id` while it is open.
	pub async fn dispute(&self, id: DisputeId, at: Option<Hash>) -> Result<Option<Dispute>, Error> {
		let key = pallet_disputes::OpenDisputes::<Runtime>::hashed_key_for(id);
		self.storage(key, "a dispute", at).await
	}

	/// The open disputes, by id.
	pub async fn open_disputes(
		&self,
		at: Option<Hash>,
	) -> Result<Vec<(DisputeId, Dispute)>, Error> {
		let prefix = pallet_disputes::OpenDisputes::<Runtime>::map_storage_final_prefix();
		let entries = self.storage_entries::<Dispute>(&prefix, "a dispute", at).await?;
		let mut disputes = Vec::with_capacity(entries.len());
		for (key, dispute) in entries {
			// The key ends in Twox64Concat(id): eight bytes of hash, then the id itself.
			let id = key
				.get(prefix.len().saturating_add(8)..)
				.and_then(|mut tail| DisputeId::decode(&mut tail).ok())
				.ok_or_else(|| Error::decode("a dispute's key", "no id in it"))?;
			disputes.push((id, dispute));
		}
		disputes.sort_by_key(|(id, _)| *id);
		Ok(disputes)
	}

	/// The guardians `patient` appointed (its `HealthGuardian` proxies).
	pub async fn guardians_of(
		&self,
		patient: &AccountId,
		at: Option<Hash>,
	) -> Result<Vec<AccountId>, Error> {
		let key = pallet_proxy::Proxies::<Runtime>::hashed_key_for(patient);
		let proxies: Option<(Vec<ProxyDefinition>, Balance)> =
			self.storage(key, "a patient's proxies", at).await?;
		Ok(proxies
			.map(|(proxies, _deposit)| proxies)
			.unwrap_or_default()
			.into_iter()
			.filter(|proxy| proxy.proxy_type == salus_runtime::ProxyType::HealthGuardian)
			.map(|proxy| proxy.delegate)
			.collect())
	}

	/// The council's members.
	pub async fn council_members(&self, at: Option<Hash>) -> Result<Vec<AccountId>, Error> {
		let key = pallet_collective::Members::<Runtime, pallet_collective::Instance1>::hashed_key();
		Ok(self.storage(key.to_vec(), "the council", at).await?.unwrap_or_default())
	}

	/// The council's open motions, oldest first, each with its call and its votes.
	pub async fn motions(&self, at: Option<Hash>) -> Result<Vec<Motion>, Error> {
		type Council = pallet_collective::Instance1;
		let at = match at {
			Some(at) => at,
			None => self.best_hash().await?,
		};
		let key = pallet_collective::Proposals::<Runtime, Council>::hashed_key();
		let hashes: Vec<Hash> =
			self.storage(key.to_vec(), "the motions", Some(at)).await?.unwrap_or_default();
		let mut motions = Vec::with_capacity(hashes.len());
		for hash in hashes {
			let call_key = pallet_collective::ProposalOf::<Runtime, Council>::hashed_key_for(hash);
			let votes_key = pallet_collective::Voting::<Runtime, Council>::hashed_key_for(hash);
			// Kept as the chain encodes it; a call this client cannot decode leaves the motion
			// listed, without its call.
			let encoded: Vec<u8> =
				self.storage_bytes(call_key, Some(at)).await?.unwrap_or_default();
			let call = RuntimeCall::decode_all(&mut &encoded[..]).ok();
			let votes: Option<Votes> =
				self.storage(votes_key, "a motion's votes", Some(at)).await?;
			if let Some(votes) = votes {
				motions.push(Motion {
					hash,
					index: votes.index,
					call,
					encoded,
					threshold: votes.threshold,
					ayes: votes.ayes,
					nays: votes.nays,
					end: votes.end,
				});
			}
		}
		Ok(motions)
	}

	/// The value at storage `key`, decoded as the runtime's type `T` (`what` names it in an
	/// error).
	async fn storage<T: Decode>(
		&self,
		key: Vec<u8>,
		what: &str,
		at: Option<Hash>,
	) -> Result<Option<T>, Error> {
		// All of it: a runtime whose type changed leaves bytes over, or runs short.
		self.storage_bytes(key, at)
			.await?
			.map(|bytes| T::decode_all(&mut &bytes[..]))
			.transpose()
			.map_err(|e| Error::decode(what, e))
	}

	/// The bytes at storage `key`, undecoded.
	async fn storage_bytes(
		&self,
		key: Vec<u8>,
		at: Option<Hash>,
	) -> Result<Option<Vec<u8>>, Error> {
		let bytes: Option<sp_core::Bytes> =
			self.rpc("state_getStorage", rpc_params![sp_core::Bytes(key), at]).await?;
		Ok(bytes.map(|bytes| bytes.0))
	}

	/// Every `(key, value)` under storage `prefix`, read at one block.
	async fn storage_entries<T: Decode>(
		&self,
		prefix: &[u8],
		what: &str,
		at: Option<Hash>,
	) -> Result<Vec<(Vec<u8>, T)>, Error> {
		const PAGE: u32 = 512;
		let at = match at {
			Some(at) => at,
			None => self.best_hash().await?,
		};
		let prefix = sp_core::Bytes(prefix.to_vec());
		let mut entries = Vec::new();
		let mut start: Option<sp_core::Bytes> = None;
		loop {
			let keys: Vec<sp_core::Bytes> =
				self.rpc("state_getKeysPaged", rpc_params![&prefix, PAGE, &start, at]).await?;
			if keys.is_empty() {
				break;
			}
			let changes: Vec<ChangeSet> =
				self.rpc("state_queryStorageAt", rpc_params![&keys, at]).await?;
			for (key, value) in changes.into_iter().flat_map(|set| set.changes) {
				if let Some(value) = value {
					let decoded =
						T::decode_all(&mut &value[..]).map_err(|e| Error::decode(what, e))?;
					entries.push((key.0, decoded));
				}
			}
			if keys.len() < PAGE as usize {
				break;
			}
			start = keys.last().cloned();
		}
		Ok(entries)
	}
}

/// A dispute while it is open.
pub type Dispute = pallet_disputes::DisputeOf<Runtime>;

/// A proxy as `pallet_proxy` keeps it.
type ProxyDefinition =
	pallet_proxy::ProxyDefinition<AccountId, salus_runtime::ProxyType, crate::BlockNumber>;

/// A council motion and its votes.
#[derive(Clone, Debug)]
pub struct Motion {
	/// The motion's hash (of its call).
	pub hash: Hash,
	/// Its index.
	pub index: u32,
	/// What it does if it passes; `None` if this client cannot decode it (a call of a later
	/// runtime): it may still be voted on and closed.
	pub call: Option<RuntimeCall>,
	/// The call as the chain encodes it.
	pub encoded: Vec<u8>,
	/// The ayes it needs.
	pub threshold: u32,
	/// Who voted aye.
	pub ayes: Vec<AccountId>,
	/// Who voted nay.
	pub nays: Vec<AccountId>,
	/// The block its vote ends.
	pub end: crate::BlockNumber,
}

/// `pallet_collective`'s votes on a motion (its type keeps the fields private; this is the
/// same encoding).
#[derive(Decode)]
struct Votes {
	index: u32,
	threshold: u32,
	ayes: Vec<AccountId>,
	nays: Vec<AccountId>,
	end: crate::BlockNumber,
}

/// `pallet_transaction_payment::RuntimeDispatchInfo`, the answer of `query_call_info` (the
/// same encoding; this crate does not depend on the pallet).
#[derive(Decode)]
struct CallInfo {
	weight: Weight,
	_class: frame_support::dispatch::DispatchClass,
	_partial_fee: Balance,
}

/// One block's answer to `state_queryStorageAt`.
#[derive(serde::Deserialize)]
struct ChangeSet {
	changes: Vec<(sp_core::Bytes, Option<sp_core::Bytes>)>,
}

fn check_batch(queries: &[AccessQuery<AccountId>]) -> Result<(), Error> {
	if queries.len() > MAX_BATCH {
		return Err(Error::Invalid(format!(
			"{} queries in one batch: at most {MAX_BATCH} are allowed",
			queries.len()
		)));
	}
	Ok(())
}

/// A query, from its parts.
pub fn query(
	patient: AccountId,
	accessor: AccountId,
	data_class: DataClass,
	purpose: Purpose,
) -> AccessQuery<AccountId> {
	AccessQuery { patient, accessor, data_class, purpose }
}
