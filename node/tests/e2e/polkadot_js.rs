//! polkadot.js — the `@polkadot/api` library that polkadot.js apps and most wallets are built
//! on — against a running dev chain (script: `tests/polkadot-js/check.mjs`).

use crate::harness::{Result, TestNode};
use std::{path::Path, time::Duration};

/// polkadot.js connects, reads SLS/12/42 and the metadata, reads Alice's balance, then signs
/// and submits `healthIdentity.registerPatient`, which lands in a block; then signs a fee-free
/// `consent.grantConsent`, asks the access decision through `api.call.consentApi` and reads
/// `api.call.accessApi`. Last, it estimates a transfer's fee the ways wallets do.
#[tokio::test(flavor = "multi_thread")]
async fn polkadot_js_reads_the_chain_and_submits_a_salus_call() -> Result {
	let dir = Path::new(&crate::harness::manifest_dir()).join("tests/polkadot-js");
	if !dir.join("node_modules/@polkadot/api").exists() {
		return Err(
			format!("run `npm ci` in {} first (scripts/test.sh does)", dir.display()).into()
		);
	}
	let mut node = TestNode::dev()?;
	node.client().await?.wait_for_blocks(1, 0, Duration::from_secs(60)).await?;

	let run = tokio::process::Command::new("node")
		.arg("check.mjs")
		.arg(&node.rpc_url)
		.current_dir(&dir)
		.kill_on_drop(true)
		.output();
	let output = tokio::time::timeout(Duration::from_secs(120), run).await??;
	let stdout = String::from_utf8_lossy(&output.stdout);
	if !output.status.success() {
		return Err(format!(
			"check.mjs failed: {}\n{stdout}\n{}\n--- node log ---\n{}",
			output.status,
			String::from_utf8_lossy(&output.stderr),
			node.log_tail(20)
		)
		.into());
	}
	let seen: serde_json::Value =
		serde_json::from_str(stdout.lines().last().ok_or("check.mjs printed nothing")?)?;

	assert_eq!(seen["properties"]["tokenSymbol"], serde_json::json!(["SLS"]), "{seen}");
	assert_eq!(seen["properties"]["tokenDecimals"], serde_json::json!([12]), "{seen}");
	assert_eq!(seen["properties"]["ss58Format"], 42, "{seen}");
	assert_eq!(seen["specName"], "salus");
	let pallets = seen["pallets"].as_array().ok_or("no pallets")?;
	for pallet in ["Balances", "Council", "Treasury", "HealthIdentity", "Consent", "Access"] {
		assert!(pallets.iter().any(|p| p == pallet), "{pallet} missing from {pallets:?}");
	}
	let dev_endowment = salus_runtime::genesis_config_presets::DEV_ENDOWMENT.to_string();
	assert_eq!(seen["aliceFree"], dev_endowment.as_str());
	let events = seen["events"].as_array().ok_or("no events")?;
	assert!(events.iter().any(|e| e == "healthIdentity.PatientRegistered"), "{events:?}");
	assert!(events.iter().any(|e| e == "system.ExtrinsicSuccess"), "{events:?}");
	// The jurisdiction polkadot.js passed as "DE" arrived as the two bytes of "DE".
	assert_eq!(seen["patientJurisdiction"], "0x4445");

	// The consent polkadot.js signed was recorded, free of fees...
	let events = seen["consentEvents"].as_array().ok_or("no consent events")?;
	assert!(events.iter().any(|e| e == "consent.ConsentGranted"), "{events:?}");
	assert!(events.iter().any(|e| e == "skipFeelessPayment.FeeSkipped"), "{events:?}");
	assert!(!events.iter().any(|e| e == "transactionPayment.TransactionFeePaid"), "{events:?}");
	// ... and polkadot.js reads it and the access decision through the runtime API.
	assert_eq!(seen["consents"][0]["grantee"]["providers"]["kind"], "Hospital", "{seen}");
	assert_eq!(seen["consents"][0]["classes"], (1 << 2) | (1 << 5), "{seen}");
	assert_eq!(seen["ownData"], serde_json::json!({ "permit": { "basis": { "ownData": null } } }));
	assert_eq!(
		seen["notPractitioner"],
		serde_json::json!({ "deny": { "reason": { "notPractitioner": null } } })
	);
	// polkadot.js reads the access pallet's runtime API too.
	assert_eq!(seen["pendingRequests"], serde_json::json!([]), "{seen}");
	assert_eq!(seen["disclosureCount"], 0, "{seen}");

	// Fee estimation: the `payment_queryInfo` RPC (sent raw), the runtime API given the
	// extrinsic's SCALE bytes (`toU8a()`) and `tx.paymentInfo()` agree. Given the extrinsic object, polkadot.js
	// encodes its JSON text as the parameter (the metadata describes `UncheckedExtrinsic` as
	// opaque bytes), which the runtime cannot decode: its API entry point panics (a trap).
	// See runtime/src/tests/apis.rs.
	let fees = &seen["fees"];
	let rpc: u128 = fees["rpc"].as_str().ok_or("no rpc fee")?.parse()?;
	assert!(rpc > 0, "{fees}");
	assert_eq!(fees["runtimeApiU8a"], fees["rpc"], "{fees}");
	assert_eq!(fees["paymentInfo"], fees["rpc"], "{fees}");
	let object = fees["runtimeApiObject"].as_str().ok_or("no runtimeApiObject")?;
	assert!(object.starts_with("error:") && object.contains("query_info"), "{object}");
	Ok(())
}
