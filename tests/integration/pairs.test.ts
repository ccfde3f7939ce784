import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { blockActions, sendAction, sendCommand } from "../../src/dev/slack-requests.ts";
import type { RecordedCall } from "../../src/dev/slack-stand-in.ts";
import { STORE_UNAVAILABLE_REPLY } from "../../src/listeners/safely.ts";
import { FullDisk, storeOnDisk } from "../helpers/full-disk.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { VirtualClock } from "../helpers/virtual-clock.ts";

type Json = Record<string, unknown>;
const allText = (args: Json | undefined) =>
  JSON.stringify(args?.blocks ?? []) + String(args?.text ?? "");

/** Every button in a posted message: its action id and value. */
function buttons(call: RecordedCall | undefined): Array<{ action_id: string; value: string }> {
  const blocks = (call?.args.blocks ?? []) as Array<{ type: string; elements?: Json[] }>;
  return blocks
    .filter((b) => b.type === "actions")
    .flatMap((b) => (b.elements ?? []) as Array<{ action_id: string; value: string }>);
}

/** The group DM id a conversations.open call was answered with. */
function dmOf(call: RecordedCall | undefined): string {
  return String((call?.reply?.channel as { id?: string } | undefined)?.id);
}

const CHANNEL = "C0PAIRS";
const PEOPLE = ["U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"];

