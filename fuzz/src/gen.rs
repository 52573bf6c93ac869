//! Random calls from the runtime's own type information.
//!
//! [`Gen`] walks the `scale_info` type of `RuntimeCall` and writes a random SCALE encoding of a
//! value of it: a pallet (weighted), one of its calls (minus a deny list), and every argument
//! generated from its type. Nothing here knows a Salus call's signature; what steers the values
//! towards meaningful ones is generic:
//!
//! - integers are biased to small and boundary values; balances, timestamps and block numbers
//!   (recognised by the argument's type or field name) to amounts, moments and blocks near the
//!   chain's present;
//! - accounts are mostly the funded development accounts; `H256` values mostly come from a small
//!   pool, so that hashes and commitments collide;
//! - every event the chain emits is walked with the same type information and its integers and
//!   hashes are remembered under their type name and field name (`ProviderId`, `id`, ...): an
//!   argument of type `ProviderId` is then often a provider id that exists;
//! - the arguments of calls that succeeded are remembered per call and argument, and reused.

use crate::rng::Rng;
use codec::{Compact, Decode, Encode};
use scale_info::{PortableRegistry, TypeDef, TypeDefPrimitive};
use std::{
	collections::{BTreeMap, BTreeSet},
	rc::Rc,
};

/// The pallets whose calls the generator favours.
pub const SALUS_PALLETS: [&str; 5] = ["HealthIdentity", "Consent", "Access", "Disputes", "Rewards"];

/// Calls never generated, at any depth: they would legitimately break the harness (replace the
/// runtime, write or delete raw storage, take root away, make the total issuance disagree with
/// the balances on purpose, change the council's members so that no known key sits on it) or
/// are inherents.
pub const DENIED: &[(&str, &str)] = &[
	("System", "set_code"),
	("System", "set_code_without_checks"),
	("System", "set_storage"),
	("System", "kill_storage"),
	("System", "kill_prefix"),
	("System", "set_heap_pages"),
	("System", "authorize_upgrade"),
	("System", "authorize_upgrade_without_checks"),
	("System", "apply_authorized_upgrade"),
	("Timestamp", "*"),
	("Sudo", "set_key"),
	("Sudo", "remove_key"),
	("Balances", "force_adjust_total_issuance"),
	// Root can set a balance near u128::MAX: the total issuance saturates and can no longer
	// equal the sum of the balances (seed 2 found it in 21 785 extrinsics).
	("Balances", "force_set_balance"),
	// Root can unreserve funds that back a hold: pallet-balances lowers `reserved` below the
	// holds, after which a bond can no longer be released or forfeited in full (seeds 101 and
	// 102 found it as a proxy deposit and a dispute bond that "could not be unreserved"). Root
	// passes every call filter, so the runtime cannot refuse it; the README tells governance
	// never to use it.
	("Balances", "force_unreserve"),
	("Council", "set_members"),
	// Open motions that nobody closes fill the council's proposal limit; the harness makes
	// its own council motions (propose, vote, close) for the council origin.
	("Council", "propose"),
	("CouncilMembership", "reset_members"),
	("CouncilMembership", "remove_member"),
	("CouncilMembership", "swap_member"),
	("CouncilMembership", "change_key"),
	// Root may dispatch with any origin, a forged collective origin included:
	// `Members(n, m)` with n and m near u32::MAX overflows pallet-collective's
	// `EnsureProportionAtLeast` (`n * D >= N * m` in u32; a debug build panics). No signed
	// account can build that origin, only root can (seed 2 found it), so it is the harness's
	// root that is unrealistic here, not the chain.
	("Utility", "dispatch_as"),
	("Utility", "dispatch_as_fallible"),
];

/// How often a pallet's calls are generated, relative to the others.
fn pallet_weight(name: &str) -> u32 {
	if SALUS_PALLETS.contains(&name) {
		40
	} else {
		match name {
			"Balances" | "Utility" | "Proxy" | "ArbitratorsMembership" => 3,
			_ => 1,
		}
	}
}

/// A call of a pallet.
#[derive(Clone, Debug)]
pub struct CallInfo {
	/// Its name.
	pub name: String,
	/// Its call index.
	pub index: u8,
	/// Its arguments: (name, type name, type id).
	pub fields: Vec<(Option<String>, Option<String>, u32)>,
}

