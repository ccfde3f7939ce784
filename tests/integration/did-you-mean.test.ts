import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  blockActions,
  eventCallback,
  sendAction,
  sendCommand,
  sendEvent,
} from "../../src/dev/slack-requests.ts";
import { BOT_USER_ID, SlackStandIn, TEAM_ID } from "../../src/dev/slack-stand-in.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { commandReply } from "../helpers/replies.ts";

type Json = Record<string, unknown>;
type Element = Json & { action_id?: string; value?: string; text?: { text: string } };
type Block = Json & { type: string; block_id?: string; elements?: Element[] };
const blocksOf = (args: Json | undefined) => (args?.blocks ?? []) as Block[];
const buttonsOf = (args: Json | undefined) => blocksOf(args).flatMap((b) => b.elements ?? []);
const allText = (args: Json | undefined) =>
  JSON.stringify(args?.blocks ?? []) + String(args?.text ?? "");

const FIXTURE_KB = path.resolve(import.meta.dirname, "../fixtures/kb");
/** A near miss: it shares "train" with the fixture's model-training entry but is not about it. */
/** Vague: close to an entry, not close enough to answer with it. */
const UNSURE = "how do i start training algos";
const ORGANIZER = "U0ORG";
const ADMIN = "U0ADMIN";

describe("Did you mean…? and learned phrasings, over HTTP", () => {
  let dir: string;
  let slack: SlackStandIn;
  let h: Harness;
  let n = 0;
  const rid = () => `r${++n}`;
  const storeUrl = () => `sqlite://${path.join(dir, "store.sqlite")}`;
  const start = () =>
    startHarness({ slack, storeUrl: storeUrl(), kbDirs: [FIXTURE_KB], organizerIds: [ORGANIZER] });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "did-you-mean-"));
    slack = await SlackStandIn.start();
    slack.users[ADMIN] = { name: "admin", isAdmin: true };
    h = await start();
  });
  afterAll(async () => {
    await h.close();
    await slack.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    slack.reset();
  });
  afterEach(() => {
    // Nothing the app sent would be rejected by Slack (Block Kit limits, text fallbacks).
    expect(slack.problems()).toEqual([]);
  });

  const dm = async (text: string, ts: string, user = "U0ALICE") => {
    await sendEvent(
      h.base,
      eventCallback({ type: "message", channel_type: "im", channel: `D${user}`, user, text, ts }),
    );
    const [post] = await slack.waitFor((c) => c.method === "chat.postMessage");
    return post?.args as Json;
  };

  async function command(text: string, user = "U0ALICE") {
    const id = rid();
    const ack = await sendCommand(h.base, "/prep", text, {
      responseUrl: slack.responseUrl(id),
      user,
    });
    return commandReply(slack, ack, id);
  }

  /** Clicks a button; resolves once the app has finished handling the click. */
  async function click(
    element: Element,
    opts: Parameters<typeof blockActions>[1] & { user?: string },
  ): Promise<string> {
    const id = rid();
    await sendAction(
      h.base,
      blockActions(
        { type: "button", action_id: element.action_id, value: element.value },
        { responseUrl: slack.responseUrl(id), ...opts },
      ),
    );
    await h.running.idle();
    return id;
  }
  const responded = (id: string) => slack.calls.filter((c) => c.responseId === id);

  // First, while nothing is learned yet: "train" and "dog" are in the phrasing learned below.
  it("a question nothing comes near gets a plain I-don't-know, not unrelated buttons", async () => {
    const reply = await dm("how do I train my dog to sit", "9.1");
    expect(buttonsOf(reply).filter((b) => b.action_id?.startsWith("answer_pick:"))).toEqual([]);
    expect(JSON.stringify(reply)).toContain("I don't know that one yet");
  });

  it("a mention it is unsure about offers suggestions in the thread, and a pick answers there", async () => {
    await sendEvent(
      h.base,
      eventCallback({
        type: "app_mention",
        channel: "C0GROUP",
        user: "U0BOB",
        text: `<@${BOT_USER_ID}> when should i start training algos`,
        ts: "13.1",
      }),
    );
    const [post] = await slack.waitFor((c) => c.method === "chat.postMessage");
    expect(post?.args.thread_ts).toBe("13.1");
    const [pick] = buttonsOf(post?.args).filter((b) => b.action_id?.startsWith("answer_pick:"));
    slack.reset();
    await click(pick as Element, {
      user: "U0BOB",
      channel: "C0GROUP",
      message: { ts: "13.2", thread_ts: "13.1", text: "…", blocks: post?.args.blocks },
      container: { type: "message", message_ts: "13.2", channel_id: "C0GROUP" },
    });
    const [shown] = slack.callsTo("chat.postMessage");
    expect(shown?.args.thread_ts).toBe("13.1");
    expect(shown?.args.channel).toBe("C0GROUP");
  });

  it("a DM it is unsure about gets up to three Did-you-mean buttons; a click shows the entry and learns the question; an organizer confirms; the same question is then answered", async () => {
    const unsure = await dm(UNSURE, "10.1");
    expect(allText(unsure)).toContain("not sure");
    const picks = buttonsOf(unsure).filter((b) => b.action_id?.startsWith("answer_pick:"));
    expect(picks.length).toBeGreaterThan(0);
    expect(picks.length).toBeLessThanOrEqual(3);
    const training = picks.find((b) => b.text?.text === "How do I train my first model?");
    expect(training).toBeDefined();
    expect(await h.services.gaps.top(TEAM_ID, 10)).toContainEqual(
      expect.objectContaining({ question: UNSURE }),
    );

    // Alice clicks it (twice, quickly): the entry is posted in her DM once.
    slack.reset();
    const from = {
      channel: "DU0ALICE",
      message: { ts: "10.2", text: String(unsure.text), blocks: unsure.blocks },
      container: { type: "message", message_ts: "10.2", channel_id: "DU0ALICE" },
    };
    await click(training as Element, from);
    await click(training as Element, from);
    const shown = slack.callsTo("chat.postMessage");
    expect(shown).toHaveLength(1);
    expect(shown[0]?.args.channel).toBe("DU0ALICE");
    expect(allText(shown[0]?.args)).toContain("fit a simple baseline");
    expect(allText(shown[0]?.args)).toContain("I'll remember");
    const pending = (await h.services.learned.pending(TEAM_ID)).find((p) => p.phrasing === UNSURE);
    expect(pending).toMatchObject({ entryId: "model-training", pickedBy: ["U0ALICE"] });

    // Not confirmed yet: still unsure.
    slack.reset();
    expect(allText(await dm(UNSURE, "10.3"))).toContain("not sure");

    // The organizer reviews and confirms.
    const review = await command("learned", ORGANIZER);
    expect(allText(review)).toContain(UNSURE);
    const confirm = buttonsOf(review).find(
      (b) => b.action_id === "learned_confirm" && b.value?.includes(pending?.id ?? "?"),
    );
    const id = await click(confirm as Element, { user: ORGANIZER });
    const [after] = responded(id);
    expect(after?.args.replace_original).toBe(true);
    expect(allText(after?.args)).toContain(`Confirmed: “${UNSURE}”`);
    expect((await h.services.learned.get(TEAM_ID, pending?.id ?? ""))?.status).toBe("confirmed");

    // At once: the same question is answered with that entry, 👍/👎 and all.
    slack.reset();
    const answered = await dm(UNSURE, "10.4");
    expect(allText(answered)).not.toContain("not sure");
    expect(String(answered.text)).toMatch(/^How do I train my first model\?/);
    expect(buttonsOf(answered).map((b) => b.action_id)).toContain("feedback_not_helpful");
  });

  it("confirmed phrasings survive a restart", async () => {
    await h.stopApp();
    h = await start();
    slack.reset();
    const answered = await dm(UNSURE, "11.1");
    expect(String(answered.text)).toMatch(/^How do I train my first model\?/);
  });

  it("/prep offers the suggestions ephemerally; a click answers ephemerally and records the question", async () => {
    const question = "should my hamster apply to the circus";
    const reply = await command(question);
    expect(reply.response_type).toBe("ephemeral");
    const [pick] = buttonsOf(reply).filter((b) => b.action_id?.startsWith("answer_pick:"));
    expect(pick?.text?.text).toBe("How early should I apply for internships?");
    const id = await click(pick as Element, {
      container: { type: "message", message_ts: "12.1", channel_id: "C0GROUP", is_ephemeral: true },
    });
    const [shown] = responded(id);
    expect(shown?.args.response_type).toBe("ephemeral");
    expect(shown?.args.replace_original).toBe(false);
    expect(allText(shown?.args)).toContain("six to eight months");
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);
    expect((await h.services.learned.pending(TEAM_ID)).map((p) => p.phrasing)).toContain(question);
  });

  it("refuses a forged suggestion: an unknown entry id or a malformed value records nothing", async () => {
    const before = await h.services.learned.pending(TEAM_ID);
    for (const value of [
      JSON.stringify({ e: "no-such-entry", q: "sneaky" }),
      JSON.stringify({ e: "star-story", q: "a practice prompt is not an answer" }),
      JSON.stringify({ e: "apply-early", q: "x".repeat(201) }),
      "apply-early",
      "{not json",
    ]) {
      const id = await click({ action_id: "answer_pick:0", value }, {});
      expect(allText(responded(id)[0]?.args)).toContain("can't find what that button pointed to");
    }
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);
    expect(await h.services.learned.pending(TEAM_ID)).toEqual(before);

    // Review buttons with values we did not make, even from an organizer, change nothing.
    for (const [action_id, value] of [
      ["learned_confirm", JSON.stringify({ id: "not-an-id", p: 0 })],
      ["learned_reject", "{"],
      ["learned_page:next", JSON.stringify({ p: "x" })],
    ]) {
      const id = await click({ action_id, value }, { user: ORGANIZER });
      expect(allText(responded(id)[0]?.args)).toContain("can't find what that button pointed to");
    }
    expect(await h.services.learned.pending(TEAM_ID)).toEqual(before);
  });

  it("keeps /prep gaps and /prep learned to organizers, and refuses a forged review click", async () => {
    for (const text of ["gaps", "learned"]) {
      const reply = await command(text, "U0ALICE");
      expect(allText(reply)).toContain("only for the group's organizers");
      expect(allText(reply)).not.toContain(UNSURE);
    }
    const [pending] = await h.services.learned.pending(TEAM_ID);
    expect(pending).toBeDefined();
    const id = await click(
      { action_id: "learned_confirm", value: JSON.stringify({ id: pending?.id, p: 0 }) },
      { user: "U0ALICE" },
    );
    expect(allText(responded(id)[0]?.args)).toContain("only for the group's organizers");
    expect((await h.services.learned.get(TEAM_ID, pending?.id ?? ""))?.status).toBe("pending");
  });

  it("when Slack cannot say whether someone is an admin, apologizes and shows nothing", async () => {
    slack.stub("users.info", () => ({ body: { ok: false, error: "user_not_found" } }));
    const reply = await command("gaps", "U0SOMEONE");
    expect(allText(reply)).toContain("something went wrong");
    expect(allText(reply)).not.toContain(UNSURE);
  });

  it("workspace admins are organizers (users.info, cached briefly); rejecting drops a phrasing", async () => {
    const review = await command("learned", ADMIN);
    expect(allText(review)).toContain("Learned phrasings to review");
    const reject = buttonsOf(review).find((b) => b.action_id === "learned_reject");
    const id = await click(reject as Element, { user: ADMIN });
    expect(allText(responded(id)[0]?.args)).toContain("Rejected");
    expect(slack.callsTo("users.info")).toHaveLength(1);
    // The same click again: already reviewed, nothing else changes.
    const again = await click(reject as Element, { user: ADMIN });
    expect(allText(responded(again)[0]?.args)).toContain("already reviewed");
  });

  it("shows organizers each 👎 with the question that got it, beside the unanswered questions", async () => {
    const answer = await dm("how early should I apply", "14.1");
    const down = buttonsOf(answer).find((b) => b.action_id === "feedback_not_helpful");
    await click(down as Element, {
      channel: "DU0ALICE",
      message: { ts: "14.2", text: String(answer.text), blocks: answer.blocks },
      container: { type: "message", message_ts: "14.2", channel_id: "DU0ALICE" },
    });
    const gaps = await command("gaps", ORGANIZER);
    const text = allText(gaps);
    expect(text).toContain("Answers marked 👎");
    expect(text).toContain(
      "“how early should I apply” → *How early should I apply for internships?* — 👎 *1×*",
    );
    expect(text).toContain(UNSURE);
  });
});
