import {
  renderAnswer,
  renderDidYouMean,
  renderDontKnow,
  renderIntro,
} from "../../blocks/answers.ts";
import type { Message } from "../../blocks/kit.ts";
import type { Services } from "../../services/index.ts";
import { isStopWord, words } from "../../services/search/text.ts";
import { decodeSlackText } from "../slack-text.ts";

/** Related entries are shown only when they score at least this share of the best one. */
const RELATED_SHARE = 0.6;

/**
 * The reply to a question asked in a DM or a mention. Unanswered questions are kept for
 * `/prep gaps`; when the search found something but is not sure, the closest entries are offered
 * as "Did you mean…?" buttons.
 */
export async function answerQuestion(
  services: Services,
  teamId: string,
  question: string,
): Promise<Message> {
  const { search, gaps, kb } = services;
  // Only whether it says anything: no stems needed (the search makes its own).
  if (!words(question).some((word) => !isStopWord(word))) return renderIntro(kb.topics);
  const result = search.search(question);
  const [best, ...rest] = result.hits;
  if (!result.answered || !best) {
    await gaps.record(teamId, question);
    return result.suggestions.length > 0
      ? renderDidYouMean(question, result.suggestions)
      : renderDontKnow(question, kb.topics);
  }
  const related = rest.filter((hit) => hit.score >= best.score * RELATED_SHARE).slice(0, 2);
  return renderAnswer(best, related, question);
}

/** Removes mentions (`<@U123>`) and Slack's link markup from a message's text. */
export function plainQuestion(text: string): string {
  const plain = text
    .replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, " ")
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, "$2")
    .replace(/<[^>]+>/g, " ");
  return decodeSlackText(plain).replace(/\s+/g, " ").trim();
}
