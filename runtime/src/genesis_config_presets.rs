//! Genesis presets: the initial state of each kind of Salus chain.
//!
//! | preset | `--chain` | authorities (Aura + GRANDPA) | sudo | council | arbitrators |
//! |---|---|---|---|---|---|
//! | `development` | `dev` | Alice | Alice | Alice, Bob, Charlie | Alice, Bob, Ferdie |
//! | `local_testnet` | `local` | Alice, Bob, Charlie, Dave | Alice | Alice, Bob, Charlie | Alice, Bob, Ferdie |
//! | `testnet` | `testnet` | One, Two (placeholders) | One (placeholder) | One, Two | One, Two |
//!
//! Dev and local endow the well-known development accounts with [`DEV_ENDOWMENT`] each. The
//! testnet preset is a template: its authority, sudo, council and arbitrator keys are the public
//! well-known `//One` and `//Two` keys, which anyone can sign with, so an operator must replace
//! them (see the README) before a public network starts.

use crate::{
	token::SLS, AccountId, ArbitratorsMembershipConfig, AuraConfig, Balance, BalancesConfig,
	CouncilMembershipConfig, GrandpaConfig, RuntimeGenesisConfig, SudoConfig,
};
use alloc::{vec, vec::Vec};
use frame_support::{build_struct_json_patch, BoundedVec};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// The id of the public-testnet template preset.
pub const TESTNET_RUNTIME_PRESET: &str = "testnet";

/// What each endowed account of a development or local chain starts with: one million SLS.
pub const DEV_ENDOWMENT: Balance = 1_000_000 * SLS;

/// A validator's keys: its Aura (sr25519) and GRANDPA (ed25519) public keys.
type AuthorityKeys = (AuraId, GrandpaId);

fn authority(sr25519: Sr25519Keyring, ed25519: Ed25519Keyring) -> AuthorityKeys {
	(sr25519.public().into(), ed25519.public().into())
}

/// The genesis state of a chain with the given validators, superuser, council, arbitrators and
/// endowments.
fn genesis(
	authorities: Vec<AuthorityKeys>,
	sudo: AccountId,
	council: Vec<AccountId>,
	arbitrators: Vec<AccountId>,
	endowed: Vec<(AccountId, Balance)>,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances: endowed },
		aura: AuraConfig {
			authorities: authorities.iter().map(|(aura, _)| aura.clone()).collect()
		},
		grandpa: GrandpaConfig {
			authorities: authorities.iter().map(|(_, grandpa)| (grandpa.clone(), 1)).collect(),
		},
		sudo: SudoConfig { key: Some(sudo) },
		council_membership: CouncilMembershipConfig { members: BoundedVec::truncate_from(council) },
		arbitrators_membership: ArbitratorsMembershipConfig {
			members: BoundedVec::truncate_from(arbitrators)
		},
	})
}

/// The well-known development accounts, each endowed with [`DEV_ENDOWMENT`].
fn dev_endowments() -> Vec<(AccountId, Balance)> {
	Sr25519Keyring::well_known()
		.map(|k| (k.to_account_id(), DEV_ENDOWMENT))
		.collect()
}

fn dev_council() -> Vec<AccountId> {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
		.into_iter()
		.map(|k| k.to_account_id())
		.collect()
}

/// The development arbitrators: two council members and Ferdie (the end-to-end dispute's
/// parties are Eve, Dave and Charlie).
fn dev_arbitrators() -> Vec<AccountId> {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Ferdie]
		.into_iter()
		.map(|k| k.to_account_id())
		.collect()
}

/// A single-validator development chain: Alice authors, finalises and is sudo.
pub fn development_config_genesis() -> Value {
	genesis(
		vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::Alice.to_account_id(),
		dev_council(),
		dev_arbitrators(),
		dev_endowments(),
	)
}

/// A four-validator local network: Alice, Bob, Charlie and Dave author and finalise.
pub fn local_config_genesis() -> Value {
	genesis(
		vec![
			authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			authority(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		Sr25519Keyring::Alice.to_account_id(),
		dev_council(),
		dev_arbitrators(),
		dev_endowments(),
	)
}

/// The public-testnet template. Its keys are placeholders to be replaced before launch.
pub fn testnet_config_genesis() -> Value {
	let placeholders = [Sr25519Keyring::One, Sr25519Keyring::Two];
	genesis(
		vec![
			authority(Sr25519Keyring::One, Ed25519Keyring::One),
			authority(Sr25519Keyring::Two, Ed25519Keyring::Two),
		],
		Sr25519Keyring::One.to_account_id(),
		placeholders.iter().map(|k| k.to_account_id()).collect(),
		placeholders.iter().map(|k| k.to_account_id()).collect(),
		placeholders.iter().map(|k| (k.to_account_id(), 10_000 * SLS)).collect(),
	)
}

/// The JSON patch of the preset with id `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_str() {
		DEV_RUNTIME_PRESET => development_config_genesis(),
		LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		TESTNET_RUNTIME_PRESET => testnet_config_genesis(),
		_ => return None,
	};
	serde_json::to_vec(&patch).ok()
}

/// The ids of every preset.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(DEV_RUNTIME_PRESET),
		PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(TESTNET_RUNTIME_PRESET),
	]
}
