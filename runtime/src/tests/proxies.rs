//! The proxy filters, call by call: every call of every pallet is built from the runtime's type
//! information and put to each filter, and the review's triggers (findings 4 and 5) are run
//! through `Proxy::proxy` on a development genesis.

use super::genesis_of;
use crate::{
	AccountId, Balances, ProxyType, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, System, SLS,
};
use codec::{Decode, Encode};
use frame_support::{
	dispatch::{DispatchResult, GetDispatchInfo},
	traits::{fungible::InspectHold, Currency, InstanceFilter},
};
use scale_info::{PortableRegistry, TypeDef, TypeDefPrimitive};
use sp_keyring::Sr25519Keyring;
use sp_runtime::traits::Dispatchable;

/// The calls a `HealthGuardian` admits: exactly the patient's own (finding 4).
///
const GUARDIAN_WHITELIST: &[(&str, &str)] = &[
	("HealthIdentity", "announce_commitment"),
	("HealthIdentity", "register_patient"),
	("HealthIdentity", "update_encryption_key"),
	("HealthIdentity", "accept_link"),
	("HealthIdentity", "remove_link"),
	("HealthIdentity", "accept_record"),
	("HealthIdentity", "remove_record_proposal"),
	("Consent", "grant_consent"),
	("Consent", "revoke_consent"),
	("Consent", "set_emergency_directive"),
	("Consent", "prune_consent"),
	("Access", "approve_request"),
	("Access", "deny_request"),
	("Access", "acknowledge_emergency"),
	("Access", "contest_emergency"),
	("Disputes", "open_dispute"),
	("Disputes", "submit_evidence"),
	("Disputes", "appeal"),
	("Rewards", "claim_rewards"),
	("Utility", "batch"),
	("Utility", "batch_all"),
	("Utility", "force_batch"),
];

/// The calls a `NonTransfer` proxy refuses (finding 5); `*` is every call of the pallet.
/// `Access::request_access` is admitted without a bounty and refused with one (a separate
/// test: the generated calls carry a zero bounty).
const NON_TRANSFER_DENYLIST: &[(&str, &str)] = &[
	("Balances", "*"),
	("Sudo", "*"),
	("Vesting", "vested_transfer"),
	("Vesting", "force_vested_transfer"),
	("Vesting", "force_remove_vesting_schedule"),
	("Proxy", "proxy"),
	("Proxy", "proxy_announced"),
	("Multisig", "as_multi_threshold_1"),
	("Multisig", "as_multi"),
	("Multisig", "approve_as_multi"),
];

/// The pallets whose calls are Salus's own.
const SALUS_PALLETS: &[&str] = &["HealthIdentity", "Consent", "Access", "Disputes", "Rewards"];

/// Appends to `out` the encoding of the simplest value of type `id`: zeros, empty sequences,
/// the first variant of every enum that has a value, and `DE` for a jurisdiction (whose
/// decoding refuses codes that are not assigned). `false` if the type has no value (an enum
/// without variants, such as a pallet's `Void`).
fn simplest(registry: &PortableRegistry, id: u32, out: &mut Vec<u8>) -> bool {
	let ty = registry.resolve(id).expect("the registry holds every type it refers to");
	if ty.path.segments.last().is_some_and(|name| name == "Jurisdiction") {
		out.extend_from_slice(b"DE");
		return true;
	}
	match &ty.type_def {
		TypeDef::Composite(composite) => {
			composite.fields.iter().all(|field| simplest(registry, field.ty.id, out))
		},
		TypeDef::Variant(variant) => {
			let mut variants: Vec<_> = variant.variants.iter().collect();
			variants.sort_by_key(|v| v.index);
			variants.into_iter().any(|v| {
				let mut value = vec![v.index];
				let inhabited =
					v.fields.iter().all(|field| simplest(registry, field.ty.id, &mut value));
				if inhabited {
					out.extend(value);
				}
				inhabited
			})
		},
		TypeDef::Sequence(_) | TypeDef::Compact(_) | TypeDef::BitSequence(_) => {
			out.push(0);
			true
		},
		TypeDef::Array(array) => {
			(0..array.len).all(|_| simplest(registry, array.type_param.id, out))
		},
		TypeDef::Tuple(tuple) => tuple.fields.iter().all(|field| simplest(registry, field.id, out)),
		TypeDef::Primitive(primitive) => {
			let width = match primitive {
				TypeDefPrimitive::Bool | TypeDefPrimitive::U8 | TypeDefPrimitive::I8 => 1,
				TypeDefPrimitive::U16 | TypeDefPrimitive::I16 => 2,
				TypeDefPrimitive::U32 | TypeDefPrimitive::I32 | TypeDefPrimitive::Char => 4,
				TypeDefPrimitive::U64 | TypeDefPrimitive::I64 => 8,
				TypeDefPrimitive::U128 | TypeDefPrimitive::I128 => 16,
				TypeDefPrimitive::U256 | TypeDefPrimitive::I256 => 32,
				// A string: its (compact) length, zero.
				TypeDefPrimitive::Str => 1,
			};
			out.extend(core::iter::repeat_n(0, width));
			true
		},
	}
}

