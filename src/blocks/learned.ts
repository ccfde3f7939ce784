import type { KnownBlock } from "@slack/types";
import type { LearnedPhrasing } from "../services/feedback/learned.ts";
import { Actions } from "./action-ids.ts";
import {
  actions,
  button,
  context,
  escapeText,
  header,
  type Message,
  message,
  section,
  truncate,
} from "./kit.ts";
import { encodePage, encodeReview } from "./values.ts";

/** Learned phrasings per review page: 2 blocks each, well within a message's 50. */
export const REVIEW_PAGE_SIZE = 10;

/** A pending learned phrasing with the title of its entry. */
export interface ReviewItem extends LearnedPhrasing {
  title: string;
}

/** What the organizer's last click did, shown on top of the refreshed review. */
export type ReviewOutcome =
  | { kind: "confirmed" | "rejected"; phrasing: string; title: string }
  | { kind: "already-reviewed" };

function outcomeLine(outcome: ReviewOutcome): string {
  if (outcome.kind === "already-reviewed") return "That one was already reviewed.";
  const pair = `“${escapeText(truncate(outcome.phrasing, 200))}” → *${outcome.title}*`;
  return outcome.kind === "confirmed"
    ? `Confirmed: ${pair}. I answer it from now on.`
    : `Rejected: ${pair}. Dropped.`;
}

/** The page number a review shows: within the pages there are. */
export function clampPage(page: number, total: number): number {
  const last = Math.max(0, Math.ceil(total / REVIEW_PAGE_SIZE) - 1);
  return Math.min(Math.max(0, page), last);
}

/**
 * `/prep learned`, for organizers: one page of pending learned phrasings (the question a student
 * asked, the entry they picked) with Confirm / Reject buttons, and Previous / Next.
 *
 * @param items every pending phrasing, in review order; the page is cut here
 * @param outcome what the last click did, shown on top
 */
export function renderLearnedReview(
  items: readonly ReviewItem[],
  page: number,
  outcome?: ReviewOutcome,
): Message {
  const noteBlocks = outcome ? [context(outcomeLine(outcome))] : [];
  if (items.length === 0) {
    return message("No learned phrasings to review.", [
      ...noteBlocks,
      section(
        "No learned phrasings to review. When I'm not sure and someone picks one of my “Did you mean…?” suggestions, their question shows up here for you to confirm or reject.",
      ),
    ]);
  }
  const current = clampPage(page, items.length);
  const pages = Math.ceil(items.length / REVIEW_PAGE_SIZE);
  const start = current * REVIEW_PAGE_SIZE;
  const shown = items.slice(start, start + REVIEW_PAGE_SIZE);
  const blocks: KnownBlock[] = [
    header("Learned phrasings to review"),
    ...noteBlocks,
    context(
      `${items.length} waiting${pages > 1 ? ` · page ${current + 1} of ${pages}` : ""}. Students asked these questions and picked these entries. *Confirm* teaches the search at once; *Reject* drops it. Export confirmed ones with \`npm run kb:export-learned\`.`,
    ),
  ];
  for (const item of shown) {
    const picks = item.pickedBy.length;
    blocks.push(
      section(
        `“${escapeText(truncate(item.phrasing, 200))}”\n→ *${item.title}* (\`${item.entryId}\`) · picked by ${picks} ${picks === 1 ? "person" : "people"}, last ${item.lastAt.slice(0, 10)}`,
      ),
      ...actions(
        [
          button("Confirm", Actions.confirmLearned, encodeReview(item.id, current), "primary"),
          button("Reject", Actions.rejectLearned, encodeReview(item.id, current), "danger"),
        ],
        `learned:${item.id}`,
      ),
    );
  }
  const pager = [
    ...(current > 0
      ? [button("← Previous", `${Actions.learnedPage}:prev`, encodePage(current - 1))]
      : []),
    ...(current < pages - 1
      ? [button("Next →", `${Actions.learnedPage}:next`, encodePage(current + 1))]
      : []),
  ];
  if (pager.length > 0) blocks.push(...actions(pager, "learned-pages"));
  return message(
    `${items.length} learned phrasing(s) to review: ${shown.map((i) => `"${escapeText(truncate(i.phrasing, 80))}" → ${i.title}`).join("; ")}`,
    blocks,
  );
}
