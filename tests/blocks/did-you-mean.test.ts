import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  MAX_SUGGESTIONS,
  renderAnswer,
  renderDidYouMean,
  renderPicked,
} from "../../src/blocks/answers.ts";
import { LIMITS } from "../../src/blocks/kit.ts";
import {
  REVIEW_PAGE_SIZE,
  type ReviewItem,
  renderLearnedReview,
} from "../../src/blocks/learned.ts";
import { renderGaps, renderOrganizersOnly, renderPickedEntry } from "../../src/blocks/prep.ts";
import {
  decodePage,
  decodePick,
  decodeReview,
  decodeVote,
  encodePick,
  encodeVote,
} from "../../src/blocks/values.ts";
import { messageProblems } from "../../src/dev/block-kit.ts";
import type { KnowledgeBase } from "../../src/services/knowledge-base/knowledge-base.ts";
import { loadKnowledgeBase } from "../../src/services/knowledge-base/load.ts";
import { createSearch, type SearchHit } from "../../src/services/search/search.ts";

type Json = Record<string, unknown>;
type Element = Json & { action_id?: string; value?: string; text?: { text: string } };
const elements = (blocks: unknown[]) =>
  (blocks as Array<{ elements?: Element[] }>).flatMap((b) => b.elements ?? []);
const json = (x: unknown) => JSON.stringify(x);

const FIXTURE_KB = path.resolve(import.meta.dirname, "../fixtures/kb");
const NASTY = `<!channel> & <@U123> "quoted" \\ back\\slash ${"é".repeat(20)} ${"x".repeat(400)}`;

let kb: KnowledgeBase;
let hits: SearchHit[];
beforeAll(async () => {
  kb = await loadKnowledgeBase({ dirs: [FIXTURE_KB] });
  const search = createSearch(kb);
  hits = ["model-training", "data-leakage", "apply-early", "behavioral", "ml-intern"].map((id) => {
    const entry = kb.get(id);
    if (!entry) throw new Error(id);
    return { ...search.search(entry.title).hits[0], entry, id } as SearchHit;
  });
});

describe("Did you mean…?", () => {
  it("says it is not sure and offers at most three buttons, each carrying the entry and the question", () => {
    const reply = renderDidYouMean("how do I train my dog", hits);
    expect(messageProblems(reply as unknown as Json)).toEqual([]);
    expect(reply.text).toContain("I'm not sure I know that one");
    expect(reply.text).toContain("How do I train my first model?");
    expect(reply.text).not.toContain("??");
    const buttons = elements(reply.blocks).filter((e) => e.action_id?.startsWith("answer_pick:"));
    expect(buttons).toHaveLength(MAX_SUGGESTIONS);
    // Unique action ids within their block, as Slack requires.
    expect(new Set(buttons.map((b) => b.action_id)).size).toBe(buttons.length);
    expect(buttons.map((b) => decodePick(b.value ?? ""))).toEqual([
      { entryId: "model-training", question: "how do I train my dog" },
      { entryId: "data-leakage", question: "how do I train my dog" },
      { entryId: "apply-early", question: "how do I train my dog" },
    ]);
  });

  it("escapes the question exactly once in text, and keeps it unescaped and within 2000 characters in values", () => {
    const reply = renderDidYouMean(NASTY, hits.slice(0, 1));
    // What Slack shows: every text but the buttons' values (which are never shown).
    const shown =
      JSON.stringify(reply.blocks, (k, v) => (k === "value" ? undefined : v)) + reply.text;
    expect(shown).toContain("&lt;!channel&gt; &amp; &lt;@U123&gt;");
    expect(shown).not.toContain("<!channel>");
    expect(shown).not.toContain("&amp;lt;");
    const [button] = elements(reply.blocks).filter((e) => e.action_id?.startsWith("answer_pick:"));
    expect((button?.value ?? "").length).toBeLessThanOrEqual(LIMITS.buttonValue);
    const pick = decodePick(button?.value ?? "");
    expect(pick?.question.startsWith('<!channel> & <@U123> "quoted" \\ back\\slash é')).toBe(true);
    expect([...(pick?.question ?? "")].length).toBeLessThanOrEqual(200);
    expect(messageProblems(reply as unknown as Json)).toEqual([]);
  });

  it("shows a picked entry with a note and 👍/👎 that carry the question; /prep's keeps its share button", () => {
    const entry = kb.get("model-training");
    if (!entry) throw new Error("fixture");
    const picked = renderPicked(entry, "my <dog>", true);
    expect(messageProblems(picked as unknown as Json)).toEqual([]);
    expect(json(picked.blocks)).toContain("fit a simple baseline");
    expect(json(picked.blocks)).toContain("I'll remember that “my &lt;dog&gt;”");
    const vote = elements(picked.blocks).find((e) => e.action_id === "feedback_not_helpful");
    expect(decodeVote(vote?.value ?? "")).toEqual({
      entryId: "model-training",
      question: "my <dog>",
    });
    expect(json(renderPicked(entry, "my dog", false).blocks)).not.toContain("I'll remember");
    const fromPrep = renderPickedEntry(entry, undefined);
    expect(elements(fromPrep.blocks).map((e) => e.action_id)).toContain("share");
  });

  it("answers carry their question on the 👍/👎 buttons", () => {
    const [best] = hits;
    const reply = renderAnswer(best as SearchHit, [], "how 2 train");
    const vote = elements(reply.blocks).find((e) => e.action_id === "feedback_helpful");
    expect(decodeVote(vote?.value ?? "")).toEqual({
      entryId: "model-training",
      question: "how 2 train",
    });
  });
});

