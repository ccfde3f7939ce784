import { describe, expect, it } from "vitest";
import { Deadlines, parseNewDeadline } from "../../../src/services/deadlines/deadlines.ts";
import { openStore } from "../../../src/services/storage/store.ts";

const now = new Date("2026-11-22T12:00:00Z");
const parse = (text: string) => parseNewDeadline(text, now, "UTC");

describe("/deadlines add grammar", () => {
  it("reads date, title and an optional trailing link in every date form", () => {
    expect(parse("2026-12-15 Acme ML intern")).toEqual({
      ok: true,
      value: { date: { date: "2026-12-15" }, title: "Acme ML intern" },
    });
    expect(parse("2026-12-15 17:00 Acme https://acme.example/jobs?id=1&x=2")).toEqual({
      ok: true,
      value: {
        date: { date: "2026-12-15", time: "17:00" },
        title: "Acme",
        url: "https://acme.example/jobs?id=1&x=2",
      },
    });
    expect(parse("Dec 5 Beta Corp data science")).toMatchObject({
      ok: true,
      value: { date: { date: "2026-12-05" }, title: "Beta Corp data science" },
    });
    expect(parse("5 Dec Gamma")).toMatchObject({
      ok: true,
      value: { date: { date: "2026-12-05" }, title: "Gamma" },
    });
    expect(parse("December 5 2026 Delta SWE")).toMatchObject({
      ok: true,
      value: { date: { date: "2026-12-05" }, title: "Delta SWE" },
    });
    expect(parse("2026-12-15 Acme <https://acme.example/apply|acme.example/apply>")).toMatchObject({
      ok: true,
      value: { url: "https://acme.example/apply" },
    });
  });

  it.each([
    ["2025-12-15 Acme", /in the past/],
    ["2026-13-45 Acme", /not a real date/],
    ["2026-12-15", /Add a title after the date/],
    ["2026-12-15 Acme https://", /doesn't look like a web link/],
    ["2026-12-15 Acme http:/broken", /doesn't look like a web link/],
    ["Acme 2026-12-15", /can't find a date at the start/],
    ["", /Tell me the date/],
  ])("refuses %j, saying what is wrong", (text, message) => {
    const r = parse(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe("a channel's deadlines", () => {
  it("adds, lists soonest first, removes by id, and keeps channels apart", async () => {
    let t = now;
    let n = 0;
    const d = new Deadlines(
      await openStore("memory://"),
      () => t,
      () => `id${++n}`,
    );
    await d.add("T", "C1", { date: { date: "2026-12-15" }, title: "Later" }, "U1", "UTC");
    await d.add("T", "C1", { date: { date: "2026-12-01" }, title: "Sooner" }, "U2", "UTC");
    await d.add("T", "C2", { date: { date: "2026-12-02" }, title: "Elsewhere" }, "U1", "UTC");
    expect((await d.upcoming("T", "C1")).map((x) => x.title)).toEqual(["Sooner", "Later"]);
    expect((await d.within("T", "C1", 14)).map((x) => x.title)).toEqual(["Sooner"]);
    expect(await d.channelsWithDeadlines("T")).toEqual(["C1", "C2"]);
    expect((await d.remove("T", "C1", "id1"))?.title).toBe("Later");
    expect(await d.remove("T", "C1", "id1")).toBeUndefined();
    expect(await d.remove("T", "C2", "id2")).toBeUndefined();
    expect((await d.upcoming("T", "C1")).map((x) => x.title)).toEqual(["Sooner"]);

    // Passed: off the list, still stored for 30 days, then gone.
    t = new Date("2026-12-02T12:00:00Z");
    expect(await d.upcoming("T", "C1")).toEqual([]);
    t = new Date("2026-12-20T12:00:00Z");
    await d.add("T", "C1", { date: { date: "2026-12-25" }, title: "Xmas" }, "U1", "UTC");
    expect(await d.remove("T", "C1", "id2")).toBeDefined();
    await d.add("T", "C2", { date: { date: "2026-12-25" }, title: "Trigger prune" }, "U1", "UTC");
    t = new Date("2027-01-10T12:00:00Z");
    await d.add("T", "C2", { date: { date: "2027-01-25" }, title: "New" }, "U1", "UTC");
    expect(await d.remove("T", "C2", "id3")).toBeUndefined();
  });
});