/// One call of every variant of every pallet: `(pallet, call, the call)`, built from the
/// runtime's type information, so that a call added to any pallet is in the table at once.
fn every_call() -> Vec<(String, String, RuntimeCall)> {
	let mut registry = scale_info::Registry::new();
	let id = registry.register_type(&scale_info::meta_type::<RuntimeCall>()).id;
	let registry: PortableRegistry = registry.into();
	let TypeDef::Variant(pallets) = &registry.resolve(id).unwrap().type_def else {
		panic!("RuntimeCall is an enum")
	};
	let mut calls = Vec::new();
	for pallet in &pallets.variants {
		let call_type = pallet.fields[0].ty.id;
		let TypeDef::Variant(variants) = &registry.resolve(call_type).unwrap().type_def else {
			panic!("{}'s Call is an enum", pallet.name)
		};
		for variant in &variants.variants {
			let mut bytes = vec![pallet.index, variant.index];
			if !variant.fields.iter().all(|field| simplest(&registry, field.ty.id, &mut bytes)) {
				// A call that takes a value of a type without values cannot be made.
				assert!(!SALUS_PALLETS.contains(&pallet.name.as_str()), "{}", variant.name);
				println!(
					"{}::{} cannot be built: it takes an uninhabited type",
					pallet.name, variant.name
				);
				continue;
			}
			let call = RuntimeCall::decode(&mut &bytes[..])
				.unwrap_or_else(|e| panic!("{}::{}: {e:?}", pallet.name, variant.name));
			assert_eq!(call.encode(), bytes, "{}::{} decodes whole", pallet.name, variant.name);
			calls.push((pallet.name.clone(), variant.name.clone(), call));
		}
	}
	calls
}

/// Whether `(pallet, call)` is in `list`, where `*` stands for every call of a pallet.
fn listed(list: &[(&str, &str)], pallet: &str, call: &str) -> bool {
	list.iter().any(|(p, c)| *p == pallet && (*c == "*" || *c == call))
}

#[test]
fn every_call_of_every_pallet_is_built_and_the_salus_pallets_are_all_there() {
	let calls = every_call();
	for pallet in SALUS_PALLETS {
		assert!(calls.iter().any(|(p, ..)| p == pallet), "{pallet} has no calls");
	}
	// Every whitelisted call exists: a rename would otherwise leave a stale entry.
	for (pallet, call) in GUARDIAN_WHITELIST.iter().chain(NON_TRANSFER_DENYLIST) {
		assert!(
			calls.iter().any(|(p, c, _)| p == pallet && (call == &"*" || c == call)),
			"{pallet}::{call} is listed but does not exist"
		);
	}
	println!("{} calls in {} pallets", calls.len(), {
		let mut pallets: Vec<_> = calls.iter().map(|(p, ..)| p.clone()).collect();
		pallets.dedup();
		pallets.len()
	});
}

