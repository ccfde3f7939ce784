import { describe, expect, it } from "vitest";
import {
  renderPairsAnswered,
  renderPairsFollowUp,
  renderPairsHelp,
  renderPairsIntro,
  renderPairsSignUp,
  renderPairsSkipped,
  renderPairsStatus,
} from "../../src/blocks/pairs.ts";
import { problemText } from "../../src/blocks/problems.ts";
import { decodeMeet, decodeRound } from "../../src/blocks/values.ts";
import { messageProblems } from "../../src/dev/block-kit.ts";
import type { Prompt } from "../../src/services/knowledge-base/schema.ts";

type Json = Record<string, unknown>;
const json = (x: unknown) => JSON.stringify(x);

const prompt: Prompt = {
  id: "p-two-pointers",
  title: "Two pointers",
  prompt: "Solve two array problems with the two-pointer pattern.",
  topic: "coding-interviews",
  roles: ["swe-intern"],
  tags: [],
};

describe("/pairs renderers", () => {
  it("the sign-up post: the question, when pairs are made in the channel's zone, and Join / Skip this week carrying the round", () => {
    const m = renderPairsSignUp({
      kind: "pairs-signup",
      teamId: "T1",
      channelId: "C1",
      roundId: "2027-W02",
      pairAt: "2027-01-12T14:00:00.000Z",
      timezone: "America/New_York",
    });
    expect(messageProblems(m as unknown as Json)).toEqual([]);
    expect(m.text).toContain("Mock interviews this week — who's in?");
    expect(json(m.blocks)).toContain("Tue 12 Jan 2027, 09:00 EST");
    const buttons = m.blocks.flatMap((b) => (b.type === "actions" ? b.elements : []));
    expect(buttons.map((b) => ("text" in b ? b.text?.text : ""))).toEqual([
      "Join",
      "Skip this week",
    ]);
    for (const b of buttons) expect(decodeRound((b as { value: string }).value)).toBe("2027-W02");
  });

  it("a pair's DM names who interviews first, the prompt and its roles, a 45-minute agenda and Schedule it", () => {
    const m = renderPairsIntro({
      kind: "pairs-intro",
      teamId: "T1",
      channelId: "G1",
      homeChannelId: "C1",
      users: ["U0B", "U0A"],
      prompt,
      roles: ["Software engineering intern"],
    });
    expect(messageProblems(m as unknown as Json)).toEqual([]);
    const text = json(m.blocks);
    expect(text).toContain("<@U0B> interviews first.");
    expect(text).toContain("Practice prompt for Software engineering intern: Two pointers");
    expect(text).toContain("Warm-up (5 min)");
    expect(text).toContain("Turn 1 (20 min):* <@U0B> interviews <@U0A>");
    expect(text).toContain("Turn 2 (20 min):* <@U0A> interviews <@U0B>");
    expect(text).toContain("Schedule it");
    expect(text).toContain("<#C1>");
  });

  it("a trio's DM gives each of the three a part", () => {
    const m = renderPairsIntro({
      kind: "pairs-intro",
      teamId: "T1",
      channelId: "G1",
      homeChannelId: "C1",
      users: ["U0A", "U0B", "U0C"],
      prompt: undefined,
      roles: [],
    });
    expect(messageProblems(m as unknown as Json)).toEqual([]);
    const text = json(m.blocks);
    expect(text).toContain("trio");
    expect(text).toContain("<@U0A> interviews <@U0B> for 15 minutes, <@U0C> keeps notes");
    expect(text).toContain("<@U0C> interviews <@U0A> for 15 minutes, <@U0B> keeps notes");
    expect(text).not.toContain("practice prompt");
  });

  it("the follow-up asks once, with Yes / Not yet / Can't this week naming its pair", () => {
    const m = renderPairsFollowUp({
      kind: "pairs-followup",
      teamId: "T1",
      channelId: "G1",
      homeChannelId: "C1",
      roundId: "2027-W02",
      index: 2,
      users: ["U0A", "U0B"],
    });
    expect(messageProblems(m as unknown as Json)).toEqual([]);
    const buttons = m.blocks.flatMap((b) => (b.type === "actions" ? b.elements : []));
    expect(buttons.map((b) => ("text" in b ? b.text?.text : ""))).toEqual([
      "Yes",
      "Not yet",
      "Can't this week",
    ]);
    expect(decodeMeet((buttons[0] as { value: string }).value)).toEqual({
      channelId: "C1",
      roundId: "2027-W02",
      index: 2,
    });
    expect(renderPairsAnswered("U0A", "cant").text).toContain("can't this week");
  });

  it("forged or stale values decode to nothing", () => {
    expect(decodeRound('{"r":"2027-W02","x":1}')).toBeUndefined();
    expect(decodeRound('{"r":"<!channel>"}')).toBeUndefined();
    expect(decodeRound("not json")).toBeUndefined();
    expect(decodeMeet('{"c":"C1X","r":"2027-W02","i":-1}')).toBeUndefined();
    expect(decodeMeet('{"c":"D1X","r":"2027-W02","i":0}')).toBeUndefined();
  });

  it("status stays within Slack's limits with hundreds joined, and shows last round's figures as counts", () => {
    const joined = Array.from({ length: 400 }, (_, i) => `U${String(i).padStart(8, "0")}`);
    const m = renderPairsStatus(
      {
        schedule: {
          weekday: 1,
          time: "09:00",
          timezone: "UTC",
          enabled: true,
          updatedBy: "U1",
          updatedAt: "2027-01-01T00:00:00Z",
        },
        next: new Date("2027-01-18T09:00:00Z"),
        open: { pairAt: new Date("2027-01-12T09:00:00Z"), joined },
        standing: [],
        last: { id: "2027-W01", pairs: 5, participants: 11, met: 3, answered: 4 },
      },
      "UTC",
    );
    expect(messageProblems(m as unknown as Json)).toEqual([]);
    expect(json(m.blocks)).toContain("Joined so far (400)");
    expect(m.text).toContain("Last round: 5 groups from 11 people; 3 of 5 met");
  });

  it("skipped notes and help read kindly; typed text in a problem is escaped once", () => {
    expect(
      renderPairsSkipped({ kind: "pairs-skipped", teamId: "T", channelId: "C", participants: 1 })
        .text,
    ).toContain("Only one person signed up");
    const help = renderPairsHelp(problemText({ code: "not_weekday", text: "<!here>" }));
    expect(messageProblems(help as unknown as Json)).toEqual([]);
    expect(json(help.blocks)).toContain("&lt;!here&gt;");
    expect(json(help.blocks)).not.toContain("&amp;lt;");
    expect(json(help.blocks)).not.toContain("<!here>");
  });
});
