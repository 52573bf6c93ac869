//! Runtime-level tests: genesis presets, pallet integrity, metadata, configuration; proxies,
//! fees and governance in their own modules.

mod apis;
mod disputes;
mod fees;
mod governance;
mod proxies;

use crate::{
	genesis_config_presets::{preset_names, DEV_ENDOWMENT},
	token::{deposit, DECIMALS, EXISTENTIAL_DEPOSIT, SLS, SS58_PREFIX, SYMBOL},
	AllPalletsWithSystem, Balances, ProxyType, Runtime, RuntimeCall, RuntimeGenesisConfig, System,
	Treasury, VERSION,
};
use frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed};
use frame_support::traits::{InstanceFilter, IntegrityTest};
use serde_json::Value;
use sp_keyring::Sr25519Keyring;

/// Applies a JSON merge patch (RFC 7386), as the node does with a preset over the default.
fn merge(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

/// The genesis state of a preset, in externalities ready to query.
fn genesis_of(preset: &str) -> sp_io::TestExternalities {
	let patch = crate::genesis_config_presets::get_preset(&preset.into()).expect("preset exists");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, serde_json::from_slice(&patch).unwrap());
	let mut ext = sp_io::TestExternalities::new_empty();
	ext.execute_with(|| {
		frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(
			serde_json::to_vec(&config).unwrap(),
		)
		.expect("preset builds a genesis state")
	});
	ext
}

#[test]
fn every_preset_builds_a_genesis_state() {
	let names = preset_names();
	assert_eq!(names, vec!["development", "local_testnet", "testnet", "production"]);
	for name in names {
		genesis_of(&name).execute_with(|| {
			assert!(!pallet_aura::Authorities::<Runtime>::get().is_empty(), "{name}: no authority");
			assert_eq!(
				pallet_aura::Authorities::<Runtime>::get().len(),
				pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(),
				"{name}: every author also finalises"
			);
			// Only development chains have a superuser (finding 10).
			let development = ["development", "local_testnet"].contains(&name.as_str());
			assert_eq!(pallet_sudo::Key::<Runtime>::get().is_some(), development, "{name}: sudo");
			assert!(!pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get()
				.is_empty());
			assert!(
				!pallet_membership::Members::<Runtime, pallet_membership::Instance2>::get()
					.is_empty(),
				"{name}: arbitrators"
			);
			// The treasury account exists from genesis, so fees can always be paid into it.
			assert!(System::account_exists(&Treasury::account_id()), "{name}: no treasury");
		});
	}
}

#[test]
fn an_unknown_preset_is_refused() {
	assert!(crate::genesis_config_presets::get_preset(&"mainnet".into()).is_none());
}

#[test]
fn dev_preset_has_alice_as_sole_authority_and_sudo_and_endows_dev_accounts() {
	genesis_of("development").execute_with(|| {
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 1);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.to_account_id()));
		for account in Sr25519Keyring::well_known() {
			assert!(Balances::free_balance(account.to_account_id()) >= DEV_ENDOWMENT);
		}
		for account in [Sr25519Keyring::Alice, Sr25519Keyring::Eve, Sr25519Keyring::Ferdie] {
			assert_eq!(Balances::free_balance(account.to_account_id()), DEV_ENDOWMENT);
		}
		assert_eq!(
			pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get().len(),
			3
		);
	});
}

#[test]
fn local_preset_has_four_authorities() {
	genesis_of("local_testnet").execute_with(|| {
		let authorities = pallet_aura::Authorities::<Runtime>::get();
		let expected: Vec<_> = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]
		.iter()
		.map(|k| sp_consensus_aura::sr25519::AuthorityId::from(k.public()))
		.collect();
		assert_eq!(authorities.into_inner(), expected);
	});
}

/// Finding 10: the testnet template has no sudo (it used to be `//One`, a public key); its
/// placeholders are not the development accounts.
#[test]
fn testnet_preset_uses_placeholder_keys_not_the_dev_accounts_and_has_no_sudo() {
	genesis_of("testnet").execute_with(|| {
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
		assert_eq!(Balances::free_balance(Sr25519Keyring::Alice.to_account_id()), 0);
	});
	let patch: Value = serde_json::from_slice(
		&crate::genesis_config_presets::get_preset(&"testnet".into()).unwrap(),
	)
	.unwrap();
	assert_eq!(patch["sudo"]["key"], Value::Null, "{}", patch["sudo"]);
}

