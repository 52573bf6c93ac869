//! A stream of the events that concern one patient (or any account) or one provider, block by
//! block: what a patient's wallet shows as "who did what with my data", and what a provider's
//! integration follows.
//!
//! An event concerns an account when any of its fields holds the account (as patient,
//! practitioner, grantee, claimant, …), and a provider when a field that names a provider
//! (`provider`, `respondent`, `parent`, `department`, `custodian`) holds its id. The fields are
//! found through the runtime's type information, so every event of every pallet is covered,
//! including events added later.

use crate::{AccountId, BlockNumber, Client, Error, Hash, RuntimeEvent};
use codec::{Decode, Encode};
use futures::{Stream, StreamExt};
use salus_primitives::ProviderId;
use scale_info::{MetaType, PortableRegistry, Registry};
use scale_value::{Composite, Primitive, Value, ValueDef};
use std::sync::OnceLock;
use subxt::rpcs::rpc_params;

/// Whom the watched events concern.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Concerning {
	/// An account: a patient, a practitioner, a provider's admin, an arbitrator…
	Account(AccountId),
	/// A provider.
	Provider(ProviderId),
}

/// An event that concerns the watched party, with where it happened.
#[derive(Clone, Debug)]
pub struct Watched {
	/// The block.
	pub block_hash: Hash,
	/// Its number.
	pub block_number: BlockNumber,
	/// The event.
	pub event: RuntimeEvent,
}

/// Field names that hold a provider id.
const PROVIDER_FIELDS: &[&str] = &["provider", "respondent", "parent", "department", "custodian"];

/// The runtime's event type, for reading events' fields by name.
fn event_types() -> &'static (PortableRegistry, u32) {
	static TYPES: OnceLock<(PortableRegistry, u32)> = OnceLock::new();
	TYPES.get_or_init(|| {
		let mut registry = Registry::new();
		let id = registry.register_type(&MetaType::new::<RuntimeEvent>()).id;
		(PortableRegistry::from(registry), id)
	})
}

/// Whether `event` concerns `who`.
pub fn concerns(event: &RuntimeEvent, who: &Concerning) -> bool {
	let (registry, id) = event_types();
	let bytes = event.encode();
	match scale_value::scale::decode_as_type(&mut &bytes[..], *id, registry) {
		Ok(value) => mentions(&value, who, false),
		Err(_) => false,
	}
}

fn mentions<T>(value: &Value<T>, who: &Concerning, provider_field: bool) -> bool {
	match &value.value {
		ValueDef::Composite(composite) => {
			if let Concerning::Account(account) = who {
				if is_account(composite, account) {
					return true;
				}
			}
			composite_mentions(composite, who, provider_field)
		},
		// `Grantee::Provider(7)`: the variant's name says what its unnamed field is.
		ValueDef::Variant(variant) => {
			composite_mentions(&variant.values, who, provider_field || variant.name == "Provider")
		},
		ValueDef::Primitive(Primitive::U128(number)) => match who {
			Concerning::Provider(id) => provider_field && *number == u128::from(*id),
			Concerning::Account(_) => false,
		},
		_ => false,
	}
}

fn composite_mentions<T>(composite: &Composite<T>, who: &Concerning, provider_field: bool) -> bool {
	match composite {
		Composite::Named(fields) => fields.iter().any(|(name, value)| {
			mentions(value, who, provider_field || PROVIDER_FIELDS.contains(&name.as_str()))
		}),
		Composite::Unnamed(values) => {
			values.iter().any(|value| mentions(value, who, provider_field))
		},
	}
}

/// Whether `composite` is the 32 bytes of `account` (an `AccountId32`, or its inner array).
fn is_account<T>(composite: &Composite<T>, account: &AccountId) -> bool {
	let values: Vec<&Value<T>> = composite.values().collect();
	let bytes: &[u8] = account.as_ref();
	if values.len() == 1 {
		if let Some(ValueDef::Composite(inner)) = values.first().map(|v| &v.value) {
			return is_account(inner, account);
		}
	}
	values.len() == bytes.len()
		&& values.iter().zip(bytes).all(|(value, byte)| {
			matches!(value.value, ValueDef::Primitive(Primitive::U128(n)) if n == u128::from(*byte))
		})
}

impl Client {
	/// The events of block `at` (the runtime's `System::Events`).
	pub async fn events(&self, at: Hash) -> Result<Vec<RuntimeEvent>, Error> {
		Ok(self.event_records(at).await?.into_iter().map(|record| record.event).collect())
	}

	/// The event records of block `at`, with the phase (the transaction) of each.
	pub async fn event_records(
		&self,
		at: Hash,
	) -> Result<Vec<frame_system::EventRecord<RuntimeEvent, Hash>>, Error> {
		let key = frame_support::storage::storage_prefix(b"System", b"Events").to_vec();
		let bytes: Option<sp_core::Bytes> =
			self.rpc("state_getStorage", rpc_params![sp_core::Bytes(key), at]).await?;
		let records = match bytes {
			Some(bytes) => {
				Vec::<frame_system::EventRecord<RuntimeEvent, Hash>>::decode(&mut &bytes[..])
					.map_err(|e| Error::Decode {
						what: "a block's events".into(),
						reason: e.to_string(),
					})?
			},
			None => Vec::new(),
		};
		Ok(records)
	}