describe("button values", () => {
  it("refuse what they did not make", () => {
    expect(decodePick("model-training")).toBeUndefined();
    expect(decodePick('{"e":"Bad Id","q":"x"}')).toBeUndefined();
    expect(decodePick('{"e":"ok","q":""}')).toBeUndefined();
    expect(decodePick('{"e":"ok","q":"x","extra":1}')).toBeUndefined();
    expect(decodePick(JSON.stringify({ e: "ok", q: "x".repeat(201) }))).toBeUndefined();
    expect(decodeReview('{"id":"nothex","p":0}')).toBeUndefined();
    expect(decodeReview('{"id":"0123456789abcdef","p":-1}')).toBeUndefined();
    expect(decodeReview('{"id":"0123456789abcdef","p":2}')).toEqual({
      id: "0123456789abcdef",
      page: 2,
    });
    expect(decodePage("[1]")).toBeUndefined();
  });

  it("votes read the plain entry id older messages carry", () => {
    expect(decodeVote("apply-early")).toEqual({ entryId: "apply-early" });
    expect(decodeVote(encodeVote("apply-early"))).toEqual({ entryId: "apply-early" });
    expect(decodeVote("<script>")).toBeUndefined();
    expect(encodePick("a", "  two   words ")).toBe('{"e":"a","q":"two words"}');
  });
});

describe("organizers' views", () => {
  const item = (i: number): ReviewItem => ({
    id: i.toString(16).padStart(16, "0"),
    entryId: "apply-early",
    title: "How early should I apply for internships?",
    phrasing: `<b>question</b> & ${i} ${"long ".repeat(38)}`,
    status: "pending",
    pickedBy: i === 0 ? ["U1", "U2"] : ["U1"],
    firstAt: "2026-11-01T00:00:00Z",
    lastAt: "2026-11-02T00:00:00Z",
  });

  it("pages the review within Slack's limits, with Confirm / Reject per phrasing and Previous / Next", () => {
    const items = Array.from({ length: REVIEW_PAGE_SIZE * 2 + 3 }, (_, i) => item(i));
    const first = renderLearnedReview(items, 0);
    expect(messageProblems(first as unknown as Json)).toEqual([]);
    expect(first.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
    const ids = elements(first.blocks).map((e) => e.action_id);
    expect(ids.filter((id) => id === "learned_confirm")).toHaveLength(REVIEW_PAGE_SIZE);
    expect(ids).toContain("learned_page:next");
    expect(ids).not.toContain("learned_page:prev");
    expect(json(first.blocks)).toContain("page 1 of 3");
    expect(json(first.blocks)).toContain("&lt;b&gt;question&lt;/b&gt; &amp; 0");
    expect(json(first.blocks)).toContain("picked by 2 people");

    // A page past the end (after rejections) shows the last page.
    const last = renderLearnedReview(items, 7, { kind: "rejected", phrasing: "<x>", title: "T" });
    expect(json(last.blocks)).toContain("page 3 of 3");
    expect(json(last.blocks)).toContain("Rejected: “&lt;x&gt;” → *T*. Dropped.");
    const lastIds = elements(last.blocks).map((e) => e.action_id);
    expect(lastIds.filter((id) => id === "learned_reject")).toHaveLength(3);
    expect(lastIds).toContain("learned_page:prev");
    const confirm = elements(last.blocks).find((e) => e.action_id === "learned_confirm");
    expect(decodeReview(confirm?.value ?? "")).toEqual({ id: item(20).id, page: 2 });

    expect(renderLearnedReview([], 0).text).toBe("No learned phrasings to review.");
  });

  it("/prep gaps lists unanswered questions beside 👎 answers with their questions, escaped", () => {
    const reply = renderGaps(
      [
        {
          question: "<@U1> ping?",
          count: 3,
          firstAskedAt: "2026-11-01T00:00:00Z",
          lastAskedAt: "2026-11-02T00:00:00Z",
        },
      ],
      [
        {
          title: "How early?",
          question: "when <2> apply",
          count: 2,
          lastAt: "2026-11-03T00:00:00Z",
        },
        { title: "Leakage", question: null, count: 1, lastAt: "2026-11-03T00:00:00Z" },
      ],
    );
    expect(messageProblems(reply as unknown as Json)).toEqual([]);
    const text = json(reply.blocks);
    expect(text).toContain("&lt;@U1&gt; ping? — asked *3×*");
    expect(text).toContain("“when &lt;2&gt; apply” → *How early?* — 👎 *2×*, last 2026-11-03");
    expect(text).toContain("(question not recorded)");
    const many = renderGaps(
      Array.from({ length: 15 }, (_, i) => ({
        question: `${i} ${"q".repeat(300)}`,
        count: 1,
        firstAskedAt: "2026-11-01T00:00:00Z",
        lastAskedAt: "2026-11-02T00:00:00Z",
      })),
      [],
    );
    expect(messageProblems(many as unknown as Json)).toEqual([]);
    expect(json(many.blocks)).toContain("14 qqq");
  });

  it("explains politely to members why organizers' views are theirs only", () => {
    const reply = renderOrganizersOnly("/prep gaps");
    expect(messageProblems(reply as unknown as Json)).toEqual([]);
    expect(reply.text).toContain("only for the group's organizers");
    expect(reply.text).toContain("ORGANIZER_IDS");
  });
});
