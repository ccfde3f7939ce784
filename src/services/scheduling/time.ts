import { DateTime, IANAZone, type WeekdayNumbers } from "luxon";

/** A weekly time in a timezone: weekday 1 (Monday) … 7 (Sunday), "HH:MM", IANA zone. */
export interface WeeklyTime {
  weekday: number;
  time: string;
  timezone: string;
}

/**
 * What is wrong with something a user typed, as a code and the values a reply needs; the
 * renderers (src/blocks/problems.ts) turn it into words, escaping what the user typed.
 */
export type Problem =
  | { code: "not_weekday"; text: string }
  | { code: "not_time"; text: string }
  | { code: "not_timezone"; text: string }
  | { code: "not_real_date"; text: string }
  | { code: "unreadable_date"; text: string }
  | { code: "past_date"; date: string; time?: string }
  | { code: "empty" }
  | { code: "no_date"; text: string }
  | { code: "one_link" }
  | { code: "bad_link"; link: string }
  | { code: "no_title" }
  | { code: "title_too_long"; length: number; max: number }
  | { code: "unknown_subcommand"; command: string; sub: string }
  | { code: "which_deadline" }
  | { code: "no_such_deadline"; id: string }
  | { code: "nudges_on_usage" };

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: Problem };

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/** "monday", "Mon", "tues" → 1, 1, 2. */
export function parseWeekday(word: string): Parsed<number> {
  const w = word.toLowerCase().replace(/s$/, "");
  const index = WEEKDAYS.findIndex((day) => w.length >= 3 && day.startsWith(w.replace(/\.$/, "")));
  return index >= 0
    ? { ok: true, value: index + 1 }
    : { ok: false, problem: { code: "not_weekday", text: word } };
}

