import { describe, expect, it } from "vitest";
import {
  actions,
  button,
  checkboxGroups,
  context,
  escapeText,
  header,
  homeView,
  message,
  section,
  sections,
} from "../../src/blocks/kit.ts";
import { blockKitProblems, messageProblems } from "../../src/dev/block-kit.ts";

describe("Block Kit helpers enforce Slack's limits", () => {
  it("escapes &, < and > so nobody can be pinged through the bot", () => {
    expect(escapeText("<!channel> A&B <@U1>")).toBe("&lt;!channel&gt; A&amp;B &lt;@U1&gt;");
  });

  it("the Slack check flags a literal <placeholder> in mrkdwn, but not Slack's own markup", () => {
    expect(blockKitProblems([section("Try `/skills <role>`")], "message")).toEqual([
      "blocks[0] (section): unescaped <role> in mrkdwn (write &lt; and &gt;)",
    ]);
    const fine = section(
      "<@U0ALICE> in <#C0STUDY>: <https://a.example|a> <!channel> `/skills &lt;role&gt;`",
    );
    expect(blockKitProblems([fine], "message")).toEqual([]);
  });

  it("cuts long texts: section 3000, header 150, button 75", () => {
    expect(section("x".repeat(5000)).text?.text.length).toBe(3000);
    expect(header("h".repeat(300)).text.text.length).toBe(150);
    expect(button("b".repeat(100), "a", "v").text.text.length).toBe(75);
  });

  it("splits long text over several sections at line breaks", () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i} ${"y".repeat(60)}`).join("\n");
    const blocks = sections(text);
    expect(blocks.length).toBeGreaterThan(1);
    for (const b of blocks) expect(b.text?.text.length).toBeLessThanOrEqual(3000);
    expect(blocks.map((b) => b.text?.text).join("\n")).toBe(text);
  });

  it("puts at most 10 options in a checkboxes element, ticking only what was saved", () => {
    const items = Array.from({ length: 23 }, (_, i) => ({
      value: `i${i}`,
      text: `Item ${i}`,
      description: "d".repeat(200),
    }));
    const groups = checkboxGroups(
      items,
      new Set(["i0", "i12"]),
      (g) => `tick:${g}`,
      (g) => `b:${g}`,
    );
    expect(groups).toHaveLength(3);
    expect(blockKitProblems(groups, "message")).toEqual([]);
    const initial = groups.map((g) =>
      (g.elements[0] as { initial_options?: Array<{ value: string }> }).initial_options?.map(
        (o) => o.value,
      ),
    );
    expect(initial).toEqual([["i0"], ["i12"], undefined]);
  });

  it("splits buttons over actions blocks of at most 25, and context at 10 elements", () => {
    const many = Array.from({ length: 60 }, (_, i) => button(`B${i}`, `a${i}`, `${i}`));
    expect(actions(many).map((a) => a.elements.length)).toEqual([25, 25, 10]);
    expect(context(...Array.from({ length: 14 }, (_, i) => `c${i}`)).elements).toHaveLength(10);
  });

  it("caps a message at 50 blocks and a Home view at 100, saying more was cut, and keeps a text fallback", () => {
    const blocks = Array.from({ length: 120 }, (_, i) => section(`s${i}`));
    const m = message("fallback", blocks);
    expect(m.blocks).toHaveLength(50);
    expect(JSON.stringify(m.blocks.at(-1))).toContain("more than fits");
    expect(messageProblems({ ...m })).toEqual([]);
    expect(homeView(blocks).blocks).toHaveLength(100);
  });
});
