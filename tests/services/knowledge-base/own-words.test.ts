import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLED_KB_DIR } from "../../../src/services/knowledge-base/load.ts";

// The knowledge base is written in our own words from ../shared/seeds: facts may be reused, the
// sources' sentences may not. Eight words in a row shared with a seed is treated as copying.
const SEEDS = path.resolve(import.meta.dirname, "../../../../shared/seeds");
const RUN = 8;

const wordsOf = (text: string) => text.toLowerCase().match(/[a-z0-9$%]+/g) ?? [];
function runs(text: string): Set<string> {
  const w = wordsOf(text);
  const out = new Set<string>();
  for (let i = 0; i + RUN <= w.length; i++) out.add(w.slice(i, i + RUN).join(" "));
  return out;
}

describe.skipIf(!existsSync(SEEDS))("the knowledge base is in our own words", () => {
  it(`shares no run of ${RUN} words with the seed documents`, () => {
    const seedRuns = new Set<string>();
    for (const file of readdirSync(SEEDS).filter((f) => f.endsWith(".txt"))) {
      for (const run of runs(readFileSync(path.join(SEEDS, file), "utf8"))) seedRuns.add(run);
    }
    const copied: string[] = [];
    for (const file of readdirSync(BUNDLED_KB_DIR).filter((f) => f.endsWith(".yml"))) {
      for (const run of runs(readFileSync(path.join(BUNDLED_KB_DIR, file), "utf8"))) {
        if (seedRuns.has(run)) copied.push(`${file}: "${run}"`);
      }
    }
    expect(copied).toEqual([]);
  });
});
