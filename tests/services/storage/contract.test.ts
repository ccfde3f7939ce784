import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "redis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError, ErrorCode } from "../../../src/errors.ts";
import { openRedisStore } from "../../../src/services/storage/redis-store.ts";
import { openStore, type Store } from "../../../src/services/storage/store.ts";
import { type RedisServer, skipRedis, startRedis } from "../../helpers/redis.ts";

const Counter = z.object({ n: z.number().int() });

interface Backend {
  name: string;
  skip?: boolean;
  /** A URL for a fresh, empty store. */
  setUp(): Promise<string>;
  tearDown(): Promise<void>;
  /**
   * Writes a value behind the store's back (a future version's shape, a hand edit), or undefined
   * where the backend has no such door. Used to check validation on read.
   */
  writeRaw?(collection: string, key: string, json: string): Promise<void>;
}

let dir = "";
let redis: RedisServer | undefined;
const rawRedis = () => createClient({ url: redis?.url ?? "" });

const backends: Backend[] = [
  {
    name: "memory",
    setUp: async () => "memory://",
    tearDown: async () => {},
  },
  {
    name: "sqlite",
    setUp: async () => {
      dir = await mkdtemp(path.join(tmpdir(), "contract-"));
      return `sqlite://${path.join(dir, "db.sqlite")}`;
    },
    tearDown: () => rm(dir, { recursive: true, force: true }),
  },
  {
    name: "redis",
    skip: skipRedis(),
    setUp: async () => {
      redis ??= await startRedis();
      const client = await rawRedis().connect();
      await client.flushDb();
      client.destroy();
      return redis.url;
    },
    tearDown: async () => {},
    writeRaw: async (collection, key, json) => {
      const client = await rawRedis().connect();
      await client.set(`internprep:${collection}:${key}`, json);
      client.destroy();
    },
  },
];

afterAll(async () => {
  await redis?.stop();
});