/// A pallet with calls.
#[derive(Clone, Debug)]
pub struct PalletInfo {
	/// Its name in the runtime.
	pub name: String,
	/// Its index.
	pub index: u8,
	/// The calls that may be generated.
	pub calls: Vec<CallInfo>,
	/// How often it is chosen.
	pub weight: u32,
}

/// A call generated for the current extrinsic: pallet, call, and each argument's encoding.
pub type Generated = (String, String, Vec<Vec<u8>>);

/// Why no call could be generated.
#[derive(Debug)]
pub struct Skip;

/// The generator and what it has learnt of the chain.
pub struct Gen {
	reg: Rc<PortableRegistry>,
	call_ty: u32,
	event_ty: u32,
	/// Every pallet with calls, in index order.
	pub pallets: Vec<PalletInfo>,
	/// The accounts the harness signs with.
	pub signers: Vec<[u8; 32]>,
	/// Other accounts worth naming (treasury, reward pool).
	pub others: Vec<[u8; 32]>,
	hashes: Vec<[u8; 32]>,
	nums: BTreeMap<String, Vec<u128>>,
	blobs: BTreeMap<String, Vec<Vec<u8>>>,
	successes: BTreeMap<(String, String, usize), Vec<Vec<u8>>>,
	/// The chain's present, in milliseconds.
	pub now_ms: u64,
	/// The current block number.
	pub block: u32,
	/// Variant names to prefer when one is available (setup steps).
	pub prefer: Vec<String>,
	/// Accounts that account arguments mostly name (setup steps).
	pub focus: Vec<[u8; 32]>,
	/// The next top-level call to generate, instead of a random one.
	pub forced: Option<(String, String)>,
	/// The calls generated for the current extrinsic, each after the calls nested in it (the
	/// top-level call is the last).
	pub generated: Vec<Generated>,
}

/// The lower-case last path segment of a type name, without generics and common wrappers.
fn type_key(type_name: &str) -> String {
	let mut s = type_name.trim();
	for wrapper in ["Option<", "Box<", "Compact<", "Vec<", "BoundedVec<"] {
		while let Some(rest) = s.strip_prefix(wrapper) {
			s = rest.strip_suffix('>').unwrap_or(rest);
		}
	}
	let s = s.split('<').next().unwrap_or(s);
	let s = s.rsplit("::").next().unwrap_or(s);
	s.trim().to_ascii_lowercase()
}

/// The keys under which a value of a field is remembered and looked up.
#[derive(Clone, Debug, Default)]
struct Hint {
	ty: Option<String>,
	field: Option<String>,
}

impl Hint {
	fn of(field: &Option<String>, type_name: &Option<String>) -> Self {
		Hint {
			ty: type_name.as_deref().map(type_key).filter(|k| !k.is_empty() && k != "t"),
			field: field.as_deref().map(|f| f.to_ascii_lowercase()),
		}
	}
	fn keys(&self) -> impl Iterator<Item = &String> {
		self.ty.iter().chain(self.field.iter())
	}
	fn any(&self, needles: &[&str]) -> bool {
		self.keys().any(|k| needles.iter().any(|n| k.contains(n)))
	}
}

fn is_balance(h: &Hint) -> bool {
	h.any(&["balance", "amount", "value", "bond", "bounty", "fee", "tip", "deposit", "budget"])
}
fn is_time(h: &Hint) -> bool {
	h.any(&["moment", "timestamp", "valid", "until", "duration", "time", "expir", "lifetime"])
}
fn is_block(h: &Hint) -> bool {
	h.any(&["blocknumber", "block", "period", "delay", "when", "epoch"])
}

fn primitive_bits(p: &TypeDefPrimitive) -> Option<u32> {
	Some(match p {
		TypeDefPrimitive::U8 | TypeDefPrimitive::I8 => 8,
		TypeDefPrimitive::U16 | TypeDefPrimitive::I16 => 16,
		TypeDefPrimitive::U32 | TypeDefPrimitive::I32 => 32,
		TypeDefPrimitive::U64 | TypeDefPrimitive::I64 => 64,
		TypeDefPrimitive::U128 | TypeDefPrimitive::I128 => 128,
		_ => return None,
	})
}

fn max_of(bits: u32) -> u128 {
	if bits >= 128 {
		u128::MAX
	} else {
		(1u128 << bits) - 1
	}
}

