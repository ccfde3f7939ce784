import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sqlite3 from "sqlite3";
import { describe, expect, it } from "vitest";
import { Deliveries } from "../../../src/services/storage/dedupe.ts";
import { openStore } from "../../../src/services/storage/store.ts";
import { failingStore } from "../../helpers/failing-store.ts";

const HOUR = 60 * 60 * 1000;

async function setUp(memorySize?: number) {
  const faults = failingStore(await openStore("memory://"));
  let t = 1_800_000_000_000;
  const storeErrors: string[] = [];
  const deliveries = new Deliveries(faults.store, {
    now: () => t,
    onStoreError: (id) => storeErrors.push(id),
    ...(memorySize ? { memorySize } : {}),
  });
  return {
    faults,
    deliveries,
    storeErrors,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe("event de-duplication", () => {
  it("handles an id once, and a burst of retries reaches the store only once", async () => {
    const { deliveries, faults } = await setUp();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => deliveries.firstTime("Ev1")),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await deliveries.firstTime("Ev1")).toBe(false);
    expect(faults.callsTo("deliveries")).toBe(1);
  });

  it.each(["throw", "silent"] as const)(
    "with the store failing (%s), still answers a retried id once in this process",
    async (mode) => {
      const { deliveries, faults, storeErrors } = await setUp();
      faults.fail(mode);
      expect(await deliveries.firstTime("Ev1")).toBe(true);
      expect(await deliveries.firstTime("Ev1")).toBe(false);
      expect(await deliveries.firstTime("Ev1")).toBe(false);
      expect(await deliveries.firstTime("Ev2")).toBe(true);
      // A failure that reports itself is told (and logged by the app), with the event id.
      expect(storeErrors).toEqual(mode === "throw" ? ["Ev1", "Ev2"] : []);
    },
  );

  it("remembers ids past the in-memory bound through the store", async () => {
    const { deliveries } = await setUp(2);
    for (const id of ["Ev1", "Ev2", "Ev3"]) expect(await deliveries.firstTime(id)).toBe(true);
    // Ev1 left the in-memory front (bounded to 2) but the store still knows it.
    expect(await deliveries.firstTime("Ev1")).toBe(false);
  });

  it("trade-off: an id that left the in-memory front while the store was failing is handled again", async () => {
    const { deliveries, faults } = await setUp(2);
    faults.fail("throw");
    for (const id of ["Ev1", "Ev2", "Ev3"]) expect(await deliveries.firstTime(id)).toBe(true);
    expect(await deliveries.firstTime("Ev3")).toBe(false);
    expect(await deliveries.firstTime("Ev1")).toBe(true);
  });

  it("the in-memory front forgets an id after an hour (the store's own TTL takes over)", async () => {
    const { deliveries, advance, faults } = await setUp();
    expect(await deliveries.firstTime("Ev1")).toBe(true);
    advance(HOUR - 1);
    expect(await deliveries.firstTime("Ev1")).toBe(false);
    expect(faults.callsTo("deliveries")).toBe(1);
    advance(2 * HOUR);
    await deliveries.firstTime("Ev1");
    expect(faults.callsTo("deliveries")).toBe(2);
  });
});

describe("event de-duplication over SQLite, whose claims are committed together", () => {
  it("events whose batch of claims failed are each handled once in this process, and each failure is told", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "dedupe-"));
    const file = path.join(dir, "db.sqlite");
    const store = await openStore(`sqlite://${file}`);
    const db = new sqlite3.Database(file);
    try {
      // Injected fault: the database refuses one event's row, failing the whole batch.
      await new Promise<void>((resolve, reject) =>
        db.exec(
          `CREATE TRIGGER refuse BEFORE INSERT ON keyv WHEN NEW.key LIKE '%EvRefused%'
           BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
          (e) => (e ? reject(e) : resolve()),
        ),
      );
      const storeErrors: string[] = [];
      const deliveries = new Deliveries(store, { onStoreError: (id) => storeErrors.push(id) });
      const ids = ["Ev1", "EvRefused", "Ev2"];
      // As before batching: a failed claim is answered (once beats never), and told.
      expect(await Promise.all(ids.map((id) => deliveries.firstTime(id)))).toEqual([
        true,
        true,
        true,
      ]);
      expect(storeErrors.sort()).toEqual(["Ev1", "Ev2", "EvRefused"]);
      // Retries reaching this process are still recognised.
      expect(await Promise.all(ids.map((id) => deliveries.firstTime(id)))).toEqual([
        false,
        false,
        false,
      ]);
    } finally {
      await new Promise((resolve) => db.close(resolve));
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
