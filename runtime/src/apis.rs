//! The runtime APIs: what the node and clients may ask the runtime without a transaction.
//!
//! Every Salus query (patients, consents, the access decision, disclosures, rewards) is added
//! here as its pallet lands, so that an EHR can ask its local node over RPC (`state_call`) and get
//! an answer without waiting for a block.

use crate::{
	Access, AccountId, Aura, Balance, Block, BlockNumber, Consent, Executive, Grandpa, Hash,
	HealthIdentity, InherentDataExt, Nonce, Rewards, Runtime, RuntimeCall, RuntimeGenesisConfig,
	System, TransactionPayment, VERSION,
};
use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	weights::Weight,
};
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_inherents::{CheckInherentsResult, InherentData};
use sp_runtime::{
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult, ExtrinsicInclusionMode,
};
use sp_version::RuntimeVersion;

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
		fn execute_view_function(
			id: frame_support::view_functions::ViewFunctionId,
			input: Vec<u8>,
		) -> Result<Vec<u8>, frame_support::view_functions::ViewFunctionDispatchError> {
			Runtime::execute_view_function(id, input)
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: InherentData,
		) -> CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(Aura::slot_duration())
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			crate::opaque::SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			crate::opaque::SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			_key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			// Without staking there is no key-ownership proof, so no report can be checked.
			None
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			_authority_id: GrandpaId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			None
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance>
		for Runtime
	{
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}

		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}

		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}

		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}

		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}

		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}

		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_health_identity::runtime_api::HealthIdentityApi<Block, AccountId, Balance, BlockNumber>
		for Runtime
	{
		fn patient(account: AccountId) -> Option<pallet_health_identity::PatientOf<Runtime>> {
			pallet_health_identity::Patients::<Runtime>::get(account)
		}

		fn provider(id: salus_primitives::ProviderId) -> Option<pallet_health_identity::ProviderOf<Runtime>> {
			pallet_health_identity::Providers::<Runtime>::get(id)
		}

		fn provider_of(account: AccountId) -> Option<salus_primitives::ProviderId> {
			HealthIdentity::provider_acted_for_or_managed(&account)
		}

		fn records_of(
			patient: AccountId,
			start: u32,
			count: u32,
		) -> Vec<(Hash, pallet_health_identity::RecordAnchorOf<Runtime>)> {
			HealthIdentity::records_of(&patient, start, count)
		}
	}

	#[api_version(2)]
	impl pallet_consent::runtime_api::ConsentApi<Block, AccountId, Balance> for Runtime {
		fn check_access(
			patient: AccountId,
			accessor: AccountId,
			data_class: salus_primitives::DataClass,
			purpose: salus_primitives::Purpose,
			at: Option<salus_primitives::Timestamp>,
		) -> salus_primitives::AccessDecision {
			let at = at.unwrap_or_else(pallet_timestamp::Now::<Runtime>::get);
			Consent::check_access(&patient, &accessor, data_class, purpose, at)
		}

		fn consents_of(patient: AccountId) -> Vec<pallet_consent::ConsentOf<Runtime>> {
			Consent::consents_of(&patient)
		}

		fn consent(id: salus_primitives::ConsentId) -> Option<(AccountId, pallet_consent::ConsentOf<Runtime>)> {
			Consent::consent(id)
		}

		fn emergency_directive(patient: AccountId) -> salus_primitives::DataClassSet {
			Consent::emergency_directive(&patient)
		}

		fn check_access_batch(
			queries: Vec<salus_primitives::AccessQuery<AccountId>>,
			at: Option<salus_primitives::Timestamp>,
		) -> Option<Vec<salus_primitives::AccessDecision>> {
			if queries.len() > salus_primitives::MAX_ACCESS_BATCH as usize {
				return None;
			}
			let at = at.unwrap_or_else(pallet_timestamp::Now::<Runtime>::get);
			Some(Consent::check_access_many(&queries, at))
		}
	}

	impl pallet_rewards::runtime_api::RewardsApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn pending_rewards(who: AccountId) -> Balance {
			Rewards::pending_rewards(&who)
		}

		fn epoch_info() -> pallet_rewards::EpochInfoOf<Runtime> {
			Rewards::epoch_info()
		}

		fn reward_schedule() -> pallet_rewards::RewardSchedule {
			Rewards::reward_schedule()
		}
	}

	impl pallet_access::runtime_api::AccessApi<Block, AccountId, Balance> for Runtime {
		fn disclosures_of(
			patient: AccountId,
			from: u32,
			count: u32,
		) -> Vec<pallet_access::DisclosureOf<Runtime>> {
			Access::disclosures_of(&patient, from, count)
		}

		fn disclosure_count(patient: AccountId) -> u32 {
			Access::disclosure_count(&patient)
		}

		fn pending_requests_of(
			patient: AccountId,
		) -> Vec<(salus_primitives::RequestId, pallet_access::RequestOf<Runtime>)> {
			Access::pending_requests_of(&patient)
		}

		fn requests_of_provider(
			provider: salus_primitives::ProviderId,
		) -> Vec<(salus_primitives::RequestId, pallet_access::RequestOf<Runtime>)> {
			Access::requests_of_provider(provider)
		}

		fn emergencies_of(
			patient: AccountId,
		) -> Vec<(salus_primitives::EmergencyId, pallet_access::EmergencyOf<Runtime>)> {
			Access::emergencies_of(&patient)
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			crate::benchmarks::metadata(extra)
		}

		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			crate::benchmarks::dispatch(config)
		}
	}

	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(
			checks: frame_try_runtime::UpgradeCheckSelect,
		) -> (Weight, Weight) {
			crate::try_runtime::on_runtime_upgrade(checks)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect,
		) -> Weight {
			crate::try_runtime::execute_block(block, state_root_check, signature_check, select)
		}
	}
}