/// Finding 4: the guardian filter admits exactly the whitelist, call by call, over every call
/// of every pallet (the Salus pallets' provider, admin, practitioner and arbitrator calls
/// included), and a call a pallet adds later is refused until someone whitelists it.
#[test]
fn health_guardians_admit_exactly_the_patients_own_calls() {
	let mut admitted = Vec::new();
	for (pallet, call, built) in every_call() {
		let expected = listed(GUARDIAN_WHITELIST, &pallet, &call);
		assert_eq!(
			ProxyType::HealthGuardian.filter(&built),
			expected,
			"HealthGuardian and {pallet}::{call}"
		);
		if expected {
			admitted.push(format!("{pallet}::{call}"));
		}
	}
	assert_eq!(admitted.len(), GUARDIAN_WHITELIST.len(), "{admitted:?}");
}

/// Finding 5: the non-transfer filter refuses exactly the calls that move funds (or dispatch
/// as another account), over every call of every pallet.
#[test]
fn non_transfer_proxies_refuse_exactly_the_calls_that_move_funds() {
	for (pallet, call, built) in every_call() {
		assert_eq!(
			ProxyType::NonTransfer.filter(&built),
			!listed(NON_TRANSFER_DENYLIST, &pallet, &call),
			"NonTransfer and {pallet}::{call}"
		);
	}
}

/// The superset relation that pallet-proxy checks when a proxy adds a proxy agrees with the
/// filters: whatever the smaller type admits, the larger admits too.
#[test]
fn a_proxy_type_admits_everything_its_subsets_admit() {
	use ProxyType::*;
	let calls = every_call();
	for larger in [Any, NonTransfer, Governance, HealthGuardian] {
		for smaller in [Any, NonTransfer, Governance, HealthGuardian] {
			if !larger.is_superset(&smaller) {
				continue;
			}
			for (pallet, call, built) in &calls {
				assert!(
					!smaller.filter(built) || larger.filter(built),
					"{larger:?} ⊇ {smaller:?} but only {smaller:?} admits {pallet}::{call}"
				);
			}
		}
	}
}

fn account(key: Sr25519Keyring) -> AccountId {
	key.to_account_id()
}

/// `delegate` becomes `real`'s proxy of type `proxy_type`.
fn appoint(real: Sr25519Keyring, delegate: Sr25519Keyring, proxy_type: ProxyType) {
	RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
		delegate: account(delegate).into(),
		proxy_type,
		delay: 0,
	})
	.dispatch(RuntimeOrigin::signed(account(real)))
	.expect("the proxy is added");
}

/// `proxy` makes `call` as `real` through `Proxy::proxy`; the result of the proxied call.
fn as_proxy(proxy: Sr25519Keyring, real: &AccountId, call: RuntimeCall) -> DispatchResult {
	System::reset_events();
	RuntimeCall::Proxy(pallet_proxy::Call::proxy {
		real: real.clone().into(),
		force_proxy_type: None,
		call: Box::new(call),
	})
	.dispatch(RuntimeOrigin::signed(account(proxy)))
	.expect("the proxy call itself succeeds");
	System::events()
		.into_iter()
		.find_map(|record| match record.event {
			RuntimeEvent::Proxy(pallet_proxy::Event::ProxyExecuted { result }) => Some(result),
			_ => None,
		})
		.expect("ProxyExecuted")
}

fn filtered() -> DispatchResult {
	Err(frame_system::Error::<Runtime>::CallFiltered.into())
}

fn register_patient(commitment: u8) -> RuntimeCall {
	RuntimeCall::HealthIdentity(pallet_health_identity::Call::register_patient {
		commitment: sp_core::H256::repeat_byte(commitment),
		jurisdiction: salus_primitives::Jurisdiction::new(*b"DE").unwrap(),
		encryption_key: None,
	})
}

/// The announcement of `commitment` (as [`register_patient`] makes it) bound to `who`, which
/// must come a block before the registration.
fn announce(commitment: u8, who: &AccountId) -> RuntimeCall {
	let binding = pallet_health_identity::Pallet::<Runtime>::binding_of(
		&sp_core::H256::repeat_byte(commitment),
		who,
	);
	RuntimeCall::HealthIdentity(pallet_health_identity::Call::announce_commitment {
		binding: Some(binding),
	})
}

