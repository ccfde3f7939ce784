import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Installations, RETAIN_MS } from "../../../src/services/installations/installations.ts";
import { TokenCipher } from "../../../src/services/installations/token-cipher.ts";
import { openStore } from "../../../src/services/storage/store.ts";

const installation = (teamId: string, token: string, rotation = false) => ({
  team: { id: teamId, name: `Team ${teamId}` },
  enterprise: undefined,
  isEnterpriseInstall: false,
  appId: "A0APP",
  bot: {
    token,
    scopes: ["chat:write", "commands"],
    id: `B${teamId}`,
    userId: `U${teamId}`,
    ...(rotation ? { refreshToken: `xoxe-1-refresh-${teamId}`, expiresAt: 1_800_000_000 } : {}),
  },
  user: { id: "U0ALICE", token: undefined, scopes: undefined },
});
const query = (teamId: string) => ({
  teamId,
  enterpriseId: undefined,
  isEnterpriseInstall: false as const,
});

async function setup(now = () => new Date("2026-11-23T10:00:00Z")) {
  const store = await openStore("memory://");
  const cipher = new TokenCipher(Buffer.alloc(32, 9));
  return { store, installations: new Installations(store, cipher, now) };
}

describe("Installations (Bolt's InstallationStore over the app's store)", () => {
  it("keeps each workspace's installation, tokens (and refresh tokens) encrypted in the store", async () => {
    const { store, installations } = await setup();
    await installations.storeInstallation(installation("T1", "xoxb-one-secret", true));
    await installations.storeInstallation(installation("T2", "xoxb-two-secret"));

    const raw = JSON.stringify(await store.collection("installations", z.unknown()).get("T1"));
    expect(raw).not.toContain("xoxb-one-secret");
    expect(raw).not.toContain("xoxe-1-refresh-T1");

    const one = await installations.fetchInstallation(query("T1"));
    expect(one.bot).toEqual({
      token: "xoxb-one-secret",
      refreshToken: "xoxe-1-refresh-T1",
      expiresAt: 1_800_000_000,
      scopes: ["chat:write", "commands"],
      id: "BT1",
      userId: "UT1",
    });
    expect(one.team).toEqual({ id: "T1", name: "Team T1" });
    expect(one.user.id).toBe("U0ALICE");
    expect((await installations.fetchInstallation(query("T2"))).bot?.token).toBe("xoxb-two-secret");
  });

  it("says a workspace is not installed, and a wrong key fails clearly", async () => {
    const { store, installations } = await setup();
    await expect(installations.fetchInstallation(query("T9"))).rejects.toMatchObject({
      code: "not_installed",
    });
    await installations.storeInstallation(installation("T1", "xoxb-one-secret"));
    const otherKey = new Installations(store, new TokenCipher(Buffer.alloc(32, 3)));
    await expect(otherKey.fetchInstallation(query("T1"))).rejects.toThrowError(
      /different TOKEN_ENCRYPTION_KEY/,
    );
  });

  it("at start-up, a TOKEN_ENCRYPTION_KEY other than the one in use stops with one clear line", async () => {
    const { store, installations } = await setup();
    await installations.checkKey(); // the first start remembers the key
    await installations.checkKey();
    const otherKey = new Installations(store, new TokenCipher(Buffer.alloc(32, 3)));
    await expect(otherKey.checkKey()).rejects.toThrowError(
      /TOKEN_ENCRYPTION_KEY is not the key the stored workspace tokens were encrypted with/,
    );
  });

  it("refuses a stored token that is not encrypted", async () => {
    const { store, installations } = await setup();
    await installations.storeInstallation(installation("T1", "xoxb-one-secret"));
    const records = store.collection("installations", z.record(z.string(), z.unknown()));
    const record = (await records.get("T1")) as { bot: Record<string, unknown> };
    await records.set("T1", { ...record, bot: { ...record.bot, token: "xoxb-in-clear" } });
    await expect(installations.fetchInstallation(query("T1"))).rejects.toMatchObject({
      code: "stored_value_invalid",
    });
  });

  it("a token copied into another workspace's record does not open there", async () => {
    const { store, installations } = await setup();
    await installations.storeInstallation(installation("T1", "xoxb-one-secret"));
    await installations.storeInstallation(installation("T2", "xoxb-two-secret"));
    const records = store.collection(
      "installations",
      z.object({ bot: z.object({ token: z.string() }).loose() }).loose(),
    );
    const one = await records.get("T1");
    const two = await records.get("T2");
    if (!one || !two) throw new Error("both installations should be stored");
    await records.set("T2", { ...two, bot: { ...two.bot, token: one.bot.token } });
    await expect(installations.fetchInstallation(query("T2"))).rejects.toMatchObject({
      code: "token_undecryptable",
    });
  });

  it("uninstalls exactly once when app_uninstalled and tokens_revoked race (and on retries)", async () => {
    const { installations } = await setup();
    await installations.storeInstallation(installation("T1", "xoxb-one-secret"));
    let turnedOff = 0;
    const turnOff = async () => {
      turnedOff++;
    };
    const results = await Promise.all([
      installations.uninstall("T1", turnOff),
      installations.uninstall("T1", turnOff),
      installations.uninstall("T1", turnOff),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(turnedOff).toBe(1);
    expect(await installations.uninstall("T1", turnOff)).toBeUndefined();
    expect(await installations.has("T1")).toBe(false);
    const at = Date.parse("2026-11-23T10:00:00Z");
    expect(results.find(Boolean)?.purgeAt).toBe(at + RETAIN_MS);
    expect(await installations.duePurges(new Date(at + RETAIN_MS - 1))).toEqual([]);
    expect(await installations.duePurges(new Date(at + RETAIN_MS))).toEqual(["T1"]);
  });

  it("a reinstall clears a pause and cancels a pending purge", async () => {
    const { installations } = await setup();
    await installations.storeInstallation(installation("T1", "xoxb-one-secret"));
    await installations.pause("T1", "token_revoked");
    expect([...(await installations.pausedTeams())]).toEqual(["T1"]);
    await installations.uninstall("T1");
    await installations.storeInstallation(installation("T1", "xoxb-one-new"));
    expect([...(await installations.pausedTeams())]).toEqual([]);
    expect(await installations.duePurges(new Date("2030-01-01"))).toEqual([]);
  });
});
