import { describe, expect, it } from "vitest";
import type { PostOutcome } from "../../../src/services/nudges/sender.ts";
import { openStore, type Store } from "../../../src/services/storage/store.ts";
import { toCsv } from "../../../src/services/tracker/export.ts";
import { type FollowUp, FollowUps } from "../../../src/services/tracker/follow-ups.ts";
import { Tracker } from "../../../src/services/tracker/tracker.ts";
import { VirtualClock } from "../../helpers/virtual-clock.ts";

const DEADLINE = {
  channelId: "C1",
  id: "d00001",
  date: "2026-12-15",
  title: "Acme ML intern",
  url: "https://acme.example/apply",
};

async function setup(start = "2026-11-23T15:00:00Z") {
  const store = await openStore("memory://");
  const clock = new VirtualClock(Date.parse(start));
  const tracker = new Tracker(store, () => new Date(clock.now()));
  return { store, clock, tracker };
}

describe("Tracker", () => {
  it("adds at applied, dated today in the student's timezone, and records each stage's date", async () => {
    // 03:30 UTC on the 24th is still the 23rd in New York.
    const { clock, tracker } = await setup("2026-11-24T03:30:00Z");
    const added = await tracker.add(
      "T1",
      "U1",
      { company: "Acme", role: "ML intern" },
      "America/New_York",
    );
    expect(added.ok).toBe(true);
    if (!added.ok) return;
    expect(added.application).toMatchObject({ stage: "applied", dates: { applied: "2026-11-23" } });
    expect(added.application.id).toMatch(/^[0-9a-f]{6}$/);

    clock.advance(3 * 86_400_000);
    const oa = await tracker.move("T1", "U1", added.application.id, "oa", "America/New_York");
    clock.advance(4 * 86_400_000);
    const interview = await tracker.move(
      "T1",
      "U1",
      added.application.id.toUpperCase(),
      "interview",
      "America/New_York",
    );
    expect(oa).toMatchObject({ ok: true, from: "applied", changed: true });
    expect(interview).toMatchObject({
      ok: true,
      from: "oa",
      application: {
        stage: "interview",
        dates: { applied: "2026-11-23", oa: "2026-11-26", interview: "2026-11-30" },
      },
    });
    const again = await tracker.move(
      "T1",
      "U1",
      added.application.id,
      "interview",
      "America/New_York",
    );
    expect(again).toMatchObject({ ok: true, changed: false });
  });

  it("keeps each student's applications apart: another user cannot see, move or remove them", async () => {
    const { tracker } = await setup();
    const added = await tracker.add("T1", "U1", { company: "Acme", role: "ML intern" }, "UTC");
    if (!added.ok) throw new Error("not added");
    const id = added.application.id;
    expect(await tracker.list("T1", "U2")).toEqual([]);
    expect(await tracker.move("T1", "U2", id, "offer", "UTC")).toEqual({
      ok: false,
      code: "not_found",
      id,
    });
    expect(await tracker.remove("T1", "U2", id)).toBeUndefined();
    // Same user id in another workspace is another student.
    expect(await tracker.list("T2", "U1")).toEqual([]);
    expect((await tracker.list("T1", "U1"))[0]?.stage).toBe("applied");
    expect((await tracker.remove("T1", "U1", id))?.company).toBe("Acme");
    expect(await tracker.list("T1", "U1")).toEqual([]);
  });

  it("adds a /listings post once per student by its id; I applied on a saved one moves it", async () => {
    const { tracker } = await setup();
    const listing = {
      listingId: "lst-42",
      company: "Acme",
      role: "ML Intern",
      link: "https://acme.example/jobs/42",
    };
    expect(await tracker.addListing("T1", "U1", listing, "saved")).toEqual({
      result: "added",
      stage: "saved",
    });
    expect(await tracker.addListing("T1", "U1", listing, "saved")).toEqual({
      result: "already",
      stage: "saved",
    });
    expect(await tracker.addListing("T1", "U1", listing, "applied")).toEqual({
      result: "moved",
      stage: "applied",
    });
    expect(await tracker.addListing("T1", "U1", listing, "saved")).toEqual({
      result: "already",
      stage: "applied",
    });
    const [only] = await tracker.list("T1", "U1");
    expect(only).toMatchObject({ company: "Acme", role: "ML Intern", url: listing.link });
    expect(await tracker.list("T1", "U1")).toHaveLength(1);
    // Another student's tracker is their own.
    expect(await tracker.list("T1", "U2")).toEqual([]);
  });

  it("adds a deadline once per student: a second click finds it; I applied on a saved one moves it", async () => {
    const { tracker } = await setup();
    const saved = await tracker.addFromDeadline("T1", "U1", DEADLINE, "saved", "UTC");
    expect(saved).toMatchObject({
      status: "added",
      application: { company: "Acme", role: "ML intern", stage: "saved", url: DEADLINE.url },
    });
    expect(await tracker.addFromDeadline("T1", "U1", DEADLINE, "saved", "UTC")).toMatchObject({
      status: "already",
    });
    expect(await tracker.addFromDeadline("T1", "U1", DEADLINE, "applied", "UTC")).toMatchObject({
      status: "moved",
      from: "saved",
      application: { stage: "applied" },
    });
    expect(await tracker.addFromDeadline("T1", "U1", DEADLINE, "applied", "UTC")).toMatchObject({
      status: "already",
      application: { stage: "applied" },
    });
    expect(await tracker.list("T1", "U1")).toHaveLength(1);
    // Concurrent double clicks store it once.
    await Promise.all([
      tracker.addFromDeadline("T1", "U2", DEADLINE, "applied", "UTC"),
      tracker.addFromDeadline("T1", "U2", DEADLINE, "applied", "UTC"),
    ]);
    expect(await tracker.list("T1", "U2")).toHaveLength(1);
  });

  it("counts the group's week once per application and stage, naming only students who share", async () => {
    const { clock, tracker } = await setup();
    const a = await tracker.add("T1", "U1", { company: "Acme", role: "ML intern" }, "UTC");
    const b = await tracker.add("T1", "U2", { company: "Beta", role: "SWE intern" }, "UTC");
    await tracker.add("T1", "U3", { company: "Gamma", role: "Data intern" }, "UTC");
    await tracker.add("T2", "U9", { company: "Elsewhere", role: "intern" }, "UTC");
    if (!a.ok || !b.ok) throw new Error("not added");
    await tracker.move("T1", "U1", a.application.id, "interview", "UTC");
    await tracker.move("T1", "U1", a.application.id, "offer", "UTC");
    await tracker.move("T1", "U2", b.application.id, "offer", "UTC");
    // Back and forth does not count twice.
    await tracker.move("T1", "U2", b.application.id, "interview", "UTC");
    await tracker.move("T1", "U2", b.application.id, "offer", "UTC");
    await tracker.setShare("T1", "U2", true, "UTC");
    expect(await tracker.momentum("T1")).toEqual({
      sent: 3,
      interviews: 2,
      offers: 2,
      shared: [{ user: "U2", company: "Beta" }],
    });
    await tracker.setShare("T1", "U2", false, "UTC");
    expect((await tracker.momentum("T1")).shared).toEqual([]);
    // A week later, last week's events no longer count.
    clock.advance(7 * 86_400_000 + 1);
    expect(await tracker.momentum("T1")).toEqual({ sent: 0, interviews: 0, offers: 0, shared: [] });
  });

  it("exports the student's own data as CSV, quoting commas and defusing formulas", async () => {
    const { tracker } = await setup();
    await tracker.add(
      "T1",
      "U1",
      { company: "Acme, Inc.", role: 'ML "intern"', url: "https://acme.example/a" },
      "UTC",
    );
    await tracker.add("T1", "U1", { company: "=HYPERLINK(1)", role: "swe" }, "UTC");
    await tracker.add("T1", "U2", { company: "Not mine", role: "intern" }, "UTC");
    const csv = toCsv(await tracker.list("T1", "U1"));
    expect(csv.split("\r\n")).toEqual([
      "company,role,link,stage,saved_date,applied_date,oa_date,interview_date,offer_date,accepted_date,rejected_date,withdrawn_date",
      '"Acme, Inc.","ML ""intern""",https://acme.example/a,applied,,2026-11-23,,,,,,',
      "'=HYPERLINK(1),swe,,applied,,2026-11-23,,,,,,",
      "",
    ]);
    expect(csv).not.toContain("Not mine");
  });
});