fn register_provider() -> RuntimeCall {
	RuntimeCall::HealthIdentity(pallet_health_identity::Call::register_provider {
		name: b"Guardian's Clinic".to_vec().try_into().unwrap(),
		kind: salus_primitives::ProviderKind::Clinic,
		jurisdiction: salus_primitives::Jurisdiction::new(*b"DE").unwrap(),
		parent: None,
	})
}

/// What `who` has on hold, in all.
fn held(who: &AccountId) -> crate::Balance {
	Balances::total_balance_on_hold(who)
}

/// The review's trigger for finding 4 (a): the guardian registers a provider as its ward
/// (100 SLS bond held from the ward), hands the provider to itself with `transfer_admin`, and
/// deregisters the ward. Every step is refused by the filter and the ward's funds stay free.
#[test]
fn a_guardian_cannot_register_a_provider_as_its_ward_or_take_it_over() {
	genesis_of("development").execute_with(|| {
		System::set_block_number(1);
		let (ward, guardian) = (Sr25519Keyring::Dave, Sr25519Keyring::Eve);
		let ward_id = account(ward);
		appoint(ward, guardian, ProxyType::HealthGuardian);
		let (free, on_hold) = (Balances::free_balance(&ward_id), held(&ward_id));

		assert_eq!(as_proxy(guardian, &ward_id, register_provider()), filtered());
		let take_over = RuntimeCall::HealthIdentity(pallet_health_identity::Call::transfer_admin {
			new_admin: account(guardian),
		});
		assert_eq!(as_proxy(guardian, &ward_id, take_over), filtered());
		let add_practitioner =
			RuntimeCall::HealthIdentity(pallet_health_identity::Call::add_practitioner {
				account: account(guardian),
				role: salus_primitives::PractitionerRole::Physician,
			});
		assert_eq!(as_proxy(guardian, &ward_id, add_practitioner), filtered());

		assert_eq!(pallet_health_identity::NextProviderId::<Runtime>::get(), 0, "no provider");
		assert_eq!((Balances::free_balance(&ward_id), held(&ward_id)), (free, on_hold));

		// The guardian may register its ward as a patient, but never deregister it.
		assert_eq!(as_proxy(guardian, &ward_id, announce(7, &ward_id)), Ok(()));
		System::set_block_number(2);
		assert_eq!(as_proxy(guardian, &ward_id, register_patient(7)), Ok(()));
		assert!(pallet_health_identity::Patients::<Runtime>::contains_key(&ward_id));
		let deregister =
			RuntimeCall::HealthIdentity(pallet_health_identity::Call::deregister_patient {});
		assert_eq!(as_proxy(guardian, &ward_id, deregister), filtered());
		assert!(pallet_health_identity::Patients::<Runtime>::contains_key(&ward_id));
	});
}

/// Finding 4 through a batch: a forbidden call nested in `Utility::batch_all` fails the whole
/// batch (the patient's registration before it is rolled back), in `Utility::batch` it stops
/// the batch, and a nested `Proxy::proxy` (which would dispatch without the guardian's filter)
/// or `Utility::as_derivative` is refused outright.
#[test]
fn a_guardian_cannot_smuggle_a_provider_call_in_a_batch() {
	genesis_of("development").execute_with(|| {
		System::set_block_number(1);
		let (ward, guardian) = (Sr25519Keyring::Dave, Sr25519Keyring::Eve);
		let ward_id = account(ward);
		appoint(ward, guardian, ProxyType::HealthGuardian);
		assert_eq!(as_proxy(guardian, &ward_id, announce(8, &ward_id)), Ok(()));
		System::set_block_number(2);
		let on_hold = held(&ward_id);

		let batch_all = RuntimeCall::Utility(pallet_utility::Call::batch_all {
			calls: vec![register_patient(8), register_provider()],
		});
		assert_eq!(as_proxy(guardian, &ward_id, batch_all), filtered());
		assert!(!pallet_health_identity::Patients::<Runtime>::contains_key(&ward_id));
		assert_eq!(held(&ward_id), on_hold);

		let batch = RuntimeCall::Utility(pallet_utility::Call::batch {
			calls: vec![register_patient(8), register_provider()],
		});
		assert_eq!(as_proxy(guardian, &ward_id, batch), Ok(()));
		let interrupted = System::events().into_iter().any(|record| {
			record.event
				== RuntimeEvent::Utility(pallet_utility::Event::BatchInterrupted {
					index: 1,
					error: frame_system::Error::<Runtime>::CallFiltered.into(),
				})
		});
		assert!(interrupted, "{:?}", System::events());
		assert!(pallet_health_identity::Patients::<Runtime>::contains_key(&ward_id));
		assert_eq!(pallet_health_identity::NextProviderId::<Runtime>::get(), 0, "no provider");

		// A proxy inside the batch would dispatch as another account without this filter.
		let nested = RuntimeCall::Utility(pallet_utility::Call::batch_all {
			calls: vec![RuntimeCall::Proxy(pallet_proxy::Call::proxy {
				real: ward_id.clone().into(),
				force_proxy_type: None,
				call: Box::new(register_provider()),
			})],
		});
		assert_eq!(as_proxy(guardian, &ward_id, nested), filtered());
		let derivative = RuntimeCall::Utility(pallet_utility::Call::as_derivative {
			index: 0,
			call: Box::new(register_provider()),
		});
		assert_eq!(as_proxy(guardian, &ward_id, derivative), filtered());
		assert_eq!(pallet_health_identity::NextProviderId::<Runtime>::get(), 0, "no provider");
	});
}