export function weekdayName(weekday: number): string {
  const name = WEEKDAYS[weekday - 1] ?? "?";
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** "9:00", "09:00", "17:30" → "09:00", "09:00", "17:30"; 24-hour clock. */
export function parseTime(text: string): Parsed<string> {
  const m = text.match(/^(\d{1,2}):(\d{2})$/);
  const hour = Number(m?.[1]);
  const minute = Number(m?.[2]);
  if (!m || hour > 23 || minute > 59) {
    return { ok: false, problem: { code: "not_time", text } };
  }
  return { ok: true, value: `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}` };
}

/** A valid IANA timezone name, like America/New_York or Europe/Berlin (or UTC). */
export function parseTimezone(text: string): Parsed<string> {
  if (text.toUpperCase() === "UTC") return { ok: true, value: "UTC" };
  return IANAZone.isValidZone(text)
    ? { ok: true, value: new IANAZone(text).name }
    : { ok: false, problem: { code: "not_timezone", text } };
}

/**
 * The most recent scheduled instant at or before `now`: this week's if it has passed, else last
 * week's. A wall time that does not exist that day (skipped by daylight saving) moves forward by
 * the gap; one that happens twice (clocks going back) resolves to one of the two (Luxon picks the
 * later, standard-time one), so each fires exactly once.
 *
 * @example
 * latestRun({ weekday: 1, time: "09:00", timezone: "America/New_York" }, new Date("2027-01-11T15:00:00Z"));
 * // 2027-01-11T14:00:00Z (09:00 EST)
 */
export function latestRun(schedule: WeeklyTime, now: Date): Date {
  const thisWeek = runInWeek(schedule, DateTime.fromJSDate(now, { zone: schedule.timezone }));
  if (thisWeek.toMillis() <= now.getTime()) return thisWeek.toJSDate();
  return runInWeek(
    schedule,
    DateTime.fromJSDate(now, { zone: schedule.timezone }).minus({ weeks: 1 }),
  ).toJSDate();
}

/** The next scheduled instant strictly after `now`. */
export function nextRun(schedule: WeeklyTime, now: Date): Date {
  const local = DateTime.fromJSDate(now, { zone: schedule.timezone });
  const thisWeek = runInWeek(schedule, local);
  if (thisWeek.toMillis() > now.getTime()) return thisWeek.toJSDate();
  return runInWeek(schedule, local.plus({ weeks: 1 })).toJSDate();
}

function runInWeek(schedule: WeeklyTime, anyDayOfWeek: DateTime): DateTime {
  const [hour, minute] = schedule.time.split(":").map(Number);
  return DateTime.fromObject(
    {
      weekYear: anyDayOfWeek.weekYear,
      weekNumber: anyDayOfWeek.weekNumber,
      weekday: schedule.weekday as WeekdayNumbers,
      hour,
      minute,
    },
    { zone: schedule.timezone },
  );
}

/** The ISO week of an instant in a zone, e.g. "2026-W48": the key of "one nudge per week". */
export function weekKey(instant: Date, timezone: string): string {
  const local = DateTime.fromJSDate(instant, { zone: timezone });
  return `${local.weekYear}-W${String(local.weekNumber).padStart(2, "0")}`;
}

/** The instant a wall time happens on a local date, e.g. the reminder at 09:00 three days before. */
export function atLocal(date: string, time: string, timezone: string): Date {
  const [hour, minute] = time.split(":").map(Number);
  return DateTime.fromISO(date, { zone: timezone }).set({ hour, minute }).toJSDate();
}

/** Calendar days from today (in the zone) to a local date: 0 today, 1 tomorrow, -1 yesterday. */
export function daysUntil(date: string, now: Date, timezone: string): number {
  const today = DateTime.fromJSDate(now, { zone: timezone }).startOf("day");
  const day = DateTime.fromISO(date, { zone: timezone }).startOf("day");
  return Math.round(day.diff(today, "days").days);
}

/** The local date of an instant, "YYYY-MM-DD". */
export function localDate(instant: Date, timezone: string): string {
  return DateTime.fromJSDate(instant, { zone: timezone }).toISODate() ?? "";
}

/** "Mon 15 Dec 2026" (and " 17:00" when a time is given). */
export function formatDate(date: string, time?: string): string {
  const d = DateTime.fromISO(date);
  return `${d.toFormat("ccc d LLL yyyy")}${time ? ` ${time}` : ""}`;
}

/** "Mon 24 Nov, 09:00 EST" for an instant in a zone. */
export function formatInstant(instant: Date, timezone: string): string {
  return DateTime.fromJSDate(instant, { zone: timezone }).toFormat("ccc d LLL yyyy, HH:mm ZZZZ");
}

export interface DeadlineDate {
  date: string;
  time?: string;
}

const MONTH_FORMATS = ["LLL d", "LLLL d", "d LLL", "d LLLL"];
const MONTH_YEAR_FORMATS = ["LLL d yyyy", "LLLL d yyyy", "d LLL yyyy", "d LLLL yyyy"];

/**
 * A deadline date as students type it: `2026-12-15`, `2026-12-15 17:00`, `Dec 5`, `5 Dec`,
 * `December 5 2026`, `Dec 5, 2026`. Without a year it is the next such date (today included).
 * Past and impossible dates are refused with a message saying how to write it.
 *
 * @example
 * parseDeadlineDate("Dec 5", new Date("2026-11-22T12:00:00Z"), "UTC"); // { ok: true, value: { date: "2026-12-05" } }
 */
export function parseDeadlineDate(text: string, now: Date, timezone: string): Parsed<DeadlineDate> {
  const today = DateTime.fromJSDate(now, { zone: timezone }).startOf("day");
  const cleaned = text
    .trim()
    .replace(/,/g, " ")
    .replace(/(\d)(st|nd|rd|th)\b/gi, "$1")
    .replace(/\./g, "")
    .replace(/\s+/g, " ");
  const iso = cleaned.match(/^(\d{4})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}:\d{2}))?$/);
  let day: DateTime | undefined;
  let time: string | undefined;
  if (iso) {
    day = DateTime.fromObject(
      { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) },
      { zone: timezone },
    );
    if (!day.isValid) return { ok: false, problem: { code: "not_real_date", text } };
    if (iso[4]) {
      const t = parseTime(iso[4]);
      if (!t.ok) return t;
      time = t.value;
    }
  } else {
    for (const format of MONTH_YEAR_FORMATS) {
      const d = DateTime.fromFormat(cleaned, format, { zone: timezone, locale: "en" });
      if (d.isValid) day = d;
    }
    if (!day) {
      for (const format of MONTH_FORMATS) {
        const d = DateTime.fromFormat(cleaned, format, { zone: timezone, locale: "en" }).set({
          year: today.year,
        });
        if (d.isValid) day = d < today ? d.plus({ years: 1 }) : d;
      }
    }
    if (!day) {
      return { ok: false, problem: { code: "unreadable_date", text } };
    }
  }
  const date = day.toISODate() as string;
  const instant = time ? atLocal(date, time, timezone) : day.endOf("day").toJSDate();
  if (day.startOf("day") < today || instant.getTime() < now.getTime()) {
    return { ok: false, problem: { code: "past_date", date, ...(time ? { time } : {}) } };
  }
  return { ok: true, value: time ? { date, time } : { date } };
}
