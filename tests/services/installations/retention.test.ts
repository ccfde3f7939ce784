import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Installations, RETAIN_MS } from "../../../src/services/installations/installations.ts";
import { KEPT, Retention, TEAM_DATA } from "../../../src/services/installations/retention.ts";
import { TokenCipher } from "../../../src/services/installations/token-cipher.ts";
import { type Collection, openStore, type Store } from "../../../src/services/storage/store.ts";
import { collectionsInSource, purgedCollections } from "../../helpers/collections.ts";

const RETENTION_FILE = "src/services/installations/retention.ts";

describe("every collection in src/ is purged or kept on purpose", () => {
  const { names, unnamed } = collectionsInSource();
  const purged = purgedCollections();

  it("finds the collections the app opens (the scan itself works)", () => {
    for (const name of ["progress", "pairs", "listing-follows", "deliveries", "tracker-students"])
      expect(names.has(name), name).toBe(true);
  });

  it("fails, naming it, on a collection in neither TEAM_DATA nor KEPT", () => {
    const forgotten = [...names]
      .filter(([name]) => !purged.has(name) && !(name in KEPT))
      .map(([name, files]) => `"${name}" (opened in ${[...new Set(files)].join(", ")})`);
    expect(
      forgotten,
      `add each to TEAM_DATA (the purge removes it) or KEPT (with why it holds no workspace's data) in ${RETENTION_FILE}`,
    ).toEqual([]);
  });

  it("opens no collection by a name it computes (which this scan could not check)", () => {
    expect(unnamed.filter((call) => !call.startsWith(`${RETENTION_FILE}:`))).toEqual([]);
  });

  it("lists no collection twice, nor one src/ no longer opens", () => {
    expect([...purged].filter((name) => name in KEPT)).toEqual([]);
    for (const reason of Object.values(KEPT)) expect(reason.length).toBeGreaterThan(20);
    const stale = [...purged, ...Object.keys(KEPT)].filter((name) => !names.has(name));
    expect(stale).toEqual([]);
  });
});

const any = (store: Store, name: string) => store.collection(name, z.unknown());

/** One workspace's records in every collection TEAM_DATA names, shaped as the services write them. */
async function fill(store: Store, team: string) {
  for (const name of TEAM_DATA.prefixed) {
    await any(store, name).set(`${team}:C1`, { team });
    await any(store, name).set(`${team}:U1:x`, { team });
  }
  for (const name of TEAM_DATA.exact) await any(store, name).set(team, { team });
  for (const kind of TEAM_DATA.claims.kinds)
    await any(store, TEAM_DATA.claims.collection).set(`${kind}:${team}:C1:2027-W01`, {
      state: "posted",
    });
  for (const { collection, key } of TEAM_DATA.registries)
    await store
      .collection(collection, z.object({ teams: z.array(z.string()) }))
      .update(key, (c) => ({ teams: [...(c?.teams ?? []), team] }));
  for (const { collection, key } of TEAM_DATA.keyLists)
    await store
      .collection(collection, z.array(z.string()))
      .update(key, (c = []) => [...c, `${team}:U1`, `${team}:C2`]);
  for (const { collection, key } of [...TEAM_DATA.keyMaps])
    await store
      .collection(collection, z.record(z.string(), z.unknown()))
      .update(key, (c = {}) => ({ ...c, [`${team}:C1`]: 1, [`${team}:C2`]: 1 }));
  for (const { collection, key } of TEAM_DATA.teamMaps)
    await store
      .collection(collection, z.record(z.string(), z.unknown()))
      .update(key, (c = {}) => ({ ...c, [team]: { reason: "token_revoked", at: "x" } }));
}

/** Every key and value in the purged collections, as `collection:key=value` lines. */
async function snapshot(store: Store): Promise<string[]> {
  const out: string[] = [];
  for (const name of purgedCollections())
    for (const key of await any(store, name).keys(""))
      out.push(`${name}:${key}=${JSON.stringify(await any(store, name).get(key))}`);
  return out.sort();
}

