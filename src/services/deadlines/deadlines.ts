import { randomBytes } from "node:crypto";
import { z } from "zod";
import {
  type DeadlineDate,
  daysUntil,
  localDate,
  type Parsed,
  parseDeadlineDate,
  parseTimezone,
} from "../scheduling/time.ts";
import type { Collection, Store } from "../storage/store.ts";

const DeadlineSchema = z.object({
  id: z.string(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  time: z
    .string()
    .regex(/^\d{2}:\d{2}$/)
    .optional(),
  timezone: z.string(),
  title: z.string().min(1),
  url: z.string().optional(),
  addedBy: z.string(),
  addedAt: z.string(),
});
export type Deadline = z.infer<typeof DeadlineSchema>;

const ChannelDeadlinesSchema = z.object({ items: z.array(DeadlineSchema) });
type ChannelDeadlines = z.infer<typeof ChannelDeadlinesSchema>;

/** Passed deadlines drop off lists and nudges but stay stored this long. */
export const KEEP_PASSED_DAYS = 30;
/** Upcoming deadlines one channel may hold. */
export const MAX_UPCOMING = 100;
const MAX_TITLE = 200;

export interface NewDeadline {
  date: DeadlineDate;
  title: string;
  url?: string;
}

/**
 * Splits `<date> <title> [url]` as typed after `/deadlines add`: the date is the longest leading
 * run of words that reads as a date; a trailing link (bare, or as Slack sends it: `<https://…>` or
 * `<https://…|label>`) is the URL. Otherwise a Problem saying what is wrong.
 *
 * @example
 * parseNewDeadline("Dec 5 Acme ML intern https://acme.example/jobs", now, "UTC");
 */
export function parseNewDeadline(text: string, now: Date, timezone: string): Parsed<NewDeadline> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { ok: false, problem: { code: "empty" } };
  let date: DeadlineDate | undefined;
  let rest: string[] = [];
  for (let n = Math.min(4, words.length); n >= 1; n--) {
    const parsed = parseDeadlineDate(words.slice(0, n).join(" "), now, timezone);
    if (parsed.ok) {
      date = parsed.value;
      rest = words.slice(n);
      break;
    }
    if (parsed.problem.code !== "unreadable_date") return { ok: false, problem: parsed.problem };
  }
  if (!date) {
    return { ok: false, problem: { code: "no_date", text: text.trim() } };
  }
  let url: string | undefined;
  const links = rest.filter((word) => LINKISH.test(word));
  const last = rest.at(-1);
  if (links.length > 1 || (links.length === 1 && !LINKISH.test(last ?? ""))) {
    return { ok: false, problem: { code: "one_link" } };
  }
  if (last && LINKISH.test(last)) {
    const candidate = last.replace(/^<|>$/g, "").split("|")[0] ?? "";
    if (!isHttpUrl(candidate)) {
      return { ok: false, problem: { code: "bad_link", link: candidate } };
    }
    url = candidate;
    rest = rest.slice(0, -1);
  }
  const title = rest.join(" ").trim();
  if (!title) return { ok: false, problem: { code: "no_title" } };
  if (title.length > MAX_TITLE)
    return { ok: false, problem: { code: "title_too_long", length: title.length, max: MAX_TITLE } };
  return { ok: true, value: url ? { date, title, url } : { date, title } };
}

/**
 * A word meant as a link: Slack's link markup (`<https://…>`, `<mailto:…|…>`; not a mention like
 * `<@U1>`, nor `<ML>` typed in a title), anything with a scheme (`ftp://…`), `http:…` or `www.…`.
 */