/// The disputes pallet promises that a guardian opens disputes for its ward: the guardian's
/// `open_dispute` reaches the disputes pallet (which then applies its own rules) instead of
/// being filtered out, and so do evidence and appeals.
#[test]
fn a_guardian_reaches_the_disputes_pallet_for_its_ward() {
	genesis_of("development").execute_with(|| {
		System::set_block_number(1);
		let (ward, guardian) = (Sr25519Keyring::Dave, Sr25519Keyring::Eve);
		let ward_id = account(ward);
		appoint(ward, guardian, ProxyType::HealthGuardian);
		let calls = [
			RuntimeCall::Disputes(pallet_disputes::Call::open_dispute {
				respondent: 0,
				subject: salus_primitives::DisputeSubject::Conduct,
				evidence: sp_core::H256::repeat_byte(1),
			}),
			RuntimeCall::Disputes(pallet_disputes::Call::submit_evidence {
				dispute_id: 0,
				evidence: sp_core::H256::repeat_byte(2),
			}),
			RuntimeCall::Disputes(pallet_disputes::Call::appeal { dispute_id: 0 }),
			RuntimeCall::Rewards(pallet_rewards::Call::claim_rewards {}),
		];
		for call in calls {
			// No provider and no dispute exist: the pallet's own error, not the filter's.
			assert_ne!(as_proxy(guardian, &ward_id, call.clone()), filtered(), "{call:?}");
		}
	});
}

/// The review's trigger for finding 5: a `NonTransfer` proxy vests the account's funds into
/// its own account with a schedule that unlocks at once. Refused; nothing moves.
#[test]
fn a_non_transfer_proxy_cannot_move_funds_by_a_vested_transfer() {
	genesis_of("development").execute_with(|| {
		System::set_block_number(1);
		let (owner, proxy) = (Sr25519Keyring::Dave, Sr25519Keyring::Eve);
		let owner_id = account(owner);
		appoint(owner, proxy, ProxyType::NonTransfer);
		let (owner_free, proxy_free) =
			(Balances::free_balance(&owner_id), Balances::free_balance(account(proxy)));
		let vest_to_self = RuntimeCall::Vesting(pallet_vesting::Call::vested_transfer {
			target: account(proxy).into(),
			schedule: pallet_vesting::VestingInfo::new(900 * SLS, 900 * SLS, 0),
		});
		assert_eq!(as_proxy(proxy, &owner_id, vest_to_self), filtered());
		assert_eq!(Balances::free_balance(&owner_id), owner_free);
		assert_eq!(Balances::free_balance(account(proxy)), proxy_free);
		// A vesting call that moves nothing is admitted.
		let vest = RuntimeCall::Vesting(pallet_vesting::Call::vest {});
		assert_ne!(as_proxy(proxy, &owner_id, vest), filtered());
	});
}

