import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sqlite3 from "sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError, ErrorCode } from "../../../src/errors.ts";
import { openStore, type Store } from "../../../src/services/storage/store.ts";
import { FullDisk, storeOnDisk } from "../../helpers/full-disk.ts";

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

describe("a store that cannot write (a full disk)", () => {
  it("throws StoreUnavailable from every write, naming the store, the key and the cause, and changes nothing", async () => {
    const disk = new FullDisk();
    const reported: string[] = [];
    const store = storeOnDisk(disk, (e) => reported.push(e.message));
    const c = store.collection("c", Counter);
    await c.set("k", { n: 1 });
    disk.full = true;
    const writes = [
      () => c.set("k", { n: 2 }),
      () => c.update("k", () => ({ n: 3 })),
      () => c.claim("new", { n: 4 }),
      () => c.delete("k"),
    ];
    for (const write of writes) {
      const error = await write().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe(ErrorCode.StoreUnavailable);
    }
    expect(reported[0]).toBe(
      "test store: could not write c:k: SQLITE_FULL: database or disk is full",
    );
    expect(reported).toHaveLength(4);
    expect(store.healthy()).toBe(false);
    disk.full = false;
    expect(await c.get("k")).toEqual({ n: 1 });
    expect(await c.get("new")).toBeUndefined();
  });

  it("is unhealthy from a failed write until a write succeeds again", async () => {
    const disk = new FullDisk();
    const store = storeOnDisk(disk);
    const c = store.collection("c", Counter);
    expect(store.healthy()).toBe(true);
    disk.full = true;
    await expect(c.set("k", { n: 1 })).rejects.toThrow(/could not write c:k/);
    expect(store.healthy()).toBe(false);
    await c.get("k");
    expect(store.healthy()).toBe(false);
    disk.full = false;
    await c.set("k", { n: 1 });
    expect(store.healthy()).toBe(true);
  });

  it("tries a small write of its own when asked whether it is healthy, at most every 5 s, and recovers", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const disk = new FullDisk();
      const store = storeOnDisk(disk);
      disk.full = true;
      await expect(store.collection("c", Counter).set("k", { n: 1 })).rejects.toThrow();
      expect(store.healthy()).toBe(false);
      disk.full = false;
      await vi.waitFor(() => Promise.resolve());
      expect(store.healthy()).toBe(false);
      vi.setSystemTime(Date.now() + 5000);
      store.healthy();
      await vi.waitFor(() => expect(store.healthy()).toBe(true));
    } finally {
      vi.useRealTimers();
    }
  });

  it("reports a failed read as a failure, not as a missing value", async () => {
    const disk = new FullDisk();
    disk.get = async () => {
      throw Object.assign(new Error("SQLITE_IOERR: disk I/O error"), { code: "SQLITE_IOERR" });
    };
    const c = storeOnDisk(disk).collection("c", Counter);
    await expect(c.get("k")).rejects.toThrow(
      "test store: could not read c:k: SQLITE_IOERR: disk I/O error",
    );
  });
});

describe("two connections on one SQLite file, as two processes", () => {
  let dir: string;
  let a: Store;
  let b: Store;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "store-"));
    const url = `sqlite://${path.join(dir, "db.sqlite")}`;
    a = await openStore(url);
    b = await openStore(url);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("lose no update of one key", async () => {
    const ca = a.collection("c", Counter);
    const cb = b.collection("c", Counter);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? ca : cb).update("k", (v) => ({ n: (v?.n ?? 0) + 1 })),
      ),
    );
    expect(await ca.get("k")).toEqual({ n: 40 });
  });

  it("let exactly one of them claim a key, and a claim that expired can be taken again", async () => {
    const ca = a.collection("claims", z.string());
    const cb = b.collection("claims", z.string());
    for (let i = 0; i < 20; i++) {
      const won = await Promise.all([ca.claim(`k${i}`, "a", 1000), cb.claim(`k${i}`, "b", 1000)]);
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await ca.get(`k${i}`)).toBe(won[0] ? "a" : "b");
    }
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 1001);
      expect(await cb.claim("k0", "later")).toBe(true);
      expect(await ca.get("k0")).toBe("later");
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("opening a store file that cannot be used", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "store-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("says a file that is not a database is not one, and what to do", async () => {
    const file = path.join(dir, "notes.sqlite");
    await writeFile(file, "these are my notes, not a database\n".repeat(200));
    await expect(openStore(`sqlite://${file}`)).rejects.toThrow(
      `The store file ${file} is not an SQLite database (STORE_URL points at some other kind of file). Set STORE_URL to the store's file, or to a new path to start with an empty store.`,
    );
  });

  it("says a damaged database is damaged, and what to do", async () => {
    const file = path.join(dir, "db.sqlite");
    const store = await openStore(`sqlite://${file}`);
    const c = store.collection("c", z.string());
    for (let i = 0; i < 200; i++) await c.set(`k${i}`, "x".repeat(500));
    await store.close();
    // Scribble over the pages after the first (the header stays intact).
    const bytes = await readFile(file);
    bytes.fill(0x5a, 4096, bytes.length - 4096);
    await writeFile(file, bytes);
    await expect(openStore(`sqlite://${file}`)).rejects.toThrow(
      new RegExp(`^The store file ${file} is damaged .* restore a backup`),
    );
  });

  it("says a path that is a folder cannot be opened", async () => {
    await expect(openStore(`sqlite://${dir}`)).rejects.toThrow(
      `The store file ${dir} cannot be opened`,
    );
  });
});