	/// The events that concern `who`, block by block from the next block on, as blocks are
	/// finalized (every block, also when finality jumps several at once), or with `finalized`
	/// false as they enter the best chain (sooner, but a fork may replace a block it reported).
	/// The stream ends when the connection does.
	pub async fn watch(
		&self,
		who: Concerning,
		finalized: bool,
	) -> Result<impl Stream<Item = Result<Watched, Error>> + '_, Error> {
		let (subscribe, unsubscribe) = if finalized {
			("chain_subscribeFinalizedHeads", "chain_unsubscribeFinalizedHeads")
		} else {
			("chain_subscribeNewHeads", "chain_unsubscribeNewHeads")
		};
		let heads = self
			.subscribe::<serde_json::Value>(subscribe, rpc_params![], unsubscribe)
			.await?;
		// Blocks up to the current one happened before the watch began.
		let current = if finalized { Some(self.finalized_hash().await?) } else { None };
		let last = self.block_number(current).await?;
		let blocks = heads
			.scan(last, move |last, head| {
				let numbers = head
					.map_err(|e| Error::Rpc { method: subscribe.into(), reason: e.to_string() })
					.and_then(|head| {
						head.get("number")
							.and_then(|n| n.as_str())
							.and_then(|hex| {
								BlockNumber::from_str_radix(hex.trim_start_matches("0x"), 16).ok()
							})
							.ok_or_else(|| Error::Decode {
								what: "a header".into(),
								reason: "no number".into(),
							})
					})
					.map(|number| {
						let from = last.saturating_add(1);
						*last = (*last).max(number);
						from..=number
					});
				futures::future::ready(Some(numbers))
			})
			.flat_map(|numbers| {
				futures::stream::iter(match numbers {
					Ok(range) => range.map(Ok).collect::<Vec<_>>(),
					Err(error) => vec![Err(error)],
				})
			});
		Ok(blocks
			.then(move |number| {
				let who = who.clone();
				async move {
					let number = number?;
					let hash: Hash = self.rpc("chain_getBlockHash", rpc_params![number]).await?;
					let events = self.events(hash).await?;
					Ok::<_, Error>(
						events
							.into_iter()
							.filter(|event| concerns(event, &who))
							.map(|event| Watched { block_hash: hash, block_number: number, event })
							.collect::<Vec<_>>(),
					)
				}
			})
			.flat_map(|found| {
				futures::stream::iter(match found {
					Ok(found) => found.into_iter().map(Ok).collect::<Vec<_>>(),
					Err(error) => vec![Err(error)],
				})
			}))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use salus_primitives::{DataClass, Purpose};

	fn logged(patient: AccountId, accessor: AccountId, provider: ProviderId) -> RuntimeEvent {
		RuntimeEvent::Access(pallet_access::Event::DisclosureLogged {
			id: 1,
			patient,
			accessor,
			provider,
			class: DataClass::LabResults,
			purpose: Purpose::Treatment,
			basis: salus_primitives::AccessBasis::OwnData,
		})
	}

	#[test]
	fn an_event_concerns_the_accounts_and_providers_it_names() {
		let (alice, bob, charlie) =
			(AccountId::new([1; 32]), AccountId::new([2; 32]), AccountId::new([3; 32]));
		let event = logged(alice.clone(), bob.clone(), 7);
		assert!(concerns(&event, &Concerning::Account(alice)));
		assert!(concerns(&event, &Concerning::Account(bob)));
		assert!(!concerns(&event, &Concerning::Account(charlie)));
		assert!(concerns(&event, &Concerning::Provider(7)));
		// The id 1 is not a provider field.
		assert!(!concerns(&event, &Concerning::Provider(1)));
	}

	#[test]
	fn a_provider_in_an_option_is_found() {
		let event =
			RuntimeEvent::HealthIdentity(pallet_health_identity::Event::ProviderRegistered {
				provider: 4,
				admin: AccountId::new([9; 32]),
				kind: salus_primitives::ProviderKind::Department,
				jurisdiction: salus_primitives::Jurisdiction::from_code("DE").unwrap(),
				parent: Some(2),
			});
		assert!(concerns(&event, &Concerning::Provider(2)));
		assert!(concerns(&event, &Concerning::Provider(4)));
		assert!(!concerns(&event, &Concerning::Provider(3)));
	}

	#[test]
	fn a_grant_to_a_provider_concerns_it() {
		let granted = RuntimeEvent::Consent(pallet_consent::Event::ConsentGranted {
			patient: AccountId::new([1; 32]),
			id: 3,
			grantee: salus_primitives::Grantee::Provider(9),
			decision: salus_primitives::Decision::Permit,
			classes: salus_primitives::DataClassSet::full(),
			purposes: salus_primitives::PurposeSet::full(),
			valid_until: None,
			source: salus_primitives::GrantSource::Patient,
		});
		assert!(concerns(&granted, &Concerning::Provider(9)));
		assert!(!concerns(&granted, &Concerning::Provider(3)));
	}
}
