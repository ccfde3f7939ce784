import { describe, expect, it } from "vitest";
import { problemText } from "../../../src/blocks/problems.ts";
import {
  daysUntil,
  latestRun,
  nextRun,
  parseDeadlineDate,
  parseTime,
  parseTimezone,
  parseWeekday,
  weekKey,
} from "../../../src/services/scheduling/time.ts";

const now = new Date("2026-11-22T12:00:00Z"); // a Sunday
const ok = (text: string, zone = "UTC") => {
  const r = parseDeadlineDate(text, now, zone);
  return r.ok ? r.value : problemText(r.problem);
};

describe("deadline dates", () => {
  it.each([
    ["2026-12-15", { date: "2026-12-15" }],
    ["2026-12-15 17:00", { date: "2026-12-15", time: "17:00" }],
    ["Dec 5", { date: "2026-12-05" }],
    ["5 Dec", { date: "2026-12-05" }],
    ["December 5 2026", { date: "2026-12-05" }],
    ["Dec 5, 2026", { date: "2026-12-05" }],
    ["5th December", { date: "2026-12-05" }],
    ["Nov 1", { date: "2027-11-01" }],
    ["Nov 22", { date: "2026-11-22" }],
  ])("%s", (text, expected) => {
    expect(ok(text)).toEqual(expected);
  });

  it.each([
    ["2026-13-45", "2026-13-45 is not a real date. Write it as YYYY-MM-DD, like 2026-12-15."],
    ["2026-02-30", "2026-02-30 is not a real date. Write it as YYYY-MM-DD, like 2026-12-15."],
    ["2025-01-01", "Wed 1 Jan 2025 is in the past. Deadlines must be today or later."],
    ["2026-11-22 08:00", "Sun 22 Nov 2026 08:00 is in the past. Deadlines must be today or later."],
    ["November 1 2026", "Sun 1 Nov 2026 is in the past. Deadlines must be today or later."],
    ["2026-12-15 25:00", "“25:00” is not a time. Use the 24-hour clock, like 09:00 or 17:30."],
  ])("refuses %s", (text, error) => {
    expect(ok(text)).toBe(error);
  });

  it("reads 'today' in the group's timezone", () => {
    // 12:00 UTC on 22 Nov is already 23 Nov in Auckland, so 22 Nov is in the past there.
    expect(ok("2026-11-22", "Pacific/Auckland")).toMatch(/in the past/);
    expect(ok("2026-11-22", "America/Los_Angeles")).toEqual({ date: "2026-11-22" });
  });
});

describe("weekday, time and timezone", () => {
  it("reads weekdays leniently and refuses others", () => {
    expect(parseWeekday("Monday")).toEqual({ ok: true, value: 1 });
    expect(parseWeekday("thu")).toEqual({ ok: true, value: 4 });
    expect(parseWeekday("sundays")).toEqual({ ok: true, value: 7 });
    expect(parseWeekday("someday").ok).toBe(false);
  });
  it("reads 24-hour times", () => {
    expect(parseTime("9:05")).toEqual({ ok: true, value: "09:05" });
    expect(parseTime("24:00").ok).toBe(false);
    expect(parseTime("9am").ok).toBe(false);
  });
  it("accepts IANA zones only", () => {
    expect(parseTimezone("America/New_York")).toEqual({ ok: true, value: "America/New_York" });
    expect(parseTimezone("utc")).toEqual({ ok: true, value: "UTC" });
    expect(parseTimezone("Mars/Olympus").ok).toBe(false);
  });
});

describe("weekly runs across daylight saving", () => {
  const ny = { weekday: 1, time: "09:00", timezone: "America/New_York" };

  it("09:00 America/New_York is 14:00 UTC in January and 13:00 UTC in July", () => {
    expect(latestRun(ny, new Date("2027-01-11T15:00:00Z")).toISOString()).toBe(
      "2027-01-11T14:00:00.000Z",
    );
    expect(latestRun(ny, new Date("2027-07-12T15:00:00Z")).toISOString()).toBe(
      "2027-07-12T13:00:00.000Z",
    );
    expect(nextRun(ny, new Date("2027-01-11T13:59:00Z")).toISOString()).toBe(
      "2027-01-11T14:00:00.000Z",
    );
  });

  it("a run before this week's time is last week's", () => {
    expect(latestRun(ny, new Date("2027-01-11T13:59:00Z")).toISOString()).toBe(
      "2027-01-04T14:00:00.000Z",
    );
  });

  it("a time skipped by the spring-forward gap moves forward by the gap", () => {
    const gap = { weekday: 7, time: "02:30", timezone: "America/New_York" };
    expect(latestRun(gap, new Date("2027-03-14T12:00:00Z")).toISOString()).toBe(
      "2027-03-14T07:30:00.000Z",
    );
  });

  it("the week key is the ISO week in the group's zone", () => {
    // 02:00 UTC on Monday 4 Jan is still Sunday evening in New York.
    expect(weekKey(new Date("2027-01-04T02:00:00Z"), "America/New_York")).toBe("2026-W53");
    expect(weekKey(new Date("2027-01-04T02:00:00Z"), "UTC")).toBe("2027-W01");
    expect(weekKey(new Date("2027-01-03T12:00:00Z"), "UTC")).toBe("2026-W53");
  });

  it("counts calendar days in the zone", () => {
    expect(daysUntil("2026-11-25", now, "UTC")).toBe(3);
    expect(daysUntil("2026-11-22", now, "UTC")).toBe(0);
  });
});
