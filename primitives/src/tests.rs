use crate::*;
use codec::{Decode, Encode, MaxEncodedLen};

fn round_trip<T: Encode + Decode + PartialEq + core::fmt::Debug>(value: T) {
	let encoded = value.encode();
	assert_eq!(T::decode(&mut &encoded[..]), Ok(value));
}

mod data_class_set {
	use super::*;
	use DataClass::*;

	#[test]
	fn sensitive_classes_are_exactly_the_four_named_in_the_design() {
		let sensitive: Vec<_> = DataClassSet::sensitive().iter().collect();
		assert_eq!(sensitive, vec![MentalHealth, SubstanceUse, SexualReproductive, Genomics]);
		assert!(DataClass::ALL.iter().all(|c| c.is_sensitive() == sensitive.contains(c)));
	}

	#[test]
	fn sensitive_and_non_sensitive_partition_the_full_set() {
		let sensitive = DataClassSet::sensitive();
		let other = DataClassSet::non_sensitive();
		assert!(!sensitive.intersects(&other));
		assert_eq!(sensitive.union(other), DataClassSet::full());
		assert_eq!(DataClassSet::full().len(), 15);
		assert_eq!(other.len(), 11);
	}

	#[test]
	fn insert_remove_and_contains_agree() {
		let mut set = DataClassSet::empty();
		assert!(set.is_empty());
		assert!(set.insert(LabResults));
		assert!(!set.insert(LabResults), "second insert reports the member was there");
		assert!(set.contains(LabResults));
		assert!(!set.contains(Imaging));
		assert_eq!(set.len(), 1);
		assert!(set.remove(LabResults));
		assert!(!set.remove(LabResults));
		assert!(set.is_empty());
	}

	#[test]
	fn union_intersection_difference_and_subset() {
		let a = DataClassSet::of(&[Allergies, Medications, Genomics]);
		let b = DataClassSet::of(&[Medications, Imaging]);
		assert_eq!(a.union(b), DataClassSet::of(&[Allergies, Medications, Genomics, Imaging]));
		assert_eq!(a.intersection(b), DataClassSet::from(Medications));
		assert_eq!(a.difference(b), DataClassSet::of(&[Allergies, Genomics]));
		assert!(a.intersection(b).is_subset_of(&a));
		assert!(a.intersection(b).is_subset_of(&b));
		assert!(!a.is_subset_of(&b));
		assert!(DataClassSet::empty().is_subset_of(&b));
		assert!(a.has_sensitive());
		assert!(!b.has_sensitive());
		assert_eq!(a.sensitive_part(), DataClassSet::from(Genomics));
	}

	#[test]
	fn iterates_in_bit_order_and_collects_back() {
		let set = DataClassSet::of(&[Genomics, Demographics, VitalSigns]);
		let members: Vec<_> = set.iter().collect();
		assert_eq!(members, vec![Demographics, VitalSigns, Genomics]);
		assert_eq!(members.into_iter().collect::<DataClassSet>(), set);
	}

	#[test]
	fn bit_i_is_the_ith_variant_and_its_codec_index() {
		for (i, class) in DataClass::ALL.iter().enumerate() {
			assert_eq!(DataClassSet::from(*class).bits(), 1 << i);
			assert_eq!(class.encode(), vec![i as u8]);
		}
	}

	#[test]
	fn encodes_as_a_u32_mask_and_round_trips() {
		let set = DataClassSet::of(&[Demographics, Genomics]);
		assert_eq!(set.encode(), (1u32 | 1 << 14).encode());
		assert_eq!(DataClassSet::max_encoded_len(), 4);
		round_trip(set);
		round_trip(DataClassSet::empty());
		round_trip(DataClassSet::full());
		for class in DataClass::ALL {
			round_trip(*class);
		}
	}

	#[test]
	fn a_mask_with_an_unknown_bit_does_not_decode() {
		let bad = (1u32 << 15).encode();
		assert!(DataClassSet::decode(&mut &bad[..]).is_err());
		assert!(DataClassSet::from_bits(1 << 15).is_none());
		assert!(DataClassSet::from_bits(u32::MAX).is_none());
		assert_eq!(DataClassSet::from_bits(0x7fff), Some(DataClassSet::full()));
	}

