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

/**
 * Reads the table (about 10 ms). Search keeps only what it needs for its own words, not the table.
 *
 * @example
 * readEverydayEnglish()("interview"); // ≈ 4e-5
 */
export function readEverydayEnglish(file: string = EVERYDAY_ENGLISH_FILE): EverydayShare {
  const shares = new Map<string, number>();
  let total = 0;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(@total|[a-z0-9]+) (\d+)$/.exec(line);
    if (!match) throw new Error(`${file}: not a "stem count" line: ${line.slice(0, 60)}`);
    const [, key, count] = match as unknown as [string, string, string];
    if (key === "@total") total = Number(count);
    else shares.set(key, Number(count));
  }
  if (total <= 0) throw new Error(`${file}: no "@total" line`);
  const unseen = EVERYDAY_MIN_COUNT / 2 / total;
  const share = (term: string) => {
    const count = shares.get(term);
    return count === undefined ? unseen : count / total;
  };
  return Object.assign(share, { listed: (term: string) => shares.has(term) });
}