fn push_remembered<T: PartialEq>(pool: &mut Vec<T>, value: T, cap: usize) {
	if pool.contains(&value) {
		return;
	}
	if pool.len() >= cap {
		pool.remove(0);
	}
	pool.push(value);
}

impl Gen {
	/// A generator for the calls of `RuntimeCall` (type `call_ty` in `reg`) that learns from
	/// events of type `event_ty`.
	pub fn new(
		reg: PortableRegistry,
		call_ty: u32,
		event_ty: u32,
		signers: Vec<[u8; 32]>,
		others: Vec<[u8; 32]>,
		rng: &mut Rng,
	) -> Self {
		let denied: BTreeSet<(&str, &str)> = DENIED.iter().copied().collect();
		let mut pallets = Vec::new();
		if let Some(TypeDef::Variant(v)) = reg.resolve(call_ty).map(|t| &t.type_def) {
			for pallet in &v.variants {
				let Some(field) = pallet.fields.first() else { continue };
				let Some(TypeDef::Variant(calls)) = reg.resolve(field.ty.id).map(|t| &t.type_def)
				else {
					continue;
				};
				if denied.contains(&(pallet.name.as_str(), "*")) {
					continue;
				}
				let calls: Vec<CallInfo> = calls
					.variants
					.iter()
					.filter(|c| !denied.contains(&(pallet.name.as_str(), c.name.as_str())))
					.map(|c| CallInfo {
						name: c.name.clone(),
						index: c.index,
						fields: c
							.fields
							.iter()
							.map(|f| (f.name.clone(), f.type_name.clone(), f.ty.id))
							.collect(),
					})
					.collect();
				if calls.is_empty() {
					continue;
				}
				pallets.push(PalletInfo {
					weight: pallet_weight(&pallet.name),
					name: pallet.name.clone(),
					index: pallet.index,
					calls,
				});
			}
		}
		let hashes = (0..8).map(|_| rng.bytes32()).collect();
		Gen {
			reg: Rc::new(reg),
			call_ty,
			event_ty,
			pallets,
			signers,
			others,
			hashes,
			nums: BTreeMap::new(),
			blobs: BTreeMap::new(),
			successes: BTreeMap::new(),
			now_ms: 0,
			block: 0,
			prefer: Vec::new(),
			focus: Vec::new(),
			forced: None,
			generated: Vec::new(),
		}
	}

	/// Whether the runtime has call `call` in pallet `pallet` (and it is not denied).
	pub fn has_call(&self, pallet: &str, call: &str) -> bool {
		self.pallets
			.iter()
			.any(|p| p.name == pallet && p.calls.iter().any(|c| c.name == call))
	}

	/// A random encoded `RuntimeCall`: the forced one if set, else a weighted random one.
	pub fn call(&mut self, rng: &mut Rng) -> Result<Vec<u8>, Skip> {
		self.generated.clear();
		let mut out = Vec::with_capacity(64);
		self.gen_call(rng, 0, &mut out)?;
		Ok(out)
	}

	/// Remembers the arguments of the calls generated for the current extrinsic, which
	/// succeeded.
	pub fn note_success(&mut self) {
		for (pallet, call, args) in std::mem::take(&mut self.generated) {
			for (i, arg) in args.into_iter().enumerate() {
				let pool = self.successes.entry((pallet.clone(), call.clone(), i)).or_default();
				push_remembered(pool, arg, 16);
			}
		}
	}

