import { describe, expect, it } from "vitest";
import {
  renderChannelFull,
  renderChannelsOnly,
  renderDeadlineConfirm,
  renderNudgeNowProblem,
} from "../../src/blocks/deadlines.ts";
import { problemText } from "../../src/blocks/problems.ts";
import { messageProblems } from "../../src/dev/block-kit.ts";

describe("problems in words", () => {
  it("escapes what the user typed exactly once, and nothing else", () => {
    expect(problemText({ code: "not_time", text: "<!channel> & 9am" })).toBe(
      "“&lt;!channel&gt; &amp; 9am” is not a time. Use the 24-hour clock, like 09:00 or 17:30.",
    );
    expect(problemText({ code: "bad_link", link: "ftp://a.example/?x=1&y=<2>" })).toContain(
      "“ftp://a.example/?x=1&amp;y=&lt;2&gt;” doesn't look like a web link",
    );
    expect(problemText({ code: "past_date", date: "2025-01-01" })).toBe(
      "Wed 1 Jan 2025 is in the past. Deadlines must be today or later.",
    );
    // The usage's placeholders are shown as typed: <date>, never a raw "<date>" Slack would eat.
    expect(problemText({ code: "no_title" })).toContain(
      "`/deadlines add &lt;date&gt; &lt;title&gt; [link]`",
    );
  });

  it("a full channel names the limit and how to remove one, with <id> escaped", () => {
    const m = renderChannelFull(100);
    expect(JSON.stringify(m.blocks)).toContain("100 upcoming deadlines");
    expect(JSON.stringify(m.blocks)).toContain("/deadlines remove &lt;id&gt;");
    expect(JSON.stringify(m)).not.toMatch(/remove <id>/);
  });

  it("asks about a far-off date with one button that carries the pending deadline", () => {
    const m = renderDeadlineConfirm(
      { id: "abc123", date: "9999-12-31", timezone: "UTC", title: "R&D <ML>" },
      '{"id":"abc123"}',
    );
    expect(messageProblems({ ...m })).toEqual([]);
    expect(m.text).toContain("“R&amp;D &lt;ML&gt;”");
    const button = JSON.stringify(m.blocks);
    expect(button).toContain("Yes, add it for Fri 31 Dec 9999");
    expect(button).toContain("deadline_confirm");
  });

  it("says a revoked token needs a reinstall, and that channel commands work in channels", () => {
    expect(renderNudgeNowProblem("token_revoked").text).toContain("reinstall the app");
    expect(renderNudgeNowProblem("internal_error").text).toContain("try again in a moment");
    expect(renderChannelsOnly("/nudges").text).toContain("/nudges works in channels");
  });
});
