import { beforeAll, describe, expect, it } from "vitest";
import { answerQuestion, plainQuestion } from "../../src/listeners/events/answer.ts";
import { createServices, type Services } from "../../src/services/index.ts";
import { BUNDLED_KB_DIR, loadKnowledgeBase } from "../../src/services/knowledge-base/load.ts";
import { openStore } from "../../src/services/storage/store.ts";

describe("plainQuestion", () => {
  it("drops mentions and link markup, and unescapes Slack's entities", () => {
    expect(plainQuestion("<@U123ABC> what is <https://x.io|this> &amp; that?")).toBe(
      "what is this & that?",
    );
    expect(plainQuestion("<@U1|bot>   hi")).toBe("hi");
  });
});

describe("answerQuestion", () => {
  let services: Services;
  beforeAll(async () => {
    services = createServices(
      await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] }),
      await openStore("memory://"),
      { deliver: async () => ({ ok: true }) },
    );
  });

  it("answers with the best entry and feedback buttons", async () => {
    const reply = await answerQuestion(services, "T", "what's a feature store?");
    expect(reply.text).toMatch(/^What is a feature store\?/);
    expect(JSON.stringify(reply.blocks)).toContain("feedback_helpful");
  });

  it("introduces itself for a greeting, without recording a gap", async () => {
    const reply = await answerQuestion(services, "T", "hi!");
    expect(reply.text).toContain("Ask me anything");
    expect(await services.gaps.top("T", 5)).toEqual([]);
  });

  it("says it doesn't know when nothing matches, and records the question", async () => {
    const reply = await answerQuestion(services, "T", "qwxz blorft zzyzx");
    expect(reply.text).toContain("I don't know that one yet");
    expect((await services.gaps.top("T", 5))[0]?.question).toBe("qwxz blorft zzyzx");
  });
});
