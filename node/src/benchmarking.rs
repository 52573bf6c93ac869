//! What `salus-node benchmark overhead` and `benchmark extrinsic` need from the node: signed
//! extrinsics of the Salus runtime built natively (`System::remark`, `Balances::
//! transfer_keep_alive`), and the inherents of a benchmark block.

use crate::service::FullClient;
use frame_benchmarking_cli::ExtrinsicBuilder;
use salus_runtime::{
	configs::system::BlockHashCount, AccountId, Balance, RuntimeCall, SignedPayload, TxExtension,
	UncheckedExtrinsic, VERSION,
};
use sc_cli::Result;
use sc_client_api::UsageProvider;
use sp_core::{sr25519, Encode, Pair};
use sp_inherents::{InherentData, InherentDataProvider};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{generic::Era, MultiSignature, OpaqueExtrinsic, SaturatedConversion};
use std::{sync::Arc, time::Duration};

/// Builds `System::remark` extrinsics (what `benchmark overhead` measures a base weight with).
pub struct RemarkBuilder {
	client: Arc<FullClient>,
}

impl RemarkBuilder {
	/// A builder over `client`'s best block.
	pub fn new(client: Arc<FullClient>) -> Self {
		Self { client }
	}
}

impl ExtrinsicBuilder for RemarkBuilder {
	fn pallet(&self) -> &str {
		"system"
	}

	fn extrinsic(&self) -> &str {
		"remark"
	}

	fn build(&self, nonce: u32) -> std::result::Result<OpaqueExtrinsic, &'static str> {
		let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
		signed_extrinsic(&self.client, Sr25519Keyring::Bob.pair(), call, nonce)
	}
}

/// Builds `Balances::transfer_keep_alive` extrinsics of `value` to `dest`.
pub struct TransferKeepAliveBuilder {
	client: Arc<FullClient>,
	dest: AccountId,
	value: Balance,
}

impl TransferKeepAliveBuilder {
	/// A builder over `client`'s best block.
	pub fn new(client: Arc<FullClient>, dest: AccountId, value: Balance) -> Self {
		Self { client, dest, value }
	}
}

impl ExtrinsicBuilder for TransferKeepAliveBuilder {
	fn pallet(&self) -> &str {
		"balances"
	}

	fn extrinsic(&self) -> &str {
		"transfer_keep_alive"
	}

	fn build(&self, nonce: u32) -> std::result::Result<OpaqueExtrinsic, &'static str> {
		let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: self.dest.clone().into(),
			value: self.value,
		});
		signed_extrinsic(&self.client, Sr25519Keyring::Bob.pair(), call, nonce)
	}
}

/// `call` signed by `sender` with `nonce`, mortal from the best block, with the runtime's
/// transaction extensions, as a wallet signs it.
pub fn signed_extrinsic(
	client: &FullClient,
	sender: sr25519::Pair,
	call: RuntimeCall,
	nonce: u32,
) -> std::result::Result<OpaqueExtrinsic, &'static str> {
	let info = client.usage_info().chain;
	let genesis = info.genesis_hash;
	let best = info.best_hash;
	let period = u64::from(BlockHashCount::get())
		.checked_next_power_of_two()
		.and_then(|p| p.checked_div(2))
		.unwrap_or(1);
	let era = Era::mortal(period, info.best_number.saturated_into());
	let extension: TxExtension = (
		frame_system::AuthorizeCall::new(),
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(era),
		frame_system::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		pallet_skip_feeless_payment::SkipCheckIfFeeless::from(
			pallet_transaction_payment::ChargeTransactionPayment::from(0),
		),
		frame_metadata_hash_extension::CheckMetadataHash::new(false),
		frame_system::WeightReclaim::new(),
	);
	let implicit = (
		(),
		(),
		VERSION.spec_version,
		VERSION.transaction_version,
		genesis,
		best,
		(),
		(),
		(),
		None,
		(),
	);
	let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
	let signature = payload.using_encoded(|bytes| sender.sign(bytes));
	let extrinsic = UncheckedExtrinsic::new_signed(
		call,
		AccountId::from(sender.public()).into(),
		MultiSignature::Sr25519(signature),
		extension,
	);
	OpaqueExtrinsic::try_from_encoded_extrinsic(&extrinsic.encode())
		.map_err(|_| "the extrinsic does not re-encode as an opaque extrinsic")
}

/// The inherents of a benchmark block: a timestamp at the genesis slot (Aura requires the
/// timestamp's slot to be the block's, and the benchmark blocks carry no slot digest).
pub fn inherent_benchmark_data() -> Result<InherentData> {
	let mut inherent_data = InherentData::new();
	let timestamp = sp_timestamp::InherentDataProvider::new(Duration::ZERO.into());
	futures::executor::block_on(timestamp.provide_inherent_data(&mut inherent_data))
		.map_err(|e| format!("creating the timestamp inherent: {e:?}"))?;
	Ok(inherent_data)
}
