//! Classes of health data, and sets of them.

use crate::set::{Flag, FlagSet};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A class of health data in a patient's record.
///
/// The last four variants are *sensitive*: a grant covers them only when it names them
/// explicitly, and emergency access reaches them only when the patient opted in.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum DataClass {
	/// Administrative demographics (contact details, sex, language).
	#[codec(index = 0)]
	Demographics,
	/// Allergies and intolerances.
	#[codec(index = 1)]
	Allergies,
	/// Medication statements, prescriptions and dispenses.
	#[codec(index = 2)]
	Medications,
	/// Problems, conditions and diagnoses.
	#[codec(index = 3)]
	Conditions,
	/// Procedures performed.
	#[codec(index = 4)]
	Procedures,
	/// Laboratory results.
	#[codec(index = 5)]
	LabResults,
	/// Imaging studies and reports.
	#[codec(index = 6)]
	Imaging,
	/// Immunizations.
	#[codec(index = 7)]
	Immunizations,
	/// Vital signs.
	#[codec(index = 8)]
	VitalSigns,
	/// Free-text clinical notes.
	#[codec(index = 9)]
	ClinicalNotes,
	/// Billing and claims.
	#[codec(index = 10)]
	Billing,
	/// Mental health (sensitive).
	#[codec(index = 11)]
	MentalHealth,
	/// Substance use disorder treatment (sensitive).
	#[codec(index = 12)]
	SubstanceUse,
	/// Sexual and reproductive health (sensitive).
	#[codec(index = 13)]
	SexualReproductive,
	/// Genomic data (sensitive).
	#[codec(index = 14)]
	Genomics,
}

impl DataClass {
	/// Whether the class is sensitive: covered only by a grant that names it.
	pub const fn is_sensitive(self) -> bool {
		matches!(
			self,
			Self::MentalHealth | Self::SubstanceUse | Self::SexualReproductive | Self::Genomics
		)
	}
}

impl Flag for DataClass {
	const ALL: &'static [Self] = &[
		Self::Demographics,
		Self::Allergies,
		Self::Medications,
		Self::Conditions,
		Self::Procedures,
		Self::LabResults,
		Self::Imaging,
		Self::Immunizations,
		Self::VitalSigns,
		Self::ClinicalNotes,
		Self::Billing,
		Self::MentalHealth,
		Self::SubstanceUse,
		Self::SexualReproductive,
		Self::Genomics,
	];

	fn index(self) -> u8 {
		self as u8
	}
}

/// A set of [`DataClass`]es.
pub type DataClassSet = FlagSet<DataClass>;

impl FlagSet<DataClass> {
	/// The sensitive classes.
	pub fn sensitive() -> Self {
		DataClass::ALL.iter().copied().filter(|class| class.is_sensitive()).collect()
	}

	/// The classes that are not sensitive.
	pub fn non_sensitive() -> Self {
		Self::full().difference(Self::sensitive())
	}

	/// The sensitive members of this set.
	#[must_use]
	pub fn sensitive_part(self) -> Self {
		self.intersection(Self::sensitive())
	}

	/// Whether the set has a sensitive member.
	pub fn has_sensitive(&self) -> bool {
		self.intersects(&Self::sensitive())
	}
}
