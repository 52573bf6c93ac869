//! The Rust client of Salus, for dapp and integration developers and for the `salus` CLI.
//!
//! - [`Client::connect`] to a node, checking that it runs a runtime this client can encode
//!   calls for (same spec name and transaction version).
//! - [`tx`]: a typed builder for every call of the Salus pallets (and the council's motions),
//!   built from the runtime's own types, so that a call that does not type-check does not
//!   compile. [`Client::submit`] signs one with a [`Signer`], submits it and waits for
//!   inclusion or finality ([`Wait`]); a refused call is [`Error::Dispatch`] with its
//!   pallet's error name (`Consent::NotRegistered`), a call the pool rejects
//!   [`Error::Rejected`].
//! - The runtime APIs ([`Client::check_access`], [`Client::consents_of`],
//!   [`Client::disclosures_of`], …) and the node's access RPCs ([`Client::rpc_check_access`],
//!   [`Client::rpc_check_access_batch`]) with typed answers.
//! - [`Client::watch`]: the events, block by block, that concern one patient or provider.
//!
//! Signers come from a dev account (`//Alice`), a secret in an environment variable, or a
//! keystore file ([`Signer`]); never from a command line.
//!
//! ```no_run
//! # async fn example() -> Result<(), salus_client::Error> {
//! use salus_client::{tx, Client, Signer, Wait};
//! use salus_primitives::{DataClass, DataClassSet, Decision, Grantee, Purpose, PurposeSet};
//!
//! let client = Client::connect("ws://127.0.0.1:9944").await?;
//! let alice = Signer::dev("alice")?;
//! let consent = tx::consent::grant_consent(
//!     Grantee::Provider(0),
//!     Decision::Permit,
//!     DataClassSet::of(&[DataClass::LabResults]),
//!     PurposeSet::of(&[Purpose::Treatment]),
//!     None,
//!     None,
//!     None,
//! )?;
//! let included = client.submit(consent, &alice, Wait::InBlock).await?;
//! println!("in block {:?}: {:?}", included.block_hash, included.events);
//! # Ok(())
//! # }
//! ```

pub mod api;
pub mod flows;
pub mod signer;
pub mod tx;
pub mod watch;

pub use api::Decision as AccessAnswer;
pub use salus_runtime::{AccountId, Balance, BlockNumber, Hash, RuntimeCall, RuntimeEvent};
pub use signer::Signer;
pub use watch::{Concerning, Watched};

use codec::{Decode, Encode};
use std::{
	collections::HashMap,
	sync::{Arc, Mutex, PoisonError},
};
use subxt::{
	rpcs::{rpc_params, RpcClient},
	OnlineClient, SubstrateConfig,
};

/// Everything that can go wrong talking to a node, one line each.
#[derive(Debug, thiserror::Error)]
pub enum Error {
	/// No connection to the node.
	#[error("cannot reach the node at {url}: {reason}")]
	Connect {
		/// The endpoint.
		url: String,
		/// Why.
		reason: String,
	},
	/// The node runs a runtime this client cannot encode calls for.
	#[error(
		"the node runs {found}, this client speaks {expected}: use a client built for that runtime"
	)]
	Incompatible {
		/// What the client was built for.
		expected: String,
		/// What the node runs.
		found: String,
	},
	/// The chain refused the call: the pallet's error, by name.
	#[error("the chain refused the call: {pallet}::{error}")]
	Dispatch {
		/// The pallet (`Consent`).
		pallet: String,
		/// The error (`NotRegistered`).
		error: String,
		/// The block that included the refused call.
		block_hash: Hash,
	},
	/// The node did not take the transaction, or its pool dropped it: it is not in a block
	/// now, though a peer it reached may still include it while it is valid.
	#[error("the transaction was not included: {0}")]
	Rejected(String),
	/// The transaction was submitted (and may be, or is, on chain) but what became of it could
	/// not be read: look before sending it again.
	#[error("the transaction {extrinsic_hash:?} was submitted but its outcome is unknown ({reason}): check the chain before sending it again")]
	Unconfirmed {
		/// The transaction's hash.
		extrinsic_hash: Hash,
		/// Why its outcome is unknown.
		reason: String,
	},
	/// A JSON-RPC request failed.
	#[error("{method}: {reason}")]
	Rpc {
		/// The method.
		method: String,
		/// Why.
		reason: String,
	},
	/// An answer that did not decode as the runtime's type.
	#[error("cannot decode {what}: {reason}")]
	Decode {
		/// What was decoded.
		what: String,
		/// Why.
		reason: String,
	},
	/// An argument the chain would refuse, found before signing.
	#[error("{0}")]
	Invalid(String),
	/// A key that cannot be loaded.
	#[error("{0}")]
	Key(String),
}

