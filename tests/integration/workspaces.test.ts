import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { sendCommand } from "../../src/dev/slack-requests.ts";
import { type StandInWorkspace, WORKSPACES } from "../../src/dev/slack-stand-in.ts";
import type { Installations } from "../../src/services/installations/installations.ts";
import { tickJobs } from "../../src/slack-app.ts";
import { collectionsInSource } from "../helpers/collections.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { ListingsServer, record, records } from "../helpers/listings.ts";
import { commandReply } from "../helpers/replies.ts";
import { VirtualClock } from "../helpers/virtual-clock.ts";

const [ONE, TWO] = WORKSPACES as [StandInWorkspace, StandInWorkspace];
const DAY = 24 * 60 * 60 * 1000;

/** What Bolt's OAuth flow stores for a stand-in workspace. */
function installationOf(workspace: StandInWorkspace) {
  return {
    team: { id: workspace.teamId, name: workspace.teamName },
    enterprise: undefined,
    isEnterpriseInstall: false,
    bot: {
      token: workspace.botToken,
      scopes: ["chat:write"],
      id: workspace.botId,
      userId: workspace.botUserId,
    },
    user: { id: workspace.installerUserId, token: undefined, scopes: undefined },
  };
}

describe("many workspaces on one cron tick (fake clock)", () => {
  let h: Harness;
  let clock: VirtualClock;
  let installations: Installations;
  let n = 0;

  beforeAll(async () => {
    clock = new VirtualClock(Date.parse("2026-11-23T08:00:00Z")); // a Monday
    h = await startHarness({ multiWorkspace: true, clock });
    installations = h.services.installations as Installations;
    for (const w of [ONE, TWO]) await installations.storeInstallation(installationOf(w));
    for (const w of [ONE, TWO]) {
      for (const c of ["A", "B"]) {
        await h.services.channels.turnOn(
          w.teamId,
          `C${w.teamId}${c}`,
          { weekday: 1, time: "09:00", timezone: "UTC" },
          w.installerUserId,
        );
      }
    }
  });
  afterAll(async () => {
    await h.close();
  });

  const postsTo = (channel: string) =>
    h.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === channel);

  it("posts each workspace's nudges with its own token; a revoked one pauses that workspace only", async () => {
    h.slack.revoked.add(TWO.botToken);
    clock.set("2026-11-23T09:00:00Z");
    const report = await h.services.scheduler.tick();

    expect(report.posted).toBe(2);
    for (const c of ["A", "B"]) {
      const [post] = postsTo(`C${ONE.teamId}${c}`);
      expect(post?.ok).toBe(true);
      expect(post?.token).toBe(ONE.botToken);
    }
    // Refused, and that workspace's run stops: no retries (posts already in flight at the same
    // moment, one per channel, are refused too).
    const refused = h.slack.callsBy(TWO.teamId).filter((c) => c.method === "chat.postMessage");
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.map((c) => c.reply?.error)).toEqual(refused.map(() => "token_revoked"));
    expect(new Set(refused.map((c) => c.args.channel)).size).toBe(refused.length);
    expect([...(await installations.pausedTeams())]).toEqual([TWO.teamId]);
    expect(h.logger.lines.join("\n")).toContain(`paused nudges in workspace ${TWO.teamId}`);

    // Later ticks skip the paused workspace without calling Slack.
    h.slack.reset();
    clock.advance(60_000);
    await h.services.scheduler.tick();
    expect(h.slack.callsBy(TWO.teamId)).toHaveLength(0);
  });

  it("installing again resumes the paused workspace; missed nudges under 6 hours late still go out once", async () => {
    h.slack.reset();
    h.slack.revoked.delete(TWO.botToken);
    await installations.storeInstallation(installationOf(TWO));
    clock.advance(60_000);
    const report = await h.services.scheduler.tick();
    expect(report.posted).toBe(2);
    for (const c of ["A", "B"]) {
      expect(postsTo(`C${TWO.teamId}${c}`).map((p) => p.token)).toEqual([TWO.botToken]);
    }
    expect(postsTo(`C${ONE.teamId}A`)).toHaveLength(0);
  });

  it("with token rotation, refreshes a token about to expire before posting, and stores the new one encrypted", async () => {
    h.slack.reset();
    const expiring = installationOf(TWO);
    await installations.storeInstallation({
      ...expiring,
      bot: {
        ...expiring.bot,
        refreshToken: `refresh-${TWO.botToken}`,
        // Within Bolt's 2-hour refresh window (it reads the real clock).
        expiresAt: Math.floor(Date.now() / 1000) + 60,
      },
    });
    const result = await h.services.scheduler.postNow(TWO.teamId, `C${TWO.teamId}A`, "UTC");
    expect(result.status).toBe("posted");
    const [refresh] = h.slack.callsTo("oauth.v2.access");
    expect(refresh?.args.grant_type).toBe("refresh_token");
    const fresh = refresh?.reply?.access_token as string;
    expect(fresh).toMatch(new RegExp(`^${TWO.botToken}-r\\d+$`));
    expect(postsTo(`C${TWO.teamId}A`).map((c) => c.token)).toEqual([fresh]);
    const stored = await installations.fetchInstallation({
      teamId: TWO.teamId,
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(stored.bot?.token).toBe(fresh);
    expect(stored.bot?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 3600);
    const raw = await h.services.store.collection("installations", z.unknown()).get(TWO.teamId);
    expect(JSON.stringify(raw)).not.toContain(fresh);
    expect(JSON.stringify(raw)).not.toContain(`refresh-${TWO.botToken}`);
  });

  async function command(w: StandInWorkspace, name: string, text: string, channel: string) {
    const id = `w${++n}`;
    const ack = await sendCommand(h.base, name, text, {
      responseUrl: h.slack.responseUrl(id),
      team: w.teamId,
      user: w.installerUserId,
      channel,
    });
    expect(ack.status).toBe(200);
    return JSON.stringify(await commandReply(h.slack, ack, id));
  }

  /** Every record of every collection src/ opens, as `collection:key=value`. */
  async function everything(): Promise<string[]> {
    const found: string[] = [];
    for (const name of collectionsInSource().names.keys()) {
      const collection = h.services.store.collection(name, z.unknown());
      for (const key of await collection.keys(""))
        found.push(`${name}:${key}=${JSON.stringify(await collection.get(key))}`);
    }
    return found.sort();
  }
  /** The records that name a workspace (its team id, in channel ids too, or its user) by key. */
  const keysOf = async (w: StandInWorkspace) =>
    (await everything())
      .filter((line) => line.includes(w.teamId) || line.includes(w.installerUserId))
      .map((line) => line.slice(0, line.indexOf("=")));
  /** The workspace's keys inside the "all" indexes (`T:…` entries and team ids). */
  const indexed = async (w: StandInWorkspace) =>
    (await everything())
      .filter((line) => /^[\w-]+:all=/.test(line))
      .flatMap((line) => {
        const [name, value] = line.split(":all=") as [string, string];
        const entries = value.match(/"[^"]*"/g) ?? [];
        return entries.filter((e) => e.includes(w.teamId)).map((e) => `${name}:${e}`);
      });

  it("keeps an uninstalled workspace's data 30 days, then the tick removes all of it, in every collection (and only its own)", async () => {
    const jobs = tickJobs(h.services);
    const listings = await ListingsServer.start();
    try {
      listings.set(records("old", 2));
      clock.set("2026-11-23T09:10:00Z");
      for (const w of [ONE, TWO]) {
        const partner = `U0MATE${w.teamId}`;
        h.slack.users[w.installerUserId] = { tz: "UTC", isAdmin: true };
        h.slack.users[partner] = { tz: "UTC" };
        h.slack.channelMembers[`C${w.teamId}P`] = [w.installerUserId, partner];
        await h.services.deadlines.add(
          w.teamId,
          `C${w.teamId}A`,
          { date: { date: "2027-01-15" }, title: `Deadline of ${w.teamName}` },
          w.installerUserId,
          "UTC",
        );
        // Mock-interview rounds, a tracked application and a followed listings source, as
        // students and organizers set them up.
        expect(await command(w, "/pairs", "on monday 09:30 UTC", `C${w.teamId}P`)).toContain(
          "Monday",
        );
        await command(w, "/pairs", "join", `C${w.teamId}P`);
        await sendCommand(h.base, "/pairs", "join", {
          responseUrl: h.slack.responseUrl(`mate${w.teamId}`),
          team: w.teamId,
          user: partner,
          channel: `C${w.teamId}P`,
        });
        expect(await command(w, "/track", "add Acme — ML intern", `D${w.teamId}`)).toContain(
          "Acme",
        );
        expect(await command(w, "/listings", `follow ${listings.url}`, `C${w.teamId}L`)).toContain(
          "Company old",
        );
      }
      // A new listing is posted in each channel following the source; the pairs sign-up goes
      // out on Monday 09:30 and the pairs are made (and introduced) a day later.
      listings.set([...records("old", 2), record("fresh1")]);
      for (const w of [ONE, TWO])
        expect((await h.services.listings.pollNow(w.teamId, `C${w.teamId}L`))?.posted).toBe(1);
      clock.set("2026-11-23T09:30:00Z");
      await jobs.tick();
      clock.set("2026-11-24T09:31:00Z");
      await jobs.tick();
    } finally {
      await listings.close();
    }

    const role = h.services.kb.roles[0];
    if (!role) throw new Error("the knowledge base has no roles");
    const item = role.checklist[0]?.id as string;
    await h.services.progress.setTicks(TWO.teamId, TWO.installerUserId, role, [item], [item]);
    await h.services.gaps.record(TWO.teamId, "what is a gap year?");
    const entryId = h.services.kb.faq[0]?.id as string;
    await h.services.learned.record(TWO.teamId, {
      entryId,
      phrasing: "when should i start applying",
      userId: TWO.installerUserId,
    });
    await h.services.feedback.vote(entryId, TWO.installerUserId, false, {
      teamId: TWO.teamId,
      question: "when should i start applying",
    });

    const gone = await installations.uninstall(TWO.teamId, async () => {
      for (const c of ["A", "B"])
        await h.services.channels.pause(TWO.teamId, `C${TWO.teamId}${c}`, "app_uninstalled");
    });
    expect(gone?.purgeAt).toBe(clock.now() + 30 * DAY);

    const before = await keysOf(TWO);
    const prefixes = (keys: string[]) => new Set(keys.map((k) => k.slice(0, k.indexOf(":"))));
    // Filled through the app: every kind of record the purge must find is really there.
    for (const name of [
      "progress",
      "deadlines",
      "deadline-channels",
      "channels",
      "gaps",
      "learned",
      "downvotes",
      "sent",
      "pairs",
      "tracker",
      "tracker-events",
      "listing-follows",
      "listing-ids",
      "listing-posts",
      "listing-watched",
      "uninstall-claims",
    ])
      expect(prefixes(before), name).toContain(name);
    for (const kind of ["weekly", "pairs-signup", "pairs-intro"])
      expect(
        before.some((k) => k.startsWith(`sent:${kind}:${TWO.teamId}:`)),
        kind,
      ).toBe(true);
    expect(await indexed(TWO)).toEqual(
      expect.arrayContaining([
        `pairs-schedules:"${TWO.teamId}:C${TWO.teamId}P"`,
        `tracker-students:"${TWO.teamId}:${TWO.installerUserId}"`,
        `listing-follow-index:"${TWO.teamId}:C${TWO.teamId}L"`,
        `learned-teams:"${TWO.teamId}"`,
      ]),
    );
    const otherBefore = await keysOf(ONE);
    const otherIndexed = await indexed(ONE);
    expect(otherIndexed).toEqual(
      expect.arrayContaining([
        `schedules:"${ONE.teamId}:C${ONE.teamId}A"`,
        `pairs-schedules:"${ONE.teamId}:C${ONE.teamId}P"`,
        `tracker-students:"${ONE.teamId}:${ONE.installerUserId}"`,
        `listing-follow-index:"${ONE.teamId}:C${ONE.teamId}L"`,
      ]),
    );

    clock.advance(29 * DAY);
    await jobs.tick();
    expect(await keysOf(TWO)).toEqual(before);

    clock.advance(1 * DAY);
    await jobs.tick();
    // Nothing names the workspace any more, in any collection the app opens, but the 👍/👎
    // counts shared by every workspace (KEPT says why).
    const left = (await everything()).filter(
      (line) => line.includes(TWO.teamId) || line.includes(TWO.installerUserId),
    );
    expect(left.filter((line) => !line.startsWith("feedback:"))).toEqual([]);
    expect(left.every((line) => !line.includes(TWO.teamId))).toBe(true);
    expect(await indexed(TWO)).toEqual([]);
    // The workspace that stays keeps everything, its places in the indexes too.
    expect(await keysOf(ONE)).toEqual(expect.arrayContaining(otherBefore));
    expect(await indexed(ONE)).toEqual(expect.arrayContaining(otherIndexed));
    expect(await installations.duePurges(new Date(clock.now()))).toEqual([]);
    expect(h.logger.lines.join("\n")).toContain(`removed the data of workspace ${TWO.teamId}`);
  });
});
