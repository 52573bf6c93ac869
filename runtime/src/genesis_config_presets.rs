//! Genesis presets: the initial state of each kind of Salus chain.
//!
//! | preset | `--chain` | authorities (Aura + GRANDPA) | sudo | council | arbitrators |
//! |---|---|---|---|---|---|
//! | `development` | `dev` | Alice | Alice | Alice, Bob, Charlie | Alice, Bob, Ferdie |
//! | `local_testnet` | `local` | Alice, Bob, Charlie, Dave | Alice | Alice, Bob, Charlie | Alice, Bob, Ferdie |
//! | `testnet` | `testnet` | One, Two (well-known placeholders) | none | One, Two | One, Two |
//! | `production` | `production` | 4 unusable placeholders | none | 5 unusable placeholders | 5 unusable placeholders |
//!
//! Every preset mints the same genesis supply, [`TOTAL_SUPPLY`] = 100 M SLS, allocated as
//!
//! | share | allocation | to | liquid at launch | vesting |
//! |---|---|---|---|---|
//! | 40 % | [`REWARD_POOL`] | the rewards pallet's pool account | all (paid out only by the emission schedule) | — |
//! | 20 % | [`TREASURY`] | the treasury | all (spent only by council motions) | — |
//! | 10 % | [`VALIDATORS`] | the validators' operators, in equal shares | 10 % | linear over 2 years |
//! | 20 % | [`ECOSYSTEM`] | the ecosystem fund (hospital onboarding, grants) | 25 % | linear over 4 years |
//! | 10 % | [`TEAM`] | the team | none | 1-year cliff, then linear over 3 years |
//!
//! Dev and local also endow the well-known development accounts with [`DEV_ENDOWMENT`] each,
//! on top of the supply, for testing; their operators are the authorities' stash accounts and
//! the ecosystem fund and team are `//Eve//stash` and `//Ferdie//stash`. Only dev and local
//! have a sudo key.
//!
//! The testnet preset is a template for a public test network: its authority, council and
//! arbitrator keys are the public well-known `//One` and `//Two` keys, and its ecosystem fund
//! and team the well-known `//Alice//stash` and `//Bob//stash`, which anyone can sign with, so
//! an operator must replace them (see the README) before a public network starts. It has no
//! sudo: governance is the council's, as on a production chain.
//!
//! The production preset has no sudo and no well-known key (a test fails the build if one of
//! the development keyring's keys appears in it). Its keys are [`placeholder`]s: 32-byte
//! hashes of public labels, for which nobody holds a secret key. A chain started from it
//! cannot author a block and nobody can spend its allocations, so it fails closed until the
//! operator replaces every key in the exported spec (`salus-node build-spec --chain
//! production`) with the network's real keys.

use crate::{
	configs::{governance::TreasuryAccount, health::RewardsPalletId},
	time::DAYS,
	token::SLS,
	AccountId, ArbitratorsMembershipConfig, AuraConfig, Balance, BalancesConfig, BlockNumber,
	CouncilMembershipConfig, GrandpaConfig, RewardsConfig, RuntimeGenesisConfig, SudoConfig,
	VestingConfig,
};
use alloc::{collections::BTreeMap, vec, vec::Vec};
use frame_support::{build_struct_json_patch, BoundedVec};
use pallet_rewards::RewardSchedule;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_runtime::traits::{AccountIdConversion, BlakeTwo256, Hash};

/// The id of the public-testnet template preset.
pub const TESTNET_RUNTIME_PRESET: &str = "testnet";
/// The id of the production template preset (no sudo, no well-known key).
pub const PRODUCTION_RUNTIME_PRESET: &str = "production";

/// What each endowed account of a development or local chain starts with, on top of the
/// genesis supply: one million SLS.
pub const DEV_ENDOWMENT: Balance = 1_000_000 * SLS;

/// The genesis supply: 100 million SLS.
pub const TOTAL_SUPPLY: Balance = 100_000_000 * SLS;
/// The reward pool's allocation (40 %).
pub const REWARD_POOL: Balance = 40_000_000 * SLS;
/// The treasury's allocation (20 %).
pub const TREASURY: Balance = 20_000_000 * SLS;
/// The validators' operators' allocation (10 %), shared equally.
pub const VALIDATORS: Balance = 10_000_000 * SLS;
/// The ecosystem fund's allocation (20 %).
pub const ECOSYSTEM: Balance = 20_000_000 * SLS;
/// The team's allocation (10 %).
pub const TEAM: Balance = 10_000_000 * SLS;

