import { beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_KB_DIR, loadKnowledgeBase } from "../../../src/services/knowledge-base/load.ts";
import {
  type EvalSet,
  evaluate,
  formatFigures,
  readEvalSet,
} from "../../../src/services/search/evaluation.ts";
import { createSearch, type Search } from "../../../src/services/search/search.ts";

// Two splits of one evaluation set written by people who never saw the knowledge base: the test
// split was written first and is never looked at while tuning; only its figures are printed. The
// tuning split holds the fourteenth to sixteenth writers' questions (session 6); the earlier
// writers' questions are FAQ phrasings and known off-topic questions now, so they are not
// evaluation questions any more (the fair-test check below keeps the two apart).
const tune = readEvalSet(new URL("./eval/tune.yml", import.meta.url));
const test = readEvalSet(new URL("./eval/test.yml", import.meta.url));

// Session 3 moved 0.843 / 0.906 / 0.780 / 0.039 to 0.827 / 0.913 / 0.860 / 0.039 (everyday
// English); session 4 to 0.882 / 0.929 / 0.900 / 0.024: 548 students' questions became FAQ
// phrasings and 400 off-topic ones the known off-topic questions, one idea written as several
// words weighs as one, formal and long questions are read for what they ask; session 6 to
// 0.882 / 0.953 / 0.920 / 0.024: the sixth to thirteenth writers' 1,016 answerable questions became
// phrasings and their 549 out-of-scope ones known off-topic questions (judged on three new
// writers first). Calibrated on the tuning data only; held so it gets no worse.
const FLOOR = { top1: 0.88, top3: 0.95, declined: 0.92, wronglyDeclined: 0.03 };

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
const questions = (set: EvalSet) => [
  ...set.inScope.map((c) => c.q),
  ...set.outOfScope.map((c) => c.q),
];

describe("search quality on the evaluation sets", () => {
  let search: Search;
  let knownIds: Set<string>;
  let faqPhrasings: Set<string>;
  let offTopic: Set<string>;

  beforeAll(async () => {
    const kb = await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] });
    search = createSearch(kb);
    knownIds = new Set(kb.entries.map((e) => e.id));
    faqPhrasings = new Set(kb.faq.flatMap((f) => [f.title, ...f.phrasings]).map(norm));
    offTopic = new Set(kb.offTopic.map(norm));
  });

  it("is a fair test: 300+ questions, 80+ out of scope (half near misses), splits apart", () => {
    const all = [tune, test];
    const inScope = all.reduce((n, s) => n + s.inScope.length, 0);
    const outOfScope = all.reduce((n, s) => n + s.outOfScope.length, 0);
    const nearMisses = all.reduce((n, s) => n + s.outOfScope.filter((c) => c.nearMiss).length, 0);
    expect(inScope + outOfScope).toBeGreaterThanOrEqual(300);
    expect(outOfScope).toBeGreaterThanOrEqual(80);
    expect(nearMisses * 2).toBeGreaterThanOrEqual(outOfScope);
    const inTune = new Set(questions(tune).map(norm));
    expect(questions(test).filter((q) => inTune.has(norm(q)))).toEqual([]);
    const copied = [...questions(tune), ...questions(test)].filter((q) =>
      faqPhrasings.has(norm(q)),
    );
    expect(copied, "questions that are a FAQ's own phrasing").toEqual([]);
    const known = [...questions(tune), ...questions(test)].filter((q) => offTopic.has(norm(q)));
    expect(known, "questions that are known off-topic ones").toEqual([]);
    const unknown = [...tune.inScope, ...test.inScope].flatMap(({ expect: ids }) =>
      ids.filter((id) => !knownIds.has(id)),
    );
    expect(unknown, "expected ids that do not exist").toEqual([]);
  });

  it("tuning split: figures printed (this is the split search was tuned on)", () => {
    const { figures } = evaluate(search, tune);
    console.log(formatFigures("tuning split", figures));
    expect(figures.inScope).toBeGreaterThan(0);
  });

  // The floor the last change reached and must not fall below; of the goals (top-1 >= 0.85,
  // top-3 >= 0.95, declined >= 0.90, wrongly declined <= 0.05) all are met.
  it("held-out test split: no worse than the last measured floor", () => {
    const { figures } = evaluate(search, test);
    console.log(formatFigures("test split, held out", figures));
    expect(figures.top1).toBeGreaterThanOrEqual(FLOOR.top1);
    expect(figures.top3).toBeGreaterThanOrEqual(FLOOR.top3);
    expect(figures.declined).toBeGreaterThanOrEqual(FLOOR.declined);
    expect(figures.wronglyDeclined).toBeLessThanOrEqual(FLOOR.wronglyDeclined);
  });
});
