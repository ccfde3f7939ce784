import { describe, expect, it } from "vitest";
import {
  renderDeadlineList,
  renderReminder,
  renderWeeklyNudge,
} from "../../src/blocks/deadlines.ts";
import {
  momentumLine,
  renderExportInline,
  renderFollowUp,
  renderFromDeadline,
  renderHomeTracker,
  renderTrackAdded,
  renderTrackList,
  renderTrackMoved,
  renderTrackProblem,
} from "../../src/blocks/tracker.ts";
import { blockKitProblems, messageProblems } from "../../src/dev/block-kit.ts";
import type { Deadline } from "../../src/services/deadlines/deadlines.ts";
import { STAGES } from "../../src/services/tracker/parse.ts";
import type { Application } from "../../src/services/tracker/tracker.ts";

type Json = Record<string, unknown>;
const json = (x: unknown) => JSON.stringify(x);

function app(i: number, over: Partial<Application> = {}): Application {
  const stage = STAGES[i % STAGES.length] ?? "applied";
  return {
    id: i.toString(16).padStart(6, "0"),
    company: `Company ${i}`,
    role: "ML intern",
    stage,
    dates: { [stage]: "2026-11-23" },
    updatedAt: new Date(Date.UTC(2026, 10, 23, 0, i)).toISOString(),
    ...over,
  };
}

const deadline = (i: number): Deadline => ({
  id: i.toString(16).padStart(6, "0"),
  date: "2026-12-01",
  timezone: "UTC",
  title: `Deadline ${i}`,
  addedBy: "U1",
  addedAt: "2026-11-20T00:00:00Z",
});

const hostile = app(1, {
  company: "<!channel> AT&T",
  role: "<@U999> intern",
  url: "https://evil.example/a?b=1&c=<x>|y",
  stage: "applied",
});