describe("/pairs through the app", () => {
  let h: Harness;
  let clock: VirtualClock;
  let n = 0;

  beforeAll(async () => {
    clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    h = await startHarness({ clock });
    h.slack.now = () => clock.now();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.slack.reset();
  });

  async function command(text: string, opts: { user?: string; channel?: string } = {}) {
    const id = `p${++n}`;
    const ack = await sendCommand(h.base, "/pairs", text, {
      responseUrl: h.slack.responseUrl(id),
      channel: CHANNEL,
      ...opts,
    });
    expect(ack.status).toBe(200);
    await h.running.idle();
    // Answered in the ack's body when the answer was known at once, else on the response_url.
    if (ack.text) {
      expect(h.slack.calls.filter((c) => c.responseId === id)).toEqual([]);
      return JSON.parse(ack.text) as Json;
    }
    const [reply] = await h.slack.waitFor((c) => c.responseId === id);
    return reply?.args as Json;
  }

  async function click(action: Json, user: string, channel = CHANNEL) {
    const id = `c${++n}`;
    const ack = await sendAction(
      h.base,
      blockActions(
        { type: "button", block_id: "b", ...action },
        { user, channel, responseUrl: h.slack.responseUrl(id) },
      ),
    );
    expect(ack.status).toBe(200);
    await h.running.idle();
    return h.slack.calls.filter((c) => c.responseId === id).map((c) => c.args);
  }

  it.each([
    ["on funday 09:00", "is not a weekday"],
    ["on monday 9am", "is not a time"],
    ["on monday 09:00 Mars/Olympus_Mons", "is not a timezone I know"],
    ["on monday", "Write it as `/pairs on &lt;weekday&gt; &lt;HH:MM&gt; [timezone]`"],
    ["on <!channel> 09:00", "“&lt;!channel&gt;” is not a weekday"],
    ["frobnicate", "I don't know `/pairs frobnicate`"],
    ["join me", "I don't know `/pairs join me`"],
  ])("/pairs %s: a clear reply, and nothing stored", async (text, expected) => {
    const reply = await command(text, { channel: "C0BAD" });
    expect(reply.response_type).toBe("ephemeral");
    expect(allText(reply)).toContain(expected);
    expect(allText(reply)).toContain("Nothing was changed");
    expect(await h.services.pairs.get("T0001", "C0BAD")).toMatchObject({
      standing: [],
      rounds: [],
    });
    expect((await h.services.pairs.get("T0001", "C0BAD")).schedule).toBeUndefined();
  });

  it("in a DM it says it works in channels, and stores nothing", async () => {
    const reply = await command("join", { channel: "D0ALICE" });
    expect(allText(reply)).toContain("works in channels");
    expect((await h.services.pairs.get("T0001", "D0ALICE")).standing).toEqual([]);
  });

  it("a weekly round end to end: sign-up, Join / Skip clicks, status, pairs in group DMs, the follow-up and its answers", async () => {
    for (const user of [...PEOPLE, "U0ERIN"]) h.slack.memberships[user] = [CHANNEL];
    const on = await command("on monday 09:00 Europe/London");
    expect(on.response_type).toBe("in_channel");
    expect(allText(on)).toContain("every Monday at 09:00 (Europe/London)");

    // Monday 09:00 in London (GMT in January): the sign-up post.
    clock.set("2027-01-11T09:00:30Z");
    await h.services.scheduler.tick();
    const [signUp] = h.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === CHANNEL);
    expect(signUp?.args.text).toContain("Mock interviews this week — who's in?");
    const [join, skip] = buttons(signUp);
    expect(join?.action_id).toBe("pairs_join");
    expect(skip?.action_id).toBe("pairs_skip");

    for (const user of ["U0ALICE", "U0BOB", "U0CAROL"]) {
      const [reply] = await click(join as Json, user);
      expect(allText(reply)).toContain("You're in for this week's mock interviews");
      expect(allText(reply)).toContain("Tue 12 Jan 2027, 09:00 GMT");
    }
    // A double click is one sign-up.
    expect(allText((await click(join as Json, "U0ALICE"))[0])).toContain("already in");
    // Dave is in every week, but not this one; Erin joins then leaves.
    expect(allText(await command("join", { user: "U0DAVE" }))).toContain("You're in every");
    expect(allText((await click(skip as Json, "U0DAVE"))[0])).toContain("Skipping this week");
    await click(join as Json, "U0ERIN");
    expect(allText(await command("leave", { user: "U0ERIN" }))).toContain("you're out");

    const status = await command("status");
    expect(status.response_type).toBe("ephemeral");
    expect(allText(status)).toContain("Joined so far (3):");
    expect(allText(status)).toContain("<@U0ALICE>, <@U0BOB> and <@U0CAROL>");
    expect(allText(status)).toContain("Next round:* sign-up Mon 18 Jan 2027, 09:00 GMT");
    expect(allText(status)).toContain("Last round:* none yet");

    // 24 hours later: three people make one trio, in one group DM.
    h.slack.reset();
    clock.set("2027-01-12T09:00:30Z");
    await h.services.scheduler.tick();
    const [open] = h.slack.callsTo("conversations.open");
    expect(String(open?.args.users).split(",").sort()).toEqual(["U0ALICE", "U0BOB", "U0CAROL"]);
    const dm = dmOf(open);
    expect(dm).toMatch(/^G/);
    const [intro] = h.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === dm);
    expect(allText(intro?.args)).toContain("Your mock interview trio this week");
    expect(allText(intro?.args)).toContain("interviews first");
    expect(allText(intro?.args)).toContain("Agenda (45 minutes)");
    expect(allText(intro?.args)).toContain("Warm-up (5 min)");
    expect(allText(intro?.args)).toContain("Turn 2 (20 min)");
    expect(allText(intro?.args)).toContain("Schedule it");
    expect(allText(intro?.args)).toContain("This week's practice prompt");
    expect(h.slack.history(dm)).toHaveLength(1);
    expect(h.slack.problems()).toEqual([]);
    // A tick a minute later posts nothing more.
    clock.advance(60_000);
    await h.services.scheduler.tick();
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(1);

    // Three days later: one "Did you meet?" in the trio's DM.
    clock.set("2027-01-15T09:00:30Z");
    await h.services.scheduler.tick();
    await h.services.scheduler.tick();
    const followUps = h.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === dm);
    expect(followUps).toHaveLength(2);
    const followUp = followUps[1];
    expect(followUp?.args.text).toBe("Did you meet for your mock interview?");
    const [yes, notYet, cant] = buttons(followUp);
    expect([yes, notYet, cant].map((b) => b?.action_id)).toEqual([
      "pairs_met_yes",
      "pairs_met_not_yet",
      "pairs_met_cant",
    ]);
    // Someone outside the trio cannot answer for it.
    expect(allText((await click(yes as Json, "U0DAVE", dm))[0])).toContain("wasn't recorded");
    const answered = await click(yes as Json, "U0BOB", dm);
    expect(answered[0]?.replace_original).toBe(true);
    expect(allText(answered[0])).toContain("yes, we met");

    const after = await command("status");
    expect(allText(after)).toContain("Last round:* 1 group from 3 people; 1 of 1 met");
    expect(h.slack.problems()).toEqual([]);
  });

  it("/pairs now pairs the standing opt-ins; with fewer than two it says so and changes nothing", async () => {
    const channel = "C0NOW";
    for (const user of PEOPLE) h.slack.memberships[user] = [channel];
    const alone = await command("now", { channel });
    expect(allText(alone)).toContain("There's nobody to pair yet");
    expect((await h.services.pairs.get("T0001", channel)).rounds).toEqual([]);

    for (const user of PEOPLE) await command("join", { user, channel });
    const now = await command("now", { channel });
    expect(allText(now)).toContain("Paired 4 people into 2 groups");
    const opens = h.slack.callsTo("conversations.open");
    expect(opens).toHaveLength(2);
    const dms = opens.map(dmOf);
    for (const dm of dms) expect(h.slack.history(dm)).toHaveLength(1);
    const everyone = opens.flatMap((c) => String(c.args.users).split(",")).sort();
    expect(everyone).toEqual([...PEOPLE].sort());
    expect(h.slack.problems()).toEqual([]);
  });

  it("Slack faults on the pairs' DMs: a reset after Slack took one is found in the DM's history, a 429 is waited out, and each DM is posted once", async () => {
    const channel = "C0FAULTS";
    const six = ["U0F1", "U0F2", "U0F3", "U0F4", "U0F5", "U0F6"];
    for (const user of six) h.slack.memberships[user] = [channel];
    for (const user of six) await command("join", { user, channel });
    let dmPosts = 0;
    h.slack.respond("chat.postMessage", (args) => {
      if (!String(args.channel).startsWith("G")) return undefined;
      // The second DM post is rate limited once.
      return ++dmPosts === 2
        ? {
            status: 429,
            headers: { "retry-after": "3" },
            body: { ok: false, error: "ratelimited" },
          }
        : undefined;
    });
    // The first DM is posted, but the connection is reset before Slack answers.
    h.slack.fault("chat.postMessage", "reset-after-accept", (args) =>
      String(args.channel).startsWith("G"),
    );
    const now = await command("now", { channel });
    expect(allText(now)).toContain("Paired 6 people into 3 groups");
    const dms = h.slack.callsTo("conversations.open").map(dmOf);
    expect(new Set(dms).size).toBe(3);
    for (const dm of dms) expect(h.slack.history(dm), dm).toHaveLength(1);
    expect(h.slack.callsTo("conversations.history").length).toBeGreaterThan(0);
    expect(clock.sleeps).toContain(3000);
    // Ticks afterwards post nothing more.
    await h.services.scheduler.tick();
    for (const dm of dms) expect(h.slack.history(dm), dm).toHaveLength(1);
  });

  it("ephemeral answers known at once come back in the ack itself; /pairs now, in-channel replies and /pairs on without a timezone use the response_url", async () => {
    for (const [i, text] of ["help", "status", "join", "leave", "on someday 9"].entries()) {
      const ack = await sendCommand(h.base, "/pairs", text, {
        responseUrl: h.slack.responseUrl(`ack-${i}`),
        channel: "C0ACK",
      });
      expect(ack.status).toBe(200);
      const body = JSON.parse(ack.text) as Json;
      expect(body.text, text).toBeTruthy();
      expect(Array.isArray(body.blocks), text).toBe(true);
    }
    h.slack.memberships.U0ALICE = ["C0ACK"];
    h.slack.memberships.U0BOB = ["C0ACK"];
    for (const [i, text] of ["now", "on mon 09:00", "on mon 09:00 UTC", "off"].entries()) {
      await command("join", { channel: "C0ACK", user: "U0BOB" });
      await command("join", { channel: "C0ACK", user: "U0ALICE" });
      const ack = await sendCommand(h.base, "/pairs", text, {
        responseUrl: h.slack.responseUrl(`late-${i}`),
        channel: "C0ACK",
      });
      expect(ack.text, text).toBe("");
      await h.slack.waitFor((c) => c.responseId === `late-${i}`);
    }
    await h.running.idle();
    expect(h.slack.problems()).toEqual([]);
  });

  it("/pairs help and /pairs off", async () => {
    const help = await command("help");
    expect(allText(help)).toContain("/pairs on &lt;weekday&gt; &lt;HH:MM&gt; [timezone]");
    expect(allText(help)).toContain("/pairs join");
    const off = await command("off", { channel: "C0NEVER" });
    expect(allText(off)).toContain("were not on");
  });
});

