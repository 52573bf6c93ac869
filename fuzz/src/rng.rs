//! A small deterministic pseudo-random generator (xoshiro256**, seeded with SplitMix64), so
//! that a run is a pure function of its seed on every platform and with every dependency
//! version.

/// The generator.
#[derive(Clone, Debug)]
pub struct Rng {
	s: [u64; 4],
}

impl Rng {
	/// A generator seeded with `seed`.
	pub fn new(seed: u64) -> Self {
		let mut x = seed;
		let mut next = || {
			x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
			let mut z = x;
			z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
			z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
			z ^ (z >> 31)
		};
		Self { s: [next(), next(), next(), next()] }
	}

	/// The next 64 random bits.
	pub fn next_u64(&mut self) -> u64 {
		let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
		let t = self.s[1] << 17;
		self.s[2] ^= self.s[0];
		self.s[3] ^= self.s[1];
		self.s[1] ^= self.s[2];
		self.s[0] ^= self.s[3];
		self.s[2] ^= t;
		self.s[3] = self.s[3].rotate_left(45);
		result
	}

	/// A number in `0..n` (0 if `n` is 0).
	pub fn below(&mut self, n: u64) -> u64 {
		if n == 0 {
			0
		} else {
			self.next_u64() % n
		}
	}

	/// An index into a slice of length `n` (which must not be 0).
	pub fn index(&mut self, n: usize) -> usize {
		self.below(n as u64) as usize
	}

	/// True with probability `percent` %.
	pub fn chance(&mut self, percent: u64) -> bool {
		self.below(100) < percent
	}

	/// A number in `lo..=hi`.
	pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
		lo + self.below(hi - lo + 1)
	}

	/// A random element of a non-empty slice.
	pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
		&items[self.index(items.len())]
	}

	/// An index chosen with probability proportional to `weights` (not all 0).
	pub fn weighted(&mut self, weights: &[u32]) -> usize {
		let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
		let mut x = self.below(total);
		for (i, w) in weights.iter().enumerate() {
			let w = u64::from(*w);
			if x < w {
				return i;
			}
			x -= w;
		}
		weights.len() - 1
	}

	/// 32 random bytes.
	pub fn bytes32(&mut self) -> [u8; 32] {
		let mut out = [0u8; 32];
		for chunk in out.chunks_mut(8) {
			chunk.copy_from_slice(&self.next_u64().to_le_bytes());
		}
		out
	}
}
