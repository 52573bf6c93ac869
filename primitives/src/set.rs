//! A compact set over a small enumeration, stored as a bitmask.
//!
//! [`DataClassSet`](crate::DataClassSet) and [`PurposeSet`](crate::PurposeSet) are both a
//! [`FlagSet`]: one implementation of the set algebra, one SCALE encoding (a `u32` bitmask), and
//! one rule for decoding: a mask with a bit that names no member is refused, so no call or storage
//! item can ever hold a set with a member the runtime does not know.

use codec::{Decode, DecodeWithMemTracking, Encode, Error as CodecError, Input, MaxEncodedLen};
use core::{fmt, marker::PhantomData};
use scale_info::{build::Fields, Path, Type, TypeInfo};

/// A fieldless enumeration whose variants can be members of a [`FlagSet`].
pub trait Flag: Copy + Eq + 'static {
	/// Every variant, in bit order: `ALL[i]` is stored as bit `i`.
	const ALL: &'static [Self];

	/// The bit index of this variant (its position in [`Flag::ALL`]).
	fn index(self) -> u8;

	/// The single-bit mask of this variant.
	fn mask(self) -> u32 {
		1u32.checked_shl(u32::from(self.index())).unwrap_or(0)
	}

	/// The mask with every variant's bit set.
	fn full_mask() -> u32 {
		Self::ALL.iter().fold(0, |acc, flag| acc | flag.mask())
	}
}

/// A set of `F`, stored and encoded as a `u32` bitmask.
pub struct FlagSet<F: Flag> {
	bits: u32,
	_flag: PhantomData<F>,
}

impl<F: Flag> FlagSet<F> {
	/// The empty set.
	pub const fn empty() -> Self {
		Self { bits: 0, _flag: PhantomData }
	}

	/// The set of every variant of `F`.
	pub fn full() -> Self {
		Self::from_bits_unchecked(F::full_mask())
	}

	/// The set holding exactly the given members.
	pub fn of(members: &[F]) -> Self {
		members.iter().copied().collect()
	}

	/// The set whose mask is `bits`, or `None` when `bits` has a bit that names no member.
	pub fn from_bits(bits: u32) -> Option<Self> {
		(bits & !F::full_mask() == 0).then_some(Self::from_bits_unchecked(bits))
	}

	const fn from_bits_unchecked(bits: u32) -> Self {
		Self { bits, _flag: PhantomData }
	}

	/// The bitmask of this set (bit `i` is `F::ALL[i]`).
	pub const fn bits(&self) -> u32 {
		self.bits
	}

	/// Whether the set has no member.
	pub const fn is_empty(&self) -> bool {
		self.bits == 0
	}

	/// How many members the set has.
	pub const fn len(&self) -> u32 {
		self.bits.count_ones()
	}

	/// Whether `member` is in the set.
	pub fn contains(&self, member: F) -> bool {
		self.bits & member.mask() != 0
	}

	/// Adds `member`; returns whether it was absent before.
	pub fn insert(&mut self, member: F) -> bool {
		let absent = !self.contains(member);
		self.bits |= member.mask();
		absent
	}

	/// Removes `member`; returns whether it was present before.
	pub fn remove(&mut self, member: F) -> bool {
		let present = self.contains(member);
		self.bits &= !member.mask();
		present
	}

	/// The members in either set.
	#[must_use]
	pub const fn union(self, other: Self) -> Self {
		Self::from_bits_unchecked(self.bits | other.bits)
	}

	/// The members in both sets.
	#[must_use]
	pub const fn intersection(self, other: Self) -> Self {
		Self::from_bits_unchecked(self.bits & other.bits)
	}

	/// The members of `self` that are not in `other`.
	#[must_use]
	pub const fn difference(self, other: Self) -> Self {
		Self::from_bits_unchecked(self.bits & !other.bits)
	}

	/// Whether every member of `self` is in `other`.
	pub const fn is_subset_of(&self, other: &Self) -> bool {
		self.bits & !other.bits == 0
	}

	/// Whether the two sets have a member in common.
	pub const fn intersects(&self, other: &Self) -> bool {
		self.bits & other.bits != 0
	}

	/// The members, in bit order.
	pub fn iter(&self) -> impl Iterator<Item = F> + '_ {
		F::ALL.iter().copied().filter(|member| self.contains(*member))
	}
}

// Derives would put bounds on `F` itself; the set is plain data whatever `F` is.
impl<F: Flag> Clone for FlagSet<F> {
	fn clone(&self) -> Self {
		*self
	}
}

impl<F: Flag> Copy for FlagSet<F> {}

impl<F: Flag> PartialEq for FlagSet<F> {
	fn eq(&self, other: &Self) -> bool {
		self.bits == other.bits
	}
}

impl<F: Flag> Eq for FlagSet<F> {}

impl<F: Flag> Default for FlagSet<F> {
	fn default() -> Self {
		Self::empty()
	}
}

impl<F: Flag + fmt::Debug> fmt::Debug for FlagSet<F> {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.debug_set().entries(self.iter()).finish()
	}
}

impl<F: Flag> FromIterator<F> for FlagSet<F> {
	fn from_iter<I: IntoIterator<Item = F>>(members: I) -> Self {
		let mut set = Self::empty();
		for member in members {
			set.insert(member);
		}
		set
	}
}

impl<F: Flag> From<F> for FlagSet<F> {
	fn from(member: F) -> Self {
		Self::from_bits_unchecked(member.mask())
	}
}

impl<F: Flag> Encode for FlagSet<F> {
	fn size_hint(&self) -> usize {
		self.bits.size_hint()
	}

	fn encode_to<T: codec::Output + ?Sized>(&self, dest: &mut T) {
		self.bits.encode_to(dest)
	}
}

impl<F: Flag> codec::EncodeLike for FlagSet<F> {}

impl<F: Flag> Decode for FlagSet<F> {
	fn decode<I: Input>(input: &mut I) -> Result<Self, CodecError> {
		Self::from_bits(u32::decode(input)?).ok_or_else(|| "FlagSet: unknown member bit".into())
	}
}

impl<F: Flag> DecodeWithMemTracking for FlagSet<F> {}

impl<F: Flag> MaxEncodedLen for FlagSet<F> {
	fn max_encoded_len() -> usize {
		u32::max_encoded_len()
	}
}

impl<F: Flag + TypeInfo> TypeInfo for FlagSet<F> {
	type Identity = Self;

	fn type_info() -> Type {
		Type::builder()
			.path(Path::new("FlagSet", module_path!()))
			.type_params([scale_info::TypeParameter::new("F", Some(scale_info::meta_type::<F>()))])
			.docs(&["A set of `F`, encoded as a u32 bitmask: bit i is the i-th variant of `F`."])
			.composite(Fields::unnamed().field(|f| f.ty::<u32>().type_name("u32")))
	}
}