	fn gen_call(&mut self, rng: &mut Rng, depth: u32, out: &mut Vec<u8>) -> Result<(), Skip> {
		let forced = if depth == 0 { self.forced.clone() } else { None };
		let (p, c) = if let Some((pallet, call)) = forced {
			let p = self.pallets.iter().position(|p| p.name == pallet).ok_or(Skip)?;
			let c = self.pallets[p].calls.iter().position(|c| c.name == call).ok_or(Skip)?;
			(p, c)
		} else {
			// Nested calls (in batches, proxies, sudo, motions) stay shallow and mostly Salus.
			let weights: Vec<u32> = self
				.pallets
				.iter()
				.map(|p| {
					if depth >= 2 && !SALUS_PALLETS.contains(&p.name.as_str()) {
						0
					} else {
						p.weight
					}
				})
				.collect();
			if weights.iter().all(|w| *w == 0) {
				return Err(Skip);
			}
			let p = rng.weighted(&weights);
			let c = rng.index(self.pallets[p].calls.len());
			(p, c)
		};
		let pallet = &self.pallets[p];
		let call = pallet.calls[c].clone();
		let pallet_name = pallet.name.clone();
		out.push(pallet.index);
		out.push(call.index);
		let mut args = Vec::with_capacity(call.fields.len());
		for (i, (name, type_name, ty)) in call.fields.iter().enumerate() {
			let start = out.len();
			let key = (pallet_name.clone(), call.name.clone(), i);
			let reuse = rng
				.chance(30)
				.then(|| self.successes.get(&key).filter(|v| !v.is_empty()).cloned())
				.flatten();
			match reuse {
				Some(pool) => {
					let chosen: &Vec<u8> = rng.pick(pool.as_slice());
					out.extend_from_slice(chosen)
				},
				None => self.gen(rng, *ty, &Hint::of(name, type_name), depth + 1, out)?,
			}
			args.push(out[start..].to_vec());
		}
		self.generated.push((pallet_name, call.name, args));
		Ok(())
	}

	fn account(&mut self, rng: &mut Rng) -> [u8; 32] {
		if !self.focus.is_empty() && rng.chance(80) {
			return *rng.pick(&self.focus);
		}
		let roll = rng.below(100);
		if roll < 85 || (self.others.is_empty() && roll < 95) {
			*rng.pick(&self.signers)
		} else if roll < 95 {
			*rng.pick(&self.others)
		} else {
			rng.bytes32()
		}
	}

	fn remembered_bytes(&self, hint: &Hint, len: usize) -> Vec<Vec<u8>> {
		hint.keys()
			.filter_map(|k| self.blobs.get(k))
			.flatten()
			.filter(|b| b.len() == len)
			.cloned()
			.collect()
	}

	fn hash(&mut self, rng: &mut Rng, hint: &Hint) -> [u8; 32] {
		let remembered = self.remembered_bytes(hint, 32);
		if !remembered.is_empty() && rng.chance(40) {
			if let Ok(h) = <[u8; 32]>::try_from(rng.pick(&remembered).as_slice()) {
				return h;
			}
		}
		if rng.chance(80) {
			*rng.pick(&self.hashes)
		} else if rng.chance(10) {
			[0u8; 32]
		} else {
			rng.bytes32()
		}
	}

	/// A short byte array (a code, a key): remembered, upper-case letters (codes), or random.
	fn short_bytes(&mut self, rng: &mut Rng, hint: &Hint, len: usize, out: &mut Vec<u8>) {
		let remembered = self.remembered_bytes(hint, len);
		if !remembered.is_empty() && rng.chance(60) {
			let chosen: &Vec<u8> = rng.pick(remembered.as_slice());
			out.extend_from_slice(chosen);
		} else if len <= 4 && rng.chance(70) {
			out.extend((0..len).map(|_| b'A' + rng.below(26) as u8));
		} else {
			let zero = rng.chance(10);
			out.extend((0..len).map(|_| if zero { 0 } else { rng.next_u64() as u8 }));
		}
	}

