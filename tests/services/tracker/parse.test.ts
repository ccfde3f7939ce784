import { describe, expect, it } from "vitest";
import {
  parseNewApplication,
  parseStage,
  parseTrack,
} from "../../../src/services/tracker/parse.ts";

describe("parseTrack: the /track grammar", () => {
  it.each([
    ["", { kind: "list" }],
    ["   ", { kind: "list" }],
    ["list", { kind: "list" }],
    ["help", { kind: "help" }],
    ["export", { kind: "export" }],
    ["share on", { kind: "share", on: true }],
    ["share OFF", { kind: "share", on: false }],
    ["reminders off", { kind: "reminders", on: false }],
    ["reminders on", { kind: "reminders", on: true }],
    ["remove a1b2c3", { kind: "remove", id: "a1b2c3" }],
    ["remove `A1B2C3`", { kind: "remove", id: "a1b2c3" }],
    ["a1b2c3 interview", { kind: "move", id: "a1b2c3", stage: "interview" }],
    ["a1b2c3 OA", { kind: "move", id: "a1b2c3", stage: "oa" }],
    ["a1b2c3 online-assessment", { kind: "move", id: "a1b2c3", stage: "oa" }],
    ["a1b2c3 withdrawn", { kind: "move", id: "a1b2c3", stage: "withdrawn" }],
    ["zzz offer", { kind: "move", id: "zzz", stage: "offer" }],
  ])("reads %j", (text, command) => {
    expect(parseTrack(text)).toEqual({ ok: true, command });
  });

  it.each([
    ["add Acme — ML intern", { company: "Acme", role: "ML intern" }],
    ["add Acme – ML intern", { company: "Acme", role: "ML intern" }],
    ["add Acme Corp | Research intern", { company: "Acme Corp", role: "Research intern" }],
    ["add Acme Corp - Research intern", { company: "Acme Corp", role: "Research intern" }],
    ["add Acme -- Research intern", { company: "Acme", role: "Research intern" }],
    ["add Jane Street ML intern", { company: "Jane Street", role: "ML intern" }],
    ["add Acme intern", { company: "Acme", role: "intern" }],
    [
      "add Data Corp data science internship",
      { company: "Data Corp", role: "data science internship" },
    ],
    [
      "add Acme — ML intern https://acme.example/jobs/1",
      { company: "Acme", role: "ML intern", url: "https://acme.example/jobs/1" },
    ],
    [
      "add Acme — ML intern <https://acme.example/jobs/1|acme.example/jobs/1>",
      { company: "Acme", role: "ML intern", url: "https://acme.example/jobs/1" },
    ],
    // Text arrives as typed (Slack's escaping undone on the way in), and is kept that way.
    ["add AT&T — SWE <intern>", { company: "AT&T", role: "SWE <intern>" }],
    ["add Hyphen-Co — ML intern", { company: "Hyphen-Co", role: "ML intern" }],
  ])("reads the application in %j", (text, application) => {
    expect(parseTrack(text)).toEqual({ ok: true, command: { kind: "add", application } });
  });

  it.each([
    ["add", "add_empty"],
    ["add   ", "add_empty"],
    ["add https://acme.example/jobs", "add_empty"],
    ["add Acme", "add_no_role"],
    ["add Acme —", "add_no_role"],
    ["add — ML intern", "add_empty"],
    ["add Acme Corp Widgets", "add_ambiguous"],
    ["add Acme — ML intern https://nodot", "add_bad_link"],
    [`add ${"A".repeat(101)} — ML intern`, "add_too_long"],
    [`add Acme — ${"r".repeat(151)}`, "add_too_long"],
    ["remove", "remove_no_id"],
    ["a1b2c3 hired", "unknown_stage"],
    ["share", "switch_needs_on_off"],
    ["share maybe", "switch_needs_on_off"],
    ["reminders please", "switch_needs_on_off"],
    ["frobnicate", "unknown"],
    ["list everything", "unknown"],
    ["remove a1b2c3 b2c3d4", "unknown"],
    ["export now", "unknown"],
  ])("refuses %j with the problem %s", (text, code) => {
    const parsed = parseTrack(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem.code).toBe(code);
  });

  it("keeps what the user typed in a problem, for the renderer to escape once", () => {
    expect(parseTrack("<!channel> go")).toEqual({
      ok: false,
      problem: { code: "unknown", text: "<!channel> go" },
    });
  });
});

describe("parseNewApplication and parseStage", () => {
  it("takes a trailing bare link only when it is a real web link", () => {
    expect(parseNewApplication("Acme — ML intern www.acme").ok).toBe(false);
    expect(parseNewApplication("Acme — ML intern http://acme.example")).toEqual({
      ok: true,
      value: { company: "Acme", role: "ML intern", url: "http://acme.example" },
    });
  });

  it("reads every stage and a few spellings, and nothing else", () => {
    for (const s of [
      "saved",
      "applied",
      "oa",
      "interview",
      "offer",
      "accepted",
      "rejected",
      "withdrawn",
    ])
      expect(parseStage(s.toUpperCase())).toBe(s);
    expect(parseStage("Interviewing")).toBe("interview");
    expect(parseStage("hired")).toBeUndefined();
  });
});
