import type { KnownBlock } from "@slack/types";
import { displayText } from "../services/knowledge-base/knowledge-base.ts";
import type { Entry, Topic } from "../services/knowledge-base/schema.ts";
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
import { encodePick, encodeVote } from "./values.ts";

/** At most this many "Did you mean…?" suggestions. */
export const MAX_SUGGESTIONS = 3;

/**
 * Helpful / not helpful buttons for one entry; the question it answered travels with the vote so
 * organizers see what a 👎 was about.
 */
export function feedbackRow(entryId: string, question?: string): KnownBlock[] {
  const value = encodeVote(entryId, question);
  return actions(
    [
      button("👍 Helpful", Actions.helpful, value),
      button("👎 Not helpful", Actions.notHelpful, value),
    ],
    `feedback:${entryId}`,
  );
}

/**
 * The answer to a question asked in a DM or a mention: the best entry, up to two related ones,
 * and helpful / not helpful buttons.
 */
export function renderAnswer(
  best: SearchHit,
  related: readonly SearchHit[],
  question?: string,
): Message {
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
  blocks.push(...feedbackRow(best.id, question));
  return message(`${best.title}\n${best.text}`, blocks);
}

/**
 * Not sure: say so plainly, and offer the closest entries as "Did you mean…?" buttons (at most
 * three). Each button carries the question, so a click can teach it to the entry.
 */
export function renderDidYouMean(question: string, hits: readonly SearchHit[]): Message {
  const q = escapeText(truncate(question, 200));
  const shown = hits.slice(0, MAX_SUGGESTIONS);
  return message(
    // Titles are questions themselves ("Should I put my GPA on my resume?"): no "?" after them.
    `I'm not sure I know that one: "${q}". Did you mean one of these? ${shown.map((h) => h.title).join(" · ")}`,
    [
      section(`I'm not sure I know that one: “${q}”.\n*Did you mean…?*`),
      ...actions(
        shown.map((hit, i) =>
          button(hit.title, `${Actions.pick}:${i}`, encodePick(hit.id, question)),
        ),
        "did-you-mean",
      ),
      context(
        "Pick one to see it, and I'll learn that you meant it (an organizer checks first). None of these? I've kept your question so the group's organizers can add an answer.",
      ),
    ],
  );
}

/**
 * The entry a student picked from "Did you mean…?", as a reply in their DM or thread: the answer,
 * a note that the question was kept, and 👍/👎 for it.
 */
export function renderPicked(entry: Entry, question: string, recorded: boolean): Message {
  const text = displayText(entry);
  return message(`${entry.title}\n${text}`, [
    section(`*${entry.title}*\n${text}`),
    ...(recorded ? [pickedNote(question)] : []),
    ...feedbackRow(entry.id, question),
  ]);
}

/** "I'll remember…": shown under an entry someone picked for their question. */
export function pickedNote(question: string): KnownBlock {
  return context(
    `Thanks! I'll remember that “${escapeText(truncate(question, 200))}” means this, once an organizer confirms it.`,
  );
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

/** The reply to a click whose value names nothing we know (forged, or from a long-gone entry). */
export function renderStaleClick(): Message {
  const text =
    "Sorry, I can't find what that button pointed to any more. Please ask your question again.";
  return message(text, [section(text)]);
}
