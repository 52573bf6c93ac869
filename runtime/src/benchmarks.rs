//! The runtime's benchmark registry: which pallets the node's `benchmark pallet` command can
//! measure against this runtime. Every Salus pallet is added here as it lands, and its
//! `weights.rs` is generated from it by `scripts/benchmark-pallets.sh`.

use crate::*;
use alloc::{string::String, vec::Vec};
use frame_benchmarking::{baseline, BenchmarkBatch, BenchmarkConfig, BenchmarkList};
use frame_support::traits::{StorageInfo, StorageInfoTrait, WhitelistedStorageKeys};

type BaselineBench = baseline::Pallet<Runtime>;
type SystemBench = frame_system_benchmarking::Pallet<Runtime>;
type SystemExtensionsBench = frame_system_benchmarking::extensions::Pallet<Runtime>;

impl baseline::Config for Runtime {}
impl frame_system_benchmarking::Config for Runtime {}
impl pallet_transaction_payment::BenchmarkConfig for Runtime {}

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench]
	[frame_system, SystemBench]
	[frame_system_extensions, SystemExtensionsBench]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_transaction_payment, TransactionPayment]
	[pallet_sudo, Sudo]
	[pallet_utility, Utility]
	[pallet_proxy, Proxy]
	[pallet_multisig, Multisig]
	[pallet_health_identity, HealthIdentity]
	[pallet_consent, Consent]
	[pallet_access, Access]
	[pallet_disputes, Disputes]
	[pallet_rewards, Rewards]
	[pallet_vesting, Vesting]
);

/// The benchmarks this runtime has, and the storage items they may touch.
pub fn metadata(extra: bool) -> (Vec<BenchmarkList>, Vec<StorageInfo>) {
	let mut list = Vec::<BenchmarkList>::new();
	list_benchmarks!(list, extra);
	(list, AllPalletsWithSystem::storage_info())
}

/// Runs the benchmarks `config` selects.
///
/// Besides the keys the pallets whitelist, `Timestamp::Now` is free to read: the timestamp
/// inherent, the first extrinsic of every block, writes it, so any later read in the block
/// finds it in the block's overlay and never reaches the database.
pub fn dispatch(config: BenchmarkConfig) -> Result<Vec<BenchmarkBatch>, String> {
	let mut whitelist = AllPalletsWithSystem::whitelisted_storage_keys();
	whitelist.push(pallet_timestamp::Now::<Runtime>::hashed_key().to_vec().into());
	let mut batches = Vec::<BenchmarkBatch>::new();
	let params = (&config, &whitelist);
	add_benchmarks!(params, batches);
	Ok(batches)
}
