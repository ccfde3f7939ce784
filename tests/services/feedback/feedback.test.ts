import { describe, expect, it } from "vitest";
import { Feedback } from "../../../src/services/feedback/feedback.ts";
import { UnansweredQuestions } from "../../../src/services/feedback/gaps.ts";
import { openStore } from "../../../src/services/storage/store.ts";

describe("feedback", () => {
  it("counts one vote per user per entry, the latest winning", async () => {
    const feedback = new Feedback(await openStore("memory://"));
    await feedback.vote("e", "U1", true);
    await feedback.vote("e", "U2", true);
    expect(await feedback.vote("e", "U1", false)).toEqual({ helpful: 1, notHelpful: 1 });
    expect(await feedback.counts("other")).toEqual({ helpful: 0, notHelpful: 0 });
  });
});

describe("unanswered questions", () => {
  it("counts the same question however it is capitalized or punctuated, most asked first, per workspace", async () => {
    let now = new Date("2026-11-01T10:00:00Z");
    const gaps = new UnansweredQuestions(await openStore("memory://"), () => now);
    await gaps.record("T", "Can I intern in a gap year?");
    await gaps.record("T", "what about visas");
    now = new Date("2026-11-02T10:00:00Z");
    await gaps.record("T", "can i intern in a GAP year");
    await gaps.record("T2", "elsewhere");
    const top = await gaps.top("T", 10);
    expect(top.map((g) => [g.question, g.count])).toEqual([
      ["can i intern in a GAP year", 2],
      ["what about visas", 1],
    ]);
    expect(top[0]?.firstAskedAt).toBe("2026-11-01T10:00:00.000Z");
    expect(await gaps.top("T2", 10)).toHaveLength(1);
  });

  it("ignores empty questions", async () => {
    const gaps = new UnansweredQuestions(await openStore("memory://"));
    await gaps.record("T", "  ?! ");
    expect(await gaps.top("T", 10)).toEqual([]);
  });
});

describe("👎 with the question that got it", () => {
  it("keeps each 👎 with its question per workspace; a 👍 by the same voter takes it back", async () => {
    let now = new Date("2026-11-01T10:00:00Z");
    const feedback = new Feedback(await openStore("memory://"), () => now);
    await feedback.vote("e1", "U1", false, { teamId: "T", question: "when  2 apply <pls>" });
    now = new Date("2026-11-02T10:00:00Z");
    await feedback.vote("e1", "U2", false, { teamId: "T", question: "When 2 apply <pls>" });
    await feedback.vote("e2", "U1", false, { teamId: "T" });
    await feedback.vote("e3", "U1", false, { teamId: "OTHER", question: "elsewhere" });
    expect(await feedback.downvoted("T", 10)).toEqual([
      {
        entryId: "e1",
        question: "When 2 apply <pls>",
        count: 2,
        lastAt: "2026-11-02T10:00:00.000Z",
      },
      { entryId: "e2", question: null, count: 1, lastAt: "2026-11-02T10:00:00.000Z" },
    ]);
    await feedback.vote("e1", "U2", true, { teamId: "T", question: "when 2 apply <pls>" });
    await feedback.vote("e2", "U1", true, { teamId: "T" });
    expect(await feedback.downvoted("T", 10)).toEqual([
      {
        entryId: "e1",
        question: "When 2 apply <pls>",
        count: 1,
        lastAt: "2026-11-02T10:00:00.000Z",
      },
    ]);
    expect(await feedback.counts("e1")).toEqual({ helpful: 1, notHelpful: 1 });
  });
});
