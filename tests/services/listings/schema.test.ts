import { describe, expect, it } from "vitest";
import { parseListings, SourceError } from "../../../src/services/listings/schema.ts";
import { record } from "../../helpers/listings.ts";

describe("parseListings", () => {
  it("keeps valid records and counts malformed ones instead of failing", () => {
    const text = JSON.stringify([
      record("a"),
      { ...record("b"), url: "not a link" },
      { ...record("c"), active: "yes" },
      { id: "d" },
      "a string",
      null,
      record("e", { category: undefined, degrees: ["Bachelor's"] }),
    ]);
    const { listings, malformed } = parseListings(text);
    expect(listings.map((l) => l.id)).toEqual(["a", "e"]);
    expect(malformed).toBe(5);
  });

  it("reads open as active and visible, and unknown sponsorship as Other", () => {
    const { listings } = parseListings(
      JSON.stringify([
        record("a", { is_visible: false }),
        record("b", { active: false }),
        record("c", { sponsorship: "Maybe" }),
      ]),
    );
    expect(listings.map((l) => [l.id, l.open, l.sponsorship])).toEqual([
      ["a", false, "Offers Sponsorship"],
      ["b", false, "Offers Sponsorship"],
      ["c", true, "Other"],
    ]);
  });

  it("keeps the first of two records with one id", () => {
    const { listings } = parseListings(
      JSON.stringify([record("a", { title: "First" }), record("a", { title: "Second" })]),
    );
    expect(listings.map((l) => l.title)).toEqual(["First"]);
  });

  it("refuses text that is not JSON, or not a list, with a code", () => {
    expect(() => parseListings("{oops")).toThrow(SourceError);
    try {
      parseListings('{"listings": []}');
    } catch (error) {
      expect((error as SourceError).reason).toBe("not_a_list");
    }
    try {
      parseListings("<html>rate limited</html>");
    } catch (error) {
      expect((error as SourceError).reason).toBe("invalid_json");
    }
  });

  it("reads records one by one, whatever their strings and nesting hold", () => {
    const tricky = record("t", {
      title: 'Intern ], {"x": [1,2]}, \\ " done',
      locations: ["A, [B]"],
    });
    const text = `\ufeff [\n ${JSON.stringify(tricky)} ,{"id":"nested","extra":[[{}],[]]}, 3 ]\n`;
    const { listings, malformed } = parseListings(text);
    expect(listings.map((l) => l.title)).toEqual([tricky.title]);
    expect(listings[0]?.locations).toEqual(["A, [B]"]);
    expect(malformed).toBe(2);
    expect(parseListings(" [ ] ")).toEqual({ listings: [], malformed: 0 });
  });

  it("refuses a list that is cut off, unbalanced, or followed by more text", () => {
    const reasonOf = (text: string) => {
      try {
        parseListings(text);
        return "parsed";
      } catch (error) {
        return (error as SourceError).reason;
      }
    };
    expect(reasonOf(JSON.stringify([record("a")]).slice(0, -5))).toBe("invalid_json");
    expect(reasonOf('[{"id": "a"}}]')).toBe("invalid_json");
    expect(reasonOf("[1, 2] [3]")).toBe("invalid_json");
    expect(reasonOf("[1, nope]")).toBe("invalid_json");
    expect(reasonOf('"just a string"')).toBe("not_a_list");
    expect(reasonOf("")).toBe("invalid_json");
  });
});
