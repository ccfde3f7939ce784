import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  blockActions,
  eventCallback,
  sendAction,
  sendCommand,
  sendEvent,
} from "../../src/dev/slack-requests.ts";
import { SlackStandIn, TEAM_ID } from "../../src/dev/slack-stand-in.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { commandReply } from "../helpers/replies.ts";
import { VirtualClock } from "../helpers/virtual-clock.ts";

type Json = Record<string, unknown>;
const allText = (args: Json | undefined) =>
  JSON.stringify(args?.blocks ?? []) + String(args?.text ?? "");
/** Every interactive element of a message or view, wherever it sits. */
function elements(args: Json | undefined): Json[] {
  const out: Json[] = [];
  for (const block of (args?.blocks ?? []) as Json[]) {
    if (block.accessory) out.push(block.accessory as Json);
    for (const e of (block.elements ?? []) as Json[]) if (e.action_id) out.push(e);
  }
  return out;
}
const idIn = (args: Json | undefined) => /id `([0-9a-f]{6})`/.exec(allText(args))?.[1] ?? "";

describe("/track over HTTP", () => {
  let h: Harness;
  let n = 0;
  const rid = () => `t${++n}`;

  beforeAll(async () => {
    // Monday 23 Nov 2026, 03:30 UTC: still Sunday the 22nd in New York.
    h = await startHarness({ clock: new VirtualClock(Date.parse("2026-11-23T03:30:00Z")) });
    h.slack.users.U0ALICE = { tz: "America/New_York", name: "alice" };
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.slack.reset();
  });

  async function command(
    name: string,
    text: string,
    opts: { user?: string; channel?: string } = {},
  ) {
    const id = rid();
    const ack = await sendCommand(h.base, name, text, {
      responseUrl: h.slack.responseUrl(id),
      ...opts,
    });
    expect(ack.status).toBe(200);
    return commandReply(h.slack, ack, id);
  }

  async function click(
    action: Json,
    opts: { user?: string; channel?: string; container?: Json } = {},
  ) {
    const id = rid();
    await sendAction(
      h.base,
      blockActions(action, {
        ...opts,
        ...(opts.container?.type === "view" ? {} : { responseUrl: h.slack.responseUrl(id) }),
      }),
    );
    await h.running.idle();
    return h.slack.calls.filter((c) => c.responseId === id).map((c) => c.args);
  }

  const pick = (value: string, blockId = "track-list:x") => ({
    type: "static_select",
    action_id: "track_stage",
    block_id: blockId,
    selected_option: { text: { type: "plain_text", text: "x" }, value },
  });

  it("adds, moves through every stage with its date, lists by stage, and removes", async () => {
    const added = await command("/track", "add Acme — ML intern https://acme.example/jobs/1");
    expect(added.response_type).toBe("ephemeral");
    const id = idIn(added);
    expect(id).toMatch(/^[0-9a-f]{6}$/);
    expect(allText(added)).toContain("Added to your tracker");
    // Dated today in Alice's timezone (Sunday in New York), not UTC's Monday.
    expect(allText(added)).toContain("applied Sun 22 Nov 2026");

    for (const stage of ["oa", "interview", "offer"]) {
      const moved = await command("/track", `${id} ${stage}`);
      expect(allText(moved)).toContain("→");
    }
    const [app] = await h.services.tracker.list(TEAM_ID, "U0ALICE");
    expect(app).toMatchObject({
      stage: "offer",
      dates: {
        applied: "2026-11-22",
        oa: "2026-11-22",
        interview: "2026-11-22",
        offer: "2026-11-22",
      },
    });
    const again = await command("/track", `${id} offer`);
    expect(allText(again)).toContain("already at *offer*");

    await command("/track", "add Beta | Data intern");
    const list = await command("/track", "");
    expect(list.response_type).toBe("ephemeral");
    const text = allText(list);
    expect(text.indexOf("*Applied*")).toBeLessThan(text.indexOf("*Offer*"));
    expect(elements(list).filter((e) => e.type === "static_select")).toHaveLength(2);

    const removed = await command("/track", `remove ${id}`);
    expect(allText(removed)).toContain("Removed");
    expect((await h.services.tracker.list(TEAM_ID, "U0ALICE")).map((a) => a.company)).toEqual([
      "Beta",
    ]);
    expect(h.slack.problems()).toEqual([]);
  });

  it.each([
    ["add Acme", "Which role at Acme?"],
    ["add Acme Corp Widgets", "Put a dash or a bar between them"],
    ["add Acme — ML intern https://nodot", "doesn't look like a web link"],
    ["abc123 hired", "is not a stage"],
    ["abc123 offer", "You have no application with id `abc123`"],
    ["remove", "Which one?"],
    ["share maybe", "`/track share on`"],
    ["dance", "I don't know `/track dance`"],
  ])(
    "/track %s: says what is wrong and how to write it; nothing is stored",
    async (text, expected) => {
      const before = await h.services.tracker.get(TEAM_ID, "U0CAROL");
      const reply = await command("/track", text, { user: "U0CAROL" });
      expect(reply.response_type).toBe("ephemeral");
      expect(allText(reply)).toContain(expected);
      expect(await h.services.tracker.get(TEAM_ID, "U0CAROL")).toEqual(before);
    },
  );

  it("exports a short pipeline as a code block in the student's DM", async () => {
    await command("/track", "add Gamma — SWE intern", { user: "U0DAN" });
    const reply = await command("/track", "export", { user: "U0DAN" });
    expect(allText(reply)).toContain("Sent you 1 application(s) as CSV in our DM");
    const [open] = h.slack.callsTo("conversations.open");
    expect(open?.args.users).toBe("U0DAN");
    const dm = h.slack.callsTo("chat.postMessage").find((c) => c.args.channel === "DU0DAN");
    expect(allText(dm?.args)).toContain("Gamma,SWE intern,,applied,,2026-11-23");
    expect(h.slack.callsTo("files.getUploadURLExternal")).toEqual([]);
  });

  it("exports a long pipeline as a CSV file shared in the DM, through Slack's external upload", async () => {
    for (let i = 0; i < 30; i++)
      await command("/track", `add Company${i} — ML intern`, { user: "U0ERIN" });
    const reply = await command("/track", "export", { user: "U0ERIN" });
    expect(allText(reply)).toContain("Sent you 30 application(s) as CSV in our DM (a file)");
    const [url] = h.slack.callsTo("files.getUploadURLExternal");
    const [complete] = h.slack.callsTo("files.completeUploadExternal");
    expect(complete?.ok).toBe(true);
    expect(complete?.args.channel_id).toBe("DU0ERIN");
    const file = h.slack.files.get(String(url?.reply?.file_id));
    expect(file?.content?.split("\r\n")).toHaveLength(32);
    expect(file?.content).toContain("Company29,ML intern,,applied");
    expect(Buffer.byteLength(file?.content ?? "")).toBe(Number(url?.args.length));
  });

  it("says so, with Slack's error, when the export cannot be sent", async () => {
    await command("/track", "add Delta — intern", { user: "U0FAY" });
    h.slack.stub("conversations.open", () => ({ body: { ok: false, error: "cannot_dm_bot" } }));
    const reply = await command("/track", "export", { user: "U0FAY" });
    expect(allText(reply)).toContain("I couldn't send you the export (`cannot_dm_bot`)");
  });

  it("says so when Slack refuses to share the uploaded file", async () => {
    for (let i = 0; i < 26; i++)
      await command("/track", `add Firm${i} — ML intern`, { user: "U0FIONA" });
    h.slack.stub("files.completeUploadExternal", () => ({
      body: { ok: false, error: "channel_not_found" },
    }));
    const reply = await command("/track", "export", { user: "U0FIONA" });
    expect(allText(reply)).toContain("I couldn't send you the export (`channel_not_found`)");
    expect(await h.services.tracker.list(TEAM_ID, "U0FIONA")).toHaveLength(26);
  });

  it("I applied on a /deadlines list post: the first click adds it, the second says it is already there", async () => {
    await command("/deadlines", "add 2026-12-15 Acme ML intern https://acme.example/apply", {
      channel: "C0GROUP",
    });
    const list = await command("/deadlines", "list", { channel: "C0GROUP" });
    const applied = elements(list).find((e) => e.action_id === "track_applied");
    expect(applied).toBeDefined();
    const first = await click(applied as Json, { user: "U0GUS" });
    expect(allText(first[0])).toContain("Added to your tracker at *applied*");
    expect(first[0]?.response_type).toBe("ephemeral");
    const second = await click(applied as Json, { user: "U0GUS" });
    expect(allText(second[0])).toContain("is already in your tracker, at *applied*");
    const mine = await h.services.tracker.list(TEAM_ID, "U0GUS");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      company: "Acme",
      role: "ML intern",
      url: "https://acme.example/apply",
    });

    // Save for later by someone else, then Home shows its deadline under saved ones.
    const save = elements(list).find((e) => e.action_id === "track_save");
    await click(save as Json, { user: "U0HAL" });
    await sendEvent(h.base, eventCallback({ type: "app_home_opened", user: "U0HAL", tab: "home" }));
    const [home] = await h.slack.waitFor((c) => c.method === "views.publish");
    expect(JSON.stringify(home?.args.view)).toContain("Saved, with deadlines coming up");
  });

  it("another student can neither see nor change someone's applications, whatever the action values say", async () => {
    const added = await command("/track", "add Secret Co — Quant intern", { user: "U0IVY" });
    const id = idIn(added);
    const theirs = await command("/track", "", { user: "U0JOE" });
    expect(allText(theirs)).not.toContain("Secret Co");
    expect(allText(await command("/track", `${id} offer`, { user: "U0JOE" }))).toContain(
      "You have no application with id",
    );
    expect(allText(await command("/track", `remove ${id}`, { user: "U0JOE" }))).toContain(
      "You have no application with id",
    );

    // Forged picker values: another's id, a made-up stage, junk; a deadline button from elsewhere.
    for (const value of [`${id}:offer`, `${id}:hired`, "junk", `${id}:offer:x`]) {
      const replies = await click(pick(value), { user: "U0JOE" });
      expect(allText(replies[0])).toContain("That isn't one of your applications");
    }
    const forged = await click(
      { type: "button", action_id: "track_applied", value: "C0OTHER:abcdef" },
      { user: "U0JOE", channel: "C0GROUP" },
    );
    expect(allText(forged[0])).toContain("doesn't match a deadline in this channel");
    expect(await h.services.tracker.list(TEAM_ID, "U0JOE")).toEqual([]);
    expect((await h.services.tracker.list(TEAM_ID, "U0IVY"))[0]?.stage).toBe("applied");

    // Her own picker works, and redraws her list.
    const own = await click(pick(`${id}:interview`), { user: "U0IVY" });
    expect(own[0]?.replace_original).toBe(true);
    expect(allText(own[0])).toContain("*Interview*");
    expect((await h.services.tracker.list(TEAM_ID, "U0IVY"))[0]?.stage).toBe("interview");
  });

  it("Home shows the pipeline, and a pick there moves the application and redraws Home", async () => {
    const id = idIn(await command("/track", "add Kappa — ML intern", { user: "U0KIM" }));
    await command("/track", "add Lambda — SWE intern", { user: "U0KIM" });
    await sendEvent(h.base, eventCallback({ type: "app_home_opened", user: "U0KIM", tab: "home" }));
    const [home] = await h.slack.waitFor((c) => c.method === "views.publish");
    const view = JSON.stringify(home?.args.view);
    expect(view).toContain("Your applications");
    expect(view).toContain("Applied *2*");
    expect(home?.problems).toEqual([]);
    h.slack.reset();
    await click(pick(`${id}:oa`, `track-home:${id}`), {
      user: "U0KIM",
      container: { type: "view", view_id: "V1" },
    });
    const [redrawn] = await h.slack.waitFor((c) => c.method === "views.publish");
    expect(JSON.stringify(redrawn?.args.view)).toContain("Online assessment *1*");
  });

  it("the weekly nudge counts the group's week, naming only those who chose to share", async () => {
    const team = h.services.tracker;
    const before = await team.momentum(TEAM_ID);
    const a = await team.add(TEAM_ID, "U0MO", { company: "Quiet Corp", role: "intern" }, "UTC");
    const b = await team.add(TEAM_ID, "U0NED", { company: "Loud Inc", role: "intern" }, "UTC");
    if (!a.ok || !b.ok) throw new Error("not added");
    await command("/track", `${a.application.id} offer`, { user: "U0MO" });
    await command("/track", `${b.application.id} offer`, { user: "U0NED" });
    await command("/track", "share on", { user: "U0NED" });
    await sendCommand(h.base, "/nudges", "now", {
      responseUrl: h.slack.responseUrl(rid()),
      channel: "C0NUDGE",
    });
    const [post] = await h.slack.waitFor(
      (c) => c.method === "chat.postMessage" && c.args.channel === "C0NUDGE",
    );
    const text = allText(post?.args);
    // Exactly two more sent and two more offers than before these two students' week.
    const line =
      /The group's week: (\d+) applications? sent, (\d+) interviews?, (\d+) offers?\./.exec(text);
    expect(line?.slice(1).map(Number)).toEqual([
      before.sent + 2,
      before.interviews,
      before.offers + 2,
    ]);
    expect(text).toContain(":tada: <@U0NED> got an offer at Loud Inc!");
    expect(text).not.toContain("Quiet Corp");
    expect(text).not.toContain("U0MO");
  });
});

