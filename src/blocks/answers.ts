import type { KnownBlock } from "@slack/types";
import type { Topic } from "../services/knowledge-base/schema.ts";
import type { SearchHit } from "../services/search/search.ts";
import { Actions } from "./action-ids.ts";
import {
  actions,
  button,
  context,
  escapeText,
  type Message,
  message,
  section,
  truncate,
} from "./kit.ts";
import { topicButtons } from "./prep.ts";

/** Helpful / not helpful buttons for one entry. */
export function feedbackRow(entryId: string): KnownBlock[] {
  return actions(
    [
      button("👍 Helpful", Actions.helpful, entryId),
      button("👎 Not helpful", Actions.notHelpful, entryId),
    ],
    `feedback:${entryId}`,
  );
}

/**
 * The answer to a question asked in a DM or a mention: the best entry, up to two related ones,
 * and helpful / not helpful buttons.
 */
export function renderAnswer(best: SearchHit, related: readonly SearchHit[]): Message {
  const blocks: KnownBlock[] = [section(`*${best.title}*\n${best.text}`)];
  if (related.length > 0) {
    blocks.push(
      context("Related:"),
      ...related
        .slice(0, 2)
        .map((hit) =>
          section(
            `*${hit.title}*\n${truncate(hit.text.split("\n")[0] ?? "", 200)}`,
            button("Show", Actions.openEntry, hit.id),
          ),
        ),
    );
  }
  blocks.push(...feedbackRow(best.id));
  return message(`${best.title}\n${best.text}`, blocks);
}

/** The plain "I don't know" reply, with topics to try. */
export function renderDontKnow(question: string, topics: readonly Topic[]): Message {
  const q = escapeText(truncate(question, 200));
  return message(`I don't know that one yet: "${q}"`, [
    section(
      `I don't know that one yet: “${q}”.\nI've kept the question so the group's organizers can add an answer. You could ask it another way, or try one of these topics:`,
    ),
    ...topicButtons(topics.slice(0, 10), "suggested"),
  ]);
}

/** What replaces the feedback buttons once someone voted. */
export function renderThanks(helpful: boolean): KnownBlock {
  return context(
    helpful
      ? "Thanks, glad it helped! 👍"
      : "Thanks for telling me. I'll pass it on so the answer gets better. 👎",
  );
}

/** A greeting or empty message: what the bot can do. */
export function renderIntro(topics: readonly Topic[]): Message {
  return message("Hi! Ask me anything about internship search and interview prep.", [
    section(
      "Hi! I'm InternPrep. Ask me anything about landing an ML, data or software internship, e.g. _how early should I apply?_ or _what is data leakage?_\n" +
        "• `/skills` — role skill checklists you can tick off\n• `/prep` — interview-prep tips by topic",
    ),
    ...topicButtons(topics.slice(0, 10)),
  ]);
}
