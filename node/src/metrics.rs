//! Salus's own Prometheus metrics, beside the node's standard ones (`substrate_*`: block height,
//! finality, peers, transaction pool), on the same endpoint (`--prometheus-port`, 9615, loopback
//! unless `--prometheus-external`):
//!
//! | metric | type | what |
//! |---|---|---|
//! | `salus_calls_total{pallet, call}` | counter | Salus calls in the best blocks this node imported, by pallet and call |
//! | `salus_calls_in_best_block` | gauge | Salus calls in the newest best block |
//! | `salus_extrinsics_in_best_block` | gauge | extrinsics of any kind in it (inherents included) |
//! | `salus_undecodable_extrinsics_total` | counter | extrinsics this node could not read with the runtime it was built with (a newer runtime's calls) |
//!
//! A call is counted by its outer call: a Salus call sent through `Proxy.proxy` or
//! `Utility.batch` counts as `Proxy`/`Utility`, not as the Salus call inside. A block counts
//! when this node imports it as its new best block: blocks imported during the initial sync
//! (no import notification) and blocks that become best only through a reorg's route are not
//! counted, and a block retracted by a reorg stays counted — the counter is of the work this node
//! saw arrive as its best block, a rate to watch, not a ledger (the chain's events are the
//! ledger).

use codec::{Decode, Encode};
use frame_support::traits::GetCallMetadata;
use futures::StreamExt;
use salus_runtime::{opaque::Block, RuntimeCall, UncheckedExtrinsic};
use sc_client_api::{BlockBackend, BlockchainEvents};
use std::sync::Arc;
use substrate_prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, Opts, PrometheusError, Registry, U64,
};

/// The metrics, registered with the node's registry.
#[derive(Clone)]
pub struct SalusMetrics {
	calls: CounterVec<U64>,
	calls_in_block: Gauge<U64>,
	extrinsics_in_block: Gauge<U64>,
	undecodable: Counter<U64>,
}

impl SalusMetrics {
	/// Registers the metrics with `registry`.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		Ok(Self {
			calls: register(
				CounterVec::new(
					Opts::new(
						"salus_calls_total",
						"Salus calls in the best blocks imported, by pallet and call",
					),
					&["pallet", "call"],
				)?,
				registry,
			)?,
			calls_in_block: register(
				Gauge::new("salus_calls_in_best_block", "Salus calls in the newest best block")?,
				registry,
			)?,
			extrinsics_in_block: register(
				Gauge::new(
					"salus_extrinsics_in_best_block",
					"Extrinsics of any kind in the newest best block",
				)?,
				registry,
			)?,
			undecodable: register(
				Counter::new(
					"salus_undecodable_extrinsics_total",
					"Extrinsics this node could not read with the runtime it was built with",
				)?,
				registry,
			)?,
		})
	}

	/// Counts the calls of one best block's extrinsics (as SCALE-encoded opaque extrinsics).
	pub fn count_block<'a>(&self, extrinsics: impl IntoIterator<Item = &'a [u8]>) {
		let (mut all, mut salus) = (0_u64, 0_u64);
		for bytes in extrinsics {
			all = all.saturating_add(1);
			match UncheckedExtrinsic::decode(&mut &bytes[..]) {
				Ok(extrinsic) => {
					if let Some((pallet, call)) = salus_call(&extrinsic.function) {
						salus = salus.saturating_add(1);
						self.calls.with_label_values(&[pallet, call]).inc();
					}
				},
				Err(_) => self.undecodable.inc(),
			}
		}
		self.calls_in_block.set(salus);
		self.extrinsics_in_block.set(all);
	}
}

/// The pallet and call name of `call` if it is a Salus pallet's.
pub fn salus_call(call: &RuntimeCall) -> Option<(&'static str, &'static str)> {
	match call {
		RuntimeCall::HealthIdentity(..)
		| RuntimeCall::Consent(..)
		| RuntimeCall::Access(..)
		| RuntimeCall::Disputes(..)
		| RuntimeCall::Rewards(..) => {
			let metadata = call.get_call_metadata();
			Some((metadata.pallet_name, metadata.function_name))
		},
		_ => None,
	}
}

/// Counts every new best block's calls until the node stops.
pub async fn run<C>(client: Arc<C>, metrics: SalusMetrics)
where
	C: BlockchainEvents<Block> + BlockBackend<Block> + Send + Sync + 'static,
{
	let mut imported = client.import_notification_stream();
	while let Some(notification) = imported.next().await {
		if !notification.is_new_best {
			continue;
		}
		match client.block_body(notification.hash) {
			Ok(Some(body)) => {
				let encoded: Vec<Vec<u8>> = body.iter().map(Encode::encode).collect();
				metrics.count_block(encoded.iter().map(Vec::as_slice));
			},
			Ok(None) => {},
			Err(error) => {
				log::debug!(target: "salus", "metrics: no body for a best block: {error}")
			},
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use salus_runtime::{AccountId, RuntimeCall};

	fn unsigned(call: RuntimeCall) -> Vec<u8> {
		UncheckedExtrinsic::new_bare(call).encode()
	}

	fn value(registry: &Registry, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
		registry
			.gather()
			.into_iter()
			.find(|family| family.get_name() == name)
			.and_then(|family| {
				family
					.get_metric()
					.iter()
					.find(|metric| {
						labels.iter().all(|(k, v)| {
							metric
								.get_label()
								.iter()
								.any(|l| l.get_name() == *k && l.get_value() == *v)
						})
					})
					.map(|metric| {
						if name.ends_with("_total") {
							metric.get_counter().get_value()
						} else {
							metric.get_gauge().get_value()
						}
					})
			})
	}

	#[test]
	fn counts_salus_calls_by_pallet_and_call_and_nothing_else() {
		let registry = Registry::new();
		let metrics = SalusMetrics::register(&registry).expect("registers");
		let revoke = RuntimeCall::Consent(pallet_consent::Call::revoke_consent { id: 1 });
		let now = RuntimeCall::Timestamp(pallet_timestamp::Call::set { now: 1 });
		let transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: AccountId::from([1; 32]).into(),
			value: 1,
		});
		let block = [unsigned(now), unsigned(revoke.clone()), unsigned(revoke), unsigned(transfer)];
		metrics.count_block(block.iter().map(Vec::as_slice));
		let calls = [("pallet", "Consent"), ("call", "revoke_consent")];
		assert_eq!(value(&registry, "salus_calls_total", &calls), Some(2.0));
		assert_eq!(value(&registry, "salus_calls_in_best_block", &[]), Some(2.0));
		assert_eq!(value(&registry, "salus_extrinsics_in_best_block", &[]), Some(4.0));
		// The next block replaces the gauges and adds to the counter.
		metrics.count_block([&[0xff_u8, 0x00][..]]);
		assert_eq!(value(&registry, "salus_calls_total", &calls), Some(2.0));
		assert_eq!(value(&registry, "salus_calls_in_best_block", &[]), Some(0.0));
		assert_eq!(value(&registry, "salus_undecodable_extrinsics_total", &[]), Some(1.0));
		assert_eq!(
			salus_call(&RuntimeCall::Timestamp(pallet_timestamp::Call::set { now: 1 })),
			None
		);
	}
}