describe("/pairs with the disk full", () => {
  let h: Harness;
  const disk = new FullDisk();
  const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
  let n = 0;

  beforeAll(async () => {
    h = await startHarness({ clock, store: storeOnDisk(disk, (e) => h.logger.error(e.message)) });
  });
  afterAll(async () => {
    await h.close();
  });

  async function command(text: string) {
    const id = `f${++n}`;
    const ack = await sendCommand(h.base, "/pairs", text, {
      responseUrl: h.slack.responseUrl(id),
      channel: "C0FULL",
    });
    await h.running.idle();
    // The apology travels in the ack when it is ready in time, else on the response_url.
    if (ack.text) return JSON.parse(ack.text) as Json;
    const [reply] = await h.slack.waitFor((c) => c.responseId === id);
    return reply?.args as Json;
  }

  it("a Join click on the sign-up says nothing was saved, and the round has nobody in it", async () => {
    h.slack.memberships.U0ALICE = ["C0FULL2"];
    const on = await sendCommand(h.base, "/pairs", "on monday 09:00 UTC", {
      responseUrl: h.slack.responseUrl("on2"),
      channel: "C0FULL2",
    });
    expect(on.status).toBe(200);
    const [onReply] = await h.slack.waitFor((c) => c.responseId === "on2");
    expect(allText(onReply?.args)).toContain("turned on weekly mock-interview pairs");
    clock.set("2027-01-11T09:00:30Z");
    await h.services.scheduler.tick();
    const [signUp] = h.slack.callsTo("chat.postMessage");
    const [join] = buttons(signUp);
    disk.full = true;
    await sendAction(
      h.base,
      blockActions(
        { type: "button", block_id: "b", ...join },
        { user: "U0ALICE", channel: "C0FULL2", responseUrl: h.slack.responseUrl("join2") },
      ),
    );
    await h.running.idle();
    const [reply] = h.slack.calls.filter((c) => c.responseId === "join2");
    expect(reply?.args.text).toBe(STORE_UNAVAILABLE_REPLY);
    disk.full = false;
    expect((await h.services.pairs.status("T0001", "C0FULL2")).open?.joined).toEqual([]);
  });

  it("/pairs on and /pairs join say nothing was saved, and nothing is", async () => {
    disk.full = true;
    const on = await command("on monday 09:00 UTC");
    expect(on.text).toBe(STORE_UNAVAILABLE_REPLY);
    expect(allText(on)).not.toContain("turned on");
    const join = await command("join");
    expect(join.text).toBe(STORE_UNAVAILABLE_REPLY);
    disk.full = false;
    const record = await h.services.pairs.get("T0001", "C0FULL");
    expect(record.schedule).toBeUndefined();
    expect(record.standing).toEqual([]);
  });
});