	#[test]
	fn an_unknown_class_index_does_not_decode() {
		assert!(DataClass::decode(&mut &[15u8][..]).is_err());
	}
}

mod purpose_set {
	use super::*;
	use Purpose::*;

	#[test]
	fn hl7_codes_round_trip() {
		let codes: Vec<_> = Purpose::ALL.iter().map(|p| p.code()).collect();
		assert_eq!(
			codes,
			vec!["TREAT", "ETREAT", "HPAYMT", "HOPERAT", "HRESCH", "PUBHLTH", "PATRQT"]
		);
		for purpose in Purpose::ALL {
			assert_eq!(Purpose::from_code(purpose.code()), Some(*purpose));
		}
		assert_eq!(Purpose::from_code("treat"), None);
		assert_eq!(Purpose::from_code("MARKETING"), None);
	}

	#[test]
	fn set_algebra_and_encoding() {
		let clinical = PurposeSet::of(&[Treatment, EmergencyTreatment]);
		let research = PurposeSet::from(Research);
		assert!(!clinical.intersects(&research));
		assert_eq!(clinical.union(research).len(), 3);
		assert_eq!(PurposeSet::full().len(), 7);
		assert_eq!(PurposeSet::full().difference(clinical).len(), 5);
		round_trip(clinical);
		round_trip(PurposeSet::full());
		assert_eq!(PurposeSet::max_encoded_len(), 4);
	}

	#[test]
	fn a_mask_with_an_unknown_bit_does_not_decode() {
		let bad = (1u32 << 7).encode();
		assert!(PurposeSet::decode(&mut &bad[..]).is_err());
		assert_eq!(PurposeSet::from_bits(0x7f), Some(PurposeSet::full()));
	}
}

mod jurisdiction {
	use super::*;

	#[test]
	fn assigned_codes_are_accepted() {
		for code in ["DE", "FR", "US", "GB", "CH", "KE", "JP", "AD", "ZW"] {
			let jurisdiction = Jurisdiction::from_code(code).expect(code);
			assert_eq!(jurisdiction.as_str(), code);
			round_trip(jurisdiction);
		}
	}

	#[test]
	fn the_table_is_sorted_without_duplicates_and_has_all_249_codes() {
		assert_eq!(Jurisdiction::count(), 249);
		let mut previous = None;
		for first in b'A'..=b'Z' {
			for second in b'A'..=b'Z' {
				if let Ok(j) = Jurisdiction::new([first, second]) {
					assert!(previous < Some(j));
					previous = Some(j);
				}
			}
		}
	}

	#[test]
	fn invalid_codes_are_rejected() {
		for code in ["ZZ", "XX", "EU", "UK", "de", "D", "DEU", "", "1A", "D€"] {
			assert_eq!(Jurisdiction::from_code(code), Err(InvalidJurisdiction), "{code}");
		}
		assert_eq!(Jurisdiction::new(*b"AA"), Err(InvalidJurisdiction));
	}

	#[test]
	fn an_invalid_code_does_not_decode() {
		assert!(Jurisdiction::decode(&mut &b"ZZ"[..]).is_err());
		assert!(Jurisdiction::decode(&mut &b"de"[..]).is_err());
		assert!(Jurisdiction::decode(&mut &b"D"[..]).is_err());
		assert_eq!(Jurisdiction::decode(&mut &b"DE"[..]).ok(), Jurisdiction::from_code("DE").ok());
		assert_eq!(Jurisdiction::max_encoded_len(), 2);
	}
}

#[test]
fn ids_are_sequential_integers_of_the_documented_widths() {
	assert_eq!(ProviderId::max_encoded_len(), 4);
	assert_eq!(DisputeId::max_encoded_len(), 4);
	for width in [
		ConsentId::max_encoded_len(),
		RequestId::max_encoded_len(),
		EmergencyId::max_encoded_len(),
		DisclosureId::max_encoded_len(),
	] {
		assert_eq!(width, 8);
	}
}