impl Error {
	fn rpc(method: &str, reason: impl std::fmt::Display) -> Self {
		Self::Rpc { method: method.to_owned(), reason: reason.to_string() }
	}

	fn decode(what: &str, reason: impl std::fmt::Display) -> Self {
		Self::Decode { what: what.to_owned(), reason: reason.to_string() }
	}

	/// The dispatch error's `Pallet::Error` name, if the chain refused the call.
	pub fn dispatch_name(&self) -> Option<String> {
		match self {
			Self::Dispatch { pallet, error, .. } => Some(format!("{pallet}::{error}")),
			_ => None,
		}
	}
}

/// How long [`Client::submit`] waits.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Wait {
	/// Until the transaction is in a best block: its events are known, but a fork could
	/// still drop it.
	#[default]
	InBlock,
	/// Until the block that includes it is finalized.
	Finalized,
}

/// What an included transaction did.
#[derive(Clone, Debug)]
pub struct Included {
	/// The block that included it.
	pub block_hash: Hash,
	/// The transaction's hash.
	pub extrinsic_hash: Hash,
	/// Its events, in order (the fee payment and `ExtrinsicSuccess` included).
	pub events: Vec<RuntimeEvent>,
}

impl Included {
	/// The first event `pick` recognises, e.g. the id a call assigned.
	pub fn find<T>(&self, pick: impl FnMut(&RuntimeEvent) -> Option<T>) -> Option<T> {
		self.events.iter().find_map(pick)
	}
}

/// A connection to a Salus node.
#[derive(Clone)]
pub struct Client {
	rpc: RpcClient,
	api: OnlineClient<SubstrateConfig>,
	url: String,
	/// One lock per signer, held from signing until inclusion, so that two submissions of
	/// one signer through this client take their nonces one after the other.
	lanes: Arc<Mutex<HashMap<[u8; 32], Arc<tokio::sync::Mutex<()>>>>>,
}

/// The runtime this client was built for: `salus` at this transaction version.
pub fn built_for() -> (String, u32) {
	let version = &salus_runtime::VERSION;
	(version.spec_name.to_string(), version.transaction_version)
}

impl Client {
	/// Connects to the node at `url` (`ws://…` or `wss://…`) and checks its runtime: the
	/// same spec name and transaction version as the runtime this client was built with
	/// (calls are encoded with its types; a runtime whose calls encode differently bumps its
	/// transaction version).
	pub async fn connect(url: &str) -> Result<Self, Error> {
		let connect_error = |reason: String| Error::Connect { url: url.to_owned(), reason };
		let rpc = if url.starts_with("ws://") || url.starts_with("http://") {
			RpcClient::from_insecure_url(url).await
		} else {
			RpcClient::from_url(url).await
		}
		.map_err(|e| connect_error(e.to_string()))?;
		let version: serde_json::Value = rpc
			.request("state_getRuntimeVersion", rpc_params![])
			.await
			.map_err(|e| connect_error(e.to_string()))?;
		let spec_name = version.get("specName").and_then(|v| v.as_str()).unwrap_or("?");
		let transaction = version.get("transactionVersion").and_then(|v| v.as_u64()).unwrap_or(0);
		let (name, expected) = built_for();
		if spec_name != name || transaction != u64::from(expected) {
			return Err(Error::Incompatible {
				expected: format!("{name} (transaction version {expected})"),
				found: format!("{spec_name} (transaction version {transaction})"),
			});
		}
		let api = OnlineClient::<SubstrateConfig>::from_rpc_client(rpc.clone())
			.await
			.map_err(|e| connect_error(e.to_string()))?;
		Ok(Self { rpc, api, url: url.to_owned(), lanes: Default::default() })
	}

	/// The node's endpoint.
	pub fn url(&self) -> &str {
		&self.url
	}

