import { readFileSync } from "node:fs";
import path from "node:path";
import { BUNDLED_KB_DIR } from "../knowledge-base/load.ts";

/**
 * How common each word stem is in everyday spoken English, as a share of all words said
 * (SUBTLEX-US subtitle counts, written to data/everyday-english.txt by `npm run kb:everyday`).
 * Search compares it with how common the stem is in the knowledge base: a question none of whose
 * words is much more at home in our entries than in everyday talk ("tips for a first date", "is
 * coffee bad for you") is about something else.
 */
export type EverydayShare = ((stem: string) => number) & {
  /** Whether the table lists the stem: a word of everyday English, spelled right. */
  listed(stem: string): boolean;
};

export const EVERYDAY_ENGLISH_FILE = path.join(BUNDLED_KB_DIR, "everyday-english.txt");

/** Words said fewer times than this are not listed (they count as said half as often). */
export const EVERYDAY_MIN_COUNT = 20;

/** FNV-1a over the characters text[from, to): where a stem starts looking in the table. */
function hashOf(text: string, from: number, to: number): number {
  let hash = 0x811c9dc5;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

const SPACE = 0x20;
const isStemChar = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * The table's stems and counts as a hash table over the file's text (open addressing, at most two
 * thirds full): a slot holds where its stem starts in the text (a stem ends at its line's space).
 */
class StemCounts {
  private readonly mask: number;
  private readonly starts: Int32Array;
  private readonly counts: Uint32Array;

  constructor(
    private readonly text: string,
    stems: readonly number[],
    counts: readonly number[],
  ) {
    const size = 2 ** Math.ceil(Math.log2(stems.length * 1.5 + 1));
    this.mask = size - 1;
    this.starts = new Int32Array(size).fill(-1);
    this.counts = new Uint32Array(size);
    stems.forEach((start, i) => {
      // A stem listed twice counts as its last line says.
      const slot = this.slotOf(text, start, text.indexOf(" ", start));
      this.starts[slot] = start;
      this.counts[slot] = counts[i] as number;
    });
  }

  /** The stem's count, or -1 when the table does not list it. */
  count(term: string): number {
    // Stems are [a-z0-9]+: anything else (a space, a newline, "") is not listed.
    if (term.length === 0) return -1;
    for (let i = 0; i < term.length; i++) if (!isStemChar(term.charCodeAt(i))) return -1;
    const slot = this.slotOf(term, 0, term.length);
    return (this.starts[slot] as number) < 0 ? -1 : (this.counts[slot] as number);
  }

  /** The slot of key[from, to) as a stem: where it is, or the empty slot where it would go. */
  private slotOf(key: string, from: number, to: number): number {
    const { text, starts, mask } = this;
    const length = to - from;
    for (let slot = hashOf(key, from, to) & mask; ; slot = (slot + 1) & mask) {
      const start = starts[slot] as number;
      if (start < 0) return slot;
      if (text.charCodeAt(start + length) !== SPACE) continue;
      let same = true;
      for (let i = 0; i < length && same; i++) {
        same = text.charCodeAt(start + i) === key.charCodeAt(from + i);
      }
      if (same) return slot;
    }
  }
}

/**
 * Reads the table (a few ms). Search keeps it for the life of the process (it asks whether each
 * question word is listed), so it is kept compact: the file's text, and a hash table of where
 * each stem starts in it with its count, ~0.4 MB for ~17,000 stems where a Map of them took
 * ~1.5 MB, and read without making a string per line.
 *
 * @example
 * readEverydayEnglish()("interview"); // ≈ 4e-5
 */
export function readEverydayEnglish(file: string = EVERYDAY_ENGLISH_FILE): EverydayShare {
  const text = readFileSync(file, "utf8");
  const stems: number[] = [];
  const counts: number[] = [];
  let total = 0;
  for (let at = 0; at <= text.length; ) {
    const newline = text.indexOf("\n", at);
    const end = newline < 0 ? text.length : newline;
    const next = end + 1;
    if (end === at || text.charCodeAt(at) === 0x23 /* # */) {
      at = next;
      continue;
    }
    // A line is "<stem> <count>" (stem: a-z and 0-9) or "@total <count>".
    let space = at;
    while (space < end && isStemChar(text.charCodeAt(space))) space++;
    const isTotal = space === at && text.startsWith("@total ", at);
    if (isTotal) space = at + "@total".length;
    let digits = space + 1;
    while (digits < end && isDigit(text.charCodeAt(digits))) digits++;
    if (
      space === at ||
      text.charCodeAt(space) !== SPACE ||
      digits === space + 1 ||
      digits !== end
    ) {
      throw new Error(`${file}: not a "stem count" line: ${text.slice(at, end).slice(0, 60)}`);
    }
    const count = Number(text.slice(space + 1, end));
    if (isTotal) total = count;
    else {
      stems.push(at);
      counts.push(count);
    }
    at = next;
  }
  if (total <= 0) throw new Error(`${file}: no "@total" line`);
  return shareOf(new StemCounts(text, stems, counts), total);
}

/** The share function over a read table (its own scope: it keeps nothing read along the way). */
function shareOf(table: StemCounts, total: number): EverydayShare {
  const unseen = EVERYDAY_MIN_COUNT / 2 / total;
  const share = (term: string) => {
    const count = table.count(term);
    return count < 0 ? unseen : count / total;
  };
  return Object.assign(share, { listed: (term: string) => table.count(term) >= 0 });
}
