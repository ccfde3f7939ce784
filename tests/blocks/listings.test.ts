import { describe, expect, it } from "vitest";
import {
  filtersText,
  renderDigest,
  renderFollowArgsProblem,
  renderFollowed,
  renderListing,
  renderListingsHelp,
  renderPicked,
  renderSourceDown,
  renderStatus,
  renderStatusWithCheck,
} from "../../src/blocks/listings.ts";
import { messageProblems } from "../../src/dev/block-kit.ts";
import type { Follow, ListingSnapshot } from "../../src/services/listings/feed.ts";

const SOURCE =
  "https://raw.githubusercontent.com/SimplifyJobs/Summer2026-Internships/dev/.github/scripts/listings.json";

const listing = (id: string, overrides: Partial<ListingSnapshot> = {}): ListingSnapshot => ({
  id,
  company: "Acme & <Sons>",
  title: "ML Intern <!channel>",
  url: "https://jobs.example.com/a?x=1&y=2",
  locations: ["New York, NY", "Remote in USA"],
  terms: ["Summer 2027"],
  sponsorship: "Offers Sponsorship",
  datePosted: 1_795_000_000,
  ...overrides,
});

const text = (m: { text: string; blocks: unknown[] }) => m.text + JSON.stringify(m.blocks);

describe("listing renderers", () => {
  it("a post shows company, title, locations, terms, sponsorship, date, buttons and credit", () => {
    const m = renderListing(listing("abc"), SOURCE);
    expect(messageProblems(m as never)).toEqual([]);
    const all = text(m);
    expect(all).toContain("Acme &amp; &lt;Sons&gt;");
    expect(all).toContain("ML Intern &lt;!channel&gt;");
    expect(all).not.toContain("<!channel>");
    expect(all).toContain("New York, NY, Remote in USA");
    expect(all).toContain("Summer 2027");
    expect(all).toContain("offers sponsorship");
    expect(all).toContain("posted Nov 18, 2026");
    expect(all).toContain(
      "<https://github.com/SimplifyJobs/Summer2026-Internships|SimplifyJobs/Summer2026-Internships>",
    );
    const buttons = (
      m.blocks.find((b) => b.type === "actions") as unknown as {
        elements: Array<Record<string, unknown>>;
      }
    ).elements;
    expect(buttons.map((b) => (b.text as { text: string }).text)).toEqual([
      "Apply ↗",
      "I applied",
      "Save",
    ]);
    expect(buttons[0]?.url).toBe("https://jobs.example.com/a?x=1&y=2");
  });

  it("a closed post says so and drops its buttons, credit kept", () => {
    const m = renderListing(listing("abc"), SOURCE, true);
    expect(text(m)).toContain("Closed");
    expect(m.blocks.some((b) => b.type === "actions")).toBe(false);
    expect(text(m)).toContain("SimplifyJobs/Summer2026-Internships");
  });

  it("a digest of 20 listings fits, each with its menu, and points to the list for the rest", () => {
    const items = Array.from({ length: 20 }, (_, i) => ({
      listing: listing(`id${i}`),
      closed: i === 3,
    }));
    const m = renderDigest(items, 17, SOURCE);
    expect(messageProblems(m as never)).toEqual([]);
    expect(m.text).toContain("37 new internship listings");
    expect(text(m)).toContain("and 17 more new ones");
    const withMenu = m.blocks.filter(
      (b) => b.type === "section" && "accessory" in b && b.accessory,
    );
    expect(withMenu).toHaveLength(19);
  });

  it("replies fit and escape what came from the file or the organizer", () => {
    const follow: Follow = {
      teamId: "T1",
      channelId: "C1",
      source: SOURCE,
      filters: { keyword: "<@U1> & co", term: "Summer 2027" },
      by: "U1",
      at: 0,
      on: true,
      generation: "g",
      nextPollAt: 1_800_000_000_000,
      validators: {},
      lastPoll: { at: 1_799_000_000_000, records: 20000, malformed: 3, matching: 120, posted: 2 },
      failure: { since: 1, count: 4, reason: "http_503", at: 2, notified: false },
      postedTotal: 9,
    };
    expect(filtersText(follow.filters)).toBe(
      "keyword: *&lt;@U1&gt; &amp; co* · term: *Summer 2027*",
    );
    const status = renderStatusWithCheck(follow, 30);
    expect(text(status)).toContain("the source answered HTTP 503");
    expect(text(status)).toContain("3 malformed skipped");
    expect(text(renderStatus({ ...follow, on: false, offReason: "off_by:U2" }, 30))).toContain(
      "<@U2> turned it off",
    );
    for (const m of [
      status,
      renderFollowed(
        {
          source: SOURCE,
          filters: follow.filters,
          records: 3,
          malformed: 1,
          matching: 2,
          newest: [listing("a"), listing("b")],
        },
        "/srv/old.json",
        30,
      ),
      renderListingsHelp("problem"),
      renderFollowArgsProblem({ code: "unknown_filter", text: "<season:x>" }),
      renderSourceDown(SOURCE, "unreachable", 0),
      renderPicked({ result: "already", stage: "saved" }, listing("a")),
    ]) {
      expect(messageProblems(m as never)).toEqual([]);
      expect(text(m)).not.toMatch(/<(?![@#!]|https?:)/);
    }
  });
});
