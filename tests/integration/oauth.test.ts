import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { eventCallback, sendCommand, sendEvent } from "../../src/dev/slack-requests.ts";
import { CLIENT_SECRET, type StandInWorkspace, WORKSPACES } from "../../src/dev/slack-stand-in.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { commandReply } from "../helpers/replies.ts";

const [ONE, TWO] = WORKSPACES as [StandInWorkspace, StandInWorkspace];
const unescapeHtml = (href: string) => href.replaceAll("&amp;", "&");

/** Follows "Add to Slack" as a browser would: install page → Slack's (stand-in) page → redirect. */
async function install(base: string, teamId: string) {
  const page = await fetch(`${base}/slack/install`);
  const html = await page.text();
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const href = unescapeHtml(/id="add-to-slack" href="([^"]+)"/.exec(html)?.[1] ?? "");
  const authorize = await (await fetch(href)).text();
  const link = [...authorize.matchAll(/data-team="(\w+)" href="([^"]+)"/g)].find(
    (m) => m[1] === teamId,
  )?.[2];
  const done = await fetch(unescapeHtml(link ?? ""), { headers: { cookie } });
  return { page, html, href, cookie, done, doneHtml: await done.text() };
}

describe("many workspaces: Add to Slack (OAuth v2) against the stand-in", () => {
  let h: Harness;
  let n = 0;

  beforeAll(async () => {
    h = await startHarness({ multiWorkspace: true });
    h.slack.oauthRedirectUrl = `${h.base}/slack/oauth_redirect`;
  });
  afterAll(async () => {
    await h.close();
  });

  async function command(workspace: StandInWorkspace, name: string, text: string, channel: string) {
    const id = `o${++n}`;
    const ack = await sendCommand(h.base, name, text, {
      responseUrl: h.slack.responseUrl(id),
      team: workspace.teamId,
      user: workspace.installerUserId,
      channel,
    });
    expect(ack.status).toBe(200);
    return commandReply(h.slack, ack, id);
  }

  it("shows an Add to Slack page with a state, and what happens to data after an uninstall", async () => {
    const page = await fetch(`${h.base}/slack/install`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(html).toContain("Add to Slack");
    expect(html).toContain("kept for 30 days");
    for (const data of ["tracked applications", "mock-interview pairs", "followed listings"])
      expect(html).toContain(data);
    const href = new URL(unescapeHtml(/id="add-to-slack" href="([^"]+)"/.exec(html)?.[1] ?? ""));
    expect(href.origin).toBe(new URL(h.slack.apiUrl).origin);
    expect(href.searchParams.get("client_id")).toBe("1111111111.2222222222");
    expect(href.searchParams.get("scope")).toContain("chat:write");
    expect(href.searchParams.get("state")).toBeTruthy();
    expect(page.headers.get("set-cookie")).toContain(href.searchParams.get("state"));
  });

  it("never writes the client secret to the log, even at debug level", async () => {
    // The harness's logger keeps every level; the Web API client logs each request body at debug.
    await install(h.base, ONE.teamId);
    const log = h.logger.lines.join("\n");
    expect(log).toContain("oauth.v2.access");
    expect(log).toContain('"client_secret":"[[REDACTED]]"');
    expect(log).not.toContain(CLIENT_SECRET);
  });

  it("installs in a workspace, stores its token encrypted, and says what to do next", async () => {
    const { done, doneHtml } = await install(h.base, ONE.teamId);
    expect(done.status).toBe(200);
    expect(doneHtml).toContain("InternPrep is installed in Stand-in");
    expect(doneHtml).toContain("/invite @InternPrep");
    expect(doneHtml).toContain("/skills");
    expect(h.slack.callsTo("oauth.v2.access").at(-1)?.ok).toBe(true);

    const raw = await h.services.store.collection("installations", z.unknown()).get(ONE.teamId);
    expect(JSON.stringify(raw)).not.toContain(ONE.botToken);
    const installation = await h.services.installations?.fetchInstallation({
      teamId: ONE.teamId,
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(installation?.bot).toMatchObject({
      token: ONE.botToken,
      userId: ONE.botUserId,
      id: ONE.botId,
    });
    expect(installation?.user.id).toBe(ONE.installerUserId);
    expect(h.logger.lines.join("\n")).not.toContain(ONE.botToken);
  });

  it("a second workspace installs too, and each is answered with its own token", async () => {
    expect((await install(h.base, TWO.teamId)).doneHtml).toContain(
      "InternPrep is installed in Second Campus",
    );
    for (const workspace of [ONE, TWO]) {
      // A DM: Bolt's client for that workspace.
      const ts = `${++n}.1`;
      await sendEvent(
        h.base,
        eventCallback(
          {
            type: "message",
            channel_type: "im",
            channel: `D${workspace.teamId}`,
            user: workspace.installerUserId,
            text: "how early should I apply?",
            ts,
          },
          undefined,
          workspace,
        ),
      );
      const [answer] = await h.slack.waitFor(
        (c) => c.method === "chat.postMessage" && c.args.channel === `D${workspace.teamId}`,
      );
      expect(answer?.token).toBe(workspace.botToken);

      // A signed slash command whose work calls the Web API (users.info for the timezone), and
      // `/nudges now`, posted through the nudge sender's client for that workspace.
      const channel = `C${workspace.teamId}`;
      await command(workspace, "/deadlines", "add 2026-12-15 Acme ML intern", channel);
      const lookups = h.slack
        .callsTo("users.info")
        .filter((c) => c.args.user === workspace.installerUserId);
      expect(lookups.at(-1)?.token).toBe(workspace.botToken);
      const id = `o${++n}`;
      await sendCommand(h.base, "/nudges", "now", {
        responseUrl: h.slack.responseUrl(id),
        team: workspace.teamId,
        user: workspace.installerUserId,
        channel,
      });
      const [nudge] = await h.slack.waitFor(
        (c) => c.method === "chat.postMessage" && c.args.channel === channel,
      );
      expect(nudge?.token).toBe(workspace.botToken);
    }
    expect(ONE.botToken).not.toBe(TWO.botToken);
  });

  it("a request from a workspace without an installation is ignored with a warning, not an error", async () => {
    const before = h.logger.lines.length;
    const ack = await sendCommand(h.base, "/skills", "", {
      responseUrl: h.slack.responseUrl("nowhere"),
      team: "T0NOPE",
    });
    expect(ack.status).toBe(200);
    await h.running.idle();
    const lines = h.logger.lines.slice(before);
    expect(
      lines.some((l) =>
        l.startsWith("warn ignored a request: InternPrep is not installed in T0NOPE"),
      ),
    ).toBe(true);
    expect(lines.filter((l) => l.startsWith("error"))).toEqual([]);
  });

  it("says plainly when an install is cancelled or its link is stale, and installs nothing", async () => {
    const cancelled = await fetch(`${h.base}/slack/oauth_redirect?error=access_denied&state=x`);
    expect(cancelled.status).toBe(400);
    expect(await cancelled.text()).toContain("cancelled");
    // A state from another browser session (no cookie).
    const page = await fetch(`${h.base}/slack/install`);
    const state = /state=([^&"]+)/.exec(await page.text())?.[1];
    const code = h.slack.issueCode(TWO);
    const stale = await fetch(`${h.base}/slack/oauth_redirect?code=${code}&state=${state}`);
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain("opened in a different browser");
  });

  it("tokens_revoked for user tokens only (the app asks for none) leaves the installation alone", async () => {
    await sendEvent(
      h.base,
      eventCallback({ type: "tokens_revoked", tokens: { oauth: ["U0ALICE"] } }, "EvUSERTOK", ONE),
    );
    await h.running.idle();
    expect(await h.services.installations?.has(ONE.teamId)).toBe(true);
  });

  it("app_uninstalled and tokens_revoked (both, retried) remove the installation and turn nudges off once, keeping the data", async () => {
    const channel = `C${TWO.teamId}`;
    await command(TWO, "/nudges", "on monday 09:00 Europe/Berlin", channel);
    expect((await h.services.channels.get(TWO.teamId, channel)).schedule?.enabled).toBe(true);

    const revoked = eventCallback(
      { type: "tokens_revoked", tokens: { bot: [TWO.botUserId] } },
      "EvREVOKE2",
      TWO,
    );
    const uninstalled = eventCallback({ type: "app_uninstalled" }, "EvUNINSTALL2", TWO);
    const acks = await Promise.all([
      sendEvent(h.base, revoked),
      sendEvent(h.base, uninstalled),
      sendEvent(h.base, uninstalled, { headers: { "x-slack-retry-num": "1" } }),
    ]);
    expect(acks.map((a) => a.status)).toEqual([200, 200, 200]);
    await h.running.idle();

    expect(await h.services.installations?.has(TWO.teamId)).toBe(false);
    const { schedule } = await h.services.channels.get(TWO.teamId, channel);
    expect(schedule?.pausedReason).toMatch(/tokens_revoked|app_uninstalled/);
    expect((await h.services.channels.scheduled()).map((c) => c.teamId)).not.toContain(TWO.teamId);
    const removedLines = h.logger.lines.filter((l) =>
      l.includes(`removed from workspace ${TWO.teamId}`),
    );
    expect(removedLines).toHaveLength(1);
    // Its data stays (30 days), and the other workspace carries on with its own token.
    expect(await h.services.deadlines.upcoming(TWO.teamId, channel)).toHaveLength(1);
    await command(ONE, "/deadlines", "add 2026-12-20 Beta data intern", `C${ONE.teamId}`);
    const lookups = h.slack.callsTo("users.info");
    expect(lookups.at(-1)?.token).toBe(ONE.botToken);

    // Slack delivers the other event again later: nothing more happens.
    await sendEvent(h.base, eventCallback({ type: "app_uninstalled" }, "EvUNINSTALL2b", TWO));
    await h.running.idle();
    expect(
      h.logger.lines.filter((l) => l.includes(`removed from workspace ${TWO.teamId}`)),
    ).toHaveLength(1);

    // Installed again within 30 days: its deadlines are back, and /nudges status says how to resume.
    expect((await install(h.base, TWO.teamId)).done.status).toBe(200);
    const list = await command(TWO, "/deadlines", "list", channel);
    expect(JSON.stringify(list)).toContain("Acme ML intern");
    const status = JSON.stringify(await command(TWO, "/nudges", "status", channel));
    expect(status).toContain("InternPrep was removed from this workspace");
    expect(status).toContain("/nudges on monday 09:00 Europe/Berlin");
  });
});