/// Finding 5 (and 4 (b)): a research bounty is paid to the patient who approves, so a
/// request with a bounty is a transfer to an accomplice. Refused with a bounty, admitted
/// without one (its fee goes to the treasury, like a transaction fee); never by a guardian.
#[test]
fn a_non_transfer_proxy_cannot_pay_a_research_bounty() {
	let request = |bounty: crate::Balance| {
		RuntimeCall::Access(pallet_access::Call::request_access {
			patient: account(Sr25519Keyring::Ferdie),
			classes: Default::default(),
			purpose: salus_primitives::Purpose::Research,
			duration: 1,
			justification: Default::default(),
			bounty,
		})
	};
	assert!(!ProxyType::NonTransfer.filter(&request(1)));
	assert!(!ProxyType::NonTransfer.filter(&request(1_000 * SLS)));
	assert!(ProxyType::NonTransfer.filter(&request(0)));
	assert!(!ProxyType::HealthGuardian.filter(&request(0)));
	assert!(!ProxyType::Governance.filter(&request(1)));
	assert!(ProxyType::Any.filter(&request(1)));
}

/// A `NonTransfer` proxy cannot reach the funds of an account its principal controls through
/// a pure proxy: `Proxy::proxy` dispatches as the pure account with the pure account's
/// (`Any`) filter, not the outer `NonTransfer` one, so it is refused.
#[test]
fn a_non_transfer_proxy_cannot_reach_a_pure_proxys_funds() {
	genesis_of("development").execute_with(|| {
		System::set_block_number(1);
		let (owner, proxy) = (Sr25519Keyring::Dave, Sr25519Keyring::Eve);
		let owner_id = account(owner);
		appoint(owner, proxy, ProxyType::NonTransfer);
		RuntimeCall::Proxy(pallet_proxy::Call::create_pure {
			proxy_type: ProxyType::Any,
			delay: 0,
			index: 0,
		})
		.dispatch(RuntimeOrigin::signed(owner_id.clone()))
		.unwrap();
		let pure = System::events()
			.into_iter()
			.find_map(|record| match record.event {
				RuntimeEvent::Proxy(pallet_proxy::Event::PureCreated { pure, .. }) => Some(pure),
				_ => None,
			})
			.expect("PureCreated");
		let _ = Balances::deposit_creating(&pure, 1_000 * SLS);
		let drain = RuntimeCall::Proxy(pallet_proxy::Call::proxy {
			real: pure.clone().into(),
			force_proxy_type: None,
			call: Box::new(RuntimeCall::Balances(pallet_balances::Call::transfer_all {
				dest: account(proxy).into(),
				keep_alive: false,
			})),
		});
		assert_eq!(as_proxy(proxy, &owner_id, drain), filtered());
		assert_eq!(Balances::free_balance(&pure), 1_000 * SLS);
		let threshold_one = RuntimeCall::Multisig(pallet_multisig::Call::as_multi_threshold_1 {
			other_signatories: vec![account(Sr25519Keyring::Ferdie)],
			call: Box::new(RuntimeCall::System(frame_system::Call::remark { remark: vec![] })),
		});
		assert_eq!(as_proxy(proxy, &owner_id, threshold_one), filtered());
	});
}

