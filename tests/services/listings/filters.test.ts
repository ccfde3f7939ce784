import { describe, expect, it } from "vitest";
import { matches, parseFollowArgs } from "../../../src/services/listings/filters.ts";
import { parseListings } from "../../../src/services/listings/schema.ts";
import { record } from "../../helpers/listings.ts";

const one = (overrides: Record<string, unknown>) => {
  const [listing] = parseListings(JSON.stringify([record("x", overrides)])).listings;
  if (!listing) throw new Error("fixture did not parse");
  return listing;
};

describe("parseFollowArgs", () => {
  it("reads the source and every filter of the grammar", () => {
    expect(
      parseFollowArgs(
        'https://x.test/l.json category:AI/ML/Data term:"Summer 2027" location:New York sponsorship:yes keyword:machine learning',
      ),
    ).toEqual({
      ok: true,
      source: "https://x.test/l.json",
      filters: {
        category: "AI/ML/Data",
        term: "Summer 2027",
        location: "New York",
        sponsorship: "yes",
        keyword: "machine learning",
      },
    });
  });

  it("undoes Slack's escaping and accepts curly quotes", () => {
    expect(
      parseFollowArgs(
        "<https://x.test/a.json?a=1&amp;b=2|x.test> term:“Fall 2026” location:remote",
      ),
    ).toEqual({
      ok: true,
      source: "https://x.test/a.json?a=1&b=2",
      filters: { term: "Fall 2026", location: "remote" },
    });
  });

  it("says what is wrong", () => {
    expect(parseFollowArgs("")).toMatchObject({ ok: false, problem: { code: "missing_source" } });
    expect(parseFollowArgs("term:x")).toMatchObject({
      ok: false,
      problem: { code: "missing_source" },
    });
    expect(parseFollowArgs("a.json season:summer")).toMatchObject({
      ok: false,
      problem: { code: "unknown_filter", text: "season:summer" },
    });
    expect(parseFollowArgs("a.json remote")).toMatchObject({
      ok: false,
      problem: { code: "unknown_filter", text: "remote" },
    });
    expect(parseFollowArgs("a.json sponsorship:no")).toMatchObject({
      ok: false,
      problem: { code: "bad_sponsorship" },
    });
    expect(parseFollowArgs("a.json term:x term:y")).toMatchObject({
      ok: false,
      problem: { code: "repeated_filter", key: "term" },
    });
    expect(parseFollowArgs('a.json term:"Summer')).toMatchObject({
      ok: false,
      problem: { code: "unclosed_quote" },
    });
    expect(parseFollowArgs("a.json keyword:")).toMatchObject({
      ok: false,
      problem: { code: "empty_filter", key: "keyword" },
    });
  });
});

describe("matches", () => {
  it("combines filters with AND", () => {
    const l = one({ category: "AI/ML/Data", terms: ["Summer 2027"], locations: ["Remote in USA"] });
    expect(matches(l, { category: "ml", term: "summer 2027", location: "remote" })).toBe(true);
    expect(matches(l, { category: "ml", term: "Fall 2026" })).toBe(false);
    expect(matches(l, {})).toBe(true);
  });

  it("category: whole or one part, and never a listing without one", () => {
    expect(matches(one({ category: "Quant" }), { category: "quant" })).toBe(true);
    expect(matches(one({ category: "Quant" }), { category: "qua" })).toBe(false);
    expect(matches(one({ category: undefined }), { category: "Software" })).toBe(false);
  });

  it("location finds text inside any location; sponsorship:yes needs an offer", () => {
    const l = one({
      locations: ["San Francisco, CA", "Seattle, WA"],
      sponsorship: "U.S. Citizenship is Required",
    });
    expect(matches(l, { location: "seattle" })).toBe(true);
    expect(matches(l, { location: "remote" })).toBe(false);
    expect(matches(l, { sponsorship: "yes" })).toBe(false);
  });

  it("keyword: every word in the title or company", () => {
    const l = one({ company_name: "Acme Robotics", title: "Machine Learning Intern" });
    expect(matches(l, { keyword: "acme learning" })).toBe(true);
    expect(matches(l, { keyword: "acme data" })).toBe(false);
  });
});
