//! frame-system: block limits, account data, the runtime's identity.

use crate::weights::{block_weights::BlockExecutionWeight, extrinsic_weights::ExtrinsicBaseWeight};
use crate::{
	AccountId, Balance, Block, BlockNumber, Hash, Nonce, PalletInfo, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeOrigin, RuntimeTask, VERSION,
};
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::ConstU32,
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		Weight,
	},
};
use sp_runtime::Perbill;
use sp_version::RuntimeVersion;

/// The share of a block that ordinary (non-operational) extrinsics may fill.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// The share of a block that `on_initialize` hooks are expected to take.
const AVERAGE_ON_INITIALIZE_RATIO: Perbill = Perbill::from_percent(10);

parameter_types! {
	/// Block hashes kept for mortal transactions (about 4 hours).
	pub const BlockHashCount: BlockNumber = 2400;
	/// The runtime version.
	pub const Version: RuntimeVersion = VERSION;
	/// Two seconds of compute per six-second block; no proof-size limit on a solochain. The
	/// base weights of a block and of an extrinsic are this runtime's own, measured by
	/// `benchmark overhead` on the release node (`runtime/src/weights/`), not the SDK's.
	pub RuntimeBlockWeights: frame_system::limits::BlockWeights = {
		let max = Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2), u64::MAX);
		let normal = Weight::from_parts(
			NORMAL_DISPATCH_RATIO.mul_floor(max.ref_time()),
			NORMAL_DISPATCH_RATIO.mul_floor(max.proof_size()),
		);
		frame_system::limits::BlockWeights::builder()
			.base_block(BlockExecutionWeight::get())
			.for_class(DispatchClass::all(), |weights| {
				weights.base_extrinsic = ExtrinsicBaseWeight::get();
			})
			.for_class(DispatchClass::Normal, |weights| {
				weights.max_total = Some(normal);
			})
			.for_class(DispatchClass::Operational, |weights| {
				weights.max_total = Some(max);
				weights.reserved = Some(max.saturating_sub(normal));
			})
			.avg_block_initialization(AVERAGE_ON_INITIALIZE_RATIO)
			.build()
			// Valid (a runtime test checks that `build` succeeds); the SDK's defaults otherwise.
			.unwrap_or_else(|_| {
				frame_system::limits::BlockWeights::with_sensible_defaults(max, NORMAL_DISPATCH_RATIO)
			})
	};
	/// At most 5 MiB per block, of which ordinary extrinsics may fill the normal share.
	pub RuntimeBlockLength: frame_system::limits::BlockLength =
		frame_system::limits::BlockLength::builder()
			.max_length(5 * 1024 * 1024)
			.modify_max_length_for_class(DispatchClass::Normal, |max| {
				*max = NORMAL_DISPATCH_RATIO.mul_floor(*max)
			})
			.build();
	/// The SS58 prefix of Salus addresses.
	pub const SS58Prefix: u16 = crate::token::SS58_PREFIX;
}

/// The calls no origin may make. A council member or an arbitrator may not hand its seat to
/// another account with `change_key`: seats change only by the supermajority the appeal and
/// treasury rules assume (review finding 10), and a conflicted arbitrator could otherwise shed
/// the conflict the court recorded against it by moving its seat to a fresh key (red-team
/// finding 2).
pub struct BaseFilter;

impl frame_support::traits::Contains<RuntimeCall> for BaseFilter {
	fn contains(call: &RuntimeCall) -> bool {
		!matches!(
			call,
			RuntimeCall::CouncilMembership(pallet_membership::Call::change_key { .. })
				| RuntimeCall::ArbitratorsMembership(pallet_membership::Call::change_key { .. })
		)
	}
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type BaseCallFilter = BaseFilter;
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	// ParityDB is the node's database: the SDK's constants for it (8 µs a read, 50 µs a write,
	// measured by Parity on a large state). Not yet measured on a populated Salus database
	// (`benchmark storage`): a dev chain's state is too small to say what a read costs.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
	type SystemWeightInfo = crate::weights::frame_system::WeightInfo<Runtime>;
	// The transaction extensions' checks as measured on this runtime, with its database
	// weights; the SDK's default (`()`) is its reference machine's on RocksDB.
	type ExtensionsWeightInfo = crate::weights::frame_system_extensions::WeightInfo<Runtime>;
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type RuntimeCall = RuntimeCall;
	type RuntimeTask = RuntimeTask;
	type PalletInfo = PalletInfo;
}
