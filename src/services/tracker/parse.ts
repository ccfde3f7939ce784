import { z } from "zod";

/** The stages of an application, in pipeline order. */
export const STAGES = [
  "saved",
  "applied",
  "oa",
  "interview",
  "offer",
  "accepted",
  "rejected",
  "withdrawn",
] as const;
export const StageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof StageSchema>;

/** What a student typed after `/track add`, read into its parts. */
export interface NewApplication {
  company: string;
  role: string;
  url?: string;
}

/** A `/track` command, read from its text. */
export type TrackCommand =
  | { kind: "list" }
  | { kind: "help" }
  | { kind: "add"; application: NewApplication }
  | { kind: "move"; id: string; stage: Stage }
  | { kind: "remove"; id: string }
  | { kind: "export" }
  | { kind: "share"; on: boolean }
  | { kind: "reminders"; on: boolean };

/**
 * Why a `/track` command could not be read. Codes and values only: the renderer words them, and
 * escapes whatever the user typed.
 */
export type TrackProblem =
  | { code: "add_empty" }
  | { code: "add_no_role"; company: string }
  | { code: "add_ambiguous"; text: string }
  | { code: "add_bad_link"; link: string }
  | { code: "add_too_long"; field: "company" | "role"; max: number }
  | { code: "remove_no_id" }
  | { code: "unknown_stage"; id: string; stage: string }
  | { code: "switch_needs_on_off"; setting: "share" | "reminders"; got: string }
  | { code: "unknown"; text: string };

export type ParsedTrack =
  | { ok: true; command: TrackCommand }
  | { ok: false; problem: TrackProblem };

export const MAX_COMPANY = 100;
export const MAX_ROLE = 150;
/** Short ids are 6 hex characters; anything else cannot name an application. */
export const ID_PATTERN = /^[0-9a-f]{6}$/;

/** Words that start the role part of `<company> <role words>` (matched whole, case-insensitive). */
const ROLE_WORDS = new Set([
  "intern",
  "interns",
  "internship",
  "co-op",
  "coop",
  "ml",
  "machine",
  "data",
  "software",
  "swe",
  "sde",
  "engineer",
  "engineering",
  "developer",
  "scientist",
  "science",
  "analyst",
  "analytics",
  "research",
  "researcher",
  "quant",
  "quantitative",
  "product",
  "designer",
  "backend",
  "frontend",
  "full-stack",
  "fullstack",
  "cv",
  "nlp",
  "summer",
  "winter",
  "fall",
  "spring",
  "graduate",
  "new-grad",
  "platform",
  "infrastructure",
  "security",
]);

/** `<https://…>` or `<https://…|label>` as Slack sends a link, or a bare link. */
function linkOf(word: string): string | undefined {
  if (!/^<?(https?:|www\.)/i.test(word)) return undefined;
  return word.replace(/^<|>$/g, "").split("|")[0] ?? "";
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname.includes(".");
  } catch {
    return false;
  }
}

/**
 * Reads `<company> — <role> [link]`, `<company> | <role> [link]`, or `<company> <role words>
 * [link]` when it is clear where the role begins (at the first word such as "intern", "ML",
 * "data", "engineer" after the company).
 *
 * @example
 * parseNewApplication("Acme Corp — ML intern https://acme.example/jobs/1");
 * // { ok: true, value: { company: "Acme Corp", role: "ML intern", url: "https://acme.example/jobs/1" } }
 */
