//! Bootstrap: replaced by `scripts/benchmark-pallets.sh pallets/access` before this lands.
#![allow(missing_docs)]
use frame_support::weights::Weight;
use core::marker::PhantomData;
pub trait WeightInfo {
	fn request_access() -> Weight;
	fn approve_request() -> Weight;
	fn deny_request() -> Weight;
	fn cancel_request() -> Weight;
	fn declare_emergency() -> Weight;
	fn acknowledge_emergency() -> Weight;
	fn contest_emergency() -> Weight;
	fn log_disclosure() -> Weight;
	fn prune_disclosures() -> Weight;
	fn expire_request() -> Weight;
	fn escalate_review() -> Weight;
}
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T> WeightInfo for SubstrateWeight<T> {
	fn request_access() -> Weight { Weight::MAX }
	fn approve_request() -> Weight { Weight::MAX }
	fn deny_request() -> Weight { Weight::MAX }
	fn cancel_request() -> Weight { Weight::MAX }
	fn declare_emergency() -> Weight { Weight::MAX }
	fn acknowledge_emergency() -> Weight { Weight::MAX }
	fn contest_emergency() -> Weight { Weight::MAX }
	fn log_disclosure() -> Weight { Weight::MAX }
	fn prune_disclosures() -> Weight { Weight::MAX }
	fn expire_request() -> Weight { Weight::MAX }
	fn escalate_review() -> Weight { Weight::MAX }
}
impl WeightInfo for () {
	fn request_access() -> Weight { Weight::zero() }
	fn approve_request() -> Weight { Weight::zero() }
	fn deny_request() -> Weight { Weight::zero() }
	fn cancel_request() -> Weight { Weight::zero() }
	fn declare_emergency() -> Weight { Weight::zero() }
	fn acknowledge_emergency() -> Weight { Weight::zero() }
	fn contest_emergency() -> Weight { Weight::zero() }
	fn log_disclosure() -> Weight { Weight::zero() }
	fn prune_disclosures() -> Weight { Weight::zero() }
	fn expire_request() -> Weight { Weight::zero() }
	fn escalate_review() -> Weight { Weight::zero() }
}
