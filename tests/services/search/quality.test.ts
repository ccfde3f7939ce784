import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { BUNDLED_KB_DIR, loadKnowledgeBase } from "../../../src/services/knowledge-base/load.ts";
import { createSearch, type Search } from "../../../src/services/search/search.ts";

const EvalSet = z.strictObject({
  answerable: z.array(z.strictObject({ q: z.string().min(1), expect: z.array(z.string()).min(1) })),
  outOfScope: z.array(z.string().min(1)),
});
const evalSet = EvalSet.parse(
  parse(readFileSync(new URL("./eval-set.yml", import.meta.url), "utf8")),
);

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

describe("search quality on the evaluation set", () => {
  let search: Search;
  let knownIds: Set<string>;
  let faqPhrasings: Set<string>;

  beforeAll(async () => {
    const kb = await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] });
    search = createSearch(kb);
    knownIds = new Set(kb.entries.map((e) => e.id));
    faqPhrasings = new Set(kb.faq.flatMap((f) => [f.title, ...f.phrasings]).map(norm));
  });

  it("is a fair test: enough questions, none a FAQ's own phrasing, every expected id exists", () => {
    expect(evalSet.answerable.length).toBeGreaterThanOrEqual(80);
    expect(evalSet.outOfScope.length).toBeGreaterThanOrEqual(20);
    const copied = evalSet.answerable.filter(({ q }) => faqPhrasings.has(norm(q))).map((c) => c.q);
    expect(copied, "questions that are a FAQ's own phrasing").toEqual([]);
    const unknown = evalSet.answerable.flatMap(({ expect: ids }) =>
      ids.filter((id) => !knownIds.has(id)),
    );
    expect(unknown, "expected ids that do not exist").toEqual([]);
  });

  it("meets top-1 >= 0.85, top-3 >= 0.95 and out-of-scope declined >= 0.90", () => {
    let top1 = 0;
    let top3 = 0;
    const misses: string[] = [];
    for (const { q, expect: ids } of evalSet.answerable) {
      const { answered, hits } = search.search(q);
      const rank = hits.findIndex((h) => ids.includes(h.id));
      if (answered && rank === 0) top1++;
      if (answered && rank >= 0 && rank < 3) top3++;
      if (!answered || rank !== 0) {
        misses.push(
          `  ${answered ? "answered" : "declined"} "${q}" → ${hits.map((h) => h.id).join(", ") || "(none)"}; wanted ${ids.join("|")}`,
        );
      }
    }
    const wronglyAnswered = evalSet.outOfScope.filter((q) => search.search(q).answered);
    const n = evalSet.answerable.length;
    const figures = {
      top1: top1 / n,
      top3: top3 / n,
      declined: 1 - wronglyAnswered.length / evalSet.outOfScope.length,
    };
    console.log(
      `search quality: top-1 ${figures.top1.toFixed(3)}, top-3 ${figures.top3.toFixed(3)}, out-of-scope declined ${figures.declined.toFixed(3)} (${n} answerable, ${evalSet.outOfScope.length} out-of-scope)`,
    );
    if (misses.length > 0) console.log(`not ranked first:\n${misses.join("\n")}`);
    if (wronglyAnswered.length > 0)
      console.log(`answered though out of scope:\n  ${wronglyAnswered.join("\n  ")}`);
    expect(figures.top1).toBeGreaterThanOrEqual(0.85);
    expect(figures.top3).toBeGreaterThanOrEqual(0.95);
    expect(figures.declined).toBeGreaterThanOrEqual(0.9);
  });
});