/// Every string in a JSON value, depth first.
fn strings(value: &Value, out: &mut Vec<String>) {
	match value {
		Value::String(s) => out.push(s.clone()),
		Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
		Value::Object(fields) => fields.iter().for_each(|(k, v)| {
			out.push(k.clone());
			strings(v, out)
		}),
		_ => {},
	}
}

/// The public keys anyone can sign with: the sr25519 and ed25519 development keyrings
/// (`//Alice` … `//Ferdie`, their `//stash` accounts, `//One`, `//Two`), as raw bytes.
fn well_known_keys() -> Vec<[u8; 32]> {
	use sp_keyring::Ed25519Keyring;
	Sr25519Keyring::iter()
		.map(|k| k.public().0)
		.chain(Ed25519Keyring::iter().map(|k| k.public().0))
		.collect()
}

/// Finding 10: the production preset has no sudo and no well-known key anywhere: every string
/// in its JSON that decodes as an SS58 address or a hex key is compared against every
/// development keyring key (sr25519 and ed25519), and every such key's SS58 and hex forms are
/// searched for in the whole text. A well-known key in the preset fails the build.
#[test]
fn production_preset_has_no_sudo_and_no_well_known_key() {
	use sp_core::crypto::{AccountId32, Ss58Codec};
	let bytes = crate::genesis_config_presets::get_preset(&"production".into()).unwrap();
	let text = String::from_utf8(bytes.clone()).unwrap();
	let patch: Value = serde_json::from_slice(&bytes).unwrap();
	assert!(
		patch.get("sudo").is_none_or(|sudo| sudo["key"].is_null()),
		"production has a sudo key: {}",
		patch["sudo"]
	);

	let well_known = well_known_keys();
	assert_eq!(well_known.len(), 2 * Sr25519Keyring::iter().count());
	let mut found = Vec::new();
	strings(&patch, &mut found);
	let mut keys = 0;
	for s in &found {
		let decoded = AccountId32::from_ss58check_with_version(s)
			.map(|(account, _)| <[u8; 32]>::from(account))
			.ok()
			.or_else(|| {
				let hex = s.strip_prefix("0x")?;
				<[u8; 32]>::try_from(sp_core::bytes::from_hex(hex).ok()?).ok()
			});
		if let Some(key) = decoded {
			keys += 1;
			assert!(!well_known.contains(&key), "a well-known key in the production preset: {s}");
		}
	}
	// Authorities (Aura and GRANDPA), council, arbitrators, operators, ecosystem, team, the
	// pool and the treasury were all checked.
	assert!(keys >= 4 + 4 + 5 + 5 + 4 + 1 + 1 + 2, "only {keys} keys found in {text}");
	for key in &well_known {
		let account = AccountId32::from(*key);
		for form in [
			account.to_ss58check(),
			account.to_ss58check_with_version(42u16.into()),
			sp_core::hexdisplay::HexDisplay::from(key).to_string(),
		] {
			assert!(!text.to_lowercase().contains(&form.to_lowercase()), "{form} in the preset");
		}
	}
}

/// The production preset's placeholders are distinct keys nobody generated: each is a hash of
/// a public label, so nobody holds a secret key for it, and the chain it starts cannot author
/// a block until the operator replaces them.
#[test]
fn production_preset_keys_are_distinct_placeholders() {
	use crate::genesis_config_presets::placeholder;
	genesis_of("production").execute_with(|| {
		let aura = pallet_aura::Authorities::<Runtime>::get();
		assert_eq!(aura.len(), 4);
		for (index, key) in aura.iter().enumerate() {
			let key: &[u8] = key.as_ref();
			assert_eq!(key, placeholder("aura", index as u8));
		}
		let council = pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get();
		let arbitrators =
			pallet_membership::Members::<Runtime, pallet_membership::Instance2>::get();
		assert_eq!((council.len(), arbitrators.len()), (5, 5));
		assert!(council.iter().all(|member| !arbitrators.contains(member)));
		let mut all: Vec<[u8; 32]> = council
			.iter()
			.chain(arbitrators.iter())
			.map(|account| <[u8; 32]>::from(account.clone()))
			.chain(aura.iter().map(|key| <[u8; 32]>::try_from(key.as_ref() as &[u8]).unwrap()))
			.collect();
		let count = all.len();
		all.sort();
		all.dedup();
		assert_eq!(all.len(), count, "every placeholder is distinct");
		assert_eq!(Balances::total_issuance(), crate::genesis_config_presets::TOTAL_SUPPLY);
	});
}