	/// A JSON-RPC request to the node.
	pub async fn rpc<T: serde::de::DeserializeOwned>(
		&self,
		method: &str,
		params: subxt::rpcs::client::RpcParams,
	) -> Result<T, Error> {
		self.rpc.request(method, params).await.map_err(|e| Error::rpc(method, e))
	}

	/// A JSON-RPC subscription.
	pub async fn subscribe<T: serde::de::DeserializeOwned>(
		&self,
		method: &str,
		params: subxt::rpcs::client::RpcParams,
		unsubscribe: &str,
	) -> Result<subxt::rpcs::client::RpcSubscription<T>, Error> {
		self.rpc
			.subscribe(method, params, unsubscribe)
			.await
			.map_err(|e| Error::rpc(method, e))
	}

	/// The hash of the best block.
	pub async fn best_hash(&self) -> Result<Hash, Error> {
		self.rpc("chain_getBlockHash", rpc_params![]).await
	}

	/// The hash of the last finalized block.
	pub async fn finalized_hash(&self) -> Result<Hash, Error> {
		self.rpc("chain_getFinalizedHead", rpc_params![]).await
	}

	/// The number of block `hash` (the best block if `None`).
	pub async fn block_number(&self, hash: Option<Hash>) -> Result<BlockNumber, Error> {
		let header: serde_json::Value = self.rpc("chain_getHeader", rpc_params![hash]).await?;
		let hex = header
			.get("number")
			.and_then(|n| n.as_str())
			.ok_or_else(|| Error::decode("a header", "no number"))?;
		BlockNumber::from_str_radix(hex.trim_start_matches("0x"), 16)
			.map_err(|e| Error::decode("a block number", e))
	}

	/// Signs `call` with `signer`, submits it, and waits as `wait` says; the call's events,
	/// or [`Error::Dispatch`] with the pallet error that refused it. [`Error::Rejected`]: it
	/// is not on chain; [`Error::Unconfirmed`]: it was submitted but what became of it could
	/// not be read (do not simply send it again). Submissions of one signer through one
	/// client are signed one after the other, each once the previous is in a block; the nonce
	/// counts the signer's transactions in the node's pool, so other processes signing with
	/// the same key do not collide with it either.
	pub async fn submit(
		&self,
		call: RuntimeCall,
		signer: &Signer,
		wait: Wait,
	) -> Result<Included, Error> {
		let lane = {
			let mut lanes = self.lanes.lock().unwrap_or_else(PoisonError::into_inner);
			Arc::clone(lanes.entry(signer.public()).or_default())
		};
		let _turn = lane.lock().await;
		let signed = self.sign(call, signer, None).await?;
		self.submit_signed(&signed, wait).await
	}

	/// A guardian (`signer`) makes `call` for its `ward`, as [`Client::submit`] does, through
	/// [`tx::guardian::on_behalf_of`]. The transaction succeeds whatever the call does; the
	/// call's own refusal (its pallet's error, or `System::CallFiltered` for a call a guardian
	/// may not make) comes back as [`Error::Dispatch`], as if the ward had made it.
	pub async fn submit_for(
		&self,
		ward: &AccountId,
		call: RuntimeCall,
		signer: &Signer,
		wait: Wait,
	) -> Result<Included, Error> {
		let included = self
			.submit(tx::guardian::on_behalf_of(ward.clone(), call), signer, wait)
			.await?;
		// The outer proxy's event is the last: a nested proxy's comes before it.
		let outcome = included.events.iter().rev().find_map(|event| match event {
			RuntimeEvent::Proxy(pallet_proxy::Event::ProxyExecuted { result }) => Some(*result),
			_ => None,
		});
		match outcome {
			Some(Err(error)) => {
				let (pallet, error) = dispatch_error_name(error);
				Err(Error::Dispatch { pallet, error, block_hash: included.block_hash })
			},
			Some(Ok(())) => Ok(included),
			None => Err(Error::decode("a guardian's call", "no ProxyExecuted event")),
		}
	}

