//! Purposes of use (HL7 v3 `PurposeOfUse`), and sets of them.

use crate::set::{Flag, FlagSet};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Why an accessor wants data: the HL7 v3 purpose-of-use codes Salus understands.
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
pub enum Purpose {
	/// Treatment (`TREAT`).
	#[codec(index = 0)]
	Treatment,
	/// Emergency treatment (`ETREAT`).
	#[codec(index = 1)]
	EmergencyTreatment,
	/// Payment (`HPAYMT`).
	#[codec(index = 2)]
	Payment,
	/// Healthcare operations (`HOPERAT`).
	#[codec(index = 3)]
	Operations,
	/// Healthcare research (`HRESCH`).
	#[codec(index = 4)]
	Research,
	/// Public health (`PUBHLTH`).
	#[codec(index = 5)]
	PublicHealth,
	/// Requested by the patient (`PATRQT`).
	#[codec(index = 6)]
	PatientRequest,
}

impl Purpose {
	/// The HL7 v3 `PurposeOfUse` code.
	pub const fn code(self) -> &'static str {
		match self {
			Self::Treatment => "TREAT",
			Self::EmergencyTreatment => "ETREAT",
			Self::Payment => "HPAYMT",
			Self::Operations => "HOPERAT",
			Self::Research => "HRESCH",
			Self::PublicHealth => "PUBHLTH",
			Self::PatientRequest => "PATRQT",
		}
	}

	/// The purpose with the given HL7 v3 `PurposeOfUse` code, if Salus knows it.
	pub fn from_code(code: &str) -> Option<Self> {
		Self::ALL.iter().copied().find(|purpose| purpose.code() == code)
	}
}

impl Flag for Purpose {
	const ALL: &'static [Self] = &[
		Self::Treatment,
		Self::EmergencyTreatment,
		Self::Payment,
		Self::Operations,
		Self::Research,
		Self::PublicHealth,
		Self::PatientRequest,
	];

	fn index(self) -> u8 {
		self as u8
	}
}

/// A set of [`Purpose`]s.
pub type PurposeSet = FlagSet<Purpose>;
