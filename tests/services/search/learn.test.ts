import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { KnowledgeBase } from "../../../src/services/knowledge-base/knowledge-base.ts";
import { loadKnowledgeBase } from "../../../src/services/knowledge-base/load.ts";
import { createSearch } from "../../../src/services/search/search.ts";

const FIXTURE_KB = path.resolve(import.meta.dirname, "../../fixtures/kb");
const QUESTION = "how do I train my dog to sit";

// The contract the learned phrasings rely on: learn/unlearn change the live index at once.
describe("search.learn / search.unlearn", () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await loadKnowledgeBase({ dirs: [FIXTURE_KB] });
  });

  it("a learned phrasing is answered by its entry at once, and forgotten again by unlearn", () => {
    const search = createSearch(kb);
    expect(search.search(QUESTION).answered).toBe(false);
    search.learn("model-training", QUESTION);
    const learned = search.search(QUESTION);
    expect(learned.answered).toBe(true);
    expect(learned.hits[0]?.id).toBe("model-training");
    search.unlearn("model-training", QUESTION);
    expect(search.search(QUESTION).answered).toBe(false);
  });

  it("also teaches topics and roles; unknown ids are ignored; unlearn never drops an entry's own phrasing", () => {
    const search = createSearch(kb);
    search.learn("behavioral", "tell me about a time my dog sat");
    expect(search.search("tell me about a time my dog sat").hits[0]?.id).toBe("behavioral");
    search.learn("no-such-entry", QUESTION);
    expect(search.search(QUESTION).answered).toBe(false);
    search.unlearn("data-leakage", "why is my validation score too good");
    expect(search.search("why is my validation score too good").hits[0]?.id).toBe("data-leakage");
  });
});