/// A year of blocks.
const YEAR: BlockNumber = 365 * DAYS;

/// The reward schedule at launch: a point is worth at most `MaxRewardPerPoint` (0.05 SLS), so
/// an approval earns at most 0.5 SLS (0.75 SLS with the research bonus), below the 1 SLS
/// request fee; a patient earns at most 100 points (5 SLS, `MaxRewardPerAccount`) a day.
/// Anchors and justified emergencies earn nothing: their only cost is a transaction fee worth
/// less than a point (`AnchorCost`, `EmergencyCost`; review finding 10).
pub const LAUNCH_SCHEDULE: RewardSchedule = RewardSchedule {
	request_approved: 10,
	record_anchored: 0,
	research_approved: 5,
	emergency_justified: 0,
	epoch_cap: 100,
};

/// Who receives the allocations that are not the pool's or the treasury's.
struct Allocation {
	/// The validators' operators.
	operators: Vec<AccountId>,
	/// The ecosystem fund.
	ecosystem: AccountId,
	/// The team.
	team: AccountId,
}

/// A vesting schedule as pallet-vesting's genesis takes it: account, first block, blocks to
/// vest, liquid amount.
type VestingEntry = (AccountId, BlockNumber, BlockNumber, Balance);

impl Allocation {
	/// The genesis balances (the supply, plus `extra` endowments) and vesting schedules.
	fn genesis(
		self,
		extra: Vec<(AccountId, Balance)>,
	) -> (Vec<(AccountId, Balance)>, Vec<VestingEntry>) {
		let mut balances = BTreeMap::<AccountId, Balance>::new();
		let mut add = |who: &AccountId, amount: Balance| {
			let entry = balances.entry(who.clone()).or_default();
			*entry = entry.saturating_add(amount);
		};
		for (who, amount) in &extra {
			add(who, *amount);
		}
		let pool: AccountId = RewardsPalletId::get().into_account_truncating();
		add(&pool, REWARD_POOL);
		let operators = self.operators.len().max(1) as Balance;
		let share = VALIDATORS.checked_div(operators).unwrap_or_default();
		// What does not divide evenly goes to the treasury, so the supply stays exact.
		add(
			&TreasuryAccount::get(),
			TREASURY.saturating_add(VALIDATORS.checked_rem(operators).unwrap_or_default()),
		);
		for operator in &self.operators {
			add(operator, share);
		}
		add(&self.ecosystem, ECOSYSTEM);
		add(&self.team, TEAM);

		// What an account already had (a development endowment) stays liquid.
		let had = |who: &AccountId| {
			extra
				.iter()
				.filter(|(of, _)| of == who)
				.map(|(_, amount)| *amount)
				.sum::<Balance>()
		};
		let mut vesting: Vec<VestingEntry> = self
			.operators
			.iter()
			.map(|operator| {
				(operator.clone(), 0, 2 * YEAR, had(operator).saturating_add(share / 10))
			})
			.collect();
		vesting.push((
			self.ecosystem.clone(),
			0,
			4 * YEAR,
			had(&self.ecosystem).saturating_add(ECOSYSTEM / 4),
		));
		vesting.push((self.team.clone(), YEAR, 3 * YEAR, had(&self.team)));
		(balances.into_iter().collect(), vesting)
	}
}

/// A validator's keys: its Aura (sr25519) and GRANDPA (ed25519) public keys.
type AuthorityKeys = (AuraId, GrandpaId);

fn authority(sr25519: Sr25519Keyring, ed25519: Ed25519Keyring) -> AuthorityKeys {
	(sr25519.public().into(), ed25519.public().into())
}

/// The genesis state of a chain with the given validators, superuser (if any), council,
/// arbitrators, allocation and extra endowments.
fn genesis(
	authorities: Vec<AuthorityKeys>,
	sudo: Option<AccountId>,
	council: Vec<AccountId>,
	arbitrators: Vec<AccountId>,
	allocation: Allocation,
	endowed: Vec<(AccountId, Balance)>,
) -> Value {
	let (balances, vesting) = allocation.genesis(endowed);
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances },
		vesting: VestingConfig { vesting },
		rewards: RewardsConfig { schedule: LAUNCH_SCHEDULE },
		aura: AuraConfig {
			authorities: authorities.iter().map(|(aura, _)| aura.clone()).collect()
		},
		grandpa: GrandpaConfig {
			authorities: authorities.iter().map(|(_, grandpa)| (grandpa.clone(), 1)).collect(),
		},
		sudo: SudoConfig { key: sudo },
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