	/// Signs `call` with `signer` (the nonce counting the signer's transactions in the pool),
	/// without submitting it. With `mortal_for`, the transaction is valid only for about that
	/// many blocks from the best one, and [`Signed::valid_until`] says after which block it can
	/// never be included: what a client that may crash needs in order to send something exactly
	/// once (record the hash, submit; after a crash, look for the hash up to that block).
	pub async fn sign(
		&self,
		call: RuntimeCall,
		signer: &Signer,
		mortal_for: Option<u32>,
	) -> Result<Signed, Error> {
		let submit_error = |e: &dyn std::fmt::Display| Error::Rejected(e.to_string());
		let best = self.block_number(None).await?;
		let at = self.api.at_block(u64::from(best)).await.map_err(|e| submit_error(&e))?;
		let nonce = self.nonce(&signer.account()).await?;
		let mut params =
			subxt::config::DefaultExtrinsicParamsBuilder::<SubstrateConfig>::new().nonce(nonce);
		let valid_until = match mortal_for {
			Some(blocks) => {
				params = params.mortal(u64::from(blocks));
				// The era's period: subxt's clamp to 4..=65536, then the next power of two,
				// from a birth at or before `best`.
				let period = blocks.clamp(4, 65_536).checked_next_power_of_two().unwrap_or(65_536);
				Some(best.saturating_add(period))
			},
			None => None,
		};
		let mut tx = at.tx();
		let payload = tx.from_call_data_bytes(&call.encode()).map_err(|e| submit_error(&e))?;
		let signed = tx
			.create_signed(&payload, signer.keypair(), params.build())
			.await
			.map_err(|e| submit_error(&e))?;
		Ok(Signed { hash: Hash::from(signed.hash().0), bytes: signed.into_encoded(), valid_until })
	}

	/// Submits a transaction signed by [`Self::sign`] and waits as `wait` says (see
	/// [`Self::submit`]).
	pub async fn submit_signed(&self, signed: &Signed, wait: Wait) -> Result<Included, Error> {
		use subxt::transactions::TransactionStatus as Status;
		let extrinsic_hash = signed.hash;
		let unconfirmed = |reason: String| Error::Unconfirmed { extrinsic_hash, reason };
		let best = self.block_number(None).await?;
		let at = self
			.api
			.at_block(u64::from(best))
			.await
			.map_err(|e| Error::Rejected(e.to_string()))?;
		let mut progress = at
			.tx()
			.from_bytes(signed.bytes.clone())
			.submit_and_watch()
			.await
			.map_err(|e| Error::Rejected(e.to_string()))?;
		let in_block = loop {
			let status = progress
				.next()
				.await
				.ok_or_else(|| unconfirmed("the node stopped reporting its status".into()))?
				.map_err(|e| unconfirmed(e.to_string()))?;
			match status {
				Status::InBestBlock(in_block) if wait == Wait::InBlock => break in_block,
				Status::InFinalizedBlock(in_block) => break in_block,
				Status::Error { message }
				| Status::Invalid { message }
				| Status::Dropped { message } => {
					return Err(Error::Rejected(message));
				},
				_ => continue,
			}
		};
		let block_hash = Hash::from(in_block.block_hash().0);
		let found = in_block
			.fetch_events()
			.await
			.map_err(|e| unconfirmed(format!("in block {block_hash:?}, events unreadable: {e}")))?;
		let mut events = Vec::new();
		for event in found.iter() {
			let event = event.map_err(|e| {
				unconfirmed(format!("in block {block_hash:?}, an event unreadable: {e}"))
			})?;
			let record =
				frame_system::EventRecord::<RuntimeEvent, Hash>::decode(&mut event.bytes())
					.map_err(|e| {
						unconfirmed(format!("in block {block_hash:?}, an event unreadable: {e}"))
					})?;
			events.push(record.event);
		}
		outcome(block_hash, extrinsic_hash, events)
	}

	/// Where transaction `hash` went, looking at blocks `from..=to` of the best chain: the
	/// block and the transaction's events (or its dispatch error), or `None` if it is in none
	/// of them.
	pub async fn find_transaction(
		&self,
		hash: Hash,
		from: BlockNumber,
		to: BlockNumber,
	) -> Result<Option<Result<Included, Error>>, Error> {
		for number in from..=to {
			// A block the node does not have (a gap of a warp sync) is not a block without the
			// transaction: say so, rather than let the caller conclude it is in none.
			let Some(block_hash) =
				self.rpc::<Option<Hash>>("chain_getBlockHash", rpc_params![number]).await?
			else {
				return Err(Error::decode(
					"a block",
					format!("block {number} is unknown to the node"),
				));
			};
			let block: serde_json::Value =
				self.rpc("chain_getBlock", rpc_params![block_hash]).await?;
			let extrinsics = block
				.pointer("/block/extrinsics")
				.and_then(|e| e.as_array())
				.ok_or_else(|| Error::decode("a block", "no extrinsics"))?;
			let index = extrinsics.iter().position(|hex| {
				hex.as_str().and_then(|hex| sp_core::bytes::from_hex(hex).ok()).is_some_and(
					|bytes| {
						<sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(&bytes)
							== hash
					},
				)
			});
			let Some(index) = index.and_then(|i| u32::try_from(i).ok()) else { continue };
			let events = self
				.event_records(block_hash)
				.await?
				.into_iter()
				.filter(|record| record.phase == frame_system::Phase::ApplyExtrinsic(index))
				.map(|record| record.event)
				.collect();
			return Ok(Some(outcome(block_hash, hash, events)));
		}
		Ok(None)
	}

