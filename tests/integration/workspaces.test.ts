import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type StandInWorkspace, WORKSPACES } from "../../src/dev/slack-stand-in.ts";
import type { Installations } from "../../src/services/installations/installations.ts";
import { tickJobs } from "../../src/slack-app.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
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

  it("keeps an uninstalled workspace's data 30 days, then the tick removes it (and only it)", async () => {
    const jobs = tickJobs(h.services);
    const add = (w: StandInWorkspace, title: string) =>
      h.services.deadlines.add(
        w.teamId,
        `C${w.teamId}A`,
        { date: { date: "2027-01-15" }, title },
        w.installerUserId,
        "UTC",
      );
    await add(TWO, "Gamma intern");
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
    await add(ONE, "Delta intern");

    const gone = await installations.uninstall(TWO.teamId, async () => {
      for (const c of ["A", "B"])
        await h.services.channels.pause(TWO.teamId, `C${TWO.teamId}${c}`, "app_uninstalled");
    });
    expect(gone?.purgeAt).toBe(clock.now() + 30 * DAY);

    const keysOf = async (teamId: string) => {
      const found: string[] = [];
      for (const name of [
        "progress",
        "deadlines",
        "channels",
        "deadline-channels",
        "gaps",
        "learned",
        "downvotes",
        "sent",
      ]) {
        const keys = await h.services.store.collection(name, z.unknown()).keys("");
        found.push(...keys.filter((k) => k.includes(teamId)).map((k) => `${name}:${k}`));
      }
      return found.sort();
    };
    const before = await keysOf(TWO.teamId);
    expect(before).toEqual(
      expect.arrayContaining([`learned:${TWO.teamId}`, `downvotes:${TWO.teamId}`]),
    );
    expect(before.length).toBeGreaterThanOrEqual(8);
    const otherBefore = await keysOf(ONE.teamId);

    clock.advance(29 * DAY);
    await jobs.tick();
    expect(await keysOf(TWO.teamId)).toEqual(before);

    clock.advance(1 * DAY);
    await jobs.tick();
    expect(await keysOf(TWO.teamId)).toEqual([]);
    const registry = await h.services.store
      .collection("learned-teams", z.object({ teams: z.array(z.string()) }))
      .get("all");
    expect(registry?.teams ?? []).not.toContain(TWO.teamId);
    expect(await keysOf(ONE.teamId)).toEqual(expect.arrayContaining(otherBefore));
    expect(await installations.duePurges(new Date(clock.now()))).toEqual([]);
    expect(h.logger.lines.join("\n")).toContain(`removed the data of workspace ${TWO.teamId}`);
  });
});
