import { z } from "zod";
import { AppError, ErrorCode } from "../../errors.ts";

/** Why a listings source could not be read, as a short code the renderers word. */
export type SourceFailure =
  | "invalid_json"
  | "not_a_list"
  | "unreachable"
  | "timeout"
  | "too_large"
  | "not_found"
  | "not_a_file"
  | `http_${number}`;

/** A listings source that could not be read (HTTP error, unreachable, not a JSON array…). */
export class SourceError extends AppError {
  constructor(
    readonly reason: SourceFailure,
    detail: string,
  ) {
    super(ErrorCode.ListingsSourceFailed, `${reason}: ${detail}`);
    this.name = "SourceError";
  }
}

/** The sponsorship values the community lists use; anything else reads as "Other". */
export const SPONSORSHIPS = [
  "Offers Sponsorship",
  "Does Not Offer Sponsorship",
  "U.S. Citizenship is Required",
  "Other",
] as const;
export type Sponsorship = (typeof SPONSORSHIPS)[number];

const httpUrl = z
  .string()
  .max(3000)
  .refine((u) => /^https?:\/\/[^\s]+$/i.test(u), "should be an http(s) link");

/**
 * One record of the community listings JSON (SimplifyJobs' internship repositories). Fields the
 * bot does not use are ignored; a record missing one it does use is malformed and skipped.
 */
export const ListingRecordSchema = z.object({
  id: z.string().min(1).max(200),
  company_name: z.string().min(1),
  title: z.string().min(1),
  url: httpUrl,
  locations: z.array(z.string()),
  terms: z.array(z.string()),
  sponsorship: z
    .string()
    .transform(
      (s): Sponsorship =>
        (SPONSORSHIPS as readonly string[]).includes(s) ? (s as Sponsorship) : "Other",
    ),
  active: z.boolean(),
  is_visible: z.boolean(),
  date_posted: z.number().finite(),
  date_updated: z.number().finite(),
  company_url: z.string().optional().nullable(),
  source: z.string().optional().nullable(),
  category: z.string().optional().nullable(),
  degrees: z.array(z.string()).optional().nullable(),
});

/** A listing as the bot uses it: what a post shows, and what filters and the diff need. */
export interface Listing {
  id: string;
  company: string;
  title: string;
  url: string;
  locations: string[];
  terms: string[];
  sponsorship: Sponsorship;
  /** active and is_visible: the posting is open and shown in the list. */
  open: boolean;
  /** Unix seconds. */
  datePosted: number;
  category?: string;
}

export interface ParsedListings {
  listings: Listing[];
  /** Records that did not match the format (skipped). */
  malformed: number;
}

/**
 * Parses the text of a listings file: a JSON array of records. Each record is validated on its
 * own; malformed ones are skipped and counted, so one bad record never hides the others.
 *
 * @throws {AppError} `listings_source_failed` when the text is not JSON, or not an array.
 * @example
 * const { listings, malformed } = parseListings(await readFile("listings.json", "utf8"));
 */
export function parseListings(text: string): ParsedListings {
  const listings: Listing[] = [];
  let malformed = 0;
  const seen = new Set<string>();
  // Record by record rather than one JSON.parse of the whole file: each raw record is garbage
  // as soon as it is read, so a 13 MB file never exists as one big object graph.
  for (const element of arrayElements(text)) {
    let raw: unknown;
    try {
      raw = JSON.parse(element);
    } catch (error) {
      throw new SourceError("invalid_json", error instanceof Error ? error.message : String(error));
    }
    const parsed = ListingRecordSchema.safeParse(raw);
    // A repeated id is a second copy of one posting: keep the first.
    if (!parsed.success || seen.has(parsed.data.id)) {
      malformed += parsed.success ? 0 : 1;
      continue;
    }
    const r = parsed.data;
    seen.add(r.id);
    const listing: Listing = {
      id: r.id,
      company: r.company_name.trim(),
      title: r.title.trim(),
      url: r.url,
      locations: r.locations,
      terms: r.terms,
      sponsorship: r.sponsorship,
      open: r.active && r.is_visible,
      datePosted: r.date_posted,
    };
    if (r.category) listing.category = r.category;
    listings.push(listing);
  }
  return { listings, malformed };
}

/** Whether the quote at `at` is escaped (an odd number of backslashes before it). */
function isEscaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let k = at - 1; text.charCodeAt(k) === 92; k--) backslashes++;
  return backslashes % 2 === 1;
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * The texts of the elements of a top-level JSON array, found by tracking strings and nesting
 * (each element is then parsed on its own, which also checks it).
 *
 * @throws {SourceError} `not_a_list` for a JSON object, `invalid_json` for anything else that is
 * not an array.
 */
export function* arrayElements(text: string): Generator<string> {
  const end = text.length;
  // A byte-order mark is not JSON, but some tools write one.
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  const first = text.charCodeAt(i);
  if (first === 123) throw new SourceError("not_a_list", "the file is a JSON object, not a list");
  if (first !== 91) {
    // Not an array: let JSON.parse say what it is (valid JSON but no list, or not JSON at all).
    try {
      JSON.parse(text);
    } catch (error) {
      throw new SourceError("invalid_json", error instanceof Error ? error.message : String(error));
    }
    throw new SourceError("not_a_list", "the file is not a JSON array");
  }
  i++;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 93) {
    i++;
  } else {
    for (;;) {
      const start = i;
      let depth = 0;
      for (; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c === 34) {
          // Most of the text is inside strings: jump to the closing quote (one not escaped).
          let close = text.indexOf('"', i + 1);
          while (close > 0 && isEscaped(text, close)) close = text.indexOf('"', close + 1);
          if (close < 0) throw new SourceError("invalid_json", "a string is not closed");
          i = close;
        } else if (c === 123 || c === 91) depth++;
        else if (c === 125 || c === 93) {
          if (depth === 0) break;
          depth--;
        } else if (c === 44 && depth === 0) break;
      }
      if (i >= end) throw new SourceError("invalid_json", "the list is not closed");
      yield text.slice(start, i);
      if (text.charCodeAt(i) === 44) {
        i++;
        continue;
      }
      if (text.charCodeAt(i) !== 93) throw new SourceError("invalid_json", "unbalanced brackets");
      i++;
      break;
    }
  }
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  if (i < end) throw new SourceError("invalid_json", "text after the end of the list");
}

/** Newest first (by date posted, then id for a stable order). */
export function newestFirst(a: Listing, b: Listing): number {
  return b.datePosted - a.datePosted || a.id.localeCompare(b.id);
}
