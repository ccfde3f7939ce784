/**
 * What buttons carry in their `value`, encoded by the renderers and decoded (with zod) by the
 * listeners. Slack action payloads can be forged, so a decoded value is only a claim: listeners
 * still check that the entry or record it names exists.
 */
import { z } from "zod";
import { MAX_PHRASING_LENGTH } from "../services/feedback/learned.ts";

const EntryId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
  .max(100);
const Question = z.string().trim().min(1).max(MAX_PHRASING_LENGTH);

/** A "Did you mean…?" suggestion: the entry, and the question it was suggested for. */
const PickSchema = z.strictObject({ e: EntryId, q: Question });
export type PickValue = { entryId: string; question: string };

/** A 👍/👎 button: the entry, and the question it answered (when known). */
const VoteSchema = z.strictObject({ e: EntryId, q: Question.optional() });
export type VoteValue = { entryId: string; question?: string };

/** Confirm / Reject of a learned phrasing, and the review page it was on. */
const ReviewSchema = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{16}$/),
  p: z.number().int().min(0).max(1000),
});
export type ReviewValue = { id: string; page: number };

const PageSchema = z.strictObject({ p: z.number().int().min(0).max(1000) });

function json(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** Cuts a question to what a value carries, whole characters only. */
function clipQuestion(question: string): string {
  return [...question.trim().replace(/\s+/g, " ")].slice(0, MAX_PHRASING_LENGTH).join("").trim();
}

export function encodePick(entryId: string, question: string): string {
  return JSON.stringify({ e: entryId, q: clipQuestion(question) });
}

export function decodePick(value: string): PickValue | undefined {
  const parsed = PickSchema.safeParse(json(value));
  return parsed.success ? { entryId: parsed.data.e, question: parsed.data.q } : undefined;
}

export function encodeVote(entryId: string, question?: string): string {
  const q = question ? clipQuestion(question) : "";
  return q ? JSON.stringify({ e: entryId, q }) : JSON.stringify({ e: entryId });
}

/** Also reads the plain entry id that vote buttons carried before questions were kept. */
export function decodeVote(value: string): VoteValue | undefined {
  const legacy = EntryId.safeParse(value);
  if (legacy.success) return { entryId: legacy.data };
  const parsed = VoteSchema.safeParse(json(value));
  if (!parsed.success) return undefined;
  return parsed.data.q === undefined
    ? { entryId: parsed.data.e }
    : { entryId: parsed.data.e, question: parsed.data.q };
}

export function encodeReview(id: string, page: number): string {
  return JSON.stringify({ id, p: page });
}

export function decodeReview(value: string): ReviewValue | undefined {
  const parsed = ReviewSchema.safeParse(json(value));
  return parsed.success ? { id: parsed.data.id, page: parsed.data.p } : undefined;
}

export function encodePage(page: number): string {
  return JSON.stringify({ p: page });
}

export function decodePage(value: string): number | undefined {
  const parsed = PageSchema.safeParse(json(value));
  return parsed.success ? parsed.data.p : undefined;
}