describe("/track follow-ups and restarts", () => {
  let dir: string;
  let slack: SlackStandIn;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "track-"));
    slack = await SlackStandIn.start();
  });
  afterAll(async () => {
    await slack.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("progress survives a restart on the same SQLite file, and the 21-day DM goes out once and works", async () => {
    const storeUrl = `sqlite://${path.join(dir, "track.sqlite")}`;
    const clock = new VirtualClock(Date.parse("2026-11-02T15:00:00Z"));
    let h = await startHarness({ storeUrl, slack, clock });
    let said = 0;
    const say = async (text: string) => {
      const id = `s${++said}`;
      const ack = await sendCommand(h.base, "/track", text, { responseUrl: slack.responseUrl(id) });
      return commandReply(slack, ack, id);
    };
    const id = idIn(await say("add Acme — ML intern"));
    const other = idIn(await say("add Beta — SWE intern"));
    await say(`${other} interview`);
    await h.stopApp();

    h = await startHarness({ storeUrl, slack, clock });
    const list = await say("");
    expect(allText(list)).toContain("Acme");
    expect(allText(list)).toContain("*Interview*");

    // Three weeks later, on the every-minute tick: one DM about Acme, none about Beta.
    clock.set("2026-11-23T15:00:00Z");
    slack.reset();
    expect(await h.services.followUps.tick(new Date(clock.now()))).toEqual({ sent: 1, failed: 0 });
    const [dm] = slack.callsTo("chat.postMessage");
    expect(dm?.args.channel).toBe("U0ALICE");
    expect(allText(dm?.args)).toContain("Heard back from *Acme*?");
    expect(dm?.problems).toEqual([]);
    // A restart and later ticks do not send it again.
    await h.stopApp();
    h = await startHarness({ storeUrl, slack, clock });
    clock.advance(60 * 60_000);
    expect(await h.services.followUps.tick(new Date(clock.now()))).toEqual({ sent: 0, failed: 0 });

    // Clicking Interview in the DM moves it and rewrites the DM.
    const button = elements(dm?.args).find((e) => e.value === `${id}:interview`);
    await sendAction(
      h.base,
      blockActions(button as Json, {
        channel: "DU0ALICE",
        responseUrl: slack.responseUrl("dm-click"),
      }),
    );
    const [rewritten] = await slack.waitFor((c) => c.responseId === "dm-click");
    expect(rewritten?.args.replace_original).toBe(true);
    expect(allText(rewritten?.args)).toContain("applied → *interview*");
    expect((await h.services.tracker.list(TEAM_ID, "U0ALICE")).map((a) => a.stage)).toEqual([
      "interview",
      "interview",
    ]);
    await h.stopApp();
  });
});