	fn uint(&mut self, rng: &mut Rng, bits: u32, hint: &Hint) -> u128 {
		let max = max_of(bits);
		let remembered: Vec<u128> = hint
			.keys()
			.filter_map(|k| self.nums.get(k))
			.flatten()
			.copied()
			.filter(|v| *v <= max)
			.collect();
		if !remembered.is_empty() && rng.chance(50) {
			return *rng.pick(&remembered);
		}
		if bits == 128 && (is_balance(hint) || rng.chance(50)) && rng.chance(85) {
			const SLS: u128 = 1_000_000_000_000;
			return match rng.below(10) {
				0 => 0,
				1 => 1,
				2 => SLS / 1000,
				3 | 4 => u128::from(rng.range(1, 20)) * SLS,
				5 | 6 => u128::from(rng.range(1, 1000)) * SLS / 10,
				7 => 10u128.pow(rng.range(12, 22) as u32),
				8 => u128::MAX,
				_ => u128::from(u64::MAX),
			};
		}
		if bits == 64 && is_time(hint) && rng.chance(85) {
			const HOUR: u64 = 3_600_000;
			let now = self.now_ms;
			return u128::from(match rng.below(10) {
				0 => 0,
				1 => u64::MAX,
				2 => now,
				3 | 4 => now.saturating_add(rng.range(1, 48) * HOUR),
				5 => now.saturating_sub(rng.range(1, 48) * HOUR),
				6 | 7 => rng.range(1, 72) * HOUR,
				8 => rng.range(1, 400) * 24 * HOUR,
				_ => rng.range(1, 60_000),
			});
		}
		if bits == 32 && is_block(hint) && rng.chance(70) {
			let now = u64::from(self.block);
			return u128::from(match rng.below(6) {
				0 => 0,
				1 => u64::from(u32::MAX),
				2 => now.saturating_sub(rng.below(20)),
				_ => now.saturating_add(rng.below(30)),
			});
		}
		match rng.below(100) {
			0..=44 => u128::from(rng.below(4)),
			45..=64 => u128::from(rng.below(64)),
			65..=74 => *rng.pick(&[max, max - 1, max / 2 + 1, max / 2]),
			75..=84 => 1u128 << rng.below(u64::from(bits)),
			_ => ((u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64())) & max,
		}
	}

	fn seq_len(rng: &mut Rng, bytes: bool) -> usize {
		let roll = rng.below(100);
		if bytes {
			match roll {
				0..=9 => 0,
				10..=59 => rng.range(1, 8) as usize,
				60..=89 => rng.range(9, 64) as usize,
				_ => rng.range(65, 300) as usize,
			}
		} else {
			match roll {
				0..=19 => 0,
				20..=79 => rng.range(1, 3) as usize,
				80..=96 => rng.range(4, 16) as usize,
				_ => rng.range(17, 40) as usize,
			}
		}
	}

	fn is_u8(&self, ty: u32) -> bool {
		matches!(
			self.reg.resolve(ty).map(|t| &t.type_def),
			Some(TypeDef::Primitive(TypeDefPrimitive::U8))
		)
	}

