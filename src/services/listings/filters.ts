import { z } from "zod";
import type { Listing } from "./schema.ts";

/** What a channel is looking for; every filter that is set must match (AND). */
export const FiltersSchema = z.object({
  category: z.string().min(1).optional(),
  term: z.string().min(1).optional(),
  /** A place (matched inside any of the listing's locations), or "remote". */
  location: z.string().min(1).optional(),
  sponsorship: z.literal("yes").optional(),
  keyword: z.string().min(1).optional(),
});
export type Filters = z.infer<typeof FiltersSchema>;

export const FILTER_KEYS = ["category", "term", "location", "sponsorship", "keyword"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

const fold = (s: string) => s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().trim();
const squash = (s: string) => fold(s).replace(/\s+/g, " ");

/**
 * Whether a listing matches every filter that is set.
 * - category: the listing's category, case-insensitive, whole or one of its `/` parts
 *   ("ml" matches "AI/ML/Data"); a listing without a category does not match.
 * - term: one of its terms, case-insensitive ("summer 2027" matches "Summer 2027").
 * - location: "remote" matches any location mentioning remote; other text is found inside a location.
 * - sponsorship:yes: "Offers Sponsorship" only.
 * - keyword: every word of it appears in the title or company name.
 *
 * @example
 * matches(listing, { term: "Summer 2027", location: "remote" });
 */
export function matches(listing: Listing, filters: Filters): boolean {
  if (filters.category !== undefined) {
    if (!listing.category) return false;
    const wanted = squash(filters.category);
    const category = squash(listing.category);
    if (category !== wanted && !category.split("/").some((part) => part.trim() === wanted))
      return false;
  }
  if (filters.term !== undefined) {
    const wanted = squash(filters.term);
    if (!listing.terms.some((t) => squash(t) === wanted)) return false;
  }
  if (filters.location !== undefined) {
    const wanted = squash(filters.location);
    if (!listing.locations.some((l) => squash(l).includes(wanted))) return false;
  }
  if (filters.sponsorship === "yes" && listing.sponsorship !== "Offers Sponsorship") return false;
  if (filters.keyword !== undefined) {
    const haystack = squash(`${listing.title} ${listing.company}`);
    if (
      !squash(filters.keyword)
        .split(" ")
        .every((word) => haystack.includes(word))
    )
      return false;
  }
  return true;
}

/** Why `/listings follow`'s arguments were refused; the renderer words it. */
export type FollowArgsProblem =
  | { code: "missing_source" }
  | { code: "unknown_filter"; text: string }
  | { code: "empty_filter"; key: FilterKey }
  | { code: "repeated_filter"; key: FilterKey }
  | { code: "bad_sponsorship"; value: string }
  | { code: "unclosed_quote"; key: FilterKey };

export type FollowArgs =
  | { ok: true; source: string; filters: Filters }
  | { ok: false; problem: FollowArgsProblem };

/**
 * Parses what follows `/listings follow`: `<url-or-path> [category:<c>] [term:"<t>"]
 * [location:<text>|remote] [sponsorship:yes] [keyword:<text>]`. A value runs to the next
 * `key:` (so `location:New York` works) or is quoted (`term:"Summer 2027"`, curly quotes too).
 * Slack's escaping (`&amp;`, `<https://…|label>`) is undone first.
 *
 * @example
 * parseFollowArgs('https://x.test/l.json term:"Summer 2027" location:remote');
 * // { ok: true, source: "https://x.test/l.json", filters: { term: "Summer 2027", location: "remote" } }
 */
export function parseFollowArgs(text: string): FollowArgs {
  const plain = unescapeSlack(text).replace(/[“”„]/g, '"').trim();
  const [first = "", ...restWords] = plain.split(/\s+/);
  if (!first || FILTER_KEYS.some((k) => first.toLowerCase().startsWith(`${k}:`)))
    return { ok: false, problem: { code: "missing_source" } };
  const source = first;
  let rest = restWords.join(" ");
  const filters: Filters = {};
  const keyPattern = new RegExp(`^(${FILTER_KEYS.join("|")}):`, "i");
  while (rest.trim()) {
    rest = rest.trimStart();
    const keyMatch = keyPattern.exec(rest);
    if (!keyMatch) {
      const word = rest.split(/\s+/)[0] ?? rest;
      return { ok: false, problem: { code: "unknown_filter", text: word } };
    }
    const key = (keyMatch[1] as string).toLowerCase() as FilterKey;
    rest = rest.slice(keyMatch[0].length);
    let value: string;
    if (rest.startsWith('"')) {
      const end = rest.indexOf('"', 1);
      if (end < 0) return { ok: false, problem: { code: "unclosed_quote", key } };
      value = rest.slice(1, end);
      rest = rest.slice(end + 1);
    } else {
      const next = new RegExp(`\\s(${FILTER_KEYS.join("|")}):`, "i").exec(rest);
      const stop = /\s\S+:/.exec(rest);
      // Any later `word:` ends the value, so an unknown filter is reported, not swallowed.
      const at = Math.min(next?.index ?? rest.length, stop?.index ?? rest.length);
      value = rest.slice(0, at);
      rest = rest.slice(at);
    }
    value = value.trim().replace(/\s+/g, " ");
    if (!value) return { ok: false, problem: { code: "empty_filter", key } };
    if (filters[key] !== undefined) return { ok: false, problem: { code: "repeated_filter", key } };
    if (key === "sponsorship") {
      if (value.toLowerCase() !== "yes")
        return { ok: false, problem: { code: "bad_sponsorship", value } };
      filters.sponsorship = "yes";
    } else {
      filters[key] = key === "location" && value.toLowerCase() === "remote" ? "remote" : value;
    }
  }
  return { ok: true, source, filters };
}

/** Slack's escaping of command text undone: entities decoded, `<link|label>` back to the link. */
export function unescapeSlack(text: string): string {
  return text
    .replace(/<((?:https?:\/\/|mailto:)[^|>]+)(?:\|[^>]*)?>/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
