//! Chain specifications: the dev, local, testnet and production chains built from the
//! runtime's presets, or any chain spec JSON file.

use salus_runtime::{
	genesis_config_presets::{PRODUCTION_RUNTIME_PRESET, TESTNET_RUNTIME_PRESET},
	token::{DECIMALS, SS58_PREFIX, SYMBOL},
	WASM_BINARY,
};
use sc_service::{ChainType, Properties};
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};

/// A Salus chain spec: no extensions beyond the standard ones.
pub type ChainSpec = sc_service::GenericChainSpec;

/// What wallets and explorers need to show balances and addresses: SLS, 12 decimals, prefix 42.
pub fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), SYMBOL.into());
	properties.insert("tokenDecimals".into(), DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

fn from_preset(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
) -> Result<ChainSpec, String> {
	let wasm = WASM_BINARY.ok_or("the runtime's wasm is not built (was SKIP_WASM_BUILD set?)")?;
	Ok(ChainSpec::builder(wasm, None)
		.with_name(name)
		.with_id(id)
		.with_protocol_id("salus")
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build())
}

/// A single-validator development chain (Alice).
pub fn development() -> Result<ChainSpec, String> {
	from_preset("Salus Development", "salus_dev", ChainType::Development, DEV_RUNTIME_PRESET)
}

/// A four-validator local network (Alice, Bob, Charlie, Dave).
pub fn local() -> Result<ChainSpec, String> {
	from_preset("Salus Local", "salus_local", ChainType::Local, LOCAL_TESTNET_RUNTIME_PRESET)
}

/// The public testnet template: its keys are placeholders to replace before launch.
pub fn testnet() -> Result<ChainSpec, String> {
	from_preset("Salus Testnet", "salus_testnet", ChainType::Live, TESTNET_RUNTIME_PRESET)
}

/// The production template: no sudo and no well-known key. Its keys are unusable placeholders
/// (nobody holds their secret keys): export it with `build-spec --chain production`, replace
/// every key with the network's own, then build the raw spec from the edited file.
pub fn production() -> Result<ChainSpec, String> {
	from_preset("Salus", "salus", ChainType::Live, PRODUCTION_RUNTIME_PRESET)
}

/// The chain spec for `--chain id`: `dev`, `local`, `testnet`, `production` or a path to a
/// JSON file.
pub fn load(id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	Ok(match id {
		"dev" => Box::new(development()?),
		"" | "local" => Box::new(local()?),
		"testnet" => Box::new(testnet()?),
		"production" => Box::new(production()?),
		path => Box::new(ChainSpec::from_json_file(std::path::PathBuf::from(path))?),
	})
}