#[test]
fn integrity_test_passes_for_all_pallets() {
	sp_io::TestExternalities::new_empty().execute_with(AllPalletsWithSystem::integrity_test);
}

#[test]
fn metadata_lists_every_pallet_at_its_index() {
	// Constants kept in storage (e.g. the request lifetime) are read when metadata is built.
	let RuntimeMetadataPrefixed(magic, metadata) =
		sp_io::TestExternalities::new_empty().execute_with(Runtime::metadata);
	assert_eq!(magic, frame_metadata::META_RESERVED);
	let RuntimeMetadata::V14(metadata) = metadata else { panic!("metadata is not V14") };
	let pallets: Vec<_> = metadata.pallets.iter().map(|p| (p.name.as_str(), p.index)).collect();
	assert_eq!(
		pallets,
		vec![
			("System", 0),
			("Timestamp", 1),
			("Aura", 2),
			("Grandpa", 3),
			("Balances", 10),
			("TransactionPayment", 11),
			("SkipFeelessPayment", 12),
			("Vesting", 13),
			("Sudo", 20),
			("Utility", 21),
			("Proxy", 22),
			("Multisig", 23),
			("Council", 30),
			("CouncilMembership", 31),
			("Treasury", 32),
			("ArbitratorsMembership", 33),
			("HealthIdentity", 40),
			("Consent", 41),
			("Access", 42),
			("Disputes", 43),
			("Rewards", 44),
		]
	);
	let extensions: Vec<_> = metadata
		.extrinsic
		.signed_extensions
		.iter()
		.map(|e| e.identifier.as_str())
		.collect();
	assert!(extensions.contains(&"CheckMetadataHash"), "{extensions:?}");
}

#[test]
fn token_is_sls_with_twelve_decimals() {
	assert_eq!(SYMBOL, "SLS");
	assert_eq!(DECIMALS, 12);
	assert_eq!(SLS, 10u128.pow(DECIMALS as u32));
	assert_eq!(SS58_PREFIX, 42);
	assert_eq!(<Runtime as frame_system::Config>::SS58Prefix::get(), 42);
	const { assert!(EXISTENTIAL_DEPOSIT > 0 && EXISTENTIAL_DEPOSIT < SLS) };
	assert_eq!(VERSION.spec_name, "salus");
}

#[test]
fn deposits_grow_with_items_and_bytes_and_never_overflow() {
	assert_eq!(deposit(0, 0), 0);
	assert_eq!(deposit(1, 0), SLS / 10, "0.1 SLS per item");
	assert_eq!(deposit(0, 1), SLS / 1000, "1 milli-SLS per byte");
	assert_eq!(deposit(2, 33), 2 * SLS / 10 + 33 * SLS / 1000);
	assert_eq!(deposit(u32::MAX, u32::MAX), deposit(u32::MAX, u32::MAX - 1) + SLS / 1000);
}

#[test]
fn non_transfer_proxies_cannot_move_funds() {
	let transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
		dest: Sr25519Keyring::Bob.to_account_id().into(),
		value: SLS,
	});
	let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
	assert!(ProxyType::Any.filter(&transfer));
	assert!(!ProxyType::NonTransfer.filter(&transfer));
	assert!(ProxyType::NonTransfer.filter(&remark));
	assert!(!ProxyType::Governance.filter(&transfer));
	assert!(!ProxyType::Governance.filter(&remark));
}

