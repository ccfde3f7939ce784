import type { ActionsBlock, Button, KnownBlock, Overflow, SectionBlock } from "@slack/types";
import type {
  Follow,
  ListingSnapshot,
  ListingsMessage,
  PollReport,
  Preview,
} from "../services/listings/feed.ts";
import type { FilterKey, FollowArgsProblem } from "../services/listings/filters.ts";
import type { SourceFailure } from "../services/listings/schema.ts";
import { creditOf, type SourceProblem } from "../services/listings/source.ts";
import type { PickOutcome } from "../services/listings/tracker.ts";
import {
  button,
  context,
  escapeText,
  header,
  LIMITS,
  type Message,
  message,
  section,
  truncate,
} from "./kit.ts";

/** The "Check now" button on `/listings status` (organizers): polls the channel's source at once. */
export const POLL_NOW_ACTION = "listings_poll_now";

/** The action ids on listing posts; value: the listing id (overflow: `<action>:<listing id>`). */
export const ListingActions = {
  apply: "listings_apply",
  applied: "listings_applied",
  save: "listings_save",
  /** The per-listing menu of a digest. */
  menu: "listings_menu",
} as const;

/** A link target safe inside `<…|…>`. */
function linkUrl(url: string): string {
  return url.replace(/[<>|]/g, encodeURIComponent).replace(/&/g, "&amp;");
}

/** Text from a listings file, escaped once, safe as a link label. */
function label(text: string): string {
  return escapeText(text).replace(/\|/g, "¦");
}

function link(url: string, text: string): string {
  return `<${linkUrl(url)}|${label(text)}>`;
}

/** "Nov 20, 2026" (UTC) for Unix seconds. */
export function postedDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleDateString("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
}

function sponsorshipText(s: ListingSnapshot["sponsorship"]): string {
  switch (s) {
    case "Offers Sponsorship":
      return "offers sponsorship";
    case "Does Not Offer Sponsorship":
      return "no sponsorship";
    case "U.S. Citizenship is Required":
      return "U.S. citizenship required";
    default:
      return "sponsorship: other / unknown";
  }
}

function list(items: readonly string[], max = 6): string {
  if (items.length === 0) return "—";
  const shown = items.slice(0, max).map(escapeText).join(", ");
  return items.length > max ? `${shown} +${items.length - max} more` : shown;
}

/** The credit every post carries: the list it comes from, linked, and whose data it is. */
export function creditLine(source: string): string {
  const credit = creditOf(source);
  const name = credit.link ? link(credit.link, credit.name) : `*${label(credit.name)}*`;
  return `From ${name} (its maintainers and contributors collect these listings) · apply on the company's own page`;
}

function titleLine(l: ListingSnapshot, closed: boolean): string {
  const line = `*${link(l.url, l.company)}* — ${escapeText(l.title)}`;
  return closed
    ? `:no_entry: *Closed* · ~${l.company ? escapeText(l.company) : ""} — ${escapeText(l.title)}~`
    : line;
}

function detailLine(l: ListingSnapshot): string {
  return [
    `:round_pushpin: ${list(l.locations)}`,
    `:calendar: ${list(l.terms, 3)}`,
    `:passport_control: ${sponsorshipText(l.sponsorship)}`,
    `posted ${postedDate(l.datePosted)}`,
  ].join(" · ");
}

function listingButtons(l: ListingSnapshot): ActionsBlock {
  const apply: Button = {
    ...button("Apply ↗", ListingActions.apply, l.id, "primary"),
    url: l.url.slice(0, 3000),
  };
  return {
    type: "actions",
    block_id: `listing:${truncate(l.id, 200)}`,
    elements: [
      apply,
      button("I applied", ListingActions.applied, l.id),
      button("Save", ListingActions.save, l.id),
    ],
  };
}

/** One new listing: company, title, locations, terms, sponsorship, posted date, and its buttons. */
export function renderListing(l: ListingSnapshot, source: string, closed = false): Message {
  const blocks: KnownBlock[] = [section(`${titleLine(l, closed)}\n${detailLine(l)}`)];
  if (closed) {
    blocks.push(context("This posting has closed (the list marks it inactive)."));
  } else {
    blocks.push(listingButtons(l));
  }
  blocks.push(context(creditLine(source)));
  const text = `${closed ? "Closed" : "New internship"}: ${l.company} — ${l.title} (${l.locations.slice(0, 3).join(", ") || "location not given"})`;
  return message(escapeText(text), blocks);
}

