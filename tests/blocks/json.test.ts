import { beforeAll, describe, expect, it } from "vitest";
import { messageJson } from "../../src/blocks/json.ts";
import { context, message, reused, section } from "../../src/blocks/kit.ts";
import { renderSearchResults } from "../../src/blocks/prep.ts";
import type { KnowledgeBase } from "../../src/services/knowledge-base/knowledge-base.ts";
import { BUNDLED_KB_DIR, loadKnowledgeBase } from "../../src/services/knowledge-base/load.ts";
import { createSearch, type SearchHit } from "../../src/services/search/search.ts";

let kb: KnowledgeBase;
let hits: SearchHit[];
beforeAll(async () => {
  kb = await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] });
  hits = createSearch(kb).search("how early should I apply for a summer ML internship").hits;
});

/** Typed questions that JSON must carry intact: quotes, backslashes, wide characters, controls. */
const QUESTIONS = [
  "how early should I apply",
  'what does "STAR" mean \\ and when?',
  "résumé — “how long” should it be? 🙂👍🏽",
  "tab\there\nnew line \u0001 and a lone \ud83d surrogate",
];

describe("messageJson (a reply written for an HTTP ack)", () => {
  it("reads back as exactly the message, written in ASCII", () => {
    for (const question of QUESTIONS) {
      const reply = { response_type: "ephemeral", ...renderSearchResults(question, hits) };
      const json = messageJson(reply);
      expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(reply)));
      expect(json).toMatch(/^[\x20-\x7e]*$/);
    }
  });

  it("writes a reused block the same each time, and skips undefined fields as JSON does", () => {
    const shared = reused(section("“Shared” • text"));
    const first = message("one", [context("fresh 1"), shared]);
    const second = { ...message("two", [context("fresh 2"), shared]), thread_ts: undefined };
    expect(JSON.parse(messageJson(first))).toEqual(first);
    expect(JSON.parse(messageJson(second))).toEqual(JSON.parse(JSON.stringify(second)));
    expect(messageJson(second)).not.toContain("thread_ts");
  });

  it("stringifies a message with no reused block as JSON.stringify does", () => {
    const plain = message("Results for “x”", [section("• one"), context("two")]);
    expect(messageJson(plain)).toBe(JSON.stringify(plain));
  });
});

describe("reused blocks", () => {
  it("cannot be changed by one reply for the next", () => {
    const block = reused(section("kept"));
    expect(() => {
      (block.text as { text: string }).text = "changed";
    }).toThrow(TypeError);
    expect(block.text?.text).toBe("kept");
  });

  it("are the same blocks each time an entry is shown, and new ones when its text changes", () => {
    const [hit] = hits;
    if (!hit) throw new Error("no hit");
    const once = renderSearchResults("a", [hit]).blocks.slice(1);
    const again = renderSearchResults("b", [hit]).blocks.slice(1);
    expect(again[0]).toBe(once[0]);
    const edited = renderSearchResults("c", [{ ...hit, text: `${hit.text} (edited)` }]);
    expect(JSON.stringify(edited.blocks[1])).toContain("(edited)");
    expect(edited.blocks[1]).not.toBe(once[0]);
  });
});