describe("the sqlite store's claims, committed together", () => {
  let dir: string;
  let file: string;
  let store: Store;
  let db: sqlite3.Database;
  const exec = (sql: string) =>
    new Promise<void>((resolve, reject) => db.exec(sql, (e) => (e ? reject(e) : resolve())));
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "store-"));
    file = path.join(dir, "db.sqlite");
    store = await openStore(`sqlite://${file}`);
    // Another connection on the file, as an operator's sqlite3 shell would be.
    db = new sqlite3.Database(file);
  });
  afterEach(async () => {
    await new Promise((resolve) => db.close(resolve));
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("claims made together each get their own answer: one winner per key, taken keys refused", async () => {
    const c = store.collection("claims", z.string());
    expect(await c.claim("taken", "earlier")).toBe(true);
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
    const results = await Promise.all([
      ...keys.map((k) => c.claim(k, "first")),
      ...keys.map((k) => c.claim(k, "second")),
      c.claim("taken", "later"),
    ]);
    expect(results.slice(0, 50)).toEqual(keys.map(() => true));
    expect(results.slice(50)).toEqual([...keys.map(() => false), false]);
    expect(await c.get("k7")).toBe("first");
    expect(await c.get("taken")).toBe("earlier");
  });

  it("one claim the database refuses fails every claim committed with it, and stores none of them", async () => {
    // Injected fault: the database refuses one of the rows (as it would refuse a write on a full disk).
    await exec(`CREATE TRIGGER refuse BEFORE INSERT ON keyv WHEN NEW.key LIKE '%refused%'
      BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    const reported: string[] = [];
    const c = store.collection("claims", z.string());
    const results = await Promise.allSettled([
      c.claim("a", "x"),
      c.claim("refused", "x"),
      c.claim("b", "x"),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    for (const r of results) {
      const error = (r as PromiseRejectedResult).reason as AppError;
      expect(error).toBeInstanceOf(AppError);
      expect(error.code).toBe(ErrorCode.StoreUnavailable);
      reported.push(error.message);
    }
    expect(reported[1]).toMatch(
      /could not write claims:refused: SQLITE_CONSTRAINT: injected failure/,
    );
    expect(store.healthy()).toBe(false);

    await exec("DROP TRIGGER refuse");
    expect(await c.get("a")).toBeUndefined();
    expect(await c.get("b")).toBeUndefined();
    // Nothing was stored, so each can be claimed now; and the store is healthy again.
    expect(await Promise.all([c.claim("a", "y"), c.claim("b", "y")])).toEqual([true, true]);
    expect(await c.get("a")).toBe("y");
    expect(store.healthy()).toBe(true);
  });

  it("a read the database fails is a failure, not a missing value", async () => {
    const c = store.collection("c", Counter);
    await c.set("k", { n: 1 });
    // Injected fault: the table disappears from under the prepared read.
    await exec("ALTER TABLE keyv RENAME TO moved");
    await expect(c.get("k")).rejects.toThrow(
      /could not read c:k: SQLITE_ERROR: no such table: keyv/,
    );
    await exec("ALTER TABLE moved RENAME TO keyv");
    expect(await c.get("k")).toEqual({ n: 1 });
  });

  it("reads asked for together each get their own value, across more keys than one statement reads", async () => {
    const c = store.collection("c", Counter);
    const keys = Array.from({ length: 150 }, (_, i) => `k${i}`);
    await Promise.all(keys.filter((_, i) => i % 3 !== 0).map((k, i) => c.set(k, { n: i })));
    const expected = await Promise.all(keys.map((k) => c.get(k)));
    // The same keys again, each twice, all at once: one statement reads at most 64 keys.
    const together = await Promise.all([...keys, ...keys].map((k) => c.get(k)));
    expect(together).toEqual([...expected, ...expected]);
    expect(together.filter((v) => v === undefined)).toHaveLength(100);
    expect(together[1]).toEqual({ n: 0 });
  });

  it("reads grouped with one the database fails fail too, and the next reads work", async () => {
    const c = store.collection("c", Counter);
    await c.set("k", { n: 1 });
    // Injected fault: the table disappears while a burst of reads is waiting.
    await exec("ALTER TABLE keyv RENAME TO moved");
    const results = await Promise.allSettled(["k", "a", "k", "b"].map((k) => c.get(k)));
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected", "rejected"]);
    await exec("ALTER TABLE moved RENAME TO keyv");
    expect(await Promise.all(["k", "a", "k"].map((k) => c.get(k)))).toEqual([
      { n: 1 },
      undefined,
      { n: 1 },
    ]);
  });

  it("an expired value reads as nothing and its row is removed, but not a claim taken again meanwhile", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const c = store.collection("claims", z.string());
      await c.claim("old", "a", 1000);
      await c.claim("again", "a", 1000);
      vi.setSystemTime(Date.now() + 1001);
      expect(await c.claim("again", "b", 1000)).toBe(true);
      expect(await c.get("old")).toBeUndefined();
      expect(await c.keys("")).toEqual(["again"]);
      expect(await c.get("again")).toBe("b");
    } finally {
      vi.useRealTimers();
    }
  });
});
