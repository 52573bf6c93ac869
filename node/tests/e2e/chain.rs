//! The chain itself: it authors and finalises blocks and tells wallets what its token is.

use crate::harness::{run_scenario, Result};
use std::time::Duration;
use subxt::rpcs::rpc_params;

/// A dev node authors blocks (Aura), finalises them (GRANDPA) and reports SLS, 12 decimals
/// and SS58 prefix 42 in `system_properties`, which polkadot.js and wallets read.
#[tokio::test(flavor = "multi_thread")]
async fn dev_node_produces_and_finalizes_blocks_and_reports_sls_properties() -> Result {
	run_scenario(|client| async move {
		client.wait_for_blocks(3, 1, Duration::from_secs(120)).await?;

		let properties: serde_json::Value = client.rpc("system_properties", rpc_params![]).await?;
		assert_eq!(properties["tokenSymbol"], "SLS", "{properties}");
		assert_eq!(properties["tokenDecimals"], 12, "{properties}");
		assert_eq!(properties["ss58Format"], 42, "{properties}");

		let chain: String = client.rpc("system_chain", rpc_params![]).await?;
		assert_eq!(chain, "Salus Development");
		let version: serde_json::Value =
			client.rpc("state_getRuntimeVersion", rpc_params![]).await?;
		assert_eq!(version["specName"], "salus", "{version}");
		Ok(())
	})
	.await
}
