import { beforeAll, describe, expect, it } from "vitest";
import { KnowledgeBase } from "../../../src/services/knowledge-base/knowledge-base.ts";
import { BUNDLED_KB_DIR, loadKnowledgeBase } from "../../../src/services/knowledge-base/load.ts";
import type { Entry } from "../../../src/services/knowledge-base/schema.ts";
import { createSearch, type Search } from "../../../src/services/search/search.ts";
import { keywords, words } from "../../../src/services/search/text.ts";

describe("text", () => {
  it("folds accents, keeps C++ and A/B, drops punctuation", () => {
    expect(words("Résumé tips for C++ & A/B tests?")).toEqual([
      "resume",
      "tips",
      "for",
      "cpp",
      "ab",
      "tests",
    ]);
  });
  it("drops filler words and stems the rest", () => {
    expect(keywords("How do I prepare for interviews?").map((k) => k.stem)).toEqual([
      "prepar",
      "interview",
    ]);
  });
});

const faq = (id: string, title: string, phrasings: string[], tags: string[] = []): Entry => ({
  kind: "faq",
  id,
  title,
  phrasings,
  answer: `Answer to ${title}`,
  tags,
  topics: [],
  roles: [],
});

describe("search over a small knowledge base", () => {
  const kb = new KnowledgeBase([
    faq("leak", "What is data leakage?", [
      "test data leaking into training",
      "why is my test score too good",
    ]),
    faq(
      "salary",
      "How much do interns earn?",
      ["intern pay", "internship salary"],
      ["compensation"],
    ),
    faq("apply", "When should I apply?", [
      "how early to send applications",
      "application deadlines",
    ]),
    {
      kind: "topic",
      id: "coding",
      title: "Coding interviews",
      aliases: ["leetcode", "algorithms"],
      summary: "Live problem solving.",
      tags: ["big o"],
      roles: [],
      tips: ["a", "b", "c", "d", "e"],
    },
    {
      kind: "prompt",
      id: "p1",
      title: "Two pointers",
      prompt: "Solve two pointer problems.",
      topic: "coding",
      roles: [],
      tags: ["leetcode"],
    },
  ]);
  const search = createSearch(kb);

  it("finds an entry by a bare keyword", () => {
    const result = search.search("leakage");
    expect(result.answered).toBe(true);
    expect(result.hits[0]?.id).toBe("leak");
  });

  it("corrects typos against the vocabulary", () => {
    expect(search.search("leakge").hits[0]?.id).toBe("leak");
    expect(search.search("slaary for interns").hits[0]?.id).toBe("salary");
  });

  it("answers a natural-language question", () => {
    expect(search.search("how early do I need to send my applications?").hits[0]?.id).toBe("apply");
  });

  it("ranks an entry first when the query is exactly its name", () => {
    expect(search.search("LeetCode").hits[0]?.id).toBe("coding");
  });

  it("does not offer practice prompts as answers unless asked", () => {
    expect(search.search("two pointers").hits.map((h) => h.id)).not.toContain("p1");
    expect(search.search("two pointers", { kinds: ["prompt"] }).hits[0]?.id).toBe("p1");
  });

  it("declines what it does not know, and empty or filler-only questions", () => {
    for (const q of ["what's the weather in paris", "", "   ", "hi there, how are you?"]) {
      expect(search.search(q).answered, q).toBe(false);
    }
  });

  it("returns at most `limit` hits, best first, scores in [0, 1]", () => {
    const { hits } = search.search("intern salary application deadlines", { limit: 2 });
    expect(hits.length).toBeLessThanOrEqual(2);
    for (const hit of hits) {
      expect(hit.score).toBeGreaterThan(0);
      expect(hit.score).toBeLessThanOrEqual(1);
    }
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
  });

  it("gives the full text a user is shown", () => {
    expect(search.search("leakage").hits[0]?.text).toBe("Answer to What is data leakage?");
  });
});

describe("search over the bundled knowledge base", () => {
  let search: Search;
  beforeAll(async () => {
    search = createSearch(await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] }));
  });

  it.each([
    ["how early should I apply?", "apply-how-early"],
    ["interveiw tips", "interview-prep"],
    ["leakage", "data-quality-leakage"],
    ["mlops", "mlops-deployment"],
    ["machine learning", "ml-intern"],
    ["cv engineer", "cv-engineer"],
  ])("%s → %s", (query, id) => {
    const result = search.search(query);
    expect(result.answered).toBe(true);
    expect(result.hits[0]?.id).toBe(id);
  });
});
