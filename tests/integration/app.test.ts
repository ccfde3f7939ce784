import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { messageProblems } from "../../src/dev/block-kit.ts";
import {
  blockActions,
  eventCallback,
  send,
  sendAction,
  sendCommand,
  sendEvent,
} from "../../src/dev/slack-requests.ts";
import { BOT_ID, BOT_USER_ID } from "../../src/dev/slack-stand-in.ts";
import { ACK_DEADLINE_MS } from "../../src/listeners/commands/index.ts";
import { displayText } from "../../src/services/knowledge-base/knowledge-base.ts";
import type { Entry } from "../../src/services/knowledge-base/schema.ts";
import { openStore, type Store } from "../../src/services/storage/store.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { ManualTimers } from "../helpers/manual-timers.ts";
import { commandReply } from "../helpers/replies.ts";

type Json = Record<string, unknown>;
type Block = Json & { type: string; block_id?: string; elements?: Json[]; text?: { text: string } };
const blocksOf = (args: Json) => (args.blocks ?? []) as Block[];
const allText = (args: Json) => JSON.stringify(args.blocks ?? []) + String(args.text ?? "");

describe("the Slack app over HTTP", () => {
  let h: Harness;
  let n = 0;
  const rid = () => `r${++n}`;

  beforeAll(async () => {
    h = await startHarness({ organizerIds: ["U0ORGANIZER"] });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.slack.reset();
  });

  /** Alice DMs the bot. */
  const dm = (text: string, ts: string) =>
    sendEvent(
      h.base,
      eventCallback({
        type: "message",
        channel_type: "im",
        channel: "D0ALICE",
        user: "U0ALICE",
        text,
        ts,
      }),
    );

  /** Sends a slash command and returns the ack and the reply (in the ack, or to its response_url). */
  async function command(name: string, text: string, user = "U0ALICE") {
    const id = rid();
    const ack = await sendCommand(h.base, name, text, {
      responseUrl: h.slack.responseUrl(id),
      user,
    });
    return { ack, reply: await commandReply(h.slack, ack, id), id };
  }

  it("answers GET /healthz with 200 once ready", async () => {
    const res = await fetch(`${h.base}/healthz`);
    expect(res.status).toBe(200);
  });

  it("rejects a bad signature and a stale timestamp with 401", async () => {
    const body = eventCallback({ type: "app_home_opened", user: "U0ALICE", tab: "home" });
    expect((await sendEvent(h.base, body, { secret: "f".repeat(32) })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    expect((await sendEvent(h.base, body, { timestamp: stale })).status).toBe(401);
    expect(h.slack.callsTo("views.publish")).toHaveLength(0);
  });

  it("/skills lists the roles", async () => {
    const { ack, reply } = await command("/skills", "");
    expect(ack.status).toBe(200);
    expect(reply.response_type).toBe("ephemeral");
    expect(allText(reply)).toContain("Machine learning intern");
    expect(allText(reply)).toContain("Computer vision platform engineer");
  });

  it.each([["ml"], ["machine learning"], ["ML Intern"]])(
    "/skills %s opens the ML intern checklist in groups of at most 10",
    async (text) => {
      const { reply } = await command("/skills", text);
      const groups = blocksOf(reply).filter(
        (b) => b.type === "actions" && b.block_id?.startsWith("skills:ml-intern:"),
      );
      expect(groups.length).toBe(2);
      const options = groups.flatMap((g) => (g.elements?.[0]?.options as Json[]) ?? []);
      expect(options.length).toBe(12);
      expect(allText(reply)).toContain("0 of 12 done");
    },
  );

  it("/skills with an unknown role replies with the roles it knows", async () => {
    const { reply } = await command("/skills", "underwater basket weaving");
    expect(allText(reply)).toContain("I don't have a checklist for");
    expect(allText(reply)).toContain("Data science intern");
  });

  it("ticking items is saved per user and shown ticked next time, in /skills and App Home", async () => {
    const id = rid();
    await sendAction(
      h.base,
      blockActions(
        {
          type: "checkboxes",
          action_id: "skills_tick:0",
          block_id: "skills:ml-intern:0",
          selected_options: [{ value: "python" }, { value: "git" }],
        },
        { responseUrl: h.slack.responseUrl(id), user: "U0BOB" },
      ),
    );
    const [redraw] = await h.slack.waitFor((c) => c.responseId === id);
    expect(redraw?.args.replace_original).toBe(true);
    expect(allText(redraw?.args as Json)).toContain("2 of 12 done");

    const { reply } = await command("/skills", "ml", "U0BOB");
    const first = blocksOf(reply).find((b) => b.block_id === "skills:ml-intern:0");
    const initial = ((first?.elements?.[0]?.initial_options ?? []) as Json[]).map((o) => o.value);
    expect(initial.sort()).toEqual(["git", "python"]);

    const other = await command("/skills", "ml", "U0CAROL");
    expect(allText(other.reply)).toContain("0 of 12 done");

    await sendEvent(
      h.base,
      eventCallback({ type: "app_home_opened", user: "U0BOB", channel: "D0BOB", tab: "home" }),
    );
    const [home] = await h.slack.waitFor((c) => c.method === "views.publish");
    expect(home?.args.user_id).toBe("U0BOB");
    expect(JSON.stringify(home?.args.view)).toContain("2 of 12 done");
  });

  it("/prep lists topics, /prep <topic> gives tips with a share button, and sharing posts in the channel", async () => {
    const list = await command("/prep", "");
    expect(allText(list.reply)).toContain("Behavioral interviews");

    const topic = await command("/prep", "behavioral");
    expect(topic.reply.response_type).toBe("ephemeral");
    expect(allText(topic.reply)).toContain("STAR");
    const share = blocksOf(topic.reply)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === "share");
    expect(share?.value).toBe("behavioral-interviews");

    const id = rid();
    await sendAction(
      h.base,
      blockActions(
        { type: "button", action_id: "share", value: "behavioral-interviews" },
        { responseUrl: h.slack.responseUrl(id) },
      ),
    );
    const [shared] = await h.slack.waitFor((c) => c.responseId === id);
    expect(shared?.args.response_type).toBe("in_channel");
    expect(allText(shared?.args as Json)).toContain("Shared by <@U0ALICE>");
  });

  it("/prep <question> searches; nothing good enough says so, and /prep gaps shows it to organizers", async () => {
    const found = await command("/prep", "how early should I apply");
    expect(allText(found.reply)).toContain("How early should I start applying");

    // Words the knowledge base has nothing near: no suggestions either.
    const missing = await command("/prep", "qwxz blorft zzyzx");
    expect(allText(missing.reply)).toContain("I don't know that one yet");
    await command("/prep", "Qwxz blorft zzyzx?");

    const gaps = await command("/prep", "gaps", "U0ORGANIZER");
    expect(allText(gaps.reply)).toMatch(/qwxz blorft zzyzx\?? — asked \*2×\*/i);
  });

  it("sends a question's results in the ack as JSON with every character intact", async () => {
    const question = 'how early — “really” — should I apply? 🙂 \\ "quoted"';
    const { ack, reply } = await command("/prep", question);
    expect(ack.contentType).toBe("application/json");
    // Written in ASCII (the rest as \u escapes), read back as what was typed and what the entries say.
    expect(ack.text).toMatch(/^[\x20-\x7e]*$/);
    expect(blocksOf(reply)[0]?.elements?.[0]?.text).toBe(`Results for “${question}”`);
    const entry = h.services.kb.get("apply-how-early") as Entry;
    const shown = blocksOf(reply).map((b) => b.text?.text);
    expect(shown).toContain(`*${entry.title}*\n${displayText(entry)}`);
    expect(messageProblems(reply)).toEqual([]);
  });

  it("escapes what a user typed, exactly once", async () => {
    const { reply } = await command("/prep", "<!channel> & <@U123> zzqx");
    // What Slack shows: every text but button values, which carry the question unescaped.
    const text =
      JSON.stringify(reply.blocks, (key, value) => (key === "value" ? undefined : value)) +
      String(reply.text);
    expect(text).toContain("&lt;!channel&gt; &amp; &lt;@U123&gt;");
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("&amp;lt;");
  });

  it("answers a DM with the best entry, related entries and feedback buttons, and stores votes", async () => {
    await dm("how early should I apply?", "1.1");
    const [post] = await h.slack.waitFor((c) => c.method === "chat.postMessage");
    expect(post?.args.channel).toBe("D0ALICE");
    expect(allText(post?.args as Json)).toContain("How early should I start applying");
    const buttons = blocksOf(post?.args as Json).flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => b.action_id)).toEqual(
      expect.arrayContaining(["feedback_helpful", "feedback_not_helpful"]),
    );

    await sendAction(
      h.base,
      blockActions(
        {
          type: "button",
          action_id: "feedback_helpful",
          value: "apply-how-early",
          block_id: "feedback:apply-how-early:0",
        },
        {
          channel: "D0ALICE",
          message: { ts: "1.2", text: "answer", blocks: post?.args.blocks },
          container: { type: "message", message_ts: "1.2", channel_id: "D0ALICE" },
          responseUrl: h.slack.responseUrl(rid()),
        },
      ),
    );
    const [update] = await h.slack.waitFor((c) => c.method === "chat.update");
    expect(allText(update?.args as Json)).toContain("glad it helped");
    expect(await h.services.feedback.counts("apply-how-early")).toEqual({
      helpful: 1,
      notHelpful: 0,
    });
  });

  it("says it doesn't know instead of guessing, and keeps the question", async () => {
    await dm("what's the weather tomorrow?", "1.3");
    const [post] = await h.slack.waitFor((c) => c.method === "chat.postMessage");
    // Not an answer: "not sure" with suggestions, or "I don't know" when nothing is near.
    expect(allText(post?.args as Json)).toMatch(
      /I'm not sure I know that one|I don't know that one yet/,
    );
    expect(blocksOf(post?.args as Json).some((b) => b.block_id?.startsWith("feedback:"))).toBe(
      false,
    );
    expect((await h.services.gaps.top("T0001", 50)).map((g) => g.question)).toContain(
      "what's the weather tomorrow?",
    );
  });

  it("answers a mention in a thread", async () => {
    await sendEvent(
      h.base,
      eventCallback({
        type: "app_mention",
        channel: "C0GROUP",
        user: "U0ALICE",
        text: `<@${BOT_USER_ID}> what is data leakage?`,
        ts: "2.1",
      }),
    );
    const [post] = await h.slack.waitFor((c) => c.method === "chat.postMessage");
    expect(post?.args.thread_ts).toBe("2.1");
    expect(allText(post?.args as Json)).toContain("leakage");
  });

  it("answers an event delivered again (same event_id, X-Slack-Retry-Num) once", async () => {
    const body = eventCallback(
      {
        type: "message",
        channel_type: "im",
        channel: "D0ALICE",
        user: "U0ALICE",
        text: "resume tips",
        ts: "3.1",
      },
      "EvRETRY1",
    );
    expect((await sendEvent(h.base, body)).status).toBe(200);
    await h.slack.waitFor((c) => c.method === "chat.postMessage");
    const retry = await sendEvent(h.base, body, {
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    });
    expect(retry.status).toBe(200);
    await h.running.idle();
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("ignores its own messages, other bots, edits and deletions", async () => {
    const dm = { type: "message", channel_type: "im", channel: "D0ALICE", ts: "4.1" };
    await sendEvent(h.base, eventCallback({ ...dm, user: BOT_USER_ID, text: "resume tips" }));
    await sendEvent(h.base, eventCallback({ ...dm, bot_id: "B0OTHER", text: "resume tips" }));
    await sendEvent(
      h.base,
      eventCallback({ ...dm, subtype: "message_changed", message: { text: "resume tips" } }),
    );
    await sendEvent(h.base, eventCallback({ ...dm, subtype: "message_deleted" }));
    await sendEvent(
      h.base,
      eventCallback({ ...dm, subtype: "bot_message", bot_id: BOT_ID, text: "resume tips" }),
    );
    await sendEvent(h.base, eventCallback({ ...dm, user: "U0ALICE", text: "kaggle", ts: "4.2" }));
    await h.running.idle();
    const posts = h.slack.callsTo("chat.postMessage");
    expect(posts).toHaveLength(1);
    expect(allText(posts[0]?.args as Json)).toContain("Kaggle");
  });

  it("apologizes when a handler fails, and keeps running", async () => {
    h.slack.stub("views.publish", () => ({
      status: 500,
      body: { ok: false, error: "internal_error" },
    }));
    h.slack.stub("chat.postMessage", () => ({ body: { ok: false, error: "fatal_error" } }));
    await dm("resume tips", "5.1");
    const posts = await h.slack.waitFor((c) => c.method === "chat.postMessage", 2);
    expect(String(posts[1]?.args.text)).toContain("Sorry, something went wrong");
    expect(h.logger.lines.some((l) => l.startsWith("error answering a DM failed"))).toBe(true);
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
  });

  it("sends nothing Slack would reject", async () => {
    await command("/skills", "");
    for (const role of h.services.kb.roles) await command("/skills", role.aliases[0] as string);
    for (const topic of h.services.kb.topics) await command("/prep", topic.title);
    await command("/prep", "help");
    await command("/skills", "help");
    await sendEvent(
      h.base,
      eventCallback({ type: "app_home_opened", user: "U0ALICE", channel: "D0ALICE", tab: "home" }),
    );
    await h.slack.waitFor((c) => c.method === "views.publish");
    expect(h.slack.problems()).toEqual([]);
  });

  it("answers /skills and /prep in the ack itself (ephemeral, with a text fallback), not through the response_url", async () => {
    for (const [name, text] of [
      ["/skills", ""],
      ["/skills", "ml"],
      ["/prep", "behavioral"],
      ["/prep", "how early should I apply for a summer ML internship"],
    ] as const) {
      const { ack, id } = await command(name, text);
      expect(ack.status).toBe(200);
      expect(ack.text).not.toBe("");
      // Slack reads the reply as a message only if it is labelled JSON.
      expect(ack.contentType).toBe("application/json");
      const reply = JSON.parse(ack.text) as Json;
      expect(reply.response_type).toBe("ephemeral");
      expect(String(reply.text).length).toBeGreaterThan(0);
      expect(blocksOf(reply).length).toBeGreaterThan(0);
      await h.running.idle();
      expect(h.slack.calls.filter((c) => c.responseId === id)).toEqual([]);
    }
  });

  it("posts an in-channel reply through the response_url after an empty ack (Slack would echo the command otherwise)", async () => {
    const { ack, reply } = await command("/deadlines", "add 2026-12-15 Ack Corp ML intern");
    expect(ack.text).toBe("");
    expect(reply.response_type).toBe("in_channel");
    expect(allText(reply)).toContain("Ack Corp ML intern");
  });
});

describe("a command whose reply is not ready in time", () => {
  it("is acknowledged empty at the deadline, and its reply follows through the response_url", async () => {
    const timers = new ManualTimers();
    const memory = await openStore("memory://", () => {});
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The checklist progress read hangs (a slow disk, a distant Redis) until released.
    const store: Store = {
      ...memory,
      healthy: () => memory.healthy(),
      close: () => memory.close(),
      collection: (name, schema) => {
        const real = memory.collection(name, schema);
        if (name !== "progress") return real;
        return { ...real, get: async (key) => held.then(() => real.get(key)) };
      },
    };
    const h = await startHarness({ store, timers });
    try {
      const sent = sendCommand(h.base, "/skills", "", { responseUrl: h.slack.responseUrl("slow") });
      await vi.waitFor(() => expect(timers.pending).toBe(1));
      timers.advance(ACK_DEADLINE_MS);
      const ack = await sent;
      expect(ack.status).toBe(200);
      expect(ack.text).toBe("");
      release();
      const [reply] = await h.slack.waitFor((c) => c.responseId === "slow");
      expect(reply?.args.response_type).toBe("ephemeral");
      expect(allText(reply?.args as Json)).toContain("Machine learning intern");
      await h.running.idle();
      expect(h.slack.callsTo("response_url")).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});

describe("a request Slack never sent", () => {
  it("is refused without a signature", async () => {
    const h = await startHarness();
    try {
      const res = await fetch(`${h.base}/slack/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(res.status).toBe(401);
      const other = await send(h.base, "{}", "application/json", { secret: "wrong".repeat(8) });
      expect(other.status).toBe(401);
    } finally {
      await h.close();
    }
  });
});