describe("FollowUps: the 21-day 'Heard back?' DM", () => {
  async function withFollowUps(outcomes: PostOutcome[] = []) {
    const env = await setup("2026-11-01T15:00:00Z");
    const sent: FollowUp[] = [];
    const warnings: string[] = [];
    const followUps = (store: Store) =>
      new FollowUps({
        store,
        tracker: env.tracker,
        deliver: async (content) => {
          sent.push(content);
          return outcomes.shift() ?? { ok: true, ts: "1.1" };
        },
        logger: { warn: (m) => warnings.push(m) },
      });
    return {
      ...env,
      sent,
      warnings,
      followUps: followUps(env.store),
      another: () => followUps(env.store),
    };
  }

  it("DMs once after 21 days at applied, from 09:00 local time, and never again (even from another process)", async () => {
    const { clock, tracker, followUps, another, sent } = await withFollowUps();
    const a = await tracker.add(
      "T1",
      "U1",
      { company: "Acme", role: "ML intern" },
      "America/New_York",
    );
    const later = await tracker.add(
      "T1",
      "U1",
      { company: "Beta", role: "intern" },
      "America/New_York",
    );
    if (!a.ok || !later.ok) throw new Error("not added");
    await tracker.move("T1", "U1", later.application.id, "interview", "America/New_York");
    // Day 20: nothing.
    clock.set("2026-11-21T15:00:00Z");
    expect(await followUps.tick(new Date(clock.now()), true)).toEqual({ sent: 0, failed: 0 });
    // Day 21 at 07:00 in New York: still nothing, it waits for the morning.
    clock.set("2026-11-22T12:00:00Z");
    expect((await followUps.tick(new Date(clock.now()), true)).sent).toBe(0);
    clock.set("2026-11-22T14:05:00Z");
    expect((await followUps.tick(new Date(clock.now()), true)).sent).toBe(1);
    expect(sent[0]).toMatchObject({
      kind: "follow-up",
      teamId: "T1",
      userId: "U1",
      channelId: "U1",
      days: 21,
      application: { company: "Acme" },
    });
    clock.advance(60_000);
    expect((await followUps.tick(new Date(clock.now()), true)).sent).toBe(0);
    expect((await another().tick(new Date(clock.now()), true)).sent).toBe(0);
    expect(sent).toHaveLength(1);
  });

  it("scans at most every 10 minutes on the every-minute tick", async () => {
    const { clock, tracker, followUps, sent } = await withFollowUps();
    await tracker.add("T1", "U1", { company: "Acme", role: "intern" }, "UTC");
    clock.set("2026-11-22T15:00:00Z");
    await followUps.tick(new Date(clock.now()));
    expect(sent).toHaveLength(1);
    await tracker.add("T1", "U2", { company: "Beta", role: "intern" }, "UTC");
    // U2's application is new, but a scan one minute later does not even look.
    clock.advance(60_000);
    expect(await followUps.tick(new Date(clock.now()))).toEqual({ sent: 0, failed: 0 });
  });

  it("sends nothing to students who turned reminders off", async () => {
    const { clock, tracker, followUps, sent } = await withFollowUps();
    await tracker.add("T1", "U1", { company: "Acme", role: "intern" }, "UTC");
    await tracker.setReminders("T1", "U1", false, "UTC");
    clock.set("2026-12-20T15:00:00Z");
    await followUps.tick(new Date(clock.now()), true);
    expect(sent).toEqual([]);
  });

  it("tries again after a passing Slack error, but not after a final one", async () => {
    const { clock, tracker, followUps, sent, warnings } = await withFollowUps([
      { ok: false, error: "ratelimited", retryAfterMs: 1000 },
      { ok: true, ts: "1.2" },
      { ok: false, error: "user_not_found" },
    ]);
    await tracker.add("T1", "U1", { company: "Acme", role: "intern" }, "UTC");
    clock.set("2026-11-22T15:00:00Z");
    expect(await followUps.tick(new Date(clock.now()), true)).toEqual({ sent: 0, failed: 1 });
    expect(await followUps.tick(new Date(clock.now()), true)).toEqual({ sent: 1, failed: 0 });
    await tracker.add("T1", "U2", { company: "Gone", role: "intern" }, "UTC");
    clock.set("2026-12-14T15:00:00Z");
    expect(await followUps.tick(new Date(clock.now()), true)).toEqual({ sent: 0, failed: 1 });
    expect(await followUps.tick(new Date(clock.now()), true)).toEqual({ sent: 0, failed: 0 });
    expect(sent).toHaveLength(3);
    expect(warnings.join("\n")).toContain("user_not_found; not retried");
  });
});
