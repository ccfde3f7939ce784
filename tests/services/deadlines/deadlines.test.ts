import { describe, expect, it } from "vitest";
import { problemText } from "../../../src/blocks/problems.ts";
import {
  Deadlines,
  isFarOff,
  parseNewDeadline,
  pendingDeadline,
} from "../../../src/services/deadlines/deadlines.ts";
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
    ["2026-12-15 Acme https://..", /doesn't look like a web link/],
    ["2026-12-15 Acme https://localhost:3000/x", /doesn't look like a web link/],
    ["2026-12-15 Acme <ftp://files.acme.example/x>", /doesn't look like a web link/],
    [
      "2026-12-15 Acme <mailto:jobs@acme.example|jobs@acme.example>",
      /doesn't look like a web link/,
    ],
    ["2026-12-15 Acme www.acme.example", /doesn't look like a web link/],
    ["2026-12-15 Acme <https://acme.example> ML intern", /Put one link, at the end/],
    ["2026-12-15 <https://a.example> Acme <https://b.example>", /Put one link, at the end/],
    ["Acme 2026-12-15", /can't find a date at the start/],
    ["", /Tell me the date/],
  ])("refuses %j, saying what is wrong", (text, message) => {
    const r = parse(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(problemText(r.problem)).toMatch(message);
  });
});

describe("far-off dates and pending deadlines", () => {
  it("counts a date as far off only after the end of next year, in the channel's timezone", () => {
    expect(isFarOff({ date: "2027-12-31" }, now, "UTC")).toBe(false);
    expect(isFarOff({ date: "2028-01-01" }, now, "UTC")).toBe(true);
    expect(isFarOff({ date: "9999-12-31" }, now, "UTC")).toBe(true);
    // 31 Dec 2026 23:30 UTC is already 2027 in Tokyo.
    const newYearsEve = new Date("2026-12-31T23:30:00Z");
    expect(isFarOff({ date: "2028-06-01" }, newYearsEve, "Asia/Tokyo")).toBe(false);
    expect(isFarOff({ date: "2028-06-01" }, newYearsEve, "UTC")).toBe(true);
  });

  it("a pending deadline survives its button value; anything else is refused", () => {
    const parsed = parse("9999-12-31 17:00 Acme https://acme.example/apply?a=1&b=2");
    if (!parsed.ok) throw new Error(parsed.problem.code);
    const pending = pendingDeadline.from("a1b2c3", parsed.value, "Europe/Berlin");
    const value = pendingDeadline.encode(pending);
    expect(value.length).toBeLessThanOrEqual(2000);
    expect(pendingDeadline.decode(value, now)).toEqual(pending);
    expect(pendingDeadline.toNew(pending)).toEqual(parsed.value);
    const forged = (change: Record<string, unknown>) =>
      pendingDeadline.decode(JSON.stringify({ ...pending, ...change }), now);
    expect(pendingDeadline.decode("not json", now)).toBeUndefined();
    expect(forged({ url: "javascript:alert(1)" })).toBeUndefined();
    expect(forged({ date: "2020-01-01" })).toBeUndefined();
    expect(forged({ date: "9999-02-30" })).toBeUndefined();
    expect(forged({ timezone: "Mars/Olympus" })).toBeUndefined();
    expect(forged({ title: "" })).toBeUndefined();
  });

  it("adding with a fixed id twice stores it once", async () => {
    const d = new Deadlines(await openStore("memory://"), () => now);
    const input = { date: { date: "9999-12-31" }, title: "Forever" };
    const first = await d.add("T", "C", input, "U1", "UTC", { id: "abc123" });
    const again = await d.add("T", "C", input, "U2", "UTC", { id: "abc123" });
    expect(first).toMatchObject({ ok: true, existed: false });
    expect(again).toMatchObject({ ok: true, existed: true, value: { addedBy: "U1" } });
    expect((await d.upcoming("T", "C")).map((x) => x.id)).toEqual(["abc123"]);
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
