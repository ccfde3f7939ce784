import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { ListingTracker, PickedListing, PickOutcome, PickStage } from "../listings/tracker.ts";
import { localDate } from "../scheduling/time.ts";
import type { Collection, Store } from "../storage/store.ts";
import {
  type NewApplication,
  normalizeId,
  parseNewApplication,
  type Stage,
  StageSchema,
} from "./parse.ts";

const DateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const ApplicationSchema = z.object({
  id: z.string(),
  company: z.string().min(1),
  role: z.string(),
  url: z.string().optional(),
  stage: StageSchema,
  /** The date (in the student's timezone) each stage was last reached. */
  dates: z.partialRecord(StageSchema, DateSchema),
  /** When it last changed, for "most recent first". */
  updatedAt: z.string(),
  /** The listing it was added from, when it came from "I applied" / "Save" on a /listings post. */
  listingId: z.string().optional(),
  /** The deadline it was added from, when it came from an "I applied" / "Save for later" click. */
  deadline: z
    .object({ channelId: z.string(), id: z.string(), date: DateSchema, title: z.string() })
    .optional(),
});
export type Application = z.infer<typeof ApplicationSchema>;

const StudentSchema = z.object({
  items: z.array(ApplicationSchema),
  /** Named in the weekly nudge ("🎉 Priya got an offer at Acme"); off unless chosen. */
  share: z.boolean(),
  /** The 21-day "Heard back?" DMs. */
  reminders: z.boolean(),
  timezone: z.string(),
});
export type Student = z.infer<typeof StudentSchema>;

/** One stage reached, kept per workspace for the weekly momentum line: who, which, when. */
const EventSchema = z.object({
  user: z.string(),
  app: z.string(),
  stage: StageSchema,
  at: z.string(),
});
const EventsSchema = z.object({ events: z.array(EventSchema) });

/** Applications one student may keep. */
export const MAX_APPLICATIONS = 500;
/** Momentum events are kept in one record per workspace and UTC day, each for this long. */
const KEEP_EVENTS_MS = 15 * 86_400_000;
const DAY_MS = 86_400_000;
/** Events one day's record keeps at most (the oldest give way). */
const MAX_EVENTS_PER_DAY = 5000;

export type AddResult =
  | { ok: true; application: Application }
  | { ok: false; code: "full"; max: number };

export type MoveResult =
  | { ok: true; application: Application; from: Stage; changed: boolean }
  | { ok: false; code: "not_found"; id: string };

export type FromDeadlineResult =
  | { status: "added"; application: Application }
  | { status: "moved"; application: Application; from: Stage }
  | { status: "already"; application: Application }
  | { status: "full"; max: number };

/** A deadline as the tracker needs it (the deadlines service's record has more). */
export interface DeadlineRef {
  channelId: string;
  id: string;
  date: string;
  title: string;
  url?: string;
}

/** The group's week, as counts, and the names of those who chose to share. */
export interface Momentum {
  sent: number;
  interviews: number;
  offers: number;
  /** Offers by members who turned `/track share on`, with the company. */
  shared: Array<{ user: string; company: string }>;
}

/**
 * Each student's applications, stored per workspace and user: only that student's own calls read
 * or change them (every method takes the acting user; there is no way to name someone else's).
 *
 * @example
 * const t = new Tracker(store);
 * const added = await t.add("T1", "U1", { company: "Acme", role: "ML intern" }, "UTC");
 * await t.move("T1", "U1", added.application.id, "interview", "UTC");
 */
export class Tracker implements ListingTracker {
  private readonly students: Collection<Student>;
  private readonly events: Collection<z.infer<typeof EventsSchema>>;
  /** Every `team:user` with a tracker, for the follow-up scan. */
  private readonly index: Collection<string[]>;

  constructor(
    store: Store,
    private readonly now: () => Date = () => new Date(),
    private readonly newId: () => string = () => randomBytes(3).toString("hex"),
  ) {
    this.students = store.collection("tracker", StudentSchema);
    this.events = store.collection("tracker-events", EventsSchema);
    this.index = store.collection("tracker-students", z.array(z.string()));
  }

  /** The student's record (empty when they have not tracked anything). */
  async get(teamId: string, userId: string): Promise<Student> {
    return (await this.students.get(key(teamId, userId))) ?? empty("UTC");
  }

  /** The student's applications, most recently changed first. */
  async list(teamId: string, userId: string): Promise<Application[]> {
    return recentFirst((await this.get(teamId, userId)).items);
  }

  /** Adds an application at `applied` (or `saved`), dated today in `timezone`. */
  async add(
    teamId: string,
    userId: string,
    input: NewApplication,
    timezone: string,
    stage: Stage = "applied",
  ): Promise<AddResult> {
    let result = { ok: false, code: "full", max: MAX_APPLICATIONS } as AddResult;
    await this.change(teamId, userId, timezone, (student) => {
      if (student.items.length >= MAX_APPLICATIONS) return student;
      const application = this.create(student, input, stage, timezone);
      result = { ok: true, application };
      return { ...student, items: [...student.items, application] };
    });
    if (result.ok) await this.record(teamId, userId, result.application.id, stage);
    return result;
  }

