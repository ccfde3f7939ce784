import { z } from "zod";

/** Slack allows at most 3000 characters in one section's text; every text we show must fit. */
export const SECTION_TEXT_LIMIT = 3000;

const id = z
  .string()
  .regex(
    /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
    "must be lowercase words joined by hyphens, like 'ml-intern'",
  );

const line = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

const text = line(SECTION_TEXT_LIMIT);
const tags = z.array(line(40)).min(1, "needs at least one tag");

/** One item of a role's skill checklist. */
export const ChecklistItemSchema = z.strictObject({
  id,
  skill: line(75),
  why: line(400),
});

/** A role with its skill checklist, e.g. "Machine learning intern". */
export const RoleSchema = z.strictObject({
  id,
  title: line(75),
  aliases: z.array(line(60)).min(1, "needs at least one alias"),
  summary: line(400).refine((text) => text.split("\n").length <= 2, "must be at most two lines"),
  tags,
  checklist: z.array(ChecklistItemSchema).min(10, "needs at least 10 checklist items"),
});

/** An interview-prep topic with concrete tips. */
export const TopicSchema = z.strictObject({
  id,
  title: line(75),
  aliases: z.array(line(60)).default([]),
  summary: line(400),
  tags,
  roles: z.array(id).default([]),
  tips: z.array(line(600)).min(5, "needs at least 5 tips"),
});

/** A question students ask, the ways they phrase it, and our answer. */
export const FaqSchema = z.strictObject({
  id,
  title: line(150),
  phrasings: z.array(line(200)).min(2, "needs at least 2 ways students phrase it"),
  answer: text,
  tags,
  topics: z.array(id).default([]),
  roles: z.array(id).default([]),
});

/** A weekly practice prompt, posted in nudges. */
export const PromptSchema = z.strictObject({
  id,
  title: line(75),
  prompt: line(600),
  topic: id,
  roles: z.array(id).min(1, "needs at least one role it suits"),
  tags,
});

/**
 * Words and phrases students use for the same thing ("cv", "resume"; "freshman", "first year").
 * Search treats every term of a group as its first term, on both sides of the index.
 */
export const SynonymGroupSchema = z.strictObject({
  id,
  terms: z
    .array(
      line(60).refine(
        (term) => /^[\p{L}\p{N}][\p{L}\p{N} .+#/'-]*$/u.test(term),
        "must be words (letters, digits, spaces, . + # / ' -)",
      ),
    )
    .min(2, "needs at least 2 terms: the one search uses, and another way to say it"),
});

/** One knowledge-base file: any mix of the four kinds of entry, and synonym groups. */
export const KnowledgeFileSchema = z.strictObject({
  roles: z.array(z.unknown()).optional(),
  topics: z.array(z.unknown()).optional(),
  faq: z.array(z.unknown()).optional(),
  prompts: z.array(z.unknown()).optional(),
  synonyms: z.array(z.unknown()).optional(),
  offTopic: z.array(z.unknown()).optional(),
});

/**
 * A question people ask a study group's bot that is not about internships ("how much should we
 * offer on a house"): search declines a question closer to one of these than to any of ours.
 */
export const OffTopicSchema = line(200);

export type ChecklistItem = z.infer<typeof ChecklistItemSchema>;
export type Role = z.infer<typeof RoleSchema>;
export type Topic = z.infer<typeof TopicSchema>;
export type Faq = z.infer<typeof FaqSchema>;
export type Prompt = z.infer<typeof PromptSchema>;
export type SynonymGroup = z.infer<typeof SynonymGroupSchema>;

export type EntryKind = "role" | "topic" | "faq" | "prompt";

export type Entry =
  | ({ kind: "role" } & Role)
  | ({ kind: "topic" } & Topic)
  | ({ kind: "faq" } & Faq)
  | ({ kind: "prompt" } & Prompt);

/** The schema for each key of a knowledge-base file, with the kind its entries become. */
export const sections = {
  roles: { kind: "role", schema: RoleSchema },
  topics: { kind: "topic", schema: TopicSchema },
  faq: { kind: "faq", schema: FaqSchema },
  prompts: { kind: "prompt", schema: PromptSchema },
} as const;