const LINKISH = /^<[a-z][a-z0-9+.-]*:[^>]*>$|^[a-z][a-z0-9+.-]*:\/\/|^(https?:|www\.)/i;
/** Links longer than this are refused: they must fit in a confirmation button's value. */
const MAX_URL = 1000;
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/** An http(s) URL with a real host name (labels of letters, digits and hyphens, a top-level domain). */
export function isHttpUrl(text: string): boolean {
  if (text.length > MAX_URL || /\s/.test(text)) return false;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return false;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return false;
  if (!/^https?:\/\/[^/?#]/i.test(text)) return false;
  const labels = u.hostname.split(".");
  const tld = labels.at(-1) ?? "";
  return (
    labels.length >= 2 && labels.every((l) => HOST_LABEL.test(l)) && /^[a-z]{2,}$|^xn--/i.test(tld)
  );
}

/**
 * A deadline dated after the end of next year (in the channel's timezone) is more likely a typo
 * (9999-12-31, 2062 for 2026) than a plan: it is added only once the user confirms it.
 *
 * @example
 * isFarOff({ date: "9999-12-31" }, new Date("2026-11-22T12:00:00Z"), "UTC"); // true
 */
export function isFarOff(date: DeadlineDate, now: Date, timezone: string): boolean {
  const thisYear = Number(localDate(now, timezone).slice(0, 4));
  return Number(date.date.slice(0, 4)) > thisYear + 1;
}

/** A deadline waiting for its adder's "yes": everything needed to add it, carried by the button. */
const PendingSchema = z.object({
  id: z.string().regex(/^[a-f0-9]{6}$/),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  time: z
    .string()
    .regex(/^\d{2}:\d{2}$/)
    .optional(),
  timezone: z.string().min(1),
  title: z.string().min(1).max(MAX_TITLE),
  url: z.string().refine(isHttpUrl).optional(),
});
export type PendingDeadline = z.infer<typeof PendingSchema>;

/** The pending deadline as a button value (JSON), and back; undefined for anything else. */
export const pendingDeadline = {
  encode(p: PendingDeadline): string {
    return JSON.stringify(PendingSchema.parse(p));
  },
  /** Also refused: a date that is not real or has passed by `now`, or an unknown timezone. */
  decode(value: string, now: Date): PendingDeadline | undefined {
    let raw: unknown;
    try {
      raw = JSON.parse(value);
    } catch {
      return undefined;
    }
    const parsed = PendingSchema.safeParse(raw);
    if (!parsed.success || !parseTimezone(parsed.data.timezone).ok) return undefined;
    const { date, time, timezone } = parsed.data;
    const still = parseDeadlineDate(time ? `${date} ${time}` : date, now, timezone);
    return still.ok ? parsed.data : undefined;
  },
  /** A pending deadline for a parsed one, under a fresh id. */
  from(id: string, input: NewDeadline, timezone: string): PendingDeadline {
    return {
      id,
      date: input.date.date,
      ...(input.date.time ? { time: input.date.time } : {}),
      timezone,
      title: input.title,
      ...(input.url ? { url: input.url } : {}),
    };
  },
  /** The NewDeadline it stands for. */
  toNew(p: PendingDeadline): NewDeadline {
    const date: DeadlineDate = p.time ? { date: p.date, time: p.time } : { date: p.date };
    return p.url ? { date, title: p.title, url: p.url } : { date, title: p.title };
  },
};

/** What `Deadlines.add` did. */
export type AddResult =
  | {
      ok: true;
      value: Deadline /** It had been added before (a repeated confirmation). */;
      existed: boolean;
    }
  | { ok: false; code: "channel_full"; limit: number };

/**
 * A study group's application deadlines, per channel.
 *
 * @example
 * const d = await deadlines.add("T1", "C1", { date: { date: "2026-12-15" }, title: "Acme" }, "U1", "UTC");
 * await deadlines.upcoming("T1", "C1"); // [d]
 */
export class Deadlines {
  private readonly channels: Collection<ChannelDeadlines>;
  /** Per workspace, the channels that have ever had a deadline (for the Home tab). */
  private readonly index: Collection<string[]>;

  constructor(
    store: Store,
    private readonly now: () => Date = () => new Date(),
    private readonly newId: () => string = () => randomBytes(3).toString("hex"),
  ) {
    this.channels = store.collection("deadlines", ChannelDeadlinesSchema);
    this.index = store.collection("deadline-channels", z.array(z.string()));
  }

  /** The channels of a workspace that have deadlines stored. */
  async channelsWithDeadlines(teamId: string): Promise<string[]> {
    return (await this.index.get(teamId)) ?? [];
  }

  /** A fresh id for a deadline, e.g. for one awaiting confirmation. */
  newDeadlineId(): string {
    return this.newId();
  }

  /**
   * Stores a deadline; returns it with its id, or `channel_full`. With `options.id`, adding the
   * same id again returns the stored one with `existed: true` and changes nothing (so a
   * confirmation clicked twice adds it once).
   */
  async add(
    teamId: string,
    channelId: string,
    input: NewDeadline,
    userId: string,
    timezone: string,
    options: { id?: string } = {},
  ): Promise<AddResult> {
    // Set inside the serialized update; a holder object, as TypeScript cannot follow closures.
    const out: { result: AddResult } = {
      result: { ok: false, code: "channel_full", limit: MAX_UPCOMING },
    };
    await this.channels.update(key(teamId, channelId), (current) => {
      const items = this.pruned(current?.items ?? []);
      const existing = options.id ? items.find((d) => d.id === options.id) : undefined;
      if (existing) {
        out.result = { ok: true, value: existing, existed: true };
        return { items };
      }
      if (items.filter((d) => !this.isPassed(d)).length >= MAX_UPCOMING) {
        out.result = { ok: false, code: "channel_full", limit: MAX_UPCOMING };
        return { items };
      }
      let id = options.id ?? this.newId();
      while (items.some((d) => d.id === id)) id = this.newId();
      const deadline: Deadline = {
        id,
        date: input.date.date,
        ...(input.date.time ? { time: input.date.time } : {}),
        timezone,
        title: input.title,
        ...(input.url ? { url: input.url } : {}),
        addedBy: userId,
        addedAt: this.now().toISOString(),
      };
      out.result = { ok: true, value: deadline, existed: false };
      return { items: [...items, deadline] };
    });
    const { result } = out;
    if (result.ok && !result.existed) {
      await this.index.update(teamId, (ids = []) =>
        ids.includes(channelId) ? ids : [...ids, channelId],
      );
    }
    return result;
  }

  /** Removes one of the channel's deadlines by id; the removed one, if it existed. */
  async remove(teamId: string, channelId: string, id: string): Promise<Deadline | undefined> {
    let removed: Deadline | undefined;
    const wanted = id.trim().toLowerCase().replace(/^`|`$/g, "");
    await this.channels.update(key(teamId, channelId), (current) => {
      const items = current?.items ?? [];
      removed = items.find((d) => d.id === wanted);
      return { items: items.filter((d) => d.id !== wanted) };
    });
    return removed;
  }

  /** Deadlines from today (as of `at`, default now) on, soonest first. */
  async upcoming(teamId: string, channelId: string, at: Date = this.now()): Promise<Deadline[]> {
    const current = await this.channels.get(key(teamId, channelId));
    return sortByDate((current?.items ?? []).filter((d) => !this.isPassed(d, at)));
  }

  /** Deadlines in the next `days` days (today included), soonest first. */
  async within(
    teamId: string,
    channelId: string,
    days: number,
    at: Date = this.now(),
  ): Promise<Deadline[]> {
    return (await this.upcoming(teamId, channelId, at)).filter((d) => this.daysLeft(d, at) <= days);
  }

  /** Calendar days left until a deadline, in its own timezone. */
  daysLeft(deadline: Deadline, at: Date = this.now()): number {
    return daysUntil(deadline.date, at, deadline.timezone);
  }

  private isPassed(deadline: Deadline, at: Date = this.now()): boolean {
    return deadline.date < localDate(at, deadline.timezone);
  }

  private pruned(items: Deadline[]): Deadline[] {
    return items.filter((d) => daysUntil(d.date, this.now(), d.timezone) >= -KEEP_PASSED_DAYS);
  }
}

function key(teamId: string, channelId: string): string {
  return `${teamId}:${channelId}`;
}

function sortByDate(items: Deadline[]): Deadline[] {
  return [...items].sort((a, b) =>
    `${a.date} ${a.time ?? "99"}`.localeCompare(`${b.date} ${b.time ?? "99"}`),
  );
}