  /**
   * "I applied" / "Save for later" on a deadline: adds it once per student. A second click finds
   * it already there; "I applied" on one that was only saved moves it to `applied`.
   */
  async addFromDeadline(
    teamId: string,
    userId: string,
    deadline: DeadlineRef,
    stage: "applied" | "saved",
    timezone: string,
  ): Promise<FromDeadlineResult> {
    let result = { status: "full", max: MAX_APPLICATIONS } as FromDeadlineResult;
    await this.change(teamId, userId, timezone, (student) => {
      const existing = student.items.find(
        (a) => a.deadline?.channelId === deadline.channelId && a.deadline.id === deadline.id,
      );
      if (existing) {
        if (stage === "applied" && existing.stage === "saved") {
          const moved = this.moved(existing, "applied", timezone);
          result = { status: "moved", application: moved, from: "saved" };
          return {
            ...student,
            items: student.items.map((a) => (a.id === existing.id ? moved : a)),
          };
        }
        result = { status: "already", application: existing };
        return student;
      }
      if (student.items.length >= MAX_APPLICATIONS) return student;
      const parsed = parseNewApplication(deadline.title);
      const input = parsed.ok
        ? { company: parsed.value.company, role: parsed.value.role }
        : { company: deadline.title, role: "" };
      const application: Application = {
        ...this.create(
          student,
          { ...input, ...(deadline.url ? { url: deadline.url } : {}) },
          stage,
          timezone,
        ),
        deadline: {
          channelId: deadline.channelId,
          id: deadline.id,
          date: deadline.date,
          title: deadline.title,
        },
      };
      result = { status: "added", application };
      return { ...student, items: [...student.items, application] };
    });
    if (result.status === "added" || result.status === "moved")
      await this.record(teamId, userId, result.application.id, result.application.stage);
    return result;
  }

  /**
   * "I applied" / "Save" on a /listings post: adds the listing once per student (keyed by its id).
   * A second click finds it already there; "I applied" on one only saved moves it to `applied`.
   */
  async addListing(
    teamId: string,
    userId: string,
    listing: PickedListing,
    stage: PickStage,
    timezone = "UTC",
  ): Promise<PickOutcome> {
    let outcome: PickOutcome = { result: "already", stage };
    let changed: Application | undefined;
    await this.change(teamId, userId, timezone, (student) => {
      changed = undefined;
      const existing = student.items.find((a) => a.listingId === listing.listingId);
      if (existing) {
        if (stage === "applied" && existing.stage === "saved") {
          changed = this.moved(existing, "applied", timezone);
          outcome = { result: "moved", stage: "applied" };
          const moved = changed;
          return {
            ...student,
            items: student.items.map((a) => (a.id === existing.id ? moved : a)),
          };
        }
        outcome = { result: "already", stage: existing.stage };
        return student;
      }
      if (student.items.length >= MAX_APPLICATIONS) {
        outcome = { result: "full", stage };
        return student;
      }
      changed = {
        ...this.create(
          student,
          { company: listing.company, role: listing.role, url: listing.link },
          stage,
          timezone,
        ),
        listingId: listing.listingId,
      };
      outcome = { result: "added", stage };
      return { ...student, items: [...student.items, changed] };
    });
    const done = changed as Application | undefined;
    if (done) await this.record(teamId, userId, done.id, done.stage);
    return outcome;
  }

  /** Moves one of the student's applications to a stage, recording today's date for it. */
  async move(
    teamId: string,
    userId: string,
    id: string,
    stage: Stage,
    timezone: string,
  ): Promise<MoveResult> {
    const wanted = normalizeId(id);
    let result = { ok: false, code: "not_found", id: wanted } as MoveResult;
    await this.change(teamId, userId, timezone, (student) => {
      const current = student.items.find((a) => a.id === wanted);
      if (!current) return student;
      if (current.stage === stage) {
        result = { ok: true, application: current, from: stage, changed: false };
        return student;
      }
      const moved = this.moved(current, stage, timezone);
      result = { ok: true, application: moved, from: current.stage, changed: true };
      return { ...student, items: student.items.map((a) => (a.id === wanted ? moved : a)) };
    });
    if (result.ok && result.changed) await this.record(teamId, userId, wanted, stage);
    return result;
  }