	/// The next nonce of `account`, counting its transactions waiting in the node's pool.
	pub async fn nonce(&self, account: &AccountId) -> Result<u64, Error> {
		self.rpc("system_accountNextIndex", rpc_params![account.to_string()]).await
	}
}

/// A transaction signed but not yet submitted ([`Client::sign`]).
#[derive(Clone, Debug)]
pub struct Signed {
	/// Its hash: how to find it in a block.
	pub hash: Hash,
	/// The transaction.
	pub bytes: Vec<u8>,
	/// For a mortal transaction, the block after which it can never be included.
	pub valid_until: Option<BlockNumber>,
}

/// The events of an included transaction, or the dispatch error that refused it.
fn outcome(
	block_hash: Hash,
	extrinsic_hash: Hash,
	events: Vec<RuntimeEvent>,
) -> Result<Included, Error> {
	for event in &events {
		if let RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
			dispatch_error, ..
		}) = event
		{
			let (pallet, error) = dispatch_error_name(*dispatch_error);
			return Err(Error::Dispatch { pallet, error, block_hash });
		}
	}
	Ok(Included { block_hash, extrinsic_hash, events })
}

/// A dispatch error as `(pallet, error)` names: `("Consent", "NotRegistered")` for a pallet's
/// error, `("Token", "FundsUnavailable")` or `("Arithmetic", "Overflow")` and the like for the
/// others.
pub fn dispatch_error_name(error: sp_runtime::DispatchError) -> (String, String) {
	use sp_runtime::DispatchError as E;
	match error {
		E::Module(_) => match salus_runtime::RuntimeError::from_dispatch_error(error) {
			Some(found) => split_variant(&format!("{found:?}")),
			None => ("Module".into(), format!("{error:?}")),
		},
		E::Token(token) => ("Token".into(), format!("{token:?}")),
		E::Arithmetic(arithmetic) => ("Arithmetic".into(), format!("{arithmetic:?}")),
		E::Transactional(transactional) => ("Transactional".into(), format!("{transactional:?}")),
		other => ("Dispatch".into(), format!("{other:?}")),
	}
}

/// `Consent(NotRegistered)` → `("Consent", "NotRegistered")`.
fn split_variant(debug: &str) -> (String, String) {
	match debug.split_once('(') {
		Some((pallet, rest)) => (pallet.to_owned(), rest.trim_end_matches(')').to_owned()),
		None => ("Module".to_owned(), debug.to_owned()),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_runtime::{DispatchError, ModuleError};

	#[test]
	fn a_pallet_error_is_named() {
		use frame_support::traits::PalletInfoAccess;
		let index = u8::try_from(salus_runtime::Consent::index()).unwrap();
		let mut raw = [0u8; 4];
		// NotRegistered is the consent pallet's first error.
		let error = DispatchError::Module(ModuleError { index, error: raw, message: None });
		assert_eq!(dispatch_error_name(error), ("Consent".to_owned(), "NotRegistered".to_owned()));
		raw[0] = 250;
		let unknown = DispatchError::Module(ModuleError { index, error: raw, message: None });
		assert_eq!(dispatch_error_name(unknown).0, "Module");
		let token = DispatchError::Token(sp_runtime::TokenError::FundsUnavailable);
		assert_eq!(dispatch_error_name(token), ("Token".to_owned(), "FundsUnavailable".to_owned()));
	}

	#[test]
	fn the_client_speaks_the_runtime_it_was_built_with() {
		let (name, version) = built_for();
		assert_eq!(name, "salus");
		assert_eq!(version, salus_runtime::VERSION.transaction_version);
	}
}