	fn gen(
		&mut self,
		rng: &mut Rng,
		ty: u32,
		hint: &Hint,
		depth: u32,
		out: &mut Vec<u8>,
	) -> Result<(), Skip> {
		if ty == self.call_ty {
			if depth > 4 {
				return Err(Skip);
			}
			return self.gen_call(rng, depth, out);
		}
		let reg = Rc::clone(&self.reg);
		let t = reg.resolve(ty).ok_or(Skip)?;
		let ident = t.path.segments.last().map(String::as_str).unwrap_or("");
		match &t.type_def {
			TypeDef::Composite(c) => {
				if ident == "AccountId32" {
					let a = self.account(rng);
					out.extend_from_slice(&a);
					return Ok(());
				}
				if ident == "H256" {
					let h = self.hash(rng, hint);
					out.extend_from_slice(&h);
					return Ok(());
				}
				let single = c.fields.len() == 1;
				for f in &c.fields {
					// A newtype keeps the hint of the field that holds it.
					let h = if single { hint.clone() } else { Hint::of(&f.name, &f.type_name) };
					self.gen(rng, f.ty.id, &h, depth, out)?;
				}
				Ok(())
			},
			TypeDef::Variant(v) => {
				if v.variants.is_empty() {
					return Err(Skip);
				}
				let chosen = if ident == "Option" {
					let none = v.variants.iter().find(|x| x.name == "None");
					let some = v.variants.iter().find(|x| x.name == "Some");
					match (none, some) {
						(Some(none), Some(some)) => {
							if rng.chance(40) {
								none
							} else {
								some
							}
						},
						_ => rng.pick(&v.variants),
					}
				} else if ident == "MultiAddress" && rng.chance(90) {
					v.variants.iter().find(|x| x.name == "Id").unwrap_or(&v.variants[0])
				} else {
					let preferred: Vec<_> =
						v.variants.iter().filter(|x| self.prefer.contains(&x.name)).collect();
					if !preferred.is_empty() && rng.chance(95) {
						*rng.pick(&preferred)
					} else {
						rng.pick(&v.variants)
					}
				};
				out.push(chosen.index);
				let single = chosen.fields.len() == 1 && ident == "Option";
				for f in &chosen.fields {
					let h = if single { hint.clone() } else { Hint::of(&f.name, &f.type_name) };
					self.gen(rng, f.ty.id, &h, depth, out)?;
				}
				Ok(())
			},
			TypeDef::Sequence(s) => {
				let bytes = self.is_u8(s.type_param.id);
				let len = Self::seq_len(rng, bytes);
				Compact(len as u32).encode_to(out);
				if bytes {
					for _ in 0..len {
						out.push(b'a' + rng.below(26) as u8);
					}
				} else {
					for _ in 0..len {
						self.gen(rng, s.type_param.id, hint, depth, out)?;
					}
				}
				Ok(())
			},
			TypeDef::Array(a) => {
				if self.is_u8(a.type_param.id) {
					if a.len == 32 {
						let h = self.hash(rng, hint);
						out.extend_from_slice(&h);
					} else {
						self.short_bytes(rng, hint, a.len as usize, out);
					}
				} else {
					for _ in 0..a.len {
						self.gen(rng, a.type_param.id, hint, depth, out)?;
					}
				}
				Ok(())
			},
			TypeDef::Tuple(tuple) => {
				for f in &tuple.fields {
					self.gen(rng, f.id, &Hint::default(), depth, out)?;
				}
				Ok(())
			},
			TypeDef::Primitive(p) => {
				match p {
					TypeDefPrimitive::Bool => out.push(rng.below(2) as u8),
					TypeDefPrimitive::Char => u32::from('a').encode_to(out),
					TypeDefPrimitive::Str => {
						let len = Self::seq_len(rng, true);
						let s: String =
							(0..len).map(|_| (b'a' + rng.below(26) as u8) as char).collect();
						s.encode_to(out);
					},
					TypeDefPrimitive::U256 | TypeDefPrimitive::I256 => {
						let v = self.uint(rng, 128, hint);
						out.extend_from_slice(&v.to_le_bytes());
						out.extend_from_slice(&[0u8; 16]);
					},
					other => {
						let bits = primitive_bits(other).ok_or(Skip)?;
						let v = self.uint(rng, bits, hint);
						out.extend_from_slice(&v.to_le_bytes()[..(bits / 8) as usize]);
					},
				}
				Ok(())
			},
			TypeDef::Compact(c) => {
				let bits = self.compact_bits(c.type_param.id).ok_or(Skip)?;
				let v = self.uint(rng, bits, hint);
				match bits {
					8 => Compact(v as u8).encode_to(out),
					16 => Compact(v as u16).encode_to(out),
					32 => Compact(v as u32).encode_to(out),
					64 => Compact(v as u64).encode_to(out),
					_ => Compact(v).encode_to(out),
				}
				Ok(())
			},
			TypeDef::BitSequence(_) => {
				Compact(0u32).encode_to(out);
				Ok(())
			},
		}
	}

	/// The width of the integer inside a compact (through single-field wrappers).
	fn compact_bits(&self, ty: u32) -> Option<u32> {
		match &self.reg.resolve(ty)?.type_def {
			TypeDef::Primitive(p) => primitive_bits(p),
			TypeDef::Composite(c) if c.fields.len() == 1 => self.compact_bits(c.fields[0].ty.id),
			TypeDef::Composite(c) if c.fields.is_empty() => Some(8),
			_ => None,
		}
	}

	/// Learns the integers and hashes in an encoded `RuntimeEvent`.
	pub fn learn_from_event(&mut self, encoded: &[u8]) {
		let mut input = encoded;
		let _ = self.walk(self.event_ty, &Hint::default(), &mut input, 0);
	}

	/// Remembers `value` (an integer) under the keys of `hint`.
	pub fn remember_num(&mut self, key: &str, value: u128) {
		push_remembered(self.nums.entry(key.to_string()).or_default(), value, 16);
	}