  /** Removes one of the student's applications; the removed one, if it was theirs. */
  async remove(teamId: string, userId: string, id: string): Promise<Application | undefined> {
    const wanted = normalizeId(id);
    const current = await this.students.get(key(teamId, userId));
    if (!current?.items.some((a) => a.id === wanted)) return undefined;
    let removed: Application | undefined;
    await this.students.update(key(teamId, userId), (student = empty("UTC")) => {
      removed = student.items.find((a) => a.id === wanted);
      return { ...student, items: student.items.filter((a) => a.id !== wanted) };
    });
    return removed;
  }

  /** `/track share on|off`: whether the student's offers are named in the weekly nudge. */
  async setShare(teamId: string, userId: string, on: boolean, timezone: string): Promise<void> {
    await this.change(teamId, userId, timezone, (s) => ({ ...s, share: on }));
  }

  /** `/track reminders on|off`: the 21-day follow-up DMs. */
  async setReminders(teamId: string, userId: string, on: boolean, timezone: string): Promise<void> {
    await this.change(teamId, userId, timezone, (s) => ({ ...s, reminders: on }));
  }

  /** Every `team:user` key with a tracker. */
  async studentKeys(): Promise<string[]> {
    return (await this.index.get("all")) ?? [];
  }

  /** A student's record by its `team:user` key, if any. */
  async byKey(studentKey: string): Promise<Student | undefined> {
    return this.students.get(studentKey);
  }

  /**
   * The workspace's week up to `until`: applications sent, interviews and offers reached (counted
   * once per application and stage), and the offers of members who chose to share.
   */
  async momentum(teamId: string, until: Date = this.now()): Promise<Momentum> {
    const since = until.getTime() - 7 * DAY_MS;
    const days: Array<z.infer<typeof EventSchema>> = [];
    for (let day = since; day < until.getTime() + DAY_MS; day += DAY_MS) {
      days.push(...((await this.events.get(dayKey(teamId, new Date(day))))?.events ?? []));
    }
    const events = days.filter((e) => {
      const at = Date.parse(e.at);
      return at > since && at <= until.getTime();
    });
    const once = new Map<string, z.infer<typeof EventSchema>>();
    for (const e of events) once.set(`${e.user}:${e.app}:${e.stage}`, e);
    const unique = [...once.values()];
    const count = (stage: Stage) => unique.filter((e) => e.stage === stage).length;
    const shared: Momentum["shared"] = [];
    for (const e of unique.filter((u) => u.stage === "offer")) {
      const student = await this.students.get(key(teamId, e.user));
      const application = student?.items.find((a) => a.id === e.app);
      // Named only while the student has sharing on and the application is still theirs.
      if (student?.share && application)
        shared.push({ user: e.user, company: application.company });
    }
    return {
      sent: count("applied"),
      interviews: count("interview"),
      offers: count("offer"),
      shared,
    };
  }

  /** Today's date for a student, in their timezone. */
  today(timezone: string): string {
    return localDate(this.now(), timezone);
  }

  private create(
    student: Student,
    input: NewApplication,
    stage: Stage,
    timezone: string,
  ): Application {
    let id = this.newId();
    while (student.items.some((a) => a.id === id)) id = this.newId();
    return {
      id,
      company: input.company,
      role: input.role,
      ...(input.url ? { url: input.url } : {}),
      stage,
      dates: { [stage]: this.today(timezone) },
      updatedAt: this.now().toISOString(),
    };
  }

  private moved(application: Application, stage: Stage, timezone: string): Application {
    return {
      ...application,
      stage,
      dates: { ...application.dates, [stage]: this.today(timezone) },
      updatedAt: this.now().toISOString(),
    };
  }

  /** Read-modify-write of one student's record; remembers their timezone and indexes them. */
  private async change(
    teamId: string,
    userId: string,
    timezone: string,
    edit: (student: Student) => Student,
  ): Promise<Student> {
    const k = key(teamId, userId);
    const isNew = (await this.students.get(k)) === undefined;
    const next = await this.students.update(k, (current) => ({
      ...edit(current ?? empty(timezone)),
      timezone,
    }));
    if (isNew)
      await this.index.update("all", (keys = []) => (keys.includes(k) ? keys : [...keys, k]));
    return next;
  }

  private async record(teamId: string, userId: string, app: string, stage: Stage): Promise<void> {
    const now = this.now();
    // One record per workspace and day keeps each write small however long the history.
    await this.events.update(
      dayKey(teamId, now),
      (current) => ({
        events: [
          ...(current?.events ?? []),
          { user: userId, app, stage, at: now.toISOString() },
        ].slice(-MAX_EVENTS_PER_DAY),
      }),
      KEEP_EVENTS_MS,
    );
  }
}

function dayKey(teamId: string, at: Date): string {
  return `${teamId}:${at.toISOString().slice(0, 10)}`;
}

function key(teamId: string, userId: string): string {
  return `${teamId}:${userId}`;
}

function empty(timezone: string): Student {
  return { items: [], share: false, reminders: true, timezone };
}

function recentFirst(items: readonly Application[]): Application[] {
  return [...items].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}