/** The store, with its writes (delete and update) failing from the `n`-th one on until healed. */
function breaking(inner: Store, n: number) {
  let writes = 0;
  let healed = false;
  const check = () => {
    if (!healed && ++writes >= n) throw new Error("SQLITE_FULL: database or disk is full");
  };
  const store: Store = {
    collection<T>(name: string, schema: z.ZodType<T>): Collection<T> {
      const real = inner.collection(name, schema);
      return {
        ...real,
        delete: async (key) => {
          check();
          return real.delete(key);
        },
        update: async (key, change, ttl) => {
          check();
          return real.update(key, change, ttl);
        },
      };
    },
    healthy: () => inner.healthy(),
    close: () => inner.close(),
  };
  return { store, heal: () => (healed = true) };
}

const quiet = { info: () => {}, error: () => {} };

describe("Retention.purge", () => {
  it("removes one workspace from every collection and index, keeping the other's records as they were", async () => {
    const store = await openStore("memory://");
    await fill(store, "T1");
    const alone = await openStore("memory://");
    await fill(alone, "T1");
    await fill(store, "T2");
    const retention = new Retention(store, {} as Installations, quiet);

    const removed = await retention.purge("T2");

    const after = await snapshot(store);
    expect(after.filter((line) => line.includes("T2"))).toEqual([]);
    expect(after).toEqual(await snapshot(alone));
    // Indexes are emptied of T2 but kept (T1 is still in them).
    expect(await any(store, "schedules").get("all")).toEqual({ "T1:C1": 1, "T1:C2": 1 });
    expect(await any(store, "tracker-students").get("all")).toEqual(["T1:U1", "T1:C2"]);
    expect(await any(store, "paused-workspaces").get("all")).toEqual({
      T1: { reason: "token_revoked", at: "x" },
    });
    const records =
      2 * TEAM_DATA.prefixed.length + TEAM_DATA.exact.length + TEAM_DATA.claims.kinds.length;
    const entries =
      TEAM_DATA.registries.length +
      2 * TEAM_DATA.keyLists.length +
      2 * TEAM_DATA.keyMaps.length +
      TEAM_DATA.teamMaps.length;
    expect(removed).toBe(records + entries);
    expect(await retention.purge("T2")).toBe(0);
    expect(await snapshot(store)).toEqual(after);
  });

  it("does not create an index that was not there, nor touch another team whose id starts the same", async () => {
    const store = await openStore("memory://");
    await fill(store, "T22");
    const before = await snapshot(store);
    expect(await new Retention(store, {} as Installations, quiet).purge("T2")).toBe(0);
    expect(await snapshot(store)).toEqual(before);
    const empty = await openStore("memory://");
    expect(await new Retention(empty, {} as Installations, quiet).purge("T2")).toBe(0);
    expect(await snapshot(empty)).toEqual([]);
  });

  it("a purge that fails half-way (the store full) is finished by the next tick", async () => {
    const clean = await openStore("memory://");
    await fill(clean, "T1");
    const expected = await snapshot(clean);
    // Fail at the first write, at one in the middle of the indexes, and among the records.
    for (const n of [1, 3, 6, 20, 40]) {
      const inner = await openStore("memory://");
      let now = new Date("2026-11-23T10:00:00Z");
      const cipher = new TokenCipher(Buffer.alloc(32, 9));
      const installations = new Installations(inner, cipher, () => now);
      for (const team of ["T1", "T2"])
        await installations.storeInstallation({
          team: { id: team, name: team },
          enterprise: undefined,
          isEnterpriseInstall: false,
          bot: {
            token: `xoxb-${team}`,
            scopes: ["chat:write"],
            id: `B${team}`,
            userId: `U${team}`,
          },
          user: { id: "U0ALICE", token: undefined, scopes: undefined },
        });
      await fill(inner, "T1");
      await fill(inner, "T2");
      await installations.uninstall("T2");
      const { store, heal } = breaking(inner, n);
      const lines: string[] = [];
      const retention = new Retention(store, installations, {
        info: (m) => lines.push(m),
        error: (m) => lines.push(m),
      });
      now = new Date(now.getTime() + RETAIN_MS);

      await expect(retention.purgeDue(now), `failing at write ${n}`).rejects.toThrow("SQLITE_FULL");
      expect(await installations.duePurges(now)).toEqual(["T2"]);
      heal();
      expect(await retention.purgeDue(now)).toEqual(["T2"]);

      expect(await snapshot(inner), `failing at write ${n}`).toEqual(expected);
      expect(await installations.duePurges(now)).toEqual([]);
      expect(lines.join("\n")).toContain("removed the data of workspace T2");
    }
  });
});