/// The allocation of a development or local chain to the stash accounts of `operators`.
fn dev_allocation(operators: &[Sr25519Keyring]) -> Allocation {
	let stash = |key: &Sr25519Keyring| -> AccountId {
		match key {
			Sr25519Keyring::Alice => Sr25519Keyring::AliceStash,
			Sr25519Keyring::Bob => Sr25519Keyring::BobStash,
			Sr25519Keyring::Charlie => Sr25519Keyring::CharlieStash,
			_ => Sr25519Keyring::DaveStash,
		}
		.to_account_id()
	};
	Allocation {
		operators: operators.iter().map(stash).collect(),
		ecosystem: Sr25519Keyring::EveStash.to_account_id(),
		team: Sr25519Keyring::FerdieStash.to_account_id(),
	}
}

/// A single-validator development chain: Alice authors, finalises and is sudo.
pub fn development_config_genesis() -> Value {
	genesis(
		vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Some(Sr25519Keyring::Alice.to_account_id()),
		dev_council(),
		dev_arbitrators(),
		dev_allocation(&[Sr25519Keyring::Alice]),
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
		Some(Sr25519Keyring::Alice.to_account_id()),
		dev_council(),
		dev_arbitrators(),
		dev_allocation(&[
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]),
		dev_endowments(),
	)
}

/// The public-testnet template. Its keys are placeholders to be replaced before launch. It has
/// no sudo (finding 10 of the December 2026 review): the council governs.
pub fn testnet_config_genesis() -> Value {
	let placeholders = [Sr25519Keyring::One, Sr25519Keyring::Two];
	genesis(
		vec![
			authority(Sr25519Keyring::One, Ed25519Keyring::One),
			authority(Sr25519Keyring::Two, Ed25519Keyring::Two),
		],
		None,
		placeholders.iter().map(|k| k.to_account_id()).collect(),
		placeholders.iter().map(|k| k.to_account_id()).collect(),
		Allocation {
			operators: placeholders.iter().map(|k| k.to_account_id()).collect(),
			ecosystem: Sr25519Keyring::AliceStash.to_account_id(),
			team: Sr25519Keyring::BobStash.to_account_id(),
		},
		Vec::new(),
	)
}

/// A placeholder key: the BLAKE2-256 hash of `salus:production:placeholder:<role>:<index>`.
///
/// A hash is not a key anybody generated, so nobody holds its secret key: an account with
/// this id cannot sign, and an authority with this public key cannot author or finalise. (A
/// fixed pattern such as all zeros would be worse: some patterns are degenerate curve points
/// whose signatures anybody can forge.)
pub fn placeholder(role: &str, index: u8) -> [u8; 32] {
	let mut label = b"salus:production:placeholder:".to_vec();
	label.extend_from_slice(role.as_bytes());
	label.push(b':');
	label.push(b'0'.saturating_add(index));
	<BlakeTwo256 as Hash>::hash(&label).to_fixed_bytes()
}

/// The production template: no sudo, no well-known key. Four validators, a council of five
/// and five arbitrators, every key a [`placeholder`] the operator replaces in the exported
/// spec before launch; the operators' allocations go to the validators' placeholder operator
/// accounts, the ecosystem fund and the team to their own placeholders. Nothing else is
/// endowed.
pub fn production_config_genesis() -> Value {
	let accounts = |role: &str, count: u8| -> Vec<AccountId> {
		(0..count).map(|index| AccountId::new(placeholder(role, index))).collect()
	};
	let authorities = (0..4)
		.map(|index| {
			(
				AuraId::from(sp_core::sr25519::Public::from_raw(placeholder("aura", index))),
				GrandpaId::from(sp_core::ed25519::Public::from_raw(placeholder("grandpa", index))),
			)
		})
		.collect();
	genesis(
		authorities,
		None,
		accounts("council", 5),
		accounts("arbitrator", 5),
		Allocation {
			operators: accounts("operator", 4),
			ecosystem: AccountId::new(placeholder("ecosystem", 0)),
			team: AccountId::new(placeholder("team", 0)),
		},
		Vec::new(),
	)
}

/// The JSON patch of the preset with id `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_str() {
		DEV_RUNTIME_PRESET => development_config_genesis(),
		LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		TESTNET_RUNTIME_PRESET => testnet_config_genesis(),
		PRODUCTION_RUNTIME_PRESET => production_config_genesis(),
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
		PresetId::from(PRODUCTION_RUNTIME_PRESET),
	]
}
