/**
 * The organizers' views of what members asked: `/prep gaps` and the review of learned phrasings.
 * Shared by the `/prep` command and the review's buttons; the caller checks the organizer first.
 */
import type { Message } from "../blocks/kit.ts";
import { type ReviewOutcome, renderLearnedReview } from "../blocks/learned.ts";
import { renderGaps } from "../blocks/prep.ts";
import type { Services } from "../services/index.ts";

/** How many unanswered questions and 👎 answers `/prep gaps` lists. */
const GAPS_SHOWN = 15;

/** `/prep gaps`: unanswered questions beside answers marked 👎 with their questions. */
export async function gapsReport(services: Services, teamId: string): Promise<Message> {
  const [gaps, downvoted] = await Promise.all([
    services.gaps.top(teamId, GAPS_SHOWN),
    services.feedback.downvoted(teamId, GAPS_SHOWN),
  ]);
  return renderGaps(
    gaps,
    downvoted.map((d) => ({ ...d, title: services.kb.get(d.entryId)?.title ?? d.entryId })),
  );
}

/** One page of the pending learned phrasings, with what the last click did. */
export async function learnedReview(
  services: Services,
  teamId: string,
  page: number,
  outcome?: ReviewOutcome,
): Promise<Message> {
  const pending = await services.learned.pending(teamId);
  const items = pending.map((p) => ({
    ...p,
    title: services.kb.get(p.entryId)?.title ?? p.entryId,
  }));
  return renderLearnedReview(items, page, outcome);
}