function menu(l: ListingSnapshot): Overflow {
  const option = (text: string, value: string) => ({
    text: { type: "plain_text" as const, text: truncate(text, LIMITS.optionText) },
    value: value.slice(0, 150),
  });
  return {
    type: "overflow",
    action_id: ListingActions.menu,
    options: [
      { ...option("Apply ↗", `apply:${l.id}`), url: l.url.slice(0, 3000) },
      option("I applied", `applied:${l.id}`),
      option("Save", `save:${l.id}`),
    ],
  };
}

/** More than 5 new listings in one poll: one message, a line each, with a menu to apply or save. */
export function renderDigest(
  items: ReadonlyArray<{ listing: ListingSnapshot; closed: boolean }>,
  more: number,
  source: string,
): Message {
  const total = items.length + more;
  const blocks: KnownBlock[] = [header(`${total} new internship listings`)];
  for (const { listing: l, closed } of items) {
    const block: SectionBlock = section(`${titleLine(l, closed)}\n${detailLine(l)}`);
    if (!closed) block.accessory = menu(l);
    blocks.push(block);
  }
  const credit = creditOf(source);
  if (more > 0) {
    const where = credit.link ? link(credit.link, credit.name) : `*${label(credit.name)}*`;
    blocks.push(context(`…and ${more} more new ones: see ${where} for the rest.`));
  }
  blocks.push(context(creditLine(source)));
  return message(`${total} new internship listings from ${escapeText(credit.name)}`, blocks);
}

/** The failure reasons of a source, in words. */
export function failureText(reason: SourceFailure | SourceProblem | string): string {
  const http = /^http_(\d+)$/.exec(reason);
  if (http) return `the source answered HTTP ${http[1]}`;
  switch (reason) {
    case "invalid_json":
      return "the source is not valid JSON";
    case "not_a_list":
      return "the source is JSON, but not a list of listings";
    case "unreachable":
      return "the source could not be reached";
    case "timeout":
      return "the source took too long to answer";
    case "too_large":
      return "the source is larger than 64 MB";
    case "not_found":
      return "there is no such file on the bot's machine";
    case "not_a_file":
      return "that path is a folder, not a file";
    case "not_https":
      return "use an `https://` link (plain `http://` only works for this machine, 127.0.0.1)";
    case "bad_url":
      return "that is not a link I can read (use an `https://` link or a file path)";
    default:
      return escapeText(reason);
  }
}

/** Told once, after a day of failures. */
export function renderSourceDown(source: string, reason: string, since: number): Message {
  const credit = creditOf(source);
  const text = `The listings source has been failing since ${new Date(since).toISOString().slice(0, 16).replace("T", " ")} UTC: ${failureText(reason)}.`;
  return message(text, [
    section(
      `:warning: I haven't been able to read this channel's listings from *${label(credit.name)}* for a day: ${failureText(reason)}. I keep trying (less often), and post new listings once it works again.`,
    ),
    context(
      "`/listings status` shows the last error · an organizer can `/listings follow` another source or `/listings off`.",
    ),
  ]);
}

/** Renders a feed message for posting or redrawing. */
export function renderListingsMessage(m: ListingsMessage): Message {
  switch (m.kind) {
    case "listing":
      return renderListing(m.listing, m.source, m.closed);
    case "digest":
      return renderDigest(m.items, m.more, m.source);
    case "source_down":
      return renderSourceDown(m.source, m.reason, m.since);
  }
}

const USAGE = [
  '`/listings follow <url-or-path> [category:<c>] [term:"<t>"] [location:<text>|remote] [sponsorship:yes] [keyword:<text>]` — organizers: follow a listings file in this channel',
  "`/listings status` — what this channel follows, the last check and any error",
  "`/listings preview` — what matches right now (nothing is posted)",
  "`/listings off` — organizers: stop",
]
  .map((line) => line.replace(/</g, "&lt;").replace(/>/g, "&gt;"))
  .join("\n");

const EXAMPLE =
  'e.g. `/listings follow https://raw.githubusercontent.com/SimplifyJobs/Summer2026-Internships/dev/.github/scripts/listings.json term:"Summer 2026" category:Software location:remote`';

export function renderListingsHelp(problem?: string): Message {
  const blocks: KnownBlock[] = [];
  if (problem) blocks.push(section(`:warning: ${problem}`));
  blocks.push(
    section(
      `*/listings* posts new internship openings from a community listings file (the SimplifyJobs format) in this channel, filtered to what the group is looking for. Filters combine: a listing must match all of them.\n${USAGE}`,
    ),
    context(EXAMPLE),
  );
  return message(problem ?? "How to use /listings", blocks);
}