#[test]
fn health_guardians_may_make_health_calls_and_nothing_else() {
	let health = RuntimeCall::HealthIdentity(pallet_health_identity::Call::update_encryption_key {
		key: None,
	});
	let transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_all {
		dest: Sr25519Keyring::Bob.to_account_id().into(),
		keep_alive: false,
	});
	let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
	let consent = RuntimeCall::Consent(pallet_consent::Call::revoke_consent { id: 0 });
	let access =
		RuntimeCall::Access(pallet_access::Call::approve_request { request_id: 0, classes: None });
	assert!(ProxyType::HealthGuardian.filter(&health));
	assert!(ProxyType::HealthGuardian.filter(&consent));
	assert!(ProxyType::HealthGuardian.filter(&access));
	assert!(!ProxyType::HealthGuardian.filter(&transfer));
	assert!(!ProxyType::HealthGuardian.filter(&remark));
	assert!(!ProxyType::Governance.filter(&health));
}

#[test]
fn proxy_superset_relation_is_consistent_with_the_filters() {
	use ProxyType::*;
	for a in [Any, NonTransfer, Governance, HealthGuardian] {
		assert!(a.is_superset(&a));
		assert!(Any.is_superset(&a));
	}
	assert!(!NonTransfer.is_superset(&Any));
	assert!(NonTransfer.is_superset(&Governance));
	assert!(!Governance.is_superset(&NonTransfer));
	assert!(NonTransfer.is_superset(&HealthGuardian));
	assert!(!HealthGuardian.is_superset(&NonTransfer));
	assert!(!HealthGuardian.is_superset(&Governance));
}

#[test]
fn consent_deposit_pays_for_the_largest_consent_and_its_index_entry() {
	use codec::MaxEncodedLen;
	// Blake2_128Concat key of the ledger is paid by the patient deposit; a consent adds its
	// encoding to the ledger and a Twox64Concat-keyed index entry (32-byte prefix, 16-byte key,
	// 32-byte account).
	let consent = pallet_consent::ConsentOf::<Runtime>::max_encoded_len() as u32;
	let index = 32 + 16 + 32;
	assert!(
		crate::configs::health::ConsentDeposit::get() >= deposit(2, consent + index),
		"consent is {consent} bytes"
	);
}

#[test]
fn a_full_consent_ledger_stays_under_20_kb() {
	use codec::MaxEncodedLen;
	let ledger = pallet_consent::Ledger::<Runtime>::max_encoded_len();
	assert!(ledger < 20 * 1024, "a full ledger is {ledger} bytes");
	println!(
		"a full consent ledger: {ledger} bytes; one consent: {} bytes",
		pallet_consent::ConsentOf::<Runtime>::max_encoded_len()
	);
}

#[test]
fn access_deposits_pay_for_what_each_item_stores() {
	use crate::configs::health::{DisclosureDeposit, EmergencyDeposit, RequestDeposit};
	use codec::MaxEncodedLen;
	// A Twox64Concat map key: a 32-byte prefix, an 8-byte hash and the 8-byte id.
	let key = 32 + 8 + 8;
	let request = pallet_access::RequestOf::<Runtime>::max_encoded_len() as u32;
	// Its id in the patient's pending list; its provider-index entry (prefix, two hashed ids).
	let indexes = 8 + 32 + 12 + 16;
	assert!(
		RequestDeposit::get() >= deposit(3, request + key + indexes),
		"a request is {request} bytes"
	);
	let emergency = pallet_access::EmergencyOf::<Runtime>::max_encoded_len() as u32;
	// Its id in the open reviews; the grant in the consent ledger and the grant's index entry.
	let consent = pallet_consent::ConsentOf::<Runtime>::max_encoded_len() as u32;
	let grant = 8 + consent + 80;
	assert!(
		EmergencyDeposit::get() >= deposit(3, emergency + key + grant),
		"an emergency is {emergency} bytes"
	);
	let entry = pallet_access::DisclosureOf::<Runtime>::max_encoded_len() as u32;
	let page_size =
		<<Runtime as pallet_access::Config>::DisclosurePageSize as sp_core::Get<u32>>::get();
	// The page's key (prefix, a Blake2_128Concat account, a Twox64Concat page number), shared.
	let page_key: u32 = 32 + 16 + 32 + 8 + 4;
	// The record of its call's parties, at its largest for one live entry: a full call whose
	// other 63 entries were pruned (each pruned slot keeps one byte, `None`, of its 33).
	let stride = pallet_access::DISCLOSURE_ID_STRIDE;
	let parties = key + pallet_access::DisclosureBatchOf::<Runtime>::max_encoded_len() as u32
		- (stride - 1) * 32;
	assert!(
		DisclosureDeposit::get() >= deposit(0, entry + page_key.div_ceil(page_size) + parties),
		"a disclosure entry is {entry} bytes, its parties' record up to {parties}"
	);
	println!("request {request} B, emergency {emergency} B, disclosure entry {entry} B");
}

