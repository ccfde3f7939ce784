import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { openStore, type Store } from "../../../src/services/storage/store.ts";

const Counter = z.object({ n: z.number().int() });

describe.each(["memory", "sqlite"])("the %s store", (kind) => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "store-"));
    store = await openStore(
      kind === "memory" ? "memory://" : `sqlite://${path.join(dir, "nested", "db.sqlite")}`,
    );
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps collections apart", async () => {
    await store.collection("a", Counter).set("k", { n: 1 });
    await store.collection("b", Counter).set("k", { n: 2 });
    expect(await store.collection("a", Counter).get("k")).toEqual({ n: 1 });
    expect(await store.collection("b", Counter).get("k")).toEqual({ n: 2 });
  });

  it("serializes concurrent updates of one key, so none is lost", async () => {
    const c = store.collection("c", Counter);
    await Promise.all(
      Array.from({ length: 50 }, () => c.update("k", (v) => ({ n: (v?.n ?? 0) + 1 }))),
    );
    expect(await c.get("k")).toEqual({ n: 50 });
  });

  it("claims a key once", async () => {
    const c = store.collection("claims", z.string());
    const results = await Promise.all([c.claim("x", "a"), c.claim("x", "b"), c.claim("x", "c")]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await c.get("x")).toBe("a");
  });

  it("refuses a stored value that no longer matches its schema instead of replacing it", async () => {
    await store.collection("v", z.object({ n: z.string() })).set("k", { n: "text" });
    await expect(store.collection("v", Counter).get("k")).rejects.toThrow(
      /stored value v:k does not match/,
    );
    await expect(store.collection("v", Counter).update("k", () => ({ n: 1 }))).rejects.toThrow();
    expect(await store.collection("v", z.object({ n: z.string() })).get("k")).toEqual({
      n: "text",
    });
  });

  it("refuses to write an invalid value", async () => {
    await expect(store.collection("w", Counter).set("k", { n: 1.5 })).rejects.toThrow();
    expect(await store.collection("w", Counter).get("k")).toBeUndefined();
  });

  it("forgets a value after its time to live", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const c = store.collection("ttl", Counter);
      await c.set("k", { n: 1 }, 1000);
      expect(await c.get("k")).toEqual({ n: 1 });
      vi.setSystemTime(Date.now() + 1001);
      expect(await c.get("k")).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });
});

it("a sqlite store keeps its data after it is closed and opened again", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "store-"));
  const url = `sqlite://${path.join(dir, "db.sqlite")}`;
  try {
    const first = await openStore(url);
    await first.collection("p", Counter).set("u", { n: 7 });
    await first.close();
    const second = await openStore(url);
    expect(await second.collection("p", Counter).get("u")).toEqual({ n: 7 });
    await second.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