const FILTER_WORDS: Record<FilterKey, string> = {
  category: "category",
  term: "term",
  location: "location",
  sponsorship: "sponsorship",
  keyword: "keyword",
};

export function renderFollowArgsProblem(problem: FollowArgsProblem): Message {
  switch (problem.code) {
    case "missing_source":
      return renderListingsHelp("Start with the link (or file path) of the listings file.");
    case "unknown_filter":
      return renderListingsHelp(
        `I don't know the filter \`${escapeText(problem.text)}\`: use category:, term:, location:, sponsorship:yes or keyword:.`,
      );
    case "empty_filter":
      return renderListingsHelp(`\`${FILTER_WORDS[problem.key]}:\` needs a value.`);
    case "repeated_filter":
      return renderListingsHelp(`Give \`${FILTER_WORDS[problem.key]}:\` only once.`);
    case "bad_sponsorship":
      return renderListingsHelp(
        `\`sponsorship:\` only takes \`yes\` (you wrote \`${escapeText(problem.value)}\`).`,
      );
    case "unclosed_quote":
      return renderListingsHelp(`The quote after \`${FILTER_WORDS[problem.key]}:\` is not closed.`);
  }
}

/** `category: Software · term: Summer 2027`, or "no filters (every open listing)". */
export function filtersText(filters: Follow["filters"]): string {
  const parts = Object.entries(filters)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: *${escapeText(String(v))}*`);
  return parts.length > 0 ? parts.join(" · ") : "no filters (every open listing)";
}

function previewLines(preview: Preview): string {
  if (preview.newest.length === 0) return "_Nothing matches right now._";
  return preview.newest
    .map(
      (l) =>
        `• *${link(l.url, l.company)}* — ${escapeText(l.title)} · ${list(l.locations, 3)} · posted ${postedDate(l.datePosted)}`,
    )
    .join("\n");
}

function countsLine(preview: Preview): string {
  const malformed =
    preview.malformed > 0
      ? ` · ${preview.malformed} malformed record${preview.malformed === 1 ? "" : "s"} skipped`
      : "";
  return `${preview.records} listings in the file${malformed}`;
}

export function renderFollowed(
  preview: Preview,
  replaced: string | undefined,
  pollMinutes: number,
): Message {
  const credit = creditOf(preview.source);
  const name = credit.link ? link(credit.link, credit.name) : `*${label(credit.name)}*`;
  const was = replaced ? ` (instead of *${label(creditOf(replaced).name)}*)` : "";
  return message(
    `This channel now follows ${escapeText(credit.name)}: ${preview.matching} open listings match.`,
    [
      section(
        `:white_check_mark: This channel now follows ${name}${was}.\nFilters: ${filtersText(preview.filters)}\n*${preview.matching}* open listing${preview.matching === 1 ? "" : "s"} match now; the newest:`,
      ),
      section(previewLines(preview)),
      context(
        `${countsLine(preview)} · nothing has been posted: from now on I check every ${pollMinutes} min and post only listings added later (at most 5 one by one, more as one digest).`,
      ),
    ],
  );
}

export function renderFollowProblem(problem: SourceProblem | SourceFailure): Message {
  return message(`Could not follow that source: ${failureText(problem)}.`, [
    section(`:warning: I couldn't follow that source: ${failureText(problem)}.`),
    context("Nothing was changed. `/listings help` shows how to write it."),
  ]);
}

export function renderPreview(preview: Preview): Message {
  return message(`${preview.matching} open listings match now.`, [
    section(
      `*${preview.matching}* open listing${preview.matching === 1 ? "" : "s"} match ${filtersText(preview.filters)} right now; the newest:`,
    ),
    section(previewLines(preview)),
    context(`${countsLine(preview)} · ${creditLine(preview.source)}`),
  ]);
}

export function renderNotFollowing(): Message {
  return message("This channel does not follow any listings.", [
    section(
      "This channel does not follow any listings. An organizer can start with `/listings follow <link>`.".replace(
        "<link>",
        "&lt;link&gt;",
      ),
    ),
  ]);
}

