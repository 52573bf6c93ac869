import { test } from "node:test";
import assert from "node:assert/strict";
import { displayName, MAX_NAME_CHARS } from "../../src/lib/text.ts";
import { formatDate, formatDateTime } from "../../src/lib/plain.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

test("a provider's name is shown without bidi overrides, invisible or control characters", () => {
  // U+202E (right-to-left override) would make the rest read backwards; U+2066..2069 isolate.
  assert.equal(displayName(bytes("St Mary\u202e latipsoH"), "?"), "St Mary latipsoH");
  assert.equal(displayName(bytes("\u2066Evil\u2069 Clinic\u200b"), "?"), "Evil Clinic");
  assert.equal(displayName(bytes("Line\none\r\n\ttwo\u0000"), "?"), "Line one two");
  assert.equal(displayName(bytes("soft\u00adhyphen\ufeff"), "?"), "softhyphen");
  // Letters of any script stay.
  assert.equal(displayName(bytes("Charité – Universitätsmedizin"), "?"), "Charité – Universitätsmedizin");
  assert.equal(displayName(bytes("مستشفى"), "?"), "مستشفى");
});

test("a name of nothing visible falls back; invalid UTF-8 is shown as replacement characters", () => {
  assert.equal(displayName(bytes("\u202e\u200b \n"), "provider #3"), "provider #3");
  assert.equal(displayName(new Uint8Array([0x48, 0xff, 0x49]), "?"), "H\ufffdI");
});

test("a long name is cut to MAX_NAME_CHARS characters, by characters not UTF-16 units", () => {
  const long = "🏥".repeat(200);
  const shown = displayName(bytes(long), "?");
  assert.equal(Array.from(shown).length, MAX_NAME_CHARS);
  assert.ok(shown.endsWith("…"));
  assert.ok(!shown.includes("\ufffd"), "no emoji cut in half");
});

test("dates no calendar holds are put in words instead of breaking the screen", () => {
  const u64max = 2n ** 64n - 1n;
  assert.equal(formatDate(u64max), "the far future (after the year 275 000)");
  assert.equal(formatDateTime(u64max), "the far future (after the year 275 000)");
  assert.equal(formatDate(8_640_000_000_000_001), "the far future (after the year 275 000)");
  assert.equal(formatDate(Number.NaN), "the far future (after the year 275 000)");
  assert.equal(formatDate(-1), "before 1970");
  assert.equal(formatDate(BigInt(Date.UTC(2027, 2, 1)), "UTC"), "1 March 2027");
  assert.equal(formatDate(8_640_000_000_000_000, "UTC"), "13 September 275760");
});

test("what an account can spend is worked out as pallet-balances' reducible_balance(Preserve, Polite)", async () => {
  const { spendable } = await import("../../src/lib/balance.ts");
  const ed = 10n;
  // Nothing frozen: all but the existential deposit.
  assert.equal(spendable({ free: 100n, reserved: 0n, frozen: 0n }, ed), 90n);
  // A freeze larger than the existential deposit keeps that much.
  assert.equal(spendable({ free: 100n, reserved: 0n, frozen: 40n }, ed), 60n);
  // A freeze covers what is on hold first: 40 frozen, 30 held → 10 more stays, the ED wins.
  assert.equal(spendable({ free: 100n, reserved: 30n, frozen: 40n }, ed), 90n);
  assert.equal(spendable({ free: 100n, reserved: 0n, frozen: 200n }, ed), 0n);
  assert.equal(spendable({ free: 5n, reserved: 0n, frozen: 0n }, ed), 0n);
});

test("names of blanks and invisible characters fall back; none survives in a name", () => {
  // Hangul fillers, braille blank, a combining grapheme joiner, variation selectors, tag characters.
  assert.equal(displayName("\u3164\u3164", "provider #4"), "provider #4");
  assert.equal(displayName("\u115f\u2800 \u034f", "provider #4"), "provider #4");
  assert.equal(displayName("St\ufe0f Mary\u{e0041}\u{e0042}'s", "?"), "St Mary's");
  assert.equal(displayName("Clinic \u2066\u2067x\u2069", "?"), "Clinic x");
});
