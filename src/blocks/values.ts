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
  const plain = question.trim().replace(/\s+/g, " ");
  // No longer in UTF-16 units than the limit in characters: nothing to cut (nearly every question).
  if (plain.length <= MAX_PHRASING_LENGTH) return plain;
  return [...plain].slice(0, MAX_PHRASING_LENGTH).join("").trim();
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

/** A `/pairs` round id: a week ("2026-W48") or a `/pairs now` round ("now-<ms>"). */
const RoundId = z.string().regex(/^(\d{4}-W\d{2}|now-\d{1,15})$/);
const RoundSchema = z.strictObject({ r: RoundId });
/** "Did you meet?": the channel of the round, the round, and which pair of it. */
const MeetSchema = z.strictObject({
  c: z.string().regex(/^[CG][A-Z0-9]{1,30}$/),
  r: RoundId,
  i: z.number().int().min(0).max(500),
});
export type MeetValue = { channelId: string; roundId: string; index: number };

export function encodeRound(roundId: string): string {
  return JSON.stringify({ r: roundId });
}

export function decodeRound(value: string): string | undefined {
  const parsed = RoundSchema.safeParse(json(value));
  return parsed.success ? parsed.data.r : undefined;
}

export function encodeMeet(value: MeetValue): string {
  return JSON.stringify({ c: value.channelId, r: value.roundId, i: value.index });
}

export function decodeMeet(value: string): MeetValue | undefined {
  const parsed = MeetSchema.safeParse(json(value));
  return parsed.success
    ? { channelId: parsed.data.c, roundId: parsed.data.r, index: parsed.data.i }
    : undefined;
}
