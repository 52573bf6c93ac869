//! Every call of the Salus pallets has a typed builder in `salus_client::tx`: a call added to
//! a pallet without one fails here.

use codec::Decode;
use frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed};
use salus_client::tx;
use scale_info::TypeDef;

/// The names of `pallet`'s calls, if it has any.
fn calls_of(
	metadata: &frame_metadata::v15::RuntimeMetadataV15,
	pallet: &str,
) -> Option<Vec<String>> {
	let pallet = metadata.pallets.iter().find(|p| p.name == pallet)?;
	let ty = pallet.calls.as_ref()?.ty.id;
	match &metadata.types.resolve(ty)?.type_def {
		TypeDef::Variant(variant) => {
			Some(variant.variants.iter().map(|v| v.name.clone()).collect())
		},
		_ => None,
	}
}

#[test]
fn every_salus_call_has_a_builder() {
	// The runtime's metadata, built natively (it reads storage versions, so it needs
	// externalities).
	let opaque = sp_io::TestExternalities::default()
		.execute_with(|| salus_runtime::Runtime::metadata_at_version(15))
		.unwrap();
	let prefixed = RuntimeMetadataPrefixed::decode(&mut &opaque[..]).unwrap();
	let RuntimeMetadata::V15(metadata) = prefixed.1 else { panic!("metadata version 15") };
	for (pallet, built) in [
		("HealthIdentity", tx::identity::CALLS),
		("Consent", tx::consent::CALLS),
		("Access", tx::access::CALLS),
		("Disputes", tx::disputes::CALLS),
		("Rewards", tx::rewards::CALLS),
	] {
		let mut calls = calls_of(&metadata, pallet).unwrap();
		let mut built: Vec<String> = built.iter().map(|name| (*name).to_owned()).collect();
		calls.sort();
		built.sort();
		assert_eq!(
			built, calls,
			"{pallet}: the builders in salus_client::tx against the runtime's calls"
		);
	}
}