describe.each(backends)("the store contract: $name", (backend) => {
  let store: Store;
  beforeEach(async (context) => {
    if (backend.skip) context.skip();
    store = await openStore(await backend.setUp());
  });
  afterEach(async () => {
    if (backend.skip) return;
    await store.close();
    await backend.tearDown();
  });

  it("gets, sets and deletes, keeping collections apart", async () => {
    const a = store.collection("a", Counter);
    const b = store.collection("b", Counter);
    expect(await a.get("k")).toBeUndefined();
    await a.set("k", { n: 1 });
    await b.set("k", { n: 2 });
    expect(await a.get("k")).toEqual({ n: 1 });
    expect(await b.get("k")).toEqual({ n: 2 });
    expect(await a.delete("k")).toBe(true);
    expect(await a.delete("k")).toBe(false);
    expect(await a.get("k")).toBeUndefined();
    expect(await b.get("k")).toEqual({ n: 2 });
    expect(store.healthy()).toBe(true);
  });

  it("keeps keys with colons, spaces and unicode apart", async () => {
    const c = store.collection("keys", z.string());
    await c.set("T1:C1:2026-W48", "one");
    await c.set("T1:C1", "two");
    await c.set("é ü 🎓", "three");
    expect(await c.get("T1:C1:2026-W48")).toBe("one");
    expect(await c.get("T1:C1")).toBe("two");
    expect(await c.get("é ü 🎓")).toBe("three");
  });

  it("forgets a value after its time to live, and keeps one without", async () => {
    const c = store.collection("ttl", Counter);
    if (backend.name === "redis") {
      // Redis keeps its own clock, which no fake timer reaches: a 50 ms TTL, polled until gone.
      await c.set("short", { n: 1 }, 50);
      await c.set("kept", { n: 2 });
      expect(await c.get("short")).toEqual({ n: 1 });
      await vi.waitFor(async () => expect(await c.get("short")).toBeUndefined(), {
        timeout: 2000,
        interval: 20,
      });
      expect(await c.get("kept")).toEqual({ n: 2 });
      // A claim's TTL too: the key can be claimed again once it expired.
      expect(await c.claim("lock", { n: 1 }, 50)).toBe(true);
      await vi.waitFor(async () => expect(await c.claim("lock", { n: 2 }, 50)).toBe(true), {
        timeout: 2000,
        interval: 20,
      });
      return;
    }
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      await c.set("short", { n: 1 }, 1000);
      await c.set("kept", { n: 2 });
      expect(await c.get("short")).toEqual({ n: 1 });
      vi.setSystemTime(Date.now() + 1001);
      expect(await c.get("short")).toBeUndefined();
      expect(await c.get("kept")).toEqual({ n: 2 });
      expect(await c.claim("short", { n: 3 }, 1000)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses a stored value that does not match its schema, and keeps it", async () => {
    await store.collection("v", z.object({ n: z.string() })).set("k", { n: "text" });
    await expect(store.collection("v", Counter).get("k")).rejects.toMatchObject({
      code: ErrorCode.StoredValueInvalid,
      message: expect.stringMatching(/stored value v:k does not match/),
    });
    await expect(store.collection("v", Counter).update("k", () => ({ n: 1 }))).rejects.toThrow(
      /does not match/,
    );
    expect(await store.collection("v", z.object({ n: z.string() })).get("k")).toEqual({
      n: "text",
    });
  });

  it.runIf(backend.writeRaw)(
    "refuses a value written behind its back that is not JSON",
    async () => {
      await backend.writeRaw?.("raw", "k", "{not json");
      await expect(store.collection("raw", Counter).get("k")).rejects.toMatchObject({
        code: ErrorCode.StoredValueInvalid,
      });
    },
  );

  it("refuses to write an invalid value, storing nothing", async () => {
    const c = store.collection("w", Counter);
    await expect(c.set("k", { n: 1.5 })).rejects.toThrow();
    await expect(c.claim("k", { n: 1.5 })).rejects.toThrow();
    await expect(c.update("k", () => ({ n: 1.5 }))).rejects.toThrow();
    expect(await c.get("k")).toBeUndefined();
  });

  it("lets exactly one of 100 concurrent claims win, and keeps the winner's value", async () => {
    const c = store.collection("claims", z.number());
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => c.claim("x", i)));
    const winners = results.flatMap((won, i) => (won ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(await c.get("x")).toBe(winners[0]);
  });

  it("loses none of 100 concurrent increments", async () => {
    const c = store.collection("counter", Counter);
    await Promise.all(
      Array.from({ length: 100 }, () => c.update("k", (v) => ({ n: (v?.n ?? 0) + 1 }))),
    );
    expect(await c.get("k")).toEqual({ n: 100 });
  });

  it("returns what update stored, and keeps other keys' updates apart", async () => {
    const c = store.collection("u", Counter);
    expect(await c.update("a", () => ({ n: 5 }))).toEqual({ n: 5 });
    expect(await c.update("a", (v) => ({ n: (v?.n ?? 0) * 2 }))).toEqual({ n: 10 });
    expect(await c.update("b", (v) => ({ n: v?.n ?? -1 }))).toEqual({ n: -1 });
  });
});

describe.skipIf(skipRedis())("the Redis store across processes and outages", () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("loses no update and lets one claim win across three separate connections", async () => {
    // Three stores stand for three replicas: each has its own connection and its own in-process
    // queue, so only Redis's compare-and-set keeps their updates apart.
    const stores = await Promise.all([1, 2, 3].map(() => openStore(server.url)));
    try {
      const counters = stores.map((s) => s.collection("shared", Counter));
      await Promise.all(
        Array.from({ length: 150 }, (_, i) =>
          counters[i % 3]?.update("k", (v) => ({ n: (v?.n ?? 0) + 1 })),
        ),
      );
      expect(await counters[0]?.get("k")).toEqual({ n: 150 });
      const claims = stores.map((s) => s.collection("once", z.number()));
      const results = await Promise.all(
        Array.from({ length: 99 }, (_, i) => claims[i % 3]?.claim("x", i)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it("fails fast with store_unavailable while Redis is down, and comes back by itself", async () => {
    const errors: unknown[] = [];
    const store = await openStore(server.url, (error) => errors.push(error));
    try {
      const c = store.collection("outage", Counter);
      await c.set("k", { n: 1 });
      await server.stop();
      await vi.waitFor(() => expect(store.healthy()).toBe(false), { timeout: 5000, interval: 10 });
      for (const attempt of [
        () => c.get("k"),
        () => c.set("k", { n: 2 }),
        () => c.update("k", () => ({ n: 3 })),
        () => c.claim("c", { n: 1 }),
        () => c.delete("k"),
      ]) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe(ErrorCode.StoreUnavailable);
        expect((error as AppError).message).toContain(`Redis at ${server.url}`);
      }
      expect(errors.length).toBeGreaterThan(0);

      await server.start();
      await vi.waitFor(() => expect(store.healthy()).toBe(true), { timeout: 5000, interval: 20 });
      // The restarted server is empty (persistence off); writes work again.
      await c.update("k", (v) => ({ n: (v?.n ?? 0) + 10 }));
      expect(await c.get("k")).toEqual({ n: 10 });
    } finally {
      await store.close();
    }
  });

  it("lists a collection's keys by prefix, across many keys and with glob characters in them", async () => {
    const store = await openRedisStore(server.url);
    try {
      const c = store.collection("listing", Counter);
      await Promise.all(Array.from({ length: 2500 }, (_, i) => c.set(`T1:C${i}`, { n: i })));
      await c.set("T2:C1", { n: 1 });
      await c.set("T*[x]?:C1", { n: 1 });
      await store.collection("other", Counter).set("T1:C1", { n: 1 });
      const keys = await c.keys("T1:");
      expect(keys).toHaveLength(2500);
      expect(new Set(keys)).toEqual(new Set(Array.from({ length: 2500 }, (_, i) => `T1:C${i}`)));
      expect(await c.keys("T*[x]?:")).toEqual(["T*[x]?:C1"]);
      expect(await c.keys("T3:")).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("refuses to start when Redis cannot be reached, naming the URL without its password", async () => {
    const url = `redis://app:s3cret@127.0.0.1:${server.port + 1}/0`;
    const error = await openStore(url).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.StoreUnavailable });
    expect((error as Error).message).toContain(`cannot reach Redis at redis://app:***@127.0.0.1`);
    expect((error as Error).message).not.toContain("s3cret");
  });
});