	fn walk(&mut self, ty: u32, hint: &Hint, input: &mut &[u8], depth: u32) -> Option<()> {
		if depth > 32 {
			return None;
		}
		let reg = Rc::clone(&self.reg);
		let t = reg.resolve(ty)?;
		let ident = t.path.segments.last().map(String::as_str).unwrap_or("");
		let take = |input: &mut &[u8], n: usize| -> Option<Vec<u8>> {
			if input.len() < n {
				return None;
			}
			let (head, tail) = input.split_at(n);
			*input = tail;
			Some(head.to_vec())
		};
		match &t.type_def {
			TypeDef::Composite(c) => {
				if ident == "AccountId32" {
					take(input, 32)?;
					return Some(());
				}
				if ident == "H256" {
					let bytes = take(input, 32)?;
					self.remember_bytes(hint, bytes);
					return Some(());
				}
				let single = c.fields.len() == 1;
				for f in &c.fields {
					let h = if single { hint.clone() } else { Hint::of(&f.name, &f.type_name) };
					self.walk(f.ty.id, &h, input, depth + 1)?;
				}
				Some(())
			},
			TypeDef::Variant(v) => {
				let index = take(input, 1)?[0];
				let chosen = v.variants.iter().find(|x| x.index == index)?;
				let single = chosen.fields.len() == 1 && ident == "Option";
				for f in &chosen.fields {
					let h = if single { hint.clone() } else { Hint::of(&f.name, &f.type_name) };
					self.walk(f.ty.id, &h, input, depth + 1)?;
				}
				Some(())
			},
			TypeDef::Sequence(s) => {
				let len = Compact::<u32>::decode(input).ok()?.0 as usize;
				if self.is_u8(s.type_param.id) {
					take(input, len)?;
				} else {
					if len > input.len() {
						return None;
					}
					for _ in 0..len {
						self.walk(s.type_param.id, hint, input, depth + 1)?;
					}
				}
				Some(())
			},
			TypeDef::Array(a) => {
				if self.is_u8(a.type_param.id) {
					let bytes = take(input, a.len as usize)?;
					if bytes.len() <= 32 {
						self.remember_bytes(hint, bytes);
					}
				} else {
					for _ in 0..a.len {
						self.walk(a.type_param.id, hint, input, depth + 1)?;
					}
				}
				Some(())
			},
			TypeDef::Tuple(tuple) => {
				for f in &tuple.fields {
					self.walk(f.id, &Hint::default(), input, depth + 1)?;
				}
				Some(())
			},
			TypeDef::Primitive(p) => {
				match p {
					TypeDefPrimitive::Bool => {
						take(input, 1)?;
					},
					TypeDefPrimitive::Char => {
						take(input, 4)?;
					},
					TypeDefPrimitive::Str => {
						let len = Compact::<u32>::decode(input).ok()?.0 as usize;
						take(input, len)?;
					},
					TypeDefPrimitive::U256 | TypeDefPrimitive::I256 => {
						take(input, 32)?;
					},
					other => {
						let bits = primitive_bits(other)?;
						let bytes = take(input, (bits / 8) as usize)?;
						let mut le = [0u8; 16];
						le[..bytes.len()].copy_from_slice(&bytes);
						self.remember(hint, u128::from_le_bytes(le));
					},
				}
				Some(())
			},
			TypeDef::Compact(_) => {
				let v = Compact::<u128>::decode(input).ok()?.0;
				self.remember(hint, v);
				Some(())
			},
			TypeDef::BitSequence(_) => None,
		}
	}

	fn remember_bytes(&mut self, hint: &Hint, bytes: Vec<u8>) {
		let keys: Vec<String> = hint.keys().cloned().collect();
		for k in keys {
			push_remembered(self.blobs.entry(k).or_default(), bytes.clone(), 16);
		}
	}

	fn remember(&mut self, hint: &Hint, value: u128) {
		let keys: Vec<String> = hint.keys().cloned().collect();
		for k in keys {
			push_remembered(self.nums.entry(k).or_default(), value, 16);
		}
	}

	/// How many integer and hash keys the generator has learnt (for the summary).
	pub fn learnt(&self) -> (usize, usize) {
		(self.nums.len(), self.blobs.len())
	}

	/// The registry (for tests).
	pub fn registry(&self) -> &PortableRegistry {
		&self.reg
	}
}

/// The registry of `RuntimeCall` and `RuntimeEvent`, and their type ids.
pub fn runtime_registry<
	Call: scale_info::TypeInfo + 'static,
	Event: scale_info::TypeInfo + 'static,
>() -> (PortableRegistry, u32, u32) {
	let mut registry = scale_info::Registry::new();
	let call = registry.register_type(&scale_info::meta_type::<Call>()).id;
	let event = registry.register_type(&scale_info::meta_type::<Event>()).id;
	(registry.into(), call, event)
}