describe("tracker renderers", () => {
  it("the list groups by stage with a picker of all 8 stages on each, within 50 blocks for 500 applications", () => {
    const list = renderTrackList(Array.from({ length: 500 }, (_, i) => app(i)));
    expect(list.blocks.length).toBeLessThanOrEqual(50);
    expect(messageProblems(list as unknown as Json)).toEqual([]);
    const text = json(list.blocks);
    expect(text).toContain("…and");
    expect(text).toContain("/track export");
    const select = (
      list.blocks.find((b) => b.type === "section" && "accessory" in b) as unknown as Json
    ).accessory as Json;
    expect(select.type).toBe("static_select");
    expect((select.options as unknown[]).length).toBe(8);
    expect((select.initial_option as Json).value).toBe("000000:saved");
    expect(list.text).toContain("500 application(s)");
  });

  it("a short list shows every application, its id, and the stage headings in pipeline order", () => {
    const list = renderTrackList([app(1), app(4), app(2)]);
    const text = json(list.blocks);
    expect(text.indexOf("Applied")).toBeLessThan(text.indexOf("Online assessment"));
    expect(text.indexOf("Online assessment")).toBeLessThan(text.indexOf("Offer"));
    for (const id of ["000001", "000002", "000004"]) expect(text).toContain(id);
    expect(list.text).toBe("Your 3 application(s): 1 applied, 1 online assessment, 1 offer");
  });

  it("escapes what the user typed exactly once, in blocks and in the fallback text", () => {
    for (const m of [
      renderTrackAdded(hostile),
      renderTrackMoved(hostile, "saved", true),
      renderTrackList([hostile]),
      renderFromDeadline({ status: "already", application: hostile }),
      renderFollowUp({
        kind: "follow-up",
        teamId: "T",
        userId: "U",
        channelId: "U",
        application: hostile,
        days: 21,
      }),
    ]) {
      const all = json(m);
      expect(all).not.toContain("<!channel>");
      expect(all).not.toContain("<@U999>");
      expect(all).not.toContain("&amp;amp;");
      expect(all).toContain("&lt;!channel&gt; AT&amp;T");
      expect(messageProblems(m as unknown as Json)).toEqual([]);
    }
    expect(json(renderTrackAdded(hostile).blocks)).toContain(
      "<https://evil.example/a?b=1&amp;c=%3Cx%3E%7Cy|&lt;!channel&gt; AT&amp;T>",
    );
    const problem = renderTrackProblem({ code: "add_ambiguous", text: "<!here> & co" });
    expect(json(problem)).toContain("&lt;!here&gt; &amp; co");
    expect(json(problem)).toContain("Nothing was saved.");
    expect(messageProblems(problem as unknown as Json)).toEqual([]);
  });

  it("the follow-up asks about one company with a button per next stage", () => {
    const m = renderFollowUp({
      kind: "follow-up",
      teamId: "T",
      userId: "U",
      channelId: "U",
      application: app(1),
      days: 21,
    });
    expect(m.text).toBe("Heard back from Company 1? You applied 21 days ago.");
    const buttons = m.blocks.flatMap((b) =>
      b.type === "actions" ? (b.elements as unknown as Json[]) : [],
    );
    expect(buttons.map((b) => b.value)).toEqual([
      "000001:oa",
      "000001:interview",
      "000001:offer",
      "000001:rejected",
      "000001:withdrawn",
    ]);
    expect(new Set(buttons.map((b) => b.action_id)).size).toBe(5);
  });

  it("the momentum line is counts only, naming only those who share", () => {
    expect(momentumLine({ sent: 5, interviews: 1, offers: 0, shared: [] })).toBe(
      ":chart_with_upwards_trend: The group's week: 5 applications sent, 1 interview, 0 offers.",
    );
    const named = momentumLine({
      sent: 1,
      interviews: 0,
      offers: 1,
      shared: [{ user: "U2", company: "<b>Acme" }],
    });
    expect(named).toContain("1 application sent");
    expect(named).toContain(":tada: <@U2> got an offer at &lt;b&gt;Acme!");
    expect(momentumLine({ sent: 0, interviews: 0, offers: 0, shared: [] })).toContain("/track add");
  });

  it("every deadline in the list, the nudge and the reminder gets I applied and Save for later", () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ deadline: deadline(i), daysLeft: 8 }));
    const list = renderDeadlineList(items, "C1");
    expect(list.blocks.length).toBeLessThanOrEqual(50);
    expect(messageProblems(list as unknown as Json)).toEqual([]);
    const buttons = list.blocks.flatMap((b) =>
      b.type === "actions" ? (b.elements as unknown as Json[]) : [],
    );
    expect(buttons.filter((b) => b.action_id === "track_applied")).toHaveLength(20);
    expect(buttons.find((b) => b.action_id === "track_save")?.value).toBe("C1:000000");
    expect(json(list.blocks)).toContain("Deadline 99");

    const nudge = renderWeeklyNudge({
      kind: "weekly",
      teamId: "T1",
      channelId: "C1",
      timezone: "UTC",
      deadlines: items.slice(0, 30),
      prompt: undefined,
      momentum: { sent: 2, interviews: 1, offers: 0, shared: [] },
    });
    expect(nudge.blocks.length).toBeLessThanOrEqual(50);
    expect(messageProblems(nudge as unknown as Json)).toEqual([]);
    expect(json(nudge.blocks)).toContain("2 applications sent, 1 interview, 0 offers");
    expect(json(nudge.blocks)).toContain("C1:000013");

    const reminder = renderReminder({
      kind: "reminder",
      teamId: "T1",
      channelId: "C1",
      deadline: deadline(7),
      daysLeft: 3,
    });
    expect(json(reminder.blocks)).toContain('"value":"C1:000007"');
  });

  it("the Home section: counts per stage, saved ones' deadlines, the 10 most recent with pickers", () => {
    const applications = Array.from({ length: 30 }, (_, i) => app(i));
    const saved = app(99, {
      stage: "saved",
      deadline: { channelId: "C1", id: "d00001", date: "2026-12-15", title: "Acme" },
    });
    const blocks = renderHomeTracker({
      applications,
      savedDeadlines: [{ application: saved, daysLeft: 3 }],
    });
    expect(blocks.length).toBeLessThanOrEqual(20);
    expect(blockKitProblems(blocks, "view")).toEqual([]);
    const text = json(blocks);
    expect(text).toContain(":bookmark: Saved *4*");
    expect(text).toContain("Tue 15 Dec 2026 (in *3 days*)");
    expect(blocks.filter((b) => b.block_id?.startsWith("track-home:"))).toHaveLength(10);
    expect(json(renderHomeTracker({ applications: [], savedDeadlines: [] }))).toContain(
      "Nothing tracked yet",
    );
  });

  it("a short export reads as a code block, with the user's text escaped", () => {
    const m = renderExportInline("company,role\r\n<!channel>,```x\r\n", 1);
    expect(messageProblems(m as unknown as Json)).toEqual([]);
    expect(json(m.blocks)).toContain("&lt;!channel&gt;,'''x");
  });
});