function when(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC>`;
}

export function renderStatus(follow: Follow | undefined, pollMinutes: number): Message {
  if (!follow) return renderNotFollowing();
  const credit = creditOf(follow.source);
  const name = credit.link ? link(credit.link, credit.name) : `*${label(credit.name)}*`;
  const lines: string[] = [];
  if (follow.on) {
    lines.push(
      `:satellite_antenna: This channel follows ${name}, checked every ${pollMinutes} min.`,
    );
  } else {
    const by = /^off_by:(\w+)$/.exec(follow.offReason ?? "");
    lines.push(
      by
        ? `:pause_button: Off: <@${by[1]}> turned it off. It followed ${name}.`
        : `:pause_button: Off since I could not post here (${escapeText(follow.offReason ?? "stopped")}). It followed ${name}; \`/listings follow\` again to restart.`,
    );
  }
  lines.push(`Filters: ${filtersText(follow.filters)}`);
  if (follow.lastPoll) {
    const p = follow.lastPoll;
    lines.push(
      `Last read ${when(p.at)}: ${p.records} listings${p.malformed ? ` (${p.malformed} malformed skipped)` : ""}, ${p.matching} open that match; ${follow.postedTotal} posted here so far.`,
    );
  }
  if (follow.failure) {
    const f = follow.failure;
    lines.push(
      `:warning: Last error ${when(f.at)}: ${failureText(f.reason)} (${f.count} failed check${f.count === 1 ? "" : "s"} in a row since ${when(f.since)}).`,
    );
  }
  if (follow.on) lines.push(`Next check ${when(follow.nextPollAt)}.`);
  return message(`Listings: ${follow.on ? "on" : "off"}, ${credit.name}`, [
    section(lines.join("\n")),
    context(creditLine(follow.source)),
  ]);
}

/** `/listings status`, with a "Check now" button while on (organizers; the playground's Poll now). */
export function renderStatusWithCheck(follow: Follow | undefined, pollMinutes: number): Message {
  const status = renderStatus(follow, pollMinutes);
  if (!follow?.on) return status;
  return message(status.text, [
    ...status.blocks,
    {
      type: "actions",
      elements: [button("Check now", POLL_NOW_ACTION, "poll")],
    },
  ]);
}

export function renderOff(was: Follow | undefined, user: string): Message {
  if (!was) return renderNotFollowing();
  const credit = creditOf(was.source);
  return message(`Stopped following ${credit.name}.`, [
    section(
      `:pause_button: <@${user}> stopped this channel's listings from *${label(credit.name)}*. Posts already made stay.`,
    ),
  ]);
}

export function renderListingsOrganizersOnly(sub: string): Message {
  return message(`Only organizers can use /listings ${sub}.`, [
    section(
      `:lock: Only organizers (workspace admins and owners, and those the bot's admin lists) can \`/listings ${escapeText(sub)}\`. Anyone can use \`/listings status\` and \`/listings preview\`.`,
    ),
  ]);
}

export function renderChannelsOnly(): Message {
  return message("Use /listings follow in a channel.", [
    section(
      ":information_source: Listings are posted to a channel: use `/listings follow` in the group's channel (and invite me there).",
    ),
  ]);
}

/** The clicker's reply to "I applied" / "Save". */
export function renderPicked(outcome: PickOutcome, l: ListingSnapshot): Message {
  const what = `*${escapeText(l.company)} — ${escapeText(l.title)}*`;
  const text =
    outcome.result === "full"
      ? `Your tracker is full, so ${what} was not added: remove old applications with \`/track remove &lt;id&gt;\` first.`
      : outcome.result === "already"
        ? `${what} is already in your tracker (${outcome.stage}).`
        : outcome.result === "moved"
          ? `Moved ${what} from saved to applied in your tracker. Good luck!`
          : outcome.stage === "applied"
            ? `Added ${what} to your tracker as applied. Good luck!`
            : `Saved ${what} to your tracker for later.`;
  return message(text.replace(/\*/g, ""), [
    section(`:white_check_mark: ${text}`),
    context("Only you can see this and your tracker."),
  ]);
}

export function renderListingGone(): Message {
  return message("That listing is no longer known here.", [
    section(
      ":grey_question: I no longer have that listing (it was posted too long ago, or in another channel).",
    ),
  ]);
}

/** The playground's "Poll now" answer, for the page. */
export function pollSummary(report: PollReport | undefined): string {
  if (!report) return "This channel does not follow any listings.";
  if (report.status === "failed") return `The source failed: ${report.error}.`;
  return `Polled: ${report.posted} posted${report.digest ? " (as a digest)" : ""}, ${report.closed} closed, ${report.malformed} malformed skipped.`;
}
