import { describe, expect, it } from "vitest";
import { Postings, PostingsBuilder } from "../../../src/services/search/postings.ts";

/** A term's postings as plain values: [doc, weight, bodyOnly]. */
function listOf(postings: Postings, term: string): Array<[number, number, boolean]> {
  const t = postings.id(term);
  if (t === undefined) return [];
  const list: Array<[number, number, boolean]> = [];
  for (let i = postings.from(t); i < postings.to(t); i++) {
    list.push([
      postings.docs[i] as number,
      postings.weights[i] as number,
      postings.bodyOnly[i] === 1,
    ]);
  }
  return list;
}

describe("Postings", () => {
  it("keeps each term's postings together, in the order they were added, whatever the terms between", () => {
    const builder = new PostingsBuilder();
    builder.add("resume", 0, 2, false);
    builder.add("interview", 0, 1.5, true);
    builder.add("resume", 1, 0.5, true);
    builder.add("offer", 2, 3, false);
    builder.add("resume", 3, 1, false);
    const postings = builder.build(4);
    expect(listOf(postings, "resume")).toEqual([
      [0, 2, false],
      [1, 0.5, true],
      [3, 1, false],
    ]);
    expect(listOf(postings, "interview")).toEqual([[0, 1.5, true]]);
    expect(listOf(postings, "offer")).toEqual([[2, 3, false]]);
  });

  it("gives a term in fewer entries a higher IDF, and none to a term no entry has", () => {
    const builder = new PostingsBuilder();
    for (const doc of [0, 1, 2]) builder.add("internship", doc, 1, false);
    builder.add("leetcode", 1, 1, false);
    const postings = builder.build(4);
    expect(postings.idf("leetcode")).toBeCloseTo(Math.log(1 + 3.5 / 1.5));
    expect(postings.idf("internship")).toBeCloseTo(Math.log(1 + 1.5 / 3.5));
    expect(postings.idf("recruiter")).toBeUndefined();
    expect(postings.has("recruiter")).toBe(false);
    expect(listOf(postings, "recruiter")).toEqual([]);
  });

  it("stores weights at single precision, as the scores have always used them", () => {
    const builder = new PostingsBuilder();
    builder.add("git", 0, 0.1, false);
    expect(listOf(builder.build(1), "git")[0]?.[1]).toBe(Math.fround(0.1));
  });

  it("has no terms when empty", () => {
    const postings = Postings.empty();
    expect(postings.has("anything")).toBe(false);
    expect(postings.docs).toHaveLength(0);
  });
});