export function parseNewApplication(
  raw: string,
): { ok: true; value: NewApplication } | { ok: false; problem: TrackProblem } {
  const words = raw.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { ok: false, problem: { code: "add_empty" } };
  let url: string | undefined;
  const last = words.at(-1) ?? "";
  const link = linkOf(last);
  if (link !== undefined) {
    if (!isHttpUrl(link)) return { ok: false, problem: { code: "add_bad_link", link } };
    url = link;
    words.pop();
  }
  const text = words.join(" ");
  if (text === "") return { ok: false, problem: { code: "add_empty" } };
  let company: string;
  let role: string;
  // An em or en dash, a spaced hyphen or double hyphen, or a pipe separates company and role.
  const separated = text.match(/^(.*?)\s*(?:—|–|\s-{1,2}\s|\|)\s*(.*)$/);
  if (separated) {
    company = (separated[1] ?? "").trim();
    role = (separated[2] ?? "").trim();
    if (company === "") return { ok: false, problem: { code: "add_empty" } };
    if (role === "") return { ok: false, problem: { code: "add_no_role", company } };
  } else {
    const plain = text.split(/\s+/);
    if (plain.length === 1) return { ok: false, problem: { code: "add_no_role", company: text } };
    if (plain.length === 2) {
      company = plain[0] as string;
      role = plain[1] as string;
    } else {
      const at = plain.findIndex((w, i) => i > 0 && ROLE_WORDS.has(w.toLowerCase()));
      if (at < 0) return { ok: false, problem: { code: "add_ambiguous", text } };
      company = plain.slice(0, at).join(" ");
      role = plain.slice(at).join(" ");
    }
  }
  if (company.length > MAX_COMPANY)
    return { ok: false, problem: { code: "add_too_long", field: "company", max: MAX_COMPANY } };
  if (role.length > MAX_ROLE)
    return { ok: false, problem: { code: "add_too_long", field: "role", max: MAX_ROLE } };
  return { ok: true, value: url ? { company, role, url } : { company, role } };
}

/** Reads a stage name: the eight stages, case-insensitive, with a few spellings people use. */
export function parseStage(word: string): Stage | undefined {
  const w = word.toLowerCase().replace(/[-_\s]/g, "");
  const aliases: Record<string, Stage> = {
    onlineassessment: "oa",
    assessment: "oa",
    interviewing: "interview",
    interviews: "interview",
    offered: "offer",
    accept: "accepted",
    reject: "rejected",
    withdraw: "withdrawn",
    save: "saved",
    apply: "applied",
  };
  const stage = StageSchema.safeParse(w);
  return stage.success ? stage.data : aliases[w];
}

function onOff(word: string | undefined): boolean | undefined {
  const w = word?.toLowerCase();
  if (w === "on") return true;
  if (w === "off") return false;
  return undefined;
}

/**
 * Reads the text after `/track`, as typed (Slack's `&amp;`, `&lt;`, `&gt;` already undone on the
 * way in; renderers escape it again): `` (list), `help`, `add …`, `<id> <stage>`, `remove <id>`,
 * `export`, `share on|off`, `reminders on|off`.
 *
 * @example
 * parseTrack("a1b2c3 interview"); // { ok: true, command: { kind: "move", id: "a1b2c3", stage: "interview" } }
 */
export function parseTrack(text: string): ParsedTrack {
  const trimmed = text.trim();
  const [first = "", ...rest] = trimmed.split(/\s+/).filter(Boolean);
  const sub = first.toLowerCase();
  const ok = (command: TrackCommand): ParsedTrack => ({ ok: true, command });
  const fail = (problem: TrackProblem): ParsedTrack => ({ ok: false, problem });
  if (sub === "" || sub === "list") return rest.length === 0 ? ok({ kind: "list" }) : unknown();
  if (sub === "help" || sub === "?") return ok({ kind: "help" });
  if (sub === "add") {
    const parsed = parseNewApplication(trimmed.slice(first.length));
    return parsed.ok ? ok({ kind: "add", application: parsed.value }) : fail(parsed.problem);
  }
  if (sub === "remove" || sub === "delete") {
    const [id, ...extra] = rest;
    if (!id) return fail({ code: "remove_no_id" });
    if (extra.length > 0) return unknown();
    return ok({ kind: "remove", id: normalizeId(id) });
  }
  if (sub === "export") return rest.length === 0 ? ok({ kind: "export" }) : unknown();
  if (sub === "share" || sub === "reminders") {
    const on = onOff(rest[0]);
    if (on === undefined || rest.length > 1)
      return fail({
        code: "switch_needs_on_off",
        setting: sub,
        got: rest.join(" "),
      });
    return ok(sub === "share" ? { kind: "share", on } : { kind: "reminders", on });
  }
  if (rest.length === 1) {
    const id = normalizeId(first);
    const stage = parseStage(rest[0] as string);
    if (stage) return ok({ kind: "move", id, stage });
    if (ID_PATTERN.test(id)) return fail({ code: "unknown_stage", id, stage: rest[0] as string });
  }
  return unknown();

  function unknown(): ParsedTrack {
    return fail({ code: "unknown", text: trimmed });
  }
}

/** Ids as shown (`a1b2c3`), also pasted with backticks or in capitals. */
export function normalizeId(id: string): string {
  return id.trim().replace(/^`|`$/g, "").toLowerCase();
}