#[test]
fn root_may_shorten_the_request_lifetime() {
	use crate::configs::health::RequestLifetime;
	sp_io::TestExternalities::new_empty().execute_with(|| {
		assert_eq!(RequestLifetime::get(), 7 * 24 * 60 * 60 * 1000);
		RequestLifetime::set(&5_000);
		assert_eq!(RequestLifetime::get(), 5_000);
		assert_eq!(
			sp_io::storage::get(&RequestLifetime::key()).map(|bytes| bytes.to_vec()),
			Some(codec::Encode::encode(&5_000u64))
		);
	});
}

#[test]
fn the_dispute_bond_pays_for_the_largest_dispute_and_its_index_entries() {
	use crate::configs::health::{AppealBond, DisputeBond};
	use codec::MaxEncodedLen;
	// A Twox64Concat map key: a 32-byte prefix, an 8-byte hash and the 4-byte id.
	let key = 32 + 8 + 4;
	let dispute = pallet_disputes::DisputeOf::<Runtime>::max_encoded_len() as u32;
	// The claimant's count (prefix, Blake2_128Concat account, u32) and the judged act's entry
	// (prefix, Blake2_128Concat subject, dispute id).
	let indexes = (32 + 16 + 32 + 4) + (32 + 16 + 9 + 4);
	assert!(
		DisputeBond::get() >= deposit(3, dispute + key + indexes),
		"a dispute is {dispute} bytes"
	);
	assert!(AppealBond::get() > DisputeBond::get());
	println!("dispute {dispute} B");
}

#[test]
fn dev_and_local_presets_seed_the_council_and_the_arbitrators() {
	use frame_support::traits::SortedMembers;
	let dev = |k: Sr25519Keyring| k.to_account_id();
	for preset in ["development", "local_testnet"] {
		genesis_of(preset).execute_with(|| {
			let mut arbitrators =
				vec![dev(Sr25519Keyring::Alice), dev(Sr25519Keyring::Bob), dev(Sr25519Keyring::Ferdie)];
			arbitrators.sort();
			assert_eq!(crate::ArbitratorsMembership::sorted_members(), arbitrators);
			assert_eq!(pallet_collective::Members::<Runtime, crate::configs::governance::CouncilCollective>::get().len(), 3);
		});
	}
}

#[test]
fn root_may_shorten_the_dispute_periods() {
	use crate::configs::health::{DisputeAppealPeriod, DisputeEvidencePeriod};
	sp_io::TestExternalities::new_empty().execute_with(|| {
		assert_eq!(DisputeEvidencePeriod::get(), 3 * crate::time::DAYS);
		DisputeEvidencePeriod::set(&1);
		DisputeAppealPeriod::set(&1);
		assert_eq!((DisputeEvidencePeriod::get(), DisputeAppealPeriod::get()), (1, 1));
	});
}

/// The genesis supply as each preset mints it: the testnet's exactly, dev and local's with the
/// development endowments on top.
#[test]
fn every_preset_mints_the_genesis_supply_and_allocates_it() {
	use crate::genesis_config_presets::{
		ECOSYSTEM, REWARD_POOL, TEAM, TOTAL_SUPPLY, TREASURY, VALIDATORS,
	};
	assert_eq!(REWARD_POOL + TREASURY + VALIDATORS + ECOSYSTEM + TEAM, TOTAL_SUPPLY);
	let endowments = (Sr25519Keyring::well_known().count() as u128) * DEV_ENDOWMENT;
	for (preset, extra) in [
		("development", endowments),
		("local_testnet", endowments),
		("testnet", 0),
		("production", 0),
	] {
		genesis_of(preset).execute_with(|| {
			assert_eq!(Balances::total_issuance(), TOTAL_SUPPLY + extra, "{preset}");
			assert_eq!(Balances::free_balance(crate::Rewards::pool_account()), REWARD_POOL);
			assert_eq!(Balances::free_balance(Treasury::account_id()), TREASURY);
		});
	}
}

