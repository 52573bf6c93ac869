//! The node's RPC methods beyond Substrate's standard ones: account nonces, fee queries, and
//! the access decision answered natively (`salus_checkAccess`, `salus_checkAccessBatch`,
//! `salus_accessStats`: [`crate::access`]), and the push of possible changes to decisions
//! (`salus_subscribeAccessChanges`: [`crate::access_changes`]).
//!
//! Salus's other queries (consents, disclosures, rewards) are runtime APIs, reached through the
//! standard `state_call` method.

use jsonrpsee::RpcModule;
use salus_runtime::{opaque::Block, AccountId, Balance, Nonce};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use std::sync::Arc;

/// What the RPC methods need.
pub struct FullDeps<C, P, B> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// The client's database, whose state the native access decision reads.
	pub backend: Arc<B>,
	/// The access decision's counters and settings, shared by every connection.
	pub access: Arc<crate::access::AccessState>,
}

/// All of the node's extra RPC methods.
pub fn create_full<C, P, B>(
	deps: FullDeps<C, P, B>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ sc_client_api::BlockchainEvents<Block>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: pallet_consent::runtime_api::ConsentApi<Block, AccountId, Balance>,
	P: TransactionPool + 'static,
	B: sc_client_api::Backend<Block> + Send + Sync + 'static,
{
	use crate::access::{SalusAccess, SalusAccessApiServer};
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, backend, access } = deps;
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(SalusAccess::new(client, backend, access).into_rpc())?;
	Ok(module)
}