/// Red-team follow-up to finding 5: a `NonTransfer` proxy and an accomplice co-signatory
/// cannot empty a 2-of-2 multisig its principal shares with the accomplice. `as_multi`
/// dispatches as the multisig account without the proxy's filter, so the proxy's approval is
/// refused before it counts; cancelling the principal's own operation (its deposit) is not.
#[test]
fn a_non_transfer_proxy_cannot_sign_a_multisig_transfer() {
	genesis_of("development").execute_with(|| {
		System::set_block_number(1);
		let (owner, accomplice, proxy) =
			(Sr25519Keyring::Dave, Sr25519Keyring::Eve, Sr25519Keyring::Ferdie);
		appoint(owner, proxy, ProxyType::NonTransfer);
		let mut signatories = vec![account(owner), account(accomplice)];
		signatories.sort();
		let multisig = pallet_multisig::Pallet::<Runtime>::multi_account_id(&signatories, 2);
		let _ = Balances::deposit_creating(&multisig, 1_000 * SLS);
		let drain = RuntimeCall::Balances(pallet_balances::Call::transfer_all {
			dest: account(accomplice).into(),
			keep_alive: false,
		});
		let weight = drain.get_dispatch_info().call_weight;
		// The accomplice opens the operation.
		RuntimeCall::Multisig(pallet_multisig::Call::as_multi {
			threshold: 2,
			other_signatories: vec![account(owner)],
			maybe_timepoint: None,
			call: Box::new(drain.clone()),
			max_weight: weight,
		})
		.dispatch(RuntimeOrigin::signed(account(accomplice)))
		.expect("the accomplice's approval");
		let timepoint = pallet_multisig::Pallet::<Runtime>::timepoint();
		let owner_id = account(owner);
		let approve = RuntimeCall::Multisig(pallet_multisig::Call::approve_as_multi {
			threshold: 2,
			other_signatories: vec![account(accomplice)],
			maybe_timepoint: Some(timepoint),
			call_hash: sp_io::hashing::blake2_256(&drain.encode()),
			max_weight: weight,
		});
		assert_eq!(as_proxy(proxy, &owner_id, approve), filtered());
		let complete = RuntimeCall::Multisig(pallet_multisig::Call::as_multi {
			threshold: 2,
			other_signatories: vec![account(accomplice)],
			maybe_timepoint: Some(timepoint),
			call: Box::new(drain),
			max_weight: weight,
		});
		assert_eq!(as_proxy(proxy, &owner_id, complete), filtered());
		assert_eq!(Balances::free_balance(&multisig), 1_000 * SLS);
		// The principal's own operations: cancelling one is admitted (it returns a deposit).
		let cancel = RuntimeCall::Multisig(pallet_multisig::Call::cancel_as_multi {
			threshold: 2,
			other_signatories: vec![account(accomplice)],
			timepoint,
			call_hash: [0; 32],
		});
		assert!(ProxyType::NonTransfer.filter(&cancel));
	});
}

/// A guardian's call dispatched as the patient is charged the patient's account (the Salus
/// benchmarks count only accounts other than the signer's): pallet-proxy adds it, and so do
/// pallet-multisig's `as_multi_threshold_1` and, in this runtime, a completing `as_multi`.
#[test]
fn a_proxy_or_multisig_call_is_charged_the_account_it_dispatches_as() {
	use frame_support::traits::Get;
	let inner = RuntimeCall::Consent(pallet_consent::Call::revoke_consent { id: 0 });
	let inner_weight = inner.get_dispatch_info().call_weight;
	let account = <Runtime as frame_system::Config>::DbWeight::get().reads_writes(1, 1);
	let patient: AccountId = Sr25519Keyring::Eve.to_account_id();
	let by_guardian = RuntimeCall::Proxy(pallet_proxy::Call::proxy {
		real: patient.clone().into(),
		force_proxy_type: Some(ProxyType::HealthGuardian),
		call: Box::new(inner.clone()),
	});
	let sdk = <pallet_proxy::weights::SubstrateWeight<Runtime> as pallet_proxy::WeightInfo>::proxy(
		<Runtime as pallet_proxy::Config>::MaxProxies::get(),
	);
	assert_eq!(by_guardian.get_dispatch_info().call_weight, sdk + account + inner_weight);
	let shared = RuntimeCall::Multisig(pallet_multisig::Call::as_multi_threshold_1 {
		other_signatories: vec![patient],
		call: Box::new(inner.clone()),
	});
	let len = inner.encoded_size() as u32;
	let sdk = <pallet_multisig::weights::SubstrateWeight<Runtime> as pallet_multisig::WeightInfo>::as_multi_threshold_1(len);
	assert_eq!(shared.get_dispatch_info().call_weight, sdk + account + inner_weight);
	use pallet_multisig::WeightInfo;
	assert_eq!(
		crate::configs::accounts::MultisigWeight::as_multi_complete(2, len),
		<pallet_multisig::weights::SubstrateWeight<Runtime> as WeightInfo>::as_multi_complete(
			2, len
		) + account
	);
}