#[test]
fn operators_ecosystem_and_team_allocations_vest() {
	use crate::{
		genesis_config_presets::{ECOSYSTEM, TEAM, VALIDATORS},
		time::DAYS,
	};
	use frame_support::traits::VestingSchedule;
	genesis_of("testnet").execute_with(|| {
		let one = Sr25519Keyring::One.to_account_id();
		let ecosystem = Sr25519Keyring::AliceStash.to_account_id();
		let team = Sr25519Keyring::BobStash.to_account_id();
		// Half the operators' allocation each, 10 % of it liquid.
		assert_eq!(Balances::free_balance(&one), VALIDATORS / 2);
		assert_eq!(crate::Vesting::vesting_balance(&one), Some(VALIDATORS / 2 * 9 / 10));
		assert_eq!(crate::Vesting::vesting_balance(&ecosystem), Some(ECOSYSTEM * 3 / 4));
		assert_eq!(crate::Vesting::vesting_balance(&team), Some(TEAM));
		// The team's cliff: nothing unlocks in the first year.
		System::set_block_number(365 * DAYS - 1);
		assert_eq!(crate::Vesting::vesting_balance(&team), Some(TEAM));
		// The operators' share is half unlocked after a year.
		System::set_block_number(365 * DAYS);
		let locked = crate::Vesting::vesting_balance(&one).unwrap();
		assert!(locked.abs_diff(VALIDATORS / 2 * 9 / 20) < SLS, "{locked}");
	});
}

/// The anti-farming inequalities: an approval, research bonus included, earns less than the
/// request that it answers costs its provider, whatever a point is worth in the epoch; an
/// anchor and a justified emergency earn less than their transaction fees (nothing at launch);
/// and one account earns at most `MaxRewardPerAccount`, far below an epoch's budget.
#[test]
fn an_approval_earns_less_than_a_request_costs() {
	use crate::configs::health::{
		AnchorCost, EmergencyCost, InitialEpochBudget, MaxRewardPerAccount, MaxRewardPerPoint,
		RequestFee,
	};
	use crate::genesis_config_presets::LAUNCH_SCHEDULE;
	let worth = |points: u32| MaxRewardPerPoint::get() * u128::from(points);
	let most_an_approval_earns =
		worth(LAUNCH_SCHEDULE.request_approved + LAUNCH_SCHEDULE.research_approved);
	assert!(most_an_approval_earns < RequestFee::get());
	assert_eq!(most_an_approval_earns, 3 * SLS / 4);
	assert!(worth(LAUNCH_SCHEDULE.record_anchored) < AnchorCost::get());
	assert!(worth(LAUNCH_SCHEDULE.emergency_justified) < EmergencyCost::get());
	assert!(worth(LAUNCH_SCHEDULE.epoch_cap) <= MaxRewardPerAccount::get());
	assert!(MaxRewardPerAccount::get() * 1_000 <= InitialEpochBudget::get());
	genesis_of("development").execute_with(|| {
		assert_eq!(crate::Rewards::reward_schedule(), LAUNCH_SCHEDULE);
		assert!(crate::Rewards::is_valid_schedule(&LAUNCH_SCHEDULE));
	});
}

/// The emission schedule can never release more than the pool starts with.
#[test]
fn the_emission_schedule_fits_in_the_pool() {
	use crate::configs::health::{HalvingInterval, InitialEpochBudget};
	use crate::genesis_config_presets::REWARD_POOL;
	// The geometric series: at most 2 × HalvingInterval × InitialEpochBudget in all.
	let most = 2 * u128::from(HalvingInterval::get()) * InitialEpochBudget::get();
	assert!(most <= REWARD_POOL);
	sp_io::TestExternalities::new_empty().execute_with(|| {
		let mut total = 0u128;
		for epoch in 0..(64 * HalvingInterval::get()) {
			total += crate::Rewards::emission(epoch);
		}
		assert!(total <= most);
	});
}

#[test]
fn root_may_shorten_the_reward_epoch() {
	use crate::configs::health::RewardEpochLength;
	sp_io::TestExternalities::new_empty().execute_with(|| {
		assert_eq!(RewardEpochLength::get(), crate::time::DAYS);
		RewardEpochLength::set(&10);
		assert_eq!(RewardEpochLength::get(), 10);
	});
}
