//! # Salus primitives
//!
//! The shared vocabulary of the Salus health-data network, used by every Salus pallet, the
//! runtime, the node and the client:
//!
//! - [`DataClass`] and [`DataClassSet`]: which part of a medical record. The *sensitive* classes
//!   (mental health, substance use, sexual and reproductive health, genomics) are marked, because
//!   a grant covers them only when it names them.
//! - [`Purpose`] and [`PurposeSet`]: why data is used, as HL7 v3 purpose-of-use codes.
//! - [`Jurisdiction`]: an ISO 3166-1 alpha-2 country code, for data-residency rules. Only
//!   assigned codes can be built or decoded.
//! - [`ids`]: the sequential ids of providers, consents, requests, emergency accesses,
//!   disclosures and disputes.
//! - [`identity`]: provider kinds and statuses, practitioner roles, and the traits through which
//!   the other pallets ask the identity pallet about patients and providers
//!   ([`ProviderRegistry`], [`PatientRegistry`], [`PatientLifecycle`], [`ProviderLifecycle`]).
//! - [`consent`]: grantees, Permit and Deny, the [`AccessDecision`] with its basis or reason,
//!   and [`AccessControl`], through which the access pallet creates grants and asks for
//!   decisions.
//! - [`access`]: what the access pallet hands on: disputes through [`DisputeGateway`], the
//!   parties of a disputed act through [`DisputeSubjects`], and the [`AccessEvents`] the rewards
//!   pallet counts.
//! - [`disputes`]: what an upheld dispute asks of the rewards pallet ([`RewardClawback`]).
//! - [`funds`]: [`hold_liquid`], how a pallet holds funds that may later be paid to another
//!   account.
//! - [`rewards`]: the events the identity and consent pallets report to the rewards pallet
//!   ([`RecordEvents`], [`ConsentEvents`]).
//! - `mock` (feature `mock`, for unit tests only): the identity registry the pallets' mock
//!   runtimes share.
//!
//! Every type is SCALE-encodable with a bounded [`MaxEncodedLen`](codec::MaxEncodedLen) and
//! described by [`TypeInfo`](scale_info::TypeInfo), so it can be stored, passed to calls and read
//! by clients from the metadata. Decoding validates: a set with an unknown member bit or an
//! unassigned country code does not decode.
//!
//! Nothing here carries health data or a plain identifier: these types say *what kind* of data
//! and *why*, never the data itself.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod access;
#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
pub mod consent;
mod data_class;
pub mod disputes;
pub mod funds;
pub mod identity;
pub mod ids;
mod jurisdiction;
#[cfg(feature = "mock")]
pub mod mock;
mod purpose;
pub mod rewards;
mod set;

pub use access::{AccessEvents, DisputeGateway, DisputeSubject, DisputeSubjects};
pub use consent::{
	AccessBasis, AccessControl, AccessDecision, AccessQuery, Decision, Decisions, DenyReason,
	Grant, GrantBy, GrantSource, Granted, Grantee, Timestamp, MAX_ACCESS_BATCH,
};
pub use data_class::{DataClass, DataClassSet};
pub use disputes::RewardClawback;
pub use funds::hold_liquid;
pub use identity::{
	PatientLifecycle, PatientRegistry, PractitionerRole, ProviderKind, ProviderLifecycle,
	ProviderProfile, ProviderRegistry, ProviderStatus,
};
pub use ids::*;
pub use jurisdiction::{InvalidJurisdiction, Jurisdiction};
pub use purpose::{Purpose, PurposeSet};
pub use rewards::{ConsentEvents, RecordEvents};
pub use set::{Flag, FlagSet};

#[cfg(test)]
mod tests;
