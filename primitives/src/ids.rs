//! Identifiers of the things Salus keeps on chain.
//!
//! Patients and practitioners are accounts. Everything else has a sequential id, handed out by
//! the pallet that owns it from a counter that only grows.

/// A provider organisation (hospital, clinic, lab, pharmacy, insurer, research institute or a
/// department of one of them).
pub type ProviderId = u32;
/// A consent in the consent registry.
pub type ConsentId = u64;
/// A data-access request from a provider to a patient.
pub type RequestId = u64;
/// An emergency (break-glass) access.
pub type EmergencyId = u64;
/// An entry of the disclosure log (accounting of disclosures).
pub type DisclosureId = u64;
/// A dispute against a provider.
pub type DisputeId = u32;
