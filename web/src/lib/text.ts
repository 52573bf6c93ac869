// Text from chain storage, made safe to show: anyone can register a provider, so its name is
// attacker-chosen bytes. Shown through `textContent` (never as HTML), it still could reorder what
// is around it (bidirectional overrides: "‮latipsoH yraM tS" reads as a different name), hide in
// zero-width characters, break lines, or run on for pages.

/**
 * Controls, format characters (bidi embeddings, overrides and isolates, zero-width ones) and
 * every default-ignorable code point (Hangul fillers, variation selectors, tag characters…).
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
/** A name must have a letter, a number or a pictograph to be shown (not only blanks such as U+2800). */
const VISIBLE = /[\p{L}\p{N}\p{Extended_Pictographic}]/u;

/** The longest name shown in full; longer ones end in "…". */
export const MAX_NAME_CHARS = 80;

/**
 * Text from the chain made safe to show: decoded as UTF-8 (invalid bytes become U+FFFD), line
 * breaks and whitespace runs made one space, control, bidi and invisible format characters
 * removed, at most `max` characters (the last one then "…"); "" if nothing is left.
 */
export function cleanName(bytes: Uint8Array | string, max: number = MAX_NAME_CHARS): string {
  const text = typeof bytes === "string" ? bytes : new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  const clean = text.replace(/[\s\u0085]+/gu, " ").replace(HIDDEN, "").trim();
  if (!VISIBLE.test(clean)) return "";
  const chars = Array.from(clean);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : clean;
}

/** A name from the chain as a screen shows it (`cleanName`), or `fallback` if nothing is left. */
export function displayName(bytes: Uint8Array | string, fallback: string): string {
  return cleanName(bytes) || fallback;
}
