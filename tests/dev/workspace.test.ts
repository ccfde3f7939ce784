import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGNING_SECRET } from "../../src/dev/slack-requests.ts";
import { dmOf, LOCAL_USERS, STUDY_CHANNEL, Workspace } from "../../src/dev/workspace.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";

/** The playground's workspace (what `npm run local` shows) over the real app. */
describe("the playground workspace", () => {
  let h: Harness;
  let ws: Workspace;
  const user = LOCAL_USERS[0]?.id ?? "";
  const botSays = () => ws.messages.filter((m) => m.author !== user);
  beforeAll(async () => {
    h = await startHarness();
    ws = new Workspace(h.slack, { base: h.base, secret: SIGNING_SECRET });
  });
  afterAll(async () => {
    await h.close();
  });

  it("sends text as Slack does, so R&D <ML> comes back as typed", async () => {
    await ws.command(
      user,
      STUDY_CHANNEL.id,
      "/deadlines add Dec 30 R&D <ML> intern https://acme.example/?a=1&b=2",
    );
    await h.running.idle();
    const added = botSays().at(-1);
    expect(added?.ephemeralTo).toBeUndefined();
    expect(JSON.stringify(added?.blocks)).toContain("R&amp;D &lt;ML&gt; intern");
    expect(JSON.stringify(added?.blocks)).toContain("https://acme.example/?a=1&amp;b=2|");
    expect(added?.problems).toEqual([]);
  });

  it("a far-off date: the question only the adder sees, then one announcement once confirmed", async () => {
    await ws.command(user, STUDY_CHANNEL.id, "/deadlines add 9999-12-31 Acme forever");
    await h.running.idle();
    const question = botSays().at(-1);
    expect(question?.ephemeralTo).toBe(user);
    const button = JSON.parse(JSON.stringify(question?.blocks ?? []))
      .flatMap((b: { elements?: Array<Record<string, unknown>> }) => b.elements ?? [])
      .find((e: Record<string, unknown>) => e.action_id === "deadline_confirm");
    await ws.click(user, { messageId: question?.id ?? "" }, { ...button, type: "button" });
    await ws.click(user, { messageId: question?.id ?? "" }, { ...button, type: "button" });
    await h.running.idle();
    expect(ws.messages.find((m) => m.id === question?.id)).toBeUndefined();
    const announcements = botSays().filter((m) => m.text.includes("Acme forever"));
    expect(announcements).toHaveLength(1);
    expect(announcements[0]?.ephemeralTo).toBeUndefined();
  });

  it("/nudges in the DM says it works in channels", async () => {
    await ws.command(user, dmOf(user), "/nudges on monday 09:00");
    await h.running.idle();
    expect(botSays().at(-1)?.text).toContain("/nudges works in channels");
  });
});
