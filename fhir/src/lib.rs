//! FHIR R4 in and out of Salus.
//!
//! - [`import_consent`]: a patient's FHIR `Consent` becomes the Salus consents to sign
//!   (`grant_consent`'s arguments), or is refused with the element Salus cannot represent.
//! - [`export_consents`]: a patient's consents and grants as FHIR `Consent`s in a `Bundle`;
//!   importing an exported active consent gives back its terms.
//! - [`audit_bundle`] and [`audit_csv`]: the disclosure log as FHIR `AuditEvent`s and as
//!   CSV, the accounting of disclosures HIPAA §164.528 asks for.
//!
//! The mapping tables are in the crate's `README.md`; [`codes`] holds them as code.
//!
//! The FHIR model is `fhir-model`'s R4B (4.3.0), whose `Consent`, `AuditEvent` and `Bundle`
//! are R4's (4.0.1): resources are read with it, and every resource written is checked
//! against it before it is returned.

pub mod audit;
pub mod codes;
pub mod export;
pub mod import;
pub mod report;
pub mod terms;
pub mod time;

pub use audit::{audit_bundle, audit_csv, ChainInfo, DisclosureRecord};
pub use export::{export_consents, searchset, ExportError, StoredConsent};
pub use import::{import_consent, import_consent_in, ImportError};
pub use report::{reported_access, ReportedAccess};
pub use terms::{ConsentTerms, GranteeJson, TermsJson};
